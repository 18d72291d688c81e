/*
 * diag.h — the technician's diagnostics: the checks of every device and
 * credential the kiosk relies on, and their report.
 *
 * Owns: struct diag_env (what the checks may use), struct diag_result (one
 * check's verdict, words and details), struct diag_report (a run) and its
 * JSON form — the contract of `kofu diag --json` and of the status QR of the
 * test print:
 *
 *   {"version": "0.2.0", "board": "sim",
 *    "checks": [{"name": "reader", "status": "ok", "detail": {...}}, ...]}
 *
 * The checks live one or two to a file (check_*.c) and share only this
 * header. A check never reads a resident's data: the reader check takes a
 * card's ATR and nothing else, no PIN is asked, the log check gives codes
 * and counts. Nothing a check writes into its detail comes from a card.
 *
 * Used by `kofu diag` on the console (firmware/cli/cmd_diag.c: the checks
 * open the board's devices themselves) and by the kiosk's service mode
 * (firmware/kiosk/: it lends its own open devices, since the acceptor's
 * port is exclusive and the screen is the kiosk's, and adds what only a
 * person can tell: that the test prompt was heard, where the taps landed).
 */
#ifndef KOFU_DIAG_H
#define KOFU_DIAG_H

#include "base/config.h"
#include "board/board.h"
#include "diag/diag_types.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct center_client;
struct service_state;

/** A tap of the touch test: the target's centre and where the tap landed,
 *  in screen pixels. */
struct diag_tap {
    int target_x, target_y;
    int x, y;
};

#define DIAG_TAPS_MAX 5 /* the four corners and the centre */

/** What only the technician can tell, from the service mode. */
struct diag_confirmations {
    int audio_heard;   /* 1: heard, 0: not heard, -1: not asked (the console) */
    int display_ok;    /* 1: the patterns looked right, 0: they did not, -1: not asked */
    int n_taps;        /* taps of the touch test recorded (0: not run) */
    struct diag_tap taps[DIAG_TAPS_MAX];
};

/** What the checks may use. Everything is borrowed for the run. */
struct diag_env {
    const struct kofu_config *cfg; /* required */
    const struct board *board;     /* required: the drivers of the devices not lent */
    /* Devices the caller lends, open (the kiosk's own). NULL: the check opens
     * the board's driver with the configuration's spec, and closes it again
     * before it returns. */
    struct card_reader *rd;
    struct printer *pr;
    struct payment *pay;
    struct audio *au;
    struct display *disp;
    struct input *in;
    struct center_client *cc; /* NULL: the check makes its own client */
    /* From the running kiosk (its service mode); on the console NULL / -1. */
    const struct diag_confirmations *confirmed;
    const struct service_state *state; /* the kiosk's counters; NULL: read cfg->state_file */
    int vault_clean; /* 1: the kiosk's vault holds nothing of a visit, 0: it does, -1: not known */
    /* On the console: a kiosk runs on this machine (its mark on the one-user
     * lock, diag/service_lock.h). The checks then open none of the devices
     * it holds — the display (closing fbdev blanks its screen), the touch
     * panel and the acceptor (grabbed exclusively), the speaker — and report
     * them in use (diag_in_use_by_kiosk). */
    bool kiosk_running;
};

/** One check's result. */
struct diag_result {
    enum diag_check_id id;
    enum diag_status status;
    int err;          /* the kofu_err behind a warn or fail (KOFU_OK when none) */
    json_t *detail;   /* owned (diag_report_free): an object, never NULL after a run */
    /* The finding in a line, for the screen and the console's text form. */
    char summary_en[DIAG_SUMMARY_MAX];
    char summary_ja[DIAG_SUMMARY_MAX];
    double ms;        /* how long the check took */
};

struct diag_report {
    size_t n;
    struct diag_result checks[DIAG_CHECK__COUNT];
};

/** A check's stable name ("reader", ...); NULL for an id out of range. */
const char *diag_check_name(enum diag_check_id id);
/** The id of the check called name, or -1. */
int diag_check_find(const char *name);

/** Run every check in order, or only the one called `only` (NULL: all).
 *  KOFU_E_ARG, with nothing run, for an unknown name; else KOFU_OK (the
 *  verdicts are in the report, whatever they are). Each check's time is
 *  measured; the whole run stays within a few seconds however the devices
 *  fail (each check's waits are bounded). */
int diag_run(const struct diag_env *env, const char *only, struct diag_report *out);
/** The worst status of the report (DIAG_OK for an empty one). */
enum diag_status diag_report_worst(const struct diag_report *r);
/** The report as the JSON object above (a new reference; NULL on no memory). */
json_t *diag_report_json(const struct diag_report *r, const char *board_name);
/** Release the details. */
void diag_report_free(struct diag_report *r);

/* ---- for the checks (check_*.c) ---------------------------------------- */

/** Raise r's verdict to st (never lower it: a warn after a fail stays a
 *  fail) with its kofu_err and its words. The words replace the earlier
 *  ones when st is at least as bad as r's status, so the summary names the
 *  worst finding. en_fmt and ja_fmt are printf formats that take the SAME
 *  arguments in the same order. */
void diag_verdict(struct diag_result *r, enum diag_status st, int err, const char *en_fmt, const char *ja_fmt, ...)
    __attribute__((format(printf, 4, 6)));

/** When the console runs beside the kiosk (env->kiosk_running) and the
 *  device was not lent (lent == NULL): r says the device is in use by the
 *  running kiosk (ok; detail in_use_by_kiosk, device, and device_present
 *  for a device path), and true: the check opens nothing. Else false. */
bool diag_in_use_by_kiosk(const struct diag_env *env, const void *lent, const char *device, struct diag_result *r);

/* One function per check, run with r's id set, status DIAG_OK, err
 * KOFU_OK, detail an empty object and empty words (diag_run fills the
 * words "OK"/"正常" when a check leaves them empty). */
void diag_check_reader(const struct diag_env *env, struct diag_result *r);
void diag_check_printer(const struct diag_env *env, struct diag_result *r);
void diag_check_center(const struct diag_env *env, struct diag_result *r);
void diag_check_credentials(const struct diag_env *env, struct diag_result *r);
void diag_check_clock(const struct diag_env *env, struct diag_result *r);
void diag_check_payment(const struct diag_env *env, struct diag_result *r);
void diag_check_audio(const struct diag_env *env, struct diag_result *r);
void diag_check_display(const struct diag_env *env, struct diag_result *r);
void diag_check_touch(const struct diag_env *env, struct diag_result *r);
void diag_check_spool(const struct diag_env *env, struct diag_result *r);
void diag_check_vault(const struct diag_env *env, struct diag_result *r);
void diag_check_log(const struct diag_env *env, struct diag_result *r);

#endif
