/*
 * centersim.c — the reference certificate center for kofu's tests: an HTTPS
 * server (mutual TLS) that speaks docs/center-protocol.md, backed by SQLite
 * seeded from a fixture, issuing real SMART Health Cards and VDS-NC seals.
 *
 *   centersim --port PORT [--host 127.0.0.1] --pki DIR --fixture FILE
 *             [--db FILE] [--control PATH] [--fault SPEC]...
 *             [--cert FILE --key FILE] [--tls12-only] [--ciphersuites LIST]
 *             [--issuer-url URL] [--hours HH:MM-HH:MM] [--now EPOCH]
 *             [--terms FILE] [--terms-version VERSION] [--fee YEN]
 *             [--card-ca DIR] [--allow-tls12] [--public-port PORT] [-v]
 *
 * Owns: the command line, the event loop, signals and the control socket
 * (a Unix stream socket taking one-line commands, like cardsim's). The
 * routes are api.c, the HTTPS front is server.c, the records store.c.
 *
 * Exit status: 0 on SIGTERM, SIGINT or `quit`; 2 for bad arguments, a bad
 * fixture or an unusable PKI directory; 3 when the port cannot be bound;
 * 1 for anything else. Prints "centersim: ready" (flushed) once listening.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "api.h"
#include "clock.h"
#include "cslog.h"
#include "fault.h"
#include "base/wipeheap.h"
#include "server.h"
#include "shc.h"
#include "store.h"
#include "base/vault.h"
#include "vds.h"

#define CS_EXIT_OTHER 1
#define CS_EXIT_USAGE 2
#define CS_EXIT_BIND 3
#define CS_PATH_MAX 4096
#define CS_ERR_MAX 512
#define CS_MAX_FAULTS 32
#define CS_CTL_MAX_CLIENTS 8
#define CS_CTL_LINE_MAX 1024
#define CS_CTL_REPLY_MAX (CS_ERR_MAX + 64)
#define CS_EPOCH_MAX 253402300799LL /* 9999-12-31T23:59:59Z */

struct cs_opts {
    const char *host, *pki, *fixture, *db, *control, *cert, *key, *issuer_url, *terms_file, *terms_version,
        *ciphersuites, *card_ca;
    int port;
    int fee; /* -1: the fixture's */
    int public_port; /* 0: none */
    bool tls12_only, allow_tls12, verbose, have_hours, have_now;
    int open_min, close_min;
    long long now;
    struct fault_set faults;
};

struct cs_ctl;

struct cs_ctl_client {
    struct cs_ctl_client *prev, *next;
    struct cs_ctl *ctl;
    struct bufferevent *bev;
    bool quit_after_reply;
};

struct cs_ctl {
    struct evconnlistener *listener;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    struct event_base *base;
    api *routes;
    struct cs_ctl_client *clients;
    size_t n_clients;
};

/* Everything main sets up, freed in reverse by cs_teardown. */
struct cs_sim {
    struct event_base *base;
    struct event *sigterm, *sigint;
    store *db;
    shc_issuer *shc;
    vds_signer *vds, *other_vds;
    api *routes;
    srv *server;
    struct cs_ctl *ctl;
    bool vault;
    char card_ca[CS_PATH_MAX]; /* the api borrows it */
};

/* ---- command line --------------------------------------------------------- */

static void cs_usage(void)
{
    fputs("usage: centersim --port PORT [--host 127.0.0.1] --pki DIR --fixture FILE\n"
          "                 [--db FILE] [--control PATH] [--fault SPEC]...\n"
          "                 [--cert FILE --key FILE] [--tls12-only] [--ciphersuites LIST]\n"
          "                 [--issuer-url URL] [--hours HH:MM-HH:MM] [--now EPOCH]\n"
          "                 [--terms FILE] [--terms-version VERSION] [--fee YEN]\n"
          "                 [--card-ca DIR] [--allow-tls12] [--public-port PORT] [-v]\n",
          stderr);
}

