/* vds.c — see vds.h. */
#include "vds.h"

#include "base/b64.h"
#include "base/bytes.h"
#include "es256.h"
#include "base/jcs.h"
#include "base/wipeheap.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#define VDS_CERT_DER_MAX 4096

struct vds_signer {
    EVP_PKEY *key;
    char *cer; /* base64url of the certificate's DER */
};

static X509 *vds_read_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    return cert;
}

/* base64url(DER) of the certificate, malloc'd. */
static char *vds_cert_b64(X509 *cert)
{
    int n = i2d_X509(cert, NULL);
    if (n <= 0 || n > VDS_CERT_DER_MAX)
        return NULL;
    uint8_t *der = malloc((size_t)n);
    unsigned char *p = der;
    size_t cap = b64_encoded_len((size_t)n, true) + 1;
    char *out = der ? malloc(cap) : NULL;
    if (!out || i2d_X509(cert, &p) != n || !b64_encode(der, (size_t)n, out, cap, true)) {
        free(out);
        out = NULL;
    }
    free(der);
    return out;
}

vds_signer *vds_signer_load(const char *cert_path, const char *key_path, char *err, size_t errlen)
{
    vds_signer *s = calloc(1, sizeof *s);
    X509 *cert = vds_read_cert(cert_path);
    if (s)
        s->key = es256_load_private(key_path);
    if (!s || !cert || !s->key) {
        snprintf(err, errlen, "VDS-NC signer: cannot read %s or %s (PEM certificate, EC P-256 key)", cert_path,
                 key_path);
    } else if (X509_check_private_key(cert, s->key) != 1) {
        snprintf(err, errlen, "VDS-NC signer: %s does not certify the key in %s", cert_path, key_path);
    } else if (!(s->cer = vds_cert_b64(cert))) {
        snprintf(err, errlen, "VDS-NC signer: cannot encode %s", cert_path);
    } else {
        X509_free(cert);
        return s;
    }
    X509_free(cert);
    vds_signer_free(s);
    return NULL;
}

void vds_signer_free(vds_signer *s)
{
    if (!s)
        return;
    EVP_PKEY_free(s->key);
    free(s->cer);
    free(s);
}

/* The `ve` entry for a product, appended when first seen. */
static json_t *vds_event_for(json_t *ve, const char *product)
{
    size_t i;
    json_t *e;
    json_array_foreach(ve, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "nam")), product) == 0)
            return e;
    }
    /* ICD-11: XM68M6 "COVID-19 vaccine, unspecified", RA01.0 "COVID-19, virus identified". */
    e = json_pack("{s:s, s:s, s:s, s:[]}", "des", "XM68M6", "nam", product, "dis", "RA01.0", "vd");
    if (!e || json_array_append_new(ve, e) != 0)
        return NULL;
    return e;
}

static json_t *vds_events(const struct store_dose *doses, size_t n, const char *adm)
{
    json_t *ve = json_array();
    for (size_t i = 0; ve && i < n; i++) {
        json_t *e = vds_event_for(ve, doses[i].product_en);
        json_t *vd = json_pack("{s:s, s:I, s:s, s:s, s:s}", "dvc", doses[i].date, "seq", (json_int_t)doses[i].seq,
                               "ctr", doses[i].country, "adm", adm, "lot", doses[i].lot);
        /* append_new takes vd's reference even when it fails */
        if (json_array_append_new(e ? json_object_get(e, "vd") : NULL, vd) != 0) {
            json_decref(ve);
            return NULL;
        }
    }
    return ve;
}

json_t *vds_data(const char *uvci, const struct store_resident *r, const struct store_dose *doses, size_t n,
                 const char *adm)
{
    json_t *ve = vds_events(doses, n, adm);
    if (!ve)
        return NULL;
    return json_pack("{s:{s:s, s:i, s:s}, s:{s:s, s:{s:s, s:s, s:s}, s:o}}", "hdr", "t", "icao.vacc", "v", 1,
                     "is", VDS_ISSUING_STATE, "msg", "uvci", uvci, "pid", "n", r->name_roman, "dob",
                     r->birth_date, "i", r->passport_number, "ve", ve);
}

json_t *vds_seal(const vds_signer *s, json_t *data, bool flip_bit)
{
    uint8_t *canon = data ? wipeheap_malloc(VDS_JCS_MAX) : NULL;
    uint8_t sig[ES256_SIG_LEN];
    char sigvl[ES256_KID_LEN * 2 + 4];
    kofu_bld b;
    json_t *seal = NULL;
    if (canon) {
        bld_init(&b, canon, VDS_JCS_MAX);
        if (jcs_serialize(data, &b) && es256_sign(s->key, canon, b.len, sig)) {
            if (flip_bit)
                sig[ES256_SIG_LEN / 2] ^= 0x01;
            if (b64_encode(sig, sizeof sig, sigvl, sizeof sigvl, true))
                seal = json_pack("{s:O, s:{s:s, s:s, s:s}}", "data", data, "sig", "alg", "ES256", "cer", s->cer,
                                 "sigvl", sigvl);
        }
    }
    wipeheap_free(canon);
    json_decref(data);
    return seal;
}
