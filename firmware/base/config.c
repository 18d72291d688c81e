/* config.c — see config.h. */
#include "base/config.h"

#include "base/errors.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int (*config_extra_key)(const char *key, const char *value);

/* The built-in defaults: every key not named here is empty, 0 or no. */
const struct kofu_config config_builtin = {
    .card_ca_dir = "/etc/kofu/card-ca",
    .passport_csca = "/etc/kofu/csca",
    .card_wait_seconds = 30,
    .pin_max_tries = 3,
    .center_ca_file = "/etc/kofu/center-ca.pem",
    .kiosk_cert_file = "/etc/kofu/kiosk.pem",
    .kiosk_key_file = "/etc/kofu/kiosk.key.pem",
    .center_connect_timeout_ms = 3000,
    .center_timeout_ms = 15000,
    .center_retries = 3,
    .shc_keyset_file = "/etc/kofu/shc-issuers.jwks.json",
    .vds_csca_file = "/etc/kofu/vds-csca.pem",
    .printer_ca_file = "/etc/kofu/printer-ca.pem",
    .print_timeout_ms = 120000,
    .screen_width = 1280,
    .screen_height = 800,
    .prompt_dir = "/usr/share/kofu/prompts",
    .default_language = "ja",
    .inactivity_warn_ms = 30000,
    .inactivity_cancel_ms = 15000,
    .wait_warn_ms = 15000,
    .wait_timeout_ms = 180000,
    .reminder_ms = 5000,
    .left_behind_ms = 120000,
    .notice_ms = 15000,
    .config_refresh_seconds = 600,
    .maintenance_credential_file = "/etc/kofu/maintenance.cred",
    .maintenance_lockout_seconds = 900,
    .maintenance_idle_seconds = 180,
    .state_file = "/var/lib/kofu/state",
    .service_lock_file = "/run/kofu/service.lock",
    .diag_cert_warn_days = 30,
    .diag_clock_warn_seconds = 30,
    .diag_clock_fail_seconds = 300,
};

/* Every key is the name of its field. */
#define FIELD(f) #f, offsetof(struct kofu_config, f), sizeof ((struct kofu_config *)0)->f
#define TEXT(f) {FIELD(f), CONFIG_TEXT, 0, 0, NULL}
#define TEXT_WITH(f, rule) {FIELD(f), CONFIG_TEXT, 0, 0, rule}
#define INT(f, lo, hi) {FIELD(f), CONFIG_INT, lo, hi, NULL}
#define BOOL(f) {FIELD(f), CONFIG_BOOL, 0, 0, NULL}

static const struct config_key keys[] = {
    TEXT(reader),
    TEXT(card_ca_dir),
    TEXT(passport_csca),
    INT(card_wait_seconds, 0, 3600),
    INT(pin_max_tries, 1, 15),
    BOOL(card_presence_required),
    TEXT_WITH(center_url, "https://"),
    TEXT(center_ca_file),
    TEXT(kiosk_cert_file),
    TEXT(kiosk_key_file),
    INT(center_connect_timeout_ms, 100, 60000),
    INT(center_timeout_ms, 100, 120000),
    INT(center_retries, 0, 10),
    TEXT(shc_keyset_file),
    TEXT(shc_issuers),
    TEXT(vds_csca_file),
    TEXT(printer_uri),
    TEXT(printer_ca_file),
    BOOL(printer_private_link),
    INT(print_timeout_ms, 1000, 600000),
    TEXT(display),
    TEXT(display_device),
    INT(screen_width, 800, 7680),
    INT(screen_height, 480, 4320),
    TEXT(input_device),
    TEXT(audio_device),
    TEXT(prompt_dir),
    TEXT(payment_device),
    TEXT_WITH(default_language, "ja|en"),
    INT(inactivity_warn_ms, 200, 600000),
    INT(inactivity_cancel_ms, 200, 600000),
    INT(wait_warn_ms, 200, 600000),
    INT(wait_timeout_ms, 200, 3600000),
    INT(reminder_ms, 200, 600000),
    INT(left_behind_ms, 200, 3600000),
    INT(notice_ms, 200, 600000),
    INT(config_refresh_seconds, 10, 86400),
    TEXT(maintenance_credential_file),
    INT(maintenance_lockout_seconds, 10, 86400),
    INT(maintenance_idle_seconds, 10, 3600),
    TEXT(state_file),
    TEXT(service_lock_file),
    INT(diag_cert_warn_days, 1, 365),
    INT(diag_clock_warn_seconds, 1, 86400),
    INT(diag_clock_fail_seconds, 1, 86400),
};

const struct config_key *config_keys(size_t *n)
{
    *n = sizeof keys / sizeof keys[0];
    return keys;
}

void config_defaults(struct kofu_config *c)
{
    *c = config_builtin;
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

bool config_copy_text(char *dst, size_t cap, const char *v)
{
    size_t n = strlen(v);
    if (n >= cap)
        return false;
    memcpy(dst, v, n + 1);
    return true;
}

/* A text rule: "a|b|c" lists the only values; anything else is a prefix
 * every value must start with. */
static bool text_allowed(const char *rule, const char *v)
{
    if (!rule)
        return true;
    if (!strchr(rule, '|'))
        return !strncmp(v, rule, strlen(rule));
    size_t n = strlen(v);
    for (const char *p = rule; *p;) {
        size_t len = strcspn(p, "|");
        if (len == n && !strncmp(p, v, n))
            return true;
        p += len + (p[len] == '|');
    }
    return false;
}

static bool apply(struct kofu_config *c, const char *key, const char *v, const char **why)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const struct config_key *k = &keys[i];
        if (strcmp(key, k->name))
            continue;
        *why = "bad value";
        void *field = (char *)c + k->offset;
        switch (k->type) {
        case CONFIG_TEXT:
            return text_allowed(k->rule, v) && config_copy_text(field, k->size, v);
        case CONFIG_INT:
            return config_parse_int(v, k->lo, k->hi, field);
        case CONFIG_BOOL:
            return parse_bool(v, field);
        }
        return false;
    }
    if (config_extra_key) {
        int taken = config_extra_key(key, v);
        if (taken) {
            *why = "bad value";
            return taken > 0;
        }
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
        /* A comment starts at a '#' that begins the line or follows white
         * space: a value may hold one (input_device's "PATH#key=N"). */
        for (char *p = start; *p; p++)
            if (*p == '#' && (p == start || p[-1] == ' ' || p[-1] == '\t')) {
                *p = '\0';
                break;
            }
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
