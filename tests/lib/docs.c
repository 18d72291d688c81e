/* docs.c — synthetic documents (tests/lib/docs.h). */
#include "tests/lib/docs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char kt_b64url_chars[65] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* xorshift32: the same pseudo-random text on every run. */
static uint32_t next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

char *kt_synthetic_jws(size_t len)
{
    static const char header[] = "eyJ6aXAiOiJERUYiLCJhbGciOiJFUzI1NiIsImtpZCI6InN5bnRoZXRpYyJ9.";
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < len; i++)
        s[i] = kt_b64url_chars[next(&x) % 64];
    size_t h = sizeof header - 1 < len ? sizeof header - 1 : len;
    memcpy(s, header, h);
    if (len > h + 100)
        s[len - 87] = '.';
    s[len] = '\0';
    return s;
}

char *kt_synthetic_seal(int n_doses)
{
    char *s = malloc(8192);
    if (!s)
        return NULL;
    int k = snprintf(s, 8192,
                     "{\"data\":{\"hdr\":{\"is\":\"JPN\",\"t\":\"icao.vacc\",\"v\":1},\"msg\":{\"pid\":{\"dob\":"
                     "\"1980-01-02\",\"i\":\"TZ1234567\",\"n\":\"YAMADA TARO\"},\"uvci\":\"JP-131016-2026-000001\","
                     "\"ve\":[{\"des\":\"XM68M6\",\"dis\":\"RA01.0\",\"nam\":\"Comirnaty\",\"vd\":[");
    for (int i = 0; i < n_doses; i++)
        k += snprintf(s + k, 8192 - (size_t)k,
                      "%s{\"adm\":\"Chiyoda City\",\"ctr\":\"JPN\",\"dvc\":\"2021-%02d-15\","
                      "\"lot\":\"FK%04d\",\"seq\":%d}",
                      i ? "," : "", 1 + i % 12, 1000 + 37 * i, i + 1);
    k += snprintf(s + k, 8192 - (size_t)k, "]}]}},\"sig\":{\"alg\":\"ES256\",\"cer\":\"");
    uint32_t x = 88172645u;
    for (int i = 0; i < 619; i++) /* base64url of a 464-byte DER certificate */
        s[k++] = kt_b64url_chars[next(&x) % 64];
    k += snprintf(s + k, 8192 - (size_t)k, "\",\"sigvl\":\"");
    for (int i = 0; i < 86; i++)
        s[k++] = kt_b64url_chars[(i * 7) % 64];
    snprintf(s + k, 8192 - (size_t)k, "\"}}");
    return s;
}

char *kt_shc_qr_text(const char *jws)
{
    size_t n = strlen(jws);
    char *t = malloc(5 + 2 * n + 1);
    if (!t)
        return NULL;
    memcpy(t, "shc:/", 5);
    for (size_t i = 0; i < n; i++)
        snprintf(t + 5 + 2 * i, 3, "%02u", (unsigned)((unsigned char)jws[i] - 45u) % 100u);
    t[5 + 2 * n] = '\0';
    return t;
}

int kt_shc_jws_of_qr_text(const char *qr, char *jws, size_t cap)
{
    if (strncmp(qr, "shc:/", 5) != 0 || cap == 0)
        return -1;
    size_t n = 0;
    const char *p = qr + 5;
    for (; p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9'; p += 2) {
        if (n + 1 >= cap)
            return -1;
        jws[n++] = (char)((p[0] - '0') * 10 + (p[1] - '0') + 45);
    }
    jws[n] = '\0';
    return (int)n;
}
