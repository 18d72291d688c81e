/*
 * test_jcs.c — the JSON Canonicalization Scheme (firmware/base/jcs.h)
 * against RFC 8785's own examples: the sorting example of §3.2.3 (member
 * names ordered by UTF-16 code units, where UTF-8 byte order would differ),
 * the string and literal parts of §3.2.2's example, and the rows of
 * Appendix B that are integers. kofu refuses real numbers, so §3.2.2's
 * numbers are shown refused; so are integers a double cannot hold exactly
 * (a conformant signer would have rounded them), nesting past 32, and a
 * full buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/bytes.h"
#include "base/jcs.h"

static uint8_t buf[4096];

/* The canonical form of JSON text, NUL-terminated in buf; NULL if refused. */
static const char *canon(const char *json)
{
    json_error_t e;
    json_t *v = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    assert_non_null(v);
    kofu_bld b;
    bld_init(&b, buf, sizeof buf - 1);
    bool ok = jcs_serialize(v, &b);
    json_decref(v);
    if (!ok)
        return NULL;
    buf[b.len] = '\0';
    return (const char *)buf;
}

/* RFC 8785 §3.2.3. */
static void test_rfc8785_sorting(void **state)
{
    (void)state;
    const char *in = "{\n"
                     "  \"\\u20ac\": \"Euro Sign\",\n"
                     "  \"\\r\": \"Carriage Return\",\n"
                     "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
                     "  \"1\": \"One\",\n"
                     "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
                     "  \"\\u0080\": \"Control\",\n"
                     "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
                     "}";
    /* The RFC's order: \r, 1, U+0080, ö, €, 😀 (D83D DE00), דּ (FB33) — the
     * emoji before U+FB33 although its UTF-8 bytes (F0…) sort after (EF…). */
    assert_string_equal(canon(in), "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
                                   "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
                                   "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
                                   "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

/* RFC 8785 §3.2.2: the whole example has real numbers (refused here); its
 * string and literals come out as the RFC's output has them. */
static void test_rfc8785_strings_and_literals(void **state)
{
    (void)state;
    const char *numbers = "{\n"
                          "  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                          "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                          "  \"literals\": [null, true, false]\n"
                          "}";
    assert_null(canon(numbers));
    const char *rest = "{\n"
                       "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                       "  \"literals\": [null, true, false]\n"
                       "}";
    assert_string_equal(canon(rest), "{\"literals\":[null,true,false],"
                                     "\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    /* Every control character: the short escapes, the rest as \u00xx. */
    assert_string_equal(canon("\"\\b\\f\\n\\r\\t\\u0000\\u001f\\u007f\""), "\"\\b\\f\\n\\r\\t\\u0000\\u001f\x7f\"");
}

/* RFC 8785 Appendix B's integer rows: 0, -0, ±2^53. */
static void test_rfc8785_integers(void **state)
{
    (void)state;
    assert_string_equal(canon("0"), "0");
    assert_string_equal(canon("-0"), "0");
    assert_string_equal(canon("9007199254740992"), "9007199254740992");
    assert_string_equal(canon("-9007199254740992"), "-9007199254740992");
    assert_string_equal(canon("[1,-1,100]"), "[1,-1,100]");
    /* Past 2^53 a double rounds (2^53 + 1 becomes 2^53 in a conformant
     * signer): refused rather than canonicalised differently. */
    assert_null(canon("9007199254740993"));
    assert_null(canon("-9007199254740993"));
    assert_null(canon("9223372036854775807"));
    /* Reals, even integral ones, are refused. */
    assert_null(canon("1.0"));
    assert_null(canon("1e2"));
    assert_null(canon("[1, 4.5]"));
}

static void test_structure(void **state)
{
    (void)state;
    /* Nested objects sorted, arrays kept in order, no whitespace. */
    assert_string_equal(canon("{ \"b\" : [ {\"z\":1, \"a\":2}, [] ], \"a\" : { } }"),
                        "{\"a\":{},\"b\":[{\"a\":2,\"z\":1},[]]}");
    /* A name that is a prefix of another sorts first. */
    assert_string_equal(canon("{\"ab\":1,\"a\":2}"), "{\"a\":2,\"ab\":1}");
    /* The outermost value and 32 levels nested in it are fine, 33 are not. */
    char deep[128];
    memset(deep, '[', 34);
    memset(deep + 34, ']', 34);
    deep[68] = '\0';
    assert_null(canon(deep));
    deep[67] = '\0';
    assert_non_null(canon(deep + 1));
}

static void test_bad_calls(void **state)
{
    (void)state;
    uint8_t small[8];
    kofu_bld b;
    bld_init(&b, small, sizeof small);
    json_t *v = json_pack("{s:s}", "name", "value");
    assert_false(jcs_serialize(v, &b)); /* {"name":"value"} is 16 bytes */
    bld_init(&b, small, sizeof small);
    assert_false(jcs_serialize(NULL, &b));
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8785_sorting),
        cmocka_unit_test(test_rfc8785_strings_and_literals),
        cmocka_unit_test(test_rfc8785_integers),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_bad_calls),
    };
    return cmocka_run_group_tests_name("jcs: RFC 8785's examples", tests, NULL, NULL);
}
