/* vicc.c — see vicc.h. Moved here from cardsim.c unchanged in behaviour. */
#include "tests/lib/vicc.h"

#include "base/bytes.h"
#include "base/clock.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define VICC_CONNECT_TIMEOUT_MS 10000
#define VICC_CONNECT_RETRY_MS 20
#define VICC_MAX_CLIENTS 8
#define VICC_LINE_MAX 4352 /* a control line: command plus a path */
#define VICC_REPLY_MAX (VICC_ERR_MAX + 64)
#define VICC_FRAME_MAX (2 + 65535)

/* vpcd control bytes (a message of length 1). */
#define VICC_VPCD_POWER_OFF 0x00
#define VICC_VPCD_POWER_ON 0x01
#define VICC_VPCD_RESET 0x02
#define VICC_VPCD_GET_ATR 0x04

typedef struct {
    int fd; /* -1 = free slot */
    char buf[VICC_LINE_MAX];
    size_t len;
} vicc_client;

struct vicc {
    struct vicc_card card;
    const char *host, *port, *control;
    bool absent; /* start with the card out */
    int vpcd;   /* -1 = card out */
    int listen; /* -1 without a control socket */
    int sig;    /* signalfd for SIGTERM/SIGINT */
    vicc_client clients[VICC_MAX_CLIENTS];
    uint8_t in[VICC_FRAME_MAX]; /* bytes from vpcd not yet framed */
    size_t in_len;
    unsigned long apdus; /* C-APDUs received since start */
    bool quit;
};

static const char *vicc_name = "vicc";
static bool vicc_verbose;

void vicc_log(const char *fmt, ...)
{
    if (!vicc_verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", vicc_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static bool vicc_valid_port(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return *s && !*end && !errno && v >= 1 && v <= 65535;
}

void vicc_opts_init(struct vicc_opts *o)
{
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
}

bool vicc_opt(struct vicc_opts *o, int ch, const char *arg)
{
    switch (ch) {
    case 'p': o->port = arg; break;
    case 'H': o->host = arg; break;
    case 'k': o->pki = arg; break;
    case 'c': o->control = arg; break;
    case 'a': o->absent = true; break;
    case 'v': o->verbose = true; break;
    default: return false;
    }
    return true;
}

bool vicc_opts_check(const struct vicc_opts *o, const char *name, const char *what)
{
    if (!vicc_valid_port(o->port)) {
        fprintf(stderr, "%s: --port must be 1..65535\n", name);
        return false;
    }
    if (o->absent && !o->control) {
        fprintf(stderr, "%s: --absent needs --control (nothing could insert the %s)\n", name, what);
        return false;
    }
    return true;
}

static void vicc_control_line(vicc *s, char *line, char *reply, size_t n);

static unsigned vicc_slow_ms(const vicc *s) { return s->card.slow_ms ? s->card.slow_ms(s->card.ctx) : 0; }

/* ---- time and signals ----------------------------------------------------- */

/* SIGTERM/SIGINT arrive through a signalfd so the poll loop (and every wait)
 * sees them without races. */
static int vicc_signals_open(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
        return -1;
    signal(SIGPIPE, SIG_IGN); /* belt and braces: sends use MSG_NOSIGNAL */
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void vicc_signal_drain(vicc *s)
{
    struct signalfd_siginfo si;
    while (read(s->sig, &si, sizeof si) == (ssize_t)sizeof si) {
        vicc_log("signal %u: exiting", si.ssi_signo);
        s->quit = true;
    }
}

/* Sleeps ms milliseconds, cut short by SIGTERM/SIGINT (which sets quit). */
static void vicc_sleep(vicc *s, long long ms)
{
    long long end = kofu_mono_ms() + ms;
    for (long long left = ms; left > 0 && !s->quit; left = end - kofu_mono_ms()) {
        struct pollfd p = {.fd = s->sig, .events = POLLIN};
        if (poll(&p, 1, (int)left) > 0)
            vicc_signal_drain(s);
    }
}

/* ---- vpcd connection ------------------------------------------------------ */

static void vicc_set_int_opt(int fd, int level, int name)
{
    int one = 1;
    if (setsockopt(fd, level, name, &one, sizeof one) != 0)
        vicc_log("setsockopt %d/%d: %s", level, name, strerror(errno));
}

/* One pass over the resolved addresses; returns a connected fd or -1. */
static int vicc_try_connect(const struct addrinfo *res)
{
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            return fd;
        close(fd);
    }
    return -1;
}

/* Connects to pcscd's vpcd port, retrying every 20 ms for up to 10 s since
 * pcscd may still be starting. Returns the fd or -1 (timeout or signal). */
static int vicc_connect(vicc *s)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(s->host, s->port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "%s: %s: %s\n", vicc_name, s->host, gai_strerror(rc));
        return -1;
    }
    long long deadline = kofu_mono_ms() + VICC_CONNECT_TIMEOUT_MS;
    int fd = vicc_try_connect(res);
    while (fd < 0 && !s->quit && kofu_mono_ms() < deadline) {
        vicc_sleep(s, VICC_CONNECT_RETRY_MS);
        if (!s->quit)
            fd = vicc_try_connect(res);
    }
    freeaddrinfo(res);
    if (fd >= 0)
        vicc_set_int_opt(fd, IPPROTO_TCP, TCP_NODELAY);
    return fd;
}

