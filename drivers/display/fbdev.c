/* fbdev.c — see fbdev.h. */
#include "drivers/display/fbdev.h"

#include "base/errors.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* One colour channel of the framebuffer's pixel: where its bits are. */
struct fbdev_channel {
    unsigned offset, length;
};

struct fbdev_ctx {
    int fd;
    uint8_t *map;       /* the whole framebuffer memory, map_len bytes */
    size_t map_len;
    size_t visible;     /* byte offset of the visible top-left pixel */
    size_t line_length; /* bytes between rows */
    unsigned width, height, bytes_per_pixel;
    struct fbdev_channel red, green, blue, transp;
    bool xrgb8888;      /* the pixel is cairo's own (XRGB or ARGB 8888; cairo's alpha is
                           always 0xFF here): rows are copied as they are */
};

static bool channel_ok(const struct fb_bitfield *f, unsigned bpp, bool may_be_empty)
{
    if (f->msb_right)
        return false;
    if (f->length == 0)
        return may_be_empty;
    return f->length <= 16 && f->offset < bpp && f->length <= bpp - f->offset;
}

/* An 8-bit channel value placed into a field of `length` bits. */
static uint32_t channel_value(uint32_t v8, const struct fbdev_channel *ch)
{
    if (ch->length == 0)
        return 0;
    uint32_t v = ch->length <= 8 ? v8 >> (8 - ch->length)
                                 : (v8 << (ch->length - 8)) | (v8 >> (16 - ch->length));
    return v << ch->offset;
}

static uint32_t pack_pixel(const struct fbdev_ctx *c, uint32_t argb)
{
    uint32_t px = channel_value((argb >> 16) & 0xFF, &c->red) |
                  channel_value((argb >> 8) & 0xFF, &c->green) |
                  channel_value(argb & 0xFF, &c->blue);
    if (c->transp.length) /* opaque: the UI never draws translucent frames */
        px |= (uint32_t)(((1ull << c->transp.length) - 1) << c->transp.offset);
    return px;
}

int fbdev_display_open_fd(void **out, int fd, const struct fb_var_screeninfo *var,
                          const struct fb_fix_screeninfo *fix, int *width, int *height)
{
    if (!out || fd < 0 || !var || !fix || !width || !height)
        return KOFU_E_ARG;
    unsigned bpp = var->bits_per_pixel;
    if (fix->type != FB_TYPE_PACKED_PIXELS ||
        (fix->visual != FB_VISUAL_TRUECOLOR && fix->visual != FB_VISUAL_DIRECTCOLOR))
        return KOFU_E_DISPLAY;
    if (bpp != 16 && bpp != 24 && bpp != 32)
        return KOFU_E_DISPLAY;
    if (var->xres == 0 || var->yres == 0 || var->xres > FBDEV_MAX_SIDE || var->yres > FBDEV_MAX_SIDE ||
        var->xoffset > FBDEV_MAX_SIDE || var->yoffset > 4 * FBDEV_MAX_SIDE)
        return KOFU_E_DISPLAY;
    if (!channel_ok(&var->red, bpp, false) || !channel_ok(&var->green, bpp, false) ||
        !channel_ok(&var->blue, bpp, false) || !channel_ok(&var->transp, bpp, true))
        return KOFU_E_DISPLAY;
    /* All sizes below are at most 8192 × 4 × 5 × 8192: no overflow in size_t. */
    size_t bytes_pp = bpp / 8;
    size_t line = fix->line_length;
    if (line < ((size_t)var->xoffset + var->xres) * bytes_pp)
        return KOFU_E_DISPLAY;
    size_t visible = (size_t)var->yoffset * line + (size_t)var->xoffset * bytes_pp;
    size_t needed = visible + (size_t)(var->yres - 1) * line + (size_t)var->xres * bytes_pp;
    size_t map_len = fix->smem_len;
    if (map_len < needed)
        return KOFU_E_DISPLAY;
    /* A regular file shorter than the mapping would fault on the first
     * write past its end (SIGBUS): refuse it here instead. */
    struct stat st;
    if (fstat(fd, &st) != 0)
        return KOFU_E_DISPLAY;
    if (S_ISREG(st.st_mode) && (st.st_size < 0 || (unsigned long long)st.st_size < map_len))
        return KOFU_E_DISPLAY;

    struct fbdev_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    void *map = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        free(c);
        return KOFU_E_DISPLAY;
    }
    c->fd = fd;
    c->map = map;
    c->map_len = map_len;
    c->visible = visible;
    c->line_length = line;
    c->width = var->xres;
    c->height = var->yres;
    c->bytes_per_pixel = (unsigned)bytes_pp;
    c->red = (struct fbdev_channel){var->red.offset, var->red.length};
    c->green = (struct fbdev_channel){var->green.offset, var->green.length};
    c->blue = (struct fbdev_channel){var->blue.offset, var->blue.length};
    c->transp = (struct fbdev_channel){var->transp.offset, var->transp.length};
    c->xrgb8888 = bpp == 32 && c->red.offset == 16 && c->red.length == 8 && c->green.offset == 8 &&
                  c->green.length == 8 && c->blue.offset == 0 && c->blue.length == 8 &&
                  (c->transp.length == 0 || (c->transp.offset == 24 && c->transp.length == 8));
    *width = (int)c->width;
    *height = (int)c->height;
    *out = c;
    return KOFU_OK;
}

