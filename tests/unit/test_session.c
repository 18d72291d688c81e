/*
 * test_session.c — the kiosk session state machine (firmware/session/session.h),
 * driven with a fake clock: whole visits, every time-out, every error path.
 *
 * Every step goes through step(), which also checks the invariants on every
 * step of every test: no action list overflows; a visit never ends in
 * IDLE/CLOSED without WIPE and RESET_CARD in the same step; PAYMENT_ASK never
 * comes before the center's certificate was accepted; nothing goes to the
 * card (CHECK_CARD, READ_CARD) and no request to the center before the
 * resident agreed to the terms of use (TERMS_AGREED) in the same visit; at
 * most one request is unreported at any time, and none when a visit ends
 * (report_rule); a visit whose total was 0 has no PAYMENT_* action; no
 * READ_PASSPORT before the card was read and the numbers, as they are,
 * passed CHECK_MRZ, and at most SESSION_PASSPORT_READS_MAX in a visit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/errors.h"
#include "card/kenhojo.h"
#include "session/session.h"
#include "tests/lib/events.h"

#define LOG_MAX 4096
#define FEE 120
#define N_MUNI 3
#define OPEN_MIN (6 * 60 + 30)
#define CLOSE_MIN (23 * 60)

struct harness {
    struct session s;
    uint64_t now;
    struct session_actions out;            /* the last step's actions */
    struct session_action log[LOG_MAX];    /* every action since the mark */
    size_t nlog;
    bool center_ok;                        /* a CENTER_RESULT OK was fed this visit */
    bool agreed;                           /* TERMS_AGREED was emitted this visit */
    int unreported;                        /* REQUEST_CERTIFICATEs not yet reported (0 or 1) */
    int total_shown;                       /* the total CONFIRM showed this visit, -1 before */
    /* How advance() answers the devices on the way to a state. */
    int check_tries;
    int print_err;
    int pay_yen;
    bool overseas;                         /* advance() chooses overseas at KIND_COPIES */
    /* The passport rule: a CHECK_MRZ sent and answered KOFU_OK, with no
     * change to the numbers since; the card read; the reads this visit. */
    bool mrz_asked, mrz_passed, card_read_ok;
    int passport_reads;
};

static struct harness H;

/* ---- driving ------------------------------------------------------------ */

static bool is_rest(enum session_state st) { return st == SESSION_IDLE || st == SESSION_CLOSED; }

static bool out_has(const struct session_actions *o, enum session_action_kind k)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->a[i].kind == k)
            return true;
    return false;
}

/* The finders below never return NULL (-Wnull-dereference): a missing action
 * fails the test and yields an all-zero stand-in. */
static const struct session_action *missing(const char *what, enum session_action_kind k)
{
    static const struct session_action none;
    fail_msg("no %s %s", what, session_action_name(k));
    return &none;
}

static const struct session_action *out_find(const struct session_actions *o, enum session_action_kind k)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->a[i].kind == k)
            return &o->a[i];
    return missing("action", k);
}

static size_t out_index(const struct session_actions *o, enum session_action_kind k)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->a[i].kind == k)
            return i;
    return SIZE_MAX;
}

static const struct session_action *out_screen(const struct session_actions *o)
{
    const struct session_action *last = NULL;
    for (size_t i = 0; i < o->n; i++)
        if (o->a[i].kind == SESSION_ACT_SHOW_SCREEN)
            last = &o->a[i];
    return last ? last : missing("screen", SESSION_ACT_SHOW_SCREEN);
}

static size_t log_count(enum session_action_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < H.nlog; i++)
        n += H.log[i].kind == k;
    return n;
}

static const struct session_action *log_find(enum session_action_kind k)
{
    for (size_t i = 0; i < H.nlog; i++)
        if (H.log[i].kind == k)
            return &H.log[i];
    return missing("logged", k);
}

static void mark(void) { H.nlog = 0; }

static bool is_payment_action(enum session_action_kind k)
{
    return k == SESSION_ACT_PAYMENT_ASK || k == SESSION_ACT_PAYMENT_CANCEL ||
           k == SESSION_ACT_PAYMENT_DISPENSE_CHANGE || k == SESSION_ACT_PAYMENT_REFUND;
}

/* One report per request, over the stream of actions: *unreported counts the
 * requests sent and not yet reported. NULL when a keeps the rule, else what
 * it broke. */
static const char *report_rule(int *unreported, const struct session_action *a)
{
    if (a->kind == SESSION_ACT_REQUEST_CERTIFICATE) {
        if (*unreported)
            return "a new request while the previous one is unreported";
        *unreported = 1;
    } else if (a->kind == SESSION_ACT_REPORT_COMPLETION) {
        if (!*unreported)
            return "a report with no request to report";
        *unreported = 0;
    }
    return NULL;
}

static void step(const struct session_event *ev)
{
    enum session_state before = H.s.state;
    if (ev->kind == SESSION_EV_MRZ_CHAR || ev->kind == SESSION_EV_MRZ_DELETE || ev->kind == SESSION_EV_MRZ_FIELD)
        H.mrz_asked = H.mrz_passed = false;
    if (ev->kind == SESSION_EV_MRZ_CHECKED)
        H.mrz_passed = H.mrz_asked && ev->err == KOFU_OK;
    if (ev->kind == SESSION_EV_CARD_READ && ev->err == KOFU_OK)
        H.card_read_ok = true;
    session_step(&H.s, ev, H.now, &H.out);
    assert_false(H.out.overflow);
    assert_true(H.out.n <= SESSION_ACTIONS_MAX);
    for (size_t i = 0; i < H.out.n; i++) {
        assert_true(H.nlog < LOG_MAX);
        H.log[H.nlog++] = H.out.a[i];
        enum session_action_kind k = H.out.a[i].kind;
        if (k == SESSION_ACT_TERMS_AGREED)
            H.agreed = true;
        if (k == SESSION_ACT_CHECK_CARD || k == SESSION_ACT_READ_CARD || k == SESSION_ACT_REQUEST_CERTIFICATE ||
            k == SESSION_ACT_READ_PASSPORT)
            assert_true(H.agreed);
        if (k == SESSION_ACT_CHECK_MRZ) {
            H.mrz_asked = true;
            H.mrz_passed = false;
        }
        if (k == SESSION_ACT_READ_PASSPORT) {
            if (!H.mrz_passed || !H.card_read_ok)
                fail_msg("READ_PASSPORT without the numbers checked (%d) or the card read (%d)", H.mrz_passed,
                         H.card_read_ok);
            if (++H.passport_reads > SESSION_PASSPORT_READS_MAX)
                fail_msg("more than %d passport reads in a visit", SESSION_PASSPORT_READS_MAX);
        }
        const char *broken = report_rule(&H.unreported, &H.out.a[i]);
        if (broken)
            fail_msg("%s (%s)", broken, session_action_name(k));
        if (k == SESSION_ACT_REQUEST_CERTIFICATE)
            H.center_ok = false; /* an acceptance is of the latest request only */
        if (k == SESSION_ACT_SHOW_SCREEN && H.out.a[i].screen == SESSION_SCREEN_CONFIRM)
            H.total_shown = H.out.a[i].amount_yen;
        if (is_payment_action(k) && H.total_shown == 0)
            fail_msg("%s in a visit free of charge", session_action_name(k));
    }
    if (!is_rest(before) && is_rest(H.s.state)) {
        assert_true(out_has(&H.out, SESSION_ACT_WIPE));
        assert_true(out_has(&H.out, SESSION_ACT_RESET_CARD));
        assert_int_equal(H.unreported, 0); /* no request leaves the visit unreported */
        H.center_ok = false;
        H.agreed = false;
        H.total_shown = -1;
        H.card_read_ok = false;
        H.passport_reads = 0;
        H.mrz_asked = H.mrz_passed = false;
    }
    if (out_has(&H.out, SESSION_ACT_WIPE))
        H.agreed = false; /* a consent is good for its visit only */
    if (out_has(&H.out, SESSION_ACT_PAYMENT_ASK))
        assert_true(H.center_ok);
}

static void ev0(enum session_event_kind k)
{
    struct session_event ev = kt_event(k);
    step(&ev);
}

static void ev_err(enum session_event_kind k, int err)
{
    struct session_event ev = kt_event(k);
    ev.err = err;
    if (k == SESSION_EV_CENTER_RESULT && err == KOFU_OK)
        H.center_ok = true;
    step(&ev);
}

static void tick_at(uint64_t ms, int minute)
{
    H.now += ms;
    struct session_event ev = kt_event(SESSION_EV_TICK);
    ev.minute_of_day = minute;
    step(&ev);
}

static void tick(uint64_t ms) { tick_at(ms, -1); }

static void tap(enum session_button b)
{
    struct session_event ev = kt_tap(b);
    step(&ev);
}

static void tap_municipality(int index)
{
    struct session_event ev = kt_tap(SESSION_BTN_MUNICIPALITY);
    ev.index = index;
    step(&ev);
}

static void tap_kind(enum center_kind kind)
{
    struct session_event ev = kt_tap(SESSION_BTN_KIND);
    ev.cert_kind = kind;
    step(&ev);
}

/* CARD_CHECKED or CARD_READ: the card's answer. */
static void card_event(enum session_event_kind k, int err, int tries, int index)
{
    struct session_event ev = kt_event(k);
    ev.err = err;
    ev.tries_left = tries;
    ev.index = index;
    step(&ev);
}

static void card_checked(int err, int tries) { card_event(SESSION_EV_CARD_CHECKED, err, tries, -1); }

static void card_read(int err, int tries, int preselected)
{
    card_event(SESSION_EV_CARD_READ, err, tries, preselected);
}

static void pay(int cumulative_yen)
{
    struct session_event ev = kt_event(SESSION_EV_PAYMENT_INSERTED);
    ev.amount_yen = cumulative_yen;
    step(&ev);
}

/* The passport's numbers typed: n characters (the field moves on by itself
 * when one is full). */
static void mrz_chars(int n)
{
    for (int i = 0; i < n; i++)
        ev0(SESSION_EV_MRZ_CHAR);
}

static void mrz_field(int f)
{
    struct session_event ev = kt_event(SESSION_EV_MRZ_FIELD);
    ev.index = f;
    step(&ev);
}

/* Every box filled: 9 + 1 + 6 + 1. */
static void enter_numbers(void) { mrz_chars(9 + 1 + 6 + 1); }

static void enter_pin(void)
{
    for (int i = 0; i < 4; i++)
        ev0(SESSION_EV_PIN_DIGIT);
    ev0(SESSION_EV_PIN_SUBMIT);
}

static void configure_fee(int open_minute, int close_minute, int fee)
{
    struct session_event ev = kt_event(SESSION_EV_CONFIG);
    ev.config.open_minute = open_minute;
    ev.config.close_minute = close_minute;
    ev.config.fee_per_copy_yen = fee;
    ev.config.max_copies = 5;
    ev.config.n_municipalities = N_MUNI;
    step(&ev);
}

static void configure(int open_minute, int close_minute) { configure_fee(open_minute, close_minute, FEE); }

/* A fresh kiosk, configured, open, at noon, showing IDLE. */
static int setup(void **state)
{
    (void)state;
    memset(&H, 0, sizeof H);
    H.now = 1000000;
    H.check_tries = 3;
    H.pay_yen = 200;
    H.total_shown = -1;
    session_init(&H.s, NULL, H.now);
    configure(OPEN_MIN, CLOSE_MIN);
    tick_at(100, 12 * 60);
    assert_int_equal(H.s.state, SESSION_IDLE);
    mark();
    return 0;
}

