/*
 * test_center_config.c — the kiosk's parser of the center's /config
 * (firmware/center/center.c, docs/center-protocol.md §2), for its terms of use:
 * required, the version a short token, the texts capped and free of
 * control characters but line feeds. A configuration without valid terms
 * is refused as a whole (the kiosk stays out of service). And the largest
 * configuration the protocol allows fits the kiosk's cap on /config.
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
    "{\"protocol\":2,\"service_hours\":{\"open\":\"06:30\",\"close\":\"23:00\",\"timezone\":\"Asia/Tokyo\"},"   \
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

/* A kiosk of protocol 2 takes only protocol 2's configuration: protocol 1's
 * (from /kofu/v1/, or a center that serves it under /kofu/v2/) would let it
 * send a `passport` member that center refuses. */
static void test_protocol_is_2(void **state)
{
    (void)state;
    struct center_config c;
    static const char terms[] = ",\"terms\":{\"version\":\"v1\",\"ja\":\"a\",\"en\":\"b\"}}";
    char body[1024];
    for (int p = 0; p <= 3; p++) {
        int n = snprintf(body, sizeof body, "%s%s", HEAD, terms);
        assert_true(n > 0 && (size_t)n < sizeof body);
        body[12] = (char)('0' + p); /* {"protocol":N */
        int rc = center_parse_config((const uint8_t *)body, (size_t)n, &c);
        assert_int_equal(rc, p == CENTER_PROTOCOL ? KOFU_OK : KOFU_E_CENTER_RESPONSE);
        if (rc == KOFU_OK)
            center_config_free(&c);
    }
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

/* A valid local government code: five digits and their check digit. */
static void code_for(int n, char code[7])
{
    snprintf(code, 7, "%05d", n);
    int sum = 0;
    for (int i = 0; i < 5; i++)
        sum += (code[i] - '0') * (6 - i);
    code[5] = (char)('0' + (11 - sum % 11) % 10);
    code[6] = '\0';
}

/* The largest configuration the protocol allows, as a center may write it:
 * `count` municipalities whose names are 64 bytes of 4-byte characters
 * (U+20BB7), every one escaped (\uD842\uDFB7: 12 bytes for 4), and terms
 * of 16384 bytes each, escaped the same way. Into a malloc'd body. */
static char *largest_config(int count, size_t *len)
{
    static const char ch[] = "\\uD842\\uDFB7"; /* one escaped U+20BB7, as JSON text */
    char name[16 * 12 + 1] = "", *terms = malloc(4096 * 12 + 1);
    assert_non_null(terms);
    for (int i = 0; i < 16; i++)
        strcat(name, ch);
    for (int i = 0; i < 4096; i++)
        memcpy(terms + 12 * i, ch, 12);
    terms[4096 * 12] = '\0';
    size_t cap = (size_t)count * 512 + 2 * sizeof ch * 4096 + 1024;
    char *body = malloc(cap);
    assert_non_null(body);
    size_t n = (size_t)snprintf(body, cap,
                                "{\"protocol\":2,\"service_hours\":{\"open\":\"06:30\",\"close\":\"23:00\","
                                "\"timezone\":\"Asia/Tokyo\"},\"fee_per_copy_yen\":120,\"max_copies\":5,"
                                "\"municipalities\":[");
    for (int i = 0; i < count; i++) {
        char code[7];
        code_for(10000 + i, code);
        n += (size_t)snprintf(body + n, cap - n, "%s{\"code\":\"%s\",\"name_ja\":\"%s\",\"name_en\":\"%s\"}",
                              i ? "," : "", code, name, name);
    }
    n += (size_t)snprintf(body + n, cap - n, "],\"terms\":{\"version\":\"2026-12-01\",\"ja\":\"%s\",\"en\":\"%s\"}}",
                          terms, terms);
    assert_true(n < cap);
    free(terms);
    *len = n;
    return body;
}

/* Every configuration within the protocol's limits fits the kiosk's cap
 * for /config, even written as large as a center may write it; the cap
 * of the other answers would not hold it. */
static void test_largest_config_fits(void **state)
{
    (void)state;
    size_t len;
    char *body = largest_config(CENTER_MUNICIPALITIES_MAX, &len);
    assert_true(len <= CENTER_CONFIG_RESPONSE_MAX);
    assert_true(len > CENTER_RESPONSE_MAX);
    struct center_config c;
    assert_int_equal(center_parse_config((const uint8_t *)body, len, &c), KOFU_OK);
    assert_int_equal(c.n_municipalities, CENTER_MUNICIPALITIES_MAX);
    for (size_t i = 0; i < c.n_municipalities; i++)
        assert_int_equal(strlen(c.municipalities[i].name_ja), CENTER_NAME_MAX);
    assert_memory_equal(c.municipalities[1999].name_en, "\xF0\xA0\xAE\xB7", 4);
    assert_int_equal(strlen(c.terms.ja), CENTER_TERMS_TEXT_MAX);
    center_config_free(&c);
    free(body);
    /* One municipality more than the protocol allows is refused. */
    body = largest_config(CENTER_MUNICIPALITIES_MAX + 1, &len);
    assert_int_equal(center_parse_config((const uint8_t *)body, len, &c), KOFU_E_CENTER_RESPONSE);
    assert_null(c.municipalities);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms_taken),
        cmocka_unit_test(test_protocol_is_2),
        cmocka_unit_test(test_terms_required_and_checked),
        cmocka_unit_test(test_terms_text_cap),
        cmocka_unit_test(test_terms_line_cap),
        cmocka_unit_test(test_largest_config_fits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
