/*
 * test_centersim_api.c — centersim's routes without sockets: api_handle over
 * the real fixture, with throwaway SHC/VDS keys and a throwaway card PKI
 * (RSA-2048 card CA and issuer keys; the card files built with
 * kenhojo_testfiles.h and signed here), so every decision of
 * POST /certificates is reached: success, retries, each error code, the
 * faults, completions — and the vault is clean after every request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "tests/centersim/api.h"
#include "tests/centersim/passport.h"
#include "base/b64.h"
#include "tests/centersim/clock.h"
#include "base/wipeheap.h"
#include "base/kcrypto.h"
#include "kenhojo_testfiles.h"
#include "tests/lib/keys.h"
#include "tests/lib/td3.h"
#include "tests/lib/tmp.h"
#include "base/vault.h"

#define FIXTURE "tests/centersim/fixtures/center.json"
#define OPEN_TIME 1795766400 /* 17:00 Japan time */

static const uint8_t CA_ID[16] = "KOFU-UNIT-CA-001";
static const uint8_t ISSUER_ID[16] = "KOFU-UNIT-IS-001";

static char dir[128], card_ca_dir[192], ca_pem[320];
static EVP_PKEY *shc_key, *vds_key, *other_vds_key, *ca_key, *issuer_key;
static store *db;
static shc_issuer *issuer;
static vds_signer *signer, *other_signer;
static api *routes;
/* The terms_version the requests carry; NULL: none. */
static const char *agreed_terms = API_TERMS_VERSION_DEFAULT;

/* ---- card files ------------------------------------------------------------------ */

struct card {
    char b64[4][2048];
};

static void rsa_sign(EVP_PKEY *k, const uint8_t *msg, size_t len, uint8_t sig[256])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    size_t sl = 256;
    assert_int_equal(EVP_DigestSignInit(md, &pc, EVP_sha256(), NULL, k), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PADDING), 1);
    assert_int_equal(EVP_DigestSign(md, sig, &sl, msg, len), 1);
    EVP_MD_CTX_free(md);
}

static void put_b64(char out[2048], const uint8_t *p, size_t n)
{
    assert_true(b64_encode(p, n, out, 2048, false));
}

/* A genuine card for a resident; tamper flips a byte of EF 0004's signature. */
static void make_card(struct card *c, const char *my_number, const char *name, const char *birth, bool tamper)
{
    static const uint8_t e[3] = {1, 0, 1};
    static const uint8_t sex = '1';
    uint8_t ef1[64], ef2[1024], ef3[512], ef4[1024], body[512], h1[32], h2[32], sig[256], n[256], signed_part[70];
    BIGNUM *bn = NULL;
    struct tf_attrs a = {.name = name, .address = "東京都千代田区千代田１－１", .birth = birth, .sex = &sex, .sex_len = 1};
    size_t l1 = tf_ef0001(ef1, sizeof ef1, my_number), l2 = tf_ef0002(ef2, sizeof ef2, &a);
    struct kenhojo_attributes parsed;
    assert_int_equal(kenhojo_parse_attributes(ef2, l2, &parsed), KOFU_OK);
    assert_true(kcrypto_sha256(ef1, l1, h1));
    assert_true(kcrypto_sha256(cur_data(&parsed.hashed), cur_len(&parsed.hashed), h2));
    kofu_bld sp;
    bld_init(&sp, signed_part, sizeof signed_part);
    bld_add_ber(&sp, 0xDF31, h1, 32, false);
    bld_add_ber(&sp, 0xDF32, h2, 32, false);
    rsa_sign(issuer_key, signed_part, sizeof signed_part, sig);
    size_t l3 = tf_ef0003(ef3, sizeof ef3, h1, h2, sig, sizeof sig);
    assert_int_equal(EVP_PKEY_get_bn_param(issuer_key, OSSL_PKEY_PARAM_RSA_N, &bn), 1);
    assert_int_equal(BN_bn2binpad(bn, n, sizeof n), 256);
    BN_free(bn);
    size_t lb = tf_cv_body(body, sizeof body, CA_ID, ISSUER_ID, e, sizeof e, n, sizeof n);
    rsa_sign(ca_key, body, lb, sig);
    if (tamper)
        sig[100] ^= 0x01;
    size_t l4 = tf_ef0004(ef4, sizeof ef4, body, lb, sig, sizeof sig);
    put_b64(c->b64[0], ef1, l1);
    put_b64(c->b64[1], ef2, l2);
    put_b64(c->b64[2], ef3, l3);
    put_b64(c->b64[3], ef4, l4);
}

static struct card YAMADA, LONGNAME, NORECORD, FORGED;

/* ---- setup --------------------------------------------------------------------------- */

static bool write_ca_pub(void)
{
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", CA_ID[i]);
    snprintf(card_ca_dir, sizeof card_ca_dir, "%s/card-ca", dir);
    snprintf(ca_pem, sizeof ca_pem, "%s/%s.pem", card_ca_dir, hex);
    FILE *f = mkdir(card_ca_dir, 0700) == 0 ? fopen(ca_pem, "w") : NULL;
    bool ok = f && PEM_write_PUBKEY(f, ca_key) == 1;
    if (f)
        fclose(f);
    return ok;
}

static int group_setup(void **state)
{
    (void)state;
    char err[256], a[256], b[256];
    wipeheap_install_json();
    if (vault_init(API_VAULT_SIZE) != KOFU_OK || !kt_tempdir(dir, sizeof dir, "centersim-test") ||
        !(shc_key = kt_ec_key_pem(dir, "shc.key.pem")) || !(vds_key = kt_ec_key_pem(dir, "vds.key.pem")) ||
        !kt_self_signed_pem(dir, "vds.pem", vds_key) || !(other_vds_key = kt_ec_key_pem(dir, "ovds.key.pem")) ||
        !kt_self_signed_pem(dir, "ovds.pem", other_vds_key) || !(ca_key = EVP_RSA_gen(2048)) ||
        !(issuer_key = EVP_RSA_gen(2048)) || !write_ca_pub())
        return -1;
    snprintf(a, sizeof a, "%s/shc.key.pem", dir);
    issuer = shc_issuer_load(a, "https://center.kofu.test/issuer", err, sizeof err);
    snprintf(a, sizeof a, "%s/vds.pem", dir);
    snprintf(b, sizeof b, "%s/vds.key.pem", dir);
    signer = vds_signer_load(a, b, err, sizeof err);
    snprintf(a, sizeof a, "%s/ovds.pem", dir);
    snprintf(b, sizeof b, "%s/ovds.key.pem", dir);
    other_signer = vds_signer_load(a, b, err, sizeof err);
    db = store_open(NULL, FIXTURE, err, sizeof err);
    if (!issuer || !signer || !other_signer || !db)
        return -1;
    make_card(&YAMADA, "123456789018", "山田　太郎", "19800217", false);
    make_card(&LONGNAME, "987654321000", "寿限無　寿限無五劫の擦り切れ海砂利水魚", "20010101", false);
    make_card(&NORECORD, "314159265352", "高橋　次郎", "19920505", false);
    make_card(&FORGED, "123456789018", "山田　太郎", "19800217", true);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    remove(ca_pem);
    remove(card_ca_dir);
    kt_rmdir_flat(dir);
    store_close(db);
    shc_issuer_free(issuer);
    vds_signer_free(signer);
    vds_signer_free(other_signer);
    EVP_PKEY_free(other_vds_key);
    EVP_PKEY_free(shc_key);
    EVP_PKEY_free(vds_key);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(issuer_key);
    vault_destroy();
    return 0;
}

