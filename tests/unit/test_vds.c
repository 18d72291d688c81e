/*
 * test_vds.c — ICAO VDS-NC seal verification (firmware/verify/vds.h).
 *
 * A throwaway CSCA, barcode signers under it (and under another CSCA) are
 * made here with OpenSSL's X509 API; seals are signed over the canonical
 * form of `data`. One known-answer test signs a canonical form written by
 * hand, so the verifier's canonicalization is checked independently of
 * the helper that signs the others. Every refusal is checked for its own
 * reason and for leaving the output zeroed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/bytes.h"
#include "base/errors.h"
#include "base/jcs.h"
#include "base/vault.h"
#include "verify/vds.h"
#include "tests/lib/keys.h"
#include "tests/lib/tmp.h"

#define NOW ((int64_t)1795766400) /* 2026-11-27T00:00:00Z */
#define DAY ((int64_t)86400)
#define NAME "YAMADA TARO"
#define BIRTH "19800102"
#define PASSPORT "TZ1234567"
#define VAULT_BYTES (256 * 1024)

static EVP_PKEY *csca_key, *signer_key, *other_csca_key, *other_signer_key;
static X509 *csca, *signer, *other_csca, *other_signer;
static vds_csca *trusted;
static struct vds_document *doc;
static const struct vds_person PERSON = {NAME, BIRTH, PASSPORT};

/* ---- helpers: certificates ------------------------------------------------ */

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

/* A certificate for key, signed by issuer_key (issuer NULL: self-signed).
 * key_usage NULL: no keyUsage extension. */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, bool ca,
                       int64_t not_before, int64_t not_after, const char *key_usage)
{
    static long serial = 1000;
    X509 *x = X509_new();
    assert_non_null(x);
    assert_int_equal(X509_set_version(x, 2), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++), 1);
    assert_non_null(ASN1_TIME_set(X509_getm_notBefore(x), (time_t)not_before));
    assert_non_null(ASN1_TIME_set(X509_getm_notAfter(x), (time_t)not_after));
    X509_NAME *name = X509_get_subject_name(x);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"JP", -1, -1, 0), 1);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0), 1);
    assert_int_equal(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name), 1);
    assert_int_equal(X509_set_pubkey(x, key), 1);
    add_ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    if (key_usage)
        add_ext(x, issuer, NID_key_usage, key_usage);
    add_ext(x, issuer, NID_subject_key_identifier, "hash");
    add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
    assert_true(X509_sign(x, issuer_key, EVP_sha256()) > 0);
    return x;
}

static X509 *make_csca(const char *cn, EVP_PKEY *key, int64_t not_before, int64_t not_after)
{
    return make_cert(cn, key, NULL, key, true, not_before, not_after, "critical,keyCertSign,cRLSign");
}

static X509 *make_signer(EVP_PKEY *key, X509 *ca, EVP_PKEY *ca_key, int64_t not_before, int64_t not_after)
{
    return make_cert("kofu test barcode signer", key, ca, ca_key, false, not_before, not_after,
                     "critical,digitalSignature");
}

/* The certificates as one PEM file (a temporary file: tests/lib/tmp.h). */
static const char *write_pem(X509 *const *certs, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(PEM_write_X509(f, certs[i]), 1);
    assert_int_equal(fclose(f), 0);
    const char *path = kt_temp_file("vds", text, len);
    free(text);
    return path;
}

/* ---- helpers: seals --------------------------------------------------------- */

static char *b64url(const uint8_t *p, size_t n)
{
    char *out = kt_b64url(p, n);
    assert_non_null(out);
    return out;
}

static char *cert_b64(X509 *x)
{
    unsigned char *der = NULL;
    int n = i2d_X509(x, &der);
    assert_true(n > 0);
    char *out = b64url(der, (size_t)n);
    OPENSSL_free(der);
    return out;
}

enum sig_form { SIG_RAW, SIG_DER, SIG_FLIP, SIG_ZERO_R };

static char *sign_b64(EVP_PKEY *k, const void *msg, size_t n, enum sig_form form)
{
    uint8_t der[80], raw[64];
    size_t dl = 0;
    assert_true(kt_es256_sign(k, msg, n, raw, der, &dl));
    if (form == SIG_DER)
        return b64url(der, dl);
    if (form == SIG_FLIP)
        raw[50] ^= 0x04;
    if (form == SIG_ZERO_R)
        memset(raw, 0, 32);
    return b64url(raw, 64);
}

static json_t *dose(const char *date, int seq, const char *lot)
{
    json_t *d = json_pack("{s:s, s:i, s:s, s:s, s:s}", "dvc", date, "seq", seq, "ctr", "JPN", "adm", "Chiyoda City",
                          "lot", lot);
    assert_non_null(d);
    return d;
}

/* What the center signs for YAMADA TARO: one product, two doses. */
static json_t *data_default(void)
{
    json_t *d = json_pack("{s:{s:s, s:i, s:s}, s:{s:s, s:{s:s, s:s, s:s}, s:[{s:s, s:s, s:s, s:[o, o]}]}}", "hdr",
                          "t", "icao.vacc", "v", 1, "is", "JPN", "msg", "uvci", "JP-131016-2026-000001", "pid", "n",
                          NAME, "dob", "1980-01-02", "i", PASSPORT, "ve", "des", "XM68M6", "nam", "Comirnaty", "dis",
                          "RA01.0", "vd", dose("2021-06-01", 1, "FA1234"), dose("2021-06-22", 2, "FA5678"));
    assert_non_null(d);
    return d;
}

static json_t *msg_of(json_t *data) { return json_object_get(data, "msg"); }
static json_t *pid_of(json_t *data) { return json_object_get(msg_of(data), "pid"); }
static json_t *ve0(json_t *data) { return json_array_get(json_object_get(msg_of(data), "ve"), 0); }
static json_t *vd(json_t *data, size_t i) { return json_array_get(json_object_get(ve0(data), "vd"), i); }

