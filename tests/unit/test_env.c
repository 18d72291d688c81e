/* test_env.c — the environment kofu keeps (firmware/base/env.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/env.h"

extern char **environ;

static size_t env_count(void)
{
    size_t n = 0;
    for (char **e = environ; e && *e; e++)
        n++;
    return n;
}

static void test_only_the_list_survives(void **state)
{
    (void)state;
    const char *const keep[][2] = {
        {"KOFU_CONFIG", "/etc/kofu/kofu.conf"}, {"KOFU_LOG_LEVEL", "info"}, {"NOTIFY_SOCKET", "@notify"},
        {"WATCHDOG_USEC", "30000000"},         {"DISPLAY", ":7"},          {"XAUTHORITY", "/run/x/cookie"},
        {"OPENSSL_CONF", "/etc/kofu/ssl.cnf"}, {"OPENSSL_MODULES", "/usr/lib/ossl-modules"},
        {"PCSCLITE_CSOCK_NAME", "/run/pcscd/pcscd.comm"},
#if defined(__SANITIZE_ADDRESS__)
        {"LSAN_OPTIONS", "suppressions=/tmp/kofu-test-env.supp"},
#endif
    };
    const char *const drop[] = {"SSLKEYLOGFILE", "https_proxy", "HTTPS_PROXY", "http_proxy", "ALL_PROXY",
                                "all_proxy",     "NO_PROXY",    "TZ",          "TZDIR",      "CURL_HOME",
                                "CUPS_SERVER",   "FONTCONFIG_FILE", "LD_PRELOAD", "HOME", "PATH", "LANG",
                                "SSL_CERT_FILE", "KOFU_PIN"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        assert_int_equal(setenv(keep[i][0], keep[i][1], 1), 0);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        assert_int_equal(setenv(drop[i], "/tmp/kofu-test-env", 1), 0);
    assert_int_equal(env_clean(), 0);
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        assert_non_null(getenv(keep[i][0]));
        assert_string_equal(getenv(keep[i][0]), keep[i][1]);
    }
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        assert_null(getenv(drop[i]));
    /* and one set: glib allocates through the wiping free */
    assert_non_null(getenv("G_SLICE"));
    assert_string_equal(getenv("G_SLICE"), "always-malloc");
    assert_int_equal(env_count(), sizeof keep / sizeof keep[0] + 1);
}

/* Xlib finds the cookie in $HOME/.Xauthority when $XAUTHORITY is unset;
 * $HOME is not kept, so the path is. Without a display, neither. */
static void test_xauthority_from_home(void **state)
{
    (void)state;
    assert_int_equal(clearenv(), 0);
    setenv("DISPLAY", ":0", 1);
    setenv("HOME", "/home/tech", 1);
    assert_int_equal(env_clean(), 0);
    assert_string_equal(getenv("XAUTHORITY"), "/home/tech/.Xauthority");
    assert_null(getenv("HOME"));
    assert_int_equal(env_count(), 3); /* DISPLAY, XAUTHORITY, G_SLICE */

    assert_int_equal(clearenv(), 0);
    setenv("HOME", "/home/tech", 1);
    assert_int_equal(env_clean(), 0);
    assert_int_equal(env_count(), 1); /* G_SLICE */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_the_list_survives),
        cmocka_unit_test(test_xauthority_from_home),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
