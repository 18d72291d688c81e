/*
 * test_passportsim.c — the virtual passport's chip model (tests/passportsim/
 * chip.c) driven APDU by APDU: ICAO 9303-11 App. D (BAC and three 3DES
 * secure-messaging exchanges) and App. G.1 (PACE-ECDH-GM on brainpoolP256r1)
 * replayed with the chip's randomness fixed to the published values, the
 * read rules (SFI, offsets, 62 82, 6B 00, short answers, 69 82 without
 * secure messaging), the MAC checks and every fault. The files (EF.SOD
 * signed by the test PKI's Document Signers) are checked with OpenSSL's CMS
 * directly. The terminal side here is written from the published vectors,
 * never with kofu's ICAO modules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tests/lib/testprint.h" /* kt_pki_dir */
#include "tests/lib/hex.h"
#include "tests/passportsim/chip.h"
#include "tests/passportsim/chip_crypto.h"
#include "tests/passportsim/chip_files.h"
#include "tests/passportsim/holder.h"

/* ---- helpers ------------------------------------------------------------- */

/* The chip's randomness, replayed from a hex string. */
struct fixed_rng {
    uint8_t bytes[128];
    size_t len, used;
};

static void fixed_rng_fn(void *arg, uint8_t *out, size_t n)
{
    struct fixed_rng *r = arg;
    assert_true(r->used + n <= r->len);
    memcpy(out, r->bytes + r->used, n);
    r->used += n;
}

static chip *chip_for(const char *holder_file, bool pace, const char *faults[])
{
    holder h;
    char err[300];
    static pf_set files;
    chip_faults f;
    chip_faults_init(&f);
    for (int i = 0; faults && faults[i]; i++)
        assert_true(chip_fault_parse(&f, faults[i], err, sizeof err));
    assert_true(holder_load(holder_file, &h, err, sizeof err));
    pf_opts o = {kt_pki_dir(), chip_faults_signer(&f) ? chip_faults_signer(&f) : h.signer, pace, f.tampered_dg1,
                 f.bad_sod_signature};
    if (!pf_build(&h, &o, &files, err, sizeof err))
        fail_msg("%s", err);
    chip *c = calloc(1, sizeof *c);
    assert_non_null(c);
    chip_init(c, &h, &files, pace, &f);
    chip_power(c, CHIP_POWER_ON);
    return c;
}

#define SPECIMEN "tests/passportsim/holders/specimen.json"
#define YAMADA "tests/passportsim/holders/yamada.json"

/* Sends hex C-APDU, returns the response length (data + SW) in r. */
static size_t xfer(chip *c, const char *capdu_hex, uint8_t *r)
{
    uint8_t a[300];
    size_t n = kt_unhex(capdu_hex, a, sizeof a), rlen = CHIP_RAPDU_MAX;
    chip_process_apdu(c, a, n, r, &rlen);
    assert_true(rlen >= 2 && rlen <= CHIP_RAPDU_MAX);
    return rlen;
}

static void expect(chip *c, const char *capdu_hex, const char *rapdu_hex)
{
    uint8_t r[CHIP_RAPDU_MAX], want[CHIP_RAPDU_MAX];
    size_t n = xfer(c, capdu_hex, r), wn = kt_unhex(rapdu_hex, want, sizeof want);
    if (n != wn || memcmp(r, want, n) != 0) {
        char got[2 * CHIP_RAPDU_MAX + 1];
        for (size_t i = 0; i < n; i++)
            snprintf(got + 2 * i, 3, "%02X", r[i]);
        fail_msg("%s\n  got  %s\n  want %s", capdu_hex, got, rapdu_hex);
    }
}

/* DES keys compared without their parity bits (App. D prints them with odd
 * parity; DES ignores it, so the chip does not set it). */
static void assert_des_key(const uint8_t *got, const char *want_hex)
{
    uint8_t want[16];
    kt_unhex(want_hex, want, sizeof want);
    for (int i = 0; i < 16; i++)
        assert_int_equal(got[i] & 0xFE, want[i] & 0xFE);
}

static uint16_t sw_of(const uint8_t *r, size_t n) { return (uint16_t)(r[n - 2] << 8 | r[n - 1]); }

/* App. D: RND.IC then K.IC. */
static const char app_d_rng[] = "4608F91988702212 0B4F80323EB3191CB04970CB4052790B";
static const char app_d_mutual_auth[] =
    "0082000028 72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2 5F1448EEA8AD90A7 28";
static const char app_d_chip_response[] =
    "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F 2F2D235D074D7449 9000";
/* D.4: SELECT EF.COM, READ BINARY 4, READ BINARY 18 at 4 and the chip's answers. */
static const char *const app_d_sm[3][2] = {
    {"0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800", "990290008E08FA855A5D4C50A8ED 9000"},
    {"0CB000000D9701048E08ED6705417E96BA5500", "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED 9000"},
    {"0CB000040D9701128E082EA28A70F3C7B53500",
     "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D74 9000"},
};

static chip *app_d_chip(const char *faults[], struct fixed_rng *rng)
{
    chip *c = chip_for(SPECIMEN, false, faults);
    rng->len = kt_unhex(app_d_rng, rng->bytes, sizeof rng->bytes);
    rng->used = 0;
    chip_set_rng(c, fixed_rng_fn, rng);
    expect(c, "00A4040C07A0000002471001", "9000");
    expect(c, "0084000008", "4608F91988702212 9000");
    return c;
}

