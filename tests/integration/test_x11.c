/*
 * test_x11.c — the sim board's X11 window (drivers/display/x11.c) on a real X server:
 * Xvfb on a display number it picks itself (-displayfd), unix socket only
 * (-nolisten tcp). The test opens its own connection to look at what the
 * driver drew (XGetImage on the root window) and to act as the resident
 * with XTest: clicks become INPUT_TOUCH at the press point, keys become
 * INPUT_KEY, closing the window is INPUT_QUIT, and an exposed window is
 * repainted from the kept frame. Skipped only when Xvfb is not installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "base/errors.h"
#include "tests/harness.h"
#include "drivers/display/x11.h"
#include "base/clock.h"
#include "tests/lib/proc.h"

#define W 1280
#define H 800
#define XVFB "/usr/bin/Xvfb"

static struct {
    bool have_xvfb;
    pid_t xvfb;
    char display[32];
    Display *peer; /* the test's own connection: the "resident" and the camera */
    void *display_ctx, *input_ctx;
    uint32_t *frame;
} t;

static int start_xvfb(void)
{
    mkdir("/tmp/.X11-unix", 01777); /* Xvfb's socket directory; may exist */
    chmod("/tmp/.X11-unix", 01777);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = open("/dev/null", O_RDWR);
        if (devnull >= 0) {
            dup2(devnull, 0);
            dup2(devnull, 1);
            dup2(devnull, 2);
        }
        /* -displayfd wants a descriptor that survives exec. */
        int fd = dup(fds[1]);
        char fdarg[16];
        snprintf(fdarg, sizeof fdarg, "%d", fd);
        execl(XVFB, "Xvfb", "-displayfd", fdarg, "-nolisten", "tcp", "-screen", "0", "1280x800x24", "-noreset",
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    t.xvfb = pid;
    /* Xvfb writes the display number and a newline once it is ready. */
    char num[16] = {0};
    size_t n = 0;
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    while (n < sizeof num - 1 && poll(&p, 1, 10000) == 1) {
        ssize_t r = read(fds[0], num + n, sizeof num - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        if (memchr(num, '\n', n))
            break;
    }
    close(fds[0]);
    if (!memchr(num, '\n', n))
        return -1;
    snprintf(t.display, sizeof t.display, ":%d", atoi(num));
    return 0;
}

static int group_setup(void **state)
{
    (void)state;
    t.have_xvfb = access(XVFB, X_OK) == 0;
    if (!t.have_xvfb)
        return 0;
    if (start_xvfb() != 0) {
        fprintf(stderr, "Xvfb did not start\n");
        return -1;
    }
    t.peer = XOpenDisplay(t.display);
    if (!t.peer)
        return -1;
    int ev, err, major, minor;
    if (!XTestQueryExtension(t.peer, &ev, &err, &major, &minor))
        return -1;
    t.frame = calloc((size_t)W * H, 4);
    return t.frame ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    if (t.peer)
        XCloseDisplay(t.peer);
    if (t.xvfb > 0) {
        kill(t.xvfb, SIGTERM);
        waitpid(t.xvfb, NULL, 0);
    }
    free(t.frame);
    return 0;
}

static void need_xvfb(void)
{
    if (!t.have_xvfb)
        skip();
}

/* A frame whose pixels say where they are: left half red, right half blue,
 * a green square at (100..199, 100..199). */
static void draw_pattern(void)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint32_t px = x < W / 2 ? 0xFFFF0000u : 0xFF0000FFu;
            if (x >= 100 && x < 200 && y >= 100 && y < 200)
                px = 0xFF00FF00u;
            t.frame[(size_t)y * W + x] = px;
        }
}

static unsigned long pixel_at(int x, int y)
{
    XImage *img = XGetImage(t.peer, DefaultRootWindow(t.peer), x, y, 1, 1, AllPlanes, ZPixmap);
    assert_non_null(img);
    unsigned long px = XGetPixel(img, 0, 0) & 0xFFFFFF;
    XDestroyImage(img);
    return px;
}

static Window find_kofu_window(void)
{
    Window root, parent, *children = NULL, found = 0;
    unsigned n = 0;
    XQueryTree(t.peer, DefaultRootWindow(t.peer), &root, &parent, &children, &n);
    for (unsigned i = 0; i < n && !found; i++) {
        char *name = NULL;
        if (XFetchName(t.peer, children[i], &name) && name) {
            if (!strcmp(name, "kofu"))
                found = children[i];
            XFree(name);
        }
    }
    if (children)
        XFree(children);
    return found;
}