/* A fresh api (fresh counters, memory and faults) for every test. */
static int setup(void **state)
{
    (void)state;
    clk_set(OPEN_TIME);
    routes = api_new(db, issuer, signer, card_ca_dir);
    return routes ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    agreed_terms = API_TERMS_VERSION_DEFAULT;
    api_free(routes);
    clk_use_real();
    return 0;
}

/* ---- helpers ----------------------------------------------------------------------------- */

static char *cert_body(const struct card *c, const char *request_id, const char *muni, const char *kind)
{
    json_t *v = json_pack("{s:s, s:{s:s, s:s, s:s, s:s}, s:s, s:s, s:i, s:s}", "request_id", request_id, "card",
                          "my_number", c->b64[0], "attributes", c->b64[1], "integrity", c->b64[2], "cv_certificate",
                          c->b64[3], "municipality", muni, "kind", kind, "copies", 1, "language", "ja");
    if (agreed_terms)
        json_object_set_new(v, "terms_version", json_string(agreed_terms));
    char *s = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    return s;
}

/* What kofu 1.1 sends (docs/center-protocol.md §1). */
#define KIOSK_AGENT "kofu/1.1 (0.2.0)"

/* One request; returns the status, and the parsed body in *out (or NULL). */
static int call(enum cslog_method m, const char *path, const char *body, json_t **out)
{
    struct api_request rq = {m, path, false, body ? "application/json" : NULL, (const uint8_t *)body,
                             body ? strlen(body) : 0, "kiosk-0001", false, KIOSK_AGENT};
    struct api_reply rp;
    api_handle(routes, &rq, &rp);
    assert_true(vault_is_clean());
    int status = rp.status;
    if (out) {
        json_error_t e;
        *out = rp.body ? json_loadb(rp.body, rp.len, 0, &e) : NULL;
    }
    api_reply_free(&rp);
    return status;
}

static int certify(const struct card *c, const char *rid, const char *muni, const char *kind, json_t **out)
{
    char *body = cert_body(c, rid, muni, kind);
    int st = call(CSLOG_POST, "/kofu/v1/certificates", body, out);
    wipeheap_free(body);
    return st;
}

/* vp is read only after `status` was computed (argument order is unspecified). */
static void expect_error(int status, json_t **vp, int want_status, const char *want_code)
{
    json_t *v = *vp;
    *vp = NULL;
    assert_int_equal(status, want_status);
    json_t *e = json_object_get(v, "error");
    assert_string_equal(json_string_value(json_object_get(e, "code")), want_code);
    assert_true(json_string_length(json_object_get(e, "message_ja")) > 0);
    assert_true(json_string_length(json_object_get(e, "message_en")) > 0);
    json_decref(v);
}

#define RID1 "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a10"
#define RID2 "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a11"
#define RID3 "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a12"

/* ---- tests --------------------------------------------------------------------------------- */

static void test_config(void **state)
{
    (void)state;
    json_t *v = NULL;
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), 200);
    assert_int_equal(json_integer_value(json_object_get(v, "protocol")), 1);
    assert_int_equal(json_array_size(json_object_get(v, "municipalities")), 3);
    json_decref(v);
    api_set_hours(routes, 600, 660);
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "service_hours"), "open")), "10:00");
    json_decref(v);
    api_set_hours(routes, 0, 1440); /* --hours 00:00-24:00: always open */
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "service_hours"), "close")), "24:00");
    json_decref(v);
    assert_int_equal(call(CSLOG_GET, "/issuer/.well-known/jwks.json", NULL, &v), 200);
    assert_non_null(json_object_get(v, "keys"));
    json_decref(v);
}

static void test_domestic_and_retry(void **state)
{
    (void)state;
    json_t *a = NULL, *b = NULL;
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &a), 200);
    assert_int_equal(json_array_size(json_object_get(a, "documents")), 1);
    assert_int_equal(json_array_size(json_object_get(a, "doses")), 2);
    assert_string_equal(json_string_value(json_object_get(a, "issue_date")), "2026-11-27");
    assert_int_equal(json_integer_value(json_object_get(a, "issued_at")), OPEN_TIME);
    assert_null(json_object_get(a, "passport"));
    const char *id = json_string_value(json_object_get(a, "certificate_id"));
    assert_true(api_certificate_id_valid(id) && strncmp(id, "JP-131016-2026-", 15) == 0);
    clk_set(OPEN_TIME + 30);
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &b), 200);
    assert_string_equal(json_string_value(json_object_get(b, "certificate_id")), id);
    assert_int_equal(json_integer_value(json_object_get(b, "issued_at")), OPEN_TIME);
    assert_int_equal(api_get_stats(routes).issued, 1);
    json_decref(b);
    /* the same request_id for another request */
    expect_error(certify(&YAMADA, RID1, "131024", "domestic", &b), &b, 400, "bad-request");
    /* closing at 17:02: five minutes later a retry is still answered, a new request is not */
    api_set_hours(routes, 6 * 60 + 30, 17 * 60 + 2);
    clk_set(OPEN_TIME + 300);
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &b), 200);
    json_decref(b);
    expect_error(certify(&YAMADA, RID2, "131016", "domestic", &b), &b, 403, "outside-service-hours");
    json_decref(a);
}

/* The same request again is answered from memory without the terms,
 * hours and participation checks: a municipality that left since, or
 * closing time, does not take back an issued certificate. */
static void test_retry_skips_later_checks(void **state)
{
    (void)state;
    json_t *a = NULL, *b = NULL;
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &a), 200);
    assert_true(api_set_participating(routes, "131016", false));
    assert_true(api_set_terms(routes, "2027-01", NULL, NULL));
    api_set_hours(routes, 0, 60);
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &b), 200);
    assert_string_equal(json_string_value(json_object_get(a, "certificate_id")),
                        json_string_value(json_object_get(b, "certificate_id")));
    json_decref(b);
    /* a new request meets every check, the first that fails answers */
    expect_error(certify(&YAMADA, RID2, "131016", "domestic", &b), &b, 409, "terms-outdated");
    agreed_terms = "2027-01";
    expect_error(certify(&YAMADA, RID2, "131016", "domestic", &b), &b, 403, "outside-service-hours");
    api_set_hours(routes, 0, 1440);
    expect_error(certify(&YAMADA, RID2, "131016", "domestic", &b), &b, 403, "municipality-not-participating");
    /* the same request means the same card files, municipality and kind: copies, language and
     * terms_version do not count */
    char *body = cert_body(&YAMADA, RID1, "131016", "domestic");
    json_error_t je;
    json_t *req = json_loads(body, 0, &je);
    wipeheap_free(body);
    json_object_set_new(req, "copies", json_integer(3));
    json_object_set_new(req, "language", json_string("en"));
    json_object_set_new(req, "terms_version", json_string("1999-01-01"));
    body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    assert_int_equal(call(CSLOG_POST, "/kofu/v1/certificates", body, &b), 200);
    wipeheap_free(body);
    assert_string_equal(json_string_value(json_object_get(a, "certificate_id")),
                        json_string_value(json_object_get(b, "certificate_id")));
    json_decref(b);
    expect_error(certify(&YAMADA, RID1, "131016", "overseas", &b), &b, 400, "bad-request");
    expect_error(certify(&LONGNAME, RID1, "131016", "domestic", &b), &b, 400, "bad-request");
    assert_true(api_set_participating(routes, "131016", true));
    assert_int_equal(api_get_stats(routes).issued, 1);
    json_decref(a);
}

