/*
 * center.h — the kiosk's client of the certificate center
 * (docs/center-protocol.md), on libcurl (OpenSSL) and jansson.
 *
 * Owns: struct center_client (one curl handle kept for the client's life,
 * so connections and TLS sessions are reused), and the validated results of
 * each call. TLS 1.3 only; the center CA pinned from a file (never the
 * system store); the host name checked against the subjectAltName only
 * (never the CN); the center's certificate a leaf, not a CA; a failed
 * handshake told apart by the center's TLS alert; no proxy; the kiosk's
 * certificate and key loaded by OpenSSL's OSSL_STORE, so the key can be a
 * PEM file or a provider URI (a TPM through the tpm2 provider, a PKCS#11
 * token through pkcs11-provider: README, "Kiosk key in a TPM or token").
 *
 * Every field of every response is checked (type, length, allowed values)
 * before anything uses it. Responses that carry resident data are received
 * into the vault.
 */
#ifndef KOFU_CENTER_H
#define KOFU_CENTER_H

#include "base/config.h"
#include "base/kcrypto.h"
#include "card/kenhojo.h"
#include "card/mrtd.h"
#include "center/center_types.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The protocol and the revision of docs/center-protocol.md this kiosk
 * implements. The protocol names the paths (/kofu/v2/) and /config's
 * `protocol`; the revision goes to the center in every request's User-Agent,
 * `kofu/<revision> (<firmware version>)`, because a center must hold back
 * what older kiosks cannot take (fee 0, a /config over 256 KiB before 1.1)
 * and has no other way to tell. Protocol 2 because the certificate request
 * gained a member (`passport`), which no revision of protocol 1 may add. */
#define CENTER_PROTOCOL 2
#define CENTER_PROTOCOL_REVISION "2.0"
#define CENTER_BASE_PATH "/kofu/v2/"
#define CENTER_MUNICIPALITIES_MAX 2000
/* Every answer but /config's: a certificate is under 16 KiB, and these
 * bodies go to the vault. */
#define CENTER_RESPONSE_MAX (256 * 1024)
/* /config's: any configuration within the protocol's limits fits (2000
 * municipalities of 64-byte names, every non-ASCII character escaped, the
 * terms at their largest), without insignificant whitespace. */
#define CENTER_CONFIG_RESPONSE_MAX (1024 * 1024)
#define CENTER_DOSES_MAX 10
#define CENTER_JWS_MAX 1195 /* one QR at V22, ECC L (docs/printing.md) */
#define CENTER_TIMEZONE_MAX 64 /* with its NUL */
#define CENTER_ZONEINFO_DIR "/usr/share/zoneinfo"

struct center_client;

/** What one call did on the wire, for `center ping` and the logs. */
struct center_call_info {
    double rtt_ms;       /* the last attempt, handshake included */
    long http_status;
    int attempts;
    char server_subject[256];
    char server_expiry[64];
    char tls_detail[256]; /* curl's words when TLS failed (no resident data) */
    time_t server_not_after; /* the center certificate's notAfter; 0 when not known */
    /* The clock check's: the HTTP Date of the answer (0 when there was none,
     * or none curl_getdate reads), and the kiosk's wall clock, in seconds
     * since the epoch, halfway between sending the request and the first
     * byte of the answer, which is when the center wrote its Date (0 with
     * no answer). */
    time_t server_date;
    double local_time;
};

struct center_terms {
    char version[CENTER_TERMS_VERSION_MAX + 1]; /* 1..32 of [A-Za-z0-9._-] */
    char *ja, *en; /* malloc'd (center_config_free); 1..CENTER_TERMS_TEXT_MAX bytes in
                    1..CENTER_TERMS_LINES_MAX lines, no control
                      characters but line feeds */
};

struct center_config {
    int protocol;
    int open_minute, close_minute; /* minutes after midnight, center time */
    char timezone[CENTER_TIMEZONE_MAX]; /* passed center_timezone_valid */
    int fee_per_copy_yen;
    int max_copies;
    size_t n_municipalities;
    struct center_municipality *municipalities; /* malloc'd; center_config_free */
    struct center_terms terms;
};

