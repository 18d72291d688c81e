/*
 * test_centersim_docs.c — centersim's signed documents: ES256 in JOSE form
 * (raw r‖s, RFC 7638 thumbprints), SMART Health Cards (bundle shape, raw
 * DEFLATE, JWS, the one-QR limit) and VDS-NC seals (JCS, signature, cer),
 * checked against known answers and by verifying with OpenSSL directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "base/b64.h"
#include "base/bytes.h"
#include "tests/centersim/es256.h"
#include "base/jcs.h"
#include "base/wipeheap.h"
#include "tests/centersim/shc.h"
#include "tests/centersim/store.h"
#include "tests/lib/keys.h"
#include "tests/lib/tmp.h"
#include "tests/centersim/vds.h"

#define ISS "https://center.kofu.test/issuer"

static char dir[128];
static EVP_PKEY *shc_key, *vds_key;
static shc_issuer *issuer;
static vds_signer *signer;
static struct store_resident yamada;
static struct store_dose doses[STORE_DOSES_MAX];

static void dose(struct store_dose *d, const char *muni, const char *date, const char *cvx, const char *lot,
                 const char *product)
{
    memset(d, 0, sizeof *d);
    snprintf(d->municipality, sizeof d->municipality, "%s", muni);
    snprintf(d->date, sizeof d->date, "%s", date);
    snprintf(d->cvx, sizeof d->cvx, "%s", cvx);
    snprintf(d->lot, sizeof d->lot, "%s", lot);
    snprintf(d->product_ja, sizeof d->product_ja, "%s", "コミナティ");
    snprintf(d->product_en, sizeof d->product_en, "%s", product);
    snprintf(d->manufacturer_ja, sizeof d->manufacturer_ja, "%s", "ファイザー");
    snprintf(d->manufacturer_en, sizeof d->manufacturer_en, "%s", "Pfizer");
    snprintf(d->performer, sizeof d->performer, "%s", "MHLW_Gov_of_JAPAN");
    snprintf(d->country, sizeof d->country, "%s", "JPN");
}

static int group_setup(void **state)
{
    (void)state;
    char err[256];
    wipeheap_install_json();
    if (!kt_tempdir(dir, sizeof dir, "centersim-test") || !(shc_key = kt_ec_key_pem(dir, "shc.key.pem")) ||
        !(vds_key = kt_ec_key_pem(dir, "vds.key.pem")) || !kt_self_signed_pem(dir, "vds.pem", vds_key))
        return -1;
    char kp[256], cp[256];
    snprintf(kp, sizeof kp, "%s/shc.key.pem", dir);
    issuer = shc_issuer_load(kp, ISS, err, sizeof err);
    snprintf(kp, sizeof kp, "%s/vds.key.pem", dir);
    snprintf(cp, sizeof cp, "%s/vds.pem", dir);
    signer = vds_signer_load(cp, kp, err, sizeof err);
    memset(&yamada, 0, sizeof yamada);
    snprintf(yamada.my_number, sizeof yamada.my_number, "123456789018");
    snprintf(yamada.name, sizeof yamada.name, "山田　太郎");
    snprintf(yamada.birth_date, sizeof yamada.birth_date, "1980-02-17");
    snprintf(yamada.name_roman, sizeof yamada.name_roman, "YAMADA TARO");
    yamada.has_passport = true;
    snprintf(yamada.passport_number, sizeof yamada.passport_number, "TZ1234567");
    snprintf(yamada.nationality, sizeof yamada.nationality, "JPN");
    dose(&doses[0], "131024", "2022-01-15", "207", "3002183", "Spikevax");
    dose(&doses[1], "131024", "2022-06-01", "208", "FA1234", "Comirnaty");
    dose(&doses[2], "131024", "2022-12-01", "207", "3009999", "Spikevax");
    /* their places in the whole series: other municipalities' doses between them */
    doses[0].seq = 2;
    doses[1].seq = 3;
    doses[2].seq = 5;
    snprintf(doses[1].country, sizeof doses[1].country, "%s", "USA"); /* given abroad */
    return issuer && signer ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    shc_issuer_free(issuer);
    vds_signer_free(signer);
    EVP_PKEY_free(shc_key);
    EVP_PKEY_free(vds_key);
    kt_rmdir_flat(dir);
    return 0;
}

static size_t b64url_dec(const char *s, size_t n, uint8_t *out, size_t cap)
{
    size_t len = 0;
    assert_true(b64_decode(s, n, out, cap, &len, true));
    return len;
}

/* ---- ES256 ------------------------------------------------------------------ */

