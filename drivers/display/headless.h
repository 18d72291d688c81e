/*
 * headless.h — the display driver with no device: the sim board's
 * default, for scripted runs and tests.
 *
 * Owns: headless_display_ops, and a way for tests to see that frames were
 * presented. It keeps no pixels at all (a screen may show resident data,
 * and nobody looks at this one): present() only counts the frame and
 * remembers its size. open() accepts any size from 800×480 up (spec is
 * ignored).
 */
#ifndef KOFU_DISPLAY_HEADLESS_H
#define KOFU_DISPLAY_HEADLESS_H

#include "drivers/display.h"

#include <stdint.h>

extern const struct display_ops headless_display_ops;

/** What a headless display has been shown so far. */
struct headless_display_stats {
    uint64_t frames; /* present() calls that succeeded */
    uint64_t clears; /* clear() calls */
    int width, height; /* the size of the last frame (0 before the first) */
};

/** The counters of the display opened as ctx. */
void headless_display_stats(void *ctx, struct headless_display_stats *out);

#endif
