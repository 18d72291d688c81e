/*
 * test_service_mode.c — the technician's service mode (firmware/diag/mode.h),
 * driven with a fake clock and a fake wall clock: entering, the deferral
 * during a visit, the id and the credential, the lock-out at five and its
 * end, the menu's every button, the interactive tests, the idle time-out,
 * leaving.
 *
 * Every step goes through step(), which checks the invariants on every
 * step: no overflow; no VERIFY while the lock-out is active; the mode
 * never opens from OFF/PENDING on an event that does not say the kiosk is
 * between visits; every LEAVE leaves the mode OFF with no technician; the
 * credential's count is 0 outside ENTER_CODE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/config.h"
#include "base/errors.h"
#include "diag/maint_cred.h"
#include "diag/mode.h"

#define IDLE_S 180
#define LOCK_S 900
#define W 1280
#define H 800

static struct mode M;
static uint64_t NOW;
static int64_t WALL = 1800000000;
static struct mode_actions OUT;

static bool has(enum mode_action_kind k)
{
    for (size_t i = 0; i < OUT.n; i++)
        if (OUT.a[i].kind == k)
            return true;
    return false;
}

/* Whether the last step logged ev. */
static bool did_log(enum kofu_event ev)
{
    for (size_t i = 0; i < OUT.n; i++)
        if (OUT.a[i].kind == MODE_ACT_LOG && OUT.a[i].ev == ev)
            return true;
    return false;
}

/* The LOG action for ev in the last step. Never NULL (-Wnull-dereference):
 * a missing one fails the test and yields an all-zero stand-in. */
static const struct mode_action *logged(enum kofu_event ev)
{
    static const struct mode_action none;
    for (size_t i = 0; i < OUT.n; i++)
        if (OUT.a[i].kind == MODE_ACT_LOG && OUT.a[i].ev == ev)
            return &OUT.a[i];
    fail_msg("not logged: %s", kofu_event_name(ev));
    return &none;
}

static void step(struct mode_event ev)
{
    ev.wall_s = WALL;
    enum mode_state before = M.state;
    bool locked = service_lockout_active(&M.lockout, WALL) || M.no_state_file;
    mode_step(&M, &ev, NOW, &OUT);
    assert_false(OUT.overflow);
    if (locked)
        assert_false(has(MODE_ACT_VERIFY));
    /* No lock-out outlasts the configuration once the mode has looked at it. */
    if (M.state == MODE_LOCKED_OUT)
        assert_true(M.lockout.locked_until - WALL <= LOCK_S);
    if ((before == MODE_OFF || before == MODE_PENDING) && mode_active(&M)) {
        assert_true(ev.kind == MODE_EV_VISIT_CLEAN || (ev.kind == MODE_EV_REQUEST && ev.between_visits));
    }
    if (has(MODE_ACT_LEAVE)) {
        assert_int_equal(M.state, MODE_OFF);
        assert_int_equal(M.technician, 0);
        assert_int_equal(M.confirmed.n_taps, 0);
    }
    if (M.state != MODE_ENTER_CODE && M.state != MODE_VERIFYING)
        assert_int_equal(M.code_len, 0);
}

static void tick(uint64_t ms)
{
    NOW += ms;
    step((struct mode_event){.kind = MODE_EV_TICK});
}

static void tap(enum mode_button b) { step((struct mode_event){.kind = MODE_EV_TAP, .button = b}); }
static void tap_check(int i) { step((struct mode_event){.kind = MODE_EV_TAP, .button = MODE_BTN_CHECK, .index = i}); }
static void digit(int d) { step((struct mode_event){.kind = MODE_EV_DIGIT, .digit = d}); }
static void submit(void) { step((struct mode_event){.kind = MODE_EV_SUBMIT}); }
static void result(enum mode_event_kind k, int err) { step((struct mode_event){.kind = k, .err = err}); }

static void request(bool between)
{
    step((struct mode_event){.kind = MODE_EV_REQUEST, .between_visits = between});
}

