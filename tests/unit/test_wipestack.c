/*
 * test_wipestack.c — thread stacks keep nothing once wiped: a worker's
 * frames on a wipestack after its join, and the main thread's frames below
 * the caller (wipestack.h). Each check is shown to catch the pattern first.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/errors.h"
#include "base/wipestack.h"

static const char pattern[] = "synthetic-resident-123456789018";

static bool region_holds(const void *lo, const void *hi)
{
    return memmem(lo, (size_t)((const char *)hi - (const char *)lo), pattern, sizeof pattern - 1) != NULL;
}

/* A frame that holds the pattern, as a device call's locals would. */
__attribute__((noinline)) static void leave_pattern_in_frame(void)
{
    char buf[4096];
    for (size_t i = 0; i + sizeof pattern < sizeof buf; i += 512)
        memcpy(buf + i, pattern, sizeof pattern);
    __asm__ volatile("" : : "r"(buf) : "memory"); /* the stores must happen */
}

/* The same a few frames further down, as a render under the main loop. */
__attribute__((noinline)) static void leave_pattern_deeper(int depth)
{
    char pad[2048];
    memset(pad, 0, sizeof pad);
    __asm__ volatile("" : : "r"(pad) : "memory");
    if (depth > 0)
        leave_pattern_deeper(depth - 1);
    else
        leave_pattern_in_frame();
}

static void *worker(void *arg)
{
    (void)arg;
    leave_pattern_in_frame();
    return NULL;
}

/* One device call's thread on w's stack, joined. */
static void run_worker(struct wipestack *w)
{
    pthread_attr_t attr;
    pthread_t th;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(wipestack_attr(w, &attr), KOFU_OK);
    assert_int_equal(pthread_create(&th, &attr, worker, NULL), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    pthread_attr_destroy(&attr);
}

static void test_worker_stack_wiped_after_join(void **state)
{
    (void)state;
    struct wipestack w = {0};
    assert_int_equal(wipestack_init(&w, 256 * 1024), KOFU_OK);
    long ps = sysconf(_SC_PAGESIZE);
    const char *lo = (const char *)w.map + ps, *hi = (const char *)w.map + w.map_size;
    for (int round = 0; round < 2; round++) {
        run_worker(&w);
        assert_true(region_holds(lo, hi)); /* the check sees what a call left */
        wipestack_wipe(&w);
        assert_false(region_holds(lo, hi));
    }
    wipestack_destroy(&w);
    assert_null(w.map);
}

__attribute__((noinline)) static const char *current_frame(void) { return __builtin_frame_address(0); }

static void test_main_stack_wiped_below(void **state)
{
    (void)state;
    leave_pattern_deeper(2);
    /* Below this test's frame, in the main thread's [stack] mapping. */
    const char *here = current_frame();
    /* Only what the [stack] mapping covers is there to read. */
    unsigned long map_lo = 0, map_hi = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    assert_non_null(f);
    char line[512];
    while (fgets(line, sizeof line, f))
        if (strstr(line, "[stack]"))
            assert_int_equal(sscanf(line, "%lx-%lx", &map_lo, &map_hi), 2);
    fclose(f);
    assert_true(map_lo && (uintptr_t)here > map_lo && (uintptr_t)here < map_hi);
    const char *lo = here - 64 * 1024;
    if ((uintptr_t)lo < map_lo)
        lo = (const char *)map_lo;
    assert_true(region_holds(lo, here - 64));
    assert_int_equal(wipestack_wipe_below(), KOFU_OK);
    assert_false(region_holds(lo, here - 64));
}

/* The plumbing alone: a thread runs on the stack and is joined. */
static void test_worker_runs_on_its_stack(void **state)
{
    (void)state;
    struct wipestack w = {0};
    assert_int_equal(wipestack_init(&w, 256 * 1024), KOFU_OK);
    run_worker(&w);
    wipestack_destroy(&w);
    assert_null(w.map);
}

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
    /* The sanitized build does not wipe stacks (wipestack.c says why). */
    const struct CMUnitTest asan[] = {cmocka_unit_test(test_worker_runs_on_its_stack)};
    return cmocka_run_group_tests(asan, NULL, NULL);
#endif
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worker_runs_on_its_stack),
        cmocka_unit_test(test_worker_stack_wiped_after_join),
        cmocka_unit_test(test_main_stack_wiped_below),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
