/* test_config.c — the configuration file parser (firmware/base/config.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/config.h"
#include "base/errors.h"
#include "tests/lib/tmp.h"

/* Writes text into a fresh temp file; the teardown removes it. */
static const char *write_conf(const char *text) { return kt_temp_text("config", text); }

static void test_defaults(void **state)
{
    (void)state;
    struct kofu_config c;
    memset(&c, 0x5A, sizeof c);
    config_defaults(&c);
    assert_string_equal(c.reader, "");
    assert_string_equal(c.card_ca_dir, "/etc/kofu/card-ca");
    assert_int_equal(c.card_wait_seconds, 30);
    assert_int_equal(c.pin_max_tries, 3);
    assert_false(c.card_presence_required);
    assert_string_equal(c.center_url, "");
    assert_string_equal(c.center_ca_file, "/etc/kofu/center-ca.pem");
    assert_string_equal(c.kiosk_cert_file, "/etc/kofu/kiosk.pem");
    assert_string_equal(c.kiosk_key_file, "/etc/kofu/kiosk.key.pem");
    assert_int_equal(c.center_connect_timeout_ms, 3000);
    assert_int_equal(c.center_timeout_ms, 15000);
    assert_int_equal(c.center_retries, 3);
}

static void test_all_keys(void **state)
{
    (void)state;
    const char *p = write_conf("reader = ACS ACR1252 1S CL Reader [ACR1252 Dual Reader PICC] 00 00\n"
                               "card_ca_dir = /opt/kofu/ca\n"
                               "card_wait_seconds = 120\n"
                               "pin_max_tries = 5\n"
                               "card_presence_required = yes\n"
                               "center_url = https://center.example.jp:8443\n"
                               "center_ca_file = /opt/kofu/center-ca.pem\n"
                               "kiosk_cert_file = /opt/kofu/kiosk.pem\n"
                               "kiosk_key_file = pkcs11:token=kiosk;object=key\n"
                               "center_connect_timeout_ms = 100\n"
                               "center_timeout_ms = 120000\n"
                               "center_retries = 0\n");
    struct kofu_config c;
    char err[256] = "";
    config_defaults(&c);
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_string_equal(c.reader, "ACS ACR1252 1S CL Reader [ACR1252 Dual Reader PICC] 00 00");
    assert_string_equal(c.card_ca_dir, "/opt/kofu/ca");
    assert_int_equal(c.card_wait_seconds, 120);
    assert_int_equal(c.pin_max_tries, 5);
    assert_true(c.card_presence_required);
    assert_string_equal(c.center_url, "https://center.example.jp:8443");
    assert_string_equal(c.center_ca_file, "/opt/kofu/center-ca.pem");
    assert_string_equal(c.kiosk_cert_file, "/opt/kofu/kiosk.pem");
    assert_string_equal(c.kiosk_key_file, "pkcs11:token=kiosk;object=key");
    assert_int_equal(c.center_connect_timeout_ms, 100);
    assert_int_equal(c.center_timeout_ms, 120000);
    assert_int_equal(c.center_retries, 0);
}

static void test_partial_keeps_defaults(void **state)
{
    (void)state;
    const char *p = write_conf("pin_max_tries = 4\n");
    struct kofu_config c;
    char err[256] = "";
    config_defaults(&c);
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_int_equal(c.pin_max_tries, 4);
    assert_int_equal(c.card_wait_seconds, 30);
    assert_string_equal(c.card_ca_dir, "/etc/kofu/card-ca");
}

static void test_comments_blanks_spaces(void **state)
{
    (void)state;
    const char *p = write_conf("# kofu.conf\n"
                               "\n"
                               "   \t\n"
                               "   # indented comment\n"
                               "\treader=Sony*   # trailing comment\n"
                               "card_wait_seconds\t=\t0\n"
                               "card_presence_required = no\n"
                               "pin_max_tries = 15"); /* no final newline */
    struct kofu_config c;
    char err[256] = "";
    config_defaults(&c);
    c.card_presence_required = true;
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_string_equal(c.reader, "Sony*");
    assert_int_equal(c.card_wait_seconds, 0);
    assert_false(c.card_presence_required);
    assert_int_equal(c.pin_max_tries, 15);
}

