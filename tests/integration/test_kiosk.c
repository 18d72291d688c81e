/*
 * test_kiosk.c — complete kiosk sessions, each one a real
 * `kofu-sim run --board sim` (the test build) driven by a script (README, "Scripted runs"):
 * the card through the real pcscd + vpcd (cardsim), the center over real
 * TLS (centersim), the certificate to ippeveprinter, money through the
 * simulated acceptor, prompts into the recording sink. The screen is the
 * headless display; taps go through the screens' own hit test.
 *
 * Covered: a domestic certificate; overseas with two copies and change,
 * the passport's numbers typed and its chip read on the card's reader
 * (passportsim in the card's slot), the page and its seal (verified by an
 * independent verifier) naming the chip's passport, not the one the center
 * has registered; numbers that fail their check digits and numbers the
 * chip refuses ("check the numbers"); a passport that cannot be verified
 * (no CSCA: the domestic certificate instead), a tampered DG1 and an
 * untrusted Document Signer (refused, nothing printed); a wrong PIN, then
 * the right one; a walk-away in every state
 * (nothing held afterwards, the card reset); a print failure after payment,
 * refunded; a refund the acceptor cannot make (refund receipt printed);
 * the center down (a clear screen, no money asked); a blocked card; a card
 * pulled while reading; bad scripts refused before anything runs; the
 * terms of use: no APDU before "agree", "do not agree" ends the visit, a
 * terms change at the center mid-visit; a name with a character IPAex
 * lacks (issued, from the fallback font) and one with a 外字 no font has
 * (stopped before the center is asked); free of charge (a fee of 0: no
 * payment step); the refusals a resident answers (no-record: another
 * municipality) and
 * municipality-not-participating (the list fetched again at once); the
 * refund-owed report's copies. The printer is reached over ipps
 * with its certificate pinned (KOFU_TEST_PRINTER=ipp: plain ipp on a
 * private link).
 */
#include "tests/harness.h"
#include "tests/lib/files.h"
#include "tests/lib/testprint.h"
#include "tests/printer/printer_harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static struct harness h;
static struct printer_peer printer;
static char conf_path[400], prompts_log[400], script_path[400];
static char out[1 << 17], err[1 << 17];
static const char *const center_args[] = {"--hours", "00:00-24:00", NULL};

/* Short time-outs so that walking away takes seconds, not minutes; more
 * key = value lines (later ones win) in `more`. */
static void write_config_with(const char *more)
{
    char extra[1024];
    snprintf(extra, sizeof extra,
             "print_timeout_ms = 20000\n"
             "inactivity_warn_ms = 1500\n"
             "inactivity_cancel_ms = 1000\n"
             "reminder_ms = 500\n"
             "left_behind_ms = 2000\n"
             "notice_ms = 1500\n"
             "wait_warn_ms = 5000\n"
             "wait_timeout_ms = 30000\n"
             "%s",
             more);
    assert_int_equal(harness_kiosk_config(&h, conf_path, printer.kiosk_uri, prompts_log, extra), 0);
}

static void write_config(void) { write_config_with(""); }

static int group_setup(void **state)
{
    (void)state;
    /* ipps:// with the printer pinned, as on a kiosk; KOFU_TEST_PRINTER=ipp
     * runs the same sessions over a private plain link. */
    if (printer_peer_start_kiosk_peers_mode(&h, &printer, printer_peer_mode_from_env()) != 0)
        return -1;
    snprintf(conf_path, sizeof conf_path, "%s/kofu.conf", h.dir);
    snprintf(prompts_log, sizeof prompts_log, "%s/prompts.log", h.dir);
    snprintf(script_path, sizeof script_path, "%s/session.script", h.dir);
    /* A resident one wrong PIN away from a blocked card. */
    char path[400];
    snprintf(path, sizeof path, "%s/lasttry.json", h.dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("{\"my_number\":\"123456789018\",\"name\":\"山田　太郎\",\"address\":\"東京都千代田区千代田１－１\","
          "\"birth_date\":\"19800217\",\"sex\":\"1\",\"pin\":\"1234\",\"pin_tries_left\":1,\"pin_max_tries\":3}\n",
          f);
    fclose(f);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    printer_peer_stop(&printer);
    harness_stop(&h);
    return 0;
}

/* The resident's passport, for a script to place on the card's reader once
 * the card is off it (`passport insert`): passportsim in the card's slot
 * with its chip out of the field, its control socket the kiosk's
 * sim_passportsim_control; the test CSCAs trusted (passport_csca), or,
 * with_trust false, none (the built-in path, absent here). */
static void passport_ready(const char *holder, bool with_trust)
{
    assert_int_equal(harness_swap_to_passport(&h, holder, "pace", NULL), 0);
    assert_int_equal(harness_passport(&h, "remove", NULL, 0), 0);
    assert_int_equal(harness_wait_card(&h, false, 10000), 0);
    char more[1000];
    int n = snprintf(more, sizeof more, "sim_passportsim_control = %s\n", h.passport_control);
    if (with_trust)
        snprintf(more + n, sizeof more - (size_t)n, "passport_csca = %s/csca\n", harness_path(1, "pki"));
    write_config_with(more);
}

/* The passport's numbers for tests/passportsim/holders/yamada.json
 * (TZ1234567, expiry 310331), each with its check digit, typed; the chip
 * placed, read and taken back. */
#define PASSPORT_YAMADA \
    "wait passport-numbers\n" \
    "mrz TZ1234567 6 310331 5\n" \
    "tap ok\n" \
    "wait passport-place\n" \
    "passport insert\n" \
    "wait passport-reading\n" \
    "wait take-passport\n" \
    "passport remove\n"

/* The same holder's renewed passport (holders/yamada-renewed.json:
 * TZ7100526, expiry 360930), not the TZ1234567 the center has registered. */
#define PASSPORT_RENEWED \
    "wait passport-numbers\n" \
    "mrz TZ7100526 9 360930 1\n" \
    "tap ok\n" \
    "wait passport-place\n" \
    "passport insert\n" \
    "wait passport-reading\n" \
    "wait take-passport\n" \
    "passport remove\n"

/* Every test starts with the card out, a clean center, a ready printer. */
static int fresh(void **state)
{
    (void)state;
    if (harness_fresh_visit(&h, center_args, "tests/cardsim/residents/yamada.json") != 0)
        return -1;
    unlink(prompts_log);
    write_config();
    return 0;
}

/* Documents the printer received (job-N.pdf; each also has a job-N.env). */
static int received_jobs(void) { return printer_peer_received_pdfs(&printer); }

/* Runs the script; returns kofu's exit status. */
static int run_script(const char *script)
{
    FILE *f = fopen(script_path, "w");
    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    const char *argv[] = {harness_path(6, "kofu-sim"), "run", "--board", "sim", "--config", conf_path,
                          "--script", script_path, NULL};
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "kofu run exited %d\nstdout:\n%s\nstderr:\n%s\n", rc, out, err);
    return rc;
}

