/* x11.c — see x11.h. */
#include "drivers/display/x11.h"

#include "base/errors.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/keysym.h>

#define X11_WIDTH_MIN 800
#define X11_HEIGHT_MIN 480
#define X11_SIDE_MAX 8192
#define X11_TITLE "kofu"

/* The one window of the process, shared by the display and the input side.
 * Each side holds a reference; the connection closes with the last. */
static struct x11_window {
    Display *dpy;
    Window win;
    GC gc;
    Atom wm_delete;
    XImage *frame; /* the last frame (our buffer), for repainting on Expose */
    int width, height;
    bool display_open, input_open;
    bool failed; /* an X protocol error arrived since the last call */
    int (*previous_handler)(Display *, XErrorEvent *);
} x11;

struct x11_input_ctx {
    int width, height; /* what touch positions are scaled to */
    bool pressed;
    int press_x, press_y;
};

/* Xlib reports protocol errors asynchronously, to one handler per process:
 * remember that one came, and fail the next call. */
static int x11_on_error(Display *dpy, XErrorEvent *ev)
{
    (void)dpy;
    (void)ev;
    x11.failed = true;
    return 0;
}

static bool visual_is_rgb888(const Visual *v, int depth)
{
    return (depth == 24 || depth == 32) && v->class == TrueColor && v->red_mask == 0xFF0000 &&
           v->green_mask == 0x00FF00 && v->blue_mask == 0x0000FF;
}

static void x11_release(void)
{
    if (x11.display_open || x11.input_open || !x11.dpy)
        return;
    if (x11.frame) {
        explicit_bzero(x11.frame->data, (size_t)x11.frame->bytes_per_line * (size_t)x11.height);
        XDestroyImage(x11.frame); /* frees our buffer too */
    }
    if (x11.gc)
        XFreeGC(x11.dpy, x11.gc);
    if (x11.win)
        XDestroyWindow(x11.dpy, x11.win);
    XCloseDisplay(x11.dpy);
    XSetErrorHandler(x11.previous_handler);
    memset(&x11, 0, sizeof x11);
}

static int x11_display_open(void **ctx, const char *spec, int *width, int *height)
{
    if (!ctx || !width || !height)
        return KOFU_E_ARG;
    if (x11.dpy) /* one kiosk screen per process */
        return KOFU_E_DISPLAY;
    int w = *width, h = *height;
    if (w < X11_WIDTH_MIN || h < X11_HEIGHT_MIN || w > X11_SIDE_MAX || h > X11_SIDE_MAX)
        return KOFU_E_DISPLAY;
    Display *dpy = XOpenDisplay(spec && *spec ? spec : NULL);
    if (!dpy)
        return KOFU_E_DISPLAY;
    int screen = DefaultScreen(dpy);
    Visual *visual = DefaultVisual(dpy, screen);
    int depth = DefaultDepth(dpy, screen);
    if (!visual_is_rgb888(visual, depth)) {
        XCloseDisplay(dpy);
        return KOFU_E_DISPLAY;
    }
    char *pixels = calloc((size_t)w * (size_t)h, 4);
    if (!pixels) {
        XCloseDisplay(dpy);
        return KOFU_E_NOMEM;
    }
    XImage *frame = XCreateImage(dpy, visual, (unsigned)depth, ZPixmap, 0, pixels, (unsigned)w, (unsigned)h, 32, w * 4);
    if (!frame) {
        free(pixels);
        XCloseDisplay(dpy);
        return KOFU_E_NOMEM;
    }
    /* The frame is cairo's native-endian 0xAARRGGBB words: tell Xlib the
     * host's byte order, and it converts for the server if need be. */
    const uint32_t probe = 1;
    frame->byte_order = *(const uint8_t *)&probe ? LSBFirst : MSBFirst;
    XInitImage(frame);

    x11.previous_handler = XSetErrorHandler(x11_on_error);
    x11.dpy = dpy;
    x11.frame = frame;
    x11.width = w;
    x11.height = h;
    x11.win = XCreateSimpleWindow(dpy, RootWindow(dpy, screen), 0, 0, (unsigned)w, (unsigned)h, 0,
                                  BlackPixel(dpy, screen), BlackPixel(dpy, screen));
    x11.gc = XCreateGC(dpy, x11.win, 0, NULL);
    XStoreName(dpy, x11.win, X11_TITLE);
    XClassHint class_hint = {.res_name = (char *)(uintptr_t)X11_TITLE, .res_class = (char *)(uintptr_t)X11_TITLE};
    XSetClassHint(dpy, x11.win, &class_hint);
    /* min = max: the window manager offers no resizing. */
    XSizeHints *size = XAllocSizeHints();
    if (size) {
        size->flags = PMinSize | PMaxSize | PBaseSize;
        size->min_width = size->max_width = size->base_width = w;
        size->min_height = size->max_height = size->base_height = h;
        XSetWMNormalHints(dpy, x11.win, size);
        XFree(size);
    }
    x11.wm_delete = XInternAtom(dpy, "WM_DELETE_WINDOW", False);
    XSetWMProtocols(dpy, x11.win, &x11.wm_delete, 1);
    XSelectInput(dpy, x11.win, ExposureMask | ButtonPressMask | ButtonReleaseMask | KeyPressMask);
    XMapRaised(dpy, x11.win);
    XSync(dpy, False);
    x11.display_open = true;
    if (x11.failed) {
        x11.display_open = false;
        x11_release();
        return KOFU_E_DISPLAY;
    }
    *ctx = &x11;
    return KOFU_OK;
}

static void x11_repaint(void)
{
    XPutImage(x11.dpy, x11.win, x11.gc, x11.frame, 0, 0, 0, 0, (unsigned)x11.width, (unsigned)x11.height);
}

