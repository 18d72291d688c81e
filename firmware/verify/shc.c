/* shc.c — see shc.h. */
#define ZLIB_CONST
#include "verify/shc.h"

#include "base/b64.h"
#include "base/jsonv.h"
#include "base/bytes.h"
#include "base/vault.h"
#include "base/words.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <zlib.h>

#define HEALTH_CARD_TYPE "https://smarthealth.cards#health-card"
#define CVX_SYSTEM "http://hl7.org/fhir/sid/cvx"
#define PATIENT_URL "resource:0"
#define IDEOGRAPHIC_SPACE "\xE3\x80\x80" /* U+3000: the card's separator between names */
#define HEADER_MAX 1024                 /* decoded header bytes */
#define SIG_PART_MAX 512                /* decoded signature bytes read (64 are valid) */
#define ES256_SIG_LEN 64
#define BUNDLE_ENTRIES_MAX 64
#define GIVEN_NAMES_MAX 8
#define CODINGS_MAX 8
#define TIME_MAX 1099511627776.0 /* 2^40 s: beyond any real nbf/exp */

struct shc_key {
    char kid[SHC_KID_LEN + 1];
    EVP_PKEY *key;
};

struct shc_keyset {
    size_t n;
    struct shc_key keys[SHC_KEYSET_MAX];
};

/* Scratch for one verification, in the vault (it holds resident data). */
struct shc_work {
    uint8_t header[HEADER_MAX];
    uint8_t signature[SIG_PART_MAX];
    uint8_t compressed[SHC_JWS_INPUT_MAX / 4 * 3];
    uint8_t payload[SHC_PAYLOAD_MAX + 1]; /* one more: a payload that fills it is too large */
    bool out_of_memory;                   /* zlib found the vault full */
};

/* ---- ES256 ------------------------------------------------------------ */

/* The order n of P-256's base point (FIPS 186-4, D.1.2.3). */
static const uint8_t P256_ORDER[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
                                       0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
                                       0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

/* 1 ≤ v ≤ n−1, v big-endian in 32 bytes. */
static bool scalar_in_range(const uint8_t v[32])
{
    uint8_t any = 0;
    for (size_t i = 0; i < 32; i++)
        any |= v[i];
    return any != 0 && memcmp(v, P256_ORDER, 32) < 0;
}

bool shc_key_is_p256(kcrypto_key *key)
{
    char group[64];
    size_t glen = 0;
    if (!key || !EVP_PKEY_is_a(key, "EC") ||
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) != 1)
        return false;
    int nid = OBJ_sn2nid(group);
    if (nid == NID_undef)
        nid = EC_curve_nist2nid(group);
    return nid == NID_X9_62_prime256v1;
}

int shc_es256_verify(kcrypto_key *key, const uint8_t *msg, size_t len, const uint8_t *sig, size_t sig_len)
{
    if (!key || (!msg && len) || !sig || sig_len != ES256_SIG_LEN || !scalar_in_range(sig) ||
        !scalar_in_range(sig + 32))
        return KOFU_E_ARG;
    int rc = KOFU_E_INTERNAL;
    uint8_t der[80];
    unsigned char *dp = der;
    BIGNUM *r = BN_bin2bn(sig, 32, NULL), *s = BN_bin2bn(sig + 32, 32, NULL);
    ECDSA_SIG *es = ECDSA_SIG_new();
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!r || !s || !es || !md || ECDSA_SIG_set0(es, r, s) != 1)
        goto out;
    r = s = NULL; /* es owns them now */
    int der_len = i2d_ECDSA_SIG(es, NULL);
    if (der_len <= 0 || der_len > (int)sizeof der || i2d_ECDSA_SIG(es, &dp) != der_len)
        goto out;
    if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1)
        goto out;
    int v = EVP_DigestVerify(md, der, (size_t)der_len, msg, len);
    rc = v == 1 ? KOFU_OK : v == 0 ? KOFU_E_NOT_AUTHENTIC : KOFU_E_INTERNAL;
out:
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(md);
    if (rc != KOFU_OK)
        ERR_clear_error();
    return rc;
}

/* ---- small helpers ---------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* A kid as a thumbprint is: 43 base64url characters that decode strictly to 32 bytes. */
static bool kid_form_ok(const char *kid)
{
    uint8_t raw[32];
    size_t n = 0;
    return kid && strlen(kid) == SHC_KID_LEN && b64_decode(kid, SHC_KID_LEN, raw, sizeof raw, &n, true) && n == 32;
}

