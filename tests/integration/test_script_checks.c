/*
 * test_script_checks.c — the scripted runs' money and privacy checks shown
 * failing where they must, so that a check turned into a no-op is caught:
 * `expect-clean` with a byte left past the vault's mark or the visit's
 * request left marked as made, `expect-money`
 * off by one yen, `expect-card-reset` on a card that still holds a
 * verified PIN. And the PIN pad that cannot be shuffled: the visit is
 * refused (an error screen, no PIN asked for or sent).
 * Each run is a real build/kofu-sim against pcscd + cardsim, centersim and
 * the test printer, as in test_kiosk.c.
 */
#include "tests/harness.h"
#include "tests/printer/printer_harness.h"

#include "card/kenhojo.h"
#include "drivers/card_reader/pcsc.h"
#include "base/errors.h"
#include "base/vault.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static struct harness h;
static struct printer_peer printer;
static char conf_path[400], prompts_log[400], script_path[400];
static char out[1 << 16], err[1 << 16];
static const char *const center_args[] = {"--hours", "00:00-24:00", NULL};

static int group_setup(void **state)
{
    (void)state;
    if (printer_peer_start_kiosk_peers_mode(&h, &printer, printer_peer_mode_from_env()) != 0)
        return -1;
    snprintf(conf_path, sizeof conf_path, "%s/kofu.conf", h.dir);
    snprintf(prompts_log, sizeof prompts_log, "%s/prompts.log", h.dir);
    snprintf(script_path, sizeof script_path, "%s/checks.script", h.dir);
    return harness_kiosk_config(&h, conf_path, printer.kiosk_uri, prompts_log,
                                "print_timeout_ms = 20000\nnotice_ms = 1500\nreminder_ms = 500\n");
}

static int group_teardown(void **state)
{
    (void)state;
    printer_peer_stop(&printer);
    harness_stop(&h);
    return 0;
}

/* The card out and reset, a clean center. */
static int fresh(void **state)
{
    (void)state;
    if (harness_fresh_visit(&h, center_args, "tests/cardsim/residents/yamada.json") != 0)
        return -1;
    return 0;
}

static int run_script(const char *script)
{
    FILE *f = fopen(script_path, "w");
    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    const char *argv[] = {harness_path(6, "kofu-sim"), "run", "--board", "sim", "--config", conf_path,
                          "--script", script_path, NULL};
    return harness_run(argv, NULL, out, sizeof out, err, sizeof err);
}

#define DOMESTIC_VISIT_TO_TAKE_CERTIFICATE \
    "wait idle\n" \
    "card insert\n" \
    "wait service\n" \
    "tap service\n" \
    "wait terms\n" \
    "tap agree\n" \
    "wait pin\n" \
    "pin 1234\n" \
    "tap enter\n" \
    "wait take-card\n" \
    "card remove\n" \
    "wait municipality\n" \
    "tap ok\n" \
    "wait kind-copies\n" \
    "tap domestic\n" \
    "tap ok\n" \
    "wait confirm\n" \
    "tap ok\n" \
    "wait payment\n" \
    "coin 100\n" \
    "coin 50\n" \
    "wait take-certificate\n"

/* A byte past the vault's mark, where a wipe that missed something would
 * leave it: expect-clean passes before and fails after. */
static void test_expect_clean_catches_a_leftover_byte(void **state)
{
    (void)state;
    assert_int_equal(run_script("wait idle\n"
                                "expect-clean\n"
                                "inject vault-residue\n"
                                "expect-clean\n"),
                     1);
    assert_non_null(strstr(err, "script line 4: resident data is still held"));
    assert_null(strstr(err, "script line 2"));
}

/* The visit's request left marked as made (nothing in the vault): the
 * next visit would report it again. expect-clean catches that too. */
static void test_expect_clean_catches_a_leftover_request(void **state)
{
    (void)state;
    assert_int_equal(run_script("wait idle\n"
                                "expect-clean\n"
                                "inject request-residue\n"
                                "expect-clean\n"),
                     1);
    assert_non_null(strstr(err, "script line 4: the visit's request outlived it"));
    assert_null(strstr(err, "script line 2"));
}

