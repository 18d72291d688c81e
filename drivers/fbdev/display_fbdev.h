/* display_fbdev.h — PLACEHOLDER (being written). */
#ifndef KOFU_DISPLAY_FBDEV_H
#define KOFU_DISPLAY_FBDEV_H

#include "display.h"

extern const struct display_ops fbdev_display_ops;

#endif
