/*
 * input.h — the input device class: the touch panel, keys, and the sensors
 * the session waits on (the certificate tray).
 *
 * Owns: struct input_ops, which a driver implements:
 * drivers/display/x11.c (the mouse as touch, keyboard shortcuts; one device
 * with the window, so it lives under display/), drivers/input/evdev.c (the
 * kiosk's touch panel and a gpio-keys tray sensor through Linux evdev), and
 * struct input_event, what every driver reports in screen pixels.
 *
 * Drivers never block: the main loop polls fd() and calls read() until it
 * returns 0. A touch is reported once, when the finger is lifted, at the
 * point where it went down (a press that moves off a button still counts
 * for the button it started on, as kiosk users expect).
 *
 * A driver keeps no history of taps: once read() has handed an event
 * over, the driver's copy is zeroed (taps on the PIN pad together with its
 * shuffled layout would give the PIN back).
 *
 * Errors are kofu_err codes (KOFU_E_INPUT when the device fails).
 */
#ifndef KOFU_INPUT_H
#define KOFU_INPUT_H

#include <stdbool.h>

enum input_kind {
    INPUT_TOUCH = 1,     /* x, y: a tap, in screen pixels (0,0 top-left) */
    INPUT_KEY,           /* key: a keyboard shortcut (sim) or a hardware key */
    INPUT_TRAY_EMPTY,    /* the certificate tray was emptied (the resident took the paper) */
    INPUT_QUIT,          /* the window was closed (sim) */
};

/* Keys other than printable ASCII (which come as themselves). */
#define INPUT_KEY_ESCAPE 0x1B
#define INPUT_KEY_BACKSPACE 0x08
#define INPUT_KEY_ENTER 0x0D
#define INPUT_KEY_F1 0x101 /* language switch */
#define INPUT_KEY_F12 0x10C /* the sim board's maintenance key (board.h: service_key) */
/* The maintenance input inside the kiosk's cabinet (a key switch or service
 * button wired as a gpio-keys key): the kiosk board's service_key. */
#define INPUT_KEY_SERVICE 0x1F0

struct input_event {
    enum input_kind kind;
    int x, y; /* INPUT_TOUCH */
    int key;  /* INPUT_KEY */
};

struct input_ops {
    /** Open the device. spec is driver-specific (evdev: "TOUCH[,TRAY]" device
     *  paths; x11: NULL — it uses the window that drivers/display/x11.c's
     *  display opened). width × height is the screen the touch coordinates
     *  are scaled to. */
    int (*open)(void **ctx, const char *spec, int width, int height);
    /** A file descriptor to poll for POLLIN, or -1 (then the loop calls
     *  read() on every tick). */
    int (*fd)(void *ctx);
    /** One pending event into *ev: 1 when there was one, 0 when none is
     *  pending (never blocks), a kofu_err on failure. */
    int (*read)(void *ctx, struct input_event *ev);
    /** Release everything. */
    void (*close)(void *ctx);
};

struct input {
    const struct input_ops *ops;
    void *ctx;
};

#endif
