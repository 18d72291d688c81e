/*
 * service.c — the technician's service mode in the running kiosk (service.h).
 *
 * The mode's rules are diag/mode.c's; this file carries out its actions
 * with the kiosk's parts and feeds their results back. The device calls
 * (the credential's slow hash, the checks, the test print) run on the
 * worker thread with one call struct each, as the visit's do (worker.c):
 * meanwhile the screen stays, the watchdog is fed and touches are dropped.
 */
#include "kiosk/kiosk_priv.h"

#include "base/wipeheap.h"
#include "base/errors.h"
#include "base/log.h"
#include "base/version.h"
#include "base/words.h"
#include "diag/diag.h"
#include "diag/maint_cred.h"
#include "diag/mode.h"
#include "kiosk/service.h"
#include "kiosk/test_print.h"
#include "ui/test_print.h"
#include "ui/service_screens.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SERVICE_EVENTS_MAX 8
#define DETAIL_LINE_MAX 120

struct kiosk_service {
    bool ready;   /* the screens' fonts loaded: the mode can be offered */
    struct mode m;
    struct mode_event queue[SERVICE_EVENTS_MAX];
    unsigned q_len;
    /* The credential as the pad put it in; wiped after every try and on
     * every way out of its screen (MODE_ACT_CLEAR_CODE). */
    char code[MAINT_CODE_MAX + 1];
    int code_len;
    unsigned char pad[10];
    bool pad_ok;
    bool key_in_call; /* the service key came during a device call */
    /* The last verdict of each check this service (details owned). */
    struct diag_result results[DIAG_CHECK__COUNT];
    bool have[DIAG_CHECK__COUNT];
    /* The screen. */
    struct service_model model;
    struct service_layout layout;
    char detail[SERVICE_DETAIL_LINES_MAX][DETAIL_LINE_MAX];
    uint64_t last_second; /* LOCKED_OUT's count-down redraw */
};

static struct kiosk_service service_state_of_kiosk;

/* ---- the device calls (worker thread: the call struct only) ------------ */

struct kiosk_verify_call {
    const char *path; /* in */
    uint32_t id;      /* in */
    const char *code; /* in */
    int rc;           /* out */
    bool id_known;    /* out: the file has a line for id */
};

struct kiosk_diag_call {
    struct diag_env env;      /* in: the kiosk's devices lent */
    const char *only;         /* in: NULL = all */
    struct diag_report report; /* out */
    int rc;                   /* out */
};

static void verify_call(void *p)
{
    struct kiosk_verify_call *c = p;
    c->rc = maint_cred_verify_id(c->path, c->id, c->code, &c->id_known);
}

static void diag_call(void *p)
{
    struct kiosk_diag_call *c = p;
    c->rc = diag_run(&c->env, c->only, &c->report);
}

/* ---- the screen --------------------------------------------------------- */

static enum service_screen screen_of(enum mode_state st)
{
    switch (st) {
    case MODE_LOCKED_OUT: return SERVICE_SCREEN_LOCKED_OUT;
    case MODE_ENTER_ID: return SERVICE_SCREEN_ENTER_ID;
    case MODE_ENTER_CODE: return SERVICE_SCREEN_ENTER_CODE;
    case MODE_VERIFYING: return SERVICE_SCREEN_VERIFYING;
    case MODE_RUNNING: return SERVICE_SCREEN_RUNNING;
    case MODE_DETAIL: return SERVICE_SCREEN_DETAIL;
    case MODE_AUDIO_CONFIRM: return SERVICE_SCREEN_AUDIO_CONFIRM;
    case MODE_DISPLAY_PATTERN: return SERVICE_SCREEN_DISPLAY_PATTERN;
    case MODE_DISPLAY_CONFIRM: return SERVICE_SCREEN_DISPLAY_CONFIRM;
    case MODE_TOUCH_TEST: return SERVICE_SCREEN_TOUCH_TEST;
    case MODE_PRINTING: return SERVICE_SCREEN_PRINTING;
    case MODE_RESET_CONFIRM: return SERVICE_SCREEN_RESET_CONFIRM;
    default: return SERVICE_SCREEN_MENU;
    }
}

