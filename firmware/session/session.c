/*
 * session.c — the kiosk session state machine (session.h). No I/O, no
 * globals, no clock: everything comes in through session_step's arguments
 * and goes out as actions.
 */
#include "session/session.h"

#include "base/config.h"
#include "base/words.h"
#include "card/kenhojo.h" /* KENHOJO_TRIES_UNKNOWN */

#include <string.h>

/* A "no prompt" value for the states that stay silent (the attract screen:
 * a kiosk in a shop must not talk to nobody). */
#define PROMPT_NONE SESSION_PROMPT__COUNT

/* How a state waits, which decides its time-out. */
enum wait_kind {
    WAIT_NONE,   /* IDLE, CLOSED: no visit */
    WAIT_INPUT,  /* the resident: warning after inactivity, then cancel */
    WAIT_DEVICE, /* a device or the center: "please wait", then a time-out error */
    WAIT_REMIND, /* something left behind: repeated reminders, then wipe */
    WAIT_NOTICE, /* an error notice: shown for a while, then wipe */
};

void session_config_from(struct session_config *cfg, const struct kofu_config *c)
{
    *cfg = (struct session_config){
        .inactivity_warn_ms = (uint64_t)c->inactivity_warn_ms,
        .inactivity_cancel_ms = (uint64_t)c->inactivity_cancel_ms,
        .wait_warn_ms = (uint64_t)c->wait_warn_ms,
        .wait_timeout_ms = (uint64_t)c->wait_timeout_ms,
        .reminder_ms = (uint64_t)c->reminder_ms,
        .left_behind_ms = (uint64_t)c->left_behind_ms,
        .notice_ms = (uint64_t)c->notice_ms,
        .pin_tries_max = c->pin_max_tries,
        .default_lang = strcmp(c->default_language, "en") ? KOFU_LANG_JA : KOFU_LANG_EN,
    };
}

void session_config_default(struct session_config *cfg)
{
    session_config_from(cfg, &config_builtin);
}

/* ---- actions ---------------------------------------------------------- */

static struct session_action base_action(const struct session *s, enum session_action_kind kind)
{
    struct session_action a;
    memset(&a, 0, sizeof a);
    a.kind = kind;
    a.lang = s->lang;
    a.prompt = PROMPT_NONE;
    a.err = s->err;
    a.tries_left = KENHOJO_TRIES_UNKNOWN;
    a.pin_digits = s->pin_digits;
    a.municipality = s->municipality;
    a.cert_kind = s->cert_kind;
    a.copies = s->copies;
    a.max_copies = s->center.max_copies;
    a.inserted_yen = s->inserted_yen;
    a.card_on_reader = s->card_present;
    a.last_try_confirmed = s->last_try_confirmed;
    a.outcome = CENTER_FAILED;
    a.mrz_field = s->mrz_field;
    memcpy(a.mrz_len, s->mrz_len, sizeof a.mrz_len);
    a.passport = s->passport_stage;
    return a;
}

static void emit(struct session_actions *out, const struct session_action *a)
{
    if (out->n < SESSION_ACTIONS_MAX)
        out->a[out->n++] = *a;
    else
        out->overflow = true;
}

static void emit_kind(const struct session *s, struct session_actions *out, enum session_action_kind kind)
{
    struct session_action a = base_action(s, kind);
    emit(out, &a);
}

static void emit_amount(const struct session *s, struct session_actions *out, enum session_action_kind kind,
                        int amount_yen)
{
    struct session_action a = base_action(s, kind);
    a.amount_yen = amount_yen;
    emit(out, &a);
}

/* Tries left worth showing: only when known and fewer than an untouched card's. */
static int tries_to_show(const struct session *s)
{
    if (s->tries_left >= 0 && s->tries_left < s->cfg.pin_tries_max)
        return s->tries_left;
    return KENHOJO_TRIES_UNKNOWN;
}

static void show(const struct session *s, struct session_actions *out, enum session_screen screen)
{
    struct session_action a = base_action(s, SESSION_ACT_SHOW_SCREEN);
    a.screen = screen;
    a.tries_left = tries_to_show(s);
    switch (screen) {
    case SESSION_SCREEN_CONFIRM:
    case SESSION_SCREEN_PAYMENT:
        a.amount_yen = s->total_yen;
        break;
    case SESSION_SCREEN_TAKE_CERTIFICATE:
        a.amount_yen = s->change_yen;
        break;
    case SESSION_SCREEN_REFUNDING:
    case SESSION_SCREEN_REFUNDED:
    case SESSION_SCREEN_REFUND_RECEIPT:
        a.amount_yen = s->inserted_yen;
        break;
    default:
        break;
    }
    emit(out, &a);
}

static void say(const struct session *s, struct session_actions *out, enum session_prompt prompt)
{
    if (prompt == PROMPT_NONE)
        return;
    struct session_action a = base_action(s, SESSION_ACT_PLAY_PROMPT);
    a.prompt = prompt;
    a.tries_left = tries_to_show(s);
    emit(out, &a);
}

static void show_current(const struct session *s, struct session_actions *out)
{
    show(s, out, s->screen);
    say(s, out, s->prompt);
}

/* ---- service hours ---------------------------------------------------- */

static bool is_open(const struct session *s)
{
    if (!s->center_known)
        return false;
    int m = s->minute_of_day, open = s->center.open_minute, close = s->center.close_minute;
    if (m < 0 || open == close)
        return true; /* time unknown (counts as open: the center refuses outside hours anyway) */
    if (open < close)
        return m >= open && m < close;
    return m >= open || m < close; /* hours across midnight */
}

/* ---- states ----------------------------------------------------------- */

static enum wait_kind wait_kind_of(const struct session *s)
{
    switch (s->state) {
    case SESSION_IDLE:
    case SESSION_CLOSED:
    case SESSION_STATE__COUNT:
        return WAIT_NONE;
    case SESSION_SERVICE:
    case SESSION_TERMS:
    case SESSION_PIN:
    case SESSION_PIN_LAST_TRY_CONFIRM:
    case SESSION_MUNICIPALITY:
    case SESSION_KIND_COPIES:
    case SESSION_CONFIRM:
    case SESSION_PAYMENT:
    case SESSION_PASSPORT_NUMBERS:
    case SESSION_PASSPORT_CHECK:
    case SESSION_PASSPORT_PLACE:
        return WAIT_INPUT;
    case SESSION_CARD_PLACED:
    case SESSION_READING:
    case SESSION_PASSPORT_READING:
    case SESSION_REQUESTING:
    case SESSION_PRINTING:
    case SESSION_REFUNDING:
        return WAIT_DEVICE;
    case SESSION_TAKE_CARD:
    case SESSION_TAKE_CERTIFICATE:
    case SESSION_TAKE_PASSPORT:
        return WAIT_REMIND;
    case SESSION_ERROR:
        return s->card_present ? WAIT_REMIND : WAIT_NOTICE;
    }
    return WAIT_NONE;
}

bool session_waiting_on_device(const struct session *s, uint64_t now_ms)
{
    return wait_kind_of(s) == WAIT_DEVICE && now_ms < s->entered_ms + s->cfg.wait_timeout_ms;
}

/* The numbers typed: the kiosk drops the characters with the counts. */
static void clear_mrz(struct session *s)
{
    s->mrz_field = SESSION_MRZ_DOCNO;
    memset(s->mrz_len, 0, sizeof s->mrz_len);
    s->mrz_checking = false;
    s->mrz_ok = false;
}

