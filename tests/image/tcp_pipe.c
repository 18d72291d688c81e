/*
 * tcp_pipe.c — `tcp-pipe HOST PORT`: one TCP connection relayed to stdin
 * and stdout.
 *
 * QEMU's user networking runs it once per guest connection
 * (`guestfwd=tcp:ADDR:PORT-cmd:build/tcp-pipe 127.0.0.1 PORT`), with the
 * guest's side of the connection as stdin and stdout. The chardev form of
 * guestfwd serves only the first connection; the cmd form serves every one.
 *
 * Each direction ends on its own: end of stdin half-closes the socket
 * (shutdown SHUT_WR), so a client that has sent its request can still read
 * the answer; the socket's end closes stdout. The program ends when both
 * have ended, or at the first I/O error. Exit 0 then, 1 on a failed
 * connect or I/O error, 2 on bad arguments. Bytes are relayed, never looked
 * at or logged.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "tcp-pipe: %s:%s: %s\n", host, port, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        fprintf(stderr, "tcp-pipe: cannot connect to %s:%s: %s\n", host, port, strerror(errno));
        return -1;
    }
    /* TLS handshakes are many small writes: do not let Nagle delay them. */
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static bool write_all(int fd, const char *p, size_t n, bool sock)
{
    while (n > 0) {
        ssize_t w = sock ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Moves one read's worth from `from` to `to`. 1 moved, 0 end of input,
 * -1 error. */
static int relay(int from, int to, bool from_sock, bool to_sock)
{
    char buf[16384];
    ssize_t r = from_sock ? recv(from, buf, sizeof buf, 0) : read(from, buf, sizeof buf);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    if (r < 0)
        return -1;
    if (r == 0)
        return 0;
    return write_all(to, buf, (size_t)r, to_sock) ? 1 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: tcp-pipe HOST PORT\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int sock = connect_to(argv[1], argv[2]);
    if (sock < 0)
        return 1;
    bool in_open = true, sock_open = true;
    while (in_open || sock_open) {
        struct pollfd p[2] = {{in_open ? STDIN_FILENO : -1, POLLIN, 0}, {sock_open ? sock : -1, POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        if (in_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            int r = relay(STDIN_FILENO, sock, false, true);
            if (r < 0)
                return 1;
            if (r == 0) {
                in_open = false;
                (void)shutdown(sock, SHUT_WR);
            }
        }
        if (sock_open && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            int r = relay(sock, STDOUT_FILENO, true, false);
            if (r < 0)
                return 1;
            if (r == 0) {
                sock_open = false;
                /* QEMU hands one socket as both stdin and stdout: closing
                 * stdout alone would not tell the guest. */
                (void)shutdown(STDOUT_FILENO, SHUT_WR);
                close(STDOUT_FILENO);
            }
        }
    }
    close(sock);
    return 0;
}
