/* kiosk.c — see kiosk.h. */
#include "kiosk/kiosk_priv.h"

#include "base/errors.h"
#include "base/log.h"
#include "session/municipality.h"
#include "ui/receipt.h"
#include "base/vault.h"
#include "ui/voice.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fontconfig/fontconfig.h>

/* The PDF of one certificate is 60–120 KB; a refund receipt ~30 KB. */
#define KIOSK_PDF_MAX (512 * 1024)
/* Room for one visit: card files, the center's answer, the verified data,
 * the PDF and the preview's pixels (A4 at ~0.7 px/pt, 1.1 MB). */
#define KIOSK_VISIT_BYTES (4 * 1024 * 1024)
#define KIOSK_TICK_MS 50

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}


/* ---- the service manager's watchdog ---------------------------------------
 *
 * Under systemd (board/kiosk/kofu.service, Type=notify, WatchdogSec=) kofu
 * says READY=1 once the attract screen is up and WATCHDOG=1 while it is
 * healthy: every tick of the loop, and during a device call only until the
 * session's wait_timeout has passed. A call that never returns (a card that
 * stops answering: PC/SC has no transmit time-out) thus ends in the
 * watchdog's SIGABRT, whose handler wipes the vault, and a fresh process.
 * The protocol is one datagram to $NOTIFY_SOCKET (sd_notify(3)); without
 * it, nothing is sent. */

static void notify(struct kiosk *k, const char *msg)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len = path ? strlen(path) : 0;
    if (!len || len >= sizeof sa.sun_path || (path[0] != '/' && path[0] != '@'))
        return;
    memcpy(sa.sun_path, path, len);
    if (path[0] == '@')
        sa.sun_path[0] = '\0'; /* an abstract socket */
    if (k->notify_fd < 0)
        k->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (k->notify_fd >= 0)
        sendto(k->notify_fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
               (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
}

/* WATCHDOG=1 at most twice per watchdog interval. */
static void feed_watchdog(struct kiosk *k, uint64_t now)
{
    if (k->watchdog_ms && now >= k->watchdog_fed_ms + k->watchdog_ms / 2) {
        k->watchdog_fed_ms = now;
        notify(k, "WATCHDOG=1");
    }
}

static void post(struct kiosk *k, const struct session_event *ev)
{
    if (k->q_len == KIOSK_EVENTS_MAX) {
        kofu_log(KOFU_LOG_ERROR, EV_SESSION, KOFU_E_INTERNAL, (uint32_t)ev->kind);
        return;
    }
    k->queue[(k->q_head + k->q_len++) % KIOSK_EVENTS_MAX] = *ev;
}

/* An event with nothing but its kind and result; the other fields say
 * "none" (no index, no time of day, tries unknown). */
static struct session_event event_of(enum session_event_kind kind, int err)
{
    struct session_event ev = {.kind = kind, .err = err, .index = -1, .minute_of_day = -1,
                               .tries_left = KENHOJO_TRIES_UNKNOWN};
    return ev;
}

/* A device call's result, fed to the session after the call. */
static void post_result(struct kiosk *k, enum session_event_kind kind, int err)
{
    struct session_event ev = event_of(kind, err);
    post(k, &ev);
}

/* ---- the screen ------------------------------------------------------- */

static void redraw(struct kiosk *k)
{
    struct screens_model *m = &k->model;
    m->municipalities = k->have_ccfg ? k->ccfg.municipalities : NULL;
    m->n_municipalities = k->have_ccfg ? k->ccfg.n_municipalities : 0;
    m->fee_per_copy_yen = k->have_ccfg ? k->ccfg.fee_per_copy_yen : 0;
    m->open_minute = k->have_ccfg ? k->ccfg.open_minute : 0;
    m->close_minute = k->have_ccfg ? k->ccfg.close_minute : 0;
    m->terms_ja = k->have_ccfg ? k->ccfg.terms.ja : NULL;
    m->terms_en = k->have_ccfg ? k->ccfg.terms.en : NULL;
    m->pin_tries_max = k->cfg.pin_max_tries;
    m->pin_digits = m->screen == SESSION_SCREEN_PIN ? k->pin_len : m->pin_digits;
    m->preview = k->preview;
    if (m->screen == SESSION_SCREEN_TIMEOUT_WARNING) {
        uint64_t end = k->s.activity_ms + k->s.cfg.inactivity_warn_ms + k->s.cfg.inactivity_cancel_ms;
        uint64_t now = (uint64_t)kofu_mono_ms();
        m->seconds_left = end > now ? (int)((end - now + 999) / 1000) : 0;
    }
    cairo_t *cr = cairo_create(k->frame_surface);
    int rc = screens_draw(cr, k->disp.width, k->disp.height, m, &k->layout);
    cairo_destroy(cr);
    if (m->screen == SESSION_SCREEN_TERMS) {
        m->terms_page = k->layout.terms_page; /* clamped to this size and language */
        /* Shown only when drawn whole (then "agree" is on the screen); a
         * failed drawing also forgets an earlier one, so that no tap can
         * agree to terms that are not on the screen now. */
        if (rc == KOFU_OK && k->have_ccfg)
            snprintf(k->terms_shown, sizeof k->terms_shown, "%s", k->ccfg.terms.version);
        else
            memset(k->terms_shown, 0, sizeof k->terms_shown);
    }
    cairo_surface_flush(k->frame_surface);
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_DISPLAY, rc, (uint32_t)m->screen);
    rc = k->disp.ops->present(k->disp.ctx, k->frame, k->stride, k->disp.width, k->disp.height);
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_DISPLAY, rc, (uint32_t)m->screen);
    k->frames++;
    k->last_redraw_ms = (uint64_t)kofu_mono_ms();
    if (!k->drawn) {
        k->drawn = true;
        k->first_frame_ms = (double)(k->last_redraw_ms - k->start_ms);
    }
}

