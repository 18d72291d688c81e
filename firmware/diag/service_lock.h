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
 *
 * The same file carries a second, independent mark: the kiosk holds an
 * open-file-description read lock (fcntl F_OFD_SETLK) on its byte 0 for its
 * whole life, so that `kofu diag` on the console can tell that a kiosk runs
 * and leave the devices it holds alone (opening them would blank its screen
 * or fail on its exclusive grabs). On Linux OFD locks and flock locks do not
 * see each other, and the kernel drops the mark with its holder's last
 * descriptor, so a dead kiosk is never reported as running.
 *
 * The file is created 0644 and opened read-only: flock and OFD read locks
 * need no write access, so whichever of the kiosk's user and root creates it
 * first (a fresh /run after boot), the other can still open it.
 */
#ifndef KOFU_SERVICE_LOCK_H
#define KOFU_SERVICE_LOCK_H

#include <stdbool.h>

struct service_lock {
    int fd;    /* -1: none */
    bool held;
};

/** Open (create, 0644; read-only) the lock file at path; "" or NULL gives a lock that
 *  is always free (no file configured). Opened before the sandbox. */
int service_lock_open(struct service_lock *l, const char *path);
/** Take it if free: true when held now. A lock without a file is always
 *  taken. */
bool service_lock_try(struct service_lock *l);
/** Wait up to timeout_ms for it (KOFU_OK, or KOFU_E_TIMEOUT). */
int service_lock_wait(struct service_lock *l, int timeout_ms);
void service_lock_release(struct service_lock *l);
/** The kiosk's mark that it runs, held until service_lock_close (or the
 *  process ends). KOFU_OK, also when l has no file (nothing to share the
 *  kiosk with); KOFU_E_CONFIG when the kernel refuses the lock. */
int service_lock_mark_kiosk(struct service_lock *l);
/** Whether another open of the lock file holds the kiosk's mark: a kiosk
 *  runs. False when l has no file (the console cannot tell) or the query
 *  fails. A holder never sees its own mark. */
bool service_lock_kiosk_running(const struct service_lock *l);
void service_lock_close(struct service_lock *l);

#endif
