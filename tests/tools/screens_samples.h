/*
 * screens_samples.h — representative models of every kiosk screen, shared
 * by the screens review tool (tests/tools/screens_review.c), the unit test
 * (tests/unit/test_screens.c), the bench (tests/bench/bench_screens.c) and
 * the image test's eye (tests/lib/screen_read.c: its references), so that
 * all of them look at the same frames. Synthetic data only: a
 * made-up resident (山田　太郎, born 1980-02-17) on the preview, public
 * municipality names.
 *
 * Header-only (static inline) so each program stays one source file.
 */
#ifndef KOFU_SCREENS_SAMPLES_H
#define KOFU_SCREENS_SAMPLES_H

#include "ui/document.h"
#include "base/errors.h"
#include "ui/screens.h"
#include "ui/service_screens.h"
#include "tests/lib/docs.h"

#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Terms of use as a center sends them (synthetic): several paragraphs,
 * several pages on a kiosk screen; and a short one that fits one page. */
static const char samples_terms_ja[] =
    "コンビニ交付サービス 利用規約（見本）\n"
    "第1条 この規約は、マイナンバーカードを利用して接種証明書をキオスク端末で交付するサービスの利用条件を定めます。\n"
    "第2条 本サービスは、カードの券面事項入力補助用アプリケーションから、個人番号、氏名、住所、生年月日及び性別を"
    "読み取ります。読み取りには暗証番号（数字4桁）が必要です。\n"
    "第3条 読み取った情報は、接種記録の照会と証明書の発行のためにのみ、暗号化された通信で証明書交付センターに送信されます。\n"
    "第4条 キオスク端末は、読み取った情報と証明書の内容を手続の終了時に消去し、保存しません。\n"
    "第5条 証明書の交付には、画面に表示される手数料が必要です。印刷できなかったときは返金します。\n"
    "第6条 他人のカードを利用すること、及びサービスの運用を妨げる行為を禁止します。\n"
    "第7条 天災、通信障害その他やむを得ない事由によりサービスを提供できない場合があります。\n"
    "第8条 「同意する」を押した時点で、この規約に同意したものとみなします。同意しない場合は、カードを読み取らずに終了します。\n"
    "第9条 この規約は、必要に応じて変更することがあります。変更後の規約は、この画面に表示した時から効力を生じます。\n"
    "第10条 本サービスに関するお問い合わせは、お住まいの市区町村の窓口までお願いします。";
static const char samples_terms_en[] =
    "Terms of use of the kiosk certificate service (sample)\n"
    "1. These terms govern the issuing of vaccination certificates at this kiosk with a My Number card.\n"
    "2. The kiosk reads, from the card's application for basic information input support, your Individual "
    "Number, name, address, date of birth and sex. Reading requires the card's 4-digit PIN.\n"
    "3. What is read is sent, over an encrypted connection, only to the certificate center, to look up your "
    "vaccination record and to issue the certificate.\n"
    "4. The kiosk erases what it read and the certificate's contents when the procedure ends, and keeps none of it.\n"
    "5. A certificate costs the fee shown on the screen. If it cannot be printed, the money is returned.\n"
    "6. Using another person's card, and anything that disrupts the service, are prohibited.\n"
    "7. The service may be unavailable because of disasters, network failures or other unavoidable causes.\n"
    "8. Pressing Agree means that you agree to these terms. If you do not agree, the card is not read and the "
    "procedure ends.\n"
    "9. These terms may change. Changed terms apply from the time they are shown on this screen.\n"
    "10. For questions about the service, please contact your municipal office.";
static const char samples_terms_short_ja[] = "見本の利用規約です。カードの情報は証明書の発行にのみ使います。";
static const char samples_terms_short_en[] = "Sample terms: the card's data is used only to issue the certificate.";

/* Short list: one page. */
static const struct center_municipality samples_munis_short[] = {
    {"131016", "東京都千代田区", "Chiyoda City, Tokyo"},
    {"131024", "東京都中央区", "Chuo City, Tokyo"},
    {"141003", "神奈川県横浜市", "Yokohama City, Kanagawa"},
    {"271004", "大阪府大阪市", "Osaka City, Osaka"},
};

