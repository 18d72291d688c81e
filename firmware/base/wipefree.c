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

/* glibc marks a block in its per-thread cache with a random key in the
 * block's second word, and a free that finds the key there is looked into
 * as a double free (and aborts). Zeroing first would erase the mark, and a
 * double free would go unseen and hand one block to two owners. So: learn
 * the key once, and leave a block that carries it to glibc untouched (its
 * bytes were wiped by its first free). 0: no key known (the cache is off,
 * as GLIBC_TUNABLES can set), then every block is wiped. */
static uintptr_t tcache_key;

__attribute__((constructor)) static void learn_tcache_key(void)
{
    uintptr_t *probe = malloc(4 * sizeof *probe);
    if (!probe)
        return;
    const uintptr_t filler = (uintptr_t)0xA5A5A5A5A5A5A5A5u;
    for (int i = 0; i < 4; i++)
        probe[i] = filler;
    uintptr_t at = (uintptr_t)probe; /* read after the free on purpose */
    __libc_free(probe);
    uintptr_t key;
    memcpy(&key, (const void *)(at + sizeof key), sizeof key);
    tcache_key = key != filler ? key : 0;
}

void free(void *p)
{
    if (!p)
        return;
    size_t n = malloc_usable_size(p);
    if (tcache_key && n >= 2 * sizeof(uintptr_t)) {
        uintptr_t second;
        memcpy(&second, (const char *)p + sizeof second, sizeof second);
        if (second == tcache_key) {
            __libc_free(p); /* already free: glibc's check decides */
            return;
        }
    }
    explicit_bzero(p, n);
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
