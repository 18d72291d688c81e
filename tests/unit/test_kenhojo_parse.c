/*
 * test_kenhojo_parse.c — the Kenhojo file parsers and the My Number check
 * digit, on docs/card.md's worked example and on
 * layouts built with the builder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/kcrypto.h"
#include "card/kenhojo.h"
#include "kenhojo_testfiles.h"

static void hex32(const char *hex, uint8_t out[32])
{
    for (size_t i = 0; i < 32; i++) {
        char two[3] = {hex[2 * i], hex[2 * i + 1], 0};
        out[i] = (uint8_t)strtoul(two, NULL, 16);
    }
}

/* True when [p, p+n) lies inside [base, base+len). */
static bool inside(const uint8_t *base, size_t len, kofu_cur c)
{
    const uint8_t *p = cur_data(&c);
    size_t n = cur_len(&c);
    return n == 0 || (p >= base && p <= base + len && n <= (size_t)(base + len - p));
}

/* ---- the check digit ---- */

static void test_my_number_check_digit(void **state)
{
    (void)state;
    /* Worked by hand: weights 2..7 then 2..6 from the right over the first
     * eleven digits; r = sum mod 11; check = r <= 1 ? 0 : 11 - r.
     *   53768667718|8: 8*2+1*3+7*4+7*5+6*6+6*7+8*2+6*3+7*4+3*5+5*6 = 267, r 3 -> 8
     *   12345678901|8: 1*2+0*3+9*4+8*5+7*6+6*7+5*2+4*3+3*4+2*5+1*6 = 212, r 3 -> 8
     *   00000000000|0: sum 0, r 0 -> 0
     *   00000000001|9: 1*2 = 2, r 2 -> 9
     *   00000000010|8: 1*3 = 3, r 3 -> 8
     *   10000000000|5: 1*6 = 6, r 6 -> 5
     *   00000100000|4: 1*7 (6th from the right), r 7 -> 4
     *   99999999999|6: 9*(2+3+4+5+6+7+2+3+4+5+6) = 9*47 = 423, r 423-418 = 5 -> 6
     *   00000000006|0: 6*2 = 12, r 1 -> 0 (the r == 1 case)
     *   00000000015|0: 5*2+1*3 = 13, r 2 -> 9                                */
    static const struct {
        const char *d;
        bool ok;
    } cases[] = {
        {"537686677188", true},  {"537686677187", false}, {"537686677189", false},
        {"123456789018", true},  {"123456789010", false}, {"000000000000", true},
        {"000000000019", true},  {"000000000018", false}, {"000000000108", true},
        {"100000000005", true},  {"999999999996", true},  {"999999999993", false},
        {"000000000060", true},  {"000000000061", false}, {"000000000159", true},
        {"000001000004", true},  {"000001000007", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (kenhojo_my_number_valid(cases[i].d) != cases[i].ok)
            fail_msg("%s: expected %s", cases[i].d, cases[i].ok ? "valid" : "invalid");
}

static void test_my_number_valid_refuses_non_digits_and_length(void **state)
{
    (void)state;
    /* 13-character buffers (12 + NUL) or longer only: the function reads d[0..12]. */
    assert_false(kenhojo_my_number_valid("53768667718A"));
    assert_false(kenhojo_my_number_valid("5376866771 8"));
    assert_false(kenhojo_my_number_valid("A37686677188"));
    assert_false(kenhojo_my_number_valid("5376866771888")); /* 13 digits */
    assert_false(kenhojo_my_number_valid("537686677188 "));
    /* ':' is '0' + 10: never a check digit (r = 1 gives 0, not 10). */
    assert_false(kenhojo_my_number_valid("00000000006:"));
}

/* Regression: kenhojo_my_number_valid once read d[10] first, past the end
 * of a shorter string. Here "123" sits at the very end of a page followed by
 * an inaccessible page: it must return false, not fault. */
static void test_my_number_valid_short_string_no_overread(void **state)
{
    (void)state;
    size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    uint8_t *m = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    assert_int_equal(mprotect(m + ps, ps, PROT_NONE), 0);
    char *s = (char *)m + ps - 4;
    memcpy(s, "123", 4);
    bool ok = kenhojo_my_number_valid(s);
    munmap(m, 2 * ps);
    assert_false(ok);
}

/* ---- EF 0001 ---- */

static void test_ef0001_hash_vector(void **state)
{
    (void)state;
    uint8_t ef[TF_EF0001_LEN], h[32], want[32];
    assert_int_equal(tf_ef0001(ef, sizeof ef, "537686677188"), 17);
    static const uint8_t bytes[17] = {0xFF, 0x10, 0x0C, '5', '3', '7', '6', '8', '6',
                                      '6', '7', '7', '1', '8', '8', 0xFF, 0xFF};
    assert_memory_equal(ef, bytes, 17);
    assert_true(kcrypto_sha256(ef, sizeof ef, h));
    hex32("6d5a4c1ef9ab15bf506862d7e66b9c0f179ca065bc936c8e634e9e57449ca9cd", want);
    assert_memory_equal(h, want, 32);
    /* Not the hash of the trimmed 15 bytes. */
    assert_true(kcrypto_sha256(ef, 15, h));
    assert_memory_not_equal(h, want, 32);
}

static void test_ef0001_parse(void **state)
{
    (void)state;
    uint8_t ef[TF_EF0001_LEN];
    char out[KENHOJO_MY_NUMBER_LEN + 1];
    /* The published test card's number (docs/card.md) passes the check digit. */
    assert_true(kenhojo_my_number_valid("537686677188"));
    tf_ef0001(ef, sizeof ef, "537686677188");
    memset(out, 'x', sizeof out);
    assert_int_equal(kenhojo_parse_my_number(ef, sizeof ef, out), KOFU_OK);
    assert_string_equal(out, "537686677188");
    tf_ef0001(ef, sizeof ef, "123456789018");
    assert_int_equal(kenhojo_parse_my_number(ef, sizeof ef, out), KOFU_OK);
    assert_string_equal(out, "123456789018");
    /* Without the filler (15 bytes) too. */
    assert_int_equal(kenhojo_parse_my_number(ef, 15, out), KOFU_OK);
    assert_string_equal(out, "123456789018");
}

static void test_ef0001_refused(void **state)
{
    (void)state;
    uint8_t ef[64];
    char out[KENHOJO_MY_NUMBER_LEN + 1];
    /* Wrong check digit: refused, and the output wiped. */
    tf_ef0001(ef, sizeof ef, "123456789010");
    assert_int_equal(kenhojo_parse_my_number(ef, 17, out), KOFU_E_CARD_DATA);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0);
    /* Non-digit. */
    tf_ef0001(ef, sizeof ef, "12345678901A");
    assert_int_equal(kenhojo_parse_my_number(ef, 17, out), KOFU_E_CARD_DATA);
    /* Truncated anywhere inside the TLV. */
    tf_ef0001(ef, sizeof ef, "123456789018");
    for (size_t n = 0; n < 15; n++)
        assert_int_equal(kenhojo_parse_my_number(ef, n, out), KOFU_E_CARD_DATA);
    /* Wrong tag. */
    ef[1] = 0x11;
    assert_int_equal(kenhojo_parse_my_number(ef, 17, out), KOFU_E_CARD_DATA);
    /* 11 or 13 digits. */
    static const uint8_t d11[] = {0xFF, 0x10, 0x0B, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '1'};
    assert_int_equal(kenhojo_parse_my_number(d11, sizeof d11, out), KOFU_E_CARD_DATA);
    static const uint8_t d13[] = {0xFF, 0x10, 0x0D, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '1', '8', '0'};
    assert_int_equal(kenhojo_parse_my_number(d13, sizeof d13, out), KOFU_E_CARD_DATA);
    /* Long-form length is fine. */
    static const uint8_t lf[] = {0xFF, 0x10, 0x82, 0x00, 0x0C, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '1', '8'};
    assert_int_equal(kenhojo_parse_my_number(lf, sizeof lf, out), KOFU_OK);
    /* More than 16 bytes after the TLV: refused. */
    memset(ef, 0xFF, sizeof ef);
    tf_ef0001(ef, sizeof ef, "123456789018");
    assert_int_equal(kenhojo_parse_my_number(ef, 15 + 16, out), KOFU_OK);
    assert_int_equal(kenhojo_parse_my_number(ef, 15 + 17, out), KOFU_E_CARD_DATA);
}

/* Regression: only filler (FF or 00) may follow the EF 0001 TLV. */
static void test_ef0001_trailing_garbage_refused(void **state)
{
    (void)state;
    uint8_t ef[17];
    char out[KENHOJO_MY_NUMBER_LEN + 1];
    tf_ef0001(ef, sizeof ef, "123456789018");
    ef[15] = 'A';
    ef[16] = 'B';
    assert_int_equal(kenhojo_parse_my_number(ef, sizeof ef, out), KOFU_E_CARD_DATA);
}

/* ---- EF 0002 ---- */

static void test_ef0002_worked_example(void **state)
{
    (void)state;
    uint8_t ef[TF_EF0002_EXAMPLE_LEN];
    struct kenhojo_attributes a;
    assert_int_equal(tf_ef0002_example(ef, sizeof ef), 104);
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ef, &a), KOFU_OK);
    assert_string_equal(a.name, "黒桐　幹也");
    assert_string_equal(a.name, TF_EXAMPLE_NAME);
    assert_string_equal(a.address, "東京都清瀬市観布子南１２－７－２０２");
    assert_string_equal(a.birth_date, "19800217");
    assert_int_equal(a.sex, '1');
    /* hashed = file bytes 14..103 (DF22 to the end of FF20). */
    assert_ptr_equal(cur_data(&a.hashed), ef + 14);
    assert_int_equal(cur_len(&a.hashed), 90);
    uint8_t h[32], want[32];
    assert_true(kcrypto_sha256(cur_data(&a.hashed), cur_len(&a.hashed), h));
    hex32("b9e0d09427b23b1d4beda2848512b4103752dc2667e51f9712872d65f472cb3b", want);
    assert_memory_equal(h, want, 32);
}

