/* fixture.c — see fixture.h. */
#include "tests/conformance/fixture.h"

#include "base/b64.h"
#include "base/errors.h"
#include "base/vault.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CARD_FILE_MAX (16 * 1024)

static const char *const card_members[4] = {"my_number", "attributes", "integrity", "cv_certificate"};

static struct kenhojo_file *card_file(struct kenhojo_card_data *d, size_t i)
{
    struct kenhojo_file *files[4] = {&d->ef_my_number, &d->ef_attributes, &d->ef_integrity, &d->ef_cv_cert};
    return files[i];
}

int fixture_parse_card(const char *text, size_t len, struct kenhojo_card_data **out, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    int rc = KOFU_E_CONFIG;
    struct kenhojo_card_data *d = NULL;
    const char *key;
    json_t *v;
    if (!json_is_object(root)) {
        snprintf(err, errlen, "not one JSON object (line %d)", je.line);
        goto out;
    }
    json_object_foreach(root, key, v) {
        if (key[0] != '_' && strcmp(key, "card") != 0) {
            snprintf(err, errlen, "unknown member %s", key);
            goto out;
        }
    }
    const json_t *card = json_object_get(root, "card");
    if (!json_is_object(card) || json_object_size(card) != 4) {
        snprintf(err, errlen, "card: must be an object with exactly %s, %s, %s, %s", card_members[0],
                 card_members[1], card_members[2], card_members[3]);
        goto out;
    }
    d = kenhojo_card_data_new();
    if (!d) {
        snprintf(err, errlen, "out of vault memory");
        rc = KOFU_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < 4; i++) {
        const json_t *m = json_object_get(card, card_members[i]);
        struct kenhojo_file *f = card_file(d, i);
        if (!json_is_string(m) || !b64_decode(json_string_value(m), json_string_length(m), f->bytes, sizeof f->bytes,
                                              &f->len, false) || f->len == 0) {
            snprintf(err, errlen, "card.%s: not standard base64 of 1..%d bytes", card_members[i], KENHOJO_FILE_MAX);
            goto out;
        }
        f->present = true;
    }
    if (kenhojo_parse_my_number(d->ef_my_number.bytes, d->ef_my_number.len, d->my_number) != KOFU_OK) {
        snprintf(err, errlen, "card.my_number: not an EF 0001 (docs/card.md)");
        goto out;
    }
    if (kenhojo_parse_attributes(d->ef_attributes.bytes, d->ef_attributes.len, &d->attributes) != KOFU_OK) {
        snprintf(err, errlen, "card.attributes: not an EF 0002 (docs/card.md)");
        goto out;
    }
    if (kenhojo_parse_integrity(d->ef_integrity.bytes, d->ef_integrity.len, &d->integrity) != KOFU_OK) {
        snprintf(err, errlen, "card.integrity: not an EF 0003 (docs/card.md)");
        goto out;
    }
    if (kenhojo_parse_cv_cert(d->ef_cv_cert.bytes, d->ef_cv_cert.len, &d->cv_cert) != KOFU_OK) {
        snprintf(err, errlen, "card.cv_certificate: not an EF 0004 (docs/card.md)");
        goto out;
    }
    *out = d;
    d = NULL;
    rc = KOFU_OK;
out:
    if (d)
        explicit_bzero(d, sizeof *d);
    json_decref(root);
    return rc;
}

int fixture_read_card(const char *file, struct kenhojo_card_data **out, char *err, size_t errlen)
{
    char *text = malloc(CARD_FILE_MAX);
    if (!text) {
        snprintf(err, errlen, "%s: out of memory", file);
        return KOFU_E_NOMEM;
    }
    FILE *fp = fopen(file, "rb");
    size_t len = fp ? fread(text, 1, CARD_FILE_MAX, fp) : 0;
    bool too_long = fp && len == CARD_FILE_MAX;
    if (fp)
        fclose(fp);
    int rc = KOFU_E_CONFIG;
    char why[200];
    if (!fp || too_long)
        snprintf(err, errlen, "%s: %s", file, fp ? "too long" : "cannot read");
    else if ((rc = fixture_parse_card(text, len, out, why, sizeof why)) != KOFU_OK)
        snprintf(err, errlen, "%s: %s", file, why);
    /* Synthetic, but a card file all the same: nothing of it stays. */
    explicit_bzero(text, CARD_FILE_MAX);
    free(text);
    return rc;
}

static int cmp_label(const void *a, const void *b)
{
    return strcmp(((const struct fixture_card *)a)->label, ((const struct fixture_card *)b)->label);
}

