/*
 * json_out.h — a command's JSON output, read back in tests (`kofu card read
 * --json`, `kofu passport read --json`, ...).
 *
 * Owns nothing: a parsed value is the caller's to json_decref. No cmocka
 * here (benches and tools link this library too): the caller asserts.
 */
#ifndef KOFU_TESTS_LIB_JSON_OUT_H
#define KOFU_TESTS_LIB_JSON_OUT_H

#include <jansson.h>

/** text parsed as JSON; NULL after printing to stderr why, text and err
 *  (the command's stderr), so that a failed test shows what the command
 *  said. */
json_t *kt_json_parse(const char *text, const char *err);

/** j's string member key; "(not a string)" when j is not an object or the
 *  member is missing or not a string, so that a missing field fails an
 *  assert_string_equal rather than matching an empty string. */
const char *kt_json_str(const json_t *j, const char *key);

#endif
