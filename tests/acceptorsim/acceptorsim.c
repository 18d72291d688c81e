/*
 * acceptorsim.c — a coin and note acceptor on a Unix socket, for the test
 * that boots the kiosk image under QEMU (QEMU's usb-serial chardev
 * connects to it; the guest sees /dev/ttyUSB0).
 *
 *   acceptorsim --listen SOCKET --control CTRL [--levels YEN:COUNT,...] [-v]
 *
 * Owns: the two listening sockets, the one device connection (QEMU's; a
 * new one is accepted when it goes), the control clients, signals and one
 * poll() loop. The device itself is tests/acceptorsim/acceptor.h; the
 * kiosk's lines are cut by kofu's own line assembler
 * (drivers/payment/serial_line.h: 64 bytes, CR accepted, a longer line
 * dropped whole without an answer).
 *
 * Control socket, one line in, one line out: `insert YEN` → `ok` |
 * `refused`; `status` → `accepting=0|1 asked=N total=N kept=N change=N
 * refunded=N commands=N`; `quit` → `ok`, then exit 0; anything else →
 * `err unknown`.
 *
 * Prints `acceptorsim: ready` (flushed) once both sockets listen. Exit 0 on
 * SIGTERM, SIGINT or `quit`; 2 on bad arguments or a socket path that
 * exists and is no socket; 1 on other failures. -v logs each command's
 * verb and amount and each insert to stderr (money, no resident data).
 */
#include "tests/acceptorsim/acceptor.h"

#include "drivers/payment/serial_line.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define AS_CONTROL_MAX 8     /* control clients at once */
#define AS_CONTROL_LINE 128  /* a control line; longer ones are refused */
#define AS_DEFAULT_LEVELS "10:100,50:50,100:100,500:40,1000:30"

struct control_client {
    int fd;
    size_t len;
    char line[AS_CONTROL_LINE];
};

static volatile sig_atomic_t as_stop;
static bool as_verbose;

static void as_on_signal(int sig)
{
    (void)sig;
    as_stop = 1;
}

