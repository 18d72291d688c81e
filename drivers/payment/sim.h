/*
 * sim.h — the sim board's coin and note acceptor.
 *
 * Owns: sim_payment_ops (payment.h), and the sim's own controls that the
 * test build's scripts (`coin`, `note`, `payment-fault`; tests/kiosk_script/)
 * or a test use in place of a hand at the coin slot: sim_payment_insert,
 * sim_payment_set_faults, sim_payment_totals.
 *
 * The money model is an escrow, like a real acceptor's: what is inserted
 * after ask() waits in escrow until dispense_change() keeps it (minus the
 * change) or refund()/cancel() hands it back. Every yen is accounted for;
 * at any time
 *
 *     inserted == kept + change + refunded + owed + escrow
 *
 * where `owed` is money the device kept but could not give back (a failed
 * refund or change: the kiosk prints a refund receipt). Tests check this.
 *
 * Faults (the open() spec, or sim_payment_set_faults): a comma-separated
 * list, "" for none —
 *   refund-fails  refund() and cancel() with money in escrow fail with
 *                 KOFU_E_PAYMENT_REFUND; the escrow becomes `owed`;
 *   change-fails  dispense_change() with change > 0 fails with
 *                 KOFU_E_PAYMENT_CHANGE; the money is kept, the change `owed`;
 *   change-slow   dispense_change() with change > 0 takes
 *                 PAYMENT_SIM_SLOW_CHANGE_MS, as a real hopper's payout does;
 *   dead          every ops call except open and close fails with
 *                 KOFU_E_PAYMENT_DEVICE (status() too: the device does not
 *                 answer), and the slot takes no coins (money already in
 *                 escrow stays there).
 *
 * status() answers at once with fixed levels (PAYMENT_SIM_LEVELS), as a
 * stocked acceptor would; they do not follow the money the sim moves.
 *
 * fd() is an eventfd (non-blocking, close-on-exec) that becomes readable
 * when a coin or note was taken; inserted() drains it. So the main loop can
 * poll it like a real device's descriptor.
 *
 * Not thread-safe: one thread at a time, as the kiosk calls it (its main
 * loop, or its worker during a refund, a payout or a cancel, never both).
 */
#ifndef KOFU_PAYMENT_SIM_H
#define KOFU_PAYMENT_SIM_H

#include "drivers/payment.h"

#include <stdbool.h>

/* What status() says the sim holds for change: {yen, count}. */
#define PAYMENT_SIM_LEVELS {{10, 80}, {50, 40}, {100, 90}, {500, 30}, {1000, 20}}

/* How long a payout takes under the change-slow fault. */
#define PAYMENT_SIM_SLOW_CHANGE_MS 2500

extern const struct payment_ops sim_payment_ops;

/** Put a coin or note into the slot of the device opened as ctx. Only 10,
 *  50, 100, 500, 1000, 2000, 5000 and 10000 yen are taken, and only while
 *  the device is accepting (after ask(), before it is settled) and not
 *  dead; anything else is "returned" at once: KOFU_E_ARG, nothing counted. */
int sim_payment_insert(void *ctx, int yen);

/** Replace the device's faults (same list as the open() spec). KOFU_E_ARG
 *  for an unknown fault; the faults are then unchanged. */
int sim_payment_set_faults(void *ctx, const char *spec);

/** Everything the device has handled since open(), in yen. */
struct sim_payment_totals {
    int inserted; /* all money taken in */
    int kept;     /* kept as fees (inserted minus change, per settled payment) */
    int change;   /* change given back */
    int refunded; /* handed back by refund() or cancel() */
    int owed;     /* kept because a refund or the change failed */
    int escrow;   /* inserted since ask(), not yet kept or handed back */
    bool accepting;
};

/** The totals of the device opened as ctx into *out. */
void sim_payment_totals(void *ctx, struct sim_payment_totals *out);

#endif