/* ---- App. D -------------------------------------------------------------- */

static void test_app_d_bac_and_sm(void **state)
{
    (void)state;
    struct fixed_rng rng;
    chip *c = app_d_chip(NULL, &rng);
    expect(c, app_d_mutual_auth, app_d_chip_response);
    /* The session keys and SSC of D.3. */
    uint8_t want[16];
    assert_des_key(c->ks_enc, "979EC13B1CBFE9DCD01AB0FED307EAE5");
    assert_des_key(c->ks_mac, "F1CB1F1FB5ADF208806B89DC579DC1F8");
    assert_des_key(c->k_enc, "AB94FDECF2674FDFB9B391F85D7F76F2");
    assert_des_key(c->k_mac, "7962D9ECE03D1ACD4C76089DCE131543");
    for (int i = 0; i < 3; i++)
        expect(c, app_d_sm[i][0], app_d_sm[i][1]);
    kt_unhex("887022120C06C22C", want, 8);
    assert_memory_equal(c->ssc, want, 8);
    assert_string_equal(c->access, "BAC");
    free(c);
}

/* Wrong keys: the chip's keys come from another document number, so the
 * published (right) terminal cryptogram fails its MAC: 63 00, no keys. */
static void test_wrong_keys(void **state)
{
    (void)state;
    struct fixed_rng rng;
    const char *f[] = {"wrong-keys", NULL};
    chip *c = app_d_chip(f, &rng);
    expect(c, app_d_mutual_auth, "6300");
    assert_int_equal(c->sm, CHIP_SM_NONE);
    /* and a challenge is good for one try only */
    expect(c, app_d_mutual_auth, "6985");
    expect(c, "00A4020C02011E", "9000");
    expect(c, "00B0000004", "6982");
    free(c);
}

/* A command with a wrong MAC gets a bare 69 88 and ends the session: the
 * next (correct) command is refused as well. */
static void test_bad_command_mac_ends_session(void **state)
{
    (void)state;
    struct fixed_rng rng;
    chip *c = app_d_chip(NULL, &rng);
    expect(c, app_d_mutual_auth, app_d_chip_response);
    expect(c, "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F900", "6988");
    assert_int_equal(c->sm, CHIP_SM_NONE);
    expect(c, app_d_sm[0][0], "6988");
    /* no DO8E at all: 69 87 */
    c = (free(c), app_d_chip(NULL, &rng));
    expect(c, app_d_mutual_auth, app_d_chip_response);
    expect(c, "0CA4020C0B8709016375432908C044F600", "6987");
    expect(c, "00A4020C02011E", "9000");
    expect(c, "00B0000004", "6982");
    free(c);
}

/* bad-mac=2: the second protected response carries a MAC one bit off; the
 * first and the data are as published. */
static void test_fault_bad_mac(void **state)
{
    (void)state;
    struct fixed_rng rng;
    const char *f[] = {"bad-mac=2", NULL};
    chip *c = app_d_chip(f, &rng);
    expect(c, app_d_mutual_auth, app_d_chip_response);
    expect(c, app_d_sm[0][0], app_d_sm[0][1]);
    expect(c, app_d_sm[1][0], "8709019FF0EC34F9922651990290008E08AD55CC17140B2DEC 9000");
    /* a new session (the same challenge and keys again) counts from 1 again */
    rng.used = 0;
    expect(c, "0084000008", "4608F91988702212 9000");
    expect(c, app_d_mutual_auth, app_d_chip_response);
    expect(c, app_d_sm[0][0], app_d_sm[0][1]);
    expect(c, app_d_sm[1][0], "8709019FF0EC34F9922651990290008E08AD55CC17140B2DEC 9000");
    free(c);
    const char *f1[] = {"bad-mac", NULL};
    c = app_d_chip(f1, &rng);
    expect(c, app_d_mutual_auth, app_d_chip_response);
    expect(c, app_d_sm[0][0], "990290008E08FA855A5D4C50A8EC 9000");
    free(c);
}

/* ---- a terminal for further protected commands ---------------------------- */

/* A session as 9303-11 §9.8 describes it: 3DES (retail MAC, IV 0, 8-byte
 * blocks and SSC) or AES-128 (CMAC/8, IV = E(KS_enc, SSC), 16-byte blocks). */
struct term {
    bool aes;
    uint8_t ks_enc[16], ks_mac[16], ssc[16];
};

static size_t term_bs(const struct term *t) { return t->aes ? 16 : 8; }

static void term_inc(struct term *t)
{
    for (size_t i = term_bs(t); i-- > 0;)
        if (++t->ssc[i])
            break;
}

static void term_mac(const struct term *t, const uint8_t *in, size_t n, uint8_t out[8])
{
    if (t->aes)
        assert_true(cc_cmac8(t->ks_mac, in, n, out));
    else
        cc_retail_mac(t->ks_mac, in, n, out);
}

static void term_crypt(const struct term *t, const uint8_t *in, uint8_t *out, size_t n, bool enc)
{
    uint8_t iv[16];
    if (!t->aes) {
        cc_3des_cbc(t->ks_enc, in, out, n, enc);
        return;
    }
    assert_true(cc_aes_block(t->ks_enc, t->ssc, iv));
    assert_true(cc_aes_cbc(t->ks_enc, iv, in, out, n, enc));
}

