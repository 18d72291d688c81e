/* kit.c — see kit.h: the configuration, the table, the run. */
#include "tests/conformance/kit.h"

#include "base/b64.h"
#include "base/errors.h"
#include "base/vault.h"
#include "tests/conformance/report.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KIT_VAULT_BYTES (16u * 1024 * 1024)
#define KIT_ONLY_MAX 64

static const struct kit_scenario scenarios[] = {
    {"tls.version-1.3", "GET /config over TLS 1.3 with the kit's kiosk certificate: 200", sc_tls_version_13},
    {"tls.refuses-1.2", "a handshake offering TLS 1.2 only: no HTTP answer (an alert)", sc_tls_refuses_12},
    {"tls.refuses-no-certificate", "TLS 1.3 without a client certificate: no HTTP answer",
     sc_tls_refuses_no_certificate},
    {"tls.refuses-revoked", "the configured revoked kiosk certificate: refused with an alert (skipped when unset)",
     sc_tls_refuses_revoked},
    {"tls.refuses-foreign-ca", "a kiosk certificate of another CA: refused with an alert (skipped when unset)",
     sc_tls_refuses_foreign_ca},
    {"http.date-header", "GET /config: a Date header within 5 minutes of the kit's clock", sc_http_date_header},
    {"http.not-found", "GET an unknown path: 404 not-found", sc_http_not_found},
    {"http.method", "GET /certificates: 405 bad-request with Allow: POST", sc_http_method},
    {"http.query-string", "GET /config?x=1: 400 bad-request", sc_http_query_string},
    {"http.content-type", "POST /completions as text/plain: 400; as application/json; charset=utf-8: accepted",
     sc_http_content_type},
    {"http.no-content-type", "POST /certificates (card yamada) without a Content-Type: 400 bad-request",
     sc_http_no_content_type},
    {"config.valid", "GET /config: within 1 MiB, kofu's parser accepts it, lists exactly the fixture's participating "
                     "municipalities",
     sc_config_valid},
    {"jwks.kids-are-thumbprints", "the key set at /.well-known/jwks.json and at iss: EC P-256, kid = RFC 7638 "
                                  "thumbprint, no private part",
     sc_jwks_kids_are_thumbprints},
    {"jwks.same-keys-as-pinned", "the served keys are the pinned shc_keyset_file's (x, y)", sc_jwks_same_keys_as_pinned},
    {"jwks.public", "GET <iss>/.well-known/jwks.json without a client certificate: 200, the pinned keys (x, y)",
     sc_jwks_public},
    {"issue.domestic.yamada", "card yamada, each participating municipality with doses: a certificate kofu verifies",
     sc_issue_domestic_yamada},
    {"issue.domestic.longname", "card longname (a long name): a certificate kofu verifies", sc_issue_domestic_longname},
    {"issue.domestic.takahashi", "card takahashi (a character beyond the BMP): a certificate kofu verifies",
     sc_issue_domestic_takahashi},
    {"issue.domestic.gaiji", "card gaiji (a private-use character): a certificate kofu verifies",
     sc_issue_domestic_gaiji},
    {"issue.overseas.yamada", "card yamada overseas: the SHC and a VDS-NC seal under the pinned CSCA, passport, seq, "
                              "ctr, adm",
     sc_issue_overseas_yamada},
    {"issue.overseas-chip.yamada", "card yamada overseas with the kit's passport chip: 200, the seal's pid and the "
                                   "answer's passport the chip's (not the registered passport)",
     sc_issue_overseas_chip_yamada},
    {"issue.overseas-chip.longname", "card longname (no passport registered) overseas with the kit's passport chip: "
                                     "200, the seal's pid the chip's",
     sc_issue_overseas_chip_longname},
    {"refuse.no-record", "cards norecord and blocked, yamada in a municipality without doses: 404 no-record",
     sc_refuse_no_record},
    {"refuse.not-participating", "a municipality that does not participate, and a code in no list: 403 "
                                 "municipality-not-participating",
     sc_refuse_not_participating},
    {"refuse.passport-not-registered", "card longname overseas: 404 passport-not-registered",
     sc_refuse_passport_not_registered},
    {"refuse.passport-birth-date", "card yamada overseas with a passport chip of another birth date: 400 bad-request",
     sc_refuse_passport_birth_date},
    {"refuse.card-not-authentic", "tampered card files, each way: 403 card-not-authentic",
     sc_refuse_card_not_authentic},
    {"refuse.bad-request", "malformed requests, one fault each: 400 bad-request", sc_refuse_bad_request},
    {"refuse.too-large", "a body of 64 KiB + 1: 413 bad-request", sc_refuse_too_large},
    {"refuse.terms-outdated", "a well-formed terms version that is not the current one: 409 terms-outdated",
     sc_refuse_terms_outdated},
    {"refuse.check-order", "two faults at once: the earlier check in §3's order answers", sc_refuse_check_order},
    {"refuse.outside-hours", "a request while /config says closed: 403 outside-service-hours (skipped while open)",
     sc_refuse_outside_hours},
    {"idempotency.same-request", "the same request twice: one certificate, the same id and issued_at, both verify",
     sc_idempotency_same_request},
    {"idempotency.different-request", "the same request_id with another municipality: 400 bad-request",
     sc_idempotency_different_request},
    {"completion.printed", "printed after an issuance, reported twice: 204 each", sc_completion_printed},
    {"completion.refunded", "refunded after an issuance: 204", sc_completion_refunded},
    {"completion.refund-owed", "refund-owed after printed: 204", sc_completion_refund_owed},
    {"completion.failed", "failed with certificate_id \"\" after a refused and after an issued request: 204",
     sc_completion_failed},
    {"completion.refused", "an unknown outcome, a wrong amount, another certificate id: 400 each",
     sc_completion_refused},
};

