/*
 * test_service_mode.c — the technician's service mode in a running kiosk:
 * build/kofu-sim on the sim board against the real peers (pcscd + cardsim,
 * centersim, the test printer), driven by scripts' `service` commands.
 *
 * Entering with the board's key, five wrong credentials and the lock-out
 * (still locked after the kiosk restarts: the state file keeps it), the
 * right credential and the menu, every check run with the statuses shown,
 * the audio, display and touch tests, leaving to the attract screen, the
 * idle time-out, and a request during a visit deferred until the visit has
 * ended and been wiped. Every log line of the mode carries the technician's
 * id. The credential file is made here with maint_cred_make_line.
 */
#include "tests/harness.h"
#include "tests/printer/printer_harness.h"

#include "base/errors.h"
#include "diag/maint_cred.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define TECH "4711"
#define CODE "246813"

static struct harness h;
static struct printer_peer printer;
static char conf_path[400], idle_conf_path[400], script_path[400], cred_path[400], state_path[400];
static char out[1 << 16], err[1 << 17];
static const char *const center_args[] = {"--hours", "00:00-24:00", NULL};

static int write_configs(void)
{
    char extra[1400];
    snprintf(extra, sizeof extra,
             "print_timeout_ms = 20000\nnotice_ms = 1500\nreminder_ms = 500\n"
             "maintenance_credential_file = %s\nstate_file = %s\nmaintenance_lockout_seconds = 600\n",
             cred_path, state_path);
    if (harness_kiosk_config(&h, conf_path, printer.kiosk_uri, NULL, extra) != 0)
        return -1;
    size_t n = strlen(extra);
    snprintf(extra + n, sizeof extra - n, "maintenance_idle_seconds = 10\n");
    return harness_kiosk_config(&h, idle_conf_path, printer.kiosk_uri, NULL, extra);
}

static int group_setup(void **state)
{
    (void)state;
    if (printer_peer_start_kiosk_peers_mode(&h, &printer, printer_peer_mode_from_env()) != 0)
        return -1;
    snprintf(conf_path, sizeof conf_path, "%s/kofu.conf", h.dir);
    snprintf(idle_conf_path, sizeof idle_conf_path, "%s/kofu-idle.conf", h.dir);
    snprintf(script_path, sizeof script_path, "%s/service.script", h.dir);
    snprintf(cred_path, sizeof cred_path, "%s/maintenance.cred", h.dir);
    snprintf(state_path, sizeof state_path, "%s/state", h.dir);
    char line[MAINT_LINE_MAX + 1];
    if (maint_cred_make_line(4711, CODE, line, sizeof line) != KOFU_OK)
        return -1;
    FILE *f = fopen(cred_path, "w");
    if (!f)
        return -1;
    fprintf(f, "%s\n", line);
    fclose(f);
    return write_configs();
}

static int group_teardown(void **state)
{
    (void)state;
    printer_peer_stop(&printer);
    harness_stop(&h);
    return 0;
}

/* The card out and reset, a clean center, no lock-out or counts. */
static int fresh(void **state)
{
    (void)state;
    unlink(state_path);
    return harness_fresh_visit(&h, center_args, "tests/cardsim/residents/yamada.json");
}

static int run_with(const char *conf, const char *script)
{
    FILE *f = fopen(script_path, "w");
    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    const char *argv[] = {harness_path(6, "kofu-sim"), "run", "--board", "sim", "--config", conf,
                          "--script", script_path, NULL};
    double t0 = harness_now_ms();
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "kofu-sim exited %d after %.0f ms; it said:\n%s\n%s\n", rc, harness_now_ms() - t0, out, err);
    return rc;
}

static int run_script(const char *script) { return run_with(conf_path, script); }

/* Every service log line names the technician, and a line of event ev
 * carries "technician=id" (and what when what >= 0). */
static int count_lines(const char *ev, const char *technician, int what)
{
    int n = 0;
    char want[96];
    snprintf(want, sizeof want, "kofu: %s ", ev);
    for (const char *p = strstr(err, want); p; p = strstr(p + 1, want)) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(len < 255 ? len : 255), p);
        char tech[48], w[32];
        snprintf(tech, sizeof tech, "technician=%s ", technician);
        snprintf(w, sizeof w, "what=%d", what);
        if (strstr(line, tech) && (what < 0 || strstr(line, w)))
            n++;
    }
    return n;
}

