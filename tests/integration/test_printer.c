/*
 * test_printer.c — the printer driver (drivers/printer/ipp.c) against real printers:
 * ippeveprinter, the IPP Everywhere printer simulator of the CUPS project,
 * in direct IPP mode, and an isolated cupsd whose queue prints to it in
 * queue mode. Faults come from ippeveprinter wherever it can show them
 * (its /media and /supplies forms, its print command's STATE: messages and
 * exit code, Cancel-Job from a second client, killing it mid-job); the
 * stand-in printer (tests/printer/ipp_standin.c) shows only what
 * ippeveprinter cannot: "offline", "door-open", printer-state stopped, not
 * accepting jobs, a fault that appears during a job. See docs/printing.md.
 */
#include "tests/harness.h"
#include "base/clock.h"
#include "tests/printer/printer_harness.h"

#include "base/errors.h"
#include "drivers/printer/ipp.h"
#include "drivers/printer/ipp_pin.h"
#include "drivers/printer.h"
#include "tests/lib/files.h"
#include "tests/lib/keys.h"
#include "tests/lib/proc.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define QUEUE "kofu"
#define TIMEOUT_MS 5000

static struct printer_peer peer;
static uint8_t *pdf;
static size_t pdf_len;
static const struct printer_ops *ops = &ipp_printer_ops;

/* ---- a test document, made in memory ------------------------------------- */

struct buf {
    uint8_t *data;
    size_t len, cap;
};

static cairo_status_t append(void *closure, const unsigned char *data, unsigned int length)
{
    struct buf *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = (b->len + length) * 2;
        uint8_t *n = realloc(b->data, cap);
        if (!n)
            return CAIRO_STATUS_NO_MEMORY;
        b->data = n;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* An A4 page with shapes and a 96x96 noise image (about 30 KB: more than
 * libcups' 2 KB buffer, so the driver's direct-write path is the one
 * tested). No text: cairo's font machinery would leave fontconfig caches
 * that LeakSanitizer reports. */
static void make_pdf(void)
{
    struct buf b = {0};
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(append, &b, 595.2756, 841.8898);
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < 10; i++) {
        cairo_rectangle(cr, 72 + 40 * i, 720, 30, 30);
        cairo_set_source_rgb(cr, i / 10.0, 0, 1 - i / 10.0);
        cairo_fill(cr);
    }
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 96, 96);
    uint32_t *px = (uint32_t *)(void *)cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img) / 4;
    uint32_t x = 2463534242u; /* xorshift32: the same page on every run */
    for (int row = 0; row < 96; row++)
        for (int col = 0; col < 96; col++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            px[row * stride + col] = x & 0xFFFFFFu;
        }
    cairo_surface_mark_dirty(img);
    cairo_set_source_surface(cr, img, 72, 72);
    cairo_paint(cr);
    cairo_surface_destroy(img);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    pdf = b.data;
    pdf_len = b.len;
}

/* ---- helpers --------------------------------------------------------------- */


/* The peers are on loopback in the test's own network namespace: a link no
 * other machine reaches, which is what printer_private_link says. */
static const struct printer_trust private_link = {NULL, true};

static void *open_trusted(const char *where, enum printer_mode mode, const struct printer_trust *trust)
{
    void *ctx = NULL;
    assert_int_equal(ops->open(&ctx, where, mode, trust), KOFU_OK);
    assert_non_null(ctx);
    return ctx;
}

static void *open_printer(const char *where, enum printer_mode mode)
{
    return open_trusted(where, mode, &private_link);
}

/* ipps:// to the peer (at host, e.g. localhost) with pin_rel (a file of
 * the test PKI) as the pinned anchor. */
static void *open_pinned(const char *host, const char *pin_rel)
{
    char uri[160];
    snprintf(uri, sizeof uri, "ipps://%s:%d/ipp/print", host, peer.ipp_port);
    const struct printer_trust pinned = {harness_path(0, pin_rel), false};
    return open_trusted(uri, PRINTER_MODE_IPP, &pinned);
}

static void *open_direct(void) { return open_printer(peer.uri, PRINTER_MODE_IPP); }

static void *open_standin(void) { return open_printer(peer.standin_uri, PRINTER_MODE_IPP); }

static void *open_queue(void)
{
    char spec[400];
    snprintf(spec, sizeof spec, "%s@%s", QUEUE, peer.cups_socket);
    return open_printer(spec, PRINTER_MODE_CUPS_QUEUE);
}

static struct printer_status status_of(void *ctx)
{
    struct printer_status st;
    assert_int_equal(ops->status(ctx, &st), KOFU_OK);
    return st;
}

static int print_doc(void *ctx, int timeout_ms, struct printer_job_result *res)
{
    return ops->print(ctx, pdf, pdf_len, NULL, 1, timeout_ms, res);
}

/* The copy ippeveprinter's print command kept of job `id`, or NULL; the
 * job's attributes as the printer saw them go to env (may be NULL). */
static uint8_t *received_env(int id, size_t *len, char *env, size_t env_cap)
{
    char path[400];
    snprintf(path, sizeof path, "%s/job-%d.env", peer.received, id);
    size_t env_len = 0;
    uint8_t *e = (uint8_t *)kt_read_file(path, &env_len);
    if (env && env_cap) {
        size_t n = e ? (env_len < env_cap - 1 ? env_len : env_cap - 1) : 0;
        if (n)
            memcpy(env, e, n);
        env[n] = '\0';
    }
    free(e);
    unlink(path);
    snprintf(path, sizeof path, "%s/job-%d.pdf", peer.received, id);
    uint8_t *data = (uint8_t *)kt_read_file(path, len);
    if (data)
        unlink(path);
    return data;
}

static uint8_t *received(int id, size_t *len) { return received_env(id, len, NULL, 0); }

