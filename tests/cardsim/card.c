/* card.c — see card.h. Status words follow docs/card.md ("Status words") and ISO 7816-4. */
#include "card.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"

/* Status words used here. */
#define SW_OK 0x9000
#define SW_EOF_WARNING 0x6282       /* end of file reached before Le bytes */
#define SW_WRONG_LENGTH 0x6700
#define SW_NO_CHANNEL 0x6881        /* logical channels other than 0 */
#define SW_NO_SM 0x6882             /* secure messaging not supported */
#define SW_INCOMPATIBLE_FILE 0x6981 /* e.g. READ BINARY on a key EF */
#define SW_SECURITY 0x6982          /* PIN not verified */
#define SW_BLOCKED 0x6984           /* PIN blocked */
#define SW_CONDITIONS 0x6985        /* nothing to GET RESPONSE, no DF for 80 2A */
#define SW_NO_CURRENT_EF 0x6986
#define SW_NOT_FOUND 0x6A82
#define SW_BAD_P1P2 0x6A86
#define SW_REF_NOT_FOUND 0x6A88
#define SW_OFFSET 0x6B00
#define SW_BAD_INS 0x6D00
#define SW_BAD_CLA 0x6E00
#define SW_INTERNAL 0x6F00
#define SW_TRIES(x) ((uint16_t)(0x63C0 | (x)))

#define CARD_CHALLENGE_MAX 32
#define CARD_SIGN_IN_MAX 245 /* RSA-2048 PKCS#1 v1.5: 256 − 11 bytes of padding */
#define CARD_FID_PIN 0x0011

static const uint8_t card_aid_kenhojo[] = {0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08};
#define CARD_AID_PREFIX_MIN 5 /* JICSAP allows selecting by a prefix of the DF name */

/* The other applets (docs/card.md, "Applets"): selectable, but this model gives them no files. */
static const struct {
    uint8_t aid[10];
    size_t len;
} card_other_aids[] = {
    {{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02}, 10}, /* Kenkaku */
    {{0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}, 10}, /* JPKI */
    {{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x01}, 10}, /* Juki */
    {{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00}, 10}, /* common card AP */
    {{0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00}, 7},                    /* GlobalPlatform ISD */
};

/* A parsed short C-APDU; `data` views the command data field. */
typedef struct {
    uint8_t cla, ins, p1, p2;
    kofu_cur data;
    bool has_data;
    bool has_le;
    size_t ne; /* expected response length; Le 00 means 256 */
} card_apdu;

typedef uint16_t (*card_handler)(card *c, const card_apdu *a, kofu_bld *out);

/* ---- faults --------------------------------------------------------------- */

void card_faults_init(card_faults *f)
{
    memset(f, 0, sizeof *f);
    f->remove_after = -1;
}

