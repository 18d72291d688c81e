/*
 * icao_sm.h — secure messaging with a passport chip (ICAO 9303 part 11 §9.8):
 * every APDU after BAC or PACE, wrapped (DO87 encrypted data, DO97 Le, DO8E
 * MAC) and every response unwrapped and checked (DO99 status, DO8E MAC).
 *
 * Owns: struct icao_sm, the session keys and send sequence counter. It holds
 * secrets: it lives in the vault (the caller allocates it there) and
 * icao_sm_end wipes it. One context per chip session; it is never reused
 * after an error (a wrong MAC or a bare status word from the chip ends the
 * session: there is no way to resynchronise the counter, and this read path
 * never needs to go on after one).
 *
 * Two algorithms: 3DES after BAC (8-byte blocks, retail MAC, IV zero) and AES
 * after PACE (16-byte blocks, CMAC truncated to 8 bytes, IV = E(KS_enc, SSC)).
 * The counter is incremented before the MAC of each command and of each
 * response.
 */
#ifndef KOFU_ICAO_SM_H
#define KOFU_ICAO_SM_H

#include "drivers/card_reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum icao_sm_alg { ICAO_SM_3DES = 1, ICAO_SM_AES = 2 };

struct icao_sm {
    enum icao_sm_alg alg;
    uint8_t ks_enc[32], ks_mac[32];
    size_t key_len;   /* 16 for 3DES; 16, 24 or 32 for AES */
    uint8_t ssc[16];  /* 8 bytes used for 3DES, 16 for AES; big-endian */
    bool broken;      /* set on any error: every later call fails */
};

/** Start a context (keys copied in; ssc of 8 or 16 bytes by alg). */
void icao_sm_start(struct icao_sm *sm, enum icao_sm_alg alg, const uint8_t *ks_enc,
                   const uint8_t *ks_mac, size_t key_len, const uint8_t *ssc);

/** Wipe the context (keys, counter). */
void icao_sm_end(struct icao_sm *sm);

/** The largest plain response data one protected exchange may carry here,
 *  so that the protected response stays a short APDU (reads ask for at most
 *  this many bytes). */
#define ICAO_SM_READ_MAX 0xDF

/** Wrap a plain command into the protected APDU (CLA with 0C, data in DO87,
 *  Le in DO97, DO8E; outer Le 00): the encoded bytes go to out (cap ≥ 261),
 *  their length to *out_len. Increments the counter. KOFU_OK, KOFU_E_ARG
 *  (too long for a short APDU) or KOFU_E_INTERNAL. */
int icao_sm_wrap(struct icao_sm *sm, const struct apdu *plain, uint8_t *out, size_t cap,
                 size_t *out_len);

/** Unwrap a protected response (data without the outer SW, which the
 *  caller compares with *sw): increments the counter,
 *  requires DO99 and DO8E (last), checks the MAC in constant time before
 *  decrypting DO87, removes its padding. The plain data goes to data (cap),
 *  its length to *len, the protected status word to *sw.
 *  KOFU_OK or KOFU_E_PASSPORT_SM (and the context is broken). Fuzzed
 *  (fuzz_sm_response). */
int icao_sm_unwrap(struct icao_sm *sm, const uint8_t *resp, size_t n, uint8_t *data, size_t cap,
                   size_t *len, uint16_t *sw);

/** One protected exchange on the reader: wrap, card_reader_exchange,
 *  unwrap. A bare status word with no protected data (the chip ended the
 *  session, e.g. 6987/6988) gives KOFU_E_PASSPORT_SM; a transport error is
 *  passed on. On KOFU_OK, *sw is the protected status word. The command
 *  and response buffers are wiped. */
int icao_sm_exchange(struct icao_sm *sm, struct card_reader *r, const struct apdu *plain,
                     uint8_t *data, size_t cap, size_t *len, uint16_t *sw);

#endif
