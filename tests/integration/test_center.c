/*
 * test_center.c — the channel to the certificate center over real TLS on
 * loopback: kofu's client (firmware/center/center.c, `kofu center ping`) against
 * centersim, with card data read from cardsim through the real pcscd.
 */
#include "tests/harness.h"
#include "tests/centersim/api.h" /* API_TERMS_VERSION_DEFAULT: the terms centersim serves */

#include "drivers/card_reader.h"
#include "center/center.h"
#include "base/config.h"
#include "base/errors.h"
#include "card/kenhojo.h"
#include "drivers/card_reader/pcsc.h"
#include "base/vault.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define YAMADA "tests/cardsim/residents/yamada.json"
#define LONGNAME "tests/cardsim/residents/longname.json"
#define CHIYODA "131016"

static struct harness h;
static struct kofu_config cfg;
static char config_path[400];
static char out[65536], err[65536];
static struct kenhojo_card_data *yamada, *longname;
static const char *const default_center[] = {"--hours", "00:00-24:00", NULL};

static void write_config(const char *path, const char *url, const char *cert, const char *key)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fprintf(f, "center_url = %s\ncenter_ca_file = %s\nkiosk_cert_file = %s\nkiosk_key_file = %s\n"
               "center_connect_timeout_ms = 2000\ncenter_timeout_ms = 3000\ncenter_retries = 3\n",
            url, harness_path(0, "pki/center-ca.pem"), cert, key);
    fclose(f);
}

static int group_setup(void **state)
{
    (void)state;
    if (vault_init(4 * 1024 * 1024) != KOFU_OK || harness_start_pcscd(&h) != 0 ||
        harness_start_cardsim(&h, YAMADA, NULL) != 0)
        return -1;
    yamada = harness_read_card(&h, "1234", harness_path(0, "pki/card-ca"));
    if (!yamada || harness_load(&h, LONGNAME) != 0)
        return -1;
    longname = harness_read_card(&h, "0000", harness_path(0, "pki/card-ca"));
    if (!longname) {
        fprintf(stderr, "could not read the longname card\n");
        return -1;
    }
    char url[64];
    snprintf(url, sizeof url, "https://localhost:%d", h.center_port);
    snprintf(config_path, sizeof config_path, "%s/kofu.conf", h.dir);
    write_config(config_path, url, harness_path(0, "pki/kiosk.pem"), harness_path(1, "pki/kiosk.key.pem"));
    config_defaults(&cfg);
    char e[256];
    if (config_load(&cfg, config_path, true, e, sizeof e) != KOFU_OK)
        return -1;
    return harness_start_centersim(&h, default_center);
}

static int group_teardown(void **state)
{
    (void)state;
    harness_stop(&h);
    vault_destroy();
    return 0;
}

/* Each test starts with a fresh, fault-free center. */
static int clean_center(void **state)
{
    (void)state;
    if (!h.centersim && harness_start_centersim(&h, default_center) != 0)
        return -1;
    return harness_center(&h, "clear", NULL, 0) || harness_center(&h, "terms " API_TERMS_VERSION_DEFAULT, NULL, 0);
}

static void restart_center(const char *const *args)
{
    harness_stop_centersim(&h);
    assert_int_equal(harness_start_centersim(&h, args), 0);
}

static int ping(const char *conf)
{
    const char *argv[] = {harness_path(0, "kofu"), "center", "ping", "--config", conf, NULL};
    return harness_run(argv, NULL, out, sizeof out, err, sizeof err);
}

static void center_fault(const char *spec)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "fault %s", spec);
    assert_int_equal(harness_center(&h, cmd, NULL, 0), 0);
}

static struct center_client *client(void)
{
    struct center_client *c = NULL;
    assert_int_equal(center_client_new(&cfg, &c), KOFU_OK);
    return c;
}