/* A '#' inside a value is the value's: the tray's code in input_device
 * ("PATH#key=N", docs/kiosk-board.md) must reach the driver. Only a '#'
 * at a line's start or after white space begins a comment. */
static void test_hash_inside_a_value(void **state)
{
    (void)state;
    const char *p = write_conf("input_device = /dev/input/event1,/dev/input/event2#key=119  # the tray's key\n"
                               "reader = Sony#1\t#comment after a tab\n");
    struct kofu_config c;
    char err[256] = "";
    config_defaults(&c);
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_string_equal(c.input_device, "/dev/input/event1,/dev/input/event2#key=119");
    assert_string_equal(c.reader, "Sony#1");
}

static void test_empty_file(void **state)
{
    (void)state;
    const char *p = write_conf("");
    struct kofu_config c;
    char err[64] = "";
    config_defaults(&c);
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_int_equal(c.pin_max_tries, 3);
}

static void test_empty_string_value(void **state)
{
    (void)state;
    const char *p = write_conf("reader =\n");
    struct kofu_config c;
    char err[64] = "";
    config_defaults(&c);
    snprintf(c.reader, sizeof c.reader, "old");
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_string_equal(c.reader, "");
}

/* Loads text and expects KOFU_E_CONFIG with "path:LINE: <why>" in err. */
static void expect_error(const char *text, int line, const char *why)
{
    const char *p = write_conf(text);
    struct kofu_config c;
    char err[512] = "";
    char want[128];
    config_defaults(&c);
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_E_CONFIG);
    snprintf(want, sizeof want, "%s:%d: %s", p, line, why);
    assert_string_equal(err, want);
    kt_temp_files_remove();
}

static void test_unknown_key(void **state)
{
    (void)state;
    expect_error("# comment\n\nreader = x\ncard_wiat_seconds = 10\n", 4, "unknown key");
    expect_error("pin_max_tries = 3\nPIN_MAX_TRIES = 3\n", 2, "unknown key");
    expect_error("= 3\n", 1, "unknown key");
}

static void test_no_equals(void **state)
{
    (void)state;
    expect_error("reader\n", 1, "expected key = value");
    expect_error("\n\ncard_presence_required yes\n", 3, "expected key = value");
}

static void test_bad_ints(void **state)
{
    (void)state;
    static const char *bad[] = {
        "card_wait_seconds = \n",      "card_wait_seconds = abc\n",  "card_wait_seconds = 12abc\n",
        "card_wait_seconds = -1\n",    "card_wait_seconds = 3601\n", "card_wait_seconds = 0x10\n",
        "card_wait_seconds = 1.5\n",   "card_wait_seconds = 99999999999999999999\n",
        "card_wait_seconds = 1 2\n",   "pin_max_tries = 0\n",        "pin_max_tries = 16\n",
        "pin_max_tries = -3\n",        "pin_max_tries = three\n",
        "center_connect_timeout_ms = 99\n", "center_connect_timeout_ms = 60001\n",
        "center_timeout_ms = 99\n",   "center_timeout_ms = 120001\n",
        "center_retries = -1\n",      "center_retries = 11\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error(bad[i], 1, "bad value");
    /* The limits themselves are fine. */
    const char *p = write_conf("card_wait_seconds = 3600\npin_max_tries = 1\n");
    struct kofu_config c;
    char err[256];
    config_defaults(&c);
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_int_equal(c.card_wait_seconds, 3600);
    assert_int_equal(c.pin_max_tries, 1);
}

static void test_center_url_https_only(void **state)
{
    (void)state;
    expect_error("center_url = http://center.example.jp\n", 1, "bad value");
    expect_error("center_url = center.example.jp\n", 1, "bad value");
    expect_error("center_url = HTTPS://center.example.jp\n", 1, "bad value");
    expect_error("center_url =\n", 1, "bad value");
}

static void test_bools(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        bool want;
    } good[] = {{"yes", true}, {"true", true}, {"1", true}, {"no", false}, {"false", false}, {"0", false}};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "card_presence_required = %s\n", good[i].v);
        const char *p = write_conf(text);
        struct kofu_config c;
        char err[256];
        config_defaults(&c);
        c.card_presence_required = !good[i].want;
        assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
        assert_int_equal(c.card_presence_required, good[i].want);
        kt_temp_files_remove();
    }
    static const char *bad[] = {"card_presence_required = YES\n", "card_presence_required = on\n",
                                "card_presence_required = 2\n", "card_presence_required =\n",
                                "card_presence_required = yes please\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_error(bad[i], 1, "bad value");
}

