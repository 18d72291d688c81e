/*
 * test_icao_pace.c — PACE-GM-ECDH-AES (card/icao_pace.h).
 *
 * ICAO 9303-11 Appendix G.1 (the worked example of the generic mapping over
 * brainpoolP256r1 with AES-128, MRZ T22000129 / 640812 / 101031) through
 * the step functions, every intermediate value; then whole icao_pace runs
 * against a chip model behind a fake card_reader. The model does the chip's
 * side with OpenSSL directly (its own KDF, CMAC and one-call point
 * arithmetic, not the code under test); with App. G's fixed keys on both
 * sides the transcript must be the appendix's byte for byte. Then random
 * terminal keys on other curves and key sizes, and the bad paths: a mapping
 * point off the curve, PK_IC = PK_IFD, a wrong T_IC, the chip refusing the
 * token (wrong numbers), refusals of earlier steps. Last, EF.CardAccess
 * parsing: the appendix's file, real-shaped files with other SecurityInfos,
 * the suites kofu leaves to BAC, malformed files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/lib/hex.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include "base/bytes.h"
#include "base/errors.h"
#include "base/kcrypto_sym.h"
#include "card/icao_bac.h"
#include "card/icao_pace.h"
#include "card/icao_sm.h"
#include "drivers/card_reader.h"

#define HEX(name, str) KT_HEX(name, 300, str)

#define assert_bytes(a, a_len, b, b_len)       \
    do {                                       \
        assert_int_equal((a_len), (b_len));    \
        assert_memory_equal((a), (b), (b_len)); \
    } while (0)

/* ---- ICAO 9303-11 Appendix G.1 ---- */
static const char G_MRZ_INFO[] = "T22000129364081251010318";
#define G_K "7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD"
#define G_K_PI "89DED1B26624EC1E634C1989302849DD"
#define G_OID "04007F00070202040202"
#define G_Z "95A3A016522EE98D01E76CB6B98B42C3"
#define G_S "3F00C4D39D153F2B2A214A078D899B22"
#define G_SK_MAP_IFD "7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99"
#define G_PK_MAP_IFD                                                     \
    "04 7ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E" \
    "   544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
/* The chip's private keys are the appendix's too; the test checks each
 * against its published public point before using it. */
#define G_SK_MAP_IC "498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560"
#define G_PK_MAP_IC                                                      \
    "04 824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57" \
    "   30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
#define G_H                                                              \
    "04 60332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5" \
    "   0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"
#define G_G_MAPPED                                                       \
    "04 8CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2" \
    "   8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"
#define G_SK_IFD "A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595"
#define G_PK_IFD                                                         \
    "04 2DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C" \
    "   3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
#define G_SK_IC "107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A"
#define G_PK_IC                                                          \
    "04 9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB" \
    "   7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
#define G_SHARED "28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925"
#define G_KS_ENC "F5F0E35C0D7161EE6724EE513A0D9A7F"
#define G_KS_MAC "FE251C7858B356B24514B3BD5F4297D1"
#define G_T_IFD "C2B0BD78D94BA866"
#define G_T_IC "3ABB9674BCE93C08"

/* The transcript: the terminal's APDUs and the chip's answers. */
static const char *const G_APDU[5] = {
    "0022C1A412 800A04007F00070202040202 830101 84010D",
    "1086000002 7C00 00",
    "1086000045 7C43 8141" G_PK_MAP_IFD "00",
    "1086000045 7C43 8341" G_PK_IFD "00",
    "008600000C 7C0A 8508" G_T_IFD "00",
};
static const char *const G_RAPDU[5] = {
    "9000",
    "7C12 8010" G_Z "9000",
    "7C43 8241" G_PK_MAP_IC "9000",
    "7C43 8441" G_PK_IC "9000",
    "7C0A 8608" G_T_IC "9000",
};

static const struct icao_pace_info G_INFO = {
    .oid = {0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02},
    .oid_len = 10,
    .key_len = 16,
    .curve_nid = NID_brainpoolP256r1,
    .parameter_id = 13,
};

/* ---- the test's own crypto for the chip's side (not kofu's) ---- */

static void t_kdf(const uint8_t *k, size_t k_len, uint32_t c, size_t key_len, uint8_t *out)
{
    uint8_t buf[80], d[32];
    unsigned n = 0;
    assert_true(k_len + 4 <= sizeof buf);
    memcpy(buf, k, k_len);
    buf[k_len] = (uint8_t)(c >> 24);
    buf[k_len + 1] = (uint8_t)(c >> 16);
    buf[k_len + 2] = (uint8_t)(c >> 8);
    buf[k_len + 3] = (uint8_t)c;
    assert_int_equal(EVP_Digest(buf, k_len + 4, d, &n, key_len == 16 ? EVP_sha1() : EVP_sha256(), NULL), 1);
    memcpy(out, d, key_len);
}

static void t_cmac8(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t n, uint8_t out[8])
{
    char name[12];
    snprintf(name, sizeof name, "AES-%zu-CBC", key_len * 8);
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, name, 0),
                           OSSL_PARAM_construct_end()};
    uint8_t full[16];
    size_t got = 0;
    assert_int_equal(EVP_MAC_init(ctx, key, key_len, params), 1);
    assert_int_equal(EVP_MAC_update(ctx, msg, n), 1);
    assert_int_equal(EVP_MAC_final(ctx, full, &got, sizeof full), 1);
    memcpy(out, full, 8);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
}

/* 7F49 L { 06 0A oid, 86 L point }, as written out by hand. */
static void t_token(const uint8_t *ks_mac, size_t key_len, const uint8_t oid[10], const uint8_t *pt,
                    size_t pt_len, uint8_t out[8])
{
    uint8_t m[200];
    size_t n = 0, inner = 12 + (pt_len < 128 ? 2 : 3) + pt_len;
    m[n++] = 0x7F;
    m[n++] = 0x49;
    if (inner >= 128)
        m[n++] = 0x81;
    m[n++] = (uint8_t)inner;
    m[n++] = 0x06;
    m[n++] = 0x0A;
    memcpy(m + n, oid, 10);
    n += 10;
    m[n++] = 0x86;
    if (pt_len >= 128)
        m[n++] = 0x81;
    m[n++] = (uint8_t)pt_len;
    memcpy(m + n, pt, pt_len);
    n += pt_len;
    t_cmac8(ks_mac, key_len, m, n, out);
}