static int setup(void **state)
{
    (void)state;
    struct kofu_config c;
    config_defaults(&c);
    c.maintenance_idle_seconds = IDLE_S;
    c.maintenance_lockout_seconds = LOCK_S;
    struct mode_config mc;
    mode_config_from(&mc, &c, W, H);
    NOW = 1000;
    WALL = 1800000000;
    mode_init(&M, &mc, NULL, NOW);
    return 0;
}

/* The id 4711 and a credential of n digits (the kiosk keeps them: -1). */
static void enter_id_and_code(int n)
{
    digit(4);
    digit(7);
    digit(1);
    digit(1);
    assert_int_equal(M.technician, 4711);
    submit();
    assert_int_equal(M.state, MODE_ENTER_CODE);
    assert_true(has(MODE_ACT_SHUFFLE_PAD));
    for (int i = 0; i < n; i++)
        digit(-1);
    submit();
}

static void to_menu(void)
{
    request(true);
    assert_int_equal(M.state, MODE_ENTER_ID);
    enter_id_and_code(MAINT_CODE_MIN);
    assert_int_equal(M.state, MODE_VERIFYING);
    assert_true(has(MODE_ACT_VERIFY));
    result(MODE_EV_VERIFIED, KOFU_OK);
    assert_int_equal(M.state, MODE_MENU);
}

static void test_enter_and_leave(void **state)
{
    (void)state;
    assert_false(mode_active(&M));
    request(true);
    const struct mode_action *l = logged(EV_SERVICE_REQUEST);
    assert_int_equal(l->what, 1);
    assert_true(mode_active(&M));
    enter_id_and_code(MAINT_CODE_MIN);
    assert_true(has(MODE_ACT_VERIFY));
    result(MODE_EV_VERIFIED, KOFU_OK);
    assert_true(has(MODE_ACT_CLEAR_CODE)); /* the credential is forgotten after every VERIFY */
    assert_true(did_log(EV_SERVICE_ENTER));
    assert_int_equal(M.state, MODE_MENU);
    assert_int_equal(M.technician, 4711);
    tap(MODE_BTN_LEAVE);
    assert_true(has(MODE_ACT_LEAVE));
    l = logged(EV_SERVICE_LEAVE);
    assert_int_equal(l->what, 1);
    assert_int_equal(M.state, MODE_OFF);
}

static void test_short_code_and_empty_id_refused(void **state)
{
    (void)state;
    request(true);
    submit(); /* no id */
    assert_int_equal(M.state, MODE_ENTER_ID);
    digit(1);
    submit();
    for (int i = 0; i < MAINT_CODE_MIN - 1; i++)
        digit(-1);
    submit();
    assert_int_equal(M.state, MODE_ENTER_CODE);
    assert_false(has(MODE_ACT_VERIFY));
    for (int i = 0; i < MAINT_CODE_MAX + 3; i++)
        digit(-1);
    assert_int_equal(M.code_len, MAINT_CODE_MAX); /* the pad takes no more */
    step((struct mode_event){.kind = MODE_EV_CLEAR});
    assert_true(has(MODE_ACT_CLEAR_CODE));
    assert_int_equal(M.code_len, 0);
    tap(MODE_BTN_BACK);
    assert_int_equal(M.state, MODE_ENTER_ID);
    assert_true(has(MODE_ACT_CLEAR_CODE));
    assert_int_equal(M.technician, 0);
    tap(MODE_BTN_CANCEL);
    assert_int_equal(M.state, MODE_OFF);
}

static void test_id_digits_bounded(void **state)
{
    (void)state;
    request(true);
    for (int i = 0; i < MAINT_ID_DIGITS + 4; i++)
        digit(9);
    assert_int_equal(M.id_digits, MAINT_ID_DIGITS);
    assert_int_equal(M.technician, 99999999u);
    step((struct mode_event){.kind = MODE_EV_CLEAR});
    assert_int_equal(M.technician, 0);
}

