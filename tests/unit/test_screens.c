/*
 * test_screens.c — the kiosk screens (ui/screens.h): every screen in both
 * languages at 1280×800 and 800×480 draws with KOFU_OK; its targets are on
 * the screen, big enough, apart, and hit where they are drawn; no text runs
 * into another text or a target; every text has ≥ 7:1 contrast; English
 * screens show no Japanese; back/cancel/confirm appear exactly where the
 * session takes them (checked against session_step too); the PIN pad shows
 * pin_layout and its shuffle is uniform. Synthetic data only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "center/center.h"
#include "base/errors.h"
#include "card/kenhojo.h"
#include "ui/screens.h"
#include "ui/screens_words.h"
#include "session/session.h"
#include "tests/tools/screens_samples.h"
#include "tests/lib/events.h"
#include "tests/lib/targets.h"

#include <math.h>

#define SAMPLES_MAX 256
#define TEXTS_MAX 128

static struct screens_sample samples[SAMPLES_MAX];

/* ---- what a frame drew ---- */

struct seen_text {
    char utf8[256];
    double x, y, w, h;
    unsigned fg, bg;
    bool from_center, fits;
};

static struct {
    size_t n;
    struct seen_text t[TEXTS_MAX];
} texts;

static void observe(const struct screens_text_seen *t, void *arg)
{
    (void)arg;
    if (texts.n >= TEXTS_MAX)
        fail_msg("more than %d texts on one screen", TEXTS_MAX);
    struct seen_text *s = &texts.t[texts.n++];
    snprintf(s->utf8, sizeof s->utf8, "%s", t->utf8);
    s->x = t->x;
    s->y = t->y;
    s->w = t->w;
    s->h = t->h;
    s->fg = t->fg;
    s->bg = t->bg;
    s->from_center = t->from_center;
    s->fits = t->fits;
}

static int draw(const struct screens_model *m, int w, int h, struct screens_layout *l)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    texts.n = 0;
    screens_set_text_observer(observe, NULL);
    int rc = screens_draw(cr, w, h, m, l);
    screens_set_text_observer(NULL, NULL);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return rc;
}

/* ---- colour ---- */

static double channel(unsigned c)
{
    double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double luminance(unsigned rgb)
{
    return 0.2126 * channel((rgb >> 16) & 0xFF) + 0.7152 * channel((rgb >> 8) & 0xFF) + 0.0722 * channel(rgb & 0xFF);
}

static double contrast(unsigned a, unsigned b)
{
    double la = luminance(a), lb = luminance(b);
    return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

/* ---- geometry ---- */

static bool overlap(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh)
{
    const double e = 0.5; /* anti-aliasing slack */
    return ax + e < bx + bw && bx + e < ax + aw && ay + e < by + bh && by + e < ay + ah;
}

static bool inside(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh)
{
    const double e = 0.5;
    return ax >= bx - e && ay >= by - e && ax + aw <= bx + bw + e && ay + ah <= by + bh + e;
}

static bool has_japanese(const char *s)
{
    /* Any code point from U+3000 up (kana, kanji, full-width forms) or the
     * ideographic punctuation; ¥ (U+00A5) and – (U+2013) are fine. */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0xE3) /* 3-byte UTF-8 sequences from U+3000 */
            return true;
    }
    return false;
}

static bool has_target(const struct screens_layout *l, enum screens_target_kind k, enum session_button b)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->t[i].kind == k && (k != SCREENS_T_BUTTON || l->t[i].button == b))
            return true;
    return false;
}

/* The frame's checks: targets, texts, contrast, language. */
static void check_frame(const struct screens_sample *sm, const struct screens_model *m, int w, int h,
                        const struct screens_layout *l)
{
    const char *what = sm->variant;
    double min_side = w >= 1280 && h >= 800 ? 88 : 64;
    if (!has_target(l, SCREENS_T_BUTTON, SESSION_BTN_LANGUAGE))
        fail_msg("%s %s: no language switch", session_screen_name(m->screen), what);
    for (size_t i = 0; i < l->n; i++) {
        const struct screens_target *a = &l->t[i];
        char name[64];
        assert_true(kt_target_name(a, m->municipalities, m->n_municipalities, name, sizeof name) > 0);
        if (a->x < 0 || a->y < 0 || a->x + a->w > w + 0.01 || a->y + a->h > h + 0.01)
            fail_msg("%s %s: target %s off the screen", session_screen_name(m->screen), what, name);
        if (a->w < min_side || a->h < min_side)
            fail_msg("%s %s %dx%d: target %s is %.1f x %.1f", session_screen_name(m->screen), what, w, h, name,
                     a->w, a->h);
        for (size_t j = i + 1; j < l->n; j++) {
            const struct screens_target *b = &l->t[j];
            if (overlap(a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h))
                fail_msg("%s %s: targets %zu and %zu overlap", session_screen_name(m->screen), what, i, j);
        }
        assert_ptr_equal(screens_hit(l, a->x + a->w / 2, a->y + a->h / 2), a);
        assert_ptr_equal(kt_target_find(l, name, m->municipalities, m->n_municipalities), a);
    }
    for (size_t i = 0; i < texts.n; i++) {
        const struct seen_text *t = &texts.t[i];
        if (!t->fits)
            fail_msg("%s %s: \"%s\" does not fit", session_screen_name(m->screen), what, t->utf8);
        if (!inside(t->x, t->y, t->w, t->h, 0, 0, w, h))
            fail_msg("%s %s: \"%s\" off the screen", session_screen_name(m->screen), what, t->utf8);
        double c = contrast(t->fg, t->bg);
        if (c < 7.0)
            fail_msg("%s %s: \"%s\" contrast %.2f", session_screen_name(m->screen), what, t->utf8, c);
        /* A text is a target's label (wholly inside it) or clear of all targets. */
        for (size_t k = 0; k < l->n; k++) {
            const struct screens_target *a = &l->t[k];
            if (overlap(t->x, t->y, t->w, t->h, a->x, a->y, a->w, a->h) &&
                !inside(t->x, t->y, t->w, t->h, a->x, a->y, a->w, a->h))
                fail_msg("%s %s: \"%s\" runs into a target", session_screen_name(m->screen), what, t->utf8);
        }
        for (size_t j = i + 1; j < texts.n; j++) {
            const struct seen_text *u = &texts.t[j];
            if (overlap(t->x, t->y, t->w, t->h, u->x, u->y, u->w, u->h))
                fail_msg("%s %s: \"%s\" overlaps \"%s\"", session_screen_name(m->screen), what, t->utf8, u->utf8);
        }
        if (m->lang == KOFU_LANG_EN && !t->from_center && strcmp(t->utf8, "日本語") != 0 && has_japanese(t->utf8))
            fail_msg("%s %s: Japanese on an English screen: \"%s\"", session_screen_name(m->screen), what, t->utf8);
    }
}

/* Which session buttons each screen must offer (session.c on_tap and
 * wait_kind_of): CANCEL in every state waiting for the resident (on TERMS,
 * "do not agree" is the cancel); BACK on SERVICE, TERMS, PIN, PIN_LAST_TRY,
 * KIND_COPIES, PASSPORT_NUMBERS and PASSPORT_PLACE; CONFIRM as
 * next/pay/OK, and on the passport's keypad once every box is filled. */