static void test_overseas(void **state)
{
    (void)state;
    json_t *a = NULL;
    assert_int_equal(certify(&YAMADA, RID1, "131041", "overseas", &a), 200);
    json_t *docs = json_object_get(a, "documents");
    assert_int_equal(json_array_size(docs), 2);
    json_t *seal = json_object_get(json_array_get(docs, 1), "seal");
    json_t *msg = json_object_get(json_object_get(seal, "data"), "msg");
    assert_string_equal(json_string_value(json_object_get(msg, "uvci")),
                        json_string_value(json_object_get(a, "certificate_id")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(a, "passport"), "number")), "TZ1234567");
    /* seq: the dose's place in the whole series (after 131016's two), ctr and doses[].country agree */
    json_t *vd = json_array_get(json_object_get(json_array_get(json_object_get(msg, "ve"), 0), "vd"), 0);
    assert_int_equal(json_integer_value(json_object_get(vd, "seq")), 3);
    assert_string_equal(json_string_value(json_object_get(vd, "ctr")), "JPN");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(a, "doses"), 0), "country")),
                        "JPN");
    assert_string_equal(json_string_value(json_object_get(json_object_get(a, "issuer"), "mayor_ja")), "区長");
    json_decref(a);
}

/* ---- the passport chip (protocol 2) --------------------------------------------------- */

#define CERTS_V2 "/kofu/v2/certificates"

/* A DG1 (tests/lib/td3.h) for a JPN holder, base64 into out. */
static void dg1_b64(char *out, size_t cap, const char *name, const char *number, const char *birth, char sex,
                    const char *expiry)
{
    uint8_t dg1[TD3_DG1_LEN];
    td3_dg1(&(struct td3_holder){"JPN", name, number, "JPN", birth, sex, expiry}, dg1);
    assert_true(b64_encode(dg1, sizeof dg1, out, cap, false));
}

/* The chip of the synthetic holder of yamada.json: YAMADA TARO, TZ1234567
 * in the center's records, but this chip's number is a newer passport's. */
static json_t *yamada_chip(const char *number)
{
    char dg1[200];
    dg1_b64(dg1, sizeof dg1, "YAMADA<<TARO", number, "800217", 'M', "310331");
    /* EF.SOD: any bytes, since centersim does not verify it. */
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "number", number,
                     "nationality", "JPN", "issuing_state", "JPN", "surname", "YAMADA", "given_names", "TARO",
                     "name_roman", "YAMADA TARO", "birth_date", "1980-02-17", "sex", "M", "expiry_date", "2031-03-31",
                     "access", "PACE", "passive_auth", 1, "dg1", dg1, "sod", "MIIBAAECAwQFBgcICQ==");
}

/* POST to path with passport (stolen; NULL: none). */
static int certify_chip(const struct card *c, const char *path, const char *rid, const char *kind, json_t *passport,
                        json_t **out)
{
    /* 131041 has one of YAMADA's doses, 131016 LONGNAME's */
    char *body = cert_body(c, rid, c == &LONGNAME ? "131016" : "131041", kind);
    json_error_t je;
    json_t *req = json_loads(body, 0, &je);
    wipeheap_free(body);
    if (passport)
        json_object_set_new(req, "passport", passport);
    body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    int st = call(CSLOG_POST, path, body, out);
    wipeheap_free(body);
    return st;
}

static const char *seal_pid(json_t *answer, const char *key)
{
    json_t *seal = json_object_get(json_array_get(json_object_get(answer, "documents"), 1), "seal");
    return json_string_value(
        json_object_get(json_object_get(json_object_get(json_object_get(seal, "data"), "msg"), "pid"), key));
}

/* /kofu/v2/config says protocol 2, /kofu/v1/config protocol 1. */
static void test_protocol_paths(void **state)
{
    (void)state;
    json_t *v = NULL;
    assert_int_equal(call(CSLOG_GET, "/kofu/v2/config", NULL, &v), 200);
    assert_int_equal(json_integer_value(json_object_get(v, "protocol")), 2);
    json_decref(v);
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), 200);
    assert_int_equal(json_integer_value(json_object_get(v, "protocol")), 1);
    json_decref(v);
    expect_error(call(CSLOG_GET, "/kofu/v3/config", NULL, &v), &v, 404, "not-found");
    expect_error(call(CSLOG_GET, CERTS_V2, NULL, &v), &v, 405, "bad-request");
}

/* The seal and the answer's passport carry the chip's name and number, not
 * the registered passport's; a resident with none registered is served. */