/* One happy step forward from the current state. */
static void advance(void)
{
    switch (H.s.state) {
    case SESSION_IDLE: ev0(SESSION_EV_CARD_INSERTED); break;
    case SESSION_CARD_PLACED: card_checked(KOFU_OK, H.check_tries); break;
    case SESSION_SERVICE: tap(SESSION_BTN_SERVICE); break;
    case SESSION_TERMS: tap(SESSION_BTN_AGREE); break;
    case SESSION_PIN_LAST_TRY_CONFIRM: tap(SESSION_BTN_LAST_TRY_YES); break;
    case SESSION_PIN: enter_pin(); break;
    case SESSION_READING: card_read(KOFU_OK, 3, 1); break;
    case SESSION_TAKE_CARD: ev0(SESSION_EV_CARD_REMOVED); break;
    case SESSION_MUNICIPALITY: tap(SESSION_BTN_CONFIRM); break;
    case SESSION_KIND_COPIES:
        if (H.overseas && H.s.cert_kind != CENTER_OVERSEAS)
            tap_kind(CENTER_OVERSEAS);
        tap(SESSION_BTN_CONFIRM);
        break;
    case SESSION_PASSPORT_NUMBERS:
        if (H.s.mrz_len[SESSION_MRZ_DOCNO] == 0)
            enter_numbers();
        tap(SESSION_BTN_CONFIRM);
        ev_err(SESSION_EV_MRZ_CHECKED, KOFU_OK);
        break;
    case SESSION_PASSPORT_CHECK: tap(SESSION_BTN_CONFIRM); break;
    case SESSION_PASSPORT_PLACE: ev0(SESSION_EV_CARD_INSERTED); break;
    case SESSION_PASSPORT_READING: ev_err(SESSION_EV_PASSPORT_READ, KOFU_OK); break;
    case SESSION_TAKE_PASSPORT: ev0(SESSION_EV_CARD_REMOVED); break;
    case SESSION_REQUESTING: ev_err(SESSION_EV_CENTER_RESULT, KOFU_OK); break;
    case SESSION_CONFIRM: tap(SESSION_BTN_CONFIRM); break;
    case SESSION_PAYMENT: pay(H.pay_yen); break;
    case SESSION_PRINTING: ev_err(SESSION_EV_PRINT_RESULT, H.print_err); break;
    case SESSION_TAKE_CERTIFICATE: ev0(SESSION_EV_CERTIFICATE_TAKEN); break;
    default: fail_msg("advance: no happy step from %s", session_state_name(H.s.state));
    }
}

static void drive_to(enum session_state target)
{
    for (int i = 0; i < 40 && H.s.state != target; i++)
        advance();
    assert_string_equal(session_state_name(H.s.state), session_state_name(target));
}

/* ---- tests -------------------------------------------------------------- */

static void test_names(void **state)
{
    (void)state;
    for (int i = 0; i < SESSION_STATE__COUNT; i++) {
        assert_string_not_equal(session_state_name((enum session_state)i), "unknown");
        for (int j = 0; j < i; j++)
            assert_string_not_equal(session_state_name((enum session_state)i),
                                    session_state_name((enum session_state)j));
    }
    for (int i = 0; i < SESSION_SCREEN__COUNT; i++)
        assert_string_not_equal(session_screen_name((enum session_screen)i), "unknown");
    for (int i = 0; i < SESSION_PROMPT__COUNT; i++)
        assert_string_not_equal(session_prompt_name((enum session_prompt)i), "unknown");
    for (int i = 0; i < SESSION_ACT__COUNT; i++)
        assert_string_not_equal(session_action_name((enum session_action_kind)i), "unknown");
    for (int i = 0; i < SESSION_EV__COUNT; i++)
        assert_string_not_equal(session_event_name((enum session_event_kind)i), "unknown");
    for (int i = 0; i < SESSION_BTN__COUNT; i++)
        assert_string_not_equal(session_button_name((enum session_button)i), "unknown");
    assert_string_equal(session_state_name(SESSION_PIN_LAST_TRY_CONFIRM), "pin-last-try-confirm");
    assert_string_equal(session_state_name(SESSION_STATE__COUNT), "unknown");
}

static void test_closed_until_configured(void **state)
{
    (void)state;
    struct session_config cfg;
    session_config_default(&cfg);
    session_init(&H.s, &cfg, H.now);
    assert_int_equal(H.s.state, SESSION_CLOSED);
    tick(100);
    const struct session_action *a = out_screen(&H.out);
    assert_non_null(a);
    assert_int_equal(a->screen, SESSION_SCREEN_CLOSED);
    assert_int_equal(a->err, KOFU_E_CONFIG);
    ev0(SESSION_EV_CARD_INSERTED);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_false(out_has(&H.out, SESSION_ACT_CHECK_CARD));
    /* An invalid configuration is refused. */
    struct session_event bad = kt_event(SESSION_EV_CONFIG);
    bad.config.max_copies = 0;
    bad.config.n_municipalities = 1;
    step(&bad);
    assert_false(H.s.center_known);
}

static void test_domestic_end_to_end(void **state)
{
    (void)state;
    static const enum session_state expected[] = {
        SESSION_SERVICE, SESSION_TERMS, SESSION_CARD_PLACED, SESSION_PIN, SESSION_READING, SESSION_TAKE_CARD,
        SESSION_MUNICIPALITY, SESSION_KIND_COPIES, SESSION_REQUESTING, SESSION_CONFIRM, SESSION_PAYMENT,
        SESSION_PRINTING, SESSION_TAKE_CERTIFICATE, SESSION_IDLE,
    };
    enum session_state seen[32];
    size_t nseen = 0;
    H.pay_yen = 500;
    do {
        advance();
        assert_true(nseen < 32);
        seen[nseen++] = H.s.state;
        if (H.s.state == SESSION_PIN)
            assert_int_equal(log_count(SESSION_ACT_SHUFFLE_PIN_PAD), 1);
        if (H.s.state == SESSION_MUNICIPALITY) {
            assert_int_equal(out_screen(&H.out)->municipality, 1); /* preselected from the card */
            assert_int_equal(log_count(SESSION_ACT_RESET_CARD), 1);  /* card unpowered after reading */
        }
        if (H.s.state == SESSION_CONFIRM) {
            assert_true(out_has(&H.out, SESSION_ACT_RENDER_PREVIEW));
            assert_int_equal(out_screen(&H.out)->amount_yen, FEE);
            ev_err(SESSION_EV_PREVIEW_RESULT, KOFU_OK);
            assert_int_equal(H.s.state, SESSION_CONFIRM);
        }
        if (H.s.state == SESSION_TAKE_CERTIFICATE)
            assert_int_equal(log_count(SESSION_ACT_WIPE), 0); /* no wipe before the end */
    } while (H.s.state != SESSION_IDLE);
    assert_int_equal(nseen, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < nseen; i++)
        assert_string_equal(session_state_name(seen[i]), session_state_name(expected[i]));

    assert_int_equal(log_count(SESSION_ACT_CHECK_CARD), 1);
    assert_int_equal(log_count(SESSION_ACT_READ_CARD), 1);
    assert_false(log_find(SESSION_ACT_READ_CARD)->last_try_confirmed);
    assert_int_equal(log_count(SESSION_ACT_SHUFFLE_PIN_PAD), 1);
    const struct session_action *r = log_find(SESSION_ACT_REQUEST_CERTIFICATE);
    assert_non_null(r);
    assert_int_equal(log_count(SESSION_ACT_REQUEST_CERTIFICATE), 1);
    assert_int_equal(r->municipality, 1);
    assert_int_equal(r->cert_kind, CENTER_DOMESTIC);
    assert_int_equal(r->copies, 1);
    assert_int_equal(log_find(SESSION_ACT_PAYMENT_ASK)->amount_yen, FEE);
    assert_int_equal(log_find(SESSION_ACT_PRINT)->copies, 1);
    assert_int_equal(log_count(SESSION_ACT_PAYMENT_DISPENSE_CHANGE), 1);
    assert_int_equal(log_find(SESSION_ACT_PAYMENT_DISPENSE_CHANGE)->amount_yen, 500 - FEE);
    assert_int_equal(log_count(SESSION_ACT_PAYMENT_REFUND), 0);
    const struct session_action *c = log_find(SESSION_ACT_REPORT_COMPLETION);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 1);
    assert_int_equal(c->outcome, CENTER_PRINTED);
    assert_int_equal(c->copies, 1);
    assert_int_equal(c->amount_yen, FEE);
    /* Order: the request before the ask, the print before the change. */
    size_t i_req = SIZE_MAX, i_ask = SIZE_MAX, i_print = SIZE_MAX, i_change = SIZE_MAX;
    for (size_t i = 0; i < H.nlog; i++) {
        if (H.log[i].kind == SESSION_ACT_REQUEST_CERTIFICATE) i_req = i;
        if (H.log[i].kind == SESSION_ACT_PAYMENT_ASK) i_ask = i;
        if (H.log[i].kind == SESSION_ACT_PRINT) i_print = i;
        if (H.log[i].kind == SESSION_ACT_PAYMENT_DISPENSE_CHANGE) i_change = i;
    }
    assert_true(i_req < i_ask && i_ask < i_print && i_print < i_change);
    /* The last step: report already sent, WIPE before the idle screen. */
    size_t w = out_index(&H.out, SESSION_ACT_WIPE), sc = out_index(&H.out, SESSION_ACT_SHOW_SCREEN);
    assert_true(w < sc);
    assert_int_equal(H.out.a[sc].screen, SESSION_SCREEN_IDLE);
    assert_int_equal(H.s.municipality, -1); /* nothing of the visit kept */
    assert_int_equal(H.s.inserted_yen, 0);
}

static void test_overseas_two_copies(void **state)
{
    (void)state;
    H.pay_yen = 2 * FEE; /* exact: no change */
    drive_to(SESSION_MUNICIPALITY);
    tap_municipality(2);
    tap_municipality(N_MUNI); /* out of range: ignored */
    assert_int_equal(H.s.municipality, 2);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_KIND_COPIES);
    tap_kind(CENTER_OVERSEAS);
    tap(SESSION_BTN_COPIES_PLUS);
    assert_int_equal(out_screen(&H.out)->copies, 2);
    assert_int_equal(out_screen(&H.out)->cert_kind, CENTER_OVERSEAS);
    drive_to(SESSION_IDLE);
    const struct session_action *r = log_find(SESSION_ACT_REQUEST_CERTIFICATE);
    assert_int_equal(r->municipality, 2);
    assert_int_equal(r->cert_kind, CENTER_OVERSEAS);
    assert_int_equal(r->copies, 2);
    assert_int_equal(log_find(SESSION_ACT_PAYMENT_ASK)->amount_yen, 240);
    assert_int_equal(log_find(SESSION_ACT_PRINT)->copies, 2);
    /* Exact money: still one DISPENSE_CHANGE (0 yen), which keeps it. */
    assert_int_equal(log_count(SESSION_ACT_PAYMENT_DISPENSE_CHANGE), 1);
    assert_int_equal(log_find(SESSION_ACT_PAYMENT_DISPENSE_CHANGE)->amount_yen, 0);
    assert_int_equal(log_find(SESSION_ACT_REPORT_COMPLETION)->amount_yen, 240);
    assert_int_equal(log_find(SESSION_ACT_REPORT_COMPLETION)->copies, 2);
}

