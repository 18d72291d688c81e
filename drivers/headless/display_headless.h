/* display_headless.h — PLACEHOLDER (being written). */
#ifndef KOFU_DISPLAY_HEADLESS_H
#define KOFU_DISPLAY_HEADLESS_H

#include "display.h"

extern const struct display_ops headless_display_ops;

#endif
