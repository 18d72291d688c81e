/*
 * kcrypto_sym.h — the symmetric primitives of the passport chip's protocols
 * (ICAO 9303 parts 11: BAC, PACE, secure messaging), behind names that say
 * what they are for.
 *
 * Owns: nothing long-lived. Every function is stateless; the caller owns the
 * buffers (for session keys: the vault) and every function wipes its own
 * OpenSSL context before returning. All of it runs in OpenSSL 3's default
 * provider: single DES, which the retail MAC needs, is done as two-key 3DES
 * with K1‖K1, so the legacy provider (and its module in the sandbox) is
 * never loaded.
 *
 * Lengths are in bytes. Block ciphers here never pad: n must be a whole
 * number of blocks (8 for 3DES, 16 for AES), else the call returns false.
 * Split: kcrypto_des.c (SHA-1, 3DES, retail MAC), kcrypto_aes.c (AES, CMAC,
 * the digests by OID).
 */
#ifndef KOFU_KCRYPTO_SYM_H
#define KOFU_KCRYPTO_SYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KCRYPTO_SHA1_LEN 20
#define KCRYPTO_DIGEST_MAX 64 /* SHA-512 */

/** SHA-1 of n bytes (BAC and PACE key derivation only: never a signature). */
bool kcrypto_sha1(const uint8_t *p, size_t n, uint8_t out[KCRYPTO_SHA1_LEN]);

/** The digest named by a DER OBJECT IDENTIFIER's content bytes (without tag
 *  and length): SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512. Writes the
 *  digest of msg to out (cap ≥ KCRYPTO_DIGEST_MAX) and its length to
 *  *out_len. false for any other algorithm. */
bool kcrypto_digest_by_oid(const uint8_t *oid, size_t oid_len, const uint8_t *msg, size_t n,
                           uint8_t *out, size_t *out_len);

/** Two-key 3DES (K1‖K2, 16 bytes) in CBC mode with the given 8-byte IV
 *  (NULL: zeros). enc true encrypts. in and out may be the same buffer. */
bool kcrypto_3des_cbc(const uint8_t key[16], const uint8_t iv[8], const uint8_t *in, uint8_t *out,
                      size_t n, bool enc);

/** ISO/IEC 9797-1 MAC algorithm 3 with DES (the "retail MAC"), key K1‖K2,
 *  IV zero, over n bytes that the caller has already padded (ISO 9797-1
 *  method 2) to a multiple of 8. */
bool kcrypto_retail_mac(const uint8_t key[16], const uint8_t *in, size_t n, uint8_t out[8]);

/** AES-CBC with a 16, 24 or 32-byte key and a 16-byte IV (NULL: zeros). */
bool kcrypto_aes_cbc(const uint8_t *key, size_t key_len, const uint8_t iv[16], const uint8_t *in,
                     uint8_t *out, size_t n, bool enc);

/** One AES block in ECB mode, encrypting (the IV of AES secure messaging is
 *  E(KS_enc, SSC)). */
bool kcrypto_aes_block(const uint8_t *key, size_t key_len, const uint8_t in[16], uint8_t out[16]);

/** AES-CMAC (NIST SP 800-38B) with a 16, 24 or 32-byte key, the whole
 *  16-byte tag (callers truncate to 8). */
bool kcrypto_aes_cmac(const uint8_t *key, size_t key_len, const uint8_t *in, size_t n,
                      uint8_t out[16]);

#endif
