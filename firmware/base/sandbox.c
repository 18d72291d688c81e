/* sandbox.c — see sandbox.h. */
#include "base/sandbox.h"

#include "base/config.h"
#include "base/errors.h"
#include "base/log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/landlock.h>
#include <seccomp.h>

/* Debian 12's headers stop at Landlock ABI 2; the rights of later ABIs are
 * fixed kernel ABI, so they are spelled here. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

#define FS_ABI1 ((1ULL << 13) - 1) /* EXECUTE .. MAKE_SYM */
#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_WRITE_OUT                                                                                                   \
    (FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_DIR |            \
     LANDLOCK_ACCESS_FS_TRUNCATE)
/* The rights a rule on a file (not a directory) may carry. */
#define FS_FILE_RIGHTS                                                                                                 \
    (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |                       \
     LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* The file-system rights each Landlock ABI handles, as far as this code
 * knows them: a newer kernel's extra rights stay unhandled (allowed), which
 * is Landlock's own rule for rights a program does not know. */
static uint64_t fs_rights_of_abi(int abi)
{
    uint64_t r = FS_ABI1;
    if (abi >= 2)
        r |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        r |= LANDLOCK_ACCESS_FS_TRUNCATE;
    if (abi >= 5)
        r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
    return r;
}

void sandbox_policy_init(struct sandbox_policy *p) { memset(p, 0, sizeof *p); }

static int add_path(char (*list)[SANDBOX_PATH_LEN], size_t *n, const char *path, size_t len)
{
    if (!path || len == 0 || len >= SANDBOX_PATH_LEN)
        return KOFU_E_ARG;
    for (size_t i = 0; i < *n; i++)
        if (strlen(list[i]) == len && !memcmp(list[i], path, len))
            return KOFU_OK;
    if (*n >= SANDBOX_PATHS_MAX)
        return KOFU_E_ARG;
    memcpy(list[*n], path, len);
    list[*n][len] = '\0';
    (*n)++;
    return KOFU_OK;
}

int sandbox_allow_read(struct sandbox_policy *p, const char *path)
{
    return add_path(p->read, &p->n_read, path, path ? strlen(path) : 0);
}

int sandbox_allow_write_dir_of(struct sandbox_policy *p, const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!path || !*path)
        return KOFU_E_ARG;
    if (!slash)
        return add_path(p->write, &p->n_write, ".", 1);
    return add_path(p->write, &p->n_write, path, slash == path ? 1 : (size_t)(slash - path));
}

int sandbox_allow_config(struct sandbox_policy *p, const struct kofu_config *c, const char *config_path)
{
    /* printer_ca_file: the printer driver reads it before confinement, the
     * technician's credentials check again inside (a public certificate).
     * The maintenance credentials are salted slow hashes, read only. */
    const char *files[] = {config_path, c->card_ca_dir, c->center_ca_file, c->kiosk_cert_file,
                           c->shc_keyset_file, c->vds_csca_file, c->prompt_dir, c->printer_ca_file,
                           c->maintenance_credential_file /* read at each try: a new line needs no restart */};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (files[i] && *files[i] && sandbox_allow_read(p, files[i]) != KOFU_OK)
            return KOFU_E_ARG;
    /* A provider URI (handle:…, pkcs11:…) is not a path: its provider
     * talks to its daemon or token over a socket it opens itself. */
    const char *colon = strchr(c->kiosk_key_file, ':'), *slash = strchr(c->kiosk_key_file, '/');
    bool uri = colon && (!slash || colon < slash);
    if (*c->kiosk_key_file && !uri && sandbox_allow_read(p, c->kiosk_key_file) != KOFU_OK)
        return KOFU_E_ARG;
    return KOFU_OK;
}

/* A Landlock rule holds an inode, not a name: a rule on a file that another
 * program replaces by rename() (a DHCP client's or resolved's resolv.conf,
 * timedatectl's localtime link) would keep only the old file. The directory
 * that holds the name is allowed instead and, for a symbolic link, the one
 * that holds its target, where the replacing happens. */
