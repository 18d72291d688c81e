/* api.c — see api.h. */
#include "api.h"

#include "base/b64.h"
#include "base/bytes.h"
#include "clock.h"
#include "idem.h"
#include "passport.h"
#include "base/wipeheap.h"
#include "base/kcrypto.h"
#include "card/kenhojo.h"
#include "base/vault.h"

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define API_CARD_FILES 4
#define API_HMAC_KEY_LEN 32

struct api {
    store *db;
    shc_issuer *shc;
    vds_signer *vds;
    vds_signer *other_vds; /* the other-csca fault's, or NULL */
    const char *card_ca_dir;
    idem *memo;
    EVP_MAC *hmac;
    uint8_t fp_key[API_HMAC_KEY_LEN]; /* per process: fingerprints mean nothing elsewhere */
    int open_min, close_min;
    struct fault_set faults;
    struct api_stats stats;
    struct {
        char outcome[12]; /* "refund-owed" is the longest */
        int copies, amount;
        bool has_id;
    } recent[API_RECENT_COMPLETIONS];
    size_t n_recent; /* reports ever noted since the last clear; the ring holds the last 8 */
    char terms_version[API_TERMS_VERSION_MAX + 1];
    char *terms_ja, *terms_en; /* malloc'd */
};

/* Synthetic terms of use, in the shape of the real kiosks' (what is read,
 * what is sent where, what is kept): long enough that a kiosk must scroll. */
static const char api_terms_ja_default[] =
    "新型コロナワクチン接種証明書 コンビニ交付サービス 利用規約（試験用）\n"
    "第1条（目的）この規約は、マイナンバーカードを利用して新型コロナワクチン接種証明書を"
    "キオスク端末で交付するサービスの利用条件を定めるものです。\n"
    "第2条（読み取る情報）本サービスでは、マイナンバーカードの券面事項入力補助用の"
    "アプリケーションから、個人番号、氏名、住所、生年月日及び性別を読み取ります。"
    "読み取りには暗証番号（数字4桁）の入力が必要です。\n"
    "第3条（情報の送信先）読み取った情報は、接種記録の照会と証明書の発行のためにのみ、"
    "暗号化された通信で証明書交付センターに送信されます。センターは、照会の結果を"
    "利用者が選んだ市区町村の接種記録と照合し、証明書を発行します。\n"
    "第4条（情報の保存）キオスク端末は、読み取った情報及び発行された証明書の内容を、"
    "手続の終了時（中止、時間切れ及び障害による終了を含みます。）に消去し、保存しません。"
    "証明書交付センターは、照会及び発行の記録として、要求の識別番号と証明書番号を"
    "10分間に限り保持します。\n"
    "第5条（手数料）証明書の交付には、画面に表示される手数料が必要です。"
    "証明書を印刷できなかったときは、投入された金額を返金します。\n"
    "第6条（禁止事項）他人のマイナンバーカードを利用すること、及び本サービスの運用を"
    "妨げる行為を禁止します。\n"
    "第7条（免責）天災、通信障害その他やむを得ない事由によりサービスを提供できない場合が"
    "あります。\n"
    "第8条（同意）「同意する」を押した時点で、この規約に同意したものとみなします。"
    "同意しない場合は、カードを読み取らずに手続を終了します。";

static const char api_terms_en_default[] =
    "Terms of use of the COVID-19 vaccination certificate kiosk service (test version)\n"
    "1. Purpose. These terms govern the issuing of COVID-19 vaccination certificates at this kiosk "
    "with a My Number card.\n"
    "2. What is read. The kiosk reads, from the card's application for basic information input "
    "support, your Individual Number, name, address, date of birth and sex. Reading requires the "
    "card's 4-digit PIN.\n"
    "3. Where it goes. What is read is sent, over an encrypted connection, only to the certificate "
    "center, to look up your vaccination record in the municipality you choose and to issue the "
    "certificate.\n"
    "4. What is kept. The kiosk erases what it read and the certificate's contents when the "
    "procedure ends, including when it is cancelled, times out or fails, and keeps none of it. "
    "The certificate center keeps only the request's identifier and the certificate number, for "
    "ten minutes, as a record of the request.\n"
    "5. Fee. A certificate costs the fee shown on the screen. If the certificate cannot be "
    "printed, the money inserted is returned.\n"
    "6. Prohibited use. Using another person's card, and anything that disrupts the service, are "
    "prohibited.\n"
    "7. Disclaimer. The service may be unavailable because of disasters, network failures or "
    "other unavoidable causes.\n"
    "8. Consent. Pressing Agree means that you agree to these terms. If you do not agree, the "
    "card is not read and the procedure ends.";

/* What one certificate request needs; lives in the vault. */
struct api_work {
    struct kenhojo_card_data card;
    struct store_resident resident;
    struct store_dose doses[STORE_DOSES_MAX];
    size_t n_doses;
    char jws[SHC_JWS_MAX + 1];
    uint8_t fingerprint[IDEM_FP_LEN];
    char certificate_id[IDEM_CERT_ID_MAX + 1];
    uint8_t dg1[PASSPORT_DG1_MAX];
    size_t dg1_len;
    uint8_t sod[PASSPORT_SOD_MAX]; /* decoded for its size only: this center does not verify it */
    size_t sod_len;
};

/* A validated POST /certificates body: pointers into its json_t. */
struct api_cert_req {
    const char *request_id;
    const char *card[API_CARD_FILES];
    size_t card_len[API_CARD_FILES];
    const char *municipality;
    const char *kind;
    const char *terms_version;
    bool overseas;
    bool has_passport; /* protocol 2's `passport`: the chip's data */
    struct passport_fields passport;
    const char *dg1, *sod; /* base64 */
    size_t dg1_b64_len, sod_b64_len;
};

static const char *const api_card_keys[API_CARD_FILES] = {"my_number", "attributes", "integrity",
                                                          "cv_certificate"};

