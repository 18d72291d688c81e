/* screen_read.c — see screen_read.h. */
#include "tests/lib/screen_read.h"

#include "tests/lib/targets.h"
#include "tests/tools/screens_samples.h"
#include "ui/screens.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The thumbnail a frame is identified by: coarse enough that text reads as
 * grey texture (so a different name or amount moves it little), fine
 * enough that the headline and the buttons' shapes still tell the screens
 * apart. */
#define THUMB_W 160
#define THUMB_H 100
#define THUMB_N (THUMB_W * THUMB_H)

/* Where the eye looks for the digit ink on its reference keys, as a share
 * of the key: inside the border and the rounded corners. The glyph area it
 * then reads on every key is the box around all ten digits' ink there. */
#define INK_X0 0.1
#define INK_X1 0.9
#define INK_Y0 0.1
#define INK_Y1 0.9
/* Ink: this much darker than the key's fill (grey levels). */
#define INK_CONTRAST 48
/* The glyph area's margin around the ink, in the eye's pixels. */
#define GLYPH_MARGIN 3
/* The glyph area sampled into PATCH_W × PATCH_H cells (box averages). */
#define PATCH_W 24
#define PATCH_H 32
#define PATCH_N (PATCH_W * PATCH_H)
/* A key reads as digit d when its patch is within PAD_MATCH_MAX of d's
 * template (1 - normalised correlation) and every other template is at
 * least PAD_MARGIN further. Measured on kofu's renders (test_screen_read):
 * the right digit is within 0.05 even scaled up with noise, the next best
 * (3, 5, 6, 8 and 9 are alike) beyond 0.14. */
#define PAD_MATCH_MAX 0.10
#define PAD_MARGIN 0.06
/* A patch flatter than this (grey levels, standard deviation) shows no
 * glyph at all. */
#define PATCH_FLAT_SD 4.0

#define SAMPLES_MAX 256
/* Both languages' samples and the municipality lists' choices. */
#define REFS_MAX (2 * SAMPLES_MAX + 128)

struct ref {
    struct screens_model m; /* the sample's model (pointers into the samples, the eye's preview) */
    struct screens_layout layout;
    uint8_t thumb[THUMB_N];
};

struct sr_eye {
    int width, height;
    cairo_surface_t *surface; /* width × height, for rendering */
    uint8_t *rgb;             /* the surface as a frame */
    cairo_surface_t *preview; /* the CONFIRM samples' certificate, or NULL */
    struct ref *refs;
    size_t n_refs;
    /* The PIN pad's keys in drawing order (the design's, whatever digit is on
     * them) and each digit's template on each key (the keys sit at other
     * sub-pixel phases, which shows at small sizes), zero mean, unit norm. */
    struct screens_target keys[10];
    float tmpl[10][10][PATCH_N]; /* [key][digit] */
    double gx0, gy0, gx1, gy1; /* the glyph area, relative to a key's top left, eye pixels */
    /* sr_set_municipalities' list (owned), or none. */
    struct center_municipality *munis;
    size_t n_munis;
};

/* ---- sampling a frame ---- */

static inline unsigned grey_at(const struct sr_frame *f, int x, int y)
{
    const uint8_t *p = f->rgb + (size_t)y * f->stride + (size_t)x * 3;
    return (77u * p[0] + 150u * p[1] + 29u * p[2]) >> 8;
}

/* Pixels whose centre lies in [a, b), clipped to [0, n); at least one. */
static void span(double a, double b, int n, int *i0, int *i1)
{
    int lo = (int)ceil(a - 0.5), hi = (int)ceil(b - 0.5);
    if (hi <= lo) {
        lo = (int)floor((a + b) / 2);
        hi = lo + 1;
    }
    if (lo < 0)
        lo = 0;
    if (hi > n)
        hi = n;
    if (hi <= lo) {
        lo = lo >= n ? n - 1 : lo;
        hi = lo + 1;
    }
    *i0 = lo;
    *i1 = hi;
}

/* The mean grey of f over [x0, x1) × [y0, y1), frame pixels. */
static double area_grey(const struct sr_frame *f, double x0, double y0, double x1, double y1)
{
    int ix0, ix1, iy0, iy1;
    span(x0, x1, f->width, &ix0, &ix1);
    span(y0, y1, f->height, &iy0, &iy1);
    unsigned long sum = 0;
    for (int y = iy0; y < iy1; y++)
        for (int x = ix0; x < ix1; x++)
            sum += grey_at(f, x, y);
    return (double)sum / ((double)(ix1 - ix0) * (iy1 - iy0));
}