static bool cs_number(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    if (!*s)
        return false;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* HH:MM-HH:MM with open < close. */
static bool cs_hours(const char *s, int *open, int *close)
{
    char a[6], b[6];
    if (strlen(s) != 11 || s[5] != '-')
        return false;
    memcpy(a, s, 5);
    a[5] = '\0';
    memcpy(b, s + 6, 5);
    b[5] = '\0';
    return clk_parse_hhmm(a, open) && clk_parse_hhmm(b, close) && *open < *close;
}

static bool cs_bad(const char *why)
{
    fprintf(stderr, "centersim: %s\n", why);
    return false;
}

static bool cs_option(struct cs_opts *o, int ch, const char *arg)
{
    char err[CS_ERR_MAX];
    long long v;
    switch (ch) {
    case 'p':
        if (!cs_number(arg, 1, 65535, &v))
            return cs_bad("--port must be 1..65535");
        o->port = (int)v;
        return true;
    case 'H': o->host = arg; return true;
    case 'k': o->pki = arg; return true;
    case 'x': o->fixture = arg; return true;
    case 'd': o->db = arg; return true;
    case 'c': o->control = arg; return true;
    case 'C': o->cert = arg; return true;
    case 'K': o->key = arg; return true;
    case 'i': o->issuer_url = arg; return true;
    case '2': o->tls12_only = true; return true;
    case 'A': o->allow_tls12 = true; return true;
    case 'a': o->card_ca = arg; return true;
    case 'P':
        if (!cs_number(arg, 1, 65535, &v))
            return cs_bad("--public-port must be 1..65535");
        o->public_port = (int)v;
        return true;
    case 'F':
        if (!cs_number(arg, 0, STORE_FEE_MAX, &v))
            return cs_bad("--fee must be 0..10000 (yen per copy)");
        o->fee = (int)v;
        return true;
    case 'S': o->ciphersuites = arg; return true;
    case 'v': o->verbose = true; return true;
    case 'f':
        return fault_parse(&o->faults, arg, err, sizeof err) || cs_bad(err);
    case 'h':
        o->have_hours = cs_hours(arg, &o->open_min, &o->close_min);
        return o->have_hours || cs_bad("--hours must be HH:MM-HH:MM with open before close");
    case 'n':
        o->have_now = cs_number(arg, 0, CS_EPOCH_MAX, &o->now);
        return o->have_now || cs_bad("--now must be seconds since the epoch");
    case 't': o->terms_file = arg; return true;
    case 'T': o->terms_version = arg; return true;
    default: cs_usage(); return false;
    }
}

static bool cs_parse_args(int argc, char **argv, struct cs_opts *o)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},      {"host", required_argument, NULL, 'H'},
        {"pki", required_argument, NULL, 'k'},       {"fixture", required_argument, NULL, 'x'},
        {"db", required_argument, NULL, 'd'},        {"control", required_argument, NULL, 'c'},
        {"fault", required_argument, NULL, 'f'},     {"cert", required_argument, NULL, 'C'},
        {"key", required_argument, NULL, 'K'},       {"tls12-only", no_argument, NULL, '2'},
        {"ciphersuites", required_argument, NULL, 'S'},
        {"issuer-url", required_argument, NULL, 'i'}, {"hours", required_argument, NULL, 'h'},
        {"now", required_argument, NULL, 'n'},       {"verbose", no_argument, NULL, 'v'},
        {"terms", required_argument, NULL, 't'},     {"terms-version", required_argument, NULL, 'T'},
        {"allow-tls12", no_argument, NULL, 'A'},     {"card-ca", required_argument, NULL, 'a'},
        {"fee", required_argument, NULL, 'F'},      {"public-port", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->issuer_url = SHC_DEFAULT_ISS;
    o->fee = -1;
    while ((ch = getopt_long(argc, argv, "v", longopts, NULL)) != -1)
        if (!cs_option(o, ch, optarg))
            return false;
    if (optind != argc || !o->port || !o->pki || !o->fixture) {
        cs_usage();
        return false;
    }
    if (!o->cert != !o->key) {
        return cs_bad("--cert and --key go together");
    }
    if (o->public_port == o->port) {
        return cs_bad("--public-port must differ from --port");
    }
    if (o->tls12_only && o->allow_tls12) {
        return cs_bad("--tls12-only and --allow-tls12 exclude each other");
    }
    if (!srv_host_allowed(o->host)) {
        return cs_bad("--host must be 127.0.0.1 or ::1 (loopback only)");
    }
    return true;
}

