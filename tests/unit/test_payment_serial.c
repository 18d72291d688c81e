/*
 * test_payment_serial.c — the serial coin and note acceptor driver against
 * a fake device on the other end of a socketpair (and of a pty, which also
 * shows the termios set-up), a thread answering per docs/payment.md with
 * switchable faults: the happy path, partial insertion, over-payment and
 * change, refunds that work and that fail, change that fails, money that
 * arrives late, garbled and over-long lines, silence (time-outs), and a
 * device that goes away; status() with and without the optional LEVELS,
 * and silent on it. Also the line layer (drivers/payment/serial_line.h) directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/errors.h"
#include "base/clock.h"
#include "drivers/payment/serial_line.h"
#include "drivers/payment/serial.h"

#define REPLY_MS 200
#define PAYOUT_MS 300

/* ---- the fake device ---- */

struct fake {
    int fd; /* the device's end */
    pthread_t thread;
    pthread_mutex_t lock;
    char log[32][80];
    int nlog;
    /* faults */
    bool silent;          /* answers nothing at all */
    bool silent_after_status;
    bool ask_fails, refund_fails, change_fails, cancel_fails;
    bool garbage;         /* garbled and over-long lines before every reply */
    bool crlf;            /* replies end in CR LF */
    int late_total;       /* > 0: on CHANGE or REFUND, first report this total */
    bool hang_up_on_ask;
    const char *levels;   /* the answer to LEVELS before its OK; NULL: "ERR unknown" */
    bool silent_on_levels;
};

static void say(int fd, const char *s)
{
    size_t n = strlen(s);
    ssize_t w = send(fd, s, n, MSG_NOSIGNAL); /* the driver may have closed its end */
    if (w < 0 && errno == ENOTSOCK)           /* a pty */
        w = write(fd, s, n);
    (void)w;
}

static void reply(struct fake *f, bool ok, const char *code)
{
    if (f->garbage) {
        char longline[300];
        memset(longline, 'A', sizeof longline - 2);
        longline[sizeof longline - 2] = '\n';
        longline[sizeof longline - 1] = '\0';
        say(f->fd, "INSERTED -5\nINSERTED 0100\nINSERTED 99999999\nOK extra\nok\nERR\nERR BAD CODE\n"
                   "\x01\x02\xff\xfe\n\nINSERTED\n  OK\nINSERTED 12 34\n");
        say(f->fd, longline);
        say(f->fd, "OK"); /* and this "OK" is the start of an over-long line: */
        memset(longline, 'B', sizeof longline - 2);
        say(f->fd, longline);
    }
    char line[64];
    snprintf(line, sizeof line, ok ? "OK%s" : "ERR %s", ok ? (f->crlf ? "\r\n" : "\n") : code);
    if (!ok)
        strcat(line, f->crlf ? "\r\n" : "\n");
    say(f->fd, line);
}

static void *fake_thread(void *arg)
{
    struct fake *f = arg;
    char buf[256];
    size_t len = 0;
    for (;;) {
        ssize_t n = read(f->fd, buf + len, 1);
        if (n <= 0)
            break;
        if (buf[len] != '\n') {
            if (++len >= sizeof buf - 1)
                len = 0;
            continue;
        }
        buf[len] = '\0';
        len = 0;
        pthread_mutex_lock(&f->lock);
        if (f->nlog < 32) {
            size_t cut = strnlen(buf, sizeof f->log[0] - 1);
            memcpy(f->log[f->nlog], buf, cut);
            f->log[f->nlog++][cut] = '\0';
        }
        pthread_mutex_unlock(&f->lock);
        if (f->silent)
            continue;
        if (strcmp(buf, "STATUS") == 0) {
            reply(f, true, NULL);
            if (f->silent_after_status)
                f->silent = true;
        } else if (strncmp(buf, "ASK ", 4) == 0) {
            if (f->hang_up_on_ask) {
                close(f->fd);
                return NULL;
            }
            reply(f, !f->ask_fails, "busy");
        } else if (strcmp(buf, "CANCEL") == 0) {
            reply(f, !f->cancel_fails, "jam");
        } else if (strncmp(buf, "CHANGE ", 7) == 0 || strncmp(buf, "REFUND ", 7) == 0) {
            bool is_refund = buf[0] == 'R';
            if (f->late_total > 0) {
                char ins[40];
                snprintf(ins, sizeof ins, "INSERTED %d\n", f->late_total);
                f->late_total = 0;
                say(f->fd, ins);
            }
            bool fails = is_refund ? f->refund_fails : f->change_fails;
            reply(f, !fails, is_refund ? "hopper-empty" : "no-coins");
        } else if (strcmp(buf, "LEVELS") == 0 && f->silent_on_levels) {
            f->silent = true;
        } else if (strcmp(buf, "LEVELS") == 0 && f->levels) {
            say(f->fd, f->levels);
            reply(f, true, NULL);
        } else {
            say(f->fd, "ERR unknown\n");
        }
    }
    return NULL;
}

