/* server.c — see server.h. */
#include "server.h"

#include "clock.h"
#include "base/wipeheap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/socket.h>
#include <unistd.h>

#define SRV_HARD_BODY_MAX (1024 * 1024) /* beyond this libevent itself refuses (bare 413, close) */
#define SRV_HEADERS_MAX 16384
#define SRV_IDLE_TIMEOUT_S 30
#define SRV_SESSION_CACHE 8192
#define SRV_SID_CONTEXT "kofu-centersim"
#define SRV_LINGER_MAX 64      /* refused handshakes drained at once */
#define SRV_LINGER_S 2         /* how long a refused peer may take to read our alert */

/* An answer waiting out the latency fault. */
struct srv_pending {
    struct srv_pending *prev, *next;
    srv *s;
    struct event *timer;
    struct evhttp_request *req;
    struct api_reply reply;
    enum cslog_method method;
    uint64_t t0;
};

/* A refused handshake's socket, kept open until the peer has read our alert. */
struct srv_linger {
    struct srv_linger *prev, *next;
    srv *s;
    int fd;
    struct event *ev;
};

struct srv {
    struct event_base *base;
    api *routes;
    SSL_CTX *ctx;
    struct evhttp *http;
    SSL_CTX *pub_ctx;      /* the public listener's, or NULL */
    struct evhttp *pub_http;
    struct srv_pending *pending;
    struct srv_linger *lingering;
    size_t n_lingering;
};

bool srv_host_allowed(const char *host)
{
    return host && (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0);
}

/* ---- TLS --------------------------------------------------------------------- */

/* A refused kiosk certificate: the verify error number is worth a log line. */
static int srv_verify_cb(int ok, X509_STORE_CTX *x)
{
    if (!ok)
        cslog_event(CSLOG_KIOSK_REFUSED, X509_STORE_CTX_get_error(x), (uint64_t)X509_STORE_CTX_get_error_depth(x));
    return ok;
}

/* ---- lingering close of refused handshakes -------------------------------------- */

static void srv_linger_close(struct srv_linger *l)
{
    srv *s = l->s;
    if (l->prev)
        l->prev->next = l->next;
    else
        s->lingering = l->next;
    if (l->next)
        l->next->prev = l->prev;
    s->n_lingering--;
    event_free(l->ev);
    close(l->fd);
    free(l);
}

/* Discard what the refused peer still sends until it closes or time is up. */
static void srv_linger_read(evutil_socket_t fd, short what, void *arg)
{
    char sink[4096];
    ssize_t n = 1;
    if (what & EV_READ)
        n = recv(fd, sink, sizeof sink, 0);
    if ((what & EV_TIMEOUT) || n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        srv_linger_close(arg);
}

/* With TLS 1.3 the kiosk has already sent its HTTP request when we refuse
 * its certificate. If libevent then closed the socket with that request
 * unread, the kernel would answer with a reset and the kiosk might never
 * read our alert ("send failure" instead of "certificate revoked"). So keep
 * a duplicate of the socket: shut down our side after the alert, and drain
 * the peer's bytes until it closes (a lingering close, as web servers do). */
static void srv_linger_start(srv *s, int fd)
{
    struct srv_linger *l = s->n_lingering < SRV_LINGER_MAX ? calloc(1, sizeof *l) : NULL;
    int dup_fd = l ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
    struct timeval tv = {SRV_LINGER_S, 0};
    if (l && dup_fd >= 0)
        l->ev = event_new(s->base, dup_fd, EV_READ | EV_PERSIST, srv_linger_read, l);
    if (!l || !l->ev || event_add(l->ev, &tv) != 0) {
        if (l && l->ev)
            event_free(l->ev);
        if (dup_fd >= 0)
            close(dup_fd);
        free(l);
        return;
    }
    shutdown(dup_fd, SHUT_WR); /* FIN right after the alert */
    l->s = s;
    l->fd = dup_fd;
    l->next = s->lingering;
    if (s->lingering)
        s->lingering->prev = l;
    s->lingering = l;
    s->n_lingering++;
}

/* Fatal alerts we send (no client certificate, wrong version, ...). The
 * callback runs once the alert has been written to the socket. */
static void srv_info_cb(const SSL *ssl, int where, int ret)
{
    if (!(where & SSL_CB_ALERT) || !(where & SSL_CB_WRITE) || (ret >> 8) != SSL3_AL_FATAL)
        return;
    cslog_event(CSLOG_TLS_ALERT, 0, (uint64_t)(ret & 0xFF));
    srv *s = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), 0);
    int fd = SSL_get_fd(ssl);
    if (s && fd >= 0 && SSL_in_init(ssl))
        srv_linger_start(s, fd);
}

