/*
 * test_mrtd_pa.c — passive authentication of a passport chip's data
 * (firmware/card/mrtd_pa.h) against the test passport PKI of `make pki`
 * (build/pki/passport and build/pki/csca; $KOFU_BUILD/pki when set).
 *
 * EF.SODs are made here with OpenSSL's CMS API over LDS security objects
 * built with kofu_bld; the data group hashes come from OpenSSL's digests,
 * not from kcrypto_sym, so the firmware is not checked against itself.
 * Certificates a case needs beyond the PKI (a signer that is a CA, one
 * without digitalSignature, a German CSCA, a signer whose validity is over)
 * are made here with throwaway keys. Every refusal is checked for its own
 * reason, on an SOD that differs from a passing one in that fault only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "base/bytes.h"
#include "base/errors.h"
#include "card/mrtd_pa.h"
#include "tests/lib/certs.h"
#include "tests/lib/files.h"
#include "tests/lib/keys.h"
#include "tests/lib/tmp.h"

#define DAY 86400L

/* Synthetic holders: the ICAO 9303 specimen (Utopia) and the Japanese test
 * resident of tests/cardsim/residents/yamada.json. */
#define MRZ_UTO                                                                                                        \
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"                                                                     \
    "L898902C<3UTO6908061F9406236ZE184226B<<<<<14"
#define MRZ_JPN                                                                                                        \
    "P<JPNYAMADA<<TARO<<<<<<<<<<<<<<<<<<<<<<<<<<<"                                                                     \
    "TZ12345676JPN8002170M3103315<<<<<<<<<<<<<<<0"

/* Hash algorithm OIDs, the content bytes. */
static const uint8_t OID_SHA1[] = {0x2B, 0x0E, 0x03, 0x02, 0x1A};
static const uint8_t OID_SHA224[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04};
static const uint8_t OID_SHA256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const uint8_t OID_SHA384[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
static const uint8_t OID_SHA512[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};
static const uint8_t OID_MD5[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05};
static const uint8_t OID_SHA3_256[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x08};

#define DG_BIT(n) (1u << (n))

static struct mrtd_trust *trust_dir, *trust_bundle, *trust_ml;
static uint8_t dg1_uto[93], dg1_jpn[93];

/* ---- helpers: the PKI ------------------------------------------------------- */

static const char *pki(const char *name)
{
    static char paths[4][512];
    static int i;
    const char *build = getenv("KOFU_BUILD");
    char *p = paths[i++ % 4];
    snprintf(p, sizeof paths[0], "%s/pki/%s", build && *build ? build : "build", name);
    return p;
}

static X509 *pki_cert(const char *name)
{
    char n[128];
    snprintf(n, sizeof n, "passport/%s.pem", name);
    X509 *x = kt_load_cert(pki(n));
    assert_non_null(x);
    return x;
}

static EVP_PKEY *pki_key(const char *name)
{
    char n[128];
    snprintf(n, sizeof n, "passport/%s.key", name);
    EVP_PKEY *k = kt_load_key(pki(n));
    assert_non_null(k);
    return k;
}

static EVP_PKEY *new_key(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    assert_non_null(k);
    return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(e);
    assert_int_equal(X509_add_ext(x, e, -1), 1);
    X509_EXTENSION_free(e);
}

/* A certificate C=c, CN=cn for key, valid from now + from_s to now + to_s,
 * signed by ca_key under ca (NULL: self-signed); bc and ku are the
 * basicConstraints and keyUsage values, NULL for none. */
static X509 *make_cert(EVP_PKEY *key, const char *c, const char *cn, EVP_PKEY *ca_key, X509 *ca, long from_s,
                       long to_s, const char *bc, const char *ku)
{
    static long serial = 0x5041;
    X509 *x = X509_new();
    assert_non_null(x);
    X509_NAME *name = X509_get_subject_name(x);
    assert_int_equal(X509_set_version(x, 2), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++), 1);
    assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), from_s));
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), to_s));
    assert_int_equal(X509_set_pubkey(x, key), 1);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)c, -1, -1, 0), 1);
    assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0), 1);
    assert_int_equal(X509_set_issuer_name(x, ca ? X509_get_subject_name(ca) : name), 1);
    if (bc)
        add_ext(x, ca, NID_basic_constraints, bc);
    if (ku)
        add_ext(x, ca, NID_key_usage, ku);
    add_ext(x, ca, NID_subject_key_identifier, "hash");
    assert_true(X509_sign(x, ca_key ? ca_key : key, EVP_sha256()) > 0);
    return x;
}

static const char *write_pem(X509 *const *certs, int n)
{
    const char *path = kt_temp_file("mrtd-pa", "", 0);
    assert_true(kt_write_certs_pem(path, certs, n));
    return path;
}

static struct mrtd_trust *load_ok(const char *path)
{
    struct mrtd_trust *t = NULL;
    char err[256] = "";
    int rc = mrtd_trust_load(path, &t, err, sizeof err);
    if (rc != KOFU_OK)
        fprintf(stderr, "load %s: %s\n", path, err);
    assert_int_equal(rc, KOFU_OK);
    assert_non_null(t);
    return t;
}

/* mrtd_trust_load must refuse path with words containing `words`. */
static void load_refused(const char *path, const char *words)
{
    struct mrtd_trust *t = (struct mrtd_trust *)&t;
    char err[256] = "";
    assert_int_equal(mrtd_trust_load(path, &t, err, sizeof err), KOFU_E_CONFIG);
    assert_null(t);
    if (!strstr(err, words))
        fprintf(stderr, "expected \"%s\" in: %s\n", words, err);
    assert_non_null(strstr(err, words));
}

/* ---- helpers: the data groups and the LDS security object ---------------------------- */

static void make_dg1(uint8_t out[93], const char *mrz)
{
    static const uint8_t head[] = {0x61, 0x5B, 0x5F, 0x1F, 0x58};
    assert_int_equal(strlen(mrz), 88);
    memcpy(out, head, sizeof head);
    memcpy(out + sizeof head, mrz, 88);
}

struct lds {
    const uint8_t *oid;
    size_t oid_len;
    const char *md;     /* OpenSSL's name of the digest the hashes are made with */
    const uint8_t *dg1; /* hashed as DG1 */
    uint32_t dgs;       /* the data groups with a hash (DG_BIT) */
};

static size_t hash_of(const char *md, const void *p, size_t n, uint8_t out[EVP_MAX_MD_SIZE])
{
    EVP_MD *m = EVP_MD_fetch(NULL, md, NULL);
    assert_non_null(m);
    unsigned int len = 0;
    assert_int_equal(EVP_Digest(p, n, out, &len, m, NULL), 1);
    EVP_MD_free(m);
    return len;
}

