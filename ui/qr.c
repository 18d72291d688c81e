/* qr.c — see qr.h. */
#include "ui/qr.h"

#include "base/errors.h"
#include "ui/qr_numeric.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* Digits for the longest JWS that could still reach the encoder: twice the
 * V22 limit. Anything longer is refused before any work (it cannot fit), and
 * anything between QR_SHC_MAX_JWS and this goes through the encoder so that
 * the version check, not a length rule, decides. */
#define SHC_JWS_ENCODER_MAX (2 * QR_SHC_MAX_JWS)

static const char shc_prefix[] = "shc:/";

/* libqrencode reports through errno: ERANGE = too large for any version. */
static int qr_errno_to_err(int e)
{
    if (e == ERANGE)
        return KOFU_E_QR_TOO_LARGE;
    if (e == ENOMEM)
        return KOFU_E_NOMEM;
    return KOFU_E_ARG;
}

int qr_encode_shc(const char *jws, QRcode **out)
{
    if (!out)
        return KOFU_E_ARG;
    *out = NULL;
    if (!jws || !jws[0])
        return KOFU_E_ARG;
    size_t len = strnlen(jws, SHC_JWS_ENCODER_MAX + 1);
    if (len > SHC_JWS_ENCODER_MAX)
        return KOFU_E_QR_TOO_LARGE;

    char digits[2 * SHC_JWS_ENCODER_MAX + 1];
    int rc = KOFU_OK;
    QRinput *in = NULL;
    QRcode *qr = NULL;
    if (!qr_numeric_from_jws(jws, digits, sizeof digits)) {
        rc = KOFU_E_ARG;
        goto done;
    }
    /* Version 0: the encoder picks the smallest version that holds the data;
     * the V22 limit is checked on the result. */
    in = QRinput_new2(0, QR_ECLEVEL_L);
    if (!in) {
        rc = KOFU_E_NOMEM;
        goto done;
    }
    if (QRinput_append(in, QR_MODE_8, (int)(sizeof shc_prefix - 1), (const unsigned char *)shc_prefix) != 0 ||
        QRinput_append(in, QR_MODE_NUM, (int)(2 * len), (const unsigned char *)digits) != 0) {
        rc = qr_errno_to_err(errno);
        goto done;
    }
    errno = 0;
    qr = QRcode_encodeInput(in);
    if (!qr) {
        rc = qr_errno_to_err(errno);
        goto done;
    }
    if (qr->version > QR_SHC_MAX_VERSION) {
        qr_free(qr);
        qr = NULL;
        rc = KOFU_E_QR_TOO_LARGE;
        goto done;
    }
    *out = qr;
done:
    QRinput_free(in);
    explicit_bzero(digits, sizeof digits);
    return rc;
}

/* One byte-mode segment at `level`; the version the encoder chose is checked
 * by the caller. */
static int encode_bytes_at(const uint8_t *data, size_t len, QRecLevel level, QRcode **out)
{
    *out = NULL;
    QRinput *in = QRinput_new2(0, level);
    if (!in)
        return KOFU_E_NOMEM;
    int rc = KOFU_OK;
    errno = 0;
    if (QRinput_append(in, QR_MODE_8, (int)len, data) != 0)
        rc = qr_errno_to_err(errno);
    else if (!(*out = QRcode_encodeInput(in)))
        rc = qr_errno_to_err(errno);
    QRinput_free(in);
    return rc;
}

int qr_encode_bytes(const uint8_t *data, size_t len, QRcode **out)
{
    if (!out)
        return KOFU_E_ARG;
    *out = NULL;
    /* 2953 bytes is the byte-mode capacity of V40 at ECC L. */
    if (!data || len == 0)
        return KOFU_E_ARG;
    if (len > 2953)
        return KOFU_E_QR_TOO_LARGE;

    QRcode *qr = NULL;
    int rc = encode_bytes_at(data, len, QR_ECLEVEL_M, &qr);
    if (rc == KOFU_OK && qr->version <= QR_BYTES_M_MAX_VERSION) {
        *out = qr;
        return KOFU_OK;
    }
    if (rc != KOFU_OK && rc != KOFU_E_QR_TOO_LARGE)
        return rc;
    qr_free(qr);
    rc = encode_bytes_at(data, len, QR_ECLEVEL_L, &qr);
    if (rc != KOFU_OK)
        return rc;
    if (qr->version > QR_BYTES_MAX_VERSION) { /* cannot happen: V40 is the largest */
        qr_free(qr);
        return KOFU_E_QR_TOO_LARGE;
    }
    *out = qr;
    return KOFU_OK;
}

int qr_total_modules(const QRcode *qr) { return qr ? qr->width + 2 * QR_QUIET_MODULES : 0; }

/* One rectangle per horizontal run of dark modules, in module units from
 * the symbol's top-left (quiet zone excluded), scaled by `m` and offset by
 * (x0, y0). */
