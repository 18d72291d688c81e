/* document.c — see document.h. */
#include "ui/document.h"

#include "base/errors.h"
#include "ui/qr.h"
#include "ui/text_layout.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

/* ---- units, colours, fixed words ---- */

#define MM(x) ((x) * 72.0 / 25.4)

/* Longest text field accepted (bytes); the center's fields are far shorter. */
#define FIELD_MAX 512

static const char title_ja_default[] = "新型コロナウイルス感染症予防接種証明書";
static const char title_en_default[] = "Vaccination Certificate for COVID-19";
static const char statement_ja[] = "上記のとおり新型コロナウイルス感染症の予防接種を受けたことを証明します。";
static const char statement_en[] =
    "This is to certify that the person named above has received the COVID-19 vaccination(s) stated above.";

/* Grey levels: the page prints well on a monochrome laser printer. */
#define INK 0.08
#define LABEL 0.30
#define SUBTLE 0.40
#define RULE 0.45
#define HAIRLINE 0.72
#define SHADE 0.925

/* Page geometry (points). The frame sits 10 mm in, the content 16 mm. */
#define FRAME_INSET MM(10.0)
#define CONTENT_INSET MM(16.0)
#define CONTENT_X CONTENT_INSET
#define CONTENT_W (DOCUMENT_PAGE_WIDTH_PT - 2 * CONTENT_INSET)
#define CONTENT_TOP MM(17.0)
/* QR squares (quiet zone included): 40 mm, grown for a dense VDS-NC symbol
 * so that a module stays at least 0.33 mm, up to 50 mm. */
#define QR_SIDE_MIN MM(40.0)
#define QR_SIDE_MAX MM(50.0)
#define QR_MODULE_MIN MM(0.33)

/* The table shrinks in these steps when many or long doses need the room. */
static const double table_scales[] = {1.0, 0.92, 0.85, 0.78, 0.72};

/* ---- fonts ---- */

/* True when fontconfig's best match for `family` is that exact family and
 * covers Japanese (a kana and a kanji of the title). */
static bool fc_family_is_installed(const char *family)
{
    FcPattern *pat = FcPatternCreate();
    if (!pat)
        return false;
    bool ok = false;
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"ja");
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res = FcResultNoMatch;
    FcPattern *match = FcFontMatch(NULL, pat, &res);
    if (match && res == FcResultMatch) {
        FcChar8 *name = NULL;
        for (int i = 0; FcPatternGetString(match, FC_FAMILY, i, &name) == FcResultMatch; i++) {
            if (strcmp((const char *)name, family) == 0) {
                ok = true;
                break;
            }
        }
        FcCharSet *cs = NULL;
        if (ok && (FcPatternGetCharSet(match, FC_CHARSET, 0, &cs) != FcResultMatch || !FcCharSetHasChar(cs, 0x8A3C) ||
                   !FcCharSetHasChar(cs, 0x3042)))
            ok = false; /* 証, あ */
    }
    if (match)
        FcPatternDestroy(match);
    FcPatternDestroy(pat);
    return ok;
}

/* The font pango loads for `family` through fm, when it is that family;
 * else NULL. A new reference. */
static PangoFont *pango_load_family(PangoFontMap *fm, const char *family)
{
    PangoContext *pc = pango_font_map_create_context(fm);
    PangoFontDescription *want = pango_font_description_new();
    pango_font_description_set_family(want, family);
    pango_font_description_set_absolute_size(want, 12 * PANGO_SCALE);
    PangoFont *font = pc ? pango_font_map_load_font(fm, pc, want) : NULL;
    if (font) {
        PangoFontDescription *got = pango_font_describe(font);
        const char *name = got ? pango_font_description_get_family(got) : NULL;
        if (!name || strcmp(name, family) != 0) {
            g_object_unref(font);
            font = NULL;
        }
        if (got)
            pango_font_description_free(got);
    }
    pango_font_description_free(want);
    if (pc)
        g_object_unref(pc);
    return font;
}

/* IPAmjMincho (the MJ character set of 文字情報基盤, ≈ 58,000 characters
 * with IVS, TrueType) for what IPAex lacks, in both faces: it covers JIS X
 * 0213 and the kanji of registered names. Not Noto CJK: its CFF outlines go
 * through cairo 1.16's CFF subsetter, which leaks 768 bytes of the
 * subset per render (LeakSanitizer), and it covers fewer kanji. */
static const char *const gothic_chain_default[] = {"IPAexGothic", "IPAmjMincho", NULL};
static const char *const mincho_chain_default[] = {"IPAexMincho", "IPAmjMincho", NULL};

/* One face: its family and fallbacks into names[0..], each checked and
 * loaded into fonts[]. */
static int load_chain(PangoFontMap *fm, const char *const *chain, char *face, char (*fallback)[64],
                      void **fonts)
{
    size_t n = 0;
    while (chain && chain[n])
        n++;
    if (n == 0 || n > 1 + DOCUMENT_FONT_FALLBACK_MAX)
        return KOFU_E_ARG;
    for (size_t i = 0; i < n; i++) {
        if (!chain[i][0] || strlen(chain[i]) >= 64)
            return KOFU_E_ARG;
        if (!fc_family_is_installed(chain[i]) || !(fonts[i] = pango_load_family(fm, chain[i])))
            return KOFU_E_FONT;
        memcpy(i == 0 ? face : fallback[i - 1], chain[i], strlen(chain[i]) + 1);
    }
    return KOFU_OK;
}

int document_fonts_init_chains(struct document_fonts *f, const char *const *gothic, const char *const *mincho)
{
    if (!f)
        return KOFU_E_ARG;
    memset(f, 0, sizeof *f);
    if (!gothic || !gothic[0])
        return KOFU_E_ARG;
    if (!mincho || !mincho[0])
        mincho = gothic;
    PangoFontMap *fm = pango_cairo_font_map_new();
    if (!fm)
        return KOFU_E_NOMEM;
    f->fontmap = fm;
    int rc = load_chain(fm, gothic, f->gothic, f->gothic_fallback, f->coverage[0]);
    if (rc == KOFU_OK)
        rc = load_chain(fm, mincho, f->mincho, f->mincho_fallback, f->coverage[1]);
    if (rc != KOFU_OK)
        document_fonts_free(f);
    return rc;
}

