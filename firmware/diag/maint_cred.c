/* maint_cred.c — see maint_cred.h.
 *
 * Bounds on a PHC string's cost: the file is read-only on the kiosk, but a
 * damaged or hostile one must not make a verification run for minutes or
 * allocate gigabytes (a denial of service on the kiosk's service mode), and
 * a cost far under the default is a mistake worth refusing loudly.
 */
#include "diag/maint_cred.h"

#include "base/b64.h"
#include "base/errors.h"
#include "base/kcrypto.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The file: at most this many bytes (a few hundred technicians). */
#define CRED_FILE_MAX (64 * 1024)

/* ---- PHC strings ------------------------------------------------------- */

static bool digits_only(kofu_cur c)
{
    uint8_t b;
    if (cur_len(&c) == 0)
        return false;
    while (cur_get_u8(&c, &b))
        if (b < '0' || b > '9')
            return false;
    return true;
}

/* A decimal number without sign or leading zero, at most max. */
static bool get_number(kofu_cur c, uint64_t max, uint64_t *out)
{
    size_t n = cur_len(&c);
    if (n == 0 || n > 19 || !digits_only(c) || (n > 1 && cur_data(&c)[0] == '0'))
        return false;
    uint64_t x = 0;
    uint8_t b;
    while (cur_get_u8(&c, &b))
        x = x * 10 + (uint64_t)(b - '0');
    if (x > max)
        return false;
    *out = x;
    return true;
}

/* Split off what comes before the next sep (consuming the sep), or, when
 * last, everything left (which must then hold no sep). */
static bool get_field(kofu_cur *c, uint8_t sep, kofu_cur *out, bool last)
{
    const uint8_t *p = cur_data(c);
    size_t n = cur_len(c);
    const uint8_t *at = n ? memchr(p, sep, n) : NULL;
    if (last) {
        if (at)
            return false;
        return cur_get_bytes(c, out, n);
    }
    if (!at)
        return false;
    return cur_get_bytes(c, out, (size_t)(at - p)) && cur_skip(c, 1);
}

static bool expect(kofu_cur *c, const char *lit)
{
    size_t n = strlen(lit);
    kofu_cur head;
    if (cur_len(c) < n)
        return false;
    kofu_cur probe = *c;
    if (!cur_get_bytes(&probe, &head, n) || !cur_equals(&head, (const uint8_t *)lit, n))
        return false;
    *c = probe;
    return true;
}

/* Unpadded standard base64, as the PHC string format writes it: decoded
 * strictly by adding the padding back (one encoding per value). */
static bool get_b64(kofu_cur c, uint8_t *out, size_t min, size_t max, size_t *len)
{
    size_t n = cur_len(&c);
    char padded[4 * ((MAINT_PHC_BYTES_MAX + 2) / 3) + 4];
    if (n == 0 || n % 4 == 1 || n + 3 > sizeof padded)
        return false;
    memcpy(padded, cur_data(&c), n);
    for (size_t i = 0; i < n; i++)
        if (padded[i] == '=')
            return false;
    while (n % 4)
        padded[n++] = '=';
    size_t got = 0;
    if (!b64_decode(padded, n, out, max, &got, false) || got < min)
        return false;
    *len = got;
    return true;
}

static bool put_b64(const uint8_t *in, size_t n, char *out, size_t cap)
{
    if (!b64_encode(in, n, out, cap, false))
        return false;
    size_t len = strlen(out);
    while (len > 0 && out[len - 1] == '=')
        out[--len] = '\0';
    return true;
}

int maint_cred_parse_phc(kofu_cur s, struct maint_phc *out)
{
    struct maint_phc ph = {0};
    memset(out, 0, sizeof *out);
    kofu_cur params, salt, hash;
    uint64_t x;
    if (expect(&s, "$pbkdf2-sha256$i=")) {
        ph.alg = MAINT_PBKDF2_SHA256;
        kofu_cur iter;
        if (!get_field(&s, '$', &iter, false) || !get_number(iter, MAINT_PBKDF2_ITER_MAX, &x) ||
            x < MAINT_PBKDF2_ITER_MIN)
            return KOFU_E_CONFIG;
        ph.iter = x;
    } else if (expect(&s, "$scrypt$ln=")) {
        ph.alg = MAINT_SCRYPT;
        kofu_cur ln, r, p;
        if (!get_field(&s, '$', &params, false) || !get_field(&params, ',', &ln, false) ||
            !expect(&params, "r=") || !get_field(&params, ',', &r, false) || !expect(&params, "p=") ||
            !get_field(&params, ',', &p, true))
            return KOFU_E_CONFIG;
        uint64_t vln, vr, vp;
        if (!get_number(ln, MAINT_SCRYPT_LN_MAX, &vln) || vln < MAINT_SCRYPT_LN_MIN ||
            !get_number(r, MAINT_SCRYPT_R_MAX, &vr) || vr < 1 || !get_number(p, MAINT_SCRYPT_P_MAX, &vp) || vp < 1)
            return KOFU_E_CONFIG;
        /* scrypt's memory is 128 · r · N bytes. */
        if (((uint64_t)128 * vr) << vln > MAINT_SCRYPT_MEM_MAX)
            return KOFU_E_CONFIG;
        ph.ln = (unsigned)vln;
        ph.r = (unsigned)vr;
        ph.p = (unsigned)vp;
    } else {
        return KOFU_E_CONFIG;
    }
    if (!get_field(&s, '$', &salt, false) || !get_field(&s, '$', &hash, true) ||
        !get_b64(salt, ph.salt, MAINT_SALT_MIN, sizeof ph.salt, &ph.salt_len) ||
        !get_b64(hash, ph.hash, MAINT_HASH_MIN, sizeof ph.hash, &ph.hash_len))
        return KOFU_E_CONFIG;
    *out = ph;
    OPENSSL_cleanse(&ph, sizeof ph);
    return KOFU_OK;
}

