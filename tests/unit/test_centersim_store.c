/*
 * test_centersim_store.c — centersim's records and small parts: the fixture
 * (tests/centersim/fixtures/center.json) seeded into SQLite and every kind of
 * broken fixture refused without quoting values; the queries; the
 * local-government-code check digit; the idempotency memory; fault specs;
 * Japan time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "tests/centersim/clock.h"
#include "tests/centersim/fault.h"
#include "tests/centersim/idem.h"
#include "base/wipeheap.h"
#include "tests/centersim/store.h"
#include "tests/lib/keys.h"
#include "tests/lib/tmp.h"

#define FIXTURE "tests/centersim/fixtures/center.json"

static char dir[128];

static int group_setup(void **state)
{
    (void)state;
    wipeheap_install_json();
    return kt_tempdir(dir, sizeof dir, "centersim-test") ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    kt_rmdir_flat(dir);
    return 0;
}

/* ---- check digits ---------------------------------------------------------------- */

static void test_local_gov_codes(void **state)
{
    (void)state;
    /* Real codes: 千代田区, 中央区, 新宿区 (remainder 0 → 1), 渋谷区 (remainder 1 → 0), 札幌市, 大阪市. */
    static const char *const good[] = {"131016", "131024", "131041", "131130", "011002", "271004", "010006"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(store_local_gov_code_valid(good[i]));
    assert_false(store_local_gov_code_valid("131017"));
    assert_false(store_local_gov_code_valid("131040"));
    assert_false(store_local_gov_code_valid("13101"));
    assert_false(store_local_gov_code_valid("1310160"));
    assert_false(store_local_gov_code_valid("13101a"));
    assert_false(store_local_gov_code_valid(""));
}

/* ---- the fixture ------------------------------------------------------------------- */

static void test_fixture_seeds(void **state)
{
    (void)state;
    char err[256];
    struct store_resident r;
    struct store_dose d[STORE_DOSES_MAX];
    size_t n = 99;
    store *s = store_open(NULL, FIXTURE, err, sizeof err);
    assert_non_null(s);
    const struct store_config *c = store_get_config(s);
    assert_int_equal(c->open_min, 6 * 60 + 30);
    assert_int_equal(c->close_min, 23 * 60);
    assert_int_equal(c->fee_per_copy_yen, 120);
    assert_int_equal(c->max_copies, 5);
    assert_int_equal(store_municipality_count(s), 6);
    assert_string_equal(store_municipality_at(s, 0)->code, "011002"); /* sorted */
    assert_true(store_municipality_find(s, "131016")->participating);
    assert_false(store_municipality_find(s, "011002")->participating);
    assert_false(store_municipality_find(s, "131130")->participating);
    /* the title without the municipality's name: the page prints 「中央区　区長」 */
    assert_string_equal(store_municipality_find(s, "131024")->mayor_ja, "区長");
    assert_string_equal(store_municipality_find(s, "131024")->mayor_en, "Mayor");
    assert_null(store_municipality_find(s, "131032"));

    assert_int_equal(store_find_resident(s, "123456789018", &r), STORE_OK);
    assert_string_equal(r.name, "山田　太郎");
    assert_string_equal(r.birth_date, "1980-02-17");
    assert_true(r.has_passport);
    assert_string_equal(r.passport_number, "TZ1234567");
    assert_int_equal(store_find_resident(s, "987654321000", &r), STORE_OK);
    assert_false(r.has_passport);
    assert_int_equal(store_find_resident(s, "314159265352", &r), STORE_NOT_FOUND);

    assert_int_equal(store_doses(s, "123456789018", "131016", d, STORE_DOSES_MAX, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_string_equal(d[0].date, "2021-06-01");
    assert_string_equal(d[1].lot, "FA5678");
    assert_int_equal(store_doses(s, "123456789018", "131041", d, STORE_DOSES_MAX, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_string_equal(d[0].product_en, "Spikevax");
    assert_int_equal(store_doses(s, "123456789018", "131024", d, STORE_DOSES_MAX, &n), STORE_OK);
    assert_int_equal(n, 0);

    assert_int_equal(store_other_resident(s, "123456789018", "131016", true, &r), STORE_OK);
    assert_string_equal(r.name, "佐藤　花子");
    assert_int_equal(store_other_resident(s, "111222333446", "131130", false, &r), STORE_NOT_FOUND);
    store_close(s);
}

static void test_serials_and_completions(void **state)
{
    (void)state;
    char err[256], db[256];
    unsigned long serial = 0;
    bool inserted = false;
    snprintf(db, sizeof db, "%s/c.db", dir);
    store *s = store_open(db, FIXTURE, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(store_next_serial(s, "131016", 2026, &serial), STORE_OK);
    assert_int_equal(serial, 1);
    assert_int_equal(store_next_serial(s, "131016", 2026, &serial), STORE_OK);
    assert_int_equal(serial, 2);
    assert_int_equal(store_next_serial(s, "131016", 2027, &serial), STORE_OK);
    assert_int_equal(serial, 1);
    struct store_completion c = {"5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a10", "JP-131016-2026-000001", "printed",
                                 "kiosk-0001", 1, 120, 1795766400};
    assert_int_equal(store_add_completion(s, &c, &inserted), STORE_OK);
    assert_true(inserted);
    assert_int_equal(store_add_completion(s, &c, &inserted), STORE_OK);
    assert_false(inserted); /* same request_id and outcome */
    c.outcome = "refunded";
    assert_int_equal(store_add_completion(s, &c, &inserted), STORE_OK);
    assert_true(inserted);
    store_close(s);
    /* Reopened: the fixture is seeded again, the accounting persists. */
    s = store_open(db, FIXTURE, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(store_next_serial(s, "131016", 2026, &serial), STORE_OK);
    assert_int_equal(serial, 3);
    assert_int_equal(store_add_completion(s, &c, &inserted), STORE_OK);
    assert_false(inserted);
    store_close(s);
}

/* Load the real fixture, apply one change (a JSON Pointer-ish path and a
 * value), write it out, and expect store_open to refuse it with a reason
 * that mentions `want` and does not mention `secret`. */
static void expect_refused(const char *what, json_t *(*change)(json_t *root), const char *want, const char *secret)
{
    char path[256], err[512] = "";
    json_error_t jerr;
    json_t *root = json_load_file(FIXTURE, 0, &jerr);
    assert_non_null(root);
    root = change(root);
    snprintf(path, sizeof path, "%s/bad.json", dir);
    assert_int_equal(json_dump_file(root, path, 0), 0);
    json_decref(root);
    store *s = store_open(NULL, path, err, sizeof err);
    if (s || !strstr(err, want) || (secret && strstr(err, secret)))
        fail_msg("%s: got \"%s\"", what, s ? "(accepted)" : err);
}

static json_t *resident0(json_t *r) { return json_array_get(json_object_get(r, "residents"), 0); }
static json_t *dose0(json_t *r) { return json_array_get(json_object_get(r, "doses"), 0); }
static json_t *muni0(json_t *r) { return json_array_get(json_object_get(r, "municipalities"), 0); }

static json_t *ch_unknown_key(json_t *r) { json_object_set_new(r, "residentz", json_array()); return r; }
static json_t *ch_muni_check(json_t *r) { json_object_set_new(muni0(r), "code", json_string("011003")); return r; }
static json_t *ch_my_number_check(json_t *r)
{
    json_object_set_new(resident0(r), "my_number", json_string("123456789017"));
    return r;
}
static json_t *ch_birth(json_t *r) { json_object_set_new(resident0(r), "birth_date", json_string("1981-02-29")); return r; }
static json_t *ch_dose_muni(json_t *r) { json_object_set_new(dose0(r), "municipality", json_string("131032")); return r; }
static json_t *ch_dose_nobody(json_t *r) { json_object_set_new(dose0(r), "my_number", json_string("314159265352")); return r; }
static json_t *ch_dup_resident(json_t *r)
{
    json_array_append(json_object_get(r, "residents"), resident0(r));
    return r;
}
static json_t *ch_too_many_doses(json_t *r)
{
    for (int i = 0; i < STORE_FIXTURE_DOSES_MAX; i++)
        json_array_append_new(json_object_get(r, "doses"), json_deep_copy(dose0(r)));
    return r;
}
static json_t *ch_none_participating(json_t *r)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(r, "municipalities"), i, m) json_object_set_new(m, "participating", json_false());
    return r;
}
static json_t *ch_hours(json_t *r)
{
    json_t *h = json_object_get(json_object_get(r, "config"), "service_hours");
    json_object_set_new(h, "open", json_string("23:00"));
    return r;
}
static json_t *ch_fee(json_t *r) { json_object_set_new(json_object_get(r, "config"), "fee_per_copy_yen", json_integer(10001)); return r; }
static json_t *ch_passport(json_t *r)
{
    json_object_set_new(json_object_get(resident0(r), "passport"), "number", json_string("tz1234567"));
    return r;
}
static json_t *ch_roman(json_t *r) { json_object_set_new(resident0(r), "name_roman", json_string("Yamada Taro")); return r; }
static json_t *ch_roman_filler(json_t *r) { json_object_set_new(resident0(r), "name_roman", json_string("YAMADA<<TARO")); return r; }
static json_t *ch_country(json_t *r) { json_object_set_new(dose0(r), "country", json_string("JP")); return r; }
static json_t *ch_name_control(json_t *r) { json_object_set_new(resident0(r), "name", json_string("山田\n太郎")); return r; }
static json_t *ch_participating_type(json_t *r) { json_object_set_new(muni0(r), "participating", json_integer(1)); return r; }
static json_t *ch_lot(json_t *r) { json_object_set_new(dose0(r), "lot", json_string("FA 1234")); return r; }

static void test_broken_fixtures(void **state)
{
    (void)state;
    expect_refused("unknown key", ch_unknown_key, "unknown key", NULL);
    expect_refused("municipality check digit", ch_muni_check, "municipalities[0].code: wrong check digit", "011003");
    expect_refused("My Number check digit", ch_my_number_check, "residents[0].my_number: wrong check digit",
                   "123456789017");
    expect_refused("impossible birth date", ch_birth, "residents[0].birth_date", "1981-02-29");
    expect_refused("dose in an unknown municipality", ch_dose_muni, "doses[0]", "131032");
    expect_refused("dose of nobody", ch_dose_nobody, "doses[0]", "314159265352");
    expect_refused("duplicate resident", ch_dup_resident, "residents[6]", "123456789018");
    expect_refused("31 doses in one municipality", ch_too_many_doses, "more than 30", NULL);
    expect_refused("roman name with the MRZ filler", ch_roman_filler, "name_roman", "YAMADA<<TARO");
    expect_refused("dose country not alpha-3", ch_country, "doses[0].country", "JP");
    expect_refused("nobody participates", ch_none_participating, "none participates", NULL);
    expect_refused("open after close", ch_hours, "open < close", NULL);
    expect_refused("fee too high", ch_fee, "fee_per_copy_yen", NULL);
    expect_refused("passport lower case", ch_passport, "passport.number", "tz1234567");
    expect_refused("roman name mixed case", ch_roman, "name_roman", "Yamada");
    expect_refused("control character in a name", ch_name_control, "residents[0].name", "山田");
    expect_refused("participating not boolean", ch_participating_type, "participating", NULL);
    expect_refused("lot with a space", ch_lot, "doses[0].lot", "FA 1234");
}

/* The fixture with yamada's 131016 doses grown to 12 (10 more in 2023, one
 * given abroad) and a roman name using every allowed punctuation. */
static store *open_changed(json_t *(*change)(json_t *root))
{
    char path[256], err[512] = "";
    json_error_t jerr;
    json_t *root = json_load_file(FIXTURE, 0, &jerr);
    assert_non_null(root);
    root = change(root);
    snprintf(path, sizeof path, "%s/changed.json", dir);
    assert_int_equal(json_dump_file(root, path, 0), 0);
    json_decref(root);
    store *s = store_open(NULL, path, err, sizeof err);
    if (!s)
        fail_msg("refused: %s", err);
    return s;
}

static json_t *ch_many_doses(json_t *r)
{
    for (int i = 1; i <= 10; i++) {
        json_t *d = json_deep_copy(dose0(r));
        char date[11];
        snprintf(date, sizeof date, "2023-01-%02d", i);
        json_object_set_new(d, "date", json_string(date));
        if (i == 5)
            json_object_set_new(d, "country", json_string("USA"));
        json_array_append_new(json_object_get(r, "doses"), d);
    }
    json_object_set_new(resident0(r), "name_roman", json_string("O'BRIEN-YAMADA, TARO"));
    return r;
}

/* A certificate carries the requested municipality's doses, the latest 10
 * of them, in date order; seq is the place in the whole series (every
 * municipality); country defaults to JPN. */
static void test_doses_latest_and_seq(void **state)
{
    (void)state;
    struct store_dose d[STORE_DOSES_MAX];
    struct store_resident r;
    size_t n = 0;
    char err[256];
    store *s = store_open(NULL, FIXTURE, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(store_doses(s, "123456789018", "131041", d, STORE_DOSES_MAX, &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(d[0].seq, 3); /* after 131016's two */
    assert_string_equal(d[0].country, "JPN");
    assert_int_equal(store_doses(s, "123456789018", "131016", d, STORE_DOSES_MAX, &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(d[0].seq, 1);
    assert_int_equal(d[1].seq, 2);
    store_close(s);

    s = open_changed(ch_many_doses);
    assert_int_equal(store_doses(s, "123456789018", "131016", d, STORE_DOSES_MAX, &n), STORE_OK);
    assert_int_equal(n, 10);
    assert_string_equal(d[0].date, "2023-01-01"); /* the two of 2021 left out */
    assert_string_equal(d[9].date, "2023-01-10");
    for (size_t i = 0; i < n; i++)
        assert_int_equal(d[i].seq, (int)i + 4); /* 2021: 1, 2; 131041 in 2022: 3 */
    assert_string_equal(d[4].country, "USA");
    assert_string_equal(d[3].country, "JPN");
    assert_int_equal(store_doses(s, "123456789018", "131041", d, STORE_DOSES_MAX, &n), STORE_OK);
    assert_int_equal(d[0].seq, 3);
    assert_int_equal(store_doses(s, "123456789018", "131016", d, 3, &n), STORE_OK);
    assert_int_equal(n, 3);
    assert_string_equal(d[0].date, "2023-01-08"); /* any cap keeps the latest */
    assert_int_equal(store_find_resident(s, "123456789018", &r), STORE_OK);
    assert_string_equal(r.name_roman, "O'BRIEN-YAMADA, TARO");
    store_close(s);
}

static void test_fixture_file_errors(void **state)
{
    (void)state;
    char err[512], path[256];
    assert_null(store_open(NULL, "tests/centersim/fixtures/no-such-file.json", err, sizeof err));
    snprintf(path, sizeof path, "%s/bad.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"config\": 1, \"config\": 2}", f);
    fclose(f);
    assert_null(store_open(NULL, path, err, sizeof err)); /* duplicate keys */
}

/* ---- idempotency memory -------------------------------------------------------------- */

static struct idem_entry entry(const char *rid, const char *cert, int64_t at)
{
    struct idem_entry e;
    memset(&e, 0, sizeof e);
    snprintf(e.request_id, sizeof e.request_id, "%s", rid);
    snprintf(e.certificate_id, sizeof e.certificate_id, "%s", cert);
    e.issued_at = at;
    e.fingerprint[0] = 0xAB;
    return e;
}

static void test_idem(void **state)
{
    (void)state;
    idem *m = idem_new(3);
    struct idem_entry a = entry("5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a10", "JP-1", 1000);
    assert_true(idem_put(m, &a, 1000));
    const struct idem_entry *f = idem_find(m, a.request_id, 1599);
    assert_non_null(f);
    assert_string_equal(f->certificate_id, "JP-1");
    assert_int_equal(f->issued_at, 1000);
    assert_int_equal(f->fingerprint[0], 0xAB);
    assert_null(idem_find(m, "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a11", 1599));
    assert_null(idem_find(m, a.request_id, 1600)); /* 10 minutes */
    assert_int_equal(idem_count(m), 0);
    /* at most 3: the oldest goes first */
    static const char *const ids[] = {"00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002",
                                      "00000000-0000-4000-8000-000000000003", "00000000-0000-4000-8000-000000000004"};
    for (int i = 0; i < 4; i++) {
        struct idem_entry e = entry(ids[i], "JP-x", 2000 + i);
        assert_true(idem_put(m, &e, 2000 + i));
    }
    assert_int_equal(idem_count(m), 3);
    assert_null(idem_find(m, ids[0], 2004));
    assert_non_null(idem_find(m, ids[3], 2004));
    idem_free(m);
}

/* ---- faults ------------------------------------------------------------------------------- */

static void test_fault_specs(void **state)
{
    (void)state;
    struct fault_set f;
    char err[128];
    fault_clear(&f);
    assert_true(fault_parse(&f, "latency=250", err, sizeof err));
    assert_true(fault_parse(&f, "status=503", err, sizeof err));
    assert_true(fault_parse(&f, "malformed-json", err, sizeof err));
    assert_true(fault_parse(&f, "oversized-json", err, sizeof err));
    assert_true(fault_parse(&f, "bad-signature", err, sizeof err));
    assert_true(fault_parse(&f, "bad-seal", err, sizeof err));
    assert_true(fault_parse(&f, "other-person", err, sizeof err));
    assert_true(fault_parse(&f, "drop-mid-body", err, sizeof err));
    assert_true(fault_parse(&f, "fail-count=3", err, sizeof err));
    assert_int_equal(f.latency_ms, 250);
    assert_int_equal(f.status, 503);
    assert_int_equal(f.fail_count, 3);
    assert_true(f.malformed_json && f.oversized_json && f.bad_signature && f.bad_seal && f.other_person &&
                f.drop_mid_body);
    struct fault_set before = f;
    static const char *const bad[] = {"latency=", "latency=-1", "latency=60001", "latency=1x", "status=501",
                                      "status=404", "status=200", "fail-count=1001", "bogus", "", "bad-signature=1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(fault_parse(&f, bad[i], err, sizeof err));
        assert_memory_equal(&f, &before, sizeof f); /* unchanged */
    }
    fault_clear(&f);
    assert_int_equal(f.status, 0);
    assert_false(f.drop_mid_body);
}

/* ---- Japan time ---------------------------------------------------------------------------- */

static void test_japan_time(void **state)
{
    (void)state;
    char date[CLK_DATE_LEN + 1];
    int m = -1;
    assert_int_equal(clk_jst_minutes(1795766400), 17 * 60); /* 2026-11-27 08:00 UTC */
    assert_int_equal(clk_jst_minutes(1795795200), 1 * 60);  /* 2026-11-27 16:00 UTC */
    clk_jst_date(1795766400 - 17 * 3600, date);             /* midnight in Japan */
    assert_string_equal(date, "2026-11-27");
    clk_jst_date(1795766400 - 17 * 3600 - 1, date);
    assert_string_equal(date, "2026-11-26");
    assert_int_equal(clk_jst_year(1798729200), 2027); /* 2027-01-01 00:00 Japan time */
    assert_true(clk_parse_hhmm("06:30", &m));
    assert_int_equal(m, 390);
    assert_true(clk_parse_hhmm("24:00", &m)); /* only sensible as a closing time */
    assert_int_equal(m, 1440);
    assert_false(clk_parse_hhmm("24:01", &m));
    assert_false(clk_parse_hhmm("25:00", &m));
    assert_false(clk_parse_hhmm("6:30", &m));
    assert_false(clk_parse_hhmm("06:60", &m));
    assert_true(clk_valid_iso_date("2000-02-29"));
    assert_false(clk_valid_iso_date("1900-02-29"));
    assert_false(clk_valid_iso_date("2021-04-31"));
    assert_false(clk_valid_iso_date("2021-4-01"));
    assert_false(clk_valid_iso_date("1867-12-31"));
    clk_set(1795766400);
    assert_true(clk_now() - 1795766400 <= 1);
    clk_use_real();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_local_gov_codes),  cmocka_unit_test(test_fixture_seeds),
        cmocka_unit_test(test_serials_and_completions), cmocka_unit_test(test_broken_fixtures),
        cmocka_unit_test(test_doses_latest_and_seq),
        cmocka_unit_test(test_fixture_file_errors), cmocka_unit_test(test_idem),
        cmocka_unit_test(test_fault_specs),      cmocka_unit_test(test_japan_time),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
