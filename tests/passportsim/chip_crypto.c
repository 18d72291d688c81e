/* chip_crypto.c — see chip_crypto.h. */
#define OPENSSL_SUPPRESS_DEPRECATED /* DES_*: single DES without the legacy provider */
#include "chip_crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/des.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <string.h>

size_t cc_pad(uint8_t *buf, size_t n, size_t block)
{
    buf[n++] = 0x80;
    while (n % block)
        buf[n++] = 0x00;
    return n;
}

long cc_unpad(const uint8_t *buf, size_t n)
{
    while (n > 0 && buf[n - 1] == 0x00)
        n--;
    if (n == 0 || buf[n - 1] != 0x80)
        return -1;
    return (long)n - 1;
}

void cc_kdf16(const uint8_t *seed, size_t n, uint32_t c, uint8_t out[16])
{
    uint8_t in[64], md[SHA_DIGEST_LENGTH];
    memcpy(in, seed, n);
    in[n] = (uint8_t)(c >> 24);
    in[n + 1] = (uint8_t)(c >> 16);
    in[n + 2] = (uint8_t)(c >> 8);
    in[n + 3] = (uint8_t)c;
    SHA1(in, n + 4, md);
    memcpy(out, md, 16);
    OPENSSL_cleanse(in, sizeof in);
    OPENSSL_cleanse(md, sizeof md);
}

static void cc_schedules(const uint8_t key[16], DES_key_schedule *k1, DES_key_schedule *k2)
{
    DES_cblock a, b;
    memcpy(a, key, 8);
    memcpy(b, key + 8, 8);
    DES_set_key_unchecked(&a, k1);
    DES_set_key_unchecked(&b, k2);
    OPENSSL_cleanse(a, sizeof a);
    OPENSSL_cleanse(b, sizeof b);
}

void cc_3des_cbc(const uint8_t key[16], const uint8_t *in, uint8_t *out, size_t n, bool enc)
{
    DES_key_schedule k1, k2;
    DES_cblock iv = {0};
    cc_schedules(key, &k1, &k2);
    DES_ede2_cbc_encrypt(in, out, (long)n, &k1, &k2, &iv, enc ? DES_ENCRYPT : DES_DECRYPT);
    OPENSSL_cleanse(&k1, sizeof k1);
    OPENSSL_cleanse(&k2, sizeof k2);
}

void cc_retail_mac(const uint8_t key[16], const uint8_t *in, size_t n, uint8_t out[8])
{
    DES_key_schedule k1, k2;
    DES_cblock h = {0}, x;
    cc_schedules(key, &k1, &k2);
    /* single-DES CBC under K1 over every block ... */
    for (size_t off = 0; off < n; off += 8) {
        for (int i = 0; i < 8; i++)
            x[i] = h[i] ^ in[off + i];
        DES_ecb_encrypt(&x, &h, &k1, DES_ENCRYPT);
    }
    /* ... then the output transformation: decrypt with K2, encrypt with K1 */
    DES_ecb_encrypt(&h, &x, &k2, DES_DECRYPT);
    DES_ecb_encrypt(&x, &h, &k1, DES_ENCRYPT);
    memcpy(out, h, 8);
    OPENSSL_cleanse(&k1, sizeof k1);
    OPENSSL_cleanse(&k2, sizeof k2);
    OPENSSL_cleanse(x, sizeof x);
}

static bool cc_aes(const EVP_CIPHER *c, const uint8_t key[16], const uint8_t *iv, const uint8_t *in, uint8_t *out,
                   size_t n, bool enc)
{
    static const uint8_t zero[16];
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    bool ok = ctx && EVP_CipherInit_ex(ctx, c, NULL, key, iv ? iv : zero, enc) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 && EVP_CipherUpdate(ctx, out, &l1, in, (int)n) == 1 &&
              EVP_CipherFinal_ex(ctx, out + l1, &l2) == 1 && (size_t)(l1 + l2) == n;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

bool cc_aes_cbc(const uint8_t key[16], const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t n, bool enc)
{
    return cc_aes(EVP_aes_128_cbc(), key, iv, in, out, n, enc);
}

bool cc_aes_block(const uint8_t key[16], const uint8_t in[16], uint8_t out[16])
{
    return cc_aes(EVP_aes_128_ecb(), key, NULL, in, out, 16, true);
}

bool cc_cmac8(const uint8_t key[16], const uint8_t *in, size_t n, uint8_t out[8])
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    char cipher[] = "AES-128-CBC";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0), OSSL_PARAM_END};
    uint8_t full[16];
    size_t len = 0;
    bool ok = ctx && EVP_MAC_init(ctx, key, 16, params) == 1 && EVP_MAC_update(ctx, in, n) == 1 &&
              EVP_MAC_final(ctx, full, &len, sizeof full) == 1 && len == 16;
    if (ok)
        memcpy(out, full, 8);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return ok;
}
