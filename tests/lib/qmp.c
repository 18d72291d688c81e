/* qmp.c — QMP client and P6 reader for the image tests (tests/lib/qmp.h). */
#include "tests/lib/qmp.h"

#include "base/bytes.h"
#include "base/clock.h"

#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* The tap's press lasts long enough for kofu's evdev reader to see a
 * press and a release in separate reads, under TCG too. */
#define QMP_TAP_HOLD_MS 80

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void set_reply(char *reply, size_t cap, const char *text)
{
    if (reply && cap)
        snprintf(reply, cap, "%s", text);
}

/* Reads until a whole line is in buf or the deadline passes. The line
 * (without its CR LF) is copied into line; 0, or -1 on time-out or EOF. */
static int read_line(struct qmp *q, char *line, size_t cap, int64_t deadline)
{
    for (;;) {
        char *nl = memchr(q->buf, '\n', q->len);
        if (nl) {
            size_t n = (size_t)(nl - q->buf);
            size_t keep = n;
            if (keep > 0 && q->buf[keep - 1] == '\r')
                keep--;
            if (keep >= cap)
                keep = cap - 1;
            memcpy(line, q->buf, keep);
            line[keep] = '\0';
            q->len -= n + 1;
            memmove(q->buf, nl + 1, q->len);
            return 0;
        }
        if (q->len == sizeof q->buf)
            return -1; /* a line longer than the buffer: not QEMU speaking */
        int64_t left = deadline - kofu_mono_ms();
        if (left <= 0)
            return -1;
        struct pollfd p = {q->fd, POLLIN, 0};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        ssize_t got = recv(q->fd, q->buf + q->len, sizeof q->buf - q->len, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        q->len += (size_t)got;
    }
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Waits for the answer to the command just sent, skipping events. */
static int await_answer(struct qmp *q, char *reply, size_t cap, int timeout_ms)
{
    static char line[sizeof ((struct qmp *)0)->buf];
    int64_t deadline = kofu_mono_ms() + timeout_ms;
    for (;;) {
        if (read_line(q, line, sizeof line, deadline) != 0) {
            set_reply(reply, cap, "no answer from QEMU (time-out or connection closed)");
            return -2;
        }
        json_t *msg = json_loads(line, 0, NULL);
        if (!json_is_object(msg)) {
            json_decref(msg);
            set_reply(reply, cap, "QEMU sent a line that is not a JSON object");
            return -2;
        }
        json_t *ret = json_object_get(msg, "return");
        json_t *err = json_object_get(msg, "error");
        int rc = 1;
        if (ret) {
            char *s = json_dumps(ret, JSON_COMPACT | JSON_ENCODE_ANY);
            set_reply(reply, cap, s ? s : "");
            free(s);
            rc = 0;
        } else if (err) {
            const char *cls = json_string_value(json_object_get(err, "class"));
            const char *desc = json_string_value(json_object_get(err, "desc"));
            if (reply && cap)
                snprintf(reply, cap, "%s: %s", cls ? cls : "?", desc ? desc : "?");
            rc = -1;
        }
        json_decref(msg); /* an "event" (or anything else): skipped */
        if (rc <= 0)
            return rc;
    }
}

int qmp_open(struct qmp *q, const char *socket_path, int timeout_ms)
{
    q->fd = -1;
    q->len = 0;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof sa.sun_path)
        return -1;
    memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
    int64_t deadline = kofu_mono_ms() + timeout_ms;
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            q->fd = fd;
            break;
        }
        close(fd);
        if (kofu_mono_ms() >= deadline)
            return -1;
        sleep_ms(20);
    }
    static char greeting[sizeof q->buf];
    int64_t left = deadline - kofu_mono_ms();
    if (read_line(q, greeting, sizeof greeting, deadline) != 0 || !strstr(greeting, "\"QMP\"") ||
        qmp_cmd(q, "{\"execute\":\"qmp_capabilities\"}", NULL, 0, left > 1000 ? (int)left : 1000) != 0) {
        qmp_close(q);
        return -1;
    }
    return 0;
}

int qmp_cmd(struct qmp *q, const char *json, char *reply, size_t cap, int timeout_ms)
{
    if (q->fd < 0) {
        set_reply(reply, cap, "not connected");
        return -2;
    }
    if (send_all(q->fd, json, strlen(json)) != 0 || send_all(q->fd, "\n", 1) != 0) {
        set_reply(reply, cap, "cannot send to QEMU");
        return -2;
    }
    return await_answer(q, reply, cap, timeout_ms);
}

/* Sends a command built with jansson (steals cmd). */
static int cmd_json(struct qmp *q, json_t *cmd, int timeout_ms)
{
    char *s = cmd ? json_dumps(cmd, JSON_COMPACT) : NULL;
    json_decref(cmd);
    if (!s)
        return -2;
    char reply[512];
    int rc = qmp_cmd(q, s, reply, sizeof reply, timeout_ms);
    free(s);
    if (rc != 0)
        fprintf(stderr, "qmp: %s\n", reply);
    return rc;
}

int qmp_screendump(struct qmp *q, const char *path)
{
    /* Under TCG on a busy machine the dump of a 1280x800 surface can take
     * a while. */
    return cmd_json(q, json_pack("{s:s, s:{s:s}}", "execute", "screendump", "arguments", "filename", path), 30000);
}

int qmp_abs_value(int px, int side)
{
    if (side < 2 || px <= 0)
        return 0;
    if (px >= side - 1)
        return QMP_ABS_MAX;
    /* Rounded up: rounding down would land one pixel short after kofu
     * rounds down again. */
    int64_t num = (int64_t)px * QMP_ABS_MAX, den = side - 1;
    return (int)((num + den - 1) / den);
}