/* LDSSecurityObject v0 over the data groups of l, into out; its length. */
static size_t build_lds(const struct lds *l, uint8_t *out, size_t cap)
{
    uint8_t entries[2048], alg[64], body[2300];
    kofu_bld e, a, b, o;
    bld_init(&e, entries, sizeof entries);
    for (uint8_t dg = 1; dg <= 16; dg++) {
        if (!(l->dgs & DG_BIT(dg)))
            continue;
        uint8_t h[EVP_MAX_MD_SIZE], one[100];
        char other[16];
        snprintf(other, sizeof other, "DG%u data", dg);
        size_t hl = dg == 1 ? hash_of(l->md, l->dg1, 93, h) : hash_of(l->md, other, strlen(other), h);
        kofu_bld x;
        bld_init(&x, one, sizeof one);
        bld_add_ber(&x, 0x02, &dg, 1, false);
        bld_add_ber(&x, 0x04, h, hl, false);
        bld_add_ber(&e, 0x30, one, x.len, false);
    }
    bld_init(&a, alg, sizeof alg);
    bld_add_ber(&a, 0x06, l->oid, l->oid_len, false);
    bld_add_bytes(&a, "\x05\x00", 2);
    bld_init(&b, body, sizeof body);
    bld_add_bytes(&b, "\x02\x01\x00", 3);
    bld_add_ber(&b, 0x30, alg, a.len, false);
    bld_add_ber(&b, 0x30, entries, e.len, false);
    bld_init(&o, out, cap);
    bld_add_ber(&o, 0x30, body, b.len, false);
    assert_true(bld_ok(&e) && bld_ok(&a) && bld_ok(&b) && bld_ok(&o));
    return o.len;
}

/* ---- helpers: EF.SOD ----------------------------------------------------------------- */

enum tamper { T_NONE, T_SIGNATURE, T_CONTENT, T_CONTENT_TYPE };
enum stime { ST_OPENSSL, ST_GIVEN, ST_NONE };

struct sod {
    X509 *cert;               /* the Document Signer */
    EVP_PKEY *key;
    const char *content_type; /* NULL: the LDS security object's */
    enum stime stime;
    time_t at;                /* with ST_GIVEN */
    enum tamper tamper;
    X509 *second_cert;        /* a second signer */
    EVP_PKEY *second_key;
    bool no_certs;            /* leave the signer's certificate out */
    bool no_attrs;            /* no signed attributes at all */
};

/* The SignerInfo's signedAttrs [0] within a DER ContentInfo. */
static bool find_signed_attrs(const uint8_t *der, size_t n, kofu_cur *whole)
{
    kofu_cur c, ci, oid, sd0, sd, x, sis, si, v;
    uint32_t tag;
    cur_init(&c, der, n);
    if (!cur_get_ber_tag(&c, 0x30, &ci) || !cur_get_ber_tag(&ci, 0x06, &oid) || !cur_get_ber_tag(&ci, 0xA0, &sd0) ||
        !cur_get_ber_tag(&sd0, 0x30, &sd) || !cur_get_ber_tag(&sd, 0x02, &x) || !cur_get_ber_tag(&sd, 0x31, &x) ||
        !cur_get_ber_tag(&sd, 0x30, &x))
        return false;
    while (cur_get_ber(&sd, &tag, &x) && tag != 0x31)
        ;
    sis = x;
    if (tag != 0x31 || !cur_get_ber_tag(&sis, 0x30, &si) || !cur_get_ber_tag(&si, 0x02, &x) ||
        !cur_get_ber(&si, &tag, &x) || !cur_get_ber_tag(&si, 0x30, &x))
        return false;
    return cur_get_ber_tag_whole(&si, 0xA0, &v, whole);
}

/* Take signingTime out of a signed SignerInfo and sign its attributes again
 * (OpenSSL adds signingTime whenever it signs them itself). */
static void resign_without_time(CMS_ContentInfo *cms, CMS_SignerInfo *si, EVP_PKEY *key)
{
    int i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    assert_true(i >= 0);
    X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, i));
    assert_true(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) < 0);
    unsigned char *der = NULL;
    int n = i2d_CMS_ContentInfo(cms, &der);
    assert_true(n > 0);
    kofu_cur whole;
    assert_true(find_signed_attrs(der, (size_t)n, &whole));
    uint8_t *attrs = malloc(cur_len(&whole));
    assert_non_null(attrs);
    memcpy(attrs, cur_data(&whole), cur_len(&whole));
    attrs[0] = 0x31; /* signed as a SET (RFC 5652 §5.4) */
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t sig[256];
    size_t sl = sizeof sig;
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    assert_int_equal(EVP_DigestSign(md, sig, &sl, attrs, cur_len(&whole)), 1);
    assert_int_equal(ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)sl), 1);
    EVP_MD_CTX_free(md);
    free(attrs);
    OPENSSL_free(der);
}

static void flip_last(ASN1_OCTET_STRING *s)
{
    int n = ASN1_STRING_length(s);
    uint8_t *b = malloc((size_t)n);
    assert_non_null(b);
    memcpy(b, ASN1_STRING_get0_data(s), (size_t)n);
    b[n - 1] ^= 0x01;
    assert_int_equal(ASN1_STRING_set(s, b, n), 1);
    free(b);
}