static struct fake *fake_start(int fd)
{
    struct fake *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->fd = fd;
    pthread_mutex_init(&f->lock, NULL);
    return f;
}

static void fake_run(struct fake *f)
{
    assert_int_equal(pthread_create(&f->thread, NULL, fake_thread, f), 0);
}

/* Joins the thread (it ends when the driver closes its end) and frees. */
static void fake_stop(struct fake *f)
{
    pthread_join(f->thread, NULL);
    if (!f->hang_up_on_ask)
        close(f->fd);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

static void assert_log(struct fake *f, int i, const char *want)
{
    pthread_mutex_lock(&f->lock);
    if (i >= f->nlog)
        fail_msg("device got %d lines; wanted line %d = %s", f->nlog, i, want);
    assert_string_equal(f->log[i], want);
    pthread_mutex_unlock(&f->lock);
}

static int log_count(struct fake *f)
{
    pthread_mutex_lock(&f->lock);
    int n = f->nlog;
    pthread_mutex_unlock(&f->lock);
    return n;
}

static const struct serial_payment_timing TIMING = {REPLY_MS, PAYOUT_MS};

struct rig {
    struct fake *dev;
    void *ctx;
};

/* A socketpair with a fake device configured by `setup` before it runs. */
static struct rig rig_open(void (*setup)(struct fake *))
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    struct rig r = {fake_start(sv[1]), NULL};
    if (setup)
        setup(r.dev);
    fake_run(r.dev);
    assert_int_equal(serial_payment_open_fd(&r.ctx, sv[0], &TIMING), KOFU_OK);
    assert_log(r.dev, 0, "STATUS");
    return r;
}

static void rig_close(struct rig *r)
{
    serial_payment_ops.close(r->ctx);
    fake_stop(r->dev);
}

static int total(struct rig *r)
{
    int t = -1;
    assert_int_equal(serial_payment_ops.inserted(r->ctx, &t), KOFU_OK);
    return t;
}


/* ---- the driver ---- */

static void test_exact_payment(void **state)
{
    (void)state;
    struct rig r = rig_open(NULL);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    assert_log(r.dev, 1, "ASK 120");
    assert_int_equal(total(&r), 0);
    say(r.dev->fd, "INSERTED 100\n");
    assert_int_equal(total(&r), 100);
    say(r.dev->fd, "INSERTED 110\nINSERTED 120\n");
    assert_int_equal(total(&r), 120);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 0), KOFU_OK);
    assert_log(r.dev, 2, "CHANGE 0");
    assert_int_equal(serial_payment_garbled(r.ctx), 0);
    rig_close(&r);
}

static void test_over_payment_and_change(void **state)
{
    (void)state;
    struct rig r = rig_open(NULL);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 240), KOFU_OK);
    say(r.dev->fd, "INSERTED 1000\n");
    assert_int_equal(total(&r), 1000);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 760), KOFU_OK);
    assert_log(r.dev, 2, "CHANGE 760");
    /* A second session on the same device starts from zero. */
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    assert_int_equal(total(&r), 0);
    rig_close(&r);
}

