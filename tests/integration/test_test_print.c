/* test_test_print.c — the technician's test print (kiosk/test_print.h)
 * through a real printer: kiosk_test_print sends it to ippeveprinter over
 * ipps:// (the test PKI's printer CA pinned, as the kiosk does); the copy
 * the printer received (tests/printer/ippcmd.sh keeps it as job-N.pdf) is
 * rasterised by poppler and its QR codes decoded by zbarimg: the status QR
 * is the `kofu diag --json` object of the report given, and the sample's
 * codes are refused by kofu's own verifiers under the test PKI's trust.
 * Also: a printer out of paper gets nothing and the caller hears why.
 *
 * Run under tests/sandbox.sh. */
#include "base/errors.h"
#include "base/vault.h"
#include "diag/diag.h"
#include "drivers/printer.h"
#include "drivers/printer/ipp.h"
#include "kiosk/test_print.h"
#include "tests/lib/files.h"
#include "tests/lib/proc.h"
#include "tests/lib/testprint.h"
#include "tests/printer/printer_harness.h"
#include "ui/test_print.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

static struct printer_peer peer;
static struct document_fonts fonts;
static struct printer pr;

/* The one job-N.pdf the printer received, into path; false if not one. */
static bool received_pdf(char *path, size_t cap)
{
    char names[4096] = "";
    static const char *const except[] = {NULL};
    int n = printer_peer_list_dir(peer.received, except, names, sizeof names);
    char *pdf = NULL;
    int pdfs = 0;
    for (char *save = NULL, *t = strtok_r(names, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        size_t l = strlen(t);
        if (l > 4 && strcmp(t + l - 4, ".pdf") == 0) {
            pdf = t;
            pdfs++;
        }
    }
    if (n < 0 || pdfs != 1)
        return false;
    snprintf(path, cap, "%s/%s", peer.received, pdf);
    return true;
}

static void clear_received(void)
{
    char names[4096] = "", path[700];
    printer_peer_list_dir(peer.received, NULL, names, sizeof names);
    for (char *save = NULL, *t = strtok_r(names, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        snprintf(path, sizeof path, "%s/%s", peer.received, t);
        unlink(path);
    }
}

static void test_printed_and_read_back(void **state)
{
    (void)state;
    clear_received();
    struct diag_report r;
    kt_diag_report_fill(&r);
    assert_int_equal(kiosk_test_print(&r, "sim", &fonts, &pr, 20000), KOFU_OK);

    char pdf[700], base[720], png[740], cmd[1600], *out = NULL;
    size_t len;
    assert_true(received_pdf(pdf, sizeof pdf));
    /* The job's name and copies, as ippcmd.sh saw them. */
    char env[720];
    snprintf(env, sizeof env, "%.*s.env", (int)(strlen(pdf) - 4), pdf);
    char *e = kt_read_file(env, NULL);
    assert_non_null(e);
    assert_non_null(strstr(e, TEST_PRINT_JOB_NAME));
    free(e);
    snprintf(cmd, sizeof cmd, "pdfinfo %s 2>/dev/null", pdf);
    assert_int_equal(kt_run(cmd, &out, &len), 0);
    assert_non_null(strstr(out, "Pages:           2\n"));
    free(out);

    snprintf(base, sizeof base, "%s/read", peer.dir);
    assert_true(kt_pdf_to_pngs(pdf, 200, base));

    /* Page 1: the status QR is the report's --json object, compact. */
    snprintf(png, sizeof png, "%s-1.png", base);
    int n = 0;
    char *c = kt_zbar_codes(png, &len, &n);
    assert_non_null(c);
    assert_int_equal(n, 1);
    json_t *j = diag_report_json(&r, "sim");
    char *want = json_dumps(j, JSON_COMPACT);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(c, want, len);
    json_t *back = json_loadb(c, len, 0, NULL);
    assert_non_null(back);
    assert_true(json_equal(back, j));
    json_decref(back);
    free(want);
    json_decref(j);
    free(c);

    /* Page 2: the sample's two codes, refused by kofu's verifiers. */
    snprintf(png, sizeof png, "%s-2.png", base);
    c = kt_zbar_codes(png, &len, &n);
    assert_non_null(c);
    assert_int_equal(n, 2);
    char *shc = NULL, *seal = NULL;
    assert_true(kt_split_sample_codes(c, len, &shc, &seal));
    int rc;
    assert_int_equal(kt_shc_verdict(shc, NULL, false, &rc), SHC_REASON_KID_UNKNOWN);
    assert_int_equal(rc, KOFU_E_CENTER_RESPONSE);
    assert_int_equal(kt_shc_verdict(shc, NULL, true, &rc), SHC_REASON_SIGNATURE_FORM);
    assert_int_equal(rc, KOFU_E_CENTER_RESPONSE);
    assert_int_equal(kt_vds_verdict(seal, &rc), VDS_REASON_SHAPE);
    assert_int_equal(rc, KOFU_E_CENTER_RESPONSE);
    assert_non_null(strstr(seal, "\"kofu_test_print\":\"SAMPLE 見本 — not a certificate\""));
    free(shc);
    free(seal);
    free(c);
    diag_report_free(&r);
}

/* Out of paper: nothing is printed, and the caller hears why (the service
 * mode shows it; `kofu diag --print` exits non-zero). */
static void test_out_of_paper(void **state)
{
    (void)state;
    clear_received();
    assert_int_equal(printer_peer_media(&peer, false), 0);
    struct diag_report r;
    kt_diag_report_fill(&r);
    int rc = kiosk_test_print(&r, "sim", &fonts, &pr, 5000);
    assert_int_equal(printer_peer_media(&peer, true), 0);
    assert_int_equal(rc, KOFU_E_PRINTER_MEDIA_EMPTY);
    char pdf[700];
    assert_false(received_pdf(pdf, sizeof pdf));
    diag_report_free(&r);
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

static int group_setup(void **state)
{
    (void)state;
    if (vault_init(2u << 20) != KOFU_OK || document_fonts_init(&fonts) != KOFU_OK)
        return -1;
    if (printer_peer_start(&peer) != 0) {
        printer_peer_stop(&peer);
        return -1;
    }
    char ca[600];
    snprintf(ca, sizeof ca, "%s/printer-ca.pem", kt_pki_dir());
    struct printer_trust trust = {.ca_file = ca};
    pr.ops = &ipp_printer_ops;
    if (pr.ops->open(&pr.ctx, peer.ipps_uri, PRINTER_MODE_IPP, &trust) != KOFU_OK) {
        printer_peer_stop(&peer);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (pr.ctx)
        pr.ops->close(pr.ctx);
    printer_peer_stop(&peer);
    document_fonts_free(&fonts);
    vault_destroy();
    return 0;
}

int main(void)
{
    alarm(600);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printed_and_read_back),
        cmocka_unit_test(test_out_of_paper),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