static size_t t_point(const EC_GROUP *g, const EC_POINT *p, uint8_t *out)
{
    size_t n = EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, out, 133, NULL);
    assert_true(n > 0);
    return n;
}

static BIGNUM *t_bn(const char *hex)
{
    HEX(b, hex);
    BIGNUM *x = BN_bin2bn(b, (int)b_len, NULL);
    assert_non_null(x);
    return x;
}

/* ---- the chip model ---- */

struct chip {
    /* what the chip is */
    int nid;
    size_t key_len;
    uint8_t oid[10];
    int param;
    const char *mrz_info; /* its password */
    BIGNUM *s, *sk_map, *sk;
    size_t s_len;
    /* faults */
    bool map_off_curve, echo_pk, bad_t_ic, nonce_bare, final_car, final_extra;
    uint16_t mse_sw, ga_b_sw, final_sw;
    /* state */
    EC_GROUP *g;
    EC_POINT *gt;
    uint8_t pk_ifd[133], pk_ic[133], ks_enc[32], ks_mac[32];
    size_t pk_ifd_len, pk_ic_len;
    bool token_ok;
    /* what the terminal sent and what the chip answered */
    unsigned n;
    uint8_t c[8][300], r[8][300];
    size_t c_len[8], r_len[8];
};

static struct chip CH;

static void chip_reset(void)
{
    BN_free(CH.s);
    BN_free(CH.sk_map);
    BN_free(CH.sk);
    EC_POINT_free(CH.gt);
    EC_GROUP_free(CH.g);
    memset(&CH, 0, sizeof CH);
}

/* A chip with App. G's fixed values. */
static void chip_app_g(void)
{
    chip_reset();
    CH.nid = NID_brainpoolP256r1;
    CH.key_len = 16;
    memcpy(CH.oid, G_INFO.oid, 10);
    CH.param = 13;
    CH.mrz_info = G_MRZ_INFO;
    CH.s = t_bn(G_S);
    CH.s_len = 16;
    CH.sk_map = t_bn(G_SK_MAP_IC);
    CH.sk = t_bn(G_SK_IC);
    CH.g = EC_GROUP_new_by_curve_name(CH.nid);
}

/* A chip with fresh random secrets. */
static void chip_random(int nid, int param, size_t key_len, const char *mrz_info)
{
    chip_reset();
    CH.nid = nid;
    CH.key_len = key_len;
    memcpy(CH.oid, G_INFO.oid, 10);
    CH.oid[9] = (uint8_t)(key_len == 16 ? 2 : key_len == 24 ? 3 : 4);
    CH.param = param;
    CH.mrz_info = mrz_info;
    CH.g = EC_GROUP_new_by_curve_name(nid);
    assert_non_null(CH.g);
    const BIGNUM *order = EC_GROUP_get0_order(CH.g);
    CH.s = BN_new();
    CH.sk_map = BN_new();
    CH.sk = BN_new();
    CH.s_len = 16;
    assert_int_equal(BN_rand(CH.s, 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), 1);
    assert_int_equal(BN_rand_range(CH.sk_map, order), 1);
    assert_int_equal(BN_rand_range(CH.sk, order), 1);
}

static size_t rapdu(uint8_t *r, uint8_t tag, const uint8_t *v, size_t n, uint16_t sw)
{
    size_t k = 0;
    if (tag) {
        size_t inner = 2 + (n >= 128) + n;
        r[k++] = 0x7C;
        if (inner >= 128)
            r[k++] = 0x81;
        r[k++] = (uint8_t)inner;
        r[k++] = tag;
        if (n >= 128)
            r[k++] = 0x81;
        r[k++] = (uint8_t)n;
        memcpy(r + k, v, n);
        k += n;
    }
    r[k++] = (uint8_t)(sw >> 8);
    r[k++] = (uint8_t)sw;
    return k;
}

/* The value of the one DO inside the command's 7C template. */
static kofu_cur ga_value(const uint8_t *c, size_t clen, uint8_t want)
{
    kofu_cur cur, dyn, v;
    assert_true(clen > 6);
    assert_int_equal(c[1], 0x86);
    assert_int_equal(c[4], clen - 6); /* Lc; Le 00 last */
    assert_int_equal(c[clen - 1], 0x00);
    cur_init(&cur, c + 5, clen - 6);
    assert_true(cur_get_ber_tag(&cur, 0x7C, &dyn));
    assert_int_equal(cur_len(&cur), 0);
    if (want == 0) {
        assert_int_equal(cur_len(&dyn), 0);
        return dyn;
    }
    assert_true(cur_get_ber_tag(&dyn, want, &v));
    assert_int_equal(cur_len(&dyn), 0);
    return v;
}