static const struct {
    int status;
    const char *code, *ja, *en;
} api_errors[API_E__COUNT] = {
    [API_E_BAD_REQUEST] = {400, "bad-request", "要求の形式が正しくありません。", "The request is not valid."},
    [API_E_TOO_LARGE] = {413, "bad-request", "要求が大きすぎます。", "The request is too large."},
    [API_E_NOT_FOUND] = {404, "not-found", "指定された場所が見つかりません。", "There is no such resource."},
    [API_E_METHOD] = {405, "bad-request", "この操作はできません。", "This method is not allowed here."},
    [API_E_NO_RECORD] = {404, "no-record", "この市区町村での接種記録が見つかりません。",
                         "No vaccination record was found in this municipality."},
    [API_E_NOT_PARTICIPATING] = {403, "municipality-not-participating",
                                 "この市区町村はコンビニ交付に参加していません。",
                                 "This municipality does not issue certificates at kiosks."},
    [API_E_CARD_NOT_AUTHENTIC] = {403, "card-not-authentic", "カードの情報を確認できませんでした。",
                                  "The card data could not be verified."},
    [API_E_PASSPORT] = {404, "passport-not-registered",
                        "旅券の情報が登録されていません。市区町村の窓口またはアプリで先に申請してください。",
                        "No passport data is registered. Apply at the municipal office or with the app "
                        "first."},
    [API_E_HOURS] = {403, "outside-service-hours", "ただいまサービス時間外です。",
                     "The service is closed at this time."},
    [API_E_BUSY] = {503, "busy", "ただいま混み合っています。しばらくしてからお試しください。",
                    "The center is busy. Please try again later."},
    [API_E_INTERNAL] = {500, "internal", "センターで障害が発生しました。", "The center had an internal error."},
    [API_E_BAD_GATEWAY] = {502, "bad-gateway", "センターに接続できませんでした。",
                           "The center could not be reached."},
    [API_E_GATEWAY_TIMEOUT] = {504, "gateway-timeout", "センターの応答がありませんでした。",
                               "The center did not answer in time."},
    [API_E_TERMS_OUTDATED] = {409, "terms-outdated", "利用規約が更新されました。もう一度お手続きください。",
                              "The terms of use have changed. Please start again."},
};

const char *api_error_code(enum api_error e) { return api_errors[e].code; }

int api_error_status(enum api_error e) { return api_errors[e].status; }

/* For the log: the protocol code of an error number (NULL when out of range). */
static const char *api_error_name(int code)
{
    return code >= 0 && code < API_E__COUNT ? api_errors[code].code : NULL;
}

/* ---- life cycle ------------------------------------------------------------- */

api *api_new(store *db, shc_issuer *shc, vds_signer *vds, const char *card_ca_dir)
{
    api *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    const struct store_config *c = store_get_config(db);
    a->db = db;
    a->shc = shc;
    a->vds = vds;
    a->card_ca_dir = card_ca_dir;
    a->open_min = c->open_min;
    a->close_min = c->close_min;
    a->memo = idem_new(API_IDEM_MAX);
    cslog_set_error_names(api_error_name);
    if (!api_set_terms(a, API_TERMS_VERSION_DEFAULT, api_terms_ja_default, api_terms_en_default)) {
        api_free(a);
        return NULL;
    }
    a->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!a->memo || !a->hmac || !kcrypto_random(a->fp_key, sizeof a->fp_key)) {
        api_free(a);
        return NULL;
    }
    return a;
}

void api_free(api *a)
{
    if (!a)
        return;
    idem_free(a->memo);
    EVP_MAC_free(a->hmac);
    free(a->terms_ja);
    free(a->terms_en);
    explicit_bzero(a, sizeof *a);
    free(a);
}

void api_set_other_vds(api *a, vds_signer *other) { a->other_vds = other; }

void api_set_hours(api *a, int open_min, int close_min)
{
    a->open_min = open_min;
    a->close_min = close_min;
}

static bool api_terms_version_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n >= 1 && n <= API_TERMS_VERSION_MAX &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* 1..API_TERMS_TEXT_MAX bytes in at most API_TERMS_LINES_MAX lines; line
 * feeds are the only control characters. (UTF-8 validity: jansson refuses
 * to serialize anything else.) */
static bool api_terms_text_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0, lines = 1;
    if (n < 1 || n > API_TERMS_TEXT_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7F)
            return false;
        lines += s[i] == '\n';
    }
    return lines <= API_TERMS_LINES_MAX;
}

bool api_set_terms(api *a, const char *version, const char *ja, const char *en)
{
    if (!api_terms_version_valid(version) || (ja && !api_terms_text_valid(ja)) || (en && !api_terms_text_valid(en)))
        return false;
    char *nja = ja ? strdup(ja) : NULL, *nen = en ? strdup(en) : NULL;
    if ((ja && !nja) || (en && !nen)) {
        free(nja);
        free(nen);
        return false;
    }
    if (nja) {
        free(a->terms_ja);
        a->terms_ja = nja;
    }
    if (nen) {
        free(a->terms_en);
        a->terms_en = nen;
    }
    snprintf(a->terms_version, sizeof a->terms_version, "%s", version);
    return a->terms_ja && a->terms_en;
}

const char *api_terms_version(const api *a) { return a->terms_version; }

struct fault_set *api_faults(api *a) { return &a->faults; }

bool api_set_participating(api *a, const char *code, bool on) { return store_set_participating(a->db, code, on); }

struct api_stats api_get_stats(const api *a) { return a->stats; }

void api_reset_stats(api *a)
{
    memset(&a->stats, 0, sizeof a->stats);
    memset(a->recent, 0, sizeof a->recent);
    a->n_recent = 0;
}

void api_recent_completions(const api *a, char *out, size_t cap)
{
    size_t n = a->n_recent < API_RECENT_COMPLETIONS ? a->n_recent : API_RECENT_COMPLETIONS, used = 0;
    if (cap)
        out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t k = (a->n_recent - n + i) % API_RECENT_COMPLETIONS;
        int w = snprintf(out + used, cap - used, "%s%s:%d:%d:%s", i ? " " : "", a->recent[k].outcome,
                         a->recent[k].copies, a->recent[k].amount, a->recent[k].has_id ? "id" : "noid");
        if (w < 0 || (size_t)w >= cap - used)
            return; /* cap is API_RECENT_LINE_MAX: cannot happen */
        used += (size_t)w;
    }
}

