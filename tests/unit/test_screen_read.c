/*
 * test_screen_read.c — the robot's eye (tests/lib/screen_read.h): it reads
 * shuffled PIN pads as kofu's ui draws them (50 random orders at 1280×800
 * and 800×480, with noise, scaled up to another size, in a 16-bit panel's
 * colours), catches two keys' glyphs swapped, refuses frames without a
 * pad, a key without a digit and a digit shown twice; it names every sample screen in both languages, also
 * when drawn with other data than its references, and nothing on a blank
 * frame; its targets fall inside the targets screens_hit finds there; it
 * reads fast enough for a test that polls the screen. Synthetic data only;
 * cairo image surfaces only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/clock.h"
#include "base/errors.h"
#include "session/session.h"
#include "tests/lib/screen_read.h"
#include "tests/lib/targets.h"
#include "tests/tools/screens_samples.h"
#include "ui/screens.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define SAMPLES_MAX 256

static struct sr_eye *eye_big;   /* 1280×800 */
static struct sr_eye *eye_small; /* 800×480 */

/* A frame of its own: pixels owned, freed by frame_free. */
struct owned_frame {
    struct sr_frame f;
    uint8_t *rgb;
};

static void frame_free(struct owned_frame *o)
{
    free(o->rgb);
    o->rgb = NULL;
}

/* Draw m at w × h as a camera would see the panel: RGB bytes. */
static struct owned_frame draw(const struct screens_model *m, int w, int h, struct screens_layout *l)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    int rc = screens_draw(cr, w, h, m, l);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    assert_int_equal(rc, KOFU_OK);
    struct owned_frame o;
    o.rgb = malloc((size_t)w * h * 3);
    assert_non_null(o.rgb);
    const uint8_t *src = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            uint8_t *p = o.rgb + ((size_t)y * w + x) * 3;
            p[0] = (uint8_t)(row[x] >> 16);
            p[1] = (uint8_t)(row[x] >> 8);
            p[2] = (uint8_t)row[x];
        }
    }
    cairo_surface_destroy(s);
    o.f = (struct sr_frame){w, h, (size_t)w * 3, o.rgb};
    return o;
}

