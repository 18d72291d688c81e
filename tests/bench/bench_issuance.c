/*
 * bench_issuance.c — `make bench` figures: the time to verify
 * a certificate the center returned (SHC, and the VDS-NC seal for
 * overseas), to render it as an A4 PDF, and to hand it over to the IPP
 * printer (ippeveprinter) until the job is completed; and the PDF's size.
 * Real peers: pcscd + cardsim for the card, centersim over TLS 1.3.
 */
#include "tests/harness.h"
#include "tests/centersim/api.h" /* API_TERMS_VERSION_DEFAULT: the terms centersim serves */
#include "tests/printer/printer_harness.h"

#include "base/bytes.h"
#include "drivers/card_reader.h"
#include "center/center.h"
#include "verify/certificate.h"
#include "kiosk/page.h"
#include "base/config.h"
#include "ui/document.h"
#include "base/errors.h"
#include "drivers/printer/ipp.h"
#include "card/kenhojo.h"
#include "drivers/card_reader/pcsc.h"
#include "base/vault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 15
#define PDF_MAX (4 * 1024 * 1024)

struct figures {
    double verify[RUNS], render[RUNS], print[RUNS];
    size_t pdf_bytes;
};

static int measure(enum center_kind kind, const struct kofu_config *cfg, const struct certificate_trust *trust,
                   const struct document_fonts *fonts, const struct kenhojo_card_data *card, const char *uri,
                   struct figures *f)
{
    struct center_client *c = NULL;
    if (center_client_new(cfg, &c) != KOFU_OK)
        return -1;
    void *printer = NULL;
    /* The print figure is a kiosk's: ipps://, the printer's certificate pinned. */
    const struct printer_trust pinned = {harness_path(0, "pki/printer-ca.pem"), false};
    if (ipp_printer_ops.open(&printer, uri, PRINTER_MODE_IPP, &pinned) != KOFU_OK)
        return -1;
    int rc = KOFU_OK;
    for (int i = 0; i < RUNS && rc == KOFU_OK; i++) {
        size_t mark = vault_mark();
        struct center_request r = {.card = card, .kind = kind, .copies = 1, .language = "ja",
                              .terms_version = API_TERMS_VERSION_DEFAULT};
        snprintf(r.municipality, sizeof r.municipality, "131016");
        struct center_certificate *cert = center_certificate_new();
        struct certificate_verified *v = certificate_verified_new();
        struct kiosk_page *page = kiosk_page_new();
        uint8_t *buf = vault_alloc(PDF_MAX);
        struct center_call_info info;
        struct certificate_refusal why;
        if (!cert || !v || !page || !buf || center_request_new_id(&r) != KOFU_OK ||
            center_request_certificate(c, &r, cert, &info) != KOFU_OK) {
            rc = -1;
            break;
        }
        double t0 = harness_now_ms();
        rc = certificate_verify(cert, card, trust, time(NULL), v, &why);
        double t1 = harness_now_ms();
        kofu_bld pdf;
        bld_init(&pdf, buf, PDF_MAX);
        if (rc == KOFU_OK)
            rc = kiosk_page_fill(v, page);
        if (rc == KOFU_OK)
            rc = document_render_pdf(&page->doc, fonts, &pdf);
        double t2 = harness_now_ms();
        struct printer_job_result job;
        if (rc == KOFU_OK)
            rc = ipp_printer_ops.print(printer, pdf.p, pdf.len, NULL, 1, 30000, &job);
        double t3 = harness_now_ms();
        f->verify[i] = t1 - t0;
        f->render[i] = t2 - t1;
        f->print[i] = t3 - t2;
        f->pdf_bytes = pdf.len;
        vault_release(mark);
    }
    ipp_printer_ops.close(printer);
    center_client_free(c);
    return rc == KOFU_OK ? 0 : -1;
}

int main(void)
{
    struct harness h;
    struct printer_peer p;
    memset(&p, 0, sizeof p);
    static struct figures dom, ovs;
    struct certificate_trust trust;
    struct document_fonts fonts;
    int status = 1;
    char jwks[400], e[256];
    const char *const args[] = {"--hours", "00:00-24:00", NULL};
    memset(&trust, 0, sizeof trust);
    memset(&fonts, 0, sizeof fonts);
    if (vault_init(32 * 1024 * 1024) != KOFU_OK || harness_start_pcscd(&h) != 0 ||
        harness_start_cardsim(&h, "tests/cardsim/residents/yamada.json", NULL) != 0 ||
        harness_start_centersim(&h, args) != 0 || printer_peer_start(&p) != 0) {
        fprintf(stderr, "bench: could not start the peers\n");
        goto out;
    }
    struct kenhojo_card_data *card = harness_read_card(&h, "1234", NULL);
    snprintf(jwks, sizeof jwks, "%s/issuer.jwks.json", h.dir);
    if (!card || harness_center_get(&h, "/.well-known/jwks.json", jwks) != 0)
        goto out;
    struct kofu_config cfg;
    config_defaults(&cfg);
    snprintf(cfg.center_url, sizeof cfg.center_url, "https://localhost:%d", h.center_port);
    snprintf(cfg.center_ca_file, sizeof cfg.center_ca_file, "%s", harness_path(0, "pki/center-ca.pem"));
    snprintf(cfg.kiosk_cert_file, sizeof cfg.kiosk_cert_file, "%s", harness_path(0, "pki/kiosk.pem"));
    snprintf(cfg.kiosk_key_file, sizeof cfg.kiosk_key_file, "%s", harness_path(0, "pki/kiosk.key.pem"));
    snprintf(cfg.shc_keyset_file, sizeof cfg.shc_keyset_file, "%s", jwks);
    snprintf(cfg.shc_issuers, sizeof cfg.shc_issuers, "https://center.kofu.test/issuer");
    snprintf(cfg.vds_csca_file, sizeof cfg.vds_csca_file, "%s", harness_path(0, "pki/csca.pem"));
    if (certificate_trust_load(&cfg, &trust, e, sizeof e) != KOFU_OK || document_fonts_init(&fonts) != KOFU_OK)
        goto out;
    if (measure(CENTER_DOMESTIC, &cfg, &trust, &fonts, card, p.ipps_uri, &dom) != 0 ||
        measure(CENTER_OVERSEAS, &cfg, &trust, &fonts, card, p.ipps_uri, &ovs) != 0) {
        fprintf(stderr, "bench: issuance failed\n");
        goto out;
    }
    const char *names[2] = {"domestic", "overseas"};
    struct figures *fs[2] = {&dom, &ovs};
    for (int k = 0; k < 2; k++) {
        double v = harness_median(fs[k]->verify, RUNS), r = harness_median(fs[k]->render, RUNS), pr = harness_median(fs[k]->print, RUNS);
        printf("document %-8s verify median %6.2f ms, render PDF %6.2f ms, IPP print to completed %6.2f ms, "
               "total %6.2f ms; PDF %zu bytes\n",
               names[k], v, r, pr, v + r + pr, fs[k]->pdf_bytes);
    }
    status = 0;
out:
    document_fonts_free(&fonts);
    certificate_trust_free(&trust);
    printer_peer_stop(&p);
    harness_stop(&h);
    vault_destroy();
    return status;
}