enum { NEVER, ALWAYS, SELECTED, NO_CARD, MRZ_COMPLETE };
static const struct {
    int back, cancel, confirm;
} expected[SESSION_SCREEN__COUNT] = {
    [SESSION_SCREEN_SERVICE] = {ALWAYS, ALWAYS, NEVER},
    [SESSION_SCREEN_TERMS] = {ALWAYS, NEVER, NEVER},
    [SESSION_SCREEN_PIN] = {ALWAYS, ALWAYS, NEVER},
    [SESSION_SCREEN_PIN_LAST_TRY] = {ALWAYS, ALWAYS, NEVER},
    [SESSION_SCREEN_MUNICIPALITY] = {NEVER, ALWAYS, SELECTED},
    [SESSION_SCREEN_KIND_COPIES] = {ALWAYS, ALWAYS, ALWAYS},
    [SESSION_SCREEN_CONFIRM] = {NEVER, ALWAYS, ALWAYS},
    [SESSION_SCREEN_PAYMENT] = {NEVER, ALWAYS, NEVER},
    [SESSION_SCREEN_ERROR] = {NEVER, NEVER, NO_CARD},
    [SESSION_SCREEN_REFUNDED] = {NEVER, NEVER, NO_CARD},
    [SESSION_SCREEN_REFUND_RECEIPT] = {NEVER, NEVER, NO_CARD},
    [SESSION_SCREEN_TIMEOUT_WARNING] = {NEVER, ALWAYS, ALWAYS},
    [SESSION_SCREEN_PASSPORT_NUMBERS] = {ALWAYS, ALWAYS, MRZ_COMPLETE},
    [SESSION_SCREEN_PASSPORT_CHECK] = {NEVER, ALWAYS, ALWAYS},
    [SESSION_SCREEN_PASSPORT_PLACE] = {ALWAYS, ALWAYS, NEVER},
};

static bool want(int rule, const struct screens_model *m)
{
    switch (rule) {
    case ALWAYS:
        return true;
    case SELECTED:
        return m->municipality >= 0 && (size_t)m->municipality < m->n_municipalities;
    case NO_CARD:
        return !m->card_on_reader;
    case MRZ_COMPLETE:
        for (int f = 0; f < SESSION_MRZ__FIELDS; f++)
            if (m->mrz_len[f] < (f == SESSION_MRZ_DOCNO ? 1 : session_mrz_field_max(f)))
                return false;
        return true;
    default:
        return false;
    }
}

static void check_session_buttons(const struct screens_sample *sm, const struct screens_model *m,
                                  const struct screens_layout *l)
{
    const char *sc = session_screen_name(m->screen);
    if (has_target(l, SCREENS_T_BUTTON, SESSION_BTN_BACK) != want(expected[m->screen].back, m))
        fail_msg("%s %s: back target wrong", sc, sm->variant);
    if (has_target(l, SCREENS_T_BUTTON, SESSION_BTN_CANCEL) != want(expected[m->screen].cancel, m))
        fail_msg("%s %s: cancel target wrong", sc, sm->variant);
    if (has_target(l, SCREENS_T_BUTTON, SESSION_BTN_CONFIRM) != want(expected[m->screen].confirm, m))
        fail_msg("%s %s: confirm target wrong", sc, sm->variant);
}

/* ---- tests ---- */

static int setup(void **state)
{
    (void)state;
    return screens_init() == KOFU_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    screens_free();
    return 0;
}

static void every_screen_at(int w, int h)
{
    cairo_surface_t *preview = screens_sample_preview(w, h);
    assert_non_null(preview);
    bool covered[SESSION_SCREEN__COUNT] = {false};
    for (int lang = 0; lang < 2; lang++) {
        size_t n = screens_samples(samples, SAMPLES_MAX, (enum kofu_lang)lang, preview);
        assert_true(n > 0 && n < SAMPLES_MAX);
        for (size_t i = 0; i < n; i++) {
            struct screens_layout l;
            int rc = draw(&samples[i].m, w, h, &l);
            if (rc != KOFU_OK)
                fail_msg("%s %s %s %dx%d: %s", session_screen_name(samples[i].m.screen), samples[i].variant,
                         lang ? "en" : "ja", w, h, kofu_err_name(rc));
            check_frame(&samples[i], &samples[i].m, w, h, &l);
            check_session_buttons(&samples[i], &samples[i].m, &l);
            covered[samples[i].m.screen] = true;
        }
    }
    for (int s = 0; s < SESSION_SCREEN__COUNT; s++)
        if (!covered[s])
            fail_msg("screen %s has no sample", session_screen_name((enum session_screen)s));
    cairo_surface_destroy(preview);
}

static void test_every_screen_1280x800(void **state)
{
    (void)state;
    every_screen_at(1280, 800);
}

static void test_every_screen_800x480(void **state)
{
    (void)state;
    every_screen_at(800, 480);
}

static void test_other_sizes(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1024, 600}, {1920, 1080}, {800, 600}, {1280, 1024}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = screens_samples(samples, SAMPLES_MAX, KOFU_LANG_EN, NULL);
        for (size_t i = 0; i < n; i++) {
            struct screens_layout l;
            assert_int_equal(draw(&samples[i].m, sizes[k][0], sizes[k][1], &l), KOFU_OK);
            check_frame(&samples[i], &samples[i].m, sizes[k][0], sizes[k][1], &l);
        }
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    struct screens_model m = samples_base(SESSION_SCREEN_IDLE, KOFU_LANG_JA);
    struct screens_layout l;
    assert_int_equal(draw(&m, 799, 480, &l), KOFU_E_ARG);
    assert_int_equal(draw(&m, 800, 479, &l), KOFU_E_ARG);
    m.screen = SESSION_SCREEN__COUNT;
    assert_int_equal(draw(&m, 800, 480, &l), KOFU_E_ARG);
    m = samples_base(SESSION_SCREEN_PIN, KOFU_LANG_JA);
    m.pin_layout[0] = m.pin_layout[1];
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_E_ARG);
    m = samples_base(SESSION_SCREEN_MUNICIPALITY, KOFU_LANG_JA);
    m.municipalities = NULL;
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_E_ARG);
    assert_int_equal(screens_draw(NULL, 1280, 800, &m, &l), KOFU_E_ARG);
}

/* A name that cannot fit even shrunk is drawn cut and reported. */
static void test_text_that_cannot_fit(void **state)
{
    (void)state;
    struct center_municipality long_one[1];
    memset(long_one, 0, sizeof long_one);
    snprintf(long_one[0].code, sizeof long_one[0].code, "999999");
    /* 64 wide letters: more than two lines of a button even at 70 %. */
    memset(long_one[0].name_en, 'W', sizeof long_one[0].name_en - 1);
    snprintf(long_one[0].name_ja, sizeof long_one[0].name_ja, "東京都千代田区");
    struct screens_model m = samples_base(SESSION_SCREEN_MUNICIPALITY, KOFU_LANG_EN);
    m.municipalities = long_one;
    m.n_municipalities = 1;
    struct screens_layout l;
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_E_RENDER);
    /* ... and a glyph none of the screen face's families has (Hangul). */
    snprintf(long_one[0].name_en, sizeof long_one[0].name_en, "서울");
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_E_RENDER);
}