static size_t chip_step(const uint8_t *c, size_t clen, uint8_t *r)
{
    BN_CTX *bctx = BN_CTX_new();
    uint8_t buf[133];
    size_t n = 0;
    switch (CH.n) {
    case 0: { /* MSE:Set AT */
        HEX(want, "0022C1A4");
        assert_memory_equal(c, want, 4);
        uint8_t data[] = {0x80, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x83, 0x01, 0x01, 0x84, 0x01, (uint8_t)CH.param};
        memcpy(data + 2, CH.oid, 10);
        assert_int_equal(clen, 5 + sizeof data);
        assert_int_equal(c[4], sizeof data);
        assert_memory_equal(c + 5, data, sizeof data);
        n = rapdu(r, 0, NULL, 0, CH.mse_sw ? CH.mse_sw : 0x9000);
        break;
    }
    case 1: { /* the encrypted nonce */
        assert_int_equal(c[0], 0x10);
        ga_value(c, clen, 0);
        uint8_t k[20], kpi[32], s[16], z[32];
        int zl = 0, fl = 0;
        assert_true(kcrypto_sha1((const uint8_t *)CH.mrz_info, 24, k));
        t_kdf(k, 20, 3, CH.key_len, kpi);
        assert_int_equal(BN_bn2binpad(CH.s, s, 16), 16);
        EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new();
        const EVP_CIPHER *ciph = CH.key_len == 16 ? EVP_aes_128_cbc() : CH.key_len == 24 ? EVP_aes_192_cbc()
                                                                                           : EVP_aes_256_cbc();
        assert_int_equal(EVP_EncryptInit_ex(e, ciph, NULL, kpi, NULL), 1);
        EVP_CIPHER_CTX_set_padding(e, 0);
        assert_int_equal(EVP_EncryptUpdate(e, z, &zl, s, 16), 1);
        assert_int_equal(EVP_EncryptFinal_ex(e, z + zl, &fl), 1);
        EVP_CIPHER_CTX_free(e);
        n = rapdu(r, 0x80, z, (size_t)(zl + fl), 0x9000);
        if (CH.nonce_bare) { /* 80 10 z without its 7C template */
            memmove(r, r + 2, n - 2);
            n -= 2;
        }
        break;
    }
    case 2: { /* the mapping */
        assert_int_equal(c[0], 0x10);
        kofu_cur v = ga_value(c, clen, 0x81);
        EC_POINT *pk_map_ifd = EC_POINT_new(CH.g), *pk_map_ic = EC_POINT_new(CH.g);
        assert_int_equal(EC_POINT_oct2point(CH.g, pk_map_ifd, cur_data(&v), cur_len(&v), bctx), 1);
        /* G~ = s·G + sk_map,IC·PK_map,IFD in one call */
        CH.gt = EC_POINT_new(CH.g);
        assert_int_equal(EC_POINT_mul(CH.g, CH.gt, CH.s, pk_map_ifd, CH.sk_map, bctx), 1);
        assert_int_equal(EC_POINT_mul(CH.g, pk_map_ic, CH.sk_map, NULL, NULL, bctx), 1);
        size_t pl = t_point(CH.g, pk_map_ic, buf);
        if (CH.map_off_curve)
            buf[pl - 1] ^= 0x01;
        n = rapdu(r, 0x82, buf, pl, CH.ga_b_sw ? CH.ga_b_sw : 0x9000);
        EC_POINT_free(pk_map_ifd);
        EC_POINT_free(pk_map_ic);
        break;
    }
    case 3: { /* key agreement: PK_IC = sk_IC·G~, K = x(sk_IC·PK_IFD) */
        assert_int_equal(c[0], 0x10);
        kofu_cur v = ga_value(c, clen, 0x83);
        CH.pk_ifd_len = cur_len(&v);
        memcpy(CH.pk_ifd, cur_data(&v), CH.pk_ifd_len);
        EC_POINT *pk_ifd = EC_POINT_new(CH.g), *pk_ic = EC_POINT_new(CH.g), *shared = EC_POINT_new(CH.g);
        BIGNUM *x = BN_new();
        assert_int_equal(EC_POINT_oct2point(CH.g, pk_ifd, CH.pk_ifd, CH.pk_ifd_len, bctx), 1);
        assert_int_equal(EC_POINT_mul(CH.g, pk_ic, NULL, CH.gt, CH.sk, bctx), 1);
        assert_int_equal(EC_POINT_mul(CH.g, shared, NULL, pk_ifd, CH.sk, bctx), 1);
        assert_int_equal(EC_POINT_get_affine_coordinates(CH.g, shared, x, NULL, bctx), 1);
        int fl = (EC_GROUP_get_degree(CH.g) + 7) / 8;
        assert_int_equal(BN_bn2binpad(x, buf, fl), fl);
        t_kdf(buf, (size_t)fl, 1, CH.key_len, CH.ks_enc);
        t_kdf(buf, (size_t)fl, 2, CH.key_len, CH.ks_mac);
        if (CH.echo_pk) {
            memcpy(CH.pk_ic, CH.pk_ifd, CH.pk_ifd_len);
            CH.pk_ic_len = CH.pk_ifd_len;
        } else {
            CH.pk_ic_len = t_point(CH.g, pk_ic, CH.pk_ic);
        }
        n = rapdu(r, 0x84, CH.pk_ic, CH.pk_ic_len, 0x9000);
        EC_POINT_free(pk_ifd);
        EC_POINT_free(pk_ic);
        EC_POINT_free(shared);
        BN_free(x);
        break;
    }
    case 4: { /* mutual authentication */
        assert_int_equal(c[0], 0x00);
        kofu_cur v = ga_value(c, clen, 0x85);
        uint8_t t_ifd[8], t_ic[8];
        t_token(CH.ks_mac, CH.key_len, CH.oid, CH.pk_ic, CH.pk_ic_len, t_ifd);
        CH.token_ok = cur_len(&v) == 8 && memcmp(cur_data(&v), t_ifd, 8) == 0;
        if (CH.final_sw || !CH.token_ok) {
            n = rapdu(r, 0, NULL, 0, CH.final_sw ? CH.final_sw : 0x6300);
            break;
        }
        t_token(CH.ks_mac, CH.key_len, CH.oid, CH.pk_ifd, CH.pk_ifd_len, t_ic);
        if (CH.bad_t_ic)
            t_ic[7] ^= 0x40;
        n = rapdu(r, 0x86, t_ic, 8, 0x9000);
        if (CH.final_car || CH.final_extra) {
            /* a certification authority reference (87) after the token, or
             * a DO that has no place here (99) */
            const uint8_t car[] = {CH.final_car ? 0x87 : 0x99, 0x03, 'U', 'T', '1'};
            memcpy(r + n - 2, car, sizeof car);
            r[1] = (uint8_t)(r[1] + sizeof car);
            n += sizeof car;
            r[n - 2] = 0x90;
            r[n - 1] = 0x00;
        }
        break;
    }
    default:
        fail_msg("APDU after PACE's last step");
    }
    BN_CTX_free(bctx);
    return n;
}

static int chip_transmit(void *ctx, const uint8_t *c, size_t clen, uint8_t *r, size_t *rlen)
{
    (void)ctx;
    assert_true(CH.n < 8);
    assert_true(clen <= sizeof CH.c[0]);
    memcpy(CH.c[CH.n], c, clen);
    CH.c_len[CH.n] = clen;
    size_t n = chip_step(c, clen, r);
    assert_true(n <= *rlen);
    memcpy(CH.r[CH.n], r, n);
    CH.r_len[CH.n] = n;
    *rlen = n;
    CH.n++;
    return KOFU_OK;
}

