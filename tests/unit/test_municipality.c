/* test_municipality.c — the municipality preselected from a card's address. */
#include "session/municipality.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static const struct center_municipality list[] = {
    {"131016", "千代田区", "Chiyoda City"}, {"131024", "中央区", "Chuo City"},
    {"271004", "大阪市", "Osaka City"},     {"271284", "中央区", "Chuo Ward, Osaka"},
    {"011002", "札幌市", "Sapporo City"},
};
#define N (sizeof list / sizeof list[0])

static void test_prefecture_then_name(void **state)
{
    (void)state;
    assert_int_equal(municipality_preselect(list, N, "東京都千代田区千代田１－１"), 0);
    assert_int_equal(municipality_preselect(list, N, "東京都中央区銀座１－１"), 1);
    assert_int_equal(municipality_preselect(list, N, "北海道札幌市中央区北１条西２"), 4);
    /* The name alone is not enough: it must follow its own prefecture. */
    assert_int_equal(municipality_preselect(list, N, "千代田区千代田１－１"), -1);
    assert_int_equal(municipality_preselect(list, N, "大阪府千代田区"), -1);
}

static void test_ambiguous_or_absent(void **state)
{
    (void)state;
    /* 大阪府大阪市中央区 lies in the city 大阪市; the ward entry 中央区 under
     * code 27 would need "大阪府中央区", which does not start the address. */
    assert_int_equal(municipality_preselect(list, N, "大阪府大阪市中央区本町"), 2);
    /* Two entries that both match: no preselection. */
    static const struct center_municipality twice[] = {{"131016", "千代田区", "A"}, {"131016", "千代田", "B"}};
    assert_int_equal(municipality_preselect(twice, 2, "東京都千代田区"), -1);
    assert_int_equal(municipality_preselect(list, N, "神奈川県横浜市"), -1);
    assert_int_equal(municipality_preselect(list, N, ""), -1);
    assert_int_equal(municipality_preselect(list, N, NULL), -1);
    assert_int_equal(municipality_preselect(NULL, 0, "東京都千代田区"), -1);
}

static void test_bad_codes_skipped(void **state)
{
    (void)state;
    static const struct center_municipality bad[] = {
        {"991234", "千代田区", "x"}, {"00abcd", "千代田区", "x"}, {"ab1016", "千代田区", "x"}, {"131016", "", "x"},
    };
    assert_int_equal(municipality_preselect(bad, 4, "東京都千代田区"), -1);
    assert_string_equal(municipality_prefecture(13), "東京都");
    assert_string_equal(municipality_prefecture(47), "沖縄県");
    assert_null(municipality_prefecture(0));
    assert_null(municipality_prefecture(48));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefecture_then_name),
        cmocka_unit_test(test_ambiguous_or_absent),
        cmocka_unit_test(test_bad_codes_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
