/* vds.c — see vds.h. */
#include "verify/vds.h"

#include "base/b64.h"
#include "base/bytes.h"
#include "base/jcs.h"
#include "base/jsonv.h"
#include "verify/shc.h"
#include "base/vault.h"
#include "base/words.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#define ES256_SIG_LEN 64
#define SIG_PART_MAX 512
#define EVENTS_MAX VDS_DOSES_MAX

struct vds_csca {
    X509_STORE *store; /* only the pinned CSCA certificates */
};

/* ---- the CSCA ----------------------------------------------------------- */

int vds_csca_load(const char *path, vds_csca **out, char *err, size_t errlen)
{
    if (!out)
        return KOFU_E_ARG;
    *out = NULL;
    FILE *f = path ? fopen(path, "re") : NULL;
    if (!f) {
        kofu_errf(err, errlen, "CSCA: cannot open the file: %s", strerror(errno));
        return KOFU_E_CONFIG;
    }
    ERR_clear_error();
    vds_csca *c = calloc(1, sizeof *c);
    if (c)
        c->store = X509_STORE_new();
    int rc = c && c->store ? KOFU_OK : KOFU_E_NOMEM;
    size_t n = 0;
    X509 *x;
    while (rc == KOFU_OK && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        EVP_PKEY *k = X509_get0_pubkey(x);
        if (++n > VDS_CSCA_MAX) {
            kofu_errf(err, errlen, "CSCA: more than %d certificates", VDS_CSCA_MAX);
            rc = KOFU_E_CONFIG;
        } else if (X509_check_ca(x) != 1) {
            kofu_errf(err, errlen, "CSCA: certificate %zu is not a CA certificate (basicConstraints CA:TRUE)", n);
            rc = KOFU_E_CONFIG;
        } else if (!k || !EVP_PKEY_is_a(k, "EC")) {
            kofu_errf(err, errlen, "CSCA: certificate %zu has no EC key", n);
            rc = KOFU_E_CONFIG;
        } else if (X509_STORE_add_cert(c->store, x) != 1) {
            kofu_errf(err, errlen, "CSCA: certificate %zu could not be added", n);
            rc = KOFU_E_CONFIG;
        }
        X509_free(x);
    }
    /* The loop ends on the end of the file (or on an error above). */
    unsigned long e = ERR_peek_last_error();
    if (rc == KOFU_OK && n == 0) {
        kofu_errf(err, errlen, "CSCA: no PEM certificate in the file");
        rc = KOFU_E_CONFIG;
    } else if (rc == KOFU_OK && e && !(ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE)) {
        kofu_errf(err, errlen, "CSCA: certificate %zu is not readable PEM", n + 1);
        rc = KOFU_E_CONFIG;
    }
    ERR_clear_error();
    fclose(f);
    if (rc != KOFU_OK) {
        vds_csca_free(c);
        return rc;
    }
    *out = c;
    return KOFU_OK;
}

void vds_csca_free(vds_csca *c)
{
    if (!c)
        return;
    X509_STORE_free(c->store);
    free(c);
}

/* Absent is fine (dst stays ""); present must be good text. */
static bool copy_optional_text(char *dst, size_t cap, const json_t *o, const char *key)
{
    return !json_object_get(o, key) || jsonv_copy_text(dst, cap, jsonv_str(o, key), VDS_TEXT_MAX);
}

static bool copy_date(char dst[11], const char *s)
{
    if (!jsonv_date_ok(s, true))
        return false;
    memcpy(dst, s, 11);
    return true;
}

static bool alpha3(const char *s)
{
    return s && strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' &&
           s[2] <= 'Z';
}

/* ---- the signer --------------------------------------------------------- */

