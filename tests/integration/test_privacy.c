/*
 * test_privacy.c — the kiosk keeps nothing of a resident once a visit has
 * ended, looked for as an attacker with the kiosk's memory would.
 *
 * Complete visits of synthetic residents (an overseas + domestic
 * certificate, then a domestic one for another resident) run through the
 * real peers (pcscd + cardsim, centersim over mutual TLS, ippeveprinter);
 * then, with kofu idling at the attract screen, the test reads ALL of
 * kofu's memory — every mapping in /proc/PID/maps through /proc/PID/mem,
 * MADV_DONTDUMP ones and thread stacks included — and every file changed
 * during the run outside the peers' own test-only paths, and looks for each
 * resident's identifiers: the My Number, the name (UTF-8, UTF-16LE/BE,
 * Shift-JIS), the address (same), the birth date in each written form, the
 * PIN as it goes to the card (VERIFY), the romanised name and passport
 * number of the seal (the passport's chip read at the kiosk, its numbers
 * typed on the keypad: also the MRZ_info its keys come from), the SMART Health Card as printed (JWS segments and
 * its shc:/ numeric form, decoded back from the printed page), the VDS-NC
 * seal's signature, and the card files base64-encoded as the request
 * carries them.
 *
 * The scan itself is shown to catch: before the visits end, while the
 * confirmation screen holds the certificate, it finds the JWS.
 */
#include "tests/harness.h"
#include "tests/printer/printer_harness.h"
#include "tests/lib/needles.h"

#include "base/b64.h"
#include "card/kenhojo.h"
#include "base/vault.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* ipps:// with the printer pinned, as on a kiosk; test_privacy_ipp.c
 * builds this file again for plain ipp on a private link. */
#ifndef PRIVACY_PRINTER_MODE
#define PRIVACY_PRINTER_MODE PRINTER_IPPS
#endif

static struct harness h;
static struct printer_peer printer;
static char conf_path[400], prompts_log[400], script_path[400];

/* ---- needles (tests/lib/needles.h) --------------------------------------- */

/* One resident: the card holder file's forms (kt_needles_resident), the
 * card's own files as read through pcscd before kofu runs, and the
 * romanised name and passport number of the seal. */
static void add_resident(const char *resident_file, const char *pin, const char *name_roman, const char *passport)
{
    assert_int_equal(kt_needles_resident(resident_file), 0);
    assert_int_equal(harness_load(&h, resident_file), 0);
    if (!vault_size())
        assert_int_equal(vault_init(4 << 20), 0);
    size_t mark = vault_mark();
    struct kenhojo_card_data *d = harness_read_card(&h, pin, NULL);
    assert_non_null(d);
    /* What the card says must be what the file says: the needles above
     * come from the file. */
    json_t *file = json_load_file(resident_file, 0, NULL);
    assert_non_null(file);
    assert_string_equal(d->my_number, json_string_value(json_object_get(file, "my_number")));
    assert_string_equal(d->attributes.name, json_string_value(json_object_get(file, "name")));
    json_decref(file);
    if (name_roman)
        kt_needle_str("name-roman", name_roman);
    if (passport)
        kt_needle_str("passport-number", passport);
    kt_needle_b64("card-file-0001", d->ef_my_number.bytes, d->ef_my_number.len);
    kt_needle_b64("card-file-0002", d->ef_attributes.bytes, d->ef_attributes.len);
    kt_needle_b64("card-file-0003", d->ef_integrity.bytes, d->ef_integrity.len);
    vault_release(mark);
}

/* The printed codes, decoded back from the pages the printer received. */
static void add_printed_codes(void)
{
    int shc = 0, seal = 0;
    assert_int_equal(kt_needles_printed_codes(printer.received, h.dir, &shc, &seal), 0);
    assert_true(shc >= 2);  /* two residents' certificates */
    assert_true(seal >= 1); /* the overseas one's seal */
}

/* ---- kofu ---------------------------------------------------------------- */

struct kofu_proc {
    pid_t pid;
    int out; /* its stdout */
    char seen[1 << 16];
    size_t seen_len;
};

static void kofu_start(struct kofu_proc *k, const char *script)
{
    FILE *f = fopen(script_path, "w");
    assert_non_null(f);
    fputs(script, f);
    fclose(f);
    int p[2];
    assert_int_equal(pipe(p), 0);
    k->pid = fork();
    assert_true(k->pid >= 0);
    if (k->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        const char *argv[] = {harness_path(6, "kofu-sim"), "run", "--board", "sim", "--config", conf_path,
                              "--script", script_path, NULL};
        harness_exec(argv, false);
    }
    close(p[1]);
    k->out = p[0];
    k->seen_len = 0;
    k->seen[0] = '\0';
}

