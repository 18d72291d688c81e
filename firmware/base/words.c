/* words.c — see words.h. */
#include "base/words.h"

#include <string.h>

const struct kofu_word *kofu_word_find(const struct kofu_word *table, size_t n, int code)
{
    /* An enum-indexed table: the entry sits at its code. A gap there (an
     * all-zero entry) is not the code's entry unless the code is 0 and named. */
    if (code >= 0 && (size_t)code < n && table[code].code == code && (table[code].name || table[code].ja))
        return &table[code];
    for (size_t i = 0; i < n; i++)
        if (table[i].code == code && (table[i].name || table[i].ja))
            return &table[i];
    return NULL;
}

const struct kofu_word *kofu_word_named(const struct kofu_word *table, size_t n, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (table[i].name && !strcmp(table[i].name, name))
            return &table[i];
    return NULL;
}

const char *kofu_word_name(const struct kofu_word *w)
{
    return w && w->name ? w->name : "unknown";
}

const char *kofu_word_text(const struct kofu_word *w, enum kofu_lang lang)
{
    const char *s = !w ? NULL : lang == KOFU_LANG_EN ? w->en : w->ja;
    return s ? s : "?";
}

void kofu_utf8_cut(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}
