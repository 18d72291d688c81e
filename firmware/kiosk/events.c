/*
 * events.c — the event queue: what happens goes to the session, and what
 * the session says to do is carried out.
 *
 * Owns: the queue of session events (inputs, device results, the clock),
 * stepping the session, and carrying out its actions in order — screens
 * and prompts here, device calls through their call structs (devices.c,
 * worker.c), the wipe (wipe.c). A device call's result is read after the
 * join and queued as the next event, so the session sees one thing at a
 * time.
 */
#include "kiosk/kiosk_priv.h"

#include "base/errors.h"
#include "base/log.h"
#include "base/vault.h"
#include "session/municipality.h"
#include "ui/voice.h"

#include <stdio.h>
#include <string.h>

struct session_event kiosk_event_of(enum session_event_kind kind, int err)
{
    /* The other fields say "none": no index, no time of day, tries unknown. */
    struct session_event ev = {.kind = kind, .err = err, .index = -1, .minute_of_day = -1,
                               .tries_left = KENHOJO_TRIES_UNKNOWN};
    return ev;
}

void kiosk_post(struct kiosk *k, const struct session_event *ev)
{
    if (k->q_len == KIOSK_EVENTS_MAX) {
        kofu_log(KOFU_LOG_ERROR, EV_SESSION, KOFU_E_INTERNAL, (uint32_t)ev->kind);
        return;
    }
    k->queue[(k->q_head + k->q_len++) % KIOSK_EVENTS_MAX] = *ev;
}

void kiosk_post_result(struct kiosk *k, enum session_event_kind kind, int err)
{
    struct session_event ev = kiosk_event_of(kind, err);
    kiosk_post(k, &ev);
}

void kiosk_play(struct kiosk *k, const struct session_action *a)
{
    char name[AUDIO_PROMPT_NAME_MAX + 1];
    const char *lang = a->lang == KOFU_LANG_EN ? "en" : "ja";
    int rc = KOFU_E_AUDIO;
    if (voice_prompt_name(a->prompt, a->err, a->tries_left, name, sizeof name) > 0)
        rc = k->au.ops->play(k->au.ctx, lang, name);
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_AUDIO, rc, (uint32_t)a->prompt);
    else if (k->hooks && k->hooks->prompt_played)
        k->hooks->prompt_played(k->hooks_ctx, lang, name);
}

/* ---- the actions that call a device ------------------------------------- */

static void check_card(struct kiosk *k)
{
    struct kiosk_check_call c = {.rd = &k->rd, .ks = &k->ks, .connected = k->connected,
                                 .tries_left = KENHOJO_TRIES_UNKNOWN};
    kiosk_run_device_call(k, kiosk_check_card, &c);
    k->connected = c.connected;
    struct session_event ev = kiosk_event_of(SESSION_EV_CARD_CHECKED, c.rc);
    ev.tries_left = c.tries_left;
    kiosk_post(k, &ev);
}

static void read_card(struct kiosk *k, const struct session_action *a)
{
    struct kiosk_read_call c = {.ks = &k->ks, .connected = k->connected, .pin = k->pin.digits,
                                .pin_cap = KIOSK_PIN_BYTES,
                                .last_try_confirmed = a->last_try_confirmed, .card_ca_dir = k->cfg.card_ca_dir,
                                .presence_required = k->cfg.card_presence_required,
                                .tries_left = KENHOJO_TRIES_UNKNOWN};
    kiosk_run_device_call(k, kiosk_read_card, &c);
    /* The worker wiped the digits once they went to the card; the length is
     * the main thread's, and this also forgets a PIN that never went. */
    kiosk_forget_pin(&k->pin);
    k->card = c.card;
    int rc = c.rc;
    int municipality = -1;
    /* A name the certificate cannot print ends the visit here, before the
     * center is asked (it would issue, and the visit end unprintable after
     * the fee step). Here, not on the worker: pango is the main thread's. */
    if (rc == KOFU_OK)
        rc = document_text_printable(&k->fonts, k->card->attributes.name);
    if (rc == KOFU_OK && k->have_ccfg)
        municipality = municipality_preselect(k->ccfg.municipalities, k->ccfg.n_municipalities,
                                              k->card->attributes.address);
    struct session_event ev = kiosk_event_of(SESSION_EV_CARD_READ, rc);
    ev.tries_left = c.tries_left;
    ev.index = municipality;
    kiosk_post(k, &ev);
}

