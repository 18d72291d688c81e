/* test_print.c — see test_print.h. */
#include "ui/test_print.h"

#include "base/b64.h"
#include "base/errors.h"
#include "ui/text_layout.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define MM(x) ((x) * 72.0 / 25.4)

/* ---- what the sample's QR codes hold ---------------------------------- */

/* The sample's SMART Health Card. Why a `shc:/` code and not plain words:
 * the certificate's layout draws its first code with qr_encode_shc, and the
 * test print is there to show that this printer prints such a code well
 * enough to scan; a short plain-text code would be a far coarser symbol. So
 * the code is a card-shaped text at the full density a card may have
 * (QR_SHC_MAX_JWS characters: version 22, ECC L, as on the certificate),
 * which no verifier can take for a SMART Health Card:
 * - the signature is 64 zero bytes: r = s = 0 is outside [1, n−1], so no
 *   key at all verifies it (ES256 refuses it before any arithmetic);
 * - the kid, of a thumbprint's form, spells out that it is no key's: a
 *   kid is a key's SHA-256 thumbprint, and finding a key whose thumbprint
 *   is these chosen words is a SHA-256 preimage; so no key set has it;
 * - the issuer is a name under .invalid (RFC 2606), which never resolves:
 *   no verifier can fetch its keys, and no allow list has it;
 * - the payload has no `vc` (no health-card type, no FHIR bundle): a reader
 *   that skipped the signature would still find no card, only the words
 *   "kofu_test_print": "SAMPLE 見本 — not a certificate".
 * The header is a card's (ES256, zip DEF) so that a reader decodes it as
 * one, refuses it as above, and a person who inflates the payload (a
 * stored DEFLATE block: the words are right there) reads what it is. */
#define SAMPLE_KID "SAMPLE-kofu-test-print-not-a-key-0000000000"
_Static_assert(sizeof SAMPLE_KID - 1 == 43, "a kid has the form of a SHA-256 thumbprint: 43 characters");
static const char sample_header[] = "{\"alg\":\"ES256\",\"zip\":\"DEF\",\"kid\":\"" SAMPLE_KID "\"}";
static const char sample_payload_head[] =
    "{\"kofu_test_print\":\"SAMPLE 見本 — not a certificate\","
    "\"iss\":\"https://test-print.kofu.invalid\","
    "\"note\":\"端末の試し印刷です。接種記録ではなく、有効な署名もありません。"
    "A kiosk's test print: no vaccination record, no valid signature.\","
    "\"filler\":\"";
static const char sample_payload_tail[] = "\"}";
static const char filler_words[] = "SAMPLE-";

/* JSON text of exactly n bytes: the head, filler to length, the tail. */
static bool sample_json(char *out, size_t n, const char *head, const char *tail)
{
    size_t hl = strlen(head), tl = strlen(tail);
    if (n < hl + tl)
        return false;
    memcpy(out, head, hl);
    for (size_t i = 0; i < n - hl - tl; i++)
        out[hl + i] = filler_words[i % (sizeof filler_words - 1)];
    memcpy(out + n - tl, tail, tl);
    return true;
}

bool test_print_sample_jws(char *out, size_t cap)
{
    if (!out || cap < TEST_PRINT_SAMPLE_JWS_CAP)
        return false;
    size_t hlen = b64_encoded_len(sizeof sample_header - 1, true);
    const size_t sig_len = 86; /* 64 bytes */
    size_t room = QR_SHC_MAX_JWS - hlen - sig_len - 2;
    /* The longest payload whose base64url fits the room. */
    size_t n = room * 3 / 4;
    uint8_t payload[QR_SHC_MAX_JWS];
    size_t json_len = n - 5;
    if (!sample_json((char *)payload + 5, json_len, sample_payload_head, sample_payload_tail))
        return false;
    /* One stored (uncompressed) DEFLATE block: BFINAL, BTYPE 00, LEN, NLEN. */
    payload[0] = 0x01;
    payload[1] = (uint8_t)(json_len & 0xFF);
    payload[2] = (uint8_t)(json_len >> 8);
    payload[3] = (uint8_t)(~json_len & 0xFF);
    payload[4] = (uint8_t)((~json_len >> 8) & 0xFF);
    uint8_t sig[64] = {0};
    size_t k = 0;
    if (!b64_encode((const uint8_t *)sample_header, sizeof sample_header - 1, out, cap, true))
        return false;
    k = strlen(out);
    out[k++] = '.';
    if (!b64_encode(payload, n, out + k, cap - k, true))
        return false;
    k += strlen(out + k);
    out[k++] = '.';
    if (!b64_encode(sig, sizeof sig, out + k, cap - k, true))
        return false;
    return true;
}

