/*
 * kenhojo_testfiles.h — builders for the Kenhojo AP's files, for tests only.
 *
 * Header-only (static inline, so a test that uses only some of them does not
 * warn). Layouts as the card writes them (docs/card.md). Every builder returns the
 * number of bytes written, or 0 when the result did not fit `cap`.
 */
#ifndef KOFU_TESTS_KENHOJO_TESTFILES_H
#define KOFU_TESTS_KENHOJO_TESTFILES_H

#include "base/bytes.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TF_EF0001_LEN 17
#define TF_EF0002_EXAMPLE_LEN 104
#define TF_EF0003_LEN 336
#define TF_EF0004_LEN 568
#define TF_EF0007_LEN 536
#define TF_CV_BODY_LEN 297
#define TF_DF51_LEN 270 /* the whole DF51 TLV */
#define TF_SIGNED_PART_LEN 70

/* The worked example of EF 0002 in docs/card.md ("Layouts"), byte for byte. */
static inline size_t tf_ef0002_example(uint8_t *out, size_t cap)
{
    static const uint8_t ex[TF_EF0002_EXAMPLE_LEN] = {
        0xFF, 0x20, 0x65,                                                 /* FF20 */
        0xDF, 0x21, 0x08, 0x00, 0x0E, 0x00, 0x20, 0x00, 0x59, 0x00, 0x64, /* DF21 */
        0xDF, 0x22, 0x0F, 0xE9, 0xBB, 0x92, 0xE6, 0xA1, 0x90, 0xE3, 0x80, 0x80, 0xE5, 0xB9, 0xB9, 0xE4,
        0xB9, 0x9F, /* DF22 */
        0xDF, 0x23, 0x36, 0xE6, 0x9D, 0xB1, 0xE4, 0xBA, 0xAC, 0xE9, 0x83, 0xBD, 0xE6, 0xB8, 0x85, 0xE7,
        0x80, 0xAC, 0xE5, 0xB8, 0x82, 0xE8, 0xA6, 0xB3, 0xE5, 0xB8, 0x83, 0xE5, 0xAD, 0x90, 0xE5, 0x8D,
        0x97, 0xEF, 0xBC, 0x91, 0xEF, 0xBC, 0x92, 0xEF, 0xBC, 0x8D, 0xEF, 0xBC, 0x97, 0xEF, 0xBC, 0x8D,
        0xEF, 0xBC, 0x92, 0xEF, 0xBC, 0x90, 0xEF, 0xBC, 0x92,                   /* DF23 */
        0xDF, 0x24, 0x08, 0x31, 0x39, 0x38, 0x30, 0x30, 0x32, 0x31, 0x37, /* DF24 */
        0xDF, 0x25, 0x01, 0x31,                                           /* DF25 */
    };
    if (cap < sizeof ex)
        return 0;
    memcpy(out, ex, sizeof ex);
    return sizeof ex;
}

/* The worked example's name and address, UTF-8. */
#define TF_EXAMPLE_NAME "\xE9\xBB\x92\xE6\xA1\x90\xE3\x80\x80\xE5\xB9\xB9\xE4\xB9\x9F"
#define TF_EXAMPLE_ADDRESS                                                                              \
    "\xE6\x9D\xB1\xE4\xBA\xAC\xE9\x83\xBD\xE6\xB8\x85\xE7\x80\xAC\xE5\xB8\x82\xE8\xA6\xB3\xE5\xB8\x83" \
    "\xE5\xAD\x90\xE5\x8D\x97\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x8D\xEF\xBC\x97\xEF\xBC\x8D\xEF\xBC\x92" \
    "\xEF\xBC\x90\xEF\xBC\x92"

/* EF 0001: FF 10 0C <12 digits> FF FF. */
static inline size_t tf_ef0001(uint8_t *out, size_t cap, const char *digits12)
{
    kofu_bld b;
    bld_init(&b, out, cap);
    bld_add_ber(&b, 0xFF10, digits12, 12, false);
    bld_add_u8(&b, 0xFF);
    bld_add_u8(&b, 0xFF);
    return bld_ok(&b) ? b.len : 0;
}

