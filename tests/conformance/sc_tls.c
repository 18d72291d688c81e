/* sc_tls.c — the tls.* scenarios (docs/conformance.md): the center speaks
 * TLS 1.3 only and only to kiosks of its kiosk CA that are not revoked
 * (docs/center-protocol.md §1). */
#include "center/center.h"
#include "tests/conformance/kit.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <stdio.h>

#define SECTION "§1 Transport"

void sc_tls_version_13(struct kit *k, struct kit_result *r)
{
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "config"};
    struct wire_resp a;
    char got[300];
    wire_call(k, &q, &a);
    if (!a.answered || a.status != 200)
        kit_fail(r, SECTION, "200 to GET " CENTER_BASE_PATH "config over TLS 1.3 with the kit's kiosk certificate", "%s",
                 wire_describe(&a, got, sizeof got));
}

/* A refusal is no HTTP answer at all, from a center that was reached: the
 * TCP connection was made and the handshake (or, with TLS 1.3, the first
 * read after it) failed, with an alert or a closed connection. A center
 * that cannot be reached (nothing listening, a name that does not resolve,
 * no answer in time) has refused nothing. */
static bool tls_refusal(const struct wire_resp *a)
{
    if (!a->reached)
        return false;
    if (a->alert >= 0)
        return true;
    switch (a->curl_code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
        return true;
    default:
        return false;
    }
}

static void expect_refused(struct kit *k, struct kit_result *r, const struct wire_req *q, const char *expected,
                           bool need_cert_alert)
{
    struct wire_resp a;
    char got[300];
    wire_call(k, q, &a);
    if (a.answered) {
        kit_fail(r, SECTION, expected, "an HTTP answer: %s", wire_describe(&a, got, sizeof got));
        return;
    }
    if (a.curl_code == CURLE_COULDNT_CONNECT || a.curl_code == CURLE_COULDNT_RESOLVE_HOST || !a.reached) {
        kit_fail(r, SECTION, expected, "cannot reach the center (%s): no connection was made, so nothing was refused",
                 a.detail);
        return;
    }
    if (!tls_refusal(&a)) {
        kit_fail(r, SECTION, expected, "%s: not a TLS refusal (an alert, or the connection closed in the handshake)",
                 wire_describe(&a, got, sizeof got));
        return;
    }
    if (!need_cert_alert)
        return;
    /* The kiosk's own reading of the alert: only one about its
     * certificate tells the resident's kiosk it was refused. */
    if (center_tls_alert_error(a.alert) != KOFU_E_TLS_CLIENT_REFUSED)
        kit_fail(r, SECTION, expected, "%s: a kiosk cannot tell it from a network fault (tls-client-refused needs "
                                       "an alert about the certificate)",
                 wire_describe(&a, got, sizeof got));
}

void sc_tls_refuses_12(struct kit *k, struct kit_result *r)
{
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "config", .tls12 = true};
    expect_refused(k, r, &q, "no HTTP answer: the center speaks TLS 1.3 only", false);
}

void sc_tls_refuses_no_certificate(struct kit *k, struct kit_result *r)
{
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "config", .cert = WIRE_CERT_NONE};
    expect_refused(k, r, &q,
                   "no HTTP answer: a kiosk without a certificate is refused in the handshake with a TLS alert "
                   "(certificate_required)",
                   true);
}

void sc_tls_refuses_revoked(struct kit *k, struct kit_result *r)
{
    if (!k->revoked_cert[0]) {
        kit_skip(r, "conformance_revoked_cert_file is not set (a kiosk certificate the center's CRL revokes)");
        return;
    }
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "config", .cert = WIRE_CERT_OTHER,
                         .cert_file = k->revoked_cert, .key_file = k->revoked_key};
    expect_refused(k, r, &q, "no HTTP answer: a revoked kiosk is refused with a TLS alert (e.g. certificate_revoked)",
                   true);
}

void sc_tls_refuses_foreign_ca(struct kit *k, struct kit_result *r)
{
    if (!k->foreign_cert[0]) {
        kit_skip(r, "conformance_foreign_cert_file is not set (a kiosk certificate of another CA)");
        return;
    }
    struct wire_req q = {.method = "GET", .path = CENTER_BASE_PATH "config", .cert = WIRE_CERT_OTHER,
                         .cert_file = k->foreign_cert, .key_file = k->foreign_key};
    expect_refused(k, r, &q, "no HTTP answer: a kiosk of another CA is refused with a TLS alert (e.g. unknown_ca)",
                   true);
}
