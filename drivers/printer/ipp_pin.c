/* ipp_pin.c — see ipp_pin.h. */
#include "drivers/printer/ipp_pin.h"

#include "base/errors.h"
#include "base/kcrypto.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

struct ipp_pin {
    STACK_OF(X509) *anchors;
};

int ipp_pin_load(const char *path, struct ipp_pin **out)
{
    if (!path || !out)
        return KOFU_E_ARG;
    *out = NULL;
    if (!path[0])
        return KOFU_E_CONFIG;
    struct ipp_pin *p = calloc(1, sizeof *p);
    if (!p || !(p->anchors = sk_X509_new_null())) {
        free(p);
        return KOFU_E_NOMEM;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        ipp_pin_free(p);
        return KOFU_E_CONFIG;
    }
    for (X509 *x; (x = PEM_read_X509(f, NULL, NULL, NULL));) {
        if (!sk_X509_push(p->anchors, x)) {
            X509_free(x);
            break;
        }
    }
    fclose(f);
    ERR_clear_error(); /* the end of the file reads as an error */
    if (sk_X509_num(p->anchors) == 0) {
        ipp_pin_free(p);
        return KOFU_E_CONFIG;
    }
    *out = p;
    return KOFU_OK;
}

void ipp_pin_free(struct ipp_pin *p)
{
    if (!p)
        return;
    sk_X509_pop_free(p->anchors, X509_free);
    free(p);
}

int ipp_pin_check(const struct ipp_pin *pin, const char *host, const uint8_t *const der[],
                      const size_t len[], size_t n)
{
    if (!pin || !host || !host[0] || (n && (!der || !len)))
        return KOFU_E_ARG;
    if (n == 0 || n > PRINTER_PIN_CHAIN_MAX)
        return KOFU_E_PRINTER_UNTRUSTED;
    int rc = KOFU_E_NOMEM;
    X509 *leaf = NULL;
    STACK_OF(X509) *rest = sk_X509_new_null();
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (!rest || !store || !ctx)
        goto out;
    for (int i = 0; i < sk_X509_num(pin->anchors); i++)
        if (X509_STORE_add_cert(store, sk_X509_value(pin->anchors, i)) != 1)
            goto out;
    rc = KOFU_E_PRINTER_UNTRUSTED;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = der[i];
        if (!p || len[i] == 0 || len[i] > 65536)
            goto out;
        X509 *x = d2i_X509(NULL, &p, (long)len[i]);
        if (!x || p != der[i] + len[i]) { /* trailing bytes: not one certificate */
            X509_free(x);
            goto out;
        }
        if (i == 0) {
            leaf = x;
        } else if (!sk_X509_push(rest, x)) {
            X509_free(x);
            rc = KOFU_E_NOMEM;
            goto out;
        }
    }
    /* A CA presented as the printer's own certificate could sign for any
     * printer: refused even when it is the pinned one. */
    if (kcrypto_cert_is_ca(leaf))
        goto out;
    if (X509_STORE_CTX_init(ctx, store, leaf, rest) != 1) {
        rc = KOFU_E_NOMEM;
        goto out;
    }
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
    /* Partial chains: the pin may be an intermediate CA or the printer's
     * own certificate, not only a root. */
    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_SSL_SERVER);
    if (!kcrypto_expect_peer_name(vp, host))
        goto out;
    if (X509_verify_cert(ctx) == 1)
        rc = KOFU_OK;
out:
    ERR_clear_error();
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    sk_X509_pop_free(rest, X509_free);
    X509_free(leaf);
    return rc;
}