/* Removes every copy ippeveprinter's print command kept. */
static void clear_received(void)
{
    char list[1024];
    printer_peer_list_dir(peer.received, NULL, list, sizeof list);
    for (char *save = NULL, *name = strtok_r(list, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", peer.received, name);
        unlink(path);
    }
}

/* pdfinfo reads the file and finds `pages` pages. */
static void assert_pdf_pages(const uint8_t *data, size_t len, int pages)
{
    char path[400], out[8192], err[4096], want[32];
    snprintf(path, sizeof path, "%s/check.pdf", peer.dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    const char *argv[] = {"/usr/bin/pdfinfo", path, NULL};
    assert_int_equal(harness_run(argv, NULL, out, sizeof out, err, sizeof err), 0);
    snprintf(want, sizeof want, "Pages:");
    const char *p = strstr(out, want);
    assert_non_null(p);
    assert_int_equal(atoi(p + strlen(want)), pages);
    unlink(path);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* ---- fixtures -------------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    make_pdf();
    if (!pdf || printer_peer_start(&peer) != 0 || printer_peer_start_standin(&peer) != 0 ||
        printer_peer_start_cupsd(&peer, QUEUE) != 0) {
        printer_peer_stop(&peer);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    printer_peer_stop(&peer);
    free(pdf);
    return 0;
}

/* Every test starts with a running, idle, healthy printer. */
static int healthy_printer(void **state)
{
    (void)state;
    char path[400];
    snprintf(path, sizeof path, "%s/next-job", peer.dir);
    unlink(path);
    if (peer.ippeve <= 0 && printer_peer_start_ippeve(&peer) != 0)
        return -1;
    if (printer_peer_wait_idle(peer.uri, 5000) != 0)
        return -1;
    void *ctx = NULL;
    if (ops->open(&ctx, peer.uri, PRINTER_MODE_IPP, &private_link) != KOFU_OK)
        return -1;
    struct printer_status st;
    int rc = ops->status(ctx, &st);
    ops->close(ctx);
    if (rc != KOFU_OK)
        return -1;
    if (st.reasons & (PRINTER_REASON_MEDIA_EMPTY | PRINTER_REASON_MEDIA_LOW))
        rc |= printer_peer_media(&peer, true);
    if (st.reasons & (PRINTER_REASON_TONER_EMPTY | PRINTER_REASON_TONER_LOW))
        rc |= printer_peer_toner(&peer, true);
    if (st.reasons & (PRINTER_REASON_MEDIA_JAM | PRINTER_REASON_DOOR_OPEN | PRINTER_REASON_PAUSED |
                      PRINTER_REASON_OTHER))
        rc |= printer_peer_state(&peer, "-media-jam,cover-open,paused,other");
    rc |= printer_peer_standin(&peer, "state=3&reasons=none&accepting=1&job=complete&job-ms=0&after=-");
    return rc == 0 ? 0 : -1;
}

/* ---- direct IPP: the good path -------------------------------------------- */

static void test_status_ready(void **state)
{
    (void)state;
    void *ctx = open_direct();
    struct printer_status st = status_of(ctx);
    assert_true(st.ready);
    assert_int_equal(st.state, PRINTER_STATE_IDLE);
    assert_true(st.accepting_jobs);
    assert_int_equal(st.reasons & PRINTER_REASONS_BLOCKING, 0);
    assert_int_equal(printer_status_error(&st), KOFU_OK);
    long t[9];
    for (int i = 0; i < 9; i++) {
        long t0 = kofu_mono_ms();
        status_of(ctx);
        t[i] = kofu_mono_ms() - t0;
    }
    qsort(t, 9, sizeof t[0], cmp_long);
    printf("status, direct IPP (connect + Get-Printer-Attributes): median %ld ms, max %ld ms\n", t[4], t[8]);
    ops->close(ctx);
}

static void test_print_direct_received_as_sent(void **state)
{
    (void)state;
    void *ctx = open_direct();
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_OK);
    ops->close(ctx);
    assert_int_equal(res.state, PRINTER_JOB_COMPLETED);
    assert_true(res.job_id > 0);
    assert_false(res.timed_out);

    size_t len = 0;
    char env[512];
    uint8_t *got = received_env(res.job_id, &len, env, sizeof env);
    assert_non_null(got);
    assert_int_equal(len, pdf_len);
    assert_memory_equal(got, pdf, pdf_len);
    assert_pdf_pages(got, len, 1);
    free(got);
    /* The job carried fixed words only. */
    assert_non_null(strstr(env, "copies=1\n"));
    assert_non_null(strstr(env, "job-name=kofu-certificate\n"));
    assert_non_null(strstr(env, "user=kofu\n"));

    /* Nothing left to print at the printer. */
    assert_int_equal(printer_peer_active_jobs(peer.uri), 0);
    /* What remains where: ippeveprinter (without -k) keeps its spool copy
     * of a finished job, named after the job, until it drops the job from
     * its history 60 s later. Nothing else, and no other name. */
    char names[1024], want[64];
    int n = printer_peer_list_dir(peer.spool, NULL, names, sizeof names);
    snprintf(want, sizeof want, "%d-kofu-certificate.pdf", res.job_id);
    assert_non_null(strstr(names, want));
    for (char *save = NULL, *name = strtok_r(names, " ", &save); name; name = strtok_r(NULL, " ", &save))
        assert_true(strstr(name, "-kofu-certificate.") || strstr(name, "-harness-control."));
    assert_true(n >= 1);
}

/* One print, measured: median of 5 (and each). */
static void test_print_direct_time(void **state)
{
    (void)state;
    void *ctx = open_direct();
    long total[5], submit[5];
    int polls = 0;
    for (int i = 0; i < 5; i++) {
        struct printer_job_result res;
        assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_OK);
        total[i] = res.total_ms;
        submit[i] = res.submit_ms;
        polls += res.polls;
        size_t len;
        free(received(res.job_id, &len));
    }
    ops->close(ctx);
    printf("print, direct IPP to ippeveprinter (%zu-byte PDF): %ld %ld %ld %ld %ld ms; submit %ld ms; "
           "%.1f job polls per print\n",
           pdf_len, total[0], total[1], total[2], total[3], total[4], submit[0], polls / 5.0);
    qsort(total, 5, sizeof total[0], cmp_long);
    printf("print, direct IPP: median %ld ms\n", total[2]);
    assert_true(total[2] < 1000);
}

static void test_print_copies(void **state)
{
    (void)state;
    void *ctx = open_direct();
    struct printer_job_result res;
    assert_int_equal(ops->print(ctx, pdf, pdf_len, "kofu-overseas", 2, TIMEOUT_MS, &res), KOFU_OK);
    ops->close(ctx);
    size_t len = 0;
    char env[512];
    free(received_env(res.job_id, &len, env, sizeof env));
    assert_non_null(strstr(env, "copies=2\n"));
    assert_non_null(strstr(env, "job-name=kofu-overseas\n"));
}

/* ipps://: the same printer over TLS (ippeveprinter answers both on one
 * port, with a self-signed certificate). */
static void test_print_ipps(void **state)
{
    (void)state;
    void *ctx = open_pinned("localhost", "pki/printer-ca.pem");
    assert_true(status_of(ctx).ready);
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_OK);
    ops->close(ctx);
    printf("print, direct IPP over TLS (ipps): %ld ms (submit %ld ms)\n", res.total_ms, res.submit_ms);
    size_t len = 0;
    uint8_t *got = received(res.job_id, &len);
    assert_non_null(got);
    assert_int_equal(len, pdf_len);
    assert_memory_equal(got, pdf, pdf_len);
    free(got);
    /* The printer saw an encrypted connection. */
    char log[400];
    snprintf(log, sizeof log, "%s/ippeveprinter.log", peer.dir);
    size_t log_len = 0;
    char *text = kt_read_file(log, &log_len);
    assert_non_null(text);
    text = realloc(text, log_len + 1);
    assert_non_null(text);
    text[log_len] = '\0';
    assert_non_null(strstr(text, "Connection now encrypted"));
    free(text);
    /* The printer's own certificate as the pin works as well as its CA;
     * and by its address, which the certificate names too. */
    ctx = open_pinned("localhost", "pki/printer.pem");
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_OK);
    ops->close(ctx);
    free(received(res.job_id, &len));
    ctx = open_pinned("127.0.0.1", "pki/printer-ca.pem");
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_OK);
    ops->close(ctx);
    free(received(res.job_id, &len));
}

