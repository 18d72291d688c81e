/* holder.c — see holder.h. */
#include "holder.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static const char *const holder_keys[] = {
    "document_number", "issuing_state", "nationality", "name",   "birth_date",
    "sex",             "expiry_date",   "personal_number", "signer",
};

static bool holder_mrz_chars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '<'))
            return false;
    return true;
}

static bool holder_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* A string member of 1..max MRZ characters (exact when exact), '<'-padded to
 * max into out (max + 1 bytes). */
static bool holder_field(json_t *root, const char *key, bool required, size_t max, bool exact, char *out,
                         char *err, size_t errlen)
{
    json_t *v = json_object_get(root, key);
    memset(out, '<', max);
    out[max] = '\0';
    if (!v && !required)
        return true;
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    if (!s || n == 0 || n > max || (exact && n != max) || !holder_mrz_chars(s, n)) {
        snprintf(err, errlen, "\"%s\" must be %s%zu MRZ characters (0-9 A-Z <)", key, exact ? "" : "1..", max);
        return false;
    }
    memcpy(out, s, n);
    return true;
}

static bool holder_fill(json_t *root, holder *h, char *err, size_t errlen)
{
    const char *key;
    json_t *v;
    if (!json_is_object(root)) {
        snprintf(err, errlen, "the top level must be a JSON object");
        return false;
    }
    json_object_foreach(root, key, v) {
        bool known = key[0] == '_';
        for (size_t i = 0; !known && i < sizeof holder_keys / sizeof *holder_keys; i++)
            known = strcmp(key, holder_keys[i]) == 0;
        if (!known) {
            snprintf(err, errlen, "unknown key \"%.40s\"", key);
            return false;
        }
    }
    char sex[2];
    if (!holder_field(root, "document_number", true, 9, false, h->document_number, err, errlen) ||
        !holder_field(root, "issuing_state", true, 3, false, h->issuing_state, err, errlen) ||
        !holder_field(root, "nationality", true, 3, false, h->nationality, err, errlen) ||
        !holder_field(root, "name", true, 39, false, h->name, err, errlen) ||
        !holder_field(root, "birth_date", true, 6, true, h->birth_date, err, errlen) ||
        !holder_field(root, "sex", true, 1, true, sex, err, errlen) ||
        !holder_field(root, "expiry_date", true, 6, true, h->expiry_date, err, errlen) ||
        !holder_field(root, "personal_number", false, 14, false, h->personal_number, err, errlen))
        return false;
    if (!holder_digits(h->birth_date, 6) || !holder_digits(h->expiry_date, 6)) {
        snprintf(err, errlen, "\"birth_date\" and \"expiry_date\" must be YYMMDD digits");
        return false;
    }
    if (sex[0] != 'M' && sex[0] != 'F' && sex[0] != '<') {
        snprintf(err, errlen, "\"sex\" must be M, F or <");
        return false;
    }
    h->sex = sex[0];
    const char *signer = json_string_value(json_object_get(root, "signer"));
    if (!signer || !*signer || strlen(signer) >= sizeof h->signer || strspn(signer, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(signer)) {
        snprintf(err, errlen, "\"signer\" must name a Document Signer (e.g. ds-ut)");
        return false;
    }
    snprintf(h->signer, sizeof h->signer, "%s", signer);
    return true;
}

bool holder_load(const char *path, holder *out, char *err, size_t errlen)
{
    json_error_t jerr;
    memset(out, 0, sizeof *out);
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        char *near = strstr(jerr.text, " near "); /* may quote holder data */
        if (near)
            *near = '\0';
        snprintf(err, errlen, "%s: %s", path, jerr.text);
        return false;
    }
    char why[160];
    bool ok = holder_fill(root, out, why, sizeof why);
    json_decref(root);
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, why);
        memset(out, 0, sizeof *out);
    }
    return ok;
}

char holder_check_digit(const char *s, size_t n)
{
    static const int w[3] = {7, 3, 1};
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 10 : 0;
        sum += v * w[i % 3];
    }
    return (char)('0' + sum % 10);
}

void holder_mrz(const holder *h, char out[HOLDER_MRZ_LEN + 1])
{
    char *l2 = out + 44;
    snprintf(out, 45, "P<%s%s", h->issuing_state, h->name);
    /* line 2: 1-9 docno, 10 cd, 11-13 nationality, 14-19 birth, 20 cd,
     * 21 sex, 22-27 expiry, 28 cd, 29-42 personal number, 43 its cd,
     * 44 composite over 1-10, 14-20, 22-43 */
    memcpy(l2, h->document_number, 9);
    l2[9] = holder_check_digit(l2, 9);
    memcpy(l2 + 10, h->nationality, 3);
    memcpy(l2 + 13, h->birth_date, 6);
    l2[19] = holder_check_digit(l2 + 13, 6);
    l2[20] = h->sex;
    memcpy(l2 + 21, h->expiry_date, 6);
    l2[27] = holder_check_digit(l2 + 21, 6);
    memcpy(l2 + 28, h->personal_number, 14);
    l2[42] = strspn(h->personal_number, "<") == 14 ? '<' : holder_check_digit(l2 + 28, 14);
    char comp[10 + 7 + 22];
    memcpy(comp, l2, 10);
    memcpy(comp + 10, l2 + 13, 7);
    memcpy(comp + 17, l2 + 21, 22);
    l2[43] = holder_check_digit(comp, sizeof comp);
    out[HOLDER_MRZ_LEN] = '\0';
}

void holder_mrz_info(const holder *h, const char *docno, char out[HOLDER_MRZ_INFO_LEN + 1])
{
    memcpy(out, docno, 9);
    out[9] = holder_check_digit(out, 9);
    memcpy(out + 10, h->birth_date, 6);
    out[16] = holder_check_digit(out + 10, 6);
    memcpy(out + 17, h->expiry_date, 6);
    out[23] = holder_check_digit(out + 17, 6);
    out[HOLDER_MRZ_INFO_LEN] = '\0';
}
