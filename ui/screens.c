/*
 * screens.c — the kiosk's screens (screens.h).
 *
 * Every screen is laid out in "design pixels": a canvas at least 1280×800
 * that cairo scales onto the real surface (s = device px per design px), so
 * type and spacing keep their proportions from 800×480 up. Touch targets
 * are the exception: they are never smaller than TARGET_PX device pixels at
 * 1280×800 nor TARGET_MIN_PX anywhere, so at small sizes they take a larger
 * share of the canvas (t, the design size of a target, grows as s shrinks).
 *
 * Text goes through one function (text_draw) that measures with pango,
 * shrinks a text that does not fit its box down to FIT_FLOOR of its size,
 * and draws it cut (frame result KOFU_E_RENDER) only when even that fails.
 * Layouts are cached across frames (layout_for): a redraw mostly re-uses
 * shaped text. The cache only ever holds the screens' own words, error
 * texts, numbers, municipality names and the center's terms of use — no
 * resident data: the model has
 * none outside the preview surface, which is drawn as pixels, and the
 * passport's numbers as typed, which are drawn one character a box, so
 * that the cache holds single characters, the keypad's own labels.
 *
 * Not thread-safe: one UI thread draws.
 */
#include "ui/screens.h"
#include "ui/screens_text.h"

#include "ui/document.h"
#include "ui/screens_words.h"
#include "ui/text_layout.h"

#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

/* ---- geometry (design pixels unless said otherwise) ---- */

#define DESIGN_W 1280.0
#define DESIGN_H 800.0
#define TARGET_PX 88.0     /* touch target side at 1280×800, device px (about 15 mm) */
#define TARGET_MIN_PX 64.0 /* never smaller, at any size, device px */
#define MARGIN 32.0
#define GAP 20.0
#define LANG_W 230.0
#define FOOT_BTN_W 250.0
#define FOOT_PRIMARY_W 340.0
#define ICON 120.0
#define FIT_FLOOR 0.70     /* a text may shrink to 70 % of its size to fit */

/* ---- palette (0xRRGGBB); every text pair is ≥ 7:1 (WCAG), tested ---- */

#define C_WHITE 0xFFFFFFu
#define C_INK 0x1A1A1Au     /* body text */
#define C_MUTED 0x4A4A4Au   /* secondary text */
#define C_NAVY 0x0B4F8Au    /* primary buttons, selection */
#define C_HEAD 0x0A3A66u    /* header bar */
#define C_PANEL 0xF2F5FAu   /* information panels, keys */
#define C_FOOT 0xEEF1F5u    /* footer band */
#define C_RED 0xA01818u     /* cancel, warnings in text */
#define C_WARN_BG 0xFFF4CCu /* warning box */
#define C_WARN_INK 0x5C3B00u
#define C_DIS_BG 0xE0E0E0u  /* disabled button */
#define C_DIS_INK 0x404040u
#define C_RULE 0x9AA5B4u    /* hairlines, borders (not text) */
#define C_AMBER 0xF2B300u   /* selection ring, warning icon (not text) */
#define C_DOT_OFF 0xC9D1DCu /* progress dots, empty PIN dots (not text) */

static const unsigned palette_pairs[][2] = {
    {C_INK, C_WHITE},     {C_MUTED, C_WHITE},   {C_WHITE, C_HEAD},    {C_WHITE, C_NAVY},
    {C_NAVY, C_WHITE},    {C_INK, C_PANEL},     {C_MUTED, C_PANEL},   {C_RED, C_WHITE},
    {C_WARN_INK, C_WARN_BG}, {C_DIS_INK, C_DIS_BG}, {C_INK, C_FOOT},  {C_NAVY, C_PANEL},
};

bool screens_palette_pair(size_t i, unsigned *fg, unsigned *bg)
{
    if (i >= sizeof palette_pairs / sizeof palette_pairs[0])
        return false;
    *fg = palette_pairs[i][0];
    *bg = palette_pairs[i][1];
    return true;
}

/* ---- module state: fonts, pango context, layout cache ---- */

#define CACHE_SLOTS 256

struct cached_layout {
    char *text;
    int size;  /* pango units */
    int width; /* pango units, -1 = one line */
    bool bold;
    PangoAlignment align;
    PangoLayout *layout;
    uint64_t used;
};

static struct {
    bool ready;
    struct document_fonts fonts;
    PangoContext *pc;
    PangoAttrList *attrs;
    struct cached_layout cache[CACHE_SLOTS];
    uint64_t tick;
} g;

static void (*text_observer)(const struct screens_text_seen *t, void *arg);
static void *text_observer_arg;

void screens_set_text_observer(void (*fn)(const struct screens_text_seen *t, void *arg), void *arg)
{
    text_observer = fn;
    text_observer_arg = arg;
}

static void cache_clear(void)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        struct cached_layout *c = &g.cache[i];
        if (c->layout)
            g_object_unref(c->layout);
        g_free(c->text);
        memset(c, 0, sizeof *c);
    }
}

/* A layout of utf8 at size (design px), one line (width < 0) or wrapped at
 * width; from the cache when it was made before. NULL on allocation failure. */
static PangoLayout *layout_for(const char *utf8, double size, bool bold, double width, PangoAlignment align)
{
    int isize = (int)lround(size * PANGO_SCALE);
    int iwidth = width < 0 ? -1 : (int)floor(width * PANGO_SCALE);
    struct cached_layout *victim = &g.cache[0];
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        struct cached_layout *c = &g.cache[i];
        if (c->layout && c->size == isize && c->width == iwidth && c->bold == bold && c->align == align &&
            strcmp(c->text, utf8) == 0) {
            c->used = ++g.tick;
            return c->layout;
        }
        if (!c->layout || (victim->layout && c->used < victim->used))
            victim = c;
    }
    char *copy = g_strdup(utf8);
    /* A character in none of the face's families keeps its unknown glyph:
     * counted where the text is drawn (text_draw), never drawn from a font
     * fontconfig picked. */
    const struct text_style st = {.bold = bold, .size = size, .width = width, .line_spacing = 1.12, .align = align};
    PangoLayout *lay = copy ? text_layout_new(g.pc, &g.fonts, g.attrs, &st, utf8, NULL) : NULL;
    if (!lay) {
        g_free(copy);
        return NULL;
    }

    if (victim->layout)
        g_object_unref(victim->layout);
    g_free(victim->text);
    victim->text = copy;
    victim->size = isize;
    victim->width = iwidth;
    victim->bold = bold;
    victim->align = align;
    victim->layout = lay;
    victim->used = ++g.tick;
    return lay;
}

/* True when every character of utf8 has a glyph in the screen font. */
static bool font_covers(const char *utf8)
{
    PangoLayout *lay = layout_for(utf8, 32, false, -1, PANGO_ALIGN_LEFT);
    return lay && pango_layout_get_unknown_glyphs_count(lay) == 0;
}

int screens_init(void)
{
    if (g.ready)
        return KOFU_OK;
    memset(&g, 0, sizeof g);
    int rc = document_fonts_init(&g.fonts);
    if (rc != KOFU_OK)
        return rc;
    g.pc = pango_font_map_create_context((PangoFontMap *)g.fonts.fontmap);
    g.attrs = pango_attr_list_new();
    cairo_font_options_t *fo = cairo_font_options_create();
    if (!g.pc || !g.attrs || !fo) {
        if (fo)
            cairo_font_options_destroy(fo);
        screens_free();
        return KOFU_E_NOMEM;
    }
    /* Unhinted metrics: a layout measures the same at every scale, so the
     * cache serves every screen size and what fits at one size fits when
     * drawn. No fallback font of fontconfig's choosing: a glyph the
     * certificate's gothic chain lacks is counted, not borrowed from some
     * other face. Japanese glyph forms. */
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_SLIGHT);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(g.pc, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(g.pc, FALSE);
    pango_context_set_language(g.pc, pango_language_from_string("ja"));
    pango_attr_list_insert(g.attrs, pango_attr_fallback_new(FALSE));

    /* Every fixed word, every error text, digits and signs. */
    bool ok = font_covers("0123456789,./:()¥円〜–？");
    for (size_t i = 0; ok && screens_word_at(i); i++)
        ok = font_covers(screens_word_at(i));
    for (int e = 0; ok && e >= -120; e--) {
        ok = font_covers(kofu_err_text(e, KOFU_LANG_JA)) && font_covers(kofu_err_text(e, KOFU_LANG_EN));
    }
    if (!ok) {
        screens_free();
        return KOFU_E_FONT;
    }
    g.ready = true;
    return KOFU_OK;
}

int screens_text_context(const struct document_fonts **f, PangoContext **pc, PangoAttrList **attrs)
{
    int rc = screens_init();
    if (rc != KOFU_OK)
        return rc;
    *f = &g.fonts;
    *pc = g.pc;
    *attrs = g.attrs;
    return KOFU_OK;
}

void screens_free(void)
{
    cache_clear();
    if (g.attrs)
        pango_attr_list_unref(g.attrs);
    if (g.pc)
        g_object_unref(g.pc);
    document_fonts_free(&g.fonts);
    memset(&g, 0, sizeof g);
}

/* ---- one frame ---- */

struct box {
    double x, y, w, h;
};

struct frame {
    cairo_t *cr;
    const struct screens_model *m;
    struct screens_layout *l;
    enum kofu_lang lang;
    double s;      /* device px per design px */
    double dw, dh; /* the canvas in design px */
    double t;      /* a touch target's minimum side in design px */
    double head_h, foot_h;
    int rc;
};

static const char *W(const struct frame *f, enum screens_word w) { return screens_word(w, f->lang); }

