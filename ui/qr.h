/*
 * qr.h — the QR codes printed on a certificate: encoding (libqrencode) and
 * drawing (cairo).
 *
 * Owns: the SMART Health Card QR rule (the SMART Health Cards specification): one
 * symbol holding `shc:/` in byte mode followed by the JWS as decimal digit
 * pairs in numeric mode, ECC level L, version 22 at most. A longer card is
 * refused, never split into chunks (chunking is deprecated since SHC 1.3.0;
 * the center must keep every card within one QR). Also the byte-mode QR of
 * an ICAO VDS-NC seal, and the one drawing routine for both.
 *
 * Ownership: qr_encode_* hand back a QRcode the caller frees with qr_free(),
 * which zeroes the modules first (they encode resident data). libqrencode's
 * own working copies of the input are freed inside qr_encode_* but cannot be
 * zeroed from outside the library.
 */
#ifndef KOFU_QR_H
#define KOFU_QR_H

#include <cairo.h>
#include <qrencode.h>

#include <stddef.h>
#include <stdint.h>

/** Largest SHC symbol version: 105×105 modules, printable at 40 mm (docs/printing.md). */
#define QR_SHC_MAX_VERSION 22
/** Longest JWS that fits one V22 symbol at ECC L (docs/printing.md). */
#define QR_SHC_MAX_JWS 1195
/** Largest version a VDS-NC seal may take (the largest QR there is). */
#define QR_BYTES_MAX_VERSION 40
/** Above this version a byte-mode symbol drops from ECC M to L to keep its
 *  modules large enough to scan off paper (see qr_encode_bytes). */
#define QR_BYTES_M_MAX_VERSION 30
/** Light modules drawn around the symbol on every side (ISO/IEC 18004). */
#define QR_QUIET_MODULES 4

/** Encode a SMART Health Card: `jws` is the compact JWS (NUL-terminated;
 *  only the base64url alphabet and '.'). Builds two explicit segments —
 *  byte mode "shc:/" and numeric mode with two digits per JWS character
 *  (character − 45) — at ECC L, smallest version that holds them.
 *  On success *out is a new symbol (free it with qr_free) and KOFU_OK is
 *  returned. Errors: KOFU_E_ARG (NULL, empty, a character outside the JWS
 *  alphabet), KOFU_E_QR_TOO_LARGE (more than QR_SHC_MAX_VERSION; a JWS of
 *  at most QR_SHC_MAX_JWS characters always fits), KOFU_E_NOMEM.
 *  *out is NULL on every error. */
int qr_encode_shc(const char *jws, QRcode **out);

/** Encode `len` bytes (a VDS-NC seal's JSON text) in one byte-mode segment.
 *  ECC M when the symbol stays within QR_BYTES_M_MAX_VERSION, else ECC L
 *  (the ICAO level is unconfirmed: M survives more wear on a paper carried
 *  through a journey; past V30 its modules, at the printed size, get too
 *  small and L's larger modules read better). On success *out is a new
 *  symbol (qr_free). Errors: KOFU_E_ARG (NULL or empty), KOFU_E_QR_TOO_LARGE
 *  (beyond QR_BYTES_MAX_VERSION even at L), KOFU_E_NOMEM. */
int qr_encode_bytes(const uint8_t *data, size_t len, QRcode **out);

/** Modules across the symbol including the quiet zone on both sides
 *  (width + 2 × QR_QUIET_MODULES); 0 for NULL. */
int qr_total_modules(const QRcode *qr);

/** Draw `qr` as a square of side `size` (user units; the quiet zone is
 *  included in the size) with its top-left corner at (x, y): a white square,
 *  then all dark modules as one path (horizontal runs merged into single
 *  rectangles) filled once, so no seam can show between modules. On an
 *  image surface without rotation the modules are snapped to whole device
 *  pixels and drawn without antialiasing, so a raster is crisp (the symbol,
 *  centred in the square, may shrink by up to 15 %; a raster too coarse for
 *  that gets the exact geometry). On vector surfaces (PDF) the geometry is
 *  exact. Leaves the cairo state as it was.
 *  Does nothing when cr or qr is NULL or size is not positive. */
void qr_draw(cairo_t *cr, const QRcode *qr, double x, double y, double size);

/** Zero the symbol's modules, then free it. NULL is fine. */
void qr_free(QRcode *qr);

#endif
