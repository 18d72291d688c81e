/*
 * test_card_reader.c — apdu_encode and card_reader_exchange over a scripted
 * fake transport: a queue of expected C-APDUs with canned R-APDUs. The fake
 * produces faults a real card rarely shows (endless 61xx/6Cxx, short
 * R-APDUs, transport errors in the middle of a chain).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/card_reader.h"
#include "base/errors.h"

#define MAX_STEPS 16
#define RAPDU_MAX 600

struct step {
    uint8_t capdu[300];
    size_t capdu_len;
    uint8_t rapdu[RAPDU_MAX];
    size_t rapdu_len;
    int rc;              /* transport result */
    size_t report_len;   /* if nonzero: length reported (may exceed what was written) */
};

struct script {
    struct step steps[MAX_STEPS];
    size_t n, pos;
    size_t last_cap; /* capacity transmit was given on the last call */
};

static struct script S;

static int fake_transmit(void *ctx, const uint8_t *capdu, size_t capdu_len, uint8_t *rapdu, size_t *rapdu_len)
{
    struct script *s = ctx;
    if (s->pos >= s->n)
        fail_msg("unexpected C-APDU #%zu (script has %zu)", s->pos + 1, s->n);
    struct step *st = &s->steps[s->pos++];
    assert_int_equal(capdu_len, st->capdu_len);
    assert_memory_equal(capdu, st->capdu, capdu_len);
    s->last_cap = *rapdu_len;
    if (st->rc != KOFU_OK)
        return st->rc;
    size_t n = st->rapdu_len <= *rapdu_len ? st->rapdu_len : *rapdu_len;
    memcpy(rapdu, st->rapdu, n);
    *rapdu_len = st->report_len ? st->report_len : st->rapdu_len;
    return KOFU_OK;
}

static const struct card_reader_ops FAKE_OPS = {.transmit = fake_transmit};

static struct card_reader reader(void)
{
    struct card_reader r = {&FAKE_OPS, &S, 0};
    return r;
}

/* Adds a step: the expected C-APDU, then `data_len` bytes of data (value
 * i + seed) followed by SW1 SW2. */
static void expect(const uint8_t *c, size_t clen, size_t data_len, uint8_t seed, uint16_t sw)
{
    assert_true(S.n < MAX_STEPS);
    struct step *st = &S.steps[S.n++];
    memset(st, 0, sizeof *st);
    memcpy(st->capdu, c, clen);
    st->capdu_len = clen;
    assert_true(data_len + 2 <= RAPDU_MAX);
    for (size_t i = 0; i < data_len; i++)
        st->rapdu[i] = (uint8_t)(i + seed);
    st->rapdu[data_len] = (uint8_t)(sw >> 8);
    st->rapdu[data_len + 1] = (uint8_t)sw;
    st->rapdu_len = data_len + 2;
    st->rc = KOFU_OK;
}

static void expect_raw(const uint8_t *c, size_t clen, const uint8_t *r, size_t rlen)
{
    assert_true(S.n < MAX_STEPS);
    struct step *st = &S.steps[S.n++];
    memset(st, 0, sizeof *st);
    memcpy(st->capdu, c, clen);
    st->capdu_len = clen;
    if (rlen)
        memcpy(st->rapdu, r, rlen);
    st->rapdu_len = rlen;
    st->rc = KOFU_OK;
}

static void expect_error(const uint8_t *c, size_t clen, int rc)
{
    expect_raw(c, clen, NULL, 0);
    S.steps[S.n - 1].rc = rc;
}

static int setup(void **state)
{
    (void)state;
    memset(&S, 0, sizeof S);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    /* Every scripted step must have been used. */
    assert_int_equal(S.pos, S.n);
    return 0;
}

static const uint8_t READ_256[] = {0x00, 0xB0, 0x00, 0x00, 0x00};
static const struct apdu READ_CMD = {0x00, 0xB0, 0x00, 0x00, NULL, 0, true, 256};

