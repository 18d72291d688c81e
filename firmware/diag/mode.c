/* mode.c — the technician's service mode as a pure state machine (mode.h). */
#include "diag/mode.h"

#include "base/config.h"
#include "base/words.h"
#include "diag/maint_cred.h"

#include <string.h>

/* How far the touch test's corner targets sit from the edges: inside the
 * bezel, where a miscalibrated panel shows its error best. */
#define TOUCH_INSET 60
#define NOTICE_MS_DEFAULT 15000

void mode_config_from(struct mode_config *mc, const struct kofu_config *c, int width, int height)
{
    memset(mc, 0, sizeof *mc);
    mc->idle_ms = (uint64_t)c->maintenance_idle_seconds * 1000u;
    mc->lockout_seconds = c->maintenance_lockout_seconds;
    mc->notice_ms = NOTICE_MS_DEFAULT;
    mc->width = width;
    mc->height = height;
    mc->default_lang = strcmp(c->default_language, "en") ? KOFU_LANG_JA : KOFU_LANG_EN;
}

void mode_init(struct mode *m, const struct mode_config *cfg, const struct service_lockout *lockout, uint64_t now_ms)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    if (m->cfg.notice_ms == 0)
        m->cfg.notice_ms = NOTICE_MS_DEFAULT;
    if (lockout)
        m->lockout = *lockout;
    m->state = MODE_OFF;
    m->lang = cfg->default_lang;
    m->check = -1;
    m->activity_ms = m->entered_ms = now_ms;
}

bool mode_active(const struct mode *m)
{
    return m->state != MODE_OFF && m->state != MODE_PENDING;
}

void mode_touch_target(const struct mode *m, int i, int *x, int *y)
{
    int w = m->cfg.width, h = m->cfg.height;
    switch (i) {
    case 0: *x = TOUCH_INSET; *y = TOUCH_INSET; break;
    case 1: *x = w - 1 - TOUCH_INSET; *y = TOUCH_INSET; break;
    case 2: *x = TOUCH_INSET; *y = h - 1 - TOUCH_INSET; break;
    case 3: *x = w - 1 - TOUCH_INSET; *y = h - 1 - TOUCH_INSET; break;
    default: *x = w / 2; *y = h / 2; break;
    }
}

int64_t mode_lockout_seconds_left(const struct mode *m, int64_t wall_s)
{
    if (!service_lockout_active(&m->lockout, wall_s))
        return 0;
    int64_t left = m->lockout.locked_until - wall_s;
    int64_t max = m->cfg.lockout_seconds > 0 ? m->cfg.lockout_seconds : 0;
    return left < max ? left : max;
}

/* ---- emitting ----------------------------------------------------------- */

static struct mode_action *emit(struct mode_actions *out, enum mode_action_kind k)
{
    if (out->n == MODE_ACTIONS_MAX) {
        out->overflow = true;
        static struct mode_action sink;
        memset(&sink, 0, sizeof sink);
        return &sink;
    }
    struct mode_action *a = &out->a[out->n++];
    memset(a, 0, sizeof *a);
    a->kind = k;
    a->check = -1;
    return a;
}

static struct mode_action *log_action(struct mode_actions *out, enum kofu_event ev, int err, uint32_t what)
{
    struct mode_action *a = emit(out, MODE_ACT_LOG);
    a->ev = ev;
    a->err = err;
    a->what = what;
    return a;
}

/* Whether the lock-out is active at wall_s, clamped first: a clock set back
 * or a far locked_until in the file never locks for longer than configured;
 * a clamped lock-out is saved. */
static bool locked(struct mode *m, int64_t wall_s, struct mode_actions *out)
{
    if (service_lockout_clamp(&m->lockout, wall_s, m->cfg.lockout_seconds))
        emit(out, MODE_ACT_SAVE_LOCKOUT);
    return service_lockout_active(&m->lockout, wall_s);
}

