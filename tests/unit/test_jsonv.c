/*
 * test_jsonv.c — the checks every validator of outside JSON shares
 * (firmware/base/jsonv.h): member look-ups; printable text, refusing the
 * C0 and C1 controls and DEL, and every bidirectional formatting character
 * Unicode lists (UAX #9, "Explicit Directional Embeddings/Overrides/
 * Isolates" and the implicit marks ALM, LRM, RLM) while keeping their
 * neighbours; byte limits; and calendar dates by the Gregorian leap-year
 * rule (2000 and 2024 leap, 1900 and 2023 not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/jsonv.h"

static void test_members(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:s, s:i, s:n, s:s}", "t", "icao.vacc", "v", 1, "z", "e", "");
    assert_non_null(o);
    assert_string_equal(jsonv_str(o, "t"), "icao.vacc");
    assert_null(jsonv_str(o, "v")); /* not a string */
    assert_null(jsonv_str(o, "z"));
    assert_null(jsonv_str(o, "missing"));
    assert_null(jsonv_str(NULL, "t"));
    assert_string_equal(jsonv_str(o, "e"), "");
    assert_true(jsonv_is(o, "t", "icao.vacc"));
    assert_false(jsonv_is(o, "t", "icao.vac"));
    assert_false(jsonv_is(o, "t", "icao.vacc "));
    assert_false(jsonv_is(o, "v", "1"));
    assert_false(jsonv_is(o, "missing", ""));
    json_decref(o);
}

/* The bidirectional formatting characters of UAX #9 (Table 3's explicit
 * ones and the marks), as UTF-8. */
static const char *const BIDI[] = {
    "\xD8\x9C",     /* U+061C ALM */
    "\xE2\x80\x8E", /* U+200E LRM */
    "\xE2\x80\x8F", /* U+200F RLM */
    "\xE2\x80\xAA", /* U+202A LRE */
    "\xE2\x80\xAB", /* U+202B RLE */
    "\xE2\x80\xAC", /* U+202C PDF */
    "\xE2\x80\xAD", /* U+202D LRO */
    "\xE2\x80\xAE", /* U+202E RLO */
    "\xE2\x81\xA6", /* U+2066 LRI */
    "\xE2\x81\xA7", /* U+2067 RLI */
    "\xE2\x81\xA8", /* U+2068 FSI */
    "\xE2\x81\xA9", /* U+2069 PDI */
};

static void test_printable(void **state)
{
    (void)state;
    char s[64];
    assert_true(jsonv_printable("YAMADA TARO", 64));
    assert_true(jsonv_printable("山田\xE3\x80\x80太郎", 64)); /* U+3000 between: a space, not a control */
    assert_true(jsonv_printable("Chiyoda City, Tokyo ~", 64));
    assert_true(jsonv_printable("\xC2\xA0", 64));             /* U+00A0 follows the C1 block */
    assert_true(jsonv_printable("\xE2\x80\xAF", 64));         /* U+202F NNBSP next to RLO */
    assert_true(jsonv_printable("\xE2\x81\xA5", 64));         /* U+2065 (unassigned) next to LRI */
    assert_true(jsonv_printable("\xE2\x80\x8D", 64));         /* U+200D ZWJ next to LRM */
    for (unsigned c = 1; c < 0x20; c++) {
        snprintf(s, sizeof s, "ab%cc", (char)c);
        assert_false(jsonv_printable(s, 64));
    }
    assert_false(jsonv_printable("ab\x7f", 64));
    for (unsigned c = 0x80; c <= 0x9F; c++) {
        snprintf(s, sizeof s, "ab\xC2%c", (char)c);
        assert_false(jsonv_printable(s, 64));
    }
    for (size_t i = 0; i < sizeof BIDI / sizeof BIDI[0]; i++) {
        snprintf(s, sizeof s, "YAMADA%sTARO", BIDI[i]);
        assert_false(jsonv_printable(s, 64));
        assert_false(jsonv_printable(BIDI[i], 64));
        snprintf(s, sizeof s, "A%s", BIDI[i]); /* at the very end */
        assert_false(jsonv_printable(s, 64));
    }
    /* 1..max bytes, counted in bytes of UTF-8. */
    assert_false(jsonv_printable("", 64));
    assert_false(jsonv_printable(NULL, 64));
    assert_true(jsonv_printable("山田", 6));
    assert_false(jsonv_printable("山田", 5));
}

static void test_copy_text(void **state)
{
    (void)state;
    char dst[8];
    memset(dst, 'x', sizeof dst);
    assert_true(jsonv_copy_text(dst, sizeof dst, "FA1234", 100));
    assert_string_equal(dst, "FA1234");
    assert_true(jsonv_copy_text(dst, sizeof dst, "FA12345", 100)); /* 7 bytes and the NUL */
    assert_false(jsonv_copy_text(dst, sizeof dst, "FA123456", 100));
    assert_false(jsonv_copy_text(dst, sizeof dst, "FA1234", 5));
    assert_false(jsonv_copy_text(dst, sizeof dst, "FA\n1", 100));
    assert_false(jsonv_copy_text(dst, sizeof dst, "", 100));
}

static void test_dates(void **state)
{
    (void)state;
    assert_true(jsonv_date_ok("2021-06-01", true));
    assert_true(jsonv_date_ok("20210601", false));
    assert_true(jsonv_date_ok("2000-02-29", true)); /* divisible by 400 */
    assert_true(jsonv_date_ok("2024-02-29", true));
    assert_false(jsonv_date_ok("1900-02-29", true)); /* divisible by 100 */
    assert_false(jsonv_date_ok("2023-02-29", true));
    assert_true(jsonv_date_ok("19000228", false));
    assert_false(jsonv_date_ok("19000229", false));
    assert_true(jsonv_date_ok("2021-12-31", true));
    assert_false(jsonv_date_ok("2021-04-31", true));
    assert_false(jsonv_date_ok("2021-13-01", true));
    assert_false(jsonv_date_ok("2021-00-10", true));
    assert_false(jsonv_date_ok("2021-01-00", true));
    assert_false(jsonv_date_ok("0000-01-01", true));
    assert_true(jsonv_date_ok("0001-01-01", true));
    /* The form: dashes where asked for and nowhere else, digits only. */
    assert_false(jsonv_date_ok("20210601", true));
    assert_false(jsonv_date_ok("2021-06-01", false));
    assert_false(jsonv_date_ok("2021/06/01", true));
    assert_false(jsonv_date_ok("2021-6-01", true));
    assert_false(jsonv_date_ok("2021-06-1 ", true));
    assert_false(jsonv_date_ok("+021-06-01", true));
    assert_false(jsonv_date_ok("2021-0a-01", true));
    assert_false(jsonv_date_ok("2021-06-01T00:00:00Z", true));
    assert_false(jsonv_date_ok("", false));
    assert_false(jsonv_date_ok(NULL, true));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_members),
        cmocka_unit_test(test_printable),
        cmocka_unit_test(test_copy_text),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests_name("jsonv: members, printable text, dates", tests, NULL, NULL);
}