/* The spec's rule for iss: https, a host, no trailing '/', printable ASCII. */
static bool iss_form_ok(const char *iss)
{
    static const char https[] = "https://";
    size_t len = iss ? strlen(iss) : 0;
    if (len <= sizeof https - 1 || len > SHC_ISS_LEN_MAX || strncmp(iss, https, sizeof https - 1) != 0 ||
        iss[len - 1] == '/' || iss[sizeof https - 1] == '/')
        return false;
    for (size_t i = 0; i < len; i++)
        if (iss[i] <= 0x20 || iss[i] >= 0x7F || iss[i] == '?' || iss[i] == '#')
            return false;
    return true;
}

/* ---- key set ---------------------------------------------------------- */

static EVP_PKEY *p256_from_xy(const uint8_t x[32], const uint8_t y[32])
{
    uint8_t pub[65];
    char group[] = "prime256v1";
    pub[0] = 0x04; /* uncompressed point */
    memcpy(pub + 1, x, 32);
    memcpy(pub + 33, y, 32);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    /* The point must lie on the curve (fromdata checks; this says so). */
    EVP_PKEY_CTX *check = key ? EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL) : NULL;
    if (key && (!check || EVP_PKEY_public_check(check) != 1 || !shc_key_is_p256(key))) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    EVP_PKEY_CTX_free(check);
    ERR_clear_error();
    return key;
}

/* RFC 7638 for an EC key: SHA-256 over the required members in
 * lexicographic order, no whitespace, then base64url. x and y are the
 * strictly decoded (hence canonical) base64url strings from the JWK. */
static bool thumbprint(const char *x, const char *y, char out[SHC_KID_LEN + 1])
{
    uint8_t buf[160], digest[KCRYPTO_SHA256_LEN];
    kofu_bld b;
    bld_init(&b, buf, sizeof buf);
    static const char p1[] = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"", p2[] = "\",\"y\":\"", p3[] = "\"}";
    bld_add_bytes(&b, p1, sizeof p1 - 1);
    bld_add_bytes(&b, x, strlen(x));
    bld_add_bytes(&b, p2, sizeof p2 - 1);
    bld_add_bytes(&b, y, strlen(y));
    bld_add_bytes(&b, p3, sizeof p3 - 1);
    return bld_ok(&b) && kcrypto_sha256(buf, b.len, digest) &&
           b64_encode(digest, sizeof digest, out, SHC_KID_LEN + 1, true);
}

static bool coordinate(const json_t *jwk, const char *name, uint8_t out[32], const char **text)
{
    const char *s = jsonv_str(jwk, name);
    size_t n = 0;
    *text = s;
    return s && strlen(s) == SHC_KID_LEN && b64_decode(s, strlen(s), out, 32, &n, true) && n == 32;
}

static bool load_key(const json_t *jwk, size_t i, shc_keyset *ks, char *err, size_t errlen)
{
    uint8_t x[32], y[32];
    const char *xs, *ys, *kid = jsonv_str(jwk, "kid");
    char tp[SHC_KID_LEN + 1];
    const json_t *use = json_object_get(jwk, "use"), *alg = json_object_get(jwk, "alg");
    const char *why = NULL;
    if (!json_is_object(jwk))
        why = "is not an object";
    else if (json_object_get(jwk, "d"))
        why = "is a private key (has d): refused";
    else if (!jsonv_is(jwk, "kty", "EC") || !jsonv_is(jwk, "crv", "P-256"))
        why = "is not kty EC with crv P-256";
    else if (use && !jsonv_is(jwk, "use", "sig"))
        why = "has a use other than sig";
    else if (alg && !jsonv_is(jwk, "alg", "ES256"))
        why = "has an alg other than ES256";
    else if (!coordinate(jwk, "x", x, &xs) || !coordinate(jwk, "y", y, &ys))
        why = "has no strict base64url 32-byte x and y";
    else if (!kid)
        why = "has no kid";
    else if (!thumbprint(xs, ys, tp))
        why = "could not be hashed";
    else if (strcmp(tp, kid) != 0)
        why = "has a kid that is not its RFC 7638 thumbprint";
    for (size_t k = 0; k < ks->n; k++)
        if (!why && strcmp(ks->keys[k].kid, kid) == 0)
            why = "repeats the kid of an earlier key";
    EVP_PKEY *key = why ? NULL : p256_from_xy(x, y);
    if (!why && !key)
        why = "is not a point on P-256";
    if (why) {
        kofu_errf(err, errlen, "key set: key %zu %s", i, why);
        return false;
    }
    memcpy(ks->keys[ks->n].kid, tp, sizeof tp);
    ks->keys[ks->n].key = key;
    ks->n++;
    return true;
}

