/* fuzz_shc.c — shc_verify (SMART Health Card JWS) against a fixed pinned key
 * set, and the QR numeric encoding.
 *
 * The first byte picks what the rest is:
 *   0  a compact JWS, verified as it is (shape, header, key, signature);
 *   1  the payload bytes as they go on the wire (raw DEFLATE), signed here
 *      under a good header, so inflate and everything after it is reached;
 *   2  the payload JSON, raw-deflated and signed here: the claims, the FHIR
 *      bundle and the person match are reached;
 *   3  a header JSON, a NUL, then the payload JSON, both signed here.
 * The issuer key is derived at start-up from a fixed seed (no key material
 * is committed), so the seed corpus's signed cards verify. */
#define ZLIB_CONST
#include "fuzz_common.h"
#include "fuzz_keys.h"
#include "verify/shc.h"

#include "base/b64.h"
#include "base/vault.h"
#include "ui/qr_numeric.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <zlib.h>

#define FUZZ_NOW ((int64_t)1795766400) /* 2026-11-27T00:00:00Z */
#define FUZZ_ISS "https://center.kofu.test/issuer"
#define FUZZ_NAME "山田\xE3\x80\x80太郎"
#define FUZZ_BIRTH "19800102"
#define FUZZ_INPUT_MAX (64 * 1024)

int LLVMFuzzerInitialize(int *argc, char ***argv);

static EVP_PKEY *issuer;
static char issuer_kid[SHC_KID_LEN + 1];
static shc_keyset *keys;
static const char *const issuers[] = {FUZZ_ISS};
static struct shc_trust trust;
static struct shc_card *card;
static const struct shc_person person = {FUZZ_NAME, FUZZ_BIRTH};

/* The pinned set {"keys":[…]} for key, with its RFC 7638 kid. */
static void fixed_keyset(EVP_PKEY *key, char *out, size_t cap, char kid[SHC_KID_LEN + 1])
{
    uint8_t pub[65], digest[32];
    size_t len = 0;
    char x[64], y[64], tp[200];
    CHECK(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len) == 1 && len == 65);
    CHECK(b64_encode(pub + 1, 32, x, sizeof x, true) && b64_encode(pub + 33, 32, y, sizeof y, true));
    int n = snprintf(tp, sizeof tp, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x, y);
    CHECK(n > 0 && kcrypto_sha256((const uint8_t *)tp, (size_t)n, digest));
    CHECK(b64_encode(digest, sizeof digest, kid, SHC_KID_LEN + 1, true));
    snprintf(out, cap,
             "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"%s\",\"use\":\"sig\",\"alg\":\"ES256\",\"crv\":\"P-256\","
             "\"x\":\"%s\",\"y\":\"%s\"}]}",
             kid, x, y);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    CHECK(vault_init(1024 * 1024) == KOFU_OK);
    issuer = fuzz_fixed_key("kofu fuzz_shc issuer key");
    char set[512], err[200];
    fixed_keyset(issuer, set, sizeof set, issuer_kid);
    CHECK(shc_keyset_parse(set, strlen(set), &keys, err, sizeof err) == KOFU_OK);
    trust = (struct shc_trust){keys, issuers, 1, SHC_CLOCK_SKEW};
    card = shc_card_new();
    CHECK(card != NULL);
    return 0;
}

/* ---- building cards (also used by the seed generator) -------------------- */

/* Raw DEFLATE of n bytes into a malloc'd buffer. */
static uint8_t *fuzz_deflate(const uint8_t *in, size_t n, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    CHECK(deflateInit2(&z, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 16;
    uint8_t *out = malloc(cap);
    CHECK(out != NULL);
    z.next_in = in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

/* b64url(header).b64url(body).b64url(ES256 r‖s), malloc'd; NULL if too long. */
static char *fuzz_sign_jws(const uint8_t *header, size_t hl, const uint8_t *body, size_t bl)
{
    size_t cap = b64_encoded_len(hl, true) + b64_encoded_len(bl, true) + 100;
    if (cap > SHC_JWS_INPUT_MAX + 100)
        return NULL;
    char *jws = malloc(cap);
    CHECK(jws != NULL);
    CHECK(b64_encode(header, hl, jws, cap, true));
    size_t off = strlen(jws);
    jws[off++] = '.';
    CHECK(b64_encode(body, bl, jws + off, cap - off, true));
    off += strlen(jws + off);
    uint8_t der[80], raw[64];
    size_t dl = sizeof der;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    CHECK(md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, issuer) == 1 &&
          EVP_DigestSign(md, der, &dl, (const uint8_t *)jws, off) == 1);
    EVP_MD_CTX_free(md);
    const unsigned char *p = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)dl);
    CHECK(s && BN_bn2binpad(ECDSA_SIG_get0_r(s), raw, 32) == 32 && BN_bn2binpad(ECDSA_SIG_get0_s(s), raw + 32, 32) == 32);
    ECDSA_SIG_free(s);
    jws[off++] = '.';
    CHECK(b64_encode(raw, sizeof raw, jws + off, cap - off, true));
    return jws;
}

