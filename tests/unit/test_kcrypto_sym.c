/* test_kcrypto_sym.c — the symmetric primitives of the passport protocols
 * (firmware/base/kcrypto_sym.h) against published vectors: FIPS 180 (SHA),
 * ICAO 9303-11 Appendix D (3DES, retail MAC), FIPS 197 and SP 800-38A
 * (AES), RFC 4493 and SP 800-38B (CMAC). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/lib/hex.h"

#include <openssl/provider.h>

#include "base/kcrypto_sym.h"

#define HEX(name, str) KT_HEX(name, 512, str)

static void test_sha1(void **state)
{
    (void)state;
    uint8_t d[KCRYPTO_SHA1_LEN];
    HEX(want, "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_true(kcrypto_sha1((const uint8_t *)"abc", 3, d));
    assert_memory_equal(d, want, want_len);
    /* ICAO 9303-11 App. D: SHA-1 of MRZ_info. */
    HEX(mrz, "239AB9CB282DAF66231DC5A4DF6BFBAEDF477565");
    assert_true(kcrypto_sha1((const uint8_t *)"L898902C<369080619406236", 24, d));
    assert_memory_equal(d, mrz, mrz_len);
}

static void test_digest_by_oid(void **state)
{
    (void)state;
    uint8_t d[KCRYPTO_DIGEST_MAX];
    size_t len = 0;
    static const uint8_t oid256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
    static const uint8_t oid1[] = {0x2B, 0x0E, 0x03, 0x02, 0x1A};
    static const uint8_t oid512[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};
    static const uint8_t md5[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05};
    HEX(abc256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_true(kcrypto_digest_by_oid(oid256, sizeof oid256, (const uint8_t *)"abc", 3, d, &len));
    assert_int_equal(len, 32);
    assert_memory_equal(d, abc256, 32);
    assert_true(kcrypto_digest_by_oid(oid1, sizeof oid1, (const uint8_t *)"abc", 3, d, &len));
    assert_int_equal(len, 20);
    assert_true(kcrypto_digest_by_oid(oid512, sizeof oid512, (const uint8_t *)"abc", 3, d, &len));
    assert_int_equal(len, 64);
    assert_int_equal(d[0], 0xdd); /* SHA-512("abc") = ddaf35a1... */
    assert_int_equal(d[1], 0xaf);
    /* MD5 and a truncated SHA-256 OID are refused. */
    assert_false(kcrypto_digest_by_oid(md5, sizeof md5, (const uint8_t *)"abc", 3, d, &len));
    assert_false(kcrypto_digest_by_oid(oid256, sizeof oid256 - 1, (const uint8_t *)"abc", 3, d, &len));
}

/* App. D.3: E_IFD = 3DES(K_enc, S), M_IFD = retail MAC(K_mac, pad2(E_IFD)). */
static void test_3des_and_retail_mac(void **state)
{
    (void)state;
    HEX(kenc, "AB94FDECF2674FDFB9B391F85D7F76F2");
    HEX(kmac, "7962D9ECE03D1ACD4C76089DCE131543");
    HEX(s, "781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B");
    HEX(eifd, "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2");
    HEX(mifd, "5F1448EEA8AD90A7");
    uint8_t buf[40], mac[8];
    assert_true(kcrypto_3des_cbc(kenc, NULL, s, buf, s_len, true));
    assert_memory_equal(buf, eifd, eifd_len);
    memcpy(buf + 32, "\x80\0\0\0\0\0\0\0", 8);
    assert_true(kcrypto_retail_mac(kmac, buf, 40, mac));
    assert_memory_equal(mac, mifd, 8);
    /* Decrypting in place gives S back. */
    assert_true(kcrypto_3des_cbc(kenc, NULL, buf, buf, 32, false));
    assert_memory_equal(buf, s, 32);
    /* Not whole blocks. */
    assert_false(kcrypto_3des_cbc(kenc, NULL, s, buf, 31, true));
    assert_false(kcrypto_retail_mac(kmac, s, 31, mac));
    assert_false(kcrypto_retail_mac(kmac, s, 0, mac));
}

/* App. D.4: the MAC of the first protected response, two blocks (K with
 * SSC ...28); and of one block, where algorithm 3 reduces to two-key
 * 3DES-EDE of the block. */
static void test_retail_mac_short(void **state)
{
    (void)state;
    HEX(ksmac, "F1CB1F1FB5ADF208806B89DC579DC1F8");
    HEX(k, "887022120C06C2289902900080000000");
    HEX(cc, "FA855A5D4C50A8ED");
    uint8_t mac[8], ede[8];
    assert_true(kcrypto_retail_mac(ksmac, k, k_len, mac));
    assert_memory_equal(mac, cc, cc_len);
    /* A one-block MAC is E_K1(D_K2(E_K1(x))), that is 3DES-CBC with IV 0. */
    assert_true(kcrypto_retail_mac(ksmac, k, 8, mac));
    assert_true(kcrypto_3des_cbc(ksmac, NULL, k, ede, 8, true));
    assert_memory_equal(mac, ede, 8);
    /* A flipped input bit changes the MAC. */
    k[15] ^= 1;
    assert_true(kcrypto_retail_mac(ksmac, k, k_len, mac));
    assert_memory_not_equal(mac, cc, 8);
}

static void test_aes(void **state)
{
    (void)state;
    /* FIPS 197 C.1-C.3. */
    HEX(key, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    HEX(pt, "00112233445566778899aabbccddeeff");
    HEX(c128, "69c4e0d86a7b0430d8cdb78070b4c55a");
    HEX(c192, "dda97ca4864cdfe06eaf70a0ec0d7191");
    HEX(c256, "8ea2b7ca516745bfeafc49904b496089");
    uint8_t out[64];
    assert_true(kcrypto_aes_block(key, 16, pt, out));
    assert_memory_equal(out, c128, 16);
    assert_true(kcrypto_aes_block(key, 24, pt, out));
    assert_memory_equal(out, c192, 16);
    assert_true(kcrypto_aes_block(key, 32, pt, out));
    assert_memory_equal(out, c256, 16);
    assert_false(kcrypto_aes_block(key, 20, pt, out));
    /* SP 800-38A F.2.1/F.2.2: CBC-AES128, two blocks. */
    HEX(k2, "2b7e151628aed2a6abf7158809cf4f3c");
    HEX(iv, "000102030405060708090a0b0c0d0e0f");
    HEX(p2, "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
    HEX(c2, "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
    assert_true(kcrypto_aes_cbc(k2, k2_len, iv, p2, out, p2_len, true));
    assert_memory_equal(out, c2, c2_len);
    assert_true(kcrypto_aes_cbc(k2, k2_len, iv, out, out, c2_len, false));
    assert_memory_equal(out, p2, p2_len);
    assert_false(kcrypto_aes_cbc(k2, k2_len, iv, p2, out, 24, true));
    assert_false(kcrypto_aes_cbc(k2, 15, iv, p2, out, 16, true));
}

static void test_cmac(void **state)
{
    (void)state;
    /* RFC 4493 examples 1, 2 and 4; SP 800-38B D.3 example 9 (AES-256, empty). */
    HEX(k, "2b7e151628aed2a6abf7158809cf4f3c");
    HEX(m, "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
    HEX(t0, "bb1d6929e95937287fa37d129b756746");
    HEX(t16, "070a16b46b4d4144f79bdd9dd04a287c");
    HEX(t64, "51f0bebf7e3b9d92fc49741779363cfe");
    HEX(k256, "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    HEX(t256, "028962f61b7bf89efc6b551f4667d983");
    uint8_t t[16];
    assert_true(kcrypto_aes_cmac(k, k_len, m, 0, t));
    assert_memory_equal(t, t0, 16);
    assert_true(kcrypto_aes_cmac(k, k_len, m, 16, t));
    assert_memory_equal(t, t16, 16);
    assert_true(kcrypto_aes_cmac(k, k_len, m, m_len, t));
    assert_memory_equal(t, t64, 16);
    assert_true(kcrypto_aes_cmac(k256, k256_len, m, 0, t));
    assert_memory_equal(t, t256, 16);
    assert_false(kcrypto_aes_cmac(k, 8, m, 16, t));
}

/* Everything above ran in the default provider: the legacy one (single
 * DES) was never loaded. */
static void test_no_legacy_provider(void **state)
{
    (void)state;
    assert_int_equal(OSSL_PROVIDER_available(NULL, "legacy"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha1),
        cmocka_unit_test(test_digest_by_oid),
        cmocka_unit_test(test_3des_and_retail_mac),
        cmocka_unit_test(test_retail_mac_short),
        cmocka_unit_test(test_aes),
        cmocka_unit_test(test_cmac),
        cmocka_unit_test(test_no_legacy_provider),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
