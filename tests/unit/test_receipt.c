/*
 * test_receipt.c — the refund receipt (ui/receipt.c): a one-page A4 PDF in
 * memory whose text, read back with pdftotext, carries the amount, the
 * reason in both languages and the reference; bad arguments and a full
 * buffer are refused, and a failed render leaves nothing in the buffer.
 */
#include "base/bytes.h"
#include "ui/document.h"
#include "base/errors.h"
#include "ui/receipt.h"
#include "tests/lib/files.h"
#include "tests/lib/proc.h"
#include "tests/lib/tmp.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define CAP (1u << 20)

static struct document_fonts fonts;
static uint8_t *buf;
static char dir[64];

static int setup(void **state)
{
    (void)state;
    buf = malloc(CAP);
    return buf && document_fonts_init(&fonts) == KOFU_OK && kt_tempdir(dir, sizeof dir, "ui-test") ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    document_fonts_free(&fonts);
    kt_rmdir_flat(dir);
    free(buf);
    return 0;
}

static const struct receipt_data owed = {.amount_yen = 1380, .err = KOFU_E_PAYMENT_REFUND, .when = 1795000000,
                                         .request_id = "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a10"};

static void test_receipt_reads_back(void **state)
{
    (void)state;
    kofu_bld b;
    bld_init(&b, buf, CAP);
    assert_int_equal(receipt_render_pdf(&owed, &fonts, &b), KOFU_OK);
    assert_true(b.len > 1000);
    assert_memory_equal(b.p, "%PDF-", 5);
    char path[128], cmd[256], *text = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/receipt.pdf", dir);
    assert_true(kt_write_file(path, b.p, b.len));
    snprintf(cmd, sizeof cmd, "pdfinfo %s", path);
    assert_int_equal(kt_run(cmd, &text, &len), 0);
    assert_non_null(strstr(text, "Pages:           1"));
    assert_non_null(strstr(text, "返金票 Refund receipt"));
    free(text);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", path);
    assert_int_equal(kt_run(cmd, &text, &len), 0);
    assert_non_null(strstr(text, "1380円"));
    assert_non_null(strstr(text, "¥1380"));
    assert_non_null(strstr(text, owed.request_id));
    for (size_t i = 0; i < len; i++) /* the reason wraps: lines joined */
        if (text[i] == '\n')
            text[i] = ' ';
    assert_non_null(strstr(text, kofu_err_text(KOFU_E_PAYMENT_REFUND, KOFU_LANG_EN)));
    free(text);
}

static void test_receipt_refusals(void **state)
{
    (void)state;
    kofu_bld b;
    bld_init(&b, buf, CAP);
    struct receipt_data negative = owed;
    negative.amount_yen = -1;
    assert_int_equal(receipt_render_pdf(&negative, &fonts, &b), KOFU_E_ARG);
    assert_int_equal(receipt_render_pdf(NULL, &fonts, &b), KOFU_E_ARG);
    struct document_fonts none = {0};
    assert_int_equal(receipt_render_pdf(&owed, &none, &b), KOFU_E_FONT);
    assert_int_equal(b.len, 0);
    /* Too small: refused, and what was written is zeroed and taken back. */
    memset(buf, 0, 4096);
    bld_init(&b, buf, 4096);
    assert_int_equal(receipt_render_pdf(&owed, &fonts, &b), KOFU_E_NOMEM);
    assert_int_equal(b.len, 0);
    for (size_t i = 0; i < 4096; i++)
        assert_int_equal(buf[i], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_receipt_reads_back),
        cmocka_unit_test(test_receipt_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
