/* chip.c — see chip.h. Section numbers refer to ICAO Doc 9303 Part 11. */
#include "chip.h"

#include "base/bytes.h"
#include "chip_crypto.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SW_OK 0x9000
#define SW_EOF 0x6282
#define SW_AUTH_FAILED 0x6300
#define SW_WRONG_LENGTH 0x6700
#define SW_CHAINING 0x6884
#define SW_SM_MISSING 0x6987
#define SW_SM_BAD 0x6988
#define SW_SECURITY 0x6982
#define SW_CONDITIONS 0x6985
#define SW_NO_EF 0x6986
#define SW_BAD_DATA 0x6A80
#define SW_NOT_FOUND 0x6A82
#define SW_BAD_P1P2 0x6A86
#define SW_WRONG_OFFSET 0x6B00
#define SW_INS 0x6D00
#define SW_CLA 0x6E00

/* The largest plain READ BINARY answer whose protected form (DO87 DO99
 * DO8E) still fits a short response of 256 bytes: 231 under 3DES (232
 * padded), 223 under AES (224 padded). */
#define READ_MAX_3DES 231
#define READ_MAX_AES 223

static const uint8_t emrtd_aid[7] = {0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01};
/* id-PACE-ECDH-GM-AES-CBC-CMAC-128, 0.4.0.127.0.7.2.2.4.2.2 (the value bytes) */
static const uint8_t pace_oid[10] = {0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02};
#define PACE_PARAM_ID 13 /* brainpoolP256r1 */

typedef struct {
    uint8_t cla, ins, p1, p2;
    const uint8_t *data;
    size_t lc;
    size_t le; /* 0 = no Le; 256 for 00 */
} capdu;

typedef struct {
    uint8_t data[256];
    size_t n;
    uint16_t sw;
} rapdu;

/* ---- faults ---------------------------------------------------------------- */

void chip_faults_init(chip_faults *f)
{
    memset(f, 0, sizeof *f);
    f->remove_after = -1;
}