/* A printer that is not the pinned one gets nothing: neither the status
 * query nor the document. Its received directory stays empty. */
static void assert_refused_over_ipps(void *ctx)
{
    clear_received();
    struct printer_status st;
    assert_int_equal(ops->status(ctx, &st), KOFU_E_PRINTER_UNTRUSTED);
    assert_false(st.ready);
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_E_PRINTER_UNTRUSTED);
    assert_int_equal(res.job_id, 0);
    ops->close(ctx);
    assert_int_equal(printer_peer_list_dir(peer.received, NULL, NULL, 0), 0);
    assert_int_equal(printer_peer_active_jobs(peer.uri), 0);
}

static void test_ipps_other_anchor_refused(void **state)
{
    (void)state;
    /* The center's CA, and an unrelated one: neither issued the printer's. */
    assert_refused_over_ipps(open_pinned("localhost", "pki/center-ca.pem"));
    assert_refused_over_ipps(open_pinned("localhost", "pki/other-ca.pem"));
}

static void test_ipps_wrong_host_refused(void **state)
{
    (void)state;
    /* The same printer, certificate and pin, reached by an address its
     * certificate does not name (it names localhost and 127.0.0.1). */
    assert_refused_over_ipps(open_pinned("[::1]", "pki/printer-ca.pem"));
}

static void test_plain_ipp_needs_private_link(void **state)
{
    (void)state;
    static const struct printer_trust none = {NULL, false};
    void *ctx = NULL;
    /* Refused at open: no connection is ever made. */
    assert_int_equal(ops->open(&ctx, peer.uri, PRINTER_MODE_IPP, &none), KOFU_E_PRINTER_INSECURE);
    assert_null(ctx);
    /* A pin does not make plain IPP encrypted. */
    const struct printer_trust pin_only = {harness_path(0, "pki/printer-ca.pem"), false};
    assert_int_equal(ops->open(&ctx, peer.uri, PRINTER_MODE_IPP, &pin_only), KOFU_E_PRINTER_INSECURE);
    /* cupsd over TCP is plain IPP too; over its local socket it is not a link. */
    assert_int_equal(ops->open(&ctx, "kofu@localhost:631", PRINTER_MODE_CUPS_QUEUE, &none), KOFU_E_PRINTER_INSECURE);
    assert_int_equal(ops->open(&ctx, "kofu@/run/kofu/cups.sock", PRINTER_MODE_CUPS_QUEUE, &none), KOFU_OK);
    ops->close(ctx);
    /* ipps without a usable pin is a configuration error. */
    char uri[160];
    snprintf(uri, sizeof uri, "ipps://localhost:%d/ipp/print", peer.ipp_port);
    assert_int_equal(ops->open(&ctx, uri, PRINTER_MODE_IPP, &none), KOFU_E_CONFIG);
    const struct printer_trust missing = {"/nonexistent/printer-ca.pem", false};
    assert_int_equal(ops->open(&ctx, uri, PRINTER_MODE_IPP, &missing), KOFU_E_CONFIG);
    const struct printer_trust not_a_cert = {harness_path(0, "pki/printer.key.pem"), false};
    assert_int_equal(ops->open(&ctx, uri, PRINTER_MODE_IPP, &not_a_cert), KOFU_E_CONFIG);
    assert_int_equal(ops->open(&ctx, uri, PRINTER_MODE_IPP, NULL), KOFU_E_ARG);
    /* With the private link, plain IPP prints. */
    ctx = open_trusted(peer.uri, PRINTER_MODE_IPP, &private_link);
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_OK);
    ops->close(ctx);
    size_t len = 0;
    free(received(res.job_id, &len));
    assert_int_equal(len, pdf_len);
}

