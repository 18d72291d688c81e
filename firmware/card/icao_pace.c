/* icao_pace.c — see icao_pace.h. */
#include "card/icao_pace.h"

#include "base/bytes.h"
#include "base/errors.h"
#include "base/kcrypto_sym.h"
#include "card/icao_bac.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <string.h>

/* id-PACE, 0.4.0.127.0.7.2.2.4 (part 11 §9.2): a PACEInfo's OID is this,
 * then the mapping and key agreement, then the cipher. */
static const uint8_t ID_PACE[] = {0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04};
#define PACE_OID_LEN (sizeof ID_PACE + 2)
#define PACE_ECDH_GM 0x02
#define PACE_AES128 0x02
#define PACE_AES256 0x04
#define PACE_VERSION 2

#define TAG_SET 0x31u
#define TAG_SEQ 0x30u
#define TAG_INT 0x02u
#define TAG_OID 0x06u
#define TAG_DYN 0x7Cu    /* dynamic authentication data */
#define TAG_PUBKEY 0x7F49u

/* The standardized domain parameters of part 11 §9.5.1, by parameterId
 * (0..2 are MODP groups: not spoken). */
#define PARAM_MIN 8
#define PARAM_MAX 18
static const int PARAM_NID[PARAM_MAX + 1] = {
    [8] = NID_X9_62_prime192v1, [9] = NID_brainpoolP192r1,  [10] = NID_secp224r1,
    [11] = NID_brainpoolP224r1, [12] = NID_X9_62_prime256v1, [13] = NID_brainpoolP256r1,
    [14] = NID_brainpoolP320r1, [15] = NID_secp384r1,        [16] = NID_brainpoolP384r1,
    [17] = NID_brainpoolP512r1, [18] = NID_secp521r1,
};

static bool curve_known(int nid)
{
    for (int i = PARAM_MIN; i <= PARAM_MAX; i++)
        if (PARAM_NID[i] == nid)
            return true;
    return false;
}

static bool kdf_alg(size_t key_len, enum icao_kdf_alg *alg)
{
    switch (key_len) {
    case 16: *alg = ICAO_KDF_AES128; return true;
    case 24: *alg = ICAO_KDF_AES192; return true;
    case 32: *alg = ICAO_KDF_AES256; return true;
    default: return false;
    }
}

/* ---- EF.CardAccess ---- */

/* A DER INTEGER. *v is its value when it is non-negative and below 2^24,
 * else -1 (no version or parameterId kofu uses); false when the encoding is
 * malformed (empty, or not minimal). */
static bool der_small_int(kofu_cur *c, long *v)
{
    kofu_cur val;
    uint8_t b0, b1;
    if (!cur_get_ber_tag(c, TAG_INT, &val) || !cur_get_u8(&val, &b0))
        return false;
    kofu_cur peek = val;
    if (cur_get_u8(&peek, &b1)) {
        if ((b0 == 0x00 && !(b1 & 0x80)) || (b0 == 0xFF && (b1 & 0x80)))
            return false;
    }
    if (b0 & 0x80) {
        *v = -1;
        return true;
    }
    long x = b0;
    if (cur_len(&val) > (b0 == 0 ? 3u : 2u)) {
        *v = -1;
        return true;
    }
    while (cur_get_u8(&val, &b0))
        x = (x << 8) | b0;
    *v = x;
    return true;
}

/* One SecurityInfo ::= SEQUENCE { protocol OID, requiredData ANY,
 * optionalData ANY OPTIONAL }. A PACEInfo (an id-PACE OID of a mapping and a
 * cipher) must have its own shape: SEQUENCE { OID, version INTEGER,
 * parameterId INTEGER OPTIONAL }. */
