/*
 * store.h — the center's records: residents, doses, municipalities and the
 * completion reports, in SQLite.
 *
 * Owns: the database connection (in memory, or a file with --db), seeding it
 * from the fixture file (format in README.md; validated strictly: unknown
 * keys, wrong types, bad check digits and impossible dates are refused with
 * a reason that names the field, never its value), and every query.
 *
 * At start the fixture tables (municipalities, residents, doses) are
 * dropped and seeded again, so a --db file always matches the fixture; the
 * accounting tables (completions, serials) persist in a file. Nothing about
 * a request is ever written except the completion report (no resident
 * data) and the per-municipality certificate counter.
 *
 * Records copied out (struct store_resident, struct store_dose) hold
 * resident data: callers put them in the vault.
 */
#ifndef CENTERSIM_STORE_H
#define CENTERSIM_STORE_H

#include "card/kenhojo.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_TEXT_MAX 64       /* municipality, product, manufacturer, performer: UTF-8 bytes */
#define STORE_NAME_MAX KENHOJO_TEXT_MAX
#define STORE_ROMAN_MAX 39      /* ICAO 9303 VIZ name field */
#define STORE_PASSPORT_MAX 9    /* ICAO 9303 document number */
#define STORE_LOT_MAX 20
#define STORE_CVX_MAX 3
#define STORE_DOSES_MAX 10      /* per certificate (the protocol's limit): the latest of a municipality's */
#define STORE_FIXTURE_DOSES_MAX 30 /* per resident and municipality in the fixture */
#define STORE_COUNTRY_DEFAULT "JPN"
#define STORE_MUNICIPALITIES_MAX 2000
#define STORE_FEE_MAX 10000   /* yen per copy */
#define STORE_CODE_LEN 6        /* local government code with its check digit */

enum store_rc { STORE_OK = 0, STORE_NOT_FOUND = 1, STORE_ERROR = -1 };

struct store_config {
    int open_min, close_min; /* service hours, minutes since midnight Japan time */
    int fee_per_copy_yen;
    int max_copies;
};

struct store_municipality {
    char code[STORE_CODE_LEN + 1];
    char name_ja[STORE_TEXT_MAX + 1], name_en[STORE_TEXT_MAX + 1];
    char mayor_ja[STORE_TEXT_MAX + 1], mayor_en[STORE_TEXT_MAX + 1];
    bool participating;
};

struct store_resident {
    char my_number[KENHOJO_MY_NUMBER_LEN + 1];
    char name[STORE_NAME_MAX + 1]; /* as on the card: family U+3000 given */
    char birth_date[11];           /* YYYY-MM-DD */
    char name_roman[STORE_ROMAN_MAX + 1];
    bool has_passport;
    char passport_number[STORE_PASSPORT_MAX + 1];
    char nationality[4]; /* ISO 3166-1 alpha-3 */
};

struct store_dose {
    char municipality[STORE_CODE_LEN + 1];
    char date[11]; /* YYYY-MM-DD */
    char cvx[STORE_CVX_MAX + 1];
    char lot[STORE_LOT_MAX + 1];
    char product_ja[STORE_TEXT_MAX + 1], product_en[STORE_TEXT_MAX + 1];
    char manufacturer_ja[STORE_TEXT_MAX + 1], manufacturer_en[STORE_TEXT_MAX + 1];
    char performer[STORE_TEXT_MAX + 1];
    char country[4]; /* ISO 3166-1 alpha-3 where it was given */
    int seq;         /* its number in the resident's whole series (every municipality, by date), 1.. */
};

struct store_completion {
    const char *request_id, *certificate_id, *outcome, *kiosk;
    int copies_printed, amount_yen;
    int64_t received_at;
};

typedef struct store store;

/** Open the database (db_path NULL = in memory) and seed it from the
 *  fixture. NULL with a one-line reason in err on failure. */
store *store_open(const char *db_path, const char *fixture_path, char *err, size_t errlen);
/** Close the database and free everything (NULL is a no-op). */
void store_close(store *s);

/** The configuration from the fixture. */
const struct store_config *store_get_config(const store *s);
/** Municipalities, sorted by code (participating or not). */
size_t store_municipality_count(const store *s);
const struct store_municipality *store_municipality_at(const store *s, size_t i);
/** The municipality with this code, or NULL. */
const struct store_municipality *store_municipality_find(const store *s, const char *code);

/** Change a municipality's participation while running (the control
 *  socket's `participate`): /config lists it, requests for it pass the
 *  participation check. False for a code the fixture does not have. */
bool store_set_participating(store *s, const char *code, bool on);
/** Override the fixture's fee per copy (--fee), 0..10000 yen. False (and
 *  nothing changed) outside that range. */
bool store_set_fee(store *s, int yen);

/** The resident with this My Number: STORE_OK, STORE_NOT_FOUND or STORE_ERROR. */
int store_find_resident(store *s, const char *my_number, struct store_resident *out);
/** The resident's doses recorded by one municipality, in date order: the
 *  latest cap of them when there are more. Each carries its seq in the
 *  resident's whole series. *n is 0 when there are none (still STORE_OK). */
int store_doses(store *s, const char *my_number, const char *municipality, struct store_dose *out,
                size_t cap, size_t *n);
/** Another resident than my_number with doses in the municipality (and a
 *  passport when need_passport), for the other-person fault. */
int store_other_resident(store *s, const char *my_number, const char *municipality,
                         bool need_passport, struct store_resident *out);
/** The next certificate serial number for a municipality and year (1, 2, …). */
int store_next_serial(store *s, const char *municipality, int year, unsigned long *serial);
/** Record a completion report; *inserted is false when the same request_id
 *  and outcome were reported before (the report is idempotent). */
int store_add_completion(store *s, const struct store_completion *c, bool *inserted);

/** The check digit rule of 全国地方公共団体コード: six ASCII digits, the
 *  sixth is the last digit of 11 − (Σ digit×(6,5,4,3,2) mod 11). */
bool store_local_gov_code_valid(const char *code);

#endif