/* Protects header + data + Le (Le < 0: none), sends it and checks the
 * response MAC; returns the SW and the plain data. */
static uint16_t term_send(chip *c, struct term *t, const uint8_t hdr[4], const uint8_t *data, size_t n, int le,
                          uint8_t *out, size_t *out_len)
{
    uint8_t apdu[300], mac_in[300], buf[300], cc[8];
    size_t a = 0, m = 0, bs = term_bs(t);
    term_inc(t);
    apdu[a++] = 0x0C;
    memcpy(apdu + a, hdr + 1, 3);
    a += 4; /* Lc later */
    size_t body = a;
    if (n) {
        memcpy(buf, data, n);
        size_t p = cc_pad(buf, n, bs);
        apdu[a++] = 0x87;
        apdu[a++] = (uint8_t)(p + 1);
        apdu[a++] = 0x01;
        term_crypt(t, buf, apdu + a, p, true);
        a += p;
    }
    if (le >= 0) {
        apdu[a++] = 0x97;
        apdu[a++] = 0x01;
        apdu[a++] = (uint8_t)le;
    }
    memcpy(mac_in, t->ssc, bs);
    mac_in[bs] = 0x0C;
    memcpy(mac_in + bs + 1, hdr + 1, 3);
    m = cc_pad(mac_in, bs + 4, bs);
    memcpy(mac_in + m, apdu + body, a - body);
    m = cc_pad(mac_in, m + a - body, bs);
    term_mac(t, mac_in, m, cc);
    apdu[a++] = 0x8E;
    apdu[a++] = 0x08;
    memcpy(apdu + a, cc, 8);
    a += 8;
    apdu[body - 1] = (uint8_t)(a - body);
    apdu[a++] = 0x00;
    uint8_t r[CHIP_RAPDU_MAX];
    size_t rl = sizeof r;
    chip_process_apdu(c, apdu, a, r, &rl);
    *out_len = 0;
    if (rl == 2)
        return sw_of(r, rl); /* a bare SW: no MAC */
    term_inc(t);
    /* [87 L 01 enc] 99 02 SW 8E 08 MAC SW */
    size_t i = 0, enc_at = 0, enc_len = 0;
    if (r[0] == 0x87) {
        size_t l = r[1], h = 2;
        if (l == 0x81) {
            l = r[2];
            h = 3;
        }
        assert_int_equal(r[h], 0x01);
        enc_at = h + 1;
        enc_len = l - 1;
        i = h + l;
    }
    assert_int_equal(r[i], 0x99);
    assert_int_equal(r[i + 4], 0x8E);
    memcpy(mac_in, t->ssc, bs);
    memcpy(mac_in + bs, r, i + 4);
    m = cc_pad(mac_in, bs + i + 4, bs);
    term_mac(t, mac_in, m, cc);
    assert_memory_equal(cc, r + i + 6, 8);
    assert_int_equal(rl, i + 4 + 10 + 2);
    assert_memory_equal(r + i + 2, r + rl - 2, 2);
    if (enc_len) {
        assert_int_equal(enc_len % bs, 0);
        term_crypt(t, r + enc_at, buf, enc_len, false);
        long pl = cc_unpad(buf, enc_len);
        assert_true(pl >= 0);
        memcpy(out, buf, (size_t)pl);
        *out_len = (size_t)pl;
    }
    return sw_of(r, rl);
}

/* After App. D's exchanges: SSC …2C and the session keys. */
static chip *app_d_session(const char *faults[], struct fixed_rng *rng, struct term *t)
{
    chip *c = app_d_chip(faults, rng);
    expect(c, app_d_mutual_auth, app_d_chip_response);
    memset(t, 0, sizeof *t);
    kt_unhex("979EC13B1CBFE9DCD01AB0FED307EAE5", t->ks_enc, 16);
    kt_unhex("F1CB1F1FB5ADF208806B89DC579DC1F8", t->ks_mac, 16);
    kt_unhex("887022120C06C226", t->ssc, 8);
    return c;
}

static void test_reads_under_sm(void **state)
{
    (void)state;
    struct fixed_rng rng;
    struct term t;
    uint8_t out[300];
    size_t n;
    chip *c = app_d_session(NULL, &rng, &t);
    /* READ BINARY by SFI (DG1 = 01): P1 = 81, offset P2. */
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x81, 0x00}, NULL, 0, 4, out, &n), 0x9000);
    assert_int_equal(n, 4);
    assert_memory_equal(out, "\x61\x5B\x5F\x1F", 4);
    /* the rest of DG1 (93 bytes) with an explicit Le beyond the end: 62 82 */
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x00, 0x04}, NULL, 0, 0xDF, out, &n), 0x6282);
    assert_int_equal(n, 89);
    assert_memory_equal(out + 1, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C<3UTO6908061F9406236ZE184226B<<<<<14",
                        88);
    /* exactly to the end: 90 00; one past: 6B 00 */
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x00, 0x5C}, NULL, 0, 1, out, &n), 0x9000);
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x00, 0x5D}, NULL, 0, 1, out, &n), 0x6B00);
    /* Le 00 on EF.SOD: the largest answer that fits a protected short response */
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xA4, 0x02, 0x0C}, (const uint8_t[]){0x01, 0x1D}, 2, -1,
                               out, &n),
                     0x9000);
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x00, 0x00}, NULL, 0, 0, out, &n), 0x9000);
    assert_int_equal(n, 231);
    assert_int_equal(out[0], 0x77);
    /* a file the application does not have, and CardAccess (MF only) */
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xA4, 0x02, 0x0C}, (const uint8_t[]){0x01, 0x0B}, 2, -1,
                               out, &n),
                     0x6A82);
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x9C, 0x00}, NULL, 0, 0, out, &n), 0x6A82);
    /* a plain command ends secure messaging */
    expect(c, "00B0000004", "6982");
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x81, 0x00}, NULL, 0, 4, out, &n), 0x6988);
    free(c);
}