static void test_copies_bounds_and_back(void **state)
{
    (void)state;
    drive_to(SESSION_KIND_COPIES);
    tap(SESSION_BTN_COPIES_MINUS);
    assert_int_equal(H.s.copies, 1);
    for (int i = 0; i < 10; i++)
        tap(SESSION_BTN_COPIES_PLUS);
    assert_int_equal(H.s.copies, 5);
    tap(SESSION_BTN_BACK);
    assert_int_equal(H.s.state, SESSION_MUNICIPALITY);
    tap(SESSION_BTN_CONFIRM);
    tap(SESSION_BTN_CONFIRM);
    ev_err(SESSION_EV_CENTER_RESULT, KOFU_OK);
    assert_int_equal(H.s.total_yen, 5 * FEE);
}

static void test_wrong_pin_then_right(void **state)
{
    (void)state;
    drive_to(SESSION_READING);
    card_read(KOFU_E_PIN_WRONG, 2, -1);
    assert_int_equal(H.s.state, SESSION_PIN);
    assert_true(out_has(&H.out, SESSION_ACT_SHUFFLE_PIN_PAD)); /* a fresh pad, empty PIN */
    const struct session_action *sc = out_screen(&H.out);
    assert_int_equal(sc->screen, SESSION_SCREEN_PIN);
    assert_int_equal(sc->tries_left, 2);
    assert_int_equal(sc->err, KOFU_E_PIN_WRONG);
    assert_int_equal(sc->pin_digits, 0);
    enter_pin();
    assert_int_equal(H.s.state, SESSION_READING);
    card_read(KOFU_OK, 3, -1);
    assert_int_equal(H.s.state, SESSION_TAKE_CARD);
    assert_int_equal(log_count(SESSION_ACT_READ_CARD), 2);
    ev0(SESSION_EV_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_MUNICIPALITY);
    assert_int_equal(H.s.municipality, -1); /* no preselection */
    tap(SESSION_BTN_CONFIRM);                /* nothing chosen: stays */
    assert_int_equal(H.s.state, SESSION_MUNICIPALITY);
}

static void test_pin_entry_rules(void **state)
{
    (void)state;
    drive_to(SESSION_PIN);
    ev0(SESSION_EV_PIN_DIGIT);
    ev0(SESSION_EV_PIN_DIGIT);
    ev0(SESSION_EV_PIN_SUBMIT); /* 2 digits: not sent */
    assert_int_equal(H.s.state, SESSION_PIN);
    assert_int_equal(H.out.a[0].prompt, SESSION_PROMPT_PIN_INCOMPLETE);
    ev0(SESSION_EV_PIN_CLEAR);
    assert_int_equal(out_screen(&H.out)->pin_digits, 0);
    for (int i = 0; i < 6; i++)
        ev0(SESSION_EV_PIN_DIGIT);
    assert_int_equal(H.s.pin_digits, 4);
    tap(SESSION_BTN_BACK);
    assert_int_equal(H.s.state, SESSION_SERVICE);
    assert_true(out_has(&H.out, SESSION_ACT_CLEAR_PIN));
    assert_int_equal(log_count(SESSION_ACT_READ_CARD), 0);
    drive_to(SESSION_PIN); /* the terms again, the card checked again */
    assert_int_equal(log_count(SESSION_ACT_TERMS_AGREED), 2);
    assert_int_equal(log_count(SESSION_ACT_SHUFFLE_PIN_PAD), 2); /* reshuffled on every entry */
}

static void test_tries_left_shown(void **state)
{
    (void)state;
    drive_to(SESSION_PIN); /* untouched card: 3 of 3 */
    const struct session_action *sc = log_find(SESSION_ACT_SHOW_SCREEN);
    for (size_t i = 0; i < H.nlog; i++)
        if (H.log[i].kind == SESSION_ACT_SHOW_SCREEN && H.log[i].screen == SESSION_SCREEN_PIN)
            sc = &H.log[i];
    assert_int_equal(sc->screen, SESSION_SCREEN_PIN);
    assert_int_equal(sc->tries_left, KENHOJO_TRIES_UNKNOWN); /* not shown */
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt, SESSION_PROMPT_PIN_ENTER);

    setup(NULL);
    H.check_tries = 2;
    drive_to(SESSION_PIN);
    assert_int_equal(out_screen(&H.out)->tries_left, 2);
    const struct session_action *p = out_find(&H.out, SESSION_ACT_PLAY_PROMPT);
    assert_int_equal(p->prompt, SESSION_PROMPT_PIN_TRIES_LEFT);
    assert_int_equal(p->tries_left, 2);
}

static void test_last_try_confirm_yes(void **state)
{
    (void)state;
    H.check_tries = 1;
    drive_to(SESSION_CARD_PLACED);
    card_checked(KOFU_OK, 1);
    assert_int_equal(H.s.state, SESSION_PIN_LAST_TRY_CONFIRM);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_PIN_LAST_TRY);
    assert_int_equal(log_count(SESSION_ACT_SHUFFLE_PIN_PAD), 0); /* no PIN pad before the yes */
    tap(SESSION_BTN_LAST_TRY_YES);
    assert_int_equal(H.s.state, SESSION_PIN);
    assert_int_equal(out_screen(&H.out)->tries_left, 1);
    enter_pin();
    const struct session_action *rd = out_find(&H.out, SESSION_ACT_READ_CARD);
    assert_non_null(rd);
    assert_true(rd->last_try_confirmed);
    card_read(KOFU_OK, 3, 0);
    assert_int_equal(H.s.state, SESSION_TAKE_CARD);
}

static void test_last_try_confirm_no(void **state)
{
    (void)state;
    H.check_tries = 1;
    drive_to(SESSION_PIN_LAST_TRY_CONFIRM);
    tap(SESSION_BTN_LAST_TRY_NO);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_PIN_NOT_CONFIRMED);
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    assert_true(out_has(&H.out, SESSION_ACT_RESET_CARD));
    assert_int_equal(log_count(SESSION_ACT_READ_CARD), 0);
    ev0(SESSION_EV_CARD_REMOVED);
    tick(H.s.cfg.notice_ms);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_READ_CARD), 0);
}

static void test_wrong_pins_lead_to_last_try_then_blocked(void **state)
{
    (void)state;
    drive_to(SESSION_READING);
    card_read(KOFU_E_PIN_WRONG, 1, -1);
    assert_int_equal(H.s.state, SESSION_PIN_LAST_TRY_CONFIRM);
    tap(SESSION_BTN_LAST_TRY_YES);
    enter_pin();
    assert_true(out_find(&H.out, SESSION_ACT_READ_CARD)->last_try_confirmed);
    card_read(KOFU_E_PIN_WRONG, 0, -1);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_PIN_BLOCKED);
    assert_int_equal(log_count(SESSION_ACT_READ_CARD), 2);
    /* The card layer refusing an unconfirmed last try sends us to the confirmation. */
    setup(NULL);
    drive_to(SESSION_READING);
    card_read(KOFU_E_PIN_NOT_CONFIRMED, KENHOJO_TRIES_UNKNOWN, -1);
    assert_int_equal(H.s.state, SESSION_PIN_LAST_TRY_CONFIRM);
}

static void test_blocked_card(void **state)
{
    (void)state;
    drive_to(SESSION_CARD_PLACED);
    assert_true(out_has(&H.out, SESSION_ACT_CHECK_CARD));
    assert_int_equal(log_count(SESSION_ACT_TERMS_AGREED), 1); /* a blocked card is found after agree */
    card_checked(KOFU_E_PIN_BLOCKED, 0);
    assert_int_equal(H.s.state, SESSION_ERROR);
    const struct session_action *sc = out_screen(&H.out);
    assert_int_equal(sc->screen, SESSION_SCREEN_ERROR);
    assert_int_equal(sc->err, KOFU_E_PIN_BLOCKED); /* its words send the resident to the municipal office */
    assert_true(sc->card_on_reader);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt, SESSION_PROMPT_ERROR);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->err, KOFU_E_PIN_BLOCKED);
    assert_int_equal(log_count(SESSION_ACT_SHUFFLE_PIN_PAD), 0);
    /* The card is still there: reminders until it is taken. */
    tick(H.s.cfg.reminder_ms);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt, SESSION_PROMPT_REMIND_TAKE_CARD);
    ev0(SESSION_EV_CARD_REMOVED);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_IDLE);
    /* A counter of 0 reported as OK is a blocked card too. */
    setup(NULL);
    drive_to(SESSION_CARD_PLACED);
    card_checked(KOFU_OK, 0);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_PIN_BLOCKED);
}

static void test_card_removed_during_reading(void **state)
{
    (void)state;
    drive_to(SESSION_READING);
    ev0(SESSION_EV_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_CARD_REMOVED);
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    card_read(KOFU_OK, 3, 0); /* a late result changes nothing */
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(H.out.n, 0);
    tick(H.s.cfg.notice_ms - 1);
    assert_int_equal(H.s.state, SESSION_ERROR);
    tick(1);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_REQUEST_CERTIFICATE), 0);
}

/* A pad that could not be shuffled ends the visit before any digit: the
 * error screen, wiped, the card reset, and no READ_CARD ever. */
static void test_pin_pad_failed_refuses_the_visit(void **state)
{
    (void)state;
    drive_to(SESSION_PIN);
    mark();
    ev_err(SESSION_EV_PIN_PAD_FAILED, KOFU_E_INTERNAL);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_ERROR);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_INTERNAL);
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    assert_true(out_has(&H.out, SESSION_ACT_RESET_CARD));
    /* Digits and a submit that still arrive change nothing. */
    ev0(SESSION_EV_PIN_DIGIT);
    ev0(SESSION_EV_PIN_SUBMIT);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(log_count(SESSION_ACT_READ_CARD), 0);
    /* Outside the PIN screen the event means nothing. */
    ev0(SESSION_EV_CARD_REMOVED);
    tick(H.s.cfg.notice_ms);
    assert_int_equal(H.s.state, SESSION_IDLE);
    ev_err(SESSION_EV_PIN_PAD_FAILED, KOFU_E_INTERNAL);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(H.out.n, 0);
}

static bool is_warning(const struct session_action *a)
{
    if (a->kind == SESSION_ACT_SHOW_SCREEN)
        return a->screen == SESSION_SCREEN_TIMEOUT_WARNING || a->screen == SESSION_SCREEN_PLEASE_WAIT ||
               a->screen == SESSION_SCREEN_TAKE_CARD || a->screen == SESSION_SCREEN_TAKE_CERTIFICATE ||
               a->screen == SESSION_SCREEN_TAKE_PASSPORT;
    return false;
}

/* Walk away from `target` with `inserted` yen in the acceptor: only the clock
 * moves (and the refund device answers). */
