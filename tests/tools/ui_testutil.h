/*
 * ui_testutil.h — helpers for the ui/ tests (test_qr.c, test_document.c):
 * a private temporary directory, writing bytes into it, running the
 * external checkers (zbarimg, pdfinfo, pdffonts, pdftotext, pdftoppm) with
 * their standard output captured, and synthetic JWS and VDS-NC seals.
 *
 * Test-only: the firmware never writes a document to a file; the tests
 * write what it produced in memory so that independent tools can read it.
 * Header-only (static inline) so each test program stays one source file.
 */
#ifndef KOFU_UI_TESTUTIL_H
#define KOFU_UI_TESTUTIL_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/** A fresh private directory "/tmp/kofu-ui-test-XXXXXX" into dir (≥ 64 bytes). */
static inline bool uit_tempdir(char *dir, size_t n)
{
    if (snprintf(dir, n, "/tmp/kofu-ui-test-XXXXXX") >= (int)n)
        return false;
    return mkdtemp(dir) != NULL;
}

/** Remove every plain file in dir, then dir itself (no recursion needed). */
static inline void uit_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/** Write n bytes to path (created 0600). */
static inline bool uit_write(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/** Run a shell command; its standard output (NUL-terminated, malloc'd,
 *  at most 1 MiB) into *out and its length into *len. Returns the exit
 *  status, or -1 if it could not run. Commands are built by the tests
 *  from their own temporary paths only. */
static inline int uit_run(const char *cmd, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        pclose(p);
        return -1;
    }
    size_t k;
    while (n < cap && (k = fread(buf + n, 1, cap - n, p)) > 0)
        n += k;
    buf[n] = '\0';
    int st = pclose(p);
    *out = buf;
    *len = n;
    return st == -1 ? -1 : (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/** True if the program is on PATH (the ui tests need zbar-tools and
 *  poppler-utils; they fail loudly, not skip, when one is missing). */
static inline bool uit_have(const char *prog)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
    return system(cmd) == 0;
}

/** Monotonic clock in milliseconds. */
static inline double uit_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}


/* ---- synthetic documents (for test_qr, test_document and the screens' samples) ---- */

static const char uit_b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** A JWS-shaped string of exactly len characters: a real-looking header, a
 *  pseudo-random payload, and a '.' before an 86-character "signature" when
 *  there is room. Deterministic; NULL when out of memory. Not a real SHC. */
static inline char *uit_synthetic_jws(size_t len)
{
    static const char header[] = "eyJ6aXAiOiJERUYiLCJhbGciOiJFUzI1NiIsImtpZCI6InN5bnRoZXRpYyJ9.";
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        s[i] = uit_b64url[x % 64];
    }
    size_t h = sizeof header - 1 < len ? sizeof header - 1 : len;
    memcpy(s, header, h);
    if (len > h + 100)
        s[len - 87] = '.';
    s[len] = '\0';
    return s;
}

/** A VDS-NC seal shaped like the center's (JCS data, ES256, a P-256 signer
 *  certificate of ~460 DER bytes) with n_doses vaccination events; NULL
 *  when out of memory. */
static inline char *uit_synthetic_seal(int n_doses)
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
    for (int i = 0; i < 619; i++) { /* base64url of a 464-byte DER certificate */
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        s[k++] = uit_b64url[x % 64];
    }
    k += snprintf(s + k, 8192 - (size_t)k, "\",\"sigvl\":\"");
    for (int i = 0; i < 86; i++)
        s[k++] = uit_b64url[(i * 7) % 64];
    snprintf(s + k, 8192 - (size_t)k, "\"}}");
    return s;
}

#endif
