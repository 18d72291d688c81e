/* sc_refuse.c — the refuse.* scenarios (docs/conformance.md): every
 * refusal of docs/center-protocol.md §3 a kiosk can provoke, each with its
 * status and code, and the order of the checks. Requests are the ones kofu's
 * client sends (kit_request_json), changed one fault at a time, sent over
 * the wire so that the status and code are both seen. */
#include "tests/conformance/kit.h"
#include "tests/conformance/chip.h"

#include "base/errors.h"
#include "base/kcrypto.h"
#include "base/vault.h"
#include "base/wipeheap.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define SECTION "§3 Errors"
#define CERTS CENTER_BASE_PATH "certificates"

/* POST body; expect status and code. `what` names the case (card label,
 * field), never a value. */
static bool expect(struct kit *k, struct kit_result *r, json_t *body, long status, const char *code,
                   const char *section, const char *what)
{
    struct wire_resp a;
    char got[300], expected[400];
    kit_post_json(k, CERTS, body, &a);
    json_decref(body);
    if (a.answered && a.status == status && !strcmp(a.error_code, code))
        return true;
    snprintf(expected, sizeof expected, "%ld %s for %s", status, code, what);
    return kit_fail(r, section, expected, "%s", wire_describe(&a, got, sizeof got));
}

static json_t *body_for(struct kit *k, const struct kenhojo_card_data *card, const char *code, enum center_kind kind)
{
    struct center_request req;
    kit_request(k, card, code, kind, &req);
    return kit_request_json(&req);
}

/* The first municipality of the records that matches: participating or
 * not, with or without doses of this resident (NULL: any). */
static const char *find_municipality(struct kit *k, bool participating, const json_t *resident, bool with_doses)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(k->fx.records, "municipalities"), i, m) {
        const char *code = fixture_str(m, "code");
        struct fixture_dose d[1];
        if (json_is_true(json_object_get(m, "participating")) != participating)
            continue;
        if (resident && (fixture_doses(&k->fx, resident, code, d, 1) > 0) != with_doses)
            continue;
        return code;
    }
    return NULL;
}

/* yamada and a participating municipality with its doses: the request
 * that would be issued, to change one thing in. */
static const struct kenhojo_card_data *base_card(struct kit *k, struct kit_result *r, const char **code)
{
    const struct kenhojo_card_data *card = kit_card(k, r, "yamada");
    const json_t *res = card ? fixture_resident(&k->fx, card) : NULL;
    *code = res ? find_municipality(k, true, res, true) : NULL;
    if (card && !*code) {
        kit_skip(r, "the records give card yamada no participating municipality with doses");
        return NULL;
    }
    return card;
}

void sc_refuse_no_record(struct kit *k, struct kit_result *r)
{
    if (kit_needs_open(k, r))
        return;
    const char *any = find_municipality(k, true, NULL, false);
    const struct kenhojo_card_data *norecord = kit_card(k, r, "norecord"), *blocked = kit_card(k, r, "blocked"),
                                   *yamada = kit_card(k, r, "yamada");
    if (!any || !norecord || !blocked || !yamada)
        return;
    if (!expect(k, r, body_for(k, norecord, any, CENTER_DOMESTIC), 404, "no-record", SECTION,
                "card norecord (a My Number the records do not have)"))
        return;
    if (!expect(k, r, body_for(k, blocked, any, CENTER_DOMESTIC), 404, "no-record", SECTION,
                "card blocked (a recorded My Number with another name and birth date: matching is on all three)"))
        return;
    const char *none = find_municipality(k, true, fixture_resident(&k->fx, yamada), false);
    if (none)
        expect(k, r, body_for(k, yamada, none, CENTER_DOMESTIC), 404, "no-record", SECTION,
               "card yamada in a participating municipality that recorded none of its doses");
}

/* A code with a valid check digit that the records do not list. */
static void unlisted_code(struct kit *k, char out[7])
{
    for (int n = 13999; n > 10000; n--) {
        int d[5], s = 0;
        for (int i = 4, v = n; i >= 0; i--, v /= 10)
            d[i] = v % 10;
        for (int i = 0; i < 5; i++)
            s += d[i] * (6 - i);
        int c = 11 - s % 11;
        c = c >= 10 ? c - 10 : c;
        char buf[32];
        snprintf(buf, sizeof buf, "%05d%d", n % 100000, c % 10);
        memcpy(out, buf, 7);
        if (!fixture_municipality(&k->fx, out))
            return;
    }
}