/* Wait until kofu's stdout holds `text` (a script's `say`). */
static bool kofu_wait_for(struct kofu_proc *k, const char *text, int timeout_ms)
{
    double until = harness_now_ms() + timeout_ms;
    while (!strstr(k->seen, text)) {
        int left = (int)(until - harness_now_ms());
        if (left <= 0)
            return false;
        struct pollfd pfd = {k->out, POLLIN, 0};
        if (poll(&pfd, 1, left) <= 0)
            continue;
        ssize_t got = read(k->out, k->seen + k->seen_len, sizeof k->seen - 1 - k->seen_len);
        if (got <= 0)
            return false;
        k->seen_len += (size_t)got;
        k->seen[k->seen_len] = '\0';
    }
    return true;
}

static int kofu_stop(struct kofu_proc *k)
{
    kill(k->pid, SIGTERM);
    int st = 0;
    waitpid(k->pid, &st, 0);
    close(k->out);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- visits ---------------------------------------------------------------- */

/* One visit up to the choice of kind: card, service, terms, PIN, the card
 * back, Chiyoda. */
#define VISIT_TO_KIND(resident, pin) \
    "wait idle\n" \
    "card load " resident "\n" \
    "wait service\n" \
    "tap service\n" \
    "wait terms\n" \
    "tap agree\n" \
    "wait pin\n" \
    "pin " pin "\n" \
    "tap enter\n" \
    "wait take-card\n" \
    "card remove\n" \
    "wait municipality\n" \
    "tap municipality-131016\n" \
    "tap ok\n" \
    "wait kind-copies\n"
/* The rest: confirm, pay with `money`, take the certificate; the passport
 * (tests/passportsim/holders/yamada.json) between for overseas. */
#define PASSPORT_YAMADA \
    "wait passport-numbers\n" \
    "mrz TZ1234567 6 310331 5\n" \
    "tap ok\n" \
    "wait passport-place\n" \
    "passport insert\n" \
    "wait take-passport\n" \
    "passport remove\n"
#define VISIT_FROM_KIND_VIA(kind, passport, money) \
    "tap " kind "\n" \
    "tap ok\n" passport \
    "wait confirm\n" \
    "tap ok\n" \
    "wait payment\n" money "wait take-certificate\n" \
    "take-certificate\n" \
    "wait idle\n" \
    "expect-clean\n"
/* yamada: overseas + domestic, paid with a note; longname: domestic. */
#define VISIT_OVERSEAS(resident, pin) \
    VISIT_TO_KIND(resident, pin) VISIT_FROM_KIND_VIA("overseas", PASSPORT_YAMADA, "note 1000\n")
#define VISIT_DOMESTIC(resident, pin) VISIT_TO_KIND(resident, pin) VISIT_FROM_KIND_VIA("domestic", "", "coin 100\ncoin 50\n")

/* GLIBC_TUNABLES as the kiosk board's pcscd drop-in sets it; the drop-in
 * must fill freed memory and turn the per-thread cache off. */
static int pcscd_dropin_tunables(char *out, size_t cap)
{
    static const char key[] = "Environment=GLIBC_TUNABLES=";
    FILE *f = fopen("board/kiosk/pcscd.service.d/kofu-privacy.conf", "r");
    if (!f)
        return -1;
    char line[512];
    bool service = false, found = false;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        service = service || !strcmp(line, "[Service]");
        if (service && !strncmp(line, key, sizeof key - 1)) {
            size_t n = strlen(line + sizeof key - 1);
            if (n < cap) {
                memcpy(out, line + sizeof key - 1, n + 1);
                found = true;
            }
        }
    }
    fclose(f);
    if (!found || !strstr(out, "glibc.malloc.perturb=") || strstr(out, "perturb=0") ||
        !strstr(out, "glibc.malloc.tcache_count=0")) {
        fprintf(stderr, "the pcscd drop-in does not fill freed memory: %s\n", found ? out : "(no line)");
        return -1;
    }
    return 0;
}

static int group_setup(void **state)
{
    (void)state;
    /* pcscd as board/kiosk runs it (docs/privacy.md): glibc fills every
     * freed block, with its per-thread cache off so that no free escapes. */
    char tunables[256];
    if (pcscd_dropin_tunables(tunables, sizeof tunables) != 0)
        return -1;
    setenv("GLIBC_TUNABLES", tunables, 1);
    int rc = printer_peer_start_kiosk_peers_mode(&h, &printer, PRIVACY_PRINTER_MODE);
    unsetenv("GLIBC_TUNABLES");
    if (rc != 0)
        return -1;
    snprintf(conf_path, sizeof conf_path, "%s/kofu.conf", h.dir);
    snprintf(prompts_log, sizeof prompts_log, "%s/prompts.log", h.dir);
    snprintf(script_path, sizeof script_path, "%s/visits.script", h.dir);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    printer_peer_stop(&printer);
    harness_stop(&h);
    return 0;
}