static int security_info(kofu_cur *set, struct icao_pace_info *out, bool *found)
{
    kofu_cur seq, oid, any;
    uint32_t tag;
    if (!cur_get_ber_tag(set, TAG_SEQ, &seq) || !cur_get_ber_tag(&seq, TAG_OID, &oid) || cur_len(&oid) == 0 ||
        cur_len(&seq) == 0)
        return KOFU_E_PASSPORT_DATA;
    bool pace = cur_len(&oid) == PACE_OID_LEN && memcmp(cur_data(&oid), ID_PACE, sizeof ID_PACE) == 0;
    if (!pace) {
        size_t n = 0;
        while (cur_len(&seq) > 0 && n < 2) {
            if (!cur_get_ber(&seq, &tag, &any))
                return KOFU_E_PASSPORT_DATA;
            n++;
        }
        return cur_len(&seq) == 0 ? KOFU_OK : KOFU_E_PASSPORT_DATA;
    }
    long version, param = -1;
    if (!der_small_int(&seq, &version) || (cur_len(&seq) > 0 && !der_small_int(&seq, &param)) ||
        cur_len(&seq) > 0)
        return KOFU_E_PASSPORT_DATA;
    if (*found)
        return KOFU_OK;
    kofu_cur o = oid;
    uint8_t mapping, cipher;
    if (!cur_skip(&o, sizeof ID_PACE) || !cur_get_u8(&o, &mapping) || !cur_get_u8(&o, &cipher))
        return KOFU_E_INTERNAL;
    if (mapping != PACE_ECDH_GM || cipher < PACE_AES128 || cipher > PACE_AES256 || version != PACE_VERSION ||
        param < PARAM_MIN || param > PARAM_MAX)
        return KOFU_OK;
    memset(out, 0, sizeof *out);
    if (!cur_copy(&oid, out->oid, PACE_OID_LEN))
        return KOFU_E_INTERNAL;
    out->oid_len = PACE_OID_LEN;
    out->key_len = 16u + 8u * (size_t)(cipher - PACE_AES128);
    out->curve_nid = PARAM_NID[param];
    out->parameter_id = (int)param;
    *found = true;
    return KOFU_OK;
}

int icao_card_access_parse(const uint8_t *p, size_t n, struct icao_pace_info *out, bool *found)
{
    kofu_cur file, set;
    struct icao_pace_info pi;
    bool got = false;
    *found = false;
    cur_init(&file, p, n);
    if (!cur_get_ber_tag(&file, TAG_SET, &set) || cur_len(&file) != 0)
        return KOFU_E_PASSPORT_DATA;
    while (cur_len(&set) > 0) {
        int rc = security_info(&set, &pi, &got);
        if (rc != KOFU_OK)
            return rc;
    }
    if (got)
        *out = pi;
    *found = got;
    return KOFU_OK;
}

/* ---- the steps ---- */

bool icao_pace_decrypt_nonce(const char mrz_info[MRZ_INFO_LEN], size_t key_len, const uint8_t *z,
                             size_t z_len, uint8_t *s, size_t *s_len)
{
    enum icao_kdf_alg alg;
    uint8_t k[KCRYPTO_SHA1_LEN], k_pi[32];
    if (!kdf_alg(key_len, &alg) || !z || !s || (z_len != 16 && z_len != 32) || *s_len < z_len)
        return false;
    bool ok = kcrypto_sha1((const uint8_t *)mrz_info, MRZ_INFO_LEN, k) &&
              icao_kdf(k, sizeof k, ICAO_KDF_PACE, alg, k_pi) == key_len &&
              kcrypto_aes_cbc(k_pi, key_len, NULL, z, s, z_len, false);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(k_pi, sizeof k_pi);
    if (ok)
        *s_len = z_len;
    else
        OPENSSL_cleanse(s, *s_len);
    return ok;
}

/* The curve of a parameterId, and its field length in bytes. */
static EC_GROUP *group_new(int nid, size_t *fl)
{
    if (!curve_known(nid))
        return NULL;
    EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
    if (g)
        *fl = ((size_t)EC_GROUP_get_degree(g) + 7) / 8;
    return g;
}

/* A point the chip sent: uncompressed, on the curve, not infinity.
 * oct2point refuses a point off the curve; the checks after it say so. */
static EC_POINT *point_in(const EC_GROUP *g, size_t fl, const uint8_t *p, size_t n, BN_CTX *ctx)
{
    if (!p || n != 1 + 2 * fl || p[0] != 0x04)
        return NULL;
    EC_POINT *pt = EC_POINT_new(g);
    if (!pt || EC_POINT_oct2point(g, pt, p, n, ctx) != 1 || EC_POINT_is_at_infinity(g, pt) ||
        EC_POINT_is_on_curve(g, pt, ctx) != 1) {
        EC_POINT_free(pt);
        return NULL;
    }
    return pt;
}

