/*
 * vsc_bridge.c — cardsim behind QEMU's ccid-card-passthru.
 *
 *   vsc-bridge --vpcd-port PORT --qemu SOCKET [--atr HEX] [-v]
 *
 * Owns: a vpcd server on 127.0.0.1:PORT that cardsim connects to as the
 * card (one card at a time; its connection closing is the card pulled),
 * the client connection to QEMU's passthru chardev (QEMU listens,
 * `server=on,wait=off`; retried for up to 30 s), signals and one poll()
 * loop. The framings are tests/image/vsc_frame.h.
 *
 * The card's arrival (connected, and its ATR answered) becomes ReaderAdd
 * (the first time only) and ATR to QEMU; its leaving becomes CardRemove;
 * a new connection, ATR again. C-APDUs from QEMU go to the card unchanged
 * and its R-APDUs back, one at a time.
 *
 * The ATR QEMU gets is not the card's: QEMU 7.2's usb-ccid announces no
 * T=1 in its CCID descriptor, so pcscd in the guest refuses cardsim's T=1
 * ATR ("Protocol T=1 not supported by reader"); the bridge presents a T=0
 * ATR (default 3B021450). usb-ccid works at APDU level, so nothing else
 * changes for short APDUs. usb-ccid also answers the guest's power off,
 * power on and reset itself from the stored ATR: they never reach the card.
 *
 * Prints `vsc-bridge: ready` (flushed) once the vpcd port listens. Exit 0
 * on SIGTERM or SIGINT; 1 when QEMU cannot be reached in time or goes
 * away, or on a broken stream; 2 on bad arguments. -v logs events, each
 * APDU's header and lengths and each SW to stderr; never APDU data (the
 * PIN and the resident's data pass here).
 */
#include "tests/image/vsc_frame.h"

#include "base/clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define VB_QEMU_WAIT_MS 30000
#define VB_ATR_MAX 33
#define VB_READER 0u /* the one reader */

static volatile sig_atomic_t vb_stop;
static bool vb_verbose;

static void vb_on_signal(int sig)
{
    (void)sig;
    vb_stop = 1;
}