static void test_passport_chip(void **state)
{
    (void)state;
    json_t *a = NULL, *b = NULL;
    assert_int_equal(certify_chip(&YAMADA, CERTS_V2, RID1, "overseas", yamada_chip("TZ7777777"), &a), 200);
    assert_string_equal(seal_pid(a, "i"), "TZ7777777");
    assert_string_equal(seal_pid(a, "n"), "YAMADA TARO");
    assert_string_equal(seal_pid(a, "dob"), "1980-02-17");
    json_t *echo = json_object_get(a, "passport");
    assert_string_equal(json_string_value(json_object_get(echo, "number")), "TZ7777777");
    assert_string_equal(json_string_value(json_object_get(echo, "nationality")), "JPN");
    assert_string_equal(json_string_value(json_object_get(echo, "name_roman")), "YAMADA TARO");
    /* The retry: the same DG1, the same certificate; another DG1 under the same request_id is another request. */
    assert_int_equal(certify_chip(&YAMADA, CERTS_V2, RID1, "overseas", yamada_chip("TZ7777777"), &b), 200);
    assert_string_equal(json_string_value(json_object_get(a, "certificate_id")),
                        json_string_value(json_object_get(b, "certificate_id")));
    json_decref(b);
    expect_error(certify_chip(&YAMADA, CERTS_V2, RID1, "overseas", yamada_chip("TZ7777778"), &b), &b, 400,
                 "bad-request");
    /* The registered-passport fault: the chip ignored, the registered passport sealed. */
    char err[128];
    assert_true(fault_parse(api_faults(routes), "registered-passport", err, sizeof err));
    assert_int_equal(certify_chip(&YAMADA, CERTS_V2, RID3, "overseas", yamada_chip("TZ7777777"), &b), 200);
    assert_string_equal(seal_pid(b, "i"), "TZ1234567");
    json_decref(b);
    fault_clear(api_faults(routes));
    /* Without the chip, protocol 2 still takes the registered passport. */
    assert_int_equal(certify_chip(&YAMADA, CERTS_V2, RID2, "overseas", NULL, &b), 200);
    assert_string_equal(seal_pid(b, "i"), "TZ1234567");
    json_decref(b);
    json_decref(a);

    /* LONGNAME has no passport registered: the chip is enough. */
    char dg1[200];
    dg1_b64(dg1, sizeof dg1, "JUGEMU<<JUGEMU<GOKO", "TK1111111", "010101", 'F', "300101");
    json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "number", "TK1111111",
                          "nationality", "JPN", "issuing_state", "JPN", "surname", "JUGEMU", "given_names",
                          "JUGEMU GOKO", "name_roman", "JUGEMU JUGEMU GOKO", "birth_date", "2001-01-01", "sex", "F",
                          "expiry_date", "2030-01-01", "access", "BAC", "passive_auth", 1, "dg1", dg1, "sod", "AA==");
    char *body = cert_body(&LONGNAME, "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a14", "131016", "overseas");
    json_error_t je;
    json_t *req = json_loads(body, 0, &je);
    wipeheap_free(body);
    json_object_set_new(req, "passport", p);
    body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    assert_int_equal(call(CSLOG_POST, CERTS_V2, body, &a), 200);
    assert_string_equal(seal_pid(a, "n"), "JUGEMU JUGEMU GOKO");
    assert_string_equal(seal_pid(a, "i"), "TK1111111");
    json_decref(a);
    /* Protocol 1 knows no passport member. */
    expect_error(call(CSLOG_POST, "/kofu/v1/certificates", body, &a), &a, 400, "bad-request");
    wipeheap_free(body);
    expect_error(certify_chip(&LONGNAME, CERTS_V2, "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a13", "overseas", NULL, &a), &a, 404,
                 "passport-not-registered");
    assert_int_equal(api_get_stats(routes).issued, 4);
}

