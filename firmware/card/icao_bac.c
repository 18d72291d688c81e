/* icao_bac.c — see icao_bac.h. */
#include "card/icao_bac.h"

#include "base/bytes.h"
#include "base/errors.h"
#include "base/kcrypto.h"
#include "base/kcrypto_sym.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

/* The longest shared secret a KDF is asked for: a P-521 x coordinate is
 * 66 bytes; room for finite-field PACE's 256 all the same. */
#define KDF_SECRET_MAX 256

/* DES keys carry odd parity in bit 0 of each byte. The cipher ignores it;
 * the published keys have it set, and comparing with them needs it. */
static void set_parity(uint8_t *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b = k[i] & 0xFE;
        uint8_t ones = 0;
        for (uint8_t v = b; v; v &= (uint8_t)(v - 1))
            ones++;
        k[i] = (uint8_t)(b | ((ones & 1) ? 0 : 1));
    }
}

size_t icao_kdf(const uint8_t *k, size_t k_len, uint32_t c, enum icao_kdf_alg alg, uint8_t out[32])
{
    if (!k || !out || k_len == 0 || k_len > KDF_SECRET_MAX)
        return 0;
    uint8_t in[KDF_SECRET_MAX + 4], d[32];
    memcpy(in, k, k_len);
    in[k_len] = (uint8_t)(c >> 24);
    in[k_len + 1] = (uint8_t)(c >> 16);
    in[k_len + 2] = (uint8_t)(c >> 8);
    in[k_len + 3] = (uint8_t)c;
    size_t n = 0;
    switch (alg) {
    case ICAO_KDF_3DES:
    case ICAO_KDF_AES128:
        n = kcrypto_sha1(in, k_len + 4, d) ? 16 : 0;
        break;
    case ICAO_KDF_AES192:
        n = kcrypto_sha256(in, k_len + 4, d) ? 24 : 0;
        break;
    case ICAO_KDF_AES256:
        n = kcrypto_sha256(in, k_len + 4, d) ? 32 : 0;
        break;
    }
    if (n) {
        memcpy(out, d, n);
        if (alg == ICAO_KDF_3DES)
            set_parity(out, n);
    }
    OPENSSL_cleanse(in, sizeof in);
    OPENSSL_cleanse(d, sizeof d);
    return n;
}

bool icao_bac_keys(const char mrz_info[MRZ_INFO_LEN], uint8_t k_enc[16], uint8_t k_mac[16])
{
    uint8_t h[KCRYPTO_SHA1_LEN], e[32], m[32];
    bool ok = mrz_info && k_enc && k_mac && kcrypto_sha1((const uint8_t *)mrz_info, MRZ_INFO_LEN, h) &&
              icao_kdf(h, 16, ICAO_KDF_ENC, ICAO_KDF_3DES, e) == 16 &&
              icao_kdf(h, 16, ICAO_KDF_MAC, ICAO_KDF_3DES, m) == 16;
    if (ok) {
        memcpy(k_enc, e, 16);
        memcpy(k_mac, m, 16);
    }
    OPENSSL_cleanse(h, sizeof h);
    OPENSSL_cleanse(e, sizeof e);
    OPENSSL_cleanse(m, sizeof m);
    return ok;
}

/* Everything secret of one run of BAC, wiped in one place. */
struct bac_work {
    uint8_t k_enc[16], k_mac[16];
    uint8_t rnd_ic[8];
    uint8_t buf[48];   /* S, then E_IFD ‖ M_IFD, then pad2(E_IC) */
    uint8_t mac[8];
    uint8_t resp[64];  /* the chip's answers */
    uint8_t r[32];     /* RND.IC ‖ RND.IFD ‖ K.IC */
    uint8_t seed[16];  /* K.IFD ⊕ K.IC */
    uint8_t ks_enc[32], ks_mac[32], ssc[8];
};