int document_fonts_init_families(struct document_fonts *f, const char *gothic, const char *mincho)
{
    const char *const g[] = {gothic, NULL};
    const char *const m[] = {mincho && mincho[0] ? mincho : gothic, NULL};
    if (!gothic || !gothic[0]) {
        if (f)
            memset(f, 0, sizeof *f);
        return KOFU_E_ARG;
    }
    return document_fonts_init_chains(f, g, m);
}

int document_fonts_init(struct document_fonts *f)
{
    return document_fonts_init_chains(f, gothic_chain_default, mincho_chain_default);
}

void document_fonts_free(struct document_fonts *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 1 + DOCUMENT_FONT_FALLBACK_MAX; j++)
            if (f->coverage[i][j])
                g_object_unref(f->coverage[i][j]);
    if (f->fontmap)
        g_object_unref(f->fontmap);
    memset(f, 0, sizeof *f);
}

/* ---- which family draws which character ---- */

/* Characters that take the family of the character before them: variation
 * selectors (the family applies them when it can and ignores them
 * otherwise) and the line breaks of fixed words, which pango lays out
 * without a glyph. */
static bool follows_previous(gunichar c)
{
    return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) || c == '\n';
}

/* The index in the face's chain of the first family that has c, or -1. */
static int family_for(const struct document_fonts *f, int face, gunichar c)
{
    for (int i = 0; i < 1 + DOCUMENT_FONT_FALLBACK_MAX && f->coverage[face][i]; i++)
        if (pango_font_has_char(f->coverage[face][i], c))
            return i;
    return -1;
}

static const char *family_name(const struct document_fonts *f, int face, int i)
{
    if (i == 0)
        return face ? f->mincho : f->gothic;
    return face ? f->mincho_fallback[i - 1] : f->gothic_fallback[i - 1];
}

int document_fonts_layout_text(const struct document_fonts *f, bool mincho, PangoLayout *layout,
                               PangoAttrList *base, const char *text)
{
    int face = mincho ? 1 : 0;
    PangoAttrList *attrs = NULL;
    int rc = KOFU_OK;
    int run = 0;              /* family of the current run */
    const char *run_start = text;
    for (const char *p = text; *p; p += g_utf8_skip[*(const unsigned char *)p]) {
        gunichar c = g_utf8_get_char(p);
        int fam = follows_previous(c) ? run : family_for(f, face, c);
        if (fam < 0) {
            rc = KOFU_E_DOC_UNPRINTABLE;
            break;
        }
        if (fam == run)
            continue;
        if (run > 0) { /* close a fallback run */
            PangoAttribute *a = pango_attr_family_new(family_name(f, face, run));
            a->start_index = (guint)(run_start - text);
            a->end_index = (guint)(p - text);
            pango_attr_list_insert(attrs, a);
        }
        if (fam > 0 && !attrs && !(attrs = base ? pango_attr_list_copy(base) : pango_attr_list_new())) {
            rc = KOFU_E_NOMEM;
            break;
        }
        run = fam;
        run_start = p;
    }
    if (rc == KOFU_OK && run > 0) {
        PangoAttribute *a = pango_attr_family_new(family_name(f, face, run));
        a->start_index = (guint)(run_start - text);
        a->end_index = (guint)strlen(text);
        pango_attr_list_insert(attrs, a);
    }
    pango_layout_set_attributes(layout, rc == KOFU_OK && attrs ? attrs : base);
    pango_layout_set_text(layout, text, -1);
    if (attrs)
        pango_attr_list_unref(attrs);
    return rc;
}

/* ---- checking the data ---- */

static const char *nz(const char *s) { return s ? s : ""; }

/* Printable UTF-8 of at most FIELD_MAX bytes: no control or format
 * characters (a newline, or a bidi override that would reorder what a
 * reader sees), no line or paragraph separators. */
static bool field_ok(const char *s, bool required)
{
    if (!s || !s[0])
        return !required;
    size_t n = strnlen(s, FIELD_MAX + 1);
    if (n > FIELD_MAX || !g_utf8_validate(s, (gssize)n, NULL))
        return false;
    for (const char *p = s; *p; p += g_utf8_skip[*(const unsigned char *)p]) {
        switch (g_unichar_type(g_utf8_get_char(p))) {
        case G_UNICODE_CONTROL:
        case G_UNICODE_FORMAT:
        case G_UNICODE_UNASSIGNED:
        case G_UNICODE_PRIVATE_USE:
        case G_UNICODE_SURROGATE:
        case G_UNICODE_LINE_SEPARATOR:
        case G_UNICODE_PARAGRAPH_SEPARATOR:
            return false;
        default:
            break;
        }
    }
    return true;
}

int document_text_printable(const struct document_fonts *f, const char *text)
{
    if (!f || !text)
        return KOFU_E_ARG;
    if (!f->fontmap || !f->coverage[0][0])
        return KOFU_E_FONT;
    if (!field_ok(text, false))
        return KOFU_E_DOC_UNPRINTABLE;
    int fam = 0;
    for (const char *p = text; *p && fam >= 0; p += g_utf8_skip[*(const unsigned char *)p]) {
        gunichar c = g_utf8_get_char(p);
        if (!follows_previous(c))
            fam = family_for(f, 0, c);
    }
    return fam >= 0 ? KOFU_OK : KOFU_E_DOC_UNPRINTABLE;
}

