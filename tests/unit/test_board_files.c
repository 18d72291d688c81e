/*
 * test_board_files.c — what board/kiosk ships besides code: the systemd
 * unit passes `systemd-analyze verify` with no warning (ExecStart pointed at
 * this build's kofu), and the example configuration loads and names the
 * kiosk board's display.
 */
#include "board.h"
#include "config.h"
#include "errors.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static void test_example_config_loads(void **state)
{
    (void)state;
    struct kofu_config c;
    char err[512] = "";
    config_defaults(&c);
    assert_int_equal(config_load(&c, "board/kiosk/kofu.conf", true, err, sizeof err), KOFU_OK);
    const struct board *b = board_find("kiosk");
    assert_non_null(b);
    assert_non_null(board_find_display(b, c.display));
    assert_string_equal(c.default_language, "ja");
    assert_true(strncmp(c.center_url, "https://", 8) == 0);
}

static void test_unit_verifies(void **state)
{
    (void)state;
    if (access("/usr/bin/systemd-analyze", X_OK) != 0)
        skip();
    const char *build = getenv("KOFU_BUILD") ? getenv("KOFU_BUILD") : "build";
    char real[PATH_MAX], kofu[PATH_MAX + 8], dir[] = "/tmp/kofu-unit-XXXXXX";
    assert_non_null(realpath(build, real));
    snprintf(kofu, sizeof kofu, "%s/kofu", real);
    assert_non_null(mkdtemp(dir));
    char unit[600], log[600], cmd[PATH_MAX + 1300];
    snprintf(unit, sizeof unit, "%s/kofu.service", dir);
    snprintf(log, sizeof log, "%s/verify.log", dir);
    FILE *in = fopen("board/kiosk/kofu.service", "r"), *out = fopen(unit, "w");
    assert_non_null(in);
    assert_non_null(out);
    char line[1024];
    int exec_lines = 0;
    while (fgets(line, sizeof line, in)) {
        if (!strncmp(line, "ExecStart=/usr/bin/kofu ", 24)) {
            fprintf(out, "ExecStart=%s %s", kofu, line + 24);
            exec_lines++;
        } else {
            fputs(line, out);
        }
    }
    fclose(in);
    fclose(out);
    assert_int_equal(exec_lines, 1);
    snprintf(cmd, sizeof cmd, "/usr/bin/systemd-analyze verify %s > %s 2>&1", unit, log);
    int rc = system(cmd);
    FILE *l = fopen(log, "r");
    assert_non_null(l);
    size_t n = fread(line, 1, sizeof line - 1, l);
    line[n] = '\0';
    fclose(l);
    if (rc != 0 || n != 0)
        fprintf(stderr, "systemd-analyze said:\n%s\n", line);
    unlink(unit);
    unlink(log);
    rmdir(dir);
    assert_int_equal(rc, 0);
    assert_int_equal(n, 0); /* not even a warning */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_config_loads),
        cmocka_unit_test(test_unit_verifies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
