/* sc_config.c — config.valid (docs/conformance.md): /config as kofu parses
 * it, and what the fixture says it lists (docs/center-protocol.md §2). */
#include "tests/conformance/kit.h"

#include "base/errors.h"

#include <stdio.h>
#include <string.h>

#define SECTION "§2 Kiosk configuration"
#define CONFIG_CAP (1024 * 1024)

void sc_config_valid(struct kit *k, struct kit_result *r)
{
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "config"};
    struct wire_resp a;
    char got[300];
    wire_call(k, &q, &a);
    if (!a.answered || a.status != 200)
        return (void)kit_fail(r, SECTION, "200 with the configuration", "%s", wire_describe(&a, got, sizeof got));
    if (a.len > CONFIG_CAP || a.truncated)
        return (void)kit_fail(r, "§1 Limits", "a /config body of at most 1 MiB", "%s bytes",
                              a.truncated ? "more than 1048577" : "more than 1048576");
    struct center_config c;
    int rc = center_parse_config(a.body, a.len, &c);
    if (rc != KOFU_OK)
        return (void)kit_fail(r, SECTION, "a configuration kofu's parser accepts (every field's type, length, range)",
                              "refused: %s (%zu bytes)", kofu_err_name(rc), a.len);
    /* Exactly the fixture's participating municipalities, with their names. */
    const json_t *ms = json_object_get(k->fx.records, "municipalities");
    size_t want = 0, i;
    json_t *m;
    json_array_foreach(ms, i, m) {
        if (!json_is_true(json_object_get(m, "participating")))
            continue;
        want++;
        const char *code = fixture_str(m, "code");
        size_t j = 0;
        while (j < c.n_municipalities && strcmp(c.municipalities[j].code, code) != 0)
            j++;
        if (j == c.n_municipalities) {
            kit_fail(r, SECTION, "every participating municipality of the fixture listed",
                     "%s (participating in the fixture) is missing", code);
            break;
        }
        if (strcmp(c.municipalities[j].name_ja, fixture_str(m, "name_ja")) != 0 ||
            strcmp(c.municipalities[j].name_en, fixture_str(m, "name_en")) != 0) {
            kit_fail(r, SECTION, "name_ja and name_en as the fixture has them", "other names for %s", code);
            break;
        }
    }
    if (r->status != KIT_FAIL && c.n_municipalities != want) {
        for (size_t j = 0; j < c.n_municipalities; j++)
            if (!fixture_participating(&k->fx, c.municipalities[j].code)) {
                kit_fail(r, SECTION, "only participating municipalities listed",
                         "%s is listed, which the fixture has as not participating (or not at all)",
                         c.municipalities[j].code);
                break;
            }
    }
    const json_t *fc = json_object_get(k->fx.records, "config");
    const json_t *fee = json_object_get(fc, "fee_per_copy_yen"), *maxc = json_object_get(fc, "max_copies");
    if (r->status != KIT_FAIL && json_is_integer(fee) && json_integer_value(fee) != c.fee_per_copy_yen)
        kit_fail(r, SECTION, "fee_per_copy_yen as the fixture's config has it", "%d (the fixture: %lld)",
                 c.fee_per_copy_yen, (long long)json_integer_value(fee));
    if (r->status != KIT_FAIL && json_is_integer(maxc) && json_integer_value(maxc) != c.max_copies)
        kit_fail(r, SECTION, "max_copies as the fixture's config has it", "%d (the fixture: %lld)", c.max_copies,
                 (long long)json_integer_value(maxc));
    center_config_free(&c);
}
