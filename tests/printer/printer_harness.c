/* printer_harness.c — see printer_harness.h. */
#include "printer_harness.h"
#include "base/clock.h"
#include "tests/lib/files.h"
#include "tests/lib/proc.h"

#include "tests/harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cups/cups.h>

#define DEFAULT_IPP_PORT 8631
#define DEFAULT_STANDIN_PORT 8633
#define DBUS_SOCKET "/run/dbus/system_bus_socket"
#define PRINT_COMMAND "tests/printer/ippcmd.sh"


static int port_from_env(const char *name, int fallback)
{
    const char *v = getenv(name);
    int port = v ? atoi(v) : 0;
    return port > 0 && port < 32768 ? port : fallback;
}

/* ---- processes ------------------------------------------------------------ */

/* Peers run in a process group of their own (so that their descendants end
 * with them) and append to their logs (a peer may be started again). */
static pid_t spawn(const char *const argv[], const char *const env[], const char *log_path, int out_fd)
{
    return kt_spawn(argv, env, log_path, out_fd, KT_SPAWN_GROUP | KT_SPAWN_APPEND);
}

/* Reaps what is left of a process group: members that the group leader's
 * death handed to us (we are a child subreaper). */
static void reap_group(pid_t pgid, int timeout_ms)
{
    long end = kofu_mono_ms() + timeout_ms;
    for (;;) {
        pid_t r = waitpid(-pgid, NULL, WNOHANG);
        if (r < 0) /* ECHILD: none of its members is our child any more */
            return;
        if (r == 0) {
            if (kofu_mono_ms() >= end)
                return;
            kt_sleep_ms(5);
        }
    }
}

/* Ends a peer and everything it started, by its process group id (= its
 * PID): SIGTERM, up to 2 s for the leader, then SIGKILL. */
static void stop_group(pid_t *pid)
{
    if (*pid <= 0)
        return;
    pid_t pgid = *pid;
    kill(-pgid, SIGTERM);
    bool gone = false;
    for (int i = 0; i < 200 && !gone; i++) {
        if (waitpid(pgid, NULL, WNOHANG) == pgid)
            gone = true;
        else
            kt_sleep_ms(10);
    }
    kill(-pgid, SIGKILL); /* whatever of the group is still there */
    if (!gone)
        waitpid(pgid, NULL, 0);
    reap_group(pgid, 1000);
    *pid = 0;
}

/* Runs a program to its end (at most timeout_ms); its exit status or -1. */
static int run_wait(const char *const argv[], const char *const env[], const char *log, int timeout_ms)
{
    pid_t pid = spawn(argv, env, log, -1);
    if (pid < 0)
        return -1;
    int status = 0;
    for (long end = kofu_mono_ms() + timeout_ms;; kt_sleep_ms(5)) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (kofu_mono_ms() >= end) {
            kill(-pid, SIGKILL);
            waitpid(pid, NULL, 0);
            return -1;
        }
    }
    reap_group(pid, 200);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool exited(pid_t *pid)
{
    if (*pid > 0 && waitpid(*pid, NULL, WNOHANG) == *pid) {
        reap_group(*pid, 100);
        *pid = 0;
        return true;
    }
    return false;
}

/* ---- IPP and HTTP as a client --------------------------------------------- */

/* libcups asks this each time a wait of the connection's timeout has
 * passed: give up (0) once the deadline in user_data is over. */
static int until_deadline(http_t *http, void *user_data)
{
    (void)http;
    return kofu_mono_ms() < *(const long *)user_data;
}

/* Connects to the printer of uri; every later wait on the connection
 * gives up at *deadline. */
static http_t *connect_uri(const char *uri, char *resource, size_t rcap, long *deadline)
{
    char scheme[16], userpass[64], host[256];
    int port;
    if (httpSeparateURI(HTTP_URI_CODING_ALL, uri, scheme, sizeof scheme, userpass, sizeof userpass, host,
                        sizeof host, &port, resource, (int)rcap) < HTTP_URI_STATUS_OK)
        return NULL;
    http_t *http = httpConnect2(host, port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 2000, NULL);
    if (http)
        httpSetTimeout(http, 0.2, until_deadline, deadline);
    return http;
}

