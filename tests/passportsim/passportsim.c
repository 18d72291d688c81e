/*
 * passportsim.c — a virtual passport (an ICAO 9303 eMRTD chip) behind pcscd's
 * vpcd reader driver, for kofu's integration tests.
 *
 *   passportsim --port PORT [--host 127.0.0.1] --pki DIR --holder FILE
 *               [--signer NAME] [--access bac|pace] [--control PATH]
 *               [--fault SPEC]... [--absent] [-v]
 *
 * Owns: the command line, the vpcd TCP connection (the chip is the client),
 * the test-control Unix socket, signals and the single poll() loop that
 * serves them, and rebuilding the files when a file-changing fault is set.
 * The chip itself is chip.c; its files chip_files.c. The transport follows
 * tests/cardsim/cardsim.c (same vpcd framing, latency settings and control
 * conventions).
 *
 * ATR: 3B 88 80 01 + "KOFUMRTD" + TCK, the PC/SC form of an ISO 14443-4
 * chip behind a contactless reader.
 *
 * Exit status: 0 on SIGTERM/SIGINT/quit, 2 for bad arguments, holder or
 * PKI, 3 when pcscd cannot be reached within 10 s, 1 on other failures.
 * Logging (-v, stderr) shows headers, lengths and status words only, never
 * data: no MRZ, no keys.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/bytes.h"
#include "base/clock.h"
#include "chip.h"
#include "chip_files.h"
#include "holder.h"

#include <openssl/crypto.h>

#define CS_EXIT_USAGE 2
#define CS_EXIT_NO_PCSCD 3
#define CS_CONNECT_TIMEOUT_MS 10000
#define CS_CONNECT_RETRY_MS 20
#define CS_MAX_CLIENTS 8
#define CS_LINE_MAX 4352 /* a control line: command plus a path */
#define CS_REPLY_MAX (CS_ERR_MAX + 64)
#define CS_ERR_MAX 512
#define CS_FRAME_MAX (2 + 65535)

/* vpcd control bytes (a message of length 1). */
#define CS_VPCD_POWER_OFF 0x00
#define CS_VPCD_POWER_ON 0x01
#define CS_VPCD_RESET 0x02
#define CS_VPCD_GET_ATR 0x04

static const uint8_t cs_atr[] = {0x3B, 0x88, 0x80, 0x01, 'K', 'O', 'F', 'U', 'M', 'R', 'T', 'D', 0x11};

typedef struct {
    const char *host;
    const char *port;
    const char *pki;
    const char *holder;
    const char *signer; /* NULL: the holder file's */
    const char *control;
    bool pace;
    bool absent;
    bool verbose;
    chip_faults faults;
} cs_opts;

typedef struct {
    int fd; /* -1 = free slot */
    char buf[CS_LINE_MAX];
    size_t len;
} cs_client;

typedef struct {
    cs_opts opt;
    holder holder;
    chip *chip;
    char signer[32]; /* from `signer NAME`; empty: --signer, else the holder's */
    int vpcd;   /* -1 = chip out */
    int listen; /* -1 without --control */
    int sig;    /* signalfd for SIGTERM/SIGINT */
    cs_client clients[CS_MAX_CLIENTS];
    uint8_t in[CS_FRAME_MAX]; /* bytes from vpcd not yet framed */
    size_t in_len;
    unsigned long apdus; /* C-APDUs received since start */
    bool quit;
} cs_sim;

static bool cs_verbose;

