/* test_bytes.c — the cursor, BER-TLV headers and the builder (firmware/base/bytes.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/bytes.h"

/* Asserts that a cursor still points at p with len bytes (i.e. unchanged). */
#define assert_cur_at(c, ptr, n)                  \
    do {                                          \
        assert_ptr_equal(cur_data(c), (ptr));     \
        assert_int_equal(cur_len(c), (n));        \
    } while (0)

/* ---- cursor primitives ---- */

static void test_init_null_and_empty(void **state)
{
    (void)state;
    kofu_cur c;
    cur_init(&c, NULL, 0);
    assert_int_equal(cur_len(&c), 0);
    assert_null(cur_data(&c));
    /* A NULL pointer with a length is treated as empty, never dereferenced. */
    cur_init(&c, NULL, 10);
    assert_int_equal(cur_len(&c), 0);
    uint8_t b = 0xAA;
    assert_false(cur_get_u8(&c, &b));
    assert_int_equal(b, 0xAA);
    /* A pointer with length 0 is empty too. */
    static const uint8_t x[1] = {1};
    cur_init(&c, x, 0);
    assert_int_equal(cur_len(&c), 0);
    assert_false(cur_get_u8(&c, &b));
    assert_true(cur_skip(&c, 0));
}

static void test_get_u8_u16(void **state)
{
    (void)state;
    static const uint8_t buf[] = {0x12, 0x34, 0x56};
    kofu_cur c;
    cur_init(&c, buf, sizeof buf);
    uint8_t b;
    uint16_t w;
    assert_true(cur_get_u16(&c, &w));
    assert_int_equal(w, 0x1234);
    assert_cur_at(&c, buf + 2, 1);
    /* Only one byte left: the u16 fails and changes nothing. */
    w = 0xBEEF;
    assert_false(cur_get_u16(&c, &w));
    assert_int_equal(w, 0xBEEF);
    assert_cur_at(&c, buf + 2, 1);
    assert_true(cur_get_u8(&c, &b));
    assert_int_equal(b, 0x56);
    assert_int_equal(cur_len(&c), 0);
    b = 0x77;
    assert_false(cur_get_u8(&c, &b));
    assert_int_equal(b, 0x77);
    assert_int_equal(cur_len(&c), 0);
}

static void test_u16_high_bit(void **state)
{
    (void)state;
    static const uint8_t buf[] = {0xFF, 0xFE};
    kofu_cur c;
    uint16_t w;
    cur_init(&c, buf, sizeof buf);
    assert_true(cur_get_u16(&c, &w));
    assert_int_equal(w, 0xFFFE);
}

static void test_skip_bounds(void **state)
{
    (void)state;
    static const uint8_t buf[5] = {1, 2, 3, 4, 5};
    kofu_cur c;
    cur_init(&c, buf, sizeof buf);
    assert_false(cur_skip(&c, 6));
    assert_cur_at(&c, buf, 5);
    assert_false(cur_skip(&c, SIZE_MAX));
    assert_cur_at(&c, buf, 5);
    assert_true(cur_skip(&c, 0));
    assert_cur_at(&c, buf, 5);
    assert_true(cur_skip(&c, 2));
    assert_cur_at(&c, buf + 2, 3);
    assert_false(cur_skip(&c, 4));
    assert_cur_at(&c, buf + 2, 3);
    assert_true(cur_skip(&c, 3));
    assert_int_equal(cur_len(&c), 0);
    assert_false(cur_skip(&c, 1));
}

static void test_get_bytes_bounds(void **state)
{
    (void)state;
    static const uint8_t buf[4] = {1, 2, 3, 4};
    kofu_cur c, sub;
    cur_init(&c, buf, sizeof buf);
    assert_false(cur_get_bytes(&c, &sub, 5));
    assert_cur_at(&c, buf, 4);
    assert_false(cur_get_bytes(&c, &sub, SIZE_MAX));
    assert_cur_at(&c, buf, 4);
    assert_true(cur_get_bytes(&c, &sub, 3));
    assert_cur_at(&sub, buf, 3);
    assert_cur_at(&c, buf + 3, 1);
    /* The split-off cursor is bounded by its own length. */
    assert_false(cur_skip(&sub, 4));
    assert_true(cur_get_bytes(&c, &sub, 0));
    assert_int_equal(cur_len(&sub), 0);
    assert_cur_at(&c, buf + 3, 1);
}

