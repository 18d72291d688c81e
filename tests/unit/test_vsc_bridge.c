/*
 * test_vsc_bridge.c — build/vsc-bridge between the real cardsim (the card,
 * connecting to the bridge's vpcd port as it would to pcscd) and a
 * VSCard server written here that stands in for QEMU's
 * ccid-card-passthru (its frames built by hand, not with the bridge's
 * own vsc_frame.c). The bridge starts before "QEMU" listens (it retries);
 * Init, ReaderAdd and the T=0 ATR arrive; a SELECT of the Kenhojo AP goes
 * to the card and 90 00 comes back; cardsim's `remove` becomes CardRemove
 * and `insert` a new ATR without a second ReaderAdd; Flush is answered;
 * QEMU going away ends the bridge with 1, SIGTERM with 0.
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
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/clock.h"
#include "tests/lib/proc.h"
#include "tests/lib/tmp.h"

struct rig {
    char dir[80], qemu_sock[100], card_ctl[100], port[16];
    pid_t bridge, cardsim;
    int qemu; /* our end of the bridge's connection */
};

static const char *build_dir(void)
{
    const char *b = getenv("KOFU_BUILD");
    return b && *b ? b : "build";
}

/* A loopback port free a moment ago (the bridge binds it next). */
static void free_port(char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(out, cap, "%u", ntohs(sa.sin_port));
    close(fd);
}

static bool wait_ready(int fd, const char *ready, int ms)
{
    char buf[256];
    size_t n = 0;
    int64_t end = kofu_mono_ms() + ms;
    buf[0] = '\0';
    while (kofu_mono_ms() < end && !strstr(buf, ready) && n + 1 < sizeof buf) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0)
            continue;
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
    }
    return strstr(buf, ready) != NULL;
}

static pid_t start(const char *const *argv, const char *log, const char *ready)
{
    int pipefd[2];
    assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
    pid_t pid = kt_spawn(argv, NULL, log, pipefd[1], 0);
    close(pipefd[1]);
    bool ok = pid > 0 && wait_ready(pipefd[0], ready, 10000);
    close(pipefd[0]);
    if (!ok)
        fail_msg("%s did not become ready; see %s", argv[0], log);
    return pid;
}

static bool read_exact(int fd, uint8_t *p, size_t n, int ms)
{
    int64_t end = kofu_mono_ms() + ms;
    size_t got = 0;
    while (got < n && kofu_mono_ms() < end) {
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, 20) <= 0)
            continue;
        ssize_t r = read(fd, p + got, n - got);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return got == n;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One VSCard message from the bridge: type, reader, payload. */
static uint32_t recv_msg(struct rig *r, uint32_t *reader, uint8_t *payload, size_t *len)
{
    uint8_t h[12];
    if (!read_exact(r->qemu, h, sizeof h, 5000))
        fail_msg("no message from the bridge");
    uint32_t n = be32(h + 8);
    assert_true(n <= *len);
    assert_true(read_exact(r->qemu, payload, n, 5000));
    *reader = be32(h + 4);
    *len = n;
    return be32(h);
}

static void expect_msg(struct rig *r, uint32_t type, const uint8_t *payload, size_t len)
{
    uint8_t got[512];
    size_t n = sizeof got;
    uint32_t reader;
    uint32_t t = recv_msg(r, &reader, got, &n);
    assert_int_equal(t, type);
    if (type != 1)
        assert_int_equal(reader, 0);
    assert_int_equal(n, len);
    if (len)
        assert_memory_equal(got, payload, len);
}

static void send_msg(struct rig *r, uint32_t type, uint32_t reader, const uint8_t *p, size_t n)
{
    uint8_t buf[12 + 512];
    uint32_t f[3] = {type, reader, (uint32_t)n};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 4; k++)
            buf[4 * i + k] = (uint8_t)(f[i] >> (24 - 8 * k));
    if (n)
        memcpy(buf + 12, p, n);
    assert_int_equal(send(r->qemu, buf, 12 + n, MSG_NOSIGNAL), (ssize_t)(12 + n));
}

static const char *card_ctl(struct rig *r, const char *cmd)
{
    static char reply[256];
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", r->card_ctl);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    char line[64];
    snprintf(line, sizeof line, "%s\n", cmd);
    assert_int_equal(send(fd, line, strlen(line), MSG_NOSIGNAL), (ssize_t)strlen(line));
    size_t n = 0;
    while (n + 1 < sizeof reply && read_exact(fd, (uint8_t *)reply + n, 1, 5000) && reply[n] != '\n')
        n++;
    reply[n] = '\0';
    close(fd);
    return reply;
}

static const uint8_t t0_atr[] = {0x3B, 0x02, 0x14, 0x50};
static const uint8_t vsc_init[] = {'V', 'S', 'C', 'D', 0, 0, 0, 2, 0, 0, 0, 0};