__attribute__((format(printf, 1, 2))) static void as_log(const char *fmt, ...)
{
    if (!as_verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("acceptorsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Listens on a Unix stream socket at path, replacing a stale socket file
 * but never deleting anything else. */
static int listen_at(const char *path, bool *bad_path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    *bad_path = false;
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "acceptorsim: socket path too long: %s\n", path);
        *bad_path = true;
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "acceptorsim: %s exists and is not a socket\n", path);
            *bad_path = true;
            return -1;
        }
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 8) != 0) {
        fprintf(stderr, "acceptorsim: %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static bool send_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

struct sim {
    struct acceptor dev;
    int listen_fd, control_fd;
    int device_fd; /* -1: no kiosk connected */
    struct serial_line_reader reader;
    struct control_client ctl[AS_CONTROL_MAX];
    bool quit;
};

static void device_close(struct sim *s)
{
    if (s->device_fd >= 0) {
        close(s->device_fd);
        as_log("kiosk side closed");
    }
    s->device_fd = -1;
}

static void device_send(struct sim *s, const kofu_bld *out)
{
    if (s->device_fd >= 0 && out->len && !send_all(s->device_fd, out->p, out->len))
        device_close(s);
}

static void log_command(kofu_cur line)
{
    struct acc_cmd cmd;
    static const char *const names[] = {"garbage", "STATUS", "ASK", "CANCEL", "CHANGE", "REFUND", "LEVELS"};
    enum acc_cmd_kind k = acc_cmd_parse(line, &cmd);
    as_log("< %s %d", names[k], cmd.amount);
}

static void device_readable(struct sim *s)
{
    uint8_t buf[512];
    ssize_t n = recv(s->device_fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        device_close(s);
        return;
    }
    for (ssize_t i = 0; i < n && s->device_fd >= 0; i++) {
        kofu_cur line;
        enum serial_line_status st = serial_line_push(&s->reader, buf[i], &line);
        if (st == PAYMENT_LINE_DROPPED)
            as_log("< over-long line dropped");
        if (st != PAYMENT_LINE_READY)
            continue;
        if (as_verbose)
            log_command(line);
        uint8_t out[1024];
        kofu_bld b;
        bld_init(&b, out, sizeof out);
        acceptor_line(&s->dev, line, &b);
        device_send(s, &b);
    }
}

static void control_reply(struct control_client *c, const char *text)
{
    char line[256];
    int n = snprintf(line, sizeof line, "%s\n", text);
    if (n > 0 && !send_all(c->fd, (const uint8_t *)line, (size_t)n)) {
        close(c->fd);
        c->fd = -1;
    }
}

static void control_command(struct sim *s, struct control_client *c, const char *cmd)
{
    char status[256];
    if (strncmp(cmd, "insert ", 7) == 0) {
        char *end;
        long yen = strtol(cmd + 7, &end, 10);
        uint8_t out[64];
        kofu_bld b;
        bld_init(&b, out, sizeof out);
        bool ok = end != cmd + 7 && !*end && yen > 0 && yen <= 10000 && s->device_fd >= 0 &&
                  acceptor_insert(&s->dev, (int)yen, &b);
        as_log("insert %ld: %s", yen, ok ? "taken" : "refused");
        device_send(s, &b);
        control_reply(c, ok ? "ok" : "refused");
    } else if (strcmp(cmd, "status") == 0) {
        acceptor_status(&s->dev, status, sizeof status);
        control_reply(c, status);
    } else if (strcmp(cmd, "quit") == 0) {
        control_reply(c, "ok");
        s->quit = true;
    } else {
        control_reply(c, "err unknown");
    }
}

static void control_readable(struct sim *s, struct control_client *c)
{
    char buf[256];
    ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close(c->fd);
        c->fd = -1;
        return;
    }
    for (ssize_t i = 0; i < n && c->fd >= 0; i++) {
        if (buf[i] == '\n') {
            if (c->len && c->line[c->len - 1] == '\r')
                c->len--;
            if (c->len == sizeof c->line) {
                control_reply(c, "err line too long");
            } else {
                c->line[c->len] = '\0';
                control_command(s, c, c->line);
            }
            c->len = 0;
        } else if (c->len < sizeof c->line) {
            c->line[c->len++] = buf[i];
        }
    }
}

static void accept_control(struct sim *s)
{
    int fd = accept4(s->control_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i < AS_CONTROL_MAX; i++)
        if (s->ctl[i].fd < 0) {
            s->ctl[i].fd = fd;
            s->ctl[i].len = 0;
            return;
        }
    close(fd); /* too many: the tests use one or two */
}

static void accept_device(struct sim *s)
{
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    s->device_fd = fd;
    serial_line_reader_init(&s->reader);
    as_log("kiosk side connected");
}

static void usage(void)
{
    fprintf(stderr, "usage: acceptorsim --listen SOCKET --control CTRL [--levels YEN:COUNT,...] [-v]\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                         {"control", required_argument, NULL, 'c'},
                                         {"levels", required_argument, NULL, 'L'},
                                         {NULL, 0, NULL, 0}};
    const char *listen_path = NULL, *control_path = NULL, *levels = AS_DEFAULT_LEVELS;
    int o;
    while ((o = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
        switch (o) {
        case 'l': listen_path = optarg; break;
        case 'c': control_path = optarg; break;
        case 'L': levels = optarg; break;
        case 'v': as_verbose = true; break;
        default: usage(); return 2;
        }
    }
    if (!listen_path || !control_path || optind != argc) {
        usage();
        return 2;
    }
    static struct sim s;
    acceptor_init(&s.dev);
    if (!acceptor_set_levels(&s.dev, levels)) {
        fprintf(stderr, "acceptorsim: bad --levels (YEN:COUNT,... with YEN a coin or note of the yen)\n");
        return 2;
    }
    s.device_fd = -1;
    for (int i = 0; i < AS_CONTROL_MAX; i++)
        s.ctl[i].fd = -1;

    struct sigaction sa = {.sa_handler = as_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    bool bad;
    s.listen_fd = listen_at(listen_path, &bad);
    if (s.listen_fd < 0)
        return bad ? 2 : 1;
    s.control_fd = listen_at(control_path, &bad);
    if (s.control_fd < 0) {
        unlink(listen_path);
        return bad ? 2 : 1;
    }
    printf("acceptorsim: ready\n");
    fflush(stdout);

    while (!as_stop && !s.quit) {
        struct pollfd p[3 + AS_CONTROL_MAX];
        /* One kiosk at a time: the next is accepted once this one goes. */
        p[0] = (struct pollfd){s.device_fd < 0 ? s.listen_fd : -1, POLLIN, 0};
        p[1] = (struct pollfd){s.control_fd, POLLIN, 0};
        p[2] = (struct pollfd){s.device_fd, POLLIN, 0};
        for (int i = 0; i < AS_CONTROL_MAX; i++)
            p[3 + i] = (struct pollfd){s.ctl[i].fd, POLLIN, 0};
        if (poll(p, 3 + AS_CONTROL_MAX, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[2].revents)
            device_readable(&s);
        for (int i = 0; i < AS_CONTROL_MAX && !s.quit; i++)
            if (p[3 + i].revents && s.ctl[i].fd >= 0)
                control_readable(&s, &s.ctl[i]);
        if (p[0].revents)
            accept_device(&s);
        if (p[1].revents)
            accept_control(&s);
    }
    unlink(listen_path);
    unlink(control_path);
    return 0;
}