static bool mrz_complete(const struct session *s)
{
    for (int f = 0; f < SESSION_MRZ__FIELDS; f++)
        if (s->mrz_len[f] < (f == SESSION_MRZ_DOCNO ? 1 : session_mrz_field_max(f)))
            return false;
    return true;
}

static bool is_passport_state(enum session_state st)
{
    return st == SESSION_PASSPORT_NUMBERS || st == SESSION_PASSPORT_CHECK || st == SESSION_PASSPORT_PLACE ||
           st == SESSION_PASSPORT_READING || st == SESSION_TAKE_PASSPORT;
}

static void clear_visit(struct session *s)
{
    s->err = KOFU_OK;
    s->tries_left = KENHOJO_TRIES_UNKNOWN;
    s->last_try_confirmed = false;
    s->pin_digits = 0;
    s->municipality = -1;
    s->cert_kind = CENTER_DOMESTIC;
    s->copies = 1;
    s->total_yen = 0;
    s->inserted_yen = 0;
    s->change_yen = 0;
    s->requested = false;
    s->reported = false;
    s->ending = false;
    clear_mrz(s);
    s->passport_reads = 0;
    s->passport_stage = false;
}

static void report(struct session *s, struct session_actions *out, enum center_outcome outcome, int copies,
                   int amount_yen)
{
    if (!s->requested || s->reported)
        return;
    struct session_action a = base_action(s, SESSION_ACT_REPORT_COMPLETION);
    a.outcome = outcome;
    a.copies = copies;
    a.amount_yen = amount_yen;
    emit(out, &a);
    s->reported = true;
}

static void enter(struct session *s, enum session_state st, uint64_t now, struct session_actions *out);
static void passport_taken(struct session *s, uint64_t now, struct session_actions *out);

/* The end of every visit: the owed report (it needs the request id, which is
 * in the vault), the wipe, the card unpowered, the attract screen. */
static void go_idle(struct session *s, uint64_t now, struct session_actions *out)
{
    report(s, out, CENTER_FAILED, 0, 0);
    emit_kind(s, out, SESSION_ACT_WIPE);
    emit_kind(s, out, SESSION_ACT_RESET_CARD);
    clear_visit(s);
    s->lang = s->cfg.default_lang;
    enter(s, is_open(s) ? SESSION_IDLE : SESSION_CLOSED, now, out);
}

/* Cancel or give up before money is involved: wipe now; if the card is still
 * on the reader, ask for it back before going idle. */
static void end_visit(struct session *s, uint64_t now, struct session_actions *out, int err)
{
    if (!s->card_present) {
        go_idle(s, now, out);
        return;
    }
    report(s, out, CENTER_FAILED, 0, 0);
    emit_kind(s, out, SESSION_ACT_WIPE);
    s->err = err;
    s->ending = true;
    enter(s, s->passport_stage ? SESSION_TAKE_PASSPORT : SESSION_TAKE_CARD, now, out);
}

static void fail(struct session *s, uint64_t now, struct session_actions *out, int err, enum session_screen screen)
{
    s->err = err != KOFU_OK || screen != SESSION_SCREEN_ERROR ? err : KOFU_E_INTERNAL;
    s->screen = screen;
    enter(s, SESSION_ERROR, now, out);
}