/* A whole seal as JSON text: data signed (in its canonical form) by key,
 * with cert as `cer`. Drops data. */
static char *seal_with(json_t *data, EVP_PKEY *key, X509 *cert, enum sig_form form, const char *alg)
{
    uint8_t canon[16384];
    kofu_bld b;
    bld_init(&b, canon, sizeof canon);
    char *sigvl = jcs_serialize(data, &b) ? sign_b64(key, canon, b.len, form) : strdup("AAAA");
    char *cer = cert_b64(cert);
    json_t *seal = json_pack("{s:o, s:{s:s, s:s, s:s}}", "data", data, "sig", "alg", alg, "cer", cer, "sigvl", sigvl);
    assert_non_null(seal);
    char *text = json_dumps(seal, JSON_INDENT(2)); /* not the canonical form on purpose */
    assert_non_null(text);
    json_decref(seal);
    free(sigvl);
    free(cer);
    return text;
}

static char *seal_of(json_t *data) { return seal_with(data, signer_key, signer, SIG_RAW, "ES256"); }

static bool doc_is_zero(void)
{
    const uint8_t *p = (const uint8_t *)doc;
    for (size_t i = 0; i < sizeof *doc; i++)
        if (p[i])
            return false;
    return true;
}

static enum vds_reason verify_full(const char *text, const vds_csca *c, int64_t now, const struct vds_person *who)
{
    enum vds_reason why = VDS_REASON__COUNT;
    size_t used = vault_used();
    int rc = vds_verify(text, strlen(text), c, now, who, doc, &why);
    assert_int_equal(vault_used(), used);
    if (why == VDS_REASON_OK) {
        assert_int_equal(rc, KOFU_OK);
    } else {
        assert_int_equal(rc, KOFU_E_CENTER_RESPONSE);
        assert_true(doc_is_zero());
    }
    return why;
}

static enum vds_reason verify(const char *text) { return verify_full(text, trusted, NOW, &PERSON); }

/* Sign data and verify it; the reason. */
static enum vds_reason verify_data(json_t *data)
{
    char *text = seal_of(data);
    enum vds_reason r = verify(text);
    free(text);
    return r;
}

/* ---- set-up ------------------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    if (vault_init(VAULT_BYTES) != KOFU_OK)
        return -1;
    csca_key = EVP_EC_gen("P-256");
    signer_key = EVP_EC_gen("P-256");
    other_csca_key = EVP_EC_gen("P-256");
    other_signer_key = EVP_EC_gen("P-256");
    if (!csca_key || !signer_key || !other_csca_key || !other_signer_key)
        return -1;
    csca = make_csca("kofu test CSCA", csca_key, NOW - 1000 * DAY, NOW + 3000 * DAY);
    signer = make_signer(signer_key, csca, csca_key, NOW - 30 * DAY, NOW + 365 * DAY);
    /* Another state's CSCA, with the same name: only the key tells them apart. */
    other_csca = make_csca("kofu test CSCA", other_csca_key, NOW - 1000 * DAY, NOW + 3000 * DAY);
    other_signer = make_signer(other_signer_key, other_csca, other_csca_key, NOW - 30 * DAY, NOW + 365 * DAY);
    char err[200];
    X509 *const one[] = {csca};
    int rc = vds_csca_load(write_pem(one, 1), &trusted, err, sizeof err);
    kt_temp_files_remove();
    doc = vds_document_new();
    return rc == KOFU_OK && doc ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    vds_csca_free(trusted);
    X509_free(csca);
    X509_free(signer);
    X509_free(other_csca);
    X509_free(other_signer);
    EVP_PKEY_free(csca_key);
    EVP_PKEY_free(signer_key);
    EVP_PKEY_free(other_csca_key);
    EVP_PKEY_free(other_signer_key);
    vault_destroy();
    return 0;
}

/* ---- the good seal -------------------------------------------------------------- */

static void test_valid_seal(void **state)
{
    (void)state;
    char *text = seal_of(data_default());
    enum vds_reason why = VDS_REASON__COUNT;
    assert_int_equal(vds_verify(text, strlen(text), trusted, NOW, &PERSON, doc, &why), KOFU_OK);
    assert_int_equal(why, VDS_REASON_OK);
    assert_true(vault_contains(doc, sizeof *doc));
    assert_string_equal(doc->issuing_state, "JPN");
    assert_string_equal(doc->uvci, "JP-131016-2026-000001");
    assert_string_equal(doc->name, NAME);
    assert_string_equal(doc->birth_date, "1980-01-02");
    assert_string_equal(doc->passport_number, PASSPORT);
    assert_string_equal(doc->sex, "");
    assert_int_equal(doc->n_doses, 2);
    assert_string_equal(doc->doses[0].date, "2021-06-01");
    assert_int_equal(doc->doses[0].seq, 1);
    assert_string_equal(doc->doses[0].country, "JPN");
    assert_string_equal(doc->doses[0].lot, "FA1234");
    assert_string_equal(doc->doses[0].adm, "Chiyoda City");
    assert_string_equal(doc->doses[0].vaccine, "XM68M6");
    assert_string_equal(doc->doses[0].product, "Comirnaty");
    assert_string_equal(doc->doses[0].disease, "RA01.0");
    assert_string_equal(doc->doses[0].next_date, "");
    assert_string_equal(doc->doses[1].date, "2021-06-22");
    assert_int_equal(doc->doses[1].seq, 2);
    assert_string_equal(doc->doses[1].lot, "FA5678");
    free(text);
}