static void test_ef0002_builder_matches_example(void **state)
{
    (void)state;
    uint8_t ex[TF_EF0002_EXAMPLE_LEN], built[512];
    tf_ef0002_example(ex, sizeof ex);
    struct tf_attrs at = {TF_EXAMPLE_NAME, TF_EXAMPLE_ADDRESS, "19800217", (const uint8_t *)"1", 1,
                          false, false, false, false, false, NULL, 0};
    size_t n = tf_ef0002(built, sizeof built, &at);
    assert_int_equal(n, sizeof ex);
    assert_memory_equal(built, ex, sizeof ex);
}

static void hash_of(const struct kenhojo_attributes *a, uint8_t h[32])
{
    assert_true(kcrypto_sha256(cur_data(&a->hashed), cur_len(&a->hashed), h));
}

static void test_ef0002_long_forms(void **state)
{
    (void)state;
    uint8_t ex[TF_EF0002_EXAMPLE_LEN], ef[512];
    struct kenhojo_attributes a, b;
    uint8_t h_ex[32], h_b[32];
    tf_ef0002_example(ex, sizeof ex);
    assert_int_equal(kenhojo_parse_attributes(ex, sizeof ex, &a), KOFU_OK);
    hash_of(&a, h_ex);

    /* 82 form on FF20 only: the same DF22..DF25 bytes, so the same hash. */
    struct tf_attrs at = {TF_EXAMPLE_NAME, TF_EXAMPLE_ADDRESS, "19800217", (const uint8_t *)"1", 1,
                          true, false, false, false, false, NULL, 0};
    size_t n = tf_ef0002(ef, sizeof ef, &at);
    assert_int_equal(n, 106);
    assert_int_equal(ef[2], 0x82);
    assert_int_equal(kenhojo_parse_attributes(ef, n, &b), KOFU_OK);
    assert_string_equal(b.name, a.name);
    assert_string_equal(b.address, a.address);
    assert_string_equal(b.birth_date, a.birth_date);
    assert_int_equal(b.sex, a.sex);
    assert_ptr_equal(cur_data(&b.hashed), ef + 16);
    hash_of(&b, h_b);
    assert_memory_equal(h_b, h_ex, 32);

    /* 82 forms on FF20, DF22 and DF23 (and DF24): same values. */
    at.long_name = at.long_address = at.long_birth = true;
    n = tf_ef0002(ef, sizeof ef, &at);
    assert_int_equal(n, 112);
    assert_int_equal(kenhojo_parse_attributes(ef, n, &b), KOFU_OK);
    assert_string_equal(b.name, a.name);
    assert_string_equal(b.address, a.address);
    assert_string_equal(b.birth_date, "19800217");
    assert_int_equal(b.sex, '1');
    assert_int_equal(cur_len(&b.hashed), 96);
    /* The DF21 table the builder wrote points at the objects. */
    assert_int_equal((ef[8] << 8) | ef[9], 16);
    assert_int_equal(ef[16], 0xDF);
    assert_int_equal(ef[17], 0x22);

    /* A long address (> 127 bytes) needs 81/82 on DF23 and FF20. */
    char addr[400] = "";
    for (int i = 0; i < 40; i++)
        strcat(addr, "東京");
    at = (struct tf_attrs){TF_EXAMPLE_NAME, addr, "19800217", (const uint8_t *)"2", 1,
                           false, false, false, false, false, NULL, 0};
    n = tf_ef0002(ef, sizeof ef, &at);
    assert_true(n > 0);
    assert_int_equal(kenhojo_parse_attributes(ef, n, &b), KOFU_OK);
    assert_string_equal(b.address, addr);
    assert_int_equal(b.sex, '2');
}

