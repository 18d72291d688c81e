/* ipp.c — see ipp.h. */
#include "drivers/printer/ipp.h"
#include "base/clock.h"

#include "base/errors.h"
#include "base/words.h"
#include "drivers/printer/ipp_pin.h"
#include "drivers/printer/ipp_supply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cups/cups.h>

/* The user name kofu's jobs carry: a fixed word, never the OS account. */
#define JOB_USER "kofu"
/* How long status() and the connection set-up may take, in ms. */
#define STATUS_TIMEOUT_MS 3000
/* Query the printer's own state every this many job polls (~200 ms), so a
 * job that stalls for paper or a jam shows why. */
#define PRINTER_POLL_EVERY 10

struct ipp_ctx {
    enum printer_mode mode;
    char host[256];         /* host name, address, or cupsd's socket path */
    int port;
    bool tls;
    char resource[256];     /* /ipp/print, /printers/QUEUE, ... */
    char printer_uri[512];  /* what goes into printer-uri */
    struct ipp_pin *pin; /* ipps: the anchor every connection is checked against */
};

/* The deadline the http timeout callback enforces. */
struct deadline {
    long at_ms;
};


static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* libcups calls this each time a socket wait of http's timeout passes;
 * returning 0 gives up. */
static int keep_waiting(http_t *http, void *user_data)
{
    (void)http;
    const struct deadline *d = user_data;
    return kofu_mono_ms() < d->at_ms;
}

/* A printer or cupsd that asks for a password gets none: the kiosk has no
 * one to ask, and libcups' default would read the terminal. */
static const char *no_password(const char *prompt, http_t *http, const char *method,
                               const char *resource, void *user_data)
{
    (void)prompt, (void)http, (void)method, (void)resource, (void)user_data;
    return NULL;
}

/* ---- printer-state-reasons ------------------------------------------------ */

/* The keywords are the names; the flag is the code. A resident reads the
 * kofu_err the flags end in, never these. */
static const struct kofu_word reason_words[] = {
    {PRINTER_REASON_MEDIA_EMPTY, "media-empty", NULL, NULL},
    {PRINTER_REASON_MEDIA_EMPTY, "media-needed", NULL, NULL},
    {PRINTER_REASON_MEDIA_JAM, "media-jam", NULL, NULL},
    {PRINTER_REASON_DOOR_OPEN, "door-open", NULL, NULL},
    {PRINTER_REASON_DOOR_OPEN, "cover-open", NULL, NULL},
    {PRINTER_REASON_DOOR_OPEN, "interlock-open", NULL, NULL},
    {PRINTER_REASON_TONER_EMPTY, "toner-empty", NULL, NULL},
    {PRINTER_REASON_TONER_EMPTY, "marker-supply-empty", NULL, NULL},
    {PRINTER_REASON_OFFLINE, "offline", NULL, NULL},
    {PRINTER_REASON_OFFLINE, "shutdown", NULL, NULL},
    {PRINTER_REASON_PAUSED, "paused", NULL, NULL},
    {PRINTER_REASON_PAUSED, "moving-to-paused", NULL, NULL},
    {PRINTER_REASON_OTHER, "other", NULL, NULL},
    {PRINTER_REASON_OTHER, "input-tray-missing", NULL, NULL},
    {PRINTER_REASON_OTHER, "output-tray-missing", NULL, NULL},
    {PRINTER_REASON_OTHER, "output-area-full", NULL, NULL},
    {PRINTER_REASON_OTHER, "marker-waste-full", NULL, NULL},
    {PRINTER_REASON_OTHER, "spool-area-full", NULL, NULL},
    {PRINTER_REASON_MEDIA_LOW, "media-low", NULL, NULL},
    {PRINTER_REASON_TONER_LOW, "toner-low", NULL, NULL},
    {PRINTER_REASON_TONER_LOW, "marker-supply-low", NULL, NULL},
};

