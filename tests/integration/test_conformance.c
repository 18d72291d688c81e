/*
 * test_conformance.c — the conformance kit (`kofu conformance`,
 * docs/conformance.md) against centersim over real TLS on loopback: every
 * scenario passes (or skips with a reason) against the reference center;
 * the JUnit counts are the report's; no fixture resident's value reaches
 * stdout, the report or the JUnit file; `--list` is docs/conformance.md's
 * table; and centersim switched to each of its misbehaviours fails exactly
 * the scenario that checks that rule.
 */
#include "tests/harness.h"

#include "base/errors.h"

#include <curl/curl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define FIXTURE_CA "tests/conformance/fixture/card-ca"
#define RECORDS "tests/centersim/fixtures/center.json"

static struct harness h;
static char config_path[400], report_path[400], junit_path[400];
static char out[256 * 1024], err[64 * 1024], file[256 * 1024];
/* centersim's public port: the issuer's host, no client certificates */
static char public_port[16];
static const char *const normal_center[] = {"--hours", "00:00-24:00", "--card-ca", FIXTURE_CA,
                                            "--public-port", public_port, NULL};
static const char *const tls12_center[] = {"--hours", "00:00-24:00", "--card-ca", FIXTURE_CA, "--allow-tls12",
                                           "--public-port", public_port, NULL};

static int write_kit_config(const char *path, int port, const char *extra);

static int group_setup(void **state)
{
    (void)state;
    if (harness_init(&h) != 0)
        return -1;
    snprintf(public_port, sizeof public_port, "%d", h.center_port + 1);
    if (harness_start_centersim(&h, normal_center) != 0)
        return -1;
    /* The pinned key set, fetched before any fault is switched on. */
    char jwks[400];
    snprintf(jwks, sizeof jwks, "%s/issuer.jwks.json", h.dir);
    if (harness_center_get(&h, "/.well-known/jwks.json", jwks) != 0)
        return -1;
    snprintf(config_path, sizeof config_path, "%s/kit.conf", h.dir);
    snprintf(report_path, sizeof report_path, "%s/report.txt", h.dir);
    snprintf(junit_path, sizeof junit_path, "%s/junit.xml", h.dir);
    char issuer[100];
    snprintf(issuer, sizeof issuer, "conformance_issuer_url = https://localhost:%d/issuer\n", h.center_port + 1);
    return write_kit_config(config_path, h.center_port, issuer);
}

/* The kit's configuration for a center on `port`, with `extra` lines
 * appended (may be NULL). 0 when written. */
static int write_kit_config(const char *path, int port, const char *extra)
{
    char jwks[400];
    snprintf(jwks, sizeof jwks, "%s/issuer.jwks.json", h.dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f,
            "center_url = https://localhost:%d\ncenter_ca_file = %s\nkiosk_cert_file = %s\nkiosk_key_file = %s\n"
            "center_connect_timeout_ms = 2000\ncenter_timeout_ms = 5000\ncenter_retries = 3\n"
            "shc_keyset_file = %s\nshc_issuers = https://center.kofu.test/issuer\nvds_csca_file = %s\n"
            "conformance_fixture = tests/conformance/fixture\nconformance_records = " RECORDS "\n"
            "conformance_revoked_cert_file = %s\nconformance_revoked_key_file = %s\n"
            "conformance_foreign_cert_file = %s\nconformance_foreign_key_file = %s\n",
            port, harness_path(0, "pki/center-ca.pem"), harness_path(1, "pki/kiosk.pem"),
            harness_path(2, "pki/kiosk.key.pem"), jwks, harness_path(3, "pki/csca.pem"),
            harness_path(4, "pki/kiosk-revoked.pem"), harness_path(5, "pki/kiosk-revoked.key.pem"),
            harness_path(6, "pki/rogue-kiosk.pem"), harness_path(7, "pki/rogue-kiosk.key.pem"));
    if (extra)
        fputs(extra, f);
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
    if (!h.centersim && harness_start_centersim(&h, normal_center) != 0)
        return -1;
    return harness_center(&h, "clear", NULL, 0);
}

/* The kit, through `kofu conformance` (the exec from beside kofu), with
 * `--only` and the NULL-terminated names when there are any. */