static int validate(const struct document_data *d)
{
    if (d->kind != DOCUMENT_DOMESTIC && d->kind != DOCUMENT_OVERSEAS)
        return KOFU_E_ARG;
    bool os = d->kind == DOCUMENT_OVERSEAS;
    bool ok = field_ok(d->title_ja, false) && field_ok(d->title_en, false) && field_ok(d->name, true) &&
              field_ok(d->name_roman, os) && field_ok(d->birth_date, true) && field_ok(d->nationality, os) &&
              field_ok(d->passport_number, os) && field_ok(d->issuer_ja, true) && field_ok(d->issuer_en, false) &&
              field_ok(d->mayor_ja, false) && field_ok(d->mayor_en, false) && field_ok(d->certificate_id, true) &&
              field_ok(d->issue_date, true);
    if (!ok || d->n_doses < 1 || d->n_doses > DOCUMENT_DOSES_MAX)
        return KOFU_E_ARG;
    for (size_t i = 0; i < d->n_doses; i++) {
        const struct document_dose *x = &d->doses[i];
        if (!field_ok(x->date, true) || !field_ok(x->product_ja, false) || !field_ok(x->product_en, false) ||
            !field_ok(x->manufacturer_ja, false) || !field_ok(x->manufacturer_en, false) ||
            !field_ok(x->lot, false) || !field_ok(x->country_ja, false) || !field_ok(x->country_en, false))
            return KOFU_E_ARG;
    }
    if (!d->shc_jws || !d->shc_jws[0] || (os && (!d->vds_seal || !d->vds_seal[0])))
        return KOFU_E_ARG;
    return KOFU_OK;
}

/* ---- text ---- */

enum face { GOTHIC, MINCHO };

struct style {
    enum face face;
    double size;     /* points */
    double min_size; /* shrink no further */
    int max_lines;
    double grey;
    PangoAlignment align;
};

/* One render: measuring (draw = false) or drawing the same layout. */
struct doc {
    cairo_t *cr;
    PangoContext *pc;
    PangoAttrList *attrs;
    const struct document_fonts *fonts;
    bool draw;
    bool overflow; /* some text did not fit its box even at its minimum size */
    bool unknown;  /* some character is in none of the certificate face's families */
    /* A specimen (document_data.sample): where the QR squares were drawn,
     * so that the mark across the page stays off them. */
    bool sample;
    int n_qr;
    double qr_x[2], qr_y[2], qr_side;
};

/* Lays `t` out `w` wide in at most s->max_lines lines, shrinking from
 * s->size by half points to s->min_size; draws it at (x, y) when drawing.
 * Returns its height, and its width into *used when used is not NULL.
 * Empty text takes no room. */
static double text_ex(struct doc *d, const struct style *s, const char *t, double x, double y, double w,
                      double *used)
{
    if (used)
        *used = 0.0;
    if (!t || !t[0])
        return 0.0;
    if (w < 1.0) { /* no room at all (cannot happen with this layout) */
        d->overflow = true;
        return 0.0;
    }
    const struct text_style ts = {.mincho = s->face == MINCHO, .size = s->size, .width = w, .align = s->align};
    int rc = KOFU_E_NOMEM;
    PangoLayout *l = text_layout_new(d->pc, d->fonts, d->attrs, &ts, t, &rc);
    if (rc != KOFU_OK)
        d->unknown = true;
    if (!l)
        return 0.0;
    PangoRectangle logical = {0, 0, 0, 0};
    for (double size = s->size;; size -= 0.5) {
        if (size != s->size)
            text_layout_set_size(l, d->fonts, &ts, size);
        pango_layout_get_extents(l, NULL, &logical);
        bool fits = pango_layout_get_line_count(l) <= s->max_lines && logical.width <= (int)(w * PANGO_SCALE) + 1;
        if (fits)
            break;
        if (size - 0.5 < s->min_size - 1e-9) {
            d->overflow = true;
            break;
        }
    }
    if (pango_layout_get_unknown_glyphs_count(l) > 0)
        d->unknown = true;
    if (d->draw) {
        cairo_set_source_rgb(d->cr, s->grey, s->grey, s->grey);
        cairo_move_to(d->cr, x, y);
        pango_cairo_show_layout(d->cr, l);
    }
    double h = logical.height / (double)PANGO_SCALE;
    if (used)
        *used = logical.width / (double)PANGO_SCALE;
    g_object_unref(l);
    return h;
}

static double text(struct doc *d, const struct style *s, const char *t, double x, double y, double w)
{
    return text_ex(d, s, t, x, y, w, NULL);
}

/* A style scaled by k (sizes only). */
static struct style scaled(struct style s, double k)
{
    s.size *= k;
    s.min_size *= k;
    return s;
}

/* ---- lines and boxes ---- */

/* A straight line from (x0, y0) to (x1, y1): the rules (horizontal) and
 * the table's column lines (vertical). */
static void line(struct doc *d, double x0, double y0, double x1, double y1, double width, double grey)
{
    if (!d->draw)
        return;
    cairo_set_source_rgb(d->cr, grey, grey, grey);
    cairo_set_line_width(d->cr, width);
    cairo_move_to(d->cr, x0, y0);
    cairo_line_to(d->cr, x1, y1);
    cairo_stroke(d->cr);
}

static void fill_box(struct doc *d, double x, double y, double w, double h, double grey)
{
    if (!d->draw)
        return;
    cairo_set_source_rgb(d->cr, grey, grey, grey);
    cairo_rectangle(d->cr, x, y, w, h);
    cairo_fill(d->cr);
}

/* A double rule around the content, from FRAME_INSET at the top to just
 * below the last block (the paper below stays blank, like a form). */
static void frame(struct doc *d, double bottom)
{
    if (!d->draw)
        return;
    double x = FRAME_INSET, y = FRAME_INSET;
    double w = DOCUMENT_PAGE_WIDTH_PT - 2 * FRAME_INSET, h = bottom - FRAME_INSET;
    cairo_set_source_rgb(d->cr, RULE, RULE, RULE);
    cairo_set_line_width(d->cr, 1.2);
    cairo_rectangle(d->cr, x, y, w, h);
    cairo_stroke(d->cr);
    cairo_set_line_width(d->cr, 0.4);
    cairo_rectangle(d->cr, x + 2.5, y + 2.5, w - 5, h - 5);
    cairo_stroke(d->cr);
}

/* ---- the page, block by block ---- */

