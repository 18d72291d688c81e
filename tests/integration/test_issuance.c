/*
 * test_issuance.c — the end-to-end path: the card read through the
 * real pcscd (cardsim), the certificate from centersim over real TLS,
 * verified (firmware/verify/certificate.c), rendered (ui/document.c) and printed
 * to ippeveprinter (drivers/printer/ipp.c). What the printer received is rasterised
 * with pdftoppm, every QR decoded with zbarimg, and each JWS checked by a
 * verifier that is not kofu's code (tests/centersim/verify_shc.py); the
 * decoded name and birth date must be the card's. And every refusal
 * (tampered JWS, unknown kid, another person, a deflate bomb, a printer
 * out of paper) stops with nothing printed. Overseas with the passport
 * chip's data (protocol 2's `passport`): the seal names the chip's passport,
 * and a center that seals the registered one instead is refused.
 */
#include "tests/harness.h"
#include "tests/centersim/api.h" /* API_TERMS_VERSION_DEFAULT: the terms centersim serves */
#include "tests/printer/printer_harness.h"

#include "base/b64.h"
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
#include "verify/shc.h"
#include "base/vault.h"
#include "tests/lib/files.h"
#include "tests/lib/keys.h"
#include "tests/lib/td3.h"
#include "ui/qr_numeric.h"

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include <cmocka.h>

#define CHIYODA "131016"
#define ISSUER "https://center.kofu.test/issuer"
#define PDF_MAX (4 * 1024 * 1024)

static struct harness h;
static struct printer_peer printer;
static struct kofu_config cfg;
static struct certificate_trust trust;
static struct document_fonts fonts;
static struct kenhojo_card_data *card;
static char jwks_path[400];
static char out[1 << 16], err[1 << 16];
static const char *const center_args[] = {"--hours", "00:00-24:00", NULL};

static int group_setup(void **state)
{
    (void)state;
    char e[512];
    if (vault_init(32 * 1024 * 1024) != KOFU_OK || harness_start_pcscd(&h) != 0 ||
        harness_start_cardsim(&h, "tests/cardsim/residents/yamada.json", NULL) != 0 || !(card = harness_read_card(&h, "1234", harness_path(0, "pki/card-ca"))) ||
        harness_start_centersim(&h, center_args) != 0 || printer_peer_start(&printer) != 0)
        return -1;
    snprintf(jwks_path, sizeof jwks_path, "%s/issuer.jwks.json", h.dir);
    if (harness_center_get(&h, "/.well-known/jwks.json", jwks_path) != 0)
        return -1;
    config_defaults(&cfg);
    snprintf(cfg.center_url, sizeof cfg.center_url, "https://localhost:%d", h.center_port);
    snprintf(cfg.center_ca_file, sizeof cfg.center_ca_file, "%s", harness_path(0, "pki/center-ca.pem"));
    snprintf(cfg.kiosk_cert_file, sizeof cfg.kiosk_cert_file, "%s", harness_path(0, "pki/kiosk.pem"));
    snprintf(cfg.kiosk_key_file, sizeof cfg.kiosk_key_file, "%s", harness_path(0, "pki/kiosk.key.pem"));
    snprintf(cfg.shc_keyset_file, sizeof cfg.shc_keyset_file, "%s", jwks_path);
    snprintf(cfg.shc_issuers, sizeof cfg.shc_issuers, "%s", ISSUER);
    snprintf(cfg.vds_csca_file, sizeof cfg.vds_csca_file, "%s", harness_path(0, "pki/csca.pem"));
    if (certificate_trust_load(&cfg, &trust, e, sizeof e) != KOFU_OK) {
        fprintf(stderr, "trust: %s\n", e);
        return -1;
    }
    return document_fonts_init(&fonts) == KOFU_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    document_fonts_free(&fonts);
    certificate_trust_free(&trust);
    printer_peer_stop(&printer);
    harness_stop(&h);
    vault_destroy();
    return 0;
}

static int fresh(void **state)
{
    (void)state;
    return harness_center(&h, "clear", NULL, 0);
}

