/* headless.c — see headless.h. */
#include "drivers/display/headless.h"

#include "base/errors.h"

#include <stdlib.h>
#include <string.h>

/* The smallest screen the UI is laid out for (ui/screens.h). */
#define HEADLESS_WIDTH_MIN 800
#define HEADLESS_HEIGHT_MIN 480
/* A bound on what anyone could mean, so that width × height × 4 never
 * overflows in a caller. */
#define HEADLESS_SIDE_MAX 8192

struct headless_ctx {
    int width, height; /* the size open() agreed to */
    struct headless_display_stats stats;
};

static int headless_open(void **out, const char *spec, int *width, int *height)
{
    (void)spec;
    if (!out || !width || !height)
        return KOFU_E_ARG;
    if (*width < HEADLESS_WIDTH_MIN || *height < HEADLESS_HEIGHT_MIN || *width > HEADLESS_SIDE_MAX ||
        *height > HEADLESS_SIDE_MAX)
        return KOFU_E_DISPLAY;
    struct headless_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    c->width = *width;
    c->height = *height;
    *out = c;
    return KOFU_OK;
}

static int headless_present(void *ctx, const uint8_t *argb32, int stride, int width, int height)
{
    struct headless_ctx *c = ctx;
    if (!c || !argb32 || width != c->width || height != c->height || stride < width * 4)
        return KOFU_E_ARG;
    /* The pixels are deliberately not looked at, let alone kept. */
    c->stats.frames++;
    c->stats.width = width;
    c->stats.height = height;
    return KOFU_OK;
}

static int headless_clear(void *ctx)
{
    struct headless_ctx *c = ctx;
    if (!c)
        return KOFU_E_ARG;
    c->stats.clears++;
    return KOFU_OK;
}

static void headless_close(void *ctx)
{
    free(ctx);
}

void headless_display_stats(void *ctx, struct headless_display_stats *out)
{
    const struct headless_ctx *c = ctx;
    if (!out)
        return;
    if (!c) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = c->stats;
}

const struct display_ops headless_display_ops = {
    .open = headless_open,
    .present = headless_present,
    .clear = headless_clear,
    .close = headless_close,
};
