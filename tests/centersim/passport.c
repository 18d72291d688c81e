/* passport.c — see passport.h. */
#include "passport.h"

#include "base/bytes.h"

#include <string.h>

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"

/* min..max characters, all of set. */
static bool all_of(const char *s, size_t min, size_t max, const char *set)
{
    size_t n = s ? strlen(s) : 0;
    return s && n >= min && n <= max && strspn(s, set) == n;
}

/* A name part as the protocol takes it from the MRZ: A-Z and single
 * spaces inside (each '<' between words became one). */
static bool name_part(const char *s, size_t min, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (!all_of(s, min, max, UPPER " "))
        return false;
    return n == 0 || (s[0] != ' ' && s[n - 1] != ' ' && !strstr(s, "  "));
}

/* YYYY-MM-DD with a month 01-12 and a day 01-31 (the MRZ says no more). */
static bool iso_date(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, DIGITS) != 4 ||
        strspn(s + 5, DIGITS) != 2 || strspn(s + 8, DIGITS) != 2)
        return false;
    int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static bool one_of(const char *s, const char *a, const char *b, const char *c)
{
    return s && (!strcmp(s, a) || !strcmp(s, b) || (c && !strcmp(s, c)));
}

bool passport_fields_valid(const struct passport_fields *f)
{
    if (!all_of(f->number, 1, PASSPORT_NUMBER_MAX, UPPER DIGITS) || !all_of(f->nationality, 1, 3, UPPER) ||
        !all_of(f->issuing_state, 1, 3, UPPER) || !name_part(f->surname, 1, PASSPORT_NAME_MAX) ||
        !name_part(f->given_names, 0, PASSPORT_NAME_MAX - 1) || !f->name_roman || !iso_date(f->birth_date) ||
        !iso_date(f->expiry_date) || strncmp(f->expiry_date, "20", 2) != 0 || !one_of(f->sex, "M", "F", "X") ||
        !one_of(f->access, "BAC", "PACE", NULL))
        return false;
    /* name_roman: the surname, then a space and the given names when there are any. */
    size_t ns = strlen(f->surname), ng = strlen(f->given_names);
    if (ng == 0)
        return strcmp(f->name_roman, f->surname) == 0;
    return strlen(f->name_roman) == ns + 1 + ng && strncmp(f->name_roman, f->surname, ns) == 0 &&
           f->name_roman[ns] == ' ' && strcmp(f->name_roman + ns + 1, f->given_names) == 0;
}

int passport_check_digit(const char *s, size_t n)
{
    static const int weight[3] = {7, 3, 1};
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        int v;
        if (s[i] >= '0' && s[i] <= '9')
            v = s[i] - '0';
        else if (s[i] >= 'A' && s[i] <= 'Z')
            v = s[i] - 'A' + 10;
        else if (s[i] == '<')
            v = 0;
        else
            return -1;
        sum += v * weight[i % 3];
    }
    return sum % 10;
}

static bool digit_holds(const char *field, size_t n, char cd)
{
    int d = passport_check_digit(field, n);
    return d >= 0 && cd == (char)('0' + d);
}

/* A fixed-width MRZ field equals s followed by fillers only. */
static bool field_is(const char *field, size_t width, const char *s)
{
    size_t n = strlen(s);
    if (n > width || memcmp(field, s, n) != 0)
        return false;
    for (size_t i = n; i < width; i++)
        if (field[i] != '<')
            return false;
    return true;
}

/* One name part of the MRZ, '<' as space, equals want (already a name_part). */
static bool name_is(const char *p, size_t n, const char *want)
{
    if (strlen(want) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((p[i] == '<' ? ' ' : p[i]) != want[i])
            return false;
    return true;
}

/* The name field (39 characters): trailing fillers off, split at the first
 * "<<" into the surname and the given names. */
static bool name_field_is(const char *z, const char *surname, const char *given)
{
    size_t n = PASSPORT_NAME_MAX;
    while (n > 0 && z[n - 1] == '<')
        n--;
    const char *sep = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (z[i] == '<' && z[i + 1] == '<') {
            sep = z + i;
            break;
        }
    if (!sep)
        return name_is(z, n, surname) && given[0] == '\0';
    size_t ns = (size_t)(sep - z);
    return name_is(z, ns, surname) && name_is(sep + 2, n - ns - 2, given);
}

bool passport_dg1_matches(const uint8_t *dg1, size_t n, const struct passport_fields *f)
{
    kofu_cur c, outer, mrz;
    cur_init(&c, dg1, n);
    if (!cur_get_ber_tag(&c, 0x61, &outer) || cur_len(&c) != 0 || !cur_get_ber_tag(&outer, 0x5F1F, &mrz) ||
        cur_len(&outer) != 0 || cur_len(&mrz) != PASSPORT_MRZ_LEN)
        return false;
    const char *z = (const char *)cur_data(&mrz), *l2 = z + 44;
    if (passport_check_digit(z, PASSPORT_MRZ_LEN) < 0) /* only 0-9, A-Z and '<' */
        return false;
    /* Check digits: number, birth, expiry, optional data, composite. */
    char composite[39];
    memcpy(composite, l2, 10);
    memcpy(composite + 10, l2 + 13, 7);
    memcpy(composite + 17, l2 + 21, 22);
    if (z[0] != 'P' || !digit_holds(l2, 9, l2[9]) || !digit_holds(l2 + 13, 6, l2[19]) ||
        !digit_holds(l2 + 21, 6, l2[27]) ||
        /* optional data all fillers may carry a filler for its check digit */
        !(digit_holds(l2 + 28, 14, l2[42]) || (l2[42] == '<' && strspn(l2 + 28, "<") >= 14)) ||
        !digit_holds(composite, sizeof composite, l2[43]))
        return false;
    /* The fields: YYMMDD of the ISO dates; sex X is the MRZ's '<'. */
    char birth[6] = {f->birth_date[2], f->birth_date[3], f->birth_date[5],
                     f->birth_date[6], f->birth_date[8], f->birth_date[9]};
    char expiry[6] = {f->expiry_date[2], f->expiry_date[3], f->expiry_date[5],
                      f->expiry_date[6], f->expiry_date[8], f->expiry_date[9]};
    char sex = f->sex[0] == 'X' ? '<' : f->sex[0];
    return field_is(z + 2, 3, f->issuing_state) && name_field_is(z + 5, f->surname, f->given_names) &&
           field_is(l2, 9, f->number) && field_is(l2 + 10, 3, f->nationality) && memcmp(l2 + 13, birth, 6) == 0 &&
           l2[20] == sex && memcmp(l2 + 21, expiry, 6) == 0;
}
