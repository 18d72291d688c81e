/*
 * test_shc.c — SMART Health Card verification (firmware/verify/shc.h).
 *
 * Keys are made here with OpenSSL; cards are built by the helpers below
 * (FHIR payload with jansson, raw DEFLATE with zlib, ES256 with EVP, DER →
 * r‖s), independently of the code under test: the helpers encode base64url
 * with OpenSSL and compute RFC 7638 thumbprints themselves. Every refusal is
 * checked for its own reason, and for leaving the output zeroed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <zlib.h>

#include "base/errors.h"
#include "verify/shc.h"
#include "base/vault.h"
#include "base/clock.h"
#include "tests/lib/keys.h"
#include "tests/lib/tmp.h"
#include "ui/qr_numeric.h"

#define NOW ((int64_t)1795766400) /* 2026-11-27T00:00:00Z: the protocol's example issue time */
#define ISS "https://center.kofu.test/issuer"
#define OTHER_ISS "https://other.kofu.test/issuer"
#define HEALTH_CARD "https://smarthealth.cards#health-card"
#define CVX "http://hl7.org/fhir/sid/cvx"
#define SP "\xE3\x80\x80" /* U+3000 */
#define CARD_NAME "山田" SP "太郎"
#define CARD_BIRTH "19800102"
#define VAULT_BYTES (1024 * 1024)

static EVP_PKEY *issuer, *stranger;
static char issuer_x[44], issuer_y[44], issuer_kid[44], stranger_kid[44];
static shc_keyset *keys;
static const char *const ISSUERS[] = {ISS, OTHER_ISS};
static struct shc_trust trust;
static struct shc_card *card;
static const struct shc_person PERSON = {CARD_NAME, CARD_BIRTH};

/* ---- helpers: encoding, keys, signing --------------------------------- */

/* base64url without padding, with OpenSSL's encoder (not firmware/b64). */
static char *b64url(const uint8_t *p, size_t n)
{
    char *out = kt_b64url(p, n);
    assert_non_null(out);
    return out;
}

static void key_coords(EVP_PKEY *k, char x[44], char y[44])
{
    uint8_t pub[65];
    size_t len = 0;
    assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len), 1);
    assert_int_equal(len, 65);
    assert_int_equal(pub[0], 0x04);
    char *bx = b64url(pub + 1, 32), *by = b64url(pub + 33, 32);
    assert_int_equal(strlen(bx), 43);
    memcpy(x, bx, 44);
    memcpy(y, by, 44);
    free(bx);
    free(by);
}

/* RFC 7638 §3.2 for EC keys: the required members in order, no spaces. */
static void thumbprint(const char *x, const char *y, char out[44])
{
    char json[200];
    uint8_t d[32];
    unsigned int dl = 0;
    int n = snprintf(json, sizeof json, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x, y);
    assert_int_equal(EVP_Digest(json, (size_t)n, d, &dl, EVP_sha256(), NULL), 1);
    char *t = b64url(d, 32);
    memcpy(out, t, 44);
    free(t);
}

/* ES256 over msg: the raw r‖s JOSE form, and the DER form OpenSSL makes. */
static void sign(EVP_PKEY *k, const void *msg, size_t n, uint8_t raw[64], uint8_t der[80], size_t *der_len)
{
    assert_true(kt_es256_sign(k, msg, n, raw, der, der_len));
}

