/* test_mrz.c — the passport's machine readable zone (firmware/card/mrz.h):
 * check digits and MRZ_info against the published worked examples (ICAO
 * 9303-11 Appendix D; the specimen TD3 of gmrtd mrz/mrz_test.go; the DG1 of
 * liblogicalaccess tests/unittest/test_epass_utils.cpp), the forms a
 * resident's entry or a chip's DG1 can break, and the date rules. Every
 * holder here is synthetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "card/mrz.h"

/* ICAO specimen (gmrtd mrz_test.go): Anna Maria Eriksson, Utopia. */
#define ERIKSSON_L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define ERIKSSON_L2 "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
/* liblogicalaccess test_parse_dg1: Jane Anderson. */
#define ANDERSON_L1 "P<UTOANDERSON<<JANE<<<<<<<<<<<<<<<<<<<<<<<<<"
#define ANDERSON_L2 "W7GCH9ZY24UTO7904107F2006187<<<<<<<<<<<<<<<2"
/* The synthetic Japanese resident of the card simulator (yamada.json); the
 * check digits worked out by hand. */
#define YAMADA_L1 "P<JPNYAMADA<<TARO<<<<<<<<<<<<<<<<<<<<<<<<<<<"
#define YAMADA_L2 "TZ12345676JPN8002170M3103315<<<<<<<<<<<<<<<0"

static void test_check_digits(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int cd;
    } v[] = {
        /* App. D */
        {"L898902C<", 3}, {"690806", 1}, {"940623", 6},
        /* the spec's second set and the Python test's */
        {"T22000129", 3}, {"640812", 5}, {"101031", 8},
        {"D23145890734", 9}, {"340712", 7}, {"950712", 2},
        /* the specimen TD3's fields and composite */
        {"L898902C3", 6}, {"740812", 2}, {"120415", 9}, {"ZE184226B<<<<<", 1},
        {"L898902C3674081221204159ZE184226B<<<<<1", 0},
        {"W7GCH9ZY2", 4}, {"790410", 7}, {"200618", 7},
        {"", 0}, {"<<<<<<", 0},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        assert_int_equal(mrz_check_digit(v[i].s, strlen(v[i].s)), v[i].cd);
    /* Not MRZ characters. */
    assert_int_equal(mrz_check_digit("l898902C<", 9), -1);
    assert_int_equal(mrz_check_digit("L898 02C<", 9), -1);
    assert_int_equal(mrz_check_digit("L89890-C<", 9), -1);
    /* The keypad gives 0-9 and A-Z only: no filler, no lower case. */
    assert_true(mrz_keypad_char_ok('0') && mrz_keypad_char_ok('9') && mrz_keypad_char_ok('A') &&
                mrz_keypad_char_ok('Z'));
    assert_false(mrz_keypad_char_ok('<') || mrz_keypad_char_ok('a') || mrz_keypad_char_ok(' ') ||
                 mrz_keypad_char_ok('\0') || mrz_keypad_char_ok('@') || mrz_keypad_char_ok('['));
}