static void test_error_stops_and_line_number(void **state)
{
    (void)state;
    /* The first error wins; its line is reported. */
    expect_error("pin_max_tries = 2\n# c\npin_max_tries = 99\nbogus = 1\n", 3, "bad value");
}

static void test_value_too_long(void **state)
{
    (void)state;
    /* KOFU_CONFIG_VALUE_MAX - 1 characters fit, KOFU_CONFIG_VALUE_MAX do not. */
    static char text[KOFU_CONFIG_VALUE_MAX + 64];
    char v[KOFU_CONFIG_VALUE_MAX + 1];
    memset(v, 'r', sizeof v);
    v[KOFU_CONFIG_VALUE_MAX - 1] = '\0';
    snprintf(text, sizeof text, "reader = %s\n", v);
    const char *p = write_conf(text);
    struct kofu_config c;
    char err[256];
    config_defaults(&c);
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_int_equal(strlen(c.reader), KOFU_CONFIG_VALUE_MAX - 1);
    kt_temp_files_remove();

    memset(v, 'r', sizeof v);
    v[KOFU_CONFIG_VALUE_MAX] = '\0';
    snprintf(text, sizeof text, "reader = %s\n", v);
    expect_error(text, 1, "bad value");
}

/* The one copy of a text value into a fixed field (the parser's and the
 * center client's): whole or not at all. */
static void test_copy_text(void **state)
{
    (void)state;
    char dst[4] = "old";
    assert_true(config_copy_text(dst, sizeof dst, "abc"));
    assert_string_equal(dst, "abc");
    assert_true(config_copy_text(dst, sizeof dst, ""));
    assert_string_equal(dst, "");
    memcpy(dst, "old", 4);
    assert_false(config_copy_text(dst, sizeof dst, "abcd"));
    assert_string_equal(dst, "old");
    assert_false(config_copy_text(dst, 0, ""));
    assert_string_equal(dst, "old");
}

static void test_line_too_long(void **state)
{
    (void)state;
    static char text[8192];
    memset(text, 0, sizeof text);
    strcpy(text, "# ok\nreader = ");
    memset(text + strlen(text), 'x', 5000);
    strcat(text, "\n");
    expect_error(text, 2, "line too long");
}

static void test_missing_file(void **state)
{
    (void)state;
    struct kofu_config c;
    char err[256] = "";
    config_defaults(&c);
    const char *p = "/tmp/kofu-test-config-does-not-exist/kofu.conf";
    assert_int_equal(config_load(&c, p, false, err, sizeof err), KOFU_OK);
    assert_int_equal(c.pin_max_tries, 3); /* defaults kept */
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_E_CONFIG);
    assert_string_equal(err, "/tmp/kofu-test-config-does-not-exist/kofu.conf: No such file or directory");
}

static void test_unreadable_path_is_error_even_if_optional(void **state)
{
    (void)state;
    /* A directory is not a missing file, nor an empty one (fopen succeeds on
     * Linux and reading fails): an error that says so, even when optional. */
    struct kofu_config c;
    char err[256] = "";
    config_defaults(&c);
    assert_int_equal(config_load(&c, "/tmp", false, err, sizeof err), KOFU_E_CONFIG);
    assert_string_equal(err, "/tmp: Is a directory");
    assert_int_equal(c.pin_max_tries, 3);
    err[0] = '\0';
    assert_int_equal(config_load(&c, "/tmp", true, err, sizeof err), KOFU_E_CONFIG);
    assert_string_equal(err, "/tmp: Is a directory");
    /* ENOTDIR is not ENOENT: an error even when the file is optional. */
    const char *p = write_conf("x");
    char sub[128];
    snprintf(sub, sizeof sub, "%s/kofu.conf", p);
    assert_int_equal(config_load(&c, sub, false, err, sizeof err), KOFU_E_CONFIG);
    char want[160];
    snprintf(want, sizeof want, "%s: Not a directory", sub);
    assert_string_equal(err, want);
}

/* Editors on other systems save with a UTF-8 byte order mark: it is not
 * part of the first key. Only at the very start of the file. */
