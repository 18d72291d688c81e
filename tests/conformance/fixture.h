/*
 * fixture.h — the data a center under test loads and the kit sends
 * (docs/conformance.md, "The fixture").
 *
 * Two parts: the records (center.json, the format of
 * tests/centersim/README.md: municipalities, residents, doses, passports),
 * which the kit reads for its expectations; and the cards
 * (DIR/cards/LABEL.json: {"_about": text, "card": §3's card object}), signed
 * by the fixture's card CA (DIR/card-ca/<hex key id>.pem), which the kit
 * sends. Everything is synthetic.
 *
 * Ownership: the card data lives in the vault (kenhojo_card_data_new), the
 * records in a jansson tree (the wiping allocator, cli_start) until
 * fixture_free. Nothing here prints a value: refusals name the file and the
 * field.
 */
#ifndef KOFU_KIT_FIXTURE_H
#define KOFU_KIT_FIXTURE_H

#include "base/config.h"
#include "card/kenhojo.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define FIXTURE_CARDS_MAX 16
#define FIXTURE_LABEL_MAX 32
#define FIXTURE_DOSES_MAX 64

struct fixture_card {
    char label[FIXTURE_LABEL_MAX]; /* the file name without .json: yamada, norecord, ... */
    struct kenhojo_card_data *data; /* in the vault, parsed and authenticated */
};

struct kit_fixture {
    char card_ca_dir[KOFU_CONFIG_VALUE_MAX];
    size_t n_cards;
    struct fixture_card cards[FIXTURE_CARDS_MAX];
    json_t *records; /* center.json */
};

/** One dose of the records, as a certificate shows it. Views into the
 *  records' tree. */
struct fixture_dose {
    const char *municipality, *date, *cvx, *lot, *country, *product_en;
    int seq; /* its number in the resident's whole series, by date */
};

/** Load DIR/cards/\*.json (each parsed with kofu's own card parsers and
 *  authenticated against DIR/card-ca) and the records file. KOFU_OK, or
 *  KOFU_E_CONFIG with a one-line reason naming the file and field in err. */
int fixture_load(struct kit_fixture *f, const char *dir, const char *records, char *err, size_t errlen);
/** Parse one card file's text into fresh card data in the vault: KOFU_OK,
 *  or KOFU_E_CONFIG with the field in err (no authenticity check). */
int fixture_parse_card(const char *text, size_t len, struct kenhojo_card_data **out, char *err, size_t errlen);
/** fixture_parse_card on the file FILE (at most a card file's size); the
 *  reason in err names the file. */
int fixture_read_card(const char *file, struct kenhojo_card_data **out, char *err, size_t errlen);
void fixture_free(struct kit_fixture *f);

/** The card with this label; NULL when the fixture has none. */
const struct fixture_card *fixture_card(const struct kit_fixture *f, const char *label);
/** The municipality's record; NULL when unknown. */
const json_t *fixture_municipality(const struct kit_fixture *f, const char *code);
/** Whether the records list the code as participating. */
bool fixture_participating(const struct kit_fixture *f, const char *code);
/** The resident the center must find for this card: the record with its My
 *  Number whose name and birth date equal the card's, byte for byte; NULL
 *  when there is none (the center answers no-record). */
const json_t *fixture_resident(const struct kit_fixture *f, const struct kenhojo_card_data *card);
/** The resident's doses recorded by `municipality` (NULL: every one), in
 *  date order, each with its seq; the count (at most cap). */
size_t fixture_doses(const struct kit_fixture *f, const json_t *resident, const char *municipality,
                     struct fixture_dose *out, size_t cap);
/** A text member of a record ("" when absent). */
const char *fixture_str(const json_t *o, const char *key);

#endif