static bool srv_fail(char *err, size_t errlen, const char *what, const char *path)
{
    snprintf(err, errlen, "%s%s%s", what, path ? ": " : "", path ? path : "");
    ERR_clear_error();
    return false;
}

/* The kiosk CA and its CRL, checked on every full handshake. */
static bool srv_trust_kiosks(SSL_CTX *ctx, const struct srv_options *o, char *err, size_t errlen)
{
    X509_STORE *xstore = X509_STORE_new();
    if (!xstore || X509_STORE_load_file(xstore, o->kiosk_ca) != 1) {
        X509_STORE_free(xstore);
        return srv_fail(err, errlen, "cannot load the kiosk CA", o->kiosk_ca);
    }
    SSL_CTX_set_cert_store(ctx, xstore); /* owned by ctx from here */
    FILE *f = fopen(o->kiosk_crl, "r");
    X509_CRL *crl = f ? PEM_read_X509_CRL(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    bool ok = crl && X509_STORE_add_crl(xstore, crl) == 1 && X509_STORE_set_flags(xstore, X509_V_FLAG_CRL_CHECK) == 1;
    X509_CRL_free(crl);
    if (!ok)
        return srv_fail(err, errlen, "cannot load the kiosk CRL", o->kiosk_crl);
    STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(o->kiosk_ca);
    if (!names)
        return srv_fail(err, errlen, "cannot read the kiosk CA's name", o->kiosk_ca);
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, srv_verify_cb);
    SSL_CTX_set_verify_depth(ctx, 4);
    return true;
}

/* Kiosks resume sessions: stateless tickets (TLS 1.3 and 1.2) and a server
 * cache. A session id context is required when client certificates are
 * verified, or OpenSSL refuses every resumption. */
static bool srv_sessions(SSL_CTX *ctx)
{
    static const unsigned char sid[] = SRV_SID_CONTEXT;
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, SRV_SESSION_CACHE);
    return SSL_CTX_set_session_id_context(ctx, sid, sizeof sid - 1) == 1 && SSL_CTX_set_num_tickets(ctx, 1) == 1;
}

static SSL_CTX *srv_tls(const struct srv_options *o, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    int min = o->tls12_only || o->allow_tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
    int max = o->tls12_only ? TLS1_2_VERSION : TLS1_3_VERSION;
    bool ok = ctx && SSL_CTX_set_min_proto_version(ctx, min) == 1 && SSL_CTX_set_max_proto_version(ctx, max) == 1 &&
              (!o->ciphersuites || SSL_CTX_set_ciphersuites(ctx, o->ciphersuites) == 1);
    if (!ok)
        srv_fail(err, errlen, "cannot set up TLS", NULL);
    else if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1)
        ok = srv_fail(err, errlen, "cannot load the server certificate", o->cert);
    else if (SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1)
        ok = srv_fail(err, errlen, "cannot load the server key (or it does not match the certificate)", o->key);
    else
        ok = srv_trust_kiosks(ctx, o, err, errlen) &&
             (srv_sessions(ctx) || srv_fail(err, errlen, "cannot set up session resumption", NULL));
    if (!ok) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_info_callback(ctx, srv_info_cb);
    return ctx;
}

/* The public listener's TLS: the same server certificate, no client
 * certificate asked for, TLS 1.2 or 1.3 (verifiers outside the kiosks are
 * any HTTPS client). */
