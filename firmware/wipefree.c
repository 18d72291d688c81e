/*
 * wipefree.c — every heap block of the kofu process is zeroed when it is
 * freed, whoever allocated it.
 *
 * Why: resident data passes through libraries kofu does not own — libcurl's
 * request and download buffers, OpenSSL's TLS records, pango's and cairo's
 * copies of the name, libcups' IPP buffers, glib's strings. They free those
 * buffers without wiping, and glibc's allocator leaves the bytes in place
 * (past the free-list pointers) until the memory is reused, which can be
 * minutes or never. Wiping in one allocator hook covers all of them at once,
 * where per-library hooks (CRYPTO_set_mem_functions, curl_global_init_mem,
 * json_set_alloc_funcs) would each cover one and miss the rest.
 *
 * How: the executable defines free, realloc and reallocarray; ELF symbol
 * interposition makes every shared library use them (glibc supports
 * replacing its allocator this way, and its own internal allocations go
 * through the same symbols). The memory itself stays glibc's: free zeroes
 * malloc_usable_size bytes and hands the block to __libc_free; realloc never
 * lets glibc move a block (glibc would free the old copy internally,
 * unwiped), it allocates, copies and frees through the wiping free instead.
 *
 * Linked into build/kofu only, and not into the ASan build (ASan owns the
 * allocator there; tests/run-all.sh asks it to fill freed memory instead).
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern void __libc_free(void *p);

void free(void *p)
{
    if (!p)
        return;
    explicit_bzero(p, malloc_usable_size(p));
    __libc_free(p);
}

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    if (n == 0) {
        free(p);
        return NULL;
    }
    size_t have = malloc_usable_size(p);
    if (n <= have)
        return p; /* shrinking in place would free the tail unwiped; keep it */
    void *q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, have);
    free(p);
    return q;
}

void *reallocarray(void *p, size_t count, size_t size)
{
    size_t n;
    if (__builtin_mul_overflow(count, size, &n)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n);
}