static void test_copy_bounds(void **state)
{
    (void)state;
    static const uint8_t buf[4] = {9, 8, 7, 6};
    uint8_t out[8];
    kofu_cur c;
    cur_init(&c, buf, sizeof buf);
    memset(out, 0xCC, sizeof out);
    assert_false(cur_copy(&c, out, 5));
    assert_cur_at(&c, buf, 4);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0xCC); /* nothing written on failure */
    assert_true(cur_copy(&c, out, 2));
    assert_int_equal(out[0], 9);
    assert_int_equal(out[1], 8);
    assert_int_equal(out[2], 0xCC);
    assert_cur_at(&c, buf + 2, 2);
    assert_true(cur_copy(&c, out, 0));
    assert_cur_at(&c, buf + 2, 2);
    assert_true(cur_copy(&c, out + 2, 2));
    assert_memory_equal(out, buf, 4);
    assert_false(cur_copy(&c, out, 1));
}

static void test_equals(void **state)
{
    (void)state;
    static const uint8_t buf[3] = {1, 2, 3};
    static const uint8_t same[3] = {1, 2, 3};
    static const uint8_t other[3] = {1, 2, 4};
    kofu_cur c;
    cur_init(&c, buf, sizeof buf);
    assert_true(cur_equals(&c, same, 3));
    assert_false(cur_equals(&c, other, 3));
    assert_false(cur_equals(&c, same, 2)); /* a prefix is not equal */
    cur_init(&c, NULL, 0);
    assert_true(cur_equals(&c, NULL, 0));
    assert_false(cur_equals(&c, same, 1));
}

/* ---- BER headers ---- */

struct hdr_case {
    const char *what;
    uint8_t bytes[12];
    size_t n;
    bool ok;
    uint32_t tag;
    size_t vlen, hlen;
};

/* Headers only (peek does not need the value). */
static const struct hdr_case HEADERS[] = {
    {"1-byte tag short len", {0x90, 0x03}, 2, true, 0x90, 3, 2},
    {"2-byte FF20", {0xFF, 0x20, 0x65}, 3, true, 0xFF20, 0x65, 3},
    {"2-byte 7F21 82", {0x7F, 0x21, 0x82, 0x02, 0x33}, 5, true, 0x7F21, 0x233, 5},
    {"2-byte 5F4E 82", {0x5F, 0x4E, 0x82, 0x01, 0x29}, 5, true, 0x5F4E, 0x129, 5},
    {"2-byte DF22 short", {0xDF, 0x22, 0x0F}, 3, true, 0xDF22, 0x0F, 3},
    {"len 7F", {0x04, 0x7F}, 2, true, 0x04, 0x7F, 2},
    {"len 81 80", {0x04, 0x81, 0x80}, 3, true, 0x04, 0x80, 3},
    {"len 81 05 (non-minimal ok)", {0x04, 0x81, 0x05}, 3, true, 0x04, 5, 3},
    {"len 82 01 00", {0xDF, 0x33, 0x82, 0x01, 0x00}, 5, true, 0xDF33, 0x100, 5},
    {"len 82 00 00", {0x04, 0x82, 0x00, 0x00}, 4, true, 0x04, 0, 4},
    {"len 83", {0x04, 0x83, 0x01, 0x02, 0x03}, 5, true, 0x04, 0x010203, 5},
    {"2-byte tag second byte 1F (lowest allowed)", {0x5F, 0x1F, 0x00}, 3, true, 0x5F1F, 0, 3},
    {"2-byte tag second byte 7F", {0xDF, 0x7F, 0x00}, 3, true, 0xDF7F, 0, 3},
    {"zero length", {0xDF, 0x21, 0x00}, 3, true, 0xDF21, 0, 3},
    {"indefinite 80", {0x30, 0x80}, 2, false, 0, 0, 0},
    {"84 refused", {0x04, 0x84, 0, 0, 0, 1}, 6, false, 0, 0, 0},
    {"85 refused", {0x04, 0x85, 0, 0, 0, 0, 1}, 7, false, 0, 0, 0},
    {"FF length byte refused", {0x04, 0xFF}, 2, false, 0, 0, 0},
    {"2-byte tag, 2nd byte high bit (3-byte tag)", {0xDF, 0x81, 0x01, 0x00}, 4, false, 0, 0, 0},
    /* Low tag numbers in the 2-byte form (DER would forbid them) are what the
     * card uses: FF10, FF20, FF30. */
    {"2-byte FF10 (low number)", {0xFF, 0x10, 0x0C}, 3, true, 0xFF10, 0x0C, 3},
    {"2-byte DF1E (low number)", {0xDF, 0x1E, 0x00}, 3, true, 0xDF1E, 0, 3},
    {"2-byte 5F00 (lowest)", {0x5F, 0x00, 0x01}, 3, true, 0x5F00, 1, 3},
    {"2-byte tag, 2nd byte 80 (3-byte tag)", {0xFF, 0x80, 0x10, 0x00}, 4, false, 0, 0, 0},
    {"2-byte tag, 2nd byte FF (3-byte tag)", {0x7F, 0xFF, 0x01, 0x00}, 4, false, 0, 0, 0},
    {"empty", {0}, 0, false, 0, 0, 0},
    {"tag only", {0x04}, 1, false, 0, 0, 0},
    {"2-byte tag, first byte only", {0xFF}, 1, false, 0, 0, 0},
    {"2-byte tag, no length", {0xFF, 0x20}, 2, false, 0, 0, 0},
    {"81 without its byte", {0x04, 0x81}, 2, false, 0, 0, 0},
    {"82 with one byte", {0x04, 0x82, 0x01}, 3, false, 0, 0, 0},
    {"83 with two bytes", {0x04, 0x83, 0x01, 0x02}, 4, false, 0, 0, 0},
};