static void test_partial_insertion_refunded(void **state)
{
    (void)state;
    struct rig r = rig_open(NULL);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 240), KOFU_OK);
    say(r.dev->fd, "INSERTED 100\n");
    assert_int_equal(total(&r), 100);
    assert_int_equal(serial_payment_ops.refund(r.ctx, 100), KOFU_OK);
    assert_log(r.dev, 2, "REFUND 100");
    /* The session thinking less was inserted than the device says: the
     * device's figure is refunded. */
    assert_int_equal(serial_payment_ops.ask(r.ctx, 240), KOFU_OK);
    say(r.dev->fd, "INSERTED 150\n");
    assert_int_equal(serial_payment_ops.refund(r.ctx, 100), KOFU_OK);
    assert_log(r.dev, 4, "REFUND 150");
    /* A total that goes down is not believed. */
    assert_int_equal(serial_payment_ops.ask(r.ctx, 240), KOFU_OK);
    say(r.dev->fd, "INSERTED 200\nINSERTED 50\n");
    assert_int_equal(total(&r), 200);
    assert_int_equal(serial_payment_ops.refund(r.ctx, 200), KOFU_OK);
    rig_close(&r);
}

static void set_refund_fails(struct fake *f) { f->refund_fails = true; }
static void set_change_fails(struct fake *f) { f->change_fails = true; }

static void test_refund_failure(void **state)
{
    (void)state;
    struct rig r = rig_open(set_refund_fails);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    say(r.dev->fd, "INSERTED 50\n");
    assert_int_equal(serial_payment_ops.refund(r.ctx, 50), KOFU_E_PAYMENT_REFUND);
    /* Cancelling with money inside refunds it: that fails the same way. */
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    say(r.dev->fd, "INSERTED 10\n");
    assert_int_equal(total(&r), 10);
    assert_int_equal(serial_payment_ops.cancel(r.ctx), KOFU_E_PAYMENT_REFUND);
    rig_close(&r);
}

static void test_change_failure(void **state)
{
    (void)state;
    struct rig r = rig_open(set_change_fails);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    say(r.dev->fd, "INSERTED 1000\n");
    assert_int_equal(total(&r), 1000);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 880), KOFU_E_PAYMENT_CHANGE);
    /* The device answered (ERR): it is not broken; a refund can follow. */
    assert_int_equal(serial_payment_ops.refund(r.ctx, 1000), KOFU_OK);
    rig_close(&r);
}

static void set_late(struct fake *f) { f->late_total = 600; }
static void set_late_refund_fails(struct fake *f)
{
    f->late_total = 600;
    f->refund_fails = true; /* the change works, the late money's refund does not */
}

static void test_late_money_goes_back(void **state)
{
    (void)state;
    /* 500 seen, change 380 decided; a 100 coin lands before the device's
     * OK: it goes back at once. */
    struct rig r = rig_open(set_late);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    say(r.dev->fd, "INSERTED 500\n");
    assert_int_equal(total(&r), 500);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 380), KOFU_OK);
    assert_log(r.dev, 2, "CHANGE 380");
    assert_log(r.dev, 3, "REFUND 100");
    rig_close(&r);

    r = rig_open(set_late_refund_fails);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    say(r.dev->fd, "INSERTED 500\n");
    assert_int_equal(total(&r), 500);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 380), KOFU_E_PAYMENT_CHANGE);
    rig_close(&r);
}

static void test_cancel(void **state)
{
    (void)state;
    struct rig r = rig_open(NULL);
    assert_int_equal(serial_payment_ops.cancel(r.ctx), KOFU_OK); /* not accepting: nothing sent */
    assert_int_equal(log_count(r.dev), 1);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    assert_int_equal(serial_payment_ops.cancel(r.ctx), KOFU_OK);
    assert_log(r.dev, 2, "CANCEL");
    assert_int_equal(log_count(r.dev), 3);
    /* Money that came before the gate closed goes back. */
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    say(r.dev->fd, "INSERTED 10\n");
    assert_int_equal(serial_payment_ops.cancel(r.ctx), KOFU_OK);
    assert_log(r.dev, 4, "CANCEL");
    assert_log(r.dev, 5, "REFUND 10");
    /* Events after the gate closed are not counted. */
    say(r.dev->fd, "INSERTED 20\n");
    assert_int_equal(total(&r), 10);
    rig_close(&r);
}

