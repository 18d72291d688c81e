/* fuzz_sod.c — mrtd_pa_verify (passive authentication) against a fixed
 * trust and a fixed DG1.
 *
 * The first byte picks what the rest is:
 *   0  EF.SOD as read (77 L ContentInfo), verified as it is: the TLV, the
 *      CMS, the content type, the signature, the chain;
 *   1  the LDS security object, signed here by the Document Signer into an
 *      EF.SOD, so its parsing, the hash algorithm, the data groups and the
 *      DG1 hash are reached; a pass must mean DG1's hash is in it;
 *   2  DG1, against an EF.SOD signed at start-up over the fixed DG1: it
 *      passes exactly when DG1 is that one.
 * The CSCA and Document Signer keys are derived at start-up from fixed seeds
 * (no key material is committed) and the certificates made with fixed names
 * and dates, so the seed corpus's SODs chain to the trust of every run. The
 * seed corpus/fuzz_sod/sod-good was written by
 *   FUZZ_SOD_SEED_OUT=tests/fuzz/corpus/fuzz_sod/sod-good build/fuzz/fuzz_sod -runs=0 */
#include "fuzz_common.h"
#include "fuzz_keys.h"
#include "card/mrtd_pa.h"

#include "base/kcrypto.h"
#include "base/kcrypto_sym.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <unistd.h>

#define LDS_MAX 4096

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The Japanese test holder's DG1 (synthetic). */
static const char MRZ[] = "P<JPNYAMADA<<TARO<<<<<<<<<<<<<<<<<<<<<<<<<<<"
                          "TZ12345676JPN8002170M3103315<<<<<<<<<<<<<<<0";
