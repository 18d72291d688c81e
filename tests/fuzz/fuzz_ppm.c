/*
 * fuzz_ppm.c — the tests' P6 reader (tests/lib/qmp.h, ppm_parse) on
 * arbitrary bytes. Checks: an accepted image has sides in range and
 * exactly its pixels' bytes after the header (the last pixel is the
 * input's last three bytes); a refused one leaves the image empty.
 */
#include "fuzz_common.h"
#include "tests/lib/qmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ppm img;
    if (ppm_parse(data, size, &img) != 0) {
        CHECK(!img.rgb && img.width == 0 && img.height == 0);
        return 0;
    }
    CHECK(img.width >= 1 && img.width <= PPM_SIDE_MAX && img.height >= 1 && img.height <= PPM_SIDE_MAX);
    size_t n = (size_t)img.width * (size_t)img.height * 3;
    CHECK(n < size && memcmp(img.rgb, data + size - n, n) == 0);
    uint32_t last = ppm_pixel(&img, img.width - 1, img.height - 1);
    CHECK(last == ((uint32_t)data[size - 3] << 16 | (uint32_t)data[size - 2] << 8 | data[size - 1]));
    ppm_free(&img);
    return 0;
}