int shc_keyset_parse(const char *json, size_t len, shc_keyset **out, char *err, size_t errlen)
{
    if (!out)
        return KOFU_E_ARG;
    *out = NULL;
    if (!json || len > SHC_KEYSET_FILE_MAX) {
        kofu_errf(err, errlen, "key set: larger than %d bytes", SHC_KEYSET_FILE_MAX);
        return KOFU_E_CONFIG;
    }
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    const json_t *keys = json_object_get(root, "keys");
    shc_keyset *ks = calloc(1, sizeof *ks);
    int rc = KOFU_E_CONFIG;
    if (!ks) {
        rc = KOFU_E_NOMEM;
        kofu_errf(err, errlen, "key set: out of memory");
    } else if (!json_is_object(root)) {
        if (root)
            kofu_errf(err, errlen, "key set: not a JSON object");
        else
            kofu_errf(err, errlen, "key set: not JSON (line %d: %s)", jerr.line, jerr.text);
    } else if (!json_is_array(keys) || json_array_size(keys) == 0 || json_array_size(keys) > SHC_KEYSET_MAX) {
        kofu_errf(err, errlen, "key set: \"keys\" must be an array of 1..%d keys", SHC_KEYSET_MAX);
    } else {
        rc = KOFU_OK;
        for (size_t i = 0; rc == KOFU_OK && i < json_array_size(keys); i++)
            if (!load_key(json_array_get(keys, i), i, ks, err, errlen))
                rc = KOFU_E_CONFIG;
    }
    json_decref(root);
    if (rc != KOFU_OK) {
        shc_keyset_free(ks);
        return rc;
    }
    *out = ks;
    return KOFU_OK;
}

int shc_keyset_load(const char *path, shc_keyset **out, char *err, size_t errlen)
{
    if (!out)
        return KOFU_E_ARG;
    *out = NULL;
    FILE *f = path ? fopen(path, "re") : NULL;
    if (!f) {
        kofu_errf(err, errlen, "key set: cannot open the file: %s", strerror(errno));
        return KOFU_E_CONFIG;
    }
    char *buf = malloc(SHC_KEYSET_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, SHC_KEYSET_FILE_MAX + 1, f) : 0;
    bool read_error = ferror(f);
    fclose(f);
    int rc;
    if (!buf) {
        rc = KOFU_E_NOMEM;
    } else if (read_error || n > SHC_KEYSET_FILE_MAX) {
        kofu_errf(err, errlen, "key set: unreadable or larger than %d bytes", SHC_KEYSET_FILE_MAX);
        rc = KOFU_E_CONFIG;
    } else {
        rc = shc_keyset_parse(buf, n, out, err, errlen);
    }
    free(buf);
    return rc;
}

size_t shc_keyset_count(const shc_keyset *ks) { return ks ? ks->n : 0; }

const char *shc_keyset_kid(const shc_keyset *ks, size_t i) { return ks && i < ks->n ? ks->keys[i].kid : NULL; }

void shc_keyset_free(shc_keyset *ks)
{
    if (!ks)
        return;
    for (size_t i = 0; i < ks->n; i++)
        EVP_PKEY_free(ks->keys[i].key);
    free(ks);
}

static EVP_PKEY *keyset_find(const shc_keyset *ks, const char *kid)
{
    for (size_t i = 0; i < ks->n; i++)
        if (strcmp(ks->keys[i].kid, kid) == 0)
            return ks->keys[i].key;
    return NULL;
}

/* ---- the JWS ------------------------------------------------------------ */

/* Split the cursor at the next `sep`: part gets what precedes it, the
 * cursor moves past it. False (cursor unchanged) when there is none. */
static bool cur_split(kofu_cur *c, uint8_t sep, kofu_cur *part)
{
    const uint8_t *p = cur_len(c) ? memchr(cur_data(c), sep, cur_len(c)) : NULL;
    if (!p)
        return false;
    kofu_cur save = *c;
    if (!cur_get_bytes(c, part, (size_t)(p - cur_data(c))) || !cur_skip(c, 1)) {
        *c = save;
        return false;
    }
    return true;
}

static bool decode_part(const kofu_cur *part, uint8_t *out, size_t cap, size_t *out_len)
{
    return cur_len(part) > 0 &&
           b64_decode((const char *)cur_data(part), cur_len(part), out, cap, out_len, true);
}

/* zlib's memory (its window holds payload bytes) comes from the vault and
 * goes back with the rest of the scratch. */
static voidpf vault_zalloc(voidpf opaque, uInt items, uInt size)
{
    bool *out_of_memory = opaque;
    void *p = size && items > SIZE_MAX / size ? NULL : vault_alloc((size_t)items * size);
    if (!p)
        *out_of_memory = true;
    return p;
}

static void vault_zfree(voidpf opaque, voidpf p)
{
    (void)opaque;
    (void)p; /* released with the scratch */
}

/* Raw DEFLATE (RFC 1951, no zlib or gzip header), at most SHC_PAYLOAD_MAX
 * bytes out, and nothing after the end of the stream. */
