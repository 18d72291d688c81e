/* x11.h — PLACEHOLDER (being written). */
#ifndef KOFU_X11_H
#define KOFU_X11_H

#include "display.h"
#include "input.h"

extern const struct display_ops x11_display_ops;
extern const struct input_ops x11_input_ops;

#endif