/* ---- the pin check itself, on certificates of the test PKI ---------------- */

struct der {
    uint8_t *p[3];
    size_t len[3];
    size_t n;
};

static void der_add(struct der *d, const char *rel)
{
    X509 *x = kt_load_cert(harness_path(0, rel));
    assert_non_null(x);
    unsigned char *out = NULL;
    int n = i2d_X509(x, &out);
    X509_free(x);
    assert_true(n > 0);
    d->p[d->n] = out;
    d->len[d->n++] = (size_t)n;
}

static int check(const char *pin_rel, const char *host, const char *leaf, const char *second)
{
    struct ipp_pin *pin = NULL;
    assert_int_equal(ipp_pin_load(harness_path(0, pin_rel), &pin), KOFU_OK);
    struct der d = {{NULL}, {0}, 0};
    der_add(&d, leaf);
    if (second)
        der_add(&d, second);
    int rc = ipp_pin_check(pin, host, (const uint8_t *const *)d.p, d.len, d.n);
    for (size_t i = 0; i < d.n; i++)
        OPENSSL_free(d.p[i]);
    ipp_pin_free(pin);
    return rc;
}

static void test_pin_check(void **state)
{
    (void)state;
    assert_int_equal(check("pki/printer-ca.pem", "localhost", "pki/printer.pem", NULL), KOFU_OK);
    assert_int_equal(check("pki/printer-ca.pem", "127.0.0.1", "pki/printer.pem", "pki/printer-ca.pem"), KOFU_OK);
    assert_int_equal(check("pki/printer-ca.pem", "[::1]", "pki/printer.pem", NULL), KOFU_E_PRINTER_UNTRUSTED);
    assert_int_equal(check("pki/printer-ca.pem", "printer.local", "pki/printer.pem", NULL), KOFU_E_PRINTER_UNTRUSTED);
    assert_int_equal(check("pki/printer-ca.pem", "LOCALHOST", "pki/printer.pem", NULL), KOFU_OK);
    /* Another CA; a chain that carries the right CA does not help a leaf
     * the pin did not issue. */
    assert_int_equal(check("pki/other-ca.pem", "localhost", "pki/printer.pem", "pki/printer-ca.pem"),
                     KOFU_E_PRINTER_UNTRUSTED);
    assert_int_equal(check("pki/printer-ca.pem", "localhost", "pki/other-center.pem", "pki/printer-ca.pem"),
                     KOFU_E_PRINTER_UNTRUSTED);
    /* The pinned CA itself presented as the leaf: a CA is no printer. */
    assert_int_equal(check("pki/printer-ca.pem", "localhost", "pki/printer-ca.pem", NULL), KOFU_E_PRINTER_UNTRUSTED);
    /* Expired, under the right anchor (the center PKI has one). */
    assert_int_equal(check("pki/center-ca.pem", "localhost", "pki/center.pem", NULL), KOFU_OK);
    assert_int_equal(check("pki/center-ca.pem", "localhost", "pki/center-expired.pem", NULL), KOFU_E_PRINTER_UNTRUSTED);
    /* The printer is held to the center's two rules: its name only in the
     * subject's CN, or a leaf that may sign certificates, is refused. */
    assert_int_equal(check("pki/center-ca.pem", "localhost", "pki/center-nosan.pem", NULL), KOFU_E_PRINTER_UNTRUSTED);
    assert_int_equal(check("pki/center-ca.pem", "localhost", "pki/center-certsign.pem", NULL),
                     KOFU_E_PRINTER_UNTRUSTED);
    /* A client certificate is not a server's. */
    assert_int_equal(check("pki/kiosk-ca.pem", "localhost", "pki/kiosk.pem", NULL), KOFU_E_PRINTER_UNTRUSTED);
    /* No chain, bytes that are no certificate, trailing bytes. */
    struct ipp_pin *pin = NULL;
    assert_int_equal(ipp_pin_load(harness_path(0, "pki/printer-ca.pem"), &pin), KOFU_OK);
    assert_int_equal(ipp_pin_check(pin, "localhost", NULL, NULL, 0), KOFU_E_PRINTER_UNTRUSTED);
    static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    const uint8_t *one[] = {junk};
    size_t junk_len[] = {sizeof junk};
    assert_int_equal(ipp_pin_check(pin, "localhost", one, junk_len, 1), KOFU_E_PRINTER_UNTRUSTED);
    struct der d = {{NULL}, {0}, 0};
    der_add(&d, "pki/printer.pem");
    uint8_t *longer = malloc(d.len[0] + 1);
    assert_non_null(longer);
    memcpy(longer, d.p[0], d.len[0]);
    longer[d.len[0]] = 0;
    const uint8_t *padded[] = {longer};
    size_t padded_len[] = {d.len[0] + 1};
    assert_int_equal(ipp_pin_check(pin, "localhost", padded, padded_len, 1), KOFU_E_PRINTER_UNTRUSTED);
    free(longer);
    OPENSSL_free(d.p[0]);
    ipp_pin_free(pin);
}

static void test_job_name_with_data_refused(void **state)
{
    (void)state;
    void *ctx = open_direct();
    struct printer_job_result res;
    assert_int_equal(ops->print(ctx, pdf, pdf_len, "Yamada Taro", 1, TIMEOUT_MS, &res), KOFU_E_ARG);
    assert_int_equal(ops->print(ctx, pdf, pdf_len, "山田", 1, TIMEOUT_MS, &res), KOFU_E_ARG);
    assert_int_equal(ops->print(ctx, pdf, pdf_len, NULL, 0, TIMEOUT_MS, &res), KOFU_E_ARG);
    assert_int_equal(res.job_id, 0);
    ops->close(ctx);
    assert_int_equal(printer_peer_list_dir(peer.received, NULL, NULL, 0), 0);
}

/* ---- faults before a job, from ippeveprinter ------------------------------ */

