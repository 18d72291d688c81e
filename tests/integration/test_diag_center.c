/*
 * test_diag_center.c — the technician's `center`, `credentials` and `clock`
 * checks (firmware/diag/check_center.c, check_credentials.c) against the
 * real centersim over mutual TLS on loopback: a healthy kiosk; its
 * certificate five days from its end and expired (made here under the test
 * kiosk CA, tests/lib/certs.h); a key that is not its certificate's; the
 * center's clock two hours off (centersim's `now`, which dates its answers);
 * the center down.
 */
#include "tests/harness.h"
#include "tests/lib/certs.h"
#include "tests/lib/keys.h"

#include "base/config.h"
#include "base/errors.h"
#include "base/sandbox.h"
#include "board/board.h"
#include "center/center.h"
#include "diag/diag.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define DAY 86400L
#define CONNECT_TIMEOUT_MS 1000

static struct harness h;
static struct kofu_config cfg;
static struct diag_report rep;
static char jwks[400], cert_path[400];
static EVP_PKEY *kiosk_ca_key, *kiosk_key;
static X509 *kiosk_ca;
static const char *const default_center[] = {"--hours", "00:00-24:00", NULL};

static void set(char *field, const char *value)
{
    assert_true(config_copy_text(field, KOFU_CONFIG_VALUE_MAX, value));
}

static int group_setup(void **state)
{
    (void)state;
    if (harness_init(&h) != 0 || harness_start_centersim(&h, default_center) != 0)
        return -1;
    snprintf(jwks, sizeof jwks, "%s/issuer.jwks.json", h.dir);
    snprintf(cert_path, sizeof cert_path, "%s/kiosk-made.pem", h.dir);
    kiosk_ca_key = kt_load_key(harness_path(0, "pki/kiosk-ca.key.pem"));
    kiosk_key = kt_load_key(harness_path(0, "pki/kiosk.key.pem"));
    kiosk_ca = kt_load_cert(harness_path(0, "pki/kiosk-ca.pem"));
    return kiosk_ca_key && kiosk_key && kiosk_ca && harness_center_get(&h, "/.well-known/jwks.json", jwks) == 0
               ? 0
               : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    diag_report_free(&rep);
    EVP_PKEY_free(kiosk_ca_key);
    EVP_PKEY_free(kiosk_key);
    X509_free(kiosk_ca);
    harness_stop(&h);
    return 0;
}

/* A healthy kiosk's configuration, and a fresh center on the real clock. */
static int healthy(void **state)
{
    (void)state;
    if (!h.centersim && harness_start_centersim(&h, default_center) != 0)
        return -1;
    if (harness_center(&h, "clear", NULL, 0) != 0 || harness_center(&h, "now real", NULL, 0) != 0)
        return -1;
    config_defaults(&cfg);
    char url[64];
    snprintf(url, sizeof url, "https://localhost:%d", h.center_port);
    set(cfg.center_url, url);
    set(cfg.center_ca_file, harness_path(0, "pki/center-ca.pem"));
    set(cfg.kiosk_cert_file, harness_path(0, "pki/kiosk.pem"));
    set(cfg.kiosk_key_file, harness_path(0, "pki/kiosk.key.pem"));
    set(cfg.vds_csca_file, harness_path(0, "pki/csca.pem"));
    set(cfg.card_ca_dir, harness_path(0, "pki/card-ca"));
    set(cfg.shc_keyset_file, jwks);
    set(cfg.printer_uri, "ipps://localhost:8631/ipp/print");
    set(cfg.printer_ca_file, harness_path(0, "pki/printer-ca.pem"));
    cfg.center_connect_timeout_ms = CONNECT_TIMEOUT_MS;
    cfg.center_timeout_ms = 3000;
    /* The kiosk's own retries would take 200 + 400 + 800 ms against a dead
     * center: more than the connect time-out the check must fail within. */
    cfg.center_retries = 3;
    return 0;
}

/* One check through diag_run, as `kofu diag --only NAME` runs it. */
static const struct diag_result *check(const char *name, struct center_client *lent)
{
    diag_report_free(&rep);
    struct diag_env env = {.cfg = &cfg, .board = board_find("sim"), .cc = lent, .vault_clean = -1};
    assert_non_null(env.board);
    assert_int_equal(diag_run(&env, name, &rep), KOFU_OK);
    assert_int_equal(rep.n, 1);
    const struct diag_result *r = &rep.checks[0];
    assert_true(json_is_object(r->detail));
    assert_true(r->summary_en[0] && r->summary_ja[0]);
    return r;
}

static const char *str(const struct diag_result *r, const char *name)
{
    const char *s = json_string_value(json_object_get(r->detail, name));
    assert_non_null(s);
    return s;
}

