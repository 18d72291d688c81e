/*
 * test_evdev.c — the evdev driver on pipes standing in for the touch panel
 * and the tray sensor (evdev_input_open_fds): the test writes the kernel's
 * struct input_event records and checks the taps (single-touch and
 * multi-touch protocol B, the point where the finger went down, scaled to
 * the screen), SYN_REPORT framing, SYN_DROPPED, the tray sensor (switch and
 * key), records split across reads, garbage, and a device that goes away.
 */
#define input_event linux_input_event
#include <linux/input.h>
#undef input_event

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <poll.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/errors.h"
#include "drivers/input/evdev.h"

#define W 1280
#define H 800

struct rig {
    int touch_w, tray_w; /* the test's write ends */
    void *ctx;
};

static void make_pipe(int *r, int *w)
{
    int p[2];
    assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
    *r = p[0];
    *w = p[1];
}

static struct rig open_rig(bool multitouch, int tray_type, int tray_code)
{
    struct rig g;
    struct evdev_config cfg = {.multitouch = multitouch, .x_min = 0, .x_max = 4095, .y_min = 0,
                               .y_max = 4095, .tray_type = tray_type, .tray_code = tray_code};
    make_pipe(&cfg.touch_fd, &g.touch_w);
    make_pipe(&cfg.tray_fd, &g.tray_w);
    assert_int_equal(evdev_input_open_fds(&g.ctx, &cfg, W, H), KOFU_OK);
    return g;
}

static void close_rig(struct rig *g)
{
    evdev_input_ops.close(g->ctx);
    close(g->touch_w);
    close(g->tray_w);
}

static void emit(int fd, unsigned type, unsigned code, int value)
{
    struct linux_input_event e;
    memset(&e, 0, sizeof e);
    e.type = (uint16_t)type;
    e.code = (uint16_t)code;
    e.value = value;
    assert_int_equal(write(fd, &e, sizeof e), (ssize_t)sizeof e);
}

static void syn(int fd) { emit(fd, EV_SYN, SYN_REPORT, 0); }

/* Reads one event; returns its kind, 0 for none. */
static int next(struct rig *g, struct input_event *ev)
{
    memset(ev, 0, sizeof *ev);
    int rc = evdev_input_ops.read(g->ctx, ev);
    assert_true(rc == 0 || rc == 1);
    return rc == 1 ? (int)ev->kind : 0;
}

static void expect_tap(struct rig *g, int x, int y)
{
    struct input_event ev;
    assert_int_equal(next(g, &ev), INPUT_TOUCH);
    assert_int_equal(ev.x, x);
    assert_int_equal(ev.y, y);
}

static void expect_none(struct rig *g)
{
    struct input_event ev;
    assert_int_equal(next(g, &ev), 0);
}

/* raw 0..4095 → 0..W-1 */
static int sx(int raw) { return (int)((int64_t)raw * (W - 1) / 4095); }
static int sy(int raw) { return (int)((int64_t)raw * (H - 1) / 4095); }

static void st_tap(int fd, int x, int y, int moved_x, int moved_y)
{
    emit(fd, EV_ABS, ABS_X, x);
    emit(fd, EV_ABS, ABS_Y, y);
    emit(fd, EV_KEY, BTN_TOUCH, 1);
    syn(fd);
    emit(fd, EV_ABS, ABS_X, moved_x);
    emit(fd, EV_ABS, ABS_Y, moved_y);
    syn(fd);
    emit(fd, EV_KEY, BTN_TOUCH, 0);
    syn(fd);
}

static void test_single_touch_tap_at_down_point(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    expect_none(&g);
    st_tap(g.touch_w, 1000, 500, 3000, 3500);
    expect_tap(&g, sx(1000), sy(500)); /* where it went down, not where it lifted */
    expect_none(&g);
    /* Corners and clamping of values beyond the axis range. */
    st_tap(g.touch_w, 0, 0, 0, 0);
    expect_tap(&g, 0, 0);
    st_tap(g.touch_w, 4095, 4095, 0, 0);
    expect_tap(&g, W - 1, H - 1);
    st_tap(g.touch_w, -500, 99999, 0, 0);
    expect_tap(&g, 0, H - 1);
    close_rig(&g);
}

