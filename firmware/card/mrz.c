/* mrz.c — see mrz.h. */
#include "card/mrz.h"

#include "base/bytes.h"

#include <stdint.h>
#include <string.h>

#define DG1_TAG 0x61u
#define DG1_MRZ_TAG 0x5F1Fu

static int char_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    if (c == '<')
        return 0;
    return -1;
}

int mrz_check_digit(const char *s, size_t n)
{
    static const int weight[3] = {7, 3, 1};
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = char_value(s[i]);
        if (v < 0)
            return -1;
        sum = (sum + v * weight[i % 3]) % 10;
    }
    return sum;
}

bool mrz_keypad_char_ok(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

static bool digit(char c) { return c >= '0' && c <= '9'; }

bool mrz_date_ok(const char *s)
{
    static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int i = 0; i < MRZ_DATE_LEN; i++)
        if (!digit(s[i]))
            return false;
    int yy = (s[0] - '0') * 10 + (s[1] - '0');
    int mm = (s[2] - '0') * 10 + (s[3] - '0');
    int dd = (s[4] - '0') * 10 + (s[5] - '0');
    if (mm < 1 || mm > 12 || dd < 1 || dd > days[mm - 1])
        return false;
    /* 29 February only in a year divisible by 4: the century is unknown,
     * and 2000 was a leap year while 1900 was too long ago to matter. */
    return !(mm == 2 && dd == 29 && yy % 4 != 0);
}

/* Whether the check digit character cd (a digit) is the one of s. */
static bool cd_ok(const char *s, size_t n, char cd)
{
    int v = mrz_check_digit(s, n);
    return v >= 0 && digit(cd) && cd - '0' == v;
}

int mrz_keys_check(const struct mrz_keys *k)
{
    if (!k)
        return KOFU_E_MRZ_FORMAT;
    size_t n = strnlen(k->docno, sizeof k->docno);
    if (n < 1 || n > MRZ_DOCNO_MAX)
        return KOFU_E_MRZ_FORMAT;
    for (size_t i = 0; i < n; i++)
        if (!mrz_keypad_char_ok(k->docno[i]))
            return KOFU_E_MRZ_FORMAT;
    /* The fillers that pad it to 9 count 0: the unpadded digit is the same. */
    if (!cd_ok(k->docno, n, k->docno_cd))
        return KOFU_E_MRZ_FORMAT;
    if (strnlen(k->birth, sizeof k->birth) != MRZ_DATE_LEN || !mrz_date_ok(k->birth))
        return KOFU_E_MRZ_FORMAT;
    if (strnlen(k->expiry, sizeof k->expiry) != MRZ_DATE_LEN || !mrz_date_ok(k->expiry) ||
        !cd_ok(k->expiry, MRZ_DATE_LEN, k->expiry_cd))
        return KOFU_E_MRZ_FORMAT;
    return KOFU_OK;
}

int mrz_info(const struct mrz_keys *k, char out[MRZ_INFO_LEN])
{
    int rc = mrz_keys_check(k);
    if (rc != KOFU_OK)
        return rc;
    size_t n = strlen(k->docno);
    memset(out, '<', MRZ_DOCNO_MAX);
    memcpy(out, k->docno, n);
    out[9] = k->docno_cd;
    memcpy(out + 10, k->birth, MRZ_DATE_LEN);
    out[16] = (char)('0' + mrz_check_digit(k->birth, MRZ_DATE_LEN));
    memcpy(out + 17, k->expiry, MRZ_DATE_LEN);
    out[23] = k->expiry_cd;
    return KOFU_OK;
}

/* The next n characters of the MRZ as a span. */
static const char *field(kofu_cur *c, size_t n, bool *ok)
{
    kofu_cur f;
    if (!*ok || !cur_get_bytes(c, &f, n)) {
        *ok = false;
        return "";
    }
    return (const char *)cur_data(&f);
}

/* Copy a field of n characters into out (cap > n) with the trailing fillers
 * removed and each inner run of fillers turned into one space; every other
 * character must satisfy allowed. False for a field that is empty once
 * fillers are gone (when required) or holds a character not allowed. */
static bool copy_field(const char *s, size_t n, char *out, size_t cap, bool (*allowed)(char), bool required)
{
    size_t end = n, o = 0;
    while (end > 0 && s[end - 1] == '<')
        end--;
    if (end + 1 > cap || (required && end == 0))
        return false;
    for (size_t i = 0; i < end; i++) {
        if (s[i] == '<') {
            if (o == 0)
                return false; /* a field never starts with a filler */
            if (out[o - 1] != ' ')
                out[o++] = ' ';
        } else if (allowed(s[i])) {
            out[o++] = s[i];
        } else {
            return false;
        }
    }
    out[o] = '\0';
    return true;
}

static bool letter(char c) { return c >= 'A' && c <= 'Z'; }

/* A country code: letters, then fillers only ("D<<"). */
static bool country(const char *s, char out[4])
{
    for (int i = 1; i < 3; i++)
        if (s[i] != '<' && s[i - 1] == '<')
            return false;
    return copy_field(s, 3, out, 4, letter, true);
}

/* The name field: primary identifier, "<<", secondary identifier. A name
 * without "<<" (truncated, or a single-name holder) is all primary. */
static bool names(const char *s, struct mrz_td3 *out)
{
    size_t split = MRZ_NAME_MAX;
    for (size_t i = 0; i + 1 < MRZ_NAME_MAX; i++)
        if (s[i] == '<' && s[i + 1] == '<') {
            split = i;
            break;
        }
    if (!copy_field(s, split, out->surname, sizeof out->surname, letter, true))
        return false;
    if (split == MRZ_NAME_MAX) {
        out->given_names[0] = '\0';
        return true;
    }
    /* Skip the separator and any fillers after it (an empty secondary
     * identifier is all fillers). */
    size_t from = split + 2;
    while (from < MRZ_NAME_MAX && s[from] == '<')
        from++;
    return copy_field(s + from, MRZ_NAME_MAX - from, out->given_names, sizeof out->given_names, letter,
                      false);
}

