/*
 * mode.h — the technician's service mode inside the running kiosk, as a
 * pure state machine.
 *
 * Owns: enum mode_state and the rules of the mode (what a technician of
 * ATMs and multi-function printers expects): the maintenance action →
 * the technician's id → the maintenance credential on a shuffled pad →
 * the menu of the checks (run all, one check and its details, the test
 * print, the audio, display and touch tests, the counters' reset) →
 * leave, back to the attract screen; the lock-out after five wrong
 * credentials in a row; the idle time-out; the deferral of a request made
 * during a visit.
 *
 * Pure, as session.h: mode_step does no I/O and reads no clock. The caller
 * passes the monotonic time (now_ms) and the wall time (ev->wall_s, for
 * the lock-out, which outlives restarts) with every event, carries out the
 * actions it gets back and reports their results as new events.
 *
 * The credential's digits never enter this module: the kiosk keeps them
 * (as it keeps a resident's PIN) and tells the mode only that a digit came
 * (ev->digit is -1 then); the mode counts them. The technician's id is no
 * secret: the mode holds it, and every MODE_ACT_LOG is written with it.
 *
 * Invariants the unit tests check:
 *  - the mode is entered (leaves OFF or PENDING for any other state) only
 *    on an event that says no visit holds anything (ev->between_visits):
 *    a request during a visit goes to PENDING (logged as deferred) and the
 *    mode opens on MODE_EV_VISIT_CLEAN, never before;
 *  - while the lock-out is active at ev->wall_s, or there is no state file
 *    (no_state_file), VERIFY is never emitted:
 *    the mode shows LOCKED_OUT; the SERVICE_FAILURES_MAXth wrong credential
 *    in a row locks it, and every change of the lock-out comes with
 *    MODE_ACT_SAVE_LOCKOUT (the kiosk writes it to the state file, so that
 *    a restart does not give a guesser five more tries); a lock-out is
 *    clamped (service_lockout_clamp) where it is checked, and saved then;
 *  - a refused credential is logged with technician 0 unless the file
 *    knew the id (ev->id_known);
 *  - the credential pad is shuffled (SHUFFLE_PAD) before any of its digits
 *    are taken; a pad that could not be shuffled leaves the mode (a fixed
 *    pad would give the credential to whoever saw the taps);
 *  - the credential is forgotten (CLEAR_CODE) on every way out of
 *    ENTER_CODE and after every VERIFY;
 *  - every state but OFF and PENDING leaves on its own after idle_ms
 *    without input (LOG EV_SERVICE_LEAVE what 2, then LEAVE);
 *  - every action taken in the mode (a run, a test, the print, the reset,
 *    entering, leaving, every credential tried) emits a MODE_ACT_LOG;
 *  - leaving (LEAVE) forgets the technician, the confirmations and the
 *    credential: nothing of one service outlives it.
 */
#ifndef KOFU_DIAG_MODE_H
#define KOFU_DIAG_MODE_H

#include "base/errors.h"
#include "base/log.h"
#include "diag/diag.h"
#include "diag/diag_types.h"
#include "diag/service_state.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODE_ACTIONS_MAX 8
/** The touch test's targets: the four corners and the centre. */
#define MODE_TOUCH_TARGETS DIAG_TAPS_MAX
/** The display test's patterns: colour bars, grid, full white, full black. */
#define MODE_PATTERNS 4

enum mode_state {
    MODE_OFF = 0,          /* the resident's kiosk: the mode is not open */
    MODE_PENDING,          /* asked for during a visit: opens once it has ended and been wiped */
    MODE_LOCKED_OUT,       /* the lock-out is active: a notice with the time left, then OFF */
    MODE_ENTER_ID,         /* the technician's id, 1..MAINT_ID_DIGITS digits */
    MODE_ENTER_CODE,       /* the credential, MAINT_CODE_MIN..MAX digits, shuffled pad */
    MODE_VERIFYING,        /* VERIFY in flight */
    MODE_MENU,             /* the checks and their statuses; the buttons */
    MODE_RUNNING,          /* RUN_CHECKS in flight */
    MODE_DETAIL,           /* one check's details */
    MODE_AUDIO_CONFIRM,    /* the test prompt played: heard? yes / no / again */
    MODE_DISPLAY_PATTERN,  /* one of the patterns; a tap shows the next */
    MODE_DISPLAY_CONFIRM,  /* did they look right? yes / no */
    MODE_TOUCH_TEST,       /* tap each target; where each tap landed is recorded */
    MODE_PRINTING,         /* TEST_PRINT in flight */
    MODE_RESET_CONFIRM,    /* reset the counters since the last service? yes / no */
    MODE_STATE__COUNT
};