/* One IPP request to uri (with printer-uri and requesting-user-name added);
 * the response (status checked), or NULL. */
static ipp_t *ipp_call(const char *uri, ipp_t *req)
{
    char resource[256];
    long deadline = kofu_mono_ms() + 5000;
    http_t *http = connect_uri(uri, resource, sizeof resource, &deadline);
    if (!http) {
        ippDelete(req);
        return NULL;
    }
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, "kofu-test");
    ipp_t *resp = cupsDoRequest(http, req, resource);
    httpClose(http);
    if (resp && ippGetStatusCode(resp) > IPP_STATUS_OK_EVENTS_COMPLETE) {
        ippDelete(resp);
        resp = NULL;
    }
    return resp;
}

static int printer_state(const char *uri)
{
    ipp_t *resp = ipp_call(uri, ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES));
    if (!resp)
        return -1;
    ipp_attribute_t *a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM);
    int state = a ? ippGetInteger(a, 0) : 0;
    ippDelete(resp);
    return state;
}

static int job_state(const char *uri, int job_id)
{
    ipp_t *req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
    ipp_t *resp = ipp_call(uri, req);
    if (!resp)
        return -1;
    ipp_attribute_t *a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
    int state = a ? ippGetInteger(a, 0) : 0;
    ippDelete(resp);
    return state;
}

int printer_peer_wait_idle(const char *uri, int timeout_ms)
{
    for (long end = kofu_mono_ms() + timeout_ms; kofu_mono_ms() < end; kt_sleep_ms(20))
        if (printer_state(uri) == IPP_PSTATE_IDLE)
            return 0;
    return -1;
}

int printer_peer_active_jobs(const char *uri)
{
    ipp_t *resp = ipp_call(uri, ippNewRequest(IPP_OP_GET_JOBS));
    if (!resp)
        return -1;
    int n = 0;
    for (ipp_attribute_t *a = ippFirstAttribute(resp); a; a = ippNextAttribute(resp))
        if (ippGetName(a) && strcmp(ippGetName(a), "job-id") == 0)
            n++;
    ippDelete(resp);
    return n;
}

int printer_peer_cancel_active(const char *uri)
{
    ipp_t *resp = ipp_call(uri, ippNewRequest(IPP_OP_GET_JOBS));
    if (!resp)
        return -1;
    int n = 0;
    for (ipp_attribute_t *a = ippFirstAttribute(resp); a; a = ippNextAttribute(resp)) {
        if (!ippGetName(a) || strcmp(ippGetName(a), "job-id") != 0)
            continue;
        ipp_t *req = ippNewRequest(IPP_OP_CANCEL_JOB);
        ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", ippGetInteger(a, 0));
        ipp_t *cr = ipp_call(uri, req);
        n += cr != NULL;
        ippDelete(cr);
    }
    ippDelete(resp);
    return n;
}

/* One IPP request to the isolated cupsd's queue. */
static ipp_t *cups_call(struct printer_peer *p, ipp_t *req)
{
    char uri[160], resource[100];
    snprintf(uri, sizeof uri, "ipp://localhost/printers/%s", p->queue);
    snprintf(resource, sizeof resource, "/printers/%s", p->queue);
    http_t *http = httpConnect2(p->cups_socket, 0, NULL, AF_LOCAL, HTTP_ENCRYPTION_NEVER, 1, 2000, NULL);
    if (!http) {
        ippDelete(req);
        return NULL;
    }
    long deadline = kofu_mono_ms() + 5000;
    httpSetTimeout(http, 0.2, until_deadline, &deadline);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, "root");
    ipp_t *resp = cupsDoRequest(http, req, resource);
    httpClose(http);
    if (resp && ippGetStatusCode(resp) > IPP_STATUS_OK_EVENTS_COMPLETE) {
        ippDelete(resp);
        resp = NULL;
    }
    return resp;
}

int printer_peer_cups_jobs(struct printer_peer *p)
{
    ipp_t *req = ippNewRequest(IPP_OP_GET_JOBS);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", NULL, "all");
    ipp_t *resp = cups_call(p, req);
    if (!resp)
        return -1;
    int n = 0;
    for (ipp_attribute_t *a = ippFirstAttribute(resp); a; a = ippNextAttribute(resp))
        if (ippGetName(a) && strcmp(ippGetName(a), "job-id") == 0)
            n++;
    ippDelete(resp);
    return n;
}

