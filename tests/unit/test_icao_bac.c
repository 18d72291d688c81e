/* test_icao_bac.c — Basic Access Control and 3DES secure messaging
 * (firmware/card/icao_bac.h, icao_sm.h) against the worked example of ICAO
 * 9303-11 Appendix D (values as published and reproduced by liblogicalaccess
 * test_epass_utils.cpp, worldfnd/icao-9303 tdes.rs and gmrtd): every
 * intermediate value, then the whole dialogue driven through a card reader
 * whose chip replays the published answers and checks the exact bytes the
 * terminal sends; then the ways a chip's answer can be wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/lib/hex.h"

#include "base/errors.h"
#include "base/kcrypto_sym.h"
#include "card/icao_bac.h"
#include "card/icao_sm.h"
#include "drivers/card_reader.h"

#define HEX(name, str) KT_HEX(name, 300, str)

/* App. D values. */
#define MRZ_INFO "L898902C<369080619406236"
#define K_SEED "239AB9CB282DAF66231DC5A4DF6BFBAE"
#define K_ENC "AB94FDECF2674FDFB9B391F85D7F76F2"
#define K_MAC "7962D9ECE03D1ACD4C76089DCE131543"
#define RND_IC "4608F91988702212"
#define RND_IFD "781723860C06C226"
#define K_IFD "0B795240CB7049B01C19B33E32804F0B"
#define K_IC "0B4F80323EB3191CB04970CB4052790B"
#define E_IFD "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"
#define M_IFD "5F1448EEA8AD90A7"
#define MUTUAL_CMD "0082000028" E_IFD M_IFD "28"
#define E_IC "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F"
#define M_IC "2F2D235D074D7449"
#define KS_ENC "979EC13B1CBFE9DCD01AB0FED307EAE5"
#define KS_MAC "F1CB1F1FB5ADF208806B89DC579DC1F8"
#define SSC0 "887022120C06C226"
/* App. D.4: SELECT EF.COM, READ BINARY 4, READ BINARY 18 at 4. */
#define SEL_CMD "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"
#define SEL_RSP "990290008E08FA855A5D4C50A8ED9000"
#define RB1_CMD "0CB000000D9701048E08ED6705417E96BA5500"
#define RB1_RSP "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"
#define RB2_CMD "0CB000040D9701128E082EA28A70F3C7B53500"
#define RB2_RSP "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"

