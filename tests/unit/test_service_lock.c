/*
 * test_service_lock.c — one user of the kiosk at a time (diag/service_lock.h):
 * a second holder is refused while the first holds the lock, waits out its
 * time-out, and gets the lock once the first lets go; a lock without a file
 * is always free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/errors.h"
#include "diag/service_lock.h"
#include "tests/lib/tmp.h"

static void test_one_holder_at_a_time(void **state)
{
    (void)state;
    char dir[128], path[160];
    assert_true(kt_tempdir(dir, sizeof dir, "service-lock"));
    snprintf(path, sizeof path, "%s/service.lock", dir);
    struct service_lock visit, diag;
    assert_int_equal(service_lock_open(&visit, path), KOFU_OK);
    assert_int_equal(service_lock_open(&diag, path), KOFU_OK);
    assert_true(service_lock_try(&visit));
    assert_true(service_lock_try(&visit)); /* taking it again is harmless */
    assert_false(service_lock_try(&diag));
    assert_int_equal(service_lock_wait(&diag, 120), KOFU_E_TIMEOUT);
    service_lock_release(&visit);
    assert_int_equal(service_lock_wait(&diag, 1000), KOFU_OK);
    assert_false(service_lock_try(&visit)); /* and now the visit waits */
    service_lock_close(&diag);              /* closing lets go too */
    assert_true(service_lock_try(&visit));
    service_lock_close(&visit);
    unlink(path);
    kt_rmdir_flat(dir);
}

static void test_no_file_is_always_free(void **state)
{
    (void)state;
    struct service_lock a, b;
    assert_int_equal(service_lock_open(&a, ""), KOFU_OK);
    assert_int_equal(service_lock_open(&b, NULL), KOFU_OK);
    assert_true(service_lock_try(&a));
    assert_true(service_lock_try(&b));
    service_lock_close(&a);
    service_lock_close(&b);
}

static void test_unopenable_path(void **state)
{
    (void)state;
    struct service_lock l;
    assert_int_equal(service_lock_open(&l, "/nonexistent-dir/kofu/service.lock"), KOFU_E_CONFIG);
    assert_int_equal(l.fd, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_holder_at_a_time),
        cmocka_unit_test(test_no_file_is_always_free),
        cmocka_unit_test(test_unopenable_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
