/*
 * test_card_read.c — the card path end to end through the real pcscd:
 * `kofu card read` against cardsim (the virtual My Number card) behind
 * pcscd's vpcd reader, with every fault the card can show.
 */
#include "tests/harness.h"
#include "tests/lib/json_out.h"

#include "drivers/card_reader.h"
#include "base/errors.h"
#include "card/kenhojo.h"
#include "drivers/card_reader/pcsc.h"
#include "base/vault.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#define YAMADA "tests/cardsim/residents/yamada.json"
#define BLOCKED "tests/cardsim/residents/blocked.json"
#define LONGNAME "tests/cardsim/residents/longname.json"

static struct harness h;
static char out[65536], err[65536];

static int group_setup(void **state)
{
    (void)state;
    if (harness_start_pcscd(&h) != 0 || harness_start_cardsim(&h, YAMADA, NULL) != 0) {
        harness_stop(&h);
        return -1;
    }
    return harness_command_config(&h, "test_card_read",
                                  "reader = Virtual PCD 00 00\ncard_ca_dir = %s\ncard_wait_seconds = 5\n"
                                  "pin_max_tries = 3\n",
                                  harness_path(0, "pki/card-ca"));
}

static int group_teardown(void **state)
{
    (void)state;
    harness_stop(&h);
    return 0;
}

/* Each test starts from a fresh Yamada card with no faults. */
static int fresh_card(void **state)
{
    (void)state;
    return harness_load(&h, YAMADA);
}

static void fault(const char *spec)
{
    char cmd[128], reply[256];
    snprintf(cmd, sizeof cmd, "fault %s", spec);
    assert_int_equal(harness_card(&h, cmd, reply, sizeof reply), 0);
}

/* Runs `kofu card read --pin-stdin --json` with up to three more args. */
static int kofu_read(const char *stdin_data, const char *a1, const char *a2, const char *a3)
{
    const char *argv[16];
    int n = 0;
    argv[n++] = harness_path(0, "kofu");
    argv[n++] = "card";
    argv[n++] = "read";
    argv[n++] = "--pin-stdin";
    argv[n++] = "--json";
    if (a1)
        argv[n++] = a1;
    if (a2)
        argv[n++] = a2;
    if (a3)
        argv[n++] = a3;
    argv[n] = NULL;
    return harness_run(argv, stdin_data, out, sizeof out, err, sizeof err);
}

static json_t *parsed(void)
{
    json_t *j = kt_json_parse(out, err);
    assert_non_null(j);
    return j;
}

static const char *card_field(json_t *j, const char *key)
{
    return kt_json_str(json_object_get(j, "card"), key);
}

static int card_status_tries(void)
{
    char reply[256];
    assert_int_equal(harness_card(&h, "status", reply, sizeof reply), 0);
    const char *t = strstr(reply, "tries=");
    assert_non_null(t);
    return atoi(t + 6);
}

/* A genuine card: read, verified, presence proven, within the APDU budget,
 * and nothing of the resident printed unmasked. */
static void test_genuine_card_read_and_verified(void **state)
{
    (void)state;
    assert_int_equal(kofu_read("1234\n", NULL, NULL, NULL), 0);
    json_t *j = parsed();
    assert_true(json_is_true(json_object_get(j, "authentic")));
    assert_string_equal(kt_json_str(j, "presence"), "proven");
    assert_string_equal(card_field(j, "my_number"), "************");
    assert_string_equal(card_field(j, "name"), "＊＊＊＊");
    assert_string_equal(card_field(j, "address"), "＊＊＊＊");
    assert_string_equal(card_field(j, "birth_date"), "****-**-**");
    assert_string_equal(card_field(j, "sex"), "*");
    assert_true(json_integer_value(json_object_get(j, "apdus")) <= 20);
    json_decref(j);
    const char *secrets[] = {"123456789018", "山", "太郎", "東", "千代田", "1980", "1234", "male", "男性"};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        assert_null(strstr(out, secrets[i]));
        assert_null(strstr(err, secrets[i]));
    }
}