static void enter(struct mode *m, enum mode_state st, uint64_t now, struct mode_actions *out)
{
    /* The credential never outlives its screen. */
    if (m->state == MODE_ENTER_CODE && st != MODE_VERIFYING) {
        emit(out, MODE_ACT_CLEAR_CODE);
        m->code_len = 0;
    }
    m->state = st;
    m->entered_ms = now;
    if (st == MODE_ENTER_CODE) {
        m->code_len = 0;
        emit(out, MODE_ACT_SHUFFLE_PAD);
    }
    if (st != MODE_OFF && st != MODE_PENDING)
        emit(out, MODE_ACT_SHOW);
}

static void forget_service(struct mode *m)
{
    m->technician = 0;
    m->id_digits = 0;
    m->code_len = 0;
    m->err = KOFU_OK;
    m->check = -1;
    m->ran = false;
    m->pattern = 0;
    m->target = 0;
    memset(&m->confirmed, 0, sizeof m->confirmed);
    m->confirmed.audio_heard = -1;
    m->confirmed.display_ok = -1;
    m->reset_done = false;
    m->lang = m->cfg.default_lang;
}

/* why: 1 = the technician, 2 = the idle time-out. */
static void leave(struct mode *m, uint32_t why, uint64_t now, struct mode_actions *out)
{
    if (m->state == MODE_ENTER_CODE) {
        emit(out, MODE_ACT_CLEAR_CODE);
        m->code_len = 0;
    }
    if (why)
        log_action(out, EV_SERVICE_LEAVE, KOFU_OK, why);
    emit(out, MODE_ACT_LEAVE);
    forget_service(m);
    m->state = MODE_OFF;
    m->entered_ms = m->activity_ms = now;
}

/* The mode opens: locked out, or the id is asked. */
static void open_mode(struct mode *m, int64_t wall_s, uint64_t now, struct mode_actions *out)
{
    forget_service(m);
    m->activity_ms = now;
    if (m->no_state_file) {
        /* Nowhere to keep a count of wrong codes: a guesser would get five
         * fresh tries per restart. Refused; the console's `kofu diag` works. */
        m->err = KOFU_E_CONFIG;
        log_action(out, EV_SERVICE_AUTH, KOFU_E_CONFIG, 0);
        enter(m, MODE_LOCKED_OUT, now, out);
        return;
    }
    if (locked(m, wall_s, out)) {
        m->err = KOFU_E_SERVICE_LOCKED;
        log_action(out, EV_SERVICE_AUTH, KOFU_E_SERVICE_LOCKED, m->lockout.failures);
        enter(m, MODE_LOCKED_OUT, now, out);
        return;
    }
    enter(m, MODE_ENTER_ID, now, out);
}

static void run_checks(struct mode *m, int check, uint64_t now, struct mode_actions *out)
{
    m->check = check;
    enter(m, MODE_RUNNING, now, out);
    struct mode_action *a = emit(out, MODE_ACT_RUN_CHECKS);
    a->check = check;
}

/* ---- the events --------------------------------------------------------- */

static void on_tick(struct mode *m, uint64_t now, struct mode_actions *out)
{
    if (!mode_active(m))
        return;
    /* A device call in flight ends with its result; the time-out counts
     * from there (the kiosk does not tick the mode during one anyway). */
    if (m->state == MODE_VERIFYING || m->state == MODE_RUNNING || m->state == MODE_PRINTING)
        return;
    if (m->state == MODE_LOCKED_OUT && now - m->entered_ms >= m->cfg.notice_ms) {
        leave(m, 0, now, out);
        return;
    }
    if (now - m->activity_ms >= m->cfg.idle_ms)
        leave(m, 2, now, out);
}