static bool point_out(const EC_GROUP *g, const EC_POINT *pt, uint8_t *out, size_t *len, BN_CTX *ctx)
{
    size_t n = EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, NULL, 0, ctx);
    if (!out || n == 0 || n > *len || EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, out, n, ctx) != n)
        return false;
    *len = n;
    return true;
}

/* A private key: 0 < k < order. */
static BIGNUM *scalar_in(const uint8_t *p, size_t n, const BIGNUM *order)
{
    if (!p || n == 0 || n > ICAO_PACE_POINT_MAX)
        return NULL;
    BIGNUM *k = BN_bin2bn(p, (int)n, NULL);
    if (!k)
        return NULL;
    BN_set_flags(k, BN_FLG_CONSTTIME);
    if (BN_is_zero(k) || BN_cmp(k, order) >= 0) {
        BN_clear_free(k);
        return NULL;
    }
    return k;
}

/* sk·G on g (G being G~ on the mapped group). */
static EC_POINT *public_point(const EC_GROUP *g, const BIGNUM *sk, BN_CTX *ctx)
{
    EC_POINT *pub = EC_POINT_new(g);
    if (pub && (EC_POINT_mul(g, pub, sk, NULL, NULL, ctx) != 1 || EC_POINT_is_at_infinity(g, pub))) {
        EC_POINT_free(pub);
        pub = NULL;
    }
    return pub;
}

bool icao_pace_map_gm(int curve_nid, const uint8_t *s, size_t s_len, const uint8_t *sk_map,
                      size_t sk_len, const uint8_t *pk_map_ic, size_t pk_map_ic_len,
                      uint8_t *pk_map_ifd, size_t *pk_map_ifd_len, uint8_t *g_mapped,
                      size_t *g_mapped_len)
{
    bool ok = false;
    size_t fl = 0;
    BN_CTX *ctx = BN_CTX_secure_new();
    EC_GROUP *g = group_new(curve_nid, &fl);
    BIGNUM *sk = NULL, *sn = NULL;
    EC_POINT *pic = NULL, *pub = NULL, *h = NULL, *gm = NULL;
    if (!ctx || !g || !s || s_len == 0 || s_len > ICAO_PACE_NONCE_MAX)
        goto out;
    const BIGNUM *order = EC_GROUP_get0_order(g);
    sk = scalar_in(sk_map, sk_len, order);
    sn = BN_bin2bn(s, (int)s_len, NULL);
    pic = point_in(g, fl, pk_map_ic, pk_map_ic_len, ctx);
    pub = sk ? public_point(g, sk, ctx) : NULL;
    h = EC_POINT_new(g);
    gm = EC_POINT_new(g);
    if (!sk || !sn || !pic || !pub || !h || !gm)
        goto out;
    BN_set_flags(sn, BN_FLG_CONSTTIME);
    /* The chip's mapping key must not be the terminal's own sent back (as
     * PK_IC ≠ PK_IFD below). Every curve here has cofactor 1, so a point on
     * it that is not infinity has the group's whole order. */
    if (EC_POINT_cmp(g, pub, pic, ctx) != 1)
        goto out;
    /* H is the whole point sk_map·PK_map,IC, not only its x: an ECDH derive
     * (which gives x alone) cannot make the mapping. */
    if (BN_nnmod(sn, sn, order, ctx) != 1 ||
        EC_POINT_mul(g, h, NULL, pic, sk, ctx) != 1 || EC_POINT_is_at_infinity(g, h) ||
        EC_POINT_mul(g, gm, sn, NULL, NULL, ctx) != 1 || EC_POINT_add(g, gm, gm, h, ctx) != 1 ||
        EC_POINT_is_at_infinity(g, gm) || !point_out(g, pub, pk_map_ifd, pk_map_ifd_len, ctx) ||
        !point_out(g, gm, g_mapped, g_mapped_len, ctx))
        goto out;
    ok = true;
out:
    if (!ok && g_mapped && g_mapped_len)
        OPENSSL_cleanse(g_mapped, *g_mapped_len);
    EC_POINT_clear_free(h);
    EC_POINT_clear_free(gm);
    EC_POINT_free(pub);
    EC_POINT_free(pic);
    BN_clear_free(sk);
    BN_clear_free(sn);
    EC_GROUP_free(g);
    BN_CTX_free(ctx);
    return ok;
}

