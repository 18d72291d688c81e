/*
 * icao_bac.h — Basic Access Control (ICAO 9303 part 11 §4.3, §9.7) and the
 * key derivation BAC and PACE share.
 *
 * Owns: nothing long-lived. Keys come from MRZ_info (mrz.h); the session it
 * starts is an icao_sm in the vault. Every intermediate secret (K_seed,
 * K_enc, K_mac, the nonces, K.IFD) is wiped before returning.
 *
 * A chip that refuses MUTUAL AUTHENTICATE (any status but 9000) was given
 * keys it does not share: KOFU_E_PASSPORT_KEYS, and nothing is retried
 * (some chips count failed attempts and slow down).
 */
#ifndef KOFU_ICAO_BAC_H
#define KOFU_ICAO_BAC_H

#include "card/icao_sm.h"
#include "card/mrz.h"
#include "drivers/card_reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum icao_kdf_alg { ICAO_KDF_3DES, ICAO_KDF_AES128, ICAO_KDF_AES192, ICAO_KDF_AES256 };

#define ICAO_KDF_ENC 1u
#define ICAO_KDF_MAC 2u
#define ICAO_KDF_PACE 3u

/** KDF(K, c) of part 11 §9.7.1: SHA-1(K ‖ c) for 3DES (16 bytes, odd
 *  parity set on each byte) and AES-128 (16 bytes); SHA-256 for AES-192
 *  (first 24) and AES-256 (32). Returns the key length written to out
 *  (cap 32), 0 on failure. */
size_t icao_kdf(const uint8_t *k, size_t k_len, uint32_t c, enum icao_kdf_alg alg, uint8_t out[32]);

/** K_enc and K_mac of BAC from MRZ_info (K_seed = SHA-1(MRZ_info)[0..16]). */
bool icao_bac_keys(const char mrz_info[MRZ_INFO_LEN], uint8_t k_enc[16], uint8_t k_mac[16]);

/** Run BAC on a connected chip whose eMRTD application is selected: GET
 *  CHALLENGE, MUTUAL AUTHENTICATE, and on success start sm (3DES, the
 *  session keys and SSC). KOFU_OK, KOFU_E_PASSPORT_KEYS (the chip refused
 *  the keys), KOFU_E_PASSPORT_SM (the chip's answer does not verify), a
 *  transport error. */
int icao_bac(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], struct icao_sm *sm);

/** The same with the terminal's randomness given (RND.IFD and K.IFD, 8 and
 *  16 bytes): for the worked example of part 11 Appendix D only. */
int icao_bac_with(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], const uint8_t rnd_ifd[8],
                  const uint8_t k_ifd[16], struct icao_sm *sm);

#endif
