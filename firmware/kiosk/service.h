/*
 * service.h — the technician's service mode inside the running kiosk: the
 * glue between the board's maintenance input, the mode's state machine
 * (diag/mode.h), its screens (ui/service_screens.h), the checks (diag/diag.h)
 * and the kiosk's own devices.
 *
 * Owns: entering on the board's service_key only between visits (a request
 * during a visit is remembered and honoured once the visit has ended and
 * been wiped), the credential's digits (kept here, as a resident's PIN is
 * kept by the kiosk, and wiped after each try), the shuffled pad, the
 * lock-out written to the state file, the checks run on the worker thread
 * with the kiosk's devices lent, the audio/display/touch tests, the test
 * print, the counters' reset, the idle time-out, a log line with the
 * technician's id for every action, and giving the screen back to the
 * session on leaving. Main thread only, but for the device calls' structs.
 */
#ifndef KOFU_KIOSK_SERVICE_H
#define KOFU_KIOSK_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

struct kiosk;
struct service_layout;

/* ---- for the kiosk (kiosk.c, input.c, worker.c) ---- */

/** Set up (the screens' fonts, the state file if nobody opened it yet), before
 *  the sandbox. A failure leaves the mode unavailable and is logged; the
 *  kiosk serves all the same. */
void kiosk_service_init(struct kiosk *k);
void kiosk_service_free(struct kiosk *k);
/** One turn of the main loop: a remembered request honoured once the visit
 *  is over, the mode's clock. True while the mode has the kiosk (then the
 *  session, the card and the center wait). */
bool kiosk_service_turn(struct kiosk *k, uint64_t now);
/** A key: true when the service mode took it (the board's service_key
 *  always; every key while the mode is open). */
bool kiosk_service_key(struct kiosk *k, int key);
/** A touch: true when the mode is open (it takes every touch then). */
bool kiosk_service_touch(struct kiosk *k, int x, int y);
/** The board's service key pressed during a device call (worker.c drops
 *  every other input then): remembered, as a request during a visit is. */
void kiosk_service_key_in_call(struct kiosk *k, int key);

/* ---- for a test build (tests/kiosk_script/) ---- */

/** The mode's state name ("off", "pending", "menu", ...: mode_state_name). */
const char *kiosk_service_state(const struct kiosk *k);
/** The targets of the service screen on display. */
const struct service_layout *kiosk_service_layout(const struct kiosk *k);
/** The board's maintenance key. */
int kiosk_service_key_code(const struct kiosk *k);
/** The check called name's last status this service (enum diag_status), -1
 *  when not run, -2 for an unknown name. */
int kiosk_service_check_status(const struct kiosk *k, const char *name);
/** The touch test's current target (false when the test is not on). */
bool kiosk_service_touch_target(const struct kiosk *k, int *x, int *y);

#endif