/* Long list: pages, and long names. */
static const struct center_municipality samples_munis_long[] = {
    {"131016", "東京都千代田区", "Chiyoda City, Tokyo"},
    {"131024", "東京都中央区", "Chuo City, Tokyo"},
    {"131032", "東京都港区", "Minato City, Tokyo"},
    {"131041", "東京都新宿区", "Shinjuku City, Tokyo"},
    {"131059", "東京都文京区", "Bunkyo City, Tokyo"},
    {"131067", "東京都台東区", "Taito City, Tokyo"},
    {"131075", "東京都墨田区", "Sumida City, Tokyo"},
    {"131083", "東京都江東区", "Koto City, Tokyo"},
    {"131091", "東京都品川区", "Shinagawa City, Tokyo"},
    {"131105", "東京都目黒区", "Meguro City, Tokyo"},
    {"131113", "東京都大田区", "Ota City, Tokyo"},
    {"131121", "東京都世田谷区", "Setagaya City, Tokyo"},
    {"463469", "鹿児島県熊毛郡屋久島町", "Yakushima Town, Kumage District, Kagoshima"},
    {"014001", "北海道虻田郡ニセコ町", "Niseko Town, Abuta District, Hokkaido"},
};

#define SAMPLES_N(a) (sizeof(a) / sizeof((a)[0]))

/* Every error a resident can meet (all but the usage error KOFU_E_ARG). */
static const int samples_errors[] = {
    KOFU_E_INTERNAL, KOFU_E_NOMEM, KOFU_E_CONFIG, KOFU_E_VAULT, KOFU_E_TIMEOUT,
    KOFU_E_NO_SERVICE, KOFU_E_NO_READER, KOFU_E_READER_GONE, KOFU_E_NO_CARD, KOFU_E_CARD_REMOVED,
    KOFU_E_CARD_COMM, KOFU_E_CARD_BUSY, KOFU_E_NOT_MYNA, KOFU_E_CARD_STATUS, KOFU_E_PIN_FORMAT,
    KOFU_E_PIN_WRONG, KOFU_E_PIN_BLOCKED, KOFU_E_PIN_NOT_CONFIRMED, KOFU_E_CARD_DATA,
    KOFU_E_NOT_AUTHENTIC, KOFU_E_CENTER_UNREACHABLE, KOFU_E_TLS_UNTRUSTED, KOFU_E_TLS_EXPIRED,
    KOFU_E_TLS_HOSTNAME, KOFU_E_TLS_SELF_SIGNED, KOFU_E_TLS_PROTOCOL, KOFU_E_TLS_CLIENT_REFUSED,
    KOFU_E_CENTER_RESPONSE, KOFU_E_CENTER_BUSY, KOFU_E_NO_RECORD, KOFU_E_MUNICIPALITY_NOT_PARTICIPATING,
    KOFU_E_CENTER_CARD_NOT_AUTHENTIC, KOFU_E_PASSPORT_NOT_REGISTERED, KOFU_E_OUTSIDE_HOURS,
    KOFU_E_CENTER_BAD_REQUEST, KOFU_E_CERT_NOT_AUTHENTIC, KOFU_E_CERT_OTHER_PERSON, KOFU_E_FONT,
    KOFU_E_QR_TOO_LARGE, KOFU_E_RENDER, KOFU_E_DOC_UNPRINTABLE, KOFU_E_PRINTER_UNREACHABLE,
    KOFU_E_PRINTER_NOT_READY, KOFU_E_PRINTER_MEDIA_EMPTY, KOFU_E_PRINTER_MEDIA_JAM,
    KOFU_E_PRINTER_DOOR_OPEN, KOFU_E_PRINTER_TONER_EMPTY, KOFU_E_PRINTER_OFFLINE, KOFU_E_PRINTER_REFUSED,
    KOFU_E_PRINT_ABORTED, KOFU_E_PRINT_CANCELLED, KOFU_E_PRINT_TIMEOUT, KOFU_E_PAYMENT_DEVICE,
    KOFU_E_PAYMENT_REFUND, KOFU_E_PAYMENT_CHANGE, KOFU_E_DISPLAY, KOFU_E_INPUT, KOFU_E_AUDIO,
};

