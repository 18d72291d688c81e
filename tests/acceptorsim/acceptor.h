/*
 * acceptor.h — the coin and note acceptor as a device (docs/payment.md),
 * without I/O: the kiosk's commands parsed, the device's money kept, its
 * answers written. tests/acceptorsim/acceptorsim.c puts it on sockets.
 *
 * Owns: struct acceptor (plain data, no allocation) and the reading of the
 * kiosk's command lines (acc_cmd_parse, outside input: cursor API, fuzzed
 * by tests/fuzz/fuzz_acceptor_cmd.c).
 *
 * Money, per visit: `total` is what came in since ASK (INSERTED's number);
 * `held` is the part of it not yet settled by CHANGE or REFUND. CHANGE n
 * pays n out of the change levels (greedy, largest denomination first; if
 * the levels cannot make n exactly, ERR no-coins and nothing moves) and
 * keeps what was held. REFUND n gives back n: out of what is held, and any
 * excess out of the levels. Over the whole run: kept (held - paid, summed
 * per settled visit), change and refunded. An ASK while money from an
 * unsettled visit is still held keeps that money (a real device would have
 * it in its stacker too).
 *
 * Invariants: money inserted == kept + change + refunded + held (what was
 * paid out of the levels is counted in change or refunded and taken off
 * kept); levels never go below zero; held ≤ total ≤ PAYMENT_AMOUNT_MAX.
 */
#ifndef KOFU_TESTS_ACCEPTOR_H
#define KOFU_TESTS_ACCEPTOR_H

#include "base/bytes.h"

#include <stdbool.h>
#include <stddef.h>

/** The denominations of the yen (docs/payment.md), one level each. */
#define ACC_DENOMS 10

enum acc_cmd_kind {
    ACC_CMD_INVALID = 0,
    ACC_CMD_STATUS,
    ACC_CMD_ASK,    /* amount > 0 */
    ACC_CMD_CANCEL,
    ACC_CMD_CHANGE, /* amount ≥ 0 */
    ACC_CMD_REFUND, /* amount ≥ 0 */
    ACC_CMD_LEVELS,
};

struct acc_cmd {
    enum acc_cmd_kind kind;
    int amount;
};

/** Parse one line (CR/LF already removed): exactly `STATUS`, `ASK <yen>`,
 *  `CANCEL`, `CHANGE <yen>`, `REFUND <yen>` or `LEVELS`, one space, amounts
 *  decimal with no sign and no leading zero, ≤ PAYMENT_AMOUNT_MAX (ASK's
 *  > 0). Anything else is ACC_CMD_INVALID (and *cmd zeroed). */
enum acc_cmd_kind acc_cmd_parse(kofu_cur line, struct acc_cmd *cmd);

struct acceptor {
    bool accepting;
    int asked;          /* the last ASK's amount */
    int total;          /* inserted since the last ASK */
    int held;           /* of total, not yet settled */
    long kept, change, refunded;
    unsigned commands;  /* commands understood (garbage not counted) */
    int level[ACC_DENOMS]; /* pieces held for change, by acc_denom(i) */
};

/** The i-th denomination, smallest first (1 … 10000). */
int acc_denom(int i);

/** A device holding no change. */
void acceptor_init(struct acceptor *a);

/** Set the levels from "YEN:COUNT,..." (each YEN a denomination, COUNT
 *  0..1000000; unnamed ones stay as they are). false on a bad spec (then
 *  nothing changed). */
bool acceptor_set_levels(struct acceptor *a, const char *spec);

/** The device's answer to one line from the kiosk, written to out: its
 *  reply (`OK`, `ERR <code>`, and for LEVELS the LEVEL lines before the
 *  OK), each line ended by LF. An unparsable line gets `ERR unknown`. */
void acceptor_line(struct acceptor *a, kofu_cur line, kofu_bld *out);

/** Money put in (the control socket's `insert`). true when taken: the
 *  device is accepting, yen is a denomination and the total stays within
 *  PAYMENT_AMOUNT_MAX; the kiosk is then told `INSERTED <total>` (written
 *  to out). false: refused, nothing changes. */
bool acceptor_insert(struct acceptor *a, int yen, kofu_bld *out);

/** The control socket's `status` line (no LF). */
void acceptor_status(const struct acceptor *a, char *buf, size_t cap);

#endif