static void test_fault_short_reads(void **state)
{
    (void)state;
    struct fixed_rng rng;
    struct term t;
    uint8_t out[300];
    size_t n;
    const char *f[] = {"short-reads=5", NULL};
    chip *c = app_d_session(f, &rng, &t);
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x81, 0x00}, NULL, 0, 0x20, out, &n), 0x9000);
    assert_int_equal(n, 5);
    /* at the end of the file: the last bytes, then 62 82 */
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x00, 0x5B}, NULL, 0, 0x20, out, &n), 0x6282);
    assert_int_equal(n, 2);
    free(c);
}

/* Without secure messaging: the application's files are refused, the MF's
 * EF.CardAccess is free (PACE chips only), by SFI and by file id. */
static void test_plain_access(void **state)
{
    (void)state;
    uint8_t r[CHIP_RAPDU_MAX];
    chip *c = chip_for(SPECIMEN, true, NULL);
    expect(c, "00A4000C023F00", "9000");
    expect(c, "00B09C0000", "31143012060A04007F0007020204020202010202010D 9000");
    expect(c, "00B09C0004", "31143012 9000");
    expect(c, "00B09C1210", "0202010D 6282");
    expect(c, "00B09C1601", "6B00");
    expect(c, "00A4020C02011C", "9000");
    expect(c, "00B0000203", "301206 9000");
    expect(c, "00A4040C07A0000002471002", "6A82");
    expect(c, "00A4040C07A0000002471001", "9000");
    expect(c, "00A4020C02011E", "9000");
    expect(c, "00B0000004", "6982");
    expect(c, "00B09E0004", "6982");
    expect(c, "00B0000000", "6982");
    expect(c, "00B09C0000", "6A82");     /* CardAccess is not in the application */
    expect(c, "0CB0000004", "6988");     /* SM without a session */
    expect(c, "00CA010000", "6D00");
    expect(c, "80A4040C07A0000002471001", "6E00");
    expect(c, "00A4040C000007A0000002471001", "6700"); /* extended length */
    assert_int_equal(xfer(c, "00A4", r), 2);
    free(c);
    /* BAC-only: no EF.CardAccess, no PACE */
    c = chip_for(SPECIMEN, false, NULL);
    expect(c, "00B09C0000", "6A82");
    expect(c, "0022C1A412800A04007F0007020204020283010184010D", "6D00");
    free(c);
}

static void test_fault_pace_only(void **state)
{
    (void)state;
    const char *f[] = {"pace-only", NULL};
    chip *c = chip_for(SPECIMEN, true, f);
    expect(c, "00A4040C07A0000002471001", "9000");
    expect(c, "0084000008", "6D00");
    expect(c, app_d_mutual_auth, "6D00");
    free(c);
}

/* ---- App. G.1 ------------------------------------------------------------ */

/* The App. G.1 chip: MRZ T22000129 / 640812 / 101031, nonce s, SK_map,IC
 * and SK_IC as published (ICAO 9303-11 App. G.1; the terminal's values are
 * in the commands). */
static const char app_g_rng[] = "3F00C4D39D153F2B2A214A078D899B22"
                                "498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560"
                                "107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A";

static chip *app_g_chip(struct fixed_rng *rng, const char *faults[])
{
    chip_faults f;
    char err[200];
    chip_faults_init(&f);
    for (int i = 0; faults && faults[i]; i++)
        assert_true(chip_fault_parse(&f, faults[i], err, sizeof err));
    holder h = {.document_number = "T22000129", .issuing_state = "D<<", .nationality = "D<<",
                .birth_date = "640812", .sex = 'F', .expiry_date = "101031", .signer = "ds-ut"};
    memset(h.name, '<', 39);
    memset(h.personal_number, '<', 14);
    static pf_set files;
    memset(&files, 0, sizeof files);
    memcpy(files.card_access.data, pf_card_access, sizeof pf_card_access);
    files.card_access.len = sizeof pf_card_access;
    chip *c = calloc(1, sizeof *c);
    assert_non_null(c);
    chip_init(c, &h, &files, true, &f);
    chip_power(c, CHIP_POWER_ON);
    rng->len = kt_unhex(app_g_rng, rng->bytes, sizeof rng->bytes);
    rng->used = 0;
    chip_set_rng(c, fixed_rng_fn, rng);
    return c;
}