int printer_peer_cups_pause(struct printer_peer *p, bool pause)
{
    ipp_t *resp = cups_call(p, ippNewRequest(pause ? IPP_OP_PAUSE_PRINTER : IPP_OP_RESUME_PRINTER));
    ippDelete(resp);
    return resp ? 0 : -1;
}

/* GET path on localhost:port; 0 when it answered 200 within 5 s. */
static int http_get(int port, const char *path)
{
    http_t *http = httpConnect2("localhost", port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 2000, NULL);
    if (!http)
        return -1;
    long deadline = kofu_mono_ms() + 5000;
    httpSetTimeout(http, 0.2, until_deadline, &deadline);
    httpClearFields(http);
    http_status_t st = HTTP_STATUS_ERROR;
    if (httpGet(http, path) == 0) {
        while ((st = httpUpdate(http)) == HTTP_STATUS_CONTINUE)
            ;
        httpFlush(http);
    }
    httpClose(http);
    return st == HTTP_STATUS_OK ? 0 : -1;
}

/* ---- the peers ------------------------------------------------------------ */

static int mount_private(const char *dir)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return -1;
    return mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
}

static int write_file(const char *path, const char *text)
{
    return kt_write_file(path, text, strlen(text)) ? 0 : -1;
}

/* Appends the file at src to out; 0 on success. */
static int append_file(FILE *out, const char *src)
{
    FILE *in = fopen(src, "r");
    if (!in)
        return -1;
    char buf[4096];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    fclose(in);
    return rc;
}

/* ippeveprinter (libcups on GnuTLS) looks for NAME.crt and NAME.key in its
 * -K directory, NAME being its -n host name when the client is on
 * loopback; without them it would make a self-signed pair there. */
static int install_credentials(const char *keys)
{
    char crt[400], key[400];
    snprintf(crt, sizeof crt, "%s/localhost.crt", keys);
    snprintf(key, sizeof key, "%s/localhost.key", keys);
    FILE *c = fopen(crt, "w"), *k = fopen(key, "w");
    int rc = c && k ? 0 : -1;
    if (rc == 0)
        rc = append_file(c, harness_path(0, "pki/printer.pem")) | append_file(c, harness_path(0, "pki/printer-ca.pem")) |
             append_file(k, harness_path(0, "pki/printer.key.pem"));
    if (c && fclose(c) != 0)
        rc = -1;
    if (k && fclose(k) != 0)
        rc = -1;
    return rc;
}

int printer_peer_start_ippeve(struct printer_peer *p)
{
    char cmd[PATH_MAX], port[16], log[300], env_dir[300];
    if (!realpath(PRINT_COMMAND, cmd)) {
        fprintf(stderr, "printer harness: %s not found (run from the repository)\n", PRINT_COMMAND);
        return -1;
    }
    snprintf(port, sizeof port, "%d", p->ipp_port);
    snprintf(log, sizeof log, "%s/ippeveprinter.log", p->dir);
    snprintf(env_dir, sizeof env_dir, "KOFU_PRINTER_DIR=%s", p->dir);
    /* -K: its TLS key and self-signed certificate (for ipps://) stay in our
     * temp dir instead of /etc/cups/ssl. */
    char keys[320];
    snprintf(keys, sizeof keys, "%s/ssl", p->dir);
    if (mkdir(keys, 0700) != 0 && errno != EEXIST)
        return -1;
    if (install_credentials(keys) != 0) {
        fprintf(stderr, "printer harness: no printer certificate in %s (make pki)\n", harness_path(0, "pki"));
        return -1;
    }
    const char *argv[] = {"ippeveprinter", "-v", "-d", p->spool, "-p", port, "-r", "off", "-n", "localhost",
                          "-K", keys, "-c", cmd, "-f", "application/pdf,image/pwg-raster,image/urf",
                          "-m", "kofu-test-printer", "kofu-test-printer", NULL};
    const char *env[] = {env_dir, NULL};
    /* avahi-daemon takes a moment to register on the bus; until then
     * ippeveprinter exits with "Unable to initialize DNS-SD": try again. */
    for (long end = kofu_mono_ms() + 10000; kofu_mono_ms() < end;) {
        p->ippeve = spawn(argv, env, log, -1);
        if (p->ippeve < 0)
            return -1;
        while (kofu_mono_ms() < end) {
            if (exited(&p->ippeve))
                break;
            if (printer_state(p->uri) > 0)
                return 0;
            kt_sleep_ms(10);
        }
        kt_sleep_ms(20);
    }
    fprintf(stderr, "printer harness: ippeveprinter did not come up; see %s\n", log);
    stop_group(&p->ippeve);
    return -1;
}

