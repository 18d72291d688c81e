/*
 * test_service_screens.c — the service mode's screens (ui/service_screens.h):
 * every sample screen (tests/tools/screens_samples.h) drawn in both
 * languages at the default and the smallest size with every text fitting;
 * the targets each screen needs, hit where drawn; the credential pad's keys
 * carry the shuffled layout; the patterns reach the panel's pixels; a text
 * too long to fit is caught; bad models are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tests/tools/screens_samples.h"
#include "ui/service_screens.h"

#define SAMPLES 64

static int draw(const struct service_model *m, int w, int h, struct service_layout *l, cairo_surface_t **keep)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    int rc = service_screens_draw(cr, w, h, m, l);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    if (keep)
        *keep = s;
    else
        cairo_surface_destroy(s);
    return rc;
}

static size_t count(const struct service_layout *l, enum service_target_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        n += l->t[i].kind == k;
    return n;
}

static void test_every_screen_fits(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1280, 800}, {800, 480}, {1920, 1080}, {1024, 768}};
    static struct service_sample ss[SAMPLES];
    bool seen[SERVICE_SCREEN__COUNT] = {0};
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        size_t n = service_samples(ss, SAMPLES, sizes[z][0], sizes[z][1]);
        assert_true(n > 20);
        for (size_t i = 0; i < n; i++) {
            seen[ss[i].m.screen] = true;
            for (int lang = 0; lang < 2; lang++) {
                struct service_model m = ss[i].m;
                m.lang = lang ? KOFU_LANG_EN : KOFU_LANG_JA;
                struct service_layout l;
                int rc = draw(&m, sizes[z][0], sizes[z][1], &l, NULL);
                if (rc != KOFU_OK)
                    fail_msg("%s-%s %s at %dx%d: %s", service_screen_name(m.screen), ss[i].variant, lang ? "en" : "ja",
                             sizes[z][0], sizes[z][1], kofu_err_name(rc));
                /* Every screen but a pattern has the language switch;
                 * every target lies on the screen. */
                if (m.screen != SERVICE_SCREEN_DISPLAY_PATTERN)
                    assert_int_equal(count(&l, SERVICE_T_LANGUAGE), 1);
                for (size_t t = 0; t < l.n; t++) {
                    assert_true(l.t[t].x >= 0 && l.t[t].y >= 0);
                    assert_true(l.t[t].x + l.t[t].w <= sizes[z][0] + 0.5);
                    assert_true(l.t[t].y + l.t[t].h <= sizes[z][1] + 0.5);
                    const struct service_target *hit =
                        service_screens_hit(&l, l.t[t].x + l.t[t].w / 2, l.t[t].y + l.t[t].h / 2);
                    assert_ptr_equal(hit, &l.t[t]);
                }
            }
        }
    }
    for (int sc = 0; sc < SERVICE_SCREEN__COUNT; sc++)
        if (!seen[sc])
            fail_msg("no sample of %s", service_screen_name((enum service_screen)sc));
}

static const struct service_sample *sample(struct service_sample *ss, size_t n, enum service_screen sc, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (ss[i].m.screen == sc && !strcmp(ss[i].variant, v))
            return &ss[i];
    fail_msg("no sample %s %s", service_screen_name(sc), v);
    return &ss[0];
}