static void api_note_completion(api *a, const struct store_completion *c)
{
    size_t k = a->n_recent++ % API_RECENT_COMPLETIONS;
    snprintf(a->recent[k].outcome, sizeof a->recent[k].outcome, "%s", c->outcome);
    a->recent[k].copies = c->copies_printed;
    a->recent[k].amount = c->amount_yen;
    a->recent[k].has_id = c->certificate_id[0] != '\0';
}

void api_reply_free(struct api_reply *rp)
{
    wipeheap_free(rp->body);
    rp->body = NULL;
    rp->len = 0;
}

/* ---- replies ---------------------------------------------------------------- */

static void api_json_reply(struct api_reply *rp, int status, json_t *v);

static void api_error_reply(struct api_reply *rp, enum api_error e)
{
    cslog_event(CSLOG_ERROR_REPLY, (int)e, (uint64_t)api_errors[e].status);
    json_t *v = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", api_errors[e].code, "message_ja",
                          api_errors[e].ja, "message_en", api_errors[e].en);
    if (!v) { /* out of memory: the status still tells */
        api_reply_free(rp);
        rp->status = api_errors[e].status;
        return;
    }
    api_json_reply(rp, api_errors[e].status, v);
}

/* Serialize v (the reference is taken) as the reply body. */
static void api_json_reply(struct api_reply *rp, int status, json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    json_decref(v);
    api_reply_free(rp);
    if (!text) {
        cslog_event(CSLOG_INTERNAL, CSLOG_AT_JSON, 0);
        if (status != api_errors[API_E_INTERNAL].status)
            api_error_reply(rp, API_E_INTERNAL);
        else
            rp->status = status;
        return;
    }
    rp->status = status;
    rp->body = text;
    rp->len = strlen(text);
}

/* ---- small validators -------------------------------------------------------- */

bool api_uuid_v4_valid(const char *s)
{
    if (strlen(s) != IDEM_REQUEST_ID_LEN)
        return false;
    for (size_t i = 0; i < IDEM_REQUEST_ID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

bool api_certificate_id_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > IDEM_CERT_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '-'))
            return false;
    return true;
}

/* "application/json", optionally with parameters (charset=utf-8). */
static bool api_is_json_type(const char *ct)
{
    static const char want[] = "application/json";
    if (!ct || strncasecmp(ct, want, sizeof want - 1) != 0)
        return false;
    char next = ct[sizeof want - 1];
    return next == '\0' || next == ';' || next == ' ';
}

/* The object has exactly these n keys. */
static bool api_exact_keys(json_t *obj, const char *const *keys, size_t n)
{
    if (!json_is_object(obj) || json_object_size(obj) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!json_object_get(obj, keys[i]))
            return false;
    return true;
}

static const char *api_str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool api_int(json_t *obj, const char *key, json_int_t lo, json_int_t hi, int *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return false;
    *out = (int)json_integer_value(v);
    return true;
}

static bool api_one_of(const char *s, const char *a, const char *b, const char *c)
{
    return s && (strcmp(s, a) == 0 || strcmp(s, b) == 0 || (c && strcmp(s, c) == 0));
}

/* Parse the request's JSON body (a POST with a JSON type and a body within
 * the limit); on failure the error to answer. */
