/*
 * qmp.h — a small client of QEMU's machine protocol (QMP) for the tests
 * that boot the kiosk image, and the reader of the screen dumps it asks for.
 *
 * Owns: struct qmp (one connection to QEMU's `-qmp unix:PATH,server=on`
 * socket; qmp_close closes it) and struct ppm (a decoded P6 image whose
 * pixels are malloc'd; ppm_free frees them).
 *
 * Every call waits under its own time-out and never longer. Asynchronous
 * events (lines with "event") that arrive while a command waits are
 * skipped: the tests look at the screen and the peers, not at events.
 *
 * Input: the tablet and keyboard are bound to the display (`display=ID` on
 * the input devices) and input-send-event names that display, not the
 * input device (QEMU refuses an input device's id: "not bound to a
 * QemuConsole").
 */
#ifndef KOFU_TESTS_LIB_QMP_H
#define KOFU_TESTS_LIB_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct qmp {
    int fd;
    size_t len;        /* bytes in buf not yet taken as lines */
    char buf[65536];
};

/** The tablet's absolute axes run 0..QMP_ABS_MAX (QEMU's INPUT_EVENT_ABS_MAX). */
#define QMP_ABS_MAX 32767
/** The largest image ppm_load accepts, per side. */
#define PPM_SIDE_MAX 16384

/** Connect to QEMU's QMP socket at socket_path (retrying while QEMU is
 *  not yet listening), read its greeting and leave negotiation mode
 *  (qmp_capabilities). 0, or -1 when that did not happen within
 *  timeout_ms (q is then closed). */
int qmp_open(struct qmp *q, const char *socket_path, int timeout_ms);

/** Send one command (a whole JSON object, e.g.
 *  `{"execute":"query-status"}`) and wait for its answer. 0 on "return"
 *  (reply: the returned value as compact JSON), -1 on "error" (reply: the
 *  error's class and description), -2 on a time-out, a lost connection or
 *  an unreadable answer (reply: why). reply may be NULL (cap 0). */
int qmp_cmd(struct qmp *q, const char *json, char *reply, size_t cap, int timeout_ms);

/** screendump of the default display into path, as P6 PPM (no format
 *  argument: QEMU 7.2's default). 0 or as qmp_cmd. */
int qmp_screendump(struct qmp *q, const char *path);

/** The value on the tablet's axis for pixel coordinate px on a screen of
 *  side pixels: the smallest value that kofu's evdev driver
 *  (raw * (side - 1) / QMP_ABS_MAX, rounded down) takes back to px. */
int qmp_abs_value(int px, int side);

/** A tap at pixel (x, y) of a screen_w × screen_h display: the tablet
 *  moved there, the left button down, a short pause, up. display_id is
 *  the display the tablet is bound to (e.g. "vga0"). 0 or as qmp_cmd. */
int qmp_tap(struct qmp *q, const char *display_id, int x, int y, int screen_w, int screen_h);

/** A key (QEMU qcode, e.g. "pause") pressed (down) or released. */
int qmp_key(struct qmp *q, const char *display_id, const char *qcode, bool down);

/** Ask QEMU to quit (which also finishes its WAV file). 0 when QEMU
 *  answered or closed the connection; waiting for its exit is the
 *  caller's. */
int qmp_quit(struct qmp *q);

/** Close the connection (idempotent). */
void qmp_close(struct qmp *q);

struct ppm {
    int width, height;
    uint8_t *rgb; /* width * height * 3 bytes, rows top to bottom */
};

/** Decode a P6 image with maxval 255 from len bytes at p: header fields
 *  separated by whitespace (comments from '#' to the end of a line
 *  allowed), one whitespace byte, then exactly width * height * 3 bytes.
 *  Sides 1..PPM_SIDE_MAX. 0, or -1 (img zeroed) for anything else. */
int ppm_parse(const uint8_t *p, size_t len, struct ppm *img);

/** ppm_parse of the file at path (at most 1 GiB). */
int ppm_load(const char *path, struct ppm *img);

/** The pixel at (x, y) as 0xRRGGBB; 0 outside the image. */
uint32_t ppm_pixel(const struct ppm *img, int x, int y);

void ppm_free(struct ppm *img);

#endif