static void test_lockout_at_five(void **state)
{
    (void)state;
    request(true);
    for (int i = 1; i <= SERVICE_FAILURES_MAX; i++) {
        enter_id_and_code(MAINT_CODE_MIN);
        assert_true(has(MODE_ACT_VERIFY));
        result(MODE_EV_VERIFIED, KOFU_E_SERVICE_DENIED);
        assert_true(has(MODE_ACT_SAVE_LOCKOUT)); /* every failure goes to the state file */
        assert_true(did_log(EV_SERVICE_AUTH));
        if (i < SERVICE_FAILURES_MAX) {
            assert_int_equal(M.state, MODE_ENTER_ID);
            assert_int_equal(M.err, KOFU_E_SERVICE_DENIED);
            assert_int_equal(M.lockout.failures, (unsigned)i);
            assert_false(did_log(EV_SERVICE_LOCKED));
        }
    }
    assert_int_equal(M.state, MODE_LOCKED_OUT);
    const struct mode_action *l = logged(EV_SERVICE_LOCKED);
    assert_int_equal(l->what, LOCK_S);
    assert_int_equal(mode_lockout_seconds_left(&M, WALL), LOCK_S);
    /* The notice leaves on its own; a new request is locked out again,
     * without a pad. */
    tick(16000);
    assert_int_equal(M.state, MODE_OFF);
    WALL += 60;
    request(true);
    assert_int_equal(M.state, MODE_LOCKED_OUT);
    digit(1);
    submit();
    assert_int_equal(M.state, MODE_LOCKED_OUT);
    tap(MODE_BTN_OK);
    assert_int_equal(M.state, MODE_OFF);
    /* Once the time has passed, the pad again, and the right one opens. */
    WALL += LOCK_S;
    assert_int_equal(mode_lockout_seconds_left(&M, WALL), 0);
    to_menu();
}

static void test_lockout_kept_across_restart(void **state)
{
    (void)state;
    struct service_lockout saved = {.failures = 0, .locked_until = WALL + 100};
    struct mode_config mc = M.cfg;
    mode_init(&M, &mc, &saved, NOW);
    request(true);
    assert_int_equal(M.state, MODE_LOCKED_OUT);
    assert_false(has(MODE_ACT_SHUFFLE_PAD));
    /* Four failures before a restart, one after: locked. */
    struct service_lockout four = {.failures = 4};
    mode_init(&M, &mc, &four, NOW);
    request(true);
    enter_id_and_code(MAINT_CODE_MIN);
    result(MODE_EV_VERIFIED, KOFU_E_SERVICE_DENIED);
    assert_int_equal(M.state, MODE_LOCKED_OUT);
}

static void test_success_clears_failures(void **state)
{
    (void)state;
    request(true);
    enter_id_and_code(MAINT_CODE_MIN);
    result(MODE_EV_VERIFIED, KOFU_E_SERVICE_DENIED);
    assert_int_equal(M.lockout.failures, 1);
    enter_id_and_code(MAINT_CODE_MIN);
    result(MODE_EV_VERIFIED, KOFU_OK);
    assert_true(has(MODE_ACT_SAVE_LOCKOUT));
    assert_int_equal(M.lockout.failures, 0);
}

static void test_damaged_file_fails_closed(void **state)
{
    (void)state;
    request(true);
    enter_id_and_code(MAINT_CODE_MIN);
    result(MODE_EV_VERIFIED, KOFU_E_CONFIG);
    assert_int_equal(M.state, MODE_ENTER_ID);
    assert_int_equal(M.err, KOFU_E_CONFIG);
    assert_int_equal(M.lockout.failures, 0); /* not the technician's fault */
    const struct mode_action *l = logged(EV_SERVICE_AUTH);
    assert_int_equal(l->err, KOFU_E_CONFIG);
}

/* A far locked_until (a clock set back, a file written by hand) is cut to
 * maintenance_lockout_seconds from now, and saved so. */
