/*
 * card_reader.h — the card-reader device class.
 *
 * Owns: struct card_reader_ops, which a driver implements (drivers/card_reader/pcsc.c is
 * the PC/SC one), and the device-independent APDU exchange on top of it:
 * short APDUs only, with 61xx (GET RESPONSE) and 6Cxx (resend with the
 * right Le) handled here once for every driver.
 *
 * Errors are kofu_err codes; a driver maps its library's codes to them.
 */
#ifndef KOFU_CARD_READER_H
#define KOFU_CARD_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct card_reader_ops {
    /** Open the driver and pick a reader: exact name first, then a glob
     *  pattern (fnmatch); NULL or "" takes the first reader. */
    int (*open)(void **ctx, const char *reader_pattern);
    /** The chosen reader's name (owned by the driver). */
    const char *(*name)(void *ctx);
    /** Block until a card is present, without polling; KOFU_E_NO_CARD after
     *  timeout_ms (negative: wait forever). */
    int (*wait_present)(void *ctx, int timeout_ms);
    /** Block until the reader is empty; KOFU_E_TIMEOUT after timeout_ms
     *  (negative: wait forever). */
    int (*wait_absent)(void *ctx, int timeout_ms);
    /** Connect exclusively to the card; the ATR goes to atr (cap 33 bytes). */
    int (*connect)(void *ctx, uint8_t *atr, size_t *atr_len);
    /** Send one raw C-APDU, receive one raw R-APDU (data + SW1 SW2). */
    int (*transmit)(void *ctx, const uint8_t *capdu, size_t capdu_len, uint8_t *rapdu,
                    size_t *rapdu_len);
    /** End the connection; unpower = true powers the card down so that it
     *  forgets any verified PIN. */
    int (*disconnect)(void *ctx, bool unpower);
    /** Release everything. */
    void (*close)(void *ctx);
};

struct card_reader {
    const struct card_reader_ops *ops;
    void *ctx;
    unsigned apdu_count; /* C-APDUs sent, including GET RESPONSE and resends */
};

/** One short command APDU. data may be NULL when lc is 0; le is 0..256 and
 *  counts only when has_le. */
struct apdu {
    uint8_t cla, ins, p1, p2;
    const uint8_t *data;
    size_t lc;
    bool has_le;
    size_t le;
};

#define SW_OK 0x9000u

/**
 * Exchange one APDU. The response data (without SW) goes to resp (capacity
 * resp_cap), its length to *resp_len, the final status word to *sw. 61xx is
 * followed by GET RESPONSE until the data is complete; 6Cxx makes one resend
 * with Le = xx. Returns KOFU_OK when the exchange happened (whatever the SW),
 * or a transport error. More data than resp_cap is KOFU_E_CARD_COMM.
 * The internal command buffer is wiped before returning (it may hold a PIN).
 */
int card_reader_exchange(struct card_reader *r, const struct apdu *cmd, uint8_t *resp,
                         size_t resp_cap, size_t *resp_len, uint16_t *sw);

/** Encode a short APDU into out (at least 5 + 255 + 1 bytes); returns its
 *  length, or 0 if it does not fit the short form. */
size_t apdu_encode(const struct apdu *cmd, uint8_t *out, size_t cap);

#endif