unsigned ipp_printer_reason_flag(const char *keyword)
{
    static const char *const suffixes[] = {"-report", "-warning", "-error"};
    char word[96];
    if (!keyword)
        return 0;
    size_t len = strlen(keyword);
    if (len == 0 || len >= sizeof word)
        return 0;
    memcpy(word, keyword, len + 1);
    bool is_error = false;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t sl = strlen(suffixes[i]);
        if (len > sl && strcmp(word + len - sl, suffixes[i]) == 0) {
            word[len - sl] = '\0';
            is_error = i == 2;
            break;
        }
    }
    const struct kofu_word *w = kofu_word_named(reason_words, KOFU_WORDS_N(reason_words), word);
    if (w)
        return (unsigned)w->code;
    /* An unknown keyword the printer itself calls an error still stops us;
     * unknown ones without a suffix are mostly informational (CUPS adds
     * several), and a printer that really stopped says so in printer-state. */
    return is_error ? PRINTER_REASON_OTHER : 0;
}

static unsigned reasons_of(ipp_t *resp, const char *name)
{
    unsigned flags = 0;
    ipp_attribute_t *a = ippFindAttribute(resp, name, IPP_TAG_KEYWORD);
    for (int i = 0; a && i < ippGetCount(a); i++)
        flags |= ipp_printer_reason_flag(ippGetString(a, i, NULL));
    return flags;
}

/* ---- set-up --------------------------------------------------------------- */

static bool queue_name_ok(const char *q, size_t len)
{
    if (len == 0 || len > 127)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = q[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_' || ch == '.'))
            return false;
    }
    return true;
}

static int open_uri(struct ipp_ctx *c, const char *uri)
{
    char scheme[16], userpass[64];
    if (httpSeparateURI(HTTP_URI_CODING_ALL, uri, scheme, sizeof scheme, userpass, sizeof userpass,
                        c->host, sizeof c->host, &c->port, c->resource,
                        sizeof c->resource) < HTTP_URI_STATUS_OK)
        return KOFU_E_CONFIG;
    if (strcmp(scheme, "ipp") != 0 && strcmp(scheme, "ipps") != 0)
        return KOFU_E_CONFIG;
    if (userpass[0] || !c->host[0] || strlen(uri) >= sizeof c->printer_uri)
        return KOFU_E_CONFIG; /* credentials do not belong in a URI in a config file */
    c->tls = strcmp(scheme, "ipps") == 0;
    snprintf(c->printer_uri, sizeof c->printer_uri, "%s", uri);
    return KOFU_OK;
}

static int open_queue(struct ipp_ctx *c, const char *spec)
{
    const char *at = strchr(spec, '@');
    size_t qlen = at ? (size_t)(at - spec) : strlen(spec);
    if (!queue_name_ok(spec, qlen))
        return KOFU_E_CONFIG;
    const char *server = at ? at + 1 : cupsServer();
    if (!server || !*server || strlen(server) >= sizeof c->host)
        return KOFU_E_CONFIG;
    snprintf(c->host, sizeof c->host, "%s", server);
    c->port = ippPort();
    if (c->host[0] != '/') {
        char *colon = strrchr(c->host, ':');
        if (colon && !strchr(colon, ']')) {
            char *end;
            long port = strtol(colon + 1, &end, 10);
            if (*end || port <= 0 || port > 65535)
                return KOFU_E_CONFIG;
            c->port = (int)port;
            *colon = '\0';
        }
    }
    c->tls = false;
    snprintf(c->resource, sizeof c->resource, "/printers/%.*s", (int)qlen, spec);
    snprintf(c->printer_uri, sizeof c->printer_uri, "ipp://localhost/printers/%.*s", (int)qlen, spec);
    return KOFU_OK;
}

/* The one rule of struct printer_trust: TLS with the pin, or a link no
 * other machine can reach. Decided before any connection is made. */
