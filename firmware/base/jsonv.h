/*
 * jsonv.h — small checks every validator of outside JSON shares (the
 * center's answers, SMART Health Cards, VDS-NC seals), on jansson values.
 */
#ifndef KOFU_JSONV_H
#define KOFU_JSONV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/** A member's string value, or NULL when absent or not a string. */
const char *jsonv_str(const json_t *o, const char *key);
/** True when the member is the string `want`. */
bool jsonv_is(const json_t *o, const char *key, const char *want);
/** Text fit to print or show: 1..max bytes of UTF-8 (jansson has checked
 *  the encoding and refused NUL) with no control characters (C0, DEL, C1)
 *  and no bidirectional controls that could reorder what is printed. */
bool jsonv_printable(const char *s, size_t max);

/** Copy printable text (jsonv_printable with max) into dst of cap bytes. */
bool jsonv_copy_text(char *dst, size_t cap, const char *s, size_t max);
/** A real calendar date, "YYYY-MM-DD" (dashed) or "YYYYMMDD". */
bool jsonv_date_ok(const char *s, bool dashed);

#endif
