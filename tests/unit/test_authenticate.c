/*
 * test_authenticate.c — kenhojo_authenticate on a complete, validly signed
 * set of files made in memory with throwaway RSA-2048 keys:
 *
 *   CA key (PEM in a temp dir, named by the issuer key id)
 *     └ signs the EF 0004 body, which certifies the issuer key
 *         ├ signs EF 0003's DF31 ‖ DF32 (DF33)
 *         └ signs EF 0007's DF51 (DF52), the card key
 *             └ signs the presence challenge (80 2A), via a fake reader
 *
 * and then each reason for refusing it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "drivers/card_reader.h"
#include "base/errors.h"
#include "base/kcrypto.h"
#include "card/kenhojo.h"
#include "kenhojo_testfiles.h"
#include "base/vault.h"

static EVP_PKEY *ca_key, *issuer_key, *card_key;
static uint8_t n_issuer[256], n_card[256];
static const uint8_t E65537[3] = {0x01, 0x00, 0x01};
/* Hex letters in the id check that the file name uses lowercase hex. */
static const uint8_t ISSUER_ID[16] = "6000033\x0a\x0f" "001\0\0\0\xfe";
static const uint8_t SUBJECT_ID[16] = "6000033\x08\x05" "002\0\0\0";
static char ca_dir[64], ca_pem[160], empty_dir[64];

static struct tf_set GOOD; /* the genuine files */

/* ---- OpenSSL helpers ---- */

static void modulus(EVP_PKEY *k, uint8_t out[256])
{
    BIGNUM *bn = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &bn), 1);
    assert_int_equal(BN_bn2binpad(bn, out, 256), 256);
    BN_free(bn);
}

static void sign(EVP_PKEY *k, const uint8_t *msg, size_t len, uint8_t sig[256])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t sl = 256;
    assert_non_null(md);
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
    assert_int_equal(EVP_DigestSign(md, sig, &sl, msg, len), 1);
    assert_int_equal(sl, 256);
    EVP_MD_CTX_free(md);
}

/* Raw PKCS#1 v1.5 signature of an already-built DigestInfo, as the card's
 * COMPUTE DIGITAL SIGNATURE (80 2A, P2 00) does. */
static bool sign_digest_info(EVP_PKEY *k, const uint8_t *di, size_t di_len, uint8_t sig[256])
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k, NULL);
    size_t sl = 256;
    bool ok = ctx && EVP_PKEY_sign_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_PKEY_sign(ctx, sig, &sl, di, di_len) == 1 && sl == 256;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

static void write_pub_pem(const char *path, EVP_PKEY *k)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PUBKEY(f, k), 1);
    assert_int_equal(fclose(f), 0);
}

/* ---- building the files ---- */

/* EF 0003 over the given EF 0001 and hashed span of EF 0002, signed by k. */
static void make_ef3(struct tf_set *s, EVP_PKEY *k)
{
    uint8_t h1[32], h2[32], tlvs[70], sig[256];
    struct kenhojo_attributes a;
    assert_true(kcrypto_sha256(s->ef1, s->ef1_len, h1));
    assert_int_equal(kenhojo_parse_attributes(s->ef2, s->ef2_len, &a), KOFU_OK);
    assert_true(kcrypto_sha256(cur_data(&a.hashed), cur_len(&a.hashed), h2));
    kofu_bld b;
    bld_init(&b, tlvs, sizeof tlvs);
    bld_add_ber(&b, 0xDF31, h1, 32, false);
    bld_add_ber(&b, 0xDF32, h2, 32, false);
    assert_true(bld_ok(&b));
    assert_int_equal(b.len, 70);
    sign(k, tlvs, sizeof tlvs, sig);
    s->ef3_len = tf_ef0003(s->ef3, sizeof s->ef3, h1, h2, sig, sizeof sig);
    assert_int_equal(s->ef3_len, 336);
}