static int load_cards(struct kit_fixture *f, const char *dir, char *err, size_t errlen)
{
    char path[KOFU_CONFIG_VALUE_MAX + 64];
    snprintf(path, sizeof path, "%s/cards", dir);
    DIR *dp = opendir(path);
    if (!dp) {
        snprintf(err, errlen, "%s: cannot open the directory", path);
        return KOFU_E_CONFIG;
    }
    int rc = KOFU_OK;
    struct dirent *e;
    while (rc == KOFU_OK && (e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".json") != 0 || e->d_name[0] == '.')
            continue;
        if (f->n_cards == FIXTURE_CARDS_MAX || n - 5 >= FIXTURE_LABEL_MAX) {
            snprintf(err, errlen, "%s/%s: more than %d cards, or a label longer than %d bytes", path, e->d_name,
                     FIXTURE_CARDS_MAX, FIXTURE_LABEL_MAX - 1);
            rc = KOFU_E_CONFIG;
            break;
        }
        struct fixture_card *c = &f->cards[f->n_cards];
        snprintf(c->label, sizeof c->label, "%.*s", (int)(n - 5), e->d_name);
        char file[sizeof path + sizeof e->d_name];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        if ((rc = fixture_read_card(file, &c->data, err, errlen)) != KOFU_OK) {
            /* err names the file */
        } else {
            enum kenhojo_auth auth = KENHOJO_AUTH_OK;
            if (kenhojo_authenticate(NULL, c->data, f->card_ca_dir, false, &auth) != KOFU_OK) {
                snprintf(err, errlen, "%s: not authentic under %s (%s)", file, f->card_ca_dir, kenhojo_auth_name(auth));
                rc = KOFU_E_CONFIG;
            } else {
                f->n_cards++;
            }
        }
    }
    closedir(dp);
    if (rc == KOFU_OK && f->n_cards == 0) {
        snprintf(err, errlen, "%s: no cards", path);
        rc = KOFU_E_CONFIG;
    }
    qsort(f->cards, f->n_cards, sizeof f->cards[0], cmp_label);
    return rc;
}

int fixture_load(struct kit_fixture *f, const char *dir, const char *records, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    if (snprintf(f->card_ca_dir, sizeof f->card_ca_dir, "%s/card-ca", dir) >= (int)sizeof f->card_ca_dir) {
        snprintf(err, errlen, "conformance_fixture: path too long");
        return KOFU_E_CONFIG;
    }
    json_error_t je;
    f->records = json_load_file(records, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(f->records) || !json_is_array(json_object_get(f->records, "municipalities")) ||
        !json_is_array(json_object_get(f->records, "residents")) ||
        !json_is_array(json_object_get(f->records, "doses"))) {
        snprintf(err, errlen, "%s: not the records' format (line %d: municipalities, residents, doses)", records,
                 je.line);
        fixture_free(f);
        return KOFU_E_CONFIG;
    }
    int rc = load_cards(f, dir, err, errlen);
    if (rc != KOFU_OK)
        fixture_free(f);
    return rc;
}

void fixture_free(struct kit_fixture *f)
{
    for (size_t i = 0; i < f->n_cards; i++)
        if (f->cards[i].data)
            explicit_bzero(f->cards[i].data, sizeof *f->cards[i].data);
    json_decref(f->records);
    memset(f, 0, sizeof *f);
}

const struct fixture_card *fixture_card(const struct kit_fixture *f, const char *label)
{
    for (size_t i = 0; i < f->n_cards; i++)
        if (!strcmp(f->cards[i].label, label))
            return &f->cards[i];
    return NULL;
}

const char *fixture_str(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : "";
}

const json_t *fixture_municipality(const struct kit_fixture *f, const char *code)
{
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(f->records, "municipalities"), i, m) {
        if (!strcmp(fixture_str(m, "code"), code))
            return m;
    }
    return NULL;
}

bool fixture_participating(const struct kit_fixture *f, const char *code)
{
    const json_t *m = fixture_municipality(f, code);
    return m && json_is_true(json_object_get(m, "participating"));
}

const json_t *fixture_resident(const struct kit_fixture *f, const struct kenhojo_card_data *card)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(f->records, "residents"), i, r) {
        const char *dob = fixture_str(r, "birth_date");
        const char *b = card->attributes.birth_date;
        /* YYYY-MM-DD in the records, YYYYMMDD on the card */
        bool same_dob = strlen(dob) == 10 && !strncmp(dob, b, 4) && !strncmp(dob + 5, b + 4, 2) &&
                        !strncmp(dob + 8, b + 6, 2);
        if (!strcmp(fixture_str(r, "my_number"), card->my_number) &&
            !strcmp(fixture_str(r, "name"), card->attributes.name) && same_dob)
            return r;
    }
    return NULL;
}

static int cmp_dose(const void *a, const void *b)
{
    return strcmp(((const struct fixture_dose *)a)->date, ((const struct fixture_dose *)b)->date);
}

size_t fixture_doses(const struct kit_fixture *f, const json_t *resident, const char *municipality,
                     struct fixture_dose *out, size_t cap)
{
    struct fixture_dose all[FIXTURE_DOSES_MAX];
    size_t n = 0, i;
    json_t *d;
    const char *mn = fixture_str(resident, "my_number");
    json_array_foreach(json_object_get(f->records, "doses"), i, d) {
        if (n == FIXTURE_DOSES_MAX || strcmp(fixture_str(d, "my_number"), mn) != 0)
            continue;
        const char *ctr = fixture_str(d, "country");
        all[n++] = (struct fixture_dose){fixture_str(d, "municipality"), fixture_str(d, "date"), fixture_str(d, "cvx"),
                                         fixture_str(d, "lot"), ctr[0] ? ctr : "JPN", fixture_str(d, "product_en"), 0};
    }
    qsort(all, n, sizeof all[0], cmp_dose);
    size_t m = 0;
    for (i = 0; i < n; i++) {
        all[i].seq = (int)i + 1;
        if ((!municipality || !strcmp(all[i].municipality, municipality)) && m < cap)
            out[m++] = all[i];
    }
    return m;
}