/* The SMART Health Cards spec's example key. */
static void test_thumbprint_spec_vector(void **state)
{
    (void)state;
    uint8_t x[32], y[32];
    char kid[ES256_KID_LEN + 1];
    assert_int_equal(b64url_dec("11XvRWy1I2S0EyJlyf_bWfw_TQ5CJJNLw78bHXNxcgw", 43, x, sizeof x), 32);
    assert_int_equal(b64url_dec("eZXwxvO1hvCY0KucrPfKo7yAyMT6Ajc3N7OkAB6VYy8", 43, y, sizeof y), 32);
    assert_true(es256_jwk_thumbprint(x, y, kid));
    assert_string_equal(kid, "3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s");
    EVP_PKEY *pub = es256_public_from_xy(x, y);
    assert_non_null(pub);
    EVP_PKEY_free(pub);
    y[31] ^= 1; /* off the curve */
    assert_null(es256_public_from_xy(x, y));
}

static void test_sign_raw_and_der(void **state)
{
    (void)state;
    static const uint8_t msg[] = "header.payload";
    uint8_t sig[ES256_SIG_LEN], der[ES256_DER_MAX + 1], back[ES256_SIG_LEN];
    assert_true(es256_sign(shc_key, msg, sizeof msg - 1, sig));
    assert_true(es256_verify(shc_key, msg, sizeof msg - 1, sig));
    size_t n = es256_raw_to_der(sig, der, sizeof der);
    assert_true(n >= 8 && n <= ES256_DER_MAX);
    assert_true(es256_der_to_raw(der, n, back));
    assert_memory_equal(sig, back, sizeof sig);
    /* trailing bytes, truncation, zero r: refused */
    der[n] = 0;
    assert_false(es256_der_to_raw(der, n + 1, back));
    assert_false(es256_der_to_raw(der, n - 1, back));
    memset(back, 0, 32);
    assert_int_equal(es256_raw_to_der(back, der, sizeof der), 0);
    sig[40] ^= 0x10;
    assert_false(es256_verify(shc_key, msg, sizeof msg - 1, sig));
}

/* ---- SMART Health Cards --------------------------------------------------------- */

static void test_iss_rules(void **state)
{
    (void)state;
    assert_true(shc_iss_valid("https://center.kofu.test/issuer"));
    assert_true(shc_iss_valid("https://center.kofu.test"));
    assert_false(shc_iss_valid("https://center.kofu.test/issuer/"));
    assert_false(shc_iss_valid("http://center.kofu.test/issuer"));
    assert_false(shc_iss_valid("https://"));
    assert_false(shc_iss_valid("https:///x"));
    assert_false(shc_iss_valid("https://a b"));
    assert_false(shc_iss_valid("https://a/b?c"));
    assert_string_equal(shc_issuer_jwks_path(issuer), "/issuer/.well-known/jwks.json");
}

static void test_jwks(void **state)
{
    (void)state;
    json_t *k = shc_jwks(issuer, false);
    json_t *key = json_array_get(json_object_get(k, "keys"), 0);
    assert_non_null(key);
    assert_int_equal(json_object_size(key), 7);
    assert_null(json_object_get(key, "d"));
    assert_string_equal(json_string_value(json_object_get(key, "kid")), shc_issuer_kid(issuer));
    assert_string_equal(json_string_value(json_object_get(key, "crv")), "P-256");
    json_decref(k);
}

static json_t *name_of(const char *name)
{
    struct store_resident r = yamada;
    snprintf(r.name, sizeof r.name, "%s", name);
    json_t *p = shc_payload(ISS, &r, doses, 1, 1);
    json_t *entry = json_array_get(json_object_get(json_object_get(json_object_get(json_object_get(
                                                                       p, "vc"), "credentialSubject"),
                                                                   "fhirBundle"),
                                                   "entry"),
                                   0);
    json_t *n = json_incref(json_array_get(json_object_get(json_object_get(entry, "resource"), "name"), 0));
    json_decref(p);
    return n;
}

static void expect_name(const char *name, const char *want_json)
{
    json_t *n = name_of(name);
    char *s = json_dumps(n, JSON_COMPACT);
    assert_string_equal(s, want_json);
    wipeheap_free(s);
    json_decref(n);
}

static void test_name_split(void **state)
{
    (void)state;
    expect_name("山田　太郎", "{\"family\":\"山田\",\"given\":[\"太郎\"]}");
    expect_name("寿限無　寿限無五劫の擦り切れ海砂利水魚", "{\"family\":\"寿限無\",\"given\":[\"寿限無五劫の擦り切れ海砂利水魚\"]}");
    expect_name("山田", "{\"family\":\"山田\"}");
    expect_name("山田　太郎　次郎", "{\"family\":\"山田\",\"given\":[\"太郎\",\"次郎\"]}");
    expect_name("山田　　太郎", "{\"family\":\"山田\",\"given\":[\"太郎\"]}");
    /* the family name is the first non-empty run, wherever the runs start */
    expect_name("　山田　太郎", "{\"family\":\"山田\",\"given\":[\"太郎\"]}");
    expect_name("　　山田", "{\"family\":\"山田\"}");
    expect_name("山田太郎　", "{\"family\":\"山田太郎\"}");
    /* only U+3000 separates: a foreign name in one run, kana without a space, have no given member */
    expect_name("SMITH JOHN", "{\"family\":\"SMITH JOHN\"}");
    expect_name("やまだ たろう", "{\"family\":\"やまだ たろう\"}");
}