static void test_optional_fields_and_events(void **state)
{
    (void)state;
    json_t *d = data_default();
    json_object_set_new(pid_of(d), "sex", json_string("F"));
    json_object_set_new(pid_of(d), "ai", json_string("L4567890Z"));
    json_object_set_new(vd(d, 0), "dvn", json_string("2021-06-22"));
    json_object_del(vd(d, 1), "adm");
    json_object_del(ve0(d), "dis");
    /* a second product */
    json_array_append_new(json_object_get(msg_of(d), "ve"),
                          json_pack("{s:s, s:s, s:[o]}", "des", "XM68M6", "nam", "Spikevax", "vd",
                                    dose("2022-01-10", 3, "MO0001")));
    /* members kofu does not know are carried by the signature, not read */
    json_object_set_new(msg_of(d), "note", json_string("x"));
    assert_int_equal(verify_data(d), VDS_REASON_OK);
    assert_string_equal(doc->sex, "F");
    assert_int_equal(doc->n_doses, 3);
    assert_string_equal(doc->doses[0].next_date, "2021-06-22");
    assert_string_equal(doc->doses[1].adm, "");
    assert_string_equal(doc->doses[1].disease, "");
    assert_string_equal(doc->doses[2].product, "Spikevax");
    assert_string_equal(doc->doses[2].disease, "");
    assert_int_equal(doc->doses[2].seq, 3);
}

/* An empty object has a canonical form too ({}): a seal that carries one
 * (here an extension member) verifies. */
static void test_empty_object_in_data(void **state)
{
    (void)state;
    json_t *d = data_default();
    json_object_set_new(msg_of(d), "ext", json_object());
    json_object_set_new(msg_of(d), "list", json_array());
    assert_int_equal(verify_data(d), VDS_REASON_OK);
    assert_int_equal(doc->n_doses, 2);
}

/* The signature is over a canonical form written here by hand; the seal
 * carries data in another order, indented, with an escape the canonical
 * form does not use. */
static void test_canonical_form_known_answer(void **state)
{
    (void)state;
    static const char canonical[] =
        "{\"hdr\":{\"is\":\"JPN\",\"t\":\"icao.vacc\",\"v\":1},\"msg\":{\"pid\":{\"dob\":\"1980-01-02\","
        "\"i\":\"TZ1234567\",\"n\":\"YAMADA TARO\"},\"uvci\":\"U32870\",\"ve\":[{\"des\":\"XM68M6\","
        "\"dis\":\"RA01.0\",\"nam\":\"Comirnaty\",\"vd\":[{\"adm\":\"Chiyoda City\",\"ctr\":\"JPN\","
        "\"dvc\":\"2021-06-01\",\"lot\":\"FA1234\",\"seq\":1}]}]}}";
    char *sigvl = sign_b64(signer_key, canonical, strlen(canonical), SIG_RAW);
    char *cer = cert_b64(signer);
    static const char data_text[] =
        "{ \"msg\": { \"ve\": [ { \"vd\": [ { \"seq\": 1, \"lot\": \"FA1234\", \"dvc\": \"2021-06-01\",\n"
        "  \"ctr\": \"JPN\", \"adm\": \"Chiyoda\\u0020City\" } ], \"nam\": \"Comirnaty\", \"dis\": \"RA01.0\",\n"
        "  \"des\": \"XM68M6\" } ], \"uvci\": \"U32870\",\n"
        "  \"pid\": { \"n\": \"YAMADA TARO\", \"i\": \"TZ1234567\", \"dob\": \"1980-01-02\" } },\n"
        "  \"hdr\": { \"v\": 1, \"t\": \"icao.vacc\", \"is\": \"JPN\" } }";
    size_t cap = strlen(data_text) + strlen(cer) + strlen(sigvl) + 128;
    char *text = malloc(cap);
    assert_non_null(text);
    snprintf(text, cap, "{\"sig\":{\"sigvl\":\"%s\",\"cer\":\"%s\",\"alg\":\"ES256\"},\n\"data\":%s}", sigvl, cer,
             data_text);
    assert_int_equal(verify(text), VDS_REASON_OK);
    assert_string_equal(doc->uvci, "U32870");
    assert_string_equal(doc->doses[0].adm, "Chiyoda City");
    free(sigvl);
    /* A signature over the data as written (not canonical) does not verify. */
    sigvl = sign_b64(signer_key, data_text, strlen(data_text), SIG_RAW);
    snprintf(text, cap, "{\"sig\":{\"sigvl\":\"%s\",\"cer\":\"%s\",\"alg\":\"ES256\"},\n\"data\":%s}", sigvl, cer,
             data_text);
    assert_int_equal(verify(text), VDS_REASON_SIGNATURE);
    free(text);
    free(sigvl);
    free(cer);
}

/* ---- the signer's certificate ----------------------------------------------------- */

static void test_signer_from_another_csca(void **state)
{
    (void)state;
    char *text = seal_with(data_default(), other_signer_key, other_signer, SIG_RAW, "ES256");
    assert_int_equal(verify(text), VDS_REASON_CERT_UNTRUSTED);
    free(text);
    /* A self-signed "signer" is not under the CSCA either. */
    EVP_PKEY *k = EVP_EC_gen("P-256");
    X509 *self = make_cert("kofu test barcode signer", k, NULL, k, false, NOW - DAY, NOW + DAY,
                           "critical,digitalSignature");
    text = seal_with(data_default(), k, self, SIG_RAW, "ES256");
    assert_int_equal(verify(text), VDS_REASON_CERT_UNTRUSTED);
    free(text);
    /* The right signer's certificate, with the seal signed by another key. */
    text = seal_with(data_default(), k, signer, SIG_RAW, "ES256");
    assert_int_equal(verify(text), VDS_REASON_SIGNATURE);
    free(text);
    X509_free(self);
    EVP_PKEY_free(k);
}

