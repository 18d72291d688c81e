/*
 * screens.h — the kiosk's screens, drawn with cairo and pango.
 *
 * Owns: how every session screen looks: a 1280×800 touch screen
 * by default, any size from 800×480 up; large targets (≥ 88 px, about
 * 15 mm on a 15-inch panel), high contrast, large type; the language switch
 * on every screen; back and cancel where the session accepts them; the PIN
 * pad with its shuffled digit layout and the PIN as dots; the passport's
 * keypad (0-9, A-Z) with its boxes; the words of
 * every screen in Japanese and English; and the hit test that turns a
 * touch into a target.
 *
 * Pure drawing: screens_draw takes a model (what the session says to show,
 * plus the data the kiosk owns: the municipality list, the fee, the PIN-pad
 * layout, the certificate preview) and draws it onto any cairo context; it
 * records where each target went into a layout. No I/O, no clock.
 *
 * Text is never cut off or squeezed silently: a text that does not fit its
 * box even at the smallest allowed size makes screens_draw return
 * KOFU_E_RENDER (the tests render every screen in both languages at the
 * smallest supported size and require KOFU_OK).
 */
#ifndef KOFU_SCREENS_H
#define KOFU_SCREENS_H

#include "base/errors.h"
#include "center/center_types.h"   /* struct center_municipality, enum center_kind */
#include "session/session_types.h" /* enum session_screen, enum session_button */

#include <cairo.h>

#include <stdbool.h>
#include <stddef.h>

#define SCREENS_WIDTH_DEFAULT 1280
#define SCREENS_HEIGHT_DEFAULT 800
#define SCREENS_WIDTH_MIN 800
#define SCREENS_HEIGHT_MIN 480
#define SCREENS_TARGETS_MAX 48
/** Municipality buttons per page (the list pages when longer). */
#define SCREENS_MUNICIPALITIES_PER_PAGE 6

/** What a touch can hit. */
enum screens_target_kind {
    SCREENS_T_BUTTON = 0, /* a session button: .button (and .index for MUNICIPALITY,
                             .cert_kind for KIND) */
    SCREENS_T_DIGIT,      /* a PIN-pad key: .index = the digit 0..9 */
    SCREENS_T_PIN_DELETE, /* PIN pad: clear the digits entered (SESSION_EV_PIN_CLEAR) */
    SCREENS_T_PIN_ENTER,  /* PIN pad: submit (SESSION_EV_PIN_SUBMIT) */
    SCREENS_T_PAGE_PREV,  /* municipality list: previous page (kiosk-local) */
    SCREENS_T_PAGE_NEXT,  /* municipality list: next page (kiosk-local) */
    SCREENS_T_TERMS_UP,   /* terms of use: the previous page of the text (kiosk-local) */
    SCREENS_T_TERMS_DOWN, /* terms of use: the next page of the text (kiosk-local) */
    SCREENS_T_MRZ_CHAR,   /* the passport's keypad: .index = the character ('0'-'9', 'A'-'Z') */
    SCREENS_T_MRZ_NEXT,   /* the passport's keypad: on to the next box (SESSION_EV_MRZ_FIELD) */
    SCREENS_T_MRZ_DELETE, /* the passport's keypad: the last character (SESSION_EV_MRZ_DELETE) */
};

struct screens_target {
    enum screens_target_kind kind;
    enum session_button button;
    int index;
    enum center_kind cert_kind;
    double x, y, w, h; /* in device pixels */
};

struct screens_layout {
    size_t n;
    struct screens_target t[SCREENS_TARGETS_MAX];
    int terms_pages; /* TERMS: the pages the text took at this size and language; 0 elsewhere */
    int terms_page;  /* TERMS: the page drawn (the model's, clamped) */
};