static void test_reveal_shows_the_data(void **state)
{
    (void)state;
    assert_int_equal(kofu_read("1234\n", "--reveal", NULL, NULL), 0);
    json_t *j = parsed();
    assert_string_equal(card_field(j, "my_number"), "123456789018");
    assert_string_equal(card_field(j, "name"), "山田　太郎");
    assert_string_equal(card_field(j, "address"), "東京都千代田区千代田１－１");
    assert_string_equal(card_field(j, "birth_date"), "1980-02-17");
    json_decref(j);
}

/* Text output from "my_number:" to the end of the "sex:" line. */
static void masked_block(const char *text, char *dst, size_t cap)
{
    const char *a = strstr(text, "my_number:"), *b = a ? strstr(a, "sex:") : NULL;
    assert_non_null(b);
    const char *e = strchr(b, '\n');
    assert_non_null(e);
    assert_true((size_t)(e - a) < cap);
    memcpy(dst, a, (size_t)(e - a));
    dst[e - a] = '\0';
}

/* The mask is fixed: two residents with different names, addresses (of
 * different lengths), birth dates and sexes print exactly the same card,
 * in the JSON and in the text. */
static void test_mask_reveals_nothing(void **state)
{
    (void)state;
    const char *text_argv[] = {harness_path(0, "kofu"), "card", "read", "--pin-stdin", NULL};
    char card_json[2][1024], card_text[2][1024];
    const char *residents[] = {YAMADA, LONGNAME}, *pins[] = {"1234\n", "0000\n"};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(harness_load(&h, residents[i]), 0);
        assert_int_equal(kofu_read(pins[i], NULL, NULL, NULL), 0);
        json_t *j = parsed();
        assert_string_equal(card_field(j, "sex"), "*");
        char *dump = json_dumps(json_object_get(j, "card"), JSON_SORT_KEYS | JSON_COMPACT);
        assert_non_null(dump);
        snprintf(card_json[i], sizeof card_json[i], "%s", dump);
        free(dump);
        json_decref(j);
        assert_int_equal(harness_run(text_argv, pins[i], out, sizeof out, err, sizeof err), 0);
        masked_block(out, card_text[i], sizeof card_text[i]);
    }
    assert_string_equal(card_json[0], card_json[1]);
    assert_string_equal(card_text[0], card_text[1]);
    assert_non_null(strstr(card_text[0], "sex: *"));
    assert_null(strstr(card_text[0], "not applicable"));
}

static void test_text_output(void **state)
{
    (void)state;
    const char *argv[] = {harness_path(0, "kofu"), "card", "read", "--pin-stdin", NULL};
    assert_int_equal(harness_run(argv, "1234\n", out, sizeof out, err, sizeof err), 0);
    assert_non_null(strstr(out, "authentic: yes"));
    assert_non_null(strstr(out, "presence: proven"));
    assert_non_null(strstr(out, "my_number: ************"));
    assert_null(strstr(out, "123456789018"));
}

static void test_wrong_pin_then_right(void **state)
{
    (void)state;
    assert_int_equal(kofu_read("9999\n", NULL, NULL, NULL), 3);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "error"), "pin-wrong");
    assert_int_equal(json_integer_value(json_object_get(j, "pin_tries_left")), 2);
    json_decref(j);
    assert_int_equal(card_status_tries(), 2);
    /* The next resident sees the count before entering the PIN. */
    assert_int_equal(kofu_read("1234\n", NULL, NULL, NULL), 0);
    assert_non_null(strstr(err, "PIN tries left: 2 of 3"));
    assert_non_null(strstr(err, "残り回数: 2回"));
    assert_int_equal(card_status_tries(), 3);
}