static void enter(struct session *s, enum session_state st, uint64_t now, struct session_actions *out)
{
    s->state = st;
    s->entered_ms = now;
    s->activity_ms = now;
    s->reminder_ms = now + s->cfg.reminder_ms;
    s->warned = false;
    s->need_show = false;
    if (st != SESSION_ERROR) /* an error keeps saying what is on the reader */
        s->passport_stage = is_passport_state(st);

    switch (st) {
    case SESSION_IDLE:
        s->screen = SESSION_SCREEN_IDLE;
        s->prompt = PROMPT_NONE;
        s->err = KOFU_OK;
        show_current(s, out);
        break;
    case SESSION_CLOSED:
        s->screen = SESSION_SCREEN_CLOSED;
        s->prompt = PROMPT_NONE;
        s->err = s->center_known ? KOFU_E_OUTSIDE_HOURS : KOFU_E_CONFIG;
        show_current(s, out);
        break;
    case SESSION_CARD_PLACED:
        s->screen = SESSION_SCREEN_CARD_PLACED;
        s->prompt = SESSION_PROMPT_CARD_PLACED;
        show_current(s, out);
        emit_kind(s, out, SESSION_ACT_CHECK_CARD);
        break;
    case SESSION_SERVICE:
        s->screen = SESSION_SCREEN_SERVICE;
        s->prompt = SESSION_PROMPT_SERVICE;
        show_current(s, out);
        break;
    case SESSION_TERMS:
        s->screen = SESSION_SCREEN_TERMS;
        s->prompt = SESSION_PROMPT_TERMS;
        show_current(s, out);
        break;
    case SESSION_PIN:
        s->pin_digits = 0;
        s->screen = SESSION_SCREEN_PIN;
        s->prompt = tries_to_show(s) >= 0 ? SESSION_PROMPT_PIN_TRIES_LEFT : SESSION_PROMPT_PIN_ENTER;
        emit_kind(s, out, SESSION_ACT_SHUFFLE_PIN_PAD);
        show_current(s, out);
        break;
    case SESSION_PIN_LAST_TRY_CONFIRM:
        s->screen = SESSION_SCREEN_PIN_LAST_TRY;
        s->prompt = SESSION_PROMPT_PIN_LAST_TRY;
        show_current(s, out);
        break;
    case SESSION_READING:
        s->err = KOFU_OK;
        s->screen = SESSION_SCREEN_READING;
        s->prompt = SESSION_PROMPT_READING;
        show_current(s, out);
        emit_kind(s, out, SESSION_ACT_READ_CARD);
        break;
    case SESSION_TAKE_CARD:
        emit_kind(s, out, SESSION_ACT_RESET_CARD);
        if (!s->card_present) { /* already taken: nothing to ask */
            if (s->ending)
                go_idle(s, now, out);
            else
                enter(s, SESSION_MUNICIPALITY, now, out);
            return;
        }
        s->screen = SESSION_SCREEN_TAKE_CARD;
        s->prompt = SESSION_PROMPT_TAKE_CARD;
        show_current(s, out);
        break;
    case SESSION_MUNICIPALITY:
        s->screen = SESSION_SCREEN_MUNICIPALITY;
        /* After a refusal (s->err, set by refused()) its words are what
         * the resident hears: they say what to choose instead. */
        s->prompt = s->err != KOFU_OK ? SESSION_PROMPT_ERROR : SESSION_PROMPT_MUNICIPALITY;
        show_current(s, out);
        break;
    case SESSION_KIND_COPIES:
        if (s->copies < 1)
            s->copies = 1;
        if (s->copies > s->center.max_copies)
            s->copies = s->center.max_copies;
        s->screen = SESSION_SCREEN_KIND_COPIES;
        s->prompt = s->err != KOFU_OK ? SESSION_PROMPT_ERROR : SESSION_PROMPT_KIND_COPIES;
        show_current(s, out);
        break;
    case SESSION_REQUESTING:
        s->screen = SESSION_SCREEN_REQUESTING;
        s->prompt = SESSION_PROMPT_REQUESTING;
        show_current(s, out);
        emit_kind(s, out, SESSION_ACT_REQUEST_CERTIFICATE);
        s->requested = true;
        break;
    case SESSION_CONFIRM:
        s->total_yen = s->center.fee_per_copy_yen * s->copies;
        emit_kind(s, out, SESSION_ACT_RENDER_PREVIEW);
        s->screen = SESSION_SCREEN_CONFIRM;
        s->prompt = SESSION_PROMPT_CONFIRM;
        show_current(s, out);
        break;
    case SESSION_PAYMENT:
        s->screen = SESSION_SCREEN_PAYMENT;
        s->prompt = SESSION_PROMPT_PAYMENT;
        show_current(s, out);
        emit_amount(s, out, SESSION_ACT_PAYMENT_ASK, s->total_yen);
        break;
    case SESSION_PRINTING:
        s->screen = SESSION_SCREEN_PRINTING;
        s->prompt = SESSION_PROMPT_PRINTING;
        show_current(s, out);
        emit_kind(s, out, SESSION_ACT_PRINT);
        break;
    case SESSION_TAKE_CERTIFICATE:
        s->change_yen = s->inserted_yen - s->total_yen;
        report(s, out, CENTER_PRINTED, s->copies, s->total_yen);
        /* Always when paid, even with no change: it is also what tells the
         * acceptor to keep the money and stop accepting (payment.h). A free
         * certificate never asked the acceptor for anything. */
        if (s->total_yen > 0)
            emit_amount(s, out, SESSION_ACT_PAYMENT_DISPENSE_CHANGE, s->change_yen);
        s->screen = SESSION_SCREEN_TAKE_CERTIFICATE;
        s->prompt = SESSION_PROMPT_TAKE_CERTIFICATE;
        show_current(s, out);
        break;
    case SESSION_REFUNDING:
        s->screen = SESSION_SCREEN_REFUNDING;
        s->prompt = SESSION_PROMPT_REFUNDING;
        show_current(s, out);
        emit_amount(s, out, SESSION_ACT_PAYMENT_REFUND, s->inserted_yen);
        break;
    case SESSION_ERROR:
        /* s->screen set by fail(): ERROR, REFUNDED or REFUND_RECEIPT. */
        s->prompt = s->screen == SESSION_SCREEN_REFUNDED         ? SESSION_PROMPT_REFUNDED
                    : s->screen == SESSION_SCREEN_REFUND_RECEIPT ? SESSION_PROMPT_REFUND_RECEIPT
                                                                 : SESSION_PROMPT_ERROR;
        report(s, out, CENTER_FAILED, 0, 0);
        emit_kind(s, out, SESSION_ACT_WIPE);
        emit_kind(s, out, SESSION_ACT_RESET_CARD);
        show_current(s, out);
        break;
    case SESSION_PASSPORT_NUMBERS:
        s->err = KOFU_OK;
        s->mrz_checking = false;
        s->mrz_ok = false; /* whatever was checked before is checked again */
        s->screen = SESSION_SCREEN_PASSPORT_NUMBERS;
        s->prompt = SESSION_PROMPT_PASSPORT_NUMBERS;
        show_current(s, out);
        break;
    case SESSION_PASSPORT_CHECK:
        s->screen = SESSION_SCREEN_PASSPORT_CHECK;
        s->prompt = SESSION_PROMPT_ERROR; /* err's words: check the numbers */
        show_current(s, out);
        break;
    case SESSION_PASSPORT_PLACE:
        /* Already there (placed early, or left on after the numbers were
         * refused): read it. After a lost contact (err) it is lifted and
         * placed again first. */
        if (s->card_present && s->err == KOFU_OK) {
            enter(s, SESSION_PASSPORT_READING, now, out);
            return;
        }
        s->screen = SESSION_SCREEN_PASSPORT_PLACE;
        s->prompt = s->err != KOFU_OK ? SESSION_PROMPT_ERROR : SESSION_PROMPT_PASSPORT_PLACE;
        show_current(s, out);
        break;
    case SESSION_PASSPORT_READING:
        /* Fail closed: the invariant holds by the flow; should it not, no
         * chip is ever opened with unchecked numbers. */
        if (!s->mrz_ok || s->passport_reads >= SESSION_PASSPORT_READS_MAX) {
            fail(s, now, out, KOFU_E_INTERNAL, SESSION_SCREEN_ERROR);
            return;
        }
        s->err = KOFU_OK;
        s->screen = SESSION_SCREEN_PASSPORT_READING;
        s->prompt = SESSION_PROMPT_PASSPORT_READING;
        show_current(s, out);
        emit_kind(s, out, SESSION_ACT_READ_PASSPORT);
        s->passport_reads++;
        break;
    case SESSION_TAKE_PASSPORT:
        emit_kind(s, out, SESSION_ACT_RESET_CARD); /* the chip's session dropped */
        if (!s->card_present) {
            passport_taken(s, now, out);
            return;
        }
        s->screen = SESSION_SCREEN_TAKE_PASSPORT;
        s->prompt = SESSION_PROMPT_TAKE_PASSPORT;
        show_current(s, out);
        break;
    case SESSION_STATE__COUNT:
        break;
    }
}

/* Off the reader: the end of a cancelled visit, back to the kind after a
 * passport that cannot be used (err), or on to the center. */
static void passport_taken(struct session *s, uint64_t now, struct session_actions *out)
{
    if (s->ending)
        go_idle(s, now, out);
    else if (s->err != KOFU_OK)
        enter(s, SESSION_KIND_COPIES, now, out);
    else
        enter(s, SESSION_REQUESTING, now, out);
}

static void on_mrz_checked(struct session *s, uint64_t now, struct session_actions *out, int err)
{
    s->mrz_checking = false;
    if (err == KOFU_OK) {
        s->mrz_ok = true;
        enter(s, SESSION_PASSPORT_PLACE, now, out);
        return;
    }
    if (err != KOFU_E_MRZ_FORMAT) { /* the check could not be made (no card data): not the resident's */
        fail(s, now, out, err, SESSION_SCREEN_ERROR);
        return;
    }
    s->err = err;
    enter(s, SESSION_PASSPORT_CHECK, now, out);
}

static void on_passport_read(struct session *s, uint64_t now, struct session_actions *out, int err)
{
    bool reads_left = s->passport_reads < SESSION_PASSPORT_READS_MAX;
    switch (err) {
    case KOFU_OK:
        clear_mrz(s); /* the numbers have done their job */
        enter(s, SESSION_TAKE_PASSPORT, now, out);
        break;
    case KOFU_E_PASSPORT_KEYS:
    case KOFU_E_MRZ_FORMAT:
        if (!reads_left) {
            fail(s, now, out, err, SESSION_SCREEN_ERROR);
            break;
        }
        s->err = err;
        enter(s, SESSION_PASSPORT_CHECK, now, out);
        break;
    case KOFU_E_PASSPORT_NOT_AUTHENTIC:
    case KOFU_E_PASSPORT_OTHER_PERSON:
    case KOFU_E_PASSPORT_DATA:
    case KOFU_E_NOT_PASSPORT:
        /* This passport cannot give the overseas certificate; the domestic
         * one needs none. */
        clear_mrz(s);
        s->cert_kind = CENTER_DOMESTIC;
        s->err = err;
        enter(s, SESSION_TAKE_PASSPORT, now, out);
        break;
    case KOFU_E_PASSPORT_SM:
    case KOFU_E_CARD_REMOVED:
    case KOFU_E_CARD_COMM:
    case KOFU_E_NO_CARD:
        /* The contact was lost: lift it and place it again. */
        if (!reads_left) {
            fail(s, now, out, err, SESSION_SCREEN_ERROR);
            break;
        }
        s->err = err;
        enter(s, SESSION_PASSPORT_PLACE, now, out);
        break;
    default:
        fail(s, now, out, err != KOFU_OK ? err : KOFU_E_INTERNAL, SESSION_SCREEN_ERROR);
        break;
    }
}

