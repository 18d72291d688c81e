/* evdev.c — see evdev.h. */

/* The kernel's record is struct linux_input_event here; struct input_event
 * is kofu's (input.h). */
#define input_event linux_input_event
#include <linux/input.h>
#undef input_event

#include "drivers/input/evdev.h"

#include "base/errors.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

_Static_assert(EVDEV_TRAY_DEFAULT_TYPE == EV_SW && EVDEV_TRAY_DEFAULT_CODE == SW_FRONT_PROXIMITY,
               "the header's numbers are the kernel's");

#define EVDEV_QUEUE 16    /* reported events waiting for read() */
#define EVDEV_READ_BATCH 64

/* One device's byte stream: a record may arrive in pieces (never from the
 * kernel, but the code does not rely on that). */
struct evdev_stream {
    int fd;
    uint8_t partial[sizeof(struct linux_input_event)];
    size_t partial_len;
    bool dropping; /* after SYN_DROPPED, until the next SYN_REPORT */
};

struct evdev_slot {
    int x, y;             /* raw, as last reported */
    bool new_contact;     /* a tracking id >= 0 arrived in this frame */
    bool lifted;          /* tracking id -1 arrived in this frame */
};

struct evdev_ctx {
    int epoll_fd;
    struct evdev_stream touch, tray;
    struct evdev_config cfg;
    int width, height;

    /* Touch state. */
    int raw_x, raw_y;      /* single-touch position */
    int btn_event;         /* BTN_TOUCH in this frame: -1 none, 0 up, 1 down */
    struct evdev_slot slots[EVDEV_MT_SLOTS];
    int slot;              /* current MT slot, -1 when out of range */
    bool gesture;          /* a finger is down and counts */
    int gesture_slot;      /* MT: the slot of that finger */
    int down_x, down_y;    /* screen point where it went down */

    /* Tray state. */
    int tray_event;        /* value in this frame: -1 none */

    struct input_event out[EVDEV_QUEUE];
    unsigned out_head, out_len;
};

static void queue_event(struct evdev_ctx *c, struct input_event ev)
{
    if (c->out_len == EVDEV_QUEUE)
        return; /* the loop is not reading: an old tap is worth less than a crash */
    c->out[(c->out_head + c->out_len) % EVDEV_QUEUE] = ev;
    c->out_len++;
}

static int scale(int raw, int min, int max, int size)
{
    if (raw <= min)
        return 0;
    if (raw >= max)
        return size - 1;
    return (int)(((int64_t)raw - min) * (size - 1) / ((int64_t)max - min));
}

static void start_gesture(struct evdev_ctx *c, int raw_x, int raw_y)
{
    c->gesture = true;
    c->down_x = scale(raw_x, c->cfg.x_min, c->cfg.x_max, c->width);
    c->down_y = scale(raw_y, c->cfg.y_min, c->cfg.y_max, c->height);
}

static void end_gesture(struct evdev_ctx *c)
{
    if (c->gesture) {
        struct input_event ev = {.kind = INPUT_TOUCH, .x = c->down_x, .y = c->down_y};
        queue_event(c, ev);
    }
    c->down_x = c->down_y = 0;
    c->gesture = false;
    c->gesture_slot = -1;
}

static void clear_frame(struct evdev_ctx *c)
{
    c->btn_event = -1;
    c->tray_event = -1;
    for (int i = 0; i < EVDEV_MT_SLOTS; i++)
        c->slots[i].new_contact = c->slots[i].lifted = false;
}

/* SYN_REPORT on the touch device: the frame's changes take effect. */
static void commit_touch_frame(struct evdev_ctx *c)
{
    if (!c->cfg.multitouch) {
        if (c->btn_event == 1 && !c->gesture)
            start_gesture(c, c->raw_x, c->raw_y);
        else if (c->btn_event == 0)
            end_gesture(c);
    } else {
        if (c->gesture && c->slots[c->gesture_slot].lifted) {
            end_gesture(c);
        }
        for (int i = 0; i < EVDEV_MT_SLOTS && !c->gesture; i++)
            if (c->slots[i].new_contact && !c->slots[i].lifted) {
                start_gesture(c, c->slots[i].x, c->slots[i].y);
                c->gesture_slot = i;
            }
    }
    clear_frame(c);
}