struct screens_sample {
    char variant[64];
    struct screens_model m;
};

/* A model with the usual kiosk data: 120 yen a copy, 06:30–23:00, up to
 * 10 copies, an identity pad layout. */
static inline struct screens_model samples_base(enum session_screen sc, enum kofu_lang lang)
{
    struct screens_model m;
    memset(&m, 0, sizeof m);
    m.screen = sc;
    m.lang = lang;
    m.tries_left = -1;
    m.pin_tries_max = 3;
    m.municipality = -1;
    m.cert_kind = CENTER_DOMESTIC;
    m.copies = 1;
    m.max_copies = 10;
    m.fee_per_copy_yen = 120;
    m.open_minute = 6 * 60 + 30;
    m.close_minute = 23 * 60;
    m.municipalities = samples_munis_short;
    m.n_municipalities = SAMPLES_N(samples_munis_short);
    static const unsigned char pad[10] = {7, 3, 9, 0, 5, 1, 8, 2, 6, 4};
    memcpy(m.pin_layout, pad, sizeof pad);
    m.progress_step = 3;
    m.terms_ja = samples_terms_ja;
    m.terms_en = samples_terms_en;
    return m;
}

static inline void samples_add(struct screens_sample *out, size_t cap, size_t *n, const char *variant,
                               const struct screens_model *m)
{
    if (*n >= cap)
        return;
    snprintf(out[*n].variant, sizeof out[*n].variant, "%s", variant);
    out[*n].m = *m;
    (*n)++;
}

/** Every sample for lang into out (at most cap); returns how many. The
 *  CONFIRM samples use preview (may be NULL) and one NULL placeholder. */
