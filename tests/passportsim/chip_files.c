/* chip_files.c — see chip_files.h. */
#include "chip_files.h"

#include "base/bytes.h"

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

const uint8_t pf_card_access[22] = {0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07,
                                    0x02, 0x02, 0x04, 0x02, 0x02, 0x02, 0x01, 0x02, 0x02, 0x01, 0x0D};

/* EF.COM of the App. D example: LDS 1.6, Unicode 4.0.0, DG1 and DG2. */
static const uint8_t pf_com[22] = {0x60, 0x14, 0x5F, 0x01, 0x04, '0',  '1',  '0',  '6',  0x5F, 0x36,
                                   0x06, '0',  '4',  '0',  '0',  '0',  '0',  0x5C, 0x02, 0x61, 0x75};

static bool pf_dg1(const holder *h, pf_ef *ef)
{
    char mrz[HOLDER_MRZ_LEN + 1];
    uint8_t inner[100];
    kofu_bld b, i;
    holder_mrz(h, mrz);
    bld_init(&i, inner, sizeof inner);
    bld_add_ber(&i, 0x5F1F, mrz, HOLDER_MRZ_LEN, false);
    bld_init(&b, ef->data, sizeof ef->data);
    bld_add_ber(&b, 0x61, inner, i.len, false);
    ef->len = b.len;
    return bld_ok(&i) && bld_ok(&b);
}

/* A biometric information group template with one synthetic "image": not a
 * face, just enough structure for a reader that hashes DG2. */
static bool pf_dg2(pf_ef *ef)
{
    static const char image[] = "KOFU TEST SYNTHETIC FACE";
    uint8_t bit[64], group[80], v[96];
    kofu_bld b;
    bld_init(&b, bit, sizeof bit);
    bld_add_ber(&b, 0x5F2E, image, sizeof image - 1, false);
    size_t bit_len = b.len;
    bld_init(&b, group, sizeof group);
    bld_add_bytes(&b, (const uint8_t[]){0x02, 0x01, 0x01}, 3);
    bld_add_ber(&b, 0x7F60, bit, bit_len, false);
    size_t group_len = b.len;
    bld_init(&b, v, sizeof v);
    bld_add_ber(&b, 0x7F61, group, group_len, false);
    size_t v_len = b.len;
    bld_init(&b, ef->data, sizeof ef->data);
    bld_add_ber(&b, 0x75, v, v_len, false);
    ef->len = b.len;
    return bld_ok(&b);
}

/* LDSSecurityObject ::= SEQUENCE { version 0, hashAlgorithm sha256,
 * dataGroupHashValues SEQUENCE OF { dataGroupNumber, dataGroupHashValue } } */
static bool pf_lds_so(const pf_ef *dg1, const pf_ef *dg2, uint8_t *out, size_t cap, size_t *len)
{
    static const uint8_t sha256_oid[] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
    uint8_t h[2][32], one[2][48], list[100], body[200];
    const pf_ef *dg[2] = {dg1, dg2};
    size_t one_len[2];
    kofu_bld b;
    for (int i = 0; i < 2; i++) {
        unsigned hl = 0;
        if (EVP_Digest(dg[i]->data, dg[i]->len, h[i], &hl, EVP_sha256(), NULL) != 1 || hl != 32)
            return false;
        bld_init(&b, one[i], sizeof one[i]);
        bld_add_bytes(&b, (const uint8_t[]){0x02, 0x01, (uint8_t)(i + 1)}, 3);
        bld_add_ber(&b, 0x04, h[i], 32, false);
        one_len[i] = b.len;
    }
    bld_init(&b, list, sizeof list);
    for (int i = 0; i < 2; i++)
        bld_add_ber(&b, 0x30, one[i], one_len[i], false);
    size_t list_len = b.len;
    bld_init(&b, body, sizeof body);
    bld_add_bytes(&b, (const uint8_t[]){0x02, 0x01, 0x00}, 3);
    bld_add_ber(&b, 0x30, sha256_oid, sizeof sha256_oid, false);
    bld_add_ber(&b, 0x30, list, list_len, false);
    size_t body_len = b.len;
    bld_init(&b, out, cap);
    bld_add_ber(&b, 0x30, body, body_len, false);
    *len = b.len;
    return bld_ok(&b);
}

