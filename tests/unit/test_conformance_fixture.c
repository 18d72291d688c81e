/*
 * test_conformance_fixture.c — the conformance kit's committed fixture
 * (tests/conformance/fixture, docs/conformance.md): every card parses with
 * kofu's own card parsers, is authentic under the fixture's card CA (and
 * not under the test PKI's), and is the card of its cardsim resident file;
 * and the loader refuses what is not a card, naming the field.
 */
#include "tests/conformance/fixture.h"

#include "base/errors.h"
#include "base/vault.h"
#include "base/wipeheap.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define DIR "tests/conformance/fixture"
#define RECORDS "tests/centersim/fixtures/center.json"

static const char *const labels[] = {"blocked", "gaiji", "longname", "norecord", "suzuki", "takahashi", "yamada"};

static void test_every_card_loads_and_is_authentic(void **state)
{
    (void)state;
    struct kit_fixture f;
    char err[300] = "";
    int rc = fixture_load(&f, DIR, RECORDS, err, sizeof err);
    if (rc != KOFU_OK)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, KOFU_OK);
    assert_int_equal(f.n_cards, sizeof labels / sizeof labels[0]);
    for (size_t i = 0; i < f.n_cards; i++) {
        assert_string_equal(f.cards[i].label, labels[i]);
        enum kenhojo_auth why;
        assert_int_equal(kenhojo_authenticate(NULL, f.cards[i].data, DIR "/card-ca", false, &why), KOFU_OK);
        /* not under another card CA: the fixture's own key is what decides */
        char other[300];
        snprintf(other, sizeof other, "%s/pki/card-ca", getenv("KOFU_BUILD") ? getenv("KOFU_BUILD") : "build");
        assert_int_equal(kenhojo_authenticate(NULL, f.cards[i].data, other, false, &why),
                         KOFU_E_NOT_AUTHENTIC);
        assert_int_equal(why, KENHOJO_AUTH_CA_UNKNOWN);
    }
    fixture_free(&f);
}

/* Each card is its cardsim resident: My Number, name, birth date. */
static void test_cards_match_their_resident_files(void **state)
{
    (void)state;
    struct kit_fixture f;
    char err[300];
    assert_int_equal(fixture_load(&f, DIR, RECORDS, err, sizeof err), KOFU_OK);
    for (size_t i = 0; i < f.n_cards; i++) {
        char path[300];
        snprintf(path, sizeof path, DIR "/cards/%s.json", f.cards[i].label);
        json_t *card = json_load_file(path, 0, NULL);
        const char *res_path = json_string_value(json_object_get(card, "_resident"));
        assert_non_null(res_path);
        json_t *res = json_load_file(res_path, 0, NULL);
        assert_non_null(res);
        const struct kenhojo_card_data *d = f.cards[i].data;
        assert_string_equal(d->my_number, json_string_value(json_object_get(res, "my_number")));
        assert_string_equal(d->attributes.name, json_string_value(json_object_get(res, "name")));
        assert_string_equal(d->attributes.birth_date, json_string_value(json_object_get(res, "birth_date")));
        json_decref(res);
        json_decref(card);
    }
    /* The records' matches, which the kit's expectations rest on. */
    assert_non_null(fixture_resident(&f, fixture_card(&f, "yamada")->data));
    assert_null(fixture_resident(&f, fixture_card(&f, "norecord")->data));
    assert_null(fixture_resident(&f, fixture_card(&f, "blocked")->data)); /* yamada's number, another person */
    struct fixture_dose d[8];
    const json_t *yamada = fixture_resident(&f, fixture_card(&f, "yamada")->data);
    assert_int_equal(fixture_doses(&f, yamada, "131041", d, 8), 1);
    assert_int_equal(d[0].seq, 3); /* after the two in 131016: the whole series counts */
    assert_string_equal(d[0].country, "JPN");
    assert_int_equal(fixture_doses(&f, yamada, "131024", d, 8), 0);
    assert_true(fixture_participating(&f, "131016"));
    assert_false(fixture_participating(&f, "011002"));
    fixture_free(&f);
}

static const char *yamada_text(void)
{
    static char buf[8192];
    FILE *fp = fopen(DIR "/cards/yamada.json", "r");
    size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    if (fp)
        fclose(fp);
    buf[n] = '\0';
    return buf;
}

static void expect_refused(const char *text, const char *field)
{
    struct kenhojo_card_data *d = NULL;
    char err[300] = "";
    assert_int_equal(fixture_parse_card(text, strlen(text), &d, err, sizeof err), KOFU_E_CONFIG);
    assert_null(d);
    if (!strstr(err, field))
        fprintf(stderr, "reason \"%s\" does not name %s\n", err, field);
    assert_non_null(strstr(err, field));
}

/* One change at a time to the yamada card's text. */
static void with_member(const char *member, json_t *value, const char *field)
{
    json_t *root = json_loads(yamada_text(), 0, NULL);
    json_t *card = json_object_get(root, "card");
    if (value)
        json_object_set_new(card, member, value);
    else
        json_object_del(card, member);
    char *text = json_dumps(root, 0);
    expect_refused(text, field);
    json_text_free(text);
    json_decref(root);
}

static void test_loader_refusals(void **state)
{
    (void)state;
    struct kenhojo_card_data *d = NULL;
    char err[300];
    const char *ok = yamada_text();
    assert_int_equal(fixture_parse_card(ok, strlen(ok), &d, err, sizeof err), KOFU_OK); /* the base is good */
    expect_refused("[1, 2]", "not one JSON object");
    expect_refused("{\"card\": {}, \"extra\": 1}", "extra");
    expect_refused("{\"_about\": \"x\"}", "card");
    with_member("my_number", json_string("!!!!"), "card.my_number");
    with_member("attributes", json_string(""), "card.attributes");
    with_member("integrity", NULL, "card");
    with_member("cv_certificate", json_string("AAAA"), "card.cv_certificate");
    /* a valid base64 EF 0002 in place of EF 0001: the parser, not the decoder, refuses */
    json_t *root = json_loads(ok, 0, NULL);
    json_t *attr = json_incref(json_object_get(json_object_get(root, "card"), "attributes"));
    json_decref(root);
    with_member("my_number", attr, "card.my_number");
}

int main(void)
{
    wipeheap_install_json();
    if (vault_init(4 * 1024 * 1024) != KOFU_OK)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_card_loads_and_is_authentic),
        cmocka_unit_test(test_cards_match_their_resident_files),
        cmocka_unit_test(test_loader_refusals),
    };
    return cmocka_run_group_tests_name("the conformance fixture", tests, NULL, NULL);
}