/* ---- the passport ------------------------------------------------------ */

/* The numbers as the source gives them, with the card's birth date
 * (YYYYMMDD → YYMMDD), checked before any chip sees them. */
static void check_mrz(struct kiosk *k)
{
    int rc = KOFU_E_INTERNAL;
    k->mrz_keys_ok = false;
    const char *bd = k->card ? k->card->attributes.birth_date : "";
    if (k->mrz_keys && strlen(bd) == 8) {
        explicit_bzero(k->mrz_keys, sizeof *k->mrz_keys);
        rc = k->mrz.ops->keys(k->mrz.ctx, k->mrz_keys);
        if (rc == KOFU_OK) {
            memcpy(k->mrz_keys->birth, bd + 2, MRZ_DATE_LEN);
            rc = mrz_keys_check(k->mrz_keys);
        }
        if (rc != KOFU_OK)
            explicit_bzero(k->mrz_keys, sizeof *k->mrz_keys);
    }
    k->mrz_keys_ok = rc == KOFU_OK;
    kiosk_post_result(k, SESSION_EV_MRZ_CHECKED, rc);
}

/* The passport must be the card holder's: the same birth date (the chip
 * opened with the card's, but DG1 is what is signed and sent). */
static bool same_person(const struct kenhojo_card_data *card, const struct mrtd_data *p)
{
    const char *bd = card->attributes.birth_date;
    return strlen(bd) == 8 && strlen(p->mrz.birth) == MRZ_DATE_LEN && memcmp(bd + 2, p->mrz.birth, MRZ_DATE_LEN) == 0;
}

static void read_passport(struct kiosk *k)
{
    struct kiosk_passport_call c = {.rd = &k->rd, .connected = k->connected, .keys = k->mrz_keys,
                                    .trust = k->passport_trust,
                                    .rc = k->reader_open ? KOFU_E_INTERNAL : KOFU_E_NO_READER};
    /* What a refused passport left in the vault goes at once. */
    size_t mark = vault_mark();
    if (k->card && k->mrz_keys && k->mrz_keys_ok && k->reader_open)
        kiosk_run_device_call(k, kiosk_read_passport, &c);
    k->connected = c.connected;
    /* One read per check: the keys are made again from the numbers next time. */
    if (k->mrz_keys)
        explicit_bzero(k->mrz_keys, sizeof *k->mrz_keys);
    k->mrz_keys_ok = false;
    int rc = c.rc;
    if (rc == KOFU_OK && (!c.res.data || !same_person(k->card, c.res.data)))
        rc = c.res.data ? KOFU_E_PASSPORT_OTHER_PERSON : KOFU_E_INTERNAL;
    kofu_log(rc == KOFU_OK ? KOFU_LOG_INFO : KOFU_LOG_ERROR, EV_CARD_READ, rc, c.res.apdus);
    if (rc == KOFU_E_PASSPORT_NOT_AUTHENTIC)
        kofu_log(KOFU_LOG_ERROR, EV_CARD_AUTH, rc, (uint32_t)c.res.why);
    if (rc == KOFU_OK) {
        k->passport = c.res.data;
    } else {
        k->passport = NULL;
        vault_release(mark);
    }
    kiosk_post_result(k, SESSION_EV_PASSPORT_READ, rc);
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
        /* The overseas certificate names the passport read at this visit
         * (the session reads one before it asks for overseas). */
        k->req.passport = a->cert_kind == CENTER_OVERSEAS ? k->passport : NULL;
        /* No consent on record, no request (the session never asks without one). */
        rc = *k->terms_agreed ? center_request_new_id(&k->req) : KOFU_E_INTERNAL;
        if (a->cert_kind == CENTER_OVERSEAS && !k->passport)
            rc = KOFU_E_INTERNAL; /* fail closed: never overseas without the passport read */
    }
    if (rc == KOFU_OK) {
        k->req_made = true;
        /* A refused answer is dropped whole: a resident sent back to choose
         * again (no-record, passport-not-registered) may ask several times
         * in one visit, each in the room of the last. */
        size_t mark = vault_mark();
        struct kiosk_request_call c = {.cc = k->cc, .trust = &k->trust, .req = &k->req, .card = k->card};
        kiosk_run_device_call(k, kiosk_request, &c);
        k->cert = c.cert;
        k->ver = c.ver;
        k->page = c.page;
        rc = c.rc;
        if (rc != KOFU_OK) {
            k->cert = NULL; /* its report names no certificate */
            k->ver = NULL;
            k->page = NULL;
            vault_release(mark);
        }
        /* The center has newer terms, or no longer serves a municipality
         * on the list: fetch /config now, so that the next resident agrees
         * to those terms and is not offered it (applied between visits:
         * the session holds indexes into the list). */
        if (rc == KOFU_E_TERMS_OUTDATED || rc == KOFU_E_MUNICIPALITY_NOT_PARTICIPATING)
            k->next_config_ms = 0;
    }
    kiosk_post_result(k, SESSION_EV_CENTER_RESULT, rc);
}