static void test_blocked_card(void **state)
{
    (void)state;
    assert_int_equal(harness_load(&h, BLOCKED), 0);
    assert_int_equal(kofu_read("1234\n", NULL, NULL, NULL), 4);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "error"), "pin-blocked");
    assert_non_null(strstr(kt_json_str(j, "message_en"), "municipal office"));
    assert_non_null(strstr(kt_json_str(j, "message_ja"), "市区町村"));
    json_decref(j);
}

/* Wrong PINs down to the last try: it is never spent unconfirmed; once
 * confirmed and wrong, the card blocks (63C0) and stays blocked (6984). */
static void test_last_try_needs_confirmation_then_blocks(void **state)
{
    (void)state;
    assert_int_equal(kofu_read("9999\n", NULL, NULL, NULL), 3);
    assert_int_equal(kofu_read("9999\n", NULL, NULL, NULL), 3);
    assert_int_equal(card_status_tries(), 1);
    assert_int_equal(kofu_read("9999\n", NULL, NULL, NULL), 9);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "error"), "pin-not-confirmed");
    json_decref(j);
    assert_int_equal(card_status_tries(), 1);
    assert_int_equal(kofu_read("no\n9999\n", NULL, NULL, NULL), 9);
    assert_int_equal(card_status_tries(), 1);
    assert_int_equal(kofu_read("yes\n9999\n", NULL, NULL, NULL), 4);
    assert_int_equal(card_status_tries(), 0);
    assert_int_equal(kofu_read("yes\n1234\n", NULL, NULL, NULL), 4);
    j = parsed();
    assert_string_equal(kt_json_str(j, "error"), "pin-blocked");
    json_decref(j);
}

static void test_last_try_confirmed_and_right(void **state)
{
    (void)state;
    assert_int_equal(kofu_read("1111\n", NULL, NULL, NULL), 3);
    assert_int_equal(kofu_read("2222\n", NULL, NULL, NULL), 3);
    assert_int_equal(kofu_read("yes\n1234\n", NULL, NULL, NULL), 0);
    assert_int_equal(card_status_tries(), 3);
}

static void test_bad_pin_format_never_reaches_card(void **state)
{
    (void)state;
    const char *bad[] = {"123\n", "12345\n", "12a4\n", "\n", " 1234\n", "１２３４\n", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(kofu_read(bad[i], NULL, NULL, NULL), 9);
        json_t *j = parsed();
        assert_string_equal(kt_json_str(j, "error"), "pin-format");
        json_decref(j);
        assert_int_equal(card_status_tries(), 3);
    }
}

static void test_pin_on_command_line_refused(void **state)
{
    (void)state;
    const char *argv[] = {harness_path(0, "kofu"), "card", "read", "1234", NULL};
    assert_int_equal(harness_run(argv, "", out, sizeof out, err, sizeof err), 2);
    assert_int_equal(card_status_tries(), 3);
}

static void expect_not_authentic(const char *reason)
{
    assert_int_equal(kofu_read("1234\n", NULL, NULL, NULL), 5);
    json_t *j = parsed();
    assert_true(json_is_false(json_object_get(j, "authentic")));
    assert_string_equal(kt_json_str(j, "reason"), reason);
    json_decref(j);
}

static void test_forged_cv_certificate_refused(void **state)
{
    (void)state;
    fault("forged-cv");
    expect_not_authentic("cv-signature");
}

static void test_wrong_hash_refused(void **state)
{
    (void)state;
    fault("bad-hash");
    expect_not_authentic("attributes-hash");
}

static void test_card_that_fails_the_challenge_refused(void **state)
{
    (void)state;
    fault("bad-presence");
    expect_not_authentic("presence-signature");
}

static void test_unknown_card_ca_refused(void **state)
{
    (void)state;
    char empty[400];
    snprintf(empty, sizeof empty, "%s/empty-ca", h.dir);
    mkdir(empty, 0700);
    char opt[420];
    snprintf(opt, sizeof opt, "--card-ca=%s", empty);
    assert_int_equal(kofu_read("1234\n", opt, NULL, NULL), 5);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "reason"), "ca-unknown");
    json_decref(j);
}