static enum vds_reason check_signer(const char *cer, const vds_csca *csca, int64_t now, X509 **signer_out)
{
    uint8_t der[VDS_CERT_DER_MAX];
    size_t der_len = 0;
    size_t cl = strlen(cer);
    if (cl == 0 || !b64_decode(cer, cl, der, sizeof der, &der_len, true))
        return VDS_REASON_CERT_FORM;
    const unsigned char *p = der;
    X509 *signer = d2i_X509(NULL, &p, (long)der_len);
    if (!signer || p != der + der_len) {
        X509_free(signer);
        ERR_clear_error();
        return VDS_REASON_CERT_FORM;
    }
    enum vds_reason r = VDS_REASON_INTERNAL;
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    if (ctx && X509_STORE_CTX_init(ctx, csca->store, signer, NULL) == 1) {
        X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
        X509_VERIFY_PARAM_set_time(param, (time_t)now);
        X509_VERIFY_PARAM_set_depth(param, 0); /* the signer directly under the CSCA */
        if (X509_verify_cert(ctx) == 1) {
            r = VDS_REASON_OK;
        } else {
            int e = X509_STORE_CTX_get_error(ctx);
            r = e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID
                    ? VDS_REASON_CERT_VALIDITY
                    : VDS_REASON_CERT_UNTRUSTED;
        }
    }
    X509_STORE_CTX_free(ctx);
    /* A CSCA "signing" its own seals (it is trusted, so it verifies) is
     * refused here, as is a signer not meant for signatures. */
    if (r == VDS_REASON_OK && (X509_check_ca(signer) != 0 || !(X509_get_key_usage(signer) & KU_DIGITAL_SIGNATURE)))
        r = VDS_REASON_CERT_USAGE;
    if (r == VDS_REASON_OK && !shc_key_is_p256(X509_get0_pubkey(signer)))
        r = VDS_REASON_CERT_KEY;
    ERR_clear_error();
    if (r != VDS_REASON_OK) {
        X509_free(signer);
        return r;
    }
    *signer_out = signer;
    return VDS_REASON_OK;
}

/* ---- msg ------------------------------------------------------------------ */

static enum vds_reason take_dose(const json_t *vd, const json_t *event, struct vds_dose *d)
{
    const json_t *seq = json_object_get(vd, "seq");
    const char *ctr = jsonv_str(vd, "ctr");
    if (!json_is_object(vd) || !copy_date(d->date, jsonv_str(vd, "dvc")) || !json_is_integer(seq) ||
        json_integer_value(seq) < 1 || json_integer_value(seq) > 99 || !alpha3(ctr) ||
        !jsonv_copy_text(d->lot, sizeof d->lot, jsonv_str(vd, "lot"), VDS_TEXT_MAX) ||
        !copy_optional_text(d->adm, sizeof d->adm, vd, "adm") ||
        (json_object_get(vd, "dvn") && !copy_date(d->next_date, jsonv_str(vd, "dvn"))) ||
        !jsonv_copy_text(d->vaccine, sizeof d->vaccine, jsonv_str(event, "des"), VDS_TEXT_MAX) ||
        !jsonv_copy_text(d->product, sizeof d->product, jsonv_str(event, "nam"), VDS_TEXT_MAX) ||
        !copy_optional_text(d->disease, sizeof d->disease, event, "dis"))
        return VDS_REASON_MSG;
    d->seq = (int)json_integer_value(seq);
    memcpy(d->country, ctr, 4);
    return VDS_REASON_OK;
}

static enum vds_reason take_msg(const json_t *msg, struct vds_document *out)
{
    const json_t *pid = json_object_get(msg, "pid"), *ve = json_object_get(msg, "ve");
    const char *sex = jsonv_str(pid, "sex");
    if (!jsonv_copy_text(out->uvci, sizeof out->uvci, jsonv_str(msg, "uvci"), VDS_TEXT_MAX) || !json_is_object(pid) ||
        !jsonv_copy_text(out->name, sizeof out->name, jsonv_str(pid, "n"), VDS_TEXT_MAX) ||
        !copy_date(out->birth_date, jsonv_str(pid, "dob")) ||
        !copy_optional_text(out->passport_number, sizeof out->passport_number, pid, "i") ||
        (json_object_get(pid, "sex") && (!sex || strlen(sex) != 1 || !strchr("MFX", sex[0]))) ||
        (json_object_get(pid, "ai") && !jsonv_printable(jsonv_str(pid, "ai"), VDS_TEXT_MAX)) || !json_is_array(ve))
        return VDS_REASON_MSG;
    if (sex)
        out->sex[0] = sex[0];
    if (json_array_size(ve) == 0)
        return VDS_REASON_NO_DOSES;
    if (json_array_size(ve) > EVENTS_MAX)
        return VDS_REASON_TOO_MANY_DOSES;
    for (size_t i = 0; i < json_array_size(ve); i++) {
        const json_t *ev = json_array_get(ve, i), *vd = json_object_get(ev, "vd");
        if (!json_is_object(ev) || !json_is_array(vd) || json_array_size(vd) == 0)
            return VDS_REASON_MSG;
        for (size_t k = 0; k < json_array_size(vd); k++) {
            if (out->n_doses == VDS_DOSES_MAX)
                return VDS_REASON_TOO_MANY_DOSES;
            enum vds_reason r = take_dose(json_array_get(vd, k), ev, &out->doses[out->n_doses++]);
            if (r != VDS_REASON_OK)
                return r;
        }
    }
    return VDS_REASON_OK;
}

