/* fuzz_kenhojo_integrity.c — kenhojo_parse_integrity (EF 0003). */
#include "fuzz_common.h"
#include "card/kenhojo.h"

#include "base/kcrypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kenhojo_integrity in;
    memset(&in, 0xA5, sizeof in);
    int rc = kenhojo_parse_integrity(data, size, &in);
    if (rc != KOFU_OK) {
        CHECK(rc == KOFU_E_CARD_DATA);
        CHECK(all_zero(&in, sizeof in));
        return 0;
    }
    CHECK(view_inside(data, size, in.signed_part));
    CHECK(view_inside(data, size, in.my_number_hash));
    CHECK(view_inside(data, size, in.attributes_hash));
    CHECK(view_inside(data, size, in.signature));
    CHECK(cur_len(&in.my_number_hash) == KCRYPTO_SHA256_LEN);
    CHECK(cur_len(&in.attributes_hash) == KCRYPTO_SHA256_LEN);
    CHECK(cur_len(&in.signature) >= 256 && cur_len(&in.signature) <= 512);
    /* signed_part = DF31 TLV ‖ DF32 TLV: starts with DF31, both hashes in
     * it, ends exactly where DF32's value ends, and DF33 follows it. */
    const uint8_t *sp = cur_data(&in.signed_part);
    size_t sl = cur_len(&in.signed_part);
    CHECK(sl >= 70 && sp[0] == 0xDF && sp[1] == 0x31);
    CHECK(view_inside(sp, sl, in.my_number_hash) && view_inside(sp, sl, in.attributes_hash));
    CHECK(cur_data(&in.attributes_hash) + KCRYPTO_SHA256_LEN == sp + sl);
    CHECK(cur_data(&in.signature) > sp + sl);
    CHECK(sp[sl] == 0xDF && sp[sl + 1] == 0x33);
    return 0;
}