static bool chip_number(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

bool chip_fault_parse(chip_faults *f, const char *spec, char *err, size_t errlen)
{
    chip_faults n = *f;
    const char *eq = strchr(spec, '=');
    size_t name_len = eq ? (size_t)(eq - spec) : strlen(spec);
    long v = 0;
#define IS(name) (name_len == sizeof name - 1 && strncmp(spec, name, name_len) == 0)
    if (IS("clear") && !eq)
        chip_faults_init(&n);
    else if (IS("wrong-keys") && !eq)
        n.wrong_keys = true;
    else if (IS("tampered-dg1") && !eq)
        n.tampered_dg1 = true;
    else if (IS("bad-sod-signature") && !eq)
        n.bad_sod_signature = true;
    else if (IS("other-csca") && !eq)
        n.other_csca = true;
    else if (IS("expired-ds") && !eq)
        n.expired_ds = true;
    else if (IS("pace-only") && !eq)
        n.pace_only = true;
    else if (IS("mute") && !eq)
        n.mute = true;
    else if (IS("bad-mac")) {
        if (eq && !chip_number(eq + 1, 1, 1000000, &v)) {
            snprintf(err, errlen, "bad number in fault %.40s (bad-mac=1..1000000)", spec);
            return false;
        }
        n.bad_mac = eq ? (unsigned)v : 1;
    } else if (IS("short-reads") && eq) {
        if (!chip_number(eq + 1, 1, 256, &v)) {
            snprintf(err, errlen, "bad number in fault %.40s (short-reads=1..256)", spec);
            return false;
        }
        n.short_reads = (unsigned)v;
    } else if (IS("remove-after") && eq) {
        if (!chip_number(eq + 1, 0, 1000000, &v)) {
            snprintf(err, errlen, "bad number in fault %.40s (remove-after=0..1000000)", spec);
            return false;
        }
        n.remove_after = v;
    } else {
        snprintf(err, errlen,
                 "unknown fault %.40s (wrong-keys, bad-mac[=N], tampered-dg1, bad-sod-signature, other-csca, "
                 "expired-ds, short-reads=N, pace-only, mute, remove-after=N, clear)",
                 spec);
        return false;
    }
#undef IS
    *f = n;
    return true;
}

const char *chip_faults_signer(const chip_faults *f)
{
    return f->other_csca ? "ds-rogue" : f->expired_ds ? "ds-expired" : NULL;
}

/* ---- set-up ---------------------------------------------------------------- */

static void chip_rand(void *arg, uint8_t *out, size_t n)
{
    (void)arg;
    if (RAND_bytes(out, (int)n) != 1)
        abort(); /* a test chip without randomness must not pretend */
}

/* K_enc, K_mac (§9.7.1, BAC) and K_π (§9.7.3, PACE with the MRZ) from the
 * holder's MRZ_info, or from another document number's (wrong-keys). */
static void chip_derive_keys(chip *c)
{
    char docno[10], info[HOLDER_MRZ_INFO_LEN + 1];
    uint8_t k[SHA_DIGEST_LENGTH];
    memcpy(docno, c->h.document_number, sizeof docno);
    if (c->faults.wrong_keys)
        docno[0] = docno[0] == 'X' ? 'Y' : 'X';
    holder_mrz_info(&c->h, docno, info);
    SHA1((const uint8_t *)info, HOLDER_MRZ_INFO_LEN, k);
    cc_kdf16(k, 16, 1, c->k_enc);
    cc_kdf16(k, 16, 2, c->k_mac);
    cc_kdf16(k, sizeof k, 3, c->k_pi);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(info, sizeof info);
}

static void chip_end_session(chip *c)
{
    c->sm = CHIP_SM_NONE;
    OPENSSL_cleanse(c->ks_enc, sizeof c->ks_enc);
    OPENSSL_cleanse(c->ks_mac, sizeof c->ks_mac);
    OPENSSL_cleanse(c->ssc, sizeof c->ssc);
}

static void chip_pace_reset(chip *c)
{
    c->pace_step = 0;
    OPENSSL_cleanse(c->nonce, sizeof c->nonce);
}

void chip_init(chip *c, const holder *h, const pf_set *files, bool pace, const chip_faults *f)
{
    memset(c, 0, sizeof *c);
    c->h = *h;
    c->files = *files;
    c->pace = pace;
    c->faults = *f;
    c->rng = chip_rand;
    c->access = "none";
    chip_derive_keys(c);
}

void chip_set_faults(chip *c, const chip_faults *f)
{
    c->faults = *f;
    chip_derive_keys(c);
}

void chip_set_files(chip *c, const pf_set *files) { c->files = *files; }

void chip_set_rng(chip *c, chip_rng_fn fn, void *arg)
{
    c->rng = fn ? fn : chip_rand;
    c->rng_arg = arg;
}

void chip_power(chip *c, chip_power_event ev)
{
    c->powered = ev != CHIP_POWER_OFF;
    c->in_app = false;
    c->ef = 0;
    c->challenge = false;
    c->protected_responses = 0;
    chip_pace_reset(c);
    chip_end_session(c);
}

void chip_wipe(chip *c) { OPENSSL_cleanse(c, sizeof *c); }

/* ---- files ----------------------------------------------------------------- */

/* The EF with file id fid in the current DF, or NULL. */
static const pf_ef *chip_ef(const chip *c, uint16_t fid)
{
    if (!c->in_app)
        return fid == 0x011C && c->pace ? &c->files.card_access : NULL;
    switch (fid) {
    case 0x011E: return &c->files.com;
    case 0x0101: return &c->files.dg1;
    case 0x0102: return &c->files.dg2;
    case 0x011D: return &c->files.sod;
    default: return NULL;
    }
}

static uint16_t chip_sfi_fid(const chip *c, uint8_t sfi)
{
    if (!c->in_app)
        return sfi == 0x1C ? 0x011C : 0;
    switch (sfi) {
    case 0x1E: return 0x011E;
    case 0x01: return 0x0101;
    case 0x02: return 0x0102;
    case 0x1D: return 0x011D;
    default: return 0;
    }
}

static void chip_select(chip *c, const capdu *a, rapdu *r)
{
    if (a->p2 != 0x0C && a->p2 != 0x00) {
        r->sw = SW_BAD_P1P2;
        return;
    }
    if (a->p1 == 0x04) { /* by DF name */
        if (a->lc == sizeof emrtd_aid && memcmp(a->data, emrtd_aid, sizeof emrtd_aid) == 0) {
            c->in_app = true;
            c->ef = 0;
            r->sw = SW_OK;
        } else {
            r->sw = SW_NOT_FOUND;
        }
        return;
    }
    if (a->p1 != 0x00 && a->p1 != 0x02) {
        r->sw = SW_BAD_P1P2;
        return;
    }
    if (a->p1 == 0x00 && (a->lc == 0 || (a->lc == 2 && a->data[0] == 0x3F && a->data[1] == 0x00))) {
        c->in_app = false; /* the MF */
        c->ef = 0;
        r->sw = SW_OK;
        return;
    }
    if (a->lc != 2) {
        r->sw = SW_WRONG_LENGTH;
        return;
    }
    uint16_t fid = (uint16_t)(a->data[0] << 8 | a->data[1]);
    if (!chip_ef(c, fid)) {
        r->sw = SW_NOT_FOUND;
        return;
    }
    c->ef = fid;
    r->sw = SW_OK;
}

static void chip_read(chip *c, const capdu *a, bool prot, rapdu *r)
{
    size_t off;
    if (a->lc || !a->le) {
        r->sw = SW_WRONG_LENGTH;
        return;
    }
    if (a->p1 & 0x80) { /* short EF identifier: P1 = 80 | SFI, offset P2 */
        if (a->p1 & 0x60) {
            r->sw = SW_BAD_P1P2;
            return;
        }
        uint16_t fid = chip_sfi_fid(c, a->p1 & 0x1F);
        if (!fid || !chip_ef(c, fid)) {
            r->sw = SW_NOT_FOUND;
            return;
        }
        c->ef = fid;
        off = a->p2;
    } else {
        off = (size_t)a->p1 << 8 | a->p2;
    }
    const pf_ef *ef = c->ef ? chip_ef(c, c->ef) : NULL;
    if (!ef) {
        r->sw = SW_NO_EF;
        return;
    }
    if (c->in_app && !prot) { /* everything in the application needs BAC or PACE */
        r->sw = SW_SECURITY;
        return;
    }
    if (off >= ef->len) {
        r->sw = SW_WRONG_OFFSET;
        return;
    }
    size_t rest = ef->len - off, n = a->le < rest ? a->le : rest;
    size_t cap = c->sm == CHIP_SM_AES ? READ_MAX_AES : c->sm == CHIP_SM_3DES ? READ_MAX_3DES : 256;
    if (n > cap)
        n = cap;
    if (c->faults.short_reads && n > c->faults.short_reads)
        n = c->faults.short_reads;
    memcpy(r->data, ef->data + off, n);
    r->n = n;
    /* End of file reached before an explicit Le (not 00, which asks for
     * "all, up to 256"): the data and the 62 82 warning. */
    r->sw = a->le > rest && a->le != 256 && n == rest ? SW_EOF : SW_OK;
}

/* ---- BAC (§4.3) -------------------------------------------------------------- */

static void chip_get_challenge(chip *c, const capdu *a, rapdu *r)
{
    if (c->faults.pace_only) {
        r->sw = SW_INS;
        return;
    }
    if (a->lc || a->le != 8) {
        r->sw = SW_WRONG_LENGTH;
        return;
    }
    c->rng(c->rng_arg, c->rnd_ic, 8);
    c->challenge = true;
    memcpy(r->data, c->rnd_ic, 8);
    r->n = 8;
    r->sw = SW_OK;
}

static void chip_mutual_auth(chip *c, const capdu *a, rapdu *r)
{
    uint8_t buf[48], s[32], mac[8], resp[32], k_ic[16], seed[16];
    if (c->faults.pace_only) {
        r->sw = SW_INS;
        return;
    }
    if (!c->challenge) {
        r->sw = SW_CONDITIONS;
        return;
    }
    c->challenge = false; /* one try per challenge */
    if (a->lc != 40) {
        r->sw = SW_WRONG_LENGTH;
        return;
    }
    /* The MAC first, over pad(E_IFD); then decrypt and check RND.IC. */
    memcpy(buf, a->data, 32);
    cc_retail_mac(c->k_mac, buf, cc_pad(buf, 32, 8), mac);
    if (CRYPTO_memcmp(mac, a->data + 32, 8) != 0) {
        r->sw = SW_AUTH_FAILED;
        return;
    }
    cc_3des_cbc(c->k_enc, a->data, s, 32, false);
    if (CRYPTO_memcmp(s + 8, c->rnd_ic, 8) != 0) {
        OPENSSL_cleanse(s, sizeof s);
        r->sw = SW_AUTH_FAILED;
        return;
    }
    c->rng(c->rng_arg, k_ic, 16);
    memcpy(resp, c->rnd_ic, 8); /* R = RND.IC || RND.IFD || K.IC */
    memcpy(resp + 8, s, 8);
    memcpy(resp + 16, k_ic, 16);
    cc_3des_cbc(c->k_enc, resp, r->data, 32, true);
    memcpy(buf, r->data, 32);
    cc_retail_mac(c->k_mac, buf, cc_pad(buf, 32, 8), r->data + 32);
    r->n = 40;
    r->sw = SW_OK;
    /* Session keys from K.IFD xor K.IC; SSC = RND.IC[4..8] || RND.IFD[4..8]. */
    for (int i = 0; i < 16; i++)
        seed[i] = s[16 + i] ^ k_ic[i];
    cc_kdf16(seed, 16, 1, c->ks_enc);
    cc_kdf16(seed, 16, 2, c->ks_mac);
    memset(c->ssc, 0, sizeof c->ssc);
    memcpy(c->ssc, c->rnd_ic + 4, 4);
    memcpy(c->ssc + 4, s + 4, 4);
    c->sm = CHIP_SM_3DES;
    c->access = "BAC";
    c->protected_responses = 0;
    OPENSSL_cleanse(s, sizeof s);
    OPENSSL_cleanse(resp, sizeof resp);
    OPENSSL_cleanse(k_ic, sizeof k_ic);
    OPENSSL_cleanse(seed, sizeof seed);
}

/* ---- PACE (§4.4, generic mapping over ECDH) ---------------------------------- */

/* A private key 0 < k < order from the chip's randomness. */
static bool chip_scalar(chip *c, const EC_GROUP *g, BIGNUM *k)
{
    uint8_t b[32];
    for (int tries = 0; tries < 64; tries++) {
        c->rng(c->rng_arg, b, sizeof b);
        if (!BN_bin2bn(b, sizeof b, k))
            return false;
        if (!BN_is_zero(k) && BN_cmp(k, EC_GROUP_get0_order(g)) < 0) {
            OPENSSL_cleanse(b, sizeof b);
            return true;
        }
    }
    return false;
}

/* A point from the terminal: uncompressed, on the curve, not infinity. */
static EC_POINT *chip_point(const EC_GROUP *g, const uint8_t *p, size_t n, BN_CTX *bn)
{
    EC_POINT *pt = EC_POINT_new(g);
    if (!pt || n != 65 || p[0] != 0x04 || EC_POINT_oct2point(g, pt, p, n, bn) != 1 ||
        EC_POINT_is_at_infinity(g, pt) || EC_POINT_is_on_curve(g, pt, bn) != 1) {
        EC_POINT_free(pt);
        return NULL;
    }
    return pt;
}

static bool chip_oct(const EC_GROUP *g, const EC_POINT *pt, uint8_t out[65], BN_CTX *bn)
{
    return EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, out, 65, bn) == 65;
}

