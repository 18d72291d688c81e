/*
 * fuzz_service_state.c — the state file's text form (diag/service_state.h)
 * on arbitrary bytes, as a damaged or tampered file would hold them.
 * Checks: a refused input leaves the state zeroed; an accepted one formats
 * to the one fixed size and parses back to exactly the same state (so the
 * kiosk's rewrite keeps what it read).
 */
#include "fuzz_common.h"
#include "base/errors.h"
#include "diag/service_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[8192], zero_buf[8192];
    struct service_state st, back, zero = {0};
    kofu_cur in;
    cur_init(&in, data, size);
    int rc = service_state_parse(in, &st);
    CHECK(rc == KOFU_OK || rc == KOFU_E_CONFIG);
    if (rc != KOFU_OK) {
        CHECK(all_zero(&st, sizeof st));
        return 0;
    }
    CHECK(st.c.since >= 0 && st.l.locked_until >= 0);
    int n = service_state_format(&st, buf, sizeof buf);
    CHECK(n > 0);
    CHECK(service_state_format(&zero, zero_buf, sizeof zero_buf) == n);
    cur_init(&in, (const uint8_t *)buf, (size_t)n);
    CHECK(service_state_parse(in, &back) == KOFU_OK);
    CHECK(memcmp(&st, &back, sizeof st) == 0);
    return 0;
}