static int request(struct center_client *c, const struct kenhojo_card_data *card, const char *muni,
                   enum center_kind kind, struct center_certificate **cert, struct center_call_info *info)
{
    struct center_request r = {.card = card, .kind = kind, .copies = 1, .language = "ja",
                              .terms_version = API_TERMS_VERSION_DEFAULT};
    snprintf(r.municipality, sizeof r.municipality, "%s", muni);
    assert_int_equal(center_request_new_id(&r), KOFU_OK);
    *cert = center_certificate_new();
    assert_non_null(*cert);
    return center_request_certificate(c, &r, *cert, info);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_ping(void **state)
{
    (void)state;
    assert_int_equal(ping(config_path), 0);
    assert_non_null(strstr(out, "server_subject: CN = center.kofu.test"));
    assert_non_null(strstr(out, "server_expiry: "));
    assert_non_null(strstr(out, "municipalities: "));
    assert_non_null(strstr(out, "rtt_ms: "));
}

/* What the environment offers libcurl is not kofu's configuration: a TLS
 * key log file and proxies (a dead port here) are ignored. */
static void test_ping_ignores_tls_environment(void **state)
{
    (void)state;
    char keylog[400];
    snprintf(keylog, sizeof keylog, "%s/keylog.txt", h.dir);
    unlink(keylog);
    const char *vars[] = {"https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy", "http_proxy"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        setenv(vars[i], "http://127.0.0.1:9", 1);
    setenv("SSLKEYLOGFILE", keylog, 1);
    int rc = ping(config_path);
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    unsetenv("SSLKEYLOGFILE");
    if (rc != 0)
        fprintf(stderr, "ping said:\n%s\n", out);
    assert_int_equal(rc, 0);
    assert_int_equal(access(keylog, F_OK), -1);
}

static void test_config_lists_only_participating(void **state)
{
    (void)state;
    struct center_client *c = client();
    struct center_config cc;
    struct center_call_info info;
    assert_int_equal(center_get_config(c, &cc, &info), KOFU_OK);
    assert_int_equal(cc.fee_per_copy_yen, 120);
    assert_true(cc.n_municipalities >= 2);
    bool chiyoda = false;
    for (size_t i = 0; i < cc.n_municipalities; i++)
        chiyoda = chiyoda || !strcmp(cc.municipalities[i].code, CHIYODA);
    assert_true(chiyoda);
    /* The terms of use the kiosk shows before it reads a card. */
    assert_string_equal(cc.terms.version, API_TERMS_VERSION_DEFAULT);
    assert_true(strlen(cc.terms.ja) > 500 && strlen(cc.terms.en) > 500);
    center_config_free(&cc);
    center_client_free(c);
}

/* The center changes its terms between the configuration a kiosk showed
 * and the request: the stale version is refused (409, final, nothing
 * issued); the fresh configuration carries the new version, and a request
 * with it is served. A request without a version never leaves the kiosk. */
static void test_stale_terms_version_refused(void **state)
{
    (void)state;
    struct center_client *c = client();
    struct center_certificate *cert;
    struct center_call_info info;
    char reply[256];
    assert_int_equal(harness_center(&h, "terms 2027-01-15.v2", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "terms=2027-01-15.v2"));
    assert_int_equal(request(c, yamada, CHIYODA, CENTER_DOMESTIC, &cert, &info), KOFU_E_TERMS_OUTDATED);
    assert_int_equal(info.http_status, 409);
    assert_int_equal(info.attempts, 1);
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "issued=0"));
    struct center_config cc;
    assert_int_equal(center_get_config(c, &cc, &info), KOFU_OK);
    assert_string_equal(cc.terms.version, "2027-01-15.v2");
    struct center_request r = {.card = yamada, .kind = CENTER_DOMESTIC, .copies = 1, .language = "ja",
                               .terms_version = cc.terms.version};
    snprintf(r.municipality, sizeof r.municipality, CHIYODA);
    assert_int_equal(center_request_new_id(&r), KOFU_OK);
    cert = center_certificate_new();
    assert_int_equal(center_request_certificate(c, &r, cert, &info), KOFU_OK);
    r.terms_version = NULL;
    assert_int_equal(center_request_certificate(c, &r, cert, &info), KOFU_E_ARG);
    r.terms_version = "not a token";
    assert_int_equal(center_request_certificate(c, &r, cert, &info), KOFU_E_ARG);
    center_config_free(&cc);
    assert_int_equal(harness_center(&h, "terms " API_TERMS_VERSION_DEFAULT, NULL, 0), 0);
    assert_int_equal(harness_center(&h, "terms bad version", reply, sizeof reply), -1);
    center_client_free(c);
}