static void set_garbage(struct fake *f)
{
    f->garbage = true;
    f->crlf = true;
}

static void test_garbage_and_long_lines(void **state)
{
    (void)state;
    struct rig r = rig_open(set_garbage);
    unsigned after_open = serial_payment_garbled(r.ctx);
    assert_true(after_open >= 10);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    assert_int_equal(total(&r), 0); /* no garbage line counted as money */
    say(r.dev->fd, "INSERTED 100\r\n");
    say(r.dev->fd, "INSERTED 1");
    assert_int_equal(total(&r), 100); /* half a line is not a line yet */
    say(r.dev->fd, "20\r\n");
    assert_int_equal(total(&r), 120);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 0), KOFU_OK);
    assert_true(serial_payment_garbled(r.ctx) > after_open);
    rig_close(&r);
}

static void set_silent(struct fake *f) { f->silent = true; }
static void set_silent_after_status(struct fake *f) { f->silent_after_status = true; }

static void test_silence_times_out(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    struct fake *f = fake_start(sv[1]);
    set_silent(f);
    fake_run(f);
    void *ctx = NULL;
    long t0 = kofu_mono_ms();
    assert_int_equal(serial_payment_open_fd(&ctx, sv[0], &TIMING), KOFU_E_PAYMENT_DEVICE);
    long took = kofu_mono_ms() - t0;
    assert_true(took >= REPLY_MS - 5 && took < REPLY_MS + 500);
    assert_null(ctx);
    close(sv[0]); /* still ours after the failure */
    fake_stop(f);

    struct rig r = rig_open(set_silent_after_status);
    t0 = kofu_mono_ms();
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_E_PAYMENT_DEVICE);
    took = kofu_mono_ms() - t0;
    assert_true(took >= REPLY_MS - 5 && took < REPLY_MS + 500);
    /* After a time-out nothing more is sent: a late OK could be taken for
     * the next command's. Each call fails with its own code, at once. */
    int n = log_count(r.dev);
    int t;
    t0 = kofu_mono_ms();
    assert_int_equal(serial_payment_ops.inserted(r.ctx, &t), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(serial_payment_ops.refund(r.ctx, 0), KOFU_E_PAYMENT_REFUND);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 0), KOFU_E_PAYMENT_CHANGE);
    assert_true(kofu_mono_ms() - t0 < 50);
    assert_int_equal(log_count(r.dev), n);
    rig_close(&r);
}

static void set_silent_after_ask(struct fake *f) { (void)f; }

static void test_silence_on_payout(void **state)
{
    (void)state;
    struct rig r = rig_open(set_silent_after_ask);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    say(r.dev->fd, "INSERTED 100\n");
    assert_int_equal(total(&r), 100);
    r.dev->silent = true;
    long t0 = kofu_mono_ms();
    assert_int_equal(serial_payment_ops.refund(r.ctx, 100), KOFU_E_PAYMENT_REFUND);
    long took = kofu_mono_ms() - t0;
    assert_true(took >= PAYOUT_MS - 5 && took < PAYOUT_MS + 500);
    rig_close(&r);

    r = rig_open(NULL);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    r.dev->silent = true;
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 0), KOFU_E_PAYMENT_CHANGE);
    rig_close(&r);
}

static void set_ask_fails(struct fake *f) { f->ask_fails = true; }

static void test_err_replies(void **state)
{
    (void)state;
    struct rig r = rig_open(set_ask_fails);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_E_PAYMENT_DEVICE);
    /* ERR is an answer: the device is not lost, and nothing is accepted. */
    int t;
    assert_int_equal(serial_payment_ops.inserted(r.ctx, &t), KOFU_OK);
    say(r.dev->fd, "INSERTED 100\n");
    assert_int_equal(serial_payment_ops.inserted(r.ctx, &t), KOFU_OK);
    assert_int_equal(t, 0);
    r.dev->ask_fails = false;
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    r.dev->cancel_fails = true;
    assert_int_equal(serial_payment_ops.cancel(r.ctx), KOFU_E_PAYMENT_DEVICE);
    rig_close(&r);
}

