/* test_kcrypto.c — the OpenSSL wrappers the card path relies on (firmware/base/kcrypto.h). */
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
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "base/kcrypto.h"
#include "tests/lib/tmp.h"

static EVP_PKEY *rsa2048, *rsa1024;
static uint8_t n2048[256], n1024[128];
static const uint8_t E65537[3] = {0x01, 0x00, 0x01};

static void modulus(EVP_PKEY *k, uint8_t *out, int len)
{
    BIGNUM *bn = NULL;
    assert_int_equal(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &bn), 1);
    assert_int_equal(BN_bn2binpad(bn, out, len), len);
    BN_free(bn);
}

static int group_setup(void **state)
{
    (void)state;
    rsa2048 = EVP_RSA_gen(2048);
    rsa1024 = EVP_RSA_gen(1024);
    if (!rsa2048 || !rsa1024)
        return -1;
    modulus(rsa2048, n2048, 256);
    modulus(rsa1024, n1024, 128);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    EVP_PKEY_free(rsa2048);
    EVP_PKEY_free(rsa1024);
    return 0;
}

static void sign(EVP_PKEY *k, const uint8_t *msg, size_t len, uint8_t *sig, size_t sig_len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t sl = sig_len;
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
    assert_int_equal(EVP_DigestSign(md, sig, &sl, msg, len), 1);
    assert_int_equal(sl, sig_len);
    EVP_MD_CTX_free(md);
}