int sandbox_allow_replaceable(struct sandbox_policy *p, const char *path)
{
    if (!path || *path != '/')
        return KOFU_E_ARG;
    const char *slash = strrchr(path, '/');
    int rc = add_path(p->read, &p->n_read, path, slash == path ? 1 : (size_t)(slash - path));
    char target[PATH_MAX];
    struct stat st;
    if (rc != KOFU_OK || lstat(path, &st) != 0 || !S_ISLNK(st.st_mode) || !realpath(path, target))
        return rc; /* absent or dangling: nothing to read there now */
    slash = strrchr(target, '/');
    return add_path(p->read, &p->n_read, target, slash == target ? 1 : (size_t)(slash - target));
}

int sandbox_allow_system(struct sandbox_policy *p)
{
    static const char *const paths[] = {
        "/usr/lib", "/usr/lib64", "/usr/local/lib", /* dlopen late: gconv, NSS, ALSA plugins, OpenSSL providers */
        /* ld.so.cache (dlopen's search), ssl/ (OpenSSL), asound.conf, fonts/, localtime, name
         * resolution's hosts, resolv.conf, nsswitch.conf, host.conf, gai.conf and services,
         * passwd (the user's name, which libcups looks up per thread), cups/client.conf: the
         * directory, since ldconfig, a DHCP client, resolved, timedatectl or useradd
         * replace these files by rename() (sandbox_allow_replaceable) */
        "/etc",
        "/usr/share/alsa",                          /* ALSA's configuration */
        "/usr/share/fonts", "/usr/local/share/fonts", "/var/cache/fontconfig",
        "/usr/share/zoneinfo",
        "/usr/share/X11/locale",                  /* Xlib's key input (the sim board's window) */
        "/dev",                                   /* devices opened late (/dev/urandom, ALSA): read only */
        "/proc/self",                             /* glibc, OpenSSL and the sanitizers read their own process */
        "/sys/devices/system/cpu",                /* glibc's CPU count (sysconf) */
        "/proc/sys/vm/overcommit_memory",         /* glibc's malloc (procfs: never replaced) */
    };
    /* Often links into a directory where the target is replaced
     * (/run/systemd/resolve/stub-resolv.conf, /usr/share/zoneinfo/…). */
    static const char *const replaced[] = {"/etc/resolv.conf", "/etc/hosts", "/etc/localtime"};
    for (size_t i = 0; i < sizeof replaced / sizeof replaced[0]; i++)
        if (sandbox_allow_replaceable(p, replaced[i]) != KOFU_OK)
            return KOFU_E_ARG;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (sandbox_allow_read(p, paths[i]) != KOFU_OK)
            return KOFU_E_ARG;
    const char *conf = getenv("OPENSSL_CONF"), *modules = getenv("OPENSSL_MODULES");
    if ((conf && *conf && sandbox_allow_read(p, conf) != KOFU_OK) ||
        (modules && *modules && sandbox_allow_read(p, modules) != KOFU_OK))
        return KOFU_E_ARG;
#if defined(__SANITIZE_ADDRESS__)
    /* LeakSanitizer reads its suppressions file at exit (env.c keeps
     * LSAN_OPTIONS in these builds). */
    const char *lsan = getenv("LSAN_OPTIONS"), *sup = lsan ? strstr(lsan, "suppressions=") : NULL;
    if (sup) {
        sup += strlen("suppressions=");
        if (add_path(p->read, &p->n_read, sup, strcspn(sup, ": ")) != KOFU_OK)
            return KOFU_E_ARG;
    }
#endif
    return KOFU_OK;
}

int sandbox_policy_for_config(struct sandbox_policy *p, const struct kofu_config *c, const char *config_path)
{
    sandbox_policy_init(p);
    int rc = sandbox_allow_system(p);
    return rc == KOFU_OK ? sandbox_allow_config(p, c, config_path) : rc;
}

int sandbox_enter_for_command(const struct kofu_config *c, const char *config_path, const char *extra)
{
    static struct sandbox_policy p;
    int rc = sandbox_policy_for_config(&p, c, config_path);
    if (rc == KOFU_OK && extra && *extra)
        rc = sandbox_allow_read(&p, extra);
    return rc == KOFU_OK ? sandbox_enter(&p, NULL) : KOFU_E_SANDBOX;
}

/* ---- Landlock ---------------------------------------------------------- */

static int landlock_abi(void)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : (int)abi;
}

