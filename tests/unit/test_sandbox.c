/*
 * test_sandbox.c — sandbox_enter() as the kernel enforces it. Each case runs
 * in a forked child (confinement is one way) that enters the sandbox with a
 * small policy and reports what the kernel let it do through its exit status;
 * a forbidden system call must end the child with SIGSYS.
 */
#include "base/errors.h"
#include "base/sandbox.h"
#include "tests/lib/files.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[] = "/tmp/kofu-sandbox-XXXXXX";
static char allowed_file[64], other_dir[] = "/tmp/kofu-sandbox-other-XXXXXX", other_file[80], out_dir[80];

static int group_setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir) || !mkdtemp(other_dir))
        return -1;
    snprintf(allowed_file, sizeof allowed_file, "%s/allowed.txt", dir);
    snprintf(other_file, sizeof other_file, "%s/secret.txt", other_dir);
    snprintf(out_dir, sizeof out_dir, "%s/out", other_dir);
    FILE *a = fopen(allowed_file, "w"), *b = fopen(other_file, "w");
    if (!a || !b)
        return -1;
    fputs("allowed\n", a);
    fputs("not for the sandbox\n", b);
    fclose(a);
    fclose(b);
    return mkdir(out_dir, 0700);
}

static int group_teardown(void **state)
{
    (void)state;
    char p[200];
    unlink(allowed_file);
    unlink(other_file);
    snprintf(p, sizeof p, "%s/new.txt", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/shot.png", out_dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/rec", out_dir);
    rmdir(p);
    rmdir(out_dir);
    rmdir(dir);
    rmdir(other_dir);
    return 0;
}

static void small_policy(struct sandbox_policy *p)
{
    sandbox_policy_init(p);
    p->required = true;
    assert_int_equal(sandbox_allow_read(p, dir), KOFU_OK);
}

/* Child codes: 0 = as expected; 10+n = step n went otherwise. */
enum { CHILD_ENTER_FAILED = 9 };

static int open_errno(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    return errno;
}

static int run_child(int (*body)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(body());
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return st;
}

static int child_files(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    struct sandbox_result r;
    if (sandbox_enter(&p, &r) != KOFU_OK || r.landlock_abi < 1 || !r.seccomp)
        return CHILD_ENTER_FAILED;
    char newfile[200], buf[16];
    snprintf(newfile, sizeof newfile, "%s/new.txt", dir);
    if (open_errno(allowed_file, O_RDONLY) != 0) /* an allowed read works */
        return 11;
    int fd = open(allowed_file, O_RDONLY);
    if (read(fd, buf, sizeof buf) != 8 || memcmp(buf, "allowed\n", 8))
        return 12;
    close(fd);
    if (open_errno(allowed_file, O_WRONLY) != EACCES) /* readable is not writable */
        return 13;
    if (open_errno(newfile, O_WRONLY | O_CREAT) != EACCES)
        return 14;
    if (open_errno("/tmp/kofu-sandbox-escape.txt", O_WRONLY | O_CREAT) != EACCES)
        return 15;
    if (open_errno(other_file, O_RDONLY) != EACCES) /* outside the allow-list */
        return 16;
    if (open_errno("/etc/hostname", O_RDONLY) != EACCES)
        return 17;
    if (open_errno(allowed_file, O_RDONLY | O_TRUNC) != EACCES) /* truncating is writing */
        return 18;
    return 0;
}

static void test_files_refused_outside_policy(void **state)
{
    (void)state;
    int st = run_child(child_files);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    /* Nothing was created behind the sandbox's back. */
    assert_int_equal(access("/tmp/kofu-sandbox-escape.txt", F_OK), -1);
}

static atomic_int entered;

static void *thread_opens(void *arg)
{
    (void)arg;
    /* Wait until the main thread has entered the sandbox. */
    for (int i = 0; i < 5000 && !atomic_load(&entered); i++)
        usleep(1000);
    if (!atomic_load(&entered))
        return (void *)(intptr_t)-1;
    return (void *)(intptr_t)open_errno(other_file, O_RDONLY);
}

