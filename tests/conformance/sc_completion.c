/* sc_completion.c — the completion.* scenarios (docs/conformance.md): the
 * reports of docs/center-protocol.md §4, sent by kofu's own client after a
 * certificate it asked for, and the three reports a center refuses. */
#include "tests/conformance/kit.h"

#include "base/errors.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define SECTION "§4 Completion report"
#define COMPLETIONS CENTER_BASE_PATH "completions"

/* A certificate of `copies` copies for card yamada in its first
 * participating municipality with doses. */
static bool issued_copies(struct kit *k, struct kit_result *r, struct center_request *req,
                          struct center_certificate **c, int copies)
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
        kit_request(k, card, code, CENTER_DOMESTIC, req);
        req->copies = copies;
        memset(&info, 0, sizeof info);
        *c = center_certificate_new();
        int rc = *c ? center_request_certificate(k->client, req, *c, &info) : KOFU_E_NOMEM;
        if (rc == KOFU_E_NOMEM)
            kit_error("the kit ran out of memory issuing through kofu's client");
        if (rc == KOFU_OK)
            return true;
        return kit_fail(r, "§3", "200 with a certificate for card yamada (to report on)", "%s",
                        kit_describe_rc(rc, &info, got, sizeof got));
    }
    kit_skip(r, "the records give card yamada no participating municipality with doses");
    return false;
}

static bool issued(struct kit *k, struct kit_result *r, struct center_request *req, struct center_certificate **c)
{
    return issued_copies(k, r, req, c, 1);
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

/* The wrong amount must be wrong under every fee a center may accept for
 * an hour after a change (§4: the current one or the previous one), so it
 * is one that no whole fee per copy gives: 2 copies, an odd amount
 * (2 × fee + 1, never a multiple of 2). With max_copies 1 every amount is
 * some fee × 1, so that check is skipped. */
void sc_completion_refused(struct kit *k, struct kit_result *r)
{
    struct center_request req;
    struct center_certificate *c;
    bool two = k->have_config && k->center.max_copies >= 2;
    if (!issued_copies(k, r, &req, &c, two ? 2 : 1))
        return;
    if (!refused(k, r, req.request_id, c->certificate_id, "lost", 0, 0, "an unknown outcome (\"lost\")"))
        return;
    if (two && !refused(k, r, req.request_id, c->certificate_id, "printed", 2, 2 * fee(k) + 1,
                        "printed, 2 copies, amount_yen 2 x fee_per_copy_yen + 1 (odd: no fee per copy, current or "
                        "previous, gives it)"))
        return;
    if (!refused(k, r, req.request_id, "JP-000000-0000-0", "printed", 1, fee(k),
                 "printed naming another certificate_id than the one issued for the request_id"))
        return;
    if (!two)
        kit_skip(r, "max_copies is 1: every amount_yen is some fee x 1, so a wrong amount cannot be told from a "
                    "previous fee's (the other two reports were refused as they should be)");
}
