/*
 * notify.c — the service manager's notification socket and watchdog.
 *
 * Owns: $WATCHDOG_USEC, and READY=1, WATCHDOG=1 and STOPPING=1 to
 * $NOTIFY_SOCKET. Under systemd
 * (board/kiosk/kofu.service, Type=notify, WatchdogSec=) kofu says READY=1
 * once the attract screen is up and WATCHDOG=1 while it is healthy: every
 * tick of the loop, and during a device call only until the session's
 * wait_timeout has passed (worker.c). A call that never returns (a card that
 * stops answering: PC/SC has no transmit time-out) thus ends in the
 * watchdog's SIGABRT, whose handler wipes the vault, and a fresh process.
 * The protocol is one datagram to $NOTIFY_SOCKET (sd_notify(3)); without
 * it, nothing is sent.
 */
#include "kiosk/kiosk_priv.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

void kiosk_notify_init(struct kiosk *k)
{
    k->notify_fd = -1;
    const char *wd = getenv("WATCHDOG_USEC");
    k->watchdog_ms = wd ? strtoull(wd, NULL, 10) / 1000u : 0;
}

void kiosk_notify(struct kiosk *k, const char *msg)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len = path ? strlen(path) : 0;
    if (!len || len >= sizeof sa.sun_path || (path[0] != '/' && path[0] != '@'))
        return;
    memcpy(sa.sun_path, path, len);
    if (path[0] == '@')
        sa.sun_path[0] = '\0'; /* an abstract socket */
    if (k->notify_fd < 0)
        k->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (k->notify_fd >= 0)
        sendto(k->notify_fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
               (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
}

/* WATCHDOG=1 at most twice per watchdog interval. */
void kiosk_feed_watchdog(struct kiosk *k, uint64_t now)
{
    if (k->watchdog_ms && now >= k->watchdog_fed_ms + k->watchdog_ms / 2) {
        k->watchdog_fed_ms = now;
        kiosk_notify(k, "WATCHDOG=1");
    }
}
