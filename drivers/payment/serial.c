/* serial.c — see serial.h. */
#include "drivers/payment/serial.h"
#include "base/clock.h"

#include "base/errors.h"
#include "drivers/payment/serial_line.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

struct serial_payment_ctx {
    int fd;
    struct serial_payment_timing timing;
    struct serial_line_reader reader;
    uint8_t rx[128];      /* bytes read but not yet pushed into the reader */
    size_t rx_pos, rx_len;
    bool accepting;       /* between ASK's OK and CANCEL/CHANGE/REFUND */
    int total;            /* yen inserted since ASK, as the device last said */
    bool broken;          /* a time-out or the device went away: no more commands */
    unsigned garbled;
    struct payment_status *levels; /* while LEVELS waits for its reply: where its lines go */
};


/* Takes one device message that is not a reply. */
static void take_event(struct serial_payment_ctx *c, const struct payment_msg *m)
{
    /* Totals only grow while accepting; anything else is a confused or
     * stale device message, and money is never reduced by one. */
    if (m->kind == PAYMENT_MSG_INSERTED && c->accepting && m->amount >= c->total)
        c->total = m->amount;
    /* LEVEL lines count only as the answer to LEVELS; one line per
     * denomination (a repeated one replaces the earlier), within the cap. */
    if (m->kind == PAYMENT_MSG_LEVEL && c->levels) {
        struct payment_status *st = c->levels;
        size_t i = 0;
        while (i < st->n_levels && st->levels[i].yen != m->yen)
            i++;
        if (i == st->n_levels && st->n_levels < PAYMENT_LEVELS_MAX)
            st->n_levels++;
        if (i < st->n_levels)
            st->levels[i] = (struct payment_level){m->yen, m->count};
    }
}

/* Refills rx without blocking. 1: bytes, 0: none now, KOFU_E_PAYMENT_DEVICE: gone. */
static int fill(struct serial_payment_ctx *c)
{
    ssize_t n;
    do
        n = read(c->fd, c->rx, sizeof c->rx);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
        c->rx_pos = 0;
        c->rx_len = (size_t)n;
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    c->broken = true; /* EOF (peer closed) or EIO (USB serial unplugged, pty hung up) */
    return KOFU_E_PAYMENT_DEVICE;
}

/* The next complete, valid message from what was read, without reading.
 * Garbled and over-long lines are counted and skipped. */
static bool next_message(struct serial_payment_ctx *c, struct payment_msg *m)
{
    while (c->rx_pos < c->rx_len) {
        kofu_cur line;
        enum serial_line_status st = serial_line_push(&c->reader, c->rx[c->rx_pos++], &line);
        if (st == PAYMENT_LINE_DROPPED) {
            c->garbled++;
        } else if (st == PAYMENT_LINE_READY) {
            if (serial_line_parse(line, m) != PAYMENT_MSG_INVALID)
                return true;
            c->garbled++;
        }
    }
    return false;
}

/* Takes every event already waiting, without blocking. Replies found here
 * belong to no command (one was never asked for): they are dropped. */
static int drain(struct serial_payment_ctx *c)
{
    for (int rounds = 0; rounds < 64; rounds++) {
        struct payment_msg m;
        while (next_message(c, &m))
            take_event(c, &m);
        int rc = fill(c);
        if (rc <= 0)
            return rc;
    }
    return KOFU_OK;
}

/* Waits for OK or ERR, taking events meanwhile. KOFU_OK with *reply set,
 * or KOFU_E_TIMEOUT / KOFU_E_PAYMENT_DEVICE (and the device is broken). */
static int wait_reply(struct serial_payment_ctx *c, int timeout_ms, struct payment_msg *reply)
{
    long deadline = kofu_mono_ms() + timeout_ms;
    for (;;) {
        while (next_message(c, reply)) {
            if (reply->kind == PAYMENT_MSG_OK || reply->kind == PAYMENT_MSG_ERR)
                return KOFU_OK;
            take_event(c, reply);
        }
        int rc = fill(c);
        if (rc < 0)
            return rc;
        if (rc > 0)
            continue;
        long left = deadline - kofu_mono_ms();
        if (left <= 0) {
            c->broken = true;
            return KOFU_E_TIMEOUT;
        }
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
            c->broken = true;
            return KOFU_E_PAYMENT_DEVICE;
        }
    }
}

static ssize_t write_some(int fd, const char *p, size_t n)
{
    /* A socket (tests) would raise SIGPIPE when the peer is gone. */
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == ENOTSOCK)
        w = write(fd, p, n);
    return w;
}