static void chip_mse(chip *c, const capdu *a, rapdu *r)
{
    kofu_cur d, v;
    uint32_t tag;
    bool oid = false, mrz = false, param_ok = true;
    chip_pace_reset(c);
    if (!c->pace) {
        r->sw = SW_INS;
        return;
    }
    if (a->p1 != 0xC1 || a->p2 != 0xA4) {
        r->sw = SW_BAD_P1P2;
        return;
    }
    cur_init(&d, a->data, a->lc);
    while (cur_len(&d)) {
        if (!cur_get_ber(&d, &tag, &v)) {
            r->sw = SW_BAD_DATA;
            return;
        }
        if (tag == 0x80)
            oid = cur_equals(&v, pace_oid, sizeof pace_oid);
        else if (tag == 0x83)
            mrz = cur_equals(&v, (const uint8_t[]){0x01}, 1);
        else if (tag == 0x84)
            param_ok = cur_equals(&v, (const uint8_t[]){PACE_PARAM_ID}, 1);
    }
    if (!oid || !mrz || !param_ok) {
        r->sw = SW_BAD_DATA;
        return;
    }
    c->pace_step = 1;
    r->sw = SW_OK;
}

/* Step 1: the encrypted nonce z = E(K_π, s). */
static bool chip_ga_nonce(chip *c, rapdu *r)
{
    uint8_t z[16];
    c->rng(c->rng_arg, c->nonce, sizeof c->nonce);
    if (!cc_aes_cbc(c->k_pi, NULL, c->nonce, z, 16, true))
        return false;
    kofu_bld b, in;
    uint8_t inner[18];
    bld_init(&in, inner, sizeof inner);
    bld_add_ber(&in, 0x80, z, 16, false);
    bld_init(&b, r->data, sizeof r->data);
    bld_add_ber(&b, 0x7C, inner, in.len, false);
    r->n = b.len;
    return bld_ok(&b);
}