static void touch_record(struct evdev_ctx *c, const struct linux_input_event *e)
{
    /* A single-touch panel's contact is BTN_TOUCH; an absolute pointer
     * with a button (a resistive panel's controller as a tablet, QEMU's
     * virtio and USB tablets) says it with BTN_LEFT. */
    if (e->type == EV_KEY && (e->code == BTN_TOUCH || e->code == BTN_LEFT) && !c->cfg.multitouch) {
        if (e->value == 0 || e->value == 1)
            c->btn_event = e->value;
        return;
    }
    if (e->type != EV_ABS)
        return;
    if (!c->cfg.multitouch) {
        if (e->code == ABS_X)
            c->raw_x = e->value;
        else if (e->code == ABS_Y)
            c->raw_y = e->value;
        return;
    }
    if (e->code == ABS_MT_SLOT) {
        c->slot = e->value >= 0 && e->value < EVDEV_MT_SLOTS ? e->value : -1;
        return;
    }
    if (c->slot < 0)
        return;
    struct evdev_slot *s = &c->slots[c->slot];
    switch (e->code) {
    case ABS_MT_TRACKING_ID:
        if (e->value < 0)
            s->lifted = true;
        else
            s->new_contact = true;
        break;
    case ABS_MT_POSITION_X:
        s->x = e->value;
        break;
    case ABS_MT_POSITION_Y:
        s->y = e->value;
        break;
    default:
        break;
    }
}

static void tray_record(struct evdev_ctx *c, const struct linux_input_event *e)
{
    /* The service key switch shares the tray's gpio-keys node: a press (not
     * its release nor its autorepeat) asks for the service mode at once. */
    if (e->type == EV_KEY && e->code == EVDEV_SERVICE_KEY_CODE && e->value == 1 &&
        !(c->cfg.tray_type == EV_KEY && c->cfg.tray_code == EVDEV_SERVICE_KEY_CODE)) {
        struct input_event ev = {.kind = INPUT_KEY, .key = INPUT_KEY_SERVICE};
        queue_event(c, ev);
        return;
    }
    if (e->type == c->cfg.tray_type && e->code == c->cfg.tray_code && (e->value == 0 || e->value == 1))
        c->tray_event = e->value;
}

/* After SYN_DROPPED: the state the kernel's lost events would have told
 * is unknown. The touch in progress is cancelled; the MT slot is asked of
 * the device where it can say (a test's pipe cannot: then slot 0). */
static void resync_touch(struct evdev_ctx *c)
{
    c->gesture = false;
    c->gesture_slot = -1;
    if (c->cfg.multitouch) {
        struct input_absinfo abs;
        c->slot = ioctl(c->touch.fd, EVIOCGABS(ABS_MT_SLOT), &abs) == 0 && abs.value >= 0 &&
                          abs.value < EVDEV_MT_SLOTS
                      ? abs.value
                      : 0;
    }
}

static void handle_record(struct evdev_ctx *c, struct evdev_stream *s, const struct linux_input_event *e)
{
    bool is_touch = s == &c->touch;
    if (e->type == EV_SYN && e->code == SYN_DROPPED) {
        s->dropping = true;
        if (is_touch)
            clear_frame(c);
        else
            c->tray_event = -1;
        return;
    }
    if (e->type == EV_SYN && e->code == SYN_REPORT) {
        if (s->dropping) {
            s->dropping = false;
            if (is_touch) {
                clear_frame(c);
                resync_touch(c);
            } else {
                c->tray_event = -1;
            }
            return;
        }
        if (is_touch) {
            commit_touch_frame(c);
        } else {
            if (c->tray_event == 0) {
                struct input_event ev = {.kind = INPUT_TRAY_EMPTY};
                queue_event(c, ev);
            }
            c->tray_event = -1;
        }
        return;
    }
    if (s->dropping)
        return;
    if (is_touch)
        touch_record(c, e);
    else
        tray_record(c, e);
}

