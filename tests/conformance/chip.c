/* chip.c — see chip.h. */
#include "tests/conformance/chip.h"

#include "base/vault.h"
#include "tests/lib/td3.h"

#include <stdio.h>
#include <string.h>

struct mrtd_data *kit_chip(const struct kit_fixture *fx, const struct kenhojo_card_data *card, const char *birth)
{
    const json_t *resident = fixture_resident(fx, card);
    const char *roman = resident ? fixture_str(resident, "name_roman") : "";
    const char *b = birth ? birth : card->attributes.birth_date;
    const char *space = strchr(roman, ' ');
    size_t ns = space ? (size_t)(space - roman) : strlen(roman);
    if (!resident || ns == 0 || strlen(roman) > MRZ_NAME_MAX - 1 || strlen(b) != 8)
        return NULL;
    struct mrtd_data *p = vault_alloc(sizeof *p);
    if (!p)
        return NULL;
    struct mrz_td3 *m = &p->mrz;
    snprintf(m->doc_code, sizeof m->doc_code, "P");
    snprintf(m->issuing_state, sizeof m->issuing_state, "JPN");
    snprintf(m->nationality, sizeof m->nationality, "JPN");
    snprintf(m->surname, sizeof m->surname, "%.*s", (int)ns, roman);
    snprintf(m->given_names, sizeof m->given_names, "%s", space ? space + 1 : "");
    snprintf(m->docno, sizeof m->docno, KIT_CHIP_NUMBER);
    snprintf(m->birth, sizeof m->birth, "%s", b + 2);
    m->sex = card->attributes.sex == '1' ? 'M' : card->attributes.sex == '2' ? 'F' : '<';
    snprintf(m->expiry, sizeof m->expiry, "310331");
    /* The MRZ's name field: surname << given names, '<' between words. */
    char name[2 * MRZ_NAME_MAX + 3]; /* within MRZ_NAME_MAX: name_roman's length was checked */
    snprintf(name, sizeof name, "%s%s%s", m->surname, m->given_names[0] ? "<<" : "", m->given_names);
    for (char *c = name; *c; c++)
        if (*c == ' ')
            *c = '<';
    td3_dg1(&(struct td3_holder){"JPN", name, KIT_CHIP_NUMBER, "JPN", m->birth, m->sex, m->expiry}, p->dg1);
    p->dg1_len = TD3_DG1_LEN;
    static const char sod[] = "kofu conformance kit: a placeholder EF.SOD";
    memcpy(p->sod, sod, sizeof sod - 1);
    p->sod_len = sizeof sod - 1;
    p->access = MRTD_ACCESS_PACE;
    p->pa = MRTD_PA_OK;
    return p;
}