static enum shc_reason inflate_raw(const uint8_t *in, size_t in_len, uint8_t *out, size_t cap, size_t *out_len,
                                   bool *out_of_memory)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    z.zalloc = vault_zalloc;
    z.zfree = vault_zfree;
    z.opaque = out_of_memory;
    if (in_len > UINT32_MAX || cap > UINT32_MAX || inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return SHC_REASON_INTERNAL;
    z.next_in = in;
    z.avail_in = (uInt)in_len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int zr = inflate(&z, Z_FINISH);
    enum shc_reason r;
    if (zr == Z_STREAM_END)
        r = z.avail_in ? SHC_REASON_DEFLATE_TRAILING : z.total_out >= cap ? SHC_REASON_PAYLOAD_TOO_LARGE
                                                                          : SHC_REASON_OK;
    else if (zr == Z_MEM_ERROR)
        r = SHC_REASON_INTERNAL;
    else if ((zr == Z_BUF_ERROR || zr == Z_OK) && z.avail_out == 0)
        r = SHC_REASON_PAYLOAD_TOO_LARGE;
    else
        r = SHC_REASON_DEFLATE; /* Z_DATA_ERROR, Z_NEED_DICT, or the input ended early */
    *out_len = z.total_out;
    inflateEnd(&z);
    return r;
}

static enum shc_reason check_header(const uint8_t *h, size_t len, const shc_keyset *ks, EVP_PKEY **key,
                                    char kid_out[SHC_KID_LEN + 1])
{
    json_t *hdr = json_loadb((const char *)h, len, JSON_REJECT_DUPLICATES, NULL);
    enum shc_reason r = SHC_REASON_OK;
    const char *kid = jsonv_str(hdr, "kid");
    if (!json_is_object(hdr))
        r = SHC_REASON_HEADER_JSON;
    else if (!jsonv_is(hdr, "alg", "ES256"))
        r = SHC_REASON_HEADER_ALG;
    else if (!jsonv_is(hdr, "zip", "DEF"))
        r = SHC_REASON_HEADER_ZIP;
    else if (json_object_get(hdr, "crit"))
        r = SHC_REASON_HEADER_CRIT;
    else if (!kid_form_ok(kid))
        r = SHC_REASON_HEADER_KID;
    else if (!(*key = keyset_find(ks, kid)))
        r = SHC_REASON_KID_UNKNOWN;
    else
        memcpy(kid_out, kid, SHC_KID_LEN + 1);
    json_decref(hdr);
    return r;
}

/* ---- the payload -------------------------------------------------------- */

static bool number_in_range(const json_t *v, double *out)
{
    if (!json_is_number(v))
        return false;
    double d = json_number_value(v);
    if (!isfinite(d) || d < 0 || d > TIME_MAX)
        return false;
    *out = d;
    return true;
}

static enum shc_reason check_claims(const json_t *p, const struct shc_trust *t, int64_t now, struct shc_card *out)
{
    const char *iss = jsonv_str(p, "iss");
    if (!iss_form_ok(iss))
        return SHC_REASON_ISS_FORM;
    bool allowed = false;
    for (size_t i = 0; i < t->n_issuers; i++)
        allowed |= strcmp(t->issuers[i], iss) == 0;
    if (!allowed)
        return SHC_REASON_ISS_NOT_ALLOWED;
    memcpy(out->iss, iss, strlen(iss) + 1);

    double nbf, exp = 0;
    const json_t *jexp = json_object_get(p, "exp");
    if (!number_in_range(json_object_get(p, "nbf"), &nbf) || (jexp && !number_in_range(jexp, &exp)))
        return SHC_REASON_TIME_FORM;
    if (nbf > (double)now + (double)t->clock_skew)
        return SHC_REASON_NOT_YET_VALID;
    if (jexp && exp < (double)now)
        return SHC_REASON_EXPIRED;
    out->nbf = (int64_t)nbf; /* ≥ 0: truncation is floor */
    out->has_exp = jexp != NULL;
    out->exp = jexp ? (int64_t)exp : 0;
    return SHC_REASON_OK;
}

static enum shc_reason check_vc_type(const json_t *vc)
{
    const json_t *types = json_object_get(vc, "type");
    bool found = false;
    if (!json_is_array(types))
        return SHC_REASON_VC_TYPE;
    for (size_t i = 0; i < json_array_size(types); i++) {
        const char *s = json_string_value(json_array_get(types, i));
        if (!s)
            return SHC_REASON_VC_TYPE; /* unknown types are ignored, but must be strings */
        found |= strcmp(s, HEALTH_CARD_TYPE) == 0;
    }
    return found ? SHC_REASON_OK : SHC_REASON_VC_TYPE;
}