static const uint8_t SHA256_OID[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
static const uint8_t DG_LIST[] = {1, 2};

static EVP_PKEY *csca_key, *ds_key;
static X509 *csca_cert, *ds_cert;
static struct mrtd_trust *trust;
static uint8_t dg1[93];
static uint8_t *good_sod;
static size_t good_sod_len;

/* EF.SOD over content, signed by the Document Signer; malloc'd. */
static uint8_t *sign_sod(const uint8_t *content, size_t n, size_t *len)
{
    unsigned flags = CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP;
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
    ASN1_OBJECT *ct = OBJ_txt2obj("2.23.136.1.1.1", 1);
    CHECK(cms && ct && CMS_set1_eContentType(cms, ct) == 1);
    ASN1_OBJECT_free(ct);
    CHECK(CMS_add1_signer(cms, ds_cert, ds_key, EVP_sha256(), flags) != NULL);
    BIO *in = BIO_new_mem_buf(content, (int)n);
    CHECK(in && CMS_final(cms, in, NULL, CMS_BINARY) == 1);
    BIO_free(in);
    unsigned char *der = NULL;
    int dl = i2d_CMS_ContentInfo(cms, &der);
    CHECK(dl > 0);
    CMS_ContentInfo_free(cms);
    size_t cap = (size_t)dl + 8;
    uint8_t *out = malloc(cap);
    kofu_bld b;
    bld_init(&b, out, cap);
    bld_add_ber(&b, 0x77, der, (size_t)dl, false);
    CHECK(out && bld_ok(&b));
    OPENSSL_free(der);
    *len = b.len;
    return out;
}

/* The LDS security object over the fixed DG1 and a DG2. */
static size_t good_lds(uint8_t *out, size_t cap)
{
    uint8_t h1[32], h2[32], ents[160], body[256];
    size_t hl = 0;
    CHECK(kcrypto_digest_by_oid(SHA256_OID, sizeof SHA256_OID, dg1, sizeof dg1, h1, &hl) && hl == 32);
    CHECK(kcrypto_digest_by_oid(SHA256_OID, sizeof SHA256_OID, (const uint8_t *)"DG2", 3, h2, &hl) && hl == 32);
    kofu_bld e, b, o;
    bld_init(&e, ents, sizeof ents);
    bld_add_bytes(&e, "\x30\x25\x02\x01\x01\x04\x20", 7);
    bld_add_bytes(&e, h1, 32);
    bld_add_bytes(&e, "\x30\x25\x02\x01\x02\x04\x20", 7);
    bld_add_bytes(&e, h2, 32);
    bld_init(&b, body, sizeof body);
    bld_add_bytes(&b, "\x02\x01\x00\x30\x0D\x06\x09", 7);
    bld_add_bytes(&b, SHA256_OID, sizeof SHA256_OID);
    bld_add_bytes(&b, "\x05\x00", 2);
    bld_add_ber(&b, 0x30, ents, e.len, false);
    bld_init(&o, out, cap);
    bld_add_ber(&o, 0x30, body, b.len, false);
    CHECK(bld_ok(&e) && bld_ok(&b) && bld_ok(&o));
    return o.len;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    memcpy(dg1, "\x61\x5B\x5F\x1F\x58", 5);
    memcpy(dg1 + 5, MRZ, 88);
    csca_key = fuzz_fixed_key("kofu fuzz_sod CSCA key");
    ds_key = fuzz_fixed_key("kofu fuzz_sod Document Signer key");
    csca_cert = fuzz_fixed_cert("kofu fuzz CSCA", 1, csca_key, NULL, csca_key, false);
    ds_cert = fuzz_fixed_cert("kofu fuzz Document Signer", 2, ds_key, csca_cert, csca_key, false);
    /* mrtd_trust_load reads a file: write the CSCA to one for a moment. */
    char path[] = "/tmp/kofu-fuzz-sod-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CHECK(f && PEM_write_X509(f, csca_cert) == 1);
    fclose(f);
    char err[200];
    CHECK(mrtd_trust_load(path, &trust, err, sizeof err) == KOFU_OK);
    unlink(path);
    uint8_t lds[256];
    size_t n = good_lds(lds, sizeof lds);
    good_sod = sign_sod(lds, n, &good_sod_len);
    const struct mrtd_pa_input in = {good_sod, good_sod_len, dg1, sizeof dg1, DG_LIST, sizeof DG_LIST, "JPN"};
    CHECK(mrtd_pa_verify(trust, &in) == MRTD_PA_OK);
    const char *seed_out = getenv("FUZZ_SOD_SEED_OUT");
    if (seed_out) {
        FILE *s = fopen(seed_out, "wb");
        CHECK(s && fputc(0, s) == 0 && fwrite(good_sod, 1, good_sod_len, s) == good_sod_len);
        fclose(s);
    }
    return 0;
}

static enum mrtd_pa verify(const uint8_t *sod, size_t sod_len, const uint8_t *d, size_t dl)
{
    const struct mrtd_pa_input in = {sod, sod_len, d, dl, DG_LIST, sizeof DG_LIST, "JPN"};
    enum mrtd_pa r = mrtd_pa_verify(trust, &in);
    CHECK((unsigned)r < MRTD_PA__COUNT && r != MRTD_PA_NO_TRUST);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *rest = data + 1;
    size_t n = size - 1;
    switch (data[0] % 3) {
    case 0:
        if (n <= MRTD_SOD_MAX + 4)
            (void)verify(rest, n, dg1, sizeof dg1);
        break;
    case 1: {
        if (n > LDS_MAX)
            break;
        size_t sl = 0;
        uint8_t *sod = sign_sod(rest, n, &sl);
        if (verify(sod, sl, dg1, sizeof dg1) == MRTD_PA_OK) {
            /* A pass: the content is an LDS security object with DG1's
             * hash and a hash for every data group listed. */
            struct mrtd_lds_so so;
            uint8_t h[KCRYPTO_DIGEST_MAX];
            size_t hl = 0;
            CHECK(mrtd_lds_so_parse(rest, n, &so) == KOFU_OK && so.hashes[1] && so.hashes[2]);
            CHECK(kcrypto_digest_by_oid(so.hash_oid, so.hash_oid_len, dg1, sizeof dg1, h, &hl));
            CHECK(hl == so.hash_len[1] && memcmp(h, so.hashes[1], hl) == 0);
        }
        free(sod);
        break;
    }
    default: {
        enum mrtd_pa r = verify(good_sod, good_sod_len, rest, n);
        bool same = n == sizeof dg1 && memcmp(rest, dg1, n) == 0;
        CHECK(same ? r == MRTD_PA_OK : r == MRTD_PA_DG1_HASH);
        break;
    }
    }
    return 0;
}
