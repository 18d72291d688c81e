/* fuzz_kenhojo_presence_key.c — kenhojo_parse_presence_key (EF 0007). */
#include "fuzz_common.h"
#include "card/kenhojo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kenhojo_presence_key pk;
    memset(&pk, 0xA5, sizeof pk);
    int rc = kenhojo_parse_presence_key(data, size, &pk);
    if (rc != KOFU_OK) {
        CHECK(rc == KOFU_E_CARD_DATA);
        CHECK(all_zero(&pk, sizeof pk));
        return 0;
    }
    CHECK(view_inside(data, size, pk.signed_object));
    CHECK(view_inside(data, size, pk.signature));
    const uint8_t *so = cur_data(&pk.signed_object);
    size_t sl = cur_len(&pk.signed_object);
    /* The whole DF51 object: its header, then the 90/91 key inside it. */
    CHECK(sl >= 3 && so[0] == 0xDF && so[1] == 0x51);
    CHECK(view_inside(so, sl, pk.key.n) && view_inside(so, sl, pk.key.e));
    CHECK(cur_data(&pk.key.n) + cur_len(&pk.key.n) == so + sl);
    CHECK(cur_len(&pk.key.e) >= 1 && cur_len(&pk.key.e) <= 8);
    CHECK(cur_len(&pk.key.n) >= 256 && cur_len(&pk.key.n) <= 513);
    CHECK(cur_len(&pk.signature) >= 256 && cur_len(&pk.signature) <= 512);
    CHECK(cur_data(&pk.signature) >= so + sl);
    return 0;
}