static bool frame_ok(const struct sr_frame *f)
{
    return f && f->rgb && f->width > 0 && f->height > 0 && f->width <= 16384 && f->height <= 16384 &&
           f->stride >= (size_t)f->width * 3;
}

static void thumbnail(const struct sr_frame *f, uint8_t out[THUMB_N])
{
    double kx = (double)f->width / THUMB_W, ky = (double)f->height / THUMB_H;
    for (int ty = 0; ty < THUMB_H; ty++)
        for (int tx = 0; tx < THUMB_W; tx++)
            out[ty * THUMB_W + tx] =
                (uint8_t)lround(area_grey(f, tx * kx, ty * ky, (tx + 1) * kx, (ty + 1) * ky));
}

/* The glyph area of key k (eye pixels) on f, scaled to f's size, as a
 * zero-mean unit-norm patch. false when the area is flat. */
static bool key_patch(const struct sr_eye *e, const struct sr_frame *f, const struct screens_target *k,
                      float out[PATCH_N])
{
    double sx = (double)f->width / e->width, sy = (double)f->height / e->height;
    double x0 = (k->x + e->gx0) * sx, x1 = (k->x + e->gx1) * sx;
    double y0 = (k->y + e->gy0) * sy, y1 = (k->y + e->gy1) * sy;
    double cw = (x1 - x0) / PATCH_W, ch = (y1 - y0) / PATCH_H, mean = 0;
    for (int py = 0; py < PATCH_H; py++)
        for (int px = 0; px < PATCH_W; px++) {
            double v = area_grey(f, x0 + px * cw, y0 + py * ch, x0 + (px + 1) * cw, y0 + (py + 1) * ch);
            out[py * PATCH_W + px] = (float)v;
            mean += v;
        }
    mean /= PATCH_N;
    double ss = 0;
    for (int i = 0; i < PATCH_N; i++) {
        out[i] -= (float)mean;
        ss += (double)out[i] * out[i];
    }
    if (sqrt(ss / PATCH_N) < PATCH_FLAT_SD)
        return false;
    float inv = (float)(1 / sqrt(ss));
    for (int i = 0; i < PATCH_N; i++)
        out[i] *= inv;
    return true;
}

static double patch_distance(const float a[PATCH_N], const float b[PATCH_N])
{
    double dot = 0;
    for (int i = 0; i < PATCH_N; i++)
        dot += (double)a[i] * b[i];
    return 1 - dot;
}

/* ---- rendering the references ---- */

/* Draw m into the eye's surface and its RGB copy; layout may be NULL. */
static int render(struct sr_eye *e, const struct screens_model *m, struct screens_layout *layout,
                  struct sr_frame *frame)
{
    cairo_t *cr = cairo_create(e->surface);
    int rc = screens_draw(cr, e->width, e->height, m, layout);
    cairo_destroy(cr);
    cairo_surface_flush(e->surface);
    const uint8_t *src = cairo_image_surface_get_data(e->surface);
    int sstride = cairo_image_surface_get_stride(e->surface);
    for (int y = 0; y < e->height; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(src + (size_t)y * (size_t)sstride);
        uint8_t *out = e->rgb + (size_t)y * (size_t)e->width * 3;
        for (int x = 0; x < e->width; x++) {
            uint32_t px = row[x]; /* CAIRO_FORMAT_RGB24: 0x00RRGGBB in native order */
            out[3 * x] = (uint8_t)(px >> 16);
            out[3 * x + 1] = (uint8_t)(px >> 8);
            out[3 * x + 2] = (uint8_t)px;
        }
    }
    *frame = (struct sr_frame){e->width, e->height, (size_t)e->width * 3, e->rgb};
    return rc;
}

/* The box around the ink of key k on f, eye pixels relative to the key,
 * merged into *x0.. (the ink: darker than the key's fill at its corner). */
static void ink_box(const struct sr_frame *f, const struct screens_target *k, double *x0, double *y0,
                    double *x1, double *y1)
{
    int ax = (int)ceil(k->x + INK_X0 * k->w), bx = (int)floor(k->x + INK_X1 * k->w);
    int ay = (int)ceil(k->y + INK_Y0 * k->h), by = (int)floor(k->y + INK_Y1 * k->h);
    unsigned fill = grey_at(f, ax, ay);
    for (int y = ay; y < by; y++)
        for (int x = ax; x < bx; x++)
            if (grey_at(f, x, y) + INK_CONTRAST < fill) {
                *x0 = fmin(*x0, x - k->x);
                *x1 = fmax(*x1, x + 1 - k->x);
                *y0 = fmin(*y0, y - k->y);
                *y1 = fmax(*y1, y + 1 - k->y);
            }
}

