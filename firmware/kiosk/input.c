/*
 * input.c — touches and keys turned into session events.
 *
 * Owns: the mapping of a touch (through the screens' hit test) and of a key
 * to the session's events, the PIN digits going into the vault, paging a
 * list or the terms, and reading the board's input driver. Main thread only.
 */
#include "kiosk/kiosk_priv.h"

#include "base/errors.h"
#include "base/log.h"

static void tap(struct kiosk *k, enum session_button b, int index, enum center_kind kind)
{
    /* "agree" is a target only under terms drawn whole (screen.c); should a
     * tap come without them, it is no consent and the card stays untouched. */
    if (b == SESSION_BTN_AGREE && !*k->terms_shown)
        return;
    struct session_event ev = kiosk_event_of(SESSION_EV_TAP, KOFU_OK);
    ev.button = b;
    ev.index = index;
    ev.cert_kind = kind;
    kiosk_event(k, &ev);
}

static void pin_digit(struct kiosk *k, int digit)
{
    if (k->s.state != SESSION_PIN || !k->pin_pad_ok || k->pin.len >= SESSION_PIN_DIGITS || digit < 0 ||
        digit > 9)
        return;
    k->pin.digits[k->pin.len++] = (char)('0' + digit);
    kiosk_input(k, SESSION_EV_PIN_DIGIT);
}

static void pin_clear(struct kiosk *k)
{
    kiosk_forget_pin(&k->pin);
    kiosk_input(k, SESSION_EV_PIN_CLEAR);
}

/* A character of the passport's numbers: into the vault where the session
 * says the next one goes, then counted. */
static void mrz_char(struct kiosk *k, int c)
{
    if (k->s.state != SESSION_PASSPORT_NUMBERS || !k->keypad || c < 0 || c > 0x7F)
        return;
    int f = k->s.mrz_field;
    if (f < 0 || f >= SESSION_MRZ__FIELDS || !mrz_keypad_put(k->keypad, f, k->s.mrz_len[f], (char)c))
        return;
    kiosk_input(k, SESSION_EV_MRZ_CHAR);
}

static void mrz_next_field(struct kiosk *k)
{
    if (k->s.state != SESSION_PASSPORT_NUMBERS)
        return;
    struct session_event ev = kiosk_event_of(SESSION_EV_MRZ_FIELD, KOFU_OK);
    ev.index = (k->s.mrz_field + 1) % SESSION_MRZ__FIELDS;
    kiosk_event(k, &ev);
}

void kiosk_touch(struct kiosk *k, int x, int y)
{
    if (k->in_call)
        return; /* kiosk_hooks.h */
    if (kiosk_service_touch(k, x, y))
        return;
    const struct screens_target *t = screens_hit(&k->layout, x, y);
    if (!t) {
        /* A touch anywhere answers "are you still there?". */
        if (k->model.screen == SESSION_SCREEN_TIMEOUT_WARNING)
            tap(k, SESSION_BTN_CONFIRM, -1, CENTER_DOMESTIC);
        return;
    }
    switch (t->kind) {
    case SCREENS_T_BUTTON:
        tap(k, t->button, t->index, t->cert_kind);
        break;
    case SCREENS_T_DIGIT:
        pin_digit(k, t->index);
        break;
    case SCREENS_T_PIN_DELETE:
        pin_clear(k);
        break;
    case SCREENS_T_PIN_ENTER:
        kiosk_input(k, SESSION_EV_PIN_SUBMIT);
        break;
    case SCREENS_T_MRZ_CHAR:
        mrz_char(k, t->index);
        break;
    case SCREENS_T_MRZ_NEXT:
        mrz_next_field(k);
        break;
    case SCREENS_T_MRZ_DELETE:
        kiosk_input(k, SESSION_EV_MRZ_DELETE); /* the character goes with the count (events.c) */
        break;
    case SCREENS_T_PAGE_PREV:
    case SCREENS_T_PAGE_NEXT: {
        int pages = (int)((k->ccfg.n_municipalities + SCREENS_MUNICIPALITIES_PER_PAGE - 1) /
                          SCREENS_MUNICIPALITIES_PER_PAGE);
        int p = k->model.municipality_page + (t->kind == SCREENS_T_PAGE_NEXT ? 1 : -1);
        if (p >= 0 && p < pages) {
            k->model.municipality_page = p;
            kiosk_redraw(k);
        }
        kiosk_input(k, SESSION_EV_ACTIVITY); /* reading a list is being there */
        break;
    }
    case SCREENS_T_TERMS_UP:
    case SCREENS_T_TERMS_DOWN: {
        int p = k->model.terms_page + (t->kind == SCREENS_T_TERMS_DOWN ? 1 : -1);
        if (p >= 0 && p < k->layout.terms_pages) {
            k->model.terms_page = p;
            kiosk_redraw(k);
        }
        kiosk_input(k, SESSION_EV_ACTIVITY);
        break;
    }
    }
}