const struct kit_scenario *kit_scenarios(size_t *n)
{
    *n = sizeof scenarios / sizeof scenarios[0];
    return scenarios;
}

bool kit_fail(struct kit_result *r, const char *section, const char *expected, const char *got_fmt, ...)
{
    if (r->status == KIT_FAIL)
        return false;
    r->status = KIT_FAIL;
    snprintf(r->section, sizeof r->section, "%s", section);
    snprintf(r->expected, sizeof r->expected, "%s", expected);
    va_list ap;
    va_start(ap, got_fmt);
    vsnprintf(r->got, sizeof r->got, got_fmt, ap);
    va_end(ap);
    return false;
}

void kit_skip(struct kit_result *r, const char *fmt, ...)
{
    if (r->status == KIT_FAIL)
        return;
    r->status = KIT_SKIP;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->got, sizeof r->got, fmt, ap);
    va_end(ap);
}

static char kit_error_text[sizeof ((struct kit_result *)0)->got];
static bool kit_error_set;

void kit_error(const char *fmt, ...)
{
    if (kit_error_set)
        return;
    kit_error_set = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(kit_error_text, sizeof kit_error_text, fmt, ap);
    va_end(ap);
}

bool kit_take_error(char *buf, size_t cap)
{
    if (!kit_error_set)
        return false;
    snprintf(buf, cap, "%s", kit_error_text);
    kit_error_set = false;
    return true;
}

/* ---- helpers ------------------------------------------------------------------ */

void kit_request(const struct kit *k, const struct kenhojo_card_data *card, const char *municipality,
                 enum center_kind kind, struct center_request *out)
{
    memset(out, 0, sizeof *out);
    out->card = card;
    snprintf(out->municipality, sizeof out->municipality, "%s", municipality);
    out->kind = kind;
    out->copies = 1;
    out->language = "ja";
    out->terms_version = k->have_config ? k->center.terms.version : "none";
    center_request_new_id(out);
}

static bool add_file(json_t *card, const char *key, const struct kenhojo_file *f)
{
    size_t cap = b64_encoded_len(f->len, false) + 1;
    char *text = vault_alloc(cap);
    return text && b64_encode(f->bytes, f->len, text, cap, false) && json_object_set_new(card, key, json_string(text)) == 0;
}