/* Status shows the fault; print refuses before sending anything. */
static void expect_fault(void *ctx, unsigned flag, int err)
{
    struct printer_status st = status_of(ctx);
    assert_false(st.ready);
    assert_true(st.reasons & flag);
    assert_int_equal(printer_status_error(&st), err);
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), err);
    assert_int_equal(res.job_id, 0);
    assert_true(res.reasons & flag);
}

static void test_media_empty(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_media(&peer, false), 0);
    void *ctx = open_direct();
    expect_fault(ctx, PRINTER_REASON_MEDIA_EMPTY, KOFU_E_PRINTER_MEDIA_EMPTY);
    ops->close(ctx);
    assert_int_equal(printer_peer_list_dir(peer.received, NULL, NULL, 0), 0);
}

static void test_toner_empty(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_toner(&peer, false), 0);
    void *ctx = open_direct();
    expect_fault(ctx, PRINTER_REASON_TONER_EMPTY, KOFU_E_PRINTER_TONER_EMPTY);
    ops->close(ctx);
}

static void test_media_jam(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_state(&peer, "+media-jam"), 0);
    void *ctx = open_direct();
    expect_fault(ctx, PRINTER_REASON_MEDIA_JAM, KOFU_E_PRINTER_MEDIA_JAM);
    ops->close(ctx);
}

static void test_cover_open(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_state(&peer, "+cover-open"), 0);
    void *ctx = open_direct();
    expect_fault(ctx, PRINTER_REASON_DOOR_OPEN, KOFU_E_PRINTER_DOOR_OPEN);
    ops->close(ctx);
}

static void test_paused(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_state(&peer, "+paused"), 0);
    void *ctx = open_direct();
    expect_fault(ctx, PRINTER_REASON_PAUSED, KOFU_E_PRINTER_NOT_READY);
    ops->close(ctx);
}

static void test_low_supplies_are_only_warnings(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_state(&peer, "+media-low,toner-low"), 0);
    void *ctx = open_direct();
    struct printer_status st = status_of(ctx);
    assert_true(st.ready);
    assert_int_equal(st.reasons, PRINTER_REASON_MEDIA_LOW | PRINTER_REASON_TONER_LOW);
    ops->close(ctx);
    assert_int_equal(printer_peer_state(&peer, "-media-low,toner-low"), 0);
}

/* ---- faults before a job, from the stand-in ------------------------------- */

static void test_offline_standin(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_standin(&peer, "reasons=offline-report"), 0);
    void *ctx = open_standin();
    expect_fault(ctx, PRINTER_REASON_OFFLINE, KOFU_E_PRINTER_OFFLINE);
    ops->close(ctx);
}

static void test_door_open_standin(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_standin(&peer, "state=5&reasons=door-open-error"), 0);
    void *ctx = open_standin();
    expect_fault(ctx, PRINTER_REASON_DOOR_OPEN, KOFU_E_PRINTER_DOOR_OPEN);
    ops->close(ctx);
}

static void test_stopped_standin(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_standin(&peer, "state=5&reasons=none"), 0);
    void *ctx = open_standin();
    struct printer_status st = status_of(ctx);
    assert_int_equal(st.state, PRINTER_STATE_STOPPED);
    expect_fault(ctx, PRINTER_REASON_PAUSED, KOFU_E_PRINTER_NOT_READY);
    ops->close(ctx);
}

static void test_not_accepting_standin(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_standin(&peer, "accepting=0"), 0);
    void *ctx = open_standin();
    struct printer_status st = status_of(ctx);
    assert_false(st.ready);
    assert_false(st.accepting_jobs);
    assert_int_equal(printer_status_error(&st), KOFU_E_PRINTER_NOT_READY);
    ops->close(ctx);
}

static void test_standin_prints(void **state)
{
    (void)state;
    void *ctx = open_standin();
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_OK);
    assert_int_equal(res.state, PRINTER_JOB_COMPLETED);
    ops->close(ctx);
}

/* ---- faults during a job --------------------------------------------------- */

static void test_job_aborted(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_next_job(&peer, "error simulated failure\nexit 1\n"), 0);
    void *ctx = open_direct();
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_E_PRINT_ABORTED);
    assert_int_equal(res.state, PRINTER_JOB_ABORTED);
    assert_false(res.timed_out);
    ops->close(ctx);
    size_t len;
    free(received(res.job_id, &len));
}

static void test_paper_out_during_job(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_next_job(&peer, "state +media-empty\nexit 1\n"), 0);
    void *ctx = open_direct();
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_E_PRINTER_MEDIA_EMPTY);
    assert_int_equal(res.state, PRINTER_JOB_ABORTED);
    assert_true(res.reasons & PRINTER_REASON_MEDIA_EMPTY);
    ops->close(ctx);
    size_t len;
    free(received(res.job_id, &len));
}

/* Paper runs out and the job stalls (still processing): at the time-out the
 * driver cancels it and reports what the printer said while it waited. */
static void test_paper_out_stalls_job(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_next_job(&peer, "state +media-empty\nsleep 1.5\n"), 0);
    void *ctx = open_direct();
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, 800, &res), KOFU_E_PRINTER_MEDIA_EMPTY);
    assert_true(res.timed_out);
    assert_true(res.reasons & PRINTER_REASON_MEDIA_EMPTY);
    assert_int_equal(res.state, PRINTER_JOB_CANCELED);
    ops->close(ctx);
    size_t len;
    free(received(res.job_id, &len));
}

static void test_offline_during_job_standin(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_standin(&peer, "job=abort&job-ms=100&after=offline"), 0);
    void *ctx = open_standin();
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_E_PRINTER_OFFLINE);
    assert_int_equal(res.state, PRINTER_JOB_ABORTED);
    assert_true(res.reasons & PRINTER_REASON_OFFLINE);
    ops->close(ctx);
}