void printer_peer_stop_ippeve(struct printer_peer *p) { stop_group(&p->ippeve); }

int printer_peer_start_kiosk_peers_mode(struct harness *h, struct printer_peer *p, enum printer_peer_mode mode)
{
    static const char *const always_open[] = {"--hours", "00:00-24:00", NULL};
    if (harness_start_pcscd(h) != 0 || harness_start_cardsim(h, "tests/cardsim/residents/yamada.json", NULL) != 0 ||
        harness_card(h, "remove", NULL, 0) != 0 || harness_wait_card(h, false, 5000) != 0 ||
        harness_start_centersim(h, always_open) != 0 || printer_peer_start(p) != 0)
        return -1;
    snprintf(p->kiosk_uri, sizeof p->kiosk_uri, "%s", mode == PRINTER_IPPS ? p->ipps_uri : p->uri);
    return 0;
}

int printer_peer_start_kiosk_peers(struct harness *h, struct printer_peer *p)
{
    return printer_peer_start_kiosk_peers_mode(h, p, PRINTER_IPP);
}

enum printer_peer_mode printer_peer_mode_from_env(void)
{
    const char *v = getenv("KOFU_TEST_PRINTER");
    return v && strcmp(v, "ipp") == 0 ? PRINTER_IPP : PRINTER_IPPS;
}