static int send_events(struct qmp *q, const char *display_id, json_t *events)
{
    return cmd_json(q,
                    json_pack("{s:s, s:{s:s, s:o}}", "execute", "input-send-event", "arguments", "device",
                              display_id, "events", events),
                    5000);
}

int qmp_tap(struct qmp *q, const char *display_id, int x, int y, int screen_w, int screen_h)
{
    json_t *move = json_pack("[{s:s, s:{s:s, s:i}}, {s:s, s:{s:s, s:i}}]", "type", "abs", "data", "axis", "x",
                             "value", qmp_abs_value(x, screen_w), "type", "abs", "data", "axis", "y", "value",
                             qmp_abs_value(y, screen_h));
    int rc = send_events(q, display_id, move);
    if (rc == 0)
        rc = send_events(q, display_id,
                         json_pack("[{s:s, s:{s:b, s:s}}]", "type", "btn", "data", "down", 1, "button", "left"));
    if (rc != 0)
        return rc;
    sleep_ms(QMP_TAP_HOLD_MS);
    /* Always let go, so that a failed tap does not leave the button held. */
    return send_events(q, display_id,
                       json_pack("[{s:s, s:{s:b, s:s}}]", "type", "btn", "data", "down", 0, "button", "left"));
}

int qmp_key(struct qmp *q, const char *display_id, const char *qcode, bool down)
{
    return send_events(q, display_id,
                       json_pack("[{s:s, s:{s:b, s:{s:s, s:s}}}]", "type", "key", "data", "down", down ? 1 : 0,
                                 "key", "type", "qcode", "data", qcode));
}

int qmp_quit(struct qmp *q)
{
    char reply[256];
    int rc = qmp_cmd(q, "{\"execute\":\"quit\"}", reply, sizeof reply, 5000);
    /* QEMU may close the socket before its answer gets out: that is a quit
     * too. */
    return rc == -1 ? -1 : 0;
}

void qmp_close(struct qmp *q)
{
    if (q->fd >= 0)
        close(q->fd);
    q->fd = -1;
    q->len = 0;
}

/* ---- P6 ------------------------------------------------------------------ */

static bool is_space(uint8_t b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f';
}

/* Skips whitespace and comments; true when at least one byte was skipped
 * (the header's fields must be separated). */
static bool skip_space(kofu_cur *c)
{
    bool any = false;
    uint8_t b;
    for (;;) {
        kofu_cur save = *c;
        if (!cur_get_u8(c, &b)) {
            *c = save;
            return any;
        }
        if (b == '#') {
            while (cur_get_u8(c, &b) && b != '\n') {
            }
        } else if (!is_space(b)) {
            *c = save;
            return any;
        }
        any = true;
    }
}

/* A decimal of 1..5 digits (no field of ours is longer), value in [1, max]. */
static bool get_number(kofu_cur *c, int max, int *out)
{
    int v = 0, digits = 0;
    uint8_t b;
    for (;;) {
        kofu_cur save = *c;
        if (!cur_get_u8(c, &b) || b < '0' || b > '9') {
            *c = save;
            break;
        }
        if (++digits > 5)
            return false;
        v = v * 10 + (b - '0');
    }
    if (digits == 0 || v < 1 || v > max)
        return false;
    *out = v;
    return true;
}

int ppm_parse(const uint8_t *p, size_t len, struct ppm *img)
{
    memset(img, 0, sizeof *img);
    kofu_cur c;
    cur_init(&c, p, len);
    static const uint8_t magic[2] = {'P', '6'};
    uint8_t m[2], sep;
    int w, h, maxval;
    if (!cur_copy(&c, m, 2) || memcmp(m, magic, 2) != 0)
        return -1;
    if (!skip_space(&c) || !get_number(&c, PPM_SIDE_MAX, &w) || !skip_space(&c) ||
        !get_number(&c, PPM_SIDE_MAX, &h) || !skip_space(&c) || !get_number(&c, 65535, &maxval))
        return -1;
    /* maxval above 255 means two bytes per sample: QEMU never writes it. */
    if (maxval != 255)
        return -1;
    if (!cur_get_u8(&c, &sep) || !is_space(sep))
        return -1;
    size_t n = (size_t)w * (size_t)h * 3;
    if (cur_len(&c) != n)
        return -1;
    uint8_t *rgb = malloc(n);
    if (!rgb || !cur_copy(&c, rgb, n)) {
        free(rgb);
        return -1;
    }
    img->width = w;
    img->height = h;
    img->rgb = rgb;
    return 0;
}

int ppm_load(const char *path, struct ppm *img)
{
    memset(img, 0, sizeof *img);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > (1L << 30)) {
        fclose(f);
        return -1;
    }
    size_t n = (size_t)st.st_size;
    uint8_t *buf = malloc(n);
    bool ok = buf && fread(buf, 1, n, f) == n;
    fclose(f);
    int rc = ok ? ppm_parse(buf, n, img) : -1;
    free(buf);
    return rc;
}

uint32_t ppm_pixel(const struct ppm *img, int x, int y)
{
    if (!img->rgb || x < 0 || y < 0 || x >= img->width || y >= img->height)
        return 0;
    const uint8_t *px = img->rgb + ((size_t)y * (size_t)img->width + (size_t)x) * 3;
    return (uint32_t)px[0] << 16 | (uint32_t)px[1] << 8 | px[2];
}

void ppm_free(struct ppm *img)
{
    free(img->rgb);
    memset(img, 0, sizeof *img);
}
