/* PLACEHOLDER (being written): replaced by the real driver. */
#include "x11.h"

const struct display_ops x11_display_ops = {0};
const struct input_ops x11_input_ops = {0};