static void test_dates(void **state)
{
    (void)state;
    const char *good[] = {"690806", "940623", "800217", "310331", "000229", "800229", "991231",
                          "010131", "010430"};
    const char *bad[] = {"690006", "691306", "690800", "690832", "690431", "810229", "800230",
                         "69O806", "6908<<", "<<0806", "69080", "6908 6"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(mrz_date_ok(good[i]));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(mrz_date_ok(bad[i]));

    char iso[11];
    /* The century rule: a birth year after this year's is last century's. */
    mrz_date_iso("690806", true, 26, iso);
    assert_string_equal(iso, "1969-08-06");
    mrz_date_iso("800217", true, 26, iso);
    assert_string_equal(iso, "1980-02-17");
    mrz_date_iso("050101", true, 26, iso);
    assert_string_equal(iso, "2005-01-01");
    mrz_date_iso("260101", true, 26, iso);
    assert_string_equal(iso, "2026-01-01");
    mrz_date_iso("270101", true, 26, iso);
    assert_string_equal(iso, "1927-01-01");
    /* An expiry lies within 50 years of today: a passport is valid for
     * ten, and an expired one read in a lab (the specimen's 94) is old. */
    mrz_date_iso("310331", false, 26, iso);
    assert_string_equal(iso, "2031-03-31");
    mrz_date_iso("750101", false, 26, iso);
    assert_string_equal(iso, "2075-01-01");
    mrz_date_iso("760101", false, 26, iso);
    assert_string_equal(iso, "1976-01-01");
    mrz_date_iso("940623", false, 26, iso);
    assert_string_equal(iso, "1994-06-23");
    mrz_date_iso("100101", false, 95, iso);
    assert_string_equal(iso, "2010-01-01");
}

static struct mrz_keys keys(const char *docno, char docno_cd, const char *birth, const char *expiry,
                            char expiry_cd)
{
    struct mrz_keys k;
    memset(&k, 0, sizeof k);
    memcpy(k.docno, docno, strnlen(docno, sizeof k.docno));
    k.docno_cd = docno_cd;
    memcpy(k.birth, birth, strnlen(birth, sizeof k.birth - 1));
    memcpy(k.expiry, expiry, strnlen(expiry, sizeof k.expiry - 1));
    k.expiry_cd = expiry_cd;
    return k;
}

static void test_keys_and_info(void **state)
{
    (void)state;
    char info[MRZ_INFO_LEN + 1] = {0};
    /* App. D: an 8-character number, padded with '<' here. */
    struct mrz_keys k = keys("L898902C", '3', "690806", "940623", '6');
    assert_int_equal(mrz_keys_check(&k), KOFU_OK);
    assert_int_equal(mrz_info(&k, info), KOFU_OK);
    assert_memory_equal(info, "L898902C<369080619406236", MRZ_INFO_LEN);
    /* The specimen TD3's MRZ_info (gmrtd mrz_test.go). */
    k = keys("L898902C3", '6', "740812", "120415", '9');
    assert_int_equal(mrz_info(&k, info), KOFU_OK);
    assert_memory_equal(info, "L898902C3674081221204159", MRZ_INFO_LEN);
    k = keys("TZ1234567", '6', "800217", "310331", '5');
    assert_int_equal(mrz_info(&k, info), KOFU_OK);
    assert_memory_equal(info, "TZ1234567680021703103315", MRZ_INFO_LEN);

    /* Each rule caught once; info is not written on refusal. */
    struct mrz_keys bad[] = {
        keys("L898902C", '4', "690806", "940623", '6'),   /* docno check digit */
        keys("L898902C", '3', "690806", "940623", '7'),   /* expiry check digit */
        keys("L898902C", '<', "690806", "940623", '6'),   /* check digit not a digit */
        keys("L898902C", '3', "690806", "940623", '<'),
        keys("l898902C", '3', "690806", "940623", '6'),   /* lower case */
        keys("L898902C<", '3', "690806", "940623", '6'),  /* a filler typed */
        keys("", '0', "690806", "940623", '6'),           /* empty */
        keys("L898902C", '3', "691306", "940623", '6'),   /* birth month 13 */
        keys("L898902C", '3', "6908", "940623", '6'),     /* birth short */
        keys("L898902C", '3', "690806", "940631", '7'),   /* 31 June (cd 7 right) */
        keys("L898902C", '3', "690806", "9406", '6'),     /* expiry short */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(info, 'x', MRZ_INFO_LEN);
        assert_int_equal(mrz_keys_check(&bad[i]), KOFU_E_MRZ_FORMAT);
        assert_int_equal(mrz_info(&bad[i], info), KOFU_E_MRZ_FORMAT);
        assert_memory_equal(info, "xxxxxxxxxxxxxxxxxxxxxxxx", MRZ_INFO_LEN);
    }
    /* "940631" carries check digit 7: only its date form fails. */
    assert_int_equal(mrz_check_digit("940631", 6), 7);
    /* Ten characters (no terminator) do not fit TD3's field. */
    k = keys("L898902C", '3', "690806", "940623", '6');
    memcpy(k.docno, "L898902C12", 10);
    assert_int_equal(mrz_keys_check(&k), KOFU_E_MRZ_FORMAT);
    assert_int_equal(mrz_keys_check(NULL), KOFU_E_MRZ_FORMAT);
}

static void test_td3_specimen(void **state)
{
    (void)state;
    struct mrz_td3 t;
    const char *m = ERIKSSON_L1 ERIKSSON_L2;
    assert_int_equal(strlen(m), MRZ_TD3_LEN);
    assert_int_equal(mrz_parse_td3(m, MRZ_TD3_LEN, &t), KOFU_OK);
    assert_string_equal(t.doc_code, "P");
    assert_string_equal(t.issuing_state, "UTO");
    assert_string_equal(t.surname, "ERIKSSON");
    assert_string_equal(t.given_names, "ANNA MARIA");
    assert_string_equal(t.docno, "L898902C3");
    assert_string_equal(t.nationality, "UTO");
    assert_string_equal(t.birth, "740812");
    assert_int_equal(t.sex, 'F');
    assert_string_equal(t.expiry, "120415");
    assert_string_equal(t.optional, "ZE184226B");

    m = YAMADA_L1 YAMADA_L2;
    assert_int_equal(mrz_parse_td3(m, MRZ_TD3_LEN, &t), KOFU_OK);
    assert_string_equal(t.issuing_state, "JPN");
    assert_string_equal(t.surname, "YAMADA");
    assert_string_equal(t.given_names, "TARO");
    assert_string_equal(t.docno, "TZ1234567");
    assert_string_equal(t.birth, "800217");
    assert_int_equal(t.sex, 'M');
    assert_string_equal(t.expiry, "310331");
    assert_string_equal(t.optional, "");
}

static void test_dg1(void **state)
{
    (void)state;
    uint8_t dg1[93 + 1];
    memcpy(dg1, "\x61\x5B\x5F\x1F\x58", 5);
    memcpy(dg1 + 5, ANDERSON_L1 ANDERSON_L2, 88);
    struct mrz_td3 t;
    assert_int_equal(mrz_parse_dg1(dg1, 93, &t), KOFU_OK);
    assert_string_equal(t.doc_code, "P");
    assert_string_equal(t.issuing_state, "UTO");
    assert_string_equal(t.surname, "ANDERSON");
    assert_string_equal(t.given_names, "JANE");
    assert_string_equal(t.docno, "W7GCH9ZY2");
    assert_string_equal(t.nationality, "UTO");
    assert_string_equal(t.birth, "790410");
    assert_int_equal(t.sex, 'F');
    assert_string_equal(t.expiry, "200618");
    assert_string_equal(t.optional, "");

    /* Cut short, a byte too many, another tag, a TD1-sized MRZ, an inner
     * length that disagrees: each refused, and nothing left in t. */
    assert_int_equal(mrz_parse_dg1(dg1, 92, &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(t.surname[0], 0);
    dg1[93] = 0;
    assert_int_equal(mrz_parse_dg1(dg1, 94, &t), KOFU_E_PASSPORT_DATA);
    dg1[0] = 0x62;
    assert_int_equal(mrz_parse_dg1(dg1, 93, &t), KOFU_E_PASSPORT_DATA);
    dg1[0] = 0x61;
    dg1[3] = 0x1E;
    assert_int_equal(mrz_parse_dg1(dg1, 93, &t), KOFU_E_PASSPORT_DATA);
    dg1[3] = 0x1F;
    dg1[1] = 0x5A;
    dg1[4] = 0x57; /* 87 characters */
    assert_int_equal(mrz_parse_dg1(dg1, 92, &t), KOFU_E_PASSPORT_DATA);
    dg1[1] = 0x5B;
    dg1[4] = 0x59; /* claims 89 in 88 */
    assert_int_equal(mrz_parse_dg1(dg1, 93, &t), KOFU_E_PASSPORT_DATA);
    dg1[4] = 0x58;
    assert_int_equal(mrz_parse_dg1(dg1, 93, &t), KOFU_OK);
    assert_int_equal(mrz_parse_dg1(NULL, 0, &t), KOFU_E_PASSPORT_DATA);
}

/* Put right every check digit of line 2 (with the implementation's digit,
 * itself pinned to the published vectors above), so that a test breaks one
 * rule at a time. */
static void fix_composite(char *m)
{
    char *l2 = m + 44;
    char comp[39];
    memcpy(comp, l2, 10);
    memcpy(comp + 10, l2 + 13, 7);
    memcpy(comp + 17, l2 + 21, 22);
    l2[43] = (char)('0' + mrz_check_digit(comp, sizeof comp));
}

static void fix_check_digits(char *m)
{
    char *l2 = m + 44;
    l2[9] = (char)('0' + mrz_check_digit(l2, 9));
    l2[19] = (char)('0' + mrz_check_digit(l2 + 13, 6));
    l2[27] = (char)('0' + mrz_check_digit(l2 + 21, 6));
    bool empty = strspn(l2 + 28, "<") >= 14;
    l2[42] = empty ? '<' : (char)('0' + mrz_check_digit(l2 + 28, 14));
    fix_composite(m);
}

static int parse_with(const char *base, size_t at, const char *text, struct mrz_td3 *t)
{
    char m[MRZ_TD3_LEN + 1];
    memcpy(m, base, sizeof m);
    memcpy(m + at, text, strlen(text));
    fix_check_digits(m);
    return mrz_parse_td3(m, MRZ_TD3_LEN, t);
}

static void test_td3_refusals(void **state)
{
    (void)state;
    const char *good = ERIKSSON_L1 ERIKSSON_L2;
    char m[MRZ_TD3_LEN + 1];
    struct mrz_td3 t;
    /* The helper changes nothing in a good MRZ. */
    memcpy(m, good, sizeof m);
    fix_check_digits(m);
    assert_string_equal(m, good);

    /* Each check digit wrong in turn (docno, birth, expiry, optional
     * data, composite), the composite kept right for the others. */
    const size_t cds[] = {44 + 9, 44 + 19, 44 + 27, 44 + 42, 44 + 43};
    for (size_t i = 0; i < sizeof cds / sizeof cds[0]; i++) {
        for (int filler = 0; filler < 2; filler++) {
            memcpy(m, good, sizeof m);
            m[cds[i]] = filler ? '<' : m[cds[i]] == '9' ? '0' : (char)(m[cds[i]] + 1);
            if (cds[i] != 44 + 43)
                fix_composite(m);
            memset(&t, 'x', sizeof t);
            assert_int_equal(mrz_parse_td3(m, MRZ_TD3_LEN, &t), KOFU_E_PASSPORT_DATA);
            /* Nothing parsed is left behind. */
            assert_int_equal(t.surname[0], 0);
            assert_int_equal(t.docno[0], 0);
        }
    }

    /* Length. */
    assert_int_equal(mrz_parse_td3(good, 87, &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(mrz_parse_td3(good, 0, &t), KOFU_E_PASSPORT_DATA);
    char longer[90];
    memcpy(longer, good, 88);
    longer[88] = '<';
    assert_int_equal(mrz_parse_td3(longer, 89, &t), KOFU_E_PASSPORT_DATA);

    /* Characters outside the MRZ set anywhere, even in a name. */
    assert_int_equal(parse_with(good, 5, "Eriksson", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 30, " ", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 44 + 30, "\xC3\x84", &t), KOFU_E_PASSPORT_DATA);
    /* Digits in a name, a filler leading a name. */
    assert_int_equal(parse_with(good, 5, "ER1KSSON", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 5, "<RIKSSON", &t), KOFU_E_PASSPORT_DATA);
    /* Not a passport: an ID card or visa code. */
    assert_int_equal(parse_with(good, 0, "I<", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 0, "V<", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 0, "P1", &t), KOFU_E_PASSPORT_DATA);
    /* Dates with a fixed check digit but a bad form: "<<" day, month 13,
     * 30 February. */
    assert_int_equal(parse_with(good, 44 + 13, "7408<<", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 44 + 13, "741312", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 44 + 21, "120230", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 44 + 21, "<<0415", &t), KOFU_E_PASSPORT_DATA);
    /* Sex other than M, F, '<'. */
    assert_int_equal(parse_with(good, 44 + 20, "X", &t), KOFU_E_PASSPORT_DATA);
    /* Country codes: digits, a filler before a letter, all fillers. */
    assert_int_equal(parse_with(good, 2, "U1O", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 44 + 10, "D<E", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 44 + 10, "<<<", &t), KOFU_E_PASSPORT_DATA);
    /* A document number that is all fillers, or has one inside. */
    assert_int_equal(parse_with(good, 44, "<<<<<<<<<", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(parse_with(good, 44, "L898<02C3", &t), KOFU_E_PASSPORT_DATA);
    assert_int_equal(mrz_parse_td3(NULL, 88, &t), KOFU_E_PASSPORT_DATA);
}

static void test_td3_fields(void **state)
{
    (void)state;
    const char *good = ERIKSSON_L1 ERIKSSON_L2;
    struct mrz_td3 t;
    /* Germany's one-letter code, a passport subtype letter, sex unspecified. */
    assert_int_equal(parse_with(good, 0, "PND<<", &t), KOFU_OK);
    assert_string_equal(t.doc_code, "PN");
    assert_string_equal(t.issuing_state, "D");
    assert_int_equal(parse_with(good, 44 + 10, "D<<", &t), KOFU_OK);
    assert_string_equal(t.nationality, "D");
    assert_int_equal(parse_with(good, 44 + 20, "<", &t), KOFU_OK);
    assert_int_equal(t.sex, '<');
    /* Names: parts split by single fillers, the identifiers by "<<",
     * trailing fillers removed. */
    assert_int_equal(parse_with(good, 5, "VAN<DER<BERG<<MARIA<ANNA<<<<<<<<<<<<<<<", &t), KOFU_OK);
    assert_string_equal(t.surname, "VAN DER BERG");
    assert_string_equal(t.given_names, "MARIA ANNA");
    /* Only a primary identifier. */
    assert_int_equal(parse_with(good, 5, "MONONYM<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", &t), KOFU_OK);
    assert_string_equal(t.surname, "MONONYM");
    assert_string_equal(t.given_names, "");
    /* A name truncated to fill all 39 characters, with no "<<" left. */
    assert_int_equal(parse_with(good, 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ<KL", &t), KOFU_OK);
    assert_string_equal(t.surname, "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ KL");
    assert_string_equal(t.given_names, "");
    /* Given names reaching the end of the field. */
    assert_int_equal(parse_with(good, 5, "LEE<<ABCDEFGHIJKLMNOPQRSTUVWXYZ<ABCDEFG", &t), KOFU_OK);
    assert_string_equal(t.surname, "LEE");
    assert_string_equal(t.given_names, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ABCDEFG");
    /* Optional data filled to the end of its field. */
    assert_int_equal(parse_with(good, 44 + 28, "ABCDEFGHIJ1234", &t), KOFU_OK);
    assert_string_equal(t.optional, "ABCDEFGHIJ1234");
    /* Empty optional data with check digit 0 as well as '<'. */
    char m[MRZ_TD3_LEN + 1];
    memcpy(m, ANDERSON_L1 ANDERSON_L2, sizeof m);
    m[44 + 42] = '0';
    assert_int_equal(mrz_parse_td3(m, MRZ_TD3_LEN, &t), KOFU_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_digits),  cmocka_unit_test(test_dates),
        cmocka_unit_test(test_keys_and_info), cmocka_unit_test(test_td3_specimen),
        cmocka_unit_test(test_dg1),           cmocka_unit_test(test_td3_refusals),
        cmocka_unit_test(test_td3_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
