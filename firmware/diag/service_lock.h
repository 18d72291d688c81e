/*
 * service_lock.h — one kiosk, one user at a time: a resident's visit, or a
 * technician's diagnostics.
 *
 * Owns: struct service_lock, an exclusive flock(2) on the configuration's
 * service_lock_file. The kiosk takes it when a visit begins and lets it go
 * once the visit has ended and been wiped; `kofu diag` on the console takes
 * it for its run, waiting while a visit holds it. A kiosk that finds it
 * taken at the start of a visit does not begin one (it shows that it is
 * being serviced). The kernel drops the lock when its holder dies, so a
 * crash never leaves the kiosk locked.
 */
#ifndef KOFU_SERVICE_LOCK_H
#define KOFU_SERVICE_LOCK_H

#include <stdbool.h>

struct service_lock {
    int fd;    /* -1: none */
    bool held;
};

/** Open (create, 0600) the lock file at path; "" or NULL gives a lock that
 *  is always free (no file configured). Opened before the sandbox. */
int service_lock_open(struct service_lock *l, const char *path);
/** Take it if free: true when held now. A lock without a file is always
 *  taken. */
bool service_lock_try(struct service_lock *l);
/** Wait up to timeout_ms for it (KOFU_OK, or KOFU_E_TIMEOUT). */
int service_lock_wait(struct service_lock *l, int timeout_ms);
void service_lock_release(struct service_lock *l);
void service_lock_close(struct service_lock *l);

#endif