static int apply_trust(struct ipp_ctx *c, const struct printer_trust *t)
{
    if (c->tls)
        return ipp_pin_load(t->ca_file ? t->ca_file : "", &c->pin) == KOFU_OK ? KOFU_OK : KOFU_E_CONFIG;
    bool local_socket = c->mode == PRINTER_MODE_CUPS_QUEUE && c->host[0] == '/';
    return local_socket || t->private_link ? KOFU_OK : KOFU_E_PRINTER_INSECURE;
}

static int ipp_open(void **out, const char *uri_or_queue, enum printer_mode mode, const struct printer_trust *trust)
{
    if (!out || !uri_or_queue || !*uri_or_queue || !trust)
        return KOFU_E_ARG;
    if (mode != PRINTER_MODE_IPP && mode != PRINTER_MODE_CUPS_QUEUE)
        return KOFU_E_ARG;
    struct ipp_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    c->mode = mode;
    int rc = mode == PRINTER_MODE_IPP ? open_uri(c, uri_or_queue) : open_queue(c, uri_or_queue);
    if (rc == KOFU_OK)
        rc = apply_trust(c, trust);
    if (rc != KOFU_OK) {
        free(c);
        return rc;
    }
    cupsSetPasswordCB2(no_password, NULL);
    *out = c;
    return KOFU_OK;
}

static void ipp_close(void *ctx)
{
    struct ipp_ctx *c = ctx;
    if (c)
        ipp_pin_free(c->pin);
    free(c);
}

/* Over ipps: the chain the printer presented on this connection, checked
 * against the pin for the URI's host. libcups itself trusts any
 * certificate, and reconnects on its own when a connection drops, so this
 * runs after every connect and again right before the document goes out.
 * Plain links have nothing to check. */
static int check_peer(http_t *http, const struct ipp_ctx *c)
{
    if (!c->tls)
        return KOFU_OK;
    cups_array_t *creds = NULL;
    if (httpCopyCredentials(http, &creds) != 0 || !creds)
        return KOFU_E_PRINTER_UNTRUSTED;
    const uint8_t *der[PRINTER_PIN_CHAIN_MAX];
    size_t len[PRINTER_PIN_CHAIN_MAX];
    size_t n = 0;
    bool too_long = false;
    for (http_credential_t *cr = cupsArrayFirst(creds); cr; cr = cupsArrayNext(creds)) {
        if (n == PRINTER_PIN_CHAIN_MAX) {
            too_long = true;
            break;
        }
        der[n] = cr->data;
        len[n++] = cr->datalen;
    }
    int rc = too_long ? KOFU_E_PRINTER_UNTRUSTED : ipp_pin_check(c->pin, c->host, der, len, n);
    httpFreeCredentials(creds);
    return rc == KOFU_OK ? KOFU_OK : KOFU_E_PRINTER_UNTRUSTED;
}

/* Connects with a deadline that also bounds every later socket wait; over
 * ipps the TLS handshake is part of the connect and the peer is checked
 * before anything is sent. */
static int connect_printer(const struct ipp_ctx *c, struct deadline *d, http_t **out)
{
    *out = NULL;
    long left = d->at_ms - kofu_mono_ms();
    if (left <= 0)
        return KOFU_E_PRINTER_UNREACHABLE;
    http_t *http = httpConnect2(c->host, c->port, NULL, AF_UNSPEC,
                                c->tls ? HTTP_ENCRYPTION_ALWAYS : HTTP_ENCRYPTION_IF_REQUESTED, 1,
                                (int)left, NULL);
    if (!http)
        return KOFU_E_PRINTER_UNREACHABLE;
    int rc = check_peer(http, c);
    if (rc != KOFU_OK) {
        httpClose(http);
        return rc;
    }
    httpSetTimeout(http, 0.1, keep_waiting, d);
    *out = http;
    return KOFU_OK;
}