/* The curve with G~ as its generator (same order and cofactor). */
static EC_GROUP *mapped_group(int curve_nid, const uint8_t *g_mapped, size_t g_mapped_len, size_t *fl,
                              BN_CTX *ctx)
{
    EC_GROUP *g = group_new(curve_nid, fl);
    EC_GROUP *g2 = g ? EC_GROUP_dup(g) : NULL;
    EC_POINT *gm = g ? point_in(g, *fl, g_mapped, g_mapped_len, ctx) : NULL;
    if (!g2 || !gm ||
        EC_GROUP_set_generator(g2, gm, EC_GROUP_get0_order(g), EC_GROUP_get0_cofactor(g)) != 1) {
        EC_GROUP_free(g2);
        g2 = NULL;
    }
    EC_POINT_clear_free(gm);
    EC_GROUP_free(g);
    return g2;
}

/* The terminal's public point for a private key, on the curve itself
 * (g_mapped NULL: PK_map,IFD) or on the mapped one (PK_IFD): it is sent
 * before the chip's point, which the steps need, arrives. */
static bool public_bytes(int curve_nid, const uint8_t *g_mapped, size_t g_mapped_len, const uint8_t *sk,
                         size_t sk_len, uint8_t *out, size_t *out_len)
{
    size_t fl = 0;
    BN_CTX *ctx = BN_CTX_secure_new();
    EC_GROUP *g = !ctx ? NULL : g_mapped ? mapped_group(curve_nid, g_mapped, g_mapped_len, &fl, ctx)
                                         : group_new(curve_nid, &fl);
    BIGNUM *k = g ? scalar_in(sk, sk_len, EC_GROUP_get0_order(g)) : NULL;
    EC_POINT *pub = k ? public_point(g, k, ctx) : NULL;
    bool ok = pub && point_out(g, pub, out, out_len, ctx);
    EC_POINT_free(pub);
    BN_clear_free(k);
    EC_GROUP_free(g);
    BN_CTX_free(ctx);
    return ok;
}

bool icao_pace_agree(int curve_nid, const uint8_t *g_mapped, size_t g_mapped_len, const uint8_t *sk,
                     size_t sk_len, const uint8_t *pk_ic, size_t pk_ic_len, uint8_t *pk_ifd,
                     size_t *pk_ifd_len, uint8_t *k, size_t *k_len)
{
    bool ok = false;
    size_t fl = 0;
    BN_CTX *ctx = BN_CTX_secure_new();
    EC_GROUP *g2 = ctx ? mapped_group(curve_nid, g_mapped, g_mapped_len, &fl, ctx) : NULL;
    BIGNUM *skn = NULL, *x = NULL;
    EC_POINT *pic = NULL, *pub = NULL, *shared = NULL;
    if (!g2 || !k || !k_len || *k_len < fl)
        goto out;
    skn = scalar_in(sk, sk_len, EC_GROUP_get0_order(g2));
    pic = point_in(g2, fl, pk_ic, pk_ic_len, ctx);
    pub = skn ? public_point(g2, skn, ctx) : NULL;
    shared = EC_POINT_new(g2);
    x = BN_new();
    if (!skn || !pic || !pub || !shared || !x || !point_out(g2, pub, pk_ifd, pk_ifd_len, ctx))
        goto out;
    /* A chip that sends back the terminal's own key would agree with itself
     * (part 11 §4.4.3.3.2: the terminal checks PK_IC ≠ PK_IFD). */
    if (EC_POINT_cmp(g2, pub, pic, ctx) != 1)
        goto out;
    if (EC_POINT_mul(g2, shared, NULL, pic, skn, ctx) != 1 || EC_POINT_is_at_infinity(g2, shared) ||
        EC_POINT_get_affine_coordinates(g2, shared, x, NULL, ctx) != 1 || BN_bn2binpad(x, k, (int)fl) != (int)fl)
        goto out;
    *k_len = fl;
    ok = true;
out:
    if (!ok && k && k_len)
        OPENSSL_cleanse(k, *k_len);
    EC_POINT_clear_free(shared);
    EC_POINT_free(pub);
    EC_POINT_free(pic);
    BN_clear_free(x);
    BN_clear_free(skn);
    EC_GROUP_free(g2);
    BN_CTX_free(ctx);
    return ok;
}

