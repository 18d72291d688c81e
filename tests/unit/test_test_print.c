/* test_test_print.c — the technician's test print (ui/test_print.h,
 * kiosk/test_print.h), rendered into memory and read back by independent
 * tools: poppler (pdfinfo, pdftotext, pdftoppm) and zbarimg; the sample's
 * codes given to kofu's own verifiers under the test PKI's real trust.
 *
 * kiosk_test_print is driven with a printer whose print() keeps the PDF
 * (the ops struct is the seam; the real printer is the integration test's,
 * tests/integration/test_test_print.c).
 *
 * With KOFU_TEST_PRINT_REVIEW_DIR set, also leaves the PDF and its pages as
 * PNGs there for a person to look at. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cairo-pdf.h>
#include <jansson.h>
#include <zlib.h>

#include "base/b64.h"
#include "base/errors.h"
#include "base/vault.h"
#include "base/version.h"
#include "diag/diag.h"
#include "kiosk/test_print.h"
#include "tests/lib/files.h"
#include "tests/lib/proc.h"
#include "tests/lib/testprint.h"
#include "tests/lib/tmp.h"
#include "ui/document.h"
#include "ui/qr.h"
#include "ui/qr_numeric.h"
#include "ui/test_print.h"

static char dir[64];
static struct document_fonts fonts;

/* ---- a printer that keeps what it is given ---- */

static struct {
    uint8_t *pdf;
    size_t len;
    int calls, copies, timeout_ms;
    char job[64];
    int rc; /* what print() answers */
} got;

static int keep_print(void *ctx, const uint8_t *pdf, size_t len, const char *job_name, int copies, int timeout_ms,
                      struct printer_job_result *result)
{
    (void)ctx, (void)result;
    free(got.pdf);
    got.pdf = malloc(len);
    assert_non_null(got.pdf);
    memcpy(got.pdf, pdf, len);
    got.len = len;
    got.calls++;
    got.copies = copies;
    got.timeout_ms = timeout_ms;
    snprintf(got.job, sizeof got.job, "%s", job_name ? job_name : "");
    return got.rc;
}

static const struct printer_ops keep_ops = {.print = keep_print};
static const struct printer keeper = {&keep_ops, NULL};

static void reset_printer(void)
{
    free(got.pdf);
    memset(&got, 0, sizeof got);
}

/* ---- reading back ---- */

static char *run_out(const char *cmd)
{
    char *out = NULL;
    size_t len;
    assert_int_equal(kt_run(cmd, &out, &len), 0);
    return out;
}

/* pdftotext's words of page p without white space (it breaks lines as it sees fit). */
static char *page_words(const char *pdf, int p)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -f %d -l %d %s - 2>/dev/null", p, p, pdf);
    char *t = run_out(cmd), *w = t;
    for (char *r = t; *r; r++) {
        if (*r == ' ' || *r == '\n' || *r == '\f' || *r == '\t')
            continue;
        if ((unsigned char)r[0] == 0xE3 && (unsigned char)r[1] == 0x80 && (unsigned char)r[2] == 0x80) {
            r += 2;
            continue;
        }
        *w++ = *r;
    }
    *w = '\0';
    return t;
}

static void assert_has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("missing from the page's text: \"%s\"", needle);
}

/* The printed PDF into dir/name.pdf, its pages rasterised at dpi. */
static void save_and_rasterise(const char *name, int dpi, char *pdf, size_t cap)
{
    snprintf(pdf, cap, "%s/%s.pdf", dir, name);
    assert_true(kt_write_file(pdf, got.pdf, got.len));
    char base[256];
    snprintf(base, sizeof base, "%s/%s", dir, name);
    assert_true(kt_pdf_to_pngs(pdf, dpi, base));
}

static char *codes_of(const char *name, int page, size_t *len, int *n)
{
    char png[256];
    snprintf(png, sizeof png, "%s/%s-%d.png", dir, name, page);
    char *c = kt_zbar_codes(png, len, n);
    assert_non_null(c);
    return c;
}