static void write_config(void)
{
    assert_int_equal(harness_kiosk_config(&h, conf_path, printer.kiosk_uri, prompts_log,
                                          "print_timeout_ms = 20000\n"
                                          "inactivity_warn_ms = 20000\n"
                                          "left_behind_ms = 20000\n"
                                          "notice_ms = 1500\n"),
                     0);
}

/* The passport waits in the card's slot, its chip out of the field until
 * a script places it (`passport insert`, sim_passportsim_control); the
 * test CSCAs are trusted. After the needles (loading a card there takes a
 * passport away). */
static void write_config_with_passport(void)
{
    assert_int_equal(harness_swap_to_passport(&h, "tests/passportsim/holders/yamada.json", "pace", NULL), 0);
    assert_int_equal(harness_passport(&h, "remove", NULL, 0), 0);
    assert_int_equal(harness_wait_card(&h, false, 10000), 0);
    char more[1200];
    snprintf(more, sizeof more,
             "print_timeout_ms = 20000\n"
             "inactivity_warn_ms = 20000\n"
             "left_behind_ms = 20000\n"
             "notice_ms = 1500\n"
             "sim_passportsim_control = %s\n"
             "passport_csca = %s/csca\n",
             h.passport_control, harness_path(1, "pki"));
    assert_int_equal(harness_kiosk_config(&h, conf_path, printer.kiosk_uri, prompts_log, more), 0);
}

/* The needles of both residents; the printed codes are added after the run. */
static void residents_needles(void)
{
    kt_needles_clear();
    add_resident("tests/cardsim/residents/yamada.json", "1234", "YAMADA TARO", "TZ1234567");
    /* The passport's MRZ_info (number, check digit, birth, check digit,
     * expiry, check digit): what its chip's keys are made from. */
    kt_needle_str("mrz-info", "TZ1234567680021703103315");
    add_resident("tests/cardsim/residents/longname.json", "0000", "JUGEMU JUGEMU GOKONOSURIKIRE", NULL);
    char reply[200];
    assert_int_equal(harness_card(&h, "remove", reply, sizeof reply), 0);
    assert_int_equal(harness_wait_card(&h, false, 5000), 0);
}

/* The scan catches what it is meant to: with the certificate on the
 * confirmation screen, the resident's name and My Number are in kofu's
 * memory (in the vault). */
static void test_scan_finds_a_live_certificate(void **state)
{
    (void)state;
    write_config();
    residents_needles();
    struct kofu_proc k;
    kofu_start(&k, VISIT_TO_KIND("tests/cardsim/residents/longname.json", "0000")
                   "tap domestic\n"
                   "tap ok\n"
                   "wait confirm\n"
                   "say scan-now\n"
                   "sleep 600\n");
    assert_true(kofu_wait_for(&k, "scan-now", 60000));
    /* The resident's identifiers (no page was printed yet to decode). */
    kt_needles_clear_hits();
    kt_needles_scan_process(k.pid, "kofu");
    kt_needles_print_hits("while the visit holds the certificate");
    kofu_stop(&k);
    assert_true(kt_needles_hit_has("name"));
    assert_true(kt_needles_hit_has("my-number"));
}

