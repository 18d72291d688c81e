/*
 * screens_text.h — the one text context every kiosk screen is laid out in
 * (the resident's screens, ui/screens.c, and the technician's,
 * ui/service_screens.c): the certificate fonts, a pango context with the
 * screens' font options (unhinted metrics, grey antialiasing, Japanese
 * glyph forms, no fallback font of fontconfig's choosing) and its base
 * attributes. Made once by screens_init; one set of fonts in the process.
 *
 * Ownership: borrowed from ui/screens.c, valid until screens_free.
 */
#ifndef KOFU_SCREENS_TEXT_H
#define KOFU_SCREENS_TEXT_H

#include "ui/document.h"

#include <pango/pango.h>

/** screens_init (if it has not run), then the context into *f, *pc, *attrs.
 *  KOFU_OK, or screens_init's error. */
int screens_text_context(const struct document_fonts **f, PangoContext **pc, PangoAttrList **attrs);

#endif
