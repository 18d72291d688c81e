/*
 * resident.h — the synthetic card holder that cardsim serves.
 *
 * Owns: loading and validating a resident JSON file (format in README.md).
 * The struct holds the holder's data and PIN, so nothing here logs values:
 * error messages name the field, never its content.
 */
#ifndef CARDSIM_RESIDENT_H
#define CARDSIM_RESIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RESIDENT_TEXT_MAX 200 /* name and address, bytes of UTF-8 */
#define RESIDENT_PIN_LEN 4
#define RESIDENT_TRIES_MAX 15 /* what fits in the x of 63 Cx */

typedef struct {
    char my_number[12];                  /* ASCII digits, not terminated */
    uint8_t name[RESIDENT_TEXT_MAX];     /* UTF-8 */
    size_t name_len;
    uint8_t address[RESIDENT_TEXT_MAX];  /* UTF-8 */
    size_t address_len;
    char birth_date[8];                  /* YYYYMMDD, not terminated */
    char sex;                            /* one ASCII character */
    uint8_t pin[RESIDENT_PIN_LEN];       /* ASCII digits */
    unsigned tries_left;                 /* 0 = blocked */
    unsigned max_tries;
} resident;

/** Load and validate the resident file at path into *out. On failure,
 *  returns false, leaves *out wiped and writes a one-line reason (naming the
 *  field, never its value) to err[0..errlen). */
bool resident_load(const char *path, resident *out, char *err, size_t errlen);

/** Wipe a resident (it holds a PIN) before it goes out of scope. */
void resident_wipe(resident *r);

#endif