static void show_screen(struct kiosk *k, const struct session_action *a)
{
    struct screens_model *m = &k->model;
    if (m->screen != a->screen || m->lang != a->lang)
        m->progress_step = 0;
    if (a->screen == SESSION_SCREEN_MUNICIPALITY && m->screen != SESSION_SCREEN_MUNICIPALITY)
        m->municipality_page = a->municipality >= 0 ? a->municipality / SCREENS_MUNICIPALITIES_PER_PAGE : 0;
    /* The terms start at the top, but a warning or a language switch over
     * them keeps the place (the page number is clamped when drawn). */
    if (a->screen == SESSION_SCREEN_TERMS && m->screen != SESSION_SCREEN_TERMS &&
        m->screen != SESSION_SCREEN_TIMEOUT_WARNING)
        m->terms_page = 0;
    m->screen = a->screen;
    m->lang = a->lang;
    m->err = a->err;
    m->tries_left = a->tries_left;
    m->pin_digits = a->pin_digits;
    m->municipality = a->municipality;
    m->cert_kind = a->cert_kind;
    m->copies = a->copies;
    m->max_copies = a->max_copies;
    m->amount_yen = a->amount_yen;
    m->inserted_yen = a->inserted_yen;
    m->card_on_reader = a->card_on_reader;
    redraw(k);
    if (a->screen == SESSION_SCREEN_IDLE && k->attract_ms == 0)
        k->attract_ms = (double)(k->last_redraw_ms - k->start_ms);
    k->history[k->n_shown++ % KIOSK_SCREEN_HISTORY] = a->screen;
    if (k->script)
        kiosk_script_screen_shown(k);
}

/* Waiting screens move and the warning counts down: twice a second. */
static void redraw_if_moving(struct kiosk *k, uint64_t now)
{
    if (screens_changes_over_time(k->model.screen) && now >= k->last_redraw_ms + 500) {
        k->model.progress_step++;
        redraw(k);
    }
}

/* ---- the card --------------------------------------------------------- */

static void disconnect_card(struct kiosk *k)
{
    if (k->connected)
        k->rd.ops->disconnect(k->rd.ctx, true);
    k->connected = false;
}

static void check_card(struct kiosk *k)
{
    struct session_event ev = event_of(SESSION_EV_CARD_CHECKED, KOFU_OK);
    int rc = KOFU_OK;
    if (!k->connected) {
        rc = k->rd.ops->connect(k->rd.ctx, NULL, NULL);
        k->connected = rc == KOFU_OK;
    }
    if (rc == KOFU_OK)
        rc = kenhojo_open(&k->ks, &k->rd);
    if (rc == KOFU_OK)
        rc = kenhojo_pin_status(&k->ks, &ev.tries_left);
    ev.err = rc;
    post(k, &ev);
}

static void read_card(struct kiosk *k, const struct session_action *a)
{
    struct session_event ev = event_of(SESSION_EV_CARD_READ, KOFU_OK);
    struct kenhojo_read_result got = {.tries_left = KENHOJO_TRIES_UNKNOWN};
    const struct kenhojo_trust trust = {k->cfg.card_ca_dir, k->cfg.card_presence_required};
    int rc = KOFU_E_CARD_COMM;
    if (k->connected)
        rc = kenhojo_read_verified(&k->ks, k->pin, SESSION_PIN_DIGITS + 1, a->last_try_confirmed, &trust, &got);
    explicit_bzero(k->pin, SESSION_PIN_DIGITS + 1); /* also when it never went to the card */
    k->pin_len = 0;
    k->card = got.data;
    ev.tries_left = got.tries_left;
    /* A name the certificate cannot print ends the visit here, before the
     * center is asked (it would issue, and the visit end unprintable after
     * the fee step). Read-only on fonts loaded at start: safe on this
     * worker thread. */
    if (rc == KOFU_OK)
        rc = document_text_printable(&k->fonts, k->card->attributes.name);
    if (rc == KOFU_OK)
        ev.index = k->have_ccfg ? municipality_preselect(k->ccfg.municipalities, k->ccfg.n_municipalities,
                                                           k->card->attributes.address)
                               : -1;
    ev.err = rc;
    post(k, &ev);
}

/* ---- the center and the document ---------------------------------------- */

static void fetch_center_config(struct kiosk *k, uint64_t now)
{
    struct center_config c;
    struct center_call_info info;
    k->next_config_ms = now + (uint64_t)k->cfg.config_refresh_seconds * 1000u;
    int rc = k->cc ? center_get_config(k->cc, &c, &info) : KOFU_E_CONFIG;
    if (rc != KOFU_OK) {
        /* Keep the last good configuration; without one, try again soon. */
        if (!k->have_ccfg)
            k->next_config_ms = now + 5000;
        return;
    }
    /* The session holds indexes into this list: it changes only between
     * visits (WIPE applies a pending one). */
    if (k->have_ccfg && k->s.state != SESSION_IDLE && k->s.state != SESSION_CLOSED) {
        center_config_free(&c);
        k->next_config_ms = now + 2000;
        return;
    }
    if (k->have_ccfg)
        center_config_free(&k->ccfg);
    k->ccfg = c;
    k->have_ccfg = true;
    if (*c.timezone) {
        setenv("TZ", c.timezone, 1);
        tzset();
    }
    struct session_event ev = event_of(SESSION_EV_CONFIG, KOFU_OK);
    ev.config.open_minute = c.open_minute;
    ev.config.close_minute = c.close_minute;
    ev.config.fee_per_copy_yen = c.fee_per_copy_yen;
    ev.config.max_copies = c.max_copies;
    ev.config.n_municipalities = (int)c.n_municipalities;
    post(k, &ev);
}

