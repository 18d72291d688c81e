/*
 * shc.h — verification of the SMART Health Card the certificate center
 * returns (documents[].jws; the SMART Health Cards specification).
 *
 * Owns: the pinned issuer key set (shc_keyset, loaded from a JWKS file at
 * start-up, never fetched), the verifier, and the ES256 (raw r‖s) check
 * that vds.c shares. (The QR's numeric digits are ui/qr_numeric.h's.)
 *
 * The verifier refuses a card for one reason at a time (enum shc_reason),
 * checked in this order: the JWS shape; the header (alg ES256, zip DEF, kid,
 * no crit); the key chosen by kid from the pinned set; the ES256 signature
 * over the signing input — and only then the payload is inflated (raw
 * DEFLATE, capped at SHC_PAYLOAD_MAX) and read: iss on the allow list, nbf,
 * exp, vc.type, the FHIR bundle (one Patient, 1..SHC_DOSES_MAX
 * Immunizations), and last the person: the Patient's name and birth date
 * must be the card holder's.
 *
 * Memory: the verified data goes to caller-owned storage (shc_card_new puts
 * it in the vault); scratch buffers (the compressed and the inflated
 * payload, zlib's window) are taken from the vault and released, wiped,
 * before shc_verify returns, so the vault needs SHC_VERIFY_VAULT_BYTES free.
 * The payload JSON is parsed by jansson on the heap: the process must
 * install a wiping jansson allocator (json_set_alloc_funcs) at start-up.
 * Nothing here logs resident data, or anything at all.
 */
#ifndef KOFU_SHC_H
#define KOFU_SHC_H

#include "base/errors.h"
#include "base/kcrypto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHC_JWS_INPUT_MAX 16384    /* longest JWS read, in characters (the protocol sends ≤ 1195) */
#define SHC_PAYLOAD_MAX (64 * 1024) /* inflated payload cap: a deflate bomb stops here */
#define SHC_KID_LEN 43             /* base64url of a SHA-256 thumbprint */
#define SHC_KEYSET_MAX 16          /* keys in one pinned key set */
#define SHC_KEYSET_FILE_MAX (64 * 1024)
#define SHC_ISS_LEN_MAX 255
#define SHC_NAME_MAX 512           /* family name, and the given names joined: UTF-8 bytes */
#define SHC_TEXT_MAX 128           /* lot number, performer: UTF-8 bytes */
#define SHC_DOSES_MAX 10
#define SHC_CLOCK_SKEW 300         /* seconds nbf may lie ahead of the kiosk's clock (suggested) */
/* What shc_verify borrows from the vault (and gives back). */
#define SHC_VERIFY_VAULT_BYTES (128 * 1024) /* scratch ~78 KiB + zlib ~40 KiB */

/** Why a card was refused. Names and words: shc_reason_name/_text. */
enum shc_reason {
    SHC_REASON_OK = 0,
    SHC_REASON_JWS_FORM,          /* not three strict base64url parts, or too long */
    SHC_REASON_HEADER_JSON,       /* header is not one JSON object (or repeats a member) */
    SHC_REASON_HEADER_ALG,        /* alg is not ES256 */
    SHC_REASON_HEADER_ZIP,        /* zip is not DEF */
    SHC_REASON_HEADER_CRIT,       /* the header has crit */
    SHC_REASON_HEADER_KID,        /* kid missing or not a thumbprint */
    SHC_REASON_KID_UNKNOWN,       /* no pinned key has this kid */
    SHC_REASON_SIGNATURE_FORM,    /* not 64 bytes r‖s with r, s in [1, n-1] (e.g. DER) */
    SHC_REASON_SIGNATURE,         /* the signature does not verify */
    SHC_REASON_DEFLATE,           /* the payload is not raw DEFLATE (a zlib header, corrupt, cut short) */
    SHC_REASON_DEFLATE_TRAILING,  /* bytes after the end of the DEFLATE stream */
    SHC_REASON_PAYLOAD_TOO_LARGE, /* inflates beyond SHC_PAYLOAD_MAX */
    SHC_REASON_PAYLOAD_JSON,      /* payload is not one JSON object (or repeats a member) */
    SHC_REASON_ISS_FORM,          /* iss missing, not https, or ends in '/' */
    SHC_REASON_ISS_NOT_ALLOWED,   /* iss not on the allow list */
    SHC_REASON_TIME_FORM,         /* nbf missing, or nbf/exp not a number */
    SHC_REASON_NOT_YET_VALID,     /* nbf after now (beyond the clock skew) */
    SHC_REASON_EXPIRED,           /* exp before now */
    SHC_REASON_VC_TYPE,           /* vc.type lacks https://smarthealth.cards#health-card */
    SHC_REASON_FHIR_VERSION,      /* vc.credentialSubject.fhirVersion missing */
    SHC_REASON_BUNDLE,            /* fhirBundle not a Bundle, entry[] malformed, another resource type */
    SHC_REASON_PATIENT,           /* not exactly one well-formed Patient at resource:0 */
    SHC_REASON_IMMUNIZATION,      /* an Immunization is malformed (status, date, lot, performer) */
    SHC_REASON_NO_IMMUNIZATION,   /* no Immunization at all */
    SHC_REASON_TOO_MANY_DOSES,    /* more than SHC_DOSES_MAX Immunizations */
    SHC_REASON_VACCINE_CODE,      /* no CVX coding with a numeric code */
    SHC_REASON_REFERENCE,         /* patient.reference is not resource:0 */
    SHC_REASON_OTHER_NAME,        /* the name is not the card holder's */
    SHC_REASON_OTHER_BIRTH_DATE,  /* the birth date is not the card holder's */
    SHC_REASON_INTERNAL,          /* out of (vault) memory, or a library failure */
    SHC_REASON__COUNT
};

