/* card_files.c — see card_files.h. */
#include "card_files.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <string.h>

#include "base/bytes.h"

#define CFILES_SHA256_LEN 32

/* ---- key loading ---------------------------------------------------------- */

static EVP_PKEY *cfiles_read_key(const char *dir, const char *name, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/card/%s.key.pem", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open %s", path);
        return NULL;
    }
    EVP_PKEY *pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!pkey) {
        snprintf(err, errlen, "%s is not a PEM private key", path);
        return NULL;
    }
    /* The layouts hard-wire 256-byte moduli and signatures. */
    if (!EVP_PKEY_is_a(pkey, "RSA") || EVP_PKEY_get_bits(pkey) != 2048) {
        snprintf(err, errlen, "%s must be an RSA-2048 key", path);
        EVP_PKEY_free(pkey);
        return NULL;
    }
    return pkey;
}

/* A key id file holds exactly 16 bytes (text such as KOFU-TEST-CA-001). */
static bool cfiles_read_id(const char *dir, const char *name, uint8_t id[CFILES_KEY_ID_LEN],
                           char *err, size_t errlen)
{
    char path[4096];
    uint8_t buf[CFILES_KEY_ID_LEN + 1];
    snprintf(path, sizeof path, "%s/card/%s.id", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s", path);
        return false;
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (n != CFILES_KEY_ID_LEN) {
        snprintf(err, errlen, "%s must hold exactly %d bytes", path, CFILES_KEY_ID_LEN);
        return false;
    }
    memcpy(id, buf, CFILES_KEY_ID_LEN);
    return true;
}

bool cfiles_load_keys(const char *dir, cfiles_keys *k, char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    if ((k->ca = cfiles_read_key(dir, "ca", err, errlen)) &&
        (k->issuer = cfiles_read_key(dir, "issuer", err, errlen)) &&
        (k->card = cfiles_read_key(dir, "card", err, errlen)) &&
        (k->rogue = cfiles_read_key(dir, "rogue", err, errlen)) &&
        cfiles_read_id(dir, "ca", k->ca_id, err, errlen) &&
        cfiles_read_id(dir, "issuer", k->issuer_id, err, errlen))
        return true;
    cfiles_free_keys(k);
    return false;
}

void cfiles_free_keys(cfiles_keys *k)
{
    EVP_PKEY_free(k->ca);
    EVP_PKEY_free(k->issuer);
    EVP_PKEY_free(k->card);
    EVP_PKEY_free(k->rogue);
    memset(k, 0, sizeof *k);
}

/* ---- crypto helpers ------------------------------------------------------- */

static bool cfiles_sha256(const uint8_t *p, size_t n, uint8_t out[CFILES_SHA256_LEN])
{
    unsigned int len = 0;
    return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 && len == CFILES_SHA256_LEN;
}

/* RSA PKCS#1 v1.5 with SHA-256 over p[0..n), as the card's issuer signs. */
static bool cfiles_sign(EVP_PKEY *key, const uint8_t *p, size_t n, uint8_t sig[CFILES_RSA_LEN])
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    size_t siglen = CFILES_RSA_LEN;
    bool ok = mctx &&
              EVP_DigestSignInit(mctx, &pctx, EVP_sha256(), NULL, key) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_DigestSign(mctx, sig, &siglen, p, n) == 1 &&
              siglen == CFILES_RSA_LEN;
    EVP_MD_CTX_free(mctx); /* also frees pctx, which it owns */
    return ok;
}

/* The public modulus, big-endian, left-padded to 256 bytes. */
static bool cfiles_modulus(const EVP_PKEY *key, uint8_t out[CFILES_RSA_LEN])
{
    BIGNUM *n = NULL;
    bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
              BN_bn2binpad(n, out, CFILES_RSA_LEN) == CFILES_RSA_LEN;
    BN_free(n);
    return ok;
}

/* The public exponent, minimal big-endian (01 00 01 for 65537). */
static bool cfiles_exponent(const EVP_PKEY *key, uint8_t out[8], size_t *len)
{
    BIGNUM *e = NULL;
    bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e) == 1 &&
              BN_num_bytes(e) >= 1 && BN_num_bytes(e) <= 8;
    if (ok)
        *len = (size_t)BN_bn2bin(e, out);
    BN_free(e);
    return ok;
}

/* ---- TLV helpers ---------------------------------------------------------- */

/* The card writes short lengths up to 7F and 82 HH LL beyond (never 81), or
 * 82 HH LL always where `force` asks for it. */
static bool cfiles_long(size_t len, bool force) { return force || len > 0x7F; }

static size_t cfiles_obj_size(size_t value_len, bool force)
{
    return 2 + (cfiles_long(value_len, force) ? 3 : 1) + value_len; /* 2-byte tags only */
}

static void cfiles_add_hdr(kofu_bld *b, uint32_t tag, size_t len, bool force)
{
    bld_add_ber_tag(b, tag);
    bld_add_ber_len(b, len, cfiles_long(len, force));
}