/* Bridge first (QEMU not there yet), then "QEMU" listening, then the card. */
static void rig_start(struct rig *r)
{
    assert_true(kt_tempdir(r->dir, sizeof r->dir, "vsc"));
    snprintf(r->qemu_sock, sizeof r->qemu_sock, "%s/card.sock", r->dir);
    snprintf(r->card_ctl, sizeof r->card_ctl, "%s/cardsim.sock", r->dir);
    free_port(r->port, sizeof r->port);
    char bridge_bin[256], cardsim_bin[256], pki[256], log1[192], log2[192];
    snprintf(bridge_bin, sizeof bridge_bin, "%s/vsc-bridge", build_dir());
    snprintf(cardsim_bin, sizeof cardsim_bin, "%s/cardsim", build_dir());
    snprintf(pki, sizeof pki, "%s/pki", build_dir());
    snprintf(log1, sizeof log1, "%s/bridge.log", r->dir);
    snprintf(log2, sizeof log2, "%s/cardsim.log", r->dir);
    const char *bridge_argv[] = {bridge_bin, "--vpcd-port", r->port, "--qemu", r->qemu_sock, "-v", NULL};
    r->bridge = start(bridge_argv, log1, "vsc-bridge: ready\n");

    kt_sleep_ms(100); /* the bridge is retrying now */
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", r->qemu_sock);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(lfd, 1), 0);
    struct pollfd p = {lfd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
    r->qemu = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    assert_true(r->qemu >= 0);
    close(lfd);
    expect_msg(r, 1, vsc_init, sizeof vsc_init); /* Init, before any card */
    /* QEMU answers with its own Init. */
    send_msg(r, 1, 0xffffffffu, vsc_init, sizeof vsc_init);

    const char *card_argv[] = {cardsim_bin, "--port", r->port, "--pki", pki, "--resident",
                               "tests/cardsim/residents/yamada.json", "--control", r->card_ctl, NULL};
    r->cardsim = start(card_argv, log2, "cardsim: ready\n");
}

static int rig_exit(pid_t *pid, int sig, int ms)
{
    if (*pid <= 0)
        return -1;
    if (sig)
        kill(*pid, sig);
    int64_t end = kofu_mono_ms() + ms;
    int st;
    while (kofu_mono_ms() < end) {
        if (waitpid(*pid, &st, WNOHANG) == *pid) {
            *pid = -1;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        kt_sleep_ms(10);
    }
    kill(*pid, SIGKILL);
    waitpid(*pid, NULL, 0);
    *pid = -1;
    return -1;
}

static void rig_stop(struct rig *r)
{
    rig_exit(&r->cardsim, SIGTERM, 5000);
    rig_exit(&r->bridge, SIGKILL, 5000);
    if (r->qemu >= 0)
        close(r->qemu);
    kt_rmdir_flat(r->dir);
}

static void test_card_in_apdu_out_in(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r);
    expect_msg(&r, 3, NULL, 0);                    /* ReaderAdd */
    expect_msg(&r, 5, t0_atr, sizeof t0_atr);     /* the T=0 ATR, not cardsim's T=1 one */

    /* SELECT the Kenhojo AP (docs/card.md): the card's 90 00 comes back. */
    static const uint8_t select[] = {0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0x10,
                                     0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08};
    static const uint8_t ok[] = {0x90, 0x00};
    send_msg(&r, 7, 0, select, sizeof select);
    expect_msg(&r, 7, ok, sizeof ok);
    /* An unknown AID: the card's own 6A 82 — the answer is the card's. */
    static const uint8_t other[] = {0x00, 0xA4, 0x04, 0x0C, 0x05, 0xA0, 0x00, 0x00, 0x00, 0x99};
    static const uint8_t nf[] = {0x6A, 0x82};
    send_msg(&r, 7, 0, other, sizeof other);
    expect_msg(&r, 7, nf, sizeof nf);
    assert_non_null(strstr(card_ctl(&r, "status"), "apdus=2"));

    /* Flush: answered once everything before it was. */
    send_msg(&r, 8, 0, NULL, 0);
    expect_msg(&r, 9, NULL, 0);

    assert_string_equal(card_ctl(&r, "remove"), "ok present=0");
    expect_msg(&r, 6, NULL, 0); /* CardRemove */
    assert_string_equal(card_ctl(&r, "insert"), "ok present=1");
    expect_msg(&r, 5, t0_atr, sizeof t0_atr); /* ATR again, no second ReaderAdd */
    send_msg(&r, 7, 0, select, sizeof select);
    expect_msg(&r, 7, ok, sizeof ok);

    /* QEMU goes away: the bridge ends with 1. */
    close(r.qemu);
    r.qemu = -1;
    assert_int_equal(rig_exit(&r.bridge, 0, 5000), 1);
    rig_stop(&r);
}

static void test_sigterm(void **state)
{
    (void)state;
    struct rig r;
    rig_start(&r);
    expect_msg(&r, 3, NULL, 0);
    expect_msg(&r, 5, t0_atr, sizeof t0_atr);
    assert_int_equal(rig_exit(&r.bridge, SIGTERM, 5000), 0);
    rig_stop(&r);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    char bin[256], log[] = "/dev/null";
    snprintf(bin, sizeof bin, "%s/vsc-bridge", build_dir());
    const char *no_qemu[] = {bin, "--vpcd-port", "1", NULL};
    const char *bad_atr[] = {bin, "--vpcd-port", "1", "--qemu", "/tmp/x", "--atr", "3B0", NULL};
    const char *bad_port[] = {bin, "--vpcd-port", "70000", "--qemu", "/tmp/x", NULL};
    const char *const *cases[] = {no_qemu, bad_atr, bad_port};
    for (size_t i = 0; i < 3; i++) {
        pid_t pid = kt_spawn(cases[i], NULL, log, -1, 0);
        assert_int_equal(rig_exit(&pid, 0, 5000), 2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_card_in_apdu_out_in),
        cmocka_unit_test(test_sigterm),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