static void test_ef0002_filler(void **state)
{
    (void)state;
    uint8_t ef[512];
    struct kenhojo_attributes a;
    static const uint8_t ok_fill[] = {0x00, 0xFF, 0xFF, 0x00};
    struct tf_attrs at = {TF_EXAMPLE_NAME, TF_EXAMPLE_ADDRESS, "19800217", (const uint8_t *)"1", 1,
                          false, false, false, false, false, ok_fill, sizeof ok_fill};
    size_t n = tf_ef0002(ef, sizeof ef, &at);
    assert_int_equal(kenhojo_parse_attributes(ef, n, &a), KOFU_OK);
    /* The filler is inside FF20, so it is part of the hashed span. */
    assert_int_equal(cur_len(&a.hashed), 90 + sizeof ok_fill);
    assert_string_equal(a.birth_date, "19800217");

    static const uint8_t bad_fills[][2] = {{0x00, 0x01}, {0x20, 0x00}, {0xFE, 0xFF}, {0xDF, 0x26}};
    for (size_t i = 0; i < sizeof bad_fills / sizeof bad_fills[0]; i++) {
        at.filler = bad_fills[i];
        at.filler_len = 2;
        n = tf_ef0002(ef, sizeof ef, &at);
        memset(&a, 0x5A, sizeof a);
        assert_int_equal(kenhojo_parse_attributes(ef, n, &a), KOFU_E_CARD_DATA);
        /* The output is wiped on refusal (no half-parsed resident data). */
        assert_int_equal(a.name[0], 0);
        assert_int_equal(a.sex, 0);
    }
    /* A whole extra TLV after DF25 is not filler either. */
    static const uint8_t extra[] = {0xDF, 0x26, 0x01, 0x31};
    at.filler = extra;
    at.filler_len = sizeof extra;
    n = tf_ef0002(ef, sizeof ef, &at);
    assert_int_equal(kenhojo_parse_attributes(ef, n, &a), KOFU_E_CARD_DATA);
}

