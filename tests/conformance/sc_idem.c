/* sc_idem.c — the idempotency.* scenarios (docs/conformance.md): a
 * request_id names one request (docs/center-protocol.md §1 Retries). The
 * same request twice is what a kiosk's retry — or libcurl's immediate
 * re-send on a closed kept-alive connection — sends. */
#include "tests/conformance/kit.h"

#include "base/errors.h"
#include "base/vault.h"

#include <stdio.h>
#include <string.h>

#define SECTION "§1 Retries"

static const struct kenhojo_card_data *yamada_in(struct kit *k, struct kit_result *r, const char **code,
                                                 const char **other)
{
    const struct kenhojo_card_data *card = kit_card(k, r, "yamada");
    const json_t *res = card ? fixture_resident(&k->fx, card) : NULL;
    *code = *other = NULL;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(k->fx.records, "municipalities"), i, m) {
        struct fixture_dose d[1];
        const char *c = fixture_str(m, "code");
        if (!res || !json_is_true(json_object_get(m, "participating")) || !fixture_doses(&k->fx, res, c, d, 1))
            continue;
        if (!*code)
            *code = c;
        else if (!*other)
            *other = c;
    }
    if (card && !*code) {
        kit_skip(r, "the records give card yamada no participating municipality with doses");
        return NULL;
    }
    return card;
}

void sc_idempotency_same_request(struct kit *k, struct kit_result *r)
{
    if (kit_needs_open(k, r))
        return;
    const char *code, *other;
    const struct kenhojo_card_data *card = yamada_in(k, r, &code, &other);
    if (!card)
        return;
    struct center_request req;
    struct center_certificate *a, *b = center_certificate_new();
    struct center_call_info info;
    char got[200];
    int rc = kit_issue(k, card, code, CENTER_DOMESTIC, &req, &a, &info);
    if (rc != KOFU_OK)
        return (void)kit_fail(r, "§3", "200 with a certificate for card yamada (the first of two sends)", "%s",
                              kit_describe_rc(rc, &info, got, sizeof got));
    if (!b)
        return (void)kit_fail(r, SECTION, "-", "the kit ran out of vault memory");
    rc = center_request_certificate(k->client, &req, b, &info);
    if (rc != KOFU_OK)
        return (void)kit_fail(r, SECTION, "200 with the same certificate for the same request sent again",
                              "%s", kit_describe_rc(rc, &info, got, sizeof got));
    if (strcmp(a->certificate_id, b->certificate_id) != 0)
        return (void)kit_fail(r, SECTION, "the same certificate_id for the same request sent again (one certificate)",
                              "%s, then %s: the center issued twice", a->certificate_id, b->certificate_id);
    if (a->issued_at != b->issued_at)
        return (void)kit_fail(r, SECTION, "the same issued_at for the same request sent again",
                              "%lld, then %lld", (long long)a->issued_at, (long long)b->issued_at);
    const struct center_certificate *both[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        struct certificate_verified *v = certificate_verified_new();
        struct certificate_refusal why;
        rc = v ? certificate_verify(both[i], card, &k->trust, both[i]->issued_at, v, &why) : KOFU_E_NOMEM;
        if (rc != KOFU_OK)
            return (void)kit_fail(r, "§3 Success", "both answers verify (documents signed anew over the same content)",
                                  "answer %d refused: %s", i + 1, v ? certificate_refusal_name(&why) : "no memory");
    }
}

void sc_idempotency_different_request(struct kit *k, struct kit_result *r)
{
    if (kit_needs_open(k, r))
        return;
    const char *code, *other;
    const struct kenhojo_card_data *card = yamada_in(k, r, &code, &other);
    if (!card)
        return;
    if (!other)
        return kit_skip(r, "the records give card yamada only one participating municipality with doses");
    struct center_request req;
    struct center_certificate *a;
    struct center_call_info info;
    char got[300];
    int rc = kit_issue(k, card, code, CENTER_DOMESTIC, &req, &a, &info);
    if (rc != KOFU_OK)
        return (void)kit_fail(r, "§3", "200 with a certificate for card yamada (the first request)", "%s",
                              kit_describe_rc(rc, &info, got, sizeof got));
    struct center_request again = req;
    snprintf(again.municipality, sizeof again.municipality, "%s", other);
    json_t *body = kit_request_json(&again);
    struct wire_resp w;
    kit_post_json(k, CENTER_BASE_PATH "certificates", body, &w);
    json_decref(body);
    if (!w.answered || w.status != 400 || strcmp(w.error_code, "bad-request") != 0)
        kit_fail(r, SECTION, "400 bad-request for the same request_id with another municipality",
                 "%s", wire_describe(&w, got, sizeof got));
}