__attribute__((format(printf, 1, 2))) static void cs_log(const char *fmt, ...)
{
    if (!cs_verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("passportsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- command line --------------------------------------------------------- */

static void cs_usage(void)
{
    fputs("usage: passportsim --port PORT [--host 127.0.0.1] --pki DIR --holder FILE [--signer NAME]\n"
          "                   [--access bac|pace] [--control PATH] [--fault SPEC]... [--absent] [-v]\n",
          stderr);
}

static bool cs_valid_port(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return *s && !*end && !errno && v >= 1 && v <= 65535;
}

/* Fills *o from argv; prints the reason and returns false on misuse. */
static bool cs_parse_args(int argc, char **argv, cs_opts *o)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},    {"host", required_argument, NULL, 'H'},
        {"pki", required_argument, NULL, 'k'},     {"holder", required_argument, NULL, 'r'},
        {"signer", required_argument, NULL, 's'},  {"access", required_argument, NULL, 'A'},
        {"control", required_argument, NULL, 'c'}, {"fault", required_argument, NULL, 'f'},
        {"absent", no_argument, NULL, 'a'},        {"verbose", no_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    char err[CS_ERR_MAX];
    int ch;
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    chip_faults_init(&o->faults);
    o->pace = true;
    while ((ch = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
        switch (ch) {
        case 'p': o->port = optarg; break;
        case 'H': o->host = optarg; break;
        case 'k': o->pki = optarg; break;
        case 'r': o->holder = optarg; break;
        case 's': o->signer = optarg; break;
        case 'A':
            if (strcmp(optarg, "bac") != 0 && strcmp(optarg, "pace") != 0) {
                fprintf(stderr, "passportsim: --access must be bac or pace\n");
                return false;
            }
            o->pace = strcmp(optarg, "pace") == 0;
            break;
        case 'c': o->control = optarg; break;
        case 'a': o->absent = true; break;
        case 'v': o->verbose = true; break;
        case 'f':
            if (!chip_fault_parse(&o->faults, optarg, err, sizeof err)) {
                fprintf(stderr, "passportsim: %s\n", err);
                return false;
            }
            break;
        default: cs_usage(); return false;
        }
    }
    if (optind != argc || !o->port || !o->pki || !o->holder) {
        cs_usage();
        return false;
    }
    if (!cs_valid_port(o->port)) {
        fprintf(stderr, "passportsim: --port must be 1..65535\n");
        return false;
    }
    if (o->absent && !o->control) {
        fprintf(stderr, "passportsim: --absent needs --control (nothing could insert the chip)\n");
        return false;
    }
    return true;
}

/* ---- time and signals ----------------------------------------------------- */


/* SIGTERM/SIGINT arrive through a signalfd so the poll loop (and every wait)
 * sees them without races. */
static int cs_signals_open(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
        return -1;
    signal(SIGPIPE, SIG_IGN); /* belt and braces: sends use MSG_NOSIGNAL */
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void cs_signal_drain(cs_sim *s)
{
    struct signalfd_siginfo si;
    while (read(s->sig, &si, sizeof si) == (ssize_t)sizeof si) {
        cs_log("signal %u: exiting", si.ssi_signo);
        s->quit = true;
    }
}

/* Sleeps ms milliseconds, cut short by SIGTERM/SIGINT (which sets quit). */
static void cs_sleep(cs_sim *s, long long ms)
{
    long long end = kofu_mono_ms() + ms;
    for (long long left = ms; left > 0 && !s->quit; left = end - kofu_mono_ms()) {
        struct pollfd p = {.fd = s->sig, .events = POLLIN};
        if (poll(&p, 1, (int)left) > 0)
            cs_signal_drain(s);
    }
}

/* ---- vpcd connection ------------------------------------------------------ */

static void cs_set_int_opt(int fd, int level, int name)
{
    int one = 1;
    if (setsockopt(fd, level, name, &one, sizeof one) != 0)
        cs_log("setsockopt %d/%d: %s", level, name, strerror(errno));
}

/* One pass over the resolved addresses; returns a connected fd or -1. */
static int cs_try_connect(const struct addrinfo *res)
{
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            return fd;
        close(fd);
    }
    return -1;
}

/* Connects to pcscd's vpcd port, retrying every 20 ms for up to 10 s since
 * pcscd may still be starting. Returns the fd or -1 (timeout or signal). */
static int cs_connect(cs_sim *s)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(s->opt.host, s->opt.port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "passportsim: %s: %s\n", s->opt.host, gai_strerror(rc));
        return -1;
    }
    long long deadline = kofu_mono_ms() + CS_CONNECT_TIMEOUT_MS;
    int fd = cs_try_connect(res);
    while (fd < 0 && !s->quit && kofu_mono_ms() < deadline) {
        cs_sleep(s, CS_CONNECT_RETRY_MS);
        if (!s->quit)
            fd = cs_try_connect(res);
    }
    freeaddrinfo(res);
    if (fd >= 0)
        cs_set_int_opt(fd, IPPROTO_TCP, TCP_NODELAY);
    return fd;
}

/* Card out: the driver sees the closed socket as a removal. */
static void cs_remove(cs_sim *s)
{
    if (s->vpcd < 0)
        return;
    close(s->vpcd);
    s->vpcd = -1;
    s->in_len = 0;
    chip_power(s->chip, CHIP_POWER_OFF);
    cs_log("chip removed");
}

/* Fires remove-after=0: the budget is already spent. */
static void cs_check_remove_after(cs_sim *s)
{
    if (s->vpcd >= 0 && s->chip->faults.remove_after == 0) {
        s->chip->faults.remove_after = -1; /* one-shot */
        cs_remove(s);
    }
}

/* Card in. Returns false if pcscd could not be reached. */
static bool cs_insert(cs_sim *s)
{
    if (s->vpcd >= 0)
        return true;
    s->vpcd = cs_connect(s);
    if (s->vpcd < 0)
        return false;
    s->in_len = 0;
    cs_log("chip inserted");
    cs_check_remove_after(s);
    return true;
}

/* Sends one framed message with a single send(): the length prefix and the
 * payload travel in one segment, which avoids the Nagle/delayed-ACK stall. */
static void cs_vpcd_send(cs_sim *s, const uint8_t *p, size_t n)
{
    uint8_t buf[2 + CHIP_RAPDU_MAX];
    kofu_bld b;
    bld_init(&b, buf, sizeof buf);
    bld_add_u16(&b, (uint16_t)n);
    bld_add_bytes(&b, p, n);
    if (!bld_ok(&b))
        return;
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = send(s->vpcd, buf + off, b.len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            cs_log("vpcd send: %s", strerror(errno));
            cs_remove(s);
            return;
        }
        off += (size_t)w;
    }
}

