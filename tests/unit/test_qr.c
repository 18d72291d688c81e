/* test_qr.c — the certificate's QR codes (ui/qr.h): the SHC segments and
 * limits, the VDS-NC byte QR, and the drawing, checked by decoding what was
 * drawn with an independent reader (zbarimg from zbar-tools). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/errors.h"
#include "ui/qr.h"
#include "tests/lib/docs.h"
#include "tests/lib/files.h"
#include "tests/lib/proc.h"
#include "tests/lib/tmp.h"
#include "ui/qr_numeric.h"

static char dir[64];
static QRcode sentinel; /* an out-parameter's old value, to see it reset */

/* ---- synthetic inputs ---- */

/* The shared synthetic inputs (tests/lib/docs.h), never NULL here. */
static char *make_jws(size_t len)
{
    char *s = kt_synthetic_jws(len);
    assert_non_null(s);
    return s;
}

/* The expected QR text, computed independently of ui/qr.c. */
static char *expected_shc_text(const char *jws)
{
    char *t = kt_shc_qr_text(jws);
    assert_non_null(t);
    return t;
}

static char *make_seal(int n_doses)
{
    char *s = kt_synthetic_seal(n_doses);
    assert_non_null(s);
    return s;
}

/* ---- reading symbols back ---- */

/* The ECC level in the symbol's format information (ISO/IEC 18004 §7.9),
 * read from the copy around the top-left finder: 0 = L, 1 = M, 2 = Q,
 * 3 = H, -1 if no valid format word is there. */
static int read_ecc_level(const QRcode *qr)
{
    static const int pos[15][2] = {{8, 0}, {8, 1}, {8, 2}, {8, 3}, {8, 4}, {8, 5}, {8, 7}, {8, 8},
                                   {7, 8}, {5, 8}, {4, 8}, {3, 8}, {2, 8}, {1, 8}, {0, 8}};
    unsigned word = 0;
    for (int i = 0; i < 15; i++)
        word = (word << 1) | (qr->data[pos[i][0] * qr->width + pos[i][1]] & 1u);
    static const int level_of_bits[4] = {1, 0, 3, 2}; /* 00 = M, 01 = L, 10 = H, 11 = Q */
    for (unsigned data = 0; data < 32; data++) {
        unsigned v = data << 10;
        for (int b = 14; b >= 10; b--)
            if (v & (1u << b))
                v ^= 0x537u << (b - 10);
        if ((((data << 10) | v) ^ 0x5412u) == word)
            return level_of_bits[data >> 3];
    }
    return -1;
}

