/*
 * test_passport.c — `kofu passport read` end to end through the real pcscd:
 * passportsim (the virtual passport, written apart from kofu's ICAO code)
 * in vpcd's second slot, with BAC and with PACE, and every fault the chip
 * can show; the trust anchors as a directory, a PEM bundle and a master
 * list.
 */
#include "tests/harness.h"
#include "tests/lib/json_out.h"

#include "base/errors.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define SPECIMEN "tests/passportsim/holders/specimen.json"
#define YAMADA "tests/passportsim/holders/yamada.json"

static struct harness h;
static char out[65536], err[65536];

static int group_setup(void **state)
{
    (void)state;
    if (harness_start_pcscd(&h) != 0) {
        harness_stop(&h);
        return -1;
    }
    return harness_command_config(&h, "test_passport",
                                  "reader = Virtual PCD 00 01\npassport_csca = %s\ncard_wait_seconds = 5\n",
                                  harness_path(0, "pki/csca"));
}

static int group_teardown(void **state)
{
    (void)state;
    harness_stop(&h);
    return 0;
}

static void chip(const char *holder, const char *access, const char *fault)
{
    const char *faults[] = {fault, NULL};
    assert_int_equal(harness_start_passportsim(&h, holder, access, fault ? faults : NULL), 0);
}

/* `kofu passport read --json` with the specimen's numbers unless given,
 * and up to three more arguments. */
static int kofu_read_with(const char *doc, const char *birth, const char *expiry, const char *a1, const char *a2,
                          const char *a3)
{
    const char *argv[20];
    int n = 0;
    argv[n++] = harness_path(0, "kofu");
    argv[n++] = "passport";
    argv[n++] = "read";
    argv[n++] = "--json";
    argv[n++] = "--document";
    argv[n++] = doc;
    argv[n++] = "--birth";
    argv[n++] = birth;
    argv[n++] = "--expiry";
    argv[n++] = expiry;
    if (a1)
        argv[n++] = a1;
    if (a2)
        argv[n++] = a2;
    if (a3)
        argv[n++] = a3;
    argv[n] = NULL;
    return harness_run(argv, "", out, sizeof out, err, sizeof err);
}

static int specimen_read(const char *a1, const char *a2)
{
    return kofu_read_with("L898902C<", "690806", "940623", a1, a2, NULL);
}

static json_t *parsed(void)
{
    json_t *j = kt_json_parse(out, err);
    assert_non_null(j);
    return j;
}

/* The JSON object has exactly the documented fields. */
static void assert_fields_exact(json_t *j)
{
    static const char *const keys[] = {"access", "passive_auth", "reason", "document_number", "surname", "given_names",
                                       "nationality", "birth_date", "sex", "expiry_date", "apdus", "read_ms"};
    assert_int_equal(json_object_size(j), sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(json_object_get(j, keys[i]));
}

/* A refusal: the exit status, passive_auth false and the reason. */
static void assert_refused(int status, int want_status, const char *reason)
{
    if (status != want_status)
        fprintf(stderr, "exit %d (want %d)\nstdout: %s\nstderr: %s\n", status, want_status, out, err);
    assert_int_equal(status, want_status);
    json_t *j = parsed();
    assert_fields_exact(j);
    assert_true(json_is_false(json_object_get(j, "passive_auth")));
    assert_string_equal(kt_json_str(j, "reason"), reason);
    json_decref(j);
}

/* BAC (no EF.CardAccess): read, passive authentication against the
 * Utopia CSCA with explicit curve parameters, masked, within budget. */
static void test_bac_read_masked(void **state)
{
    (void)state;
    chip(SPECIMEN, "bac", NULL);
    int st = specimen_read(NULL, NULL);
    if (st != 0)
        fprintf(stderr, "stdout: %s\nstderr: %s\n", out, err);
    assert_int_equal(st, 0);
    json_t *j = parsed();
    assert_fields_exact(j);
    assert_string_equal(kt_json_str(j, "access"), "BAC");
    assert_true(json_is_true(json_object_get(j, "passive_auth")));
    assert_true(json_is_null(json_object_get(j, "reason")));
    assert_string_equal(kt_json_str(j, "document_number"), "*********");
    assert_string_equal(kt_json_str(j, "surname"), "****");
    assert_string_equal(kt_json_str(j, "given_names"), "****");
    assert_string_equal(kt_json_str(j, "nationality"), "***");
    assert_string_equal(kt_json_str(j, "birth_date"), "****-**-**");
    assert_string_equal(kt_json_str(j, "sex"), "*");
    assert_string_equal(kt_json_str(j, "expiry_date"), "****-**-**");
    json_int_t apdus = json_integer_value(json_object_get(j, "apdus"));
    assert_true(apdus >= 10 && apdus <= 40);
    assert_true(json_real_value(json_object_get(j, "read_ms")) > 0);
    json_decref(j);
    const char *secrets[] = {"L898902C", "ERIKSSON", "ANNA", "MARIA", "UTO", "1969", "690806", "940623"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        assert_null(strstr(out, secrets[i]));
        assert_null(strstr(err, secrets[i]));
    }
}

/* PACE (EF.CardAccess offers ECDH-GM AES-128 on brainpoolP256r1), revealed. */
static void test_pace_read_revealed(void **state)
{
    (void)state;
    chip(SPECIMEN, "pace", NULL);
    assert_int_equal(specimen_read("--reveal", NULL), 0);
    json_t *j = parsed();
    assert_fields_exact(j);
    assert_string_equal(kt_json_str(j, "access"), "PACE");
    assert_true(json_is_true(json_object_get(j, "passive_auth")));
    assert_string_equal(kt_json_str(j, "document_number"), "L898902C");
    assert_string_equal(kt_json_str(j, "surname"), "ERIKSSON");
    assert_string_equal(kt_json_str(j, "given_names"), "ANNA MARIA");
    assert_string_equal(kt_json_str(j, "nationality"), "UTO");
    assert_string_equal(kt_json_str(j, "birth_date"), "1969-08-06");
    assert_string_equal(kt_json_str(j, "sex"), "F");
    assert_string_equal(kt_json_str(j, "expiry_date"), "1994-06-23");
    json_decref(j);
}

/* The Japanese holder, under the test Japan CSCA; the numbers as a lab
 * types them (lower case is taken). */
static void test_japanese_passport(void **state)
{
    (void)state;
    chip(YAMADA, "pace", NULL);
    assert_int_equal(kofu_read_with("tz1234567", "800217", "310331", "--reveal", NULL, NULL), 0);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "surname"), "YAMADA");
    assert_string_equal(kt_json_str(j, "given_names"), "TARO");
    assert_string_equal(kt_json_str(j, "nationality"), "JPN");
    assert_string_equal(kt_json_str(j, "birth_date"), "1980-02-17");
    assert_string_equal(kt_json_str(j, "sex"), "M");
    assert_string_equal(kt_json_str(j, "expiry_date"), "2031-03-31");
    json_decref(j);
}