static void walk_away_from(enum session_state target, int inserted)
{
    setup(NULL);
    if (target == SESSION_PIN_LAST_TRY_CONFIRM)
        H.check_tries = 1;
    if (target == SESSION_PASSPORT_NUMBERS || target == SESSION_PASSPORT_CHECK || target == SESSION_PASSPORT_PLACE ||
        target == SESSION_PASSPORT_READING || target == SESSION_TAKE_PASSPORT)
        H.overseas = true;
    if (target == SESSION_PASSPORT_CHECK) {
        drive_to(SESSION_PASSPORT_NUMBERS);
        enter_numbers();
        tap(SESSION_BTN_CONFIRM);
        ev_err(SESSION_EV_MRZ_CHECKED, KOFU_E_MRZ_FORMAT);
    }
    if (target == SESSION_REFUNDING) {
        H.print_err = KOFU_E_PRINTER_MEDIA_JAM;
        drive_to(SESSION_PRINTING);
    }
    if (target == SESSION_ERROR) {
        drive_to(SESSION_REQUESTING);
        ev_err(SESSION_EV_CENTER_RESULT, KOFU_E_CENTER_UNREACHABLE);
    }
    drive_to(target);
    int paid = H.s.inserted_yen;
    if (inserted > 0) {
        pay(inserted);
        paid = inserted;
    }
    bool printed = target == SESSION_TAKE_CERTIFICATE;
    mark();
    for (int i = 0; i < 2000 && H.s.state != SESSION_IDLE; i++) {
        tick(1000);
        if (out_has(&H.out, SESSION_ACT_PAYMENT_REFUND))
            ev_err(SESSION_EV_REFUND_RESULT, KOFU_OK);
    }
    print_message("walk away from %s: %zu actions\n", session_state_name(target), H.nlog);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_true(H.nlog > 0);
    if (target != SESSION_ERROR) /* an error notice just times out */
        assert_true(is_warning(&H.log[0])); /* the first thing the resident meets */
    assert_true(log_count(SESSION_ACT_WIPE) >= 1);
    assert_true(log_count(SESSION_ACT_RESET_CARD) >= 1);
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    assert_int_equal(H.s.inserted_yen, 0);
    /* No money kept unless a certificate was printed. */
    if (!printed && paid > 0) {
        int returned = 0, on_receipt = 0;
        for (size_t i = 0; i < H.nlog; i++) {
            if (H.log[i].kind == SESSION_ACT_PAYMENT_REFUND)
                returned += H.log[i].amount_yen;
            if (H.log[i].kind == SESSION_ACT_PRINT_REFUND_RECEIPT)
                on_receipt += H.log[i].amount_yen;
        }
        /* The refund device answers every refund asked for during the walk:
         * all of it back, no receipt. From REFUNDING the refund went out
         * before the walk and its answer never comes: a receipt owes it all. */
        bool asked_before = target == SESSION_REFUNDING;
        assert_int_equal(returned, asked_before ? 0 : paid);
        assert_int_equal(on_receipt, asked_before ? paid : 0);
    }
    if (!printed) {
        for (size_t i = 0; i < H.nlog; i++) {
            assert_int_not_equal(H.log[i].kind, SESSION_ACT_PAYMENT_DISPENSE_CHANGE);
            if (H.log[i].kind == SESSION_ACT_REPORT_COMPLETION) {
                assert_int_not_equal(H.log[i].outcome, CENTER_PRINTED);
                /* Nothing paid, or only what a refund receipt owes. */
                assert_int_equal(H.log[i].amount_yen, H.log[i].outcome == CENTER_REFUND_OWED ? paid : 0);
            }
        }
    }
}

static void test_walk_away_every_state(void **state)
{
    (void)state;
    for (int st = 0; st < SESSION_STATE__COUNT; st++) {
        if (is_rest((enum session_state)st))
            continue;
        walk_away_from((enum session_state)st, 0);
    }
    walk_away_from(SESSION_PAYMENT, 100); /* part of the fee inserted */
}

static void test_warning_then_touch_continues(void **state)
{
    (void)state;
    drive_to(SESSION_KIND_COPIES);
    tick(H.s.cfg.inactivity_warn_ms);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TIMEOUT_WARNING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt, SESSION_PROMPT_TIMEOUT_WARNING);
    tick(H.s.cfg.inactivity_cancel_ms - 1);
    assert_int_equal(H.s.state, SESSION_KIND_COPIES);
    tap(SESSION_BTN_COPIES_MINUS); /* a touch that changes nothing still counts */
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_KIND_COPIES); /* warning gone */
    tick(H.s.cfg.inactivity_warn_ms - 1);
    assert_int_equal(H.s.state, SESSION_KIND_COPIES);
    assert_int_equal(H.out.n, 0);
    /* A clock jump still warns before it cancels. */
    tick(3600 * 1000);
    assert_int_equal(H.s.state, SESSION_KIND_COPIES);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TIMEOUT_WARNING);
    tick(1);
    assert_int_equal(H.s.state, SESSION_IDLE);

    /* "Touch to continue" (CONFIRM on the warning) continues: it does not
     * press the screen's own OK underneath (here: no request is sent). */
    setup(NULL);
    drive_to(SESSION_KIND_COPIES);
    tick(H.s.cfg.inactivity_warn_ms);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TIMEOUT_WARNING);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_KIND_COPIES);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_KIND_COPIES);
    assert_false(out_has(&H.out, SESSION_ACT_REQUEST_CERTIFICATE));
    tap(SESSION_BTN_CONFIRM); /* the screen's own OK, now that the warning is gone */
    assert_int_equal(H.s.state, SESSION_REQUESTING);
}

static void test_cancel_before_payment(void **state)
{
    (void)state;
    drive_to(SESSION_PIN);
    tap(SESSION_BTN_CANCEL); /* card still on the reader */
    assert_int_equal(H.s.state, SESSION_TAKE_CARD);
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    assert_true(out_has(&H.out, SESSION_ACT_RESET_CARD));
    ev0(SESSION_EV_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_IDLE); /* not on to MUNICIPALITY */

    setup(NULL);
    drive_to(SESSION_CONFIRM);
    tap(SESSION_BTN_BACK); /* no back once issued */
    assert_int_equal(H.s.state, SESSION_CONFIRM);
    tap(SESSION_BTN_CANCEL);
    assert_int_equal(H.s.state, SESSION_IDLE);
    const struct session_action *c = out_find(&H.out, SESSION_ACT_REPORT_COMPLETION);
    assert_non_null(c);
    assert_int_equal(c->outcome, CENTER_FAILED);
    assert_true(out_index(&H.out, SESSION_ACT_REPORT_COMPLETION) < out_index(&H.out, SESSION_ACT_WIPE));
    assert_int_equal(log_count(SESSION_ACT_PAYMENT_ASK), 0);
}

static void test_cancel_during_payment_refunds(void **state)
{
    (void)state;
    drive_to(SESSION_PAYMENT);
    pay(50);
    pay(100);
    assert_int_equal(out_screen(&H.out)->inserted_yen, 100);
    pay(90); /* cumulative counts never go down */
    assert_int_equal(H.s.inserted_yen, 100);
    tap(SESSION_BTN_CANCEL);
    assert_int_equal(H.s.state, SESSION_REFUNDING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PAYMENT_REFUND)->amount_yen, 100);
    ev_err(SESSION_EV_REFUND_RESULT, KOFU_OK);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_REFUNDED);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REPORT_COMPLETION)->outcome, CENTER_REFUNDED);
    assert_int_equal(log_count(SESSION_ACT_PRINT), 0);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_IDLE);

    /* Nothing inserted: the acceptor is closed, no refund. */
    setup(NULL);
    drive_to(SESSION_PAYMENT);
    tap(SESSION_BTN_CANCEL);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_true(out_has(&H.out, SESSION_ACT_PAYMENT_CANCEL));
    assert_int_equal(log_count(SESSION_ACT_PAYMENT_REFUND), 0);
}

static void test_payment_device_failure(void **state)
{
    (void)state;
    /* Money already taken when the acceptor breaks: all of it goes back. */
    drive_to(SESSION_PAYMENT);
    pay(100);
    ev_err(SESSION_EV_PAYMENT_FAILED, KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(H.s.state, SESSION_REFUNDING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PAYMENT_REFUND)->amount_yen, 100);
    ev_err(SESSION_EV_REFUND_RESULT, KOFU_OK);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_REFUNDED);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(log_count(SESSION_ACT_PRINT), 0);

    /* Nothing taken yet: no refund, an error notice, and the visit ends. */
    setup(NULL);
    drive_to(SESSION_PAYMENT);
    ev_err(SESSION_EV_PAYMENT_FAILED, KOFU_E_PAYMENT_DEVICE);
    assert_true(out_has(&H.out, SESSION_ACT_PAYMENT_CANCEL));
    assert_int_equal(log_count(SESSION_ACT_PAYMENT_REFUND), 0);
    assert_int_equal(log_count(SESSION_ACT_PRINT), 0);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REPORT_COMPLETION)->outcome, CENTER_FAILED);

    /* Outside PAYMENT the event is ignored. */
    setup(NULL);
    drive_to(SESSION_CONFIRM);
    ev_err(SESSION_EV_PAYMENT_FAILED, KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(H.s.state, SESSION_CONFIRM);
    assert_int_equal(H.out.n, 0);
}

static void test_print_failure_refunded(void **state)
{
    (void)state;
    H.print_err = KOFU_E_PRINTER_MEDIA_EMPTY;
    H.pay_yen = 150;
    drive_to(SESSION_PRINTING);
    advance();
    assert_int_equal(H.s.state, SESSION_REFUNDING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PAYMENT_REFUND)->amount_yen, 150); /* change included */
    ev_err(SESSION_EV_REFUND_RESULT, KOFU_OK);
    assert_int_equal(H.s.state, SESSION_ERROR);
    const struct session_action *sc = out_screen(&H.out);
    assert_int_equal(sc->screen, SESSION_SCREEN_REFUNDED);
    assert_int_equal(sc->err, KOFU_E_PRINTER_MEDIA_EMPTY);
    assert_int_equal(sc->amount_yen, 150);
    const struct session_action *c = out_find(&H.out, SESSION_ACT_REPORT_COMPLETION);
    assert_int_equal(c->outcome, CENTER_REFUNDED);
    assert_int_equal(c->copies, 0);
    assert_int_equal(c->amount_yen, 0);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 1);
    assert_int_equal(log_count(SESSION_ACT_PAYMENT_DISPENSE_CHANGE), 0);
    assert_int_equal(log_count(SESSION_ACT_PRINT_REFUND_RECEIPT), 0);
    tick(H.s.cfg.notice_ms);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 1); /* once */
}

static void test_refund_device_failure_prints_receipt(void **state)
{
    (void)state;
    H.print_err = KOFU_E_PRINT_ABORTED;
    drive_to(SESSION_REFUNDING);
    ev_err(SESSION_EV_REFUND_RESULT, KOFU_E_INTERNAL);
    assert_int_equal(H.s.state, SESSION_ERROR);
    const struct session_action *rc = out_find(&H.out, SESSION_ACT_PRINT_REFUND_RECEIPT);
    assert_non_null(rc);
    assert_int_equal(rc->amount_yen, 200);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REPORT_COMPLETION)->outcome, CENTER_REFUND_OWED);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REPORT_COMPLETION)->amount_yen, 200);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_REFUND_RECEIPT);
    assert_true(out_index(&H.out, SESSION_ACT_REPORT_COMPLETION) < out_index(&H.out, SESSION_ACT_WIPE));
}

static void test_center_down(void **state)
{
    (void)state;
    drive_to(SESSION_REQUESTING);
    ev_err(SESSION_EV_CENTER_RESULT, KOFU_E_CENTER_UNREACHABLE);
    assert_int_equal(H.s.state, SESSION_ERROR);
    const struct session_action *sc = out_screen(&H.out);
    assert_int_equal(sc->screen, SESSION_SCREEN_ERROR);
    assert_int_equal(sc->err, KOFU_E_CENTER_UNREACHABLE);
    assert_false(sc->card_on_reader);
    ev_err(SESSION_EV_CENTER_RESULT, KOFU_OK); /* too late */
    assert_int_equal(H.s.state, SESSION_ERROR);
    tick(H.s.cfg.notice_ms);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_PAYMENT_ASK), 0);
    assert_int_equal(log_count(SESSION_ACT_RENDER_PREVIEW), 0);
    assert_int_equal(log_count(SESSION_ACT_PRINT), 0);
    assert_int_equal(log_find(SESSION_ACT_REPORT_COMPLETION)->outcome, CENTER_FAILED);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 1);

    /* A preview that cannot be drawn: error, no payment either. */
    setup(NULL);
    drive_to(SESSION_CONFIRM);
    ev_err(SESSION_EV_PREVIEW_RESULT, KOFU_E_DOC_UNPRINTABLE);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(log_count(SESSION_ACT_PAYMENT_ASK), 0);
}

