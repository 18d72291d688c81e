/*
 * kiosk_priv.h — the kiosk's state and the parts of firmware/kiosk/ that
 * share it. Not for other modules (a test build sees the kiosk through
 * kiosk_hooks.h only, but for tests/kiosk_script/residue.c, which leaves a
 * field set for the check that must catch it).
 *
 * The files, one job each:
 *   kiosk.c    start-up and tear-down, the main loop
 *   notify.c   systemd's notification socket and watchdog
 *   events.c   the event queue: events in, the session stepped, its actions carried out
 *   screen.c   the screen model: what is drawn, when, and the frame
 *   devices.c  the device calls (card, passport, center, document, printer, acceptor), each
 *              with its own input and output struct
 *   mrz_keypad.c  the passport's numbers as typed (mrz_source.h)
 *   worker.c   the worker thread a device call runs on, the screen kept alive meanwhile
 *   wipe.c     the end of a visit: the PIN and everything past the vault mark
 *   page.c     the printed page's model from a verified certificate (page.h)
 *   input.c    touches and keys turned into session events
 *   figures.c  the run's figures: the summary lines on stdout
 *   state.c    the state file's counters and the one-user lock (diag/)
 *   hooks.c    the test build's view (kiosk_hooks.h)
 *   service.c  the technician's service mode (service.h)
 *
 * Threads. Everything in struct kiosk belongs to the main thread. A device
 * call (worker.c) runs on the worker thread with exactly one call struct
 * (struct kiosk_*_call below): the main thread fills its inputs before the
 * call, does not touch the call struct until the join, and then reads its
 * outputs. The worker touches nothing else of the kiosk. What an input
 * points to (the reader, the card's Kenhojo session, the vault's PIN, card
 * data and passport keys, the passport trust, the center's client, the
 * printer, the acceptor) is the
 * worker's for the length of the call: the main thread meanwhile only
 * reads kiosk state (drawing reads the center's configuration, the
 * model), plays prompts and ticks the session (worker.c), and writes
 * nothing an input points to.
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
#include "card/mrtd.h"
#include "kiosk/mrz_source.h"
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_hooks.h"
#include "kiosk/page.h"
#include "base/sandbox.h"
#include "ui/screens.h"
#include "session/session.h"
#include "base/wipestack.h"
#include "diag/service_lock.h"
#include "diag/service_state.h"
#include "kiosk/service.h"

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>

#define KIOSK_EVENTS_MAX 16
/* The PDF of one certificate is 60–120 KB; a refund receipt ~30 KB. */
#define KIOSK_PDF_MAX (512 * 1024)

/* The PIN buffer's size in the vault: the digits and a NUL. */
#define KIOSK_PIN_BYTES (SESSION_PIN_DIGITS + 1)

/* The PIN as the pad put it into the vault (KIOSK_PIN_BYTES). */
struct kiosk_pin {
    char *digits;
    int len;
};

/* ---- the device calls' inputs and outputs (devices.c) ----------------- */

/* CHECK_CARD: open the Kenhojo AP and read the PIN counter. */
struct kiosk_check_call {
    struct card_reader *rd;      /* in */
    struct kenhojo_session *ks;  /* in */
    bool connected;              /* in/out: the card is connected */
    int rc, tries_left;          /* out */
};

/* READ_CARD: verify the PIN, read, authenticate. Whether the name prints
 * and the municipality preselected are the main thread's, after the join
 * (events.c): they use pango and the center's configuration. */
struct kiosk_read_call {
    struct kenhojo_session *ks;            /* in */
    bool connected;                        /* in */
    char *pin;                             /* in: the PIN's digits, wiped right after VERIFY */
    size_t pin_cap;                        /* in: KIOSK_PIN_BYTES */
    bool last_try_confirmed;               /* in */
    const char *card_ca_dir;               /* in */
    bool presence_required;                /* in */
    struct kenhojo_card_data *card;        /* out: in the vault, or NULL */
    int rc, tries_left;                    /* out */
};

/* READ_PASSPORT: open the chip with the checked numbers, read, authenticate.
 * The birth dates are compared on the main thread, after the join (the
 * card's data is not the worker's). */
struct kiosk_passport_call {
    struct card_reader *rd;              /* in */
    bool connected;                      /* in/out: the passport is connected */
    const struct mrz_keys *keys;         /* in: in the vault, passed mrz_keys_check */
    const struct mrtd_trust *trust;      /* in: NULL fails passive authentication */
    struct mrtd_read_result res;         /* out: res.data in the vault, or NULL */
    int rc;                              /* out */
};