static void test_peek_header_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof HEADERS / sizeof HEADERS[0]; i++) {
        const struct hdr_case *h = &HEADERS[i];
        kofu_cur c;
        cur_init(&c, h->bytes, h->n);
        uint32_t tag = 0xDEADBEEF;
        size_t vlen = 12345, hlen = 6789;
        bool ok = cur_peek_ber_header(&c, &tag, &vlen, &hlen);
        if (ok != h->ok)
            fail_msg("case '%s': peek returned %d, expected %d", h->what, ok, h->ok);
        if (ok) {
            assert_int_equal(tag, h->tag);
            assert_int_equal(vlen, h->vlen);
            assert_int_equal(hlen, h->hlen);
        } else {
            /* Outputs untouched on failure. */
            assert_int_equal(tag, 0xDEADBEEF);
            assert_int_equal(vlen, 12345);
            assert_int_equal(hlen, 6789);
        }
        /* Peek never consumes. */
        assert_cur_at(&c, h->n ? h->bytes : NULL, h->n);
    }
}

/* cur_get_ber_header needs the value present: with the header alone, only
 * the zero-length cases pass; with enough value bytes, the same cases as peek. */
static void test_get_header_table(void **state)
{
    (void)state;
    static uint8_t buf[0x20000];
    for (size_t i = 0; i < sizeof HEADERS / sizeof HEADERS[0]; i++) {
        const struct hdr_case *h = &HEADERS[i];
        kofu_cur c;
        uint32_t tag;
        size_t vlen, hlen;

        cur_init(&c, h->bytes, h->n);
        bool ok = cur_get_ber_header(&c, &tag, &vlen, &hlen);
        if (ok != (h->ok && h->vlen == 0))
            fail_msg("case '%s' (header only): got %d", h->what, ok);
        if (!ok)
            assert_cur_at(&c, h->n ? h->bytes : NULL, h->n);

        if (!h->ok || h->hlen + h->vlen > sizeof buf)
            continue;
        memset(buf, 0x5A, sizeof buf);
        memcpy(buf, h->bytes, h->n);
        /* Exactly the value present. */
        cur_init(&c, buf, h->hlen + h->vlen);
        assert_true(cur_get_ber_header(&c, &tag, &vlen, &hlen));
        assert_int_equal(tag, h->tag);
        assert_int_equal(vlen, h->vlen);
        assert_int_equal(hlen, h->hlen);
        assert_cur_at(&c, buf + h->hlen, h->vlen);
        /* One byte of the value missing: refused, unchanged. */
        if (h->vlen) {
            cur_init(&c, buf, h->hlen + h->vlen - 1);
            assert_false(cur_get_ber_header(&c, &tag, &vlen, &hlen));
            assert_cur_at(&c, buf, h->hlen + h->vlen - 1);
        }
    }
}