/* Write a reason into err and return rc (for setup paths). */
__attribute__((format(printf, 4, 5))) static int cs_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

/* ---- control socket ------------------------------------------------------- */

static void cs_ctl_drop(struct cs_ctl_client *cl)
{
    struct cs_ctl *ctl = cl->ctl;
    if (cl->prev)
        cl->prev->next = cl->next;
    else
        ctl->clients = cl->next;
    if (cl->next)
        cl->next->prev = cl->prev;
    ctl->n_clients--;
    bufferevent_free(cl->bev);
    free(cl);
}

/* `now EPOCH` pins the fake clock; `now real` goes back to the real one. */
static void cs_ctl_now(const char *arg, char *reply, size_t cap)
{
    long long v;
    if (strcmp(arg, "real") == 0) {
        clk_use_real();
    } else if (cs_number(arg, 0, CS_EPOCH_MAX, &v)) {
        clk_set(v);
    } else {
        snprintf(reply, cap, "err now needs seconds since the epoch or \"real\"");
        return;
    }
    snprintf(reply, cap, "ok now=%lld", (long long)clk_now());
}

/* `participate CODE on|off`: a municipality joins or leaves the service
 * while kiosks run (they learn it from /config, or from a refusal). */
static void cs_ctl_participate(api *routes, const char *arg, char *reply, size_t cap)
{
    char code[STORE_CODE_LEN + 1];
    const char *sp = strchr(arg, ' ');
    bool on = sp && strcmp(sp + 1, "on") == 0, off = sp && strcmp(sp + 1, "off") == 0;
    if (!sp || (size_t)(sp - arg) != STORE_CODE_LEN || !(on || off)) {
        snprintf(reply, cap, "err participate needs CODE on|off");
        return;
    }
    memcpy(code, arg, STORE_CODE_LEN);
    code[STORE_CODE_LEN] = '\0';
    if (!api_set_participating(routes, code, on))
        snprintf(reply, cap, "err participate: no municipality %s in the fixture", code);
    else
        snprintf(reply, cap, "ok %s %s", code, on ? "on" : "off");
}

/* One command line → one reply line (without the newline). */
static void cs_ctl_command(struct cs_ctl_client *cl, const char *line, char *reply, size_t cap)
{
    struct cs_ctl *ctl = cl->ctl;
    char err[CS_ERR_MAX];
    if (strncmp(line, "fault ", 6) == 0) {
        cslog_event(CSLOG_CONTROL, CSLOG_CTL_FAULT, 0);
        if (fault_parse(api_faults(ctl->routes), line + 6, err, sizeof err))
            snprintf(reply, cap, "ok");
        else
            snprintf(reply, cap, "err %s", err);
    } else if (strcmp(line, "clear") == 0) {
        cslog_event(CSLOG_CONTROL, CSLOG_CTL_CLEAR, 0);
        fault_clear(api_faults(ctl->routes));
        api_reset_stats(ctl->routes); /* each test starts from zero */
        snprintf(reply, cap, "ok");
    } else if (strcmp(line, "status") == 0) {
        struct api_stats st = api_get_stats(ctl->routes);
        cslog_event(CSLOG_CONTROL, CSLOG_CTL_STATUS, 0);
        snprintf(reply, cap, "ok requests=%lu issued=%lu completions=%lu undelivered=%lu revision_1_0=%lu",
                 st.requests, st.issued, st.completions, st.undelivered, st.revision_1_0);
    } else if (strcmp(line, "completions") == 0) {
        char recent[API_RECENT_LINE_MAX];
        cslog_event(CSLOG_CONTROL, CSLOG_CTL_COMPLETIONS, 0);
        api_recent_completions(ctl->routes, recent, sizeof recent);
        snprintf(reply, cap, "ok%s%s", recent[0] ? " " : "", recent);
    } else if (strncmp(line, "participate ", 12) == 0) {
        cslog_event(CSLOG_CONTROL, CSLOG_CTL_PARTICIPATE, 0);
        cs_ctl_participate(ctl->routes, line + 12, reply, cap);
    } else if (strncmp(line, "now ", 4) == 0) {
        cslog_event(CSLOG_CONTROL, CSLOG_CTL_NOW, 0);
        cs_ctl_now(line + 4, reply, cap);
    } else if (strncmp(line, "terms ", 6) == 0) {
        cslog_event(CSLOG_CONTROL, CSLOG_CTL_TERMS, 0);
        if (api_set_terms(ctl->routes, line + 6, NULL, NULL))
            snprintf(reply, cap, "ok terms=%s", api_terms_version(ctl->routes));
        else
            snprintf(reply, cap, "err terms needs a version of 1..32 of [A-Za-z0-9._-]");
    } else if (strcmp(line, "quit") == 0) {
        cslog_event(CSLOG_CONTROL, CSLOG_CTL_QUIT, 0);
        cl->quit_after_reply = true;
        snprintf(reply, cap, "ok");
    } else {
        cslog_event(CSLOG_CONTROL, CSLOG_CTL_BAD, 0);
        snprintf(reply, cap, "err unknown command (fault SPEC, clear, status, completions, participate CODE on|off, now EPOCH, terms VERSION, quit)");
    }
}