static json_t *api_body_json(const struct api_request *rq, enum api_error *e)
{
    json_error_t jerr;
    if (!api_is_json_type(rq->content_type) || !rq->body) {
        *e = API_E_BAD_REQUEST;
        return NULL;
    }
    json_t *root = json_loadb((const char *)rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
    explicit_bzero(&jerr, sizeof jerr); /* its text may quote the body */
    if (!json_is_object(root)) {
        json_decref(root);
        *e = API_E_BAD_REQUEST;
        return NULL;
    }
    return root;
}

/* ---- GET /config and the key set -------------------------------------------- */

/* Minutes since midnight as HH:MM; 1440 (a closing time) is 24:00. */
static void api_hhmm(int minutes, char out[6])
{
    unsigned m = minutes >= 0 && minutes <= 1440 ? (unsigned)minutes : 0u;
    snprintf(out, 6, "%02u:%02u", (m / 60u) % 25u, m % 60u);
}

static void api_config(api *a, struct api_reply *rp, int protocol)
{
    const struct store_config *c = store_get_config(a->db);
    char open[6], close[6];
    json_t *munis = json_array();
    for (size_t i = 0; munis && i < store_municipality_count(a->db); i++) {
        const struct store_municipality *m = store_municipality_at(a->db, i);
        if (m->participating &&
            json_array_append_new(munis, json_pack("{s:s, s:s, s:s}", "code", m->code, "name_ja", m->name_ja,
                                                   "name_en", m->name_en)) != 0) {
            json_decref(munis);
            munis = NULL;
        }
    }
    api_hhmm(a->open_min, open);
    api_hhmm(a->close_min, close);
    api_json_reply(rp, 200,
                   munis ? json_pack("{s:i, s:{s:s, s:s, s:s}, s:i, s:i, s:o, s:{s:s, s:s, s:s}}", "protocol", protocol,
                                     "service_hours", "open", open, "close", close, "timezone", "Asia/Tokyo",
                                     "fee_per_copy_yen", c->fee_per_copy_yen, "max_copies", c->max_copies,
                                     "municipalities", munis, "terms", "version", a->terms_version, "ja",
                                     a->terms_ja, "en", a->terms_en)
                         : NULL);
}

/* ---- POST /certificates: reading the request --------------------------------- */

/* The `passport` member's shape (docs/center-protocol.md §3, "The passport
 * chip"): every member, its form; DG1 against the fields comes once it is
 * decoded (api_decode_passport). */
static bool api_parse_passport(json_t *p, struct api_cert_req *r)
{
    static const char *const keys[] = {"number",      "nationality", "issuing_state", "surname", "given_names",
                                       "name_roman",  "birth_date",  "sex",           "expiry_date", "access",
                                       "passive_auth", "dg1",        "sod"};
    struct passport_fields *f = &r->passport;
    if (!api_exact_keys(p, keys, sizeof keys / sizeof keys[0]) || !json_is_true(json_object_get(p, "passive_auth")))
        return false;
    f->number = api_str(p, "number");
    f->nationality = api_str(p, "nationality");
    f->issuing_state = api_str(p, "issuing_state");
    f->surname = api_str(p, "surname");
    f->given_names = api_str(p, "given_names");
    f->name_roman = api_str(p, "name_roman");
    f->birth_date = api_str(p, "birth_date");
    f->sex = api_str(p, "sex");
    f->expiry_date = api_str(p, "expiry_date");
    f->access = api_str(p, "access");
    json_t *dg1 = json_object_get(p, "dg1"), *sod = json_object_get(p, "sod");
    if (!json_is_string(dg1) || !json_is_string(sod))
        return false;
    r->dg1 = json_string_value(dg1);
    r->dg1_b64_len = json_string_length(dg1);
    r->sod = json_string_value(sod);
    r->sod_b64_len = json_string_length(sod);
    r->has_passport = true;
    return passport_fields_valid(f);
}

static bool api_parse_cert_req(api *a, json_t *root, struct api_cert_req *r, int protocol)
{
    /* Protocol 1 has no `passport`: there it is an unknown member. */
    static const char *const top[] = {"request_id", "card",     "municipality",  "kind",
                                      "copies",     "language", "terms_version", "passport"};
    const struct store_config *c = store_get_config(a->db);
    json_t *card = json_object_get(root, "card"), *passport = json_object_get(root, "passport");
    size_t n_top = protocol >= 2 && passport ? 8 : 7;
    int copies;
    memset(r, 0, sizeof *r);
    if (!api_exact_keys(root, top, n_top) || !api_exact_keys(card, api_card_keys, API_CARD_FILES))
        return false;
    if (n_top == 8 && (!api_one_of(api_str(root, "kind"), "overseas", "overseas", NULL) ||
                       !api_parse_passport(passport, r)))
        return false;
    r->request_id = api_str(root, "request_id");
    r->terms_version = api_str(root, "terms_version");
    r->municipality = api_str(root, "municipality");
    r->kind = api_str(root, "kind");
    for (int i = 0; i < API_CARD_FILES; i++) {
        json_t *v = json_object_get(card, api_card_keys[i]);
        if (!json_is_string(v))
            return false;
        r->card[i] = json_string_value(v);
        r->card_len[i] = json_string_length(v);
    }
    r->overseas = r->kind && strcmp(r->kind, "overseas") == 0;
    return r->request_id && api_uuid_v4_valid(r->request_id) && r->municipality &&
           store_local_gov_code_valid(r->municipality) && api_one_of(r->kind, "domestic", "overseas", NULL) &&
           api_int(root, "copies", 1, c->max_copies, &copies) &&
           api_one_of(api_str(root, "language"), "ja", "en", NULL) && api_terms_version_valid(r->terms_version);
}

/* Standard base64 of each file, 1..KENHOJO_FILE_MAX bytes, into the vault. */
static bool api_decode_card(const struct api_cert_req *r, struct kenhojo_card_data *d)
{
    struct kenhojo_file *files[API_CARD_FILES] = {&d->ef_my_number, &d->ef_attributes, &d->ef_integrity,
                                                  &d->ef_cv_cert};
    for (int i = 0; i < API_CARD_FILES; i++) {
        struct kenhojo_file *f = files[i];
        if (!b64_decode(r->card[i], r->card_len[i], f->bytes, sizeof f->bytes, &f->len, false) || f->len == 0)
            return false;
        f->present = true;
    }
    return true;
}

/* The chip's files: standard base64, DG1 1..256 bytes and holding the
 * fields, EF.SOD 1..16384 bytes (not verified: the protocol lets a center
 * leave that to the kiosk). */
static bool api_decode_passport(const struct api_cert_req *r, struct api_work *w)
{
    return b64_decode(r->dg1, r->dg1_b64_len, w->dg1, sizeof w->dg1, &w->dg1_len, false) && w->dg1_len > 0 &&
           b64_decode(r->sod, r->sod_b64_len, w->sod, sizeof w->sod, &w->sod_len, false) && w->sod_len > 0 &&
           passport_dg1_matches(w->dg1, w->dg1_len, &r->passport);
}

/* HMAC-SHA-256 under the process key over what decides the certificate:
 * the four files (each length-prefixed), the municipality, the kind and
 * the chip's DG1 when there is one. */
static bool api_fingerprint(api *a, const struct api_cert_req *r, const struct api_work *w,
                            uint8_t out[IDEM_FP_LEN])
{
    const struct kenhojo_card_data *d = &w->card;
    const struct kenhojo_file *files[API_CARD_FILES] = {&d->ef_my_number, &d->ef_attributes, &d->ef_integrity,
                                                        &d->ef_cv_cert};
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)(uintptr_t) "SHA256", 0),
                           OSSL_PARAM_construct_end()};
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(a->hmac);
    size_t len = 0;
    bool ok = ctx && EVP_MAC_init(ctx, a->fp_key, sizeof a->fp_key, params) == 1;
    for (int i = 0; ok && i < API_CARD_FILES; i++) {
        uint8_t n[2] = {(uint8_t)(files[i]->len >> 8), (uint8_t)files[i]->len};
        ok = EVP_MAC_update(ctx, n, sizeof n) == 1 && EVP_MAC_update(ctx, files[i]->bytes, files[i]->len) == 1;
    }
    ok = ok && EVP_MAC_update(ctx, (const uint8_t *)r->municipality, STORE_CODE_LEN) == 1 &&
         EVP_MAC_update(ctx, (const uint8_t *)(r->overseas ? "O" : "D"), 1) == 1;
    if (ok && r->has_passport) {
        uint8_t n[2] = {(uint8_t)(w->dg1_len >> 8), (uint8_t)w->dg1_len};
        ok = EVP_MAC_update(ctx, (const uint8_t *)"P", 1) == 1 && EVP_MAC_update(ctx, n, sizeof n) == 1 &&
             EVP_MAC_update(ctx, w->dg1, w->dg1_len) == 1;
    }
    ok = ok && EVP_MAC_final(ctx, out, &len, IDEM_FP_LEN) == 1 && len == IDEM_FP_LEN;
    EVP_MAC_CTX_free(ctx);
    return ok;
}