/* EF 0004 certifying modulus n under issuer id `issuer`, signed by k. */
static void make_ef4(struct tf_set *s, EVP_PKEY *k, const uint8_t issuer[16], const uint8_t n[256])
{
    uint8_t body[512], sig[256];
    size_t bl = tf_cv_body(body, sizeof body, issuer, SUBJECT_ID, E65537, 3, n, 256);
    assert_int_equal(bl, 297);
    sign(k, body, bl, sig);
    s->ef4_len = tf_ef0004(s->ef4, sizeof s->ef4, body, bl, sig, sizeof sig);
    assert_int_equal(s->ef4_len, 568);
}

/* EF 0007 with modulus n, DF51 signed by k. */
static void make_ef7(struct tf_set *s, EVP_PKEY *k, const uint8_t n[256])
{
    uint8_t df51[512], sig[256];
    size_t dl = tf_df51(df51, sizeof df51, E65537, 3, n, 256);
    assert_int_equal(dl, 270);
    sign(k, df51, dl, sig);
    s->ef7_len = tf_ef0007(s->ef7, sizeof s->ef7, df51, dl, sig, sizeof sig);
    assert_int_equal(s->ef7_len, 536);
}

static void put(struct kenhojo_file *f, const uint8_t *p, size_t len)
{
    assert_true(len <= sizeof f->bytes);
    memcpy(f->bytes, p, len);
    f->len = len;
    f->present = len > 0;
}

/* Card data as kenhojo_read would leave it. */
static struct kenhojo_card_data *load(const struct tf_set *s)
{
    struct kenhojo_card_data *d = kenhojo_card_data_new();
    assert_non_null(d);
    put(&d->ef_my_number, s->ef1, s->ef1_len);
    put(&d->ef_attributes, s->ef2, s->ef2_len);
    put(&d->ef_integrity, s->ef3, s->ef3_len);
    put(&d->ef_cv_cert, s->ef4, s->ef4_len);
    put(&d->ef_presence_key, s->ef7, s->ef7_len);
    assert_int_equal(kenhojo_parse_my_number(d->ef_my_number.bytes, d->ef_my_number.len, d->my_number), KOFU_OK);
    assert_int_equal(kenhojo_parse_attributes(d->ef_attributes.bytes, d->ef_attributes.len, &d->attributes),
                     KOFU_OK);
    assert_int_equal(kenhojo_parse_integrity(d->ef_integrity.bytes, d->ef_integrity.len, &d->integrity), KOFU_OK);
    assert_int_equal(kenhojo_parse_cv_cert(d->ef_cv_cert.bytes, d->ef_cv_cert.len, &d->cv_cert), KOFU_OK);
    if (d->ef_presence_key.present)
        assert_int_equal(
            kenhojo_parse_presence_key(d->ef_presence_key.bytes, d->ef_presence_key.len, &d->presence_key),
            KOFU_OK);
    return d;
}

/* ---- a fake reader that answers 80 2A ---- */

struct signer_card {
    EVP_PKEY *key;    /* signs with this; NULL: answers `sw` */
    uint16_t sw;
    unsigned calls;
    uint8_t capdu[300];
    size_t capdu_len;
};
static struct signer_card SC;

static int sc_transmit(void *ctx, const uint8_t *c, size_t clen, uint8_t *r, size_t *rlen)
{
    (void)ctx;
    SC.calls++;
    assert_true(clen <= sizeof SC.capdu);
    memcpy(SC.capdu, c, clen);
    SC.capdu_len = clen;
    assert_true(*rlen >= 258);
    if (!SC.key || clen != 4 + 1 + 51 + 1 || c[0] != 0x80 || c[1] != 0x2A) {
        r[0] = (uint8_t)(SC.sw >> 8);
        r[1] = (uint8_t)SC.sw;
        *rlen = 2;
        return KOFU_OK;
    }
    assert_true(sign_digest_info(SC.key, c + 5, 51, r));
    r[256] = 0x90;
    r[257] = 0x00;
    *rlen = 258;
    return KOFU_OK;
}

static const struct card_reader_ops SC_OPS = {.transmit = sc_transmit};
static struct card_reader SC_READER = {&SC_OPS, NULL, 0};

/* ---- fixtures ---- */

