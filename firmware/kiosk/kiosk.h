/*
 * kiosk.h — the kiosk itself: `kofu run`.
 *
 * Owns: the main loop that puts the parts together. It feeds the session
 * state machine (session.h) its events — touches and keys from the input
 * driver, the card coming and going in the reader, money from the payment
 * device, the tray sensor, the clock — and carries out the actions it gets
 * back with the board's drivers: the card (Kenhojo AP), the center
 * (center.h) and the verification of its answer (certificate.h), the
 * document and its preview (ui/document.h), the screens (ui/screens.h),
 * the voice prompts (ui/voice.h, audio.h), the payment device, the
 * printer, and the wipe at the end of every visit.
 *
 * Resident data lives only in the vault, allocated past a mark taken at
 * start-up and released (zeroed) at every WIPE; the screen's own pixels
 * sit below that mark (a screen may show the certificate preview) and are
 * overwritten by the next screen. Nothing of a resident is logged, printed
 * on stdout, or written to a file. Only a test build's hooks
 * (kiosk_hooks.h, build/kofu-sim) can see the screen, on the sim board.
 *
 * The parts of the kiosk and their threads: kiosk_priv.h.
 */
#ifndef KOFU_KIOSK_H
#define KOFU_KIOSK_H

#include "board/board.h"

struct kiosk_hooks;

struct kiosk_options {
    const struct board *board;
    const char *config_path; /* NULL: $KOFU_CONFIG, else /etc/kofu/kofu.conf */
    /* A test build's hooks and their context (kiosk_hooks.h); NULL in the
     * product. Refused on a product board. */
    const struct kiosk_hooks *hooks;
    void *hooks_ctx;
};

/** Exit statuses of `kofu run`. */
enum kiosk_exit {
    KIOSK_EXIT_OK = 0,        /* stopped (signal, window closed, or the script's end) */
    KIOSK_EXIT_SCRIPT = 1,    /* a test build's script step failed: its line and why on stderr */
    KIOSK_EXIT_USAGE = 2,     /* bad arguments, configuration or script */
    KIOSK_EXIT_DEVICE = 3,    /* a device the kiosk cannot run without failed to open */
    KIOSK_EXIT_SANDBOX = 4,   /* the process could not confine itself (sandbox.h): it does not serve */
};

/** Run the kiosk until stopped. Returns an enum kiosk_exit. */
int kiosk_run(const struct kiosk_options *o);

#endif