/* "resource:N" with N a decimal number without leading zeros. */
static bool short_url_ok(const char *u)
{
    static const char pre[] = "resource:";
    if (!u || strncmp(u, pre, sizeof pre - 1) != 0)
        return false;
    const char *n = u + sizeof pre - 1;
    size_t len = strlen(n);
    return len >= 1 && len <= 3 && all_digits(n, len) && (n[0] != '0' || len == 1);
}

static enum shc_reason take_patient(const json_t *res, struct shc_card *out)
{
    const json_t *names = json_object_get(res, "name");
    const json_t *name0 = json_array_get(names, 0);
    const json_t *given = json_object_get(name0, "given");
    const char *birth = jsonv_str(res, "birthDate");
    if (!json_is_array(names) || !json_is_object(name0) ||
        !jsonv_copy_text(out->family, sizeof out->family, jsonv_str(name0, "family"), SHC_NAME_MAX) ||
        !jsonv_date_ok(birth, true))
        return SHC_REASON_PATIENT;
    memcpy(out->birth_date, birth, 11);
    if (!given)
        return SHC_REASON_OK; /* one name only: the card shows it without a separator */
    if (!json_is_array(given) || json_array_size(given) == 0 || json_array_size(given) > GIVEN_NAMES_MAX)
        return SHC_REASON_PATIENT;
    kofu_bld b;
    bld_init(&b, (uint8_t *)out->given, SHC_NAME_MAX);
    for (size_t i = 0; i < json_array_size(given); i++) {
        const char *g = json_string_value(json_array_get(given, i));
        if (!jsonv_printable(g, SHC_NAME_MAX))
            return SHC_REASON_PATIENT;
        if (i)
            bld_add_bytes(&b, IDEOGRAPHIC_SPACE, 3);
        bld_add_bytes(&b, g, strlen(g));
    }
    if (!bld_ok(&b))
        return SHC_REASON_PATIENT;
    out->given[b.len] = '\0';
    return SHC_REASON_OK;
}

static enum shc_reason take_vaccine_code(const json_t *res, struct shc_dose *d)
{
    const json_t *codings = json_object_get(json_object_get(res, "vaccineCode"), "coding");
    size_t n = json_array_size(codings);
    const char *cvx = NULL;
    if (!json_is_array(codings) || n == 0 || n > CODINGS_MAX)
        return SHC_REASON_VACCINE_CODE;
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_array_get(codings, i);
        const char *sys = jsonv_str(c, "system"), *code = jsonv_str(c, "code");
        if (!json_is_object(c) || !sys || !code)
            return SHC_REASON_VACCINE_CODE;
        if (strcmp(sys, CVX_SYSTEM) == 0) {
            if (cvx)
                return SHC_REASON_VACCINE_CODE; /* two CVX codes: which one? */
            cvx = code;
        }
    }
    size_t len = cvx ? strlen(cvx) : 0;
    if (len < 1 || len > 3 || !all_digits(cvx, len))
        return SHC_REASON_VACCINE_CODE;
    memcpy(d->cvx, cvx, len + 1);
    return SHC_REASON_OK;
}

static enum shc_reason take_immunization(const json_t *res, struct shc_dose *d)
{
    if (!jsonv_is(res, "status", "completed"))
        return SHC_REASON_IMMUNIZATION;
    enum shc_reason r = take_vaccine_code(res, d);
    if (r != SHC_REASON_OK)
        return r;
    if (!jsonv_is(json_object_get(res, "patient"), "reference", PATIENT_URL))
        return SHC_REASON_REFERENCE;
    const char *date = jsonv_str(res, "occurrenceDateTime");
    const json_t *performer = json_array_get(json_object_get(res, "performer"), 0);
    const char *display = jsonv_str(json_object_get(performer, "actor"), "display");
    if (!jsonv_date_ok(date, true) || !jsonv_copy_text(d->lot, sizeof d->lot, jsonv_str(res, "lotNumber"), SHC_TEXT_MAX) ||
        !jsonv_copy_text(d->performer, sizeof d->performer, display, SHC_TEXT_MAX))
        return SHC_REASON_IMMUNIZATION;
    memcpy(d->date, date, 11);
    return SHC_REASON_OK;
}

