/*
 * diag_types.h — the plain types of the technician's diagnostics that the
 * screens draw (ui/ takes this header only, never diag.h).
 *
 * Owns: enum diag_status and its names, and the limits of a check's words.
 * No functions beyond the names, no device, no JSON.
 */
#ifndef KOFU_DIAG_TYPES_H
#define KOFU_DIAG_TYPES_H

/** A check's verdict. The order is the severity: the worst decides. */
enum diag_status {
    DIAG_OK = 0,   /* works as it should */
    DIAG_WARN = 1, /* works, but needs attention soon (a supply low, a certificate near its end) */
    DIAG_FAIL = 2, /* does not work: the kiosk cannot serve (or must not) until it is fixed */
};

/** The checks, in the order they run and are listed. Their names
 *  (diag_check_name) are a contract: the JSON, `--only NAME`, the README. */
enum diag_check_id {
    DIAG_CHECK_READER,
    DIAG_CHECK_PRINTER,
    DIAG_CHECK_CENTER,
    DIAG_CHECK_CREDENTIALS,
    DIAG_CHECK_CLOCK,
    DIAG_CHECK_PAYMENT,
    DIAG_CHECK_AUDIO,
    DIAG_CHECK_DISPLAY,
    DIAG_CHECK_TOUCH,
    DIAG_CHECK_SPOOL,
    DIAG_CHECK_VAULT,
    DIAG_CHECK_LOG,
    DIAG_CHECK__COUNT
};

/** The longest check name, with its NUL ("credentials"). */
#define DIAG_NAME_MAX 16
/** A check's one-line finding in one language, with its NUL: what a
 *  technician reads on the screen and the console ("Out of paper: load A4
 *  paper in tray 1"). UTF-8; the Japanese one takes up to 3 bytes a
 *  character. */
#define DIAG_SUMMARY_MAX 192

/** The audio check's test prompt (ui/voice.c has its words; the prompt
 *  files are made from them like every other prompt). */
#define DIAG_TEST_PROMPT "service-test"

/** The status's name in the JSON and on the console: "ok", "warn", "fail". */
static inline const char *diag_status_name(enum diag_status s)
{
    return s == DIAG_OK ? "ok" : s == DIAG_WARN ? "warn" : "fail";
}

#endif
