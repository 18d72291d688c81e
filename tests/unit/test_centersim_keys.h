/*
 * test_centersim_keys.h — throwaway keys for centersim's unit tests, made in
 * a private temporary directory: an EC P-256 key (PEM) and a self-signed
 * certificate for it. Header-only (static), for tests only.
 */
#ifndef KOFU_TESTS_CENTERSIM_KEYS_H
#define KOFU_TESTS_CENTERSIM_KEYS_H

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** mkdtemp under $TMPDIR (or /tmp) into dir (cap ≥ 64). */
static inline bool ctk_tempdir(char *dir, size_t cap)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, cap, "%s/centersim-test.XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(dir) != NULL;
}

/** A new P-256 key written as PEM to dir/name; the caller frees the key. */
static inline EVP_PKEY *ctk_ec_key(const char *dir, const char *name)
{
    char path[512];
    EVP_PKEY *key = EVP_EC_gen("P-256");
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = key ? fopen(path, "w") : NULL;
    bool ok = f && PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
    if (f)
        fclose(f);
    if (!ok) {
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

/** A self-signed certificate for key, written as PEM to dir/name. */
static inline bool ctk_self_signed(const char *dir, const char *name, EVP_PKEY *key)
{
    char path[512];
    X509 *x = X509_new();
    bool ok = x && X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), 1) &&
              X509_gmtime_adj(X509_getm_notBefore(x), -3600) && X509_gmtime_adj(X509_getm_notAfter(x), 86400) &&
              X509_set_pubkey(x, key) &&
              X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                                         (const unsigned char *)"centersim test signer", -1, -1, 0) &&
              X509_set_issuer_name(x, X509_get_subject_name(x)) && X509_sign(x, key, EVP_sha256()) > 0;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = ok ? fopen(path, "w") : NULL;
    ok = f && PEM_write_X509(f, x) == 1;
    if (f)
        fclose(f);
    X509_free(x);
    return ok;
}

/** rm -r of a flat directory made by ctk_tempdir (files only). */
static inline void ctk_rmdir(const char *dir, const char *const *names)
{
    char path[512];
    for (size_t i = 0; names[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    remove(dir);
}

#endif
