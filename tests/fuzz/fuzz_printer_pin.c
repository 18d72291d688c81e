/*
 * fuzz_printer_pin.c — the printer's certificate chain as a printer sends it
 * (drivers/printer/ipp_pin.h) on arbitrary bytes. The input is a chain of
 * certificates, each as a 2-byte big-endian length and that many DER bytes;
 * the host is "localhost" or "127.0.0.1" by the first byte. The pin is a
 * fresh self-signed certificate made at start, so no input can chain to it
 * but one the fuzzer would have to sign: the check must answer
 * KOFU_E_PRINTER_UNTRUSTED (or KOFU_OK) and never crash or leak.
 */
#include "base/errors.h"
#include "drivers/printer/ipp_pin.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define CHECK(x)        \
    do {                \
        if (!(x))       \
            abort();    \
    } while (0)

static struct ipp_pin *pin;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    CHECK(key && x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC, (const unsigned char *)"fuzz CA", -1,
                               -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, key);
    CHECK(X509_sign(x, key, EVP_sha256()) > 0);
    char path[] = "/tmp/kofu-fuzz-pin-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CHECK(f && PEM_write_X509(f, x) == 1);
    fclose(f);
    CHECK(ipp_pin_load(path, &pin) == KOFU_OK);
    unlink(path);
    X509_free(x);
    EVP_PKEY_free(key);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *der[PRINTER_PIN_CHAIN_MAX + 1];
    size_t len[PRINTER_PIN_CHAIN_MAX + 1];
    size_t n = 0, at = 1;
    if (size < 1)
        return 0;
    const char *host = data[0] & 1 ? "127.0.0.1" : "localhost";
    while (n < PRINTER_PIN_CHAIN_MAX + 1 && at + 2 <= size) {
        size_t l = (size_t)data[at] << 8 | data[at + 1];
        at += 2;
        if (l > size - at)
            l = size - at;
        der[n] = data + at;
        len[n++] = l;
        at += l;
    }
    int rc = ipp_pin_check(pin, host, der, len, n);
    CHECK(rc == KOFU_E_PRINTER_UNTRUSTED || rc == KOFU_OK);
    CHECK(n != 0 || rc == KOFU_E_PRINTER_UNTRUSTED);
    return 0;
}
