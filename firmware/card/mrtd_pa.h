/*
 * mrtd_pa.h — passive authentication of a passport chip's data (ICAO 9303
 * part 11 §5.1, part 12): EF.SOD's CMS signature, the data group hashes of
 * its LDS security object, and the Document Signer's chain to a trusted
 * Country Signing CA.
 *
 * Owns: struct mrtd_trust, the configured CSCAs and link certificates
 * (public data, on the ordinary heap, loaded once at start-up before the
 * sandbox and read-only afterwards, so threads may share it). Nothing here
 * keeps resident data: DG1 is only hashed, in place.
 *
 * The trust is the configuration, never a list's signer: a master list's
 * signature is checked for integrity, its certificates are what the
 * configuration chose to trust. The chain is checked at the time the SOD was
 * signed (its signingTime, else the Document Signer's notBefore), because a
 * passport outlives its signer's key by years; a CSCA with explicit EC
 * parameters is accepted when they are those of a named curve; a link
 * certificate in the set may anchor a chain.
 */
#ifndef KOFU_MRTD_PA_H
#define KOFU_MRTD_PA_H

#include "base/errors.h"
#include "base/words.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MRTD_SOD_MAX 16384  /* EF.SOD larger than this is refused (real ones: 1.5–6 KiB) */
#define MRTD_TRUST_MAX 2048 /* certificates in one trust set: a whole ICAO or national master list (several hundred) fits */

/** Why passive authentication failed. */
enum mrtd_pa {
    MRTD_PA_OK = 0,
    MRTD_PA_NO_TRUST,         /* no trust anchors configured: nothing can pass */
    MRTD_PA_SOD_FORM,         /* EF.SOD is not a CMS SignedData with one signer */
    MRTD_PA_SOD_CONTENT_TYPE, /* its content is not an LDS security object */
    MRTD_PA_SOD_SIGNATURE,    /* the signature over the signed attributes, or the messageDigest, is wrong */
    MRTD_PA_DS_UNTRUSTED,     /* the Document Signer does not chain to a configured CSCA */
    MRTD_PA_DS_VALIDITY,      /* a certificate of the chain was not valid when the SOD was signed */
    MRTD_PA_DS_USAGE,         /* the Document Signer is a CA, or lacks digitalSignature */
    MRTD_PA_HASH_ALGORITHM,   /* the LDS security object names a hash kofu does not accept */
    MRTD_PA_DG_MISSING,       /* DG1 (or a data group EF.COM lists) has no hash in the SOD */
    MRTD_PA_DG1_HASH,         /* DG1 is not what the SOD signed */
    MRTD_PA_COUNTRY,          /* the signer's country is not DG1's issuing state */
    MRTD_PA__COUNT
};

struct mrtd_trust; /* opaque */

/** Load trust anchors from path: a directory (every *.pem in it, sorted),
 *  a PEM file with one or more certificates, or a CSCA master list (DER CMS,
 *  eContentType 2.23.136.1.1.2; its signature checked, its signer not
 *  trusted). Every certificate must be a CA certificate (CA:TRUE or
 *  keyCertSign). KOFU_OK with *out, or KOFU_E_CONFIG with a reason in err
 *  (cap bytes, technician's words, no resident data). */
int mrtd_trust_load(const char *path, struct mrtd_trust **out, char *err, size_t cap);

/** How many certificates the set holds. */
size_t mrtd_trust_count(const struct mrtd_trust *t);

void mrtd_trust_free(struct mrtd_trust *t);

/** What passive authentication covers. */
struct mrtd_pa_input {
    const uint8_t *sod; size_t sod_len;    /* EF.SOD as read: 77 L { ContentInfo } */
    const uint8_t *dg1; size_t dg1_len;    /* EF.DG1 as read: 61 L { ... } */
    const uint8_t *dg_list; size_t dg_count; /* the data group numbers EF.COM lists (1..16), may be NULL */
    const char *issuing_state;             /* DG1's, e.g. "JPN", "D", "UTO" */
};

/** Verify. trust NULL or empty gives MRTD_PA_NO_TRUST. Returns MRTD_PA_OK
 *  or the first reason found. Fuzzed through the SOD (fuzz_sod). */
enum mrtd_pa mrtd_pa_verify(const struct mrtd_trust *trust, const struct mrtd_pa_input *in);

/** Parse the LDS security object (the SOD's content, DER: version, the hash
 *  algorithm, the data group hashes): the pointers go into p. A data group
 *  number outside 1..16, listed twice, or a hash whose length is not the
 *  algorithm's is malformed. KOFU_OK or KOFU_E_PASSPORT_DATA. Fuzzed
 *  (fuzz_lds_so). */
struct mrtd_lds_so {
    const uint8_t *hash_oid; size_t hash_oid_len;
    const uint8_t *hashes[17]; size_t hash_len[17]; /* by data group number 1..16; NULL: absent */
};
int mrtd_lds_so_parse(const uint8_t *p, size_t n, struct mrtd_lds_so *out);

/** A stable short name, e.g. "dg1-hash". */
const char *mrtd_pa_name(enum mrtd_pa why);
/** The reason in words, for the technician's `kofu passport read`. */
const char *mrtd_pa_text(enum mrtd_pa why, enum kofu_lang lang);

#endif