/** What the technician can press (the kiosk maps the screens' targets). */
enum mode_button {
    MODE_BTN_OK = 0,      /* LOCKED_OUT: leave now */
    MODE_BTN_BACK,        /* ENTER_CODE → ENTER_ID; DETAIL, RESET_CONFIRM → MENU */
    MODE_BTN_CANCEL,      /* ENTER_ID, ENTER_CODE: leave */
    MODE_BTN_LANGUAGE,    /* every screen: Japanese ⇄ English */
    MODE_BTN_RUN_ALL,     /* MENU */
    MODE_BTN_CHECK,       /* MENU: index = the check: its details */
    MODE_BTN_RUN_ONE,     /* DETAIL: run this check again */
    MODE_BTN_TEST_PRINT,  /* MENU */
    MODE_BTN_AUDIO,       /* MENU */
    MODE_BTN_DISPLAY,     /* MENU */
    MODE_BTN_TOUCH,       /* MENU */
    MODE_BTN_RESET,       /* MENU */
    MODE_BTN_LEAVE,       /* MENU */
    MODE_BTN_YES,         /* AUDIO_CONFIRM, DISPLAY_CONFIRM, RESET_CONFIRM */
    MODE_BTN_NO,
    MODE_BTN_AGAIN,       /* AUDIO_CONFIRM: play the prompt again */
    MODE_BTN_NEXT,        /* DISPLAY_PATTERN: the next pattern (a tap anywhere) */
    MODE_BTN__COUNT
};

enum mode_event_kind {
    MODE_EV_TICK = 0,     /* time passes */
    MODE_EV_REQUEST,      /* the board's maintenance action; between_visits */
    MODE_EV_VISIT_CLEAN,  /* PENDING: the visit has ended and been wiped */
    MODE_EV_TAP,          /* button (+ index) */
    MODE_EV_DIGIT,        /* ENTER_ID: digit 0..9; ENTER_CODE: one digit went to the kiosk's
                             buffer, digit is -1 */
    MODE_EV_CLEAR,        /* the digits entered so far are gone (the kiosk's too) */
    MODE_EV_SUBMIT,       /* the entry is complete */
    MODE_EV_PAD_FAILED,   /* SHUFFLE_PAD could not shuffle: err */
    MODE_EV_VERIFIED,     /* VERIFY's result: err (KOFU_OK, KOFU_E_SERVICE_DENIED, KOFU_E_CONFIG...) */
    MODE_EV_CHECKS_DONE,  /* RUN_CHECKS's result: err (the verdicts are the kiosk's) */
    MODE_EV_PRINTED,      /* TEST_PRINT's result: err */
    MODE_EV_RESET_DONE,   /* RESET_COUNTERS's result: err */
    MODE_EV_TOUCH,        /* TOUCH_TEST: a tap at x, y (screen pixels) */
    MODE_EV_SERVICE_KEY,  /* the maintenance action again while the mode is open: leave */
    MODE_EV__COUNT
};

struct mode_event {
    enum mode_event_kind kind;
    enum mode_button button; /* TAP */
    int index;               /* TAP CHECK: the check */
    int digit;               /* DIGIT */
    int err;                 /* results */
    int x, y;                /* TOUCH */
    bool between_visits;     /* REQUEST: no visit in progress and nothing of one held */
    bool id_known;           /* VERIFIED: the credential file has a line for the id (else a
                                refusal is logged with technician 0: the digits may be a code
                                typed into the id field) */
    int64_t wall_s;          /* every event: Unix time (the lock-out's clock) */
};