static uint8_t *deflate_to(const void *in, size_t n, int window_bits, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 16;
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

enum sig_form { SIG_RAW, SIG_DER, SIG_FLIP, SIG_SHORT };

/* header.payload.signature, the payload bytes given as they go on the wire. */
static char *build_jws(EVP_PKEY *k, const char *header, const uint8_t *body, size_t blen, enum sig_form form)
{
    char *h = b64url((const uint8_t *)header, strlen(header)), *p = b64url(body, blen);
    size_t il = strlen(h) + 1 + strlen(p);
    char *input = malloc(il + 1);
    assert_non_null(input);
    snprintf(input, il + 1, "%s.%s", h, p);
    uint8_t raw[64], der[80];
    size_t dl = 0;
    sign(k, input, il, raw, der, &dl);
    char *s;
    if (form == SIG_DER) {
        s = b64url(der, dl);
    } else {
        if (form == SIG_FLIP)
            raw[40] ^= 0x01;
        s = b64url(raw, form == SIG_SHORT ? 63 : 64);
    }
    char *jws = malloc(il + 1 + strlen(s) + 1);
    assert_non_null(jws);
    sprintf(jws, "%s.%s", input, s);
    free(h);
    free(p);
    free(s);
    free(input);
    return jws;
}

static char *header_with_kid(const char *kid)
{
    static char h[160];
    snprintf(h, sizeof h, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", kid);
    return h;
}

/* A card whose payload is the given JSON text, raw-deflated, signed by the issuer. */
static char *jws_of_text(const char *json)
{
    size_t cl = 0;
    uint8_t *c = deflate_to(json, strlen(json), -15, &cl);
    char *jws = build_jws(issuer, header_with_kid(issuer_kid), c, cl, SIG_RAW);
    free(c);
    return jws;
}

/* ---- helpers: the FHIR payload ---------------------------------------- */

static json_t *immunization_entry(int i, const char *date, const char *cvx, const char *lot)
{
    char url[32];
    snprintf(url, sizeof url, "resource:%d", i);
    json_t *e = json_pack("{s:s, s:{s:s, s:s, s:{s:[{s:s, s:s}]}, s:{s:s}, s:s, s:[{s:{s:s}}], s:s}}", "fullUrl",
                          url, "resource", "resourceType", "Immunization", "status", "completed", "vaccineCode",
                          "coding", "system", CVX, "code", cvx, "patient", "reference", "resource:0",
                          "occurrenceDateTime", date, "performer", "actor", "display", "MHLW_Gov_of_JAPAN",
                          "lotNumber", lot);
    assert_non_null(e);
    return e;
}

/* The card the center issues for 山田 太郎: one Patient, two doses. */
static json_t *payload_default(void)
{
    json_t *patient = json_pack("{s:s, s:{s:s, s:[{s:s, s:[s]}], s:s}}", "fullUrl", "resource:0", "resource",
                                "resourceType", "Patient", "name", "family", "山田", "given", "太郎", "birthDate",
                                "1980-01-02");
    json_t *p = json_pack("{s:s, s:I, s:{s:[s], s:{s:s, s:{s:s, s:s, s:[o, o, o]}}}}", "iss", ISS, "nbf",
                          (json_int_t)(NOW - 60), "vc", "type", HEALTH_CARD, "credentialSubject", "fhirVersion",
                          "4.0.1", "fhirBundle", "resourceType", "Bundle", "type", "collection", "entry", patient,
                          immunization_entry(1, "2021-06-01", "208", "FA1234"),
                          immunization_entry(2, "2021-06-22", "208", "FA5678"));
    assert_non_null(p);
    return p;
}

static json_t *entries(json_t *p)
{
    return json_object_get(
        json_object_get(json_object_get(json_object_get(p, "vc"), "credentialSubject"), "fhirBundle"), "entry");
}

static json_t *resource(json_t *p, size_t i) { return json_object_get(json_array_get(entries(p), i), "resource"); }

static json_t *name0(json_t *p) { return json_array_get(json_object_get(resource(p, 0), "name"), 0); }

/* Sign the payload (and drop it). */
static char *jws_of(json_t *p)
{
    char *text = json_dumps(p, JSON_COMPACT);
    assert_non_null(text);
    json_decref(p);
    char *jws = jws_of_text(text);
    free(text);
    return jws;
}

static bool card_is_zero(void)
{
    const uint8_t *b = (const uint8_t *)card;
    for (size_t i = 0; i < sizeof *card; i++)
        if (b[i])
            return false;
    return true;
}

/* Verify with the default trust and person; check the return code matches
 * the reason and a refusal leaves nothing behind. */
static enum shc_reason verify_as(const char *jws, const struct shc_person *person)
{
    enum shc_reason why = SHC_REASON__COUNT;
    size_t used = vault_used();
    int rc = shc_verify(jws, &trust, NOW, person, card, &why);
    assert_int_equal(vault_used(), used); /* the scratch went back */
    if (why == SHC_REASON_OK) {
        assert_int_equal(rc, KOFU_OK);
    } else {
        assert_int_equal(rc, KOFU_E_CENTER_RESPONSE);
        assert_true(card_is_zero());
    }
    return why;
}

static enum shc_reason verify(const char *jws) { return verify_as(jws, &PERSON); }

/* Sign and verify a payload; the reason. */
static enum shc_reason verify_payload(json_t *p)
{
    char *jws = jws_of(p);
    enum shc_reason r = verify(jws);
    free(jws);
    return r;
}

static char *jwks_one(const char *extra_members, const char *x, const char *y, const char *kid)
{
    static char buf[1024];
    snprintf(buf, sizeof buf, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\"%s]}",
             x, y, kid, extra_members);
    return buf;
}

/* ---- set-up ---------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    if (vault_init(VAULT_BYTES) != KOFU_OK)
        return -1;
    issuer = EVP_EC_gen("P-256");
    stranger = EVP_EC_gen("P-256");
    if (!issuer || !stranger)
        return -1;
    char sx[44], sy[44];
    key_coords(issuer, issuer_x, issuer_y);
    key_coords(stranger, sx, sy);
    thumbprint(issuer_x, issuer_y, issuer_kid);
    thumbprint(sx, sy, stranger_kid);
    /* The pinned set: the issuer's key as the center serves it. */
    const char *set = jwks_one(",\"use\":\"sig\",\"alg\":\"ES256\"}", issuer_x, issuer_y, issuer_kid);
    char err[200];
    if (shc_keyset_parse(set, strlen(set), &keys, err, sizeof err) != KOFU_OK)
        return -1;
    trust = (struct shc_trust){keys, ISSUERS, 2, SHC_CLOCK_SKEW};
    card = shc_card_new();
    return card ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    shc_keyset_free(keys);
    EVP_PKEY_free(issuer);
    EVP_PKEY_free(stranger);
    vault_destroy();
    return 0;
}

/* ---- the good card ------------------------------------------------------------ */

static void test_valid_domestic_card(void **state)
{
    (void)state;
    char *jws = jws_of(payload_default());
    enum shc_reason why = SHC_REASON__COUNT;
    assert_int_equal(shc_verify(jws, &trust, NOW, &PERSON, card, &why), KOFU_OK);
    assert_int_equal(why, SHC_REASON_OK);
    assert_true(vault_contains(card, sizeof *card));
    assert_string_equal(card->iss, ISS);
    assert_string_equal(card->kid, issuer_kid);
    assert_int_equal(card->nbf, NOW - 60);
    assert_false(card->has_exp);
    assert_string_equal(card->family, "山田");
    assert_string_equal(card->given, "太郎");
    assert_string_equal(card->birth_date, "1980-01-02");
    assert_int_equal(card->n_doses, 2);
    assert_string_equal(card->doses[0].date, "2021-06-01");
    assert_string_equal(card->doses[0].cvx, "208");
    assert_string_equal(card->doses[0].lot, "FA1234");
    assert_string_equal(card->doses[0].performer, "MHLW_Gov_of_JAPAN");
    assert_string_equal(card->doses[1].date, "2021-06-22");
    assert_string_equal(card->doses[1].lot, "FA5678");
    free(jws);
}

static void test_fractional_nbf_exp_and_two_given_names(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_object_set_new(p, "nbf", json_real((double)NOW - 0.344));
    json_object_set_new(p, "exp", json_real((double)NOW + 86400.5));
    json_array_append_new(json_object_get(name0(p), "given"), json_string("花子"));
    const struct shc_person two = {"山田" SP "太郎" SP "花子", CARD_BIRTH};
    char *jws = jws_of(p);
    assert_int_equal(verify_as(jws, &two), SHC_REASON_OK);
    assert_int_equal(card->nbf, NOW - 1);
    assert_true(card->has_exp);
    assert_int_equal(card->exp, NOW + 86400);
    assert_string_equal(card->given, "太郎" SP "花子");
    /* The same card is not about 山田 太郎 alone. */
    assert_int_equal(verify(jws), SHC_REASON_OTHER_NAME);
    free(jws);
}

static void test_family_name_only(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_object_del(name0(p), "given");
    json_object_set_new(name0(p), "family", json_string("SMITH JOHN"));
    const struct shc_person one = {"SMITH JOHN", CARD_BIRTH};
    char *jws = jws_of(p);
    assert_int_equal(verify_as(jws, &one), SHC_REASON_OK);
    assert_string_equal(card->given, "");
    const struct shc_person trailing = {"SMITH JOHN" SP, CARD_BIRTH};
    assert_int_equal(verify_as(jws, &trailing), SHC_REASON_OK);
    /* the same letters split into family and given are another name */
    const struct shc_person split = {"SMITH" SP "JOHN", CARD_BIRTH};
    assert_int_equal(verify_as(jws, &split), SHC_REASON_OTHER_NAME);
    free(jws);
}

static void test_extra_codings_and_types_ignored(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_t *coding = json_object_get(json_object_get(resource(p, 1), "vaccineCode"), "coding");
    json_array_insert_new(coding, 0, json_pack("{s:s, s:s}", "system", "http://snomed.info/sct", "code", "28531000087107"));
    json_array_append_new(json_object_get(json_object_get(p, "vc"), "type"),
                          json_string("https://smarthealth.cards#immunization"));
    assert_int_equal(verify_payload(p), SHC_REASON_OK);
    assert_string_equal(card->doses[0].cvx, "208");
}

static void test_ten_doses_fit(void **state)
{
    (void)state;
    json_t *p = payload_default();
    for (int i = 3; i <= 10; i++)
        json_array_append_new(entries(p), immunization_entry(i, "2022-01-01", "207", "LOT"));
    assert_int_equal(verify_payload(p), SHC_REASON_OK);
    assert_int_equal(card->n_doses, 10);
}


/* ---- tampering and signatures ------------------------------------------------- */

/* The payload's compact JSON (drops p). */
static char *text_of(json_t *p)
{
    char *text = json_dumps(p, JSON_COMPACT);
    assert_non_null(text);
    json_decref(p);
    return text;
}

/* A card from JSON text with every knob: the DEFLATE framing (window_bits
 * as deflateInit2 takes it), bytes appended after the stream, the key,
 * the header and the signature form. */
static char *jws_custom(const char *json, size_t json_len, int window_bits, const char *trailer, EVP_PKEY *k,
                        const char *header, enum sig_form form)
{
    size_t cl = 0, tl = trailer ? strlen(trailer) : 0;
    uint8_t *c = deflate_to(json, json_len, window_bits, &cl);
    uint8_t *body = malloc(cl + tl);
    assert_non_null(body);
    memcpy(body, c, cl);
    if (tl)
        memcpy(body + cl, trailer, tl);
    char *jws = build_jws(k, header, body, cl + tl, form);
    free(c);
    free(body);
    return jws;
}

static enum shc_reason verify_custom(json_t *p, int window_bits, const char *trailer, EVP_PKEY *k,
                                     const char *header, enum sig_form form)
{
    char *text = text_of(p);
    char *jws = jws_custom(text, strlen(text), window_bits, trailer, k, header, form);
    enum shc_reason r = verify(jws);
    free(jws);
    free(text);
    return r;
}

/* Replace the base64url part `which` (0..2) of a JWS with the encoding of bytes. */
static char *replace_part(const char *jws, int which, const uint8_t *bytes, size_t n)
{
    char *enc = b64url(bytes, n);
    const char *d1 = strchr(jws, '.'), *d2 = strchr(d1 + 1, '.');
    size_t cap = strlen(jws) + strlen(enc) + 4;
    char *out = malloc(cap);
    assert_non_null(out);
    if (which == 0)
        snprintf(out, cap, "%s%s", enc, d1);
    else if (which == 1)
        snprintf(out, cap, "%.*s.%s%s", (int)(d1 - jws), jws, enc, d2);
    else
        snprintf(out, cap, "%.*s.%s", (int)(d2 - jws), jws, enc);
    free(enc);
    return out;
}

/* Decode part `which` of a JWS with OpenSSL (padding restored). */
static uint8_t *part_bytes(const char *jws, int which, size_t *n)
{
    const char *start = jws;
    for (int i = 0; i < which; i++)
        start = strchr(start, '.') + 1;
    const char *end = strchr(start, '.');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    char *std = malloc(len + 4);
    assert_non_null(std);
    for (size_t i = 0; i < len; i++)
        std[i] = start[i] == '-' ? '+' : start[i] == '_' ? '/' : start[i];
    size_t pad = (4 - len % 4) % 4;
    memset(std + len, '=', pad);
    uint8_t *out = malloc(len + 4);
    assert_non_null(out);
    int got = EVP_DecodeBlock(out, (unsigned char *)std, (int)(len + pad));
    assert_true(got >= 0);
    *n = (size_t)got - pad;
    free(std);
    return out;
}

static void test_tampered_payload_one_bit(void **state)
{
    (void)state;
    char *jws = jws_of(payload_default());
    size_t n = 0;
    uint8_t *c = part_bytes(jws, 1, &n);
    for (size_t bit = 0; bit < 8; bit += 3) {
        c[n / 2] ^= (uint8_t)(1u << bit);
        char *bad = replace_part(jws, 1, c, n);
        assert_int_equal(verify(bad), SHC_REASON_SIGNATURE);
        free(bad);
        c[n / 2] ^= (uint8_t)(1u << bit);
    }
    /* Untouched, the same parts pass: the change was the only fault. */
    char *same = replace_part(jws, 1, c, n);
    assert_int_equal(verify(same), SHC_REASON_OK);
    free(same);
    free(c);
    free(jws);
}

static void test_tampered_signature(void **state)
{
    (void)state;
    assert_int_equal(verify_custom(payload_default(), -15, NULL, issuer, header_with_kid(issuer_kid), SIG_FLIP),
                     SHC_REASON_SIGNATURE);
    /* One card's content under another card's signature. */
    json_t *p = payload_default();
    json_object_set_new(resource(p, 1), "lotNumber", json_string("FA9999"));
    char *a = jws_of(p), *b = jws_of(payload_default());
    strcpy(strrchr(a, '.'), strrchr(b, '.'));
    assert_int_equal(verify(a), SHC_REASON_SIGNATURE);
    free(a);
    free(b);
    /* Signed by a stranger under the issuer's kid. */
    assert_int_equal(verify_custom(payload_default(), -15, NULL, stranger, header_with_kid(issuer_kid), SIG_RAW),
                     SHC_REASON_SIGNATURE);
}

static void test_der_signature_refused(void **state)
{
    (void)state;
    assert_int_equal(verify_custom(payload_default(), -15, NULL, issuer, header_with_kid(issuer_kid), SIG_DER),
                     SHC_REASON_SIGNATURE_FORM);
    assert_int_equal(verify_custom(payload_default(), -15, NULL, issuer, header_with_kid(issuer_kid), SIG_SHORT),
                     SHC_REASON_SIGNATURE_FORM);
}

static void test_signature_scalars_out_of_range(void **state)
{
    (void)state;
    static const uint8_t n[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                                  0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
                                  0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
    char *jws = jws_of(payload_default());
    size_t sl = 0;
    uint8_t *sig = part_bytes(jws, 2, &sl);
    assert_int_equal(sl, 64);
    uint8_t bad[65];
    struct {
        int which; /* 0: r, 1: s */
        int kind;  /* 0: zero, 1: n, 2: all ones */
    } cases[] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0, 2}, {1, 2}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(bad, sig, 64);
        uint8_t *v = bad + 32 * cases[i].which;
        if (cases[i].kind == 0)
            memset(v, 0, 32);
        else if (cases[i].kind == 1)
            memcpy(v, n, 32);
        else
            memset(v, 0xFF, 32);
        char *t = replace_part(jws, 2, bad, 64);
        assert_int_equal(verify(t), SHC_REASON_SIGNATURE_FORM);
        free(t);
    }
    /* 65 bytes: the right value with a zero byte in front is still refused. */
    bad[0] = 0;
    memcpy(bad + 1, sig, 64);
    char *t = replace_part(jws, 2, bad, 65);
    assert_int_equal(verify(t), SHC_REASON_SIGNATURE_FORM);
    free(t);
    free(sig);
    free(jws);
}