static SSL_CTX *srv_tls_public(const struct srv_options *o, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    bool ok = ctx && SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 &&
              SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1 &&
              SSL_CTX_use_certificate_chain_file(ctx, o->cert) == 1 &&
              SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) == 1 && SSL_CTX_check_private_key(ctx) == 1;
    if (!ok) {
        SSL_CTX_free(ctx);
        srv_fail(err, errlen, "cannot set up the public listener's TLS", NULL);
        return NULL;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    return ctx;
}

/* evhttp asks for each accepted connection's bufferevent: a TLS server one.
 * Returning NULL makes libevent use a plain socket; the routes then see no
 * kiosk identity and refuse every request, so an allocation failure here
 * cannot open a plaintext door. */
static struct bufferevent *srv_tls_bev(struct event_base *base, SSL_CTX *ctx)
{
    SSL *ssl = SSL_new(ctx);
    if (!ssl)
        return NULL;
    struct bufferevent *bev =
        bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
    if (bev)
        bufferevent_openssl_set_allow_dirty_shutdown(bev, 1); /* a kiosk may close without close_notify */
    return bev;
}

static struct bufferevent *srv_bevcb(struct event_base *base, void *arg)
{
    return srv_tls_bev(base, ((srv *)arg)->ctx);
}

/* NULL here would make the public listener plaintext; it only serves a
 * public key set, but it must still be the HTTPS the document names. */
static struct bufferevent *srv_pub_bevcb(struct event_base *base, void *arg)
{
    return srv_tls_bev(base, ((srv *)arg)->pub_ctx);
}

/* The verified client certificate's subject CN: printable, 1..64 bytes. */
static bool srv_peer_cn(struct evhttp_request *req, char out[API_KIOSK_MAX + 1])
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
    X509 *peer = ssl ? SSL_get0_peer_certificate(ssl) : NULL;
    if (!peer || SSL_get_verify_result(ssl) != X509_V_OK)
        return false;
    X509_NAME *name = X509_get_subject_name(peer);
    X509_NAME_ENTRY *e = X509_NAME_get_entry(name, X509_NAME_get_index_by_NID(name, NID_commonName, -1));
    unsigned char *cn = NULL;
    int n = e ? ASN1_STRING_to_UTF8(&cn, X509_NAME_ENTRY_get_data(e)) : -1;
    bool ok = n >= 1 && n <= API_KIOSK_MAX;
    for (int i = 0; ok && i < n; i++)
        ok = (cn[i] >= 'A' && cn[i] <= 'Z') || (cn[i] >= 'a' && cn[i] <= 'z') || (cn[i] >= '0' && cn[i] <= '9') ||
             cn[i] == '-' || cn[i] == '.' || cn[i] == '_';
    if (ok) {
        memcpy(out, cn, (size_t)n);
        out[n] = '\0';
    }
    OPENSSL_free(cn);
    return ok;
}

/* ---- answers ------------------------------------------------------------------ */

/* The request body may be resident data: zero it in place, then drop it. */
static void srv_wipe_input(struct evbuffer *in)
{
    while (evbuffer_get_length(in) > 0) {
        struct evbuffer_iovec v;
        if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
            break;
        explicit_bzero(v.iov_base, v.iov_len);
        evbuffer_drain(in, v.iov_len);
    }
}

/* The body goes out by reference and is wiped (wipeheap_cleanup) once sent. */
static struct evbuffer *srv_body(struct api_reply *rp, size_t len)
{
    struct evbuffer *out = evbuffer_new();
    if (out && rp->body && len > 0 && evbuffer_add_reference(out, rp->body, len, wipeheap_cleanup, NULL) == 0)
        rp->body = NULL; /* the evbuffer owns it now */
    api_reply_free(rp);
    return out;
}