static void request_certificate(struct kiosk *k, const struct session_action *a)
{
    int rc = KOFU_E_INTERNAL;
    if (k->card && a->municipality >= 0 && (size_t)a->municipality < k->ccfg.n_municipalities) {
        memset(&k->req, 0, sizeof k->req);
        k->req.card = k->card;
        memcpy(k->req.municipality, k->ccfg.municipalities[a->municipality].code, sizeof k->req.municipality);
        k->req.kind = a->cert_kind;
        k->req.copies = a->copies;
        k->req.language = a->lang == KOFU_LANG_EN ? "en" : "ja";
        k->req.terms_version = k->terms_agreed;
        /* No consent on record, no request (the session never asks without one). */
        rc = *k->terms_agreed ? center_request_new_id(&k->req) : KOFU_E_INTERNAL;
    }
    if (rc == KOFU_OK) {
        k->req_made = true;
        k->cert = center_certificate_new();
        struct center_call_info info;
        rc = k->cert ? center_request_certificate(k->cc, &k->req, k->cert, &info) : KOFU_E_NOMEM;
        /* The center has newer terms: fetch them now, so that the next
         * resident agrees to those (applied once this visit has ended). */
        if (rc == KOFU_E_TERMS_OUTDATED)
            k->next_config_ms = 0;
    }
    if (rc == KOFU_OK) {
        k->ver = certificate_verified_new();
        struct certificate_refusal why;
        rc = k->ver ? certificate_verify(k->cert, k->card, &k->trust, (int64_t)time(NULL), k->ver, &why)
                    : KOFU_E_NOMEM;
        kofu_log(KOFU_LOG_INFO, EV_CERT_VERIFY, rc, 0);
    }
    if (rc == KOFU_OK) {
        k->page = kiosk_page_new();
        rc = k->page ? kiosk_page_fill(k->ver, k->page) : KOFU_E_NOMEM;
    }
    post_result(k, SESSION_EV_CENTER_RESULT, rc);
}

/* The preview: the page drawn once into vault pixels at exactly the size
 * the confirmation screen shows it (screens_preview_size: drawn 1:1, so
 * every redraw of that screen is a copy, not a render). */
static int render_preview(struct kiosk *k)
{
    int w, h;
    if (screens_preview_size(k->disp.width, k->disp.height, &w, &h) != KOFU_OK)
        return KOFU_E_RENDER;
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w);
    uint8_t *px = vault_alloc((size_t)stride * (size_t)h);
    if (!px)
        return KOFU_E_NOMEM;
    cairo_surface_t *s = cairo_image_surface_create_for_data(px, CAIRO_FORMAT_ARGB32, w, h, stride);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, w / DOCUMENT_PAGE_WIDTH_PT, h / DOCUMENT_PAGE_HEIGHT_PT);
    int rc = document_draw(cr, &k->page->doc, &k->fonts);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    if (rc != KOFU_OK) {
        cairo_surface_destroy(s);
        return rc;
    }
    k->preview = s;
    return KOFU_OK;
}

static void prepare_document(struct kiosk *k)
{
    int rc = k->page ? KOFU_OK : KOFU_E_INTERNAL;
    if (rc == KOFU_OK) {
        uint8_t *buf = vault_alloc(KIOSK_PDF_MAX);
        if (!buf)
            rc = KOFU_E_NOMEM;
        else
            bld_init(&k->pdf, buf, KIOSK_PDF_MAX);
    }
    if (rc == KOFU_OK)
        rc = document_render_pdf(&k->page->doc, &k->fonts, &k->pdf);
    if (rc == KOFU_OK)
        rc = render_preview(k);
    /* No fee is asked of a printer that cannot print. */
    if (rc == KOFU_OK) {
        struct printer_status st;
        rc = k->pr.ops->status(k->pr.ctx, &st);
        if (rc == KOFU_OK)
            rc = printer_status_error(&st);
    }
    post_result(k, SESSION_EV_PREVIEW_RESULT, rc);
}

static void print_certificate(struct kiosk *k, const struct session_action *a)
{
    struct printer_job_result job = {0};
    int rc = k->pdf.len ? k->pr.ops->print(k->pr.ctx, k->pdf.p, k->pdf.len, PRINTER_DEFAULT_JOB_NAME, a->copies,
                                           k->cfg.print_timeout_ms, &job)
                        : KOFU_E_INTERNAL;
    kofu_log(KOFU_LOG_INFO, EV_PRINT, rc, (uint32_t)job.state);
    if (rc == KOFU_OK)
        k->printed += (unsigned)a->copies;
    post_result(k, SESSION_EV_PRINT_RESULT, rc);
}

static void run_device_call(struct kiosk *k, void (*fn)(struct kiosk *k, const struct session_action *a),
                            const struct session_action *a);

static void print_receipt_call(struct kiosk *k, const struct session_action *a)
{
    (void)a;
    k->receipt_rc = k->pr.ops->print(k->pr.ctx, k->receipt.p, k->receipt.len, "kofu-refund-receipt", 1,
                                     k->cfg.print_timeout_ms, NULL);
}

/* Rendered here (cairo and pango stay on the main thread), printed as a
 * device call. */
static void print_refund_receipt(struct kiosk *k, int amount_yen, int err)
{
    size_t mark = vault_mark();
    uint8_t *buf = vault_alloc(KIOSK_PDF_MAX);
    int rc = KOFU_E_NOMEM;
    if (buf) {
        bld_init(&k->receipt, buf, KIOSK_PDF_MAX);
        struct receipt_data r = {.amount_yen = amount_yen, .err = err, .when = (int64_t)time(NULL),
                                 .request_id = k->req_made ? k->req.request_id : ""};
        rc = receipt_render_pdf(&r, &k->fonts, &k->receipt);
        if (rc == KOFU_OK) {
            k->receipt_rc = KOFU_E_INTERNAL;
            run_device_call(k, print_receipt_call, NULL);
            rc = k->receipt_rc;
        }
    }
    memset(&k->receipt, 0, sizeof k->receipt);
    vault_release(mark);
    k->receipts += rc == KOFU_OK;
    /* A receipt that did not print leaves the claim with the center, which
     * was told the amount (REPORT_COMPLETION); the log says so for staff. */
    kofu_log(KOFU_LOG_ERROR, EV_RECEIPT, rc, (uint32_t)amount_yen);
}

static void report_completion(struct kiosk *k, const struct session_action *a)
{
    if (!k->req_made || !k->cc)
        return;
    struct center_call_info info;
    int rc = center_report_completion(k->cc, k->req.request_id, k->cert ? k->cert->certificate_id : "",
                                      a->outcome, a->copies, a->amount_yen, &info);
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_CENTER_CALL, rc, (uint32_t)info.http_status);
}

/* ---- payment ---------------------------------------------------------- */

static void payment_call(int rc, int yen)
{
    kofu_log(rc == KOFU_OK ? KOFU_LOG_INFO : KOFU_LOG_ERROR, EV_PAYMENT, rc, (uint32_t)yen);
}