/* The status QR's text is exactly want, and parses as the same object. */
static void assert_status_qr(const char *name, const char *want)
{
    size_t len;
    int n;
    char *c = codes_of(name, 1, &len, &n);
    assert_int_equal(n, 1);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(c, want, len);
    json_error_t e;
    json_t *a = json_loadb(c, len, 0, &e), *b = json_loads(want, 0, &e);
    assert_non_null(a);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    free(c);
}

static char *compact(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    assert_non_null(s);
    return s;
}

/* ---- the whole print, healthy path ---- */

static void test_print_reads_back(void **state)
{
    (void)state;
    struct diag_report r;
    kt_diag_report_fill(&r);
    reset_printer();
    assert_int_equal(kiosk_test_print(&r, "sim", &fonts, &keeper, 4321), KOFU_OK);
    assert_int_equal(got.calls, 1);
    assert_string_equal(got.job, TEST_PRINT_JOB_NAME);
    assert_int_equal(got.copies, 1);
    assert_int_equal(got.timeout_ms, 4321);

    char pdf[256];
    save_and_rasterise("whole", 200, pdf, sizeof pdf);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdfinfo %s 2>/dev/null", pdf);
    char *info = run_out(cmd);
    assert_has(info, "Pages:           2\n");
    assert_has(info, "Page size:       595.276 x 841.89 pts (A4)");
    free(info);

    /* Page 1: the status QR is the --json object, byte for byte. */
    json_t *j = diag_report_json(&r, "sim");
    char *want = compact(j);
    assert_status_qr("whole", want);
    assert_null(strstr(want, "detail_omitted"));
    free(want);
    json_decref(j);

    /* ... and its words: every check, each status in words, both languages. */
    char *w1 = page_words(pdf, 1);
    assert_has(w1, "キオスク診断レポート");
    assert_has(w1, "Kioskstatusreport");
    assert_has(w1, "sim");
    assert_has(w1, KOFU_VERSION);
    for (size_t i = 0; i < r.n; i++)
        assert_has(w1, diag_check_name(r.checks[i].id));
    assert_has(w1, "○正常OK");
    assert_has(w1, "△注意WARN");
    assert_has(w1, "×異常FAIL");
    assert_has(w1, "トナー残量わずか：黒トナーを手配してください");
    assert_has(w1, "Tonerlow:orderablacktonercartridge");
    assert_has(w1, "検査12件（異常1、注意2）");
    free(w1);

    /* Page 2: a specimen; its words say so. */
    char *w2 = page_words(pdf, 2);
    assert_has(w2, "見本");
    assert_has(w2, "SAMPLE");
    assert_has(w2, "太郎"); /* pdftotext takes the name's ideographic space for a column gap */
    assert_has(w2, "SAMPLETARO");
    assert_has(w2, "証明書ではありません");
    free(w2);

    /* Its two codes: each says it is a test print, neither is accepted. */
    size_t len;
    int n;
    char *c = codes_of("whole", 2, &len, &n);
    assert_int_equal(n, 2);
    char *shc = NULL, *seal = NULL;
    assert_true(kt_split_sample_codes(c, len, &shc, &seal));
    int rc;
    /* The real issuer's key set, and even the sample's own issuer allowed:
     * refused, because no key has the sample's kid... */
    assert_int_equal(kt_shc_verdict(shc, "https://test-print.kofu.invalid", false, &rc), SHC_REASON_KID_UNKNOWN);
    assert_int_equal(rc, KOFU_E_CENTER_RESPONSE);
    /* ... and, with the real issuer's kid put in its header, because its
     * signature is none. */
    assert_int_equal(kt_shc_verdict(shc, "https://test-print.kofu.invalid", true, &rc), SHC_REASON_SIGNATURE_FORM);
    assert_int_equal(rc, KOFU_E_CENTER_RESPONSE);
    assert_int_equal(kt_vds_verdict(seal, &rc), VDS_REASON_SHAPE);
    assert_int_equal(rc, KOFU_E_CENTER_RESPONSE);
    json_t *sj = json_loads(seal, 0, NULL);
    assert_non_null(sj);
    assert_non_null(strstr(json_string_value(json_object_get(sj, "kofu_test_print")), "SAMPLE 見本"));
    json_decref(sj);
    free(shc);
    free(seal);
    free(c);
    diag_report_free(&r);
}