/* Every refusal of a passport: 400, nothing issued. */
static void test_passport_refused(void **state)
{
    (void)state;
    json_t *v = NULL;
    static const struct {
        const char *key, *value; /* value NULL: the member removed */
    } bad[] = {
        {"number", "TZ7777778"},          /* not DG1's */
        {"number", "tz7777777"},          /* form */
        {"surname", "YAMADO"},            /* not DG1's (name_roman too) */
        {"name_roman", "TARO YAMADA"},    /* not made from surname and given_names */
        {"name_roman", "YAMADA  TARO"},
        {"given_names", ""},              /* DG1 has a given name */
        {"nationality", "JP1"},
        {"issuing_state", "UTO"},         /* not DG1's */
        {"sex", "F"},                     /* not DG1's */
        {"sex", "<"},                     /* the MRZ's filler is sent as X */
        {"expiry_date", "2031-03-30"},    /* not DG1's */
        {"expiry_date", "1931-03-31"},    /* expiry is 20YY */
        {"birth_date", "19800217"},       /* form */
        {"access", "CA"},
        {"dg1", "not base64"},
        {"sod", ""},                      /* empty */
        {"sod", NULL},
        {"passive_auth", NULL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *p = yamada_chip("TZ7777777");
        if (bad[i].value)
            json_object_set_new(p, bad[i].key, json_string(bad[i].value));
        else
            json_object_del(p, bad[i].key);
        if (!strcmp(bad[i].key, "surname"))
            json_object_set_new(p, "name_roman", json_string("YAMADO TARO"));
        int st = certify_chip(&YAMADA, CERTS_V2, RID1, "overseas", p, &v);
        if (st != 400)
            fail_msg("passport.%s = %s: %d", bad[i].key, bad[i].value ? bad[i].value : "(none)", st);
        expect_error(st, &v, 400, "bad-request");
    }
    json_t *p = yamada_chip("TZ7777777");
    json_object_set_new(p, "passive_auth", json_false());
    expect_error(certify_chip(&YAMADA, CERTS_V2, RID1, "overseas", p, &v), &v, 400, "bad-request");
    p = yamada_chip("TZ7777777");
    json_object_set_new(p, "photo", json_string("AA=="));
    expect_error(certify_chip(&YAMADA, CERTS_V2, RID1, "overseas", p, &v), &v, 400, "bad-request");
    /* A check digit that does not hold: DG1 changed in its number, nothing else. */
    p = yamada_chip("TZ7777777");
    char dg1[200];
    dg1_b64(dg1, sizeof dg1, "YAMADA<<TARO", "TZ7777777", "800217", 'M', "310331");
    uint8_t raw[93];
    size_t n = 0;
    assert_true(b64_decode(dg1, strlen(dg1), raw, sizeof raw, &n, false));
    raw[5 + 44 + 9] = raw[5 + 44 + 9] == '0' ? '1' : '0';
    assert_true(b64_encode(raw, n, dg1, sizeof dg1, false));
    json_object_set_new(p, "dg1", json_string(dg1));
    expect_error(certify_chip(&YAMADA, CERTS_V2, RID1, "overseas", p, &v), &v, 400, "bad-request");
    /* With a domestic request. */
    expect_error(certify_chip(&YAMADA, CERTS_V2, RID1, "domestic", yamada_chip("TZ7777777"), &v), &v, 400,
                 "bad-request");
    /* Another birth date than the card's, DG1 agreeing with it: check 7. */
    dg1_b64(dg1, sizeof dg1, "YAMADA<<TARO", "TZ7777777", "800218", 'M', "310331");
    p = yamada_chip("TZ7777777");
    json_object_set_new(p, "dg1", json_string(dg1));
    json_object_set_new(p, "birth_date", json_string("1980-02-18"));
    expect_error(certify_chip(&YAMADA, CERTS_V2, RID1, "overseas", json_deep_copy(p), &v), &v, 400, "bad-request");
    assert_int_equal(api_get_stats(routes).issued, 0);
    /* The passport-birth-unchecked fault leaves that check out. */
    char err[128];
    assert_true(fault_parse(api_faults(routes), "passport-birth-unchecked", err, sizeof err));
    assert_int_equal(certify_chip(&YAMADA, CERTS_V2, RID2, "overseas", p, &v), 200);
    json_decref(v);
    fault_clear(api_faults(routes));
    /* ...and the same chip with the right birth date goes through: the refusals were the changes'. */
    assert_int_equal(certify_chip(&YAMADA, CERTS_V2, RID1, "overseas", yamada_chip("TZ7777777"), &v), 200);
    json_decref(v);
}

/* The DG1 reader alone: the ICAO 9303 part 3 specimen. */
static void test_passport_dg1_specimen(void **state)
{
    (void)state;
    static const char mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
                              "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    uint8_t dg1[93] = {0x61, 0x5B, 0x5F, 0x1F, 0x58};
    memcpy(dg1 + 5, mrz, 88);
    struct passport_fields f = {"L898902C3", "UTO", "UTO", "ERIKSSON", "ANNA MARIA", "ERIKSSON ANNA MARIA",
                                "1974-08-12", "F", "2012-04-15", "BAC"};
    assert_true(passport_fields_valid(&f));
    assert_true(passport_dg1_matches(dg1, sizeof dg1, &f));
    assert_int_equal(passport_check_digit("L898902C3", 9), 6);
    /* The tests' DG1 builder makes the specimen's bytes, check digits included. */
    uint8_t built[TD3_DG1_LEN];
    td3_dg1(&(struct td3_holder){"UTO", "ERIKSSON<<ANNA<MARIA", "L898902C3", "UTO", "740812", 'F', "120415"},
            built);
    memcpy(built + 5 + 44 + 28, "ZE184226B", 9); /* its optional data (a personal number) */
    built[5 + 44 + 42] = (uint8_t)td3_check_digit((const char *)built + 5 + 44 + 28, 14);
    char comp[39];
    memcpy(comp, built + 5 + 44, 10);
    memcpy(comp + 10, built + 5 + 44 + 13, 7);
    memcpy(comp + 17, built + 5 + 44 + 21, 22);
    built[5 + 87] = (uint8_t)td3_check_digit(comp, sizeof comp);
    assert_memory_equal(built, dg1, sizeof dg1);
    f.given_names = "ANNA";
    f.name_roman = "ERIKSSON ANNA";
    assert_true(passport_fields_valid(&f));
    assert_false(passport_dg1_matches(dg1, sizeof dg1, &f));
    f.given_names = "ANNA MARIA";
    f.name_roman = "ERIKSSON ANNA MARIA";
    assert_false(passport_dg1_matches(dg1, sizeof dg1 - 1, &f)); /* cut short */
    dg1[1] = 0x5C;
    assert_false(passport_dg1_matches(dg1, sizeof dg1, &f)); /* length beyond the data */
    dg1[1] = 0x5B;
    dg1[5 + 87] = '1'; /* the composite check digit */
    assert_false(passport_dg1_matches(dg1, sizeof dg1, &f));
    dg1[5 + 87] = '0';
    dg1[5] = 'V'; /* not a passport */
    assert_false(passport_dg1_matches(dg1, sizeof dg1, &f));
}

static void test_error_codes(void **state)
{
    (void)state;
    json_t *v = NULL;
    expect_error(certify(&YAMADA, RID1, "131024", "domestic", &v), &v, 404, "no-record");
    expect_error(certify(&NORECORD, RID1, "131016", "domestic", &v), &v, 404, "no-record");
    expect_error(certify(&YAMADA, RID1, "131130", "domestic", &v), &v, 403, "municipality-not-participating");
    /* a valid code the center does not know at all is check 5's 403 too, not a shape error */
    expect_error(certify(&YAMADA, RID1, "131032", "domestic", &v), &v, 403, "municipality-not-participating");
    expect_error(certify(&FORGED, RID1, "131016", "domestic", &v), &v, 403, "card-not-authentic");
    expect_error(certify(&LONGNAME, RID1, "131016", "overseas", &v), &v, 404, "passport-not-registered");
    expect_error(certify(&LONGNAME, RID1, "011002", "domestic", &v), &v, 403, "municipality-not-participating");
    clk_set(OPEN_TIME + 8 * 3600); /* 01:00 Japan time */
    expect_error(certify(&YAMADA, RID1, "131016", "domestic", &v), &v, 403, "outside-service-hours");
    assert_int_equal(api_get_stats(routes).issued, 0);
}


/* The terms of use: served with /config; a request must carry the current
 * version (none: 400; another: 409 terms-outdated, nothing issued); a retry
 * of an issued certificate is answered after the terms changed. */
static void test_terms(void **state)
{
    (void)state;
    json_t *v = NULL, *a = NULL;
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), 200);
    json_t *t = json_object_get(v, "terms");
    assert_string_equal(json_string_value(json_object_get(t, "version")), API_TERMS_VERSION_DEFAULT);
    assert_true(json_string_length(json_object_get(t, "ja")) > 500);
    assert_true(json_string_length(json_object_get(t, "en")) > 500);
    json_decref(v);

    agreed_terms = NULL;
    expect_error(certify(&YAMADA, RID1, "131016", "domestic", &v), &v, 400, "bad-request");
    agreed_terms = "no spaces";
    expect_error(certify(&YAMADA, RID1, "131016", "domestic", &v), &v, 400, "bad-request");
    agreed_terms = "2025-01-01";
    expect_error(certify(&YAMADA, RID1, "131016", "domestic", &v), &v, 409, "terms-outdated");
    assert_int_equal(api_get_stats(routes).issued, 0);
    agreed_terms = API_TERMS_VERSION_DEFAULT;
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &a), 200);

    /* New terms: bad ones are refused and change nothing. */
    assert_false(api_set_terms(routes, "", NULL, NULL));
    assert_false(api_set_terms(routes, "v 2", NULL, NULL));
    assert_false(api_set_terms(routes, "123456789012345678901234567890123", NULL, NULL)); /* 33 */
    assert_false(api_set_terms(routes, "v2", "", NULL));
    assert_false(api_set_terms(routes, "v2", "bell\a", NULL));
    assert_string_equal(api_terms_version(routes), API_TERMS_VERSION_DEFAULT);
    assert_true(api_set_terms(routes, "2027-04.v2_b", "新しい規約\n第1条", "New terms\n1."));
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), 200);
    t = json_object_get(v, "terms");
    assert_string_equal(json_string_value(json_object_get(t, "version")), "2027-04.v2_b");
    assert_string_equal(json_string_value(json_object_get(t, "en")), "New terms\n1.");
    json_decref(v);
    /* The consent given under the old terms still fetches its certificate... */
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &v), 200);
    assert_string_equal(json_string_value(json_object_get(v, "certificate_id")),
                        json_string_value(json_object_get(a, "certificate_id")));
    json_decref(v);
    json_decref(a);
    /* ...but no new request goes through with it. */
    expect_error(certify(&YAMADA, RID2, "131016", "domestic", &v), &v, 409, "terms-outdated");
    agreed_terms = "2027-04.v2_b";
    assert_int_equal(certify(&YAMADA, RID2, "131016", "domestic", &v), 200);
    json_decref(v);
    assert_int_equal(api_get_stats(routes).issued, 2);
    assert_int_equal(api_error_status(API_E_TERMS_OUTDATED), 409);
    assert_string_equal(api_error_code(API_E_TERMS_OUTDATED), "terms-outdated");
}