/* Reads what one device has (one batch). 1: read something, 0: nothing
 * pending, KOFU_E_INPUT: the device failed or went away. */
static int pump(struct evdev_ctx *c, struct evdev_stream *s)
{
    if (s->fd < 0)
        return 0;
    uint8_t buf[EVDEV_READ_BATCH * sizeof(struct linux_input_event)];
    size_t have = s->partial_len;
    memcpy(buf, s->partial, have);
    ssize_t n;
    do
        n = read(s->fd, buf + have, sizeof buf - have);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : KOFU_E_INPUT;
    if (n == 0)
        return KOFU_E_INPUT; /* end of file: the device (or the test's writer) is gone */
    have += (size_t)n;
    size_t whole = have / sizeof(struct linux_input_event) * sizeof(struct linux_input_event);
    for (size_t off = 0; off < whole; off += sizeof(struct linux_input_event)) {
        struct linux_input_event e;
        memcpy(&e, buf + off, sizeof e);
        handle_record(c, s, &e);
    }
    s->partial_len = have - whole;
    memcpy(s->partial, buf + whole, s->partial_len);
    explicit_bzero(buf, sizeof buf); /* raw positions of the taps (input.h) */
    return 1;
}

static int evdev_read(void *ctx, struct input_event *ev)
{
    struct evdev_ctx *c = ctx;
    if (!c || !ev)
        return KOFU_E_ARG;
    /* Bounded: each pass either reads a batch or finds both devices dry. */
    for (int pass = 0; pass < 64 && c->out_len == 0; pass++) {
        int t = pump(c, &c->touch);
        if (t < 0)
            return t;
        int s = pump(c, &c->tray);
        if (s < 0)
            return s;
        if (t == 0 && s == 0)
            break;
    }
    if (c->out_len == 0)
        return 0;
    *ev = c->out[c->out_head];
    /* A tap read is the caller's: the ring keeps no history of taps, which
     * with the PIN pad's layout would give the PIN back (input.h). */
    explicit_bzero(&c->out[c->out_head], sizeof c->out[c->out_head]);
    c->out_head = (c->out_head + 1) % EVDEV_QUEUE;
    c->out_len--;
    return 1;
}

static int evdev_fd(void *ctx)
{
    struct evdev_ctx *c = ctx;
    return c ? c->epoll_fd : -1;
}

int evdev_input_open_fds(void **out, const struct evdev_config *cfg, int width, int height)
{
    if (!out || !cfg || cfg->touch_fd < 0 || width <= 0 || height <= 0)
        return KOFU_E_ARG;
    if (cfg->x_max <= cfg->x_min || cfg->y_max <= cfg->y_min)
        return KOFU_E_INPUT;
    if (cfg->tray_fd >= 0 && cfg->tray_type != EV_SW && cfg->tray_type != EV_KEY)
        return KOFU_E_ARG;
    struct evdev_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    c->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (c->epoll_fd < 0) {
        free(c);
        return KOFU_E_INPUT;
    }
    struct epoll_event ee = {.events = EPOLLIN};
    ee.data.fd = cfg->touch_fd;
    bool ok = epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, cfg->touch_fd, &ee) == 0;
    if (ok && cfg->tray_fd >= 0) {
        ee.data.fd = cfg->tray_fd;
        ok = epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, cfg->tray_fd, &ee) == 0;
    }
    if (!ok) {
        close(c->epoll_fd);
        free(c);
        return KOFU_E_INPUT;
    }
    c->cfg = *cfg;
    c->touch.fd = cfg->touch_fd;
    c->tray.fd = cfg->tray_fd;
    c->width = width;
    c->height = height;
    c->slot = 0;
    c->gesture_slot = -1;
    clear_frame(c);
    *out = c;
    return KOFU_OK;
}

