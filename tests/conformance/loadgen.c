/*
 * loadgen.c — the load run (docs/conformance.md, "The load run"): N
 * simulated kiosks against one center, each doing whole visits with kofu's
 * own client (center/center.h), its retries included.
 *
 * Processes, not threads: the vault is one bump allocator per process, not
 * thread-safe, and does not survive fork(). The parent checks what it can
 * alone (options, configuration, the card file, the kiosk's key), then
 * starts each kiosk as `/proc/self/exe loadgen-worker ...`, its stdin the
 * shared start pipe and its stdout its own record pipe. A worker sets up
 * (vault, card, client) and sends a READY record; then makes its start call
 * and sends its START record; then waits for its 8 bytes on the start
 * pipe: the deadline, a kofu_mono_ms value (CLOCK_MONOTONIC is
 * system-wide, so every process measures against the same clock). The
 * parent waits LG_READY_MS for every READY (setting up is local work), then
 * for every START as long as one call can take (lg_call_worst_ms: a center
 * that does not answer keeps a kiosk that long), and writes all N
 * deadlines in one atomic write, so the kiosks start together.
 *
 * A kiosk starts with `GET /config` (its boot, a full TLS handshake) before
 * the run. A visit is what a kiosk does for one resident, without the
 * devices: `GET /config` on every 10th visit (kiosks refresh it, they do
 * not fetch it for each resident; a kiosk without one asks at each visit), `POST /certificates` with a fresh request_id, and
 * `POST /completions` printed with copies × fee. The calls of a visit share
 * a kept-alive connection; the completion is sent with fresh connections on
 * (center_client_set_fresh_connections), so the connection closes after it
 * and the next visit opens a new one that resumes the TLS session, as a
 * kiosk whose residents come minutes apart does. `--keepalive` keeps one
 * connection for the whole run instead.
 *
 * Each call and each visit goes up the pipe as one 12-byte record: no
 * resident data, only the call, kofu's error code, the HTTP status, the
 * attempts and the microseconds. The parent sorts the times and counts the
 * errors by (call, code, status).
 */
#include "tests/conformance/loadgen.h"
#include "tests/conformance/fixture.h"

#include "base/b64.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/errors.h"
#include "base/vault.h"
#include "card/kenhojo.h"
#include "center/center.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LG_KIOSKS_MAX 256
#define LG_DURATION_MAX 3600
#define LG_THINK_MS_MAX 600000
/* Per call: 8 Mi samples of 4 bytes (32 MiB); a longer run keeps its
 * counts and errors but leaves later times out of the percentiles, and
 * says so. */
#define LG_SAMPLES_MAX (8u * 1024 * 1024)
/* Setting up a worker is loading a key and a card: far below this even on
 * a loaded machine. The start call is waited for on its own
 * (lg_call_worst_ms). */
#define LG_READY_MS 60000
/* The total time of one completion attempt: the client's own, not a
 * configuration key (docs/center-protocol.md §1, Limits: 5 s). */
#define LG_COMPLETION_TIMEOUT_MS 5000
/* Beyond a call's worst case: process scheduling on a loaded machine. */
#define LG_SLACK_MS 5000
#define LG_CONFIG_EVERY 10
#define LG_VAULT_BYTES (2u * 1024 * 1024)
#define LG_DEFAULT_MUNICIPALITY "131016"
#define LG_DEFAULT_FIXTURE "tests/conformance/fixture"
#define LG_DEFAULT_CARD "cards/yamada.json"

/* LG_START is the kiosk's first GET /config, before the run starts: a
 * full TLS handshake, as after a kiosk's boot. Kept out of the visits so
 * that N kiosks' simultaneous first handshakes, which shops never see,
 * do not pass for the p99 of a visit; shown on a row of its own. */
enum lg_call { LG_READY, LG_START, LG_CONFIG, LG_CERTIFICATE, LG_COMPLETION, LG_VISIT, LG_CALLS };
static const char *const lg_call_names[LG_CALLS] = {"ready", "start", "config", "certificate", "completion", "visit"};

/* One call or visit, as a worker reports it. A visit carries the first
 * failing call's code and status (0 and 0 when it went through). */
struct lg_record {
    uint8_t call;     /* enum lg_call */
    uint8_t attempts; /* 1 + the retries the client made */
    int16_t err;      /* KOFU_OK or a kofu_err */
    uint16_t status;  /* the final HTTP status; 0 when none came */
    uint16_t spare;
    uint32_t us; /* wall time of the call or visit */
};
_Static_assert(sizeof(struct lg_record) == 12, "a record is 12 bytes on the pipe");

