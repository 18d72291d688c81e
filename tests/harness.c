/* harness.c — see harness.h. */
#include "harness.h"
#include "base/clock.h"
#include "tests/lib/proc.h"

#include "drivers/card_reader.h"
#include "base/errors.h"
#include "card/kenhojo.h"
#include "drivers/card_reader/pcsc.h"
#include "tests/centersim/api.h" /* API_TERMS_VERSION_DEFAULT */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <winscard.h>

#define PCSCD_SOCKET "/run/pcscd/pcscd.comm"
#define DEFAULT_VPCD_PORT 0x7000 /* 28672: below the ephemeral range */
#define DEFAULT_CENTER_PORT 28443

const char *harness_build(void)
{
    const char *b = getenv("KOFU_BUILD");
    return b && *b ? b : "build";
}

const char *harness_path(int slot, const char *rel)
{
    /* Rotating buffers, so that several paths can be used in one call. */
    static char bufs[32][512];
    static unsigned next;
    (void)slot;
    char *b = bufs[next++ % 32];
    snprintf(b, sizeof bufs[0], "%s/%s", harness_build(), rel);
    return b;
}


/* Kept for the tests that exec kofu in a child of their own. */
void harness_exec(const char *const argv[], bool search_path) { kt_exec(argv, search_path); }

static void stop_pid(pid_t *pid)
{
    if (*pid <= 0)
        return;
    kill(*pid, SIGTERM);
    for (int i = 0; i < 200; i++) {
        if (waitpid(*pid, NULL, WNOHANG) == *pid) {
            *pid = 0;
            return;
        }
        kt_sleep_ms(10);
    }
    kill(*pid, SIGKILL);
    waitpid(*pid, NULL, 0);
    *pid = 0;
}

int harness_init(struct harness *h)
{
    memset(h, 0, sizeof *h);
    snprintf(h->dir, sizeof h->dir, "/tmp/kofu-test-XXXXXX");
    if (!mkdtemp(h->dir))
        return -1;
    const char *cport = getenv("KOFU_TEST_CENTER_PORT");
    h->center_port = cport ? atoi(cport) : DEFAULT_CENTER_PORT;
    snprintf(h->center_control, sizeof h->center_control, "%s/centersim.sock", h->dir);
    return 0;
}

int harness_start_pcscd(struct harness *h)
{
    if (harness_init(h) != 0)
        return -1;
    const char *port = getenv("KOFU_TEST_VPCD_PORT");
    h->vpcd_port = port ? atoi(port) : DEFAULT_VPCD_PORT;
    snprintf(h->reader, sizeof h->reader, "Virtual PCD 00 00");
    snprintf(h->control, sizeof h->control, "%s/cardsim.sock", h->dir);

    char confdir[300], conf[340], log[300];
    snprintf(confdir, sizeof confdir, "%s/reader.conf.d", h->dir);
    snprintf(conf, sizeof conf, "%s/vpcd", confdir);
    snprintf(log, sizeof log, "%s/pcscd.log", h->dir);
    if (mkdir(confdir, 0700) != 0)
        return -1;
    FILE *f = fopen(conf, "w");
    if (!f)
        return -1;
    fprintf(f, "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:0x%X\n"
               "LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x%X\n",
            (unsigned)h->vpcd_port, (unsigned)h->vpcd_port);
    fclose(f);

    unlink(PCSCD_SOCKET); /* stale from an earlier run in this namespace */
    const char *argv[] = {"pcscd", "-f", "-c", confdir, NULL};
    h->pcscd = kt_spawn(argv, NULL, log, -1, 0);
    if (h->pcscd < 0)
        return -1;
    for (long end = kofu_mono_ms() + 5000; kofu_mono_ms() < end; kt_sleep_ms(5)) {
        struct stat st;
        if (stat(PCSCD_SOCKET, &st) == 0)
            return 0;
        if (waitpid(h->pcscd, NULL, WNOHANG) == h->pcscd) {
            h->pcscd = 0;
            fprintf(stderr, "harness: pcscd exited; see %s\n", log);
            return -1;
        }
    }
    fprintf(stderr, "harness: pcscd did not come up\n");
    return -1;
}

/* Waits for a peer's ready line on the pipe. */
static int wait_ready(int fd, int timeout_ms, const char *ready)
{
    char buf[256];
    size_t n = 0;
    long end = kofu_mono_ms() + timeout_ms;
    while (kofu_mono_ms() < end) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0)
            continue;
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            return -1;
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, ready))
            return 0;
        if (n >= sizeof buf - 1)
            n = 0;
    }
    return -1;
}