bool icao_pace_token(const uint8_t *ks_mac, size_t key_len, const uint8_t *oid, size_t oid_len,
                     const uint8_t *point, size_t point_len, uint8_t out[8])
{
    uint8_t inner[2 + sizeof ((struct icao_pace_info *)0)->oid + 3 + ICAO_PACE_POINT_MAX];
    uint8_t data[4 + sizeof inner], mac[16];
    kofu_bld in, b;
    if (!ks_mac || !oid || !point || oid_len == 0 || point_len == 0)
        return false;
    bld_init(&in, inner, sizeof inner);
    bld_add_ber(&in, TAG_OID, oid, oid_len, false);
    bld_add_ber(&in, 0x86, point, point_len, false);
    bld_init(&b, data, sizeof data);
    bld_add_ber(&b, TAG_PUBKEY, inner, in.len, false);
    bool ok = bld_ok(&in) && bld_ok(&b) && kcrypto_aes_cmac(ks_mac, key_len, data, b.len, mac);
    if (ok)
        memcpy(out, mac, 8);
    OPENSSL_cleanse(mac, sizeof mac);
    return ok;
}

/* ---- the protocol ---- */

/* Everything secret icao_pace holds, wiped in one place. */
struct pace_run {
    uint8_t resp[258];
    uint8_t s[ICAO_PACE_NONCE_MAX];
    uint8_t sk_map[ICAO_PACE_POINT_MAX], sk[ICAO_PACE_POINT_MAX];
    uint8_t g_mapped[ICAO_PACE_POINT_MAX];
    uint8_t k[ICAO_PACE_POINT_MAX];
    uint8_t ks_enc[32], ks_mac[32];
    uint8_t t_ifd[8], t_ic[8];
};

/* One GENERAL AUTHENTICATE: 7C { in_tag in } (7C 00 when in_tag is 0),
 * chained (CLA 10) but for the last, Le 00. The chip's answer must be
 * 7C { out_tag value ... }; value is left in *val (a view of resp). For the
 * last step the chip may add the certification authority references
 * (87, 88) after its token. */
static int general_authenticate(struct card_reader *r, bool last, uint8_t in_tag, const uint8_t *in,
                                size_t in_len, uint8_t out_tag, uint8_t resp[258], kofu_cur *val,
                                uint16_t *sw)
{
    uint8_t inner[4 + ICAO_PACE_POINT_MAX], data[8 + ICAO_PACE_POINT_MAX];
    kofu_bld ib, b;
    bld_init(&ib, inner, sizeof inner);
    if (in_tag)
        bld_add_ber(&ib, in_tag, in, in_len, false);
    bld_init(&b, data, sizeof data);
    bld_add_ber(&b, TAG_DYN, inner, ib.len, false);
    if (!bld_ok(&ib) || !bld_ok(&b))
        return KOFU_E_INTERNAL;
    struct apdu cmd = {.cla = last ? 0x00 : 0x10, .ins = 0x86, .p1 = 0, .p2 = 0, .data = data,
                       .lc = b.len, .has_le = true, .le = 256};
    size_t len = 0;
    int rc = card_reader_exchange(r, &cmd, resp, 258, &len, sw);
    OPENSSL_cleanse(data, sizeof data);
    OPENSSL_cleanse(inner, sizeof inner);
    if (rc != KOFU_OK || *sw != SW_OK)
        return rc;
    kofu_cur c, dyn, any;
    uint32_t tag;
    cur_init(&c, resp, len);
    if (!cur_get_ber_tag(&c, TAG_DYN, &dyn) || cur_len(&c) != 0 || !cur_get_ber_tag(&dyn, out_tag, val))
        return KOFU_E_PASSPORT_SM;
    while (last && cur_len(&dyn) > 0)
        if (!cur_get_ber(&dyn, &tag, &any) || (tag != 0x87 && tag != 0x88))
            return KOFU_E_PASSPORT_SM;
    return cur_len(&dyn) == 0 ? KOFU_OK : KOFU_E_PASSPORT_SM;
}

static bool pace_info_ok(const struct icao_pace_info *pi)
{
    enum icao_kdf_alg alg;
    return pi && pi->oid_len > 0 && pi->oid_len <= sizeof pi->oid && kdf_alg(pi->key_len, &alg) &&
           curve_known(pi->curve_nid) && pi->parameter_id >= PARAM_MIN && pi->parameter_id <= PARAM_MAX &&
           PARAM_NID[pi->parameter_id] == pi->curve_nid;
}