static void test_utf8_bom(void **state)
{
    (void)state;
    struct kofu_config c;
    char err[256] = "";
    config_defaults(&c);
    const char *p = write_conf("\xEF\xBB\xBF" "pin_max_tries = 5\ncard_wait_seconds = 9\n");
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_int_equal(c.pin_max_tries, 5);
    assert_int_equal(c.card_wait_seconds, 9);
    kt_temp_files_remove();
    config_defaults(&c);
    p = write_conf("\xEF\xBB\xBF# only a comment\n");
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    kt_temp_files_remove();
    expect_error("pin_max_tries = 5\n\xEF\xBB\xBF" "card_wait_seconds = 9\n", 2, "unknown key");
    expect_error("\xEF\xBBpin_max_tries = 5\n", 1, "unknown key");
}

static void test_load_for_command(void **state)
{
    (void)state;
    struct kofu_config c;
    const char *p = write_conf("pin_max_tries = 7\n");
    /* An explicit path: loaded over the defaults (which are set first). */
    memset(&c, 0x5A, sizeof c);
    assert_int_equal(config_load_for_command(&c, p), KOFU_OK);
    assert_int_equal(c.pin_max_tries, 7);
    assert_int_equal(c.card_wait_seconds, 30);
    /* $KOFU_CONFIG when no path is given. */
    assert_int_equal(setenv("KOFU_CONFIG", p, 1), 0);
    memset(&c, 0x5A, sizeof c);
    assert_int_equal(config_load_for_command(&c, NULL), KOFU_OK);
    assert_int_equal(c.pin_max_tries, 7);
    /* A given path or $KOFU_CONFIG must exist. */
    assert_int_equal(config_load_for_command(&c, "/tmp/kofu-test-config-missing.conf"), KOFU_E_CONFIG);
    assert_int_equal(setenv("KOFU_CONFIG", "/tmp/kofu-test-config-missing.conf", 1), 0);
    assert_int_equal(config_load_for_command(&c, NULL), KOFU_E_CONFIG);
    assert_int_equal(unsetenv("KOFU_CONFIG"), 0);
    /* An error in the file is an error. */
    kt_temp_files_remove();
    p = write_conf("nope = 1\n");
    assert_int_equal(config_load_for_command(&c, p), KOFU_E_CONFIG);
    /* Nothing given and no /etc/kofu/kofu.conf: the defaults. */
    if (access(KOFU_CONFIG_DEFAULT_PATH, F_OK) != 0) {
        memset(&c, 0x5A, sizeof c);
        assert_int_equal(config_load_for_command(&c, NULL), KOFU_OK);
        assert_int_equal(c.pin_max_tries, 3);
    }
}

/* The printer's trust: pinned by default at a fixed path, plain IPP only
 * when the file says the link is private; a bad yes/no is an error. */
static void test_printer_keys(void **state)
{
    (void)state;
    struct kofu_config c;
    char err[256] = "";
    config_defaults(&c);
    assert_string_equal(c.printer_ca_file, "/etc/kofu/printer-ca.pem");
    assert_false(c.printer_private_link);
    const char *p = write_conf("printer_uri = ipps://printer.example:631/ipp/print\n"
                               "printer_ca_file = /opt/kofu/printer-ca.pem\n"
                               "printer_private_link = yes\n");
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_string_equal(c.printer_uri, "ipps://printer.example:631/ipp/print");
    assert_string_equal(c.printer_ca_file, "/opt/kofu/printer-ca.pem");
    assert_true(c.printer_private_link);
    kt_temp_files_remove();
    p = write_conf("printer_private_link = maybe\n");
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_E_CONFIG);
    char want[128];
    snprintf(want, sizeof want, "%s:1: bad value", p);
    assert_string_equal(err, want);
}

static void test_error_buffer_small(void **state)
{
    (void)state;
    const char *p = write_conf("nope = 1\n");
    struct kofu_config c;
    char err[8];
    memset(err, 'Z', sizeof err);
    config_defaults(&c);
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_E_CONFIG);
    assert_int_equal(err[7], '\0'); /* truncated, terminated, not overflowed */
}

/* The limits of the keys the tests above leave out, pinned: moving the
 * keys into the table must not have moved a limit. */