static bool api_open_at(const api *a, int64_t now)
{
    int m = clk_jst_minutes(now);
    return m >= a->open_min && m < a->close_min;
}

/* Parse the files and check them as the kiosk does (docs/card.md,
 * Authenticity), with the center's own card-CA keys. No presence proof:
 * that is between the kiosk and the card. */
static bool api_card_authentic(api *a, struct kenhojo_card_data *d)
{
    enum kenhojo_auth why = KENHOJO_AUTH_OK;
    if (kenhojo_parse_my_number(d->ef_my_number.bytes, d->ef_my_number.len, d->my_number) != KOFU_OK ||
        kenhojo_parse_attributes(d->ef_attributes.bytes, d->ef_attributes.len, &d->attributes) != KOFU_OK ||
        kenhojo_parse_integrity(d->ef_integrity.bytes, d->ef_integrity.len, &d->integrity) != KOFU_OK ||
        kenhojo_parse_cv_cert(d->ef_cv_cert.bytes, d->ef_cv_cert.len, &d->cv_cert) != KOFU_OK) {
        cslog_event(CSLOG_CARD_REFUSED, -1, 0);
        return false;
    }
    if (kenhojo_authenticate(NULL, d, a->card_ca_dir, false, &why) != KOFU_OK) {
        cslog_event(CSLOG_CARD_REFUSED, (int)why, 0);
        return false;
    }
    return true;
}

/* The card's name and birth date (YYYYMMDD) against the record (YYYY-MM-DD). */
static bool api_same_person(const struct kenhojo_attributes *card, const struct store_resident *r)
{
    const char *b = r->birth_date;
    return strcmp(card->name, r->name) == 0 && memcmp(card->birth_date, b, 4) == 0 &&
           memcmp(card->birth_date + 4, b + 5, 2) == 0 && memcmp(card->birth_date + 6, b + 8, 2) == 0;
}

/* ---- POST /certificates: the answer ------------------------------------------ */

static json_t *api_issuer_json(const struct store_municipality *m)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "municipality", m->code, "name_ja", m->name_ja, "name_en",
                     m->name_en, "mayor_ja", m->mayor_ja, "mayor_en", m->mayor_en);
}

static json_t *api_doses_json(const struct store_dose *d, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "date", d[i].date, "cvx", d[i].cvx,
                              "product_ja", d[i].product_ja, "product_en", d[i].product_en, "manufacturer_ja",
                              d[i].manufacturer_ja, "manufacturer_en", d[i].manufacturer_en, "lot", d[i].lot,
                              "country", d[i].country, "municipality", d[i].municipality);
        if (json_array_append_new(arr, v) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    return arr;
}

static json_t *api_documents_json(api *a, const struct api_work *w, const struct store_municipality *m,
                                  bool overseas)
{
    json_t *docs = json_pack("[{s:s, s:s}]", "type", "shc", "jws", w->jws);
    if (docs && overseas) {
        json_t *data = vds_data(w->certificate_id, &w->resident, w->doses, w->n_doses, m->name_en);
        const vds_signer *signer = a->faults.other_csca ? a->other_vds : a->vds;
        json_t *seal = NULL;
        if (signer)
            seal = vds_seal(signer, data, a->faults.bad_seal); /* takes data */
        else
            json_decref(data); /* other-csca without its signer */
        if (!seal || json_array_append_new(docs, json_pack("{s:s, s:o}", "type", "vds-nc", "seal", seal)) != 0) {
            cslog_event(CSLOG_INTERNAL, CSLOG_AT_VDS, 0);
            json_decref(docs);
            docs = NULL;
        }
    }
    return docs;
}

static json_t *api_answer_json(api *a, const struct api_work *w, const struct store_municipality *m,
                               const struct api_cert_req *r, int64_t issued_at)
{
    char date[CLK_DATE_LEN + 1];
    clk_jst_date(issued_at, date);
    json_t *docs = api_documents_json(a, w, m, r->overseas);
    json_t *answer = docs ? json_pack("{s:s, s:I, s:s, s:o, s:s, s:o, s:o}", "certificate_id", w->certificate_id,
                                      "issued_at", (json_int_t)issued_at, "issue_date", date, "issuer",
                                      api_issuer_json(m), "kind", r->kind, "documents", docs, "doses",
                                      api_doses_json(w->doses, w->n_doses))
                          : NULL;
    if (answer && r->overseas &&
        json_object_set_new(answer, "passport",
                            json_pack("{s:s, s:s, s:s}", "number", w->resident.passport_number, "nationality",
                                      w->resident.nationality, "name_roman", w->resident.name_roman)) != 0) {
        json_decref(answer);
        answer = NULL;
    }
    return answer;
}

/* The other-person fault: the same request answered with someone else's
 * record (a resident with doses in the same municipality). */
static void api_swap_person(api *a, struct api_work *w, const char *municipality, bool overseas)
{
    if (store_other_resident(a->db, w->resident.my_number, municipality, overseas, &w->resident) != STORE_OK ||
        store_doses(a->db, w->resident.my_number, municipality, w->doses, STORE_DOSES_MAX, &w->n_doses) !=
            STORE_OK ||
        w->n_doses == 0) {
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_OTHER_PERSON, 0); /* detail 0: nobody to swap with */
        return;
    }
    cslog_event(CSLOG_FAULT, CSLOG_FAULT_OTHER_PERSON, 1);
}

/* The card's birth date (YYYYMMDD) is the passport's (YYYY-MM-DD). */
static bool api_same_birth(const struct kenhojo_attributes *card, const char *iso)
{
    return memcmp(card->birth_date, iso, 4) == 0 && memcmp(card->birth_date + 4, iso + 5, 2) == 0 &&
           memcmp(card->birth_date + 6, iso + 8, 2) == 0;
}

/* The chip's name and number, not the registered ones, go on the seal and
 * in the answer's passport. */
static void api_take_chip(struct store_resident *res, const struct passport_fields *f)
{
    snprintf(res->name_roman, sizeof res->name_roman, "%s", f->name_roman);
    snprintf(res->passport_number, sizeof res->passport_number, "%s", f->number);
    snprintf(res->nationality, sizeof res->nationality, "%s", f->nationality);
    res->has_passport = true;
}