static void test_lockout_clamped(void **state)
{
    (void)state;
    struct service_lockout far = {.failures = 5, .locked_until = WALL + 10 * 365 * 86400LL};
    struct mode_config mc = M.cfg;
    mode_init(&M, &mc, &far, NOW);
    assert_int_equal(mode_lockout_seconds_left(&M, WALL), LOCK_S); /* the view is bounded too */
    request(true);
    assert_int_equal(M.state, MODE_LOCKED_OUT);
    assert_true(has(MODE_ACT_SAVE_LOCKOUT));
    assert_true(M.lockout.locked_until == WALL + LOCK_S);
    tap(MODE_BTN_OK);
    /* Within the bound: left alone, nothing saved. */
    WALL += 10;
    request(true);
    assert_int_equal(M.state, MODE_LOCKED_OUT);
    assert_false(has(MODE_ACT_SAVE_LOCKOUT));
    assert_int_equal(mode_lockout_seconds_left(&M, WALL), LOCK_S - 10);
    tap(MODE_BTN_OK);
    /* And it ends when the configuration says. */
    WALL += LOCK_S - 10;
    to_menu();
}

/* No state file to keep the count of wrong codes: the mode refuses, with
 * its reason, and no code is ever verified. */
static void test_no_state_file_refused(void **state)
{
    (void)state;
    M.no_state_file = true;
    request(true);
    assert_int_equal(M.state, MODE_LOCKED_OUT);
    assert_int_equal(M.err, KOFU_E_CONFIG);
    assert_false(has(MODE_ACT_SHUFFLE_PAD));
    assert_int_equal(logged(EV_SERVICE_AUTH)->err, KOFU_E_CONFIG);
    digit(1);
    submit();
    assert_int_equal(M.state, MODE_LOCKED_OUT);
    tap(MODE_BTN_OK);
    assert_int_equal(M.state, MODE_OFF);
    M.no_state_file = false;
    to_menu();
}

/* A refused id is logged only when the credential file knows it: digits
 * typed into the id field by mistake may be the code. */
static void test_unknown_id_logged_as_zero(void **state)
{
    (void)state;
    request(true);
    enter_id_and_code(MAINT_CODE_MIN);
    step((struct mode_event){.kind = MODE_EV_VERIFIED, .err = KOFU_E_SERVICE_DENIED, .id_known = false});
    assert_true(logged(EV_SERVICE_AUTH)->anonymous);
    enter_id_and_code(MAINT_CODE_MIN);
    step((struct mode_event){.kind = MODE_EV_VERIFIED, .err = KOFU_E_SERVICE_DENIED, .id_known = true});
    assert_false(logged(EV_SERVICE_AUTH)->anonymous);
    enter_id_and_code(MAINT_CODE_MIN);
    step((struct mode_event){.kind = MODE_EV_VERIFIED, .err = KOFU_E_CONFIG, .id_known = false});
    assert_true(logged(EV_SERVICE_AUTH)->anonymous);
    for (int i = 2; i < SERVICE_FAILURES_MAX; i++) {
        enter_id_and_code(MAINT_CODE_MIN);
        step((struct mode_event){.kind = MODE_EV_VERIFIED, .err = KOFU_E_SERVICE_DENIED, .id_known = false});
    }
    assert_int_equal(M.state, MODE_LOCKED_OUT);
    assert_true(logged(EV_SERVICE_LOCKED)->anonymous);
    assert_true(logged(EV_SERVICE_AUTH)->anonymous);
    /* Every other line keeps the technician. */
    tap(MODE_BTN_OK);
    WALL += LOCK_S;
    request(true);
    enter_id_and_code(MAINT_CODE_MIN);
    step((struct mode_event){.kind = MODE_EV_VERIFIED, .err = KOFU_OK, .id_known = true});
    assert_false(logged(EV_SERVICE_ENTER)->anonymous);
}

static void test_pad_failure_leaves(void **state)
{
    (void)state;
    request(true);
    digit(5);
    submit();
    result(MODE_EV_PAD_FAILED, KOFU_E_INTERNAL);
    assert_true(has(MODE_ACT_LEAVE));
    assert_true(has(MODE_ACT_CLEAR_CODE));
    assert_int_equal(M.state, MODE_OFF);
}