static void test_signer_validity(void **state)
{
    (void)state;
    EVP_PKEY *k = EVP_EC_gen("P-256");
    X509 *expired = make_signer(k, csca, csca_key, NOW - 400 * DAY, NOW - DAY);
    char *text = seal_with(data_default(), k, expired, SIG_RAW, "ES256");
    assert_int_equal(verify(text), VDS_REASON_CERT_VALIDITY);
    /* the same seal, checked at a time when the signer was valid */
    assert_int_equal(verify_full(text, trusted, NOW - 100 * DAY, &PERSON), VDS_REASON_OK);
    free(text);
    X509_free(expired);
    X509 *future = make_signer(k, csca, csca_key, NOW + DAY, NOW + 400 * DAY);
    text = seal_with(data_default(), k, future, SIG_RAW, "ES256");
    assert_int_equal(verify(text), VDS_REASON_CERT_VALIDITY);
    free(text);
    X509_free(future);
    /* the good signer, long after it expired */
    text = seal_of(data_default());
    assert_int_equal(verify_full(text, trusted, NOW + 400 * DAY, &PERSON), VDS_REASON_CERT_VALIDITY);
    free(text);
    EVP_PKEY_free(k);
}

static void test_csca_validity(void **state)
{
    (void)state;
    EVP_PKEY *ck = EVP_EC_gen("P-256"), *sk = EVP_EC_gen("P-256");
    X509 *old = make_csca("kofu old CSCA", ck, NOW - 3000 * DAY, NOW - 10 * DAY);
    X509 *s = make_signer(sk, old, ck, NOW - 30 * DAY, NOW + 30 * DAY);
    X509 *const one[] = {old};
    vds_csca *c = NULL;
    char err[200];
    assert_int_equal(vds_csca_load(write_pem(one, 1), &c, err, sizeof err), KOFU_OK);
    char *text = seal_with(data_default(), sk, s, SIG_RAW, "ES256");
    assert_int_equal(verify_full(text, c, NOW, &PERSON), VDS_REASON_CERT_VALIDITY);
    assert_int_equal(verify_full(text, c, NOW - 20 * DAY, &PERSON), VDS_REASON_OK);
    free(text);
    vds_csca_free(c);
    X509_free(old);
    X509_free(s);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(sk);
}

/* Barcode signers sit directly under the CSCA: not under an intermediate,
 * even one that is in the CSCA file. */
static void test_signer_under_intermediate(void **state)
{
    (void)state;
    EVP_PKEY *ik = EVP_EC_gen("P-256"), *sk = EVP_EC_gen("P-256");
    X509 *inter = make_cert("kofu test intermediate", ik, csca, csca_key, true, NOW - DAY, NOW + 100 * DAY,
                            "critical,keyCertSign");
    X509 *s = make_signer(sk, inter, ik, NOW - DAY, NOW + 30 * DAY);
    X509 *const both[] = {csca, inter};
    vds_csca *c = NULL;
    char err[200];
    assert_int_equal(vds_csca_load(write_pem(both, 2), &c, err, sizeof err), KOFU_OK);
    char *text = seal_with(data_default(), sk, s, SIG_RAW, "ES256");
    assert_int_equal(verify_full(text, c, NOW, &PERSON), VDS_REASON_CERT_UNTRUSTED);
    assert_int_equal(verify_full(text, trusted, NOW, &PERSON), VDS_REASON_CERT_UNTRUSTED);
    /* the direct signer still passes with that file */
    free(text);
    text = seal_of(data_default());
    assert_int_equal(verify_full(text, c, NOW, &PERSON), VDS_REASON_OK);
    free(text);
    vds_csca_free(c);
    X509_free(inter);
    X509_free(s);
    EVP_PKEY_free(ik);
    EVP_PKEY_free(sk);
}

static void test_signer_usage(void **state)
{
    (void)state;
    /* the CSCA signing a seal itself */
    char *text = seal_with(data_default(), csca_key, csca, SIG_RAW, "ES256");
    assert_int_equal(verify(text), VDS_REASON_CERT_USAGE);
    free(text);
    EVP_PKEY *k = EVP_EC_gen("P-256");
    /* a signer whose key may only sign certificates */
    X509 *x = make_cert("signer", k, csca, csca_key, false, NOW - DAY, NOW + DAY, "critical,keyCertSign");
    text = seal_with(data_default(), k, x, SIG_RAW, "ES256");
    assert_int_equal(verify(text), VDS_REASON_CERT_USAGE);
    free(text);
    X509_free(x);
    /* a sub-CA as signer */
    x = make_cert("sub CA", k, csca, csca_key, true, NOW - DAY, NOW + DAY, "critical,keyCertSign,digitalSignature");
    text = seal_with(data_default(), k, x, SIG_RAW, "ES256");
    assert_int_equal(verify(text), VDS_REASON_CERT_USAGE);
    free(text);
    X509_free(x);
    /* no keyUsage at all is allowed (any use) */
    x = make_cert("signer", k, csca, csca_key, false, NOW - DAY, NOW + DAY, NULL);
    text = seal_with(data_default(), k, x, SIG_RAW, "ES256");
    assert_int_equal(verify(text), VDS_REASON_OK);
    free(text);
    X509_free(x);
    EVP_PKEY_free(k);
}

static void test_signer_key_not_p256(void **state)
{
    (void)state;
    EVP_PKEY *p384 = EVP_EC_gen("P-384"), *rsa = EVP_RSA_gen(2048);
    assert_non_null(p384);
    assert_non_null(rsa);
    EVP_PKEY *keys[] = {p384, rsa};
    for (size_t i = 0; i < 2; i++) {
        X509 *x = make_signer(keys[i], csca, csca_key, NOW - DAY, NOW + DAY);
        char *text = seal_with(data_default(), signer_key, x, SIG_RAW, "ES256");
        assert_int_equal(verify(text), VDS_REASON_CERT_KEY);
        free(text);
        X509_free(x);
    }
    EVP_PKEY_free(p384);
    EVP_PKEY_free(rsa);
}

