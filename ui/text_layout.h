/*
 * text_layout.h — a block of text laid out with the certificate fonts
 * (document.h): one face, weight and absolute size, wrapped at a width or on
 * one line, every character drawn from a family of the face's chain
 * (document_fonts_layout_text). The screens, the certificate and the refund
 * receipt all lay their text out through it.
 *
 * Ownership: the layout is the caller's (g_object_unref).
 */
#ifndef KOFU_TEXT_LAYOUT_H
#define KOFU_TEXT_LAYOUT_H

#include "ui/document.h"

#include <pango/pango.h>
#include <stdbool.h>

struct text_style {
    bool mincho;          /* the face: Mincho, else Gothic */
    bool bold;
    double size;          /* absolute, in the target's units (screen px, page pt) */
    double width;         /* wrap (at words, else characters) at this width; < 0: one line */
    double line_spacing;  /* a factor of the font's height; 0: the font's own */
    PangoAlignment align;
};

/** utf8 laid out in pc with st: base's attributes (not changed) plus the
 *  face's fallback families. *rc (when not NULL) gets what
 *  document_fonts_layout_text says (KOFU_E_DOC_UNPRINTABLE: a character in no
 *  family of the chain; the layout then has the text without fallbacks).
 *  NULL when pango cannot make a layout. */
PangoLayout *text_layout_new(PangoContext *pc, const struct document_fonts *f, PangoAttrList *base,
                             const struct text_style *st, const char *utf8, int *rc);

/** Lay the same text out again at another size (shrinking to fit). */
void text_layout_set_size(PangoLayout *l, const struct document_fonts *f, const struct text_style *st,
                          double size);

#endif