/* Draw qr with `px` pixels per module on a white image surface. */
static cairo_surface_t *draw_png_surface(const QRcode *qr, int px)
{
    int side = qr_total_modules(qr) * px;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    qr_draw(cr, qr, 0, 0, side);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

/* Decode every symbol in a PNG with zbarimg, bytes exactly as stored. */
static char *zbar_decode(const char *png, size_t *len)
{
    char cmd[256], *out;
    snprintf(cmd, sizeof cmd, "zbarimg -q -Sbinary --raw %s 2>/dev/null", png);
    int rc = kt_run(cmd, &out, len);
    assert_int_equal(rc, 0);
    return out;
}

/* Draw, write, decode and compare with `want` (zbarimg ends the text with a
 * newline in binary mode as well). */
static void assert_decodes_to(const QRcode *qr, const char *name, const void *want, size_t want_len)
{
    char png[128];
    snprintf(png, sizeof png, "%s/%s.png", dir, name);
    cairo_surface_t *s = draw_png_surface(qr, 4);
    assert_int_equal(cairo_surface_write_to_png(s, png), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    size_t n;
    char *got = zbar_decode(png, &n);
    while (n > 0 && got[n - 1] == '\n' && n > want_len)
        n--;
    assert_int_equal(n, want_len);
    assert_memory_equal(got, want, want_len);
    free(got);
}

/* ---- SHC ---- */

static void test_shc_decodes_exactly(void **state)
{
    (void)state;
    char *jws = make_jws(804); /* the size of the SMART Health Cards spec's example-00 */
    QRcode *qr = NULL;
    assert_int_equal(qr_encode_shc(jws, &qr), KOFU_OK);
    assert_non_null(qr);
    char *want = expected_shc_text(jws);
    assert_memory_equal(want, "shc:/567629", 11); /* every JSON header starts "eyJ" */
    assert_decodes_to(qr, "shc804", want, strlen(want));
    qr_free(qr);
    free(want);
    free(jws);
}

/* 1195 characters fill V22 at ECC L to within 5 bits (docs/printing.md); that only
 * holds for exactly one byte segment "shc:/" and one numeric segment, so
 * fitting V22 proves the segments. */
static void test_shc_1195_fits_v22_and_decodes(void **state)
{
    (void)state;
    char *jws = make_jws(QR_SHC_MAX_JWS);
    QRcode *qr = NULL;
    assert_int_equal(qr_encode_shc(jws, &qr), KOFU_OK);
    assert_int_equal(qr->version, 22);
    assert_int_equal(qr->width, 105);
    assert_int_equal(qr_total_modules(qr), 113);
    assert_int_equal(read_ecc_level(qr), 0); /* L */
    char *want = expected_shc_text(jws);
    assert_decodes_to(qr, "shc1195", want, strlen(want));
    qr_free(qr);
    free(want);
    free(jws);
}

static void test_shc_too_long_is_refused(void **state)
{
    (void)state;
    static const size_t lens[] = {QR_SHC_MAX_JWS + 1, QR_SHC_MAX_JWS + 2, 1500, 2390, 2391, 3300, 20000};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        char *jws = make_jws(lens[i]);
        QRcode *qr = &sentinel; /* must be reset to NULL */
        assert_int_equal(qr_encode_shc(jws, &qr), KOFU_E_QR_TOO_LARGE);
        assert_null(qr);
        free(jws);
    }
}

static void test_shc_versions_grow_with_length(void **state)
{
    (void)state;
    int last = 0;
    for (size_t len = 40; len <= QR_SHC_MAX_JWS; len += 97) {
        char *jws = make_jws(len);
        QRcode *qr = NULL;
        assert_int_equal(qr_encode_shc(jws, &qr), KOFU_OK);
        assert_true(qr->version >= last && qr->version <= QR_SHC_MAX_VERSION);
        assert_int_equal(read_ecc_level(qr), 0);
        last = qr->version;
        qr_free(qr);
        free(jws);
    }
    /* The SMART Health Cards spec's own 804-character example-00 is a V18 symbol
     * at ECC L. */
    char *jws = make_jws(804);
    QRcode *qr = NULL;
    assert_int_equal(qr_encode_shc(jws, &qr), KOFU_OK);
    assert_int_equal(qr->version, 18);
    qr_free(qr);
    free(jws);
}

static void test_shc_bad_input(void **state)
{
    (void)state;
    QRcode *qr = NULL;
    assert_int_equal(qr_encode_shc(NULL, &qr), KOFU_E_ARG);
    assert_null(qr);
    assert_int_equal(qr_encode_shc("", &qr), KOFU_E_ARG);
    assert_int_equal(qr_encode_shc("eyJ0 eXAi", &qr), KOFU_E_ARG);    /* space */
    assert_int_equal(qr_encode_shc("eyJ0+eXAi", &qr), KOFU_E_ARG);    /* standard base64 */
    assert_int_equal(qr_encode_shc("eyJ0eXAi=", &qr), KOFU_E_ARG);    /* padding */
    assert_int_equal(qr_encode_shc("eyJ0\xe3\x81\x82", &qr), KOFU_E_ARG); /* UTF-8 */
    assert_int_equal(qr_encode_shc("{eyJ0}", &qr), KOFU_E_ARG);       /* above 'z' */
    assert_null(qr);
    assert_int_equal(qr_encode_shc("eyJ0", NULL), KOFU_E_ARG);
    /* Every character of the alphabet maps into 00..77. */
    char all[80];
    snprintf(all, sizeof all, "%s.", kt_b64url_chars);
    assert_int_equal(qr_encode_shc(all, &qr), KOFU_OK);
    char *want = expected_shc_text(all);
    assert_decodes_to(qr, "alphabet", want, strlen(want));
    assert_non_null(strstr(want, "shc:/2021")); /* 'A' = 20, 'B' = 21 */
    qr_free(qr);
    free(want);
}

/* ---- VDS-NC (byte mode) ---- */

static void test_vds_round_trip_ecc_m(void **state)
{
    (void)state;
    char *seal = make_seal(3);
    size_t n = strlen(seal);
    assert_true(n > 1100 && n < 1400);
    QRcode *qr = NULL;
    assert_int_equal(qr_encode_bytes((const uint8_t *)seal, n, &qr), KOFU_OK);
    assert_true(qr->version <= QR_BYTES_M_MAX_VERSION);
    assert_int_equal(read_ecc_level(qr), 1); /* M */
    print_message("VDS-NC seal %zu bytes, 3 doses: V%d, ECC M\n", n, qr->version);
    assert_decodes_to(qr, "vds3", seal, n);
    qr_free(qr);
    free(seal);
}

static void test_vds_large_drops_to_ecc_l(void **state)
{
    (void)state;
    char *seal = make_seal(10);
    size_t n = strlen(seal);
    QRcode *qr = NULL;
    assert_int_equal(qr_encode_bytes((const uint8_t *)seal, n, &qr), KOFU_OK);
    int level = read_ecc_level(qr);
    print_message("VDS-NC seal %zu bytes, 10 doses: V%d, ECC %s\n", n, qr->version, level == 1 ? "M" : "L");
    /* At M this seal needs more than V30, so it is encoded at L. */
    QRcode *at_m = QRcode_encodeData((int)n, (const unsigned char *)seal, 0, QR_ECLEVEL_M);
    assert_non_null(at_m);
    assert_true(at_m->version > QR_BYTES_M_MAX_VERSION);
    assert_true(qr->version < at_m->version);
    QRcode_free(at_m);
    assert_int_equal(level, 0);
    assert_decodes_to(qr, "vds10", seal, n);
    qr_free(qr);
    free(seal);
}

static void test_bytes_limits(void **state)
{
    (void)state;
    uint8_t *big = malloc(3000);
    assert_non_null(big);
    for (size_t i = 0; i < 3000; i++)
        big[i] = (uint8_t)(i * 131 + 7);
    QRcode *qr = NULL;
    /* 2953 bytes is exactly the capacity of V40 at ECC L. */
    assert_int_equal(qr_encode_bytes(big, 2953, &qr), KOFU_OK);
    assert_int_equal(qr->version, 40);
    assert_int_equal(read_ecc_level(qr), 0);
    qr_free(qr);
    qr = &sentinel;
    assert_int_equal(qr_encode_bytes(big, 2954, &qr), KOFU_E_QR_TOO_LARGE);
    assert_null(qr);
    assert_int_equal(qr_encode_bytes(big, 0, &qr), KOFU_E_ARG);
    assert_int_equal(qr_encode_bytes(NULL, 10, &qr), KOFU_E_ARG);
    assert_int_equal(qr_encode_bytes(big, 10, NULL), KOFU_E_ARG);
    /* Binary bytes (with NULs) survive the round trip. */
    big[3] = 0;
    assert_int_equal(qr_encode_bytes(big, 200, &qr), KOFU_OK);
    assert_int_equal(read_ecc_level(qr), 1);
    assert_decodes_to(qr, "binary", big, 200);
    qr_free(qr);
    free(big);
}

/* ---- drawing ---- */

static int pixel_gray(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t v;
    memcpy(&v, d + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
    return (int)(v & 0xFF); /* blue channel; the drawing is grey */
}

/* On a raster at whole pixels per module, every module is exactly its
 * square of pixels and the quiet zone is white. */
static void test_draw_exact_modules_and_quiet_zone(void **state)
{
    (void)state;
    char *jws = make_jws(300);
    QRcode *qr = NULL;
    assert_int_equal(qr_encode_shc(jws, &qr), KOFU_OK);
    const int px = 3;
    cairo_surface_t *s = draw_png_surface(qr, px);
    int n = qr_total_modules(qr);
    for (int my = 0; my < n; my++) {
        for (int mx = 0; mx < n; mx++) {
            int r = my - QR_QUIET_MODULES, c = mx - QR_QUIET_MODULES;
            bool dark = r >= 0 && c >= 0 && r < qr->width && c < qr->width && (qr->data[r * qr->width + c] & 1);
            for (int dy = 0; dy < px; dy++)
                for (int dx = 0; dx < px; dx++)
                    assert_int_equal(pixel_gray(s, mx * px + dx, my * px + dy), dark ? 0 : 255);
        }
    }
    cairo_surface_destroy(s);
    qr_free(qr);
    free(jws);
}

/* The vector path (what a PDF gets): replayed at a fractional scale, the
 * inside of the 3×3 core of a finder pattern is solid black — no seams
 * between rows or runs, which separate fills would leave. */
static void test_draw_vector_no_seams(void **state)
{
    (void)state;
    char *jws = make_jws(500);
    QRcode *qr = NULL;
    assert_int_equal(qr_encode_shc(jws, &qr), KOFU_OK);
    cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR, NULL);
    cairo_t *cr = cairo_create(rec);
    const double size = 113.3858; /* 40 mm in points */
    qr_draw(cr, qr, 10.3, 20.7, size);
    cairo_destroy(cr);

    const double scale = 200.0 / 72.0; /* pdftoppm -r 200 */
    int side = (int)((size + 40) * scale);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
    cr = cairo_create(img);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    cairo_set_source_surface(cr, rec, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_flush(img);

    double m = size / qr_total_modules(qr);
    /* The finder core spans modules 2..4 of the symbol (quiet zone excluded). */
    int x0 = (int)((10.3 + (QR_QUIET_MODULES + 2) * m) * scale) + 1;
    int x1 = (int)((10.3 + (QR_QUIET_MODULES + 5) * m) * scale) - 1;
    int y0 = (int)((20.7 + (QR_QUIET_MODULES + 2) * m) * scale) + 1;
    int y1 = (int)((20.7 + (QR_QUIET_MODULES + 5) * m) * scale) - 1;
    assert_true(x1 - x0 >= 3 && y1 - y0 >= 3);
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            assert_int_equal(pixel_gray(img, x, y), 0);
    /* The quiet zone is painted white (not left to the background). */
    assert_int_equal(pixel_gray(img, (int)((10.3 + 1.5 * m) * scale), (int)((20.7 + 1.5 * m) * scale)), 255);
    cairo_surface_destroy(img);
    cairo_surface_destroy(rec);
    qr_free(qr);
    free(jws);
}

static void test_draw_and_free_tolerate_null(void **state)
{
    (void)state;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 10, 10);
    cairo_t *cr = cairo_create(s);
    qr_draw(cr, NULL, 0, 0, 10);
    qr_draw(NULL, NULL, 0, 0, 10);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    qr_free(NULL);
    assert_int_equal(qr_total_modules(NULL), 0);
}

static int group_setup(void **state)
{
    (void)state;
    if (!kt_have("zbarimg")) {
        fprintf(stderr, "test_qr: zbarimg (zbar-tools) is needed\n");
        return -1;
    }
    return kt_tempdir(dir, sizeof dir, "ui-test") ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    kt_rmdir_flat(dir);
    return 0;
}

/* The digit rule (ui/qr_numeric.h): the specification's table, and what no
 * JWS encodes refused both ways. */
static void test_shc_numeric_digits(void **state)
{
    (void)state;
    char out[64], back[32];
    assert_true(qr_numeric_from_jws("eyJ", out, sizeof out));
    assert_string_equal(out, "567629");
    /* the SMART Health Cards numeric table: - . 0 9 A Z _ a z */
    assert_true(qr_numeric_from_jws("-.09AZ_az", out, sizeof out));
    assert_string_equal(out, "000103122045505277");
    assert_true(qr_numeric_to_jws("000103122045505277", back, sizeof back));
    assert_string_equal(back, "-.09AZ_az");
    assert_true(qr_numeric_from_jws("", out, sizeof out));
    assert_string_equal(out, "");
    /* outside the JWS alphabet, or too small a buffer */
    assert_false(qr_numeric_from_jws("a/b", out, sizeof out));
    assert_false(qr_numeric_from_jws("a=b", out, sizeof out));
    assert_false(qr_numeric_from_jws("a b", out, sizeof out));
    assert_false(qr_numeric_from_jws("eyJ", out, 6));
    assert_true(qr_numeric_from_jws("eyJ", out, 7));
    assert_false(qr_numeric_from_jws(NULL, out, sizeof out));
    /* decoding refuses what no JWS encodes */
    assert_false(qr_numeric_to_jws("5676291", back, sizeof back)); /* odd */
    assert_false(qr_numeric_to_jws("78", back, sizeof back));      /* above 77 */
    assert_false(qr_numeric_to_jws("99", back, sizeof back));
    assert_false(qr_numeric_to_jws("02", back, sizeof back)); /* '/' */
    assert_false(qr_numeric_to_jws("16", back, sizeof back)); /* '=' */
    assert_false(qr_numeric_to_jws("5a", back, sizeof back));
    assert_false(qr_numeric_to_jws("567629", back, 3));
    assert_true(qr_numeric_to_jws("567629", back, 4));
    assert_string_equal(back, "eyJ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shc_numeric_digits),
        cmocka_unit_test(test_shc_decodes_exactly),
        cmocka_unit_test(test_shc_1195_fits_v22_and_decodes),
        cmocka_unit_test(test_shc_too_long_is_refused),
        cmocka_unit_test(test_shc_versions_grow_with_length),
        cmocka_unit_test(test_shc_bad_input),
        cmocka_unit_test(test_vds_round_trip_ecc_m),
        cmocka_unit_test(test_vds_large_drops_to_ecc_l),
        cmocka_unit_test(test_bytes_limits),
        cmocka_unit_test(test_draw_exact_modules_and_quiet_zone),
        cmocka_unit_test(test_draw_vector_no_seams),
        cmocka_unit_test(test_draw_and_free_tolerate_null),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
