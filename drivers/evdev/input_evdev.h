/* input_evdev.h — PLACEHOLDER (being written). */
#ifndef KOFU_INPUT_EVDEV_H
#define KOFU_INPUT_EVDEV_H

#include "input.h"

extern const struct input_ops evdev_input_ops;

#endif