static char *seal_with_cer(const char *cer)
{
    char *good = seal_of(data_default());
    json_t *seal = json_loads(good, 0, NULL);
    assert_non_null(seal);
    json_object_set_new(json_object_get(seal, "sig"), "cer", json_string(cer));
    char *text = json_dumps(seal, JSON_COMPACT);
    json_decref(seal);
    free(good);
    return text;
}

static void test_cer_form(void **state)
{
    (void)state;
    unsigned char *der = NULL;
    int n = i2d_X509(signer, &der);
    assert_true(n > 0);
    uint8_t *longer = malloc((size_t)n + 1);
    memcpy(longer, der, (size_t)n);
    longer[n] = 0x00;
    char *trailing = b64url(longer, (size_t)n + 1), *cut = b64url(der, (size_t)n - 1);
    char *good = b64url(der, (size_t)n);
    char *padded = malloc(strlen(good) + 8);
    snprintf(padded, strlen(good) + 8, "%s=", good);
    const char *bad[] = {"", "AAAA", "not base64!", trailing, cut, padded};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *text = seal_with_cer(bad[i]);
        assert_int_equal(verify(text), VDS_REASON_CERT_FORM);
        free(text);
    }
    /* a standard-base64 spelling */
    char *std = strdup(good);
    bool changed = false;
    for (char *c = std; *c; c++)
        if (*c == '-' || *c == '_') {
            *c = *c == '-' ? '+' : '/';
            changed = true;
        }
    if (changed) {
        char *text = seal_with_cer(std);
        assert_int_equal(verify(text), VDS_REASON_CERT_FORM);
        free(text);
    }
    free(std);
    free(good);
    free(padded);
    free(trailing);
    free(cut);
    free(longer);
    OPENSSL_free(der);
}

/* ---- signature and content ---------------------------------------------------------- */

/* Sign, then change the seal's data; the signature must catch it. */
static enum vds_reason verify_tampered(void (*change)(json_t *data))
{
    char *good = seal_of(data_default());
    json_t *seal = json_loads(good, 0, NULL);
    assert_non_null(seal);
    change(json_object_get(seal, "data"));
    char *text = json_dumps(seal, JSON_COMPACT);
    json_decref(seal);
    enum vds_reason r = verify(text);
    free(text);
    free(good);
    return r;
}

static void change_lot(json_t *d) { json_object_set_new(vd(d, 1), "lot", json_string("FA5679")); }
static void change_name(json_t *d) { json_object_set_new(pid_of(d), "n", json_string("YAMADA TARO ")); }
static void change_seq(json_t *d) { json_object_set_new(vd(d, 0), "seq", json_integer(3)); }
static void add_member(json_t *d) { json_object_set_new(msg_of(d), "x", json_string("")); }
static void drop_dose(json_t *d) { json_array_remove(json_object_get(ve0(d), "vd"), 1); }

static void test_tampered_data(void **state)
{
    (void)state;
    assert_int_equal(verify_tampered(change_lot), VDS_REASON_SIGNATURE);
    assert_int_equal(verify_tampered(change_name), VDS_REASON_SIGNATURE);
    assert_int_equal(verify_tampered(change_seq), VDS_REASON_SIGNATURE);
    assert_int_equal(verify_tampered(add_member), VDS_REASON_SIGNATURE);
    assert_int_equal(verify_tampered(drop_dose), VDS_REASON_SIGNATURE);
}

static void test_signature_forms(void **state)
{
    (void)state;
    char *text = seal_with(data_default(), signer_key, signer, SIG_FLIP, "ES256");
    assert_int_equal(verify(text), VDS_REASON_SIGNATURE);
    free(text);
    text = seal_with(data_default(), signer_key, signer, SIG_DER, "ES256");
    assert_int_equal(verify(text), VDS_REASON_SIGNATURE_FORM);
    free(text);
    text = seal_with(data_default(), signer_key, signer, SIG_ZERO_R, "ES256");
    assert_int_equal(verify(text), VDS_REASON_SIGNATURE_FORM);
    free(text);
    const char *bad[] = {"", "AAAA", "+/+/", "AA=="};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *good = seal_of(data_default());
        json_t *seal = json_loads(good, 0, NULL);
        json_object_set_new(json_object_get(seal, "sig"), "sigvl", json_string(bad[i]));
        text = json_dumps(seal, JSON_COMPACT);
        assert_int_equal(verify(text), VDS_REASON_SIGNATURE_FORM);
        free(text);
        json_decref(seal);
        free(good);
    }
}

static void test_header_and_alg(void **state)
{
    (void)state;
    struct {
        const char *key;
        json_t *value;
    } bad[] = {
        {"t", json_string("icao.test")}, {"t", json_integer(1)},   {"v", json_integer(2)},
        {"v", json_string("1")},         {"v", json_real(1.0)},    {"is", json_string("JP")},
        {"is", json_string("jpn")},      {"is", json_string("JPNX")},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *d = data_default();
        json_object_set_new(json_object_get(d, "hdr"), bad[i].key, bad[i].value);
        assert_int_equal(verify_data(d), VDS_REASON_HEADER);
    }
    json_t *d = data_default();
    json_object_del(json_object_get(d, "hdr"), "is");
    assert_int_equal(verify_data(d), VDS_REASON_HEADER);
    /* another issuing state is read as such */
    d = data_default();
    json_object_set_new(json_object_get(d, "hdr"), "is", json_string("UTO"));
    assert_int_equal(verify_data(d), VDS_REASON_OK);
    assert_string_equal(doc->issuing_state, "UTO");
    char *text = seal_with(data_default(), signer_key, signer, SIG_RAW, "ES384");
    assert_int_equal(verify(text), VDS_REASON_ALG);
    free(text);
    text = seal_with(data_default(), signer_key, signer, SIG_RAW, "es256");
    assert_int_equal(verify(text), VDS_REASON_ALG);
    free(text);
}

