/*
 * test_wipefree.c — every heap block is zeroed when freed, whoever frees it
 * (firmware/base/wipefree.c, linked into this test as into the kofu binary):
 * libc's free and realloc, a library's own free (OpenSSL, glib), and the
 * old block of a realloc that moved. Each check looks at the freed block
 * through an address kept aside; past the allocator's own free-list words
 * (the first 16 bytes), no byte of the pattern may remain.
 */
#include <glib.h>
#include <malloc.h>
#include <openssl/crypto.h>
#include <setjmp.h>
#include <signal.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#ifndef __SANITIZE_ADDRESS__
/* (the sanitized build has ASan's allocator, not the wiping one: it runs
 * test_allocator_works alone) */
static const char pattern[] = "synthetic-resident-123456789018";

/* Fill n bytes with the pattern. */
static void fill(void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ((char *)p)[i] = pattern[i % (sizeof pattern - 1)];
}

/* The address as an integer, out of the compiler's sight: the block is
 * looked at after it was freed, on purpose. */
__attribute__((noinline)) static uintptr_t keep(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    __asm__ volatile("" : "+r"(a));
    return a;
}

/* Whether the freed block at address a (n bytes) still holds a piece of the
 * pattern past its first 16 bytes. The address was kept as an integer: the
 * block is not used, only looked at, as an attacker would. */
static bool still_there(uintptr_t a, size_t n)
{
    const volatile unsigned char *p = (const volatile unsigned char *)a;
    for (size_t i = 16; i + 8 <= n; i++) {
        bool match = true;
        for (size_t k = 0; k < 8 && match; k++)
            match = p[i + k] == (unsigned char)pattern[(i + k) % (sizeof pattern - 1)];
        if (match)
            return true;
    }
    return false;
}

static void test_free_zeroes(void **state)
{
    (void)state;
    for (size_t n = 24; n <= 300000; n *= 7) { /* tcache, bins, and an mmapped block */
        char *p = malloc(n);
        assert_non_null(p);
        fill(p, n);
        uintptr_t a = keep(p);
        assert_true(still_there(a, n)); /* the check sees a live block */
        free(p);
        if (n < 100000) /* a large block went back to the kernel: nothing to look at */
            assert_false(still_there(a, n));
    }
}

static void test_libraries_free_zeroes(void **state)
{
    (void)state;
    char *o = OPENSSL_malloc(200);
    assert_non_null(o);
    fill(o, 200);
    uintptr_t a = keep(o);
    OPENSSL_free(o);
    assert_false(still_there(a, 200));

    char *g = g_malloc(200);
    fill(g, 200);
    a = keep(g);
    g_free(g);
    assert_false(still_there(a, 200));

    char *d = strdup(pattern); /* allocated inside libc */
    a = keep(d);
    free(d);
    assert_false(still_there(a, sizeof pattern));
}

static void test_realloc_moves_and_zeroes(void **state)
{
    (void)state;
    char *p = malloc(64);
    assert_non_null(p);
    fill(p, 64);
    uintptr_t a = keep(p);
    char *guard = malloc(64); /* so that p cannot grow in place */
    char *q = realloc(p, 4096);
    assert_non_null(q);
    assert_true(still_there(keep(q), 64)); /* the data moved along */
    assert_true((uintptr_t)q != a);
    assert_false(still_there(a, 64)); /* and the old copy is gone */
    /* Shrinking keeps the block (glibc would free the tail unwiped). */
    char *r = realloc(q, 16);
    assert_ptr_equal(r, q);
    free(r);
    free(guard);
    errno = 0;
    volatile size_t huge = SIZE_MAX / 2;
    assert_null(reallocarray(NULL, huge, 4));
    assert_int_equal(errno, ENOMEM);
}

/* A double free still aborts, as glibc's own check makes it (wiping must
 * not erase the mark glibc looks for): two owners of one block could move
 * one resident's data into another's buffer. */
static void test_double_free_still_caught(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        char *a = malloc(40), *b = malloc(40);
        uintptr_t again = keep(a);
        free(a);
        free(b);
        free((void *)again); /* the second free of a */
        _exit(0);            /* not reached when the double free is caught */
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
}
#endif

static void test_allocator_works(void **state)
{
    (void)state;
    char *p = calloc(10, 10);
    assert_non_null(p);
    p = realloc(p, 1000);
    assert_non_null(p);
    p = reallocarray(p, 100, 100);
    assert_non_null(p);
    free(p);
    assert_null(realloc(malloc(8), 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocator_works),
#ifndef __SANITIZE_ADDRESS__
        cmocka_unit_test(test_free_zeroes),
        cmocka_unit_test(test_libraries_free_zeroes),
        cmocka_unit_test(test_realloc_moves_and_zeroes),
        cmocka_unit_test(test_double_free_still_caught),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
