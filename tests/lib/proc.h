/*
 * proc.h — child processes for tests: the peers the harnesses start, and
 * the external checkers (zbarimg, pdfinfo, pdftotext, …) whose output the
 * tests read.
 *
 * Owns nothing past a call: a spawned child is the caller's to stop and
 * reap; what kt_run captures is the caller's to free. Every child started
 * here dies with the test (PR_SET_PDEATHSIG), so a crashed test leaves no
 * peer behind.
 */
#ifndef KOFU_TESTS_LIB_PROC_H
#define KOFU_TESTS_LIB_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/** Sleep ms milliseconds. */
void kt_sleep_ms(int ms);

/** exec argv (execvp when search_path), after copying the const strings
 *  into writable storage (exec wants char *const argv[]); _exit(127) when
 *  it fails. For a forked child only. */
noreturn void kt_exec(const char *const argv[], bool search_path);

/* kt_spawn flags. */
#define KT_SPAWN_GROUP 1u  /* a process group of its own, to end its descendants with it */
#define KT_SPAWN_APPEND 2u /* append to log_path instead of truncating it */

/** fork + exec argv (PATH searched) tied to our life; stdin from /dev/null,
 *  stdout to out_fd when ≥ 0 else to log_path, stderr to log_path. env:
 *  extra "K=V" strings (NULL-terminated, may be NULL). The child's pid,
 *  or -1 when fork failed. */
pid_t kt_spawn(const char *const argv[], const char *const env[], const char *log_path, int out_fd,
               unsigned flags);

/** Run a shell command; its standard output (NUL-terminated, malloc'd, at
 *  most 1 MiB) into *out and its length into *len. The exit status, or -1
 *  when it could not run. Commands are built by the tests from their own
 *  temporary paths only. */
int kt_run(const char *cmd, char **out, size_t *len);

/** True if prog is on PATH (tests that need a tool fail loudly, not skip,
 *  when it is missing). */
bool kt_have(const char *prog);

#endif