static void test_jam_during_job_standin(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_standin(&peer, "job=abort&job-ms=60&after=media-jam-error"), 0);
    void *ctx = open_standin();
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_E_PRINTER_MEDIA_JAM);
    assert_int_equal(res.state, PRINTER_JOB_ABORTED);
    ops->close(ctx);
}

struct later {
    int delay_ms;
    int result;
};

static void *cancel_later(void *arg)
{
    struct later *l = arg;
    kt_sleep_ms(l->delay_ms);
    l->result = printer_peer_cancel_active(peer.uri);
    return NULL;
}

static void *stop_printer_later(void *arg)
{
    struct later *l = arg;
    kt_sleep_ms(l->delay_ms);
    printer_peer_stop_ippeve(&peer);
    l->result = 0;
    return NULL;
}

static void test_job_cancelled_at_printer(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_next_job(&peer, "sleep 0.6\n"), 0);
    void *ctx = open_direct();
    struct later l = {200, -1};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, cancel_later, &l), 0);
    struct printer_job_result res;
    int rc = print_doc(ctx, TIMEOUT_MS, &res);
    pthread_join(t, NULL);
    assert_int_equal(l.result, 1);
    assert_int_equal(rc, KOFU_E_PRINT_CANCELLED);
    assert_int_equal(res.state, PRINTER_JOB_CANCELED);
    assert_false(res.timed_out);
    ops->close(ctx);
    size_t len;
    free(received(res.job_id, &len));
}

static void test_timeout_cancels_the_job(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_next_job(&peer, "sleep 1\n"), 0);
    void *ctx = open_direct();
    struct printer_job_result res;
    long t0 = kofu_mono_ms();
    assert_int_equal(print_doc(ctx, 300, &res), KOFU_E_PRINT_TIMEOUT);
    long took = kofu_mono_ms() - t0;
    assert_true(res.timed_out);
    /* ippeveprinter marks the job and lets its command finish: the driver
     * waits up to PRINTER_IPP_CANCEL_GRACE_MS for the job to end cancelled. */
    assert_int_equal(res.state, PRINTER_JOB_CANCELED);
    assert_true(took < 300 + PRINTER_IPP_CANCEL_GRACE_MS + 500);
    assert_int_equal(printer_peer_active_jobs(peer.uri), 0);
    ops->close(ctx);
    size_t len;
    free(received(res.job_id, &len));
}

static void test_printer_gone_during_job(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_next_job(&peer, "sleep 3\n"), 0);
    void *ctx = open_direct();
    struct later l = {200, -1};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, stop_printer_later, &l), 0);
    struct printer_job_result res;
    int rc = print_doc(ctx, TIMEOUT_MS, &res);
    pthread_join(t, NULL);
    assert_int_equal(rc, KOFU_E_PRINTER_UNREACHABLE);
    assert_int_equal(res.state, PRINTER_JOB_UNKNOWN);
    assert_true(res.job_id > 0);
    ops->close(ctx);
    size_t len;
    free(received(res.job_id, &len));
}

static void test_unreachable(void **state)
{
    (void)state;
    void *ctx = open_printer("ipp://localhost:8639/ipp/print", PRINTER_MODE_IPP);
    struct printer_status st;
    assert_int_equal(ops->status(ctx, &st), KOFU_E_PRINTER_UNREACHABLE);
    assert_false(st.ready);
    struct printer_job_result res;
    assert_int_equal(print_doc(ctx, TIMEOUT_MS, &res), KOFU_E_PRINTER_UNREACHABLE);
    assert_int_equal(res.job_id, 0);
    ops->close(ctx);
}

static void test_bad_configuration(void **state)
{
    (void)state;
    void *ctx = NULL;
    assert_int_equal(ops->open(&ctx, "http://localhost:8631/ipp/print", PRINTER_MODE_IPP, &private_link),
                     KOFU_E_CONFIG);
    assert_int_equal(ops->open(&ctx, "ipp://user:pw@localhost/ipp/print", PRINTER_MODE_IPP, &private_link),
                     KOFU_E_CONFIG);
    assert_int_equal(ops->open(&ctx, "bad queue@/run/x.sock", PRINTER_MODE_CUPS_QUEUE, &private_link), KOFU_E_CONFIG);
    /* A printer URI with a wrong path: the printer answers "not found". */
    char uri[160];
    snprintf(uri, sizeof uri, "ipp://localhost:%d/ipp/nosuch", peer.ipp_port);
    ctx = open_printer(uri, PRINTER_MODE_IPP);
    struct printer_status st;
    assert_int_equal(ops->status(ctx, &st), KOFU_E_CONFIG);
    ops->close(ctx);
}

/* ---- CUPS queue mode -------------------------------------------------------- */