/* An absolute pointer with a button (a tablet: QEMU's virtio tablet, a
 * panel controller that reports as one) taps with BTN_LEFT. */
static void test_absolute_pointer_button_taps(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    emit(g.touch_w, EV_ABS, ABS_X, 1200);
    emit(g.touch_w, EV_ABS, ABS_Y, 3000);
    syn(g.touch_w);
    expect_none(&g); /* moving without the button is no touch */
    emit(g.touch_w, EV_KEY, BTN_LEFT, 1);
    syn(g.touch_w);
    emit(g.touch_w, EV_KEY, BTN_LEFT, 0);
    syn(g.touch_w);
    expect_tap(&g, sx(1200), sy(3000));
    /* Another button is not a touch. */
    emit(g.touch_w, EV_KEY, BTN_RIGHT, 1);
    syn(g.touch_w);
    emit(g.touch_w, EV_KEY, BTN_RIGHT, 0);
    syn(g.touch_w);
    expect_none(&g);
    close_rig(&g);
}

static void test_nothing_before_syn_report(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    emit(g.touch_w, EV_ABS, ABS_X, 2048);
    emit(g.touch_w, EV_ABS, ABS_Y, 2048);
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 1);
    syn(g.touch_w);
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 0);
    expect_none(&g); /* the up is not final until its SYN_REPORT */
    syn(g.touch_w);
    expect_tap(&g, sx(2048), sy(2048));
    /* A position that arrives in the same frame as the down counts. */
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 1);
    emit(g.touch_w, EV_ABS, ABS_X, 100);
    syn(g.touch_w);
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 0);
    syn(g.touch_w);
    expect_tap(&g, sx(100), sy(2048));
    /* An up with no down before it is no tap. */
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 0);
    syn(g.touch_w);
    expect_none(&g);
    close_rig(&g);
}

static void test_axis_range_scaling(void **state)
{
    (void)state;
    struct rig g;
    struct evdev_config cfg = {.x_min = -100, .x_max = 100, .y_min = 200, .y_max = 1200,
                               .tray_fd = -1, .tray_type = EV_SW};
    make_pipe(&cfg.touch_fd, &g.touch_w);
    g.tray_w = -1;
    assert_int_equal(evdev_input_open_fds(&g.ctx, &cfg, 800, 480), KOFU_OK);
    st_tap(g.touch_w, 0, 700, 0, 0);
    expect_tap(&g, 100 * 799 / 200, 500 * 479 / 1000);
    st_tap(g.touch_w, -100, 200, 0, 0);
    expect_tap(&g, 0, 0);
    st_tap(g.touch_w, 100, 1200, 0, 0);
    expect_tap(&g, 799, 479);
    evdev_input_ops.close(g.ctx);
    close(g.touch_w);
}

static void mt_down(int fd, int slot, int id, int x, int y)
{
    emit(fd, EV_ABS, ABS_MT_SLOT, slot);
    emit(fd, EV_ABS, ABS_MT_TRACKING_ID, id);
    emit(fd, EV_ABS, ABS_MT_POSITION_X, x);
    emit(fd, EV_ABS, ABS_MT_POSITION_Y, y);
}

static void mt_up(int fd, int slot)
{
    emit(fd, EV_ABS, ABS_MT_SLOT, slot);
    emit(fd, EV_ABS, ABS_MT_TRACKING_ID, -1);
}

