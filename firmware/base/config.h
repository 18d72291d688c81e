/*
 * config.h — kofu's configuration file.
 *
 * Owns: struct kofu_config, its built-in defaults and its parser. The file
 * is plain text, one `key = value` per line, `#` starts a comment; unknown
 * keys are errors (a typo must not silently fall back to a default).
 *
 * The keys are the table in config.c (config_keys): each key is the name of
 * its field, with its type and limits; the defaults are config_builtin. The
 * README's tables ("Configuration", "Kiosk configuration") document them, and
 * test_config checks those tables against config_keys and config_builtin.
 * The session's time-outs and PIN tries are keys here, so that their
 * defaults sit at the bottom layer and the session takes them from here
 * (session_config_from).
 */
#ifndef KOFU_CONFIG_H
#define KOFU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define KOFU_CONFIG_DEFAULT_PATH "/etc/kofu/kofu.conf"
#define KOFU_CONFIG_VALUE_MAX 1024

struct kofu_config {
    char reader[KOFU_CONFIG_VALUE_MAX];
    char card_ca_dir[KOFU_CONFIG_VALUE_MAX];
    char passport_csca[KOFU_CONFIG_VALUE_MAX]; /* CSCA trust anchors: a directory of PEM files, a PEM bundle or a master list */
    int card_wait_seconds;
    int pin_max_tries;
    bool card_presence_required;
    char center_url[KOFU_CONFIG_VALUE_MAX];
    char center_ca_file[KOFU_CONFIG_VALUE_MAX];
    char kiosk_cert_file[KOFU_CONFIG_VALUE_MAX];
    char kiosk_key_file[KOFU_CONFIG_VALUE_MAX];
    int center_connect_timeout_ms;
    int center_timeout_ms;
    int center_retries;
    char shc_keyset_file[KOFU_CONFIG_VALUE_MAX];
    char shc_issuers[KOFU_CONFIG_VALUE_MAX];
    char vds_csca_file[KOFU_CONFIG_VALUE_MAX];
    char printer_uri[KOFU_CONFIG_VALUE_MAX];
    char printer_ca_file[KOFU_CONFIG_VALUE_MAX];
    bool printer_private_link;
    int print_timeout_ms;

    /* The kiosk (`kofu run`): devices of the board. */
    char display[64];                           /* a display kind of the board; "" = its default */
    char display_device[KOFU_CONFIG_VALUE_MAX]; /* the display driver's spec (fbdev path, X display) */
    int screen_width, screen_height;
    char input_device[KOFU_CONFIG_VALUE_MAX];   /* the input driver's spec (evdev paths) */
    char audio_device[KOFU_CONFIG_VALUE_MAX];   /* the audio driver's spec (ALSA PCM, record file) */
    char prompt_dir[KOFU_CONFIG_VALUE_MAX];     /* DIR/LANG/NAME.wav */
    char payment_device[KOFU_CONFIG_VALUE_MAX]; /* the payment driver's spec (serial port, sim faults) */
    char default_language[4];                   /* "ja" or "en": each session starts in it */
    /* The session's time-outs (session.h, struct session_config; session_config_from). */
    int inactivity_warn_ms, inactivity_cancel_ms;
    int wait_warn_ms, wait_timeout_ms;
    int reminder_ms, left_behind_ms, notice_ms;
    int config_refresh_seconds; /* how often the center's configuration is fetched again */

    /* The technician's service mode and diagnostics (firmware/diag/). */
    char maintenance_credential_file[KOFU_CONFIG_VALUE_MAX]; /* read-only: "ID PHC-hash" lines */
    int maintenance_lockout_seconds; /* after five wrong credentials in a row */
    int maintenance_idle_seconds;    /* no input in the mode: it leaves on its own */
    char state_file[KOFU_CONFIG_VALUE_MAX];        /* counters since the last service, the lock-out */
    char service_lock_file[KOFU_CONFIG_VALUE_MAX]; /* held during a visit and during diagnostics */
    int diag_cert_warn_days;      /* a credential ending within this many days is a warn */
    int diag_clock_warn_seconds;  /* the clock this far from the center's is a warn */
    int diag_clock_fail_seconds;  /* and this far a fail */
};

enum config_type {
    CONFIG_TEXT, /* a string of fewer than `size` bytes */
    CONFIG_INT,  /* a whole number lo..hi (config_parse_int) */
    CONFIG_BOOL, /* yes|true|1 or no|false|0 */
};

/** One configuration key: where its value goes and what it accepts. */
struct config_key {
    const char *name;      /* the key, which is also the field's name */
    size_t offset, size;   /* the field in struct kofu_config */
    enum config_type type;
    int lo, hi;            /* CONFIG_INT: the accepted range */
    const char *rule;      /* CONFIG_TEXT: NULL (any), "a|b" (only these), or a prefix every value needs */
};

/** A whole decimal number lo..hi, nothing before or after it: the one
 *  parser of numbers in kofu's text settings (this file's keys, scripts). */
bool config_parse_int(const char *v, int lo, int hi, int *out);
/** Copy the text value v into the field dst of cap bytes (with its NUL).
 *  false, dst unchanged, when it does not fit: a value is never cut short
 *  (a shortened path or URL would name something else). */
bool config_copy_text(char *dst, size_t cap, const char *v);

/** Every key (*n of them), in the order of struct kofu_config. */
const struct config_key *config_keys(size_t *n);
/** The built-in defaults: every value a key has when no file sets it. */
extern const struct kofu_config config_builtin;

/** Keys a build adds to the file's own (the test build's keys for its
 *  peers, tests/kiosk_script/): asked about every key config_keys does not
 *  have, it returns 1 when it took the value, -1 for a bad value, 0 for a
 *  key it does not know either. NULL (the product): none. */
extern int (*config_extra_key)(const char *key, const char *value);

/** Fill c with the built-in defaults (config_builtin). */
void config_defaults(struct kofu_config *c);
/** Read a file over the values already in c. On error returns KOFU_E_CONFIG
 *  and writes a one-line reason (with the line number) to err. A missing
 *  file is an error only when `must_exist`; a directory always is. A UTF-8
 *  byte order mark at the start of the file is skipped. */
int config_load(struct kofu_config *c, const char *path, bool must_exist, char *err, size_t err_len);

/** What every command does: defaults, then `path` if given (it must
 *  exist), else $KOFU_CONFIG (must exist), else the default path if it
 *  exists. Errors are printed to stderr with the reason. */
int config_load_for_command(struct kofu_config *c, const char *path);
/** The file config_load_for_command reads for `path`. */
const char *config_path_for_command(const char *path);

#endif