/* Parses the decimal after "name=" into lo..hi. */
static bool card_fault_number(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Faults with a number: name=N. Returns false if `spec` is not one of them. */
static bool card_fault_numeric(card_faults *f, const char *spec, bool *ok)
{
    static const struct {
        const char *prefix;
        unsigned long lo, hi;
    } tbl[] = {{"remove-after=", 0, 1000000}, {"slow=", 0, 60000}, {"short-reads=", 1, 256}};
    for (size_t i = 0; i < sizeof tbl / sizeof *tbl; i++) {
        size_t n = strlen(tbl[i].prefix);
        if (strncmp(spec, tbl[i].prefix, n) != 0)
            continue;
        unsigned long v;
        *ok = card_fault_number(spec + n, tbl[i].lo, tbl[i].hi, &v);
        if (*ok && i == 0)
            f->remove_after = (long)v;
        else if (*ok && i == 1)
            f->slow_ms = (unsigned)v;
        else if (*ok)
            f->short_reads = (unsigned)v;
        return true;
    }
    return false;
}

/* Faults that are plain switches. Returns false if `spec` is not one. */
static bool card_fault_flag(card_faults *f, const char *spec)
{
    const struct {
        const char *name;
        bool *flag;
    } tbl[] = {
        {"bad-hash", &f->bad_hash},         {"forged-cv", &f->forged_cv},
        {"long-form", &f->long_form},       {"eof-6282", &f->eof_6282},
        {"le-6c", &f->le_6c},               {"get-response", &f->get_response},
        {"no-presence", &f->no_presence},   {"bad-presence", &f->bad_presence},
        {"mute", &f->mute},
    };
    for (size_t i = 0; i < sizeof tbl / sizeof *tbl; i++) {
        if (strcmp(spec, tbl[i].name) == 0) {
            *tbl[i].flag = true;
            return true;
        }
    }
    return false;
}

bool card_fault_parse(card_faults *f, const char *spec, char *err, size_t errlen)
{
    card_faults tmp = *f;
    bool ok = true;
    if (strcmp(spec, "clear") == 0)
        card_faults_init(&tmp);
    else if (card_fault_numeric(&tmp, spec, &ok)) {
        if (!ok) {
            snprintf(err, errlen, "bad number in fault \"%.60s\"", spec);
            return false;
        }
    } else if (!card_fault_flag(&tmp, spec)) {
        snprintf(err, errlen, "unknown fault \"%.60s\"", spec);
        return false;
    }
    *f = tmp;
    return true;
}

/* ---- life cycle ----------------------------------------------------------- */

static cfiles_opts card_file_opts(const card_faults *f)
{
    cfiles_opts o = {.bad_hash = f->bad_hash, .forged_cv = f->forged_cv, .long_form = f->long_form};
    return o;
}

static void card_drop_pending(card *c)
{
    OPENSSL_cleanse(c->pending, sizeof c->pending); /* may hold the holder's data */
    c->pending_len = 0;
    c->pending_active = false;
}

bool card_init(card *c, const resident *r, const cfiles_keys *k, const card_faults *f,
               char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->res = *r;
    c->keys = k;
    c->faults = *f;
    cfiles_opts o = card_file_opts(f);
    if (!cfiles_build(&c->files, &c->res, k, &o, err, errlen)) {
        card_wipe(c);
        return false;
    }
    return true;
}

bool card_set_faults(card *c, const card_faults *f, char *err, size_t errlen)
{
    cfiles_opts now = card_file_opts(&c->faults), want = card_file_opts(f);
    if (memcmp(&now, &want, sizeof now) != 0) {
        /* Build aside so a failure leaves the card serving its old files. */
        cfiles_set *tmp = malloc(sizeof *tmp);
        if (!tmp) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        bool ok = cfiles_build(tmp, &c->res, c->keys, &want, err, errlen);
        if (ok)
            c->files = *tmp;
        OPENSSL_cleanse(tmp, sizeof *tmp);
        free(tmp);
        if (!ok)
            return false;
    }
    c->faults = *f;
    return true;
}

void card_wipe(card *c)
{
    OPENSSL_cleanse(c, sizeof *c);
}

void card_power(card *c, card_power_event ev)
{
    c->powered = ev != CARD_POWER_OFF;
    c->verified = false;
    c->df = CARD_DF_NONE;
    c->ef = 0;
    card_drop_pending(c);
}

/* ---- files ---------------------------------------------------------------- */

/* The served EF for a FID under Kenhojo, or NULL (0011 has no contents). */
static const cfiles_ef *card_file(const card *c, uint16_t fid)
{
    switch (fid) {
    case 0x0001: return &c->files.ef0001;
    case 0x0002: return &c->files.ef0002;
    case 0x0003: return &c->files.ef0003;
    case 0x0004: return &c->files.ef0004;
    case 0x0005: return &c->files.ef0005;
    case 0x0007: return c->faults.no_presence ? NULL : &c->files.ef0007;
    default: return NULL;
    }
}

static bool card_fid_exists(const card *c, uint16_t fid)
{
    return fid == CARD_FID_PIN || card_file(c, fid) != NULL;
}

/* 0004 and 0005 are public; the holder's data and 0007 need the PIN. */
static bool card_file_needs_pin(uint16_t fid)
{
    return fid != 0x0004 && fid != 0x0005;
}

/* ---- SELECT --------------------------------------------------------------- */

/* Does `name` equal the first cur_len(name) bytes of aid (a prefix match)? */
static bool card_aid_matches(const kofu_cur *name, const uint8_t *aid, size_t aid_len)
{
    size_t n = cur_len(name);
    return n >= CARD_AID_PREFIX_MIN && n <= aid_len && cur_equals(name, aid, n);
}

static uint16_t card_select_df(card *c, const kofu_cur *name)
{
    card_df df = CARD_DF_NONE;
    if (card_aid_matches(name, card_aid_kenhojo, sizeof card_aid_kenhojo))
        df = CARD_DF_KENHOJO;
    for (size_t i = 0; df == CARD_DF_NONE && i < sizeof card_other_aids / sizeof *card_other_aids; i++)
        if (card_aid_matches(name, card_other_aids[i].aid, card_other_aids[i].len))
            df = CARD_DF_OTHER;
    if (df == CARD_DF_NONE)
        return SW_NOT_FOUND; /* a failed SELECT leaves the current DF alone */
    c->df = df;
    c->ef = 0;
    return SW_OK;
}

static uint16_t card_select_ef(card *c, const kofu_cur *fid_field)
{
    kofu_cur f = *fid_field;
    uint16_t fid;
    if (cur_len(&f) != 2 || !cur_get_u16(&f, &fid))
        return SW_WRONG_LENGTH;
    if (c->df != CARD_DF_KENHOJO || !card_fid_exists(c, fid))
        return SW_NOT_FOUND;
    c->ef = fid;
    return SW_OK;
}

static uint16_t card_select(card *c, const card_apdu *a, kofu_bld *out)
{
    (void)out; /* P2=0C and P2=00 both answer without FCI */
    if (a->p1 != 0x04 && a->p1 != 0x02)
        return SW_BAD_P1P2; /* incl. SELECT MF (P1=00), as the real card answers */
    if (a->p2 != 0x0C && a->p2 != 0x00)
        return SW_BAD_P1P2;
    if (!a->has_data)
        return SW_WRONG_LENGTH;
    return a->p1 == 0x04 ? card_select_df(c, &a->data) : card_select_ef(c, &a->data);
}

/* ---- VERIFY --------------------------------------------------------------- */

/* Checks that P2 names the Kenhojo PIN: 80 with EF 0011 current, or 91 (its
 * SFI). Returns SW_OK or the refusal. */
static uint16_t card_verify_target(const card *c, uint8_t p2)
{
    if (p2 == 0x80)
        return c->df == CARD_DF_KENHOJO && c->ef == CARD_FID_PIN ? SW_OK : SW_REF_NOT_FOUND;
    if (p2 == (0x80 | CARD_FID_PIN))
        return c->df == CARD_DF_KENHOJO ? SW_OK : SW_REF_NOT_FOUND;
    if (p2 > 0x80 && p2 <= 0x9E)
        return SW_REF_NOT_FOUND; /* a well-formed SFI that names no key here */
    return SW_BAD_P1P2;
}

static uint16_t card_verify(card *c, const card_apdu *a, kofu_bld *out)
{
    (void)out;
    if (a->p1 != 0x00)
        return SW_BAD_P1P2;
    uint16_t sw = card_verify_target(c, a->p2);
    if (sw != SW_OK)
        return sw;
    if (a->has_le)
        return SW_WRONG_LENGTH;
    if (!a->has_data) /* case 1: report the counter without spending a try */
        return c->res.tries_left ? SW_TRIES(c->res.tries_left) : SW_BLOCKED;
    if (cur_len(&a->data) != RESIDENT_PIN_LEN)
        return SW_WRONG_LENGTH;
    if (c->res.tries_left == 0)
        return SW_BLOCKED;
    if (kofu_ct_equal(cur_data(&a->data), c->res.pin, RESIDENT_PIN_LEN)) {
        c->verified = true;
        c->res.tries_left = c->res.max_tries;
        return SW_OK;
    }
    /* A failed VERIFY also withdraws an earlier success (ISO 7816-4 habit). */
    c->verified = false;
    c->res.tries_left--;
    return SW_TRIES(c->res.tries_left);
}

/* ---- READ BINARY / GET RESPONSE ------------------------------------------- */

/* Works out which EF and offset P1-P2 name; may make the SFI's EF current. */
static uint16_t card_read_target(card *c, const card_apdu *a, size_t *offset)
{
    if (a->p1 & 0x80) {
        uint8_t sfi = a->p1 & 0x1F;
        if ((a->p1 & 0x60) || sfi == 0 || sfi > 0x1E)
            return SW_BAD_P1P2;
        if (c->df != CARD_DF_KENHOJO || !card_fid_exists(c, sfi))
            return SW_NOT_FOUND;
        c->ef = sfi;
        *offset = a->p2;
        return SW_OK;
    }
    if (c->ef == 0)
        return SW_NO_CURRENT_EF;
    *offset = ((size_t)a->p1 << 8) | a->p2;
    return SW_OK;
}

/* Hands out n bytes either directly or, under the get-response fault, as a
 * 61xx announcement whose data waits for GET RESPONSE. */
static uint16_t card_answer_data(card *c, kofu_cur *src, size_t n, uint16_t sw, kofu_bld *out)
{
    if (c->faults.get_response && n > 0) {
        if (!cur_copy(src, c->pending, n))
            return SW_INTERNAL;
        c->pending_len = n;
        c->pending_sw = sw;
        c->pending_active = true;
        return (uint16_t)(0x6100 | (n & 0xFF)); /* 61 00 = 256 bytes */
    }
    kofu_cur part;
    if (!cur_get_bytes(src, &part, n))
        return SW_INTERNAL;
    bld_add_bytes(out, cur_data(&part), cur_len(&part));
    return sw;
}

/* Serves [offset, offset + ne) of ef, clipped at the end and shaped by the
 * read faults (le-6c, short-reads, eof-6282, get-response). */
static uint16_t card_read_answer(card *c, const cfiles_ef *ef, size_t offset, size_t ne, kofu_bld *out)
{
    kofu_cur file;
    cur_init(&file, ef->data, ef->len);
    if (!cur_skip(&file, offset) || cur_len(&file) == 0)
        return SW_OFFSET;
    size_t remaining = cur_len(&file);
    if (c->faults.le_6c && ne > remaining)
        return (uint16_t)(0x6C00 | remaining); /* ne ≤ 256 here, so remaining ≤ 255 */
    size_t n = ne < remaining ? ne : remaining;
    if (c->faults.short_reads && n > c->faults.short_reads)
        n = c->faults.short_reads;
    /* 62 82 only when this answer really stops at the end of the file. */
    uint16_t sw = c->faults.eof_6282 && n == remaining && remaining < ne ? SW_EOF_WARNING : SW_OK;
    return card_answer_data(c, &file, n, sw, out);
}

static uint16_t card_read_binary(card *c, const card_apdu *a, kofu_bld *out)
{
    size_t offset = 0;
    if (a->has_data || !a->has_le)
        return SW_WRONG_LENGTH;
    uint16_t sw = card_read_target(c, a, &offset);
    if (sw != SW_OK)
        return sw;
    if (c->ef == CARD_FID_PIN)
        return SW_INCOMPATIBLE_FILE;
    if (card_file_needs_pin(c->ef) && !c->verified)
        return SW_SECURITY;
    const cfiles_ef *ef = card_file(c, c->ef);
    if (!ef)
        return SW_NOT_FOUND; /* the EF vanished (no-presence set at run time) */
    return card_read_answer(c, ef, offset, a->ne, out);
}

static uint16_t card_get_response(card *c, const card_apdu *a, kofu_bld *out)
{
    if (a->p1 || a->p2)
        return SW_BAD_P1P2;
    if (a->has_data || !a->has_le)
        return SW_WRONG_LENGTH;
    if (!c->pending_active)
        return SW_CONDITIONS;
    size_t n = a->ne < c->pending_len ? a->ne : c->pending_len;
    bld_add_bytes(out, c->pending, n);
    size_t rest = c->pending_len - n;
    if (rest) { /* asked for less than waits: keep the rest for the next call */
        memmove(c->pending, c->pending + n, rest);
        c->pending_len = rest;
        return (uint16_t)(0x6100 | (rest & 0xFF));
    }
    uint16_t sw = c->pending_sw;
    card_drop_pending(c);
    return sw;
}

/* ---- GET CHALLENGE / COMPUTE DIGITAL SIGNATURE ---------------------------- */

static uint16_t card_get_challenge(card *c, const card_apdu *a, kofu_bld *out)
{
    (void)c;
    uint8_t rnd[CARD_CHALLENGE_MAX];
    if (a->p1 || a->p2)
        return SW_BAD_P1P2;
    if (a->has_data || !a->has_le || a->ne > CARD_CHALLENGE_MAX)
        return SW_WRONG_LENGTH;
    if (RAND_bytes(rnd, (int)a->ne) != 1)
        return SW_INTERNAL;
    bld_add_bytes(out, rnd, a->ne);
    return SW_OK;
}

/* RSA PKCS#1 v1.5 type 1 over `in` exactly as given (the host already wrapped
 * its hash in a DigestInfo): no digest is set on the context. */
static bool card_sign_raw(EVP_PKEY *key, const kofu_cur *in, uint8_t sig[CFILES_RSA_LEN])
{
    size_t siglen = CFILES_RSA_LEN;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    bool ok = ctx && EVP_PKEY_sign_init(ctx) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_PKEY_sign(ctx, sig, &siglen, cur_data(in), cur_len(in)) == 1 &&
              siglen == CFILES_RSA_LEN;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

static uint16_t card_compute_signature(card *c, const card_apdu *a, kofu_bld *out)
{
    uint8_t sig[CFILES_RSA_LEN];
    if (c->df != CARD_DF_KENHOJO)
        return SW_CONDITIONS;
    if (a->p1 || a->p2)
        return SW_BAD_P1P2;
    if (!a->has_data || cur_len(&a->data) > CARD_SIGN_IN_MAX)
        return SW_WRONG_LENGTH;
    if (a->has_le && a->ne != CFILES_RSA_LEN)
        return 0x6C00; /* resend with Le = 00 (256) */
    EVP_PKEY *key = c->faults.bad_presence ? c->keys->rogue : c->keys->card;
    if (!card_sign_raw(key, &a->data, sig))
        return SW_INTERNAL;
    bld_add_bytes(out, sig, sizeof sig);
    return SW_OK;
}

/* ---- dispatch ------------------------------------------------------------- */

static const struct {
    uint8_t cla, ins;
    card_handler fn;
} card_commands[] = {
    {0x00, 0xA4, card_select},        {0x00, 0x20, card_verify},
    {0x00, 0xB0, card_read_binary},   {0x00, 0xC0, card_get_response},
    {0x00, 0x84, card_get_challenge}, {0x80, 0x2A, card_compute_signature},
};

/* Parses CLA INS P1 P2 [Lc data] [Le], short lengths only. Extended lengths
 * (Lc = 00 followed by more bytes) are refused: nothing on the Kenhojo path
 * needs them (docs/card.md, "Lengths"). */
static bool card_parse_body(kofu_cur *c, card_apdu *a)
{
    uint8_t lc, le;
    if (cur_len(c) == 0)
        return true; /* case 1 */
    if (cur_len(c) == 1) {
        a->has_le = cur_get_u8(c, &le);
        a->ne = le ? le : 256;
        return true; /* case 2 */
    }
    if (!cur_get_u8(c, &lc) || lc == 0 || !cur_get_bytes(c, &a->data, lc))
        return false;
    a->has_data = true;
    if (cur_len(c) == 0)
        return true; /* case 3 */
    if (cur_len(c) != 1 || !cur_get_u8(c, &le))
        return false;
    a->has_le = true;
    a->ne = le ? le : 256;
    return true; /* case 4 */
}

/* CLA check: only 00 and 80, channel 0, no secure messaging. */
static uint16_t card_check_cla(uint8_t cla)
{
    if (cla == 0xFF)
        return SW_BAD_CLA;
    if (cla & 0x0C)
        return SW_NO_SM;
    if (cla != 0x00 && cla != 0x80 && (cla & 0x40) == 0 && (cla & 0x03))
        return SW_NO_CHANNEL;
    if (cla != 0x00 && cla != 0x80)
        return SW_BAD_CLA;
    return SW_OK;
}

/* Finds the handler; *sw says why there is none (6E00 when the INS exists
 * under the other class, 6D00 when it does not exist at all). */
static card_handler card_lookup(const card *c, uint8_t cla, uint8_t ins, uint16_t *sw)
{
    *sw = SW_BAD_INS;
    if (ins == 0x2A && c->faults.no_presence)
        return NULL; /* a card without the presence key has no such command */
    for (size_t i = 0; i < sizeof card_commands / sizeof *card_commands; i++) {
        if (card_commands[i].ins != ins)
            continue;
        if (card_commands[i].cla == cla)
            return card_commands[i].fn;
        *sw = SW_BAD_CLA;
    }
    return NULL;
}

/* Runs one command into out and returns its SW. */
static uint16_t card_run(card *c, const uint8_t *capdu, size_t len, kofu_bld *out)
{
    kofu_cur cur;
    card_apdu a;
    memset(&a, 0, sizeof a);
    cur_init(&cur, capdu, len);
    if (!cur_get_u8(&cur, &a.cla) || !cur_get_u8(&cur, &a.ins) ||
        !cur_get_u8(&cur, &a.p1) || !cur_get_u8(&cur, &a.p2))
        return SW_WRONG_LENGTH;
    uint16_t sw = card_check_cla(a.cla);
    if (sw != SW_OK)
        return sw;
    /* ISO 7816-4: GET RESPONSE data is only available to the very next command. */
    if (!(a.cla == 0x00 && a.ins == 0xC0))
        card_drop_pending(c);
    card_handler fn = card_lookup(c, a.cla, a.ins, &sw);
    if (!fn)
        return sw;
    if (!card_parse_body(&cur, &a))
        return SW_WRONG_LENGTH;
    return fn(c, &a, out);
}

void card_process_apdu(card *c, const uint8_t *capdu, size_t len, uint8_t *rapdu, size_t *rlen)
{
    kofu_bld out;
    bld_init(&out, rapdu, *rlen);
    uint16_t sw = card_run(c, capdu, len, &out);
    bld_add_u16(&out, sw);
    if (!bld_ok(&out)) {
        /* Response does not fit the caller's buffer: answer 6F00 if it can. */
        bld_init(&out, rapdu, *rlen);
        bld_add_u16(&out, SW_INTERNAL);
    }
    *rlen = out.len;
}