/* ±amp per channel, uniformly (a fixed seed: the same run every time). */
static void add_noise(struct owned_frame *o, int amp, unsigned *seed)
{
    size_t n = (size_t)o->f.width * o->f.height * 3;
    for (size_t i = 0; i < n; i++) {
        int v = o->rgb[i] + (int)(rand_r(seed) % (unsigned)(2 * amp + 1)) - amp;
        o->rgb[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

/* o resampled (bilinear) to w × h: the same picture at another scale. */
static struct owned_frame rescale(const struct owned_frame *o, int w, int h)
{
    struct owned_frame r;
    r.rgb = malloc((size_t)w * h * 3);
    assert_non_null(r.rgb);
    double kx = (double)o->f.width / w, ky = (double)o->f.height / h;
    for (int y = 0; y < h; y++) {
        double fy = fmax(0, (y + 0.5) * ky - 0.5);
        int y0 = (int)fy, y1 = y0 + 1 < o->f.height ? y0 + 1 : y0;
        double ay = fy - y0;
        for (int x = 0; x < w; x++) {
            double fx = fmax(0, (x + 0.5) * kx - 0.5);
            int x0 = (int)fx, x1 = x0 + 1 < o->f.width ? x0 + 1 : x0;
            double ax = fx - x0;
            for (int c = 0; c < 3; c++) {
                double v00 = o->rgb[((size_t)y0 * o->f.width + x0) * 3 + c];
                double v01 = o->rgb[((size_t)y0 * o->f.width + x1) * 3 + c];
                double v10 = o->rgb[((size_t)y1 * o->f.width + x0) * 3 + c];
                double v11 = o->rgb[((size_t)y1 * o->f.width + x1) * 3 + c];
                double v = (1 - ay) * ((1 - ax) * v00 + ax * v01) + ay * ((1 - ax) * v10 + ax * v11);
                r.rgb[((size_t)y * w + x) * 3 + c] = (uint8_t)lround(v);
            }
        }
    }
    r.f = (struct sr_frame){w, h, (size_t)w * 3, r.rgb};
    return r;
}

/* ---- the PIN pad ---- */

/* Where each digit's key is in layout l (kofu's own record of what it drew:
 * the expectation, never given to the eye), scaled by k. */
static void expected_keys(const struct screens_layout *l, double kx, double ky, int ex[10], int ey[10])
{
    int seen = 0;
    for (size_t i = 0; i < l->n; i++) {
        const struct screens_target *t = &l->t[i];
        if (t->kind != SCREENS_T_DIGIT)
            continue;
        assert_in_range(t->index, 0, 9);
        ex[t->index] = (int)lround((t->x + t->w / 2) * kx);
        ey[t->index] = (int)lround((t->y + t->h / 2) * ky);
        seen |= 1 << t->index;
    }
    assert_int_equal(seen, 0x3ff);
}

static bool pad_is(const int x[10], const int y[10], const int ex[10], const int ey[10])
{
    for (int d = 0; d < 10; d++)
        if (x[d] != ex[d] || y[d] != ey[d])
            return false;
    return true;
}

static struct screens_model pin_model(const unsigned char layout[10], int digits, enum kofu_lang lang)
{
    struct screens_model m = samples_base(SESSION_SCREEN_PIN, lang);
    memcpy(m.pin_layout, layout, 10);
    m.pin_digits = digits;
    return m;
}

/* 50 shuffled pads drawn at w × h read exactly; with noise; and the same
 * frames scaled to (sw × sh) read at the scaled centres. */
static void pads_read(struct sr_eye *e, int w, int h, int sw, int sh)
{
    unsigned seed = 13;
    for (int i = 0; i < 50; i++) {
        unsigned char layout[10];
        assert_int_equal(screens_shuffle_pin_pad(layout), KOFU_OK);
        struct screens_model m = pin_model(layout, i % 5, i % 2 ? KOFU_LANG_EN : KOFU_LANG_JA);
        if (i % 7 == 3) {
            m.err = KOFU_E_PIN_WRONG;
            m.tries_left = 2;
        }
        struct screens_layout l;
        struct owned_frame o = draw(&m, w, h, &l);
        int ex[10], ey[10], x[10], y[10];
        expected_keys(&l, 1, 1, ex, ey);
        assert_int_equal(sr_pin_pad(e, &o.f, x, y), 0);
        assert_true(pad_is(x, y, ex, ey));

        add_noise(&o, 10, &seed);
        assert_int_equal(sr_pin_pad(e, &o.f, x, y), 0);
        assert_true(pad_is(x, y, ex, ey));

        struct owned_frame s = rescale(&o, sw, sh);
        add_noise(&s, 10, &seed);
        expected_keys(&l, (double)sw / w, (double)sh / h, ex, ey);
        assert_int_equal(sr_pin_pad(e, &s.f, x, y), 0);
        assert_true(pad_is(x, y, ex, ey));
        frame_free(&s);
        frame_free(&o);
    }
}

static void test_pad_1280x800(void **state)
{
    (void)state;
    /* The scaled frames: the 1280×800 pad seen by a camera at 1600×1000. */
    pads_read(eye_big, 1280, 800, 1600, 1000);
}

static void test_pad_800x480(void **state)
{
    (void)state;
    /* The scaled frames: the 800×480 panel's pad in a 1280×800 frame. */
    pads_read(eye_small, 800, 480, 1280, 800);
}

/* The key target of digit d in l. */
static const struct screens_target *key_of(const struct screens_layout *l, int d)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->t[i].kind == SCREENS_T_DIGIT && l->t[i].index == d)
            return &l->t[i];
    fail_msg("no key for digit %d", d);
    return &l->t[0]; /* not reached */
}

/* Copy the inner part of key a's rectangle over key b's (swap: both ways),
 * leaving the borders: a frame where the glyphs moved, the keys did not. */
static void move_glyph(struct owned_frame *o, const struct screens_target *a, const struct screens_target *b,
                       bool swap)
{
    int w = (int)(a->w * 0.8), h = (int)(a->h * 0.8);
    int ax = (int)(a->x + a->w * 0.1), ay = (int)(a->y + a->h * 0.1);
    int bx = (int)(b->x + b->w * 0.1), by = (int)(b->y + b->h * 0.1);
    for (int y = 0; y < h; y++) {
        uint8_t *pa = o->rgb + ((size_t)(ay + y) * o->f.width + ax) * 3;
        uint8_t *pb = o->rgb + ((size_t)(by + y) * o->f.width + bx) * 3;
        for (int i = 0; i < w * 3; i++) {
            uint8_t t = pb[i];
            pb[i] = pa[i];
            if (swap)
                pa[i] = t;
        }
    }
}

static void test_pad_swapped_keys(void **state)
{
    (void)state;
    static const unsigned char layout[10] = {4, 8, 1, 6, 0, 9, 3, 7, 2, 5};
    struct screens_model m = pin_model(layout, 2, KOFU_LANG_JA);
    struct screens_layout l;
    struct owned_frame o = draw(&m, 1280, 800, &l);
    int ex[10], ey[10], x[10], y[10];
    expected_keys(&l, 1, 1, ex, ey);
    move_glyph(&o, key_of(&l, 8), key_of(&l, 3), true);
    assert_int_equal(sr_pin_pad(eye_big, &o.f, x, y), 0);
    /* The check catches it: the pad as kofu laid it out is not what the
     * frame shows. */
    assert_false(pad_is(x, y, ex, ey));
    int t = ex[8];
    ex[8] = ex[3];
    ex[3] = t;
    t = ey[8];
    ey[8] = ey[3];
    ey[3] = t;
    assert_true(pad_is(x, y, ex, ey));
    frame_free(&o);
}

static void test_pad_refused(void **state)
{
    (void)state;
    int x[10], y[10];
    static const unsigned char layout[10] = {4, 8, 1, 6, 0, 9, 3, 7, 2, 5};
    struct screens_layout l;
    /* Not the PIN pad: the attract screen, the last-try question. */
    struct screens_model idle = samples_base(SESSION_SCREEN_IDLE, KOFU_LANG_JA);
    struct owned_frame o = draw(&idle, 1280, 800, &l);
    assert_int_equal(sr_pin_pad(eye_big, &o.f, x, y), -1);
    frame_free(&o);
    struct screens_model last = samples_base(SESSION_SCREEN_PIN_LAST_TRY, KOFU_LANG_EN);
    last.tries_left = 1;
    o = draw(&last, 1280, 800, &l);
    assert_int_equal(sr_pin_pad(eye_big, &o.f, x, y), -1);
    frame_free(&o);
    /* One digit shown twice (7's glyph over 2's key): no 2, two 7s. */
    struct screens_model m = pin_model(layout, 0, KOFU_LANG_JA);
    o = draw(&m, 1280, 800, &l);
    assert_int_equal(sr_pin_pad(eye_big, &o.f, x, y), 0);
    move_glyph(&o, key_of(&l, 7), key_of(&l, 2), false);
    assert_int_equal(sr_pin_pad(eye_big, &o.f, x, y), -1);
    frame_free(&o);
    /* A key with no digit: its glyph painted over with the key's own fill. */
    o = draw(&m, 1280, 800, &l);
    const struct screens_target *k = key_of(&l, 5);
    const uint8_t *fill = o.rgb + ((size_t)(k->y + 8) * 1280 + (size_t)(k->x + 8)) * 3;
    uint8_t c[3] = {fill[0], fill[1], fill[2]};
    for (int yy = (int)(k->y + 10); yy < (int)(k->y + k->h - 10); yy++)
        for (int xx = (int)(k->x + 10); xx < (int)(k->x + k->w - 10); xx++)
            memcpy(o.rgb + ((size_t)yy * 1280 + xx) * 3, c, 3);
    assert_int_equal(sr_pin_pad(eye_big, &o.f, x, y), -1);
    frame_free(&o);
}

/* A 16-bit panel (RGB565, which the kiosk's fbdev driver also drives):
 * the frame's colours quantised still read. */
static void test_pad_16bpp(void **state)
{
    (void)state;
    static const unsigned char layout[10] = {6, 0, 8, 3, 5, 9, 1, 4, 7, 2};
    struct screens_model m = pin_model(layout, 4, KOFU_LANG_EN);
    struct screens_layout l;
    struct owned_frame o = draw(&m, 1280, 800, &l);
    for (size_t i = 0; i < (size_t)1280 * 800 * 3; i++)
        o.rgb[i] &= (i % 3 == 1) ? 0xFC : 0xF8;
    int ex[10], ey[10], x[10], y[10];
    expected_keys(&l, 1, 1, ex, ey);
    assert_int_equal(sr_pin_pad(eye_big, &o.f, x, y), 0);
    assert_true(pad_is(x, y, ex, ey));
    enum kofu_lang lang = KOFU_LANG_JA;
    assert_int_equal(sr_identify(eye_big, &o.f, &lang, NULL), SESSION_SCREEN_PIN);
    assert_int_equal(lang, KOFU_LANG_EN);
    frame_free(&o);
}

/* ---- which screen ---- */

static const struct center_municipality other_munis[] = {
    {"012025", "北海道函館市", "Hakodate City, Hokkaido"},
    {"222038", "静岡県沼津市", "Numazu City, Shizuoka"},
    {"401307", "福岡県福岡市", "Fukuoka City, Fukuoka"},
    {"472018", "沖縄県那覇市", "Naha City, Okinawa"},
    {"342025", "広島県呉市", "Kure City, Hiroshima"},
};

/* The same screen with other data than the eye's references: another
 * municipality list and fee, other amounts, another pad, other terms. */
static struct screens_model other_data(struct screens_model m)
{
    if (m.municipalities == samples_munis_short) {
        m.municipalities = other_munis;
        m.n_municipalities = SAMPLES_N(other_munis);
        if (m.municipality >= 0)
            m.municipality = 4;
    }
    if (m.fee_per_copy_yen)
        m.fee_per_copy_yen = 200;
    m.amount_yen = m.amount_yen ? m.amount_yen * 3 + 10 : 0;
    m.inserted_yen = m.inserted_yen ? 500 : 0;
    m.copies = m.copies < m.max_copies ? m.copies + 1 : m.copies;
    static const unsigned char pad[10] = {2, 9, 4, 6, 1, 0, 5, 3, 8, 7};
    memcpy(m.pin_layout, pad, 10);
    m.open_minute = m.open_minute ? 7 * 60 : 0;
    m.close_minute = m.close_minute ? 21 * 60 + 30 : 0;
    m.seconds_left = m.seconds_left ? 9 : 0;
    m.progress_step++;
    if (m.terms_ja == samples_terms_ja) {
        m.terms_ja = "別の利用規約（見本）\n第1条 このサービスは見本です。\n第2条 カードの情報は保存しません。\n"
                     "第3条 手数料は画面に表示します。";
        m.terms_en = "Other terms of use (sample)\n1. This service is a sample.\n2. The card's data is not kept.\n"
                     "3. The fee is shown on the screen.";
    }
    return m;
}

static void identify_all(struct sr_eye *e, int w, int h, bool other)
{
    static struct screens_sample samples[SAMPLES_MAX];
    cairo_surface_t *preview = screens_sample_preview(w, h);
    double worst = 0;
    const enum kofu_lang langs[2] = {KOFU_LANG_JA, KOFU_LANG_EN};
    for (int li = 0; li < 2; li++) {
        /* The other-data frames show the placeholder where the references
         * have the certificate, and the reverse. */
        size_t n = screens_samples(samples, SAMPLES_MAX, langs[li], other ? NULL : preview);
        for (size_t i = 0; i < n; i++) {
            struct screens_model m = other ? other_data(samples[i].m) : samples[i].m;
            if (other && m.screen == SESSION_SCREEN_CONFIRM && !samples[i].m.preview)
                m.preview = preview;
            struct screens_layout l;
            struct owned_frame o = draw(&m, w, h, &l);
            enum kofu_lang lang = (enum kofu_lang)-1;
            double d = -1;
            int sc = sr_identify(e, &o.f, &lang, &d);
            if (sc != (int)m.screen || lang != m.lang)
                fail_msg("%s %s %s: read as %d (%s) at %.4f", session_screen_name(m.screen), samples[i].variant,
                         li ? "en" : "ja", sc, sc >= 0 ? session_screen_name((enum session_screen)sc) : "-", d);
            worst = fmax(worst, d);
            if (getenv("SR_DEBUG") && d > 0.025)
                printf("#  %s %s %s %.4f\n", session_screen_name(m.screen), samples[i].variant, li ? "en" : "ja", d);
            frame_free(&o);
        }
    }
    printf("# %dx%d %s data: worst distance of a right match %.4f (limit %.2f)\n", w, h,
           other ? "other" : "sample", worst, SR_IDENTIFY_MAX);
    if (!other)
        assert_true(worst < 0.001); /* its own references: the very same pixels */
    if (preview)
        cairo_surface_destroy(preview);
}

static void test_identify_samples(void **state)
{
    (void)state;
    identify_all(eye_big, 1280, 800, false);
    identify_all(eye_small, 800, 480, false);
}

static void test_identify_other_data(void **state)
{
    (void)state;
    identify_all(eye_big, 1280, 800, true);
    identify_all(eye_small, 800, 480, true);
}

static void test_identify_blank(void **state)
{
    (void)state;
    struct owned_frame o;
    o.rgb = malloc(1280 * 800 * 3);
    assert_non_null(o.rgb);
    o.f = (struct sr_frame){1280, 800, 1280 * 3, o.rgb};
    static const uint8_t greys[] = {0, 255, 128};
    for (size_t i = 0; i < sizeof greys; i++) {
        memset(o.rgb, greys[i], 1280 * 800 * 3);
        double d = -1;
        assert_int_equal(sr_identify(eye_big, &o.f, NULL, &d), -1);
        printf("# blank frame of grey %u: distance %.4f\n", greys[i], d);
        assert_true(d > SR_IDENTIFY_MAX);
        int x, y;
        assert_int_equal(sr_target(eye_big, &o.f, "ok", &x, &y), -1);
    }
    /* A frame with a sample screen in it, then blanked: only the blanking
     * makes it unknown (the check is not one that fails on everything). */
    struct screens_model m = samples_base(SESSION_SCREEN_IDLE, KOFU_LANG_JA);
    struct owned_frame s = draw(&m, 1280, 800, NULL);
    assert_int_equal(sr_identify(eye_big, &s.f, NULL, NULL), SESSION_SCREEN_IDLE);
    memset(s.rgb, 0, 1280 * 800 * 3);
    assert_int_equal(sr_identify(eye_big, &s.f, NULL, NULL), -1);
    frame_free(&s);
    frame_free(&o);
}

/* ---- targets ---- */

/* sr_target(name) on the frame of m falls inside the target screens_hit
 * finds there, and that target has the name. */
static void target_inside(struct sr_eye *e, const struct screens_model *m, int w, int h, const char *name,
                          const struct center_municipality *munis, size_t n_munis)
{
    struct screens_layout l;
    struct owned_frame o = draw(m, w, h, &l);
    int x = -1, y = -1;
    if (sr_target(e, &o.f, name, &x, &y) != 0)
        fail_msg("%s: no target %s", session_screen_name(m->screen), name);
    const struct screens_target *t = screens_hit(&l, x, y);
    char got[64] = "";
    if (!t || kt_target_name(t, munis, n_munis, got, sizeof got) < 0 || strcmp(got, name) != 0)
        fail_msg("%s: %s at %d,%d hits %s", session_screen_name(m->screen), name, x, y, t ? got : "nothing");
    frame_free(&o);
}

static void test_targets(void **state)
{
    (void)state;
    static const char *const pin_names[] = {"delete", "enter", "back", "cancel", "language"};
    static const unsigned char layout[10] = {9, 2, 7, 0, 3, 8, 5, 1, 4, 6};
    for (int li = 0; li < 2; li++) {
        enum kofu_lang lang = li ? KOFU_LANG_EN : KOFU_LANG_JA;
        struct screens_model m = pin_model(layout, 1, lang);
        for (size_t i = 0; i < SAMPLES_N(pin_names); i++)
            target_inside(eye_big, &m, 1280, 800, pin_names[i], NULL, 0);
        for (int d = 0; d < 10; d++) {
            char name[24];
            snprintf(name, sizeof name, "digit-%d", d);
            target_inside(eye_big, &m, 1280, 800, name, NULL, 0);
            target_inside(eye_small, &m, 800, 480, name, NULL, 0);
        }
        struct screens_model c = samples_base(SESSION_SCREEN_CONFIRM, lang);
        c.copies = 3;
        c.amount_yen = 360;
        for (size_t i = 0; i < 3; i++) {
            static const char *const names[] = {"ok", "cancel", "language"};
            target_inside(eye_big, &c, 1280, 800, names[i], NULL, 0);
            target_inside(eye_small, &c, 800, 480, names[i], NULL, 0);
        }
        /* What a screen does not have is not found. */
        struct owned_frame o = draw(&m, 1280, 800, NULL);
        int x, y;
        assert_int_equal(sr_target(eye_big, &o.f, "agree", &x, &y), -1);
        assert_int_equal(sr_target(eye_big, &o.f, "digit-10", &x, &y), -1);
        assert_int_equal(sr_target(eye_big, &o.f, "no-such-target", &x, &y), -1);
        frame_free(&o);
        o = draw(&c, 1280, 800, NULL);
        assert_int_equal(sr_target(eye_big, &o.f, "back", &x, &y), -1); /* CONFIRM has no way back */
        frame_free(&o);
        struct screens_model terms = samples_base(SESSION_SCREEN_TERMS, lang);
        target_inside(eye_big, &terms, 1280, 800, "agree", NULL, 0);
    }
}

static void test_targets_municipalities(void **state)
{
    (void)state;
    /* A list of the eye's own: the kiosk's center sends other names than
     * the samples; eight of them, so the list pages. */
    static const struct center_municipality list[] = {
        {"012025", "北海道函館市", "Hakodate City, Hokkaido"},
        {"222038", "静岡県沼津市", "Numazu City, Shizuoka"},
        {"401307", "福岡県福岡市", "Fukuoka City, Fukuoka"},
        {"472018", "沖縄県那覇市", "Naha City, Okinawa"},
        {"342025", "広島県呉市", "Kure City, Hiroshima"},
        {"131016", "東京都千代田区", "Chiyoda City, Tokyo"},
        {"271004", "大阪府大阪市", "Osaka City, Osaka"},
        {"141003", "神奈川県横浜市", "Yokohama City, Kanagawa"},
    };
    struct screens_model m = samples_base(SESSION_SCREEN_MUNICIPALITY, KOFU_LANG_JA);
    m.municipalities = list;
    m.n_municipalities = SAMPLES_N(list);
    /* The samples' list: 131016 is the first, here the sixth. */
    struct screens_layout l;
    struct owned_frame o = draw(&m, 1280, 800, &l);
    int x, y;
    assert_int_equal(sr_target(eye_big, &o.f, "municipality-131016", &x, &y), 0);
    const struct screens_target *t = screens_hit(&l, x, y);
    assert_true(t == NULL || t->index != 5); /* the samples' position, not this list's */
    frame_free(&o);
    assert_int_equal(sr_set_municipalities(eye_big, list, SAMPLES_N(list)), 0);
    target_inside(eye_big, &m, 1280, 800, "municipality-131016", list, SAMPLES_N(list));
    target_inside(eye_big, &m, 1280, 800, "municipality-222038", list, SAMPLES_N(list));
    m.municipality_page = 1;
    target_inside(eye_big, &m, 1280, 800, "municipality-141003", list, SAMPLES_N(list));
    o = draw(&m, 1280, 800, NULL);
    assert_int_equal(sr_target(eye_big, &o.f, "municipality-012025", &x, &y), -1); /* on page 1 */
    frame_free(&o);
    assert_int_equal(sr_set_municipalities(eye_big, NULL, 0), 0);
}

/* ---- speed ---- */

static void test_speed(void **state)
{
    (void)state;
    static const unsigned char layout[10] = {3, 1, 4, 5, 9, 2, 6, 8, 7, 0};
    struct screens_model m = pin_model(layout, 0, KOFU_LANG_JA);
    struct owned_frame o = draw(&m, 1280, 800, NULL);
    enum { N = 20 };
    double t0 = kofu_mono_ms_f();
    for (int i = 0; i < N; i++)
        assert_int_equal(sr_identify(eye_big, &o.f, NULL, NULL), SESSION_SCREEN_PIN);
    double t1 = kofu_mono_ms_f();
    int x[10], y[10];
    for (int i = 0; i < N; i++)
        assert_int_equal(sr_pin_pad(eye_big, &o.f, x, y), 0);
    double t2 = kofu_mono_ms_f();
    printf("# 1280x800: sr_identify %.2f ms, sr_pin_pad %.2f ms per call\n", (t1 - t0) / N, (t2 - t1) / N);
    assert_true((t1 - t0) / N < 100);
    assert_true((t2 - t1) / N < 100);
    frame_free(&o);
}

static int setup(void **state)
{
    (void)state;
    double t0 = kofu_mono_ms_f();
    eye_big = sr_open(1280, 800);
    double t1 = kofu_mono_ms_f();
    eye_small = sr_open(800, 480);
    if (!eye_big || !eye_small)
        return -1;
    printf("# sr_open: 1280x800 %.0f ms, 800x480 %.0f ms\n", t1 - t0, kofu_mono_ms_f() - t1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sr_close(eye_big);
    sr_close(eye_small);
    screens_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pad_1280x800),
        cmocka_unit_test(test_pad_800x480),
        cmocka_unit_test(test_pad_swapped_keys),
        cmocka_unit_test(test_pad_refused),
        cmocka_unit_test(test_pad_16bpp),
        cmocka_unit_test(test_identify_samples),
        cmocka_unit_test(test_identify_other_data),
        cmocka_unit_test(test_identify_blank),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_targets_municipalities),
        cmocka_unit_test(test_speed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
