/*
 * test_diag_cli.c — `kofu diag` and `kofu diag passwd` on the console,
 * against the real peers (pcscd + cardsim, centersim over mutual TLS, the
 * test printer): the JSON object's shape, the exit statuses (3 when a check
 * fails, 2 for usage, 4 when a visit holds the one-user lock past --wait),
 * --only, the log check reading the state file, a passwd line that
 * maint_cred_verify takes (and a --file whose temporary name would not fit
 * refused with nothing touched), the counters moving after a kiosk visit, a
 * kiosk that begins no visit while the console holds the one-user lock, and
 * a console run beside a running kiosk that opens none of the devices the
 * kiosk holds and still exits 0.
 */
#include "base/errors.h"
#include "diag/maint_cred.h"
#include "diag/service_lock.h"
#include "diag/service_state.h"
#include "tests/harness.h"
#include "tests/lib/proc.h"
#include "tests/printer/printer_harness.h"

#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static struct harness h;
static struct printer_peer printer;
static char conf_path[400], diag_conf[400], state_path[400], lock_path[400], cred_path[400], script_path[400], prompts_log[400];
static char out[1 << 17], err[1 << 17];
static const char *const center_args[] = {"--hours", "00:00-24:00", NULL};

static int group_setup(void **state)
{
    (void)state;
    if (printer_peer_start_kiosk_peers_mode(&h, &printer, printer_peer_mode_from_env()) != 0)
        return -1;
    snprintf(conf_path, sizeof conf_path, "%s/kofu.conf", h.dir);
    snprintf(state_path, sizeof state_path, "%s/state", h.dir);
    snprintf(lock_path, sizeof lock_path, "%s/service.lock", h.dir);
    snprintf(cred_path, sizeof cred_path, "%s/maintenance.cred", h.dir);
    snprintf(script_path, sizeof script_path, "%s/session.script", h.dir);
    snprintf(prompts_log, sizeof prompts_log, "%s/prompts.log", h.dir);
    if (harness_fresh_visit(&h, center_args, "tests/cardsim/residents/yamada.json") != 0)
        return -1;
    char extra[1600];
    snprintf(extra, sizeof extra,
             "print_timeout_ms = 20000\ninactivity_warn_ms = 1500\ninactivity_cancel_ms = 1000\nreminder_ms = 500\n"
             "left_behind_ms = 2000\nnotice_ms = 1500\nwait_warn_ms = 5000\nwait_timeout_ms = 30000\n"
             "state_file = %s\nservice_lock_file = %s\nmaintenance_credential_file = %s\n",
             state_path, lock_path, cred_path);
    if (harness_kiosk_config(&h, conf_path, printer.kiosk_uri, prompts_log, extra) != 0)
        return -1;
    /* The product build (build/kofu) refuses the test build's sim_* keys. */
    snprintf(diag_conf, sizeof diag_conf, "%s/diag.conf", h.dir);
    return harness_product_config(conf_path, diag_conf);
}

static int group_teardown(void **state)
{
    (void)state;
    printer_peer_stop(&printer);
    harness_stop(&h);
    return 0;
}

static int diag(const char *a1, const char *a2, const char *a3, const char *a4)
{
    const char *argv[10] = {harness_path(0, "kofu"), "diag", "--config", diag_conf};
    int n = 4;
    const char *more[] = {a1, a2, a3, a4};
    for (int i = 0; i < 4 && more[i]; i++)
        argv[n++] = more[i];
    argv[n] = NULL;
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    if (getenv("KOFU_TEST_VERBOSE"))
        fprintf(stderr, "kofu diag exited %d\nstdout:\n%s\nstderr:\n%s\n", rc, out, err);
    return rc;
}

static json_t *check_of(json_t *report, const char *name)
{
    json_t *checks = json_object_get(report, "checks"), *c;
    size_t i;
    json_array_foreach(checks, i, c) if (!strcmp(json_string_value(json_object_get(c, "name")), name)) return c;
    return NULL;
}