static int add_rule(int ruleset, const char *path, uint64_t access, uint64_t handled)
{
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? KOFU_OK : KOFU_E_SANDBOX;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return KOFU_E_SANDBOX;
    }
    if (!S_ISDIR(st.st_mode))
        access &= FS_FILE_RIGHTS;
    struct landlock_path_beneath_attr rule = {.allowed_access = access & handled, .parent_fd = fd};
    long rc = rule.allowed_access ? syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) : 0;
    close(fd);
    return rc == 0 ? KOFU_OK : KOFU_E_SANDBOX;
}

/* The other threads restrict themselves: Landlock has no way to restrict
 * another thread, and a thread left out would be a way out. */
static int ruleset_for_threads = -1;
static atomic_int threads_done, threads_failed;

static void restrict_this_thread(int sig)
{
    (void)sig;
    int saved = errno;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_landlock_restrict_self, ruleset_for_threads, 0) != 0)
        atomic_fetch_add(&threads_failed, 1);
    atomic_fetch_add(&threads_done, 1);
    errno = saved;
}

static int restrict_other_threads(int ruleset, DIR *tasks)
{
    enum { MAX_THREADS = 64 };
    pid_t done[MAX_THREADS], self = (pid_t)syscall(SYS_gettid), pid = getpid();
    int n_done = 0, sig = SIGRTMIN;
    struct sigaction sa = {.sa_handler = restrict_this_thread, .sa_flags = SA_RESTART}, old;
    sigemptyset(&sa.sa_mask);
    ruleset_for_threads = ruleset;
    atomic_store(&threads_done, 0);
    atomic_store(&threads_failed, 0);
    if (sigaction(sig, &sa, &old) != 0)
        return KOFU_E_SANDBOX;
    int rc = KOFU_OK;
    /* Again until a pass finds no thread left: one not yet restricted
     * could have started another meanwhile. */
    for (bool again = true; again && rc == KOFU_OK;) {
        again = false;
        rewinddir(tasks);
        for (struct dirent *e; rc == KOFU_OK && (e = readdir(tasks));) {
            pid_t tid = (pid_t)atoi(e->d_name);
            bool seen = tid <= 0 || tid == self;
            for (int i = 0; i < n_done && !seen; i++)
                seen = done[i] == tid;
            if (seen)
                continue;
            if (n_done == MAX_THREADS) {
                rc = KOFU_E_SANDBOX;
                break;
            }
            int before = atomic_load(&threads_done);
            done[n_done++] = tid;
            again = true;
            if (syscall(SYS_tgkill, pid, tid, sig) != 0) {
                if (errno != ESRCH) /* gone already: nothing to restrict */
                    rc = KOFU_E_SANDBOX;
                continue;
            }
            /* A thread that blocks the signal never answers: fail closed. */
            int waited = 0;
            while (atomic_load(&threads_done) == before && waited++ < 2000) {
                struct timespec ts = {0, 1000000};
                nanosleep(&ts, NULL);
            }
            if (atomic_load(&threads_done) == before)
                rc = KOFU_E_SANDBOX;
        }
    }
    sigaction(sig, &old, NULL);
    return rc == KOFU_OK && atomic_load(&threads_failed) == 0 ? KOFU_OK : KOFU_E_SANDBOX;
}

static int apply_landlock(const struct sandbox_policy *p, int abi)
{
    uint64_t handled = fs_rights_of_abi(abi);
    struct landlock_ruleset_attr attr = {.handled_access_fs = handled};
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (ruleset < 0)
        return KOFU_E_SANDBOX;
    /* Opened before the restriction, which may not allow /proc. */
    DIR *tasks = opendir("/proc/self/task");
    int rc = tasks ? KOFU_OK : KOFU_E_SANDBOX;
    for (size_t i = 0; i < p->n_read && rc == KOFU_OK; i++)
        rc = add_rule(ruleset, p->read[i], FS_READ, handled);
    for (size_t i = 0; i < p->n_write && rc == KOFU_OK; i++)
        rc = add_rule(ruleset, p->write[i], FS_WRITE_OUT, handled);
    if (rc == KOFU_OK && syscall(SYS_landlock_restrict_self, ruleset, 0) != 0)
        rc = KOFU_E_SANDBOX;
    if (rc == KOFU_OK)
        rc = restrict_other_threads(ruleset, tasks);
    if (tasks)
        closedir(tasks);
    close(ruleset);
    return rc;
}

