/* wire.c — see wire.h. */
#include "tests/conformance/wire.h"

#include "base/vault.h"
#include "center/center.h"
#include "tests/conformance/kit.h"

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct wire_call_state {
    const struct kit *k;
    const struct wire_req *q;
    struct wire_resp *r;
    size_t cap;
};

static int state_index = -1;

/* The one answer buffer (wire_init), and how much of it the last answer used. */
static uint8_t *answer_buf;
static size_t answer_used;

int wire_init(void)
{
    if (!answer_buf)
        answer_buf = vault_alloc(WIRE_BODY_MAX + 1);
    answer_used = 0;
    return answer_buf ? KOFU_OK : KOFU_E_NOMEM;
}

void wire_done(void)
{
    if (answer_buf)
        explicit_bzero(answer_buf, answer_used + 1);
    answer_buf = NULL;
    answer_used = 0;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    struct wire_call_state *s = user;
    size_t len = size * n;
    if (len > s->cap - 1 - s->r->len) {
        s->r->truncated = true;
        return 0;
    }
    memcpy(s->r->body + s->r->len, data, len);
    s->r->len += len;
    return len;
}

static void take_header(const char *data, size_t len, const char *name, char *dst, size_t cap)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(data, name, nl) != 0)
        return;
    data += nl;
    len -= nl;
    while (len && (*data == ' ' || *data == '\t'))
        data++, len--;
    while (len && (data[len - 1] == '\r' || data[len - 1] == '\n' || data[len - 1] == ' '))
        len--;
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, data, len);
    dst[len] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    struct wire_call_state *s = user;
    size_t len = size * n;
    char date[80] = "";
    take_header(data, len, "Date:", date, sizeof date);
    if (date[0]) {
        time_t t = curl_getdate(date, NULL);
        s->r->date = t > 0 ? t : 0;
    }
    take_header(data, len, "Allow:", s->r->allow, sizeof s->r->allow);
    take_header(data, len, "Content-Type:", s->r->content_type, sizeof s->r->content_type);
    return len;
}

/* OpenSSL calls this only once the TCP connection is up (libcurl starts
 * the handshake on a connected socket): the first call is the proof that
 * the center was reached. */
static void on_tls_info(const SSL *ssl, int where, int ret)
{
    struct wire_call_state *s = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), state_index);
    if (s)
        s->r->reached = true;
    if (!(where & SSL_CB_READ_ALERT) || (ret >> 8) != SSL3_AL_FATAL)
        return;
    if (s && s->r->alert < 0) {
        s->r->alert = ret & 0xFF;
        snprintf(s->r->alert_name, sizeof s->r->alert_name, "%s", SSL_alert_desc_string_long(ret));
    }
}

/* The client certificate as kofu's client loads it (center_load_kiosk_key:
 * a PEM file or a provider URI), the TLS versions, the alert recorder. */
static CURLcode on_ssl_ctx(CURL *curl, void *ssl_ctx, void *user)
{
    (void)curl;
    struct wire_call_state *s = user;
    SSL_CTX *ctx = ssl_ctx;
    int lo = s->q->tls12 || s->q->tls_any ? TLS1_2_VERSION : TLS1_3_VERSION;
    int hi = s->q->tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
    if (SSL_CTX_set_min_proto_version(ctx, lo) != 1 || SSL_CTX_set_max_proto_version(ctx, hi) != 1)
        return CURLE_SSL_CONNECT_ERROR;
    const char *cert = NULL, *key_uri = NULL;
    if (s->q->cert == WIRE_CERT_KIOSK) {
        cert = s->k->cfg.kiosk_cert_file;
        key_uri = s->k->cfg.kiosk_key_file;
    } else if (s->q->cert == WIRE_CERT_OTHER) {
        cert = s->q->cert_file;
        key_uri = s->q->key_file;
    }
    if (cert) {
        kcrypto_key *key = center_load_kiosk_key(key_uri);
        bool ok = key && SSL_CTX_use_certificate_chain_file(ctx, cert) == 1 && SSL_CTX_use_PrivateKey(ctx, key) == 1 &&
                  SSL_CTX_check_private_key(ctx) == 1;
        kcrypto_key_free(key);
        if (!ok)
            return CURLE_SSL_CERTPROBLEM;
    }
    if (state_index < 0)
        state_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    if (state_index < 0 || SSL_CTX_set_ex_data(ctx, state_index, s) != 1)
        return CURLE_SSL_CONNECT_ERROR;
    SSL_CTX_set_info_callback(ctx, on_tls_info);
    return CURLE_OK;
}

