/* page.c — see page.h. */
#include "kiosk/page.h"

#include "base/errors.h"
#include "base/vault.h"

#include <stdio.h>
#include <string.h>

_Static_assert(SHC_DOSES_MAX <= DOCUMENT_DOSES_MAX, "the page lists every dose a card can sign");

struct kiosk_page *kiosk_page_new(void) { return vault_alloc(sizeof(struct kiosk_page)); }

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

int kiosk_page_fill(const struct certificate_verified *v, struct kiosk_page *out)
{
    memset(out, 0, sizeof *out);
    if (!v || !v->shc || !v->answer || v->n_doses == 0 || v->n_doses > DOCUMENT_DOSES_MAX ||
        (v->answer->kind == CENTER_OVERSEAS) != (v->vds != NULL))
        return KOFU_E_ARG;
    for (size_t i = 0; i < v->n_doses; i++)
        if (!v->doses[i].signed_dose || !v->doses[i].shown)
            return KOFU_E_ARG;
    const struct center_certificate *c = v->answer;
    const struct shc_card *s = v->shc;
    struct document_data *doc = &out->doc;
    doc->kind = c->kind == CENTER_OVERSEAS ? DOCUMENT_OVERSEAS : DOCUMENT_DOMESTIC;
    snprintf(out->name, sizeof out->name, "%s%s%s", s->family, s->given[0] ? "\xE3\x80\x80" : "", s->given);
    doc->name = out->name;
    doc->birth_date = s->birth_date;
    doc->n_doses = v->n_doses;
    for (size_t i = 0; i < v->n_doses; i++) {
        const struct certificate_dose *vd = &v->doses[i];
        struct document_dose *d = &doc->doses[i];
        d->date = vd->signed_dose->date;
        d->lot = vd->signed_dose->lot;
        d->product_ja = vd->shown->product_ja;
        d->product_en = vd->shown->product_en;
        d->manufacturer_ja = vd->shown->manufacturer_ja;
        d->manufacturer_en = vd->shown->manufacturer_en;
        /* The SHC does not say where; the seal does (overseas); else the display data. */
        country_names(vd->sealed ? vd->sealed->country : vd->shown->country, &d->country_ja, &d->country_en);
    }
    if (v->vds) {
        doc->name_roman = v->vds->name;
        doc->passport_number = v->vds->passport_number;
        const char *ja, *en;
        country_names(c->passport_nationality, &ja, &en);
        snprintf(out->nationality, sizeof out->nationality, "%s / %s", ja, en);
        doc->nationality = out->nationality;
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