/* ---- seccomp ----------------------------------------------------------- */

/* What kofu and its libraries (glibc, OpenSSL, libcurl, pcsc-lite, libcups,
 * cairo/pango/fontconfig, Xlib) called after confinement in every run of the
 * kiosk test suite (test_kiosk, test_x11: strace -f of each `kofu run`,
 * 44 calls) and `make demo`, plus what paths the suite does not take need
 * (each marked).
 * clone, socket, kill and tgkill are allowed below with their arguments
 * checked; names unknown on an architecture are skipped. */
static const char *const allowed_syscalls[] = {
    /* files and descriptors (Landlock limits which paths) */
    "read", "write", "openat", "close", "lseek", "newfstatat", "access", "readlinkat", "fcntl", "ioctl",
    "getdents64", /* fontconfig rescans a font directory it finds changed */
    "fstatfs", "statfs", /* fontconfig, on every cache file and font directory it loads (a reload) */
    /* the state file (diag/service_state.h), opened before confinement and rewritten whole in
     * place after a visit: one pwrite at 0, ftruncate, fsync (Landlock checks neither on a
     * descriptor opened earlier); flock: the one-user lock a visit takes (diag/service_lock.h) */
    "pwrite64", "ftruncate", "fsync", "flock",
    /* memory; the vault's locking */
    "mmap", "munmap", "mprotect", "madvise", "brk", "munlock",
    "mremap", "mlock", "mlockall", "munlockall", /* realloc of large blocks; the vault */
    "mincore", /* wipestack.c, vault.c: which pages are there to wipe */
    /* threads (device calls, curl's resolver) and signals */
    "futex", "set_robust_list", "rseq", "getpid", "exit", "exit_group", "rt_sigaction", "rt_sigprocmask",
    "rt_sigreturn", "restart_syscall", "gettid", /* the stop signals' handler; abort() and the vault's re-raise */
    /* waiting, time, randomness, identity */
    "poll", "clock_nanosleep", "clock_gettime", "gettimeofday", /* the last two when the vDSO cannot answer */
    "getrandom", "getuid", "geteuid", "getgid", "getegid", "uname", "getrusage",
    "sysinfo", /* glibc's qsort, the first time it sorts more than 1 KiB (how much memory there is) */
    /* sockets: pcscd, the center, the printer, systemd's notification, the test peers */
    "connect", "sendto", "recvfrom", "getsockopt", "setsockopt", "getsockname", "getpeername", "socketpair",
    "sendmmsg", /* DNS: the A and AAAA queries of a center or printer named by host name */
    "writev", "recvmsg", "shutdown", /* the sim board's X11 window (xcb), libcups closing */
    /* ALSA's dmix plugin (the kiosk's `default` PCM) locks its shared ring with SysV semaphores;
     * closing the PCM detaches and asks whether it was the last (shmctl IPC_STAT), and the
     * last removes the ring and its semaphores (shmctl, semctl IPC_RMID) */
    "semop", "semtimedop", "shmdt", "shmctl", "semctl",
};

const char *const *sandbox_syscalls(void)
{
    enum { N = sizeof allowed_syscalls / sizeof allowed_syscalls[0] };
    static const char *all[N + 16];
    static const char *const extra[] = {
        "clone", "socket", "kill", "tgkill", /* allowed with their arguments checked */
        "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", "seccomp", "prctl",
    };
    size_t n = 0;
    for (size_t i = 0; i < N; i++)
        all[n++] = allowed_syscalls[i];
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        all[n++] = extra[i];
    all[n] = NULL;
    return all;
}

#if defined(__SANITIZE_ADDRESS__)
/* ASan/LSan builds only: LeakSanitizer stops the world at exit with a
 * tracer task (clone without CLONE_THREAD) that ptraces every thread.
 * execve stays forbidden: a report is printed unsymbolized. */
static const char *const sanitizer_syscalls[] = {
    "ptrace", "wait4", "waitid", "prctl", "clone", "kill", "tgkill", "sigaltstack", "sched_yield", "prlimit64",
    "sched_getaffinity", "getppid", "open", "stat", "getdents", /* seen in the ASan run of test_kiosk */
};
#endif

