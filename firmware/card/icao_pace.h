/*
 * icao_pace.h — PACE (ICAO 9303 part 11 §4.4): the generic mapping over
 * elliptic curves with AES secure messaging, the only PACE kofu speaks.
 *
 * Owns: the parser of EF.CardAccess (which PACE a chip offers) and the
 * protocol. Every secret (K_π, the nonce, the ephemeral private keys, the
 * shared secret) is wiped or BN_clear_free'd before returning; the session
 * it starts is an icao_sm in the vault.
 *
 * What is not spoken: DH groups, the integrated and chip-authentication
 * mappings, 3DES PACE. A chip that offers only those is read with BAC (a
 * passport must offer BAC as long as it offers no PACE the terminal knows).
 * PACE with a CAN is not offered: the keys come from the MRZ.
 */
#ifndef KOFU_ICAO_PACE_H
#define KOFU_ICAO_PACE_H

#include "card/icao_sm.h"
#include "card/mrz.h"
#include "drivers/card_reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** One PACEInfo kofu can use. */
struct icao_pace_info {
    uint8_t oid[16];   /* the protocol OID's content bytes, e.g. 04 00 7F 00 07 02 02 04 02 02 */
    size_t oid_len;
    size_t key_len;    /* AES key: 16, 24 or 32 */
    int curve_nid;     /* OpenSSL NID of the standardized domain parameters */
    int parameter_id;  /* the parameterId as the chip gave it (8..18) */
};

/** Parse EF.CardAccess (a DER SET OF SecurityInfo) and pick the first
 *  PACEInfo with id-PACE-ECDH-GM-AES-CBC-CMAC-{128,192,256}, version 2 and a
 *  standardized curve parameterId (8..18). KOFU_OK with *found true and
 *  *out set; KOFU_OK with *found false when the file is well formed but
 *  offers nothing kofu speaks (then BAC); KOFU_E_PASSPORT_DATA when it is
 *  malformed. Fuzzed (fuzz_card_access). */
int icao_card_access_parse(const uint8_t *p, size_t n, struct icao_pace_info *out, bool *found);

/** Run PACE on a connected chip (MSE:Set AT, then the four GENERAL
 *  AUTHENTICATE steps) with K_π from MRZ_info, and on success start sm (AES,
 *  SSC zero). KOFU_OK; KOFU_E_PASSPORT_KEYS (the chip refused the token on
 *  the last step with 63xx or 6982: the numbers are wrong); KOFU_E_PASSPORT_SM
 *  (the chip's point, token or answers are wrong, or it refused one of the
 *  steps before the last); KOFU_E_PASSPORT_DATA (pi is not one kofu speaks,
 *  or the chip refused MSE:Set AT, i.e. the PACE its own EF.CardAccess
 *  offers: no key was tried yet); a transport error. */
int icao_pace(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], const struct icao_pace_info *pi,
              struct icao_sm *sm);

/** The same with the terminal's two ephemeral private keys given
 *  (big-endian, 0 < key < order): for the worked example of part 11
 *  Appendix G only. */
int icao_pace_with(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], const struct icao_pace_info *pi,
                   const uint8_t *sk_map, size_t sk_map_len, const uint8_t *sk, size_t sk_len,
                   struct icao_sm *sm);

/** Room enough for any point here (P-521: 04 ‖ 66 ‖ 66) and any nonce. */
#define ICAO_PACE_POINT_MAX 133
#define ICAO_PACE_NONCE_MAX 32

/* ---- the steps, with their randomness given: part 11 Appendix G's worked
 * example reproduces each value through these (icao_pace runs them with
 * fresh random keys). Points are uncompressed (04 ‖ x ‖ y). Every *_len of
 * an output holds its buffer's capacity on entry and the length written on
 * return; a buffer too small is a failure. */

/** s = AES-CBC-decrypt(K_π, IV 0, z); K_π = KDF(SHA-1(MRZ_info), 3). z is
 *  16 or 32 bytes. */
bool icao_pace_decrypt_nonce(const char mrz_info[MRZ_INFO_LEN], size_t key_len, const uint8_t *z,
                             size_t z_len, uint8_t *s, size_t *s_len);

/** The generic mapping: with the terminal's mapping key sk_map (big-endian)
 *  and the chip's mapping point pk_map_ic, the mapped generator
 *  G~ = s·G + sk_map·PK_map,IC, written to g_mapped (1 + 2·field bytes).
 *  Also the terminal's own mapping point pk_map_ifd = sk_map·G. false when a
 *  point is not on the curve or is infinity. */
bool icao_pace_map_gm(int curve_nid, const uint8_t *s, size_t s_len, const uint8_t *sk_map,
                      size_t sk_len, const uint8_t *pk_map_ic, size_t pk_map_ic_len,
                      uint8_t *pk_map_ifd, size_t *pk_map_ifd_len, uint8_t *g_mapped,
                      size_t *g_mapped_len);

/** Key agreement on the mapped curve: PK_IFD = sk·G~, K = x(sk·PK_IC) padded
 *  to the field length. false when PK_IC is not on the mapped curve, is
 *  infinity, or equals PK_IFD. */
bool icao_pace_agree(int curve_nid, const uint8_t *g_mapped, size_t g_mapped_len, const uint8_t *sk,
                     size_t sk_len, const uint8_t *pk_ic, size_t pk_ic_len, uint8_t *pk_ifd,
                     size_t *pk_ifd_len, uint8_t *k, size_t *k_len);

/** The authentication token: the first 8 bytes of CMAC(KS_mac, 7F49 L { 06 L
 *  OID, 86 L point }) over the *other* side's ephemeral public point. */
bool icao_pace_token(const uint8_t *ks_mac, size_t key_len, const uint8_t *oid, size_t oid_len,
                     const uint8_t *point, size_t point_len, uint8_t out[8]);

#endif