/* Step 2: PK_map,IC = SK·G; H = SK·PK_map,IFD; G~ = s·G + H. */
static bool chip_ga_map(chip *c, const kofu_cur *pk, rapdu *r, EC_GROUP *g, BN_CTX *bn)
{
    EC_POINT *ifd = chip_point(g, cur_data(pk), cur_len(pk), bn);
    EC_POINT *mine = EC_POINT_new(g), *h = EC_POINT_new(g), *gm = EC_POINT_new(g);
    BIGNUM *sk = BN_secure_new(), *s = BN_bin2bn(c->nonce, sizeof c->nonce, NULL), *one = BN_new();
    uint8_t out[65], inner[80];
    bool ok = ifd && mine && h && gm && sk && s && one && BN_one(one) && chip_scalar(c, g, sk) &&
              EC_POINT_mul(g, mine, sk, NULL, NULL, bn) == 1 && EC_POINT_mul(g, h, NULL, ifd, sk, bn) == 1 &&
              !EC_POINT_is_at_infinity(g, h) && EC_POINT_mul(g, gm, s, h, one, bn) == 1 &&
              !EC_POINT_is_at_infinity(g, gm) && chip_oct(g, gm, c->g_mapped, bn) && chip_oct(g, mine, out, bn);
    if (ok) {
        kofu_bld b, in;
        bld_init(&in, inner, sizeof inner);
        bld_add_ber(&in, 0x82, out, 65, false);
        bld_init(&b, r->data, sizeof r->data);
        bld_add_ber(&b, 0x7C, inner, in.len, false);
        r->n = b.len;
        ok = bld_ok(&b);
    }
    EC_POINT_free(ifd);
    EC_POINT_free(mine);
    EC_POINT_clear_free(h);
    EC_POINT_clear_free(gm);
    BN_clear_free(sk);
    BN_clear_free(s);
    BN_free(one);
    return ok;
}