static inline size_t screens_samples(struct screens_sample *out, size_t cap, enum kofu_lang lang,
                                     cairo_surface_t *preview)
{
    size_t n = 0;
    struct screens_model m;
#define ADD(variant) samples_add(out, cap, &n, variant, &m)
    m = samples_base(SESSION_SCREEN_IDLE, lang);
    ADD("attract");
    m.open_minute = m.close_minute = 0;
    ADD("24h");
    m = samples_base(SESSION_SCREEN_IDLE, lang);
    m.fee_per_copy_yen = 0;
    ADD("free");
    m = samples_base(SESSION_SCREEN_CLOSED, lang);
    m.err = KOFU_E_OUTSIDE_HOURS;
    ADD("outside-hours");
    m.err = KOFU_E_CONFIG;
    ADD("out-of-service");
    m = samples_base(SESSION_SCREEN_CARD_PLACED, lang);
    ADD("checking");
    m = samples_base(SESSION_SCREEN_SERVICE, lang);
    ADD("choose");
    m = samples_base(SESSION_SCREEN_PIN, lang);
    ADD("0-digits");
    m.pin_digits = 3;
    ADD("3-digits");
    m.pin_digits = 0;
    m.tries_left = 2;
    m.err = KOFU_E_PIN_WRONG;
    ADD("wrong-2-left");
    m = samples_base(SESSION_SCREEN_PIN_LAST_TRY, lang);
    m.tries_left = 1;
    ADD("confirm");
    m = samples_base(SESSION_SCREEN_READING, lang);
    ADD("reading");
    m = samples_base(SESSION_SCREEN_TAKE_CARD, lang);
    m.card_on_reader = true;
    ADD("take");
    m = samples_base(SESSION_SCREEN_MUNICIPALITY, lang);
    ADD("none-selected");
    m.municipality = 2;
    ADD("preselected");
    m.municipalities = samples_munis_long;
    m.n_municipalities = SAMPLES_N(samples_munis_long);
    m.municipality = 7;
    m.municipality_page = 1;
    ADD("long-page2");
    m.municipality = -1;
    m.municipality_page = 2;
    ADD("long-page3-longnames");
    m.err = KOFU_E_NO_RECORD; /* sent back to choose another */
    ADD("long-no-record");
    m = samples_base(SESSION_SCREEN_MUNICIPALITY, lang);
    m.err = KOFU_E_NO_RECORD;
    ADD("no-record");
    m = samples_base(SESSION_SCREEN_KIND_COPIES, lang);
    ADD("domestic-1");
    m.cert_kind = CENTER_OVERSEAS;
    m.copies = 2;
    ADD("overseas-2");
    m.copies = 10;
    ADD("overseas-max");
    m.fee_per_copy_yen = 0;
    ADD("free-max");
    m = samples_base(SESSION_SCREEN_KIND_COPIES, lang);
    m.copies = 10;
    m.err = KOFU_E_PASSPORT_NOT_REGISTERED; /* sent back, domestic selected */
    ADD("passport-refused");
    m = samples_base(SESSION_SCREEN_REQUESTING, lang);
    ADD("asking");
    m = samples_base(SESSION_SCREEN_CONFIRM, lang);
    m.copies = 2;
    m.amount_yen = 240;
    m.preview = preview;
    ADD("preview");
    m.preview = NULL;
    m.cert_kind = CENTER_OVERSEAS;
    ADD("placeholder");
    m.preview = preview;
    m.fee_per_copy_yen = 0;
    m.amount_yen = 0;
    ADD("free");
    m = samples_base(SESSION_SCREEN_PAYMENT, lang);
    m.copies = 2;
    m.amount_yen = 240;
    m.inserted_yen = 100;
    ADD("partly-paid");
    m.copies = 10;
    m.amount_yen = 1200;
    m.inserted_yen = 0;
    ADD("1200-unpaid");
    m = samples_base(SESSION_SCREEN_PRINTING, lang);
    ADD("printing");
    m = samples_base(SESSION_SCREEN_TAKE_CERTIFICATE, lang);
    m.amount_yen = 760;
    ADD("with-change");
    m.amount_yen = 0;
    ADD("no-change");
    m = samples_base(SESSION_SCREEN_REFUNDING, lang);
    m.amount_yen = 1000;
    ADD("refunding");
    for (size_t i = 0; i < SAMPLES_N(samples_errors); i++) {
        for (int card = 0; card < 2; card++) {
            char v[64];
            m = samples_base(SESSION_SCREEN_ERROR, lang);
            m.err = samples_errors[i];
            m.card_on_reader = card;
            snprintf(v, sizeof v, "%s%s", kofu_err_name(m.err), card ? "-card" : "");
            samples_add(out, cap, &n, v, &m);
        }
    }
    m = samples_base(SESSION_SCREEN_REFUNDED, lang);
    m.err = KOFU_OK;
    m.amount_yen = 1000;
    ADD("cancelled");
    m.err = KOFU_E_PRINTER_MEDIA_EMPTY;
    m.amount_yen = 240;
    ADD("printer-media-empty");
    m = samples_base(SESSION_SCREEN_REFUND_RECEIPT, lang);
    m.err = KOFU_E_PRINT_ABORTED;
    m.amount_yen = 1240;
    ADD("print-aborted");
    m = samples_base(SESSION_SCREEN_TIMEOUT_WARNING, lang);
    m.seconds_left = 15;
    ADD("15s");
    m.seconds_left = 0;
    ADD("no-count");
    m = samples_base(SESSION_SCREEN_PLEASE_WAIT, lang);
    ADD("slow");
    m = samples_base(SESSION_SCREEN_TERMS, lang);
    ADD("first-page");
    m.terms_page = 1;
    ADD("second-page");
    m.terms_page = 99; /* clamped to the last */
    ADD("last-page");
    m.terms_page = 0;
    m.terms_ja = samples_terms_short_ja;
    m.terms_en = samples_terms_short_en;
    ADD("one-page");
    /* The passport's numbers (synthetic: the brief's test holder). */
    static const char *const mrz_full[SESSION_MRZ__FIELDS] = {"TZ1234567", "4", "310331", "2"};
    static const char *const mrz_short[SESSION_MRZ__FIELDS] = {"AB12345", "", "", ""};
    m = samples_base(SESSION_SCREEN_PASSPORT_NUMBERS, lang);
    ADD("empty");
    for (int i = 0; i < SESSION_MRZ__FIELDS; i++)
        m.mrz_text[i] = mrz_short[i];
    m.mrz_len[SESSION_MRZ_DOCNO] = 7;
    m.mrz_field = SESSION_MRZ_DOCNO_CD;
    ADD("short-number");
    for (int i = 0; i < SESSION_MRZ__FIELDS; i++) {
        m.mrz_text[i] = mrz_full[i];
        m.mrz_len[i] = (int)strlen(mrz_full[i]);
    }
    m.mrz_field = SESSION_MRZ_EXPIRY_CD;
    ADD("complete");
    m = samples_base(SESSION_SCREEN_PASSPORT_CHECK, lang);
    m.err = KOFU_E_PASSPORT_KEYS;
    ADD("keys");
    m.err = KOFU_E_MRZ_FORMAT;
    ADD("mrz-format");
    m = samples_base(SESSION_SCREEN_PASSPORT_PLACE, lang);
    ADD("place");
    m.err = KOFU_E_PASSPORT_SM;
    ADD("place-again");
    m = samples_base(SESSION_SCREEN_PASSPORT_READING, lang);
    ADD("reading");
    m = samples_base(SESSION_SCREEN_TAKE_PASSPORT, lang);
    ADD("take");
    m.err = KOFU_E_PASSPORT_NOT_AUTHENTIC;
    ADD("not-authentic");
    m.err = KOFU_E_PASSPORT_OTHER_PERSON;
    ADD("other-person");
    m = samples_base(SESSION_SCREEN_ERROR, lang);
    m.err = KOFU_E_PASSPORT_KEYS;
    m.card_on_reader = true;
    m.passport = true;
    ADD("passport-keys-passport");
#undef ADD
    return n;
}

