/*
 * evdev.h — the kiosk's touch panel and certificate-tray sensor
 * through Linux evdev (/dev/input/eventN).
 *
 * Owns: evdev_input_ops (input.h), the decoding of a touch panel's event
 * stream into taps, and of a gpio-keys tray sensor into INPUT_TRAY_EMPTY.
 *
 * spec: "TOUCH[,TRAY]", two device paths, e.g.
 *   "/dev/input/event0,/dev/input/event3"
 *   "/dev/input/by-path/platform-touch-event,/dev/input/event3#key=0x1f0"
 * The tray part may end in "#sw=N" or "#key=N" (decimal or 0x hex): the
 * EV_SW or EV_KEY code the tray's gpio-keys node reports. Default: EV_SW
 * SW_FRONT_PROXIMITY (0x0b), value 1 while paper lies in the tray and 0
 * when it is empty (make the DT node active-high or active-low so). A
 * transition to 0 is reported as INPUT_TRAY_EMPTY; a key's autorepeat
 * (value 2) is ignored. The same node's KEY_F24 is the service key
 * switch (EVDEV_SERVICE_KEY_CODE): its press is INPUT_KEY INPUT_KEY_SERVICE.
 *
 * Touch: multi-touch protocol B (ABS_MT_SLOT, ABS_MT_TRACKING_ID,
 * ABS_MT_POSITION_X/Y) when the device has ABS_MT_POSITION_X, else
 * single-touch (BTN_TOUCH, ABS_X/ABS_Y). Only the first finger counts: a
 * tap is reported when it lifts, at the point where it went down, scaled
 * from the axis ranges (EVIOCGABS) to the screen's width × height. Events
 * take effect at SYN_REPORT. After SYN_DROPPED everything up to the next
 * SYN_REPORT is discarded and the touch in progress is cancelled (a lost
 * tap is safer on a payment kiosk than a tap at a point no one touched).
 *
 * Both devices are opened O_RDONLY|O_NONBLOCK|O_CLOEXEC and grabbed
 * (EVIOCGRAB) so the console sees none of it; fd() is an epoll fd over
 * both. Records are read whole; a partial record is kept until its rest
 * arrives; unknown types and codes are ignored. A read error or the
 * device going away is KOFU_E_INPUT.
 */
#ifndef KOFU_INPUT_EVDEV_H
#define KOFU_INPUT_EVDEV_H

#include "drivers/input.h"

#include <stdbool.h>

/* kofu's struct input_event (input.h) and the kernel's share a name, so
 * this header does not include <linux/input.h>; a file that needs both
 * includes the kernel's first as `#define input_event linux_input_event`. */

/** The default tray sensor: EV_SW (0x05) SW_FRONT_PROXIMITY (0x0b),
 *  1 = paper present. */
#define EVDEV_TRAY_DEFAULT_TYPE 0x05
#define EVDEV_TRAY_DEFAULT_CODE 0x0b
/** The service key switch in the cabinet: EV_KEY KEY_F24 (0xc2) on the
 *  tray's gpio-keys node, reported as INPUT_KEY_SERVICE when pressed
 *  (linux,code = <194> in the device tree). */
#define EVDEV_SERVICE_KEY_CODE 0xc2
/** Multi-touch slots tracked (contacts in higher slots are ignored). */
#define EVDEV_MT_SLOTS 16

/** What evdev_input_open_fds needs to know that open() learns by ioctl. */
struct evdev_config {
    int touch_fd;          /* required */
    int tray_fd;           /* -1: no tray sensor */
    bool multitouch;       /* protocol B axes (else BTN_TOUCH + ABS_X/ABS_Y) */
    int x_min, x_max;      /* the touch axes' ranges (max > min) */
    int y_min, y_max;
    int tray_type, tray_code; /* EV_SW or EV_KEY, and the code */
};

extern const struct input_ops evdev_input_ops;

/**
 * Open on already open fds, as open() does after opening, grabbing and
 * asking the devices (for tests: pipes or socketpairs the test writes
 * struct input_event records into). The fds must be non-blocking. On
 * success they belong to the input (close() closes them); on failure they
 * stay the caller's.
 */
int evdev_input_open_fds(void **ctx, const struct evdev_config *cfg, int width, int height);

#endif