static void cfiles_add_obj(kofu_bld *b, uint32_t tag, const void *v, size_t len, bool force)
{
    bld_add_ber(b, tag, v, len, cfiles_long(len, force));
}

/* 90 <e> 91 82 01 00 <n>: the card's RSA public key object content. */
static bool cfiles_add_rsa_pub(kofu_bld *b, const EVP_PKEY *key)
{
    uint8_t e[8], n[CFILES_RSA_LEN];
    size_t elen = 0;
    if (!cfiles_exponent(key, e, &elen) || !cfiles_modulus(key, n))
        return false;
    bld_add_ber(b, 0x90, e, elen, false);
    bld_add_ber(b, 0x91, n, sizeof n, true);
    return true;
}

static size_t cfiles_rsa_pub_size(const EVP_PKEY *key)
{
    uint8_t e[8];
    size_t elen = 0;
    if (!cfiles_exponent(key, e, &elen))
        return 0;
    return 2 + elen + 4 + CFILES_RSA_LEN;
}

static bool cfiles_finish(cfiles_ef *ef, const kofu_bld *b)
{
    if (!bld_ok(b))
        return false;
    ef->len = b->len;
    return true;
}

/* ---- the EFs -------------------------------------------------------------- */

/* 0001: FF 10 0C <12 digits> FF FF — the filler is part of the hashed file. */
static bool cfiles_build_0001(cfiles_ef *ef, const resident *r, bool force)
{
    static const uint8_t filler[2] = {0xFF, 0xFF};
    kofu_bld b;
    bld_init(&b, ef->data, sizeof ef->data);
    cfiles_add_obj(&b, 0xFF10, r->my_number, sizeof r->my_number, force);
    bld_add_bytes(&b, filler, sizeof filler);
    return cfiles_finish(ef, &b);
}

/* 0002: FF20 { DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex }.
 * The DF21 table holds the absolute file offsets of DF22..DF25, so every
 * object size is worked out before writing. [*hs, *he) is what DF32 hashes:
 * from the DF22 object to the end of FF20. */
static bool cfiles_build_0002(cfiles_ef *ef, const resident *r, bool force, size_t *hs, size_t *he)
{
    size_t sz[5] = {
        cfiles_obj_size(8, force),
        cfiles_obj_size(r->name_len, force),
        cfiles_obj_size(r->address_len, force),
        cfiles_obj_size(sizeof r->birth_date, force),
        cfiles_obj_size(1, force),
    };
    size_t content = sz[0] + sz[1] + sz[2] + sz[3] + sz[4];
    size_t hdr = 2 + (cfiles_long(content, force) ? 3 : 1);
    size_t off = hdr + sz[0];
    kofu_bld b;
    bld_init(&b, ef->data, sizeof ef->data);
    cfiles_add_hdr(&b, 0xFF20, content, force);
    cfiles_add_hdr(&b, 0xDF21, 8, force);
    for (int i = 1; i <= 4; i++) {
        bld_add_u16(&b, (uint16_t)off);
        off += sz[i];
    }
    cfiles_add_obj(&b, 0xDF22, r->name, r->name_len, force);
    cfiles_add_obj(&b, 0xDF23, r->address, r->address_len, force);
    cfiles_add_obj(&b, 0xDF24, r->birth_date, sizeof r->birth_date, force);
    cfiles_add_obj(&b, 0xDF25, &r->sex, 1, force);
    *hs = hdr + sz[0];
    *he = hdr + content;
    return cfiles_finish(ef, &b) && ef->len == *he;
}

/* 0003: FF30 { DF31 h(0001), DF32 h(0002 part), DF33 sig over DF31‖DF32 }. */
static bool cfiles_build_0003(cfiles_ef *ef, const uint8_t h1[CFILES_SHA256_LEN],
                              const uint8_t h2[CFILES_SHA256_LEN], EVP_PKEY *issuer)
{
    uint8_t signed_part[2 * (3 + CFILES_SHA256_LEN)];
    uint8_t sig[CFILES_RSA_LEN];
    kofu_bld s;
    bld_init(&s, signed_part, sizeof signed_part);
    bld_add_ber(&s, 0xDF31, h1, CFILES_SHA256_LEN, false);
    bld_add_ber(&s, 0xDF32, h2, CFILES_SHA256_LEN, false);
    if (!bld_ok(&s) || s.len != sizeof signed_part ||
        !cfiles_sign(issuer, signed_part, s.len, sig))
        return false;
    kofu_bld b;
    bld_init(&b, ef->data, sizeof ef->data);
    cfiles_add_hdr(&b, 0xFF30, s.len + cfiles_obj_size(sizeof sig, true), true);
    bld_add_bytes(&b, signed_part, s.len);
    bld_add_ber(&b, 0xDF33, sig, sizeof sig, true);
    return cfiles_finish(ef, &b);
}

