/*
 * test_print.h — the pages of the technician's test print (the caller is
 * kiosk/test_print.h): a status report and a sample certificate, rendered
 * together as one two-page A4 PDF in memory.
 *
 * Owns:
 * - page 1, the status report: title, version, board, when it was printed,
 *   one row per check (its name, its status marked so that it reads on a
 *   black-and-white printer — ○ 正常 OK, △ 注意 WARN in a box, × 異常 FAIL
 *   white on black — and its words in Japanese and English), and a QR code
 *   that holds the caller's JSON text exactly (the `kofu diag --json`
 *   object) for the support desk to scan;
 * - page 2, the sample: the real certificate layout (document_draw, overseas
 *   kind, so both its QR codes are printed) filled with fixed made-up words
 *   (見本　太郎 / SAMPLE TARO) and drawn as a specimen (document_data.sample:
 *   見本 / SAMPLE in the header, across the page and over each QR code);
 * - what the sample's QR codes hold (test_print_sample_jws,
 *   test_print_sample_seal): texts that say they are a test print, and
 *   that no verifier accepts (see test_print.c for why each is built as it
 *   is).
 *
 * The model is plain words and numbers (ui/ takes no diag.h, no JSON
 * library); nothing in it is a resident's. Pointers are borrowed for the
 * call.
 */
#ifndef KOFU_UI_TEST_PRINT_H
#define KOFU_UI_TEST_PRINT_H

#include "base/bytes.h"
#include "diag/diag_types.h"
#include "ui/document.h"
#include "ui/qr.h"

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The print job's name (a fixed word, printer_job_name_ok). */
#define TEST_PRINT_JOB_NAME "kofu-test-print"
/** The PDF's title (its metadata). */
#define TEST_PRINT_TITLE "キオスク診断レポート Kiosk status report"

/** One check's row on the report. */
struct test_print_row {
    const char *name;                  /* the check's name, e.g. "printer" */
    enum diag_status status;
    const char *summary_en, *summary_ja; /* its finding in a line; NULL counts as "" */
};

struct test_print_model {
    const char *version;    /* kofu's version */
    const char *board;      /* the board's name */
    int64_t printed_at;     /* Unix time, printed in the kiosk's local time */
    size_t n_rows;          /* 0..DIAG_CHECK__COUNT */
    struct test_print_row rows[DIAG_CHECK__COUNT];
    const char *status_json;  /* what the status QR holds, byte for byte (required, non-empty) */
    bool details_omitted;     /* status_json lacks some checks' details: the page says so */
};

/** Whether text fits the status QR: KOFU_OK, KOFU_E_QR_TOO_LARGE (beyond
 *  one version-40 symbol), KOFU_E_ARG (NULL or empty), KOFU_E_NOMEM. The
 *  symbol is qr_encode_bytes's: ECC M up to version 30, L beyond. */
int test_print_status_qr_fits(const char *text);

/** Draw page 1 onto cr in PostScript points (A4, as document_draw). The
 *  QR's modules are 0.5 mm where the page has room, never under 0.33 mm
 *  (docs/printing.md); the rows' type shrinks (to 70 %) to make that room.
 *  KOFU_OK; KOFU_E_ARG (a malformed model); KOFU_E_QR_TOO_LARGE (the JSON
 *  does not fit one symbol, or the symbol does not fit the page at
 *  0.33 mm); KOFU_E_FONT; KOFU_E_NOMEM; KOFU_E_RENDER. */
int test_print_draw_report(cairo_t *cr, const struct test_print_model *m, const struct document_fonts *f);

/** Draw page 2, the sample certificate, onto cr (as document_draw). */
int test_print_draw_sample(cairo_t *cr, const struct document_fonts *f);

/** Both pages as one two-page A4 PDF appended to out (rolled back on
 *  error). The errors of the two draw functions, KOFU_E_NOMEM when out is
 *  too small. */
int test_print_render_pdf(const struct test_print_model *m, const struct document_fonts *f, kofu_bld *out);

/** The sample's SMART Health Card QR holds "shc:/" and the digits of this
 *  JWS-shaped text (qr_encode_shc): exactly as dense as the densest card a
 *  certificate may carry. TEST_PRINT_SAMPLE_JWS_CAP bytes hold it. */
#define TEST_PRINT_SAMPLE_JWS_CAP (QR_SHC_MAX_JWS + 1)
/** The text into out; false when cap is too small. */
bool test_print_sample_jws(char *out, size_t cap);

/** The sample's VDS-NC QR holds this text (byte mode), as long as a
 *  three-dose seal from the center. */
#define TEST_PRINT_SAMPLE_SEAL_LEN 1200
#define TEST_PRINT_SAMPLE_SEAL_CAP (TEST_PRINT_SAMPLE_SEAL_LEN + 1)
bool test_print_sample_seal(char *out, size_t cap);

#endif