/* EF.SOD (77 L ContentInfo) over the content, malloc'd; its length into *len. */
static uint8_t *make_sod(const struct sod *s, const uint8_t *content, size_t content_len, size_t *len)
{
    unsigned flags = CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP | (s->no_certs ? CMS_NOCERTS : 0) |
                     (s->no_attrs ? CMS_NOATTR : 0);
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
    assert_non_null(cms);
    ASN1_OBJECT *ct = OBJ_txt2obj(s->content_type ? s->content_type : "2.23.136.1.1.1", 1);
    assert_non_null(ct);
    assert_int_equal(CMS_set1_eContentType(cms, ct), 1);
    ASN1_OBJECT_free(ct);
    CMS_SignerInfo *si = CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(), flags);
    assert_non_null(si);
    if (s->second_cert)
        assert_non_null(CMS_add1_signer(cms, s->second_cert, s->second_key, EVP_sha256(), flags));
    if (s->stime == ST_GIVEN) {
        ASN1_TIME *t = ASN1_TIME_set(NULL, s->at);
        assert_non_null(t);
        assert_int_equal(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, ASN1_STRING_type(t), t, -1), 1);
        ASN1_TIME_free(t);
    }
    BIO *in = BIO_new_mem_buf(content, (int)content_len);
    assert_int_equal(CMS_final(cms, in, NULL, CMS_BINARY), 1);
    BIO_free(in);
    if (s->stime == ST_NONE)
        resign_without_time(cms, si, s->key);
    if (s->tamper == T_SIGNATURE)
        flip_last(CMS_SignerInfo_get0_signature(si));
    if (s->tamper == T_CONTENT_TYPE) {
        /* Relabelled after signing: the signed contentType attribute still
         * says what was signed. */
        ASN1_OBJECT *lds = OBJ_txt2obj("2.23.136.1.1.1", 1);
        assert_int_equal(CMS_set1_eContentType(cms, lds), 1);
        ASN1_OBJECT_free(lds);
    }
    if (s->tamper == T_CONTENT) {
        ASN1_OCTET_STRING **pos = CMS_get0_content(cms);
        assert_true(pos && *pos);
        flip_last(*pos);
    }
    unsigned char *der = NULL;
    int n = i2d_CMS_ContentInfo(cms, &der);
    assert_true(n > 0);
    CMS_ContentInfo_free(cms);
    size_t cap = (size_t)n + 8;
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    kofu_bld b;
    bld_init(&b, out, cap);
    bld_add_ber(&b, 0x77, der, (size_t)n, false);
    assert_true(bld_ok(&b));
    OPENSSL_free(der);
    *len = b.len;
    return out;
}

/* An SOD over the LDS security object of l. */
static uint8_t *sod_over(const struct sod *s, const struct lds *l, size_t *len)
{
    uint8_t lds[2400];
    size_t n = build_lds(l, lds, sizeof lds);
    return make_sod(s, lds, n, len);
}

static enum mrtd_pa verify_with(const struct mrtd_trust *t, const uint8_t *sod, size_t sod_len, const uint8_t *dg1,
                                const char *state, const uint8_t *list, size_t list_n)
{
    const struct mrtd_pa_input in = {sod, sod_len, dg1, dg1 ? 93 : 0, list, list_n, state};
    return mrtd_pa_verify(t, &in);
}

/* The usual case: a SHA-256 SOD over DG1 and DG2, signed by the named PKI
 * signer, verified with the trust directory and EF.COM listing 1 and 2. */
static enum mrtd_pa pa_case(const char *ds, const uint8_t *dg1, const char *state, const struct mrtd_trust *t)
{
    static const uint8_t list[] = {1, 2};
    X509 *cert = pki_cert(ds);
    EVP_PKEY *key = pki_key(ds);
    const struct sod s = {.cert = cert, .key = key};
    const struct lds l = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1, DG_BIT(1) | DG_BIT(2)};
    size_t n;
    uint8_t *sod = sod_over(&s, &l, &n);
    enum mrtd_pa r = verify_with(t, sod, n, dg1, state, list, sizeof list);
    free(sod);
    X509_free(cert);
    EVP_PKEY_free(key);
    return r;
}

/* ---- setup --------------------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    if (access(pki("passport/ds-ut.pem"), R_OK) != 0) {
        fprintf(stderr, "test_mrtd_pa: no test passport PKI under %s (make pki)\n", pki(""));
        return -1;
    }
    make_dg1(dg1_uto, MRZ_UTO);
    make_dg1(dg1_jpn, MRZ_JPN);
    char err[256];
    if (mrtd_trust_load(pki("csca"), &trust_dir, err, sizeof err) != KOFU_OK ||
        mrtd_trust_load(pki("passport/csca-bundle.pem"), &trust_bundle, err, sizeof err) != KOFU_OK ||
        mrtd_trust_load(pki("passport/masterlist.der"), &trust_ml, err, sizeof err) != KOFU_OK) {
        fprintf(stderr, "test_mrtd_pa: %s\n", err);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    mrtd_trust_free(trust_dir);
    mrtd_trust_free(trust_bundle);
    mrtd_trust_free(trust_ml);
    return 0;
}

/* ---- the trust ------------------------------------------------------------------------- */

static void test_trust_forms(void **state)
{
    (void)state;
    assert_int_equal(mrtd_trust_count(trust_dir), 3);    /* csca-ut, link-ut2, csca-jp */
    assert_int_equal(mrtd_trust_count(trust_bundle), 3);
    assert_int_equal(mrtd_trust_count(trust_ml), 2);     /* csca-ut, csca-jp */
    assert_int_equal(mrtd_trust_count(NULL), 0);
    mrtd_trust_free(NULL);
}

