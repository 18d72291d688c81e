/*
 * chip_crypto.h — the chip's own symmetric primitives for BAC, PACE and
 * secure messaging (ICAO 9303-11).
 *
 * Written apart from kofu's firmware/base/kcrypto_sym.c on purpose: the
 * virtual chip is the other end of every exchange, so a shared bug (wrong
 * padding, wrong key half) must not be able to pass on both sides. The DES
 * parts use OpenSSL's low-level DES_* routines (no provider needed, unlike
 * EVP's single DES), the AES parts EVP and EVP_MAC "CMAC".
 */
#ifndef PASSPORTSIM_CHIP_CRYPTO_H
#define PASSPORTSIM_CHIP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** ISO/IEC 9797-1 padding method 2 to a multiple of block (8 or 16): 80 00…
 *  appended in place; returns the new length (buf must have room). */
size_t cc_pad(uint8_t *buf, size_t n, size_t block);
/** Length of the data before method-2 padding, or -1 if the padding is bad. */
long cc_unpad(const uint8_t *buf, size_t n);

/** KDF(seed, c) of 9303-11 §9.7.1: SHA-1(seed‖c) first 16 bytes (AES-128
 *  and 2-key 3DES; parity is left alone: DES ignores it). */
void cc_kdf16(const uint8_t *seed, size_t n, uint32_t c, uint8_t out[16]);

/** 2-key 3DES-CBC, IV 0, n a multiple of 8; in and out may be the same. */
void cc_3des_cbc(const uint8_t key[16], const uint8_t *in, uint8_t *out, size_t n, bool enc);
/** ISO 9797-1 MAC algorithm 3 (retail MAC) over already padded data. */
void cc_retail_mac(const uint8_t key[16], const uint8_t *in, size_t n, uint8_t out[8]);

/** AES-128-CBC with iv (NULL = zeros), n a multiple of 16. */
bool cc_aes_cbc(const uint8_t key[16], const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t n, bool enc);
/** One AES-128 block (ECB) encryption. */
bool cc_aes_block(const uint8_t key[16], const uint8_t in[16], uint8_t out[16]);
/** AES-128 CMAC truncated to 8 bytes. */
bool cc_cmac8(const uint8_t key[16], const uint8_t *in, size_t n, uint8_t out[8]);

#endif