static void on_request(struct mode *m, const struct mode_event *ev, uint64_t now, struct mode_actions *out)
{
    if (m->state == MODE_OFF) {
        if (!ev->between_visits) {
            m->state = MODE_PENDING;
            m->entered_ms = now;
            log_action(out, EV_SERVICE_REQUEST, KOFU_OK, 2);
            return;
        }
        log_action(out, EV_SERVICE_REQUEST, KOFU_OK, 1);
        open_mode(m, ev->wall_s, now, out);
    }
    /* PENDING: already remembered. Open: MODE_EV_SERVICE_KEY is the kiosk's. */
}

static void on_verified(struct mode *m, const struct mode_event *ev, uint64_t now, struct mode_actions *out)
{
    if (m->state != MODE_VERIFYING)
        return;
    emit(out, MODE_ACT_CLEAR_CODE);
    m->code_len = 0;
    if (ev->err == KOFU_OK) {
        bool had_failures = m->lockout.failures != 0;
        service_lockout_success(&m->lockout);
        if (had_failures)
            emit(out, MODE_ACT_SAVE_LOCKOUT);
        log_action(out, EV_SERVICE_AUTH, KOFU_OK, 0);
        log_action(out, EV_SERVICE_ENTER, KOFU_OK, 0);
        m->err = KOFU_OK;
        enter(m, MODE_MENU, now, out);
        return;
    }
    if (ev->err == KOFU_E_SERVICE_DENIED) {
        bool now_locked = service_lockout_failure(&m->lockout, ev->wall_s, m->cfg.lockout_seconds);
        emit(out, MODE_ACT_SAVE_LOCKOUT);
        log_action(out, EV_SERVICE_AUTH, KOFU_E_SERVICE_DENIED, m->lockout.failures)->anonymous = !ev->id_known;
        if (now_locked) {
            log_action(out, EV_SERVICE_LOCKED, KOFU_E_SERVICE_LOCKED, (uint32_t)m->cfg.lockout_seconds)->anonymous =
                !ev->id_known;
            m->err = KOFU_E_SERVICE_LOCKED;
            enter(m, MODE_LOCKED_OUT, now, out);
            return;
        }
        m->err = KOFU_E_SERVICE_DENIED;
        m->id_digits = 0;
        m->technician = 0;
        enter(m, MODE_ENTER_ID, now, out);
        return;
    }
    /* The file cannot be read, or is damaged: no way in (fail closed), and
     * no failure counted against the technician either. */
    log_action(out, EV_SERVICE_AUTH, ev->err, m->lockout.failures)->anonymous = !ev->id_known;
    m->err = ev->err;
    m->id_digits = 0;
    m->technician = 0;
    enter(m, MODE_ENTER_ID, now, out);
}

static void test_done(struct mode *m, enum diag_check_id id, uint64_t now, struct mode_actions *out)
{
    run_checks(m, (int)id, now, out);
}

