/* icao_sm.c — see icao_sm.h. */
#include "card/icao_sm.h"

#include "base/bytes.h"
#include "base/errors.h"
#include "base/kcrypto_sym.h"

#include <openssl/crypto.h>
#include <string.h>

#define TAG_DO85 0x85u /* odd INS: data not BER-encoded, no padding indicator */
#define TAG_DO87 0x87u
#define TAG_DO97 0x97u
#define TAG_DO99 0x99u
#define TAG_DO8E 0x8Eu
#define MAC_LEN 8
#define BLOCK_MAX 16
#define SHORT_MAX 255
/* A response's encrypted data: at most a short response's 256 bytes. */
#define CRYPT_MAX 256
/* SSC ‖ padded header ‖ DO87 (≤ 4 + CRYPT_MAX) ‖ DO97 (3) ‖ padding. */
#define MAC_IN_MAX (BLOCK_MAX + BLOCK_MAX + 4 + CRYPT_MAX + 3 + BLOCK_MAX)

static size_t block_of(const struct icao_sm *sm) { return sm->alg == ICAO_SM_AES ? 16 : 8; }

static bool keys_ok(enum icao_sm_alg alg, size_t key_len)
{
    if (alg == ICAO_SM_3DES)
        return key_len == 16;
    if (alg == ICAO_SM_AES)
        return key_len == 16 || key_len == 24 || key_len == 32;
    return false;
}

void icao_sm_start(struct icao_sm *sm, enum icao_sm_alg alg, const uint8_t *ks_enc,
                   const uint8_t *ks_mac, size_t key_len, const uint8_t *ssc)
{
    OPENSSL_cleanse(sm, sizeof *sm);
    if (!keys_ok(alg, key_len) || !ks_enc || !ks_mac || !ssc) {
        sm->broken = true;
        return;
    }
    sm->alg = alg;
    sm->key_len = key_len;
    memcpy(sm->ks_enc, ks_enc, key_len);
    memcpy(sm->ks_mac, ks_mac, key_len);
    memcpy(sm->ssc, ssc, block_of(sm));
}

void icao_sm_end(struct icao_sm *sm)
{
    if (sm)
        OPENSSL_cleanse(sm, sizeof *sm);
}

/* Any error ends the session for good: the keys go at once, so that no
 * later call can use them whatever its caller does with the error. */
static int fail(struct icao_sm *sm, int err)
{
    OPENSSL_cleanse(sm, sizeof *sm);
    sm->broken = true;
    return err;
}

static bool usable(const struct icao_sm *sm) { return sm && !sm->broken && keys_ok(sm->alg, sm->key_len); }

static void ssc_increment(struct icao_sm *sm)
{
    for (size_t i = block_of(sm); i-- > 0;)
        if (++sm->ssc[i] != 0)
            break;
}

/* ISO/IEC 9797-1 padding method 2 in place: 80, then 00 to a whole block. */
static size_t pad2(uint8_t *p, size_t n, size_t block)
{
    p[n++] = 0x80;
    while (n % block)
        p[n++] = 0x00;
    return n;
}

/* The MAC of an already padded message: retail MAC, or CMAC cut to 8. */
static bool mac(const struct icao_sm *sm, const uint8_t *in, size_t n, uint8_t out[MAC_LEN])
{
    if (sm->alg == ICAO_SM_3DES)
        return kcrypto_retail_mac(sm->ks_mac, in, n, out);
    uint8_t full[16];
    bool ok = kcrypto_aes_cmac(sm->ks_mac, sm->key_len, in, n, full);
    memcpy(out, full, MAC_LEN);
    OPENSSL_cleanse(full, sizeof full);
    return ok;
}

/* Encrypt or decrypt whole blocks in place under KS_enc; for AES the IV is
 * E(KS_enc, SSC) with the counter of this message. */
static bool sm_crypt(const struct icao_sm *sm, uint8_t *p, size_t n, bool enc)
{
    if (sm->alg == ICAO_SM_3DES)
        return kcrypto_3des_cbc(sm->ks_enc, NULL, p, p, n, enc);
    uint8_t iv[16];
    bool ok = kcrypto_aes_block(sm->ks_enc, sm->key_len, sm->ssc, iv) &&
              kcrypto_aes_cbc(sm->ks_enc, sm->key_len, iv, p, p, n, enc);
    OPENSSL_cleanse(iv, sizeof iv);
    return ok;
}