static void test_json_and_shape(void **state)
{
    (void)state;
    const char *not_json[] = {"", "[]", "{", "null", "{\"data\":{}} x"};
    for (size_t i = 0; i < sizeof not_json / sizeof not_json[0]; i++)
        assert_int_equal(verify(not_json[i]), VDS_REASON_JSON);
    /* a repeated member inside the signed data */
    char *good = seal_of(data_default());
    char *uvci = strstr(good, "\"uvci\"");
    assert_non_null(uvci);
    size_t cap = strlen(good) + 64;
    char *dup = malloc(cap);
    snprintf(dup, cap, "%.*s\"uvci\": \"JP-1\", %s", (int)(uvci - good), good, uvci);
    assert_int_equal(verify(dup), VDS_REASON_JSON);
    free(dup);
    /* longer than the verifier reads */
    size_t big = VDS_SEAL_INPUT_MAX + 1;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    memcpy(huge, good, strlen(good));
    huge[big] = '\0';
    assert_int_equal(verify(huge), VDS_REASON_JSON);
    free(huge);
    /* parts missing or of the wrong type */
    const char *parts[][2] = {{"", "data"}, {"", "sig"}, {"data", "hdr"}, {"data", "msg"}, {"sig", "cer"}, {"sig", "sigvl"}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        json_t *seal = json_loads(good, 0, NULL);
        json_t *parent = parts[i][0][0] ? json_object_get(seal, parts[i][0]) : seal;
        json_object_del(parent, parts[i][1]);
        char *text = json_dumps(seal, 0);
        assert_int_equal(verify(text), VDS_REASON_SHAPE);
        free(text);
        json_decref(seal);
        seal = json_loads(good, 0, NULL);
        parent = parts[i][0][0] ? json_object_get(seal, parts[i][0]) : seal;
        json_object_set_new(parent, parts[i][1], json_integer(1));
        text = json_dumps(seal, 0);
        assert_int_equal(verify(text), VDS_REASON_SHAPE);
        free(text);
        json_decref(seal);
    }
    free(good);
    /* data without a canonical form (a real number) */
    json_t *d = data_default();
    json_object_set_new(msg_of(d), "x", json_real(1.5));
    assert_int_equal(verify_data(d), VDS_REASON_CANONICAL);
}

static void test_msg_fields(void **state)
{
    (void)state;
    struct {
        json_t *(*where)(json_t *);
        const char *key;
        json_t *value; /* NULL: delete */
    } bad[] = {
        {msg_of, "uvci", NULL},
        {msg_of, "uvci", json_integer(1)},
        {msg_of, "pid", json_string(NAME)},
        {pid_of, "n", NULL},
        {pid_of, "n", json_string("")},
        {pid_of, "n", json_string("YAMADA\tTARO")},
        {pid_of, "dob", NULL},
        {pid_of, "dob", json_string("1980-01")},
        {pid_of, "dob", json_string("19800102")},
        {pid_of, "dob", json_string("1980-02-31")},
        {pid_of, "sex", json_string("Q")},
        {pid_of, "sex", json_string("MF")},
        {pid_of, "i", json_integer(1234567)},
        {pid_of, "ai", json_string("")},
        {ve0, "des", NULL},
        {ve0, "nam", json_string("")},
        {ve0, "dis", json_integer(1)},
        {ve0, "vd", json_array()},
        {ve0, "vd", json_object()},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *d = data_default();
        if (bad[i].value)
            json_object_set_new(bad[i].where(d), bad[i].key, bad[i].value);
        else
            json_object_del(bad[i].where(d), bad[i].key);
        if (verify_data(d) != VDS_REASON_MSG)
            fail_msg("msg case %zu (%s) not refused as msg", i, bad[i].key);
    }
    struct {
        const char *key;
        json_t *value;
    } dose_bad[] = {
        {"dvc", json_string("2021-6-1")}, {"dvc", NULL},       {"seq", json_integer(0)},
        {"seq", json_integer(100)},       {"seq", json_string("1")}, {"seq", NULL},
        {"ctr", json_string("JP")},       {"ctr", NULL},       {"lot", NULL},
        {"lot", json_string("")},         {"adm", json_integer(5)}, {"dvn", json_string("soon")},
    };
    for (size_t i = 0; i < sizeof dose_bad / sizeof dose_bad[0]; i++) {
        json_t *d = data_default();
        if (dose_bad[i].value)
            json_object_set_new(vd(d, 1), dose_bad[i].key, dose_bad[i].value);
        else
            json_object_del(vd(d, 1), dose_bad[i].key);
        if (verify_data(d) != VDS_REASON_MSG)
            fail_msg("dose case %zu (%s) not refused as msg", i, dose_bad[i].key);
    }
    json_t *d = data_default();
    json_array_set_new(json_object_get(msg_of(d), "ve"), 0, json_string("dose"));
    assert_int_equal(verify_data(d), VDS_REASON_MSG);
    d = data_default();
    json_object_set_new(msg_of(d), "ve", json_object());
    assert_int_equal(verify_data(d), VDS_REASON_MSG);
}