/* One line of the detail view, cut to DETAIL_LINE_MAX at a character
 * boundary (a subject in Japanese cut mid-character is invalid text to
 * pango). The screen shows the first lines; the console and the JSON have
 * the whole detail (README). */
static void detail_line(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void detail_line(char *out, const char *fmt, ...)
{
    char line[4 * DETAIL_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    kofu_utf8_cut(line, DETAIL_LINE_MAX - 1);
    memcpy(out, line, strlen(line) + 1);
}

/* One detail field as a line: "name: value"; an array of objects as one
 * line per element, "name[i]: k=v k=v". */
static size_t detail_lines(struct kiosk_service *sv, json_t *detail)
{
    size_t n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(detail, key, v)
    {
        if (json_is_array(v) && json_array_size(v) > 0) {
            size_t i;
            json_t *e;
            json_array_foreach(v, i, e)
            {
                if (n == SERVICE_DETAIL_LINES_MAX)
                    return n;
                char *s = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
                detail_line(sv->detail[n++], "%s[%zu]: %s", key, i, s ? s : "?");
                if (s)
                    json_text_free(s);
            }
            continue;
        }
        if (n == SERVICE_DETAIL_LINES_MAX)
            return n;
        char *s = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        detail_line(sv->detail[n++], "%s: %s", key, json_is_string(v) ? json_string_value(v) : s ? s : "?");
        if (s)
            json_text_free(s);
    }
    return n;
}

static void service_redraw(struct kiosk *k)
{
    struct kiosk_service *sv = k->service;
    const struct mode *m = &sv->m;
    struct service_model *md = &sv->model;
    memset(md, 0, sizeof *md);
    md->screen = screen_of(m->state);
    md->lang = m->lang;
    md->technician = m->technician;
    md->id_digits = m->id_digits;
    md->code_len = sv->code_len;
    md->code_min = MAINT_CODE_MIN;
    memcpy(md->pad_layout, sv->pad, sizeof md->pad_layout);
    md->err = m->err;
    md->lockout_seconds = (long)mode_lockout_seconds_left(m, (int64_t)time(NULL));
    md->reset_done = m->reset_done;
    md->version = KOFU_VERSION;
    md->board = k->board->name;
    md->n_checks = DIAG_CHECK__COUNT;
    for (int i = 0; i < DIAG_CHECK__COUNT; i++) {
        md->checks[i].name = diag_check_name((enum diag_check_id)i);
        md->checks[i].status = sv->have[i] ? (int)sv->results[i].status : -1;
        md->checks[i].summary_ja = sv->have[i] ? sv->results[i].summary_ja : "";
        md->checks[i].summary_en = sv->have[i] ? sv->results[i].summary_en : "";
    }
    md->detail = m->check;
    if (m->state == MODE_DETAIL && m->check >= 0 && sv->have[m->check] && sv->results[m->check].detail) {
        md->n_detail_lines = detail_lines(sv, sv->results[m->check].detail);
        for (size_t i = 0; i < md->n_detail_lines; i++)
            md->detail_lines[i] = sv->detail[i];
    }
    md->pattern = m->pattern;
    md->touch_next = m->target;
    for (int i = 0; i < SERVICE_TOUCH_TARGETS; i++)
        mode_touch_target(m, i, &md->touch_x[i], &md->touch_y[i]);
    md->n_taps = m->confirmed.n_taps;
    for (int i = 0; i < md->n_taps && i < SERVICE_TOUCH_TARGETS; i++) {
        md->tap_x[i] = m->confirmed.taps[i].x;
        md->tap_y[i] = m->confirmed.taps[i].y;
    }
    cairo_t *cr = cairo_create(k->frame_surface);
    int rc = service_screens_draw(cr, k->disp.width, k->disp.height, md, &sv->layout);
    cairo_destroy(cr);
    cairo_surface_flush(k->frame_surface);
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_DISPLAY, rc, (uint32_t)(100 + md->screen));
    rc = k->disp.ops->present(k->disp.ctx, k->frame, k->stride, k->disp.width, k->disp.height);
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_DISPLAY, rc, (uint32_t)(100 + md->screen));
    k->frames++;
    k->last_redraw_ms = (uint64_t)kofu_mono_ms();
}