static int fbdev_open(void **out, const char *spec, int *width, int *height)
{
    if (!out || !width || !height)
        return KOFU_E_ARG;
    const char *path = spec && *spec ? spec : FBDEV_DEFAULT_DEVICE;
    int fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return KOFU_E_DISPLAY;
    struct fb_var_screeninfo var;
    struct fb_fix_screeninfo fix;
    memset(&var, 0, sizeof var);
    memset(&fix, 0, sizeof fix);
    int rc = KOFU_E_DISPLAY;
    if (ioctl(fd, FBIOGET_VSCREENINFO, &var) == 0) {
        /* A DRM driver's fbdev emulation drives the panel only once a
         * client has set a mode: fbcon does, and with the console kept off
         * the panel (fbcon=map:9) nothing else would, so the panel stays
         * dark whatever kofu draws. Setting the framebuffer's own mode again
         * lights it (the mode is not changed); a driver without modes takes
         * it as a no-op. Then the panel is unblanked. Failures here leave
         * what the driver reports, checked below as ever. */
        struct fb_var_screeninfo same = var;
        same.activate = FB_ACTIVATE_NOW | FB_ACTIVATE_FORCE;
        (void)ioctl(fd, FBIOPUT_VSCREENINFO, &same);
        (void)ioctl(fd, FBIOBLANK, FB_BLANK_UNBLANK);
        if (ioctl(fd, FBIOGET_VSCREENINFO, &var) == 0 && ioctl(fd, FBIOGET_FSCREENINFO, &fix) == 0)
            rc = fbdev_display_open_fd(out, fd, &var, &fix, width, height);
    }
    if (rc != KOFU_OK)
        close(fd);
    return rc;
}

static int fbdev_present(void *ctx, const uint8_t *argb32, int stride, int width, int height)
{
    struct fbdev_ctx *c = ctx;
    if (!c || !argb32 || width <= 0 || height <= 0 || stride < 0 || (size_t)stride / 4 < (size_t)width)
        return KOFU_E_ARG;
    size_t w = (size_t)width < c->width ? (size_t)width : c->width;
    size_t h = (size_t)height < c->height ? (size_t)height : c->height;
    for (size_t y = 0; y < h; y++) {
        const uint8_t *src = argb32 + y * (size_t)stride;
        uint8_t *dst = c->map + c->visible + y * c->line_length;
        if (c->xrgb8888) {
            memcpy(dst, src, w * 4);
            continue;
        }
        for (size_t x = 0; x < w; x++) {
            uint32_t argb;
            memcpy(&argb, src + x * 4, 4); /* cairo's rows need not be 4-aligned here */
            uint32_t px = pack_pixel(c, argb);
            switch (c->bytes_per_pixel) {
            case 4:
                memcpy(dst + x * 4, &px, 4);
                break;
            case 3: /* 24 bpp: little-endian byte order, as fbcon writes it */
                dst[x * 3] = (uint8_t)px;
                dst[x * 3 + 1] = (uint8_t)(px >> 8);
                dst[x * 3 + 2] = (uint8_t)(px >> 16);
                break;
            default: {
                uint16_t px16 = (uint16_t)px;
                memcpy(dst + x * 2, &px16, 2);
                break;
            }
            }
        }
    }
    return KOFU_OK;
}

static int fbdev_clear(void *ctx)
{
    struct fbdev_ctx *c = ctx;
    if (!c)
        return KOFU_E_ARG;
    memset(c->map, 0, c->map_len);
    return KOFU_OK;
}

static void fbdev_close(void *ctx)
{
    struct fbdev_ctx *c = ctx;
    if (!c)
        return;
    memset(c->map, 0, c->map_len);
    munmap(c->map, c->map_len);
    close(c->fd);
    free(c);
}

const struct display_ops fbdev_display_ops = {
    .open = fbdev_open,
    .present = fbdev_present,
    .clear = fbdev_clear,
    .close = fbdev_close,
};
