/*
 * qr_numeric.h — a SMART Health Card's JWS as the digits of its QR code's
 * numeric segment (the SMART Health Cards specification, "Encoding QRs"):
 * each character c becomes the two digits of c − 45 ("eyJ" → "567629").
 * The QR holds "shc:/" in byte mode and these digits in numeric mode
 * (qr_encode_shc, qr.h).
 *
 * Apart from qr.c so that it needs neither cairo nor libqrencode: the
 * fuzzer and the tests that read a printed code back use it on its own.
 */
#ifndef KOFU_QR_NUMERIC_H
#define KOFU_QR_NUMERIC_H

#include <stdbool.h>
#include <stddef.h>

/** The digits of `jws` into out: 2·strlen(jws) digits and a NUL. False
 *  (out unspecified) if a character is outside the JWS alphabet
 *  [A-Za-z0-9_.-], out is too small, or an argument is NULL. */
bool qr_numeric_from_jws(const char *jws, char *out, size_t cap);

/** The inverse: digit pairs back to the JWS. False on an odd count, a
 *  non-digit, a pair above 77 or one that is not a JWS character, when out
 *  is too small, or an argument is NULL. */
bool qr_numeric_to_jws(const char *digits, char *out, size_t cap);

#endif