/* ---- carrying out the mode's actions ------------------------------------ */

static void post(struct kiosk_service *sv, struct mode_event ev)
{
    if (sv->q_len == SERVICE_EVENTS_MAX) {
        kofu_log(KOFU_LOG_ERROR, EV_SERVICE_REQUEST, KOFU_E_INTERNAL, (uint32_t)ev.kind);
        return;
    }
    sv->queue[sv->q_len++] = ev;
}

static void post_result(struct kiosk_service *sv, enum mode_event_kind kind, int err)
{
    post(sv, (struct mode_event){.kind = kind, .err = err});
}

static void forget_code(struct kiosk_service *sv)
{
    explicit_bzero(sv->code, sizeof sv->code);
    sv->code_len = 0;
}

static void forget_results(struct kiosk_service *sv)
{
    for (int i = 0; i < DIAG_CHECK__COUNT; i++) {
        if (sv->results[i].detail)
            json_decref(sv->results[i].detail);
        memset(&sv->results[i], 0, sizeof sv->results[i]);
        sv->have[i] = false;
    }
}

static void shuffle_pad(struct kiosk *k, struct kiosk_service *sv)
{
    forget_code(sv);
    int rc = k->hooks && k->hooks->shuffle_pin_pad ? k->hooks->shuffle_pin_pad(k->hooks_ctx, sv->pad)
                                                   : screens_shuffle_pin_pad(sv->pad);
    sv->pad_ok = rc == KOFU_OK;
    if (rc != KOFU_OK)
        post_result(sv, MODE_EV_PAD_FAILED, rc);
}

static void verify(struct kiosk *k, struct kiosk_service *sv)
{
    struct kiosk_verify_call c = {.path = k->cfg.maintenance_credential_file, .id = sv->m.technician,
                                  .code = sv->code, .rc = KOFU_E_INTERNAL};
    kiosk_run_device_call(k, verify_call, &c);
    forget_code(sv);
    /* A code of the wrong form never reaches the file: the pad cannot give
     * one (MAINT_CODE_MIN..MAX digits), so KOFU_E_ARG is a refusal too. */
    post(sv, (struct mode_event){.kind = MODE_EV_VERIFIED,
                                 .err = c.rc == KOFU_E_ARG ? KOFU_E_SERVICE_DENIED : c.rc,
                                 .id_known = c.id_known});
}

/* The lock-out into the state file. A count of failures that cannot be
 * saved would be forgotten at the next restart (five fresh tries for a
 * guesser): the mode locks now instead, in memory (fail closed). */
static void save_lockout(struct kiosk *k, struct kiosk_service *sv)
{
    k->state.l = sv->m.lockout;
    int rc = service_state_write(&k->state_file, &k->state);
    if (rc == KOFU_OK)
        return;
    kofu_log(KOFU_LOG_ERROR, EV_CONFIG, rc, 1u);
    if (k->state.l.failures == 0 || service_lockout_active(&k->state.l, (int64_t)time(NULL)))
        return;
    service_lockout_lock(&k->state.l, (int64_t)time(NULL), k->cfg.maintenance_lockout_seconds);
    sv->m.lockout = k->state.l;
    kofu_log_service(EV_SERVICE_LOCKED, rc, 0, (uint32_t)k->cfg.maintenance_lockout_seconds);
}

static bool interactive(enum diag_check_id id)
{
    return id == DIAG_CHECK_AUDIO || id == DIAG_CHECK_DISPLAY || id == DIAG_CHECK_TOUCH;
}