/* Step 3: PK_IC = SK_IC·G~; K = x(SK_IC·PK_IFD); KS_enc/KS_mac = KDF(K, 1/2). */
static bool chip_ga_agree(chip *c, const kofu_cur *pk, rapdu *r, EC_GROUP *g, BN_CTX *bn)
{
    EC_POINT *ifd = chip_point(g, cur_data(pk), cur_len(pk), bn);
    EC_POINT *gm = EC_POINT_new(g), *mine = EC_POINT_new(g), *k = EC_POINT_new(g);
    BIGNUM *sk = BN_secure_new(), *x = BN_new();
    uint8_t kx[32], inner[80];
    bool ok = ifd && gm && mine && k && sk && x &&
              EC_POINT_oct2point(g, gm, c->g_mapped, sizeof c->g_mapped, bn) == 1 && chip_scalar(c, g, sk) &&
              EC_POINT_mul(g, mine, NULL, gm, sk, bn) == 1 && chip_oct(g, mine, c->pk_ic, bn) &&
              CRYPTO_memcmp(c->pk_ic, cur_data(pk), 65) != 0 && EC_POINT_mul(g, k, NULL, ifd, sk, bn) == 1 &&
              !EC_POINT_is_at_infinity(g, k) && EC_POINT_get_affine_coordinates(g, k, x, NULL, bn) == 1 &&
              BN_bn2binpad(x, kx, sizeof kx) == sizeof kx;
    if (ok) {
        memcpy(c->pk_ifd, cur_data(pk), 65);
        cc_kdf16(kx, sizeof kx, 1, c->ks_enc);
        cc_kdf16(kx, sizeof kx, 2, c->ks_mac);
        kofu_bld b, in;
        bld_init(&in, inner, sizeof inner);
        bld_add_ber(&in, 0x84, c->pk_ic, 65, false);
        bld_init(&b, r->data, sizeof r->data);
        bld_add_ber(&b, 0x7C, inner, in.len, false);
        r->n = b.len;
        ok = bld_ok(&b);
    }
    OPENSSL_cleanse(kx, sizeof kx);
    EC_POINT_free(ifd);
    EC_POINT_free(gm);
    EC_POINT_free(mine);
    EC_POINT_clear_free(k);
    BN_clear_free(sk);
    BN_clear_free(x);
    return ok;
}

