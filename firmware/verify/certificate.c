/* certificate.c — see certificate.h. */
#include "verify/certificate.h"

#include "base/errors.h"
#include "base/log.h"
#include "base/vault.h"
#include "base/words.h"

#include <stdbool.h>
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

static bool other_person(const struct certificate_refusal *r)
{
    return r->shc == SHC_REASON_OTHER_NAME || r->shc == SHC_REASON_OTHER_BIRTH_DATE ||
           r->vds == VDS_REASON_OTHER_NAME || r->vds == VDS_REASON_OTHER_BIRTH_DATE ||
           r->vds == VDS_REASON_OTHER_DOCUMENT || r->why == CERTIFICATE_REASON_PASSPORT;
}

/* The log's detail: the check, and the SHC's or the seal's reason (no resident data). */
static uint32_t refusal_detail(const struct certificate_refusal *r)
{
    unsigned sub = r->why == CERTIFICATE_REASON_SHC ? (unsigned)r->shc
                   : r->why == CERTIFICATE_REASON_VDS ? (unsigned)r->vds
                                                      : 0;
    return (uint32_t)r->why * 100 + sub;
}

static int refuse(struct certificate_refusal *r, enum certificate_reason why)
{
    r->why = why;
    int err = why == CERTIFICATE_REASON_INTERNAL ? KOFU_E_NOMEM
              : other_person(r)                  ? KOFU_E_CERT_OTHER_PERSON
                                                 : KOFU_E_CERT_NOT_AUTHENTIC;
    kofu_log(KOFU_LOG_INFO, EV_CERT_VERIFY, err, refusal_detail(r));
    return err;
}

/* Every signed dose has its display entry (and overseas its sealed dose),
 * and the center shows no more doses than were signed. */
static bool tie_doses(const struct center_certificate *c, struct certificate_verified *v)
{
    const struct shc_card *s = v->shc;
    if (c->n_doses != s->n_doses || s->n_doses > SHC_DOSES_MAX)
        return false;
    for (size_t i = 0; i < s->n_doses; i++) {
        struct certificate_dose *d = &v->doses[i];
        d->signed_dose = &s->doses[i];
        d->shown = display_for(c, d->signed_dose);
        d->sealed = seal_dose_for(v->vds, d->signed_dose);
        if (!d->shown || (v->vds && !d->sealed))
            return false;
    }
    v->n_doses = s->n_doses;
    return true;
}

int certificate_verify(const struct center_certificate *c, const struct kenhojo_card_data *card,
                       const struct certificate_trust *t, int64_t now, struct certificate_verified *out,
                       struct certificate_refusal *why)
{
    *why = (struct certificate_refusal){CERTIFICATE_REASON_OK, SHC_REASON_OK, VDS_REASON_OK};
    memset(out, 0, sizeof *out);
    out->answer = c;
    out->shc = shc_card_new();
    if (!out->shc)
        return refuse(why, CERTIFICATE_REASON_INTERNAL);
    struct shc_trust st = {t->keys, t->issuers, t->n_issuers, SHC_CLOCK_SKEW};
    struct shc_person who = {card->attributes.name, card->attributes.birth_date};
    int rc = shc_verify(c->jws, &st, now, &who, out->shc, &why->shc);
    if (rc == KOFU_E_NOMEM)
        return refuse(why, CERTIFICATE_REASON_INTERNAL);
    if (rc != KOFU_OK)
        return refuse(why, CERTIFICATE_REASON_SHC);
    if (out->shc->nbf != c->issued_at)
        return refuse(why, CERTIFICATE_REASON_ISSUED_AT);
    if (c->kind == CENTER_OVERSEAS) {
        out->vds = vds_document_new();
        if (!out->vds)
            return refuse(why, CERTIFICATE_REASON_INTERNAL);
        /* With the chip's data, the seal must name the chip's person and
         * document, whatever the answer's echo says. */
        struct vds_person vp = {c->chip_read ? c->chip_name_roman : c->name_roman, card->attributes.birth_date,
                                c->chip_read ? c->chip_number : c->passport_number};
        rc = vds_verify(c->vds_seal, strlen(c->vds_seal), t->csca, now, &vp, out->vds, &why->vds);
        if (rc == KOFU_E_NOMEM)
            return refuse(why, CERTIFICATE_REASON_INTERNAL);
        if (rc != KOFU_OK)
            return refuse(why, CERTIFICATE_REASON_VDS);
        if (strcmp(out->vds->uvci, c->certificate_id) != 0)
            return refuse(why, CERTIFICATE_REASON_UVCI);
        if (c->chip_read &&
            (strcmp(c->name_roman, c->chip_name_roman) != 0 || strcmp(c->passport_number, c->chip_number) != 0 ||
             strcmp(c->passport_nationality, c->chip_nationality) != 0))
            return refuse(why, CERTIFICATE_REASON_PASSPORT);
    }
    if (!tie_doses(c, out))
        return refuse(why, CERTIFICATE_REASON_DISPLAY_MISMATCH);
    kofu_log(KOFU_LOG_INFO, EV_CERT_VERIFY, KOFU_OK, 0);
    return KOFU_OK;
}

static const struct kofu_word reason_names[CERTIFICATE_REASON__COUNT] = {
    KOFU_NAME(CERTIFICATE_REASON_OK, "ok"),
    KOFU_NAME(CERTIFICATE_REASON_SHC, "shc"),
    KOFU_NAME(CERTIFICATE_REASON_VDS, "vds"),
    KOFU_NAME(CERTIFICATE_REASON_ISSUED_AT, "issued-at"),
    KOFU_NAME(CERTIFICATE_REASON_UVCI, "uvci"),
    KOFU_NAME(CERTIFICATE_REASON_DISPLAY_MISMATCH, "display-mismatch"),
    KOFU_NAME(CERTIFICATE_REASON_INTERNAL, "internal"),
    KOFU_NAME(CERTIFICATE_REASON_PASSPORT, "passport"),
};

const char *certificate_refusal_name(const struct certificate_refusal *why)
{
    if (!why)
        return "unknown";
    if (why->why == CERTIFICATE_REASON_SHC)
        return shc_reason_name(why->shc);
    if (why->why == CERTIFICATE_REASON_VDS)
        return vds_reason_name(why->vds);
    return KOFU_WORDS_NAME(reason_names, why->why);
}
