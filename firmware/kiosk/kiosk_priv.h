/*
 * kiosk_priv.h — the kiosk's state, shared by its main loop (kiosk.c) and
 * the script runner of the sim board (kiosk_script.c). Not for other
 * modules.
 */
#ifndef KOFU_KIOSK_PRIV_H
#define KOFU_KIOSK_PRIV_H

#include "board/board.h"
#include "base/bytes.h"
#include "base/clock.h"
#include "center/center.h"
#include "verify/certificate.h"
#include "base/config.h"
#include "ui/document.h"
#include "card/kenhojo.h"
#include "kiosk/kiosk.h"
#include "kiosk/page.h"
#include "base/sandbox.h"
#include "ui/screens.h"
#include "session/session.h"
#include "base/wipestack.h"

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>

#define KIOSK_EVENTS_MAX 16
#define KIOSK_SCREEN_HISTORY 64

struct kiosk_script;

struct kiosk {
    const struct board *board;
    struct kofu_config cfg;
    struct session s;
    uint64_t start_ms;
    double first_frame_ms; /* from start to the first screen presented */
    double attract_ms;     /* from start to the attract screen (the center's configuration in) */

    /* Devices. */
    struct card_reader rd;
    bool reader_open, card_present, connected;
    uint64_t next_reader_ms; /* when to try opening the reader again */
    struct kenhojo_session ks;
    struct printer pr;
    struct payment pay;
    int last_inserted;
    struct audio au;
    struct display disp;
    struct input in;

    /* The center. */
    struct center_client *cc;
    struct center_config ccfg;
    bool have_ccfg;
    uint64_t next_config_ms;
    struct certificate_trust trust;
    struct document_fonts fonts;

    /* Below the vault mark: lives as long as the process. */
    uint8_t *frame;
    int stride;
    cairo_surface_t *frame_surface;
    char *pin; /* SESSION_PIN_DIGITS + 1 bytes */
    int pin_len;
    size_t vault_base;

    /* Past the vault mark: one visit, released at WIPE. */
    struct kenhojo_card_data *card;
    struct center_certificate *cert;
    struct certificate_verified *ver;
    struct kiosk_page *page; /* made from ver: what is printed */
    kofu_bld pdf;
    kofu_bld receipt; /* a refund receipt being printed */
    int receipt_rc;
    cairo_surface_t *preview;
    struct center_request req;
    bool req_made;
    /* The terms version on the TERMS screen as last drawn, and the one the
     * resident agreed to (TERMS_AGREED): what the request carries. */
    char terms_shown[CENTER_TERMS_VERSION_MAX + 1];
    char terms_agreed[CENTER_TERMS_VERSION_MAX + 1];

    /* The screen. */
    struct screens_model model;
    struct screens_layout layout;
    bool drawn;
    bool warning_shown;
    uint64_t last_redraw_ms;
    enum session_screen history[KIOSK_SCREEN_HISTORY];
    unsigned n_shown; /* screens shown since start (history is a ring) */

    /* Events produced while carrying out actions, fed back in order. */
    struct session_event queue[KIOSK_EVENTS_MAX];
    unsigned q_head, q_len;

    /* Figures for the summary line. */
    unsigned visits, printed, refunds, receipts, frames;
    /* Machine time of the last visit's steps (ms): the card read from the
     * PIN on, the center's answer verified, the PDF and preview rendered
     * (with the printer's readiness), the print until the job completed. */
    double t_read, t_center, t_render, t_print;

    /* systemd's notification socket and watchdog (0: none). */
    int notify_fd;
    uint64_t watchdog_ms, watchdog_fed_ms;

    /* The device calls' thread runs on this stack, wiped after each call;
     * the main thread's stack is wiped below the main loop once a visit
     * has ended (wipestack.h). */
    struct wipestack worker_stack;
    bool stack_wipe_due;

    struct kiosk_script *script;
    bool quit;
    int exit_code;
};

/** Feed one event to the session now and carry out everything it leads to. */
void kiosk_event(struct kiosk *k, const struct session_event *ev);
/** A touch at (x, y) in screen pixels, through the same hit test as a real one. */
void kiosk_touch(struct kiosk *k, int x, int y);
/** A key from the input device or a script. */
void kiosk_key(struct kiosk *k, int key);
/** The tray sensor says the certificate was taken. */
void kiosk_tray_empty(struct kiosk *k);

/* The script runner (sim board). */
int kiosk_script_load(struct kiosk *k, const char *path);
/** Run what the script can do now; false once it has ended (k->quit set). */
void kiosk_script_poll(struct kiosk *k);
/** A screen was presented (for waits and record-screens). */
void kiosk_script_screen_shown(struct kiosk *k);
void kiosk_script_free(struct kiosk *k);
/** The script's test-only outputs (screenshot files, record-screens
 *  directories), writable in the sandbox of the sim board. */
int kiosk_script_outputs(const struct kiosk *k, struct sandbox_policy *p);
/** One command to a test peer's control socket (sim_cardsim_control,
 *  sim_centersim_control): KOFU_OK when the reply line starts with "ok". */
int kiosk_peer_control(const char *path, const char *cmd, char *reply, size_t cap);
/** One command to cardsim. */
int kiosk_cardsim(const struct kiosk *k, const char *cmd, char *reply, size_t cap);

#endif
