/*
 * words.h — tables of words: what a code is called, for machines and for
 * people in Japanese and English.
 *
 * Owns: struct kofu_word and its lookups, for every table that names codes
 * (errors, the card's, the certificates' and the printer's reasons, the
 * screens' texts). A table is a const array; entries may sit at their code's
 * index (KOFU_WORD), which makes the lookup direct, or in any order.
 */
#ifndef KOFU_WORDS_H
#define KOFU_WORDS_H

#include "base/errors.h" /* enum kofu_lang */

#include <stddef.h>

struct kofu_word {
    int code;       /* what it names: an enum value, a kofu_err, a flag */
    const char *name; /* a stable ASCII name (logs, JSON, protocol keywords); NULL where there is none */
    const char *ja, *en; /* the words for people; NULL where there are none */
};

/** An entry of an enum-indexed table: at the index of its code. */
#define KOFU_WORD(code, name, ja, en) [code] = {(code), (name), (ja), (en)}
/** An entry that has only a name: for codes no resident ever reads about
 *  (states, events, log and protocol keywords). */
#define KOFU_NAME(code, name) KOFU_WORD(code, name, NULL, NULL)
/** The number of entries of a table array. */
#define KOFU_WORDS_N(table) (sizeof(table) / sizeof((table)[0]))

/** The name of `code` in the table array `table` ("unknown" for a code it
 *  lacks, including one out of the enum's range). */
#define KOFU_WORDS_NAME(table, code) kofu_word_name(kofu_word_find((table), KOFU_WORDS_N(table), (int)(code)))
/** The words of `code` in `table` in lang ("?" for a code it lacks). */
#define KOFU_WORDS_TEXT(table, code, lang) \
    kofu_word_text(kofu_word_find((table), KOFU_WORDS_N(table), (int)(code)), (lang))

/** Defines the pair of lookups a module exports over its table of reasons:
 *  `const char *name_fn(enum_type why)` and
 *  `const char *text_fn(enum_type why, enum kofu_lang lang)`, declared in the
 *  module's header. Written without a semicolon after it. */
#define KOFU_WORDS_LOOKUPS(name_fn, text_fn, enum_type, table) \
    const char *name_fn(enum_type why) { return KOFU_WORDS_NAME(table, why); } \
    const char *text_fn(enum_type why, enum kofu_lang lang) { return KOFU_WORDS_TEXT(table, why, lang); }

/** The entry for code among n, or NULL. */
const struct kofu_word *kofu_word_find(const struct kofu_word *table, size_t n, int code);
/** The entry named `name` (exactly) among n, or NULL. */
const struct kofu_word *kofu_word_named(const struct kofu_word *table, size_t n, const char *name);
/** w's name; "unknown" when w is NULL or has none. */
const char *kofu_word_name(const struct kofu_word *w);
/** w's words in lang (English for KOFU_LANG_EN, else Japanese); "?" when w
 *  is NULL or has none in that language. */
const char *kofu_word_text(const struct kofu_word *w, enum kofu_lang lang);

/** Cut the UTF-8 text s to at most max bytes, at a character boundary (a
 *  character cut in two is invalid text to pango and to JSON). */
void kofu_utf8_cut(char *s, size_t max);

#endif