static void test_queue_print_and_purge(void **state)
{
    (void)state;
    static const char *const tmp_only[] = {"tmp", NULL};
    char tmp_dir[400], before[2048], after[2048], names[2048];
    snprintf(tmp_dir, sizeof tmp_dir, "%s/tmp", peer.cups_spool);
    printer_peer_list_dir(tmp_dir, NULL, before, sizeof before);

    void *ctx = open_queue();
    struct printer_status st = status_of(ctx);
    assert_true(st.ready);
    struct printer_job_result res;
    int rc = print_doc(ctx, 15000, &res);
    assert_int_equal(rc, KOFU_OK);
    assert_int_equal(res.state, PRINTER_JOB_COMPLETED);
    assert_true(res.purged);
    printf("print, CUPS queue -> ippeveprinter: %ld ms (submit %ld ms, %d job polls)\n", res.total_ms,
           res.submit_ms, res.polls);
    ops->close(ctx);

    /* cupsd holds nothing of the job: no document (dNNNNN) or control (cNNNNN)
     * file, no history entry, no
     * temp file of its filters. */
    assert_int_equal(printer_peer_list_dir(peer.cups_spool, tmp_only, names, sizeof names), 0);
    printer_peer_list_dir(tmp_dir, NULL, after, sizeof after);
    assert_string_equal(before, after);
    assert_int_equal(printer_peer_cups_jobs(&peer), 0);
    /* Nor do its logs: no page_log lines, no job in access_log. */
    char log[400];
    size_t log_len = 0;
    snprintf(log, sizeof log, "%s/log/page_log", peer.cups_dir);
    free(kt_read_file(log, &log_len));
    assert_int_equal(log_len, 0);
    snprintf(log, sizeof log, "%s/log/access_log", peer.cups_dir);
    char *access = kt_read_file(log, &log_len);
    if (access) {
        access = realloc(access, log_len + 1);
        assert_non_null(access);
        access[log_len] = '\0';
        assert_null(strstr(access, "Print-Job"));
        assert_null(strstr(access, "kofu-certificate"));
        free(access);
    }

    /* The printer behind the queue got a PDF (cupsd's filters rewrite it,
     * so it is not byte-identical), with our one page. */
    char list[256], path[600];
    assert_int_equal(printer_peer_list_dir(peer.received, NULL, list, sizeof list), 2); /* .pdf, .env */
    char *pdf_name = strtok(list, " ");
    if (pdf_name && !strstr(pdf_name, ".pdf"))
        pdf_name = strtok(NULL, " ");
    assert_non_null(pdf_name);
    snprintf(path, sizeof path, "%s/%s", peer.received, pdf_name);
    size_t len = 0;
    uint8_t *got = (uint8_t *)kt_read_file(path, &len);
    assert_non_null(got);
    assert_true(len > 0 && memcmp(got, "%PDF", 4) == 0);
    assert_pdf_pages(got, len, 1);
    free(got);
    clear_received();
}

/* The printer behind the queue aborts the job: the queue's job ends
 * aborted too (ErrorPolicy abort-job), and is purged all the same. */
static void test_queue_job_aborted(void **state)
{
    (void)state;
    static const char *const tmp_only[] = {"tmp", NULL};
    assert_int_equal(printer_peer_next_job(&peer, "exit 1\n"), 0);
    void *ctx = open_queue();
    struct printer_job_result res;
    int rc = print_doc(ctx, 15000, &res);
    printf("queue, printer aborted the job: %s after %ld ms, state %d, reasons 0x%x\n", kofu_err_name(rc),
           res.total_ms, res.state, res.reasons);
    /* What the queue says of a job its printer aborted is cupsd's ipp
     * backend's, and it races: mostly "canceled at printer" (the queue's job
     * cancelled), but when the printer's job has ended before the backend
     * asks for its state, the backend exits 0 and the queue's job completes
     * (seen once in ~10 ASan runs: "ok ..., state 9"). docs/printing.md says
     * so: only direct IPP tells an aborted job apart reliably
     * (test_job_aborted). What does not race, and is kofu's: the call ends
     * with the job in a final state, matching its result, and purged. */
    if (rc == KOFU_OK)
        assert_int_equal(res.state, PRINTER_JOB_COMPLETED);
    else {
        assert_int_equal(rc, KOFU_E_PRINT_CANCELLED);
        assert_int_equal(res.state, PRINTER_JOB_CANCELED);
    }
    assert_true(res.purged);
    ops->close(ctx);
    assert_int_equal(printer_peer_list_dir(peer.cups_spool, tmp_only, NULL, 0), 0);
    assert_int_equal(printer_peer_cups_jobs(&peer), 0);
    clear_received();
}

/* The printer behind the queue is gone: cupsd's backend keeps trying, the
 * queue says offline, kofu's time-out cancels and purges the job. */
static void test_queue_printer_offline(void **state)
{
    (void)state;
    static const char *const tmp_only[] = {"tmp", NULL};
    printer_peer_stop_ippeve(&peer);
    void *ctx = open_queue();
    struct printer_job_result res;
    int rc = print_doc(ctx, 3000, &res);
    printf("queue, printer gone: %s after %ld ms, state %d, reasons 0x%x\n", kofu_err_name(rc), res.total_ms,
           res.state, res.reasons);
    /* cupsd's ipp backend meets a refused connection with "The printer is in
     * use." and retries; it reports connecting-to-device, never offline
     * (offline-report comes only from the socket and usb backends' run
     * loop), so the job is still processing when kofu's time runs out. */
    assert_int_equal(rc, KOFU_E_PRINT_TIMEOUT);
    assert_false(res.reasons & PRINTER_REASON_OFFLINE);
    assert_true(res.timed_out);
    assert_true(res.purged);
    ops->close(ctx);
    assert_int_equal(printer_peer_list_dir(peer.cups_spool, tmp_only, NULL, 0), 0);
    assert_int_equal(printer_peer_cups_jobs(&peer), 0);
}

static void test_queue_paused_not_ready(void **state)
{
    (void)state;
    assert_int_equal(printer_peer_cups_pause(&peer, true), 0);
    void *ctx = open_queue();
    struct printer_status st = status_of(ctx);
    assert_false(st.ready);
    assert_int_equal(st.state, PRINTER_STATE_STOPPED);
    assert_true(st.reasons & PRINTER_REASON_PAUSED);
    assert_int_equal(printer_status_error(&st), KOFU_E_PRINTER_NOT_READY);
    ops->close(ctx);
    assert_int_equal(printer_peer_cups_pause(&peer, false), 0);
}

static void test_queue_unknown(void **state)
{
    (void)state;
    char spec[400];
    snprintf(spec, sizeof spec, "nosuch@%s", peer.cups_socket);
    void *ctx = open_printer(spec, PRINTER_MODE_CUPS_QUEUE);
    struct printer_status st;
    assert_int_equal(ops->status(ctx, &st), KOFU_E_CONFIG);
    ops->close(ctx);
}

static void test_queue_time(void **state)
{
    (void)state;
    void *ctx = open_queue();
    long total[3];
    for (int i = 0; i < 3; i++) {
        struct printer_job_result res;
        assert_int_equal(print_doc(ctx, 15000, &res), KOFU_OK);
        total[i] = res.total_ms;
    }
    ops->close(ctx);
    qsort(total, 3, sizeof total[0], cmp_long);
    printf("print, CUPS queue: %ld %ld %ld ms (median %ld)\n", total[0], total[1], total[2], total[1]);
    clear_received();
}

