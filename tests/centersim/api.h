/*
 * api.h — the center protocol's routes (docs/center-protocol.md): request
 * validation, the certificate decision, typed JSON errors, the fault
 * switches' effect on answers, and the counters the control socket reports.
 *
 * Owns: the idempotency memory and the counters. Borrows the store, the SHC
 * issuer and the VDS-NC signer (the caller frees them after api_free).
 *
 * No libevent here: the server turns an HTTP request into struct
 * api_request, calls api_handle, and sends struct api_reply; so every rule
 * can be unit-tested without sockets.
 *
 * Resident data: the card files and everything derived from them live in
 * the vault for the duration of api_handle, which wipes it before it
 * returns; JSON values are wiped when freed (wipeheap.h); the reply body is a
 * wipeheap buffer the server frees (and so wipes) once it is sent.
 */
#ifndef CENTERSIM_API_H
#define CENTERSIM_API_H

#include "cslog.h"
#include "fault.h"
#include "shc.h"
#include "store.h"
#include "vds.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define API_BODY_MAX (64 * 1024)          /* the protocol's request limit (413 beyond) */
#define API_VAULT_SIZE (64 * 1024)        /* one request needs about 36 KiB in the vault (with a passport's EF.SOD) */
#define API_IDEM_MAX 200000               /* entries: 10 minutes at over 300 issuances/s */
#define API_OVERSIZED_BODY (2 * 1024 * 1024) /* the oversized-json fault's body: beyond every kiosk cap (1 MiB for /config) */
#define API_KIOSK_MAX 64                  /* the kiosk certificate's CN, bytes */

/** Typed errors: each has one HTTP status, one protocol code and words in
 *  Japanese and English. */
enum api_error {
    API_E_BAD_REQUEST,
    API_E_TOO_LARGE,
    API_E_NOT_FOUND,
    API_E_METHOD,
    API_E_NO_RECORD,
    API_E_NOT_PARTICIPATING,
    API_E_CARD_NOT_AUTHENTIC,
    API_E_PASSPORT,
    API_E_HOURS,
    API_E_BUSY,
    API_E_INTERNAL,
    API_E_BAD_GATEWAY,
    API_E_GATEWAY_TIMEOUT,
    API_E_TERMS_OUTDATED,
    API_E__COUNT
};

struct api_request {
    enum cslog_method method;
    const char *path;         /* without the query */
    bool has_query;
    const char *content_type; /* NULL when absent */
    const uint8_t *body;      /* NULL when body_len > API_BODY_MAX (not read) */
    size_t body_len;
    const char *kiosk;        /* the client certificate's subject CN, or NULL */
    bool public_channel;      /* the public listener (--public-port): only the issuer's key set */
    const char *user_agent;   /* NULL when absent: the kiosk's revision (api_kiosk_revision) */
};

struct api_reply {
    int status;
    char *body; /* wipeheap buffer (NULL for no body); api_reply_free */
    size_t len;
    const char *allow;     /* the Allow header of a 405 */
    unsigned latency_ms;   /* the latency fault: delay sending by this much */
    bool drop_mid_body;    /* the drop-mid-body fault: send half, then close */
    enum cslog_route route;
};

struct api_stats {
    unsigned long requests;    /* every HTTP request answered */
    unsigned long issued;      /* certificates issued (a retry is counted once) */
    unsigned long completions; /* completion reports stored (a repeat is counted once) */
    unsigned long undelivered; /* `failed` reports with certificate_id "" for a request this
                                  center issued (issued, never delivered; not billed) */
    unsigned long revision_1_0; /* kiosk-channel requests read as revision 1.0 of the protocol
                                   (api_kiosk_revision 0): what a center must not serve fee 0
                                   or a /config over 256 KiB */
};

#define API_RECENT_COMPLETIONS 8 /* kept for the control socket's `completions` */
#define API_RECENT_LINE_MAX (API_RECENT_COMPLETIONS * 32)

typedef struct api api;

/** The routes over a store, an SHC issuer, a VDS-NC signer and the trusted
 *  card-CA keys (card_ca_dir, as kenhojo_authenticate wants it). NULL on
 *  allocation failure. */
api *api_new(store *db, shc_issuer *shc, vds_signer *vds, const char *card_ca_dir);
void api_free(api *a);

/** The barcode signer under another CSCA that the other-csca fault seals
 *  with (borrowed; NULL: that fault answers 500 internal). */
void api_set_other_vds(api *a, vds_signer *other);

/** Override the fixture's service hours (minutes since midnight, Japan time). */
void api_set_hours(api *a, int open_min, int close_min);
#define API_TERMS_VERSION_MAX 32
#define API_TERMS_TEXT_MAX 16384
#define API_TERMS_LINES_MAX 512 /* line feeds + 1 */
/** The terms of use /config serves until api_set_terms: this version, and
 *  synthetic texts long enough to need scrolling on a kiosk screen. */
#define API_TERMS_VERSION_DEFAULT "2026-12-01"

/** Set the terms of use /config serves and certificate requests must
 *  carry (terms_version). ja and en NULL keep the current texts. False (and
 *  nothing changed) when the version is not 1..32 of [A-Za-z0-9._-] or a
 *  text is not 1..16384 bytes without control characters other than line
 *  feeds. */
bool api_set_terms(api *a, const char *version, const char *ja, const char *en);
/** The current terms version. */
const char *api_terms_version(const api *a);

/** A municipality joins (on) or leaves the service (control `participate`).
 *  False for a code the fixture does not have. */
bool api_set_participating(api *a, const char *code, bool on);

/** The live fault switches (the control socket changes them). */
struct fault_set *api_faults(api *a);
/** The counters. */
struct api_stats api_get_stats(const api *a);
/** Zero the counters and forget the recent completions (the control
 *  socket's `clear`). */
void api_reset_stats(api *a);
/** The last API_RECENT_COMPLETIONS completion reports stored (a repeat is
 *  not stored again), oldest first, space-separated, each
 *  `outcome:copies:amount:id` or `…:noid` (certificate_id ""): outcomes
 *  and counts, no identifier, so the control socket can show them. "" when
 *  none. */
void api_recent_completions(const api *a, char *out, size_t cap);

/** The route a path names (exact match; the issuer's jwks path too). */
enum cslog_route api_route_of(const api *a, const char *path);
/** Answer one request. Always fills *rp (an error answer on any failure). */
void api_handle(api *a, const struct api_request *rq, struct api_reply *rp);
/** Free (and wipe) the reply's body. */
void api_reply_free(struct api_reply *rp);

/** The protocol code of an error, e.g. "no-record". */
const char *api_error_code(enum api_error e);
/** The HTTP status of an error. */
int api_error_status(enum api_error e);

/** The revision of protocol 1 a kiosk speaks, from its User-Agent
 *  (docs/center-protocol.md §1, §7): N for a product token `kofu/1.N` (N of
 *  1..3 digits, then the end or a space and a comment), 0 for revision 1.0:
 *  `kofu/1`, no User-Agent, or anything else. A client that does not say
 *  is taken for the oldest, whose limits are the strictest. */
int api_kiosk_revision(const char *user_agent);
/** RFC 4122 version 4 UUID in lower case, as request_id must be. */
bool api_uuid_v4_valid(const char *s);
/** 1..64 of [A-Za-z0-9-], as certificate_id must be. */
bool api_certificate_id_valid(const char *s);

#endif