static void test_peek_value_not_present(void **state)
{
    (void)state;
    /* The first 7 bytes of a 336-byte EF 0003: enough to learn the size. */
    static const uint8_t first[7] = {0xFF, 0x30, 0x82, 0x01, 0x4B, 0xDF, 0x31};
    kofu_cur c;
    uint32_t tag;
    size_t vlen, hlen;
    cur_init(&c, first, sizeof first);
    assert_true(cur_peek_ber_header(&c, &tag, &vlen, &hlen));
    assert_int_equal(tag, 0xFF30);
    assert_int_equal(vlen, 0x14B);
    assert_int_equal(hlen, 5);
    assert_int_equal(hlen + vlen, 336);
    assert_cur_at(&c, first, sizeof first);
    /* get_ber_header refuses the same bytes. */
    assert_false(cur_get_ber_header(&c, &tag, &vlen, &hlen));
    kofu_cur v;
    assert_false(cur_get_ber(&c, &tag, &v));
    assert_cur_at(&c, first, sizeof first);
}

static void test_get_ber_sequence(void **state)
{
    (void)state;
    static const uint8_t buf[] = {0xDF, 0x24, 0x02, 'A', 'B', 0x90, 0x01, 0x03, 0xDF, 0x25, 0x05, 1};
    kofu_cur c, v;
    uint32_t tag;
    cur_init(&c, buf, sizeof buf);
    assert_true(cur_get_ber(&c, &tag, &v));
    assert_int_equal(tag, 0xDF24);
    assert_cur_at(&v, buf + 3, 2);
    assert_true(cur_get_ber(&c, &tag, &v));
    assert_int_equal(tag, 0x90);
    assert_cur_at(&v, buf + 7, 1);
    /* Last one claims 5 bytes, 1 present. */
    const uint8_t *before = cur_data(&c);
    assert_false(cur_get_ber(&c, &tag, &v));
    assert_cur_at(&c, before, 4);
}

static void test_get_ber_tag(void **state)
{
    (void)state;
    static const uint8_t buf[] = {0xDF, 0x31, 0x02, 0xAA, 0xBB, 0xDF, 0x32, 0x01, 0xCC};
    kofu_cur c, v;
    cur_init(&c, buf, sizeof buf);
    /* Wrong tag: refused, cursor unchanged. */
    assert_false(cur_get_ber_tag(&c, 0xDF32, &v));
    assert_cur_at(&c, buf, sizeof buf);
    assert_true(cur_get_ber_tag(&c, 0xDF31, &v));
    assert_cur_at(&v, buf + 3, 2);
    assert_true(cur_get_ber_tag(&c, 0xDF32, &v));
    assert_cur_at(&v, buf + 8, 1);
    assert_int_equal(cur_len(&c), 0);
    assert_false(cur_get_ber_tag(&c, 0xDF33, &v));
}

static void test_get_ber_tag_whole(void **state)
{
    (void)state;
    static const uint8_t buf[] = {0xFF, 0x50, 0x0A, 0xDF, 0x51, 0x82, 0x00, 0x02, 0x01, 0x02, 0xDF, 0x52, 0x00, 0xEE};
    kofu_cur c, outer, v, whole;
    cur_init(&c, buf, sizeof buf);
    assert_true(cur_get_ber_tag_whole(&c, 0xFF50, &outer, &whole));
    assert_cur_at(&outer, buf + 3, 10);
    assert_cur_at(&whole, buf, 13);
    assert_cur_at(&c, buf + 13, 1);
    /* Inside: the whole DF51 object is header + value (82 form kept). */
    assert_true(cur_get_ber_tag_whole(&outer, 0xDF51, &v, &whole));
    assert_cur_at(&v, buf + 8, 2);
    assert_cur_at(&whole, buf + 3, 7);
    /* A NULL whole is allowed. */
    assert_true(cur_get_ber_tag_whole(&outer, 0xDF52, &v, NULL));
    assert_int_equal(cur_len(&v), 0);
    assert_int_equal(cur_len(&outer), 0);
    /* Wrong tag: unchanged, whole untouched. */
    kofu_cur sentinel_whole;
    cur_init(&sentinel_whole, buf, 1);
    assert_false(cur_get_ber_tag_whole(&c, 0xFF50, &v, &sentinel_whole));
    assert_cur_at(&c, buf + 13, 1);
    assert_cur_at(&sentinel_whole, buf, 1);
}