static void test_trust_refusals(void **state)
{
    (void)state;
    /* A master list whose signature is broken (its last byte, inside the
     * signature value) is refused. */
    size_t n = 0;
    char *ml = kt_read_file(pki("passport/masterlist.der"), &n);
    assert_non_null(ml);
    ml[n - 1] ^= 0x01;
    load_refused(kt_temp_file("mrtd-pa-ml", ml, n), "signature");
    /* A master list's content altered (a byte of a certificate in it). */
    ml[n - 1] ^= 0x01;
    ml[n / 3] ^= 0x01;
    struct mrtd_trust *t = NULL;
    char err[256];
    assert_int_equal(mrtd_trust_load(kt_temp_file("mrtd-pa-ml", ml, n), &t, err, sizeof err), KOFU_E_CONFIG);
    assert_null(t);
    free(ml);

    /* A Document Signer is no trust anchor. */
    X509 *ds = pki_cert("ds-jp"), *csca = pki_cert("csca-jp");
    load_refused(write_pem(&ds, 1), "not a CA");
    X509 *both[] = {csca, ds};
    load_refused(write_pem(both, 2), "certificate 2 is not a CA");
    /* Nor in a directory. */
    char dir[128], path[256];
    assert_true(kt_tempdir(dir, sizeof dir, "mrtd-pa"));
    snprintf(path, sizeof path, "%s/a.pem", dir);
    assert_true(kt_write_certs_pem(path, &csca, 1));
    snprintf(path, sizeof path, "%s/b.pem", dir);
    assert_true(kt_write_certs_pem(path, &ds, 1));
    load_refused(dir, "not a CA");
    unlink(path);
    struct mrtd_trust *d = load_ok(dir);
    assert_int_equal(mrtd_trust_count(d), 1);
    mrtd_trust_free(d);
    kt_rmdir_flat(dir);
    assert_true(kt_tempdir(dir, sizeof dir, "mrtd-pa"));
    load_refused(dir, "no *.pem");
    kt_rmdir_flat(dir);
    X509_free(ds);
    X509_free(csca);

    load_refused("/nonexistent/csca", "/nonexistent/csca");
    load_refused(kt_temp_file("mrtd-pa", "", 0), "not a regular file");
    load_refused(kt_temp_text("mrtd-pa", "not a certificate\n"), "no PEM certificate");
    load_refused(kt_temp_text("mrtd-pa", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
                 "not readable PEM");
    load_refused(kt_temp_file("mrtd-pa", "\x30\x03\x02\x01\x00", 5), "neither PEM nor a CMS master list");
    assert_int_equal(mrtd_trust_load(NULL, &t, err, sizeof err), KOFU_E_CONFIG);
    assert_int_equal(mrtd_trust_load("x", NULL, err, sizeof err), KOFU_E_ARG);
}

/* A CMS that is not a master list is refused although its signature is good. */
static void test_trust_other_cms(void **state)
{
    (void)state;
    X509 *cert = pki_cert("ds-jp");
    EVP_PKEY *key = pki_key("ds-jp");
    const struct sod s = {.cert = cert, .key = key};
    size_t n;
    uint8_t *sod = make_sod(&s, (const uint8_t *)"\x30\x00", 2, &n);
    /* Without 77 L: a CMS file. */
    size_t hl = sod[1] == 0x82 ? 4 : sod[1] == 0x81 ? 3 : 2;
    load_refused(kt_temp_file("mrtd-pa", sod + hl, n - hl), "not a CSCA master list");
    free(sod);
    X509_free(cert);
    EVP_PKEY_free(key);
}

/* ---- passes ------------------------------------------------------------------------------ */

static void test_good_utopia_every_trust_form(void **state)
{
    (void)state;
    assert_int_equal(pa_case("ds-ut", dg1_uto, "UTO", trust_dir), MRTD_PA_OK);
    assert_int_equal(pa_case("ds-ut", dg1_uto, "UTO", trust_bundle), MRTD_PA_OK);
    assert_int_equal(pa_case("ds-ut", dg1_uto, "UTO", trust_ml), MRTD_PA_OK);
}

static void test_good_japan(void **state)
{
    (void)state;
    assert_int_equal(pa_case("ds-jp", dg1_jpn, "JPN", trust_dir), MRTD_PA_OK);
    assert_int_equal(pa_case("ds-jp", dg1_jpn, "JPN", trust_ml), MRTD_PA_OK);
}

/* csca-ut's key is written with explicit parameters: OpenSSL alone refuses
 * the chain; mrtd_pa accepts it (above) because they are brainpoolP256r1's. */
static void test_explicit_params_need_the_callback(void **state)
{
    (void)state;
    X509 *csca = pki_cert("csca-ut"), *ds = pki_cert("ds-ut");
    X509_STORE *store = X509_STORE_new();
    assert_int_equal(X509_STORE_add_cert(store, csca), 1);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    assert_int_equal(X509_STORE_CTX_init(ctx, store, ds, NULL), 1);
    X509_VERIFY_PARAM *vp = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_flags(vp, X509_V_FLAG_PARTIAL_CHAIN);
    X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_ANY);
    assert_int_not_equal(X509_verify_cert(ctx), 1);
    assert_int_equal(X509_STORE_CTX_get_error(ctx), X509_V_ERR_EC_KEY_EXPLICIT_PARAMS);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(csca);
    X509_free(ds);
    /* With only csca-ut trusted (no named-curve CSCA around to help). */
    X509 *only = pki_cert("csca-ut");
    struct mrtd_trust *t = load_ok(write_pem(&only, 1));
    assert_int_equal(pa_case("ds-ut", dg1_uto, "UTO", t), MRTD_PA_OK);
    mrtd_trust_free(t);
    X509_free(only);
}

/* Explicit parameters of no named curve (brainpoolP256r1 with 2G as the
 * generator) are refused: ds-untrusted. */
static EVP_PKEY *odd_curve_key(void)
{
    EC_GROUP *named = EC_GROUP_new_by_curve_name(NID_brainpoolP256r1);
    BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new();
    assert_int_equal(EC_GROUP_get_curve(named, p, a, b, NULL), 1);
    EC_POINT *g2 = EC_POINT_new(named);
    assert_int_equal(EC_POINT_dbl(named, g2, EC_GROUP_get0_generator(named), NULL), 1);
    uint8_t gen[65];
    size_t gl = EC_POINT_point2oct(named, g2, POINT_CONVERSION_UNCOMPRESSED, gen, sizeof gen, NULL);
    assert_int_equal(gl, 65);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    assert_int_equal(OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_EC_FIELD_TYPE, SN_X9_62_prime_field, 0), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_P, p), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_A, a), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_B, b), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_EC_GENERATOR, gen, gl), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_ORDER, EC_GROUP_get0_order(named)), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_EC_COFACTOR, EC_GROUP_get0_cofactor(named)), 1);
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    assert_non_null(params);
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *dom = NULL, *key = NULL;
    assert_int_equal(EVP_PKEY_fromdata_init(pc), 1);
    assert_int_equal(EVP_PKEY_fromdata(pc, &dom, EVP_PKEY_KEY_PARAMETERS, params), 1);
    EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_from_pkey(NULL, dom, NULL);
    assert_int_equal(EVP_PKEY_keygen_init(kc), 1);
    assert_int_equal(EVP_PKEY_keygen(kc, &key), 1);
    EVP_PKEY_CTX_free(kc);
    EVP_PKEY_CTX_free(pc);
    EVP_PKEY_free(dom);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EC_POINT_free(g2);
    BN_free(p);
    BN_free(a);
    BN_free(b);
    EC_GROUP_free(named);
    return key;
}

static void test_explicit_params_of_no_named_curve(void **state)
{
    (void)state;
    EVP_PKEY *ck = odd_curve_key(), *dk = new_key();
    X509 *csca = make_cert(ck, "UT", "CSCA odd curve", NULL, NULL, -DAY, 365 * DAY, "critical,CA:TRUE",
                           "critical,keyCertSign,cRLSign");
    X509 *ds = make_cert(dk, "UT", "DS odd curve", ck, csca, -DAY, 300 * DAY, "critical,CA:FALSE",
                         "critical,digitalSignature");
    struct mrtd_trust *t = load_ok(write_pem(&csca, 1));
    const struct sod s = {.cert = ds, .key = dk};
    const struct lds l = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1_uto, DG_BIT(1)};
    size_t n;
    uint8_t *sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(t, sod, n, dg1_uto, "UTO", NULL, 0), MRTD_PA_DS_UNTRUSTED);
    free(sod);
    mrtd_trust_free(t);
    X509_free(csca);
    X509_free(ds);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(dk);
}

/* ds-ut2 is under csca-ut2, which is not trusted; the link certificate
 * (csca-ut2's key certified by csca-ut) is. */