static void test_es256_helper(void **state)
{
    (void)state;
    static const char msg[] = "kofu";
    uint8_t raw[64];
    sign(issuer, msg, 4, raw, NULL, NULL);
    assert_int_equal(shc_es256_verify(issuer, (const uint8_t *)msg, 4, raw, 64), KOFU_OK);
    assert_int_equal(shc_es256_verify(stranger, (const uint8_t *)msg, 4, raw, 64), KOFU_E_NOT_AUTHENTIC);
    assert_int_equal(shc_es256_verify(issuer, (const uint8_t *)"kofU", 4, raw, 64), KOFU_E_NOT_AUTHENTIC);
    assert_int_equal(shc_es256_verify(issuer, (const uint8_t *)msg, 4, raw, 63), KOFU_E_ARG);
    assert_int_equal(shc_es256_verify(NULL, (const uint8_t *)msg, 4, raw, 64), KOFU_E_ARG);
    assert_true(shc_key_is_p256(issuer));
    EVP_PKEY *p384 = EVP_EC_gen("P-384"), *rsa = EVP_RSA_gen(2048);
    assert_non_null(p384);
    assert_non_null(rsa);
    assert_false(shc_key_is_p256(p384));
    assert_false(shc_key_is_p256(rsa));
    assert_false(shc_key_is_p256(NULL));
    EVP_PKEY_free(p384);
    EVP_PKEY_free(rsa);
}

/* ---- the header and the key ----------------------------------------------------- */

static enum shc_reason verify_header(const char *header)
{
    return verify_custom(payload_default(), -15, NULL, issuer, header, SIG_RAW);
}

