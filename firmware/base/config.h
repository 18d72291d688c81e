/*
 * config.h — kofu's configuration file.
 *
 * Owns: struct kofu_config and its parser. The file is plain text, one
 * `key = value` per line, `#` starts a comment; unknown keys are errors (a
 * typo must not silently fall back to a default). Keys (README, "Configuration"):
 *   reader                  exact reader name or glob pattern ("" = first reader)
 *   card_ca_dir             directory of trusted card-CA keys (<32 hex of key id>.pem)
 *   card_wait_seconds       how long `card read` waits for a card (0..3600)
 *   pin_max_tries           the card's PIN try limit, for the "fewer than max" notice (1..15)
 *   card_presence_required  yes|no: refuse cards that cannot prove presence (EF 0007 + 80 2A)
 *   center_url              https://host:port of the certificate center
 *   center_ca_file          the pinned center CA (PEM)
 *   kiosk_cert_file         this kiosk's certificate chain (PEM)
 *   kiosk_key_file          its key: a PEM file or an OpenSSL provider URI
 *   center_connect_timeout_ms, center_timeout_ms, center_retries
 *   shc_keyset_file         the pinned SHC issuer key set (JWKS)
 *   shc_issuers             allowed SHC `iss` values (space or comma separated)
 *   vds_csca_file           the pinned VDS-NC CSCA certificate (PEM)
 *   printer_uri             ipps://host:port/path (direct) or a CUPS queue name
 *   printer_ca_file         the pinned printer CA, or the printer's own certificate (PEM)
 *   printer_private_link    yes|no: the printer is on a link no other machine can reach,
 *                           so plain ipp:// (or a cupsd over TCP) may carry the document
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
    /* The session's time-outs (session.h, struct session_config). */
    int inactivity_warn_ms, inactivity_cancel_ms;
    int wait_warn_ms, wait_timeout_ms;
    int reminder_ms, left_behind_ms, notice_ms;
    int config_refresh_seconds; /* how often the center's configuration is fetched again */
};

/** A whole decimal number lo..hi, nothing before or after it: the one
 *  parser of numbers in kofu's text settings (this file's keys, scripts). */
bool config_parse_int(const char *v, int lo, int hi, int *out);

/** Keys a build adds to the file's own (the test build's keys for its
 *  peers, tests/kiosk_script/): asked about every key this file does not
 *  know, it returns 1 when it took the value, -1 for a bad value, 0 for a
 *  key it does not know either. NULL (the product): none. */
extern int (*config_extra_key)(const char *key, const char *value);

/** Fill c with the built-in defaults. */
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
