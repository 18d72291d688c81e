/* center.c — see center.h and docs/center-protocol.md. */
#include "center/center.h"
#include "base/wipeheap.h"
#include "base/clock.h"

#include "base/b64.h"
#include "base/errors.h"
#include "base/kcrypto.h"
#include "base/log.h"
#include "base/vault.h"
#include "base/version.h"
#include "base/words.h"

#include <ctype.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/store.h>
#include <openssl/x509_vfy.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define REQUEST_BODY_MAX (64 * 1024)
#define COMPLETION_TIMEOUT_MS 5000

struct center_client {
    CURL *curl;
    char base[KOFU_CONFIG_VALUE_MAX];
    char host[KOFU_CONFIG_VALUE_MAX]; /* center_url's host: the name its certificate must carry */
    char ca_file[KOFU_CONFIG_VALUE_MAX];
    char cert_file[KOFU_CONFIG_VALUE_MAX];
    char key_uri[KOFU_CONFIG_VALUE_MAX];
    long connect_timeout_ms, timeout_ms;
    int retries;
    char errbuf[CURL_ERROR_SIZE];
    int peer_alert; /* the fatal TLS alert the center sent in this attempt, or -1 */
    time_t date;    /* the Date header of this attempt's answer, or 0 */
    /* The current response: into a caller's buffer (the vault for bodies
     * with resident data), never beyond cap. */
    uint8_t *resp;
    size_t resp_len, resp_cap;
    bool resp_overflow;
};

/* ---- transport ---------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    struct center_client *c = user;
    size_t len = size * n;
    if (len > c->resp_cap - c->resp_len) {
        c->resp_overflow = true;
        return 0; /* aborts the transfer: the protocol caps every body */
    }
    memcpy(c->resp + c->resp_len, data, len);
    c->resp_len += len;
    return len;
}

/* The center's Date, for the clock check (docs/center-protocol.md): the
 * last one wins, so a 1xx answer's is replaced by the final answer's. */
static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    struct center_client *c = user;
    size_t len = size * n;
    char value[64];
    if (len > 5 && len - 5 < sizeof value && !strncasecmp(data, "Date:", 5)) {
        memcpy(value, data + 5, len - 5);
        value[len - 5] = '\0';
        value[strcspn(value, "\r\n")] = '\0';
        time_t t = curl_getdate(value, NULL);
        c->date = t > 0 ? t : 0;
    }
    return len;
}

/* The client of an SSL_CTX, for OpenSSL's callbacks (which get no user
 * pointer of ours). */
static int ctx_index = -1;
static pthread_once_t ctx_index_once = PTHREAD_ONCE_INIT;

static void make_ctx_index(void)
{
    ctx_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
}

/* Remembers the first fatal alert the center sends: it, not curl's words,
 * tells a refused kiosk certificate from a failed negotiation. */
static void on_tls_info(const SSL *ssl, int where, int ret)
{
    if (!(where & SSL_CB_READ_ALERT) || (ret >> 8) != SSL3_AL_FATAL)
        return;
    struct center_client *c = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_index);
    if (c && c->peer_alert < 0)
        c->peer_alert = ret & 0xFF;
}

/* OpenSSL has checked the chain, its dates and the name; the center's own
 * certificate must moreover be a leaf: a CA there could mint centers. */
static int on_verify(int ok, X509_STORE_CTX *store)
{
    if (!ok)
        return 0;
    if (X509_STORE_CTX_get_error_depth(store) == 0 && kcrypto_cert_is_ca(X509_STORE_CTX_get_current_cert(store))) {
        X509_STORE_CTX_set_error(store, X509_V_ERR_INVALID_NON_CA);
        return 0;
    }
    return 1;
}

kcrypto_key *center_load_kiosk_key(const char *key_uri)
{
    EVP_PKEY *key = NULL;
    OSSL_STORE_CTX *store = OSSL_STORE_open(key_uri, NULL, NULL, NULL, NULL);
    if (!store)
        return NULL;
    OSSL_STORE_expect(store, OSSL_STORE_INFO_PKEY);
    while (!key && !OSSL_STORE_eof(store)) {
        OSSL_STORE_INFO *info = OSSL_STORE_load(store);
        if (info && OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
            key = OSSL_STORE_INFO_get1_PKEY(info);
        OSSL_STORE_INFO_free(info);
        if (!info)
            break;
    }
    OSSL_STORE_close(store);
    return key;
}

/* Sets up each connection's TLS context: the kiosk's certificate chain and
 * key through OSSL_STORE (so key_uri may be a PEM file or a provider URI:
 * tpm2, pkcs11); the center's name checked by OpenSSL against the
 * subjectAltName only (libcurl's own check falls back to the subject's CN);
 * the leaf check; the alert recorder. */
static CURLcode on_ssl_ctx(CURL *curl, void *ssl_ctx, void *user)
{
    (void)curl;
    struct center_client *c = user;
    SSL_CTX *ctx = ssl_ctx;
    EVP_PKEY *key = center_load_kiosk_key(c->key_uri);
    bool ok = key && SSL_CTX_use_certificate_chain_file(ctx, c->cert_file) == 1 &&
              SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1 &&
              SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) == 1;
    /* Answers carry resident data: OpenSSL decrypts records in place, so
     * have it wipe each plaintext once delivered, and give its record
     * buffers back (to the wiping free) while a kept-alive connection idles. */
    SSL_CTX_set_options(ctx, SSL_OP_CLEANSE_PLAINTEXT);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    EVP_PKEY_free(key);
    if (!ok)
        return CURLE_SSL_CERTPROBLEM;
    ok = kcrypto_expect_peer_name(SSL_CTX_get0_param(ctx), c->host) && pthread_once(&ctx_index_once, make_ctx_index) == 0 && ctx_index >= 0 &&
         SSL_CTX_set_ex_data(ctx, ctx_index, c) == 1;
    if (!ok)
        return CURLE_SSL_CONNECT_ERROR;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, on_verify);
    SSL_CTX_set_info_callback(ctx, on_tls_info);
    return CURLE_OK;
}