/* A successful issuance, checked by a verifier that is not kofu's code. */
static void test_domestic_issuance_verified_independently(void **state)
{
    (void)state;
    struct center_client *c = client();
    struct center_certificate *cert;
    struct center_call_info info;
    assert_int_equal(request(c, yamada, CHIYODA, CENTER_DOMESTIC, &cert, &info), KOFU_OK);
    assert_int_equal(info.http_status, 200);
    assert_true(strlen(cert->jws) > 100);
    assert_string_equal(cert->vds_seal, "");
    assert_string_equal(cert->issuer.code, CHIYODA);
    assert_true(cert->n_doses >= 1);
    char jws[400], jwks[400];
    snprintf(jws, sizeof jws, "%s/cert.jws", h.dir);
    snprintf(jwks, sizeof jwks, "%s/jwks.json", h.dir);
    write_text(jws, cert->jws);
    assert_int_equal(harness_center_get(&h, "/.well-known/jwks.json", jwks), 0);
    assert_int_equal(harness_verify_shc(jws, jwks, NULL, out, sizeof out), 0);
    assert_non_null(strstr(out, "山田"));
    assert_non_null(strstr(out, "1980-02-17"));
    center_client_free(c);
}

static void test_overseas_issuance_with_seal(void **state)
{
    (void)state;
    struct center_client *c = client();
    struct center_certificate *cert;
    struct center_call_info info;
    assert_int_equal(request(c, yamada, CHIYODA, CENTER_OVERSEAS, &cert, &info), KOFU_OK);
    assert_true(strlen(cert->vds_seal) > 100);
    assert_true(strlen(cert->passport_number) > 0);
    char seal[400];
    snprintf(seal, sizeof seal, "%s/seal.json", h.dir);
    write_text(seal, cert->vds_seal);
    const char *argv[] = {"/usr/bin/python3", "tests/centersim/verify_shc.py", "--vds", seal, "--csca",
                          harness_path(0, "pki/csca.pem"), NULL};
    int rc = harness_run(argv, NULL, out, sizeof out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "verifier: %s\n%s\n", out, err);
    assert_int_equal(rc, 0);
    center_client_free(c);
}

/* Retries use the same request_id, and the center issues once. */
static void test_busy_center_retried_idempotently(void **state)
{
    (void)state;
    center_fault("fail-count=2");
    struct center_client *c = client();
    struct center_certificate *cert;
    struct center_call_info info;
    assert_int_equal(request(c, yamada, CHIYODA, CENTER_DOMESTIC, &cert, &info), KOFU_OK);
    assert_int_equal(info.attempts, 3);
    char reply[256];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "issued=1"));
    center_client_free(c);
}

static void test_same_request_id_same_certificate(void **state)
{
    (void)state;
    struct center_client *c = client();
    struct center_request r = {.card = yamada, .kind = CENTER_DOMESTIC, .copies = 1, .language = "en",
                              .terms_version = API_TERMS_VERSION_DEFAULT};
    snprintf(r.municipality, sizeof r.municipality, CHIYODA);
    assert_int_equal(center_request_new_id(&r), KOFU_OK);
    struct center_certificate *a = center_certificate_new(), *b = center_certificate_new();
    struct center_call_info info;
    assert_int_equal(center_request_certificate(c, &r, a, &info), KOFU_OK);
    assert_int_equal(center_request_certificate(c, &r, b, &info), KOFU_OK);
    assert_string_equal(a->certificate_id, b->certificate_id);
    assert_true(a->issued_at == b->issued_at);
    center_client_free(c);
}

