/*
 * test_certificate.c — the checks between the center's answer and the
 * signed data (firmware/verify/certificate.h), and the page made from what
 * passed (firmware/kiosk/page.h).
 *
 * The answers are synthetic and built here: a SMART Health Card signed with
 * the test SHC issuer key and a VDS-NC seal signed by the test barcode
 * signer under the test CSCA (build/pki, `make pki`; $KOFU_BUILD/pki when
 * set), with the pinned trust loaded as the kiosk loads it (a JWKS file
 * whose kid is computed here, the CSCA PEM). A good answer is accepted
 * first; then each check is shown catching the one thing it is for:
 * issued_at, uvci, the display data against the signed doses (count, date,
 * CVX code, lot; overseas the seal's doses), another person in either
 * document, and refusals by the SHC or the seal themselves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <zlib.h>

#include "base/bytes.h"
#include "base/config.h"
#include "base/errors.h"
#include "base/jcs.h"
#include "base/vault.h"
#include "card/kenhojo.h"
#include "center/center.h"
#include "kiosk/page.h"
#include "verify/certificate.h"
#include "tests/lib/keys.h"
#include "tests/lib/tmp.h"

#define ISS "https://center.kofu.test/issuer"
#define CVX_SYSTEM "http://hl7.org/fhir/sid/cvx"
#define SP "\xE3\x80\x80" /* U+3000 */
#define CERT_ID "JP-131016-2026-000001"
#define NAME_ROMAN "YAMADA TARO"
#define PASSPORT "TZ1234567"
#define VAULT_BYTES (2 * 1024 * 1024)

static int64_t now;
static EVP_PKEY *shc_key, *vds_key;
static char *vds_cer; /* the barcode signer's certificate, base64url DER */
static const char *jwks_path; /* kt_temp_text's, removed in group_teardown */
static char shc_kid[44]; /* the issuer key's RFC 7638 thumbprint */
static struct certificate_trust trust;
static struct kenhojo_card_data *card;
static struct certificate_verified *ver;

/* ---- helpers: encoding and signing (OpenSSL, not firmware/base) ------------ */

static const char *pki(const char *name)
{
    static char path[512];
    const char *build = getenv("KOFU_BUILD") ? getenv("KOFU_BUILD") : "build";
    snprintf(path, sizeof path, "%s/pki/%s", build, name);
    return path;
}

static EVP_PKEY *load_key(const char *name) { return kt_load_key(pki(name)); }

/* ES256 in the JOSE form (raw r‖s), base64url: the seal's sigvl. */
static char *es256_b64(EVP_PKEY *k, const void *msg, size_t n)
{
    uint8_t raw[64];
    assert_true(kt_es256_sign(k, msg, n, raw, NULL, NULL));
    return kt_b64url(raw, sizeof raw);
}

/* The issuer's public key as a one-key JWKS file, its kid (RFC 7638) into
 * shc_kid for the cards' headers. */
static int write_jwks(EVP_PKEY *k)
{
    uint8_t pub[65], d[32];
    size_t len = 0;
    unsigned dl = 0;
    if (EVP_PKEY_get_octet_string_param(k, "pub", pub, sizeof pub, &len) != 1 || len != 65)
        return -1;
    char *x = kt_b64url(pub + 1, 32), *y = kt_b64url(pub + 33, 32), t[256], text[512];
    int n = snprintf(t, sizeof t, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x, y);
    EVP_Digest(t, (size_t)n, d, &dl, EVP_sha256(), NULL);
    char *kid = kt_b64url(d, 32);
    snprintf(shc_kid, sizeof shc_kid, "%s", kid);
    n = snprintf(text, sizeof text,
                 "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\",\"use\":\"sig\","
                 "\"alg\":\"ES256\"}]}",
                 x, y, kid);
    free(x);
    free(y);
    free(kid);
    if (n <= 0 || (size_t)n >= sizeof text)
        return -1;
    jwks_path = kt_temp_text("certificate-jwks", text);
    return 0;
}

/* ---- helpers: what the center signs and answers ---------------------------- */

/* One dose as all three documents describe it. */
struct dose {
    const char *date, *cvx, *lot;
};
static const struct dose DOSES[2] = {{"2021-06-01", "208", "FA1234"}, {"2021-06-22", "208", "FA5678"}};