static int parse_with_name(const char *name, size_t name_len)
{
    uint8_t ef[1024];
    char nm[600];
    memcpy(nm, name, name_len);
    nm[name_len] = 0;
    struct tf_attrs at = {nm, TF_EXAMPLE_ADDRESS, "19800217", (const uint8_t *)"1", 1,
                          false, false, false, false, false, NULL, 0};
    size_t n = tf_ef0002(ef, sizeof ef, &at);
    assert_true(n > 0);
    struct kenhojo_attributes a;
    return kenhojo_parse_attributes(ef, n, &a);
}

/* The name is built with strlen, so NUL itself is tested separately. */
static void test_ef0002_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        const char *s;
        bool ok;
    } cases[] = {
        {"ascii", "Taro Yamada", true},
        {"2-byte", "\xC3\xA9", true},
        {"3-byte", "\xE3\x80\x80", true},
        {"4-byte", "\xF0\x9F\x98\x80", true},
        {"U+10FFFF", "\xF4\x8F\xBF\xBF", true},
        {"U+00A0 (first after C1)", "\xC2\xA0", true},
        {"overlong 2-byte '/'", "\xC0\xAF", false},
        {"overlong 2-byte C1", "\xC1\xBF", false},
        {"overlong 3-byte", "\xE0\x80\xAF", false},
        {"overlong 3-byte U+07FF", "\xE0\x9F\xBF", false},
        {"overlong 4-byte", "\xF0\x8F\xBF\xBF", false},
        {"surrogate D800", "\xED\xA0\x80", false},
        {"surrogate DFFF", "\xED\xBF\xBF", false},
        {"above U+10FFFF", "\xF4\x90\x80\x80", false},
        {"F5 lead", "\xF5\x80\x80\x80", false},
        {"F8 lead", "\xF8\x88\x80\x80\x80", false},
        {"FF byte", "a\xFF", false},
        {"lone continuation", "\x80", false},
        {"truncated 2-byte at end", "ab\xC3", false},
        {"truncated 3-byte at end", "ab\xE3\x80", false},
        {"truncated 4-byte at end", "\xF0\x9F\x98", false},
        {"truncated sequence mid-string", "\xE3\x80" "a", false},
        {"C0 control TAB", "a\tb", false},
        {"C0 control LF", "a\nb", false},
        {"C0 control ESC", "\x1B[2J", false},
        {"DEL", "a\x7F", false},
        {"C1 control U+0085", "\xC2\x85", false},
        {"C1 control U+009F", "\xC2\x9F", false},
        {"C1 control U+0080", "\xC2\x80", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = parse_with_name(cases[i].s, strlen(cases[i].s));
        if ((rc == KOFU_OK) != cases[i].ok)
            fail_msg("name '%s': got %d", cases[i].what, rc);
    }
    /* NUL inside the value. */
    uint8_t ef[TF_EF0002_EXAMPLE_LEN];
    struct kenhojo_attributes a;
    tf_ef0002_example(ef, sizeof ef);
    ef[17 + 3] = 0x00; /* inside the name: "黒桐" -> breaks the 2nd char and adds NUL */
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ef, &a), KOFU_E_CARD_DATA);
    tf_ef0002_example(ef, sizeof ef);
    ef[17] = 0x00; /* first byte of the name */
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ef, &a), KOFU_E_CARD_DATA);
    /* Bad UTF-8 in the address is refused too. */
    tf_ef0002_example(ef, sizeof ef);
    ef[35] = 0xC0;
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ef, &a), KOFU_E_CARD_DATA);
}

static void test_ef0002_text_length_limits(void **state)
{
    (void)state;
    char name[600];
    /* Empty name: refused. */
    assert_int_equal(parse_with_name("", 0), KOFU_E_CARD_DATA);
    /* 512 bytes fit (KENHOJO_TEXT_MAX), 513 do not. */
    memset(name, 'a', sizeof name);
    assert_int_equal(parse_with_name(name, KENHOJO_TEXT_MAX), KOFU_OK);
    assert_int_equal(parse_with_name(name, KENHOJO_TEXT_MAX + 1), KOFU_E_CARD_DATA);
}

static int parse_with(const char *birth, const uint8_t *sex, size_t sex_len)
{
    uint8_t ef[512];
    struct tf_attrs at = {TF_EXAMPLE_NAME, TF_EXAMPLE_ADDRESS, birth, sex, sex_len,
                          false, false, false, false, false, NULL, 0};
    size_t n = tf_ef0002(ef, sizeof ef, &at);
    assert_true(n > 0);
    struct kenhojo_attributes a;
    int rc = kenhojo_parse_attributes(ef, n, &a);
    if (rc == KOFU_OK) {
        assert_string_equal(a.birth_date, birth);
        assert_int_equal(a.sex, (char)sex[0]);
    }
    return rc;
}

