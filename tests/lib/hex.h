/*
 * hex.h — test vectors written as hex strings (ICAO 9303-11's worked
 * examples, FIPS and RFC vectors), as bytes.
 *
 * Owns nothing. A malformed literal is the test's own mistake, not a
 * result: kt_unhex says so on stderr and aborts, which fails the test
 * program, rather than returning something for every caller to check.
 */
#ifndef KOFU_TESTS_LIB_HEX_H
#define KOFU_TESTS_LIB_HEX_H

#include <stddef.h>
#include <stdint.h>

/** The bytes of hex (pairs of hex digits; spaces between pairs are
 *  skipped) into out, cap bytes: their count. Aborts when hex is malformed
 *  or does not fit. */
size_t kt_unhex(const char *hex, uint8_t *out, size_t cap);

/** uint8_t name[cap] holding hex's bytes, and size_t name_len. */
#define KT_HEX(name, cap, hex) \
    uint8_t name[cap];         \
    size_t name##_len __attribute__((unused)) = kt_unhex(hex, name, sizeof name)

#endif