static void test_palette_contrast(void **state)
{
    (void)state;
    unsigned fg, bg;
    size_t n = 0;
    for (size_t i = 0; screens_palette_pair(i, &fg, &bg); i++, n++) {
        double c = contrast(fg, bg);
        if (c < 7.0)
            fail_msg("palette pair %06x on %06x: %.2f:1", fg, bg, c);
    }
    assert_true(n >= 8);
    /* The formula itself: black on white is 21:1. */
    assert_true(fabs(contrast(0x000000, 0xFFFFFF) - 21.0) < 1e-9);
}

static void test_disabled_controls(void **state)
{
    (void)state;
    struct screens_layout l;
    struct screens_model m = samples_base(SESSION_SCREEN_KIND_COPIES, KOFU_LANG_JA);
    m.copies = 1;
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_OK);
    assert_null(kt_target_find(&l, "minus", NULL, 0));
    assert_non_null(kt_target_find(&l, "plus", NULL, 0));
    assert_non_null(kt_target_find(&l, "domestic", NULL, 0));
    assert_non_null(kt_target_find(&l, "overseas", NULL, 0));
    m.copies = m.max_copies;
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_OK);
    assert_non_null(kt_target_find(&l, "minus", NULL, 0));
    assert_null(kt_target_find(&l, "plus", NULL, 0));

    m = samples_base(SESSION_SCREEN_MUNICIPALITY, KOFU_LANG_EN);
    m.municipalities = samples_munis_long;
    m.n_municipalities = SAMPLES_N(samples_munis_long);
    for (int page = 0; page < 3; page++) {
        m.municipality_page = page;
        assert_int_equal(draw(&m, 1280, 800, &l), KOFU_OK);
        assert_true((kt_target_find(&l, "prev-page", NULL, 0) != NULL) == (page > 0));
        assert_true((kt_target_find(&l, "next-page", NULL, 0) != NULL) == (page < 2));
        size_t first = (size_t)page * SCREENS_MUNICIPALITIES_PER_PAGE;
        for (size_t i = 0; i < m.n_municipalities; i++) {
            char name[32];
            snprintf(name, sizeof name, "municipality-%.6s", samples_munis_long[i].code);
            bool on_page = i >= first && i < first + SCREENS_MUNICIPALITIES_PER_PAGE;
            const struct screens_target *t = kt_target_find(&l, name, m.municipalities, m.n_municipalities);
            assert_true((t != NULL) == on_page);
            if (t)
                assert_int_equal(t->index, (int)i);
        }
        assert_null(kt_target_find(&l, "ok", NULL, 0)); /* nothing selected */
    }
    /* Short list: no paging. */
    m = samples_base(SESSION_SCREEN_MUNICIPALITY, KOFU_LANG_EN);
    m.municipality = 1;
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_OK);
    assert_null(kt_target_find(&l, "next-page", NULL, 0));
    assert_non_null(kt_target_find(&l, "ok", NULL, 0));
}

static void test_names_round_trip(void **state)
{
    (void)state;
    char buf[64];
    struct screens_target t = {.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_MUNICIPALITY, .index = 2};
    assert_int_equal(kt_target_name(&t, samples_munis_short, SAMPLES_N(samples_munis_short), buf, sizeof buf),
                     (int)strlen("municipality-141003"));
    assert_string_equal(buf, "municipality-141003");
    assert_true(kt_target_name(&t, NULL, 0, buf, sizeof buf) > 0);
    assert_string_equal(buf, "municipality-2");
    t.index = 9; /* outside the list */
    assert_int_equal(kt_target_name(&t, samples_munis_short, SAMPLES_N(samples_munis_short), buf, sizeof buf), -1);
    t = (struct screens_target){.kind = SCREENS_T_DIGIT, .index = 7};
    assert_true(kt_target_name(&t, NULL, 0, buf, sizeof buf) > 0);
    assert_string_equal(buf, "digit-7");
    assert_int_equal(kt_target_name(&t, NULL, 0, buf, 7), -1); /* no room for the NUL */
    static const struct {
        struct screens_target t;
        const char *name;
    } fixed[] = {
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_SERVICE}, "service"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_BACK}, "back"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_CANCEL}, "cancel"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_LANGUAGE}, "language"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_KIND, .cert_kind = CENTER_DOMESTIC}, "domestic"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_KIND, .cert_kind = CENTER_OVERSEAS}, "overseas"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_COPIES_PLUS}, "plus"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_COPIES_MINUS}, "minus"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_CONFIRM}, "ok"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_LAST_TRY_YES}, "yes"},
        {{.kind = SCREENS_T_BUTTON, .button = SESSION_BTN_LAST_TRY_NO}, "no"},
        {{.kind = SCREENS_T_PIN_DELETE}, "delete"},
        {{.kind = SCREENS_T_PIN_ENTER}, "enter"},
        {{.kind = SCREENS_T_PAGE_PREV}, "prev-page"},
        {{.kind = SCREENS_T_PAGE_NEXT}, "next-page"},
    };
    struct screens_layout l = {0};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        assert_true(kt_target_name(&fixed[i].t, NULL, 0, buf, sizeof buf) > 0);
        assert_string_equal(buf, fixed[i].name);
        l.t[l.n] = fixed[i].t;
        l.t[l.n].x = (double)i * 100;
        l.t[l.n].w = 90;
        l.t[l.n].h = 90;
        l.n++;
    }
    for (size_t i = 0; i < l.n; i++)
        assert_ptr_equal(kt_target_find(&l, fixed[i].name, NULL, 0), &l.t[i]);
    assert_null(kt_target_find(&l, "nothing", NULL, 0));
    assert_null(screens_hit(&l, 95, 10)); /* between two targets */
}

/* The key that shows digit d is the key for digit d: the label drawn inside
 * the target named digit-d is "d", and a touch at its centre gives index d. */