static void hex_id(const uint8_t id[16], char out[33])
{
    for (size_t i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", id[i]);
}

static int group_setup(void **state)
{
    (void)state;
    if (vault_init(256 * 1024) != KOFU_OK)
        return -1;
    ca_key = EVP_RSA_gen(2048);
    issuer_key = EVP_RSA_gen(2048);
    card_key = EVP_RSA_gen(2048);
    if (!ca_key || !issuer_key || !card_key)
        return -1;
    modulus(issuer_key, n_issuer);
    modulus(card_key, n_card);

    snprintf(ca_dir, sizeof ca_dir, "/tmp/kofu-test-ca-XXXXXX");
    snprintf(empty_dir, sizeof empty_dir, "/tmp/kofu-test-noca-XXXXXX");
    if (!mkdtemp(ca_dir) || !mkdtemp(empty_dir))
        return -1;
    char hex[33];
    hex_id(ISSUER_ID, hex);
    snprintf(ca_pem, sizeof ca_pem, "%s/%s.pem", ca_dir, hex);
    write_pub_pem(ca_pem, ca_key);

    memset(&GOOD, 0, sizeof GOOD);
    GOOD.ef1_len = tf_ef0001(GOOD.ef1, sizeof GOOD.ef1, "537686677188");
    GOOD.ef2_len = tf_ef0002_example(GOOD.ef2, sizeof GOOD.ef2);
    make_ef3(&GOOD, issuer_key);
    make_ef4(&GOOD, ca_key, ISSUER_ID, n_issuer);
    make_ef7(&GOOD, issuer_key, n_card);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    unlink(ca_pem);
    rmdir(ca_dir);
    rmdir(empty_dir);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(issuer_key);
    EVP_PKEY_free(card_key);
    vault_destroy();
    return 0;
}

static int setup(void **state)
{
    (void)state;
    vault_wipe();
    memset(&SC, 0, sizeof SC);
    SC_READER.apdu_count = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vault_wipe();
    return 0;
}

static void expect_auth(const struct tf_set *s, struct kenhojo_session *sess, const char *dir, bool required,
                        int want_rc, enum kenhojo_auth want_why)
{
    struct kenhojo_card_data *d = load(s);
    enum kenhojo_auth why = (enum kenhojo_auth)99;
    int rc = kenhojo_authenticate(sess, d, dir, required, &why);
    if (rc != want_rc || why != want_why)
        fail_msg("got rc %d (%s) reason %s, expected rc %d reason %s", rc, kofu_err_name(rc),
                 kenhojo_auth_name(why), want_rc, kenhojo_auth_name(want_why));
}

/* ---- tests without a session ---- */

static void test_genuine(void **state)
{
    (void)state;
    /* The file name is the 32 lowercase hex digits of the issuer key id. */
    assert_non_null(strstr(ca_pem, "/363030303033330a0f303031000000fe.pem"));
    struct kenhojo_card_data *d = load(&GOOD);
    enum kenhojo_auth why = (enum kenhojo_auth)99;
    assert_int_equal(kenhojo_authenticate(NULL, d, ca_dir, false, &why), KOFU_OK);
    assert_int_equal(why, KENHOJO_AUTH_OK);
    assert_int_equal(d->presence, KENHOJO_PRESENCE_NOT_CHECKED);
}

static void test_genuine_without_ef0007(void **state)
{
    (void)state;
    struct tf_set s = GOOD;
    s.ef7_len = 0;
    expect_auth(&s, NULL, ca_dir, false, KOFU_OK, KENHOJO_AUTH_OK);
}

static void test_ca_unknown(void **state)
{
    (void)state;
    /* No key in the directory. */
    expect_auth(&GOOD, NULL, empty_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_CA_UNKNOWN);
    /* A directory that does not exist, or none at all. */
    expect_auth(&GOOD, NULL, "/tmp/kofu-test-no-such-dir", false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_CA_UNKNOWN);
    expect_auth(&GOOD, NULL, NULL, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_CA_UNKNOWN);
    /* A certificate naming another issuer id (validly signed by the same
     * key): looked up under that id, not found. */
    static const uint8_t other_id[16] = "6000033\x08\x05" "009\0\0\0";
    struct tf_set s = GOOD;
    make_ef4(&s, ca_key, other_id, n_issuer);
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_CA_UNKNOWN);
}