static void test_link_certificate(void **state)
{
    (void)state;
    X509 *certs[] = {pki_cert("csca-ut"), pki_cert("link-ut2")};
    struct mrtd_trust *t = load_ok(write_pem(certs, 2));
    assert_int_equal(pa_case("ds-ut2", dg1_uto, "UTO", t), MRTD_PA_OK);
    mrtd_trust_free(t);
    assert_int_equal(pa_case("ds-ut2", dg1_uto, "UTO", trust_dir), MRTD_PA_OK);
    /* Without the link, csca-ut alone does not vouch for csca-ut2's key. */
    t = load_ok(write_pem(certs, 1));
    assert_int_equal(pa_case("ds-ut2", dg1_uto, "UTO", t), MRTD_PA_DS_UNTRUSTED);
    mrtd_trust_free(t);
    assert_int_equal(pa_case("ds-ut2", dg1_uto, "UTO", trust_ml), MRTD_PA_DS_UNTRUSTED);
    X509_free(certs[0]);
    X509_free(certs[1]);
}

/* ---- refusals ------------------------------------------------------------------------------- */

static void test_no_trust(void **state)
{
    (void)state;
    assert_int_equal(pa_case("ds-jp", dg1_jpn, "JPN", NULL), MRTD_PA_NO_TRUST);
}

static void test_sod_form(void **state)
{
    (void)state;
    X509 *cert = pki_cert("ds-jp");
    EVP_PKEY *key = pki_key("ds-jp");
    const struct lds l = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1_jpn, DG_BIT(1)};
    struct sod s = {.cert = cert, .key = key};
    size_t n;
    uint8_t *sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_OK);
    /* Cut short, one byte too many, another outer tag, no 77 at all. */
    assert_int_equal(verify_with(trust_dir, sod, n - 1, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    uint8_t *longer = malloc(n + 1);
    memcpy(longer, sod, n);
    longer[n] = 0;
    assert_int_equal(verify_with(trust_dir, longer, n + 1, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    longer[0] = 0x78;
    assert_int_equal(verify_with(trust_dir, longer, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    free(longer);
    size_t hl = sod[1] == 0x82 ? 4 : sod[1] == 0x81 ? 3 : 2;
    assert_int_equal(verify_with(trust_dir, sod + hl, n - hl, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    /* The ContentInfo itself cut (its length inside 77 L adjusted). */
    static const uint8_t garbage[] = {0x77, 0x05, 0x30, 0x03, 0x02, 0x01, 0x01};
    assert_int_equal(verify_with(trust_dir, garbage, sizeof garbage, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    assert_int_equal(verify_with(trust_dir, NULL, 0, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    assert_int_equal(mrtd_pa_verify(trust_dir, NULL), MRTD_PA_SOD_FORM);
    free(sod);
    /* Larger than MRTD_SOD_MAX, although well formed as a TLV. */
    uint8_t *big = calloc(1, MRTD_SOD_MAX + 1);
    big[0] = 0x77;
    big[1] = 0x82;
    big[2] = (uint8_t)((MRTD_SOD_MAX - 3) >> 8);
    big[3] = (uint8_t)((MRTD_SOD_MAX - 3) & 0xFF);
    assert_int_equal(verify_with(trust_dir, big, MRTD_SOD_MAX + 1, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    free(big);
    /* Two signers. */
    X509 *other = pki_cert("ds-ut");
    EVP_PKEY *other_key = pki_key("ds-ut");
    s.second_cert = other;
    s.second_key = other_key;
    sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    free(sod);
    /* No signed attributes (the signature straight over the content). */
    s.second_cert = NULL;
    s.second_key = NULL;
    s.no_attrs = true;
    sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    free(sod);
    s.no_attrs = false;
    /* The signer's certificate left out. */
    s.second_cert = NULL;
    s.second_key = NULL;
    s.no_certs = true;
    sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_FORM);
    free(sod);
    X509_free(other);
    EVP_PKEY_free(other_key);
    X509_free(cert);
    EVP_PKEY_free(key);
}

static void test_content_type(void **state)
{
    (void)state;
    X509 *cert = pki_cert("ds-jp");
    EVP_PKEY *key = pki_key("ds-jp");
    const struct lds l = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1_jpn, DG_BIT(1)};
    struct sod s = {.cert = cert, .key = key, .content_type = "2.23.136.1.1.2"};
    size_t n;
    uint8_t *sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_CONTENT_TYPE);
    free(sod);
    s.content_type = "1.3.27.1.1.1"; /* the legacy identifier: refused */
    sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_CONTENT_TYPE);
    free(sod);
    s.content_type = "1.2.840.113549.1.7.1"; /* id-data, as some States write: accepted */
    sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_OK);
    free(sod);
    /* Signed as a master list, then labelled an LDS security object. */
    s.content_type = "2.23.136.1.1.2";
    s.tamper = T_CONTENT_TYPE;
    sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_CONTENT_TYPE);
    free(sod);
    s.tamper = T_NONE;
    /* The right type over content that is no LDS security object. */
    s.content_type = NULL;
    sod = make_sod(&s, (const uint8_t *)"\x30\x03\x02\x01\x00", 5, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_SOD_CONTENT_TYPE);
    free(sod);
    X509_free(cert);
    EVP_PKEY_free(key);
}

static void test_signature(void **state)
{
    (void)state;
    X509 *cert = pki_cert("ds-ut");
    EVP_PKEY *key = pki_key("ds-ut");
    const struct lds l = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1_uto, DG_BIT(1) | DG_BIT(2)};
    struct sod s = {.cert = cert, .key = key, .tamper = T_SIGNATURE};
    size_t n;
    uint8_t *sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_uto, "UTO", NULL, 0), MRTD_PA_SOD_SIGNATURE);
    free(sod);
    /* The content changed after signing: its messageDigest no longer matches. */
    s.tamper = T_CONTENT;
    sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_uto, "UTO", NULL, 0), MRTD_PA_SOD_SIGNATURE);
    free(sod);
    X509_free(cert);
    EVP_PKEY_free(key);
}

static void test_ds_chain(void **state)
{
    (void)state;
    /* Another CSCA with the very name of csca-jp signed ds-rogue. */
    assert_int_equal(pa_case("ds-rogue", dg1_jpn, "JPN", trust_dir), MRTD_PA_DS_UNTRUSTED);
    assert_int_equal(pa_case("ds-rogue", dg1_jpn, "JPN", trust_ml), MRTD_PA_DS_UNTRUSTED);
    /* Signed today (OpenSSL's signingTime) by a signer whose validity ended in 2020. */
    assert_int_equal(pa_case("ds-expired", dg1_jpn, "JPN", trust_dir), MRTD_PA_DS_VALIDITY);
}

static void test_ds_usage(void **state)
{
    (void)state;
    X509 *csca = pki_cert("csca-jp");
    EVP_PKEY *ca_key = pki_key("csca-jp"), *k = new_key();
    const struct lds l = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1_jpn, DG_BIT(1)};
    struct {
        const char *bc, *ku;
        enum mrtd_pa want;
    } cases[] = {
        {"critical,CA:FALSE", "critical,digitalSignature", MRTD_PA_OK},
        {"critical,CA:TRUE", "critical,digitalSignature,keyCertSign", MRTD_PA_DS_USAGE},
        {"critical,CA:FALSE", "critical,nonRepudiation", MRTD_PA_DS_USAGE},
        {NULL, NULL, MRTD_PA_DS_USAGE}, /* no keyUsage at all */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        X509 *ds = make_cert(k, "JP", "DS usage", ca_key, csca, -DAY, 300 * DAY, cases[i].bc, cases[i].ku);
        const struct sod s = {.cert = ds, .key = k};
        size_t n;
        uint8_t *sod = sod_over(&s, &l, &n);
        assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), cases[i].want);
        free(sod);
        X509_free(ds);
    }
    /* A trusted CSCA signing documents itself: it chains (it is the anchor)
     * but is a CA. */
    const struct sod s = {.cert = csca, .key = ca_key};
    size_t n;
    uint8_t *sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_DS_USAGE);
    free(sod);
    X509_free(csca);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(k);
}

