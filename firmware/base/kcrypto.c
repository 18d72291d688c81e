/* kcrypto.c — see kcrypto.h. */
#include "base/kcrypto.h"

#include <pthread.h>
#include <stdio.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <string.h>

#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 4096

bool kcrypto_sha256(const uint8_t *p, size_t len, uint8_t out[KCRYPTO_SHA256_LEN])
{
    unsigned int n = 0;
    return EVP_Digest(p, len, out, &n, EVP_sha256(), NULL) == 1 && n == KCRYPTO_SHA256_LEN;
}

static bool rsa_size_ok(const EVP_PKEY *k)
{
    if (!k || EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA)
        return false;
    int bits = EVP_PKEY_get_bits(k);
    return bits >= RSA_MIN_BITS && bits <= RSA_MAX_BITS;
}

kcrypto_key *kcrypto_rsa_from_parts(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len)
{
    if (!n || !e || n_len == 0 || e_len == 0 || e_len > 8 || n_len > RSA_MAX_BITS / 8 + 1)
        return NULL;
    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    BIGNUM *bn_n = BN_bin2bn(n, (int)n_len, NULL);
    BIGNUM *bn_e = BN_bin2bn(e, (int)e_len, NULL);
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (!bld || !bn_n || !bn_e || !ctx || !BN_is_odd(bn_n) || !BN_is_odd(bn_e) || BN_num_bits(bn_e) < 2 ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) ||
        !(params = OSSL_PARAM_BLD_to_param(bld)) || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
    if (key && !rsa_size_ok(key)) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    BN_free(bn_n);
    BN_free(bn_e);
    OSSL_PARAM_BLD_free(bld);
    return key;
}

/* Card-CA keys are read at every authentication: once per visit on a kiosk,
 * once per request in the reference center, where OpenSSL 3's PEM decoder
 * was a fifth of its time. The keys of the last few files read are
 * remembered by the SHA-256 of the file's bytes: a file that changed, even
 * in place within a clock tick, is decoded again. Public keys only. */
#define PEM_CACHE_SLOTS 4
#define PEM_FILE_MAX (16 * 1024)
static struct pem_slot {
    uint8_t digest[KCRYPTO_SHA256_LEN];
    EVP_PKEY *key;
} pem_cache[PEM_CACHE_SLOTS];
static unsigned pem_next;
static pthread_mutex_t pem_lock = PTHREAD_MUTEX_INITIALIZER;

kcrypto_key *kcrypto_rsa_load_pem(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    static _Thread_local char text[PEM_FILE_MAX + 1];
    size_t len = fread(text, 1, sizeof text, f);
    bool whole = !ferror(f) && len > 0 && len <= PEM_FILE_MAX;
    fclose(f);
    uint8_t digest[KCRYPTO_SHA256_LEN];
    if (!whole || !kcrypto_sha256((const uint8_t *)text, len, digest))
        return NULL;
    EVP_PKEY *key = NULL;
    pthread_mutex_lock(&pem_lock);
    for (unsigned i = 0; !key && i < PEM_CACHE_SLOTS; i++)
        if (pem_cache[i].key && !memcmp(pem_cache[i].digest, digest, sizeof digest) &&
            EVP_PKEY_up_ref(pem_cache[i].key) == 1)
            key = pem_cache[i].key;
    if (!key) {
        BIO *bio = BIO_new_mem_buf(text, (int)len);
        key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        if (key && !rsa_size_ok(key)) {
            EVP_PKEY_free(key);
            key = NULL;
        }
        if (key && EVP_PKEY_up_ref(key) == 1) {
            struct pem_slot *c = &pem_cache[pem_next++ % PEM_CACHE_SLOTS];
            EVP_PKEY_free(c->key);
            memcpy(c->digest, digest, sizeof digest);
            c->key = key;
        }
    }
    pthread_mutex_unlock(&pem_lock);
    return key;
}

bool kcrypto_rsa_verify_sha256(kcrypto_key *key, const uint8_t *msg, size_t msg_len,
                               const uint8_t *sig, size_t sig_len)
{
    if (!key || !sig || sig_len != (size_t)EVP_PKEY_get_size(key))
        return false;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    bool ok = md && EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_DigestVerify(md, sig, sig_len, msg, msg_len) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

bool kcrypto_random(uint8_t *p, size_t len) { return RAND_bytes(p, (int)len) == 1; }

void kcrypto_key_free(kcrypto_key *key) { EVP_PKEY_free(key); }

bool kcrypto_cert_is_ca(X509 *x)
{
    uint32_t ku = X509_get_key_usage(x); /* UINT32_MAX when absent */
    return X509_check_ca(x) != 0 ||
           ((X509_get_extension_flags(x) & EXFLAG_KUSAGE) && (ku & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)));
}

bool kcrypto_expect_peer_name(X509_VERIFY_PARAM *vp, const char *host)
{
    char bare[256];
    size_t n = strlen(host);
    if (n >= sizeof bare)
        return false;
    if (n > 2 && host[0] == '[' && host[n - 1] == ']') { /* [v6] */
        memcpy(bare, host + 1, n - 2);
        bare[n - 2] = '\0';
    } else {
        memcpy(bare, host, n + 1);
    }
    X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ASN1_OCTET_STRING *ip = a2i_IPADDRESS(bare);
    if (ip) {
        ASN1_OCTET_STRING_free(ip);
        return X509_VERIFY_PARAM_set1_ip_asc(vp, bare) == 1;
    }
    return X509_VERIFY_PARAM_set1_host(vp, bare, 0) == 1;
}
