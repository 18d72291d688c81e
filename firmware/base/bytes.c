/* bytes.c — see bytes.h. */
#include "base/bytes.h"

#include <string.h>

void cur_init(kofu_cur *c, const uint8_t *p, size_t len)
{
    c->p = len ? p : NULL;
    c->len = p ? len : 0;
}

size_t cur_len(const kofu_cur *c) { return c->len; }

const uint8_t *cur_data(const kofu_cur *c) { return c->p; }

bool cur_skip(kofu_cur *c, size_t n)
{
    if (n > c->len)
        return false;
    if (n) {
        c->p += n;
        c->len -= n;
    }
    return true;
}

bool cur_get_u8(kofu_cur *c, uint8_t *out)
{
    if (c->len < 1)
        return false;
    *out = c->p[0];
    return cur_skip(c, 1);
}

bool cur_get_u16(kofu_cur *c, uint16_t *out)
{
    if (c->len < 2)
        return false;
    *out = (uint16_t)((c->p[0] << 8) | c->p[1]);
    return cur_skip(c, 2);
}

bool cur_get_bytes(kofu_cur *c, kofu_cur *out, size_t n)
{
    if (n > c->len)
        return false;
    cur_init(out, c->p, n);
    return cur_skip(c, n);
}

bool cur_copy(kofu_cur *c, uint8_t *out, size_t n)
{
    if (n > c->len)
        return false;
    if (n)
        memcpy(out, c->p, n);
    return cur_skip(c, n);
}

bool cur_equals(const kofu_cur *c, const uint8_t *p, size_t n)
{
    return c->len == n && (n == 0 || memcmp(c->p, p, n) == 0);
}

/* Parses tag and length from a copy; reports how many header bytes. */
static bool parse_ber_header(kofu_cur c, uint32_t *tag, size_t *value_len, size_t *header_len)
{
    size_t start = c.len;
    uint8_t b;
    if (!cur_get_u8(&c, &b))
        return false;
    uint32_t t = b;
    if ((b & 0x1F) == 0x1F) {
        uint8_t b2;
        /* No 3+ byte tags here. (Low numbers in the 2-byte form, which DER
         * would forbid, are what the card uses: FF10, FF20, FF30.) */
        if (!cur_get_u8(&c, &b2) || (b2 & 0x80))
            return false;
        t = (t << 8) | b2;
    }
    uint8_t l;
    if (!cur_get_u8(&c, &l))
        return false;
    size_t len;
    if (l < 0x80) {
        len = l;
    } else {
        size_t nbytes = l & 0x7F;
        if (nbytes == 0 || nbytes > 3)
            return false; /* indefinite, or larger than anything a card holds */
        len = 0;
        for (size_t i = 0; i < nbytes; i++) {
            uint8_t x;
            if (!cur_get_u8(&c, &x))
                return false;
            len = (len << 8) | x;
        }
    }
    *tag = t;
    *value_len = len;
    *header_len = start - c.len;
    return true;
}

bool cur_peek_ber_header(const kofu_cur *c, uint32_t *tag, size_t *value_len, size_t *header_len)
{
    return parse_ber_header(*c, tag, value_len, header_len);
}

bool cur_get_ber_header(kofu_cur *c, uint32_t *tag, size_t *value_len, size_t *header_len)
{
    uint32_t t;
    size_t len, hl;
    if (!parse_ber_header(*c, &t, &len, &hl))
        return false;
    if (len > c->len - hl)
        return false;
    *tag = t;
    *value_len = len;
    *header_len = hl;
    return cur_skip(c, hl);
}

bool cur_get_ber(kofu_cur *c, uint32_t *tag, kofu_cur *value)
{
    kofu_cur save = *c;
    size_t len, hl;
    if (!cur_get_ber_header(c, tag, &len, &hl) || !cur_get_bytes(c, value, len)) {
        *c = save;
        return false;
    }
    return true;
}

bool cur_get_ber_tag_whole(kofu_cur *c, uint32_t want_tag, kofu_cur *value, kofu_cur *whole)
{
    kofu_cur save = *c;
    uint32_t tag;
    if (!cur_get_ber(c, &tag, value) || tag != want_tag) {
        *c = save;
        return false;
    }
    if (whole)
        cur_init(whole, save.p, save.len - c->len);
    return true;
}

bool cur_get_ber_tag(kofu_cur *c, uint32_t want_tag, kofu_cur *value)
{
    return cur_get_ber_tag_whole(c, want_tag, value, NULL);
}

void bld_init(kofu_bld *b, uint8_t *buf, size_t cap)
{
    b->p = buf;
    b->len = 0;
    b->cap = buf ? cap : 0;
    b->overflow = false;
}

bool bld_ok(const kofu_bld *b) { return !b->overflow; }

void bld_add_bytes(kofu_bld *b, const void *p, size_t n)
{
    if (b->overflow || n > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

void bld_add_u8(kofu_bld *b, uint8_t v) { bld_add_bytes(b, &v, 1); }

void bld_add_u16(kofu_bld *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    bld_add_bytes(b, x, 2);
}

void bld_add_ber_tag(kofu_bld *b, uint32_t tag)
{
    if (tag > 0xFF)
        bld_add_u16(b, (uint16_t)tag);
    else
        bld_add_u8(b, (uint8_t)tag);
}

void bld_add_ber_len(kofu_bld *b, size_t len, bool force_82)
{
    if (len > 0xFFFF) {
        b->overflow = true;
        return;
    }
    if (force_82 || len > 0xFF) {
        bld_add_u8(b, 0x82);
        bld_add_u16(b, (uint16_t)len);
    } else if (len > 0x7F) {
        bld_add_u8(b, 0x81);
        bld_add_u8(b, (uint8_t)len);
    } else {
        bld_add_u8(b, (uint8_t)len);
    }
}

void bld_add_ber(kofu_bld *b, uint32_t tag, const void *value, size_t len, bool force_82)
{
    bld_add_ber_tag(b, tag);
    bld_add_ber_len(b, len, force_82);
    bld_add_bytes(b, value, len);
}

bool kofu_ct_equal(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= (uint8_t)(x[i] ^ y[i]);
    return acc == 0;
}