/* Find the record the card names, or the error to answer. */
static int api_find_record(api *a, struct api_work *w, const struct api_cert_req *r)
{
    int rc = store_find_resident(a->db, w->card.my_number, &w->resident);
    if (rc == STORE_ERROR)
        return API_E_INTERNAL;
    if (rc == STORE_NOT_FOUND || !api_same_person(&w->card.attributes, &w->resident))
        return API_E_NO_RECORD;
    if (store_doses(a->db, w->resident.my_number, r->municipality, w->doses, STORE_DOSES_MAX, &w->n_doses) !=
        STORE_OK)
        return API_E_INTERNAL;
    if (w->n_doses == 0)
        return API_E_NO_RECORD;
    if (r->has_passport && a->faults.registered_passport && w->resident.has_passport)
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_REGISTERED_PASSPORT, 0);
    else if (r->has_passport)
        api_take_chip(&w->resident, &r->passport);
    else if (r->overseas && !w->resident.has_passport)
        return API_E_PASSPORT;
    return -1;
}

/* Every check, in the order a kiosk can act on (docs/center-protocol.md §3). */
static int api_decide(api *a, const struct api_cert_req *r, struct api_work *w, const struct idem_entry *known,
                      int64_t now, const struct store_municipality **m)
{
    if (known && !kofu_ct_equal(known->fingerprint, w->fingerprint, IDEM_FP_LEN))
        return API_E_BAD_REQUEST; /* a request_id reused for a different request */
    /* A retry of an issued certificate is answered from memory, whatever
     * changed since: it was agreed under the terms of its time, asked within
     * the hours, for a municipality that took part then. Consent to other
     * terms than the current ones is no consent for a new request. */
    if (!known && strcmp(r->terms_version, a->terms_version) != 0)
        return API_E_TERMS_OUTDATED;
    if (!known && !api_open_at(a, now))
        return API_E_HOURS;
    *m = store_municipality_find(a->db, r->municipality);
    if (!*m || (!known && !(*m)->participating))
        return API_E_NOT_PARTICIPATING;
    if (!api_card_authentic(a, &w->card))
        return API_E_CARD_NOT_AUTHENTIC;
    if (r->has_passport && !api_same_birth(&w->card.attributes, r->passport.birth_date)) {
        if (!a->faults.passport_birth_unchecked)
            return API_E_BAD_REQUEST; /* the kiosk compares them before it sends */
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_PASSPORT_BIRTH_UNCHECKED, 0);
    }
    int e = api_find_record(a, w, r);
    if (e == API_E_NO_RECORD && a->faults.wrong_refusal) {
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_WRONG_REFUSAL, 0);
        return API_E_NOT_PARTICIPATING;
    }
    if (e >= 0)
        return e;
    if (a->faults.other_person)
        api_swap_person(a, w, r->municipality, r->overseas);
    return -1;
}

/* The SHC, then (for a new request) the certificate number. */
static int api_make_documents(api *a, struct api_work *w, const struct api_cert_req *r,
                              const struct idem_entry *known, int64_t issued_at)
{
    size_t len = 0;
    int rc = shc_issue(a->shc, &w->resident, w->doses, w->n_doses, issued_at, a->faults.bad_signature, w->jws,
                       sizeof w->jws, &len);
    if (rc == SHC_TOO_LARGE)
        cslog_event(CSLOG_SHC_TOO_LARGE, 0, len);
    if (rc != SHC_OK) {
        if (rc == SHC_ERROR)
            cslog_event(CSLOG_INTERNAL, CSLOG_AT_SHC, 0);
        return API_E_INTERNAL;
    }
    if (known) {
        snprintf(w->certificate_id, sizeof w->certificate_id, "%s", known->certificate_id);
        return -1;
    }
    unsigned long serial = 0;
    int year = clk_jst_year(issued_at);
    if (store_next_serial(a->db, r->municipality, year, &serial) != STORE_OK) {
        cslog_event(CSLOG_INTERNAL, CSLOG_AT_DATABASE, 0);
        return API_E_INTERNAL;
    }
    snprintf(w->certificate_id, sizeof w->certificate_id, "JP-%s-%04d-%06lu", r->municipality, year, serial);
    return -1;
}

static void api_remember(api *a, const struct api_work *w, const struct api_cert_req *r, int64_t issued_at)
{
    struct idem_entry e;
    memset(&e, 0, sizeof e);
    snprintf(e.request_id, sizeof e.request_id, "%s", r->request_id);
    snprintf(e.certificate_id, sizeof e.certificate_id, "%s", w->certificate_id);
    e.issued_at = issued_at;
    memcpy(e.fingerprint, w->fingerprint, IDEM_FP_LEN);
    if (!idem_put(a->memo, &e, issued_at))
        cslog_event(CSLOG_INTERNAL, CSLOG_AT_IDEMPOTENCY, 0);
}

/* The whole decision for a validated request; w is in the vault. */
static void api_issue(api *a, const struct api_cert_req *r, struct api_work *w, struct api_reply *rp)
{
    int64_t now = clk_now();
    const struct store_municipality *m = NULL;
    if (!api_decode_card(r, &w->card) || (r->has_passport && !api_decode_passport(r, w))) {
        api_error_reply(rp, API_E_BAD_REQUEST);
        return;
    }
    if (!api_fingerprint(a, r, w, w->fingerprint)) {
        api_error_reply(rp, API_E_INTERNAL);
        return;
    }
    const struct idem_entry *known = idem_find(a->memo, r->request_id, now);
    if (known && a->faults.reissue && kofu_ct_equal(known->fingerprint, w->fingerprint, IDEM_FP_LEN)) {
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_REISSUE, 0);
        known = NULL; /* issued again: a second certificate for one request */
    }
    int64_t issued_at = known ? known->issued_at : now;
    int e = api_decide(a, r, w, known, now, &m);
    if (e < 0)
        e = api_make_documents(a, w, r, known, issued_at);
    if (e >= 0) {
        api_error_reply(rp, (enum api_error)e);
        return;
    }
    json_t *answer = api_answer_json(a, w, m, r, issued_at);
    if (!answer) {
        api_error_reply(rp, API_E_INTERNAL);
        return;
    }
    if (!known) {
        api_remember(a, w, r, issued_at);
        a->stats.issued++;
    }
    cslog_event(CSLOG_ISSUED, !known, w->n_doses);
    api_json_reply(rp, 200, answer);
}