/* What the parent and every worker run with. */
struct lg_opts {
    const char *config; /* NULL: as every kofu command (KOFU_CONFIG, the default path) */
    long kiosks, duration_s, visits, think_ms;
    const char *card;
    char card_default[KOFU_CONFIG_VALUE_MAX + 32];
    const char *municipality;
    enum center_kind kind;
    bool keepalive;
};

/* ---- configuration ------------------------------------------------------ */

static char lg_fixture[KOFU_CONFIG_VALUE_MAX] = LG_DEFAULT_FIXTURE;

/* The kit's own keys (docs/conformance.md) share the configuration file:
 * every `conformance_*` key is taken, and the fixture's folder gives the
 * default card. */
static int lg_extra_key(const char *key, const char *value)
{
    if (strncmp(key, "conformance_", 12) != 0)
        return 0;
    if (!strcmp(key, "conformance_fixture")) {
        if (!*value || strlen(value) >= sizeof lg_fixture)
            return -1;
        snprintf(lg_fixture, sizeof lg_fixture, "%s", value);
    }
    return 1;
}

static int lg_load_config(const struct lg_opts *o, struct kofu_config *cfg)
{
    config_extra_key = lg_extra_key;
    if (config_load_for_command(cfg, o->config) != KOFU_OK)
        return KOFU_E_CONFIG;
    if (!cfg->center_url[0]) {
        fputs("kofu loadgen: the configuration sets no center_url\n", stderr);
        return KOFU_E_CONFIG;
    }
    return KOFU_OK;
}

/* The longest one call of the client can take: every attempt (1 +
 * center_retries) to its time-out, and the back-off between them (200 ms,
 * doubling: docs/center-protocol.md §1, Retries). Defaults: 4 × 15 s +
 * 1.4 s = 61.4 s; a completion, 4 × 5 s + 1.4 s = 21.4 s. */
static int64_t lg_call_worst_ms(const struct kofu_config *cfg, int64_t timeout_ms)
{
    int64_t attempts = (int64_t)cfg->center_retries + 1, backoff = 0, step = 200;
    for (int i = 0; i < cfg->center_retries; i++, step *= 2)
        backoff += step;
    return attempts * timeout_ms + backoff;
}

/* The longest a visit can take (its /config refresh, the certificate, the
 * completion, each at its worst): how long after the deadline a kiosk may
 * still be finishing the visit it was in. */
static int64_t lg_visit_worst_ms(const struct kofu_config *cfg)
{
    return 2 * lg_call_worst_ms(cfg, cfg->center_timeout_ms) + lg_call_worst_ms(cfg, LG_COMPLETION_TIMEOUT_MS);
}

/* ---- the card ----------------------------------------------------------- */

/* The card: a kit fixture card file (docs/conformance.md), parsed by the
 * kit's own loader. Synthetic data only: nothing of it is printed, the
 * reasons name the member. */
static int lg_load_card(const char *path, struct kenhojo_card_data **out)
{
    char err[512];
    int rc = fixture_read_card(path, out, err, sizeof err);
    if (rc != KOFU_OK) {
        fprintf(stderr, "kofu loadgen: card file %s\n", err);
        return rc == KOFU_E_NOMEM ? rc : KOFU_E_ARG;
    }
    return KOFU_OK;
}

/* ---- options ------------------------------------------------------------ */

static void lg_usage(void)
{
    fputs("usage: kofu loadgen --config FILE --kiosks N --duration S [--visits M] [--think-ms T]\n"
          "                    [--card FILE] [--municipality CODE] [--kind domestic|overseas] [--keepalive]\n"
          "  N 1..256 kiosks, each its own process; S 1..3600 seconds; M visits per kiosk at most;\n"
          "  T ms between a kiosk's visits (0..600000, default 0)\n",
          stderr);
}