static void test_ca_file_not_a_key(void **state)
{
    (void)state;
    char hex[33], path[160];
    static const uint8_t junk_id[16] = "6000033\x08\x05" "777\0\0\0";
    hex_id(junk_id, hex);
    snprintf(path, sizeof path, "%s/%s.pem", ca_dir, hex);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("-----BEGIN PUBLIC KEY-----\nnot base64 at all\n-----END PUBLIC KEY-----\n", f);
    fclose(f);
    struct tf_set s = GOOD;
    make_ef4(&s, ca_key, junk_id, n_issuer);
    struct kenhojo_card_data *d = load(&s);
    enum kenhojo_auth why;
    int rc = kenhojo_authenticate(NULL, d, ca_dir, false, &why);
    unlink(path);
    assert_int_equal(rc, KOFU_E_NOT_AUTHENTIC);
    assert_int_equal(why, KENHOJO_AUTH_CA_UNKNOWN);
}

static void test_cv_signed_by_another_key(void **state)
{
    (void)state;
    struct tf_set s = GOOD;
    make_ef4(&s, issuer_key, ISSUER_ID, n_issuer); /* self-signed, not by the CA */
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_CV_SIGNATURE);
}

static void test_cv_body_changed(void **state)
{
    (void)state;
    /* Swapping the certified modulus for the card key's, keeping the CA's
     * signature: the body no longer matches it. */
    struct tf_set s = GOOD;
    assert_int_equal(s.ef4[10 + 32 + 5], 0x91);
    memcpy(s.ef4 + 10 + 32 + 5 + 4, n_card, 256);
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_CV_SIGNATURE);
    /* One bit of the subject id. */
    s = GOOD;
    s.ef4[10 + 16] ^= 0x01;
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_CV_SIGNATURE);
    /* One bit of the signature. */
    s = GOOD;
    s.ef4[568 - 1] ^= 0x01;
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_CV_SIGNATURE);
}

static void test_cv_key_unusable(void **state)
{
    (void)state;
    /* The CA signed a body whose "key" is not an RSA key (even modulus). */
    uint8_t bad_n[256];
    memcpy(bad_n, n_issuer, 256);
    bad_n[255] &= 0xFE;
    struct tf_set s = GOOD;
    make_ef4(&s, ca_key, ISSUER_ID, bad_n);
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_CV_KEY);
}

static void test_integrity_signature_wrong(void **state)
{
    (void)state;
    /* DF33 by the CA key instead of the certified key. */
    struct tf_set s = GOOD;
    make_ef3(&s, ca_key);
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_INTEGRITY_SIGNATURE);
    /* One bit of DF33. */
    s = GOOD;
    s.ef3[336 - 10] ^= 0x80;
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_INTEGRITY_SIGNATURE);
    /* DF31 changed (signed over): the signature check catches it first. */
    s = GOOD;
    s.ef3[8] ^= 0x01;
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_INTEGRITY_SIGNATURE);
    /* DF32 changed. */
    s = GOOD;
    s.ef3[43 + 31] ^= 0x01;
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_INTEGRITY_SIGNATURE);
}

static void test_my_number_changed(void **state)
{
    (void)state;
    /* Another valid number in EF 0001. */
    struct tf_set s = GOOD;
    s.ef1_len = tf_ef0001(s.ef1, sizeof s.ef1, "123456789018");
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_MY_NUMBER_HASH);
    /* The filler changed: it is hashed too. */
    s = GOOD;
    s.ef1[16] = 0x00;
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_MY_NUMBER_HASH);
    /* Only the 15-byte TLV (filler not read): does not match. */
    s = GOOD;
    s.ef1_len = 15;
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_MY_NUMBER_HASH);
}