static void api_certificates(api *a, const struct api_request *rq, struct api_reply *rp, int protocol)
{
    enum api_error e = API_E_BAD_REQUEST;
    struct api_cert_req r;
    if (a->faults.fail_count > 0) {
        a->faults.fail_count--;
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_FAIL_COUNT, a->faults.fail_count);
        api_error_reply(rp, API_E_BUSY);
        return;
    }
    json_t *root = api_body_json(rq, &e);
    if (!root || !api_parse_cert_req(a, root, &r, protocol)) {
        json_decref(root);
        api_error_reply(rp, e);
        return;
    }
    struct api_work *w = vault_alloc(sizeof *w);
    if (w)
        api_issue(a, &r, w, rp);
    else
        api_error_reply(rp, API_E_INTERNAL);
    json_decref(root);
    vault_wipe();
}

/* ---- POST /completions ------------------------------------------------------ */

/* The most a refund receipt can owe: the largest note the acceptor takes
 * on top of the largest fee (notes up to 10000 yen). */
#define API_REFUND_OWED_MAX_YEN 100000

static bool api_parse_completion(api *a, json_t *root, struct store_completion *c)
{
    static const char *const keys[] = {"request_id", "certificate_id", "outcome", "copies_printed", "amount_yen"};
    const struct store_config *cfg = store_get_config(a->db);
    memset(c, 0, sizeof *c);
    if (!api_exact_keys(root, keys, 5))
        return false;
    c->request_id = api_str(root, "request_id");
    c->certificate_id = api_str(root, "certificate_id");
    c->outcome = api_str(root, "outcome");
    if (!c->request_id || !api_uuid_v4_valid(c->request_id) || !c->certificate_id ||
        !(api_one_of(c->outcome, "printed", "failed", "refunded") || api_one_of(c->outcome, "refund-owed", "refund-owed", NULL)) ||
        /* "" only with failed: no certificate reached the kiosk (it may not know one was issued) */
        !(api_certificate_id_valid(c->certificate_id) || (c->certificate_id[0] == '\0' && strcmp(c->outcome, "failed") == 0)) ||
        !api_int(root, "copies_printed", 0, cfg->max_copies, &c->copies_printed) ||
        !api_int(root, "amount_yen", 0, API_REFUND_OWED_MAX_YEN, &c->amount_yen))
        return false;
    /* amount_yen is what the resident finally paid; for refund-owed, what a
     * refund receipt owes them (the device could not give it back). */
    if (strcmp(c->outcome, "printed") == 0)
        return c->copies_printed >= 1 && c->amount_yen == c->copies_printed * cfg->fee_per_copy_yen;
    if (strcmp(c->outcome, "refund-owed") == 0)
        return c->amount_yen >= 1;
    return c->copies_printed == 0 && c->amount_yen == 0;
}

static void api_completions(api *a, const struct api_request *rq, struct api_reply *rp)
{
    enum api_error e = API_E_BAD_REQUEST;
    struct store_completion c;
    json_t *root = api_body_json(rq, &e);
    if (!root || !api_parse_completion(a, root, &c)) {
        json_decref(root);
        api_error_reply(rp, e);
        return;
    }
    int64_t now = clk_now();
    const struct idem_entry *known = idem_find(a->memo, c.request_id, now);
    bool inserted = false;
    c.kiosk = rq->kiosk;
    c.received_at = now;
    bool undelivered = c.certificate_id[0] == '\0'; /* failed, nothing reached the kiosk */
    if (known && !undelivered && strcmp(known->certificate_id, c.certificate_id) != 0) {
        api_error_reply(rp, API_E_BAD_REQUEST); /* not the certificate this request got */
    } else if (store_add_completion(a->db, &c, &inserted) != STORE_OK) {
        cslog_event(CSLOG_INTERNAL, CSLOG_AT_DATABASE, 0);
        api_error_reply(rp, API_E_INTERNAL);
    } else {
        a->stats.completions += inserted;
        /* known: this center issued for the request; the kiosk never got it */
        a->stats.undelivered += inserted && undelivered && known;
        if (inserted)
            api_note_completion(a, &c);
        cslog_event(CSLOG_COMPLETION, inserted, 0);
        api_reply_free(rp);
        rp->status = 204;
    }
    json_decref(root);
}

/* ---- faults and routing ------------------------------------------------------- */

/* A 200 whose body is not JSON: cut off in the middle of a string. */
static void api_malformed(struct api_reply *rp)
{
    static const char text[] = "{\"certificate_id\":\"JP-131016-2026-0000";
    rp->body = wipeheap_malloc(sizeof text);
    if (rp->body) {
        memcpy(rp->body, text, sizeof text);
        rp->len = sizeof text - 1;
    }
    rp->status = 200;
}

/* A 200 of exactly API_OVERSIZED_BODY bytes of valid JSON. */
static void api_oversized(struct api_reply *rp)
{
    static const char head[] = "{\"padding\":\"", tail[] = "\"}";
    rp->status = 200;
    rp->body = wipeheap_malloc(API_OVERSIZED_BODY + 1);
    if (!rp->body)
        return;
    size_t fill = API_OVERSIZED_BODY - (sizeof head - 1) - (sizeof tail - 1);
    memcpy(rp->body, head, sizeof head - 1);
    memset(rp->body + sizeof head - 1, 'x', fill);
    memcpy(rp->body + sizeof head - 1 + fill, tail, sizeof tail);
    rp->len = API_OVERSIZED_BODY;
}

/* The faults that replace the answer whatever the route. */
static bool api_fault_reply(api *a, struct api_reply *rp)
{
    const struct fault_set *f = &a->faults;
    if (f->status) {
        static const struct {
            int status;
            enum api_error e;
        } map[] = {{500, API_E_INTERNAL}, {502, API_E_BAD_GATEWAY}, {503, API_E_BUSY}, {504, API_E_GATEWAY_TIMEOUT}};
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (map[i].status == f->status)
                api_error_reply(rp, map[i].e);
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_STATUS, (uint64_t)f->status);
        return true;
    }
    if (f->malformed_json) {
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_MALFORMED, 0);
        api_malformed(rp);
        return true;
    }
    if (f->oversized_json) {
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_OVERSIZED, API_OVERSIZED_BODY);
        api_oversized(rp);
        return true;
    }
    return false;
}

