/* test_print.c — see test_print.h. The pages are ui/test_print.h's; this
 * file turns a report into their model and prints them. */
#include "kiosk/test_print.h"

#include "base/errors.h"
#include "base/wipeheap.h"
#include "base/version.h"
#include "ui/test_print.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Two pages with their fonts' subsets and three QR codes: about 100 KB;
 * no resident data is in it, so it is an ordinary heap buffer. */
#define TEST_PRINT_PDF_MAX (1024 * 1024)

/* The status QR holds the `kofu diag --json` object exactly, compact. When
 * that is too long for one symbol (version 40), details are dropped, one
 * check at a time, until it fits: first the ok checks', then the warn
 * checks', the fail checks' last (what is wrong matters most to the desk),
 * and within a status the longest first. A check whose detail went keeps
 * its name and status and says "detail_omitted": true instead. Every
 * check's name and status is always there. */
static int drop_one_detail(json_t *root)
{
    json_t *checks = json_object_get(root, "checks");
    json_t *victim = NULL;
    int best_rank = 3;
    size_t best_len = 0;
    size_t i;
    json_t *c;
    json_array_foreach(checks, i, c)
    {
        json_t *detail = json_object_get(c, "detail");
        if (!detail)
            continue;
        const char *st = json_string_value(json_object_get(c, "status"));
        int rank = !st ? 2 : strcmp(st, "ok") == 0 ? 0 : strcmp(st, "warn") == 0 ? 1 : 2;
        char *text = json_dumps(detail, JSON_COMPACT | JSON_ENCODE_ANY);
        size_t len = text ? strlen(text) : 0;
        json_text_free(text);
        if (rank < best_rank || (rank == best_rank && len > best_len)) {
            victim = c;
            best_rank = rank;
            best_len = len;
        }
    }
    if (!victim)
        return KOFU_E_QR_TOO_LARGE;
    if (json_object_del(victim, "detail") != 0 || json_object_set_new(victim, "detail_omitted", json_true()) != 0)
        return KOFU_E_NOMEM;
    return KOFU_OK;
}

/* The status QR's text into *out (json_text_free()), and whether details went. */
static int status_text(const struct diag_report *r, const char *board_name, char **out, bool *omitted)
{
    *out = NULL;
    *omitted = false;
    json_t *root = diag_report_json(r, board_name);
    if (!root)
        return KOFU_E_NOMEM;
    int rc;
    for (;;) {
        char *text = json_dumps(root, JSON_COMPACT);
        if (!text) {
            rc = KOFU_E_NOMEM;
            break;
        }
        rc = test_print_status_qr_fits(text);
        if (rc == KOFU_OK) {
            *out = text;
            break;
        }
        json_text_free(text);
        if (rc != KOFU_E_QR_TOO_LARGE || (rc = drop_one_detail(root)) != KOFU_OK)
            break;
        *omitted = true;
    }
    json_decref(root);
    return rc;
}

int kiosk_test_print_render(const struct diag_report *r, const char *board_name, const struct document_fonts *fonts,
                            uint8_t **pdf_out, size_t *len_out)
{
    *pdf_out = NULL;
    *len_out = 0;
    if (!r || !board_name || !fonts || r->n > DIAG_CHECK__COUNT)
        return KOFU_E_ARG;
    struct test_print_model m = {.version = KOFU_VERSION, .board = board_name, .printed_at = (int64_t)time(NULL),
                                 .n_rows = r->n};
    for (size_t i = 0; i < r->n; i++) {
        const struct diag_result *c = &r->checks[i];
        const char *name = diag_check_name(c->id);
        if (!name)
            return KOFU_E_ARG;
        m.rows[i] = (struct test_print_row){.name = name, .status = c->status, .summary_en = c->summary_en,
                                            .summary_ja = c->summary_ja};
    }
    char *json = NULL;
    int rc = status_text(r, board_name, &json, &m.details_omitted);
    if (rc != KOFU_OK)
        return rc;
    m.status_json = json;

    uint8_t *buf = malloc(TEST_PRINT_PDF_MAX);
    if (!buf) {
        json_text_free(json);
        return KOFU_E_NOMEM;
    }
    kofu_bld pdf;
    bld_init(&pdf, buf, TEST_PRINT_PDF_MAX);
    rc = test_print_render_pdf(&m, fonts, &pdf);
    json_text_free(json);
    if (rc != KOFU_OK) {
        free(buf);
        return rc;
    }
    *pdf_out = buf;
    *len_out = pdf.len;
    return KOFU_OK;
}

int kiosk_test_print(const struct diag_report *r, const char *board_name, const struct document_fonts *fonts,
                     const struct printer *pr, int timeout_ms)
{
    if (!pr || !pr->ops || !pr->ops->print)
        return KOFU_E_ARG;
    uint8_t *pdf;
    size_t len;
    int rc = kiosk_test_print_render(r, board_name, fonts, &pdf, &len);
    if (rc == KOFU_OK)
        rc = pr->ops->print(pr->ctx, pdf, len, TEST_PRINT_JOB_NAME, 1, timeout_ms, NULL);
    free(pdf);
    return rc;
}