/* The sample's VDS-NC code: no seal at all (no data, no sig: every VDS-NC
 * verifier stops at its shape), only words that say what it is, padded to
 * a real seal's length so that the symbol is as dense as one. */
static const char seal_head[] = "{\"kofu_test_print\":\"SAMPLE 見本 — not a certificate\","
                                "\"note\":\"端末の試し印刷です。接種記録ではありません。"
                                "A kiosk's test print, not a vaccination record.\","
                                "\"filler\":\"";

bool test_print_sample_seal(char *out, size_t cap)
{
    if (!out || cap < TEST_PRINT_SAMPLE_SEAL_CAP)
        return false;
    if (!sample_json(out, TEST_PRINT_SAMPLE_SEAL_LEN, seal_head, sample_payload_tail))
        return false;
    out[TEST_PRINT_SAMPLE_SEAL_LEN] = '\0';
    return true;
}

/* ---- page 2: the sample certificate ----------------------------------- */

int test_print_draw_sample(cairo_t *cr, const struct document_fonts *f)
{
    if (!cr || !f)
        return KOFU_E_ARG;
    char jws[TEST_PRINT_SAMPLE_JWS_CAP], seal[TEST_PRINT_SAMPLE_SEAL_CAP];
    if (!test_print_sample_jws(jws, sizeof jws) || !test_print_sample_seal(seal, sizeof seal))
        return KOFU_E_INTERNAL;
    struct document_data d = {
        .kind = DOCUMENT_OVERSEAS,
        .name = "見本　太郎",
        .name_roman = "SAMPLE TARO",
        .birth_date = "2000-01-01",
        .nationality = "日本 / Japan",
        .passport_number = "XX0000000",
        .n_doses = 3,
        .issuer_ja = "見本市",
        .issuer_en = "Sample City",
        .mayor_ja = "市長　見本　花子",
        .mayor_en = "Mayor SAMPLE HANAKO",
        .certificate_id = "SAMPLE-0000-0000",
        .issue_date = "2000-01-01",
        .shc_jws = jws,
        .vds_seal = seal,
        .sample = true,
    };
    static const char *const dates[] = {"2000-01-01", "2000-02-01", "2000-08-01"};
    for (size_t i = 0; i < 3; i++)
        d.doses[i] = (struct document_dose){.date = dates[i],
                                            .product_ja = "見本ワクチン",
                                            .product_en = "Sample vaccine",
                                            .manufacturer_ja = "見本製薬",
                                            .manufacturer_en = "Sample Pharma",
                                            .lot = "SAMPLE",
                                            .country_ja = "日本",
                                            .country_en = "Japan"};
    return document_draw(cr, &d, f);
}

/* ---- page 1: the status report ---------------------------------------- */

#define MARGIN MM(15.0)
#define PAGE_W (DOCUMENT_PAGE_WIDTH_PT - 2 * MARGIN)
#define PAGE_BOTTOM (DOCUMENT_PAGE_HEIGHT_PT - MARGIN)
#define COL_NAME 84.0
#define COL_STATUS 86.0
/* The status QR: modules of 0.5 mm where there is room, 0.33 mm at least
 * (docs/printing.md: what a phone reads off a laser print); no wider than
 * this, beside its words. */
#define QR_MODULE_WANT MM(0.5)
#define QR_MODULE_MIN MM(0.33)
#define QR_SIDE_MAX MM(100.0)

static const double row_scales[] = {1.0, 0.9, 0.8, 0.7};

struct pen {
    cairo_t *cr;
    PangoContext *pc;
    const struct document_fonts *f;
    bool draw;
    double k; /* the rows' scale */
};

/* Text w wide at (x, y) in grey; returns its height (measures only when
 * not drawing). */
static double put(struct pen *p, double size, bool bold, double grey, const char *t, double x, double y, double w)
{
    if (!t || !t[0])
        return 0.0;
    const struct text_style st = {.bold = bold, .size = size, .width = w, .align = PANGO_ALIGN_LEFT};
    PangoLayout *l = text_layout_new(p->pc, p->f, NULL, &st, t, NULL);
    if (!l)
        return 0.0;
    int lw, lh;
    pango_layout_get_size(l, &lw, &lh);
    if (p->draw) {
        cairo_set_source_rgb(p->cr, grey, grey, grey);
        cairo_move_to(p->cr, x, y);
        pango_cairo_show_layout(p->cr, l);
    }
    g_object_unref(l);
    return (double)lh / PANGO_SCALE;
}

static void rule(struct pen *p, double y, double width)
{
    if (!p->draw)
        return;
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_set_line_width(p->cr, width);
    cairo_move_to(p->cr, MARGIN, y);
    cairo_line_to(p->cr, MARGIN + PAGE_W, y);
    cairo_stroke(p->cr);
}