/* The SHC: the Patient (family, given, birth date) and the doses, nbf given. */
static void sign_shc(char *out, size_t cap, const char *family, const char *birth, int64_t nbf,
                     const struct dose *d, size_t n)
{
    json_t *entry = json_array();
    json_array_append_new(entry, json_pack("{s:s, s:{s:s, s:[{s:s, s:[s]}], s:s}}", "fullUrl", "resource:0",
                                           "resource", "resourceType", "Patient", "name", "family", family, "given",
                                           "太郎", "birthDate", birth));
    for (size_t i = 0; i < n; i++) {
        char url[32];
        snprintf(url, sizeof url, "resource:%zu", i + 1);
        json_array_append_new(
            entry, json_pack("{s:s, s:{s:s, s:s, s:{s:[{s:s, s:s}]}, s:{s:s}, s:s, s:[{s:{s:s}}], s:s}}", "fullUrl",
                             url, "resource", "resourceType", "Immunization", "status", "completed", "vaccineCode",
                             "coding", "system", CVX_SYSTEM, "code", d[i].cvx, "patient", "reference", "resource:0",
                             "occurrenceDateTime", d[i].date, "performer", "actor", "display", "MHLW_Gov_of_JAPAN",
                             "lotNumber", d[i].lot));
    }
    json_t *p = json_pack("{s:s, s:I, s:{s:[s], s:{s:s, s:{s:s, s:s, s:o}}}}", "iss", ISS, "nbf", (json_int_t)nbf,
                          "vc", "type", "https://smarthealth.cards#health-card", "credentialSubject", "fhirVersion",
                          "4.0.1", "fhirBundle", "resourceType", "Bundle", "type", "collection", "entry", entry);
    assert_non_null(p);
    char *text = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    assert_non_null(text);
    uint8_t packed[4096];
    size_t plen;
    assert_true(kt_raw_deflate(text, strlen(text), packed, sizeof packed, &plen));
    free(text);
    char header[160];
    snprintf(header, sizeof header, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", shc_kid);
    char *jws = kt_jws_es256(shc_key, header, packed, plen);
    assert_non_null(jws);
    assert_true((size_t)snprintf(out, cap, "%s", jws) < cap);
    free(jws);
}

/* The seal: holder (name, passport) and doses, under uvci. */
static void sign_seal(char *out, size_t cap, const char *uvci, const char *name, const char *passport,
                      const struct dose *d, size_t n)
{
    json_t *vd = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(vd, json_pack("{s:s, s:i, s:s, s:s, s:s}", "dvc", d[i].date, "seq", (int)i + 1, "ctr",
                                            "JPN", "adm", "Chiyoda City", "lot", d[i].lot));
    json_t *data = json_pack("{s:{s:s, s:i, s:s}, s:{s:s, s:{s:s, s:s, s:s}, s:[{s:s, s:s, s:s, s:o}]}}", "hdr", "t",
                             "icao.vacc", "v", 1, "is", "JPN", "msg", "uvci", uvci, "pid", "n", name, "dob",
                             "1980-01-02", "i", passport, "ve", "des", "XM68M6", "nam", "Comirnaty", "dis", "RA01.0",
                             "vd", vd);
    assert_non_null(data);
    uint8_t canon[8192];
    kofu_bld bl;
    bld_init(&bl, canon, sizeof canon);
    assert_true(jcs_serialize(data, &bl));
    char *sigvl = es256_b64(vds_key, canon, bl.len);
    json_t *seal = json_pack("{s:o, s:{s:s, s:s, s:s}}", "data", data, "sig", "alg", "ES256", "cer", vds_cer,
                             "sigvl", sigvl);
    char *text = json_dumps(seal, JSON_COMPACT);
    assert_non_null(text);
    assert_true((size_t)snprintf(out, cap, "%s", text) < cap);
    free(text);
    free(sigvl);
    json_decref(seal);
}

/* The center's display entry for a dose. */
static void display_dose(struct center_dose *cd, const struct dose *d)
{
    memset(cd, 0, sizeof *cd);
    snprintf(cd->date, sizeof cd->date, "%s", d->date);
    snprintf(cd->cvx, sizeof cd->cvx, "%s", d->cvx);
    snprintf(cd->lot, sizeof cd->lot, "%s", d->lot);
    snprintf(cd->product_ja, sizeof cd->product_ja, "コミナティ筋注");
    snprintf(cd->product_en, sizeof cd->product_en, "Comirnaty");
    snprintf(cd->manufacturer_ja, sizeof cd->manufacturer_ja, "ファイザー");
    snprintf(cd->manufacturer_en, sizeof cd->manufacturer_en, "Pfizer");
    snprintf(cd->country, sizeof cd->country, "JPN");
    snprintf(cd->municipality, sizeof cd->municipality, "131016");
}

/* A good answer of the given kind for the card's holder; the display
 * entries listed in the reverse order of the signed ones (they are matched
 * by content, not by position). */
static struct center_certificate *answer(enum center_kind kind)
{
    struct center_certificate *c = center_certificate_new();
    assert_non_null(c);
    snprintf(c->certificate_id, sizeof c->certificate_id, CERT_ID);
    c->issued_at = now - 60;
    snprintf(c->issue_date, sizeof c->issue_date, "2026-11-27");
    snprintf(c->issuer.code, sizeof c->issuer.code, "131016");
    snprintf(c->issuer.name_ja, sizeof c->issuer.name_ja, "東京都千代田区");
    snprintf(c->issuer.name_en, sizeof c->issuer.name_en, "Chiyoda City, Tokyo");
    snprintf(c->mayor_ja, sizeof c->mayor_ja, "区長" SP "千代田" SP "一郎");
    snprintf(c->mayor_en, sizeof c->mayor_en, "Mayor Ichiro Chiyoda");
    c->kind = kind;
    sign_shc(c->jws, sizeof c->jws, "山田", "1980-01-02", c->issued_at, DOSES, 2);
    c->n_doses = 2;
    display_dose(&c->doses[0], &DOSES[1]);
    display_dose(&c->doses[1], &DOSES[0]);
    if (kind == CENTER_OVERSEAS) {
        snprintf(c->passport_number, sizeof c->passport_number, PASSPORT);
        snprintf(c->passport_nationality, sizeof c->passport_nationality, "JPN");
        snprintf(c->name_roman, sizeof c->name_roman, NAME_ROMAN);
        sign_seal(c->vds_seal, sizeof c->vds_seal, CERT_ID, NAME_ROMAN, PASSPORT, DOSES, 2);
    }
    return c;
}

/* Verify c for the card; the code, with the refusal in *why. */
static int verify(const struct center_certificate *c, struct certificate_refusal *why)
{
    memset(why, 0xa5, sizeof *why); /* an old value, to see it set */
    int rc = certificate_verify(c, card, &trust, now, ver, why);
    if (rc == KOFU_OK)
        assert_int_equal(why->why, CERTIFICATE_REASON_OK);
    else
        assert_int_not_equal(why->why, CERTIFICATE_REASON_OK);
    return rc;
}

/* A refusal by one of the certificate's own checks. */
static void expect_refused_by(const struct center_certificate *c, enum certificate_reason want)
{
    struct certificate_refusal why;
    assert_int_equal(verify(c, &why), KOFU_E_CERT_NOT_AUTHENTIC);
    assert_int_equal(why.why, want);
    assert_int_equal(why.shc, SHC_REASON_OK);
    assert_int_equal(why.vds, VDS_REASON_OK);
    /* Nothing of a refused answer can become a page. */
    struct kiosk_page *page = kiosk_page_new();
    assert_non_null(page);
    assert_int_equal(kiosk_page_fill(ver, page), KOFU_E_ARG);
}

/* ---- set-up -------------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    now = (int64_t)time(NULL);
    if (vault_init(VAULT_BYTES) != KOFU_OK)
        return -1;
    shc_key = load_key("shc-issuer.key.pem");
    vds_key = load_key("vds-signer.key.pem");
    FILE *f = fopen(pki("vds-signer.pem"), "r");
    if (!shc_key || !vds_key || !f) {
        fprintf(stderr, "test_certificate: no test PKI under %s (make pki)\n", pki(""));
        if (f)
            fclose(f);
        return -1;
    }
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    unsigned char *der = NULL;
    int dl = x ? i2d_X509(x, &der) : -1;
    X509_free(x);
    if (dl <= 0)
        return -1;
    vds_cer = kt_b64url(der, (size_t)dl);
    OPENSSL_free(der);
    if (write_jwks(shc_key) != 0)
        return -1;
    struct kofu_config cfg;
    config_defaults(&cfg);
    snprintf(cfg.shc_keyset_file, sizeof cfg.shc_keyset_file, "%s", jwks_path);
    snprintf(cfg.shc_issuers, sizeof cfg.shc_issuers, "%s", ISS);
    snprintf(cfg.vds_csca_file, sizeof cfg.vds_csca_file, "%s", pki("csca.pem"));
    char err[256];
    if (certificate_trust_load(&cfg, &trust, err, sizeof err) != KOFU_OK) {
        fprintf(stderr, "trust: %s\n", err);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    certificate_trust_free(&trust);
    kt_temp_files_remove();
    EVP_PKEY_free(shc_key);
    EVP_PKEY_free(vds_key);
    free(vds_cer);
    vault_destroy();
    return 0;
}

/* Each test: a fresh vault with the card that was read (synthetic). */
static int setup(void **state)
{
    (void)state;
    vault_wipe();
    card = vault_alloc(sizeof *card);
    ver = certificate_verified_new();
    if (!card || !ver)
        return -1;
    snprintf(card->attributes.name, sizeof card->attributes.name, "山田" SP "太郎");
    snprintf(card->attributes.birth_date, sizeof card->attributes.birth_date, "19800102");
    return 0;
}

/* ---- accepted answers, and the page made from them ------------------------------ */

static void test_domestic_accepted_and_paged(void **state)
{
    (void)state;
    struct center_certificate *c = answer(CENTER_DOMESTIC);
    struct certificate_refusal why;
    assert_int_equal(verify(c, &why), KOFU_OK);
    assert_string_equal(certificate_refusal_name(&why), "ok");
    assert_ptr_equal(ver->answer, c);
    assert_null(ver->vds);
    assert_int_equal(ver->n_doses, 2);
    /* Each signed dose tied to the display entry with its content. */
    assert_ptr_equal(ver->doses[0].shown, &c->doses[1]);
    assert_ptr_equal(ver->doses[1].shown, &c->doses[0]);
    assert_null(ver->doses[0].sealed);

    struct kiosk_page *page = kiosk_page_new();
    assert_non_null(page);
    assert_int_equal(kiosk_page_fill(ver, page), KOFU_OK);
    const struct document_data *d = &page->doc;
    assert_int_equal(d->kind, DOCUMENT_DOMESTIC);
    assert_string_equal(d->name, "山田" SP "太郎");
    assert_string_equal(d->birth_date, "1980-01-02");
    assert_int_equal(d->n_doses, 2);
    assert_string_equal(d->doses[0].date, DOSES[0].date);
    assert_string_equal(d->doses[0].lot, DOSES[0].lot);
    assert_string_equal(d->doses[1].lot, DOSES[1].lot);
    assert_string_equal(d->doses[0].product_en, "Comirnaty");
    assert_string_equal(d->doses[0].country_ja, "日本");
    assert_string_equal(d->certificate_id, CERT_ID);
    assert_string_equal(d->issuer_ja, "東京都千代田区");
    assert_ptr_equal(d->shc_jws, c->jws);
    assert_null(d->vds_seal);
    assert_null(d->name_roman);
    assert_true(vault_contains(page, sizeof *page));
}

static void test_overseas_accepted_and_paged(void **state)
{
    (void)state;
    struct center_certificate *c = answer(CENTER_OVERSEAS);
    struct certificate_refusal why;
    assert_int_equal(verify(c, &why), KOFU_OK);
    assert_non_null(ver->vds);
    assert_string_equal(ver->doses[0].sealed->lot, DOSES[0].lot);
    assert_string_equal(ver->doses[1].sealed->lot, DOSES[1].lot);
    struct kiosk_page *page = kiosk_page_new();
    assert_non_null(page);
    assert_int_equal(kiosk_page_fill(ver, page), KOFU_OK);
    assert_int_equal(page->doc.kind, DOCUMENT_OVERSEAS);
    assert_string_equal(page->doc.name_roman, NAME_ROMAN);
    assert_string_equal(page->doc.passport_number, PASSPORT);
    assert_string_equal(page->doc.nationality, "日本 / Japan");
    assert_string_equal(page->doc.doses[1].country_en, "Japan");
    assert_ptr_equal(page->doc.vds_seal, c->vds_seal);
}

/* ---- each tie between the answer and the signed data ---------------------------- */

static void test_issued_at(void **state)
{
    (void)state;
    struct center_certificate *c = answer(CENTER_DOMESTIC);
    c->issued_at += 1; /* the answer says another issue time than the card was signed with */
    expect_refused_by(c, CERTIFICATE_REASON_ISSUED_AT);
    c->issued_at -= 2;
    expect_refused_by(c, CERTIFICATE_REASON_ISSUED_AT);
    c->issued_at += 1;
    struct certificate_refusal why;
    assert_int_equal(verify(c, &why), KOFU_OK);
}

static void test_uvci(void **state)
{
    (void)state;
    struct center_certificate *c = answer(CENTER_OVERSEAS);
    /* A genuine seal issued under another certificate id. */
    sign_seal(c->vds_seal, sizeof c->vds_seal, "JP-131016-2026-000002", NAME_ROMAN, PASSPORT, DOSES, 2);
    expect_refused_by(c, CERTIFICATE_REASON_UVCI);
    /* And the answer's id changed under the right seal. */
    c = answer(CENTER_OVERSEAS);
    c->certificate_id[strlen(c->certificate_id) - 1] = '9';
    expect_refused_by(c, CERTIFICATE_REASON_UVCI);
}

static void test_display_mismatch(void **state)
{
    (void)state;
    struct center_certificate *c = answer(CENTER_DOMESTIC);
    snprintf(c->doses[0].lot, sizeof c->doses[0].lot, "FA5679"); /* a lot the card does not sign */
    expect_refused_by(c, CERTIFICATE_REASON_DISPLAY_MISMATCH);
    c = answer(CENTER_DOMESTIC);
    snprintf(c->doses[1].cvx, sizeof c->doses[1].cvx, "207"); /* another vaccine */
    expect_refused_by(c, CERTIFICATE_REASON_DISPLAY_MISMATCH);
    c = answer(CENTER_DOMESTIC);
    snprintf(c->doses[1].date, sizeof c->doses[1].date, "2021-06-02");
    expect_refused_by(c, CERTIFICATE_REASON_DISPLAY_MISMATCH);
    c = answer(CENTER_DOMESTIC);
    c->n_doses = 3; /* a dose shown that was never signed */
    display_dose(&c->doses[2], &(struct dose){"2022-01-10", "208", "FB0001"});
    expect_refused_by(c, CERTIFICATE_REASON_DISPLAY_MISMATCH);
    c = answer(CENTER_DOMESTIC);
    c->n_doses = 1; /* a signed dose left out */
    expect_refused_by(c, CERTIFICATE_REASON_DISPLAY_MISMATCH);
    c = answer(CENTER_DOMESTIC);
    display_dose(&c->doses[1], &DOSES[1]); /* one dose shown twice, the other not at all */
    expect_refused_by(c, CERTIFICATE_REASON_DISPLAY_MISMATCH);
    /* Overseas: a genuine seal whose doses are not the card's. */
    c = answer(CENTER_OVERSEAS);
    const struct dose other[2] = {DOSES[0], {"2021-06-22", "208", "FA0000"}};
    sign_seal(c->vds_seal, sizeof c->vds_seal, CERT_ID, NAME_ROMAN, PASSPORT, other, 2);
    expect_refused_by(c, CERTIFICATE_REASON_DISPLAY_MISMATCH);
}

/* ---- another person, and the documents' own refusals ---------------------------- */

static void test_another_person(void **state)
{
    (void)state;
    struct certificate_refusal why;
    struct center_certificate *c = answer(CENTER_DOMESTIC);
    sign_shc(c->jws, sizeof c->jws, "田中", "1980-01-02", c->issued_at, DOSES, 2);
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.why, CERTIFICATE_REASON_SHC);
    assert_int_equal(why.shc, SHC_REASON_OTHER_NAME);
    assert_string_equal(certificate_refusal_name(&why), "other-name");

    c = answer(CENTER_DOMESTIC);
    sign_shc(c->jws, sizeof c->jws, "山田", "1980-01-03", c->issued_at, DOSES, 2);
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.shc, SHC_REASON_OTHER_BIRTH_DATE);

    /* Overseas: the card's own SHC, but a seal about someone else. */
    c = answer(CENTER_OVERSEAS);
    sign_seal(c->vds_seal, sizeof c->vds_seal, CERT_ID, "TANAKA HANAKO", PASSPORT, DOSES, 2);
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.why, CERTIFICATE_REASON_VDS);
    assert_int_equal(why.vds, VDS_REASON_OTHER_NAME);
    assert_int_equal(why.shc, SHC_REASON_OK);

    c = answer(CENTER_OVERSEAS);
    sign_seal(c->vds_seal, sizeof c->vds_seal, CERT_ID, NAME_ROMAN, "TZ7654321", DOSES, 2);
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.vds, VDS_REASON_OTHER_DOCUMENT);
    assert_string_equal(certificate_refusal_name(&why), "other-document");

    /* The same card read for someone else. */
    c = answer(CENTER_DOMESTIC);
    snprintf(card->attributes.name, sizeof card->attributes.name, "山田" SP "花子");
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.shc, SHC_REASON_OTHER_NAME);
}