/* Card out: the driver sees the closed socket as a removal. */
void vicc_remove(vicc *s)
{
    if (s->vpcd < 0)
        return;
    close(s->vpcd);
    s->vpcd = -1;
    s->in_len = 0;
    s->card.power(s->card.ctx, VICC_POWER_OFF);
    vicc_log("%s removed", s->card.what);
}

/* Fires remove-after=0: the budget is already spent. */
void vicc_check_remove_after(vicc *s)
{
    long *left = s->card.remove_after(s->card.ctx);
    if (s->vpcd >= 0 && *left == 0) {
        *left = -1; /* one-shot */
        vicc_remove(s);
    }
}

/* Card in. Returns false if pcscd could not be reached. */
bool vicc_insert(vicc *s)
{
    if (s->vpcd >= 0)
        return true;
    s->vpcd = vicc_connect(s);
    if (s->vpcd < 0)
        return false;
    s->in_len = 0;
    vicc_log("%s inserted", s->card.what);
    vicc_check_remove_after(s);
    return true;
}

/* Sends one framed message with a single send(): the length prefix and the
 * payload travel in one segment, which avoids the Nagle/delayed-ACK stall. */
static void vicc_vpcd_send(vicc *s, const uint8_t *p, size_t n)
{
    uint8_t buf[2 + VICC_RAPDU_MAX];
    kofu_bld b;
    bld_init(&b, buf, sizeof buf);
    bld_add_u16(&b, (uint16_t)n);
    bld_add_bytes(&b, p, n);
    if (!bld_ok(&b))
        return;
    size_t off = 0;
    while (off < b.len) {
        ssize_t w = send(s->vpcd, buf + off, b.len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            vicc_log("vpcd send: %s", strerror(errno));
            vicc_remove(s);
            return;
        }
        off += (size_t)w;
    }
}

static void vicc_vpcd_control(vicc *s, uint8_t b)
{
    switch (b) {
    case VICC_VPCD_POWER_OFF: vicc_log("power off"); s->card.power(s->card.ctx, VICC_POWER_OFF); break;
    case VICC_VPCD_POWER_ON: vicc_log("power on"); s->card.power(s->card.ctx, VICC_POWER_ON); break;
    case VICC_VPCD_RESET: vicc_log("reset"); s->card.power(s->card.ctx, VICC_RESET); break;
    case VICC_VPCD_GET_ATR: vicc_vpcd_send(s, s->card.atr, s->card.atr_len); break;
    default: vicc_log("unknown control byte %02X ignored", b); break;
    }
}

/* Logs an APDU's header and length only. */
static void vicc_log_capdu(const kofu_cur *apdu)
{
    kofu_cur c = *apdu;
    uint8_t h[4] = {0};
    if (!cur_copy(&c, h, sizeof h))
        vicc_log("> short C-APDU len=%zu", cur_len(apdu));
    else
        vicc_log("> CLA=%02X INS=%02X P1=%02X P2=%02X len=%zu", h[0], h[1], h[2], h[3], cur_len(apdu));
}

static void vicc_vpcd_apdu(vicc *s, const kofu_cur *apdu)
{
    uint8_t r[VICC_RAPDU_MAX];
    size_t rlen = sizeof r;
    s->apdus++;
    vicc_log_capdu(apdu);
    if (s->card.mute(s->card.ctx)) {
        vicc_log("< (mute: no answer)");
        return;
    }
    s->card.apdu(s->card.ctx, cur_data(apdu), cur_len(apdu), r, &rlen);
    vicc_log("< SW=%02X%02X data=%zu", r[rlen - 2], r[rlen - 1], rlen - 2);
    if (vicc_slow_ms(s))
        vicc_sleep(s, vicc_slow_ms(s));
    vicc_vpcd_send(s, r, rlen);
    long *left = s->card.remove_after(s->card.ctx);
    if (*left > 0) {
        (*left)--;
        vicc_check_remove_after(s);
    }
}