static void test_pin_pad_follows_layout(void **state)
{
    (void)state;
    for (int round = 0; round < 20; round++) {
        struct screens_model m = samples_base(SESSION_SCREEN_PIN, round % 2 ? KOFU_LANG_EN : KOFU_LANG_JA);
        assert_int_equal(screens_shuffle_pin_pad(m.pin_layout), KOFU_OK);
        m.pin_digits = round % 5;
        struct screens_layout l;
        int w = round < 10 ? 1280 : 800, h = round < 10 ? 800 : 480;
        assert_int_equal(draw(&m, w, h, &l), KOFU_OK);
        const struct screens_target *keys[10];
        for (int d = 0; d < 10; d++) {
            char name[32];
            snprintf(name, sizeof name, "digit-%d", d);
            const struct screens_target *t = kt_target_find(&l, name, NULL, 0);
            assert_non_null(t);
            keys[d] = t;
            const struct screens_target *hit = screens_hit(&l, t->x + t->w / 2, t->y + t->h / 2);
            assert_non_null(hit);
            assert_int_equal(hit->kind, SCREENS_T_DIGIT);
            assert_int_equal(hit->index, d);
            bool labelled = false;
            for (size_t i = 0; i < texts.n; i++) {
                char want_label[16];
                snprintf(want_label, sizeof want_label, "%d", d);
                if (strcmp(texts.t[i].utf8, want_label) == 0 &&
                    inside(texts.t[i].x, texts.t[i].y, texts.t[i].w, texts.t[i].h, t->x, t->y, t->w, t->h))
                    labelled = true;
            }
            assert_true(labelled);
        }
        /* Reading order: position p (three rows of three, then the bottom
         * middle) shows pin_layout[p]. */
        for (int p = 0; p < 10; p++) {
            for (int q = 0; q < 10; q++) {
                int rp = p < 9 ? p / 3 : 3, cp = p < 9 ? p % 3 : 1, rq = q < 9 ? q / 3 : 3, cq = q < 9 ? q % 3 : 1;
                const struct screens_target *a = keys[m.pin_layout[p]], *b = keys[m.pin_layout[q]];
                assert_true((rp < rq) == (a->y + 1 < b->y));
                assert_true((rp == rq) == (fabs(a->y - b->y) < 1));
                assert_true((cp < cq) == (a->x + 1 < b->x));
                assert_true((cp == cq) == (fabs(a->x - b->x) < 1));
            }
        }
        assert_non_null(kt_target_find(&l, "delete", NULL, 0));
        assert_non_null(kt_target_find(&l, "enter", NULL, 0));
    }
}

static void test_shuffle_is_uniform(void **state)
{
    (void)state;
    enum { N = 20000 };
    int first[10] = {0}, last[10] = {0};
    for (int i = 0; i < N; i++) {
        unsigned char l[10];
        assert_int_equal(screens_shuffle_pin_pad(l), KOFU_OK);
        unsigned seen = 0;
        for (int k = 0; k < 10; k++) {
            assert_true(l[k] <= 9);
            seen |= 1u << l[k];
        }
        assert_int_equal(seen, 0x3FF);
        first[l[0]]++;
        last[l[9]]++;
    }
    for (int d = 0; d < 10; d++) {
        if (first[d] < N / 10 * 0.8 || first[d] > N / 10 * 1.2 || last[d] < N / 10 * 0.8 || last[d] > N / 10 * 1.2)
            fail_msg("digit %d: %d times first, %d times last of %d", d, first[d], last[d], N);
    }
    assert_int_equal(screens_shuffle_pin_pad(NULL), KOFU_E_ARG);
}

static void test_formats(void **state)
{
    (void)state;
    char b[64];
    screens_format_yen(b, sizeof b, 1200, KOFU_LANG_JA);
    assert_string_equal(b, "1,200円");
    screens_format_yen(b, sizeof b, 1200, KOFU_LANG_EN);
    assert_string_equal(b, "¥1,200");
    screens_format_yen(b, sizeof b, 120, KOFU_LANG_EN);
    assert_string_equal(b, "¥120");
    screens_format_yen(b, sizeof b, 1234567, KOFU_LANG_JA);
    assert_string_equal(b, "1,234,567円");
    screens_format_yen(b, sizeof b, 0, KOFU_LANG_JA);
    assert_string_equal(b, "0円");
    screens_format_hours(b, sizeof b, 6 * 60 + 30, 23 * 60, KOFU_LANG_EN);
    assert_string_equal(b, "06:30–23:00");
    screens_format_hours(b, sizeof b, 6 * 60 + 30, 23 * 60, KOFU_LANG_JA);
    assert_string_equal(b, "06:30〜23:00");
    screens_format_hours(b, sizeof b, 0, 0, KOFU_LANG_EN);
    assert_string_equal(b, "Open 24 hours");
    screens_format_hours(b, sizeof b, 0, 24 * 60, KOFU_LANG_EN); /* "00:00-24:00" in /config */
    assert_string_equal(b, "Open 24 hours");
    screens_format_hours(b, sizeof b, 9 * 60, 24 * 60, KOFU_LANG_JA);
    assert_string_equal(b, "09:00〜24:00");
    screens_format_hours(b, sizeof b, 22 * 60, 2 * 60, KOFU_LANG_EN);
    assert_string_equal(b, "22:00–02:00");
    screens_fill(b, sizeof b, "{1} / {2} ページ", "1", "3");
    assert_string_equal(b, "1 / 3 ページ");
    screens_fill(b, 4, "{1}abc", "xyz", NULL);
    assert_string_equal(b, "xyz");
    /* Every word exists in both languages and English has no Japanese
     * (except the language switch, which names Japanese in Japanese). */
    for (int w = 0; w < SCRW__COUNT; w++) {
        assert_true(screens_word((enum screens_word)w, KOFU_LANG_JA)[0] != '\0');
        const char *en = screens_word((enum screens_word)w, KOFU_LANG_EN);
        assert_true(en[0] != '\0');
        if (w != SCRW_LANGUAGE && has_japanese(en))
            fail_msg("word %d: Japanese in English: %s", w, en);
    }
}

static void test_preview_size(void **state)
{
    (void)state;
    int w = 0, h = 0;
    assert_int_equal(screens_preview_size(1280, 800, &w, &h), KOFU_OK);
    assert_true(w > 200 && h > 300 && fabs((double)h / w - sqrt(2.0)) < 0.02);
    assert_int_equal(screens_preview_size(700, 400, &w, &h), KOFU_E_ARG);
    /* A preview of another size is scaled to the same box. */
    cairo_surface_t *big = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1240, 1754);
    struct screens_model m = samples_base(SESSION_SCREEN_CONFIRM, KOFU_LANG_JA);
    m.preview = big;
    m.amount_yen = 120;
    struct screens_layout l;
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_OK);
    cairo_surface_destroy(big);
}


/* The frame's pixels, for comparing two frames. */
static cairo_surface_t *render(const struct screens_model *m, int w, int h, struct screens_layout *l)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    assert_int_equal(screens_draw(cr, w, h, m, l), KOFU_OK);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static bool same_pixels(cairo_surface_t *a, cairo_surface_t *b)
{
    int h = cairo_image_surface_get_height(a), stride = cairo_image_surface_get_stride(a);
    return memcmp(cairo_image_surface_get_data(a), cairo_image_surface_get_data(b), (size_t)stride * (size_t)h) == 0;
}

/* TERMS: the center's text a page at a time, up and down only where there
 * is somewhere to go, the page of pages, the answers; every size. */
