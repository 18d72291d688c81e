/*
 * test_service_state.c — the state file (diag/service_state.h): its text
 * form round-trips, every deviation is refused, the file keeps one size and
 * is rewritten in place through a descriptor opened earlier, a damaged file
 * reads as zero and is rewritten, and the lock-out locks at the fifth
 * failure in a row, ends on time and is cleared by a success.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/errors.h"
#include "diag/service_state.h"
#include "tests/lib/files.h"
#include "tests/lib/tmp.h"

static struct service_state sample(void)
{
    struct service_state st = {0};
    st.c.since = 1767225600; /* 2026-01-01 */
    st.c.visits = 42;
    st.c.certificates = 40;
    st.c.refunds = 1;
    st.c.receipts = UINT32_MAX;
    st.c.errors[0] = 3;
    st.c.errors[82] = 7;
    st.c.errors[SERVICE_ERR_SLOTS - 1] = 1;
    st.l.failures = 2;
    st.l.locked_until = INT64_MAX;
    return st;
}

static int parse_text(const char *text, struct service_state *st)
{
    kofu_cur in;
    cur_init(&in, (const uint8_t *)text, strlen(text));
    return service_state_parse(in, st);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct service_state a = sample(), b, zero = {0};
    char buf[8192];
    int n = service_state_format(&a, buf, sizeof buf);
    assert_true(n > 0);
    kofu_cur in;
    cur_init(&in, (const uint8_t *)buf, (size_t)n);
    assert_int_equal(service_state_parse(in, &b), KOFU_OK);
    assert_memory_equal(&a, &b, sizeof a);
    /* One size whatever the numbers: a rewrite in place leaves no tail. */
    assert_int_equal(service_state_format(&zero, buf, sizeof buf), n);
    /* Too small a buffer is refused, not cut. */
    assert_int_equal(service_state_format(&a, buf, (size_t)n), -1);
    assert_int_equal(service_state_format(&a, buf, 10), -1);
    /* Empty: a new file. */
    assert_int_equal(parse_text("", &b), KOFU_OK);
    assert_memory_equal(&b, &zero, sizeof b);
    /* Keys may be missing (0) and come in any order; numbers unpadded. */
    assert_int_equal(parse_text("kofu-state 1\nvisits 5\nerror_82 2\nsince 0\n", &b), KOFU_OK);
    assert_int_equal(b.c.visits, 5);
    assert_int_equal(b.c.errors[82], 2);
}

static void test_refusals(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "visits 1\n",                                 /* no header */
        "kofu-state 2\n",                             /* another version */
        "kofu-state 1",                               /* no LF */
        "kofu-state 1\nvisits 1",                     /* last line without LF */
        "kofu-state 1\nvisitors 1\n",                 /* unknown key */
        "kofu-state 1\nerror_160 1\n",                /* slot out of range */
        "kofu-state 1\nerror_07 1\n",                 /* a slot not as written */
        "kofu-state 1\nerror_ 1\n",                   /* no slot */
        "kofu-state 1\nvisits 1\nvisits 2\n",         /* twice */
        "kofu-state 1\nvisits\n",                     /* no value */
        "kofu-state 1\nvisits \n",                    /* empty value */
        "kofu-state 1\nvisits -1\n",                  /* sign */
        "kofu-state 1\nvisits +1\n",                  /* sign */
        "kofu-state 1\nvisits 1 \n",                  /* trailing space */
        "kofu-state 1\nvisits  1\n",                  /* two spaces */
        "kofu-state 1\nvisits 0x10\n",                /* not decimal */
        "kofu-state 1\nvisits 4294967296\n",          /* over 32 bits */
        "kofu-state 1\nsince 9223372036854775808\n",  /* over int64 */
        "kofu-state 1\nsince 00000000000000000001\n", /* 20 digits */
        "kofu-state 1\n\n",                           /* empty line */
        "kofu-state 1\nvisits 1\r\n",                 /* CR */
        "kofu-state 1\nVISITS 1\n",                   /* case */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct service_state st;
        memset(&st, 0xa5, sizeof st);
        if (parse_text(bad[i], &st) != KOFU_E_CONFIG)
            fail_msg("accepted: %s", bad[i]);
        struct service_state zero = {0};
        assert_memory_equal(&st, &zero, sizeof st); /* zeroed on refusal */
    }
    /* A line over the limit, even one that would parse. */
    char longline[200];
    snprintf(longline, sizeof longline, "kofu-state 1\nvisits %080d\n", 1);
    struct service_state st;
    assert_int_equal(parse_text(longline, &st), KOFU_E_CONFIG);
    /* A NUL inside. */
    static const char nul[] = "kofu-state 1\nvisits 1\0\n";
    kofu_cur in;
    cur_init(&in, (const uint8_t *)nul, sizeof nul - 1);
    assert_int_equal(service_state_parse(in, &st), KOFU_E_CONFIG);
    /* The largest numbers are taken. */
    assert_int_equal(parse_text("kofu-state 1\nvisits 4294967295\nsince 9223372036854775807\n", &st), KOFU_OK);
    assert_int_equal(st.c.visits, UINT32_MAX);
    assert_true(st.c.since == INT64_MAX);
}

