/* fuzz_kenhojo_my_number.c — kenhojo_parse_my_number (EF 0001). */
#include "fuzz_common.h"
#include "card/kenhojo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char out[KENHOJO_MY_NUMBER_LEN + 1];
    memset(out, 'S', sizeof out);
    int rc = kenhojo_parse_my_number(data, size, out);
    if (rc == KOFU_OK) {
        CHECK(strnlen(out, sizeof out) == KENHOJO_MY_NUMBER_LEN);
        for (size_t i = 0; i < KENHOJO_MY_NUMBER_LEN; i++)
            CHECK(out[i] >= '0' && out[i] <= '9');
        CHECK(kenhojo_my_number_valid(out));
        /* The digits are the input's own, right after a FF10 header. */
        CHECK(size >= 3 + KENHOJO_MY_NUMBER_LEN && data[0] == 0xFF && data[1] == 0x10);
        CHECK(memmem(data, size, out, KENHOJO_MY_NUMBER_LEN) != NULL);
        /* At most 16 bytes follow the TLV. */
        CHECK(size <= 6 + KENHOJO_MY_NUMBER_LEN + 16);
    } else {
        CHECK(rc == KOFU_E_CARD_DATA);
        /* Either untouched or wiped: never a half-written number. */
        bool untouched = true;
        for (size_t i = 0; i < sizeof out; i++)
            untouched = untouched && out[i] == 'S';
        CHECK(untouched || all_zero(out, sizeof out));
    }
    return 0;
}