/* Leave PAYMENT without printing: all that was inserted goes back. */
static void abort_payment(struct session *s, uint64_t now, struct session_actions *out, int err)
{
    s->err = err;
    if (s->inserted_yen > 0) {
        enter(s, SESSION_REFUNDING, now, out);
        return;
    }
    emit_kind(s, out, SESSION_ACT_PAYMENT_CANCEL);
    end_visit(s, now, out, err);
}

static void cancel(struct session *s, uint64_t now, struct session_actions *out, int err)
{
    if (s->state == SESSION_PAYMENT)
        abort_payment(s, now, out, err);
    else
        end_visit(s, now, out, err);
}

static void refund_finished(struct session *s, uint64_t now, struct session_actions *out, int err)
{
    if (err == KOFU_OK) {
        report(s, out, CENTER_REFUNDED, 0, 0);
        fail(s, now, out, s->err, SESSION_SCREEN_REFUNDED);
        return;
    }
    /* The device cannot give the money back: a receipt the shop pays out on,
     * and the center told. */
    emit_amount(s, out, SESSION_ACT_PRINT_REFUND_RECEIPT, s->inserted_yen);
    report(s, out, CENTER_REFUND_OWED, 0, s->inserted_yen);
    fail(s, now, out, s->err, SESSION_SCREEN_REFUND_RECEIPT);
}

static void print_finished(struct session *s, uint64_t now, struct session_actions *out, int err)
{
    if (err == KOFU_OK) {
        enter(s, SESSION_TAKE_CERTIFICATE, now, out);
        return;
    }
    if (s->inserted_yen == 0) { /* free of charge: nothing to give back */
        fail(s, now, out, err, SESSION_SCREEN_ERROR);
        return;
    }
    s->err = err;
    enter(s, SESSION_REFUNDING, now, out);
}

/* A refusal the resident can answer with another choice: the request is
 * over (reported failed now, so that the next one, with its own
 * request_id, gets its own report) and the visit goes back to the choice,
 * with the center's words on it. */
static void refused(struct session *s, uint64_t now, struct session_actions *out, int err, enum session_state back)
{
    report(s, out, CENTER_FAILED, 0, 0);
    s->requested = false;
    s->reported = false;
    s->err = err;
    enter(s, back, now, out);
}

static void center_result(struct session *s, uint64_t now, struct session_actions *out, int err)
{
    switch (err) {
    case KOFU_OK:
        enter(s, SESSION_CONFIRM, now, out);
        break;
    case KOFU_E_NO_RECORD: /* another municipality may hold the record */
        s->municipality = -1;
        refused(s, now, out, err, SESSION_MUNICIPALITY);
        break;
    case KOFU_E_PASSPORT_NOT_REGISTERED: /* the domestic certificate needs no passport */
        s->cert_kind = CENTER_DOMESTIC;
        refused(s, now, out, err, SESSION_KIND_COPIES);
        break;
    default: /* municipality-not-participating too: the list on screen is out of date */
        fail(s, now, out, err, SESSION_SCREEN_ERROR);
        break;
    }
}

static void remind(struct session *s, struct session_actions *out)
{
    show(s, out, s->screen);
    say(s, out, s->state == SESSION_TAKE_CERTIFICATE ? SESSION_PROMPT_REMIND_TAKE_CERTIFICATE
                : s->passport_stage                  ? SESSION_PROMPT_REMIND_TAKE_PASSPORT
                                                     : SESSION_PROMPT_REMIND_TAKE_CARD);
}

/* Time-outs. A warning (or the first reminder) always comes before the end,
 * even when the clock jumps: the end needs s->warned, set one tick earlier. */
static void on_tick(struct session *s, uint64_t now, struct session_actions *out)
{
    const struct session_config *c = &s->cfg;
    switch (wait_kind_of(s)) {
    case WAIT_NONE: {
        enum session_state want = is_open(s) ? SESSION_IDLE : SESSION_CLOSED;
        int want_err = s->center_known ? KOFU_E_OUTSIDE_HOURS : KOFU_E_CONFIG;
        if (s->state != want || s->need_show || (want == SESSION_CLOSED && s->err != want_err))
            enter(s, want, now, out);
        break;
    }
    case WAIT_INPUT:
        if (!s->warned && now >= s->activity_ms + c->inactivity_warn_ms) {
            s->warned = true;
            show(s, out, SESSION_SCREEN_TIMEOUT_WARNING);
            say(s, out, SESSION_PROMPT_TIMEOUT_WARNING);
        } else if (s->warned && now >= s->activity_ms + c->inactivity_warn_ms + c->inactivity_cancel_ms) {
            cancel(s, now, out, KOFU_E_TIMEOUT);
        }
        break;
    case WAIT_DEVICE:
        if (!s->warned && now >= s->entered_ms + c->wait_warn_ms) {
            s->warned = true;
            show(s, out, SESSION_SCREEN_PLEASE_WAIT);
            say(s, out, SESSION_PROMPT_PLEASE_WAIT);
        } else if (s->warned && now >= s->entered_ms + c->wait_timeout_ms) {
            if (s->state == SESSION_PRINTING)
                print_finished(s, now, out, KOFU_E_PRINT_TIMEOUT);
            else if (s->state == SESSION_REFUNDING)
                refund_finished(s, now, out, KOFU_E_TIMEOUT);
            else
                fail(s, now, out, KOFU_E_TIMEOUT, SESSION_SCREEN_ERROR);
        }
        break;
    case WAIT_REMIND:
        if (s->warned && now >= s->entered_ms + c->left_behind_ms) {
            go_idle(s, now, out);
        } else if (now >= s->reminder_ms) {
            s->warned = true;
            remind(s, out);
            while (s->reminder_ms <= now)
                s->reminder_ms += c->reminder_ms ? c->reminder_ms : 1;
        }
        break;
    case WAIT_NOTICE:
        if (now >= s->entered_ms + c->notice_ms)
            go_idle(s, now, out);
        break;
    }
}

static void on_card_inserted(struct session *s, uint64_t now, struct session_actions *out)
{
    s->card_present = true;
    switch (s->state) {
    case SESSION_IDLE:
        /* Only detected: the card is not spoken to before the terms are agreed. */
        clear_visit(s);
        enter(s, SESSION_SERVICE, now, out);
        break;
    case SESSION_CLOSED:
        clear_visit(s);
        fail(s, now, out, s->center_known ? KOFU_E_OUTSIDE_HOURS : KOFU_E_CONFIG, SESSION_SCREEN_ERROR);
        break;
    case SESSION_ERROR:
        s->entered_ms = now; /* now a reminder state: restart its clock */
        s->reminder_ms = now + s->cfg.reminder_ms;
        s->warned = false;
        show_current(s, out);
        break;
    case SESSION_PASSPORT_PLACE:
        enter(s, SESSION_PASSPORT_READING, now, out);
        break;
    default:
        break; /* a card put back later in the visit changes nothing */
    }
}

static void on_card_removed(struct session *s, uint64_t now, struct session_actions *out)
{
    s->card_present = false;
    switch (s->state) {
    case SESSION_CARD_PLACED:
    case SESSION_SERVICE:
    case SESSION_TERMS:
    case SESSION_PIN:
    case SESSION_PIN_LAST_TRY_CONFIRM:
        go_idle(s, now, out); /* taking the card away before reading is a cancel */
        break;
    case SESSION_READING:
        fail(s, now, out, KOFU_E_CARD_REMOVED, SESSION_SCREEN_ERROR);
        break;
    case SESSION_TAKE_CARD:
        if (s->ending)
            go_idle(s, now, out);
        else
            enter(s, SESSION_MUNICIPALITY, now, out);
        break;
    case SESSION_TAKE_PASSPORT:
        passport_taken(s, now, out);
        break;
    /* A passport lifted before it is read changes nothing; one lifted while
     * it is read is the read's result (READ_PASSPORT answers). */
    case SESSION_ERROR:
        s->entered_ms = now; /* the notice stays a while after the card is taken */
        show(s, out, s->screen);
        break;
    default:
        break;
    }
}

