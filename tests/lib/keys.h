/*
 * keys.h — test keys and certificates, made and read with OpenSSL.
 *
 * Owns nothing: keys, certificates and strings returned are the caller's
 * (EVP_PKEY_free, X509_free, free). Everything here is independent of the
 * firmware's own code (base64url with OpenSSL's encoder, not base/b64), so
 * that a test does not check the firmware against itself. Throwaway keys
 * only; the test PKI of `make pki` is read with kt_load_key/kt_load_cert.
 */
#ifndef KOFU_TESTS_LIB_KEYS_H
#define KOFU_TESTS_LIB_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/** base64url of the n bytes at p, without padding (malloc'd; NULL when out
 *  of memory). */
char *kt_b64url(const void *p, size_t n);

/** ES256 over the n bytes at msg with key k: the JOSE form r‖s into raw;
 *  when der is not NULL, also the DER form OpenSSL makes (≤ 72 bytes) into
 *  der and its length into *der_len. False when signing failed. */
bool kt_es256_sign(EVP_PKEY *k, const void *msg, size_t n, uint8_t raw[64], uint8_t der[80], size_t *der_len);

/** Raw DEFLATE (RFC 1951, as SMART Health Cards use it: no zlib header) of
 *  the n bytes at p into out; the length into *len. False when it does not
 *  fit in cap. */
bool kt_raw_deflate(const void *p, size_t n, uint8_t *out, size_t cap, size_t *len);

/** A compact JWS signed with ES256 by k: base64url(header_json) "."
 *  base64url(payload) "." base64url(r‖s). malloc'd; NULL on failure. */
char *kt_jws_es256(EVP_PKEY *k, const char *header_json, const void *payload, size_t n);

/** The private key in the PEM file at path; NULL when it cannot be read. */
EVP_PKEY *kt_load_key(const char *path);

/** The first certificate in the PEM file at path; NULL when it cannot be read. */
X509 *kt_load_cert(const char *path);

/** A new P-256 key, also written as PEM to dir/name; NULL on failure. */
EVP_PKEY *kt_ec_key_pem(const char *dir, const char *name);

/** A self-signed certificate for key (CN "kofu test signer", valid from an
 *  hour ago for a day), written as PEM to dir/name. */
bool kt_self_signed_pem(const char *dir, const char *name, EVP_PKEY *key);

#endif
