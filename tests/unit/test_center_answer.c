/*
 * test_center_answer.c — the kiosk's reading of the center's answers to
 * POST /certificates (firmware/center/center.c, docs/center-protocol.md §3):
 * the issue date is the Japan (UTC+9) date of issued_at, whatever time of
 * day; the issuer's head is a title (「区長」, "Mayor"); and a refusal means
 * one thing: by its code when the code comes with the status §3 gives it,
 * otherwise by its status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/errors.h"
#include "center/center.h"

/* 2026-11-27 00:00:00 UTC. */
#define DAY_UTC 1795737600LL

static struct center_certificate cert;

/* A domestic answer for 131016 with these members, parsed. */
static int parse(long long issued_at, const char *issue_date, const char *mayor_ja, const char *mayor_en)
{
    static char body[4096];
    int n = snprintf(body, sizeof body,
                     "{\"certificate_id\":\"JP-131016-2026-000001\",\"issued_at\":%lld,\"issue_date\":\"%s\","
                     "\"issuer\":{\"municipality\":\"131016\",\"name_ja\":\"千代田区\",\"name_en\":\"Chiyoda City\","
                     "\"mayor_ja\":\"%s\",\"mayor_en\":\"%s\"},\"kind\":\"domestic\","
                     "\"documents\":[{\"type\":\"shc\",\"jws\":\"eyJ6aXAiOiJERUYifQ.3ZJLb.abc_-\"}],"
                     "\"doses\":[{\"date\":\"2021-06-01\",\"cvx\":\"208\",\"product_ja\":\"コミナティ\","
                     "\"product_en\":\"Comirnaty\",\"manufacturer_ja\":\"ファイザー\",\"manufacturer_en\":\"Pfizer\","
                     "\"lot\":\"FA1234\",\"country\":\"JPN\",\"municipality\":\"131016\"}]}",
                     issued_at, issue_date, mayor_ja, mayor_en);
    assert_true(n > 0 && (size_t)n < sizeof body);
    struct center_request r = {.kind = CENTER_DOMESTIC, .copies = 1, .language = "ja"};
    snprintf(r.municipality, sizeof r.municipality, "131016");
    return center_parse_certificate((const uint8_t *)body, (size_t)n, &r, &cert);
}

static void expect_date(long long issued_at, const char *issue_date, int want)
{
    int rc = parse(issued_at, issue_date, "区長", "Mayor");
    if (rc != want)
        fail_msg("issued_at %lld with issue_date %s: got %s", issued_at, issue_date, kofu_err_name(rc));
    if (want == KOFU_OK)
        assert_string_equal(cert.issue_date, issue_date);
    else
        assert_string_equal(cert.issue_date, ""); /* nothing of a refused answer is kept */
}

/* 09:00 JST onwards the Japan and UTC dates agree. */
static void test_issue_date_equal_dates(void **state)
{
    (void)state;
    expect_date(DAY_UTC, "2026-11-27", KOFU_OK);           /* 09:00 JST */
    expect_date(DAY_UTC + 8 * 3600, "2026-11-27", KOFU_OK); /* 17:00 JST */
    expect_date(DAY_UTC + 8 * 3600, "2026-11-28", KOFU_E_CENTER_RESPONSE);
    expect_date(DAY_UTC + 8 * 3600, "2026-11-26", KOFU_E_CENTER_RESPONSE);
}

/* From 15:00 to 24:00 UTC it is already the next day in Japan: the UTC
 * date is refused, the Japan date taken. */
static void test_issue_date_utc_date_refused(void **state)
{
    (void)state;
    for (long long t = DAY_UTC + 15 * 3600; t < DAY_UTC + 24 * 3600; t += 1800) {
        expect_date(t, "2026-11-27", KOFU_E_CENTER_RESPONSE); /* the UTC date */
        expect_date(t, "2026-11-28", KOFU_OK);
    }
    expect_date(DAY_UTC + 24 * 3600 - 1, "2026-11-27", KOFU_E_CENTER_RESPONSE); /* 23:59:59 UTC */
    expect_date(DAY_UTC + 24 * 3600 - 1, "2026-11-28", KOFU_OK);
}