/* Starts the virtual card name (cardsim, passportsim) toward vpcd's port
 * with the test PKI, its own options (own, NULL-terminated), the control
 * socket and faults, its output into log, and waits for its ready line. */
static int spawn_vicc(const char *name, int port, const char *const *own, const char *control,
                      const char *const *faults, const char *log, pid_t *pid)
{
    char port_s[16], ready[64];
    snprintf(port_s, sizeof port_s, "%d", port);
    snprintf(ready, sizeof ready, "%s: ready", name);
    const char *argv[40];
    int n = 0;
    argv[n++] = harness_path(0, name);
    argv[n++] = "--port";
    argv[n++] = port_s;
    argv[n++] = "--pki";
    argv[n++] = harness_path(1, "pki");
    for (int i = 0; own[i] && n < 30; i++)
        argv[n++] = own[i];
    argv[n++] = "--control";
    argv[n++] = control;
    for (int i = 0; faults && faults[i] && n < 36; i++) {
        argv[n++] = "--fault";
        argv[n++] = faults[i];
    }
    argv[n] = NULL;
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return -1;
    *pid = kt_spawn(argv, NULL, log, pipefd[1], 0);
    close(pipefd[1]);
    int rc = *pid > 0 ? wait_ready(pipefd[0], 10000, ready) : -1;
    close(pipefd[0]);
    if (rc != 0) {
        fprintf(stderr, "harness: %s did not become ready; see %s\n", name, log);
        return -1;
    }
    return 0;
}

int harness_spawn_cardsim(struct harness *h, const char *resident, const char *const *faults)
{
    char log[300];
    snprintf(log, sizeof log, "%s/cardsim.log", h->dir);
    const char *const own[] = {"--resident", resident, NULL};
    return spawn_vicc("cardsim", h->vpcd_port, own, h->control, faults, log, &h->cardsim);
}

int harness_start_cardsim(struct harness *h, const char *resident, const char *const *faults)
{
    if (harness_spawn_cardsim(h, resident, faults) != 0)
        return -1;
    return harness_wait_card(h, true, 10000);
}

static int control(const char *path, const char *cmd, char *reply, size_t cap);

int harness_card(struct harness *h, const char *cmd, char *reply, size_t cap)
{
    return control(h->control, cmd, reply, cap);
}

int harness_center(struct harness *h, const char *cmd, char *reply, size_t cap)
{
    return control(h->center_control, cmd, reply, cap);
}

static int control(const char *path, const char *cmd, char *reply, size_t cap)
{
    char tmp[256];
    if (!reply) {
        reply = tmp;
        cap = sizeof tmp;
    }
    reply[0] = '\0';
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) {
        close(s);
        return -1;
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    int rc = -1;
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
        char line[700];
        int len = snprintf(line, sizeof line, "%s\n", cmd);
        if (len > 0 && write(s, line, (size_t)len) == len) {
            size_t n = 0;
            while (n + 1 < cap) {
                ssize_t r = read(s, reply + n, 1);
                if (r <= 0 || reply[n] == '\n')
                    break;
                n++;
            }
            reply[n] = '\0';
            rc = strncmp(reply, "ok", 2) == 0 ? 0 : -1;
        }
    }
    close(s);
    return rc;
}

int harness_wait_card(struct harness *h, bool present, int timeout_ms)
{
    return harness_wait_reader(h->reader, present, timeout_ms);
}

int harness_wait_reader(const char *reader, bool present, int timeout_ms)
{
    SCARDCONTEXT ctx;
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) != SCARD_S_SUCCESS)
        return -1;
    SCARD_READERSTATE st;
    memset(&st, 0, sizeof st);
    st.szReader = reader;
    st.dwCurrentState = SCARD_STATE_UNAWARE;
    int rc = -1;
    for (long end = kofu_mono_ms() + timeout_ms; kofu_mono_ms() < end;) {
        LONG rv = SCardGetStatusChange(ctx, 200, &st, 1);
        if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
            break;
        bool is_present = (st.dwEventState & SCARD_STATE_PRESENT) && !(st.dwEventState & SCARD_STATE_MUTE);
        if (rv == SCARD_S_SUCCESS && is_present == present) {
            rc = 0;
            break;
        }
        st.dwCurrentState = st.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
    }
    SCardReleaseContext(ctx);
    return rc;
}

int harness_load(struct harness *h, const char *resident)
{
    char cmd[512];
    if (h->passportsim > 0 && h->passport_port == h->vpcd_port)
        stop_pid(&h->passportsim); /* a passport in the card's slot leaves first */
    snprintf(cmd, sizeof cmd, "load %s", resident);
    if (harness_card(h, "clear", NULL, 0) || harness_card(h, "remove", NULL, 0) ||
        harness_wait_card(h, false, 10000) || harness_card(h, cmd, NULL, 0))
        return -1;
    return harness_wait_card(h, true, 10000);
}