static void check_data(const uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)(i + seed))
            fail_msg("byte %zu is %02x, expected %02x", i, p[i], (uint8_t)(i + seed));
}

/* ---- apdu_encode ---- */

static void test_encode_case1(void **state)
{
    (void)state;
    struct apdu a = {0x00, 0x20, 0x00, 0x80, NULL, 0, false, 0};
    uint8_t out[261];
    memset(out, 0xEE, sizeof out);
    assert_int_equal(apdu_encode(&a, out, sizeof out), 4);
    static const uint8_t want[] = {0x00, 0x20, 0x00, 0x80};
    assert_memory_equal(out, want, 4);
    assert_int_equal(out[4], 0xEE);
}

static void test_encode_case2(void **state)
{
    (void)state;
    uint8_t out[261];
    struct apdu a = {0x00, 0xB0, 0x01, 0x00, NULL, 0, true, 0x50};
    assert_int_equal(apdu_encode(&a, out, sizeof out), 5);
    static const uint8_t want[] = {0x00, 0xB0, 0x01, 0x00, 0x50};
    assert_memory_equal(out, want, 5);
    /* Le 256 is written as 00. */
    a.le = 256;
    assert_int_equal(apdu_encode(&a, out, sizeof out), 5);
    assert_int_equal(out[4], 0x00);
    a.le = 255;
    assert_int_equal(apdu_encode(&a, out, sizeof out), 5);
    assert_int_equal(out[4], 0xFF);
    /* Le above 256 does not fit the short form. */
    a.le = 257;
    assert_int_equal(apdu_encode(&a, out, sizeof out), 0);
    /* Without has_le, le is ignored. */
    a.has_le = false;
    assert_int_equal(apdu_encode(&a, out, sizeof out), 4);
}

static void test_encode_case3(void **state)
{
    (void)state;
    static const uint8_t fid[2] = {0x00, 0x11};
    struct apdu a = {0x00, 0xA4, 0x02, 0x0C, fid, 2, false, 0};
    uint8_t out[261];
    static const uint8_t want[] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x11};
    assert_int_equal(apdu_encode(&a, out, sizeof out), sizeof want);
    assert_memory_equal(out, want, sizeof want);
    /* VERIFY for PIN 1234 (docs/card.md, the dialogue's row 4). */
    struct apdu v = {0x00, 0x20, 0x00, 0x80, (const uint8_t *)"1234", 4, false, 0};
    static const uint8_t vwant[] = {0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34};
    assert_int_equal(apdu_encode(&v, out, sizeof out), sizeof vwant);
    assert_memory_equal(out, vwant, sizeof vwant);
}

static void test_encode_case4(void **state)
{
    (void)state;
    uint8_t data[255];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;
    struct apdu a = {0x80, 0x2A, 0x00, 0x00, data, 51, true, 256};
    uint8_t out[261];
    assert_int_equal(apdu_encode(&a, out, sizeof out), 4 + 1 + 51 + 1);
    assert_int_equal(out[0], 0x80);
    assert_int_equal(out[1], 0x2A);
    assert_int_equal(out[4], 51);
    assert_memory_equal(out + 5, data, 51);
    assert_int_equal(out[56], 0x00);
    /* Lc 255 is the largest short form. */
    a.lc = 255;
    a.le = 0x10;
    assert_int_equal(apdu_encode(&a, out, sizeof out), 261);
    assert_int_equal(out[4], 0xFF);
    assert_int_equal(out[260], 0x10);
}

