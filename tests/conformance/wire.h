/*
 * wire.h — raw HTTPS to the center under test, for the scenarios kofu's own
 * client (center.h) cannot send: another method, a query string, another
 * Content-Type, a malformed or oversized body, TLS 1.2, no client
 * certificate, another kiosk's certificate. The center's certificate is
 * checked as a kiosk checks it (the pinned center_ca_file, the host name).
 *
 * Answer bodies go to one buffer in the vault (they may carry resident
 * data), taken once by wire_init before any scenario's vault_mark and
 * reused, wiped, by every call: an answer's body is valid until the next
 * wire_call. A call that cannot be made for the kit's own reasons (no
 * buffer, no curl handle) is the kit's error (kit_error), never an answer
 * of the center's.
 */
#ifndef KOFU_KIT_WIRE_H
#define KOFU_KIT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WIRE_BODY_MAX (1024 * 1024 + 1) /* one byte past every cap of the protocol */

struct kit;

enum wire_cert {
    WIRE_CERT_KIOSK = 0, /* the configuration's kiosk_cert_file / kiosk_key_file */
    WIRE_CERT_NONE,      /* no client certificate */
    WIRE_CERT_OTHER,     /* cert_file / key_file below */
};

struct wire_req {
    const char *method;       /* "GET", "POST", ... */
    const char *path;         /* after center_url, e.g. "/kofu/v2/config" */
    const char *url;          /* instead of center_url + path (the key set at iss) */
    const char *content_type; /* NULL: no Content-Type header */
    const void *body;
    size_t body_len;
    bool tls12;               /* offer TLS 1.2 only (default: 1.3 only) */
    bool tls_any;             /* offer TLS 1.2 and 1.3, as a public client does */
    const char *ca_file;      /* the CA to check the server against (NULL: center_ca_file) */
    enum wire_cert cert;
    const char *cert_file, *key_file;
};

struct wire_resp {
    bool answered;      /* an HTTP answer came (status is set) */
    bool reached;       /* the TCP connection was made (the TLS handshake began) */
    int curl_code;      /* libcurl's CURLcode of the call (0 when it went through) */
    long status;
    int alert;          /* the first fatal TLS alert the center sent, or -1 */
    char alert_name[48];
    char detail[256];   /* curl's words when there was no answer */
    time_t date;        /* the Date header (0: none) */
    char allow[128];    /* the Allow header ("" none) */
    char content_type[128];
    uint8_t *body;      /* the one answer buffer (wire_init), NUL-terminated; NULL when the call was not made */
    size_t len;
    bool truncated;     /* the body went past WIRE_BODY_MAX */
    char error_code[64];/* error.code of a JSON error body, "" when none */
};

/** Take the answer buffer (WIRE_BODY_MAX + 1 bytes) from the vault, once,
 *  outside every scenario's mark. KOFU_OK, or KOFU_E_NOMEM. */
int wire_init(void);
/** Forget the answer buffer (before vault_destroy). */
void wire_done(void);

/** One request, no retries. 0 when the call was made (answered or not: see
 *  resp->answered), -1 when the kit could not make it (a reason in detail,
 *  and kit_error recorded). */
int wire_call(const struct kit *k, const struct wire_req *q, struct wire_resp *resp);

/** "403 municipality-not-participating", "200", or "no HTTP answer (TLS alert
 *  protocol_version)": what came, in the words of a failure message. */
const char *wire_describe(const struct wire_resp *r, char *buf, size_t cap);

#endif
