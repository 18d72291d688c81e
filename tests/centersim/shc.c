/* shc.c — see shc.h. */
#include "shc.h"

#include "base/b64.h"
#include "es256.h"
#include "base/wipeheap.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#define SHC_IDEOGRAPHIC_SPACE "\xE3\x80\x80" /* U+3000, between family and given name on the card */
#define SHC_HEADER_MAX 128
#define SHC_JWKS_SUFFIX "/.well-known/jwks.json"

struct shc_issuer {
    EVP_PKEY *key;
    char iss[SHC_ISS_MAX + 1];
    char kid[ES256_KID_LEN + 1];
    char x[ES256_KID_LEN + 1], y[ES256_KID_LEN + 1]; /* base64url coordinates */
    char header_b64[SHC_HEADER_MAX * 2];
    char jwks_path[SHC_ISS_MAX + sizeof SHC_JWKS_SUFFIX];
};

bool shc_iss_valid(const char *iss)
{
    size_t n = strlen(iss);
    if (n <= 8 || n > SHC_ISS_MAX || strncmp(iss, "https://", 8) != 0 || iss[8] == '/' || iss[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if (iss[i] <= 0x20 || iss[i] >= 0x7F || strchr("?#\"\\<>", iss[i]))
            return false;
    return true;
}

static bool shc_fail(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s", what);
    return false;
}

/* Everything derived from the key and the URL, computed once. */
static bool shc_issuer_derive(shc_issuer *is, char *err, size_t errlen)
{
    uint8_t x[ES256_COORD_LEN], y[ES256_COORD_LEN];
    char header[SHC_HEADER_MAX];
    if (!es256_public_xy(is->key, x, y) || !es256_jwk_thumbprint(x, y, is->kid) ||
        !b64_encode(x, sizeof x, is->x, sizeof is->x, true) || !b64_encode(y, sizeof y, is->y, sizeof is->y, true))
        return shc_fail(err, errlen, "cannot derive the SHC issuer's public key");
    /* The header's member order is the one docs/center-protocol.md shows (documents[].jws). */
    int hn = snprintf(header, sizeof header, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", is->kid);
    if (hn <= 0 || (size_t)hn >= sizeof header ||
        !b64_encode((const uint8_t *)header, (size_t)hn, is->header_b64, sizeof is->header_b64, true))
        return shc_fail(err, errlen, "cannot encode the JWS header");
    const char *path = strchr(is->iss + 8, '/');
    snprintf(is->jwks_path, sizeof is->jwks_path, "%s%s", path ? path : "", SHC_JWKS_SUFFIX);
    return true;
}

shc_issuer *shc_issuer_load(const char *key_path, const char *iss, char *err, size_t errlen)
{
    if (!shc_iss_valid(iss)) {
        shc_fail(err, errlen, "--issuer-url must be https://host[/path] without a trailing '/'");
        return NULL;
    }
    shc_issuer *is = calloc(1, sizeof *is);
    if (!is) {
        shc_fail(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(is->iss, sizeof is->iss, "%s", iss);
    is->key = es256_load_private(key_path);
    if (!is->key) {
        snprintf(err, errlen, "%s: not a readable EC P-256 private key", key_path);
        shc_issuer_free(is);
        return NULL;
    }
    if (!shc_issuer_derive(is, err, errlen)) {
        shc_issuer_free(is);
        return NULL;
    }
    return is;
}

void shc_issuer_free(shc_issuer *is)
{
    if (!is)
        return;
    EVP_PKEY_free(is->key);
    free(is);
}

const char *shc_issuer_kid(const shc_issuer *is) { return is->kid; }

const char *shc_issuer_jwks_path(const shc_issuer *is) { return is->jwks_path; }

json_t *shc_jwks(const shc_issuer *is, bool bad_kid)
{
    char kid[sizeof is->kid];
    memcpy(kid, is->kid, sizeof kid);
    if (bad_kid)
        kid[0] = kid[0] == 'A' ? 'B' : 'A'; /* same length and alphabet, another value */
    return json_pack("{s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}]}", "keys", "kty", "EC", "kid", kid, "use",
                     "sig", "alg", "ES256", "crv", "P-256", "x", is->x, "y", is->y);
}

/* ---- the FHIR bundle ------------------------------------------------------- */

/* name[{family, given[]}] from the card's name split at U+3000 only: the
 * family name is the first non-empty run, each further non-empty run a
 * given name; empty runs are dropped (FHIR forbids empty strings), and a
 * name of one run has no given member at all (FHIR forbids empty arrays). */
static json_t *shc_name(const char *name)
{
    json_t *hn = json_object(), *given = json_array();
    const char *p = name;
    bool first = true, ok = hn && given;
    while (ok) {
        const char *sep = strstr(p, SHC_IDEOGRAPHIC_SPACE);
        size_t len = sep ? (size_t)(sep - p) : strlen(p);
        if (len > 0) {
            json_t *part = json_stringn(p, len);
            ok = part && (first ? json_object_set_new(hn, "family", part) : json_array_append_new(given, part)) == 0;
            first = false;
        }
        if (!sep)
            break;
        p = sep + strlen(SHC_IDEOGRAPHIC_SPACE);
    }
    if (ok && json_array_size(given) > 0) {
        ok = json_object_set_new(hn, "given", given) == 0;
        given = NULL;
    }
    json_decref(given);
    if (!ok) {
        json_decref(hn);
        return NULL;
    }
    return json_pack("[o]", hn);
}

static json_t *shc_entry(size_t index, json_t *resource)
{
    char url[32];
    snprintf(url, sizeof url, "resource:%zu", index);
    return json_pack("{s:s, s:o}", "fullUrl", url, "resource", resource);
}

static json_t *shc_patient(const struct store_resident *r)
{
    json_t *name = shc_name(r->name);
    if (!name)
        return NULL;
    return shc_entry(0, json_pack("{s:s, s:o, s:s}", "resourceType", "Patient", "name", name, "birthDate",
                                  r->birth_date));
}

static json_t *shc_immunization(size_t index, const struct store_dose *d)
{
    json_t *res = json_pack("{s:s, s:s, s:{s:[{s:s, s:s}]}, s:{s:s}, s:s, s:[{s:{s:s}}], s:s}", "resourceType",
                            "Immunization", "status", "completed", "vaccineCode", "coding", "system",
                            "http://hl7.org/fhir/sid/cvx", "code", d->cvx, "patient", "reference",
                            "resource:0", "occurrenceDateTime", d->date, "performer", "actor", "display",
                            d->performer, "lotNumber", d->lot);
    return res ? shc_entry(index, res) : NULL;
}

json_t *shc_payload(const char *iss, const struct store_resident *r, const struct store_dose *doses, size_t n,
                    int64_t nbf)
{
    json_t *entries = json_array();
    bool ok = entries && json_array_append_new(entries, shc_patient(r)) == 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = json_array_append_new(entries, shc_immunization(i + 1, &doses[i])) == 0;
    if (!ok) {
        json_decref(entries);
        return NULL;
    }
    return json_pack("{s:s, s:I, s:{s:[s], s:{s:s, s:{s:s, s:s, s:o}}}}", "iss", iss, "nbf", (json_int_t)nbf,
                     "vc", "type", "https://smarthealth.cards#health-card", "credentialSubject", "fhirVersion",
                     "4.0.1", "fhirBundle", "resourceType", "Bundle", "type", "collection", "entry", entries);
}

/* ---- DEFLATE and the JWS ---------------------------------------------------- */

/* zlib's window holds the payload too: allocate it with wipeheap. */
static voidpf shc_zalloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    if (size && items > SIZE_MAX / size)
        return Z_NULL;
    return wipeheap_malloc((size_t)items * size);
}

static void shc_zfree(voidpf opaque, voidpf p)
{
    (void)opaque;
    wipeheap_free(p);
}

/* Raw DEFLATE (RFC 1951, no zlib header: windowBits −15), best compression.
 * Returns a wipeheap buffer, or NULL. */
static uint8_t *shc_deflate(const char *in, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    z.zalloc = shc_zalloc;
    z.zfree = shc_zfree;
    if (len > UINT32_MAX || deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)len);
    uint8_t *out = wipeheap_malloc(cap);
    z.next_in = (z_const Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = out ? deflate(&z, Z_FINISH) : Z_MEM_ERROR;
    *out_len = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        wipeheap_free(out);
        return NULL;
    }
    return out;
}

/* header_b64 "." payload_b64 "." signature_b64 into a wipeheap buffer. */
static char *shc_sign(const shc_issuer *is, const uint8_t *z, size_t zlen, bool flip_bit, size_t *len)
{
    size_t hlen = strlen(is->header_b64), plen = b64_encoded_len(zlen, true);
    size_t cap = hlen + 1 + plen + 1 + b64_encoded_len(ES256_SIG_LEN, true) + 1;
    char *jws = wipeheap_malloc(cap);
    uint8_t sig[ES256_SIG_LEN];
    if (!jws)
        return NULL;
    memcpy(jws, is->header_b64, hlen);
    jws[hlen] = '.';
    size_t signing_len = hlen + 1 + plen;
    if (!b64_encode(z, zlen, jws + hlen + 1, cap - hlen - 1, true) ||
        !es256_sign(is->key, (const uint8_t *)jws, signing_len, sig)) {
        wipeheap_free(jws);
        return NULL;
    }
    if (flip_bit)
        sig[ES256_SIG_LEN / 2] ^= 0x01; /* in s: still 64 bytes, still base64url */
    jws[signing_len] = '.';
    if (!b64_encode(sig, sizeof sig, jws + signing_len + 1, cap - signing_len - 1, true)) {
        wipeheap_free(jws);
        return NULL;
    }
    *len = strlen(jws);
    return jws;
}

int shc_issue(const shc_issuer *is, const struct store_resident *r, const struct store_dose *doses, size_t n,
              int64_t nbf, bool flip_bit, char *jws, size_t cap, size_t *len)
{
    json_t *payload = shc_payload(is->iss, r, doses, n, nbf);
    char *text = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
    json_decref(payload);
    size_t zlen = 0, full = 0;
    uint8_t *z = text ? shc_deflate(text, strlen(text), &zlen) : NULL;
    wipeheap_free(text);
    char *out = z ? shc_sign(is, z, zlen, flip_bit, &full) : NULL;
    wipeheap_free(z);
    if (!out)
        return SHC_ERROR;
    *len = full;
    int rc = SHC_OK;
    if (full > SHC_JWS_MAX)
        rc = SHC_TOO_LARGE;
    else if (full >= cap)
        rc = SHC_ERROR;
    else
        memcpy(jws, out, full + 1);
    wipeheap_free(out);
    return rc;
}
