/*
 * certs.h — X.509 certificates made in a test, with dates of its choosing
 * (a kiosk certificate five days from its end, one expired, one not valid
 * yet), with OpenSSL alone.
 *
 * Owns nothing: what kt_issue_cert returns is the caller's (X509_free).
 */
#ifndef KOFU_TESTS_LIB_CERTS_H
#define KOFU_TESTS_LIB_CERTS_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/** What a certificate is for: its extensions. */
enum kt_cert_use {
    KT_CERT_CA,     /* basicConstraints critical CA:TRUE, keyUsage keyCertSign, cRLSign */
    KT_CERT_CLIENT, /* CA:FALSE, digitalSignature, extendedKeyUsage clientAuth (a kiosk) */
};

/** A certificate for key's public half with subject CN=cn (and O=kofu
 *  test), valid from now + from_s to now + to_s seconds (negative: in the
 *  past), signed by ca_key under ca's subject (ca NULL: self-signed with
 *  key). NULL on failure. */
X509 *kt_issue_cert(EVP_PKEY *key, const char *cn, EVP_PKEY *ca_key, X509 *ca, long from_s, long to_s,
                    enum kt_cert_use use);

/** Write the certificates (n of them, in order) as PEM to path. */
bool kt_write_certs_pem(const char *path, X509 *const *certs, int n);

/** Write key's private half as unencrypted PKCS#8 PEM to path (mode 0600). */
bool kt_write_key_pem(const char *path, EVP_PKEY *key);

#endif