static void test_multitouch_first_finger_counts(void **state)
{
    (void)state;
    struct rig g = open_rig(true, EV_SW, SW_FRONT_PROXIMITY);
    /* One finger, with the single-touch emulation most panels also send:
     * that must not make a second tap. */
    mt_down(g.touch_w, 0, 10, 400, 800);
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 1);
    emit(g.touch_w, EV_ABS, ABS_X, 400);
    emit(g.touch_w, EV_ABS, ABS_Y, 800);
    syn(g.touch_w);
    emit(g.touch_w, EV_ABS, ABS_MT_POSITION_X, 3000); /* drags off */
    syn(g.touch_w);
    mt_up(g.touch_w, 0);
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 0);
    syn(g.touch_w);
    expect_tap(&g, sx(400), sy(800));
    expect_none(&g);

    /* Two fingers: the second lifting first is no tap; the first lifting
     * is, at its own down point; the second lifting last is none. */
    mt_down(g.touch_w, 0, 11, 1000, 1000);
    syn(g.touch_w);
    mt_down(g.touch_w, 1, 12, 3000, 3000);
    syn(g.touch_w);
    mt_up(g.touch_w, 1);
    syn(g.touch_w);
    expect_none(&g);
    mt_down(g.touch_w, 1, 13, 3500, 3500);
    syn(g.touch_w);
    mt_up(g.touch_w, 0);
    syn(g.touch_w);
    expect_tap(&g, sx(1000), sy(1000));
    mt_up(g.touch_w, 1);
    syn(g.touch_w);
    expect_none(&g);

    /* A finger in a slot beyond what is tracked is ignored. */
    mt_down(g.touch_w, 40, 14, 10, 10);
    syn(g.touch_w);
    mt_up(g.touch_w, 40);
    syn(g.touch_w);
    expect_none(&g);

    /* Slot state persists: a finger in slot 2 whose position came before
     * its tracking id (in the same frame) is seen at that position. */
    emit(g.touch_w, EV_ABS, ABS_MT_SLOT, 2);
    emit(g.touch_w, EV_ABS, ABS_MT_POSITION_X, 2048);
    emit(g.touch_w, EV_ABS, ABS_MT_POSITION_Y, 4095);
    emit(g.touch_w, EV_ABS, ABS_MT_TRACKING_ID, 15);
    syn(g.touch_w);
    emit(g.touch_w, EV_ABS, ABS_MT_TRACKING_ID, -1); /* still slot 2 */
    syn(g.touch_w);
    expect_tap(&g, sx(2048), H - 1);
    close_rig(&g);
}

static void test_syn_dropped_cancels(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    emit(g.touch_w, EV_ABS, ABS_X, 500);
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 1);
    syn(g.touch_w);
    emit(g.touch_w, EV_SYN, SYN_DROPPED, 0);
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 0); /* part of the broken frame: discarded */
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 1);
    syn(g.touch_w);
    emit(g.touch_w, EV_KEY, BTN_TOUCH, 0);
    syn(g.touch_w);
    expect_none(&g); /* the touch in progress was cancelled */
    st_tap(g.touch_w, 700, 700, 0, 0);
    expect_tap(&g, sx(700), sy(700));
    close_rig(&g);

    g = open_rig(true, EV_SW, SW_FRONT_PROXIMITY);
    mt_down(g.touch_w, 0, 1, 100, 100);
    syn(g.touch_w);
    emit(g.touch_w, EV_SYN, SYN_DROPPED, 0);
    mt_up(g.touch_w, 0);
    syn(g.touch_w);
    mt_up(g.touch_w, 0);
    syn(g.touch_w);
    expect_none(&g);
    mt_down(g.touch_w, 0, 2, 200, 200);
    syn(g.touch_w);
    mt_up(g.touch_w, 0);
    syn(g.touch_w);
    expect_tap(&g, sx(200), sy(200));
    close_rig(&g);
}

static void test_tray_switch(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    struct input_event ev;
    emit(g.tray_w, EV_SW, SW_FRONT_PROXIMITY, 1); /* paper printed into the tray */
    syn(g.tray_w);
    expect_none(&g);
    emit(g.tray_w, EV_SW, SW_LID, 0); /* another switch: ignored */
    syn(g.tray_w);
    expect_none(&g);
    emit(g.tray_w, EV_SW, SW_FRONT_PROXIMITY, 0); /* taken */
    expect_none(&g);
    syn(g.tray_w);
    assert_int_equal(next(&g, &ev), INPUT_TRAY_EMPTY);
    expect_none(&g);
    /* Dropped events on the tray: that frame is discarded. */
    emit(g.tray_w, EV_SW, SW_FRONT_PROXIMITY, 1);
    syn(g.tray_w);
    emit(g.tray_w, EV_SYN, SYN_DROPPED, 0);
    emit(g.tray_w, EV_SW, SW_FRONT_PROXIMITY, 0);
    syn(g.tray_w);
    expect_none(&g);
    /* Touch and tray together, each reported. */
    st_tap(g.touch_w, 10, 10, 10, 10);
    emit(g.tray_w, EV_SW, SW_FRONT_PROXIMITY, 0);
    syn(g.tray_w);
    int kinds = 0;
    for (int i = 0; i < 2; i++)
        kinds |= 1 << next(&g, &ev);
    assert_int_equal(kinds, 1 << INPUT_TOUCH | 1 << INPUT_TRAY_EMPTY);
    expect_none(&g);
    close_rig(&g);
}