static const struct card_reader_ops CHIP_OPS = {.transmit = chip_transmit};

/* ---- Appendix G through the steps ---- */

static void test_app_g_password_and_nonce(void **state)
{
    (void)state;
    HEX(k_want, G_K);
    HEX(kpi_want, G_K_PI);
    HEX(z, G_Z);
    HEX(s_want, G_S);
    uint8_t k[20], kpi[32], s[ICAO_PACE_NONCE_MAX];
    assert_true(kcrypto_sha1((const uint8_t *)G_MRZ_INFO, MRZ_INFO_LEN, k));
    assert_bytes(k, sizeof k, k_want, k_want_len);
    assert_int_equal(icao_kdf(k, sizeof k, ICAO_KDF_PACE, ICAO_KDF_AES128, kpi), 16);
    assert_bytes(kpi, 16, kpi_want, kpi_want_len);

    size_t s_len = sizeof s;
    assert_true(icao_pace_decrypt_nonce(G_MRZ_INFO, 16, z, z_len, s, &s_len));
    assert_bytes(s, s_len, s_want, s_want_len);
    /* Another password gives another nonce (and nothing says so). */
    s_len = sizeof s;
    assert_true(icao_pace_decrypt_nonce("T22000128364081251010318", 16, z, z_len, s, &s_len));
    assert_int_equal(s_len, 16);
    assert_memory_not_equal(s, s_want, 16);
    /* A nonce that is not whole blocks, a key size that is no AES, no room. */
    s_len = sizeof s;
    assert_false(icao_pace_decrypt_nonce(G_MRZ_INFO, 16, z, 15, s, &s_len));
    assert_false(icao_pace_decrypt_nonce(G_MRZ_INFO, 20, z, z_len, s, &s_len));
    s_len = 8;
    assert_false(icao_pace_decrypt_nonce(G_MRZ_INFO, 16, z, z_len, s, &s_len));
}

static void test_app_g_mapping(void **state)
{
    (void)state;
    HEX(s, G_S);
    HEX(sk_map_ifd, G_SK_MAP_IFD);
    HEX(pk_map_ifd_want, G_PK_MAP_IFD);
    HEX(sk_map_ic, G_SK_MAP_IC);
    HEX(pk_map_ic, G_PK_MAP_IC);
    HEX(gm_want, G_G_MAPPED);
    HEX(h_want, G_H);
    uint8_t pk[ICAO_PACE_POINT_MAX], gm[ICAO_PACE_POINT_MAX], pk2[ICAO_PACE_POINT_MAX], gm2[ICAO_PACE_POINT_MAX];
    size_t pk_len = sizeof pk, gm_len = sizeof gm, pk2_len = sizeof pk2, gm2_len = sizeof gm2;

    /* The terminal's side. */
    assert_true(icao_pace_map_gm(NID_brainpoolP256r1, s, s_len, sk_map_ifd, sk_map_ifd_len, pk_map_ic,
                                 pk_map_ic_len, pk, &pk_len, gm, &gm_len));
    assert_bytes(pk, pk_len, pk_map_ifd_want, pk_map_ifd_want_len);
    assert_bytes(gm, gm_len, gm_want, gm_want_len);
    /* The chip's side: the same function with the chip's key and the
     * terminal's point gives PK_map,IC and the same G~. */
    assert_true(icao_pace_map_gm(NID_brainpoolP256r1, s, s_len, sk_map_ic, sk_map_ic_len, pk_map_ifd_want,
                                 pk_map_ifd_want_len, pk2, &pk2_len, gm2, &gm2_len));
    assert_bytes(pk2, pk2_len, pk_map_ic, pk_map_ic_len);
    assert_bytes(gm2, gm2_len, gm_want, gm_want_len);

    /* H, the whole shared point: G~ − s·G, computed here from kofu's G~. */
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_brainpoolP256r1);
    EC_POINT *gt = EC_POINT_new(g), *sg = EC_POINT_new(g);
    BIGNUM *sn = BN_bin2bn(s, (int)s_len, NULL);
    uint8_t h[133];
    assert_int_equal(EC_POINT_oct2point(g, gt, gm, gm_len, NULL), 1);
    assert_int_equal(EC_POINT_mul(g, sg, sn, NULL, NULL, NULL), 1);
    assert_int_equal(EC_POINT_invert(g, sg, NULL), 1);
    assert_int_equal(EC_POINT_add(g, gt, gt, sg, NULL), 1);
    assert_bytes(h, t_point(g, gt, h), h_want, h_want_len);
    BN_free(sn);
    EC_POINT_free(gt);
    EC_POINT_free(sg);
    EC_GROUP_free(g);
}