static int allow(scmp_filter_ctx ctx, const char *name)
{
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR)
        return KOFU_OK;
    return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) == 0 ? KOFU_OK : KOFU_E_SANDBOX;
}

static int apply_seccomp(const struct sandbox_policy *p)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (!ctx)
        return KOFU_E_SANDBOX;
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) == 0 ? KOFU_OK : KOFU_E_SANDBOX;
    for (size_t i = 0; rc == KOFU_OK && i < sizeof allowed_syscalls / sizeof allowed_syscalls[0]; i++)
        rc = allow(ctx, allowed_syscalls[i]);
    /* A script's record-screens makes its directory: only with the sim
     * board's test-only outputs (and Landlock allows it only there). */
    if (rc == KOFU_OK && p->test_outputs)
        rc = allow(ctx, "mkdir");
#if defined(__SANITIZE_ADDRESS__)
    for (size_t i = 0; rc == KOFU_OK && i < sizeof sanitizer_syscalls / sizeof sanitizer_syscalls[0]; i++)
        rc = allow(ctx, sanitizer_syscalls[i]);
#else
    const scmp_datum_t pid = (scmp_datum_t)getpid();
    /* New threads only, never a new process. */
    if (rc == KOFU_OK && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
                                          SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) != 0)
        rc = KOFU_E_SANDBOX;
    /* The service mode's vault check reads RLIMIT_MEMLOCK (getrlimit is
     * prlimit64 on this process with no new limit): reading only, never
     * setting, and never another process's. */
    if (rc == KOFU_OK && seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2, SCMP_A0(SCMP_CMP_EQ, 0),
                                          SCMP_A2(SCMP_CMP_EQ, 0)) != 0)
        rc = KOFU_E_SANDBOX;
    /* Signals to this process only (abort(), the vault's re-raise). */
    if (rc == KOFU_OK && (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_EQ, pid)) != 0 ||
                          seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_EQ, pid)) != 0))
        rc = KOFU_E_SANDBOX;
#endif
    /* clone3's flags sit behind a pointer seccomp cannot read: glibc falls
     * back to clone on ENOSYS, where they can be checked. */
    if (rc == KOFU_OK && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) != 0)
        rc = KOFU_E_SANDBOX;
    /* The address families the unit allows (RestrictAddressFamilies); any
     * other is refused the same way systemd refuses it. */
    static const int families[] = {AF_UNIX, AF_INET, AF_INET6};
    for (size_t i = 0; rc == KOFU_OK && i < sizeof families / sizeof families[0]; i++)
        if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i])) != 0)
            rc = KOFU_E_SANDBOX;
    for (int fam = 0; rc == KOFU_OK && fam < AF_MAX; fam++)
        if (fam != AF_UNIX && fam != AF_INET && fam != AF_INET6 &&
            seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                             SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fam)) != 0)
            rc = KOFU_E_SANDBOX;
    if (rc == KOFU_OK && seccomp_load(ctx) != 0)
        rc = KOFU_E_SANDBOX;
    seccomp_release(ctx);
    return rc;
}

static bool seccomp_available(void)
{
    /* EINVAL: a kernel built without seccomp. */
    return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 && seccomp_api_get() >= 1;
}

int sandbox_enter(const struct sandbox_policy *p, struct sandbox_result *res)
{
    struct sandbox_result r = {0};
    int rc = KOFU_OK;
    if (p->n_write && !p->test_outputs)
        rc = KOFU_E_SANDBOX;
    int abi = landlock_abi();
    bool sc = seccomp_available();
    if (rc == KOFU_OK && p->required && (abi == 0 || !sc))
        rc = KOFU_E_SANDBOX;
    if (rc == KOFU_OK && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        rc = KOFU_E_SANDBOX;
    if (rc == KOFU_OK && abi > 0) {
        rc = apply_landlock(p, abi);
        r.landlock_abi = rc == KOFU_OK ? abi : 0;
    }
    if (rc == KOFU_OK && sc) {
        rc = apply_seccomp(p);
        r.seccomp = rc == KOFU_OK;
    }
    kofu_log(rc == KOFU_OK && r.landlock_abi && r.seccomp ? KOFU_LOG_INFO : KOFU_LOG_ERROR, EV_SANDBOX, rc,
             (uint32_t)abi);
    if (res)
        *res = r;
    return rc;
}