#define ENTER_ID "service\nservice wait enter-id\nservice code " TECH "\nservice tap enter\nservice wait enter-code\n"
#define WRONG_TRY "service code 135790\nservice tap enter\nservice wait enter-id 20\n" \
                  "service code " TECH "\nservice tap enter\nservice wait enter-code\n"

static void test_five_wrong_lock_and_restart(void **state)
{
    (void)state;
    assert_int_equal(run_script("wait idle\n" ENTER_ID WRONG_TRY WRONG_TRY WRONG_TRY WRONG_TRY
                                "service code 135790\nservice tap enter\n"
                                "service wait locked-out 20\n"
                                "service tap ok\n"
                                "service wait off\n"
                                "expect-screen idle\n"),
                     0);
    assert_int_equal(count_lines("service-auth", TECH, -1), 5);
    assert_int_equal(count_lines("service-locked", TECH, 600), 1);
    assert_null(strstr(err, "service-enter"));
    /* A new process: still locked (the state file), no pad offered, even
     * with the right code at hand. */
    assert_int_equal(run_script("wait idle\n"
                                "service\n"
                                "service wait locked-out\n"
                                "service tap ok\n"
                                "service wait off\n"),
                     0);
    assert_null(strstr(err, "service-enter"));
    assert_non_null(strstr(err, "kofu: service-auth code=service-locked"));
    FILE *f = fopen(state_path, "r");
    assert_non_null(f);
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "locked_until"));
}

static void test_menu_checks_tests_and_leave(void **state)
{
    (void)state;
    assert_int_equal(run_script("wait idle\n" ENTER_ID
                                "service code " CODE "\nservice tap enter\n"
                                "service wait menu 20\n"
                                "service expect-check audio none\n"
                                "service tap run-all\n"
                                "service wait menu 30\n"
                                "service expect-check vault ok\n"
                                "service expect-check display ok\n"
                                "service expect-check touch ok\n"
                                "service expect-check audio ok\n"
                                "service tap check-display\n"
                                "service wait detail\n"
                                "service tap back\n"
                                /* audio: played, then said heard */
                                "service tap audio\n"
                                "service wait audio-confirm\n"
                                "expect-prompt service-test\n"
                                "service tap yes\n"
                                "service wait detail 20\n"
                                "service expect-check audio ok\n"
                                "service tap back\n"
                                /* display: four patterns, then said wrong */
                                "service tap display\n"
                                "service wait display-pattern\n"
                                "service tap next\nservice tap next\nservice tap next\nservice tap next\n"
                                "service wait display-confirm\n"
                                "service tap no\n"
                                "service wait detail 20\n"
                                "service expect-check display fail\n"
                                "service tap back\n"
                                /* touch: four taps on target, one 30 px off */
                                "service tap touch\n"
                                "service wait touch-test\n"
                                "service touch 0 0\nservice touch 2 -1\nservice touch 0 0\nservice touch 30 0\n"
                                "service touch 0 0\n"
                                "service wait detail 20\n"
                                "service expect-check touch warn\n"
                                "service tap back\n"
                                /* the test print (its error, if any, shown on the menu) */
                                "service tap test-print\n"
                                "service wait menu 30\n"
                                "service tap reset\n"
                                "service wait reset-confirm\n"
                                "service tap yes\n"
                                "service wait menu\n"
                                "service tap leave\n"
                                "service wait off\n"
                                "expect-screen idle\n"
                                "expect-clean\n"),
                     0);
    assert_int_equal(count_lines("service-enter", TECH, -1), 1);
    assert_int_equal(count_lines("service-check", TECH, -1), 12);
    assert_int_equal(count_lines("service-test", TECH, 6 * 10 + 0), 1); /* audio ok */
    assert_int_equal(count_lines("service-test", TECH, 7 * 10 + 2), 1); /* display fail */
    assert_int_equal(count_lines("service-test", TECH, 8 * 10 + 1), 1); /* touch warn */
    assert_int_equal(count_lines("service-print", TECH, -1), 1);
    assert_int_equal(count_lines("service-reset", TECH, -1), 1);
    assert_int_equal(count_lines("service-leave", TECH, 1), 1);
}