static size_t fuzz_header(char *out, size_t cap)
{
    int n = snprintf(out, cap, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", issuer_kid);
    CHECK(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

/* ---- checks ------------------------------------------------------------------ */

static bool digits_only(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static void check_verify(const char *jws)
{
    size_t used = vault_used();
    enum shc_reason why = SHC_REASON__COUNT;
    int rc = shc_verify(jws, &trust, FUZZ_NOW, &person, card, &why);
    CHECK(vault_used() == used);
    CHECK((unsigned)why < SHC_REASON__COUNT);
    if (rc != KOFU_OK) {
        CHECK(rc == KOFU_E_CENTER_RESPONSE && why != SHC_REASON_OK && why != SHC_REASON_INTERNAL);
        CHECK(all_zero(card, sizeof *card));
        return;
    }
    CHECK(why == SHC_REASON_OK);
    CHECK(strcmp(card->iss, FUZZ_ISS) == 0 && strcmp(card->kid, issuer_kid) == 0);
    CHECK(card->nbf >= 0 && card->nbf <= FUZZ_NOW + SHC_CLOCK_SKEW);
    CHECK(!card->has_exp || card->exp >= FUZZ_NOW);
    CHECK(string_ok(card->family, sizeof card->family, SHC_NAME_MAX));
    CHECK(strnlen(card->given, sizeof card->given) < sizeof card->given);
    CHECK(strcmp(card->birth_date, "1980-01-02") == 0);
    CHECK(card->n_doses >= 1 && card->n_doses <= SHC_DOSES_MAX);
    for (size_t i = 0; i < card->n_doses; i++) {
        const struct shc_dose *d = &card->doses[i];
        CHECK(strlen(d->date) == 10 && d->date[4] == '-' && d->date[7] == '-');
        CHECK(string_ok(d->cvx, sizeof d->cvx, 3) && digits_only(d->cvx));
        CHECK(string_ok(d->lot, sizeof d->lot, SHC_TEXT_MAX));
        CHECK(string_ok(d->performer, sizeof d->performer, SHC_TEXT_MAX));
    }
    for (size_t i = card->n_doses; i < SHC_DOSES_MAX; i++)
        CHECK(all_zero(&card->doses[i], sizeof card->doses[i]));
}

static void check_qr(const char *jws)
{
    size_t n = strlen(jws);
    char *digits = malloc(2 * n + 1), *back = malloc(n + 1);
    CHECK(digits && back);
    if (qr_numeric_from_jws(jws, digits, 2 * n + 1)) {
        CHECK(strlen(digits) == 2 * n);
        CHECK(qr_numeric_to_jws(digits, back, n + 1));
        CHECK(strcmp(back, jws) == 0);
    }
    /* and the input read as digits */
    if (qr_numeric_to_jws(jws, back, n + 1)) {
        CHECK(strlen(back) * 2 == n);
        CHECK(qr_numeric_from_jws(back, digits, 2 * n + 1) && strcmp(digits, jws) == 0);
    }
    free(digits);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > FUZZ_INPUT_MAX)
        return 0;
    uint8_t mode = data[0] % 4;
    const uint8_t *rest = data + 1;
    size_t n = size - 1;
    char header[128];
    char *jws = NULL;
    if (mode == 0) {
        jws = malloc(n + 1);
        CHECK(jws != NULL);
        memcpy(jws, rest, n);
        jws[n] = '\0';
        check_qr(jws);
    } else if (mode == 1) {
        size_t hl = fuzz_header(header, sizeof header);
        jws = fuzz_sign_jws((const uint8_t *)header, hl, rest, n);
    } else {
        const uint8_t *h = (const uint8_t *)header, *payload = rest;
        size_t hl = 0, pl = n;
        if (mode == 3) {
            const uint8_t *nul = memchr(rest, 0, n);
            if (!nul)
                return 0;
            h = rest;
            hl = (size_t)(nul - rest);
            payload = nul + 1;
            pl = n - hl - 1;
        } else {
            hl = fuzz_header(header, sizeof header);
        }
        size_t cl = 0;
        uint8_t *c = fuzz_deflate(payload, pl, &cl);
        jws = fuzz_sign_jws(h, hl, c, cl);
        free(c);
    }
    if (jws)
        check_verify(jws);
    free(jws);
    return 0;
}