static void test_terms_pages(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1280, 800}, {800, 480}, {1920, 1080}};
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        int w = sizes[z][0], h = sizes[z][1];
        for (int lang = 0; lang < 2; lang++) {
            struct screens_model m = samples_base(SESSION_SCREEN_TERMS, (enum kofu_lang)lang);
            struct screens_layout l;
            assert_int_equal(draw(&m, w, h, &l), KOFU_OK);
            int pages = l.terms_pages;
            assert_true(pages >= 2); /* the sample needs scrolling at every size */
            assert_int_equal(l.terms_page, 0);
            assert_null(kt_target_find(&l, "terms-up", NULL, 0));
            assert_non_null(kt_target_find(&l, "terms-down", NULL, 0));
            assert_non_null(kt_target_find(&l, "agree", NULL, 0));
            assert_non_null(kt_target_find(&l, "disagree", NULL, 0));
            bool text_seen = false, indicator_seen = false;
            char want[64];
            snprintf(want, sizeof want, lang ? "Page 1 of %d" : "1 / %d ページ", pages);
            for (size_t i = 0; i < texts.n; i++) {
                text_seen = text_seen || (texts.t[i].from_center && texts.t[i].fits);
                indicator_seen = indicator_seen || !strcmp(texts.t[i].utf8, want);
            }
            assert_true(text_seen);
            assert_true(indicator_seen);
            /* Every page is another picture; past the end is the last page. */
            cairo_surface_t *first = render(&m, w, h, &l);
            m.terms_page = 1;
            cairo_surface_t *second = render(&m, w, h, &l);
            assert_int_equal(l.terms_page, 1);
            assert_false(same_pixels(first, second));
            m.terms_page = 1000;
            assert_int_equal(draw(&m, w, h, &l), KOFU_OK);
            assert_int_equal(l.terms_page, pages - 1);
            assert_non_null(kt_target_find(&l, "terms-up", NULL, 0));
            assert_null(kt_target_find(&l, "terms-down", NULL, 0));
            m.terms_page = -3;
            assert_int_equal(draw(&m, w, h, &l), KOFU_OK);
            assert_int_equal(l.terms_page, 0);
            cairo_surface_destroy(first);
            cairo_surface_destroy(second);
            /* A short text: one page, no scrolling. */
            m.terms_ja = samples_terms_short_ja;
            m.terms_en = samples_terms_short_en;
            assert_int_equal(draw(&m, w, h, &l), KOFU_OK);
            assert_int_equal(l.terms_pages, 1);
            assert_null(kt_target_find(&l, "terms-up", NULL, 0));
            assert_null(kt_target_find(&l, "terms-down", NULL, 0));
        }
    }
    /* Without the center's terms there is nothing to agree to. */
    struct screens_model m = samples_base(SESSION_SCREEN_TERMS, KOFU_LANG_JA);
    struct screens_layout l;
    m.terms_en = NULL;
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_E_ARG);
    m.terms_en = "";
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_E_ARG);
    /* Only the TERMS screen reports pages. */
    m = samples_base(SESSION_SCREEN_SERVICE, KOFU_LANG_JA);
    assert_int_equal(draw(&m, 1280, 800, &l), KOFU_OK);
    assert_int_equal(l.terms_pages, 0);
}

static bool text_drawn(const char *utf8)
{
    for (size_t i = 0; i < texts.n; i++)
        if (!strcmp(texts.t[i].utf8, utf8))
            return true;
    return false;
}

/* A text that cannot all be shown cannot be agreed to: the drawing fails,
 * a notice stands in its place, and of the answers only back and "do not
 * agree" remain. */
static void expect_terms_unshown(const char *ja, int w, int h)
{
    struct screens_model m = samples_base(SESSION_SCREEN_TERMS, KOFU_LANG_JA);
    struct screens_layout l;
    m.terms_ja = ja;
    m.terms_page = 3;
    if (draw(&m, w, h, &l) != KOFU_E_RENDER)
        fail_msg("%dx%d: terms that cannot all be shown drawn without a failure", w, h);
    if (kt_target_find(&l, "agree", NULL, 0))
        fail_msg("%dx%d: \"agree\" under terms that cannot all be shown", w, h);
    assert_non_null(kt_target_find(&l, "disagree", NULL, 0));
    assert_non_null(kt_target_find(&l, "back", NULL, 0));
    assert_null(kt_target_find(&l, "terms-up", NULL, 0));
    assert_null(kt_target_find(&l, "terms-down", NULL, 0));
    assert_int_equal(l.terms_pages, 0);
    assert_true(text_drawn(screens_word(SCRW_TERMS_UNSHOWN, KOFU_LANG_JA)));
}

/* widest × k, a one-letter word and a space, to the byte cap less lead's
 * bytes: every other line breaks early before a word that does not fit. */
static char *worst_text(const char *lead, char widest, int k)
{
    static char t[CENTER_TERMS_TEXT_MAX + 1];
    size_t n = strlen(lead), j = n;
    memcpy(t, lead, n);
    while (j < CENTER_TERMS_TEXT_MAX) {
        int q = (int)((j - n) % (size_t)(k + 3));
        t[j++] = q < k ? widest : q == k ? ' ' : q == k + 1 ? 'i' : ' ';
    }
    t[j] = '\0';
    return t;
}

static void test_terms_all_or_nothing(void **state)
{
    (void)state;
    static const int sizes[][2] = {{1280, 800}, {800, 480}, {1920, 1080}};
    /* "agree" on every page of a text that fits. */
    for (int lang = 0; lang < 2; lang++) {
        struct screens_model m = samples_base(SESSION_SCREEN_TERMS, (enum kofu_lang)lang);
        struct screens_layout l;
        assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
        int pages = l.terms_pages;
        for (m.terms_page = 0; m.terms_page < pages; m.terms_page++) {
            assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
            assert_non_null(kt_target_find(&l, "agree", NULL, 0));
            assert_false(text_drawn(screens_word(SCRW_TERMS_UNSHOWN, (enum kofu_lang)lang)));
        }
    }
    static char many[2 * 8000 + 1];
    for (size_t i = 0; i < 8000; i++)
        memcpy(many + 2 * i, "x\n", 2);
    many[2 * 8000 - 1] = '\0';
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        /* A character no font has (U+1F600, not in IPAexGothic). */
        expect_terms_unshown("見本 \xF0\x9F\x98\x80", sizes[z][0], sizes[z][1]);
        /* More pages than the screen keeps (8000 lines: past the protocol's
         * limit, so only a center out of its rules could send it). */
        expect_terms_unshown(many, sizes[z][0], sizes[z][1]);
    }

    /* The protocol's limits fit the screen: the worst texts a center may
     * send, at the smallest size (the most lines per text, the fewest per
     * page), in both languages — the widest letters, a break before every
     * other word, and every line feed allowed making a line of its own. */
    static char lead[2 * CENTER_TERMS_LINES_MAX + 1];
    for (size_t i = 0; i + 1 < CENTER_TERMS_LINES_MAX; i++)
        memcpy(lead + 2 * i, "x\n", 2);
    lead[2 * (CENTER_TERMS_LINES_MAX - 1)] = '\0';
    static const char widest[] = "WM@";
    int most = 0;
    for (int lang = 0; lang < 2; lang++)
        for (const char *c = widest; *c; c++)
            for (int k = 12; k <= 48; k += 2)
                for (int with_lead = 0; with_lead < 2; with_lead++) {
                    struct screens_model m = samples_base(SESSION_SCREEN_TERMS, (enum kofu_lang)lang);
                    struct screens_layout l;
                    const char *t = worst_text(with_lead ? lead : "", *c, k);
                    m.terms_ja = m.terms_en = t;
                    if (draw(&m, 800, 480, &l) != KOFU_OK || !kt_target_find(&l, "agree", NULL, 0))
                        fail_msg("a text within the protocol's limits (%c, %d, lead %d) cannot be agreed to", *c,
                                 k, with_lead);
                    most = l.terms_pages > most ? l.terms_pages : most;
                }
    print_message("the longest text within the protocol's limits: %d pages at 800x480\n", most);
}

