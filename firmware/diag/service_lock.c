/* service_lock.c — see service_lock.h. */
#include "diag/service_lock.h"

#include "base/clock.h"
#include "base/errors.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

int service_lock_open(struct service_lock *l, const char *path)
{
    l->fd = -1;
    l->held = false;
    if (!path || !path[0])
        return KOFU_OK;
    l->fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    return l->fd >= 0 ? KOFU_OK : KOFU_E_CONFIG;
}

bool service_lock_try(struct service_lock *l)
{
    if (l->held)
        return true;
    if (l->fd < 0)
        return l->held = true;
    int rc;
    do
        rc = flock(l->fd, LOCK_EX | LOCK_NB);
    while (rc != 0 && errno == EINTR);
    return l->held = (rc == 0);
}

int service_lock_wait(struct service_lock *l, int timeout_ms)
{
    /* flock has no time-out: poll it (a visit lasts minutes; 50 ms is plenty). */
    int64_t end = kofu_mono_ms() + timeout_ms;
    while (!service_lock_try(l)) {
        if (kofu_mono_ms() >= end)
            return KOFU_E_TIMEOUT;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return KOFU_OK;
}

void service_lock_release(struct service_lock *l)
{
    if (l->held && l->fd >= 0)
        flock(l->fd, LOCK_UN);
    l->held = false;
}

/* The mark: byte 0 of the file (a lock may cover bytes past its end). */
static struct flock mark_range(short type)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 0};
    return fl;
}

int service_lock_mark_kiosk(struct service_lock *l)
{
    if (l->fd < 0)
        return KOFU_OK;
    struct flock fl = mark_range(F_RDLCK);
    return fcntl(l->fd, F_OFD_SETLK, &fl) == 0 ? KOFU_OK : KOFU_E_CONFIG;
}

bool service_lock_kiosk_running(const struct service_lock *l)
{
    if (l->fd < 0)
        return false;
    /* A write lock would conflict with any read mark held by another open. */
    struct flock fl = mark_range(F_WRLCK);
    if (fcntl(l->fd, F_OFD_GETLK, &fl) != 0)
        return false;
    return fl.l_type != F_UNLCK;
}

void service_lock_close(struct service_lock *l)
{
    service_lock_release(l);
    if (l->fd >= 0)
        close(l->fd);
    l->fd = -1;
}
