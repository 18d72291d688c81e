/* proc.c — child processes for tests (tests/lib/proc.h). */
#include "tests/lib/proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

void kt_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void kt_exec(const char *const argv[], bool search_path)
{
    static char store[8192];
    char *v[64];
    size_t used = 0;
    int n = 0;
    for (; argv[n] && n < 63; n++) {
        size_t len = strlen(argv[n]) + 1;
        if (len > sizeof store - used)
            _exit(127);
        memcpy(store + used, argv[n], len);
        v[n] = store + used;
        used += len;
    }
    v[n] = NULL;
    if (search_path)
        execvp(v[0], v);
    else
        execv(v[0], v);
    _exit(127);
}

pid_t kt_spawn(const char *const argv[], const char *const env[], const char *log_path, int out_fd,
               unsigned flags)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (flags & KT_SPAWN_GROUP)
        setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    int mode = flags & KT_SPAWN_APPEND ? O_APPEND : O_TRUNC;
    int log = open(log_path, O_WRONLY | O_CREAT | mode | O_CLOEXEC, 0600);
    if (log >= 0) {
        dup2(out_fd >= 0 ? out_fd : log, 1);
        dup2(log, 2);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0)
        dup2(devnull, 0);
    for (int i = 0; env && env[i]; i++)
        putenv(strdup(env[i]));
    kt_exec(argv, true);
}

int kt_run(const char *cmd, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        pclose(p);
        return -1;
    }
    size_t k;
    while (n < cap && (k = fread(buf + n, 1, cap - n, p)) > 0)
        n += k;
    buf[n] = '\0';
    int st = pclose(p);
    *out = buf;
    *len = n;
    return st == -1 ? -1 : (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

bool kt_have(const char *prog)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}
