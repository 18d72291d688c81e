/*
 * test_diag_credentials.c — the technician's `credentials` check
 * (firmware/diag/check_credentials.c) over files made here: a test CA and
 * kiosk certificates with the dates each case needs (tests/lib/certs.h),
 * the pinned SHC key set written with its RFC 7638 kid computed here, and
 * the VDS-NC CSCA and card-CA keys of the test PKI (build/pki, `make pki`;
 * $KOFU_BUILD/pki when set).
 */
#include "tests/lib/certs.h"
#include "tests/lib/keys.h"
#include "tests/lib/tmp.h"

#include "base/config.h"
#include "base/errors.h"
#include "diag/diag.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define DAY 86400L

static char dir[256];
static EVP_PKEY *ca_key, *kiosk_key, *other_key, *shc_key;
static X509 *ca;
static struct kofu_config cfg;
static struct diag_result r;

static const char *path(const char *name)
{
    static char p[8][400];
    static int i;
    i = (i + 1) % 8;
    snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
    return p[i];
}

static const char *pki(const char *name)
{
    static char p[4][400];
    static int i;
    const char *build = getenv("KOFU_BUILD");
    i = (i + 1) % 4;
    snprintf(p[i], sizeof p[i], "%s/pki/%s", build && *build ? build : "build", name);
    return p[i];
}

/* The kiosk certificate, valid from now + from_s to now + to_s. */
static void kiosk_cert(long from_s, long to_s)
{
    X509 *x = kt_issue_cert(kiosk_key, "kiosk-0001", ca_key, ca, from_s, to_s, KT_CERT_CLIENT);
    assert_non_null(x);
    X509 *one[] = {x};
    assert_true(kt_write_certs_pem(path("kiosk.pem"), one, 1));
    X509_free(x);
}

static void set(char *field, const char *value)
{
    assert_true(config_copy_text(field, KOFU_CONFIG_VALUE_MAX, value));
}

/* base64url of the P-256 point's x and y, and the RFC 7638 thumbprint. */
static void jwk_parts(EVP_PKEY *k, char x[44], char y[44], char kid[44])
{
    uint8_t pub[65], d[32];
    size_t len = 0;
    unsigned dl = 0;
    assert_int_equal(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len), 1);
    char *bx = kt_b64url(pub + 1, 32), *by = kt_b64url(pub + 33, 32);
    snprintf(x, 44, "%s", bx);
    snprintf(y, 44, "%s", by);
    free(bx);
    free(by);
    char json[200];
    int n = snprintf(json, sizeof json, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x, y);
    assert_int_equal(EVP_Digest(json, (size_t)n, d, &dl, EVP_sha256(), NULL), 1);
    char *t = kt_b64url(d, 32);
    snprintf(kid, 44, "%s", t);
    free(t);
}

