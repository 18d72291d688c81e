/* hex.c — see hex.h. */
#include "tests/lib/hex.h"

#include <stdio.h>
#include <stdlib.h>

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t kt_unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (const char *h = hex; *h;) {
        if (*h == ' ') {
            h++;
            continue;
        }
        int hi = nibble(h[0]), lo = hi < 0 ? -1 : nibble(h[1]);
        if (lo < 0 || n >= cap) {
            fprintf(stderr, "kt_unhex: %s at byte %zu of \"%s\"\n", lo < 0 ? "not a hex pair" : "too long for its buffer",
                    n, hex);
            abort();
        }
        out[n++] = (uint8_t)(hi << 4 | lo);
        h += 2;
    }
    return n;
}