/* The digit keys of l in drawing order into keys; of[d] the key showing d.
 * false unless ten keys show ten distinct digits. */
static bool pad_keys(const struct screens_layout *l, struct screens_target keys[10], int of[10])
{
    for (int d = 0; d < 10; d++)
        of[d] = -1;
    int n = 0;
    for (size_t i = 0; i < l->n && i < SCREENS_TARGETS_MAX; i++) {
        if (l->t[i].kind != SCREENS_T_DIGIT)
            continue;
        if (n >= 10 || l->t[i].index < 0 || l->t[i].index > 9 || of[l->t[i].index] >= 0)
            return false;
        keys[n] = l->t[i];
        of[l->t[i].index] = n++;
    }
    return n == 10;
}

/* The key rectangles, the glyph area and the digit templates, from ten pads
 * whose digits the eye chose itself: each digit once on every key. */
static int learn_pad(struct sr_eye *e)
{
    struct screens_model m = samples_base(SESSION_SCREEN_PIN, KOFU_LANG_JA);
    struct screens_layout l;
    struct sr_frame f;
    int of[10];
    for (int pass = 0; pass < 2; pass++) {
        /* Pass 0 finds the glyph area (the ink of every digit on every
         * key), pass 1 cuts the templates from it. */
        double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
        for (int r = 0; r < 10; r++) {
            for (int i = 0; i < 10; i++)
                m.pin_layout[i] = (unsigned char)((i + r) % 10);
            struct screens_target keys[10];
            if (render(e, &m, &l, &f) != KOFU_OK || !pad_keys(&l, keys, of))
                return -1;
            if (r == 0 && pass == 0)
                memcpy(e->keys, keys, sizeof keys);
            for (int k = 0; k < 10; k++) {
                /* The design's keys do not move with the digits. */
                if (keys[k].x != e->keys[k].x || keys[k].y != e->keys[k].y || keys[k].w != e->keys[k].w ||
                    keys[k].h != e->keys[k].h)
                    return -1;
            }
            for (int d = 0; d < 10; d++) {
                if (pass == 0)
                    ink_box(&f, &keys[of[d]], &x0, &y0, &x1, &y1);
                else if (!key_patch(e, &f, &keys[of[d]], e->tmpl[of[d]][d]))
                    return -1;
            }
        }
        if (pass == 0) {
            if (x1 <= x0 || y1 <= y0)
                return -1;
            e->gx0 = x0 - GLYPH_MARGIN;
            e->gy0 = y0 - GLYPH_MARGIN;
            e->gx1 = x1 + GLYPH_MARGIN;
            e->gy1 = y1 + GLYPH_MARGIN;
        }
    }
    return 0;
}

/* A reference: m drawn, its layout and thumbnail kept. */
static int add_ref(struct sr_eye *e, const struct screens_model *m)
{
    if (e->n_refs >= REFS_MAX)
        return -1;
    struct ref *r = &e->refs[e->n_refs];
    r->m = *m;
    struct sr_frame f;
    if (render(e, &r->m, &r->layout, &f) != KOFU_OK)
        return -1;
    thumbnail(&f, r->thumb);
    e->n_refs++;
    return 0;
}