/* 0004: 7F21 { 5F4E body = ca id ‖ issuer id ‖ issuer public key, 5F37 sig }. */
static bool cfiles_build_0004(cfiles_ef *ef, const cfiles_keys *k, bool forged)
{
    uint8_t body[2 * CFILES_KEY_ID_LEN + 8 + 4 + CFILES_RSA_LEN];
    uint8_t sig[CFILES_RSA_LEN];
    kofu_bld bb;
    bld_init(&bb, body, sizeof body);
    bld_add_bytes(&bb, k->ca_id, sizeof k->ca_id);
    bld_add_bytes(&bb, k->issuer_id, sizeof k->issuer_id);
    if (!cfiles_add_rsa_pub(&bb, k->issuer) || !bld_ok(&bb) ||
        !cfiles_sign(forged ? k->rogue : k->ca, body, bb.len, sig))
        return false;
    kofu_bld b;
    bld_init(&b, ef->data, sizeof ef->data);
    cfiles_add_hdr(&b, 0x7F21, cfiles_obj_size(bb.len, true) + cfiles_obj_size(sizeof sig, true), true);
    bld_add_ber(&b, 0x5F4E, body, bb.len, true);
    bld_add_ber(&b, 0x5F37, sig, sizeof sig, true);
    return cfiles_finish(ef, &b);
}

/* 0005: FF40 { DF41 version info, DF42 key id, DF43 32 bytes + 96 × FF }. */
static bool cfiles_build_0005(cfiles_ef *ef, const cfiles_keys *k)
{
    static const uint8_t info[4] = {0x01, 0x03, 0x0E, 0x01}; /* as on the cards seen */
    uint8_t df43[128];
    /* Purpose of the first 32 bytes is unknown; a fixed pattern keeps the file
     * reproducible between runs. */
    for (size_t i = 0; i < 32; i++)
        df43[i] = (uint8_t)(0xA0 + i);
    memset(df43 + 32, 0xFF, sizeof df43 - 32);
    kofu_bld b;
    bld_init(&b, ef->data, sizeof ef->data);
    cfiles_add_hdr(&b, 0xFF40,
                   cfiles_obj_size(sizeof info, false) + cfiles_obj_size(sizeof k->issuer_id, false) +
                       cfiles_obj_size(sizeof df43, true),
                   true);
    bld_add_ber(&b, 0xDF41, info, sizeof info, false);
    bld_add_ber(&b, 0xDF42, k->issuer_id, sizeof k->issuer_id, false);
    bld_add_ber(&b, 0xDF43, df43, sizeof df43, true);
    return cfiles_finish(ef, &b);
}

/* 0007: FF50 { DF51 card public key, DF52 issuer sig over the DF51 object }. */
static bool cfiles_build_0007(cfiles_ef *ef, const cfiles_keys *k)
{
    uint8_t df51[8 + 8 + 4 + CFILES_RSA_LEN];
    uint8_t sig[CFILES_RSA_LEN];
    size_t pub = cfiles_rsa_pub_size(k->card);
    kofu_bld d;
    bld_init(&d, df51, sizeof df51);
    cfiles_add_hdr(&d, 0xDF51, pub, true);
    if (pub == 0 || !cfiles_add_rsa_pub(&d, k->card) || !bld_ok(&d) ||
        !cfiles_sign(k->issuer, df51, d.len, sig))
        return false;
    kofu_bld b;
    bld_init(&b, ef->data, sizeof ef->data);
    cfiles_add_hdr(&b, 0xFF50, d.len + cfiles_obj_size(sizeof sig, true), true);
    bld_add_bytes(&b, df51, d.len);
    bld_add_ber(&b, 0xDF52, sig, sizeof sig, true);
    return cfiles_finish(ef, &b);
}

/* bad-hash: change the sex byte (the last byte of FF20) after hashing, to a
 * different but still plausible code, so only the DF32 comparison fails. */
static void cfiles_tamper_0002(cfiles_ef *ef)
{
    uint8_t *sex = &ef->data[ef->len - 1];
    *sex = *sex == '1' ? '2' : '1';
}

bool cfiles_build(cfiles_set *out, const resident *r, const cfiles_keys *k,
                  const cfiles_opts *o, char *err, size_t errlen)
{
    uint8_t h1[CFILES_SHA256_LEN], h2[CFILES_SHA256_LEN];
    size_t hs = 0, he = 0;
    if (!cfiles_build_0001(&out->ef0001, r, o->long_form) ||
        !cfiles_build_0002(&out->ef0002, r, o->long_form, &hs, &he)) {
        snprintf(err, errlen, "resident too large for EF 0001/0002");
        return false;
    }
    if (!cfiles_sha256(out->ef0001.data, out->ef0001.len, h1) ||
        !cfiles_sha256(out->ef0002.data + hs, he - hs, h2)) {
        snprintf(err, errlen, "SHA-256 failed");
        return false;
    }
    if (o->bad_hash)
        cfiles_tamper_0002(&out->ef0002);
    if (!cfiles_build_0003(&out->ef0003, h1, h2, k->issuer) ||
        !cfiles_build_0004(&out->ef0004, k, o->forged_cv) ||
        !cfiles_build_0005(&out->ef0005, k) ||
        !cfiles_build_0007(&out->ef0007, k)) {
        snprintf(err, errlen, "building the signed EFs failed (OpenSSL)");
        return false;
    }
    return true;
}