static void print_certificate(struct kiosk *k, const struct session_action *a)
{
    struct kiosk_print_call c = {.pr = &k->pr, .pdf = k->pdf.p, .len = k->pdf.len,
                                 .job_name = PRINTER_DEFAULT_JOB_NAME, .copies = a->copies,
                                 .timeout_ms = k->cfg.print_timeout_ms, .rc = KOFU_E_INTERNAL};
    if (k->pdf.len)
        kiosk_run_device_call(k, kiosk_print, &c);
    int rc = c.rc;
    kofu_log(KOFU_LOG_INFO, EV_PRINT, rc, (uint32_t)c.job_state);
    if (rc == KOFU_OK)
        k->printed += (unsigned)a->copies;
    kiosk_post_result(k, SESSION_EV_PRINT_RESULT, rc);
}

static void refund(struct kiosk *k, const struct session_action *a)
{
    struct kiosk_payment_call c = {.pay = &k->pay, .amount_yen = a->amount_yen, .rc = KOFU_E_INTERNAL};
    kiosk_run_device_call(k, kiosk_refund, &c);
    kiosk_payment_logged(c.rc, a->amount_yen);
    k->refunds += c.rc == KOFU_OK;
    kiosk_post_result(k, SESSION_EV_REFUND_RESULT, c.rc);
}

static void cancel_payment(struct kiosk *k)
{
    struct kiosk_payment_call c = {.pay = &k->pay, .rc = KOFU_E_INTERNAL};
    kiosk_run_device_call(k, kiosk_cancel_payment, &c);
    kiosk_payment_logged(c.rc, 0);
}

static void dispense_change(struct kiosk *k, const struct session_action *a)
{
    struct kiosk_payment_call c = {.pay = &k->pay, .amount_yen = a->amount_yen, .rc = KOFU_E_INTERNAL};
    kiosk_run_device_call(k, kiosk_dispense_change, &c);
    kiosk_payment_logged(c.rc, a->amount_yen);
    /* Change the device could not give is owed all the same: a receipt,
     * and the center told (a second report, refund-owed). */
    if (c.rc != KOFU_OK && a->amount_yen > 0) {
        kiosk_print_refund_receipt(k, a->amount_yen, KOFU_E_PAYMENT_CHANGE);
        struct session_action owed = *a;
        owed.kind = SESSION_ACT_REPORT_COMPLETION;
        owed.outcome = CENTER_REFUND_OWED;
        /* owed.copies stays the copies printed: the protocol's
         * copies_printed for a refund-owed after a good print. */
        kiosk_report_completion(k, &owed);
    }
}

/* ---- the PIN pad ------------------------------------------------------ */

/* A pad that cannot be shuffled would be the same for every resident, so
 * that taps seen from outside give the PIN: the visit is refused (an error
 * screen, the card reset, no PIN sent to it: CHECK_CARD's SELECT and
 * counter query went before) and no digit is taken. */
static void shuffle_pin_pad(struct kiosk *k)
{
    kiosk_forget_pin(&k->pin);
    int rc = k->hooks && k->hooks->shuffle_pin_pad ? k->hooks->shuffle_pin_pad(k->hooks_ctx, k->model.pin_layout)
                                                   : screens_shuffle_pin_pad(k->model.pin_layout);
    k->pin_pad_ok = rc == KOFU_OK;
    if (rc != KOFU_OK) {
        kofu_log(KOFU_LOG_ERROR, EV_SESSION, rc, (uint32_t)SESSION_ACT_SHUFFLE_PIN_PAD);
        kiosk_post_result(k, SESSION_EV_PIN_PAD_FAILED, rc);
    }
}

/* ---- carrying out ------------------------------------------------------ */

