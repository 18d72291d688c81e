/*
 * cert_file.h — what the center and credentials checks read of a PEM
 * certificate file: each certificate's subject and validity, nothing else.
 * Private to diag/check_center.c and diag/check_credentials.c (built in the
 * latter).
 *
 * Owns nothing: the results are plain values in the caller's storage.
 */
#ifndef KOFU_DIAG_CERT_FILE_H
#define KOFU_DIAG_CERT_FILE_H

#include <stddef.h>
#include <time.h>

#define CERT_FILE_MAX 8          /* certificates read from one file (a chain, a CA and its links) */
#define CERT_SUBJECT_MAX 256     /* one line, RFC 2253, cut short beyond this */
#define CERT_TIME_ISO_LEN 20     /* 2026-12-01T00:00:00Z */
#define CERT_DAY 86400

struct cert_info {
    char subject[CERT_SUBJECT_MAX];
    time_t not_before, not_after;
};

/** Read up to CERT_FILE_MAX certificates from the PEM file at path into
 *  out. The count (>= 1); 0 when the file holds no certificate or a broken
 *  one (malformed); -1 when it cannot be opened (*err_no says why). */
int cert_file_read(const char *path, struct cert_info out[CERT_FILE_MAX], int *err_no);

/** Whole days from now until t, rounded down (negative once t has passed:
 *  -1 for the day after). */
long cert_days_left(time_t t, time_t now);

/** t in UTC as CERT_TIME_ISO_LEN characters of ISO 8601 (out holds one more). */
void cert_time_iso(time_t t, char out[CERT_TIME_ISO_LEN + 1]);

#endif