/* The checks as a device call; their verdicts into sv->results. */
static int run_checks(struct kiosk *k, struct kiosk_service *sv, int check, uint32_t technician)
{
    /* The log check reads k->state: the errors logged since the last
     * visit's wipe are counted in first (here, on the main thread). */
    kiosk_state_take_log_counts(k);
    struct kiosk_diag_call c = {.rc = KOFU_E_INTERNAL};
    c.env.cfg = &k->cfg;
    c.env.board = k->board;
    c.env.rd = k->reader_open ? &k->rd : NULL;
    c.env.pr = k->pr.ops ? &k->pr : NULL;
    c.env.pay = k->pay.ops ? &k->pay : NULL;
    c.env.au = k->au.ops ? &k->au : NULL;
    c.env.disp = k->disp.ops ? &k->disp : NULL;
    c.env.in = k->in.ops ? &k->in : NULL;
    c.env.cc = k->cc;
    c.env.confirmed = &sv->m.confirmed;
    c.env.state = &k->state;
    c.env.vault_clean = kiosk_visit_residue(k) == NULL;
    c.only = check >= 0 ? diag_check_name((enum diag_check_id)check) : NULL;
    kiosk_run_device_call(k, diag_call, &c);
    for (size_t i = 0; c.rc == KOFU_OK && i < c.report.n; i++) {
        struct diag_result *r = &c.report.checks[i];
        if ((unsigned)r->id >= DIAG_CHECK__COUNT)
            continue;
        if (sv->results[r->id].detail)
            json_decref(sv->results[r->id].detail);
        sv->results[r->id] = *r;
        r->detail = NULL; /* now the service's */
        sv->have[r->id] = true;
        bool test = interactive(r->id) && check == (int)r->id;
        kofu_log_service(test ? EV_SERVICE_TEST : EV_SERVICE_CHECK, r->err, technician,
                         (uint32_t)r->id * 10u + (uint32_t)r->status);
    }
    diag_report_free(&c.report);
    return c.rc;
}

static void test_print(struct kiosk *k, struct kiosk_service *sv, uint32_t technician)
{
    /* The print reports every check: those not run yet this service run
     * first (the print's summary would otherwise be of a partial run). */
    bool all = true;
    for (int i = 0; i < DIAG_CHECK__COUNT; i++)
        all = all && sv->have[i];
    if (!all && run_checks(k, sv, -1, technician) != KOFU_OK) {
        post_result(sv, MODE_EV_PRINTED, KOFU_E_INTERNAL);
        return;
    }
    /* The report of what ran this service (borrowed for the render). */
    static struct diag_report r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < DIAG_CHECK__COUNT; i++)
        if (sv->have[i])
            r.checks[r.n++] = sv->results[i];
    /* Drawn here, on the main thread (cairo and pango stay on it); only the
     * print is a device call, the same one a certificate's is. */
    uint8_t *pdf = NULL;
    size_t len = 0;
    int rc = k->pr.ops ? kiosk_test_print_render(&r, k->board->name, &k->fonts, &pdf, &len) : KOFU_E_INTERNAL;
    memset(&r, 0, sizeof r);
    if (rc == KOFU_OK) {
        struct kiosk_print_call c = {.pr = &k->pr, .pdf = pdf, .len = len, .job_name = TEST_PRINT_JOB_NAME,
                                     .copies = 1, .timeout_ms = k->cfg.print_timeout_ms, .rc = KOFU_E_INTERNAL};
        kiosk_run_device_call(k, kiosk_print, &c);
        rc = c.rc;
    }
    free(pdf);
    post_result(sv, MODE_EV_PRINTED, rc);
}

static void play_test(struct kiosk *k, struct kiosk_service *sv)
{
    const char *lang = sv->m.lang == KOFU_LANG_EN ? "en" : "ja";
    int rc = k->au.ops ? k->au.ops->play(k->au.ctx, lang, DIAG_TEST_PROMPT) : KOFU_E_AUDIO;
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_AUDIO, rc, 0);
    else if (k->hooks && k->hooks->prompt_played)
        k->hooks->prompt_played(k->hooks_ctx, lang, DIAG_TEST_PROMPT);
}