static void test_encode_refusals(void **state)
{
    (void)state;
    uint8_t data[256] = {0};
    uint8_t out[300];
    struct apdu a = {0x00, 0xD6, 0x00, 0x00, data, 256, false, 0};
    assert_int_equal(apdu_encode(&a, out, sizeof out), 0); /* Lc > 255 */
    a.lc = 300;
    assert_int_equal(apdu_encode(&a, out, sizeof out), 0);
    /* Lc with no data. */
    struct apdu nd = {0x00, 0xD6, 0x00, 0x00, NULL, 3, false, 0};
    assert_int_equal(apdu_encode(&nd, out, sizeof out), 0);
    /* Output capacity too small: nothing claimed. */
    struct apdu sel = {0x00, 0xA4, 0x02, 0x0C, data, 2, false, 0};
    assert_int_equal(apdu_encode(&sel, out, 6), 0);
    assert_int_equal(apdu_encode(&sel, out, 7), 7);
    struct apdu rd = {0x00, 0xB0, 0x00, 0x00, NULL, 0, true, 1};
    assert_int_equal(apdu_encode(&rd, out, 4), 0);
}

/* ---- card_reader_exchange ---- */

static void test_plain_exchange(void **state)
{
    (void)state;
    struct card_reader r = reader();
    expect(READ_256, sizeof READ_256, 17, 1, 0x9000);
    uint8_t resp[256];
    size_t len = 999;
    uint16_t sw = 0;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(len, 17);
    assert_int_equal(sw, 0x9000);
    check_data(resp, 17, 1);
    assert_int_equal(r.apdu_count, 1);
    /* The transport gets room for 256 data bytes + SW. */
    assert_int_equal(S.last_cap, 258);
}

static void test_status_word_only_passed_up(void **state)
{
    (void)state;
    struct card_reader r = reader();
    expect(READ_256, sizeof READ_256, 0, 0, 0x6982);
    uint8_t resp[16];
    size_t len = 5;
    uint16_t sw = 0;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(len, 0);
    assert_int_equal(sw, 0x6982);
    assert_int_equal(r.apdu_count, 1);
}

static void test_get_response_chained_twice(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t gr1[] = {0x00, 0xC0, 0x00, 0x00, 0x08};
    static const uint8_t gr2[] = {0x00, 0xC0, 0x00, 0x00, 0x03};
    expect(READ_256, sizeof READ_256, 4, 0, 0x6108);
    expect(gr1, sizeof gr1, 8, 4, 0x6103);
    expect(gr2, sizeof gr2, 3, 12, 0x9000);
    uint8_t resp[64];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(len, 15);
    assert_int_equal(sw, 0x9000);
    check_data(resp, 15, 0); /* the three parts, in order, contiguous */
    assert_int_equal(r.apdu_count, 3);
}

static void test_get_response_6100_means_256(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t sel_aid[] = {0x00, 0xA4, 0x04, 0x0C, 0x02, 0xD3, 0x92};
    static const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, 0x00};
    expect(sel_aid, sizeof sel_aid, 0, 0, 0x6100);
    expect(gr, sizeof gr, 256, 7, 0x9000);
    struct apdu a = {0x00, 0xA4, 0x04, 0x0C, sel_aid + 5, 2, false, 0};
    uint8_t resp[300];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &a, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(len, 256);
    check_data(resp, 256, 7);
    assert_int_equal(sw, 0x9000);
    assert_int_equal(r.apdu_count, 2);
}

static void test_get_response_no_progress(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, 0x05};
    expect(READ_256, sizeof READ_256, 0, 0, 0x6105);
    expect(gr, sizeof gr, 0, 0, 0x6105); /* says more, gives nothing */
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_E_CARD_COMM);
    assert_int_equal(r.apdu_count, 2);
}

static void test_get_response_overflow(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, 0x10};
    expect(READ_256, sizeof READ_256, 8, 0, 0x6110);
    expect(gr, sizeof gr, 16, 8, 0x9000);
    uint8_t resp[32];
    memset(resp, 0xEE, sizeof resp);
    size_t len;
    uint16_t sw;
    /* 8 + 16 = 24 bytes would not fit 20. */
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, 20, &len, &sw), KOFU_E_CARD_COMM);
    for (size_t i = 20; i < sizeof resp; i++)
        assert_int_equal(resp[i], 0xEE); /* nothing written beyond resp_cap */
    assert_int_equal(r.apdu_count, 2);
}