static void test_app_g_agreement_and_tokens(void **state)
{
    (void)state;
    HEX(gm, G_G_MAPPED);
    HEX(sk_ifd, G_SK_IFD);
    HEX(pk_ifd_want, G_PK_IFD);
    HEX(sk_ic, G_SK_IC);
    HEX(pk_ic, G_PK_IC);
    HEX(shared, G_SHARED);
    HEX(ks_enc_want, G_KS_ENC);
    HEX(ks_mac_want, G_KS_MAC);
    HEX(t_ifd_want, G_T_IFD);
    HEX(t_ic_want, G_T_IC);
    uint8_t pk[ICAO_PACE_POINT_MAX], k[ICAO_PACE_POINT_MAX], pk2[ICAO_PACE_POINT_MAX], k2[ICAO_PACE_POINT_MAX];
    size_t pk_len = sizeof pk, k_len = sizeof k, pk2_len = sizeof pk2, k2_len = sizeof k2;

    assert_true(icao_pace_agree(NID_brainpoolP256r1, gm, gm_len, sk_ifd, sk_ifd_len, pk_ic, pk_ic_len, pk,
                                &pk_len, k, &k_len));
    assert_bytes(pk, pk_len, pk_ifd_want, pk_ifd_want_len);
    assert_bytes(k, k_len, shared, shared_len);
    /* The chip's side. */
    assert_true(icao_pace_agree(NID_brainpoolP256r1, gm, gm_len, sk_ic, sk_ic_len, pk_ifd_want,
                                pk_ifd_want_len, pk2, &pk2_len, k2, &k2_len));
    assert_bytes(pk2, pk2_len, pk_ic, pk_ic_len);
    assert_bytes(k2, k2_len, shared, shared_len);

    uint8_t ks_enc[32], ks_mac[32], t[8];
    assert_int_equal(icao_kdf(k, k_len, ICAO_KDF_ENC, ICAO_KDF_AES128, ks_enc), 16);
    assert_int_equal(icao_kdf(k, k_len, ICAO_KDF_MAC, ICAO_KDF_AES128, ks_mac), 16);
    assert_bytes(ks_enc, 16, ks_enc_want, ks_enc_want_len);
    assert_bytes(ks_mac, 16, ks_mac_want, ks_mac_want_len);

    assert_true(icao_pace_token(ks_mac, 16, G_INFO.oid, G_INFO.oid_len, pk_ic, pk_ic_len, t));
    assert_bytes(t, 8, t_ifd_want, t_ifd_want_len);
    assert_true(icao_pace_token(ks_mac, 16, G_INFO.oid, G_INFO.oid_len, pk_ifd_want, pk_ifd_want_len, t));
    assert_bytes(t, 8, t_ic_want, t_ic_want_len);
    /* The test's own token agrees (the chip model uses it). */
    t_token(ks_mac, 16, G_INFO.oid, pk_ic, pk_ic_len, t);
    assert_bytes(t, 8, t_ifd_want, t_ifd_want_len);
}

/* The chip's points that must be refused, and keys out of range. */
static void test_bad_points_and_keys(void **state)
{
    (void)state;
    HEX(s, G_S);
    HEX(sk_map, G_SK_MAP_IFD);
    HEX(pk_map_ic, G_PK_MAP_IC);
    HEX(gm, G_G_MAPPED);
    HEX(sk_ifd, G_SK_IFD);
    HEX(pk_ifd, G_PK_IFD);
    HEX(pk_ic, G_PK_IC);
    uint8_t pk[ICAO_PACE_POINT_MAX], out[ICAO_PACE_POINT_MAX], bad[ICAO_PACE_POINT_MAX];
    size_t pk_len, out_len;
#define MAP(point, point_len)                                                                               \
    (pk_len = sizeof pk, out_len = sizeof out,                                                              \
     icao_pace_map_gm(NID_brainpoolP256r1, s, s_len, sk_map, sk_map_len, point, point_len, pk, &pk_len, out, \
                      &out_len))
#define AGREE(key, key_len, point, point_len)                                                               \
    (pk_len = sizeof pk, out_len = sizeof out,                                                              \
     icao_pace_agree(NID_brainpoolP256r1, gm, gm_len, key, key_len, point, point_len, pk, &pk_len, out,       \
                     &out_len))
    assert_true(MAP(pk_map_ic, pk_map_ic_len));
    /* off the curve: y changed */
    memcpy(bad, pk_map_ic, pk_map_ic_len);
    bad[pk_map_ic_len - 1] ^= 0x01;
    assert_false(MAP(bad, pk_map_ic_len));
    assert_false(AGREE(sk_ifd, sk_ifd_len, bad, pk_map_ic_len));
    /* compressed form, truncated, wrong prefix, the point at infinity */
    uint8_t comp[33] = {(uint8_t)(0x02 | (pk_map_ic[64] & 1))};
    memcpy(comp + 1, pk_map_ic + 1, 32);
    assert_false(MAP(comp, sizeof comp));
    assert_false(MAP(pk_map_ic, pk_map_ic_len - 1));
    memcpy(bad, pk_map_ic, pk_map_ic_len);
    bad[0] = 0x06;
    assert_false(MAP(bad, pk_map_ic_len));
    uint8_t inf[1] = {0x00};
    assert_false(MAP(inf, 1));
    /* a point on another curve (P-256's generator) */
    EC_GROUP *p256 = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    size_t gl = t_point(p256, EC_GROUP_get0_generator(p256), bad);
    assert_false(MAP(bad, gl));
    EC_GROUP_free(p256);
    /* The chip sends the terminal's own keys back. */
    HEX(pk_map_ifd, G_PK_MAP_IFD);
    assert_false(MAP(pk_map_ifd, pk_map_ifd_len));
    assert_true(AGREE(sk_ifd, sk_ifd_len, pk_ic, pk_ic_len));
    assert_false(AGREE(sk_ifd, sk_ifd_len, pk_ifd, pk_ifd_len));
    /* Private keys: zero, the order itself, longer than the order. */
    uint8_t zero[32] = {0};
    HEX(order, "A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7");
    assert_false(AGREE(zero, sizeof zero, pk_ic, pk_ic_len));
    assert_false(AGREE(order, order_len, pk_ic, pk_ic_len));
    pk_len = sizeof pk;
    out_len = sizeof out;
    assert_false(icao_pace_map_gm(NID_brainpoolP256r1, s, s_len, order, order_len, pk_map_ic, pk_map_ic_len, pk,
                                  &pk_len, out, &out_len));
    /* A curve kofu does not know, an output buffer too small. */
    pk_len = sizeof pk;
    out_len = sizeof out;
    assert_false(icao_pace_map_gm(NID_secp256k1, s, s_len, sk_map, sk_map_len, pk_map_ic, pk_map_ic_len, pk,
                                  &pk_len, out, &out_len));
    pk_len = sizeof pk;
    out_len = 64;
    assert_false(icao_pace_map_gm(NID_brainpoolP256r1, s, s_len, sk_map, sk_map_len, pk_map_ic, pk_map_ic_len,
                                  pk, &pk_len, out, &out_len));
#undef MAP
#undef AGREE
}

/* ---- whole runs ---- */