/* drop-mid-body: announce the whole length, send half, close. */
static void srv_send_half(struct evhttp_request *req, struct api_reply *rp)
{
    char length[32];
    snprintf(length, sizeof length, "%zu", rp->len);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Content-Length", length);
    evhttp_add_header(h, "Connection", "close");
    int status = rp->status;
    struct evbuffer *out = srv_body(rp, rp->len / 2);
    evhttp_send_reply_start(req, status, NULL);
    if (out)
        evhttp_send_reply_chunk(req, out);
    evhttp_send_reply_end(req); /* "Connection: close": libevent closes once the half is out */
    if (out)
        evbuffer_free(out);
}

static void srv_send(struct evhttp_request *req, struct api_reply *rp, enum cslog_method method, uint64_t t0)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    /* The center's own clock (--now, `now EPOCH`), not libevent's real one. */
    char date[CLK_HTTP_DATE_LEN + 1];
    clk_http_date(clk_now(), date);
    evhttp_add_header(h, "Date", date);
    if (rp->body)
        evhttp_add_header(h, "Content-Type", "application/json");
    evhttp_add_header(h, "Cache-Control", "no-store");
    if (rp->allow)
        evhttp_add_header(h, "Allow", rp->allow);
    cslog_request(method, rp->route, rp->status, clk_mono_us() - t0);
    if (rp->drop_mid_body && rp->body && rp->len > 1) {
        srv_send_half(req, rp);
        return;
    }
    int status = rp->status;
    struct evbuffer *out = srv_body(rp, rp->len);
    evhttp_send_reply(req, status, NULL, out);
    if (out)
        evbuffer_free(out);
}

static void srv_unlink(srv *s, struct srv_pending *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        s->pending = p->next;
    if (p->next)
        p->next->prev = p->prev;
}

static void srv_pending_fire(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct srv_pending *p = arg;
    srv_unlink(p->s, p);
    srv_send(p->req, &p->reply, p->method, p->t0);
    event_free(p->timer);
    free(p);
}

/* latency=MS: hold the answer (already computed, so the vault is wiped). */
static void srv_defer(srv *s, struct evhttp_request *req, struct api_reply *rp, enum cslog_method method,
                      uint64_t t0)
{
    struct srv_pending *p = calloc(1, sizeof *p);
    if (p)
        p->timer = evtimer_new(s->base, srv_pending_fire, p);
    if (!p || !p->timer) {
        free(p);
        srv_send(req, rp, method, t0);
        return;
    }
    p->s = s;
    p->req = req;
    p->reply = *rp;
    p->method = method;
    p->t0 = t0;
    p->next = s->pending;
    if (s->pending)
        s->pending->prev = p;
    s->pending = p;
    struct timeval tv = {(time_t)(rp->latency_ms / 1000), (suseconds_t)(rp->latency_ms % 1000) * 1000};
    evtimer_add(p->timer, &tv);
}

static enum cslog_method srv_method(struct evhttp_request *req)
{
    switch (evhttp_request_get_command(req)) {
    case EVHTTP_REQ_GET: return CSLOG_GET;
    case EVHTTP_REQ_POST: return CSLOG_POST;
    default: return CSLOG_OTHER_METHOD;
    }
}

static void srv_handle(srv *s, struct evhttp_request *req, bool public_channel)
{
    uint64_t t0 = clk_mono_us();
    char kiosk[API_KIOSK_MAX + 1];
    struct api_request rq;
    struct api_reply rp;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    memset(&rq, 0, sizeof rq);
    rq.method = srv_method(req);
    rq.path = uri ? evhttp_uri_get_path(uri) : NULL;
    rq.has_query = uri && (evhttp_uri_get_query(uri) || evhttp_uri_get_fragment(uri));
    rq.content_type = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
    rq.user_agent = evhttp_find_header(evhttp_request_get_input_headers(req), "User-Agent");
    rq.body_len = evbuffer_get_length(in);
    rq.body = rq.body_len > 0 && rq.body_len <= API_BODY_MAX ? evbuffer_pullup(in, -1) : NULL;
    rq.kiosk = !public_channel && srv_peer_cn(req, kiosk) ? kiosk : NULL;
    rq.public_channel = public_channel;
    api_handle(s->routes, &rq, &rp);
    srv_wipe_input(in);
    if (rp.latency_ms > 0)
        srv_defer(s, req, &rp, rq.method, t0);
    else
        srv_send(req, &rp, rq.method, t0);
}

