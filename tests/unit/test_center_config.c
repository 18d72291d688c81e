/*
 * test_center_config.c — the kiosk's parser of the center's /config
 * (firmware/center/center.c, docs/center-protocol.md §2), for its terms of use:
 * required, the version a short token, the texts capped and free of
 * control characters but line feeds. A configuration without valid terms
 * is refused as a whole (the kiosk stays out of service).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "center/center.h"
#include "base/errors.h"

#define HEAD                                                                                                       \
    "{\"protocol\":1,\"service_hours\":{\"open\":\"06:30\",\"close\":\"23:00\",\"timezone\":\"Asia/Tokyo\"},"   \
    "\"fee_per_copy_yen\":120,\"max_copies\":5,"                                                                  \
    "\"municipalities\":[{\"code\":\"131016\",\"name_ja\":\"千代田区\",\"name_en\":\"Chiyoda City\"}]"

/* A configuration whose terms member is `terms` (NULL: none). */
static int parse_with(const char *terms, struct center_config *out)
{
    static char body[3 * CENTER_TERMS_TEXT_MAX];
    int n = terms ? snprintf(body, sizeof body, "%s,\"terms\":%s}", HEAD, terms) : snprintf(body, sizeof body, "%s}", HEAD);
    assert_true(n > 0 && (size_t)n < sizeof body);
    return center_parse_config((const uint8_t *)body, (size_t)n, out);
}

static void expect_refused(const char *terms)
{
    struct center_config c;
    if (parse_with(terms, &c) != KOFU_E_CENTER_RESPONSE)
        fail_msg("accepted: %.200s", terms ? terms : "(no terms)");
    assert_null(c.terms.ja);
    assert_null(c.municipalities);
}

static void test_terms_taken(void **state)
{
    (void)state;
    struct center_config c;
    assert_int_equal(parse_with("{\"version\":\"2026-12-01.v2_a\",\"ja\":\"第1条\\n第2条\",\"en\":\"1.\\n2.\"}", &c),
                     KOFU_OK);
    assert_string_equal(c.terms.version, "2026-12-01.v2_a");
    assert_string_equal(c.terms.ja, "第1条\n第2条");
    assert_string_equal(c.terms.en, "1.\n2.");
    assert_int_equal(c.n_municipalities, 1);
    center_config_free(&c);
    assert_null(c.terms.ja); /* freed and cleared */
}

static void test_terms_required_and_checked(void **state)
{
    (void)state;
    expect_refused(NULL);
    expect_refused("\"2026-12-01\"");
    expect_refused("{\"ja\":\"a\",\"en\":\"b\"}");
    expect_refused("{\"version\":\"v1\",\"en\":\"b\"}");
    expect_refused("{\"version\":\"v1\",\"ja\":\"a\"}");
    expect_refused("{\"version\":\"\",\"ja\":\"a\",\"en\":\"b\"}");
    expect_refused("{\"version\":\"v 1\",\"ja\":\"a\",\"en\":\"b\"}");
    expect_refused("{\"version\":\"版1\",\"ja\":\"a\",\"en\":\"b\"}");
    expect_refused("{\"version\":\"123456789012345678901234567890123\",\"ja\":\"a\",\"en\":\"b\"}"); /* 33 */
    expect_refused("{\"version\":1,\"ja\":\"a\",\"en\":\"b\"}");
    expect_refused("{\"version\":\"v1\",\"ja\":\"\",\"en\":\"b\"}");
    expect_refused("{\"version\":\"v1\",\"ja\":\"a\\u0000b\",\"en\":\"b\"}");
    expect_refused("{\"version\":\"v1\",\"ja\":\"a\\tb\",\"en\":\"b\"}");
    expect_refused("{\"version\":\"v1\",\"ja\":\"a\",\"en\":\"b\\u001b[2J\"}");
    expect_refused("{\"version\":\"v1\",\"ja\":\"a\",\"en\":\"b\\u007f\"}");
    /* 32 characters is the longest version. */
    struct center_config c;
    assert_int_equal(parse_with("{\"version\":\"12345678901234567890123456789012\",\"ja\":\"a\",\"en\":\"b\"}", &c),
                     KOFU_OK);
    center_config_free(&c);
    assert_true(center_terms_version_valid("a.B-9_"));
    assert_false(center_terms_version_valid(NULL));
}

static void test_terms_text_cap(void **state)
{
    (void)state;
    static char terms[2 * CENTER_TERMS_TEXT_MAX];
    char *text = malloc(CENTER_TERMS_TEXT_MAX + 2);
    assert_non_null(text);
    memset(text, 'x', CENTER_TERMS_TEXT_MAX);
    text[CENTER_TERMS_TEXT_MAX] = '\0';
    struct center_config c;
    snprintf(terms, sizeof terms, "{\"version\":\"v1\",\"ja\":\"%s\",\"en\":\"b\"}", text);
    assert_int_equal(parse_with(terms, &c), KOFU_OK); /* exactly the cap */
    assert_int_equal(strlen(c.terms.ja), CENTER_TERMS_TEXT_MAX);
    center_config_free(&c);
    text[CENTER_TERMS_TEXT_MAX] = 'x';
    text[CENTER_TERMS_TEXT_MAX + 1] = '\0';
    snprintf(terms, sizeof terms, "{\"version\":\"v1\",\"ja\":\"a\",\"en\":\"%s\"}", text);
    expect_refused(terms); /* one byte over */
    free(text);
}

/* Lines are capped too (the screen's pages hold any text within both caps):
 * CENTER_TERMS_LINES_MAX lines taken, one more refused, in either language. */
static void test_terms_line_cap(void **state)
{
    (void)state;
    static char terms[8 * CENTER_TERMS_LINES_MAX + 64], text[4 * CENTER_TERMS_LINES_MAX + 8];
    size_t j = 0;
    for (int i = 0; i < CENTER_TERMS_LINES_MAX - 1; i++) {
        memcpy(text + j, "x\\n", 3); /* a JSON "\n" */
        j += 3;
    }
    memcpy(text + j, "x", 2);
    struct center_config c;
    snprintf(terms, sizeof terms, "{\"version\":\"v1\",\"ja\":\"%s\",\"en\":\"%s\"}", text, text);
    assert_int_equal(parse_with(terms, &c), KOFU_OK); /* exactly the cap */
    size_t lines = 1;
    for (const char *p = c.terms.en; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, CENTER_TERMS_LINES_MAX);
    center_config_free(&c);
    memcpy(text + j, "\\n", 3); /* a line feed more: one line over */
    snprintf(terms, sizeof terms, "{\"version\":\"v1\",\"ja\":\"%s\",\"en\":\"b\"}", text);
    expect_refused(terms);
    snprintf(terms, sizeof terms, "{\"version\":\"v1\",\"ja\":\"a\",\"en\":\"%s\"}", text);
    expect_refused(terms);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms_taken),
        cmocka_unit_test(test_terms_required_and_checked),
        cmocka_unit_test(test_terms_text_cap),
        cmocka_unit_test(test_terms_line_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