static void on_tap(struct mode *m, const struct mode_event *ev, uint64_t now, struct mode_actions *out)
{
    if (ev->button == MODE_BTN_LANGUAGE) {
        if (!mode_active(m))
            return;
        m->lang = m->lang == KOFU_LANG_JA ? KOFU_LANG_EN : KOFU_LANG_JA;
        emit(out, MODE_ACT_SHOW);
        return;
    }
    switch (m->state) {
    case MODE_LOCKED_OUT:
        if (ev->button == MODE_BTN_OK || ev->button == MODE_BTN_CANCEL)
            leave(m, 0, now, out);
        break;
    case MODE_ENTER_ID:
        if (ev->button == MODE_BTN_CANCEL)
            leave(m, 1, now, out);
        break;
    case MODE_ENTER_CODE:
        if (ev->button == MODE_BTN_CANCEL) {
            leave(m, 1, now, out);
        } else if (ev->button == MODE_BTN_BACK) {
            m->id_digits = 0;
            m->technician = 0;
            enter(m, MODE_ENTER_ID, now, out);
        }
        break;
    case MODE_MENU:
        m->reset_done = false;
        switch (ev->button) {
        case MODE_BTN_RUN_ALL:
            run_checks(m, -1, now, out);
            break;
        case MODE_BTN_CHECK:
            if (ev->index >= 0 && ev->index < DIAG_CHECK__COUNT) {
                m->check = ev->index;
                enter(m, MODE_DETAIL, now, out);
            }
            break;
        case MODE_BTN_TEST_PRINT:
            enter(m, MODE_PRINTING, now, out);
            emit(out, MODE_ACT_TEST_PRINT);
            break;
        case MODE_BTN_AUDIO:
            m->confirmed.audio_heard = -1;
            enter(m, MODE_AUDIO_CONFIRM, now, out);
            emit(out, MODE_ACT_PLAY_TEST);
            break;
        case MODE_BTN_DISPLAY:
            m->confirmed.display_ok = -1;
            m->pattern = 0;
            enter(m, MODE_DISPLAY_PATTERN, now, out);
            break;
        case MODE_BTN_TOUCH:
            m->confirmed.n_taps = 0;
            memset(m->confirmed.taps, 0, sizeof m->confirmed.taps);
            m->target = 0;
            enter(m, MODE_TOUCH_TEST, now, out);
            break;
        case MODE_BTN_RESET:
            enter(m, MODE_RESET_CONFIRM, now, out);
            break;
        case MODE_BTN_LEAVE:
            leave(m, 1, now, out);
            break;
        default:
            break;
        }
        break;
    case MODE_DETAIL:
        if (ev->button == MODE_BTN_BACK)
            enter(m, MODE_MENU, now, out);
        else if (ev->button == MODE_BTN_RUN_ONE && m->check >= 0)
            run_checks(m, m->check, now, out);
        break;
    case MODE_AUDIO_CONFIRM:
        if (ev->button == MODE_BTN_AGAIN) {
            emit(out, MODE_ACT_PLAY_TEST);
        } else if (ev->button == MODE_BTN_YES || ev->button == MODE_BTN_NO) {
            m->confirmed.audio_heard = ev->button == MODE_BTN_YES;
            test_done(m, DIAG_CHECK_AUDIO, now, out);
        } else if (ev->button == MODE_BTN_BACK) {
            enter(m, MODE_MENU, now, out);
        }
        break;
    case MODE_DISPLAY_PATTERN:
        if (ev->button == MODE_BTN_NEXT) {
            if (++m->pattern >= MODE_PATTERNS)
                enter(m, MODE_DISPLAY_CONFIRM, now, out);
            else
                emit(out, MODE_ACT_SHOW);
        }
        break;
    case MODE_DISPLAY_CONFIRM:
        if (ev->button == MODE_BTN_YES || ev->button == MODE_BTN_NO) {
            m->confirmed.display_ok = ev->button == MODE_BTN_YES;
            test_done(m, DIAG_CHECK_DISPLAY, now, out);
        } else if (ev->button == MODE_BTN_AGAIN) {
            m->pattern = 0;
            enter(m, MODE_DISPLAY_PATTERN, now, out);
        }
        break;
    case MODE_TOUCH_TEST:
        if (ev->button == MODE_BTN_BACK)
            enter(m, MODE_MENU, now, out);
        break;
    case MODE_RESET_CONFIRM:
        if (ev->button == MODE_BTN_YES) {
            emit(out, MODE_ACT_RESET_COUNTERS);
        } else if (ev->button == MODE_BTN_NO || ev->button == MODE_BTN_BACK) {
            enter(m, MODE_MENU, now, out);
        }
        break;
    default:
        break;
    }
}

