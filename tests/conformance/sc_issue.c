/* sc_issue.c — the issue.* scenarios (docs/conformance.md): a certificate
 * for each fixture card in each participating municipality that has its
 * doses, asked for by kofu's own client and checked by kofu's own verifiers
 * against the pinned key set and CSCA, then against the fixture's records
 * (docs/center-protocol.md §3). */
#include "tests/conformance/kit.h"
#include "tests/conformance/chip.h"

#include "base/b64.h"
#include "base/errors.h"
#include "base/vault.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define SECTION "§3 Success"
#define PAYLOAD_MAX (64 * 1024)

/* The SHC's payload as JSON (the signature was checked by shc_verify). */
static json_t *shc_payload(const char *jws)
{
    const char *d1 = strchr(jws, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d2)
        return NULL;
    size_t n = (size_t)(d2 - d1 - 1), raw_len = 0;
    uint8_t *raw = vault_alloc(n), *out = vault_alloc(PAYLOAD_MAX);
    if (!raw || !out || !b64_decode(d1 + 1, n, raw, n, &raw_len, true))
        return NULL;
    z_stream z = {0};
    if (inflateInit2(&z, -15) != Z_OK)
        return NULL;
    z.next_in = raw;
    z.avail_in = (uInt)raw_len;
    z.next_out = out;
    z.avail_out = PAYLOAD_MAX;
    int zr = inflate(&z, Z_FINISH);
    size_t len = PAYLOAD_MAX - z.avail_out;
    inflateEnd(&z);
    return zr == Z_STREAM_END ? json_loadb((const char *)out, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
}

/* The SHC fields §3 states beyond what the verifier requires. */
static void check_shc_fields(struct kit_result *r, const char *label, const char *jws)
{
    char expected[300];
    json_t *p = shc_payload(jws);
    const json_t *bundle = json_object_get(json_object_get(json_object_get(p, "vc"), "credentialSubject"), "fhirBundle");
    const char *type = json_string_value(json_object_get(bundle, "type"));
    snprintf(expected, sizeof expected, "card %s: the SHC's bundle type \"collection\"", label);
    if (!type || strcmp(type, "collection") != 0)
        kit_fail(r, "§3 SMART Health Card", expected, "%s", type ? "another type" : "no type");
    if (json_object_get(p, "exp"))
        kit_fail(r, "§3 SMART Health Card", "no exp: the certificates have no validity period",
                 "card %s: an SHC with exp", label);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(bundle, "entry"), i, e) {
        const json_t *res = json_object_get(e, "resource");
        const char *rt = json_string_value(json_object_get(res, "resourceType"));
        const char *url = json_string_value(json_object_get(e, "fullUrl"));
        snprintf(expected, sizeof expected, "card %s: entry %zu: %s", label, i,
                 i == 0 ? "resource:0, the Patient" : "an Immunization with status completed");
        if (!rt || !url)
            kit_fail(r, "§3 SMART Health Card", expected, "no resourceType or fullUrl");
        else if (i == 0 && (strcmp(rt, "Patient") != 0 || strcmp(url, "resource:0") != 0))
            kit_fail(r, "§3 SMART Health Card", expected, "%s", rt);
        else if (i > 0 && (strcmp(rt, "Immunization") != 0 ||
                           strcmp(json_string_value(json_object_get(res, "status")) ?: "", "completed") != 0))
            kit_fail(r, "§3 SMART Health Card", expected, "%s", rt);
    }
    json_decref(p);
}