static void test_hash_algorithms(void **state)
{
    (void)state;
    X509 *cert = pki_cert("ds-jp");
    EVP_PKEY *key = pki_key("ds-jp");
    const struct sod s = {.cert = cert, .key = key};
    struct {
        const uint8_t *oid;
        size_t len;
        const char *md;
        enum mrtd_pa want;
    } cases[] = {
        {OID_SHA1, sizeof OID_SHA1, "SHA1", MRTD_PA_OK},
        {OID_SHA224, sizeof OID_SHA224, "SHA224", MRTD_PA_OK},
        {OID_SHA384, sizeof OID_SHA384, "SHA384", MRTD_PA_OK},
        {OID_SHA512, sizeof OID_SHA512, "SHA512", MRTD_PA_OK},
        {OID_MD5, sizeof OID_MD5, "MD5", MRTD_PA_HASH_ALGORITHM},
        {OID_SHA3_256, sizeof OID_SHA3_256, "SHA3-256", MRTD_PA_HASH_ALGORITHM},
        /* SHA-256's name over SHA-1 hashes: the lengths do not fit. */
        {OID_SHA256, sizeof OID_SHA256, "SHA1", MRTD_PA_SOD_CONTENT_TYPE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct lds l = {cases[i].oid, cases[i].len, cases[i].md, dg1_jpn, DG_BIT(1)};
        size_t n;
        uint8_t *sod = sod_over(&s, &l, &n);
        assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), cases[i].want);
        free(sod);
    }
    X509_free(cert);
    EVP_PKEY_free(key);
}

static void test_data_groups(void **state)
{
    (void)state;
    X509 *cert = pki_cert("ds-jp");
    EVP_PKEY *key = pki_key("ds-jp");
    const struct sod s = {.cert = cert, .key = key};
    struct lds l = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1_jpn, DG_BIT(1) | DG_BIT(2) | DG_BIT(14)};
    size_t n;
    uint8_t *sod = sod_over(&s, &l, &n);
    static const uint8_t listed[] = {1, 2, 14}, more[] = {1, 2, 11, 14}, zero[] = {0, 1}, big[] = {1, 17};
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", listed, sizeof listed), MRTD_PA_OK);
    /* EF.COM lists DG11, the SOD has no hash for it: an injected data group. */
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", more, sizeof more), MRTD_PA_DG_MISSING);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", zero, sizeof zero), MRTD_PA_DG_MISSING);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", big, sizeof big), MRTD_PA_DG_MISSING);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 3), MRTD_PA_DG_MISSING);
    /* DG1 changed by one letter (YAMADA → YAMADO), and absent. */
    uint8_t tampered[93];
    memcpy(tampered, dg1_jpn, sizeof tampered);
    tampered[5 + 10] = 'O';
    assert_int_equal(verify_with(trust_dir, sod, n, tampered, "JPN", listed, sizeof listed), MRTD_PA_DG1_HASH);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_uto, "JPN", listed, sizeof listed), MRTD_PA_DG1_HASH);
    assert_int_equal(verify_with(trust_dir, sod, n, NULL, "JPN", listed, sizeof listed), MRTD_PA_DG1_HASH);
    const struct mrtd_pa_input shorter = {sod, n, dg1_jpn, 92, listed, sizeof listed, "JPN"};
    assert_int_equal(mrtd_pa_verify(trust_dir, &shorter), MRTD_PA_DG1_HASH);
    free(sod);
    /* No hash of DG1 in the SOD. */
    l.dgs = DG_BIT(2);
    sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_jpn, "JPN", NULL, 0), MRTD_PA_DG_MISSING);
    free(sod);
    X509_free(cert);
    EVP_PKEY_free(key);
}