static void test_tray_key(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_KEY, KEY_PROG1);
    struct input_event ev;
    emit(g.tray_w, EV_KEY, KEY_PROG1, 1);
    syn(g.tray_w);
    emit(g.tray_w, EV_KEY, KEY_PROG1, 2); /* autorepeat: ignored */
    syn(g.tray_w);
    expect_none(&g);
    emit(g.tray_w, EV_SW, KEY_PROG1, 0); /* the right code of the wrong type */
    syn(g.tray_w);
    expect_none(&g);
    emit(g.tray_w, EV_KEY, KEY_PROG1, 0);
    syn(g.tray_w);
    assert_int_equal(next(&g, &ev), INPUT_TRAY_EMPTY);
    close_rig(&g);
}

static void test_split_records_and_fd(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    int pfd = evdev_input_ops.fd(g.ctx);
    assert_true(pfd >= 0);
    struct pollfd p = {.fd = pfd, .events = POLLIN};
    assert_int_equal(poll(&p, 1, 0), 0); /* nothing pending */

    struct linux_input_event recs[4];
    memset(recs, 0, sizeof recs);
    recs[0] = (struct linux_input_event){.type = EV_KEY, .code = BTN_TOUCH, .value = 1};
    recs[1] = (struct linux_input_event){.type = EV_SYN, .code = SYN_REPORT};
    recs[2] = (struct linux_input_event){.type = EV_KEY, .code = BTN_TOUCH, .value = 0};
    recs[3] = (struct linux_input_event){.type = EV_SYN, .code = SYN_REPORT};
    const uint8_t *bytes = (const uint8_t *)recs;
    size_t total = sizeof recs, cuts[] = {5, 24, 31, 50, 71, total};
    size_t at = 0;
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        assert_int_equal(write(g.touch_w, bytes + at, cuts[i] - at), (ssize_t)(cuts[i] - at));
        at = cuts[i];
        assert_int_equal(poll(&p, 1, 0), 1); /* the epoll fd reports the touch fd */
        struct input_event ev;
        int kind = next(&g, &ev);
        assert_int_equal(kind, at == total ? INPUT_TOUCH : 0);
    }
    assert_int_equal(poll(&p, 1, 0), 0);
    /* The tray's fd is behind the same epoll fd. */
    emit(g.tray_w, EV_SW, SW_FRONT_PROXIMITY, 0);
    assert_int_equal(poll(&p, 1, 0), 1);
    close_rig(&g);
}

static void test_many_taps_queued(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    for (int i = 0; i < 60; i++)
        st_tap(g.touch_w, i * 60, 4095 - i * 60, 0, 0);
    for (int i = 0; i < 60; i++)
        expect_tap(&g, sx(i * 60), sy(4095 - i * 60));
    expect_none(&g);
    close_rig(&g);
}

static void test_garbage_never_crashes(void **state)
{
    (void)state;
    srand(11);
    for (int round = 0; round < 40; round++) {
        struct rig g = open_rig(round & 1, EV_SW, SW_FRONT_PROXIMITY);
        for (int i = 0; i < 300; i++) {
            struct linux_input_event e;
            memset(&e, 0, sizeof e);
            /* Mostly plausible types and codes, with wild values. */
            static const uint16_t types[] = {EV_SYN, EV_KEY, EV_ABS, EV_SW, EV_REL, 0x1F, 0xFFFF};
            e.type = types[rand() % 7];
            e.code = (uint16_t)(rand() % 3 ? rand() % 0x40 : rand());
            e.value = rand() % 2 ? rand() % 50 - 10 : (int)((unsigned)rand() << 1);
            assert_int_equal(write(rand() % 4 ? g.touch_w : g.tray_w, &e, sizeof e), (ssize_t)sizeof e);
            if (i % 37 == 0) {
                struct input_event ev;
                while (next(&g, &ev) != 0) {
                    if (ev.kind == INPUT_TOUCH) {
                        assert_true(ev.x >= 0 && ev.x < W);
                        assert_true(ev.y >= 0 && ev.y < H);
                    } else {
                        assert_int_equal(ev.kind, INPUT_TRAY_EMPTY);
                    }
                }
            }
        }
        /* Random bytes, not a whole number of records. */
        uint8_t junk[1001];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (uint8_t)rand();
        assert_int_equal(write(g.touch_w, junk, sizeof junk), (ssize_t)sizeof junk);
        struct input_event ev;
        for (int i = 0; i < 200 && next(&g, &ev) != 0; i++)
            ;
        close_rig(&g);
    }
}