int printer_peer_start(struct printer_peer *p)
{
    memset(p, 0, sizeof *p);
    const char *sandbox = getenv("KOFU_IN_SANDBOX");
    if (!sandbox || strcmp(sandbox, "1") != 0) {
        fprintf(stderr, "printer harness: needs tests/sandbox.sh (private /run/dbus for its own D-Bus)\n");
        return -1;
    }
    snprintf(p->dir, sizeof p->dir, "/tmp/kofu-test-printer-XXXXXX");
    if (!mkdtemp(p->dir))
        return -1;
    /* cupsd's filters run as lp and must reach the spool below this dir. */
    chmod(p->dir, 0711);
    snprintf(p->spool, sizeof p->spool, "%s/spool", p->dir);
    snprintf(p->received, sizeof p->received, "%s/received", p->dir);
    if (mkdir(p->spool, 0700) != 0 || mkdir(p->received, 0700) != 0)
        return -1;
    p->ipp_port = port_from_env("KOFU_TEST_IPP_PORT", DEFAULT_IPP_PORT);
    snprintf(p->uri, sizeof p->uri, "ipp://localhost:%d/ipp/print", p->ipp_port);
    snprintf(p->ipps_uri, sizeof p->ipps_uri, "ipps://localhost:%d/ipp/print", p->ipp_port);
    p->standin_port = port_from_env("KOFU_TEST_STANDIN_PORT", DEFAULT_STANDIN_PORT);
    snprintf(p->standin_uri, sizeof p->standin_uri, "ipp://localhost:%d/ipp/print", p->standin_port);

    /* Orphans of our peers (a print command, cupsd's filters) come back to
     * us, so that printer_peer_stop can end them too. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if (mount_private("/run/dbus") != 0 || mount_private("/run/avahi-daemon") != 0) {
        fprintf(stderr, "printer harness: cannot mount private /run/dbus: %s\n", strerror(errno));
        return -1;
    }
    p->mounted = true;
    /* libcups keeps TLS trust for root in /etc/cups/ssl: whatever an ipps
     * test makes it store stays in this namespace. */
    struct stat ssl;
    if (stat("/etc/cups/ssl", &ssl) == 0 &&
        mount("tmpfs", "/etc/cups/ssl", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") == 0)
        p->ssl_mounted = true;

    /* A private system bus: it stays root (no <user>, which would also drop
     * our PR_SET_PDEATHSIG with the credential change), has no service
     * directories (nothing is D-Bus-activated, colord included), and lets
     * the few processes of this test talk freely. */
    char log[300], conf[300], config_arg[320];
    snprintf(conf, sizeof conf, "%s/dbus.conf", p->dir);
    if (write_file(conf,
                   "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                   " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                   "<busconfig>\n  <type>system</type>\n"
                   "  <listen>unix:path=" DBUS_SOCKET "</listen>\n  <auth>EXTERNAL</auth>\n"
                   "  <policy context=\"default\">\n    <allow user=\"*\"/>\n    <allow own=\"*\"/>\n"
                   "    <allow send_type=\"method_call\"/>\n    <allow send_type=\"signal\"/>\n"
                   "    <allow send_type=\"method_return\"/>\n    <allow send_type=\"error\"/>\n"
                   "    <allow receive_type=\"method_call\"/>\n    <allow receive_type=\"signal\"/>\n"
                   "    <allow receive_type=\"method_return\"/>\n    <allow receive_type=\"error\"/>\n"
                   "  </policy>\n</busconfig>\n") != 0)
        return -1;
    snprintf(config_arg, sizeof config_arg, "--config-file=%s", conf);
    snprintf(log, sizeof log, "%s/dbus.log", p->dir);
    const char *dbus[] = {"dbus-daemon", config_arg, "--nofork", "--nopidfile", NULL};
    p->dbus = spawn(dbus, NULL, log, -1);
    struct stat st;
    long end = kofu_mono_ms() + 5000;
    while (stat(DBUS_SOCKET, &st) != 0) {
        if (exited(&p->dbus) || kofu_mono_ms() >= end) {
            fprintf(stderr, "printer harness: dbus-daemon did not come up; see %s\n", log);
            return -1;
        }
        kt_sleep_ms(5);
    }
    snprintf(log, sizeof log, "%s/avahi.log", p->dir);
    const char *avahi[] = {"avahi-daemon", "--no-drop-root", "--no-rlimits", NULL};
    p->avahi = spawn(avahi, NULL, log, -1);
    return printer_peer_start_ippeve(p);
}

int printer_peer_next_job(struct printer_peer *p, const char *instructions)
{
    char path[320], tmp[330];
    snprintf(path, sizeof path, "%s/next-job", p->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (write_file(tmp, instructions) != 0)
        return -1;
    return rename(tmp, path);
}

int printer_peer_state(struct printer_peer *p, const char *change)
{
    char text[256];
    snprintf(text, sizeof text, "discard\nstate %s\n", change);
    if (printer_peer_next_job(p, text) != 0)
        return -1;
    static const char doc[] = "%PDF-1.4\n%%EOF\n";
    char resource[256];
    long deadline = kofu_mono_ms() + 5000;
    http_t *http = connect_uri(p->uri, resource, sizeof resource, &deadline);
    if (!http)
        return -1;
    ipp_t *req = ippNewRequest(IPP_OP_PRINT_JOB);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, p->uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, "kofu-test");
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL, "harness-control");
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL, "application/pdf");
    int job_id = 0;
    if (cupsSendRequest(http, req, resource, ippLength(req) + sizeof doc - 1) == HTTP_STATUS_CONTINUE &&
        cupsWriteRequestData(http, doc, sizeof doc - 1) == HTTP_STATUS_CONTINUE) {
        ipp_t *resp = cupsGetResponse(http, resource);
        ipp_attribute_t *a = resp ? ippFindAttribute(resp, "job-id", IPP_TAG_INTEGER) : NULL;
        job_id = a ? ippGetInteger(a, 0) : 0;
        ippDelete(resp);
    }
    ippDelete(req);
    httpClose(http);
    if (job_id <= 0)
        return -1;
    for (long end = kofu_mono_ms() + 5000; kofu_mono_ms() < end; kt_sleep_ms(10))
        if (job_state(p->uri, job_id) >= IPP_JSTATE_CANCELED)
            return printer_peer_wait_idle(p->uri, 2000);
    return -1;
}