static void test_header_checks(void **state)
{
    (void)state;
    char h[256];
    assert_int_equal(verify_header("{\"zip\":\"DEF\",\"alg\":\"ES256\"}"), SHC_REASON_HEADER_KID);
    snprintf(h, sizeof h, "{\"zip\":\"DEF\",\"alg\":\"ES384\",\"kid\":\"%s\"}", issuer_kid);
    assert_int_equal(verify_header(h), SHC_REASON_HEADER_ALG);
    snprintf(h, sizeof h, "{\"zip\":\"DEF\",\"alg\":\"none\",\"kid\":\"%s\"}", issuer_kid);
    assert_int_equal(verify_header(h), SHC_REASON_HEADER_ALG);
    snprintf(h, sizeof h, "{\"zip\":\"DEF\",\"kid\":\"%s\"}", issuer_kid);
    assert_int_equal(verify_header(h), SHC_REASON_HEADER_ALG);
    snprintf(h, sizeof h, "{\"alg\":\"ES256\",\"kid\":\"%s\"}", issuer_kid);
    assert_int_equal(verify_header(h), SHC_REASON_HEADER_ZIP);
    snprintf(h, sizeof h, "{\"zip\":\"GZIP\",\"alg\":\"ES256\",\"kid\":\"%s\"}", issuer_kid);
    assert_int_equal(verify_header(h), SHC_REASON_HEADER_ZIP);
    snprintf(h, sizeof h, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\",\"crit\":[\"exp\"]}", issuer_kid);
    assert_int_equal(verify_header(h), SHC_REASON_HEADER_CRIT);
    snprintf(h, sizeof h, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"alg\":\"ES256\",\"kid\":\"%s\"}", issuer_kid);
    assert_int_equal(verify_header(h), SHC_REASON_HEADER_JSON);
    assert_int_equal(verify_header("[\"ES256\"]"), SHC_REASON_HEADER_JSON);
    assert_int_equal(verify_header("{\"zip\":\"DEF\""), SHC_REASON_HEADER_JSON);
    assert_int_equal(verify_header("{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":42}"), SHC_REASON_HEADER_KID);
    assert_int_equal(verify_header("{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"key-1\"}"), SHC_REASON_HEADER_KID);
    /* A header with a member kofu does not use still works (typ). */
    snprintf(h, sizeof h, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\",\"typ\":\"JWT\"}", issuer_kid);
    assert_int_equal(verify_header(h), SHC_REASON_OK);
}

static void test_unknown_kid(void **state)
{
    (void)state;
    /* A good card from a key the kiosk does not pin. */
    assert_int_equal(verify_custom(payload_default(), -15, NULL, stranger, header_with_kid(stranger_kid), SIG_RAW),
                     SHC_REASON_KID_UNKNOWN);
}

static void test_jws_shape(void **state)
{
    (void)state;
    char *jws = jws_of(payload_default());
    size_t n = strlen(jws);
    char *buf = malloc(n + 8);
    assert_non_null(buf);
    const char *d1 = strchr(jws, '.');
    assert_int_equal(verify(""), SHC_REASON_JWS_FORM);
    assert_int_equal(verify("abc"), SHC_REASON_JWS_FORM);
    assert_int_equal(verify("a.b"), SHC_REASON_JWS_FORM);
    assert_int_equal(verify(".."), SHC_REASON_JWS_FORM);
    /* a fourth part */
    snprintf(buf, n + 8, "%s.AA", jws);
    assert_int_equal(verify(buf), SHC_REASON_JWS_FORM);
    /* an empty payload */
    snprintf(buf, n + 8, "%.*s.%s", (int)(d1 - jws), jws, strchr(d1 + 1, '.'));
    assert_int_equal(verify(buf), SHC_REASON_JWS_FORM);
    /* padding, white space, standard base64 characters */
    snprintf(buf, n + 8, "%s==", jws);
    assert_int_equal(verify(buf), SHC_REASON_JWS_FORM);
    snprintf(buf, n + 8, "%s\n", jws);
    assert_int_equal(verify(buf), SHC_REASON_JWS_FORM);
    snprintf(buf, n + 8, " %s", jws);
    assert_int_equal(verify(buf), SHC_REASON_JWS_FORM);
    strcpy(buf, jws);
    buf[5] = '+';
    assert_int_equal(verify(buf), SHC_REASON_JWS_FORM);
    /* The header's last character with unused bits set: a second spelling,
     * which the strict decoder refuses. The header is 79 bytes (the kid is
     * 43 characters): 106 characters, the last one carrying 4 unused bits. */
    size_t hl = (size_t)(d1 - jws);
    assert_int_equal(hl, 106);
    strcpy(buf, jws);
    buf[hl - 1] = (char)(buf[hl - 1] == 'A' ? 'B' : buf[hl - 1] ^ 1);
    assert_int_equal(verify(buf), SHC_REASON_JWS_FORM);
    free(buf);
    free(jws);
    /* Longer than the verifier reads. */
    char *big = malloc(SHC_JWS_INPUT_MAX + 2);
    assert_non_null(big);
    memset(big, 'A', SHC_JWS_INPUT_MAX + 1);
    big[10] = '.';
    big[20] = '.';
    big[SHC_JWS_INPUT_MAX + 1] = '\0';
    assert_int_equal(verify(big), SHC_REASON_JWS_FORM);
    free(big);
}

/* ---- the key set ------------------------------------------------------------------ */

static int load_text(const char *text, shc_keyset **ks, char *err, size_t errlen)
{
    int rc = shc_keyset_load(kt_temp_text("shc", text), ks, err, errlen);
    kt_temp_files_remove();
    return rc;
}

static void expect_keyset_refused(const char *text, const char *err_part)
{
    shc_keyset *ks = (shc_keyset *)(uintptr_t)1;
    char err[256] = "";
    assert_int_equal(load_text(text, &ks, err, sizeof err), KOFU_E_CONFIG);
    assert_null(ks);
    if (!strstr(err, err_part))
        fail_msg("error \"%s\" does not say \"%s\"", err, err_part);
}

static void test_keyset_load(void **state)
{
    (void)state;
    shc_keyset *ks = NULL;
    char err[256] = "";
    /* As the center serves it, with members kofu ignores. */
    char text[1024];
    snprintf(text, sizeof text,
             "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"ES256\",\"crv\":\"P-256\","
             "\"x\":\"%s\",\"y\":\"%s\",\"crlVersion\":1,\"x5c\":[\"MIIB\"]}],\"extra\":true}",
             issuer_kid, issuer_x, issuer_y);
    assert_int_equal(load_text(text, &ks, err, sizeof err), KOFU_OK);
    assert_int_equal(shc_keyset_count(ks), 1);
    assert_string_equal(shc_keyset_kid(ks, 0), issuer_kid);
    assert_null(shc_keyset_kid(ks, 1));
    shc_keyset_free(ks);
    /* Two keys; use and alg are optional. */
    char sx[44], sy[44];
    key_coords(stranger, sx, sy);
    snprintf(text, sizeof text,
             "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\"},"
             "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\"}]}",
             issuer_x, issuer_y, issuer_kid, sx, sy, stranger_kid);
    assert_int_equal(shc_keyset_parse(text, strlen(text), &ks, err, sizeof err), KOFU_OK);
    assert_int_equal(shc_keyset_count(ks), 2);
    /* With both pinned, the stranger's card now gets past the key. */
    struct shc_trust both = {ks, ISSUERS, 2, SHC_CLOCK_SKEW};
    char *t = text_of(payload_default());
    char *jws = jws_custom(t, strlen(t), -15, NULL, stranger, header_with_kid(stranger_kid), SIG_RAW);
    enum shc_reason why;
    assert_int_equal(shc_verify(jws, &both, NOW, &PERSON, card, &why), KOFU_OK);
    assert_string_equal(card->kid, stranger_kid);
    free(jws);
    free(t);
    shc_keyset_free(ks);
}

/* The spec's example issuer key (smart-on-fhir/health-cards, examples/issuer/
 * .well-known/jwks.json): its kid is the published thumbprint of x and y. */
#define SPEC_KID "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s"
#define SPEC_X "11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw"
#define SPEC_Y "eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8"
#define SPEC_ISS "https://spec.smarthealth.cards/examples/issuer"

static void test_keyset_thumbprint_known_answer(void **state)
{
    (void)state;
    char tp[44];
    thumbprint(SPEC_X, SPEC_Y, tp);
    assert_string_equal(tp, SPEC_KID); /* the test's own helper agrees with the spec */
    shc_keyset *ks = NULL;
    char err[256];
    const char *text = jwks_one(",\"use\":\"sig\",\"alg\":\"ES256\"}", SPEC_X, SPEC_Y, SPEC_KID);
    assert_int_equal(shc_keyset_parse(text, strlen(text), &ks, err, sizeof err), KOFU_OK);
    assert_string_equal(shc_keyset_kid(ks, 0), SPEC_KID);
    shc_keyset_free(ks);
    /* One character off. */
    expect_keyset_refused(jwks_one("}", SPEC_X, SPEC_Y, "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9t"),
                          "thumbprint");
}

static void test_keyset_refusals(void **state)
{
    (void)state;
    char sx[44], sy[44], text[2048];
    key_coords(stranger, sx, sy);
    /* kid of another key */
    expect_keyset_refused(jwks_one("}", issuer_x, issuer_y, stranger_kid), "thumbprint");
    /* no kid */
    snprintf(text, sizeof text, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}",
             issuer_x, issuer_y);
    expect_keyset_refused(text, "no kid");
    /* a private key */
    expect_keyset_refused(jwks_one(",\"d\":\"FvOOk6hMixJ2o9zt4PCfan_UW7i4aOEnzj76ZaCI9Og\"}", issuer_x, issuer_y,
                                   issuer_kid),
                          "private");
    expect_keyset_refused(jwks_one(",\"use\":\"enc\"}", issuer_x, issuer_y, issuer_kid), "use");
    expect_keyset_refused(jwks_one(",\"alg\":\"ES384\"}", issuer_x, issuer_y, issuer_kid), "alg");
    expect_keyset_refused(jwks_one(",\"use\":1}", issuer_x, issuer_y, issuer_kid), "use");
    snprintf(text, sizeof text, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\"}]}",
             issuer_x, issuer_y, issuer_kid);
    expect_keyset_refused(text, "P-256");
    snprintf(text, sizeof text, "{\"keys\":[{\"kty\":\"RSA\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\"}]}",
             issuer_x, issuer_y, issuer_kid);
    expect_keyset_refused(text, "P-256");
    /* coordinates that are not 32 bytes, or not strictly encoded */
    char shortx[44];
    memcpy(shortx, issuer_x, 44);
    shortx[42] = '\0';
    expect_keyset_refused(jwks_one("}", shortx, issuer_y, issuer_kid), "x and y");
    char loose[46];
    snprintf(loose, sizeof loose, "%s=", issuer_x);
    expect_keyset_refused(jwks_one("}", loose, issuer_y, issuer_kid), "x and y");
    /* a point off the curve, with a kid that matches it */
    char offy[44], offkid[44];
    memcpy(offy, issuer_y, 44);
    offy[10] = offy[10] == 'A' ? 'B' : 'A';
    thumbprint(issuer_x, offy, offkid);
    expect_keyset_refused(jwks_one("}", issuer_x, offy, offkid), "not a point on P-256");
    /* the same key twice */
    snprintf(text, sizeof text,
             "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\"},"
             "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\"}]}",
             issuer_x, issuer_y, issuer_kid, issuer_x, issuer_y, issuer_kid);
    expect_keyset_refused(text, "repeats");
    /* a repeated member */
    snprintf(text, sizeof text,
             "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\"}]}",
             sx, issuer_x, issuer_y, issuer_kid);
    expect_keyset_refused(text, "not JSON");
    expect_keyset_refused("{\"keys\":[]}", "keys");
    expect_keyset_refused("{\"keys\":{}}", "keys");
    expect_keyset_refused("[]", "not a JSON object");
    expect_keyset_refused("", "not JSON");
    expect_keyset_refused("{\"keys\":[42]}", "not an object");
    /* more keys than a set may hold */
    size_t off = (size_t)snprintf(text, sizeof text, "{\"keys\":[");
    for (int i = 0; i <= SHC_KEYSET_MAX; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "%s{}", i ? "," : "");
    snprintf(text + off, sizeof text - off, "]}");
    expect_keyset_refused(text, "keys");
    /* no file; too large a file */
    shc_keyset *ks = NULL;
    char err[256];
    assert_int_equal(shc_keyset_load("/nonexistent/kofu/jwks.json", &ks, err, sizeof err), KOFU_E_CONFIG);
    assert_null(ks);
    char *huge = malloc(SHC_KEYSET_FILE_MAX + 2);
    assert_non_null(huge);
    memset(huge, ' ', SHC_KEYSET_FILE_MAX + 1);
    huge[SHC_KEYSET_FILE_MAX + 1] = '\0';
    const char *set = jwks_one("}", issuer_x, issuer_y, issuer_kid);
    memcpy(huge, set, strlen(set)); /* valid JSON, then too much white space */
    expect_keyset_refused(huge, "larger");
    free(huge);
    assert_int_equal(shc_keyset_load(NULL, NULL, NULL, 0), KOFU_E_ARG);
}

/* ---- the payload: DEFLATE ------------------------------------------------------------- */

static void test_deflate_bomb_stops_at_cap(void **state)
{
    (void)state;
    size_t n = 10 * 1024 * 1024;
    char *zeros = calloc(1, n);
    assert_non_null(zeros);
    char *jws = jws_custom(zeros, n, -15, NULL, issuer, header_with_kid(issuer_kid), SIG_RAW);
    free(zeros);
    assert_true(strlen(jws) < SHC_JWS_INPUT_MAX); /* correctly signed and within reach */
    double t0 = kofu_mono_ms_f();
    assert_int_equal(verify(jws), SHC_REASON_PAYLOAD_TOO_LARGE);
    double ms = kofu_mono_ms_f() - t0;
    assert_true(ms < 1000); /* stopped at the cap, not after 10 MB */
    free(jws);
}