static void set_rgb(cairo_t *cr, unsigned c)
{
    cairo_set_source_rgb(cr, ((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0);
}

static void fill_box(struct frame *f, struct box b, unsigned c)
{
    set_rgb(f->cr, c);
    cairo_rectangle(f->cr, b.x, b.y, b.w, b.h);
    cairo_fill(f->cr);
}

static void rounded(cairo_t *cr, struct box b, double r)
{
    r = fmin(r, fmin(b.w, b.h) / 2);
    cairo_new_sub_path(cr);
    cairo_arc(cr, b.x + b.w - r, b.y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, b.x + b.w - r, b.y + b.h - r, r, 0, M_PI / 2);
    cairo_arc(cr, b.x + r, b.y + b.h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, b.x + r, b.y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

static struct box inset(struct box b, double dx, double dy)
{
    return (struct box){b.x + dx, b.y + dy, b.w - 2 * dx, b.h - 2 * dy};
}

/* ---- text ---- */

enum valign { V_TOP, V_MIDDLE };

struct tstyle {
    double size; /* design px */
    bool bold;
    int lines;   /* most lines; 1 = one line, never wrapped */
    PangoAlignment align;
    unsigned fg, bg;
    bool from_center;
};

static struct tstyle ts(double size, bool bold, int lines, PangoAlignment align, unsigned fg, unsigned bg)
{
    return (struct tstyle){size, bold, lines, align, fg, bg, false};
}

struct fitted {
    PangoLayout *lay;
    double x, y, w, h; /* logical rectangle, design px, relative to the layout origin */
    double wrap_w;     /* the width a wrapped layout was broken at */
    bool fits;
};

/* Measure lay into r. */
static void measure(PangoLayout *lay, double w, double h, int lines, struct fitted *r)
{
    PangoRectangle log;
    pango_layout_get_extents(lay, NULL, &log);
    r->lay = lay;
    r->x = (double)log.x / PANGO_SCALE;
    r->y = (double)log.y / PANGO_SCALE;
    r->w = (double)log.width / PANGO_SCALE;
    r->h = (double)log.height / PANGO_SCALE;
    r->fits = r->w <= w + 0.01 && r->h <= h + 0.01 && pango_layout_get_line_count(lay) <= lines;
}

/* A centred text that wraps is broken into lines of even length: the
 * narrowest width that keeps the same number of lines (no orphan of one or
 * two characters on the last line). */
static void balance(struct fitted *r, const char *utf8, double size, const struct tstyle *st, double h)
{
    int lines = pango_layout_get_line_count(r->lay);
    if (lines < 2)
        return;
    double lo = r->wrap_w * 0.4, hi = r->wrap_w;
    struct fitted best = *r;
    for (int i = 0; i < 7; i++) {
        double mid = floor((lo + hi) / 2);
        PangoLayout *lay = layout_for(utf8, size, st->bold, mid, st->align);
        if (!lay)
            return;
        struct fitted t = {0};
        t.wrap_w = mid;
        measure(lay, mid, h, lines, &t);
        if (t.fits && pango_layout_get_line_count(lay) == lines) {
            best = t;
            hi = mid;
        } else {
            lo = mid;
        }
    }
    *r = best;
}

/* The largest size from st->size down to FIT_FLOOR of it at which utf8
 * fits w × h in st->lines lines; the floor size (fits = false) otherwise. */
static struct fitted fit(const char *utf8, double w, double h, const struct tstyle *st)
{
    static const double steps[] = {1.0, 0.94, 0.88, 0.82, 0.76, FIT_FLOOR};
    struct fitted r = {0};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        PangoLayout *lay =
            layout_for(utf8, st->size * steps[i], st->bold, st->lines > 1 ? w : -1.0, st->align);
        if (!lay)
            return (struct fitted){0};
        r.wrap_w = w;
        measure(lay, w, h, st->lines, &r);
        if (r.fits) {
            if (st->lines > 1 && st->align == PANGO_ALIGN_CENTER)
                balance(&r, utf8, st->size * steps[i], st, h);
            return r;
        }
    }
    return r;
}

/* The height utf8 takes in box b (at most b.h). */
static double text_measure(const char *utf8, struct box b, const struct tstyle *st)
{
    struct fitted t = fit(utf8, b.w, b.h, st);
    return t.lay ? fmin(t.h, b.h) : 0;
}

/* Draw utf8 in box b, shrunk to fit; cut (and the frame failed) when it
 * cannot. Returns the height it took (at most b.h). */
static double text_draw(struct frame *f, const char *utf8, struct box b, const struct tstyle *st, enum valign va)
{
    if (!utf8 || !utf8[0])
        return 0;
    struct fitted t = fit(utf8, b.w, b.h, st);
    if (!t.lay) {
        f->rc = KOFU_E_RENDER;
        return 0;
    }
    if (!t.fits || pango_layout_get_unknown_glyphs_count(t.lay) > 0)
        f->rc = KOFU_E_RENDER;
    /* Where the logical rectangle goes. A wrapped layout aligns its lines
     * itself within b.w (t.x says where); one line is placed here. */
    double lx, origin_x = b.x + (st->align == PANGO_ALIGN_CENTER ? (b.w - t.wrap_w) / 2 : 0);
    if (st->lines > 1)
        lx = origin_x + t.x;
    else if (st->align == PANGO_ALIGN_CENTER)
        lx = b.x + (b.w - t.w) / 2;
    else if (st->align == PANGO_ALIGN_RIGHT)
        lx = b.x + b.w - t.w;
    else
        lx = b.x;
    double h = fmin(t.h, b.h);
    double ly = va == V_MIDDLE ? b.y + (b.h - h) / 2 : b.y;
    cairo_t *cr = f->cr;
    cairo_save(cr);
    if (!t.fits) {
        cairo_rectangle(cr, b.x, b.y, b.w, b.h);
        cairo_clip(cr);
    }
    set_rgb(cr, st->fg);
    cairo_move_to(cr, st->lines > 1 ? origin_x : lx - t.x, ly - t.y);
    pango_cairo_show_layout(cr, t.lay);
    cairo_new_path(cr); /* the path is not part of the saved state */
    cairo_restore(cr);
    if (text_observer) {
        double vx = fmax(lx, b.x), vw = fmin(lx + t.w, b.x + b.w) - vx;
        struct screens_text_seen seen = {utf8, vx * f->s, ly * f->s, vw * f->s, h * f->s,
                                         st->fg, st->bg, st->from_center, t.fits};
        text_observer(&seen, text_observer_arg);
    }
    return h;
}

/* ---- targets and buttons ---- */

static void add_target(struct frame *f, enum screens_target_kind kind, enum session_button button, int index,
                       enum center_kind cert_kind, struct box b)
{
    if (!f->l)
        return;
    if (f->l->n >= SCREENS_TARGETS_MAX) {
        f->rc = KOFU_E_INTERNAL;
        return;
    }
    struct screens_target *t = &f->l->t[f->l->n++];
    t->kind = kind;
    t->button = button;
    t->index = index;
    t->cert_kind = cert_kind;
    t->x = b.x * f->s;
    t->y = b.y * f->s;
    t->w = b.w * f->s;
    t->h = b.h * f->s;
}

static void add_button_target(struct frame *f, enum session_button button, struct box b)
{
    add_target(f, SCREENS_T_BUTTON, button, 0, CENTER_DOMESTIC, b);
}

enum bstyle { B_PRIMARY, B_SECONDARY, B_CANCEL, B_CHOICE, B_SELECTED, B_DISABLED, B_KEY, B_LANG };

static const struct {
    unsigned fill, border, ink;
    double border_w;
} bstyles[] = {
    [B_PRIMARY] = {C_NAVY, C_NAVY, C_WHITE, 0},
    [B_SECONDARY] = {C_WHITE, C_INK, C_INK, 3},
    [B_CANCEL] = {C_WHITE, C_RED, C_RED, 3},
    [B_CHOICE] = {C_WHITE, C_NAVY, C_NAVY, 3},
    [B_SELECTED] = {C_NAVY, C_AMBER, C_WHITE, 6},
    [B_DISABLED] = {C_DIS_BG, C_DIS_BG, C_DIS_INK, 0},
    [B_KEY] = {C_PANEL, C_NAVY, C_INK, 2.5},
    [B_LANG] = {C_WHITE, C_WHITE, C_NAVY, 0},
};

/* A check mark in the left part of a selected button. */
static void check_mark(cairo_t *cr, struct box b)
{
    double k = fmin(b.h * 0.32, 34), cx = b.x + 22 + k / 2, cy = b.y + b.h / 2;
    cairo_save(cr);
    set_rgb(cr, C_AMBER);
    cairo_set_line_width(cr, k * 0.2);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_move_to(cr, cx - k / 2, cy);
    cairo_line_to(cr, cx - k / 8, cy + k * 0.38);
    cairo_line_to(cr, cx + k / 2, cy - k * 0.4);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* Where a button's label goes: inside its padding, right of the check mark
 * of a selected button. */
static struct box label_box(struct box b, bool checked)
{
    double left = checked ? 22 + fmin(b.h * 0.32, 34) + 10 : 16;
    return (struct box){b.x + left, b.y + 8, b.w - left - 16, b.h - 16};
}

/* Draw a button with its label; the caller adds the target (a disabled
 * button is drawn but is not a target). */
static void button(struct frame *f, struct box b, enum bstyle bs, const char *label, double size, int lines)
{
    cairo_t *cr = f->cr;
    double bw = bstyles[bs].border_w;
    rounded(cr, b, 14);
    set_rgb(cr, bstyles[bs].fill);
    cairo_fill(cr);
    if (bw > 0) {
        rounded(cr, inset(b, bw / 2, bw / 2), 14 - bw / 2);
        set_rgb(cr, bstyles[bs].border);
        cairo_set_line_width(cr, bw);
        cairo_stroke(cr);
    }
    struct box lb = label_box(b, bs == B_SELECTED);
    if (bs == B_SELECTED)
        check_mark(cr, b);
    struct tstyle st = ts(size, true, lines, PANGO_ALIGN_CENTER, bstyles[bs].ink, bstyles[bs].fill);
    text_draw(f, label, lb, &st, V_MIDDLE);
}

/* ---- icons (120 × 120 design px, not text) ---- */

enum icon { ICON_NONE, ICON_CARD, ICON_DOC, ICON_WARN, ICON_CLOCK, ICON_COINS, ICON_PASSPORT };

static void draw_icon(struct frame *f, enum icon ic, double cx, double y)
{
    cairo_t *cr = f->cr;
    cairo_save(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    switch (ic) {
    case ICON_CARD: {
        struct box card = {cx - 80, y + 18, 160, 100};
        rounded(cr, card, 12);
        set_rgb(cr, C_PANEL);
        cairo_fill_preserve(cr);
        set_rgb(cr, C_NAVY);
        cairo_set_line_width(cr, 6);
        cairo_stroke(cr);
        rounded(cr, (struct box){card.x + 22, card.y + 30, 34, 26}, 4);
        set_rgb(cr, C_AMBER);
        cairo_fill(cr);
        set_rgb(cr, C_RULE);
        cairo_set_line_width(cr, 6);
        for (int i = 0; i < 3; i++) {
            cairo_move_to(cr, card.x + 76, card.y + 30 + i * 18);
            cairo_line_to(cr, card.x + 136 - i * 16, card.y + 30 + i * 18);
        }
        cairo_stroke(cr);
        break;
    }
    case ICON_DOC: {
        double x = cx - 45, w = 90, h = 116, fold = 26;
        cairo_move_to(cr, x, y + 2);
        cairo_line_to(cr, x + w - fold, y + 2);
        cairo_line_to(cr, x + w, y + 2 + fold);
        cairo_line_to(cr, x + w, y + 2 + h);
        cairo_line_to(cr, x, y + 2 + h);
        cairo_close_path(cr);
        set_rgb(cr, C_WHITE);
        cairo_fill_preserve(cr);
        set_rgb(cr, C_NAVY);
        cairo_set_line_width(cr, 6);
        cairo_stroke(cr);
        cairo_set_line_width(cr, 5);
        set_rgb(cr, C_RULE);
        for (int i = 0; i < 4; i++) {
            cairo_move_to(cr, x + 16, y + 42 + i * 17);
            cairo_line_to(cr, x + w - 16 - (i == 3 ? 24 : 0), y + 42 + i * 17);
        }
        cairo_stroke(cr);
        break;
    }
    case ICON_WARN: {
        cairo_move_to(cr, cx, y + 6);
        cairo_line_to(cr, cx + 64, y + 114);
        cairo_line_to(cr, cx - 64, y + 114);
        cairo_close_path(cr);
        set_rgb(cr, C_AMBER);
        cairo_fill_preserve(cr);
        set_rgb(cr, C_WARN_INK);
        cairo_set_line_width(cr, 5);
        cairo_stroke(cr);
        cairo_set_line_width(cr, 11);
        cairo_move_to(cr, cx, y + 44);
        cairo_line_to(cr, cx, y + 80);
        cairo_stroke(cr);
        cairo_arc(cr, cx, y + 98, 6.5, 0, 2 * M_PI);
        cairo_fill(cr);
        break;
    }
    case ICON_CLOCK: {
        cairo_arc(cr, cx, y + 60, 54, 0, 2 * M_PI);
        set_rgb(cr, C_PANEL);
        cairo_fill_preserve(cr);
        set_rgb(cr, C_NAVY);
        cairo_set_line_width(cr, 7);
        cairo_stroke(cr);
        cairo_move_to(cr, cx, y + 60);
        cairo_line_to(cr, cx, y + 24);
        cairo_move_to(cr, cx, y + 60);
        cairo_line_to(cr, cx + 28, y + 74);
        cairo_stroke(cr);
        break;
    }
    case ICON_COINS: {
        for (int i = 0; i < 3; i++) {
            double ccx = cx - 34 + i * 34, ccy = y + 78 - (i % 2) * 30;
            cairo_arc(cr, ccx, ccy, 34, 0, 2 * M_PI);
            set_rgb(cr, C_PANEL);
            cairo_fill_preserve(cr);
            set_rgb(cr, C_NAVY);
            cairo_set_line_width(cr, 6);
            cairo_stroke(cr);
        }
        break;
    }
    case ICON_PASSPORT: {
        struct box book = {cx - 46, y + 2, 92, 116};
        rounded(cr, book, 8);
        set_rgb(cr, C_NAVY);
        cairo_fill(cr);
        set_rgb(cr, C_AMBER);
        cairo_set_line_width(cr, 5);
        cairo_arc(cr, cx, y + 52, 20, 0, 2 * M_PI);
        cairo_stroke(cr);
        cairo_move_to(cr, cx - 26, y + 94);
        cairo_line_to(cr, cx + 26, y + 94);
        cairo_stroke(cr);
        break;
    }
    case ICON_NONE:
        break;
    }
    cairo_restore(cr);
}

/* A row of dots, one lit: the progress indicator of the waiting screens. */
#define PROGRESS_DOTS 8
#define PROGRESS_H 26.0
static void progress(struct frame *f, double cx, double y)
{
    int lit = f->m->progress_step % PROGRESS_DOTS;
    if (lit < 0)
        lit += PROGRESS_DOTS;
    double d = 22, gap = 18, w = PROGRESS_DOTS * d + (PROGRESS_DOTS - 1) * gap;
    for (int i = 0; i < PROGRESS_DOTS; i++) {
        int age = (lit - i + PROGRESS_DOTS) % PROGRESS_DOTS; /* 0 = lit, 1 = just before */
        cairo_arc(f->cr, cx - w / 2 + d / 2 + i * (d + gap), y + PROGRESS_H / 2, age == 0 ? d / 2 + 2 : d / 2, 0,
                  2 * M_PI);
        set_rgb(f->cr, age == 0 ? C_NAVY : age == 1 ? 0x5B86B3u : age == 2 ? 0x9AB3CFu : C_DOT_OFF);
        cairo_fill(f->cr);
    }
}

/* ---- frame parts: header, footer, body ---- */

static void header(struct frame *f, const char *title)
{
    fill_box(f, (struct box){0, 0, f->dw, f->head_h}, C_HEAD);
    struct box lang = {f->dw - MARGIN - LANG_W, (f->head_h - f->t) / 2, LANG_W, f->t};
    struct tstyle st = ts(34, true, 1, PANGO_ALIGN_LEFT, C_WHITE, C_HEAD);
    text_draw(f, title, (struct box){MARGIN, 8, lang.x - 32 - MARGIN, f->head_h - 16}, &st, V_MIDDLE);
    button(f, lang, B_LANG, W(f, SCRW_LANGUAGE), 32, 1);
    add_button_target(f, SESSION_BTN_LANGUAGE, lang);
}

/* The body between the header and the footer (or the bottom margin). */
static struct box body(const struct frame *f, bool with_footer)
{
    double top = f->head_h + GAP;
    double bottom = with_footer ? f->dh - f->foot_h - GAP : f->dh - MARGIN;
    return (struct box){MARGIN, top, f->dw - 2 * MARGIN, bottom - top};
}

/* The footer band with BACK and CANCEL on the left and the primary button
 * (CONFIRM) on the right; primary NULL for none, primary_enabled false
 * draws it greyed and not as a target. */
static void footer(struct frame *f, bool back, bool cancel, const char *primary, bool primary_enabled)
{
    double y0 = f->dh - f->foot_h;
    fill_box(f, (struct box){0, y0, f->dw, f->foot_h}, C_FOOT);
    fill_box(f, (struct box){0, y0, f->dw, 2}, C_RULE);
    double y = y0 + (f->foot_h - f->t) / 2, x = MARGIN;
    if (back) {
        struct box b = {x, y, FOOT_BTN_W, f->t};
        button(f, b, B_SECONDARY, W(f, SCRW_BACK), 34, 1);
        add_button_target(f, SESSION_BTN_BACK, b);
        x += FOOT_BTN_W + 28;
    }
    if (cancel) {
        struct box b = {x, y, FOOT_BTN_W, f->t};
        button(f, b, B_CANCEL, W(f, SCRW_CANCEL), 34, 1);
        add_button_target(f, SESSION_BTN_CANCEL, b);
    }
    if (primary) {
        struct box b = {f->dw - MARGIN - FOOT_PRIMARY_W, y, FOOT_PRIMARY_W, f->t};
        button(f, b, primary_enabled ? B_PRIMARY : B_DISABLED, primary, 36, 1);
        if (primary_enabled)
            add_button_target(f, SESSION_BTN_CONFIRM, b);
    }
}

/* A centred block: an icon, lines of text, a progress indicator. */
struct line {
    const char *text;
    double size;
    bool bold;
    unsigned fg;
    int lines;
};

#define MAX_LINES 6
static void message_block(struct frame *f, struct box area, enum icon ic, const struct line *ls, size_t n,
                          bool with_progress)
{
    double heights[MAX_LINES] = {0};
    double total = ic != ICON_NONE ? ICON + 28 : 0;
    size_t shown = 0;
    for (size_t i = 0; i < n && i < MAX_LINES; i++) {
        if (!ls[i].text || !ls[i].text[0])
            continue;
        struct tstyle st = ts(ls[i].size, ls[i].bold, ls[i].lines, PANGO_ALIGN_CENTER, ls[i].fg, C_WHITE);
        heights[i] = text_measure(ls[i].text, (struct box){area.x, 0, area.w, area.h}, &st);
        total += heights[i] + (shown++ ? 18 : 0);
    }
    if (with_progress)
        total += 44 + PROGRESS_H;
    double y = area.y + fmax(0, (area.h - total) / 2);
    if (ic != ICON_NONE) {
        draw_icon(f, ic, area.x + area.w / 2, y);
        y += ICON + 28;
    }
    shown = 0;
    for (size_t i = 0; i < n && i < MAX_LINES; i++) {
        if (!ls[i].text || !ls[i].text[0])
            continue;
        if (shown++)
            y += 18;
        struct tstyle st = ts(ls[i].size, ls[i].bold, ls[i].lines, PANGO_ALIGN_CENTER, ls[i].fg, C_WHITE);
        double room = fmax(0, area.y + area.h - y);
        y += text_draw(f, ls[i].text, (struct box){area.x, y, area.w, fmin(room, heights[i] + 1)}, &st, V_TOP);
    }
    if (with_progress)
        progress(f, area.x + area.w / 2, y + 44);
}

/* A panel with a label over a value (IDLE's hours and fee). */
static void info_panel(struct frame *f, struct box b, const char *label, const char *value)
{
    rounded(f->cr, b, 12);
    set_rgb(f->cr, C_PANEL);
    cairo_fill(f->cr);
    struct box in = inset(b, 24, 12);
    struct tstyle sl = ts(28, false, 1, PANGO_ALIGN_CENTER, C_MUTED, C_PANEL);
    struct tstyle sv = ts(40, true, 1, PANGO_ALIGN_CENTER, C_INK, C_PANEL);
    double lh = text_measure(label, in, &sl), vh = text_measure(value, in, &sv);
    double y = in.y + fmax(0, (in.h - lh - vh - 6) / 2);
    y += text_draw(f, label, (struct box){in.x, y, in.w, lh + 1}, &sl, V_TOP) + 6;
    text_draw(f, value, (struct box){in.x, y, in.w, fmax(0, in.y + in.h - y)}, &sv, V_TOP);
}

/* ---- the screens ---- */

static void yen(const struct frame *f, char *buf, size_t cap, int amount)
{
    screens_format_yen(buf, cap, amount, f->lang);
}

static void number(char *buf, size_t cap, int v) { snprintf(buf, cap, "%d", v); }

/* An amount to pay: "無料" / "Free of charge" for 0 (a center may waive the fee). */
static void price(const struct frame *f, char *buf, size_t cap, int amount)
{
    if (amount == 0)
        snprintf(buf, cap, "%s", W(f, SCRW_FREE));
    else
        yen(f, buf, cap, amount);
}

/* The instruction under the header, or in its place the center's words
 * after a refusal the resident answers on this screen (m->err: no-record on
 * MUNICIPALITY, passport-not-registered on KIND_COPIES), which say what to
 * choose instead. Returns the height taken. */
static double instruction(struct frame *f, struct box b, enum screens_word head_word)
{
    if (f->m->err != KOFU_OK) {
        struct tstyle st = ts(32, true, 3, PANGO_ALIGN_LEFT, C_RED, C_WHITE);
        return text_draw(f, kofu_err_text(f->m->err, f->lang), (struct box){b.x, b.y, b.w, 120}, &st, V_TOP);
    }
    struct tstyle head = ts(34, true, 2, PANGO_ALIGN_LEFT, C_INK, C_WHITE);
    return text_draw(f, W(f, head_word), (struct box){b.x, b.y, b.w, 100}, &head, V_TOP);
}

static void screen_idle(struct frame *f)
{
    const struct screens_model *m = f->m;
    header(f, W(f, SCRW_APP_TITLE));
    struct box b = body(f, false);
    double panel_h = 128;
    struct box msg = {b.x, b.y, b.w, b.h - panel_h - 24};
    struct line ls[] = {
        {W(f, SCRW_IDLE_HEAD), 54, true, C_INK, 2},
        {W(f, SCRW_IDLE_SUB), 32, false, C_MUTED, 2},
    };
    message_block(f, msg, ICON_CARD, ls, 2, false);
    char hours[48], fee[48], fee_line[96];
    screens_format_hours(hours, sizeof hours, m->open_minute, m->close_minute, f->lang);
    yen(f, fee, sizeof fee, m->fee_per_copy_yen);
    if (m->fee_per_copy_yen == 0)
        price(f, fee_line, sizeof fee_line, 0);
    else
        screens_fill(fee_line, sizeof fee_line, W(f, SCRW_FEE_PER_COPY), fee, NULL);
    double pw = (b.w - 32) / 2, py = b.y + b.h - panel_h;
    info_panel(f, (struct box){b.x, py, pw, panel_h}, W(f, SCRW_HOURS_LABEL), hours);
    info_panel(f, (struct box){b.x + pw + 32, py, pw, panel_h}, W(f, SCRW_FEE_LABEL), fee_line);
}

static void screen_closed(struct frame *f)
{
    const struct screens_model *m = f->m;
    header(f, W(f, SCRW_APP_TITLE));
    struct box b = body(f, false);
    if (m->err == KOFU_E_CONFIG) {
        struct line ls[] = {
            {W(f, SCRW_OUT_OF_SERVICE_HEAD), 54, true, C_INK, 2},
            {W(f, SCRW_OUT_OF_SERVICE_SUB), 32, false, C_MUTED, 2},
        };
        message_block(f, b, ICON_WARN, ls, 2, false);
        return;
    }
    char hours[48], line[96];
    screens_format_hours(hours, sizeof hours, m->open_minute, m->close_minute, f->lang);
    snprintf(line, sizeof line, "%s  %s", W(f, SCRW_HOURS_LABEL), hours);
    struct line ls[] = {
        {W(f, SCRW_CLOSED_HEAD), 50, true, C_INK, 2},
        {line, 44, true, C_NAVY, 1},
        {W(f, SCRW_CLOSED_SUB), 32, false, C_MUTED, 2},
    };
    message_block(f, b, ICON_CLOCK, ls, 3, false);
}

/* The waiting screens: a headline, a line under it, the progress dots. */
static void screen_waiting(struct frame *f, enum screens_word title, enum icon ic, const char *head,
                           const char *sub)
{
    header(f, W(f, title));
    struct line ls[] = {
        {head, 52, true, C_INK, 2},
        {sub, 34, false, C_MUTED, 3},
    };
    message_block(f, body(f, false), ic, ls, 2, true);
}

static void screen_service(struct frame *f)
{
    footer(f, true, true, NULL, false);
    header(f, W(f, SCRW_SERVICE_TITLE));
    struct box b = body(f, true);
    struct tstyle st = ts(38, true, 2, PANGO_ALIGN_CENTER, C_INK, C_WHITE);
    double bh = fmax(f->t, 180), bw = fmin(b.w, 920);
    double hh = text_measure(W(f, SCRW_SERVICE_HEAD), b, &st);
    double y = b.y + fmax(0, (b.h - hh - 40 - bh) / 2);
    y += text_draw(f, W(f, SCRW_SERVICE_HEAD), (struct box){b.x, y, b.w, hh + 1}, &st, V_TOP) + 40;
    struct box svc = {b.x + (b.w - bw) / 2, y, bw, bh};
    button(f, svc, B_PRIMARY, W(f, SCRW_SERVICE_BUTTON), 46, 2);
    add_button_target(f, SESSION_BTN_SERVICE, svc);
}

#define KEY_GAP 12.0
static void pin_pad(struct frame *f, struct box pad, double key_w)
{
    const struct screens_model *m = f->m;
    for (int pos = 0; pos < 12; pos++) {
        int row = pos / 3, col = pos % 3;
        struct box k = {pad.x + col * (key_w + KEY_GAP), pad.y + row * (f->t + KEY_GAP), key_w, f->t};
        if (pos == 9) {
            button(f, k, B_SECONDARY, W(f, SCRW_PIN_DELETE), 34, 1);
            add_target(f, SCREENS_T_PIN_DELETE, SESSION_BTN__COUNT, 0, CENTER_DOMESTIC, k);
        } else if (pos == 11) {
            button(f, k, B_PRIMARY, W(f, SCRW_PIN_ENTER), 34, 1);
            add_target(f, SCREENS_T_PIN_ENTER, SESSION_BTN__COUNT, 0, CENTER_DOMESTIC, k);
        } else {
            int slot = pos < 9 ? pos : 9; /* the digits in reading order: 3 rows of 3, then the middle */
            int digit = m->pin_layout[slot];
            char d[16];
            number(d, sizeof d, digit);
            button(f, k, B_KEY, d, 56, 1);
            add_target(f, SCREENS_T_DIGIT, SESSION_BTN__COUNT, digit, CENTER_DOMESTIC, k);
        }
    }
}

static void screen_pin(struct frame *f)
{
    const struct screens_model *m = f->m;
    footer(f, true, true, NULL, false);
    header(f, W(f, SCRW_PIN_TITLE));
    struct box b = body(f, true);
    double key_w = 168, pad_w = 3 * key_w + 2 * KEY_GAP, pad_h = 4 * f->t + 3 * KEY_GAP;
    struct box pad = {b.x + b.w - pad_w, b.y + fmax(0, (b.h - pad_h) / 2), pad_w, pad_h};
    pin_pad(f, pad, key_w);

    struct box left = {b.x, b.y, pad.x - 56 - b.x, b.h};
    double y = left.y + 8;
    struct tstyle head = ts(38, true, 3, PANGO_ALIGN_LEFT, C_INK, C_WHITE);
    struct tstyle sub = ts(27, false, 2, PANGO_ALIGN_LEFT, C_MUTED, C_WHITE);
    y += text_draw(f, W(f, SCRW_PIN_HEAD), (struct box){left.x, y, left.w, 150}, &head, V_TOP) + 18;
    y += text_draw(f, W(f, SCRW_PIN_SUB), (struct box){left.x, y, left.w, 90}, &sub, V_TOP) + 32;

    /* The PIN as four dots: filled for each digit entered. */
    double d = 56, dgap = 28;
    for (int i = 0; i < SESSION_PIN_DIGITS; i++) {
        double cx = left.x + d / 2 + 4 + i * (d + dgap), cy = y + d / 2;
        cairo_arc(f->cr, cx, cy, d / 2 - 2, 0, 2 * M_PI);
        set_rgb(f->cr, i < m->pin_digits ? C_NAVY : C_WHITE);
        cairo_fill_preserve(f->cr);
        set_rgb(f->cr, C_NAVY);
        cairo_set_line_width(f->cr, 4);
        cairo_stroke(f->cr);
    }
    y += d + 32;

    struct tstyle warn = ts(32, true, 2, PANGO_ALIGN_LEFT, C_RED, C_WHITE);
    double bottom = left.y + left.h;
    if (m->err == KOFU_E_PIN_WRONG)
        y += text_draw(f, kofu_err_text(KOFU_E_PIN_WRONG, f->lang), (struct box){left.x, y, left.w, fmax(0, bottom - y)},
                       &warn, V_TOP) + 10;
    if (m->tries_left > 0 && m->tries_left < m->pin_tries_max) {
        char n[12], line[96];
        number(n, sizeof n, m->tries_left);
        screens_fill(line, sizeof line, W(f, SCRW_PIN_TRIES_LEFT), n, NULL);
        y += text_draw(f, line, (struct box){left.x, y, left.w, fmax(0, bottom - y)}, &warn, V_TOP) + 10;
    }
    struct tstyle note = ts(26, false, 2, PANGO_ALIGN_LEFT, C_MUTED, C_WHITE);
    double nh = text_measure(W(f, SCRW_PIN_SHUFFLED), (struct box){left.x, 0, left.w, 80}, &note);
    double ny = fmax(y, bottom - nh);
    text_draw(f, W(f, SCRW_PIN_SHUFFLED), (struct box){left.x, ny, left.w, fmax(0, bottom - ny)}, &note, V_TOP);
}

static void screen_pin_last_try(struct frame *f)
{
    footer(f, true, true, NULL, false);
    header(f, W(f, SCRW_PIN_TITLE));
    struct box b = body(f, true);
    double bh = fmax(f->t, 104), bw = 400;
    struct box warnbox = {b.x, b.y, b.w, b.h - bh - 28};
    rounded(f->cr, warnbox, 16);
    set_rgb(f->cr, C_WARN_BG);
    cairo_fill_preserve(f->cr);
    set_rgb(f->cr, C_AMBER);
    cairo_set_line_width(f->cr, 4);
    cairo_stroke(f->cr);
    draw_icon(f, ICON_WARN, warnbox.x + 40 + 64, warnbox.y + (warnbox.h - ICON) / 2);
    struct box tb = {warnbox.x + 40 + 128 + 40, warnbox.y + 20, warnbox.w - 40 - 128 - 40 - 40, warnbox.h - 40};
    struct tstyle head = ts(44, true, 2, PANGO_ALIGN_LEFT, C_WARN_INK, C_WARN_BG);
    struct tstyle txt = ts(31, false, 5, PANGO_ALIGN_LEFT, C_WARN_INK, C_WARN_BG);
    double hh = text_measure(W(f, SCRW_LAST_TRY_HEAD), tb, &head);
    double th = text_measure(W(f, SCRW_LAST_TRY_TEXT), (struct box){tb.x, 0, tb.w, fmax(0, tb.h - hh - 16)}, &txt);
    double y = tb.y + fmax(0, (tb.h - hh - 16 - th) / 2);
    y += text_draw(f, W(f, SCRW_LAST_TRY_HEAD), (struct box){tb.x, y, tb.w, hh + 1}, &head, V_TOP) + 16;
    text_draw(f, W(f, SCRW_LAST_TRY_TEXT), (struct box){tb.x, y, tb.w, fmax(0, tb.y + tb.h - y)}, &txt, V_TOP);

    double by = b.y + b.h - bh, gap = 48, x0 = b.x + (b.w - 2 * bw - gap) / 2;
    struct box yes = {x0, by, bw, bh}, no = {x0 + bw + gap, by, bw, bh};
    button(f, yes, B_PRIMARY, W(f, SCRW_LAST_TRY_YES), 38, 1);
    add_button_target(f, SESSION_BTN_LAST_TRY_YES, yes);
    button(f, no, B_SECONDARY, W(f, SCRW_LAST_TRY_NO), 38, 1);
    add_button_target(f, SESSION_BTN_LAST_TRY_NO, no);
}

static void screen_take_card(struct frame *f)
{
    header(f, W(f, SCRW_TAKE_CARD_TITLE));
    struct line ls[] = {
        {W(f, SCRW_TAKE_CARD_HEAD), 64, true, C_INK, 2},
        {W(f, SCRW_TAKE_CARD_SUB), 34, false, C_MUTED, 2},
    };
    message_block(f, body(f, false), ICON_CARD, ls, 2, false);
}

static const char *municipality_name(const struct center_municipality *mu, enum kofu_lang lang)
{
    if (lang == KOFU_LANG_EN && mu->name_en[0])
        return mu->name_en;
    return mu->name_ja[0] ? mu->name_ja : mu->name_en;
}

static int municipality_pages(const struct screens_model *m)
{
    int n = (int)m->n_municipalities;
    return n <= 0 ? 1 : (n + SCREENS_MUNICIPALITIES_PER_PAGE - 1) / SCREENS_MUNICIPALITIES_PER_PAGE;
}

static void screen_municipality(struct frame *f)
{
    const struct screens_model *m = f->m;
    bool selected = m->municipality >= 0 && (size_t)m->municipality < m->n_municipalities;
    footer(f, false, true, W(f, SCRW_NEXT), selected);
    header(f, W(f, SCRW_MUNI_TITLE));
    struct box b = body(f, true);
    int pages = municipality_pages(m);
    int page = m->municipality_page < 0 ? 0 : m->municipality_page >= pages ? pages - 1 : m->municipality_page;

    double y = b.y;
    y += instruction(f, b, SCRW_MUNI_HEAD) + 22;

    const int cols = 3;
    double cell_h = fmax(f->t, 104), cgap = 16, cw = (b.w - (cols - 1) * cgap) / cols;
    for (int k = 0; k < SCREENS_MUNICIPALITIES_PER_PAGE; k++) {
        size_t i = (size_t)page * SCREENS_MUNICIPALITIES_PER_PAGE + (size_t)k;
        if (i >= m->n_municipalities)
            break;
        struct box c = {b.x + (k % cols) * (cw + cgap), y + (k / cols) * (cell_h + cgap), cw, cell_h};
        bool sel = (int)i == m->municipality;
        enum bstyle bs = sel ? B_SELECTED : B_CHOICE;
        /* Drawn by hand rather than with button(): the name is the center's data. */
        button(f, c, bs, "", 34, 2);
        struct tstyle st = ts(34, true, 2, PANGO_ALIGN_CENTER, bstyles[bs].ink, bstyles[bs].fill);
        st.from_center = true;
        text_draw(f, municipality_name(&m->municipalities[i], f->lang), label_box(c, sel), &st, V_MIDDLE);
        add_target(f, SCREENS_T_BUTTON, SESSION_BTN_MUNICIPALITY, (int)i, CENTER_DOMESTIC, c);
    }
    if (pages > 1) {
        double rows = (SCREENS_MUNICIPALITIES_PER_PAGE + cols - 1) / cols;
        double py = fmax(y + rows * cell_h + (rows - 1) * cgap + 24, b.y + b.h - f->t);
        double pw = 300;
        struct box prev = {b.x, py, pw, f->t}, next = {b.x + b.w - pw, py, pw, f->t};
        button(f, prev, page > 0 ? B_SECONDARY : B_DISABLED, W(f, SCRW_PAGE_PREV), 32, 1);
        if (page > 0)
            add_target(f, SCREENS_T_PAGE_PREV, SESSION_BTN__COUNT, 0, CENTER_DOMESTIC, prev);
        button(f, next, page < pages - 1 ? B_SECONDARY : B_DISABLED, W(f, SCRW_PAGE_NEXT), 32, 1);
        if (page < pages - 1)
            add_target(f, SCREENS_T_PAGE_NEXT, SESSION_BTN__COUNT, 0, CENTER_DOMESTIC, next);
        char a[12], c2[12], line[64];
        number(a, sizeof a, page + 1);
        number(c2, sizeof c2, pages);
        screens_fill(line, sizeof line, W(f, SCRW_PAGE_OF), a, c2);
        struct tstyle st = ts(30, false, 1, PANGO_ALIGN_CENTER, C_MUTED, C_WHITE);
        text_draw(f, line, (struct box){prev.x + pw + 24, py, b.w - 2 * pw - 48, f->t}, &st, V_MIDDLE);
    }
}

static void copies_text(const struct frame *f, char *buf, size_t cap, int copies)
{
    char n[12];
    number(n, sizeof n, copies);
    screens_fill(buf, cap, W(f, copies == 1 ? SCRW_COPIES_ONE : SCRW_COPIES_MANY), n, NULL);
}

static void screen_kind_copies(struct frame *f)
{
    const struct screens_model *m = f->m;
    footer(f, true, true, W(f, SCRW_NEXT), true);
    header(f, W(f, SCRW_KIND_TITLE));
    struct box b = body(f, true);
    double y = b.y;
    y += instruction(f, b, SCRW_KIND_HEAD) + 22;

    double kh = fmax(f->t, 130), kgap = 32, kw = (b.w - kgap) / 2;
    /* The choices sit in the middle of the room left under the instruction. */
    double block = kh + 48 + f->t + 6;
    y += fmax(0, (b.y + b.h - y - block) / 2 - 10);
    const enum center_kind kinds[2] = {CENTER_DOMESTIC, CENTER_OVERSEAS};
    const enum screens_word names[2] = {SCRW_KIND_DOMESTIC, SCRW_KIND_OVERSEAS};
    for (int i = 0; i < 2; i++) {
        struct box k = {b.x + i * (kw + kgap), y, kw, kh};
        button(f, k, m->cert_kind == kinds[i] ? B_SELECTED : B_CHOICE, W(f, names[i]), 38, 2);
        add_target(f, SCREENS_T_BUTTON, SESSION_BTN_KIND, 0, kinds[i], k);
    }
    y += kh + 48;

    /* Copies: label, minus, the number, plus; the fee to the right. */
    double row_h = f->t, x = b.x;
    struct tstyle label = ts(34, true, 1, PANGO_ALIGN_LEFT, C_INK, C_WHITE);
    text_draw(f, W(f, SCRW_COPIES_LABEL), (struct box){x, y, 170, row_h}, &label, V_MIDDLE);
    x += 170 + 8;
    struct box minus = {x, y, f->t, row_h};
    bool can_minus = m->copies > 1, can_plus = m->copies < m->max_copies;
    button(f, minus, can_minus ? B_CHOICE : B_DISABLED, "−", 52, 1);
    if (can_minus)
        add_button_target(f, SESSION_BTN_COPIES_MINUS, minus);
    x += f->t + 12;
    char copies[32];
    copies_text(f, copies, sizeof copies, m->copies);
    struct tstyle val = ts(46, true, 1, PANGO_ALIGN_CENTER, C_INK, C_WHITE);
    text_draw(f, copies, (struct box){x, y, 200, row_h}, &val, V_MIDDLE);
    x += 200 + 12;
    struct box plus = {x, y, f->t, row_h};
    button(f, plus, can_plus ? B_CHOICE : B_DISABLED, "+", 52, 1);
    if (can_plus)
        add_button_target(f, SESSION_BTN_COPIES_PLUS, plus);
    x += f->t + 56;

    struct box fee = {x, y - 6, b.x + b.w - x, row_h + 12};
    rounded(f->cr, fee, 12);
    set_rgb(f->cr, C_PANEL);
    cairo_fill(f->cr);
    char each[32], each_line[64], label_line[128], total[32];
    bool no_fee = m->fee_per_copy_yen == 0;
    yen(f, each, sizeof each, m->fee_per_copy_yen);
    screens_fill(each_line, sizeof each_line, W(f, SCRW_FEE_EACH), each, NULL);
    if (no_fee)
        snprintf(label_line, sizeof label_line, "%s", W(f, SCRW_FEE_TOTAL_LABEL));
    else
        snprintf(label_line, sizeof label_line, "%s %s", W(f, SCRW_FEE_TOTAL_LABEL), each_line);
    price(f, total, sizeof total, m->copies * m->fee_per_copy_yen);
    struct box in = inset(fee, 24, 8);
    struct tstyle sl = ts(26, false, 1, PANGO_ALIGN_LEFT, C_MUTED, C_PANEL);
    struct tstyle sv = ts(44, true, 1, PANGO_ALIGN_RIGHT, C_INK, C_PANEL);
    double lw = in.w * (no_fee ? 0.3 : 0.55); /* no per-copy price: room for the longer word */
    text_draw(f, label_line, (struct box){in.x, in.y, lw, in.h}, &sl, V_MIDDLE);
    text_draw(f, total, (struct box){in.x + lw + 12, in.y, in.w - lw - 12, in.h}, &sv, V_MIDDLE);
}

/* The preview, scaled to fit box (aspect kept), on a white page with a
 * shadow; a neutral placeholder when there is none. */
static void preview(struct frame *f, struct box box)
{
    cairo_t *cr = f->cr;
    cairo_surface_t *p = f->m->preview;
    int pw = 0, ph = 0;
    if (p && cairo_surface_get_type(p) == CAIRO_SURFACE_TYPE_IMAGE) {
        pw = cairo_image_surface_get_width(p);
        ph = cairo_image_surface_get_height(p);
    }
    if (pw <= 0 || ph <= 0) {
        rounded(cr, box, 12);
        set_rgb(cr, C_PANEL);
        cairo_fill_preserve(cr);
        set_rgb(cr, C_RULE);
        cairo_set_line_width(cr, 3);
        cairo_stroke(cr);
        draw_icon(f, ICON_DOC, box.x + box.w / 2, box.y + box.h / 2 - ICON);
        struct tstyle st = ts(28, false, 3, PANGO_ALIGN_CENTER, C_MUTED, C_PANEL);
        text_draw(f, W(f, SCRW_PREVIEW_PLACEHOLDER), (struct box){box.x + 20, box.y + box.h / 2 + 16, box.w - 40,
                                                              box.h / 2 - 36},
                  &st, V_TOP);
        return;
    }
    double k = fmin(box.w / pw, box.h / ph);
    double w = pw * k, h = ph * k, x = box.x + (box.w - w) / 2, y = box.y + (box.h - h) / 2;
    fill_box(f, (struct box){x + 6, y + 6, w, h}, C_DOT_OFF);
    fill_box(f, (struct box){x, y, w, h}, C_WHITE);
    cairo_save(cr);
    /* In device pixels: a preview rendered at screens_preview_size is
     * copied 1:1 (fast, sharp); any other size is filtered down. */
    double dx = round(x * f->s), dy = round(y * f->s), dk = k * f->s;
    cairo_identity_matrix(cr);
    cairo_rectangle(cr, dx, dy, round(w * f->s), round(h * f->s));
    cairo_clip(cr);
    cairo_translate(cr, dx, dy);
    bool one_to_one = fabs(dk - 1.0) * fmax(pw, ph) < 1.5;
    if (!one_to_one)
        cairo_scale(cr, dk, dk);
    cairo_set_source_surface(cr, p, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), one_to_one ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_rectangle(cr, x, y, w, h);
    set_rgb(cr, C_RULE);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
}

/* The preview box of CONFIRM: the body's height, A4's proportions. */
static struct box preview_box(const struct frame *f)
{
    struct box b = body(f, true);
    double h = b.h - 8, w = floor(h / sqrt(2.0));
    return (struct box){b.x, b.y, w, h};
}

/* A label and a value on one row of the right column. Returns the row height. */
static double row(struct frame *f, struct box r, const char *label, const char *value, double vsize, unsigned bg)
{
    struct tstyle sl = ts(30, false, 1, PANGO_ALIGN_LEFT, bg == C_NAVY ? C_WHITE : C_MUTED, bg);
    struct tstyle sv = ts(vsize, true, 1, PANGO_ALIGN_RIGHT, bg == C_NAVY ? C_WHITE : C_INK, bg);
    double lw = r.w * 0.42;
    text_draw(f, label, (struct box){r.x, r.y, lw, r.h}, &sl, V_MIDDLE);
    text_draw(f, value, (struct box){r.x + lw + 16, r.y, r.w - lw - 16, r.h}, &sv, V_MIDDLE);
    return r.h;
}

static void screen_confirm(struct frame *f)
{
    const struct screens_model *m = f->m;
    /* Free of charge: no payment step, the button prints. */
    footer(f, false, true, W(f, m->amount_yen > 0 ? SCRW_CONFIRM_PAY : SCRW_CONFIRM_PRINT), true);
    header(f, W(f, SCRW_CONFIRM_TITLE));
    struct box b = body(f, true);
    struct box pb = preview_box(f);
    preview(f, pb);
    struct box r = {pb.x + pb.w + 56, b.y, b.x + b.w - (pb.x + pb.w + 56), b.h};
    struct tstyle head = ts(38, true, 2, PANGO_ALIGN_LEFT, C_INK, C_WHITE);
    double y = r.y + 8;
    y += text_draw(f, W(f, SCRW_CONFIRM_HEAD), (struct box){r.x, y, r.w, 110}, &head, V_TOP) + 36;
    char copies[32], total[32];
    copies_text(f, copies, sizeof copies, m->copies);
    price(f, total, sizeof total, m->amount_yen);
    double rh = 84;
    const char *kind = W(f, m->cert_kind == CENTER_OVERSEAS ? SCRW_KIND_OVERSEAS : SCRW_KIND_DOMESTIC);
    y += row(f, (struct box){r.x, y, r.w, rh}, W(f, SCRW_CONFIRM_KIND), kind, 36, C_WHITE);
    fill_box(f, (struct box){r.x, y, r.w, 2}, C_RULE);
    y += 2;
    y += row(f, (struct box){r.x, y, r.w, rh}, W(f, SCRW_COPIES_LABEL), copies, 36, C_WHITE);
    fill_box(f, (struct box){r.x, y, r.w, 2}, C_RULE);
    y += 18;
    struct box tot = {r.x, y, r.w, rh + 12};
    rounded(f->cr, tot, 12);
    set_rgb(f->cr, C_PANEL);
    cairo_fill(f->cr);
    row(f, inset(tot, 20, 0), W(f, SCRW_FEE_TOTAL_LABEL), total, 50, C_PANEL);
}

static void screen_payment(struct frame *f)
{
    const struct screens_model *m = f->m;
    footer(f, false, true, NULL, false);
    header(f, W(f, SCRW_PAYMENT_TITLE));
    struct box b = body(f, true);
    struct tstyle head = ts(40, true, 2, PANGO_ALIGN_CENTER, C_INK, C_WHITE);
    double rh = 82, pw = fmin(b.w, 860), px = b.x + (b.w - pw) / 2;
    double hh = text_measure(W(f, SCRW_PAYMENT_HEAD), b, &head);
    double total = ICON + 20 + hh + 32 + 3 * rh + 2 * 10;
    double y = b.y + fmax(0, (b.h - total) / 2);
    draw_icon(f, ICON_COINS, b.x + b.w / 2, y);
    y += ICON + 20;
    y += text_draw(f, W(f, SCRW_PAYMENT_HEAD), (struct box){b.x, y, b.w, hh + 1}, &head, V_TOP) + 32;
    char due[32], in[32], rest[32];
    int remaining = m->amount_yen - m->inserted_yen;
    yen(f, due, sizeof due, m->amount_yen);
    yen(f, in, sizeof in, m->inserted_yen);
    yen(f, rest, sizeof rest, remaining > 0 ? remaining : 0);
    const char *labels[3] = {W(f, SCRW_AMOUNT_DUE), W(f, SCRW_INSERTED), W(f, SCRW_REMAINING)};
    const char *values[3] = {due, in, rest};
    for (int i = 0; i < 3; i++) {
        struct box r = {px, y, pw, rh};
        unsigned bg = i == 2 ? C_NAVY : C_PANEL;
        rounded(f->cr, r, 12);
        set_rgb(f->cr, bg);
        cairo_fill(f->cr);
        row(f, inset(r, 28, 0), labels[i], values[i], 46, bg);
        y += rh + 10;
    }
}

static void screen_take_certificate(struct frame *f)
{
    const struct screens_model *m = f->m;
    header(f, W(f, SCRW_TAKE_CERT_TITLE));
    char amount[32], change[96] = "";
    if (m->amount_yen > 0) {
        yen(f, amount, sizeof amount, m->amount_yen);
        screens_fill(change, sizeof change, W(f, SCRW_TAKE_CHANGE), amount, NULL);
    }
    struct line ls[] = {
        {W(f, SCRW_TAKE_CERT_HEAD), 60, true, C_INK, 2},
        {change, 44, true, C_NAVY, 2},
        {W(f, SCRW_THANK_YOU), 32, false, C_MUTED, 1},
    };
    message_block(f, body(f, false), ICON_DOC, ls, 3, false);
}

/* ERROR, REFUNDED and REFUND_RECEIPT: the session takes OK (CONFIRM) only
 * once the card is off the reader. */
static void screen_notice(struct frame *f)
{
    const struct screens_model *m = f->m;
    bool ok = !m->card_on_reader;
    if (ok)
        footer(f, false, false, W(f, SCRW_OK), true);
    header(f, W(f, SCRW_NOTICE_TITLE));
    struct box b = body(f, ok);
    char amount[32], line[128] = "";
    yen(f, amount, sizeof amount, m->amount_yen);
    const char *take = !m->card_on_reader ? "" : m->passport ? W(f, SCRW_TAKE_PASSPORT_HEAD) : W(f, SCRW_TAKE_CARD_TOO);
    switch (m->screen) {
    case SESSION_SCREEN_REFUNDED: {
        screens_fill(line, sizeof line, W(f, SCRW_REFUNDED_AMOUNT), amount, NULL);
        struct line ls[] = {
            {W(f, m->err == KOFU_OK ? SCRW_CANCELLED_HEAD : SCRW_ERROR_HEAD), 48, true, C_INK, 2},
            {m->err == KOFU_OK ? "" : kofu_err_text(m->err, f->lang), 30, false, C_INK, 3},
            {line, 38, true, C_NAVY, 2},
            {take, 40, true, C_RED, 1},
        };
        message_block(f, b, ICON_COINS, ls, 4, false);
        break;
    }
    case SESSION_SCREEN_REFUND_RECEIPT: {
        snprintf(line, sizeof line, "%s  %s", W(f, SCRW_RECEIPT_AMOUNT), amount);
        struct line ls[] = {
            {W(f, SCRW_RECEIPT_HEAD), 48, true, C_INK, 2},
            {W(f, SCRW_RECEIPT_TEXT), 36, true, C_RED, 2},
            {line, 40, true, C_NAVY, 1},
            {m->err == KOFU_OK ? "" : kofu_err_text(m->err, f->lang), 28, false, C_MUTED, 2},
            {take, 40, true, C_RED, 1},
        };
        message_block(f, b, ICON_WARN, ls, 5, false);
        break;
    }
    default: {
        /* Outside the service hours: when it opens, from the center's
         * /config (the error's own words carry no hours). */
        if (m->err == KOFU_E_OUTSIDE_HOURS) {
            char hours[48];
            screens_format_hours(hours, sizeof hours, m->open_minute, m->close_minute, f->lang);
            snprintf(line, sizeof line, "%s  %s", W(f, SCRW_HOURS_LABEL), hours);
        }
        struct line ls[] = {
            {W(f, SCRW_ERROR_HEAD), 46, true, C_INK, 2},
            {kofu_err_text(m->err, f->lang), 32, false, C_INK, 4},
            {line, 40, true, C_NAVY, 1},
            {take, 44, true, C_RED, 1},
        };
        message_block(f, b, ICON_WARN, ls, 4, false);
        break;
    }
    }
}

/* ---- TERMS: the center's text, a page at a time ---- */

#define TERMS_SIZE 30.0 /* large type: the whole text is read here */
/* The pages one text may take. The protocol's limits (CENTER_TERMS_TEXT_MAX
 * bytes, CENTER_TERMS_LINES_MAX lines) are chosen so that any text the
 * center may send takes fewer at 800×480 (test_screens measures the worst
 * cases); a text that needs more anyway is a drawing failure, never cut. */
#define TERMS_PAGES_MAX 256
#define TERMS_SCROLL_W 250.0

/* Page starts (layout y, design px) of lay in boxes h high, lines never cut;
 * returns the number of pages the whole text needs, which may be more than
 * TERMS_PAGES_MAX (then only the first TERMS_PAGES_MAX starts are set). */
static int terms_paginate(PangoLayout *lay, double h, double starts[TERMS_PAGES_MAX])
{
    int n = 0;
    PangoLayoutIter *it = pango_layout_get_iter(lay);
    if (!it)
        return 0;
    double start = starts[n++] = 0;
    do {
        PangoRectangle r;
        pango_layout_iter_get_line_extents(it, NULL, &r);
        double top = (double)r.y / PANGO_SCALE, bottom = (double)(r.y + r.height) / PANGO_SCALE;
        if (bottom - start > h && top > start) {
            if (n < TERMS_PAGES_MAX)
                starts[n] = top;
            start = top;
            n++;
        }
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    return n;
}

/* The terms, and "agree" only under a text that was laid out whole: a text
 * that cannot all be shown (no layout, a character no font has, more pages
 * than the screen keeps) is a drawing failure with a notice in its place and
 * no way to agree — back and "do not agree" stay. */
static void screen_terms(struct frame *f)
{
    const struct screens_model *m = f->m;
    /* The footer: back, and the two answers, "do not agree" as plain as "agree". */
    double y0 = f->dh - f->foot_h, by = y0 + (f->foot_h - f->t) / 2;
    fill_box(f, (struct box){0, y0, f->dw, f->foot_h}, C_FOOT);
    fill_box(f, (struct box){0, y0, f->dw, 2}, C_RULE);
    struct box back = {MARGIN, by, FOOT_BTN_W, f->t};
    button(f, back, B_SECONDARY, W(f, SCRW_BACK), 34, 1);
    add_button_target(f, SESSION_BTN_BACK, back);
    struct box agree = {f->dw - MARGIN - FOOT_PRIMARY_W, by, FOOT_PRIMARY_W, f->t};
    struct box disagree = {agree.x - 28 - FOOT_PRIMARY_W, by, FOOT_PRIMARY_W, f->t};
    button(f, disagree, B_SECONDARY, W(f, SCRW_TERMS_DISAGREE), 36, 1);
    add_button_target(f, SESSION_BTN_DISAGREE, disagree);
    header(f, W(f, SCRW_TERMS_TITLE));

    struct box b = body(f, true);
    struct tstyle head = ts(30, true, 2, PANGO_ALIGN_LEFT, C_INK, C_WHITE);
    double y = b.y;
    y += text_draw(f, W(f, SCRW_TERMS_HEAD), (struct box){b.x, y, b.w, 80}, &head, V_TOP) + 16;

    /* The text in a panel on the left, the scroll column on the right. */
    struct box panel = {b.x, y, b.w - TERMS_SCROLL_W - 24, b.y + b.h - y};
    rounded(f->cr, panel, 12);
    set_rgb(f->cr, C_PANEL);
    cairo_fill_preserve(f->cr);
    set_rgb(f->cr, C_RULE);
    cairo_set_line_width(f->cr, 2);
    cairo_stroke(f->cr);
    struct box tb = inset(panel, 24, 16);
    const char *text = f->lang == KOFU_LANG_EN ? m->terms_en : m->terms_ja;
    PangoLayout *lay = layout_for(text, TERMS_SIZE, false, tb.w, PANGO_ALIGN_LEFT);
    double starts[TERMS_PAGES_MAX];
    int pages = lay ? terms_paginate(lay, tb.h, starts) : 0;
    bool whole = pages >= 1 && pages <= TERMS_PAGES_MAX && pango_layout_get_unknown_glyphs_count(lay) == 0;
    if (!whole) {
        f->rc = KOFU_E_RENDER;
        pages = 0;
    }
    int page = m->terms_page < 0 ? 0 : m->terms_page >= pages ? pages - 1 : m->terms_page;
    if (page < 0)
        page = 0;
    if (f->l) {
        f->l->terms_pages = pages;
        f->l->terms_page = page;
    }
    if (whole) {
        button(f, agree, B_PRIMARY, W(f, SCRW_TERMS_AGREE), 36, 1);
        add_button_target(f, SESSION_BTN_AGREE, agree);
        double top = starts[page], bottom = page + 1 < pages ? starts[page + 1] : top + tb.h;
        cairo_save(f->cr);
        cairo_rectangle(f->cr, tb.x, tb.y, tb.w, fmin(tb.h, bottom - top));
        cairo_clip(f->cr);
        set_rgb(f->cr, C_INK);
        cairo_move_to(f->cr, tb.x, tb.y - top);
        pango_cairo_show_layout(f->cr, lay);
        cairo_new_path(f->cr);
        cairo_restore(f->cr);
        if (text_observer) {
            struct screens_text_seen seen = {text, tb.x * f->s, tb.y * f->s, tb.w * f->s,
                                             fmin(tb.h, bottom - top) * f->s, C_INK, C_PANEL, true, true};
            text_observer(&seen, text_observer_arg);
        }
    } else {
        struct tstyle st = ts(32, true, 4, PANGO_ALIGN_LEFT, C_INK, C_PANEL);
        text_draw(f, W(f, SCRW_TERMS_UNSHOWN), tb, &st, V_TOP);
    }

    /* Up, the page, down: a disabled button at either end is not a target. */
    double sx = b.x + b.w - TERMS_SCROLL_W, sh = fmax(f->t, 120);
    struct box up = {sx, panel.y, TERMS_SCROLL_W, sh}, down = {sx, panel.y + panel.h - sh, TERMS_SCROLL_W, sh};
    button(f, up, page > 0 ? B_CHOICE : B_DISABLED, W(f, SCRW_PAGE_PREV), 32, 2);
    if (page > 0)
        add_target(f, SCREENS_T_TERMS_UP, SESSION_BTN__COUNT, 0, CENTER_DOMESTIC, up);
    button(f, down, page + 1 < pages ? B_CHOICE : B_DISABLED, W(f, SCRW_PAGE_NEXT), 32, 2);
    if (page + 1 < pages)
        add_target(f, SCREENS_T_TERMS_DOWN, SESSION_BTN__COUNT, 0, CENTER_DOMESTIC, down);
    if (!whole)
        return;
    char a[12], c[12], line[64];
    number(a, sizeof a, page + 1);
    number(c, sizeof c, pages);
    screens_fill(line, sizeof line, W(f, SCRW_PAGE_OF), a, c);
    struct tstyle st = ts(30, true, 2, PANGO_ALIGN_CENTER, C_INK, C_WHITE);
    text_draw(f, line, (struct box){sx, up.y + up.h + 8, TERMS_SCROLL_W, fmax(0, down.y - up.y - up.h - 16)}, &st,
              V_MIDDLE);
}

static void screen_timeout_warning(struct frame *f)
{
    const struct screens_model *m = f->m;
    footer(f, false, true, NULL, false);
    header(f, W(f, SCRW_NOTICE_TITLE));
    struct box b = body(f, true);
    char n[12], secs[96] = "";
    if (m->seconds_left > 0) {
        number(n, sizeof n, m->seconds_left);
        screens_fill(secs, sizeof secs, W(f, SCRW_TIMEOUT_SECONDS), n, NULL);
    }
    /* "Touch the screen": the continue button takes most of the body. */
    double bh = fmax(f->t, 150);
    struct box cont = {b.x + b.w * 0.15, b.y + b.h - bh, b.w * 0.7, bh};
    struct line ls[] = {
        {W(f, SCRW_TIMEOUT_HEAD), 52, true, C_INK, 2},
        {W(f, SCRW_TIMEOUT_SUB), 34, false, C_INK, 2},
        {secs, 34, true, C_RED, 1},
    };
    message_block(f, (struct box){b.x, b.y, b.w, b.h - bh - 24}, ICON_NONE, ls, 3, false);
    button(f, cont, B_PRIMARY, W(f, SCRW_CONTINUE), 48, 1);
    add_button_target(f, SESSION_BTN_CONFIRM, cont);
}

/* ---- the passport ---- */

#define MRZ_KEY_GAP 4.0  /* between key targets; each key is drawn inset by MRZ_KEY_INSET */
#define MRZ_KEY_INSET 3.0
#define MRZ_COLS 10
#define MRZ_ROWS 4

/* One box of a field: the character typed, or in an empty date box its
 * muted hint; the box typed into next has a thick navy border, a check
 * digit's box an amber one. */
static void mrz_box(struct frame *f, struct box c, const char *ch, const char *hint, bool cursor, bool check_digit)
{
    cairo_t *cr = f->cr;
    rounded(cr, c, 6);
    set_rgb(cr, C_PANEL);
    cairo_fill(cr);
    double bw = cursor ? 5 : 2.5;
    rounded(cr, inset(c, bw / 2, bw / 2), 6 - bw / 2);
    set_rgb(cr, cursor ? C_NAVY : check_digit ? C_AMBER : C_RULE);
    cairo_set_line_width(cr, bw);
    cairo_stroke(cr);
    if (check_digit && !cursor) { /* amber alone is not enough against the panel: a second ring */
        rounded(cr, inset(c, 5, 5), 3);
        set_rgb(cr, C_AMBER);
        cairo_set_line_width(cr, 2);
        cairo_stroke(cr);
    }
    const char *t = ch && ch[0] ? ch : hint;
    if (t && t[0]) {
        struct tstyle st = ts(c.h * 0.62, ch && ch[0], 1, PANGO_ALIGN_CENTER, ch && ch[0] ? C_INK : C_MUTED, C_PANEL);
        text_draw(f, t, inset(c, 4, 2), &st, V_MIDDLE);
    }
}

/* Where a field's label goes and how it looks. */
struct mrz_label {
    bool above;        /* over the boxes (else left of them, w wide) */
    double w, h;       /* beside: its width; above: its height */
    unsigned fg, bg;
};

/* One field: its label, its boxes (max of them; the check digit's after a
 * gap), the characters typed. Returns the width taken. */
static double mrz_field_draw(struct frame *f, double x, double y, double cw, double ch, const struct mrz_label *lb,
                             enum screens_word label, int field)
{
    const struct screens_model *m = f->m;
    struct tstyle ls = ts(lb->above ? fmin(lb->h * 0.78, 28) : fmin(ch * 0.6, 28), true, 1, PANGO_ALIGN_LEFT, lb->fg,
                          lb->bg);
    double cx = x;
    if (lb->above) {
        text_draw(f, W(f, label), (struct box){x, y, 10 * cw, lb->h}, &ls, V_MIDDLE);
    } else {
        text_draw(f, W(f, label), (struct box){x, y, lb->w - 8, ch}, &ls, V_MIDDLE);
        cx += lb->w;
    }
    double by = lb->above ? y + lb->h : y;
    const char *hint = W(f, SCRW_MRZ_DATE_HINT);
    for (int part = 0; part < 2; part++) {
        int fl = field + part, max = session_mrz_field_max(fl);
        int len = m->mrz_len[fl] < 0 ? 0 : m->mrz_len[fl] > max ? max : m->mrz_len[fl];
        const char *text = m->mrz_text[fl];
        for (int i = 0; i < max; i++) {
            char one[2] = {0, 0}, h[2] = {0, 0};
            if (text && i < len && (size_t)i < strlen(text))
                one[0] = text[i];
            if (fl == SESSION_MRZ_EXPIRY && (size_t)i < strlen(hint))
                h[0] = hint[i];
            bool cursor = fl == m->mrz_field && i == (len < max ? len : max - 1);
            mrz_box(f, (struct box){cx, by, cw - 4, ch}, one, h, cursor, part == 1);
            cx += cw;
        }
        cx += part == 0 ? cw * 0.4 : 0;
    }
    return cx - x;
}

/* Both fields in box b: the number's 10 boxes and the date's 7, the gaps
 * after each number (0.4 box) and between the fields. */
static void mrz_fields(struct frame *f, struct box b, const struct mrz_label *lb)
{
    double gap = 40, ch = lb->above ? b.h - lb->h : b.h;
    double side = lb->above ? 0 : 2 * lb->w;
    double cw = fmin(ch * 0.8, (b.w - gap - side) / (17 + 0.8));
    double x = b.x;
    x += mrz_field_draw(f, x, b.y, cw, ch, lb, SCRW_MRZ_DOCNO, SESSION_MRZ_DOCNO) + gap;
    mrz_field_draw(f, x, b.y, cw, ch, lb, SCRW_MRZ_EXPIRY, SESSION_MRZ_EXPIRY);
}

static bool mrz_complete(const struct screens_model *m)
{
    for (int fl = 0; fl < SESSION_MRZ__FIELDS; fl++)
        if (m->mrz_len[fl] < (fl == SESSION_MRZ_DOCNO ? 1 : session_mrz_field_max(fl)))
            return false;
    return true;
}

/* The keypad: 0-9 and A-Z in reading order, then "next box" and "delete"
 * two keys wide each. Keys are at least a target high and wide. */
static void mrz_keypad(struct frame *f, struct box pad, double key_w)
{
    static const char keys[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (int i = 0; i < (int)sizeof keys - 1; i++) {
        struct box k = {pad.x + (i % MRZ_COLS) * (key_w + MRZ_KEY_GAP), pad.y + (i / MRZ_COLS) * (f->t + MRZ_KEY_GAP),
                        key_w, f->t};
        char label[2] = {keys[i], 0};
        button(f, inset(k, MRZ_KEY_INSET, MRZ_KEY_INSET), B_KEY, label, 44, 1);
        add_target(f, SCREENS_T_MRZ_CHAR, SESSION_BTN__COUNT, keys[i], CENTER_DOMESTIC, k);
    }
    double y = pad.y + 3 * (f->t + MRZ_KEY_GAP), wide = 2 * key_w + MRZ_KEY_GAP;
    struct box next = {pad.x + 6 * (key_w + MRZ_KEY_GAP), y, wide, f->t};
    struct box del = {next.x + wide + MRZ_KEY_GAP, y, wide, f->t};
    button(f, inset(next, MRZ_KEY_INSET, MRZ_KEY_INSET), B_SECONDARY, W(f, SCRW_MRZ_NEXT_FIELD), 32, 1);
    add_target(f, SCREENS_T_MRZ_NEXT, SESSION_BTN__COUNT, 0, CENTER_DOMESTIC, next);
    button(f, inset(del, MRZ_KEY_INSET, MRZ_KEY_INSET), B_SECONDARY, W(f, SCRW_MRZ_DELETE), 32, 1);
    add_target(f, SCREENS_T_MRZ_DELETE, SESSION_BTN__COUNT, 0, CENTER_DOMESTIC, del);
}

/* The keypad fills the bottom of the body; above it the two fields, with
 * the instruction when the screen has room for it. On a small screen the
 * body has no room left for boxes that can be read: the fields take the
 * header's place (its title said nothing the labels do not). */
static void screen_passport_numbers(struct frame *f)
{
    footer(f, true, true, W(f, SCRW_PIN_ENTER), mrz_complete(f->m));
    struct box b = body(f, true);
    double key_w = fmax(f->t, fmin(120, (b.w - (MRZ_COLS - 1) * MRZ_KEY_GAP) / MRZ_COLS));
    double pad_w = MRZ_COLS * key_w + (MRZ_COLS - 1) * MRZ_KEY_GAP, pad_h = MRZ_ROWS * f->t + (MRZ_ROWS - 1) * MRZ_KEY_GAP;
    struct box pad = {b.x + (b.w - pad_w) / 2, b.y + b.h - pad_h, pad_w, pad_h};
    mrz_keypad(f, pad, key_w);

    double room = pad.y - 10 - b.y;
    if (room < 100) {
        fill_box(f, (struct box){0, 0, f->dw, f->head_h}, C_HEAD);
        struct box lang = {f->dw - MARGIN - LANG_W, (f->head_h - f->t) / 2, LANG_W, f->t};
        button(f, lang, B_LANG, W(f, SCRW_LANGUAGE), 32, 1);
        add_button_target(f, SESSION_BTN_LANGUAGE, lang);
        const struct mrz_label lb = {true, 0, fmin(34, f->head_h * 0.28), C_WHITE, C_HEAD};
        mrz_fields(f, (struct box){MARGIN, 6, lang.x - 32 - MARGIN, f->head_h - 12}, &lb);
        return;
    }
    header(f, W(f, SCRW_MRZ_TITLE));
    double y = b.y, fields_h = fmin(room, 36 + 64);
    if (room - fields_h >= 44) { /* the instruction, and the note when it fits too */
        struct tstyle head = ts(30, true, 1, PANGO_ALIGN_LEFT, C_INK, C_WHITE);
        y += text_draw(f, W(f, SCRW_MRZ_HEAD), (struct box){b.x, y, b.w, 44}, &head, V_TOP) + 4;
        struct tstyle note = ts(24, false, 1, PANGO_ALIGN_LEFT, C_MUTED, C_WHITE);
        if (pad.y - 10 - y - fields_h >= 34)
            y += text_draw(f, W(f, SCRW_MRZ_CD_NOTE), (struct box){b.x, y, b.w, 34}, &note, V_TOP) + 4;
        y = fmax(y, pad.y - 10 - fields_h);
    }
    const struct mrz_label lb = {true, 0, 36, C_MUTED, C_WHITE};
    mrz_fields(f, (struct box){b.x, y, b.w, fields_h}, &lb);
}

/* The numbers did not open the chip, or failed their check digits: the
 * reason, and back to the keypad with the numbers kept. */
static void screen_passport_check(struct frame *f)
{
    footer(f, false, true, W(f, SCRW_MRZ_AGAIN), true);
    header(f, W(f, SCRW_PASSPORT_TITLE));
    /* The chip's keys hold the card's birth date: another person's
     * passport is refused as wrong numbers are. */
    struct line ls[] = {
        {W(f, SCRW_MRZ_CHECK_HEAD), 52, true, C_INK, 2},
        {kofu_err_text(f->m->err, f->lang), 32, false, C_INK, 3},
        {f->m->err == KOFU_E_PASSPORT_KEYS ? W(f, SCRW_MRZ_OWN_PASSPORT) : "", 28, false, C_MUTED, 2},
    };
    message_block(f, body(f, true), ICON_WARN, ls, 3, false);
}

static void screen_passport_place(struct frame *f)
{
    const struct screens_model *m = f->m;
    footer(f, true, true, NULL, false);
    header(f, W(f, SCRW_PASSPORT_TITLE));
    struct line ls[] = {
        {m->err != KOFU_OK ? kofu_err_text(m->err, f->lang) : "", 32, true, C_RED, 3},
        {W(f, SCRW_PASSPORT_PLACE_HEAD), 56, true, C_INK, 2},
        {W(f, SCRW_PASSPORT_PLACE_SUB), 32, false, C_MUTED, 3},
    };
    message_block(f, body(f, true), ICON_PASSPORT, ls, 3, false);
}

/* With err: why the overseas certificate is not offered (the kind comes
 * next, domestic selected). */
static void screen_take_passport(struct frame *f)
{
    const struct screens_model *m = f->m;
    header(f, W(f, SCRW_PASSPORT_TITLE));
    struct line ls[] = {
        {m->err != KOFU_OK ? kofu_err_text(m->err, f->lang) : "", 32, true, C_RED, 3},
        {W(f, SCRW_TAKE_PASSPORT_HEAD), 60, true, C_INK, 2},
        {W(f, SCRW_TAKE_PASSPORT_SUB), 34, false, C_MUTED, 2},
    };
    message_block(f, body(f, false), ICON_PASSPORT, ls, 3, false);
}

static void draw_screen(struct frame *f)
{
    const struct screens_model *m = f->m;
    switch (m->screen) {
    case SESSION_SCREEN_IDLE:
        screen_idle(f);
        break;
    case SESSION_SCREEN_CLOSED:
        screen_closed(f);
        break;
    case SESSION_SCREEN_CARD_PLACED:
        screen_waiting(f, SCRW_CARD_PLACED_TITLE, ICON_CARD, W(f, SCRW_CARD_PLACED_HEAD), W(f, SCRW_CARD_PLACED_SUB));
        break;
    case SESSION_SCREEN_SERVICE:
        screen_service(f);
        break;
    case SESSION_SCREEN_PIN:
        screen_pin(f);
        break;
    case SESSION_SCREEN_PIN_LAST_TRY:
        screen_pin_last_try(f);
        break;
    case SESSION_SCREEN_READING:
        screen_waiting(f, SCRW_CARD_PLACED_TITLE, ICON_CARD, W(f, SCRW_READING_HEAD), W(f, SCRW_READING_SUB));
        break;
    case SESSION_SCREEN_TAKE_CARD:
        screen_take_card(f);
        break;
    case SESSION_SCREEN_MUNICIPALITY:
        screen_municipality(f);
        break;
    case SESSION_SCREEN_KIND_COPIES:
        screen_kind_copies(f);
        break;
    case SESSION_SCREEN_REQUESTING:
        screen_waiting(f, SCRW_REQUESTING_TITLE, ICON_DOC, W(f, SCRW_REQUESTING_HEAD), W(f, SCRW_PLEASE_WAIT_SHORT));
        break;
    case SESSION_SCREEN_CONFIRM:
        screen_confirm(f);
        break;
    case SESSION_SCREEN_PAYMENT:
        screen_payment(f);
        break;
    case SESSION_SCREEN_PRINTING:
        screen_waiting(f, SCRW_PRINTING_TITLE, ICON_DOC, W(f, SCRW_PRINTING_HEAD), W(f, SCRW_PLEASE_WAIT_SHORT));
        break;
    case SESSION_SCREEN_TAKE_CERTIFICATE:
        screen_take_certificate(f);
        break;
    case SESSION_SCREEN_REFUNDING: {
        char amount[32], line[128];
        yen(f, amount, sizeof amount, m->amount_yen);
        screens_fill(line, sizeof line, W(f, SCRW_REFUNDING_SUB), amount, NULL);
        screen_waiting(f, SCRW_REFUNDING_TITLE, ICON_COINS, W(f, SCRW_REFUNDING_HEAD), line);
        break;
    }
    case SESSION_SCREEN_ERROR:
    case SESSION_SCREEN_REFUNDED:
    case SESSION_SCREEN_REFUND_RECEIPT:
        screen_notice(f);
        break;
    case SESSION_SCREEN_TIMEOUT_WARNING:
        screen_timeout_warning(f);
        break;
    case SESSION_SCREEN_PLEASE_WAIT:
        screen_waiting(f, SCRW_SLOW_TITLE, ICON_CLOCK, W(f, SCRW_SLOW_HEAD), W(f, SCRW_SLOW_SUB));
        break;
    case SESSION_SCREEN_TERMS:
        screen_terms(f);
        break;
    case SESSION_SCREEN_PASSPORT_NUMBERS:
        screen_passport_numbers(f);
        break;
    case SESSION_SCREEN_PASSPORT_CHECK:
        screen_passport_check(f);
        break;
    case SESSION_SCREEN_PASSPORT_PLACE:
        screen_passport_place(f);
        break;
    case SESSION_SCREEN_PASSPORT_READING:
        screen_waiting(f, SCRW_PASSPORT_TITLE, ICON_PASSPORT, W(f, SCRW_PASSPORT_READING_HEAD),
                       W(f, SCRW_PASSPORT_READING_SUB));
        break;
    case SESSION_SCREEN_TAKE_PASSPORT:
        screen_take_passport(f);
        break;
    case SESSION_SCREEN__COUNT:
        break;
    }
}

bool screens_changes_over_time(enum session_screen sc)
{
    switch (sc) {
    case SESSION_SCREEN_CARD_PLACED: /* these seven are drawn by screen_waiting */
    case SESSION_SCREEN_READING:
    case SESSION_SCREEN_PASSPORT_READING:
    case SESSION_SCREEN_REQUESTING:
    case SESSION_SCREEN_PRINTING:
    case SESSION_SCREEN_REFUNDING:
    case SESSION_SCREEN_PLEASE_WAIT:
    case SESSION_SCREEN_TIMEOUT_WARNING: /* seconds_left */
        return true;
    default:
        return false;
    }
}

/* Scale and target size for a width × height screen. */
static void frame_geometry(struct frame *f, int width, int height)
{
    f->s = fmin(width / DESIGN_W, height / DESIGN_H);
    f->dw = width / f->s;
    f->dh = height / f->s;
    f->t = fmax(TARGET_PX, TARGET_MIN_PX / f->s);
    /* A hair over the minimum so rounding to device pixels never undercuts it. */
    f->t = ceil(f->t * f->s + 0.5) / f->s;
    f->head_h = f->t + 24;
    f->foot_h = f->t + 32;
}

static bool layout_is_permutation(const unsigned char l[10])
{
    unsigned seen = 0;
    for (int i = 0; i < 10; i++) {
        if (l[i] > 9 || (seen & (1u << l[i])))
            return false;
        seen |= 1u << l[i];
    }
    return true;
}

int screens_draw(cairo_t *cr, int width, int height, const struct screens_model *m, struct screens_layout *layout)
{
    /* All of it: the targets of an earlier PIN pad would tell its layout. */
    if (layout)
        memset(layout, 0, sizeof *layout);
    if (!cr || !m || width < SCREENS_WIDTH_MIN || height < SCREENS_HEIGHT_MIN)
        return KOFU_E_ARG;
    if ((unsigned)m->screen >= SESSION_SCREEN__COUNT || (m->lang != KOFU_LANG_JA && m->lang != KOFU_LANG_EN))
        return KOFU_E_ARG;
    if (m->n_municipalities > 0 && !m->municipalities)
        return KOFU_E_ARG;
    if (m->screen == SESSION_SCREEN_PIN && !layout_is_permutation(m->pin_layout))
        return KOFU_E_ARG;
    if (m->screen == SESSION_SCREEN_TERMS && (!m->terms_ja || !m->terms_en || !m->terms_ja[0] || !m->terms_en[0]))
        return KOFU_E_ARG;
    if (!g.ready)
        return KOFU_E_FONT;
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return KOFU_E_RENDER;

    struct frame f = {.cr = cr, .m = m, .l = layout, .lang = m->lang, .rc = KOFU_OK};
    frame_geometry(&f, width, height);
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, width, height);
    set_rgb(cr, C_WHITE);
    cairo_fill(cr);
    cairo_scale(cr, f.s, f.s);
    draw_screen(&f);
    cairo_restore(cr);
    if (f.rc == KOFU_OK && cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        f.rc = KOFU_E_RENDER;
    return f.rc;
}

int screens_preview_size(int width, int height, int *w, int *h)
{
    if (width < SCREENS_WIDTH_MIN || height < SCREENS_HEIGHT_MIN)
        return KOFU_E_ARG;
    struct frame f = {0};
    frame_geometry(&f, width, height);
    struct box b = preview_box(&f);
    if (w)
        *w = (int)round(b.w * f.s);
    if (h)
        *h = (int)round(b.h * f.s);
    return KOFU_OK;
}

/* ---- hit test and names ---- */

const struct screens_target *screens_hit(const struct screens_layout *l, double x, double y)
{
    if (!l)
        return NULL;
    for (size_t i = 0; i < l->n && i < SCREENS_TARGETS_MAX; i++) {
        const struct screens_target *t = &l->t[i];
        if (x >= t->x && x < t->x + t->w && y >= t->y && y < t->y + t->h)
            return t;
    }
    return NULL;
}

/* ---- the PIN pad's shuffle ---- */

/* Uniform in 0..n-1 (n ≤ 256) from the byte pool, by rejection: bytes at or
 * above the largest multiple of n are thrown away, so no value is favoured
 * (no modulo bias). Refills the pool from getrandom. */
static int uniform_below(unsigned n, unsigned char *pool, size_t cap, size_t *used)
{
    unsigned limit = 256u - 256u % n;
    for (;;) {
        if (*used >= cap) {
            size_t got = 0;
            while (got < cap) {
                ssize_t r = getrandom(pool + got, cap - got, 0);
                if (r < 0) {
                    if (errno == EINTR)
                        continue;
                    return -1;
                }
                got += (size_t)r;
            }
            *used = 0;
        }
        unsigned b = pool[(*used)++];
        if (b < limit)
            return (int)(b % n);
    }
}

int screens_shuffle_pin_pad(unsigned char layout[10])
{
    if (!layout)
        return KOFU_E_ARG;
    unsigned char pool[32];
    size_t used = sizeof pool;
    unsigned char l[10];
    for (int i = 0; i < 10; i++)
        l[i] = (unsigned char)i;
    int rc = KOFU_OK;
    /* Fisher–Yates: every permutation equally likely. */
    for (int i = 9; i > 0; i--) {
        int j = uniform_below((unsigned)i + 1, pool, sizeof pool, &used);
        if (j < 0) {
            rc = KOFU_E_INTERNAL;
            break;
        }
        unsigned char tmp = l[i];
        l[i] = l[j];
        l[j] = tmp;
    }
    if (rc == KOFU_OK)
        memcpy(layout, l, sizeof l);
    explicit_bzero(pool, sizeof pool);
    explicit_bzero(l, sizeof l);
    return rc;
}