struct sr_eye *sr_open(int width, int height)
{
    if (width < SCREENS_WIDTH_MIN || height < SCREENS_HEIGHT_MIN || width > 8192 || height > 8192)
        return NULL;
    if (screens_init() != KOFU_OK)
        return NULL;
    struct sr_eye *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->width = width;
    e->height = height;
    e->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    e->rgb = malloc((size_t)width * (size_t)height * 3);
    e->refs = calloc(REFS_MAX, sizeof *e->refs);
    struct screens_sample *samples = calloc(SAMPLES_MAX, sizeof *samples);
    if (cairo_surface_status(e->surface) != CAIRO_STATUS_SUCCESS || !e->rgb || !e->refs || !samples)
        goto fail;
    e->preview = screens_sample_preview(width, height);
    if (learn_pad(e) != 0)
        goto fail;
    const enum kofu_lang langs[2] = {KOFU_LANG_JA, KOFU_LANG_EN};
    for (int li = 0; li < 2; li++) {
        size_t n = screens_samples(samples, SAMPLES_MAX, langs[li], e->preview);
        for (size_t i = 0; i < n; i++) {
            if (add_ref(e, &samples[i].m) != 0)
                goto fail;
            /* The municipality list with each of its buttons chosen: a
             * chosen button is a large dark block, wherever the resident
             * put it, that text alone never outweighs. */
            const struct screens_model *sm = &samples[i].m;
            if (sm->screen != SESSION_SCREEN_MUNICIPALITY)
                continue;
            size_t first = (size_t)sm->municipality_page * SCREENS_MUNICIPALITIES_PER_PAGE;
            for (size_t k = first; k < first + SCREENS_MUNICIPALITIES_PER_PAGE && k < sm->n_municipalities; k++) {
                struct screens_model m = *sm;
                m.municipality = (int)k;
                if (m.municipality != sm->municipality && add_ref(e, &m) != 0)
                    goto fail;
            }
        }
    }
    free(samples);
    return e;
fail:
    free(samples);
    sr_close(e);
    return NULL;
}

void sr_close(struct sr_eye *e)
{
    if (!e)
        return;
    if (e->surface)
        cairo_surface_destroy(e->surface);
    if (e->preview)
        cairo_surface_destroy(e->preview);
    free(e->rgb);
    free(e->refs);
    free(e->munis);
    free(e);
}

int sr_set_municipalities(struct sr_eye *e, const struct center_municipality *list, size_t n)
{
    if (!e || (n && !list) || n > 4096)
        return -1;
    struct center_municipality *copy = NULL;
    if (n) {
        copy = malloc(n * sizeof *copy);
        if (!copy)
            return -1;
        memcpy(copy, list, n * sizeof *copy);
    }
    free(e->munis);
    e->munis = copy;
    e->n_munis = n;
    return 0;
}

/* ---- reading ---- */

static unsigned long thumb_diff(const uint8_t *a, const uint8_t *b, unsigned long stop)
{
    unsigned long sum = 0;
    for (int row = 0; row < THUMB_H; row++) {
        for (int i = row * THUMB_W; i < (row + 1) * THUMB_W; i++)
            sum += (unsigned long)abs((int)a[i] - (int)b[i]);
        if (sum >= stop)
            break;
    }
    return sum;
}

/* The distance of every reference to thumb t into d (no early stop), and
 * the index of the nearest. */
static size_t rank_all(const struct sr_eye *e, const uint8_t *t, double *d)
{
    size_t best = 0;
    for (size_t i = 0; i < e->n_refs; i++) {
        d[i] = (double)thumb_diff(t, e->refs[i].thumb, ~0ul) / (255.0 * THUMB_N);
        if (d[i] < d[best])
            best = i;
    }
    return best;
}

/* The nearest reference to f, or -1 when none is within SR_IDENTIFY_MAX. */
static long nearest(const struct sr_eye *e, const struct sr_frame *f, double *distance)
{
    uint8_t t[THUMB_N];
    thumbnail(f, t);
    unsigned long best = ~0ul;
    long bi = -1;
    for (size_t i = 0; i < e->n_refs; i++) {
        unsigned long s = thumb_diff(t, e->refs[i].thumb, best);
        if (s < best) {
            best = s;
            bi = (long)i;
        }
    }
    double d = bi < 0 ? 1 : (double)best / (255.0 * THUMB_N);
    if (distance)
        *distance = d;
    return d <= SR_IDENTIFY_MAX ? bi : -1;
}

int sr_identify(struct sr_eye *e, const struct sr_frame *f, enum kofu_lang *lang, double *distance)
{
    if (distance)
        *distance = 1;
    if (!e || !frame_ok(f) || e->n_refs == 0)
        return -1;
    long i = nearest(e, f, distance);
    if (i < 0)
        return -1;
    if (lang)
        *lang = e->refs[i].m.lang;
    return (int)e->refs[i].m.screen;
}