static void test_card_without_presence_key(void **state)
{
    (void)state;
    fault("no-presence");
    assert_int_equal(kofu_read("1234\n", NULL, NULL, NULL), 0);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "presence"), "not-offered");
    json_decref(j);
    /* A deployment that requires the proof refuses such a card. */
    char strict[420];
    snprintf(strict, sizeof strict, "%s/strict.conf", h.dir);
    FILE *f = fopen(strict, "w");
    assert_non_null(f);
    fprintf(f, "card_ca_dir = %s\ncard_presence_required = yes\n", harness_path(0, "pki/card-ca"));
    fclose(f);
    assert_int_equal(kofu_read("1234\n", "--config", strict, NULL), 5);
    j = parsed();
    assert_string_equal(kt_json_str(j, "reason"), "presence-missing");
    json_decref(j);
}

/* The transport variants a real card or reader shows must all read the
 * same data. */
static void test_transport_variants_read_the_same(void **state)
{
    (void)state;
    const char *variants[] = {"long-form", "short-reads=100", "short-reads=8", "eof-6282",
                              "le-6c",     "get-response",    "slow=20"};
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        assert_int_equal(harness_load(&h, YAMADA), 0);
        fault(variants[i]);
        int rc = kofu_read("1234\n", "--reveal", NULL, NULL);
        if (rc != 0)
            fprintf(stderr, "variant %s: exit %d\n%s\n%s\n", variants[i], rc, out, err);
        assert_int_equal(rc, 0);
        json_t *j = parsed();
        assert_true(json_is_true(json_object_get(j, "authentic")));
        assert_string_equal(card_field(j, "name"), "山田　太郎");
        assert_string_equal(card_field(j, "my_number"), "123456789018");
        json_decref(j);
    }
}

static void test_long_attributes_file(void **state)
{
    (void)state;
    json_error_t e;
    json_t *fixture = json_load_file(LONGNAME, 0, &e);
    assert_non_null(fixture);
    assert_int_equal(harness_load(&h, LONGNAME), 0);
    char pin[16];
    snprintf(pin, sizeof pin, "%s\n", kt_json_str(fixture, "pin"));
    assert_int_equal(kofu_read(pin, "--reveal", NULL, NULL), 0);
    json_t *j = parsed();
    assert_string_equal(card_field(j, "name"), kt_json_str(fixture, "name"));
    assert_string_equal(card_field(j, "address"), kt_json_str(fixture, "address"));
    json_decref(j);
    json_decref(fixture);
}

/* Card pulled away mid-read: a clean error from the CLI... */
static void test_card_pulled_mid_read_cli(void **state)
{
    (void)state;
    fault("remove-after=8");
    assert_int_equal(kofu_read("1234\n", NULL, NULL, NULL), 8);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "error"), "card-removed");
    json_decref(j);
}

/* ...and, in one process, the vault wiped and the next card read fine. */
static void test_card_pulled_mid_read_in_process(void **state)
{
    (void)state;
    assert_int_equal(vault_init(64 * 1024), KOFU_OK);
    struct card_reader r = {&pcsc_card_reader_ops, NULL, 0};
    assert_int_equal(r.ops->open(&r.ctx, h.reader), KOFU_OK);
    for (int round = 0; round < 2; round++) {
        assert_int_equal(r.ops->wait_present(r.ctx, 5000), KOFU_OK);
        assert_int_equal(r.ops->connect(r.ctx, NULL, NULL), KOFU_OK);
        struct kenhojo_session s;
        int tries;
        assert_int_equal(kenhojo_open(&s, &r), KOFU_OK);
        assert_int_equal(kenhojo_pin_status(&s, &tries), KOFU_OK);
        if (round == 0)
            fault("remove-after=4");
        assert_int_equal(kenhojo_verify_pin(&s, "1234", false, &tries), KOFU_OK);
        struct kenhojo_card_data *d = kenhojo_card_data_new();
        assert_non_null(d);
        int rc = kenhojo_read(&s, d);
        if (round == 0) {
            assert_int_equal(rc, KOFU_E_CARD_REMOVED);
            assert_false(vault_is_clean()); /* it held the first files read */
        } else {
            enum kenhojo_auth why;
            assert_int_equal(rc, KOFU_OK);
            assert_int_equal(kenhojo_authenticate(&s, d, harness_path(1, "pki/card-ca"), true, &why), KOFU_OK);
            assert_string_equal(d->my_number, "123456789018");
        }
        vault_wipe();
        assert_true(vault_is_clean());
        assert_int_equal(r.ops->disconnect(r.ctx, true), KOFU_OK);
        if (round == 0) {
            assert_int_equal(harness_card(&h, "clear", NULL, 0), 0);
            assert_int_equal(harness_card(&h, "insert", NULL, 0), 0);
        }
    }
    r.ops->close(r.ctx);
    vault_destroy();
}

