/*
 * kenhojo.h — the My Number card's 券面事項入力補助AP (Kenhojo AP).
 *
 * Owns: the card dialogue (select, PIN retry counter, VERIFY, reading the
 * files, the presence challenge), the parsers of what the card returns, and
 * the authenticity checks. Facts and byte values: docs/card.md.
 *
 * Ownership: struct kenhojo_card_data holds resident data and must live in
 * the vault (kenhojo_card_data_new allocates it there); every view inside it
 * points into its own file buffers. Nothing here logs resident data.
 *
 * PIN rules enforced here, so no front end can skip them: a PIN that is not
 * exactly four ASCII digits never reaches the card; when the card says one
 * try is left, VERIFY is refused unless the caller says the resident
 * confirmed spending it.
 */
#ifndef KOFU_KENHOJO_H
#define KOFU_KENHOJO_H

#include "base/bytes.h"
#include "drivers/card_reader.h"
#include "base/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KENHOJO_PIN_LEN 4
#define KENHOJO_MY_NUMBER_LEN 12
#define KENHOJO_KEY_ID_LEN 16
#define KENHOJO_FILE_MAX 2048 /* larger than any Kenhojo EF; bigger is refused */
#define KENHOJO_TEXT_MAX 512  /* name or address, in UTF-8 bytes */

/** Tries left when unknown (the card reported no counter). */
#define KENHOJO_TRIES_UNKNOWN (-1)

enum kenhojo_ef {
    KENHOJO_EF_MY_NUMBER = 0x0001,
    KENHOJO_EF_ATTRIBUTES = 0x0002,
    KENHOJO_EF_INTEGRITY = 0x0003,
    KENHOJO_EF_CV_CERT = 0x0004,
    KENHOJO_EF_PRESENCE_KEY = 0x0007,
    KENHOJO_EF_PIN = 0x0011,
};

/** Why data was refused as not authentic. */
enum kenhojo_auth {
    KENHOJO_AUTH_OK = 0,
    KENHOJO_AUTH_CA_UNKNOWN,         /* no trusted card-CA key for the CV certificate's issuer id */
    KENHOJO_AUTH_CV_SIGNATURE,       /* the CV certificate (EF 0004) is not signed by that CA */
    KENHOJO_AUTH_CV_KEY,             /* the certified key is not a usable RSA key */
    KENHOJO_AUTH_INTEGRITY_SIGNATURE,/* DF33 does not sign DF31‖DF32 under the certified key */
    KENHOJO_AUTH_MY_NUMBER_HASH,     /* DF31 is not the hash of EF 0001 */
    KENHOJO_AUTH_ATTRIBUTES_HASH,    /* DF32 is not the hash of EF 0002 */
    KENHOJO_AUTH_PRESENCE_KEY,       /* EF 0007's key is not signed by the certified key */
    KENHOJO_AUTH_PRESENCE_SIGNATURE, /* the card's answer to our challenge is wrong */
    KENHOJO_AUTH_PRESENCE_MISSING,   /* presence proof required by configuration, card offers none */
    KENHOJO_AUTH__COUNT
};

enum kenhojo_presence {
    KENHOJO_PRESENCE_NOT_CHECKED = 0,
    KENHOJO_PRESENCE_NOT_OFFERED, /* no EF 0007 or no 80 2A on this card */
    KENHOJO_PRESENCE_PROVEN,      /* the card signed a fresh challenge with the certified key's delegate */
};

/** A file as read from the card. */
struct kenhojo_file {
    uint8_t bytes[KENHOJO_FILE_MAX];
    size_t len;
    bool present;
};

struct kenhojo_attributes {
    char name[KENHOJO_TEXT_MAX + 1];    /* UTF-8; family and given name split by U+3000 */
    char address[KENHOJO_TEXT_MAX + 1]; /* UTF-8 */
    char birth_date[9];                 /* YYYYMMDD, Gregorian */
    char sex;                           /* '1' male, '2' female, '9' not applicable, '0' unknown, or as given */
    kofu_cur hashed;                    /* the bytes DF32 covers: DF22 … end of the FF20 object */
};

struct kenhojo_integrity {
    kofu_cur signed_part;   /* DF31 TLV ‖ DF32 TLV, as DF33 signs them */
    kofu_cur my_number_hash;/* DF31 value */
    kofu_cur attributes_hash;
    kofu_cur signature;     /* DF33 value */
};

struct kenhojo_rsa_pub {
    kofu_cur n, e;
};

struct kenhojo_cv_cert {
    uint8_t issuer_id[KENHOJO_KEY_ID_LEN];  /* 証明者鍵ID: which card-CA key signed it */
    uint8_t subject_id[KENHOJO_KEY_ID_LEN]; /* 被証明者鍵ID */
    struct kenhojo_rsa_pub key;             /* the certified key */
    kofu_cur body;                          /* 5F4E value: what the signature covers */
    kofu_cur signature;                     /* 5F37 value */
};

struct kenhojo_presence_key {
    struct kenhojo_rsa_pub key; /* DF51 */
    kofu_cur signed_object;     /* the whole DF51 TLV, as DF52 signs it */
    kofu_cur signature;         /* DF52 value */
};

/** Everything read from one card. Lives in the vault. */
struct kenhojo_card_data {
    struct kenhojo_file ef_my_number, ef_attributes, ef_integrity, ef_cv_cert, ef_presence_key;
    char my_number[KENHOJO_MY_NUMBER_LEN + 1];
    struct kenhojo_attributes attributes;
    struct kenhojo_integrity integrity;
    struct kenhojo_cv_cert cv_cert;
    struct kenhojo_presence_key presence_key; /* valid when ef_presence_key.present */
    enum kenhojo_presence presence;
};