static void test_get_response_endless_bounded(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, 0x04};
    expect(READ_256, sizeof READ_256, 4, 0, 0x6104);
    for (int i = 0; i < 4; i++)
        expect(gr, sizeof gr, 4, (uint8_t)(4 + 4 * i), 0x6104); /* always "4 more" */
    uint8_t resp[32];
    size_t len;
    uint16_t sw;
    /* 16 bytes of room: the fifth chunk does not fit and ends the loop. */
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, 16, &len, &sw), KOFU_E_CARD_COMM);
    assert_int_equal(r.apdu_count, 5);
    check_data(resp, 16, 0);
}

static void test_first_answer_overflows(void **state)
{
    (void)state;
    struct card_reader r = reader();
    expect(READ_256, sizeof READ_256, 40, 0, 0x9000);
    uint8_t resp[64];
    memset(resp, 0xEE, sizeof resp);
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, 39, &len, &sw), KOFU_E_CARD_COMM);
    for (size_t i = 39; i < sizeof resp; i++)
        assert_int_equal(resp[i], 0xEE);
}

static void test_6c_resend_once(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t again[] = {0x00, 0xB0, 0x00, 0x00, 0x11};
    expect(READ_256, sizeof READ_256, 0, 0, 0x6C11);
    expect(again, sizeof again, 17, 3, 0x9000);
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(len, 17);
    assert_int_equal(sw, 0x9000);
    check_data(resp, 17, 3);
    assert_int_equal(r.apdu_count, 2);
}

static void test_6c_case4_replaces_le(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t d[3] = {1, 2, 3};
    static const uint8_t c1[] = {0x80, 0x2A, 0x00, 0x00, 0x03, 1, 2, 3, 0x00};
    static const uint8_t c2[] = {0x80, 0x2A, 0x00, 0x00, 0x03, 1, 2, 3, 0x80};
    expect(c1, sizeof c1, 0, 0, 0x6C80);
    expect(c2, sizeof c2, 128, 0, 0x9000);
    struct apdu a = {0x80, 0x2A, 0x00, 0x00, d, 3, true, 256};
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &a, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(len, 128);
    assert_int_equal(r.apdu_count, 2);
}

static void test_6c_keeps_answering(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t again[] = {0x00, 0xB0, 0x00, 0x00, 0x11};
    expect(READ_256, sizeof READ_256, 0, 0, 0x6C11);
    expect(again, sizeof again, 0, 0, 0x6C05);
    /* No third command may be sent: the teardown checks the script is used
     * exactly, and the fake fails on an unexpected C-APDU. */
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(sw, 0x6C05);
    assert_int_equal(len, 0);
    assert_int_equal(r.apdu_count, 2);
}

static void test_6c_without_le_not_resent(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t c[] = {0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01};
    expect(c, sizeof c, 0, 0, 0x6C10);
    struct apdu a = {0x00, 0xA4, 0x02, 0x0C, c + 5, 2, false, 0};
    uint8_t resp[16];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &a, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(sw, 0x6C10);
    assert_int_equal(r.apdu_count, 1);
}

static void test_6c_then_61(void **state)
{
    (void)state;
    struct card_reader r = reader();
    static const uint8_t again[] = {0x00, 0xB0, 0x00, 0x00, 0x20};
    static const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, 0x10};
    expect(READ_256, sizeof READ_256, 0, 0, 0x6C20);
    expect(again, sizeof again, 16, 0, 0x6110);
    expect(gr, sizeof gr, 16, 16, 0x9000);
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(len, 32);
    check_data(resp, 32, 0);
    assert_int_equal(sw, 0x9000);
    assert_int_equal(r.apdu_count, 3);
}