static void test_json_shape_and_exit(void **state)
{
    (void)state;
    double t0 = harness_now_ms();
    int rc = diag("--json", NULL, NULL, NULL);
    json_error_t je;
    json_t *o = json_loads(out, 0, &je);
    assert_non_null(o);
    assert_int_equal(strchr(out, '\n') - out, (long)strlen(out) - 1); /* one line */
    assert_true(json_is_string(json_object_get(o, "version")));
    assert_string_equal(json_string_value(json_object_get(o, "board")), "sim");
    json_t *checks = json_object_get(o, "checks");
    assert_int_equal(json_array_size(checks), 12);
    bool any_fail = false;
    json_t *c;
    size_t i;
    json_array_foreach(checks, i, c) {
        const char *st = json_string_value(json_object_get(c, "status"));
        assert_non_null(st);
        assert_true(!strcmp(st, "ok") || !strcmp(st, "warn") || !strcmp(st, "fail"));
        assert_true(json_is_object(json_object_get(c, "detail")));
        any_fail |= !strcmp(st, "fail");
    }
    /* Every peer is healthy: every check is ok, and the exit status 0. */
    json_array_foreach(checks, i, c) {
        if (strcmp(json_string_value(json_object_get(c, "status")), "ok") != 0)
            fprintf(stderr, "not ok: %s\n", json_string_value(json_object_get(c, "name")));
    }
    assert_false(any_fail);
    assert_int_equal(rc, 0);
    json_t *vault = check_of(o, "vault");
    assert_non_null(vault);
    assert_true(json_is_integer(json_object_get(json_object_get(vault, "detail"), "vault_bytes")));
    assert_false(json_object_get(json_object_get(vault, "detail"), "clean")); /* not known on the console */
    /* No kiosk runs: the display was opened (its size read) and the test
     * prompt played to its end (the sim's recording sink is done at once)
     * before the speaker was closed. */
    json_t *disp = json_object_get(check_of(o, "display"), "detail");
    assert_null(json_object_get(disp, "in_use_by_kiosk"));
    assert_true(json_integer_value(json_object_get(disp, "width")) > 0);
    json_t *au = json_object_get(check_of(o, "audio"), "detail");
    assert_true(json_is_true(json_object_get(au, "played")));
    json_int_t waited = json_integer_value(json_object_get(au, "waited_ms"));
    assert_true(json_is_integer(json_object_get(au, "waited_ms")));
    assert_true(waited >= 0 && waited < 1000);
    assert_true(harness_now_ms() - t0 >= (double)waited);
    /* One log line per check, technician 0. */
    assert_non_null(strstr(err, "service-check"));
    assert_non_null(strstr(err, "technician=0"));
    json_decref(o);
}

/* diag_conf copied to dir/name with key's line replaced by line (or added). */
static void conf_with(char *path, size_t cap, const char *name, const char *key, const char *line)
{
    snprintf(path, cap, "%s/%s", h.dir, name);
    FILE *in = fopen(diag_conf, "r"), *o = fopen(path, "w");
    assert_non_null(in);
    assert_non_null(o);
    char buf[2048];
    size_t kl = strlen(key);
    while (fgets(buf, sizeof buf, in))
        if (strncmp(buf, key, kl) != 0 || (buf[kl] != ' ' && buf[kl] != '='))
            fputs(buf, o);
    fprintf(o, "%s\n", line);
    fclose(in);
    assert_int_equal(fclose(o), 0);
}

/* A check that fails makes the exit status 3: the center unreachable (its
 * port closed), with the other checks still run and reported. */
static void test_failed_check_exit_3(void **state)
{
    (void)state;
    char bad_conf[450];
    conf_with(bad_conf, sizeof bad_conf, "diag-bad.conf", "center_url", "center_url = https://localhost:1");
    const char *argv[] = {harness_path(0, "kofu"), "diag", "--config", bad_conf, "--json", NULL};
    assert_int_equal(harness_run(argv, NULL, out, sizeof out, err, sizeof err), 3);
    json_t *r = json_loads(out, 0, NULL);
    assert_non_null(r);
    assert_string_equal(json_string_value(json_object_get(check_of(r, "center"), "status")), "fail");
    assert_string_equal(json_string_value(json_object_get(check_of(r, "printer"), "status")), "ok");
    assert_int_equal(json_array_size(json_object_get(r, "checks")), 12);
    json_decref(r);
}

static void test_text_only_and_usage(void **state)
{
    (void)state;
    /* The vault check alone never fails on the console. */
    assert_int_equal(diag("--only", "vault", NULL, NULL), 0);
    assert_non_null(strstr(out, "vault"));
    assert_null(strstr(out, "reader"));
    assert_int_equal(diag("--only", "nonesuch", NULL, NULL), 2);
    assert_int_equal(diag("--bogus", NULL, NULL, NULL), 2);
    assert_int_equal(diag("--wait", "x", NULL, NULL), 2);
    assert_int_equal(diag("extra", NULL, NULL, NULL), 2);
    const char *argv[] = {harness_path(0, "kofu"), "diag", "--config", "/nonexistent/kofu.conf", NULL};
    assert_int_equal(harness_run(argv, NULL, out, sizeof out, err, sizeof err), 2);
}