static void test_idle_timeout_leaves(void **state)
{
    (void)state;
    assert_int_equal(run_with(idle_conf_path, "wait idle\n"
                                              "service\n"
                                              "service wait enter-id\n"
                                              "service code 47\n"
                                              "service wait off 15\n"
                                              "wait idle\n"
                                              "expect-screen idle\n"),
                     0);
    assert_int_equal(count_lines("service-leave", "47", 2), 1);
}

static void test_request_during_visit_deferred(void **state)
{
    (void)state;
    assert_int_equal(run_script("wait idle\n"
                                "card insert\n"
                                "wait service\n"
                                "service\n"
                                "service expect pending\n"
                                "expect-screen service\n"
                                "sleep 0.5\n"
                                "service expect pending\n"
                                "card remove\n"
                                "service wait enter-id\n"
                                "expect-clean\n"
                                "service tap cancel\n"
                                "service wait off\n"),
                     0);
    assert_int_equal(count_lines("service-request", "0", 2), 1);
    assert_int_equal(count_lines("service-request", "0", 1), 1);
    /* The deferral is honoured only after the wipe: the wipe's line comes first. */
    const char *deferred = strstr(err, "kofu: service-request code=ok technician=0 what=2");
    const char *entered = strstr(err, "kofu: service-request code=ok technician=0 what=1");
    assert_non_null(deferred);
    assert_non_null(entered);
    assert_true(deferred < entered);
}

/* "test print" pressed before any check ran: every check runs first, so
 * that the print reports all twelve (their log lines come before the
 * print's). */
static void test_print_first_runs_every_check(void **state)
{
    (void)state;
    assert_int_equal(run_script("wait idle\n" ENTER_ID
                                "service code " CODE "\nservice tap enter\n"
                                "service wait menu 20\n"
                                "service expect-check vault none\n"
                                "service tap test-print\n"
                                "service wait menu 60\n"
                                "service expect-check vault ok\n"
                                "service expect-check log ok\n"
                                "service tap leave\n"
                                "service wait off\n"),
                     0);
    assert_int_equal(count_lines("service-check", TECH, -1), 12);
    assert_int_equal(count_lines("service-print", TECH, -1), 1);
    const char *print = strstr(err, "kofu: service-print ");
    assert_non_null(print);
    int before = 0;
    for (const char *p = strstr(err, "kofu: service-check "); p && p < print; p = strstr(p + 1, "kofu: service-check "))
        before++;
    assert_int_equal(before, 12);
}

/* A torn state file (a power cut mid-write) must not give a guesser fresh
 * tries: the kiosk starts locked out for maintenance_lockout_seconds, says
 * so in the log, writes that lock-out back, and a restart keeps it. */
static void test_damaged_state_file_stays_locked(void **state)
{
    (void)state;
    FILE *f = fopen(state_path, "w");
    assert_non_null(f);
    fputs("kofu-state 1\nsince 0000000001767225600\nvisits 00000", f);
    fclose(f);
    assert_int_equal(run_script("wait idle\n"
                                "service\n"
                                "service wait locked-out\n"
                                "service tap ok\n"
                                "service wait off\n"),
                     0);
    assert_non_null(strstr(err, "kofu: service-locked code=config technician=0 what=600"));
    assert_null(strstr(err, "service-enter"));
    char buf[8192];
    f = fopen(state_path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "kofu-state 1\n"));
    assert_non_null(strstr(buf, "failures 0000000005\n"));
    assert_null(strstr(buf, "locked_until 0000000000000000000\n"));
    /* Restarted with the right code at hand: still locked, no pad. */
    assert_int_equal(run_script("wait idle\n"
                                "service\n"
                                "service wait locked-out\n"
                                "service tap ok\n"
                                "service wait off\n"),
                     0);
    assert_null(strstr(err, "service-enter"));
    assert_non_null(strstr(err, "kofu: service-auth code=service-locked"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_five_wrong_lock_and_restart, fresh),
        cmocka_unit_test_setup(test_menu_checks_tests_and_leave, fresh),
        cmocka_unit_test_setup(test_idle_timeout_leaves, fresh),
        cmocka_unit_test_setup(test_request_during_visit_deferred, fresh),
        cmocka_unit_test_setup(test_print_first_runs_every_check, fresh),
        cmocka_unit_test_setup(test_damaged_state_file_stays_locked, fresh),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