/* A valid payload padded with JSON white space to exactly `size` bytes. */
static enum shc_reason verify_padded(size_t size)
{
    char *text = text_of(payload_default());
    size_t tl = strlen(text);
    char *padded = malloc(size + 1);
    assert_non_null(padded);
    memcpy(padded, text, tl);
    memset(padded + tl, ' ', size - tl);
    padded[size] = '\0';
    char *jws = jws_custom(padded, size, -15, NULL, issuer, header_with_kid(issuer_kid), SIG_RAW);
    enum shc_reason r = verify(jws);
    free(jws);
    free(padded);
    free(text);
    return r;
}

static void test_payload_cap_boundary(void **state)
{
    (void)state;
    assert_int_equal(verify_padded(SHC_PAYLOAD_MAX), SHC_REASON_OK);
    assert_int_equal(verify_padded(SHC_PAYLOAD_MAX + 1), SHC_REASON_PAYLOAD_TOO_LARGE);
}

static void test_zlib_and_gzip_wrapping_refused(void **state)
{
    (void)state;
    assert_int_equal(verify_custom(payload_default(), 15, NULL, issuer, header_with_kid(issuer_kid), SIG_RAW),
                     SHC_REASON_DEFLATE);
    assert_int_equal(verify_custom(payload_default(), 31, NULL, issuer, header_with_kid(issuer_kid), SIG_RAW),
                     SHC_REASON_DEFLATE);
}

static void test_trailing_garbage_refused(void **state)
{
    (void)state;
    assert_int_equal(verify_custom(payload_default(), -15, "X", issuer, header_with_kid(issuer_kid), SIG_RAW),
                     SHC_REASON_DEFLATE_TRAILING);
    /* a second, complete stream after the first */
    char *t = text_of(payload_default());
    size_t cl = 0;
    uint8_t *c = deflate_to("{}", 2, -15, &cl);
    char *trailer = calloc(1, cl + 1);
    memcpy(trailer, c, cl);
    if (strlen(trailer) == cl) { /* no NUL inside, so it can go as a string */
        char *jws = jws_custom(t, strlen(t), -15, trailer, issuer, header_with_kid(issuer_kid), SIG_RAW);
        assert_int_equal(verify(jws), SHC_REASON_DEFLATE_TRAILING);
        free(jws);
    }
    free(trailer);
    free(c);
    free(t);
}

static void test_truncated_and_corrupt_deflate(void **state)
{
    (void)state;
    char *t = text_of(payload_default());
    size_t cl = 0;
    uint8_t *c = deflate_to(t, strlen(t), -15, &cl);
    char *jws = build_jws(issuer, header_with_kid(issuer_kid), c, cl - 3, SIG_RAW);
    assert_int_equal(verify(jws), SHC_REASON_DEFLATE);
    free(jws);
    /* a reserved block type (BTYPE 11) */
    uint8_t reserved[4] = {0x07, 0x00, 0x00, 0x00};
    jws = build_jws(issuer, header_with_kid(issuer_kid), reserved, sizeof reserved, SIG_RAW);
    assert_int_equal(verify(jws), SHC_REASON_DEFLATE);
    free(jws);
    /* not compressed at all */
    jws = build_jws(issuer, header_with_kid(issuer_kid), (const uint8_t *)t, strlen(t), SIG_RAW);
    assert_int_equal(verify(jws), SHC_REASON_DEFLATE);
    free(jws);
    free(c);
    free(t);
}

/* ---- the payload: JSON and claims ---------------------------------------------------------- */

static void test_payload_json(void **state)
{
    (void)state;
    char *t = text_of(payload_default());
    /* a repeated member: a second iss in front */
    char *dup = malloc(strlen(t) + 64);
    assert_non_null(dup);
    sprintf(dup, "{\"iss\":\"" OTHER_ISS "\",%s", t + 1);
    char *jws = jws_of_text(dup);
    assert_int_equal(verify(jws), SHC_REASON_PAYLOAD_JSON);
    free(jws);
    /* deeper down: a repeated family name */
    char *fam = strstr(t, "\"family\"");
    assert_non_null(fam);
    sprintf(dup, "%.*s\"family\":\"田中\",%s", (int)(fam - t), t, fam);
    jws = jws_of_text(dup);
    assert_int_equal(verify(jws), SHC_REASON_PAYLOAD_JSON);
    free(jws);
    free(dup);
    const char *bad[] = {"[]", "\"iss\"", "{", "{\"iss\":\"" ISS "\"} {}", "{\"iss\":\"\\u0000\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jws = jws_of_text(bad[i]);
        assert_int_equal(verify(jws), SHC_REASON_PAYLOAD_JSON);
        free(jws);
    }
    free(t);
}

static void test_iss(void **state)
{
    (void)state;
    const char *form[] = {"http://center.kofu.test/issuer", ISS "/", "https://", "https:///x", "center.kofu.test",
                          "https://center.kofu.test/issuer?x", "https://center .kofu.test"};
    for (size_t i = 0; i < sizeof form / sizeof form[0]; i++) {
        json_t *p = payload_default();
        json_object_set_new(p, "iss", json_string(form[i]));
        assert_int_equal(verify_payload(p), SHC_REASON_ISS_FORM);
    }
    json_t *p = payload_default();
    json_object_del(p, "iss");
    assert_int_equal(verify_payload(p), SHC_REASON_ISS_FORM);
    p = payload_default();
    json_object_set_new(p, "iss", json_integer(1));
    assert_int_equal(verify_payload(p), SHC_REASON_ISS_FORM);
    p = payload_default();
    json_object_set_new(p, "iss", json_string("https://evil.example/issuer"));
    assert_int_equal(verify_payload(p), SHC_REASON_ISS_NOT_ALLOWED);
    p = payload_default();
    json_object_set_new(p, "iss", json_string("https://CENTER.kofu.test/issuer"));
    assert_int_equal(verify_payload(p), SHC_REASON_ISS_NOT_ALLOWED);
    /* the second allowed issuer */
    p = payload_default();
    json_object_set_new(p, "iss", json_string(OTHER_ISS));
    assert_int_equal(verify_payload(p), SHC_REASON_OK);
    assert_string_equal(card->iss, OTHER_ISS);
    /* an empty allow list trusts nobody */
    struct shc_trust none = {keys, NULL, 0, SHC_CLOCK_SKEW};
    char *jws = jws_of(payload_default());
    enum shc_reason why;
    assert_int_equal(shc_verify(jws, &none, NOW, &PERSON, card, &why), KOFU_E_CENTER_RESPONSE);
    assert_int_equal(why, SHC_REASON_ISS_NOT_ALLOWED);
    free(jws);
}

static void test_nbf(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_object_set_new(p, "nbf", json_integer(NOW + SHC_CLOCK_SKEW + 1));
    assert_int_equal(verify_payload(p), SHC_REASON_NOT_YET_VALID);
    p = payload_default();
    json_object_set_new(p, "nbf", json_real((double)NOW + SHC_CLOCK_SKEW + 0.5));
    assert_int_equal(verify_payload(p), SHC_REASON_NOT_YET_VALID);
    p = payload_default();
    json_object_set_new(p, "nbf", json_integer(NOW + 86400 * 365));
    assert_int_equal(verify_payload(p), SHC_REASON_NOT_YET_VALID);
    /* within the clock skew */
    p = payload_default();
    json_object_set_new(p, "nbf", json_integer(NOW + SHC_CLOCK_SKEW));
    assert_int_equal(verify_payload(p), SHC_REASON_OK);
    /* not a number, or absent */
    p = payload_default();
    json_object_set_new(p, "nbf", json_string("1795766400"));
    assert_int_equal(verify_payload(p), SHC_REASON_TIME_FORM);
    p = payload_default();
    json_object_del(p, "nbf");
    assert_int_equal(verify_payload(p), SHC_REASON_TIME_FORM);
    p = payload_default();
    json_object_set_new(p, "nbf", json_integer(-5));
    assert_int_equal(verify_payload(p), SHC_REASON_TIME_FORM);
    p = payload_default();
    json_object_set_new(p, "nbf", json_real(1e300));
    assert_int_equal(verify_payload(p), SHC_REASON_TIME_FORM);
}

static void test_exp(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_object_set_new(p, "exp", json_integer(NOW - 1));
    assert_int_equal(verify_payload(p), SHC_REASON_EXPIRED);
    p = payload_default();
    json_object_set_new(p, "exp", json_real((double)NOW - 0.5));
    assert_int_equal(verify_payload(p), SHC_REASON_EXPIRED);
    p = payload_default();
    json_object_set_new(p, "exp", json_string("never"));
    assert_int_equal(verify_payload(p), SHC_REASON_TIME_FORM);
    p = payload_default();
    json_object_set_new(p, "exp", json_null());
    assert_int_equal(verify_payload(p), SHC_REASON_TIME_FORM);
    p = payload_default();
    json_object_set_new(p, "exp", json_integer(NOW));
    assert_int_equal(verify_payload(p), SHC_REASON_OK);
}