static void test_short_rapdu(void **state)
{
    (void)state;
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    static const uint8_t one[1] = {0x90};
    struct card_reader r = reader();
    expect_raw(READ_256, sizeof READ_256, one, 1);
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_E_CARD_COMM);
    expect_raw(READ_256, sizeof READ_256, NULL, 0);
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_E_CARD_COMM);
    /* Short answer in the middle of a GET RESPONSE chain. */
    static const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, 0x04};
    expect(READ_256, sizeof READ_256, 0, 0, 0x6104);
    expect_raw(gr, sizeof gr, one, 1);
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_E_CARD_COMM);
    assert_int_equal(r.apdu_count, 4);
}

static void test_transport_reports_too_much(void **state)
{
    (void)state;
    struct card_reader r = reader();
    expect(READ_256, sizeof READ_256, 10, 0, 0x9000);
    S.steps[0].report_len = 259; /* more than the 258 it was given */
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_E_CARD_COMM);
}

static void test_transport_error_passed_through(void **state)
{
    (void)state;
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    struct card_reader r = reader();
    expect_error(READ_256, sizeof READ_256, KOFU_E_CARD_REMOVED);
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_E_CARD_REMOVED);
    assert_int_equal(r.apdu_count, 1);
    /* In a GET RESPONSE. */
    static const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, 0x04};
    expect(READ_256, sizeof READ_256, 0, 0, 0x6104);
    expect_error(gr, sizeof gr, KOFU_E_READER_GONE);
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_E_READER_GONE);
    assert_int_equal(r.apdu_count, 3);
    /* In the 6Cxx resend. */
    static const uint8_t again[] = {0x00, 0xB0, 0x00, 0x00, 0x11};
    expect(READ_256, sizeof READ_256, 0, 0, 0x6C11);
    expect_error(again, sizeof again, KOFU_E_CARD_COMM);
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_E_CARD_COMM);
    assert_int_equal(r.apdu_count, 5);
}

static void test_unencodable_sends_nothing(void **state)
{
    (void)state;
    struct card_reader r = reader();
    uint8_t data[300] = {0};
    struct apdu a = {0x00, 0xD6, 0x00, 0x00, data, 300, false, 0};
    uint8_t resp[16];
    size_t len = 77;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &a, resp, sizeof resp, &len, &sw), KOFU_E_ARG);
    assert_int_equal(len, 0);
    assert_int_equal(r.apdu_count, 0);
}

static void test_apdu_count_accumulates(void **state)
{
    (void)state;
    struct card_reader r = reader();
    r.apdu_count = 40;
    static const uint8_t gr[] = {0x00, 0xC0, 0x00, 0x00, 0x02};
    static const uint8_t again[] = {0x00, 0xB0, 0x00, 0x00, 0x02};
    expect(READ_256, sizeof READ_256, 0, 0, 0x6C02);
    expect(again, sizeof again, 0, 0, 0x6102);
    expect(gr, sizeof gr, 2, 0, 0x9000);
    expect(READ_256, sizeof READ_256, 2, 0, 0x9000);
    uint8_t resp[16];
    size_t len;
    uint16_t sw;
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(card_reader_exchange(&r, &READ_CMD, resp, sizeof resp, &len, &sw), KOFU_OK);
    assert_int_equal(r.apdu_count, 44);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_encode_case1),
        T(test_encode_case2),
        T(test_encode_case3),
        T(test_encode_case4),
        T(test_encode_refusals),
        T(test_plain_exchange),
        T(test_status_word_only_passed_up),
        T(test_get_response_chained_twice),
        T(test_get_response_6100_means_256),
        T(test_get_response_no_progress),
        T(test_get_response_overflow),
        T(test_get_response_endless_bounded),
        T(test_first_answer_overflows),
        T(test_6c_resend_once),
        T(test_6c_case4_replaces_le),
        T(test_6c_keeps_answering),
        T(test_6c_without_le_not_resent),
        T(test_6c_then_61),
        T(test_short_rapdu),
        T(test_transport_reports_too_much),
        T(test_transport_error_passed_through),
        T(test_unencodable_sends_nothing),
        T(test_apdu_count_accumulates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
