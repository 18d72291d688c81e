/* sc_completion.c — the completion.* scenarios (docs/conformance.md): the
 * reports of docs/center-protocol.md §4, sent by kofu's own client after a
 * certificate it asked for, and the three reports a center refuses. */
#include "tests/conformance/kit.h"

#include "base/errors.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define SECTION "§4 Completion report"
#define COMPLETIONS "/kofu/v1/completions"

/* A certificate for card yamada in its first participating municipality
 * with doses. */
static bool issued(struct kit *k, struct kit_result *r, struct center_request *req, struct center_certificate **c)
{
    if (kit_needs_open(k, r))
        return false;
    const struct kenhojo_card_data *card = kit_card(k, r, "yamada");
    if (!card)
        return false;
    const json_t *res = fixture_resident(&k->fx, card);
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(k->fx.records, "municipalities"), i, m) {
        struct fixture_dose d[1];
        const char *code = fixture_str(m, "code");
        if (!res || !json_is_true(json_object_get(m, "participating")) || !fixture_doses(&k->fx, res, code, d, 1))
            continue;
        struct center_call_info info;
        char got[200];
        int rc = kit_issue(k, card, code, CENTER_DOMESTIC, req, c, &info);
        if (rc == KOFU_OK)
            return true;
        return kit_fail(r, "§3", "200 with a certificate for card yamada (to report on)", "%s",
                        kit_describe_rc(rc, &info, got, sizeof got));
    }
    kit_skip(r, "the records give card yamada no participating municipality with doses");
    return false;
}

static bool report(struct kit *k, struct kit_result *r, const char *request_id, const char *cert_id,
                   enum center_outcome o, int copies, int amount, const char *what)
{
    struct center_call_info info;
    char got[200], expected[300];
    int rc = center_report_completion(k->client, request_id, cert_id, o, copies, amount, &info);
    if (rc == KOFU_OK)
        return true;
    snprintf(expected, sizeof expected, "204 for %s", what);
    return kit_fail(r, SECTION, expected, "%s", kit_describe_rc(rc, &info, got, sizeof got));
}

static int fee(const struct kit *k) { return k->have_config ? k->center.fee_per_copy_yen : 0; }

void sc_completion_printed(struct kit *k, struct kit_result *r)
{
    struct center_request req;
    struct center_certificate *c;
    if (!issued(k, r, &req, &c))
        return;
    if (report(k, r, req.request_id, c->certificate_id, CENTER_PRINTED, 1, fee(k),
               "printed, 1 copy, amount_yen = fee_per_copy_yen"))
        report(k, r, req.request_id, c->certificate_id, CENTER_PRINTED, 1, fee(k),
               "the same printed report again (a retry: stored once)");
}

void sc_completion_refunded(struct kit *k, struct kit_result *r)
{
    struct center_request req;
    struct center_certificate *c;
    if (issued(k, r, &req, &c))
        report(k, r, req.request_id, c->certificate_id, CENTER_REFUNDED, 0, 0, "refunded, 0 copies, 0 yen");
}

void sc_completion_refund_owed(struct kit *k, struct kit_result *r)
{
    struct center_request req;
    struct center_certificate *c;
    if (!issued(k, r, &req, &c))
        return;
    if (report(k, r, req.request_id, c->certificate_id, CENTER_PRINTED, 1, fee(k), "printed, 1 copy"))
        report(k, r, req.request_id, c->certificate_id, CENTER_REFUND_OWED, 1, 380,
               "refund-owed after a good print: 1 copy printed, 380 yen of change owed");
}

void sc_completion_failed(struct kit *k, struct kit_result *r)
{
    if (kit_needs_open(k, r))
        return;
    const struct kenhojo_card_data *norecord = kit_card(k, r, "norecord");
    if (!norecord || k->center.n_municipalities < 1)
        return;
    /* A refused request: no certificate, so none to name. */
    struct center_request req;
    struct center_certificate *c;
    struct center_call_info info;
    kit_issue(k, norecord, k->center.municipalities[0].code, CENTER_DOMESTIC, &req, &c, &info);
    if (!report(k, r, req.request_id, "", CENTER_FAILED, 0, 0,
                "failed with certificate_id \"\" after a refused request"))
        return;
    /* An issued one whose certificate never reached the kiosk (its answer
     * lost): "" with failed is always valid. */
    if (issued(k, r, &req, &c))
        report(k, r, req.request_id, "", CENTER_FAILED, 0, 0,
               "failed with certificate_id \"\" after an issued request (the answer never reached the kiosk)");
}

static bool refused(struct kit *k, struct kit_result *r, const char *request_id, const char *cert_id,
                    const char *outcome, int copies, int amount, const char *what)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:i, s:i}", "request_id", request_id, "certificate_id", cert_id, "outcome",
                          outcome, "copies_printed", copies, "amount_yen", amount);
    struct wire_resp a;
    char got[300], expected[300];
    kit_post_json(k, COMPLETIONS, b, &a);
    json_decref(b);
    if (a.answered && a.status == 400 && !strcmp(a.error_code, "bad-request"))
        return true;
    snprintf(expected, sizeof expected, "400 bad-request for %s", what);
    return kit_fail(r, SECTION, expected, "%s", wire_describe(&a, got, sizeof got));
}

void sc_completion_refused(struct kit *k, struct kit_result *r)
{
    struct center_request req;
    struct center_certificate *c;
    if (!issued(k, r, &req, &c))
        return;
    if (!refused(k, r, req.request_id, c->certificate_id, "lost", 0, 0, "an unknown outcome (\"lost\")"))
        return;
    if (!refused(k, r, req.request_id, c->certificate_id, "printed", 1, fee(k) + 1,
                 "printed with amount_yen other than copies_printed x fee_per_copy_yen"))
        return;
    refused(k, r, req.request_id, "JP-000000-0000-0", "printed", 1, fee(k),
            "printed naming another certificate_id than the one issued for the request_id");
}