static void cs_ctl_read(struct bufferevent *bev, void *arg)
{
    struct cs_ctl_client *cl = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    char reply[CS_CTL_REPLY_MAX];
    char *line;
    size_t n;
    while (!cl->quit_after_reply && (line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF)) != NULL) {
        if (n >= CS_CTL_LINE_MAX)
            snprintf(reply, sizeof reply, "err line too long");
        else
            cs_ctl_command(cl, line, reply, sizeof reply);
        free(line);
        evbuffer_add_printf(bufferevent_get_output(bev), "%s\n", reply);
    }
    if (evbuffer_get_length(in) >= CS_CTL_LINE_MAX) {
        evbuffer_add_printf(bufferevent_get_output(bev), "err line too long\n");
        evbuffer_drain(in, evbuffer_get_length(in));
    }
}

/* The reply is out: a `quit` takes effect now. */
static void cs_ctl_written(struct bufferevent *bev, void *arg)
{
    (void)bev;
    struct cs_ctl_client *cl = arg;
    if (cl->quit_after_reply)
        event_base_loopbreak(cl->ctl->base);
}

static void cs_ctl_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        cs_ctl_drop(arg);
}

static void cs_ctl_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int socklen, void *arg)
{
    (void)l;
    (void)sa;
    (void)socklen;
    struct cs_ctl *ctl = arg;
    struct cs_ctl_client *cl = ctl->n_clients < CS_CTL_MAX_CLIENTS ? calloc(1, sizeof *cl) : NULL;
    if (cl)
        cl->bev = bufferevent_socket_new(ctl->base, fd, BEV_OPT_CLOSE_ON_FREE);
    if (!cl || !cl->bev) {
        free(cl);
        evutil_closesocket(fd);
        return;
    }
    cl->ctl = ctl;
    cl->next = ctl->clients;
    if (ctl->clients)
        ctl->clients->prev = cl;
    ctl->clients = cl;
    ctl->n_clients++;
    bufferevent_setcb(cl->bev, cs_ctl_read, cs_ctl_written, cs_ctl_event, cl);
    bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
}