static void open_both(void)
{
    int w = W, h = H;
    assert_int_equal(x11_display_ops.open(&t.display_ctx, t.display, &w, &h), KOFU_OK);
    assert_int_equal(w, W);
    assert_int_equal(h, H);
    assert_int_equal(x11_input_ops.open(&t.input_ctx, NULL, W, H), KOFU_OK);
    assert_true(x11_input_ops.fd(t.input_ctx) >= 0);
}

static void close_both(void)
{
    x11_input_ops.close(t.input_ctx);
    x11_display_ops.close(t.display_ctx);
    t.input_ctx = t.display_ctx = NULL;
}

/* The next event from the driver within timeout_ms (polling its fd), or
 * kind 0 when none came. */
static struct input_event next_event(int timeout_ms)
{
    struct input_event ev = {0};
    int64_t start = kofu_mono_ms();
    for (;;) {
        int rc = x11_input_ops.read(t.input_ctx, &ev);
        assert_true(rc >= 0);
        if (rc == 1)
            return ev;
        int64_t spent = kofu_mono_ms() - start;
        if (spent >= timeout_ms)
            return (struct input_event){0};
        struct pollfd p = {.fd = x11_input_ops.fd(t.input_ctx), .events = POLLIN};
        poll(&p, 1, (int)(timeout_ms - spent));
    }
}

static void drain_events(void)
{
    while (next_event(100).kind != 0)
        ;
}

static void test_window_and_pixels(void **state)
{
    (void)state;
    need_xvfb();
    open_both();
    Window win = find_kofu_window();
    assert_true(win != 0);
    XWindowAttributes attr;
    assert_true(XGetWindowAttributes(t.peer, win, &attr));
    assert_int_equal(attr.width, W);
    assert_int_equal(attr.height, H);
    assert_int_equal(attr.map_state, IsViewable);
    /* Fixed size: the window manager is told min = max. */
    XSizeHints hints;
    long supplied;
    assert_true(XGetWMNormalHints(t.peer, win, &hints, &supplied));
    assert_true(hints.flags & PMinSize);
    assert_true(hints.flags & PMaxSize);
    assert_int_equal(hints.min_width, W);
    assert_int_equal(hints.max_width, W);
    assert_int_equal(hints.min_height, H);
    assert_int_equal(hints.max_height, H);

    draw_pattern();
    assert_int_equal(x11_display_ops.present(t.display_ctx, (const uint8_t *)t.frame, W * 4, W, H), KOFU_OK);
    XSync(t.peer, False);
    assert_int_equal(pixel_at(10, 10), 0xFF0000);
    assert_int_equal(pixel_at(W - 10, H - 10), 0x0000FF);
    assert_int_equal(pixel_at(150, 150), 0x00FF00);
    assert_int_equal(pixel_at(W / 2 - 1, 500), 0xFF0000);
    assert_int_equal(pixel_at(W / 2, 500), 0x0000FF);

    /* A wrong size is refused; a second window per process too. */
    assert_int_equal(x11_display_ops.present(t.display_ctx, (const uint8_t *)t.frame, W * 4, W - 1, H), KOFU_E_ARG);
    void *second = NULL;
    int w = W, h = H;
    assert_int_equal(x11_display_ops.open(&second, t.display, &w, &h), KOFU_E_DISPLAY);

    /* clear() blanks the window. */
    assert_int_equal(x11_display_ops.clear(t.display_ctx), KOFU_OK);
    XSync(t.peer, False);
    assert_int_equal(pixel_at(150, 150), 0x000000);
    assert_int_equal(pixel_at(10, 10), 0x000000);
    close_both();
    /* Closed: the window is gone and a new one can be opened. */
    XSync(t.peer, False);
    assert_true(find_kofu_window() == 0);
}

static void test_too_small_or_no_server(void **state)
{
    (void)state;
    need_xvfb();
    void *c = NULL;
    int w = 640, h = 480;
    assert_int_equal(x11_display_ops.open(&c, t.display, &w, &h), KOFU_E_DISPLAY);
    w = W;
    h = H;
    assert_int_equal(x11_display_ops.open(&c, ":999", &w, &h), KOFU_E_DISPLAY);
    /* Input without the window. */
    assert_int_equal(x11_input_ops.open(&c, NULL, W, H), KOFU_E_INPUT);
}

