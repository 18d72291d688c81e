/*
 * kcrypto.h — the few OpenSSL operations the card path needs, and the two
 * rules every TLS peer's certificate is held to (the center's, the
 * printer's), behind names that say what they are for.
 *
 * Owns: the last few public keys kcrypto_rsa_load_pem read (kcrypto.c says
 * why), nothing else long-lived. Keys are EVP_PKEY from OpenSSL 3; callers
 * free them with kcrypto_key_free.
 */
#ifndef KOFU_KCRYPTO_H
#define KOFU_KCRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct evp_pkey_st kcrypto_key;
struct x509_st;                /* OpenSSL's X509 */
struct X509_VERIFY_PARAM_st;   /* OpenSSL's X509_VERIFY_PARAM */

#define KCRYPTO_SHA256_LEN 32

/** SHA-256 of len bytes. */
bool kcrypto_sha256(const uint8_t *p, size_t len, uint8_t out[KCRYPTO_SHA256_LEN]);
/** An RSA public key from its big-endian modulus and exponent; NULL if the
 *  values are not a sane key (modulus 2048..4096 bits, odd exponent ≥ 3). */
kcrypto_key *kcrypto_rsa_from_parts(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len);
/** Load an RSA public key from a PEM file ("BEGIN PUBLIC KEY");
 *  NULL if it cannot be read, is over 16 KiB, or is not RSA of 2048..4096
 *  bits. A file with the same bytes as one read before gives the key
 *  remembered from then (by SHA-256); thread-safe. */
kcrypto_key *kcrypto_rsa_load_pem(const char *path);
/** RSASSA-PKCS1-v1_5 with SHA-256 over msg. */
bool kcrypto_rsa_verify_sha256(kcrypto_key *key, const uint8_t *msg, size_t msg_len,
                               const uint8_t *sig, size_t sig_len);
/** Fill p with len bytes from the CSPRNG. */
bool kcrypto_random(uint8_t *p, size_t len);
void kcrypto_key_free(kcrypto_key *key);

/** Whether a certificate may sign others: CA:TRUE, or (without basic
 *  constraints) a key usage for signing certificates or CRLs. A TLS peer's
 *  own certificate must not be one: it could mint peers. */
bool kcrypto_cert_is_ca(struct x509_st *x);
/** Make vp check the name a TLS peer's certificate must carry. host is as
 *  a URL gives it (an IPv6 literal may keep its brackets): an address
 *  literal must be an IP subjectAltName, a name a DNS subjectAltName; the
 *  subject's CN never counts, and no partial wildcards. false if host is
 *  too long or vp refuses it. */
bool kcrypto_expect_peer_name(struct X509_VERIFY_PARAM_st *vp, const char *host);

#endif
