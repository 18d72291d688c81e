/* keys.c — test keys and certificates (tests/lib/keys.h). */
#include "tests/lib/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <zlib.h>

char *kt_b64url(const void *p, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    if (!out)
        return NULL;
    int len = EVP_EncodeBlock((unsigned char *)out, p, (int)n);
    if (len < 0) {
        free(out);
        return NULL;
    }
    while (len > 0 && out[len - 1] == '=')
        len--;
    out[len] = '\0';
    for (char *c = out; *c; c++)
        *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    return out;
}

bool kt_es256_sign(EVP_PKEY *k, const void *msg, size_t n, uint8_t raw[64], uint8_t der[80], size_t *der_len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t buf[80];
    size_t bl = sizeof buf;
    bool ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
              EVP_DigestSign(md, buf, &bl, msg, n) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        return false;
    const unsigned char *p = buf;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)bl);
    ok = s && BN_bn2binpad(ECDSA_SIG_get0_r(s), raw, 32) == 32 &&
         BN_bn2binpad(ECDSA_SIG_get0_s(s), raw + 32, 32) == 32;
    ECDSA_SIG_free(s);
    if (ok && der) {
        memcpy(der, buf, bl);
        *der_len = bl;
    }
    return ok;
}

EVP_PKEY *kt_load_key(const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    EVP_PKEY *key = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return key;
}

X509 *kt_load_cert(const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return x;
}

EVP_PKEY *kt_ec_key_pem(const char *dir, const char *name)
{
    char path[512];
    EVP_PKEY *key = EVP_EC_gen("P-256");
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = key ? fopen(path, "w") : NULL;
    bool ok = f && PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

bool kt_self_signed_pem(const char *dir, const char *name, EVP_PKEY *key)
{
    char path[512];
    X509 *x = X509_new();
    bool ok = x && X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), 1) &&
              X509_gmtime_adj(X509_getm_notBefore(x), -3600) && X509_gmtime_adj(X509_getm_notAfter(x), 86400) &&
              X509_set_pubkey(x, key) &&
              X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                                         (const unsigned char *)"kofu test signer", -1, -1, 0) &&
              X509_set_issuer_name(x, X509_get_subject_name(x)) && X509_sign(x, key, EVP_sha256()) > 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = ok ? fopen(path, "w") : NULL;
    ok = f && PEM_write_X509(f, x) == 1;
    if (f && fclose(f) != 0)
        ok = false;
    X509_free(x);
    return ok;
}

bool kt_raw_deflate(const void *p, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *len = z.total_out;
    deflateEnd(&z);
    return rc == Z_STREAM_END;
}

char *kt_jws_es256(EVP_PKEY *k, const char *header_json, const void *payload, size_t n)
{
    char *h = kt_b64url(header_json, strlen(header_json)), *b = kt_b64url(payload, n), *out = NULL;
    size_t in_len = (h && b) ? strlen(h) + 1 + strlen(b) : 0;
    char *input = in_len ? malloc(in_len + 1) : NULL;
    uint8_t raw[64];
    if (input) {
        snprintf(input, in_len + 1, "%s.%s", h, b);
        char *s = kt_es256_sign(k, input, in_len, raw, NULL, NULL) ? kt_b64url(raw, sizeof raw) : NULL;
        if (s && (out = malloc(in_len + 1 + strlen(s) + 1)) != NULL)
            sprintf(out, "%s.%s", input, s);
        free(s);
    }
    free(input);
    free(h);
    free(b);
    return out;
}