/* REQUEST_CERTIFICATE: ask the center, verify its answer, make the page. */
struct kiosk_request_call {
    struct center_client *cc;               /* in */
    const struct certificate_trust *trust;  /* in */
    struct center_request *req;             /* in: filled by the main thread */
    const struct kenhojo_card_data *card;   /* in */
    struct center_certificate *cert;        /* out: in the vault, or NULL */
    struct certificate_verified *ver;       /* out: in the vault, or NULL */
    struct kiosk_page *page;                /* out: in the vault, or NULL: what is printed */
    int rc;                                 /* out */
};

/* PRINT and the refund receipt's print. */
struct kiosk_print_call {
    const struct printer *pr;  /* in */
    const uint8_t *pdf;        /* in */
    size_t len;                /* in */
    const char *job_name;      /* in */
    int copies, timeout_ms;    /* in */
    int rc, job_state;         /* out */
};

/* PAYMENT_REFUND, PAYMENT_DISPENSE_CHANGE and PAYMENT_CANCEL: each may pay
 * coins out (a cancel refunds what arrived late), up to the acceptor's
 * payout time-out. */
struct kiosk_payment_call {
    const struct payment *pay; /* in */
    int amount_yen;            /* in: refunded or given as change (not for a cancel) */
    int rc;                    /* out */
};

/* The center's configuration, between visits (kiosk.c's loop). */
struct kiosk_config_call {
    struct center_client *cc;  /* in */
    struct center_config cfg;  /* out: the caller's to free when rc is KOFU_OK */
    int rc;                    /* out */
};

/* REPORT_COMPLETION. */
struct kiosk_report_call {
    struct center_client *cc;     /* in */
    const char *request_id;       /* in */
    const char *certificate_id;   /* in */
    enum center_outcome outcome;  /* in */
    int copies, amount_yen;       /* in */
    int rc, http_status;          /* out */
};

/* ---- the kiosk (main thread only) --------------------------------------- */

struct kiosk {
    const struct board *board;
    struct kofu_config cfg;
    struct session s;
    uint64_t start_ms;
    double first_frame_ms; /* from start to the first screen presented */
    double attract_ms;     /* from start to the attract screen (the center's configuration in) */

    /* Devices. The reader and the Kenhojo session are lent to a card call. */
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
    struct mrtd_trust *passport_trust; /* passport_csca, or NULL: every passport then fails
                                          passive authentication (logged at start-up) */
    struct document_fonts fonts;

    /* Below the vault mark: lives as long as the process. */
    uint8_t *frame;
    int stride;
    cairo_surface_t *frame_surface;
    struct kiosk_pin pin;
    bool pin_pad_ok; /* the pad of this PIN screen was shuffled: digits may be taken */
    /* The passport's numbers: as typed (the source) and as checked (the
     * keys, with the card's birth date). Zeroed at every wipe. */
    struct mrz_keypad *keypad;
    struct mrz_source mrz;
    struct mrz_keys *mrz_keys;
    bool mrz_keys_ok; /* mrz_keys passed mrz_keys_check and are the numbers as typed */
    size_t vault_base;

    /* Past the vault mark: one visit, released at WIPE. */
    struct kenhojo_card_data *card;
    struct mrtd_data *passport; /* read, authenticated, the card's holder's: for the request */
    struct center_certificate *cert;
    struct certificate_verified *ver;
    struct kiosk_page *page; /* made from ver: what is printed */
    kofu_bld pdf;
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
    uint64_t last_redraw_ms;

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
    bool in_call; /* a device call is running: input (hooks included) is dropped */
    bool tray_emptied_in_call; /* the tray sensor fired during a call: handled after it */

    /* The technician's side (firmware/diag/): the state file (counters since
     * the last service, the lock-out) and the one-user lock, both opened
     * before the sandbox; the service mode's own state (service.c). */
    struct service_state_file state_file;
    struct service_state state;
    struct service_lock service_lock;
    struct kiosk_service *service;

    /* A test build's hooks (kiosk_hooks.h); NULL in the product. */
    const struct kiosk_hooks *hooks;
    void *hooks_ctx;
    bool quit;
    int exit_code;
};

/* notify.c */
/** No socket yet; the watchdog's interval from $WATCHDOG_USEC (0: none). */
void kiosk_notify_init(struct kiosk *k);
void kiosk_notify(struct kiosk *k, const char *msg);
void kiosk_feed_watchdog(struct kiosk *k, uint64_t now);