static void set_hang_up(struct fake *f) { f->hang_up_on_ask = true; }

static void test_device_gone(void **state)
{
    (void)state;
    struct rig r = rig_open(set_hang_up);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_E_PAYMENT_DEVICE);
    int t;
    assert_int_equal(serial_payment_ops.inserted(r.ctx, &t), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(serial_payment_ops.refund(r.ctx, 0), KOFU_E_PAYMENT_REFUND);
    rig_close(&r);

    /* Gone while accepting money. */
    r = rig_open(NULL);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    say(r.dev->fd, "INSERTED 100\n");
    shutdown(r.dev->fd, SHUT_RDWR);
    assert_int_equal(serial_payment_ops.inserted(r.ctx, &t), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(serial_payment_ops.refund(r.ctx, 100), KOFU_E_PAYMENT_REFUND);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 0), KOFU_E_PAYMENT_CHANGE);
    rig_close(&r);
}

static void test_close_while_accepting_cancels(void **state)
{
    (void)state;
    struct rig r = rig_open(NULL);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    struct fake *dev = r.dev;
    serial_payment_ops.close(r.ctx);
    pthread_join(dev->thread, NULL);
    assert_log(dev, 2, "CANCEL");
    close(dev->fd);
    pthread_mutex_destroy(&dev->lock);
    free(dev);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    struct rig r = rig_open(NULL);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 0), KOFU_E_ARG);
    assert_int_equal(serial_payment_ops.ask(r.ctx, -120), KOFU_E_ARG);
    assert_int_equal(serial_payment_ops.ask(r.ctx, PAYMENT_AMOUNT_MAX + 1), KOFU_E_ARG);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, -1), KOFU_E_ARG);
    assert_int_equal(serial_payment_ops.refund(r.ctx, -1), KOFU_E_ARG);
    assert_int_equal(serial_payment_ops.inserted(r.ctx, NULL), KOFU_E_ARG);
    assert_true(serial_payment_ops.fd(r.ctx) >= 0);
    assert_int_equal(log_count(r.dev), 1); /* nothing reached the device */
    rig_close(&r);
    void *ctx = NULL;
    assert_int_equal(serial_payment_ops.open(&ctx, NULL), KOFU_E_CONFIG);
    assert_int_equal(serial_payment_ops.open(&ctx, ""), KOFU_E_CONFIG);
    assert_int_equal(serial_payment_ops.open(&ctx, "/nonexistent/ttyUSB9"), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(serial_payment_open_fd(&ctx, -1, NULL), KOFU_E_ARG);
    assert_null(ctx);
    assert_int_equal(serial_payment_ops.fd(NULL), -1);
    serial_payment_ops.close(NULL);
}

static void test_pty_termios(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    char name[64];
    assert_int_equal(ptsname_r(master, name, sizeof name), 0);
    /* The master side must not echo what the driver writes before its
     * termios applies: make the slave raw first, as a real UART is. */
    int pre = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(pre >= 0);
    struct termios t;
    assert_int_equal(tcgetattr(pre, &t), 0);
    cfmakeraw(&t);
    assert_int_equal(tcsetattr(pre, TCSANOW, &t), 0);

    struct fake *f = fake_start(master);
    fake_run(f);
    void *ctx = NULL;
    assert_int_equal(serial_payment_ops.open(&ctx, name), KOFU_OK);
    close(pre);
    int fd = serial_payment_ops.fd(ctx);
    assert_int_equal(tcgetattr(fd, &t), 0);
    assert_int_equal(cfgetispeed(&t), B9600);
    assert_int_equal(cfgetospeed(&t), B9600);
    assert_int_equal(t.c_cflag & CSIZE, CS8);
    assert_int_equal(t.c_cflag & (PARENB | CSTOPB | CRTSCTS), 0);
    assert_true(t.c_cflag & CLOCAL);
    assert_true(t.c_cflag & CREAD);
    assert_int_equal(t.c_lflag & (ICANON | ECHO | ISIG), 0);
    assert_int_equal(t.c_iflag & (IXON | IXOFF | ICRNL), 0);
    assert_int_equal(t.c_oflag & OPOST, 0);
    assert_int_equal(t.c_cc[VMIN], 1);
    assert_int_equal(t.c_cc[VTIME], 0);
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    /* Exclusive: a second opener is refused (root is let through TIOCEXCL
     * by the kernel, so only an unprivileged run can see it). */
    int second = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (geteuid() != 0)
        assert_true(second < 0);
    if (second >= 0)
        close(second);

    assert_int_equal(serial_payment_ops.ask(ctx, 120), KOFU_OK);
    say(master, "INSERTED 500\n");
    int tot = 0;
    for (int i = 0; i < 100 && tot == 0; i++) { /* a pty delivers with a little delay */
        assert_int_equal(serial_payment_ops.inserted(ctx, &tot), KOFU_OK);
        if (tot == 0)
            usleep(2000);
    }
    assert_int_equal(tot, 500);
    assert_int_equal(serial_payment_ops.dispense_change(ctx, 380), KOFU_OK);
    assert_log(f, 2, "CHANGE 380");
    serial_payment_ops.close(ctx);
    fake_stop(f);
}

