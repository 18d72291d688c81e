/*
 * vault.h — the only place resident data may live.
 *
 * Owns: one page-locked region per process (each page locked from its
 * first touch, MLOCK_ONFAULT, so that room a visit leaves unused costs no
 * memory; and, with vault_lock_process, the whole process, so that no
 * library's copy of resident data is ever swapped out), excluded from core dumps
 * (MADV_DONTDUMP; the process is also made non-dumpable and RLIMIT_CORE is
 * set to 0), handed out by a bump allocator and zeroed with explicit_bzero
 * when the session ends — on every path, including errors and the signals
 * that end a process (SIGINT, SIGTERM, SIGHUP, SIGQUIT, and the fatal ones,
 * after which the signal is re-raised with its default action).
 *
 * There is no free(): a session allocates what it needs and vault_wipe()
 * drops everything at once, which is what a session wants anyway.
 */
#ifndef KOFU_VAULT_H
#define KOFU_VAULT_H

#include <stdbool.h>
#include <stddef.h>

/** Set up the vault with `size` bytes (rounded up to whole pages). Returns
 *  KOFU_OK, KOFU_E_VAULT if the memory cannot be locked or excluded from
 *  dumps, or KOFU_E_ARG if it is already set up. */
int vault_init(size_t size);
/** Lock every page of the process in memory as it is touched
 *  (mlockall MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT). KOFU_OK, or KOFU_E_VAULT
 *  when the kernel refuses (without CAP_IPC_LOCK, a process bigger than
 *  RLIMIT_MEMLOCK). The kiosk board requires it; elsewhere a refusal is
 *  logged and the vault alone stays locked. */
int vault_lock_process(void);
/** Zeroed, 16-byte aligned memory from the vault; NULL when it is full or
 *  not set up. */
void *vault_alloc(size_t n);
/** Zero every byte of the vault and make all of it free again. (The signal
 *  path wipes on its own; this is the normal end of a session.) */
void vault_wipe(void);
/** A point to come back to: everything allocated after it can be dropped
 *  with vault_release (a session step that is over). */
size_t vault_mark(void);
/** Zero and free everything allocated since `mark`. */
void vault_release(size_t mark);
/** Wipe and give the memory back (at exit). */
void vault_destroy(void);
/** Bytes handed out since the last wipe. */
size_t vault_used(void);
/** Total bytes. */
size_t vault_size(void);
/** True if [p, p+n) lies inside the vault. */
bool vault_contains(const void *p, size_t n);
/** True if every byte of the vault is zero (tests use it to prove a wipe). */
bool vault_is_clean(void);
/** Whether nothing is allocated past `mark` (a vault_mark value) and every
 *  byte from there to the end is zero: what stays below the mark (the
 *  kiosk's screen buffer) is not looked at. */
bool vault_is_clean_after(size_t mark);

#endif
