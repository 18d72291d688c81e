/* kenhojo.c — see kenhojo.h. The dialogue: docs/card.md. */
#include "card/kenhojo.h"

#include "base/kcrypto.h"
#include "base/log.h"
#include "base/vault.h"
#include "base/words.h"

#include <stdio.h>
#include <string.h>

static const uint8_t KENHOJO_AID[] = {0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08};

/* DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1). */
static const uint8_t SHA256_DIGESTINFO[] = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                            0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

#define TAG_MY_NUMBER 0xFF10u
#define TAG_ATTRIBUTES 0xFF20u
#define TAG_OFFSETS 0xDF21u
#define TAG_NAME 0xDF22u
#define TAG_ADDRESS 0xDF23u
#define TAG_BIRTH 0xDF24u
#define TAG_SEX 0xDF25u
#define TAG_INTEGRITY 0xFF30u
#define TAG_HASH_MY_NUMBER 0xDF31u
#define TAG_HASH_ATTRIBUTES 0xDF32u
#define TAG_INTEGRITY_SIG 0xDF33u
#define TAG_CV_CERT 0x7F21u
#define TAG_CV_BODY 0x5F4Eu
#define TAG_CV_SIG 0x5F37u
#define TAG_RSA_E 0x90u
#define TAG_RSA_N 0x91u
#define TAG_PRESENCE 0xFF50u
#define TAG_PRESENCE_KEY 0xDF51u
#define TAG_PRESENCE_SIG 0xDF52u

#define SW_WRONG_LENGTH_BASE 0x6C00u
#define SW_END_OF_FILE_WARNING 0x6282u
#define SW_OFFSET_PAST_END 0x6B00u
#define SW_FILE_NOT_FOUND 0x6A82u
#define SW_BLOCKED 0x6984u
#define SW_BLOCKED_ALT 0x6983u
#define SW_POWER_UP_GLITCH 0x6F00u

/* EF 0001 as cards hold it: the 15-byte TLV and 2 filler bytes (docs/card.md, "Layouts"). */
#define MY_NUMBER_FILE_SIZE 17

struct kenhojo_card_data *kenhojo_card_data_new(void)
{
    return vault_alloc(sizeof(struct kenhojo_card_data));
}

static int exchange(struct kenhojo_session *s, const struct apdu *a, uint8_t *resp, size_t cap,
                    size_t *len, uint16_t *sw)
{
    return card_reader_exchange(s->reader, a, resp, cap, len, sw);
}

/* A status word we did not expect: logged (it is not resident data). */
static int unexpected_sw(uint16_t sw)
{
    kofu_log(KOFU_LOG_INFO, EV_CARD_SW, KOFU_E_CARD_STATUS, sw);
    return KOFU_E_CARD_STATUS;
}

int kenhojo_open(struct kenhojo_session *s, struct card_reader *reader)
{
    memset(s, 0, sizeof *s);
    s->reader = reader;
    s->tries_left = KENHOJO_TRIES_UNKNOWN;
    struct apdu sel = {0x00, 0xA4, 0x04, 0x0C, KENHOJO_AID, sizeof KENHOJO_AID, false, 0};
    uint8_t resp[256];
    size_t len;
    uint16_t sw = 0;
    int rc = KOFU_OK;
    /* Some cards answer 6F00 to the first command after power-up: one retry. */
    for (int attempt = 0; attempt < 2; attempt++) {
        rc = exchange(s, &sel, resp, sizeof resp, &len, &sw);
        if (rc != KOFU_OK || sw != SW_POWER_UP_GLITCH)
            break;
    }
    if (rc != KOFU_OK)
        return rc;
    if (sw == SW_OK)
        return KOFU_OK;
    if (sw == SW_FILE_NOT_FOUND)
        return KOFU_E_NOT_MYNA;
    return unexpected_sw(sw);
}