/* ---- status() and LEVELS ---- */

static void set_levels(struct fake *f)
{
    /* Garbage, a repeated denomination and a line for no coin of the yen
     * among the levels: the repeat replaces, the rest is dropped. */
    f->levels = "LEVEL 10 80\nLEVEL 50 0\nLEVEL 3 7\nLEVEL 100 12 \nLEVEL 100 90\nLEVEL 500 25\n"
                "LEVEL 500 30\nLEVEL 1000 15\n";
}

static void test_status_with_levels(void **state)
{
    (void)state;
    struct rig r = rig_open(set_levels);
    struct payment_status st;
    assert_int_equal(serial_payment_ops.status(r.ctx, &st), KOFU_OK);
    assert_log(r.dev, 1, "STATUS");
    assert_log(r.dev, 2, "LEVELS");
    assert_true(st.answered);
    assert_true(st.rtt_ms >= 0 && st.rtt_ms < REPLY_MS);
    assert_true(st.levels_known);
    assert_int_equal(st.n_levels, 5);
    const int want[][2] = {{10, 80}, {50, 0}, {100, 90}, {500, 30}, {1000, 15}};
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(st.levels[i].yen, want[i][0]);
        assert_int_equal(st.levels[i].count, want[i][1]);
    }
    assert_int_equal(serial_payment_garbled(r.ctx), 2);
    /* LEVEL lines outside LEVELS' answer count for nothing. */
    say(r.dev->fd, "LEVEL 10 1\n");
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    /* Not while money is being taken. */
    assert_int_equal(serial_payment_ops.status(r.ctx, &st), KOFU_E_ARG);
    assert_false(st.answered);
    assert_int_equal(serial_payment_ops.dispense_change(r.ctx, 0), KOFU_OK);
    assert_int_equal(serial_payment_ops.status(r.ctx, &st), KOFU_OK);
    assert_int_equal(st.levels[0].count, 80);
    rig_close(&r);
}

static void test_status_without_levels(void **state)
{
    (void)state;
    /* A device that does not know LEVELS answers ERR unknown: well, levels unknown. */
    struct rig r = rig_open(NULL);
    struct payment_status st;
    assert_int_equal(serial_payment_ops.status(r.ctx, &st), KOFU_OK);
    assert_log(r.dev, 2, "LEVELS");
    assert_true(st.answered);
    assert_false(st.levels_known);
    assert_int_equal(st.n_levels, 0);
    /* ... and is not lost for it. */
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_OK);
    assert_int_equal(serial_payment_ops.cancel(r.ctx), KOFU_OK);
    rig_close(&r);
}

static void set_silent_on_levels(struct fake *f) { f->silent_on_levels = true; }