/* The sample's SHC code: as dense as the densest card (version 22), and
 * what its payload says once inflated. */
static void test_sample_shc_payload(void **state)
{
    (void)state;
    char jws[TEST_PRINT_SAMPLE_JWS_CAP];
    assert_true(test_print_sample_jws(jws, sizeof jws));
    assert_false(test_print_sample_jws(jws, sizeof jws - 1));
    size_t n = strlen(jws);
    assert_true(n <= QR_SHC_MAX_JWS && n >= QR_SHC_MAX_JWS - 3);
    QRcode *qr = NULL;
    assert_int_equal(qr_encode_shc(jws, &qr), KOFU_OK);
    assert_int_equal(qr->version, QR_SHC_MAX_VERSION);
    qr_free(qr);

    const char *d1 = strchr(jws, '.'), *d2 = strrchr(jws, '.');
    assert_true(d1 && d2 && d1 < d2);
    uint8_t hdr[256], body[QR_SHC_MAX_JWS], sig[80];
    size_t hl, bl, sl;
    assert_true(b64_decode(jws, (size_t)(d1 - jws), hdr, sizeof hdr, &hl, true));
    assert_true(b64_decode(d1 + 1, (size_t)(d2 - d1 - 1), body, sizeof body, &bl, true));
    assert_true(b64_decode(d2 + 1, strlen(d2 + 1), sig, sizeof sig, &sl, true));
    json_t *h = json_loadb((const char *)hdr, hl, 0, NULL);
    assert_non_null(h);
    assert_string_equal(json_string_value(json_object_get(h, "zip")), "DEF");
    assert_string_equal(json_string_value(json_object_get(h, "alg")), "ES256");
    json_decref(h);
    assert_int_equal(sl, 64);
    for (size_t i = 0; i < sl; i++)
        assert_int_equal(sig[i], 0);

    /* Raw DEFLATE, inflated by zlib: a JSON object with the words, no card. */
    char text[QR_SHC_MAX_JWS + 1];
    z_stream z = {0};
    assert_int_equal(inflateInit2(&z, -15), Z_OK);
    z.next_in = body;
    z.avail_in = (uInt)bl;
    z.next_out = (Bytef *)text;
    z.avail_out = sizeof text - 1;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.avail_in, 0);
    text[z.total_out] = '\0';
    inflateEnd(&z);
    json_t *p = json_loads(text, 0, NULL);
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "kofu_test_print")), "SAMPLE 見本 — not a certificate");
    assert_string_equal(json_string_value(json_object_get(p, "iss")), "https://test-print.kofu.invalid");
    assert_null(json_object_get(p, "vc"));
    json_decref(p);

    char seal[TEST_PRINT_SAMPLE_SEAL_CAP];
    assert_true(test_print_sample_seal(seal, sizeof seal));
    assert_int_equal(strlen(seal), TEST_PRINT_SAMPLE_SEAL_LEN);
    json_t *s = json_loads(seal, 0, NULL);
    assert_non_null(s);
    assert_null(json_object_get(s, "data"));
    assert_null(json_object_get(s, "sig"));
    json_decref(s);
}

/* 見本 / SAMPLE on each QR code's area: below each 見本 word of page 2 (its
 * box from pdftotext -bbox), the raster cut to a code's width and height
 * is decoded; the two codes of the page must each be found right under a
 * 見本 mark. (zbarimg 0.23 gives no positions, so the cut does the
 * locating.) */