/* A stale socket at path is removed; any other kind of file is refused. */
static int cs_ctl_socket(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    struct stat st;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path)
        return cs_fail(err, errlen, -1, "--control path too long");
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode))
            return cs_fail(err, errlen, -1, "--control %.300s exists and is not a socket", path);
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 8) != 0) {
        snprintf(err, errlen, "--control %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static struct cs_ctl *cs_ctl_open(struct event_base *base, api *routes, const char *path, char *err, size_t errlen)
{
    struct cs_ctl *ctl = calloc(1, sizeof *ctl);
    int fd = ctl ? cs_ctl_socket(path, err, errlen) : -1;
    if (fd >= 0)
        ctl->listener = evconnlistener_new(base, cs_ctl_accept, ctl, LEV_OPT_CLOSE_ON_FREE, 0, fd);
    if (!ctl || !ctl->listener) {
        if (fd >= 0) {
            close(fd);
            unlink(path);
            snprintf(err, errlen, "--control: cannot listen");
        }
        free(ctl);
        return NULL;
    }
    snprintf(ctl->path, sizeof ctl->path, "%s", path);
    ctl->base = base;
    ctl->routes = routes;
    return ctl;
}

static void cs_ctl_close(struct cs_ctl *ctl)
{
    if (!ctl)
        return;
    while (ctl->clients)
        cs_ctl_drop(ctl->clients);
    evconnlistener_free(ctl->listener);
    unlink(ctl->path);
    free(ctl);
}

/* ---- setup and teardown ---------------------------------------------------- */

static void cs_on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig;
    (void)what;
    event_base_loopbreak(arg);
}

static void cs_path(char out[CS_PATH_MAX], const char *dir, const char *name)
{
    snprintf(out, CS_PATH_MAX, "%s/%s", dir, name);
}

/* --terms FILE: a JSON object as /config's "terms" ({"version", "ja",
 * "en"}, nothing else); --terms-version then overrides its version. */
static int cs_load_terms(api *routes, const struct cs_opts *o, char *err, size_t errlen)
{
    if (o->terms_file) {
        json_error_t jerr;
        json_t *t = json_load_file(o->terms_file, JSON_REJECT_DUPLICATES, &jerr);
        const char *v = json_string_value(json_object_get(t, "version"));
        const char *ja = json_string_value(json_object_get(t, "ja"));
        const char *en = json_string_value(json_object_get(t, "en"));
        bool ok = json_is_object(t) && json_object_size(t) == 3 && api_set_terms(routes, v, ja, en);
        json_decref(t);
        if (!ok)
            return cs_fail(err, errlen, CS_EXIT_USAGE,
                           "%.300s: not a terms object {version: 1..32 of [A-Za-z0-9._-], ja, en: 1..16384 bytes in 1..512 lines}",
                           o->terms_file);
    }
    if (o->terms_version && !api_set_terms(routes, o->terms_version, NULL, NULL))
        return cs_fail(err, errlen, CS_EXIT_USAGE, "--terms-version must be 1..32 of [A-Za-z0-9._-]");
    return 0;
}

/* The records and the signers: exit status 2 when they are unusable. */
static int cs_load(struct cs_sim *sim, const struct cs_opts *o, char *err, size_t errlen)
{
    char shc_key[CS_PATH_MAX], vds_cert[CS_PATH_MAX], vds_key[CS_PATH_MAX];
    const char *card_ca = sim->card_ca;
    struct stat st;
    if (o->card_ca)
        snprintf(sim->card_ca, sizeof sim->card_ca, "%s", o->card_ca);
    else
        cs_path(sim->card_ca, o->pki, "card-ca");
    cs_path(shc_key, o->pki, "shc-issuer.key.pem");
    cs_path(vds_cert, o->pki, "vds-signer.pem");
    cs_path(vds_key, o->pki, "vds-signer.key.pem");
    if (stat(card_ca, &st) != 0 || !S_ISDIR(st.st_mode))
        return cs_fail(err, errlen, CS_EXIT_USAGE, "%.300s: not a directory (run certs/make-test-pki.sh, or give --card-ca DIR)", card_ca);
    if (!(sim->db = store_open(o->db, o->fixture, err, errlen)) ||
        !(sim->shc = shc_issuer_load(shc_key, o->issuer_url, err, errlen)) ||
        !(sim->vds = vds_signer_load(vds_cert, vds_key, err, errlen)))
        return CS_EXIT_USAGE;
    if (!(sim->routes = api_new(sim->db, sim->shc, sim->vds, sim->card_ca)))
        return cs_fail(err, errlen, CS_EXIT_OTHER, "out of memory");
    /* The other-csca fault's signer: made by make-test-pki.sh since its
     * version 4; without it that fault answers 500 internal. */
    cs_path(vds_cert, o->pki, "other-vds-signer.pem");
    cs_path(vds_key, o->pki, "other-vds-signer.key.pem");
    if (access(vds_cert, F_OK) == 0 && !(sim->other_vds = vds_signer_load(vds_cert, vds_key, err, errlen)))
        return CS_EXIT_USAGE;
    api_set_other_vds(sim->routes, sim->other_vds);
    if (o->have_hours)
        api_set_hours(sim->routes, o->open_min, o->close_min);
    if (o->fee >= 0)
        store_set_fee(sim->db, o->fee); /* checked 0..STORE_FEE_MAX on the command line */
    int rc = cs_load_terms(sim->routes, o, err, errlen);
    if (rc)
        return rc;
    *api_faults(sim->routes) = o->faults;
    return 0;
}

static int cs_listen(struct cs_sim *sim, const struct cs_opts *o, char *err, size_t errlen)
{
    char cert[CS_PATH_MAX], key[CS_PATH_MAX], ca[CS_PATH_MAX], crl[CS_PATH_MAX];
    bool bind_failed = false;
    cs_path(cert, o->pki, "center.pem");
    cs_path(key, o->pki, "center.key.pem");
    cs_path(ca, o->pki, "kiosk-ca.pem");
    cs_path(crl, o->pki, "kiosk-ca.crl");
    struct srv_options so = {o->host, o->port, o->cert ? o->cert : cert, o->key ? o->key : key, ca, crl,
                             o->tls12_only, o->allow_tls12, o->ciphersuites, o->public_port};
    sim->sigterm = evsignal_new(sim->base, SIGTERM, cs_on_signal, sim->base);
    sim->sigint = evsignal_new(sim->base, SIGINT, cs_on_signal, sim->base);
    if (!sim->sigterm || !sim->sigint || evsignal_add(sim->sigterm, NULL) != 0 || evsignal_add(sim->sigint, NULL) != 0)
        return cs_fail(err, errlen, CS_EXIT_OTHER, "cannot catch signals");
    if (!(sim->server = srv_new(sim->base, &so, sim->routes, err, errlen, &bind_failed)))
        return bind_failed ? CS_EXIT_BIND : CS_EXIT_USAGE;
    if (o->control && !(sim->ctl = cs_ctl_open(sim->base, sim->routes, o->control, err, errlen)))
        return CS_EXIT_USAGE;
    return 0;
}

static void cs_teardown(struct cs_sim *sim)
{
    cs_ctl_close(sim->ctl);
    srv_free(sim->server);
    if (sim->sigterm)
        event_free(sim->sigterm);
    if (sim->sigint)
        event_free(sim->sigint);
    api_free(sim->routes);
    vds_signer_free(sim->vds);
    vds_signer_free(sim->other_vds);
    shc_issuer_free(sim->shc);
    store_close(sim->db);
    if (sim->base)
        event_base_free(sim->base);
    if (sim->vault)
        vault_destroy();
    libevent_global_shutdown();
}

int main(int argc, char **argv)
{
    struct cs_opts o;
    struct cs_sim sim;
    char err[CS_ERR_MAX] = "";
    int rc = 0;
    wipeheap_install_json(); /* before any JSON is made */
    /* Each issuance allocates zlib's deflate state (~270 KB) and OpenSSL's
     * buffers, all freed again: above glibc's default 128 KB threshold that
     * is an mmap and a munmap per block, whose page faults and cross-core
     * TLB shootdowns cost more than the signing. Kept on the heap instead,
     * and the heap not trimmed, so the pages stay mapped between requests. */
    mallopt(M_MMAP_THRESHOLD, 8 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    memset(&sim, 0, sizeof sim);
    if (!cs_parse_args(argc, argv, &o))
        return CS_EXIT_USAGE;
    cslog_set_verbose(o.verbose);
    if (o.have_now)
        clk_set(o.now);
    signal(SIGPIPE, SIG_IGN); /* a kiosk that hangs up must not end the center */
    sim.vault = vault_init(API_VAULT_SIZE) == 0;
    if (!sim.vault) {
        snprintf(err, sizeof err, "cannot set up the vault (mlock)");
        rc = CS_EXIT_OTHER;
    }
    if (!rc)
        rc = cs_load(&sim, &o, err, sizeof err);
    if (!rc && !(sim.base = event_base_new())) {
        snprintf(err, sizeof err, "cannot create the event loop");
        rc = CS_EXIT_OTHER;
    }
    if (!rc)
        rc = cs_listen(&sim, &o, err, sizeof err);
    if (!rc) {
        cslog_event(CSLOG_READY, 0, (uint64_t)o.port);
        printf("centersim: ready\n");
        fflush(stdout);
        event_base_dispatch(sim.base);
        cslog_event(CSLOG_STOP, 0, api_get_stats(sim.routes).requests);
    } else {
        fprintf(stderr, "centersim: %s\n", err);
    }
    cs_teardown(&sim);
    return rc;
}
