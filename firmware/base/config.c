/* config.c — see config.h. */
#include "base/config.h"

#include "base/errors.h"
#include "session/session.h" /* the default time-outs */

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int (*config_extra_key)(const char *key, const char *value);

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
    snprintf(c->printer_ca_file, sizeof c->printer_ca_file, "%s", "/etc/kofu/printer-ca.pem");
    c->print_timeout_ms = 120000;
    c->screen_width = 1280;
    c->screen_height = 800;
    snprintf(c->prompt_dir, sizeof c->prompt_dir, "%s", "/usr/share/kofu/prompts");
    snprintf(c->default_language, sizeof c->default_language, "%s", "ja");
    c->inactivity_warn_ms = SESSION_INACTIVITY_WARN_MS_DEFAULT;
    c->inactivity_cancel_ms = SESSION_INACTIVITY_CANCEL_MS_DEFAULT;
    c->wait_warn_ms = SESSION_WAIT_WARN_MS_DEFAULT;
    c->wait_timeout_ms = SESSION_WAIT_TIMEOUT_MS_DEFAULT;
    c->reminder_ms = SESSION_REMINDER_MS_DEFAULT;
    c->left_behind_ms = SESSION_LEFT_BEHIND_MS_DEFAULT;
    c->notice_ms = SESSION_NOTICE_MS_DEFAULT;
    c->config_refresh_seconds = 600;
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

bool config_parse_int(const char *v, int lo, int hi, int *out)
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
        return config_parse_int(v, 0, 3600, &c->card_wait_seconds);
    if (!strcmp(key, "pin_max_tries"))
        return config_parse_int(v, 1, 15, &c->pin_max_tries);
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
        return config_parse_int(v, 100, 60000, &c->center_connect_timeout_ms);
    if (!strcmp(key, "center_timeout_ms"))
        return config_parse_int(v, 100, 120000, &c->center_timeout_ms);
    if (!strcmp(key, "center_retries"))
        return config_parse_int(v, 0, 10, &c->center_retries);
    if (!strcmp(key, "shc_keyset_file"))
        return set_string(c->shc_keyset_file, sizeof c->shc_keyset_file, v);
    if (!strcmp(key, "shc_issuers"))
        return set_string(c->shc_issuers, sizeof c->shc_issuers, v);
    if (!strcmp(key, "vds_csca_file"))
        return set_string(c->vds_csca_file, sizeof c->vds_csca_file, v);
    if (!strcmp(key, "printer_uri"))
        return set_string(c->printer_uri, sizeof c->printer_uri, v);
    if (!strcmp(key, "printer_ca_file"))
        return set_string(c->printer_ca_file, sizeof c->printer_ca_file, v);
    if (!strcmp(key, "printer_private_link"))
        return parse_bool(v, &c->printer_private_link);
    if (!strcmp(key, "print_timeout_ms"))
        return config_parse_int(v, 1000, 600000, &c->print_timeout_ms);
    if (!strcmp(key, "display"))
        return set_string(c->display, sizeof c->display, v);
    if (!strcmp(key, "display_device"))
        return set_string(c->display_device, sizeof c->display_device, v);
    if (!strcmp(key, "screen_width"))
        return config_parse_int(v, 800, 7680, &c->screen_width);
    if (!strcmp(key, "screen_height"))
        return config_parse_int(v, 480, 4320, &c->screen_height);
    if (!strcmp(key, "input_device"))
        return set_string(c->input_device, sizeof c->input_device, v);
    if (!strcmp(key, "audio_device"))
        return set_string(c->audio_device, sizeof c->audio_device, v);
    if (!strcmp(key, "prompt_dir"))
        return set_string(c->prompt_dir, sizeof c->prompt_dir, v);
    if (!strcmp(key, "payment_device"))
        return set_string(c->payment_device, sizeof c->payment_device, v);
    if (!strcmp(key, "default_language"))
        return (!strcmp(v, "ja") || !strcmp(v, "en")) &&
               set_string(c->default_language, sizeof c->default_language, v);
    static const struct {
        const char *key;
        size_t offset;
        int lo, hi;
    } ms_keys[] = {
        {"inactivity_warn_ms", offsetof(struct kofu_config, inactivity_warn_ms), 200, 600000},
        {"inactivity_cancel_ms", offsetof(struct kofu_config, inactivity_cancel_ms), 200, 600000},
        {"wait_warn_ms", offsetof(struct kofu_config, wait_warn_ms), 200, 600000},
        {"wait_timeout_ms", offsetof(struct kofu_config, wait_timeout_ms), 200, 3600000},
        {"reminder_ms", offsetof(struct kofu_config, reminder_ms), 200, 600000},
        {"left_behind_ms", offsetof(struct kofu_config, left_behind_ms), 200, 3600000},
        {"notice_ms", offsetof(struct kofu_config, notice_ms), 200, 600000},
        {"config_refresh_seconds", offsetof(struct kofu_config, config_refresh_seconds), 10, 86400},
    };
    for (size_t i = 0; i < sizeof ms_keys / sizeof ms_keys[0]; i++)
        if (!strcmp(key, ms_keys[i].key))
            return config_parse_int(v, ms_keys[i].lo, ms_keys[i].hi, (int *)((char *)c + ms_keys[i].offset));
    if (config_extra_key) {
        int taken = config_extra_key(key, v);
        if (taken)
            return taken > 0;
    }
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
    /* fopen opens a directory for reading and it then reads as empty: a
     * mistyped path would silently mean the defaults. */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        snprintf(err, err_len, "%s: %s", path, strerror(EISDIR));
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
        /* Editors on other systems start the file with a UTF-8 BOM. */
        char *start = line;
        if (lineno == 1 && !strncmp(start, "\xEF\xBB\xBF", 3))
            start += 3;
        char *hash = strchr(start, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(start);
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

const char *config_path_for_command(const char *path)
{
    if (!path)
        path = getenv("KOFU_CONFIG");
    return path ? path : KOFU_CONFIG_DEFAULT_PATH;
}

int config_load_for_command(struct kofu_config *c, const char *path)
{
    char err[512] = "";
    config_defaults(c);
    bool must_exist = path || getenv("KOFU_CONFIG");
    int rc = config_load(c, config_path_for_command(path), must_exist, err, sizeof err);
    if (rc != KOFU_OK)
        fprintf(stderr, "kofu: config: %s\n", err);
    return rc;
}