static void test_sample_marks_on_every_code(void **state)
{
    (void)state;
    struct diag_report r;
    kt_diag_report_fill(&r);
    reset_printer();
    assert_int_equal(kiosk_test_print(&r, "sim", &fonts, &keeper, 1000), KOFU_OK);
    diag_report_free(&r);
    char pdf[256];
    snprintf(pdf, sizeof pdf, "%s/marks.pdf", dir);
    assert_true(kt_write_file(pdf, got.pdf, got.len));

    char cmd[768];
    snprintf(cmd, sizeof cmd, "pdftotext -f 2 -l 2 -bbox %s - 2>/dev/null", pdf);
    char *bbox = run_out(cmd);
    bool shc_found = false, seal_found = false;
    int cuts = 0;
    for (const char *q = bbox; (q = strstr(q, "<word ")); q++) {
        double wx0, wy0, wx1, wy1;
        assert_int_equal(sscanf(q, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &wx0, &wy0, &wx1, &wy1),
                         4);
        const char *gt = strchr(q, '>');
        if (!gt || strncmp(gt + 1, "見本<", strlen("見本<")) != 0)
            continue;
        /* The mark is centred over its code with SAMPLE after it: the cut
         * is 150 pt wide around the pair (a code is at most 50 mm), from
         * the mark's foot down 150 pt. */
        const char *next = strstr(gt, "<word xMin=\"");
        double sx1 = wx1;
        if (next)
            sscanf(strstr(next, "xMax=\"") + 6, "%lf", &sx1);
        double cx = (wx0 + sx1) / 2;
        const double dpi = 200, k = dpi / 72;
        snprintf(cmd, sizeof cmd, "pdftoppm -r %.0f -f 2 -l 2 -x %d -y %d -W %d -H %d -png -singlefile %s %s/cut 2>/dev/null",
                 dpi, (int)((cx - 75) * k), (int)(wy1 * k), (int)(150 * k), (int)(150 * k), pdf, dir);
        free(run_out(cmd));
        char png[128];
        snprintf(png, sizeof png, "%s/cut.png", dir);
        size_t len;
        int n = 0;
        char *c = kt_zbar_codes(png, &len, &n);
        cuts++;
        if (!c)
            continue;
        assert_int_equal(n, 1);
        if (len > 5 && memcmp(c, "shc:/", 5) == 0)
            shc_found = true;
        else if (len > 0 && c[0] == '{')
            seal_found = true;
        free(c);
    }
    assert_true(cuts >= 2);
    assert_true(shc_found);
    assert_true(seal_found);
    free(bbox);
}

/* A report whose JSON cannot fit one code: details go, ok checks' first,
 * and the page says so; every name and status stays. */
static void test_details_dropped_to_fit(void **state)
{
    (void)state;
    struct diag_report r;
    kt_diag_report_fill(&r);
    /* The log check (ok) with a big detail, the center check (fail) a
     * modest one. */
    json_t *big = json_array();
    for (int i = 0; i < 120; i++)
        json_array_append_new(big, json_pack("{s:s, s:i}", "code", "printer-media-empty", "count", i));
    json_object_set_new(r.checks[DIAG_CHECK_LOG].detail, "errors_by_hour", big);

    json_t *full = diag_report_json(&r, "sim");
    char *full_text = compact(full);
    assert_int_equal(test_print_status_qr_fits(full_text), KOFU_E_QR_TOO_LARGE);
    free(full_text);

    reset_printer();
    assert_int_equal(kiosk_test_print(&r, "sim", &fonts, &keeper, 1000), KOFU_OK);
    char pdf[256];
    save_and_rasterise("dropped", 200, pdf, sizeof pdf);

    /* Expected: the log check's detail replaced by the flag, the rest whole. */
    json_t *log = json_array_get(json_object_get(full, "checks"), DIAG_CHECK_LOG);
    json_object_del(log, "detail");
    json_object_set_new(log, "detail_omitted", json_true());
    char *want = compact(full);
    assert_status_qr("dropped", want);
    free(want);
    json_decref(full);

    char *w1 = page_words(pdf, 1);
    assert_has(w1, "detail_omitted");
    free(w1);
    diag_report_free(&r);
}