static void test_no_card(void **state)
{
    (void)state;
    assert_int_equal(harness_card(&h, "remove", NULL, 0), 0);
    assert_int_equal(harness_wait_card(&h, false, 5000), 0);
    assert_int_equal(kofu_read("1234\n", "--wait", "1", NULL), 6);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "error"), "no-card");
    json_decref(j);
    assert_int_equal(harness_card(&h, "insert", NULL, 0), 0);
}

static void test_no_reader(void **state)
{
    (void)state;
    assert_int_equal(kofu_read("1234\n", "--reader", "No Such Reader*", NULL), 7);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "error"), "no-reader");
    json_decref(j);
}

static void test_no_service(void **state)
{
    (void)state;
    setenv("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm", 1);
    int rc = kofu_read("1234\n", NULL, NULL, NULL);
    unsetenv("PCSCLITE_CSOCK_NAME");
    assert_int_equal(rc, 7);
    json_t *j = parsed();
    assert_string_equal(kt_json_str(j, "error"), "no-service");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_genuine_card_read_and_verified, fresh_card),
        cmocka_unit_test_setup(test_reveal_shows_the_data, fresh_card),
        cmocka_unit_test_setup(test_mask_reveals_nothing, fresh_card),
        cmocka_unit_test_setup(test_text_output, fresh_card),
        cmocka_unit_test_setup(test_wrong_pin_then_right, fresh_card),
        cmocka_unit_test_setup(test_blocked_card, fresh_card),
        cmocka_unit_test_setup(test_last_try_needs_confirmation_then_blocks, fresh_card),
        cmocka_unit_test_setup(test_last_try_confirmed_and_right, fresh_card),
        cmocka_unit_test_setup(test_bad_pin_format_never_reaches_card, fresh_card),
        cmocka_unit_test_setup(test_pin_on_command_line_refused, fresh_card),
        cmocka_unit_test_setup(test_forged_cv_certificate_refused, fresh_card),
        cmocka_unit_test_setup(test_wrong_hash_refused, fresh_card),
        cmocka_unit_test_setup(test_card_that_fails_the_challenge_refused, fresh_card),
        cmocka_unit_test_setup(test_unknown_card_ca_refused, fresh_card),
        cmocka_unit_test_setup(test_card_without_presence_key, fresh_card),
        cmocka_unit_test_setup(test_transport_variants_read_the_same, fresh_card),
        cmocka_unit_test_setup(test_long_attributes_file, fresh_card),
        cmocka_unit_test_setup(test_card_pulled_mid_read_cli, fresh_card),
        cmocka_unit_test_setup(test_card_pulled_mid_read_in_process, fresh_card),
        cmocka_unit_test_setup(test_no_card, fresh_card),
        cmocka_unit_test_setup(test_no_reader, fresh_card),
        cmocka_unit_test_setup(test_no_service, fresh_card),
    };
    return cmocka_run_group_tests_name("card read through pcscd", tests, group_setup, group_teardown);
}