static void test_outside_service_hours(void **state)
{
    (void)state;
    tick_at(100, CLOSE_MIN); /* 23:00: closed */
    assert_int_equal(H.s.state, SESSION_CLOSED);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_CLOSED);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_OUTSIDE_HOURS);
    ev0(SESSION_EV_CARD_INSERTED);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_OUTSIDE_HOURS);
    assert_false(out_has(&H.out, SESSION_ACT_CHECK_CARD));
    ev0(SESSION_EV_CARD_REMOVED);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_CLOSED);
    tick_at(100, OPEN_MIN - 1);
    assert_int_equal(H.s.state, SESSION_CLOSED);
    tick_at(100, OPEN_MIN);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_IDLE);
    /* A visit running at closing time is not cut short. */
    drive_to(SESSION_MUNICIPALITY);
    tick_at(100, CLOSE_MIN + 5);
    assert_int_equal(H.s.state, SESSION_MUNICIPALITY);
    /* Hours across midnight (22:00–02:00). */
    configure(22 * 60, 2 * 60);
    tap(SESSION_BTN_CANCEL);
    assert_int_equal(H.s.state, SESSION_IDLE); /* 23:05 is inside */
    tick_at(100, 3 * 60);
    assert_int_equal(H.s.state, SESSION_CLOSED);
    /* 00:00–24:00, as the center writes "open all day": accepted, and open
     * at every minute. */
    configure(0, 24 * 60);
    assert_true(H.s.center_known);
    assert_int_equal(H.s.center.close_minute, 24 * 60);
    tick_at(100, 0);
    assert_int_equal(H.s.state, SESSION_IDLE);
    tick_at(100, 24 * 60 - 1);
    assert_int_equal(H.s.state, SESSION_IDLE);
}

static void test_card_left_on_reader_reminders(void **state)
{
    (void)state;
    drive_to(SESSION_TAKE_CARD);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt, SESSION_PROMPT_TAKE_CARD);
    mark();
    uint64_t start = H.now;
    uint64_t last = 0;
    int reminders = 0;
    while (H.s.state == SESSION_TAKE_CARD && H.now - start < 10 * 60 * 1000) {
        tick(500);
        if (out_has(&H.out, SESSION_ACT_PLAY_PROMPT) &&
            out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt == SESSION_PROMPT_REMIND_TAKE_CARD) {
            assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TAKE_CARD);
            if (reminders > 0)
                assert_int_equal(H.now - last, H.s.cfg.reminder_ms);
            last = H.now;
            reminders++;
        }
    }
    assert_true(reminders >= 3);
    assert_int_equal(reminders, (int)(H.s.cfg.left_behind_ms / H.s.cfg.reminder_ms) - 1);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(H.now - start, H.s.cfg.left_behind_ms);
    assert_int_equal(log_count(SESSION_ACT_REQUEST_CERTIFICATE), 0);
}

static void test_certificate_left_in_tray_reminders(void **state)
{
    (void)state;
    drive_to(SESSION_TAKE_CERTIFICATE);
    mark();
    int reminders = 0;
    for (int i = 0; i < 4; i++) {
        tick(H.s.cfg.reminder_ms);
        const struct session_action *p = out_find(&H.out, SESSION_ACT_PLAY_PROMPT);
        assert_non_null(p);
        assert_int_equal(p->prompt, SESSION_PROMPT_REMIND_TAKE_CERTIFICATE);
        assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TAKE_CERTIFICATE);
        reminders++;
    }
    tick(H.s.cfg.reminder_ms / 2);
    assert_int_equal(H.out.n, 0); /* not between reminders */
    assert_int_equal(reminders, 4);
    ev0(SESSION_EV_CERTIFICATE_TAKEN);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 0); /* sent once, on printing */
}

static void test_language_switch_keeps_state(void **state)
{
    (void)state;
    static const enum session_state where[] = {SESSION_IDLE, SESSION_SERVICE, SESSION_PIN, SESSION_KIND_COPIES,
                                               SESSION_PAYMENT, SESSION_TAKE_CERTIFICATE};
    size_t n = sizeof where / sizeof where[0];
    for (size_t i = 0; i < n; i++) {
        drive_to(where[i]);
        if (where[i] == SESSION_PIN)
            ev0(SESSION_EV_PIN_DIGIT);
        enum session_screen before = H.s.screen;
        enum kofu_lang lang = H.s.lang;
        enum kofu_lang other = lang == KOFU_LANG_JA ? KOFU_LANG_EN : KOFU_LANG_JA;
        int digits = H.s.pin_digits;
        tap(SESSION_BTN_LANGUAGE);
        assert_int_equal(H.s.state, where[i]);
        const struct session_action *sc = out_screen(&H.out);
        assert_non_null(sc);
        assert_int_equal(sc->screen, before);
        assert_int_equal(sc->lang, other);
        assert_int_equal(sc->pin_digits, digits);
        assert_false(out_has(&H.out, SESSION_ACT_SHUFFLE_PIN_PAD));
        assert_false(out_has(&H.out, SESSION_ACT_PAYMENT_ASK));
        assert_false(out_has(&H.out, SESSION_ACT_WIPE));
        tap(SESSION_BTN_LANGUAGE);
        assert_int_equal(out_screen(&H.out)->lang, lang);
        assert_int_equal(H.s.state, where[i]);
        if (i == 0)
            tap(SESSION_BTN_LANGUAGE); /* the visit goes on in English */
        if (i + 1 == n)
            break;
        if (where[i] == SESSION_PIN) {
            for (int d = 0; d < 3; d++)
                ev0(SESSION_EV_PIN_DIGIT);
            ev0(SESSION_EV_PIN_SUBMIT);
        } else {
            advance();
        }
        assert_int_equal(out_screen(&H.out)->lang, KOFU_LANG_EN);
    }
    drive_to(SESSION_IDLE);
    assert_int_equal(out_screen(&H.out)->lang, KOFU_LANG_JA); /* the next resident starts in Japanese */
}

static void test_device_slow_then_answers(void **state)
{
    (void)state;
    drive_to(SESSION_REQUESTING);
    tick(H.s.cfg.wait_warn_ms);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_PLEASE_WAIT);
    tap(SESSION_BTN_CANCEL); /* no cancel while the center works */
    assert_int_equal(H.s.state, SESSION_REQUESTING);
    ev_err(SESSION_EV_CENTER_RESULT, KOFU_OK);
    assert_int_equal(H.s.state, SESSION_CONFIRM);
    /* The printer never answers: treated as a print time-out, refunded. */
    drive_to(SESSION_PRINTING);
    tick(H.s.cfg.wait_warn_ms);
    tick(H.s.cfg.wait_timeout_ms);
    assert_int_equal(H.s.state, SESSION_REFUNDING);
    assert_int_equal(H.s.err, KOFU_E_PRINT_TIMEOUT);
}

/* What the kiosk relies on while a device call runs: as long as
 * session_waiting_on_device holds, a TICK only warns. */
static void test_ticks_during_a_device_call_only_warn(void **state)
{
    (void)state;
    drive_to(SESSION_MUNICIPALITY);
    assert_false(session_waiting_on_device(&H.s, H.now)); /* waits on the resident */
    drive_to(SESSION_READING);
    mark();
    uint64_t entered = H.s.entered_ms, step = H.s.cfg.wait_timeout_ms / 50;
    while (session_waiting_on_device(&H.s, H.now + step)) {
        tick(step);
        for (size_t i = 0; i < H.out.n; i++)
            assert_true(H.out.a[i].kind == SESSION_ACT_SHOW_SCREEN || H.out.a[i].kind == SESSION_ACT_PLAY_PROMPT);
        assert_int_equal(H.s.state, SESSION_READING);
    }
    assert_true(H.now + step >= entered + H.s.cfg.wait_timeout_ms);
    assert_false(session_waiting_on_device(&H.s, entered + H.s.cfg.wait_timeout_ms));
    assert_int_equal(log_find(SESSION_ACT_SHOW_SCREEN)->screen, SESSION_SCREEN_PLEASE_WAIT);
}


/* ---- the terms of use ----------------------------------------------------- */

/* A card on the reader is only detected: the service, then the terms; the
 * first action towards the card comes in the step of "agree", after
 * TERMS_AGREED. */
static void test_terms_before_any_card_access(void **state)
{
    (void)state;
    ev0(SESSION_EV_CARD_INSERTED);
    assert_int_equal(H.s.state, SESSION_SERVICE);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_SERVICE);
    tap(SESSION_BTN_SERVICE);
    assert_int_equal(H.s.state, SESSION_TERMS);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TERMS);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt, SESSION_PROMPT_TERMS);
    assert_string_equal(session_screen_name(SESSION_SCREEN_TERMS), "terms");
    assert_string_equal(session_state_name(SESSION_TERMS), "terms");
    /* Stray taps of other screens do nothing here. */
    tap(SESSION_BTN_SERVICE);
    tap(SESSION_BTN_CONFIRM);
    tap(SESSION_BTN_LAST_TRY_YES);
    ev0(SESSION_EV_PIN_SUBMIT);
    assert_int_equal(H.s.state, SESSION_TERMS);
    assert_int_equal(log_count(SESSION_ACT_CHECK_CARD), 0);
    assert_int_equal(log_count(SESSION_ACT_READ_CARD), 0);
    assert_int_equal(log_count(SESSION_ACT_SHUFFLE_PIN_PAD), 0);
    /* Back goes to the service; the terms again. */
    tap(SESSION_BTN_BACK);
    assert_int_equal(H.s.state, SESSION_SERVICE);
    tap(SESSION_BTN_SERVICE);
    assert_int_equal(H.s.state, SESSION_TERMS);
    assert_int_equal(log_count(SESSION_ACT_CHECK_CARD), 0);
    tap(SESSION_BTN_AGREE);
    size_t agreed = out_index(&H.out, SESSION_ACT_TERMS_AGREED), check = out_index(&H.out, SESSION_ACT_CHECK_CARD);
    assert_true(agreed < check && check < H.out.n);
    assert_int_equal(H.s.state, SESSION_CARD_PLACED);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_CARD_PLACED);
    card_checked(KOFU_OK, 3);
    assert_int_equal(H.s.state, SESSION_PIN);
    assert_int_equal(log_count(SESSION_ACT_TERMS_AGREED), 1);
}

/* "Do not agree" ends the visit as cancel does: wiped, the card reset and
 * asked back, then idle; nothing ever went to the card or the center. */
static void test_disagree_ends_the_visit(void **state)
{
    (void)state;
    drive_to(SESSION_TERMS);
    tap(SESSION_BTN_DISAGREE);
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    assert_true(out_has(&H.out, SESSION_ACT_RESET_CARD));
    assert_int_equal(H.s.state, SESSION_TAKE_CARD);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TAKE_CARD);
    ev0(SESSION_EV_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    assert_true(out_has(&H.out, SESSION_ACT_RESET_CARD));
    assert_int_equal(log_count(SESSION_ACT_TERMS_AGREED), 0);
    assert_int_equal(log_count(SESSION_ACT_CHECK_CARD), 0);
    assert_int_equal(log_count(SESSION_ACT_READ_CARD), 0);
    assert_int_equal(log_count(SESSION_ACT_REQUEST_CERTIFICATE), 0);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 0);
    /* The card taken away on the terms screen: straight back to idle. */
    mark();
    drive_to(SESSION_TERMS);
    ev0(SESSION_EV_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_CHECK_CARD), 0);
}

/* Reading takes time: the kiosk's scrolling (ACTIVITY) counts as being
 * there, and answers the warning like a touch; without it, the usual
 * warning and cancel. The language switches over the terms. */