/* ---- against the session itself ---- */

struct drive {
    struct session s;
    uint64_t now;
    struct session_actions out;
};

static void feed(struct drive *d, struct session_event ev)
{
    d->now += 100;
    session_step(&d->s, &ev, d->now, &d->out);
}

static struct session_event ev_of(enum session_event_kind k) { return kt_event(k); }

/* The screen the session shows now, as the kiosk would draw it. */
static void draw_session(const struct drive *d, struct screens_layout *l)
{
    struct screens_model m = samples_base(d->s.screen, d->s.lang);
    m.card_on_reader = d->s.card_present;
    m.municipality = d->s.municipality;
    m.copies = d->s.copies;
    m.max_copies = d->s.center.max_copies;
    m.err = d->s.err;
    m.cert_kind = d->s.cert_kind;
    m.mrz_field = d->s.mrz_field;
    memcpy(m.mrz_len, d->s.mrz_len, sizeof m.mrz_len);
    assert_int_equal(draw(&m, 1280, 800, l), KOFU_OK);
}

/* Tap the target called name as the kiosk would: its button and index. */
static void tap_target(struct drive *d, const struct screens_layout *l, const char *name)
{
    const struct screens_target *t = kt_target_find(l, name, samples_munis_short, SAMPLES_N(samples_munis_short));
    if (!t)
        fail_msg("no target %s on %s", name, session_screen_name(d->s.screen));
    if (t->kind == SCREENS_T_MRZ_CHAR || t->kind == SCREENS_T_MRZ_DELETE || t->kind == SCREENS_T_MRZ_NEXT) {
        struct session_event k = ev_of(t->kind == SCREENS_T_MRZ_CHAR     ? SESSION_EV_MRZ_CHAR
                                       : t->kind == SCREENS_T_MRZ_DELETE ? SESSION_EV_MRZ_DELETE
                                                                          : SESSION_EV_MRZ_FIELD);
        k.index = (d->s.mrz_field + 1) % SESSION_MRZ__FIELDS; /* MRZ_FIELD: the next box, as the kiosk does */
        feed(d, k);
        return;
    }
    struct session_event e = kt_tap(t->button);
    e.index = t->index;
    e.cert_kind = t->cert_kind;
    feed(d, e);
}

static void drive_to_service(struct drive *d)
{
    memset(d, 0, sizeof *d);
    session_init(&d->s, NULL, 0);
    struct session_event e = ev_of(SESSION_EV_CONFIG);
    e.config = (struct session_center_config){6 * 60 + 30, 23 * 60, 120, 10, (int)SAMPLES_N(samples_munis_short)};
    feed(d, e);
    feed(d, ev_of(SESSION_EV_TICK));
    feed(d, ev_of(SESSION_EV_CARD_INSERTED));
    assert_int_equal(d->s.state, SESSION_SERVICE);
}

/* SERVICE → TERMS → agree → the card checked → PIN, through the drawn targets. */
static void drive_service_to_pin(struct drive *d, struct screens_layout *l)
{
    draw_session(d, l);
    tap_target(d, l, "service");
    assert_int_equal(d->s.state, SESSION_TERMS);
    draw_session(d, l);
    tap_target(d, l, "agree");
    assert_int_equal(d->s.state, SESSION_CARD_PLACED);
    struct session_event e = ev_of(SESSION_EV_CARD_CHECKED);
    e.tries_left = 3;
    feed(d, e);
    assert_int_equal(d->s.state, SESSION_PIN);
}

static void drive_to_municipality(struct drive *d, struct screens_layout *l)
{
    drive_to_service(d);
    drive_service_to_pin(d, l);
    for (int i = 0; i < 4; i++)
        feed(d, ev_of(SESSION_EV_PIN_DIGIT));
    feed(d, ev_of(SESSION_EV_PIN_SUBMIT));
    struct session_event e = ev_of(SESSION_EV_CARD_READ);
    e.tries_left = 3;
    feed(d, e);
    assert_int_equal(d->s.state, SESSION_TAKE_CARD);
    feed(d, ev_of(SESSION_EV_CARD_REMOVED));
    assert_int_equal(d->s.state, SESSION_MUNICIPALITY);
}