static void test_deferred_during_visit(void **state)
{
    (void)state;
    request(false);
    assert_int_equal(M.state, MODE_PENDING);
    assert_false(mode_active(&M));
    assert_false(has(MODE_ACT_SHOW));
    const struct mode_action *l = logged(EV_SERVICE_REQUEST);
    assert_int_equal(l->what, 2);
    /* Nothing opens it but the visit's end: ticks, taps, digits, a second
     * request during the visit. */
    tick(IDLE_S * 1000 + 1);
    tap(MODE_BTN_RUN_ALL);
    digit(1);
    request(false);
    assert_int_equal(M.state, MODE_PENDING);
    assert_int_equal(OUT.n, 0);
    step((struct mode_event){.kind = MODE_EV_VISIT_CLEAN});
    assert_int_equal(M.state, MODE_ENTER_ID);
    assert_true(has(MODE_ACT_SHOW));
}

static void test_idle_timeout(void **state)
{
    (void)state;
    to_menu();
    tick(IDLE_S * 1000 - 10);
    assert_int_equal(M.state, MODE_MENU);
    tap(MODE_BTN_LANGUAGE); /* input: the clock starts again */
    assert_int_equal(M.lang, KOFU_LANG_EN);
    tick(IDLE_S * 1000 - 10);
    assert_int_equal(M.state, MODE_MENU);
    tick(20);
    assert_int_equal(M.state, MODE_OFF);
    assert_true(has(MODE_ACT_LEAVE));
    const struct mode_action *l = logged(EV_SERVICE_LEAVE);
    assert_int_equal(l->what, 2);
    /* Also from the pad, where the credential is forgotten. */
    request(true);
    digit(1);
    submit();
    digit(-1);
    tick(IDLE_S * 1000);
    assert_int_equal(M.state, MODE_OFF);
    assert_true(has(MODE_ACT_CLEAR_CODE));
    /* And in the middle of a test. */
    to_menu();
    tap(MODE_BTN_TOUCH);
    tick(IDLE_S * 1000);
    assert_int_equal(M.state, MODE_OFF);
}

static void test_no_timeout_during_a_call(void **state)
{
    (void)state;
    to_menu();
    tap(MODE_BTN_RUN_ALL);
    assert_int_equal(M.state, MODE_RUNNING);
    tick(IDLE_S * 1000 * 2);
    assert_int_equal(M.state, MODE_RUNNING);
    result(MODE_EV_CHECKS_DONE, KOFU_OK);
    assert_int_equal(M.state, MODE_MENU);
    tick(IDLE_S * 1000 - 1);
    assert_int_equal(M.state, MODE_MENU);
}

static void test_run_all_and_detail(void **state)
{
    (void)state;
    to_menu();
    tap(MODE_BTN_RUN_ALL);
    assert_int_equal(M.state, MODE_RUNNING);
    assert_true(has(MODE_ACT_RUN_CHECKS));
    assert_int_equal(OUT.a[OUT.n - 1].check, -1);
    result(MODE_EV_CHECKS_DONE, KOFU_OK);
    assert_int_equal(M.state, MODE_MENU);
    assert_true(M.ran);
    tap_check(DIAG_CHECK__COUNT); /* out of range: nothing */
    assert_int_equal(M.state, MODE_MENU);
    tap_check(DIAG_CHECK_PRINTER);
    assert_int_equal(M.state, MODE_DETAIL);
    assert_int_equal(M.check, DIAG_CHECK_PRINTER);
    tap(MODE_BTN_RUN_ONE);
    assert_int_equal(M.state, MODE_RUNNING);
    assert_int_equal(OUT.a[OUT.n - 1].check, DIAG_CHECK_PRINTER);
    result(MODE_EV_CHECKS_DONE, KOFU_OK);
    assert_int_equal(M.state, MODE_DETAIL);
    tap(MODE_BTN_BACK);
    assert_int_equal(M.state, MODE_MENU);
}