/* Everything a kiosk checks and what the fixture says, for one answer. */
static void check_certificate(struct kit *k, struct kit_result *r, const char *label,
                              const struct kenhojo_card_data *card, const struct center_request *req,
                              const struct center_certificate *c)
{
    char expected[400];
    struct certificate_verified *v = certificate_verified_new();
    struct certificate_refusal why;
    if (!v)
        return (void)kit_fail(r, SECTION, "-", "the kit ran out of vault memory");
    int rc = certificate_verify(c, card, &k->trust, c->issued_at, v, &why);
    snprintf(expected, sizeof expected, "card %s in %s (%s): documents kofu's verifiers accept under the pinned "
                                        "key set%s",
             label, req->municipality, req->kind == CENTER_OVERSEAS ? "overseas" : "domestic",
             req->kind == CENTER_OVERSEAS ? " and CSCA" : "");
    if (rc != KOFU_OK)
        return (void)kit_fail(r, req->passport && rc == KOFU_E_CERT_OTHER_PERSON ? "§3 The passport chip, VDS-NC"
                                                                                  : "§3 Success, §6 Keys",
                              expected, "refused: %s (%s)", certificate_refusal_name(&why), kofu_err_name(rc));
    const json_t *resident = fixture_resident(&k->fx, card);
    const json_t *m = fixture_municipality(&k->fx, req->municipality);
    struct fixture_dose want[CENTER_DOSES_MAX * 4];
    size_t n = fixture_doses(&k->fx, resident, req->municipality, want, sizeof want / sizeof want[0]);
    size_t first = n > CENTER_DOSES_MAX ? n - CENTER_DOSES_MAX : 0; /* the 10 latest */
    snprintf(expected, sizeof expected, "card %s in %s: %zu doses, the municipality's, in date order", label,
             req->municipality, n - first);
    if (c->n_doses != n - first)
        return (void)kit_fail(r, SECTION, expected, "%zu doses", c->n_doses);
    for (size_t i = 0; i < c->n_doses; i++) {
        const struct fixture_dose *w = &want[first + i];
        const struct center_dose *d = &c->doses[i];
        if (strcmp(d->date, w->date) || strcmp(d->cvx, w->cvx) || strcmp(d->lot, w->lot) ||
            strcmp(d->municipality, w->municipality) || strcmp(d->country, w->country))
            return (void)kit_fail(r, SECTION, expected,
                                  "dose %zu differs from the fixture's (date, cvx, lot, municipality or country)",
                                  i + 1);
    }
    const char *name_ja = fixture_str(m, "name_ja"), *name_en = fixture_str(m, "name_en");
    if (strcmp(c->issuer.name_ja, name_ja) || strcmp(c->issuer.name_en, name_en))
        return (void)kit_fail(r, SECTION, "issuer.name_ja and name_en as the fixture has them",
                              "other names for %s", req->municipality);
    if (strcmp(c->mayor_ja, fixture_str(m, "mayor_ja")) || strcmp(c->mayor_en, fixture_str(m, "mayor_en")))
        return (void)kit_fail(r, SECTION, "issuer.mayor_ja and mayor_en as the fixture has them",
                              "%s / %s for %s", c->mayor_ja, c->mayor_en, req->municipality);
    if (!strncmp(c->mayor_ja, name_ja, strlen(name_ja)) || strstr(c->mayor_en, name_en))
        return (void)kit_fail(r, SECTION, "mayor_ja / mayor_en: the title without the municipality's name (区長, Mayor)",
                              "%s / %s for %s (printed after the name, it would repeat it)", c->mayor_ja,
                              c->mayor_en, req->municipality);
    char jst[CENTER_DATE_LEN + 1];
    center_jst_date(c->issued_at, jst);
    if (strcmp(jst, c->issue_date) != 0)
        return (void)kit_fail(r, SECTION, "issue_date: the date of issued_at in Japan time (UTC+9)",
                              "issue_date %s for an issued_at on %s in Japan time", c->issue_date, jst);
    if (strlen(c->jws) > CENTER_JWS_MAX)
        return (void)kit_fail(r, "§1 Limits", "an SHC of at most 1195 characters (one QR code)", "%zu",
                              strlen(c->jws));
    check_shc_fields(r, label, c->jws);
    if (r->status == KIT_FAIL || req->kind != CENTER_OVERSEAS)
        return;
    const json_t *pp = json_object_get(resident, "passport");
    if (req->passport) {
        /* certificate_verify held the seal's pid and the echo to the chip; said again for the report. */
        if (strcmp(c->passport_number, KIT_CHIP_NUMBER) || strcmp(c->passport_nationality, "JPN") ||
            strcmp(c->name_roman, fixture_str(resident, "name_roman")))
            return (void)kit_fail(r, "§3 The passport chip",
                                  "passport.number, nationality and name_roman as the request's passport (the chip's)",
                                  "card %s: another passport or name_roman (the one registered?)", label);
    } else if (strcmp(c->passport_number, fixture_str(pp, "number")) ||
               strcmp(c->passport_nationality, fixture_str(pp, "nationality")) ||
               strcmp(c->name_roman, fixture_str(resident, "name_roman"))) {
        return (void)kit_fail(r, "§3 VDS-NC", "passport.number, nationality and name_roman as the fixture has them",
                              "card %s: another passport or name_roman", label);
    }
    const struct vds_document *s = v->vds;
    if (!s || s->n_doses != c->n_doses)
        return (void)kit_fail(r, "§3 VDS-NC", "a seal with one dose per dose of the certificate", "card %s: %zu",
                              label, s ? s->n_doses : 0);
    for (size_t i = 0; i < s->n_doses; i++) {
        const struct vds_dose *sd = &s->doses[i];
        const struct fixture_dose *w = NULL;
        for (size_t j = first; j < n && !w; j++)
            if (!strcmp(want[j].date, sd->date) && !strcmp(want[j].lot, sd->lot))
                w = &want[j];
        if (!w)
            return (void)kit_fail(r, "§3 VDS-NC", "each sealed dose one of the fixture's", "card %s: sealed dose %zu "
                                  "is not", label, i + 1);
        if (sd->seq != w->seq)
            return (void)kit_fail(r, "§3 VDS-NC", "seq: the dose's number in the resident's whole series (every "
                                  "municipality, by date)",
                                  "card %s in %s: sealed dose %zu has seq %d, the fixture's series %d", label,
                                  req->municipality, i + 1, sd->seq, w->seq);
        if (strcmp(sd->country, w->country))
            return (void)kit_fail(r, "§3 VDS-NC", "ctr: the country where the dose was given (the record's country, "
                                  "JPN by default)", "card %s: sealed dose %zu has ctr %s", label, i + 1, sd->country);
        if (strcmp(sd->adm, name_en))
            return (void)kit_fail(r, "§3 VDS-NC", "adm: name_en of the municipality that recorded the dose",
                                  "card %s: sealed dose %zu has adm \"%s\"", label, i + 1, sd->adm);
    }
}