json_t *kit_request_json(const struct center_request *r)
{
    json_t *root = json_object(), *card = json_object();
    if (!root || !card || !add_file(card, "my_number", &r->card->ef_my_number) ||
        !add_file(card, "attributes", &r->card->ef_attributes) ||
        !add_file(card, "integrity", &r->card->ef_integrity) ||
        !add_file(card, "cv_certificate", &r->card->ef_cv_cert)) {
        json_decref(card);
        json_decref(root);
        return NULL;
    }
    json_object_set_new(root, "request_id", json_string(r->request_id));
    json_object_set_new(root, "card", card);
    json_object_set_new(root, "municipality", json_string(r->municipality));
    json_object_set_new(root, "kind", json_string(r->kind == CENTER_OVERSEAS ? "overseas" : "domestic"));
    json_object_set_new(root, "copies", json_integer(r->copies));
    json_object_set_new(root, "language", json_string(r->language));
    json_object_set_new(root, "terms_version", json_string(r->terms_version));
    return root;
}

int kit_post_json(const struct kit *k, const char *path, json_t *body, struct wire_resp *resp)
{
    size_t n = json_dumpb(body, NULL, 0, JSON_COMPACT);
    char *text = n ? vault_alloc(n + 1) : NULL;
    if (!text || json_dumpb(body, text, n, JSON_COMPACT) != n) {
        memset(resp, 0, sizeof *resp);
        resp->alert = -1;
        snprintf(resp->detail, sizeof resp->detail, "the kit ran out of memory building a request body");
        kit_error("%s", resp->detail);
        return -1;
    }
    struct wire_req q = {.method = "POST", .path = path, .content_type = "application/json", .body = text,
                         .body_len = n};
    return wire_call(k, &q, resp);
}

bool kit_needs_open(const struct kit *k, struct kit_result *r)
{
    if (!k->have_config) {
        kit_skip(r, "GET " CENTER_BASE_PATH "config failed (%s): the scenario needs the center's configuration",
                 kofu_err_name(k->config_error));
        return true;
    }
    if (!k->open_now) {
        kit_skip(r, "the center is outside its service hours (/config): a request would stop at the hours check");
        r->closed = r->status == KIT_SKIP;
        return true;
    }
    return false;
}

/* ---- configuration ------------------------------------------------------------ */

static struct kit *loading; /* the kit config_extra_key fills */

static int kit_key(const char *key, const char *value)
{
    struct {
        const char *name;
        char *dst;
    } keys[] = {
        {"conformance_fixture", loading->fixture_dir},
        {"conformance_records", loading->records_file},
        {"conformance_revoked_cert_file", loading->revoked_cert},
        {"conformance_revoked_key_file", loading->revoked_key},
        {"conformance_foreign_cert_file", loading->foreign_cert},
        {"conformance_foreign_key_file", loading->foreign_key},
        {"conformance_issuer_url", loading->issuer_url},
        {"conformance_issuer_ca_file", loading->issuer_ca},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!strcmp(key, keys[i].name))
            return config_copy_text(keys[i].dst, KOFU_CONFIG_VALUE_MAX, value) ? 1 : -1;
    return 0;
}

static int kit_load_config(struct kit *k, const char *path)
{
    snprintf(k->fixture_dir, sizeof k->fixture_dir, "tests/conformance/fixture");
    snprintf(k->records_file, sizeof k->records_file, "tests/centersim/fixtures/center.json");
    loading = k;
    config_extra_key = kit_key;
    int rc = config_load_for_command(&k->cfg, path);
    config_extra_key = NULL;
    loading = NULL;
    if (rc != KOFU_OK)
        return rc;
    if ((k->revoked_cert[0] != 0) != (k->revoked_key[0] != 0) || (k->foreign_cert[0] != 0) != (k->foreign_key[0] != 0)) {
        fprintf(stderr, "kofu-conformance: set both conformance_*_cert_file and conformance_*_key_file, or neither\n");
        return KOFU_E_CONFIG;
    }
    char err[300];
    if (certificate_trust_load(&k->cfg, &k->trust, err, sizeof err) != KOFU_OK) {
        fprintf(stderr, "kofu-conformance: %s\n", err);
        return KOFU_E_CONFIG;
    }
    if (fixture_load(&k->fx, k->fixture_dir, k->records_file, err, sizeof err) != KOFU_OK) {
        fprintf(stderr, "kofu-conformance: fixture: %s\n", err);
        return KOFU_E_CONFIG;
    }
    if (center_client_new(&k->cfg, &k->client) != KOFU_OK) {
        fprintf(stderr, "kofu-conformance: set center_url (https://...), center_ca_file, kiosk_cert_file and "
                        "kiosk_key_file in the configuration\n");
        return KOFU_E_CONFIG;
    }
    return KOFU_OK;
}