static void test_audio(void **state)
{
    (void)state;
    to_menu();
    tap(MODE_BTN_AUDIO);
    assert_int_equal(M.state, MODE_AUDIO_CONFIRM);
    assert_true(has(MODE_ACT_PLAY_TEST));
    tap(MODE_BTN_AGAIN);
    assert_true(has(MODE_ACT_PLAY_TEST));
    tap(MODE_BTN_NO);
    assert_int_equal(M.state, MODE_RUNNING);
    assert_int_equal(M.confirmed.audio_heard, 0);
    assert_int_equal(OUT.a[OUT.n - 1].check, DIAG_CHECK_AUDIO);
    result(MODE_EV_CHECKS_DONE, KOFU_OK);
    assert_int_equal(M.state, MODE_DETAIL);
    tap(MODE_BTN_BACK);
    tap(MODE_BTN_AUDIO);
    assert_int_equal(M.confirmed.audio_heard, -1);
    tap(MODE_BTN_YES);
    assert_int_equal(M.confirmed.audio_heard, 1);
}

static void test_display(void **state)
{
    (void)state;
    to_menu();
    tap(MODE_BTN_DISPLAY);
    assert_int_equal(M.state, MODE_DISPLAY_PATTERN);
    for (int p = 0; p < MODE_PATTERNS; p++) {
        assert_int_equal(M.state, MODE_DISPLAY_PATTERN);
        assert_int_equal(M.pattern, p);
        tap(MODE_BTN_NEXT);
        assert_true(has(MODE_ACT_SHOW));
    }
    assert_int_equal(M.state, MODE_DISPLAY_CONFIRM);
    tap(MODE_BTN_AGAIN);
    assert_int_equal(M.state, MODE_DISPLAY_PATTERN);
    assert_int_equal(M.pattern, 0);
    for (int p = 0; p < MODE_PATTERNS; p++)
        tap(MODE_BTN_NEXT);
    tap(MODE_BTN_NO);
    assert_int_equal(M.confirmed.display_ok, 0);
    assert_int_equal(OUT.a[OUT.n - 1].check, DIAG_CHECK_DISPLAY);
}

static void test_touch(void **state)
{
    (void)state;
    to_menu();
    tap(MODE_BTN_TOUCH);
    assert_int_equal(M.state, MODE_TOUCH_TEST);
    for (int i = 0; i < MODE_TOUCH_TARGETS; i++) {
        int x, y;
        mode_touch_target(&M, i, &x, &y);
        assert_true(x > 0 && x < W && y > 0 && y < H);
        step((struct mode_event){.kind = MODE_EV_TOUCH, .x = x + 3 * i, .y = y - i});
    }
    assert_int_equal(M.state, MODE_RUNNING);
    assert_int_equal(OUT.a[OUT.n - 1].check, DIAG_CHECK_TOUCH);
    assert_int_equal(M.confirmed.n_taps, MODE_TOUCH_TARGETS);
    int x, y;
    mode_touch_target(&M, 3, &x, &y);
    assert_int_equal(M.confirmed.taps[3].target_x, x);
    assert_int_equal(M.confirmed.taps[3].x, x + 9);
    assert_int_equal(M.confirmed.taps[3].y, y - 3);
    /* The corners are the corners. */
    mode_touch_target(&M, 0, &x, &y);
    assert_true(x < W / 4 && y < H / 4);
    mode_touch_target(&M, 3, &x, &y);
    assert_true(x > 3 * W / 4 && y > 3 * H / 4);
    result(MODE_EV_CHECKS_DONE, KOFU_OK);
    /* A touch outside the test records nothing. */
    step((struct mode_event){.kind = MODE_EV_TOUCH, .x = 1, .y = 1});
    assert_int_equal(OUT.n, 0);
}