static void test_terms_reading_time_and_language(void **state)
{
    (void)state;
    drive_to(SESSION_TERMS);
    uint64_t warn = H.s.cfg.inactivity_warn_ms;
    tick(warn - 1000);
    ev0(SESSION_EV_ACTIVITY);
    assert_int_equal(H.out.n, 0); /* nothing to show: the kiosk redrew its page */
    tick(2000);
    assert_int_equal(H.s.state, SESSION_TERMS);
    assert_false(H.s.warned);
    tick(warn);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TIMEOUT_WARNING);
    ev0(SESSION_EV_ACTIVITY);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TERMS);
    tap(SESSION_BTN_LANGUAGE);
    assert_int_equal(H.s.state, SESSION_TERMS);
    assert_int_equal(out_screen(&H.out)->lang, KOFU_LANG_EN);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt, SESSION_PROMPT_TERMS);
    tick(warn);
    tick(H.s.cfg.inactivity_cancel_ms);
    assert_int_equal(H.s.state, SESSION_TAKE_CARD); /* walked away: cancelled, card asked back */
    ev0(SESSION_EV_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_IDLE);
    ev0(SESSION_EV_ACTIVITY); /* outside a visit: nothing */
    assert_int_equal(H.out.n, 0);
    assert_int_equal(log_count(SESSION_ACT_CHECK_CARD), 0);
}

/* ---- free of charge, and the refusals a resident can answer ------------- */

static size_t log_count_payment(void)
{
    size_t n = 0;
    for (size_t i = 0; i < H.nlog; i++)
        n += is_payment_action(H.log[i].kind);
    return n;
}

/* fee_per_copy_yen 0: "next" on the confirmation prints at once; the center
 * hears `printed` with 0 yen; the acceptor is never asked for anything. */
static void test_free_of_charge(void **state)
{
    (void)state;
    configure_fee(OPEN_MIN, CLOSE_MIN, 0);
    drive_to(SESSION_KIND_COPIES);
    tap(SESSION_BTN_COPIES_PLUS);
    drive_to(SESSION_CONFIRM);
    assert_int_equal(out_screen(&H.out)->amount_yen, 0);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_PRINTING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PRINT)->copies, 2);
    advance();
    assert_int_equal(H.s.state, SESSION_TAKE_CERTIFICATE);
    assert_int_equal(out_screen(&H.out)->amount_yen, 0); /* no change to take */
    const struct session_action *c = out_find(&H.out, SESSION_ACT_REPORT_COMPLETION);
    assert_int_equal(c->outcome, CENTER_PRINTED);
    assert_int_equal(c->copies, 2);
    assert_int_equal(c->amount_yen, 0);
    ev0(SESSION_EV_CERTIFICATE_TAKEN);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 1);
    assert_int_equal(log_count(SESSION_ACT_PRINT), 1);
    assert_int_equal(log_count_payment(), 0);
    assert_int_equal(log_count(SESSION_ACT_PRINT_REFUND_RECEIPT), 0);

    /* A fee again: the payment step is back. */
    configure(OPEN_MIN, CLOSE_MIN);
    drive_to(SESSION_CONFIRM);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_PAYMENT);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PAYMENT_ASK)->amount_yen, FEE);
}

/* A free certificate that does not print: `failed`, no refund (nothing was
 * paid), the visit ends on the error; the same when the printer never
 * answers. */
static void test_free_print_failure(void **state)
{
    (void)state;
    configure_fee(OPEN_MIN, CLOSE_MIN, 0);
    H.print_err = KOFU_E_PRINTER_MEDIA_JAM;
    drive_to(SESSION_PRINTING);
    advance();
    assert_int_equal(H.s.state, SESSION_ERROR);
    const struct session_action *sc = out_screen(&H.out);
    assert_int_equal(sc->screen, SESSION_SCREEN_ERROR);
    assert_int_equal(sc->err, KOFU_E_PRINTER_MEDIA_JAM);
    const struct session_action *c = out_find(&H.out, SESSION_ACT_REPORT_COMPLETION);
    assert_int_equal(c->outcome, CENTER_FAILED);
    assert_int_equal(c->copies, 0);
    assert_int_equal(c->amount_yen, 0);
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    tick(H.s.cfg.notice_ms);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 1);
    assert_int_equal(log_count_payment(), 0);
    assert_int_equal(log_count(SESSION_ACT_PRINT_REFUND_RECEIPT), 0);

    mark();
    drive_to(SESSION_PRINTING);
    tick(H.s.cfg.wait_warn_ms);
    tick(H.s.cfg.wait_timeout_ms);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_PRINT_TIMEOUT);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REPORT_COMPLETION)->outcome, CENTER_FAILED);
    assert_int_equal(log_count_payment(), 0);
}

/* The refused request's one report: `failed`, nothing printed or kept. */
static void assert_refusal_reported(void)
{
    const struct session_action *c = out_find(&H.out, SESSION_ACT_REPORT_COMPLETION);
    assert_int_equal(c->outcome, CENTER_FAILED);
    assert_int_equal(c->copies, 0);
    assert_int_equal(c->amount_yen, 0);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 1);
    assert_false(out_has(&H.out, SESSION_ACT_WIPE)); /* the visit goes on */
    assert_false(out_has(&H.out, SESSION_ACT_RESET_CARD));
}

/* no-record: back to the municipality, the choice cleared, the center's
 * words shown and spoken until the resident goes on; the next request is a
 * new one with its own report. */
static void test_no_record_back_to_municipality(void **state)
{
    (void)state;
    drive_to(SESSION_REQUESTING);
    assert_int_equal(log_find(SESSION_ACT_REQUEST_CERTIFICATE)->municipality, 1);
    mark();
    ev_err(SESSION_EV_CENTER_RESULT, KOFU_E_NO_RECORD);
    assert_int_equal(H.s.state, SESSION_MUNICIPALITY);
    const struct session_action *sc = out_screen(&H.out);
    assert_int_equal(sc->screen, SESSION_SCREEN_MUNICIPALITY);
    assert_int_equal(sc->err, KOFU_E_NO_RECORD);
    assert_int_equal(sc->municipality, -1);
    const struct session_action *p = out_find(&H.out, SESSION_ACT_PLAY_PROMPT);
    assert_int_equal(p->prompt, SESSION_PROMPT_ERROR);
    assert_int_equal(p->err, KOFU_E_NO_RECORD);
    assert_refusal_reported();
    /* "next" with nothing chosen does nothing; a choice keeps the words. */
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_MUNICIPALITY);
    tap_municipality(2);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_NO_RECORD);
    assert_int_equal(out_screen(&H.out)->municipality, 2);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_KIND_COPIES);
    assert_int_equal(out_screen(&H.out)->err, KOFU_OK);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt, SESSION_PROMPT_KIND_COPIES);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_REQUESTING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REQUEST_CERTIFICATE)->municipality, 2);
    assert_int_equal(log_count(SESSION_ACT_REQUEST_CERTIFICATE), 1);
    /* The second request gets its own report: printed. */
    drive_to(SESSION_TAKE_CERTIFICATE);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 2);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REPORT_COMPLETION)->outcome, CENTER_PRINTED);
    ev0(SESSION_EV_CERTIFICATE_TAKEN);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 2);
    assert_int_equal(log_count(SESSION_ACT_WIPE), 1);

    /* Refused twice, then walked away from: one report each, none more. */
    mark();
    drive_to(SESSION_REQUESTING);
    ev_err(SESSION_EV_CENTER_RESULT, KOFU_E_NO_RECORD);
    tap_municipality(0);
    tap(SESSION_BTN_CONFIRM);
    tap(SESSION_BTN_CONFIRM);
    ev_err(SESSION_EV_CENTER_RESULT, KOFU_E_NO_RECORD);
    assert_int_equal(H.s.state, SESSION_MUNICIPALITY);
    assert_int_equal(log_count(SESSION_ACT_REQUEST_CERTIFICATE), 2);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 2);
    for (int i = 0; i < 10 && H.s.state != SESSION_IDLE; i++)
        tick(H.s.cfg.inactivity_warn_ms);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 2);
}

/* passport-not-registered: back to the kind, domestic selected, the words
 * shown; "back" from there clears them too. */
static void test_passport_back_to_domestic(void **state)
{
    (void)state;
    drive_to(SESSION_KIND_COPIES);
    tap_kind(CENTER_OVERSEAS);
    tap(SESSION_BTN_COPIES_PLUS);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_PASSPORT_NUMBERS); /* overseas: the passport first */
    drive_to(SESSION_REQUESTING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REQUEST_CERTIFICATE)->cert_kind, CENTER_OVERSEAS);
    mark();
    ev_err(SESSION_EV_CENTER_RESULT, KOFU_E_PASSPORT_NOT_REGISTERED);
    assert_int_equal(H.s.state, SESSION_KIND_COPIES);
    const struct session_action *sc = out_screen(&H.out);
    assert_int_equal(sc->screen, SESSION_SCREEN_KIND_COPIES);
    assert_int_equal(sc->err, KOFU_E_PASSPORT_NOT_REGISTERED);
    assert_int_equal(sc->cert_kind, CENTER_DOMESTIC);
    assert_int_equal(sc->copies, 2);       /* the other choices kept */
    assert_int_equal(sc->municipality, 1);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->prompt, SESSION_PROMPT_ERROR);
    assert_int_equal(out_find(&H.out, SESSION_ACT_PLAY_PROMPT)->err, KOFU_E_PASSPORT_NOT_REGISTERED);
    assert_refusal_reported();
    tap(SESSION_BTN_BACK);
    assert_int_equal(H.s.state, SESSION_MUNICIPALITY);
    assert_int_equal(out_screen(&H.out)->err, KOFU_OK);
    tap(SESSION_BTN_CONFIRM);
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_REQUESTING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REQUEST_CERTIFICATE)->cert_kind, CENTER_DOMESTIC);
    H.pay_yen = 2 * FEE;
    drive_to(SESSION_TAKE_CERTIFICATE);
    const struct session_action *c = out_find(&H.out, SESSION_ACT_REPORT_COMPLETION);
    assert_int_equal(c->outcome, CENTER_PRINTED);
    assert_int_equal(c->copies, 2);
    assert_int_equal(c->amount_yen, 2 * FEE);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 2);
}


/* ---- the passport --------------------------------------------------------- */

static bool out_prompt(enum session_prompt p, int err)
{
    for (size_t i = 0; i < H.out.n; i++)
        if (H.out.a[i].kind == SESSION_ACT_PLAY_PROMPT && H.out.a[i].prompt == p &&
            (p != SESSION_PROMPT_ERROR || H.out.a[i].err == err))
            return true;
    return false;
}

/* Overseas: the numbers, their check, the passport placed, read, taken
 * back, then the center; every screen and prompt on the way. */