/* Asks the center for a certificate for the card. */
static struct center_certificate *request_with(enum center_kind kind, const struct mrtd_data *passport)
{
    struct center_client *c = NULL;
    assert_int_equal(center_client_new(&cfg, &c), KOFU_OK);
    struct center_request r = {.card = card, .kind = kind, .copies = 1, .language = "ja",
                              .terms_version = API_TERMS_VERSION_DEFAULT, .passport = passport};
    snprintf(r.municipality, sizeof r.municipality, CHIYODA);
    assert_int_equal(center_request_new_id(&r), KOFU_OK);
    struct center_certificate *cert = center_certificate_new();
    struct center_call_info info;
    assert_non_null(cert);
    assert_int_equal(center_request_certificate(c, &r, cert, &info), KOFU_OK);
    center_client_free(c);
    return cert;
}

static struct center_certificate *request(enum center_kind kind) { return request_with(kind, NULL); }

/* The card holder's passport chip as mrtd_read_verified leaves it (the
 * synthetic holder of yamada.json), but a newer passport than the one
 * registered at the center (TZ1234567). */
static const struct mrtd_data *yamada_chip(void)
{
    struct mrtd_data *p = vault_alloc(sizeof *p);
    assert_non_null(p);
    td3_dg1(&(struct td3_holder){"JPN", "YAMADA<<TARO", "TZ7777777", "JPN", "800217", 'M', "310331"}, p->dg1);
    p->dg1_len = TD3_DG1_LEN;
    memset(p->sod, 0x30, 64); /* not verified by centersim */
    p->sod_len = 64;
    struct mrz_td3 *m = &p->mrz;
    snprintf(m->issuing_state, sizeof m->issuing_state, "JPN");
    snprintf(m->surname, sizeof m->surname, "YAMADA");
    snprintf(m->given_names, sizeof m->given_names, "TARO");
    snprintf(m->docno, sizeof m->docno, "TZ7777777");
    snprintf(m->nationality, sizeof m->nationality, "JPN");
    snprintf(m->birth, sizeof m->birth, "800217");
    m->sex = 'M';
    snprintf(m->expiry, sizeof m->expiry, "310331");
    p->access = MRTD_ACCESS_BAC;
    p->pa = MRTD_PA_OK;
    return p;
}

static int received_count(void) { return printer_peer_list_dir(printer.received, NULL, NULL, 0); }

/* Verify, render, print. Returns the first failing step's code. */
static int verify_render_print(const struct center_certificate *cert, struct certificate_refusal *why,
                               struct printer_job_result *job, kofu_bld *pdf)
{
    struct certificate_verified *v = certificate_verified_new();
    assert_non_null(v);
    int rc = certificate_verify(cert, card, &trust, time(NULL), v, why);
    if (rc != KOFU_OK)
        return rc;
    /* The page as the kiosk makes it from the verified data. */
    struct kiosk_page *page = kiosk_page_new();
    assert_non_null(page);
    assert_int_equal(kiosk_page_fill(v, page), KOFU_OK);
    uint8_t *buf = vault_alloc(PDF_MAX);
    assert_non_null(buf);
    bld_init(pdf, buf, PDF_MAX);
    rc = document_render_pdf(&page->doc, &fonts, pdf);
    if (rc != KOFU_OK)
        return rc;
    void *ctx = NULL;
    /* As a kiosk prints: ipps://, the printer's certificate pinned. */
    const struct printer_trust pinned = {harness_path(0, "pki/printer-ca.pem"), false};
    rc = ipp_printer_ops.open(&ctx, printer.ipps_uri, PRINTER_MODE_IPP, &pinned);
    if (rc == KOFU_OK)
        rc = ipp_printer_ops.print(ctx, pdf->p, pdf->len, NULL, 1, 30000, job);
    if (ctx)
        ipp_printer_ops.close(ctx);
    return rc;
}

/* Rasterises the PDF the printer received and decodes every QR code. */
static int decode_received(int job_id, char *codes, size_t cap)
{
    char pdf[600], prefix[600], png[640];
    snprintf(pdf, sizeof pdf, "%s/job-%d.pdf", printer.received, job_id);
    snprintf(prefix, sizeof prefix, "%s/page", h.dir);
    snprintf(png, sizeof png, "%s/page-1.png", h.dir);
    const char *raster[] = {"/usr/bin/pdftoppm", "-r", "200", "-png", pdf, prefix, NULL};
    if (harness_run(raster, NULL, out, sizeof out, err, sizeof err) != 0)
        return -1;
    const char *zbar[] = {"/usr/bin/zbarimg", "-q", "-Sbinary", "--raw", png, NULL};
    if (harness_run(zbar, NULL, codes, cap, err, sizeof err) != 0)
        return -1;
    return 0;
}