static const struct style st_title_ja = {MINCHO, 21, 14, 2, INK, PANGO_ALIGN_CENTER};
static const struct style st_title_ja_os = {MINCHO, 19, 13, 2, INK, PANGO_ALIGN_CENTER};
static const struct style st_title_en = {GOTHIC, 13, 9, 2, INK, PANGO_ALIGN_CENTER};
static const struct style st_kind = {GOTHIC, 8.5, 7, 1, SUBTLE, PANGO_ALIGN_CENTER};
static const struct style st_label_ja = {GOTHIC, 9.5, 7.5, 2, LABEL, PANGO_ALIGN_LEFT};
static const struct style st_label_en = {GOTHIC, 7.5, 6, 2, SUBTLE, PANGO_ALIGN_LEFT};
static const struct style st_name = {GOTHIC, 15, 9, 2, INK, PANGO_ALIGN_LEFT};
static const struct style st_roman = {GOTHIC, 13, 8, 2, INK, PANGO_ALIGN_LEFT};
static const struct style st_value = {GOTHIC, 11.5, 8, 2, INK, PANGO_ALIGN_LEFT};
static const struct style st_section = {GOTHIC, 11, 9, 1, INK, PANGO_ALIGN_LEFT};
static const struct style st_section_en = {GOTHIC, 8.5, 7, 1, SUBTLE, PANGO_ALIGN_LEFT};
static const struct style st_head_ja = {GOTHIC, 8.5, 6.5, 2, LABEL, PANGO_ALIGN_LEFT};
static const struct style st_head_en = {GOTHIC, 7, 5.5, 2, SUBTLE, PANGO_ALIGN_LEFT};
static const struct style st_cell = {GOTHIC, 9.5, 7.5, 2, INK, PANGO_ALIGN_LEFT};
static const struct style st_cell_en = {GOTHIC, 8, 6.5, 2, SUBTLE, PANGO_ALIGN_LEFT};
static const struct style st_statement = {GOTHIC, 9, 7, 3, INK, PANGO_ALIGN_LEFT};
static const struct style st_statement_en = {GOTHIC, 8, 6.5, 3, SUBTLE, PANGO_ALIGN_LEFT};
static const struct style st_issuer = {GOTHIC, 10, 7.5, 3, INK, PANGO_ALIGN_LEFT};
static const struct style st_issuer_en = {GOTHIC, 8.5, 6.5, 3, SUBTLE, PANGO_ALIGN_LEFT};
static const struct style st_caption = {GOTHIC, 7.5, 6, 1, LABEL, PANGO_ALIGN_CENTER};
static const struct style st_note = {GOTHIC, 7, 6, 4, SUBTLE, PANGO_ALIGN_LEFT};

/* Japanese text, falling back to the English when the Japanese is empty. */
static const char *ja_or_en(const char *ja, const char *en) { return ja && ja[0] ? ja : nz(en); }

/* ---- the marks of a specimen (document_data.sample) ---- */

static const char sample_mark[] = "見本　SAMPLE";
static const struct style st_sample_band = {GOTHIC, 26, 14, 1, 1.0, PANGO_ALIGN_CENTER};
static const struct style st_sample_qr = {GOTHIC, 15, 9, 1, 1.0, PANGO_ALIGN_CENTER};
static const struct style st_sample_note = {GOTHIC, 9, 7, 2, INK, PANGO_ALIGN_CENTER};

/* White words on a black band w wide at (x, y): black and white, so that no
 * printer or copier loses it. Returns the band's height. */
static double sample_band(struct doc *d, const struct style *s, const char *words, double x, double y, double w)
{
    double pad = s->size * 0.22;
    bool drawing = d->draw;
    d->draw = false;
    double h = text(d, s, words, x, y + pad, w) + 2 * pad;
    d->draw = drawing;
    fill_box(d, x, y, w, h, 0.0);
    text(d, s, words, x, y + pad, w);
    return h;
}

/* The header of a specimen: the band, and what it is in both languages. */
static double block_sample_header(struct doc *d, double y)
{
    y += sample_band(d, &st_sample_band, sample_mark, CONTENT_X, y, CONTENT_W) + 3;
    y += text(d, &st_sample_note,
              "この用紙は端末の試し印刷の見本です。証明書ではありません。\n"
              "This is a kiosk's test print, a specimen: it is not a certificate.",
              CONTENT_X, y, CONTENT_W);
    return y + 8;
}

/* 見本 SAMPLE across the page, drawn over everything as an outline with a
 * light fill (the words under it stay readable) and clipped off the QR
 * squares, whose symbols must still scan: the test print is how a
 * technician judges print quality. */
static void sample_across(struct doc *d, double bottom)
{
    if (!d->draw || !d->sample)
        return;
    const struct text_style ts = {.size = 118, .width = -1, .align = PANGO_ALIGN_CENTER};
    PangoLayout *l = text_layout_new(d->pc, d->fonts, d->attrs, &ts, "見本 SAMPLE", NULL);
    if (!l)
        return;
    PangoRectangle ink;
    pango_layout_get_extents(l, NULL, &ink);
    /* Along the frame's diagonal, within it. */
    double fw = DOCUMENT_PAGE_WIDTH_PT - 2 * FRAME_INSET, fh = bottom - FRAME_INSET;
    double iw = ink.width / (double)PANGO_SCALE, ih = ink.height / (double)PANGO_SCALE;
    double k = fmin(1.0, 0.8 * hypot(fw, fh) / iw);
    cairo_t *cr = d->cr;
    cairo_save(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_rectangle(cr, 0, 0, DOCUMENT_PAGE_WIDTH_PT, DOCUMENT_PAGE_HEIGHT_PT);
    for (int i = 0; i < d->n_qr; i++)
        cairo_rectangle(cr, d->qr_x[i], d->qr_y[i], d->qr_side, d->qr_side);
    cairo_clip(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    cairo_translate(cr, DOCUMENT_PAGE_WIDTH_PT / 2, FRAME_INSET + fh / 2);
    cairo_rotate(cr, -atan2(fh, fw));
    cairo_scale(cr, k, k);
    cairo_move_to(cr, -iw / 2 - ink.x / (double)PANGO_SCALE, -ih / 2 - ink.y / (double)PANGO_SCALE);
    pango_cairo_layout_path(cr, l);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.10);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, SUBTLE, SUBTLE, SUBTLE);
    cairo_set_line_width(cr, 1.4 / k);
    cairo_stroke(cr);
    cairo_restore(cr);
    g_object_unref(l);
}