static const char *const app_g[5][2] = {
    {"0022C1A412800A04007F0007020204020283010184010D", "9000"},
    {"10860000027C0000", "7C12801095A3A016522EE98D01E76CB6B98B42C3 9000"},
    {"10860000457C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
     "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D00",
     "7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
     "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54 9000"},
    {"10860000457C438341042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
     "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB3646200",
     "7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
     "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094 9000"},
    {"008600000C7C0A8508C2B0BD78D94BA86600", "7C0A86083ABB9674BCE93C08 9000"},
};

static void test_app_g_pace(void **state)
{
    (void)state;
    struct fixed_rng rng;
    chip *c = app_g_chip(&rng, NULL);
    for (int i = 0; i < 5; i++)
        expect(c, app_g[i][0], app_g[i][1]);
    uint8_t ks_enc[16], ks_mac[16];
    kt_unhex("F5F0E35C0D7161EE6724EE513A0D9A7F", ks_enc, 16);
    assert_memory_equal(c->ks_enc, ks_enc, 16);
    kt_unhex("FE251C7858B356B24514B3BD5F4297D1", ks_mac, 16);
    assert_memory_equal(c->ks_mac, ks_mac, 16);
    assert_int_equal(c->sm, CHIP_SM_AES);
    assert_string_equal(c->access, "PACE");
    /* SSC starts at zero; the first protected command (SELECT of the
     * application, as after PACE) is answered under AES SM. Built here from
     * the published keys: IV = E(KS_enc, SSC), CMAC over padded input. */
    uint8_t ssc[16] = {0}, iv[16], buf[64], apdu[64], mac[8];
    ssc[15] = 1;
    memcpy(buf, "\xA0\x00\x00\x02\x47\x10\x01", 7);
    size_t p = cc_pad(buf, 7, 16);
    assert_true(cc_aes_block(ks_enc, ssc, iv));
    size_t a = 0;
    memcpy(apdu, "\x0C\xA4\x04\x0C\x00\x87\x11\x01", 8);
    a = 8;
    assert_true(cc_aes_cbc(ks_enc, iv, buf, apdu + a, p, true));
    a += p;
    uint8_t n[80];
    memcpy(n, ssc, 16);
    memcpy(n + 16, "\x0C\xA4\x04\x0C", 4);
    size_t m = cc_pad(n, 20, 16);
    memcpy(n + m, apdu + 5, a - 5);
    m = cc_pad(n, m + a - 5, 16);
    assert_true(cc_cmac8(ks_mac, n, m, mac));
    memcpy(apdu + a, "\x8E\x08", 2);
    memcpy(apdu + a + 2, mac, 8);
    a += 10;
    apdu[4] = (uint8_t)(a - 5);
    apdu[a++] = 0x00;
    uint8_t r[CHIP_RAPDU_MAX];
    size_t rl = sizeof r;
    chip_process_apdu(c, apdu, a, r, &rl);
    assert_int_equal(rl, 16);
    assert_memory_equal(r, "\x99\x02\x90\x00\x8E\x08", 6);
    assert_int_equal(sw_of(r, rl), 0x9000);
    ssc[15] = 2;
    memcpy(n, ssc, 16);
    memcpy(n + 16, "\x99\x02\x90\x00", 4);
    assert_true(cc_cmac8(ks_mac, n, cc_pad(n, 20, 16), mac));
    assert_memory_equal(r + 6, mac, 8);
    assert_true(c->in_app);
    free(c);
}

/* A PACE terminal with App. G.1's password and private keys; it builds its
 * own commands from the chip's answers. Returns the last SW. */