static enum shc_reason check_bundle(const json_t *bundle, struct shc_card *out)
{
    const json_t *entries = json_object_get(bundle, "entry");
    size_t n = json_array_size(entries), patients = 0;
    if (!json_is_object(bundle) || !jsonv_is(bundle, "resourceType", "Bundle") || !jsonv_str(bundle, "type") ||
        !json_is_array(entries) || n == 0 || n > BUNDLE_ENTRIES_MAX)
        return SHC_REASON_BUNDLE;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(entries, i);
        const json_t *res = json_object_get(e, "resource");
        const char *url = jsonv_str(e, "fullUrl"), *type = jsonv_str(res, "resourceType");
        if (!json_is_object(e) || !json_is_object(res) || !short_url_ok(url) || !type)
            return SHC_REASON_BUNDLE;
        for (size_t k = 0; k < i; k++)
            if (strcmp(url, jsonv_str(json_array_get(entries, k), "fullUrl")) == 0)
                return SHC_REASON_BUNDLE; /* two resources, one name */
        enum shc_reason r;
        if (strcmp(type, "Patient") == 0) {
            if (++patients > 1 || strcmp(url, PATIENT_URL) != 0)
                return SHC_REASON_PATIENT;
            r = take_patient(res, out);
        } else if (strcmp(type, "Immunization") == 0) {
            if (out->n_doses == SHC_DOSES_MAX)
                return SHC_REASON_TOO_MANY_DOSES;
            r = take_immunization(res, &out->doses[out->n_doses++]);
        } else {
            r = SHC_REASON_BUNDLE; /* the kiosk's card holds nothing else */
        }
        if (r != SHC_REASON_OK)
            return r;
    }
    if (patients != 1)
        return SHC_REASON_PATIENT;
    if (out->n_doses == 0)
        return SHC_REASON_NO_IMMUNIZATION;
    return SHC_REASON_OK;
}

/* The parts of a name: the runs between U+3000 separators, over one or
 * two strings in turn (empty runs do not count). */
struct name_parts {
    const char *s[2];
    size_t i;
    const char *p;
};

static bool name_part(struct name_parts *it, const char **part, size_t *len)
{
    while (it->p) {
        while (strncmp(it->p, IDEOGRAPHIC_SPACE, 3) == 0)
            it->p += 3;
        if (*it->p == '\0') {
            it->i++;
            it->p = it->i < 2 ? it->s[it->i] : NULL;
            continue;
        }
        const char *sep = strstr(it->p, IDEOGRAPHIC_SPACE);
        *part = it->p;
        *len = sep ? (size_t)(sep - it->p) : strlen(it->p);
        it->p += *len;
        return true;
    }
    return false;
}

/* The card writes family U+3000 given (U+3000 between given names too);
 * FHIR splits them (the center splits at each U+3000 and drops empty
 * parts). Same parts, in the same order, compared exactly: only the
 * separator is normalised. */
static enum shc_reason check_person(const struct shc_card *c, const struct shc_person *p)
{
    struct name_parts card = {{p->name, ""}, 0, p->name}, fhir = {{c->family, c->given}, 0, c->family};
    const char *a, *b;
    size_t al, bl;
    for (;;) {
        bool more_a = name_part(&card, &a, &al), more_b = name_part(&fhir, &b, &bl);
        if (!more_a && !more_b)
            break;
        if (more_a != more_b || al != bl || memcmp(a, b, al) != 0)
            return SHC_REASON_OTHER_NAME;
    }
    /* YYYY-MM-DD against the card's YYYYMMDD */
    if (memcmp(c->birth_date, p->birth_date, 4) != 0 || memcmp(c->birth_date + 5, p->birth_date + 4, 2) != 0 ||
        memcmp(c->birth_date + 8, p->birth_date + 6, 2) != 0)
        return SHC_REASON_OTHER_BIRTH_DATE;
    return SHC_REASON_OK;
}

static enum shc_reason check_payload(const uint8_t *payload, size_t len, const struct shc_trust *t, int64_t now,
                                     const struct shc_person *person, struct shc_card *out)
{
    json_t *p = json_loadb((const char *)payload, len, JSON_REJECT_DUPLICATES, NULL);
    const json_t *vc = json_object_get(p, "vc");
    const json_t *subject = json_object_get(vc, "credentialSubject");
    enum shc_reason r = SHC_REASON_PAYLOAD_JSON;
    if (json_is_object(p))
        r = check_claims(p, t, now, out);
    if (r == SHC_REASON_OK)
        r = json_is_object(vc) ? check_vc_type(vc) : SHC_REASON_VC_TYPE;
    if (r == SHC_REASON_OK && (!json_is_object(subject) || !jsonv_printable(jsonv_str(subject, "fhirVersion"), 16)))
        r = SHC_REASON_FHIR_VERSION;
    if (r == SHC_REASON_OK)
        r = check_bundle(json_object_get(subject, "fhirBundle"), out);
    if (r == SHC_REASON_OK)
        r = check_person(out, person);
    json_decref(p);
    return r;
}