static void on_tap(struct session *s, const struct session_event *ev, uint64_t now, struct session_actions *out)
{
    enum session_state st = s->state;

    if (ev->button == SESSION_BTN_LANGUAGE) {
        s->lang = s->lang == KOFU_LANG_JA ? KOFU_LANG_EN : KOFU_LANG_JA;
        show_current(s, out);
        return;
    }
    if (ev->button == SESSION_BTN_CANCEL && wait_kind_of(s) == WAIT_INPUT) {
        cancel(s, now, out, KOFU_OK);
        return;
    }
    switch (st) {
    case SESSION_SERVICE:
        if (ev->button == SESSION_BTN_SERVICE)
            enter(s, SESSION_TERMS, now, out);
        else if (ev->button == SESSION_BTN_BACK)
            end_visit(s, now, out, KOFU_OK);
        break;
    case SESSION_TERMS:
        if (ev->button == SESSION_BTN_AGREE) {
            emit_kind(s, out, SESSION_ACT_TERMS_AGREED);
            enter(s, SESSION_CARD_PLACED, now, out);
        } else if (ev->button == SESSION_BTN_DISAGREE) {
            end_visit(s, now, out, KOFU_OK); /* no consent, no card access: as a cancel */
        } else if (ev->button == SESSION_BTN_BACK) {
            enter(s, SESSION_SERVICE, now, out);
        }
        break;
    case SESSION_PIN:
        if (ev->button == SESSION_BTN_BACK) {
            emit_kind(s, out, SESSION_ACT_CLEAR_PIN);
            s->pin_digits = 0;
            enter(s, SESSION_SERVICE, now, out);
        }
        break;
    case SESSION_PIN_LAST_TRY_CONFIRM:
        if (ev->button == SESSION_BTN_LAST_TRY_YES) {
            s->last_try_confirmed = true;
            enter(s, SESSION_PIN, now, out);
        } else if (ev->button == SESSION_BTN_LAST_TRY_NO) {
            fail(s, now, out, KOFU_E_PIN_NOT_CONFIRMED, SESSION_SCREEN_ERROR);
        } else if (ev->button == SESSION_BTN_BACK) {
            enter(s, SESSION_SERVICE, now, out);
        }
        break;
    case SESSION_MUNICIPALITY:
        if (ev->button == SESSION_BTN_MUNICIPALITY && ev->index >= 0 && ev->index < s->center.n_municipalities) {
            s->municipality = ev->index;
            show(s, out, s->screen);
        } else if (ev->button == SESSION_BTN_CONFIRM && s->municipality >= 0 &&
                   s->municipality < s->center.n_municipalities) {
            s->err = KOFU_OK; /* a refusal's words stay until the resident goes on */
            enter(s, SESSION_KIND_COPIES, now, out);
        }
        break;
    case SESSION_KIND_COPIES:
        if (ev->button == SESSION_BTN_KIND && (ev->cert_kind == CENTER_DOMESTIC || ev->cert_kind == CENTER_OVERSEAS)) {
            s->cert_kind = ev->cert_kind;
            show(s, out, s->screen);
        } else if (ev->button == SESSION_BTN_COPIES_PLUS && s->copies < s->center.max_copies) {
            s->copies++;
            show(s, out, s->screen);
        } else if (ev->button == SESSION_BTN_COPIES_MINUS && s->copies > 1) {
            s->copies--;
            show(s, out, s->screen);
        } else if (ev->button == SESSION_BTN_CONFIRM) {
            s->err = KOFU_OK;
            if (s->cert_kind == CENTER_OVERSEAS) {
                clear_mrz(s);
                enter(s, SESSION_PASSPORT_NUMBERS, now, out);
            } else {
                enter(s, SESSION_REQUESTING, now, out);
            }
        } else if (ev->button == SESSION_BTN_BACK) {
            s->err = KOFU_OK;
            enter(s, SESSION_MUNICIPALITY, now, out);
        }
        break;
    case SESSION_PASSPORT_NUMBERS:
        if (ev->button == SESSION_BTN_CONFIRM && !s->mrz_checking) {
            if (mrz_complete(s)) {
                s->mrz_checking = true;
                emit_kind(s, out, SESSION_ACT_CHECK_MRZ);
            } else {
                say(s, out, SESSION_PROMPT_PASSPORT_INCOMPLETE);
            }
        } else if (ev->button == SESSION_BTN_BACK) {
            clear_mrz(s);
            enter(s, SESSION_KIND_COPIES, now, out);
        }
        break;
    case SESSION_PASSPORT_CHECK:
        if (ev->button == SESSION_BTN_CONFIRM)
            enter(s, SESSION_PASSPORT_NUMBERS, now, out); /* the numbers kept, to be corrected */
        break;
    case SESSION_PASSPORT_PLACE:
        if (ev->button == SESSION_BTN_BACK)
            enter(s, SESSION_PASSPORT_NUMBERS, now, out);
        break;
    case SESSION_CONFIRM:
        /* No BACK: the certificate was issued for these choices. Free of
         * charge (a fee of 0): no payment step at all. */
        if (ev->button == SESSION_BTN_CONFIRM)
            enter(s, s->total_yen > 0 ? SESSION_PAYMENT : SESSION_PRINTING, now, out);
        break;
    case SESSION_ERROR:
        if (!s->card_present && (ev->button == SESSION_BTN_CONFIRM || ev->button == SESSION_BTN_CANCEL ||
                                 ev->button == SESSION_BTN_BACK))
            go_idle(s, now, out);
        break;
    default:
        break;
    }
}

static void on_card_checked(struct session *s, const struct session_event *ev, uint64_t now,
                            struct session_actions *out)
{
    if (ev->err == KOFU_OK && ev->tries_left != 0) {
        s->tries_left = ev->tries_left;
        enter(s, s->tries_left == 1 && !s->last_try_confirmed ? SESSION_PIN_LAST_TRY_CONFIRM : SESSION_PIN, now,
              out);
    } else {
        fail(s, now, out, ev->err == KOFU_OK ? KOFU_E_PIN_BLOCKED : ev->err, SESSION_SCREEN_ERROR);
    }
}

static void on_card_read(struct session *s, const struct session_event *ev, uint64_t now, struct session_actions *out)
{
    s->last_try_confirmed = false; /* a confirmation is good for one try */
    switch (ev->err) {
    case KOFU_OK:
        s->tries_left = s->cfg.pin_tries_max; /* a right PIN resets the counter */
        s->municipality = ev->index >= 0 && ev->index < s->center.n_municipalities ? ev->index : -1;
        enter(s, SESSION_TAKE_CARD, now, out);
        break;
    case KOFU_E_PIN_WRONG:
        s->tries_left = ev->tries_left;
        if (s->tries_left == 0) {
            fail(s, now, out, KOFU_E_PIN_BLOCKED, SESSION_SCREEN_ERROR);
            break;
        }
        s->err = KOFU_E_PIN_WRONG; /* shown on the PIN screen */
        enter(s, s->tries_left == 1 ? SESSION_PIN_LAST_TRY_CONFIRM : SESSION_PIN, now, out);
        break;
    case KOFU_E_PIN_NOT_CONFIRMED: /* the card layer knew better: one try left */
        s->tries_left = 1;
        enter(s, SESSION_PIN_LAST_TRY_CONFIRM, now, out);
        break;
    default:
        fail(s, now, out, ev->err, SESSION_SCREEN_ERROR);
        break;
    }
}

