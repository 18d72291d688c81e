/*
 * serial.h — the kiosk's coin and note acceptor: its controller on
 * a serial port, spoken to in the line protocol of docs/payment.md.
 *
 * Owns: serial_payment_ops (payment.h) and the kiosk's side of the
 * protocol. spec is the serial device's path (e.g. /dev/ttyUSB0); it is
 * opened O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC, taken exclusively
 * (TIOCEXCL) and set to 9600 baud 8N1, raw, no flow control. open() asks
 * STATUS, so a device that is absent or silent is found at start-up.
 *
 * Every command waits for its one reply (OK or ERR) under a time-out;
 * INSERTED events are taken whenever they come. A command is never sent
 * twice: money commands are not idempotent, so a lost reply is a failure,
 * and after a time-out the device is treated as gone for the rest of this
 * open (a late reply could otherwise be taken for the next command's).
 * status() asks STATUS (timed) and then LEVELS, the protocol's optional
 * command for the coin and note levels (a device that answers ERR to it
 * has none to give: still well).
 * Failures: KOFU_E_PAYMENT_DEVICE (no answer, ERR, gone), and for the
 * money-moving commands KOFU_E_PAYMENT_REFUND / KOFU_E_PAYMENT_CHANGE,
 * which the session turns into a refund receipt. Money that arrives after
 * the kiosk decided (between its last look and the device's OK) is
 * refunded at once (docs/payment.md, "late money").
 */
#ifndef KOFU_PAYMENT_SERIAL_H
#define KOFU_PAYMENT_SERIAL_H

#include "drivers/payment.h"

/** Time-outs, in milliseconds. */
struct serial_payment_timing {
    int reply_ms;  /* STATUS, ASK, CANCEL */
    int payout_ms; /* CHANGE, REFUND: the hopper and the note stacker take time */
};

#define PAYMENT_SERIAL_REPLY_MS 1000
#define PAYMENT_SERIAL_PAYOUT_MS 30000

extern const struct payment_ops serial_payment_ops;

/**
 * Open on an already open fd (a tty, a socketpair or a pty master in
 * tests). A tty gets the termios set-up above; then STATUS is asked.
 * timing NULL: the defaults. On success the fd belongs to the device
 * (close() closes it); on failure it stays the caller's.
 */
int serial_payment_open_fd(void **ctx, int fd, const struct serial_payment_timing *timing);

/** For tests and diagnostics: lines dropped as garbled or over-long since open. */
unsigned serial_payment_garbled(void *ctx);

#endif