static void test_vc_type_and_fhir_version(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_object_set_new(json_object_get(p, "vc"), "type",
                        json_pack("[s, s]", "VerifiableCredential", "https://smarthealth.cards#immunization"));
    assert_int_equal(verify_payload(p), SHC_REASON_VC_TYPE);
    p = payload_default();
    json_object_set_new(json_object_get(p, "vc"), "type", json_string(HEALTH_CARD));
    assert_int_equal(verify_payload(p), SHC_REASON_VC_TYPE);
    p = payload_default();
    json_array_append_new(json_object_get(json_object_get(p, "vc"), "type"), json_integer(7));
    assert_int_equal(verify_payload(p), SHC_REASON_VC_TYPE);
    p = payload_default();
    json_object_set_new(json_object_get(p, "vc"), "type", json_pack("[s]", "https://smarthealth.cards#health-card/"));
    assert_int_equal(verify_payload(p), SHC_REASON_VC_TYPE);
    p = payload_default();
    json_object_del(p, "vc");
    assert_int_equal(verify_payload(p), SHC_REASON_VC_TYPE);
    p = payload_default();
    json_object_del(json_object_get(json_object_get(p, "vc"), "credentialSubject"), "fhirVersion");
    assert_int_equal(verify_payload(p), SHC_REASON_FHIR_VERSION);
    p = payload_default();
    json_object_set_new(json_object_get(json_object_get(p, "vc"), "credentialSubject"), "fhirVersion",
                        json_real(4.0));
    assert_int_equal(verify_payload(p), SHC_REASON_FHIR_VERSION);
    p = payload_default();
    json_object_del(json_object_get(p, "vc"), "credentialSubject");
    assert_int_equal(verify_payload(p), SHC_REASON_FHIR_VERSION);
}

/* ---- the FHIR bundle -------------------------------------------------------------------------- */

static void test_bundle_shape(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_object_set_new(json_object_get(json_object_get(p, "vc"), "credentialSubject"), "fhirBundle",
                        json_string("Bundle"));
    assert_int_equal(verify_payload(p), SHC_REASON_BUNDLE);
    p = payload_default();
    json_object_set_new(json_object_get(json_object_get(json_object_get(p, "vc"), "credentialSubject"), "fhirBundle"),
                        "resourceType", json_string("Composition"));
    assert_int_equal(verify_payload(p), SHC_REASON_BUNDLE);
    p = payload_default();
    json_object_del(json_object_get(json_object_get(json_object_get(p, "vc"), "credentialSubject"), "fhirBundle"),
                    "type");
    assert_int_equal(verify_payload(p), SHC_REASON_BUNDLE);
    /* another kind of resource */
    p = payload_default();
    json_array_append_new(entries(p), json_pack("{s:s, s:{s:s}}", "fullUrl", "resource:3", "resource",
                                                "resourceType", "Observation"));
    assert_int_equal(verify_payload(p), SHC_REASON_BUNDLE);
    /* two resources with one name, and names that are not short URIs */
    const char *urls[] = {"resource:1", "resource:01", "urn:uuid:1", "resource:", "Resource:2"};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        p = payload_default();
        json_object_set_new(json_array_get(entries(p), 2), "fullUrl", json_string(urls[i]));
        assert_int_equal(verify_payload(p), SHC_REASON_BUNDLE);
    }
    p = payload_default();
    json_object_del(json_array_get(entries(p), 1), "resource");
    assert_int_equal(verify_payload(p), SHC_REASON_BUNDLE);
    p = payload_default();
    json_array_clear(entries(p));
    assert_int_equal(verify_payload(p), SHC_REASON_BUNDLE);
}

static void test_patient(void **state)
{
    (void)state;
    /* no Patient at all: only Immunizations */
    json_t *p = payload_default();
    json_array_remove(entries(p), 0);
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    /* two Patients */
    p = payload_default();
    json_t *second = json_deep_copy(json_array_get(entries(p), 0));
    json_object_set_new(second, "fullUrl", json_string("resource:3"));
    json_array_append_new(entries(p), second);
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    /* a Patient that is not resource:0 (the doses would point elsewhere) */
    p = payload_default();
    json_object_set_new(json_array_get(entries(p), 0), "fullUrl", json_string("resource:5"));
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    /* malformed fields */
    const char *births[] = {"1980", "1980-01", "1980-02-30", "1980/01/02", "19800102", "1980-13-01"};
    for (size_t i = 0; i < sizeof births / sizeof births[0]; i++) {
        p = payload_default();
        json_object_set_new(resource(p, 0), "birthDate", json_string(births[i]));
        assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    }
    p = payload_default();
    json_object_del(name0(p), "family");
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    p = payload_default();
    json_object_set_new(name0(p), "family", json_string(""));
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    p = payload_default();
    json_object_set_new(name0(p), "family", json_string("山田\n"));
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    p = payload_default();
    json_object_set_new(name0(p), "family", json_string("\xE2\x80\xAE" "田山")); /* U+202E */
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    p = payload_default();
    json_object_set_new(name0(p), "given", json_string("太郎"));
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    p = payload_default();
    json_object_set_new(name0(p), "given", json_array());
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    p = payload_default();
    json_array_append_new(json_object_get(name0(p), "given"), json_integer(1));
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    const char *givens[] = {"", "太\n郎", "太郎\x7F", "\xE2\x81\xA6太郎"}; /* empty, LF, DEL, U+2066 */
    for (size_t i = 0; i < sizeof givens / sizeof givens[0]; i++) {
        p = payload_default();
        json_array_set_new(json_object_get(name0(p), "given"), 0, json_string(givens[i]));
        assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    }
    p = payload_default();
    json_object_set_new(resource(p, 0), "name", json_array());
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
    p = payload_default();
    char longname[SHC_NAME_MAX + 2];
    memset(longname, 'A', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    json_object_set_new(name0(p), "family", json_string(longname));
    assert_int_equal(verify_payload(p), SHC_REASON_PATIENT);
}

static void test_zero_and_too_many_immunizations(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_array_remove(entries(p), 2);
    json_array_remove(entries(p), 1);
    assert_int_equal(verify_payload(p), SHC_REASON_NO_IMMUNIZATION);
    p = payload_default();
    for (int i = 3; i <= 11; i++)
        json_array_append_new(entries(p), immunization_entry(i, "2022-01-01", "207", "LOT"));
    assert_int_equal(verify_payload(p), SHC_REASON_TOO_MANY_DOSES);
}

static void test_vaccine_code(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_t *coding0 = json_array_get(json_object_get(json_object_get(resource(p, 1), "vaccineCode"), "coding"), 0);
    json_object_set_new(coding0, "system", json_string("http://snomed.info/sct"));
    assert_int_equal(verify_payload(p), SHC_REASON_VACCINE_CODE);
    p = payload_default();
    coding0 = json_array_get(json_object_get(json_object_get(resource(p, 2), "vaccineCode"), "coding"), 0);
    json_object_set_new(coding0, "system", json_string("https://hl7.org/fhir/sid/cvx"));
    assert_int_equal(verify_payload(p), SHC_REASON_VACCINE_CODE);
    const char *codes[] = {"", "2O8", "2081", "-20", " 208"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        p = payload_default();
        coding0 = json_array_get(json_object_get(json_object_get(resource(p, 1), "vaccineCode"), "coding"), 0);
        json_object_set_new(coding0, "code", json_string(codes[i]));
        assert_int_equal(verify_payload(p), SHC_REASON_VACCINE_CODE);
    }
    p = payload_default();
    coding0 = json_array_get(json_object_get(json_object_get(resource(p, 1), "vaccineCode"), "coding"), 0);
    json_object_set_new(coding0, "code", json_integer(208));
    assert_int_equal(verify_payload(p), SHC_REASON_VACCINE_CODE);
    /* two CVX codes for one dose */
    p = payload_default();
    json_t *coding = json_object_get(json_object_get(resource(p, 1), "vaccineCode"), "coding");
    json_array_append_new(coding, json_pack("{s:s, s:s}", "system", CVX, "code", "207"));
    assert_int_equal(verify_payload(p), SHC_REASON_VACCINE_CODE);
    p = payload_default();
    json_object_del(resource(p, 1), "vaccineCode");
    assert_int_equal(verify_payload(p), SHC_REASON_VACCINE_CODE);
}

static void test_immunization_fields(void **state)
{
    (void)state;
    json_t *p = payload_default();
    json_object_set_new(resource(p, 1), "status", json_string("not-done"));
    assert_int_equal(verify_payload(p), SHC_REASON_IMMUNIZATION);
    p = payload_default();
    json_object_del(resource(p, 1), "status");
    assert_int_equal(verify_payload(p), SHC_REASON_IMMUNIZATION);
    const char *dates[] = {"2021-06-01T10:00:00+09:00", "2021-06", "2021-02-29", ""};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        p = payload_default();
        json_object_set_new(resource(p, 2), "occurrenceDateTime", json_string(dates[i]));
        assert_int_equal(verify_payload(p), SHC_REASON_IMMUNIZATION);
    }
    p = payload_default();
    json_object_set_new(resource(p, 2), "occurrenceDateTime", json_string("2020-02-29")); /* a leap day is fine */
    assert_int_equal(verify_payload(p), SHC_REASON_OK);
    p = payload_default();
    json_object_del(resource(p, 1), "lotNumber");
    assert_int_equal(verify_payload(p), SHC_REASON_IMMUNIZATION);
    p = payload_default();
    json_object_set_new(resource(p, 1), "lotNumber", json_integer(1234));
    assert_int_equal(verify_payload(p), SHC_REASON_IMMUNIZATION);
    const char *lots[] = {("FA\xC2\x85" "1"), "FA\t1", ("\xE2\x80\x8F" "FA1"), ("\xD8\x9C" "FA1")}; /* NEL, TAB, RLM, ALM */
    for (size_t i = 0; i < sizeof lots / sizeof lots[0]; i++) {
        p = payload_default();
        json_object_set_new(resource(p, 1), "lotNumber", json_string(lots[i]));
        assert_int_equal(verify_payload(p), SHC_REASON_IMMUNIZATION);
    }
    p = payload_default();
    json_object_set_new(resource(p, 1), "lotNumber", json_string("ＦＡ１２３４・ロット")); /* any printable text */
    assert_int_equal(verify_payload(p), SHC_REASON_OK);
    assert_string_equal(card->doses[0].lot, "ＦＡ１２３４・ロット");
    p = payload_default();
    json_object_del(resource(p, 1), "performer");
    assert_int_equal(verify_payload(p), SHC_REASON_IMMUNIZATION);
    p = payload_default();
    json_object_set_new(resource(p, 1), "performer", json_array());
    assert_int_equal(verify_payload(p), SHC_REASON_IMMUNIZATION);
    p = payload_default();
    json_object_set_new(resource(p, 1), "performer", json_pack("[{s:{s:i}}]", "actor", "display", 3));
    assert_int_equal(verify_payload(p), SHC_REASON_IMMUNIZATION);
}