static void click(int x, int y, int release_x, int release_y)
{
    XTestFakeMotionEvent(t.peer, 0, x, y, CurrentTime);
    XTestFakeButtonEvent(t.peer, 1, True, CurrentTime);
    XTestFakeMotionEvent(t.peer, 0, release_x, release_y, CurrentTime);
    XTestFakeButtonEvent(t.peer, 1, False, CurrentTime);
    XSync(t.peer, False);
}

static void test_click_is_touch(void **state)
{
    (void)state;
    need_xvfb();
    open_both();
    drain_events();
    click(300, 200, 300, 200);
    struct input_event ev = next_event(2000);
    assert_int_equal(ev.kind, INPUT_TOUCH);
    assert_int_equal(ev.x, 300);
    assert_int_equal(ev.y, 200);
    /* A press that moves counts where it went down. */
    click(640, 700, 900, 100);
    ev = next_event(2000);
    assert_int_equal(ev.kind, INPUT_TOUCH);
    assert_int_equal(ev.x, 640);
    assert_int_equal(ev.y, 700);
    /* Other buttons are not touches. */
    XTestFakeButtonEvent(t.peer, 3, True, CurrentTime);
    XTestFakeButtonEvent(t.peer, 3, False, CurrentTime);
    XSync(t.peer, False);
    assert_int_equal(next_event(300).kind, 0);
    close_both();
}

static void type_key(KeySym sym)
{
    KeyCode code = XKeysymToKeycode(t.peer, sym);
    assert_true(code != 0);
    XTestFakeKeyEvent(t.peer, code, True, CurrentTime);
    XTestFakeKeyEvent(t.peer, code, False, CurrentTime);
    XSync(t.peer, False);
}

static void test_keys(void **state)
{
    (void)state;
    need_xvfb();
    open_both();
    drain_events();
    Window win = find_kofu_window();
    XTestFakeMotionEvent(t.peer, 0, 400, 400, CurrentTime); /* keys go where the pointer is, too */
    XSetInputFocus(t.peer, win, RevertToParent, CurrentTime);
    XSync(t.peer, False);
    const struct {
        KeySym sym;
        int key;
    } keys[] = {
        {XK_0, '0'},           {XK_5, '5'},         {XK_9, '9'},
        {XK_c, 'c'},           {XK_t, 't'},         {XK_BackSpace, INPUT_KEY_BACKSPACE},
        {XK_Return, INPUT_KEY_ENTER}, {XK_Escape, INPUT_KEY_ESCAPE}, {XK_F1, INPUT_KEY_F1},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        type_key(keys[i].sym);
        struct input_event ev = next_event(2000);
        assert_int_equal(ev.kind, INPUT_KEY);
        assert_int_equal(ev.key, keys[i].key);
    }
    /* A modifier alone says nothing. */
    type_key(XK_Shift_L);
    assert_int_equal(next_event(300).kind, 0);
    close_both();
}

static void test_expose_repaints(void **state)
{
    (void)state;
    need_xvfb();
    open_both();
    draw_pattern();
    assert_int_equal(x11_display_ops.present(t.display_ctx, (const uint8_t *)t.frame, W * 4, W, H), KOFU_OK);
    drain_events();
    /* Another window covers the green square, then goes away. */
    XSetWindowAttributes a = {.background_pixel = WhitePixel(t.peer, DefaultScreen(t.peer)),
                              .override_redirect = True};
    Window cover = XCreateWindow(t.peer, DefaultRootWindow(t.peer), 50, 50, 300, 300, 0, CopyFromParent,
                                 InputOutput, CopyFromParent, CWBackPixel | CWOverrideRedirect, &a);
    XMapRaised(t.peer, cover);
    XSync(t.peer, False);
    assert_int_equal(pixel_at(150, 150), 0xFFFFFF);
    XDestroyWindow(t.peer, cover);
    XSync(t.peer, False);
    /* The main loop's read() handles the Expose. */
    drain_events();
    XSync(t.peer, False);
    assert_int_equal(pixel_at(150, 150), 0x00FF00);
    assert_int_equal(pixel_at(60, 60), 0xFF0000);
    close_both();
}