static void test_sha256_vectors(void **state)
{
    (void)state;
    uint8_t h[32];
    /* FIPS 180-2: "abc" and the empty string. */
    static const uint8_t abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                    0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                    0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    static const uint8_t empty[32] = {0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4,
                                      0xc8, 0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b,
                                      0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
    assert_true(kcrypto_sha256((const uint8_t *)"abc", 3, h));
    assert_memory_equal(h, abc, 32);
    assert_true(kcrypto_sha256((const uint8_t *)"", 0, h));
    assert_memory_equal(h, empty, 32);
}

static void test_from_parts_good(void **state)
{
    (void)state;
    kcrypto_key *k = kcrypto_rsa_from_parts(n2048, 256, E65537, 3);
    assert_non_null(k);
    kcrypto_key_free(k);
    static const uint8_t e3[1] = {3};
    k = kcrypto_rsa_from_parts(n2048, 256, e3, 1);
    assert_non_null(k);
    kcrypto_key_free(k);
    /* A leading zero byte on the modulus (as a 257-byte DER-style integer). */
    uint8_t n257[257] = {0};
    memcpy(n257 + 1, n2048, 256);
    k = kcrypto_rsa_from_parts(n257, 257, E65537, 3);
    assert_non_null(k);
    kcrypto_key_free(k);
    kcrypto_key_free(NULL);
}

static void test_from_parts_refused(void **state)
{
    (void)state;
    static const uint8_t e1[1] = {1}, e2[1] = {2}, e0[1] = {0};
    static const uint8_t even[3] = {0x01, 0x00, 0x00};
    static const uint8_t e9[9] = {0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x01};
    assert_null(kcrypto_rsa_from_parts(n2048, 256, e1, 1));
    assert_null(kcrypto_rsa_from_parts(n2048, 256, e2, 1));
    assert_null(kcrypto_rsa_from_parts(n2048, 256, e0, 1));
    assert_null(kcrypto_rsa_from_parts(n2048, 256, even, 3));
    assert_null(kcrypto_rsa_from_parts(n2048, 256, e9, 9));
    assert_null(kcrypto_rsa_from_parts(n2048, 256, E65537, 0));
    assert_null(kcrypto_rsa_from_parts(NULL, 256, E65537, 3));
    assert_null(kcrypto_rsa_from_parts(n2048, 0, E65537, 3));
    assert_null(kcrypto_rsa_from_parts(n2048, 256, NULL, 3));
    /* 1024-bit: too small. */
    assert_null(kcrypto_rsa_from_parts(n1024, 128, E65537, 3));
    /* Even modulus. */
    uint8_t n[256];
    memcpy(n, n2048, 256);
    n[255] &= 0xFE;
    assert_null(kcrypto_rsa_from_parts(n, 256, E65537, 3));
    /* A 2048-byte "modulus" is above 4096 bits. */
    static uint8_t huge[600];
    memset(huge, 0xFF, sizeof huge);
    assert_null(kcrypto_rsa_from_parts(huge, sizeof huge, E65537, 3));
    /* 256 bytes whose top byte is zero: fewer than 2048 bits. */
    memcpy(n, n2048, 256);
    n[0] = 0;
    assert_null(kcrypto_rsa_from_parts(n, 256, E65537, 3));
}

/* Regression: the exponent's value must be odd and >= 3 however it is
 * written; e = 1 with leading zero bytes (00 01) once passed, and with e = 1
 * any message's PKCS#1 encoding is its own valid "signature". */
static void test_from_parts_refuses_e1_with_leading_zeros(void **state)
{
    (void)state;
    static const uint8_t e01[2] = {0x00, 0x01};
    static const uint8_t e001[3] = {0x00, 0x00, 0x01};
    kcrypto_key *k = kcrypto_rsa_from_parts(n2048, 256, e01, 2);
    kcrypto_key_free(k);
    assert_null(k);
    k = kcrypto_rsa_from_parts(n2048, 256, e001, 3);
    kcrypto_key_free(k);
    assert_null(k);
}

static void test_verify(void **state)
{
    (void)state;
    static const uint8_t msg[] = "DF31 DF32";
    uint8_t sig[256];
    sign(rsa2048, msg, sizeof msg, sig, sizeof sig);
    kcrypto_key *k = kcrypto_rsa_from_parts(n2048, 256, E65537, 3);
    assert_non_null(k);
    assert_true(kcrypto_rsa_verify_sha256(k, msg, sizeof msg, sig, sizeof sig));
    /* Another message, a flipped bit, a short or long signature, none. */
    assert_false(kcrypto_rsa_verify_sha256(k, msg, sizeof msg - 1, sig, sizeof sig));
    sig[100] ^= 0x04;
    assert_false(kcrypto_rsa_verify_sha256(k, msg, sizeof msg, sig, sizeof sig));
    sig[100] ^= 0x04;
    assert_false(kcrypto_rsa_verify_sha256(k, msg, sizeof msg, sig, 255));
    uint8_t longer[257] = {0};
    memcpy(longer + 1, sig, 256);
    assert_false(kcrypto_rsa_verify_sha256(k, msg, sizeof msg, longer, 257));
    assert_false(kcrypto_rsa_verify_sha256(k, msg, sizeof msg, NULL, 256));
    assert_false(kcrypto_rsa_verify_sha256(NULL, msg, sizeof msg, sig, sizeof sig));
    /* PSS is not PKCS#1 v1.5. */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    size_t sl = sizeof sig;
    assert_int_equal(EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, rsa2048), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
    assert_int_equal(EVP_DigestSign(md, sig, &sl, msg, sizeof msg), 1);
    EVP_MD_CTX_free(md);
    assert_false(kcrypto_rsa_verify_sha256(k, msg, sizeof msg, sig, sizeof sig));
    kcrypto_key_free(k);
}

static const char *write_tmp(void (*writer)(FILE *, void *), void *arg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    writer(f, arg);
    assert_int_equal(fclose(f), 0);
    const char *path = kt_temp_file("kcrypto", text, len);
    free(text);
    return path;
}

static void write_pub(FILE *f, void *k) { assert_int_equal(PEM_write_PUBKEY(f, k), 1); }
static void write_text(FILE *f, void *s) { fputs(s, f); }

static void test_load_pem(void **state)
{
    (void)state;
    const char *p = write_tmp(write_pub, rsa2048);
    kcrypto_key *k = kcrypto_rsa_load_pem(p);
    assert_non_null(k);
    static const uint8_t msg[] = "x";
    uint8_t sig[256];
    sign(rsa2048, msg, 1, sig, 256);
    assert_true(kcrypto_rsa_verify_sha256(k, msg, 1, sig, 256));
    kcrypto_key_free(k);
}

/* The keys read are remembered by the file's bytes: the same file again
 * gives a working key (its own reference), and a file rewritten in place at
 * once with another key of the same size gives the new key, not the
 * remembered one (times and size alone could not tell them apart). */
static void test_load_pem_remembers_by_content(void **state)
{
    (void)state;
    EVP_PKEY *other = EVP_RSA_gen(2048);
    assert_non_null(other);
    static const uint8_t msg[] = "x";
    uint8_t sig_a[256], sig_b[256];
    sign(rsa2048, msg, 1, sig_a, 256);
    sign(other, msg, 1, sig_b, 256);
    const char *p = write_tmp(write_pub, rsa2048);
    kcrypto_key *k1 = kcrypto_rsa_load_pem(p);
    kcrypto_key *k2 = kcrypto_rsa_load_pem(p);
    assert_non_null(k1);
    assert_non_null(k2);
    kcrypto_key_free(k1);
    assert_true(kcrypto_rsa_verify_sha256(k2, msg, 1, sig_a, 256)); /* k2 outlives k1 */
    kcrypto_key_free(k2);
    FILE *f = fopen(p, "w"); /* the same inode, at once */
    assert_non_null(f);
    assert_int_equal(PEM_write_PUBKEY(f, other), 1);
    assert_int_equal(fclose(f), 0);
    kcrypto_key *k3 = kcrypto_rsa_load_pem(p);
    assert_non_null(k3);
    assert_true(kcrypto_rsa_verify_sha256(k3, msg, 1, sig_b, 256));
    assert_false(kcrypto_rsa_verify_sha256(k3, msg, 1, sig_a, 256));
    kcrypto_key_free(k3);
    EVP_PKEY_free(other);
}

static void test_load_pem_refused(void **state)
{
    (void)state;
    assert_null(kcrypto_rsa_load_pem("/tmp/kofu-test-kcrypto-no-such-file.pem"));
    /* RSA-1024: too small. */
    const char *p = write_tmp(write_pub, rsa1024);
    assert_null(kcrypto_rsa_load_pem(p));
    kt_temp_files_remove();
    /* Not RSA. */
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    assert_non_null(ec);
    p = write_tmp(write_pub, ec);
    assert_null(kcrypto_rsa_load_pem(p));
    EVP_PKEY_free(ec);
    kt_temp_files_remove();
    /* Garbage. */
    static char garbage[] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    p = write_tmp(write_text, garbage);
    assert_null(kcrypto_rsa_load_pem(p));
}

static void test_random(void **state)
{
    (void)state;
    uint8_t a[32] = {0}, b[32] = {0}, zero[32] = {0};
    assert_true(kcrypto_random(a, sizeof a));
    assert_true(kcrypto_random(b, sizeof b));
    assert_memory_not_equal(a, zero, 32);
    assert_memory_not_equal(a, b, 32);
}

#define T(f) cmocka_unit_test_teardown(f, kt_temp_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_sha256_vectors),
        T(test_from_parts_good),
        T(test_from_parts_refused),
        T(test_from_parts_refuses_e1_with_leading_zeros),
        T(test_verify),
        T(test_load_pem),
        T(test_load_pem_remembers_by_content),
        T(test_load_pem_refused),
        T(test_random),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
