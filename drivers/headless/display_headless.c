/* PLACEHOLDER (being written): replaced by the real driver. */
#include "display_headless.h"

const struct display_ops headless_display_ops = {0};