/* SELECT EF by file id under the Kenhojo DF; *found false on 6A82. */
static int select_ef(struct kenhojo_session *s, uint16_t fid, bool *found)
{
    if (found)
        *found = true;
    if (s->current_ef == fid)
        return KOFU_OK;
    uint8_t id[2] = {(uint8_t)(fid >> 8), (uint8_t)fid};
    struct apdu sel = {0x00, 0xA4, 0x02, 0x0C, id, sizeof id, false, 0};
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    s->current_ef = 0;
    int rc = exchange(s, &sel, resp, sizeof resp, &len, &sw);
    if (rc != KOFU_OK)
        return rc;
    if (sw == SW_FILE_NOT_FOUND && found) {
        *found = false;
        return KOFU_OK;
    }
    if (sw != SW_OK)
        return unexpected_sw(sw);
    s->current_ef = fid;
    return KOFU_OK;
}

/* Maps a VERIFY answer to a result and the tries left. */
static int pin_answer(uint16_t sw, int *tries_left)
{
    if ((sw & 0xFFF0u) == 0x63C0u) {
        *tries_left = sw & 0x0F;
        return *tries_left == 0 ? KOFU_E_PIN_BLOCKED : KOFU_E_PIN_WRONG;
    }
    if (sw == SW_BLOCKED || sw == SW_BLOCKED_ALT) {
        *tries_left = 0;
        return KOFU_E_PIN_BLOCKED;
    }
    return unexpected_sw(sw);
}

int kenhojo_pin_status(struct kenhojo_session *s, int *tries_left)
{
    int rc = select_ef(s, KENHOJO_EF_PIN, NULL);
    if (rc != KOFU_OK)
        return rc;
    /* VERIFY without a data field asks for the counter and spends nothing. */
    struct apdu q = {0x00, 0x20, 0x00, 0x80, NULL, 0, false, 0};
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    rc = exchange(s, &q, resp, sizeof resp, &len, &sw);
    if (rc != KOFU_OK)
        return rc;
    int tries = KENHOJO_TRIES_UNKNOWN;
    if (sw == SW_OK || sw == 0x6300u) {
        rc = KOFU_OK; /* no counter reported (already verified, or no limit) */
    } else {
        rc = pin_answer(sw, &tries);
        if (rc == KOFU_E_PIN_WRONG)
            rc = KOFU_OK; /* for a status query, 63Cx with x > 0 is the normal answer */
    }
    if (rc == KOFU_OK || rc == KOFU_E_PIN_BLOCKED) {
        s->tries_left = tries;
        s->pin_status_read = true;
        *tries_left = tries;
        kofu_log(KOFU_LOG_DEBUG, EV_PIN_STATUS, rc, (uint32_t)(tries < 0 ? 0xFF : tries));
    }
    return rc;
}