static void test_print_and_reset(void **state)
{
    (void)state;
    to_menu();
    tap(MODE_BTN_TEST_PRINT);
    assert_int_equal(M.state, MODE_PRINTING);
    assert_true(has(MODE_ACT_TEST_PRINT));
    result(MODE_EV_PRINTED, KOFU_E_PRINTER_UNREACHABLE);
    assert_int_equal(M.state, MODE_MENU);
    assert_int_equal(M.err, KOFU_E_PRINTER_UNREACHABLE); /* the error is shown */
    const struct mode_action *l = logged(EV_SERVICE_PRINT);
    assert_int_equal(l->err, KOFU_E_PRINTER_UNREACHABLE);
    tap(MODE_BTN_RESET);
    assert_int_equal(M.state, MODE_RESET_CONFIRM);
    tap(MODE_BTN_NO);
    assert_int_equal(M.state, MODE_MENU);
    assert_false(has(MODE_ACT_RESET_COUNTERS));
    tap(MODE_BTN_RESET);
    tap(MODE_BTN_YES);
    assert_true(has(MODE_ACT_RESET_COUNTERS));
    result(MODE_EV_RESET_DONE, KOFU_OK);
    assert_true(did_log(EV_SERVICE_RESET));
    assert_int_equal(M.state, MODE_MENU);
    assert_true(M.reset_done);
}

static void test_service_key_leaves(void **state)
{
    (void)state;
    to_menu();
    tap(MODE_BTN_RUN_ALL);
    step((struct mode_event){.kind = MODE_EV_SERVICE_KEY}); /* not under a running call */
    assert_int_equal(M.state, MODE_RUNNING);
    result(MODE_EV_CHECKS_DONE, KOFU_OK);
    step((struct mode_event){.kind = MODE_EV_SERVICE_KEY});
    assert_int_equal(M.state, MODE_OFF);
    assert_true(has(MODE_ACT_LEAVE));
}

static void test_stray_results_ignored(void **state)
{
    (void)state;
    result(MODE_EV_VERIFIED, KOFU_OK);
    assert_int_equal(M.state, MODE_OFF);
    result(MODE_EV_CHECKS_DONE, KOFU_OK);
    result(MODE_EV_PRINTED, KOFU_OK);
    step((struct mode_event){.kind = MODE_EV_VISIT_CLEAN});
    assert_int_equal(M.state, MODE_OFF);
    assert_int_equal(OUT.n, 0);
    tap(MODE_BTN_LANGUAGE);
    assert_int_equal(OUT.n, 0);
    assert_string_equal(mode_state_name(MODE_TOUCH_TEST), "touch-test");
    assert_string_equal(mode_action_name(MODE_ACT_RUN_CHECKS), "run-checks");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_enter_and_leave, setup),
        cmocka_unit_test_setup(test_short_code_and_empty_id_refused, setup),
        cmocka_unit_test_setup(test_id_digits_bounded, setup),
        cmocka_unit_test_setup(test_lockout_at_five, setup),
        cmocka_unit_test_setup(test_lockout_kept_across_restart, setup),
        cmocka_unit_test_setup(test_success_clears_failures, setup),
        cmocka_unit_test_setup(test_damaged_file_fails_closed, setup),
        cmocka_unit_test_setup(test_lockout_clamped, setup),
        cmocka_unit_test_setup(test_no_state_file_refused, setup),
        cmocka_unit_test_setup(test_unknown_id_logged_as_zero, setup),
        cmocka_unit_test_setup(test_pad_failure_leaves, setup),
        cmocka_unit_test_setup(test_deferred_during_visit, setup),
        cmocka_unit_test_setup(test_idle_timeout, setup),
        cmocka_unit_test_setup(test_no_timeout_during_a_call, setup),
        cmocka_unit_test_setup(test_run_all_and_detail, setup),
        cmocka_unit_test_setup(test_audio, setup),
        cmocka_unit_test_setup(test_display, setup),
        cmocka_unit_test_setup(test_touch, setup),
        cmocka_unit_test_setup(test_print_and_reset, setup),
        cmocka_unit_test_setup(test_service_key_leaves, setup),
        cmocka_unit_test_setup(test_stray_results_ignored, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