static int mse_set_at(struct card_reader *r, const struct icao_pace_info *pi)
{
    uint8_t data[32], resp[258];
    kofu_bld b;
    bld_init(&b, data, sizeof data);
    bld_add_ber(&b, 0x80, pi->oid, pi->oid_len, false);
    bld_add_ber(&b, 0x83, (const uint8_t[]){0x01}, 1, false); /* the password is the MRZ */
    bld_add_ber(&b, 0x84, (const uint8_t[]){(uint8_t)pi->parameter_id}, 1, false);
    if (!bld_ok(&b))
        return KOFU_E_INTERNAL;
    struct apdu cmd = {.cla = 0x00, .ins = 0x22, .p1 = 0xC1, .p2 = 0xA4, .data = data, .lc = b.len};
    size_t len = 0;
    uint16_t sw = 0;
    int rc = card_reader_exchange(r, &cmd, resp, sizeof resp, &len, &sw);
    if (rc != KOFU_OK)
        return rc;
    return sw == SW_OK ? KOFU_OK : KOFU_E_PASSPORT_DATA;
}

/* A random private key 0 < k < order, big-endian on the order's length. */
static bool random_key(int curve_nid, uint8_t *out, size_t *len)
{
    size_t fl = 0;
    EC_GROUP *g = group_new(curve_nid, &fl);
    BIGNUM *k = BN_new();
    bool ok = false;
    if (g && k) {
        const BIGNUM *order = EC_GROUP_get0_order(g);
        int n = BN_num_bytes(order);
        for (int tries = 0; tries < 8 && !ok; tries++)
            ok = BN_priv_rand_range(k, order) == 1 && !BN_is_zero(k);
        ok = ok && (size_t)n <= *len && BN_bn2binpad(k, out, n) == n;
        if (ok)
            *len = (size_t)n;
    }
    BN_clear_free(k);
    EC_GROUP_free(g);
    return ok;
}

static int pace_run(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], const struct icao_pace_info *pi,
                    struct pace_run *w, size_t sk_map_len, size_t sk_len, struct icao_sm *sm)
{
    uint8_t pk_map_ifd[ICAO_PACE_POINT_MAX], pk_ifd[ICAO_PACE_POINT_MAX], pk_ic[ICAO_PACE_POINT_MAX];
    size_t pk_map_ifd_len = sizeof pk_map_ifd, pk_ifd_len = sizeof pk_ifd, pk_ic_len;
    size_t s_len = sizeof w->s, g_len = sizeof w->g_mapped, k_len = sizeof w->k;
    enum icao_kdf_alg alg;
    kofu_cur v;
    uint16_t sw = 0;
    if (!kdf_alg(pi->key_len, &alg))
        return KOFU_E_PASSPORT_DATA;

    int rc = mse_set_at(r, pi);
    if (rc != KOFU_OK)
        return rc;

    /* a) the encrypted nonce */
    rc = general_authenticate(r, false, 0, NULL, 0, 0x80, w->resp, &v, &sw);
    if (rc != KOFU_OK || sw != SW_OK)
        return rc != KOFU_OK ? rc : KOFU_E_PASSPORT_SM;
    if (!icao_pace_decrypt_nonce(mrz_info, pi->key_len, cur_data(&v), cur_len(&v), w->s, &s_len))
        return KOFU_E_PASSPORT_SM;

    /* b) the mapping */
    if (!public_bytes(pi->curve_nid, NULL, 0, w->sk_map, sk_map_len, pk_map_ifd, &pk_map_ifd_len))
        return KOFU_E_INTERNAL;
    rc = general_authenticate(r, false, 0x81, pk_map_ifd, pk_map_ifd_len, 0x82, w->resp, &v, &sw);
    if (rc != KOFU_OK || sw != SW_OK)
        return rc != KOFU_OK ? rc : KOFU_E_PASSPORT_SM;
    size_t mine = sizeof pk_map_ifd;
    if (!icao_pace_map_gm(pi->curve_nid, w->s, s_len, w->sk_map, sk_map_len, cur_data(&v), cur_len(&v),
                          pk_map_ifd, &mine, w->g_mapped, &g_len))
        return KOFU_E_PASSPORT_SM;
    OPENSSL_cleanse(w->s, sizeof w->s);