void kiosk_tray_empty(struct kiosk *k)
{
    if (k->in_call)
        return;
    kiosk_input(k, SESSION_EV_CERTIFICATE_TAKEN);
}

/* Keyboard shortcuts (the sim board's window; a service keyboard). */
void kiosk_key(struct kiosk *k, int key)
{
    if (k->in_call)
        return;
    if (kiosk_service_key(k, key))
        return;
    if (key >= '0' && key <= '9' && k->s.state == SESSION_PIN) {
        pin_digit(k, key - '0');
    } else if (k->s.state == SESSION_PASSPORT_NUMBERS &&
               ((key >= '0' && key <= '9') || (key >= 'A' && key <= 'Z') || (key >= 'a' && key <= 'z'))) {
        mrz_char(k, key >= 'a' ? key - 'a' + 'A' : key);
    } else if (key == '\t' && k->s.state == SESSION_PASSPORT_NUMBERS) {
        mrz_next_field(k);
    } else if (key == INPUT_KEY_BACKSPACE && k->s.state == SESSION_PASSPORT_NUMBERS) {
        kiosk_input(k, SESSION_EV_MRZ_DELETE);
    } else if (key == INPUT_KEY_BACKSPACE) {
        pin_clear(k);
    } else if (key == INPUT_KEY_ENTER) {
        if (k->s.state == SESSION_PIN)
            kiosk_input(k, SESSION_EV_PIN_SUBMIT);
        else
            tap(k, SESSION_BTN_CONFIRM, -1, CENTER_DOMESTIC);
    } else if (key == INPUT_KEY_ESCAPE) {
        tap(k, SESSION_BTN_CANCEL, -1, CENTER_DOMESTIC);
    } else if (key == INPUT_KEY_F1) {
        tap(k, SESSION_BTN_LANGUAGE, -1, CENTER_DOMESTIC);
    } else if (key == 'b') {
        tap(k, SESSION_BTN_BACK, -1, CENTER_DOMESTIC);
    } else if (key == 't') {
        kiosk_tray_empty(k);
    } else if (k->hooks && k->hooks->key) {
        k->hooks->key(k->hooks_ctx, k, key);
    }
}

void kiosk_poll_input(struct kiosk *k)
{
    if (!k->in.ops)
        return;
    if (k->tray_emptied_in_call) {
        k->tray_emptied_in_call = false;
        kiosk_tray_empty(k);
    }
    struct input_event ie;
    for (int n = 0; n < 64; n++) {
        int rc = k->in.ops->read(k->in.ctx, &ie);
        if (rc <= 0) {
            if (rc < 0)
                kofu_log(KOFU_LOG_ERROR, EV_DISPLAY, rc, 0);
            return;
        }
        switch (ie.kind) {
        case INPUT_TOUCH:
            kiosk_touch(k, ie.x, ie.y);
            break;
        case INPUT_KEY:
            kiosk_key(k, ie.key);
            break;
        case INPUT_TRAY_EMPTY:
            kiosk_tray_empty(k);
            break;
        case INPUT_QUIT:
            k->quit = true;
            break;
        }
    }
}