static void expect_refusal(const struct kenhojo_card_data *card, const char *muni, enum center_kind kind, int want)
{
    struct center_client *c = client();
    struct center_certificate *cert;
    struct center_call_info info;
    assert_int_equal(request(c, card, muni, kind, &cert, &info), want);
    assert_int_equal(info.attempts, 1); /* a typed refusal is final */
    center_client_free(c);
}

static void test_typed_refusals(void **state)
{
    (void)state;
    expect_refusal(longname, CHIYODA, CENTER_OVERSEAS, KOFU_E_PASSPORT_NOT_REGISTERED);
    expect_refusal(yamada, "131024", CENTER_DOMESTIC, KOFU_E_NO_RECORD);
    expect_refusal(yamada, "011002", CENTER_DOMESTIC, KOFU_E_MUNICIPALITY_NOT_PARTICIPATING);
}

static void test_tampered_card_data_refused_by_center(void **state)
{
    (void)state;
    struct kenhojo_card_data *forged = kenhojo_card_data_new();
    assert_non_null(forged);
    memcpy(forged, yamada, sizeof *forged);
    forged->ef_attributes.bytes[forged->ef_attributes.len - 1] ^= 0x01; /* the sex byte */
    expect_refusal(forged, CHIYODA, CENTER_DOMESTIC, KOFU_E_CENTER_CARD_NOT_AUTHENTIC);
}

static void test_outside_service_hours(void **state)
{
    (void)state;
    /* 2026-11-27 02:00 JST = 2026-11-26 17:00 UTC */
    const char *const night[] = {"--now", "1795798800", NULL};
    restart_center(night);
    expect_refusal(yamada, CHIYODA, CENTER_DOMESTIC, KOFU_E_OUTSIDE_HOURS);
    restart_center(default_center);
}

static void expect_fault(const char *spec, int want, int attempts)
{
    center_fault(spec);
    struct center_client *c = client();
    struct center_certificate *cert;
    struct center_call_info info;
    assert_int_equal(request(c, yamada, CHIYODA, CENTER_DOMESTIC, &cert, &info), want);
    if (attempts)
        assert_int_equal(info.attempts, attempts);
    center_client_free(c);
    assert_int_equal(harness_center(&h, "clear", NULL, 0), 0);
}

static void test_center_faults(void **state)
{
    (void)state;
    expect_fault("malformed-json", KOFU_E_CENTER_RESPONSE, 1);
    expect_fault("oversized-json", KOFU_E_CENTER_RESPONSE, 1);
    expect_fault("drop-mid-body", KOFU_E_CENTER_RESPONSE, 4);
    expect_fault("status=503", KOFU_E_CENTER_BUSY, 4);
    expect_fault("status=500", KOFU_E_CENTER_FAILED, 1);
    expect_fault("status=502", KOFU_E_CENTER_UNREACHABLE, 4);
    expect_fault("latency=3500", KOFU_E_CENTER_UNREACHABLE, 0);
}

/* A 500 means the center failed, for `center ping` as for a visit: not
 * "cannot connect", not "invalid answer". */
static void test_ping_center_failed(void **state)
{
    (void)state;
    center_fault("status=500");
    assert_int_equal(ping(config_path), 15);
    if (!strstr(out, "error: center-failed"))
        fprintf(stderr, "ping said:\n%s\n", out);
    assert_non_null(strstr(out, "error: center-failed"));
    center_fault("status=504");
    assert_int_equal(ping(config_path), 10);
    assert_non_null(strstr(out, "error: center-unreachable"));
}

