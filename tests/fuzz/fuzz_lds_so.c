/* fuzz_lds_so.c — mrtd_lds_so_parse (the LDS security object inside EF.SOD).
 *
 * The input is the DER as the SOD's signature covers it. Checked: every view
 * it returns lies inside the input, only data groups 1..16 carry a hash, each
 * hash is 1..64 bytes and of the algorithm's length when kofu knows the
 * algorithm, and a refusal leaves the output zeroed. */
#include "fuzz_common.h"
#include "card/mrtd_pa.h"

#include "base/kcrypto_sym.h"

static kofu_cur view(const uint8_t *p, size_t n)
{
    kofu_cur c;
    cur_init(&c, p, n);
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mrtd_lds_so so;
    memset(&so, 0xA5, sizeof so);
    int rc = mrtd_lds_so_parse(data, size, &so);
    if (rc != KOFU_OK) {
        CHECK(rc == KOFU_E_PASSPORT_DATA);
        CHECK(all_zero(&so, sizeof so));
        return 0;
    }
    CHECK(so.hash_oid && so.hash_oid_len > 0 && view_inside(data, size, view(so.hash_oid, so.hash_oid_len)));
    uint8_t d[KCRYPTO_DIGEST_MAX];
    size_t want = 0;
    if (!kcrypto_digest_by_oid(so.hash_oid, so.hash_oid_len, NULL, 0, d, &want))
        want = 0;
    CHECK(so.hashes[0] == NULL && so.hash_len[0] == 0);
    for (int dg = 1; dg <= 16; dg++) {
        if (!so.hashes[dg]) {
            CHECK(so.hash_len[dg] == 0);
            continue;
        }
        CHECK(so.hash_len[dg] >= 1 && so.hash_len[dg] <= KCRYPTO_DIGEST_MAX);
        CHECK(want == 0 || so.hash_len[dg] == want);
        CHECK(view_inside(data, size, view(so.hashes[dg], so.hash_len[dg])));
    }
    return 0;
}