static enum shc_reason verify(const char *jws, const struct shc_trust *t, int64_t now,
                              const struct shc_person *person, struct shc_card *out, struct shc_work *w)
{
    size_t n = strnlen(jws, SHC_JWS_INPUT_MAX + 1);
    if (n > SHC_JWS_INPUT_MAX)
        return SHC_REASON_JWS_FORM;
    kofu_cur all, rest, h, p, s;
    cur_init(&all, (const uint8_t *)jws, n);
    rest = all;
    size_t hl, pl, sl;
    if (!cur_split(&rest, '.', &h) || !cur_split(&rest, '.', &p))
        return SHC_REASON_JWS_FORM;
    s = rest;
    if (!decode_part(&h, w->header, sizeof w->header, &hl) ||
        !decode_part(&p, w->compressed, sizeof w->compressed, &pl) ||
        !decode_part(&s, w->signature, sizeof w->signature, &sl))
        return SHC_REASON_JWS_FORM; /* also refuses a fourth part: '.' is not base64url */

    EVP_PKEY *key = NULL;
    enum shc_reason r = check_header(w->header, hl, t->keys, &key, out->kid);
    if (r != SHC_REASON_OK)
        return r;

    /* The signing input: the first two parts as ASCII, with their dot. */
    kofu_cur signing;
    size_t signing_len = cur_len(&h) + 1 + cur_len(&p);
    if (!cur_get_bytes(&all, &signing, signing_len))
        return SHC_REASON_INTERNAL;
    switch (shc_es256_verify(key, cur_data(&signing), cur_len(&signing), w->signature, sl)) {
    case KOFU_OK: break;
    case KOFU_E_ARG: return SHC_REASON_SIGNATURE_FORM;
    case KOFU_E_NOT_AUTHENTIC: return SHC_REASON_SIGNATURE;
    default: return SHC_REASON_INTERNAL;
    }

    /* Only now is the payload worth inflating. */
    size_t plen = 0;
    r = inflate_raw(w->compressed, pl, w->payload, sizeof w->payload, &plen, &w->out_of_memory);
    if (r != SHC_REASON_OK)
        return r;
    return check_payload(w->payload, plen, t, now, person, out);
}

static bool person_ok(const struct shc_person *p)
{
    return p && p->name && p->name[0] && strlen(p->name) <= SHC_NAME_MAX * 2 + 3 && p->birth_date &&
           jsonv_date_ok(p->birth_date, false);
}

static bool trust_ok(const struct shc_trust *t)
{
    if (!t || !t->keys || (!t->issuers && t->n_issuers))
        return false;
    for (size_t i = 0; i < t->n_issuers; i++)
        if (!iss_form_ok(t->issuers[i]))
            return false;
    return true;
}

struct shc_card *shc_card_new(void) { return vault_alloc(sizeof(struct shc_card)); }

int shc_verify(const char *jws, const struct shc_trust *trust, int64_t now, const struct shc_person *person,
               struct shc_card *out, enum shc_reason *why)
{
    if (!why)
        return KOFU_E_ARG;
    *why = SHC_REASON_INTERNAL;
    if (!out)
        return KOFU_E_ARG;
    explicit_bzero(out, sizeof *out);
    if (!jws || !trust_ok(trust) || !person_ok(person))
        return KOFU_E_ARG;
    size_t mark = vault_mark();
    struct shc_work *w = vault_alloc(sizeof *w);
    enum shc_reason r = w ? verify(jws, trust, now, person, out, w) : SHC_REASON_INTERNAL;
    bool out_of_memory = !w || w->out_of_memory;
    vault_release(mark); /* wipes the scratch and zlib's window */
    *why = r;
    if (r == SHC_REASON_OK)
        return KOFU_OK;
    explicit_bzero(out, sizeof *out);
    if (r != SHC_REASON_INTERNAL)
        return KOFU_E_CENTER_RESPONSE;
    return out_of_memory ? KOFU_E_NOMEM : KOFU_E_INTERNAL;
}

/* ---- words -------------------------------------------------------------- */