/* centersim's fixture with every municipality participating and as many
 * more as make the protocol's 2000, each named with 64 bytes, into path;
 * how many it added. */
static size_t write_full_fixture(const char *path)
{
    json_t *fx = json_load_file("tests/centersim/fixtures/center.json", 0, NULL);
    assert_non_null(fx);
    json_t *munis = json_object_get(fx, "municipalities");
    assert_true(json_is_array(munis));
    size_t i;
    json_t *m;
    json_array_foreach(munis, i, m)
        json_object_set_new(m, "participating", json_true());
    size_t added = CENTER_MUNICIPALITIES_MAX - json_array_size(munis);
    char name_ja[65] = "", name_en[65];
    for (int k = 0; k < 16; k++)
        strcat(name_ja, "\xF0\xA0\xAE\xB7"); /* U+20BB7, 4 bytes */
    memset(name_en, 'N', 64);
    name_en[64] = '\0';
    for (int n = 20000; json_array_size(munis) < CENTER_MUNICIPALITIES_MAX; n++) {
        char code[12];
        snprintf(code, sizeof code, "%05d", n % 100000);
        int sum = 0;
        for (int k = 0; k < 5; k++)
            sum += (code[k] - '0') * (6 - k);
        code[5] = (char)('0' + (11 - sum % 11) % 10);
        code[6] = '\0';
        assert_int_equal(json_array_append_new(munis, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "code", code,
                                                                "name_ja", name_ja, "name_en", name_en,
                                                                "mayor_ja", "市長", "mayor_en", "Mayor",
                                                                "participating", 1)),
                         0);
    }
    assert_int_equal(json_dump_file(fx, path, JSON_COMPACT), 0);
    json_decref(fx);
    return added;
}

/* All of Japan's municipalities, with the longest names the protocol
 * allows: more than the 256 KiB of the other answers, within /config's cap. */
static void test_config_of_2000_municipalities(void **state)
{
    (void)state;
    char fixture[400], body[400];
    snprintf(fixture, sizeof fixture, "%s/center-2000.json", h.dir);
    snprintf(body, sizeof body, "%s/config-2000.json", h.dir);
    size_t added = write_full_fixture(fixture);
    const char *args[] = {"--hours", "00:00-24:00", "--fixture", fixture, NULL};
    restart_center(args);
    struct center_client *c = client();
    struct center_config cc;
    struct center_call_info info;
    int rc = center_get_config(c, &cc, &info);
    assert_int_equal(rc, KOFU_OK);
    assert_int_equal(cc.n_municipalities, CENTER_MUNICIPALITIES_MAX);
    size_t longest = 0;
    for (size_t k = 0; k < cc.n_municipalities; k++)
        longest += strlen(cc.municipalities[k].name_ja) == 64 && strlen(cc.municipalities[k].name_en) == 64;
    assert_int_equal(longest, added);
    center_config_free(&cc);
    center_client_free(c);
    assert_int_equal(harness_center_get(&h, CENTER_BASE_PATH "config", body), 0);
    struct stat st;
    assert_int_equal(stat(body, &st), 0);
    assert_true(st.st_size > CENTER_RESPONSE_MAX && st.st_size <= CENTER_CONFIG_RESPONSE_MAX);
    assert_int_equal(ping(config_path), 0);
    assert_non_null(strstr(out, "municipalities: 2000"));
    restart_center(default_center);
}

/* A center that answers every attempt too late has issued all the same:
 * the kiosk, which got nothing, reports `failed` with no certificate id,
 * and the center takes that as issued but not delivered. */