enum cslog_route api_route_of(const api *a, const char *path)
{
    static const struct {
        const char *path;
        enum cslog_route route;
    } routes[] = {
        {"/kofu/v2/config", CSLOG_ROUTE_CONFIG},
        {"/kofu/v2/certificates", CSLOG_ROUTE_CERTIFICATES},
        {"/kofu/v2/completions", CSLOG_ROUTE_COMPLETIONS},
        {"/kofu/v1/config", CSLOG_ROUTE_CONFIG_V1},
        {"/kofu/v1/certificates", CSLOG_ROUTE_CERTIFICATES_V1},
        {"/kofu/v1/completions", CSLOG_ROUTE_COMPLETIONS_V1},
        {"/.well-known/jwks.json", CSLOG_ROUTE_JWKS},
    };
    if (!path)
        return CSLOG_ROUTE_UNKNOWN;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(path, routes[i].path) == 0)
            return routes[i].route;
    return strcmp(path, shc_issuer_jwks_path(a->shc)) == 0 ? CSLOG_ROUTE_JWKS : CSLOG_ROUTE_UNKNOWN;
}

/* The public listener answers anyone, so it serves the one public thing:
 * GET <iss path>/.well-known/jwks.json (SMART Health Card verifiers fetch
 * it from iss); everything else is not there. */
static void api_route_public(api *a, const struct api_request *rq, struct api_reply *rp)
{
    if (!rq->path || strcmp(rq->path, shc_issuer_jwks_path(a->shc)) != 0) {
        rp->route = CSLOG_ROUTE_UNKNOWN;
        api_error_reply(rp, API_E_NOT_FOUND);
    } else if (rq->method != CSLOG_GET) {
        rp->allow = "GET";
        api_error_reply(rp, API_E_METHOD);
    } else if (rq->has_query || rq->body_len > 0) {
        api_error_reply(rp, API_E_BAD_REQUEST);
    } else {
        api_json_reply(rp, 200, shc_jwks(a->shc, a->faults.jwks_bad_kid));
    }
}

/* Protocol 1's routes are protocol 2's under /kofu/v1/ (docs/center-protocol.md §7). */
static enum cslog_route api_route_base(enum cslog_route r, int *protocol)
{
    *protocol = r == CSLOG_ROUTE_CONFIG_V1 || r == CSLOG_ROUTE_CERTIFICATES_V1 || r == CSLOG_ROUTE_COMPLETIONS_V1 ? 1
                                                                                                                   : 2;
    return r == CSLOG_ROUTE_CONFIG_V1         ? CSLOG_ROUTE_CONFIG
           : r == CSLOG_ROUTE_CERTIFICATES_V1 ? CSLOG_ROUTE_CERTIFICATES
           : r == CSLOG_ROUTE_COMPLETIONS_V1  ? CSLOG_ROUTE_COMPLETIONS
                                              : r;
}

static void api_route(api *a, const struct api_request *rq, struct api_reply *rp)
{
    int protocol;
    enum cslog_route route = api_route_base(rp->route, &protocol);
    bool post = route == CSLOG_ROUTE_CERTIFICATES || route == CSLOG_ROUTE_COMPLETIONS;
    if (rq->public_channel) {
        api_route_public(a, rq, rp);
    } else if (route == CSLOG_ROUTE_UNKNOWN) {
        api_error_reply(rp, API_E_NOT_FOUND);
    } else if (rq->method != (post ? CSLOG_POST : CSLOG_GET)) {
        rp->allow = post ? "POST" : "GET";
        api_error_reply(rp, API_E_METHOD);
    } else if (rq->body_len > API_BODY_MAX) {
        api_error_reply(rp, API_E_TOO_LARGE);
    } else if (rq->has_query || !rq->kiosk) {
        api_error_reply(rp, API_E_BAD_REQUEST); /* no kiosk identity: not over mutual TLS */
    } else if (route == CSLOG_ROUTE_CONFIG) {
        api_config(a, rp, protocol);
    } else if (route == CSLOG_ROUTE_JWKS) {
        api_json_reply(rp, 200, shc_jwks(a->shc, a->faults.jwks_bad_kid));
    } else if (route == CSLOG_ROUTE_CERTIFICATES) {
        api_certificates(a, rq, rp, protocol);
    } else {
        api_completions(a, rq, rp);
    }
}

int api_kiosk_revision(const char *user_agent)
{
    static const char token[] = "kofu/1.";
    if (!user_agent || strncmp(user_agent, token, sizeof token - 1) != 0)
        return 0;
    const char *p = user_agent + sizeof token - 1;
    size_t digits = strspn(p, "0123456789");
    if (digits < 1 || digits > 3 || (p[digits] != '\0' && p[digits] != ' '))
        return 0;
    int n = 0;
    for (size_t i = 0; i < digits; i++)
        n = n * 10 + (p[i] - '0');
    return n;
}

void api_handle(api *a, const struct api_request *rq, struct api_reply *rp)
{
    memset(rp, 0, sizeof *rp);
    a->stats.requests++;
    rp->route = api_route_of(a, rq->path);
    /* Under /kofu/v2/ every kiosk is of revision 2.0 or later (§7). */
    bool v2 = rp->route == CSLOG_ROUTE_CONFIG || rp->route == CSLOG_ROUTE_CERTIFICATES ||
              rp->route == CSLOG_ROUTE_COMPLETIONS;
    if (!rq->public_channel && !v2 && api_kiosk_revision(rq->user_agent) == 0)
        a->stats.revision_1_0++;
    rp->latency_ms = a->faults.latency_ms;
    rp->drop_mid_body = a->faults.drop_mid_body;
    if (!api_fault_reply(a, rp))
        api_route(a, rq, rp);
    if (rp->drop_mid_body)
        cslog_event(CSLOG_FAULT, CSLOG_FAULT_DROP, rp->len / 2);
}