static void qr_path(cairo_t *cr, const QRcode *qr, double x0, double y0, double m)
{
    int w = qr->width;
    for (int r = 0; r < w; r++) {
        const unsigned char *row = qr->data + (size_t)r * (size_t)w;
        int c = 0;
        while (c < w) {
            if (!(row[c] & 1)) {
                c++;
                continue;
            }
            int start = c;
            while (c < w && (row[c] & 1))
                c++;
            cairo_rectangle(cr, x0 + start * m, y0 + r * m, (c - start) * m, m);
        }
    }
}

/* Draws on whole device pixels when the target is a raster without
 * rotation and a module is at least one pixel. Returns false otherwise. */
static bool qr_draw_snapped(cairo_t *cr, const QRcode *qr, double x, double y, double size)
{
    if (cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_IMAGE)
        return false;
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    if (m.xy != 0.0 || m.yx != 0.0 || m.xx <= 0.0 || m.yy <= 0.0)
        return false;
    double dx0 = x, dy0 = y, dx1 = x + size, dy1 = y + size;
    cairo_user_to_device(cr, &dx0, &dy0);
    cairo_user_to_device(cr, &dx1, &dy1);
    int n = qr_total_modules(qr);
    double span = fmin(dx1 - dx0, dy1 - dy0);
    double px = floor(span / n);
    /* Whole pixels, unless that would shrink the symbol by more than 15 %
     * (a small preview): then the exact, antialiased geometry looks closer. */
    if (px < 1.0 || px * n < 0.85 * span)
        return false;
    /* Centre the snapped symbol in the requested square. */
    double ox = round(dx0 + (dx1 - dx0 - px * n) / 2.0);
    double oy = round(dy0 + (dy1 - dy0 - px * n) / 2.0);
    cairo_identity_matrix(cr);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, round(dx0), round(dy0), round(dx1) - round(dx0), round(dy1) - round(dy0));
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    qr_path(cr, qr, ox + QR_QUIET_MODULES * px, oy + QR_QUIET_MODULES * px, px);
    cairo_fill(cr);
    return true;
}

/* A raster smaller than one pixel per module (the kiosk's on-screen
 * preview): the symbol as an 8-bit mask, one pixel per module, scaled with
 * a bilinear filter. It looks like the antialiased path and costs well
 * under a millisecond instead of tens (cairo rasterises a path of
 * thousands of rectangles slowly). Such a preview is not meant to scan. */
static bool qr_draw_mask(cairo_t *cr, const QRcode *qr, double x, double y, double size)
{
    if (cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_IMAGE)
        return false;
    int n = qr_total_modules(qr);
    cairo_surface_t *mask = cairo_image_surface_create(CAIRO_FORMAT_A8, n, n);
    if (cairo_surface_status(mask) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(mask);
        return false;
    }
    cairo_surface_flush(mask);
    unsigned char *px = cairo_image_surface_get_data(mask);
    int stride = cairo_image_surface_get_stride(mask);
    memset(px, 0, (size_t)stride * (size_t)n);
    for (int r = 0; r < qr->width; r++)
        for (int c = 0; c < qr->width; c++)
            if (qr->data[(size_t)r * (size_t)qr->width + (size_t)c] & 1)
                px[(size_t)(r + QR_QUIET_MODULES) * (size_t)stride + (size_t)(c + QR_QUIET_MODULES)] = 0xFF;
    cairo_surface_mark_dirty(mask);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, size / n, size / n);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_pattern_t *pat = cairo_pattern_create_for_surface(mask);
    cairo_pattern_set_filter(pat, CAIRO_FILTER_BILINEAR);
    cairo_mask(cr, pat);
    cairo_pattern_destroy(pat);
    /* The mask holds the symbol's modules (signed data): zero it. */
    explicit_bzero(px, (size_t)stride * (size_t)n);
    cairo_surface_destroy(mask);
    return true;
}

void qr_draw(cairo_t *cr, const QRcode *qr, double x, double y, double size)
{
    if (!cr || !qr || !qr->data || qr->width <= 0 || !(size > 0.0))
        return;
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    if (!qr_draw_snapped(cr, qr, x, y, size) && !qr_draw_mask(cr, qr, x, y, size)) {
        double m = size / qr_total_modules(qr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_rectangle(cr, x, y, size, size);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        qr_path(cr, qr, x + QR_QUIET_MODULES * m, y + QR_QUIET_MODULES * m, m);
        cairo_fill(cr);
    }
    cairo_restore(cr);
}

void qr_free(QRcode *qr)
{
    if (!qr)
        return;
    if (qr->data && qr->width > 0)
        explicit_bzero(qr->data, (size_t)qr->width * (size_t)qr->width);
    QRcode_free(qr);
}
