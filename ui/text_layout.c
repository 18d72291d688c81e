/* text_layout.c — see text_layout.h. */
#include "ui/text_layout.h"

#include <math.h>

void text_layout_set_size(PangoLayout *l, const struct document_fonts *f, const struct text_style *st,
                          double size)
{
    PangoFontDescription *fd = pango_font_description_new();
    if (!fd)
        return;
    pango_font_description_set_family(fd, st->mincho ? f->mincho : f->gothic);
    pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(fd, (double)lround(size * PANGO_SCALE));
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
}

PangoLayout *text_layout_new(PangoContext *pc, const struct document_fonts *f, PangoAttrList *base,
                             const struct text_style *st, const char *utf8, int *rc)
{
    PangoLayout *l = pango_layout_new(pc);
    if (!l)
        return NULL;
    text_layout_set_size(l, f, st, st->size);
    if (st->width >= 0) {
        pango_layout_set_width(l, (int)floor(st->width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
        if (st->line_spacing > 0)
            pango_layout_set_line_spacing(l, (float)st->line_spacing);
    }
    pango_layout_set_alignment(l, st->align);
    int r = document_fonts_layout_text(f, st->mincho, l, base, utf8);
    if (rc)
        *rc = r;
    return l;
}