/* The prompts played, in order, as the recording sink logged them. */
static int prompt_index(const char *line)
{
    FILE *f = fopen(prompts_log, "r");
    if (!f)
        return -1;
    char buf[200];
    int i = 0, found = -1;
    while (found < 0 && fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = '\0';
        if (!strcmp(buf, line))
            found = i;
        i++;
    }
    fclose(f);
    return found;
}

/* The service and the terms of use, agreed (then the card is checked). */
#define AGREE_TERMS \
    "wait service\n" \
    "tap service\n" \
    "wait terms\n" \
    "tap agree\n"
/* The first part of every visit: card in, service, terms, PIN. */
#define START_VISIT \
    "wait idle\n" \
    "card insert\n" \
    AGREE_TERMS \
    "wait pin\n"
/* On to the municipality: the right PIN, the card taken back. */
#define TO_MUNICIPALITY \
    START_VISIT \
    "pin 1234\n" \
    "tap enter\n" \
    "wait take-card\n" \
    "card remove\n" \
    "wait municipality\n"
/* On to the confirmation: the preselected municipality, domestic, 1 copy. */
#define TO_CONFIRM \
    TO_MUNICIPALITY \
    "tap ok\n" \
    "wait kind-copies\n" \
    "tap ok\n" \
    "wait confirm\n"
/* On to the payment. */
#define TO_PAYMENT \
    TO_CONFIRM \
    "tap ok\n" \
    "wait payment\n"

static void test_domestic_certificate(void **state)
{
    (void)state;
    int jobs = received_jobs();
    assert_int_equal(run_script(START_VISIT
                                "pin 1234\n"
                                "tap enter\n"
                                "wait take-card\n"
                                "expect-prompt take-card\n"
                                "card remove\n"
                                "wait municipality\n"
                                "tap ok\n" /* preselected from the card's address */
                                "wait kind-copies\n"
                                "tap domestic\n"
                                "tap ok\n"
                                "wait confirm\n"
                                "tap ok\n"
                                "wait payment\n"
                                "coin 100\n"
                                "coin 50\n"
                                "wait take-certificate\n"
                                "expect-money inserted=150 kept=120 change=30 refunded=0\n"
                                "expect-prompt take-certificate\n"
                                "take-certificate\n"
                                "wait idle\n"
                                "expect-clean\n"
                                "expect-card-reset\n"),
                     0);
    assert_non_null(strstr(out, "printed=1 refunds=0 receipts=0"));
    assert_int_equal(received_jobs(), jobs + 1);
    /* Voice guidance in order, in Japanese (the default language). */
    int w = prompt_index("ja card-placed"), p = prompt_index("ja pin-enter"), t = prompt_index("ja take-certificate");
    if (!(w >= 0 && p > w && t > p)) {
        char cmd[500];
        snprintf(cmd, sizeof cmd, "cat %s >&2", prompts_log);
        if (system(cmd) != 0)
            fprintf(stderr, "(no prompt log)\n");
    }
    assert_true(w >= 0 && p > w && t > p);
    /* The log never names the resident. */
    assert_null(strstr(err, "山田"));
    assert_null(strstr(out, "山田"));
    assert_null(strstr(err, "1234"));
}

/* A USB printer behind a local cupsd (README: printer_uri QUEUE@SOCKET): the
 * kiosk takes the queue mode from printer_uri, prints through the queue, and
 * cupsd keeps nothing of the job afterwards. Before, `kofu run` opened every
 * printer_uri as a direct IPP URI and refused a queue at start. */
static void test_certificate_through_cups_queue(void **state)
{
    (void)state;
    if (printer.cupsd <= 0)
        assert_int_equal(printer_peer_start_cupsd(&printer, "kofu"), 0);
    char queue[sizeof printer.queue + sizeof printer.cups_socket + 1];
    snprintf(queue, sizeof queue, "%s@%s", printer.queue, printer.cups_socket);
    assert_int_equal(harness_kiosk_config(&h, conf_path, queue, prompts_log,
                                          "inactivity_warn_ms = 30000\n"),
                     0);
    int jobs = received_jobs();
    assert_int_equal(run_script(TO_PAYMENT
                                "coin 100\n"
                                "coin 50\n"
                                "wait take-certificate\n"
                                "take-certificate\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    assert_non_null(strstr(out, "printed=1 refunds=0 receipts=0"));
    /* cupsd handed the document on to the printer, and forgot the job. */
    for (int i = 0; i < 100 && received_jobs() < jobs + 1; i++)
        usleep(50 * 1000);
    assert_int_equal(received_jobs(), jobs + 1);
    assert_int_equal(printer_peer_cups_jobs(&printer), 0);
}

static void last_received_text(char *buf, size_t cap);
static int newest_job(void);

/* The printed seal, checked by a verifier that is not kofu's
 * (tests/centersim/verify_shc.py) under the test CSCA; its pid names the
 * passport number and the name (pid.i, pid.n) given. */
static void verify_printed_seal(const char *seal, const char *number, const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/printed-seal.json", h.dir);
    assert_true(kt_write_file(path, seal, strlen(seal)));
    const char *verify[] = {"/usr/bin/python3", "tests/centersim/verify_shc.py", "--vds", path, "--csca",
                            harness_path(0, "pki/csca.pem"), NULL};
    int rc = harness_run(verify, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "verifier: %s\n%s\n", out, err);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "vds-nc ok: "));
    const char *pid[] = {"/usr/bin/python3", "-c",
                         "import json,sys; p=json.load(open(sys.argv[1]))['data']['msg']['pid']; "
                         "print(p['i']); print(p['n'])",
                         path, NULL};
    assert_int_equal(harness_run(pid, NULL, out, sizeof out, err, sizeof err), 0);
    char want[200];
    snprintf(want, sizeof want, "%s\n%s\n", number, name);
    assert_string_equal(out, want);
}