/* The authentication token: CMAC(KS_mac, 7F49 { 06 OID, 86 point })[0..8]. */
static bool chip_token(const chip *c, const uint8_t point[65], uint8_t out[8])
{
    uint8_t inner[100], buf[110];
    kofu_bld in, b;
    bld_init(&in, inner, sizeof inner);
    bld_add_ber(&in, 0x06, pace_oid, sizeof pace_oid, false);
    bld_add_ber(&in, 0x86, point, 65, false);
    bld_init(&b, buf, sizeof buf);
    bld_add_ber(&b, 0x7F49, inner, in.len, false);
    return bld_ok(&b) && cc_cmac8(c->ks_mac, buf, b.len, out);
}

/* Step 4: check T_IFD (over PK_IC), answer T_IC (over PK_IFD), start AES SM. */
static uint16_t chip_ga_tokens(chip *c, const kofu_cur *t, rapdu *r)
{
    uint8_t want[8], mine[8], inner[10];
    if (cur_len(t) != 8 || !chip_token(c, c->pk_ic, want) || CRYPTO_memcmp(want, cur_data(t), 8) != 0 ||
        !chip_token(c, c->pk_ifd, mine))
        return SW_AUTH_FAILED;
    kofu_bld b, in;
    bld_init(&in, inner, sizeof inner);
    bld_add_ber(&in, 0x86, mine, 8, false);
    bld_init(&b, r->data, sizeof r->data);
    bld_add_ber(&b, 0x7C, inner, in.len, false);
    r->n = b.len;
    memset(c->ssc, 0, sizeof c->ssc);
    c->sm = CHIP_SM_AES;
    c->access = "PACE";
    c->protected_responses = 0;
    return SW_OK;
}

static void chip_general_auth(chip *c, const capdu *a, rapdu *r)
{
    kofu_cur d, body, v;
    uint32_t tag = 0;
    int step = c->pace_step;
    bool last = step == 4;
    if (!c->pace || step < 1) {
        r->sw = c->pace ? SW_CONDITIONS : SW_INS;
        return;
    }
    /* Steps 1-3 are chained (CLA 10); the last one is not. */
    if (a->p1 || a->p2 || (a->cla == 0x10) == last) {
        chip_pace_reset(c);
        r->sw = SW_CONDITIONS;
        return;
    }
    cur_init(&d, a->data, a->lc);
    bool ok = cur_get_ber_tag(&d, 0x7C, &body) && !cur_len(&d);
    if (ok && step == 1)
        ok = !cur_len(&body);
    else if (ok)
        ok = cur_get_ber(&body, &tag, &v) && !cur_len(&body) && tag == (uint32_t)(step == 2 ? 0x81 : step == 3 ? 0x83 : 0x85);
    if (!ok) {
        chip_pace_reset(c);
        r->sw = SW_BAD_DATA;
        return;
    }
    EC_GROUP *g = step == 2 || step == 3 ? EC_GROUP_new_by_curve_name(NID_brainpoolP256r1) : NULL;
    BN_CTX *bn = g ? BN_CTX_new() : NULL;
    uint16_t sw = SW_OK;
    if (step == 1)
        sw = chip_ga_nonce(c, r) ? SW_OK : SW_BAD_DATA;
    else if (step == 2)
        sw = g && bn && chip_ga_map(c, &v, r, g, bn) ? SW_OK : SW_BAD_DATA;
    else if (step == 3)
        sw = g && bn && chip_ga_agree(c, &v, r, g, bn) ? SW_OK : SW_BAD_DATA;
    else
        sw = chip_ga_tokens(c, &v, r);
    BN_CTX_free(bn);
    EC_GROUP_free(g);
    if (sw == SW_OK && step < 4) {
        c->pace_step = step + 1;
    } else {
        chip_pace_reset(c);
        if (sw != SW_OK)
            r->n = 0;
    }
    r->sw = sw;
}

/* ---- dispatch ---------------------------------------------------------------- */

static void chip_exec(chip *c, const capdu *a, bool prot, rapdu *r)
{
    r->n = 0;
    if (a->cla == 0x10 && a->ins != 0x86) {
        r->sw = SW_CHAINING;
        return;
    }
    if (a->cla != 0x00 && a->cla != 0x10) {
        r->sw = SW_CLA;
        return;
    }
    /* Authentication under secure messaging is not offered. */
    if (prot && (a->ins == 0x82 || a->ins == 0x22 || a->ins == 0x86)) {
        r->sw = SW_CONDITIONS;
        return;
    }
    switch (a->ins) {
    case 0xA4: chip_select(c, a, r); break;
    case 0xB0: chip_read(c, a, prot, r); break;
    case 0x84: chip_get_challenge(c, a, r); break;
    case 0x82: chip_mutual_auth(c, a, r); break;
    case 0x22: chip_mse(c, a, r); break;
    case 0x86: chip_general_auth(c, a, r); break;
    default: r->sw = SW_INS; break;
    }
}