static bool lg_number(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Both the parent's options and the worker's (the parent passes its own
 * on). 0, or 2 for a usage error (the reason printed). */
static int lg_parse(int argc, char **argv, struct lg_opts *o, bool worker)
{
    enum { O_CONFIG = 1, O_KIOSKS, O_DURATION, O_VISITS, O_THINK, O_CARD, O_MUNI, O_KIND, O_KEEPALIVE };
    static const struct option longopts[] = {
        {"config", required_argument, NULL, O_CONFIG},     {"kiosks", required_argument, NULL, O_KIOSKS},
        {"duration", required_argument, NULL, O_DURATION}, {"visits", required_argument, NULL, O_VISITS},
        {"think-ms", required_argument, NULL, O_THINK},    {"card", required_argument, NULL, O_CARD},
        {"municipality", required_argument, NULL, O_MUNI}, {"kind", required_argument, NULL, O_KIND},
        {"keepalive", no_argument, NULL, O_KEEPALIVE},     {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->kiosks = o->duration_s = -1;
    o->municipality = LG_DEFAULT_MUNICIPALITY;
    o->kind = CENTER_DOMESTIC;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        const char *bad = NULL;
        switch (c) {
        case O_CONFIG:
            o->config = optarg;
            break;
        case O_KIOSKS:
            if (!lg_number(optarg, 1, LG_KIOSKS_MAX, &o->kiosks))
                bad = "--kiosks must be 1..256";
            break;
        case O_DURATION:
            if (!lg_number(optarg, 1, LG_DURATION_MAX, &o->duration_s))
                bad = "--duration must be 1..3600 seconds";
            break;
        case O_VISITS:
            if (!lg_number(optarg, 1, LONG_MAX, &o->visits))
                bad = "--visits must be 1 or more";
            break;
        case O_THINK:
            if (!lg_number(optarg, 0, LG_THINK_MS_MAX, &o->think_ms))
                bad = "--think-ms must be 0..600000";
            break;
        case O_CARD:
            o->card = optarg;
            break;
        case O_MUNI:
            o->municipality = optarg;
            if (strlen(optarg) != 6 || strspn(optarg, "0123456789") != 6)
                bad = "--municipality must be a 6-digit municipality code";
            break;
        case O_KIND:
            if (!strcmp(optarg, "domestic"))
                o->kind = CENTER_DOMESTIC;
            else if (!strcmp(optarg, "overseas"))
                o->kind = CENTER_OVERSEAS;
            else
                bad = "--kind must be domestic or overseas";
            break;
        case O_KEEPALIVE:
            o->keepalive = true;
            break;
        default:
            bad = "unknown option or missing value";
            break;
        }
        if (bad) {
            fprintf(stderr, "kofu loadgen: %s\n", bad);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "kofu loadgen: unexpected argument %s\n", argv[optind]);
        return 2;
    }
    if (!worker && (o->kiosks < 0 || o->duration_s < 0)) {
        fputs("kofu loadgen: --kiosks and --duration are required\n", stderr);
        return 2;
    }
    return 0;
}

/* ---- the worker: one kiosk ---------------------------------------------- */

static int lg_fd_out = STDOUT_FILENO;

static void lg_send(enum lg_call call, int err, const struct center_call_info *info, double ms)
{
    struct lg_record r = {.call = (uint8_t)call, .err = (int16_t)err};
    if (info) {
        r.attempts = (uint8_t)(info->attempts > 255 ? 255 : info->attempts);
        r.status = (uint16_t)(info->http_status > 0 && info->http_status < 1000 ? info->http_status : 0);
    }
    r.us = ms <= 0 ? 0 : ms * 1e3 >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)(ms * 1e3);
    /* 12 bytes are below PIPE_BUF: one write, never split. A parent that
     * is gone ends this kiosk (SIGPIPE). */
    if (write(lg_fd_out, &r, sizeof r) != (ssize_t)sizeof r)
        _exit(1);
}

/* The start of a call, for lg_done. */
static double lg_t0;

/* The call that started at lg_t0 ended with rc: sent up; rc back. */
static int lg_done(enum lg_call call, int rc, const struct center_call_info *info)
{
    lg_send(call, rc, info, kofu_mono_ms_f() - lg_t0);
    return rc;
}

struct lg_kiosk {
    struct center_client *client;
    const struct kenhojo_card_data *card;
    const struct lg_opts *o;
    struct center_config config;
    bool have_config;
};

/* One visit; the first failing call's code and status into *err, *status. */
static void lg_visit(struct lg_kiosk *k, long n, int *err, long *status)
{
    struct center_call_info info;
    *err = KOFU_OK;
    *status = 0;
    if (!k->o->keepalive)
        center_client_set_fresh_connections(k->client, false);
    if ((n + 1) % LG_CONFIG_EVERY == 0 || !k->have_config) {
        struct center_config fresh;
        memset(&fresh, 0, sizeof fresh);
        memset(&info, 0, sizeof info);
        lg_t0 = kofu_mono_ms_f();
        int rc = lg_done(LG_CONFIG, center_get_config(k->client, &fresh, &info), &info);
        if (rc == KOFU_OK) {
            if (k->have_config)
                center_config_free(&k->config);
            k->config = fresh;
            k->have_config = true;
        } else {
            *err = rc;
            *status = info.http_status;
            /* A kiosk keeps the configuration it has; without one it
             * cannot offer anything. */
            if (!k->have_config)
                return;
        }
    }
    struct center_request r = {.card = k->card, .kind = k->o->kind, .copies = 1, .language = "ja",
                               .terms_version = k->config.terms.version};
    snprintf(r.municipality, sizeof r.municipality, "%s", k->o->municipality);
    size_t mark = vault_mark();
    struct center_certificate *cert = center_certificate_new();
    int rc = cert ? center_request_new_id(&r) : KOFU_E_NOMEM;
    memset(&info, 0, sizeof info);
    bool requested = false;
    if (rc == KOFU_OK) {
        lg_t0 = kofu_mono_ms_f();
        requested = true;
        rc = lg_done(LG_CERTIFICATE, center_request_certificate(k->client, &r, cert, &info), &info);
    }
    if (rc != KOFU_OK && requested) {
        /* As a kiosk does (docs/center-protocol.md §4): a request that
         * brought no certificate is reported `failed` with no certificate
         * id, so the center can tell issued-not-delivered from printed. */
        *err = rc;
        *status = info.http_status;
        if (!k->o->keepalive)
            center_client_set_fresh_connections(k->client, true);
        memset(&info, 0, sizeof info);
        lg_t0 = kofu_mono_ms_f();
        (void)lg_done(LG_COMPLETION, center_report_completion(k->client, r.request_id, "", CENTER_FAILED, 0, 0, &info),
                      &info);
    }
    if (rc == KOFU_OK) {
        /* The visit's last call: its connection closes after it. */
        if (!k->o->keepalive)
            center_client_set_fresh_connections(k->client, true);
        char id[sizeof cert->certificate_id];
        memcpy(id, cert->certificate_id, sizeof id);
        int fee = k->config.fee_per_copy_yen;
        memset(&info, 0, sizeof info);
        lg_t0 = kofu_mono_ms_f();
        rc = lg_done(LG_COMPLETION, center_report_completion(k->client, r.request_id, id, CENTER_PRINTED, 1, fee, &info),
                     &info);
    }
    vault_release(mark); /* as a session does once the document is printed */
    if (rc != KOFU_OK && *err == KOFU_OK) {
        *err = rc;
        *status = info.http_status;
    }
}

int loadgen_worker_main(int argc, char **argv)
{
    struct lg_opts o;
    if (lg_parse(argc, argv, &o, true) != 0 || !o.card)
        return 2;
    signal(SIGPIPE, SIG_DFL);
    struct kofu_config cfg;
    struct lg_kiosk k = {.o = &o};
    struct kenhojo_card_data *card = NULL;
    int rc = vault_init(LG_VAULT_BYTES);
    if (rc == KOFU_OK)
        rc = lg_load_config(&o, &cfg);
    if (rc == KOFU_OK)
        rc = lg_load_card(o.card, &card);
    if (rc == KOFU_OK)
        rc = center_client_new(&cfg, &k.client);
    if (rc != KOFU_OK) {
        fprintf(stderr, "kofu loadgen: a kiosk could not start: %s\n", kofu_err_name(rc));
        vault_destroy();
        return 1;
    }
    k.card = card;
    center_client_set_fresh_connections(k.client, false);
    /* Set up: the parent's wait for that is short; the start call below
     * has a wait of its own as long as a call can take. */
    lg_send(LG_READY, KOFU_OK, NULL, 0);
    /* The kiosk's start: its configuration, on a full handshake. Without
     * it, the first visit asks again. */
    struct center_call_info info;
    memset(&info, 0, sizeof info);
    lg_t0 = kofu_mono_ms_f();
    if (lg_done(LG_START, center_get_config(k.client, &k.config, &info), &info) == KOFU_OK)
        k.have_config = true;
    int64_t deadline;
    ssize_t got;
    do
        got = read(STDIN_FILENO, &deadline, sizeof deadline);
    while (got < 0 && errno == EINTR);
    if (got == (ssize_t)sizeof deadline) {
        for (long n = 0; (o.visits == 0 || n < o.visits) && kofu_mono_ms() < deadline; n++) {
            double t0 = kofu_mono_ms_f();
            int err;
            long status;
            lg_visit(&k, n, &err, &status);
            struct center_call_info vi = {.http_status = status, .attempts = 1};
            lg_send(LG_VISIT, err, &vi, kofu_mono_ms_f() - t0);
            int64_t left = deadline - kofu_mono_ms();
            long think = o.think_ms < left ? o.think_ms : (long)(left > 0 ? left : 0);
            if (think > 0) {
                struct timespec ts = {think / 1000, (think % 1000) * 1000000L};
                while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
                    ;
            }
        }
    }
    if (k.have_config)
        center_config_free(&k.config);
    center_client_free(k.client);
    vault_destroy();
    return got == (ssize_t)sizeof deadline ? 0 : 1;
}

/* ---- the parent: start, collect, report --------------------------------- */

struct lg_samples {
    uint32_t *us;
    size_t n, cap;
    uint64_t count, ok, retries;
};

struct lg_errkey {
    uint8_t call;
    int16_t err;
    uint16_t status;
    uint64_t count;
};

struct lg_run {
    struct lg_samples calls[LG_CALLS];
    struct lg_errkey *errs;
    size_t n_errs, cap_errs;
    bool capped;
};

struct lg_worker {
    pid_t pid;
    int fd;
    uint8_t buf[sizeof(struct lg_record)];
    size_t have;
    bool ready, started, eof; /* READY came; START came */
};

static int lg_add_error(struct lg_run *run, const struct lg_record *r)
{
    for (size_t i = 0; i < run->n_errs; i++)
        if (run->errs[i].call == r->call && run->errs[i].err == r->err && run->errs[i].status == r->status) {
            run->errs[i].count++;
            return 0;
        }
    if (run->n_errs == run->cap_errs) {
        size_t cap = run->cap_errs ? run->cap_errs * 2 : 16;
        struct lg_errkey *e = realloc(run->errs, cap * sizeof *e);
        if (!e)
            return -1;
        run->errs = e;
        run->cap_errs = cap;
    }
    run->errs[run->n_errs++] = (struct lg_errkey){.call = r->call, .err = r->err, .status = r->status, .count = 1};
    return 0;
}

static int lg_take(struct lg_run *run, struct lg_worker *w, const struct lg_record *r)
{
    if (r->call == LG_READY) {
        w->ready = true;
        return 0;
    }
    if (r->call >= LG_CALLS)
        return -1;
    if (r->call == LG_START)
        w->started = true;
    struct lg_samples *s = &run->calls[r->call];
    s->count++;
    if (r->err == KOFU_OK)
        s->ok++;
    if (r->call != LG_VISIT) {
        if (r->attempts > 1)
            s->retries += r->attempts - 1u;
        if (r->err != KOFU_OK && lg_add_error(run, r) != 0)
            return -1;
    }
    if (s->n == LG_SAMPLES_MAX) {
        run->capped = true;
        return 0;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        if (cap > LG_SAMPLES_MAX)
            cap = LG_SAMPLES_MAX;
        uint32_t *us = realloc(s->us, cap * sizeof *us);
        if (!us)
            return -1;
        s->us = us;
        s->cap = cap;
    }
    s->us[s->n++] = r->us;
    return 0;
}

/* Reads what one worker has sent; false at end of file or on a broken
 * record stream. */
static bool lg_drain(struct lg_run *run, struct lg_worker *w, bool *broken)
{
    uint8_t chunk[sizeof(struct lg_record) * 256];
    ssize_t n = read(w->fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0) {
        w->eof = true;
        return false;
    }
    for (ssize_t i = 0; i < n; i++) {
        w->buf[w->have++] = chunk[i];
        if (w->have == sizeof w->buf) {
            struct lg_record r;
            memcpy(&r, w->buf, sizeof r);
            w->have = 0;
            if (lg_take(run, w, &r) != 0)
                *broken = true;
        }
    }
    return true;
}

/* Polls every worker that is still sending until `until` (kofu_mono_ms) or
 * until `stop` says so. */
static void lg_collect(struct lg_run *run, struct lg_worker *ws, long nw, int64_t until,
                       bool (*stop)(const struct lg_worker *, long), bool *broken)
{
    struct pollfd *p = calloc((size_t)nw, sizeof *p);
    long *idx = calloc((size_t)nw, sizeof *idx);
    if (!p || !idx) {
        *broken = true;
        free(p);
        free(idx);
        return;
    }
    while (!stop(ws, nw)) {
        int64_t left = until - kofu_mono_ms();
        if (left <= 0)
            break;
        nfds_t np = 0;
        for (long i = 0; i < nw; i++)
            if (!ws[i].eof) {
                p[np] = (struct pollfd){.fd = ws[i].fd, .events = POLLIN};
                idx[np++] = i;
            }
        if (np == 0)
            break;
        int r = poll(p, np, left > 1000 ? 1000 : (int)left);
        if (r < 0 && errno != EINTR)
            break;
        for (nfds_t j = 0; r > 0 && j < np; j++)
            if (p[j].revents)
                lg_drain(run, &ws[idx[j]], broken);
    }
    free(p);
    free(idx);
}

static bool lg_all_ready(const struct lg_worker *ws, long nw)
{
    for (long i = 0; i < nw; i++)
        if (!ws[i].ready && !ws[i].eof)
            return false;
    return true;
}

static bool lg_all_started(const struct lg_worker *ws, long nw)
{
    for (long i = 0; i < nw; i++)
        if (!ws[i].started && !ws[i].eof)
            return false;
    return true;
}

static bool lg_all_done(const struct lg_worker *ws, long nw)
{
    for (long i = 0; i < nw; i++)
        if (!ws[i].eof)
            return false;
    return true;
}

/* Starts one kiosk: stdin the start pipe, stdout its record pipe. */
static pid_t lg_spawn(char *const *wargv, int go_rd, int rec_wr)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* A kiosk never outlives the run. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (dup2(go_rd, STDIN_FILENO) < 0 || dup2(rec_wr, STDOUT_FILENO) < 0)
        _exit(127);
    execv("/proc/self/exe", wargv);
    _exit(127);
}

