/* kcrypto_aes.c — AES-CBC, the AES block, AES-CMAC and the digests by OID of kcrypto_sym.h. */
#include "base/kcrypto_sym.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

#define AES_BLOCK 16

static const EVP_CIPHER *aes_cbc_of(size_t key_len)
{
    switch (key_len) {
    case 16: return EVP_aes_128_cbc();
    case 24: return EVP_aes_192_cbc();
    case 32: return EVP_aes_256_cbc();
    default: return NULL;
    }
}

static const EVP_CIPHER *aes_ecb_of(size_t key_len)
{
    switch (key_len) {
    case 16: return EVP_aes_128_ecb();
    case 24: return EVP_aes_192_ecb();
    case 32: return EVP_aes_256_ecb();
    default: return NULL;
    }
}

static bool run(const EVP_CIPHER *c, const uint8_t *key, const uint8_t *iv, const uint8_t *in, uint8_t *out,
                size_t n, bool enc)
{
    if (!c || !key || n % AES_BLOCK != 0 || n > (size_t)INT32_MAX || (n && (!in || !out)))
        return false;
    if (n == 0)
        return true;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    bool ok = ctx && EVP_CipherInit_ex(ctx, c, NULL, key, iv, enc ? 1 : 0) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_CipherUpdate(ctx, out, &l1, in, (int)n) == 1 &&
              EVP_CipherFinal_ex(ctx, out + l1, &l2) == 1 && (size_t)l1 + (size_t)l2 == n;
    EVP_CIPHER_CTX_free(ctx); /* cleanses the key schedule */
    return ok;
}

bool kcrypto_aes_cbc(const uint8_t *key, size_t key_len, const uint8_t iv[16], const uint8_t *in,
                     uint8_t *out, size_t n, bool enc)
{
    static const uint8_t zero[AES_BLOCK];
    return run(aes_cbc_of(key_len), key, iv ? iv : zero, in, out, n, enc);
}

bool kcrypto_aes_block(const uint8_t *key, size_t key_len, const uint8_t in[16], uint8_t out[16])
{
    return run(aes_ecb_of(key_len), key, NULL, in, out, AES_BLOCK, true);
}

bool kcrypto_aes_cmac(const uint8_t *key, size_t key_len, const uint8_t *in, size_t n,
                      uint8_t out[16])
{
    const char *cipher = key_len == 16 ? "AES-128-CBC"
                       : key_len == 24 ? "AES-192-CBC"
                       : key_len == 32 ? "AES-256-CBC"
                                       : NULL;
    if (!cipher || !key || !out || (n && !in))
        return false;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)(uintptr_t)cipher, 0),
        OSSL_PARAM_construct_end(),
    };
    uint8_t tag[AES_BLOCK];
    size_t len = 0;
    bool ok = ctx && EVP_MAC_init(ctx, key, key_len, params) == 1 &&
              (n == 0 || EVP_MAC_update(ctx, in, n) == 1) &&
              EVP_MAC_final(ctx, tag, &len, sizeof tag) == 1 && len == AES_BLOCK;
    if (ok)
        memcpy(out, tag, AES_BLOCK);
    OPENSSL_cleanse(tag, sizeof tag);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ok;
}

/* The digest algorithms an LDS security object may name, by the content
 * bytes of their OIDs (id-sha1 1.3.14.3.2.26, id-sha224/256/384/512
 * 2.16.840.1.101.3.4.2.4/1/2/3). Compared as bytes: no OID text parsing on
 * outside input. */
static const struct {
    uint8_t oid[9];
    size_t len;
    const EVP_MD *(*md)(void);
} digests[] = {
    {{0x2B, 0x0E, 0x03, 0x02, 0x1A}, 5, EVP_sha1},
    {{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04}, 9, EVP_sha224},
    {{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}, 9, EVP_sha256},
    {{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02}, 9, EVP_sha384},
    {{0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03}, 9, EVP_sha512},
};

bool kcrypto_digest_by_oid(const uint8_t *oid, size_t oid_len, const uint8_t *msg, size_t n,
                           uint8_t *out, size_t *out_len)
{
    if (!oid || !out || !out_len || (n && !msg))
        return false;
    for (size_t i = 0; i < sizeof digests / sizeof digests[0]; i++) {
        if (oid_len != digests[i].len || memcmp(oid, digests[i].oid, oid_len) != 0)
            continue;
        unsigned int len = 0;
        if (EVP_Digest(msg ? (const void *)msg : "", n, out, &len, digests[i].md(), NULL) != 1 ||
            len > KCRYPTO_DIGEST_MAX)
            return false;
        *out_len = len;
        return true;
    }
    return false;
}
