/* jsonv.c — see jsonv.h. */
#include "jsonv.h"

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