static int lg_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least p % of the samples at or
 * below it. s->us sorted. */
static double lg_rank_ms(const struct lg_samples *s, double p)
{
    size_t rank = (size_t)ceil(p / 100.0 * (double)s->n);
    if (rank < 1)
        rank = 1;
    return s->us[rank - 1] / 1e3;
}

static const char *lg_code_name(int err)
{
    return err == KOFU_OK ? "ok" : kofu_err_name(err);
}

static void lg_report(struct lg_run *run, const struct lg_opts *o, double elapsed_s, long killed, int64_t straggler_ms)
{
    const struct lg_samples *v = &run->calls[LG_VISIT], *c = &run->calls[LG_CERTIFICATE];
    printf("elapsed_s        %.2f\n", elapsed_s);
    printf("visits           %llu (ok %llu, failed %llu)\n", (unsigned long long)v->count,
           (unsigned long long)v->ok, (unsigned long long)(v->count - v->ok));
    printf("visits_per_s     %.1f\n", elapsed_s > 0 ? (double)v->count / elapsed_s : 0.0);
    printf("issuances        %llu\n", (unsigned long long)c->ok);
    printf("issuances_per_s  %.1f\n", elapsed_s > 0 ? (double)c->ok / elapsed_s : 0.0);
    printf("latency_ms       %8s %9s %9s %9s %9s\n", "count", "p50", "p95", "p99", "max");
    for (int k = LG_START; k < LG_CALLS; k++) {
        struct lg_samples *s = &run->calls[k];
        if (s->n == 0) {
            printf("  %-14s %8llu %9s %9s %9s %9s\n", lg_call_names[k], (unsigned long long)s->count, "-", "-", "-",
                   "-");
            continue;
        }
        qsort(s->us, s->n, sizeof *s->us, lg_cmp_u32);
        printf("  %-14s %8llu %9.2f %9.2f %9.2f %9.2f\n", lg_call_names[k], (unsigned long long)s->count,
               lg_rank_ms(s, 50), lg_rank_ms(s, 95), lg_rank_ms(s, 99), s->us[s->n - 1] / 1e3);
    }
    if (run->capped)
        printf("samples          capped at %u per call: the percentiles are of the first ones\n", LG_SAMPLES_MAX);
    uint64_t retries = 0;
    for (int k = LG_START; k < LG_VISIT; k++)
        retries += run->calls[k].retries;
    printf("retries          %llu (", (unsigned long long)retries);
    for (int k = LG_START; k < LG_VISIT; k++)
        printf("%s%s %llu", k == LG_START ? "" : ", ", lg_call_names[k], (unsigned long long)run->calls[k].retries);
    puts(")");
    if (run->n_errs == 0) {
        puts("errors           none");
    } else {
        puts("errors           call         code                               http  count");
        for (size_t i = 0; i < run->n_errs; i++) {
            const struct lg_errkey *e = &run->errs[i];
            char st[8];
            snprintf(st, sizeof st, "%u", e->status);
            printf("  error          %-12s %-34s %4s  %llu\n", lg_call_names[e->call], lg_code_name(e->err),
                   e->status ? st : "-", (unsigned long long)e->count);
        }
    }
    if (killed)
        printf("killed           %ld kiosk%s still in a visit %lld s after the deadline (%s not counted)\n", killed,
               killed == 1 ? "" : "s", (long long)(straggler_ms / 1000),
               killed == 1 ? "the visit it was in is" : "the visits they were in are");
    (void)o;
}