static void test_app_g_transcript(void **state)
{
    (void)state;
    HEX(sk_map, G_SK_MAP_IFD);
    HEX(sk, G_SK_IFD);
    HEX(ks_enc, G_KS_ENC);
    HEX(ks_mac, G_KS_MAC);
    chip_app_g();
    struct card_reader r = {&CHIP_OPS, NULL, 0};
    struct icao_sm sm;
    memset(&sm, 0xAA, sizeof sm);
    assert_int_equal(icao_pace_with(&r, G_MRZ_INFO, &G_INFO, sk_map, sk_map_len, sk, sk_len, &sm), KOFU_OK);
    assert_int_equal(CH.n, 5);
    for (unsigned i = 0; i < 5; i++) {
        HEX(c, G_APDU[i]);
        HEX(rr, G_RAPDU[i]);
        assert_bytes(CH.c[i], CH.c_len[i], c, c_len);
        /* the model's answers are the appendix's too */
        assert_bytes(CH.r[i], CH.r_len[i], rr, rr_len);
    }
    assert_true(CH.token_ok);
    assert_int_equal(sm.alg, ICAO_SM_AES);
    assert_int_equal(sm.key_len, 16);
    assert_memory_equal(sm.ks_enc, ks_enc, 16);
    assert_memory_equal(sm.ks_mac, ks_mac, 16);
    static const uint8_t zero[16];
    assert_memory_equal(sm.ssc, zero, 16);
    assert_false(sm.broken);

    /* The session is usable: the SELECT of the eMRTD application, wrapped
     * by icao_sm, is the one computed here by hand (SSC 1, IV =
     * E(KS_enc, SSC), DO87, CMAC over pad(SSC ‖ header ‖ DO87)). */
    static const uint8_t aid[] = {0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};
    struct apdu sel = {.cla = 0x00, .ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = aid, .lc = sizeof aid};
    uint8_t out[300];
    size_t out_len = 0;
    assert_int_equal(icao_sm_wrap(&sm, &sel, out, sizeof out, &out_len), KOFU_OK);
    uint8_t ssc[16] = {[15] = 1}, iv[16], pad[16] = {0}, enc[16], m[64] = {0}, mac[8], want[40];
    memcpy(pad, aid, sizeof aid);
    pad[sizeof aid] = 0x80;
    EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new();
    int l = 0;
    assert_int_equal(EVP_EncryptInit_ex(e, EVP_aes_128_ecb(), NULL, ks_enc, NULL), 1);
    EVP_CIPHER_CTX_set_padding(e, 0);
    assert_int_equal(EVP_EncryptUpdate(e, iv, &l, ssc, 16), 1);
    assert_int_equal(EVP_EncryptInit_ex(e, EVP_aes_128_cbc(), NULL, ks_enc, iv), 1);
    EVP_CIPHER_CTX_set_padding(e, 0);
    assert_int_equal(EVP_EncryptUpdate(e, enc, &l, pad, 16), 1);
    EVP_CIPHER_CTX_free(e);
    size_t n = 0;
    memcpy(m, ssc, 16);
    n = 16;
    const uint8_t hdr[] = {0x0C, 0xA4, 0x04, 0x0C, 0x80};
    memcpy(m + n, hdr, sizeof hdr);
    n += 16;
    m[n++] = 0x87;
    m[n++] = 0x11;
    m[n++] = 0x01;
    memcpy(m + n, enc, 16);
    n += 16;
    m[n] = 0x80;
    t_cmac8(ks_mac, 16, m, 64, mac);
    const uint8_t head[] = {0x0C, 0xA4, 0x04, 0x0C, 0x1D, 0x87, 0x11, 0x01};
    memcpy(want, head, sizeof head);
    memcpy(want + 8, enc, 16);
    want[24] = 0x8E;
    want[25] = 0x08;
    memcpy(want + 26, mac, 8);
    want[34] = 0x00;
    assert_bytes(out, out_len, want, 35);
    icao_sm_end(&sm);
}

/* Random terminal keys against the model, on several curves and key sizes
 * (P-521's points take the 81 length form inside 7C). */
static void test_random_runs(void **state)
{
    (void)state;
    static const struct {
        int nid, param;
        size_t key_len;
    } cases[] = {
        {NID_brainpoolP256r1, 13, 16}, {NID_X9_62_prime256v1, 12, 32}, {NID_secp384r1, 15, 24},
        {NID_secp521r1, 18, 32},       {NID_X9_62_prime192v1, 8, 16},  {NID_brainpoolP512r1, 17, 32},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        chip_random(cases[i].nid, cases[i].param, cases[i].key_len, G_MRZ_INFO);
        struct icao_pace_info pi = {.oid_len = 10, .key_len = cases[i].key_len, .curve_nid = cases[i].nid,
                                    .parameter_id = cases[i].param};
        memcpy(pi.oid, CH.oid, 10);
        struct card_reader r = {&CHIP_OPS, NULL, 0};
        struct icao_sm sm = {0};
        assert_int_equal(icao_pace(&r, G_MRZ_INFO, &pi, &sm), KOFU_OK);
        assert_int_equal(CH.n, 5);
        assert_true(CH.token_ok);
        assert_int_equal(sm.alg, ICAO_SM_AES);
        assert_int_equal(sm.key_len, cases[i].key_len);
        assert_memory_equal(sm.ks_enc, CH.ks_enc, cases[i].key_len);
        assert_memory_equal(sm.ks_mac, CH.ks_mac, cases[i].key_len);
        icao_sm_end(&sm);
    }
    /* Two runs use two different ephemeral keys. */
    uint8_t first[133];
    size_t first_len;
    chip_random(NID_brainpoolP256r1, 13, 16, G_MRZ_INFO);
    struct card_reader r = {&CHIP_OPS, NULL, 0};
    struct icao_sm sm = {0};
    assert_int_equal(icao_pace(&r, G_MRZ_INFO, &G_INFO, &sm), KOFU_OK);
    first_len = CH.c_len[2];
    memcpy(first, CH.c[2], first_len);
    chip_random(NID_brainpoolP256r1, 13, 16, G_MRZ_INFO);
    assert_int_equal(icao_pace(&r, G_MRZ_INFO, &G_INFO, &sm), KOFU_OK);
    assert_int_equal(CH.c_len[2], first_len);
    assert_memory_not_equal(CH.c[2], first, first_len);
    icao_sm_end(&sm);
}

