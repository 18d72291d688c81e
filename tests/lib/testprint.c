/* testprint.c — reading a test print back (tests/lib/testprint.h). */
#include "tests/lib/testprint.h"

#include "base/vault.h"
#include "tests/lib/keys.h"
#include "tests/lib/proc.h"
#include "ui/qr_numeric.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* centersim's issuer, as the kiosk's configuration allows it. */
static const char center_iss[] = "https://center.kofu.test/issuer";

void kt_diag_report_fill(struct diag_report *r)
{
    static const struct {
        enum diag_status st;
        const char *en, *ja, *detail;
    } rows[DIAG_CHECK__COUNT] = {
        [DIAG_CHECK_READER] = {DIAG_OK, "Reader ready, no card", "カードリーダー正常（カードなし）",
                               "{\"pcscd\":true,\"reader_name\":\"Sim Reader 00 00\",\"card_present\":false}"},
        [DIAG_CHECK_PRINTER] = {DIAG_WARN, "Toner low: order a black toner cartridge",
                                "トナー残量わずか：黒トナーを手配してください",
                                "{\"state\":\"idle\",\"state_reasons\":[\"toner-low\"],\"media_ready\":[\"iso_a4_210x297mm\"],"
                                "\"markers\":[{\"name\":\"black\",\"level\":9}]}"},
        [DIAG_CHECK_CENTER] = {DIAG_FAIL, "Center unreachable: check the network cable",
                               "センターに接続できません：ネットワークケーブルを確認してください",
                               "{\"error\":\"center-unreachable\",\"url\":\"https://127.0.0.1:28443\",\"rtt_ms\":null}"},
        [DIAG_CHECK_CREDENTIALS] = {DIAG_WARN, "Kiosk certificate expires in 5 days", "端末証明書の有効期限まであと5日",
                                    "{\"items\":[{\"file\":\"/etc/kofu/kiosk.pem\",\"subject\":\"CN=kiosk-0001\","
                                    "\"not_after\":\"2026-12-01T00:00:00Z\",\"days_left\":5}]}"},
        [DIAG_CHECK_CLOCK] = {DIAG_OK, "Clock within 1 s of the center", "時刻のずれ1秒以内", "{\"offset_s\":0.4}"},
        [DIAG_CHECK_PAYMENT] = {DIAG_OK, "Acceptor answers", "決済機正常", "{\"answered\":true,\"coins\":{\"100\":40}}"},
        [DIAG_CHECK_AUDIO] = {DIAG_OK, "Test prompt heard", "テスト音声を確認", "{\"heard\":true}"},
        [DIAG_CHECK_DISPLAY] = {DIAG_OK, "Patterns look right", "表示パターン正常", "{\"confirmed\":true}"},
        [DIAG_CHECK_TOUCH] = {DIAG_OK, "Taps within 4 px", "タッチ位置のずれ4px以内",
                              "{\"taps\":[{\"target_x\":40,\"target_y\":40,\"x\":42,\"y\":37}],\"max_offset_px\":4}"},
        [DIAG_CHECK_SPOOL] = {DIAG_OK, "No job queued", "印刷待ちなし", "{\"printer_jobs\":0}"},
        [DIAG_CHECK_VAULT] = {DIAG_OK, "Vault locked and clean", "保護メモリ正常",
                              "{\"locked\":true,\"bytes\":6291456,\"clean\":true}"},
        [DIAG_CHECK_LOG] = {DIAG_OK, "12 visits since the last service", "前回点検以降の利用12件",
                            "{\"visits\":12,\"certificates\":9,\"errors\":{\"card-removed\":2}}"},
    };
    memset(r, 0, sizeof *r);
    r->n = DIAG_CHECK__COUNT;
    for (size_t i = 0; i < DIAG_CHECK__COUNT; i++) {
        struct diag_result *c = &r->checks[i];
        c->id = (enum diag_check_id)i;
        c->status = rows[i].st;
        c->detail = json_loads(rows[i].detail, 0, NULL);
        snprintf(c->summary_en, sizeof c->summary_en, "%s", rows[i].en);
        snprintf(c->summary_ja, sizeof c->summary_ja, "%s", rows[i].ja);
        c->ms = 1.5;
    }
}

const char *kt_pki_dir(void)
{
    static char dir[512];
    const char *b = getenv("KOFU_BUILD");
    snprintf(dir, sizeof dir, "%s/pki", b && *b ? b : "build");
    return dir;
}

bool kt_pdf_to_pngs(const char *pdf, int dpi, const char *base)
{
    char cmd[1024], *out = NULL;
    size_t len;
    snprintf(cmd, sizeof cmd, "pdftoppm -r %d -png %s %s 2>/dev/null", dpi, pdf, base);
    int rc = kt_run(cmd, &out, &len);
    free(out);
    return rc == 0;
}

