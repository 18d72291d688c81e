/* fuzz_kenhojo_cv_cert.c — kenhojo_parse_cv_cert (EF 0004), and turning the
 * certified key into an OpenSSL key the way kenhojo_authenticate does. */
#include "fuzz_common.h"
#include "card/kenhojo.h"

#include "base/kcrypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kenhojo_cv_cert cv;
    memset(&cv, 0xA5, sizeof cv);
    int rc = kenhojo_parse_cv_cert(data, size, &cv);
    if (rc != KOFU_OK) {
        CHECK(rc == KOFU_E_CARD_DATA);
        CHECK(all_zero(&cv, sizeof cv));
        return 0;
    }
    CHECK(view_inside(data, size, cv.body));
    CHECK(view_inside(data, size, cv.signature));
    const uint8_t *body = cur_data(&cv.body);
    size_t bl = cur_len(&cv.body);
    CHECK(bl >= 2 * KENHOJO_KEY_ID_LEN + 2 + 1 + 3 + 256);
    CHECK(memcmp(cv.issuer_id, body, KENHOJO_KEY_ID_LEN) == 0);
    CHECK(memcmp(cv.subject_id, body + KENHOJO_KEY_ID_LEN, KENHOJO_KEY_ID_LEN) == 0);
    CHECK(view_inside(body, bl, cv.key.n) && view_inside(body, bl, cv.key.e));
    CHECK(cur_len(&cv.key.e) >= 1 && cur_len(&cv.key.e) <= 8);
    CHECK(cur_len(&cv.key.n) >= 256 && cur_len(&cv.key.n) <= 513);
    CHECK(cur_data(&cv.key.n) + cur_len(&cv.key.n) == body + bl); /* the key ends the body */
    CHECK(cur_len(&cv.signature) >= 256 && cur_len(&cv.signature) <= 512);
    CHECK(cur_data(&cv.signature) >= body + bl);
    kcrypto_key *k = kcrypto_rsa_from_parts(cur_data(&cv.key.n), cur_len(&cv.key.n), cur_data(&cv.key.e),
                                            cur_len(&cv.key.e));
    if (k) {
        /* Exercised for memory safety only: the outcome is the input's. */
        (void)kcrypto_rsa_verify_sha256(k, body, bl, cur_data(&cv.signature), cur_len(&cv.signature));
        kcrypto_key_free(k);
    }
    return 0;
}
