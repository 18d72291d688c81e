/*
 * check_credentials.c — see diag.h: every certificate and key kofu relies
 * on, one item each in detail.items[]; and cert_file.h, which the center
 * check shares.
 *
 * In the running kiosk the sandbox decides what can be read
 * (base/sandbox.c). Every file here is on its read list already, for the
 * part of kofu that uses it, except the printer anchor, which the printer
 * driver reads before confinement: sandbox_allow_config adds it (a public
 * certificate). The kiosk's private key is read again here, not taken from
 * the center client: a PEM file is on the read list anyway (the client loads
 * it again for every handshake, on_ssl_ctx in center.c), and a provider URI
 * (TPM, token) goes through its provider exactly as the client's handshake
 * does. So the check compares what the next handshake will present, through
 * the client's own loader (center_load_kiosk_key), and no key material is
 * copied out of the client or kept.
 */
#include "diag/cert_file.h"
#include "diag/diag.h"

#include "base/errors.h"
#include "base/words.h"
#include "center/center.h"
#include "verify/shc.h"
#include "verify/vds.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CARD_CA_FILES_MAX 16 /* items listed from card_ca_dir */

/* ---- cert_file.h --------------------------------------------------------- */

/* The certificates of a PEM file, in order; the count, 0 (none or a broken
 * one first) or -1 (cannot be opened: *err_no). */
static int read_x509s(const char *path, X509 *xs[CERT_FILE_MAX], int *err_no)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        *err_no = errno;
        return -1;
    }
    int n = 0;
    while (n < CERT_FILE_MAX && (xs[n] = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
        n++;
    ERR_clear_error(); /* the end of the file reads as "no start line" */
    fclose(f);
    return n;
}

static time_t asn1_time(const ASN1_TIME *a)
{
    struct tm tm;
    return a && ASN1_TIME_to_tm(a, &tm) == 1 ? timegm(&tm) : 0;
}

int cert_file_read(const char *path, struct cert_info out[CERT_FILE_MAX], int *err_no)
{
    X509 *xs[CERT_FILE_MAX];
    int n = read_x509s(path, xs, err_no);
    for (int i = 0; i < n; i++) {
        BIO *b = BIO_new(BIO_s_mem());
        char *text = NULL;
        long len = 0;
        out[i].subject[0] = '\0';
        /* RFC 2253, UTF-8 kept as is (a Japanese O= stays readable). */
        if (b && X509_NAME_print_ex(b, X509_get_subject_name(xs[i]), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0 &&
            (len = BIO_get_mem_data(b, &text)) > 0)
            snprintf(out[i].subject, sizeof out[i].subject, "%.*s", (int)len, text);
        BIO_free(b);
        out[i].not_before = asn1_time(X509_get0_notBefore(xs[i]));
        out[i].not_after = asn1_time(X509_get0_notAfter(xs[i]));
        X509_free(xs[i]);
    }
    return n;
}

long cert_days_left(time_t t, time_t now)
{
    long long d = (long long)t - (long long)now;
    return (long)(d >= 0 ? d / CERT_DAY : -((-d + CERT_DAY - 1) / CERT_DAY));
}

void cert_time_iso(time_t t, char out[CERT_TIME_ISO_LEN + 1])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, CERT_TIME_ISO_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, CERT_TIME_ISO_LEN + 1, "?");
}

/* ---- the items ------------------------------------------------------------ */

/* What an item is: its keyword in the JSON, its name in the words, and what
 * a technician does when it ends. */
struct kind {
    const char *what;
    const char *en, *ja;
    const char *renew_en, *renew_ja;
};

static const struct kind KIOSK_CERT = {"kiosk-certificate", "Kiosk certificate", "端末証明書", "order a new one",
                                       "新しい証明書を手配してください"};
static const struct kind KIOSK_CHAIN = {"kiosk-chain", "Kiosk CA certificate", "端末の中間CA証明書",
                                        "install the new chain with a new kiosk certificate",
                                        "新しい端末証明書と中間CA証明書を導入してください"};
static const struct kind KIOSK_KEY = {"kiosk-key", "Kiosk private key", "端末の秘密鍵", "", ""};
static const struct kind CENTER_CA = {"center-ca", "Center CA", "センターCA証明書", "install the center's new CA",
                                      "新しいセンターCA証明書を導入してください"};
static const struct kind VDS_CSCA = {"vds-csca", "VDS-NC CSCA", "VDS-NC CSCA証明書", "install the new CSCA",
                                     "新しいCSCA証明書を導入してください"};