static bool pin_format_ok(const char *pin)
{
    if (!pin)
        return false;
    for (size_t i = 0; i < KENHOJO_PIN_LEN; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return false;
    return pin[KENHOJO_PIN_LEN] == '\0';
}

int kenhojo_verify_pin(struct kenhojo_session *s, const char *pin, bool last_try_confirmed,
                       int *tries_left)
{
    *tries_left = s->tries_left;
    if (!pin_format_ok(pin))
        return KOFU_E_PIN_FORMAT;
    if (!s->pin_status_read)
        return KOFU_E_ARG;
    if (s->tries_left == 0)
        return KOFU_E_PIN_BLOCKED;
    if (s->tries_left == 1 && !last_try_confirmed)
        return KOFU_E_PIN_NOT_CONFIRMED;
    int rc = select_ef(s, KENHOJO_EF_PIN, NULL);
    if (rc != KOFU_OK)
        return rc;
    struct apdu v = {0x00, 0x20, 0x00, 0x80, (const uint8_t *)pin, KENHOJO_PIN_LEN, false, 0};
    uint8_t resp[256];
    size_t len;
    uint16_t sw;
    rc = exchange(s, &v, resp, sizeof resp, &len, &sw);
    /* Until the card answers as expected, the counter may have moved: the
     * next VERIFY needs a fresh status (so a last try is never spent blind). */
    s->pin_status_read = false;
    if (rc != KOFU_OK)
        return rc;
    if (sw == SW_OK) {
        s->tries_left = KENHOJO_TRIES_UNKNOWN;
        rc = KOFU_OK;
    } else {
        int tries = KENHOJO_TRIES_UNKNOWN;
        rc = pin_answer(sw, &tries);
        s->tries_left = tries;
        s->pin_status_read = rc == KOFU_E_PIN_WRONG || rc == KOFU_E_PIN_BLOCKED;
    }
    *tries_left = s->tries_left;
    kofu_log(KOFU_LOG_INFO, EV_PIN_VERIFY, rc, (uint32_t)(s->tries_left < 0 ? 0xFF : s->tries_left));
    return rc;
}

/*
 * Reads one EF into f with short READ BINARY commands.
 *
 * The file's size comes from its BER header. A card returns fewer bytes than
 * asked at the end of a file, ends with 6B00 (offset past the end) or 6282,
 * and a card with a small buffer may return fewer bytes before the end too.
 * `physical` reads to the physical end of the file (EF 0001, whose hash
 * covers its two filler bytes beyond the TLV; physical_min is the size the
 * spec gives it); otherwise the TLV's end is enough. A short answer is the
 * end of the file unless this card has already answered short before an
 * end, or it stops short of physical_min.
 */
static int read_ef(struct kenhojo_session *s, uint16_t fid, struct kenhojo_file *f, bool physical,
                   size_t physical_min)
{
    bool found;
    f->len = 0;
    f->present = false;
    int rc = select_ef(s, fid, &found);
    if (rc != KOFU_OK)
        return rc;
    if (!found)
        return KOFU_OK;

    size_t total = 0; /* 0 until the header has been seen */
    bool answers_short = false, eof = false;
    while (!eof) {
        size_t room = sizeof f->bytes - f->len;
        size_t want = 256;
        if (total && f->len < total)
            want = total - f->len < 256 ? total - f->len : 256;
        if (want > room)
            want = room;
        if (want == 0 || f->len > 0x7FFF)
            return KOFU_E_CARD_DATA; /* larger than any Kenhojo file */
        struct apdu rd = {0x00, 0xB0, (uint8_t)(f->len >> 8), (uint8_t)f->len, NULL, 0, true, want};
        size_t got;
        uint16_t sw;
        rc = exchange(s, &rd, f->bytes + f->len, room, &got, &sw);
        if (rc != KOFU_OK)
            return rc;
        if (sw == SW_OFFSET_PAST_END)
            break;
        if (sw != SW_OK && sw != SW_END_OF_FILE_WARNING)
            return unexpected_sw(sw);
        if (got > want)
            return KOFU_E_CARD_COMM;
        bool was_short = got < want;
        eof = sw == SW_END_OF_FILE_WARNING || got == 0;
        f->len += got;

        if (!total) {
            kofu_cur c;
            uint32_t tag;
            size_t vlen, hlen;
            cur_init(&c, f->bytes, f->len);
            if (cur_peek_ber_header(&c, &tag, &vlen, &hlen)) {
                total = hlen + vlen;
                if (total > sizeof f->bytes)
                    return KOFU_E_CARD_DATA;
            }
        }
        bool tlv_done = total && f->len >= total;
        if (!tlv_done) {
            answers_short = answers_short || was_short;
            continue;
        }
        /* A short answer that reaches the file's known physical size is its
         * end; one that stops earlier may be a small buffer: ask again and
         * let the card say 6B00. */
        if (!physical || (was_short && !answers_short && f->len >= physical_min))
            break;
    }
    if (!total || f->len < total)
        return KOFU_E_CARD_DATA; /* the file ended inside its own TLV */
    if (!physical)
        f->len = total;
    f->present = true;
    return KOFU_OK;
}

static bool all_digits(kofu_cur c, size_t n)
{
    if (cur_len(&c) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (cur_data(&c)[i] < '0' || cur_data(&c)[i] > '9')
            return false;
    return true;
}

bool kenhojo_my_number_valid(const char *d)
{
    /* Check digit: weights 2..7 then 2..6 from the right over the first
     * eleven digits; remainder mod 11 of 0 or 1 gives 0, else 11 - r. */
    if (strnlen(d, KENHOJO_MY_NUMBER_LEN + 1) != KENHOJO_MY_NUMBER_LEN)
        return false;
    int sum = 0;
    for (int n = 1; n <= 11; n++) {
        char ch = d[11 - n];
        if (ch < '0' || ch > '9')
            return false;
        int q = n <= 6 ? n + 1 : n - 5;
        sum += (ch - '0') * q;
    }
    int r = sum % 11;
    int check = r <= 1 ? 0 : 11 - r;
    return d[11] == '0' + check && d[12] == '\0';
}

int kenhojo_parse_my_number(const uint8_t *p, size_t len, char out[KENHOJO_MY_NUMBER_LEN + 1])
{
    kofu_cur c, v;
    cur_init(&c, p, len);
    /* The TLV, then filler (FF FF on cards seen); nothing else. */
    if (!cur_get_ber_tag(&c, TAG_MY_NUMBER, &v) || !all_digits(v, KENHOJO_MY_NUMBER_LEN))
        return KOFU_E_CARD_DATA;
    if (cur_len(&c) > 16)
        return KOFU_E_CARD_DATA;
    for (size_t i = 0; i < cur_len(&c); i++)
        if (cur_data(&c)[i] != 0xFF && cur_data(&c)[i] != 0x00)
            return KOFU_E_CARD_DATA;
    memcpy(out, cur_data(&v), KENHOJO_MY_NUMBER_LEN);
    out[KENHOJO_MY_NUMBER_LEN] = '\0';
    if (!kenhojo_my_number_valid(out)) {
        explicit_bzero(out, KENHOJO_MY_NUMBER_LEN + 1);
        return KOFU_E_CARD_DATA;
    }
    return KOFU_OK;
}

/* Strict UTF-8 without control characters, copied out NUL-terminated. */
static bool take_text(kofu_cur v, char *out, size_t cap)
{
    size_t n = cur_len(&v);
    const uint8_t *s = cur_data(&v);
    if (n == 0 || n >= cap)
        return false;
    for (size_t i = 0; i < n;) {
        uint8_t b = s[i];
        size_t extra;
        uint32_t cp;
        if (b < 0x80) {
            if (b < 0x20 || b == 0x7F)
                return false;
            i++;
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            extra = 1, cp = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            extra = 2, cp = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0) {
            extra = 3, cp = b & 0x07;
        } else {
            return false;
        }
        if (extra > n - i - 1)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        static const uint32_t min_cp[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
            (cp >= 0x80 && cp < 0xA0))
            return false;
        i += 1 + extra;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

static bool birth_date_ok(kofu_cur v)
{
    if (!all_digits(v, 8))
        return false;
    const uint8_t *d = cur_data(&v);
    int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int m = (d[4] - '0') * 10 + (d[5] - '0');
    int day = (d[6] - '0') * 10 + (d[7] - '0');
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1868 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && day == 29 && !leap);
}

int kenhojo_parse_attributes(const uint8_t *p, size_t len, struct kenhojo_attributes *out)
{
    kofu_cur file, outer, v, offsets;
    cur_init(&file, p, len);
    memset(out, 0, sizeof *out);
    if (!cur_get_ber_tag(&file, TAG_ATTRIBUTES, &outer))
        goto bad;
    /* DF21 (the offset table) is not covered by DF32, so it is not trusted
     * for anything: the objects are parsed in order instead. */
    if (!cur_get_ber_tag(&outer, TAG_OFFSETS, &offsets) || cur_len(&offsets) != 8)
        goto bad;
    out->hashed = outer; /* from DF22 to the end of FF20 */
    if (!cur_get_ber_tag(&outer, TAG_NAME, &v) || !take_text(v, out->name, sizeof out->name))
        goto bad;
    if (!cur_get_ber_tag(&outer, TAG_ADDRESS, &v) || !take_text(v, out->address, sizeof out->address))
        goto bad;
    if (!cur_get_ber_tag(&outer, TAG_BIRTH, &v) || !birth_date_ok(v))
        goto bad;
    memcpy(out->birth_date, cur_data(&v), 8);
    if (!cur_get_ber_tag(&outer, TAG_SEX, &v) || cur_len(&v) != 1 || cur_data(&v)[0] < 0x20 ||
        cur_data(&v)[0] > 0x7E)
        goto bad;
    out->sex = (char)cur_data(&v)[0];
    /* Filler may follow inside FF20 (00 or FF), nothing else. */
    for (size_t i = 0; i < cur_len(&outer); i++)
        if (cur_data(&outer)[i] != 0x00 && cur_data(&outer)[i] != 0xFF)
            goto bad;
    return KOFU_OK;
bad:
    explicit_bzero(out, sizeof *out);
    return KOFU_E_CARD_DATA;
}

int kenhojo_parse_integrity(const uint8_t *p, size_t len, struct kenhojo_integrity *out)
{
    kofu_cur file, outer, h1_whole, h2_whole;
    cur_init(&file, p, len);
    memset(out, 0, sizeof *out);
    if (!cur_get_ber_tag(&file, TAG_INTEGRITY, &outer) ||
        !cur_get_ber_tag_whole(&outer, TAG_HASH_MY_NUMBER, &out->my_number_hash, &h1_whole) ||
        !cur_get_ber_tag_whole(&outer, TAG_HASH_ATTRIBUTES, &out->attributes_hash, &h2_whole) ||
        !cur_get_ber_tag(&outer, TAG_INTEGRITY_SIG, &out->signature) ||
        cur_len(&out->my_number_hash) != KCRYPTO_SHA256_LEN ||
        cur_len(&out->attributes_hash) != KCRYPTO_SHA256_LEN || cur_len(&out->signature) < 256 ||
        cur_len(&out->signature) > 512) {
        memset(out, 0, sizeof *out);
        return KOFU_E_CARD_DATA;
    }
    /* DF33 signs "everything before it": both hash objects as encoded. */
    cur_init(&out->signed_part, cur_data(&h1_whole), cur_len(&h1_whole) + cur_len(&h2_whole));
    return KOFU_OK;
}

static bool parse_rsa_pub(kofu_cur c, struct kenhojo_rsa_pub *k)
{
    return cur_get_ber_tag(&c, TAG_RSA_E, &k->e) && cur_get_ber_tag(&c, TAG_RSA_N, &k->n) &&
           cur_len(&c) == 0 && cur_len(&k->e) >= 1 && cur_len(&k->e) <= 8 &&
           cur_len(&k->n) >= 256 && cur_len(&k->n) <= 513;
}

int kenhojo_parse_cv_cert(const uint8_t *p, size_t len, struct kenhojo_cv_cert *out)
{
    kofu_cur file, outer, body;
    cur_init(&file, p, len);
    memset(out, 0, sizeof *out);
    if (!cur_get_ber_tag(&file, TAG_CV_CERT, &outer) || !cur_get_ber_tag(&outer, TAG_CV_BODY, &out->body) ||
        !cur_get_ber_tag(&outer, TAG_CV_SIG, &out->signature) || cur_len(&out->signature) < 256 ||
        cur_len(&out->signature) > 512)
        goto bad;
    body = out->body;
    if (!cur_copy(&body, out->issuer_id, KENHOJO_KEY_ID_LEN) ||
        !cur_copy(&body, out->subject_id, KENHOJO_KEY_ID_LEN) || !parse_rsa_pub(body, &out->key))
        goto bad;
    return KOFU_OK;
bad:
    memset(out, 0, sizeof *out);
    return KOFU_E_CARD_DATA;
}

int kenhojo_parse_presence_key(const uint8_t *p, size_t len, struct kenhojo_presence_key *out)
{
    kofu_cur file, outer, key;
    cur_init(&file, p, len);
    memset(out, 0, sizeof *out);
    if (!cur_get_ber_tag(&file, TAG_PRESENCE, &outer) ||
        !cur_get_ber_tag_whole(&outer, TAG_PRESENCE_KEY, &key, &out->signed_object) ||
        !parse_rsa_pub(key, &out->key) || !cur_get_ber_tag(&outer, TAG_PRESENCE_SIG, &out->signature) ||
        cur_len(&out->signature) < 256 || cur_len(&out->signature) > 512) {
        memset(out, 0, sizeof *out);
        return KOFU_E_CARD_DATA;
    }
    return KOFU_OK;
}

int kenhojo_read(struct kenhojo_session *s, struct kenhojo_card_data *d)
{
    struct {
        uint16_t fid;
        struct kenhojo_file *f;
        bool physical, required;
        size_t physical_min;
    } plan[] = {
        {KENHOJO_EF_MY_NUMBER, &d->ef_my_number, true, true, MY_NUMBER_FILE_SIZE},
        {KENHOJO_EF_ATTRIBUTES, &d->ef_attributes, false, true, 0},
        {KENHOJO_EF_INTEGRITY, &d->ef_integrity, false, true, 0},
        {KENHOJO_EF_CV_CERT, &d->ef_cv_cert, false, true, 0},
        {KENHOJO_EF_PRESENCE_KEY, &d->ef_presence_key, false, false, 0},
    };
    unsigned before = s->reader->apdu_count;
    int rc = KOFU_OK;
    for (size_t i = 0; i < sizeof plan / sizeof plan[0] && rc == KOFU_OK; i++) {
        rc = read_ef(s, plan[i].fid, plan[i].f, plan[i].physical, plan[i].physical_min);
        if (rc == KOFU_OK && plan[i].required && !plan[i].f->present)
            rc = KOFU_E_CARD_DATA;
    }
    if (rc == KOFU_OK)
        rc = kenhojo_parse_my_number(d->ef_my_number.bytes, d->ef_my_number.len, d->my_number);
    if (rc == KOFU_OK)
        rc = kenhojo_parse_attributes(d->ef_attributes.bytes, d->ef_attributes.len, &d->attributes);
    if (rc == KOFU_OK)
        rc = kenhojo_parse_integrity(d->ef_integrity.bytes, d->ef_integrity.len, &d->integrity);
    if (rc == KOFU_OK)
        rc = kenhojo_parse_cv_cert(d->ef_cv_cert.bytes, d->ef_cv_cert.len, &d->cv_cert);
    if (rc == KOFU_OK && d->ef_presence_key.present)
        rc = kenhojo_parse_presence_key(d->ef_presence_key.bytes, d->ef_presence_key.len,
                                        &d->presence_key);
    kofu_log(KOFU_LOG_INFO, EV_CARD_READ, rc, s->reader->apdu_count - before);
    return rc;
}

static kcrypto_key *key_from(const struct kenhojo_rsa_pub *k)
{
    return kcrypto_rsa_from_parts(cur_data(&k->n), cur_len(&k->n), cur_data(&k->e), cur_len(&k->e));
}

static bool verify(kcrypto_key *key, kofu_cur msg, kofu_cur sig)
{
    return kcrypto_rsa_verify_sha256(key, cur_data(&msg), cur_len(&msg), cur_data(&sig), cur_len(&sig));
}

static bool hash_matches(const uint8_t *p, size_t len, kofu_cur expected)
{
    uint8_t h[KCRYPTO_SHA256_LEN];
    bool ok = kcrypto_sha256(p, len, h) && cur_len(&expected) == sizeof h &&
              kofu_ct_equal(h, cur_data(&expected), sizeof h);
    explicit_bzero(h, sizeof h);
    return ok;
}

/* Loads the trusted card-CA key named by a 16-byte issuer key id. */
static kcrypto_key *load_card_ca(const char *dir, const uint8_t id[KENHOJO_KEY_ID_LEN])
{
    char path[4096];
    char hex[2 * KENHOJO_KEY_ID_LEN + 1];
    for (size_t i = 0; i < KENHOJO_KEY_ID_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", id[i]);
    if (!dir || snprintf(path, sizeof path, "%s/%s.pem", dir, hex) >= (int)sizeof path)
        return NULL;
    return kcrypto_rsa_load_pem(path);
}

/* The card signs DigestInfo(SHA-256(challenge)) with its own key (80 2A);
 * that is exactly an RSASSA-PKCS1-v1_5 SHA-256 signature on the challenge. */
static int challenge_card(struct kenhojo_session *s, kcrypto_key *card_key, enum kenhojo_presence *out,
                          enum kenhojo_auth *why)
{
    uint8_t challenge[32], di[sizeof SHA256_DIGESTINFO + KCRYPTO_SHA256_LEN], sig[512];
    if (!kcrypto_random(challenge, sizeof challenge))
        return KOFU_E_INTERNAL;
    memcpy(di, SHA256_DIGESTINFO, sizeof SHA256_DIGESTINFO);
    if (!kcrypto_sha256(challenge, sizeof challenge, di + sizeof SHA256_DIGESTINFO))
        return KOFU_E_INTERNAL;
    struct apdu cds = {0x80, 0x2A, 0x00, 0x00, di, sizeof di, true, 256};
    size_t len;
    uint16_t sw;
    int rc = exchange(s, &cds, sig, sizeof sig, &len, &sw);
    if (rc != KOFU_OK)
        return rc;
    if (sw == 0x6D00u || sw == 0x6A81u || sw == 0x6E00u) {
        *out = KENHOJO_PRESENCE_NOT_OFFERED;
        return KOFU_OK;
    }
    if (sw != SW_OK)
        return unexpected_sw(sw);
    if (!kcrypto_rsa_verify_sha256(card_key, challenge, sizeof challenge, sig, len)) {
        *why = KENHOJO_AUTH_PRESENCE_SIGNATURE;
        return KOFU_E_NOT_AUTHENTIC;
    }
    *out = KENHOJO_PRESENCE_PROVEN;
    return KOFU_OK;
}

static int prove_presence(struct kenhojo_session *s, struct kenhojo_card_data *d, kcrypto_key *certified,
                          enum kenhojo_auth *why)
{
    d->presence = KENHOJO_PRESENCE_NOT_OFFERED;
    if (!d->ef_presence_key.present)
        return KOFU_OK;
    if (!verify(certified, d->presence_key.signed_object, d->presence_key.signature)) {
        *why = KENHOJO_AUTH_PRESENCE_KEY;
        return KOFU_E_NOT_AUTHENTIC;
    }
    kcrypto_key *card_key = key_from(&d->presence_key.key);
    if (!card_key) {
        *why = KENHOJO_AUTH_PRESENCE_KEY;
        return KOFU_E_NOT_AUTHENTIC;
    }
    int rc = challenge_card(s, card_key, &d->presence, why);
    kcrypto_key_free(card_key);
    return rc;
}

int kenhojo_authenticate(struct kenhojo_session *s, struct kenhojo_card_data *d,
                         const char *card_ca_dir, bool presence_required, enum kenhojo_auth *why)
{
    *why = KENHOJO_AUTH_OK;
    d->presence = KENHOJO_PRESENCE_NOT_CHECKED;
    kcrypto_key *ca = load_card_ca(card_ca_dir, d->cv_cert.issuer_id);
    kcrypto_key *certified = NULL;
    int rc = KOFU_E_NOT_AUTHENTIC;
    if (!ca)
        *why = KENHOJO_AUTH_CA_UNKNOWN;
    else if (!verify(ca, d->cv_cert.body, d->cv_cert.signature))
        *why = KENHOJO_AUTH_CV_SIGNATURE;
    else if (!(certified = key_from(&d->cv_cert.key)))
        *why = KENHOJO_AUTH_CV_KEY;
    else if (!verify(certified, d->integrity.signed_part, d->integrity.signature))
        *why = KENHOJO_AUTH_INTEGRITY_SIGNATURE;
    else if (!hash_matches(d->ef_my_number.bytes, d->ef_my_number.len, d->integrity.my_number_hash))
        *why = KENHOJO_AUTH_MY_NUMBER_HASH;
    else if (!hash_matches(cur_data(&d->attributes.hashed), cur_len(&d->attributes.hashed),
                           d->integrity.attributes_hash))
        *why = KENHOJO_AUTH_ATTRIBUTES_HASH;
    else
        rc = KOFU_OK;
    if (rc == KOFU_OK && s)
        rc = prove_presence(s, d, certified, why);
    if (rc == KOFU_OK && presence_required && d->presence != KENHOJO_PRESENCE_PROVEN) {
        *why = KENHOJO_AUTH_PRESENCE_MISSING;
        rc = KOFU_E_NOT_AUTHENTIC;
    }
    kcrypto_key_free(certified);
    kcrypto_key_free(ca);
    kofu_log(KOFU_LOG_INFO, EV_CARD_AUTH, rc, (uint32_t)*why);
    return rc;
}

static const struct kofu_word auth_words[KENHOJO_AUTH__COUNT] = {
    KOFU_WORD(KENHOJO_AUTH_OK, "ok", "真正性を確認しました。", "The data is genuine."),
    KOFU_WORD(KENHOJO_AUTH_CA_UNKNOWN, "ca-unknown", "カードの発行者の鍵が信頼リストにありません。",
              "The card's issuer key is not among the trusted card-CA keys."),
    KOFU_WORD(KENHOJO_AUTH_CV_SIGNATURE, "cv-signature", "カードの証明書の署名が正しくありません。",
              "The card's CV certificate is not signed by the trusted card CA."),
    KOFU_WORD(KENHOJO_AUTH_CV_KEY, "cv-key", "カードの証明書の鍵が使えません。",
              "The key in the card's CV certificate is not usable."),
    KOFU_WORD(KENHOJO_AUTH_INTEGRITY_SIGNATURE, "integrity-signature", "券面事項の署名が正しくありません。",
              "The signature over the card's data hashes is wrong."),
    KOFU_WORD(KENHOJO_AUTH_MY_NUMBER_HASH, "my-number-hash", "個人番号が署名された内容と一致しません。",
              "The My Number does not match its signed hash."),
    KOFU_WORD(KENHOJO_AUTH_ATTRIBUTES_HASH, "attributes-hash", "基本4情報が署名された内容と一致しません。",
              "The name, address, birth date or sex does not match its signed hash."),
    KOFU_WORD(KENHOJO_AUTH_PRESENCE_KEY, "presence-key", "カードの認証用の鍵が正しくありません。",
              "The card's own signing key is not certified."),
    KOFU_WORD(KENHOJO_AUTH_PRESENCE_SIGNATURE, "presence-signature", "カードの内部認証に失敗しました。",
              "The card did not prove it is present (challenge failed)."),
    KOFU_WORD(KENHOJO_AUTH_PRESENCE_MISSING, "presence-missing", "カードが内部認証に対応していません。",
              "The card offers no proof of presence, which is required here."),
};

KOFU_WORDS_LOOKUPS(kenhojo_auth_name, kenhojo_auth_text, enum kenhojo_auth, auth_words)