/* Title, subtitle and the kind of certificate. Returns the y below it. */
static double block_title(struct doc *d, const struct document_data *data, double y)
{
    bool os = data->kind == DOCUMENT_OVERSEAS;
    if (d->sample)
        y = block_sample_header(d, y);
    const char *tja = data->title_ja && data->title_ja[0] ? data->title_ja : title_ja_default;
    y += text(d, os ? &st_title_ja_os : &st_title_ja, tja, CONTENT_X, y, CONTENT_W);
    if (os) {
        const char *ten = data->title_en && data->title_en[0] ? data->title_en : title_en_default;
        y += 2;
        y += text(d, &st_title_en, ten, CONTENT_X, y, CONTENT_W);
    }
    y += 4;
    y += text(d, &st_kind, os ? "海外・国内兼用　For international and domestic use" : "日本国内用", CONTENT_X, y,
              CONTENT_W);
    y += 7;
    line(d, CONTENT_X, y, CONTENT_X + CONTENT_W, y, 1.2, INK);
    line(d, CONTENT_X, y + 2.6, CONTENT_X + CONTENT_W, y + 2.6, 0.4, INK);
    return y + 2.6;
}

/* A label (Japanese over English) in the left column. Returns its height. */
static double label(struct doc *d, const char *ja, const char *en, bool bilingual, double x, double y, double w,
                    double k)
{
    struct style sj = scaled(st_label_ja, k), se = scaled(st_label_en, k);
    double h = text(d, &sj, ja, x, y, w);
    if (bilingual && en)
        h += text(d, &se, en, x, y + h, w);
    return h;
}

#define ROW_PAD 5.5
#define LABEL_W 132.0

/* One row of the personal block: label left, value(s) right, a hairline
 * below. Returns its height. */
static double person_row(struct doc *d, bool os, const char *lja, const char *len, const struct style *s1,
                         const char *v1, const struct style *s2, const char *v2, double y)
{
    double vx = CONTENT_X + LABEL_W, vw = CONTENT_W - LABEL_W - 4;
    double lh = label(d, lja, len, os, CONTENT_X + 4, y + ROW_PAD, LABEL_W - 12, 1.0);
    double vh = text(d, s1, v1, vx, y + ROW_PAD - 1, vw);
    if (s2)
        vh += text(d, s2, v2, vx, y + ROW_PAD - 1 + vh, vw);
    double h = fmax(lh, vh) + 2 * ROW_PAD;
    line(d, CONTENT_X, y + h, CONTENT_X + CONTENT_W, y + h, 0.5, HAIRLINE);
    return h;
}

static double block_person(struct doc *d, const struct document_data *data, double y)
{
    bool os = data->kind == DOCUMENT_OVERSEAS;
    y += 4;
    if (os) {
        y += person_row(d, os, "氏名", "Name", &st_name, data->name, &st_roman, data->name_roman, y);
        y += person_row(d, os, "生年月日", "Date of birth", &st_value, data->birth_date, NULL, NULL, y);
        y += person_row(d, os, "国籍・地域", "Nationality/Region", &st_value, data->nationality, NULL, NULL, y);
        y += person_row(d, os, "旅券番号", "Passport No.", &st_value, data->passport_number, NULL, NULL, y);
    } else {
        y += person_row(d, os, "氏名", NULL, &st_name, data->name, NULL, NULL, y);
        y += person_row(d, os, "生年月日", NULL, &st_value, data->birth_date, NULL, NULL, y);
    }
    return y;
}

/* A section heading with a small bar before it. Returns the y below it. */
static double section(struct doc *d, const char *ja, const char *en, bool os, double y)
{
    double jw = 0;
    double h = text_ex(d, &st_section, ja, CONTENT_X + 9, y, CONTENT_W / 2, &jw);
    if (os) { /* the English on the same line, after the Japanese */
        double ex = CONTENT_X + 9 + jw + 8;
        text(d, &st_section_en, en, ex, y + 2.2, CONTENT_X + CONTENT_W - ex);
    }
    fill_box(d, CONTENT_X, y + 2.5, 3.2, h - 5, INK);
    return y + h;
}

/* ---- the dose table ---- */

enum { COL_N, COL_DATE, COL_PRODUCT, COL_MAKER, COL_LOT, COL_COUNTRY, COLS };

static const struct {
    const char *ja, *en;
    double w; /* share of the content width */
} columns[COLS] = {
    [COL_N] = {"回", "Dose", 0.060},
    [COL_DATE] = {"接種日", "Date", 0.140},
    [COL_PRODUCT] = {"ワクチン名", "Vaccine", 0.260},
    [COL_MAKER] = {"メーカー", "Manufacturer", 0.215},
    [COL_LOT] = {"ロット番号", "Lot No.", 0.165},
    [COL_COUNTRY] = {"接種国", "Country", 0.160},
};

#define CELL_PAD_X 4.0
#define CELL_PAD_Y 4.5

/* A cell: the Japanese value over the English one (overseas) or the
 * Japanese alone (domestic). Returns the content height. */
static double cell(struct doc *d, bool os, const char *ja, const char *en, double x, double y, double w, double k)
{
    struct style sj = scaled(st_cell, k), se = scaled(st_cell_en, k);
    if (!os)
        return text(d, &sj, ja_or_en(ja, en), x, y, w);
    double h = text(d, &sj, ja, x, y, w);
    if (en && en[0] && !(ja && strcmp(ja, en) == 0))
        h += text(d, ja && ja[0] ? &se : &sj, en, x, y + h, w);
    return h;
}