static const struct kind CARD_CA = {"card-ca-key", "Card-CA key", "カードCA鍵", "", ""};
static const struct kind SHC_KEYS = {"shc-keyset", "SHC issuer keys", "SHC発行者鍵", "", ""};
static const struct kind PRINTER_CA = {"printer-ca", "Printer CA", "プリンタCA証明書", "install the printer's new CA",
                                       "新しいプリンタCA証明書を導入してください"};

struct cred_run {
    const struct kofu_config *cfg;
    time_t now;
    json_t *items;
    int n_ok, n_findings;
    /* The worst item so far: its words become the summary. */
    enum diag_status worst;
    long worst_days; /* among warns, the nearest end names the summary */
    int worst_err;
    char en[DIAG_SUMMARY_MAX], ja[DIAG_SUMMARY_MAX];
    /* The nearest end among the healthy ones, for an all-clear summary. */
    long next_days;
    const struct kind *next_kind;
};

/* s as JSON text: file names are bytes, JSON is UTF-8, so a name that is
 * not valid UTF-8 (or has control characters) is shown with '?' there. */
static json_t *json_text(const char *s)
{
    json_t *j = json_string(s);
    if (j && strcspn(s, "\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
                       "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f") == strlen(s))
        return j;
    json_decref(j);
    char safe[KOFU_CONFIG_VALUE_MAX + 300];
    size_t n = 0;
    for (; s[n] && n + 1 < sizeof safe; n++)
        safe[n] = (unsigned char)s[n] < 0x20 || (unsigned char)s[n] >= 0x7f ? '?' : s[n];
    safe[n] = '\0';
    return json_string(safe);
}

/* A short, printable form of a directory entry's name for the words. */
static void name_for_words(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    for (; name[n] && n < 40 && n + 1 < cap; n++)
        out[n] = (unsigned char)name[n] < 0x20 || (unsigned char)name[n] >= 0x7f ? '?' : name[n];
    out[n] = '\0';
}

/* Adds an item with its verdict; words for a warn or fail. days: LONG_MAX
 * for an item without an end. */
static json_t *add_item(struct cred_run *run, const struct kind *k, const char *file, enum diag_status st, int err,
                        const char *problem, long days, const char *en, const char *ja)
{
    json_t *o = json_pack("{s:o, s:s, s:s}", "file", json_text(file), "what", k->what, "status", diag_status_name(st));
    if (!o || json_array_append_new(run->items, o) != 0)
        return NULL;
    if (problem)
        json_object_set_new(o, "problem", json_string(problem));
    if (st == DIAG_OK) {
        run->n_ok++;
        if (days < run->next_days) {
            run->next_days = days;
            run->next_kind = k;
        }
        return o;
    }
    run->n_findings++;
    if (st > run->worst || (st == DIAG_WARN && st == run->worst && days < run->worst_days)) {
        run->worst = st;
        run->worst_days = days;
        run->worst_err = err;
        snprintf(run->en, sizeof run->en, "%s", en);
        snprintf(run->ja, sizeof run->ja, "%s", ja);
    }
    return o;
}

/* A file that could not be used at all. */
static void add_unusable(struct cred_run *run, const struct kind *k, const char *file, int n, int err_no)
{
    char en[DIAG_SUMMARY_MAX], ja[DIAG_SUMMARY_MAX];
    if (!file[0]) {
        snprintf(en, sizeof en, "%s: no file set in the configuration: set it", k->en);
        snprintf(ja, sizeof ja, "%s：設定ファイルに指定がありません。指定してください", k->ja);
        add_item(run, k, file, DIAG_FAIL, KOFU_E_CREDENTIAL_BAD, "not-configured", LONG_MAX, en, ja);
    } else if (n < 0) {
        snprintf(en, sizeof en, "%s cannot be read (%s): check the file and its permissions", k->en, strerror(err_no));
        snprintf(ja, sizeof ja, "%sが読めません（%s）。ファイルと権限を確認してください", k->ja, strerror(err_no));
        add_item(run, k, file, DIAG_FAIL, KOFU_E_CREDENTIAL_BAD, "unreadable", LONG_MAX, en, ja);
    } else {
        snprintf(en, sizeof en, "%s is malformed: replace the file", k->en);
        snprintf(ja, sizeof ja, "%sの形式が正しくありません。ファイルを交換してください", k->ja);
        add_item(run, k, file, DIAG_FAIL, KOFU_E_CREDENTIAL_BAD, "malformed", LONG_MAX, en, ja);
    }
}