static ipp_t *new_request(const struct ipp_ctx *c, ipp_op_t op)
{
    ipp_t *req = ippNewRequest(op);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, c->printer_uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, JOB_USER);
    return req;
}

/* Maps an IPP status that is not a success to a kofu_err. */
static int map_ipp_status(ipp_status_t s)
{
    switch (s) {
    case IPP_STATUS_ERROR_NOT_FOUND:
        return KOFU_E_CONFIG; /* no such queue or printer path */
    case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
    case IPP_STATUS_ERROR_BUSY:
    case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
        return KOFU_E_PRINTER_NOT_READY;
    default:
        return KOFU_E_PRINTER_REFUSED;
    }
}

/* Sends a request without document; *resp gets the answer. NULL response
 * (connection lost, time-out) is "unreachable". */
static int do_request(http_t *http, const struct ipp_ctx *c, ipp_t *req, ipp_t **resp)
{
    *resp = cupsDoRequest(http, req, c->resource); /* frees req */
    if (!*resp)
        return KOFU_E_PRINTER_UNREACHABLE;
    ipp_status_t s = ippGetStatusCode(*resp);
    if (s > IPP_STATUS_OK_EVENTS_COMPLETE) {
        ippDelete(*resp);
        *resp = NULL;
        return map_ipp_status(s);
    }
    return KOFU_OK;
}

/* The status fields of a Get-Printer-Attributes answer. */
static void status_of(ipp_t *resp, struct printer_status *st)
{
    memset(st, 0, sizeof *st);
    ipp_attribute_t *a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM);
    int state = a ? ippGetInteger(a, 0) : 0;
    st->state = state >= PRINTER_STATE_IDLE && state <= PRINTER_STATE_STOPPED ? (enum printer_state)state
                                                                              : PRINTER_STATE_UNKNOWN;
    a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
    st->accepting_jobs = a ? ippGetBoolean(a, 0) != 0 : true;
    st->reasons = reasons_of(resp, "printer-state-reasons");
    if (st->state == PRINTER_STATE_STOPPED && !(st->reasons & PRINTER_REASONS_BLOCKING))
        st->reasons |= PRINTER_REASON_PAUSED;
    st->ready = st->accepting_jobs && !(st->reasons & PRINTER_REASONS_BLOCKING) &&
                (st->state == PRINTER_STATE_IDLE || st->state == PRINTER_STATE_PROCESSING);
}

static int query_status(http_t *http, const struct ipp_ctx *c, struct printer_status *st)
{
    static const char *const attrs[] = {"printer-state", "printer-state-reasons",
                                        "printer-is-accepting-jobs"};
    memset(st, 0, sizeof *st);
    ipp_t *req = new_request(c, IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof attrs / sizeof attrs[0]), NULL, attrs);
    ipp_t *resp;
    int rc = do_request(http, c, req, &resp);
    if (rc != KOFU_OK)
        return rc;
    status_of(resp, st);
    ippDelete(resp);
    return KOFU_OK;
}

static int ipp_status(void *ctx, struct printer_status *st)
{
    if (!ctx || !st)
        return KOFU_E_ARG;
    memset(st, 0, sizeof *st);
    struct deadline d = {kofu_mono_ms() + STATUS_TIMEOUT_MS};
    http_t *http;
    int rc = connect_printer(ctx, &d, &http);
    if (rc != KOFU_OK)
        return rc;
    rc = query_status(http, ctx, st);
    httpClose(http);
    return rc;
}

/* ---- inspect: what a technician needs ------------------------------------ */

/* A keyword the printer sent, kept only when every byte is one of `extra`
 * or a-z 0-9 '-' and it fits: a printer's words reach a screen and a JSON
 * report, so nothing loose passes. */
static bool keyword_ok(const char *kw, const char *extra)
{
    size_t n = kw ? strlen(kw) : 0;
    if (n == 0 || n >= PRINTER_KEYWORD_LEN)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = kw[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || (ch && strchr(extra, ch))))
            return false;
    }
    return true;
}

