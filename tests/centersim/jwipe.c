/* jwipe.c — see jwipe.h. */
#include "jwipe.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The size lives in a 16-byte header so the block stays 16-byte aligned. */
#define JWIPE_HEADER 16

void *jwipe_malloc(size_t n)
{
    if (n > SIZE_MAX - JWIPE_HEADER)
        return NULL;
    unsigned char *p = malloc(n + JWIPE_HEADER);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    return p + JWIPE_HEADER;
}

void jwipe_free(void *q)
{
    if (!q)
        return;
    unsigned char *p = (unsigned char *)q - JWIPE_HEADER;
    size_t n;
    memcpy(&n, p, sizeof n);
    explicit_bzero(p, n + JWIPE_HEADER);
    free(p);
}

void jwipe_cleanup(const void *data, size_t len, void *arg)
{
    (void)len;
    (void)arg;
    jwipe_free((void *)(uintptr_t)data);
}

void jwipe_install(void) { json_set_alloc_funcs(jwipe_malloc, jwipe_free); }