static void test_file_in_place(void **state)
{
    (void)state;
    char dir[128], path[160];
    assert_true(kt_tempdir(dir, sizeof dir, "service-state"));
    snprintf(path, sizeof path, "%s/state", dir);
    struct service_state_file f, g;
    struct service_state st, back;
    /* A new file: created 0600, read as zero. */
    assert_int_equal(service_state_open(&f, path, true, &st), KOFU_OK);
    assert_true(f.fd >= 0);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    struct service_state zero = {0};
    assert_memory_equal(&st, &zero, sizeof st);
    /* Rewritten through the descriptor opened before (what the sandbox
     * leaves a kiosk with), always at the same size. */
    st = sample();
    assert_int_equal(service_state_write(&f, &st), KOFU_OK);
    assert_int_equal(stat(path, &sb), 0);
    off_t size = sb.st_size;
    st.c.visits = 0;
    st.c.since = 0;
    assert_int_equal(service_state_write(&f, &st), KOFU_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, size);
    /* Read back, read-only (kofu diag). */
    assert_int_equal(service_state_open(&g, path, false, &back), KOFU_OK);
    assert_memory_equal(&back, &st, sizeof st);
    assert_int_equal(service_state_write(&g, &back), KOFU_E_CONFIG); /* read-only */
    service_state_close(&g);
    assert_int_equal(g.fd, -1);
    service_state_close(&f);
    service_state_close(&f); /* twice is harmless */

    /* Damaged: read as zero with KOFU_E_CONFIG, and a writable open keeps
     * its descriptor so that the next write repairs it. */
    const char junk[] = "kofu-state 1\nvisits 12\nthis is not a state file\n";
    assert_true(kt_write_file(path, junk, sizeof junk - 1));
    assert_int_equal(service_state_open(&f, path, true, &st), KOFU_E_CONFIG);
    assert_memory_equal(&st, &zero, sizeof st);
    assert_true(f.fd >= 0);
    st.c.visits = 1;
    assert_int_equal(service_state_write(&f, &st), KOFU_OK);
    service_state_close(&f);
    assert_int_equal(service_state_open(&g, path, false, &back), KOFU_OK);
    assert_int_equal(back.c.visits, 1);
    service_state_close(&g);

    /* A longer file (over any state file's size) is cut back by a write. */
    size_t big_len = 20000;
    char *big = malloc(big_len);
    assert_non_null(big);
    memset(big, '\n', big_len);
    assert_true(kt_write_file(path, big, big_len));
    free(big);
    assert_int_equal(service_state_open(&f, path, true, &st), KOFU_E_CONFIG);
    assert_int_equal(service_state_write(&f, &st), KOFU_OK);
    service_state_close(&f);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, size);

    /* Cannot be opened; nothing configured; not a regular file. */
    assert_int_equal(service_state_open(&f, "/nonexistent-dir/kofu/state", true, &st), KOFU_E_CONFIG);
    assert_int_equal(f.fd, -1);
    assert_int_equal(service_state_open(&f, "", true, &st), KOFU_E_CONFIG);
    assert_int_equal(f.fd, -1);
    assert_int_equal(service_state_write(&f, &st), KOFU_E_CONFIG);
    assert_int_equal(service_state_open(&f, dir, false, &st), KOFU_E_CONFIG);
    assert_int_equal(f.fd, -1);
    /* A missing file is not created read-only. */
    unlink(path);
    assert_int_equal(service_state_open(&f, path, false, &st), KOFU_E_CONFIG);
    assert_int_equal(access(path, F_OK), -1);
    kt_rmdir_flat(dir);
}

static void test_counters(void **state)
{
    (void)state;
    struct service_counters c = {0};
    service_counters_error(&c, KOFU_OK); /* not an error */
    service_counters_error(&c, KOFU_E_CONFIG);
    service_counters_error(&c, KOFU_E_CONFIG);
    service_counters_error(&c, -SERVICE_ERR_SLOTS);      /* out of the slots: slot 0 */
    service_counters_error(&c, 5);                       /* not a kofu_err: slot 0 */
    service_counters_error(&c, -(SERVICE_ERR_SLOTS - 1)); /* the last slot */
    assert_int_equal(c.errors[-KOFU_E_CONFIG], 2);
    assert_int_equal(c.errors[0], 2);
    assert_int_equal(c.errors[SERVICE_ERR_SLOTS - 1], 1);
    c.errors[1] = UINT32_MAX;
    service_counters_error(&c, -1); /* saturates */
    assert_int_equal(c.errors[1], UINT32_MAX);
    c.visits = 9;
    service_counters_reset(&c, 1000);
    assert_int_equal(c.since, 1000);
    assert_int_equal(c.visits, 0);
    assert_int_equal(c.errors[-KOFU_E_CONFIG], 0);
}

