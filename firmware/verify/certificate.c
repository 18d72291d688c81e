/* certificate.c — see certificate.h. */
#include "verify/certificate.h"

#include "base/errors.h"
#include "base/log.h"
#include "base/vault.h"

#include <stdio.h>
#include <string.h>

int certificate_trust_load(const struct kofu_config *cfg, struct certificate_trust *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (shc_keyset_load(cfg->shc_keyset_file, &t->keys, err, errlen) != KOFU_OK)
        return KOFU_E_CONFIG;
    if (vds_csca_load(cfg->vds_csca_file, &t->csca, err, errlen) != KOFU_OK) {
        certificate_trust_free(t);
        return KOFU_E_CONFIG;
    }
    /* shc_issuers: allowed iss values separated by spaces or commas. */
    snprintf(t->issuers_buf, sizeof t->issuers_buf, "%s", cfg->shc_issuers);
    char *save = NULL;
    for (char *tok = strtok_r(t->issuers_buf, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
        if (t->n_issuers == CERTIFICATE_ISSUERS_MAX || strncmp(tok, "https://", 8) != 0) {
            snprintf(err, errlen, "shc_issuers: at most %d https:// URLs", CERTIFICATE_ISSUERS_MAX);
            certificate_trust_free(t);
            return KOFU_E_CONFIG;
        }
        t->issuers[t->n_issuers++] = tok;
    }
    if (t->n_issuers == 0) {
        snprintf(err, errlen, "shc_issuers: no issuer is allowed");
        certificate_trust_free(t);
        return KOFU_E_CONFIG;
    }
    return KOFU_OK;
}

void certificate_trust_free(struct certificate_trust *t)
{
    shc_keyset_free(t->keys);
    vds_csca_free(t->csca);
    memset(t, 0, sizeof *t);
}

struct certificate_verified *certificate_verified_new(void)
{
    return vault_alloc(sizeof(struct certificate_verified));
}

/* The printed country names for a code (ISO 3166-1 alpha-3). */
static void country_names(const char *code, const char **ja, const char **en)
{
    static const struct {
        const char *code, *ja, *en;
    } names[] = {{"JPN", "日本", "Japan"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(code, names[i].code)) {
            *ja = names[i].ja;
            *en = names[i].en;
            return;
        }
    *ja = *en = code; /* the code itself: better than a guess */
}

/* The center's display entry for a signed dose: same date, CVX code and lot. */
static const struct center_dose *display_for(const struct center_certificate *c, const struct shc_dose *d)
{
    for (size_t i = 0; i < c->n_doses; i++)
        if (!strcmp(c->doses[i].date, d->date) && !strcmp(c->doses[i].cvx, d->cvx) &&
            !strcmp(c->doses[i].lot, d->lot))
            return &c->doses[i];
    return NULL;
}

/* The seal's dose for a signed SHC dose (same date and lot), for its country. */
static const struct vds_dose *seal_dose_for(const struct vds_document *v, const struct shc_dose *d)
{
    for (size_t i = 0; v && i < v->n_doses; i++)
        if (!strcmp(v->doses[i].date, d->date) && !strcmp(v->doses[i].lot, d->lot))
            return &v->doses[i];
    return NULL;
}

static int refuse(int err, const char *why, const char **reason)
{
    *reason = why;
    kofu_log(KOFU_LOG_INFO, EV_CERT_VERIFY, err, 0);
    return err;
}

static int other_person_or(int err, const char *name)
{
    return (!strcmp(name, "other-name") || !strcmp(name, "other-birth-date") || !strcmp(name, "other-document"))
               ? KOFU_E_CERT_OTHER_PERSON
               : err;
}

/* Fills the page from the verified data (and the agreeing display data). */
static int fill_document(const struct center_certificate *c, struct certificate_verified *v, const char **reason)
{
    struct document_data *doc = &v->doc;
    const struct shc_card *s = v->shc;
    memset(doc, 0, sizeof *doc);
    doc->kind = c->kind == CENTER_OVERSEAS ? DOCUMENT_OVERSEAS : DOCUMENT_DOMESTIC;
    snprintf(v->name, sizeof v->name, "%s%s%s", s->family, s->given[0] ? "\xE3\x80\x80" : "", s->given);
    doc->name = v->name;
    doc->birth_date = s->birth_date;
    if (c->n_doses != s->n_doses)
        return refuse(KOFU_E_CERT_NOT_AUTHENTIC, "display-mismatch", reason);
    doc->n_doses = s->n_doses;
    for (size_t i = 0; i < s->n_doses; i++) {
        const struct center_dose *shown = display_for(c, &s->doses[i]);
        const struct vds_dose *sealed = seal_dose_for(v->vds, &s->doses[i]);
        if (!shown || (v->vds && !sealed))
            return refuse(KOFU_E_CERT_NOT_AUTHENTIC, "display-mismatch", reason);
        struct document_dose *d = &doc->doses[i];
        d->date = s->doses[i].date;
        d->lot = s->doses[i].lot;
        d->product_ja = shown->product_ja;
        d->product_en = shown->product_en;
        d->manufacturer_ja = shown->manufacturer_ja;
        d->manufacturer_en = shown->manufacturer_en;
        /* The SHC does not say where; the seal does (overseas); else the display data. */
        country_names(sealed ? sealed->country : shown->country, &d->country_ja, &d->country_en);
    }
    if (v->vds) {
        doc->name_roman = v->vds->name;
        doc->passport_number = v->vds->passport_number;
        const char *ja, *en;
        country_names(c->passport_nationality, &ja, &en);
        snprintf(v->nationality, sizeof v->nationality, "%s / %s", ja, en);
        doc->nationality = v->nationality;
    }
    doc->issuer_ja = c->issuer.name_ja;
    doc->issuer_en = c->issuer.name_en;
    doc->mayor_ja = c->mayor_ja;
    doc->mayor_en = c->mayor_en;
    doc->certificate_id = c->certificate_id;
    doc->issue_date = c->issue_date;
    doc->shc_jws = c->jws;
    doc->vds_seal = v->vds ? c->vds_seal : NULL;
    return KOFU_OK;
}

int certificate_verify(const struct center_certificate *c, const struct kenhojo_card_data *card,
                       const struct certificate_trust *t, int64_t now, struct certificate_verified *out,
                       const char **reason)
{
    *reason = "ok";
    memset(out, 0, sizeof *out);
    out->shc = shc_card_new();
    if (!out->shc)
        return KOFU_E_NOMEM;
    struct shc_trust st = {t->keys, t->issuers, t->n_issuers, SHC_CLOCK_SKEW};
    struct shc_person who = {card->attributes.name, card->attributes.birth_date};
    enum shc_reason sw;
    int rc = shc_verify(c->jws, &st, now, &who, out->shc, &sw);
    if (rc == KOFU_E_NOMEM)
        return rc;
    if (rc != KOFU_OK)
        return refuse(other_person_or(KOFU_E_CERT_NOT_AUTHENTIC, shc_reason_name(sw)), shc_reason_name(sw), reason);
    if (out->shc->nbf != c->issued_at)
        return refuse(KOFU_E_CERT_NOT_AUTHENTIC, "issued-at", reason);
    if (c->kind == CENTER_OVERSEAS) {
        out->vds = vds_document_new();
        if (!out->vds)
            return KOFU_E_NOMEM;
        struct vds_person vp = {c->name_roman, card->attributes.birth_date, c->passport_number};
        enum vds_reason vw;
        rc = vds_verify(c->vds_seal, strlen(c->vds_seal), t->csca, now, &vp, out->vds, &vw);
        if (rc == KOFU_E_NOMEM)
            return rc;
        if (rc != KOFU_OK) {
            const char *name = vds_reason_name(vw);
            return refuse(other_person_or(KOFU_E_CERT_NOT_AUTHENTIC, name), name, reason);
        }
        if (strcmp(out->vds->uvci, c->certificate_id) != 0)
            return refuse(KOFU_E_CERT_NOT_AUTHENTIC, "uvci", reason);
    }
    rc = fill_document(c, out, reason);
    if (rc == KOFU_OK)
        kofu_log(KOFU_LOG_INFO, EV_CERT_VERIFY, KOFU_OK, 0);
    return rc;
}