static void test_overseas_passport_end_to_end(void **state)
{
    (void)state;
    drive_to(SESSION_KIND_COPIES);
    tap_kind(CENTER_OVERSEAS);
    mark();
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_PASSPORT_NUMBERS);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_PASSPORT_NUMBERS);
    assert_true(out_prompt(SESSION_PROMPT_PASSPORT_NUMBERS, 0));
    assert_int_equal(out_screen(&H.out)->mrz_field, SESSION_MRZ_DOCNO);
    assert_false(out_has(&H.out, SESSION_ACT_REQUEST_CERTIFICATE));
    /* Nine characters fill the number and move on to its check digit. */
    mrz_chars(9);
    assert_int_equal(out_screen(&H.out)->mrz_len[SESSION_MRZ_DOCNO], 9);
    assert_int_equal(out_screen(&H.out)->mrz_field, SESSION_MRZ_DOCNO_CD);
    mrz_chars(1);
    assert_int_equal(out_screen(&H.out)->mrz_field, SESSION_MRZ_EXPIRY);
    mrz_chars(7);
    assert_int_equal(out_screen(&H.out)->mrz_field, SESSION_MRZ_EXPIRY_CD);
    const int full[SESSION_MRZ__FIELDS] = {9, 1, 6, 1};
    assert_memory_equal(out_screen(&H.out)->mrz_len, full, sizeof full);
    tap(SESSION_BTN_CONFIRM);
    assert_true(out_has(&H.out, SESSION_ACT_CHECK_MRZ));
    assert_memory_equal(out_find(&H.out, SESSION_ACT_CHECK_MRZ)->mrz_len, full, sizeof full);
    assert_int_equal(log_count(SESSION_ACT_READ_PASSPORT), 0);
    ev_err(SESSION_EV_MRZ_CHECKED, KOFU_OK);
    assert_int_equal(H.s.state, SESSION_PASSPORT_PLACE);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_PASSPORT_PLACE);
    assert_true(out_prompt(SESSION_PROMPT_PASSPORT_PLACE, 0));
    assert_false(out_has(&H.out, SESSION_ACT_READ_PASSPORT)); /* nothing on the reader yet */
    ev0(SESSION_EV_CARD_INSERTED);
    assert_int_equal(H.s.state, SESSION_PASSPORT_READING);
    assert_true(out_prompt(SESSION_PROMPT_PASSPORT_READING, 0));
    assert_true(out_has(&H.out, SESSION_ACT_READ_PASSPORT));
    assert_true(session_waiting_on_device(&H.s, H.now));
    ev_err(SESSION_EV_PASSPORT_READ, KOFU_OK);
    assert_int_equal(H.s.state, SESSION_TAKE_PASSPORT);
    assert_true(out_has(&H.out, SESSION_ACT_RESET_CARD));
    assert_true(out_prompt(SESSION_PROMPT_TAKE_PASSPORT, 0));
    assert_int_equal(out_screen(&H.out)->err, KOFU_OK);
    /* The numbers have done their job: the kiosk drops them with the counts. */
    assert_int_equal(out_screen(&H.out)->mrz_len[SESSION_MRZ_DOCNO], 0);
    tick(H.s.cfg.reminder_ms);
    assert_true(out_prompt(SESSION_PROMPT_REMIND_TAKE_PASSPORT, 0));
    ev0(SESSION_EV_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_REQUESTING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REQUEST_CERTIFICATE)->cert_kind, CENTER_OVERSEAS);
    drive_to(SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_READ_PASSPORT), 1);
    assert_int_equal(log_count(SESSION_ACT_CHECK_MRZ), 1);
    assert_int_equal(log_find(SESSION_ACT_REPORT_COMPLETION)->outcome, CENTER_PRINTED);
}

/* The keypad: full fields take no more, delete goes back across fields,
 * the field can be chosen, a short number is allowed, an incomplete submit
 * is answered by a prompt, and any change cancels a check in flight. */
static void test_passport_keypad_rules(void **state)
{
    (void)state;
    H.overseas = true;
    drive_to(SESSION_PASSPORT_NUMBERS);
    tap(SESSION_BTN_CONFIRM); /* nothing typed */
    assert_false(out_has(&H.out, SESSION_ACT_CHECK_MRZ));
    assert_true(out_prompt(SESSION_PROMPT_PASSPORT_INCOMPLETE, 0));
    ev0(SESSION_EV_MRZ_DELETE); /* nothing to delete: nothing happens */
    assert_int_equal(H.out.n, 0);
    mrz_chars(7); /* a short number: the resident moves on by hand */
    assert_int_equal(H.s.mrz_field, SESSION_MRZ_DOCNO);
    mrz_field(SESSION_MRZ_DOCNO_CD);
    assert_int_equal(out_screen(&H.out)->mrz_field, SESSION_MRZ_DOCNO_CD);
    mrz_chars(1);
    assert_int_equal(H.s.mrz_field, SESSION_MRZ_EXPIRY);
    mrz_chars(6);
    ev0(SESSION_EV_MRZ_CHAR); /* the expiry's check digit */
    const int short_full[SESSION_MRZ__FIELDS] = {7, 1, 6, 1};
    assert_memory_equal(H.s.mrz_len, short_full, sizeof short_full);
    ev0(SESSION_EV_MRZ_CHAR); /* every box full: ignored */
    assert_int_equal(H.out.n, 0);
    assert_memory_equal(H.s.mrz_len, short_full, sizeof short_full);
    /* Delete: the last box, then back into the date. */
    ev0(SESSION_EV_MRZ_DELETE);
    assert_int_equal(H.s.mrz_len[SESSION_MRZ_EXPIRY_CD], 0);
    ev0(SESSION_EV_MRZ_DELETE);
    assert_int_equal(H.s.mrz_field, SESSION_MRZ_EXPIRY);
    assert_int_equal(H.s.mrz_len[SESSION_MRZ_EXPIRY], 5);
    tap(SESSION_BTN_CONFIRM);
    assert_false(out_has(&H.out, SESSION_ACT_CHECK_MRZ));
    assert_true(out_prompt(SESSION_PROMPT_PASSPORT_INCOMPLETE, 0));
    mrz_field(-1); /* no such field */
    mrz_field(SESSION_MRZ__FIELDS);
    assert_int_equal(H.out.n, 0);
    mrz_chars(2);
    tap(SESSION_BTN_CONFIRM);
    assert_true(out_has(&H.out, SESSION_ACT_CHECK_MRZ));
    /* A change before the answer: that answer no longer counts. */
    ev0(SESSION_EV_MRZ_DELETE);
    ev_err(SESSION_EV_MRZ_CHECKED, KOFU_OK);
    assert_int_equal(H.s.state, SESSION_PASSPORT_NUMBERS);
    /* An answer with no question: ignored too. */
    mrz_chars(1);
    ev_err(SESSION_EV_MRZ_CHECKED, KOFU_OK);
    assert_int_equal(H.s.state, SESSION_PASSPORT_NUMBERS);
    /* Keypad events mean nothing elsewhere. */
    tap(SESSION_BTN_BACK);
    assert_int_equal(H.s.state, SESSION_KIND_COPIES);
    assert_int_equal(out_screen(&H.out)->mrz_len[SESSION_MRZ_DOCNO], 0); /* dropped going back */
    ev0(SESSION_EV_MRZ_CHAR);
    ev0(SESSION_EV_MRZ_DELETE);
    ev_err(SESSION_EV_MRZ_CHECKED, KOFU_OK);
    ev_err(SESSION_EV_PASSPORT_READ, KOFU_OK);
    assert_int_equal(H.s.state, SESSION_KIND_COPIES);
    assert_int_equal(H.s.mrz_len[SESSION_MRZ_DOCNO], 0);
    assert_int_equal(log_count(SESSION_ACT_READ_PASSPORT), 0);
}

/* Check digits that fail, then a chip that refuses the numbers: "check the
 * numbers", the keypad again with the numbers kept, the passport left on
 * the reader read again without being lifted. */
static void test_passport_check_the_numbers(void **state)
{
    (void)state;
    H.overseas = true;
    drive_to(SESSION_PASSPORT_NUMBERS);
    enter_numbers();
    tap(SESSION_BTN_CONFIRM);
    mark();
    ev_err(SESSION_EV_MRZ_CHECKED, KOFU_E_MRZ_FORMAT);
    assert_int_equal(H.s.state, SESSION_PASSPORT_CHECK);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_PASSPORT_CHECK);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_MRZ_FORMAT);
    assert_true(out_prompt(SESSION_PROMPT_ERROR, KOFU_E_MRZ_FORMAT));
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_PASSPORT_NUMBERS);
    assert_int_equal(out_screen(&H.out)->err, KOFU_OK);
    assert_int_equal(out_screen(&H.out)->mrz_len[SESSION_MRZ_DOCNO], 9); /* kept, to be corrected */
    ev0(SESSION_EV_MRZ_DELETE);
    mrz_chars(1);
    tap(SESSION_BTN_CONFIRM);
    ev_err(SESSION_EV_MRZ_CHECKED, KOFU_OK);
    ev0(SESSION_EV_CARD_INSERTED);
    assert_int_equal(H.s.state, SESSION_PASSPORT_READING);
    ev_err(SESSION_EV_PASSPORT_READ, KOFU_E_PASSPORT_KEYS);
    assert_int_equal(H.s.state, SESSION_PASSPORT_CHECK);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_PASSPORT_KEYS);
    assert_true(out_prompt(SESSION_PROMPT_ERROR, KOFU_E_PASSPORT_KEYS));
    assert_false(out_has(&H.out, SESSION_ACT_WIPE));
    tap(SESSION_BTN_CONFIRM);
    /* A submit without a new check reads nothing. */
    tap(SESSION_BTN_CONFIRM);
    assert_int_equal(H.s.state, SESSION_PASSPORT_NUMBERS);
    ev_err(SESSION_EV_MRZ_CHECKED, KOFU_OK);
    /* Still on the reader: read at once. */
    assert_int_equal(H.s.state, SESSION_PASSPORT_READING);
    assert_true(out_has(&H.out, SESSION_ACT_READ_PASSPORT));
    ev_err(SESSION_EV_PASSPORT_READ, KOFU_OK);
    drive_to(SESSION_REQUESTING);
    assert_int_equal(log_count(SESSION_ACT_READ_PASSPORT), 2);
    assert_int_equal(log_count(SESSION_ACT_CHECK_MRZ), 2); /* since the mark: the first failed */
}

/* The chip refuses the numbers SESSION_PASSPORT_READS_MAX times: the visit
 * ends on the error, the passport asked back. */
static void test_passport_keys_refused_too_often(void **state)
{
    (void)state;
    H.overseas = true;
    drive_to(SESSION_PASSPORT_READING);
    for (int i = 1; i < SESSION_PASSPORT_READS_MAX; i++) {
        ev_err(SESSION_EV_PASSPORT_READ, KOFU_E_PASSPORT_KEYS);
        assert_int_equal(H.s.state, SESSION_PASSPORT_CHECK);
        drive_to(SESSION_PASSPORT_READING);
    }
    mark();
    ev_err(SESSION_EV_PASSPORT_READ, KOFU_E_PASSPORT_KEYS);
    assert_int_equal(H.s.state, SESSION_ERROR);
    const struct session_action *sc = out_screen(&H.out);
    assert_int_equal(sc->screen, SESSION_SCREEN_ERROR);
    assert_int_equal(sc->err, KOFU_E_PASSPORT_KEYS);
    assert_true(sc->card_on_reader);
    assert_true(sc->passport); /* "take your passport" */
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    assert_true(out_has(&H.out, SESSION_ACT_RESET_CARD));
    tick(H.s.cfg.reminder_ms);
    assert_true(out_prompt(SESSION_PROMPT_REMIND_TAKE_PASSPORT, 0));
    ev0(SESSION_EV_CARD_REMOVED);
    tick(H.s.cfg.notice_ms);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_REQUEST_CERTIFICATE), 0);
}

/* A passport that cannot give the overseas certificate: taken back, then
 * the kind with domestic selected and the reason, as passport-not-registered. */
