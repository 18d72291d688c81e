/*
 * idem.h — the idempotency memory of POST /certificates: request_id →
 * (certificate_id, issue time), kept 10 minutes, in memory only.
 *
 * Owns: the entries. A retry with the same request_id gets the same
 * certificate_id and issued_at (docs/center-protocol.md §1, Retries). Each
 * entry also holds a keyed fingerprint (HMAC-SHA-256 under a per-process
 * random key) of what decides the certificate — the card files, the
 * municipality and the kind — so that reusing a request_id for a different
 * request is noticed without keeping any resident data.
 *
 * Entries expire in insertion order (all live the same time), so expiry is
 * a queue; lookups go through a hash table.
 */
#ifndef CENTERSIM_IDEM_H
#define CENTERSIM_IDEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDEM_TTL_SECONDS 600
#define IDEM_REQUEST_ID_LEN 36
#define IDEM_CERT_ID_MAX 64
#define IDEM_FP_LEN 32

struct idem_entry {
    char request_id[IDEM_REQUEST_ID_LEN + 1];
    char certificate_id[IDEM_CERT_ID_MAX + 1];
    int64_t issued_at;
    uint8_t fingerprint[IDEM_FP_LEN];
};

typedef struct idem idem;

/** A memory holding at most max_entries (the oldest is forgotten first). */
idem *idem_new(size_t max_entries);
void idem_free(idem *m);
/** Forget entries older than IDEM_TTL_SECONDS at time now. */
void idem_expire(idem *m, int64_t now);
/** The live entry for request_id, or NULL (expires old entries first). */
const struct idem_entry *idem_find(idem *m, const char *request_id, int64_t now);
/** Remember an entry made at time now. False on allocation failure. */
bool idem_put(idem *m, const struct idem_entry *e, int64_t now);
/** Live entries. */
size_t idem_count(const idem *m);

#endif
