/*
 * test_loadgen.c — `kofu loadgen` (tests/conformance/loadgen.c) against
 * centersim over real TLS on loopback: a short run of two kiosks whose
 * figures agree with what the center counted, a busy center's refusals and
 * retries counted by code, and the usage and could-not-run exits. The card
 * is the `card` of a request tests/centersim/mkrequest.py makes from a
 * cardsim resident file with the harness's test PKI, written as a kit
 * fixture card file.
 */
#include "tests/harness.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define YAMADA "tests/cardsim/residents/yamada.json"

static struct harness h;
static char config_path[300], card_path[300];
static char out[64 * 1024], err[16 * 1024];
static const char *const default_center[] = {"--hours", "00:00-24:00", NULL};

static int group_setup(void **state)
{
    (void)state;
    if (harness_init(&h) != 0 || harness_start_centersim(&h, default_center) != 0)
        return -1;
    /* The card: the `card` member of a request mkrequest.py builds. */
    const char *mk[] = {"/usr/bin/python3", "tests/centersim/mkrequest.py", "--pki", harness_path(0, "pki"),
                        "--resident", YAMADA, "--municipality", "131016", NULL};
    if (harness_run(mk, NULL, out, sizeof out, err, sizeof err) != 0) {
        fprintf(stderr, "mkrequest.py failed: %s\n", err);
        return -1;
    }
    /* In the kit fixture's form: {"_about", "card"}. */
    snprintf(card_path, sizeof card_path, "%s/yamada-card.json", h.dir);
    json_t *req = json_loads(out, 0, NULL);
    json_t *card = json_pack("{s:s, s:O}", "_about", "yamada (cardsim), signed by the harness's test card CA", "card",
                             json_object_get(req, "card"));
    int dumped = card ? json_dump_file(card, card_path, JSON_COMPACT) : -1;
    json_decref(card);
    json_decref(req);
    if (dumped != 0)
        return -1;
    snprintf(config_path, sizeof config_path, "%s/kofu.conf", h.dir);
    FILE *f = fopen(config_path, "w");
    if (!f)
        return -1;
    fprintf(f, "center_url = https://localhost:%d\ncenter_ca_file = %s\nkiosk_cert_file = %s\nkiosk_key_file = %s\n",
            h.center_port, harness_path(0, "pki/center-ca.pem"), harness_path(0, "pki/kiosk.pem"),
            harness_path(0, "pki/kiosk.key.pem"));
    return fclose(f) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    harness_stop(&h);
    return 0;
}

static int clean_center(void **state)
{
    (void)state;
    return harness_center(&h, "clear", NULL, 0);
}

/* `kofu loadgen ARGS...` (through kofu, as a center team runs it). */
static int loadgen(const char *const *args)
{
    const char *argv[32] = {harness_path(0, "kofu"), "loadgen"};
    size_t n = 2;
    for (; *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    out[0] = err[0] = '\0';
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    print_message("%s%s", out, err);
    return rc;
}

/* The line of out that starts with key, past the key; fails the test if none. */
static const char *line_of(const char *key)
{
    size_t k = strlen(key);
    for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, key, k) && p[k] == ' ')
            return p + k;
    fail_msg("no line \"%s\" in the output", key);
    return NULL;
}

static unsigned long long number_of(const char *key)
{
    return strtoull(line_of(key), NULL, 10);
}

/* The count on the `  error CALL CODE STATUS COUNT` line, 0 when none. */
static unsigned long long error_count(const char *call, const char *code, const char *status)
{
    for (const char *p = strstr(out, "\n  error "); p; p = strstr(p + 1, "\n  error ")) {
        char c[32], k[64], st[8];
        unsigned long long n;
        if (sscanf(p, " error %31s %63s %7s %llu", c, k, st, &n) == 4 && !strcmp(c, call) && !strcmp(k, code) &&
            !strcmp(st, status))
            return n;
    }
    return 0;
}

/* centersim's own count: `ok requests=N issued=M completions=K ...`. */
static void center_counts(unsigned long long *issued, unsigned long long *completions)
{
    char reply[256];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    const char *i = strstr(reply, "issued="), *c = strstr(reply, "completions=");
    assert_non_null(i);
    assert_non_null(c);
    *issued = strtoull(i + 7, NULL, 10);
    *completions = strtoull(c + 12, NULL, 10);
}

static void test_two_kiosks_two_seconds(void **state)
{
    (void)state;
    const char *args[] = {"--config", config_path, "--kiosks", "2", "--duration", "2", "--card", card_path, NULL};
    double t0 = harness_now_ms();
    assert_int_equal(loadgen(args), 0);
    /* Bounded in time: no visit starts after the deadline. */
    assert_true(harness_now_ms() - t0 < 4000);
    unsigned long long visits = number_of("visits"), issuances = number_of("issuances");
    assert_true(visits > 0);
    assert_non_null(strstr(line_of("visits"), "failed 0)"));
    assert_int_equal(issuances, visits);
    assert_non_null(strstr(line_of("errors"), "none"));
    /* Every visit's calls, as the center counted them. */
    unsigned long long issued, completions;
    center_counts(&issued, &completions);
    assert_int_equal(issued, issuances);
    assert_int_equal(completions, issuances);
    /* The latencies in order, per call and per visit. */
    const char *calls[] = {"  start", "  config", "  certificate", "  completion", "  visit"};
    for (size_t i = 0; i < 5; i++) {
        unsigned long long count;
        double p50, p95, p99, max;
        assert_int_equal(sscanf(line_of(calls[i]), "%llu %lf %lf %lf %lf", &count, &p50, &p95, &p99, &max), 5);
        assert_true(p50 > 0);
        assert_true(p50 <= p95);
        assert_true(p95 <= p99);
        assert_true(p99 <= max);
        if (i == 0) /* each kiosk's start, before the run */
            assert_int_equal(count, 2);
        else if (i == 1) /* a refresh on every 10th visit of each kiosk */
            assert_true(count <= visits / 10);
        else
            assert_int_equal(count, visits);
    }
    /* No resident data in what it prints. */
    assert_null(strstr(out, "123456789018"));
    assert_null(strstr(out, "山田"));
    assert_null(strstr(err, "123456789018"));
}