static uint16_t pace_terminal(chip *c, uint8_t cmds[5][80], size_t cmd_len[5])
{
    uint8_t r[CHIP_RAPDU_MAX], kpi[16], s[16], pk_ic[65], x[32], ks_mac[16], tok[8], buf[120];
    size_t n;
    kt_unhex("89DED1B26624EC1E634C1989302849DD", kpi, 16);
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_brainpoolP256r1);
    BN_CTX *bn = BN_CTX_new();
    BIGNUM *sk_map = BN_new(), *sk = BN_new(), *bs = BN_new(), *one = BN_new(), *bx = BN_new();
    EC_POINT *p = EC_POINT_new(g), *h = EC_POINT_new(g), *gm = EC_POINT_new(g), *q = EC_POINT_new(g);
    assert_true(BN_hex2bn(&sk_map, "7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99"));
    assert_true(BN_hex2bn(&sk, "A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595"));
    assert_true(BN_one(one));
    /* MSE:Set AT, GA 1: the nonce */
    cmd_len[0] = kt_unhex("0022C1A412800A04007F0007020204020283010184010D", cmds[0], 80);
    chip_process_apdu(c, cmds[0], cmd_len[0], r, &(size_t){CHIP_RAPDU_MAX});
    cmd_len[1] = kt_unhex("10860000027C0000", cmds[1], 80);
    n = CHIP_RAPDU_MAX;
    chip_process_apdu(c, cmds[1], cmd_len[1], r, &n);
    assert_int_equal(n, 22);
    assert_true(cc_aes_cbc(kpi, NULL, r + 4, s, 16, false));
    assert_non_null(BN_bin2bn(s, 16, bs));
    /* GA 2: mapping */
    assert_true(EC_POINT_mul(g, p, sk_map, NULL, NULL, bn));
    memcpy(cmds[2], "\x10\x86\x00\x00\x45\x7C\x43\x81\x41", 9);
    assert_int_equal(EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, cmds[2] + 9, 65, bn), 65);
    cmds[2][74] = 0x00;
    cmd_len[2] = 75;
    n = CHIP_RAPDU_MAX;
    chip_process_apdu(c, cmds[2], cmd_len[2], r, &n);
    assert_int_equal(n, 71);
    assert_true(EC_POINT_oct2point(g, p, r + 4, 65, bn));
    assert_true(EC_POINT_mul(g, h, NULL, p, sk_map, bn));
    assert_true(EC_POINT_mul(g, gm, bs, h, one, bn));
    /* GA 3: key agreement on G~ */
    assert_true(EC_POINT_mul(g, q, NULL, gm, sk, bn));
    memcpy(cmds[3], "\x10\x86\x00\x00\x45\x7C\x43\x83\x41", 9);
    assert_int_equal(EC_POINT_point2oct(g, q, POINT_CONVERSION_UNCOMPRESSED, cmds[3] + 9, 65, bn), 65);
    cmds[3][74] = 0x00;
    cmd_len[3] = 75;
    n = CHIP_RAPDU_MAX;
    chip_process_apdu(c, cmds[3], cmd_len[3], r, &n);
    assert_int_equal(n, 71);
    memcpy(pk_ic, r + 4, 65);
    assert_true(EC_POINT_oct2point(g, p, pk_ic, 65, bn));
    assert_true(EC_POINT_mul(g, q, NULL, p, sk, bn));
    assert_true(EC_POINT_get_affine_coordinates(g, q, bx, NULL, bn));
    assert_int_equal(BN_bn2binpad(bx, x, 32), 32);
    cc_kdf16(x, 32, 2, ks_mac);
    /* GA 4: T_IFD over PK_IC */
    memcpy(buf, "\x7F\x49\x4F\x06\x0A\x04\x00\x7F\x00\x07\x02\x02\x04\x02\x02\x86\x41", 17);
    memcpy(buf + 17, pk_ic, 65);
    assert_true(cc_cmac8(ks_mac, buf, 82, tok));
    memcpy(cmds[4], "\x00\x86\x00\x00\x0C\x7C\x0A\x85\x08", 9);
    memcpy(cmds[4] + 9, tok, 8);
    cmds[4][17] = 0x00;
    cmd_len[4] = 18;
    n = CHIP_RAPDU_MAX;
    chip_process_apdu(c, cmds[4], cmd_len[4], r, &n);
    EC_POINT_free(p);
    EC_POINT_free(h);
    EC_POINT_free(gm);
    EC_POINT_free(q);
    BN_free(sk_map);
    BN_free(sk);
    BN_free(bs);
    BN_free(one);
    BN_free(bx);
    BN_CTX_free(bn);
    EC_GROUP_free(g);
    return sw_of(r, n);
}

/* The terminal above replays App. G.1 exactly against the right chip... */
static void test_pace_terminal_replays_app_g(void **state)
{
    (void)state;
    struct fixed_rng rng;
    uint8_t cmds[5][80], want[80];
    size_t len[5];
    chip *c = app_g_chip(&rng, NULL);
    assert_int_equal(pace_terminal(c, cmds, len), 0x9000);
    for (int i = 0; i < 5; i++) {
        size_t wl = kt_unhex(app_g[i][0], want, sizeof want);
        assert_int_equal(len[i], wl);
        assert_memory_equal(cmds[i], want, wl);
    }
    free(c);
}

/* ...and against a chip keyed from another document number (wrong-keys)
 * it decrypts another nonce, maps to another generator, and the chip
 * refuses its token: 63 00, no session. */
static void test_pace_wrong_keys(void **state)
{
    (void)state;
    struct fixed_rng rng;
    uint8_t cmds[5][80];
    size_t len[5];
    const char *f[] = {"wrong-keys", NULL};
    chip *c = app_g_chip(&rng, f);
    assert_int_equal(pace_terminal(c, cmds, len), 0x6300);
    assert_int_equal(c->sm, CHIP_SM_NONE);
    assert_string_equal(c->access, "none");
    free(c);
}

/* After App. G.1's PACE: the application and its files under AES secure
 * messaging (SSC from 0), with the answer size capped for AES. */
static void test_reads_under_aes_sm(void **state)
{
    (void)state;
    struct fixed_rng rng;
    struct term t = {.aes = true};
    uint8_t out[300];
    size_t n;
    chip *c = app_g_chip(&rng, NULL);
    holder h;
    char err[200];
    pf_set *files = calloc(1, sizeof *files);
    assert_true(holder_load(SPECIMEN, &h, err, sizeof err));
    pf_opts o = {kt_pki_dir(), "ds-ut", true, false, false};
    assert_true(pf_build(&h, &o, files, err, sizeof err));
    chip_set_files(c, files); /* App. G.1's keys, the specimen's files */
    free(files);
    for (int i = 0; i < 5; i++)
        expect(c, app_g[i][0], app_g[i][1]);
    kt_unhex("F5F0E35C0D7161EE6724EE513A0D9A7F", t.ks_enc, 16);
    kt_unhex("FE251C7858B356B24514B3BD5F4297D1", t.ks_mac, 16);
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xA4, 0x04, 0x0C},
                               (const uint8_t[]){0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01}, 7, -1, out, &n),
                     0x9000);
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x9E, 0x00}, NULL, 0, 0, out, &n), 0x9000);
    assert_int_equal(n, 22);
    assert_memory_equal(out, "\x60\x14\x5F\x01", 4);
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x9D, 0x00}, NULL, 0, 0, out, &n), 0x9000);
    assert_int_equal(n, 223);
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x81, 0x00}, NULL, 0, 0xDF, out, &n), 0x6282);
    assert_int_equal(n, 93);
    assert_memory_equal(out + 5, "P<UTOERIKSSON", 13);
    /* a wrong MAC under AES: 69 88, session over */
    t.ks_mac[0] ^= 1;
    assert_int_equal(term_send(c, &t, (const uint8_t[]){0, 0xB0, 0x81, 0x00}, NULL, 0, 4, out, &n), 0x6988);
    assert_int_equal(c->sm, CHIP_SM_NONE);
    free(c);
}