static void test_undelivered_certificate_reported(void **state)
{
    (void)state;
    center_fault("latency=3500");
    struct center_client *c = client();
    struct center_request r = {.card = yamada, .kind = CENTER_DOMESTIC, .copies = 1, .language = "ja",
                               .terms_version = API_TERMS_VERSION_DEFAULT};
    snprintf(r.municipality, sizeof r.municipality, CHIYODA);
    assert_int_equal(center_request_new_id(&r), KOFU_OK);
    struct center_certificate *cert = center_certificate_new();
    struct center_call_info info;
    assert_int_equal(center_request_certificate(c, &r, cert, &info), KOFU_E_CENTER_UNREACHABLE);
    assert_int_equal(info.attempts, 4);
    char reply[256];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "issued=1"));
    assert_int_equal(harness_center(&h, "clear", NULL, 0), 0);
    assert_int_equal(center_report_completion(c, r.request_id, "", CENTER_FAILED, 0, 0, &info), KOFU_OK);
    assert_int_equal(info.http_status, 204);
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    if (!strstr(reply, "undelivered=1"))
        fprintf(stderr, "centersim status: %s\n", reply);
    assert_non_null(strstr(reply, "undelivered=1"));
    center_client_free(c);
}

/* A counter of centersim's `status`, e.g. "revision_1_0". */
static unsigned long center_count(const char *name)
{
    char reply[256], key[64];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    snprintf(key, sizeof key, " %s=", name);
    const char *at = strstr(reply, key);
    if (!at)
        fail_msg("centersim status without %s: %s", name, reply);
    return strtoul(at + strlen(key), NULL, 10);
}

/* A center tells a 1.0 kiosk (which cannot take fee 0 or a /config over
 * 256 KiB) by its User-Agent on /kofu/v1/: kofu says the protocol and
 * revision the document is at,
 * from `kofu center ping` and from the library alike. A request with no
 * User-Agent is counted as 1.0: the count can tell them apart. */
static void test_kiosk_says_its_revision(void **state)
{
    (void)state;
    FILE *doc = fopen("docs/center-protocol.md", "r");
    char title[128] = "", want[128];
    assert_non_null(doc);
    assert_non_null(fgets(title, sizeof title, doc));
    fclose(doc);
    snprintf(want, sizeof want, "# kofu center protocol %d, revision %s\n", CENTER_PROTOCOL, CENTER_PROTOCOL_REVISION);
    assert_string_equal(title, want);

    assert_int_equal(ping(config_path), 0);
    struct center_client *c = client();
    struct center_config conf;
    struct center_call_info info;
    assert_int_equal(center_get_config(c, &conf, &info), KOFU_OK);
    center_config_free(&conf);
    center_client_free(c);
    assert_int_equal(center_count("requests"), 2);
    assert_int_equal(center_count("revision_1_0"), 0);

    char dest[400];
    snprintf(dest, sizeof dest, "%s/config.json", h.dir);
    assert_int_equal(harness_center_get(&h, "/kofu/v1/config", dest), 0); /* plain libcurl: no User-Agent */
    assert_int_equal(center_count("requests"), 3);
    assert_int_equal(center_count("revision_1_0"), 1);
    /* Under /kofu/v2/ every kiosk is of protocol 2, whatever it says. */
    assert_int_equal(harness_center_get(&h, "/kofu/v2/config", dest), 0);
    assert_int_equal(center_count("requests"), 4);
    assert_int_equal(center_count("revision_1_0"), 1);
}

static void test_center_down(void **state)
{
    (void)state;
    harness_stop_centersim(&h);
    assert_int_equal(ping(config_path), 10);
    assert_non_null(strstr(out, "error: center-unreachable"));
}

static void test_completion_report(void **state)
{
    (void)state;
    struct center_client *c = client();
    struct center_call_info info;
    /* An outcome with no protocol word is refused before anything is sent. */
    assert_int_equal(center_report_completion(c, "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a10", "JP-131016-2026-000001",
                                              (enum center_outcome)(CENTER_REFUND_OWED + 1), 1, 120, &info),
                     KOFU_E_ARG);
    assert_int_equal(center_report_completion(c, "5f0c6a0e-3f8e-4b8f-9a51-0d7f3b9c2a10", "JP-131016-2026-000001",
                                              CENTER_PRINTED, 1, 120, &info),
                     KOFU_OK);
    char reply[256];
    assert_int_equal(harness_center(&h, "status", reply, sizeof reply), 0);
    assert_non_null(strstr(reply, "completions=1"));
    center_client_free(c);
}

