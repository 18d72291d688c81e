/*
 * test_service_lock.c — one user of the kiosk at a time (diag/service_lock.h):
 * a second holder is refused while the first holds the lock, waits out its
 * time-out, and gets the lock once the first lets go; a lock without a file
 * is always free. The running kiosk's mark is seen from another open of the
 * file, not from its own, does not disturb the visit lock, and is gone once
 * the kiosk closes it. The file is made 0644 and the lock works on it
 * read-only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
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

static void test_kiosk_mark(void **state)
{
    (void)state;
    char dir[128], path[160];
    assert_true(kt_tempdir(dir, sizeof dir, "service-lock"));
    snprintf(path, sizeof path, "%s/service.lock", dir);
    struct service_lock kiosk, console;
    assert_int_equal(service_lock_open(&kiosk, path), KOFU_OK);
    assert_int_equal(service_lock_open(&console, path), KOFU_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    mode_t um = umask(0);
    umask(um);
    assert_int_equal(sb.st_mode & 0777, 0644 & ~um);
    assert_false(service_lock_kiosk_running(&console)); /* no kiosk yet */
    assert_int_equal(service_lock_mark_kiosk(&kiosk), KOFU_OK);
    assert_true(service_lock_kiosk_running(&console));
    assert_false(service_lock_kiosk_running(&kiosk)); /* never its own mark */
    /* The mark and the visit lock are independent: the kiosk's visit and
     * the console's run still exclude each other. */
    assert_true(service_lock_try(&console));
    assert_false(service_lock_try(&kiosk));
    assert_true(service_lock_kiosk_running(&console));
    service_lock_release(&console);
    assert_true(service_lock_try(&kiosk));
    service_lock_release(&kiosk);
    assert_true(service_lock_kiosk_running(&console)); /* a visit's end keeps it */
    /* A third opener (the next console run) sees it too. */
    struct service_lock later;
    assert_int_equal(service_lock_open(&later, path), KOFU_OK);
    assert_true(service_lock_kiosk_running(&later));
    service_lock_close(&later);
    service_lock_close(&kiosk); /* the kiosk ends */
    assert_false(service_lock_kiosk_running(&console));
    service_lock_close(&console);
    unlink(path);
    kt_rmdir_flat(dir);
}

/* A file made by another user with 0644 (root's console run on a fresh
 * /run): read-only is all the kiosk needs for the lock and the mark. */
static void test_read_only_file(void **state)
{
    (void)state;
    char dir[128], path[160];
    assert_true(kt_tempdir(dir, sizeof dir, "service-lock"));
    snprintf(path, sizeof path, "%s/service.lock", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(path, 0444), 0);
    struct service_lock a, b;
    assert_int_equal(service_lock_open(&a, path), KOFU_OK);
    assert_int_equal(service_lock_open(&b, path), KOFU_OK);
    assert_true(service_lock_try(&a));
    assert_false(service_lock_try(&b));
    assert_int_equal(service_lock_mark_kiosk(&a), KOFU_OK);
    assert_true(service_lock_kiosk_running(&b));
    service_lock_close(&a);
    assert_true(service_lock_try(&b));
    assert_false(service_lock_kiosk_running(&b));
    service_lock_close(&b);
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
    assert_int_equal(service_lock_mark_kiosk(&a), KOFU_OK); /* nothing to mark */
    assert_false(service_lock_kiosk_running(&b));           /* nor to tell */
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
        cmocka_unit_test(test_kiosk_mark),
        cmocka_unit_test(test_read_only_file),
        cmocka_unit_test(test_no_file_is_always_free),
        cmocka_unit_test(test_unopenable_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
