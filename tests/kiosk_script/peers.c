/*
 * peers.c — the test peers' control sockets (cardsim, centersim,
 * passportsim), named by the test build's own configuration keys
 * sim_cardsim_control, sim_centersim_control and sim_passportsim_control
 * (README, "Builds"). build/kofu knows none of these keys.
 */
#include "kiosk_script.h"

#include "base/config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static char cardsim_control[KOFU_CONFIG_VALUE_MAX];
static char centersim_control[KOFU_CONFIG_VALUE_MAX];
static char passportsim_control[KOFU_CONFIG_VALUE_MAX];

int kiosk_peers_config_key(const char *key, const char *value)
{
    char *dst = !strcmp(key, "sim_cardsim_control")       ? cardsim_control
                : !strcmp(key, "sim_centersim_control")   ? centersim_control
                : !strcmp(key, "sim_passportsim_control") ? passportsim_control
                                                           : NULL;
    if (!dst)
        return 0;
    if (strlen(value) >= KOFU_CONFIG_VALUE_MAX)
        return -1;
    snprintf(dst, KOFU_CONFIG_VALUE_MAX, "%s", value);
    return 1;
}

int kiosk_peers_have_cardsim(void)
{
    return *cardsim_control != '\0';
}

int kiosk_peer(const char *peer, const char *cmd, char *reply, size_t cap)
{
    const char *path = !strcmp(peer, "cardsim")       ? cardsim_control
                       : !strcmp(peer, "passportsim") ? passportsim_control
                                                      : centersim_control;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (cap)
        snprintf(reply, cap, "%s", "no answer (is sim_*_control set and the peer running?)");
    if (!*path || strlen(path) >= sizeof sa.sun_path)
        return -1;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = 15};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int rc = -1;
    char buf[300];
    int n = snprintf(buf, sizeof buf, "%s\n", cmd);
    if (n > 0 && (size_t)n < sizeof buf && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        write(fd, buf, (size_t)n) == n) {
        size_t got = 0;
        while (got + 1 < cap) {
            ssize_t r = read(fd, reply + got, cap - 1 - got);
            if (r <= 0)
                break;
            got += (size_t)r;
            if (memchr(reply, '\n', got))
                break;
        }
        reply[got] = '\0';
        rc = !strncmp(reply, "ok", 2) ? 0 : -1;
    }
    close(fd);
    return rc;
}