static void on_digit(struct mode *m, const struct mode_event *ev, uint64_t now, struct mode_actions *out)
{
    if (m->state == MODE_ENTER_ID) {
        if (ev->digit < 0 || ev->digit > 9 || m->id_digits >= MAINT_ID_DIGITS)
            return;
        m->technician = m->technician * 10u + (uint32_t)ev->digit;
        m->id_digits++;
        m->err = KOFU_OK;
        emit(out, MODE_ACT_SHOW);
    } else if (m->state == MODE_ENTER_CODE) {
        if (m->code_len >= MAINT_CODE_MAX)
            return;
        m->code_len++;
        m->err = KOFU_OK;
        emit(out, MODE_ACT_SHOW);
    }
    (void)now;
}

static void on_clear(struct mode *m, struct mode_actions *out)
{
    if (m->state == MODE_ENTER_ID) {
        m->technician = 0;
        m->id_digits = 0;
        emit(out, MODE_ACT_SHOW);
    } else if (m->state == MODE_ENTER_CODE) {
        m->code_len = 0;
        emit(out, MODE_ACT_CLEAR_CODE);
        emit(out, MODE_ACT_SHOW);
    }
}

static void on_submit(struct mode *m, const struct mode_event *ev, uint64_t now, struct mode_actions *out)
{
    if (m->state == MODE_ENTER_ID) {
        if (m->id_digits > 0)
            enter(m, MODE_ENTER_CODE, now, out);
    } else if (m->state == MODE_ENTER_CODE) {
        if (m->code_len < MAINT_CODE_MIN)
            return;
        /* The lock-out may have begun meanwhile (another restart's count). */
        if (m->no_state_file || locked(m, ev->wall_s, out)) {
            m->err = m->no_state_file ? KOFU_E_CONFIG : KOFU_E_SERVICE_LOCKED;
            enter(m, MODE_LOCKED_OUT, now, out);
            return;
        }
        enter(m, MODE_VERIFYING, now, out);
        emit(out, MODE_ACT_VERIFY);
    }
}

static bool is_input(enum mode_event_kind k)
{
    return k == MODE_EV_TAP || k == MODE_EV_DIGIT || k == MODE_EV_CLEAR || k == MODE_EV_SUBMIT ||
           k == MODE_EV_TOUCH || k == MODE_EV_SERVICE_KEY;
}

void mode_step(struct mode *m, const struct mode_event *ev, uint64_t now, struct mode_actions *out)
{
    memset(out, 0, sizeof *out);
    if ((unsigned)ev->kind >= MODE_EV__COUNT)
        return;
    if (is_input(ev->kind) && mode_active(m))
        m->activity_ms = now;
    switch (ev->kind) {
    case MODE_EV_TICK:
        on_tick(m, now, out);
        break;
    case MODE_EV_REQUEST:
        on_request(m, ev, now, out);
        break;
    case MODE_EV_VISIT_CLEAN:
        if (m->state == MODE_PENDING) {
            log_action(out, EV_SERVICE_REQUEST, KOFU_OK, 1);
            open_mode(m, ev->wall_s, now, out);
        }
        break;
    case MODE_EV_TAP:
        on_tap(m, ev, now, out);
        break;
    case MODE_EV_DIGIT:
        on_digit(m, ev, now, out);
        break;
    case MODE_EV_CLEAR:
        on_clear(m, out);
        break;
    case MODE_EV_SUBMIT:
        on_submit(m, ev, now, out);
        break;
    case MODE_EV_PAD_FAILED:
        if (m->state == MODE_ENTER_CODE) {
            log_action(out, EV_SERVICE_AUTH, ev->err, m->lockout.failures);
            leave(m, 0, now, out);
        }
        break;
    case MODE_EV_VERIFIED:
        on_verified(m, ev, now, out);
        break;
    case MODE_EV_CHECKS_DONE:
        if (m->state == MODE_RUNNING) {
            m->ran = true;
            m->activity_ms = now;
            m->err = ev->err;
            if (m->check >= 0)
                enter(m, MODE_DETAIL, now, out);
            else
                enter(m, MODE_MENU, now, out);
        }
        break;
    case MODE_EV_PRINTED:
        if (m->state == MODE_PRINTING) {
            log_action(out, EV_SERVICE_PRINT, ev->err, 0);
            m->err = ev->err;
            m->activity_ms = now;
            enter(m, MODE_MENU, now, out);
        }
        break;
    case MODE_EV_RESET_DONE:
        if (m->state == MODE_RESET_CONFIRM) {
            log_action(out, EV_SERVICE_RESET, ev->err, 0);
            m->err = ev->err;
            m->reset_done = ev->err == KOFU_OK;
            enter(m, MODE_MENU, now, out);
        }
        break;
    case MODE_EV_TOUCH:
        if (m->state == MODE_TOUCH_TEST && m->target < MODE_TOUCH_TARGETS) {
            struct diag_tap *t = &m->confirmed.taps[m->target];
            mode_touch_target(m, m->target, &t->target_x, &t->target_y);
            t->x = ev->x;
            t->y = ev->y;
            m->confirmed.n_taps = ++m->target;
            if (m->target == MODE_TOUCH_TARGETS)
                test_done(m, DIAG_CHECK_TOUCH, now, out);
            else
                emit(out, MODE_ACT_SHOW);
        }
        break;
    case MODE_EV_SERVICE_KEY:
        if (mode_active(m) && m->state != MODE_VERIFYING && m->state != MODE_RUNNING && m->state != MODE_PRINTING)
            leave(m, 1, now, out);
        break;
    case MODE_EV__COUNT:
        break;
    }
}