/* Every way the server side of the channel can be wrong. */
static void expect_server_refused(const char *cert, const char *key, const char *extra, int exit_code,
                                  const char *error)
{
    const char *args[] = {"--hours", "00:00-24:00", "--cert", cert, "--key", key, extra, NULL};
    restart_center(args);
    assert_int_equal(ping(config_path), exit_code);
    char want[96];
    snprintf(want, sizeof want, "error: %s", error);
    if (!strstr(out, want))
        fprintf(stderr, "ping said:\n%s\n", out);
    assert_non_null(strstr(out, want));
}

static void test_kiosk_refuses_bad_servers(void **state)
{
    (void)state;
    char ck[400];
    snprintf(ck, sizeof ck, "%s", harness_path(3, "pki/center.key.pem"));
    expect_server_refused(harness_path(0, "pki/other-center.pem"), harness_path(1, "pki/other-center.key.pem"),
                          NULL, 11, "tls-untrusted");
    expect_server_refused(harness_path(0, "pki/center-expired.pem"), ck, NULL, 11, "tls-expired");
    expect_server_refused(harness_path(0, "pki/center-wrongname.pem"), ck, NULL, 11, "tls-hostname");
    expect_server_refused(harness_path(0, "pki/center-selfsigned.pem"), ck, NULL, 11, "tls-self-signed");
    expect_server_refused(harness_path(0, "pki/center.pem"), ck, "--tls12-only", 11, "tls-protocol");
    restart_center(default_center);
}

/* The center's name only in the subject's CN (libcurl's OpenSSL backend
 * falls back to it): refused, the name must be a subjectAltName. */
static void test_name_only_in_cn_refused(void **state)
{
    (void)state;
    expect_server_refused(harness_path(0, "pki/center-nosan.pem"), harness_path(1, "pki/center.key.pem"), NULL, 11,
                          "tls-hostname");
    restart_center(default_center);
    /* An address in center_url is matched against the IP subjectAltNames. */
    char conf[400], url[64];
    snprintf(conf, sizeof conf, "%s/ip.conf", h.dir);
    snprintf(url, sizeof url, "https://127.0.0.1:%d", h.center_port);
    write_config(conf, url, harness_path(0, "pki/kiosk.pem"), harness_path(1, "pki/kiosk.key.pem"));
    assert_int_equal(ping(conf), 0);
    const char *wrongname[] = {"--hours", "00:00-24:00", "--cert", harness_path(0, "pki/center-wrongname.pem"),
                               "--key", harness_path(1, "pki/center.key.pem"), NULL};
    restart_center(wrongname);
    assert_int_equal(ping(conf), 11);
    assert_non_null(strstr(out, "error: tls-hostname"));
    restart_center(default_center);
}

/* The center's own certificate may not be a CA: it could mint centers. */
static void test_ca_leaf_refused(void **state)
{
    (void)state;
    expect_server_refused(harness_path(0, "pki/center-caleaf.pem"), harness_path(1, "pki/center.key.pem"), NULL, 11,
                          "tls-untrusted");
    /* CA:FALSE, yet a key usage for signing certificates */
    expect_server_refused(harness_path(0, "pki/center-certsign.pem"), harness_path(1, "pki/center.key.pem"), NULL, 11,
                          "tls-untrusted");
    restart_center(default_center);
}

/* A center that offers only TLS 1.3 suites kofu does not: it answers with
 * handshake_failure, which is no verdict on the kiosk's certificate. */