static void test_close_window_is_quit(void **state)
{
    (void)state;
    need_xvfb();
    open_both();
    drain_events();
    Window win = find_kofu_window();
    XEvent ev;
    memset(&ev, 0, sizeof ev);
    ev.xclient.type = ClientMessage;
    ev.xclient.window = win;
    ev.xclient.message_type = XInternAtom(t.peer, "WM_PROTOCOLS", False);
    ev.xclient.format = 32;
    ev.xclient.data.l[0] = (long)XInternAtom(t.peer, "WM_DELETE_WINDOW", False);
    ev.xclient.data.l[1] = CurrentTime;
    XSendEvent(t.peer, win, False, NoEventMask, &ev);
    XSync(t.peer, False);
    assert_int_equal(next_event(2000).kind, INPUT_QUIT);
    close_both();
}

/* A digest of the header strip of the window (title and language button). */
static unsigned long long header_digest(void)
{
    XImage *img = XGetImage(t.peer, DefaultRootWindow(t.peer), 0, 0, W, 110, AllPlanes, ZPixmap);
    assert_non_null(img);
    unsigned long long d = 1469598103934665603ull;
    for (int y = 0; y < 110; y++)
        for (int x = 0; x < W; x++)
            d = (d ^ (XGetPixel(img, x, y) & 0xFFFFFF)) * 1099511628211ull;
    XDestroyImage(img);
    return d;
}

/* The digest once the window has not changed for 400 ms (within 10 s). */
static unsigned long long settled_digest(void)
{
    unsigned long long last = header_digest();
    for (int stable = 0, i = 0; stable < 4 && i < 100; i++) {
        kt_sleep_ms(100);
        unsigned long long d = header_digest();
        stable = d == last ? stable + 1 : 0;
        last = d;
    }
    return last;
}

/* The whole kiosk in the window: `kofu run --board sim` with display = x11,
 * the center answering (attract screen) and no card reader. The mouse taps
 * the language button and F1 switches back, through the driver, the
 * kiosk's hit test and the session; closing the window ends the run. */
static void test_kiosk_in_window(void **state)
{
    (void)state;
    need_xvfb();
    struct harness h;
    memset(&h, 0, sizeof h);
    static const char *const center_args[] = {"--hours", "00:00-24:00", NULL};
    assert_int_equal(harness_init(&h), 0);
    assert_int_equal(harness_start_centersim(&h, center_args), 0);
    char conf[400], extra[200], out_path[400];
    snprintf(conf, sizeof conf, "%s/kofu.conf", h.dir);
    snprintf(out_path, sizeof out_path, "%s/kofu.out", h.dir);
    snprintf(extra, sizeof extra, "display = x11\ndisplay_device = %s\nreader = none\n", t.display);
    assert_int_equal(harness_kiosk_config(&h, conf, "ipp://localhost:9/ipp/print", NULL, extra), 0);

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || dup2(fd, 1) < 0)
            _exit(127);
        const char *argv[] = {harness_path(0, "kofu-sim"), "run", "--board", "sim", "--config", conf, NULL};
        harness_exec(argv, false);
    }
    Window win = 0;
    for (int i = 0; i < 100 && !win; i++) {
        kt_sleep_ms(50);
        win = find_kofu_window();
    }
    assert_true(win != 0);
    unsigned long long ja = settled_digest();
    click(1133, 56, 1133, 56); /* the language button, top right */
    unsigned long long en = settled_digest();
    assert_true(en != ja);
    type_key(XK_F1); /* back to Japanese */
    assert_true(settled_digest() == ja);

    XEvent ev;
    memset(&ev, 0, sizeof ev);
    ev.xclient.type = ClientMessage;
    ev.xclient.window = win;
    ev.xclient.message_type = XInternAtom(t.peer, "WM_PROTOCOLS", False);
    ev.xclient.format = 32;
    ev.xclient.data.l[0] = (long)XInternAtom(t.peer, "WM_DELETE_WINDOW", False);
    XSendEvent(t.peer, win, False, NoEventMask, &ev);
    XSync(t.peer, False);
    int status = -1;
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        kt_sleep_ms(50);
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char text[1024] = "";
    FILE *f = fopen(out_path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_non_null(strstr(text, "board=sim"));
    assert_non_null(strstr(text, "exit=0"));
    harness_stop(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_and_pixels),
        cmocka_unit_test(test_too_small_or_no_server),
        cmocka_unit_test(test_click_is_touch),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_expose_repaints),
        cmocka_unit_test(test_close_window_is_quit),
        cmocka_unit_test(test_kiosk_in_window),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