static int send_line(struct serial_payment_ctx *c, const char *line)
{
    size_t len = strlen(line), done = 0;
    long deadline = kofu_mono_ms() + c->timing.reply_ms;
    while (done < len) {
        ssize_t w = write_some(c->fd, line + done, len - done);
        if (w > 0) {
            done += (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        long left = deadline - kofu_mono_ms();
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && left > 0) {
            struct pollfd p = {.fd = c->fd, .events = POLLOUT};
            if (poll(&p, 1, (int)left) >= 0)
                continue;
        }
        c->broken = true;
        return KOFU_E_PAYMENT_DEVICE;
    }
    return KOFU_OK;
}

/* One command (amount < 0: none) and its reply: KOFU_OK for OK,
 * KOFU_E_PAYMENT_DEVICE for ERR, no reply in time, or a device gone; the
 * callers that move money turn that into their own code. The ERR's code
 * goes to err_code when given (else it is not kept). */
static int command_err(struct serial_payment_ctx *c, const char *verb, int amount, int timeout_ms,
                       char err_code[PAYMENT_ERR_CODE_MAX + 1])
{
    if (c->broken)
        return KOFU_E_PAYMENT_DEVICE;
    int rc = drain(c);
    if (rc < 0)
        return rc;
    char line[PAYMENT_LINE_MAX + 2];
    if (amount >= 0)
        snprintf(line, sizeof line, "%s %d\n", verb, amount);
    else
        snprintf(line, sizeof line, "%s\n", verb);
    rc = send_line(c, line);
    if (rc < 0)
        return rc;
    struct payment_msg reply;
    rc = wait_reply(c, timeout_ms, &reply);
    if (rc < 0)
        return KOFU_E_PAYMENT_DEVICE;
    if (reply.kind == PAYMENT_MSG_ERR && err_code)
        memcpy(err_code, reply.code, sizeof reply.code);
    return reply.kind == PAYMENT_MSG_OK ? KOFU_OK : KOFU_E_PAYMENT_DEVICE;
}

static int command(struct serial_payment_ctx *c, const char *verb, int amount, int timeout_ms)
{
    return command_err(c, verb, amount, timeout_ms, NULL);
}

/* After CHANGE or REFUND was done: money the device reported between the
 * kiosk's decision (known) and its OK goes straight back. */
static int refund_late_money(struct serial_payment_ctx *c, int known)
{
    int late = c->total - known;
    c->accepting = false;
    if (late <= 0)
        return KOFU_OK;
    return command(c, "REFUND", late, c->timing.payout_ms);
}

int serial_payment_open_fd(void **out, int fd, const struct serial_payment_timing *timing)
{
    if (!out || fd < 0)
        return KOFU_E_ARG;
    if (isatty(fd)) {
        struct termios t;
        if (tcgetattr(fd, &t) != 0)
            return KOFU_E_PAYMENT_DEVICE;
        cfmakeraw(&t);
        t.c_cflag &= ~(tcflag_t)(PARENB | CSTOPB | CSIZE | CRTSCTS);
        t.c_cflag |= CS8 | CLOCAL | CREAD;
        t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
        /* VMIN 1 with O_NONBLOCK: no data is EAGAIN, and read() returns 0
         * only on hang-up. (VMIN 0 would return 0 for "nothing yet",
         * indistinguishable from the device gone.) */
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        if (cfsetispeed(&t, B9600) != 0 || cfsetospeed(&t, B9600) != 0 || tcsetattr(fd, TCSANOW, &t) != 0)
            return KOFU_E_PAYMENT_DEVICE;
        (void)ioctl(fd, TIOCEXCL); /* no second opener (a getty, a technician's cat) */
        (void)tcflush(fd, TCIOFLUSH);
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return KOFU_E_PAYMENT_DEVICE;
    struct serial_payment_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    c->fd = fd;
    c->timing.reply_ms = timing && timing->reply_ms > 0 ? timing->reply_ms : PAYMENT_SERIAL_REPLY_MS;
    c->timing.payout_ms = timing && timing->payout_ms > 0 ? timing->payout_ms : PAYMENT_SERIAL_PAYOUT_MS;
    serial_line_reader_init(&c->reader);
    int rc = command(c, "STATUS", -1, c->timing.reply_ms);
    if (rc != KOFU_OK) {
        free(c);
        return KOFU_E_PAYMENT_DEVICE;
    }
    *out = c;
    return KOFU_OK;
}

static int serial_open(void **out, const char *spec)
{
    if (!out || !spec || !*spec)
        return KOFU_E_CONFIG;
    int fd = open(spec, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return KOFU_E_PAYMENT_DEVICE;
    int rc = serial_payment_open_fd(out, fd, NULL);
    if (rc != KOFU_OK)
        close(fd);
    return rc;
}

static int serial_ask(void *ctx, int amount_yen)
{
    struct serial_payment_ctx *c = ctx;
    if (!c || amount_yen <= 0 || amount_yen > PAYMENT_AMOUNT_MAX)
        return KOFU_E_ARG;
    c->total = 0;
    c->accepting = false;
    int rc = command(c, "ASK", amount_yen, c->timing.reply_ms);
    if (rc == KOFU_OK)
        c->accepting = true;
    return rc;
}

static int serial_inserted(void *ctx, int *total_yen)
{
    struct serial_payment_ctx *c = ctx;
    if (!c || !total_yen)
        return KOFU_E_ARG;
    if (c->broken)
        return KOFU_E_PAYMENT_DEVICE;
    int rc = drain(c);
    if (rc < 0)
        return rc;
    *total_yen = c->total;
    return KOFU_OK;
}

static int serial_refund(void *ctx, int amount_yen);

static int serial_cancel(void *ctx)
{
    struct serial_payment_ctx *c = ctx;
    if (!c)
        return KOFU_E_ARG;
    if (!c->accepting)
        return KOFU_OK;
    int rc = command(c, "CANCEL", -1, c->timing.reply_ms);
    if (rc != KOFU_OK) {
        /* The gate may still be open: money may come that must go back. */
        return c->total > 0 ? KOFU_E_PAYMENT_REFUND : rc;
    }
    c->accepting = false;
    /* Money that came before the gate closed is not kept (payment.h). */
    return c->total > 0 ? serial_refund(c, c->total) : KOFU_OK;
}

static int serial_dispense_change(void *ctx, int change_yen)
{
    struct serial_payment_ctx *c = ctx;
    if (!c || change_yen < 0 || change_yen > PAYMENT_AMOUNT_MAX)
        return KOFU_E_ARG;
    if (c->broken || drain(c) < 0)
        return KOFU_E_PAYMENT_CHANGE;
    int known = c->total;
    if (command(c, "CHANGE", change_yen, c->timing.payout_ms) != KOFU_OK)
        return KOFU_E_PAYMENT_CHANGE;
    return refund_late_money(c, known) == KOFU_OK ? KOFU_OK : KOFU_E_PAYMENT_CHANGE;
}

static int serial_refund(void *ctx, int amount_yen)
{
    struct serial_payment_ctx *c = ctx;
    if (!c || amount_yen < 0 || amount_yen > PAYMENT_AMOUNT_MAX)
        return KOFU_E_ARG;
    if (c->broken)
        return KOFU_E_PAYMENT_REFUND;
    (void)drain(c);
    /* Never give back less than the device said it took. */
    int amount = amount_yen > c->total ? amount_yen : c->total;
    if (command(c, "REFUND", amount, c->timing.payout_ms) != KOFU_OK)
        return KOFU_E_PAYMENT_REFUND;
    return refund_late_money(c, amount) == KOFU_OK ? KOFU_OK : KOFU_E_PAYMENT_REFUND;
}

static int serial_fd(void *ctx)
{
    struct serial_payment_ctx *c = ctx;
    return c ? c->fd : -1;
}

static void serial_close(void *ctx)
{
    struct serial_payment_ctx *c = ctx;
    if (!c)
        return;
    /* Closing while accepting: close the gate. The reply is not awaited;
     * whatever was inserted is the session's to refund before it closes. */
    if (c->accepting && !c->broken)
        (void)send_line(c, "CANCEL\n");
    close(c->fd);
    free(c);
}

/* STATUS (timed), then the optional LEVELS: a device that does not know it
 * answers ERR (docs/payment.md), and is still well. Silence on either is
 * silence: the device is gone, as after any command. */
static int serial_status(void *ctx, struct payment_status *st)
{
    struct serial_payment_ctx *c = ctx;
    if (!c || !st)
        return KOFU_E_ARG;
    memset(st, 0, sizeof *st);
    if (c->accepting)
        return KOFU_E_ARG;
    double t0 = kofu_mono_ms_f();
    int rc = command(c, "STATUS", -1, c->timing.reply_ms);
    if (rc != KOFU_OK)
        return KOFU_E_PAYMENT_DEVICE;
    st->answered = true;
    st->rtt_ms = kofu_mono_ms_f() - t0;
    struct payment_status got = {0};
    char code[PAYMENT_ERR_CODE_MAX + 1] = "";
    c->levels = &got;
    rc = command_err(c, "LEVELS", -1, c->timing.reply_ms, code);
    c->levels = NULL;
    if (rc == KOFU_OK) {
        st->levels_known = true;
        st->n_levels = got.n_levels;
        memcpy(st->levels, got.levels, sizeof got.levels);
        return KOFU_OK;
    }
    /* An ERR answered; only silence or a lost device fails the status. */
    return code[0] ? KOFU_OK : KOFU_E_PAYMENT_DEVICE;
}

unsigned serial_payment_garbled(void *ctx)
{
    struct serial_payment_ctx *c = ctx;
    return c ? c->garbled : 0;
}

const struct payment_ops serial_payment_ops = {
    .open = serial_open,
    .ask = serial_ask,
    .inserted = serial_inserted,
    .cancel = serial_cancel,
    .dispense_change = serial_dispense_change,
    .refund = serial_refund,
    .fd = serial_fd,
    .close = serial_close,
    .status = serial_status,
};