static void test_waits_for_a_visit(void **state)
{
    (void)state;
    struct service_lock visit;
    assert_int_equal(service_lock_open(&visit, lock_path), KOFU_OK);
    assert_true(service_lock_try(&visit));
    double t0 = harness_now_ms();
    assert_int_equal(diag("--only", "vault", "--wait", "1"), 4);
    double waited = harness_now_ms() - t0;
    assert_true(waited >= 900);
    assert_non_null(strstr(err, "waiting up to 1 s"));
    assert_null(strstr(out, "vault")); /* nothing ran */
    service_lock_close(&visit);
    assert_int_equal(diag("--only", "vault", "--wait", "1"), 0);
}

static void test_passwd_round_trip(void **state)
{
    (void)state;
    unlink(cred_path);
    const char *argv[] = {harness_path(0, "kofu"), "diag", "passwd", "--config", diag_conf, "--id", "4321", NULL};
    assert_int_equal(harness_run(argv, "24681357\n24681357\n", out, sizeof out, err, sizeof err), 0);
    struct stat sb;
    assert_int_equal(stat(cred_path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0440);
    assert_int_equal(maint_cred_verify(cred_path, 4321, "24681357"), KOFU_OK);
    assert_int_equal(maint_cred_verify(cred_path, 4321, "24681358"), KOFU_E_SERVICE_DENIED);
    /* A second technician, then the first's code replaced: one line each. */
    const char *argv2[] = {harness_path(0, "kofu"), "diag", "passwd", "--file", cred_path, "--id", "99", NULL};
    assert_int_equal(harness_run(argv2, "112233445566\n112233445566\n", out, sizeof out, err, sizeof err), 0);
    assert_int_equal(harness_run(argv, "97531864\n97531864\n", out, sizeof out, err, sizeof err), 0);
    assert_int_equal(maint_cred_verify(cred_path, 4321, "97531864"), KOFU_OK);
    assert_int_equal(maint_cred_verify(cred_path, 4321, "24681357"), KOFU_E_SERVICE_DENIED);
    assert_int_equal(maint_cred_verify(cred_path, 99, "112233445566"), KOFU_OK);
    /* Refused: codes that differ, too short, not digits, a bad id; the file is kept. */
    assert_int_equal(harness_run(argv, "97531864\n97531865\n", out, sizeof out, err, sizeof err), 2);
    assert_int_equal(harness_run(argv, "12345\n12345\n", out, sizeof out, err, sizeof err), 2);
    assert_int_equal(harness_run(argv, "1234567a\n1234567a\n", out, sizeof out, err, sizeof err), 2);
    assert_int_equal(harness_run(argv, "97531864\n", out, sizeof out, err, sizeof err), 2);
    const char *argv3[] = {harness_path(0, "kofu"), "diag", "passwd", "--file", cred_path, "--id", "012", NULL};
    assert_int_equal(harness_run(argv3, "97531864\n97531864\n", out, sizeof out, err, sizeof err), 2);
    assert_int_equal(maint_cred_verify(cred_path, 4321, "97531864"), KOFU_OK);
    /* The code never reaches an output. */
    assert_null(strstr(out, "97531864"));
    assert_null(strstr(err, "97531864"));
}

/* A --file whose temporary name ("PATH.new") would not fit is refused
 * before anything is opened: the cut name would be another file, which the
 * rewrite would empty and then rename over the credential file. */
static void test_passwd_path_too_long(void **state)
{
    (void)state;
    /* dir/ddd…/ddd…/ccc…: the cut falls inside the last name, so the cut
     * name is a sibling file in the same directory. */
    char dir[2048], path[2048], victim[2048];
    snprintf(dir, sizeof dir, "%s", h.dir);
    const size_t cut = 1024 + 16 - 1; /* what cmd_diag.c's temporary name holds */
    while (strlen(dir) < cut - 100) {
        size_t n = strlen(dir), part = cut - 100 - n > 200 ? 200 : cut - 100 - n;
        dir[n] = '/';
        memset(dir + n + 1, 'd', part);
        dir[n + 1 + part] = '\0';
        assert_true(mkdir(dir, 0700) == 0 || errno == EEXIST);
    }
    size_t n = strlen(dir);
    assert_true(n + 1 + 250 > cut && n + 1 < cut - 20);
    /* dir, '/', then 250 'c': the path the temporary name is cut from. */
    assert_true(n + 1 + 250 < sizeof path);
    memcpy(path, dir, n);
    path[n] = '/';
    memset(path + n + 1, 'c', 250);
    path[n + 1 + 250] = '\0';
    snprintf(victim, sizeof victim, "%.*s", (int)cut, path);
    FILE *f = fopen(victim, "w");
    assert_non_null(f);
    fputs("not a credential file\n", f);
    fclose(f);
    const char *argv[] = {harness_path(0, "kofu"), "diag", "passwd", "--file", path, "--id", "7", NULL};
    assert_int_equal(harness_run(argv, "24681357\n24681357\n", out, sizeof out, err, sizeof err), 2);
    struct stat sb;
    assert_int_equal(stat(path, &sb), -1); /* nothing written */
    assert_int_equal(stat(victim, &sb), 0);
    assert_int_equal(sb.st_size, (off_t)strlen("not a credential file\n")); /* nor emptied */
    unlink(victim);
}

static void test_counters_after_a_visit(void **state)
{
    (void)state;
    unlink(state_path);
    FILE *f = fopen(script_path, "w");
    assert_non_null(f);
    /* A visit cancelled at its first screen (the card taken back): one visit. */
    fputs("wait idle\ncard insert\nwait service\ncard remove\nwait idle\nexpect-clean\n", f);
    fclose(f);
    const char *argv[] = {harness_path(6, "kofu-sim"), "run", "--board", "sim", "--config", conf_path,
                          "--script", script_path, NULL};
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "kofu run exited %d\n%s\n%s\n", rc, out, err);
    assert_int_equal(rc, 0);
    struct service_state_file sf;
    struct service_state st;
    assert_int_equal(service_state_open(&sf, state_path, false, &st), KOFU_OK);
    service_state_close(&sf);
    assert_int_equal(st.c.visits, 1);
    assert_true(st.c.since > 0);
    /* The log check reads it on the console. */
    assert_int_equal(diag("--json", "--only", "log", NULL), 0);
    json_t *o = json_loads(out, 0, NULL);
    assert_non_null(o);
    json_t *d = json_object_get(check_of(o, "log"), "detail");
    assert_int_equal(json_integer_value(json_object_get(d, "visits")), 1);
    assert_true(json_is_object(json_object_get(d, "errors")));
    json_decref(o);

}