/* Splits the input buffer into [len][payload] messages and handles each. */
static void vicc_vpcd_frames(vicc *s)
{
    kofu_cur c;
    cur_init(&c, s->in, s->in_len);
    for (;;) {
        kofu_cur save = c, msg;
        uint16_t len;
        uint8_t b;
        if (!cur_get_u16(&c, &len) || !cur_get_bytes(&c, &msg, len)) {
            c = save;
            break;
        }
        if (len == 1 && cur_get_u8(&msg, &b))
            vicc_vpcd_control(s, b);
        else if (len > 1)
            vicc_vpcd_apdu(s, &msg);
        if (s->vpcd < 0)
            return; /* removed while handling: the rest is moot */
    }
    s->in_len = cur_len(&c);
    if (s->in_len)
        memmove(s->in, cur_data(&c), s->in_len);
}

static void vicc_vpcd_readable(vicc *s)
{
    /* Re-arm quick ACKs: Linux drops back to delayed ACKs on its own. */
    vicc_set_int_opt(s->vpcd, IPPROTO_TCP, TCP_QUICKACK);
    ssize_t n = recv(s->vpcd, s->in + s->in_len, sizeof s->in - s->in_len, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        vicc_log("vpcd connection closed by pcscd");
        vicc_remove(s);
        return;
    }
    s->in_len += (size_t)n;
    vicc_vpcd_frames(s);
}

/* ---- control socket ------------------------------------------------------- */

/* Binds the control socket, replacing a stale socket file (but never a
 * regular file: a wrong path must not delete someone's data). */