/* A thread that existed before sandbox_enter is confined too. */
static int child_thread(void)
{
    pthread_t th;
    if (pthread_create(&th, NULL, thread_opens, NULL) != 0)
        return 11;
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    atomic_store(&entered, 1);
    void *ret;
    pthread_join(th, &ret);
    return (intptr_t)ret == EACCES ? 0 : 12;
}

static void test_existing_thread_confined(void **state)
{
    (void)state;
    int st = run_child(child_thread);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* The sim board's test-only outputs: writable there, nowhere else. */
static int child_outputs(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    p.test_outputs = true;
    char shot[200];
    snprintf(shot, sizeof shot, "%s/shot.png", out_dir);
    if (sandbox_allow_write_dir_of(&p, shot) != KOFU_OK || sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    if (open_errno(shot, O_WRONLY | O_CREAT | O_TRUNC) != 0)
        return 11;
    char rec[200]; /* record-screens makes its directory */
    snprintf(rec, sizeof rec, "%s/rec", out_dir);
    if (mkdir(rec, 0700) != 0)
        return 14;
    snprintf(rec, sizeof rec, "%s/rec2", dir);
    if (mkdir(rec, 0700) == 0 || errno != EACCES) /* only there */
        return 15;
    if (open_errno(other_file, O_RDONLY) != EACCES) /* the directory above stays closed */
        return 12;
    if (open_errno(allowed_file, O_WRONLY) != EACCES)
        return 13;
    return 0;
}

static void test_test_outputs_writable(void **state)
{
    (void)state;
    int st = run_child(child_outputs);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* A policy with outputs but without test_outputs (the kiosk board) is
 * refused before anything is applied. */
static void test_outputs_refused_on_kiosk(void **state)
{
    (void)state;
    struct sandbox_policy p;
    small_policy(&p);
    assert_int_equal(sandbox_allow_write_dir_of(&p, "/tmp/x.png"), KOFU_OK);
    assert_int_equal(sandbox_enter(&p, NULL), KOFU_E_SANDBOX);
    assert_int_equal(open_errno(other_file, O_RDONLY), 0); /* still unconfined */
}

/* Calls the kiosk suite does not reach but libraries make on other paths
 * (sandbox.c names who): allowed, not killed. */
static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static int child_library_calls(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    struct statfs sfs;
    int fd = open(allowed_file, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fstatfs(fd, &sfs) != 0 || statfs(dir, &sfs) != 0) /* fontconfig loading a cache */
        return 11;
    close(fd);
    struct sysinfo si;
    if (sysinfo(&si) != 0)
        return 12;
    static int v[4096]; /* glibc's qsort asks sysinfo above 1 KiB */
    for (int i = 0; i < 4096; i++)
        v[i] = 4096 - i;
    qsort(v, 4096, sizeof v[0], cmp_int);
    if (v[0] != 1)
        return 13;
    struct shmid_ds ds; /* ALSA dmix closing its ring: no such segment here */
    if (shmctl(-1, IPC_STAT, &ds) != -1 || errno != EINVAL || semctl(-1, 0, IPC_RMID) != -1 || errno != EINVAL)
        return 14;
    return 0;
}

static void test_library_calls_allowed(void **state)
{
    (void)state;
    int st = run_child(child_library_calls);
    if (WIFSIGNALED(st))
        fprintf(stderr, "killed by signal %d\n", WTERMSIG(st));
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* ---- files replaced by rename() while confined ------------------------- */

/* An /etc of its own: resolv.conf a file there, hosts a link to a file in
 * a /run of its own (as /etc/resolv.conf -> /run/systemd/resolve/…). */
static char etc_dir[] = "/tmp/kofu-sandbox-etc-XXXXXX", run_dir[] = "/tmp/kofu-sandbox-run-XXXXXX";
static char resolv[80], hosts_link[80], hosts_target[80];
static bool pin_files; /* the child's policy: the files themselves, not sandbox_allow_replaceable */
static int to_child[2], to_parent[2];

/* What a DHCP client or resolved does: a new file, renamed over the old. */
static void replace_file(const char *path, const char *text)
{
    char tmp[100];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    assert_true(kt_write_file(tmp, text, strlen(text)));
    assert_int_equal(rename(tmp, path), 0);
}

/* 0 and the file's first bytes in buf, or the errno of the open. */
static int read_errno(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return 0;
}

static int child_replaced(void)
{
    struct sandbox_policy p;
    sandbox_policy_init(&p);
    p.required = true;
    int (*allow)(struct sandbox_policy *, const char *) = pin_files ? sandbox_allow_read : sandbox_allow_replaceable;
    if (allow(&p, resolv) != KOFU_OK || allow(&p, hosts_link) != KOFU_OK || sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    char buf[32], go;
    if (read_errno(resolv, buf, sizeof buf) || strcmp(buf, "old\n") || read_errno(hosts_link, buf, sizeof buf) ||
        strcmp(buf, "old\n"))
        return 11; /* readable before, either way */
    if (write(to_parent[1], "e", 1) != 1 || read(to_child[0], &go, 1) != 1)
        return 12;
    if (pin_files) /* the rules held the old inodes: the new files are refused */
        return read_errno(resolv, buf, sizeof buf) == EACCES && read_errno(hosts_link, buf, sizeof buf) == EACCES
                   ? 0
                   : 13;
    if (read_errno(resolv, buf, sizeof buf) || strcmp(buf, "new\n"))
        return 14;
    if (read_errno(hosts_link, buf, sizeof buf) || strcmp(buf, "new\n"))
        return 15;
    if (open_errno(other_file, O_RDONLY) != EACCES) /* the directories only */
        return 16;
    if (open_errno(resolv, O_WRONLY) != EACCES)
        return 17;
    return 0;
}

/* Enter (child), replace both files (here, unconfined), let the child read. */
static int run_replaced(bool pin)
{
    assert_true(kt_write_file(resolv, "old\n", strlen("old\n")));
    assert_true(kt_write_file(hosts_target, "old\n", strlen("old\n")));
    pin_files = pin;
    assert_int_equal(pipe(to_child), 0);
    assert_int_equal(pipe(to_parent), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_replaced());
    char ready;
    if (read(to_parent[0], &ready, 1) == 1) {
        replace_file(resolv, "new\n");
        replace_file(hosts_target, "new\n");
        assert_int_equal(write(to_child[1], "g", 1), 1);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    close(to_child[0]);
    close(to_child[1]);
    close(to_parent[0]);
    close(to_parent[1]);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void test_replaced_file_still_readable(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(etc_dir));
    assert_non_null(mkdtemp(run_dir));
    snprintf(resolv, sizeof resolv, "%s/resolv.conf", etc_dir);
    snprintf(hosts_link, sizeof hosts_link, "%s/hosts", etc_dir);
    snprintf(hosts_target, sizeof hosts_target, "%s/hosts", run_dir);
    assert_int_equal(symlink(hosts_target, hosts_link), 0);
    /* What the policy holds: the link's directory and its target's. */
    struct sandbox_policy p;
    sandbox_policy_init(&p);
    assert_int_equal(sandbox_allow_replaceable(&p, "resolv.conf"), KOFU_E_ARG);
    assert_true(kt_write_file(hosts_target, "old\n", strlen("old\n")));
    assert_int_equal(sandbox_allow_replaceable(&p, hosts_link), KOFU_OK);
    assert_int_equal(p.n_read, 2);
    assert_string_equal(p.read[0], etc_dir);
    assert_string_equal(p.read[1], run_dir);

    assert_int_equal(run_replaced(false), 0);
    /* A rule on the file itself loses it at the first replacement. */
    assert_int_equal(run_replaced(true), 0);

    unlink(resolv);
    unlink(hosts_link);
    unlink(hosts_target);
    rmdir(etc_dir);
    rmdir(run_dir);
}

#if !defined(__SANITIZE_ADDRESS__) /* the sanitizer runtime needs ptrace and fork */
static int child_ptrace(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    ptrace(PTRACE_TRACEME, 0, NULL, NULL);
    return 11;
}

#endif

static int child_mount(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    mount("none", dir, "tmpfs", 0, NULL);
    return 11;
}

static int child_execve(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    char *argv[] = {(char *)(uintptr_t) "/bin/true", NULL};
    execv("/bin/true", argv);
    return 11;
}

/* mkdir is the test-only outputs' (record-screens): not in a policy
 * without them (child_outputs shows it allowed with them). */
static int child_mkdir(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    char d[200];
    snprintf(d, sizeof d, "%s/made", out_dir);
    mkdir(d, 0700);
    return 11;
}

#if !defined(__SANITIZE_ADDRESS__)
static int child_fork(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    return 11;
}
#endif

/* Reading a limit of this process is allowed (the service mode's vault
 * check); setting one, or reading another process's, is not. */
static int child_getrlimit(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    struct rlimit rl;
    return getrlimit(RLIMIT_MEMLOCK, &rl) == 0 ? 0 : 11;
}

#if !defined(__SANITIZE_ADDRESS__) /* the sanitizer's runtime needs prlimit64 whole */
static int child_setrlimit(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    struct rlimit rl;
    if (getrlimit(RLIMIT_MEMLOCK, &rl) != 0)
        return 12;
    setrlimit(RLIMIT_MEMLOCK, &rl);
    return 11;
}

static int child_prlimit_other(void)
{
    struct sandbox_policy p;
    small_policy(&p);
    if (sandbox_enter(&p, NULL) != KOFU_OK)
        return CHILD_ENTER_FAILED;
    struct rlimit rl;
    prlimit(getppid(), RLIMIT_MEMLOCK, NULL, &rl);
    return 11;
}
#endif

static void test_forbidden_calls_kill(void **state)
{
    (void)state;
    int (*bodies[])(void) = {child_mount, child_execve, child_mkdir,
#if !defined(__SANITIZE_ADDRESS__)
                             child_ptrace, child_fork, child_setrlimit, child_prlimit_other
#endif
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        int st = run_child(bodies[i]);
        if (!WIFSIGNALED(st))
            fprintf(stderr, "case %zu: exited %d\n", i, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        assert_true(WIFSIGNALED(st));
        assert_int_equal(WTERMSIG(st), SIGSYS);
    }
}

/* The same calls without the sandbox are not killed: the SIGSYS above is
 * the filter's doing. */
static int child_unconfined_ptrace(void)
{
    errno = 0;
    ptrace(PTRACE_TRACEME, 0, NULL, NULL);
    return 0;
}

static void test_unconfined_not_killed(void **state)
{
    (void)state;
    int st = run_child(child_unconfined_ptrace);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    st = run_child(child_getrlimit); /* confined, but only reading its own limit */
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_policy_limits(void **state)
{
    (void)state;
    struct sandbox_policy p;
    sandbox_policy_init(&p);
    assert_int_equal(sandbox_allow_read(&p, ""), KOFU_E_ARG);
    char longpath[SANDBOX_PATH_LEN + 1];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(sandbox_allow_read(&p, longpath), KOFU_E_ARG);
    assert_int_equal(sandbox_allow_read(&p, "/x"), KOFU_OK);
    assert_int_equal(sandbox_allow_read(&p, "/x"), KOFU_OK); /* once only */
    assert_int_equal(p.n_read, 1);
    char name[32];
    for (int i = 1; i < SANDBOX_PATHS_MAX; i++) {
        snprintf(name, sizeof name, "/p%d", i);
        assert_int_equal(sandbox_allow_read(&p, name), KOFU_OK);
    }
    assert_int_equal(sandbox_allow_read(&p, "/one-too-many"), KOFU_E_ARG);
    assert_int_equal(sandbox_allow_write_dir_of(&p, "shot.png"), KOFU_OK);
    assert_string_equal(p.write[0], ".");
    assert_int_equal(sandbox_allow_write_dir_of(&p, "/tmp/a/shot.png"), KOFU_OK);
    assert_string_equal(p.write[1], "/tmp/a");
    /* The system list and a configuration fit, with room to spare. */
    sandbox_policy_init(&p);
    assert_int_equal(sandbox_allow_system(&p), KOFU_OK);
    assert_true(p.n_read + 10 < SANDBOX_PATHS_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_refused_outside_policy),
        cmocka_unit_test(test_existing_thread_confined),
        cmocka_unit_test(test_test_outputs_writable),
        cmocka_unit_test(test_outputs_refused_on_kiosk),
        cmocka_unit_test(test_replaced_file_still_readable),
        cmocka_unit_test(test_library_calls_allowed),
        cmocka_unit_test(test_forbidden_calls_kill),
        cmocka_unit_test(test_unconfined_not_killed),
        cmocka_unit_test(test_policy_limits),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