static size_t keywords_of(ipp_t *resp, const char *name, const char *extra, char out[][PRINTER_KEYWORD_LEN])
{
    size_t n = 0;
    ipp_attribute_t *a = ippFindAttribute(resp, name, IPP_TAG_ZERO);
    for (int i = 0; a && i < ippGetCount(a) && n < PRINTER_KEYWORDS_MAX; i++) {
        const char *kw = ippGetString(a, i, NULL);
        if (keyword_ok(kw, extra) && strcmp(kw, "none") != 0)
            snprintf(out[n++], PRINTER_KEYWORD_LEN, "%s", kw);
    }
    return n;
}

/* The i-th text of a marker-* attribute as printable ASCII, cut to fit. */
static void supply_text(ipp_t *resp, const char *name, int i, char *out)
{
    ipp_attribute_t *a = ippFindAttribute(resp, name, IPP_TAG_ZERO);
    const char *v = a && i < ippGetCount(a) ? ippGetString(a, i, NULL) : NULL;
    size_t n = 0;
    for (; v && v[n] && n < PRINTER_SUPPLY_TEXT - 1; n++)
        out[n] = v[n] >= 0x20 && v[n] < 0x7f ? v[n] : '?';
    out[n] = '\0';
}

/* The i-th value of a marker-*-levels attribute: 0..100 or a
 * PRINTER_LEVEL_* (levels only; anything else is unknown); `none` when
 * the attribute has no i-th value. */
static int supply_level(ipp_t *resp, const char *name, int i, int none)
{
    ipp_attribute_t *a = ippFindAttribute(resp, name, IPP_TAG_INTEGER);
    if (!a || i >= ippGetCount(a))
        return none;
    int v = ippGetInteger(a, i);
    return v >= PRINTER_LEVEL_SOME && v <= 100 ? v : PRINTER_LEVEL_UNKNOWN;
}

/* PWG 5100.13's printer-supply (what IPP Everywhere printers give; CUPS'
 * marker-* are derived from it), named by printer-supply-description. */
static void pwg_supplies_of(ipp_t *resp, struct printer_inspection *out)
{
    ipp_attribute_t *a = ippFindAttribute(resp, "printer-supply", IPP_TAG_STRING);
    for (int i = 0; a && i < ippGetCount(a) && out->n_supplies < PRINTER_SUPPLIES_MAX; i++) {
        int len = 0;
        const void *v = ippGetOctetString(a, i, &len);
        struct printer_supply *s = &out->supplies[out->n_supplies];
        if (!v || len <= 0 || !ipp_supply_parse(v, (size_t)len, s))
            continue;
        supply_text(resp, "printer-supply-description", i, s->name);
        out->n_supplies++;
    }
}

static void supplies_of(ipp_t *resp, struct printer_inspection *out)
{
    ipp_attribute_t *levels = ippFindAttribute(resp, "marker-levels", IPP_TAG_INTEGER);
    ipp_attribute_t *names = ippFindAttribute(resp, "marker-names", IPP_TAG_ZERO);
    int n = levels ? ippGetCount(levels) : names ? ippGetCount(names) : 0;
    if (n == 0) {
        pwg_supplies_of(resp, out);
        return;
    }
    for (int i = 0; i < n && out->n_supplies < PRINTER_SUPPLIES_MAX; i++) {
        struct printer_supply *s = &out->supplies[out->n_supplies++];
        supply_text(resp, "marker-names", i, s->name);
        supply_text(resp, "marker-types", i, s->type);
        supply_text(resp, "marker-colors", i, s->color);
        s->level = supply_level(resp, "marker-levels", i, PRINTER_LEVEL_UNKNOWN);
        s->low = supply_level(resp, "marker-low-levels", i, -1);
        s->high = supply_level(resp, "marker-high-levels", i, -1);
        if (s->low < 0)
            s->low = -1;
        if (s->high < 0)
            s->high = -1;
    }
}

