/*
 * test_board_files.c — what board/kiosk ships besides code: the systemd
 * unit passes `systemd-analyze verify` with no warning (ExecStart pointed at
 * this build's kofu), its offline `systemd-analyze security` exposure is
 * under 2.0, its system-call filter lets through every call kofu's own
 * sandbox needs, and the example configuration loads and names the kiosk
 * board's display.
 */
#include "board/board.h"
#include "base/config.h"
#include "base/errors.h"
#include "base/sandbox.h"

#include <limits.h>
#include <stdbool.h>
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

/* Runs `systemd-analyze ARGS UNIT` on a copy of the unit whose ExecStart
 * is this build's kofu; its output (stdout and stderr) into said. */
static int analyze(const char *args, char *said, size_t cap)
{
    const char *build = getenv("KOFU_BUILD") ? getenv("KOFU_BUILD") : "build";
    char real[PATH_MAX], kofu[PATH_MAX + 8], dir[] = "/tmp/kofu-unit-XXXXXX";
    assert_non_null(realpath(build, real));
    snprintf(kofu, sizeof kofu, "%s/kofu", real);
    assert_non_null(mkdtemp(dir));
    char unit[600], log[600], cmd[PATH_MAX + 1400];
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
    snprintf(cmd, sizeof cmd, "/usr/bin/systemd-analyze %s %s > %s 2>&1", args, unit, log);
    int rc = system(cmd);
    FILE *l = fopen(log, "r");
    assert_non_null(l);
    size_t n = fread(said, 1, cap - 1, l);
    said[n] = '\0';
    fclose(l);
    unlink(unit);
    unlink(log);
    rmdir(dir);
    return rc;
}

static void test_unit_verifies(void **state)
{
    (void)state;
    if (access("/usr/bin/systemd-analyze", X_OK) != 0)
        skip();
    char out[4096];
    int rc = analyze("verify", out, sizeof out);
    if (rc != 0 || *out)
        fprintf(stderr, "systemd-analyze said:\n%s\n", out);
    assert_int_equal(rc, 0);
    assert_string_equal(out, ""); /* not even a warning */
}

/* The exposure score of "Overall exposure level for kofu.service: 1.4 OK". */
static double exposure(const char *out)
{
    const char *p = strstr(out, "Overall exposure level for ");
    assert_non_null(p);
    p = strstr(p, ": ");
    assert_non_null(p);
    char *end;
    double v = strtod(p + 2, &end);
    assert_true(end > p + 2);
    return v;
}

static void test_unit_exposure(void **state)
{
    (void)state;
    if (access("/usr/bin/systemd-analyze", X_OK) != 0)
        skip();
    static char out[1 << 16];
    assert_int_equal(analyze("security --no-pager --offline=true", out, sizeof out), 0);
    double score = exposure(out);
    printf("kofu.service exposure: %.1f\n", score);
    assert_true(score < 2.0);
    /* The parser reads what a weak unit scores, too. */
    assert_true(exposure("→ Overall exposure level for x.service: 9.6 UNSAFE 😨\n") > 9.5);
}

/* ---- the unit's system-call filter against kofu's own --------------- */

#define SET_MAX 1024
struct nameset {
    char *names[SET_MAX];
    size_t n;
};

static bool set_has(const struct nameset *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->names[i], name))
            return true;
    return false;
}

/* A name, or a group expanded (recursively) by `systemd-analyze syscall-filter`. */
static void expand(const char *name, struct nameset *out)
{
    if (name[0] != '@') {
        if (!set_has(out, name) && out->n < SET_MAX)
            out->names[out->n++] = strdup(name);
        return;
    }
    char cmd[200], line[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/systemd-analyze syscall-filter --no-pager '%s' 2>/dev/null", name);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    int members = 0;
    while (fgets(line, sizeof line, f)) {
        char *w = line + strspn(line, " ");
        w[strcspn(w, " \n")] = '\0';
        if (w == line || !*w || *w == '#') /* the group's own name, blank, comment */
            continue;
        members++;
        expand(w, out);
    }
    pclose(f);
    assert_true(members > 0); /* a group this systemd does not know */
}

static void remove_all(struct nameset *s, const struct nameset *gone)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (set_has(gone, s->names[i]))
            free(s->names[i]);
        else
            s->names[k++] = s->names[i];
    }
    s->n = k;
}

static void set_free(struct nameset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->names[i]);
    s->n = 0;
}

/* SystemCallFilter= lines in order: the first positive one starts an
 * allow-list, later positive ones add, `~` ones take away (systemd.exec). */
static void unit_filter(const char *unit_text, struct nameset *allowed)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "%s", unit_text);
    for (char *save = NULL, *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "SystemCallFilter=", 17))
            continue;
        bool deny = line[17] == '~';
        struct nameset names = {0};
        for (char *s2 = NULL, *w = strtok_r(line + 17 + deny, " ", &s2); w; w = strtok_r(NULL, " ", &s2))
            expand(w, &names);
        if (deny) {
            remove_all(allowed, &names);
        } else {
            for (size_t i = 0; i < names.n; i++)
                expand(names.names[i], allowed);
        }
        set_free(&names);
    }
}

static void test_unit_filter_allows_sandbox(void **state)
{
    (void)state;
    if (access("/usr/bin/systemd-analyze", X_OK) != 0)
        skip();
    char text[8192];
    FILE *f = fopen("board/kiosk/kofu.service", "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    struct nameset allowed = {0};
    unit_filter(text, &allowed);
    int missing = 0;
    for (const char *const *s = sandbox_syscalls(); *s; s++)
        if (!set_has(&allowed, *s)) {
            fprintf(stderr, "kofu.service's SystemCallFilter refuses %s, which kofu needs\n", *s);
            missing++;
        }
    set_free(&allowed);
    assert_int_equal(missing, 0);
    /* The check catches a unit without the sandbox's own calls. */
    unit_filter("SystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\n", &allowed);
    assert_false(set_has(&allowed, "landlock_restrict_self"));
    assert_false(set_has(&allowed, "setuid"));
    assert_true(set_has(&allowed, "mlock"));
    set_free(&allowed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_config_loads),
        cmocka_unit_test(test_unit_verifies),
        cmocka_unit_test(test_unit_exposure),
        cmocka_unit_test(test_unit_filter_allows_sandbox),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