/* Walking docs/card.md's worked example (EF 0002) with the cursor API. */
static void test_ber_walk_example(void **state)
{
    (void)state;
    static const uint8_t ef[] = {0xFF, 0x20, 0x13, 0xDF, 0x21, 0x08, 0x00, 0x0E, 0x00, 0x11, 0x00, 0x11, 0x00,
                                 0x11, 0xDF, 0x22, 0x00, 0xDF, 0x25, 0x01, 0x31, 0x00};
    static const uint32_t tags[] = {0xDF21, 0xDF22, 0xDF25};
    kofu_cur c, outer, v;
    uint32_t tag;
    cur_init(&c, ef, sizeof ef);
    assert_true(cur_get_ber_tag(&c, 0xFF20, &outer));
    assert_int_equal(cur_len(&c), 0);
    for (size_t i = 0; i < 3; i++) {
        assert_true(cur_get_ber(&outer, &tag, &v));
        assert_int_equal(tag, tags[i]);
    }
    /* The trailing 00 is not a whole TLV (tag 00 with no length). */
    assert_false(cur_get_ber(&outer, &tag, &v));
    assert_int_equal(cur_len(&outer), 1);
}

/* ---- builder ---- */

static void test_builder_basic(void **state)
{
    (void)state;
    uint8_t buf[16];
    kofu_bld b;
    bld_init(&b, buf, sizeof buf);
    assert_true(bld_ok(&b));
    bld_add_u8(&b, 0x01);
    bld_add_u16(&b, 0xA1B2);
    bld_add_bytes(&b, "xyz", 3);
    bld_add_bytes(&b, NULL, 0);
    assert_true(bld_ok(&b));
    assert_int_equal(b.len, 6);
    static const uint8_t want[] = {0x01, 0xA1, 0xB2, 'x', 'y', 'z'};
    assert_memory_equal(buf, want, sizeof want);
}

static void test_builder_overflow_latches(void **state)
{
    (void)state;
    uint8_t buf[8];
    memset(buf, 0xEE, sizeof buf);
    kofu_bld b;
    bld_init(&b, buf, 4);
    bld_add_bytes(&b, "abc", 3);
    assert_true(bld_ok(&b));
    bld_add_u16(&b, 0x1234); /* needs 2, 1 left */
    assert_false(bld_ok(&b));
    assert_int_equal(b.len, 3);
    /* Latched: even a write that would fit is refused now. */
    bld_add_u8(&b, 0x55);
    assert_false(bld_ok(&b));
    assert_int_equal(b.len, 3);
    assert_int_equal(buf[3], 0xEE);
    /* Nothing beyond cap was written. */
    for (size_t i = 3; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xEE);
}

static void test_builder_exact_fit_and_huge(void **state)
{
    (void)state;
    uint8_t buf[4];
    kofu_bld b;
    bld_init(&b, buf, sizeof buf);
    bld_add_bytes(&b, "abcd", 4);
    assert_true(bld_ok(&b));
    bld_add_bytes(&b, NULL, 0);
    assert_true(bld_ok(&b));
    bld_init(&b, buf, sizeof buf);
    bld_add_bytes(&b, buf, SIZE_MAX); /* must not wrap around */
    assert_false(bld_ok(&b));
    assert_int_equal(b.len, 0);
    /* NULL buffer: zero capacity. */
    bld_init(&b, NULL, 100);
    bld_add_u8(&b, 1);
    assert_false(bld_ok(&b));
}