/* Get-Jobs with which-jobs: the number of jobs listed, or -1. The job's
 * id is all that is asked: names and owners stay with the printer. */
static int count_jobs(http_t *http, const struct ipp_ctx *c, const char *which)
{
    ipp_t *req = new_request(c, IPP_OP_GET_JOBS);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "which-jobs", NULL, which);
    ippAddBoolean(req, IPP_TAG_OPERATION, "my-jobs", 0);
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "limit", PRINTER_IPP_JOBS_MAX);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", NULL, "job-id");
    ipp_t *resp;
    if (do_request(http, c, req, &resp) != KOFU_OK)
        return -1;
    int n = 0;
    for (ipp_attribute_t *a = ippFirstAttribute(resp); a && n < PRINTER_IPP_JOBS_MAX; a = ippNextAttribute(resp))
        if (ippGetGroupTag(a) == IPP_TAG_JOB && ippGetName(a) && strcmp(ippGetName(a), "job-id") == 0)
            n++;
    ippDelete(resp);
    return n;
}

static int ipp_inspect(void *ctx, struct printer_inspection *out)
{
    static const char *const attrs[] = {"printer-state", "printer-state-reasons", "printer-is-accepting-jobs",
                                        "media-ready", "marker-names", "marker-types", "marker-colors",
                                        "marker-levels", "marker-low-levels", "marker-high-levels",
                                        "printer-supply", "printer-supply-description"};
    const struct ipp_ctx *c = ctx;
    if (!c || !out)
        return KOFU_E_ARG;
    memset(out, 0, sizeof *out);
    out->jobs_pending = out->jobs_kept = -1;
    struct deadline d = {kofu_mono_ms() + STATUS_TIMEOUT_MS};
    http_t *http;
    int rc = connect_printer(c, &d, &http);
    if (rc != KOFU_OK)
        return rc;
    ipp_t *req = new_request(c, IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof attrs / sizeof attrs[0]), NULL, attrs);
    ipp_t *resp;
    rc = do_request(http, c, req, &resp);
    if (rc == KOFU_OK) {
        status_of(resp, &out->status);
        out->n_reasons = keywords_of(resp, "printer-state-reasons", "", out->reasons);
        out->n_media_ready = keywords_of(resp, "media-ready", "_.", out->media_ready);
        supplies_of(resp, out);
        ippDelete(resp);
        out->jobs_pending = count_jobs(http, c, "not-completed");
        if (c->mode == PRINTER_MODE_CUPS_QUEUE)
            out->jobs_kept = count_jobs(http, c, "all");
    }
    httpClose(http);
    return rc;
}

/* ---- printing ------------------------------------------------------------- */

/* One Print-Job with the document streamed from the caller's memory. The
 * whole document goes to cupsWriteRequestData in one call: libcups writes
 * anything of HTTP_MAX_BUFFER bytes or more straight to the socket, so no
 * copy of it is left in libcups' buffers (over ipps the TLS library still
 * copies it into its records). */