static enum vds_reason check_person(const struct vds_document *d, const struct vds_person *p)
{
    if (strcmp(d->name, p->name) != 0)
        return VDS_REASON_OTHER_NAME;
    if (memcmp(d->birth_date, p->birth_date, 4) != 0 || memcmp(d->birth_date + 5, p->birth_date + 4, 2) != 0 ||
        memcmp(d->birth_date + 8, p->birth_date + 6, 2) != 0)
        return VDS_REASON_OTHER_BIRTH_DATE;
    if (p->passport_number && strcmp(d->passport_number, p->passport_number) != 0)
        return VDS_REASON_OTHER_DOCUMENT;
    return VDS_REASON_OK;
}

/* ---- the seal ------------------------------------------------------------ */

static enum vds_reason verify(const char *text, size_t len, const vds_csca *csca, int64_t now,
                              const struct vds_person *person, struct vds_document *out, uint8_t *canon,
                              size_t canon_cap)
{
    json_t *seal = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    const json_t *data = json_object_get(seal, "data"), *sig = json_object_get(seal, "sig");
    const json_t *hdr = json_object_get(data, "hdr"), *msg = json_object_get(data, "msg");
    const char *cer = jsonv_str(sig, "cer"), *sigvl = jsonv_str(sig, "sigvl"), *is = jsonv_str(hdr, "is");
    const json_t *v = json_object_get(hdr, "v");
    X509 *signer = NULL;
    uint8_t sigbuf[SIG_PART_MAX];
    size_t sig_len = 0;
    kofu_bld b;
    enum vds_reason r = VDS_REASON_OK;
    if (!json_is_object(seal))
        r = VDS_REASON_JSON;
    else if (!json_is_object(data) || !json_is_object(sig) || !json_is_object(hdr) || !json_is_object(msg) ||
             !cer || !sigvl)
        r = VDS_REASON_SHAPE;
    else if (!jsonv_is(hdr, "t", "icao.vacc") || !json_is_integer(v) || json_integer_value(v) != 1 || !alpha3(is))
        r = VDS_REASON_HEADER;
    else if (!jsonv_is(sig, "alg", "ES256"))
        r = VDS_REASON_ALG;
    if (r == VDS_REASON_OK)
        r = check_signer(cer, csca, now, &signer);
    if (r == VDS_REASON_OK && (!*sigvl || !b64_decode(sigvl, strlen(sigvl), sigbuf, sizeof sigbuf, &sig_len, true)))
        r = VDS_REASON_SIGNATURE_FORM;
    if (r == VDS_REASON_OK) {
        bld_init(&b, canon, canon_cap);
        if (!jcs_serialize(data, &b))
            r = VDS_REASON_CANONICAL;
    }
    if (r == VDS_REASON_OK) {
        switch (shc_es256_verify(X509_get0_pubkey(signer), canon, b.len, sigbuf, sig_len)) {
        case KOFU_OK: break;
        case KOFU_E_ARG: r = VDS_REASON_SIGNATURE_FORM; break;
        case KOFU_E_NOT_AUTHENTIC: r = VDS_REASON_SIGNATURE; break;
        default: r = VDS_REASON_INTERNAL; break;
        }
    }
    /* Signed: now the content is worth reading. */
    if (r == VDS_REASON_OK) {
        memcpy(out->issuing_state, is, 4);
        r = take_msg(msg, out);
    }
    if (r == VDS_REASON_OK)
        r = check_person(out, person);
    X509_free(signer);
    json_decref(seal);
    return r;
}

static bool person_ok(const struct vds_person *p)
{
    return p && p->name && p->name[0] && strlen(p->name) <= VDS_TEXT_MAX && p->birth_date &&
           jsonv_date_ok(p->birth_date, false) && (!p->passport_number || strlen(p->passport_number) <= VDS_TEXT_MAX);
}

struct vds_document *vds_document_new(void) { return vault_alloc(sizeof(struct vds_document)); }

int vds_verify(const char *seal, size_t len, const vds_csca *csca, int64_t now, const struct vds_person *person,
               struct vds_document *out, enum vds_reason *why)
{
    if (!why)
        return KOFU_E_ARG;
    *why = VDS_REASON_INTERNAL;
    if (!out)
        return KOFU_E_ARG;
    explicit_bzero(out, sizeof *out);
    if ((!seal && len) || !csca || !person_ok(person))
        return KOFU_E_ARG;
    if (len > VDS_SEAL_INPUT_MAX) {
        *why = VDS_REASON_JSON;
        return KOFU_E_CENTER_RESPONSE;
    }
    /* The canonical form of data is never longer than the seal's text:
     * JCS only drops whitespace and escapes. */
    size_t mark = vault_mark();
    size_t cap = len + 64;
    uint8_t *canon = vault_alloc(cap);
    enum vds_reason r = canon ? verify(seal ? seal : "", len, csca, now, person, out, canon, cap) : VDS_REASON_INTERNAL;
    vault_release(mark);
    *why = r;
    if (r == VDS_REASON_OK)
        return KOFU_OK;
    explicit_bzero(out, sizeof *out);
    if (!canon)
        return KOFU_E_NOMEM;
    return r == VDS_REASON_INTERNAL ? KOFU_E_INTERNAL : KOFU_E_CENTER_RESPONSE;
}

