/*
 * service_state.h — the kiosk's one state file: the counters since the last
 * service and the service mode's lock-out. Numbers only: event counts and
 * kofu_err codes, never anything of a resident.
 *
 * Owns: struct service_state and its text form, and struct service_state_file
 * (an open file descriptor). The kiosk opens the file before it confines
 * itself (sandbox.h: no file can be opened for writing afterwards) and then
 * rewrites it in place; `kofu diag` reads it. The file's form (one
 * "key value" per line, a fixed size, written whole with one pwrite and
 * fsync'd) is in the README ("Diagnostics: the state file").
 *
 * Why the lock-out is in the file: a kiosk that forgot five failures on a
 * restart would give a guesser five more tries per power cycle.
 */
#ifndef KOFU_SERVICE_STATE_H
#define KOFU_SERVICE_STATE_H

#include "base/bytes.h"

#include <stdbool.h>
#include <stdint.h>

/** kofu_err codes counted: -1 .. -SERVICE_ERR_SLOTS+1 (slot i is code -i). */
#define SERVICE_ERR_SLOTS 160
/** Wrong credentials in a row that lock the mode. */
#define SERVICE_FAILURES_MAX 5

struct service_counters {
    int64_t since;          /* Unix time of the last service's reset (0: never) */
    uint32_t visits;        /* visits begun (a resident past the attract screen) */
    uint32_t certificates;  /* certificates printed (copies) */
    uint32_t refunds;       /* refunds paid back by the acceptor */
    uint32_t receipts;      /* refund receipts printed (the acceptor could not pay back) */
    uint32_t errors[SERVICE_ERR_SLOTS]; /* by -code: how often each kofu_err was logged */
};

struct service_lockout {
    uint32_t failures;      /* wrong credentials in a row */
    int64_t locked_until;   /* Unix time; 0: not locked */
};

struct service_state {
    struct service_counters c;
    struct service_lockout l;
};

struct service_state_file {
    int fd; /* -1: none (no state_file configured, or it could not be opened) */
};

/** Open path (created 0600 when writable and missing) and read it into
 *  *st (zeroed when the file is new or empty). KOFU_E_CONFIG when it
 *  cannot be opened (f->fd is -1), or cannot be read or holds something
 *  that is not a state file (f->fd stays open, *st is zeroed: the caller
 *  decides what stands in for the lost lock-out, see
 *  service_lockout_lock; a writable file is rewritten on the next write). */
int service_state_open(struct service_state_file *f, const char *path, bool writable, struct service_state *st);
/** Rewrite the file whole with *st (pwrite at 0, ftruncate, fsync). */
int service_state_write(struct service_state_file *f, const struct service_state *st);
void service_state_close(struct service_state_file *f);

/** The text form: parse (KOFU_E_CONFIG on anything unexpected: an unknown
 *  key, a bad number, a line too long; the fuzzer's entry point) and format
 *  (into buf of cap bytes; the length, or -1 when it does not fit). */
int service_state_parse(kofu_cur in, struct service_state *st);
int service_state_format(const struct service_state *st, char *buf, size_t cap);

/** Count one logged kofu_err (codes outside the slots are counted in slot 0). */
void service_counters_error(struct service_counters *c, int err);
/** The technician's reset: every count 0, since = now. */
void service_counters_reset(struct service_counters *c, int64_t now);

/** The lock-out: whether the mode is locked at now; a failure (locks for
 *  lockout_seconds at the SERVICE_FAILURES_MAXth in a row: returns true
 *  then); a success (clears the failures). */
bool service_lockout_active(const struct service_lockout *l, int64_t now);
bool service_lockout_failure(struct service_lockout *l, int64_t now, int lockout_seconds);
void service_lockout_success(struct service_lockout *l);
/** Locked from now for lockout_seconds, as after SERVICE_FAILURES_MAX
 *  failures: what stands in for a lock-out that was lost (a damaged state
 *  file) or could not be saved (fail closed: a guesser gets no fresh tries). */
void service_lockout_lock(struct service_lockout *l, int64_t now, int lockout_seconds);
/** A locked_until more than lockout_seconds after now (a clock set back, a
 *  file written by hand) becomes now + lockout_seconds, so that no lock-out
 *  lasts longer than the configuration says. Applied where the lock-out is
 *  loaded and where it is checked; true when it changed *l (to be saved). */
bool service_lockout_clamp(struct service_lockout *l, int64_t now, int lockout_seconds);

#endif
