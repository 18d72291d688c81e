/* resident.c — see resident.h. */
#include "resident.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

/* Keys the file may carry; anything else is most likely a typo, so it is
 * refused — except keys starting with '_', which are free-form comments. */
static const char *const resident_keys[] = {
    "my_number", "name", "address", "birth_date", "sex",
    "pin", "pin_tries_left", "pin_max_tries",
};

static bool resident_all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Fetches a required string member; jansson has already checked the UTF-8. */
static bool resident_string(json_t *root, const char *key, const char **s, size_t *n,
                            char *err, size_t errlen)
{
    json_t *v = json_object_get(root, key);
    if (!json_is_string(v)) {
        snprintf(err, errlen, "\"%s\" is missing or not a string", key);
        return false;
    }
    *s = json_string_value(v);
    *n = json_string_length(v);
    if (memchr(*s, '\0', *n)) { /* \u0000 would not survive as a C string */
        snprintf(err, errlen, "\"%s\" contains a NUL character", key);
        return false;
    }
    return true;
}

/* A string member that must be exactly n ASCII digits, copied unterminated. */
static bool resident_digits(json_t *root, const char *key, char *out, size_t n,
                            char *err, size_t errlen)
{
    const char *s;
    size_t len;
    if (!resident_string(root, key, &s, &len, err, errlen))
        return false;
    if (len != n || !resident_all_digits(s, n)) {
        snprintf(err, errlen, "\"%s\" must be exactly %zu ASCII digits", key, n);
        return false;
    }
    memcpy(out, s, n);
    return true;
}

/* A UTF-8 text member of 1..RESIDENT_TEXT_MAX bytes. */
static bool resident_text(json_t *root, const char *key, uint8_t *out, size_t *out_len,
                          char *err, size_t errlen)
{
    const char *s;
    size_t len;
    if (!resident_string(root, key, &s, &len, err, errlen))
        return false;
    if (len == 0 || len > RESIDENT_TEXT_MAX) {
        snprintf(err, errlen, "\"%s\" must be 1..%d bytes of UTF-8 (has %zu)", key,
                 RESIDENT_TEXT_MAX, len);
        return false;
    }
    memcpy(out, s, len);
    *out_len = len;
    return true;
}

/* An optional integer member in lo..hi; absent means def. */
static bool resident_int(json_t *root, const char *key, unsigned def, long lo, long hi,
                         unsigned *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(root, key);
    if (!v) {
        *out = def;
        return true;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        snprintf(err, errlen, "\"%s\" must be an integer %ld..%ld", key, lo, hi);
        return false;
    }
    *out = (unsigned)json_integer_value(v);
    return true;
}

static bool resident_check_keys(json_t *root, char *err, size_t errlen)
{
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        (void)v;
        bool known = key[0] == '_';
        for (size_t i = 0; !known && i < sizeof resident_keys / sizeof *resident_keys; i++)
            known = strcmp(key, resident_keys[i]) == 0;
        if (!known) {
            snprintf(err, errlen, "unknown key \"%.40s\"", key);
            return false;
        }
    }
    return true;
}

static bool resident_sex(json_t *root, char *out, char *err, size_t errlen)
{
    const char *s;
    size_t len;
    if (!resident_string(root, "sex", &s, &len, err, errlen))
        return false;
    /* 0/1/2/9 are the codes in use; any other printable ASCII byte is kept as
     * given so tests can feed the reader an unexpected code. */
    if (len != 1 || s[0] < 0x20 || s[0] > 0x7E) {
        snprintf(err, errlen, "\"sex\" must be one ASCII character (0, 1, 2 or 9)");
        return false;
    }
    *out = s[0];
    return true;
}

static bool resident_fill(json_t *root, resident *r, char *err, size_t errlen)
{
    char pin[RESIDENT_PIN_LEN];
    if (!json_is_object(root)) {
        snprintf(err, errlen, "the top level must be a JSON object");
        return false;
    }
    if (!resident_check_keys(root, err, errlen) ||
        !resident_digits(root, "my_number", r->my_number, sizeof r->my_number, err, errlen) ||
        !resident_text(root, "name", r->name, &r->name_len, err, errlen) ||
        !resident_text(root, "address", r->address, &r->address_len, err, errlen) ||
        !resident_digits(root, "birth_date", r->birth_date, sizeof r->birth_date, err, errlen) ||
        !resident_sex(root, &r->sex, err, errlen) ||
        !resident_digits(root, "pin", pin, sizeof pin, err, errlen) ||
        !resident_int(root, "pin_max_tries", 3, 1, RESIDENT_TRIES_MAX, &r->max_tries, err, errlen) ||
        /* a fresh card: all tries left unless the file says otherwise */
        !resident_int(root, "pin_tries_left", r->max_tries, 0, RESIDENT_TRIES_MAX, &r->tries_left, err, errlen))
        return false;
    memcpy(r->pin, pin, sizeof pin);
    OPENSSL_cleanse(pin, sizeof pin);
    if (r->tries_left > r->max_tries) {
        snprintf(err, errlen, "\"pin_tries_left\" must not exceed \"pin_max_tries\"");
        return false;
    }
    return true;
}

bool resident_load(const char *path, resident *out, char *err, size_t errlen)
{
    json_error_t jerr;
    resident_wipe(out);
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        /* jansson may quote the offending token ("... near '1234'"), which
         * could be part of the PIN: keep only the reason before it. */
        char *near = strstr(jerr.text, " near ");
        if (near)
            *near = '\0';
        if (jerr.line > 0)
            snprintf(err, errlen, "%s: line %d column %d: %s", path, jerr.line, jerr.column,
                     jerr.text);
        else
            snprintf(err, errlen, "%s", jerr.text); /* e.g. "unable to open FILE: ..." */
        return false;
    }
    char why[160];
    bool ok = resident_fill(root, out, why, sizeof why);
    json_decref(root);
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, why);
        resident_wipe(out);
    }
    return ok;
}

void resident_wipe(resident *r)
{
    OPENSSL_cleanse(r, sizeof *r);
}