static void test_session_takes_what_is_drawn(void **state)
{
    (void)state;
    struct drive d;
    struct screens_layout l;
    struct session_event e;

    /* SERVICE: back ends the visit (the card is still there: take it). */
    drive_to_service(&d);
    draw_session(&d, &l);
    tap_target(&d, &l, "back");
    assert_int_equal(d.s.state, SESSION_TAKE_CARD);

    /* TERMS: back returns to SERVICE; "do not agree" ends the visit (the
     * card is still there: take it), nothing sent to the card. */
    drive_to_service(&d);
    draw_session(&d, &l);
    tap_target(&d, &l, "service");
    assert_int_equal(d.s.state, SESSION_TERMS);
    draw_session(&d, &l);
    tap_target(&d, &l, "back");
    assert_int_equal(d.s.state, SESSION_SERVICE);
    draw_session(&d, &l);
    tap_target(&d, &l, "service");
    draw_session(&d, &l);
    tap_target(&d, &l, "disagree");
    assert_int_equal(d.s.state, SESSION_TAKE_CARD);

    /* PIN: cancel reacts; back goes to SERVICE. */
    drive_to_service(&d);
    drive_service_to_pin(&d, &l);
    draw_session(&d, &l);
    tap_target(&d, &l, "back");
    assert_int_equal(d.s.state, SESSION_SERVICE);
    drive_service_to_pin(&d, &l);
    draw_session(&d, &l);
    tap_target(&d, &l, "cancel");
    assert_int_equal(d.s.state, SESSION_TAKE_CARD);

    /* Language on every state reached: the session answers with a screen. */
    drive_to_service(&d);
    draw_session(&d, &l);
    tap_target(&d, &l, "language");
    assert_int_equal(d.s.lang, KOFU_LANG_EN);
    assert_true(d.out.n > 0);

    /* MUNICIPALITY: no back drawn, and the session would ignore one; a
     * municipality target selects, then ok goes on. */
    drive_to_municipality(&d, &l);
    draw_session(&d, &l);
    assert_null(kt_target_find(&l, "back", NULL, 0));
    assert_null(kt_target_find(&l, "ok", NULL, 0));
    struct session_event back = kt_tap(SESSION_BTN_BACK);
    feed(&d, back);
    assert_int_equal(d.out.n, 0);
    tap_target(&d, &l, "municipality-131024");
    assert_int_equal(d.s.municipality, 1);
    draw_session(&d, &l);
    tap_target(&d, &l, "ok");
    assert_int_equal(d.s.state, SESSION_KIND_COPIES);

    /* KIND_COPIES: the kind and copies targets drive the session; back returns. */
    draw_session(&d, &l);
    assert_null(kt_target_find(&l, "minus", NULL, 0));
    tap_target(&d, &l, "overseas");
    assert_int_equal(d.s.cert_kind, CENTER_OVERSEAS);
    tap_target(&d, &l, "plus");
    assert_int_equal(d.s.copies, 2);
    draw_session(&d, &l);
    tap_target(&d, &l, "minus");
    assert_int_equal(d.s.copies, 1);
    tap_target(&d, &l, "back");
    assert_int_equal(d.s.state, SESSION_MUNICIPALITY);
    draw_session(&d, &l);
    tap_target(&d, &l, "ok");
    draw_session(&d, &l);
    tap_target(&d, &l, "ok");
    assert_int_equal(d.s.state, SESSION_PASSPORT_NUMBERS); /* overseas: the passport's numbers */

    /* PASSPORT_NUMBERS: the keypad's targets drive the counts; "ok" is drawn
     * (and taken) only once every box is filled. */
    static const char *const typed[] = {"T", "Z", "1", "2", "3", "4", "5", "6", "7", "4", "3", "1", "0", "3", "3", "1", "2"};
    for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++) {
        draw_session(&d, &l);
        assert_null(kt_target_find(&l, "ok", NULL, 0));
        char name[16];
        snprintf(name, sizeof name, "mrz-%s", typed[i]);
        tap_target(&d, &l, name);
    }
    const int full[SESSION_MRZ__FIELDS] = {9, 1, 6, 1};
    assert_memory_equal(d.s.mrz_len, full, sizeof full);
    draw_session(&d, &l);
    tap_target(&d, &l, "mrz-erase");
    assert_int_equal(d.s.mrz_len[SESSION_MRZ_EXPIRY_CD], 0);
    draw_session(&d, &l);
    assert_null(kt_target_find(&l, "ok", NULL, 0));
    tap_target(&d, &l, "mrz-2");
    draw_session(&d, &l);
    tap_target(&d, &l, "ok");
    assert_true(d.out.n > 0);
    assert_int_equal(d.out.a[0].kind, SESSION_ACT_CHECK_MRZ);
    /* The numbers refused by their check digits: "check the numbers", its ok back to the keypad. */
    e = ev_of(SESSION_EV_MRZ_CHECKED);
    e.err = KOFU_E_MRZ_FORMAT;
    feed(&d, e);
    assert_int_equal(d.s.state, SESSION_PASSPORT_CHECK);
    draw_session(&d, &l);
    assert_null(kt_target_find(&l, "back", NULL, 0));
    tap_target(&d, &l, "ok");
    assert_int_equal(d.s.state, SESSION_PASSPORT_NUMBERS);
    draw_session(&d, &l);
    tap_target(&d, &l, "mrz-next"); /* from the last box round to the first */
    assert_int_equal(d.s.mrz_field, SESSION_MRZ_DOCNO);
    draw_session(&d, &l);
    tap_target(&d, &l, "ok");
    feed(&d, ev_of(SESSION_EV_MRZ_CHECKED));
    assert_int_equal(d.s.state, SESSION_PASSPORT_PLACE);
    /* PASSPORT_PLACE: back to the keypad, back again to the kind. */
    draw_session(&d, &l);
    tap_target(&d, &l, "back");
    assert_int_equal(d.s.state, SESSION_PASSPORT_NUMBERS);
    draw_session(&d, &l);
    tap_target(&d, &l, "back");
    assert_int_equal(d.s.state, SESSION_KIND_COPIES);
    draw_session(&d, &l);
    tap_target(&d, &l, "domestic");
    draw_session(&d, &l);
    tap_target(&d, &l, "ok");
    assert_int_equal(d.s.state, SESSION_REQUESTING);
    /* REQUESTING: nothing but the language switch. */
    draw_session(&d, &l);
    assert_int_equal(l.n, 1);

    /* CONFIRM: no back (the session ignores it); cancel ends the visit. */
    e = ev_of(SESSION_EV_CENTER_RESULT);
    feed(&d, e);
    assert_int_equal(d.s.state, SESSION_CONFIRM);
    draw_session(&d, &l);
    assert_null(kt_target_find(&l, "back", NULL, 0));
    feed(&d, back);
    assert_int_equal(d.out.n, 0);
    tap_target(&d, &l, "cancel");
    /* The card left at TAKE_CARD and the hours are unknown (counted open). */
    assert_int_equal(d.s.state, SESSION_IDLE);

    /* ERROR with the card on the reader: no OK drawn, and the session
     * ignores one; without the card, OK ends the notice. */
    drive_to_service(&d);
    drive_service_to_pin(&d, &l);
    for (int i = 0; i < 4; i++)
        feed(&d, ev_of(SESSION_EV_PIN_DIGIT));
    feed(&d, ev_of(SESSION_EV_PIN_SUBMIT));
    e = ev_of(SESSION_EV_CARD_READ);
    e.err = KOFU_E_CARD_COMM;
    feed(&d, e);
    assert_int_equal(d.s.state, SESSION_ERROR);
    draw_session(&d, &l);
    assert_null(kt_target_find(&l, "ok", NULL, 0));
    struct session_event ok = kt_tap(SESSION_BTN_CONFIRM);
    feed(&d, ok);
    assert_int_equal(d.s.state, SESSION_ERROR);
    feed(&d, ev_of(SESSION_EV_CARD_REMOVED));
    draw_session(&d, &l);
    tap_target(&d, &l, "ok");
    assert_int_equal(d.s.state, SESSION_IDLE);
}

/* ---- free of charge, the hours, the refusals ---- */

/* The drawn text equal to utf8, or NULL. */
static const struct seen_text *drawn(const char *utf8)
{
    for (size_t i = 0; i < texts.n; i++)
        if (!strcmp(texts.t[i].utf8, utf8))
            return &texts.t[i];
    return NULL;
}

static bool drawn_containing(const char *part)
{
    for (size_t i = 0; i < texts.n; i++)
        if (strstr(texts.t[i].utf8, part))
            return true;
    return false;
}

/* A fee of 0: the fee panel, the kind screen's total and the confirmation's
 * say "free", and the confirmation's button prints instead of going to a
 * payment that never comes. */
static void test_free_of_charge_words(void **state)
{
    (void)state;
    for (int lang = 0; lang < 2; lang++) {
        enum kofu_lang lg = (enum kofu_lang)lang;
        const char *free_word = screens_word(SCRW_FREE, lg);
        const char *pay = screens_word(SCRW_CONFIRM_PAY, lg), *print = screens_word(SCRW_CONFIRM_PRINT, lg);
        struct screens_layout l;

        struct screens_model m = samples_base(SESSION_SCREEN_IDLE, lg);
        m.fee_per_copy_yen = 0;
        assert_int_equal(draw(&m, 1280, 800, &l), KOFU_OK);
        assert_non_null(drawn(free_word));
        assert_false(drawn_containing(lang ? "¥0" : "0円"));
        m.fee_per_copy_yen = 120;
        assert_int_equal(draw(&m, 1280, 800, &l), KOFU_OK);
        assert_null(drawn(free_word));

        m = samples_base(SESSION_SCREEN_KIND_COPIES, lg);
        m.fee_per_copy_yen = 0;
        m.copies = 3;
        assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
        assert_non_null(drawn(free_word));
        assert_false(drawn_containing(lang ? "¥0" : "0円"));

        m = samples_base(SESSION_SCREEN_CONFIRM, lg);
        m.fee_per_copy_yen = 0;
        m.copies = 2;
        m.amount_yen = 0;
        assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
        assert_non_null(drawn(free_word));
        assert_non_null(drawn(print));
        assert_null(drawn(pay));
        assert_true(has_target(&l, SCREENS_T_BUTTON, SESSION_BTN_CONFIRM));
        m.fee_per_copy_yen = 120;
        m.amount_yen = 240;
        assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
        assert_null(drawn(free_word));
        assert_null(drawn(print));
        assert_non_null(drawn(pay));
    }
}