/* One certificate: its dates against now and the warning period. */
static void add_cert(struct cred_run *run, const struct kind *k, const char *file, const struct cert_info *ci)
{
    char en[DIAG_SUMMARY_MAX] = "", ja[DIAG_SUMMARY_MAX] = "", not_after[CERT_TIME_ISO_LEN + 1],
         not_before[CERT_TIME_ISO_LEN + 1];
    cert_time_iso(ci->not_after, not_after);
    cert_time_iso(ci->not_before, not_before);
    long days = cert_days_left(ci->not_after, run->now);
    long long warn_s = (long long)run->cfg->diag_cert_warn_days * CERT_DAY;
    enum diag_status st = DIAG_OK;
    int err = KOFU_OK;
    const char *problem = NULL;
    if (ci->not_before > run->now) {
        st = DIAG_FAIL, err = KOFU_E_CREDENTIAL_EXPIRED, problem = "not-yet-valid";
        snprintf(en, sizeof en, "%s is not valid before %.10s: check the kiosk's clock (see clock)", k->en, not_before);
        snprintf(ja, sizeof ja, "%sは%.10sまで有効になりません。端末の時計を確認してください", k->ja, not_before);
    } else if (ci->not_after <= run->now) {
        st = DIAG_FAIL, err = KOFU_E_CREDENTIAL_EXPIRED, problem = "expired";
        snprintf(en, sizeof en, "%s expired on %.10s: %s", k->en, not_after, k->renew_en);
        snprintf(ja, sizeof ja, "%sの有効期限が%.10sに切れています。%s", k->ja, not_after, k->renew_ja);
    } else if ((long long)ci->not_after - (long long)run->now < warn_s) {
        st = DIAG_WARN, err = KOFU_E_CREDENTIAL_EXPIRING, problem = "expiring";
        snprintf(en, sizeof en, "%s expires in %ld days: %s (ends %.10s)", k->en, days, k->renew_en, not_after);
        snprintf(ja, sizeof ja, "%sの有効期限まであと%ld日です。%s（%.10sまで）", k->ja, days, k->renew_ja, not_after);
    }
    json_t *o = add_item(run, k, file, st, err, problem, days, en, ja);
    if (o) {
        json_object_set_new(o, "subject", json_string(ci->subject));
        json_object_set_new(o, "not_after", json_string(not_after));
        json_object_set_new(o, "days_left", json_integer(days));
    }
}

/* Every certificate of a PEM file; false when there was none to check. */
static bool add_cert_file(struct cred_run *run, const struct kind *first, const struct kind *rest, const char *file)
{
    struct cert_info ci[CERT_FILE_MAX];
    int err_no = 0;
    int n = file[0] ? cert_file_read(file, ci, &err_no) : 0;
    if (n <= 0) {
        add_unusable(run, first, file, n, err_no);
        return false;
    }
    for (int i = 0; i < n; i++)
        add_cert(run, i == 0 ? first : rest, file, &ci[i]);
    return true;
}

/* kiosk_key_file as it may be shown: a provider URI without its query,
 * where a PKCS#11 URI may carry the token's PIN (pin-value, RFC 7512). */
static void key_name(const char *uri, char *out, size_t cap)
{
    const char *colon = strchr(uri, ':'), *slash = strchr(uri, '/');
    bool is_uri = colon && (!slash || colon < slash);
    snprintf(out, cap, "%.*s", (int)(is_uri ? strcspn(uri, "?") : strlen(uri)), uri);
}

/* The key loaded as the center client loads it, and compared with the
 * certificate the client presents with it. */
static void add_kiosk_key(struct cred_run *run, bool have_cert)
{
    const struct kind *k = &KIOSK_KEY;
    const char *uri = run->cfg->kiosk_key_file;
    char name[KOFU_CONFIG_VALUE_MAX];
    key_name(uri, name, sizeof name);
    if (!uri[0]) {
        add_unusable(run, k, name, 0, 0);
        return;
    }
    kcrypto_key *key = center_load_kiosk_key(uri);
    if (!key) {
        ERR_clear_error();
        add_item(run, k, name, DIAG_FAIL, KOFU_E_CREDENTIAL_BAD, "unreadable", LONG_MAX,
                 "Kiosk private key cannot be loaded: check kiosk_key_file, its permissions, or the TPM or token",
                 "端末の秘密鍵を読み込めません。kiosk_key_file、権限、TPMまたはトークンを確認してください");
        return;
    }
    X509 *xs[CERT_FILE_MAX];
    int err_no = 0;
    int n = have_cert ? read_x509s(run->cfg->kiosk_cert_file, xs, &err_no) : 0;
    if (n <= 0) { /* the certificate's own item says why */
        add_item(run, k, name, DIAG_OK, KOFU_OK, NULL, LONG_MAX, "", "");
    } else {
        bool match = EVP_PKEY_eq(X509_get0_pubkey(xs[0]), key) == 1;
        json_t *o = match ? add_item(run, k, name, DIAG_OK, KOFU_OK, NULL, LONG_MAX, "", "")
                          : add_item(run, k, name, DIAG_FAIL, KOFU_E_CREDENTIAL_BAD, "key-mismatch", LONG_MAX,
                                     "Kiosk private key does not match the kiosk certificate: install the matching "
                                     "key and certificate",
                                     "端末の秘密鍵が端末証明書と一致しません。対になる鍵と証明書を導入してください");
        if (o)
            json_object_set_new(o, "matches_certificate", json_boolean(match));
    }
    for (int i = 0; i < n; i++)
        X509_free(xs[i]);
    ERR_clear_error();
    kcrypto_key_free(key);
}

