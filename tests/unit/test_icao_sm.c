/* test_icao_sm.c — secure messaging with a passport chip
 * (firmware/card/icao_sm.h), AES after PACE and 3DES after BAC.
 *
 * Vectors: gmrtd/gmrtd iso7816/secure_messaging_test.go (TestSecureMessageEncode,
 * TestSecureMessageDecode, TestDecodeSmRApduData), each recomputed here with
 * the openssl CLI (`openssl enc -aes-128-ecb/-cbc -nopad`, `openssl mac
 * -cipher AES-128-CBC CMAC`); the AES-256 response around gmrtd's DO87 got
 * its DO99 and MAC the same way. No published vector covers DO97 with Le 00,
 * a DO87 with an 81 length in a command, or a wrong MAC: those go through a
 * small chip written in this file from part 11 §9.8, on the kcrypto
 * primitives (tested against their own vectors in test_kcrypto_sym). */
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
#include "card/icao_sm.h"
#include "drivers/card_reader.h"

#define HEX(name, str) KT_HEX(name, 300, str)

static void test_gmrtd_aes128_encode(void **state)
{
    (void)state;
    HEX(ksenc, "cc86415f2ed7e8fd663b754265695ae1");
    HEX(ksmac, "581e84b8ee06c4d3eee30461498d7fb3");
    HEX(ssc, "000000000000000000000000000000ba");
    HEX(data, "800a04007f000702020302028401c3");
    HEX(want, "0c2241a41d871101980953d37f67558690045d78a853b18a8e08929767a2cef172e200");
    HEX(ssc_after, "000000000000000000000000000000bb");
    struct icao_sm sm;
    icao_sm_start(&sm, ICAO_SM_AES, ksenc, ksmac, 16, ssc);
    /* MSE:Set AT, no Le. */
    const struct apdu mse = {.cla = 0x00, .ins = 0x22, .p1 = 0x41, .p2 = 0xA4, .data = data, .lc = data_len};
    uint8_t out[261];
    size_t n = 0;
    assert_int_equal(icao_sm_wrap(&sm, &mse, out, sizeof out, &n), KOFU_OK);
    assert_int_equal(n, want_len);
    assert_memory_equal(out, want, n);
    assert_memory_equal(sm.ssc, ssc_after, 16);
    icao_sm_end(&sm);
}