int printer_peer_media(struct printer_peer *p, bool loaded)
{
    /* ippeveprinter's trays: 1 = main (250 sheets), 3 = by-pass (25). */
    return http_get(p->ipp_port, loaded ? "/media?size1=iso_a4_210x297mm&type1=&level1=250"
                                          "&size3=iso_a4_210x297mm&type3=&level3=25"
                                        : "/media?size1=iso_a4_210x297mm&type1=&level1=0"
                                          "&size3=iso_a4_210x297mm&type3=&level3=0");
}

int printer_peer_toner_level(struct printer_peer *p, int percent)
{
    char path[80];
    snprintf(path, sizeof path, "/supplies?supply0=10&supply1=%d", percent);
    return http_get(p->ipp_port, path);
}

int printer_peer_toner(struct printer_peer *p, bool full)
{
    /* supply0 = waste toner (full at 100), supply1 = black toner. */
    return http_get(p->ipp_port, full ? "/supplies?supply0=10&supply1=100" : "/supplies?supply0=10&supply1=0");
}

int printer_peer_start_cupsd(struct printer_peer *p, const char *queue)
{
    char path[400], text[4096];
    snprintf(p->cups_dir, sizeof p->cups_dir, "%s/cups", p->dir);
    snprintf(p->cups_socket, sizeof p->cups_socket, "%s/cups.sock", p->cups_dir);
    snprintf(p->cups_spool, sizeof p->cups_spool, "%s/spool", p->cups_dir);
    snprintf(p->queue, sizeof p->queue, "%s", queue);
    static const char *const sub[] = {"", "/etc", "/etc/ppd", "/spool", "/spool/tmp", "/cache", "/state", "/log"};
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        snprintf(path, sizeof path, "%s%s", p->cups_dir, sub[i]);
        if (mkdir(path, 0711) != 0 && errno != EEXIST)
            return -1;
    }
    const char *d = p->cups_dir;
    snprintf(text, sizeof text,
             "ServerRoot %s/etc\nRequestRoot %s/spool\nCacheDir %s/cache\nStateDir %s/state\n"
             "TempDir %s/spool/tmp\nAccessLog %s/log/access_log\nErrorLog %s/log/error_log\n"
             "PageLog %s/log/page_log\nUser lp\nGroup lp\nSystemGroup root\n",
             d, d, d, d, d, d, d, d);
    snprintf(path, sizeof path, "%s/etc/cups-files.conf", d);
    if (write_file(path, text) != 0)
        return -1;
    /* The spool settings of docs/printing.md; LogLevel warn keeps job
     * details out of error_log, the empty PageLogFormat keeps job names
     * out of page_log. */
    snprintf(text, sizeof text,
             "LogLevel warn\nAccessLogLevel config\nListen %s\nBrowsing No\nWebInterface No\n"
             "DefaultAuthType None\nPreserveJobFiles No\nPreserveJobHistory Yes\nErrorPolicy abort-job\n"
             "PageLogFormat\n<Location />\n  Order allow,deny\n  Allow localhost\n</Location>\n"
             "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
             p->cups_socket);
    snprintf(path, sizeof path, "%s/etc/cupsd.conf", d);
    if (write_file(path, text) != 0)
        return -1;

    char conf[400], files[400], log[400];
    snprintf(conf, sizeof conf, "%s/etc/cupsd.conf", d);
    snprintf(files, sizeof files, "%s/etc/cups-files.conf", d);
    snprintf(log, sizeof log, "%s/cupsd.log", p->dir);
    const char *argv[] = {"cupsd", "-f", "-c", conf, "-s", files, NULL};
    /* No D-Bus for cupsd: on it, cupsd would have dbus-daemon start colord. */
    const char *env[] = {"DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent", NULL};
    p->cupsd = spawn(argv, env, log, -1);
    if (p->cupsd < 0)
        return -1;
    bool up = false;
    for (long end = kofu_mono_ms() + 5000; !up && kofu_mono_ms() < end; kt_sleep_ms(10)) {
        if (exited(&p->cupsd))
            break;
        http_t *http = httpConnect2(p->cups_socket, 0, NULL, AF_LOCAL, HTTP_ENCRYPTION_NEVER, 1, 500, NULL);
        if (!http)
            continue;
        ipp_t *resp = cupsDoRequest(http, ippNewRequest(IPP_OP_CUPS_GET_PRINTERS), "/");
        up = resp != NULL;
        ippDelete(resp);
        httpClose(http);
    }
    if (!up) {
        fprintf(stderr, "printer harness: cupsd did not come up; see %s\n", log);
        return -1;
    }
    char server[400];
    snprintf(server, sizeof server, "CUPS_SERVER=%s", p->cups_socket);
    const char *lpadmin[] = {"lpadmin", "-p", queue, "-E", "-v", p->uri, "-m", "everywhere",
                             "-o", "printer-error-policy=abort-job", NULL};
    const char *lenv[] = {server, NULL};
    snprintf(log, sizeof log, "%s/lpadmin.log", p->dir);
    if (run_wait(lpadmin, lenv, log, 10000) != 0) {
        fprintf(stderr, "printer harness: lpadmin failed; see %s\n", log);
        return -1;
    }
    return 0;
}