static void test_patient_reference(void **state)
{
    (void)state;
    const char *refs[] = {"resource:1", "Patient/0", "resource:00", ""};
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        json_t *p = payload_default();
        json_object_set_new(json_object_get(resource(p, 2), "patient"), "reference", json_string(refs[i]));
        assert_int_equal(verify_payload(p), SHC_REASON_REFERENCE);
    }
    json_t *p = payload_default();
    json_object_del(resource(p, 1), "patient");
    assert_int_equal(verify_payload(p), SHC_REASON_REFERENCE);
}

/* ---- the person -------------------------------------------------------------------------------- */

static void test_another_persons_card(void **state)
{
    (void)state;
    char *jws = jws_of(payload_default());
    const struct shc_person others[] = {
        {"山田" SP "次郎", CARD_BIRTH},
        {"山田 太郎", CARD_BIRTH},        /* an ASCII space is not the card's separator */
        {"山田" "\xE3\x83\xBB" "太郎", CARD_BIRTH}, /* U+30FB: another 3-byte separator */
        {"山田太郎", CARD_BIRTH},
        {"山田" SP "太郎" SP "花子", CARD_BIRTH},
        {"山田" SP "太郎花子", CARD_BIRTH},
        {"太郎" SP "山田", CARD_BIRTH},
        {SP, CARD_BIRTH},
        {"山田", CARD_BIRTH},
        {"山" SP "田太郎", CARD_BIRTH},   /* same characters, another split */
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_int_equal(verify_as(jws, &others[i]), SHC_REASON_OTHER_NAME);
    /* Runs of the separator, or one at either end, are the same name: the
     * center drops empty parts when it splits the card's name. */
    const struct shc_person same[] = {{"山田" SP SP "太郎", CARD_BIRTH},
                                      {"山田" SP "太郎" SP, CARD_BIRTH},
                                      {SP "山田" SP "太郎", CARD_BIRTH}};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        assert_int_equal(verify_as(jws, &same[i]), SHC_REASON_OK);
    const struct shc_person born[] = {{CARD_NAME, "19800103"}, {CARD_NAME, "19810102"}, {CARD_NAME, "19800201"}};
    for (size_t i = 0; i < sizeof born / sizeof born[0]; i++)
        assert_int_equal(verify_as(jws, &born[i]), SHC_REASON_OTHER_BIRTH_DATE);
    assert_int_equal(verify(jws), SHC_REASON_OK);
    free(jws);
}

/* ---- the call ---------------------------------------------------------------------------------- */

static void test_bad_calls(void **state)
{
    (void)state;
    char *jws = jws_of(payload_default());
    enum shc_reason why;
    assert_int_equal(shc_verify(jws, &trust, NOW, &PERSON, card, NULL), KOFU_E_ARG);
    assert_int_equal(shc_verify(jws, &trust, NOW, &PERSON, NULL, &why), KOFU_E_ARG);
    assert_int_equal(shc_verify(NULL, &trust, NOW, &PERSON, card, &why), KOFU_E_ARG);
    assert_int_equal(shc_verify(jws, NULL, NOW, &PERSON, card, &why), KOFU_E_ARG);
    assert_int_equal(shc_verify(jws, &trust, NOW, NULL, card, &why), KOFU_E_ARG);
    const struct shc_person bad[] = {{CARD_NAME, "1980-01-02"}, {CARD_NAME, "19800230"}, {"", CARD_BIRTH},
                                     {NULL, CARD_BIRTH}, {CARD_NAME, NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(shc_verify(jws, &trust, NOW, &bad[i], card, &why), KOFU_E_ARG);
    /* an allow-list entry the spec forbids is a configuration bug */
    const char *const slash[] = {ISS "/"};
    struct shc_trust t = {keys, slash, 1, SHC_CLOCK_SKEW};
    assert_int_equal(shc_verify(jws, &t, NOW, &PERSON, card, &why), KOFU_E_ARG);
    t = (struct shc_trust){NULL, ISSUERS, 2, SHC_CLOCK_SKEW};
    assert_int_equal(shc_verify(jws, &t, NOW, &PERSON, card, &why), KOFU_E_ARG);
    free(jws);
}

static void test_scratch_wiped_and_vault_full(void **state)
{
    (void)state;
    char *jws = jws_of(payload_default());
    /* Start from an empty vault: the card, then a verification. */
    vault_wipe();
    card = shc_card_new();
    assert_non_null(card);
    assert_int_equal(verify(jws), SHC_REASON_OK);
    assert_int_equal(vault_used(), sizeof *card);
    /* Everything but the card is zero again: the scratch was wiped. */
    explicit_bzero(card, sizeof *card);
    assert_true(vault_is_clean());
    /* Too little vault left, for the scratch (40 KiB) or for zlib's state
     * (84 KiB): refused as out of memory, nothing written. */
    size_t fills[] = {40 * 1024, 84 * 1024};
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
        size_t mark = vault_mark();
        void *filler = vault_alloc(vault_size() - vault_used() - fills[i]);
        enum shc_reason why = SHC_REASON_OK;
        int rc = shc_verify(jws, &trust, NOW, &PERSON, card, &why);
        bool zero = card_is_zero();
        size_t used_after = vault_used();
        vault_release(mark); /* before any assertion can leave the test */
        assert_non_null(filler);
        assert_int_equal(rc, KOFU_E_NOMEM);
        assert_int_equal(why, SHC_REASON_INTERNAL);
        assert_true(zero);
        assert_int_equal(used_after, vault_size() - fills[i]);
    }
    /* Exactly SHC_VERIFY_VAULT_BYTES free is enough. */
    size_t mark = vault_mark();
    void *filler = vault_alloc(vault_size() - vault_used() - SHC_VERIFY_VAULT_BYTES);
    enum shc_reason why = SHC_REASON__COUNT;
    int rc = shc_verify(jws, &trust, NOW, &PERSON, card, &why);
    vault_release(mark);
    assert_non_null(filler);
    assert_int_equal(rc, KOFU_OK);
    assert_int_equal(why, SHC_REASON_OK);
    free(jws);
    /* Also for a bomb, where zlib needs its 32 KiB window as well. */
    char *zeros = calloc(1, 1024 * 1024);
    assert_non_null(zeros);
    jws = jws_custom(zeros, 1024 * 1024, -15, NULL, issuer, header_with_kid(issuer_kid), SIG_RAW);
    free(zeros);
    mark = vault_mark();
    filler = vault_alloc(vault_size() - vault_used() - SHC_VERIFY_VAULT_BYTES);
    rc = shc_verify(jws, &trust, NOW, &PERSON, card, &why);
    vault_release(mark);
    assert_non_null(filler);
    assert_int_equal(rc, KOFU_E_CENTER_RESPONSE);
    assert_int_equal(why, SHC_REASON_PAYLOAD_TOO_LARGE);
    free(jws);
}

/* SMART Health Cards spec example 00 (smart-on-fhir/health-cards, gh-pages
 * examples/example-00-d-jws.txt, 2021 signing): verified with the spec's
 * public key, as a check against an independent implementation. */
static const char SPEC_EXAMPLE_00[] =
    "eyJ6aXAiOiJERUYiLCJhbGciOiJFUzI1NiIsImtpZCI6IjNLZmRnLVh3UC03Z1h5eXd0VWZVQUR3QnVtRE9QS01ReC1pRUxMMTFXOXMifQ."
    "3ZJPb9QwEMW_SjVcs0mcwm43N7ZIBQ4IicIF7cHrzG6M_CeynahLle_OjHcrCmp74oRvEz___N5z7kHHCC30KQ2xrao4oCqjlSH1KE3qSyVD"
    "Fyu8k3YwGCtSjxigALfbQyuWl_VSLGmVorkqYFLQ3kM6Dgjt99_Mv3GvTsOCB0I9r9PWjk7_lEl796JQ-Ul3Yg3bAlTADl3S0nwZdz9QJba0"
    "73X4hiEyp4XXZV0K4vHXzeg6g6wJGP0YFN5m-3DeKM5xQHljiHZyQheEI2Uk8mjM12BI8HC-rUnwMDwB_kxx6Dx3KC2eINJqQzx460gTYr7j"
    "oCd03ONH3_O8KWE7U8CdpvDvZGKWWL8Ri1osmhrmuXjSjXjZzYc_K45JpjHmuPzgCfmBJqmUdnjtu0xQvtPukI3HY0xoz_8PvUxvVqUPh4qb"
    "raLuKjXdEUDlk9DUK5i3cwHDuYJsZ48BHXt73CCJvFJjyFsc9lbbE6LJgWuORVXtfbD0P7IXqZIPjOx0HIzMdW6uL27QYZDm4r2Pg07SUFFU"
    "ovHp02h3fBTqvMSzDTb_ZYPN-l83uOKNmdYv."
    "kgkuHWZAAE3DmgdR2-hydvXYEuBWMNYfiwGjEvgqqFWrUAIXWk81RpB5EuTTbr85ZQIctgZAO2ER2J4hltVJog";

static void test_spec_example_00(void **state)
{
    (void)state;
    shc_keyset *ks = NULL;
    char err[256];
    const char *set = jwks_one(",\"use\":\"sig\",\"alg\":\"ES256\"}", SPEC_X, SPEC_Y, SPEC_KID);
    assert_int_equal(shc_keyset_parse(set, strlen(set), &ks, err, sizeof err), KOFU_OK);
    const char *const iss[] = {SPEC_ISS};
    struct shc_trust t = {ks, iss, 1, SHC_CLOCK_SKEW};
    const struct shc_person john = {"Anyperson" SP "John" SP "B.", "19510120"};
    enum shc_reason why;
    int64_t issued = 1630616666; /* nbf 1630616666.128 */
    assert_int_equal(shc_verify(SPEC_EXAMPLE_00, &t, issued + 3600, &john, card, &why), KOFU_OK);
    assert_int_equal(why, SHC_REASON_OK);
    assert_string_equal(card->family, "Anyperson");
    assert_string_equal(card->given, "John" SP "B.");
    assert_string_equal(card->birth_date, "1951-01-20");
    assert_int_equal(card->nbf, issued);
    assert_int_equal(card->n_doses, 2);
    assert_string_equal(card->doses[0].cvx, "207");
    assert_string_equal(card->doses[1].lot, "0000007");
    assert_string_equal(card->doses[1].performer, "ABC General Hospital");
    /* before its time, and for someone else */
    assert_int_equal(shc_verify(SPEC_EXAMPLE_00, &t, issued - 3600, &john, card, &why), KOFU_E_CENTER_RESPONSE);
    assert_int_equal(why, SHC_REASON_NOT_YET_VALID);
    assert_int_equal(shc_verify(SPEC_EXAMPLE_00, &t, issued + 3600, &PERSON, card, &why), KOFU_E_CENTER_RESPONSE);
    assert_int_equal(why, SHC_REASON_OTHER_NAME);
    /* our own key set does not know the spec's key */
    assert_int_equal(shc_verify(SPEC_EXAMPLE_00, &trust, issued + 3600, &john, card, &why), KOFU_E_CENTER_RESPONSE);
    assert_int_equal(why, SHC_REASON_KID_UNKNOWN);
    shc_keyset_free(ks);
}

/* ---- QR numeric mode --------------------------------------------------------------------------- */

/* A verified card survives the QR's digits: encoded, decoded, still verifies
 * (the digit rule itself: test_qr.c). */
static void test_qr_numeric(void **state)
{
    (void)state;
    /* a whole card, there and back */
    char *jws = jws_of(payload_default());
    size_t n = strlen(jws);
    char *digits = malloc(2 * n + 1), *again = malloc(n + 1);
    assert_non_null(digits);
    assert_non_null(again);
    assert_true(qr_numeric_from_jws(jws, digits, 2 * n + 1));
    assert_int_equal(strlen(digits), 2 * n);
    assert_memory_equal(digits, "567629", 6);
    assert_true(qr_numeric_to_jws(digits, again, n + 1));
    assert_string_equal(again, jws);
    assert_int_equal(verify(again), SHC_REASON_OK);
    free(digits);
    free(again);
    free(jws);
}

static void test_reason_words(void **state)
{
    (void)state;
    for (int i = 0; i < SHC_REASON__COUNT; i++) {
        const char *name = shc_reason_name((enum shc_reason)i);
        assert_non_null(name);
        assert_string_not_equal(name, "unknown");
        assert_true(strlen(shc_reason_text((enum shc_reason)i, KOFU_LANG_JA)) > 0);
        assert_true(strlen(shc_reason_text((enum shc_reason)i, KOFU_LANG_EN)) > 0);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(name, shc_reason_name((enum shc_reason)k));
    }
    assert_string_equal(shc_reason_name(SHC_REASON_KID_UNKNOWN), "kid-unknown");
    assert_string_equal(shc_reason_name(SHC_REASON_OTHER_NAME), "other-name");
    assert_string_equal(shc_reason_name(SHC_REASON__COUNT), "unknown");
    assert_string_equal(shc_reason_text(SHC_REASON__COUNT, KOFU_LANG_EN), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_valid_domestic_card, kt_temp_teardown),
        cmocka_unit_test_teardown(test_fractional_nbf_exp_and_two_given_names, kt_temp_teardown),
        cmocka_unit_test_teardown(test_family_name_only, kt_temp_teardown),
        cmocka_unit_test_teardown(test_extra_codings_and_types_ignored, kt_temp_teardown),
        cmocka_unit_test_teardown(test_ten_doses_fit, kt_temp_teardown),
        cmocka_unit_test_teardown(test_tampered_payload_one_bit, kt_temp_teardown),
        cmocka_unit_test_teardown(test_tampered_signature, kt_temp_teardown),
        cmocka_unit_test_teardown(test_der_signature_refused, kt_temp_teardown),
        cmocka_unit_test_teardown(test_signature_scalars_out_of_range, kt_temp_teardown),
        cmocka_unit_test_teardown(test_es256_helper, kt_temp_teardown),
        cmocka_unit_test_teardown(test_header_checks, kt_temp_teardown),
        cmocka_unit_test_teardown(test_unknown_kid, kt_temp_teardown),
        cmocka_unit_test_teardown(test_jws_shape, kt_temp_teardown),
        cmocka_unit_test_teardown(test_keyset_load, kt_temp_teardown),
        cmocka_unit_test_teardown(test_keyset_thumbprint_known_answer, kt_temp_teardown),
        cmocka_unit_test_teardown(test_keyset_refusals, kt_temp_teardown),
        cmocka_unit_test_teardown(test_deflate_bomb_stops_at_cap, kt_temp_teardown),
        cmocka_unit_test_teardown(test_payload_cap_boundary, kt_temp_teardown),
        cmocka_unit_test_teardown(test_zlib_and_gzip_wrapping_refused, kt_temp_teardown),
        cmocka_unit_test_teardown(test_trailing_garbage_refused, kt_temp_teardown),
        cmocka_unit_test_teardown(test_truncated_and_corrupt_deflate, kt_temp_teardown),
        cmocka_unit_test_teardown(test_payload_json, kt_temp_teardown),
        cmocka_unit_test_teardown(test_iss, kt_temp_teardown),
        cmocka_unit_test_teardown(test_nbf, kt_temp_teardown),
        cmocka_unit_test_teardown(test_exp, kt_temp_teardown),
        cmocka_unit_test_teardown(test_vc_type_and_fhir_version, kt_temp_teardown),
        cmocka_unit_test_teardown(test_bundle_shape, kt_temp_teardown),
        cmocka_unit_test_teardown(test_patient, kt_temp_teardown),
        cmocka_unit_test_teardown(test_zero_and_too_many_immunizations, kt_temp_teardown),
        cmocka_unit_test_teardown(test_vaccine_code, kt_temp_teardown),
        cmocka_unit_test_teardown(test_immunization_fields, kt_temp_teardown),
        cmocka_unit_test_teardown(test_patient_reference, kt_temp_teardown),
        cmocka_unit_test_teardown(test_another_persons_card, kt_temp_teardown),
        cmocka_unit_test_teardown(test_bad_calls, kt_temp_teardown),
        cmocka_unit_test_teardown(test_scratch_wiped_and_vault_full, kt_temp_teardown),
        cmocka_unit_test_teardown(test_spec_example_00, kt_temp_teardown),
        cmocka_unit_test_teardown(test_qr_numeric, kt_temp_teardown),
        cmocka_unit_test_teardown(test_reason_words, kt_temp_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