/** A pinned key set: public EC P-256 keys, each with its RFC 7638 kid. */
typedef struct shc_keyset shc_keyset;

/** Load a JWKS file {"keys":[{kty EC, crv P-256, x, y, kid, [use sig],
 *  [alg ES256], ...}]}. Refused (KOFU_E_CONFIG, a reason in err) when: not
 *  JSON or a repeated member; no keys or more than SHC_KEYSET_MAX; a key
 *  that is not EC P-256 on the curve; use/alg other than sig/ES256; a
 *  private part (d); a kid that is not the RFC 7638 thumbprint
 *  (base64url SHA-256 of {"crv":"P-256","kty":"EC","x":…,"y":…}); a kid
 *  twice. Other members (x5c, crlVersion) are ignored: the set is pinned. */
int shc_keyset_load(const char *path, shc_keyset **out, char *err, size_t errlen);
/** The same from JSON text in memory. */
int shc_keyset_parse(const char *json, size_t len, shc_keyset **out, char *err, size_t errlen);
size_t shc_keyset_count(const shc_keyset *ks);
/** The kid of key i (NULL when out of range). */
const char *shc_keyset_kid(const shc_keyset *ks, size_t i);
void shc_keyset_free(shc_keyset *ks);

/** What the kiosk trusts (configuration). */
struct shc_trust {
    const shc_keyset *keys;
    const char *const *issuers; /* allowed iss values, compared exactly */
    size_t n_issuers;
    unsigned clock_skew;        /* seconds; SHC_CLOCK_SKEW is a good value */
};

/** Whom the card must be about: the My Number card's holder. */
struct shc_person {
    const char *name;       /* UTF-8 as on the card: family U+3000 given (U+3000 between given names too) */
    const char *birth_date; /* YYYYMMDD as on the card */
};

struct shc_dose {
    char date[11]; /* occurrenceDateTime, YYYY-MM-DD */
    char cvx[4];   /* 1..3 digits */
    char lot[SHC_TEXT_MAX + 1];
    char performer[SHC_TEXT_MAX + 1];
};

/** A verified card: what the certificate prints. Lives in the vault. */
struct shc_card {
    char iss[SHC_ISS_LEN_MAX + 1];
    char kid[SHC_KID_LEN + 1];
    int64_t nbf;  /* seconds since the epoch (a fraction dropped) */
    bool has_exp;
    int64_t exp;
    char family[SHC_NAME_MAX + 1];
    char given[SHC_NAME_MAX + 1]; /* the given names joined with U+3000, as on the card; "" if none */
    char birth_date[11];          /* YYYY-MM-DD */
    size_t n_doses;
    struct shc_dose doses[SHC_DOSES_MAX]; /* in the bundle's order */
};

/** Zeroed card storage in the vault; NULL when the vault is full. */
struct shc_card *shc_card_new(void);

/** Verify the compact JWS `jws` (NUL-terminated) against `trust` at time
 *  `now` (seconds since the epoch) for `person`. KOFU_OK with *out filled
 *  and *why = SHC_REASON_OK; KOFU_E_CENTER_RESPONSE with the reason in *why
 *  and *out zeroed when the card is refused; KOFU_E_ARG for a bad call (a
 *  malformed person or allow-list entry); KOFU_E_NOMEM (SHC_REASON_INTERNAL)
 *  when the vault lacks SHC_VERIFY_VAULT_BYTES; KOFU_E_INTERNAL
 *  (SHC_REASON_INTERNAL) when a library call fails. */
int shc_verify(const char *jws, const struct shc_trust *trust, int64_t now, const struct shc_person *person,
               struct shc_card *out, enum shc_reason *why);

/** A stable short name for a reason, e.g. "kid-unknown". */
const char *shc_reason_name(enum shc_reason why);
/** The reason in words. Never NULL. */
const char *shc_reason_text(enum shc_reason why, enum kofu_lang lang);

/** ES256 with the JOSE signature form (raw 32-byte r ‖ 32-byte s), shared
 *  with vds.c: KOFU_OK; KOFU_E_ARG when sig is not 64 bytes or r or s is
 *  outside [1, n−1]; KOFU_E_NOT_AUTHENTIC when it does not verify over msg
 *  with key. */
int shc_es256_verify(kcrypto_key *key, const uint8_t *msg, size_t len, const uint8_t *sig, size_t sig_len);
/** True if key is an EC key on P-256. */
bool shc_key_is_p256(kcrypto_key *key);

#endif