static void test_ef0002_dates(void **state)
{
    (void)state;
    static const struct {
        const char *d;
        bool ok;
    } cases[] = {
        {"19800217", true},  {"20000229", true},  {"20240229", true},  {"19000228", true},
        {"18680101", true},  {"20231231", true},  {"20230131", true},  {"20230430", true},
        {"20230230", false}, {"19000229", false}, {"20230229", false}, {"21000229", false},
        {"20231301", false}, {"20230001", false}, {"20230100", false}, {"20230132", false},
        {"20230431", false}, {"18671231", false}, {"00000000", false}, {"1980021", false},
        {"198002170", false}, {"1980-2-1", false}, {"1980021a", false}, {"", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = parse_with(cases[i].d, (const uint8_t *)"1", 1);
        if ((rc == KOFU_OK) != cases[i].ok)
            fail_msg("birth date '%s': got %d", cases[i].d, rc);
    }
}

static void test_ef0002_sex(void **state)
{
    (void)state;
    assert_int_equal(parse_with("19800217", (const uint8_t *)"1", 1), KOFU_OK);
    assert_int_equal(parse_with("19800217", (const uint8_t *)"2", 1), KOFU_OK);
    assert_int_equal(parse_with("19800217", (const uint8_t *)"9", 1), KOFU_OK);
    assert_int_equal(parse_with("19800217", (const uint8_t *)"0", 1), KOFU_OK);
    assert_int_equal(parse_with("19800217", (const uint8_t *)"3", 1), KOFU_OK); /* kept as given */
    assert_int_equal(parse_with("19800217", (const uint8_t *)"\x1f", 1), KOFU_E_CARD_DATA);
    assert_int_equal(parse_with("19800217", (const uint8_t *)"\x7f", 1), KOFU_E_CARD_DATA);
    assert_int_equal(parse_with("19800217", (const uint8_t *)"\x00", 1), KOFU_E_CARD_DATA);
    assert_int_equal(parse_with("19800217", (const uint8_t *)"12", 2), KOFU_E_CARD_DATA);
    assert_int_equal(parse_with("19800217", (const uint8_t *)"", 0), KOFU_E_CARD_DATA);
}

static void test_ef0002_structure_refused(void **state)
{
    (void)state;
    uint8_t ef[512];
    struct kenhojo_attributes a;
    /* Missing DF21. */
    struct tf_attrs at = {TF_EXAMPLE_NAME, TF_EXAMPLE_ADDRESS, "19800217", (const uint8_t *)"1", 1,
                          false, false, false, false, true, NULL, 0};
    size_t n = tf_ef0002(ef, sizeof ef, &at);
    assert_int_equal(kenhojo_parse_attributes(ef, n, &a), KOFU_E_CARD_DATA);

    uint8_t ex[TF_EF0002_EXAMPLE_LEN];
    tf_ef0002_example(ex, sizeof ex);
    /* Truncated anywhere. */
    for (size_t len = 0; len < sizeof ex; len++)
        if (kenhojo_parse_attributes(ex, len, &a) != KOFU_E_CARD_DATA)
            fail_msg("accepted a file cut to %zu bytes", len);
    /* DF21 of the wrong length (07 instead of 08), rest shifted to fit. */
    memcpy(ef, ex, sizeof ex);
    ef[2] = 0x64;
    ef[5] = 0x07;
    memmove(ef + 13, ef + 14, sizeof ex - 14);
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ex - 1, &a), KOFU_E_CARD_DATA);
    /* Wrong outer tag. */
    memcpy(ef, ex, sizeof ex);
    ef[1] = 0x21;
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ex, &a), KOFU_E_CARD_DATA);
    /* Objects out of order: swap the DF24 and DF25 tags' positions by
     * renaming (DF24 becomes DF25 and the other way round). */
    memcpy(ef, ex, sizeof ex);
    ef[90] = 0x25;
    ef[101] = 0x24;
    assert_int_equal(ef[89], 0xDF);
    assert_int_equal(ef[100], 0xDF);
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ex, &a), KOFU_E_CARD_DATA);
    /* Missing DF25 (outer shortened to end after DF24). */
    memcpy(ef, ex, sizeof ex);
    ef[2] = 0x65 - 4;
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ex - 4, &a), KOFU_E_CARD_DATA);
    /* The outer length claims one byte more than the file has. */
    memcpy(ef, ex, sizeof ex);
    ef[2] = 0x66;
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ex, &a), KOFU_E_CARD_DATA);
}

static void test_ef0002_df21_untrusted(void **state)
{
    (void)state;
    /* DF21 is not covered by DF32, so its values must not matter. */
    uint8_t ef[TF_EF0002_EXAMPLE_LEN];
    struct kenhojo_attributes a;
    tf_ef0002_example(ef, sizeof ef);
    memset(ef + 6, 0xFF, 8);
    assert_int_equal(kenhojo_parse_attributes(ef, sizeof ef, &a), KOFU_OK);
    assert_string_equal(a.birth_date, "19800217");
    assert_ptr_equal(cur_data(&a.hashed), ef + 14);
}

