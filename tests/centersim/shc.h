/*
 * shc.h — SMART Health Cards as the center issues them (the SMART
 * Health Cards specification): a FHIR bundle (one Patient, one Immunization per dose), minified,
 * raw-DEFLATE compressed, signed as a compact JWS with ES256.
 *
 * Owns: the issuer (its P-256 key, kid and iss URL) and the key set served
 * at <iss>/.well-known/jwks.json. Intermediate buffers hold resident data,
 * so they are allocated with wipeheap (zeroed when freed); the finished JWS
 * goes to a buffer the caller owns (in the vault).
 */
#ifndef CENTERSIM_SHC_H
#define CENTERSIM_SHC_H

#include "store.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHC_JWS_MAX 1195 /* one QR code at version 22, error correction L (docs/printing.md) */
#define SHC_ISS_MAX 200
#define SHC_DEFAULT_ISS "https://center.kofu.test/issuer"

enum shc_result { SHC_OK = 0, SHC_TOO_LARGE = 1, SHC_ERROR = -1 };

typedef struct shc_issuer shc_issuer;

/** True for an issuer URL the spec allows: https, a host, no trailing '/',
 *  no query or fragment, printable ASCII, at most SHC_ISS_MAX characters. */
bool shc_iss_valid(const char *iss);
/** Load the issuer key (PEM, EC P-256) for the issuer URL iss. NULL with a
 *  reason in err when the key or the URL is not usable. */
shc_issuer *shc_issuer_load(const char *key_path, const char *iss, char *err, size_t errlen);
void shc_issuer_free(shc_issuer *is);
/** The key's RFC 7638 thumbprint (the JWS kid). */
const char *shc_issuer_kid(const shc_issuer *is);
/** The path of <iss>/.well-known/jwks.json on this server, e.g.
 *  "/issuer/.well-known/jwks.json". */
const char *shc_issuer_jwks_path(const shc_issuer *is);
/** {"keys":[{kty, kid, use, alg, crv, x, y}]} — no private part.
 *  bad_kid: a kid that is not the thumbprint (the jwks-bad-kid fault). */
json_t *shc_jwks(const shc_issuer *is, bool bad_kid);

/** The JWT claims {iss, nbf, vc} with the FHIR bundle, keys in a fixed order.
 *  NULL on allocation failure. */
json_t *shc_payload(const char *iss, const struct store_resident *r, const struct store_dose *doses,
                    size_t n, int64_t nbf);
/** Issue a card: the compact JWS goes to jws (NUL-terminated), *len its
 *  length. SHC_TOO_LARGE (with *len set, jws untouched) when it would not
 *  fit one QR code (SHC_JWS_MAX), SHC_ERROR on any other failure.
 *  flip_bit: flip one bit of the signature (the bad-signature fault). */
int shc_issue(const shc_issuer *is, const struct store_resident *r, const struct store_dose *doses, size_t n,
              int64_t nbf, bool flip_bit, char *jws, size_t cap, size_t *len);

#endif