static void take_error_code(struct wire_resp *r)
{
    if (!r->body || !r->len)
        return;
    json_t *root = json_loadb((const char *)r->body, r->len, JSON_REJECT_DUPLICATES, NULL);
    const json_t *code = json_object_get(json_object_get(root, "error"), "code");
    if (json_is_string(code) && json_string_length(code) < sizeof r->error_code)
        snprintf(r->error_code, sizeof r->error_code, "%s", json_string_value(code));
    json_decref(root);
}

int wire_call(const struct kit *k, const struct wire_req *q, struct wire_resp *r)
{
    memset(r, 0, sizeof *r);
    r->alert = -1;
    char url[KOFU_CONFIG_VALUE_MAX + 256];
    if (q->url)
        snprintf(url, sizeof url, "%s", q->url);
    else {
        size_t n = strlen(k->cfg.center_url);
        while (n && k->cfg.center_url[n - 1] == '/')
            n--;
        snprintf(url, sizeof url, "%.*s%s", (int)n, k->cfg.center_url, q->path);
    }
    if (!answer_buf) {
        snprintf(r->detail, sizeof r->detail, "the kit has no answer buffer (wire_init not called, or out of memory)");
        kit_error("%s", r->detail);
        return -1;
    }
    /* The last answer, wiped before the next one is read over it. */
    explicit_bzero(answer_buf, answer_used + 1);
    answer_used = 0;
    struct wire_call_state s = {k, q, r, WIRE_BODY_MAX + 1};
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(r->detail, sizeof r->detail, "curl_easy_init failed");
        kit_error("the kit could not set up a call: %s", r->detail);
        return -1;
    }
    r->body = answer_buf;
    char errbuf[CURL_ERROR_SIZE] = "";
    char ct[160];
    struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");
    hdr = curl_slist_append(hdr, "Expect:");
    if (q->content_type) {
        snprintf(ct, sizeof ct, "Content-Type: %s", q->content_type);
        hdr = curl_slist_append(hdr, ct);
    } else {
        hdr = curl_slist_append(hdr, "Content-Type:");
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_CAINFO, q->ca_file ? q->ca_file : k->cfg.center_ca_file);
    curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    long version = q->tls12     ? (long)(CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2)
                   : q->tls_any ? (long)(CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_3)
                                : (long)(CURL_SSLVERSION_TLSv1_3 | CURL_SSLVERSION_MAX_TLSv1_3);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, version);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, &s);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)k->cfg.center_connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)k->cfg.center_timeout_ms + 5000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "kofu-conformance/1");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    if (q->body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)q->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->body_len);
    }
    if (strcmp(q->method, "GET") != 0 && !(q->body && !strcmp(q->method, "POST")))
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
    CURLcode cc = curl_easy_perform(h);
    r->curl_code = (int)cc;
    curl_off_t connect_us = 0;
    if (curl_easy_getinfo(h, CURLINFO_CONNECT_TIME_T, &connect_us) == CURLE_OK && connect_us > 0)
        r->reached = true;
    if (cc == CURLE_OK || (cc == CURLE_WRITE_ERROR && r->truncated)) {
        r->answered = true;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    } else {
        snprintf(r->detail, sizeof r->detail, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
    }
    r->body[r->len] = '\0';
    answer_used = r->len;
    if (r->answered)
        take_error_code(r);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return 0;
}

const char *wire_describe(const struct wire_resp *r, char *buf, size_t cap)
{
    if (!r->answered) {
        if (r->alert >= 0)
            snprintf(buf, cap, "no HTTP answer (TLS alert %s)", r->alert_name);
        else
            snprintf(buf, cap, "no HTTP answer (%s)", r->detail);
    } else if (r->error_code[0]) {
        snprintf(buf, cap, "%ld %s", r->status, r->error_code);
    } else if (r->status >= 400) {
        snprintf(buf, cap, "%ld without an error code", r->status);
    } else {
        snprintf(buf, cap, "%ld", r->status);
    }
    return buf;
}