static void test_busy_center_counted_by_code(void **state)
{
    (void)state;
    assert_int_equal(harness_center(&h, "fault status=503", NULL, 0), 0);
    const char *args[] = {"--config", config_path, "--kiosks", "1", "--duration", "1", "--card", card_path, NULL};
    /* the run was done and reported, but no visit went through */
    assert_int_equal(loadgen(args), 3);
    assert_non_null(strstr(err, "no visit succeeded"));
    unsigned long long visits = number_of("visits");
    assert_true(visits > 0);
    assert_non_null(strstr(line_of("visits"), "ok 0,"));
    assert_int_equal(number_of("issuances"), 0);
    /* The start's configuration refused, then each visit's: without a
     * configuration a kiosk offers nothing, so no certificate is asked. */
    assert_int_equal(error_count("start", "center-busy", "503"), 1);
    assert_int_equal(error_count("config", "center-busy", "503"), visits);
    assert_int_equal(error_count("certificate", "center-busy", "503"), 0);
    /* The kiosk's three retries of each refused call. */
    assert_int_equal(number_of("retries"), 3 * (1 + visits));
}

static void test_retries_that_succeed_are_counted(void **state)
{
    (void)state;
    /* The next two certificate requests are refused busy, then served:
     * the first visit's certificate call goes through on its third try. */
    assert_int_equal(harness_center(&h, "fault fail-count=2", NULL, 0), 0);
    const char *args[] = {"--config", config_path, "--kiosks", "1", "--duration", "20", "--visits", "3",
                          "--card", card_path, NULL};
    assert_int_equal(loadgen(args), 0);
    assert_int_equal(number_of("visits"), 3);
    assert_int_equal(number_of("issuances"), 3);
    assert_non_null(strstr(line_of("errors"), "none"));
    assert_non_null(strstr(line_of("retries"), "2 (start 0, config 0, certificate 2, completion 0)"));
}

/* Nothing listens where the kiosks are sent: every call fails at once
 * (connection refused, retried with the back-off), the report is printed,
 * and the run ends with 3, not as a measurement. */
static void test_center_down_exits_3(void **state)
{
    (void)state;
    char dead[320];
    snprintf(dead, sizeof dead, "%s/dead.conf", h.dir);
    FILE *f = fopen(dead, "w");
    assert_non_null(f);
    fprintf(f, "center_url = https://localhost:%d\ncenter_ca_file = %s\nkiosk_cert_file = %s\nkiosk_key_file = %s\n",
            h.center_port + 2, harness_path(0, "pki/center-ca.pem"), harness_path(0, "pki/kiosk.pem"),
            harness_path(0, "pki/kiosk.key.pem"));
    assert_int_equal(fclose(f), 0);
    const char *args[] = {"--config", dead, "--kiosks", "2", "--duration", "1", "--card", card_path, NULL};
    assert_int_equal(loadgen(args), 3);
    assert_true(number_of("visits") > 0);
    assert_non_null(strstr(line_of("visits"), "ok 0,"));
    assert_int_equal(error_count("start", "center-unreachable", "-"), 2);
    assert_non_null(strstr(err, "no visit succeeded"));
}

static void test_usage_and_could_not_run(void **state)
{
    (void)state;
    const char *zero[] = {"--config", config_path, "--kiosks", "0", "--duration", "2", "--card", card_path, NULL};
    assert_int_equal(loadgen(zero), 2);
    assert_non_null(strstr(err, "--kiosks"));
    const char *many[] = {"--config", config_path, "--kiosks", "257", "--duration", "2", NULL};
    assert_int_equal(loadgen(many), 2);
    const char *no_duration[] = {"--config", config_path, "--kiosks", "1", "--card", card_path, NULL};
    assert_int_equal(loadgen(no_duration), 2);
    const char *kind[] = {"--config", config_path, "--kiosks", "1", "--duration", "1", "--kind", "abroad", NULL};
    assert_int_equal(loadgen(kind), 2);
    /* A card that is not there: nothing starts, exit 1. */
    char missing[320];
    snprintf(missing, sizeof missing, "%s/no-such-card.json", h.dir);
    const char *nocard[] = {"--config", config_path, "--kiosks", "1", "--duration", "1", "--card", missing, NULL};
    assert_int_equal(loadgen(nocard), 1);
    assert_non_null(strstr(err, "no-such-card.json"));
    unsigned long long issued, completions;
    center_counts(&issued, &completions);
    assert_int_equal(issued, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_two_kiosks_two_seconds, clean_center),
        cmocka_unit_test_setup(test_busy_center_counted_by_code, clean_center),
        cmocka_unit_test_setup(test_retries_that_succeed_are_counted, clean_center),
        cmocka_unit_test_setup(test_center_down_exits_3, clean_center),
        cmocka_unit_test_setup(test_usage_and_could_not_run, clean_center),
    };
    return cmocka_run_group_tests_name("kofu loadgen against centersim", tests, group_setup, group_teardown);
}
