/* fuzz_mrz.c — mrz_parse_dg1 and mrz_parse_td3 (firmware/card/mrz.h) on
 * arbitrary bytes: a refusal leaves nothing behind; an acceptance gives
 * NUL-terminated fields of MRZ characters that re-check, and the same MRZ
 * parses the same way bare and wrapped in DG1. */
#include "fuzz_common.h"
#include "card/mrz.h"

static bool upper_or_space(const char *s, size_t cap, bool digits)
{
    size_t n = strnlen(s, cap);
    if (n >= cap)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || c == ' ' || (digits && c >= '0' && c <= '9')))
            return false;
        if (c == ' ' && (i == 0 || i + 1 == n || s[i - 1] == ' '))
            return false; /* one space between parts, none at the ends */
    }
    return true;
}

static void check_parsed(const struct mrz_td3 *t)
{
    CHECK(t->doc_code[0] == 'P');
    CHECK(string_ok(t->issuing_state, sizeof t->issuing_state, 3));
    CHECK(string_ok(t->nationality, sizeof t->nationality, 3));
    CHECK(string_ok(t->surname, sizeof t->surname, MRZ_NAME_MAX));
    CHECK(upper_or_space(t->surname, sizeof t->surname, false));
    CHECK(upper_or_space(t->given_names, sizeof t->given_names, false));
    CHECK(strlen(t->surname) + strlen(t->given_names) <= MRZ_NAME_MAX);
    CHECK(string_ok(t->docno, sizeof t->docno, MRZ_DOCNO_MAX));
    CHECK(upper_or_space(t->docno, sizeof t->docno, true) && !strchr(t->docno, ' '));
    CHECK(upper_or_space(t->optional, sizeof t->optional, true));
    CHECK(strnlen(t->birth, sizeof t->birth) == MRZ_DATE_LEN && mrz_date_ok(t->birth));
    CHECK(strnlen(t->expiry, sizeof t->expiry) == MRZ_DATE_LEN && mrz_date_ok(t->expiry));
    CHECK(t->sex == 'M' || t->sex == 'F' || t->sex == '<');
    char iso[11];
    mrz_date_iso(t->birth, true, 26, iso);
    CHECK(strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mrz_td3 a, b;
    static uint8_t dg1[5 + MRZ_TD3_LEN];
    memset(&a, 0xA5, sizeof a);
    int rc = mrz_parse_td3((const char *)data, size, &a);
    if (rc != KOFU_OK) {
        CHECK(rc == KOFU_E_PASSPORT_DATA);
        CHECK(all_zero(&a, sizeof a));
    } else {
        CHECK(size == MRZ_TD3_LEN);
        check_parsed(&a);
        /* Wrapped as the chip stores it, the same result. */
        memcpy(dg1, "\x61\x5B\x5F\x1F\x58", 5);
        memcpy(dg1 + 5, data, MRZ_TD3_LEN);
        memset(&b, 0x5A, sizeof b);
        CHECK(mrz_parse_dg1(dg1, sizeof dg1, &b) == KOFU_OK);
        CHECK(memcmp(&a, &b, sizeof a) == 0);
    }
    memset(&b, 0xA5, sizeof b);
    rc = mrz_parse_dg1(data, size, &b);
    if (rc != KOFU_OK) {
        CHECK(rc == KOFU_E_PASSPORT_DATA);
        CHECK(all_zero(&b, sizeof b));
    } else {
        CHECK(size == sizeof dg1 && data[0] == 0x61);
        check_parsed(&b);
    }
    /* Keys from the first bytes: mrz_info agrees with mrz_keys_check. */
    if (size >= 24) {
        struct mrz_keys k;
        memset(&k, 0, sizeof k);
        memcpy(k.docno, data, 9);
        k.docno_cd = (char)data[9];
        memcpy(k.birth, data + 10, 6);
        memcpy(k.expiry, data + 16, 6);
        k.expiry_cd = (char)data[22];
        char info[MRZ_INFO_LEN];
        int ck = mrz_keys_check(&k);
        CHECK(ck == KOFU_OK || ck == KOFU_E_MRZ_FORMAT);
        CHECK(mrz_info(&k, info) == ck);
        if (ck == KOFU_OK)
            CHECK(mrz_check_digit(info, 9) == info[9] - '0' && mrz_check_digit(info + 17, 6) == info[23] - '0');
    }
    return 0;
}
