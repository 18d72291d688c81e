/*
 * test_acceptorsim.c — build/acceptorsim, the coin and note acceptor the
 * image test puts behind QEMU's usb-serial, driven as the kiosk drives it:
 * by kofu's own serial driver (drivers/payment/serial.h) on a connection
 * to the simulator's socket, with money put in through the control socket.
 * A paid visit with change, a cancel with its refund, change the levels
 * cannot make (ERR, nothing paid), insertions refused outside a visit or of
 * no yen denomination, the technician's LEVELS, raw lines (garbage answered
 * ERR unknown, an over-long line dropped without answer, CR LF), a second
 * connection after the first went, and quit and SIGTERM ending it with 0.
 * Also the device model's level specs and command grammar directly.
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
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "base/errors.h"
#include "drivers/payment/serial.h"
#include "tests/acceptorsim/acceptor.h"
#include "tests/lib/proc.h"
#include "tests/lib/tmp.h"

struct sim {
    char dir[128], sock[192], ctl[192], bin[256];
    pid_t pid;
};

static struct sim S;

static int unix_connect(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads until `want` has arrived (or ms pass); what arrived into buf. */
static size_t read_until(int fd, char *buf, size_t cap, const char *want, int ms)
{
    size_t n = 0;
    int64_t end = kofu_mono_ms() + ms;
    buf[0] = '\0';
    while (kofu_mono_ms() < end && n + 1 < cap && !strstr(buf, want)) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0)
            continue;
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
    }
    return n;
}

static void send_text(int fd, const char *text)
{
    assert_int_equal(send(fd, text, strlen(text), MSG_NOSIGNAL), (ssize_t)strlen(text));
}

/* One control command on its own connection; the reply line (no LF). */
static const char *ctl(const char *cmd)
{
    static char reply[512];
    int fd = unix_connect(S.ctl);
    assert_true(fd >= 0);
    char line[256];
    snprintf(line, sizeof line, "%s\n", cmd);
    send_text(fd, line);
    read_until(fd, reply, sizeof reply, "\n", 2000);
    close(fd);
    char *nl = strchr(reply, '\n');
    assert_non_null(nl);
    *nl = '\0';
    return reply;
}

static int sim_start(void **state)
{
    (void)state;
    const char *build = getenv("KOFU_BUILD") && *getenv("KOFU_BUILD") ? getenv("KOFU_BUILD") : "build";
    snprintf(S.bin, sizeof S.bin, "%s/acceptorsim", build);
    if (!kt_tempdir(S.dir, sizeof S.dir, "acceptorsim"))
        return -1;
    snprintf(S.sock, sizeof S.sock, "%s/acc.sock", S.dir);
    snprintf(S.ctl, sizeof S.ctl, "%s/ctl.sock", S.dir);
    char log[192];
    snprintf(log, sizeof log, "%s/acceptorsim.log", S.dir);
    /* Change: five 10s, three 100s, one 500 (1,000 yen at most, and 900
     * cannot be made: 500 + 3×100 + 5×10 = 850). */
    const char *argv[] = {S.bin, "--listen", S.sock, "--control", S.ctl, "--levels", "10:5,100:3,500:1", "-v",
                          NULL};
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return -1;
    S.pid = kt_spawn(argv, NULL, log, pipefd[1], 0);
    close(pipefd[1]);
    char out[128];
    read_until(pipefd[0], out, sizeof out, "acceptorsim: ready\n", 5000);
    close(pipefd[0]);
    if (S.pid <= 0 || !strstr(out, "acceptorsim: ready\n")) {
        fprintf(stderr, "acceptorsim did not become ready; see %s\n", log);
        return -1;
    }
    return 0;
}

