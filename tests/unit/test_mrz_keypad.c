/*
 * test_mrz_keypad.c — the passport's numbers as typed on the kiosk's keypad
 * (firmware/kiosk/mrz_source.h): a character goes where the session's
 * count says and nowhere else, the vault keeps no more of a field than the
 * session counts, and the source yields keys only for a complete set.
 * Synthetic numbers only (the brief's test holder TZ1234567, 310331).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/errors.h"
#include "kiosk/mrz_source.h"

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* Each word into its field, as the session counts them. */
static void type(struct mrz_keypad *kp, int len[SESSION_MRZ__FIELDS], const char *const words[SESSION_MRZ__FIELDS])
{
    for (int f = 0; f < SESSION_MRZ__FIELDS; f++)
        for (const char *p = words[f]; *p; p++)
            assert_true(mrz_keypad_put(kp, f, len[f]++, *p));
}

static void test_put_refuses_what_no_mrz_holds(void **state)
{
    (void)state;
    struct mrz_keypad kp;
    memset(&kp, 0, sizeof kp);
    assert_false(mrz_keypad_put(&kp, SESSION_MRZ_DOCNO, 0, 'a')); /* lower case */
    assert_false(mrz_keypad_put(&kp, SESSION_MRZ_DOCNO, 0, '<')); /* the filler is not typed */
    assert_false(mrz_keypad_put(&kp, SESSION_MRZ_DOCNO, 0, ' '));
    assert_false(mrz_keypad_put(&kp, SESSION_MRZ_DOCNO, SESSION_MRZ_DOCNO_MAX, 'A')); /* past the field */
    assert_false(mrz_keypad_put(&kp, SESSION_MRZ_DOCNO_CD, 1, '1'));
    assert_false(mrz_keypad_put(&kp, SESSION_MRZ_EXPIRY, -1, '1'));
    assert_false(mrz_keypad_put(&kp, SESSION_MRZ__FIELDS, 0, '1'));
    assert_false(mrz_keypad_put(&kp, -1, 0, '1'));
    assert_true(all_zero(&kp, sizeof kp));
    assert_true(mrz_keypad_put(&kp, SESSION_MRZ_DOCNO, 0, 'T'));
    assert_true(mrz_keypad_put(&kp, SESSION_MRZ_EXPIRY_CD, 0, '5'));
    assert_string_equal(kp.field[SESSION_MRZ_DOCNO], "T");
    assert_string_equal(kp.field[SESSION_MRZ_EXPIRY_CD], "5");
}

static void test_keys_from_a_complete_set(void **state)
{
    (void)state;
    struct mrz_keypad kp;
    memset(&kp, 0, sizeof kp);
    int len[SESSION_MRZ__FIELDS] = {0};
    static const char *const words[SESSION_MRZ__FIELDS] = {"TZ1234567", "6", "310331", "5"};
    type(&kp, len, words);
    struct mrz_keys k;
    memset(&k, 0, sizeof k);
    memcpy(k.birth, "800217", 7); /* the card's: the source leaves it alone */
    assert_int_equal(mrz_keypad_source.keys(&kp, &k), KOFU_OK);
    assert_string_equal(k.docno, "TZ1234567");
    assert_int_equal(k.docno_cd, '6');
    assert_string_equal(k.expiry, "310331");
    assert_int_equal(k.expiry_cd, '5');
    assert_string_equal(k.birth, "800217");
    /* A short number is a number too. */
    mrz_keypad_forget(&kp);
    memset(len, 0, sizeof len);
    static const char *const short_words[SESSION_MRZ__FIELDS] = {"AB12345", "3", "310331", "5"};
    type(&kp, len, short_words);
    assert_int_equal(mrz_keypad_source.keys(&kp, &k), KOFU_OK);
    assert_string_equal(k.docno, "AB12345");
    /* Forgotten: nothing left, and no keys. */
    mrz_keypad_source.forget(&kp);
    assert_true(all_zero(&kp, sizeof kp));
    assert_int_equal(mrz_keypad_source.keys(&kp, &k), KOFU_E_MRZ_FORMAT);
}

static void test_incomplete_sets_give_no_keys(void **state)
{
    (void)state;
    static const char *const sets[][SESSION_MRZ__FIELDS] = {
        {"", "6", "310331", "5"},          /* no number */
        {"TZ1234567", "", "310331", "5"},  /* no check digit */
        {"TZ1234567", "6", "31033", "5"},  /* a short date */
        {"TZ1234567", "6", "310331", ""},  /* no expiry check digit */
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        struct mrz_keypad kp;
        memset(&kp, 0, sizeof kp);
        int len[SESSION_MRZ__FIELDS] = {0};
        type(&kp, len, sets[i]);
        struct mrz_keys k;
        memset(&k, 0, sizeof k);
        assert_int_equal(mrz_keypad_source.keys(&kp, &k), KOFU_E_MRZ_FORMAT);
        assert_true(all_zero(&k, sizeof k)); /* nothing copied out of an incomplete set */
    }
    /* A gap (a character past the field's end of typing) is no number. */
    struct mrz_keypad kp;
    memset(&kp, 0, sizeof kp);
    int len[SESSION_MRZ__FIELDS] = {0};
    static const char *const words[SESSION_MRZ__FIELDS] = {"TZ", "6", "310331", "5"};
    type(&kp, len, words);
    assert_true(mrz_keypad_put(&kp, SESSION_MRZ_DOCNO, 4, 'X'));
    struct mrz_keys k;
    assert_int_equal(mrz_keypad_source.keys(&kp, &k), KOFU_E_MRZ_FORMAT);
}

/* The vault keeps what the session counts: a deleted character is gone. */
static void test_trim_to_the_sessions_counts(void **state)
{
    (void)state;
    struct mrz_keypad kp;
    memset(&kp, 0, sizeof kp);
    int len[SESSION_MRZ__FIELDS] = {0};
    static const char *const words[SESSION_MRZ__FIELDS] = {"TZ1234567", "6", "310331", "5"};
    type(&kp, len, words);
    const int counted[SESSION_MRZ__FIELDS] = {4, 0, 6, 1};
    mrz_keypad_trim(&kp, counted);
    assert_string_equal(kp.field[SESSION_MRZ_DOCNO], "TZ12");
    assert_true(all_zero(kp.field[SESSION_MRZ_DOCNO] + 4, sizeof kp.field[0] - 4));
    assert_true(all_zero(kp.field[SESSION_MRZ_DOCNO_CD], sizeof kp.field[0]));
    assert_string_equal(kp.field[SESSION_MRZ_EXPIRY], "310331");
    /* Counts out of range keep nothing more than the field holds, or nothing. */
    const int odd[SESSION_MRZ__FIELDS] = {-3, 99, 99, 0};
    mrz_keypad_trim(&kp, odd);
    assert_true(all_zero(kp.field[SESSION_MRZ_DOCNO], sizeof kp.field[0]));
    assert_string_equal(kp.field[SESSION_MRZ_EXPIRY], "310331");
    assert_true(all_zero(kp.field[SESSION_MRZ_EXPIRY_CD], sizeof kp.field[0]));
    const int none[SESSION_MRZ__FIELDS] = {0};
    mrz_keypad_trim(&kp, none);
    assert_true(all_zero(&kp, sizeof kp));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_refuses_what_no_mrz_holds),
        cmocka_unit_test(test_keys_from_a_complete_set),
        cmocka_unit_test(test_incomplete_sets_give_no_keys),
        cmocka_unit_test(test_trim_to_the_sessions_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
