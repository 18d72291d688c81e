/*
 * test_center_answer.c — the kiosk's reading of the center's answers to
 * POST /certificates (firmware/center/center.c, docs/center-protocol.md §3):
 * the issue date is the Japan (UTC+9) date of issued_at, whatever time of
 * day; the issuer's head is a title (「区長」, "Mayor"); and a refusal means
 * one thing: by its code when the code comes with the status §3 gives it,
 * otherwise by its status. And the overseas request's `passport` from the
 * chip (§3, "The passport chip"): what is sent, what is never sent, and the
 * chip's data kept with the answer for certificate_verify.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "base/b64.h"
#include "base/errors.h"
#include "base/vault.h"
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

/* ---- the passport chip ----------------------------------------------------- */

/* The synthetic holder's TD3 DG1 (61 L 5F1F L MRZ); check digits computed
 * with weights 7, 3, 1: TZ1234567 → 6, 800217 → 0, 310331 → 5,
 * empty optional data → 0, composite → 0. */
static const char MRZ[] = "P<JPNYAMADA<<TARO<<<<<<<<<<<<<<<<<<<<<<<<<<<"
                          "TZ12345676JPN8002170M3103315<<<<<<<<<<<<<<00";

static struct mrtd_data chip_data;
static struct kenhojo_card_data card_data;

static void make_chip(void)
{
    memset(&chip_data, 0, sizeof chip_data);
    struct mrz_td3 *m = &chip_data.mrz;
    snprintf(m->doc_code, sizeof m->doc_code, "P");
    snprintf(m->issuing_state, sizeof m->issuing_state, "JPN");
    snprintf(m->surname, sizeof m->surname, "YAMADA");
    snprintf(m->given_names, sizeof m->given_names, "TARO");
    snprintf(m->docno, sizeof m->docno, "TZ1234567");
    snprintf(m->nationality, sizeof m->nationality, "JPN");
    snprintf(m->birth, sizeof m->birth, "800217");
    m->sex = 'M';
    snprintf(m->expiry, sizeof m->expiry, "310331");
    uint8_t *p = chip_data.dg1;
    p[0] = 0x61, p[1] = 93, p[2] = 0x5F, p[3] = 0x1F, p[4] = 88;
    memcpy(p + 5, MRZ, 88);
    chip_data.dg1_len = 93;
    for (size_t i = 0; i < 300; i++)
        chip_data.sod[i] = (uint8_t)(i * 7);
    chip_data.sod_len = 300;
    chip_data.access = MRTD_ACCESS_PACE;
    chip_data.pa = MRTD_PA_OK;
    memset(&card_data, 0, sizeof card_data);
    struct kenhojo_file *f[] = {&card_data.ef_my_number, &card_data.ef_attributes, &card_data.ef_integrity,
                                &card_data.ef_cv_cert};
    for (size_t i = 0; i < 4; i++) {
        memset(f[i]->bytes, 'a' + (int)i, 17);
        f[i]->len = 17;
        f[i]->present = true;
    }
    snprintf(card_data.attributes.birth_date, sizeof card_data.attributes.birth_date, "19800217");
}

static struct center_request overseas_request(void)
{
    struct center_request r = {.card = &card_data, .kind = CENTER_OVERSEAS, .copies = 1, .language = "en",
                               .terms_version = "2026-12-01", .passport = &chip_data};
    snprintf(r.municipality, sizeof r.municipality, "131016");
    snprintf(r.request_id, sizeof r.request_id, "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a10");
    return r;
}

/* The request body, parsed back; NULL (and rc) when it was refused. */
static json_t *request_json(const struct center_request *r, int *rc)
{
    size_t mark = vault_mark(), len = 0;
    char *body = NULL;
    *rc = center_request_body(r, &body, &len);
    json_t *v = *rc == KOFU_OK ? json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
    vault_release(mark);
    return v;
}