static void test_payload_shape(void **state)
{
    (void)state;
    json_t *p = shc_payload(ISS, &yamada, doses, 1, 1795766400);
    char *s = json_dumps(p, JSON_COMPACT);
    assert_string_equal(
        s, "{\"iss\":\"https://center.kofu.test/issuer\",\"nbf\":1795766400,\"vc\":{\"type\":"
           "[\"https://smarthealth.cards#health-card\"],\"credentialSubject\":{\"fhirVersion\":\"4.0.1\","
           "\"fhirBundle\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":"
           "\"resource:0\",\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"山田\",\"given\":"
           "[\"太郎\"]}],\"birthDate\":\"1980-02-17\"}},{\"fullUrl\":\"resource:1\",\"resource\":{\"resourceType\":"
           "\"Immunization\",\"status\":\"completed\",\"vaccineCode\":{\"coding\":[{\"system\":"
           "\"http://hl7.org/fhir/sid/cvx\",\"code\":\"207\"}]},\"patient\":{\"reference\":\"resource:0\"},"
           "\"occurrenceDateTime\":\"2022-01-15\",\"performer\":[{\"actor\":{\"display\":\"MHLW_Gov_of_JAPAN\"}}],"
           "\"lotNumber\":\"3002183\"}}]}}}}");
    wipeheap_free(s);
    json_decref(p);
}