static void test_country(void **state)
{
    (void)state;
    /* Utopia's signer for a Japanese passport, and the other way round. */
    assert_int_equal(pa_case("ds-ut", dg1_jpn, "JPN", trust_dir), MRTD_PA_COUNTRY);
    assert_int_equal(pa_case("ds-jp", dg1_uto, "UTO", trust_dir), MRTD_PA_COUNTRY);
    /* Codes no State issues under, or no code. */
    assert_int_equal(pa_case("ds-jp", dg1_jpn, "XXA", trust_dir), MRTD_PA_COUNTRY);
    assert_int_equal(pa_case("ds-jp", dg1_jpn, "JP", trust_dir), MRTD_PA_COUNTRY);
    assert_int_equal(pa_case("ds-jp", dg1_jpn, "JPNX", trust_dir), MRTD_PA_COUNTRY);
    assert_int_equal(pa_case("ds-jp", dg1_jpn, "", trust_dir), MRTD_PA_COUNTRY);
    assert_int_equal(pa_case("ds-jp", dg1_jpn, NULL, trust_dir), MRTD_PA_COUNTRY);

    /* Germany writes D (D<< in the MRZ); its CSCA says C=DE. */
    EVP_PKEY *ck = new_key(), *dk = new_key();
    X509 *csca = make_cert(ck, "DE", "CSCA Germany test", NULL, NULL, -DAY, 365 * DAY, "critical,CA:TRUE",
                           "critical,keyCertSign,cRLSign");
    X509 *ds = make_cert(dk, "DE", "DS Germany test", ck, csca, -DAY, 300 * DAY, "critical,CA:FALSE",
                         "critical,digitalSignature");
    struct mrtd_trust *t = load_ok(write_pem(&csca, 1));
    const struct sod s = {.cert = ds, .key = dk};
    const struct lds l = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1_uto, DG_BIT(1)};
    size_t n;
    uint8_t *sod = sod_over(&s, &l, &n);
    assert_int_equal(verify_with(t, sod, n, dg1_uto, "D", NULL, 0), MRTD_PA_OK);
    assert_int_equal(verify_with(t, sod, n, dg1_uto, "D<<", NULL, 0), MRTD_PA_OK);
    assert_int_equal(verify_with(t, sod, n, dg1_uto, "DEU", NULL, 0), MRTD_PA_OK);
    assert_int_equal(verify_with(t, sod, n, dg1_uto, "D<D", NULL, 0), MRTD_PA_COUNTRY);
    assert_int_equal(verify_with(t, sod, n, dg1_uto, "D<<<", NULL, 0), MRTD_PA_COUNTRY);
    assert_int_equal(verify_with(t, sod, n, dg1_uto, "d", NULL, 0), MRTD_PA_COUNTRY);
    assert_int_equal(verify_with(t, sod, n, dg1_uto, "GBR", NULL, 0), MRTD_PA_COUNTRY);
    free(sod);
    mrtd_trust_free(t);
    X509_free(csca);
    X509_free(ds);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(dk);
}

/* The chain is judged at the SOD's signingTime, else at the signer's
 * notBefore: a signer valid from 20 to 10 days ago under a CSCA valid from
 * 30 days ago. */
static void test_signing_time(void **state)
{
    (void)state;
    EVP_PKEY *ck = new_key(), *dk = new_key();
    X509 *csca = make_cert(ck, "JP", "CSCA time test", NULL, NULL, -30 * DAY, 365 * DAY, "critical,CA:TRUE",
                           "critical,keyCertSign,cRLSign");
    X509 *ds = make_cert(dk, "JP", "DS time test", ck, csca, -20 * DAY, -10 * DAY, "critical,CA:FALSE",
                         "critical,digitalSignature");
    struct mrtd_trust *t = load_ok(write_pem(&csca, 1));
    const struct lds l = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1_jpn, DG_BIT(1)};
    time_t now = time(NULL);
    struct {
        enum stime stime;
        time_t at;
        enum mrtd_pa want;
    } cases[] = {
        {ST_NONE, 0, MRTD_PA_OK},                          /* notBefore: inside */
        {ST_OPENSSL, 0, MRTD_PA_DS_VALIDITY},              /* now: over */
        {ST_GIVEN, now - 15 * DAY, MRTD_PA_OK},            /* while the signer was valid */
        {ST_GIVEN, now - 25 * DAY, MRTD_PA_DS_VALIDITY},   /* before it was */
        {ST_GIVEN, now - 5 * DAY, MRTD_PA_DS_VALIDITY},    /* after it was */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct sod s = {.cert = ds, .key = dk, .stime = cases[i].stime, .at = cases[i].at};
        size_t n;
        uint8_t *sod = sod_over(&s, &l, &n);
        assert_int_equal(verify_with(t, sod, n, dg1_jpn, "JPN", NULL, 0), cases[i].want);
        free(sod);
    }
    /* ds-ut without signingTime, through the PKI. */
    X509 *cert = pki_cert("ds-ut");
    EVP_PKEY *key = pki_key("ds-ut");
    const struct sod s = {.cert = cert, .key = key, .stime = ST_NONE};
    const struct lds lu = {OID_SHA256, sizeof OID_SHA256, "SHA256", dg1_uto, DG_BIT(1)};
    size_t n;
    uint8_t *sod = sod_over(&s, &lu, &n);
    assert_int_equal(verify_with(trust_dir, sod, n, dg1_uto, "UTO", NULL, 0), MRTD_PA_OK);
    free(sod);
    X509_free(cert);
    EVP_PKEY_free(key);
    mrtd_trust_free(t);
    X509_free(csca);
    X509_free(ds);
    EVP_PKEY_free(ck);
    EVP_PKEY_free(dk);
}

/* ---- the LDS security object ------------------------------------------------------------------- */

/* An LDS security object written out by hand: version v, SHA-256, then the
 * given entries bytes, then tail. */
static size_t lds_by_hand(uint8_t *out, size_t cap, uint8_t v, const uint8_t *params, size_t params_len,
                          const uint8_t *entries, size_t entries_len, const uint8_t *tail, size_t tail_len)
{
    uint8_t alg[64], body[600];
    kofu_bld a, b, o;
    bld_init(&a, alg, sizeof alg);
    bld_add_ber(&a, 0x06, OID_SHA256, sizeof OID_SHA256, false);
    bld_add_bytes(&a, params, params_len);
    bld_init(&b, body, sizeof body);
    bld_add_ber(&b, 0x02, &v, 1, false);
    bld_add_ber(&b, 0x30, alg, a.len, false);
    bld_add_ber(&b, 0x30, entries, entries_len, false);
    bld_add_bytes(&b, tail, tail_len);
    bld_init(&o, out, cap);
    bld_add_ber(&o, 0x30, body, b.len, false);
    assert_true(bld_ok(&a) && bld_ok(&b) && bld_ok(&o));
    return o.len;
}

static size_t entry(uint8_t *out, uint8_t dg, size_t hash_len)
{
    uint8_t one[80], hash[64];
    memset(hash, dg, sizeof hash);
    kofu_bld x, o;
    bld_init(&x, one, sizeof one);
    bld_add_ber(&x, 0x02, &dg, 1, false);
    bld_add_ber(&x, 0x04, hash, hash_len, false);
    bld_init(&o, out, 100);
    bld_add_ber(&o, 0x30, one, x.len, false);
    return o.len;
}