/* center_url's host into c->host, as the URL writes it. */
static bool take_host(struct center_client *c)
{
    CURLU *u = curl_url();
    char *host = NULL;
    bool ok = u && curl_url_set(u, CURLUPART_URL, c->base, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host &&
              strlen(host) < sizeof c->host;
    if (ok)
        memcpy(c->host, host, strlen(host) + 1);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

int center_client_new(const struct kofu_config *cfg, struct center_client **out)
{
    if (strncmp(cfg->center_url, "https://", 8) != 0 || !cfg->center_ca_file[0] ||
        !cfg->kiosk_cert_file[0] || !cfg->kiosk_key_file[0])
        return KOFU_E_CONFIG;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return KOFU_E_INTERNAL;
    struct center_client *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    size_t n = strlen(cfg->center_url);
    while (n && cfg->center_url[n - 1] == '/')
        n--;
    if (n >= sizeof c->base || !config_copy_text(c->ca_file, sizeof c->ca_file, cfg->center_ca_file) ||
        !config_copy_text(c->cert_file, sizeof c->cert_file, cfg->kiosk_cert_file) ||
        !config_copy_text(c->key_uri, sizeof c->key_uri, cfg->kiosk_key_file)) {
        free(c);
        return KOFU_E_CONFIG;
    }
    memcpy(c->base, cfg->center_url, n);
    if (!take_host(c)) {
        free(c);
        return KOFU_E_CONFIG;
    }
    c->connect_timeout_ms = cfg->center_connect_timeout_ms;
    c->timeout_ms = cfg->center_timeout_ms;
    c->retries = cfg->center_retries;
    c->curl = curl_easy_init();
    if (!c->curl) {
        free(c);
        return KOFU_E_NOMEM;
    }
    CURL *h = c->curl;
    bool ok = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https") == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_SSLVERSION,
                               (long)(CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3)) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_CAPATH, NULL) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, c) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_CERTINFO, 1L) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_WRITEDATA, c) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_HEADERDATA, c) == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_USERAGENT, "kofu/" CENTER_PROTOCOL_REVISION " (" KOFU_VERSION ")") ==
                  CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
              /* Straight to the center, whatever *_proxy the environment had. */
              curl_easy_setopt(h, CURLOPT_PROXY, "") == CURLE_OK &&
              curl_easy_setopt(h, CURLOPT_NOPROXY, "*") == CURLE_OK;
    if (!ok) {
        center_client_free(c);
        return KOFU_E_INTERNAL;
    }
    *out = c;
    return KOFU_OK;
}

void center_client_set_fresh_connections(struct center_client *c, bool fresh)
{
    curl_easy_setopt(c->curl, CURLOPT_FORBID_REUSE, fresh ? 1L : 0L);
}

int center_client_set_retries(struct center_client *c, int retries)
{
    int old = c->retries;
    c->retries = retries < 0 ? 0 : retries;
    return old;
}

void center_client_free(struct center_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    explicit_bzero(c, sizeof *c);
    free(c);
}

int center_tls_alert_error(int alert)
{
    switch (alert) {
    case SSL_AD_BAD_CERTIFICATE:
    case SSL_AD_UNSUPPORTED_CERTIFICATE:
    case SSL_AD_CERTIFICATE_REVOKED:
    case SSL_AD_CERTIFICATE_EXPIRED:
    case SSL_AD_CERTIFICATE_UNKNOWN:
    case SSL_AD_UNKNOWN_CA:
    case SSL_AD_ACCESS_DENIED:
    case SSL_AD_CERTIFICATE_REQUIRED:
        return KOFU_E_TLS_CLIENT_REFUSED;
    default:
        return KOFU_E_TLS_PROTOCOL;
    }
}

/* Maps a failed transfer to kofu's codes; *retry says whether another
 * attempt may help. */
static int map_curl_error(struct center_client *c, CURLcode rc, bool *retry)
{
    *retry = false;
    long verify = 0;
    curl_easy_getinfo(c->curl, CURLINFO_SSL_VERIFYRESULT, &verify);
    const char *e = c->errbuf;
    /* With TLS 1.3 a refused client certificate is only seen when the
     * kiosk next reads (or writes): an alert decides, whichever step failed. */
    if (c->peer_alert >= 0 && (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
                               rc == CURLE_GOT_NOTHING))
        return center_tls_alert_error(c->peer_alert);
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
        *retry = true;
        return KOFU_E_CENTER_UNREACHABLE;
    case CURLE_PARTIAL_FILE:
        *retry = true;
        return KOFU_E_CENTER_RESPONSE;
    case CURLE_WRITE_ERROR:
        return c->resp_overflow ? KOFU_E_CENTER_RESPONSE : KOFU_E_INTERNAL;
    case CURLE_PEER_FAILED_VERIFICATION:
        /* curl checks the host name itself, after OpenSSL accepted the chain */
        if (strstr(e, "subject name") || strstr(e, "host name"))
            return KOFU_E_TLS_HOSTNAME;
        switch (verify) {
        case X509_V_ERR_CERT_HAS_EXPIRED:
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return KOFU_E_TLS_EXPIRED;
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return KOFU_E_TLS_SELF_SIGNED;
        case X509_V_OK:
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return KOFU_E_TLS_HOSTNAME; /* no subjectAltName for center_url's host */
        case X509_V_ERR_INVALID_NON_CA: /* the center's certificate is a CA (on_verify) */
        default:
            return KOFU_E_TLS_UNTRUSTED;
        }
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
        return KOFU_E_CONFIG;
    case CURLE_SSL_CONNECT_ERROR:
        /* No alert from the center: the handshake failed on our side
         * (no common version with what we offered, a broken record). */
        return KOFU_E_TLS_PROTOCOL;
    case CURLE_RECV_ERROR:
        *retry = true;
        return KOFU_E_CENTER_UNREACHABLE;
    default:
        return KOFU_E_CENTER_UNREACHABLE;
    }
}