static void test_bad_requests(void **state)
{
    (void)state;
    json_t *v = NULL;
    expect_error(certify(&YAMADA, "5F0C6A0E-3F8E-4B8F-9A51-0D7F3B9C2A10", "131016", "domestic", &v), &v, 400,
                 "bad-request");
    /* a wrong check digit breaks the request's shape (131016 is Chiyoda's code) */
    expect_error(certify(&YAMADA, RID1, "131017", "domestic", &v), &v, 400, "bad-request");
    expect_error(certify(&YAMADA, RID1, "131016", "both", &v), &v, 400, "bad-request");
    expect_error(call(CSLOG_POST, "/kofu/v1/certificates", "{}", &v), &v, 400, "bad-request");
    expect_error(call(CSLOG_POST, "/kofu/v1/certificates", "not json", &v), &v, 400, "bad-request");
    expect_error(call(CSLOG_GET, "/kofu/v1/certificates", NULL, &v), &v, 405, "bad-request");
    expect_error(call(CSLOG_GET, "/kofu/v1/nothing", NULL, &v), &v, 404, "not-found");
    struct api_request big = {CSLOG_POST, "/kofu/v1/certificates", false, "application/json", NULL,
                              API_BODY_MAX + 1, "kiosk-0001", false, KIOSK_AGENT};
    struct api_request no_kiosk = {CSLOG_GET, "/kofu/v1/config", false, NULL, NULL, 0, NULL, false, KIOSK_AGENT};
    struct api_request query = {CSLOG_GET, "/kofu/v1/config", true, NULL, NULL, 0, "kiosk-0001", false, KIOSK_AGENT};
    struct api_reply rp;
    api_handle(routes, &big, &rp);
    assert_int_equal(rp.status, 413);
    api_reply_free(&rp);
    api_handle(routes, &no_kiosk, &rp);
    assert_int_equal(rp.status, 400);
    api_reply_free(&rp);
    api_handle(routes, &query, &rp);
    assert_int_equal(rp.status, 400);
    api_reply_free(&rp);
}

/* The public listener: the issuer's key set to anyone, nothing else. */
static void test_public_channel(void **state)
{
    (void)state;
    struct api_request rq = {CSLOG_GET, "/issuer/.well-known/jwks.json", false, NULL, NULL, 0, NULL, true, NULL};
    struct api_reply rp;
    json_error_t e;
    api_handle(routes, &rq, &rp);
    assert_int_equal(rp.status, 200);
    json_t *v = json_loadb(rp.body, rp.len, 0, &e);
    json_t *k = json_array_get(json_object_get(v, "keys"), 0);
    assert_string_equal(json_string_value(json_object_get(k, "kid")), shc_issuer_kid(issuer));
    assert_null(json_object_get(k, "d"));
    json_decref(v);
    api_reply_free(&rp);
    static const char *const not_public[] = {"/.well-known/jwks.json", "/kofu/v1/config", "/kofu/v1/certificates",
                                             "/issuer/.well-known/jwks.json/", "/"};
    for (size_t i = 0; i < sizeof not_public / sizeof not_public[0]; i++) {
        rq.path = not_public[i];
        rq.kiosk = "kiosk-0001"; /* no identity counts there */
        api_handle(routes, &rq, &rp);
        assert_int_equal(rp.status, 404);
        api_reply_free(&rp);
    }
    rq.path = "/issuer/.well-known/jwks.json";
    rq.method = CSLOG_POST;
    api_handle(routes, &rq, &rp);
    assert_int_equal(rp.status, 405);
    assert_string_equal(rp.allow, "GET");
    api_reply_free(&rp);
    rq.method = CSLOG_GET;
    rq.has_query = true;
    api_handle(routes, &rq, &rp);
    assert_int_equal(rp.status, 400);
    api_reply_free(&rp);
}

/* A kiosk's revision from its User-Agent (§1, §7): kofu/1.N is 1.N; kofu/1,
 * none, or anything else is 1.0, the strictest; and the status counts the
 * kiosk-channel requests of 1.0 kiosks (the public channel has none). */
static void test_kiosk_revision(void **state)
{
    (void)state;
    assert_int_equal(api_kiosk_revision(KIOSK_AGENT), 1);
    assert_int_equal(api_kiosk_revision("kofu/1.1"), 1);
    assert_int_equal(api_kiosk_revision("kofu/1.12 (3.0.0-rc1)"), 12);
    assert_int_equal(api_kiosk_revision("kofu/1"), 0);
    assert_int_equal(api_kiosk_revision(NULL), 0);
    assert_int_equal(api_kiosk_revision(""), 0);
    assert_int_equal(api_kiosk_revision("curl/8.5.0"), 0);
    assert_int_equal(api_kiosk_revision("kofu/1."), 0);
    assert_int_equal(api_kiosk_revision("kofu/1.1x"), 0);
    assert_int_equal(api_kiosk_revision("kofu/1.1(0.2.0)"), 0);
    assert_int_equal(api_kiosk_revision("kofu/1.1000"), 0);
    assert_int_equal(api_kiosk_revision("kofu/2.0"), 0);
    assert_int_equal(api_kiosk_revision("Kofu/1.1"), 0);

    api_reset_stats(routes);
    static const char *const agents[] = {KIOSK_AGENT, "kofu/1", NULL, "curl/8.5.0", "kofu/1.2"};
    struct api_reply rp;
    for (size_t i = 0; i < sizeof agents / sizeof agents[0]; i++) {
        struct api_request rq = {CSLOG_GET, "/kofu/v1/config", false, NULL, NULL, 0, "kiosk-0001", false, agents[i]};
        api_handle(routes, &rq, &rp);
        assert_int_equal(rp.status, 200);
        api_reply_free(&rp);
    }
    struct api_request pub = {CSLOG_GET, "/issuer/.well-known/jwks.json", false, NULL, NULL, 0, NULL, true, NULL};
    api_handle(routes, &pub, &rp);
    assert_int_equal(rp.status, 200);
    api_reply_free(&rp);
    assert_int_equal(api_get_stats(routes).requests, 6);
    assert_int_equal(api_get_stats(routes).revision_1_0, 3);
    api_reset_stats(routes);
    assert_int_equal(api_get_stats(routes).revision_1_0, 0);
}

static void test_faults(void **state)
{
    (void)state;
    json_t *v = NULL;
    struct fault_set *f = api_faults(routes);
    struct api_request rq = {CSLOG_GET, "/kofu/v1/config", false, NULL, NULL, 0, "kiosk-0001", false, KIOSK_AGENT};
    struct api_reply rp;
    f->status = 503;
    expect_error(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), &v, 503, "busy");
    f->status = 504;
    expect_error(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), &v, 504, "gateway-timeout");
    fault_clear(f);
    f->malformed_json = true;
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), 200);
    assert_null(v);
    fault_clear(f);
    f->oversized_json = true;
    api_handle(routes, &rq, &rp);
    assert_int_equal(rp.len, API_OVERSIZED_BODY);
    api_reply_free(&rp);
    fault_clear(f);
    f->latency_ms = 250;
    f->drop_mid_body = true;
    api_handle(routes, &rq, &rp);
    assert_int_equal(rp.latency_ms, 250);
    assert_true(rp.drop_mid_body);
    api_reply_free(&rp);
    fault_clear(f);
    f->fail_count = 2;
    expect_error(certify(&YAMADA, RID2, "131016", "domestic", &v), &v, 503, "busy");
    expect_error(certify(&YAMADA, RID2, "131016", "domestic", &v), &v, 503, "busy");
    assert_int_equal(certify(&YAMADA, RID2, "131016", "domestic", &v), 200);
    json_decref(v);
    f->other_person = true;
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &v), 200);
    json_t *dose0 = json_array_get(json_object_get(v, "doses"), 0);
    assert_string_equal(json_string_value(json_object_get(dose0, "lot")), "EY2173"); /* 佐藤 花子's */
    json_decref(v);
}

