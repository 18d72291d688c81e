/* sc_jwks.c — the jwks.* scenarios (docs/conformance.md): the SHC key set
 * the center serves, at /.well-known/jwks.json and at its iss's path
 * (docs/center-protocol.md §6), read by kofu's own loader. */
#include "tests/conformance/kit.h"

#include "base/errors.h"
#include "base/wipeheap.h"
#include "verify/shc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECTION "§6 Keys"

/* The two places the key set is served: the kiosk channel's and the path
 * of the first allowed iss (on the center's host: a test center's iss host
 * need not resolve). */
static size_t jwks_paths(const struct kit *k, char paths[2][KOFU_CONFIG_VALUE_MAX + 32])
{
    snprintf(paths[0], sizeof paths[0], "/.well-known/jwks.json");
    if (k->trust.n_issuers < 1 || strncmp(k->trust.issuers[0], "https://", 8) != 0)
        return 1;
    const char *path = strchr(k->trust.issuers[0] + 8, '/');
    if (!path)
        return 1;
    snprintf(paths[1], sizeof paths[1], "%s/.well-known/jwks.json", path);
    return 2;
}

static bool fetch(struct kit *k, struct kit_result *r, const char *path, struct wire_resp *a)
{
    struct wire_req q = {.method = "GET", .path = path};
    char got[300];
    wire_call(k, &q, a);
    if (a->answered && a->status == 200 && a->body)
        return true;
    char expected[2 * KOFU_CONFIG_VALUE_MAX + 128];
    snprintf(expected, sizeof expected, "200 with the key set for GET %s", path);
    return kit_fail(r, SECTION, expected, "%s", wire_describe(a, got, sizeof got));
}

void sc_jwks_kids_are_thumbprints(struct kit *k, struct kit_result *r)
{
    char paths[2][KOFU_CONFIG_VALUE_MAX + 32];
    size_t n = jwks_paths(k, paths);
    for (size_t i = 0; i < n; i++) {
        struct wire_resp a;
        if (!fetch(k, r, paths[i], &a))
            return;
        shc_keyset *ks = NULL;
        char err[300];
        if (shc_keyset_parse((const char *)a.body, a.len, &ks, err, sizeof err) != KOFU_OK) {
            char expected[2 * KOFU_CONFIG_VALUE_MAX + 256];
            snprintf(expected, sizeof expected,
                     "the key set at %s: EC P-256 keys, each kid the RFC 7638 thumbprint, no private part (d)",
                     paths[i]);
            kit_fail(r, SECTION, expected, "kofu's key-set loader refused it: %s", err);
            return;
        }
        shc_keyset_free(ks);
    }
}

/* x‖y of each key, as text: kids are not compared (another scenario's). */
static size_t key_points(const char *text, size_t len, char pts[][200], size_t cap)
{
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    size_t n = 0, i;
    json_t *key;
    json_array_foreach(json_object_get(root, "keys"), i, key) {
        const json_t *x = json_object_get(key, "x"), *y = json_object_get(key, "y");
        if (n < cap && json_is_string(x) && json_is_string(y))
            snprintf(pts[n++], sizeof pts[0], "%s.%s", json_string_value(x), json_string_value(y));
    }
    json_decref(root);
    return n;
}

/* The pinned keys' points into want; false (a skip recorded) when the
 * pinned file cannot be read. */
static bool pinned_points(const struct kit *k, struct kit_result *r, char want[][200], size_t *nw)
{
    json_error_t je;
    json_t *pinned = json_load_file(k->cfg.shc_keyset_file, JSON_REJECT_DUPLICATES, &je);
    char *ptext = pinned ? json_dumps(pinned, JSON_COMPACT) : NULL;
    json_decref(pinned);
    if (!ptext) {
        kit_skip(r, "shc_keyset_file cannot be read as JSON");
        return false;
    }
    *nw = key_points(ptext, strlen(ptext), want, SHC_KEYSET_MAX);
    json_text_free(ptext);
    return true;
}

/* Every pinned key is among those served at `where`. */
static bool has_pinned(struct kit_result *r, const struct wire_resp *a, const char *where, char want[][200], size_t nw)
{
    char have[SHC_KEYSET_MAX][200];
    size_t nh = key_points((const char *)a->body, a->len, have, SHC_KEYSET_MAX);
    for (size_t w = 0; w < nw; w++) {
        bool found = false;
        for (size_t h = 0; h < nh && !found; h++)
            found = !strcmp(want[w], have[h]);
        if (!found) {
            char expected[2 * KOFU_CONFIG_VALUE_MAX + 256];
            snprintf(expected, sizeof expected, "every key kiosks pin (shc_keyset_file) served at %s", where);
            return kit_fail(r, SECTION, expected, "pinned key %zu of %zu is not there (%zu keys served)", w + 1, nw,
                            nh);
        }
    }
    return true;
}

void sc_jwks_same_keys_as_pinned(struct kit *k, struct kit_result *r)
{
    char want[SHC_KEYSET_MAX][200];
    size_t nw;
    if (!pinned_points(k, r, want, &nw))
        return;
    char paths[2][KOFU_CONFIG_VALUE_MAX + 32];
    size_t n = jwks_paths(k, paths);
    for (size_t i = 0; i < n; i++) {
        struct wire_resp a;
        if (!fetch(k, r, paths[i], &a) || !has_pinned(r, &a, paths[i], want, nw))
            return;
    }
}

/* SHC verifiers outside the kiosks (a traveller's app, a border officer's
 * reader) have no kiosk certificate: they fetch the key set from iss
 * itself. Its kids are jwks.kids-are-thumbprints' business; this one asks
 * only that the key set is there, to anyone, with the pinned keys. */
void sc_jwks_public(struct kit *k, struct kit_result *r)
{
    const char *iss = k->issuer_url[0] ? k->issuer_url : k->trust.n_issuers > 0 ? k->trust.issuers[0] : NULL;
    if (!iss)
        return kit_skip(r, "neither conformance_issuer_url nor shc_issuers is set: the issuer's URL is not known");
    char want[SHC_KEYSET_MAX][200];
    size_t nw;
    if (!pinned_points(k, r, want, &nw))
        return;
    size_t l = strlen(iss);
    while (l && iss[l - 1] == '/')
        l--;
    char url[KOFU_CONFIG_VALUE_MAX + 32], expected[2 * KOFU_CONFIG_VALUE_MAX + 128], got[300];
    snprintf(url, sizeof url, "%.*s/.well-known/jwks.json", (int)l, iss);
    struct wire_req q = {.method = "GET", .url = url, .cert = WIRE_CERT_NONE, .tls_any = true,
                         .ca_file = k->issuer_ca[0] ? k->issuer_ca : NULL};
    struct wire_resp a;
    wire_call(k, &q, &a);
    if (!a.answered || a.status != 200 || !a.body) {
        snprintf(expected, sizeof expected,
                 "200 with the key set for GET %s without a client certificate (verifiers outside the kiosks fetch it "
                 "from iss)",
                 url);
        return (void)kit_fail(r, SECTION, expected, "%s", wire_describe(&a, got, sizeof got));
    }
    has_pinned(r, &a, url, want, nw);
}