/* ---- EF 0003 / 0004 / 0007 ---- */

static void test_ef0003_parse(void **state)
{
    (void)state;
    uint8_t h1[32], h2[32], sig[256], ef[512];
    tf_pattern(h1, 32, 1);
    tf_pattern(h2, 32, 2);
    tf_pattern(sig, 256, 3);
    size_t n = tf_ef0003(ef, sizeof ef, h1, h2, sig, sizeof sig);
    assert_int_equal(n, 336);
    static const uint8_t head[] = {0xFF, 0x30, 0x82, 0x01, 0x4B, 0xDF, 0x31, 0x20};
    assert_memory_equal(ef, head, sizeof head);
    struct kenhojo_integrity in;
    assert_int_equal(kenhojo_parse_integrity(ef, n, &in), KOFU_OK);
    assert_ptr_equal(cur_data(&in.signed_part), ef + 5);
    assert_int_equal(cur_len(&in.signed_part), TF_SIGNED_PART_LEN);
    /* signed_part = DF31 TLV ‖ DF32 TLV exactly. */
    assert_int_equal(ef[5 + 35], 0xDF);
    assert_int_equal(ef[5 + 36], 0x32);
    assert_true(cur_equals(&in.my_number_hash, h1, 32));
    assert_ptr_equal(cur_data(&in.my_number_hash), ef + 8);
    assert_true(cur_equals(&in.attributes_hash, h2, 32));
    assert_ptr_equal(cur_data(&in.attributes_hash), ef + 43);
    assert_true(cur_equals(&in.signature, sig, 256));
    assert_ptr_equal(cur_data(&in.signature), ef + 80);

    for (size_t len = 0; len < n; len++)
        if (kenhojo_parse_integrity(ef, len, &in) != KOFU_E_CARD_DATA)
            fail_msg("accepted EF 0003 cut to %zu bytes", len);
}

static void test_ef0003_refused(void **state)
{
    (void)state;
    uint8_t h[33], sig[600], ef[1024];
    tf_pattern(h, sizeof h, 1);
    tf_pattern(sig, sizeof sig, 3);
    struct kenhojo_integrity in;
    /* Signature sizes: 255 refused, 256 and 512 taken, 513 refused. */
    static const struct {
        size_t n;
        bool ok;
    } sizes[] = {{0, false}, {255, false}, {256, true}, {384, true}, {512, true}, {513, false}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = tf_ef0003(ef, sizeof ef, h, h, sig, sizes[i].n);
        assert_true(n > 0);
        assert_int_equal(kenhojo_parse_integrity(ef, n, &in) == KOFU_OK, sizes[i].ok);
    }
    /* A hash of 31 or 33 bytes. */
    uint8_t inner[512];
    kofu_bld b;
    for (size_t hl = 31; hl <= 33; hl += 2) {
        bld_init(&b, inner, sizeof inner);
        bld_add_ber(&b, 0xDF31, h, hl, false);
        bld_add_ber(&b, 0xDF32, h, 32, false);
        bld_add_ber(&b, 0xDF33, sig, 256, true);
        size_t il = b.len;
        bld_init(&b, ef, sizeof ef);
        bld_add_ber(&b, 0xFF30, inner, il, true);
        assert_true(bld_ok(&b));
        assert_int_equal(kenhojo_parse_integrity(ef, b.len, &in), KOFU_E_CARD_DATA);
        assert_int_equal(cur_len(&in.signed_part), 0); /* zeroed on refusal */
    }
    /* DF31 and DF32 swapped. */
    bld_init(&b, inner, sizeof inner);
    bld_add_ber(&b, 0xDF32, h, 32, false);
    bld_add_ber(&b, 0xDF31, h, 32, false);
    bld_add_ber(&b, 0xDF33, sig, 256, true);
    size_t il = b.len;
    bld_init(&b, ef, sizeof ef);
    bld_add_ber(&b, 0xFF30, inner, il, true);
    assert_int_equal(kenhojo_parse_integrity(ef, b.len, &in), KOFU_E_CARD_DATA);
}