static bool pf_load_signer(const pf_opts *o, X509 **cert, EVP_PKEY **key, char *err, size_t errlen)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/passport/%s.pem", o->pki, o->signer);
    FILE *f = fopen(path, "r");
    *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    snprintf(path + strlen(path) - 4, 5, ".key");
    f = fopen(path, "r");
    *key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!*cert || !*key) {
        snprintf(err, errlen, "cannot load the Document Signer %s/passport/%s.{pem,key} (run make pki)", o->pki,
                 o->signer);
        return false;
    }
    return true;
}

/* EF.SOD = 77 L ContentInfo(SignedData), eContentType
 * id-icao-mrtd-security-ldsSecurityObject, SHA-256, signingTime present. */
static bool pf_sod(const pf_opts *o, const uint8_t *so, size_t so_len, pf_ef *ef, char *err, size_t errlen)
{
    X509 *cert = NULL;
    EVP_PKEY *key = NULL;
    CMS_ContentInfo *cms = NULL;
    BIO *in = NULL;
    ASN1_OBJECT *ctype = NULL;
    unsigned char *der = NULL;
    int der_len = -1;
    const unsigned flags = CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP;
    bool ok = pf_load_signer(o, &cert, &key, err, errlen);
    if (ok) {
        ctype = OBJ_txt2obj("2.23.136.1.1.1", 1);
        cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
        in = BIO_new_mem_buf(so, (int)so_len);
        ok = ctype && cms && in && CMS_add1_signer(cms, cert, key, EVP_sha256(), flags) &&
             CMS_set1_eContentType(cms, ctype) == 1 && CMS_final(cms, in, NULL, flags) == 1;
        if (ok && o->bad_signature) {
            CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
            ASN1_OCTET_STRING *sig = si ? CMS_SignerInfo_get0_signature(si) : NULL;
            uint8_t flipped[512];
            int n = sig ? ASN1_STRING_length(sig) : 0;
            ok = n > 4 && (size_t)n <= sizeof flipped;
            if (ok) {
                memcpy(flipped, ASN1_STRING_get0_data(sig), (size_t)n);
                flipped[n - 2] ^= 0x01;
                ok = ASN1_OCTET_STRING_set(sig, flipped, n) == 1;
            }
        }
        if (ok)
            der_len = i2d_CMS_ContentInfo(cms, &der);
        kofu_bld b;
        bld_init(&b, ef->data, sizeof ef->data);
        if (der_len > 0)
            bld_add_ber(&b, 0x77, der, (size_t)der_len, false);
        ef->len = b.len;
        ok = ok && der_len > 0 && bld_ok(&b);
        if (!ok)
            snprintf(err, errlen, "cannot sign EF.SOD with %s", o->signer);
    }
    OPENSSL_free(der);
    ASN1_OBJECT_free(ctype);
    BIO_free(in);
    CMS_ContentInfo_free(cms);
    EVP_PKEY_free(key);
    X509_free(cert);
    return ok;
}

bool pf_build(const holder *h, const pf_opts *o, pf_set *out, char *err, size_t errlen)
{
    uint8_t so[256];
    size_t so_len = 0;
    memset(out, 0, sizeof *out);
    memcpy(out->com.data, pf_com, sizeof pf_com);
    out->com.len = sizeof pf_com;
    if (o->pace) {
        memcpy(out->card_access.data, pf_card_access, sizeof pf_card_access);
        out->card_access.len = sizeof pf_card_access;
    }
    if (!pf_dg1(h, &out->dg1) || !pf_dg2(&out->dg2) || !pf_lds_so(&out->dg1, &out->dg2, so, sizeof so, &so_len)) {
        snprintf(err, errlen, "cannot build DG1/DG2/LDSSecurityObject");
        return false;
    }
    if (!pf_sod(o, so, so_len, &out->sod, err, errlen))
        return false;
    if (o->tamper_dg1) {
        /* One letter of the name (no check digit covers it): the MRZ still
         * parses, only the hash in the SOD tells. Offset 5 + 5 is the name's
         * first character (61 5B 5F1F 58, "P<" + issuing state). */
        uint8_t *c = &out->dg1.data[5 + 5];
        *c = *c == 'X' ? 'Y' : 'X';
    }
    return true;
}