/** Everything one frame shows. Pointers are borrowed for the call. */
struct screens_model {
    enum session_screen screen;
    enum kofu_lang lang;
    /* From the session's SHOW_SCREEN action (session.h says which screen uses which). */
    int err;
    int tries_left;      /* PIN: shown when > 0 and < pin_tries_max */
    int pin_tries_max;
    int pin_digits;      /* 0..4 dots filled */
    int municipality;    /* selected index or -1 */
    enum center_kind cert_kind;
    int copies, max_copies;
    int amount_yen, inserted_yen;
    bool card_on_reader;
    bool passport;       /* ERROR: what is on the reader is the passport */
    int mrz_field;       /* PASSPORT_NUMBERS: the box typed into (enum session_mrz_field) */
    int mrz_len[SESSION_MRZ__FIELDS]; /* PASSPORT_NUMBERS: the characters in each box */
    /* From the center's configuration. */
    int fee_per_copy_yen;
    int open_minute, close_minute; /* service hours, shown on IDLE and CLOSED */
    const struct center_municipality *municipalities;
    size_t n_municipalities;
    int municipality_page;         /* 0-based page of the list */
    const char *terms_ja, *terms_en; /* TERMS: the center's terms of use (UTF-8; required there) */
    int terms_page;                /* TERMS: 0-based page of the text (clamped when drawn) */
    /* Kiosk-owned. */
    unsigned char pin_layout[10];  /* the digit on each pad key, positions in reading order;
                                      a permutation of 0..9 */
    cairo_surface_t *preview;      /* CONFIRM: the rendered certificate (any size; scaled to
                                      fit), or NULL for a placeholder */
    const char *mrz_text[SESSION_MRZ__FIELDS]; /* PASSPORT_NUMBERS: the characters typed (the
                                      vault's; the first mrz_len[i] are drawn), NULL for none */
    int progress_step;             /* waiting screens: animation phase, 0.. (advance per tick) */
    /* What the TIMEOUT_WARNING screen counts down, in whole seconds (0: no number). */
    int seconds_left;
};

/** Load the screen fonts (IPAexGothic) and check they cover the glyphs the
 *  screens use. KOFU_E_FONT when missing. Call once at start-up. */
int screens_init(void);
/** Release what screens_init loaded. */
void screens_free(void);

/** Draw model m onto cr, a surface of width × height device pixels; fill
 *  layout (may be NULL) with the targets in the order drawn. KOFU_OK, or
 *  KOFU_E_RENDER when a text does not fit (the frame is drawn anyway, with
 *  the text cut, so that the problem is visible), KOFU_E_ARG for a bad model
 *  or a size below the minimum. */
int screens_draw(cairo_t *cr, int width, int height, const struct screens_model *m,
                 struct screens_layout *layout);

/** Whether screen sc looks different as time passes with the same model
 *  fields: the waiting screens (their progress dots follow progress_step)
 *  and the time-out warning (its seconds_left). The kiosk redraws those on
 *  its ticks; every other screen changes only when the session says so. */
bool screens_changes_over_time(enum session_screen sc);

/** The target under (x, y), or NULL. */
const struct screens_target *screens_hit(const struct screens_layout *l, double x, double y);

/** A fresh random PIN-pad layout (a uniform permutation of 0..9 from the
 *  OS's random source). KOFU_OK or KOFU_E_INTERNAL. */
int screens_shuffle_pin_pad(unsigned char layout[10]);

/** The pixel size at which the CONFIRM screen shows the preview on a
 *  width × height screen: render the certificate at this size (e.g.
 *  document_render_png at document_dpi_for_width(*w)) and the screen draws
 *  it 1:1, without scaling. KOFU_OK or KOFU_E_ARG (size below the minimum). */
int screens_preview_size(int width, int height, int *w, int *h);

/* ---- test hooks ---- */

/** One text as screens_draw drew it (test-only; see screens_set_text_observer). */
struct screens_text_seen {
    const char *utf8;   /* the text (valid only during the call) */
    double x, y, w, h;  /* its logical extent, device pixels */
    unsigned fg, bg;    /* its colour and the colour under it, 0xRRGGBB */
    bool from_center;   /* from the center's configuration: a municipality name, the terms */
    bool fits;          /* false: drawn cut (the frame returns KOFU_E_RENDER) */
};

/** Test-only: call fn for every text screens_draw draws (NULL: stop). The
 *  model holds no resident data in its texts but the passport's numbers as
 *  they are typed (PASSPORT_NUMBERS, one character a text), which the
 *  tests' models make up;
 *  the kiosk itself never sets an observer. Not thread-safe. */
void screens_set_text_observer(void (*fn)(const struct screens_text_seen *t, void *arg), void *arg);

/** Test-only: the i-th (text colour, background colour) pair of the screens'
 *  palette, as 0xRRGGBB; false past the end. */
bool screens_palette_pair(size_t i, unsigned *fg, unsigned *bg);

#endif