int icao_sm_wrap(struct icao_sm *sm, const struct apdu *plain, uint8_t *out, size_t cap,
                 size_t *out_len)
{
    if (!usable(sm))
        return KOFU_E_PASSPORT_SM;
    if (!plain || !out || !out_len || (plain->lc && !plain->data) || plain->lc > SHORT_MAX ||
        (plain->has_le && plain->le > 256))
        return fail(sm, KOFU_E_ARG);
    const size_t bs = block_of(sm);
    uint8_t enc[SHORT_MAX + BLOCK_MAX];  /* pad2(data), encrypted */
    uint8_t body[SHORT_MAX + 1];         /* DO87 ‖ DO97 ‖ DO8E */
    uint8_t n_in[MAC_IN_MAX];
    size_t enc_len = 0;
    int rc = KOFU_OK;
    kofu_bld b, m;

    ssc_increment(sm);
    bld_init(&b, body, sizeof body);
    if (plain->lc) {
        memcpy(enc, plain->data, plain->lc);
        enc_len = pad2(enc, plain->lc, bs);
        if (!sm_crypt(sm, enc, enc_len, true)) {
            rc = KOFU_E_INTERNAL;
            goto out;
        }
        bool odd = plain->ins & 1;
        bld_add_ber_tag(&b, odd ? TAG_DO85 : TAG_DO87);
        bld_add_ber_len(&b, enc_len + (odd ? 0 : 1), false);
        if (!odd)
            bld_add_u8(&b, 0x01); /* padding indicator: ISO 9797-1 method 2 */
        bld_add_bytes(&b, enc, enc_len);
    }
    if (plain->has_le) {
        bld_add_u8(&b, TAG_DO97);
        bld_add_u8(&b, 1);
        bld_add_u8(&b, (uint8_t)(plain->le & 0xFF)); /* 256 → 00 */
    }
    if (!bld_ok(&b)) {
        rc = KOFU_E_ARG;
        goto out;
    }
    /* N = pad2(SSC ‖ pad2(CLA' INS P1 P2) ‖ DO87 ‖ DO97). */
    const uint8_t cla = (uint8_t)(plain->cla | 0x0C);
    bld_init(&m, n_in, sizeof n_in);
    bld_add_bytes(&m, sm->ssc, bs);
    bld_add_u8(&m, cla);
    bld_add_u8(&m, plain->ins);
    bld_add_u8(&m, plain->p1);
    bld_add_u8(&m, plain->p2);
    bld_add_u8(&m, 0x80);
    for (size_t i = 5; i < bs; i++)
        bld_add_u8(&m, 0);
    bld_add_bytes(&m, body, b.len);
    uint8_t cc[MAC_LEN];
    if (!bld_ok(&m) || m.len + bs > sizeof n_in) {
        rc = KOFU_E_ARG;
        goto out;
    }
    size_t n_len = pad2(n_in, m.len, bs);
    if (!mac(sm, n_in, n_len, cc)) {
        rc = KOFU_E_INTERNAL;
        goto out;
    }
    bld_add_u8(&b, TAG_DO8E);
    bld_add_u8(&b, MAC_LEN);
    bld_add_bytes(&b, cc, MAC_LEN);
    OPENSSL_cleanse(cc, sizeof cc);
    if (!bld_ok(&b) || b.len > SHORT_MAX) {
        rc = KOFU_E_ARG;
        goto out;
    }
    /* The protected APDU: CLA' INS P1 P2 Lc' body Le=00. */
    kofu_bld o;
    bld_init(&o, out, cap);
    bld_add_u8(&o, cla);
    bld_add_u8(&o, plain->ins);
    bld_add_u8(&o, plain->p1);
    bld_add_u8(&o, plain->p2);
    bld_add_u8(&o, (uint8_t)b.len);
    bld_add_bytes(&o, body, b.len);
    bld_add_u8(&o, 0x00);
    if (!bld_ok(&o)) {
        OPENSSL_cleanse(out, cap);
        rc = KOFU_E_ARG;
        goto out;
    }
    *out_len = o.len;
out:
    OPENSSL_cleanse(enc, sizeof enc);
    OPENSSL_cleanse(body, sizeof body);
    OPENSSL_cleanse(n_in, sizeof n_in);
    return rc == KOFU_OK ? KOFU_OK : fail(sm, rc);
}