static void remove_tree(const char *dir)
{
    char cmd[400];
    if (strncmp(dir, "/tmp/kofu-test-", 15) != 0 || strchr(dir, '\''))
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "harness: could not remove %s\n", dir);
}

int harness_start_centersim(struct harness *h, const char *const *extra)
{
    char port[16], log[300], fixture[300];
    snprintf(port, sizeof port, "%d", h->center_port);
    snprintf(log, sizeof log, "%s/centersim.log", h->dir);
    snprintf(fixture, sizeof fixture, "tests/centersim/fixtures/center.json");
    const char *argv[40];
    int n = 0;
    argv[n++] = harness_path(0, "centersim");
    argv[n++] = "--port";
    argv[n++] = port;
    argv[n++] = "--pki";
    argv[n++] = harness_path(1, "pki");
    argv[n++] = "--fixture";
    argv[n++] = fixture;
    argv[n++] = "--control";
    argv[n++] = h->center_control;
    for (int i = 0; extra && extra[i] && n < 38; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return -1;
    h->centersim = kt_spawn(argv, NULL, log, pipefd[1], 0);
    close(pipefd[1]);
    int rc = h->centersim > 0 ? wait_ready(pipefd[0], 10000, "centersim: ready") : -1;
    close(pipefd[0]);
    if (rc != 0)
        fprintf(stderr, "harness: centersim did not become ready; see %s\n", log);
    return rc;
}

void harness_stop_centersim(struct harness *h) { stop_pid(&h->centersim); }

void harness_stop(struct harness *h)
{
    stop_pid(&h->centersim);
    stop_pid(&h->passportsim);
    stop_pid(&h->cardsim);
    stop_pid(&h->pcscd);
    if (getenv("KOFU_KEEP_TEST_DIR"))
        fprintf(stderr, "harness: kept %s\n", h->dir);
    else if (h->dir[0])
        remove_tree(h->dir);
}

/* Drains a pipe into buf (NUL-terminated, truncated at cap). */
static void drain(int fd, char *buf, size_t cap, size_t *n)
{
    char tmp[4096];
    ssize_t r = read(fd, tmp, sizeof tmp);
    if (r <= 0)
        return;
    size_t take = (size_t)r;
    if (take > cap - 1 - *n)
        take = cap - 1 - *n;
    memcpy(buf + *n, tmp, take);
    *n += take;
    buf[*n] = '\0';
}

int harness_run(const char *const argv[], const char *stdin_data, char *out, size_t out_cap, char *err,
                size_t err_cap)
{
    int in[2], o[2], e[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(o, O_CLOEXEC) || pipe2(e, O_CLOEXEC))
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(in[0], 0);
        dup2(o[1], 1);
        dup2(e[1], 2);
        harness_exec(argv, false);
    }
    close(in[0]);
    close(o[1]);
    close(e[1]);
    if (stdin_data) {
        size_t len = strlen(stdin_data);
        if (write(in[1], stdin_data, len) != (ssize_t)len)
            fprintf(stderr, "harness: short write to child stdin\n");
    }
    close(in[1]);
    size_t on = 0, en = 0;
    out[0] = err[0] = '\0';
    struct pollfd p[2] = {{o[0], POLLIN, 0}, {e[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0 && poll(p, 2, 30000) > 0) {
        for (int i = 0; i < 2; i++) {
            if (p[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP))) {
                size_t before = i ? en : on;
                drain(p[i].fd, i ? err : out, i ? err_cap : out_cap, i ? &en : &on);
                if ((i ? en : on) == before && (p[i].revents & POLLHUP) && !(p[i].revents & POLLIN)) {
                    close(p[i].fd);
                    p[i].fd = -1;
                    open_fds--;
                } else if ((i ? en : on) == before) {
                    /* readable but nothing new (EOF or buffer full): stop watching */
                    close(p[i].fd);
                    p[i].fd = -1;
                    open_fds--;
                }
            }
        }
    }
    if (open_fds > 0)
        kill(pid, SIGKILL); /* silent for 30 s: a hang is a failure, not a wait */
    for (int i = 0; i < 2; i++)
        if (p[i].fd >= 0)
            close(p[i].fd);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

int harness_command_config(struct harness *h, const char *test, const char *fmt, ...)
{
    char path[sizeof h->dir + 16];
    snprintf(path, sizeof path, "%s/kofu.conf", h->dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "# written by %s\n", test);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    if (fclose(f) != 0)
        return -1;
    return setenv("KOFU_CONFIG", path, 1);
}

int harness_kiosk_config(struct harness *h, const char *path, const char *printer_uri, const char *audio_log,
                         const char *extra)
{
    char jwks[400];
    snprintf(jwks, sizeof jwks, "%s/issuer.jwks.json", h->dir);
    if (access(jwks, R_OK) != 0 && harness_center_get(h, "/.well-known/jwks.json", jwks) != 0)
        return -1;
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f,
            "reader = %s\n"
            "card_ca_dir = %s\n"
            "center_url = https://localhost:%d\n"
            "center_ca_file = %s\n"
            "kiosk_cert_file = %s\n"
            "kiosk_key_file = %s\n"
            "shc_keyset_file = %s\n"
            "shc_issuers = https://center.kofu.test/issuer\n"
            "vds_csca_file = %s\n"
            "printer_uri = %s\n"
            "%s = %s\n"
            "display = headless\n"
            "audio_device = %s\n"
            "prompt_dir = %s\n"
            "sim_cardsim_control = %s\n"
            "sim_centersim_control = %s\n"
            "%s",
            h->reader, harness_path(0, "pki/card-ca"), h->center_port, harness_path(1, "pki/center-ca.pem"),
            harness_path(2, "pki/kiosk.pem"), harness_path(3, "pki/kiosk.key.pem"), jwks,
            harness_path(4, "pki/csca.pem"), printer_uri,
            /* The trust that goes with the URI: the test PKI's printer CA
             * for ipps://; plain ipp:// only on a link said to be private
             * (loopback in the test's own network namespace). */
            strncmp(printer_uri, "ipps:", 5) == 0 ? "printer_ca_file" : "printer_private_link",
            strncmp(printer_uri, "ipps:", 5) == 0 ? harness_path(7, "pki/printer-ca.pem") : "yes", audio_log ? audio_log : "", harness_path(5, "prompts"),
            h->control, h->center_control, extra ? extra : "");
    return fclose(f) == 0 ? 0 : -1;
}

int harness_center_get(struct harness *h, const char *path, const char *dest)
{
    FILE *f = fopen(dest, "w");
    if (!f)
        return -1;
    CURL *c = curl_easy_init();
    char url[300];
    snprintf(url, sizeof url, "https://localhost:%d%s", h->center_port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CAINFO, harness_path(0, "pki/center-ca.pem"));
    curl_easy_setopt(c, CURLOPT_SSLCERT, harness_path(0, "pki/kiosk.pem"));
    curl_easy_setopt(c, CURLOPT_SSLKEY, harness_path(0, "pki/kiosk.key.pem"));
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    long status = 0;
    int rc = curl_easy_perform(c) == CURLE_OK ? 0 : -1;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    fclose(f);
    return rc == 0 && status == 200 ? 0 : -1;
}

struct kenhojo_card_data *harness_read_card(struct harness *h, const char *pin, const char *card_ca_dir)
{
    struct card_reader r = {&pcsc_card_reader_ops, NULL, 0};
    struct kenhojo_session s;
    struct kenhojo_read_result got = {0};
    int tries;
    char pin_buf[KENHOJO_PIN_LEN + 2]; /* kenhojo_read_verified wipes it; a longer PIN stays too long */
    snprintf(pin_buf, sizeof pin_buf, "%s", pin);
    bool ok = r.ops->open(&r.ctx, h->reader) == KOFU_OK && r.ops->wait_present(r.ctx, 5000) == KOFU_OK;
    /* Several processes may share one card: the exclusive connection waits its turn. */
    int rc = KOFU_E_CARD_BUSY;
    for (int i = 0; ok && rc == KOFU_E_CARD_BUSY && i < 250; i++) {
        rc = r.ops->connect(r.ctx, NULL, NULL);
        if (rc == KOFU_E_CARD_BUSY)
            kt_sleep_ms(20);
    }
    const struct kenhojo_trust trust = {card_ca_dir, true};
    ok = ok && rc == KOFU_OK && kenhojo_open(&s, &r) == KOFU_OK && kenhojo_pin_status(&s, &tries) == KOFU_OK &&
         kenhojo_read_verified(&s, pin_buf, sizeof pin_buf, true, &trust, &got) == KOFU_OK;
    explicit_bzero(pin_buf, sizeof pin_buf);
    if (r.ctx)
        r.ops->close(r.ctx);
    return ok ? got.data : NULL;
}

double harness_now_ms(void)
{
    return kofu_mono_ms_f();
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double harness_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int harness_select_round_trips(struct card_reader *r, const uint8_t *aid, size_t aid_len, double *rt, int n)
{
    struct apdu sel = {0x00, 0xA4, 0x04, 0x0C, aid, aid_len, false, 0};
    for (int i = 0; i < n; i++) {
        uint8_t resp[64];
        size_t len;
        uint16_t sw;
        double t0 = harness_now_ms();
        if (card_reader_exchange(r, &sel, resp, sizeof resp, &len, &sw) != KOFU_OK || sw != SW_OK)
            return -1;
        rt[i] = harness_now_ms() - t0;
    }
    return 0;
}

int harness_fresh_visit(struct harness *h, const char *const *center_args, const char *resident)
{
    char reply[200];
    if (h->centersim <= 0 && harness_start_centersim(h, center_args) != 0)
        return -1;
    if (harness_center(h, "clear", NULL, 0) != 0 || harness_center(h, "terms " API_TERMS_VERSION_DEFAULT, NULL, 0) != 0 ||
        harness_card(h, "clear", reply, sizeof reply) != 0 || harness_load(h, resident) != 0 ||
        harness_card(h, "remove", reply, sizeof reply) != 0 || harness_wait_card(h, false, 5000) != 0)
        return -1;
    return 0;
}

int harness_product_config(const char *from, const char *to)
{
    FILE *in = fopen(from, "r"), *o = fopen(to, "w");
    char line[2048];
    while (in && o && fgets(line, sizeof line, in))
        if (strncmp(line, "sim_", 4) != 0)
            fputs(line, o);
    int rc = in && o ? 0 : -1;
    if (in)
        fclose(in);
    if (o && fclose(o) != 0)
        rc = -1;
    return rc;
}

int harness_verify_shc(const char *jws_path, const char *jwks_path, const char *iss, char *out, size_t cap)
{
    static char err[1 << 16];
    const char *argv[] = {"/usr/bin/python3", "tests/centersim/verify_shc.py", jws_path, jwks_path,
                          iss ? "--iss" : NULL, iss, NULL};
    int rc = harness_run(argv, NULL, out, cap, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "verifier: %s\n%s\n", out, err);
    return rc;
}

/* ---- the virtual passport ------------------------------------------------- */

/* Starts passportsim toward port (the slot whose reader is reader) and waits
 * for its ready line and for pcscd to see the chip. */
static int spawn_passportsim(struct harness *h, int port, const char *reader, const char *holder, const char *access,
                             const char *const *faults)
{
    char log[300];
    snprintf(log, sizeof log, "%s/passportsim-%d.log", h->dir, port);
    snprintf(h->passport_control, sizeof h->passport_control, "%s/passportsim.sock", h->dir);
    snprintf(h->passport_reader, sizeof h->passport_reader, "%s", reader);
    h->passport_port = port;
    const char *const own[] = {"--holder", holder, "--access", access ? access : "pace", NULL};
    if (spawn_vicc("passportsim", port, own, h->passport_control, faults, log, &h->passportsim) != 0)
        return -1;
    return harness_wait_reader(h->passport_reader, true, 10000);
}

int harness_start_passportsim(struct harness *h, const char *holder, const char *access, const char *const *faults)
{
    /* A chip taken away must be seen gone by pcscd first: it polls, and
     * until then it reports the old chip present, which the new one's
     * wait would take for itself. */
    if (h->passportsim > 0) {
        stop_pid(&h->passportsim);
        if (harness_wait_reader(h->passport_reader, false, 10000) != 0)
            return -1;
    }
    return spawn_passportsim(h, h->vpcd_port + 1, "Virtual PCD 00 01", holder, access, faults);
}

int harness_passport(struct harness *h, const char *cmd, char *reply, size_t cap)
{
    return control(h->passport_control, cmd, reply, cap);
}

/* vpcd serves one chip per port: the card's connection must be gone (pcscd
 * has seen the slot empty) before passportsim connects there. */
int harness_swap_to_passport(struct harness *h, const char *holder, const char *access, const char *const *faults)
{
    if (harness_card(h, "remove", NULL, 0) != 0 || harness_wait_card(h, false, 10000) != 0)
        return -1;
    stop_pid(&h->passportsim);
    return spawn_passportsim(h, h->vpcd_port, h->reader, holder, access, faults);
}

int harness_swap_to_card(struct harness *h)
{
    if (h->passport_port == h->vpcd_port)
        stop_pid(&h->passportsim);
    if (harness_wait_card(h, false, 10000) != 0 || harness_card(h, "insert", NULL, 0) != 0)
        return -1;
    return harness_wait_card(h, true, 10000);
}