void sc_refuse_not_participating(struct kit *k, struct kit_result *r)
{
    if (kit_needs_open(k, r))
        return;
    const struct kenhojo_card_data *yamada = kit_card(k, r, "yamada");
    if (!yamada)
        return;
    const char *off = find_municipality(k, false, NULL, false);
    if (off && !expect(k, r, body_for(k, yamada, off, CENTER_DOMESTIC), 403, "municipality-not-participating",
                       SECTION, "card yamada in a municipality the records have as not participating"))
        return;
    char code[7];
    unlisted_code(k, code);
    char what[120];
    snprintf(what, sizeof what, "card yamada in %s, a valid code in no list", code);
    expect(k, r, body_for(k, yamada, code, CENTER_DOMESTIC), 403, "municipality-not-participating", SECTION, what);
}

void sc_refuse_passport_not_registered(struct kit *k, struct kit_result *r)
{
    if (kit_needs_open(k, r))
        return;
    const struct kenhojo_card_data *card = kit_card(k, r, "longname");
    const json_t *res = card ? fixture_resident(&k->fx, card) : NULL;
    const char *code = res ? find_municipality(k, true, res, true) : NULL;
    if (!card)
        return;
    if (!code || json_object_get(res, "passport"))
        return kit_skip(r, "the records give card longname no participating municipality with doses, or a passport");
    expect(k, r, body_for(k, card, code, CENTER_OVERSEAS), 404, "passport-not-registered", SECTION,
           "card longname overseas (no passport registered)");
}

/* The passport chip's birth date is not the card's: §3 "The passport chip",
 * check 7. The chip is consistent in itself (DG1 and the fields agree on
 * the other date); kofu's client, which refuses to send such a chip, is
 * handed a copy of the card whose parsed birth date is the chip's, while
 * the card files it sends are the card's own. */
void sc_refuse_passport_birth_date(struct kit *k, struct kit_result *r)
{
    if (kit_needs_open(k, r))
        return;
    const char *code;
    const struct kenhojo_card_data *card = base_card(k, r, &code);
    if (!card)
        return;
    size_t mark = vault_mark();
    struct kenhojo_card_data *as_sent = vault_alloc(sizeof *as_sent);
    char birth[9];
    snprintf(birth, sizeof birth, "%s", card->attributes.birth_date);
    memcpy(birth + 6, strcmp(birth + 6, "01") ? "01" : "02", 2); /* another day of the same month */
    struct mrtd_data *chip = kit_chip(&k->fx, card, birth);
    struct center_request req;
    char *text = NULL;
    size_t len = 0;
    json_t *body = NULL;
    if (as_sent && chip) {
        *as_sent = *card;
        memcpy(as_sent->attributes.birth_date, birth, sizeof birth);
        kit_request(k, as_sent, code, CENTER_OVERSEAS, &req);
        req.passport = chip;
        if (center_request_body(&req, &text, &len) == KOFU_OK)
            body = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    }
    if (!body)
        kit_error("the kit could not build its passport chip for card yamada");
    else
        expect(k, r, body, 400, "bad-request", "§3 The passport chip",
               "card yamada overseas with a passport chip whose birth date (in DG1 and birth_date alike) is not "
               "the card's");
    vault_release(mark);
}

/* ---- tampered cards ------------------------------------------------------------ */

enum tamper { T_MY_NUMBER, T_ATTRIBUTES, T_INTEGRITY_SIG, T_CV_SIG, T_CA_ID, T_RANDOM, T__COUNT };
static const char *const tamper_what[T__COUNT] = {
    "card yamada with another My Number in EF 0001 (valid check digit; DF31 no longer its hash)",
    "card yamada with one byte of EF 0002 changed (DF32 no longer its hash)",
    "card yamada with EF 0003's signature (DF33) changed",
    "card yamada with EF 0004's signature (5F37) changed",
    "card yamada with EF 0004 naming a card-CA key id nobody has",
    "card yamada's four files replaced by random bytes",
};

