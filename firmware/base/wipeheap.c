/* wipeheap.c — see wipeheap.h. */
#include "base/wipeheap.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The size lives in a 16-byte header so the block stays 16-byte aligned. */
#define WIPEHEAP_HEADER 16

void *wipeheap_malloc(size_t n)
{
    if (n > SIZE_MAX - WIPEHEAP_HEADER)
        return NULL;
    unsigned char *p = malloc(n + WIPEHEAP_HEADER);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    return p + WIPEHEAP_HEADER;
}

void wipeheap_free(void *q)
{
    if (!q)
        return;
    unsigned char *p = (unsigned char *)q - WIPEHEAP_HEADER;
    size_t n;
    memcpy(&n, p, sizeof n);
    explicit_bzero(p, n + WIPEHEAP_HEADER);
    free(p);
}

void wipeheap_cleanup(const void *data, size_t len, void *arg)
{
    (void)len;
    (void)arg;
    wipeheap_free((void *)(uintptr_t)data);
}

void wipeheap_install_json(void) { json_set_alloc_funcs(wipeheap_malloc, wipeheap_free); }

void json_text_free(char *text)
{
    if (!text)
        return;
    json_free_t free_fn = NULL;
    json_get_alloc_funcs(NULL, &free_fn);
    (free_fn ? free_fn : free)(text);
}