int icao_sm_unwrap(struct icao_sm *sm, const uint8_t *resp, size_t n, uint8_t *data, size_t cap,
                   size_t *len, uint16_t *sw)
{
    if (!usable(sm))
        return KOFU_E_PASSPORT_SM;
    if (!resp || !len || !sw || (cap && !data))
        return fail(sm, KOFU_E_ARG);
    const size_t bs = block_of(sm);
    uint8_t n_in[MAC_IN_MAX], cc[MAC_LEN], plain[CRYPT_MAX];
    int rc = KOFU_E_PASSPORT_SM;
    kofu_cur c, do87 = {0}, do99, do8e, whole;
    bool has87 = false;
    uint32_t tag = 0;

    ssc_increment(sm);
    /* [DO87] DO99 DO8E, in this order, nothing else, DO8E last. */
    cur_init(&c, resp, n);
    kofu_cur peek = c;
    size_t vlen, hlen;
    if (cur_peek_ber_header(&peek, &tag, &vlen, &hlen) && tag == TAG_DO87) {
        if (!cur_get_ber_tag(&c, TAG_DO87, &do87))
            goto out;
        has87 = true;
    }
    if (!cur_get_ber_tag(&c, TAG_DO99, &do99) || cur_len(&do99) != 2)
        goto out;
    size_t maced = n - cur_len(&c); /* every byte before DO8E */
    if (!cur_get_ber_tag_whole(&c, TAG_DO8E, &do8e, &whole) || cur_len(&do8e) != MAC_LEN ||
        cur_len(&whole) != 2 + MAC_LEN || cur_len(&c) != 0)
        goto out;
    if (maced > sizeof n_in - 2 * BLOCK_MAX)
        goto out;
    /* The MAC first: nothing of an unauthenticated answer is decrypted. */
    memcpy(n_in, sm->ssc, bs);
    memcpy(n_in + bs, resp, maced);
    size_t n_len = pad2(n_in, bs + maced, bs);
    if (!mac(sm, n_in, n_len, cc)) {
        rc = KOFU_E_INTERNAL;
        goto out;
    }
    if (!kofu_ct_equal(cc, cur_data(&do8e), MAC_LEN))
        goto out;
    size_t out_n = 0;
    if (has87) {
        uint8_t indicator;
        if (!cur_get_u8(&do87, &indicator) || indicator != 0x01)
            goto out;
        size_t enc_len = cur_len(&do87);
        if (enc_len == 0 || enc_len % bs != 0 || enc_len > sizeof plain || !cur_copy(&do87, plain, enc_len))
            goto out;
        if (!sm_crypt(sm, plain, enc_len, false)) {
            rc = KOFU_E_INTERNAL;
            goto out;
        }
        /* Padding method 2: 80 then zeros, within the last block. */
        size_t end = enc_len;
        while (end > 0 && enc_len - end < bs && plain[end - 1] == 0x00)
            end--;
        if (end == 0 || plain[end - 1] != 0x80 || enc_len - end >= bs)
            goto out;
        out_n = end - 1;
        if (out_n > cap)
            goto out;
        if (out_n)
            memcpy(data, plain, out_n);
    }
    *len = out_n;
    *sw = (uint16_t)(cur_data(&do99)[0] << 8 | cur_data(&do99)[1]);
    rc = KOFU_OK;
out:
    OPENSSL_cleanse(n_in, sizeof n_in);
    OPENSSL_cleanse(cc, sizeof cc);
    OPENSSL_cleanse(plain, sizeof plain);
    return rc == KOFU_OK ? KOFU_OK : fail(sm, rc);
}

int icao_sm_exchange(struct icao_sm *sm, struct card_reader *r, const struct apdu *plain,
                     uint8_t *data, size_t cap, size_t *len, uint16_t *sw)
{
    if (!usable(sm))
        return KOFU_E_PASSPORT_SM;
    if (!r)
        return fail(sm, KOFU_E_ARG);
    uint8_t cmd[5 + SHORT_MAX + 1], resp[256];
    size_t cmd_len = 0, resp_len = 0;
    uint16_t outer = 0;
    int rc = icao_sm_wrap(sm, plain, cmd, sizeof cmd, &cmd_len);
    if (rc != KOFU_OK)
        goto out;
    const struct apdu wrapped = {
        .cla = cmd[0], .ins = cmd[1], .p1 = cmd[2], .p2 = cmd[3],
        .data = cmd + 5, .lc = cmd[4], .has_le = true, .le = 256,
    };
    rc = card_reader_exchange(r, &wrapped, resp, sizeof resp, &resp_len, &outer);
    if (rc != KOFU_OK) {
        /* The counter has moved on the terminal's side only. */
        fail(sm, rc);
        goto out;
    }
    /* A status word with no protected body: the chip dropped the session
     * (6987 DO missing, 6988 DO wrong, or any refusal before SM). Its
     * counter cannot be known, so there is no going on. A body, whatever
     * the status word, is authenticated like any other. */
    if (resp_len == 0) {
        rc = fail(sm, KOFU_E_PASSPORT_SM);
        goto out;
    }
    rc = icao_sm_unwrap(sm, resp, resp_len, data, cap, len, sw);
    if (rc == KOFU_OK && *sw != outer) {
        /* The protected status must be the one the chip sent in clear. */
        OPENSSL_cleanse(data, *len);
        *len = 0;
        rc = fail(sm, KOFU_E_PASSPORT_SM);
    }
out:
    OPENSSL_cleanse(cmd, sizeof cmd);
    OPENSSL_cleanse(resp, sizeof resp);
    return rc;
}