/* Each participating municipality where the card's resident has doses;
 * with_chip: overseas with the kit's passport chip (chip.h), which needs no
 * passport registered. */
static void issue_card(struct kit *k, struct kit_result *r, const char *label, enum center_kind kind, bool with_chip)
{
    if (kit_needs_open(k, r))
        return;
    const struct kenhojo_card_data *card = kit_card(k, r, label);
    if (!card)
        return;
    const json_t *resident = fixture_resident(&k->fx, card);
    if (!resident)
        return kit_skip(r, "the records have no resident for card %s", label);
    size_t tried = 0, i;
    json_t *m;
    json_array_foreach(json_object_get(k->fx.records, "municipalities"), i, m) {
        const char *code = fixture_str(m, "code");
        struct fixture_dose d[1];
        if (!json_is_true(json_object_get(m, "participating")) || !fixture_doses(&k->fx, resident, code, d, 1))
            continue;
        if (kind == CENTER_OVERSEAS && !with_chip && !json_object_get(resident, "passport"))
            continue;
        tried++;
        struct center_request req;
        struct center_certificate *c;
        struct center_call_info info;
        size_t mark = vault_mark();
        int rc;
        if (with_chip) {
            struct mrtd_data *chip = kit_chip(&k->fx, card, NULL);
            c = center_certificate_new();
            kit_request(k, card, code, kind, &req);
            req.passport = chip;
            memset(&info, 0, sizeof info);
            rc = chip && c ? center_request_certificate(k->client, &req, c, &info) : KOFU_E_NOMEM;
            if (rc == KOFU_E_NOMEM)
                kit_error("the kit could not build its passport chip for card %s", label);
        } else {
            rc = kit_issue(k, card, code, kind, &req, &c, &info);
        }
        if (with_chip && rc == KOFU_E_CENTER_CARD_NOT_AUTHENTIC) {
            vault_release(mark);
            return kit_skip(r, "403 card-not-authentic: the center verifies EF.SOD (it may), and the kit's chip has "
                               "no genuine one");
        }
        if (rc != KOFU_OK) {
            char expected[200], got[200];
            snprintf(expected, sizeof expected, "200 with a certificate for card %s in %s (%s)", label, code,
                     kind == CENTER_OVERSEAS ? "overseas" : "domestic");
            kit_fail(r, "§3", expected, "%s", kit_describe_rc(rc, &info, got, sizeof got));
        } else {
            check_certificate(k, r, label, card, &req, c);
        }
        vault_release(mark);
        if (r->status == KIT_FAIL)
            return;
    }
    if (!tried)
        kit_skip(r, "the records give card %s no participating municipality with doses%s", label,
                 kind == CENTER_OVERSEAS ? " and a passport" : "");
}

void sc_issue_domestic_yamada(struct kit *k, struct kit_result *r) { issue_card(k, r, "yamada", CENTER_DOMESTIC, false); }
void sc_issue_domestic_longname(struct kit *k, struct kit_result *r) { issue_card(k, r, "longname", CENTER_DOMESTIC, false); }
void sc_issue_domestic_takahashi(struct kit *k, struct kit_result *r) { issue_card(k, r, "takahashi", CENTER_DOMESTIC, false); }
void sc_issue_domestic_gaiji(struct kit *k, struct kit_result *r) { issue_card(k, r, "gaiji", CENTER_DOMESTIC, false); }
void sc_issue_overseas_yamada(struct kit *k, struct kit_result *r) { issue_card(k, r, "yamada", CENTER_OVERSEAS, false); }
void sc_issue_overseas_chip_yamada(struct kit *k, struct kit_result *r) { issue_card(k, r, "yamada", CENTER_OVERSEAS, true); }
void sc_issue_overseas_chip_longname(struct kit *k, struct kit_result *r)
{
    issue_card(k, r, "longname", CENTER_OVERSEAS, true);
}
