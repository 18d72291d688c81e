/* jsonv.c — see jsonv.h. */
#include "base/jsonv.h"

#include <string.h>

const char *jsonv_str(const json_t *o, const char *key) { return json_string_value(json_object_get(o, key)); }

bool jsonv_is(const json_t *o, const char *key, const char *want)
{
    const char *s = jsonv_str(o, key);
    return s && strcmp(s, want) == 0;
}

bool jsonv_printable(const char *s, size_t max)
{
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len > max)
        return false;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F)
            return false;
        if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return false; /* U+0080..U+009F */
        if (p[i] == 0xD8 && i + 1 < len && p[i + 1] == 0x9C)
            return false; /* U+061C arabic letter mark */
        if (p[i] == 0xE2 && i + 2 < len && p[i + 1] == 0x80 &&
            (p[i + 2] == 0x8E || p[i + 2] == 0x8F || (p[i + 2] >= 0xAA && p[i + 2] <= 0xAE)))
            return false; /* U+200E, U+200F, U+202A..U+202E */
        if (p[i] == 0xE2 && i + 2 < len && p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9)
            return false; /* U+2066..U+2069 */
    }
    return true;
}

bool jsonv_copy_text(char *dst, size_t cap, const char *s, size_t max)
{
    if (!jsonv_printable(s, max) || strlen(s) >= cap)
        return false;
    memcpy(dst, s, strlen(s) + 1);
    return true;
}

static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool jsonv_date_ok(const char *s, bool dashed)
{
    if (!s || strlen(s) != (dashed ? 10u : 8u))
        return false;
    char d[8];
    if (dashed) {
        if (s[4] != '-' || s[7] != '-')
            return false;
        memcpy(d, s, 4);
        memcpy(d + 4, s + 5, 2);
        memcpy(d + 6, s + 8, 2);
    } else {
        memcpy(d, s, 8);
    }
    int y = digits_value(d, 4), m = digits_value(d + 4, 2), day = digits_value(d + 6, 2);
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return y >= 1 && m >= 1 && m <= 12 && day >= 1 && day <= mdays[m - 1] + (m == 2 && leap);
}