static int run_kit_with(const char *config, const char *const *only)
{
    const char *argv[24] = {harness_path(0, "kofu"), "conformance", "--config", config, "--report", report_path,
                            "--junit", junit_path, NULL};
    size_t n = 8;
    if (only && *only) {
        argv[n++] = "--only";
        while (*only && n < 23)
            argv[n++] = *only++;
    }
    argv[n] = NULL;
    return harness_run(argv, NULL, out, sizeof out, err, sizeof err);
}

static int run_kit(const char *only)
{
    const char *names[] = {only, NULL};
    return run_kit_with(config_path, names);
}

static const char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(file, 1, sizeof file - 1, f) : 0;
    if (f)
        fclose(f);
    file[n] = '\0';
    return file;
}

/* The names of the failed scenarios in stdout, space-separated, in order. */
static const char *failed_set(char *buf, size_t cap)
{
    buf[0] = '\0';
    for (const char *p = out; (p = strstr(p, "FAIL ")) != NULL; p += 5) {
        if (p != out && p[-1] != '\n')
            continue;
        const char *e = strchr(p + 5, ' ');
        if (!e)
            break;
        size_t l = strlen(buf);
        snprintf(buf + l, cap - l, "%s%.*s", l ? " " : "", (int)(e - p - 5), p + 5);
    }
    return buf;
}

static void test_passes_against_centersim(void **state)
{
    (void)state;
    int rc = run_kit(NULL);
    char failed[2000];
    if (rc != 0)
        fprintf(stderr, "%s\n%s\n", out, err);
    assert_int_equal(rc, 0);
    assert_string_equal(failed_set(failed, sizeof failed), "");
    /* The one skip, with its reason; the revoked and other-CA kiosks ran. */
    assert_non_null(strstr(out, "SKIP refuse.outside-hours"));
    assert_non_null(strstr(out, "reason:   the center is open now"));
    assert_null(strstr(out, "SKIP tls."));
    assert_non_null(strstr(out, "PASS tls.refuses-revoked"));
    assert_non_null(strstr(out, "PASS issue.overseas.yamada"));
    assert_non_null(strstr(out, "PASS jwks.public"));
    assert_non_null(strstr(out, "PASS http.no-content-type"));
    /* The report file is the console's text. */
    assert_string_equal(read_file(report_path), out);
    /* JUnit's counts are the summary's. */
    unsigned n, p, f, s, jn, jf, js;
    const char *sum = strstr(out, " scenarios: ");
    assert_non_null(sum);
    while (sum > out && sum[-1] != '\n')
        sum--;
    assert_int_equal(sscanf(sum, "%u scenarios: %u passed, %u failed, %u skipped", &n, &p, &f, &s), 4);
    assert_int_equal(n, p + f + s);
    const char *x = read_file(junit_path);
    const char *ts = strstr(x, "<testsuites ");
    assert_non_null(ts);
    assert_int_equal(sscanf(ts, "<testsuites name=\"kofu-conformance\" tests=\"%u\" failures=\"%u\" skipped=\"%u\"", &jn,
                            &jf, &js),
                     3);
    assert_int_equal(jn, n);
    assert_int_equal(jf, f);
    assert_int_equal(js, s);
    size_t cases = 0;
    for (const char *q = x; (q = strstr(q, "<testcase ")) != NULL; q++)
        cases++;
    assert_int_equal(cases, n);
    assert_non_null(strstr(x, "<testcase classname=\"kofu-conformance.refuse\" name=\"outside-hours\""));
}

/* No resident value of the fixture in what the kit writes, failing or not
 * (a failing run prints the most): which value of which resident, or NULL. */