static bool tamper(const struct kenhojo_card_data *in, enum tamper t, struct kenhojo_card_data *d)
{
    memcpy(d, in, sizeof *d);
    struct kenhojo_file *f;
    switch (t) {
    case T_MY_NUMBER: {
        /* FF 10 0C and the 12 digits: another valid number. */
        f = &d->ef_my_number;
        if (f->len < 15)
            return false;
        char digits[13];
        memcpy(digits, f->bytes + 3, 12);
        digits[12] = '\0';
        for (char a = '0'; a <= '9'; a++) {
            for (char c = '0'; c <= '9'; c++) {
                digits[0] = a;
                digits[11] = c;
                if (memcmp(digits, f->bytes + 3, 12) != 0 && kenhojo_my_number_valid(digits)) {
                    memcpy(f->bytes + 3, digits, 12);
                    return true;
                }
            }
        }
        return false;
    }
    case T_ATTRIBUTES:
        f = &d->ef_attributes;
        f->bytes[f->len - 1] ^= 0x03; /* the sex digit: '1' <-> '2' */
        return true;
    case T_INTEGRITY_SIG:
        d->ef_integrity.bytes[d->ef_integrity.len - 1] ^= 0x01;
        return true;
    case T_CV_SIG:
        d->ef_cv_cert.bytes[d->ef_cv_cert.len - 1] ^= 0x01;
        return true;
    case T_CA_ID: {
        f = &d->ef_cv_cert;
        uint8_t *p = memmem(f->bytes, f->len, in->cv_cert.issuer_id, KENHOJO_KEY_ID_LEN);
        if (!p)
            return false;
        p[KENHOJO_KEY_ID_LEN - 1] ^= 0x5a;
        return true;
    }
    case T_RANDOM:
        return kcrypto_random(d->ef_my_number.bytes, d->ef_my_number.len) &&
               kcrypto_random(d->ef_attributes.bytes, d->ef_attributes.len) &&
               kcrypto_random(d->ef_integrity.bytes, d->ef_integrity.len) &&
               kcrypto_random(d->ef_cv_cert.bytes, d->ef_cv_cert.len);
    default:
        return false;
    }
}

void sc_refuse_card_not_authentic(struct kit *k, struct kit_result *r)
{
    if (kit_needs_open(k, r))
        return;
    const char *code;
    const struct kenhojo_card_data *card = base_card(k, r, &code);
    struct kenhojo_card_data *d = card ? kenhojo_card_data_new() : NULL;
    if (!d)
        return;
    for (int t = 0; t < T__COUNT; t++) {
        if (!tamper(card, (enum tamper)t, d))
            return (void)kit_fail(r, SECTION, tamper_what[t], "the kit could not make this card from the fixture's");
        if (!expect(k, r, body_for(k, d, code, CENTER_DOMESTIC), 403, "card-not-authentic", SECTION, tamper_what[t]))
            return;
    }
}

/* ---- malformed requests -------------------------------------------------------- */

static bool expect_raw(struct kit *k, struct kit_result *r, const char *text, const char *what)
{
    struct wire_req q = {.method = "POST", .path = CERTS, .content_type = "application/json", .body = text,
                         .body_len = strlen(text)};
    struct wire_resp a;
    char got[300], expected[300];
    wire_call(k, &q, &a);
    if (a.answered && a.status == 400 && !strcmp(a.error_code, "bad-request"))
        return true;
    snprintf(expected, sizeof expected, "400 bad-request for %s", what);
    return kit_fail(r, SECTION, expected, "%s", wire_describe(&a, got, sizeof got));
}

void sc_refuse_bad_request(struct kit *k, struct kit_result *r)
{
    const char *code;
    const struct kenhojo_card_data *card = base_card(k, r, &code);
    if (!card)
        return;
    if (!expect_raw(k, r, "{\"request_id\":", "a body that is not JSON"))
        return;
    /* A duplicate key: the valid body with "kind" given twice. */
    json_t *b = body_for(k, card, code, CENTER_DOMESTIC);
    char *text = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    if (!text)
        return (void)kit_fail(r, SECTION, "-", "the kit ran out of memory");
    size_t n = strlen(text) + 32;
    char *dup = vault_alloc(n);
    if (dup)
        snprintf(dup, n, "{\"kind\":\"domestic\",%s", text + 1);
    json_text_free(text);
    if (!dup || !expect_raw(k, r, dup, "a body with a member twice (\"kind\")"))
        return;
    struct {
        const char *what, *member, *sub;
        json_t *value; /* NULL: delete the member */
    } cases[] = {
        {"a missing member (kind)", "kind", NULL, NULL},
        {"an unknown member (extra)", "extra", NULL, json_integer(1)},
        {"copies of the wrong type (a string)", "copies", NULL, json_string("1")},
        {"card.my_number not base64", "card", "my_number", json_string("!!!!")},
        {"an empty card.attributes", "card", "attributes", json_string("")},
        {"a request_id that is not a UUID", "request_id", NULL, json_string("not-a-uuid")},
        {"a municipality with a wrong check digit", "municipality", NULL, NULL},
        {"an unknown kind", "kind", NULL, json_string("abroad")},
        {"copies 0", "copies", NULL, json_integer(0)},
        {"copies max_copies + 1", "copies", NULL, json_integer(k->have_config ? k->center.max_copies + 1 : 11)},
        {"an unknown language", "language", NULL, json_string("fr")},
        {"a terms_version that is not a version token", "terms_version", NULL, json_string("bad version!")},
    };
    size_t nc = sizeof cases / sizeof cases[0];
    /* The municipality: the same code with its check digit changed. */
    char bad_code[7];
    snprintf(bad_code, sizeof bad_code, "%.5s%c", code, code[5] == '9' ? '0' : code[5] + 1);
    cases[6].value = json_string(bad_code);
    size_t i = 0;
    for (; i < nc; i++) {
        json_t *body = body_for(k, card, code, CENTER_DOMESTIC);
        json_t *in = cases[i].sub ? json_object_get(body, cases[i].member) : body;
        const char *key = cases[i].sub ? cases[i].sub : cases[i].member;
        if (cases[i].value)
            json_object_set(in, key, cases[i].value);
        else
            json_object_del(in, key);
        if (!expect(k, r, body, 400, "bad-request", SECTION, cases[i].what))
            break;
    }
    for (i = 0; i < nc; i++)
        json_decref(cases[i].value);
}