static void test_cipher_suite_mismatch_is_protocol(void **state)
{
    (void)state;
    const char *args[] = {"--hours", "00:00-24:00", "--ciphersuites", "TLS_AES_128_CCM_SHA256", NULL};
    restart_center(args);
    assert_int_equal(ping(config_path), 11);
    if (!strstr(out, "error: tls-protocol"))
        fprintf(stderr, "ping said:\n%s\n", out);
    assert_non_null(strstr(out, "error: tls-protocol"));
    assert_non_null(strstr(out, "handshake failure"));
    restart_center(default_center);
}

/* And every way the kiosk side can be wrong, refused by the center. */
static void test_center_refuses_bad_kiosks(void **state)
{
    (void)state;
    char conf[400], url[64];
    snprintf(conf, sizeof conf, "%s/bad-kiosk.conf", h.dir);
    snprintf(url, sizeof url, "https://localhost:%d", h.center_port);
    write_config(conf, url, harness_path(0, "pki/rogue-kiosk.pem"), harness_path(1, "pki/rogue-kiosk.key.pem"));
    assert_int_equal(ping(conf), 12);
    assert_non_null(strstr(out, "error: tls-client-refused"));
    write_config(conf, url, harness_path(0, "pki/kiosk-revoked.pem"), harness_path(1, "pki/kiosk-revoked.key.pem"));
    assert_int_equal(ping(conf), 12);
    assert_non_null(strstr(out, "error: tls-client-refused"));
    /* No client certificate at all: plain libcurl, which kofu never is. */
    CURL *c = curl_easy_init();
    char target[96];
    snprintf(target, sizeof target, "%s" CENTER_BASE_PATH "config", url);
    curl_easy_setopt(c, CURLOPT_URL, target);
    curl_easy_setopt(c, CURLOPT_CAINFO, harness_path(0, "pki/center-ca.pem"));
    FILE *sink = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, sink);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    fclose(sink);
    assert_int_not_equal(rc, CURLE_OK);
    assert_int_equal(status, 0);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_ping, clean_center),
        cmocka_unit_test_setup(test_ping_ignores_tls_environment, clean_center),
        cmocka_unit_test_setup(test_config_lists_only_participating, clean_center),
        cmocka_unit_test_setup(test_stale_terms_version_refused, clean_center),
        cmocka_unit_test_setup(test_domestic_issuance_verified_independently, clean_center),
        cmocka_unit_test_setup(test_overseas_issuance_with_seal, clean_center),
        cmocka_unit_test_setup(test_busy_center_retried_idempotently, clean_center),
        cmocka_unit_test_setup(test_same_request_id_same_certificate, clean_center),
        cmocka_unit_test_setup(test_typed_refusals, clean_center),
        cmocka_unit_test_setup(test_tampered_card_data_refused_by_center, clean_center),
        cmocka_unit_test_setup(test_outside_service_hours, clean_center),
        cmocka_unit_test_setup(test_center_faults, clean_center),
        cmocka_unit_test_setup(test_ping_center_failed, clean_center),
        cmocka_unit_test_setup(test_config_of_2000_municipalities, clean_center),
        cmocka_unit_test_setup(test_undelivered_certificate_reported, clean_center),
        cmocka_unit_test_setup(test_completion_report, clean_center),
        cmocka_unit_test_setup(test_kiosk_refuses_bad_servers, clean_center),
        cmocka_unit_test_setup(test_name_only_in_cn_refused, clean_center),
        cmocka_unit_test_setup(test_ca_leaf_refused, clean_center),
        cmocka_unit_test_setup(test_cipher_suite_mismatch_is_protocol, clean_center),
        cmocka_unit_test_setup(test_center_refuses_bad_kiosks, clean_center),
        cmocka_unit_test_setup(test_kiosk_says_its_revision, clean_center),
        cmocka_unit_test_setup(test_center_down, clean_center),
    };
    int rc = cmocka_run_group_tests_name("center channel over real TLS", tests, group_setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