static int run_faulty(void (*fault)(void), unsigned *apdus)
{
    HEX(sk_map, G_SK_MAP_IFD);
    HEX(sk, G_SK_IFD);
    chip_app_g();
    fault();
    struct card_reader r = {&CHIP_OPS, NULL, 0};
    struct icao_sm sm;
    memset(&sm, 0x5A, sizeof sm);
    int rc = icao_pace_with(&r, G_MRZ_INFO, &G_INFO, sk_map, sk_map_len, sk, sk_len, &sm);
    *apdus = CH.n;
    if (rc != KOFU_OK) {
        /* no session was started */
        uint8_t untouched[sizeof sm];
        memset(untouched, 0x5A, sizeof untouched);
        assert_memory_equal(&sm, untouched, sizeof sm);
    }
    return rc;
}

static void f_none(void) {}
static void f_map_off_curve(void) { CH.map_off_curve = true; }
static void f_echo(void) { CH.echo_pk = true; }
static void f_bad_t_ic(void) { CH.bad_t_ic = true; }
static void f_wrong_numbers(void) { CH.mrz_info = "T22000128364081251010318"; }
static void f_6982(void) { CH.final_sw = 0x6982; }
static void f_6a80_final(void) { CH.final_sw = 0x6A80; }
static void f_nonce_bare(void) { CH.nonce_bare = true; }
static void f_final_car(void) { CH.final_car = true; }
static void f_final_extra(void) { CH.final_extra = true; }
static void f_mse(void) { CH.mse_sw = 0x6A80; }
static void f_ga_b(void) { CH.ga_b_sw = 0x6A80; }

static void test_bad_paths(void **state)
{
    (void)state;
    unsigned n;
    /* The same harness with no fault succeeds (so each failure below is the
     * fault's). */
    assert_int_equal(run_faulty(f_none, &n), KOFU_OK);
    assert_int_equal(n, 5);
    /* The chip's mapping point is off the curve: stop before step c. */
    assert_int_equal(run_faulty(f_map_off_curve, &n), KOFU_E_PASSPORT_SM);
    assert_int_equal(n, 3);
    /* PK_IC = PK_IFD: no token is sent. */
    assert_int_equal(run_faulty(f_echo, &n), KOFU_E_PASSPORT_SM);
    assert_int_equal(n, 4);
    /* The chip's token is wrong: the chip is not the one that knows K_π. */
    assert_int_equal(run_faulty(f_bad_t_ic, &n), KOFU_E_PASSPORT_SM);
    assert_int_equal(n, 5);
    /* The chip's password differs from the numbers given: it refuses the
     * terminal's token with 6300, which is "check the numbers". */
    assert_int_equal(run_faulty(f_wrong_numbers, &n), KOFU_E_PASSPORT_KEYS);
    assert_int_equal(n, 5);
    assert_false(CH.token_ok);
    assert_int_equal(run_faulty(f_6982, &n), KOFU_E_PASSPORT_KEYS);
    /* Other refusals are protocol errors, not wrong numbers. */
    assert_int_equal(run_faulty(f_6a80_final, &n), KOFU_E_PASSPORT_SM);
    assert_int_equal(run_faulty(f_ga_b, &n), KOFU_E_PASSPORT_SM);
    assert_int_equal(n, 3);
    /* Answers out of shape. */
    assert_int_equal(run_faulty(f_nonce_bare, &n), KOFU_E_PASSPORT_SM);
    assert_int_equal(n, 2);
    assert_int_equal(run_faulty(f_final_extra, &n), KOFU_E_PASSPORT_SM);
    /* A certification authority reference after the token is allowed. */
    assert_int_equal(run_faulty(f_final_car, &n), KOFU_OK);
    /* The chip refuses the PACE its EF.CardAccess offered: no key tried. */
    assert_int_equal(run_faulty(f_mse, &n), KOFU_E_PASSPORT_DATA);
    assert_int_equal(n, 1);

    /* A PACEInfo kofu does not speak never reaches the chip. */
    struct icao_pace_info pi = G_INFO;
    pi.key_len = 20;
    struct card_reader r = {&CHIP_OPS, NULL, 0};
    struct icao_sm sm = {0};
    chip_app_g();
    assert_int_equal(icao_pace(&r, G_MRZ_INFO, &pi, &sm), KOFU_E_PASSPORT_DATA);
    pi = G_INFO;
    pi.curve_nid = NID_secp256k1;
    assert_int_equal(icao_pace(&r, G_MRZ_INFO, &pi, &sm), KOFU_E_PASSPORT_DATA);
    pi = G_INFO;
    pi.parameter_id = 12; /* P-256's id with brainpool's NID */
    assert_int_equal(icao_pace(&r, G_MRZ_INFO, &pi, &sm), KOFU_E_PASSPORT_DATA);
    assert_int_equal(CH.n, 0);
}

/* ---- EF.CardAccess ---- */

static int parse_hex(const char *hex, struct icao_pace_info *pi, bool *found)
{
    HEX(b, hex);
    memset(pi, 0xEE, sizeof *pi);
    *found = true;
    return icao_card_access_parse(b, b_len, pi, found);
}

#define PACEINFO(cipher_mapping, param) "3012 060A 04007F0007020204" cipher_mapping " 020102 0201" param