/* The day turns at 15:00:00 UTC, to the second, and across a year's end. */
static void test_issue_date_boundary(void **state)
{
    (void)state;
    long long midnight_jst = DAY_UTC + 15 * 3600; /* 2026-11-28 00:00:00 JST */
    expect_date(midnight_jst - 1, "2026-11-27", KOFU_OK);
    expect_date(midnight_jst - 1, "2026-11-28", KOFU_E_CENTER_RESPONSE);
    expect_date(midnight_jst, "2026-11-28", KOFU_OK);
    expect_date(midnight_jst, "2026-11-27", KOFU_E_CENTER_RESPONSE);
    long long new_year_jst = 1798729200LL; /* 2027-01-01 00:00:00 JST = 2026-12-31 15:00:00 UTC */
    expect_date(new_year_jst, "2027-01-01", KOFU_OK);
    expect_date(new_year_jst, "2026-12-31", KOFU_E_CENTER_RESPONSE);
    expect_date(new_year_jst - 1, "2026-12-31", KOFU_OK);
}

/* The head of the municipality is a title the page prints after the name;
 * a name as well, after a space, is allowed. */
static void test_mayor_title_taken(void **state)
{
    (void)state;
    assert_int_equal(parse(DAY_UTC, "2026-11-27", "区長", "Mayor"), KOFU_OK);
    assert_string_equal(cert.mayor_ja, "区長");
    assert_string_equal(cert.mayor_en, "Mayor");
    assert_int_equal(parse(DAY_UTC, "2026-11-27", "区長　千代田一郎", "Mayor Ichiro Chiyoda"), KOFU_OK);
    assert_string_equal(cert.mayor_ja, "区長　千代田一郎");
    assert_int_equal(parse(DAY_UTC, "2026-11-27", "", "Mayor"), KOFU_E_CENTER_RESPONSE);
}

static void expect_refusal(long status, const char *body, int want)
{
    int rc = center_parse_refusal((const uint8_t *)body, strlen(body), status);
    if (rc != want)
        fail_msg("%ld %s: got %s, want %s", status, body, kofu_err_name(rc), kofu_err_name(want));
}

#define REFUSAL(code) "{\"error\":{\"code\":\"" code "\",\"message_ja\":\"…\",\"message_en\":\"…\"}}"

/* 500 is the center's own fault, never "cannot connect": a gateway's 502
 * and 504 are. A code the kiosk does not know means what its status means. */
static void test_refusal_by_status(void **state)
{
    (void)state;
    expect_refusal(500, REFUSAL("internal"), KOFU_E_CENTER_FAILED);
    expect_refusal(500, "", KOFU_E_CENTER_FAILED);
    expect_refusal(501, "<html>not implemented</html>", KOFU_E_CENTER_FAILED);
    expect_refusal(507, REFUSAL("storage-full"), KOFU_E_CENTER_FAILED);
    expect_refusal(599, "", KOFU_E_CENTER_FAILED);
    expect_refusal(502, REFUSAL("bad-gateway"), KOFU_E_CENTER_UNREACHABLE);
    expect_refusal(504, REFUSAL("gateway-timeout"), KOFU_E_CENTER_UNREACHABLE);
    expect_refusal(503, REFUSAL("busy"), KOFU_E_CENTER_BUSY);
    expect_refusal(503, "", KOFU_E_CENTER_BUSY);
    expect_refusal(400, REFUSAL("bad-request"), KOFU_E_CENTER_BAD_REQUEST);
    expect_refusal(404, REFUSAL("no-record"), KOFU_E_NO_RECORD);
    expect_refusal(404, REFUSAL("not-found"), KOFU_E_CENTER_RESPONSE);
    expect_refusal(403, REFUSAL("a-code-of-a-later-revision"), KOFU_E_CENTER_RESPONSE);
    expect_refusal(409, REFUSAL("terms-outdated"), KOFU_E_TERMS_OUTDATED);
    expect_refusal(600, "", KOFU_E_CENTER_RESPONSE);
    expect_refusal(302, "", KOFU_E_CENTER_RESPONSE);
}