/* While the console's diagnostics hold the one-user lock, a card placed on
 * the attract screen begins no visit; once they let go, it does. */
static void test_no_visit_while_diag_runs(void **state)
{
    (void)state;
    struct service_lock diag_lock;
    assert_int_equal(service_lock_open(&diag_lock, lock_path), KOFU_OK);
    assert_true(service_lock_try(&diag_lock));
    FILE *f = fopen(script_path, "w");
    assert_non_null(f);
    fputs("wait idle\ncard insert\nsleep 0.5\nexpect-screen idle\ncard remove\nwait idle\nquit\n", f);
    fclose(f);
    const char *argv[] = {harness_path(6, "kofu-sim"), "run", "--board", "sim", "--config", conf_path,
                          "--script", script_path, NULL};
    double t0 = harness_now_ms();
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "kofu run exited %d after %.0f ms\n%s\n%s\n", rc, harness_now_ms() - t0, out, err);
    assert_int_equal(rc, 0);
    service_lock_close(&diag_lock);
}

/* `kofu diag` beside a running kiosk: the display, touch, payment and audio
 * checks open nothing the kiosk holds (its screen is not blanked, its
 * grabbed panel and exclusive acceptor port are not reported broken) and
 * say so; the run exits 0; the kiosk runs on untouched and, once it has
 * ended, its mark is gone. */