/* The keypad: a character fills the field typed into and, when full, moves
 * on; delete goes back across fields. Any change needs a new check. */
static void on_mrz_input(struct session *s, const struct session_event *ev, struct session_actions *out)
{
    int *len = s->mrz_len, f = s->mrz_field;
    switch (ev->kind) {
    case SESSION_EV_MRZ_CHAR:
        if (len[f] >= session_mrz_field_max(f))
            return;
        len[f]++;
        if (len[f] == session_mrz_field_max(f) && f + 1 < SESSION_MRZ__FIELDS)
            s->mrz_field = f + 1;
        break;
    case SESSION_EV_MRZ_DELETE:
        if (len[f] == 0 && f > 0)
            f = s->mrz_field = f - 1;
        if (len[f] == 0)
            return;
        len[f]--;
        break;
    case SESSION_EV_MRZ_FIELD:
        if (ev->index < 0 || ev->index >= SESSION_MRZ__FIELDS || ev->index == f)
            return;
        s->mrz_field = ev->index;
        break;
    default:
        return;
    }
    s->mrz_checking = false;
    s->mrz_ok = false;
    show(s, out, s->screen);
}

static bool config_valid(const struct session_center_config *c)
{
    return c->open_minute >= 0 && c->open_minute < 24 * 60 && c->close_minute >= 0 &&
           c->close_minute <= 24 * 60 && c->fee_per_copy_yen >= 0 && c->fee_per_copy_yen <= 100000 &&
           c->max_copies >= 1 && c->max_copies <= 10 && c->n_municipalities >= 1;
}

static bool is_resident_input(enum session_event_kind k)
{
    switch (k) {
    case SESSION_EV_TAP:
    case SESSION_EV_PIN_DIGIT:
    case SESSION_EV_PIN_CLEAR:
    case SESSION_EV_PIN_SUBMIT:
    case SESSION_EV_PAYMENT_INSERTED:
    case SESSION_EV_CARD_INSERTED:
    case SESSION_EV_CARD_REMOVED:
    case SESSION_EV_CERTIFICATE_TAKEN:
    case SESSION_EV_ACTIVITY:
    case SESSION_EV_MRZ_CHAR:
    case SESSION_EV_MRZ_DELETE:
    case SESSION_EV_MRZ_FIELD:
        return true;
    default:
        return false;
    }
}

void session_init(struct session *s, const struct session_config *cfg, uint64_t now_ms)
{
    memset(s, 0, sizeof *s);
    if (cfg)
        s->cfg = *cfg;
    else
        session_config_default(&s->cfg);
    if (s->cfg.pin_tries_max < 1)
        s->cfg.pin_tries_max = config_builtin.pin_max_tries;
    s->minute_of_day = -1;
    s->lang = s->cfg.default_lang;
    clear_visit(s);
    s->state = SESSION_CLOSED;
    s->screen = SESSION_SCREEN_CLOSED;
    s->prompt = PROMPT_NONE;
    s->err = KOFU_E_CONFIG;
    s->entered_ms = s->activity_ms = now_ms;
    s->need_show = true; /* the first TICK shows the screen */
}

void session_step(struct session *s, const struct session_event *ev, uint64_t now_ms, struct session_actions *out)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)ev->kind >= SESSION_EV__COUNT)
        return;

    enum session_state before = s->state;
    bool was_warned = s->warned && wait_kind_of(s) == WAIT_INPUT;
    if (is_resident_input(ev->kind) && wait_kind_of(s) == WAIT_INPUT) {
        s->activity_ms = now_ms;
        s->warned = false;
    }

    switch (ev->kind) {
    case SESSION_EV_TICK:
        if (ev->minute_of_day >= 0 && ev->minute_of_day < 24 * 60)
            s->minute_of_day = ev->minute_of_day;
        on_tick(s, now_ms, out);
        break;
    case SESSION_EV_CARD_INSERTED:
        on_card_inserted(s, now_ms, out);
        break;
    case SESSION_EV_CARD_REMOVED:
        on_card_removed(s, now_ms, out);
        break;
    case SESSION_EV_TAP:
        /* "Touch to continue" on the warning only takes the warning away:
         * it must not also press the OK/next of the screen underneath. */
        if (!(was_warned && ev->button == SESSION_BTN_CONFIRM))
            on_tap(s, ev, now_ms, out);
        break;
    case SESSION_EV_PIN_DIGIT:
        if (s->state == SESSION_PIN && s->pin_digits < SESSION_PIN_DIGITS) {
            s->pin_digits++;
            show(s, out, s->screen);
        }
        break;
    case SESSION_EV_PIN_CLEAR:
        if (s->state == SESSION_PIN) {
            s->pin_digits = 0;
            show(s, out, s->screen);
        }
        break;
    case SESSION_EV_PIN_SUBMIT:
        if (s->state == SESSION_PIN) {
            if (s->pin_digits == SESSION_PIN_DIGITS)
                enter(s, SESSION_READING, now_ms, out);
            else
                say(s, out, SESSION_PROMPT_PIN_INCOMPLETE);
        }
        break;
    case SESSION_EV_CARD_CHECKED:
        if (s->state == SESSION_CARD_PLACED)
            on_card_checked(s, ev, now_ms, out);
        break;
    case SESSION_EV_CARD_READ:
        if (s->state == SESSION_READING)
            on_card_read(s, ev, now_ms, out);
        break;
    case SESSION_EV_CENTER_RESULT:
        if (s->state == SESSION_REQUESTING)
            center_result(s, now_ms, out, ev->err);
        break;
    case SESSION_EV_PREVIEW_RESULT:
        if (s->state == SESSION_CONFIRM && ev->err != KOFU_OK)
            fail(s, now_ms, out, ev->err, SESSION_SCREEN_ERROR);
        break;
    case SESSION_EV_PAYMENT_INSERTED:
        if (s->state == SESSION_PAYMENT && ev->amount_yen > s->inserted_yen) {
            s->inserted_yen = ev->amount_yen;
            if (s->inserted_yen >= s->total_yen)
                enter(s, SESSION_PRINTING, now_ms, out);
            else
                show(s, out, s->screen);
        }
        break;
    case SESSION_EV_PAYMENT_FAILED:
        /* The acceptor broke while taking money: whatever it took goes
         * back (or onto a refund receipt), and the resident is told why. */
        if (s->state == SESSION_PAYMENT)
            abort_payment(s, now_ms, out, ev->err != KOFU_OK ? ev->err : KOFU_E_PAYMENT_DEVICE);
        break;
    case SESSION_EV_PRINT_RESULT:
        if (s->state == SESSION_PRINTING)
            print_finished(s, now_ms, out, ev->err);
        break;
    case SESSION_EV_REFUND_RESULT:
        if (s->state == SESSION_REFUNDING)
            refund_finished(s, now_ms, out, ev->err);
        break;
    case SESSION_EV_CERTIFICATE_TAKEN:
        if (s->state == SESSION_TAKE_CERTIFICATE)
            go_idle(s, now_ms, out);
        break;
    case SESSION_EV_CONFIG:
        if (config_valid(&ev->config)) {
            s->center = ev->config;
            s->center_known = true;
            if (wait_kind_of(s) == WAIT_NONE)
                on_tick(s, now_ms, out);
        }
        break;
    case SESSION_EV_ACTIVITY:
        break; /* counted above; the kiosk already redrew what it handled */
    case SESSION_EV_PIN_PAD_FAILED:
        if (s->state == SESSION_PIN)
            fail(s, now_ms, out, ev->err != KOFU_OK ? ev->err : KOFU_E_INTERNAL, SESSION_SCREEN_ERROR);
        break;
    case SESSION_EV_MRZ_CHAR:
    case SESSION_EV_MRZ_DELETE:
    case SESSION_EV_MRZ_FIELD:
        if (s->state == SESSION_PASSPORT_NUMBERS)
            on_mrz_input(s, ev, out);
        break;
    case SESSION_EV_MRZ_CHECKED:
        if (s->state == SESSION_PASSPORT_NUMBERS && s->mrz_checking)
            on_mrz_checked(s, now_ms, out, ev->err);
        break;
    case SESSION_EV_PASSPORT_READ:
        if (s->state == SESSION_PASSPORT_READING)
            on_passport_read(s, now_ms, out, ev->err);
        break;
    case SESSION_EV__COUNT:
        break;
    }

    /* Input after a warning: back to the screen the warning covered. */
    if (was_warned && s->state == before && !s->warned) {
        bool shown = false;
        for (size_t i = 0; i < out->n; i++)
            shown = shown || out->a[i].kind == SESSION_ACT_SHOW_SCREEN;
        if (!shown)
            show_current(s, out);
    }
}