/* Checks one decoded SHC QR text with the independent verifier. */
static void verify_shc_independently(const char *qr_text)
{
    assert_int_equal(strncmp(qr_text, "shc:/", 5), 0);
    static char jws[4096];
    assert_true(qr_numeric_to_jws(qr_text + 5, jws, sizeof jws));
    char path[400];
    snprintf(path, sizeof path, "%s/printed.jws", h.dir);
    assert_true(kt_write_file(path, jws, strlen(jws)));
    assert_int_equal(harness_verify_shc(path, jwks_path, ISSUER, out, sizeof out), 0);
    /* The card's name and birth date, as the signed data says them. */
    assert_non_null(strstr(out, "山田"));
    assert_non_null(strstr(out, "太郎"));
    assert_non_null(strstr(out, "1980-02-17"));
}

static void test_domestic_printed_and_read_back(void **state)
{
    (void)state;
    struct center_certificate *cert = request(CENTER_DOMESTIC);
    struct certificate_refusal why;
    struct printer_job_result job;
    kofu_bld pdf;
    assert_int_equal(verify_render_print(cert, &why, &job, &pdf), KOFU_OK);
    assert_int_equal(job.state, PRINTER_JOB_COMPLETED);
    /* The printer got exactly the bytes rendered. */
    char path[600];
    snprintf(path, sizeof path, "%s/job-%d.pdf", printer.received, job.job_id);
    size_t n = 0;
    char *got = kt_read_file(path, &n);
    assert_non_null(got);
    assert_int_equal(n, pdf.len);
    assert_memory_equal(got, pdf.p, n);
    free(got);
    static char codes[16384];
    assert_int_equal(decode_received(job.job_id, codes, sizeof codes), 0);
    char *nl = strchr(codes, '\n');
    if (nl)
        *nl = '\0';
    verify_shc_independently(codes);
    assert_int_equal(printer_peer_active_jobs(printer.uri), 0);
    vault_wipe();
    card = harness_read_card(&h, "1234", harness_path(0, "pki/card-ca")); /* the session's data went with the wipe */
    assert_non_null(card);
}

static void test_overseas_two_codes_both_verified(void **state)
{
    (void)state;
    struct center_certificate *cert = request(CENTER_OVERSEAS);
    struct certificate_refusal why;
    struct printer_job_result job;
    kofu_bld pdf;
    assert_int_equal(verify_render_print(cert, &why, &job, &pdf), KOFU_OK);
    static char codes[32768];
    assert_int_equal(decode_received(job.job_id, codes, sizeof codes), 0);
    /* With -Sbinary zbarimg writes the codes' bytes back to back: the SHC
     * is "shc:/" and digits, the seal a JSON object. */
    char *shc = strstr(codes, "shc:/");
    char *seal = strstr(codes, "{\"");
    assert_non_null(shc);
    assert_non_null(seal);
    size_t digits = strspn(shc + 5, "0123456789");
    size_t seal_len = seal < shc ? (size_t)(shc - seal) : strlen(seal);
    while (seal_len && (seal[seal_len - 1] == '\n' || seal[seal_len - 1] == '\r'))
        seal_len--;
    static char shc_text[4096];
    assert_true(digits + 6 < sizeof shc_text);
    memcpy(shc_text, shc, 5 + digits);
    shc_text[5 + digits] = '\0';
    verify_shc_independently(shc_text);
    char path[400];
    snprintf(path, sizeof path, "%s/printed-seal.json", h.dir);
    assert_true(kt_write_file(path, seal, seal_len));
    const char *argv[] = {"/usr/bin/python3", "tests/centersim/verify_shc.py", "--vds", path, "--csca",
                          harness_path(0, "pki/csca.pem"), NULL};
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "verifier: %s\n%s\n", out, err);
    assert_int_equal(rc, 0);
    vault_wipe();
    card = harness_read_card(&h, "1234", harness_path(0, "pki/card-ca"));
    assert_non_null(card);
}