/* §3's table, as the document writes it: each code with its one status. */
static const struct {
    const char *code;
    long status;
    int err;
} table[] = {
    {"no-record", 404, KOFU_E_NO_RECORD},
    {"municipality-not-participating", 403, KOFU_E_MUNICIPALITY_NOT_PARTICIPATING},
    {"card-not-authentic", 403, KOFU_E_CENTER_CARD_NOT_AUTHENTIC},
    {"passport-not-registered", 404, KOFU_E_PASSPORT_NOT_REGISTERED},
    {"outside-service-hours", 403, KOFU_E_OUTSIDE_HOURS},
    {"terms-outdated", 409, KOFU_E_TERMS_OUTDATED},
    {"busy", 503, KOFU_E_CENTER_BUSY},
    {"bad-request", 400, KOFU_E_CENTER_BAD_REQUEST},
    {"bad-request", 413, KOFU_E_CENTER_BAD_REQUEST},
    {"bad-request", 405, KOFU_E_CENTER_BAD_REQUEST},
};

static bool in_table(const char *code, long status)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].status == status && !strcmp(table[i].code, code))
            return true;
    return false;
}

/* A code means what the table says only with the table's status: the
 * mismatches the review found, one by one, then every code with every
 * other status a center might send. */
static void test_refusal_code_only_with_its_status(void **state)
{
    (void)state;
    expect_refusal(500, REFUSAL("no-record"), KOFU_E_CENTER_FAILED); /* not "no record": the center failed */
    expect_refusal(400, REFUSAL("busy"), KOFU_E_CENTER_RESPONSE);    /* not busy (which would be retried) */
    expect_refusal(503, REFUSAL("no-record"), KOFU_E_CENTER_BUSY);
    expect_refusal(502, REFUSAL("terms-outdated"), KOFU_E_CENTER_UNREACHABLE);
    expect_refusal(403, REFUSAL("no-record"), KOFU_E_CENTER_RESPONSE);
    expect_refusal(404, REFUSAL("outside-service-hours"), KOFU_E_CENTER_RESPONSE);
    expect_refusal(403, REFUSAL("terms-outdated"), KOFU_E_CENTER_RESPONSE);
    expect_refusal(409, REFUSAL("busy"), KOFU_E_CENTER_RESPONSE);
    expect_refusal(405, REFUSAL("method-not-allowed"), KOFU_E_CENTER_RESPONSE); /* revision 1.0's code */
    expect_refusal(404, REFUSAL("bad-request"), KOFU_E_CENTER_RESPONSE);

    static const long statuses[] = {400, 401, 403, 404, 405, 409, 410, 413, 429, 500, 501, 502, 503, 504, 507};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char body[160];
        snprintf(body, sizeof body, REFUSAL("%s"), table[i].code);
        expect_refusal(table[i].status, body, table[i].err);
        for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++)
            if (!in_table(table[i].code, statuses[k]))
                expect_refusal(statuses[k], body, center_refusal_by_status(statuses[k]));
    }
}

/* /config is answered at every hour and takes no terms version: no code of
 * §3's table is its, so its status alone decides (§2). */
static void test_config_refusal_by_status_alone(void **state)
{
    (void)state;
    assert_int_equal(center_refusal_by_status(403), KOFU_E_CENTER_RESPONSE); /* even outside-service-hours */
    assert_int_equal(center_refusal_by_status(409), KOFU_E_CENTER_RESPONSE); /* even terms-outdated */
    assert_int_equal(center_refusal_by_status(404), KOFU_E_CENTER_RESPONSE);
    assert_int_equal(center_refusal_by_status(400), KOFU_E_CENTER_RESPONSE);
    assert_int_equal(center_refusal_by_status(503), KOFU_E_CENTER_BUSY);
    assert_int_equal(center_refusal_by_status(502), KOFU_E_CENTER_UNREACHABLE);
    assert_int_equal(center_refusal_by_status(504), KOFU_E_CENTER_UNREACHABLE);
    assert_int_equal(center_refusal_by_status(500), KOFU_E_CENTER_FAILED);
    assert_int_equal(center_refusal_by_status(599), KOFU_E_CENTER_FAILED);
    assert_int_equal(center_refusal_by_status(600), KOFU_E_CENTER_RESPONSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_date_equal_dates),
        cmocka_unit_test(test_issue_date_utc_date_refused),
        cmocka_unit_test(test_issue_date_boundary),
        cmocka_unit_test(test_mayor_title_taken),
        cmocka_unit_test(test_refusal_by_status),
        cmocka_unit_test(test_refusal_code_only_with_its_status),
        cmocka_unit_test(test_config_refusal_by_status_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
