/*
 * kiosk_hooks.h — how a test build drives and watches a running kiosk.
 *
 * Owns: the public hook interface of `kofu run`. The product (build/kofu)
 * passes no hooks; the test build (build/kofu-sim, tests/kiosk_script/)
 * passes them in struct kiosk_options to run scripts: it acts as a resident
 * and the kiosk's sensors do (touch, key, tray), and it is told what the
 * kiosk shows and plays. Everything here runs on the kiosk's main thread:
 * poll never during a device call; screen_shown and prompt_played also
 * while one runs (the "please wait" warning), when the worker holds only
 * its call struct (kiosk_priv.h). screen_shown gets the kiosk read-only;
 * and kiosk_touch, kiosk_key and kiosk_tray_empty called during a device
 * call (by any hook, through any pointer) are dropped, as the resident's
 * input during a call is (kiosk/worker.c): a session step nested in a call
 * could end the visit, and wipe it, under the worker. The kiosk refuses
 * hooks on a product board (board_is_product): a hook can write the
 * screen, preview included, to a file.
 */
#ifndef KOFU_KIOSK_HOOKS_H
#define KOFU_KIOSK_HOOKS_H

#include "base/sandbox.h"
#include "drivers/payment.h"
#include "session/session.h"

#include <cairo.h>
#include <stdbool.h>

struct kiosk;
struct screens_layout;
struct center_municipality;

struct kiosk_hooks {
    /** Once set up, before the sandbox: add the paths the hooks write to
     *  (test-only outputs). NULL: none. */
    int (*sandbox_outputs)(void *ctx, struct sandbox_policy *p);
    /** Every turn of the main loop: drive the kiosk (kiosk_stop ends the run). */
    void (*poll)(void *ctx, struct kiosk *k);
    /** A screen was presented (the frame holds it now). */
    void (*screen_shown)(void *ctx, const struct kiosk *k, enum session_screen screen, enum kofu_lang lang);
    /** A voice prompt was handed to the audio driver and played ("ja", "pin-enter"). */
    void (*prompt_played)(void *ctx, const char *lang, const char *name);
    /** A key the kiosk itself has no use for. */
    void (*key)(void *ctx, struct kiosk *k, int key);
    /** Replaces the PIN pad's shuffle (screens_shuffle_pin_pad) to inject a
     *  failure the system's random source cannot be made to give. NULL: the real one. */
    int (*shuffle_pin_pad)(void *ctx, unsigned char layout[10]);
};

/* The resident's and the sensors' actions, as the input driver gives them;
 * dropped during a device call. */
/** A touch at (x, y) in screen pixels, through the screens' own hit test. */
void kiosk_touch(struct kiosk *k, int x, int y);
/** A key (input.h's codes, or a character). */
void kiosk_key(struct kiosk *k, int key);
/** The tray sensor: the certificate was taken. */
void kiosk_tray_empty(struct kiosk *k);
/** End the run with exit_code (enum kiosk_exit). */
void kiosk_stop(struct kiosk *k, int exit_code);

/* What a test may look at. */
/** The screen on display and its language; SESSION_SCREEN__COUNT before the first. */
enum session_screen kiosk_screen(const struct kiosk *k, enum kofu_lang *lang);
/** The touch targets of the screen on display, as drawn (ui/screens.h). */
const struct screens_layout *kiosk_layout(const struct kiosk *k);
/** The center's municipalities, which the targets' indexes name; NULL (and
 *  *n 0) without a configuration. */
const struct center_municipality *kiosk_municipalities(const struct kiosk *k, size_t *n);
/** The frame on display (the screen's pixels, a preview included). */
cairo_surface_t *kiosk_frame(const struct kiosk *k);
/** NULL when nothing of a visit is held (the vault past its mark all zero,
 *  no PIN, card data, passport data or passport numbers (typed or checked),
 *  certificate, verified data, page, PDF or preview, no request, the PIN
 *  pad's layout back to 0–9 and no digit keys in the screen's layout); else
 *  what is held. */
const char *kiosk_holds_visit(const struct kiosk *k);
/** Whether the reader sees a card. */
bool kiosk_card_present(const struct kiosk *k);
/** The payment device (its ops tell which driver it is). */
const struct payment *kiosk_payment_device(const struct kiosk *k);

#endif