static const struct kofu_word state_names[] = {
    KOFU_NAME(MODE_OFF, "off"),
    KOFU_NAME(MODE_PENDING, "pending"),
    KOFU_NAME(MODE_LOCKED_OUT, "locked-out"),
    KOFU_NAME(MODE_ENTER_ID, "enter-id"),
    KOFU_NAME(MODE_ENTER_CODE, "enter-code"),
    KOFU_NAME(MODE_VERIFYING, "verifying"),
    KOFU_NAME(MODE_MENU, "menu"),
    KOFU_NAME(MODE_RUNNING, "running"),
    KOFU_NAME(MODE_DETAIL, "detail"),
    KOFU_NAME(MODE_AUDIO_CONFIRM, "audio-confirm"),
    KOFU_NAME(MODE_DISPLAY_PATTERN, "display-pattern"),
    KOFU_NAME(MODE_DISPLAY_CONFIRM, "display-confirm"),
    KOFU_NAME(MODE_TOUCH_TEST, "touch-test"),
    KOFU_NAME(MODE_PRINTING, "printing"),
    KOFU_NAME(MODE_RESET_CONFIRM, "reset-confirm"),
};

static const struct kofu_word action_names[] = {
    KOFU_NAME(MODE_ACT_SHOW, "show"),
    KOFU_NAME(MODE_ACT_SHUFFLE_PAD, "shuffle-pad"),
    KOFU_NAME(MODE_ACT_CLEAR_CODE, "clear-code"),
    KOFU_NAME(MODE_ACT_VERIFY, "verify"),
    KOFU_NAME(MODE_ACT_SAVE_LOCKOUT, "save-lockout"),
    KOFU_NAME(MODE_ACT_RUN_CHECKS, "run-checks"),
    KOFU_NAME(MODE_ACT_PLAY_TEST, "play-test"),
    KOFU_NAME(MODE_ACT_TEST_PRINT, "test-print"),
    KOFU_NAME(MODE_ACT_RESET_COUNTERS, "reset-counters"),
    KOFU_NAME(MODE_ACT_LOG, "log"),
    KOFU_NAME(MODE_ACT_LEAVE, "leave"),
};

const char *mode_state_name(enum mode_state st)
{
    return KOFU_WORDS_NAME(state_names, st);
}

const char *mode_action_name(enum mode_action_kind k)
{
    return KOFU_WORDS_NAME(action_names, k);
}