/* Split a JWS, verify it with the issuer's key, inflate the payload. */
static char *open_jws(const char *jws, bool *sig_ok)
{
    const char *d1 = strchr(jws, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    assert_non_null(d2);
    assert_null(strchr(d2 + 1, '.'));
    uint8_t hdr[256], z[4096], sig[128];
    size_t hlen = b64url_dec(jws, (size_t)(d1 - jws), hdr, sizeof hdr - 1);
    hdr[hlen] = 0;
    char want[160];
    snprintf(want, sizeof want, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", shc_issuer_kid(issuer));
    assert_string_equal((char *)hdr, want);
    size_t zlen = b64url_dec(d1 + 1, (size_t)(d2 - d1 - 1), z, sizeof z);
    assert_int_equal(b64url_dec(d2 + 1, strlen(d2 + 1), sig, sizeof sig), ES256_SIG_LEN);
    *sig_ok = es256_verify(shc_key, (const uint8_t *)jws, (size_t)(d2 - jws), sig);
    /* raw DEFLATE: a zlib header (0x78) would make this fail */
    char *out = calloc(1, 16384);
    z_stream s;
    memset(&s, 0, sizeof s);
    assert_int_equal(inflateInit2(&s, -15), Z_OK);
    s.next_in = z;
    s.avail_in = (uInt)zlen;
    s.next_out = (Bytef *)out;
    s.avail_out = 16383;
    assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
    inflateEnd(&s);
    return out;
}

static void test_issue_verifies(void **state)
{
    (void)state;
    char jws[SHC_JWS_MAX + 1];
    size_t len = 0;
    bool sig_ok = false;
    assert_int_equal(shc_issue(issuer, &yamada, doses, 3, 1795766400, false, jws, sizeof jws, &len), SHC_OK);
    assert_int_equal(strlen(jws), len);
    assert_true(len <= SHC_JWS_MAX);
    char *payload = open_jws(jws, &sig_ok);
    assert_true(sig_ok);
    json_t *p = shc_payload(ISS, &yamada, doses, 3, 1795766400);
    char *want = json_dumps(p, JSON_COMPACT);
    assert_string_equal(payload, want); /* minified, keys in the fixed order */
    wipeheap_free(want);
    json_decref(p);
    free(payload);
    assert_int_equal(shc_issue(issuer, &yamada, doses, 3, 1795766400, true, jws, sizeof jws, &len), SHC_OK);
    payload = open_jws(jws, &sig_ok);
    assert_false(sig_ok); /* the bad-signature fault */
    free(payload);
}

static void test_too_large_for_one_qr(void **state)
{
    (void)state;
    struct store_resident r = yamada;
    struct store_dose big[STORE_DOSES_MAX];
    uint32_t x = 12345;
    char jws[SHC_JWS_MAX + 1];
    size_t len = 0;
    /* Text that does not compress: pseudo-random lots and performers. */
    for (int i = 0; i < STORE_DOSES_MAX; i++) {
        big[i] = doses[0];
        for (int k = 0; k < STORE_LOT_MAX; k++)
            big[i].lot[k] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[(x = x * 1103515245u + 12345u) >> 16 & 31];
        big[i].lot[STORE_LOT_MAX] = 0;
        for (int k = 0; k < STORE_TEXT_MAX; k++)
            big[i].performer[k] = (char)('!' + ((x = x * 1103515245u + 12345u) >> 16) % 90);
        big[i].performer[STORE_TEXT_MAX] = 0;
    }
    memset(jws, 'Z', sizeof jws);
    assert_int_equal(shc_issue(issuer, &r, big, STORE_DOSES_MAX, 1, false, jws, sizeof jws, &len), SHC_TOO_LARGE);
    assert_true(len > SHC_JWS_MAX);
    assert_int_equal(jws[0], 'Z'); /* nothing written */
}

/* ---- VDS-NC ------------------------------------------------------------------------- */

static void test_vds_data_canonical(void **state)
{
    (void)state;
    uint8_t buf[4096];
    kofu_bld b;
    json_t *d = vds_data("JP-131024-2026-000001", &yamada, doses, 3, "Chuo City");
    bld_init(&b, buf, sizeof buf - 1);
    assert_true(jcs_serialize(d, &b));
    buf[b.len] = 0;
    assert_string_equal(
        (char *)buf,
        "{\"hdr\":{\"is\":\"JPN\",\"t\":\"icao.vacc\",\"v\":1},\"msg\":{\"pid\":{\"dob\":\"1980-02-17\",\"i\":"
        "\"TZ1234567\",\"n\":\"YAMADA TARO\"},\"uvci\":\"JP-131024-2026-000001\",\"ve\":[{\"des\":\"XM68M6\","
        "\"dis\":\"RA01.0\",\"nam\":\"Spikevax\",\"vd\":[{\"adm\":\"Chuo City\",\"ctr\":\"JPN\",\"dvc\":"
        "\"2022-01-15\",\"lot\":\"3002183\",\"seq\":2},{\"adm\":\"Chuo City\",\"ctr\":\"JPN\",\"dvc\":"
        "\"2022-12-01\",\"lot\":\"3009999\",\"seq\":5}]},{\"des\":\"XM68M6\",\"dis\":\"RA01.0\",\"nam\":"
        "\"Comirnaty\",\"vd\":[{\"adm\":\"Chuo City\",\"ctr\":\"USA\",\"dvc\":\"2022-06-01\",\"lot\":\"FA1234\","
        "\"seq\":3}]}]}}");
    json_decref(d);
}

static void check_seal(bool flip)
{
    uint8_t buf[4096], sig[128], der[4096];
    kofu_bld b;
    json_t *seal = vds_seal(signer, vds_data("JP-1", &yamada, doses, 1, "Chuo City"), flip);
    json_t *sigo = json_object_get(seal, "sig");
    assert_non_null(sigo);
    assert_string_equal(json_string_value(json_object_get(sigo, "alg")), "ES256");
    bld_init(&b, buf, sizeof buf);
    assert_true(jcs_serialize(json_object_get(seal, "data"), &b));
    const char *sv = json_string_value(json_object_get(sigo, "sigvl"));
    assert_int_equal(b64url_dec(sv, strlen(sv), sig, sizeof sig), ES256_SIG_LEN);
    assert_int_equal(es256_verify(vds_key, buf, b.len, sig), !flip);
    /* cer is the signer's certificate, DER, base64url */
    const char *cer = json_string_value(json_object_get(sigo, "cer"));
    size_t n = b64url_dec(cer, strlen(cer), der, sizeof der);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)n);
    assert_non_null(x);
    assert_int_equal(X509_check_private_key(x, vds_key), 1);
    X509_free(x);
    json_decref(seal);
}

static void test_vds_seal_verifies(void **state)
{
    (void)state;
    check_seal(false);
    check_seal(true);
}

static void test_vds_signer_mismatch(void **state)
{
    (void)state;
    char cp[256], kp[256], err[256];
    snprintf(cp, sizeof cp, "%s/vds.pem", dir);
    snprintf(kp, sizeof kp, "%s/shc.key.pem", dir);
    assert_null(vds_signer_load(cp, kp, err, sizeof err));
    assert_non_null(strstr(err, "does not certify"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thumbprint_spec_vector), cmocka_unit_test(test_sign_raw_and_der),
        cmocka_unit_test(test_iss_rules),              cmocka_unit_test(test_jwks),
        cmocka_unit_test(test_name_split),             cmocka_unit_test(test_payload_shape),
        cmocka_unit_test(test_issue_verifies),         cmocka_unit_test(test_too_large_for_one_qr),
        cmocka_unit_test(test_vds_data_canonical),     cmocka_unit_test(test_vds_seal_verifies),
        cmocka_unit_test(test_vds_signer_mismatch),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