/* Ends the simulator with SIGTERM, which must be a clean exit 0. */
static int sim_stop(void **state)
{
    (void)state;
    int st = 0; /* already reaped by the test (quit) */
    if (S.pid > 0) {
        kill(S.pid, SIGTERM);
        waitpid(S.pid, &st, 0);
        S.pid = -1;
    }
    kt_rmdir_flat(S.dir);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static const struct serial_payment_timing timing = {500, 1000};

/* The kiosk's driver on a fresh connection (it asks STATUS on open). */
static void *kiosk_open(void)
{
    int fd = unix_connect(S.sock);
    assert_true(fd >= 0);
    void *ctx = NULL;
    assert_int_equal(serial_payment_open_fd(&ctx, fd, &timing), KOFU_OK);
    return ctx;
}

/* Waits until the kiosk's driver has seen the total reach want. */
static void await_total(void *ctx, int want)
{
    int total = -1;
    int64_t end = kofu_mono_ms() + 2000;
    while (kofu_mono_ms() < end) {
        assert_int_equal(serial_payment_ops.inserted(ctx, &total), KOFU_OK);
        if (total == want)
            return;
        kt_sleep_ms(5);
    }
    fail_msg("total %d, wanted %d", total, want);
}

static void test_paid_visit(void **state)
{
    (void)state;
    void *k = kiosk_open();
    assert_string_equal(ctl("insert 1000"), "refused"); /* not accepting yet */
    assert_int_equal(serial_payment_ops.ask(k, 1400), KOFU_OK);
    assert_string_equal(ctl("insert 1000"), "ok");
    await_total(k, 1000);
    assert_string_equal(ctl("insert 3"), "refused"); /* no such coin */
    assert_string_equal(ctl("insert 500"), "ok");
    await_total(k, 1500);
    assert_string_equal(ctl("status"), "accepting=1 asked=1400 total=1500 kept=0 change=0 refunded=0 commands=2");
    assert_int_equal(serial_payment_ops.dispense_change(k, 100), KOFU_OK);
    assert_string_equal(ctl("status"), "accepting=0 asked=1400 total=1500 kept=1400 change=100 refunded=0 commands=3");
    assert_string_equal(ctl("insert 100"), "refused"); /* the visit is over */

    /* The levels paid the 100 yen: two 100s are left. */
    struct payment_status st;
    assert_int_equal(serial_payment_ops.status(k, &st), KOFU_OK);
    assert_true(st.answered && st.levels_known);
    int hundreds = -1;
    for (size_t i = 0; i < st.n_levels; i++)
        if (st.levels[i].yen == 100)
            hundreds = st.levels[i].count;
    assert_int_equal(hundreds, 2);
    serial_payment_ops.close(k);
}

static void test_cancel_and_refund(void **state)
{
    (void)state;
    void *k = kiosk_open();
    assert_int_equal(serial_payment_ops.ask(k, 800), KOFU_OK);
    assert_string_equal(ctl("insert 100"), "ok");
    assert_string_equal(ctl("insert 50"), "ok");
    await_total(k, 150);
    /* The kiosk's cancel sends CANCEL, then REFUND of what came in. */
    assert_int_equal(serial_payment_ops.cancel(k), KOFU_OK);
    assert_string_equal(ctl("status"), "accepting=0 asked=800 total=150 kept=0 change=0 refunded=150 commands=4");
    serial_payment_ops.close(k);
}

static void test_change_it_cannot_give(void **state)
{
    (void)state;
    void *k = kiosk_open();
    assert_int_equal(serial_payment_ops.ask(k, 100), KOFU_OK);
    assert_string_equal(ctl("insert 1000"), "ok");
    await_total(k, 1000);
    assert_int_equal(serial_payment_ops.dispense_change(k, 900), KOFU_E_PAYMENT_CHANGE);
    /* Nothing was paid and nothing settled: the money is still held. */
    assert_string_equal(ctl("status"), "accepting=0 asked=100 total=1000 kept=0 change=0 refunded=0 commands=3");
    /* What the session does next: everything back. It comes out of what
     * is held, not out of the change. */
    assert_int_equal(serial_payment_ops.refund(k, 1000), KOFU_OK);
    assert_string_equal(ctl("status"), "accepting=0 asked=100 total=1000 kept=0 change=0 refunded=1000 commands=4");
    struct payment_status st;
    assert_int_equal(serial_payment_ops.status(k, &st), KOFU_OK);
    int total_levels = 0;
    for (size_t i = 0; i < st.n_levels; i++)
        total_levels += st.levels[i].yen * st.levels[i].count;
    assert_int_equal(total_levels, 850); /* untouched */
    serial_payment_ops.close(k);
}

static void test_raw_lines(void **state)
{
    (void)state;
    int fd = unix_connect(S.sock);
    assert_true(fd >= 0);
    char buf[1024];
    /* Garbage of every kind: ERR unknown, and not counted as a command. */
    static const char *const garbage[] = {"HELLO\n", "ask 100\n", "ASK 0\n", "ASK 0100\n", "ASK  100\n",
                                          "ASK 1000001\n", "STATUS \n", "CHANGE\n", "REFUND -1\n"};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        send_text(fd, garbage[i]);
        read_until(fd, buf, sizeof buf, "\n", 2000);
        assert_string_equal(buf, "ERR unknown\n");
    }
    /* An over-long line (65 bytes) is dropped whole without an answer:
     * the next answer is the STATUS's. */
    char longline[80];
    memset(longline, 'A', 65);
    longline[65] = '\n';
    longline[66] = '\0';
    send_text(fd, longline);
    send_text(fd, "STATUS\r\n");
    read_until(fd, buf, sizeof buf, "\n", 2000);
    assert_string_equal(buf, "OK\n");
    /* 64 bytes is still a line (an unknown one). */
    memset(longline, 'A', 64);
    longline[64] = '\n';
    longline[65] = '\0';
    send_text(fd, longline);
    read_until(fd, buf, sizeof buf, "\n", 2000);
    assert_string_equal(buf, "ERR unknown\n");
    send_text(fd, "LEVELS\n");
    read_until(fd, buf, sizeof buf, "OK\n", 2000);
    assert_string_equal(buf, "LEVEL 1 0\nLEVEL 5 0\nLEVEL 10 5\nLEVEL 50 0\nLEVEL 100 3\nLEVEL 500 1\n"
                             "LEVEL 1000 0\nLEVEL 2000 0\nLEVEL 5000 0\nLEVEL 10000 0\nOK\n");
    assert_string_equal(ctl("status"), "accepting=0 asked=0 total=0 kept=0 change=0 refunded=0 commands=2");
    assert_string_equal(ctl("nonsense"), "err unknown");
    close(fd);
    /* The connection went; the next one is served. */
    void *k = kiosk_open();
    serial_payment_ops.close(k);
    assert_string_equal(ctl("status"), "accepting=0 asked=0 total=0 kept=0 change=0 refunded=0 commands=3");
}