int printer_peer_start_standin(struct printer_peer *p)
{
    char port[16], log[300];
    snprintf(port, sizeof port, "%d", p->standin_port);
    snprintf(log, sizeof log, "%s/standin.log", p->dir);
    const char *argv[] = {harness_path(0, "ipp-standin"), "--port", port, NULL};
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return -1;
    p->standin = spawn(argv, NULL, log, pipefd[1]);
    close(pipefd[1]);
    char buf[128];
    size_t n = 0;
    int rc = -1;
    for (long end = kofu_mono_ms() + 5000; p->standin > 0 && kofu_mono_ms() < end;) {
        struct pollfd pf = {pipefd[0], POLLIN, 0};
        if (poll(&pf, 1, 50) <= 0)
            continue;
        ssize_t r = read(pipefd[0], buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "ipp-standin: ready")) {
            rc = 0;
            break;
        }
    }
    close(pipefd[0]);
    if (rc != 0)
        fprintf(stderr, "printer harness: ipp-standin did not come up; see %s\n", log);
    return rc;
}

int printer_peer_standin(struct printer_peer *p, const char *query)
{
    char path[512];
    snprintf(path, sizeof path, "/set?%s", query);
    return http_get(p->standin_port, path);
}

int printer_peer_list_dir(const char *dir, const char *const *except, char *names, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    size_t used = 0;
    if (names && cap)
        names[0] = '\0';
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        bool skip = false;
        for (int i = 0; except && except[i]; i++)
            skip |= strcmp(e->d_name, except[i]) == 0;
        if (skip)
            continue;
        n++;
        if (names && used + strlen(e->d_name) + 2 < cap)
            used += (size_t)snprintf(names + used, cap - used, "%s%s", used ? " " : "", e->d_name);
    }
    closedir(d);
    return n;
}

void printer_peer_stop(struct printer_peer *p)
{
    stop_group(&p->standin);
    stop_group(&p->cupsd);
    stop_group(&p->ippeve);
    stop_group(&p->avahi);
    stop_group(&p->dbus);
    if (p->ssl_mounted) {
        umount2("/etc/cups/ssl", MNT_DETACH);
        p->ssl_mounted = false;
    }
    if (p->mounted) {
        umount2("/run/avahi-daemon", MNT_DETACH);
        umount2("/run/dbus", MNT_DETACH);
        p->mounted = false;
    }
    if (getenv("KOFU_KEEP_TEST_DIR")) {
        fprintf(stderr, "printer harness: kept %s\n", p->dir);
    } else if (strncmp(p->dir, "/tmp/kofu-test-printer-", 23) == 0 && !strchr(p->dir, '\'')) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", p->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "printer harness: could not remove %s\n", p->dir);
    }
    p->dir[0] = '\0';
}

int printer_peer_received_pdfs(struct printer_peer *p)
{
    char names[1 << 14];
    int n = 0;
    if (printer_peer_list_dir(p->received, NULL, names, sizeof names) < 0)
        return -1;
    for (const char *at = strstr(names, ".pdf"); at; at = strstr(at + 4, ".pdf"))
        n++;
    return n;
}