/* The seal and the printed page carry the chip's passport, not the one
 * registered at the center. */
static void test_overseas_chip_passport_on_the_seal(void **state)
{
    (void)state;
    struct center_certificate *cert = request_with(CENTER_OVERSEAS, yamada_chip());
    assert_true(cert->chip_read);
    assert_string_equal(cert->passport_number, "TZ7777777");
    struct certificate_verified *v = certificate_verified_new();
    struct certificate_refusal why;
    assert_non_null(v);
    assert_int_equal(certificate_verify(cert, card, &trust, time(NULL), v, &why), KOFU_OK);
    assert_string_equal(v->vds->passport_number, "TZ7777777");
    assert_string_equal(v->vds->name, "YAMADA TARO");
    struct printer_job_result job;
    kofu_bld pdf;
    assert_int_equal(verify_render_print(cert, &why, &job, &pdf), KOFU_OK);
}

/* A refusal: the expected code, and nothing reaches the printer; the reason. */
static struct certificate_refusal expect_refused(const struct center_certificate *cert, int want)
{
    int before = received_count();
    struct certificate_refusal why;
    struct printer_job_result job;
    kofu_bld pdf;
    assert_int_equal(verify_render_print(cert, &why, &job, &pdf), want);
    assert_int_equal(received_count(), before);
    return why;
}

static void test_tampered_jws_not_printed(void **state)
{
    (void)state;
    assert_int_equal(harness_center(&h, "fault bad-signature", NULL, 0), 0);
    struct certificate_refusal why = expect_refused(request(CENTER_DOMESTIC), KOFU_E_CERT_NOT_AUTHENTIC);
    assert_int_equal(why.why, CERTIFICATE_REASON_SHC);
    assert_int_equal(why.shc, SHC_REASON_SIGNATURE);
}

static void test_other_persons_certificate_not_printed(void **state)
{
    (void)state;
    assert_int_equal(harness_center(&h, "fault other-person", NULL, 0), 0);
    struct certificate_refusal why = expect_refused(request(CENTER_DOMESTIC), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.why, CERTIFICATE_REASON_SHC);
    /* centersim's other person is 佐藤　花子 (tests/centersim/README.md), and the
     * verifier compares the name before the birth date. */
    assert_int_equal(why.shc, SHC_REASON_OTHER_NAME);
}

/* A center that seals the passport registered earlier, not the chip's: the
 * seal and its echo agree with each other, and both are refused. */
static void test_registered_passport_instead_of_chip_not_printed(void **state)
{
    (void)state;
    assert_int_equal(harness_center(&h, "fault registered-passport", NULL, 0), 0);
    struct certificate_refusal why =
        expect_refused(request_with(CENTER_OVERSEAS, yamada_chip()), KOFU_E_CERT_OTHER_PERSON);
    assert_int_equal(why.why, CERTIFICATE_REASON_VDS);
    assert_int_equal(why.vds, VDS_REASON_OTHER_DOCUMENT);
}

static void test_unknown_kid_not_printed(void **state)
{
    (void)state;
    /* A kiosk that pins another issuer key: the center's kid is unknown. */
    char other[400];
    snprintf(other, sizeof other, "%s/other.jwks.json", h.dir);
    const char *gen[] = {"/usr/bin/python3", "-c",
                         "import sys,json,base64,hashlib\n"
                         "from cryptography.hazmat.primitives.asymmetric import ec\n"
                         "n=ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()\n"
                         "b=lambda i:base64.urlsafe_b64encode(i.to_bytes(32,'big')).rstrip(b'=').decode()\n"
                         "x,y=b(n.x),b(n.y)\n"
                         "t=json.dumps({'crv':'P-256','kty':'EC','x':x,'y':y},separators=(',',':'),sort_keys=True)\n"
                         "k=base64.urlsafe_b64encode(hashlib.sha256(t.encode()).digest()).rstrip(b'=').decode()\n"
                         "json.dump({'keys':[{'kty':'EC','crv':'P-256','x':x,'y':y,'kid':k,'use':'sig','alg':'ES256'}]},"
                         "open(sys.argv[1],'w'))\n",
                         other, NULL};
    assert_int_equal(harness_run(gen, NULL, out, sizeof out, err, sizeof err), 0);
    struct kofu_config c2 = cfg;
    snprintf(c2.shc_keyset_file, sizeof c2.shc_keyset_file, "%s", other);
    struct certificate_trust saved = trust;
    char e[256];
    assert_int_equal(certificate_trust_load(&c2, &trust, e, sizeof e), KOFU_OK);
    struct certificate_refusal why = expect_refused(request(CENTER_DOMESTIC), KOFU_E_CERT_NOT_AUTHENTIC);
    assert_int_equal(why.why, CERTIFICATE_REASON_SHC);
    assert_int_equal(why.shc, SHC_REASON_KID_UNKNOWN);
    certificate_trust_free(&trust);
    trust = saved;
}

