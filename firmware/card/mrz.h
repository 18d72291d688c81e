/*
 * mrz.h — the machine readable zone of a passport (ICAO 9303 parts 3 and 4,
 * TD3): check digits, the key seed's MRZ_info, and DG1's MRZ parsed.
 *
 * Owns: nothing but pure functions. The text in and out is resident data:
 * callers keep it in the vault (struct mrz_td3 lives inside struct
 * mrtd_data) and never log it.
 *
 * Character set: an MRZ holds only 0-9, A-Z and the filler '<'. A document
 * number the resident enters may be shorter than 9 characters; it is padded
 * with '<' here, never by the caller.
 */
#ifndef KOFU_MRZ_H
#define KOFU_MRZ_H

#include "base/errors.h"

#include <stdbool.h>
#include <stddef.h>

#define MRZ_TD3_LEN 88       /* two lines of 44 */
#define MRZ_DOCNO_MAX 9      /* the document number field (TD3) */
#define MRZ_DATE_LEN 6       /* YYMMDD */
#define MRZ_INFO_LEN 24      /* docno(9) cd birth(6) cd expiry(6) cd */
#define MRZ_NAME_MAX 39      /* the name field of a TD3 */

/** The check digit of n MRZ characters (weights 7, 3, 1; '<' counts 0,
 *  A-Z 10-35); -1 if a character is not an MRZ character. */
int mrz_check_digit(const char *s, size_t n);

/** Whether c is a character the kiosk's keypad may give (0-9, A-Z). */
bool mrz_keypad_char_ok(char c);

/** Whether s is a usable YYMMDD (digits, month 01-12, day valid for the
 *  month; YY any). */
bool mrz_date_ok(const char *s);

/** The values that open a chip (BAC and PACE keys), as the resident or a
 *  scanner gives them. Lives in the vault. */
struct mrz_keys {
    char docno[MRZ_DOCNO_MAX + 1]; /* 1..9 of 0-9 A-Z, without fillers */
    char docno_cd;                 /* its check digit as printed, '0'..'9' */
    char birth[MRZ_DATE_LEN + 1];  /* YYMMDD */
    char expiry[MRZ_DATE_LEN + 1]; /* YYMMDD */
    char expiry_cd;                /* '0'..'9' */
};

/** Check keys before any chip sees them: the document number's and the
 *  expiry's forms and check digits, and the birth date's form. KOFU_OK or
 *  KOFU_E_MRZ_FORMAT. (A document number longer than 9 characters, which
 *  TD3 puts in the optional data field, is not supported.) */
int mrz_keys_check(const struct mrz_keys *k);

/** MRZ_info = docno padded with '<' to 9 ‖ cd ‖ birth ‖ cd ‖ expiry ‖ cd,
 *  the check digits of birth computed here. KOFU_OK or KOFU_E_MRZ_FORMAT
 *  (mrz_keys_check's rules). out is not NUL-terminated. */
int mrz_info(const struct mrz_keys *k, char out[MRZ_INFO_LEN]);

/** A TD3 MRZ, parsed. Strings are NUL-terminated, fillers removed. */
struct mrz_td3 {
    char doc_code[3];                 /* "P" or "P" plus one letter, e.g. "PN" */
    char issuing_state[4];            /* "JPN", "D" (Germany), "UTO" ... (fillers removed) */
    char surname[MRZ_NAME_MAX + 1];   /* the primary identifier, '<' inside → ' ' */
    char given_names[MRZ_NAME_MAX + 1]; /* the secondary identifier, '<' inside → ' '; may be "" */
    char docno[MRZ_DOCNO_MAX + 1];
    char nationality[4];
    char birth[MRZ_DATE_LEN + 1];     /* YYMMDD; a "<<" day or month is refused */
    char sex;                         /* 'M', 'F' or '<' (unspecified; shown as 'X') */
    char expiry[MRZ_DATE_LEN + 1];
    char optional[15];                /* personal number / optional data, fillers removed */
};

/** Parse the 88 characters of a TD3 MRZ: the document code starts with
 *  'P', every field has its form, and every check digit holds (document
 *  number, birth, expiry, optional data when not all filler, and the
 *  composite). KOFU_OK or KOFU_E_PASSPORT_DATA. Fuzzed (fuzz_mrz). */
int mrz_parse_td3(const char *m, size_t n, struct mrz_td3 *out);

/** Parse DG1 as the chip stores it: 61 L { 5F1F L <MRZ> }. Only TD3 (88
 *  characters) is accepted. KOFU_OK or KOFU_E_PASSPORT_DATA. */
int mrz_parse_dg1(const unsigned char *p, size_t n, struct mrz_td3 *out);

/** YYMMDD → "YYYY-MM-DD". A birth date takes the century that puts it in
 *  the past relative to today_yy (YY > today_yy → 19YY, else 20YY); an
 *  expiry date the century that puts it less than 50 years after today
 *  (today_yy 26: 00–75 → 20YY, 76–99 → 19YY). out needs 11 bytes. */
void mrz_date_iso(const char yymmdd[MRZ_DATE_LEN], bool is_birth, int today_yy, char out[11]);

#endif