/* ---- a synthetic certificate for the CONFIRM preview ---- */


/** The preview a kiosk would show on a width × height screen: a synthetic
 *  domestic certificate drawn with document_draw into an image surface of
 *  screens_preview_size. NULL on failure. */
static inline cairo_surface_t *screens_sample_preview(int width, int height)
{
    int pw = 0, ph = 0;
    if (screens_preview_size(width, height, &pw, &ph) != KOFU_OK)
        return NULL;
    struct document_fonts fonts;
    if (document_fonts_init(&fonts) != KOFU_OK)
        return NULL;
    char *jws = kt_synthetic_jws(900);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    double k = fmin(pw / DOCUMENT_PAGE_WIDTH_PT, ph / DOCUMENT_PAGE_HEIGHT_PT);
    cairo_translate(cr, (pw - DOCUMENT_PAGE_WIDTH_PT * k) / 2, (ph - DOCUMENT_PAGE_HEIGHT_PT * k) / 2);
    cairo_scale(cr, k, k);
    struct document_data d;
    memset(&d, 0, sizeof d);
    d.kind = DOCUMENT_DOMESTIC;
    d.name = "山田　太郎";
    d.birth_date = "1980-02-17";
    d.n_doses = 3;
    static const char *const dates[] = {"2021-06-01", "2021-06-22", "2022-01-15"};
    static const char *const lots[] = {"FA4597", "FC3661", "FK0108"};
    for (size_t i = 0; i < 3; i++) {
        d.doses[i].date = dates[i];
        d.doses[i].product_ja = "コミナティ筋注";
        d.doses[i].product_en = "Comirnaty";
        d.doses[i].manufacturer_ja = "ファイザー";
        d.doses[i].manufacturer_en = "Pfizer";
        d.doses[i].lot = lots[i];
        d.doses[i].country_ja = "日本";
        d.doses[i].country_en = "Japan";
    }
    d.issuer_ja = "東京都千代田区";
    d.issuer_en = "Chiyoda City, Tokyo";
    d.mayor_ja = "区長　千代田　一郎";
    d.certificate_id = "JP-131016-2026-000001";
    d.issue_date = "2026-11-27";
    d.shc_jws = jws;
    int rc = jws ? document_draw(cr, &d, &fonts) : KOFU_E_NOMEM;
    cairo_destroy(cr);
    free(jws);
    document_fonts_free(&fonts);
    if (rc != KOFU_OK) {
        cairo_surface_destroy(s);
        return NULL;
    }
    cairo_surface_flush(s);
    return s;
}