/** One dialogue with one card, on a connected reader. */
struct kenhojo_session {
    struct card_reader *reader;
    uint16_t current_ef; /* 0 when unknown: saves a SELECT when already there */
    int tries_left;      /* from the last status query or VERIFY; KENHOJO_TRIES_UNKNOWN */
    bool pin_status_read;
};

/** Allocate zeroed card data in the vault; NULL if the vault is full. */
struct kenhojo_card_data *kenhojo_card_data_new(void);

/** Start a session on a connected reader and SELECT the Kenhojo AP.
 *  KOFU_E_NOT_MYNA when the card has no such AP. */
int kenhojo_open(struct kenhojo_session *s, struct card_reader *reader);

/** Read the PIN retry counter without spending a try. *tries_left gets the
 *  count (KENHOJO_TRIES_UNKNOWN if the card gives none). KOFU_E_PIN_BLOCKED
 *  when blocked. */
int kenhojo_pin_status(struct kenhojo_session *s, int *tries_left);

/** Present the PIN. Refused before reaching the card: KOFU_E_PIN_FORMAT when
 *  it is not exactly 4 ASCII digits; KOFU_E_ARG when the retry counter was
 *  not read first; KOFU_E_PIN_NOT_CONFIRMED when one try is left and
 *  last_try_confirmed is false. From the card: KOFU_OK, KOFU_E_PIN_WRONG
 *  (*tries_left set), KOFU_E_PIN_BLOCKED. */
int kenhojo_verify_pin(struct kenhojo_session *s, const char *pin, bool last_try_confirmed,
                       int *tries_left);

/** Read EF 0001, 0002, 0003, 0004 and (when the card has it) 0007 into d and
 *  parse them. Needs a verified PIN. KOFU_E_CARD_DATA when malformed. */
int kenhojo_read(struct kenhojo_session *s, struct kenhojo_card_data *d);

/** Check authenticity: the CV certificate under the trusted card-CA key for
 *  its issuer key id (card_ca_dir/<32 hex>.pem), DF33 over DF31‖DF32 under
 *  the certified key, DF31 = SHA-256(all of EF 0001), DF32 = SHA-256(EF 0002
 *  from DF22 to the end). Then, with a session, the presence proof: EF 0007's
 *  key signed by the certified key and a fresh challenge signed by the card.
 *  Returns KOFU_OK, KOFU_E_NOT_AUTHENTIC with *why, or a card error. */
int kenhojo_authenticate(struct kenhojo_session *s, struct kenhojo_card_data *d,
                         const char *card_ca_dir, bool presence_required, enum kenhojo_auth *why);

/* Parsers of the card's files (each fuzzed). KOFU_OK or KOFU_E_CARD_DATA. */
int kenhojo_parse_my_number(const uint8_t *p, size_t len, char out[KENHOJO_MY_NUMBER_LEN + 1]);
int kenhojo_parse_attributes(const uint8_t *p, size_t len, struct kenhojo_attributes *out);
int kenhojo_parse_integrity(const uint8_t *p, size_t len, struct kenhojo_integrity *out);
int kenhojo_parse_cv_cert(const uint8_t *p, size_t len, struct kenhojo_cv_cert *out);
int kenhojo_parse_presence_key(const uint8_t *p, size_t len, struct kenhojo_presence_key *out);

/** The My Number check digit rule (the 12th digit). */
bool kenhojo_my_number_valid(const char *digits12);

/** A stable short name for a reason, e.g. "cv-signature". */
const char *kenhojo_auth_name(enum kenhojo_auth why);
/** The reason in words. */
const char *kenhojo_auth_text(enum kenhojo_auth why, enum kofu_lang lang);

/* ---- from the PIN to verified data (kenhojo_read.c) ---------------------
 * The one sequence every front end (the kiosk, `kofu card read`, the test
 * harness) runs once the retry counter has been read and the resident has
 * decided. */

/** What the card's data is checked against. */
struct kenhojo_trust {
    const char *card_ca_dir; /* trusted card-CA keys; NULL: read only, no authenticity check */
    bool presence_required;  /* refuse cards that cannot prove presence */
};

struct kenhojo_read_result {
    struct kenhojo_card_data *data; /* in the vault, until vault_wipe; NULL when VERIFY failed or the vault is full */
    int tries_left;                 /* after VERIFY; KENHOJO_TRIES_UNKNOWN when the card gave none */
    enum kenhojo_auth why;          /* with KOFU_E_NOT_AUTHENTIC: the reason */
    double read_ms;                 /* machine time from the PIN to verified data (not the typing) */
};

/** VERIFY the PIN (kenhojo_verify_pin's rules: 4 digits, the counter read
 *  first, the last try only when confirmed), wipe the caller's PIN buffer
 *  (pin_cap bytes) right after, whatever the card answered, read the files into fresh
 *  card data in the vault and, with trust->card_ca_dir, check authenticity and
 *  presence (kenhojo_authenticate). Returns KOFU_OK, a PIN error
 *  (res->tries_left set), KOFU_E_NOMEM, a card error, KOFU_E_CARD_DATA, or
 *  KOFU_E_NOT_AUTHENTIC (res->why set; res->data holds what was read). */
int kenhojo_read_verified(struct kenhojo_session *s, char *pin, size_t pin_cap, bool last_try_confirmed,
                          const struct kenhojo_trust *trust, struct kenhojo_read_result *res);

#endif