static void test_ef0004_parse(void **state)
{
    (void)state;
    static const uint8_t e[3] = {0x01, 0x00, 0x01};
    static const uint8_t issuer[16] = "6000033\x08\x05" "001\0\0\0";
    static const uint8_t subject[16] = "6000033\x08\x05" "002\0\0\0";
    uint8_t n[256], sig[256], body[512], ef[1024];
    tf_pattern(n, sizeof n, 4);
    tf_pattern(sig, sizeof sig, 3);
    size_t bl = tf_cv_body(body, sizeof body, issuer, subject, e, 3, n, 256);
    assert_int_equal(bl, TF_CV_BODY_LEN);
    size_t len = tf_ef0004(ef, sizeof ef, body, bl, sig, 256);
    assert_int_equal(len, TF_EF0004_LEN);
    static const uint8_t head[] = {0x7F, 0x21, 0x82, 0x02, 0x33, 0x5F, 0x4E, 0x82, 0x01, 0x29};
    assert_memory_equal(ef, head, sizeof head);

    struct kenhojo_cv_cert cv;
    assert_int_equal(kenhojo_parse_cv_cert(ef, len, &cv), KOFU_OK);
    assert_memory_equal(cv.issuer_id, issuer, 16);
    assert_memory_equal(cv.subject_id, subject, 16);
    assert_ptr_equal(cur_data(&cv.body), ef + 10);
    assert_int_equal(cur_len(&cv.body), 297);
    assert_true(cur_equals(&cv.body, body, bl));
    assert_true(cur_equals(&cv.key.e, e, 3));
    assert_true(cur_equals(&cv.key.n, n, 256));
    assert_true(inside(ef, len, cv.key.n));
    assert_true(inside(cur_data(&cv.body), 297, cv.key.n));
    assert_true(cur_equals(&cv.signature, sig, 256));
    assert_ptr_equal(cur_data(&cv.signature), ef + 10 + 297 + 5);

    for (size_t l = 0; l < len; l++)
        if (kenhojo_parse_cv_cert(ef, l, &cv) != KOFU_E_CARD_DATA)
            fail_msg("accepted EF 0004 cut to %zu bytes", l);
}

