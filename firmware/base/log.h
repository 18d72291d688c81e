/*
 * log.h — kofu's event log: events and codes, never resident data.
 *
 * Owns: enum kofu_event and the log sink. The API takes only an event, a
 * kofu_err code and one unsigned number (a status word, a count, a duration):
 * there is no way to pass a string, so no name, address, My Number or PIN can
 * reach a log line, whatever a caller does.
 */
#ifndef KOFU_LOG_H
#define KOFU_LOG_H

#include <stddef.h>
#include <stdint.h>

enum kofu_event {
    EV_START,
    EV_READER_OPEN,
    EV_CARD_PRESENT,
    EV_CARD_CONNECT,
    EV_CARD_DISCONNECT,
    EV_CARD_SW,          /* detail: an unexpected status word */
    EV_PIN_STATUS,       /* detail: tries left */
    EV_PIN_VERIFY,       /* code: result; detail: tries left */
    EV_CARD_READ,        /* code: result; detail: APDUs used */
    EV_CARD_AUTH,        /* code: result; detail: kenhojo_auth reason */
    EV_PASSPORT_READ,    /* code: result; detail: access (enum mrtd_access) × 1000 + APDUs used */
    EV_PASSPORT_AUTH,    /* code: result; detail: enum mrtd_pa reason */
    EV_VAULT_WIPE,       /* detail: bytes wiped */
    EV_CONFIG,
    EV_CENTER_CALL,      /* code: result; detail: HTTP status */
    EV_CERT_VERIFY,      /* code: result; detail: certificate_reason × 100 + its shc/vds reason */
    EV_PRINT,            /* code: result; detail: final job state */
    EV_SESSION,          /* detail: the session state entered (enum session_state) */
    EV_PAYMENT,          /* code: result of a payment device call; detail: yen */
    EV_AUDIO,            /* code: result of playing a prompt; detail: enum session_prompt */
    EV_DISPLAY,          /* code: result of drawing or presenting; detail: enum session_screen */
    EV_RECEIPT,          /* code: result of printing a refund receipt; detail: yen */
    EV_SANDBOX,          /* code: result of confining the process; detail: the kernel's Landlock ABI */
    EV_MEMORY_LOCK,      /* code: result of locking the whole process in memory */
    /* The technician's service mode (firmware/diag/): every line carries the
     * technician's id (kofu_log_service); what: see each. */
    EV_SERVICE_REQUEST,  /* the maintenance action: what 1 = entered at once, 2 = deferred to the visit's end */
    EV_SERVICE_AUTH,     /* code: KOFU_OK or why refused; what: failures in a row */
    EV_SERVICE_LOCKED,   /* five failures: what = seconds locked */
    EV_SERVICE_ENTER,    /* the technician is in */
    EV_SERVICE_CHECK,    /* code: the check's kofu_err; what: enum diag_check_id × 10 + enum diag_status */
    EV_SERVICE_TEST,     /* an interactive test: what: enum diag_check_id × 10 + enum diag_status */
    EV_SERVICE_PRINT,    /* the test print: code: the print's result */
    EV_SERVICE_RESET,    /* the counters since the last service were reset */
    EV_SERVICE_LEAVE,    /* what: 1 = by the technician, 2 = idle time-out */
    EV__COUNT
};

enum kofu_log_level { KOFU_LOG_ERROR, KOFU_LOG_INFO, KOFU_LOG_DEBUG };

/** Only lines at or below this level are written (default: KOFU_LOG_ERROR;
 *  KOFU_LOG_LEVEL=info|debug in the environment raises it). */
void kofu_log_set_level(enum kofu_log_level level);
/** Write one line to stderr: "kofu: <event> code=<name> detail=<n>". */
void kofu_log(enum kofu_log_level level, enum kofu_event ev, int code, uint32_t detail);
/** A line of the technician's service mode: "kofu: <event> code=<name>
 *  technician=<id> what=<n>", written at KOFU_LOG_ERROR's level so that the
 *  event log always keeps who did what (the id is a number: no name). */
void kofu_log_service(enum kofu_event ev, int code, uint32_t technician, uint32_t what);
/** The kofu_err codes of the lines kofu_log wrote at KOFU_LOG_ERROR (those
 *  every kiosk keeps, whatever its level) since the last take, added into
 *  slots[0..n) by -code (slot 0: a code out of the slots) and forgotten
 *  here: the kiosk's counters since the last service (diag/service_state.h;
 *  base cannot call diag, so the kiosk takes them). Any thread. */
void kofu_log_take_counts(uint32_t *slots, size_t n);
/** The stable name of an event. */
const char *kofu_event_name(enum kofu_event ev);

#endif