/* One dose row at y (or the header row when dose is NULL). Returns its height. */
static double table_row(struct doc *d, bool os, const struct document_dose *dose, size_t index, double y, double k)
{
    double x = CONTENT_X, h = 0, pad_y = CELL_PAD_Y * k;
    char num[8];
    snprintf(num, sizeof num, "%zu", index + 1);
    for (int c = 0; c < COLS; c++) {
        double w = columns[c].w * CONTENT_W;
        double cx = x + CELL_PAD_X, cy = y + pad_y, cw = w - 2 * CELL_PAD_X, ch = 0;
        if (!dose) {
            struct style sj = scaled(st_head_ja, k), se = scaled(st_head_en, k);
            ch = text(d, &sj, columns[c].ja, cx, cy, cw);
            if (os)
                ch += text(d, &se, columns[c].en, cx, cy + ch, cw);
        } else {
            switch (c) {
            case COL_N:
                ch = cell(d, false, num, NULL, cx, cy, cw, k);
                break;
            case COL_DATE:
                ch = cell(d, false, dose->date, NULL, cx, cy, cw, k);
                break;
            case COL_PRODUCT:
                ch = cell(d, os, dose->product_ja, dose->product_en, cx, cy, cw, k);
                break;
            case COL_MAKER:
                ch = cell(d, os, dose->manufacturer_ja, dose->manufacturer_en, cx, cy, cw, k);
                break;
            case COL_LOT:
                ch = cell(d, false, dose->lot, NULL, cx, cy, cw, k);
                break;
            default:
                ch = cell(d, os, dose->country_ja, dose->country_en, cx, cy, cw, k);
                break;
            }
        }
        h = fmax(h, ch);
        x += w;
    }
    return h + 2 * pad_y;
}

/* The whole table from y; returns its height. Measures first, so the header
 * shading and the rules can be drawn under the text. */
static double block_table(struct doc *d, const struct document_data *data, double y, double k)
{
    bool os = data->kind == DOCUMENT_OVERSEAS;
    bool drawing = d->draw;
    double heights[DOCUMENT_DOSES_MAX + 1];
    d->draw = false;
    heights[0] = table_row(d, os, NULL, 0, y, k);
    double total = heights[0];
    for (size_t i = 0; i < data->n_doses; i++) {
        heights[i + 1] = table_row(d, os, &data->doses[i], i, y, k);
        total += heights[i + 1];
    }
    d->draw = drawing;
    if (!drawing)
        return total;

    fill_box(d, CONTENT_X, y, CONTENT_W, heights[0], SHADE);
    double ry = y;
    for (size_t i = 0; i <= data->n_doses; i++) {
        table_row(d, os, i ? &data->doses[i - 1] : NULL, i ? i - 1 : 0, ry, k);
        ry += heights[i];
        bool outer = i == 0 || i == data->n_doses;
        line(d, CONTENT_X, ry, CONTENT_X + CONTENT_W, ry, outer ? 0.8 : 0.5, outer ? RULE : HAIRLINE);
    }
    line(d, CONTENT_X, y, CONTENT_X + CONTENT_W, y, 0.8, RULE);
    double x = CONTENT_X;
    for (int c = 0; c < COLS - 1; c++) {
        x += columns[c].w * CONTENT_W;
        line(d, x, y, x, y + total, 0.5, HAIRLINE);
    }
    return total;
}

/* ---- the bottom block: statement, issuer, QR codes ---- */

struct qr_pair {
    QRcode *shc;
    QRcode *vds; /* overseas only */
    double side; /* both squares are this size */
};

/* Issuer rows: a label (Japanese, English) and the value (Japanese over
 * English). Side by side when the column is wide, stacked when it is narrow
 * (overseas, next to two QR codes). Returns the height. */
static double issuer_row(struct doc *d, bool os, const char *lja, const char *len, const char *vja,
                         const char *ven, double x, double y, double w)
{
    bool stacked = w < 300;
    double lw = stacked ? 0 : (os ? 92 : 70);
    double lh = 0;
    if (stacked) {
        char both[64];
        snprintf(both, sizeof both, "%s%s%s", lja, os && len ? "  " : "", os && len ? len : "");
        struct style s = scaled(st_label_ja, 0.9);
        lh = text(d, &s, both, x, y, w);
    } else {
        lh = label(d, lja, len, os, x, y, lw - 6, 0.92);
    }
    double vy = stacked ? y + lh + 0.5 : y - 0.5;
    double vh = text(d, &st_issuer, vja, x + lw, vy, w - lw);
    if (os && ven && ven[0] && strcmp(nz(vja), ven) != 0)
        vh += text(d, &st_issuer_en, ven, x + lw, vy + vh, w - lw);
    return stacked ? lh + 0.5 + vh : fmax(lh, vh);
}

/* Joins two strings with a full-width space into buf (empty parts skipped). */
static const char *join(char *buf, size_t n, const char *a, const char *b, const char *sep)
{
    a = nz(a);
    b = nz(b);
    snprintf(buf, n, "%s%s%s", a, a[0] && b[0] ? sep : "", b);
    return buf;
}

/* The statement under the table, across the page. Returns its height. */
static double block_statement(struct doc *d, const struct document_data *data, double y)
{
    double y0 = y;
    y += text(d, &st_statement, statement_ja, CONTENT_X, y, CONTENT_W);
    if (data->kind == DOCUMENT_OVERSEAS)
        y += 1.5 + text(d, &st_statement_en, statement_en, CONTENT_X, y + 1.5, CONTENT_W);
    return y - y0;
}

/* The left column beside the QR codes: issuer, certificate id, issue date,
 * a note on the codes. Returns its height. */
static double block_issuer(struct doc *d, const struct document_data *data, double x, double y, double w)
{
    bool os = data->kind == DOCUMENT_OVERSEAS;
    char issuer_ja[2 * FIELD_MAX + 8], issuer_en[2 * FIELD_MAX + 8];
    double y0 = y;
    y += issuer_row(d, os, "発行者", "Issuer", join(issuer_ja, sizeof issuer_ja, data->issuer_ja, data->mayor_ja, "　"),
                    join(issuer_en, sizeof issuer_en, data->mayor_en, data->issuer_en, ", "), x, y, w);
    y += 7;
    y += issuer_row(d, os, "証明書ID", "Certificate ID", data->certificate_id, NULL, x, y, w);
    y += 7;
    y += issuer_row(d, os, "発行日", "Date of issue", data->issue_date, NULL, x, y, w);
    y += 12;
    const char *note = os ? "二次元コードは電子署名付きの接種記録です。\nThe QR codes hold the digitally signed record."
                          : "二次元コードは電子署名付きの接種記録です。";
    if (d->sample)
        note = "見本の二次元コードには接種記録も有効な署名もありません。\n"
               "The sample's QR codes hold no record and no valid signature.";
    y += text(d, &st_note, note, x, y, w);
    return y - y0;
}

