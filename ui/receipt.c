/* receipt.c — see receipt.h. */
#include "ui/receipt.h"

#include "base/errors.h"
#include "ui/text_layout.h"

#include <pango/pangocairo.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

/* One block of text at (x, y), wrapped to width; returns its height. */
static double text_block(cairo_t *cr, PangoContext *pc, const struct document_fonts *f, double size, bool bold,
                         const char *text, double x, double y, double width)
{
    const struct text_style st = {.bold = bold, .size = size, .width = width, .align = PANGO_ALIGN_LEFT};
    PangoLayout *l = text_layout_new(pc, f, NULL, &st, text, NULL);
    if (!l)
        return 0.0;
    int w, h;
    pango_layout_get_size(l, &w, &h);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
    return (double)h / PANGO_SCALE;
}

static void draw(cairo_t *cr, PangoContext *pc, const struct document_fonts *fonts, const struct receipt_data *r)
{
    const double margin = 56, width = DOCUMENT_PAGE_WIDTH_PT - 2 * margin;
    double y = 64;
    char line[512];

    cairo_set_source_rgb(cr, 0, 0, 0);
    y += text_block(cr, pc, fonts, 26, true, "返金票　Refund receipt", margin, y, width) + 18;
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, margin, y);
    cairo_line_to(cr, margin + width, y);
    cairo_stroke(cr);
    y += 20;

    snprintf(line, sizeof line, "返金額　Amount owed: %d円 / ¥%d", r->amount_yen, r->amount_yen);
    y += text_block(cr, pc, fonts, 20, true, line, margin, y, width) + 14;

    char when[64] = "-";
    time_t t = (time_t)r->when;
    struct tm tm;
    if (localtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    snprintf(line, sizeof line, "日時　Date: %s", when);
    y += text_block(cr, pc, fonts, 13, false, line, margin, y, width) + 8;
    snprintf(line, sizeof line, "受付番号　Reference: %s", r->request_id && *r->request_id ? r->request_id : "-");
    y += text_block(cr, pc, fonts, 13, false, line, margin, y, width) + 8;
    snprintf(line, sizeof line, "理由　Reason: %s / %s", kofu_err_text(r->err, KOFU_LANG_JA),
             kofu_err_text(r->err, KOFU_LANG_EN));
    y += text_block(cr, pc, fonts, 13, false, line, margin, y, width) + 24;

    y += text_block(cr, pc, fonts, 14, false,
                    "この端末ではお金をお返しできませんでした。この返金票を店舗の係員にお渡しください。"
                    "上記の金額をお返しします。",
                    margin, y, width) + 10;
    text_block(cr, pc, fonts, 14, false,
               "The kiosk could not return your money. Please hand this receipt to the store staff: "
               "they will pay you the amount above.",
               margin, y, width);
}

struct receipt_page {
    const struct receipt_data *r;
    const struct document_fonts *f;
};

static int draw_receipt_page(cairo_t *cr, const void *arg)
{
    const struct receipt_page *p = arg;
    PangoContext *pc = pango_font_map_create_context((PangoFontMap *)p->f->fontmap);
    if (!pc)
        return KOFU_E_NOMEM;
    pango_cairo_update_context(cr, pc);
    pango_context_set_language(pc, pango_language_from_string("ja"));
    draw(cr, pc, p->f, p->r);
    g_object_unref(pc);
    return cairo_status(cr) == CAIRO_STATUS_SUCCESS ? KOFU_OK : KOFU_E_RENDER;
}

int receipt_render_pdf(const struct receipt_data *r, const struct document_fonts *f, kofu_bld *out)
{
    if (!r || !f || !out || r->amount_yen < 0)
        return KOFU_E_ARG;
    if (!f->fontmap)
        return KOFU_E_FONT;
    struct receipt_page page = {r, f};
    return document_render_pdf_page(draw_receipt_page, &page, "返金票 Refund receipt", out);
}