static int x11_status(int err)
{
    if (!x11.failed)
        return KOFU_OK;
    x11.failed = false;
    return err;
}

static int x11_display_present(void *ctx, const uint8_t *argb32, int stride, int width, int height)
{
    if (ctx != &x11 || !x11.display_open || !argb32 || width != x11.width || height != x11.height ||
        stride < width * 4)
        return KOFU_E_ARG;
    size_t row = (size_t)width * 4;
    for (int y = 0; y < height; y++)
        memcpy(x11.frame->data + (size_t)y * (size_t)x11.frame->bytes_per_line, argb32 + (size_t)y * (size_t)stride,
               row);
    x11_repaint();
    XFlush(x11.dpy);
    return x11_status(KOFU_E_DISPLAY);
}

static int x11_display_clear(void *ctx)
{
    if (ctx != &x11 || !x11.display_open)
        return KOFU_E_ARG;
    /* All zero is black (the visual ignores the alpha byte). */
    explicit_bzero(x11.frame->data, (size_t)x11.frame->bytes_per_line * (size_t)x11.height);
    x11_repaint();
    XFlush(x11.dpy);
    return x11_status(KOFU_E_DISPLAY);
}

static void x11_display_close(void *ctx)
{
    if (ctx != &x11 || !x11.display_open)
        return;
    x11_display_clear(ctx);
    x11.display_open = false;
    if (x11.input_open) {
        /* The window stays for the input side, but the frame is gone. */
        XSync(x11.dpy, False);
        return;
    }
    x11_release();
}

static int x11_input_open(void **ctx, const char *spec, int width, int height)
{
    (void)spec;
    if (!ctx || width <= 0 || height <= 0)
        return KOFU_E_ARG;
    if (!x11.dpy || !x11.display_open || x11.input_open)
        return KOFU_E_INPUT; /* the window is the display's: open that first */
    struct x11_input_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    c->width = width;
    c->height = height;
    x11.input_open = true;
    *ctx = c;
    return KOFU_OK;
}

static int x11_input_fd(void *ctx)
{
    return ctx && x11.dpy ? ConnectionNumber(x11.dpy) : -1;
}

/* Window pixels to the input's coordinates, clamped inside them. */
static int x11_scale(int v, int from, int to)
{
    if (v < 0)
        v = 0;
    if (v >= from)
        v = from - 1;
    return from == to ? v : (int)((int64_t)v * to / from);
}

static bool x11_key(XKeyEvent *kev, int *key)
{
    char text[8];
    KeySym sym = NoSymbol;
    int n = XLookupString(kev, text, sizeof text, &sym, NULL);
    switch (sym) {
    case XK_BackSpace:
        *key = INPUT_KEY_BACKSPACE;
        return true;
    case XK_Return:
    case XK_KP_Enter:
        *key = INPUT_KEY_ENTER;
        return true;
    case XK_Escape:
        *key = INPUT_KEY_ESCAPE;
        return true;
    case XK_F1:
        *key = INPUT_KEY_F1;
        return true;
    case XK_F12:
        *key = INPUT_KEY_F12;
        return true;
    default:
        break;
    }
    if (sym >= XK_KP_0 && sym <= XK_KP_9) {
        *key = '0' + (int)(sym - XK_KP_0);
        return true;
    }
    if (n == 1 && text[0] >= 0x20 && text[0] <= 0x7E) {
        *key = text[0];
        return true;
    }
    return false;
}

static int x11_input_read(void *ctx, struct input_event *ev)
{
    struct x11_input_ctx *c = ctx;
    if (!c || !ev || !x11.dpy || !x11.input_open)
        return KOFU_E_ARG;
    /* XPending reads what the connection has without blocking. */
    while (XPending(x11.dpy) > 0) {
        XEvent xe;
        XNextEvent(x11.dpy, &xe);
        if (xe.xany.window != x11.win)
            continue;
        switch (xe.type) {
        case Expose:
            if (xe.xexpose.count == 0 && x11.display_open) {
                x11_repaint();
                XFlush(x11.dpy);
            }
            break;
        case ButtonPress:
            if (xe.xbutton.button == Button1) {
                c->pressed = true;
                c->press_x = xe.xbutton.x;
                c->press_y = xe.xbutton.y;
            }
            break;
        case ButtonRelease:
            if (xe.xbutton.button == Button1 && c->pressed) {
                c->pressed = false;
                memset(ev, 0, sizeof *ev);
                ev->kind = INPUT_TOUCH;
                ev->x = x11_scale(c->press_x, x11.width, c->width);
                ev->y = x11_scale(c->press_y, x11.height, c->height);
                return 1;
            }
            break;
        case KeyPress: {
            int key;
            if (x11_key(&xe.xkey, &key)) {
                memset(ev, 0, sizeof *ev);
                ev->kind = INPUT_KEY;
                ev->key = key;
                return 1;
            }
            break;
        }
        case ClientMessage:
            if ((Atom)xe.xclient.data.l[0] == x11.wm_delete) {
                memset(ev, 0, sizeof *ev);
                ev->kind = INPUT_QUIT;
                return 1;
            }
            break;
        default:
            break;
        }
    }
    return x11_status(KOFU_E_INPUT);
}

static void x11_input_close(void *ctx)
{
    if (!ctx)
        return;
    free(ctx);
    x11.input_open = false;
    x11_release();
}

const struct display_ops x11_display_ops = {
    .open = x11_display_open,
    .present = x11_display_present,
    .clear = x11_display_clear,
    .close = x11_display_close,
};

const struct input_ops x11_input_ops = {
    .open = x11_input_open,
    .fd = x11_input_fd,
    .read = x11_input_read,
    .close = x11_input_close,
};