__attribute__((format(printf, 1, 2))) static void vb_log(const char *fmt, ...)
{
    if (!vb_verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("vsc-bridge: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* A connection and the bytes read from it not yet framed. */
struct conn {
    int fd;
    size_t len;
    uint8_t in[2 * (VSC_HEADER_LEN + VSC_PAYLOAD_MAX)];
};

struct bridge {
    uint8_t atr[VB_ATR_MAX];
    size_t atr_len;
    const char *qemu_path;
    int listen_fd;
    struct conn card, qemu;
    bool card_ready;    /* the card answered its ATR */
    bool reader_added;  /* ReaderAdd went to QEMU */
    bool atr_sent;      /* QEMU holds a card now */
    bool apdu_pending;  /* a C-APDU is at the card, its answer awaited */
    int exit_code;      /* ≥ 0: leave the loop with it */
};

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

static void conn_close(struct conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->len = 0;
}

static void to_qemu(struct bridge *b, uint32_t type, const uint8_t *p, size_t n)
{
    uint8_t buf[VSC_HEADER_LEN + VSC_PAYLOAD_MAX];
    kofu_bld o;
    bld_init(&o, buf, sizeof buf);
    if (type == VSC_INIT)
        vsc_put_init(&o);
    else
        vsc_put(&o, type, VB_READER, p, n);
    if (!bld_ok(&o) || !send_all(b->qemu.fd, buf, o.len)) {
        fprintf(stderr, "vsc-bridge: QEMU's socket is gone\n");
        b->exit_code = 1;
    }
}

static void to_card(struct bridge *b, const uint8_t *p, size_t n)
{
    uint8_t buf[2 + VPCD_PAYLOAD_MAX];
    kofu_bld o;
    bld_init(&o, buf, sizeof buf);
    vpcd_put(&o, p, n);
    if (!bld_ok(&o) || !send_all(b->card.fd, buf, o.len)) {
        vb_log("card connection lost while sending");
        conn_close(&b->card);
    }
}

/* The card is in and QEMU is there: tell QEMU (once per insertion). */
static void announce_card(struct bridge *b)
{
    if (!b->card_ready || b->atr_sent || b->qemu.fd < 0)
        return;
    if (!b->reader_added) {
        to_qemu(b, VSC_READER_ADD, NULL, 0);
        b->reader_added = true;
    }
    to_qemu(b, VSC_ATR, b->atr, b->atr_len);
    b->atr_sent = true;
    vb_log("card in: ATR (T=0) sent to QEMU");
}

static void card_gone(struct bridge *b)
{
    conn_close(&b->card);
    b->card_ready = false;
    if (b->apdu_pending) {
        /* QEMU waits for an answer that will not come: a card-level error
         * (6F00, no precise diagnosis) ends it before the removal. */
        static const uint8_t sw[2] = {0x6F, 0x00};
        if (b->qemu.fd >= 0)
            to_qemu(b, VSC_APDU, sw, sizeof sw);
        b->apdu_pending = false;
    }
    if (b->atr_sent && b->qemu.fd >= 0)
        to_qemu(b, VSC_CARD_REMOVE, NULL, 0);
    b->atr_sent = false;
    vb_log("card out");
}

static void log_capdu(kofu_cur apdu)
{
    uint8_t h[4];
    size_t n = cur_len(&apdu);
    if (cur_copy(&apdu, h, sizeof h))
        vb_log("> CLA=%02X INS=%02X P1=%02X P2=%02X len=%zu", h[0], h[1], h[2], h[3], n);
    else
        vb_log("> short C-APDU len=%zu", n);
}

static void qemu_message(struct bridge *b, const struct vsc_msg *m)
{
    uint32_t v;
    switch (m->type) {
    case VSC_INIT:
        vb_log("QEMU Init %s", vsc_init_parse(m->payload, &v) ? "ok" : "with a bad magic (ignored)");
        break;
    case VSC_ERROR:
        if (vsc_error_parse(m->payload, &v) && v != 0)
            fprintf(stderr, "vsc-bridge: QEMU reported error %u\n", v);
        break;
    case VSC_APDU:
        if (vb_verbose)
            log_capdu(m->payload);
        if (!b->card_ready || b->card.fd < 0 || b->apdu_pending || cur_len(&m->payload) < 4) {
            /* No card to ask (or a second APDU before the first's answer,
             * which QEMU does not do): answer for it rather than hang the guest. */
            static const uint8_t sw[2] = {0x6F, 0x00};
            to_qemu(b, VSC_APDU, sw, sizeof sw);
            break;
        }
        b->apdu_pending = true;
        to_card(b, cur_data(&m->payload), cur_len(&m->payload));
        if (b->card.fd < 0)
            card_gone(b);
        break;
    case VSC_FLUSH:
        to_qemu(b, VSC_FLUSH_COMPLETE, NULL, 0);
        break;
    default:
        vb_log("QEMU message type %u ignored", m->type);
        break;
    }
}

static void card_message(struct bridge *b, kofu_cur payload)
{
    size_t n = cur_len(&payload);
    if (!b->card_ready) {
        /* The first answer is to GET ATR: the card's own ATR, which QEMU
         * never sees (see the top of this file). */
        if (n == 0 || n > VB_ATR_MAX) {
            vb_log("card sent no usable ATR (%zu bytes): dropped", n);
            conn_close(&b->card);
            return;
        }
        b->card_ready = true;
        vb_log("card answered its ATR (%zu bytes)", n);
        announce_card(b);
        return;
    }
    if (!b->apdu_pending || n < 2) {
        vb_log("unexpected %zu bytes from the card dropped", n);
        return;
    }
    const uint8_t *p = cur_data(&payload);
    vb_log("< SW=%02X%02X data=%zu", p[n - 2], p[n - 1], n - 2);
    b->apdu_pending = false;
    to_qemu(b, VSC_APDU, p, n);
}

/* Reads what is there; returns false when the peer closed. */
static bool conn_read(struct conn *c)
{
    if (c->len == sizeof c->in)
        return false; /* no frame fits: a broken stream */
    ssize_t n = recv(c->fd, c->in + c->len, sizeof c->in - c->len, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    c->len += (size_t)n;
    return true;
}

static void conn_consumed(struct conn *c, const kofu_cur *rest)
{
    size_t left = cur_len(rest);
    memmove(c->in, cur_data(rest), left);
    c->len = left;
}

static void qemu_readable(struct bridge *b)
{
    if (!conn_read(&b->qemu)) {
        fprintf(stderr, "vsc-bridge: QEMU closed the connection\n");
        b->exit_code = 1;
        return;
    }
    kofu_cur c;
    cur_init(&c, b->qemu.in, b->qemu.len);
    struct vsc_msg m;
    int r = 0;
    while (b->exit_code < 0 && (r = vsc_take(&c, &m)) == 1)
        qemu_message(b, &m);
    if (b->exit_code < 0 && r < 0) {
        fprintf(stderr, "vsc-bridge: QEMU sent a message too long to be ours\n");
        b->exit_code = 1;
        return;
    }
    conn_consumed(&b->qemu, &c);
}

static void card_readable(struct bridge *b)
{
    if (!conn_read(&b->card)) {
        card_gone(b);
        return;
    }
    kofu_cur c, payload;
    cur_init(&c, b->card.in, b->card.len);
    int r = 0;
    while (b->card.fd >= 0 && (r = vpcd_take(&c, &payload)) == 1)
        card_message(b, payload);
    if (b->card.fd < 0 || r < 0) {
        card_gone(b);
        return;
    }
    conn_consumed(&b->card, &c);
}

static void card_accept(struct bridge *b)
{
    int fd = accept4(b->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    b->card.fd = fd;
    b->card.len = 0;
    vb_log("card connected");
    /* What pcscd's vpcd does on a new card: power it, ask its ATR. */
    static const uint8_t on = VPCD_POWER_ON, atr = VPCD_GET_ATR;
    to_card(b, &on, 1);
    if (b->card.fd >= 0)
        to_card(b, &atr, 1);
}

static int vpcd_listen(const char *port)
{
    char *end;
    long p = strtol(port, &end, 10);
    if (end == port || *end || p < 1 || p > 65535)
        return -2;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 4) != 0) {
        fprintf(stderr, "vsc-bridge: cannot listen on 127.0.0.1:%ld: %s\n", p, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* One try at QEMU's socket; true when connected (and Init sent). */
static bool qemu_try(struct bridge *b)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, b->qemu_path, strlen(b->qemu_path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return false;
    }
    b->qemu.fd = fd;
    b->qemu.len = 0;
    vb_log("connected to QEMU");
    to_qemu(b, VSC_INIT, NULL, 0);
    announce_card(b);
    return true;
}

static bool parse_hex(const char *hex, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(hex);
    if (n == 0 || n % 2 || n / 2 > cap)
        return false;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
            !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
            return false;
        out[i] = (uint8_t)v;
    }
    *len = n / 2;
    return true;
}

static void usage(void)
{
    fprintf(stderr, "usage: vsc-bridge --vpcd-port PORT --qemu SOCKET [--atr HEX] [-v]\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"vpcd-port", required_argument, NULL, 'p'},
                                         {"qemu", required_argument, NULL, 'q'},
                                         {"atr", required_argument, NULL, 'a'},
                                         {NULL, 0, NULL, 0}};
    static struct bridge b;
    const char *port = NULL, *atr = "3B021450";
    int o;
    while ((o = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
        switch (o) {
        case 'p': port = optarg; break;
        case 'q': b.qemu_path = optarg; break;
        case 'a': atr = optarg; break;
        case 'v': vb_verbose = true; break;
        default: usage(); return 2;
        }
    }
    if (!port || !b.qemu_path || optind != argc || strlen(b.qemu_path) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
        usage();
        return 2;
    }
    if (!parse_hex(atr, b.atr, sizeof b.atr, &b.atr_len) || b.atr_len < 2) {
        fprintf(stderr, "vsc-bridge: --atr wants 2..%d bytes in hex\n", VB_ATR_MAX);
        return 2;
    }
    b.card.fd = b.qemu.fd = -1;
    b.exit_code = -1;

    struct sigaction sa = {.sa_handler = vb_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    b.listen_fd = vpcd_listen(port);
    if (b.listen_fd < 0)
        return b.listen_fd == -2 ? 2 : 1;
    printf("vsc-bridge: ready\n");
    fflush(stdout);

    int64_t qemu_deadline = kofu_mono_ms() + VB_QEMU_WAIT_MS;
    while (!vb_stop && b.exit_code < 0) {
        if (b.qemu.fd < 0 && !qemu_try(&b) && kofu_mono_ms() >= qemu_deadline) {
            fprintf(stderr, "vsc-bridge: QEMU's socket %s did not answer within %d s\n", b.qemu_path,
                    VB_QEMU_WAIT_MS / 1000);
            b.exit_code = 1;
            break;
        }
        struct pollfd p[3] = {{b.card.fd < 0 ? b.listen_fd : -1, POLLIN, 0}, {b.card.fd, POLLIN, 0},
                              {b.qemu.fd, POLLIN, 0}};
        if (poll(p, 3, b.qemu.fd < 0 ? 20 : -1) < 0) {
            if (errno == EINTR)
                continue;
            b.exit_code = 1;
            break;
        }
        if (p[2].revents)
            qemu_readable(&b);
        if (b.exit_code < 0 && p[1].revents && b.card.fd >= 0)
            card_readable(&b);
        if (b.exit_code < 0 && p[0].revents)
            card_accept(&b);
    }
    conn_close(&b.card);
    conn_close(&b.qemu);
    close(b.listen_fd);
    return vb_stop ? 0 : b.exit_code;
}