struct center_request {
    const struct kenhojo_card_data *card;
    char municipality[7];
    enum center_kind kind;
    int copies;
    const char *language; /* "ja" or "en" */
    const char *terms_version; /* the terms the resident agreed to (center_terms_version_valid) */
    char request_id[37];  /* set by center_request_new_id; kept for retries */
    /* Overseas: the passport chip as read and verified (mrtd_read_verified
     * KOFU_OK), sent as the request's `passport`; NULL for domestic, or
     * overseas without a chip read (the center then needs passport data
     * registered beforehand). Only data that passed passive authentication
     * and whose birth date is the card's is ever sent. */
    const struct mrtd_data *passport;
};

struct center_dose {
    char date[11]; /* YYYY-MM-DD */
    char cvx[8];
    char product_ja[CENTER_NAME_MAX + 1], product_en[CENTER_NAME_MAX + 1];
    char manufacturer_ja[CENTER_NAME_MAX + 1], manufacturer_en[CENTER_NAME_MAX + 1];
    char lot[CENTER_NAME_MAX + 1];
    char country[4];
    char municipality[7];
};

/** An issued certificate. Lives in the vault (center_certificate_new). */
struct center_certificate {
    char certificate_id[65];
    int64_t issued_at;
    char issue_date[11];
    struct center_municipality issuer;
    char mayor_ja[CENTER_NAME_MAX + 1], mayor_en[CENTER_NAME_MAX + 1];
    enum center_kind kind;
    char jws[CENTER_JWS_MAX + 1];
    char vds_seal[8192]; /* the VDS-NC seal as received JSON text; "" for domestic */
    size_t n_doses;
    struct center_dose doses[CENTER_DOSES_MAX];
    char passport_number[16], passport_nationality[4], name_roman[CENTER_NAME_MAX * 2 + 1];
    /* When the request carried the chip's data (center_request.passport):
     * the chip's, which the seal and the passport echo above must equal
     * (certificate_verify), copied here because the request may not outlive
     * the answer. */
    bool chip_read;
    char chip_number[MRZ_DOCNO_MAX + 1], chip_nationality[4], chip_name_roman[MRZ_NAME_MAX + 1];
};

/** The protocol's `name_roman` of a passport chip's MRZ
 *  (docs/center-protocol.md §3, "The passport chip"): the surname, a space
 *  and the given names (the surname alone without given names), each `<`
 *  already a space. KOFU_OK, or KOFU_E_PASSPORT_DATA when a part is not
 *  1..39 (given names 0..38) of A-Z and single spaces inside, or the whole
 *  exceeds 39: such a name is never sent. */
int center_name_roman(const struct mrz_td3 *m, char out[MRZ_NAME_MAX + 1]);

/** Make a client from the configuration (center_url, center_ca_file,
 *  kiosk_cert_file, kiosk_key_file, time-outs, retries). */
int center_client_new(const struct kofu_config *cfg, struct center_client **out);
void center_client_free(struct center_client *c);
/** The kiosk's private key as the client loads it for each handshake
 *  (kiosk_key_file: a PEM file or an OpenSSL provider URI, by OSSL_STORE);
 *  NULL when it cannot be loaded. For the credentials check, which compares
 *  it with the certificate. kcrypto_key_free. */
kcrypto_key *center_load_kiosk_key(const char *key_uri);
/** fresh = true: every call opens a new connection (the TLS session is
 *  still resumed), as a kiosk whose calls are minutes apart does anyway.
 *  Default false: keep-alive. */
void center_client_set_fresh_connections(struct center_client *c, bool fresh);

/** How many times a failed idempotent call is attempted again (the
 *  configuration's center_retries at first); the previous value. The
 *  technician's check asks once, so that a center that is down fails within
 *  one connect time-out, and puts the kiosk's value back. */
int center_client_set_retries(struct center_client *c, int retries);

/** Whether s is a terms version token: 1..CENTER_TERMS_VERSION_MAX of [A-Za-z0-9._-]. */
bool center_terms_version_valid(const char *s);

/** GET /kofu/v2/config, validated. */
int center_get_config(struct center_client *c, struct center_config *out, struct center_call_info *info);
void center_config_free(struct center_config *cfg);