/* ---- the passport chip's data against the seal and the echo --------------------- */

/* The request carried the chip's data: what parse_certificate copies. */
static void chip(struct center_certificate *c, const char *name, const char *number, const char *nationality)
{
    c->chip_read = true;
    snprintf(c->chip_name_roman, sizeof c->chip_name_roman, "%s", name);
    snprintf(c->chip_number, sizeof c->chip_number, "%s", number);
    snprintf(c->chip_nationality, sizeof c->chip_nationality, "%s", nationality);
}

static void test_chip_matches(void **state)
{
    (void)state;
    struct certificate_refusal why;
    struct center_certificate *c = answer(CENTER_OVERSEAS);
    chip(c, NAME_ROMAN, PASSPORT, "JPN");
    assert_int_equal(verify(c, &why), KOFU_OK);
    struct kiosk_page *page = kiosk_page_new();
    assert_non_null(page);
    assert_int_equal(kiosk_page_fill(ver, page), KOFU_OK);
    assert_string_equal(page->doc.name_roman, NAME_ROMAN);
    assert_string_equal(page->doc.passport_number, PASSPORT);
}

/* A center that seals (and echoes) the passport registered earlier, not the
 * chip's: each agrees with the other, and both are refused. */
static void test_chip_not_the_sealed_passport(void **state)
{
    (void)state;
    struct certificate_refusal why;
    struct center_certificate *c = answer(CENTER_OVERSEAS);
    chip(c, "YAMADA TAROU", PASSPORT, "JPN"); /* the chip spells the name otherwise */
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.why, CERTIFICATE_REASON_VDS);
    assert_int_equal(why.vds, VDS_REASON_OTHER_NAME);

    c = answer(CENTER_OVERSEAS);
    chip(c, NAME_ROMAN, "TZ7654321", "JPN"); /* a new passport since the registration */
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.why, CERTIFICATE_REASON_VDS);
    assert_int_equal(why.vds, VDS_REASON_OTHER_DOCUMENT);
    assert_string_equal(certificate_refusal_name(&why), "other-document");
}