/* The status in words and a shape that survive a monochrome print: ok
 * plain, warn in an outlined box, fail white on black. Returns its height. */
static double status_mark(struct pen *p, enum diag_status s, double size, double x, double y)
{
    static const char *const words[] = {"○ 正常 OK", "△ 注意 WARN", "× 異常 FAIL"};
    int i = s == DIAG_OK ? 0 : s == DIAG_WARN ? 1 : 2;
    double pad = 2.5;
    bool drawing = p->draw;
    p->draw = false;
    double h = put(p, size, true, 0, words[i], x + pad, y + pad, COL_STATUS - 2 * pad - 6) + 2 * pad;
    p->draw = drawing;
    if (drawing && s != DIAG_OK) {
        cairo_rectangle(p->cr, x, y, COL_STATUS - 6, h);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        if (s == DIAG_FAIL) {
            cairo_fill(p->cr);
        } else {
            cairo_set_line_width(p->cr, 1.2);
            cairo_stroke(p->cr);
        }
    }
    put(p, size, true, s == DIAG_FAIL ? 1.0 : 0.0, words[i], x + pad, y + pad, COL_STATUS - 2 * pad - 6);
    return h;
}

static double row(struct pen *p, const struct test_print_row *r, double y)
{
    double k = p->k, pad = 4.0 * k;
    double sx = MARGIN + COL_NAME + COL_STATUS, sw = PAGE_W - COL_NAME - COL_STATUS;
    double h = put(p, 10.5 * k, true, 0, r->name, MARGIN, y + pad + 2, COL_NAME - 6);
    h = fmax(h, status_mark(p, r->status, 9.5 * k, MARGIN + COL_NAME, y + pad));
    double th = put(p, 9.5 * k, false, 0.05, r->summary_ja, sx, y + pad, sw);
    th += put(p, 8.5 * k, false, 0.30, r->summary_en, sx, y + pad + th, sw);
    h = fmax(h, th) + 2 * pad;
    if (p->draw) {
        cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
        cairo_set_line_width(p->cr, 0.5);
        cairo_move_to(p->cr, MARGIN, y + h);
        cairo_line_to(p->cr, MARGIN + PAGE_W, y + h);
        cairo_stroke(p->cr);
    }
    return h;
}

static enum diag_status worst(const struct test_print_model *m)
{
    enum diag_status w = DIAG_OK;
    for (size_t i = 0; i < m->n_rows; i++)
        if (m->rows[i].status > w)
            w = m->rows[i].status;
    return w;
}

/* Everything above the QR block; returns the y below it. */
static double report_top(struct pen *p, const struct test_print_model *m)
{
    double y = MARGIN;
    y += put(p, 22, true, 0, "キオスク診断レポート", MARGIN, y, PAGE_W);
    y += put(p, 15, false, 0.2, "Kiosk status report", MARGIN, y, PAGE_W) + 6;
    rule(p, y, 1.5);
    y += 8;

    char when[64] = "-", line[512];
    time_t t = (time_t)m->printed_at;
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", &tm);
    snprintf(line, sizeof line, "バージョン Version: %s　　ボード Board: %s　　印刷日時 Printed: %s", m->version,
             m->board, when);
    y += put(p, 10.5, false, 0, line, MARGIN, y, PAGE_W) + 6;

    size_t n[3] = {0, 0, 0};
    for (size_t i = 0; i < m->n_rows; i++)
        n[m->rows[i].status]++;
    double ox = MARGIN;
    y += fmax(put(p, 11, true, 0, "総合判定 Overall:", ox, y + 2.5, COL_NAME + 20),
              status_mark(p, worst(m), 10.5, ox + COL_NAME + 20, y));
    snprintf(line, sizeof line, "検査 %zu 件（異常 %zu、注意 %zu）　%zu checks: %zu fail, %zu warn", m->n_rows, n[2], n[1],
             m->n_rows, n[2], n[1]);
    y += 4;
    y += put(p, 9.5, false, 0.2, line, MARGIN, y, PAGE_W) + 8;

    /* The table's head, then the rows. */
    put(p, 8.5, false, 0.3, "検査 Check", MARGIN, y, COL_NAME);
    put(p, 8.5, false, 0.3, "結果 Status", MARGIN + COL_NAME, y, COL_STATUS);
    y += put(p, 8.5, false, 0.3, "所見 Finding", MARGIN + COL_NAME + COL_STATUS, y, PAGE_W - COL_NAME - COL_STATUS);
    y += 2;
    rule(p, y, 0.8);
    for (size_t i = 0; i < m->n_rows; i++)
        y += row(p, &m->rows[i], y);
    return y + 12;
}

