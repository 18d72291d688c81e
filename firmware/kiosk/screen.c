/*
 * screen.c — the screen model and the frame.
 *
 * Owns: turning the session's SHOW_SCREEN into the screens' model, drawing
 * it into the frame (below the vault mark) and presenting it; what the
 * model takes from elsewhere (the center's configuration, the PIN's length,
 * the preview); the terms version last drawn whole (only that one can be
 * agreed to); redrawing the screens that move. Main thread only: cairo and
 * pango are not used from the worker.
 */
#include "kiosk/kiosk_priv.h"

#include "base/errors.h"
#include "base/log.h"

#include <stdio.h>
#include <string.h>

void kiosk_redraw(struct kiosk *k)
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
    m->pin_digits = m->screen == SESSION_SCREEN_PIN ? k->pin.len : m->pin_digits;
    m->preview = k->preview;
    /* The passport's boxes show the vault's characters (held as long as the
     * session counts them); no model outside PASSPORT_NUMBERS points there. */
    for (int f = 0; f < SESSION_MRZ__FIELDS; f++)
        m->mrz_text[f] = m->screen == SESSION_SCREEN_PASSPORT_NUMBERS && k->keypad ? k->keypad->field[f] : NULL;
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

void kiosk_show_screen(struct kiosk *k, const struct session_action *a)
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
    m->passport = a->passport;
    m->mrz_field = a->mrz_field;
    memcpy(m->mrz_len, a->mrz_len, sizeof m->mrz_len);
    kiosk_redraw(k);
    if (a->screen == SESSION_SCREEN_IDLE && k->attract_ms == 0)
        k->attract_ms = (double)(k->last_redraw_ms - k->start_ms);
    if (k->hooks && k->hooks->screen_shown)
        k->hooks->screen_shown(k->hooks_ctx, k, a->screen, a->lang);
}

void kiosk_redraw_if_moving(struct kiosk *k, uint64_t now)
{
    if (screens_changes_over_time(k->model.screen) && now >= k->last_redraw_ms + 500) {
        k->model.progress_step++;
        kiosk_redraw(k);
    }
}
