/*
 * fuzz_ber.c — the cursor and BER-TLV API (firmware/base/bytes.h) on arbitrary
 * bytes: walk the input as nested TLVs (into constructed tags, bounded
 * depth), resynchronising byte by byte after a failure, and check the
 * cursor rules: a failed call leaves the cursor unchanged, peek never
 * consumes, views stay inside their parent, and a TLV re-encoded with the
 * builder parses back to the same tag and value.
 */
#include "base/bytes.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 8

#define CHECK(x)        \
    do {                \
        if (!(x))       \
            abort();    \
    } while (0)

static bool same(const kofu_cur *a, const kofu_cur *b)
{
    return cur_data(a) == cur_data(b) && cur_len(a) == cur_len(b);
}

/* [p, p+n) inside [base, base+len) */
static bool inside(const kofu_cur *outer, const kofu_cur *in)
{
    if (cur_len(in) == 0)
        return true;
    const uint8_t *b = cur_data(outer), *p = cur_data(in);
    return b && p >= b && p <= b + cur_len(outer) && cur_len(in) <= (size_t)(b + cur_len(outer) - p);
}

static void round_trip(uint32_t tag, const kofu_cur *v)
{
    static uint8_t buf[6 + 0x10000];
    if (cur_len(v) > 0xFFFF)
        return; /* the builder writes at most 82 HH LL */
    for (int force = 0; force < 2; force++) {
        kofu_bld b;
        bld_init(&b, buf, sizeof buf);
        bld_add_ber(&b, tag, cur_data(v), cur_len(v), force);
        CHECK(bld_ok(&b));
        kofu_cur c, v2;
        uint32_t t2;
        cur_init(&c, buf, b.len);
        CHECK(cur_get_ber(&c, &t2, &v2));
        CHECK(t2 == tag);
        CHECK(cur_len(&c) == 0);
        CHECK(cur_len(&v2) == cur_len(v));
        CHECK(cur_len(v) == 0 || memcmp(cur_data(&v2), cur_data(v), cur_len(v)) == 0);
    }
}

static void walk(kofu_cur c, int depth)
{
    const kofu_cur parent = c;
    while (cur_len(&c) > 0) {
        const kofu_cur before = c;
        uint32_t tag = 0, t2 = 0;
        size_t vlen = 0, hlen = 0;
        bool peek = cur_peek_ber_header(&c, &tag, &vlen, &hlen);
        CHECK(same(&c, &before));
        if (peek) {
            CHECK(hlen >= 2 && hlen <= 6 && hlen <= cur_len(&c));
            CHECK(vlen <= 0xFFFFFF);
            CHECK(tag <= 0xFFFF);
        }
        kofu_cur v, whole;
        if (!cur_get_ber(&c, &t2, &v)) {
            CHECK(same(&c, &before));
            /* Fails only when the header is bad or the value is cut. */
            CHECK(!peek || vlen > cur_len(&c) - hlen);
            kofu_cur h = c;
            uint32_t t3;
            size_t l3, h3;
            CHECK(!cur_get_ber_header(&h, &t3, &l3, &h3));
            CHECK(same(&h, &c));
            CHECK(cur_skip(&c, 1));
            continue;
        }
        CHECK(peek && t2 == tag && cur_len(&v) == vlen);
        CHECK(inside(&parent, &v));
        CHECK(vlen == 0 || cur_data(&v) == cur_data(&before) + hlen); /* empty views may be NULL */
        CHECK(cur_len(&c) == cur_len(&before) - hlen - vlen);

        /* The same TLV again, as a whole and by tag. */
        kofu_cur again = before, v2;
        CHECK(cur_get_ber_tag_whole(&again, tag, &v2, &whole));
        CHECK(same(&again, &c) && same(&v2, &v));
        CHECK(cur_data(&whole) == cur_data(&before) && cur_len(&whole) == hlen + vlen);
        again = before;
        CHECK(!cur_get_ber_tag(&again, tag ^ 0x01, &v2));
        CHECK(same(&again, &before));
        /* Header alone. */
        again = before;
        uint32_t t3;
        size_t l3, h3;
        CHECK(cur_get_ber_header(&again, &t3, &l3, &h3));
        CHECK(t3 == tag && l3 == vlen && h3 == hlen);
        CHECK(vlen == 0 || cur_data(&again) == cur_data(&v));

        round_trip(tag, &v);

        uint8_t first = (uint8_t)(tag > 0xFF ? tag >> 8 : tag);
        if ((first & 0x20) && depth < MAX_DEPTH)
            walk(v, depth + 1);
    }
}

/* The primitives, driven by the input itself. */
static void primitives(const uint8_t *data, size_t size)
{
    kofu_cur c;
    cur_init(&c, data, size);
    size_t i = 0;
    while (cur_len(&c) > 0 && i++ < 64) {
        kofu_cur before = c;
        uint8_t op = cur_data(&c)[0];
        size_t n = (size_t)(op >> 3);
        uint8_t b, out[32];
        uint16_t w;
        kofu_cur sub;
        bool ok;
        switch (op & 7) {
        case 0:
            ok = cur_get_u8(&c, &b);
            n = 1;
            break;
        case 1:
            ok = cur_get_u16(&c, &w);
            n = 2;
            break;
        case 2:
            ok = cur_skip(&c, n);
            break;
        case 3:
            ok = cur_get_bytes(&c, &sub, n);
            if (ok) /* an empty view may be NULL */
                CHECK(cur_len(&sub) == n && (n == 0 || cur_data(&sub) == cur_data(&before)));
            break;
        case 4:
            n &= 31;
            ok = cur_copy(&c, out, n);
            if (ok)
                CHECK(n == 0 || memcmp(out, cur_data(&before), n) == 0);
            break;
        case 5:
            ok = cur_equals(&c, cur_data(&c), cur_len(&c));
            CHECK(ok);
            n = 0;
            break;
        default:
            ok = cur_skip(&c, 1);
            n = 1;
            break;
        }
        if (ok) {
            CHECK(cur_len(&c) == cur_len(&before) - n);
        } else {
            CHECK(same(&c, &before));
            CHECK(n > cur_len(&before));
            CHECK(cur_skip(&c, 1));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kofu_cur c;
    cur_init(&c, data, size);
    walk(c, 0);
    primitives(data, size);
    /* kofu_ct_equal agrees with memcmp. */
    CHECK(kofu_ct_equal(data, data, size));
    if (size >= 2)
        CHECK(kofu_ct_equal(data, data + 1, size - 1) == (memcmp(data, data + 1, size - 1) == 0));
    return 0;
}
