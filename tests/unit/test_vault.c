/*
 * test_vault.c — the vault (firmware/base/vault.h): allocation, wiping, and the
 * process protections vault_init sets up. The tests run in order: the first
 * one sees the vault before vault_init.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/errors.h"
#include "base/vault.h"

#define VAULT_REQUEST 10000 /* not a page multiple on purpose */

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static void test_before_init(void **state)
{
    (void)state;
    assert_int_equal(vault_size(), 0);
    assert_int_equal(vault_used(), 0);
    assert_null(vault_alloc(16));
    int x;
    assert_false(vault_contains(&x, sizeof x));
    vault_wipe(); /* harmless */
    assert_int_equal(vault_init(0), KOFU_E_ARG);
    assert_int_equal(vault_size(), 0);
}

static void test_init(void **state)
{
    (void)state;
    assert_int_equal(vault_init(VAULT_REQUEST), KOFU_OK);
    size_t ps = page_size();
    /* Rounded up to whole pages. */
    assert_int_equal(vault_size(), (VAULT_REQUEST + ps - 1) / ps * ps);
    assert_int_equal(vault_used(), 0);
    assert_true(vault_is_clean());
}

static void test_init_twice(void **state)
{
    (void)state;
    size_t before = vault_size();
    void *p = vault_alloc(8);
    assert_non_null(p);
    assert_int_equal(vault_init(VAULT_REQUEST), KOFU_E_ARG);
    assert_int_equal(vault_init(1 << 20), KOFU_E_ARG);
    /* The existing vault is untouched. */
    assert_int_equal(vault_size(), before);
    assert_true(vault_contains(p, 8));
    vault_wipe();
}

static void test_process_protections(void **state)
{
    (void)state;
    assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
    assert_int_equal(rl.rlim_cur, 0);
    assert_int_equal(rl.rlim_max, 0);
}

static void test_alloc_aligned_and_zeroed(void **state)
{
    (void)state;
    vault_wipe();
    static const size_t sizes[] = {1, 3, 15, 16, 17, 31, 100, 7};
    uint8_t *prev = NULL;
    size_t prev_n = 0;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = vault_alloc(sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        assert_true(vault_contains(p, sizes[i]));
        for (size_t k = 0; k < sizes[i]; k++)
            assert_int_equal(p[k], 0);
        /* Allocations do not overlap. */
        if (prev)
            assert_true(p >= prev + prev_n);
        memset(p, 0xA5, sizes[i]);
        prev = p;
        prev_n = sizes[i];
    }
    assert_false(vault_is_clean());
    vault_wipe();
    assert_true(vault_is_clean());
}

static void test_alloc_zero_and_too_big(void **state)
{
    (void)state;
    vault_wipe();
    assert_null(vault_alloc(0));
    assert_null(vault_alloc(vault_size() + 1));
    assert_null(vault_alloc(SIZE_MAX));
    assert_null(vault_alloc(SIZE_MAX - 8));
    assert_int_equal(vault_used(), 0);
}

static void test_full_vault(void **state)
{
    (void)state;
    vault_wipe();
    /* Exactly all of it. */
    uint8_t *all = vault_alloc(vault_size());
    assert_non_null(all);
    assert_int_equal(vault_used(), vault_size());
    assert_null(vault_alloc(1));
    all[vault_size() - 1] = 1; /* the last byte is usable */
    vault_wipe();

    /* Filling in pieces: 16-byte steps, then nothing. */
    size_t n = 0;
    while (vault_alloc(16))
        n++;
    assert_int_equal(n, vault_size() / 16);
    assert_null(vault_alloc(1));
    vault_wipe();

    /* An odd-sized allocation: the alignment padding counts. */
    assert_non_null(vault_alloc(vault_size() - 20));
    size_t used = vault_used();
    assert_null(vault_alloc(20)); /* 20 bytes free, but the next aligned start leaves < 20 */
    assert_int_equal(vault_used(), used);
    assert_non_null(vault_alloc(16));
    assert_null(vault_alloc(1));
    vault_wipe();
}

static void test_contains(void **state)
{
    (void)state;
    vault_wipe();
    uint8_t *p = vault_alloc(64);
    assert_non_null(p);
    uint8_t *base = p; /* the first allocation after a wipe starts the vault */
    size_t size = vault_size();
    assert_true(vault_contains(base, size));
    assert_true(vault_contains(base + size - 1, 1));
    assert_false(vault_contains(base + size - 1, 2));
    assert_false(vault_contains(base - 1, 1));
    assert_false(vault_contains(base - 1, 2));
    assert_false(vault_contains(base, size + 1));
    assert_false(vault_contains(base + 1, SIZE_MAX));
    assert_false(vault_contains(base + size, 1));
    int on_stack = 0;
    assert_false(vault_contains(&on_stack, sizeof on_stack));
    static int in_data;
    assert_false(vault_contains(&in_data, sizeof in_data));
    vault_wipe();
}

