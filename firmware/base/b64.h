/*
 * b64.h — base64 (RFC 4648 §4, with padding) and base64url (§5, without
 * padding, as JOSE uses it). Strict decoding: only the alphabet's
 * characters, no whitespace, correct padding (std) or none (url), and the
 * unused low bits of the last character must be zero (one encoding per
 * value, so a signature cannot be re-encoded into a second valid form).
 */
#ifndef KOFU_B64_H
#define KOFU_B64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Characters needed to encode n bytes (without the terminating NUL). */
size_t b64_encoded_len(size_t n, bool url);
/** Encode into out (cap includes the NUL). False if it does not fit. */
bool b64_encode(const uint8_t *in, size_t n, char *out, size_t cap, bool url);
/** Whether c is one of the 64 characters of the alphabet (padding is not). */
bool b64_is_char(char c, bool url);
/** Decode n characters into out (capacity cap). False on any deviation
 *  from the strict form, or if it does not fit. */
bool b64_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *out_len, bool url);

#endif
