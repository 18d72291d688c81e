/*
 * service_screens.h — the technician's service mode on the kiosk's screen,
 * drawn with cairo and pango.
 *
 * Owns: how each screen of the service mode (firmware/diag/mode.h) looks,
 * in Japanese and English: the technician's id and the credential's
 * shuffled pad, the lock-out notice, the menu with every check's status and
 * finding, one check's details, the audio and display confirmations, the
 * display's test patterns (colour bars, a grid, full white, full black), the
 * touch test's targets and the taps recorded, the waits; and the hit test.
 *
 * Pure drawing, as screens.h: the model is plain strings and numbers the
 * kiosk prepares (the checks' names, statuses and words, the detail lines),
 * so this module takes nothing from diag/ but diag_types.h. No resident data
 * ever reaches it: the service mode opens only between visits.
 *
 * Text is never cut silently: a text that does not fit even at 70 % of its
 * size makes service_screens_draw return KOFU_E_RENDER (the tests draw
 * every screen in both languages at the smallest supported size).
 */
#ifndef KOFU_SERVICE_SCREENS_H
#define KOFU_SERVICE_SCREENS_H

#include "base/errors.h"
#include "diag/diag_types.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

enum service_screen {
    SERVICE_SCREEN_LOCKED_OUT = 0,
    SERVICE_SCREEN_ENTER_ID,
    SERVICE_SCREEN_ENTER_CODE,
    SERVICE_SCREEN_VERIFYING,
    SERVICE_SCREEN_MENU,
    SERVICE_SCREEN_RUNNING,
    SERVICE_SCREEN_DETAIL,
    SERVICE_SCREEN_AUDIO_CONFIRM,
    SERVICE_SCREEN_DISPLAY_PATTERN,
    SERVICE_SCREEN_DISPLAY_CONFIRM,
    SERVICE_SCREEN_TOUCH_TEST,
    SERVICE_SCREEN_PRINTING,
    SERVICE_SCREEN_RESET_CONFIRM,
    SERVICE_SCREEN__COUNT
};

/** What a touch can hit. */
enum service_target_kind {
    SERVICE_T_DIGIT = 0,  /* .index = the digit 0..9 */
    SERVICE_T_CLEAR,
    SERVICE_T_ENTER,
    SERVICE_T_BACK,
    SERVICE_T_CANCEL,
    SERVICE_T_OK,
    SERVICE_T_LANGUAGE,
    SERVICE_T_RUN_ALL,
    SERVICE_T_CHECK,      /* .index = the check's row */
    SERVICE_T_RUN_ONE,
    SERVICE_T_TEST_PRINT,
    SERVICE_T_AUDIO,
    SERVICE_T_DISPLAY,
    SERVICE_T_TOUCH,
    SERVICE_T_RESET,
    SERVICE_T_LEAVE,
    SERVICE_T_YES,
    SERVICE_T_NO,
    SERVICE_T_AGAIN,
    SERVICE_T_NEXT,       /* DISPLAY_PATTERN: the whole screen */
    SERVICE_T__COUNT
};

#define SERVICE_TARGETS_MAX 40
#define SERVICE_DETAIL_LINES_MAX 14
#define SERVICE_TOUCH_TARGETS 5
#define SERVICE_PATTERNS 4

struct service_target {
    enum service_target_kind kind;
    int index;
    double x, y, w, h; /* device pixels */
};

struct service_layout {
    size_t n;
    struct service_target t[SERVICE_TARGETS_MAX];
};

/** One check as the menu shows it. */
struct service_check_line {
    const char *name;             /* "reader" */
    int status;                   /* enum diag_status, or -1: not run yet */
    const char *summary_ja, *summary_en; /* the finding in a line ("" when not run) */
};

/** Everything one frame shows. Pointers are borrowed for the call. */
struct service_model {
    enum service_screen screen;
    enum kofu_lang lang;
    unsigned technician;          /* 0: not yet known */
    int id_digits;                /* ENTER_ID: the id so far is `technician`, this many digits */
    int code_len, code_min;       /* ENTER_CODE: dots */
    unsigned char pad_layout[10]; /* ENTER_CODE: the digit on each key, a permutation of 0..9 */
    int err;                      /* a refusal or failure to say (KOFU_OK: none) */
    long lockout_seconds;         /* LOCKED_OUT: the time left */
    bool reset_done;              /* MENU: "the counters were reset" */
    size_t n_checks;
    struct service_check_line checks[DIAG_CHECK__COUNT];
    int detail;                   /* DETAIL: the row shown */
    const char *detail_lines[SERVICE_DETAIL_LINES_MAX]; /* DETAIL: "key: value" lines (ASCII) */
    size_t n_detail_lines;
    int pattern;                  /* DISPLAY_PATTERN: 0 colour bars, 1 grid, 2 white, 3 black */
    int touch_next;               /* TOUCH_TEST: the target to tap now */
    int touch_x[SERVICE_TOUCH_TARGETS], touch_y[SERVICE_TOUCH_TARGETS]; /* the targets, device px */
    int n_taps;                   /* TOUCH_TEST: taps recorded (tap_x/y) */
    int tap_x[SERVICE_TOUCH_TARGETS], tap_y[SERVICE_TOUCH_TARGETS];
    const char *version, *board;  /* the header's line */
};

/** Load the fonts and check they cover the words. KOFU_E_FONT when missing. */
int service_screens_init(void);
void service_screens_free(void);

/** Draw m onto cr (width × height device pixels, at least 800×480); fill
 *  layout (may be NULL). KOFU_OK, KOFU_E_RENDER when a text did not fit
 *  (drawn cut all the same), KOFU_E_ARG for a bad model or size. */
int service_screens_draw(cairo_t *cr, int width, int height, const struct service_model *m,
                         struct service_layout *layout);

/** The target under (x, y), or NULL. */
const struct service_target *service_screens_hit(const struct service_layout *l, double x, double y);

/** Stable names for tests and scripts: "menu", "run-all", ... */
const char *service_screen_name(enum service_screen sc);
const char *service_target_name(enum service_target_kind k);

#endif