static void poll_payment(struct kiosk *k)
{
    if (k->s.state != SESSION_PAYMENT)
        return;
    int total = 0;
    int rc = k->pay.ops->inserted(k->pay.ctx, &total);
    if (rc != KOFU_OK) {
        payment_call(rc, 0);
        post_result(k, SESSION_EV_PAYMENT_FAILED, rc);
    } else if (total > k->last_inserted) {
        k->last_inserted = total;
        struct session_event ev = event_of(SESSION_EV_PAYMENT_INSERTED, KOFU_OK);
        ev.amount_yen = total;
        post(k, &ev);
    }
}

/* ---- the wipe --------------------------------------------------------- */

static void wipe_visit(struct kiosk *k)
{
    if (k->preview) {
        cairo_surface_destroy(k->preview);
        k->preview = NULL;
    }
    explicit_bzero(k->pin, SESSION_PIN_DIGITS + 1);
    k->pin_len = 0;
    memset(&k->pdf, 0, sizeof k->pdf);
    memset(&k->req, 0, sizeof k->req);
    k->req_made = false;
    memset(k->terms_shown, 0, sizeof k->terms_shown);
    memset(k->terms_agreed, 0, sizeof k->terms_agreed);
    k->model.terms_page = 0;
    k->card = NULL;
    k->cert = NULL;
    k->ver = NULL;
    k->page = NULL;
    k->last_inserted = 0;
    k->model.preview = NULL;
    k->model.municipality_page = 0;
    /* The pad's layout with the taps the input driver saw would give the
     * PIN back: no layout outlives the visit (and the drivers keep no tap
     * once it has been read: input.h). */
    for (int i = 0; i < 10; i++)
        k->model.pin_layout[i] = (unsigned char)i;
    vault_release(k->vault_base);
    k->stack_wipe_due = true;
}

/* ---- actions ---------------------------------------------------------- */

static void play(struct kiosk *k, const struct session_action *a)
{
    char name[AUDIO_PROMPT_NAME_MAX + 1];
    int rc = KOFU_E_AUDIO;
    if (voice_prompt_name(a->prompt, a->err, a->tries_left, name, sizeof name) > 0)
        rc = k->au.ops->play(k->au.ctx, a->lang == KOFU_LANG_EN ? "en" : "ja", name);
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_AUDIO, rc, (uint32_t)a->prompt);
}

/* ---- device calls that may take long ------------------------------------
 *
 * A call to the card, the center, the printer or the acceptor runs on a
 * worker thread while this thread keeps the screen alive: the waiting
 * screen's progress moves, and the session is ticked so that its "please
 * wait" warning (wait_warn_ms) appears — but only up to its wait_timeout,
 * and only its SHOW_SCREEN and PLAY_PROMPT are carried out meanwhile: a
 * visit can never be ended (and wiped) under a call still using its data.
 * Touches made during the wait are dropped, so that they cannot press
 * whatever the next screen puts under the finger. Rendering stays on this
 * thread (cairo/pango are not shared across threads here). */

struct device_job {
    struct kiosk *k;
    const struct session_action *a;
    void (*fn)(struct kiosk *k, const struct session_action *a);
    pthread_mutex_t lock;
    pthread_cond_t finished;
    bool done;
};

static void *device_job_main(void *arg)
{
    struct device_job *j = arg;
    j->fn(j->k, j->a);
    pthread_mutex_lock(&j->lock);
    j->done = true;
    pthread_cond_signal(&j->finished);
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

/* Wait up to 20 ms for the job; true once it is done (woken at once). */
static bool device_job_wait(struct device_job *j)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += 20 * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&j->lock);
    while (!j->done && pthread_cond_timedwait(&j->finished, &j->lock, &until) == 0)
        ;
    bool done = j->done;
    pthread_mutex_unlock(&j->lock);
    return done;
}

static void pump_while(struct kiosk *k, struct device_job *j)
{
    uint64_t deadline = (uint64_t)kofu_mono_ms() + k->s.cfg.wait_timeout_ms;
    while (!device_job_wait(j)) {
        uint64_t now = (uint64_t)kofu_mono_ms();
        if (now < deadline)
            feed_watchdog(k, now); /* past it, the service manager takes over */
        if (session_waiting_on_device(&k->s, now)) {
            struct session_actions out;
            struct session_event tick = event_of(SESSION_EV_TICK, KOFU_OK);
            session_step(&k->s, &tick, now, &out);
            for (size_t i = 0; i < out.n; i++) {
                if (out.a[i].kind == SESSION_ACT_SHOW_SCREEN)
                    show_screen(k, &out.a[i]);
                else if (out.a[i].kind == SESSION_ACT_PLAY_PROMPT)
                    play(k, &out.a[i]);
                else /* cannot happen before wait_timeout: logged if it ever does */
                    kofu_log(KOFU_LOG_ERROR, EV_SESSION, KOFU_E_INTERNAL, (uint32_t)out.a[i].kind);
            }
        }
        redraw_if_moving(k, now);
        struct input_event ie;
        while (k->in.ops && k->in.ops->read(k->in.ctx, &ie) > 0)
            if (ie.kind == INPUT_QUIT)
                k->quit = true;
    }
}

/* fn(k, a) on a worker thread, the screen kept alive meanwhile; on this
 * thread when no thread can be made. */
static void run_device_call(struct kiosk *k, void (*fn)(struct kiosk *k, const struct session_action *a),
                            const struct session_action *a)
{
    struct device_job j = {.k = k, .a = a, .fn = fn, .done = false};
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&j.lock, NULL);
    pthread_cond_init(&j.finished, &ca);
    pthread_condattr_destroy(&ca);
    pthread_t th;
    pthread_attr_t attr;
    bool own_stack = k->worker_stack.map && pthread_attr_init(&attr) == 0;
    if (own_stack && wipestack_attr(&k->worker_stack, &attr) != KOFU_OK) {
        pthread_attr_destroy(&attr);
        own_stack = false;
    }
    if (!own_stack || pthread_create(&th, &attr, device_job_main, &j) != 0) {
        fn(k, a);
    } else {
        pump_while(k, &j);
        pthread_join(th, NULL);
        /* Its frames held what passed through the call (the PIN's VERIFY,
         * the card's files, the center's answer). */
        wipestack_wipe(&k->worker_stack);
    }
    if (own_stack)
        pthread_attr_destroy(&attr);
    pthread_cond_destroy(&j.finished);
    pthread_mutex_destroy(&j.lock);
}

