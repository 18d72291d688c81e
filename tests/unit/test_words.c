/* test_words.c — the word tables' type and lookups (firmware/base/words.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/words.h"

enum colour { RED, GREEN, BLUE, VIOLET, COLOUR__COUNT };

/* VIOLET is left out: a gap in an enum-indexed table. */
static const struct kofu_word colours[COLOUR__COUNT] = {
    KOFU_WORD(RED, "red", "赤", "Red"),
    KOFU_WORD(GREEN, "green", "緑", "Green"),
    KOFU_WORD(BLUE, "blue", "青", NULL),
};

/* Codes in no order and negative, as the errors' table has them. */
static const struct kofu_word codes[] = {
    {0, "ok", "正常", "OK"},
    {-7, "seven", "七", "Seven"},
    {-2, "two", NULL, NULL},
    {0x40, "flag", NULL, NULL},
};

static void test_find_by_index_and_by_search(void **state)
{
    (void)state;
    assert_ptr_equal(kofu_word_find(colours, KOFU_WORDS_N(colours), GREEN), &colours[GREEN]);
    assert_ptr_equal(kofu_word_find(colours, KOFU_WORDS_N(colours), RED), &colours[RED]);
    assert_ptr_equal(kofu_word_find(codes, KOFU_WORDS_N(codes), -7), &codes[1]);
    assert_ptr_equal(kofu_word_find(codes, KOFU_WORDS_N(codes), 0x40), &codes[3]);
    /* Index 2 of codes holds -2, not 2: a search, not the index, answers. */
    assert_null(kofu_word_find(codes, KOFU_WORDS_N(codes), 2));
    assert_ptr_equal(kofu_word_find(codes, KOFU_WORDS_N(codes), -2), &codes[2]);
}

static void test_gaps_and_out_of_range(void **state)
{
    (void)state;
    /* The gap is all zeros: code 0 there must not pass for VIOLET nor for RED. */
    assert_null(kofu_word_find(colours, KOFU_WORDS_N(colours), VIOLET));
    assert_null(kofu_word_find(colours, KOFU_WORDS_N(colours), COLOUR__COUNT));
    assert_null(kofu_word_find(colours, KOFU_WORDS_N(colours), -1));
    assert_null(kofu_word_find(colours, 0, RED));
    static const struct kofu_word gap_first[3] = {KOFU_WORD(2, "two", "二", "Two")};
    assert_null(kofu_word_find(gap_first, 3, 0));
    assert_ptr_equal(kofu_word_find(gap_first, 3, 2), &gap_first[2]);
}

static void test_named(void **state)
{
    (void)state;
    assert_ptr_equal(kofu_word_named(codes, KOFU_WORDS_N(codes), "flag"), &codes[3]);
    assert_ptr_equal(kofu_word_named(colours, KOFU_WORDS_N(colours), "blue"), &colours[BLUE]);
    assert_null(kofu_word_named(colours, KOFU_WORDS_N(colours), "Blue"));
    assert_null(kofu_word_named(colours, KOFU_WORDS_N(colours), "blu"));
    assert_null(kofu_word_named(colours, KOFU_WORDS_N(colours), "bluee"));
    assert_null(kofu_word_named(colours, KOFU_WORDS_N(colours), ""));
    assert_null(kofu_word_named(colours, KOFU_WORDS_N(colours), NULL));
}

static void test_name_and_text(void **state)
{
    (void)state;
    const struct kofu_word *g = kofu_word_find(colours, KOFU_WORDS_N(colours), GREEN);
    assert_string_equal(kofu_word_name(g), "green");
    assert_string_equal(kofu_word_text(g, KOFU_LANG_JA), "緑");
    assert_string_equal(kofu_word_text(g, KOFU_LANG_EN), "Green");
    /* Missing words and missing entries read as a mark, never NULL. */
    assert_string_equal(kofu_word_text(&colours[BLUE], KOFU_LANG_EN), "?");
    assert_string_equal(kofu_word_text(&colours[BLUE], KOFU_LANG_JA), "青");
    assert_string_equal(kofu_word_text(NULL, KOFU_LANG_JA), "?");
    assert_string_equal(kofu_word_name(NULL), "unknown");
    static const struct kofu_word nameless = {1, NULL, "名無し", "Nameless"};
    assert_string_equal(kofu_word_name(&nameless), "unknown");
}

/* The lookups a module defines with KOFU_WORDS_LOOKUPS, over colours. */
const char *colour_name(enum colour why);
const char *colour_text(enum colour why, enum kofu_lang lang);
KOFU_WORDS_LOOKUPS(colour_name, colour_text, enum colour, colours)

static const struct kofu_word names_only[2] = {KOFU_NAME(0, "zero"), KOFU_NAME(1, "one")};

static void test_lookup_macros(void **state)
{
    (void)state;
    assert_string_equal(colour_name(GREEN), "green");
    assert_string_equal(colour_text(RED, KOFU_LANG_EN), "Red");
    assert_string_equal(colour_text(RED, KOFU_LANG_JA), "赤");
    /* The gap, the count and values outside the enum: no entry, no read past the table. */
    assert_string_equal(colour_name(VIOLET), "unknown");
    assert_string_equal(colour_name(COLOUR__COUNT), "unknown");
    assert_string_equal(colour_name((enum colour)-1), "unknown");
    assert_string_equal(colour_name((enum colour)1000), "unknown");
    assert_string_equal(colour_text((enum colour)1000, KOFU_LANG_EN), "?");
    assert_string_equal(KOFU_WORDS_NAME(names_only, 0), "zero");
    assert_string_equal(KOFU_WORDS_NAME(names_only, 1), "one");
    assert_string_equal(KOFU_WORDS_NAME(names_only, 2), "unknown");
    assert_string_equal(KOFU_WORDS_TEXT(names_only, 1, KOFU_LANG_JA), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_by_index_and_by_search),
        cmocka_unit_test(test_gaps_and_out_of_range),
        cmocka_unit_test(test_named),
        cmocka_unit_test(test_name_and_text),
        cmocka_unit_test(test_lookup_macros),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