static void test_device_gone(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    struct input_event ev;
    st_tap(g.touch_w, 1, 1, 1, 1);
    close(g.touch_w);
    g.touch_w = -1;
    assert_int_equal(evdev_input_ops.read(g.ctx, &ev), 1); /* what came before still counts */
    assert_int_equal(evdev_input_ops.read(g.ctx, &ev), KOFU_E_INPUT);
    assert_int_equal(evdev_input_ops.read(g.ctx, &ev), KOFU_E_INPUT);
    evdev_input_ops.close(g.ctx);
    close(g.tray_w);

    g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    close(g.tray_w);
    g.tray_w = -1;
    assert_int_equal(evdev_input_ops.read(g.ctx, &ev), KOFU_E_INPUT);
    evdev_input_ops.close(g.ctx);
    close(g.touch_w);
}

static void test_open_failures(void **state)
{
    (void)state;
    void *ctx = NULL;
    struct evdev_config cfg = {.x_min = 0, .x_max = 100, .y_min = 0, .y_max = 100, .tray_fd = -1,
                               .tray_type = EV_SW};
    int w;
    make_pipe(&cfg.touch_fd, &w);
    assert_int_equal(evdev_input_open_fds(&ctx, &cfg, 0, 100), KOFU_E_ARG);
    assert_int_equal(evdev_input_open_fds(NULL, &cfg, 100, 100), KOFU_E_ARG);
    assert_int_equal(evdev_input_open_fds(&ctx, NULL, 100, 100), KOFU_E_ARG);
    struct evdev_config bad = cfg;
    bad.x_max = 0; /* an empty axis range */
    assert_int_equal(evdev_input_open_fds(&ctx, &bad, 100, 100), KOFU_E_INPUT);
    bad = cfg;
    bad.tray_fd = cfg.touch_fd;
    bad.tray_type = EV_ABS;
    assert_int_equal(evdev_input_open_fds(&ctx, &bad, 100, 100), KOFU_E_ARG);
    bad = cfg;
    bad.touch_fd = -1;
    assert_int_equal(evdev_input_open_fds(&ctx, &bad, 100, 100), KOFU_E_ARG);
    /* A regular file cannot be polled: epoll refuses it. */
    bad = cfg;
    bad.touch_fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    if (bad.touch_fd < 0)
        bad.touch_fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    assert_true(bad.touch_fd >= 0);
    assert_int_equal(evdev_input_open_fds(&ctx, &bad, 100, 100), KOFU_E_INPUT);
    close(bad.touch_fd);
    assert_null(ctx);
    /* The fds are still ours after every failure: closing them works. */
    assert_int_equal(close(cfg.touch_fd), 0);
    close(w);

    /* open(): spec errors, missing devices, a device that is no evdev. */
    assert_int_equal(evdev_input_ops.open(&ctx, NULL, W, H), KOFU_E_CONFIG);
    assert_int_equal(evdev_input_ops.open(&ctx, "", W, H), KOFU_E_CONFIG);
    assert_int_equal(evdev_input_ops.open(&ctx, "/nonexistent/event0", W, H), KOFU_E_INPUT);
    assert_int_equal(evdev_input_ops.open(&ctx, "/dev/null", W, H), KOFU_E_INPUT);
    assert_int_equal(evdev_input_ops.open(&ctx, "/dev/null,", W, H), KOFU_E_CONFIG);
    assert_int_equal(evdev_input_ops.open(&ctx, "/dev/null,/dev/null#foo=1", W, H), KOFU_E_CONFIG);
    assert_int_equal(evdev_input_ops.open(&ctx, "/dev/null,/dev/null#sw=", W, H), KOFU_E_CONFIG);
    assert_int_equal(evdev_input_ops.open(&ctx, "/dev/null,/dev/null#sw=99999", W, H), KOFU_E_CONFIG);
    assert_int_equal(evdev_input_ops.open(&ctx, "/dev/null,/dev/null#key=12x", W, H), KOFU_E_CONFIG);
    assert_int_equal(evdev_input_ops.open(&ctx, "/dev/null,/dev/null#key=0x1f0", W, H), KOFU_E_INPUT);
    assert_null(ctx);
    evdev_input_ops.close(NULL);
    assert_int_equal(evdev_input_ops.fd(NULL), -1);
}