/* The seal is the chip's, but the answer's passport (which is printed
 * beside the seal) is not. */
static void test_chip_not_the_echo(void **state)
{
    (void)state;
    struct certificate_refusal why;
    struct center_certificate *c = answer(CENTER_OVERSEAS);
    chip(c, NAME_ROMAN, PASSPORT, "JPN");
    snprintf(c->name_roman, sizeof c->name_roman, "TANAKA HANAKO");
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.why, CERTIFICATE_REASON_PASSPORT);
    assert_string_equal(certificate_refusal_name(&why), "passport");
    struct kiosk_page *page = kiosk_page_new();
    assert_non_null(page);
    assert_int_equal(kiosk_page_fill(ver, page), KOFU_E_ARG);

    c = answer(CENTER_OVERSEAS);
    chip(c, NAME_ROMAN, PASSPORT, "JPN");
    snprintf(c->passport_number, sizeof c->passport_number, "TZ7654321");
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.why, CERTIFICATE_REASON_PASSPORT);

    c = answer(CENTER_OVERSEAS);
    chip(c, NAME_ROMAN, PASSPORT, "D");
    assert_int_equal(verify(c, &why), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.why, CERTIFICATE_REASON_PASSPORT);

    /* Without the chip's data the echo alone is what the seal is held to. */
    c = answer(CENTER_OVERSEAS);
    assert_false(c->chip_read);
    assert_int_equal(verify(c, &why), KOFU_OK);
}