/* PACE refuses points off the curve and steps out of order. */
static void test_pace_bad_input(void **state)
{
    (void)state;
    struct fixed_rng rng;
    chip *c = app_g_chip(&rng, NULL);
    expect(c, app_g[1][0], "6985"); /* GA before MSE */
    expect(c, app_g[0][0], "9000");
    expect(c, app_g[1][0], "7C12801095A3A016522EE98D01E76CB6B98B42C3 9000");
    /* PK_map,IFD with y changed: not on the curve */
    expect(c,
           "10860000457C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
           "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922E00",
           "6A80");
    expect(c, app_g[2][0], "6985"); /* the PACE run was dropped */
    expect(c, "0022C1A412800A04007F0007020204020383010184010D", "6A80"); /* AES-192: not offered */
    free(c);
}

/* ---- files --------------------------------------------------------------- */

static void test_holder_mrz(void **state)
{
    (void)state;
    holder h;
    char err[200], mrz[HOLDER_MRZ_LEN + 1], info[HOLDER_MRZ_INFO_LEN + 1];
    assert_true(holder_load(SPECIMEN, &h, err, sizeof err));
    holder_mrz(&h, mrz);
    assert_string_equal(mrz, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
                             "L898902C<3UTO6908061F9406236ZE184226B<<<<<14");
    holder_mrz_info(&h, h.document_number, info);
    assert_string_equal(info, "L898902C<369080619406236");
    assert_true(holder_load(YAMADA, &h, err, sizeof err));
    holder_mrz(&h, mrz);
    assert_string_equal(mrz + 44, "TZ12345676JPN8002170M3103315<<<<<<<<<<<<<<<0");
    assert_string_equal(h.signer, "ds-jp");
    /* a bad file names the field, not the value */
    assert_false(holder_load("tests/passportsim/README.md", &h, err, sizeof err));
}

struct sod {
    CMS_ContentInfo *cms;
    uint8_t so[256];
    size_t so_len;
};

/* Opens EF.SOD with OpenSSL alone; verify = CMS signature check. */
static bool sod_open(const pf_ef *ef, struct sod *s, bool verify)
{
    assert_int_equal(ef->data[0], 0x77);
    size_t h = ef->data[1] == 0x82 ? 4 : ef->data[1] == 0x81 ? 3 : 2;
    const unsigned char *p = ef->data + h;
    s->cms = d2i_CMS_ContentInfo(NULL, &p, (long)(ef->len - h));
    assert_non_null(s->cms);
    assert_ptr_equal(p, ef->data + ef->len);
    BIO *out = BIO_new(BIO_s_mem());
    bool ok = CMS_verify(s->cms, NULL, NULL, NULL, out, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
    if (ok || !verify) {
        ASN1_OCTET_STRING **content = CMS_get0_content(s->cms);
        assert_non_null(content);
        s->so_len = (size_t)ASN1_STRING_length(*content);
        assert_true(s->so_len <= sizeof s->so);
        memcpy(s->so, ASN1_STRING_get0_data(*content), s->so_len);
    }
    BIO_free(out);
    return ok;
}

/* The DG1 hash in the LDSSecurityObject equals SHA-256 of the served DG1. */
static bool sod_dg1_matches(const struct sod *s, const pf_ef *dg1)
{
    uint8_t md[32];
    unsigned ml;
    EVP_Digest(dg1->data, dg1->len, md, &ml, EVP_sha256(), NULL);
    /* SEQ { INT 1, OCTET 32 } */
    static const uint8_t dg1_entry[] = {0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20};
    for (size_t i = 0; i + sizeof dg1_entry + 32 <= s->so_len; i++)
        if (memcmp(s->so + i, dg1_entry, sizeof dg1_entry) == 0)
            return memcmp(s->so + i + sizeof dg1_entry, md, 32) == 0;
    fail_msg("no DG1 entry in the LDSSecurityObject");
    return false;
}

static X509 *signer_cert(const struct sod *s)
{
    STACK_OF(X509) *signers = CMS_get0_signers(s->cms);
    assert_int_equal(sk_X509_num(signers), 1);
    X509 *x = sk_X509_value(signers, 0);
    X509_up_ref(x);
    sk_X509_free(signers);
    return x;
}

static bool same_cert(X509 *x, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/passport/%s.pem", kt_pki_dir(), name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    X509 *y = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    bool same = y && X509_cmp(x, y) == 0;
    X509_free(y);
    return same;
}

static void test_files(void **state)
{
    (void)state;
    struct sod s;
    chip *c = chip_for(SPECIMEN, true, NULL);
    /* DG1: 61 5B 5F1F 58 + the MRZ */
    assert_int_equal(c->files.dg1.len, 93);
    assert_memory_equal(c->files.dg1.data, "\x61\x5B\x5F\x1F\x58P<UTOERIKSSON", 18);
    assert_memory_equal(c->files.com.data, "\x60\x14\x5F\x01\x04" "0106", 9);
    assert_true(sod_open(&c->files.sod, &s, true));
    assert_true(sod_dg1_matches(&s, &c->files.dg1));
    char oid[64];
    OBJ_obj2txt(oid, sizeof oid, CMS_get0_eContentType(s.cms), 1);
    assert_string_equal(oid, "2.23.136.1.1.1");
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(s.cms), 0);
    assert_true(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0);
    X509 *x = signer_cert(&s);
    assert_true(same_cert(x, "ds-ut"));
    assert_false(same_cert(x, "ds-jp")); /* the comparison can tell */
    X509_free(x);
    CMS_ContentInfo_free(s.cms);
    free(c);

    c = chip_for(YAMADA, false, NULL);
    assert_int_equal(c->files.card_access.len, 0);
    assert_true(sod_open(&c->files.sod, &s, true));
    x = signer_cert(&s);
    assert_true(same_cert(x, "ds-jp"));
    X509_free(x);
    CMS_ContentInfo_free(s.cms);
    free(c);
}