/* The screen back to the session: what it showed last (the attract screen,
 * or "closed"), drawn anew and announced to a test build's hooks. */
static void give_back_screen(struct kiosk *k, struct kiosk_service *sv)
{
    forget_code(sv);
    forget_results(sv);
    memset(&sv->layout, 0, sizeof sv->layout);
    memset(sv->detail, 0, sizeof sv->detail);
    if (k->service_lock.held)
        service_lock_release(&k->service_lock);
    struct session_action a = {.kind = SESSION_ACT_SHOW_SCREEN, .screen = k->s.screen, .lang = k->s.lang,
                               .err = k->s.err, .municipality = -1};
    kiosk_show_screen(k, &a);
}

static void carry_out(struct kiosk *k, struct kiosk_service *sv, const struct mode_action *a, uint32_t technician,
                      bool *redraw)
{
    switch (a->kind) {
    case MODE_ACT_SHOW:
        *redraw = true;
        break;
    case MODE_ACT_SHUFFLE_PAD:
        shuffle_pad(k, sv);
        break;
    case MODE_ACT_CLEAR_CODE:
        forget_code(sv);
        break;
    case MODE_ACT_VERIFY:
        service_redraw(k); /* "checking the code" while the slow hash runs */
        verify(k, sv);
        break;
    case MODE_ACT_SAVE_LOCKOUT:
        save_lockout(k, sv);
        break;
    case MODE_ACT_RUN_CHECKS:
        service_redraw(k);
        post_result(sv, MODE_EV_CHECKS_DONE, run_checks(k, sv, a->check, technician));
        break;
    case MODE_ACT_PLAY_TEST:
        play_test(k, sv);
        break;
    case MODE_ACT_TEST_PRINT:
        service_redraw(k);
        test_print(k, sv, technician);
        break;
    case MODE_ACT_RESET_COUNTERS: {
        /* Errors logged before the reset are taken now, so that they are
         * dropped with the rest rather than shown after it. */
        kiosk_state_take_log_counts(k);
        service_counters_reset(&k->state.c, (int64_t)time(NULL));
        int rc = service_state_write(&k->state_file, &k->state);
        post_result(sv, MODE_EV_RESET_DONE, rc);
        break;
    }
    case MODE_ACT_LOG:
        kofu_log_service(a->ev, a->err, a->anonymous ? 0 : technician, a->what);
        break;
    case MODE_ACT_LEAVE:
        *redraw = false;
        give_back_screen(k, sv);
        break;
    case MODE_ACT__COUNT:
        break;
    }
}

/* Feed ev and everything that follows from it. */
static void service_event(struct kiosk *k, struct mode_event ev)
{
    struct kiosk_service *sv = k->service;
    post(sv, ev);
    while (sv->q_len) {
        struct mode_event e = sv->queue[0];
        memmove(&sv->queue[0], &sv->queue[1], --sv->q_len * sizeof sv->queue[0]);
        e.wall_s = (int64_t)time(NULL);
        /* Log lines carry the technician as the step found them: leaving
         * forgets the id, and a refused one is dropped, after they are logged. */
        uint32_t technician = sv->m.technician;
        struct mode_actions out;
        mode_step(&sv->m, &e, (uint64_t)kofu_mono_ms(), &out);
        bool redraw = false;
        for (size_t i = 0; i < out.n; i++)
            carry_out(k, sv, &out.a[i], technician, &redraw);
        if (redraw && mode_active(&sv->m))
            service_redraw(k);
    }
}

/* ---- the kiosk's side --------------------------------------------------- */

void kiosk_service_init(struct kiosk *k)
{
    struct kiosk_service *sv = &service_state_of_kiosk;
    memset(sv, 0, sizeof *sv);
    k->service = sv;
    /* The lock-out is read from k->state (state.c loads the state file) at
     * each request, so that the mode always starts from the file's. */
    struct mode_config mc;
    mode_config_from(&mc, &k->cfg, k->disp.width, k->disp.height);
    mode_init(&sv->m, &mc, &k->state.l, (uint64_t)kofu_mono_ms());
    for (int i = 0; i < 10; i++)
        sv->pad[i] = (unsigned char)i;
    int rc = service_screens_init();
    sv->ready = rc == KOFU_OK && k->board->service_key != 0;
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_SERVICE_REQUEST, rc, 0);
}

