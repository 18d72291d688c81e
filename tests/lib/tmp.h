/*
 * tmp.h — temporary directories and files for tests.
 *
 * Owns the temporary files kt_temp_file makes: it remembers their paths
 * until kt_temp_files_remove (or the cmocka teardown kt_temp_teardown)
 * unlinks them, so a test never leaves one behind. Directories from
 * kt_tempdir belong to the caller, who removes them with kt_rmdir_flat.
 * Everything is under $TMPDIR (or /tmp), with a name that says which test
 * made it. A failure to make one is a broken test machine, not a test
 * result: these print why and abort.
 */
#ifndef KOFU_TESTS_LIB_TMP_H
#define KOFU_TESTS_LIB_TMP_H

#include <stdbool.h>
#include <stddef.h>

/** A fresh private directory "$TMPDIR/kofu-TAG-XXXXXX" into dir (cap ≥ 64);
 *  false when it cannot be made. */
bool kt_tempdir(char *dir, size_t cap, const char *tag);

/** Remove every plain file in dir, then dir itself (no recursion: test
 *  directories are flat). Quiet about what is already gone. */
void kt_rmdir_flat(const char *dir);

/** A fresh file "$TMPDIR/kofu-test-TAG-XXXXXX" (0600) holding the len bytes
 *  at data; its path, valid until kt_temp_files_remove. */
const char *kt_temp_file(const char *tag, const void *data, size_t len);

/** kt_temp_file of a NUL-terminated text. */
const char *kt_temp_text(const char *tag, const char *text);

/** Unlink every file kt_temp_file made since the last call. */
void kt_temp_files_remove(void);

/** kt_temp_files_remove as a cmocka setup/teardown (always 0). */
int kt_temp_teardown(void **state);

#endif