static void test_completions(void **state)
{
    (void)state;
    json_t *a = NULL, *v = NULL;
    char body[512];
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &a), 200);
    const char *id = json_string_value(json_object_get(a, "certificate_id"));
    snprintf(body, sizeof body,
             "{\"request_id\":\"%s\",\"certificate_id\":\"%s\",\"outcome\":\"printed\",\"copies_printed\":2,"
             "\"amount_yen\":240}",
             RID1, id);
    assert_int_equal(call(CSLOG_POST, "/kofu/v1/completions", body, NULL), 204);
    assert_int_equal(call(CSLOG_POST, "/kofu/v1/completions", body, NULL), 204);
    assert_int_equal(api_get_stats(routes).completions, 1);
    snprintf(body, sizeof body,
             "{\"request_id\":\"%s\",\"certificate_id\":\"JP-OTHER\",\"outcome\":\"printed\",\"copies_printed\":1,"
             "\"amount_yen\":120}",
             RID1);
    expect_error(call(CSLOG_POST, "/kofu/v1/completions", body, &v), &v, 400, "bad-request");
    snprintf(body, sizeof body,
             "{\"request_id\":\"%s\",\"certificate_id\":\"%s\",\"outcome\":\"refunded\",\"copies_printed\":0,"
             "\"amount_yen\":120}",
             RID1, id);
    expect_error(call(CSLOG_POST, "/kofu/v1/completions", body, &v), &v, 400, "bad-request");
    /* A refund receipt owed: its amount, and stored beside the first report. */
    snprintf(body, sizeof body,
             "{\"request_id\":\"%s\",\"certificate_id\":\"%s\",\"outcome\":\"refund-owed\",\"copies_printed\":0,"
             "\"amount_yen\":1000}",
             RID1, id);
    assert_int_equal(call(CSLOG_POST, "/kofu/v1/completions", body, NULL), 204);
    assert_int_equal(api_get_stats(routes).completions, 2);
    snprintf(body, sizeof body,
             "{\"request_id\":\"%s\",\"certificate_id\":\"%s\",\"outcome\":\"refund-owed\",\"copies_printed\":0,"
             "\"amount_yen\":0}",
             RID1, id);
    expect_error(call(CSLOG_POST, "/kofu/v1/completions", body, &v), &v, 400, "bad-request");
    json_decref(a);
}

static int complete(const char *rid, const char *cert_id, const char *outcome, int copies, int amount)
{
    char body[512];
    json_t *v = NULL;
    snprintf(body, sizeof body,
             "{\"request_id\":\"%s\",\"certificate_id\":\"%s\",\"outcome\":\"%s\",\"copies_printed\":%d,"
             "\"amount_yen\":%d}",
             rid, cert_id, outcome, copies, amount);
    int st = call(CSLOG_POST, "/kofu/v1/completions", body, &v);
    json_decref(v);
    return st;
}

/* certificate_id "" means "no certificate reached the kiosk": valid with
 * failed only, also for a request the center remembers under another id;
 * counted undelivered only when this center issued for the request. */
static void test_undelivered_completion(void **state)
{
    (void)state;
    json_t *a = NULL;
    char line[API_RECENT_LINE_MAX];
    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &a), 200);
    json_decref(a);
    assert_int_equal(complete(RID1, "", "printed", 1, 120), 400);
    assert_int_equal(complete(RID1, "", "refunded", 0, 0), 400);
    assert_int_equal(complete(RID1, "", "refund-owed", 0, 500), 400);
    assert_int_equal(api_get_stats(routes).completions, 0);
    assert_int_equal(complete(RID1, "", "failed", 0, 0), 204);
    assert_int_equal(complete(RID1, "", "failed", 0, 0), 204); /* a repeat is stored once */
    struct api_stats st = api_get_stats(routes);
    assert_int_equal(st.completions, 1);
    assert_int_equal(st.undelivered, 1);
    /* a request the center refused (never issued): stored, not undelivered */
    assert_int_equal(complete(RID2, "", "failed", 0, 0), 204);
    st = api_get_stats(routes);
    assert_int_equal(st.completions, 2);
    assert_int_equal(st.undelivered, 1);
    api_recent_completions(routes, line, sizeof line);
    assert_string_equal(line, "failed:0:0:noid failed:0:0:noid");
    api_reset_stats(routes);
    assert_int_equal(api_get_stats(routes).undelivered, 0);
    api_recent_completions(routes, line, sizeof line);
    assert_string_equal(line, "");
}

/* The control socket's `completions`: the last 8 stored, oldest first,
 * outcomes and counts only. */
static void test_recent_completions(void **state)
{
    (void)state;
    char line[API_RECENT_LINE_MAX], rid[64];
    json_t *a = NULL;
    /* request ids of their own: the store is shared by every test */
    assert_int_equal(certify(&YAMADA, RID3, "131016", "domestic", &a), 200);
    const char *id = json_string_value(json_object_get(a, "certificate_id"));
    assert_int_equal(complete(RID3, id, "printed", 1, 120), 204);
    assert_int_equal(complete(RID3, id, "refund-owed", 1, 380), 204);
    api_recent_completions(routes, line, sizeof line);
    assert_string_equal(line, "printed:1:120:id refund-owed:1:380:id");
    assert_null(strstr(line, "JP-")); /* no identifier */
    for (int i = 0; i < 9; i++) {
        snprintf(rid, sizeof rid, "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2b%02d", i);
        assert_int_equal(complete(rid, "JP-131016-2026-999999", "printed", 2, 240), 204);
    }
    api_recent_completions(routes, line, sizeof line);
    assert_string_equal(line, "printed:2:240:id printed:2:240:id printed:2:240:id printed:2:240:id "
                              "printed:2:240:id printed:2:240:id printed:2:240:id printed:2:240:id");
    json_decref(a);
}

/* `participate CODE on|off` and --fee change /config and the checks. */
static void test_participation_and_fee(void **state)
{
    (void)state;
    json_t *v = NULL;
    assert_true(api_set_participating(routes, "131016", false));
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), 200);
    assert_int_equal(json_array_size(json_object_get(v, "municipalities")), 2);
    json_decref(v);
    expect_error(certify(&YAMADA, RID1, "131016", "domestic", &v), &v, 403, "municipality-not-participating");
    assert_true(api_set_participating(routes, "131016", true));
    assert_true(api_set_participating(routes, "131130", true));
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &v), 200);
    assert_int_equal(json_array_size(json_object_get(v, "municipalities")), 4);
    json_decref(v);
    assert_true(api_set_participating(routes, "131130", false));
    assert_false(api_set_participating(routes, "131032", true)); /* not in the fixture */
    assert_false(api_set_participating(routes, "13101", true));

    assert_int_equal(certify(&YAMADA, RID1, "131016", "domestic", &v), 200);
    const char *id = json_string_value(json_object_get(v, "certificate_id"));
    assert_false(store_set_fee(db, 10001));
    assert_false(store_set_fee(db, -1));
    assert_true(store_set_fee(db, 0));
    json_t *c = NULL;
    assert_int_equal(call(CSLOG_GET, "/kofu/v1/config", NULL, &c), 200);
    assert_int_equal(json_integer_value(json_object_get(c, "fee_per_copy_yen")), 0);
    json_decref(c);
    assert_int_equal(complete(RID1, id, "printed", 1, 120), 400);
    assert_int_equal(complete(RID1, id, "printed", 1, 0), 204);
    assert_true(store_set_fee(db, 120));
    json_decref(v);
}