static int submit(http_t *http, const struct ipp_ctx *c, const uint8_t *pdf, size_t len,
                  const char *job_name, int copies, int *job_id, ipp_status_t *status)
{
    ipp_t *req = new_request(c, IPP_OP_PRINT_JOB);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "job-name", NULL, job_name);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_MIMETYPE, "document-format", NULL, "application/pdf");
    ippAddInteger(req, IPP_TAG_JOB, IPP_TAG_INTEGER, "copies", copies);
    *status = IPP_STATUS_OK;
    /* The length is the whole HTTP body: the IPP message and the document.
     * A failed send or write shows as no response below. The peer is
     * checked again between the two: cupsSendRequest may have reconnected. */
    if (cupsSendRequest(http, req, c->resource, ippLength(req) + len) == HTTP_STATUS_CONTINUE) {
        if (check_peer(http, c) != KOFU_OK) {
            ippDelete(req);
            return KOFU_E_PRINTER_UNTRUSTED;
        }
        cupsWriteRequestData(http, (const char *)pdf, len);
    }
    ipp_t *resp = cupsGetResponse(http, c->resource);
    ippDelete(req);
    if (!resp)
        return KOFU_E_PRINTER_UNREACHABLE;
    *status = ippGetStatusCode(resp);
    int rc = KOFU_OK;
    if (*status > IPP_STATUS_OK_EVENTS_COMPLETE) {
        rc = map_ipp_status(*status);
    } else {
        ipp_attribute_t *a = ippFindAttribute(resp, "job-id", IPP_TAG_INTEGER);
        *job_id = a ? ippGetInteger(a, 0) : 0;
        if (*job_id <= 0)
            rc = KOFU_E_PRINTER_REFUSED;
    }
    ippDelete(resp);
    return rc;
}

