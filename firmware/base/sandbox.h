/*
 * sandbox.h — kofu confines itself once it is set up.
 *
 * Owns: struct sandbox_policy (the paths a confined process may still read,
 * and the sim board's test-only output directories) and sandbox_enter(), the
 * one-way step into confinement. Why: everything kofu parses — card data, the
 * center's answers, IPP replies, fonts — is parsed after start-up; if one of
 * those parsers is ever wrong, the process that runs the bad code must not be
 * able to write a file, read a file outside what it serves with, start a
 * program, trace or signal another process, or mount anything. What it holds
 * at that point (its open devices and sockets) is all it keeps.
 *
 * sandbox_enter() applies, in this order and to every thread of the process:
 *   1. prctl(PR_SET_NO_NEW_PRIVS): no exec can ever gain privileges;
 *   2. Landlock: every file-system access right of the best ABI the kernel
 *      offers (that this code knows) is handled; the policy's read paths get
 *      read (and list) rights beneath them, nothing gets write, execute,
 *      create, remove, rename, link, truncate or device-ioctl rights — except
 *      the test-only output directories, which only a sim-board policy may
 *      have. Files opened before (devices, the audio record log) stay usable.
 *   3. seccomp: an allow-list of the system calls kofu and its libraries
 *      make while serving (sandbox.c, measured on the whole kiosk test suite);
 *      anything else kills the process (SECCOMP_RET_KILL_PROCESS). New
 *      processes (fork, execve), ptrace, mount, module and key loading, bpf,
 *      process_vm_*, the setuid family, … are not on it.
 * Landlock and seccomp are per thread in the kernel; threads that exist
 * already (the ALSA playback thread) are confined too (seccomp by TSYNC,
 * Landlock by each thread restricting itself on a signal), and threads made
 * later inherit the confinement.
 *
 * A kernel without Landlock or seccomp: a policy with `required` set (the
 * kiosk board) is refused with KOFU_E_SANDBOX, and the caller must not serve;
 * otherwise (the sim board: synthetic residents only) the process runs
 * unconfined and the result says so. ASan builds allow, in addition, what the
 * sanitizer runtime needs (LeakSanitizer traces its own threads with ptrace
 * at exit, and reads /proc/self).
 */
#ifndef KOFU_SANDBOX_H
#define KOFU_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

struct kofu_config;

#define SANDBOX_PATHS_MAX 48
#define SANDBOX_PATH_LEN 1024

struct sandbox_policy {
    /* Files or directories that stay readable (beneath, for a directory).
     * Paths that do not exist are skipped: nothing can be read there. */
    char read[SANDBOX_PATHS_MAX][SANDBOX_PATH_LEN];
    size_t n_read;
    /* Test-only: directories in which files (and directories) may be created
     * and written — the sim board's script outputs. sandbox_enter refuses a
     * policy with any of these unless test_outputs is set. */
    char write[SANDBOX_PATHS_MAX][SANDBOX_PATH_LEN];
    size_t n_write;
    bool test_outputs; /* the sim board running a script (seccomp then allows mkdir); never the kiosk board */
    bool required;     /* no Landlock or seccomp in the kernel: refuse, not run unconfined */
};

/** What sandbox_enter did. */
struct sandbox_result {
    int landlock_abi; /* the kernel's Landlock ABI; 0 = none (then not applied) */
    bool seccomp;     /* the system-call filter is loaded */
};

/** An empty policy: nothing readable, nothing writable, not required.
 *  Adding a path that is already there does nothing. */
void sandbox_policy_init(struct sandbox_policy *p);
/** Keep `path` readable. KOFU_E_ARG when it is empty, too long or the list
 *  is full (a policy that cannot say what it means is not entered). */
int sandbox_allow_read(struct sandbox_policy *p, const char *path);
/** Test-only output: files (and directories) may be created and written in
 *  the directory that holds `path` ("." for a bare name). */
int sandbox_allow_write_dir_of(struct sandbox_policy *p, const char *path);
/** Keep the file at the absolute `path` readable when another program
 *  replaces it by rename(): a Landlock rule holds an inode, so the
 *  directory that holds the name is allowed, and when `path` is a symbolic
 *  link, the directory that holds its target as well. KOFU_E_ARG for a
 *  relative path or a full list. */
int sandbox_allow_replaceable(struct sandbox_policy *p, const char *path);
/** What kofu and its libraries read while serving, on any board: the
 *  libraries loaded late (gconv, ALSA plugins, NSS, OpenSSL providers),
 *  /etc (OpenSSL's, ALSA's, fontconfig's and name resolution's files, time
 *  zone, ld.so.cache, passwd: replaced by rename() at times), the targets'
 *  directories of /etc/resolv.conf, /etc/hosts and /etc/localtime when they
 *  are links, fonts and fontconfig's system cache, time zones, /dev (devices
 *  opened late: read only), /proc/self and the CPU list glibc reads. */
int sandbox_allow_system(struct sandbox_policy *p);
/** What the configuration names: `config_path` itself, the card-CA
 *  directory, the pinned center CA, the kiosk's certificate and key file
 *  (not a provider URI), the SHC key set, the VDS-NC CSCA, the prompts, the
 *  printer anchor. */
int sandbox_allow_config(struct sandbox_policy *p, const struct kofu_config *c, const char *config_path);
/** The policy every kofu command starts from: empty (sandbox_policy_init),
 *  then the system's paths and the configuration's. */
int sandbox_policy_for_config(struct sandbox_policy *p, const struct kofu_config *c, const char *config_path);

/** The technicians' commands (`kofu card read`, `kofu center ping`), once
 *  their reader or center client is set up: the system's paths, the
 *  configuration's, and `extra` (a --card-ca DIR; may be NULL). Not
 *  required: they hold no more than one card read for the person at the
 *  terminal, and a lab machine's kernel may lack Landlock; unconfined, the
 *  EV_SANDBOX event says so. */
int sandbox_enter_for_command(const struct kofu_config *c, const char *config_path, const char *extra);

/** Every system call kofu makes once confined, and those it confines
 *  itself with (for checking that an outer filter — the systemd unit's —
 *  leaves them all allowed). NULL-terminated. */
const char *const *sandbox_syscalls(void);

/** Enter the sandbox; one way, for the whole process. KOFU_OK (see `res`
 *  for what was applied), KOFU_E_SANDBOX when the policy is refused, a step
 *  fails, or the kernel lacks Landlock or seccomp and the policy is
 *  `required`. On failure after a step was applied the process is partly
 *  confined: the caller must stop. Logs EV_SANDBOX (detail: Landlock ABI). */
int sandbox_enter(const struct sandbox_policy *p, struct sandbox_result *res);

#endif
