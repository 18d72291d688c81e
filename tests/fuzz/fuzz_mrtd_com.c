/* fuzz_mrtd_com.c — mrtd_parse_com (a passport chip's EF.COM). */
#include "fuzz_common.h"
#include "card/mrtd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t list[16];
    size_t n = 99;
    memset(list, 0xEE, sizeof list);
    int rc = mrtd_parse_com(data, size, list, &n);
    if (rc == KOFU_OK) {
        CHECK(n >= 1 && n <= 16);
        bool seen[17] = {false}, dg1 = false;
        for (size_t i = 0; i < n; i++) {
            CHECK(list[i] >= 1 && list[i] <= 16 && !seen[list[i]]);
            seen[list[i]] = true;
            dg1 = dg1 || list[i] == 1;
        }
        CHECK(dg1);
        CHECK(size >= 2 && data[0] == 0x60);
    } else {
        CHECK(rc == KOFU_E_PASSPORT_DATA);
    }
    return 0;
}