static void test_request_passport_sent(void **state)
{
    (void)state;
    make_chip();
    struct center_request r = overseas_request();
    int rc;
    json_t *v = request_json(&r, &rc);
    assert_int_equal(rc, KOFU_OK);
    json_t *p = json_object_get(v, "passport");
    assert_true(json_is_object(p));
    assert_int_equal(json_object_size(p), 13);
    static const char *const want[][2] = {
        {"number", "TZ1234567"},   {"nationality", "JPN"},        {"issuing_state", "JPN"},
        {"surname", "YAMADA"},     {"given_names", "TARO"},       {"name_roman", "YAMADA TARO"},
        {"birth_date", "1980-02-17"}, {"sex", "M"},              {"expiry_date", "2031-03-31"},
        {"access", "PACE"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *got = json_string_value(json_object_get(p, want[i][0]));
        if (!got || strcmp(got, want[i][1]) != 0)
            fail_msg("passport.%s: got %s, want %s", want[i][0], got ? got : "(none)", want[i][1]);
    }
    assert_true(json_is_true(json_object_get(p, "passive_auth")));
    /* The files as read, standard base64. */
    uint8_t raw[400];
    size_t n = 0;
    const char *dg1 = json_string_value(json_object_get(p, "dg1"));
    assert_non_null(dg1);
    assert_true(b64_decode(dg1, strlen(dg1), raw, sizeof raw, &n, false));
    assert_int_equal(n, 93);
    assert_memory_equal(raw, chip_data.dg1, 93);
    const char *sod = json_string_value(json_object_get(p, "sod"));
    assert_non_null(sod);
    assert_true(b64_decode(sod, strlen(sod), raw, sizeof raw, &n, false));
    assert_int_equal(n, 300);
    assert_memory_equal(raw, chip_data.sod, 300);
    json_decref(v);

    /* Sex unspecified is X; BAC; a passport without given names. */
    chip_data.mrz.sex = '<';
    chip_data.access = MRTD_ACCESS_BAC;
    chip_data.mrz.given_names[0] = '\0';
    v = request_json(&r, &rc);
    assert_int_equal(rc, KOFU_OK);
    p = json_object_get(v, "passport");
    assert_string_equal(json_string_value(json_object_get(p, "sex")), "X");
    assert_string_equal(json_string_value(json_object_get(p, "access")), "BAC");
    assert_string_equal(json_string_value(json_object_get(p, "name_roman")), "YAMADA");
    assert_string_equal(json_string_value(json_object_get(p, "given_names")), "");
    json_decref(v);

    /* Without the chip: no passport member (protocol 1's overseas request). */
    r.passport = NULL;
    v = request_json(&r, &rc);
    assert_int_equal(rc, KOFU_OK);
    assert_null(json_object_get(v, "passport"));
    assert_int_equal(json_object_size(v), 7);
    json_decref(v);
}

/* What is never sent: data that failed passive authentication, a birth
 * date that is not the card's, fields outside the protocol's forms. */
static void test_request_passport_refused(void **state)
{
    (void)state;
    int rc;
    struct center_request r = overseas_request();
    make_chip();
    chip_data.pa = MRTD_PA_SOD_FORM;
    assert_null(request_json(&r, &rc));
    assert_int_equal(rc, KOFU_E_PASSPORT_NOT_AUTHENTIC);

    make_chip();
    snprintf(chip_data.mrz.birth, sizeof chip_data.mrz.birth, "800218");
    assert_null(request_json(&r, &rc));
    assert_int_equal(rc, KOFU_E_PASSPORT_OTHER_PERSON);
    make_chip();
    snprintf(card_data.attributes.birth_date, sizeof card_data.attributes.birth_date, "20800217"); /* the century */
    json_t *v = request_json(&r, &rc); /* YYMMDD cannot tell: the card's century is the one sent */
    assert_int_equal(rc, KOFU_OK);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "passport"), "birth_date")), "2080-02-17");
    json_decref(v);

    static const struct {
        const char *field, *value;
    } bad[] = {{"surname", "YAMADA  X"}, {"surname", " YAMADA"}, {"surname", ""}, {"given_names", "TARO "},
               {"docno", "TZ-12345"},   {"nationality", "J1N"}, {"issuing_state", ""}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        make_chip();
        struct mrz_td3 *m = &chip_data.mrz;
        char *dst = !strcmp(bad[i].field, "surname")         ? m->surname
                    : !strcmp(bad[i].field, "given_names")   ? m->given_names
                    : !strcmp(bad[i].field, "docno")         ? m->docno
                    : !strcmp(bad[i].field, "nationality")   ? m->nationality
                                                             : m->issuing_state;
        strcpy(dst, bad[i].value);
        v = request_json(&r, &rc);
        if (v || rc != KOFU_E_PASSPORT_DATA)
            fail_msg("%s \"%s\": got %s", bad[i].field, bad[i].value, kofu_err_name(rc));
    }
    make_chip();
    chip_data.mrz.sex = 'Q';
    assert_null(request_json(&r, &rc));
    assert_int_equal(rc, KOFU_E_PASSPORT_DATA);
    make_chip();
    chip_data.access = MRTD_ACCESS_NONE;
    assert_null(request_json(&r, &rc));
    assert_int_equal(rc, KOFU_E_PASSPORT_DATA);
}