static void test_targets(void **state)
{
    (void)state;
    static struct service_sample ss[SAMPLES];
    size_t n = service_samples(ss, SAMPLES, 1280, 800);
    struct service_layout l;
    /* The menu: a row per check, and every button. */
    assert_int_equal(draw(&sample(ss, n, SERVICE_SCREEN_MENU, "ran")->m, 1280, 800, &l, NULL), KOFU_OK);
    assert_int_equal(count(&l, SERVICE_T_CHECK), DIAG_CHECK__COUNT);
    static const enum service_target_kind menu[] = {SERVICE_T_RUN_ALL, SERVICE_T_TEST_PRINT, SERVICE_T_AUDIO,
                                                    SERVICE_T_DISPLAY, SERVICE_T_TOUCH, SERVICE_T_RESET,
                                                    SERVICE_T_LEAVE};
    for (size_t i = 0; i < sizeof menu / sizeof menu[0]; i++)
        assert_int_equal(count(&l, menu[i]), 1);
    /* The pad: each digit once, at the key the layout says. */
    const struct service_model *code = &sample(ss, n, SERVICE_SCREEN_ENTER_CODE, "shuffled")->m;
    assert_int_equal(draw(code, 1280, 800, &l, NULL), KOFU_OK);
    assert_int_equal(count(&l, SERVICE_T_DIGIT), 10);
    size_t key = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (l.t[i].kind != SERVICE_T_DIGIT)
            continue;
        assert_int_equal(l.t[i].index, code->pad_layout[key]);
        key++;
    }
    assert_int_equal(count(&l, SERVICE_T_ENTER), 1);
    assert_int_equal(count(&l, SERVICE_T_CLEAR), 1);
    /* A pattern is one target: the whole screen. */
    cairo_surface_t *s;
    assert_int_equal(draw(&sample(ss, n, SERVICE_SCREEN_DISPLAY_PATTERN, "white")->m, 800, 480, &l, &s), KOFU_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.t[0].kind, SERVICE_T_NEXT);
    assert_non_null(service_screens_hit(&l, 799, 479));
    const uint32_t *px = (const uint32_t *)(const void *)cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s) / 4;
    assert_int_equal(px[0] & 0xFFFFFF, 0xFFFFFF);
    assert_int_equal(px[479 * stride + 799] & 0xFFFFFF, 0xFFFFFF);
    cairo_surface_destroy(s);
    assert_int_equal(draw(&sample(ss, n, SERVICE_SCREEN_DISPLAY_PATTERN, "bars")->m, 800, 480, &l, &s), KOFU_OK);
    px = (const uint32_t *)(const void *)cairo_image_surface_get_data(s);
    stride = cairo_image_surface_get_stride(s) / 4;
    assert_int_equal(px[240 * stride + 10] & 0xFFFFFF, 0xFFFFFF);  /* white bar first */
    assert_int_equal(px[240 * stride + 795] & 0xFFFFFF, 0x000000); /* black bar last */
    assert_int_equal(px[240 * stride + 550] & 0xFFFFFF, 0xFF0000);  /* red, the sixth */
    cairo_surface_destroy(s);
    /* The touch test: the current target is drawn where the model says. */
    struct service_model t = sample(ss, n, SERVICE_SCREEN_TOUCH_TEST, "first")->m;
    assert_int_equal(draw(&t, 1280, 800, &l, &s), KOFU_OK);
    px = (const uint32_t *)(const void *)cairo_image_surface_get_data(s);
    stride = cairo_image_surface_get_stride(s) / 4;
    assert_int_not_equal(px[t.touch_y[0] * stride + t.touch_x[0] + 30] & 0xFFFFFF, 0xFFFFFF);
    cairo_surface_destroy(s);
    assert_null(service_screens_hit(&l, t.touch_x[0], t.touch_y[0])); /* a tap there is recorded, not a button */
}

static void test_too_long_is_caught(void **state)
{
    (void)state;
    static struct service_sample ss[SAMPLES];
    size_t n = service_samples(ss, SAMPLES, 800, 480);
    struct service_model m = sample(ss, n, SERVICE_SCREEN_MENU, "ran")->m;
    m.checks[0].summary_en = "A card is left in the reader and this sentence goes on and on about it far beyond "
                             "what two lines of a menu row can hold at any size the screens allow, so it is cut";
    m.lang = KOFU_LANG_EN;
    assert_int_equal(draw(&m, 800, 480, NULL, NULL), KOFU_E_RENDER);
}

static void test_bad_models(void **state)
{
    (void)state;
    static struct service_sample ss[SAMPLES];
    size_t n = service_samples(ss, SAMPLES, 1280, 800);
    struct service_model m = sample(ss, n, SERVICE_SCREEN_ENTER_CODE, "shuffled")->m;
    m.pad_layout[0] = m.pad_layout[1]; /* not a permutation: no pad with a digit twice */
    assert_int_equal(draw(&m, 1280, 800, NULL, NULL), KOFU_E_ARG);
    m = sample(ss, n, SERVICE_SCREEN_MENU, "ran")->m;
    assert_int_equal(draw(&m, 799, 480, NULL, NULL), KOFU_E_ARG);
    m.screen = SERVICE_SCREEN__COUNT;
    assert_int_equal(draw(&m, 1280, 800, NULL, NULL), KOFU_E_ARG);
    assert_string_equal(service_screen_name(SERVICE_SCREEN_TOUCH_TEST), "touch-test");
    assert_string_equal(service_target_name(SERVICE_T_RUN_ALL), "run-all");
}

static int setup(void **state)
{
    (void)state;
    return service_screens_init() == KOFU_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    service_screens_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_screen_fits),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_too_long_is_caught),
        cmocka_unit_test(test_bad_models),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