/* Signs a JWS with the test SHC issuer key: header and payload given. */
static void test_deflate_bomb_not_printed(void **state)
{
    (void)state;
    struct center_certificate *cert = request(CENTER_DOMESTIC);
    json_t *jwks = json_load_file(jwks_path, 0, NULL);
    assert_non_null(jwks);
    const char *kid = json_string_value(json_object_get(json_array_get(json_object_get(jwks, "keys"), 0), "kid"));
    assert_non_null(kid);
    char header[256];
    snprintf(header, sizeof header, "{\"zip\":\"DEF\",\"alg\":\"ES256\",\"kid\":\"%s\"}", kid);
    json_decref(jwks);
    /* 256 KiB of spaces deflates to a few hundred bytes: a correctly
     * signed card (within one QR) whose payload would blow up 4 times past
     * the 64 KiB cap. */
    size_t big = 256 * 1024;
    uint8_t *plain = calloc(1, big);
    assert_non_null(plain);
    memset(plain, ' ', big);
    static uint8_t packed[8192];
    size_t plen;
    assert_true(kt_raw_deflate(plain, big, packed, sizeof packed, &plen));
    free(plain);
    EVP_PKEY *key = kt_load_key(harness_path(0, "pki/shc-issuer.key.pem"));
    assert_non_null(key);
    char *jws = kt_jws_es256(key, header, packed, plen);
    EVP_PKEY_free(key);
    assert_non_null(jws);
    size_t jlen = strlen(jws);
    assert_true(jlen <= CENTER_JWS_MAX);
    memcpy(cert->jws, jws, jlen + 1);
    free(jws);
    struct certificate_refusal why = expect_refused(cert, KOFU_E_CERT_NOT_AUTHENTIC);
    assert_int_equal(why.why, CERTIFICATE_REASON_SHC);
    assert_int_equal(why.shc, SHC_REASON_PAYLOAD_TOO_LARGE);
}

static void test_printer_out_of_paper_nothing_printed(void **state)
{
    (void)state;
    struct center_certificate *cert = request(CENTER_DOMESTIC);
    assert_int_equal(printer_peer_media(&printer, false), 0);
    int before = received_count();
    struct certificate_refusal why;
    struct printer_job_result job;
    kofu_bld pdf;
    int rc = verify_render_print(cert, &why, &job, &pdf);
    assert_int_equal(printer_peer_media(&printer, true), 0);
    assert_int_equal(rc, KOFU_E_PRINTER_MEDIA_EMPTY);
    assert_int_equal(received_count(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_domestic_printed_and_read_back, fresh),
        cmocka_unit_test_setup(test_overseas_two_codes_both_verified, fresh),
        cmocka_unit_test_setup(test_overseas_chip_passport_on_the_seal, fresh),
        cmocka_unit_test_setup(test_registered_passport_instead_of_chip_not_printed, fresh),
        cmocka_unit_test_setup(test_tampered_jws_not_printed, fresh),
        cmocka_unit_test_setup(test_other_persons_certificate_not_printed, fresh),
        cmocka_unit_test_setup(test_unknown_kid_not_printed, fresh),
        cmocka_unit_test_setup(test_deflate_bomb_not_printed, fresh),
        cmocka_unit_test_setup(test_printer_out_of_paper_nothing_printed, fresh),
    };
    return cmocka_run_group_tests_name("issuance: verify, render, print, read back", tests, group_setup,
                                       group_teardown);
}