static int vicc_control_open(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct stat st;
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "%s: --control path too long\n", vicc_name);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "%s: %s exists and is not a socket; not removing it\n", vicc_name, path);
            return -1;
        }
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (const struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 8) != 0) {
        fprintf(stderr, "%s: control socket %s: %s\n", vicc_name, path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void vicc_client_close(vicc_client *cl)
{
    close(cl->fd);
    cl->fd = -1;
    cl->len = 0;
}

static void vicc_client_reply(vicc_client *cl, const char *line)
{
    char buf[VICC_REPLY_MAX + 1];
    int n = snprintf(buf, sizeof buf, "%s\n", line);
    if (n < 0 || (size_t)n >= sizeof buf || send(cl->fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
        vicc_client_close(cl); /* a client that does not read its replies is dropped */
}

/* Handles every complete line in the client's buffer. */
static void vicc_client_lines(vicc *s, vicc_client *cl)
{
    char *nl;
    while (cl->fd >= 0 && (nl = memchr(cl->buf, '\n', cl->len)) != NULL) {
        char reply[VICC_REPLY_MAX];
        size_t used = (size_t)(nl - cl->buf) + 1;
        *nl = '\0';
        vicc_control_line(s, cl->buf, reply, sizeof reply);
        vicc_client_reply(cl, reply);
        if (cl->fd < 0)
            return;
        cl->len -= used;
        memmove(cl->buf, cl->buf + used, cl->len);
    }
    if (cl->fd >= 0 && cl->len == sizeof cl->buf) {
        vicc_client_reply(cl, "err line too long");
        if (cl->fd >= 0)
            vicc_client_close(cl);
    }
}

static void vicc_client_readable(vicc *s, vicc_client *cl)
{
    ssize_t n = recv(cl->fd, cl->buf + cl->len, sizeof cl->buf - cl->len, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        vicc_client_close(cl);
        return;
    }
    cl->len += (size_t)n;
    vicc_client_lines(s, cl);
}

static void vicc_accept(vicc *s)
{
    int fd = accept4(s->listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    for (size_t i = 0; i < VICC_MAX_CLIENTS; i++) {
        if (s->clients[i].fd < 0) {
            s->clients[i].fd = fd;
            s->clients[i].len = 0;
            return;
        }
    }
    static const char busy[] = "err too many control clients\n";
    (void)send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL);
    close(fd);
}

/* ---- main loop ------------------------------------------------------------ */

/* Polls signals, vpcd, control clients and the listener once. */
static void vicc_poll_once(vicc *s)
{
    struct pollfd p[3 + VICC_MAX_CLIENTS];
    int who[3 + VICC_MAX_CLIENTS]; /* -1 sig, -2 vpcd, -3 listen, else client index */
    nfds_t n = 0;
    p[n] = (struct pollfd){.fd = s->sig, .events = POLLIN};
    who[n++] = -1;
    if (s->vpcd >= 0) {
        p[n] = (struct pollfd){.fd = s->vpcd, .events = POLLIN};
        who[n++] = -2;
    }
    for (int i = 0; i < VICC_MAX_CLIENTS; i++) {
        if (s->clients[i].fd >= 0) {
            p[n] = (struct pollfd){.fd = s->clients[i].fd, .events = POLLIN};
            who[n++] = i;
        }
    }
    if (s->listen >= 0) { /* last, so an accept cannot reuse a polled fd */
        p[n] = (struct pollfd){.fd = s->listen, .events = POLLIN};
        who[n++] = -3;
    }
    if (poll(p, n, -1) <= 0)
        return;
    for (nfds_t i = 0; i < n && !s->quit; i++) {
        if (!p[i].revents)
            continue;
        if (who[i] == -1)
            vicc_signal_drain(s);
        else if (who[i] == -2 && s->vpcd == p[i].fd)
            vicc_vpcd_readable(s);
        else if (who[i] == -3)
            vicc_accept(s);
        else if (who[i] >= 0 && s->clients[who[i]].fd == p[i].fd)
            vicc_client_readable(s, &s->clients[who[i]]);
    }
}

/* ---- control commands ------------------------------------------------------- */

bool vicc_present(const vicc *v) { return v->vpcd >= 0; }

unsigned long vicc_apdus(const vicc *v) { return v->apdus; }

void vicc_insert_reply(vicc *s, char *reply, size_t n)
{
    if (vicc_insert(s))
        snprintf(reply, n, "ok present=%d", s->vpcd >= 0);
    else
        snprintf(reply, n, "err cannot connect to %s:%s", s->host, s->port);
}

/* Runs one control line and writes the one-line reply. */
static void vicc_control_line(vicc *s, char *line, char *reply, size_t n)
{
    size_t len = strlen(line);
    if (len && line[len - 1] == '\r')
        line[len - 1] = '\0';
    char *arg = strchr(line, ' ');
    if (arg)
        *arg++ = '\0';
    vicc_log("control: %s", line); /* the command word only */
    if (strcmp(line, "remove") == 0 && !arg) {
        vicc_remove(s);
        snprintf(reply, n, "ok present=0");
    } else if (strcmp(line, "insert") == 0 && !arg) {
        vicc_insert_reply(s, reply, n);
    } else if (strcmp(line, "quit") == 0 && !arg) {
        s->quit = true;
        snprintf(reply, n, "ok");
    } else if (!s->card.control(s->card.ctx, s, line, arg, reply, n)) {
        snprintf(reply, n, "err unknown command (%s)", s->card.commands);
    }
}

/* ---- life cycle ------------------------------------------------------------ */

vicc *vicc_new(const struct vicc_card *card, const struct vicc_opts *o)
{
    vicc *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->card = *card;
    s->host = o->host;
    s->port = o->port;
    s->control = o->control;
    s->absent = o->absent;
    s->vpcd = s->listen = s->sig = -1;
    for (int i = 0; i < VICC_MAX_CLIENTS; i++)
        s->clients[i].fd = -1;
    vicc_name = card->name;
    vicc_verbose = o->verbose;
    return s;
}

int vicc_run(vicc *s)
{
    if ((s->sig = vicc_signals_open()) < 0) {
        fprintf(stderr, "%s: signalfd: %s\n", vicc_name, strerror(errno));
        return 1;
    }
    if (s->control && (s->listen = vicc_control_open(s->control)) < 0)
        return VICC_EXIT_USAGE;
    if (!s->absent && !vicc_insert(s)) {
        if (s->quit)
            return 0;
        fprintf(stderr, "%s: cannot connect to %s:%s (is pcscd with vpcd running?)\n", vicc_name, s->host, s->port);
        return VICC_EXIT_NO_PCSCD;
    }
    if (!s->quit) {
        printf("%s: ready\n", vicc_name);
        fflush(stdout);
    }
    while (!s->quit)
        vicc_poll_once(s);
    return 0;
}

void vicc_free(vicc *s)
{
    if (!s)
        return;
    vicc_remove(s);
    for (int i = 0; i < VICC_MAX_CLIENTS; i++)
        if (s->clients[i].fd >= 0)
            vicc_client_close(&s->clients[i]);
    if (s->listen >= 0) {
        close(s->listen);
        unlink(s->control);
    }
    if (s->sig >= 0)
        close(s->sig);
    free(s);
}
