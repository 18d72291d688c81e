/* ipp_supply.c — see ipp_supply.h. */
#include "drivers/printer/ipp_supply.h"

#include "base/bytes.h"

#include <string.h>

/* The next "key=value" up to ';' (or the end): key and value as cursors.
 * false for a pair without '=' or with an empty key. */
static bool next_pair(kofu_cur *c, kofu_cur *key, kofu_cur *value)
{
    size_t n = cur_len(c), eq = n, end = n;
    kofu_cur probe = *c;
    for (size_t i = 0; i < n; i++) {
        uint8_t ch;
        if (!cur_get_u8(&probe, &ch))
            return false;
        if (ch == '=' && eq == n)
            eq = i;
        if (ch == ';') {
            end = i;
            break;
        }
    }
    if (eq == n || eq == 0 || eq > end)
        return false;
    kofu_cur pair;
    if (!cur_get_bytes(c, &pair, end) || (end < n && !cur_skip(c, 1)))
        return false;
    if (!cur_get_bytes(&pair, key, eq) || !cur_skip(&pair, 1))
        return false;
    *value = pair;
    return true;
}

static bool is(const kofu_cur *key, const char *word)
{
    return cur_len(key) == strlen(word) && cur_equals(key, (const uint8_t *)word, strlen(word));
}

static void text(kofu_cur v, char *out, size_t cap)
{
    size_t n = 0;
    uint8_t ch;
    while (n + 1 < cap && cur_get_u8(&v, &ch))
        out[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    out[n] = '\0';
}

/* An optional '-' and 1..9 digits. */
static bool number(kofu_cur v, long *out)
{
    uint8_t ch;
    bool neg = false;
    size_t n = cur_len(&v);
    if (n > 0 && *cur_data(&v) == '-') {
        neg = true;
        cur_skip(&v, 1);
        n--;
    }
    if (n == 0 || n > 9)
        return false;
    long x = 0;
    while (cur_get_u8(&v, &ch)) {
        if (ch < '0' || ch > '9')
            return false;
        x = x * 10 + (ch - '0');
    }
    *out = neg ? -x : x;
    return true;
}

bool ipp_supply_parse(const uint8_t *value, size_t len, struct printer_supply *s)
{
    memset(s, 0, sizeof *s);
    if (!value || len == 0 || len > IPP_SUPPLY_VALUE_MAX)
        return false;
    struct printer_supply got = {.level = PRINTER_LEVEL_UNKNOWN, .low = -1, .high = -1};
    long level = PRINTER_LEVEL_UNKNOWN, max = -1;
    bool have_level = false, percent = true;
    kofu_cur c;
    cur_init(&c, value, len);
    while (cur_len(&c) > 0) {
        kofu_cur key, v;
        if (!next_pair(&c, &key, &v))
            return false;
        if (is(&key, "type"))
            text(v, got.type, sizeof got.type);
        else if (is(&key, "colorantname"))
            text(v, got.color, sizeof got.color);
        else if (is(&key, "level"))
            have_level = number(v, &level);
        else if (is(&key, "maxcapacity") && !number(v, &max))
            max = -1;
        else if (is(&key, "unit"))
            percent = is(&v, "percent");
    }
    if (have_level && level >= PRINTER_LEVEL_SOME && level < 0)
        got.level = (int)level;
    else if (have_level && level >= 0 && max > 0 && level <= max)
        got.level = (int)(percent && max == 100 ? level : level * 100 / max);
    *s = got;
    return true;
}