static int query_job(http_t *http, const struct ipp_ctx *c, int job_id, enum printer_job_state *state)
{
    ipp_t *req = new_request(c, IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", NULL, "job-state");
    ipp_t *resp;
    int rc = do_request(http, c, req, &resp);
    if (rc != KOFU_OK)
        return rc;
    ipp_attribute_t *a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
    int s = a ? ippGetInteger(a, 0) : 0;
    *state = s >= PRINTER_JOB_PENDING && s <= PRINTER_JOB_COMPLETED ? (enum printer_job_state)s
                                                                     : PRINTER_JOB_UNKNOWN;
    ippDelete(resp);
    return KOFU_OK;
}

/* Cancel-Job; with purge (a CUPS extension, queue mode only) cupsd also
 * drops the job's control file and history, and it works on a job that has
 * already completed. */
static int cancel_job(http_t *http, const struct ipp_ctx *c, int job_id, bool purge)
{
    ipp_t *req = new_request(c, IPP_OP_CANCEL_JOB);
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
    if (purge)
        ippAddBoolean(req, IPP_TAG_OPERATION, "purge-job", 1);
    ipp_t *resp;
    int rc = do_request(http, c, req, &resp);
    ippDelete(resp);
    return rc;
}

static bool job_is_final(enum printer_job_state s) { return s >= PRINTER_JOB_CANCELED; }

/* Follows the job until a final state or the deadline. Returns KOFU_OK or
 * a transport error; res->state and res->reasons tell the rest. */
static int follow_job(http_t *http, const struct ipp_ctx *c, long deadline, struct printer_job_result *res)
{
    for (;;) {
        int rc = query_job(http, c, res->job_id, &res->state);
        res->polls++;
        if (rc == KOFU_E_CONFIG) {
            /* The job vanished (a cupsd without job history): its end
             * cannot be known, so it is not a completed print. */
            res->state = PRINTER_JOB_UNKNOWN;
            return KOFU_OK;
        }
        if (rc != KOFU_OK)
            return rc;
        if (job_is_final(res->state))
            return KOFU_OK;
        if (res->polls % PRINTER_POLL_EVERY == 0) {
            struct printer_status st;
            if (query_status(http, c, &st) == KOFU_OK)
                res->reasons |= st.reasons;
        }
        long left = deadline - kofu_mono_ms();
        if (left <= 0) {
            res->timed_out = true;
            return KOFU_OK;
        }
        sleep_ms(left < PRINTER_IPP_POLL_MS ? left : PRINTER_IPP_POLL_MS);
    }
}

/* After the job: cancel it if it has not ended and wait a little for the
 * printer to confirm; in queue mode then purge it from cupsd and check that
 * cupsd no longer knows it. (Cancel-Job with purge-job on a job that is
 * still processing only cancels it: cupsd keeps its control file and
 * history until a purge after the job has stopped.) */
static void finish_job(http_t *http, const struct ipp_ctx *c, struct printer_job_result *res)
{
    bool queue = c->mode == PRINTER_MODE_CUPS_QUEUE;
    if (!job_is_final(res->state) && res->state != PRINTER_JOB_UNKNOWN) {
        cancel_job(http, c, res->job_id, queue);
        long end = kofu_mono_ms() + PRINTER_IPP_CANCEL_GRACE_MS;
        while (!job_is_final(res->state) && kofu_mono_ms() < end) {
            sleep_ms(PRINTER_IPP_POLL_MS);
            int rc = query_job(http, c, res->job_id, &res->state);
            if (rc == KOFU_E_CONFIG) { /* already gone: purged with the cancel */
                res->state = PRINTER_JOB_CANCELED;
                break;
            }
            if (rc != KOFU_OK)
                break;
        }
    }
    if (queue) {
        cancel_job(http, c, res->job_id, true);
        enum printer_job_state gone;
        res->purged = query_job(http, c, res->job_id, &gone) == KOFU_E_CONFIG;
    }
}

static int ipp_print(void *ctx, const uint8_t *pdf, size_t len, const char *job_name, int copies,
                     int timeout_ms, struct printer_job_result *out)
{
    struct printer_job_result res;
    memset(&res, 0, sizeof res);
    const struct ipp_ctx *c = ctx;
    long start = kofu_mono_ms();
    if (!job_name)
        job_name = PRINTER_DEFAULT_JOB_NAME;
    int rc = KOFU_OK;
    if (!c || !pdf || len == 0 || copies < 1 || copies > 99 || timeout_ms <= 0 ||
        !printer_job_name_ok(job_name)) {
        rc = KOFU_E_ARG;
        goto out;
    }
    struct deadline d = {start + timeout_ms};
    http_t *http;
    rc = connect_printer(c, &d, &http);
    if (rc != KOFU_OK)
        goto out;

    /* Readiness first: a document sent to a printer that cannot print it
     * would wait in the printer's spool. */
    struct printer_status st;
    rc = query_status(http, c, &st);
    if (rc == KOFU_OK && !st.ready) {
        res.reasons = st.reasons;
        rc = printer_status_error(&st);
    }
    /* A printer still busy with the previous copy answers server-error-busy:
     * try again until the deadline. */
    while (rc == KOFU_OK) {
        ipp_status_t s;
        rc = submit(http, c, pdf, len, job_name, copies, &res.job_id, &s);
        if (s != IPP_STATUS_ERROR_BUSY || kofu_mono_ms() + 50 >= d.at_ms)
            break;
        rc = KOFU_OK;
        sleep_ms(50);
    }
    res.submit_ms = kofu_mono_ms() - start;
    if (rc == KOFU_OK) {
        rc = follow_job(http, c, d.at_ms, &res);
        if (rc != KOFU_OK)
            res.state = PRINTER_JOB_UNKNOWN; /* it went away: the job's end is unknown */
        /* Cancelling and purging get their own short deadline: they must
         * happen even when the job's time ran out. */
        d.at_ms = kofu_mono_ms() + PRINTER_IPP_CANCEL_GRACE_MS + STATUS_TIMEOUT_MS;
        if (rc == KOFU_OK && res.state != PRINTER_JOB_COMPLETED) {
            /* Why it did not complete: the printer's reasons right after. */
            if (query_status(http, c, &st) == KOFU_OK)
                res.reasons |= st.reasons;
        }
        if (rc == KOFU_OK)
            finish_job(http, c, &res);
        if (rc == KOFU_OK)
            rc = printer_job_error(&res);
    }
    res.total_ms = kofu_mono_ms() - start;
    httpClose(http);
out:
    if (out)
        *out = res;
    return rc;
}

const struct printer_ops ipp_printer_ops = {
    .open = ipp_open,
    .status = ipp_status,
    .print = ipp_print,
    .close = ipp_close,
    .inspect = ipp_inspect,
};
