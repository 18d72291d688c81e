/*
 * es256.h — ECDSA P-256 with SHA-256 as JOSE and ICAO use it: signatures
 * in the raw 64-byte r‖s form (RFC 7518 §3.4), not OpenSSL's DER, and keys
 * named by their RFC 7638 JWK thumbprint.
 *
 * Owns: nothing long-lived; keys are OpenSSL EVP_PKEY, freed by the caller
 * with EVP_PKEY_free.
 *
 * The kiosk needs the same conversions to verify what the center signs
 * (es256_raw_to_der, es256_verify, es256_jwk_thumbprint); they belong in
 * the firmware once it verifies certificates, and centersim should then
 * use that copy.
 */
#ifndef CENTERSIM_ES256_H
#define CENTERSIM_ES256_H

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ES256_COORD_LEN 32
#define ES256_SIG_LEN 64
#define ES256_DER_MAX 72 /* SEQUENCE of two INTEGERs of up to 33 bytes */
#define ES256_KID_LEN 43 /* base64url of a SHA-256 digest */

/** Load a P-256 private key from a PEM file; NULL if unreadable or of any
 *  other kind. */
EVP_PKEY *es256_load_private(const char *path);
/** A P-256 public key from its two coordinates; NULL if not on the curve. */
EVP_PKEY *es256_public_from_xy(const uint8_t x[ES256_COORD_LEN], const uint8_t y[ES256_COORD_LEN]);
/** The public point of a P-256 key as two 32-byte big-endian coordinates. */
bool es256_public_xy(const EVP_PKEY *key, uint8_t x[ES256_COORD_LEN], uint8_t y[ES256_COORD_LEN]);

/** Sign SHA-256(msg) and return the raw r‖s signature. */
bool es256_sign(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t sig[ES256_SIG_LEN]);
/** Verify a raw r‖s signature over msg. */
bool es256_verify(EVP_PKEY *key, const uint8_t *msg, size_t len, const uint8_t sig[ES256_SIG_LEN]);

/** DER ECDSA-Sig-Value → raw r‖s (each left-padded to 32 bytes). False if
 *  the DER is not exactly one well-formed signature with r, s < 2^256. */
bool es256_der_to_raw(const uint8_t *der, size_t len, uint8_t raw[ES256_SIG_LEN]);
/** Raw r‖s → DER; returns the DER length, or 0 if it did not fit cap or r
 *  or s is zero. */
size_t es256_raw_to_der(const uint8_t raw[ES256_SIG_LEN], uint8_t *der, size_t cap);

/** The RFC 7638 thumbprint of an EC P-256 public key: base64url (no
 *  padding) of SHA-256 over {"crv":"P-256","kty":"EC","x":…,"y":…}. */
bool es256_jwk_thumbprint(const uint8_t x[ES256_COORD_LEN], const uint8_t y[ES256_COORD_LEN],
                          char kid[ES256_KID_LEN + 1]);

#endif