static void write_jwks(const char *kid_override)
{
    char x[44], y[44], kid[44], text[512];
    jwk_parts(shc_key, x, y, kid);
    snprintf(text, sizeof text, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\","
             "\"use\":\"sig\",\"alg\":\"ES256\"}]}",
             x, y, kid_override ? kid_override : kid);
    FILE *f = fopen(path("shc.jwks.json"), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int group_setup(void **state)
{
    (void)state;
    if (!kt_tempdir(dir, sizeof dir, "diagcred"))
        return -1;
    ca_key = EVP_EC_gen("P-256");
    kiosk_key = EVP_EC_gen("P-256");
    other_key = EVP_EC_gen("P-256");
    shc_key = EVP_EC_gen("P-256");
    if (!ca_key || !kiosk_key || !other_key || !shc_key)
        return -1;
    ca = kt_issue_cert(ca_key, "kofu test diag CA", NULL, NULL, -DAY, 3650 * DAY, KT_CERT_CA);
    X509 *one[] = {ca};
    return ca && kt_write_certs_pem(path("ca.pem"), one, 1) && kt_write_key_pem(path("kiosk.key"), kiosk_key) &&
                   kt_write_key_pem(path("other.key"), other_key) && access(pki("csca.pem"), R_OK) == 0
               ? 0
               : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    X509_free(ca);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(kiosk_key);
    EVP_PKEY_free(other_key);
    EVP_PKEY_free(shc_key);
    /* card-ca/ is a sub-directory only some tests make */
    char sub[400];
    snprintf(sub, sizeof sub, "%s/card-ca", dir);
    kt_rmdir_flat(sub);
    kt_rmdir_flat(dir);
    return 0;
}

/* Every test starts from a healthy kiosk: a year-long kiosk certificate and
 * its key, the CA as the center CA, the test PKI's CSCA and card-CA keys, a
 * good SHC key set, a printer over ipps with the CA as its anchor. */
static int healthy(void **state)
{
    (void)state;
    config_defaults(&cfg);
    kiosk_cert(-DAY, 400 * DAY + 600); /* slack: a second may pass before the check */
    write_jwks(NULL);
    set(cfg.kiosk_cert_file, path("kiosk.pem"));
    set(cfg.kiosk_key_file, path("kiosk.key"));
    set(cfg.center_ca_file, path("ca.pem"));
    set(cfg.vds_csca_file, pki("csca.pem"));
    set(cfg.card_ca_dir, pki("card-ca"));
    set(cfg.shc_keyset_file, path("shc.jwks.json"));
    set(cfg.printer_uri, "ipps://localhost:8631/ipp/print");
    set(cfg.printer_ca_file, path("ca.pem"));
    return 0;
}

/* The check as diag_run calls it; then what holds for every result. */
static void run(void)
{
    json_decref(r.detail);
    memset(&r, 0, sizeof r);
    r.id = DIAG_CHECK_CREDENTIALS;
    r.detail = json_object();
    assert_non_null(r.detail);
    struct diag_env env = {.cfg = &cfg, .vault_clean = -1};
    diag_check_credentials(&env, &r);
    assert_true(json_is_array(json_object_get(r.detail, "items")));
    /* the words fit whole: nothing cut in the middle of a character */
    assert_true(strlen(r.summary_en) < DIAG_SUMMARY_MAX - 1);
    assert_true(strlen(r.summary_ja) < DIAG_SUMMARY_MAX - 1);
    json_t *probe = json_string(r.summary_ja);
    assert_non_null(probe); /* jansson refuses text that is not UTF-8 */
    json_decref(probe);
}

static int cleanup(void **state)
{
    (void)state;
    json_decref(r.detail);
    memset(&r, 0, sizeof r);
    return 0;
}

/* The item of kind what (the n-th of that kind). */
static json_t *item(const char *what, int n)
{
    json_t *items = json_object_get(r.detail, "items"), *it;
    size_t i;
    json_array_foreach(items, i, it)
    {
        if (!strcmp(json_string_value(json_object_get(it, "what")), what) && n-- == 0)
            return it;
    }
    return NULL;
}

static const char *field(const json_t *it, const char *name)
{
    assert_non_null(it);
    const char *s = json_string_value(json_object_get(it, name));
    assert_non_null(s);
    return s;
}

static void test_healthy(void **state)
{
    (void)state;
    run();
    assert_int_equal(r.status, DIAG_OK);
    assert_int_equal(r.err, KOFU_OK);
    json_t *k = item("kiosk-certificate", 0);
    assert_string_equal(field(k, "status"), "ok");
    assert_string_equal(field(k, "file"), path("kiosk.pem"));
    assert_string_equal(field(k, "subject"), "O=kofu test,CN=kiosk-0001");
    assert_int_equal(json_integer_value(json_object_get(k, "days_left")), 400);
    assert_int_equal(strlen(field(k, "not_after")), 20);
    json_t *key = item("kiosk-key", 0);
    assert_string_equal(field(key, "status"), "ok");
    assert_true(json_is_true(json_object_get(key, "matches_certificate")));
    assert_null(json_object_get(key, "days_left")); /* a key has no end of its own */
    assert_non_null(item("center-ca", 0));
    assert_string_equal(field(item("vds-csca", 0), "subject"), "C=JP,O=kofu test,CN=kofu test CSCA");
    assert_string_equal(field(item("card-ca-key", 0), "status"), "ok");
    json_t *shc = item("shc-keyset", 0);
    assert_string_equal(field(shc, "status"), "ok");
    assert_int_equal(json_array_size(json_object_get(shc, "kids")), 1);
    assert_string_equal(field(item("printer-ca", 0), "status"), "ok");
    /* the all-clear names what ends first: the kiosk certificate */
    assert_non_null(strstr(r.summary_en, "Kiosk certificate, in 400 days"));
    assert_non_null(strstr(r.summary_ja, "端末証明書"));
}

static void test_kiosk_certificate_expiring(void **state)
{
    (void)state;
    kiosk_cert(-300 * DAY, 5 * DAY + 600);
    run();
    assert_int_equal(r.status, DIAG_WARN);
    assert_int_equal(r.err, KOFU_E_CREDENTIAL_EXPIRING);
    assert_string_equal(field(item("kiosk-certificate", 0), "status"), "warn");
    assert_int_equal(json_integer_value(json_object_get(item("kiosk-certificate", 0), "days_left")), 5);
    assert_non_null(strstr(r.summary_en, "Kiosk certificate expires in 5 days"));
    assert_non_null(strstr(r.summary_en, "order a new one"));
    assert_non_null(strstr(r.summary_ja, "あと5日"));
    /* the threshold is the configuration's */
    cfg.diag_cert_warn_days = 3;
    run();
    assert_int_equal(r.status, DIAG_OK);
}

static void test_kiosk_certificate_expired(void **state)
{
    (void)state;
    kiosk_cert(-400 * DAY, -2 * DAY + 600);
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    assert_int_equal(r.err, KOFU_E_CREDENTIAL_EXPIRED);
    json_t *k = item("kiosk-certificate", 0);
    assert_string_equal(field(k, "problem"), "expired");
    assert_int_equal(json_integer_value(json_object_get(k, "days_left")), -2);
    assert_non_null(strstr(r.summary_en, "Kiosk certificate expired on"));
}

static void test_kiosk_certificate_not_yet_valid(void **state)
{
    (void)state;
    kiosk_cert(2 * DAY, 400 * DAY);
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    assert_int_equal(r.err, KOFU_E_CREDENTIAL_EXPIRED);
    assert_string_equal(field(item("kiosk-certificate", 0), "problem"), "not-yet-valid");
    assert_non_null(strstr(r.summary_en, "clock"));
}

static void test_key_does_not_match(void **state)
{
    (void)state;
    set(cfg.kiosk_key_file, path("other.key"));
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    assert_int_equal(r.err, KOFU_E_CREDENTIAL_BAD);
    json_t *key = item("kiosk-key", 0);
    assert_string_equal(field(key, "problem"), "key-mismatch");
    assert_true(json_is_false(json_object_get(key, "matches_certificate")));
    assert_non_null(strstr(r.summary_en, "does not match"));
}

static void test_key_uri_shown_without_its_pin(void **state)
{
    (void)state;
    /* No pkcs11 provider here: the key cannot be loaded; the PIN in the
     * URI's query must appear nowhere. */
    set(cfg.kiosk_key_file, "pkcs11:token=kiosk;object=tls?pin-value=97531");
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    json_t *key = item("kiosk-key", 0);
    assert_string_equal(field(key, "file"), "pkcs11:token=kiosk;object=tls");
    assert_string_equal(field(key, "problem"), "unreadable");
    char *text = json_dumps(r.detail, 0);
    assert_non_null(text);
    assert_null(strstr(text, "97531"));
    free(text);
    assert_null(strstr(r.summary_en, "97531"));
}

static void test_unreadable_and_malformed(void **state)
{
    (void)state;
    set(cfg.center_ca_file, path("missing.pem"));
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    assert_int_equal(r.err, KOFU_E_CREDENTIAL_BAD);
    assert_string_equal(field(item("center-ca", 0), "problem"), "unreadable");
    assert_non_null(strstr(r.summary_en, "Center CA cannot be read"));

    FILE *f = fopen(path("garbage.pem"), "w");
    assert_non_null(f);
    fputs("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n", f);
    fclose(f);
    set(cfg.center_ca_file, path("ca.pem"));
    set(cfg.vds_csca_file, path("garbage.pem"));
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    assert_string_equal(field(item("vds-csca", 0), "problem"), "malformed");
    /* a CSCA must be a CA with an EC key (vds_csca_load): a kiosk
     * certificate in its place is refused */
    set(cfg.vds_csca_file, path("kiosk.pem"));
    run();
    assert_string_equal(field(item("vds-csca", 0), "problem"), "malformed");
}

static void test_shc_kid_not_thumbprint(void **state)
{
    (void)state;
    write_jwks("3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9t");
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    json_t *shc = item("shc-keyset", 0);
    assert_string_equal(field(shc, "problem"), "malformed");
    assert_non_null(strstr(field(shc, "reason"), "thumbprint"));
    assert_non_null(strstr(r.summary_en, "SHC issuer keys refused"));
}

static void test_card_ca_dir(void **state)
{
    (void)state;
    char sub[400];
    snprintf(sub, sizeof sub, "%s/card-ca", dir);
    kt_rmdir_flat(sub);
    assert_int_equal(mkdir(sub, 0700), 0);
    set(cfg.card_ca_dir, sub);
    run(); /* empty: every card would be refused */
    assert_int_equal(r.status, DIAG_FAIL);
    assert_string_equal(field(item("card-ca-key", 0), "problem"), "no-key");

    /* the right key under a name kenhojo never looks for */
    char from[PATH_MAX], to[500];
    assert_non_null(realpath(pki("card-ca/4b4f46552d544553542d43412d303031.pem"), from));
    snprintf(to, sizeof to, "%s/kenhojo-ca.pem", sub);
    assert_int_equal(symlink(from, to), 0);
    run();
    assert_int_equal(r.status, DIAG_FAIL); /* still no usable key */
    assert_string_equal(field(item("card-ca-key", 0), "problem"), "misnamed");

    /* under its issuer key id it is used; the misnamed one stays a warn */
    snprintf(to, sizeof to, "%s/4b4f46552d544553542d43412d303031.pem", sub);
    assert_int_equal(symlink(from, to), 0);
    run();
    assert_int_equal(r.status, DIAG_WARN);
    /* a file with the name but not an RSA key */
    snprintf(to, sizeof to, "%s/00000000000000000000000000000000.pem", sub);
    assert_int_equal(symlink(path("ca.pem"), to), 0);
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    assert_non_null(strstr(r.summary_en, "not an RSA public key"));
    kt_rmdir_flat(sub);
}

static void test_summary_names_the_nearest_end(void **state)
{
    (void)state;
    kiosk_cert(-DAY, 20 * DAY + 600);
    X509 *soon = kt_issue_cert(ca_key, "kofu test diag CA", NULL, NULL, -DAY, 3 * DAY + 600, KT_CERT_CA);
    X509 *one[] = {soon};
    assert_true(kt_write_certs_pem(path("ca-soon.pem"), one, 1));
    X509_free(soon);
    set(cfg.center_ca_file, path("ca-soon.pem"));
    run();
    assert_int_equal(r.status, DIAG_WARN);
    assert_non_null(strstr(r.summary_en, "Center CA expires in 3 days"));
    assert_non_null(strstr(r.summary_en, "(+1 more)"));
    /* a fail outranks any warn */
    set(cfg.kiosk_key_file, path("other.key"));
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    assert_non_null(strstr(r.summary_en, "Kiosk private key does not match"));
}

static void test_printer_anchor_only_for_ipps(void **state)
{
    (void)state;
    set(cfg.printer_uri, "ipp://localhost:8631/ipp/print");
    set(cfg.printer_ca_file, path("missing.pem"));
    run();
    assert_int_equal(r.status, DIAG_OK);
    assert_null(item("printer-ca", 0));
    set(cfg.printer_uri, "ipps://localhost:8631/ipp/print");
    run();
    assert_int_equal(r.status, DIAG_FAIL);
    assert_string_equal(field(item("printer-ca", 0), "problem"), "unreadable");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_healthy, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_kiosk_certificate_expiring, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_kiosk_certificate_expired, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_kiosk_certificate_not_yet_valid, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_key_does_not_match, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_key_uri_shown_without_its_pin, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_unreadable_and_malformed, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_shc_kid_not_thumbprint, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_card_ca_dir, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_summary_names_the_nearest_end, healthy, cleanup),
        cmocka_unit_test_setup_teardown(test_printer_anchor_only_for_ipps, healthy, cleanup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