/* The QR block from y: the code on the left at side, its words beside it. */
static void report_qr(struct pen *p, const struct test_print_model *m, const QRcode *qr, double side, double y)
{
    double tx = MARGIN + side + MM(6.0), tw = PAGE_W - side - MM(6.0);
    if (p->draw)
        qr_draw(p->cr, qr, MARGIN, y, side);
    double ty = y + MM(2.0);
    ty += put(p, 11, true, 0, "サポート窓口用の二次元コード", tx, ty, tw);
    ty += put(p, 9.5, false, 0.2, "QR code for the support desk", tx, ty, tw) + 6;
    ty += put(p, 9, false, 0,
              "読み取ると、この端末の診断結果（kofu diag --json と同じ JSON）になります。"
              "サポート窓口で読み取ってください。",
              tx, ty, tw) + 2;
    ty += put(p, 8.5, false, 0.3,
              "Scanned, it gives this kiosk's diagnostics as the JSON object of `kofu diag --json`. "
              "For the support desk to scan.",
              tx, ty, tw) + 6;
    if (m->details_omitted) {
        ty += put(p, 9, false, 0, "一つのコードに収まらないため、一部の検査の詳細を省略しています（detail_omitted）。", tx, ty,
                  tw) + 2;
        ty += put(p, 8.5, false, 0.3,
                  "Some checks' details are left out to fit one code (\"detail_omitted\": true); "
                  "names and statuses are all there.",
                  tx, ty, tw) + 6;
    }
    ty += put(p, 9, false, 0,
              "印刷品質の確認：このコードと見本（2枚目）のコードがスマートフォンで読み取れること。", tx, ty,
              tw) + 2;
    put(p, 8.5, false, 0.3, "Print quality: this code and the sample's (page 2) should scan with a phone.", tx, ty,
        tw);
}

static bool model_ok(const struct test_print_model *m)
{
    if (!m->version || !m->board || !m->status_json || !m->status_json[0] || m->n_rows > DIAG_CHECK__COUNT)
        return false;
    for (size_t i = 0; i < m->n_rows; i++) {
        const struct test_print_row *r = &m->rows[i];
        if (!r->name || (r->status != DIAG_OK && r->status != DIAG_WARN && r->status != DIAG_FAIL))
            return false;
    }
    return true;
}

int test_print_status_qr_fits(const char *text)
{
    if (!text || !text[0])
        return KOFU_E_ARG;
    QRcode *qr = NULL;
    int rc = qr_encode_bytes((const uint8_t *)text, strlen(text), &qr);
    qr_free(qr);
    return rc;
}

int test_print_draw_report(cairo_t *cr, const struct test_print_model *m, const struct document_fonts *f)
{
    if (!cr || !m || !f || !model_ok(m))
        return KOFU_E_ARG;
    if (!f->fontmap)
        return KOFU_E_FONT;
    QRcode *qr = NULL;
    int rc = qr_encode_bytes((const uint8_t *)m->status_json, strlen(m->status_json), &qr);
    if (rc != KOFU_OK)
        return rc;
    struct pen p = {.cr = cr, .f = f, .pc = pango_font_map_create_context((PangoFontMap *)f->fontmap)};
    if (!p.pc) {
        qr_free(qr);
        return KOFU_E_NOMEM;
    }
    pango_cairo_update_context(cr, p.pc);
    pango_context_set_language(p.pc, pango_language_from_string("ja"));

    int modules = qr_total_modules(qr);
    rc = KOFU_E_QR_TOO_LARGE;
    for (size_t i = 0; i < sizeof row_scales / sizeof row_scales[0]; i++) {
        p.k = row_scales[i];
        p.draw = false;
        double y = report_top(&p, m);
        double room = PAGE_BOTTOM - y;
        double side = fmin(fmin(room, QR_SIDE_MAX), fmax(MM(30.0), modules * QR_MODULE_WANT));
        if (side < modules * QR_MODULE_MIN)
            continue;
        p.draw = true;
        cairo_save(cr);
        report_top(&p, m);
        report_qr(&p, m, qr, side, y);
        cairo_restore(cr);
        rc = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? KOFU_OK : KOFU_E_RENDER;
        break;
    }
    g_object_unref(p.pc);
    qr_free(qr);
    return rc;
}

/* ---- both pages ------------------------------------------------------- */

struct pages {
    const struct test_print_model *m;
    const struct document_fonts *f;
};

static int draw_page(cairo_t *cr, const void *arg, int page)
{
    const struct pages *p = arg;
    return page == 0 ? test_print_draw_report(cr, p->m, p->f) : test_print_draw_sample(cr, p->f);
}

int test_print_render_pdf(const struct test_print_model *m, const struct document_fonts *f, kofu_bld *out)
{
    if (!m || !f || !out)
        return KOFU_E_ARG;
    struct pages p = {m, f};
    return document_render_pdf_pages(draw_page, &p, 2, TEST_PRINT_TITLE, out);
}