static const char *resident_value_in(const char *text, char *why, size_t cap)
{
    json_t *root = json_load_file(RECORDS, 0, NULL);
    size_t i;
    json_t *r;
    const char *found = NULL;
    json_array_foreach(json_object_get(root, "residents"), i, r) {
        const char *name = json_string_value(json_object_get(r, "name"));
        const char *dob = json_string_value(json_object_get(r, "birth_date"));
        const char *sp = name ? strstr(name, "\xe3\x80\x80") : NULL;
        char family[200] = "", compact[9] = "";
        if (sp)
            snprintf(family, sizeof family, "%.*s", (int)(sp - name), name);
        if (dob)
            snprintf(compact, sizeof compact, "%.4s%.2s%.2s", dob, dob + 5, dob + 8);
        struct {
            const char *what, *v;
        } vals[] = {
            {"my_number", json_string_value(json_object_get(r, "my_number"))},
            {"name", name},
            {"family name", family},
            {"given name", sp ? sp + 3 : NULL},
            {"birth_date", dob},
            {"birth date as on the card", compact},
            {"name_roman", json_string_value(json_object_get(r, "name_roman"))},
            {"passport number", json_string_value(json_object_get(json_object_get(r, "passport"), "number"))},
        };
        for (size_t k = 0; k < sizeof vals / sizeof vals[0] && !found; k++)
            if (vals[k].v && vals[k].v[0] && strstr(text, vals[k].v)) {
                snprintf(why, cap, "the %s of resident %zu", vals[k].what, i);
                found = why;
            }
    }
    json_decref(root);
    return found;
}

static void assert_no_resident_value(const char *text, const char *where)
{
    char why[200];
    if (resident_value_in(text, why, sizeof why)) {
        fprintf(stderr, "%s carries %s\n", where, why);
        fail();
    }
}

static void test_no_resident_value_in_output(void **state)
{
    (void)state;
    /* other-person answers about another resident: the failures name fields */
    assert_int_equal(harness_center(&h, "fault other-person", NULL, 0), 0);
    assert_int_equal(run_kit(NULL), 1);
    assert_non_null(strstr(out, "FAIL issue.domestic.yamada"));
    assert_no_resident_value(out, "stdout");
    assert_no_resident_value(read_file(report_path), "the report");
    assert_no_resident_value(read_file(junit_path), "the JUnit file");
    assert_no_resident_value(err, "stderr");
    /* the check itself sees a value: a passport number and a card-form birth date */
    char why[200];
    assert_non_null(resident_value_in("got: TZ1234567", why, sizeof why));
    assert_non_null(resident_value_in("dob 19800217", why, sizeof why));
}

/* One misbehaviour of centersim: the failed set is exactly `scenario`
 * (names separated by spaces, in the order they run). */
static void expect_only(const char *fault, const char *scenario)
{
    if (fault)
        assert_int_equal(harness_center(&h, fault, NULL, 0), 0);
    int rc = run_kit(NULL);
    char failed[2000];
    failed_set(failed, sizeof failed);
    if (strcmp(failed, scenario) != 0)
        fprintf(stderr, "%s: failed [%s], expected [%s]\n%s\n", fault ? fault : "--allow-tls12", failed, scenario,
                out);
    assert_int_equal(rc, 1);
    assert_string_equal(failed, scenario);
    char line[200];
    snprintf(line, sizeof line, "FAIL %.*s", (int)strcspn(scenario, " "), scenario); /* the first of them */
    const char *p = strstr(out, line);
    assert_non_null(p);
    assert_non_null(strstr(p, "    expected: "));
    assert_non_null(strstr(p, "    got:      "));
    assert_non_null(strstr(p, "    read:     docs/center-protocol.md §"));
}

static void test_fault_jwks_bad_kid(void **state)
{
    (void)state;
    expect_only("fault jwks-bad-kid", "jwks.kids-are-thumbprints");
}

static void test_fault_other_csca(void **state)
{
    (void)state;
    expect_only("fault other-csca", "issue.overseas.yamada issue.overseas-chip.yamada issue.overseas-chip.longname");
}

/* A center that seals the registered passport, not the request's chip:
 * only the chip scenario of a resident with one registered fails. */
static void test_fault_registered_passport(void **state)
{
    (void)state;
    expect_only("fault registered-passport", "issue.overseas-chip.yamada");
}

static void test_fault_passport_birth_unchecked(void **state)
{
    (void)state;
    expect_only("fault passport-birth-unchecked", "refuse.passport-birth-date");
}

static void test_fault_wrong_refusal(void **state)
{
    (void)state;
    expect_only("fault wrong-refusal", "refuse.no-record");
}

static void test_fault_reissue(void **state)
{
    (void)state;
    expect_only("fault reissue", "idempotency.same-request");
}

static void test_allow_tls12(void **state)
{
    (void)state;
    harness_stop_centersim(&h);
    assert_int_equal(harness_start_centersim(&h, tls12_center), 0);
    expect_only(NULL, "tls.refuses-1.2");
    harness_stop_centersim(&h);
}

