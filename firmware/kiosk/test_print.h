/*
 * test_print.h — the technician's test print: a status report page (every
 * check's verdict, and a QR code holding the `kofu diag --json` object for
 * the support desk to scan) and a sample certificate marked 見本 / SAMPLE on
 * every part, whose QR codes decode to a payload that says it is a test
 * print and that no verifier accepts as a SMART Health Card. Print quality
 * is judged on site by scanning both.
 *
 * Owns: kiosk_test_print, used by the service mode (service.c) and by
 * `kofu diag --print` on the console. The pages are drawn by ui/ from the
 * report's words; no resident's data is on them (the sample's person is
 * fixed, made-up words).
 */
#ifndef KOFU_KIOSK_TEST_PRINT_H
#define KOFU_KIOSK_TEST_PRINT_H

#include "diag/diag.h"
#include "drivers/printer.h"
#include "ui/document.h"

#include <stddef.h>
#include <stdint.h>

/** Render the two pages from report r (board_name as in its JSON) with
 *  fonts into a PDF in memory: *pdf (malloc'd, the caller's to free; no
 *  resident data is in it) of *len bytes. Uses cairo and pango: on the
 *  thread that draws (the kiosk's main thread). */
int kiosk_test_print_render(const struct diag_report *r, const char *board_name, const struct document_fonts *fonts,
                            uint8_t **pdf, size_t *len);

/** Render (as above) and print the pages as one job (ui/test_print.h's
 *  TEST_PRINT_JOB_NAME) on pr within timeout_ms: the console's way, one
 *  thread. KOFU_OK when the printer completed the job; the render's or
 *  printer's kofu_err otherwise. */
int kiosk_test_print(const struct diag_report *r, const char *board_name, const struct document_fonts *fonts,
                     const struct printer *pr, int timeout_ms);

#endif
