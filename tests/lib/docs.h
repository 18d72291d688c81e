/*
 * docs.h — synthetic documents for the ui/ tests, the screens' samples and
 * the benches: JWS-shaped strings, VDS-NC-shaped seals, and the QR text a
 * JWS becomes, computed here independently of ui/qr.c.
 *
 * Owns nothing: every string returned is malloc'd and the caller's to free.
 * The data are synthetic (no resident's), deterministic, and not signed:
 * they exercise layout and encoding, never verification.
 */
#ifndef KOFU_TESTS_LIB_DOCS_H
#define KOFU_TESTS_LIB_DOCS_H

#include <stddef.h>

/** The 64 base64url characters in order. */
extern const char kt_b64url_chars[65];

/** A JWS-shaped string of exactly len characters: a real-looking header, a
 *  pseudo-random payload, and a '.' before an 86-character "signature" when
 *  there is room. NULL when out of memory. Not a real SHC. */
char *kt_synthetic_jws(size_t len);

/** A VDS-NC seal shaped like the center's (JCS data, ES256, a P-256 signer
 *  certificate of ~460 DER bytes) with n_doses vaccination events; NULL
 *  when out of memory. */
char *kt_synthetic_seal(int n_doses);

/** The SMART Health Card QR text of jws: "shc:/" and two digits a
 *  character (its code minus 45). NULL when out of memory. */
char *kt_shc_qr_text(const char *jws);

/** The JWS of a SMART Health Card QR text ("shc:/" and digit pairs, each a
 *  character's code minus 45) into jws (NUL-terminated). Its length, or -1
 *  when qr is not that form or jws is too small. */
int kt_shc_jws_of_qr_text(const char *qr, char *jws, size_t cap);

#endif