static void test_documents_refused(void **state)
{
    (void)state;
    struct certificate_refusal why;
    struct center_certificate *c = answer(CENTER_DOMESTIC);
    size_t n = strlen(c->jws);
    c->jws[n - 3] = c->jws[n - 3] == 'A' ? 'B' : 'A'; /* the signature changed */
    assert_int_equal(verify(c, &why), KOFU_E_CERT_NOT_AUTHENTIC);
    assert_int_equal(why.why, CERTIFICATE_REASON_SHC);
    assert_int_equal(why.shc, SHC_REASON_SIGNATURE);
    assert_string_equal(certificate_refusal_name(&why), "signature");

    c = answer(CENTER_OVERSEAS);
    char *lot = strstr(c->vds_seal, "FA5678"); /* the signed data changed */
    assert_non_null(lot);
    lot[5] = '9';
    assert_int_equal(verify(c, &why), KOFU_E_CERT_NOT_AUTHENTIC);
    assert_int_equal(why.why, CERTIFICATE_REASON_VDS);
    assert_int_equal(why.vds, VDS_REASON_SIGNATURE);

    /* A card signed for a later time than the kiosk's clock allows. */
    c = answer(CENTER_DOMESTIC);
    c->issued_at = now + 3600;
    sign_shc(c->jws, sizeof c->jws, "山田", "1980-01-02", c->issued_at, DOSES, 2);
    assert_int_equal(verify(c, &why), KOFU_E_CERT_NOT_AUTHENTIC);
    assert_int_equal(why.shc, SHC_REASON_NOT_YET_VALID);
}