/* ---- the service mode's screens (ui/service_screens.h) ---- */

struct service_sample {
    const char *variant;
    struct service_model m;
};

/* The twelve checks after a run: every status, the longest words. */
static inline void service_sample_checks(struct service_model *m, bool ran)
{
    static const char *const names[] = {"reader", "printer", "center", "credentials", "clock", "payment",
                                        "audio", "display", "touch", "spool", "vault", "log"};
    static const int status[] = {DIAG_WARN, DIAG_FAIL, DIAG_OK, DIAG_WARN, DIAG_OK, DIAG_OK,
                                 DIAG_OK, DIAG_OK, DIAG_WARN, DIAG_OK, DIAG_OK, DIAG_OK};
    static const char *const ja[] = {
        "カードが読取機に残っています：取り除いてください", "用紙切れ：A4用紙を補給してください", "正常",
        "端末証明書の有効期限まで5日：更新してください", "正常", "正常", "正常", "正常",
        "タッチ位置のずれ 24 px：デバイスツリーで校正してください", "正常", "正常", "正常"};
    static const char *const en[] = {
        "A card is left in the reader: take it out", "Out of paper: load A4 paper", "OK",
        "The kiosk certificate expires in 5 days: renew it", "OK", "OK", "OK", "OK",
        "Touch offset 24 px: calibrate it in the device tree", "OK", "OK", "OK"};
    m->n_checks = 12;
    for (size_t i = 0; i < 12; i++) {
        m->checks[i].name = names[i];
        m->checks[i].status = ran ? status[i] : -1;
        m->checks[i].summary_ja = ran ? ja[i] : "";
        m->checks[i].summary_en = ran ? en[i] : "";
    }
}