/* The text form says the same, masked. */
static void test_text_output(void **state)
{
    (void)state;
    chip(SPECIMEN, "bac", NULL);
    const char *argv[] = {harness_path(0, "kofu"), "passport", "read", "--document", "L898902C", "--birth", "690806",
                          "--expiry", "940623", NULL};
    assert_int_equal(harness_run(argv, "", out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "access: BAC\n"));
    assert_non_null(strstr(out, "passive_auth: passed\n"));
    assert_non_null(strstr(out, "surname: ****\n"));
    assert_null(strstr(out, "ERIKSSON"));
}

/* A mistyped number: the chip refuses the keys — once, under each access. */
static void test_wrong_numbers(void **state)
{
    (void)state;
    chip(SPECIMEN, "bac", NULL);
    assert_refused(kofu_read_with("L898902D", "690806", "940623", NULL, NULL, NULL), 3, "passport-keys");
    chip(SPECIMEN, "pace", NULL);
    assert_refused(kofu_read_with("L898902C", "690807", "940623", NULL, NULL, NULL), 3, "passport-keys");
    /* The chip that derives its keys from another number (wrong-keys). */
    chip(SPECIMEN, "pace", "wrong-keys");
    assert_refused(specimen_read(NULL, NULL), 3, "passport-keys");
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "access"), "(not a string)"); /* null: the chip never opened */
    /* One attempt: SELECT MF, EF.CardAccess (select, two reads), MSE:Set
     * AT and four GENERAL AUTHENTICATE, the last refused; then no BAC
     * with the same numbers (its SELECT, GET CHALLENGE, MUTUAL
     * AUTHENTICATE would make 12). */
    assert_int_equal(json_integer_value(json_object_get(j, "apdus")), 9);
    json_decref(j);
}

/* Values that cannot be an MRZ's never reach the reader. */
static void test_numbers_refused_before_the_chip(void **state)
{
    (void)state;
    chip(SPECIMEN, "bac", NULL);
    assert_refused(kofu_read_with("L8989-02C", "690806", "940623", NULL, NULL, NULL), 9, "mrz-format");
    assert_refused(kofu_read_with("L898902C", "691306", "940623", NULL, NULL, NULL), 9, "mrz-format");
    assert_refused(kofu_read_with("L898902C", "690806", "9406", NULL, NULL, NULL), 9, "mrz-format");
    assert_refused(kofu_read_with("L898902C12", "690806", "940623", NULL, NULL, NULL), 9, "mrz-format");
    json_t *j = parsed();
    assert_int_equal(json_integer_value(json_object_get(j, "apdus")), 0);
    json_decref(j);
    /* A missing option is a usage error. */
    const char *argv[] = {harness_path(0, "kofu"), "passport", "read", "--document", "L898902C", NULL};
    assert_int_equal(harness_run(argv, "", out, sizeof out, err, sizeof err), 2);
}