/* ---- names -------------------------------------------------------------- */

static const struct kofu_word state_names[SESSION_STATE__COUNT] = {
    KOFU_NAME(SESSION_IDLE, "idle"),
    KOFU_NAME(SESSION_CLOSED, "closed"),
    KOFU_NAME(SESSION_CARD_PLACED, "card-placed"),
    KOFU_NAME(SESSION_SERVICE, "service"),
    KOFU_NAME(SESSION_PIN, "pin"),
    KOFU_NAME(SESSION_PIN_LAST_TRY_CONFIRM, "pin-last-try-confirm"),
    KOFU_NAME(SESSION_READING, "reading"),
    KOFU_NAME(SESSION_TAKE_CARD, "take-card"),
    KOFU_NAME(SESSION_MUNICIPALITY, "municipality"),
    KOFU_NAME(SESSION_KIND_COPIES, "kind-copies"),
    KOFU_NAME(SESSION_REQUESTING, "requesting"),
    KOFU_NAME(SESSION_CONFIRM, "confirm"),
    KOFU_NAME(SESSION_PAYMENT, "payment"),
    KOFU_NAME(SESSION_PRINTING, "printing"),
    KOFU_NAME(SESSION_TAKE_CERTIFICATE, "take-certificate"),
    KOFU_NAME(SESSION_REFUNDING, "refunding"),
    KOFU_NAME(SESSION_ERROR, "error"),
    KOFU_NAME(SESSION_TERMS, "terms"),
    KOFU_NAME(SESSION_PASSPORT_NUMBERS, "passport-numbers"),
    KOFU_NAME(SESSION_PASSPORT_CHECK, "passport-check"),
    KOFU_NAME(SESSION_PASSPORT_PLACE, "passport-place"),
    KOFU_NAME(SESSION_PASSPORT_READING, "passport-reading"),
    KOFU_NAME(SESSION_TAKE_PASSPORT, "take-passport"),
};

static const struct kofu_word screen_names[SESSION_SCREEN__COUNT] = {
    KOFU_NAME(SESSION_SCREEN_IDLE, "idle"),
    KOFU_NAME(SESSION_SCREEN_CLOSED, "closed"),
    KOFU_NAME(SESSION_SCREEN_CARD_PLACED, "card-placed"),
    KOFU_NAME(SESSION_SCREEN_SERVICE, "service"),
    KOFU_NAME(SESSION_SCREEN_PIN, "pin"),
    KOFU_NAME(SESSION_SCREEN_PIN_LAST_TRY, "pin-last-try"),
    KOFU_NAME(SESSION_SCREEN_READING, "reading"),
    KOFU_NAME(SESSION_SCREEN_TAKE_CARD, "take-card"),
    KOFU_NAME(SESSION_SCREEN_MUNICIPALITY, "municipality"),
    KOFU_NAME(SESSION_SCREEN_KIND_COPIES, "kind-copies"),
    KOFU_NAME(SESSION_SCREEN_REQUESTING, "requesting"),
    KOFU_NAME(SESSION_SCREEN_CONFIRM, "confirm"),
    KOFU_NAME(SESSION_SCREEN_PAYMENT, "payment"),
    KOFU_NAME(SESSION_SCREEN_PRINTING, "printing"),
    KOFU_NAME(SESSION_SCREEN_TAKE_CERTIFICATE, "take-certificate"),
    KOFU_NAME(SESSION_SCREEN_REFUNDING, "refunding"),
    KOFU_NAME(SESSION_SCREEN_ERROR, "error"),
    KOFU_NAME(SESSION_SCREEN_REFUNDED, "refunded"),
    KOFU_NAME(SESSION_SCREEN_REFUND_RECEIPT, "refund-receipt"),
    KOFU_NAME(SESSION_SCREEN_TIMEOUT_WARNING, "timeout-warning"),
    KOFU_NAME(SESSION_SCREEN_PLEASE_WAIT, "please-wait"),
    KOFU_NAME(SESSION_SCREEN_TERMS, "terms"),
    KOFU_NAME(SESSION_SCREEN_PASSPORT_NUMBERS, "passport-numbers"),
    KOFU_NAME(SESSION_SCREEN_PASSPORT_CHECK, "passport-check"),
    KOFU_NAME(SESSION_SCREEN_PASSPORT_PLACE, "passport-place"),
    KOFU_NAME(SESSION_SCREEN_PASSPORT_READING, "passport-reading"),
    KOFU_NAME(SESSION_SCREEN_TAKE_PASSPORT, "take-passport"),
};

static const struct kofu_word prompt_names[SESSION_PROMPT__COUNT] = {
    KOFU_NAME(SESSION_PROMPT_WELCOME, "welcome"),
    KOFU_NAME(SESSION_PROMPT_CLOSED, "closed"),
    KOFU_NAME(SESSION_PROMPT_CARD_PLACED, "card-placed"),
    KOFU_NAME(SESSION_PROMPT_SERVICE, "service"),
    KOFU_NAME(SESSION_PROMPT_PIN_ENTER, "pin-enter"),
    KOFU_NAME(SESSION_PROMPT_PIN_TRIES_LEFT, "pin-tries-left"),
    KOFU_NAME(SESSION_PROMPT_PIN_LAST_TRY, "pin-last-try"),
    KOFU_NAME(SESSION_PROMPT_PIN_INCOMPLETE, "pin-incomplete"),
    KOFU_NAME(SESSION_PROMPT_READING, "reading"),
    KOFU_NAME(SESSION_PROMPT_TAKE_CARD, "take-card"),
    KOFU_NAME(SESSION_PROMPT_REMIND_TAKE_CARD, "remind-take-card"),
    KOFU_NAME(SESSION_PROMPT_MUNICIPALITY, "municipality"),
    KOFU_NAME(SESSION_PROMPT_KIND_COPIES, "kind-copies"),
    KOFU_NAME(SESSION_PROMPT_REQUESTING, "requesting"),
    KOFU_NAME(SESSION_PROMPT_CONFIRM, "confirm"),
    KOFU_NAME(SESSION_PROMPT_PAYMENT, "payment"),
    KOFU_NAME(SESSION_PROMPT_PRINTING, "printing"),
    KOFU_NAME(SESSION_PROMPT_TAKE_CERTIFICATE, "take-certificate"),
    KOFU_NAME(SESSION_PROMPT_REMIND_TAKE_CERTIFICATE, "remind-take-certificate"),
    KOFU_NAME(SESSION_PROMPT_REFUNDING, "refunding"),
    KOFU_NAME(SESSION_PROMPT_ERROR, "error"),
    KOFU_NAME(SESSION_PROMPT_REFUNDED, "refunded"),
    KOFU_NAME(SESSION_PROMPT_REFUND_RECEIPT, "refund-receipt"),
    KOFU_NAME(SESSION_PROMPT_TIMEOUT_WARNING, "timeout-warning"),
    KOFU_NAME(SESSION_PROMPT_PLEASE_WAIT, "please-wait"),
    KOFU_NAME(SESSION_PROMPT_TERMS, "terms"),
    KOFU_NAME(SESSION_PROMPT_PASSPORT_NUMBERS, "passport-numbers"),
    KOFU_NAME(SESSION_PROMPT_PASSPORT_INCOMPLETE, "passport-incomplete"),
    KOFU_NAME(SESSION_PROMPT_PASSPORT_PLACE, "passport-place"),
    KOFU_NAME(SESSION_PROMPT_PASSPORT_READING, "passport-reading"),
    KOFU_NAME(SESSION_PROMPT_TAKE_PASSPORT, "take-passport"),
    KOFU_NAME(SESSION_PROMPT_REMIND_TAKE_PASSPORT, "remind-take-passport"),
};