/* notAfter of the PEM certificate curl hands over with its certinfo: the
 * "Expire date" words are for people, in a form OpenSSL's version chooses. */
static time_t pem_not_after(const char *pem)
{
    BIO *b = BIO_new_mem_buf(pem, -1);
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    struct tm tm;
    time_t t = x && ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1 ? timegm(&tm) : 0;
    X509_free(x);
    BIO_free(b);
    return t > 0 ? t : 0;
}

static void record_certinfo(struct center_client *c, struct center_call_info *info)
{
    struct curl_certinfo *ci = NULL;
    if (curl_easy_getinfo(c->curl, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1)
        return;
    for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next) {
        if (!strncmp(s->data, "Subject:", 8))
            snprintf(info->server_subject, sizeof info->server_subject, "%s", s->data + 8);
        else if (!strncmp(s->data, "Expire date:", 12))
            snprintf(info->server_expiry, sizeof info->server_expiry, "%s", s->data + 12);
        else if (!strncmp(s->data, "Cert:", 5))
            info->server_not_after = pem_not_after(s->data + 5);
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/*
 * One call with the protocol's retry rules: attempts again (200, 400, 800 ms
 * apart) on transport failures and 502/503/504 when `idempotent`. The body
 * ends up in resp (len in *resp_len); the final HTTP status in info.
 */
static int call(struct center_client *c, const char *path, const char *body, size_t body_len,
                bool idempotent, long timeout_ms, uint8_t *resp, size_t resp_cap, size_t *resp_len,
                struct center_call_info *info)
{
    char url[KOFU_CONFIG_VALUE_MAX + 64];
    snprintf(url, sizeof url, "%s%s", c->base, path);
    struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");
    if (body) {
        hdr = curl_slist_append(hdr, "Content-Type: application/json");
        /* No "Expect: 100-continue" round trip: our bodies are small. */
        hdr = curl_slist_append(hdr, "Expect:");
    }
    CURL *h = c->curl;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    if (body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body_len);
    } else {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    int rc = KOFU_OK;
    long backoff = 200;
    memset(info, 0, sizeof *info);
    for (int attempt = 0; attempt <= c->retries; attempt++) {
        if (attempt) {
            sleep_ms(backoff);
            backoff *= 2;
        }
        c->resp = resp;
        c->resp_cap = resp_cap;
        c->resp_len = 0;
        c->resp_overflow = false;
        c->errbuf[0] = '\0';
        c->peer_alert = -1;
        c->date = 0;
        info->attempts = attempt + 1;
        struct timespec wall0;
        clock_gettime(CLOCK_REALTIME, &wall0);
        double t0 = kofu_mono_ms_f();
        CURLcode cc = curl_easy_perform(h);
        info->rtt_ms = kofu_mono_ms_f() - t0;
        bool retry = false;
        info->server_date = c->date;
        info->local_time = 0;
        if (cc == CURLE_OK) {
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &info->http_status);
            record_certinfo(c, info);
            /* The handshake can take most of the round trip: the center
             * wrote its Date between the request and the answer's first byte. */
            curl_off_t sent_us = 0, first_us = 0;
            if (curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &sent_us) == CURLE_OK &&
                curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME_T, &first_us) == CURLE_OK)
                info->local_time = (double)wall0.tv_sec + wall0.tv_nsec / 1e9 + (double)(sent_us + first_us) / 2e6;
            rc = KOFU_OK;
            retry = info->http_status == 502 || info->http_status == 503 || info->http_status == 504;
        } else {
            rc = map_curl_error(c, cc, &retry);
            snprintf(info->tls_detail, sizeof info->tls_detail, "%s", c->errbuf);
        }
        if (!retry || !idempotent)
            break;
    }
    *resp_len = c->resp_len;
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
    curl_slist_free_all(hdr);
    c->resp = NULL;
    return rc;
}

/* ---- validation helpers ------------------------------------------------- */

static bool no_controls(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7F)
            return false;
    return true;
}

/* A string member of 1..cap-1 bytes without control characters, copied. */
static bool take_str(const json_t *o, const char *key, char *dst, size_t cap)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return false;
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n == 0 || n >= cap || strlen(s) != n || !no_controls(s))
        return false;
    memcpy(dst, s, n + 1);
    return true;
}

static bool all_of(const char *s, const char *set)
{
    return *s && strspn(s, set) == strlen(s);
}

static bool take_int(const json_t *o, const char *key, json_int_t lo, json_int_t hi, json_int_t *out)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return false;
    *out = json_integer_value(v);
    return true;
}

