/*
 * test_fbdev.c — the framebuffer driver on a memfd standing in for
 * /dev/fbN (fbdev_display_open_fd): the pixels it writes for each pixel
 * format (XRGB8888, BGR order, ARGB with alpha, 24 bpp, RGB565, BGR565),
 * row padding (line_length), panning offsets, clipping, blanking on clear
 * and close, and the modes and arguments it must refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/errors.h"
#include "drivers/display/fbdev.h"

struct fake_fb {
    int fd;      /* the memfd; the driver gets a dup */
    struct fb_var_screeninfo var;
    struct fb_fix_screeninfo fix;
};

static void bitfield(struct fb_bitfield *f, unsigned offset, unsigned length)
{
    f->offset = offset;
    f->length = length;
    f->msb_right = 0;
}

/* A mode of w × h at bpp, red/green/blue/transp at the given offsets and
 * lengths, rows `line` bytes apart, `extra_rows` more rows of memory. */
static void make_fb(struct fake_fb *fb, unsigned w, unsigned h, unsigned bpp, unsigned line,
                    unsigned extra_rows, const unsigned rgbt[8])
{
    memset(fb, 0, sizeof *fb);
    fb->var.xres = fb->var.xres_virtual = w;
    fb->var.yres = h;
    fb->var.yres_virtual = h + extra_rows;
    fb->var.bits_per_pixel = bpp;
    bitfield(&fb->var.red, rgbt[0], rgbt[1]);
    bitfield(&fb->var.green, rgbt[2], rgbt[3]);
    bitfield(&fb->var.blue, rgbt[4], rgbt[5]);
    bitfield(&fb->var.transp, rgbt[6], rgbt[7]);
    fb->fix.type = FB_TYPE_PACKED_PIXELS;
    fb->fix.visual = FB_VISUAL_TRUECOLOR;
    fb->fix.line_length = line;
    fb->fix.smem_len = line * (h + extra_rows);
    fb->fd = memfd_create("fake-fb", MFD_CLOEXEC);
    assert_true(fb->fd >= 0);
    assert_int_equal(ftruncate(fb->fd, fb->fix.smem_len), 0);
    /* Junk in the memory, so that blanking is seen. */
    uint8_t junk[256];
    memset(junk, 0x5A, sizeof junk);
    for (size_t off = 0; off < fb->fix.smem_len; off += sizeof junk) {
        size_t n = fb->fix.smem_len - off < sizeof junk ? fb->fix.smem_len - off : sizeof junk;
        assert_int_equal(pwrite(fb->fd, junk, n, (off_t)off), (ssize_t)n);
    }
}

static void *open_fb(struct fake_fb *fb, int *w, int *h)
{
    void *ctx = NULL;
    int dup_fd = dup(fb->fd);
    assert_true(dup_fd >= 0);
    *w = 1;
    *h = 1;
    assert_int_equal(fbdev_display_open_fd(&ctx, dup_fd, &fb->var, &fb->fix, w, h), KOFU_OK);
    assert_non_null(ctx);
    return ctx;
}

static int open_fb_rc(struct fake_fb *fb)
{
    void *ctx = NULL;
    int w = 0, h = 0;
    int dup_fd = dup(fb->fd);
    assert_true(dup_fd >= 0);
    int rc = fbdev_display_open_fd(&ctx, dup_fd, &fb->var, &fb->fix, &w, &h);
    if (rc == KOFU_OK)
        fbdev_display_ops.close(ctx);
    else {
        assert_null(ctx);
        close(dup_fd); /* on failure the fd stays the caller's */
    }
    return rc;
}

static uint8_t *read_fb(const struct fake_fb *fb)
{
    uint8_t *mem = malloc(fb->fix.smem_len);
    assert_non_null(mem);
    assert_int_equal(pread(fb->fd, mem, fb->fix.smem_len, 0), (ssize_t)fb->fix.smem_len);
    return mem;
}

/* A cairo ARGB32 frame of w × h, stride `stride`, pixel (x, y) =
 * 0xFF000000 | r << 16 | g << 8 | b with r = x * 16, g = y * 16, b = 0x80. */