static json_int_t num(const struct diag_result *r, const char *name)
{
    json_t *v = json_object_get(r->detail, name);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static json_t *kiosk_item(const struct diag_result *r)
{
    json_t *items = json_object_get(r->detail, "items"), *it;
    size_t i;
    json_array_foreach(items, i, it)
    {
        if (!strcmp(json_string_value(json_object_get(it, "what")), "kiosk-certificate"))
            return it;
    }
    fail_msg("no kiosk-certificate item");
    return NULL;
}

/* A kiosk certificate for the test kiosk's key under the test kiosk CA
 * (so the center knows it), valid from now + from_s to now + to_s. */
static void use_kiosk_cert(long from_s, long to_s)
{
    X509 *x = kt_issue_cert(kiosk_key, "kiosk-0001", kiosk_ca_key, kiosk_ca, from_s, to_s, KT_CERT_CLIENT);
    assert_non_null(x);
    X509 *one[] = {x};
    assert_true(kt_write_certs_pem(cert_path, one, 1));
    X509_free(x);
    set(cfg.kiosk_cert_file, cert_path);
}

static void test_healthy(void **state)
{
    (void)state;
    const struct diag_result *r = check("center", NULL);
    assert_int_equal(r->status, DIAG_OK);
    assert_int_equal(num(r, "http_status"), 200);
    assert_true(json_real_value(json_object_get(r->detail, "rtt_ms")) > 0);
    assert_non_null(strstr(str(r, "server_subject"), "center.kofu.test"));
    assert_int_equal(strlen(str(r, "server_not_after")), 20);
    assert_true(num(r, "days_left") > 700); /* the test PKI's center: 825 days */
    assert_true(num(r, "municipalities") >= 1);
    assert_string_equal(str(r, "service_hours"), "00:00-24:00 Asia/Tokyo");
    assert_null(json_object_get(r->detail, "error"));
    assert_non_null(strstr(r->summary_en, "Center answered in"));

    r = check("credentials", NULL);
    assert_int_equal(r->status, DIAG_OK);
    assert_string_equal(json_string_value(json_object_get(kiosk_item(r), "subject")), "O=kofu test,CN=kiosk-0001");

    r = check("clock", NULL);
    assert_int_equal(r->status, DIAG_OK);
    assert_string_equal(str(r, "source"), "http-date");
    assert_true(llabs(num(r, "offset_seconds")) <= 1);
    assert_int_equal(strlen(str(r, "kiosk_time")), 20);
    assert_int_equal(strlen(str(r, "center_time")), 20);

    /* the kiosk's own client, lent: the same verdict */
    struct center_client *c = NULL;
    assert_int_equal(center_client_new(&cfg, &c), KOFU_OK);
    r = check("center", c);
    assert_int_equal(r->status, DIAG_OK);
    r = check("clock", c);
    assert_int_equal(r->status, DIAG_OK);
    center_client_free(c);
}

static void test_kiosk_certificate_expiring(void **state)
{
    (void)state;
    use_kiosk_cert(-300 * DAY, 5 * DAY + 600);
    const struct diag_result *r = check("credentials", NULL);
    assert_int_equal(r->status, DIAG_WARN);
    assert_int_equal(r->err, KOFU_E_CREDENTIAL_EXPIRING);
    assert_int_equal(json_integer_value(json_object_get(kiosk_item(r), "days_left")), 5);
    assert_non_null(strstr(r->summary_en, "Kiosk certificate expires in 5 days: order a new one"));
    /* still valid: the center takes it */
    r = check("center", NULL);
    assert_int_equal(r->status, DIAG_OK);
}

static void test_kiosk_certificate_expired(void **state)
{
    (void)state;
    use_kiosk_cert(-400 * DAY, -DAY);
    const struct diag_result *r = check("credentials", NULL);
    assert_int_equal(r->status, DIAG_FAIL);
    assert_int_equal(r->err, KOFU_E_CREDENTIAL_EXPIRED);
    assert_string_equal(json_string_value(json_object_get(kiosk_item(r), "problem")), "expired");
    assert_non_null(strstr(r->summary_en, "Kiosk certificate expired on"));
    /* the center refuses the handshake; the center check says why */
    r = check("center", NULL);
    assert_int_equal(r->status, DIAG_FAIL);
    assert_int_equal(r->err, KOFU_E_TLS_CLIENT_REFUSED);
    assert_string_equal(str(r, "error"), kofu_err_name(KOFU_E_TLS_CLIENT_REFUSED));
    assert_non_null(strstr(r->summary_en, "Center refused this kiosk: its certificate expired on"));
    assert_non_null(strstr(r->summary_ja, "センターがこの端末を拒否しました"));
    /* and the clock cannot be compared */
    r = check("clock", NULL);
    assert_int_equal(r->status, DIAG_WARN);
    assert_null(json_object_get(r->detail, "offset_seconds"));
    assert_non_null(strstr(r->summary_en, "Could not compare"));
}

static void test_key_does_not_match(void **state)
{
    (void)state;
    set(cfg.kiosk_key_file, harness_path(0, "pki/kiosk-revoked.key.pem"));
    const struct diag_result *r = check("credentials", NULL);
    assert_int_equal(r->status, DIAG_FAIL);
    assert_int_equal(r->err, KOFU_E_CREDENTIAL_BAD);
    assert_non_null(strstr(r->summary_en, "Kiosk private key does not match the kiosk certificate"));
    /* no handshake is even tried with it */
    r = check("center", NULL);
    assert_int_equal(r->status, DIAG_FAIL);
    assert_non_null(strstr(r->summary_en, "see credentials"));
}

/* The center's clock set `ahead` seconds from the real one. */
static void center_clock(long ahead)
{
    char cmd[64];
    snprintf(cmd, sizeof cmd, "now %lld", (long long)time(NULL) + ahead);
    assert_int_equal(harness_center(&h, cmd, NULL, 0), 0);
}

static void test_clock_two_hours_off(void **state)
{
    (void)state;
    center_clock(2 * 3600); /* the center two hours ahead: the kiosk behind */
    const struct diag_result *r = check("clock", NULL);
    assert_int_equal(r->status, DIAG_FAIL);
    assert_int_equal(r->err, KOFU_E_CLOCK_OFF);
    assert_true(llabs(num(r, "offset_seconds") - 7200) <= 1);
    assert_non_null(strstr(r->summary_en, "7200 s behind the center's"));
    assert_non_null(strstr(r->summary_en, "NTP"));
    assert_non_null(strstr(r->summary_ja, "遅れて"));

    center_clock(-2 * 3600);
    r = check("clock", NULL);
    assert_int_equal(r->status, DIAG_FAIL);
    assert_true(llabs(num(r, "offset_seconds") + 7200) <= 1);
    assert_non_null(strstr(r->summary_en, "ahead of the center's"));

    /* a minute: beyond the warning (30 s), within the failure (300 s) */
    center_clock(60);
    r = check("clock", NULL);
    assert_int_equal(r->status, DIAG_WARN);
    assert_int_equal(r->err, KOFU_E_CLOCK_OFF);
    /* the center check itself is not disturbed */
    r = check("center", NULL);
    assert_int_equal(r->status, DIAG_OK);
}

static void test_center_unreachable(void **state)
{
    (void)state;
    harness_stop_centersim(&h);
    const struct diag_result *r = check("center", NULL);
    assert_int_equal(r->status, DIAG_FAIL);
    assert_int_equal(r->err, KOFU_E_CENTER_UNREACHABLE);
    assert_true(r->ms < CONNECT_TIMEOUT_MS);
    assert_non_null(strstr(r->summary_en, "Center unreachable"));
    r = check("clock", NULL);
    assert_int_equal(r->status, DIAG_WARN);
    assert_true(r->ms < CONNECT_TIMEOUT_MS);

    /* with the kiosk's client lent: one attempt too, and its retries are
     * its own again afterwards */
    struct center_client *c = NULL;
    assert_int_equal(center_client_new(&cfg, &c), KOFU_OK);
    r = check("center", c);
    assert_int_equal(r->status, DIAG_FAIL);
    assert_true(r->ms < CONNECT_TIMEOUT_MS);
    struct center_config cc;
    struct center_call_info info;
    assert_int_equal(center_get_config(c, &cc, &info), KOFU_E_CENTER_UNREACHABLE);
    assert_int_equal(info.attempts, 4);
    center_client_free(c);
}

/* In the kiosk the checks run confined (base/sandbox.h): the policy the
 * kiosk enters must let them read every file they look at, the key
 * included, and make their call. A child enters it (confinement is one way)
 * and reports each check's status in its exit code. */
static int confined_child(void)
{
    struct sandbox_policy p;
    struct sandbox_result sr;
    if (sandbox_policy_for_config(&p, &cfg, NULL) != KOFU_OK || sandbox_enter(&p, &sr) != KOFU_OK)
        return 100;
    if (sr.landlock_abi < 1)
        return 101; /* not confined: the test would prove nothing */
    static const char *const names[] = {"center", "credentials", "clock"};
    int code = 0;
    for (int i = 0; i < 3; i++) {
        struct diag_env env = {.cfg = &cfg, .board = board_find("sim"), .vault_clean = -1};
        struct diag_report one;
        if (diag_run(&env, names[i], &one) != KOFU_OK)
            return 102;
        if (one.checks[0].status != DIAG_OK)
            fprintf(stderr, "confined %s: %s\n", names[i], one.checks[0].summary_en);
        code |= (int)one.checks[0].status << (2 * i);
        diag_report_free(&one);
    }
    return code;
}

static void test_checks_in_the_kiosks_sandbox(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(confined_child());
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    if (WEXITSTATUS(st) == 101)
        skip(); /* no Landlock in this kernel */
    assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_healthy, healthy),
        cmocka_unit_test_setup(test_kiosk_certificate_expiring, healthy),
        cmocka_unit_test_setup(test_kiosk_certificate_expired, healthy),
        cmocka_unit_test_setup(test_key_does_not_match, healthy),
        cmocka_unit_test_setup(test_clock_two_hours_off, healthy),
        cmocka_unit_test_setup(test_center_unreachable, healthy),
        cmocka_unit_test_setup(test_checks_in_the_kiosks_sandbox, healthy),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