enum mode_action_kind {
    MODE_ACT_SHOW = 0,       /* draw the state's screen (everything is in the struct mode) */
    MODE_ACT_SHUFFLE_PAD,    /* a new layout for the credential pad, the credential forgotten */
    MODE_ACT_CLEAR_CODE,     /* forget the credential's digits */
    MODE_ACT_VERIFY,         /* technician's id and the kiosk's digits against the file */
    MODE_ACT_SAVE_LOCKOUT,   /* write the mode's lockout into the state file */
    MODE_ACT_RUN_CHECKS,     /* check: a diag_check_id, or -1 for all; with the confirmations */
    MODE_ACT_PLAY_TEST,      /* the audio test's prompt */
    MODE_ACT_TEST_PRINT,
    MODE_ACT_RESET_COUNTERS,
    MODE_ACT_LOG,            /* kofu_log_service(ev, err, technician, what), with the technician
                                as it was BEFORE the step (leaving forgets it, a refusal drops it) */
    MODE_ACT_LEAVE,          /* back to the resident's kiosk: the attract screen */
    MODE_ACT__COUNT
};

struct mode_action {
    enum mode_action_kind kind;
    int check;               /* RUN_CHECKS */
    enum kofu_event ev;      /* LOG */
    int err;                 /* LOG */
    uint32_t what;           /* LOG */
    bool anonymous;          /* LOG: written with technician 0 (an id the file does not know) */
};

struct mode_actions {
    size_t n;
    struct mode_action a[MODE_ACTIONS_MAX];
    bool overflow; /* a bug, tested never to happen */
};

struct mode_config {
    uint64_t idle_ms;        /* maintenance_idle_seconds */
    int lockout_seconds;     /* maintenance_lockout_seconds */
    uint64_t notice_ms;      /* how long LOCKED_OUT stays */
    int width, height;       /* the screen, for the touch test's targets */
    enum kofu_lang default_lang;
};

struct mode {
    struct mode_config cfg;
    enum mode_state state;
    enum kofu_lang lang;
    uint64_t activity_ms;    /* last input (or entry) */
    uint64_t entered_ms;     /* when the state was entered */
    struct service_lockout lockout; /* the state file's; the caller loads it at init */
    bool no_state_file;      /* the caller's: no state file to keep the lock-out in, so the
                                mode refuses (LOCKED_OUT, err KOFU_E_CONFIG: fail closed) */

    /* One service; cleared at LEAVE. */
    uint32_t technician;     /* 0 until the id was entered */
    int id_digits;
    int code_len;            /* digits of the credential in the kiosk's buffer */
    int err;                 /* the last refusal or failure shown (KOFU_OK: none) */
    int check;               /* DETAIL: which; RUNNING: which (-1: all) */
    bool ran;                /* the checks ran at least once this service */
    int pattern;             /* DISPLAY_PATTERN: 0..MODE_PATTERNS-1 */
    int target;              /* TOUCH_TEST: the next target 0..MODE_TOUCH_TARGETS-1 */
    struct diag_confirmations confirmed;
    bool reset_done;         /* MENU: say that the counters were reset */
};

/** The configuration's keys (maintenance_idle_seconds,
 *  maintenance_lockout_seconds, default_language) and the screen size. */
void mode_config_from(struct mode_config *mc, const struct kofu_config *c, int width, int height);

/** OFF, with the lock-out as the state file holds it (NULL: none). */
void mode_init(struct mode *m, const struct mode_config *cfg, const struct service_lockout *lockout, uint64_t now_ms);

/** Feed one event; *out gets the actions, in order. Events that make no
 *  sense in the state are ignored (no actions). */
void mode_step(struct mode *m, const struct mode_event *ev, uint64_t now_ms, struct mode_actions *out);

/** Whether the mode has the kiosk (every state but OFF and PENDING): the
 *  session, the card and the center wait meanwhile. */
bool mode_active(const struct mode *m);

/** The centre of touch target i (0..MODE_TOUCH_TARGETS-1: top-left,
 *  top-right, bottom-left, bottom-right, centre) on the configured screen. */
void mode_touch_target(const struct mode *m, int i, int *x, int *y);

/** Seconds the lock-out has still to run at wall_s (0: none). */
int64_t mode_lockout_seconds_left(const struct mode *m, int64_t wall_s);

const char *mode_state_name(enum mode_state st);
const char *mode_action_name(enum mode_action_kind k);

#endif