static void test_file_faults(void **state)
{
    (void)state;
    struct sod s;
    const char *tamper[] = {"tampered-dg1", NULL};
    chip *c = chip_for(YAMADA, false, tamper);
    assert_true(sod_open(&c->files.sod, &s, true));
    assert_false(sod_dg1_matches(&s, &c->files.dg1));
    assert_int_equal(c->files.dg1.len, 93);
    CMS_ContentInfo_free(s.cms);
    free(c);

    const char *badsig[] = {"bad-sod-signature", NULL};
    c = chip_for(YAMADA, false, badsig);
    assert_false(sod_open(&c->files.sod, &s, false));
    assert_true(sod_dg1_matches(&s, &c->files.dg1));
    CMS_ContentInfo_free(s.cms);
    free(c);

    const char *names[][2] = {{"other-csca", "ds-rogue"}, {"expired-ds", "ds-expired"}};
    for (int i = 0; i < 2; i++) {
        const char *f[] = {names[i][0], NULL};
        c = chip_for(YAMADA, false, f);
        assert_true(sod_open(&c->files.sod, &s, true));
        X509 *x = signer_cert(&s);
        assert_true(same_cert(x, names[i][1]));
        assert_false(same_cert(x, "ds-jp"));
        X509_free(x);
        CMS_ContentInfo_free(s.cms);
        free(c);
    }
}

static void test_fault_parse(void **state)
{
    (void)state;
    chip_faults f;
    char err[300];
    chip_faults_init(&f);
    assert_true(chip_fault_parse(&f, "bad-mac", err, sizeof err));
    assert_int_equal(f.bad_mac, 1);
    assert_true(chip_fault_parse(&f, "bad-mac=3", err, sizeof err));
    assert_int_equal(f.bad_mac, 3);
    assert_true(chip_fault_parse(&f, "remove-after=0", err, sizeof err));
    assert_int_equal(f.remove_after, 0);
    assert_true(chip_fault_parse(&f, "short-reads=256", err, sizeof err));
    assert_false(chip_fault_parse(&f, "short-reads=0", err, sizeof err));
    assert_false(chip_fault_parse(&f, "short-reads", err, sizeof err));
    assert_false(chip_fault_parse(&f, "bad-mac=x", err, sizeof err));
    assert_false(chip_fault_parse(&f, "mute=1", err, sizeof err));
    assert_false(chip_fault_parse(&f, "wrong", err, sizeof err));
    assert_non_null(strstr(err, "unknown fault"));
    assert_int_equal(f.short_reads, 256);
    assert_true(chip_fault_parse(&f, "clear", err, sizeof err));
    assert_int_equal(f.bad_mac, 0);
    assert_int_equal(f.remove_after, -1);
    assert_null(chip_faults_signer(&f));
    assert_true(chip_fault_parse(&f, "other-csca", err, sizeof err));
    assert_string_equal(chip_faults_signer(&f), "ds-rogue");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_app_d_bac_and_sm),
        cmocka_unit_test(test_wrong_keys),
        cmocka_unit_test(test_bad_command_mac_ends_session),
        cmocka_unit_test(test_fault_bad_mac),
        cmocka_unit_test(test_reads_under_sm),
        cmocka_unit_test(test_fault_short_reads),
        cmocka_unit_test(test_plain_access),
        cmocka_unit_test(test_fault_pace_only),
        cmocka_unit_test(test_app_g_pace),
        cmocka_unit_test(test_pace_terminal_replays_app_g),
        cmocka_unit_test(test_pace_wrong_keys),
        cmocka_unit_test(test_reads_under_aes_sm),
        cmocka_unit_test(test_pace_bad_input),
        cmocka_unit_test(test_holder_mrz),
        cmocka_unit_test(test_files),
        cmocka_unit_test(test_file_faults),
        cmocka_unit_test(test_fault_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
