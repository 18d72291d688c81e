/*
 * passport.h — the certificate request's `passport` (docs/center-protocol.md
 * §3, "The passport chip"): the members' forms, and EF.DG1 read just far
 * enough to hold the members to the MRZ the chip signed (the document
 * number, the states, the name, birth and expiry dates and sex, every check
 * digit).
 *
 * Written apart from the kiosk's firmware/card/mrz.c on purpose: the
 * reference center must not share a misreading with the kiosk it checks.
 * EF.SOD is not verified here (the protocol lets a center skip it): it is
 * only decoded, for its size.
 *
 * Owns nothing; everything it reads is resident data, which callers keep in
 * the vault and never log.
 */
#ifndef CENTERSIM_PASSPORT_H
#define CENTERSIM_PASSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PASSPORT_DG1_MAX 256
#define PASSPORT_SOD_MAX 16384
#define PASSPORT_NAME_MAX 39   /* the TD3 name field */
#define PASSPORT_NUMBER_MAX 9  /* the TD3 document number field */
#define PASSPORT_MRZ_LEN 88

/** The request's `passport` members (pointers into its JSON). */
struct passport_fields {
    const char *number, *nationality, *issuing_state;
    const char *surname, *given_names, *name_roman;
    const char *birth_date, *sex, *expiry_date, *access;
};

/** Every member's form, and name_roman made from surname and given_names. */
bool passport_fields_valid(const struct passport_fields *f);

/** The ICAO 9303 check digit of n characters ('<' 0, A-Z 10-35, weights
 *  7, 3, 1); -1 for any other character. */
int passport_check_digit(const char *s, size_t n);

/** dg1 is a TD3 DG1 (61 L { 5F1F 58 <88 characters> }) whose check digits
 *  all hold and whose fields are f's. */
bool passport_dg1_matches(const uint8_t *dg1, size_t n, const struct passport_fields *f);

#endif