/* ---- words ------------------------------------------------------------------ */

static const struct kofu_word reason_words[VDS_REASON__COUNT] = {
    KOFU_WORD(VDS_REASON_OK, "ok", "電子署名を確認しました。", "The seal is verified."),
    KOFU_WORD(VDS_REASON_JSON, "json", "海外用証明書の電子署名が読めません。",
              "The VDS-NC seal is not a single JSON object."),
    KOFU_WORD(VDS_REASON_SHAPE, "shape", "海外用証明書の電子署名の構成が正しくありません。",
              "The VDS-NC seal lacks data, hdr, msg or sig, or has them in the wrong form."),
    KOFU_WORD(VDS_REASON_HEADER, "header", "海外用証明書の種類が正しくありません。",
              "The VDS-NC seal is not an icao.vacc seal of version 1 from a three-letter state."),
    KOFU_WORD(VDS_REASON_ALG, "alg", "海外用証明書の署名方式が ES256 ではありません。",
              "The VDS-NC seal's signature algorithm is not ES256."),
    KOFU_WORD(VDS_REASON_CERT_FORM, "cert-form", "海外用証明書の署名者証明書が読めません。",
              "The VDS-NC seal's signer certificate is not a DER X.509 certificate."),
    KOFU_WORD(VDS_REASON_CERT_UNTRUSTED, "cert-untrusted", "海外用証明書の署名者が信頼する発行国の認証局の下にありません。",
              "The VDS-NC seal's signer is not certified by the trusted CSCA."),
    KOFU_WORD(VDS_REASON_CERT_VALIDITY, "cert-validity", "海外用証明書の署名者証明書が有効期間外です。",
              "The VDS-NC seal's signer certificate is expired or not yet valid."),
    KOFU_WORD(VDS_REASON_CERT_USAGE, "cert-usage", "海外用証明書の署名者証明書が署名用ではありません。",
              "The VDS-NC seal's signer certificate is not for signing seals."),
    KOFU_WORD(VDS_REASON_CERT_KEY, "cert-key", "海外用証明書の署名者の鍵が P-256 ではありません。",
              "The VDS-NC seal's signer key is not EC P-256."),
    KOFU_WORD(VDS_REASON_SIGNATURE_FORM, "signature-form", "海外用証明書の署名の形式が正しくありません。",
              "The VDS-NC seal's signature is not a 64-byte ES256 value (r‖s)."),
    KOFU_WORD(VDS_REASON_CANONICAL, "canonical", "海外用証明書の内容を正規化できません。",
              "The VDS-NC seal's data has no canonical JSON form (RFC 8785)."),
    KOFU_WORD(VDS_REASON_SIGNATURE, "signature", "海外用証明書の署名が正しくありません。",
              "The VDS-NC seal's signature is wrong."),
    KOFU_WORD(VDS_REASON_MSG, "msg", "海外用証明書の内容が正しくありません。",
              "The VDS-NC seal's content (msg) is malformed."),
    KOFU_WORD(VDS_REASON_NO_DOSES, "no-doses", "海外用証明書に接種記録がありません。",
              "The VDS-NC seal holds no vaccination."),
    KOFU_WORD(VDS_REASON_TOO_MANY_DOSES, "too-many-doses", "海外用証明書の接種記録が多すぎます。",
              "The VDS-NC seal holds more vaccinations than a certificate can."),
    KOFU_WORD(VDS_REASON_OTHER_NAME, "other-name", "別の方の海外用証明書です（氏名が一致しません）。",
              "This is another person's seal: the name does not match."),
    KOFU_WORD(VDS_REASON_OTHER_BIRTH_DATE, "other-birth-date", "別の方の海外用証明書です（生年月日が一致しません）。",
              "This is another person's seal: the birth date does not match."),
    KOFU_WORD(VDS_REASON_OTHER_DOCUMENT, "other-document", "別の方の海外用証明書です（旅券番号が一致しません）。",
              "This is another person's seal: the passport number does not match."),
    KOFU_WORD(VDS_REASON_INTERNAL, "internal", "海外用証明書を確認できませんでした（内部エラー）。",
              "The VDS-NC seal could not be checked (internal error)."),
};

KOFU_WORDS_LOOKUPS(vds_reason_name, vds_reason_text, enum vds_reason, reason_words)