/* Short APDUs only (cases 1-4). */
static bool chip_parse(const uint8_t *p, size_t n, capdu *a)
{
    memset(a, 0, sizeof *a);
    if (n < 4)
        return false;
    a->cla = p[0];
    a->ins = p[1];
    a->p1 = p[2];
    a->p2 = p[3];
    if (n == 4)
        return true;
    if (n == 5) {
        a->le = p[4] ? p[4] : 256;
        return true;
    }
    a->lc = p[4];
    if (a->lc == 0 || (n != 5 + a->lc && n != 6 + a->lc))
        return false;
    a->data = p + 5;
    if (n == 6 + a->lc)
        a->le = p[5 + a->lc] ? p[5 + a->lc] : 256;
    return true;
}

/* ---- secure messaging (§9.8) --------------------------------------------------- */

static size_t chip_block(const chip *c) { return c->sm == CHIP_SM_AES ? 16 : 8; }

static void chip_ssc_inc(chip *c)
{
    size_t n = chip_block(c);
    for (size_t i = n; i-- > 0;)
        if (++c->ssc[i])
            break;
}

static bool chip_mac(const chip *c, const uint8_t *in, size_t n, uint8_t out[8])
{
    if (c->sm == CHIP_SM_AES)
        return cc_cmac8(c->ks_mac, in, n, out);
    cc_retail_mac(c->ks_mac, in, n, out);
    return true;
}

/* Encrypts or decrypts under the session: 3DES with IV 0, AES with
 * IV = E(KS_enc, SSC). */
static bool chip_crypt(const chip *c, const uint8_t *in, uint8_t *out, size_t n, bool enc)
{
    if (c->sm == CHIP_SM_3DES) {
        cc_3des_cbc(c->ks_enc, in, out, n, enc);
        return true;
    }
    uint8_t iv[16];
    bool ok = cc_aes_block(c->ks_enc, c->ssc, iv) && cc_aes_cbc(c->ks_enc, iv, in, out, n, enc);
    OPENSSL_cleanse(iv, sizeof iv);
    return ok;
}

/* Checks and opens a protected command into *a (data in plain[]). Returns
 * 0, or the SW that ends the session (69 87 / 69 88). */
static uint16_t chip_unwrap(chip *c, const uint8_t *hdr, const uint8_t *body, size_t body_len, capdu *a,
                            uint8_t *plain)
{
    kofu_cur d, do87 = {0}, do87w = {0}, do97 = {0}, do97w = {0}, mac;
    uint32_t tag;
    size_t vlen, hlen, bs = chip_block(c);
    uint8_t n[300];
    chip_ssc_inc(c);
    cur_init(&d, body, body_len);
    if (cur_peek_ber_header(&d, &tag, &vlen, &hlen) && tag == 0x87 &&
        !cur_get_ber_tag_whole(&d, 0x87, &do87, &do87w))
        return SW_SM_BAD;
    if (cur_peek_ber_header(&d, &tag, &vlen, &hlen) && tag == 0x97 &&
        !cur_get_ber_tag_whole(&d, 0x97, &do97, &do97w))
        return SW_SM_BAD;
    if (!cur_len(&d))
        return SW_SM_MISSING;
    if (!cur_get_ber_tag(&d, 0x8E, &mac) || cur_len(&mac) != 8 || cur_len(&d))
        return SW_SM_BAD;
    /* MAC over pad(SSC || pad(header) || DO87 || DO97) */
    kofu_bld b;
    bld_init(&b, n, sizeof n - 16);
    bld_add_bytes(&b, c->ssc, bs);
    bld_add_bytes(&b, hdr, 4);
    bld_add_u8(&b, 0x80);
    for (size_t i = 5; i < bs; i++)
        bld_add_u8(&b, 0x00);
    bld_add_bytes(&b, cur_data(&do87w), cur_len(&do87w));
    bld_add_bytes(&b, cur_data(&do97w), cur_len(&do97w));
    uint8_t want[8];
    if (!bld_ok(&b) || !chip_mac(c, n, cc_pad(n, b.len, bs), want) || CRYPTO_memcmp(want, cur_data(&mac), 8) != 0)
        return SW_SM_BAD;
    memset(a, 0, sizeof *a);
    a->cla = hdr[0] & (uint8_t)~0x0C;
    a->ins = hdr[1];
    a->p1 = hdr[2];
    a->p2 = hdr[3];
    if (cur_len(&do87w)) {
        uint8_t pi;
        size_t clen = cur_len(&do87) - 1;
        if (!cur_get_u8(&do87, &pi) || pi != 0x01 || clen == 0 || clen % bs || clen > 256 ||
            !chip_crypt(c, cur_data(&do87), plain, clen, false))
            return SW_SM_BAD;
        long len = cc_unpad(plain, clen);
        if (len <= 0 || len > 255)
            return SW_SM_BAD;
        a->data = plain;
        a->lc = (size_t)len;
    }
    if (cur_len(&do97w)) {
        uint8_t le[2] = {0, 0};
        size_t ll = cur_len(&do97);
        if (ll < 1 || ll > 2 || !cur_copy(&do97, le, ll))
            return SW_SM_BAD;
        unsigned v = ll == 1 ? le[0] : (unsigned)(le[0] << 8 | le[1]);
        a->le = v ? v : 256;
        if (a->le > 256)
            a->le = 256;
    }
    return 0;
}