int maint_cred_derive(const struct maint_phc *ph, const uint8_t *secret, size_t n, uint8_t *out, size_t out_len)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, ph->alg == MAINT_SCRYPT ? "SCRYPT" : "PBKDF2", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (!ctx)
        return KOFU_E_INTERNAL;
    /* OpenSSL takes a non-const pointer but only reads it. */
    void *pw = (void *)(uintptr_t)secret;
    void *salt = (void *)(uintptr_t)ph->salt;
    OSSL_PARAM params[8];
    size_t i = 0;
    uint64_t iter = ph->iter, n_cost = (uint64_t)1 << ph->ln, maxmem = (uint64_t)MAINT_SCRYPT_MEM_MAX * 2;
    uint32_t r = ph->r, p = ph->p;
    params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pw, n);
    params[i++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, ph->salt_len);
    if (ph->alg == MAINT_SCRYPT) {
        params[i++] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n_cost);
        params[i++] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
        params[i++] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
        params[i++] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem);
    } else {
        params[i++] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_ITER, &iter);
        params[i++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)(uintptr_t) "SHA256", 0);
    }
    params[i] = OSSL_PARAM_construct_end();
    int ok = EVP_KDF_derive(ctx, out, out_len, params);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1) {
        OPENSSL_cleanse(out, out_len);
        return KOFU_E_INTERNAL;
    }
    return KOFU_OK;
}

/* Whether the code matches: the whole work, and a constant-time compare. */
static int check_code(const struct maint_phc *ph, const char *code, bool *match)
{
    uint8_t dk[MAINT_PHC_BYTES_MAX];
    *match = false;
    int rc = maint_cred_derive(ph, (const uint8_t *)code, strlen(code), dk, ph->hash_len);
    if (rc == KOFU_OK)
        *match = CRYPTO_memcmp(dk, ph->hash, ph->hash_len) == 0;
    OPENSSL_cleanse(dk, sizeof dk);
    return rc;
}

/* ---- lines and the file ------------------------------------------------ */

static int parse_line(kofu_cur line, uint32_t *id, struct maint_phc *ph)
{
    *id = 0;
    memset(ph, 0, sizeof *ph);
    if (cur_len(&line) > MAINT_LINE_MAX)
        return KOFU_E_CONFIG;
    kofu_cur idf;
    uint64_t x;
    /* No leading zero, and 0 is the console's (README): one spelling per id. */
    if (!get_field(&line, ' ', &idf, false) || cur_len(&idf) > MAINT_ID_DIGITS || !get_number(idf, UINT32_MAX, &x) ||
        x == 0)
        return KOFU_E_CONFIG;
    if (maint_cred_parse_phc(line, ph) != KOFU_OK)
        return KOFU_E_CONFIG;
    *id = (uint32_t)x;
    return KOFU_OK;
}

int maint_cred_parse_line(kofu_cur line, uint32_t *id)
{
    struct maint_phc ph;
    int rc = parse_line(line, id, &ph);
    OPENSSL_cleanse(&ph, sizeof ph);
    return rc;
}

static bool code_ok(const char *code)
{
    if (!code)
        return false;
    size_t n = strnlen(code, MAINT_CODE_MAX + 1);
    if (n < MAINT_CODE_MIN || n > MAINT_CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return true;
}

int maint_cred_code_ok(const char *code) { return code_ok(code) ? KOFU_OK : KOFU_E_ARG; }

static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    *len = 0;
    int fd = path && *path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0)
        return KOFU_E_CONFIG;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return KOFU_E_CONFIG;
    }
    size_t got = 0;
    for (;;) {
        if (got == cap) {
            close(fd);
            return KOFU_E_CONFIG; /* larger than any credential file */
        }
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            close(fd);
            return KOFU_E_CONFIG;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return KOFU_OK;
}

