/* fuzz_card_access.c — icao_card_access_parse (EF.CardAccess, a DER SET OF
 * SecurityInfo) on arbitrary bytes: only KOFU_OK or KOFU_E_PASSPORT_DATA; a
 * refusal never reports a find and leaves the output untouched; a find is a
 * PACEInfo kofu speaks, copied from the input, consistent in itself, and
 * found again when written out alone; a well-formed file cut by one byte is
 * malformed; the same input always gives the same answer. */
#include "fuzz_common.h"
#include "card/icao_pace.h"

#include <openssl/ec.h>

static const uint8_t ID_PACE_ECDH_GM[] = {0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02};

static void check_info(const struct icao_pace_info *pi, const uint8_t *data, size_t size)
{
    CHECK(pi->oid_len == sizeof ID_PACE_ECDH_GM + 1);
    CHECK(memcmp(pi->oid, ID_PACE_ECDH_GM, sizeof ID_PACE_ECDH_GM) == 0);
    uint8_t cipher = pi->oid[9];
    CHECK(cipher >= 2 && cipher <= 4);
    CHECK(pi->key_len == 16u + 8u * (size_t)(cipher - 2));
    CHECK(pi->parameter_id >= 8 && pi->parameter_id <= 18);
    EC_GROUP *g = EC_GROUP_new_by_curve_name(pi->curve_nid);
    CHECK(g != NULL);
    EC_GROUP_free(g);
    /* The OID is the input's own, behind its 06 0A header. */
    uint8_t tlv[12] = {0x06, 0x0A};
    memcpy(tlv + 2, pi->oid, 10);
    CHECK(memmem(data, size, tlv, sizeof tlv) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct icao_pace_info pi, again;
    memset(&pi, 0xA5, sizeof pi);
    bool found = true, found2 = true;
    int rc = icao_card_access_parse(data, size, &pi, &found);
    CHECK(rc == KOFU_OK || rc == KOFU_E_PASSPORT_DATA);
    if (rc != KOFU_OK || !found) {
        CHECK(!found);
        uint8_t untouched[sizeof pi];
        memset(untouched, 0xA5, sizeof untouched);
        CHECK(memcmp(&pi, untouched, sizeof pi) == 0);
    } else {
        check_info(&pi, data, size);
        /* The chosen PACEInfo alone is found again, the same. */
        uint8_t one[22] = {0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                           0x02, 0x01, 0x02, 0x02, 0x01, (uint8_t)pi.parameter_id};
        memcpy(one + 6, pi.oid, 10);
        CHECK(icao_card_access_parse(one, sizeof one, &again, &found2) == KOFU_OK && found2);
        CHECK(memcmp(&again, &pi, sizeof pi) == 0);
    }
    if (rc == KOFU_OK && size > 0)
        CHECK(icao_card_access_parse(data, size - 1, &again, &found2) == KOFU_E_PASSPORT_DATA && !found2);
    /* Deterministic. */
    memset(&again, 0xA5, sizeof again);
    CHECK(icao_card_access_parse(data, size, &again, &found2) == rc && found2 == found);
    CHECK(memcmp(&again, &pi, sizeof pi) == 0);
    return 0;
}
