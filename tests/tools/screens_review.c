/*
 * screens_review.c — `make screens`: renders every kiosk screen in Japanese
 * and English, with representative variants (tests/tools/screens_samples.h),
 * and the technician's service mode (ui/service_screens.h), into PNG files
 * for a person to look at:
 *
 *   screens-review --out DIR [--size WxH]
 *
 * writes DIR/NNN-<screen>-<variant>-<lang>.png and prints one line per file
 * ("ok" or the error). Exits 1 if any screen returned other than KOFU_OK
 * (text that did not fit, a missing glyph), 2 on a usage error.
 * Synthetic data only.
 */
#include "screens_samples.h"

#include "ui/screens.h"
#include "session/session.h"
#include "ui/test_print.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SAMPLES_MAX 256

static int usage(void)
{
    fprintf(stderr, "usage: screens-review --out DIR [--size WxH]\n");
    return 2;
}

/* The technician's test print (ui/test_print.h): both A4 pages at 100 dpi,
 * from a made-up report, into out/NNN-test-print-P.png. Returns how many
 * failed; *files counts the files written. */
static int test_print_pages(const char *out, int *files)
{
    struct document_fonts f;
    if (document_fonts_init(&f) != KOFU_OK) {
        fprintf(stderr, "screens-review: certificate fonts missing\n");
        return 1;
    }
    struct test_print_model m = {
        .version = "0.0.0-review",
        .board = "sim",
        .printed_at = 1796000000,
        .n_rows = 3,
        .rows = {{"reader", DIAG_OK, "Reader ready, no card", "カードリーダー正常（カードなし）"},
                 {"printer", DIAG_WARN, "Toner low: order a black toner cartridge",
                  "トナー残量わずか：黒トナーを手配してください"},
                 {"center", DIAG_FAIL, "Center unreachable: check the network cable",
                  "センターに接続できません：ネットワークケーブルを確認してください"}},
        .status_json = "{\"version\":\"0.0.0-review\",\"board\":\"sim\",\"checks\":[{\"name\":\"reader\","
                       "\"status\":\"ok\",\"detail\":{}},{\"name\":\"printer\",\"status\":\"warn\",\"detail\":{}},"
                       "{\"name\":\"center\",\"status\":\"fail\",\"detail\":{}}]}",
    };
    int w = 0, h = 0, failed = 0;
    document_png_pixels_size(100, &w, &h);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    for (int page = 1; page <= 2; page++) {
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, w / DOCUMENT_PAGE_WIDTH_PT, h / DOCUMENT_PAGE_HEIGHT_PT);
        int r = page == 1 ? test_print_draw_report(cr, &m, &f) : test_print_draw_sample(cr, &f);
        cairo_destroy(cr);
        char path[1024];
        snprintf(path, sizeof path, "%.256s/%03d-test-print-%d.png", out, (*files)++, page);
        cairo_status_t st = cairo_surface_write_to_png(s, path);
        failed += r != KOFU_OK || st != CAIRO_STATUS_SUCCESS;
        printf("%s %s\n", path, st != CAIRO_STATUS_SUCCESS ? "write-failed" : r == KOFU_OK ? "ok" : kofu_err_name(r));
    }
    cairo_surface_destroy(s);
    document_fonts_free(&f);
    return failed;
}

int main(int argc, char **argv)
{
    const char *out = NULL;
    int width = SCREENS_WIDTH_DEFAULT, height = SCREENS_HEIGHT_DEFAULT;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%dx%d", &width, &height) != 2)
                return usage();
        } else {
            return usage();
        }
    }
    if (!out)
        return usage();
    if (width < SCREENS_WIDTH_MIN || height < SCREENS_HEIGHT_MIN || width > 8192 || height > 8192) {
        fprintf(stderr, "screens-review: size must be from %dx%d to 8192x8192\n", SCREENS_WIDTH_MIN,
                SCREENS_HEIGHT_MIN);
        return 2;
    }
    if (mkdir(out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "screens-review: cannot create %s: %s\n", out, strerror(errno));
        return 2;
    }
    int rc = screens_init();
    if (rc != KOFU_OK) {
        fprintf(stderr, "screens-review: screens_init: %s\n", kofu_err_name(rc));
        return 1;
    }
    cairo_surface_t *preview = screens_sample_preview(width, height);
    if (!preview)
        fprintf(stderr, "screens-review: the synthetic preview could not be rendered\n");
    static struct screens_sample samples[SAMPLES_MAX];
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    int failed = 0, files = 0;
    const enum kofu_lang langs[2] = {KOFU_LANG_JA, KOFU_LANG_EN};
    /* The same variants in both languages, each pair next to each other. */
    size_t n = screens_samples(samples, SAMPLES_MAX, KOFU_LANG_JA, preview);
    if (strlen(out) > 256) {
        fprintf(stderr, "screens-review: output directory name too long\n");
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        for (int li = 0; li < 2; li++) {
            struct screens_model m = samples[i].m;
            m.lang = langs[li];
            cairo_t *cr = cairo_create(s);
            struct screens_layout layout;
            int r = screens_draw(cr, width, height, &m, &layout);
            cairo_destroy(cr);
            char path[1024];
            snprintf(path, sizeof path, "%.256s/%03d-%s-%.63s-%s.png", out, files, session_screen_name(m.screen),
                     samples[i].variant, li ? "en" : "ja");
            cairo_status_t st = cairo_surface_write_to_png(s, path);
            files++;
            if (r != KOFU_OK || st != CAIRO_STATUS_SUCCESS)
                failed++;
            printf("%s %s (%zu targets)\n", path,
                   st != CAIRO_STATUS_SUCCESS ? "write-failed" : r == KOFU_OK ? "ok" : kofu_err_name(r), layout.n);
        }
    }
    /* The technician's service mode. */
    if (service_screens_init() != KOFU_OK) {
        fprintf(stderr, "screens-review: service_screens_init failed\n");
        failed++;
    } else {
        static struct service_sample ss[SAMPLES_MAX];
        size_t ns = service_samples(ss, SAMPLES_MAX, width, height);
        for (size_t i = 0; i < ns; i++) {
            for (int li = 0; li < 2; li++) {
                struct service_model m = ss[i].m;
                m.lang = langs[li];
                cairo_t *cr = cairo_create(s);
                struct service_layout layout;
                int r = service_screens_draw(cr, width, height, &m, &layout);
                cairo_destroy(cr);
                char path[1024];
                snprintf(path, sizeof path, "%.256s/%03d-service-%s-%.63s-%s.png", out, files,
                         service_screen_name(m.screen), ss[i].variant, li ? "en" : "ja");
                cairo_status_t st = cairo_surface_write_to_png(s, path);
                files++;
                if (r != KOFU_OK || st != CAIRO_STATUS_SUCCESS)
                    failed++;
                printf("%s %s (%zu targets)\n", path,
                       st != CAIRO_STATUS_SUCCESS ? "write-failed" : r == KOFU_OK ? "ok" : kofu_err_name(r), layout.n);
            }
        }
        service_screens_free();
    }
    cairo_surface_destroy(s);
    if (preview)
        cairo_surface_destroy(preview);
    failed += test_print_pages(out, &files);
    screens_free();
    printf("%d screens, %d failed (%dx%d)\n", files, failed, width, height);
    return failed || !preview ? 1 : 0;
}