static void test_status_silence(void **state)
{
    (void)state;
    /* Silent on LEVELS: gone, like after any silence; nothing is repeated. */
    struct rig r = rig_open(set_silent_on_levels);
    struct payment_status st;
    long t0 = kofu_mono_ms();
    assert_int_equal(serial_payment_ops.status(r.ctx, &st), KOFU_E_PAYMENT_DEVICE);
    long took = kofu_mono_ms() - t0;
    assert_true(took >= REPLY_MS - 5 && took < REPLY_MS + 500);
    assert_int_equal(log_count(r.dev), 3);
    assert_int_equal(serial_payment_ops.status(r.ctx, &st), KOFU_E_PAYMENT_DEVICE);
    assert_false(st.answered);
    assert_int_equal(serial_payment_ops.ask(r.ctx, 120), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(log_count(r.dev), 3);
    rig_close(&r);

    /* Silent on STATUS itself (after the open's). */
    r = rig_open(set_silent_after_status);
    t0 = kofu_mono_ms();
    assert_int_equal(serial_payment_ops.status(r.ctx, &st), KOFU_E_PAYMENT_DEVICE);
    took = kofu_mono_ms() - t0;
    assert_true(took >= REPLY_MS - 5 && took < REPLY_MS + 500);
    assert_false(st.answered);
    assert_int_equal(log_count(r.dev), 2);
    rig_close(&r);
}

static void test_status_over_pty(void **state)
{
    (void)state;
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    char name[64];
    assert_int_equal(ptsname_r(master, name, sizeof name), 0);
    int pre = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    assert_true(pre >= 0);
    struct termios t;
    assert_int_equal(tcgetattr(pre, &t), 0);
    cfmakeraw(&t);
    assert_int_equal(tcsetattr(pre, TCSANOW, &t), 0);
    struct fake *f = fake_start(master);
    f->levels = "LEVEL 100 0\r\nLEVEL 500 4\r\n";
    fake_run(f);
    void *ctx = NULL;
    assert_int_equal(serial_payment_ops.open(&ctx, name), KOFU_OK);
    close(pre);
    struct payment_status st;
    assert_int_equal(serial_payment_ops.status(ctx, &st), KOFU_OK);
    assert_true(st.answered && st.levels_known);
    assert_int_equal(st.n_levels, 2);
    assert_int_equal(st.levels[0].yen, 100);
    assert_int_equal(st.levels[0].count, 0);
    assert_int_equal(st.levels[1].yen, 500);
    assert_int_equal(st.levels[1].count, 4);
    serial_payment_ops.close(ctx);
    fake_stop(f);
}

/* ---- the line layer ---- */

static enum payment_msg_kind parse_str(const char *s, struct payment_msg *m)
{
    kofu_cur c;
    cur_init(&c, (const uint8_t *)s, strlen(s));
    return serial_line_parse(c, m);
}

static void test_line_parse(void **state)
{
    (void)state;
    struct payment_msg m;
    assert_int_equal(parse_str("OK", &m), PAYMENT_MSG_OK);
    assert_int_equal(parse_str("ERR hopper-empty", &m), PAYMENT_MSG_ERR);
    assert_string_equal(m.code, "hopper-empty");
    assert_int_equal(parse_str("INSERTED 0", &m), PAYMENT_MSG_INSERTED);
    assert_int_equal(m.amount, 0);
    assert_int_equal(parse_str("INSERTED 1000000", &m), PAYMENT_MSG_INSERTED);
    assert_int_equal(m.amount, 1000000);
    const char *bad[] = {"", "O", "OK ", "ok", " OK", "OKAY", "ERR", "ERR ", "ERR Jam", "ERR a b",
                         "ERR 12345678901234567", "INSERTED", "INSERTED ", "INSERTED -1", "INSERTED +1",
                         "INSERTED 01", "INSERTED 1000001", "INSERTED 99999999", "INSERTED 1 ",
                         "INSERTED  1", "INSERTED 1x", "INSERTED\t1", "ASK 120"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&m, 0x55, sizeof m);
        assert_int_equal(parse_str(bad[i], &m), PAYMENT_MSG_INVALID);
        assert_int_equal(m.kind, PAYMENT_MSG_INVALID);
        assert_int_equal(m.code[0], 0);
    }
    assert_int_equal(parse_str("LEVEL 100 25", &m), PAYMENT_MSG_LEVEL);
    assert_int_equal(m.yen, 100);
    assert_int_equal(m.count, 25);
    assert_int_equal(parse_str("LEVEL 10000 0", &m), PAYMENT_MSG_LEVEL);
    assert_int_equal(m.yen, 10000);
    assert_int_equal(m.count, 0);
    assert_int_equal(parse_str("LEVEL 1 1000000", &m), PAYMENT_MSG_LEVEL);
    const char *bad_levels[] = {"LEVEL", "LEVEL ", "LEVEL 100", "LEVEL 100 ", "LEVEL  100 1", "LEVEL 100  1",
                                "LEVEL 100 1 ", "LEVEL 3 1", "LEVEL 0 1", "LEVEL 020 1", "LEVEL 100 01",
                                "LEVEL 100 -1", "LEVEL 100 1000001", "LEVEL 100 1 2", "LEVEL 20000 1",
                                "LEVEL 100\t1", "LEVELS", "LEVEL x 1"};
    for (size_t i = 0; i < sizeof bad_levels / sizeof bad_levels[0]; i++) {
        memset(&m, 0x55, sizeof m);
        assert_int_equal(parse_str(bad_levels[i], &m), PAYMENT_MSG_INVALID);
        assert_int_equal(m.yen, 0);
        assert_int_equal(m.count, 0);
    }
    assert_true(payment_denomination_ok(2000) && payment_denomination_ok(5) && !payment_denomination_ok(25));
    /* A NUL inside the line is just a wrong byte. */
    kofu_cur c;
    cur_init(&c, (const uint8_t *)"OK\0", 3);
    assert_int_equal(serial_line_parse(c, &m), PAYMENT_MSG_INVALID);
}

