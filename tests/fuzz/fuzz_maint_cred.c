/*
 * fuzz_maint_cred.c — a line of the maintenance credential file
 * (diag/maint_cred.h) on arbitrary bytes, as a damaged or hostile file
 * would hold it. Checks: a refused line leaves the id 0; an accepted one
 * has an id of 1..MAINT_ID_DIGITS digits, fits MAINT_LINE_MAX, and its PHC
 * string lies within the cost bounds (so no line can make a verification
 * run for minutes or allocate gigabytes). No KDF is run here.
 */
#include "fuzz_common.h"
#include "base/errors.h"
#include "diag/maint_cred.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kofu_cur line;
    cur_init(&line, data, size);
    uint32_t id = 12345;
    int rc = maint_cred_parse_line(line, &id);
    CHECK(rc == KOFU_OK || rc == KOFU_E_CONFIG);
    if (rc != KOFU_OK) {
        CHECK(id == 0);
        return 0;
    }
    CHECK(size <= MAINT_LINE_MAX);
    CHECK(id >= 1 && id <= 99999999u);
    /* The PHC string after "ID ": within the bounds. */
    const uint8_t *sp = memchr(data, ' ', size);
    CHECK(sp != NULL);
    kofu_cur phc;
    cur_init(&phc, sp + 1, size - (size_t)(sp + 1 - data));
    struct maint_phc ph;
    CHECK(maint_cred_parse_phc(phc, &ph) == KOFU_OK);
    CHECK(ph.salt_len >= MAINT_SALT_MIN && ph.salt_len <= MAINT_PHC_BYTES_MAX);
    CHECK(ph.hash_len >= MAINT_HASH_MIN && ph.hash_len <= MAINT_PHC_BYTES_MAX);
    if (ph.alg == MAINT_PBKDF2_SHA256)
        CHECK(ph.iter >= MAINT_PBKDF2_ITER_MIN && ph.iter <= MAINT_PBKDF2_ITER_MAX);
    else
        CHECK(ph.ln >= MAINT_SCRYPT_LN_MIN && ph.ln <= MAINT_SCRYPT_LN_MAX && ph.r >= 1 && ph.p >= 1 &&
              ((uint64_t)128 * ph.r << ph.ln) <= MAINT_SCRYPT_MEM_MAX);
    return 0;
}