#define DIGITS "0123456789"

/** The local government code's check digit (全国地方公共団体コード). */
static bool municipality_code_valid(const char *code)
{
    if (strlen(code) != 6 || !all_of(code, DIGITS))
        return false;
    int sum = 0;
    for (int i = 0; i < 5; i++)
        sum += (code[i] - '0') * (6 - i);
    return code[5] - '0' == (11 - sum % 11) % 10;
}

static bool date_valid(const char *d)
{
    int y, m, day;
    char tail;
    if (strlen(d) != 10 || sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 || d[4] != '-' || d[7] != '-')
        return false;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && day >= 1 && day <= mdays[m - 1];
}

void center_jst_date(int64_t t, char out[CENTER_DATE_LEN + 1])
{
    time_t j = (time_t)(t + 9 * 3600);
    struct tm tm;
    if (!gmtime_r(&j, &tm) || strftime(out, CENTER_DATE_LEN + 1, "%Y-%m-%d", &tm) != CENTER_DATE_LEN)
        out[0] = '\0'; /* beyond year 9999: matches no date */
}

/* The protocol's issue date is the Japan date of issued_at, whatever the
 * center's service_hours.timezone. A center that sends its UTC date would
 * have the paper dated a day early from 00:00 to 09:00 JST. */
static bool issue_date_matches(const char *issue_date, int64_t issued_at)
{
    char jst[CENTER_DATE_LEN + 1];
    center_jst_date(issued_at, jst);
    return jst[0] && !strcmp(jst, issue_date);
}

static bool hhmm(const char *s, int *minutes)
{
    if (strlen(s) != 5 || s[2] != ':' || !all_of((char[]){s[0], s[1], s[3], s[4], 0}, DIGITS))
        return false;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m))
        return false;
    *minutes = h * 60 + m;
    return true;
}

static bool take_municipality(const json_t *o, struct center_municipality *m)
{
    return take_str(o, "code", m->code, sizeof m->code) && municipality_code_valid(m->code) &&
           take_str(o, "name_ja", m->name_ja, sizeof m->name_ja) &&
           take_str(o, "name_en", m->name_en, sizeof m->name_en);
}

bool center_terms_version_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= CENTER_TERMS_VERSION_MAX &&
           all_of(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" DIGITS "._-");
}

/* A terms text: 1..CENTER_TERMS_TEXT_MAX bytes of UTF-8 (jansson checked
 * that) in at most CENTER_TERMS_LINES_MAX lines, no NUL and no control
 * character but the line feeds between paragraphs; copied to the heap. */
static bool take_terms_text(const json_t *o, const char *key, char **dst)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return false;
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n == 0 || n > CENTER_TERMS_TEXT_MAX || strlen(s) != n)
        return false;
    size_t lines = 1;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7F)
            return false;
        lines += s[i] == '\n';
    }
    if (lines > CENTER_TERMS_LINES_MAX)
        return false;
    *dst = strdup(s);
    return *dst != NULL;
}

static bool take_terms(const json_t *o, struct center_terms *t)
{
    return json_is_object(o) &&
           take_str(o, "version", t->version, sizeof t->version) && center_terms_version_valid(t->version) &&
           take_terms_text(o, "ja", &t->ja) && take_terms_text(o, "en", &t->en);
}

#define TZ_COMPONENT_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+"