static void test_kiosk_key_limits(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        int lo, hi;
    } limits[] = {
        {"print_timeout_ms", 1000, 600000},      {"screen_width", 800, 7680},
        {"screen_height", 480, 4320},            {"inactivity_warn_ms", 200, 600000},
        {"inactivity_cancel_ms", 200, 600000},   {"wait_warn_ms", 200, 600000},
        {"wait_timeout_ms", 200, 3600000},       {"reminder_ms", 200, 600000},
        {"left_behind_ms", 200, 3600000},        {"notice_ms", 200, 600000},
        {"config_refresh_seconds", 10, 86400},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "%s = %d\n", limits[i].key, limits[i].lo - 1);
        expect_error(text, 1, "bad value");
        snprintf(text, sizeof text, "%s = %d\n", limits[i].key, limits[i].hi + 1);
        expect_error(text, 1, "bad value");
        snprintf(text, sizeof text, "%s = %d\n%s = %d\n", limits[i].key, limits[i].lo, limits[i].key, limits[i].hi);
        const char *p = write_conf(text);
        struct kofu_config c;
        char err[256] = "";
        config_defaults(&c);
        if (config_load(&c, p, true, err, sizeof err) != KOFU_OK)
            fail_msg("%s: its limits refused: %s", limits[i].key, err);
        kt_temp_files_remove();
    }
    expect_error("default_language = de\n", 1, "bad value");
    expect_error("default_language = j\n", 1, "bad value");
    expect_error("default_language = jap\n", 1, "bad value");
    expect_error("default_language =\n", 1, "bad value");
    const char *p = write_conf("default_language = en\n");
    struct kofu_config c;
    char err[256] = "";
    config_defaults(&c);
    assert_int_equal(config_load(&c, p, true, err, sizeof err), KOFU_OK);
    assert_string_equal(c.default_language, "en");
}

/* ---- the README's tables of keys against config_keys / config_builtin ---- */

static const struct config_key *find_key(const char *name, size_t len)
{
    size_t n;
    const struct config_key *k = config_keys(&n);
    for (size_t i = 0; i < n; i++)
        if (strlen(k[i].name) == len && !strncmp(k[i].name, name, len))
            return &k[i];
    return NULL;
}

/* Does a README default cell (one comma-separated part of it) say key's built-in value? */
static bool default_matches(const struct config_key *k, const char *part, size_t len)
{
    const char *field = (const char *)&config_builtin + k->offset;
    char want[KOFU_CONFIG_VALUE_MAX + 8];
    switch (k->type) {
    case CONFIG_INT:
        snprintf(want, sizeof want, "%d", *(const int *)field);
        break;
    case CONFIG_BOOL:
        snprintf(want, sizeof want, "%s", *(const bool *)field ? "yes" : "no");
        break;
    case CONFIG_TEXT:
        /* An empty default is told in words ("(none)", "the board's first"), never as a value. */
        if (!*field)
            return !memchr(part, '`', len);
        snprintf(want, sizeof want, "`%s`", field);
        return len >= strlen(want) && !strncmp(part, want, strlen(want));
    }
    return len == strlen(want) && !strncmp(part, want, len);
}

/* Checks the rows `| `key`[, `key`] | default[, default] | meaning |` of
 * the README's "Configuration" and "Kiosk configuration" sections. Returns
 * the number of mismatches; the first is described in why. */
