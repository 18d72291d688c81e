/* kcrypto_des.c — SHA-1, two-key 3DES-CBC and the retail MAC of kcrypto_sym.h. */
#include "base/kcrypto_sym.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#define DES_BLOCK 8

bool kcrypto_sha1(const uint8_t *p, size_t n, uint8_t out[KCRYPTO_SHA1_LEN])
{
    unsigned int len = 0;
    if (!p && n)
        return false;
    return EVP_Digest(p ? (const void *)p : "", n, out, &len, EVP_sha1(), NULL) == 1 &&
           len == KCRYPTO_SHA1_LEN;
}

/* n bytes (whole blocks) through DES-EDE-CBC; the context is freed, which
 * cleanses its key schedule. */
static bool ede_cbc(const uint8_t key[16], const uint8_t iv[DES_BLOCK], const uint8_t *in, uint8_t *out,
                    size_t n, bool enc)
{
    static const uint8_t zero[DES_BLOCK];
    if (n % DES_BLOCK != 0 || n > (size_t)INT32_MAX || !key || (n && (!in || !out)))
        return false;
    if (n == 0)
        return true;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    bool ok = ctx && EVP_CipherInit_ex(ctx, EVP_des_ede_cbc(), NULL, key, iv ? iv : zero, enc ? 1 : 0) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_CipherUpdate(ctx, out, &l1, in, (int)n) == 1 &&
              EVP_CipherFinal_ex(ctx, out + l1, &l2) == 1 && (size_t)l1 + (size_t)l2 == n;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

bool kcrypto_3des_cbc(const uint8_t key[16], const uint8_t iv[8], const uint8_t *in, uint8_t *out,
                      size_t n, bool enc)
{
    return ede_cbc(key, iv, in, out, n, enc);
}

/* ISO 9797-1 MAC algorithm 3 without single DES (which OpenSSL 3 keeps in
 * the legacy provider): EDE with K1‖K1 is E_K1, so the CBC chain under K1
 * runs as DES-EDE-CBC(K1‖K1) over all blocks but the last; the last block
 * then goes through DES-EDE-CBC(K1‖K2) chained on it, which is
 * E_K1(D_K2(E_K1(H ⊕ last))) — the algorithm's final transformation. */
bool kcrypto_retail_mac(const uint8_t key[16], const uint8_t *in, size_t n, uint8_t out[8])
{
    static const uint8_t zero[DES_BLOCK];
    if (!key || !in || !out || n == 0 || n % DES_BLOCK != 0 || n > (size_t)INT32_MAX)
        return false;
    uint8_t k11[16], chain[DES_BLOCK] = {0}, block[DES_BLOCK];
    memcpy(k11, key, 8);
    memcpy(k11 + 8, key, 8);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    bool ok = ctx && EVP_EncryptInit_ex(ctx, EVP_des_ede_cbc(), NULL, k11, zero) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1;
    /* The inner chain a block at a time through one context (which keeps
     * the CBC state), so that no buffer of n bytes is needed. */
    for (size_t off = 0; ok && off + DES_BLOCK < n; off += DES_BLOCK) {
        int l = 0;
        ok = EVP_EncryptUpdate(ctx, chain, &l, in + off, DES_BLOCK) == 1 && l == DES_BLOCK;
    }
    EVP_CIPHER_CTX_free(ctx);
    ok = ok && ede_cbc(key, chain, in + n - DES_BLOCK, block, DES_BLOCK, true);
    if (ok)
        memcpy(out, block, DES_BLOCK);
    OPENSSL_cleanse(k11, sizeof k11);
    OPENSSL_cleanse(chain, sizeof chain);
    OPENSSL_cleanse(block, sizeof block);
    return ok;
}