bool center_timezone_valid(const char *zoneinfo_dir, const char *name)
{
    size_t n = strlen(name);
    if (n < 3 || n >= CENTER_TIMEZONE_MAX || strspn(name, TZ_COMPONENT_CHARS "/") != n)
        return false;
    /* Walked one component at a time, never following a link, so the name
     * cannot leave zoneinfo_dir or end on anything but a regular file. */
    int dir = open(zoneinfo_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    bool ok = dir >= 0;
    int parts = 0;
    for (const char *p = name; ok;) {
        size_t len = strcspn(p, "/");
        char comp[CENTER_TIMEZONE_MAX];
        ok = ++parts <= 3 && len > 0 && isalpha((unsigned char)p[0]);
        if (!ok)
            break;
        memcpy(comp, p, len);
        comp[len] = '\0';
        if (p[len] == '/') {
            int next = openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            close(dir);
            dir = next;
            ok = dir >= 0;
            p += len + 1;
        } else {
            struct stat st;
            ok = parts >= 2 && fstatat(dir, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
            break;
        }
    }
    if (dir >= 0)
        close(dir);
    return ok;
}

/* ---- GET /config -------------------------------------------------------- */

int center_parse_config(const uint8_t *body, size_t len, struct center_config *out)
{
    json_error_t jerr;
    json_t *root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &jerr);
    int rc = KOFU_E_CENTER_RESPONSE;
    memset(out, 0, sizeof *out);
    json_int_t protocol, fee, max_copies;
    const json_t *hours = json_object_get(root, "service_hours");
    const json_t *list = json_object_get(root, "municipalities");
    char open[8], close[8];
    if (!json_is_object(root) || !take_int(root, "protocol", CENTER_PROTOCOL, CENTER_PROTOCOL, &protocol) || !json_is_object(hours) ||
        !take_str(hours, "open", open, sizeof open) || !take_str(hours, "close", close, sizeof close) ||
        !hhmm(open, &out->open_minute) || !hhmm(close, &out->close_minute) ||
        out->open_minute >= out->close_minute ||
        !take_str(hours, "timezone", out->timezone, sizeof out->timezone) ||
        !center_timezone_valid(CENTER_ZONEINFO_DIR, out->timezone) ||
        !take_int(root, "fee_per_copy_yen", 0, 10000, &fee) || !take_int(root, "max_copies", 1, 10, &max_copies) ||
        !json_is_array(list) || json_array_size(list) < 1 || json_array_size(list) > CENTER_MUNICIPALITIES_MAX)
        goto out;
    /* Without terms the kiosk cannot take consent, so it cannot serve. */
    if (!take_terms(json_object_get(root, "terms"), &out->terms))
        goto out;
    out->protocol = (int)protocol;
    out->fee_per_copy_yen = (int)fee;
    out->max_copies = (int)max_copies;
    out->municipalities = calloc(json_array_size(list), sizeof *out->municipalities);
    if (!out->municipalities) {
        rc = KOFU_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < json_array_size(list); i++) {
        struct center_municipality *m = &out->municipalities[i];
        if (!take_municipality(json_array_get(list, i), m))
            goto out;
        for (size_t k = 0; k < i; k++)
            if (!strcmp(out->municipalities[k].code, m->code))
                goto out; /* codes are unique */
        out->n_municipalities = i + 1;
    }
    rc = KOFU_OK;
out:
    if (rc != KOFU_OK)
        center_config_free(out);
    json_decref(root);
    return rc;
}

void center_config_free(struct center_config *cfg)
{
    free(cfg->municipalities);
    free(cfg->terms.ja);
    free(cfg->terms.en);
    memset(cfg, 0, sizeof *cfg);
}

int center_get_config(struct center_client *c, struct center_config *out, struct center_call_info *info)
{
    uint8_t *body = malloc(CENTER_CONFIG_RESPONSE_MAX);
    if (!body)
        return KOFU_E_NOMEM;
    size_t len = 0;
    int rc = call(c, CENTER_BASE_PATH "config", NULL, 0, true, c->timeout_ms, body, CENTER_CONFIG_RESPONSE_MAX, &len, info);
    /* One meaning per status on every path: a kiosk and `center ping` say the
     * same. No code of §3's table is /config's (it is answered at every hour,
     * whatever the terms): its status alone decides. */
    if (rc == KOFU_OK && info->http_status != 200)
        rc = center_refusal_by_status(info->http_status);
    else if (rc == KOFU_OK)
        rc = center_parse_config(body, len, out);
    free(body);
    kofu_log(KOFU_LOG_INFO, EV_CENTER_CALL, rc, (uint32_t)info->http_status);
    return rc;
}

/* ---- POST /certificates ------------------------------------------------- */

int center_request_new_id(struct center_request *r)
{
    uint8_t u[16];
    if (RAND_bytes(u, sizeof u) != 1)
        return KOFU_E_INTERNAL;
    u[6] = (uint8_t)((u[6] & 0x0F) | 0x40); /* version 4 */
    u[8] = (uint8_t)((u[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    snprintf(r->request_id, sizeof r->request_id,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3],
             u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
    return KOFU_OK;
}

struct center_certificate *center_certificate_new(void)
{
    return vault_alloc(sizeof(struct center_certificate));
}

/* Appends a base64 member for a file as read; the text goes through a vault buffer. */
static bool add_bytes(json_t *o, const char *key, const uint8_t *p, size_t n)
{
    size_t cap = b64_encoded_len(n, false) + 1;
    char *text = vault_alloc(cap);
    return text && n > 0 && b64_encode(p, n, text, cap, false) && json_object_set_new(o, key, json_string(text)) == 0;
}

static bool add_file(json_t *card, const char *key, const struct kenhojo_file *f)
{
    return f->present && add_bytes(card, key, f->bytes, f->len);
}

/* 1..max of A-Z and single spaces, none first or last ("" too when empty_ok). */
static bool mrz_name_part_ok(const char *s, size_t max, bool empty_ok)
{
    size_t n = strlen(s);
    if (n == 0)
        return empty_ok;
    if (n > max || s[0] == ' ' || s[n - 1] == ' ' || strstr(s, "  "))
        return false;
    return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ") == n;
}

int center_name_roman(const struct mrz_td3 *m, char out[MRZ_NAME_MAX + 1])
{
    out[0] = '\0';
    if (!mrz_name_part_ok(m->surname, MRZ_NAME_MAX, false) ||
        !mrz_name_part_ok(m->given_names, MRZ_NAME_MAX - 1, true))
        return KOFU_E_PASSPORT_DATA;
    int n = m->given_names[0] ? snprintf(out, MRZ_NAME_MAX + 1, "%s %s", m->surname, m->given_names)
                              : snprintf(out, MRZ_NAME_MAX + 1, "%s", m->surname);
    if (n < 0 || n > MRZ_NAME_MAX) {
        explicit_bzero(out, MRZ_NAME_MAX + 1);
        return KOFU_E_PASSPORT_DATA;
    }
    return KOFU_OK;
}

/* 1..max of the set. */
static bool code_ok(const char *s, size_t max, const char *set)
{
    size_t n = strlen(s);
    return n >= 1 && n <= max && strspn(s, set) == n;
}

/* The request's `passport` (docs/center-protocol.md §3, "The passport
 * chip"), from the verified chip and the card: the birth date's century is
 * the card's, which the MRZ's YYMMDD must equal. A chip that did not pass
 * passive authentication is never sent. Resident data: every text goes
 * through the vault or the wiping heap. */
static int passport_json(const struct mrtd_data *p, const struct kenhojo_attributes *card, json_t **out)
{
    const struct mrz_td3 *m = &p->mrz;
    if (p->pa != MRTD_PA_OK)
        return KOFU_E_PASSPORT_NOT_AUTHENTIC;
    if (strlen(card->birth_date) != 8 || strlen(m->birth) != MRZ_DATE_LEN ||
        memcmp(card->birth_date + 2, m->birth, MRZ_DATE_LEN) != 0)
        return KOFU_E_PASSPORT_OTHER_PERSON;
    char *name = vault_alloc(MRZ_NAME_MAX + 1), *birth = vault_alloc(11), *expiry = vault_alloc(11);
    if (!name || !birth || !expiry)
        return KOFU_E_NOMEM;
    const char *access = p->access == MRTD_ACCESS_PACE ? "PACE" : p->access == MRTD_ACCESS_BAC ? "BAC" : NULL;
    const char *sex = m->sex == 'M' ? "M" : m->sex == 'F' ? "F" : m->sex == '<' ? "X" : NULL;
    if (center_name_roman(m, name) != KOFU_OK || !access || !sex ||
        !code_ok(m->docno, MRZ_DOCNO_MAX, DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ||
        !code_ok(m->nationality, 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ||
        !code_ok(m->issuing_state, 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") || strlen(m->expiry) != MRZ_DATE_LEN ||
        strspn(m->expiry, DIGITS) != MRZ_DATE_LEN || p->dg1_len == 0 || p->dg1_len > MRTD_DG1_MAX ||
        p->sod_len == 0 || p->sod_len > MRTD_SOD_MAX)
        return KOFU_E_PASSPORT_DATA;
    snprintf(birth, 11, "%.4s-%.2s-%.2s", card->birth_date, card->birth_date + 4, card->birth_date + 6);
    snprintf(expiry, 11, "20%.2s-%.2s-%.2s", m->expiry, m->expiry + 2, m->expiry + 4);
    json_t *o = json_object();
    bool ok = o && json_object_set_new(o, "number", json_string(m->docno)) == 0 &&
              json_object_set_new(o, "nationality", json_string(m->nationality)) == 0 &&
              json_object_set_new(o, "issuing_state", json_string(m->issuing_state)) == 0 &&
              json_object_set_new(o, "surname", json_string(m->surname)) == 0 &&
              json_object_set_new(o, "given_names", json_string(m->given_names)) == 0 &&
              json_object_set_new(o, "name_roman", json_string(name)) == 0 &&
              json_object_set_new(o, "birth_date", json_string(birth)) == 0 &&
              json_object_set_new(o, "sex", json_string(sex)) == 0 &&
              json_object_set_new(o, "expiry_date", json_string(expiry)) == 0 &&
              json_object_set_new(o, "access", json_string(access)) == 0 &&
              json_object_set_new(o, "passive_auth", json_true()) == 0 && add_bytes(o, "dg1", p->dg1, p->dg1_len) &&
              add_bytes(o, "sod", p->sod, p->sod_len);
    if (!ok) {
        json_decref(o);
        return KOFU_E_NOMEM;
    }
    *out = o;
    return KOFU_OK;
}

int center_request_body(const struct center_request *r, char **body, size_t *len)
{
    json_t *root = json_object(), *card = json_object();
    int rc = KOFU_E_NOMEM;
    if (!root || !card || !add_file(card, "my_number", &r->card->ef_my_number) ||
        !add_file(card, "attributes", &r->card->ef_attributes) ||
        !add_file(card, "integrity", &r->card->ef_integrity) ||
        !add_file(card, "cv_certificate", &r->card->ef_cv_cert))
        goto out;
    json_object_set_new(root, "request_id", json_string(r->request_id));
    json_object_set_new(root, "card", card);
    card = NULL;
    json_object_set_new(root, "municipality", json_string(r->municipality));
    json_object_set_new(root, "kind", json_string(r->kind == CENTER_OVERSEAS ? "overseas" : "domestic"));
    json_object_set_new(root, "copies", json_integer(r->copies));
    json_object_set_new(root, "language", json_string(r->language));
    json_object_set_new(root, "terms_version", json_string(r->terms_version));
    if (r->passport) {
        json_t *passport = NULL;
        if ((rc = passport_json(r->passport, &r->card->attributes, &passport)) != KOFU_OK)
            goto out;
        json_object_set_new(root, "passport", passport);
        rc = KOFU_E_NOMEM;
    }
    *body = vault_alloc(REQUEST_BODY_MAX);
    if (!*body)
        goto out;
    *len = json_dumpb(root, *body, REQUEST_BODY_MAX, JSON_COMPACT);
    rc = *len > 0 && *len < REQUEST_BODY_MAX ? KOFU_OK : KOFU_E_INTERNAL;
out:
    json_decref(card);
    json_decref(root);
    return rc;
}

/* §3's table: each code with the one status it is sent with. A code is
 * taken only with that status (fail closed: a `500 no-record` or a `400
 * busy` has no single meaning, so its status decides). */
static const struct {
    const char *code;
    long status;
    int err;
} refusals[] = {
    {"no-record", 404, KOFU_E_NO_RECORD},
    {"municipality-not-participating", 403, KOFU_E_MUNICIPALITY_NOT_PARTICIPATING},
    {"card-not-authentic", 403, KOFU_E_CENTER_CARD_NOT_AUTHENTIC},
    {"passport-not-registered", 404, KOFU_E_PASSPORT_NOT_REGISTERED},
    {"outside-service-hours", 403, KOFU_E_OUTSIDE_HOURS},
    {"busy", 503, KOFU_E_CENTER_BUSY},
    {"bad-request", 400, KOFU_E_CENTER_BAD_REQUEST},
    {"bad-request", 405, KOFU_E_CENTER_BAD_REQUEST},
    {"bad-request", 413, KOFU_E_CENTER_BAD_REQUEST},
    {"terms-outdated", 409, KOFU_E_TERMS_OUTDATED},
};

int center_refusal_by_status(long status)
{
    if (status == 503)
        return KOFU_E_CENTER_BUSY;
    if (status == 502 || status == 504)
        return KOFU_E_CENTER_UNREACHABLE;
    if (status >= 500 && status <= 599)
        return KOFU_E_CENTER_FAILED;
    return KOFU_E_CENTER_RESPONSE;
}

int center_parse_refusal(const uint8_t *body, size_t len, long status)
{
    json_t *root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
    const json_t *err = json_object_get(root, "error");
    char code[64];
    int rc = center_refusal_by_status(status);
    if (json_is_object(err) && take_str(err, "code", code, sizeof code)) {
        for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
            if (refusals[i].status == status && !strcmp(code, refusals[i].code))
                rc = refusals[i].err;
    }
    json_decref(root);
    return rc;
}

static bool take_dose(const json_t *o, struct center_dose *d)
{
    return json_is_object(o) && take_str(o, "date", d->date, sizeof d->date) && date_valid(d->date) &&
           take_str(o, "cvx", d->cvx, sizeof d->cvx) && all_of(d->cvx, DIGITS) &&
           take_str(o, "product_ja", d->product_ja, sizeof d->product_ja) &&
           take_str(o, "product_en", d->product_en, sizeof d->product_en) &&
           take_str(o, "manufacturer_ja", d->manufacturer_ja, sizeof d->manufacturer_ja) &&
           take_str(o, "manufacturer_en", d->manufacturer_en, sizeof d->manufacturer_en) &&
           take_str(o, "lot", d->lot, sizeof d->lot) && take_str(o, "country", d->country, sizeof d->country) &&
           strlen(d->country) == 3 && all_of(d->country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
           take_str(o, "municipality", d->municipality, sizeof d->municipality) &&
           municipality_code_valid(d->municipality);
}

#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

static bool jws_shape_ok(const char *jws)
{
    const char *dot1 = strchr(jws, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot1 || !dot2 || strchr(dot2 + 1, '.') || dot1 == jws || dot2 == dot1 + 1 || !dot2[1])
        return false;
    return strspn(jws, B64URL ".") == strlen(jws);
}

static bool take_documents(const json_t *docs, enum center_kind kind, struct center_certificate *out)
{
    bool have_shc = false, have_vds = false;
    if (!json_is_array(docs) || json_array_size(docs) < 1 || json_array_size(docs) > 2)
        return false;
    for (size_t i = 0; i < json_array_size(docs); i++) {
        const json_t *d = json_array_get(docs, i);
        char type[16];
        if (!json_is_object(d) || !take_str(d, "type", type, sizeof type))
            return false;
        if (!strcmp(type, "shc") && !have_shc) {
            if (!take_str(d, "jws", out->jws, sizeof out->jws) || !jws_shape_ok(out->jws))
                return false;
            have_shc = true;
        } else if (!strcmp(type, "vds-nc") && !have_vds && kind == CENTER_OVERSEAS) {
            /* Kept as text: its signature covers the JCS form of seal.data,
             * which the verifier recomputes, so re-serializing is harmless. */
            const json_t *seal = json_object_get(d, "seal");
            size_t n = json_is_object(seal) ? json_dumpb(seal, NULL, 0, JSON_COMPACT) : 0;
            if (n == 0 || n >= sizeof out->vds_seal ||
                json_dumpb(seal, out->vds_seal, n, JSON_COMPACT) != n)
                return false;
            out->vds_seal[n] = '\0';
            have_vds = true;
        } else {
            return false;
        }
    }
    return have_shc && have_vds == (kind == CENTER_OVERSEAS);
}

int center_parse_certificate(const uint8_t *body, size_t len, const struct center_request *r,
                             struct center_certificate *out)
{
    json_t *root = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
    const json_t *issuer = json_object_get(root, "issuer");
    const json_t *doses = json_object_get(root, "doses");
    char kind[16];
    json_int_t issued_at;
    out->chip_read = false;
    memset(out->chip_number, 0, sizeof out->chip_number);
    memset(out->chip_nationality, 0, sizeof out->chip_nationality);
    memset(out->chip_name_roman, 0, sizeof out->chip_name_roman);
    bool ok = json_is_object(root) &&
              take_str(root, "certificate_id", out->certificate_id, sizeof out->certificate_id) &&
              all_of(out->certificate_id, DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") &&
              take_int(root, "issued_at", 1, (json_int_t)1 << 40, &issued_at) &&
              take_str(root, "issue_date", out->issue_date, sizeof out->issue_date) && date_valid(out->issue_date) &&
              issue_date_matches(out->issue_date, issued_at) &&
              json_is_object(issuer) &&
              take_str(issuer, "municipality", out->issuer.code, sizeof out->issuer.code) &&
              !strcmp(out->issuer.code, r->municipality) &&
              take_str(issuer, "name_ja", out->issuer.name_ja, sizeof out->issuer.name_ja) &&
              take_str(issuer, "name_en", out->issuer.name_en, sizeof out->issuer.name_en) &&
              take_str(issuer, "mayor_ja", out->mayor_ja, sizeof out->mayor_ja) &&
              take_str(issuer, "mayor_en", out->mayor_en, sizeof out->mayor_en) &&
              take_str(root, "kind", kind, sizeof kind) &&
              !strcmp(kind, r->kind == CENTER_OVERSEAS ? "overseas" : "domestic") &&
              take_documents(json_object_get(root, "documents"), r->kind, out) && json_is_array(doses) &&
              json_array_size(doses) >= 1 && json_array_size(doses) <= CENTER_DOSES_MAX;
    if (ok) {
        out->issued_at = issued_at;
        out->kind = r->kind;
        out->n_doses = json_array_size(doses);
        for (size_t i = 0; ok && i < out->n_doses; i++)
            ok = take_dose(json_array_get(doses, i), &out->doses[i]);
    }
    if (ok && r->kind == CENTER_OVERSEAS) {
        const json_t *p = json_object_get(root, "passport");
        ok = json_is_object(p) && take_str(p, "number", out->passport_number, sizeof out->passport_number) &&
             all_of(out->passport_number, DIGITS "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
             take_str(p, "nationality", out->passport_nationality, sizeof out->passport_nationality) &&
             all_of(out->passport_nationality, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
             take_str(p, "name_roman", out->name_roman, sizeof out->name_roman) &&
             all_of(out->name_roman, "ABCDEFGHIJKLMNOPQRSTUVWXYZ ,'-");
    }
    /* What the seal must carry is the chip's, not the echo: certificate_verify compares. */
    if (ok && r->kind == CENTER_OVERSEAS && r->passport) {
        const struct mrz_td3 *m = &r->passport->mrz;
        ok = center_name_roman(m, out->chip_name_roman) == KOFU_OK &&
             snprintf(out->chip_number, sizeof out->chip_number, "%s", m->docno) < (int)sizeof out->chip_number &&
             snprintf(out->chip_nationality, sizeof out->chip_nationality, "%s", m->nationality) <
                 (int)sizeof out->chip_nationality;
        out->chip_read = ok;
    }
    json_decref(root);
    if (!ok) {
        explicit_bzero(out, sizeof *out);
        return KOFU_E_CENTER_RESPONSE;
    }
    return KOFU_OK;
}

int center_request_certificate(struct center_client *c, const struct center_request *r,
                               struct center_certificate *out, struct center_call_info *info)
{
    if (!r->card || !municipality_code_valid(r->municipality) || r->copies < 1 || r->copies > 10 ||
        !r->language || (strcmp(r->language, "ja") && strcmp(r->language, "en")) || strlen(r->request_id) != 36 ||
        !center_terms_version_valid(r->terms_version) || (r->passport && r->kind != CENTER_OVERSEAS))
        return KOFU_E_ARG;
    /* Everything this call puts in the vault besides `out` goes at the end. */
    size_t mark = vault_mark();
    char *body = NULL;
    size_t body_len = 0;
    int rc = center_request_body(r, &body, &body_len);
    uint8_t *resp = rc == KOFU_OK ? vault_alloc(CENTER_RESPONSE_MAX) : NULL;
    if (rc == KOFU_OK && !resp)
        rc = KOFU_E_NOMEM;
    size_t len = 0;
    if (rc == KOFU_OK)
        rc = call(c, CENTER_BASE_PATH "certificates", body, body_len, true, c->timeout_ms, resp, CENTER_RESPONSE_MAX,
                  &len, info);
    if (rc == KOFU_OK && info->http_status == 200)
        rc = center_parse_certificate(resp, len, r, out);
    else if (rc == KOFU_OK)
        rc = center_parse_refusal(resp, len, info->http_status);
    vault_release(mark);
    kofu_log(KOFU_LOG_INFO, EV_CENTER_CALL, rc, (uint32_t)info->http_status);
    return rc;
}

/* ---- POST /completions -------------------------------------------------- */

/* The protocol's outcome keywords (docs/center-protocol.md). */
static const struct kofu_word outcome_names[] = {
    KOFU_NAME(CENTER_PRINTED, "printed"),
    KOFU_NAME(CENTER_FAILED, "failed"),
    KOFU_NAME(CENTER_REFUNDED, "refunded"),
    KOFU_NAME(CENTER_REFUND_OWED, "refund-owed"),
};

int center_report_completion(struct center_client *c, const char *request_id, const char *certificate_id,
                             enum center_outcome outcome, int copies_printed, int amount_yen,
                             struct center_call_info *info)
{
    /* An outcome the protocol has no word for is never sent as a guess. */
    const struct kofu_word *o = kofu_word_find(outcome_names, KOFU_WORDS_N(outcome_names), (int)outcome);
    if (!o)
        return KOFU_E_ARG;
    json_t *root = json_pack("{s:s, s:s, s:s, s:i, s:i}", "request_id", request_id, "certificate_id",
                             certificate_id ? certificate_id : "", "outcome", o->name, "copies_printed",
                             copies_printed, "amount_yen", amount_yen);
    char *body = root ? json_dumps(root, JSON_COMPACT) : NULL;
    json_decref(root);
    if (!body)
        return KOFU_E_NOMEM;
    uint8_t resp[4096];
    size_t len = 0;
    int rc = call(c, CENTER_BASE_PATH "completions", body, strlen(body), true, COMPLETION_TIMEOUT_MS, resp, sizeof resp,
                  &len, info);
    json_text_free(body);
    if (rc == KOFU_OK && info->http_status != 204 && info->http_status != 200)
        rc = center_parse_refusal(resp, len, info->http_status);
    kofu_log(KOFU_LOG_INFO, EV_CENTER_CALL, rc, (uint32_t)info->http_status);
    return rc;
}