static void test_line_reader_cap(void **state)
{
    (void)state;
    struct serial_line_reader r;
    serial_line_reader_init(&r);
    kofu_cur line;
    /* Exactly the cap: accepted. */
    for (int i = 0; i < PAYMENT_LINE_MAX; i++)
        assert_int_equal(serial_line_push(&r, 'x', &line), PAYMENT_LINE_MORE);
    assert_int_equal(serial_line_push(&r, '\n', &line), PAYMENT_LINE_READY);
    assert_int_equal(cur_len(&line), PAYMENT_LINE_MAX);
    /* One more: the whole line is dropped, and the next one is whole. */
    for (int i = 0; i < PAYMENT_LINE_MAX + 1; i++)
        assert_int_equal(serial_line_push(&r, 'y', &line), PAYMENT_LINE_MORE);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(serial_line_push(&r, 'z', &line), PAYMENT_LINE_MORE);
    assert_int_equal(serial_line_push(&r, '\n', &line), PAYMENT_LINE_DROPPED);
    const char *ok = "OK\r\n";
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(serial_line_push(&r, (uint8_t)ok[i], &line), PAYMENT_LINE_MORE);
    assert_int_equal(serial_line_push(&r, '\n', &line), PAYMENT_LINE_READY);
    assert_true(cur_len(&line) == 2 && cur_equals(&line, (const uint8_t *)"OK", 2));
    /* An empty line is a line (and an invalid message). */
    assert_int_equal(serial_line_push(&r, '\n', &line), PAYMENT_LINE_READY);
    assert_int_equal(cur_len(&line), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_payment),
        cmocka_unit_test(test_over_payment_and_change),
        cmocka_unit_test(test_partial_insertion_refunded),
        cmocka_unit_test(test_refund_failure),
        cmocka_unit_test(test_change_failure),
        cmocka_unit_test(test_late_money_goes_back),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_garbage_and_long_lines),
        cmocka_unit_test(test_silence_times_out),
        cmocka_unit_test(test_silence_on_payout),
        cmocka_unit_test(test_err_replies),
        cmocka_unit_test(test_device_gone),
        cmocka_unit_test(test_close_while_accepting_cancels),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_pty_termios),
        cmocka_unit_test(test_status_with_levels),
        cmocka_unit_test(test_status_without_levels),
        cmocka_unit_test(test_status_silence),
        cmocka_unit_test(test_status_over_pty),
        cmocka_unit_test(test_line_parse),
        cmocka_unit_test(test_line_reader_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