struct tf_attrs {
    const char *name, *address, *birth; /* birth: 8 characters (not checked here) */
    const uint8_t *sex;                 /* sex_len bytes */
    size_t sex_len;
    bool long_outer, long_name, long_address, long_birth; /* 82 HH LL lengths */
    bool no_offsets;                                      /* leave DF21 out */
    const uint8_t *filler;                                /* inside FF20, after DF25 */
    size_t filler_len;
};

static inline size_t tf_ber_len_len(size_t len, bool force_82)
{
    return (force_82 || len > 0xFF) ? 3 : len > 0x7F ? 2 : 1;
}

/* EF 0002 with a correct DF21 offset table (absolute offsets). */
static inline size_t tf_ef0002(uint8_t *out, size_t cap, const struct tf_attrs *a)
{
    uint8_t inner[4096];
    kofu_bld in;
    size_t pos[4];
    bld_init(&in, inner, sizeof inner);
    if (!a->no_offsets)
        bld_add_ber(&in, 0xDF21, "\0\0\0\0\0\0\0\0", 8, false);
    pos[0] = in.len;
    bld_add_ber(&in, 0xDF22, a->name, strlen(a->name), a->long_name);
    pos[1] = in.len;
    bld_add_ber(&in, 0xDF23, a->address, strlen(a->address), a->long_address);
    pos[2] = in.len;
    bld_add_ber(&in, 0xDF24, a->birth, strlen(a->birth), a->long_birth);
    pos[3] = in.len;
    bld_add_ber(&in, 0xDF25, a->sex, a->sex_len, false);
    if (a->filler_len)
        bld_add_bytes(&in, a->filler, a->filler_len);
    if (!bld_ok(&in))
        return 0;
    size_t outer_hdr = 2 + tf_ber_len_len(in.len, a->long_outer);
    if (!a->no_offsets)
        for (int i = 0; i < 4; i++) {
            size_t off = outer_hdr + pos[i];
            inner[3 + 2 * i] = (uint8_t)(off >> 8);
            inner[4 + 2 * i] = (uint8_t)off;
        }
    kofu_bld b;
    bld_init(&b, out, cap);
    bld_add_ber(&b, 0xFF20, inner, in.len, a->long_outer);
    return bld_ok(&b) ? b.len : 0;
}

/* EF 0003: FF30 82 01 4B { DF31 20 h1, DF32 20 h2, DF33 82 01 00 sig }. */
static inline size_t tf_ef0003(uint8_t *out, size_t cap, const uint8_t h1[32], const uint8_t h2[32],
                               const uint8_t *sig, size_t sig_len)
{
    uint8_t inner[1024];
    kofu_bld in, b;
    bld_init(&in, inner, sizeof inner);
    bld_add_ber(&in, 0xDF31, h1, 32, false);
    bld_add_ber(&in, 0xDF32, h2, 32, false);
    bld_add_ber(&in, 0xDF33, sig, sig_len, true);
    if (!bld_ok(&in))
        return 0;
    bld_init(&b, out, cap);
    bld_add_ber(&b, 0xFF30, inner, in.len, true);
    return bld_ok(&b) ? b.len : 0;
}

/* The 90/91 RSA key objects (no outer tag). */
static inline void tf_add_rsa(kofu_bld *b, const uint8_t *e, size_t e_len, const uint8_t *n, size_t n_len)
{
    bld_add_ber(b, 0x90, e, e_len, false);
    bld_add_ber(b, 0x91, n, n_len, true);
}

/* The CV certificate body (5F4E value): issuer id ‖ subject id ‖ 90/91 key. */
static inline size_t tf_cv_body(uint8_t *out, size_t cap, const uint8_t issuer[16], const uint8_t subject[16],
                                const uint8_t *e, size_t e_len, const uint8_t *n, size_t n_len)
{
    kofu_bld b;
    bld_init(&b, out, cap);
    bld_add_bytes(&b, issuer, 16);
    bld_add_bytes(&b, subject, 16);
    tf_add_rsa(&b, e, e_len, n, n_len);
    return bld_ok(&b) ? b.len : 0;
}

/* EF 0004: 7F21 82 02 33 { 5F4E 82 01 29 body, 5F37 82 01 00 sig }. */
static inline size_t tf_ef0004(uint8_t *out, size_t cap, const uint8_t *body, size_t body_len,
                               const uint8_t *sig, size_t sig_len)
{
    uint8_t inner[2048];
    kofu_bld in, b;
    bld_init(&in, inner, sizeof inner);
    bld_add_ber(&in, 0x5F4E, body, body_len, true);
    bld_add_ber(&in, 0x5F37, sig, sig_len, true);
    if (!bld_ok(&in))
        return 0;
    bld_init(&b, out, cap);
    bld_add_ber(&b, 0x7F21, inner, in.len, true);
    return bld_ok(&b) ? b.len : 0;
}