/* Protects the answer r: [DO87] DO99 DO8E, then SW1 SW2. */
static bool chip_wrap(chip *c, const rapdu *r, uint8_t *out, size_t cap, size_t *len)
{
    uint8_t pad[272], enc[272], n[320], cc[8];
    size_t bs = chip_block(c);
    kofu_bld b, m;
    chip_ssc_inc(c);
    bld_init(&b, out, cap);
    if (r->n) {
        memcpy(pad, r->data, r->n);
        size_t pl = cc_pad(pad, r->n, bs);
        enc[0] = 0x01;
        if (!chip_crypt(c, pad, enc + 1, pl, true))
            return false;
        bld_add_ber(&b, 0x87, enc, pl + 1, false);
    }
    bld_add_bytes(&b, (const uint8_t[]){0x99, 0x02, (uint8_t)(r->sw >> 8), (uint8_t)r->sw}, 4);
    bld_init(&m, n, sizeof n - 16);
    bld_add_bytes(&m, c->ssc, bs);
    bld_add_bytes(&m, out, b.len);
    if (!bld_ok(&b) || !bld_ok(&m) || !chip_mac(c, n, cc_pad(n, m.len, bs), cc))
        return false;
    if (c->faults.bad_mac && ++c->protected_responses == c->faults.bad_mac)
        cc[7] ^= 0x01;
    bld_add_ber(&b, 0x8E, cc, 8, false);
    bld_add_u16(&b, r->sw);
    *len = b.len;
    OPENSSL_cleanse(pad, sizeof pad);
    return bld_ok(&b);
}

static void chip_sw(uint8_t *out, size_t *len, uint16_t sw)
{
    out[0] = (uint8_t)(sw >> 8);
    out[1] = (uint8_t)sw;
    *len = 2;
}

void chip_process_apdu(chip *c, const uint8_t *p, size_t n, uint8_t *out, size_t *len)
{
    capdu a;
    rapdu r = {0};
    uint8_t plain[272];
    size_t cap = *len;
    if (!chip_parse(p, n, &a)) {
        chip_sw(out, len, SW_WRONG_LENGTH);
        return;
    }
    if ((a.cla & 0x0C) == 0x0C) {
        uint16_t sw = c->sm == CHIP_SM_NONE ? SW_SM_BAD : chip_unwrap(c, p, a.data, a.lc, &a, plain);
        if (sw) {
            chip_end_session(c);
            chip_sw(out, len, sw);
            return;
        }
        chip_exec(c, &a, true, &r);
        if (!chip_wrap(c, &r, out, cap, len)) {
            chip_end_session(c);
            chip_sw(out, len, 0x6F00);
        }
        OPENSSL_cleanse(plain, sizeof plain);
        return;
    }
    if (c->sm != CHIP_SM_NONE)
        chip_end_session(c); /* a plain command ends secure messaging */
    chip_exec(c, &a, false, &r);
    if (r.n + 2 > cap) {
        chip_sw(out, len, 0x6F00);
        return;
    }
    memcpy(out, r.data, r.n);
    out[r.n] = (uint8_t)(r.sw >> 8);
    out[r.n + 1] = (uint8_t)r.sw;
    *len = r.n + 2;
}