static void check_card_call(struct kiosk *k, const struct session_action *a)
{
    (void)a;
    check_card(k);
}

static void refund_call(struct kiosk *k, const struct session_action *a)
{
    int rc = k->pay.ops->refund(k->pay.ctx, a->amount_yen);
    payment_call(rc, a->amount_yen);
    k->refunds += rc == KOFU_OK;
    post_result(k, SESSION_EV_REFUND_RESULT, rc);
}

static double precise_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void carry_out(struct kiosk *k, const struct session_action *a)
{
    int rc;
    double t0 = precise_ms();
    switch (a->kind) {
    case SESSION_ACT_SHOW_SCREEN:
        show_screen(k, a);
        break;
    case SESSION_ACT_PLAY_PROMPT:
        play(k, a);
        break;
    case SESSION_ACT_CHECK_CARD:
        run_device_call(k, check_card_call, a);
        break;
    case SESSION_ACT_SHUFFLE_PIN_PAD:
        if (screens_shuffle_pin_pad(k->model.pin_layout) != KOFU_OK)
            for (int i = 0; i < 10; i++) /* never a fixed pad silently: log it */
                k->model.pin_layout[i] = (unsigned char)((i + 1) % 10);
        explicit_bzero(k->pin, SESSION_PIN_DIGITS + 1);
        k->pin_len = 0;
        break;
    case SESSION_ACT_CLEAR_PIN:
        explicit_bzero(k->pin, SESSION_PIN_DIGITS + 1);
        k->pin_len = 0;
        break;
    case SESSION_ACT_READ_CARD:
        run_device_call(k, read_card, a);
        k->t_read = precise_ms() - t0;
        break;
    case SESSION_ACT_RESET_CARD:
        disconnect_card(k);
        break;
    case SESSION_ACT_REQUEST_CERTIFICATE:
        run_device_call(k, request_certificate, a);
        k->t_center = precise_ms() - t0;
        break;
    case SESSION_ACT_RENDER_PREVIEW:
        prepare_document(k);
        k->t_render = precise_ms() - t0;
        break;
    case SESSION_ACT_PAYMENT_ASK:
        k->last_inserted = 0;
        rc = k->pay.ops->ask(k->pay.ctx, a->amount_yen);
        payment_call(rc, a->amount_yen);
        if (rc != KOFU_OK)
            post_result(k, SESSION_EV_PAYMENT_FAILED, rc);
        break;
    case SESSION_ACT_PAYMENT_CANCEL:
        payment_call(k->pay.ops->cancel(k->pay.ctx), 0);
        break;
    case SESSION_ACT_PAYMENT_DISPENSE_CHANGE:
        rc = k->pay.ops->dispense_change(k->pay.ctx, a->amount_yen);
        payment_call(rc, a->amount_yen);
        /* Change the device could not give is owed all the same: a
         * receipt, and the center told (a second report, refund-owed). */
        if (rc != KOFU_OK && a->amount_yen > 0) {
            print_refund_receipt(k, a->amount_yen, KOFU_E_PAYMENT_CHANGE);
            struct session_action owed = *a;
            owed.kind = SESSION_ACT_REPORT_COMPLETION;
            owed.outcome = CENTER_REFUND_OWED;
            owed.copies = 0;
            report_completion(k, &owed);
        }
        break;
    case SESSION_ACT_PAYMENT_REFUND:
        run_device_call(k, refund_call, a);
        break;
    case SESSION_ACT_PRINT:
        run_device_call(k, print_certificate, a);
        k->t_print = precise_ms() - t0;
        break;
    case SESSION_ACT_PRINT_REFUND_RECEIPT:
        print_refund_receipt(k, a->amount_yen, a->err);
        break;
    case SESSION_ACT_REPORT_COMPLETION:
        run_device_call(k, report_completion, a);
        break;
    case SESSION_ACT_WIPE:
        wipe_visit(k);
        k->visits++;
        break;
    case SESSION_ACT_TERMS_AGREED:
        snprintf(k->terms_agreed, sizeof k->terms_agreed, "%s", k->terms_shown);
        break;
    case SESSION_ACT__COUNT:
        break;
    }
}

static int minute_of_day(void)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return -1;
    return tm.tm_hour * 60 + tm.tm_min;
}

/* Feed every queued event to the session, and carry out what follows. */
static void run_queue(struct kiosk *k)
{
    while (k->q_len) {
        struct session_event ev = k->queue[k->q_head];
        k->q_head = (k->q_head + 1) % KIOSK_EVENTS_MAX;
        k->q_len--;
        enum session_state before = k->s.state;
        struct session_actions out;
        session_step(&k->s, &ev, (uint64_t)kofu_mono_ms(), &out);
        if (k->s.state != before)
            kofu_log(KOFU_LOG_INFO, EV_SESSION, KOFU_OK, (uint32_t)k->s.state);
        for (size_t i = 0; i < out.n; i++)
            carry_out(k, &out.a[i]);
    }
}

void kiosk_event(struct kiosk *k, const struct session_event *first)
{
    post(k, first);
    run_queue(k);
}

/* An input of the resident's (or a sensor's) with nothing but its kind. */
static void kiosk_input(struct kiosk *k, enum session_event_kind kind)
{
    struct session_event ev = event_of(kind, KOFU_OK);
    kiosk_event(k, &ev);
}

/* Time passes: minute is the time of day, or -1 when not asked. */
static void kiosk_tick(struct kiosk *k, int minute)
{
    struct session_event ev = event_of(SESSION_EV_TICK, KOFU_OK);
    ev.minute_of_day = minute;
    kiosk_event(k, &ev);
}

static void tap(struct kiosk *k, enum session_button b, int index, enum center_kind kind)
{
    /* "agree" is a target only under terms drawn whole (redraw); should a tap
     * come without them, it is no consent and the card stays untouched. */
    if (b == SESSION_BTN_AGREE && !*k->terms_shown)
        return;
    struct session_event ev = event_of(SESSION_EV_TAP, KOFU_OK);
    ev.button = b;
    ev.index = index;
    ev.cert_kind = kind;
    kiosk_event(k, &ev);
}