static void carry_out(struct kiosk *k, const struct session_action *a)
{
    int rc;
    double t0 = kofu_mono_ms_f();
    /* A pad that could not be shuffled is never shown nor announced: the
     * session's refusal (SESSION_EV_PIN_PAD_FAILED, queued) comes next. */
    bool pad_refused = k->s.state == SESSION_PIN && !k->pin_pad_ok;
    /* The vault keeps no more of the passport's numbers than the session
     * counts (a deleted character, a field cleared, the visit's end). */
    if (k->keypad)
        mrz_keypad_trim(k->keypad, a->mrz_len);
    switch (a->kind) {
    case SESSION_ACT_SHOW_SCREEN:
        if (!pad_refused)
            kiosk_show_screen(k, a);
        break;
    case SESSION_ACT_PLAY_PROMPT:
        if (!pad_refused)
            kiosk_play(k, a);
        break;
    case SESSION_ACT_CHECK_CARD:
        check_card(k);
        break;
    case SESSION_ACT_SHUFFLE_PIN_PAD:
        shuffle_pin_pad(k);
        break;
    case SESSION_ACT_CLEAR_PIN:
        kiosk_forget_pin(&k->pin);
        break;
    case SESSION_ACT_READ_CARD:
        read_card(k, a);
        k->t_read = kofu_mono_ms_f() - t0;
        break;
    case SESSION_ACT_RESET_CARD:
        kiosk_disconnect_card(k);
        break;
    case SESSION_ACT_REQUEST_CERTIFICATE:
        request_certificate(k, a);
        k->t_center = kofu_mono_ms_f() - t0;
        break;
    case SESSION_ACT_RENDER_PREVIEW:
        kiosk_post_result(k, SESSION_EV_PREVIEW_RESULT, kiosk_prepare_document(k));
        k->t_render = kofu_mono_ms_f() - t0;
        break;
    case SESSION_ACT_PAYMENT_ASK:
        k->last_inserted = 0;
        rc = k->pay.ops->ask(k->pay.ctx, a->amount_yen);
        kiosk_payment_logged(rc, a->amount_yen);
        if (rc != KOFU_OK)
            kiosk_post_result(k, SESSION_EV_PAYMENT_FAILED, rc);
        break;
    case SESSION_ACT_PAYMENT_CANCEL:
        cancel_payment(k);
        break;
    case SESSION_ACT_PAYMENT_DISPENSE_CHANGE:
        dispense_change(k, a);
        break;
    case SESSION_ACT_PAYMENT_REFUND:
        refund(k, a);
        break;
    case SESSION_ACT_PRINT:
        print_certificate(k, a);
        k->t_print = kofu_mono_ms_f() - t0;
        break;
    case SESSION_ACT_PRINT_REFUND_RECEIPT:
        kiosk_print_refund_receipt(k, a->amount_yen, a->err);
        break;
    case SESSION_ACT_REPORT_COMPLETION:
        kiosk_report_completion(k, a);
        break;
    case SESSION_ACT_WIPE:
        kiosk_wipe_visit(k);
        k->visits++;
        kiosk_state_visit_wiped(k);
        break;
    case SESSION_ACT_TERMS_AGREED:
        snprintf(k->terms_agreed, sizeof k->terms_agreed, "%s", k->terms_shown);
        break;
    case SESSION_ACT_CHECK_MRZ:
        check_mrz(k);
        break;
    case SESSION_ACT_READ_PASSPORT:
        read_passport(k);
        break;
    case SESSION_ACT__COUNT:
        break;
    }
}

void kiosk_run_queue(struct kiosk *k)
{
    while (k->q_len) {
        struct session_event ev = k->queue[k->q_head];
        k->q_head = (k->q_head + 1) % KIOSK_EVENTS_MAX;
        k->q_len--;
        enum session_state before = k->s.state;
        /* A card on the attract screen begins a visit: not while the
         * console's diagnostics run (state.c). */
        if (before == SESSION_IDLE && ev.kind == SESSION_EV_CARD_INSERTED && !kiosk_state_visit_may_begin(k))
            continue;
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
    kiosk_post(k, first);
    kiosk_run_queue(k);
}

void kiosk_input(struct kiosk *k, enum session_event_kind kind)
{
    struct session_event ev = kiosk_event_of(kind, KOFU_OK);
    kiosk_event(k, &ev);
}

void kiosk_tick(struct kiosk *k, int minute)
{
    struct session_event ev = kiosk_event_of(SESSION_EV_TICK, KOFU_OK);
    ev.minute_of_day = minute;
    kiosk_event(k, &ev);
}