/* Whether name is what kenhojo looks for: 32 lower-case hex digits + ".pem". */
static bool card_ca_name(const char *name)
{
    if (strlen(name) != 36 || strcmp(name + 32, ".pem"))
        return false;
    for (int i = 0; i < 32; i++)
        if (!isxdigit((unsigned char)name[i]) || isupper((unsigned char)name[i]))
            return false;
    return true;
}

/* The card-CA keys (README "Trusted card-CA keys"): RSA public keys named
 * after their issuer key id. They do not expire; a card is refused when
 * the key its issuer id names is missing or broken. */
static void add_card_ca(struct cred_run *run)
{
    const struct kind *k = &CARD_CA;
    const char *dir = run->cfg->card_ca_dir;
    DIR *d = dir[0] ? opendir(dir) : NULL;
    if (!d) {
        add_unusable(run, k, dir, dir[0] ? -1 : 0, errno);
        return;
    }
    int usable = 0, listed = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char path[KOFU_CONFIG_VALUE_MAX + 300];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        bool named = card_ca_name(e->d_name);
        kcrypto_key *key = named ? kcrypto_rsa_load_pem(path) : NULL;
        ERR_clear_error();
        if (key)
            usable++;
        kcrypto_key_free(key);
        if (listed++ >= CARD_CA_FILES_MAX)
            continue; /* counted, not listed */
        char en[DIAG_SUMMARY_MAX], ja[DIAG_SUMMARY_MAX], shown[48];
        name_for_words(e->d_name, shown, sizeof shown);
        if (!named) {
            /* kenhojo never opens it: a key put there under another name is
             * one a technician meant to install. */
            snprintf(en, sizeof en, "%s %s is not named <issuer key id>.pem: rename it or remove it", k->en, shown);
            snprintf(ja, sizeof ja, "%s %sの名前が「発行者鍵ID.pem」ではありません。名前を直すか削除してください", k->ja,
                     shown);
            add_item(run, k, path, DIAG_WARN, KOFU_E_CREDENTIAL_BAD, "misnamed", LONG_MAX, en, ja);
        } else if (!key) {
            snprintf(en, sizeof en, "%s %.12s… is not an RSA public key of 2048-4096 bits: replace it", k->en, shown);
            snprintf(ja, sizeof ja, "%s %.12s…がRSA公開鍵（2048〜4096ビット）ではありません。交換してください", k->ja,
                     shown);
            add_item(run, k, path, DIAG_FAIL, KOFU_E_CREDENTIAL_BAD, "malformed", LONG_MAX, en, ja);
        } else {
            add_item(run, k, path, DIAG_OK, KOFU_OK, NULL, LONG_MAX, "", "");
        }
    }
    closedir(d);
    if (usable == 0)
        add_item(run, k, dir, DIAG_FAIL, KOFU_E_CREDENTIAL_BAD, "no-key", LONG_MAX,
                 "No usable card-CA key: every card would be refused; install the card CA's key",
                 "使えるカードCA鍵がありません。すべてのカードが拒否されます。カードCA鍵を導入してください");
}

/* The pinned SHC issuer keys: shc_keyset_load refuses a set the verifier
 * would refuse (a kid that is not its key's RFC 7638 thumbprint, ...). */