static void cs_vpcd_control(cs_sim *s, uint8_t b)
{
    switch (b) {
    case CS_VPCD_POWER_OFF: cs_log("power off"); chip_power(s->chip, CHIP_POWER_OFF); break;
    case CS_VPCD_POWER_ON: cs_log("power on"); chip_power(s->chip, CHIP_POWER_ON); break;
    case CS_VPCD_RESET: cs_log("reset"); chip_power(s->chip, CHIP_RESET); break;
    case CS_VPCD_GET_ATR: cs_vpcd_send(s, cs_atr, sizeof cs_atr); break;
    default: cs_log("unknown control byte %02X ignored", b); break;
    }
}

/* Logs an APDU's header and length only. */
static void cs_log_capdu(const kofu_cur *apdu)
{
    kofu_cur c = *apdu;
    uint8_t h[4] = {0};
    if (!cur_copy(&c, h, sizeof h))
        cs_log("> short C-APDU len=%zu", cur_len(apdu));
    else
        cs_log("> CLA=%02X INS=%02X P1=%02X P2=%02X len=%zu", h[0], h[1], h[2], h[3], cur_len(apdu));
}

static void cs_vpcd_apdu(cs_sim *s, const kofu_cur *apdu)
{
    uint8_t r[CHIP_RAPDU_MAX];
    size_t rlen = sizeof r;
    s->apdus++;
    cs_log_capdu(apdu);
    if (s->chip->faults.mute) {
        cs_log("< (mute: no answer)");
        return;
    }
    chip_process_apdu(s->chip, cur_data(apdu), cur_len(apdu), r, &rlen);
    cs_log("< SW=%02X%02X data=%zu", r[rlen - 2], r[rlen - 1], rlen - 2);
    cs_vpcd_send(s, r, rlen);
    if (s->chip->faults.remove_after > 0) {
        s->chip->faults.remove_after--;
        cs_check_remove_after(s);
    }
}

/* Splits the input buffer into [len][payload] messages and handles each. */
static void cs_vpcd_frames(cs_sim *s)
{
    kofu_cur c;
    cur_init(&c, s->in, s->in_len);
    for (;;) {
        kofu_cur save = c, msg;
        uint16_t len;
        uint8_t b;
        if (!cur_get_u16(&c, &len) || !cur_get_bytes(&c, &msg, len)) {
            c = save;
            break;
        }
        if (len == 1 && cur_get_u8(&msg, &b))
            cs_vpcd_control(s, b);
        else if (len > 1)
            cs_vpcd_apdu(s, &msg);
        if (s->vpcd < 0)
            return; /* removed while handling: the rest is moot */
    }
    s->in_len = cur_len(&c);
    if (s->in_len)
        memmove(s->in, cur_data(&c), s->in_len);
}