/* Outside the service hours the notice shows the hours of the center's
 * /config, never fixed ones. */
static void test_outside_hours_notice_shows_config_hours(void **state)
{
    (void)state;
    static const char *const want[2] = {"09:00〜17:00", "09:00–17:00"};
    for (int lang = 0; lang < 2; lang++) {
        for (int card = 0; card < 2; card++) {
            struct screens_model m = samples_base(SESSION_SCREEN_ERROR, (enum kofu_lang)lang);
            m.err = KOFU_E_OUTSIDE_HOURS;
            m.card_on_reader = card;
            m.open_minute = 9 * 60;
            m.close_minute = 17 * 60;
            struct screens_layout l;
            assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
            assert_non_null(drawn(kofu_err_text(KOFU_E_OUTSIDE_HOURS, m.lang)));
            assert_true(drawn_containing(want[lang]));
            assert_true(drawn_containing(screens_word(SCRW_HOURS_LABEL, m.lang)));
            assert_false(drawn_containing("6:30"));
            assert_false(drawn_containing("23:00"));
            /* Other errors say nothing of hours. */
            m.err = KOFU_E_CENTER_BUSY;
            assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
            assert_false(drawn_containing(want[lang]));
        }
    }
}

/* no-record on the municipality screen and passport-not-registered on the
 * kind screen: the center's words in place of the instruction, as a
 * warning (red); without an error the instruction is back. */
/* The passport's screens say why: the chip's refusal, and under it that
 * another person's passport is refused alike (the card's birth date is one
 * of the keys); a passport that cannot be used, in red, as it is taken
 * back; the typed characters in their boxes, one a text. */
static void test_passport_words(void **state)
{
    (void)state;
    for (int lang = 0; lang < 2; lang++) {
        struct screens_layout l;
        struct screens_model m = samples_base(SESSION_SCREEN_PASSPORT_CHECK, (enum kofu_lang)lang);
        m.err = KOFU_E_PASSPORT_KEYS;
        assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
        assert_non_null(drawn(kofu_err_text(KOFU_E_PASSPORT_KEYS, m.lang)));
        assert_non_null(drawn(screens_word(SCRW_MRZ_OWN_PASSPORT, m.lang)));
        m.err = KOFU_E_MRZ_FORMAT; /* never sent to a chip: no word about the chip */
        assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
        assert_non_null(drawn(kofu_err_text(KOFU_E_MRZ_FORMAT, m.lang)));
        assert_null(drawn(screens_word(SCRW_MRZ_OWN_PASSPORT, m.lang)));
        m = samples_base(SESSION_SCREEN_TAKE_PASSPORT, (enum kofu_lang)lang);
        m.err = KOFU_E_PASSPORT_NOT_AUTHENTIC;
        assert_int_equal(draw(&m, 800, 480, &l), KOFU_OK);
        const struct seen_text *t = drawn(kofu_err_text(KOFU_E_PASSPORT_NOT_AUTHENTIC, m.lang));
        assert_non_null(t);
        assert_int_equal(t ? t->fg : 0, 0xA01818u);
        m = samples_base(SESSION_SCREEN_PASSPORT_NUMBERS, (enum kofu_lang)lang);
        static const char *const typed[SESSION_MRZ__FIELDS] = {"TZ1234567", "6", "31", ""};
        const int len[SESSION_MRZ__FIELDS] = {9, 1, 2, 0};
        for (int f = 0; f < SESSION_MRZ__FIELDS; f++)
            m.mrz_text[f] = typed[f];
        memcpy(m.mrz_len, len, sizeof len);
        m.mrz_field = SESSION_MRZ_EXPIRY;
        assert_int_equal(draw(&m, 1280, 800, &l), KOFU_OK);
        assert_null(drawn("TZ1234567")); /* never a whole number: one character a box */
        size_t z = 0, m_hint = 0;
        for (size_t i = 0; i < texts.n; i++) {
            z += !strcmp(texts.t[i].utf8, "Z");
            m_hint += !strcmp(texts.t[i].utf8, "M");
        }
        assert_int_equal(z, 1 + 1);      /* its box and the keypad's key */
        assert_int_equal(m_hint, 2 + 1); /* the date's two empty M boxes and the key */
        assert_null(kt_target_find(&l, "ok", NULL, 0)); /* not every box filled */
    }
}

static void test_refusal_words_on_choice_screens(void **state)
{
    (void)state;
    static const struct {
        enum session_screen screen;
        int err;
        enum screens_word head;
    } cases[] = {
        {SESSION_SCREEN_MUNICIPALITY, KOFU_E_NO_RECORD, SCRW_MUNI_HEAD},
        {SESSION_SCREEN_KIND_COPIES, KOFU_E_PASSPORT_NOT_REGISTERED, SCRW_KIND_HEAD},
    };
    static const int sizes[][2] = {{1280, 800}, {800, 480}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int lang = 0; lang < 2; lang++) {
            for (size_t z = 0; z < 2; z++) {
                struct screens_model m = samples_base(cases[c].screen, (enum kofu_lang)lang);
                m.err = cases[c].err;
                struct screens_layout l;
                assert_int_equal(draw(&m, sizes[z][0], sizes[z][1], &l), KOFU_OK);
                const struct seen_text *t = drawn(kofu_err_text(cases[c].err, m.lang));
                if (!t) {
                    fail_msg("%s: the refusal's words are not drawn", session_screen_name(m.screen));
                    return;
                }
                assert_int_equal(t->fg, 0xA01818u);
                assert_true(t->fits);
                assert_null(drawn(screens_word(cases[c].head, m.lang)));
                m.err = KOFU_OK;
                assert_int_equal(draw(&m, sizes[z][0], sizes[z][1], &l), KOFU_OK);
                assert_null(drawn(kofu_err_text(cases[c].err, m.lang)));
                assert_non_null(drawn(screens_word(cases[c].head, m.lang)));
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_screen_1280x800),
        cmocka_unit_test(test_every_screen_800x480),
        cmocka_unit_test(test_other_sizes),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_terms_pages),
        cmocka_unit_test(test_terms_all_or_nothing),
        cmocka_unit_test(test_text_that_cannot_fit),
        cmocka_unit_test(test_palette_contrast),
        cmocka_unit_test(test_disabled_controls),
        cmocka_unit_test(test_names_round_trip),
        cmocka_unit_test(test_pin_pad_follows_layout),
        cmocka_unit_test(test_shuffle_is_uniform),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_preview_size),
        cmocka_unit_test(test_session_takes_what_is_drawn),
        cmocka_unit_test(test_free_of_charge_words),
        cmocka_unit_test(test_outside_hours_notice_shows_config_hours),
        cmocka_unit_test(test_refusal_words_on_choice_screens),
        cmocka_unit_test(test_passport_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
