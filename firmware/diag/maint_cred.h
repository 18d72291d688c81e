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
 * The id is 1..MAINT_ID_DIGITS decimal digits; the credential itself, a
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

#include <stddef.h>
#include <stdint.h>

#define MAINT_ID_DIGITS 8
#define MAINT_CODE_MIN 6
#define MAINT_CODE_MAX 12
/** The longest line of the file, without its LF. */
#define MAINT_LINE_MAX 256

/** Check technician id's code against the file at path. KOFU_OK when the
 *  file has a line for id whose hash the code matches; KOFU_E_SERVICE_DENIED
 *  when it has none or the code does not match (the same slow work is done
 *  for an unknown id, so the time does not tell ids apart); KOFU_E_CONFIG
 *  when the file cannot be read or a line is malformed; KOFU_E_ARG for a
 *  code that is not MAINT_CODE_MIN..MAX digits. */
int maint_cred_verify(const char *path, uint32_t id, const char *code);

/** One line (without LF) for id and code, with a fresh random salt and
 *  PBKDF2-HMAC-SHA256 at its default cost, into line[cap]. */
int maint_cred_make_line(uint32_t id, const char *code, char *line, size_t cap);

/** Parse one line: its id, and whether it is well-formed (the fuzzer's
 *  entry point). KOFU_OK or KOFU_E_CONFIG. */
int maint_cred_parse_line(kofu_cur line, uint32_t *id);

#endif
