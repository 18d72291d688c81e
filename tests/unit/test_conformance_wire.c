/*
 * test_conformance_wire.c — the conformance kit's raw HTTPS (wire.c) and
 * its errors: every call reads its answer into the one buffer wire_init
 * took, so a scenario of many calls takes nothing more from the kit's
 * vault; and what the kit cannot do for itself (no buffer, no memory for a
 * request body) is recorded as the kit's own error and reported as ERROR,
 * never as a center's fault. No center is needed: nothing listens on the
 * port the calls go to.
 */
#include "tests/conformance/kit.h"
#include "tests/conformance/report.h"

#include "base/errors.h"
#include "base/vault.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static struct kit k;

static void dead_center(void)
{
    memset(&k, 0, sizeof k);
    /* the discard port on loopback: nothing listens in the test sandbox or on a
     * build machine, so the connection is refused at once */
    snprintf(k.cfg.center_url, sizeof k.cfg.center_url, "https://127.0.0.1:9");
    snprintf(k.cfg.center_ca_file, sizeof k.cfg.center_ca_file, "/nonexistent/center-ca.pem");
    k.cfg.center_connect_timeout_ms = 2000;
    k.cfg.center_timeout_ms = 2000;
}

static void test_without_a_buffer_the_error_is_the_kits(void **state)
{
    (void)state;
    char why[600];
    (void)kit_take_error(why, sizeof why);
    assert_int_equal(vault_init(64 * 1024), KOFU_OK);
    /* the vault cannot hold the answer buffer */
    assert_int_equal(wire_init(), KOFU_E_NOMEM);
    dead_center();
    struct wire_req q = {.method = "GET", .path = "/kofu/v1/config"};
    struct wire_resp a;
    assert_int_equal(wire_call(&k, &q, &a), -1);
    assert_false(a.answered);
    assert_true(kit_take_error(why, sizeof why));
    assert_non_null(strstr(why, "answer buffer"));
    /* a request body the vault cannot hold: the kit's error too */
    json_t *big = json_object();
    char *filler = malloc(128 * 1024);
    assert_non_null(filler);
    memset(filler, 'a', 128 * 1024 - 1);
    filler[128 * 1024 - 1] = '\0';
    json_object_set_new(big, "x", json_string(filler));
    free(filler);
    assert_int_equal(kit_post_json(&k, "/kofu/v1/completions", big, &a), -1);
    json_decref(big);
    assert_false(a.answered);
    assert_true(kit_take_error(why, sizeof why));
    assert_non_null(strstr(why, "out of memory"));
    assert_false(kit_take_error(why, sizeof why));
    wire_done();
    vault_destroy();
}

static void test_calls_reuse_one_buffer(void **state)
{
    (void)state;
    char why[600];
    assert_int_equal(vault_init(4u * 1024 * 1024), KOFU_OK);
    assert_int_equal(wire_init(), KOFU_OK);
    dead_center();
    size_t used = vault_used();
    /* more calls than a scenario makes (refuse.bad-request: 14), each of
     * which used to take WIRE_BODY_MAX + 1 bytes until the scenario's end */
    for (int i = 0; i < 20; i++) {
        struct wire_req q = {.method = "GET", .path = "/kofu/v1/config"};
        struct wire_resp a;
        assert_int_equal(wire_call(&k, &q, &a), 0);
        assert_false(a.answered);
        assert_false(a.reached);
        assert_int_equal(vault_used(), used);
    }
    /* a center that cannot be reached is not the kit's error */
    assert_false(kit_take_error(why, sizeof why));
    wire_done();
    vault_destroy();
}

static void test_error_reported_as_the_kits(void **state)
{
    (void)state;
    static const struct kit_scenario sc = {"refuse.bad-request", "", NULL};
    struct kit_result res = {.status = KIT_ERROR};
    snprintf(res.got, sizeof res.got, "the kit ran out of memory building a request body");
    struct report rp = {0};
    assert_int_equal(report_add(&rp, &sc, &res), 0);
    char *text = NULL, *xml = NULL;
    size_t tl = 0, xl = 0;
    FILE *f = open_memstream(&text, &tl);
    report_text(f, &rp);
    fclose(f);
    f = open_memstream(&xml, &xl);
    report_junit(f, &rp);
    fclose(f);
    assert_non_null(strstr(text, "ERROR refuse.bad-request"));
    assert_non_null(strstr(text, "the kit's own error"));
    assert_null(strstr(text, "expected:"));
    assert_non_null(strstr(text, "1 scenarios: 0 passed, 0 failed, 0 skipped"));
    assert_non_null(strstr(text, "kit errors: 1 scenario "));
    assert_non_null(strstr(xml, "failures=\"0\" skipped=\"0\" errors=\"1\""));
    assert_non_null(strstr(xml, "<error type=\"kit\""));
    assert_null(strstr(xml, "<failure"));
    free(text);
    free(xml);
    report_free(&rp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_a_buffer_the_error_is_the_kits),
        cmocka_unit_test(test_calls_reuse_one_buffer),
        cmocka_unit_test(test_error_reported_as_the_kits),
    };
    return cmocka_run_group_tests_name("the conformance kit's wire and its own errors", tests, NULL, NULL);
}
