/*
 * devices.c — the device calls: the card, the center, the document, the
 * printer and the acceptor.
 *
 * Owns: what each call does with its device. The calls that may take long
 * (kiosk_check_card … kiosk_get_config) run on the worker thread (worker.c) and
 * see nothing but their call struct (kiosk_priv.h): the main thread fills
 * its inputs before the call and reads its outputs after the join. The
 * rest runs on the main thread: applying the center's configuration, the
 * document and its preview (cairo and pango stay on the main thread), the
 * card's presence, the acceptor's events, the refund receipt.
 */
#include "kiosk/kiosk_priv.h"

#include "base/errors.h"
#include "base/log.h"
#include "base/vault.h"
#include "ui/receipt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- on the worker thread ---------------------------------------------- */

void kiosk_check_card(void *call)
{
    struct kiosk_check_call *c = call;
    int rc = KOFU_OK;
    if (!c->connected) {
        rc = c->rd->ops->connect(c->rd->ctx, NULL, NULL);
        c->connected = rc == KOFU_OK;
    }
    if (rc == KOFU_OK)
        rc = kenhojo_open(c->ks, c->rd);
    if (rc == KOFU_OK)
        rc = kenhojo_pin_status(c->ks, &c->tries_left);
    c->rc = rc;
}

void kiosk_read_card(void *call)
{
    struct kiosk_read_call *c = call;
    struct kenhojo_read_result got = {.tries_left = KENHOJO_TRIES_UNKNOWN};
    const struct kenhojo_trust trust = {c->card_ca_dir, c->presence_required};
    int rc = KOFU_E_CARD_COMM;
    if (c->connected)
        rc = kenhojo_read_verified(c->ks, c->pin, c->pin_cap, c->last_try_confirmed, &trust, &got);
    c->card = got.data;
    c->tries_left = got.tries_left;
    c->rc = rc;
}

void kiosk_read_passport(void *call)
{
    struct kiosk_passport_call *c = call;
    int rc = KOFU_OK;
    if (!c->connected) { /* the card's connection went with the card */
        rc = c->rd->ops->connect(c->rd->ctx, NULL, NULL);
        c->connected = rc == KOFU_OK;
    }
    if (rc == KOFU_OK)
        rc = mrtd_read_verified(c->rd, c->keys, c->trust, &c->res);
    c->rc = rc;
}

void kiosk_request(void *call)
{
    struct kiosk_request_call *c = call;
    c->cert = center_certificate_new();
    struct center_call_info info;
    int rc = c->cert ? center_request_certificate(c->cc, c->req, c->cert, &info) : KOFU_E_NOMEM;
    if (rc == KOFU_OK) {
        c->ver = certificate_verified_new();
        struct certificate_refusal why;
        rc = c->ver ? certificate_verify(c->cert, c->card, c->trust, (int64_t)time(NULL), c->ver, &why)
                    : KOFU_E_NOMEM; /* certificate_verify logs its own verdict */
    }
    if (rc == KOFU_OK) {
        c->page = kiosk_page_new();
        rc = c->page ? kiosk_page_fill(c->ver, c->page) : KOFU_E_NOMEM;
    }
    c->rc = rc;
}

void kiosk_print(void *call)
{
    struct kiosk_print_call *c = call;
    struct printer_job_result job = {0};
    c->rc = c->pr->ops->print(c->pr->ctx, c->pdf, c->len, c->job_name, c->copies, c->timeout_ms, &job);
    c->job_state = (int)job.state;
}

void kiosk_refund(void *call)
{
    struct kiosk_payment_call *c = call;
    c->rc = c->pay->ops->refund(c->pay->ctx, c->amount_yen);
}

void kiosk_dispense_change(void *call)
{
    struct kiosk_payment_call *c = call;
    c->rc = c->pay->ops->dispense_change(c->pay->ctx, c->amount_yen);
}

void kiosk_cancel_payment(void *call)
{
    struct kiosk_payment_call *c = call;
    c->rc = c->pay->ops->cancel(c->pay->ctx);
}

void kiosk_report(void *call)
{
    struct kiosk_report_call *c = call;
    struct center_call_info info = {0};
    c->rc = center_report_completion(c->cc, c->request_id, c->certificate_id, c->outcome, c->copies,
                                     c->amount_yen, &info);
    c->http_status = info.http_status;
}

void kiosk_get_config(void *call)
{
    struct kiosk_config_call *c = call;
    struct center_call_info info;
    c->rc = center_get_config(c->cc, &c->cfg, &info);
}

/* ---- on the main thread ------------------------------------------------ */

