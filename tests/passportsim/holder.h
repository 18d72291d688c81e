/*
 * holder.h — the passport holder a virtual chip carries (a JSON fixture).
 *
 * Owns: loading and checking a holder file (the fields of a TD3 machine
 * readable zone, in MRZ characters) and building from it the 88-character
 * TD3 MRZ and the 24-character MRZ_info that keys BAC and PACE. Its own
 * check-digit code: passportsim shares nothing with kofu's ICAO modules.
 */
#ifndef PASSPORTSIM_HOLDER_H
#define PASSPORTSIM_HOLDER_H

#include <stdbool.h>
#include <stddef.h>

#define HOLDER_MRZ_LEN 88      /* TD3: two lines of 44 */
#define HOLDER_MRZ_INFO_LEN 24 /* docno(9) cd birth(6) cd expiry(6) cd */

typedef struct {
    char document_number[10]; /* 9 MRZ characters, '<'-padded, NUL-terminated */
    char issuing_state[4];    /* 3 MRZ characters, e.g. "UTO", "JPN", "D<<" */
    char nationality[4];
    char name[40];            /* 39 characters: PRIMARY<<SECONDARY, '<'-padded */
    char birth_date[7];       /* YYMMDD */
    char sex;                 /* 'M', 'F' or '<' */
    char expiry_date[7];      /* YYMMDD */
    char personal_number[15]; /* 14 characters, '<'-padded */
    char signer[32];          /* the Document Signer's file name under PKI/passport/ */
} holder;

/** Load and check a holder file. false with a one-line reason naming the
 *  field (never its value) in err. */
bool holder_load(const char *path, holder *out, char *err, size_t errlen);

/** ICAO 9303 check digit (weights 7 3 1; '<' counts 0) of s[0..n), as '0'..'9'. */
char holder_check_digit(const char *s, size_t n);

/** The TD3 MRZ (88 characters + NUL) with every check digit. */
void holder_mrz(const holder *h, char out[HOLDER_MRZ_LEN + 1]);

/** MRZ_info for document number docno (9 characters): docno cd birth cd
 *  expiry cd (24 characters + NUL). */
void holder_mrz_info(const holder *h, const char *docno, char out[HOLDER_MRZ_INFO_LEN + 1]);

#endif