/* Splits "PATH[#sw=N|#key=N]" into the path and the tray's type and code. */
static int parse_tray(char *part, int *type, int *code)
{
    *type = EVDEV_TRAY_DEFAULT_TYPE;
    *code = EVDEV_TRAY_DEFAULT_CODE;
    char *hash = strchr(part, '#');
    if (!hash)
        return KOFU_OK;
    *hash = '\0';
    const char *sel = hash + 1;
    const char *num;
    if (strncmp(sel, "sw=", 3) == 0) {
        *type = EV_SW;
        num = sel + 3;
    } else if (strncmp(sel, "key=", 4) == 0) {
        *type = EV_KEY;
        num = sel + 4;
    } else {
        return KOFU_E_CONFIG;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(num, &end, 0);
    if (errno || end == num || *end || v < 0 || v > (*type == EV_SW ? SW_MAX : KEY_MAX))
        return KOFU_E_CONFIG;
    *code = (int)v;
    return KOFU_OK;
}

static int open_grabbed(const char *path)
{
    if (!*path)
        return -1;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    if (ioctl(fd, EVIOCGRAB, 1) != 0) { /* another program has it, or no evdev device */
        close(fd);
        return -1;
    }
    return fd;
}

static bool has_bit(const unsigned long *bits, unsigned bit)
{
    return (bits[bit / (8 * sizeof(long))] >> (bit % (8 * sizeof(long)))) & 1ul;
}

static bool axis_range(int fd, unsigned code, int *min, int *max)
{
    struct input_absinfo abs;
    if (ioctl(fd, EVIOCGABS(code), &abs) != 0 || abs.maximum <= abs.minimum)
        return false;
    *min = abs.minimum;
    *max = abs.maximum;
    return true;
}

static int evdev_open(void **out, const char *spec, int width, int height)
{
    if (!out || !spec || !*spec)
        return KOFU_E_CONFIG;
    char buf[PATH_MAX * 2];
    size_t len = strlen(spec);
    if (len >= sizeof buf)
        return KOFU_E_CONFIG;
    memcpy(buf, spec, len + 1);
    char *tray_path = strchr(buf, ',');
    struct evdev_config cfg = {.touch_fd = -1, .tray_fd = -1};
    if (tray_path) {
        *tray_path++ = '\0';
        int rc = parse_tray(tray_path, &cfg.tray_type, &cfg.tray_code);
        if (rc != KOFU_OK || !*tray_path)
            return KOFU_E_CONFIG;
    }
    cfg.touch_fd = open_grabbed(buf);
    if (cfg.touch_fd < 0)
        return KOFU_E_INPUT;
    int rc = KOFU_E_INPUT;
    unsigned long abs_bits[ABS_CNT / (8 * sizeof(long)) + 1];
    memset(abs_bits, 0, sizeof abs_bits);
    if (ioctl(cfg.touch_fd, EVIOCGBIT(EV_ABS, sizeof abs_bits), abs_bits) < 0)
        goto fail;
    cfg.multitouch = has_bit(abs_bits, ABS_MT_POSITION_X) && has_bit(abs_bits, ABS_MT_TRACKING_ID);
    unsigned ax = cfg.multitouch ? ABS_MT_POSITION_X : ABS_X;
    unsigned ay = cfg.multitouch ? ABS_MT_POSITION_Y : ABS_Y;
    if (!axis_range(cfg.touch_fd, ax, &cfg.x_min, &cfg.x_max) ||
        !axis_range(cfg.touch_fd, ay, &cfg.y_min, &cfg.y_max))
        goto fail;
    if (tray_path) {
        cfg.tray_fd = open_grabbed(tray_path);
        if (cfg.tray_fd < 0)
            goto fail;
    }
    rc = evdev_input_open_fds(out, &cfg, width, height);
    if (rc == KOFU_OK)
        return KOFU_OK;
fail:
    if (cfg.tray_fd >= 0)
        close(cfg.tray_fd);
    close(cfg.touch_fd);
    return rc;
}

static void evdev_close(void *ctx)
{
    struct evdev_ctx *c = ctx;
    if (!c)
        return;
    close(c->epoll_fd);
    if (c->tray.fd >= 0)
        close(c->tray.fd);
    close(c->touch.fd); /* closing also releases the grab */
    free(c);
}

const struct input_ops evdev_input_ops = {
    .open = evdev_open,
    .fd = evdev_fd,
    .read = evdev_read,
    .close = evdev_close,
};
