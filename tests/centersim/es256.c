/* es256.c — see es256.h. */
#include "es256.h"

#include "base/b64.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

static bool es256_is_p256(const EVP_PKEY *key)
{
    char group[32];
    size_t glen = 0;
    return key && EVP_PKEY_is_a(key, "EC") &&
           EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                          &glen) == 1 &&
           strcmp(group, "prime256v1") == 0;
}

EVP_PKEY *es256_load_private(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (key && !es256_is_p256(key)) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    return key;
}

EVP_PKEY *es256_public_from_xy(const uint8_t x[ES256_COORD_LEN], const uint8_t y[ES256_COORD_LEN])
{
    uint8_t point[1 + 2 * ES256_COORD_LEN];
    point[0] = 0x04; /* uncompressed */
    memcpy(point + 1, x, ES256_COORD_LEN);
    memcpy(point + 1 + ES256_COORD_LEN, y, ES256_COORD_LEN);
    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!bld || !ctx ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)) || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    /* fromdata does not check the point is on the curve; a public check does. */
    if (key) {
        EVP_PKEY_CTX *check = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
        bool on_curve = check && EVP_PKEY_public_check(check) == 1;
        EVP_PKEY_CTX_free(check);
        if (!on_curve) {
            EVP_PKEY_free(key);
            key = NULL;
        }
    }
    return key;
}

bool es256_public_xy(const EVP_PKEY *key, uint8_t x[ES256_COORD_LEN], uint8_t y[ES256_COORD_LEN])
{
    BIGNUM *bx = NULL, *by = NULL;
    bool ok = es256_is_p256(key) && EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &bx) == 1 &&
              EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &by) == 1 &&
              BN_bn2binpad(bx, x, ES256_COORD_LEN) == ES256_COORD_LEN &&
              BN_bn2binpad(by, y, ES256_COORD_LEN) == ES256_COORD_LEN;
    BN_free(bx);
    BN_free(by);
    return ok;
}

bool es256_der_to_raw(const uint8_t *der, size_t len, uint8_t raw[ES256_SIG_LEN])
{
    const unsigned char *p = der;
    if (len == 0 || len > ES256_DER_MAX)
        return false;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
    bool ok = sig && p == der + len; /* nothing may follow the signature */
    if (ok) {
        const BIGNUM *r = NULL, *s = NULL;
        ECDSA_SIG_get0(sig, &r, &s);
        ok = !BN_is_negative(r) && !BN_is_negative(s) && !BN_is_zero(r) && !BN_is_zero(s) &&
             BN_bn2binpad(r, raw, ES256_COORD_LEN) == ES256_COORD_LEN &&
             BN_bn2binpad(s, raw + ES256_COORD_LEN, ES256_COORD_LEN) == ES256_COORD_LEN;
    }
    ECDSA_SIG_free(sig);
    return ok;
}

size_t es256_raw_to_der(const uint8_t raw[ES256_SIG_LEN], uint8_t *der, size_t cap)
{
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, ES256_COORD_LEN, NULL);
    BIGNUM *s = BN_bin2bn(raw + ES256_COORD_LEN, ES256_COORD_LEN, NULL);
    size_t out = 0;
    if (sig && r && s && !BN_is_zero(r) && !BN_is_zero(s) && ECDSA_SIG_set0(sig, r, s) == 1) {
        r = s = NULL; /* owned by sig now */
        int n = i2d_ECDSA_SIG(sig, NULL);
        if (n > 0 && (size_t)n <= cap) {
            unsigned char *p = der;
            out = i2d_ECDSA_SIG(sig, &p) == n ? (size_t)n : 0;
        }
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return out;
}

bool es256_sign(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t sig[ES256_SIG_LEN])
{
    uint8_t der[ES256_DER_MAX];
    size_t der_len = sizeof der;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestSign(md, der, &der_len, msg, len) == 1 && es256_der_to_raw(der, der_len, sig);
    EVP_MD_CTX_free(md);
    return ok;
}

bool es256_verify(EVP_PKEY *key, const uint8_t *msg, size_t len, const uint8_t sig[ES256_SIG_LEN])
{
    uint8_t der[ES256_DER_MAX];
    size_t der_len = es256_raw_to_der(sig, der, sizeof der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = der_len > 0 && md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
              EVP_DigestVerify(md, der, der_len, msg, len) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

bool es256_jwk_thumbprint(const uint8_t x[ES256_COORD_LEN], const uint8_t y[ES256_COORD_LEN],
                          char kid[ES256_KID_LEN + 1])
{
    /* RFC 7638 §3.2: the required members only, sorted, no whitespace. */
    char bx[ES256_KID_LEN + 1], by[ES256_KID_LEN + 1], jwk[160];
    uint8_t digest[32];
    unsigned int dlen = 0;
    if (!b64_encode(x, ES256_COORD_LEN, bx, sizeof bx, true) ||
        !b64_encode(y, ES256_COORD_LEN, by, sizeof by, true))
        return false;
    int n = snprintf(jwk, sizeof jwk, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", bx, by);
    return n > 0 && (size_t)n < sizeof jwk &&
           EVP_Digest(jwk, (size_t)n, digest, &dlen, EVP_sha256(), NULL) == 1 && dlen == sizeof digest &&
           b64_encode(digest, sizeof digest, kid, ES256_KID_LEN + 1, true);
}
