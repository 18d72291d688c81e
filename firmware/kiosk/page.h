/*
 * page.h — the printed page's model (ui/document.h) from a verified
 * certificate (verify/certificate.h).
 *
 * Owns: which verified value goes into which field of the page: the name
 * and birth date from the SMART Health Card; each dose's date and lot from
 * the signed dose, its product and manufacturer names from the center's
 * display entry that agreed with it, its country from the seal (overseas)
 * or the display entry; the romaji name and passport number from the seal;
 * the issuer, mayor, certificate id and issue date from the answer that was
 * verified; the country names printed for an ISO 3166-1 alpha-3 code.
 *
 * Memory: struct kiosk_page holds resident data and lives in the vault
 * (kiosk_page_new); its document points into itself and into the verified
 * data and the answer, which must outlive it (all three go at the visit's
 * wipe).
 */
#ifndef KOFU_KIOSK_PAGE_H
#define KOFU_KIOSK_PAGE_H

#include "ui/document.h"
#include "verify/certificate.h"

struct kiosk_page {
    struct document_data doc; /* ready for document_draw / document_render_pdf */
    char name[2 * SHC_NAME_MAX + 4]; /* family, U+3000, given */
    char nationality[64];            /* "日本 / Japan" */
};

/** Zeroed page storage in the vault; NULL when it is full. */
struct kiosk_page *kiosk_page_new(void);

/** Fill out->doc from v (which certificate_verify accepted). KOFU_OK, or
 *  KOFU_E_ARG when v is not a verified result (no SHC, no answer, more
 *  doses than the page lists); out is zeroed first. */
int kiosk_page_fill(const struct certificate_verified *v, struct kiosk_page *out);

#endif
