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
};

struct payment {
    const struct payment_ops *ops;
    void *ctx;
};

#endif