void kiosk_service_free(struct kiosk *k)
{
    struct kiosk_service *sv = k->service;
    if (!sv)
        return;
    forget_code(sv);
    forget_results(sv);
    service_screens_free();
    k->service = NULL;
}

/* No visit in progress and nothing of one held: the session at rest, the
 * vault clean, no device call (a test print or the center's configuration);
 * and the one-user lock taken (service_lock.h: `kofu diag` on the console
 * may hold it: then the mode waits as for a visit). Held until LEAVE. */
static bool between_visits(struct kiosk *k)
{
    if (!((k->s.state == SESSION_IDLE || k->s.state == SESSION_CLOSED) && !k->in_call &&
          kiosk_visit_residue(k) == NULL))
        return false;
    return k->service_lock.fd < 0 || k->service_lock.held || service_lock_try(&k->service_lock);
}

static void request(struct kiosk *k)
{
    struct kiosk_service *sv = k->service;
    if (sv->m.state == MODE_OFF) {
        sv->m.lockout = k->state.l;
        sv->m.no_state_file = k->state_file.fd < 0;
    }
    service_event(k, (struct mode_event){.kind = MODE_EV_REQUEST, .between_visits = between_visits(k)});
}

bool kiosk_service_turn(struct kiosk *k, uint64_t now)
{
    struct kiosk_service *sv = k->service;
    if (!sv || !sv->ready)
        return false;
    if (sv->key_in_call) {
        sv->key_in_call = false;
        if (sv->m.state == MODE_OFF)
            request(k);
    }
    if (sv->m.state == MODE_PENDING && between_visits(k)) {
        sv->m.lockout = k->state.l;
        sv->m.no_state_file = k->state_file.fd < 0;
        service_event(k, (struct mode_event){.kind = MODE_EV_VISIT_CLEAN});
    }
    if (!mode_active(&sv->m))
        return false;
    service_event(k, (struct mode_event){.kind = MODE_EV_TICK});
    if (sv->m.state == MODE_LOCKED_OUT && now / 1000 != sv->last_second) {
        sv->last_second = now / 1000;
        service_redraw(k);
    }
    return mode_active(&sv->m);
}

bool kiosk_service_key(struct kiosk *k, int key)
{
    struct kiosk_service *sv = k->service;
    if (!sv || !sv->ready)
        return false;
    if (key == k->board->service_key) {
        if (mode_active(&sv->m))
            service_event(k, (struct mode_event){.kind = MODE_EV_SERVICE_KEY});
        else
            request(k);
        return true;
    }
    if (!mode_active(&sv->m))
        return false;
    /* A service keyboard: digits for the id (the credential only on its
     * shuffled pad: a fixed keyboard is no shuffled pad), Enter, Escape, F1. */
    if (key >= '0' && key <= '9' && sv->m.state == MODE_ENTER_ID)
        service_event(k, (struct mode_event){.kind = MODE_EV_DIGIT, .digit = key - '0'});
    else if (key == INPUT_KEY_ENTER)
        service_event(k, (struct mode_event){.kind = MODE_EV_SUBMIT});
    else if (key == INPUT_KEY_ESCAPE)
        service_event(k, (struct mode_event){.kind = MODE_EV_TAP, .button = MODE_BTN_CANCEL});
    else if (key == INPUT_KEY_F1)
        service_event(k, (struct mode_event){.kind = MODE_EV_TAP, .button = MODE_BTN_LANGUAGE});
    return true;
}

void kiosk_service_key_in_call(struct kiosk *k, int key)
{
    struct kiosk_service *sv = k->service;
    if (sv && sv->ready && key == k->board->service_key)
        sv->key_in_call = true;
}

