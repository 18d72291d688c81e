/* certs.c — see certs.h. */
#include "tests/lib/certs.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <unistd.h>

static bool add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    bool ok = e && X509_add_ext(x, e, -1) == 1;
    X509_EXTENSION_free(e);
    return ok;
}

X509 *kt_issue_cert(EVP_PKEY *key, const char *cn, EVP_PKEY *ca_key, X509 *ca, long from_s, long to_s,
                    enum kt_cert_use use)
{
    static long serial = 0x4b54;
    X509 *x = X509_new();
    if (!x)
        return NULL;
    X509_NAME *name = X509_get_subject_name(x);
    bool ok = X509_set_version(x, 2) == 1 && ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) == 1 &&
              X509_gmtime_adj(X509_getm_notBefore(x), from_s) && X509_gmtime_adj(X509_getm_notAfter(x), to_s) &&
              X509_set_pubkey(x, key) == 1 &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) == 1 &&
              X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)"kofu test", -1, -1, 0) == 1 &&
              X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : name) == 1;
    X509 *issuer = ca ? ca : x;
    if (ok && use == KT_CERT_CA)
        ok = add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE") &&
             add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign") &&
             add_ext(x, issuer, NID_subject_key_identifier, "hash");
    else if (ok)
        ok = add_ext(x, issuer, NID_basic_constraints, "CA:FALSE") &&
             add_ext(x, issuer, NID_key_usage, "critical,digitalSignature") &&
             add_ext(x, issuer, NID_ext_key_usage, "clientAuth");
    if (ok && ca)
        ok = add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
    if (!ok || X509_sign(x, ca ? ca_key : key, EVP_sha256()) <= 0) {
        X509_free(x);
        return NULL;
    }
    return x;
}

bool kt_write_certs_pem(const char *path, X509 *const *certs, int n)
{
    FILE *f = fopen(path, "w");
    bool ok = f != NULL;
    for (int i = 0; ok && i < n; i++)
        ok = PEM_write_X509(f, certs[i]) == 1;
    if (f && fclose(f) != 0)
        ok = false;
    return ok;
}

bool kt_write_key_pem(const char *path, EVP_PKEY *key)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    bool ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
    return fclose(f) == 0 && ok;
}