static void test_name_roman(void **state)
{
    (void)state;
    struct mrz_td3 m;
    char out[MRZ_NAME_MAX + 1];
    memset(&m, 0, sizeof m);
    strcpy(m.surname, "VAN DER BERG");
    strcpy(m.given_names, "ANNA MARIA");
    assert_int_equal(center_name_roman(&m, out), KOFU_OK);
    assert_string_equal(out, "VAN DER BERG ANNA MARIA");
    /* 39 characters in the MRZ's name field: 20 + "<<" + 17 gives 20 + " " + 17 = 38. */
    strcpy(m.surname, "ABCDEFGHIJKLMNOPQRST");
    strcpy(m.given_names, "ABCDEFGHIJKLMNOPQ");
    assert_int_equal(center_name_roman(&m, out), KOFU_OK);
    assert_int_equal(strlen(out), 38);
    /* Anything the MRZ cannot give is refused, never truncated. */
    strcpy(m.given_names, "ABCDEFGHIJKLMNOPQRS");
    assert_int_equal(center_name_roman(&m, out), KOFU_E_PASSPORT_DATA);
    assert_string_equal(out, "");
    strcpy(m.surname, "ERIKSSON");
    strcpy(m.given_names, "ANNA  MARIA");
    assert_int_equal(center_name_roman(&m, out), KOFU_E_PASSPORT_DATA);
    strcpy(m.given_names, "anna");
    assert_int_equal(center_name_roman(&m, out), KOFU_E_PASSPORT_DATA);
}

/* An overseas answer for the chip's request keeps the chip's data beside
 * the echo; nationality may be an MRZ code of fewer than three letters. */
static void test_answer_keeps_the_chip(void **state)
{
    (void)state;
    make_chip();
    static char body[4096];
    int n = snprintf(body, sizeof body,
                     "{\"certificate_id\":\"JP-131016-2026-000001\",\"issued_at\":%lld,\"issue_date\":\"2026-11-27\","
                     "\"issuer\":{\"municipality\":\"131016\",\"name_ja\":\"千代田区\",\"name_en\":\"Chiyoda City\","
                     "\"mayor_ja\":\"区長\",\"mayor_en\":\"Mayor\"},\"kind\":\"overseas\","
                     "\"documents\":[{\"type\":\"shc\",\"jws\":\"eyJ6aXAiOiJERUYifQ.3ZJLb.abc_-\"},"
                     "{\"type\":\"vds-nc\",\"seal\":{\"data\":{},\"sig\":{}}}],"
                     "\"doses\":[{\"date\":\"2021-06-01\",\"cvx\":\"208\",\"product_ja\":\"コミナティ\","
                     "\"product_en\":\"Comirnaty\",\"manufacturer_ja\":\"ファイザー\",\"manufacturer_en\":\"Pfizer\","
                     "\"lot\":\"FA1234\",\"country\":\"JPN\",\"municipality\":\"131016\"}],"
                     "\"passport\":{\"number\":\"TZ7654321\",\"nationality\":\"D\",\"name_roman\":\"TANAKA HANAKO\"}}",
                     DAY_UTC);
    assert_true(n > 0 && (size_t)n < sizeof body);
    struct center_request r = overseas_request();
    assert_int_equal(center_parse_certificate((const uint8_t *)body, (size_t)n, &r, &cert), KOFU_OK);
    /* The echo as the center wrote it; the chip's as read: certificate_verify compares. */
    assert_string_equal(cert.name_roman, "TANAKA HANAKO");
    assert_string_equal(cert.passport_nationality, "D");
    assert_true(cert.chip_read);
    assert_string_equal(cert.chip_name_roman, "YAMADA TARO");
    assert_string_equal(cert.chip_number, "TZ1234567");
    assert_string_equal(cert.chip_nationality, "JPN");
    r.passport = NULL;
    assert_int_equal(center_parse_certificate((const uint8_t *)body, (size_t)n, &r, &cert), KOFU_OK);
    assert_false(cert.chip_read);
    assert_string_equal(cert.chip_name_roman, "");
}

static int group_setup(void **state)
{
    (void)state;
    return vault_init(256 * 1024) == KOFU_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    vault_destroy();
    return 0;
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
        cmocka_unit_test(test_request_passport_sent),
        cmocka_unit_test(test_request_passport_refused),
        cmocka_unit_test(test_name_roman),
        cmocka_unit_test(test_answer_keeps_the_chip),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
