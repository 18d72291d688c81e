/*
 * display.h — the display device class.
 *
 * Owns: struct display_ops, which a driver implements:
 * drivers/display/headless.c (memory only, the sim board's default),
 * drivers/display/x11.c (a window; Xvfb in tests), drivers/display/fbdev.c
 * (the kiosk's Linux framebuffer).
 *
 * The UI always draws into a cairo ARGB32 image in memory (the pixels live
 * in the vault, since a screen may show resident data); present() copies
 * that image to the device. A driver keeps no copy of the pixels beyond
 * what the device itself needs (the X server's window, the framebuffer),
 * and clear() blanks the device when a session ends.
 *
 * Errors are kofu_err codes (KOFU_E_DISPLAY when the device fails).
 */
#ifndef KOFU_DISPLAY_H
#define KOFU_DISPLAY_H

#include <stdint.h>

struct display_ops {
    /** Open the device. spec is driver-specific ("" or NULL: the driver's
     *  default; fbdev: a device path such as "/dev/fb0"; x11: a display
     *  name, NULL for $DISPLAY). *width and *height come in as the size
     *  asked for (from the configuration) and go out as the size the UI
     *  must draw: a driver with a fixed mode (fbdev) sets its own. */
    int (*open)(void **ctx, const char *spec, int *width, int *height);
    /** Show one frame: width × height pixels of cairo ARGB32 (native-endian
     *  32-bit 0xAARRGGBB, premultiplied; alpha is always 0xFF here), rows
     *  `stride` bytes apart. The size is the one open() gave. */
    int (*present)(void *ctx, const uint8_t *argb32, int stride, int width, int height);
    /** Blank the device (all black). */
    int (*clear)(void *ctx);
    /** Release everything (the device is blanked first). */
    void (*close)(void *ctx);
};

struct display {
    const struct display_ops *ops;
    void *ctx;
    int width, height;
};

#endif