/* The whole DF51 TLV (what DF52 signs): DF51 82 01 09 { 90 e, 91 82 01 00 n }. */
static inline size_t tf_df51(uint8_t *out, size_t cap, const uint8_t *e, size_t e_len, const uint8_t *n,
                             size_t n_len)
{
    uint8_t inner[1024];
    kofu_bld in, b;
    bld_init(&in, inner, sizeof inner);
    tf_add_rsa(&in, e, e_len, n, n_len);
    if (!bld_ok(&in))
        return 0;
    bld_init(&b, out, cap);
    bld_add_ber(&b, 0xDF51, inner, in.len, true);
    return bld_ok(&b) ? b.len : 0;
}

/* EF 0007: FF50 82 02 13 { DF51 TLV, DF52 82 01 00 sig }. */
static inline size_t tf_ef0007(uint8_t *out, size_t cap, const uint8_t *df51, size_t df51_len,
                               const uint8_t *sig, size_t sig_len)
{
    uint8_t inner[2048];
    kofu_bld in, b;
    bld_init(&in, inner, sizeof inner);
    bld_add_bytes(&in, df51, df51_len);
    bld_add_ber(&in, 0xDF52, sig, sig_len, true);
    if (!bld_ok(&in))
        return 0;
    bld_init(&b, out, cap);
    bld_add_ber(&b, 0xFF50, inner, in.len, true);
    return bld_ok(&b) ? b.len : 0;
}

/* Deterministic filler for fake moduli and signatures (odd first/last
 * bytes, so a modulus looks like one). */
static inline void tf_pattern(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + 37 * i + (i >> 3));
    if (n) {
        p[0] |= 0x80;
        p[n - 1] |= 0x01;
    }
}

/* A full set of structurally valid files with pattern keys and signatures
 * (no real crypto): for the session tests and fuzz seeds. */
struct tf_set {
    uint8_t ef1[64], ef2[512], ef3[512], ef4[1024], ef7[1024];
    size_t ef1_len, ef2_len, ef3_len, ef4_len, ef7_len;
};

static inline bool tf_set_pattern(struct tf_set *s)
{
    static const uint8_t e[3] = {0x01, 0x00, 0x01};
    uint8_t h1[32], h2[32], sig[256], n[256], body[512], df51[512];
    static const uint8_t issuer[16] = "6000033\x08\x05" "001\0\0\0";
    static const uint8_t subject[16] = "6000033\x08\x05" "002\0\0\0";
    memset(s, 0, sizeof *s);
    tf_pattern(h1, sizeof h1, 1);
    tf_pattern(h2, sizeof h2, 2);
    tf_pattern(sig, sizeof sig, 3);
    tf_pattern(n, sizeof n, 4);
    s->ef1_len = tf_ef0001(s->ef1, sizeof s->ef1, "537686677188");
    s->ef2_len = tf_ef0002_example(s->ef2, sizeof s->ef2);
    s->ef3_len = tf_ef0003(s->ef3, sizeof s->ef3, h1, h2, sig, sizeof sig);
    size_t body_len = tf_cv_body(body, sizeof body, issuer, subject, e, sizeof e, n, sizeof n);
    s->ef4_len = tf_ef0004(s->ef4, sizeof s->ef4, body, body_len, sig, sizeof sig);
    tf_pattern(n, sizeof n, 5);
    size_t df51_len = tf_df51(df51, sizeof df51, e, sizeof e, n, sizeof n);
    s->ef7_len = tf_ef0007(s->ef7, sizeof s->ef7, df51, df51_len, sig, sizeof sig);
    return s->ef1_len == TF_EF0001_LEN && s->ef2_len == TF_EF0002_EXAMPLE_LEN && s->ef3_len == TF_EF0003_LEN &&
           s->ef4_len == TF_EF0004_LEN && s->ef7_len == TF_EF0007_LEN && body_len == TF_CV_BODY_LEN &&
           df51_len == TF_DF51_LEN;
}

#endif