char *kt_zbar_codes(const char *png, size_t *len, int *n)
{
    char cmd[1024], *out = NULL, *xml = NULL;
    size_t xl;
    snprintf(cmd, sizeof cmd, "zbarimg -q --xml %s 2>/dev/null", png);
    if (kt_run(cmd, &xml, &xl) != 0) {
        free(xml);
        return NULL;
    }
    int count = 0;
    for (const char *p = xml; (p = strstr(p, "<symbol ")); p++)
        count++;
    free(xml);
    snprintf(cmd, sizeof cmd, "zbarimg -q -Sbinary --raw %s 2>/dev/null", png);
    if (count == 0 || kt_run(cmd, &out, len) != 0) {
        free(out);
        return NULL;
    }
    /* --raw ends each code with a newline, except in binary mode. */
    if (n)
        *n = count;
    return out;
}

static char *dup_n(const char *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

bool kt_split_sample_codes(const char *codes, size_t len, char **shc_qr, char **seal)
{
    *shc_qr = *seal = NULL;
    const char *at = memmem(codes, len, "shc:/", 5);
    if (!at)
        return false;
    size_t s = (size_t)(at - codes), e = s + 5;
    while (e < len && codes[e] >= '0' && codes[e] <= '9')
        e++;
    /* One before the other: the seal is what is left, whole. */
    if (s != 0 && e != len)
        return false;
    *shc_qr = dup_n(codes + s, e - s);
    *seal = s == 0 ? dup_n(codes + e, len - e) : dup_n(codes, s);
    return *shc_qr && *seal && (*seal)[0];
}

/* The test PKI's issuer key as a one-key JWKS, with its RFC 7638 kid. */
static shc_keyset *issuer_keyset(char kid[44])
{
    char path[600];
    snprintf(path, sizeof path, "%s/shc-issuer.key.pem", kt_pki_dir());
    EVP_PKEY *k = kt_load_key(path);
    if (!k)
        return NULL;
    uint8_t pub[65];
    size_t pl = 0;
    shc_keyset *ks = NULL;
    if (EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &pl) == 1 && pl == 65) {
        char *x = kt_b64url(pub + 1, 32), *y = kt_b64url(pub + 33, 32);
        char tp[200], jwks[600];
        uint8_t d[32];
        unsigned dl = 0;
        int n = snprintf(tp, sizeof tp, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", x, y);
        char *t = EVP_Digest(tp, (size_t)n, d, &dl, EVP_sha256(), NULL) == 1 ? kt_b64url(d, 32) : NULL;
        if (t) {
            snprintf(kid, 44, "%s", t);
            snprintf(jwks, sizeof jwks,
                     "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\","
                     "\"use\":\"sig\",\"alg\":\"ES256\"}]}",
                     x, y, t);
            char err[200];
            if (shc_keyset_parse(jwks, strlen(jwks), &ks, err, sizeof err) != KOFU_OK)
                ks = NULL;
        }
        free(t);
        free(x);
        free(y);
    }
    EVP_PKEY_free(k);
    return ks;
}

enum shc_reason kt_shc_verdict(const char *qr, const char *also_allowed, bool with_real_kid, int *rc)
{
    *rc = KOFU_E_INTERNAL;
    if (strncmp(qr, "shc:/", 5) != 0)
        return SHC_REASON__COUNT;
    size_t cap = strlen(qr) / 2 + 1;
    char *jws = malloc(cap + 200);
    char kid[44] = "";
    shc_keyset *ks = issuer_keyset(kid);
    enum shc_reason why = SHC_REASON__COUNT;
    if (jws && ks && qr_numeric_to_jws(qr + 5, jws, cap)) {
        if (with_real_kid) {
            char hdr[200];
            snprintf(hdr, sizeof hdr, "{\"alg\":\"ES256\",\"zip\":\"DEF\",\"kid\":\"%s\"}", kid);
            char *h = kt_b64url(hdr, strlen(hdr));
            const char *rest = strchr(jws, '.');
            char *swapped = h && rest ? malloc(strlen(h) + strlen(rest) + 1) : NULL;
            if (swapped) {
                sprintf(swapped, "%s%s", h, rest);
                free(jws);
                jws = swapped;
            }
            free(h);
        }
        const char *issuers[2] = {center_iss, also_allowed};
        struct shc_trust trust = {ks, issuers, also_allowed ? 2 : 1, SHC_CLOCK_SKEW};
        struct shc_person person = {"見本　太郎", "20000101"};
        size_t mark = vault_mark();
        struct shc_card *card = shc_card_new();
        if (card)
            *rc = shc_verify(jws, &trust, 1700000000, &person, card, &why);
        vault_release(mark);
    }
    shc_keyset_free(ks);
    free(jws);
    return why;
}

enum vds_reason kt_vds_verdict(const char *seal, int *rc)
{
    char path[600], err[200];
    snprintf(path, sizeof path, "%s/csca.pem", kt_pki_dir());
    vds_csca *csca = NULL;
    enum vds_reason why = VDS_REASON__COUNT;
    *rc = KOFU_E_INTERNAL;
    if (vds_csca_load(path, &csca, err, sizeof err) != KOFU_OK)
        return why;
    struct vds_person person = {"SAMPLE TARO", "20000101", NULL};
    size_t mark = vault_mark();
    struct vds_document *doc = vds_document_new();
    if (doc)
        *rc = vds_verify(seal, strlen(seal), csca, 1700000000, &person, doc, &why);
    vault_release(mark);
    vds_csca_free(csca);
    return why;
}
