/* fuzz_common.h — small helpers shared by the kofu fuzz targets. */
#ifndef KOFU_FUZZ_COMMON_H
#define KOFU_FUZZ_COMMON_H

#include "base/bytes.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)        \
    do {                \
        if (!(x))       \
            abort();    \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when the view lies inside [base, base+len). Empty views always do. */
static inline bool view_inside(const uint8_t *base, size_t len, kofu_cur v)
{
    if (cur_len(&v) == 0)
        return true;
    const uint8_t *p = cur_data(&v);
    return base && p >= base && p <= base + len && cur_len(&v) <= (size_t)(base + len - p);
}

/* True when all n bytes at p are zero (an output wiped on refusal). */
static inline bool all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

/* A NUL-terminated string of 1..max bytes inside a buffer of cap bytes. */
static inline bool string_ok(const char *s, size_t cap, size_t max)
{
    size_t n = strnlen(s, cap);
    return n >= 1 && n <= max && n < cap;
}

#endif