/* A center outside its service hours (the fixture's 06:30-23:00, its clock
 * at 02:00 Japan time today): refuse.outside-hours runs and passes, the
 * scenarios that need the center open skip as `closed`, and the run ends
 * incomplete (exit 3), never as a pass. http.date-header is left out: the
 * center's Date is its fake clock, hours off the kit's. */
static void test_closed_center_is_incomplete(void **state)
{
    (void)state;
    harness_stop_centersim(&h);
    time_t now = time(NULL);
    long long jst_midnight = ((long long)now + 9 * 3600) / 86400 * 86400 - 9 * 3600;
    char at[32];
    snprintf(at, sizeof at, "%lld", jst_midnight + 2 * 3600);
    const char *closed_center[] = {"--now", at, "--card-ca", FIXTURE_CA, NULL};
    assert_int_equal(harness_start_centersim(&h, closed_center), 0);
    const char *only[] = {"refuse", "completion", NULL};
    int rc = run_kit_with(config_path, only);
    char failed[2000];
    if (rc != 3)
        fprintf(stderr, "%s\n%s\n", out, err);
    assert_int_equal(rc, 3);
    assert_string_equal(failed_set(failed, sizeof failed), "");
    assert_non_null(strstr(out, "PASS refuse.outside-hours"));
    assert_non_null(strstr(out, "SKIP completion.printed"));
    assert_non_null(strstr(out, "reason:   the center is outside its service hours"));
    const char *inc = strstr(out, "\nincomplete: ");
    assert_non_null(inc);
    unsigned closed = 0, n, p, f, s;
    assert_int_equal(sscanf(inc, "\nincomplete: %u scenario", &closed), 1);
    const char *sum = strstr(out, " scenarios: ");
    while (sum > out && sum[-1] != '\n')
        sum--;
    assert_int_equal(sscanf(sum, "%u scenarios: %u passed, %u failed, %u skipped", &n, &p, &f, &s), 4);
    /* every skip here is the closed center's: the others need it open */
    assert_true(closed > 5);
    assert_int_equal(closed, s);
    assert_string_equal(read_file(report_path), out);
    harness_stop_centersim(&h);
}

/* Nothing listens where the kit is sent: the TLS refusals must not pass
 * (nothing was refused), and say that the center cannot be reached. */
static void test_unreachable_center_refuses_nothing(void **state)
{
    (void)state;
    char dead[400];
    snprintf(dead, sizeof dead, "%s/dead.conf", h.dir);
    assert_int_equal(write_kit_config(dead, h.center_port + 2, NULL), 0);
    const char *only[] = {"tls.refuses-1.2", "tls.refuses-no-certificate", NULL};
    assert_int_equal(run_kit_with(dead, only), 1);
    char failed[2000];
    assert_string_equal(failed_set(failed, sizeof failed), "tls.refuses-1.2 tls.refuses-no-certificate");
    const char *p = strstr(out, "FAIL tls.refuses-1.2");
    assert_non_null(p);
    assert_non_null(strstr(p, "    got:      cannot reach the center ("));
}

/* jwks.public asks for the key set as a verifier outside the kiosks does:
 * no client certificate. At an issuer URL on the kiosk channel (which
 * wants one) it fails; with no conformance_issuer_url it goes to the
 * first shc_issuers, whose host (center.kofu.test) does not resolve. */
static void test_jwks_public_needs_no_certificate(void **state)
{
    (void)state;
    char conf[400], issuer[100];
    snprintf(conf, sizeof conf, "%s/issuer.conf", h.dir);
    snprintf(issuer, sizeof issuer, "conformance_issuer_url = https://localhost:%d/issuer/\n", h.center_port);
    assert_int_equal(write_kit_config(conf, h.center_port, issuer), 0);
    const char *only[] = {"jwks", NULL};
    char failed[2000];
    assert_int_equal(run_kit_with(conf, only), 1);
    assert_string_equal(failed_set(failed, sizeof failed), "jwks.public");
    assert_non_null(strstr(out, "without a client certificate"));
    assert_non_null(strstr(out, "got:      no HTTP answer (TLS alert"));
    assert_int_equal(write_kit_config(conf, h.center_port, NULL), 0);
    assert_int_equal(run_kit_with(conf, only), 1);
    assert_string_equal(failed_set(failed, sizeof failed), "jwks.public");
    assert_non_null(strstr(out, "https://center.kofu.test/issuer/.well-known/jwks.json"));
}

