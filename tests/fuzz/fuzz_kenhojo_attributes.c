/* fuzz_kenhojo_attributes.c — kenhojo_parse_attributes (EF 0002). */
#include "fuzz_common.h"
#include "card/kenhojo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kenhojo_attributes a;
    memset(&a, 0xA5, sizeof a);
    int rc = kenhojo_parse_attributes(data, size, &a);
    if (rc != KOFU_OK) {
        CHECK(rc == KOFU_E_CARD_DATA);
        CHECK(all_zero(&a, sizeof a)); /* no half-parsed resident data left behind */
        return 0;
    }
    CHECK(string_ok(a.name, sizeof a.name, KENHOJO_TEXT_MAX));
    CHECK(string_ok(a.address, sizeof a.address, KENHOJO_TEXT_MAX));
    CHECK(strnlen(a.birth_date, sizeof a.birth_date) == 8);
    for (size_t i = 0; i < 8; i++)
        CHECK(a.birth_date[i] >= '0' && a.birth_date[i] <= '9');
    CHECK(a.sex >= 0x20 && a.sex <= 0x7E);
    /* No control characters made it into the text. */
    for (const char *p = a.name; *p; p++)
        CHECK((unsigned char)*p >= 0x20 && *p != 0x7F);
    for (const char *p = a.address; *p; p++)
        CHECK((unsigned char)*p >= 0x20 && *p != 0x7F);
    /* The hashed span is inside the input, starts with DF22 and holds the
     * name and address as they were. */
    CHECK(view_inside(data, size, a.hashed));
    CHECK(cur_len(&a.hashed) >= 4 && cur_data(&a.hashed)[0] == 0xDF && cur_data(&a.hashed)[1] == 0x22);
    CHECK(memmem(cur_data(&a.hashed), cur_len(&a.hashed), a.name, strlen(a.name)) != NULL);
    CHECK(memmem(cur_data(&a.hashed), cur_len(&a.hashed), a.address, strlen(a.address)) != NULL);
    CHECK(memmem(cur_data(&a.hashed), cur_len(&a.hashed), a.birth_date, 8) != NULL);
    CHECK(size >= 3 && data[0] == 0xFF && data[1] == 0x20);
    return 0;
}