/* Whether the center's hours hold at its own clock, in its own time zone. */
static bool open_at(const struct center_config *c, time_t t)
{
    const char *old = getenv("TZ");
    char saved[128] = "";
    if (old)
        snprintf(saved, sizeof saved, "%s", old);
    setenv("TZ", c->timezone, 1);
    tzset();
    struct tm tm;
    localtime_r(&t, &tm);
    if (old)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    int m = tm.tm_hour * 60 + tm.tm_min;
    return m >= c->open_minute && m < c->close_minute;
}

static void kit_fetch_config(struct kit *k)
{
    struct center_call_info info;
    k->config_error = center_get_config(k->client, &k->center, &info);
    k->have_config = k->config_error == KOFU_OK;
    k->center_date = info.server_date ? info.server_date : time(NULL);
    k->open_now = k->have_config && open_at(&k->center, k->center_date);
}

/* ---- the run ------------------------------------------------------------------ */

static void usage(void)
{
    fputs("usage: kofu conformance --config FILE [--report FILE] [--junit FILE] [--only NAME...] [--list]\n"
          "       (docs/conformance.md)\n",
          stderr);
}

/* --only NAME: the scenario itself, or its group (a prefix ending at a dot). */
static bool selected(const char *name, const char *const *only, size_t n_only)
{
    if (!n_only)
        return true;
    for (size_t i = 0; i < n_only; i++) {
        size_t l = strlen(only[i]);
        if (l && (!strcmp(name, only[i]) || (!strncmp(name, only[i], l) && (name[l] == '.' || only[i][l - 1] == '.'))))
            return true;
    }
    return false;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int write_file(const char *path, void (*fn)(FILE *, const struct report *), const struct report *rp)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "kofu-conformance: cannot write %s\n", path);
        return -1;
    }
    fn(f, rp);
    return fclose(f) == 0 ? 0 : -1;
}