/* Data that fails passive authentication is refused with its reason. */
static void test_not_authentic(void **state)
{
    (void)state;
    static const struct {
        const char *fault, *reason;
    } cases[] = {
        {"tampered-dg1", "dg1-hash"},
        {"bad-sod-signature", "sod-signature"},
        {"other-csca", "ds-untrusted"},
        {"expired-ds", "ds-validity"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        chip(SPECIMEN, i % 2 ? "pace" : "bac", cases[i].fault);
        if (!strcmp(cases[i].fault, "other-csca") || !strcmp(cases[i].fault, "expired-ds"))
            chip(YAMADA, "pace", cases[i].fault); /* the rogue and expired signers are C=JP */
        int st = strcmp(cases[i].fault, "other-csca") && strcmp(cases[i].fault, "expired-ds")
                     ? specimen_read(NULL, NULL)
                     : kofu_read_with("TZ1234567", "800217", "310331", NULL, NULL, NULL);
        assert_refused(st, 5, cases[i].reason);
    }
}

/* The trust anchors in each form the README names; none configured. */
static void test_trust_forms(void **state)
{
    (void)state;
    chip(SPECIMEN, "pace", NULL);
    char csca[400];
    snprintf(csca, sizeof csca, "%s", harness_path(0, "pki/passport/csca-bundle.pem"));
    assert_int_equal(specimen_read("--csca", csca), 0);
    /* The master list holds csca-ut and csca-jp (not the link certificate). */
    snprintf(csca, sizeof csca, "%s", harness_path(0, "pki/passport/masterlist.der"));
    assert_int_equal(specimen_read("--csca", csca), 0);
    /* A Document Signer under Utopia's next CSCA: through the link
     * certificate in the directory, not with the master list alone. */
    char reply[256];
    assert_int_equal(harness_passport(&h, "signer ds-ut2", reply, sizeof reply), 0);
    assert_int_equal(specimen_read(NULL, NULL), 0);
    assert_refused(specimen_read("--csca", csca), 5, "ds-untrusted");
    /* Japan's CSCA alone does not vouch for Utopia. */
    snprintf(csca, sizeof csca, "%s", harness_path(0, "pki/passport/csca-jp.pem"));
    assert_refused(specimen_read("--csca", csca), 5, "ds-untrusted");
    /* A --csca that cannot be loaded is a usage error; nothing is read. */
    assert_int_equal(specimen_read("--csca", "/nonexistent/csca"), 2);
    /* No trust at all: read, but not authentic. */
    snprintf(csca, sizeof csca, "%s/empty.conf", h.dir);
    FILE *f = fopen(csca, "w");
    assert_non_null(f);
    fprintf(f, "reader = Virtual PCD 00 01\npassport_csca = %s/none\ncard_wait_seconds = 5\n", h.dir);
    fclose(f);
    assert_refused(specimen_read("--config", csca), 5, "no-trust-anchors");
}

/* The chip's own troubles: a broken MAC, short answers, a chip that only
 * speaks PACE, one that leaves, no chip, not a passport. */
static void test_chip_faults(void **state)
{
    (void)state;
    chip(SPECIMEN, "bac", "bad-mac=3");
    assert_refused(specimen_read(NULL, NULL), 8, "passport-communication");
    chip(SPECIMEN, "pace", "bad-mac=2");
    assert_refused(specimen_read(NULL, NULL), 8, "passport-communication");
    /* Short answers cost reads, not the file. */
    chip(SPECIMEN, "bac", "short-reads=17");
    assert_int_equal(specimen_read(NULL, NULL), 0);
    json_t *j = parsed();
    json_int_t many = json_integer_value(json_object_get(j, "apdus"));
    json_decref(j);
    chip(SPECIMEN, "bac", NULL);
    assert_int_equal(specimen_read(NULL, NULL), 0);
    j = parsed();
    assert_true(many > json_integer_value(json_object_get(j, "apdus")));
    json_decref(j);
    /* PACE only (BAC refused): read with PACE. */
    chip(SPECIMEN, "pace", "pace-only");
    assert_int_equal(specimen_read(NULL, NULL), 0);
    /* The chip leaves halfway. */
    chip(SPECIMEN, "bac", "remove-after=9");
    int st = specimen_read(NULL, NULL);
    assert_int_equal(st, 8);
    /* No chip in time. */
    chip(SPECIMEN, "bac", NULL);
    char reply[256];
    assert_int_equal(harness_passport(&h, "remove", reply, sizeof reply), 0);
    assert_int_equal(harness_wait_reader("Virtual PCD 00 01", false, 10000), 0);
    assert_int_equal(specimen_read("--wait", "1"), 6);
}

/* A My Number card is not a passport. */
static void test_not_a_passport(void **state)
{
    (void)state;
    assert_int_equal(harness_start_cardsim(&h, "tests/cardsim/residents/yamada.json", NULL), 0);
    assert_refused(specimen_read("--reader", "Virtual PCD 00 00"), 8, "not-passport");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bac_read_masked),
        cmocka_unit_test(test_pace_read_revealed),
        cmocka_unit_test(test_japanese_passport),
        cmocka_unit_test(test_text_output),
        cmocka_unit_test(test_wrong_numbers),
        cmocka_unit_test(test_numbers_refused_before_the_chip),
        cmocka_unit_test(test_not_authentic),
        cmocka_unit_test(test_trust_forms),
        cmocka_unit_test(test_chip_faults),
        cmocka_unit_test(test_not_a_passport),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