static void test_gmrtd_aes128_decode(void **state)
{
    (void)state;
    HEX(ksenc, "a8e85e938514ec67ae33cda3d43d3c48");
    HEX(ksmac, "27f1adeb705a049a305b0c619b14b9b3");
    HEX(ssc, "0000000000000000000000000000000b");
    /* 242 bytes, outer 9000 left off; DO87 has an 81 length (225). */
    uint8_t rsp[260];
    size_t rsp_len = kt_unhex(
        "8781e1012fabf9e0655d7e987fd28a8aeb19c9cadd990d49399799ed1fe465bcea56da9ba3024291d40d23d7f1e00485d71f"
        "addc6d8c1382e8028dd22efdcc72ed47663d56d20dd6c4b867956fe0507313083ae7fc54fb46133f184febbe13ad6fd3e261"
        "6a1f4a829e75ada1a0e443ca738288f6014be8a7745d8259b089e6bee35bcc4bf5b63db5fdd84244f67eca099213b70a861b"
        "4487225aa68af684278fceb4cb809de42be3ee95b0e0d72bcdb0ed47cb56efc264e04a9397a90e81ad1d81efa2d14b2ca8ec"
        "7bd997f4b1c1fd344d5dee8589c38b227ca4cb35810060a7cc76403e990290008e083eb47ef4fa82afc9",
        rsp, sizeof rsp);
    uint8_t want[260];
    size_t want_len = kt_unhex(
        "a729901d1a71874700133107ec53306404307bc382c63d8c150c3c72080ace05afa0c2bea28e4fb22787139165efba91f90f"
        "8aa5814a503ad4eb04a8c7dd22ce2826043004a8c7dd22ce28268b39b55416f0447c2fb77de107dcd2a62e880ea53eeb62d5"
        "7cb4390295dbc9943ab78696fa504c110461041d1c64f068cf45ffa2a63a81b7c13f6b8847a3e77ef14fe3db7fcafe0cbd10"
        "e8e826e03436d646aaef87b2e247d4af1e8abe1d7520f9c2a45cb1eb8e95cfd55262b70b29feec5864e19c054ff991292"
        "80e4646217791811142820341263c53150231008cb91e82a3",
        want, sizeof want);
    assert_int_equal(rsp_len, 242);
    assert_int_equal(want_len, ICAO_SM_READ_MAX);
    struct icao_sm sm;
    icao_sm_start(&sm, ICAO_SM_AES, ksenc, ksmac, 16, ssc);
    uint8_t data[256];
    size_t len = 0;
    uint16_t sw = 0;
    assert_int_equal(icao_sm_unwrap(&sm, rsp, rsp_len, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(sw, 0x9000);
    assert_int_equal(len, want_len);
    assert_memory_equal(data, want, len);
    HEX(ssc_after, "0000000000000000000000000000000c");
    assert_memory_equal(sm.ssc, ssc_after, 16);

    /* The same answer with one bit of its MAC flipped, then of its data:
     * refused, and the context is done. */
    const size_t flips[] = {rsp_len - 1, 10};
    for (size_t f = 0; f < 2; f++) {
        size_t at = flips[f];
        icao_sm_start(&sm, ICAO_SM_AES, ksenc, ksmac, 16, ssc);
        rsp[at] ^= 0x01;
        memset(data, 0, sizeof data);
        assert_int_equal(icao_sm_unwrap(&sm, rsp, rsp_len, data, sizeof data, &len, &sw), KOFU_E_PASSPORT_SM);
        rsp[at] ^= 0x01;
        assert_true(sm.broken);
        assert_int_equal(sm.ks_enc[0] | sm.ks_mac[0] | sm.ssc[15], 0);
        /* Nothing of the refused answer was decrypted into the output. */
        for (size_t i = 0; i < sizeof data; i++)
            assert_int_equal(data[i], 0);
        /* Not even the genuine answer is taken now. */
        assert_int_equal(icao_sm_unwrap(&sm, rsp, rsp_len, data, sizeof data, &len, &sw), KOFU_E_PASSPORT_SM);
    }
    /* A caller's buffer too small for the data. */
    icao_sm_start(&sm, ICAO_SM_AES, ksenc, ksmac, 16, ssc);
    assert_int_equal(icao_sm_unwrap(&sm, rsp, rsp_len, data, 100, &len, &sw), KOFU_E_PASSPORT_SM);
}

static void test_gmrtd_aes256_decode(void **state)
{
    (void)state;
    HEX(ksenc, "74b94f408bbb2cd92571fd5b6370a94cce7a2fa42ae3eb4da47b97ce6eaa24c6");
    HEX(ksmac, "9e28d5d9ff1d979be752e8926bf0e1d35a440fc0aefc4aa3bc5610055ac8b113");
    /* gmrtd decrypts at SSC ...26; unwrap increments first. */
    HEX(ssc, "00000000000000000000000000000025");
    HEX(rsp, "87210142e919c115faf69350b01813d77a9e8d91912a7f717afd073f199070e61b79c6990290008e083382e3d983f44136");
    HEX(want, "04303130385f36063034303030305c06617563766d6e");
    struct icao_sm sm;
    icao_sm_start(&sm, ICAO_SM_AES, ksenc, ksmac, 32, ssc);
    uint8_t data[64];
    size_t len = 0;
    uint16_t sw = 0;
    assert_int_equal(icao_sm_unwrap(&sm, rsp, rsp_len, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(len, want_len);
    assert_memory_equal(data, want, len);
    icao_sm_end(&sm);
}

/* gmrtd's 3DES pair is App. D's first exchange. */
static void test_gmrtd_3des(void **state)
{
    (void)state;
    HEX(ksenc, "979EC13B1CBFE9DCD01AB0FED307EAE5");
    HEX(ksmac, "F1CB1F1FB5ADF208806B89DC579DC1F8");
    HEX(ssc, "887022120C06C226");
    HEX(want, "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800");
    HEX(rsp, "990290008E08FA855A5D4C50A8ED");
    struct icao_sm sm;
    icao_sm_start(&sm, ICAO_SM_3DES, ksenc, ksmac, 16, ssc);
    static const uint8_t com[] = {0x01, 0x1E};
    const struct apdu select = {.cla = 0x00, .ins = 0xA4, .p1 = 0x02, .p2 = 0x0C, .data = com, .lc = 2};
    uint8_t out[261], data[8];
    size_t n = 0, len = 1;
    uint16_t sw = 0;
    assert_int_equal(icao_sm_wrap(&sm, &select, out, sizeof out, &n), KOFU_OK);
    assert_int_equal(n, want_len);
    assert_memory_equal(out, want, n);
    assert_int_equal(icao_sm_unwrap(&sm, rsp, rsp_len, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(len, 0);
    assert_int_equal(sw, 0x9000);
}

static void test_start_and_limits(void **state)
{
    (void)state;
    uint8_t k[32] = {1}, ssc[16] = {0}, out[261];
    size_t n;
    struct icao_sm sm;
    /* Key lengths that do not go with the algorithm. */
    icao_sm_start(&sm, ICAO_SM_3DES, k, k, 24, ssc);
    assert_true(sm.broken);
    icao_sm_start(&sm, ICAO_SM_AES, k, k, 20, ssc);
    assert_true(sm.broken);
    const struct apdu rb = {.cla = 0x00, .ins = 0xB0, .has_le = true, .le = 4};
    assert_int_equal(icao_sm_wrap(&sm, &rb, out, sizeof out, &n), KOFU_E_PASSPORT_SM);
    /* Data too long for a short protected APDU. */
    uint8_t big[255] = {0};
    const struct apdu upd = {.cla = 0x00, .ins = 0xD6, .data = big, .lc = sizeof big};
    icao_sm_start(&sm, ICAO_SM_AES, k, k, 16, ssc);
    assert_false(sm.broken);
    assert_int_equal(icao_sm_wrap(&sm, &upd, out, sizeof out, &n), KOFU_E_ARG);
    assert_true(sm.broken);
    /* 223 bytes (a read's worth) do fit. */
    const struct apdu fits = {.cla = 0x00, .ins = 0xD6, .data = big, .lc = ICAO_SM_READ_MAX};
    icao_sm_start(&sm, ICAO_SM_AES, k, k, 16, ssc);
    assert_int_equal(icao_sm_wrap(&sm, &fits, out, sizeof out, &n), KOFU_OK);
    assert_int_equal(out[5], 0x87);
    assert_int_equal(out[6], 0x81);
    assert_int_equal(out[7], 0xE1);
    /* The counter carries across bytes. */
    memset(ssc, 0xFF, sizeof ssc);
    ssc[0] = 0;
    icao_sm_start(&sm, ICAO_SM_AES, k, k, 16, ssc);
    assert_int_equal(icao_sm_wrap(&sm, &rb, out, sizeof out, &n), KOFU_OK);
    assert_int_equal(sm.ssc[0], 1);
    assert_int_equal(sm.ssc[15], 0);
    icao_sm_end(&sm);
}

/* The test's chip: part 11 §9.8 on its own. It answers a read with
 * `reply_len` bytes and an update by checking its data. */
struct chip {
    enum icao_sm_alg alg;
    uint8_t enc[32], mac[32], ssc[16];
    size_t klen, bs;
    size_t reply_len;
    uint8_t last_data[256];
    size_t last_data_len;
    int last_le; /* -1: no DO97 */
    int flip;    /* 1: flip a MAC bit of the next answer; 2: a data bit */
    unsigned commands;
};

static void chip_inc(struct chip *c)
{
    for (size_t i = c->bs; i-- > 0;)
        if (++c->ssc[i])
            break;
}

static void chip_mac(struct chip *c, const uint8_t *p, size_t n, uint8_t out[8])
{
    uint8_t buf[400], full[16];
    assert_true(n + 16 <= sizeof buf);
    memcpy(buf, c->ssc, c->bs);
    memcpy(buf + c->bs, p, n);
    size_t m = c->bs + n;
    buf[m++] = 0x80;
    while (m % c->bs)
        buf[m++] = 0;
    if (c->alg == ICAO_SM_3DES) {
        assert_true(kcrypto_retail_mac(c->mac, buf, m, out));
    } else {
        assert_true(kcrypto_aes_cmac(c->mac, c->klen, buf, m, full));
        memcpy(out, full, 8);
    }
}

static void chip_cipher(struct chip *c, uint8_t *p, size_t n, bool enc)
{
    if (c->alg == ICAO_SM_3DES) {
        assert_true(kcrypto_3des_cbc(c->enc, NULL, p, p, n, enc));
    } else {
        uint8_t iv[16];
        assert_true(kcrypto_aes_block(c->enc, c->klen, c->ssc, iv));
        assert_true(kcrypto_aes_cbc(c->enc, c->klen, iv, p, p, n, enc));
    }
}

/* Read a BER length (short, 81) from p; returns header bytes used. */
static size_t len_of(const uint8_t *p, size_t *len)
{
    if (p[0] < 0x80) {
        *len = p[0];
        return 1;
    }
    assert_int_equal(p[0], 0x81);
    *len = p[1];
    return 2;
}

static int chip_transmit(void *ctx, const uint8_t *cmd, size_t clen, uint8_t *r, size_t *rlen)
{
    struct chip *c = ctx;
    c->commands++;
    chip_inc(c);
    /* CLA INS P1 P2 Lc body 00 */
    assert_true(clen >= 6);
    assert_int_equal(cmd[0] & 0x0C, 0x0C);
    assert_int_equal(cmd[4], clen - 6);
    assert_int_equal(cmd[clen - 1], 0x00);
    const uint8_t *b = cmd + 5;
    size_t blen = clen - 6, at = 0;
    /* MAC input: padded header, then the objects before DO8E. */
    uint8_t in[300];
    size_t m = 0;
    memcpy(in, cmd, 4);
    in[m = 4] = 0x80;
    m++;
    while (m % c->bs)
        in[m++] = 0;
    c->last_data_len = 0;
    c->last_le = -1;
    if (b[at] == 0x87) {
        size_t l, h = len_of(b + at + 1, &l);
        memcpy(in + m, b + at, 1 + h + l);
        m += 1 + h + l;
        assert_int_equal(b[at + 1 + h], 0x01);
        uint8_t plain[256];
        memcpy(plain, b + at + 2 + h, l - 1);
        chip_cipher(c, plain, l - 1, false);
        size_t end = l - 1;
        while (plain[end - 1] == 0)
            end--;
        assert_int_equal(plain[end - 1], 0x80);
        memcpy(c->last_data, plain, end - 1);
        c->last_data_len = end - 1;
        at += 1 + h + l;
    }
    if (b[at] == 0x97) {
        assert_int_equal(b[at + 1], 1);
        c->last_le = b[at + 2];
        memcpy(in + m, b + at, 3);
        m += 3;
        at += 3;
    }
    assert_int_equal(b[at], 0x8E);
    assert_int_equal(b[at + 1], 8);
    assert_int_equal(at + 10, blen);
    uint8_t cc[8];
    chip_mac(c, in, m, cc);
    assert_memory_equal(cc, b + at + 2, 8);

    /* The answer. */
    chip_inc(c);
    size_t o = 0;
    if (c->last_le >= 0 && c->reply_len) {
        uint8_t plain[256];
        for (size_t i = 0; i < c->reply_len; i++)
            plain[i] = (uint8_t)(i * 7 + 3);
        size_t pl = c->reply_len;
        plain[pl++] = 0x80;
        while (pl % c->bs)
            plain[pl++] = 0;
        chip_cipher(c, plain, pl, true);
        r[o++] = 0x87;
        if (pl + 1 >= 0x80)
            r[o++] = 0x81;
        r[o++] = (uint8_t)(pl + 1);
        r[o++] = 0x01;
        memcpy(r + o, plain, pl);
        o += pl;
    }
    memcpy(r + o, "\x99\x02\x90\x00", 4);
    o += 4;
    chip_mac(c, r, o, cc);
    if (c->flip == 2)
        r[o - 6] ^= 0x10;
    r[o++] = 0x8E;
    r[o++] = 8;
    memcpy(r + o, cc, 8);
    if (c->flip == 1)
        r[o + 7] ^= 0x01;
    o += 8;
    r[o++] = 0x90;
    r[o++] = 0x00;
    assert_true(o <= *rlen);
    *rlen = o;
    return KOFU_OK;
}

static const struct card_reader_ops CHIP_OPS = {.transmit = chip_transmit};

static void round_trip(enum icao_sm_alg alg, size_t klen)
{
    struct chip c = {.alg = alg, .klen = klen, .bs = alg == ICAO_SM_AES ? 16 : 8};
    for (size_t i = 0; i < 32; i++) {
        c.enc[i] = (uint8_t)(0x11 * i + klen);
        c.mac[i] = (uint8_t)(0x35 * i + 1);
    }
    /* A counter about to carry. */
    memset(c.ssc, 0, sizeof c.ssc);
    c.ssc[c.bs - 1] = 0xFE;
    c.ssc[c.bs - 2] = 0xFF;
    struct icao_sm sm;
    icao_sm_start(&sm, alg, c.enc, c.mac, klen, c.ssc);
    struct card_reader r = {.ops = &CHIP_OPS, .ctx = &c};
    uint8_t data[256];
    size_t len = 0;
    uint16_t sw = 0;

    /* SELECT: data, no Le, no answer data. */
    static const uint8_t fid[] = {0x01, 0x01};
    const struct apdu select = {.cla = 0x00, .ins = 0xA4, .p1 = 0x02, .p2 = 0x0C, .data = fid, .lc = 2};
    assert_int_equal(icao_sm_exchange(&sm, &r, &select, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(sw, 0x9000);
    assert_int_equal(len, 0);
    assert_int_equal(c.last_data_len, 2);
    assert_memory_equal(c.last_data, fid, 2);
    assert_int_equal(c.last_le, -1);

    /* READ BINARY with Le 256: DO97 carries 00; the answer's DO87 needs
     * the 81 length. */
    c.reply_len = ICAO_SM_READ_MAX;
    const struct apdu rb = {.cla = 0x00, .ins = 0xB0, .has_le = true, .le = 256};
    assert_int_equal(icao_sm_exchange(&sm, &r, &rb, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(c.last_le, 0x00);
    assert_int_equal(len, ICAO_SM_READ_MAX);
    for (size_t i = 0; i < len; i++)
        assert_int_equal(data[i], (uint8_t)(i * 7 + 3));
    /* A short read: Le 4, 4 bytes. */
    c.reply_len = 4;
    const struct apdu rb4 = {.cla = 0x00, .ins = 0xB0, .p2 = 0x10, .has_le = true, .le = 4};
    assert_int_equal(icao_sm_exchange(&sm, &r, &rb4, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(c.last_le, 4);
    assert_int_equal(len, 4);

    /* 200 bytes of command data: the command's DO87 has the 81 length. */
    uint8_t big[200];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(255 - i);
    c.reply_len = 0;
    const struct apdu upd = {.cla = 0x00, .ins = 0xD6, .data = big, .lc = sizeof big};
    assert_int_equal(icao_sm_exchange(&sm, &r, &upd, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(c.last_data_len, sizeof big);
    assert_memory_equal(c.last_data, big, sizeof big);
    /* Both counters moved together (two per exchange). */
    assert_memory_equal(sm.ssc, c.ssc, c.bs);
    assert_int_equal(c.ssc[c.bs - 3], 1); /* carried */

    /* A flipped MAC bit, then a flipped data bit under the MAC: refused,
     * the context broken, nothing more sent. */
    for (int flip = 1; flip <= 2; flip++) {
        struct icao_sm again;
        memcpy(&again, &sm, sizeof again);
        uint8_t ssc_before[16];
        memcpy(ssc_before, c.ssc, sizeof ssc_before);
        c.reply_len = 16;
        c.flip = flip;
        assert_int_equal(icao_sm_exchange(&again, &r, &rb, data, sizeof data, &len, &sw), KOFU_E_PASSPORT_SM);
        assert_true(again.broken);
        unsigned sent = c.commands;
        assert_int_equal(icao_sm_exchange(&again, &r, &rb, data, sizeof data, &len, &sw), KOFU_E_PASSPORT_SM);
        assert_int_equal(c.commands, sent);
        memcpy(c.ssc, ssc_before, sizeof ssc_before);
        c.flip = 0;
    }
    /* Unflipped, the same exchange passes (the flips are what failed). */
    c.reply_len = 16;
    assert_int_equal(icao_sm_exchange(&sm, &r, &rb, data, sizeof data, &len, &sw), KOFU_OK);
    assert_int_equal(len, 16);
    icao_sm_end(&sm);
}

static void test_round_trip_3des(void **state)
{
    (void)state;
    round_trip(ICAO_SM_3DES, 16);
}

static void test_round_trip_aes128(void **state)
{
    (void)state;
    round_trip(ICAO_SM_AES, 16);
}

static void test_round_trip_aes192(void **state)
{
    (void)state;
    round_trip(ICAO_SM_AES, 24);
}

static void test_round_trip_aes256(void **state)
{
    (void)state;
    round_trip(ICAO_SM_AES, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gmrtd_aes128_encode), cmocka_unit_test(test_gmrtd_aes128_decode),
        cmocka_unit_test(test_gmrtd_aes256_decode), cmocka_unit_test(test_gmrtd_3des),
        cmocka_unit_test(test_start_and_limits),    cmocka_unit_test(test_round_trip_3des),
        cmocka_unit_test(test_round_trip_aes128),   cmocka_unit_test(test_round_trip_aes192),
        cmocka_unit_test(test_round_trip_aes256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