static void test_lockout(void **state)
{
    (void)state;
    struct service_lockout l = {0};
    int64_t t = 5000;
    for (int i = 1; i < SERVICE_FAILURES_MAX; i++) {
        assert_false(service_lockout_failure(&l, t + i, 900));
        assert_false(service_lockout_active(&l, t + i));
    }
    /* The fifth in a row locks, for lockout_seconds from then. */
    assert_true(service_lockout_failure(&l, t + 10, 900));
    assert_true(service_lockout_active(&l, t + 10));
    assert_true(service_lockout_active(&l, t + 10 + 899));
    assert_false(service_lockout_active(&l, t + 10 + 900));
    /* Once it has ended, a failure starts a fresh count. */
    assert_false(service_lockout_failure(&l, t + 2000, 900));
    assert_int_equal(l.failures, 1);
    assert_false(service_lockout_active(&l, t + 2000));

    /* A success in between resets the count: four, success, four more. */
    struct service_lockout m = {0};
    for (int i = 0; i < SERVICE_FAILURES_MAX - 1; i++)
        assert_false(service_lockout_failure(&m, t, 900));
    service_lockout_success(&m);
    assert_int_equal(m.failures, 0);
    for (int i = 0; i < SERVICE_FAILURES_MAX - 1; i++)
        assert_false(service_lockout_failure(&m, t, 900));
    assert_false(service_lockout_active(&m, t));
    assert_true(service_lockout_failure(&m, t, 900));

    /* The lock-out survives a restart: through the file. */
    char dir[128], path[160];
    assert_true(kt_tempdir(dir, sizeof dir, "service-lockout"));
    snprintf(path, sizeof path, "%s/state", dir);
    struct service_state_file f;
    struct service_state st;
    assert_int_equal(service_state_open(&f, path, true, &st), KOFU_OK);
    st.l = m;
    assert_int_equal(service_state_write(&f, &st), KOFU_OK);
    service_state_close(&f);
    assert_int_equal(service_state_open(&f, path, true, &st), KOFU_OK);
    assert_true(service_lockout_active(&st.l, t + 1));
    service_state_close(&f);
    unlink(path);
    kt_rmdir_flat(dir);
}

/* No lock-out outlasts the configuration: a clock set back, or a far
 * locked_until written into the file, is cut to lockout_seconds from now. */
static void test_lockout_clamp(void **state)
{
    (void)state;
    int64_t now = 1767225600;
    struct service_lockout l = {.failures = 5, .locked_until = now + 10 * 365 * 86400LL};
    assert_true(service_lockout_clamp(&l, now, 900));
    assert_true(l.locked_until == now + 900);
    assert_int_equal(l.failures, 5);
    assert_true(service_lockout_active(&l, now + 899));
    assert_false(service_lockout_active(&l, now + 900));
    /* Within the bound, ended, or none: left alone. */
    struct service_lockout in = {.failures = 5, .locked_until = now + 900};
    assert_false(service_lockout_clamp(&in, now, 900));
    assert_true(in.locked_until == now + 900);
    struct service_lockout ended = {.failures = 5, .locked_until = now - 1};
    assert_false(service_lockout_clamp(&ended, now, 900));
    assert_true(ended.locked_until == now - 1);
    struct service_lockout none = {.failures = 2};
    assert_false(service_lockout_clamp(&none, now, 900));
    assert_true(none.locked_until == 0);
    /* The clock set back by a year after a lock-out began: still only 900 s. */
    struct service_lockout back = {0};
    service_lockout_lock(&back, now, 900);
    int64_t earlier = now - 365 * 86400LL;
    assert_true(service_lockout_clamp(&back, earlier, 900));
    assert_false(service_lockout_active(&back, earlier + 900));
}

/* What stands in for a lost lock-out is a full one, and the file tells the
 * caller when it was lost: a damaged file leaves the descriptor open with
 * an error, a file that cannot be opened leaves none. */
static void test_lockout_fail_closed(void **state)
{
    (void)state;
    int64_t now = 1767225600;
    struct service_lockout l = {0};
    service_lockout_lock(&l, now, 600);
    assert_int_equal(l.failures, SERVICE_FAILURES_MAX);
    assert_true(l.locked_until == now + 600);
    assert_true(service_lockout_active(&l, now + 599));
    assert_false(service_lockout_active(&l, now + 600));

    char dir[128], path[160];
    assert_true(kt_tempdir(dir, sizeof dir, "service-damaged"));
    snprintf(path, sizeof path, "%s/state", dir);
    /* A torn write: the header and half a line. */
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("kofu-state 1\nsince 000000000176722", fp);
    fclose(fp);
    struct service_state_file f;
    struct service_state st;
    assert_int_equal(service_state_open(&f, path, true, &st), KOFU_E_CONFIG);
    assert_true(f.fd >= 0);
    assert_int_equal(st.l.failures, 0);
    service_state_close(&f);
    unlink(path);
    char missing[200];
    snprintf(missing, sizeof missing, "%s/no/such/dir/state", dir);
    assert_int_equal(service_state_open(&f, missing, true, &st), KOFU_E_CONFIG);
    assert_int_equal(f.fd, -1);
    kt_rmdir_flat(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_file_in_place),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_lockout),
        cmocka_unit_test(test_lockout_clamp),
        cmocka_unit_test(test_lockout_fail_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