static void test_beside_a_running_kiosk(void **state)
{
    (void)state;
    FILE *f = fopen(script_path, "w");
    assert_non_null(f);
    fputs("wait idle\nsleep 6\nexpect-screen idle\nquit\n", f);
    fclose(f);
    char log[450];
    snprintf(log, sizeof log, "%s/kiosk-beside.log", h.dir);
    const char *argv[] = {harness_path(6, "kofu-sim"), "run", "--board", "sim", "--config", conf_path,
                          "--script", script_path, NULL};
    pid_t pid = kt_spawn(argv, NULL, log, -1, 0);
    assert_true(pid > 0);
    struct service_lock probe;
    assert_int_equal(service_lock_open(&probe, lock_path), KOFU_OK);
    double t0 = harness_now_ms();
    while (!service_lock_kiosk_running(&probe) && harness_now_ms() - t0 < 15000)
        kt_sleep_ms(20);
    assert_true(service_lock_kiosk_running(&probe));

    int rc = diag("--json", NULL, NULL, NULL);
    json_t *o = json_loads(out, 0, NULL);
    assert_non_null(o);
    static const char *const held[] = {"display", "touch", "payment", "audio"};
    for (size_t i = 0; i < sizeof held / sizeof held[0]; i++) {
        json_t *c = check_of(o, held[i]);
        assert_non_null(c);
        assert_string_equal(json_string_value(json_object_get(c, "status")), "ok");
        assert_true(json_is_true(json_object_get(json_object_get(c, "detail"), "in_use_by_kiosk")));
    }
    /* Not opened: the display's size is read only by opening it, the
     * acceptor was not asked, the prompt not played. */
    assert_null(json_object_get(json_object_get(check_of(o, "display"), "detail"), "width"));
    assert_null(json_object_get(json_object_get(check_of(o, "payment"), "detail"), "answered"));
    assert_null(json_object_get(json_object_get(check_of(o, "audio"), "detail"), "played"));
    /* The others still run as ever. */
    assert_null(json_object_get(json_object_get(check_of(o, "printer"), "detail"), "in_use_by_kiosk"));
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "in_use_by_kiosk"));
    json_decref(o);

    int st = -1;
    pid_t w = 0;
    for (int i = 0; i < 600 && (w = waitpid(pid, &st, WNOHANG)) == 0; i++)
        kt_sleep_ms(50);
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    assert_int_equal(w, pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fprintf(stderr, "kofu-sim run: status %d; see %s\n", st, log);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0); /* its screen stayed idle throughout */
    assert_false(service_lock_kiosk_running(&probe));
    service_lock_close(&probe);
}

/* --print: the checks, then the test print through the configured printer
 * — here a USB printer's way, a CUPS queue on a local cupsd
 * (QUEUE@SOCKET) — which reaches the printer, the status QR holding the
 * run's --json object; a printer that refuses makes exit 5. */
static void test_print_through_cups_queue(void **state)
{
    (void)state;
    if (printer.cupsd <= 0)
        assert_int_equal(printer_peer_start_cupsd(&printer, "kofu"), 0);
    char queue_conf[450], line[sizeof printer.queue + sizeof printer.cups_socket + 16];
    snprintf(line, sizeof line, "printer_uri = %s@%s", printer.queue, printer.cups_socket);
    conf_with(queue_conf, sizeof queue_conf, "diag-queue.conf", "printer_uri", line);
    int before = printer_peer_received_pdfs(&printer);
    const char *argv[] = {harness_path(0, "kofu"), "diag", "--config", queue_conf, "--only", "printer", "--json",
                          "--print", NULL};
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "kofu diag --print exited %d\n%s\n%s\n", rc, out, err);
    assert_int_equal(rc, 0);
    for (int i = 0; i < 200 && printer_peer_received_pdfs(&printer) < before + 1; i++)
        usleep(50 * 1000);
    assert_int_equal(printer_peer_received_pdfs(&printer), before + 1);
    /* The printer stopped taking jobs: the print fails, exit 5. */
    assert_int_equal(printer_peer_cups_pause(&printer, true), 0);
    rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    assert_int_equal(printer_peer_cups_pause(&printer, false), 0);
    assert_int_equal(rc, 5); /* the print's verdict outranks the printer check's fail (3) */
    assert_int_equal(printer_peer_received_pdfs(&printer), before + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_shape_and_exit),
        cmocka_unit_test(test_failed_check_exit_3),
        cmocka_unit_test(test_text_only_and_usage),
        cmocka_unit_test(test_waits_for_a_visit),
        cmocka_unit_test(test_passwd_round_trip),
        cmocka_unit_test(test_passwd_path_too_long),
        cmocka_unit_test(test_counters_after_a_visit),
        cmocka_unit_test(test_no_visit_while_diag_runs),
        cmocka_unit_test(test_beside_a_running_kiosk),
        cmocka_unit_test(test_print_through_cups_queue),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
