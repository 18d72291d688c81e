/*
 * payment.h — the payment device class: the coin and note acceptor.
 *
 * Owns: struct payment_ops, which a driver implements:
 * drivers/payment/sim.c (the sim board: money "inserted" by the test build's
 * scripts or by a test) and drivers/payment/serial.c (the kiosk: a line
 * protocol to the acceptor's controller over a serial port; docs/payment.md).
 *
 * The session asks for an amount (ask), polls what has been inserted so far
 * (inserted), and then either keeps it — dispensing the change — or hands
 * it all back (refund). cancel() stops accepting before anything was
 * inserted. A device that cannot refund says so (KOFU_E_PAYMENT_REFUND):
 * the kiosk then prints a refund receipt and tells the center, so the
 * resident never loses money.
 *
 * Amounts are whole yen. Errors are kofu_err codes.
 */
#ifndef KOFU_PAYMENT_H
#define KOFU_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>

/** The most coin and note levels a status() keeps. */
#define PAYMENT_LEVELS_MAX 10

/** How many of one coin or note the device holds for change. */
struct payment_level {
    int yen;   /* a denomination: 1, 5, 10, 50, 100, 500, 1000, 2000, 5000, 10000 */
    int count;
};

/** What status() found (for the technician's check; never during a visit). */
struct payment_status {
    bool answered;     /* the device answered its status question */
    double rtt_ms;     /* from the question to its answer */
    bool levels_known; /* the device gave its levels (the protocol may not have them) */
    size_t n_levels;
    struct payment_level levels[PAYMENT_LEVELS_MAX];
};

struct payment_ops {
    /** Open the device (spec is driver-specific: serial takes a
     *  device path such as /dev/ttyUSB0; sim takes a fault list,
     *  "" for none). Does not start accepting money. */
    int (*open)(void **ctx, const char *spec);
    /** Start accepting money toward amount_yen (> 0). The device keeps
     *  accepting until cancel, refund or dispense_change; money beyond the
     *  amount is accepted (the change is given afterwards). */
    int (*ask)(void *ctx, int amount_yen);
    /** The total inserted since ask(), in yen. Never blocks. */
    int (*inserted)(void *ctx, int *total_yen);
    /** Stop accepting money (nothing is kept; a driver refunds anything
     *  that arrives after all the same). */
    int (*cancel)(void *ctx);
    /** Stop accepting and keep the money, giving back change_yen (≥ 0).
     *  KOFU_E_PAYMENT_CHANGE when the change could not be given. */
    int (*dispense_change)(void *ctx, int change_yen);
    /** Stop accepting and give back amount_yen (all that was inserted).
     *  KOFU_E_PAYMENT_REFUND when the device could not. */
    int (*refund)(void *ctx, int amount_yen);
    /** A file descriptor to poll for POLLIN, or -1 (the loop then calls
     *  inserted() on every tick). */
    int (*fd)(void *ctx);
    /** Release everything. */
    void (*close)(void *ctx);
    /** Is the device there and well, and what does it hold for change?
     *  Within the device's reply time-out (plus that of the levels
     *  question). KOFU_OK when it answered (st->answered; the levels where
     *  the device gives them, else st->levels_known false);
     *  KOFU_E_PAYMENT_DEVICE when it did not (or went silent on the levels
     *  question: then it is gone, as after any silence); KOFU_E_ARG while
     *  it is accepting money (only between visits). */
    int (*status)(void *ctx, struct payment_status *st);
};

struct payment {
    const struct payment_ops *ops;
    void *ctx;
};

#endif