static void test_attributes_changed(void **state)
{
    (void)state;
    /* Sex 1 -> 2. */
    struct tf_set s = GOOD;
    assert_int_equal(s.ef2[103], '1');
    s.ef2[103] = '2';
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_ATTRIBUTES_HASH);
    /* Birth date 19800217 -> 19800218. */
    s = GOOD;
    assert_int_equal(s.ef2[99], '7');
    s.ef2[99] = '8';
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_ATTRIBUTES_HASH);
    /* A different, well-formed EF 0002 (another name). */
    s = GOOD;
    struct tf_attrs at = {"山田　太郎", TF_EXAMPLE_ADDRESS, "19800217", (const uint8_t *)"1", 1,
                          false, false, false, false, false, NULL, 0};
    s.ef2_len = tf_ef0002(s.ef2, sizeof s.ef2, &at);
    expect_auth(&s, NULL, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_ATTRIBUTES_HASH);
}

static void test_df21_not_hashed(void **state)
{
    (void)state;
    struct tf_set s = GOOD;
    s.ef2[6] ^= 0x40; /* inside the DF21 offset table */
    s.ef2[13] = 0xFF;
    expect_auth(&s, NULL, ca_dir, false, KOFU_OK, KENHOJO_AUTH_OK);
}

static void test_long_form_ef0002_same_hash(void **state)
{
    (void)state;
    /* FF20 with 82 00 65 instead of 65: the hashed span is the same. */
    struct tf_set s = GOOD;
    struct tf_attrs at = {TF_EXAMPLE_NAME, TF_EXAMPLE_ADDRESS, "19800217", (const uint8_t *)"1", 1,
                          true, false, false, false, false, NULL, 0};
    s.ef2_len = tf_ef0002(s.ef2, sizeof s.ef2, &at);
    assert_int_equal(s.ef2_len, 106);
    expect_auth(&s, NULL, ca_dir, false, KOFU_OK, KENHOJO_AUTH_OK);
}

static void test_presence_required_without_session(void **state)
{
    (void)state;
    expect_auth(&GOOD, NULL, ca_dir, true, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_PRESENCE_MISSING);
    /* A failure before that is reported as itself. */
    struct tf_set s = GOOD;
    s.ef2[103] = '2';
    expect_auth(&s, NULL, ca_dir, true, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_ATTRIBUTES_HASH);
}

/* ---- with a session: the presence proof ---- */

static void session_on(struct kenhojo_session *s)
{
    memset(s, 0, sizeof *s);
    s->reader = &SC_READER;
    s->tries_left = KENHOJO_TRIES_UNKNOWN;
}

