/*
 * fbdev.h — the kiosk's screen through the Linux framebuffer
 * (/dev/fbN).
 *
 * Owns: fbdev_display_ops (display.h) and the mapping of one framebuffer.
 * spec is the device path ("" or NULL: "/dev/fb0"). open() reads the mode
 * (FBIOGET_VSCREENINFO, FBIOGET_FSCREENINFO), maps the framebuffer and sets
 * *width × *height to the visible mode: the framebuffer's mode is fixed by
 * the kernel (or the boot loader), never changed here.
 *
 * present() converts cairo's ARGB32 into the framebuffer's packed-pixel
 * format as the mode's bitfields describe it — 32 bpp (XRGB8888, ARGB,
 * BGR orders), 24 bpp and 16 bpp (RGB565, BGR565, 555) — writing rows
 * line_length bytes apart at the visible offset (xoffset, yoffset), and
 * clips a frame larger than the mode. Nothing is kept but the mapping:
 * the framebuffer is the only copy of a frame (display.h). clear() and
 * close() blank the whole mapped memory (every panning buffer too).
 *
 * Refused modes (KOFU_E_DISPLAY): not packed pixels, not true/direct
 * colour, other depths, bitfields wider than 16 bits or outside the pixel,
 * msb_right set, a line_length or memory size too small for the mode.
 */
#ifndef KOFU_DISPLAY_FBDEV_H
#define KOFU_DISPLAY_FBDEV_H

#include "drivers/display.h"

#include <linux/fb.h>

#define FBDEV_DEFAULT_DEVICE "/dev/fb0"
/** The largest mode accepted on either axis. */
#define FBDEV_MAX_SIDE 8192u

extern const struct display_ops fbdev_display_ops;

/**
 * Open on an already open fd with the given mode, as open() does after its
 * ioctls: for tests (a memfd or a regular file of at least fix->smem_len
 * bytes standing in for the framebuffer) and for callers that opened the
 * device themselves. On success the fd belongs to the display (close()
 * closes it) and *width / *height are the mode's visible size; on failure
 * the fd is left open and still the caller's.
 */
int fbdev_display_open_fd(void **ctx, int fd, const struct fb_var_screeninfo *var,
                          const struct fb_fix_screeninfo *fix, int *width, int *height);

#endif