static void test_dose_counts(void **state)
{
    (void)state;
    json_t *d = data_default();
    json_array_clear(json_object_get(msg_of(d), "ve"));
    assert_int_equal(verify_data(d), VDS_REASON_NO_DOSES);
    /* ten doses over two events fit; eleven do not */
    d = data_default();
    json_t *more = json_pack("{s:s, s:s, s:[]}", "des", "XM68M6", "nam", "Spikevax", "vd");
    for (int i = 3; i <= 10; i++)
        json_array_append_new(json_object_get(more, "vd"), dose("2022-01-01", i, "MO"));
    json_array_append_new(json_object_get(msg_of(d), "ve"), more);
    assert_int_equal(verify_data(d), VDS_REASON_OK);
    assert_int_equal(doc->n_doses, 10);
    assert_string_equal(doc->doses[9].product, "Spikevax");
    d = data_default();
    more = json_pack("{s:s, s:s, s:[]}", "des", "XM68M6", "nam", "Spikevax", "vd");
    for (int i = 3; i <= 11; i++)
        json_array_append_new(json_object_get(more, "vd"), dose("2022-01-01", i, "MO"));
    json_array_append_new(json_object_get(msg_of(d), "ve"), more);
    assert_int_equal(verify_data(d), VDS_REASON_TOO_MANY_DOSES);
}

/* ---- the person ------------------------------------------------------------------------ */

static void test_another_person(void **state)
{
    (void)state;
    char *text = seal_of(data_default());
    const struct vds_person names[] = {{"YAMADA JIRO", BIRTH, PASSPORT},
                                       {"yamada taro", BIRTH, PASSPORT},
                                       {"YAMADA  TARO", BIRTH, PASSPORT},
                                       {"YAMADA", BIRTH, PASSPORT},
                                       {"TARO YAMADA", BIRTH, PASSPORT}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_int_equal(verify_full(text, trusted, NOW, &names[i]), VDS_REASON_OTHER_NAME);
    const struct vds_person born = {NAME, "19800103", PASSPORT};
    assert_int_equal(verify_full(text, trusted, NOW, &born), VDS_REASON_OTHER_BIRTH_DATE);
    const struct vds_person passport = {NAME, BIRTH, "TZ7654321"};
    assert_int_equal(verify_full(text, trusted, NOW, &passport), VDS_REASON_OTHER_DOCUMENT);
    const struct vds_person any_passport = {NAME, BIRTH, NULL};
    assert_int_equal(verify_full(text, trusted, NOW, &any_passport), VDS_REASON_OK);
    free(text);
    /* a seal without a passport number, when one is expected */
    json_t *d = data_default();
    json_object_del(pid_of(d), "i");
    assert_int_equal(verify_data(d), VDS_REASON_OTHER_DOCUMENT);
}

/* ---- the CSCA file ----------------------------------------------------------------------- */

static int load_pem_text(const char *text, vds_csca **c, char *err, size_t len)
{
    int rc = vds_csca_load(kt_temp_text("vds", text), c, err, len);
    kt_temp_files_remove();
    return rc;
}

static void test_csca_load(void **state)
{
    (void)state;
    vds_csca *c = NULL;
    char err[256] = "";
    /* two CSCAs (a new one beside the old): seals under either verify */
    X509 *const two[] = {other_csca, csca};
    assert_int_equal(vds_csca_load(write_pem(two, 2), &c, err, sizeof err), KOFU_OK);
    char *text = seal_with(data_default(), other_signer_key, other_signer, SIG_RAW, "ES256");
    assert_int_equal(verify_full(text, c, NOW, &PERSON), VDS_REASON_OK);
    free(text);
    text = seal_of(data_default());
    assert_int_equal(verify_full(text, c, NOW, &PERSON), VDS_REASON_OK);
    free(text);
    vds_csca_free(c);
    /* refusals */
    X509 *const leaf[] = {signer};
    c = (vds_csca *)(uintptr_t)1;
    assert_int_equal(vds_csca_load(write_pem(leaf, 1), &c, err, sizeof err), KOFU_E_CONFIG);
    assert_null(c);
    assert_non_null(strstr(err, "not a CA"));
    assert_int_equal(load_pem_text("", &c, err, sizeof err), KOFU_E_CONFIG);
    assert_non_null(strstr(err, "no PEM"));
    assert_int_equal(load_pem_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", &c, err,
                                   sizeof err),
                     KOFU_E_CONFIG);
    assert_null(c);
    /* a good CSCA followed by a broken block: the whole file is refused */
    BIO *mem = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_X509(mem, csca), 1);
    BIO_puts(mem, "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n");
    char *pem = NULL;
    long pl = BIO_get_mem_data(mem, &pem);
    char *pem_text = strndup(pem, (size_t)pl);
    BIO_free(mem);
    assert_int_equal(load_pem_text(pem_text, &c, err, sizeof err), KOFU_E_CONFIG);
    assert_null(c);
    assert_non_null(strstr(err, "certificate 2"));
    free(pem_text);
    assert_int_equal(vds_csca_load("/nonexistent/kofu/csca.pem", &c, err, sizeof err), KOFU_E_CONFIG);
    EVP_PKEY *rsa = EVP_RSA_gen(2048);
    X509 *rsa_ca = make_csca("RSA CSCA", rsa, NOW - DAY, NOW + DAY);
    X509 *const r[] = {rsa_ca};
    assert_int_equal(vds_csca_load(write_pem(r, 1), &c, err, sizeof err), KOFU_E_CONFIG);
    assert_non_null(strstr(err, "EC key"));
    X509 *many[VDS_CSCA_MAX + 1];
    for (size_t i = 0; i <= VDS_CSCA_MAX; i++)
        many[i] = csca;
    assert_int_equal(vds_csca_load(write_pem(many, VDS_CSCA_MAX + 1), &c, err, sizeof err), KOFU_E_CONFIG);
    assert_int_equal(vds_csca_load(write_pem(many, VDS_CSCA_MAX), &c, err, sizeof err), KOFU_OK);
    vds_csca_free(c);
    X509_free(rsa_ca);
    EVP_PKEY_free(rsa);
    assert_int_equal(vds_csca_load("x", NULL, err, sizeof err), KOFU_E_ARG);
}