static void test_presence_proven(void **state)
{
    (void)state;
    struct kenhojo_session s;
    session_on(&s);
    SC.key = card_key;
    struct kenhojo_card_data *d = load(&GOOD);
    enum kenhojo_auth why;
    assert_int_equal(kenhojo_authenticate(&s, d, ca_dir, true, &why), KOFU_OK);
    assert_int_equal(why, KENHOJO_AUTH_OK);
    assert_int_equal(d->presence, KENHOJO_PRESENCE_PROVEN);
    assert_int_equal(SC.calls, 1);
    /* 80 2A 00 00 33 <DigestInfo SHA-256 prefix> <32-byte hash> 00. */
    static const uint8_t head[] = {0x80, 0x2A, 0x00, 0x00, 0x33, 0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60,
                                   0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    assert_int_equal(SC.capdu_len, 57);
    assert_memory_equal(SC.capdu, head, sizeof head);
    assert_int_equal(SC.capdu[56], 0x00);
    /* A fresh challenge each time. */
    uint8_t first[32];
    memcpy(first, SC.capdu + 24, 32);
    d = load(&GOOD);
    assert_int_equal(kenhojo_authenticate(&s, d, ca_dir, true, &why), KOFU_OK);
    assert_memory_not_equal(first, SC.capdu + 24, 32);
}

static void test_presence_wrong_card_key(void **state)
{
    (void)state;
    struct kenhojo_session s;
    session_on(&s);
    SC.key = issuer_key; /* a cloned card without the private key */
    expect_auth(&GOOD, &s, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_PRESENCE_SIGNATURE);
}

static void test_presence_key_not_certified(void **state)
{
    (void)state;
    struct kenhojo_session s;
    session_on(&s);
    SC.key = card_key;
    struct tf_set t = GOOD;
    make_ef7(&t, card_key, n_card); /* DF52 by the card key itself */
    expect_auth(&t, &s, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_PRESENCE_KEY);
    assert_int_equal(SC.calls, 0); /* no challenge sent for an uncertified key */
    /* DF51 swapped for another key, DF52 kept. */
    t = GOOD;
    assert_int_equal(t.ef7[15], 0x91);
    memcpy(t.ef7 + 5 + 5 + 5 + 4, n_issuer, 256);
    expect_auth(&t, &s, ca_dir, false, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_PRESENCE_KEY);
}

static void test_presence_not_offered(void **state)
{
    (void)state;
    static const uint16_t sws[] = {0x6D00, 0x6A81, 0x6E00};
    for (size_t i = 0; i < sizeof sws / sizeof sws[0]; i++) {
        struct kenhojo_session s;
        session_on(&s);
        SC.key = NULL;
        SC.sw = sws[i];
        struct kenhojo_card_data *d = load(&GOOD);
        enum kenhojo_auth why;
        assert_int_equal(kenhojo_authenticate(&s, d, ca_dir, false, &why), KOFU_OK);
        assert_int_equal(d->presence, KENHOJO_PRESENCE_NOT_OFFERED);
        d = load(&GOOD);
        assert_int_equal(kenhojo_authenticate(&s, d, ca_dir, true, &why), KOFU_E_NOT_AUTHENTIC);
        assert_int_equal(why, KENHOJO_AUTH_PRESENCE_MISSING);
    }
    /* No EF 0007 at all: nothing is sent. */
    struct kenhojo_session s;
    session_on(&s);
    SC.calls = 0;
    struct tf_set t = GOOD;
    t.ef7_len = 0;
    expect_auth(&t, &s, ca_dir, false, KOFU_OK, KENHOJO_AUTH_OK);
    expect_auth(&t, &s, ca_dir, true, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_PRESENCE_MISSING);
    assert_int_equal(SC.calls, 0);
}

static void test_presence_card_errors(void **state)
{
    (void)state;
    struct kenhojo_session s;
    session_on(&s);
    SC.key = NULL;
    SC.sw = 0x6982;
    struct kenhojo_card_data *d = load(&GOOD);
    enum kenhojo_auth why;
    assert_int_equal(kenhojo_authenticate(&s, d, ca_dir, false, &why), KOFU_E_CARD_STATUS);
    /* 9000 with no signature: not authentic. */
    SC.sw = 0x9000;
    d = load(&GOOD);
    assert_int_equal(kenhojo_authenticate(&s, d, ca_dir, false, &why), KOFU_E_NOT_AUTHENTIC);
    assert_int_equal(why, KENHOJO_AUTH_PRESENCE_SIGNATURE);
}

static void test_presence_not_tried_when_data_fails(void **state)
{
    (void)state;
    struct kenhojo_session s;
    session_on(&s);
    SC.key = card_key;
    struct tf_set t = GOOD;
    t.ef1[16] = 0;
    expect_auth(&t, &s, ca_dir, true, KOFU_E_NOT_AUTHENTIC, KENHOJO_AUTH_MY_NUMBER_HASH);
    assert_int_equal(SC.calls, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_genuine),
        T(test_genuine_without_ef0007),
        T(test_ca_unknown),
        T(test_ca_file_not_a_key),
        T(test_cv_signed_by_another_key),
        T(test_cv_body_changed),
        T(test_cv_key_unusable),
        T(test_integrity_signature_wrong),
        T(test_my_number_changed),
        T(test_attributes_changed),
        T(test_df21_not_hashed),
        T(test_long_form_ef0002_same_hash),
        T(test_presence_required_without_session),
        T(test_presence_proven),
        T(test_presence_wrong_card_key),
        T(test_presence_key_not_certified),
        T(test_presence_not_offered),
        T(test_presence_card_errors),
        T(test_presence_not_tried_when_data_fails),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
