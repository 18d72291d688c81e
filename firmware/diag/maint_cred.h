/*
 * maint_cred.h — the technicians' maintenance credentials.
 *
 * Owns: the credential file's lines and their checking. The file (the
 * configuration's maintenance_credential_file, read-only on the kiosk)
 * holds one line per technician of this kiosk:
 *
 *   <technician id> <PHC string>
 *   123456 $pbkdf2-sha256$i=600000$<salt>$<hash>
 *   123457 $scrypt$ln=14,r=8,p=1$<salt>$<hash>
 *
 * The id is 1..MAINT_ID_DIGITS decimal digits, without a leading zero,
 * and never 0 (the console's, in the event log: README); the credential itself, a
 * number of MAINT_CODE_MIN..MAINT_CODE_MAX digits entered on a shuffled
 * pad, is kept only as a salted slow hash (PBKDF2-HMAC-SHA256 or scrypt,
 * through OpenSSL's EVP_KDF; salt and hash in unpadded standard base64, as
 * the PHC string format writes them). `kofu diag passwd` makes a line. The
 * comparison is constant-time; lines that do not parse are refused, never
 * skipped silently (a damaged file is a fault to report, not a way in).
 */
#ifndef KOFU_MAINT_CRED_H
#define KOFU_MAINT_CRED_H

#include "base/bytes.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAINT_ID_DIGITS 8
#define MAINT_CODE_MIN 6
#define MAINT_CODE_MAX 12
/** The longest line of the file, without its LF. */
#define MAINT_LINE_MAX 256

/* The cost and sizes a PHC string may ask for (anything else is refused as
 * KOFU_E_CONFIG: a file that asked for 2^40 iterations or gigabytes of
 * memory would make every verification a denial of service). */
#define MAINT_PBKDF2_ITER_DEFAULT 600000
#define MAINT_PBKDF2_ITER_MIN 10000
#define MAINT_PBKDF2_ITER_MAX 5000000
#define MAINT_SCRYPT_LN_MIN 10
#define MAINT_SCRYPT_LN_MAX 20
#define MAINT_SCRYPT_R_MAX 32
#define MAINT_SCRYPT_P_MAX 16
#define MAINT_SCRYPT_MEM_MAX (64u * 1024 * 1024) /* 128 · r · 2^ln bytes */
#define MAINT_SALT_DEFAULT 16
#define MAINT_SALT_MIN 8
#define MAINT_HASH_DEFAULT 32
#define MAINT_HASH_MIN 16
#define MAINT_PHC_BYTES_MAX 64 /* the longest salt and hash */

/** A PHC string's parts. */
struct maint_phc {
    enum { MAINT_PBKDF2_SHA256, MAINT_SCRYPT } alg;
    uint64_t iter;       /* PBKDF2 */
    unsigned ln, r, p;   /* scrypt: N = 2^ln */
    uint8_t salt[MAINT_PHC_BYTES_MAX];
    size_t salt_len;
    uint8_t hash[MAINT_PHC_BYTES_MAX];
    size_t hash_len;
};

/** Parse one PHC string within the bounds above: KOFU_OK or KOFU_E_CONFIG
 *  (*out zeroed). */
int maint_cred_parse_phc(kofu_cur s, struct maint_phc *out);
/** The KDF alone (ph's algorithm, cost and salt; its hash is not looked at)
 *  over n bytes of secret into out[out_len]; no bounds are checked here,
 *  so that the RFC 7914 vectors can be run. */
int maint_cred_derive(const struct maint_phc *ph, const uint8_t *secret, size_t n, uint8_t *out, size_t out_len);
/** KOFU_OK when code is MAINT_CODE_MIN..MAX decimal digits, else KOFU_E_ARG. */
int maint_cred_code_ok(const char *code);

/** Check technician id's code against the file at path. KOFU_OK when the
 *  file has a line for id whose hash the code matches; KOFU_E_SERVICE_DENIED
 *  when it has none or the code does not match (the same slow work is done
 *  for an unknown id, so the time does not tell ids apart); KOFU_E_CONFIG
 *  when the file cannot be read or a line is malformed; KOFU_E_ARG for a
 *  code that is not MAINT_CODE_MIN..MAX digits. */
int maint_cred_verify(const char *path, uint32_t id, const char *code);
/** maint_cred_verify, and *id_known: whether the file (read and well-formed)
 *  has a line for id, set with the same slow work done either way. The
 *  service mode logs a refused id only when it was known: digits typed into
 *  the id field by mistake may be the code. */
int maint_cred_verify_id(const char *path, uint32_t id, const char *code, bool *id_known);

/** One line (without LF) for id and code, with a fresh random salt and
 *  PBKDF2-HMAC-SHA256 at its default cost, into line[cap]. */
int maint_cred_make_line(uint32_t id, const char *code, char *line, size_t cap);

/** Parse one line: its id, and whether it is well-formed, cost bounds
 *  included (the fuzzer's entry point). KOFU_OK or KOFU_E_CONFIG. */
int maint_cred_parse_line(kofu_cur line, uint32_t *id);

#endif