/* events.c */
/** An event with nothing but its kind and result. */
struct session_event kiosk_event_of(enum session_event_kind kind, int err);
/** Queue an event; run by kiosk_run_queue. */
void kiosk_post(struct kiosk *k, const struct session_event *ev);
void kiosk_post_result(struct kiosk *k, enum session_event_kind kind, int err);
/** Feed every queued event to the session, and carry out what follows. */
void kiosk_run_queue(struct kiosk *k);
/** Feed one event now and carry out everything it leads to. */
void kiosk_event(struct kiosk *k, const struct session_event *ev);
/** An input with nothing but its kind. */
void kiosk_input(struct kiosk *k, enum session_event_kind kind);
/** Time passes: minute is the time of day, or -1 when not asked. */
void kiosk_tick(struct kiosk *k, int minute);
/** A voice prompt (also carried out during a device call). */
void kiosk_play(struct kiosk *k, const struct session_action *a);

/* screen.c */
void kiosk_redraw(struct kiosk *k);
void kiosk_show_screen(struct kiosk *k, const struct session_action *a);
/** Waiting screens move and the warning counts down: twice a second. */
void kiosk_redraw_if_moving(struct kiosk *k, uint64_t now);

/* devices.c: each runs on the worker thread with its call struct only. */
void kiosk_check_card(void *call);   /* struct kiosk_check_call */
void kiosk_read_card(void *call);    /* struct kiosk_read_call */
void kiosk_read_passport(void *call); /* struct kiosk_passport_call */
void kiosk_request(void *call);      /* struct kiosk_request_call */
void kiosk_print(void *call);        /* struct kiosk_print_call */
void kiosk_refund(void *call);       /* struct kiosk_payment_call */
void kiosk_dispense_change(void *call); /* struct kiosk_payment_call */
void kiosk_cancel_payment(void *call); /* struct kiosk_payment_call */
void kiosk_report(void *call);       /* struct kiosk_report_call */
void kiosk_get_config(void *call);   /* struct kiosk_config_call */
/* devices.c: on the main thread. */
/** Fetch the center's configuration (a device call) when it is due and no
 *  visit is in progress, and post it to the session. */
void kiosk_fetch_center_config(struct kiosk *k, uint64_t now);
int kiosk_prepare_document(struct kiosk *k);
void kiosk_disconnect_card(struct kiosk *k);
void kiosk_poll_card(struct kiosk *k);
void kiosk_poll_payment(struct kiosk *k);
void kiosk_payment_logged(int rc, int yen);
void kiosk_print_refund_receipt(struct kiosk *k, int amount_yen, int err);
void kiosk_report_completion(struct kiosk *k, const struct session_action *a);
void kiosk_warm_up_rendering(struct kiosk *k);

/* worker.c */
/** fn(call) on the worker thread, the screen kept alive meanwhile; on this
 *  thread when no thread can be made. */
void kiosk_run_device_call(struct kiosk *k, void (*fn)(void *call), void *call);

/* wipe.c */
/** The one way a PIN is forgotten: its digits zeroed, its length 0. */
void kiosk_forget_pin(struct kiosk_pin *pin);
/** The end of a visit (WIPE, and the end of the run). */
void kiosk_wipe_visit(struct kiosk *k);
/** Why the kiosk still holds something of a visit, or NULL. */
const char *kiosk_visit_residue(const struct kiosk *k);

/* input.c */
void kiosk_poll_input(struct kiosk *k);

/* state.c: the state file and the one-user lock (diag/) */
/** Open both (before the sandbox); a file that cannot be had is logged and
 *  left out (fd -1: the service mode then refuses, service.c). A damaged
 *  or unreadable state file: locked out for maintenance_lockout_seconds
 *  from now, logged and written back (fail closed). */
void kiosk_state_open(struct kiosk *k);
/** The error counts the event log has gathered since the last take, into
 *  k->state (main thread: before the checks read them, before a reset). */
void kiosk_state_take_log_counts(struct kiosk *k);
/** Whether a visit may begin now: takes the one-user lock (false while the
 *  console's `kofu diag` holds it). */
bool kiosk_state_visit_may_begin(struct kiosk *k);
/** After a visit's wipe: add its counts, write the file, let the lock go. */
void kiosk_state_visit_wiped(struct kiosk *k);
void kiosk_state_close(struct kiosk *k);

/* figures.c */
void kiosk_print_figures(const struct kiosk *k, int exit_code);

#endif