/* Overseas, two copies, in English, with a renewed passport: the page and
 * its seal carry the chip's name, nationality and number, never the
 * passport the center has registered for the resident (TZ1234567). */
static void test_overseas_two_copies_english(void **state)
{
    (void)state;
    passport_ready("tests/passportsim/holders/yamada-renewed.json", true);
    int jobs = received_jobs();
    assert_int_equal(run_script("wait idle\n"
                                "tap language\n"
                                "card insert\n"
                                AGREE_TERMS
                                "wait pin\n"
                                "pin 1234\n"
                                "tap enter\n"
                                "wait take-card\n"
                                "card remove\n"
                                "wait municipality\n"
                                "tap municipality-131016\n"
                                "tap ok\n"
                                "wait kind-copies\n"
                                "tap overseas\n"
                                "tap plus\n"
                                "tap ok\n"
                                PASSPORT_RENEWED
                                "expect-prompt passport-numbers\n"
                                "expect-prompt passport-place\n"
                                "expect-prompt take-passport\n"
                                "wait confirm\n"
                                "expect-prompt confirm\n"
                                "tap ok\n"
                                "wait payment\n"
                                "note 1000\n"
                                "wait take-certificate\n"
                                "expect-money inserted=1000 kept=240 change=760 refunded=0\n"
                                "take-certificate\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    assert_non_null(strstr(out, "printed=2"));
    assert_int_equal(received_jobs(), jobs + 1); /* one job, two copies */
    assert_true(prompt_index("en pin-enter") >= 0);
    assert_true(prompt_index("ja pin-enter") < 0);
    assert_true(prompt_index("en passport-reading") >= 0);
    /* The page: the chip's name, nationality and number. */
    static char text[1 << 16];
    last_received_text(text, sizeof text);
    assert_non_null(strstr(text, "YAMADA TARO"));
    assert_non_null(strstr(text, "日本 / Japan"));
    assert_non_null(strstr(text, "TZ7100526"));
    assert_null(strstr(text, "TZ1234567"));
    /* The seal, read back from the paper and verified independently. */
    char pdf[700], base[400], png[420];
    snprintf(pdf, sizeof pdf, "%s/job-%d.pdf", printer.received, newest_job());
    snprintf(base, sizeof base, "%s/overseas", h.dir);
    snprintf(png, sizeof png, "%s-1.png", base);
    assert_true(kt_pdf_to_pngs(pdf, 200, base));
    size_t len = 0;
    int n = 0;
    char *codes = kt_zbar_codes(png, &len, &n), *shc = NULL, *seal = NULL;
    assert_non_null(codes);
    assert_int_equal(n, 2);
    assert_true(kt_split_sample_codes(codes, len, &shc, &seal));
    verify_printed_seal(seal, "TZ7100526", "YAMADA TARO");
    free(codes);
    free(shc);
    free(seal);
}

/* Numbers whose check digit is wrong never reach the chip; numbers with
 * good check digits that are not the passport's (another expiry) are
 * refused by the chip: "check the numbers" each time, then the right ones
 * open it without the passport being lifted. */
static void test_passport_check_the_numbers(void **state)
{
    (void)state;
    passport_ready("tests/passportsim/holders/yamada.json", true);
    assert_int_equal(run_script(TO_MUNICIPALITY
                                "tap ok\n"
                                "wait kind-copies\n"
                                "tap overseas\n"
                                "tap ok\n"
                                "wait passport-numbers\n"
                                "mrz TZ1234567 7 310331 5\n" /* the number's check digit is 6 */
                                "tap ok\n"
                                "wait passport-check\n"
                                "expect-prompt error-mrz-format\n"
                                "passport insert\n"
                                "tap ok\n"
                                "wait passport-numbers\n"
                                "tap back\n" /* the numbers dropped: typed again */
                                "wait kind-copies\n"
                                "tap ok\n"
                                "wait passport-numbers\n"
                                "mrz TZ1234567 6 300331 2\n" /* well formed, not this passport's */
                                "tap ok\n"
                                "wait passport-reading\n"
                                "wait passport-check\n"
                                "expect-prompt error-passport-keys\n"
                                "tap ok\n"
                                "wait passport-numbers\n"
                                "tap back\n"
                                "wait kind-copies\n"
                                "tap ok\n"
                                "wait passport-numbers\n"
                                "mrz TZ1234567 6 310331 5\n"
                                "tap ok\n"
                                "wait take-passport\n" /* read where it lay */
                                "passport remove\n"
                                "wait confirm\n"
                                "tap cancel\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    /* The chip was opened in the end. */
    char reply[200];
    assert_int_equal(harness_passport(&h, "status", reply, sizeof reply), 0);
    assert_null(strstr(reply, "access=none"));
}

static void test_wrong_pin_then_right(void **state)
{
    (void)state;
    assert_int_equal(run_script(START_VISIT
                                "pin 9999\n"
                                "tap enter\n"
                                "wait pin\n"
                                "expect-prompt pin-tries-left-2\n"
                                "pin 1234\n"
                                "tap enter\n"
                                "wait take-card\n"
                                "card remove\n"
                                "wait municipality\n"
                                "tap cancel\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    char reply[200];
    assert_int_equal(harness_card(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "tries=3")); /* the right PIN reset the counter */
}

/* The card of a synthetic resident (tests/cardsim/residents/), out of the
 * reader, for START_VISIT to insert. */
static void use_card(const char *resident)
{
    assert_int_equal(harness_load(&h, resident), 0);
    assert_int_equal(harness_card(&h, "remove", NULL, 0), 0);
    assert_int_equal(harness_wait_card(&h, false, 5000), 0);
}

/* The text of the newest document the printer received, in content-stream
 * order (pdftotext -raw), into buf. */
/* The id of the newest document the printer received (job-N.pdf). */
static int newest_job(void)
{
    char names[1 << 14];
    assert_true(printer_peer_list_dir(printer.received, NULL, names, sizeof names) > 0);
    int newest = -1;
    for (const char *p = strstr(names, "job-"); p; p = strstr(p + 4, "job-")) {
        int id = atoi(p + 4);
        if (strstr(p, ".pdf") == p + 4 + strspn(p + 4, "0123456789") && id > newest)
            newest = id;
    }
    assert_true(newest >= 0);
    return newest;
}

static void last_received_text(char *buf, size_t cap)
{
    char path[700];
    snprintf(path, sizeof path, "%s/job-%d.pdf", printer.received, newest_job());
    const char *argv[] = {"/usr/bin/pdftotext", "-raw", "-enc", "UTF-8", path, "-", NULL};
    assert_int_equal(harness_run(argv, NULL, buf, cap, err, sizeof err), 0);
}

/* 髙橋　𠮷子: 𠮷 (U+20BB7) is not in IPAex; the certificate draws it from
 * the fallback font and the visit ends printed. */
static void test_name_outside_ipaex_issued(void **state)
{
    (void)state;
    use_card("tests/cardsim/residents/takahashi.json");
    int jobs = received_jobs();
    assert_int_equal(run_script(TO_PAYMENT
                                "coin 100\n"
                                "coin 50\n"
                                "wait take-certificate\n"
                                "take-certificate\n"
                                "wait idle\n"
                                "expect-clean\n"
                                "expect-card-reset\n"),
                     0);
    assert_non_null(strstr(out, "printed=1"));
    assert_int_equal(received_jobs(), jobs + 1);
    static char text[1 << 16];
    last_received_text(text, sizeof text);
    assert_non_null(strstr(text, "髙橋 𠮷子"));
    assert_null(strstr(err, "髙橋"));
    assert_null(strstr(out, "髙橋"));
}

/* A private-use 外字 in the name, which no font has: the visit ends right
 * after the card is read, with the unprintable error; the center is never
 * asked for a certificate (it has this resident's record and would issue). */
static void test_unprintable_name_stops_before_center(void **state)
{
    (void)state;
    use_card("tests/cardsim/residents/gaiji.json");
    int jobs = received_jobs();
    assert_int_equal(run_script(START_VISIT
                                "pin 1234\n"
                                "tap enter\n"
                                "wait error\n"
                                "expect-prompt error-document-unprintable\n"
                                "card remove\n"
                                "wait idle\n"
                                "expect-clean\n"
                                "expect-card-reset\n"),
                     0);
    char reply[200];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    /* Only the kiosk's configuration fetch: no certificate, no report. */
    if (!strstr(reply, "requests=1 issued=0 completions=0"))
        fail_msg("centersim saw more than the configuration fetch: %s", reply);
    assert_int_equal(received_jobs(), jobs);
    assert_non_null(strstr(out, "printed=0"));
}

static void test_blocked_card_and_last_try(void **state)
{
    (void)state;
    char script[2048];
    snprintf(script, sizeof script,
             "wait idle\n"
             "card load %s/lasttry.json\n"
             AGREE_TERMS
             "wait pin-last-try\n"
             "expect-prompt pin-last-try\n"
             "tap yes\n"
             "wait pin\n"
             "pin 0000\n"
             "tap enter\n"
             "wait error\n"
             "expect-prompt error-pin-blocked\n"
             "card remove\n"
             "wait idle\n"
             "expect-clean\n"
             "card insert\n" /* a blocked card is explained once the terms are agreed */
             "wait service\n"
             "expect-card-untouched\n"
             "tap service\n"
             "wait terms\n"
             "tap agree\n"
             "wait error\n"
             "card remove\n"
             "wait idle\n",
             h.dir);
    assert_int_equal(run_script(script), 0);
    assert_true(prompt_index("ja error-pin-blocked") >= 0);
}

/* Walk away from every state a resident can leave the kiosk in: a warning
 * first, then the visit ends, the card is reset and nothing is held. */
static void test_walk_away_every_state(void **state)
{
    (void)state;
    char script[8192];
    snprintf(script, sizeof script,
             "wait idle\n"
             "say service\n"
             "card insert\n"
             "wait service\n"
             "wait timeout-warning 5\n"
             "wait take-card 5\n"
             "expect-card-reset\n"
             "expect-clean\n"
             "card remove\n"
             "wait idle\n"

             "say terms\n"
             "card insert\n"
             "wait service\n"
             "tap service\n"
             "wait terms\n"
             "wait timeout-warning 5\n"
             "wait take-card 5\n"
             "expect-card-reset\n"
             "expect-clean\n"
             "expect-card-untouched\n"
             "card remove\n"
             "wait idle\n"

             "say pin\n"
             "card insert\n"
             AGREE_TERMS
             "wait pin\n"
             "pin 12\n"
             "wait timeout-warning 5\n"
             "wait take-card 5\n"
             "expect-card-reset\n"
             "expect-clean\n"
             "card remove\n"
             "wait idle\n"

             "say take-card\n"
             "card insert\n"
             AGREE_TERMS
             "wait pin\n"
             "pin 1234\n"
             "tap enter\n"
             "wait take-card\n"
             "wait idle 10\n" /* left on the reader: reminders, then the visit ends */
             "expect-prompt remind-take-card\n"
             "expect-clean\n"
             "expect-card-reset\n"
             "card remove\n"

             "say municipality\n"
             TO_MUNICIPALITY
             "wait timeout-warning 5\n"
             "wait idle 5\n"
             "expect-clean\n"

             "say kind-copies\n"
             TO_MUNICIPALITY
             "tap ok\n"
             "wait kind-copies\n"
             "wait timeout-warning 5\n"
             "wait idle 5\n"
             "expect-clean\n"

             "say confirm\n"
             TO_CONFIRM
             "wait timeout-warning 5\n"
             "wait idle 5\n"
             "expect-clean\n"
             "expect-money inserted=0 kept=0 refunded=0\n"

             "say payment\n"
             TO_PAYMENT
             "coin 100\n"
             "wait timeout-warning 5\n"
             "wait refunded 5\n"
             "expect-money inserted=100 kept=0 refunded=100\n"
             "wait idle 5\n"
             "expect-clean\n"

             "say take-certificate\n"
             TO_PAYMENT
             "coin 100\n"
             "coin 10\n"
             "coin 10\n"
             "wait take-certificate\n"
             "wait idle 10\n"
             "expect-prompt remind-take-certificate\n"
             "expect-clean\n"
             "expect-money inserted=220 kept=120 change=0 refunded=100\n"

             "say pin-last-try\n"
             "card load %s/lasttry.json\n"
             AGREE_TERMS
             "wait pin-last-try\n"
             "wait timeout-warning 5\n"
             "wait take-card 5\n"
             "expect-card-reset\n"
             "expect-clean\n"
             "card remove\n"
             "wait idle\n",
             h.dir);
    assert_int_equal(run_script(script), 0);
    assert_non_null(strstr(out, "printed=1"));
}

static void test_print_failure_after_payment_refunded(void **state)
{
    (void)state;
    /* The printer takes the job, then aborts it. */
    assert_int_equal(printer_peer_next_job(&printer, "exit 1\n"), 0);
    assert_int_equal(run_script(TO_PAYMENT
                                "coin 500\n"
                                "wait refunded\n"
                                "expect-prompt refunded\n"
                                "expect-money inserted=500 kept=0 change=0 refunded=500\n"
                                "tap ok\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    assert_non_null(strstr(out, "printed=0 refunds=1 receipts=0"));
}

static void test_refund_fails_receipt_printed(void **state)
{
    (void)state;
    int jobs = received_jobs();
    assert_int_equal(printer_peer_next_job(&printer, "exit 1\n"), 0);
    assert_int_equal(run_script(TO_PAYMENT
                                "payment-fault refund-fails\n"
                                "coin 100\n"
                                "coin 10\n"
                                "coin 10\n"
                                "wait refund-receipt\n"
                                "expect-prompt refund-receipt\n"
                                "tap ok\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    assert_non_null(strstr(out, "printed=0 refunds=0 receipts=1"));
    /* The aborted certificate job, then the receipt. */
    assert_int_equal(received_jobs(), jobs + 2);
    /* The center was told what is owed (refund-owed, 120 yen). */
    char reply[200];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "completions=1"));
}

/* Printed, but the acceptor cannot give the change: the certificate is
 * the resident's, a receipt owes the change, the center hears both. */
static void test_change_fails_receipt_printed(void **state)
{
    (void)state;
    int jobs = received_jobs();
    assert_int_equal(run_script(TO_PAYMENT
                                "payment-fault change-fails\n"
                                "coin 500\n"
                                "wait take-certificate\n"
                                "take-certificate\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    assert_non_null(strstr(out, "printed=1 refunds=0 receipts=1"));
    assert_int_equal(received_jobs(), jobs + 2); /* the certificate, then the receipt */
    char reply[200];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "completions=2")); /* printed, refund-owed */
    /* The refund-owed names the copy printed (copies_printed), and the change. */
    assert_int_equal(harness_center(&h, "completions", reply, sizeof reply), 0);
    if (strcmp(reply, "ok printed:1:120:id refund-owed:1:380:id") != 0)
        fail_msg("centersim's completions: %s", reply);
}

static void test_center_down_no_money_taken(void **state)
{
    (void)state;
    assert_int_equal(run_script(TO_MUNICIPALITY
                                "tap ok\n"
                                "wait kind-copies\n"
                                "center quit\n" /* the center goes away */
                                "tap ok\n"
                                "wait error\n"
                                "expect-prompt error-center-unreachable\n"
                                "expect-money inserted=0 kept=0 refunded=0\n"
                                "expect-no-prompt payment\n"
                                "tap ok\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    harness_stop_centersim(&h);
}

/* A slow center: the waiting screen stays alive and, past wait_warn_ms,
 * says that it takes longer than usual; then the visit goes on. */
static void test_slow_center_please_wait(void **state)
{
    (void)state;
    write_config_with("wait_warn_ms = 700\n");
    assert_int_equal(run_script(TO_MUNICIPALITY
                                "tap ok\n"
                                "wait kind-copies\n"
                                "center fault latency=2000\n"
                                "tap ok\n"
                                "wait confirm 10\n"
                                "expect-prompt please-wait\n"
                                "center clear\n"
                                "tap cancel\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    assert_true(prompt_index("ja requesting") < prompt_index("ja please-wait"));
    assert_true(prompt_index("ja please-wait") < prompt_index("ja confirm"));
}

/* systemd's notification socket, played by the test: bound at
 * h.dir/notify.sock (its path into sock). */
static int notify_bind(char *sock, size_t cap)
{
    assert_true((size_t)snprintf(sock, cap, "%s/notify.sock", h.dir) < cap);
    unlink(sock);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, sock, strlen(sock) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* `kofu-sim run` with `script` under a 200 ms watchdog on sock. */
static pid_t spawn_watched(const char *sock, const char *script)
{
    FILE *f = fopen(script_path, "w");
    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        setenv("NOTIFY_SOCKET", sock, 1);
        setenv("WATCHDOG_USEC", "200000", 1);
        const char *argv[] = {harness_path(6, "kofu-sim"), "run", "--board", "sim", "--config", conf_path,
                              "--script", script_path, NULL};
        harness_exec(argv, false);
    }
    return pid;
}

/* Under systemd: READY=1 at the attract screen, WATCHDOG=1 while healthy;
 * a card that stops answering (a hung device call) stops the feeding once
 * the session's wait_timeout has passed, so that the service manager
 * restarts kofu. Here the test plays systemd's notification socket, and
 * pulls the card after seeing the feeding stop (which ends the call). */
static void test_watchdog_stops_on_hung_device(void **state)
{
    (void)state;
    write_config_with("wait_warn_ms = 300\nwait_timeout_ms = 1000\n");
    char sock[100];
    int fd = notify_bind(sock, sizeof sock);
    pid_t pid = spawn_watched(sock, "wait idle\n"
                                    "card fault mute\n"
                                    "card insert\n"
                                    AGREE_TERMS /* the first APDU, which the mute card never answers */
                                    "wait error 30\n"
                                    "card clear\n"
                                    "wait idle 10\n"
                                    "quit\n");
    /* READY, then regular feeding; then a gap once the mute card's check
     * has outlived wait_timeout. */
    bool ready = false;
    int fed = 0;
    double last_feed = 0, gap = 0;
    double start = harness_now_ms();
    while (harness_now_ms() - start < 20000 && gap < 1500) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) == 1) {
            char msg[64];
            ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
            msg[n > 0 ? n : 0] = '\0';
            ready = ready || !strcmp(msg, "READY=1");
            if (!strcmp(msg, "WATCHDOG=1")) {
                fed++;
                last_feed = harness_now_ms();
            }
        }
        if (fed > 0)
            gap = harness_now_ms() - last_feed;
    }
    assert_true(ready);
    assert_true(fed >= 3);
    assert_true(gap >= 1500); /* the feeding stopped */
    /* Pull the card: the call returns, the visit ends with an error, and
     * the feeding resumes. */
    char reply[200];
    assert_int_equal(harness_card(&h, "remove", reply, sizeof reply), 0);
    int status = -1;
    for (int i = 0; i < 300 && waitpid(pid, &status, WNOHANG) != pid; i++) {
        char msg[64];
        while (recv(fd, msg, sizeof msg, MSG_DONTWAIT) > 0)
            ;
        usleep(50 * 1000);
    }
    close(fd);
    unlink(sock);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* The change paid out slowly (the sim's change-slow: 2.5 s, as a real
 * hopper's payout) is a device call like the others: the watchdog is fed
 * all along (every 100 ms here; a payout on the main thread leaves a 2.5 s
 * gap), and the visit ends with the change given. */
static void test_watchdog_fed_during_slow_change(void **state)
{
    (void)state;
    char sock[100];
    int fd = notify_bind(sock, sizeof sock);
    pid_t pid = spawn_watched(sock, TO_PAYMENT
                              "payment-fault change-slow\n"
                              "coin 500\n"
                              "wait take-certificate\n"
                              "take-certificate\n"
                              "wait idle\n"
                              "expect-money inserted=500 kept=120 change=380 refunded=0\n"
                              "quit\n");
    bool ready = false;
    int fed = 0, status = -1;
    double last_feed = 0, max_gap = 0, start = harness_now_ms();
    while (harness_now_ms() - start < 60000 && waitpid(pid, &status, WNOHANG) != pid) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) != 1)
            continue;
        char msg[64];
        ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
        msg[n > 0 ? n : 0] = '\0';
        ready = ready || !strcmp(msg, "READY=1");
        /* From the attract screen on (the rendering's warm-up comes before). */
        if (ready && !strcmp(msg, "WATCHDOG=1")) {
            double now = harness_now_ms();
            if (fed++ && now - last_feed > max_gap)
                max_gap = now - last_feed;
            last_feed = now;
        }
    }
    close(fd);
    unlink(sock);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    fprintf(stderr, "fed %d times, at most %.0f ms apart\n", fed, max_gap);
    assert_true(max_gap < 1500);
    assert_true(fed >= 10);
}

/* No center at start: the kiosk shows that it is out of service (it does
 * not stay dark while it keeps trying), explains a card placed meanwhile,
 * and serves nobody. */
static void test_center_absent_at_start(void **state)
{
    (void)state;
    harness_stop_centersim(&h);
    assert_int_equal(run_script("wait closed 5\n"
                                "card insert\n"
                                "wait error\n"
                                "expect-prompt error-config\n"
                                "card remove\n"
                                "wait closed 5\n"
                                "expect-money inserted=0\n"
                                "expect-clean\n"),
                     0);
    assert_non_null(strstr(out, "printed=0 refunds=0 receipts=0"));
}

static void test_card_pulled_while_reading(void **state)
{
    (void)state;
    /* The card goes three APDUs into the read (the kiosk's loop is busy
     * reading, so the card pulls itself: cardsim's remove-after). */
    assert_int_equal(run_script(START_VISIT
                                "card fault remove-after=3\n"
                                "pin 1234\n"
                                "tap enter\n"
                                "wait error\n"
                                "expect-prompt error-card-removed\n"
                                "wait idle\n"
                                "expect-clean\n"
                                "card clear\n"),
                     0);
}


/* Consent before reading: while the card lies on the reader through the
 * service and the terms (scrolled, read in both languages, for a while),
 * cardsim receives no APDU; the first comes after "agree". The check is
 * shown catching APDUs once. */
static void test_no_apdu_before_agree(void **state)
{
    (void)state;
    assert_int_equal(run_script("wait idle\n"
                                "card insert\n"
                                "wait service\n"
                                "expect-card-untouched\n"
                                "tap service\n"
                                "wait terms\n"
                                "expect-prompt terms\n"
                                "tap terms-down\n"
                                "tap terms-up\n"
                                "tap language\n"
                                "wait terms\n"
                                "expect-prompt en/terms\n"
                                "tap terms-down\n"
                                "sleep 1\n"
                                "expect-card-untouched\n"
                                "tap agree\n"
                                "wait pin\n"
                                "tap cancel\n"
                                "wait take-card\n"
                                "card remove\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    /* After agree the kiosk spoke to the card (AP selected, PIN counter read). */
    assert_int_equal(run_script("wait idle\n"
                                "card insert\n"
                                AGREE_TERMS
                                "wait pin\n"
                                "expect-card-untouched\n"),
                     1);
    assert_non_null(strstr(err, "C-APDUs sent to the card since it was placed"));
    /* No scrolling up from the first page. */
    assert_int_equal(run_script("wait idle\ncard insert\nwait service\ntap service\nwait terms\ntap terms-up\n"), 1);
    assert_non_null(strstr(err, "no such target on this screen: terms-up"));
}

/* "Do not agree": the visit ends as a cancel does (the card asked back and
 * reset, nothing held), the card never spoken to, nothing asked of the
 * center but the configuration it fetched at start. */
static void test_disagree_ends_the_visit(void **state)
{
    (void)state;
    assert_int_equal(run_script("wait idle\n"
                                "card insert\n"
                                "wait service\n"
                                "tap service\n"
                                "wait terms\n"
                                "tap disagree\n"
                                "wait take-card\n"
                                "expect-clean\n"
                                "expect-card-reset\n"
                                "expect-card-untouched\n"
                                "card remove\n"
                                "wait idle\n"
                                "expect-clean\n"
                                "expect-no-prompt card-placed\n"
                                "expect-money inserted=0\n"),
                     0);
    assert_non_null(strstr(out, "printed=0 refunds=0 receipts=0"));
    char reply[200];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "requests=1 issued=0 completions=0")); /* /config only */
}

/* The center changes its terms while a resident is on the way: the request
 * carries the version the resident agreed to, the center refuses it (409),
 * the visit ends with words for the resident and nothing charged; the kiosk
 * fetches the new terms at once, and the next resident, who agrees to
 * those, is served. */
static void test_terms_changed_mid_visit(void **state)
{
    (void)state;
    assert_int_equal(run_script(TO_MUNICIPALITY
                                "tap ok\n"
                                "wait kind-copies\n"
                                "center terms 2027-01-15.v2\n"
                                "tap ok\n"
                                "wait error\n"
                                "expect-prompt error-terms-outdated\n"
                                "expect-money inserted=0 kept=0 refunded=0\n"
                                "tap ok\n"
                                "wait idle\n"
                                "expect-clean\n"
                                "sleep 3\n" /* the new configuration is taken between visits */
                                TO_CONFIRM
                                "tap cancel\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    char reply[200];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "issued=1"));
}

static void test_bad_scripts_refused(void **state)
{
    (void)state;
    assert_int_equal(run_script("wait idle\nfly away\n"), 2);
    assert_non_null(strstr(err, ":2: unknown command"));
    assert_int_equal(run_script("wait nowhere\n"), 2);
    assert_non_null(strstr(err, "unknown screen name"));
    assert_int_equal(run_script("pin 12a4\n"), 2);
    assert_int_equal(run_script("coin lots\n"), 2);
    /* A step that cannot happen fails the run with its line. */
    assert_int_equal(run_script("wait idle\ntap service\n"), 1);
    assert_non_null(strstr(err, "script line 2: no such target"));
    /* Scripts drive the sim board only. */
    const char *argv[] = {harness_path(6, "kofu-sim"), "run", "--board", "kiosk", "--config", conf_path,
                          "--script", script_path, NULL};
    assert_int_equal(harness_run(argv, NULL, out, sizeof out, err, sizeof err), 2);
}

/* ---- free of charge, and the refusals a resident can answer ---------- */

/* The center runs on a copy of its fixture with fee_per_copy_yen 0. */
static int fresh_free(void **state)
{
    char fixture[400], line[4096];
    snprintf(fixture, sizeof fixture, "%s/center-free.json", h.dir);
    FILE *in = fopen("tests/centersim/fixtures/center.json", "r"), *o = fopen(fixture, "w");
    int changed = 0;
    while (in && o && fgets(line, sizeof line, in)) {
        char *fee = strstr(line, "\"fee_per_copy_yen\":");
        if (fee) {
            snprintf(fee, sizeof line - (size_t)(fee - line), "\"fee_per_copy_yen\": 0,\n");
            changed++;
        }
        fputs(line, o);
    }
    if (in)
        fclose(in);
    if (!o || fclose(o) != 0 || changed != 1)
        return -1;
    const char *const args[] = {"--hours", "00:00-24:00", "--fixture", fixture, NULL};
    harness_stop_centersim(&h);
    if (harness_start_centersim(&h, args) != 0)
        return -1;
    return fresh(state);
}

/* The next test's fresh() starts the usual center again. */
static int stop_center(void **state)
{
    (void)state;
    harness_stop_centersim(&h);
    return 0;
}

/* fee_per_copy_yen 0: no payment step at all (no prompt, the acceptor never
 * asked), the certificate printed, the center told `printed` with 0 yen. */
static void test_free_of_charge(void **state)
{
    (void)state;
    int jobs = received_jobs();
    assert_int_equal(run_script(TO_CONFIRM
                                "tap ok\n" /* 「印刷する」 */
                                "wait take-certificate\n"
                                "expect-no-prompt payment\n"
                                "expect-money inserted=0 kept=0 change=0 refunded=0\n"
                                "expect-prompt take-certificate\n"
                                "take-certificate\n"
                                "wait idle\n"
                                "expect-clean\n"
                                "expect-card-reset\n"),
                     0);
    assert_non_null(strstr(out, "printed=1 refunds=0 receipts=0"));
    assert_int_equal(received_jobs(), jobs + 1);
    char reply[200];
    assert_int_equal(harness_center(&h, "completions", reply, sizeof reply), 0);
    if (strcmp(reply, "ok printed:1:0:id") != 0)
        fail_msg("centersim's completions: %s", reply);
}

/* no-record: yamada has no record in 131024 中央区. The kiosk goes back to
 * the municipality with the center's words spoken; 131016 then prints. The
 * center hears two requests, each with its own report. */
static void test_no_record_choose_another(void **state)
{
    (void)state;
    int jobs = received_jobs();
    assert_int_equal(run_script(TO_MUNICIPALITY
                                "tap municipality-131024\n"
                                "tap ok\n"
                                "wait kind-copies\n"
                                "tap ok\n"
                                "wait municipality\n"
                                "expect-prompt error-no-record\n"
                                "expect-screen municipality\n"
                                "expect-money inserted=0\n"
                                "tap municipality-131016\n"
                                "tap ok\n"
                                "wait kind-copies\n"
                                "tap ok\n"
                                "wait confirm\n"
                                "tap ok\n"
                                "wait payment\n"
                                "coin 100\n"
                                "coin 10\n"
                                "coin 10\n"
                                "wait take-certificate\n"
                                "take-certificate\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    assert_non_null(strstr(out, "printed=1 refunds=0 receipts=0"));
    assert_int_equal(received_jobs(), jobs + 1);
    char reply[200];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "issued=1 completions=2"));
    assert_int_equal(harness_center(&h, "completions", reply, sizeof reply), 0);
    if (strcmp(reply, "ok failed:0:0:noid printed:1:120:id") != 0)
        fail_msg("centersim's completions: %s", reply);
}

/* A passport the kiosk cannot verify (here: no CSCA configured, which
 * fails every passport closed): the overseas certificate is not offered;
 * the domestic one is. */
static void test_unverified_passport_domestic_instead(void **state)
{
    (void)state;
    passport_ready("tests/passportsim/holders/yamada.json", false);
    int jobs = received_jobs();
    assert_int_equal(run_script(START_VISIT
                                "pin 1234\n"
                                "tap enter\n"
                                "wait take-card\n"
                                "card remove\n"
                                "wait municipality\n"
                                "tap municipality-131016\n"
                                "tap ok\n"
                                "wait kind-copies\n"
                                "tap overseas\n"
                                "tap ok\n"
                                "wait passport-numbers\n"
                                "mrz TZ1234567 6 310331 5\n"
                                "tap ok\n"
                                "wait passport-place\n"
                                "passport insert\n"
                                "wait take-passport\n"
                                "expect-screen take-passport\n"
                                "passport remove\n"
                                "wait kind-copies\n"
                                "expect-prompt error-passport-not-authentic\n"
                                "tap ok\n" /* domestic, already selected */
                                "wait confirm\n"
                                "tap ok\n"
                                "wait payment\n"
                                "coin 100\n"
                                "coin 10\n"
                                "coin 10\n"
                                "wait take-certificate\n"
                                "take-certificate\n"
                                "wait idle\n"
                                "expect-clean\n"),
                     0);
    assert_non_null(strstr(out, "printed=1"));
    assert_int_equal(received_jobs(), jobs + 1);
    char reply[200];
    assert_int_equal(harness_center(&h, "completions", reply, sizeof reply), 0);
    if (strcmp(reply, "ok printed:1:120:id") != 0) /* nothing was asked for overseas */
        fail_msg("centersim's completions: %s", reply);
    /* The domestic certificate was printed (no passport data on it). */
    static char text[1 << 16];
    last_received_text(text, sizeof text);
    assert_null(strstr(text, "Passport"));
}

/* The overseas visit up to the passport's numbers, for the holder of
 * yamada.json. */
#define TO_PASSPORT_NUMBERS \
    TO_MUNICIPALITY \
    "tap municipality-131016\n" \
    "tap ok\n" \
    "wait kind-copies\n" \
    "tap overseas\n" \
    "tap ok\n" \
    "wait passport-numbers\n"

/* A refused passport (the resident is told `prompt`) and a resident who then
 * cancels: nothing printed, nothing asked of the center beyond /config, the
 * vault clean. */
static void refused_passport_then_cancel(const char *numbers, const char *prompt)
{
    int jobs = received_jobs();
    char script[2048];
    snprintf(script, sizeof script,
             TO_PASSPORT_NUMBERS
             "mrz %s\n"
             "tap ok\n"
             "wait passport-place\n"
             "passport insert\n"
             "wait take-passport\n"
             "passport remove\n"
             "wait kind-copies\n"
             "expect-prompt %s\n"
             "tap cancel\n"
             "wait idle\n"
             "expect-clean\n",
             numbers, prompt);
    assert_int_equal(run_script(script), 0);
    assert_non_null(strstr(out, "printed=0"));
    assert_int_equal(received_jobs(), jobs);
    char reply[200];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    if (!strstr(reply, "requests=1 issued=0 completions=0")) /* /config only */
        fail_msg("centersim: %s", reply);
}

/* DG1 changed after the SOD was signed (the MRZ still parses, the chip
 * opens, only the hash tells): not authentic, the overseas certificate is
 * not made. */
static void test_tampered_dg1_refused_nothing_printed(void **state)
{
    (void)state;
    passport_ready("tests/passportsim/holders/yamada.json", true);
    assert_int_equal(harness_passport(&h, "fault tampered-dg1", NULL, 0), 0);
    refused_passport_then_cancel("TZ1234567 6 310331 5", "error-passport-not-authentic");
    char reply[200];
    assert_int_equal(harness_passport(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "access=PACE")); /* it was read, then refused */
}

/* A passport whose EF.SOD is signed by a Document Signer under a CSCA
 * nobody trusts (a well-made forgery): not authentic, nothing printed. */
static void test_untrusted_signer_refused_nothing_printed(void **state)
{
    (void)state;
    passport_ready("tests/passportsim/holders/yamada.json", true);
    assert_int_equal(harness_passport(&h, "fault other-csca", NULL, 0), 0);
    refused_passport_then_cancel("TZ1234567 6 310331 5", "error-passport-not-authentic");
}

/* municipality-not-participating: 131041 leaves the service after the
 * kiosk fetched /config. The visit ends with the center's words; the kiosk
 * fetches /config at once, so that the next resident is not offered 131041
 * (the script's tap on it then finds no such button). */
static void test_not_participating_refreshes_config(void **state)
{
    (void)state;
    int rc = run_script(TO_MUNICIPALITY
                        "center participate 131041 off\n"
                        "tap municipality-131041\n"
                        "tap ok\n"
                        "wait kind-copies\n"
                        "tap ok\n"
                        "wait error\n"
                        "expect-prompt error-municipality-not-participating\n"
                        "expect-money inserted=0\n"
                        "tap ok\n"
                        "wait idle\n"
                        "expect-clean\n"
                        "sleep 3\n" /* the new configuration is taken between visits */
                        TO_MUNICIPALITY
                        "tap municipality-131041\n");
    char reply[200];
    assert_int_equal(harness_center(&h, "participate 131041 on", reply, sizeof reply), 0);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "no such target on this screen: municipality-131041"));
    /* /config at start, the refused request, its report, /config again. */
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    if (!strstr(reply, "requests=4 issued=0 completions=1"))
        fail_msg("centersim: %s", reply);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_domestic_certificate, fresh),
        cmocka_unit_test_setup(test_certificate_through_cups_queue, fresh),
        cmocka_unit_test_setup(test_name_outside_ipaex_issued, fresh),
        cmocka_unit_test_setup(test_unprintable_name_stops_before_center, fresh),
        cmocka_unit_test_setup(test_overseas_two_copies_english, fresh),
        cmocka_unit_test_setup(test_passport_check_the_numbers, fresh),
        cmocka_unit_test_setup(test_wrong_pin_then_right, fresh),
        cmocka_unit_test_setup(test_blocked_card_and_last_try, fresh),
        cmocka_unit_test_setup(test_walk_away_every_state, fresh),
        cmocka_unit_test_setup(test_print_failure_after_payment_refunded, fresh),
        cmocka_unit_test_setup(test_refund_fails_receipt_printed, fresh),
        cmocka_unit_test_setup(test_change_fails_receipt_printed, fresh),
        cmocka_unit_test_setup(test_card_pulled_while_reading, fresh),
        cmocka_unit_test_setup(test_bad_scripts_refused, fresh),
        cmocka_unit_test_setup(test_slow_center_please_wait, fresh),
        cmocka_unit_test_setup(test_watchdog_stops_on_hung_device, fresh),
        cmocka_unit_test_setup(test_watchdog_fed_during_slow_change, fresh),
        cmocka_unit_test_setup(test_center_down_no_money_taken, fresh),
        cmocka_unit_test_setup(test_center_absent_at_start, fresh),
        cmocka_unit_test_setup(test_no_apdu_before_agree, fresh),
        cmocka_unit_test_setup(test_disagree_ends_the_visit, fresh),
        cmocka_unit_test_setup(test_terms_changed_mid_visit, fresh),
        cmocka_unit_test_setup(test_no_record_choose_another, fresh),
        cmocka_unit_test_setup(test_unverified_passport_domestic_instead, fresh),
        cmocka_unit_test_setup(test_tampered_dg1_refused_nothing_printed, fresh),
        cmocka_unit_test_setup(test_untrusted_signer_refused_nothing_printed, fresh),
        cmocka_unit_test_setup(test_not_participating_refreshes_config, fresh),
        cmocka_unit_test_setup_teardown(test_free_of_charge, fresh_free, stop_center),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
