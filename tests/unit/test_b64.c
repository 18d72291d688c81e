/*
 * test_b64.c — base64 and base64url (firmware/base/b64.h) against the
 * published vectors: RFC 4648 §10 (base64; the same values without padding
 * for base64url, as JOSE writes them) and RFC 7515 Appendix C (a base64url
 * value with '-' and '_'). Then the strict decoder refusing every other
 * spelling: wrong length, padding where it does not belong, characters of
 * the other alphabet, whitespace, non-zero unused bits, a short buffer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/b64.h"

/* RFC 4648 §10. */
static const struct {
    const char *plain, *std, *url;
} RFC4648[] = {
    {"", "", ""},
    {"f", "Zg==", "Zg"},
    {"fo", "Zm8=", "Zm8"},
    {"foo", "Zm9v", "Zm9v"},
    {"foob", "Zm9vYg==", "Zm9vYg"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy"},
};

static void test_rfc4648_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof RFC4648 / sizeof RFC4648[0]; i++) {
        const char *plain = RFC4648[i].plain;
        size_t n = strlen(plain);
        char enc[16];
        uint8_t dec[16];
        size_t len = 99;
        assert_int_equal(b64_encoded_len(n, false), strlen(RFC4648[i].std));
        assert_int_equal(b64_encoded_len(n, true), strlen(RFC4648[i].url));
        assert_true(b64_encode((const uint8_t *)plain, n, enc, sizeof enc, false));
        assert_string_equal(enc, RFC4648[i].std);
        assert_true(b64_encode((const uint8_t *)plain, n, enc, sizeof enc, true));
        assert_string_equal(enc, RFC4648[i].url);
        assert_true(b64_decode(RFC4648[i].std, strlen(RFC4648[i].std), dec, sizeof dec, &len, false));
        assert_int_equal(len, n);
        assert_memory_equal(dec, plain, n);
        len = 99;
        assert_true(b64_decode(RFC4648[i].url, strlen(RFC4648[i].url), dec, sizeof dec, &len, true));
        assert_int_equal(len, n);
        assert_memory_equal(dec, plain, n);
    }
}

/* RFC 7515 Appendix C: [3, 236, 255, 224, 193] is "A-z_4ME"; in base64
 * the same bytes are "A+z/4ME=". */
static void test_rfc7515_url_alphabet(void **state)
{
    (void)state;
    static const uint8_t bytes[] = {3, 236, 255, 224, 193};
    char enc[16];
    uint8_t dec[8];
    size_t len = 0;
    assert_true(b64_encode(bytes, sizeof bytes, enc, sizeof enc, true));
    assert_string_equal(enc, "A-z_4ME");
    assert_true(b64_encode(bytes, sizeof bytes, enc, sizeof enc, false));
    assert_string_equal(enc, "A+z/4ME=");
    assert_true(b64_decode("A-z_4ME", 7, dec, sizeof dec, &len, true));
    assert_int_equal(len, sizeof bytes);
    assert_memory_equal(dec, bytes, sizeof bytes);
    assert_true(b64_decode("A+z/4ME=", 8, dec, sizeof dec, &len, false));
    assert_memory_equal(dec, bytes, sizeof bytes);
    /* Each alphabet refuses the other's two characters. */
    assert_false(b64_decode("A+z/4ME", 7, dec, sizeof dec, &len, true));
    assert_false(b64_decode("A-z_4ME=", 8, dec, sizeof dec, &len, false));
    assert_true(b64_is_char('-', true) && b64_is_char('_', true));
    assert_false(b64_is_char('+', true) || b64_is_char('/', true) || b64_is_char('=', true));
    assert_true(b64_is_char('+', false) && b64_is_char('/', false));
    assert_false(b64_is_char('-', false) || b64_is_char('=', false) || b64_is_char('.', false));
}

static bool decodes(const char *s, bool url)
{
    uint8_t out[32];
    size_t len = 0;
    return b64_decode(s, strlen(s), out, sizeof out, &len, url);
}

static void test_strict_decoding(void **state)
{
    (void)state;
    /* base64: length a multiple of 4, padding only at the end, at most two. */
    assert_false(decodes("Zg=", false));
    assert_false(decodes("Zg", false));
    assert_false(decodes("Zm9", false));
    assert_false(decodes("Zg==Zg==", false));
    assert_false(decodes("Z===", false));
    assert_false(decodes("====", false));
    assert_false(decodes("Zm9v\n", false));
    assert_false(decodes("Zm9 v", false));
    assert_false(decodes("Zm9vYmFy ", false));
    /* Non-zero unused bits: a second spelling of "f", "fo". */
    assert_true(decodes("Zg==", false));
    assert_false(decodes("Zh==", false));
    assert_false(decodes("Zm9=", false));
    /* base64url: no padding, no length 4k+1. */
    assert_false(decodes("Zg==", true));
    assert_false(decodes("Zm8=", true));
    assert_false(decodes("Zm9vY", true));
    assert_false(decodes("Z", true));
    assert_false(decodes("Zh", true));
    assert_false(decodes("Zm9", true));
    assert_false(decodes("Zm 9v", true));
    assert_false(decodes("Zm9v.", true));
}

static void test_buffers(void **state)
{
    (void)state;
    char enc[9];
    uint8_t dec[6];
    size_t len = 0;
    /* The encoder needs room for the NUL too. */
    assert_false(b64_encode((const uint8_t *)"foobar", 6, enc, 8, false));
    assert_true(b64_encode((const uint8_t *)"foobar", 6, enc, 9, false));
    assert_false(b64_encode((const uint8_t *)"fooba", 5, enc, 7, true));
    assert_true(b64_encode((const uint8_t *)"fooba", 5, enc, 8, true));
    assert_string_equal(enc, "Zm9vYmE");
    /* The decoder writes at most cap bytes. */
    memset(dec, 0x5a, sizeof dec);
    assert_false(b64_decode("Zm9vYmFy", 8, dec, 5, &len, false));
    assert_false(b64_decode("Zm9vYmFy", 8, dec, 5, &len, true));
    assert_int_equal(dec[5], 0x5a);
    assert_true(b64_decode("Zm9vYmFy", 8, dec, 6, &len, true));
    assert_int_equal(len, 6);
    /* Only n characters are read: what follows does not count. */
    assert_true(b64_decode("Zm9v!!!!", 4, dec, sizeof dec, &len, false));
    assert_int_equal(len, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_rfc7515_url_alphabet),
        cmocka_unit_test(test_strict_decoding),
        cmocka_unit_test(test_buffers),
    };
    return cmocka_run_group_tests_name("b64: RFC 4648 and RFC 7515 vectors, strict decoding", tests, NULL, NULL);
}