/** A fresh random idempotency key (UUID v4) into r->request_id. */
int center_request_new_id(struct center_request *r);
/** Zeroed certificate storage in the vault. */
struct center_certificate *center_certificate_new(void);
/** POST /kofu/v2/certificates, retried with the same request_id on
 *  connection failures and 502/503/504. Typed refusals come back as their
 *  own kofu_err (KOFU_E_NO_RECORD, ...). With r->passport, nothing is sent
 *  (fail closed) when the chip's data did not pass passive authentication
 *  (KOFU_E_PASSPORT_NOT_AUTHENTIC), its birth date is not the card's
 *  (KOFU_E_PASSPORT_OTHER_PERSON), or its fields do not have the protocol's
 *  forms (KOFU_E_PASSPORT_DATA); a passport with a domestic request is
 *  KOFU_E_ARG. */
int center_request_certificate(struct center_client *c, const struct center_request *r,
                               struct center_certificate *out, struct center_call_info *info);
/** POST /kofu/v2/completions (no resident data). KOFU_E_ARG, with nothing
 *  sent, for an outcome outside enum center_outcome. */
int center_report_completion(struct center_client *c, const char *request_id, const char *certificate_id,
                             enum center_outcome outcome, int copies_printed, int amount_yen,
                             struct center_call_info *info);

/** The Japan date (UTC+9: Japan has no daylight saving, so no time-zone
 *  lookup) of the Unix time t, YYYY-MM-DD; "" beyond year 9999. The
 *  protocol's `issue_date` is this date of `issued_at`. */
#define CENTER_DATE_LEN 10
void center_jst_date(int64_t t, char out[CENTER_DATE_LEN + 1]);

/** What a fatal TLS alert from the center means (docs/center-protocol.md
 *  §1): one about the kiosk's certificate (bad, unsupported, revoked,
 *  expired, unknown, unknown CA, access denied, certificate required) is
 *  KOFU_E_TLS_CLIENT_REFUSED, the center refused this kiosk; any other is
 *  about the negotiation itself (no common version, cipher suite or group),
 *  KOFU_E_TLS_PROTOCOL. `alert` is the alert's TLS code (SSL_AD_*). */
int center_tls_alert_error(int alert);

/* The parsers of the center's answers, used by the calls above and
 * exposed for the fuzzers. Each returns KOFU_OK or a kofu_err; nothing is
 * trusted before it passes. */
int center_parse_config(const uint8_t *body, size_t len, struct center_config *out);
/** The body of POST /certificates, compact JSON, into a vault buffer of
 *  *len bytes (the caller releases the vault to its mark, which wipes it):
 *  what center_request_certificate sends, its refusals of r->passport
 *  included. Exposed for the tests. */
int center_request_body(const struct center_request *r, char **body, size_t *len);
/** Also refuses an issue_date that is not the Japan (UTC+9) date of issued_at. */
int center_parse_certificate(const uint8_t *body, size_t len, const struct center_request *r,
                             struct center_certificate *out);
/** A 4xx/5xx answer to POST /certificates or /completions: its typed error
 *  when the body names a code of docs/center-protocol.md §3's table with
 *  the status the table gives it (404 no-record, 503 busy, ...); any other
 *  answer (an unknown code, a known code with another status, no body) by
 *  its status alone, as center_refusal_by_status. */
int center_parse_refusal(const uint8_t *body, size_t len, long status);
/** A non-200/204 status alone: 503 KOFU_E_CENTER_BUSY, 502 and 504 (a
 *  gateway's) KOFU_E_CENTER_UNREACHABLE, any other 5xx KOFU_E_CENTER_FAILED,
 *  anything else KOFU_E_CENTER_RESPONSE. GET /config's answers are read
 *  so, whatever code they carry (§2). */
int center_refusal_by_status(long status);

/** Whether the center's time zone may become TZ: an IANA `Area/City` or
 *  `Area/Sub/City` name (components of ASCII letters, digits, `_`, `-`, `+`,
 *  each starting with a letter; so no `.`/`..`, no leading `:` or `/`;
 *  shorter than CENTER_TIMEZONE_MAX) that names a regular file under
 *  zoneinfo_dir (CENTER_ZONEINFO_DIR), reached without following a symbolic
 *  link. Anything else would have tzset open a path of the center's choice
 *  (a FIFO there blocks the kiosk). */
bool center_timezone_valid(const char *zoneinfo_dir, const char *name);

#endif