static void test_kdf_and_keys(void **state)
{
    (void)state;
    HEX(seed, K_SEED);
    HEX(kenc, K_ENC);
    HEX(kmac, K_MAC);
    uint8_t out[32], h[20];
    /* K_seed is SHA-1(MRZ_info)'s first 16 bytes. */
    assert_true(kcrypto_sha1((const uint8_t *)MRZ_INFO, 24, h));
    assert_memory_equal(h, seed, 16);
    /* The KDF before parity (AES-128 uses the same SHA-1 and sets none):
     * SHA-1(K_seed ‖ 00000001) = AB94FCEDF2664EDFB9B291F85D7F77F2 7F2F4A9D. */
    HEX(pre, "AB94FCEDF2664EDFB9B291F85D7F77F2");
    assert_int_equal(icao_kdf(seed, 16, ICAO_KDF_ENC, ICAO_KDF_AES128, out), 16);
    assert_memory_equal(out, pre, 16);
    /* With parity (the two parity vectors of liblogicalaccess
     * test_adjust_parity are K_enc's halves). */
    assert_int_equal(icao_kdf(seed, 16, ICAO_KDF_ENC, ICAO_KDF_3DES, out), 16);
    assert_memory_equal(out, kenc, 16);
    assert_int_equal(icao_kdf(seed, 16, ICAO_KDF_MAC, ICAO_KDF_3DES, out), 16);
    assert_memory_equal(out, kmac, 16);
    /* AES-192/256 take SHA-256 (recomputed with `openssl dgst -sha256`
     * over K_seed ‖ 00000001 and ‖ 00000003). */
    HEX(s1, "2fd7796e42a15119ca4a12a700343706f0c0d1fec1d1a2d981e481b29fb71b12");
    HEX(s3, "b5d0ed44963abcd689f5fe92db8077b2ab1f081be2723ab3cdb925905689b478");
    assert_int_equal(icao_kdf(seed, 16, 1, ICAO_KDF_AES192, out), 24);
    assert_memory_equal(out, s1, 24);
    assert_int_equal(icao_kdf(seed, 16, 3, ICAO_KDF_AES256, out), 32);
    assert_memory_equal(out, s3, 32);
    assert_int_equal(icao_kdf(seed, 0, 1, ICAO_KDF_AES256, out), 0);
    assert_int_equal(icao_kdf(seed, 257, 1, ICAO_KDF_AES256, out), 0);

    uint8_t e[16], m[16];
    assert_true(icao_bac_keys(MRZ_INFO, e, m));
    assert_memory_equal(e, kenc, 16);
    assert_memory_equal(m, kmac, 16);
    /* Session keys from KS_seed = K.IFD ⊕ K.IC = 0036D272F5C350ACAC50C3F572D23600. */
    HEX(ks_seed, "0036D272F5C350ACAC50C3F572D23600");
    HEX(ksenc, KS_ENC);
    HEX(ksmac, KS_MAC);
    assert_int_equal(icao_kdf(ks_seed, 16, ICAO_KDF_ENC, ICAO_KDF_3DES, out), 16);
    assert_memory_equal(out, ksenc, 16);
    assert_int_equal(icao_kdf(ks_seed, 16, ICAO_KDF_MAC, ICAO_KDF_3DES, out), 16);
    assert_memory_equal(out, ksmac, 16);
}

/* The cryptograms of D.3 by the primitives BAC is built from. */
static void test_cryptograms(void **state)
{
    (void)state;
    HEX(kenc, K_ENC);
    HEX(kmac, K_MAC);
    HEX(s, RND_IFD RND_IC K_IFD);
    HEX(eifd, E_IFD);
    HEX(mifd, M_IFD);
    HEX(eic, E_IC);
    HEX(mic, M_IC);
    HEX(r, RND_IC RND_IFD K_IC);
    HEX(s_pub, "781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B"); /* S as published */
    assert_memory_equal(s, s_pub, 32);
    uint8_t buf[40], mac[8];
    assert_true(kcrypto_3des_cbc(kenc, NULL, s, buf, 32, true));
    assert_memory_equal(buf, eifd, 32);
    memcpy(buf + 32, "\x80\0\0\0\0\0\0\0", 8);
    assert_true(kcrypto_retail_mac(kmac, buf, 40, mac));
    assert_memory_equal(mac, mifd, 8);
    memcpy(buf, eic, 32);
    assert_true(kcrypto_retail_mac(kmac, buf, 40, mac));
    assert_memory_equal(mac, mic, 8);
    assert_true(kcrypto_3des_cbc(kenc, NULL, eic, buf, 32, false));
    assert_memory_equal(buf, r, 32);
}

/* A chip that replays a script: each step is the exact command expected
 * and the answer to give. A command that differs fails the test. */
struct step {
    const char *cmd, *rsp;
};
struct replay {
    const struct step *steps;
    size_t n, at;
};

static int replay_transmit(void *ctx, const uint8_t *c, size_t clen, uint8_t *r, size_t *rlen)
{
    struct replay *p = ctx;
    assert_true(p->at < p->n); /* no command beyond the script: no retry */
    HEX(want, p->steps[p->at].cmd);
    assert_int_equal(clen, want_len);
    assert_memory_equal(c, want, clen);
    size_t n = kt_unhex(p->steps[p->at].rsp, r, *rlen);
    *rlen = n;
    p->at++;
    return KOFU_OK;
}

static const struct card_reader_ops REPLAY_OPS = {.transmit = replay_transmit};

