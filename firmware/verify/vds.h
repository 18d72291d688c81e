/*
 * vds.h — verification of the ICAO VDS-NC vaccination seal (icao.vacc) the
 * certificate center returns for overseas certificates (documents[].seal;
 * ICAO's VDS-NC specification).
 *
 * Owns: the pinned CSCA (vds_csca, loaded from a PEM file at start-up) and
 * the verifier. A seal is {"data":{"hdr":{t,v,is},"msg":{…}},
 * "sig":{"alg":"ES256","cer":<base64url DER>,"sigvl":<base64url r‖s>}}:
 * the barcode signer's certificate `cer` must chain directly to the pinned
 * CSCA and be valid at the given time, its key EC P-256, and `sigvl` an
 * ES256 signature over the RFC 8785 canonical form of `data` (jcs.h).
 * Only then is msg read, and its holder compared with the expected person.
 *
 * Memory: the verified data goes to caller-owned storage (vds_document_new
 * puts it in the vault); the canonical form of `data` is built in vault
 * scratch and wiped before vds_verify returns (VDS_VERIFY_VAULT_BYTES).
 * The seal JSON is parsed by jansson on the heap (install a wiping jansson
 * allocator at start-up). Nothing is logged.
 */
#ifndef KOFU_VDS_H
#define KOFU_VDS_H

#include "base/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VDS_SEAL_INPUT_MAX 16384 /* seal JSON text read, in bytes (the center keeps ≤ 8191) */
#define VDS_CERT_DER_MAX 4096
#define VDS_CSCA_MAX 8           /* certificates in the pinned CSCA file (a new CSCA and link certificates) */
#define VDS_TEXT_MAX 100         /* any printed field: UTF-8 bytes */
#define VDS_DOSES_MAX 10
#define VDS_VERIFY_VAULT_BYTES (VDS_SEAL_INPUT_MAX + 64)

/** Why a seal was refused. Names and words: vds_reason_name/_text. */
enum vds_reason {
    VDS_REASON_OK = 0,
    VDS_REASON_JSON,             /* not one JSON object (or a repeated member), or too long */
    VDS_REASON_SHAPE,            /* data, hdr, msg, sig, cer or sigvl missing or of the wrong type */
    VDS_REASON_HEADER,           /* hdr.t not icao.vacc, v not 1, or is not three capital letters */
    VDS_REASON_ALG,              /* sig.alg is not ES256 */
    VDS_REASON_CERT_FORM,        /* cer is not base64url of one DER X.509 certificate */
    VDS_REASON_CERT_UNTRUSTED,   /* the signer does not chain to the pinned CSCA */
    VDS_REASON_CERT_VALIDITY,    /* the signer (or CSCA) is expired or not yet valid at the given time */
    VDS_REASON_CERT_USAGE,       /* the signer is a CA or its key usage excludes digitalSignature */
    VDS_REASON_CERT_KEY,         /* the signer's key is not EC P-256 */
    VDS_REASON_SIGNATURE_FORM,   /* sigvl is not 64 bytes r‖s with r, s in [1, n-1] (e.g. DER) */
    VDS_REASON_CANONICAL,        /* data has no canonical form (a real number, an integer beyond ±2^53,
                                    nesting too deep) */
    VDS_REASON_SIGNATURE,        /* the signature does not verify */
    VDS_REASON_MSG,              /* msg fields missing or of the wrong type or form */
    VDS_REASON_NO_DOSES,         /* no vaccination event with a dose */
    VDS_REASON_TOO_MANY_DOSES,   /* more than VDS_DOSES_MAX doses */
    VDS_REASON_OTHER_NAME,       /* pid.n is not the expected name */
    VDS_REASON_OTHER_BIRTH_DATE, /* pid.dob is not the expected birth date */
    VDS_REASON_OTHER_DOCUMENT,   /* pid.i is not the expected passport number */
    VDS_REASON_INTERNAL,         /* out of (vault) memory, or a library failure */
    VDS_REASON__COUNT
};

/** The pinned CSCA certificate(s). */
typedef struct vds_csca vds_csca;

/** Load 1..VDS_CSCA_MAX PEM certificates, each a CA certificate with an
 *  EC key. KOFU_E_CONFIG with a reason in err otherwise. */
int vds_csca_load(const char *path, vds_csca **out, char *err, size_t errlen);
void vds_csca_free(vds_csca *c);

/** Whom the seal must be about. */
struct vds_person {
    const char *name;            /* as the center registered it from the passport, e.g. "YAMADA TARO" */
    const char *birth_date;      /* YYYYMMDD, as on the My Number card */
    const char *passport_number; /* the registered passport number; NULL: not compared */
};

struct vds_dose {
    char date[11];   /* dvc, YYYY-MM-DD */
    int seq;         /* dose number, 1..99 */
    char country[4]; /* ctr, ISO 3166-1 alpha-3 */
    char lot[VDS_TEXT_MAX + 1];
    char adm[VDS_TEXT_MAX + 1];     /* administering centre; "" if absent */
    char next_date[11];             /* dvn; "" if absent */
    char vaccine[VDS_TEXT_MAX + 1]; /* ve.des: ICD-11 code, e.g. XM68M6 */
    char product[VDS_TEXT_MAX + 1]; /* ve.nam */
    char disease[VDS_TEXT_MAX + 1]; /* ve.dis; "" if absent */
};

/** A verified seal: what the certificate prints. Lives in the vault. */
struct vds_document {
    char issuing_state[4]; /* hdr.is */
    char uvci[VDS_TEXT_MAX + 1];
    char name[VDS_TEXT_MAX + 1];            /* pid.n */
    char birth_date[11];                    /* pid.dob, YYYY-MM-DD */
    char sex[2];                            /* pid.sex; "" if absent */
    char passport_number[VDS_TEXT_MAX + 1]; /* pid.i; "" if absent */
    size_t n_doses;
    struct vds_dose doses[VDS_DOSES_MAX]; /* flattened: event by event, dose by dose */
};

/** Zeroed storage in the vault; NULL when the vault is full. */
struct vds_document *vds_document_new(void);

/** Verify the seal JSON text (len bytes) against the pinned CSCA at time
 *  `now` (seconds since the epoch) for `person`. KOFU_OK with *out filled;
 *  KOFU_E_CENTER_RESPONSE with the reason in *why and *out zeroed when the
 *  seal is refused; KOFU_E_ARG for a bad call; KOFU_E_NOMEM when the vault
 *  lacks VDS_VERIFY_VAULT_BYTES; KOFU_E_INTERNAL when a library call fails
 *  (both with VDS_REASON_INTERNAL). */
int vds_verify(const char *seal, size_t len, const vds_csca *csca, int64_t now, const struct vds_person *person,
               struct vds_document *out, enum vds_reason *why);

/** A stable short name for a reason, e.g. "cert-untrusted". */
const char *vds_reason_name(enum vds_reason why);
/** The reason in words. Never NULL. */
const char *vds_reason_text(enum vds_reason why, enum kofu_lang lang);

#endif