/* Bad calls print nothing; a printer's error is the caller's. */
static void test_bad_calls_and_printer_errors(void **state)
{
    (void)state;
    struct diag_report r;
    kt_diag_report_fill(&r);
    reset_printer();
    assert_int_equal(kiosk_test_print(NULL, "sim", &fonts, &keeper, 1000), KOFU_E_ARG);
    assert_int_equal(kiosk_test_print(&r, NULL, &fonts, &keeper, 1000), KOFU_E_ARG);
    assert_int_equal(kiosk_test_print(&r, "sim", NULL, &keeper, 1000), KOFU_E_ARG);
    assert_int_equal(kiosk_test_print(&r, "sim", &fonts, NULL, 1000), KOFU_E_ARG);
    struct diag_report bad = r;
    bad.checks[3].id = (enum diag_check_id)99;
    assert_int_equal(kiosk_test_print(&bad, "sim", &fonts, &keeper, 1000), KOFU_E_ARG);
    struct document_fonts none;
    memset(&none, 0, sizeof none);
    assert_int_equal(kiosk_test_print(&r, "sim", &none, &keeper, 1000), KOFU_E_FONT);
    assert_int_equal(got.calls, 0);

    got.rc = KOFU_E_PRINTER_MEDIA_EMPTY;
    assert_int_equal(kiosk_test_print(&r, "sim", &fonts, &keeper, 1000), KOFU_E_PRINTER_MEDIA_EMPTY);
    assert_int_equal(got.calls, 1);

    /* An empty report still prints: no rows, its QR {"checks":[]...}. */
    struct diag_report empty = {0};
    got.rc = KOFU_OK;
    assert_int_equal(kiosk_test_print(&empty, "sim", &fonts, &keeper, 1000), KOFU_OK);
    assert_int_equal(got.calls, 2);
    diag_report_free(&r);

    /* The model's own checks. */
    struct test_print_model m = {.version = "0", .board = "sim", .status_json = ""};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(NULL, NULL, 595, 842);
    cairo_t *cr = cairo_create(s);
    assert_int_equal(test_print_draw_report(cr, &m, &fonts), KOFU_E_ARG);
    m.status_json = "{}";
    m.n_rows = 1;
    m.rows[0] = (struct test_print_row){.name = "reader", .status = (enum diag_status)7};
    assert_int_equal(test_print_draw_report(cr, &m, &fonts), KOFU_E_ARG);
    m.rows[0].status = DIAG_OK;
    assert_int_equal(test_print_draw_report(cr, &m, &fonts), KOFU_OK);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    assert_int_equal(test_print_status_qr_fits(NULL), KOFU_E_ARG);
}

static void test_review(void **state)
{
    (void)state;
    const char *review = getenv("KOFU_TEST_PRINT_REVIEW_DIR");
    if (!review || !review[0])
        return;
    struct diag_report r;
    kt_diag_report_fill(&r);
    reset_printer();
    assert_int_equal(kiosk_test_print(&r, "sim", &fonts, &keeper, 1000), KOFU_OK);
    diag_report_free(&r);
    char path[512];
    snprintf(path, sizeof path, "%s/test-print.pdf", review);
    assert_true(kt_write_file(path, got.pdf, got.len));
    char base[512];
    snprintf(base, sizeof base, "%s/test-print", review);
    assert_true(kt_pdf_to_pngs(path, 100, base));
    print_message("review: %s/test-print.pdf (%zu bytes), test-print-1.png, test-print-2.png\n", review, got.len);
}

/* See test_document.c: fontconfig's one-off leak at configuration time. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

static int group_setup(void **state)
{
    (void)state;
    static const char *const tools[] = {"zbarimg", "pdfinfo", "pdftotext", "pdftoppm"};
    for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
        if (!kt_have(tools[i])) {
            fprintf(stderr, "test_test_print: %s (zbar-tools, poppler-utils) is needed\n", tools[i]);
            return -1;
        }
    }
    if (vault_init(2u << 20) != KOFU_OK || !kt_tempdir(dir, sizeof dir, "test-print"))
        return -1;
    return document_fonts_init(&fonts) == KOFU_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    reset_printer();
    document_fonts_free(&fonts);
    kt_rmdir_flat(dir);
    vault_destroy();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_reads_back),
        cmocka_unit_test(test_sample_shc_payload),
        cmocka_unit_test(test_sample_marks_on_every_code),
        cmocka_unit_test(test_details_dropped_to_fit),
        cmocka_unit_test(test_bad_calls_and_printer_errors),
        cmocka_unit_test(test_review),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