static struct card_reader reader_of(struct replay *p)
{
    return (struct card_reader){.ops = &REPLAY_OPS, .ctx = p};
}

#define BAC_STEPS {"0084000008", RND_IC "9000"}, {MUTUAL_CMD, E_IC M_IC "9000"}

static void run_bac(struct card_reader *r, struct icao_sm *sm, int want)
{
    HEX(rnd_ifd, RND_IFD);
    HEX(k_ifd, K_IFD);
    assert_int_equal(icao_bac_with(r, MRZ_INFO, rnd_ifd, k_ifd, sm), want);
}

static void test_appendix_d(void **state)
{
    (void)state;
    static const struct step steps[] = {
        BAC_STEPS, {SEL_CMD, SEL_RSP}, {RB1_CMD, RB1_RSP}, {RB2_CMD, RB2_RSP},
    };
    struct replay p = {steps, sizeof steps / sizeof steps[0], 0};
    struct card_reader r = reader_of(&p);
    struct icao_sm sm;
    run_bac(&r, &sm, KOFU_OK);
    HEX(ksenc, KS_ENC);
    HEX(ksmac, KS_MAC);
    HEX(ssc, SSC0);
    assert_false(sm.broken);
    assert_int_equal(sm.alg, ICAO_SM_3DES);
    assert_int_equal(sm.key_len, 16);
    assert_memory_equal(sm.ks_enc, ksenc, 16);
    assert_memory_equal(sm.ks_mac, ksmac, 16);
    assert_memory_equal(sm.ssc, ssc, 8);

    uint8_t data[256];
    size_t len = 99;
    uint16_t sw = 0;
    static const uint8_t com[] = {0x01, 0x1E};
    const struct apdu select = {.cla = 0x00, .ins = 0xA4, .p1 = 0x02, .p2 = 0x0C, .data = com, .lc = 2};
    assert_int_equal(icao_sm_exchange(&sm, &r, &select, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(sw, 0x9000);
    assert_int_equal(len, 0);
    const struct apdu rb1 = {.cla = 0x00, .ins = 0xB0, .has_le = true, .le = 4};
    assert_int_equal(icao_sm_exchange(&sm, &r, &rb1, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(sw, 0x9000);
    assert_int_equal(len, 4);
    assert_memory_equal(data, "\x60\x14\x5F\x01", 4);
    const struct apdu rb2 = {.cla = 0x00, .ins = 0xB0, .p2 = 0x04, .has_le = true, .le = 0x12};
    assert_int_equal(icao_sm_exchange(&sm, &r, &rb2, data, sizeof data, &len, &sw), KOFU_OK);
    HEX(rest, "04303130365F36063034303030305C026175");
    assert_int_equal(len, rest_len);
    assert_memory_equal(data, rest, rest_len);
    HEX(ssc_end, "887022120C06C22C");
    assert_memory_equal(sm.ssc, ssc_end, 8);
    assert_int_equal(p.at, p.n);
    icao_sm_end(&sm);
    assert_int_equal(sm.ks_enc[0] | sm.ks_mac[0] | sm.ssc[7], 0);
}

/* Wrap and unwrap alone give the same bytes (D.4, from the same SSC). */
static void test_wrap_unwrap_vectors(void **state)
{
    (void)state;
    HEX(ksenc, KS_ENC);
    HEX(ksmac, KS_MAC);
    HEX(ssc, SSC0);
    struct icao_sm sm;
    icao_sm_start(&sm, ICAO_SM_3DES, ksenc, ksmac, 16, ssc);
    uint8_t out[261], data[64];
    size_t n = 0, len = 0;
    uint16_t sw = 0;
    static const uint8_t com[] = {0x01, 0x1E};
    const struct apdu select = {.cla = 0x00, .ins = 0xA4, .p1 = 0x02, .p2 = 0x0C, .data = com, .lc = 2};
    assert_int_equal(icao_sm_wrap(&sm, &select, out, sizeof out, &n), KOFU_OK);
    HEX(sel, SEL_CMD);
    assert_int_equal(n, sel_len);
    assert_memory_equal(out, sel, n);
    HEX(rsp, SEL_RSP);
    assert_int_equal(icao_sm_unwrap(&sm, rsp, rsp_len - 2, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(sw, 0x9000);
    assert_int_equal(len, 0);
    icao_sm_end(&sm);
}

/* The chip's answer to MUTUAL AUTHENTICATE made by the test from the App. D
 * keys with one thing changed: what a chip with other nonces would say. */
static void forged_answer(const char *r_hex, char out_hex[2 * 40 + 4 + 1])
{
    HEX(kenc, K_ENC);
    HEX(kmac, K_MAC);
    HEX(r, r_hex);
    uint8_t buf[40];
    assert_true(kcrypto_3des_cbc(kenc, NULL, r, buf, 32, true));
    memcpy(buf + 32, "\x80\0\0\0\0\0\0\0", 8);
    uint8_t mac[8];
    assert_true(kcrypto_retail_mac(kmac, buf, 40, mac));
    memcpy(buf + 32, mac, 8);
    for (size_t i = 0; i < 40; i++)
        sprintf(out_hex + 2 * i, "%02X", buf[i]);
    strcpy(out_hex + 80, "9000");
}

static void expect_bac(const struct step *steps, size_t n, int want)
{
    struct replay p = {steps, n, 0};
    struct card_reader r = reader_of(&p);
    struct icao_sm sm;
    memset(&sm, 0xAA, sizeof sm);
    run_bac(&r, &sm, want);
    assert_true(sm.broken);
    assert_int_equal(sm.ks_enc[0] | sm.ks_mac[0] | sm.ssc[0], 0);
    assert_int_equal(p.at, p.n); /* every scripted command, and no more */
    /* A broken context sends nothing. */
    uint8_t data[8];
    size_t len;
    uint16_t sw;
    const struct apdu rb = {.cla = 0x00, .ins = 0xB0, .has_le = true, .le = 4};
    assert_int_equal(icao_sm_exchange(&sm, &r, &rb, data, sizeof data, &len, &sw), KOFU_E_PASSPORT_SM);
    assert_int_equal(p.at, p.n);
}

static void test_bac_refusals(void **state)
{
    (void)state;
    /* The chip refuses the keys: "check the numbers", one MUTUAL
     * AUTHENTICATE only (6300 and 6982 both). */
    const struct step refused[] = {{"0084000008", RND_IC "9000"}, {MUTUAL_CMD, "6300"}};
    expect_bac(refused, 2, KOFU_E_PASSPORT_KEYS);
    const struct step refused2[] = {{"0084000008", RND_IC "9000"}, {MUTUAL_CMD, "6982"}};
    expect_bac(refused2, 2, KOFU_E_PASSPORT_KEYS);
    /* GET CHALLENGE refused, or too short. */
    const struct step no_challenge[] = {{"0084000008", "6D00"}};
    expect_bac(no_challenge, 1, KOFU_E_PASSPORT_SM);
    const struct step short_challenge[] = {{"0084000008", "4608F919887022 9000"}};
    expect_bac(short_challenge, 1, KOFU_E_PASSPORT_SM);
    /* M_IC wrong by one bit. */
    const struct step bad_mic[] = {{"0084000008", RND_IC "9000"},
                                   {MUTUAL_CMD, E_IC "2F2D235D074D7448" "9000"}};
    expect_bac(bad_mic, 2, KOFU_E_PASSPORT_SM);
    /* E_IC changed (its MAC then fails before anything is decrypted). */
    const struct step bad_eic[] = {{"0084000008", RND_IC "9000"},
                                   {MUTUAL_CMD, "47B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F" M_IC "9000"}};
    expect_bac(bad_eic, 2, KOFU_E_PASSPORT_SM);
    /* A well-MACed answer that echoes another RND.IFD, or another RND.IC. */
    char forged[85];
    forged_answer(RND_IC "781723860C06C227" K_IC, forged);
    const struct step other_ifd[] = {{"0084000008", RND_IC "9000"}, {MUTUAL_CMD, forged}};
    expect_bac(other_ifd, 2, KOFU_E_PASSPORT_SM);
    char forged2[85];
    forged_answer("4608F91988702213" RND_IFD K_IC, forged2);
    const struct step other_ic[] = {{"0084000008", RND_IC "9000"}, {MUTUAL_CMD, forged2}};
    expect_bac(other_ic, 2, KOFU_E_PASSPORT_SM);
    /* The forger is right when nothing is changed: the checks above are
     * what refused. */
    char genuine[85];
    forged_answer(RND_IC RND_IFD K_IC, genuine);
    assert_string_equal(genuine, E_IC M_IC "9000");
    /* An answer of the wrong length. */
    const struct step long_answer[] = {{"0084000008", RND_IC "9000"}, {MUTUAL_CMD, E_IC M_IC "00 9000"}};
    expect_bac(long_answer, 2, KOFU_E_PASSPORT_SM);
}

/* After BAC, a response that is wrong in one way: the exchange fails with
 * KOFU_E_PASSPORT_SM, the keys are gone and nothing more is sent. */
static void expect_sm_refused(const char *rsp)
{
    const struct step steps[] = {BAC_STEPS, {SEL_CMD, rsp}};
    struct replay p = {steps, 3, 0};
    struct card_reader r = reader_of(&p);
    struct icao_sm sm;
    run_bac(&r, &sm, KOFU_OK);
    uint8_t data[64];
    size_t len = 0;
    uint16_t sw = 0;
    static const uint8_t com[] = {0x01, 0x1E};
    const struct apdu select = {.cla = 0x00, .ins = 0xA4, .p1 = 0x02, .p2 = 0x0C, .data = com, .lc = 2};
    assert_int_equal(icao_sm_exchange(&sm, &r, &select, data, sizeof data, &len, &sw), KOFU_E_PASSPORT_SM);
    assert_true(sm.broken);
    assert_int_equal(sm.ks_enc[0] | sm.ks_mac[0] | sm.ssc[0], 0);
    assert_int_equal(p.at, 3);
    assert_int_equal(icao_sm_exchange(&sm, &r, &select, data, sizeof data, &len, &sw), KOFU_E_PASSPORT_SM);
    assert_int_equal(p.at, 3);
}

/* A response to SELECT EF.COM (SSC ...28) with DO87 holding the given
 * plaintext blocks (not padded by the test) and a right MAC. */
static void made_response(const uint8_t *blocks, size_t n, char *out_hex)
{
    HEX(ksenc, KS_ENC);
    HEX(ksmac, KS_MAC);
    uint8_t body[64], macin[80], mac[8];
    size_t b = 0;
    body[b++] = 0x87;
    body[b++] = (uint8_t)(n + 1);
    body[b++] = 0x01;
    assert_true(kcrypto_3des_cbc(ksenc, NULL, blocks, body + b, n, true));
    b += n;
    memcpy(body + b, "\x99\x02\x90\x00", 4);
    b += 4;
    HEX(ssc, "887022120C06C228");
    memcpy(macin, ssc, 8);
    memcpy(macin + 8, body, b);
    size_t m = 8 + b;
    macin[m++] = 0x80;
    while (m % 8)
        macin[m++] = 0;
    assert_true(kcrypto_retail_mac(ksmac, macin, m, mac));
    body[b++] = 0x8E;
    body[b++] = 8;
    memcpy(body + b, mac, 8);
    b += 8;
    for (size_t i = 0; i < b; i++)
        sprintf(out_hex + 2 * i, "%02X", body[i]);
    strcpy(out_hex + 2 * b, "9000");
}

static void test_sm_refusals(void **state)
{
    (void)state;
    /* The published response is accepted (the harness is sound). */
    {
        const struct step steps[] = {BAC_STEPS, {SEL_CMD, SEL_RSP}};
        struct replay p = {steps, 3, 0};
        struct card_reader r = reader_of(&p);
        struct icao_sm sm;
        run_bac(&r, &sm, KOFU_OK);
        uint8_t data[8];
        size_t len;
        uint16_t sw;
        static const uint8_t com[] = {0x01, 0x1E};
        const struct apdu select = {.cla = 0x00, .ins = 0xA4, .p1 = 0x02, .p2 = 0x0C, .data = com, .lc = 2};
        assert_int_equal(icao_sm_exchange(&sm, &r, &select, data, sizeof data, &len, &sw), KOFU_OK);
    }
    /* A MAC wrong by one bit, a protected status changed under the MAC. */
    expect_sm_refused("990290008E08FA855A5D4C50A8EC9000");
    expect_sm_refused("990290018E08FA855A5D4C50A8ED9000");
    /* A bare status word: the chip dropped the session. No retry, no
     * counter guessing. */
    expect_sm_refused("6987");
    expect_sm_refused("6988");
    expect_sm_refused("9000");
    /* DO99 missing; DO8E missing; DO8E not last; DO8E of 4 bytes; an
     * unknown object first. */
    expect_sm_refused("8E08FA855A5D4C50A8ED9000");
    expect_sm_refused("990290009000");
    expect_sm_refused("990290008E08FA855A5D4C50A8ED00009000");
    expect_sm_refused("990290008E04FA855A5D9000");
    expect_sm_refused("850100" "99029000" "8E08FA855A5D4C50A8ED" "9000");
    /* The protected status differs from the one in clear. */
    expect_sm_refused("990290008E08FA855A5D4C50A8ED6282");

    /* Padding: DO87 whose plaintext, under a right MAC, is not 80 00..
     * terminated; or all padding in a block of its own too many. */
    char hex[2 * 64 + 5];
    static const uint8_t good[8] = {0x60, 0x14, 0x5F, 0x01, 0x80, 0, 0, 0};
    made_response(good, 8, hex);
    {
        /* The maker makes acceptable answers: only the padding differs below. */
        const struct step steps[] = {BAC_STEPS, {SEL_CMD, hex}};
        struct replay p = {steps, 3, 0};
        struct card_reader r = reader_of(&p);
        struct icao_sm sm;
        run_bac(&r, &sm, KOFU_OK);
        uint8_t data[16];
        size_t len = 0;
        uint16_t sw = 0;
        static const uint8_t com[] = {0x01, 0x1E};
        const struct apdu select = {.cla = 0x00, .ins = 0xA4, .p1 = 0x02, .p2 = 0x0C, .data = com, .lc = 2};
        assert_int_equal(icao_sm_exchange(&sm, &r, &select, data, sizeof data, &len, &sw), KOFU_OK);
        assert_int_equal(len, 4);
        assert_memory_equal(data, good, 4);
    }
    static const uint8_t no80[8] = {0x60, 0x14, 0x5F, 0x01, 0x00, 0, 0, 0};
    made_response(no80, 8, hex);
    expect_sm_refused(hex);
    static const uint8_t bad_tail[8] = {0x60, 0x14, 0x5F, 0x01, 0x80, 0, 0, 1};
    made_response(bad_tail, 8, hex);
    expect_sm_refused(hex);
    static const uint8_t extra_block[16] = {0x60, 0x14, 0x5F, 0x01, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    made_response(extra_block, 16, hex);
    expect_sm_refused(hex);
    static const uint8_t all_zero[8] = {0};
    made_response(all_zero, 8, hex);
    expect_sm_refused(hex);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kdf_and_keys),
        cmocka_unit_test(test_cryptograms),
        cmocka_unit_test(test_appendix_d),
        cmocka_unit_test(test_wrap_unwrap_vectors),
        cmocka_unit_test(test_bac_refusals),
        cmocka_unit_test(test_sm_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