static void test_nothing_left_after_visits(void **state)
{
    (void)state;
    residents_needles();
    write_config_with_passport();
    time_t since = time(NULL) - 1;
    struct kofu_proc k;
    kofu_start(&k, VISIT_OVERSEAS("tests/cardsim/residents/yamada.json", "1234")
                   VISIT_DOMESTIC("tests/cardsim/residents/longname.json", "0000")
                   "wait idle\n"
                   "sleep 1\n"
                   "say scan-now\n"
                   "sleep 600\n");
    if (!kofu_wait_for(&k, "scan-now", 120000)) {
        fprintf(stderr, "kofu did not reach the scan; stdout:\n%s\n", k.seen);
        kofu_stop(&k);
        fail();
    }
    add_printed_codes();
    kt_needles_clear_hits();
    size_t bytes = kt_needles_scan_process(k.pid, "kofu");
    fprintf(stderr, "scanned %zu MB of kofu's memory for %zu needles\n", bytes >> 20, kt_needles_count());
    assert_true(bytes > (4u << 20)); /* the vault alone is bigger */
    /* Files: the peers' own paths are theirs (the residents' source files,
     * the center's records, the printer's spool and received pages). */
    /* Where a process could write on this machine (on the kiosk the root
     * is read-only and kofu's sandbox refuses every write anyway), and the
     * working directory kofu runs in. */
    /* (and the fuzzers' work dirs of tests/fuzz/run.sh, and every test's
     * temporary directory, when another test run overlaps this one on a
     * developer's machine: their fixtures hold synthetic residents, and
     * kofu's sandbox lets it write in none of them but its own, h.dir) */
    const char *skip[] = {printer.dir, h.dir, "/tmp/kofu-fuzz.", "/tmp/kofu-test-", NULL};
    const char *places[] = {"/tmp", "/var/tmp", "/dev/shm", "/run", "/var/log", "/var/cache", "/var/lib",
                            "/root", "/home", ".", NULL};
    unsigned files = 0;
    for (const char *const *pl = places; *pl; pl++)
        files += kt_needles_scan_files(*pl, since, skip);
    /* In h.dir, only what kofu writes: the prompts log. */
    struct stat st;
    if (stat(prompts_log, &st) == 0) {
        int fd = open(prompts_log, O_RDONLY);
        static uint8_t b[1 << 16];
        ssize_t got = fd >= 0 ? read(fd, b, sizeof b) : -1;
        if (got > 0)
            kt_needles_scan(b, (size_t)got, "file prompts.log");
        if (fd >= 0)
            close(fd);
    }
    fprintf(stderr, "scanned %u changed file(s)\n", files);
    kt_needles_print_hits("at the attract screen after the visits");
    size_t kofu_hits = kt_needles_hits();
    /* The peers kofu talks to: pcscd runs on the kiosk (as the kiosk board
     * runs it, it must hold nothing either); the printer is the printer's,
     * reported for docs/privacy.md. */
    kt_needles_clear_hits();
    kt_needles_scan_process(h.pcscd, "pcscd");
    kt_needles_print_hits("pcscd at the same time");
    size_t pcscd_hits = kt_needles_hits();
    kt_needles_clear_hits();
    kt_needles_scan_process(printer.ippeve, "ippeveprinter");
    kt_needles_print_hits("ippeveprinter at the same time");
    assert_int_equal(kofu_stop(&k), 0);
    assert_int_equal(kofu_hits, 0);
    assert_int_equal(pcscd_hits, 0); /* run as the kiosk board runs it (group_setup) */
}

/* The product runs no script, whatever --board says: a script's
 * screenshot would write a resident's certificate preview to a file. Only
 * the test build (kofu-sim) has the engine. */
static void test_kiosk_build_refuses_scripts(void **state)
{
    (void)state;
    write_config();
    char shot[400];
    snprintf(shot, sizeof shot, "%s/shot.png", h.dir);
    FILE *f = fopen(script_path, "w");
    assert_non_null(f);
    fprintf(f, "wait idle\nscreenshot %s\nquit\n", shot);
    fclose(f);
    static char out[1 << 14], err[1 << 14];
    const char *argv[] = {harness_path(0, "kofu-kiosk-build"), "run", "--board", "sim", "--config", conf_path,
                          "--script", script_path, NULL};
    assert_int_equal(harness_run(argv, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "--script is refused"));
    assert_int_equal(access(shot, F_OK), -1);
    /* The product built for the sim board has no script engine either. */
    argv[0] = harness_path(0, "kofu");
    assert_int_equal(harness_run(argv, NULL, out, sizeof out, err, sizeof err), 2);
    assert_non_null(strstr(err, "--script is refused"));
    assert_int_equal(access(shot, F_OK), -1);
    /* The same script in the test build does write it: the refusal is what
     * kept the file away. */
    argv[0] = harness_path(0, "kofu-sim");
    assert_int_equal(harness_run(argv, NULL, out, sizeof out, err, sizeof err), 0);
    assert_int_equal(access(shot, F_OK), 0);
    unlink(shot);
}

int main(void)
{
    /* The sanitized build's allocator is ASan's (no wiping free: the
     * Makefile links it into the product build only); what it leaves in
     * freed memory says nothing about the product. */
    if (strstr(harness_build(), "asan")) {
        const struct CMUnitTest only[] = {cmocka_unit_test(test_kiosk_build_refuses_scripts)};
        return cmocka_run_group_tests(only, group_setup, group_teardown);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_finds_a_live_certificate),
        cmocka_unit_test(test_nothing_left_after_visits),
        cmocka_unit_test(test_kiosk_build_refuses_scripts),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