int icao_bac_with(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], const uint8_t rnd_ifd[8],
                  const uint8_t k_ifd[16], struct icao_sm *sm)
{
    if (!sm)
        return KOFU_E_ARG;
    icao_sm_end(sm);
    sm->broken = true; /* until BAC succeeds */
    if (!r || !mrz_info || !rnd_ifd || !k_ifd)
        return KOFU_E_ARG;
    struct bac_work w;
    size_t len = 0;
    uint16_t sw = 0;
    int rc;
    if (!icao_bac_keys(mrz_info, w.k_enc, w.k_mac)) {
        rc = KOFU_E_INTERNAL;
        goto out;
    }

    const struct apdu challenge = {.cla = 0x00, .ins = 0x84, .has_le = true, .le = 8};
    rc = card_reader_exchange(r, &challenge, w.resp, sizeof w.resp, &len, &sw);
    if (rc != KOFU_OK)
        goto out;
    if (sw != SW_OK || len != 8) {
        rc = KOFU_E_PASSPORT_SM;
        goto out;
    }
    memcpy(w.rnd_ic, w.resp, 8);

    /* S = RND.IFD ‖ RND.IC ‖ K.IFD; E_IFD = 3DES(K_enc, S); M_IFD = MAC(K_mac, pad2(E_IFD)). */
    memcpy(w.buf, rnd_ifd, 8);
    memcpy(w.buf + 8, w.rnd_ic, 8);
    memcpy(w.buf + 16, k_ifd, 16);
    memset(w.buf + 32, 0, 16);
    w.buf[32] = 0x80;
    if (!kcrypto_3des_cbc(w.k_enc, NULL, w.buf, w.buf, 32, true) ||
        !kcrypto_retail_mac(w.k_mac, w.buf, 40, w.mac)) {
        rc = KOFU_E_INTERNAL;
        goto out;
    }
    memcpy(w.buf + 32, w.mac, 8);
    const struct apdu mutual = {.cla = 0x00, .ins = 0x82, .data = w.buf, .lc = 40, .has_le = true, .le = 40};
    rc = card_reader_exchange(r, &mutual, w.resp, sizeof w.resp, &len, &sw);
    if (rc != KOFU_OK)
        goto out;
    /* Any refusal means the chip's keys are not these: the resident checks
     * the numbers. No second try here (chips may count and slow down). */
    if (sw != SW_OK) {
        rc = KOFU_E_PASSPORT_KEYS;
        goto out;
    }
    if (len != 40) {
        rc = KOFU_E_PASSPORT_SM;
        goto out;
    }
    /* M_IC over pad2(E_IC) first; only an authenticated E_IC is decrypted. */
    memcpy(w.buf, w.resp, 32);
    memset(w.buf + 32, 0, 16);
    w.buf[32] = 0x80;
    if (!kcrypto_retail_mac(w.k_mac, w.buf, 40, w.mac)) {
        rc = KOFU_E_INTERNAL;
        goto out;
    }
    if (!kofu_ct_equal(w.mac, w.resp + 32, 8)) {
        rc = KOFU_E_PASSPORT_SM;
        goto out;
    }
    if (!kcrypto_3des_cbc(w.k_enc, NULL, w.resp, w.r, 32, false)) {
        rc = KOFU_E_INTERNAL;
        goto out;
    }
    /* The chip must echo both nonces: RND.IC ‖ RND.IFD ‖ K.IC. */
    if (!kofu_ct_equal(w.r, w.rnd_ic, 8) || !kofu_ct_equal(w.r + 8, rnd_ifd, 8)) {
        rc = KOFU_E_PASSPORT_SM;
        goto out;
    }
    for (size_t i = 0; i < 16; i++)
        w.seed[i] = (uint8_t)(k_ifd[i] ^ w.r[16 + i]);
    if (icao_kdf(w.seed, 16, ICAO_KDF_ENC, ICAO_KDF_3DES, w.ks_enc) != 16 ||
        icao_kdf(w.seed, 16, ICAO_KDF_MAC, ICAO_KDF_3DES, w.ks_mac) != 16) {
        rc = KOFU_E_INTERNAL;
        goto out;
    }
    /* SSC = the low halves of RND.IC and RND.IFD, in that order. */
    memcpy(w.ssc, w.rnd_ic + 4, 4);
    memcpy(w.ssc + 4, rnd_ifd + 4, 4);
    icao_sm_start(sm, ICAO_SM_3DES, w.ks_enc, w.ks_mac, 16, w.ssc);
    rc = sm->broken ? KOFU_E_INTERNAL : KOFU_OK;
out:
    OPENSSL_cleanse(&w, sizeof w);
    if (rc != KOFU_OK) {
        icao_sm_end(sm);
        sm->broken = true;
    }
    return rc;
}

int icao_bac(struct card_reader *r, const char mrz_info[MRZ_INFO_LEN], struct icao_sm *sm)
{
    uint8_t rnd_ifd[8], k_ifd[16];
    int rc;
    if (RAND_priv_bytes(rnd_ifd, sizeof rnd_ifd) != 1 || RAND_priv_bytes(k_ifd, sizeof k_ifd) != 1) {
        if (sm) {
            icao_sm_end(sm);
            sm->broken = true;
        }
        rc = KOFU_E_INTERNAL;
    } else {
        rc = icao_bac_with(r, mrz_info, rnd_ifd, k_ifd, sm);
    }
    OPENSSL_cleanse(rnd_ifd, sizeof rnd_ifd);
    OPENSSL_cleanse(k_ifd, sizeof k_ifd);
    return rc;
}