static inline size_t service_samples(struct service_sample *out, size_t cap, int width, int height)
{
    size_t n = 0;
    struct service_model base;
    memset(&base, 0, sizeof base);
    base.version = "0.2.0";
    base.board = "sim";
    base.code_min = 6;
    for (int i = 0; i < 10; i++)
        base.pad_layout[i] = (unsigned char)i;
    base.touch_x[0] = 60;
    base.touch_y[0] = 60;
    base.touch_x[1] = width - 61;
    base.touch_y[1] = 60;
    base.touch_x[2] = 60;
    base.touch_y[2] = height - 61;
    base.touch_x[3] = width - 61;
    base.touch_y[3] = height - 61;
    base.touch_x[4] = width / 2;
    base.touch_y[4] = height / 2;
#define SVC_ADD(name, ...)                                                                                       \
    do {                                                                                                         \
        if (n < cap) {                                                                                           \
            out[n].variant = name;                                                                               \
            out[n].m = base;                                                                                     \
            struct service_model *m = &out[n].m;                                                                 \
            __VA_ARGS__;                                                                                         \
            n++;                                                                                                 \
        }                                                                                                        \
    } while (0)
    SVC_ADD("empty", m->screen = SERVICE_SCREEN_ENTER_ID);
    SVC_ADD("typed", m->screen = SERVICE_SCREEN_ENTER_ID; m->technician = 12345678; m->id_digits = 8);
    SVC_ADD("denied", m->screen = SERVICE_SCREEN_ENTER_ID; m->err = KOFU_E_SERVICE_DENIED);
    SVC_ADD("damaged-file", m->screen = SERVICE_SCREEN_ENTER_ID; m->err = KOFU_E_CONFIG);
    SVC_ADD("shuffled", m->screen = SERVICE_SCREEN_ENTER_CODE; m->technician = 4711; m->code_len = 12;
            static const unsigned char l[10] = {7, 3, 0, 9, 1, 5, 8, 2, 6, 4};
            memcpy(m->pad_layout, l, 10));
    SVC_ADD("locked", m->screen = SERVICE_SCREEN_LOCKED_OUT; m->err = KOFU_E_SERVICE_LOCKED; m->lockout_seconds = 900);
    SVC_ADD("verifying", m->screen = SERVICE_SCREEN_VERIFYING; m->technician = 4711);
    SVC_ADD("not-run", m->screen = SERVICE_SCREEN_MENU; m->technician = 4711; service_sample_checks(m, false));
    SVC_ADD("ran", m->screen = SERVICE_SCREEN_MENU; m->technician = 4711; service_sample_checks(m, true));
    SVC_ADD("print-failed", m->screen = SERVICE_SCREEN_MENU; m->technician = 4711; service_sample_checks(m, true);
            m->err = KOFU_E_PRINTER_MEDIA_EMPTY);
    SVC_ADD("reset-done", m->screen = SERVICE_SCREEN_MENU; m->technician = 4711; service_sample_checks(m, true);
            m->reset_done = true);
    SVC_ADD("running", m->screen = SERVICE_SCREEN_RUNNING; m->technician = 4711);
    SVC_ADD("printing", m->screen = SERVICE_SCREEN_PRINTING; m->technician = 4711);
    static const char *const lines[] = {
        "reader_name: Virtual PCD 00 00", "card_present: true", "atr: 3B 8A 80 01 80 31 B8 73 84 01 E0 82 90 00 06",
        "pcscd: reachable", "taps[0]: target 60,60 tap 62,57 offset +2,-3", "taps[1]: target 1219,60 tap 1243,60 offset +24,+0",
        "taps[2]: target 60,739 tap 61,741 offset +1,+2", "taps[3]: target 1219,739 tap 1220,738 offset +1,-1",
        "taps[4]: target 640,400 tap 640,400 offset +0,+0", "max_offset_px: 24", "threshold_px: 20",
        "width: 1280", "height: 800", "kind: x11"};
    SVC_ADD("touch-warn", m->screen = SERVICE_SCREEN_DETAIL; m->technician = 4711; service_sample_checks(m, true);
            m->detail = 8; m->n_detail_lines = 14; memcpy(m->detail_lines, lines, sizeof lines));
    SVC_ADD("not-run", m->screen = SERVICE_SCREEN_DETAIL; m->technician = 4711; service_sample_checks(m, false);
            m->detail = 3);
    SVC_ADD("ask", m->screen = SERVICE_SCREEN_AUDIO_CONFIRM; m->technician = 4711);
    SVC_ADD("bars", m->screen = SERVICE_SCREEN_DISPLAY_PATTERN; m->pattern = 0);
    SVC_ADD("grid", m->screen = SERVICE_SCREEN_DISPLAY_PATTERN; m->pattern = 1);
    SVC_ADD("white", m->screen = SERVICE_SCREEN_DISPLAY_PATTERN; m->pattern = 2);
    SVC_ADD("black", m->screen = SERVICE_SCREEN_DISPLAY_PATTERN; m->pattern = 3);
    SVC_ADD("ask", m->screen = SERVICE_SCREEN_DISPLAY_CONFIRM; m->technician = 4711);
    SVC_ADD("first", m->screen = SERVICE_SCREEN_TOUCH_TEST; m->technician = 4711);
    SVC_ADD("three-taps", m->screen = SERVICE_SCREEN_TOUCH_TEST; m->technician = 4711; m->touch_next = 3;
            m->n_taps = 3; m->tap_x[0] = 62; m->tap_y[0] = 57; m->tap_x[1] = width - 37; m->tap_y[1] = 60;
            m->tap_x[2] = 61; m->tap_y[2] = height - 59);
    SVC_ADD("ask", m->screen = SERVICE_SCREEN_RESET_CONFIRM; m->technician = 4711);
#undef SVC_ADD
    return n;
}

#endif