static void test_wipe(void **state)
{
    (void)state;
    vault_wipe();
    char *secret = vault_alloc(32);
    assert_non_null(secret);
    memcpy(secret, "537686677188", 13);
    uint8_t *more = vault_alloc(1000);
    assert_non_null(more);
    memset(more, 0xFF, 1000);
    assert_false(vault_is_clean());
    assert_true(vault_used() >= 1032);
    vault_wipe();
    assert_true(vault_is_clean());
    assert_int_equal(vault_used(), 0);
    /* The memory was zeroed where it is, not just forgotten. */
    assert_int_equal(secret[0], 0);
    assert_int_equal(more[999], 0);
    /* And the space is free again: the next allocation starts at the beginning. */
    char *again = vault_alloc(vault_size());
    assert_ptr_equal(again, secret);
    vault_wipe();
}

static void test_clean_detects_one_byte(void **state)
{
    (void)state;
    vault_wipe();
    uint8_t *all = vault_alloc(vault_size());
    assert_non_null(all);
    for (size_t i = 0; i < vault_size(); i += vault_size() / 7 + 1) {
        all[i] = 1;
        assert_false(vault_is_clean());
        all[i] = 0;
        assert_true(vault_is_clean());
    }
    all[vault_size() - 1] = 0x80;
    assert_false(vault_is_clean());
    vault_wipe();
    assert_true(vault_is_clean());
}

/* The kiosk's check after a visit: what lies below its mark (the screen)
 * is not looked at; anything allocated or written past it is caught. */
static void test_clean_after_mark(void **state)
{
    (void)state;
    vault_wipe();
    uint8_t *screen = vault_alloc(256);
    assert_non_null(screen);
    memset(screen, 0xAB, 256);
    size_t mark = vault_mark();
    assert_true(vault_is_clean_after(mark));
    assert_false(vault_is_clean());
    uint8_t *visit = vault_alloc(64);
    assert_non_null(visit);
    assert_false(vault_is_clean_after(mark)); /* allocated, even if still zero */
    visit[10] = 1;
    vault_release(mark);
    assert_true(vault_is_clean_after(mark)); /* released and zeroed */
    assert_int_equal(screen[255], 0xAB);     /* the screen stays */
    vault_wipe();
}

static void test_destroy_and_reinit(void **state)
{
    (void)state;
    vault_destroy();
    assert_int_equal(vault_size(), 0);
    assert_null(vault_alloc(1));
    assert_int_equal(vault_init(4096), KOFU_OK);
    assert_int_equal(vault_size(), page_size() > 4096 ? page_size() : 4096);
    assert_non_null(vault_alloc(1));
    vault_destroy();
}

/* How many of the n pages from p are resident. */
static size_t resident_pages(const void *p, size_t n)
{
    unsigned char vec[64];
    assert_true(n <= sizeof vec);
    assert_int_equal(mincore((void *)(uintptr_t)p, n * page_size(), vec), 0);
    size_t r = 0;
    for (size_t i = 0; i < n; i++)
        r += vec[i] & 1;
    return r;
}

/* Pages are locked as they are touched: room never used costs no memory,
 * and the wipe and the check still reach every page that was written, even
 * past what was handed out. */
static void test_unused_room_costs_nothing(void **state)
{
    (void)state;
    size_t ps = page_size();
    assert_int_equal(vault_init(48 * ps), KOFU_OK);
    uint8_t *base = vault_alloc(16);
    assert_non_null(base);
    assert_int_equal(resident_pages(base, 48), 0);
    memcpy(base, "537686677188", 13);
    base[40 * ps + 7] = 0x5A; /* a stray write beyond every allocation */
    assert_int_equal(resident_pages(base, 48), 2);
    vault_release(0);
    assert_false(vault_is_clean()); /* release zeroed what was handed out only */
    vault_wipe();
    assert_true(vault_is_clean());
    assert_int_equal(base[0], 0);
    assert_int_equal(base[40 * ps + 7], 0);
    /* Neither the wipe nor the checks touched the other pages. */
    assert_int_equal(resident_pages(base, 48), 2);
    vault_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_before_init),
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_init_twice),
        cmocka_unit_test(test_process_protections),
        cmocka_unit_test(test_alloc_aligned_and_zeroed),
        cmocka_unit_test(test_alloc_zero_and_too_big),
        cmocka_unit_test(test_full_vault),
        cmocka_unit_test(test_contains),
        cmocka_unit_test(test_wipe),
        cmocka_unit_test(test_clean_detects_one_byte),
        cmocka_unit_test(test_clean_after_mark),
        cmocka_unit_test(test_destroy_and_reinit),
        cmocka_unit_test(test_unused_room_costs_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