static void test_quit(void **state)
{
    (void)state;
    assert_string_equal(ctl("quit"), "ok");
    int st;
    assert_int_equal(waitpid(S.pid, &st, 0), S.pid);
    S.pid = -1;
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(access(S.sock, F_OK), -1); /* its sockets are gone */
}

static void test_model(void **state)
{
    (void)state;
    struct acceptor a;
    acceptor_init(&a);
    assert_true(acceptor_set_levels(&a, "10000:2,1:7"));
    assert_int_equal(a.level[0], 7);
    assert_int_equal(a.level[9], 2);
    static const char *const bad[] = {"3:1", "10", "10:", "10:-1", ":5", "10:1,", "10:1;100:2", "10:1x", "100:1000001"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (acceptor_set_levels(&a, bad[i]))
            fail_msg("accepted levels %s", bad[i]);
    }
    assert_int_equal(a.level[0], 7); /* a refused spec changes nothing */
    assert_true(acceptor_set_levels(&a, ""));

    struct acc_cmd c;
    kofu_cur line;
    cur_init(&line, (const uint8_t *)"REFUND 0", 8);
    assert_int_equal(acc_cmd_parse(line, &c), ACC_CMD_REFUND);
    assert_int_equal(c.amount, 0);
    cur_init(&line, (const uint8_t *)"ASK 1000000", 11);
    assert_int_equal(acc_cmd_parse(line, &c), ACC_CMD_ASK);
    assert_int_equal(c.amount, 1000000);
    cur_init(&line, (const uint8_t *)"LEVELSX", 7);
    assert_int_equal(acc_cmd_parse(line, &c), ACC_CMD_INVALID);
    cur_init(&line, (const uint8_t *)"ASK 5\0", 6);
    assert_int_equal(acc_cmd_parse(line, &c), ACC_CMD_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_paid_visit, sim_start, sim_stop),
        cmocka_unit_test_setup_teardown(test_cancel_and_refund, sim_start, sim_stop),
        cmocka_unit_test_setup_teardown(test_change_it_cannot_give, sim_start, sim_stop),
        cmocka_unit_test_setup_teardown(test_raw_lines, sim_start, sim_stop),
        cmocka_unit_test_setup_teardown(test_quit, sim_start, sim_stop),
        cmocka_unit_test(test_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