/* A real visit's money, then the same totals with one yen off. */
static void test_expect_money_catches_one_yen(void **state)
{
    (void)state;
    assert_int_equal(run_script(DOMESTIC_VISIT_TO_TAKE_CERTIFICATE
                                "expect-money inserted=150 kept=120 change=30 refunded=0\n"
                                "expect-money kept=121\n"),
                     1);
    assert_non_null(strstr(err, "script line 24: expect-money kept=121 but inserted=150 kept=120 change=30 "
                                "refunded=0"));
    /* Each total is compared: one yen refunded that never was. */
    assert_int_equal(run_script("wait idle\n"
                                "expect-money inserted=0 kept=0 change=0 refunded=0\n"
                                "expect-money refunded=1\n"),
                     1);
    assert_non_null(strstr(err, "script line 3: expect-money refunded=1 but"));
}

/* A card left with a verified PIN (verified here, outside the kiosk, and
 * left powered): expect-card-reset must see it. */
static void test_expect_card_reset_catches_a_verified_card(void **state)
{
    (void)state;
    char reply[200];
    assert_int_equal(harness_card(&h, "insert", reply, sizeof reply), 0);
    assert_int_equal(harness_wait_card(&h, true, 5000), 0);
    assert_int_equal(vault_init(64 * 1024), KOFU_OK);
    struct card_reader rd = {.ops = &pcsc_card_reader_ops};
    struct kenhojo_session ks;
    int tries = 0;
    assert_int_equal(rd.ops->open(&rd.ctx, h.reader), KOFU_OK);
    assert_int_equal(rd.ops->connect(rd.ctx, NULL, NULL), KOFU_OK);
    assert_int_equal(kenhojo_open(&ks, &rd), KOFU_OK);
    assert_int_equal(kenhojo_pin_status(&ks, &tries), KOFU_OK);
    assert_int_equal(kenhojo_verify_pin(&ks, "1234", false, &tries), KOFU_OK);
    assert_int_equal(rd.ops->disconnect(rd.ctx, false), KOFU_OK); /* left powered */
    rd.ops->close(rd.ctx);
    vault_destroy();
    assert_int_equal(harness_card(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "verified=1"));

    assert_int_equal(run_script("wait idle\n"
                                "expect-card-reset\n"),
                     1);
    assert_non_null(strstr(err, "script line 2: the card still holds a verified PIN"));
}

/* The random source fails when the PIN pad is shuffled: no fixed pad, the
 * visit is refused on an error screen and the card is never sent a PIN.
 * No expect-card-reset here: it looks for a verified PIN, and with no
 * VERIFY sent it could not fail; the card's counter and state after the
 * run (tries=3 verified=0) are what show that no PIN reached it. */
static void test_pin_pad_shuffle_failure_refuses_the_visit(void **state)
{
    (void)state;
    char reply[200];
    unlink(prompts_log);
    assert_int_equal(run_script("wait idle\n"
                                "card insert\n"
                                "wait service\n"
                                "tap service\n"
                                "wait terms\n"
                                "inject pin-shuffle-fails\n"
                                "tap agree\n"
                                "wait error\n"
                                "expect-screen error\n"
                                "expect-no-prompt pin-enter\n"
                                "expect-no-prompt reading\n"
                                "card remove\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    /* The card was never read (no READ_CARD: its time stays 0), nothing printed. */
    assert_non_null(strstr(out, "printed=0"));
    assert_non_null(strstr(out, "read_ms=0.00 "));
    /* No VERIFY reached the card: its counter is whole and nothing verified. */
    assert_int_equal(harness_card(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "tries=3 verified=0"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_expect_clean_catches_a_leftover_byte, fresh),
        cmocka_unit_test_setup(test_expect_clean_catches_a_leftover_request, fresh),
        cmocka_unit_test_setup(test_expect_money_catches_one_yen, fresh),
        cmocka_unit_test_setup(test_expect_card_reset_catches_a_verified_card, fresh),
        cmocka_unit_test_setup(test_pin_pad_shuffle_failure_refuses_the_visit, fresh),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