/* ---- the call ------------------------------------------------------------------------------ */

static void test_bad_calls(void **state)
{
    (void)state;
    char *text = seal_of(data_default());
    size_t n = strlen(text);
    enum vds_reason why;
    assert_int_equal(vds_verify(text, n, trusted, NOW, &PERSON, doc, NULL), KOFU_E_ARG);
    assert_int_equal(vds_verify(text, n, trusted, NOW, &PERSON, NULL, &why), KOFU_E_ARG);
    assert_int_equal(vds_verify(NULL, n, trusted, NOW, &PERSON, doc, &why), KOFU_E_ARG);
    assert_int_equal(vds_verify(text, n, NULL, NOW, &PERSON, doc, &why), KOFU_E_ARG);
    assert_int_equal(vds_verify(text, n, trusted, NOW, NULL, doc, &why), KOFU_E_ARG);
    const struct vds_person bad[] = {{NAME, "1980-01-02", NULL}, {NAME, "19801301", NULL}, {"", BIRTH, NULL},
                                     {NULL, BIRTH, NULL}, {NAME, NULL, NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(vds_verify(text, n, trusted, NOW, &bad[i], doc, &why), KOFU_E_ARG);
    /* the length is what counts, not a NUL */
    assert_int_equal(vds_verify(text, n - 1, trusted, NOW, &PERSON, doc, &why), KOFU_E_CENTER_RESPONSE);
    assert_int_equal(why, VDS_REASON_JSON);
    free(text);
}

static void test_scratch_wiped_and_vault_full(void **state)
{
    (void)state;
    char *text = seal_of(data_default());
    vault_wipe();
    doc = vds_document_new();
    assert_non_null(doc);
    assert_int_equal(verify(text), VDS_REASON_OK);
    assert_int_equal(vault_used(), sizeof *doc);
    explicit_bzero(doc, sizeof *doc);
    assert_true(vault_is_clean()); /* the canonical form was wiped */
    size_t mark = vault_mark();
    void *filler = vault_alloc(vault_size() - vault_used() - 64);
    enum vds_reason why = VDS_REASON_OK;
    int rc = vds_verify(text, strlen(text), trusted, NOW, &PERSON, doc, &why);
    bool zero = doc_is_zero();
    vault_release(mark);
    assert_non_null(filler);
    assert_int_equal(rc, KOFU_E_NOMEM);
    assert_int_equal(why, VDS_REASON_INTERNAL);
    assert_true(zero);
    /* VDS_VERIFY_VAULT_BYTES free is enough */
    mark = vault_mark();
    filler = vault_alloc(vault_size() - vault_used() - VDS_VERIFY_VAULT_BYTES);
    rc = vds_verify(text, strlen(text), trusted, NOW, &PERSON, doc, &why);
    vault_release(mark);
    assert_non_null(filler);
    assert_int_equal(rc, KOFU_OK);
    free(text);
}

static void test_reason_words(void **state)
{
    (void)state;
    for (int i = 0; i < VDS_REASON__COUNT; i++) {
        const char *name = vds_reason_name((enum vds_reason)i);
        assert_non_null(name);
        assert_string_not_equal(name, "unknown");
        assert_true(strlen(vds_reason_text((enum vds_reason)i, KOFU_LANG_JA)) > 0);
        assert_true(strlen(vds_reason_text((enum vds_reason)i, KOFU_LANG_EN)) > 0);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(name, vds_reason_name((enum vds_reason)k));
    }
    assert_string_equal(vds_reason_name(VDS_REASON_CERT_UNTRUSTED), "cert-untrusted");
    assert_string_equal(vds_reason_name(VDS_REASON__COUNT), "unknown");
    assert_string_equal(vds_reason_text(VDS_REASON__COUNT, KOFU_LANG_JA), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_valid_seal, kt_temp_teardown),
        cmocka_unit_test_teardown(test_optional_fields_and_events, kt_temp_teardown),
        cmocka_unit_test_teardown(test_empty_object_in_data, kt_temp_teardown),
        cmocka_unit_test_teardown(test_canonical_form_known_answer, kt_temp_teardown),
        cmocka_unit_test_teardown(test_signer_from_another_csca, kt_temp_teardown),
        cmocka_unit_test_teardown(test_signer_validity, kt_temp_teardown),
        cmocka_unit_test_teardown(test_csca_validity, kt_temp_teardown),
        cmocka_unit_test_teardown(test_signer_under_intermediate, kt_temp_teardown),
        cmocka_unit_test_teardown(test_signer_usage, kt_temp_teardown),
        cmocka_unit_test_teardown(test_signer_key_not_p256, kt_temp_teardown),
        cmocka_unit_test_teardown(test_cer_form, kt_temp_teardown),
        cmocka_unit_test_teardown(test_tampered_data, kt_temp_teardown),
        cmocka_unit_test_teardown(test_signature_forms, kt_temp_teardown),
        cmocka_unit_test_teardown(test_header_and_alg, kt_temp_teardown),
        cmocka_unit_test_teardown(test_json_and_shape, kt_temp_teardown),
        cmocka_unit_test_teardown(test_msg_fields, kt_temp_teardown),
        cmocka_unit_test_teardown(test_dose_counts, kt_temp_teardown),
        cmocka_unit_test_teardown(test_another_person, kt_temp_teardown),
        cmocka_unit_test_teardown(test_csca_load, kt_temp_teardown),
        cmocka_unit_test_teardown(test_bad_calls, kt_temp_teardown),
        cmocka_unit_test_teardown(test_scratch_wiped_and_vault_full, kt_temp_teardown),
        cmocka_unit_test_teardown(test_reason_words, kt_temp_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