static void test_builder_ber_forms(void **state)
{
    (void)state;
    uint8_t buf[16];
    kofu_bld b;
    struct {
        size_t len;
        bool force;
        uint8_t want[3];
        size_t n;
    } cases[] = {
        {0, false, {0x00}, 1},          {0x7F, false, {0x7F}, 1},
        {0x80, false, {0x81, 0x80}, 2}, {0xFF, false, {0x81, 0xFF}, 2},
        {0x100, false, {0x82, 0x01, 0x00}, 3}, {0xFFFF, false, {0x82, 0xFF, 0xFF}, 3},
        {0x05, true, {0x82, 0x00, 0x05}, 3},   {0x14B, true, {0x82, 0x01, 0x4B}, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bld_init(&b, buf, sizeof buf);
        bld_add_ber_len(&b, cases[i].len, cases[i].force);
        assert_true(bld_ok(&b));
        assert_int_equal(b.len, cases[i].n);
        assert_memory_equal(buf, cases[i].want, cases[i].n);
    }
    /* Lengths above 0xFFFF are refused by the builder. */
    bld_init(&b, buf, sizeof buf);
    bld_add_ber_len(&b, 0x10000, false);
    assert_false(bld_ok(&b));
    /* Tags: 1 byte and 2 bytes. */
    bld_init(&b, buf, sizeof buf);
    bld_add_ber_tag(&b, 0x90);
    bld_add_ber_tag(&b, 0xDF22);
    bld_add_ber_tag(&b, 0x7F21);
    assert_true(bld_ok(&b));
    static const uint8_t tags[] = {0x90, 0xDF, 0x22, 0x7F, 0x21};
    assert_int_equal(b.len, sizeof tags);
    assert_memory_equal(buf, tags, sizeof tags);
}

static void test_builder_ber_overflow(void **state)
{
    (void)state;
    uint8_t buf[6];
    kofu_bld b;
    bld_init(&b, buf, sizeof buf);
    bld_add_ber(&b, 0xDF22, "abcd", 4, false); /* 2 + 1 + 4 = 7 > 6 */
    assert_false(bld_ok(&b));
    assert_true(b.len <= sizeof buf);
}

static void test_builder_round_trip(void **state)
{
    (void)state;
    static uint8_t big[0x300];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)i;
    uint8_t buf[2048];
    kofu_bld b;
    bld_init(&b, buf, sizeof buf);
    bld_add_ber(&b, 0x90, "\x01\x00\x01", 3, false);
    bld_add_ber(&b, 0xDF22, big, 0x80, false);  /* 81 80 */
    bld_add_ber(&b, 0x5F37, big, 0x300, false); /* 82 03 00 */
    bld_add_ber(&b, 0xFF10, "x", 1, true);      /* 82 00 01 */
    bld_add_ber(&b, 0xDF25, NULL, 0, false);
    assert_true(bld_ok(&b));
    assert_int_equal(b.len, (2 + 3) + (4 + 0x80) + (5 + 0x300) + (5 + 1) + 3);

    kofu_cur c, v, whole;
    cur_init(&c, buf, b.len);
    assert_true(cur_get_ber_tag(&c, 0x90, &v));
    assert_true(cur_equals(&v, (const uint8_t *)"\x01\x00\x01", 3));
    assert_true(cur_get_ber_tag(&c, 0xDF22, &v));
    assert_true(cur_equals(&v, big, 0x80));
    assert_true(cur_get_ber_tag(&c, 0x5F37, &v));
    assert_true(cur_equals(&v, big, 0x300));
    assert_true(cur_get_ber_tag_whole(&c, 0xFF10, &v, &whole));
    assert_true(cur_equals(&v, (const uint8_t *)"x", 1));
    assert_int_equal(cur_len(&whole), 6);
    assert_int_equal(cur_data(&whole)[2], 0x82);
    assert_true(cur_get_ber_tag(&c, 0xDF25, &v));
    assert_int_equal(cur_len(&v), 0);
    assert_int_equal(cur_len(&c), 0);
}

static void test_ct_equal(void **state)
{
    (void)state;
    uint8_t a[32], b[32];
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = b[i] = (uint8_t)(i * 7);
    assert_true(kofu_ct_equal(a, b, sizeof a));
    assert_true(kofu_ct_equal(a, b, 0));
    for (size_t i = 0; i < sizeof a; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            assert_false(kofu_ct_equal(a, b, sizeof a));
            b[i] ^= (uint8_t)(1u << bit);
        }
    }
    b[31] ^= 1;
    assert_true(kofu_ct_equal(a, b, 31)); /* only n bytes compared */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_null_and_empty),
        cmocka_unit_test(test_get_u8_u16),
        cmocka_unit_test(test_u16_high_bit),
        cmocka_unit_test(test_skip_bounds),
        cmocka_unit_test(test_get_bytes_bounds),
        cmocka_unit_test(test_copy_bounds),
        cmocka_unit_test(test_equals),
        cmocka_unit_test(test_peek_header_table),
        cmocka_unit_test(test_get_header_table),
        cmocka_unit_test(test_peek_value_not_present),
        cmocka_unit_test(test_get_ber_sequence),
        cmocka_unit_test(test_get_ber_tag),
        cmocka_unit_test(test_get_ber_tag_whole),
        cmocka_unit_test(test_ber_walk_example),
        cmocka_unit_test(test_builder_basic),
        cmocka_unit_test(test_builder_overflow_latches),
        cmocka_unit_test(test_builder_exact_fit_and_huge),
        cmocka_unit_test(test_builder_ber_forms),
        cmocka_unit_test(test_builder_ber_overflow),
        cmocka_unit_test(test_builder_round_trip),
        cmocka_unit_test(test_ct_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
