/*
 * server.h — centersim's HTTPS front: libevent's evhttp over OpenSSL
 * bufferevents, mutual TLS, and sending api_reply answers (with the latency
 * and drop-mid-body faults).
 *
 * Owns: the SSL_CTX, the evhttp object and its listening socket, and the
 * answers waiting out a latency fault. No HTTP is parsed here by hand.
 *
 * TLS: 1.3 only (or 1.2 only with tls12_only, for the kiosk's negative
 * tests; or only the given ciphersuites, for the same; or 1.2 and 1.3 with
 * allow_tls12, for the conformance kit's); the client must present a certificate that chains to the kiosk
 * CA and is not revoked (its CRL is loaded into the store with
 * X509_V_FLAG_CRL_CHECK); session tickets and a server-side session cache
 * let kiosks resume sessions. The client certificate's subject CN is handed
 * to the routes as the kiosk's identity.
 *
 * Binds to loopback only: 127.0.0.1 or ::1, nothing else.
 */
#ifndef CENTERSIM_SERVER_H
#define CENTERSIM_SERVER_H

#include "api.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>

struct srv_options {
    const char *host;     /* "127.0.0.1" or "::1" */
    int port;             /* 1..65535 */
    const char *cert;     /* server certificate chain (PEM) */
    const char *key;      /* its private key (PEM) */
    const char *kiosk_ca; /* the kiosk CA (PEM) */
    const char *kiosk_crl;/* the kiosk CA's CRL (PEM) */
    bool tls12_only;
    bool allow_tls12;         /* TLS 1.2 and 1.3 (a center that should refuse 1.2 but does not) */
    const char *ciphersuites; /* TLS 1.3 suites to offer (OpenSSL's list syntax); NULL: the default */
};

typedef struct srv srv;

/** True for the addresses the server may bind: 127.0.0.1 and ::1. */
bool srv_host_allowed(const char *host);
/** Set up TLS and listen. NULL with a reason in err; *bind_failed tells a
 *  port that could not be bound (in use) from a bad setup. */
srv *srv_new(struct event_base *base, const struct srv_options *o, api *routes, char *err, size_t errlen,
             bool *bind_failed);
/** Stop listening, drop connections and pending answers, free everything. */
void srv_free(srv *s);

#endif