static const struct kofu_word reason_words[SHC_REASON__COUNT] = {
    KOFU_WORD(SHC_REASON_OK, "ok", "証明書を確認しました。", "The certificate is verified."),
    KOFU_WORD(SHC_REASON_JWS_FORM, "jws-form", "証明書の形式が正しくありません。",
              "The certificate is not a well-formed compact JWS."),
    KOFU_WORD(SHC_REASON_HEADER_JSON, "header-json", "証明書のヘッダーが読めません。",
              "The certificate's header is not a single JSON object."),
    KOFU_WORD(SHC_REASON_HEADER_ALG, "header-alg", "証明書の署名方式が ES256 ではありません。",
              "The certificate's signature algorithm is not ES256."),
    KOFU_WORD(SHC_REASON_HEADER_ZIP, "header-zip", "証明書の圧縮方式が DEF ではありません。",
              "The certificate's compression is not DEF."),
    KOFU_WORD(SHC_REASON_HEADER_CRIT, "header-crit", "証明書のヘッダーに未対応の必須拡張があります。",
              "The certificate's header has critical extensions (crit)."),
    KOFU_WORD(SHC_REASON_HEADER_KID, "header-kid", "証明書の鍵IDがありません。",
              "The certificate's header has no valid key id (kid)."),
    KOFU_WORD(SHC_REASON_KID_UNKNOWN, "kid-unknown", "証明書の署名鍵が信頼する鍵の中にありません。",
              "The certificate is signed with a key that is not among the trusted keys."),
    KOFU_WORD(SHC_REASON_SIGNATURE_FORM, "signature-form", "証明書の署名の形式が正しくありません。",
              "The certificate's signature is not a 64-byte ES256 value (r‖s)."),
    KOFU_WORD(SHC_REASON_SIGNATURE, "signature", "証明書の署名が正しくありません。",
              "The certificate's signature is wrong."),
    KOFU_WORD(SHC_REASON_DEFLATE, "deflate", "証明書の内容を展開できません。",
              "The certificate's content is not valid raw DEFLATE."),
    KOFU_WORD(SHC_REASON_DEFLATE_TRAILING, "deflate-trailing", "証明書の内容の後ろに余分なデータがあります。",
              "The certificate's content has extra bytes after its end."),
    KOFU_WORD(SHC_REASON_PAYLOAD_TOO_LARGE, "payload-too-large", "証明書の内容が大きすぎます。",
              "The certificate's content is too large."),
    KOFU_WORD(SHC_REASON_PAYLOAD_JSON, "payload-json", "証明書の内容が読めません。",
              "The certificate's content is not a single JSON object."),
    KOFU_WORD(SHC_REASON_ISS_FORM, "iss-form", "証明書の発行者の表記が正しくありません。",
              "The certificate's issuer (iss) is missing or not an https URL without a trailing slash."),
    KOFU_WORD(SHC_REASON_ISS_NOT_ALLOWED, "iss-not-allowed", "証明書の発行者が信頼する発行者ではありません。",
              "The certificate's issuer is not a trusted issuer."),
    KOFU_WORD(SHC_REASON_TIME_FORM, "time-form", "証明書の発行日時が正しくありません。",
              "The certificate's issue time (nbf) or expiry (exp) is missing or not a number."),
    KOFU_WORD(SHC_REASON_NOT_YET_VALID, "not-yet-valid", "証明書の発行日時が未来になっています。",
              "The certificate's issue time lies in the future."),
    KOFU_WORD(SHC_REASON_EXPIRED, "expired", "証明書の有効期限が切れています。", "The certificate has expired."),
    KOFU_WORD(SHC_REASON_VC_TYPE, "vc-type", "SMART Health Card ではありません。",
              "The certificate is not a SMART Health Card (#health-card type missing)."),
    KOFU_WORD(SHC_REASON_FHIR_VERSION, "fhir-version", "証明書に FHIR のバージョンがありません。",
              "The certificate does not state its FHIR version."),
    KOFU_WORD(SHC_REASON_BUNDLE, "bundle", "証明書の接種記録の構成が正しくありません。",
              "The certificate's FHIR bundle is malformed or holds unexpected resources."),
    KOFU_WORD(SHC_REASON_PATIENT, "patient", "証明書の本人の情報が正しくありません。",
              "The certificate does not hold exactly one well-formed Patient."),
    KOFU_WORD(SHC_REASON_IMMUNIZATION, "immunization", "証明書の接種記録が正しくありません。",
              "A vaccination record in the certificate is malformed."),
    KOFU_WORD(SHC_REASON_NO_IMMUNIZATION, "no-immunization", "証明書に接種記録がありません。",
              "The certificate holds no vaccination record."),
    KOFU_WORD(SHC_REASON_TOO_MANY_DOSES, "too-many-doses", "証明書の接種記録が多すぎます。",
              "The certificate holds more vaccination records than a certificate can."),
    KOFU_WORD(SHC_REASON_VACCINE_CODE, "vaccine-code", "証明書のワクチンの種類が正しくありません。",
              "A vaccination record has no CVX vaccine code."),
    KOFU_WORD(SHC_REASON_REFERENCE, "reference", "証明書の接種記録が本人の情報と結び付いていません。",
              "A vaccination record does not refer to the certificate's Patient."),
    KOFU_WORD(SHC_REASON_OTHER_NAME, "other-name", "別の方の証明書です（氏名が一致しません）。",
              "This is another person's certificate: the name does not match the card."),
    KOFU_WORD(SHC_REASON_OTHER_BIRTH_DATE, "other-birth-date", "別の方の証明書です（生年月日が一致しません）。",
              "This is another person's certificate: the birth date does not match the card."),
    KOFU_WORD(SHC_REASON_INTERNAL, "internal", "証明書を確認できませんでした（内部エラー）。",
              "The certificate could not be checked (internal error)."),
};

KOFU_WORDS_LOOKUPS(shc_reason_name, shc_reason_text, enum shc_reason, reason_words)