void sc_refuse_too_large(struct kit *k, struct kit_result *r)
{
    size_t n = 64 * 1024 + 1;
    char *body = vault_alloc(n + 1);
    if (!body)
        return (void)kit_fail(r, "§1 Limits", "-", "the kit ran out of vault memory");
    /* {"pad":"xxxx…"} of exactly 64 KiB + 1 bytes */
    memset(body, 'x', n);
    memcpy(body, "{\"pad\":\"", 8);
    memcpy(body + n - 2, "\"}", 2);
    struct wire_req q = {.method = "POST", .path = CERTS, .content_type = "application/json", .body = body,
                         .body_len = n};
    struct wire_resp a;
    char got[300];
    wire_call(k, &q, &a);
    if (!a.answered || a.status != 413 || strcmp(a.error_code, "bad-request") != 0)
        kit_fail(r, "§1 Limits", "413 bad-request for a request body of 64 KiB + 1 bytes", "%s",
                 wire_describe(&a, got, sizeof got));
}

void sc_refuse_terms_outdated(struct kit *k, struct kit_result *r)
{
    const char *code;
    const struct kenhojo_card_data *card = base_card(k, r, &code);
    if (!card)
        return;
    if (!k->have_config)
        return kit_skip(r, "GET " CENTER_BASE_PATH "config failed: the current terms version is not known");
    json_t *b = body_for(k, card, code, CENTER_DOMESTIC);
    const char *old = strcmp(k->center.terms.version, "0.outdated") ? "0.outdated" : "0.outdated-2";
    json_object_set_new(b, "terms_version", json_string(old));
    expect(k, r, b, 409, "terms-outdated", SECTION, "card yamada with a well-formed terms version that is not current");
}

void sc_refuse_check_order(struct kit *k, struct kit_result *r)
{
    if (kit_needs_open(k, r))
        return;
    const char *code;
    const struct kenhojo_card_data *card = base_card(k, r, &code);
    const char *off = find_municipality(k, false, NULL, false);
    struct kenhojo_card_data *d = card ? kenhojo_card_data_new() : NULL;
    if (!d)
        return;
    if (!off)
        return kit_skip(r, "the records have no municipality that does not participate");
    if (!tamper(card, T_CV_SIG, d))
        return (void)kit_fail(r, SECTION, "-", "the kit could not tamper with card yamada");
    if (!expect(k, r, body_for(k, d, off, CENTER_DOMESTIC), 403, "municipality-not-participating",
                "§3 Errors (the order of the checks)",
                "a tampered card in a municipality that does not participate (participation is checked first)"))
        return;
    json_t *b = body_for(k, card, off, CENTER_DOMESTIC);
    json_object_set_new(b, "terms_version", json_string("0.outdated"));
    if (!expect(k, r, b, 409, "terms-outdated", "§3 Errors (the order of the checks)",
                "outdated terms in a municipality that does not participate (the terms are checked first)"))
        return;
    b = body_for(k, card, code, CENTER_DOMESTIC);
    json_object_set_new(b, "terms_version", json_string("0.outdated"));
    json_object_set_new(b, "copies", json_integer(0));
    expect(k, r, b, 400, "bad-request", "§3 Errors (the order of the checks)",
           "copies 0 with outdated terms (the request's shape is checked first)");
}

void sc_refuse_outside_hours(struct kit *k, struct kit_result *r)
{
    if (!k->have_config)
        return kit_skip(r, "GET " CENTER_BASE_PATH "config failed: the service hours are not known");
    if (k->open_now)
        return kit_skip(r, "the center is open now (its /config hours at its Date): run the kit while it is closed");
    const char *code;
    const struct kenhojo_card_data *card = base_card(k, r, &code);
    if (card)
        expect(k, r, body_for(k, card, code, CENTER_DOMESTIC), 403, "outside-service-hours", SECTION,
               "card yamada while /config's service hours say closed");
}
