/*
 * files.h — whole files read and written by tests.
 *
 * Owns nothing: what kt_read_file returns is the caller's to free. For
 * test-only paths (temporary directories, build outputs, fixtures); the
 * firmware has its own bounded readers and never uses these.
 */
#ifndef KOFU_TESTS_LIB_FILES_H
#define KOFU_TESTS_LIB_FILES_H

#include <stdbool.h>
#include <stddef.h>

/** The whole file at path, malloc'd with a NUL after its last byte (so a
 *  text file is also a string); its length into *len when len is not NULL.
 *  NULL when it cannot be read. */
char *kt_read_file(const char *path, size_t *len);

/** Write the len bytes at data to path (created 0600 or truncated). */
bool kt_write_file(const char *path, const void *data, size_t len);

/** Copy the file at from to to; false when either cannot be used. */
bool kt_copy_file(const char *from, const char *to);

/** The number of newlines in the file at path (0 when it cannot be read). */
int kt_count_lines(const char *path);

#endif