static void add_shc_keys(struct cred_run *run)
{
    const struct kind *k = &SHC_KEYS;
    const char *file = run->cfg->shc_keyset_file;
    FILE *f = file[0] ? fopen(file, "r") : NULL;
    if (!f) {
        add_unusable(run, k, file, file[0] ? -1 : 0, errno);
        return;
    }
    fclose(f);
    shc_keyset *ks = NULL;
    char why[160] = "";
    if (shc_keyset_load(file, &ks, why, sizeof why) != KOFU_OK) {
        char en[DIAG_SUMMARY_MAX], ja[DIAG_SUMMARY_MAX];
        snprintf(en, sizeof en, "%s refused (%.100s): replace the file", k->en, why);
        snprintf(ja, sizeof ja, "%sが不正です（%.100s）。ファイルを交換してください", k->ja, why);
        json_t *o = add_item(run, k, file, DIAG_FAIL, KOFU_E_CREDENTIAL_BAD, "malformed", LONG_MAX, en, ja);
        if (o)
            json_object_set_new(o, "reason", json_string(why));
        return;
    }
    json_t *o = add_item(run, k, file, DIAG_OK, KOFU_OK, NULL, LONG_MAX, "", "");
    json_t *kids = json_array();
    for (size_t i = 0; kids && i < shc_keyset_count(ks); i++)
        json_array_append_new(kids, json_string(shc_keyset_kid(ks, i)));
    if (o)
        json_object_set_new(o, "kids", kids ? kids : json_array());
    else
        json_decref(kids);
    shc_keyset_free(ks);
}

/* The pinned CSCA: vds_csca_load's rules (CA certificates, EC keys), then
 * each certificate's dates. */
static void add_csca(struct cred_run *run)
{
    const char *file = run->cfg->vds_csca_file;
    vds_csca *csca = NULL;
    char why[160] = "";
    struct cert_info ci[CERT_FILE_MAX];
    int err_no = 0;
    int n = file[0] ? cert_file_read(file, ci, &err_no) : 0;
    if (n > 0 && vds_csca_load(file, &csca, why, sizeof why) != KOFU_OK)
        n = 0;
    vds_csca_free(csca);
    if (n <= 0) {
        add_unusable(run, &VDS_CSCA, file, n, err_no);
        return;
    }
    for (int i = 0; i < n; i++)
        add_cert(run, &VDS_CSCA, file, &ci[i]);
}

void diag_check_credentials(const struct diag_env *env, struct diag_result *r)
{
    const struct kofu_config *cfg = env->cfg;
    struct cred_run run = {.cfg = cfg, .now = time(NULL), .items = json_array(), .worst = DIAG_OK,
                           .worst_days = LONG_MAX, .next_days = LONG_MAX};
    if (!run.items || json_object_set_new(r->detail, "items", run.items) != 0) {
        diag_verdict(r, DIAG_FAIL, KOFU_E_NOMEM, "Out of memory", "メモリ不足");
        return;
    }
    bool have_cert = add_cert_file(&run, &KIOSK_CERT, &KIOSK_CHAIN, cfg->kiosk_cert_file);
    add_kiosk_key(&run, have_cert);
    add_cert_file(&run, &CENTER_CA, &CENTER_CA, cfg->center_ca_file);
    add_csca(&run);
    add_card_ca(&run);
    add_shc_keys(&run);
    if (!strncasecmp(cfg->printer_uri, "ipps://", 7))
        add_cert_file(&run, &PRINTER_CA, &PRINTER_CA, cfg->printer_ca_file);

    json_object_set_new(r->detail, "warn_days", json_integer(cfg->diag_cert_warn_days));
    char en[DIAG_SUMMARY_MAX] = "", ja[DIAG_SUMMARY_MAX] = "";
    if (run.worst != DIAG_OK) {
        kofu_utf8_cut(run.en, 150);
        kofu_utf8_cut(run.ja, 150);
        if (run.n_findings > 1) {
            snprintf(en, sizeof en, "%.150s (+%d more)", run.en, run.n_findings - 1);
            snprintf(ja, sizeof ja, "%.150s（他%d件）", run.ja, run.n_findings - 1);
        } else {
            snprintf(en, sizeof en, "%s", run.en);
            snprintf(ja, sizeof ja, "%s", run.ja);
        }
    } else if (run.next_kind) {
        snprintf(en, sizeof en, "%d credentials OK; the first to end: %s, in %ld days", run.n_ok, run.next_kind->en,
                 run.next_days);
        snprintf(ja, sizeof ja, "%d件すべて正常。最初に期限を迎えるのは%sで、あと%ld日です", run.n_ok,
                 run.next_kind->ja, run.next_days);
    }
    /* Each text is made already, in its own language: each format prints its own. */
    if (en[0])
        diag_verdict(r, run.worst, run.worst_err, "%s%.0s", "%.0s%s", en, ja);
}