static void test_vault_full(void **state)
{
    (void)state;
    struct center_certificate *c = answer(CENTER_DOMESTIC);
    size_t mark = vault_mark();
    /* Room for less than the SHC verifier's scratch. */
    assert_non_null(vault_alloc(vault_size() - vault_used() - SHC_VERIFY_VAULT_BYTES / 2));
    struct certificate_refusal why;
    assert_int_equal(verify(c, &why), KOFU_E_NOMEM);
    assert_int_equal(why.why, CERTIFICATE_REASON_INTERNAL);
    vault_release(mark);
    assert_int_equal(verify(c, &why), KOFU_OK);
}

static void test_refusal_names(void **state)
{
    (void)state;
    const char *seen[CERTIFICATE_REASON__COUNT];
    for (int i = 0; i < CERTIFICATE_REASON__COUNT; i++) {
        struct certificate_refusal r = {(enum certificate_reason)i, SHC_REASON_KID_UNKNOWN, VDS_REASON_CERT_UNTRUSTED};
        seen[i] = certificate_refusal_name(&r);
        assert_non_null(seen[i]);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(seen[i], seen[k]);
    }
    assert_string_equal(seen[CERTIFICATE_REASON_SHC], "kid-unknown");
    assert_string_equal(seen[CERTIFICATE_REASON_VDS], "cert-untrusted");
    assert_string_equal(seen[CERTIFICATE_REASON_ISSUED_AT], "issued-at");
    assert_string_equal(seen[CERTIFICATE_REASON_UVCI], "uvci");
    assert_string_equal(seen[CERTIFICATE_REASON_DISPLAY_MISMATCH], "display-mismatch");
    assert_string_equal(seen[CERTIFICATE_REASON_PASSPORT], "passport");
    struct certificate_refusal bad = {CERTIFICATE_REASON__COUNT, SHC_REASON_OK, VDS_REASON_OK};
    assert_string_equal(certificate_refusal_name(&bad), "unknown");
    assert_string_equal(certificate_refusal_name(NULL), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_domestic_accepted_and_paged, setup),
        cmocka_unit_test_setup(test_overseas_accepted_and_paged, setup),
        cmocka_unit_test_setup(test_issued_at, setup),
        cmocka_unit_test_setup(test_uvci, setup),
        cmocka_unit_test_setup(test_display_mismatch, setup),
        cmocka_unit_test_setup(test_another_person, setup),
        cmocka_unit_test_setup(test_chip_matches, setup),
        cmocka_unit_test_setup(test_chip_not_the_sealed_passport, setup),
        cmocka_unit_test_setup(test_chip_not_the_echo, setup),
        cmocka_unit_test_setup(test_documents_refused, setup),
        cmocka_unit_test_setup(test_vault_full, setup),
        cmocka_unit_test(test_refusal_names),
    };
    return cmocka_run_group_tests_name("certificate: the answer tied to the signed data", tests, group_setup,
                                       group_teardown);
}