static uint8_t *make_frame(int w, int h, int stride)
{
    uint8_t *f = calloc((size_t)stride, (size_t)h);
    assert_non_null(f);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t px = 0xFF000000u | (uint32_t)(x * 16 & 0xFF) << 16 | (uint32_t)(y * 16 & 0xFF) << 8 | 0x80u;
            memcpy(f + (size_t)y * (size_t)stride + (size_t)x * 4, &px, 4);
        }
    return f;
}

static uint32_t frame_rgb(int x, int y, unsigned *r, unsigned *g, unsigned *b)
{
    *r = (unsigned)(x * 16 & 0xFF);
    *g = (unsigned)(y * 16 & 0xFF);
    *b = 0x80;
    return 0;
}

static uint32_t fb_pixel(const uint8_t *mem, const struct fake_fb *fb, unsigned x, unsigned y)
{
    unsigned bpp = fb->var.bits_per_pixel / 8;
    const uint8_t *p = mem + (size_t)(fb->var.yoffset + y) * fb->fix.line_length + (size_t)(fb->var.xoffset + x) * bpp;
    uint32_t v = 0;
    for (unsigned i = 0; i < bpp; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static const unsigned XRGB[8] = {16, 8, 8, 8, 0, 8, 0, 0};
static const unsigned XBGR[8] = {0, 8, 8, 8, 16, 8, 0, 0};
static const unsigned ARGB[8] = {16, 8, 8, 8, 0, 8, 24, 8};
static const unsigned RGBA[8] = {24, 8, 16, 8, 8, 8, 0, 8};
static const unsigned RGB565[8] = {11, 5, 5, 6, 0, 5, 0, 0};
static const unsigned BGR565[8] = {0, 5, 5, 6, 11, 5, 0, 0};
static const unsigned RGB888[8] = {16, 8, 8, 8, 0, 8, 0, 0};

/* Checks every visible pixel against the frame through the format. */
static void check_pixels(const struct fake_fb *fb, const uint8_t *mem, const unsigned f[8], unsigned w, unsigned h)
{
    for (unsigned y = 0; y < h; y++)
        for (unsigned x = 0; x < w; x++) {
            unsigned r, g, b;
            frame_rgb((int)x, (int)y, &r, &g, &b);
            uint32_t want = (r >> (8 - f[1])) << f[0] | (g >> (8 - f[3])) << f[2] | (b >> (8 - f[5])) << f[4];
            if (f[7])
                want |= ((1u << f[7]) - 1) << f[6];
            /* Bits outside every field (the X of XRGB) are don't-care. */
            uint32_t mask = ((1u << f[1]) - 1) << f[0] | ((1u << f[3]) - 1) << f[2] | ((1u << f[5]) - 1) << f[4];
            if (f[7])
                mask |= ((1u << f[7]) - 1) << f[6];
            uint32_t got = fb_pixel(mem, fb, x, y) & mask;
            if (got != want)
                fail_msg("pixel (%u,%u): got %08x, want %08x", x, y, got, want);
        }
}

static void run_format(unsigned bpp, const unsigned f[8], unsigned padding)
{
    struct fake_fb fb;
    const unsigned W = 13, H = 7;
    make_fb(&fb, W, H, bpp, W * bpp / 8 + padding, 0, f);
    int w, h;
    void *ctx = open_fb(&fb, &w, &h);
    assert_int_equal(w, W);
    assert_int_equal(h, H);
    uint8_t *frame = make_frame(w, h, w * 4 + 12);
    assert_int_equal(fbdev_display_ops.present(ctx, frame, w * 4 + 12, w, h), KOFU_OK);
    uint8_t *mem = read_fb(&fb);
    check_pixels(&fb, mem, f, W, H);
    /* The row padding is not written. */
    for (unsigned y = 0; y < H; y++)
        for (unsigned i = W * bpp / 8; i < fb.fix.line_length; i++)
            assert_int_equal(mem[y * fb.fix.line_length + i], 0x5A);
    free(mem);
    free(frame);
    fbdev_display_ops.close(ctx);
    close(fb.fd);
}

static void test_formats(void **state)
{
    (void)state;
    run_format(32, XRGB, 0);
    run_format(32, XRGB, 20);
    run_format(32, XBGR, 8);
    run_format(32, ARGB, 4);
    run_format(32, RGBA, 0);
    run_format(24, RGB888, 5);
    run_format(16, RGB565, 6);
    run_format(16, BGR565, 2);
}

static void test_rgb565_exact_values(void **state)
{
    (void)state;
    struct fake_fb fb;
    make_fb(&fb, 4, 1, 16, 8, 0, RGB565);
    int w, h;
    void *ctx = open_fb(&fb, &w, &h);
    const uint32_t px[4] = {0xFFFFFFFFu, 0xFFFF0000u, 0xFF00FF00u, 0xFF0000FFu};
    assert_int_equal(fbdev_display_ops.present(ctx, (const uint8_t *)px, 16, 4, 1), KOFU_OK);
    uint16_t got[4];
    assert_int_equal(pread(fb.fd, got, sizeof got, 0), (ssize_t)sizeof got);
    assert_int_equal(got[0], 0xFFFF);
    assert_int_equal(got[1], 0xF800);
    assert_int_equal(got[2], 0x07E0);
    assert_int_equal(got[3], 0x001F);
    fbdev_display_ops.close(ctx);
    close(fb.fd);
}

static void test_panning_offset(void **state)
{
    (void)state;
    struct fake_fb fb;
    make_fb(&fb, 8, 4, 32, 64, 6, XRGB); /* line holds 16 pixels; 10 rows of memory */
    fb.var.xoffset = 3;
    fb.var.yoffset = 5;
    int w, h;
    void *ctx = open_fb(&fb, &w, &h);
    uint8_t *frame = make_frame(8, 4, 32);
    assert_int_equal(fbdev_display_ops.present(ctx, frame, 32, 8, 4), KOFU_OK);
    uint8_t *mem = read_fb(&fb);
    check_pixels(&fb, mem, XRGB, 8, 4);
    /* Nothing above the visible area was written. */
    for (size_t i = 0; i < 5u * 64u; i++)
        assert_int_equal(mem[i], 0x5A);
    free(mem);
    free(frame);
    fbdev_display_ops.close(ctx);
    close(fb.fd);
}

static void test_clipping(void **state)
{
    (void)state;
    struct fake_fb fb;
    make_fb(&fb, 6, 3, 32, 6 * 4 + 8, 1, XRGB);
    int w, h;
    void *ctx = open_fb(&fb, &w, &h);
    /* A frame larger than the mode: only the mode's part lands, nothing
     * past a row's visible pixels, nothing in the spare row. */
    uint8_t *big = make_frame(20, 10, 80);
    assert_int_equal(fbdev_display_ops.present(ctx, big, 80, 20, 10), KOFU_OK);
    uint8_t *mem = read_fb(&fb);
    check_pixels(&fb, mem, XRGB, 6, 3);
    for (unsigned y = 0; y < 3; y++)
        for (unsigned i = 24; i < 32; i++)
            assert_int_equal(mem[y * 32 + i], 0x5A);
    for (unsigned i = 3 * 32; i < 4 * 32; i++)
        assert_int_equal(mem[i], 0x5A);
    free(mem);
    /* A smaller frame writes only its own pixels. */
    assert_int_equal(fbdev_display_ops.clear(ctx), KOFU_OK);
    uint8_t *small = make_frame(2, 2, 8);
    assert_int_equal(fbdev_display_ops.present(ctx, small, 8, 2, 2), KOFU_OK);
    mem = read_fb(&fb);
    check_pixels(&fb, mem, XRGB, 2, 2);
    assert_int_equal(fb_pixel(mem, &fb, 2, 0), 0);
    assert_int_equal(fb_pixel(mem, &fb, 0, 2), 0);
    free(mem);
    free(small);
    free(big);
    fbdev_display_ops.close(ctx);
    close(fb.fd);
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

static void test_clear_and_close_blank(void **state)
{
    (void)state;
    struct fake_fb fb;
    make_fb(&fb, 10, 5, 32, 48, 5, XRGB);
    int w, h;
    void *ctx = open_fb(&fb, &w, &h);
    uint8_t *frame = make_frame(10, 5, 40);
    assert_int_equal(fbdev_display_ops.present(ctx, frame, 40, 10, 5), KOFU_OK);
    assert_int_equal(fbdev_display_ops.clear(ctx), KOFU_OK);
    uint8_t *mem = read_fb(&fb);
    assert_true(all_zero(mem, fb.fix.smem_len)); /* every panning buffer too */
    free(mem);
    assert_int_equal(fbdev_display_ops.present(ctx, frame, 40, 10, 5), KOFU_OK);
    fbdev_display_ops.close(ctx); /* blanks, unmaps, closes its fd */
    mem = read_fb(&fb);
    assert_true(all_zero(mem, fb.fix.smem_len));
    free(mem);
    free(frame);
    close(fb.fd);
}

static void test_refused_modes(void **state)
{
    (void)state;
    struct fake_fb fb;
    make_fb(&fb, 8, 4, 32, 32, 0, XRGB);
    assert_int_equal(open_fb_rc(&fb), KOFU_OK);

    struct fake_fb bad = fb;
    bad.var.bits_per_pixel = 8;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.var.bits_per_pixel = 15;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.fix.visual = FB_VISUAL_PSEUDOCOLOR;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.fix.type = FB_TYPE_PLANES;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.fix.line_length = 31; /* shorter than a row */
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.fix.smem_len = 32 * 4 - 1;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.var.yoffset = 1; /* the visible area would run past the memory */
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.var.xoffset = 1;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.var.xres = 0;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.var.yres = 100000;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.var.red.msb_right = 1;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.var.blue.offset = 30; /* runs past the 32-bit pixel */
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.var.green.length = 0;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    bad = fb;
    bad.var.green.length = 40;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    /* A file shorter than the memory the mode says (it would SIGBUS). */
    bad = fb;
    bad.fix.smem_len = 32 * 4 * 2;
    assert_int_equal(open_fb_rc(&bad), KOFU_E_DISPLAY);
    close(fb.fd);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    struct fake_fb fb;
    make_fb(&fb, 8, 4, 32, 32, 0, XRGB);
    void *ctx = NULL;
    int w = 0, h = 0;
    assert_int_equal(fbdev_display_open_fd(&ctx, -1, &fb.var, &fb.fix, &w, &h), KOFU_E_ARG);
    assert_int_equal(fbdev_display_open_fd(&ctx, fb.fd, NULL, &fb.fix, &w, &h), KOFU_E_ARG);
    assert_int_equal(fbdev_display_open_fd(&ctx, fb.fd, &fb.var, NULL, &w, &h), KOFU_E_ARG);
    assert_int_equal(fbdev_display_open_fd(NULL, fb.fd, &fb.var, &fb.fix, &w, &h), KOFU_E_ARG);
    ctx = open_fb(&fb, &w, &h);
    uint8_t frame[8 * 4 * 4] = {0};
    assert_int_equal(fbdev_display_ops.present(ctx, NULL, 32, 8, 4), KOFU_E_ARG);
    assert_int_equal(fbdev_display_ops.present(ctx, frame, 31, 8, 4), KOFU_E_ARG); /* stride < width */
    assert_int_equal(fbdev_display_ops.present(ctx, frame, 32, 0, 4), KOFU_E_ARG);
    assert_int_equal(fbdev_display_ops.present(ctx, frame, 32, 8, -1), KOFU_E_ARG);
    assert_int_equal(fbdev_display_ops.present(ctx, frame, -32, 8, 4), KOFU_E_ARG);
    assert_int_equal(fbdev_display_ops.present(NULL, frame, 32, 8, 4), KOFU_E_ARG);
    assert_int_equal(fbdev_display_ops.clear(NULL), KOFU_E_ARG);
    fbdev_display_ops.close(ctx);
    fbdev_display_ops.close(NULL);
    close(fb.fd);
}

static void test_open_device_failures(void **state)
{
    (void)state;
    void *ctx = NULL;
    int w = 800, h = 600;
    assert_int_equal(fbdev_display_ops.open(&ctx, "/nonexistent/fb9", &w, &h), KOFU_E_DISPLAY);
    /* A device that is no framebuffer: the ioctls fail. */
    assert_int_equal(fbdev_display_ops.open(&ctx, "/dev/null", &w, &h), KOFU_E_DISPLAY);
    assert_null(ctx);
    assert_int_equal(w, 800);
    assert_int_equal(h, 600);
    assert_int_equal(fbdev_display_ops.open(&ctx, "/dev/null", NULL, &h), KOFU_E_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_rgb565_exact_values),
        cmocka_unit_test(test_panning_offset),
        cmocka_unit_test(test_clipping),
        cmocka_unit_test(test_clear_and_close_blank),
        cmocka_unit_test(test_refused_modes),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_open_device_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
