/*
 * receipt.h — the refund receipt the kiosk prints when its payment device
 * cannot give the money back (the resident never loses money).
 *
 * Owns: the receipt's page (A4, Japanese and English), rendered as a PDF
 * into memory like the certificate (ui/document.h). It carries the amount
 * owed, why, when, and the session's request id (a random UUID the center
 * also has, so the shop and the center can match the claim) — never any
 * resident data.
 */
#ifndef KOFU_RECEIPT_H
#define KOFU_RECEIPT_H

#include "base/bytes.h"
#include "ui/document.h"

#include <stdint.h>

struct receipt_data {
    int amount_yen;         /* owed to the bearer */
    int err;                /* why the session ended (kofu_err) */
    int64_t when;           /* Unix time of the session's end */
    const char *request_id; /* the session's request id, or "" when the center was never asked */
};

/** Render the receipt as a one-page PDF appended to out. KOFU_OK,
 *  KOFU_E_ARG, KOFU_E_FONT, KOFU_E_NOMEM when out is full, KOFU_E_RENDER. */
int receipt_render_pdf(const struct receipt_data *r, const struct document_fonts *f, kofu_bld *out);

#endif
