/* fuzz_vds.c — vds_verify (ICAO VDS-NC seal) against a fixed CSCA.
 *
 * The first byte picks what the rest is:
 *   0  the seal JSON text, verified as it is (JSON, shape, header, the
 *      signer certificate and its chain, the signature);
 *   1  the seal's `data` JSON, signed here (canonical form, ES256) by a
 *      barcode signer under the CSCA, so msg parsing and the person match
 *      are reached.
 * The CSCA and signer keys are derived at start-up from fixed seeds (no key
 * material is committed) and the certificates made with fixed names, so the
 * seed corpus's seals chain to the CSCA of every run. */
#include "fuzz_common.h"
#include "fuzz_keys.h"
#include "verify/vds.h"

#include "base/b64.h"
#include "base/jcs.h"
#include "base/kcrypto.h"
#include "base/vault.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <unistd.h>

#define FUZZ_NOW ((int64_t)1795766400) /* 2026-11-27T00:00:00Z */

int LLVMFuzzerInitialize(int *argc, char ***argv);

static EVP_PKEY *csca_key, *signer_key;
static X509 *csca_cert, *signer_cert;
static char *signer_cer; /* base64url DER */
static vds_csca *csca;
static struct vds_document *doc;
static const struct vds_person person = {"YAMADA TARO", "19800102", "TZ1234567"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    CHECK(vault_init(256 * 1024) == KOFU_OK);
    csca_key = fuzz_fixed_key("kofu fuzz_vds CSCA key");
    signer_key = fuzz_fixed_key("kofu fuzz_vds barcode signer key");
    csca_cert = fuzz_fixed_cert("kofu fuzz CSCA", 1, csca_key, NULL, csca_key, true);
    signer_cert = fuzz_fixed_cert("kofu fuzz barcode signer", 2, signer_key, csca_cert, csca_key, true);
    unsigned char *der = NULL;
    int n = i2d_X509(signer_cert, &der);
    CHECK(n > 0);
    size_t cap = b64_encoded_len((size_t)n, true) + 1;
    signer_cer = malloc(cap);
    CHECK(signer_cer && b64_encode(der, (size_t)n, signer_cer, cap, true));
    OPENSSL_free(der);
    /* vds_csca_load reads a file: write the CSCA to one for a moment. */
    char path[] = "/tmp/kofu-fuzz-vds-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CHECK(f && PEM_write_X509(f, csca_cert) == 1);
    fclose(f);
    char err[200];
    CHECK(vds_csca_load(path, &csca, err, sizeof err) == KOFU_OK);
    unlink(path);
    doc = vds_document_new();
    CHECK(doc != NULL);
    return 0;
}

/* The seal {data, sig} for a data object, signed over its canonical form;
 * malloc'd text, or NULL when data has no canonical form. */
static char *fuzz_seal(json_t *data)
{
    static uint8_t canon[VDS_SEAL_INPUT_MAX + 64];
    kofu_bld b;
    bld_init(&b, canon, sizeof canon);
    if (!jcs_serialize(data, &b))
        return NULL;
    uint8_t der[80], raw[64];
    size_t dl = sizeof der;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    CHECK(md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, signer_key) == 1 &&
          EVP_DigestSign(md, der, &dl, canon, b.len) == 1);
    EVP_MD_CTX_free(md);
    const unsigned char *p = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)dl);
    CHECK(s && BN_bn2binpad(ECDSA_SIG_get0_r(s), raw, 32) == 32 && BN_bn2binpad(ECDSA_SIG_get0_s(s), raw + 32, 32) == 32);
    ECDSA_SIG_free(s);
    char sigvl[100];
    CHECK(b64_encode(raw, sizeof raw, sigvl, sizeof sigvl, true));
    json_t *seal = json_pack("{s:O, s:{s:s, s:s, s:s}}", "data", data, "sig", "alg", "ES256", "cer", signer_cer,
                             "sigvl", sigvl);
    CHECK(seal != NULL);
    char *text = json_dumps(seal, JSON_COMPACT);
    json_decref(seal);
    return text;
}

static bool date_form(const char *s)
{
    return strlen(s) == 10 && s[4] == '-' && s[7] == '-';
}

static void check_verify(const char *text, size_t len)
{
    size_t used = vault_used();
    enum vds_reason why = VDS_REASON__COUNT;
    int rc = vds_verify(text, len, csca, FUZZ_NOW, &person, doc, &why);
    CHECK(vault_used() == used);
    CHECK((unsigned)why < VDS_REASON__COUNT);
    if (rc != KOFU_OK) {
        CHECK(rc == KOFU_E_CENTER_RESPONSE && why != VDS_REASON_OK && why != VDS_REASON_INTERNAL);
        CHECK(all_zero(doc, sizeof *doc));
        return;
    }
    CHECK(why == VDS_REASON_OK);
    CHECK(strlen(doc->issuing_state) == 3);
    CHECK(string_ok(doc->uvci, sizeof doc->uvci, VDS_TEXT_MAX));
    CHECK(strcmp(doc->name, person.name) == 0 && strcmp(doc->birth_date, "1980-01-02") == 0);
    CHECK(strcmp(doc->passport_number, person.passport_number) == 0);
    CHECK(doc->n_doses >= 1 && doc->n_doses <= VDS_DOSES_MAX);
    for (size_t i = 0; i < doc->n_doses; i++) {
        const struct vds_dose *d = &doc->doses[i];
        CHECK(date_form(d->date) && d->seq >= 1 && d->seq <= 99 && strlen(d->country) == 3);
        CHECK(string_ok(d->lot, sizeof d->lot, VDS_TEXT_MAX) && string_ok(d->vaccine, sizeof d->vaccine, VDS_TEXT_MAX));
        CHECK(string_ok(d->product, sizeof d->product, VDS_TEXT_MAX));
        CHECK(d->next_date[0] == '\0' || date_form(d->next_date));
    }
    for (size_t i = doc->n_doses; i < VDS_DOSES_MAX; i++)
        CHECK(all_zero(&doc->doses[i], sizeof doc->doses[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > VDS_SEAL_INPUT_MAX + 2)
        return 0;
    const char *rest = (const char *)data + 1;
    size_t n = size - 1;
    if (data[0] % 2 == 0) {
        check_verify(rest, n); /* not NUL-terminated: the length is the API */
        return 0;
    }
    json_t *d = json_loadb(rest, n, JSON_REJECT_DUPLICATES, NULL);
    if (!d)
        return 0;
    char *text = fuzz_seal(d);
    json_decref(d);
    if (text)
        check_verify(text, strlen(text));
    free(text);
    return 0;
}