static void test_ef0004_refused(void **state)
{
    (void)state;
    static const uint8_t e[9] = {0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x01};
    static const uint8_t id[16] = "6000033";
    uint8_t n[600], sig[256], body[1024], ef[2048];
    tf_pattern(n, sizeof n, 4);
    tf_pattern(sig, sizeof sig, 3);
    struct kenhojo_cv_cert cv;
    /* Modulus sizes 255 / 514 refused, 256 and 513 taken; exponent 0 or 9 bytes refused. */
    static const struct {
        size_t n_len, e_len;
        bool ok;
    } cases[] = {{256, 3, true}, {255, 3, false}, {513, 3, true}, {514, 3, false},
                 {256, 0, false}, {256, 8, true}, {256, 9, false}, {384, 1, true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t bl = tf_cv_body(body, sizeof body, id, id, e + 9 - cases[i].e_len, cases[i].e_len, n,
                               cases[i].n_len);
        size_t len = tf_ef0004(ef, sizeof ef, body, bl, sig, 256);
        assert_true(len > 0);
        if ((kenhojo_parse_cv_cert(ef, len, &cv) == KOFU_OK) != cases[i].ok)
            fail_msg("case %zu: n %zu e %zu", i, cases[i].n_len, cases[i].e_len);
    }
    /* Trailing bytes inside the body after the key. */
    size_t bl = tf_cv_body(body, sizeof body, id, id, e + 6, 3, n, 256);
    body[bl++] = 0x00;
    size_t len = tf_ef0004(ef, sizeof ef, body, bl, sig, 256);
    assert_int_equal(kenhojo_parse_cv_cert(ef, len, &cv), KOFU_E_CARD_DATA);
    /* A body too short for the two key ids. */
    len = tf_ef0004(ef, sizeof ef, body, 31, sig, 256);
    assert_int_equal(kenhojo_parse_cv_cert(ef, len, &cv), KOFU_E_CARD_DATA);
    /* 91 before 90. */
    kofu_bld b;
    bld_init(&b, body, sizeof body);
    bld_add_bytes(&b, id, 16);
    bld_add_bytes(&b, id, 16);
    bld_add_ber(&b, 0x91, n, 256, true);
    bld_add_ber(&b, 0x90, e + 6, 3, false);
    len = tf_ef0004(ef, sizeof ef, body, b.len, sig, 256);
    assert_int_equal(kenhojo_parse_cv_cert(ef, len, &cv), KOFU_E_CARD_DATA);
    /* Signature of 255 bytes. */
    bl = tf_cv_body(body, sizeof body, id, id, e + 6, 3, n, 256);
    len = tf_ef0004(ef, sizeof ef, body, bl, sig, 255);
    assert_int_equal(kenhojo_parse_cv_cert(ef, len, &cv), KOFU_E_CARD_DATA);
    /* Zeroed on refusal. */
    for (size_t i = 0; i < 16; i++)
        assert_int_equal(cv.issuer_id[i], 0);
    assert_int_equal(cur_len(&cv.body), 0);
}

static void test_ef0007_parse(void **state)
{
    (void)state;
    static const uint8_t e[3] = {0x01, 0x00, 0x01};
    uint8_t n[256], sig[256], df51[512], ef[1024];
    tf_pattern(n, sizeof n, 5);
    tf_pattern(sig, sizeof sig, 6);
    size_t dl = tf_df51(df51, sizeof df51, e, 3, n, 256);
    assert_int_equal(dl, TF_DF51_LEN);
    size_t len = tf_ef0007(ef, sizeof ef, df51, dl, sig, 256);
    assert_int_equal(len, TF_EF0007_LEN);
    static const uint8_t head[] = {0xFF, 0x50, 0x82, 0x02, 0x13, 0xDF, 0x51, 0x82, 0x01, 0x09};
    assert_memory_equal(ef, head, sizeof head);

    struct kenhojo_presence_key pk;
    assert_int_equal(kenhojo_parse_presence_key(ef, len, &pk), KOFU_OK);
    /* The whole DF51 object, header included. */
    assert_ptr_equal(cur_data(&pk.signed_object), ef + 5);
    assert_int_equal(cur_len(&pk.signed_object), 270);
    assert_true(cur_equals(&pk.signed_object, df51, dl));
    assert_true(cur_equals(&pk.key.n, n, 256));
    assert_true(cur_equals(&pk.key.e, e, 3));
    assert_true(inside(cur_data(&pk.signed_object), 270, pk.key.n));
    assert_true(cur_equals(&pk.signature, sig, 256));

    for (size_t l = 0; l < len; l++)
        if (kenhojo_parse_presence_key(ef, l, &pk) != KOFU_E_CARD_DATA)
            fail_msg("accepted EF 0007 cut to %zu bytes", l);
    /* DF52 missing. */
    kofu_bld b;
    uint8_t f2[600];
    bld_init(&b, f2, sizeof f2);
    bld_add_ber(&b, 0xFF50, df51, dl, true);
    assert_int_equal(kenhojo_parse_presence_key(f2, b.len, &pk), KOFU_E_CARD_DATA);
    /* Short signature. */
    len = tf_ef0007(ef, sizeof ef, df51, dl, sig, 200);
    assert_int_equal(kenhojo_parse_presence_key(ef, len, &pk), KOFU_E_CARD_DATA);
    assert_int_equal(cur_len(&pk.signed_object), 0);
}

static void test_pattern_set_sizes(void **state)
{
    (void)state;
    struct tf_set s;
    assert_true(tf_set_pattern(&s));
    assert_int_equal(s.ef3_len, 336);
    assert_int_equal(s.ef4_len, 568);
    assert_int_equal(s.ef7_len, 536);
}

static void test_auth_names(void **state)
{
    (void)state;
    assert_string_equal(kenhojo_auth_name(KENHOJO_AUTH_OK), "ok");
    assert_string_equal(kenhojo_auth_name(KENHOJO_AUTH_CA_UNKNOWN), "ca-unknown");
    assert_string_equal(kenhojo_auth_name(KENHOJO_AUTH_CV_SIGNATURE), "cv-signature");
    assert_string_equal(kenhojo_auth_name(KENHOJO_AUTH_INTEGRITY_SIGNATURE), "integrity-signature");
    assert_string_equal(kenhojo_auth_name(KENHOJO_AUTH_MY_NUMBER_HASH), "my-number-hash");
    assert_string_equal(kenhojo_auth_name(KENHOJO_AUTH_ATTRIBUTES_HASH), "attributes-hash");
    assert_string_equal(kenhojo_auth_name(KENHOJO_AUTH_PRESENCE_MISSING), "presence-missing");
    assert_string_equal(kenhojo_auth_name(KENHOJO_AUTH__COUNT), "unknown");
    assert_string_equal(kenhojo_auth_name((enum kenhojo_auth)-1), "unknown");
    for (int i = 0; i < KENHOJO_AUTH__COUNT; i++) {
        assert_non_null(kenhojo_auth_text((enum kenhojo_auth)i, KOFU_LANG_JA));
        assert_non_null(kenhojo_auth_text((enum kenhojo_auth)i, KOFU_LANG_EN));
        assert_string_not_equal(kenhojo_auth_name((enum kenhojo_auth)i), "unknown");
    }
    assert_string_equal(kenhojo_auth_text(KENHOJO_AUTH__COUNT, KOFU_LANG_EN), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_my_number_check_digit),
        cmocka_unit_test(test_my_number_valid_refuses_non_digits_and_length),
        cmocka_unit_test(test_my_number_valid_short_string_no_overread),
        cmocka_unit_test(test_ef0001_hash_vector),
        cmocka_unit_test(test_ef0001_parse),
        cmocka_unit_test(test_ef0001_refused),
        cmocka_unit_test(test_ef0001_trailing_garbage_refused),
        cmocka_unit_test(test_ef0002_worked_example),
        cmocka_unit_test(test_ef0002_builder_matches_example),
        cmocka_unit_test(test_ef0002_long_forms),
        cmocka_unit_test(test_ef0002_filler),
        cmocka_unit_test(test_ef0002_utf8),
        cmocka_unit_test(test_ef0002_text_length_limits),
        cmocka_unit_test(test_ef0002_dates),
        cmocka_unit_test(test_ef0002_sex),
        cmocka_unit_test(test_ef0002_structure_refused),
        cmocka_unit_test(test_ef0002_df21_untrusted),
        cmocka_unit_test(test_ef0003_parse),
        cmocka_unit_test(test_ef0003_refused),
        cmocka_unit_test(test_ef0004_parse),
        cmocka_unit_test(test_ef0004_refused),
        cmocka_unit_test(test_ef0007_parse),
        cmocka_unit_test(test_pattern_set_sizes),
        cmocka_unit_test(test_auth_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