static void srv_on_request(struct evhttp_request *req, void *arg) { srv_handle(arg, req, false); }

static void srv_on_public_request(struct evhttp_request *req, void *arg)
{
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    if (!bev || !bufferevent_openssl_get_ssl(bev)) { /* never plaintext */
        evhttp_send_error(req, 400, NULL);
        return;
    }
    srv_handle(arg, req, true);
}

/* ---- life cycle ------------------------------------------------------------------ */

static struct evhttp *srv_listen(srv *s, const char *host, int port, struct bufferevent *(*bevcb)(struct event_base *, void *),
                                 void (*gencb)(struct evhttp_request *, void *), char *err, size_t errlen,
                                 bool *bind_failed)
{
    struct evhttp *http = evhttp_new(s->base);
    if (!http) {
        srv_fail(err, errlen, "cannot create the HTTP server", NULL);
        return NULL;
    }
    evhttp_set_bevcb(http, bevcb, s);
    evhttp_set_gencb(http, gencb, s);
    evhttp_set_max_body_size(http, SRV_HARD_BODY_MAX);
    evhttp_set_max_headers_size(http, SRV_HEADERS_MAX);
    evhttp_set_timeout(http, SRV_IDLE_TIMEOUT_S);
    /* Let every method reach the routes, which answer 405 in JSON. */
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                         EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
    struct evhttp_bound_socket *bound = evhttp_bind_socket_with_handle(http, host, (ev_uint16_t)port);
    if (!bound) {
        evhttp_free(http);
        *bind_failed = true;
        snprintf(err, errlen, "cannot listen on %s port %d", host, port);
        return NULL;
    }
    /* Accepted sockets inherit TCP_NODELAY from the listener on Linux:
     * without it, evhttp's header and body writes meet the client's delayed
     * ACK and every answer waits ~40 ms. */
    int one = 1;
    setsockopt(evhttp_bound_socket_get_fd(bound), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return http;
}

static bool srv_http(srv *s, const struct srv_options *o, char *err, size_t errlen, bool *bind_failed)
{
    s->http = srv_listen(s, o->host, o->port, srv_bevcb, srv_on_request, err, errlen, bind_failed);
    if (!s->http)
        return false;
    if (o->public_port == 0)
        return true;
    s->pub_ctx = srv_tls_public(o, err, errlen);
    if (s->pub_ctx)
        s->pub_http = srv_listen(s, o->host, o->public_port, srv_pub_bevcb, srv_on_public_request, err, errlen,
                                 bind_failed);
    return s->pub_http != NULL;
}

srv *srv_new(struct event_base *base, const struct srv_options *o, api *routes, char *err, size_t errlen,
             bool *bind_failed)
{
    *bind_failed = false;
    if (!srv_host_allowed(o->host)) {
        snprintf(err, errlen, "--host must be 127.0.0.1 or ::1 (the center simulator is loopback only)");
        return NULL;
    }
    srv *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->base = base;
    s->routes = routes;
    s->ctx = srv_tls(o, err, errlen);
    if (s->ctx)
        SSL_CTX_set_ex_data(s->ctx, 0, s); /* for srv_info_cb */
    if (!s->ctx || !srv_http(s, o, err, errlen, bind_failed)) {
        srv_free(s);
        return NULL;
    }
    return s;
}

void srv_free(srv *s)
{
    if (!s)
        return;
    while (s->pending) {
        struct srv_pending *p = s->pending;
        srv_unlink(s, p);
        event_free(p->timer);
        api_reply_free(&p->reply); /* the request itself goes with its connection */
        free(p);
    }
    while (s->lingering)
        srv_linger_close(s->lingering);
    if (s->http)
        evhttp_free(s->http);
    if (s->pub_http)
        evhttp_free(s->pub_http);
    SSL_CTX_free(s->ctx);
    SSL_CTX_free(s->pub_ctx);
    free(s);
}
