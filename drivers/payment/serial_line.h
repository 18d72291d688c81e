/*
 * serial_line.h — the line layer of the coin and note acceptor's protocol
 * (docs/payment.md): cutting the byte stream into lines under a fixed cap,
 * and parsing what the device says.
 *
 * Owns: struct serial_line_reader (a line assembler that never holds more
 * than PAYMENT_LINE_MAX bytes: a longer line is dropped whole, up to its
 * LF) and serial_line_parse (the device's messages: OK, ERR <code>,
 * INSERTED <total>, LEVEL <yen> <count>). Separate from the driver so that the fuzzer drives
 * exactly the code that reads the wire.
 */
#ifndef KOFU_PAYMENT_LINE_H
#define KOFU_PAYMENT_LINE_H

#include "base/bytes.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The longest line accepted, in bytes before its LF (a CR before the LF
 *  counts, and is then removed). */
#define PAYMENT_LINE_MAX 64
/** The longest ERR code. */
#define PAYMENT_ERR_CODE_MAX 16
/** The largest amount either side may name, in yen. */
#define PAYMENT_AMOUNT_MAX 1000000

struct serial_line_reader {
    uint8_t buf[PAYMENT_LINE_MAX];
    size_t len;
    bool overlong; /* the current line passed the cap: drop it up to its LF */
};

enum serial_line_status {
    PAYMENT_LINE_MORE = 0,   /* the byte was taken; no line is complete */
    PAYMENT_LINE_READY,      /* *line is a complete line (CR/LF removed) */
    PAYMENT_LINE_DROPPED,    /* an over-long line ended and was dropped */
};

void serial_line_reader_init(struct serial_line_reader *r);

/** Push one byte. On PAYMENT_LINE_READY, *line views the reader's buffer
 *  and stays valid until the next push. */
enum serial_line_status serial_line_push(struct serial_line_reader *r, uint8_t byte, kofu_cur *line);

enum payment_msg_kind {
    PAYMENT_MSG_INVALID = 0,
    PAYMENT_MSG_OK,        /* the command was done */
    PAYMENT_MSG_ERR,       /* the command failed; code says why */
    PAYMENT_MSG_INSERTED,  /* amount: the total inserted since ASK */
    PAYMENT_MSG_LEVEL,     /* yen, count: one line of the answer to LEVELS */
};

struct payment_msg {
    enum payment_msg_kind kind;
    int amount;                         /* PAYMENT_MSG_INSERTED */
    char code[PAYMENT_ERR_CODE_MAX + 1]; /* PAYMENT_MSG_ERR: [a-z0-9-]{1,16} */
    int yen, count;                     /* PAYMENT_MSG_LEVEL */
};

/** Whether yen is a coin or note of the yen (1, 5, 10, 50, 100, 500, 1000,
 *  2000, 5000, 10000). */
bool payment_denomination_ok(int yen);

/** Parse one line. Exactly "OK", "ERR <code>", "INSERTED <amount>" or
 *  "LEVEL <yen> <count>" (numbers: decimal, no sign, no leading zero,
 *  ≤ PAYMENT_AMOUNT_MAX; yen a payment_denomination_ok one), one space
 *  between words, nothing else. Anything else is PAYMENT_MSG_INVALID (and *msg
 *  is zeroed). Returns msg->kind. */
enum payment_msg_kind serial_line_parse(kofu_cur line, struct payment_msg *msg);

#endif