    /* c) key agreement on the mapped curve */
    if (!public_bytes(pi->curve_nid, w->g_mapped, g_len, w->sk, sk_len, pk_ifd, &pk_ifd_len))
        return KOFU_E_INTERNAL;
    rc = general_authenticate(r, false, 0x83, pk_ifd, pk_ifd_len, 0x84, w->resp, &v, &sw);
    if (rc != KOFU_OK || sw != SW_OK)
        return rc != KOFU_OK ? rc : KOFU_E_PASSPORT_SM;
    pk_ic_len = cur_len(&v);
    if (pk_ic_len > sizeof pk_ic || !cur_copy(&v, pk_ic, pk_ic_len))
        return KOFU_E_PASSPORT_SM;
    size_t pk_ifd_again = sizeof pk_ifd;
    if (!icao_pace_agree(pi->curve_nid, w->g_mapped, g_len, w->sk, sk_len, pk_ic, pk_ic_len, pk_ifd,
                         &pk_ifd_again, w->k, &k_len))
        return KOFU_E_PASSPORT_SM;
    if (icao_kdf(w->k, k_len, ICAO_KDF_ENC, alg, w->ks_enc) != pi->key_len ||
        icao_kdf(w->k, k_len, ICAO_KDF_MAC, alg, w->ks_mac) != pi->key_len ||
        !icao_pace_token(w->ks_mac, pi->key_len, pi->oid, pi->oid_len, pk_ic, pk_ic_len, w->t_ifd) ||
        !icao_pace_token(w->ks_mac, pi->key_len, pi->oid, pi->oid_len, pk_ifd, pk_ifd_len, w->t_ic))
        return KOFU_E_INTERNAL;

    /* d) mutual authentication: only here does the chip learn whether the
     * terminal knew the password. */
    rc = general_authenticate(r, true, 0x85, w->t_ifd, sizeof w->t_ifd, 0x86, w->resp, &v, &sw);
    if (rc != KOFU_OK)
        return rc;
    if (sw != SW_OK)
        return (sw & 0xFF00u) == 0x6300u || sw == 0x6982u ? KOFU_E_PASSPORT_KEYS : KOFU_E_PASSPORT_SM;
    if (cur_len(&v) != sizeof w->t_ic || !kofu_ct_equal(cur_data(&v), w->t_ic, sizeof w->t_ic))
        return KOFU_E_PASSPORT_SM;

    static const uint8_t ssc0[16];
    icao_sm_start(sm, ICAO_SM_AES, w->ks_enc, w->ks_mac, pi->key_len, ssc0);
    return KOFU_OK;
}

static int pace_with(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], const struct icao_pace_info *pi,
                     const uint8_t *sk_map, size_t sk_map_len, const uint8_t *sk, size_t sk_len,
                     struct icao_sm *sm)
{
    if (!pace_info_ok(pi))
        return KOFU_E_PASSPORT_DATA;
    struct pace_run *w = OPENSSL_secure_zalloc(sizeof *w);
    if (!w)
        return KOFU_E_NOMEM;
    int rc = KOFU_E_INTERNAL;
    size_t map_len = sizeof w->sk_map, k_len = sizeof w->sk;
    if (sk_map && sk) {
        if (sk_map_len <= sizeof w->sk_map && sk_len <= sizeof w->sk) {
            memcpy(w->sk_map, sk_map, sk_map_len);
            memcpy(w->sk, sk, sk_len);
            map_len = sk_map_len;
            k_len = sk_len;
            rc = KOFU_OK;
        }
    } else if (random_key(pi->curve_nid, w->sk_map, &map_len) && random_key(pi->curve_nid, w->sk, &k_len)) {
        rc = KOFU_OK;
    }
    if (rc == KOFU_OK)
        rc = pace_run(r, mrz_info, pi, w, map_len, k_len, sm);
    OPENSSL_secure_clear_free(w, sizeof *w);
    return rc;
}

int icao_pace(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], const struct icao_pace_info *pi,
              struct icao_sm *sm)
{
    return pace_with(r, mrz_info, pi, NULL, 0, NULL, 0, sm);
}

int icao_pace_with(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], const struct icao_pace_info *pi,
                   const uint8_t *sk_map, size_t sk_map_len, const uint8_t *sk, size_t sk_len,
                   struct icao_sm *sm)
{
    if (!sk_map || !sk)
        return KOFU_E_ARG;
    return pace_with(r, mrz_info, pi, sk_map, sk_map_len, sk, sk_len, sm);
}