int sr_pin_pad(struct sr_eye *e, const struct sr_frame *f, int x[10], int y[10])
{
    if (!e || !frame_ok(f) || !x || !y)
        return -1;
    double sx = (double)f->width / e->width, sy = (double)f->height / e->height;
    bool found[10] = {false};
    int rx[10], ry[10];
    for (int k = 0; k < 10; k++) {
        float p[PATCH_N];
        if (!key_patch(e, f, &e->keys[k], p))
            return -1;
        int best = -1;
        double d1 = 3, d2 = 3;
        for (int d = 0; d < 10; d++) {
            double dist = patch_distance(p, e->tmpl[k][d]);
            if (dist < d1) {
                d2 = d1;
                d1 = dist;
                best = d;
            } else if (dist < d2) {
                d2 = dist;
            }
        }
        if (best < 0 || d1 > PAD_MATCH_MAX || d2 - d1 < PAD_MARGIN || found[best])
            return -1;
        found[best] = true;
        rx[best] = (int)lround((e->keys[k].x + e->keys[k].w / 2) * sx);
        ry[best] = (int)lround((e->keys[k].y + e->keys[k].h / 2) * sy);
    }
    /* Ten keys, ten distinct digits: every digit was found once. */
    memcpy(x, rx, sizeof rx);
    memcpy(y, ry, sizeof ry);
    return 0;
}

static void centre(const struct sr_eye *e, const struct sr_frame *f, const struct screens_target *t, int *x,
                   int *y)
{
    *x = (int)lround((t->x + t->w / 2) * f->width / e->width);
    *y = (int)lround((t->y + t->h / 2) * f->height / e->height);
}

/* "municipality-CODE" with the eye's own list: the reference's model with
 * that list, on the page that looks most like f; -1 when the button is on
 * another page. */
static int municipality_target(struct sr_eye *e, const struct sr_frame *f, const struct ref *r,
                               const char *name, int *x, int *y)
{
    uint8_t t[THUMB_N], rt[THUMB_N];
    thumbnail(f, t);
    struct screens_model m = r->m;
    m.municipalities = e->munis;
    m.n_municipalities = e->n_munis;
    m.municipality = -1;
    int pages = (int)((e->n_munis + SCREENS_MUNICIPALITIES_PER_PAGE - 1) / SCREENS_MUNICIPALITIES_PER_PAGE);
    unsigned long best = ~0ul;
    struct screens_target tg = {0};
    bool found = false;
    for (int p = 0; p < pages; p++) {
        m.municipality_page = p;
        struct screens_layout l;
        struct sr_frame rf;
        if (render(e, &m, &l, &rf) != KOFU_OK)
            return -1;
        thumbnail(&rf, rt);
        unsigned long s = thumb_diff(t, rt, ~0ul);
        if (s >= best)
            continue;
        best = s;
        const struct screens_target *c = kt_target_find(&l, name, e->munis, e->n_munis);
        found = c != NULL;
        if (c)
            tg = *c;
    }
    if (!found)
        return -1;
    centre(e, f, &tg, x, y);
    return 0;
}

int sr_target(struct sr_eye *e, const struct sr_frame *f, const char *name, int *x, int *y)
{
    if (!e || !frame_ok(f) || !name || !x || !y || e->n_refs == 0)
        return -1;
    long bi = nearest(e, f, NULL);
    if (bi < 0)
        return -1;
    const struct ref *b = &e->refs[bi];
    int digit;
    char rest;
    if (sscanf(name, "digit-%d%c", &digit, &rest) == 1) {
        int dx[10], dy[10];
        if (b->m.screen != SESSION_SCREEN_PIN || digit < 0 || digit > 9 || sr_pin_pad(e, f, dx, dy) != 0)
            return -1;
        *x = dx[digit];
        *y = dy[digit];
        return 0;
    }
    if (b->m.screen == SESSION_SCREEN_MUNICIPALITY && e->n_munis && strncmp(name, "municipality-", 13) == 0)
        return municipality_target(e, f, b, name, x, y);
    /* The nearest reference of the same screen and language that has the
     * target: a variant may lack one (the "next" of a list with nothing
     * chosen yet) that the frame's state shows. */
    double *d = malloc(e->n_refs * sizeof *d);
    if (!d)
        return -1;
    uint8_t t[THUMB_N];
    thumbnail(f, t);
    rank_all(e, t, d);
    const struct screens_target *tg = NULL;
    double best = 2;
    for (size_t i = 0; i < e->n_refs; i++) {
        const struct ref *r = &e->refs[i];
        if (r->m.screen != b->m.screen || r->m.lang != b->m.lang || d[i] >= best)
            continue;
        const struct screens_target *c =
            kt_target_find(&r->layout, name, r->m.municipalities, r->m.n_municipalities);
        if (c) {
            tg = c;
            best = d[i];
        }
    }
    free(d);
    if (!tg)
        return -1;
    centre(e, f, tg, x, y);
    return 0;
}
