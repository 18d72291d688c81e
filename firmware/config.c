/* config.c — see config.h. */
#include "config.h"

#include "errors.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct kofu_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->card_ca_dir, sizeof c->card_ca_dir, "%s", "/etc/kofu/card-ca");
    c->card_wait_seconds = 30;
    c->pin_max_tries = 3;
    c->card_presence_required = false;
    snprintf(c->center_ca_file, sizeof c->center_ca_file, "%s", "/etc/kofu/center-ca.pem");
    snprintf(c->kiosk_cert_file, sizeof c->kiosk_cert_file, "%s", "/etc/kofu/kiosk.pem");
    snprintf(c->kiosk_key_file, sizeof c->kiosk_key_file, "%s", "/etc/kofu/kiosk.key.pem");
    c->center_connect_timeout_ms = 3000;
    c->center_timeout_ms = 15000;
    c->center_retries = 3;
    snprintf(c->shc_keyset_file, sizeof c->shc_keyset_file, "%s", "/etc/kofu/shc-issuers.jwks.json");
    snprintf(c->vds_csca_file, sizeof c->vds_csca_file, "%s", "/etc/kofu/vds-csca.pem");
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static bool parse_int(const char *v, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi)
        return false;
    *out = (int)x;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        return (*out = true), true;
    if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        return (*out = false), true;
    return false;
}

static bool set_string(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(v);
    if (n >= cap)
        return false;
    memcpy(dst, v, n + 1);
    return true;
}

static bool apply(struct kofu_config *c, const char *key, const char *v, const char **why)
{
    *why = "bad value";
    if (!strcmp(key, "reader"))
        return set_string(c->reader, sizeof c->reader, v);
    if (!strcmp(key, "card_ca_dir"))
        return set_string(c->card_ca_dir, sizeof c->card_ca_dir, v);
    if (!strcmp(key, "card_wait_seconds"))
        return parse_int(v, 0, 3600, &c->card_wait_seconds);
    if (!strcmp(key, "pin_max_tries"))
        return parse_int(v, 1, 15, &c->pin_max_tries);
    if (!strcmp(key, "card_presence_required"))
        return parse_bool(v, &c->card_presence_required);
    if (!strcmp(key, "center_url"))
        return !strncmp(v, "https://", 8) && set_string(c->center_url, sizeof c->center_url, v);
    if (!strcmp(key, "center_ca_file"))
        return set_string(c->center_ca_file, sizeof c->center_ca_file, v);
    if (!strcmp(key, "kiosk_cert_file"))
        return set_string(c->kiosk_cert_file, sizeof c->kiosk_cert_file, v);
    if (!strcmp(key, "kiosk_key_file"))
        return set_string(c->kiosk_key_file, sizeof c->kiosk_key_file, v);
    if (!strcmp(key, "center_connect_timeout_ms"))
        return parse_int(v, 100, 60000, &c->center_connect_timeout_ms);
    if (!strcmp(key, "center_timeout_ms"))
        return parse_int(v, 100, 120000, &c->center_timeout_ms);
    if (!strcmp(key, "center_retries"))
        return parse_int(v, 0, 10, &c->center_retries);
    if (!strcmp(key, "shc_keyset_file"))
        return set_string(c->shc_keyset_file, sizeof c->shc_keyset_file, v);
    if (!strcmp(key, "shc_issuers"))
        return set_string(c->shc_issuers, sizeof c->shc_issuers, v);
    if (!strcmp(key, "vds_csca_file"))
        return set_string(c->vds_csca_file, sizeof c->vds_csca_file, v);
    if (!strcmp(key, "printer_uri"))
        return set_string(c->printer_uri, sizeof c->printer_uri, v);
    *why = "unknown key";
    return false;
}

int config_load(struct kofu_config *c, const char *path, bool must_exist, char *err, size_t err_len)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        if (!must_exist && errno == ENOENT)
            return KOFU_OK;
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return KOFU_E_CONFIG;
    }
    char line[2 * KOFU_CONFIG_VALUE_MAX];
    int lineno = 0, rc = KOFU_OK;
    while (rc == KOFU_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, err_len, "%s:%d: line too long", path, lineno);
            rc = KOFU_E_CONFIG;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        const char *why = "expected key = value";
        if (!eq || !apply(c, trim((*eq = '\0', s)), trim(eq + 1), &why)) {
            snprintf(err, err_len, "%s:%d: %s", path, lineno, why);
            rc = KOFU_E_CONFIG;
        }
    }
    fclose(f);
    return rc;
}

int config_load_for_command(struct kofu_config *c, const char *path)
{
    char err[512] = "";
    config_defaults(c);
    if (!path)
        path = getenv("KOFU_CONFIG");
    int rc = config_load(c, path ? path : KOFU_CONFIG_DEFAULT_PATH, path != NULL, err, sizeof err);
    if (rc != KOFU_OK)
        fprintf(stderr, "kofu: config: %s\n", err);
    return rc;
}