static void test_passport_unusable_offers_domestic(void **state)
{
    (void)state;
    static const int errs[] = {KOFU_E_PASSPORT_NOT_AUTHENTIC, KOFU_E_PASSPORT_OTHER_PERSON, KOFU_E_PASSPORT_DATA,
                               KOFU_E_NOT_PASSPORT};
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        setup(NULL);
        H.overseas = true;
        H.pay_yen = 2 * FEE;
        drive_to(SESSION_KIND_COPIES);
        tap(SESSION_BTN_COPIES_PLUS);
        drive_to(SESSION_PASSPORT_READING);
        H.overseas = false;
        mark();
        ev_err(SESSION_EV_PASSPORT_READ, errs[i]);
        assert_int_equal(H.s.state, SESSION_TAKE_PASSPORT);
        assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TAKE_PASSPORT);
        assert_int_equal(out_screen(&H.out)->err, errs[i]);
        assert_true(out_has(&H.out, SESSION_ACT_RESET_CARD));
        assert_false(out_has(&H.out, SESSION_ACT_WIPE)); /* the visit goes on */
        ev0(SESSION_EV_CARD_REMOVED);
        assert_int_equal(H.s.state, SESSION_KIND_COPIES);
        const struct session_action *sc = out_screen(&H.out);
        assert_int_equal(sc->err, errs[i]);
        assert_int_equal(sc->cert_kind, CENTER_DOMESTIC);
        assert_int_equal(sc->copies, 2);
        assert_true(out_prompt(SESSION_PROMPT_ERROR, errs[i]));
        tap(SESSION_BTN_CONFIRM);
        assert_int_equal(out_find(&H.out, SESSION_ACT_REQUEST_CERTIFICATE)->cert_kind, CENTER_DOMESTIC);
        drive_to(SESSION_IDLE);
        assert_int_equal(log_count(SESSION_ACT_READ_PASSPORT), 0); /* none after the one refused */
    }
}

/* The contact lost while reading: lift and place again (no read while it
 * lies there untouched), a read spent each time. */
static void test_passport_contact_lost(void **state)
{
    (void)state;
    H.overseas = true;
    drive_to(SESSION_PASSPORT_READING);
    ev_err(SESSION_EV_PASSPORT_READ, KOFU_E_PASSPORT_SM);
    assert_int_equal(H.s.state, SESSION_PASSPORT_PLACE);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_PASSPORT_SM);
    assert_true(out_prompt(SESSION_PROMPT_ERROR, KOFU_E_PASSPORT_SM));
    assert_false(out_has(&H.out, SESSION_ACT_READ_PASSPORT));
    ev0(SESSION_EV_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_PASSPORT_PLACE);
    ev0(SESSION_EV_CARD_INSERTED);
    assert_int_equal(H.s.state, SESSION_PASSPORT_READING);
    /* Lifted during the read: the read says so. */
    ev0(SESSION_EV_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_PASSPORT_READING);
    ev_err(SESSION_EV_PASSPORT_READ, KOFU_E_CARD_REMOVED);
    assert_int_equal(H.s.state, SESSION_PASSPORT_PLACE);
    ev0(SESSION_EV_CARD_INSERTED);
    ev_err(SESSION_EV_PASSPORT_READ, KOFU_E_PASSPORT_SM); /* the third read */
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_PASSPORT_SM);
    /* Anything else ends the visit at once. */
    setup(NULL);
    H.overseas = true;
    drive_to(SESSION_PASSPORT_READING);
    ev_err(SESSION_EV_PASSPORT_READ, KOFU_E_NOMEM);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_NOMEM);
    /* So does a check that could not be made (not the numbers' fault). */
    setup(NULL);
    H.overseas = true;
    drive_to(SESSION_PASSPORT_NUMBERS);
    enter_numbers();
    tap(SESSION_BTN_CONFIRM);
    ev_err(SESSION_EV_MRZ_CHECKED, KOFU_E_INTERNAL);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(log_count(SESSION_ACT_READ_PASSPORT), 0);
}

/* Cancel in each passport state: no money is involved yet (no PAYMENT_*),
 * the visit is wiped, a passport on the reader is asked back first. */
static void test_passport_cancel(void **state)
{
    (void)state;
    static const enum session_state states[] = {SESSION_PASSPORT_NUMBERS, SESSION_PASSPORT_CHECK,
                                                SESSION_PASSPORT_PLACE};
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        for (int on_reader = 0; on_reader < 2; on_reader++) {
            setup(NULL);
            H.overseas = true;
            if (states[i] == SESSION_PASSPORT_CHECK) {
                drive_to(SESSION_PASSPORT_NUMBERS);
                enter_numbers();
                tap(SESSION_BTN_CONFIRM);
                ev_err(SESSION_EV_MRZ_CHECKED, KOFU_E_MRZ_FORMAT);
            }
            drive_to(states[i]);
            if (on_reader && states[i] != SESSION_PASSPORT_PLACE)
                ev0(SESSION_EV_CARD_INSERTED); /* placed early */
            if (on_reader && states[i] == SESSION_PASSPORT_PLACE) { /* placed again after a lost contact */
                ev0(SESSION_EV_CARD_INSERTED);
                ev_err(SESSION_EV_PASSPORT_READ, KOFU_E_PASSPORT_SM);
                assert_int_equal(H.s.state, SESSION_PASSPORT_PLACE);
            }
            mark();
            tap(SESSION_BTN_CANCEL);
            assert_true(out_has(&H.out, SESSION_ACT_WIPE));
            if (on_reader) {
                assert_int_equal(H.s.state, SESSION_TAKE_PASSPORT);
                assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_TAKE_PASSPORT);
                ev0(SESSION_EV_CARD_REMOVED);
            }
            assert_int_equal(H.s.state, SESSION_IDLE);
            for (size_t j = 0; j < H.nlog; j++)
                assert_false(is_payment_action(H.log[j].kind));
            assert_int_equal(log_count(SESSION_ACT_REQUEST_CERTIFICATE), 0);
            assert_int_equal(H.s.mrz_len[SESSION_MRZ_DOCNO], 0);
        }
    }
}

/* Shown catching: the session itself refuses to read a passport whose
 * numbers did not pass the check, even if the flow were wrong. */
static void test_passport_read_needs_the_check(void **state)
{
    (void)state;
    H.overseas = true;
    drive_to(SESSION_PASSPORT_PLACE);
    H.s.mrz_ok = false; /* as if the check had never passed */
    mark();
    ev0(SESSION_EV_CARD_INSERTED);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(log_count(SESSION_ACT_READ_PASSPORT), 0);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_INTERNAL);
}

/* municipality-not-participating: the list the resident chose from is out
 * of date, so the visit ends as before (the kiosk refetches /config). */
static void test_not_participating_ends_the_visit(void **state)
{
    (void)state;
    drive_to(SESSION_REQUESTING);
    mark();
    ev_err(SESSION_EV_CENTER_RESULT, KOFU_E_MUNICIPALITY_NOT_PARTICIPATING);
    assert_int_equal(H.s.state, SESSION_ERROR);
    assert_int_equal(out_screen(&H.out)->screen, SESSION_SCREEN_ERROR);
    assert_int_equal(out_screen(&H.out)->err, KOFU_E_MUNICIPALITY_NOT_PARTICIPATING);
    assert_int_equal(out_find(&H.out, SESSION_ACT_REPORT_COMPLETION)->outcome, CENTER_FAILED);
    assert_true(out_has(&H.out, SESSION_ACT_WIPE));
    tick(H.s.cfg.notice_ms);
    assert_int_equal(H.s.state, SESSION_IDLE);
    assert_int_equal(log_count(SESSION_ACT_REPORT_COMPLETION), 1);
}

/* The rule step() applies to every action of every test, shown catching the
 * two ways to break it and passing the ways the session keeps it. */
static void test_report_rule_catches(void **state)
{
    (void)state;
    const struct session_action req = {.kind = SESSION_ACT_REQUEST_CERTIFICATE};
    const struct session_action rep = {.kind = SESSION_ACT_REPORT_COMPLETION};
    int open = 0;
    assert_null(report_rule(&open, &req));
    assert_non_null(report_rule(&open, &req)); /* a second request, the first unreported */
    open = 0;
    assert_non_null(report_rule(&open, &rep)); /* a report of nothing */
    open = 0;
    assert_null(report_rule(&open, &req));
    assert_null(report_rule(&open, &rep));
    assert_non_null(report_rule(&open, &rep)); /* the same request twice */
    open = 0;
    assert_null(report_rule(&open, &req));
    assert_null(report_rule(&open, &rep));
    assert_null(report_rule(&open, &req)); /* refused, then asked again */
    assert_null(report_rule(&open, &rep));
    assert_int_equal(open, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_names, setup),
        cmocka_unit_test_setup(test_closed_until_configured, setup),
        cmocka_unit_test_setup(test_pin_pad_failed_refuses_the_visit, setup),
        cmocka_unit_test_setup(test_domestic_end_to_end, setup),
        cmocka_unit_test_setup(test_overseas_two_copies, setup),
        cmocka_unit_test_setup(test_copies_bounds_and_back, setup),
        cmocka_unit_test_setup(test_wrong_pin_then_right, setup),
        cmocka_unit_test_setup(test_pin_entry_rules, setup),
        cmocka_unit_test_setup(test_tries_left_shown, setup),
        cmocka_unit_test_setup(test_last_try_confirm_yes, setup),
        cmocka_unit_test_setup(test_last_try_confirm_no, setup),
        cmocka_unit_test_setup(test_wrong_pins_lead_to_last_try_then_blocked, setup),
        cmocka_unit_test_setup(test_blocked_card, setup),
        cmocka_unit_test_setup(test_card_removed_during_reading, setup),
        cmocka_unit_test_setup(test_walk_away_every_state, setup),
        cmocka_unit_test_setup(test_warning_then_touch_continues, setup),
        cmocka_unit_test_setup(test_cancel_before_payment, setup),
        cmocka_unit_test_setup(test_cancel_during_payment_refunds, setup),
        cmocka_unit_test_setup(test_payment_device_failure, setup),
        cmocka_unit_test_setup(test_print_failure_refunded, setup),
        cmocka_unit_test_setup(test_refund_device_failure_prints_receipt, setup),
        cmocka_unit_test_setup(test_center_down, setup),
        cmocka_unit_test_setup(test_outside_service_hours, setup),
        cmocka_unit_test_setup(test_card_left_on_reader_reminders, setup),
        cmocka_unit_test_setup(test_certificate_left_in_tray_reminders, setup),
        cmocka_unit_test_setup(test_language_switch_keeps_state, setup),
        cmocka_unit_test_setup(test_device_slow_then_answers, setup),
        cmocka_unit_test_setup(test_ticks_during_a_device_call_only_warn, setup),
        cmocka_unit_test_setup(test_terms_before_any_card_access, setup),
        cmocka_unit_test_setup(test_disagree_ends_the_visit, setup),
        cmocka_unit_test_setup(test_terms_reading_time_and_language, setup),
        cmocka_unit_test_setup(test_free_of_charge, setup),
        cmocka_unit_test_setup(test_free_print_failure, setup),
        cmocka_unit_test_setup(test_no_record_back_to_municipality, setup),
        cmocka_unit_test_setup(test_passport_back_to_domestic, setup),
        cmocka_unit_test_setup(test_not_participating_ends_the_visit, setup),
        cmocka_unit_test_setup(test_overseas_passport_end_to_end, setup),
        cmocka_unit_test_setup(test_passport_keypad_rules, setup),
        cmocka_unit_test_setup(test_passport_check_the_numbers, setup),
        cmocka_unit_test_setup(test_passport_keys_refused_too_often, setup),
        cmocka_unit_test_setup(test_passport_unusable_offers_domestic, setup),
        cmocka_unit_test_setup(test_passport_contact_lost, setup),
        cmocka_unit_test_setup(test_passport_cancel, setup),
        cmocka_unit_test_setup(test_passport_read_needs_the_check, setup),
        cmocka_unit_test_setup(test_report_rule_catches, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