/* ---- the keyword table ----------------------------------------------------- */

static void test_reason_keywords(void **state)
{
    (void)state;
    assert_int_equal(ipp_printer_reason_flag("none"), 0);
    assert_int_equal(ipp_printer_reason_flag("media-empty"), PRINTER_REASON_MEDIA_EMPTY);
    assert_int_equal(ipp_printer_reason_flag("media-empty-report"), PRINTER_REASON_MEDIA_EMPTY);
    assert_int_equal(ipp_printer_reason_flag("media-needed-warning"), PRINTER_REASON_MEDIA_EMPTY);
    assert_int_equal(ipp_printer_reason_flag("media-jam-error"), PRINTER_REASON_MEDIA_JAM);
    assert_int_equal(ipp_printer_reason_flag("door-open"), PRINTER_REASON_DOOR_OPEN);
    assert_int_equal(ipp_printer_reason_flag("cover-open-report"), PRINTER_REASON_DOOR_OPEN);
    assert_int_equal(ipp_printer_reason_flag("toner-empty-warning"), PRINTER_REASON_TONER_EMPTY);
    assert_int_equal(ipp_printer_reason_flag("marker-supply-empty-error"), PRINTER_REASON_TONER_EMPTY);
    assert_int_equal(ipp_printer_reason_flag("offline-report"), PRINTER_REASON_OFFLINE);
    assert_int_equal(ipp_printer_reason_flag("paused"), PRINTER_REASON_PAUSED);
    assert_int_equal(ipp_printer_reason_flag("media-low-report"), PRINTER_REASON_MEDIA_LOW);
    assert_int_equal(ipp_printer_reason_flag("toner-low"), PRINTER_REASON_TONER_LOW);
    assert_int_equal(ipp_printer_reason_flag("fuser-over-temp-error"), PRINTER_REASON_OTHER);
    assert_int_equal(ipp_printer_reason_flag("cups-waiting-for-job-completed"), 0);
    assert_int_equal(ipp_printer_reason_flag("connecting-to-device"), 0);
    assert_int_equal(ipp_printer_reason_flag(""), 0);
    assert_int_equal(ipp_printer_reason_flag(NULL), 0);
    assert_true(printer_job_name_ok("kofu-certificate"));
    assert_false(printer_job_name_ok("Kofu"));
    assert_false(printer_job_name_ok(""));
    assert_false(printer_job_name_ok("a-very-long-name-that-goes-on-and-on-and-on-beyond-sixty-three-chars"));
}

int main(void)
{
    /* A hung peer must not hang `make check`: SIGALRM ends the run, and
     * PR_SET_PDEATHSIG takes the peers with it. */
    alarm(600);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reason_keywords),
        cmocka_unit_test_setup(test_status_ready, healthy_printer),
        cmocka_unit_test_setup(test_print_direct_received_as_sent, healthy_printer),
        cmocka_unit_test_setup(test_print_direct_time, healthy_printer),
        cmocka_unit_test_setup(test_print_copies, healthy_printer),
        cmocka_unit_test_setup(test_print_ipps, healthy_printer),
        cmocka_unit_test(test_pin_check),
        cmocka_unit_test_setup(test_ipps_other_anchor_refused, healthy_printer),
        cmocka_unit_test_setup(test_ipps_wrong_host_refused, healthy_printer),
        cmocka_unit_test_setup(test_plain_ipp_needs_private_link, healthy_printer),
        cmocka_unit_test_setup(test_job_name_with_data_refused, healthy_printer),
        cmocka_unit_test_setup(test_media_empty, healthy_printer),
        cmocka_unit_test_setup(test_toner_empty, healthy_printer),
        cmocka_unit_test_setup(test_media_jam, healthy_printer),
        cmocka_unit_test_setup(test_cover_open, healthy_printer),
        cmocka_unit_test_setup(test_paused, healthy_printer),
        cmocka_unit_test_setup(test_low_supplies_are_only_warnings, healthy_printer),
        cmocka_unit_test_setup(test_offline_standin, healthy_printer),
        cmocka_unit_test_setup(test_door_open_standin, healthy_printer),
        cmocka_unit_test_setup(test_stopped_standin, healthy_printer),
        cmocka_unit_test_setup(test_not_accepting_standin, healthy_printer),
        cmocka_unit_test_setup(test_standin_prints, healthy_printer),
        cmocka_unit_test_setup(test_job_aborted, healthy_printer),
        cmocka_unit_test_setup(test_paper_out_during_job, healthy_printer),
        cmocka_unit_test_setup(test_paper_out_stalls_job, healthy_printer),
        cmocka_unit_test_setup(test_offline_during_job_standin, healthy_printer),
        cmocka_unit_test_setup(test_jam_during_job_standin, healthy_printer),
        cmocka_unit_test_setup(test_job_cancelled_at_printer, healthy_printer),
        cmocka_unit_test_setup(test_timeout_cancels_the_job, healthy_printer),
        cmocka_unit_test_setup(test_printer_gone_during_job, healthy_printer),
        cmocka_unit_test_setup(test_unreachable, healthy_printer),
        cmocka_unit_test_setup(test_bad_configuration, healthy_printer),
        cmocka_unit_test_setup(test_queue_print_and_purge, healthy_printer),
        cmocka_unit_test_setup(test_queue_job_aborted, healthy_printer),
        cmocka_unit_test_setup(test_queue_printer_offline, healthy_printer),
        cmocka_unit_test_setup(test_queue_paused_not_ready, healthy_printer),
        cmocka_unit_test_setup(test_queue_unknown, healthy_printer),
        cmocka_unit_test_setup(test_queue_time, healthy_printer),
    };
    return cmocka_run_group_tests_name("printer through ippeveprinter and cupsd", tests, group_setup,
                                       group_teardown);
}