static int readme_mismatches(const char *readme, char *why, size_t cap)
{
    size_t n;
    const struct config_key *keys = config_keys(&n);
    bool seen[64] = {false};
    assert_true(n <= sizeof seen / sizeof seen[0]);
    int bad = 0;
#define MISMATCH(...) (bad++ == 0 ? (void)snprintf(why, cap, __VA_ARGS__) : (void)0)
    bool in_section = false;
    for (const char *line = readme; *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (!strncmp(line, "### ", 4))
            in_section = (len == 17 && !strncmp(line, "### Configuration", 17)) ||
                         (len == 23 && !strncmp(line, "### Kiosk configuration", 23));
        else if (in_section && !strncmp(line, "| `", 3)) {
            const char *c1 = line + 2, *c2 = strstr(c1, " | ");
            const char *c3 = c2 ? strstr(c2 + 3, " | ") : NULL;
            if (!c3 || c3 > line + len) {
                MISMATCH("row without three cells: %.*s", (int)len, line);
            } else {
                /* The names of the first cell and the parts of the second. */
                const char *names[4], *parts[4];
                size_t name_len[4], part_len[4], nn = 0, np = 0;
                for (const char *q = c1; q < c2 && nn < 4;) {
                    const char *open = memchr(q, '`', (size_t)(c2 - q));
                    const char *close = open ? memchr(open + 1, '`', (size_t)(c2 - open - 1)) : NULL;
                    if (!close)
                        break;
                    names[nn] = open + 1, name_len[nn++] = (size_t)(close - open - 1);
                    q = close + 1;
                }
                for (const char *q = c2 + 3; q < c3 && np < 4;) {
                    const char *comma = strstr(q, ", ");
                    const char *end = comma && comma < c3 ? comma : c3;
                    parts[np] = q, part_len[np++] = (size_t)(end - q);
                    q = end + (end == c3 ? 0 : 2);
                    if (end == c3)
                        break;
                }
                for (size_t i = 0; i < nn; i++) {
                    const struct config_key *k = find_key(names[i], name_len[i]);
                    size_t pi = np == nn ? i : 0;
                    if (!k)
                        MISMATCH("README documents `%.*s`, which is no key", (int)name_len[i], names[i]);
                    else if (!default_matches(k, parts[pi], part_len[pi]))
                        MISMATCH("README gives `%s` the default \"%.*s\"", k->name, (int)part_len[pi], parts[pi]);
                    if (k)
                        seen[k - keys] = true;
                }
            }
        }
        line += len + (eol != NULL);
    }
    for (size_t i = 0; i < n; i++)
        if (!seen[i])
            MISMATCH("`%s` is missing from the README", keys[i].name);
#undef MISMATCH
    return bad;
}

static char *read_readme(void)
{
    FILE *f = fopen("README.md", "r");
    assert_non_null(f);
    static char buf[512 * 1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    assert_true(n < sizeof buf - 1);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Replaces the first `from` in text by `to` (in place, text has room). */
static void replace_once(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from);
    assert_non_null(at);
    size_t fl = strlen(from), tl = strlen(to);
    memmove(at + tl, at + fl, strlen(at + fl) + 1);
    memcpy(at, to, tl);
}

static void test_readme_documents_every_key(void **state)
{
    (void)state;
    char *readme = read_readme();
    char why[256] = "";
    int bad = readme_mismatches(readme, why, sizeof why);
    if (bad)
        fail_msg("%d mismatch(es) between README.md and config.c; first: %s", bad, why);

    /* The check catches a key the README forgets, a default it misstates, and a key it invents. */
    static char copy[512 * 1024];
    snprintf(copy, sizeof copy, "%s", readme);
    replace_once(copy, "| `notice_ms` |", "| `notice` |");
    assert_int_equal(readme_mismatches(copy, why, sizeof why), 2);
    assert_non_null(strstr(why, "`notice`, which is no key"));
    snprintf(copy, sizeof copy, "%s", readme);
    replace_once(copy, "| `center_connect_timeout_ms` | 3000 |", "| `center_connect_timeout_ms` | 5000 |");
    assert_int_equal(readme_mismatches(copy, why, sizeof why), 1);
    assert_non_null(strstr(why, "center_connect_timeout_ms"));
    snprintf(copy, sizeof copy, "%s", readme);
    replace_once(copy, "| 1280, 800 |", "| 1280, 768 |");
    assert_int_equal(readme_mismatches(copy, why, sizeof why), 1);
    assert_non_null(strstr(why, "screen_height"));
}

#define T(f) cmocka_unit_test_teardown(f, kt_temp_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_defaults),
        T(test_all_keys),
        T(test_partial_keeps_defaults),
        T(test_comments_blanks_spaces),
        T(test_hash_inside_a_value),
        T(test_empty_file),
        T(test_empty_string_value),
        T(test_unknown_key),
        T(test_no_equals),
        T(test_bad_ints),
        T(test_center_url_https_only),
        T(test_bools),
        T(test_error_stops_and_line_number),
        T(test_value_too_long),
        T(test_copy_text),
        T(test_line_too_long),
        T(test_missing_file),
        T(test_unreadable_path_is_error_even_if_optional),
        T(test_utf8_bom),
        T(test_load_for_command),
        T(test_printer_keys),
        T(test_error_buffer_small),
        T(test_kiosk_key_limits),
        T(test_readme_documents_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