static void test_lds_so_parse(void **state)
{
    (void)state;
    uint8_t buf[800], ents[400];
    struct mrtd_lds_so so;
    size_t e = entry(ents, 1, 32);
    e += entry(ents + e, 2, 32);
    e += entry(ents + e, 16, 32);
    size_t n = lds_by_hand(buf, sizeof buf, 0, (const uint8_t *)"\x05\x00", 2, ents, e, NULL, 0);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_OK);
    assert_int_equal(so.hash_oid_len, sizeof OID_SHA256);
    assert_memory_equal(so.hash_oid, OID_SHA256, sizeof OID_SHA256);
    assert_non_null(so.hashes[1]);
    assert_int_equal(so.hash_len[1], 32);
    assert_int_equal(so.hashes[1][0], 1);
    assert_int_equal(so.hashes[16][31], 16);
    assert_null(so.hashes[3]);
    assert_null(so.hashes[0]);
    /* Parameters absent; version 1 with ldsVersionInfo. */
    n = lds_by_hand(buf, sizeof buf, 0, NULL, 0, ents, e, NULL, 0);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_OK);
    static const uint8_t version_info[] = {0x30, 0x0A, 0x13, 0x04, '0', '1', '0', '8', 0x13, 0x02, '0', '0'};
    n = lds_by_hand(buf, sizeof buf, 1, NULL, 0, ents, e, version_info, sizeof version_info);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_OK);

    /* Malformed. */
    n = lds_by_hand(buf, sizeof buf, 0, NULL, 0, ents, e, version_info, sizeof version_info);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_E_PASSPORT_DATA); /* ldsVersionInfo with v0 */
    assert_null(so.hash_oid);
    n = lds_by_hand(buf, sizeof buf, 2, NULL, 0, ents, e, NULL, 0);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_E_PASSPORT_DATA); /* version 2 */
    n = lds_by_hand(buf, sizeof buf, 0, (const uint8_t *)"\x02\x01\x00", 3, ents, e, NULL, 0);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_E_PASSPORT_DATA); /* parameters not NULL */
    n = lds_by_hand(buf, sizeof buf, 0, NULL, 0, ents, e, (const uint8_t *)"\x05\x00", 2);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_E_PASSPORT_DATA); /* something after */
    n = lds_by_hand(buf, sizeof buf, 0, NULL, 0, ents, e, NULL, 0);
    buf[n] = 0;
    assert_int_equal(mrtd_lds_so_parse(buf, n + 1, &so), KOFU_E_PASSPORT_DATA); /* a byte after the SEQUENCE */
    assert_int_equal(mrtd_lds_so_parse(buf, n - 1, &so), KOFU_E_PASSPORT_DATA);
    struct {
        uint8_t dg;
        size_t len;
    } bad[] = {{0, 32}, {17, 32}, {1, 20}, {1, 33}, {1, 0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t k = entry(ents, bad[i].dg, bad[i].len);
        n = lds_by_hand(buf, sizeof buf, 0, NULL, 0, ents, k, NULL, 0);
        assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_E_PASSPORT_DATA);
    }
    /* A data group listed twice. */
    e = entry(ents, 1, 32);
    e += entry(ents + e, 2, 32);
    e += entry(ents + e, 2, 32);
    n = lds_by_hand(buf, sizeof buf, 0, NULL, 0, ents, e, NULL, 0);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_E_PASSPORT_DATA);
    /* A data group number in two bytes (DER would not) and a hash that is
     * not an OCTET STRING. */
    static const uint8_t two_byte_dg[] = {0x30, 0x25, 0x02, 0x02, 0x00, 0x01, 0x04, 0x20};
    uint8_t odd[40] = {0};
    memcpy(odd, two_byte_dg, sizeof two_byte_dg);
    n = lds_by_hand(buf, sizeof buf, 0, NULL, 0, odd, sizeof two_byte_dg + 32, NULL, 0);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_E_PASSPORT_DATA);
    e = entry(ents, 1, 32);
    ents[5] = 0x03; /* BIT STRING */
    n = lds_by_hand(buf, sizeof buf, 0, NULL, 0, ents, e, NULL, 0);
    assert_int_equal(mrtd_lds_so_parse(buf, n, &so), KOFU_E_PASSPORT_DATA);
    assert_int_equal(mrtd_lds_so_parse(NULL, 0, &so), KOFU_E_PASSPORT_DATA);
    assert_int_equal(mrtd_lds_so_parse(buf, n, NULL), KOFU_E_ARG);
}

/* ---- words ------------------------------------------------------------------------------- */

static void test_words(void **state)
{
    (void)state;
    assert_string_equal(mrtd_pa_name(MRTD_PA_OK), "ok");
    assert_string_equal(mrtd_pa_name(MRTD_PA_DG1_HASH), "dg1-hash");
    assert_string_equal(mrtd_pa_name(MRTD_PA_NO_TRUST), "no-trust-anchors");
    assert_string_equal(mrtd_pa_name(MRTD_PA__COUNT), "unknown");
    for (int i = 0; i < MRTD_PA__COUNT; i++) {
        assert_string_not_equal(mrtd_pa_name((enum mrtd_pa)i), "unknown");
        assert_string_not_equal(mrtd_pa_text((enum mrtd_pa)i, KOFU_LANG_JA), "?");
        assert_string_not_equal(mrtd_pa_text((enum mrtd_pa)i, KOFU_LANG_EN), "?");
        for (int j = 0; j < i; j++)
            assert_string_not_equal(mrtd_pa_name((enum mrtd_pa)i), mrtd_pa_name((enum mrtd_pa)j));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_trust_forms, kt_temp_teardown),
        cmocka_unit_test_teardown(test_trust_refusals, kt_temp_teardown),
        cmocka_unit_test_teardown(test_trust_other_cms, kt_temp_teardown),
        cmocka_unit_test_teardown(test_good_utopia_every_trust_form, kt_temp_teardown),
        cmocka_unit_test_teardown(test_good_japan, kt_temp_teardown),
        cmocka_unit_test_teardown(test_explicit_params_need_the_callback, kt_temp_teardown),
        cmocka_unit_test_teardown(test_explicit_params_of_no_named_curve, kt_temp_teardown),
        cmocka_unit_test_teardown(test_link_certificate, kt_temp_teardown),
        cmocka_unit_test_teardown(test_no_trust, kt_temp_teardown),
        cmocka_unit_test_teardown(test_sod_form, kt_temp_teardown),
        cmocka_unit_test_teardown(test_content_type, kt_temp_teardown),
        cmocka_unit_test_teardown(test_signature, kt_temp_teardown),
        cmocka_unit_test_teardown(test_ds_chain, kt_temp_teardown),
        cmocka_unit_test_teardown(test_ds_usage, kt_temp_teardown),
        cmocka_unit_test_teardown(test_hash_algorithms, kt_temp_teardown),
        cmocka_unit_test_teardown(test_data_groups, kt_temp_teardown),
        cmocka_unit_test_teardown(test_country, kt_temp_teardown),
        cmocka_unit_test_teardown(test_signing_time, kt_temp_teardown),
        cmocka_unit_test_teardown(test_lds_so_parse, kt_temp_teardown),
        cmocka_unit_test_teardown(test_words, kt_temp_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