static enum mode_button button_of(enum service_target_kind t)
{
    switch (t) {
    case SERVICE_T_BACK: return MODE_BTN_BACK;
    case SERVICE_T_CANCEL: return MODE_BTN_CANCEL;
    case SERVICE_T_OK: return MODE_BTN_OK;
    case SERVICE_T_LANGUAGE: return MODE_BTN_LANGUAGE;
    case SERVICE_T_RUN_ALL: return MODE_BTN_RUN_ALL;
    case SERVICE_T_CHECK: return MODE_BTN_CHECK;
    case SERVICE_T_RUN_ONE: return MODE_BTN_RUN_ONE;
    case SERVICE_T_TEST_PRINT: return MODE_BTN_TEST_PRINT;
    case SERVICE_T_AUDIO: return MODE_BTN_AUDIO;
    case SERVICE_T_DISPLAY: return MODE_BTN_DISPLAY;
    case SERVICE_T_TOUCH: return MODE_BTN_TOUCH;
    case SERVICE_T_RESET: return MODE_BTN_RESET;
    case SERVICE_T_LEAVE: return MODE_BTN_LEAVE;
    case SERVICE_T_YES: return MODE_BTN_YES;
    case SERVICE_T_NO: return MODE_BTN_NO;
    case SERVICE_T_AGAIN: return MODE_BTN_AGAIN;
    case SERVICE_T_NEXT: return MODE_BTN_NEXT;
    default: return MODE_BTN__COUNT;
    }
}

bool kiosk_service_touch(struct kiosk *k, int x, int y)
{
    struct kiosk_service *sv = k->service;
    if (!sv || !mode_active(&sv->m))
        return false;
    const struct service_target *t = service_screens_hit(&sv->layout, x, y);
    if (sv->m.state == MODE_TOUCH_TEST && (!t || t->kind != SERVICE_T_BACK)) {
        service_event(k, (struct mode_event){.kind = MODE_EV_TOUCH, .x = x, .y = y});
        return true;
    }
    if (!t)
        return true;
    switch (t->kind) {
    case SERVICE_T_DIGIT:
        if (sv->m.state == MODE_ENTER_ID) {
            service_event(k, (struct mode_event){.kind = MODE_EV_DIGIT, .digit = t->index});
        } else if (sv->m.state == MODE_ENTER_CODE && sv->pad_ok && sv->code_len < MAINT_CODE_MAX && t->index >= 0 &&
                   t->index <= 9) {
            sv->code[sv->code_len++] = (char)('0' + t->index);
            service_event(k, (struct mode_event){.kind = MODE_EV_DIGIT, .digit = -1});
        }
        break;
    case SERVICE_T_CLEAR:
        forget_code(sv);
        service_event(k, (struct mode_event){.kind = MODE_EV_CLEAR});
        break;
    case SERVICE_T_ENTER:
        service_event(k, (struct mode_event){.kind = MODE_EV_SUBMIT});
        break;
    default: {
        enum mode_button b = button_of(t->kind);
        if (b != MODE_BTN__COUNT)
            service_event(k, (struct mode_event){.kind = MODE_EV_TAP, .button = b, .index = t->index});
        break;
    }
    }
    return true;
}

/* ---- a test build's views ----------------------------------------------- */

const char *kiosk_service_state(const struct kiosk *k)
{
    return k->service ? mode_state_name(k->service->m.state) : "off";
}

const struct service_layout *kiosk_service_layout(const struct kiosk *k)
{
    return k->service ? &k->service->layout : NULL;
}

int kiosk_service_key_code(const struct kiosk *k)
{
    return k->board->service_key;
}

int kiosk_service_check_status(const struct kiosk *k, const char *name)
{
    int id = diag_check_find(name);
    if (id < 0)
        return -2;
    return k->service && k->service->have[id] ? (int)k->service->results[id].status : -1;
}

bool kiosk_service_touch_target(const struct kiosk *k, int *x, int *y)
{
    if (!k->service || k->service->m.state != MODE_TOUCH_TEST)
        return false;
    mode_touch_target(&k->service->m, k->service->m.target, x, y);
    return true;
}
