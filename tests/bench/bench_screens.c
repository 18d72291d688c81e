/*
 * bench_screens.c — `make bench` figure for the kiosk screens: the median
 * time of a full redraw of each screen at 1280×800 into an ARGB32 image
 * surface (what the display drivers blit), against its 16 ms
 * budget. One representative model per screen (tests/tools/screens_samples.h;
 * CONFIRM with its certificate preview), Japanese and English alternating as
 * a resident switching languages would. Needs nothing external.
 */
#include "tests/harness.h"
#include "tests/tools/screens_samples.h"

#include "ui/screens.h"
#include "session/session.h"

#include <stdio.h>

#define RUNS 60
#define BUDGET_MS 16.0
#define SAMPLES_MAX 256

int main(void)
{
    if (screens_init() != KOFU_OK) {
        fprintf(stderr, "bench_screens: screens_init failed (IPAexGothic missing?)\n");
        return 1;
    }
    const int w = SCREENS_WIDTH_DEFAULT, h = SCREENS_HEIGHT_DEFAULT;
    cairo_surface_t *preview = screens_sample_preview(w, h);
    static struct screens_sample samples[SAMPLES_MAX];
    size_t n = screens_samples(samples, SAMPLES_MAX, KOFU_LANG_JA, preview);
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    int over = 0, failed = 0;
    double worst = 0;
    for (int sc = 0; sc < SESSION_SCREEN__COUNT; sc++) {
        const struct screens_sample *pick = NULL;
        for (size_t i = 0; i < n && !pick; i++)
            if (samples[i].m.screen == (enum session_screen)sc)
                pick = &samples[i];
        if (!pick)
            continue;
        double t[RUNS];
        for (int r = 0; r < RUNS; r++) {
            struct screens_model m = pick->m;
            m.lang = r % 2 ? KOFU_LANG_EN : KOFU_LANG_JA;
            m.progress_step = r;
            struct screens_layout layout;
            double t0 = harness_now_ms();
            cairo_t *cr = cairo_create(surface);
            int rc = screens_draw(cr, w, h, &m, &layout);
            cairo_destroy(cr);
            cairo_surface_flush(surface);
            t[r] = harness_now_ms() - t0;
            if (rc != KOFU_OK)
                failed++;
        }
        double med = harness_median(t, RUNS);
        worst = med > worst ? med : worst;
        if (med > BUDGET_MS)
            over++;
        printf("redraw %s %.2f ms (budget %.0f ms)%s\n", session_screen_name((enum session_screen)sc), med,
               BUDGET_MS, med > BUDGET_MS ? " OVER BUDGET" : "");
    }
    printf("redraw worst %.2f ms (budget %.0f ms), %d over budget, %d failed draws\n", worst, BUDGET_MS, over,
           failed);
    cairo_surface_destroy(surface);
    if (preview)
        cairo_surface_destroy(preview);
    screens_free();
    return over || failed || !preview ? 1 : 0;
}