static void test_card_access(void **state)
{
    (void)state;
    struct icao_pace_info pi;
    bool found;

    /* App. G's file. */
    assert_int_equal(parse_hex("3114 3012 060A 04007F00070202040202 020102 02010D", &pi, &found), KOFU_OK);
    assert_true(found);
    assert_int_equal(pi.oid_len, 10);
    assert_memory_equal(pi.oid, G_INFO.oid, 10);
    assert_int_equal(pi.key_len, 16);
    assert_int_equal(pi.curve_nid, NID_brainpoolP256r1);
    assert_int_equal(pi.parameter_id, 13);

    /* Real-shaped: PACE-CAM first (ignored), then GM AES-256 on
     * brainpoolP384r1, then the chip authentication infos and a
     * PACEDomainParameterInfo (whose id-PACE OID has no cipher byte). */
    const char *real = "3181A2"
                       "3012 060A 04007F00070202040604 020102 020110"    /* ECDH-CAM AES-256 */
                       "3012 060A 04007F00070202040204 020102 020110"    /* ECDH-GM AES-256, 16 */
                       "3012 060A 04007F00070202040202 020102 02010D"    /* ECDH-GM AES-128, 13 */
                       "3012 060A 04007F00070202030204 020101 020101"    /* ChipAuthenticationInfo */
                       "301C 0609 04007F000702020302 300C 0607 04007F00070102 02010D 020101" /* CA domain */
                       "301C 0609 04007F000702020402 300C 0607 04007F00070102 02010D 020102" /* PACE domain */
                       "3014 0608 04007F0007020202 020102 3005 020101 0500"; /* TerminalAuthenticationInfo */
    assert_int_equal(parse_hex(real, &pi, &found), KOFU_OK);
    assert_true(found);
    assert_int_equal(pi.key_len, 32);
    assert_int_equal(pi.curve_nid, NID_brainpoolP384r1);
    assert_int_equal(pi.parameter_id, 16);
    assert_int_equal(pi.oid[9], 0x04);

    /* Each standardized parameterId and each cipher. */
    static const struct {
        const char *hex;
        int nid;
        size_t key_len;
    } ok[] = {
        {"3114" PACEINFO("0202", "08"), NID_X9_62_prime192v1, 16}, {"3114" PACEINFO("0203", "09"), NID_brainpoolP192r1, 24},
        {"3114" PACEINFO("0204", "0A"), NID_secp224r1, 32},        {"3114" PACEINFO("0202", "0B"), NID_brainpoolP224r1, 16},
        {"3114" PACEINFO("0202", "0C"), NID_X9_62_prime256v1, 16}, {"3114" PACEINFO("0204", "0E"), NID_brainpoolP320r1, 32},
        {"3114" PACEINFO("0203", "0F"), NID_secp384r1, 24},        {"3114" PACEINFO("0204", "11"), NID_brainpoolP512r1, 32},
        {"3114" PACEINFO("0204", "12"), NID_secp521r1, 32},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(parse_hex(ok[i].hex, &pi, &found), KOFU_OK);
        assert_true(found);
        assert_int_equal(pi.curve_nid, ok[i].nid);
        assert_int_equal(pi.key_len, ok[i].key_len);
    }

    /* Well formed but nothing kofu speaks: BAC then. */
    static const char *const none[] = {
        "3114" PACEINFO("0102", "00"),                  /* DH-GM */
        "3114" PACEINFO("0402", "0D"),                  /* ECDH-IM */
        "3114" PACEINFO("0602", "0D"),                  /* ECDH-CAM only */
        "3114" PACEINFO("0201", "0D"),                  /* ECDH-GM 3DES */
        "3114" PACEINFO("0205", "0D"),                  /* no such cipher */
        "3114" PACEINFO("0202", "07"),                  /* not a standardized EC curve */
        "3114" PACEINFO("0202", "13"),
        "3114" PACEINFO("0202", "20"),                  /* proprietary domain parameters */
        "3111 300F 060A 04007F00070202040202 020102",   /* no parameterId */
        "3114 3012 060A 04007F00070202040202 020101 02010D", /* version 1 */
        "3114 3012 060A 04007F00070202040202 0201FE 02010D", /* a negative version */
        "3116 3014 060A 04007F00070202040202 020102 0203010000", /* a huge parameterId */
        "3100",                                         /* an empty set */
        "3114 3012 060A 04007F00070202030202 020102 02010D", /* chip authentication, not PACE */
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        assert_int_equal(parse_hex(none[i], &pi, &found), KOFU_OK);
        assert_false(found);
    }
    /* Both DH-only and CAM together: still nothing. */
    assert_int_equal(parse_hex("3128" PACEINFO("0102", "02") PACEINFO("0602", "0D"), &pi, &found), KOFU_OK);
    assert_false(found);
    /* The first usable one wins. */
    assert_int_equal(parse_hex("3128" PACEINFO("0202", "0C") PACEINFO("0204", "0D"), &pi, &found), KOFU_OK);
    assert_true(found);
    assert_int_equal(pi.parameter_id, 12);

    /* Malformed. */
    static const char *const bad[] = {
        "",
        "30143012060A04007F00070202040202020102 02010D", /* not a SET */
        "3114 3012 060A 04007F00070202040202 020102 02010D 00", /* trailing byte */
        "3115 3012 060A 04007F00070202040202 020102 02010D",    /* cut */
        "3180 3012 060A 04007F00070202040202 020102 02010D 0000", /* indefinite length */
        "3103 020102",                                   /* an element that is no SEQUENCE */
        "3104 3002 0500",                                /* no OID */
        "310A 3008 0600 020102 02010D",                  /* an empty OID */
        "3104 3002 0600",                                /* only an OID */
        "310C 300A 0608 04007F0007020202",               /* TA info without its data */
        "3114 3012 060A 04007F00070202040202 040102 02010D", /* version not an INTEGER */
        "3113 3011 060A 04007F00070202040202 0200 02010D",   /* an empty INTEGER */
        "3115 3013 060A 04007F00070202040202 02020002 02010D", /* a non-minimal INTEGER */
        "3117 3015 060A 04007F00070202040202 020102 02010D 020100", /* a third field */
        "3111 300F 060A 04007F00070202040202 02010D",    /* … or only a version: fine, see below */
    };
    for (size_t i = 0; i + 1 < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse_hex(bad[i], &pi, &found), KOFU_E_PASSPORT_DATA);
        assert_false(found);
    }
    /* A PACEInfo with a version only is well formed (parameterId is
     * OPTIONAL); version 13 is no version kofu knows. */
    assert_int_equal(parse_hex(bad[sizeof bad / sizeof bad[0] - 1], &pi, &found), KOFU_OK);
    assert_false(found);
    /* A good PACEInfo before a malformed SecurityInfo does not make the file
     * good. */
    assert_int_equal(parse_hex("3118" PACEINFO("0202", "0D") "3002 0500", &pi, &found), KOFU_E_PASSPORT_DATA);
    assert_false(found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_app_g_password_and_nonce),
        cmocka_unit_test(test_app_g_mapping),
        cmocka_unit_test(test_app_g_agreement_and_tokens),
        cmocka_unit_test(test_bad_points_and_keys),
        cmocka_unit_test(test_app_g_transcript),
        cmocka_unit_test(test_random_runs),
        cmocka_unit_test(test_bad_paths),
        cmocka_unit_test(test_card_access),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    chip_reset();
    return rc;
}