static const struct kofu_word action_names[SESSION_ACT__COUNT] = {
    KOFU_NAME(SESSION_ACT_SHOW_SCREEN, "show-screen"),
    KOFU_NAME(SESSION_ACT_PLAY_PROMPT, "play-prompt"),
    KOFU_NAME(SESSION_ACT_CHECK_CARD, "check-card"),
    KOFU_NAME(SESSION_ACT_SHUFFLE_PIN_PAD, "shuffle-pin-pad"),
    KOFU_NAME(SESSION_ACT_CLEAR_PIN, "clear-pin"),
    KOFU_NAME(SESSION_ACT_READ_CARD, "read-card"),
    KOFU_NAME(SESSION_ACT_RESET_CARD, "reset-card"),
    KOFU_NAME(SESSION_ACT_REQUEST_CERTIFICATE, "request-certificate"),
    KOFU_NAME(SESSION_ACT_RENDER_PREVIEW, "render-preview"),
    KOFU_NAME(SESSION_ACT_PAYMENT_ASK, "payment-ask"),
    KOFU_NAME(SESSION_ACT_PAYMENT_CANCEL, "payment-cancel"),
    KOFU_NAME(SESSION_ACT_PAYMENT_DISPENSE_CHANGE, "payment-dispense-change"),
    KOFU_NAME(SESSION_ACT_PAYMENT_REFUND, "payment-refund"),
    KOFU_NAME(SESSION_ACT_PRINT, "print"),
    KOFU_NAME(SESSION_ACT_PRINT_REFUND_RECEIPT, "print-refund-receipt"),
    KOFU_NAME(SESSION_ACT_REPORT_COMPLETION, "report-completion"),
    KOFU_NAME(SESSION_ACT_WIPE, "wipe"),
    KOFU_NAME(SESSION_ACT_TERMS_AGREED, "terms-agreed"),
    KOFU_NAME(SESSION_ACT_CHECK_MRZ, "check-mrz"),
    KOFU_NAME(SESSION_ACT_READ_PASSPORT, "read-passport"),
};

static const struct kofu_word event_names[SESSION_EV__COUNT] = {
    KOFU_NAME(SESSION_EV_TICK, "tick"),
    KOFU_NAME(SESSION_EV_CARD_INSERTED, "card-inserted"),
    KOFU_NAME(SESSION_EV_CARD_REMOVED, "card-removed"),
    KOFU_NAME(SESSION_EV_TAP, "tap"),
    KOFU_NAME(SESSION_EV_PIN_DIGIT, "pin-digit"),
    KOFU_NAME(SESSION_EV_PIN_CLEAR, "pin-clear"),
    KOFU_NAME(SESSION_EV_PIN_SUBMIT, "pin-submit"),
    KOFU_NAME(SESSION_EV_CARD_CHECKED, "card-checked"),
    KOFU_NAME(SESSION_EV_CARD_READ, "card-read"),
    KOFU_NAME(SESSION_EV_CENTER_RESULT, "center-result"),
    KOFU_NAME(SESSION_EV_PREVIEW_RESULT, "preview-result"),
    KOFU_NAME(SESSION_EV_PAYMENT_INSERTED, "payment-inserted"),
    KOFU_NAME(SESSION_EV_PRINT_RESULT, "print-result"),
    KOFU_NAME(SESSION_EV_REFUND_RESULT, "refund-result"),
    KOFU_NAME(SESSION_EV_CERTIFICATE_TAKEN, "certificate-taken"),
    KOFU_NAME(SESSION_EV_CONFIG, "config"),
    KOFU_NAME(SESSION_EV_PAYMENT_FAILED, "payment-failed"),
    KOFU_NAME(SESSION_EV_ACTIVITY, "activity"),
    KOFU_NAME(SESSION_EV_PIN_PAD_FAILED, "pin-pad-failed"),
    KOFU_NAME(SESSION_EV_MRZ_CHAR, "mrz-char"),
    KOFU_NAME(SESSION_EV_MRZ_DELETE, "mrz-delete"),
    KOFU_NAME(SESSION_EV_MRZ_FIELD, "mrz-field"),
    KOFU_NAME(SESSION_EV_MRZ_CHECKED, "mrz-checked"),
    KOFU_NAME(SESSION_EV_PASSPORT_READ, "passport-read"),
};

static const struct kofu_word button_names[SESSION_BTN__COUNT] = {
    KOFU_NAME(SESSION_BTN_SERVICE, "service"),
    KOFU_NAME(SESSION_BTN_BACK, "back"),
    KOFU_NAME(SESSION_BTN_CANCEL, "cancel"),
    KOFU_NAME(SESSION_BTN_LANGUAGE, "language"),
    KOFU_NAME(SESSION_BTN_MUNICIPALITY, "municipality"),
    KOFU_NAME(SESSION_BTN_KIND, "kind"),
    KOFU_NAME(SESSION_BTN_COPIES_PLUS, "copies-plus"),
    KOFU_NAME(SESSION_BTN_COPIES_MINUS, "copies-minus"),
    KOFU_NAME(SESSION_BTN_CONFIRM, "confirm"),
    KOFU_NAME(SESSION_BTN_LAST_TRY_YES, "last-try-yes"),
    KOFU_NAME(SESSION_BTN_LAST_TRY_NO, "last-try-no"),
    KOFU_NAME(SESSION_BTN_AGREE, "agree"),
    KOFU_NAME(SESSION_BTN_DISAGREE, "disagree"),
};

const char *session_state_name(enum session_state st)
{
    return KOFU_WORDS_NAME(state_names, st);
}
const char *session_screen_name(enum session_screen sc)
{
    return KOFU_WORDS_NAME(screen_names, sc);
}
const char *session_prompt_name(enum session_prompt p)
{
    return KOFU_WORDS_NAME(prompt_names, p);
}
const char *session_action_name(enum session_action_kind k)
{
    return KOFU_WORDS_NAME(action_names, k);
}
const char *session_event_name(enum session_event_kind k)
{
    return KOFU_WORDS_NAME(event_names, k);
}
const char *session_button_name(enum session_button b)
{
    return KOFU_WORDS_NAME(button_names, b);
}