/* The QR squares with their captions, right-aligned at (right, y). Returns
 * the height; *width gets their width. */
static double block_qr(struct doc *d, const struct qr_pair *q, double right, double y, double *width)
{
    double gap = MM(6.0), cap = 3.0;
    int n = q->vds ? 2 : 1;
    double w = n * q->side + (n - 1) * gap;
    double x = right - w;
    double ch = 0, band = 0;
    const QRcode *codes[2] = {q->shc, q->vds};
    const char *captions[2] = {"SMART Health Card", "ICAO VDS-NC"};
    for (int i = 0; i < n; i++) {
        double qx = x + i * (q->side + gap);
        /* A specimen's code carries the mark right on its square's edge
         * (not over the modules: the code must still scan). */
        if (d->sample)
            band = sample_band(d, &st_sample_qr, sample_mark, qx, y, q->side);
        if (d->draw)
            qr_draw(d->cr, codes[i], qx, y + band, q->side);
        if (d->draw && d->sample && i < 2) {
            d->qr_x[i] = qx;
            d->qr_y[i] = y + band;
            d->qr_side = q->side;
            d->n_qr = i + 1;
        }
        ch = fmax(ch, text(d, &st_caption, captions[i], qx, y + band + q->side + cap, q->side));
    }
    *width = w;
    return band + q->side + cap + ch;
}

/* The issuer and the QR codes, side by side, from y. Returns its height. */
static double block_bottom(struct doc *d, const struct document_data *data, const struct qr_pair *q, double y)
{
    double right = CONTENT_X + CONTENT_W;
    /* Measure both columns first: the left one's width depends on the codes. */
    bool drawing = d->draw;
    d->draw = false;
    double qw = 0;
    double qh = block_qr(d, q, right, 0, &qw);
    double lw = CONTENT_W - qw - MM(8.0);
    double lh = block_issuer(d, data, CONTENT_X, 0, lw);
    d->draw = drawing;
    if (drawing) {
        block_issuer(d, data, CONTENT_X, y, lw);
        block_qr(d, q, right, y, &qw);
    }
    return fmax(qh, lh);
}

/* ---- one pass over the page ---- */

/* Lays the page out at table scale k; draws it when d->draw. Returns false
 * when it does not fit (the table runs into the bottom block). */
static bool page(struct doc *d, const struct document_data *data, const struct qr_pair *q, double k)
{
    bool os = data->kind == DOCUMENT_OVERSEAS;
    double y = block_title(d, data, CONTENT_TOP);
    y = block_person(d, data, y);
    y += 16;
    y = section(d, "接種記録", "Vaccination record", os, y);
    y += 5;
    y += block_table(d, data, y, k);
    y += 10;
    y += block_statement(d, data, y);
    y += MM(7.0);
    line(d, CONTENT_X, y - MM(3.5), CONTENT_X + CONTENT_W, y - MM(3.5), 0.5, HAIRLINE);
    y += block_bottom(d, data, q, y);
    y += CONTENT_INSET - FRAME_INSET;
    frame(d, y);
    sample_across(d, y);
    return y <= DOCUMENT_PAGE_HEIGHT_PT - FRAME_INSET;
}

static double qr_side(const QRcode *a, const QRcode *b)
{
    int n = qr_total_modules(a);
    if (b && qr_total_modules(b) > n)
        n = qr_total_modules(b);
    return fmin(QR_SIDE_MAX, fmax(QR_SIDE_MIN, n * QR_MODULE_MIN));
}

int document_draw(cairo_t *cr, const struct document_data *data, const struct document_fonts *f)
{
    if (!cr || !data || !f)
        return KOFU_E_ARG;
    if (!f->fontmap)
        return KOFU_E_FONT;
    int rc = validate(data);
    if (rc != KOFU_OK)
        return rc;

    struct qr_pair q = {NULL, NULL, 0};
    rc = qr_encode_shc(data->shc_jws, &q.shc);
    if (rc == KOFU_OK && data->kind == DOCUMENT_OVERSEAS)
        rc = qr_encode_bytes((const uint8_t *)data->vds_seal, strlen(data->vds_seal), &q.vds);
    if (rc != KOFU_OK)
        goto out;
    q.side = qr_side(q.shc, q.vds);

    struct doc d = {.cr = cr, .fonts = f, .sample = data->sample};
    d.pc = pango_font_map_create_context((PangoFontMap *)f->fontmap);
    d.attrs = pango_attr_list_new();
    cairo_font_options_t *fo = cairo_font_options_create();
    if (!d.pc || !d.attrs || !fo) {
        rc = KOFU_E_NOMEM;
    } else {
        /* Outline metrics, unhinted and unrounded: the same line breaks at
         * every resolution, so the preview is the print. Japanese glyph
         * forms; no fallback of fontconfig's choosing: a character the
         * face lacks is drawn from the fallback family named for it
         * (document_fonts_layout_text), and one that none has is refused,
         * not drawn from some other font. */
        pango_cairo_update_context(cr, d.pc);
        cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
        cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
        cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
        pango_cairo_context_set_font_options(d.pc, fo);
        pango_context_set_round_glyph_positions(d.pc, FALSE);
        pango_context_set_language(d.pc, pango_language_from_string("ja"));
        pango_attr_list_insert(d.attrs, pango_attr_fallback_new(FALSE));

        /* Measure at shrinking table scales until the page fits, then draw. */
        rc = KOFU_E_DOC_UNPRINTABLE;
        for (size_t i = 0; i < sizeof table_scales / sizeof table_scales[0]; i++) {
            d.draw = false;
            d.overflow = d.unknown = false;
            bool fits = page(&d, data, &q, table_scales[i]);
            if (d.unknown)
                break;
            if (!fits || d.overflow)
                continue;
            d.draw = true;
            cairo_save(cr);
            page(&d, data, &q, table_scales[i]);
            cairo_restore(cr);
            rc = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? KOFU_OK : KOFU_E_RENDER;
            break;
        }
    }
    if (fo)
        cairo_font_options_destroy(fo);
    if (d.attrs)
        pango_attr_list_unref(d.attrs);
    if (d.pc)
        g_object_unref(d.pc);
out:
    qr_free(q.shc);
    qr_free(q.vds);
    return rc;
}