static const char *seal_cer(json_t *answer)
{
    json_t *seal = json_object_get(json_array_get(json_object_get(answer, "documents"), 1), "seal");
    return json_string_value(json_object_get(json_object_get(seal, "sig"), "cer"));
}

/* The conformance kit's misbehaviours: each changes exactly its answer. */
static void test_misbehaviour_faults(void **state)
{
    (void)state;
    json_t *v = NULL, *w = NULL;
    struct fault_set *f = api_faults(routes);
    char err[128];

    /* jwks-bad-kid: the served kid changes, the JWS header's does not */
    assert_int_equal(call(CSLOG_GET, "/.well-known/jwks.json", NULL, &v), 200);
    assert_true(fault_parse(f, "jwks-bad-kid", err, sizeof err));
    assert_int_equal(call(CSLOG_GET, "/issuer/.well-known/jwks.json", NULL, &w), 200);
    json_t *k1 = json_array_get(json_object_get(v, "keys"), 0), *k2 = json_array_get(json_object_get(w, "keys"), 0);
    assert_string_equal(json_string_value(json_object_get(k1, "kid")), shc_issuer_kid(issuer));
    assert_string_not_equal(json_string_value(json_object_get(k2, "kid")), shc_issuer_kid(issuer));
    assert_int_equal(json_string_length(json_object_get(k2, "kid")), strlen(shc_issuer_kid(issuer)));
    assert_string_equal(json_string_value(json_object_get(k1, "x")), json_string_value(json_object_get(k2, "x")));
    json_decref(v);
    json_decref(w);
    fault_clear(f);

    /* other-csca: the seal's cer is the other signer's; without one, 500 */
    assert_int_equal(certify(&YAMADA, RID1, "131041", "overseas", &v), 200);
    assert_true(fault_parse(f, "other-csca", err, sizeof err));
    expect_error(certify(&YAMADA, RID2, "131041", "overseas", &w), &w, 500, "internal");
    api_set_other_vds(routes, other_signer);
    assert_int_equal(certify(&YAMADA, RID2, "131041", "overseas", &w), 200);
    assert_string_not_equal(seal_cer(v), seal_cer(w));
    json_decref(v);
    json_decref(w);
    fault_clear(f);

    /* wrong-refusal: no-record (every way) answered as not participating; other refusals unchanged */
    assert_true(fault_parse(f, "wrong-refusal", err, sizeof err));
    expect_error(certify(&YAMADA, RID3, "131024", "domestic", &v), &v, 403, "municipality-not-participating");
    expect_error(certify(&NORECORD, RID3, "131016", "domestic", &v), &v, 403, "municipality-not-participating");
    expect_error(certify(&LONGNAME, RID3, "131016", "overseas", &v), &v, 404, "passport-not-registered");
    fault_clear(f);
    expect_error(certify(&YAMADA, RID3, "131024", "domestic", &v), &v, 404, "no-record");

    /* reissue: the same request again gets a new certificate; a different one is still refused */
    assert_int_equal(certify(&YAMADA, RID3, "131016", "domestic", &v), 200);
    assert_true(fault_parse(f, "reissue", err, sizeof err));
    clk_set(OPEN_TIME + 5);
    assert_int_equal(certify(&YAMADA, RID3, "131016", "domestic", &w), 200);
    assert_string_not_equal(json_string_value(json_object_get(v, "certificate_id")),
                            json_string_value(json_object_get(w, "certificate_id")));
    assert_int_not_equal(json_integer_value(json_object_get(v, "issued_at")),
                         json_integer_value(json_object_get(w, "issued_at")));
    assert_int_equal(api_get_stats(routes).issued, 4); /* 131041 twice, 131016 twice */
    json_decref(w);
    expect_error(certify(&YAMADA, RID3, "131041", "domestic", &w), &w, 400, "bad-request");
    json_decref(v);
    assert_false(fault_parse(f, "reissue=1", err, sizeof err));
}

/* Content-Type: application/json, compared case-insensitively, with or
 * without parameters; anything else is 400 before the body is read. */
static void test_content_type(void **state)
{
    (void)state;
    static const struct {
        const char *type;
        int status;
    } cases[] = {{"application/json", 200},     {"Application/JSON; charset=utf-8", 200},
                 {"application/json;charset=UTF-8", 200}, {"application/jsonx", 400},
                 {"text/plain", 400},           {"application/x-www-form-urlencoded", 400}};
    char rid[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(rid, sizeof rid, "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2c%02zu", i);
        char *body = cert_body(&YAMADA, rid, "131016", "domestic");
        struct api_request rq = {CSLOG_POST, "/kofu/v1/certificates", false, cases[i].type, (const uint8_t *)body,
                                 strlen(body), "kiosk-0001", false, KIOSK_AGENT};
        struct api_reply rp;
        api_handle(routes, &rq, &rp);
        assert_int_equal(rp.status, cases[i].status);
        api_reply_free(&rp);
        wipeheap_free(body);
    }
}

static void test_validators(void **state)
{
    (void)state;
    assert_true(api_uuid_v4_valid(RID1));
    assert_false(api_uuid_v4_valid("5f0c6a0e-3f8e-1b8f-9a51-0d7f3b9c2a10")); /* version 1 */
    assert_false(api_uuid_v4_valid("5f0c6a0e-3f8e-4b8f-7a51-0d7f3b9c2a10")); /* variant */
    assert_false(api_uuid_v4_valid("5f0c6a0e3f8e-4b8f-9a51-0d7f3b9c2a10-"));
    assert_false(api_uuid_v4_valid("5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a1"));
    assert_true(api_certificate_id_valid("JP-131016-2026-000001"));
    assert_false(api_certificate_id_valid(""));
    assert_false(api_certificate_id_valid("JP_1"));
    assert_false(api_certificate_id_valid("01234567890123456789012345678901234567890123456789012345678901234"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domestic_and_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overseas, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_skips_later_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_protocol_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passport_chip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_passport_refused, setup, teardown),
        cmocka_unit_test(test_passport_dg1_specimen),
        cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_public_channel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kiosk_revision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_completions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undelivered_completion, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recent_completions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_participation_and_fee, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misbehaviour_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_type, setup, teardown),
        cmocka_unit_test(test_validators),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