int loadgen_main(int argc, char **argv)
{
    struct lg_opts o;
    int rc = lg_parse(argc, argv, &o, false);
    if (rc != 0) {
        lg_usage();
        return rc;
    }
    struct kofu_config cfg;
    if (lg_load_config(&o, &cfg) != KOFU_OK)
        return 2;
    if (!o.card) {
        snprintf(o.card_default, sizeof o.card_default, "%s/%s", lg_fixture, LG_DEFAULT_CARD);
        o.card = o.card_default;
    }
    /* What can be checked alone is checked before any kiosk starts: the
     * card file, and the client (the kiosk's certificate and key). */
    struct kenhojo_card_data *card = NULL;
    struct center_client *probe = NULL;
    rc = vault_init(LG_VAULT_BYTES);
    if (rc != KOFU_OK)
        fprintf(stderr, "kofu loadgen: cannot set up the vault: %s\n", kofu_err_name(rc));
    else
        rc = lg_load_card(o.card, &card);
    if (rc == KOFU_OK && (rc = center_client_new(&cfg, &probe)) != KOFU_OK)
        fprintf(stderr, "kofu loadgen: cannot make a center client: %s\n", kofu_err_name(rc));
    center_client_free(probe);
    vault_destroy();
    if (rc != KOFU_OK)
        return 1;

    /* The workers' command line: the parent's own options, passed on. */
    char visits_s[24], think_s[16];
    snprintf(visits_s, sizeof visits_s, "%ld", o.visits);
    snprintf(think_s, sizeof think_s, "%ld", o.think_ms);
    const char *args[20];
    int na = 0;
    args[na++] = "kofu-conformance";
    args[na++] = "loadgen-worker";
    if (o.config) {
        args[na++] = "--config";
        args[na++] = o.config;
    }
    args[na++] = "--card";
    args[na++] = o.card;
    args[na++] = "--municipality";
    args[na++] = o.municipality;
    args[na++] = "--kind";
    args[na++] = o.kind == CENTER_OVERSEAS ? "overseas" : "domestic";
    args[na++] = "--think-ms";
    args[na++] = think_s;
    if (o.visits > 0) {
        args[na++] = "--visits";
        args[na++] = visits_s;
    }
    if (o.keepalive)
        args[na++] = "--keepalive";
    /* execv wants writable strings. */
    char *wargv[20];
    bool argv_ok = true;
    for (int i = 0; i < na; i++)
        argv_ok = (wargv[i] = strdup(args[i])) != NULL && argv_ok;
    wargv[na] = NULL;

    signal(SIGPIPE, SIG_IGN);
    fflush(NULL);
    struct lg_run run;
    memset(&run, 0, sizeof run);
    struct lg_worker *ws = calloc((size_t)o.kiosks, sizeof *ws);
    int go[2] = {-1, -1};
    long started = 0, killed = 0;
    bool broken = false, failed = false;
    if (!argv_ok || !ws || pipe2(go, O_CLOEXEC) != 0) {
        perror("kofu loadgen");
        free(ws);
        for (int i = 0; i < na; i++)
            free(wargv[i]);
        return 1;
    }
    for (; started < o.kiosks; started++) {
        int rec[2];
        if (pipe2(rec, O_CLOEXEC) != 0)
            break;
        ws[started].pid = lg_spawn(wargv, go[0], rec[1]);
        close(rec[1]);
        ws[started].fd = rec[0];
        if (ws[started].pid < 0) {
            close(rec[0]);
            break;
        }
    }
    close(go[0]);
    if (started < o.kiosks) {
        fprintf(stderr, "kofu loadgen: could start only %ld of %ld kiosks\n", started, o.kiosks);
        failed = true;
    }
    /* Each wait ends in time; a kiosk that ended (its reason on stderr)
     * or did not report in time fails the run, said here with counts. */
    int64_t start_wait_ms = lg_call_worst_ms(&cfg, cfg.center_timeout_ms) + LG_SLACK_MS;
    if (!failed) {
        lg_collect(&run, ws, started, kofu_mono_ms() + LG_READY_MS, lg_all_ready, &broken);
        long ended = 0, late = 0;
        for (long i = 0; i < started; i++)
            if (!ws[i].ready)
                ws[i].eof ? ended++ : late++;
        if (ended)
            fprintf(stderr, "kofu loadgen: %ld of %ld kiosks ended while setting up (their reasons above)\n", ended,
                    started);
        if (late)
            fprintf(stderr, "kofu loadgen: %ld of %ld kiosks were not set up after %d s\n", late, started,
                    LG_READY_MS / 1000);
        failed = ended || late;
    }
    if (!failed) {
        lg_collect(&run, ws, started, kofu_mono_ms() + start_wait_ms, lg_all_started, &broken);
        long ended = 0, late = 0;
        for (long i = 0; i < started; i++)
            if (!ws[i].started)
                ws[i].eof ? ended++ : late++;
        if (ended)
            fprintf(stderr, "kofu loadgen: %ld of %ld kiosks ended during their first GET /config\n", ended, started);
        if (late)
            fprintf(stderr,
                    "kofu loadgen: %ld of %ld kiosks had no end to their first GET /config after %lld s (the longest "
                    "a call can take with center_timeout_ms and center_retries, and %d s more)\n",
                    late, started, (long long)(start_wait_ms / 1000), LG_SLACK_MS / 1000);
        failed = ended || late;
    }
    int64_t t_go = kofu_mono_ms(), deadline = t_go + o.duration_s * 1000;
    int64_t straggler_ms = lg_visit_worst_ms(&cfg) + LG_SLACK_MS;
    if (!failed) {
        int64_t *dl = malloc((size_t)started * sizeof *dl);
        for (long i = 0; dl && i < started; i++)
            dl[i] = deadline;
        /* At most 256 × 8 bytes: below PIPE_BUF, one atomic write, so the
         * kiosks get their start at once. */
        if (!dl || write(go[1], dl, (size_t)started * sizeof *dl) != (ssize_t)((size_t)started * sizeof *dl))
            failed = true;
        free(dl);
    }
    close(go[1]); /* an unstarted worker reads end of file and leaves */
    double t0 = kofu_mono_ms_f();
    if (!failed) {
        printf("kofu loadgen: %ld kiosk%s, %ld s, %s, card %s, %s %s, %s\n", o.kiosks, o.kiosks == 1 ? "" : "s",
               o.duration_s, cfg.center_url, o.card, o.municipality,
               o.kind == CENTER_OVERSEAS ? "overseas" : "domestic",
               o.keepalive ? "one kept-alive connection per kiosk"
                           : "a new connection per visit (TLS session resumed)");
        fflush(stdout);
        lg_collect(&run, ws, started, deadline + straggler_ms, lg_all_done, &broken);
    }
    double elapsed_s = (kofu_mono_ms_f() - t0) / 1e3;
    for (long i = 0; i < started; i++) {
        if (ws[i].pid <= 0)
            continue;
        if (!ws[i].eof || failed) {
            kill(ws[i].pid, SIGKILL);
            if (!ws[i].eof && !failed)
                killed++;
        }
        int st;
        while (waitpid(ws[i].pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (!failed && !killed && (!WIFEXITED(st) || WEXITSTATUS(st) != 0) && ws[i].eof) {
            fprintf(stderr, "kofu loadgen: a kiosk ended abnormally\n");
            broken = true;
        }
        close(ws[i].fd);
    }
    free(ws);
    for (int i = 0; i < na; i++)
        free(wargv[i]);
    if (broken && !failed)
        fputs("kofu loadgen: a kiosk's records could not all be read; the figures below may be short\n", stderr);
    bool none_ok = false;
    if (!failed) {
        lg_report(&run, &o, elapsed_s, killed, straggler_ms);
        /* A run in which not one visit went through measured nothing of the
         * center but that it could not be used (down, refusing, closed):
         * not a result to read as figures. */
        none_ok = run.calls[LG_VISIT].ok == 0;
        if (none_ok)
            fputs("kofu loadgen: no visit succeeded (the errors above say why): exit 3\n", stderr);
    }
    for (int k = 0; k < LG_CALLS; k++)
        free(run.calls[k].us);
    free(run.errs);
    return failed ? 1 : none_ok ? 3 : 0;
}