static int find_line(kofu_cur file, uint32_t id, struct maint_phc *found, struct maint_phc *first, bool *have)
{
    *have = false;
    bool any = false;
    memset(found, 0, sizeof *found);
    memset(first, 0, sizeof *first);
    /* Ids seen, to refuse a second line for one (which would it be?). */
    static const size_t ids_max = CRED_FILE_MAX / 16;
    uint32_t ids[CRED_FILE_MAX / 16];
    size_t n_ids = 0;
    int rc = KOFU_OK;
    while (rc == KOFU_OK && cur_len(&file) > 0) {
        const uint8_t *p = cur_data(&file);
        size_t n = cur_len(&file);
        const uint8_t *lf = memchr(p, '\n', n);
        kofu_cur line;
        if (!lf || !cur_get_bytes(&file, &line, (size_t)(lf - p)) || !cur_skip(&file, 1)) {
            rc = KOFU_E_CONFIG; /* every line ends with LF */
            break;
        }
        uint32_t lid;
        struct maint_phc ph;
        rc = parse_line(line, &lid, &ph);
        for (size_t i = 0; rc == KOFU_OK && i < n_ids; i++)
            if (ids[i] == lid)
                rc = KOFU_E_CONFIG;
        if (rc == KOFU_OK && n_ids == ids_max)
            rc = KOFU_E_CONFIG;
        if (rc == KOFU_OK) {
            ids[n_ids++] = lid;
            if (!any)
                *first = ph;
            any = true;
            if (lid == id) {
                *found = ph;
                *have = true;
            }
        }
        OPENSSL_cleanse(&ph, sizeof ph);
    }
    if (rc != KOFU_OK) {
        *have = false;
        OPENSSL_cleanse(found, sizeof *found);
        OPENSSL_cleanse(first, sizeof *first);
    }
    return rc;
}

/* The work an unknown id costs when the file is empty: the default's. */
static void default_phc(struct maint_phc *ph)
{
    memset(ph, 0, sizeof *ph);
    ph->alg = MAINT_PBKDF2_SHA256;
    ph->iter = MAINT_PBKDF2_ITER_DEFAULT;
    ph->salt_len = MAINT_SALT_DEFAULT;
    ph->hash_len = MAINT_HASH_DEFAULT;
}

int maint_cred_verify(const char *path, uint32_t id, const char *code)
{
    bool id_known;
    return maint_cred_verify_id(path, id, code, &id_known);
}

int maint_cred_verify_id(const char *path, uint32_t id, const char *code, bool *id_known)
{
    *id_known = false;
    if (!code_ok(code))
        return KOFU_E_ARG;
    uint8_t *file_buf = malloc(CRED_FILE_MAX);
    if (!file_buf)
        return KOFU_E_NOMEM;
    size_t len;
    int rc = read_file(path, file_buf, CRED_FILE_MAX, &len);
    struct maint_phc found, first;
    bool have = false;
    if (rc == KOFU_OK) {
        kofu_cur file;
        cur_init(&file, file_buf, len);
        rc = find_line(file, id, &found, &first, &have);
    }
    OPENSSL_cleanse(file_buf, CRED_FILE_MAX);
    free(file_buf);
    if (rc != KOFU_OK)
        return rc;
    /* An unknown id costs what a known one does: the first line's
     * algorithm and cost (the tool writes one kind), against a hash no
     * derivation gives back (all zero), the result thrown away. */
    bool unknown = !have || id == 0;
    if (unknown) {
        found = first;
        if (found.hash_len == 0)
            default_phc(&found);
        memset(found.hash, 0, sizeof found.hash);
    }
    bool match = false;
    rc = check_code(&found, code, &match);
    OPENSSL_cleanse(&found, sizeof found);
    OPENSSL_cleanse(&first, sizeof first);
    if (rc != KOFU_OK)
        return rc;
    *id_known = !unknown;
    return match && !unknown ? KOFU_OK : KOFU_E_SERVICE_DENIED;
}

int maint_cred_make_line(uint32_t id, const char *code, char *line, size_t cap)
{
    if (!code_ok(code) || id == 0 || id > 99999999u)
        return KOFU_E_ARG;
    struct maint_phc ph;
    default_phc(&ph);
    if (!kcrypto_random(ph.salt, ph.salt_len))
        return KOFU_E_INTERNAL;
    int rc = maint_cred_derive(&ph, (const uint8_t *)code, strlen(code), ph.hash, ph.hash_len);
    char salt[96], hash[96];
    if (rc == KOFU_OK && (!put_b64(ph.salt, ph.salt_len, salt, sizeof salt) ||
                          !put_b64(ph.hash, ph.hash_len, hash, sizeof hash)))
        rc = KOFU_E_INTERNAL;
    if (rc == KOFU_OK) {
        int n = snprintf(line, cap, "%" PRIu32 " $pbkdf2-sha256$i=%" PRIu64 "$%s$%s", id, ph.iter, salt, hash);
        if (n < 0 || (size_t)n >= cap || n > MAINT_LINE_MAX)
            rc = KOFU_E_ARG;
    }
    OPENSSL_cleanse(&ph, sizeof ph);
    OPENSSL_cleanse(hash, sizeof hash);
    if (rc != KOFU_OK && cap)
        line[0] = '\0';
    return rc;
}