void kiosk_fetch_center_config(struct kiosk *k, uint64_t now)
{
    if (now < k->next_config_ms)
        return;
    /* The session holds indexes into this list: it changes only between
     * visits (WIPE applies a pending one). During a visit the fetch waits:
     * it would be thrown away, and would hold the resident up. */
    bool between_visits = k->s.state == SESSION_IDLE || k->s.state == SESSION_CLOSED;
    if (k->have_ccfg && !between_visits) {
        k->next_config_ms = now + 2000;
        return;
    }
    k->next_config_ms = now + (uint64_t)k->cfg.config_refresh_seconds * 1000u;
    /* A device call (up to the client's time-outs and retries): the screen
     * stays alive and the watchdog fed. A tap meanwhile is dropped, as
     * during every device call (worker.c): at the attract or closed screen
     * a resident taps again once the call is over, and a card placed
     * meanwhile is seen then. */
    struct kiosk_config_call c = {.cc = k->cc, .rc = KOFU_E_CONFIG};
    if (k->cc)
        kiosk_run_device_call(k, kiosk_get_config, &c);
    if (c.rc != KOFU_OK) {
        /* Keep the last good configuration; without one, try again soon. */
        if (!k->have_ccfg)
            k->next_config_ms = now + 5000;
        return;
    }
    /* No visit began meanwhile: the session is not ticked at the attract or
     * closed screen during a call, and input is dropped (worker.c). */
    if (k->have_ccfg)
        center_config_free(&k->ccfg);
    k->ccfg = c.cfg;
    k->have_ccfg = true;
    if (*k->ccfg.timezone) {
        setenv("TZ", k->ccfg.timezone, 1);
        tzset();
    }
    struct session_event ev = kiosk_event_of(SESSION_EV_CONFIG, KOFU_OK);
    ev.config.open_minute = k->ccfg.open_minute;
    ev.config.close_minute = k->ccfg.close_minute;
    ev.config.fee_per_copy_yen = k->ccfg.fee_per_copy_yen;
    ev.config.max_copies = k->ccfg.max_copies;
    ev.config.n_municipalities = (int)k->ccfg.n_municipalities;
    kiosk_post(k, &ev);
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

int kiosk_prepare_document(struct kiosk *k)
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
    return rc;
}

void kiosk_disconnect_card(struct kiosk *k)
{
    if (k->connected)
        k->rd.ops->disconnect(k->rd.ctx, true);
    k->connected = false;
}

void kiosk_poll_card(struct kiosk *k)
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

void kiosk_payment_logged(int rc, int yen)
{
    kofu_log(rc == KOFU_OK ? KOFU_LOG_INFO : KOFU_LOG_ERROR, EV_PAYMENT, rc, (uint32_t)yen);
}

void kiosk_poll_payment(struct kiosk *k)
{
    if (k->s.state != SESSION_PAYMENT)
        return;
    int total = 0;
    int rc = k->pay.ops->inserted(k->pay.ctx, &total);
    if (rc != KOFU_OK) {
        kiosk_payment_logged(rc, 0);
        kiosk_post_result(k, SESSION_EV_PAYMENT_FAILED, rc);
    } else if (total > k->last_inserted) {
        k->last_inserted = total;
        struct session_event ev = kiosk_event_of(SESSION_EV_PAYMENT_INSERTED, KOFU_OK);
        ev.amount_yen = total;
        kiosk_post(k, &ev);
    }
}

/* Rendered here (cairo and pango stay on the main thread), printed as a
 * device call. */
void kiosk_print_refund_receipt(struct kiosk *k, int amount_yen, int err)
{
    size_t mark = vault_mark();
    uint8_t *buf = vault_alloc(KIOSK_PDF_MAX);
    int rc = KOFU_E_NOMEM;
    if (buf) {
        kofu_bld receipt;
        bld_init(&receipt, buf, KIOSK_PDF_MAX);
        struct receipt_data r = {.amount_yen = amount_yen, .err = err, .when = (int64_t)time(NULL),
                                 .request_id = k->req_made ? k->req.request_id : ""};
        rc = receipt_render_pdf(&r, &k->fonts, &receipt);
        if (rc == KOFU_OK) {
            struct kiosk_print_call c = {.pr = &k->pr, .pdf = receipt.p, .len = receipt.len,
                                         .job_name = "kofu-refund-receipt", .copies = 1,
                                         .timeout_ms = k->cfg.print_timeout_ms, .rc = KOFU_E_INTERNAL};
            kiosk_run_device_call(k, kiosk_print, &c);
            rc = c.rc;
        }
    }
    vault_release(mark);
    k->receipts += rc == KOFU_OK;
    /* A receipt that did not print leaves the claim with the center, which
     * was told the amount (REPORT_COMPLETION); the log says so for staff. */
    kofu_log(KOFU_LOG_ERROR, EV_RECEIPT, rc, (uint32_t)amount_yen);
}

void kiosk_report_completion(struct kiosk *k, const struct session_action *a)
{
    if (!k->req_made || !k->cc)
        return;
    struct kiosk_report_call c = {.cc = k->cc, .request_id = k->req.request_id,
                                  .certificate_id = k->cert ? k->cert->certificate_id : "", .outcome = a->outcome,
                                  .copies = a->copies, .amount_yen = a->amount_yen};
    kiosk_run_device_call(k, kiosk_report, &c);
    if (c.rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_CENTER_CALL, c.rc, (uint32_t)c.http_status);
}

/* Once the attract screen is up: render sample certificates (fixed words,
 * no resident) of both kinds, as a PDF and as a preview at the preview's
 * own size, so that the first resident does not wait for cold font, glyph
 * and QR caches (measured: ~80 ms cold, ~15 ms warm). */
void kiosk_warm_up_rendering(struct kiosk *k)
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