static void pin_digit(struct kiosk *k, int digit)
{
    if (k->s.state != SESSION_PIN || k->pin_len >= SESSION_PIN_DIGITS || digit < 0 || digit > 9)
        return;
    k->pin[k->pin_len++] = (char)('0' + digit);
    kiosk_input(k, SESSION_EV_PIN_DIGIT);
}

static void pin_clear(struct kiosk *k)
{
    explicit_bzero(k->pin, SESSION_PIN_DIGITS + 1);
    k->pin_len = 0;
    kiosk_input(k, SESSION_EV_PIN_CLEAR);
}

void kiosk_touch(struct kiosk *k, int x, int y)
{
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
    case SCREENS_T_PAGE_PREV:
    case SCREENS_T_PAGE_NEXT: {
        int pages = (int)((k->ccfg.n_municipalities + SCREENS_MUNICIPALITIES_PER_PAGE - 1) /
                          SCREENS_MUNICIPALITIES_PER_PAGE);
        int p = k->model.municipality_page + (t->kind == SCREENS_T_PAGE_NEXT ? 1 : -1);
        if (p >= 0 && p < pages) {
            k->model.municipality_page = p;
            redraw(k);
        }
        kiosk_input(k, SESSION_EV_ACTIVITY); /* reading a list is being there */
        break;
    }
    case SCREENS_T_TERMS_UP:
    case SCREENS_T_TERMS_DOWN: {
        int p = k->model.terms_page + (t->kind == SCREENS_T_TERMS_DOWN ? 1 : -1);
        if (p >= 0 && p < k->layout.terms_pages) {
            k->model.terms_page = p;
            redraw(k);
        }
        kiosk_input(k, SESSION_EV_ACTIVITY);
        break;
    }
    }
}

void kiosk_tray_empty(struct kiosk *k)
{
    kiosk_input(k, SESSION_EV_CERTIFICATE_TAKEN);
}

/* Keyboard shortcuts (the sim board's window; a service keyboard). */
void kiosk_key(struct kiosk *k, int key)
{
    if (key >= '0' && key <= '9' && k->s.state == SESSION_PIN) {
        pin_digit(k, key - '0');
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
    } else if (key == 'c' && *k->cfg.sim_cardsim_control) {
        char reply[128];
        kiosk_cardsim(k, k->card_present ? "remove" : "insert", reply, sizeof reply);
    }
}

/* ---- start-up and the loop --------------------------------------------- */

static void poll_card(struct kiosk *k)
{
    if (!k->reader_open) {
        /* No pcscd or no reader yet: ask again once a second, not every tick. */
        uint64_t now = (uint64_t)kofu_mono_ms();
        if (now < k->next_reader_ms)
            return;
        k->next_reader_ms = now + 1000;
        if (k->rd.ops->open(&k->rd.ctx, k->cfg.reader) != KOFU_OK)
            return;
        k->reader_open = true;
    }
    int rc = k->rd.ops->wait_present(k->rd.ctx, 0);
    bool present = rc == KOFU_OK;
    if (rc != KOFU_OK && rc != KOFU_E_NO_CARD) {
        /* The reader or pcscd went away: open it again next time. */
        k->rd.ops->close(k->rd.ctx);
        k->rd.ctx = NULL;
        k->reader_open = false;
        k->connected = false;
    }
    if (present == k->card_present)
        return;
    k->card_present = present;
    if (!present)
        k->connected = false; /* the card's PIN state went with it */
    kiosk_input(k, present ? SESSION_EV_CARD_INSERTED : SESSION_EV_CARD_REMOVED);
    if (!present && k->rd.ops->disconnect)
        k->rd.ops->disconnect(k->rd.ctx, true);
}

