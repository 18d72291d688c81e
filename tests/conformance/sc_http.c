/* sc_http.c — the http.* scenarios (docs/conformance.md): routes, methods,
 * query strings, Content-Type and the Date header (docs/center-protocol.md
 * §1). */
#include "tests/conformance/kit.h"

#include "base/vault.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SECTION "§1 Transport"
#define DATE_SLACK_S 300

void sc_http_date_header(struct kit *k, struct kit_result *r)
{
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "config"};
    struct wire_resp a;
    char got[300];
    wire_call(k, &q, &a);
    if (!a.answered)
        return (void)kit_fail(r, SECTION, "200 with a Date header", "%s", wire_describe(&a, got, sizeof got));
    if (!a.date)
        return (void)kit_fail(r, SECTION, "a Date header (RFC 9110 form): kiosks check their clock against it",
                              "no Date header, or one that does not parse");
    long off = (long)(a.date - time(NULL));
    if (off > DATE_SLACK_S || off < -DATE_SLACK_S)
        kit_fail(r, SECTION, "Date within 5 minutes of the kit's clock", "Date %+ld s off the kit's clock", off);
}

static void expect_status(struct kit *k, struct kit_result *r, const struct wire_req *q, long status,
                          const char *code, const char *expected)
{
    struct wire_resp a;
    char got[300];
    wire_call(k, q, &a);
    if (!a.answered || a.status != status || (code && strcmp(a.error_code, code) != 0))
        kit_fail(r, SECTION, expected, "%s", wire_describe(&a, got, sizeof got));
}

void sc_http_not_found(struct kit *k, struct kit_result *r)
{
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "no-such-route"};
    expect_status(k, r, &q, 404, "not-found", "404 not-found for GET " CENTER_BASE_PATH "no-such-route");
}

void sc_http_method(struct kit *k, struct kit_result *r)
{
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "certificates"};
    struct wire_resp a;
    char got[300];
    wire_call(k, &q, &a);
    if (!a.answered || a.status != 405 || strcmp(a.error_code, "bad-request") != 0)
        return (void)kit_fail(r, SECTION, "405 bad-request for GET " CENTER_BASE_PATH "certificates", "%s",
                              wire_describe(&a, got, sizeof got));
    if (strcasecmp(a.allow, "POST") != 0)
        kit_fail(r, SECTION, "405 with the header Allow: POST", "Allow: %s", a.allow[0] ? a.allow : "(none)");
}

void sc_http_query_string(struct kit *k, struct kit_result *r)
{
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "config?x=1"};
    expect_status(k, r, &q, 400, "bad-request", "400 bad-request for GET " CENTER_BASE_PATH "config?x=1 (no query strings)");
}

/* A completion report for a request nobody made: 204 (§4 stores unknown
 * request_ids) when the type is right; the body is the same both times. */
void sc_http_content_type(struct kit *k, struct kit_result *r)
{
    struct center_request req;
    memset(&req, 0, sizeof req);
    center_request_new_id(&req);
    char body[200];
    int n = snprintf(body, sizeof body,
                     "{\"request_id\":\"%s\",\"certificate_id\":\"\",\"outcome\":\"failed\",\"copies_printed\":0,"
                     "\"amount_yen\":0}",
                     req.request_id);
    struct wire_req q = {.method = "POST", .path = CENTER_BASE_PATH "completions", .content_type = "text/plain",
                         .body = body, .body_len = (size_t)n};
    expect_status(k, r, &q, 400, "bad-request", "400 bad-request for a POST with Content-Type: text/plain");
    if (r->status == KIT_FAIL)
        return;
    q.content_type = "application/json; charset=utf-8";
    struct wire_resp a;
    char got[300];
    wire_call(k, &q, &a);
    if (!a.answered || (a.status != 204 && a.status != 200))
        kit_fail(r, SECTION, "204 for a failed report with certificate_id \"\" sent as application/json; "
                             "charset=utf-8 (parameters allowed, §1; \"\" with failed valid, §4)",
                 "%s", wire_describe(&a, got, sizeof got));
}

/* A well-formed certificate request whose only fault is that it names no
 * type: the center must not guess JSON (§1: "any other type, or none"). */
void sc_http_no_content_type(struct kit *k, struct kit_result *r)
{
    const struct kenhojo_card_data *card = kit_card(k, r, "yamada");
    if (!card)
        return;
    struct center_request req;
    kit_request(k, card, k->have_config && k->center.n_municipalities ? k->center.municipalities[0].code : "131016",
                CENTER_DOMESTIC, &req);
    json_t *body = kit_request_json(&req);
    size_t n = body ? json_dumpb(body, NULL, 0, JSON_COMPACT) : 0;
    char *text = n ? vault_alloc(n + 1) : NULL;
    if (!text || json_dumpb(body, text, n, JSON_COMPACT) != n) {
        json_decref(body);
        kit_error("the kit ran out of memory building a request body");
        return;
    }
    json_decref(body);
    struct wire_req q = {.method = "POST", .path = CENTER_BASE_PATH "certificates", .content_type = NULL, .body = text,
                         .body_len = n};
    expect_status(k, r, &q, 400, "bad-request",
                  "400 bad-request for POST " CENTER_BASE_PATH "certificates with no Content-Type (a well-formed request "
                  "otherwise)");
}