/* ---- PDF ---- */

struct sink {
    kofu_bld *out;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct sink *s = closure;
    bld_add_bytes(s->out, data, length);
    return bld_ok(s->out) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Undo a failed render: zero what was appended, restore the length. */
static void out_rollback(kofu_bld *out, size_t start)
{
    if (out->len > start)
        explicit_bzero(out->p + start, out->len - start);
    out->len = start;
}

struct certificate_page {
    const struct document_data *d;
    const struct document_fonts *f;
};

static int draw_certificate_page(cairo_t *cr, const void *arg)
{
    const struct certificate_page *p = arg;
    return document_draw(cr, p->d, p->f);
}

int document_render_pdf(const struct document_data *d, const struct document_fonts *f, kofu_bld *out)
{
    if (!d || !f || !out)
        return KOFU_E_ARG;
    struct certificate_page page = {d, f};
    return document_render_pdf_page(draw_certificate_page, &page, title_ja_default, out);
}

struct one_page {
    int (*draw)(cairo_t *cr, const void *arg);
    const void *arg;
};

static int draw_one_page(cairo_t *cr, const void *arg, int page)
{
    (void)page;
    const struct one_page *o = arg;
    return o->draw(cr, o->arg);
}

int document_render_pdf_page(int (*draw)(cairo_t *cr, const void *arg), const void *arg, const char *title,
                             kofu_bld *out)
{
    if (!draw)
        return KOFU_E_ARG;
    struct one_page o = {draw, arg};
    return document_render_pdf_pages(draw_one_page, &o, 1, title, out);
}

int document_render_pdf_pages(int (*draw)(cairo_t *cr, const void *arg, int page), const void *arg, int n_pages,
                              const char *title, kofu_bld *out)
{
    if (!draw || !title || !out || n_pages < 1 || n_pages > DOCUMENT_PDF_PAGES_MAX)
        return KOFU_E_ARG;
    if (!bld_ok(out))
        return KOFU_E_NOMEM;
    size_t start = out->len;
    struct sink sink = {out};
    cairo_surface_t *s =
        cairo_pdf_surface_create_for_stream(sink_write, &sink, DOCUMENT_PAGE_WIDTH_PT, DOCUMENT_PAGE_HEIGHT_PT);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return KOFU_E_NOMEM;
    }
    /* Fixed words only: no resident data in the metadata. */
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kofu");
    cairo_t *cr = cairo_create(s);
    int rc = KOFU_OK;
    for (int i = 0; i < n_pages && rc == KOFU_OK; i++) {
        cairo_save(cr);
        rc = draw(cr, arg, i);
        cairo_restore(cr);
        if (rc == KOFU_OK) {
            cairo_show_page(cr);
            if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
                rc = KOFU_E_RENDER;
        }
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    /* An overflow surfaces in cairo as a write error (and may fail the draw
     * midway); it is reported as what it is. */
    if (!bld_ok(out))
        rc = KOFU_E_NOMEM;
    else if (rc == KOFU_OK && st != CAIRO_STATUS_SUCCESS)
        rc = KOFU_E_RENDER;
    if (rc != KOFU_OK)
        out_rollback(out, start);
    return rc;
}

/* ---- PNG ---- */

size_t document_png_pixels_size(double dpi, int *width, int *height)
{
    if (!(dpi >= DOCUMENT_PNG_DPI_MIN && dpi <= DOCUMENT_PNG_DPI_MAX))
        return 0;
    int w = (int)lround(DOCUMENT_PAGE_WIDTH_PT / 72.0 * dpi);
    int h = (int)lround(DOCUMENT_PAGE_HEIGHT_PT / 72.0 * dpi);
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, w);
    if (stride <= 0)
        return 0;
    if (width)
        *width = w;
    if (height)
        *height = h;
    return (size_t)stride * (size_t)h;
}

double document_dpi_for_width(int width_px) { return width_px * 72.0 / DOCUMENT_PAGE_WIDTH_PT; }

int document_render_png(const struct document_data *d, const struct document_fonts *f, double dpi, void *pixels,
                        size_t pixels_len, kofu_bld *out)
{
    if (!d || !f || !out || !pixels)
        return KOFU_E_ARG;
    int w = 0, h = 0;
    size_t need = document_png_pixels_size(dpi, &w, &h);
    if (need == 0 || pixels_len < need)
        return KOFU_E_ARG;
    if (!bld_ok(out))
        return KOFU_E_NOMEM;
    size_t start = out->len;
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, w);
    cairo_surface_t *s = cairo_image_surface_create_for_data(pixels, CAIRO_FORMAT_RGB24, w, h, stride);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return KOFU_E_RENDER;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, (double)w / DOCUMENT_PAGE_WIDTH_PT, (double)h / DOCUMENT_PAGE_HEIGHT_PT);
    int rc = document_draw(cr, d, f);
    cairo_destroy(cr);
    if (rc == KOFU_OK) {
        cairo_surface_flush(s);
        struct sink sink = {out};
        cairo_status_t st = cairo_surface_write_to_png_stream(s, sink_write, &sink);
        if (!bld_ok(out))
            rc = KOFU_E_NOMEM;
        else if (st != CAIRO_STATUS_SUCCESS)
            rc = KOFU_E_RENDER;
    }
    cairo_surface_destroy(s);
    explicit_bzero(pixels, need);
    if (rc != KOFU_OK)
        out_rollback(out, start);
    return rc;
}