/* True if the driver's state still holds the screen point (x, y) as two
 * adjacent ints, the way a queued tap or a down point keeps it. */
static bool ctx_holds_point(void *ctx, int x, int y)
{
    int pair[2] = {x, y};
    return memmem(ctx, malloc_usable_size(ctx), pair, sizeof pair) != NULL;
}

/* Four taps as on the PIN pad, read one by one: once read, none of them is
 * left in the driver (with the pad's layout they would give the PIN). The
 * check is shown to catch a tap still queued. */
static void test_taps_are_forgotten_once_read(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    static const int raw[4][2] = {{1111, 2222}, {3001, 1701}, {1409, 3303}, {2707, 907}};
    for (int i = 0; i < 4; i++)
        st_tap(g.touch_w, raw[i][0], raw[i][1], raw[i][0], raw[i][1]);
    for (int i = 0; i < 3; i++)
        expect_tap(&g, sx(raw[i][0]), sy(raw[i][1]));
    assert_true(ctx_holds_point(g.ctx, sx(raw[3][0]), sy(raw[3][1]))); /* not read yet: still queued */
    expect_tap(&g, sx(raw[3][0]), sy(raw[3][1]));
    for (int i = 0; i < 4; i++)
        assert_false(ctx_holds_point(g.ctx, sx(raw[i][0]), sy(raw[i][1])));
    close_rig(&g);
}

/* The service key switch on the tray's node: its press (only) is
 * INPUT_KEY_SERVICE, at once; the tray goes on working beside it. */
static void test_service_key(void **state)
{
    (void)state;
    struct rig g = open_rig(false, EV_SW, SW_FRONT_PROXIMITY);
    struct input_event ev;
    emit(g.tray_w, EV_KEY, EVDEV_SERVICE_KEY_CODE, 1);
    syn(g.tray_w);
    assert_int_equal(next(&g, &ev), INPUT_KEY);
    assert_int_equal(ev.key, INPUT_KEY_SERVICE);
    emit(g.tray_w, EV_KEY, EVDEV_SERVICE_KEY_CODE, 2); /* autorepeat */
    emit(g.tray_w, EV_KEY, EVDEV_SERVICE_KEY_CODE, 0); /* release */
    emit(g.tray_w, EV_KEY, KEY_F23, 1);                /* another key */
    syn(g.tray_w);
    expect_none(&g);
    emit(g.tray_w, EV_SW, SW_FRONT_PROXIMITY, 0);
    syn(g.tray_w);
    assert_int_equal(next(&g, &ev), INPUT_TRAY_EMPTY);
    close_rig(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_touch_tap_at_down_point),
        cmocka_unit_test(test_taps_are_forgotten_once_read),
        cmocka_unit_test(test_absolute_pointer_button_taps),
        cmocka_unit_test(test_nothing_before_syn_report),
        cmocka_unit_test(test_axis_range_scaling),
        cmocka_unit_test(test_multitouch_first_finger_counts),
        cmocka_unit_test(test_syn_dropped_cancels),
        cmocka_unit_test(test_tray_switch),
        cmocka_unit_test(test_tray_key),
        cmocka_unit_test(test_split_records_and_fd),
        cmocka_unit_test(test_many_taps_queued),
        cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_device_gone),
        cmocka_unit_test(test_open_failures),
        cmocka_unit_test(test_service_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