int kit_main(int argc, char **argv)
{
    const char *config = NULL, *report_path = NULL, *junit_path = NULL;
    const char *only[KIT_ONLY_MAX];
    size_t n_only = 0;
    bool list = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (!strcmp(a, "--config") && more)
            config = argv[++i];
        else if (!strcmp(a, "--report") && more)
            report_path = argv[++i];
        else if (!strcmp(a, "--junit") && more)
            junit_path = argv[++i];
        else if (!strcmp(a, "--list"))
            list = true;
        else if (!strcmp(a, "--only")) {
            size_t before = n_only;
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
                if (n_only == KIT_ONLY_MAX || !argv[i + 1][0]) {
                    usage();
                    return 2;
                }
                only[n_only++] = argv[++i];
            }
            /* `--only` with no name would otherwise run everything */
            if (n_only == before) {
                fputs("kofu-conformance: --only needs at least one scenario or group name (--list)\n", stderr);
                return 2;
            }
        } else {
            usage();
            return 2;
        }
    }
    size_t n;
    const struct kit_scenario *sc = kit_scenarios(&n);
    for (size_t i = 0; i < n_only; i++) {
        bool known = false;
        for (size_t j = 0; j < n && !known; j++)
            known = selected(sc[j].name, &only[i], 1);
        if (!known) {
            fprintf(stderr, "kofu-conformance: --only %s: no such scenario or group (--list)\n", only[i]);
            return 2;
        }
    }
    if (list) {
        for (size_t i = 0; i < n; i++)
            if (selected(sc[i].name, only, n_only))
                printf("%-32s %s\n", sc[i].name, sc[i].about);
        return 0;
    }
    if (!config) {
        usage();
        return 2;
    }
    if (vault_init(KIT_VAULT_BYTES) != KOFU_OK || wire_init() != KOFU_OK) {
        fputs("kofu-conformance: cannot set up the vault\n", stderr);
        return 1;
    }
    static struct kit k;
    if (kit_load_config(&k, config) != KOFU_OK)
        return 1;
    struct report rp = {0};
    snprintf(rp.center_url, sizeof rp.center_url, "%s", k.cfg.center_url);
    snprintf(rp.fixture, sizeof rp.fixture, "%s (cards), %s (records)", k.fixture_dir, k.records_file);
    report_header(stdout, &rp);
    fflush(stdout);
    double t0 = now_ms();
    kit_fetch_config(&k);
    for (size_t i = 0; i < n; i++) {
        if (!selected(sc[i].name, only, n_only))
            continue;
        struct kit_result res = {0};
        size_t mark = vault_mark();
        double s0 = now_ms();
        char why[sizeof res.got];
        (void)kit_take_error(why, sizeof why);
        sc[i].run(&k, &res);
        res.ms = now_ms() - s0;
        if (kit_take_error(why, sizeof why)) {
            res.status = KIT_ERROR;
            res.closed = false;
            snprintf(res.got, sizeof res.got, "%s", why);
        }
        vault_release(mark);
        if (report_add(&rp, &sc[i], &res) != 0) {
            fputs("kofu-conformance: out of memory\n", stderr);
            return 1;
        }
        report_line(stdout, &rp.e[rp.n - 1]);
        fflush(stdout);
    }
    rp.total_ms = now_ms() - t0;
    report_summary(stdout, &rp);
    int rc = 0;
    if (report_path && write_file(report_path, report_text, &rp) != 0)
        rc = 1;
    if (junit_path && write_file(junit_path, report_junit, &rp) != 0)
        rc = 1;
    size_t p, f, s;
    report_counts(&rp, &p, &f, &s);
    size_t closed = report_closed(&rp), errors = report_errors(&rp);
    report_free(&rp);
    if (k.have_config)
        center_config_free(&k.center);
    center_client_free(k.client);
    certificate_trust_free(&k.trust);
    fixture_free(&k.fx);
    wire_done();
    vault_destroy();
    return f || errors || rc ? 1 : closed ? 3 : 0;
}

/* ---- issuing through kofu's own client ----------------------------------------- */

int kit_issue(struct kit *k, const struct kenhojo_card_data *card, const char *municipality, enum center_kind kind,
              struct center_request *req, struct center_certificate **cert, struct center_call_info *info)
{
    kit_request(k, card, municipality, kind, req);
    memset(info, 0, sizeof *info);
    *cert = center_certificate_new();
    int rc = *cert ? center_request_certificate(k->client, req, *cert, info) : KOFU_E_NOMEM;
    if (rc == KOFU_E_NOMEM)
        kit_error("the kit ran out of memory issuing through kofu's client");
    return rc;
}

const char *kit_describe_rc(int rc, const struct center_call_info *info, char *buf, size_t cap)
{
    if (info->http_status)
        snprintf(buf, cap, "%ld (kofu: %s)", info->http_status, rc == KOFU_OK ? "accepted" : kofu_err_name(rc));
    else
        snprintf(buf, cap, "no HTTP answer (kofu: %s)", kofu_err_name(rc));
    return buf;
}

const struct kenhojo_card_data *kit_card(struct kit *k, struct kit_result *r, const char *label)
{
    const struct fixture_card *c = fixture_card(&k->fx, label);
    if (!c) {
        kit_skip(r, "the fixture has no card %s (conformance_fixture/cards/%s.json)", label, label);
        return NULL;
    }
    return c->data;
}
