/* fuzz_keys.h — the fixed P-256 keys and X.509 certificates the verifying
 * fuzz targets (fuzz_sod, fuzz_vds, fuzz_shc) sign their inputs with.
 *
 * A key is derived from a seed string and a certificate made with fixed
 * names and dates, so that no key material is committed and a seed
 * corpus's signatures and chains hold in every run. */
#ifndef KOFU_FUZZ_KEYS_H
#define KOFU_FUZZ_KEYS_H

#include "fuzz_common.h"

#include "base/kcrypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <time.h>

#define FUZZ_NOT_BEFORE ((time_t)1577836800) /* 2020-01-01 */
#define FUZZ_NOT_AFTER ((time_t)4102444800)  /* 2100-01-01 */

/* A P-256 key whose private scalar is SHA-256(seed): the same key in every
 * run, and in the generator of the seed corpus. */
static inline EVP_PKEY *fuzz_fixed_key(const char *seed)
{
    uint8_t d[32], pub[65];
    CHECK(kcrypto_sha256((const uint8_t *)seed, strlen(seed), d));
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    BIGNUM *priv = BN_bin2bn(d, sizeof d, NULL);
    EC_POINT *pt = g ? EC_POINT_new(g) : NULL;
    CHECK(g && priv && pt && EC_POINT_mul(g, pt, priv, NULL, NULL, NULL) == 1);
    CHECK(EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof pub, NULL) == sizeof pub);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    CHECK(bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
          OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) &&
          OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub));
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *key = NULL;
    CHECK(params && ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
          EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) == 1);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EC_POINT_free(pt);
    BN_free(priv);
    EC_GROUP_free(g);
    return key;
}

static inline void fuzz_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    CHECK(e && X509_add_ext(x, e, -1) == 1);
    X509_EXTENSION_free(e);
}

/* A certificate C=JP, CN=cn for key, valid 2020 to 2100, signed by
 * issuer_key under issuer's name (issuer NULL: a self-signed CA), with an
 * authority key identifier when aki (the seed corpora were made with the
 * certificates as they are: fuzz_vds's with one, fuzz_sod's without). */
static inline X509 *fuzz_fixed_cert(const char *cn, long serial, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key,
                                    bool aki)
{
    X509 *x = X509_new();
    CHECK(x && X509_set_version(x, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(x), serial) == 1);
    CHECK(ASN1_TIME_set(X509_getm_notBefore(x), FUZZ_NOT_BEFORE) && ASN1_TIME_set(X509_getm_notAfter(x), FUZZ_NOT_AFTER));
    X509_NAME *name = X509_get_subject_name(x);
    CHECK(X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"JP", -1, -1, 0) == 1 &&
          X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) == 1);
    CHECK(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1 && X509_set_pubkey(x, key) == 1);
    X509 *ext_issuer = issuer ? issuer : x;
    fuzz_add_ext(x, ext_issuer, NID_basic_constraints, issuer ? "critical,CA:FALSE" : "critical,CA:TRUE");
    fuzz_add_ext(x, ext_issuer, NID_key_usage, issuer ? "critical,digitalSignature" : "critical,keyCertSign,cRLSign");
    fuzz_add_ext(x, ext_issuer, NID_subject_key_identifier, "hash");
    if (aki)
        fuzz_add_ext(x, ext_issuer, NID_authority_key_identifier, "keyid:always");
    CHECK(X509_sign(x, issuer_key, EVP_sha256()) > 0);
    return x;
}

#endif
