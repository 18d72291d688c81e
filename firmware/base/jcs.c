/* jcs.c — see jcs.h. */
#include "base/jcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JCS_MAX_DEPTH 32
#define JCS_INTEGER_MAX ((json_int_t)1 << 53) /* the largest integer a double holds exactly, and every one below */

/* Next UTF-16 code unit of a UTF-8 string (jansson guarantees valid
 * UTF-8); *pending holds a low surrogate between calls. */
static unsigned next_unit(const unsigned char **p, const unsigned char *end, unsigned *pending)
{
    if (*pending) {
        unsigned u = *pending;
        *pending = 0;
        return u;
    }
    const unsigned char *s = *p;
    unsigned cp;
    size_t len;
    if (s[0] < 0x80)
        cp = s[0], len = 1;
    else if ((s[0] & 0xE0) == 0xC0)
        cp = s[0] & 0x1Fu, len = 2;
    else if ((s[0] & 0xF0) == 0xE0)
        cp = s[0] & 0x0Fu, len = 3;
    else
        cp = s[0] & 0x07u, len = 4;
    if ((size_t)(end - s) < len)
        len = (size_t)(end - s);
    for (size_t i = 1; i < len; i++)
        cp = (cp << 6) | (s[i] & 0x3Fu);
    *p = s + len;
    if (cp >= 0x10000) {
        cp -= 0x10000;
        *pending = 0xDC00 + (cp & 0x3FF);
        return 0xD800 + (cp >> 10);
    }
    return cp;
}

static int utf16_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    const unsigned char *pa = (const unsigned char *)a, *ea = pa + alen;
    const unsigned char *pb = (const unsigned char *)b, *eb = pb + blen;
    unsigned qa = 0, qb = 0;
    while ((pa < ea || qa) && (pb < eb || qb)) {
        unsigned ua = next_unit(&pa, ea, &qa), ub = next_unit(&pb, eb, &qb);
        if (ua != ub)
            return ua < ub ? -1 : 1;
    }
    bool more_a = pa < ea || qa, more_b = pb < eb || qb;
    return more_a - more_b;
}

struct member {
    const char *key;
    size_t len;
    json_t *value;
};

static int member_cmp(const void *x, const void *y)
{
    const struct member *a = x, *b = y;
    return utf16_cmp(a->key, a->len, b->key, b->len);
}

static void add_string(kofu_bld *out, const char *s, size_t n)
{
    bld_add_u8(out, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default: break;
        }
        if (esc) {
            bld_add_bytes(out, esc, strlen(esc));
        } else if (c < 0x20) {
            char u[8];
            snprintf(u, sizeof u, "\\u%04x", c);
            bld_add_bytes(out, u, 6);
        } else {
            bld_add_u8(out, c);
        }
    }
    bld_add_u8(out, '"');
}

static bool serialize(const json_t *v, kofu_bld *out, int depth)
{
    if (depth > JCS_MAX_DEPTH)
        return false;
    switch (json_typeof(v)) {
    case JSON_NULL:
        bld_add_bytes(out, "null", 4);
        break;
    case JSON_TRUE:
        bld_add_bytes(out, "true", 4);
        break;
    case JSON_FALSE:
        bld_add_bytes(out, "false", 5);
        break;
    case JSON_INTEGER: {
        /* RFC 8785 numbers are doubles: beyond 2^53 a conformant signer
         * would have rounded the value, so its form would not be ours. */
        json_int_t i = json_integer_value(v);
        if (i > JCS_INTEGER_MAX || i < -JCS_INTEGER_MAX)
            return false;
        char num[32];
        int n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, i);
        bld_add_bytes(out, num, (size_t)n);
        break;
    }
    case JSON_REAL:
        return false;
    case JSON_STRING:
        add_string(out, json_string_value(v), json_string_length(v));
        break;
    case JSON_ARRAY:
        bld_add_u8(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                bld_add_u8(out, ',');
            if (!serialize(json_array_get(v, i), out, depth + 1))
                return false;
        }
        bld_add_u8(out, ']');
        break;
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        struct member *m = n ? calloc(n, sizeof *m) : NULL;
        if (n && !m)
            return false;
        const char *key;
        size_t klen;
        json_t *val;
        json_object_keylen_foreach((json_t *)(uintptr_t)v, key, klen, val)
        {
            m[i++] = (struct member){key, klen, val};
        }
        if (n)
            qsort(m, n, sizeof *m, member_cmp);
        bool ok = true;
        bld_add_u8(out, '{');
        for (i = 0; ok && i < n; i++) {
            if (i)
                bld_add_u8(out, ',');
            add_string(out, m[i].key, m[i].len);
            bld_add_u8(out, ':');
            ok = serialize(m[i].value, out, depth + 1);
        }
        bld_add_u8(out, '}');
        free(m);
        if (!ok)
            return false;
        break;
    }
    }
    return bld_ok(out);
}

bool jcs_serialize(const json_t *v, kofu_bld *out) { return v && serialize(v, out, 0); }