static bool all_filler(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '<')
            return false;
    return true;
}

int mrz_parse_td3(const char *m, size_t n, struct mrz_td3 *out)
{
    if (!out)
        return KOFU_E_PASSPORT_DATA;
    memset(out, 0, sizeof *out);
    if (!m || n != MRZ_TD3_LEN)
        return KOFU_E_PASSPORT_DATA;
    for (size_t i = 0; i < n; i++)
        if (char_value(m[i]) < 0)
            goto bad;
    kofu_cur c;
    cur_init(&c, (const uint8_t *)m, n);
    bool ok = true;
    /* Line 1. */
    const char *code = field(&c, 2, &ok);
    const char *issuer = field(&c, 3, &ok);
    const char *name = field(&c, MRZ_NAME_MAX, &ok);
    /* Line 2. */
    const char *line2 = ok ? (const char *)cur_data(&c) : "";
    const char *docno = field(&c, MRZ_DOCNO_MAX, &ok);
    const char *docno_cd = field(&c, 1, &ok);
    const char *nat = field(&c, 3, &ok);
    const char *birth = field(&c, MRZ_DATE_LEN, &ok);
    const char *birth_cd = field(&c, 1, &ok);
    const char *sex = field(&c, 1, &ok);
    const char *expiry = field(&c, MRZ_DATE_LEN, &ok);
    const char *expiry_cd = field(&c, 1, &ok);
    const char *opt = field(&c, 14, &ok);
    const char *opt_cd = field(&c, 1, &ok);
    const char *composite = field(&c, 1, &ok);
    if (!ok || cur_len(&c) != 0)
        goto bad;

    if (code[0] != 'P' || (code[1] != '<' && !letter(code[1])))
        goto bad;
    out->doc_code[0] = 'P';
    out->doc_code[1] = code[1] == '<' ? '\0' : code[1];
    if (!country(issuer, out->issuing_state) || !country(nat, out->nationality))
        goto bad;
    if (!names(name, out))
        goto bad;
    if (!copy_field(docno, MRZ_DOCNO_MAX, out->docno, sizeof out->docno, mrz_keypad_char_ok, true) ||
        strchr(out->docno, ' ') || !cd_ok(docno, MRZ_DOCNO_MAX, docno_cd[0]))
        goto bad;
    if (!mrz_date_ok(birth) || !cd_ok(birth, MRZ_DATE_LEN, birth_cd[0]))
        goto bad;
    if (sex[0] != 'M' && sex[0] != 'F' && sex[0] != '<')
        goto bad;
    if (!mrz_date_ok(expiry) || !cd_ok(expiry, MRZ_DATE_LEN, expiry_cd[0]))
        goto bad;
    /* Empty optional data may carry '<' or 0 as its check digit. */
    if (all_filler(opt, 14) ? (opt_cd[0] != '<' && opt_cd[0] != '0') : !cd_ok(opt, 14, opt_cd[0]))
        goto bad;
    if (!copy_field(opt, 14, out->optional, sizeof out->optional, mrz_keypad_char_ok, false))
        goto bad;
    /* The composite covers line 2's positions 1-10, 14-20 and 22-43. */
    char comp[10 + 7 + 22];
    memcpy(comp, line2, 10);
    memcpy(comp + 10, line2 + 13, 7);
    memcpy(comp + 17, line2 + 21, 22);
    bool comp_ok = cd_ok(comp, sizeof comp, composite[0]);
    explicit_bzero(comp, sizeof comp);
    if (!comp_ok)
        goto bad;
    memcpy(out->birth, birth, MRZ_DATE_LEN);
    out->sex = sex[0];
    memcpy(out->expiry, expiry, MRZ_DATE_LEN);
    return KOFU_OK;
bad:
    explicit_bzero(out, sizeof *out);
    return KOFU_E_PASSPORT_DATA;
}

int mrz_parse_dg1(const unsigned char *p, size_t n, struct mrz_td3 *out)
{
    kofu_cur c, dg1, mrz;
    cur_init(&c, p, n);
    if (!cur_get_ber_tag(&c, DG1_TAG, &dg1) || cur_len(&c) != 0 ||
        !cur_get_ber_tag(&dg1, DG1_MRZ_TAG, &mrz) || cur_len(&dg1) != 0 ||
        cur_len(&mrz) != MRZ_TD3_LEN) {
        if (out)
            explicit_bzero(out, sizeof *out);
        return KOFU_E_PASSPORT_DATA;
    }
    return mrz_parse_td3((const char *)cur_data(&mrz), cur_len(&mrz), out);
}

void mrz_date_iso(const char yymmdd[MRZ_DATE_LEN], bool is_birth, int today_yy, char out[11])
{
    int yy = (yymmdd[0] - '0') * 10 + (yymmdd[1] - '0');
    /* A birth date lies in the past. An expiry lies within 50 years either
     * side of today (valid for ten years at most; an old one read in a lab
     * is in the past): 20YY unless that is 50 or more years ahead. */
    bool nineteen = is_birth ? yy > today_yy : yy >= today_yy + 50;
    const char *century = nineteen ? "19" : "20";
    out[0] = century[0];
    out[1] = century[1];
    out[2] = yymmdd[0];
    out[3] = yymmdd[1];
    out[4] = '-';
    out[5] = yymmdd[2];
    out[6] = yymmdd[3];
    out[7] = '-';
    out[8] = yymmdd[4];
    out[9] = yymmdd[5];
    out[10] = '\0';
}