/* --list is docs/conformance.md's table of scenarios, both ways. */
static void test_list_matches_doc(void **state)
{
    (void)state;
    const char *argv[] = {harness_path(0, "kofu-conformance"), "conformance", "--list", NULL};
    assert_int_equal(harness_run(argv, NULL, out, sizeof out, err, sizeof err), 0);
    const char *doc = read_file("docs/conformance.md");
    size_t listed = 0, rows = 0;
    for (const char *p = out; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
        char name[80], row[100];
        if (sscanf(p, "%79s", name) != 1)
            break;
        listed++;
        snprintf(row, sizeof row, "| `%s` |", name);
        if (!strstr(doc, row)) {
            fprintf(stderr, "docs/conformance.md has no row for %s\n", name);
            fail();
        }
    }
    const char *sc = strstr(doc, "## Scenarios");
    assert_non_null(sc);
    const char *end = strstr(sc + 3, "\n## ");
    for (const char *p = sc; (p = strstr(p, "\n| `")) != NULL && (!end || p < end); p++) {
        char name[80];
        if (sscanf(p, "\n| `%79[^`]`", name) != 1)
            continue;
        rows++;
        if (!strstr(out, name)) {
            fprintf(stderr, "docs/conformance.md lists %s, which --list does not\n", name);
            fail();
        }
    }
    assert_true(listed > 30);
    assert_int_equal(rows, listed);
}

static void test_usage(void **state)
{
    (void)state;
    const char *none[] = {harness_path(0, "kofu-conformance"), "conformance", NULL};
    assert_int_equal(harness_run(none, NULL, out, sizeof out, err, sizeof err), 2);
    const char *bad[] = {harness_path(0, "kofu-conformance"), "--list", "--only", "no-such-group", NULL};
    assert_int_equal(harness_run(bad, NULL, out, sizeof out, err, sizeof err), 2);
    /* --only with no name, or an empty one, is a usage error (it ran
     * everything) */
    const char *no_name[] = {harness_path(0, "kofu-conformance"), "--list", "--only", NULL};
    assert_int_equal(harness_run(no_name, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "--only needs"));
    const char *no_name_then[] = {harness_path(0, "kofu-conformance"), "--list", "--only", "--report", "r", NULL};
    assert_int_equal(harness_run(no_name_then, NULL, out, sizeof out, err, sizeof err), 2);
    const char *empty[] = {harness_path(0, "kofu-conformance"), "--list", "--only", "", NULL};
    assert_int_equal(harness_run(empty, NULL, out, sizeof out, err, sizeof err), 2);
    /* --only takes a group */
    assert_int_equal(run_kit("jwks"), 0);
    assert_non_null(strstr(out, "3 scenarios: 3 passed, 0 failed, 0 skipped"));
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_passes_against_centersim, clean_center),
        cmocka_unit_test_setup(test_list_matches_doc, clean_center),
        cmocka_unit_test_setup(test_usage, clean_center),
        cmocka_unit_test_setup(test_no_resident_value_in_output, clean_center),
        cmocka_unit_test_setup(test_fault_jwks_bad_kid, clean_center),
        cmocka_unit_test_setup(test_fault_other_csca, clean_center),
cmocka_unit_test_setup(test_fault_registered_passport, clean_center),
cmocka_unit_test_setup(test_fault_passport_birth_unchecked, clean_center),
        cmocka_unit_test_setup(test_fault_wrong_refusal, clean_center),
        cmocka_unit_test_setup(test_fault_reissue, clean_center),
        cmocka_unit_test_setup(test_allow_tls12, clean_center),
        cmocka_unit_test_setup(test_closed_center_is_incomplete, clean_center),
        cmocka_unit_test_setup(test_unreachable_center_refuses_nothing, clean_center),
        cmocka_unit_test_setup(test_jwks_public_needs_no_certificate, clean_center),
    };
    int rc = cmocka_run_group_tests_name("the conformance kit against centersim", tests, group_setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