static void cs_vpcd_readable(cs_sim *s)
{
    /* Re-arm quick ACKs: Linux drops back to delayed ACKs on its own. */
    cs_set_int_opt(s->vpcd, IPPROTO_TCP, TCP_QUICKACK);
    ssize_t n = recv(s->vpcd, s->in + s->in_len, sizeof s->in - s->in_len, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        cs_log("vpcd connection closed by pcscd");
        cs_remove(s);
        return;
    }
    s->in_len += (size_t)n;
    cs_vpcd_frames(s);
}

/* ---- control socket ------------------------------------------------------- */

/* Binds the control socket, replacing a stale socket file (but never a
 * regular file: a wrong path must not delete someone's data). */
static int cs_control_open(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct stat st;
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "passportsim: --control path too long\n");
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "passportsim: %s exists and is not a socket; not removing it\n", path);
            return -1;
        }
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (const struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 8) != 0) {
        fprintf(stderr, "passportsim: control socket %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void cs_client_close(cs_client *cl)
{
    close(cl->fd);
    cl->fd = -1;
    cl->len = 0;
}

static void cs_client_reply(cs_client *cl, const char *line)
{
    char buf[CS_REPLY_MAX + 1];
    int n = snprintf(buf, sizeof buf, "%s\n", line);
    if (n < 0 || (size_t)n >= sizeof buf || send(cl->fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
        cs_client_close(cl); /* a client that does not read its replies is dropped */
}

static void cs_status(const cs_sim *s, char *reply, size_t n)
{
    snprintf(reply, n, "ok present=%d access=%s pace=%d apdus=%lu powered=%d", s->vpcd >= 0, s->chip->access,
             s->chip->pace, s->apdus, s->vpcd >= 0 && s->chip->powered);
}

/* Builds the files for faults f (the Document Signer they ask for, else
 * --signer, else the holder's). */
static bool cs_build_files(const cs_sim *s, const chip_faults *f, pf_set *files, char *err, size_t errlen)
{
    const char *signer = chip_faults_signer(f);
    if (!signer)
        signer = s->signer[0] ? s->signer : s->opt.signer ? s->opt.signer : s->holder.signer;
    pf_opts o = {s->opt.pki, signer, s->opt.pace,
                 f->tampered_dg1, f->bad_sod_signature};
    return pf_build(&s->holder, &o, files, err, errlen);
}

static bool cs_files_differ(const chip_faults *a, const chip_faults *b)
{
    return a->tampered_dg1 != b->tampered_dg1 || a->bad_sod_signature != b->bad_sod_signature ||
           a->other_csca != b->other_csca || a->expired_ds != b->expired_ds;
}

/* fault SPEC: the files are rebuilt aside first, so a failure leaves the
 * chip as it was. */
static void cs_cmd_fault(cs_sim *s, const char *spec, char *reply, size_t n)
{
    char err[CS_ERR_MAX];
    chip_faults f = s->chip->faults;
    if (!chip_fault_parse(&f, spec, err, sizeof err)) {
        snprintf(reply, n, "err %s", err);
        return;
    }
    if (cs_files_differ(&f, &s->chip->faults)) {
        pf_set *files = malloc(sizeof *files);
        bool ok = files && cs_build_files(s, &f, files, err, sizeof err);
        if (ok)
            chip_set_files(s->chip, files);
        free(files);
        if (!ok) {
            snprintf(reply, n, "err %s", files ? err : "out of memory");
            return;
        }
    }
    chip_set_faults(s->chip, &f);
    cs_check_remove_after(s);
    snprintf(reply, n, "ok");
}

/* signer NAME: EF.SOD signed again by another Document Signer (a fault's
 * own signer still wins while the fault is set). */
static void cs_cmd_signer(cs_sim *s, const char *name, char *reply, size_t n)
{
    char err[CS_ERR_MAX], old[sizeof s->signer];
    if (strlen(name) >= sizeof s->signer || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(name)) {
        snprintf(reply, n, "err bad signer name (e.g. ds-ut2)");
        return;
    }
    memcpy(old, s->signer, sizeof old);
    snprintf(s->signer, sizeof s->signer, "%s", name);
    pf_set *files = malloc(sizeof *files);
    bool ok = files && cs_build_files(s, &s->chip->faults, files, err, sizeof err);
    if (ok)
        chip_set_files(s->chip, files);
    else
        memcpy(s->signer, old, sizeof old);
    free(files);
    if (ok)
        snprintf(reply, n, "ok");
    else
        snprintf(reply, n, "err %s", files ? err : "out of memory");
}

static void cs_cmd_insert(cs_sim *s, char *reply, size_t n)
{
    if (cs_insert(s))
        snprintf(reply, n, "ok present=%d", s->vpcd >= 0);
    else
        snprintf(reply, n, "err cannot connect to %s:%s", s->opt.host, s->opt.port);
}

/* Runs one control line and writes the one-line reply. */
static void cs_control_line(cs_sim *s, char *line, char *reply, size_t n)
{
    size_t len = strlen(line);
    if (len && line[len - 1] == '\r')
        line[len - 1] = '\0';
    char *arg = strchr(line, ' ');
    if (arg)
        *arg++ = '\0';
    cs_log("control: %s", line); /* the command word only */
    if (strcmp(line, "status") == 0 && !arg)
        cs_status(s, reply, n);
    else if (strcmp(line, "remove") == 0 && !arg) {
        cs_remove(s);
        snprintf(reply, n, "ok present=0");
    } else if (strcmp(line, "insert") == 0 && !arg)
        cs_cmd_insert(s, reply, n);
    else if (strcmp(line, "signer") == 0 && arg && *arg)
        cs_cmd_signer(s, arg, reply, n);
    else if (strcmp(line, "fault") == 0 && arg && *arg)
        cs_cmd_fault(s, arg, reply, n);
    else if (strcmp(line, "clear") == 0 && !arg)
        cs_cmd_fault(s, "clear", reply, n);
    else if (strcmp(line, "quit") == 0 && !arg) {
        s->quit = true;
        snprintf(reply, n, "ok");
    } else
        snprintf(reply, n, "err unknown command (status|remove|insert|fault SPEC|clear|signer NAME|quit)");
}

/* Handles every complete line in the client's buffer. */
static void cs_client_lines(cs_sim *s, cs_client *cl)
{
    char *nl;
    while (cl->fd >= 0 && (nl = memchr(cl->buf, '\n', cl->len)) != NULL) {
        char reply[CS_REPLY_MAX];
        size_t used = (size_t)(nl - cl->buf) + 1;
        *nl = '\0';
        cs_control_line(s, cl->buf, reply, sizeof reply);
        cs_client_reply(cl, reply);
        if (cl->fd < 0)
            return;
        cl->len -= used;
        memmove(cl->buf, cl->buf + used, cl->len);
    }
    if (cl->fd >= 0 && cl->len == sizeof cl->buf) {
        cs_client_reply(cl, "err line too long");
        if (cl->fd >= 0)
            cs_client_close(cl);
    }
}

static void cs_client_readable(cs_sim *s, cs_client *cl)
{
    ssize_t n = recv(cl->fd, cl->buf + cl->len, sizeof cl->buf - cl->len, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        cs_client_close(cl);
        return;
    }
    cl->len += (size_t)n;
    cs_client_lines(s, cl);
}

static void cs_accept(cs_sim *s)
{
    int fd = accept4(s->listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    for (size_t i = 0; i < CS_MAX_CLIENTS; i++) {
        if (s->clients[i].fd < 0) {
            s->clients[i].fd = fd;
            s->clients[i].len = 0;
            return;
        }
    }
    static const char busy[] = "err too many control clients\n";
    (void)send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL);
    close(fd);
}

/* ---- main loop ------------------------------------------------------------ */

/* Polls signals, vpcd, control clients and the listener once. */
static void cs_poll_once(cs_sim *s)
{
    struct pollfd p[3 + CS_MAX_CLIENTS];
    int who[3 + CS_MAX_CLIENTS]; /* -1 sig, -2 vpcd, -3 listen, else client index */
    nfds_t n = 0;
    p[n] = (struct pollfd){.fd = s->sig, .events = POLLIN};
    who[n++] = -1;
    if (s->vpcd >= 0) {
        p[n] = (struct pollfd){.fd = s->vpcd, .events = POLLIN};
        who[n++] = -2;
    }
    for (int i = 0; i < CS_MAX_CLIENTS; i++) {
        if (s->clients[i].fd >= 0) {
            p[n] = (struct pollfd){.fd = s->clients[i].fd, .events = POLLIN};
            who[n++] = i;
        }
    }
    if (s->listen >= 0) { /* last, so an accept cannot reuse a polled fd */
        p[n] = (struct pollfd){.fd = s->listen, .events = POLLIN};
        who[n++] = -3;
    }
    if (poll(p, n, -1) <= 0)
        return;
    for (nfds_t i = 0; i < n && !s->quit; i++) {
        if (!p[i].revents)
            continue;
        if (who[i] == -1)
            cs_signal_drain(s);
        else if (who[i] == -2 && s->vpcd == p[i].fd)
            cs_vpcd_readable(s);
        else if (who[i] == -3)
            cs_accept(s);
        else if (who[i] >= 0 && s->clients[who[i]].fd == p[i].fd)
            cs_client_readable(s, &s->clients[who[i]]);
    }
}

static void cs_cleanup(cs_sim *s)
{
    cs_remove(s);
    for (int i = 0; i < CS_MAX_CLIENTS; i++)
        if (s->clients[i].fd >= 0)
            cs_client_close(&s->clients[i]);
    if (s->listen >= 0) {
        close(s->listen);
        unlink(s->opt.control);
    }
    if (s->sig >= 0)
        close(s->sig);
    if (s->chip) {
        chip_wipe(s->chip);
        free(s->chip);
    }
    OPENSSL_cleanse(&s->holder, sizeof s->holder);
}

/* Loads the holder, signs its files and builds the chip. Exit status or 0. */
static int cs_load(cs_sim *s)
{
    char err[CS_ERR_MAX];
    if (!holder_load(s->opt.holder, &s->holder, err, sizeof err)) {
        fprintf(stderr, "passportsim: bad holder file: %s\n", err);
        return CS_EXIT_USAGE;
    }
    pf_set *files = malloc(sizeof *files);
    s->chip = malloc(sizeof *s->chip);
    bool ok = files && s->chip && cs_build_files(s, &s->opt.faults, files, err, sizeof err);
    if (ok)
        chip_init(s->chip, &s->holder, files, s->opt.pace, &s->opt.faults);
    free(files);
    if (!ok) {
        fprintf(stderr, "passportsim: %s\n", files && s->chip ? err : "out of memory");
        free(s->chip);
        s->chip = NULL;
        return CS_EXIT_USAGE;
    }
    return 0;
}

/* Opens the sockets and connects (unless --absent). Exit status or 0. */
static int cs_start(cs_sim *s)
{
    if ((s->sig = cs_signals_open()) < 0) {
        fprintf(stderr, "passportsim: signalfd: %s\n", strerror(errno));
        return 1;
    }
    if (s->opt.control && (s->listen = cs_control_open(s->opt.control)) < 0)
        return CS_EXIT_USAGE;
    if (!s->opt.absent && !cs_insert(s)) {
        if (s->quit)
            return 0;
        fprintf(stderr, "passportsim: cannot connect to %s:%s (is pcscd with vpcd running?)\n",
                s->opt.host, s->opt.port);
        return CS_EXIT_NO_PCSCD;
    }
    return 0;
}

int main(int argc, char **argv)
{
    cs_sim *s = calloc(1, sizeof *s);
    if (!s) {
        fputs("passportsim: out of memory\n", stderr);
        return 1;
    }
    s->vpcd = s->listen = s->sig = -1;
    for (int i = 0; i < CS_MAX_CLIENTS; i++)
        s->clients[i].fd = -1;
    int rc = cs_parse_args(argc, argv, &s->opt) ? 0 : CS_EXIT_USAGE;
    cs_verbose = s->opt.verbose;
    if (rc == 0)
        rc = cs_load(s);
    if (rc == 0)
        rc = cs_start(s);
    if (rc == 0 && !s->quit) {
        printf("passportsim: ready\n");
        fflush(stdout);
    }
    while (rc == 0 && !s->quit)
        cs_poll_once(s);
    cs_cleanup(s);
    free(s);
    return rc;
}