static void poll_input(struct kiosk *k)
{
    if (!k->in.ops)
        return;
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

static int open_devices(struct kiosk *k, const struct board_display *bd)
{
    int rc;
    k->disp.ops = bd->display;
    k->disp.width = k->cfg.screen_width;
    k->disp.height = k->cfg.screen_height;
    rc = k->disp.ops->open(&k->disp.ctx, k->cfg.display_device, &k->disp.width, &k->disp.height);
    if (rc != KOFU_OK) {
        k->disp.ops = NULL;
        fprintf(stderr, "kofu: display: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
        return rc;
    }
    if (bd->input) {
        k->in.ops = bd->input;
        rc = k->in.ops->open(&k->in.ctx, k->cfg.input_device, k->disp.width, k->disp.height);
        if (rc != KOFU_OK) {
            k->in.ops = NULL;
            fprintf(stderr, "kofu: input: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
            return rc;
        }
    }
    k->au.ops = k->board->audio;
    rc = k->au.ops->open(&k->au.ctx, k->cfg.audio_device, k->cfg.prompt_dir);
    if (rc != KOFU_OK) {
        k->au.ops = NULL;
        fprintf(stderr, "kofu: audio: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
        return rc;
    }
    k->pay.ops = k->board->payment;
    rc = k->pay.ops->open(&k->pay.ctx, k->cfg.payment_device);
    if (rc != KOFU_OK) {
        k->pay.ops = NULL;
        fprintf(stderr, "kofu: payment: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
        return rc;
    }
    k->pr.ops = k->board->printer;
    const struct printer_trust trust = {k->cfg.printer_ca_file, k->cfg.printer_private_link};
    rc = k->pr.ops->open(&k->pr.ctx, k->cfg.printer_uri, PRINTER_MODE_IPP, &trust);
    if (rc != KOFU_OK) {
        k->pr.ops = NULL;
        fprintf(stderr, "kofu: printer: %s\n", kofu_err_text(rc, KOFU_LANG_EN));
        return rc;
    }
    k->rd.ops = k->board->card_reader;
    return KOFU_OK;
}

static void close_devices(struct kiosk *k)
{
    disconnect_card(k);
    if (k->reader_open)
        k->rd.ops->close(k->rd.ctx);
    if (k->pr.ops)
        k->pr.ops->close(k->pr.ctx);
    if (k->pay.ops)
        k->pay.ops->close(k->pay.ctx);
    if (k->au.ops)
        k->au.ops->close(k->au.ctx);
    if (k->in.ops)
        k->in.ops->close(k->in.ctx);
    if (k->disp.ops)
        k->disp.ops->close(k->disp.ctx);
}

static int setup(struct kiosk *k, const struct kiosk_options *o)
{
    const struct board_display *bd = board_find_display(k->board, k->cfg.display);
    if (!bd) {
        fprintf(stderr, "kofu: display '%s' is not one of board %s's\n", k->cfg.display, k->board->name);
        return KIOSK_EXIT_USAGE;
    }
    char err[512] = "";
    if (certificate_trust_load(&k->cfg, &k->trust, err, sizeof err) != KOFU_OK) {
        fprintf(stderr, "kofu: %s\n", err);
        return KIOSK_EXIT_USAGE;
    }
    if (document_fonts_init(&k->fonts) != KOFU_OK || screens_init() != KOFU_OK) {
        fprintf(stderr, "kofu: %s / %s\n", kofu_err_text(KOFU_E_FONT, KOFU_LANG_EN),
                kofu_err_text(KOFU_E_FONT, KOFU_LANG_JA));
        return KIOSK_EXIT_DEVICE;
    }
    if (center_client_new(&k->cfg, &k->cc) != KOFU_OK) {
        fprintf(stderr, "kofu: the center's settings (center_url, center_ca_file, kiosk_cert_file, "
                        "kiosk_key_file) are incomplete or unreadable\n");
        return KIOSK_EXIT_USAGE;
    }
    if (open_devices(k, bd) != KOFU_OK)
        return KIOSK_EXIT_DEVICE;

    /* The screen's pixels, then the PIN, below the mark; a visit above it. */
    k->stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, k->disp.width);
    size_t frame_bytes = (size_t)k->stride * (size_t)k->disp.height;
    if (vault_init(frame_bytes + 4096 + KIOSK_VISIT_BYTES) != KOFU_OK ||
        wipestack_init(&k->worker_stack, WIPESTACK_WORKER_BYTES) != KOFU_OK || wipestack_main_init() != KOFU_OK) {
        fprintf(stderr, "kofu: %s\n", kofu_err_text(KOFU_E_VAULT, KOFU_LANG_EN));
        return KIOSK_EXIT_DEVICE;
    }
    /* No page of the process may reach swap: required on the kiosk; on
     * the sim board (a developer's machine, maybe without CAP_IPC_LOCK)
     * the vault alone stays locked and the refusal is logged. */
    int locked = vault_lock_process();
    if (locked != KOFU_OK) {
        kofu_log(KOFU_LOG_ERROR, EV_MEMORY_LOCK, locked, 0);
        if (board_is_product(k->board)) {
            fprintf(stderr, "kofu: %s\n", kofu_err_text(KOFU_E_VAULT, KOFU_LANG_EN));
            return KIOSK_EXIT_DEVICE;
        }
    }
    k->frame = vault_alloc(frame_bytes);
    k->pin = vault_alloc(SESSION_PIN_DIGITS + 1);
    if (!k->frame || !k->pin)
        return KIOSK_EXIT_DEVICE;
    k->frame_surface = cairo_image_surface_create_for_data(k->frame, CAIRO_FORMAT_ARGB32, k->disp.width,
                                                           k->disp.height, k->stride);
    k->vault_base = vault_mark();

    struct session_config sc;
    session_config_from(&sc, &k->cfg);
    session_init(&k->s, &sc, (uint64_t)kofu_mono_ms());
    k->model.municipality = -1;
    for (int i = 0; i < 10; i++)
        k->model.pin_layout[i] = (unsigned char)i;

    if (o->script_path && kiosk_script_load(k, o->script_path) != KOFU_OK)
        return KIOSK_EXIT_USAGE;
    return KIOSK_EXIT_OK;
}

/* Everything is open and located: from here on nothing is written, read
 * from elsewhere or started (sandbox.h). The kiosk board fails closed. */
static int confine(struct kiosk *k, const struct kiosk_options *o)
{
    static struct sandbox_policy p;
    int rc = sandbox_policy_for_config(&p, &k->cfg, config_path_for_command(o->config_path));
    p.required = board_is_product(k->board);
    p.test_outputs = !p.required && k->script;
    /* The fonts were loaded at start-up: fontconfig's periodic rescan (every
     * 30 s in Debian's fonts.conf) could only reload them mid-visit, inside
     * the sandbox. It fails only without a configuration, i.e. no fonts,
     * and a rescan would still be allowed (sandbox.c): not a reason to stop. */
    (void)FcConfigSetRescanInterval(NULL, 0);
    if (rc == KOFU_OK && p.test_outputs)
        rc = kiosk_script_outputs(k, &p);
    if (rc == KOFU_OK)
        rc = sandbox_enter(&p, NULL);
    if (rc == KOFU_OK)
        return KIOSK_EXIT_OK;
    fprintf(stderr, "kofu: %s / %s\n", kofu_err_text(KOFU_E_SANDBOX, KOFU_LANG_EN),
            kofu_err_text(KOFU_E_SANDBOX, KOFU_LANG_JA));
    return KIOSK_EXIT_SANDBOX;
}

static void teardown(struct kiosk *k)
{
    kiosk_script_free(k);
    if (k->preview)
        cairo_surface_destroy(k->preview);
    if (k->frame_surface)
        cairo_surface_destroy(k->frame_surface);
    if (k->disp.ops)
        k->disp.ops->clear(k->disp.ctx);
    close_devices(k);
    if (k->have_ccfg)
        center_config_free(&k->ccfg);
    center_client_free(k->cc);
    certificate_trust_free(&k->trust);
    document_fonts_free(&k->fonts);
    screens_free();
    wipestack_destroy(&k->worker_stack);
    vault_destroy();
}

/* Once the attract screen is up: render sample certificates (fixed words,
 * no resident) of both kinds, as a PDF and as a preview at the preview's
 * own size, so that the first resident does not wait for cold font, glyph
 * and QR caches (measured: ~80 ms cold, ~15 ms warm). */
static void warm_up_rendering(struct kiosk *k)
{
    static const char sample_jws[] = "eyJ6aXAiOiJERUYiLCJhbGciOiJFUzI1NiJ9.e30.c2FtcGxl";
    struct document_data d = {.kind = DOCUMENT_OVERSEAS, .name = "見本　太郎", .name_roman = "SAMPLE TARO",
                              .birth_date = "2000-01-01", .nationality = "JPN", .passport_number = "XX0000000",
                              .n_doses = 1, .issuer_ja = "見本市", .issuer_en = "Sample City",
                              .certificate_id = "SAMPLE", .issue_date = "2000-01-01", .shc_jws = sample_jws,
                              .vds_seal = "{}"};
    d.doses[0] = (struct document_dose){.date = "2000-01-01", .product_ja = "見本", .product_en = "Sample",
                                        .lot = "0000", .country_ja = "日本", .country_en = "Japan"};
    int w, h;
    if (screens_preview_size(k->disp.width, k->disp.height, &w, &h) != KOFU_OK)
        return;
    size_t mark = vault_mark();
    uint8_t *buf = vault_alloc(KIOSK_PDF_MAX);
    for (int kind = 0; buf && kind < 2; kind++) {
        d.kind = kind ? DOCUMENT_OVERSEAS : DOCUMENT_DOMESTIC;
        kofu_bld b;
        bld_init(&b, buf, KIOSK_PDF_MAX);
        document_render_pdf(&d, &k->fonts, &b);
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
        cairo_t *cr = cairo_create(s);
        cairo_scale(cr, w / DOCUMENT_PAGE_WIDTH_PT, h / DOCUMENT_PAGE_HEIGHT_PT);
        document_draw(cr, &d, &k->fonts);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
    }
    vault_release(mark);
}

static void loop(struct kiosk *k)
{
    uint64_t next_tick = 0;
    bool warmed = false;
    /* A screen first ("preparing"), then the center: a slow or absent
     * center must not leave the display dark. */
    kiosk_tick(k, minute_of_day());
    while (!k->quit && !stop_requested) {
        uint64_t now = (uint64_t)kofu_mono_ms();
        if (now >= k->next_config_ms)
            fetch_center_config(k, now); /* posts the configuration */
        poll_card(k);
        poll_input(k);
        poll_payment(k); /* posts what was inserted */
        run_queue(k);
        if (now >= next_tick) {
            next_tick = now + KIOSK_TICK_MS;
            kiosk_tick(k, minute_of_day());
            redraw_if_moving(k, now);
        }
        if (!warmed && k->drawn && k->s.state == SESSION_IDLE) {
            warmed = true;
            warm_up_rendering(k);
            notify(k, "READY=1");
        }
        feed_watchdog(k, (uint64_t)kofu_mono_ms());
        if (k->script)
            kiosk_script_poll(k);
        if (k->quit)
            break;
        if (k->stack_wipe_due) {
            /* Here, at the main loop's own depth: everything a visit's
             * rendering left lies below this frame. */
            k->stack_wipe_due = false;
            if (wipestack_wipe_below() != KOFU_OK) {
                kofu_log(KOFU_LOG_ERROR, EV_VAULT_WIPE, KOFU_E_INTERNAL, 0);
                /* A kiosk that cannot wipe stops serving (and is restarted
                 * by its service manager: a new process holds nothing). */
                if (board_is_product(k->board)) {
                    k->exit_code = KIOSK_EXIT_DEVICE;
                    k->quit = true;
                }
            }
        }

        struct pollfd fds[2];
        nfds_t n = 0;
        int fd = k->in.ops ? k->in.ops->fd(k->in.ctx) : -1;
        if (fd >= 0)
            fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
        fd = k->pay.ops->fd(k->pay.ctx);
        if (fd >= 0)
            fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
        uint64_t after = (uint64_t)kofu_mono_ms();
        int wait = next_tick > after ? (int)(next_tick - after) : 0;
        if (poll(fds, n, wait) < 0 && errno != EINTR)
            break;
    }
}

int kiosk_run(const struct kiosk_options *o)
{
    static struct kiosk kiosk; /* one per process; large (the event log, the model) */
    struct kiosk *k = &kiosk;
    memset(k, 0, sizeof *k);
    k->start_ms = (uint64_t)kofu_mono_ms();
    k->board = o->board;
    k->exit_code = KIOSK_EXIT_OK;
    k->notify_fd = -1;
    const char *wd = getenv("WATCHDOG_USEC");
    k->watchdog_ms = wd ? strtoull(wd, NULL, 10) / 1000u : 0;
    if (o->script_path && board_is_product(o->board)) {
        fprintf(stderr, "kofu: --script drives the sim board only / スクリプトは sim ボードでのみ使えます\n");
        return KIOSK_EXIT_USAGE;
    }
    if (config_load_for_command(&k->cfg, o->config_path) != KOFU_OK)
        return KIOSK_EXIT_USAGE;

    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = setup(k, o);
    if (rc == KIOSK_EXIT_OK)
        rc = confine(k, o);
    if (rc == KIOSK_EXIT_OK) {
        loop(k);
        rc = k->exit_code;
        /* The end of the run ends any visit in progress: nothing stays. */
        wipe_visit(k);
        disconnect_card(k);
        explicit_bzero(k->frame, (size_t)k->stride * (size_t)k->disp.height);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("kofu run: board=%s first_frame_ms=%.1f attract_ms=%.1f frames=%u visits=%u printed=%u refunds=%u "
               "receipts=%u exit=%d\n",
               k->board->name, k->first_frame_ms, k->attract_ms, k->frames, k->visits, k->printed, k->refunds, k->receipts, rc);
        printf("kofu run: last visit read_ms=%.2f center_ms=%.2f render_ms=%.2f print_ms=%.2f machine_ms=%.2f "
               "max_rss_kb=%ld\n",
               k->t_read, k->t_center, k->t_render, k->t_print, k->t_read + k->t_center + k->t_render + k->t_print,
               ru.ru_maxrss);
        fflush(stdout);
    }
    notify(k, "STOPPING=1");
    teardown(k);
    if (k->notify_fd >= 0)
        close(k->notify_fd);
    return rc;
}
