/*
 * printer.h — the printer device class.
 *
 * Owns: struct printer_ops, which a driver implements (drivers/printer/ipp.c is the
 * libcups one), the device-independent status and job-result types, and the
 * one rule every driver shares: which printer conditions stop a print and
 * which kofu_err each of them is (printer_status_error, printer_job_error).
 *
 * The session asks status() before any fee is taken and prints only when
 * it says ready. print() streams a document from memory (never a file),
 * follows the job to its end under a time-out, and then cancels and purges
 * it so that no spool the kiosk controls keeps the document. Job names are
 * fixed words, never resident data (printer_job_name_ok).
 *
 * Errors are kofu_err codes; a driver maps its library's codes to them.
 */
#ifndef KOFU_PRINTER_H
#define KOFU_PRINTER_H

#include "base/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** How the printer is reached. */
enum printer_mode {
    /** An IPP Everywhere printer by its ipp:// or ipps:// URI: the kiosk
     *  keeps no spool at all. The default. */
    PRINTER_MODE_IPP = 0,
    /** A named queue on a (local) cupsd, for a USB printer: "QUEUE" on
     *  libcups' default server, or "QUEUE@SERVER" where SERVER is a socket
     *  path (/run/kofu/cups.sock) or host[:port]. */
    PRINTER_MODE_CUPS_QUEUE = 1,
};

/** What the driver may trust the link to the printer with (printer_ops.open).
 *  The certificate names, dates and QR of a resident never cross a network
 *  in clear text: ipps:// with the printer's certificate pinned, or a link
 *  the configuration declares private. */
struct printer_trust {
    /** PEM file of the pinned anchor: the CA that issued the printer's
     *  certificate, or that certificate itself. Required for ipps://. */
    const char *ca_file;
    /** The printer is on a link no other machine can reach (a direct cable,
     *  USB through ipp-usb): plain ipp://, or a cupsd over TCP, is allowed. A
     *  cupsd on a local socket path needs no such word. */
    bool private_link;
};

/* printer-state-reasons, folded into flags. Keywords are compared without
 * their -report/-warning/-error suffix: a printer that says it has no
 * paper has no paper, whatever severity it gives the message. */
#define PRINTER_REASON_MEDIA_EMPTY 0x0001u /* media-empty, media-needed */
#define PRINTER_REASON_MEDIA_JAM 0x0002u   /* media-jam */
#define PRINTER_REASON_DOOR_OPEN 0x0004u   /* door-open, cover-open, interlock-open */
#define PRINTER_REASON_TONER_EMPTY 0x0008u /* toner-empty, marker-supply-empty */
#define PRINTER_REASON_OFFLINE 0x0010u     /* offline, shutdown */
#define PRINTER_REASON_PAUSED 0x0020u      /* paused, moving-to-paused; or printer-state stopped */
#define PRINTER_REASON_OTHER 0x0040u       /* any other -error reason, input-tray-missing, ... */
#define PRINTER_REASON_MEDIA_LOW 0x0100u   /* media-low: a warning only */
#define PRINTER_REASON_TONER_LOW 0x0200u   /* toner-low, marker-supply-low: a warning only */
/** The reasons that stop a print (the low-supply warnings do not). */
#define PRINTER_REASONS_BLOCKING 0x007Fu

/** IPP printer-state values (RFC 8011 5.4.11). */
enum printer_state {
    PRINTER_STATE_UNKNOWN = 0,
    PRINTER_STATE_IDLE = 3,
    PRINTER_STATE_PROCESSING = 4,
    PRINTER_STATE_STOPPED = 5,
};

/** What status() found. */
struct printer_status {
    bool ready;             /* reachable, accepting jobs, not stopped, no blocking reason */
    enum printer_state state;
    bool accepting_jobs;    /* printer-is-accepting-jobs */
    unsigned reasons;       /* PRINTER_REASON_* */
};

/** IPP job-state values (RFC 8011 5.3.7); UNKNOWN when the printer could
 *  not be asked (it went away during the job). */
enum printer_job_state {
    PRINTER_JOB_UNKNOWN = 0,
    PRINTER_JOB_PENDING = 3,
    PRINTER_JOB_HELD = 4,
    PRINTER_JOB_PROCESSING = 5,
    PRINTER_JOB_STOPPED = 6,
    PRINTER_JOB_CANCELED = 7,
    PRINTER_JOB_ABORTED = 8,
    PRINTER_JOB_COMPLETED = 9,
};

/** What print() saw. Filled on every return, as far as it got. */
struct printer_job_result {
    int job_id;                   /* the printer's job id; 0 if none was made */
    enum printer_job_state state; /* the last state seen */
    unsigned reasons;             /* printer reasons seen from submission to the end */
    bool timed_out;               /* the time-out ran out; kofu sent Cancel-Job */
    bool purged;                  /* queue mode: cupsd dropped the job, its files and history */
    int polls;                    /* job-state queries made */
    long submit_ms;               /* from the start to the printer accepting the document */
    long total_ms;                /* from the start to the final state */
};

/* ---- what a technician sees (printer_ops.inspect) ----------------------- */

/** How many printer-state-reasons and media-ready keywords inspect() keeps,
 *  and their longest length (with the NUL). */
#define PRINTER_KEYWORDS_MAX 16
#define PRINTER_KEYWORD_LEN 64
/** How many supplies (marker-* entries) inspect() keeps, and the longest
 *  text of one (name, type, colour; with the NUL). */
#define PRINTER_SUPPLIES_MAX 8
#define PRINTER_SUPPLY_TEXT 48

/* The marker-levels that are not percentages (PWG 5100.x, RFC 3805's
 * prtMarkerSuppliesLevel): the level is unavailable, unknown, or unknown
 * but some remains. */
#define PRINTER_LEVEL_UNAVAILABLE (-1)
#define PRINTER_LEVEL_UNKNOWN (-2)
#define PRINTER_LEVEL_SOME (-3)

/** One supply as the printer describes it (the i-th entry of each marker-*
 *  attribute). Texts are printable ASCII (anything else became '?'), cut
 *  to PRINTER_SUPPLY_TEXT - 1; "" when the printer gave none. */
struct printer_supply {
    char name[PRINTER_SUPPLY_TEXT];  /* marker-names, e.g. "Black Toner" */
    char type[PRINTER_SUPPLY_TEXT];  /* marker-types, e.g. "toner", "waste-toner" */
    char color[PRINTER_SUPPLY_TEXT]; /* marker-colors, e.g. "#000000", "none" */
    int level;                       /* 0..100 (%), or a PRINTER_LEVEL_* */
    int low, high;                   /* marker-low-levels / -high-levels; -1 when not given */
};

/** Whether a supply is at or past its mark: under its low level (at or
 *  above its high level for a waste container, which fills up). Unknown
 *  levels are never low. */
static inline bool printer_supply_low(const struct printer_supply *s)
{
    bool waste = strncmp(s->type, "waste", 5) == 0;
    if (s->level < 0)
        return false;
    if (waste)
        return s->high >= 0 && s->high < 100 && s->level >= s->high;
    return s->low >= 0 && s->level <= s->low;
}

/** Everything inspect() found: more than status() (which stays as fast as
 *  a visit needs), for the technician's printer and spool checks. Nothing
 *  in it comes from a job: the printer's own words only. */
struct printer_inspection {
    struct printer_status status; /* as status() would say */
    /** printer-state-reasons as the printer sent them (with their suffix),
     *  only keywords of a-z 0-9 '-' shorter than PRINTER_KEYWORD_LEN; not
     *  "none". */
    size_t n_reasons;
    char reasons[PRINTER_KEYWORDS_MAX][PRINTER_KEYWORD_LEN];
    /** media-ready: the media loaded (e.g. "iso_a4_210x297mm"), keywords of
     *  a-z 0-9 '-' '_' '.' only. */
    size_t n_media_ready;
    char media_ready[PRINTER_KEYWORDS_MAX][PRINTER_KEYWORD_LEN];
    size_t n_supplies;
    struct printer_supply supplies[PRINTER_SUPPLIES_MAX];
    /** Jobs the printer (in queue mode: the queue) has not completed
     *  (Get-Jobs which-jobs=not-completed): pending, held, processing or
     *  stopped; -1 when it would not say. */
    int jobs_pending;
    /** Queue mode: every job cupsd still lists for the queue, completed
     *  ones included (which-jobs=all): kofu purges each of its jobs, so any
     *  is one left behind. -1 in direct IPP mode or when it would not say. */
    int jobs_kept;
};

/** The mode a configured printer spec means: a URI (it has "://") is
 *  direct IPP, anything else a CUPS queue ("QUEUE" or "QUEUE@SERVER"). */
static inline enum printer_mode printer_mode_of(const char *spec)
{
    for (const char *p = spec; p && *p; p++)
        if (p[0] == ':' && p[1] == '/' && p[2] == '/')
            return PRINTER_MODE_IPP;
    return PRINTER_MODE_CUPS_QUEUE;
}

/** The job name when the caller gives none. */
#define PRINTER_DEFAULT_JOB_NAME "kofu-certificate"

struct printer_ops {
    /** Open the driver for one printer: an ipp:// or ipps:// URI in
     *  PRINTER_MODE_IPP, a queue ("QUEUE" or "QUEUE@SERVER") in
     *  PRINTER_MODE_CUPS_QUEUE, under trust (required). Does not contact the
     *  printer. KOFU_E_PRINTER_INSECURE for a plain link that trust does not
     *  call private; KOFU_E_CONFIG for a bad URI or queue, or an ipps:// URI
     *  without a readable trust->ca_file. Over ipps:// every connection's
     *  certificate chain is checked against the pin before any request
     *  (KOFU_E_PRINTER_UNTRUSTED from status() and print(): nothing sent). */
    int (*open)(void **ctx, const char *uri_or_queue, enum printer_mode mode, const struct printer_trust *trust);
    /** Ask the printer for its state (within a few seconds). KOFU_OK when
     *  it answered, ready or not: see st->ready and printer_status_error;
     *  KOFU_E_PRINTER_UNREACHABLE when it did not answer; KOFU_E_CONFIG when
     *  it says there is no such printer or queue. */
    int (*status)(void *ctx, struct printer_status *st);
    /** Print a PDF held in memory: check readiness (a printer that is not
     *  ready gets nothing: printer_status_error's code), stream the PDF as
     *  one job (copies 1..99; job_name NULL or a printer_job_name_ok word),
     *  follow the job until completed, aborted or canceled, or until
     *  timeout_ms has passed since the call (then cancel it), then purge
     *  it. Returns KOFU_OK only for a completed job; otherwise
     *  printer_job_error's code, KOFU_E_PRINTER_UNREACHABLE when the printer
     *  could not be reached (before or during the job: then result->state
     *  is PRINTER_JOB_UNKNOWN), KOFU_E_PRINTER_REFUSED when it refused the
     *  job, KOFU_E_ARG for bad arguments (nothing sent). result may be NULL. */
    int (*print)(void *ctx, const uint8_t *pdf, size_t len, const char *job_name, int copies,
                 int timeout_ms, struct printer_job_result *result);
    /** Release everything. */
    void (*close)(void *ctx);
    /** What a technician needs (struct printer_inspection), in one
     *  connection within a few seconds: the state as status() gives it, the
     *  reasons' keywords, media-ready, the supplies, the jobs left. Same
     *  returns as status(); on KOFU_OK a field the printer did not give is
     *  empty (or -1). Never used during a visit. */
    int (*inspect)(void *ctx, struct printer_inspection *out);
};

struct printer {
    const struct printer_ops *ops;
    void *ctx;
};

/** The kofu_err for a status: KOFU_OK when ready; else the most specific
 *  cause, in the order offline, door open, jam, out of paper, toner empty,
 *  then KOFU_E_PRINTER_NOT_READY (paused, stopped, not accepting, other). */
static inline int printer_status_error(const struct printer_status *st)
{
    if (st->ready)
        return KOFU_OK;
    unsigned r = st->reasons;
    if (r & PRINTER_REASON_OFFLINE)
        return KOFU_E_PRINTER_OFFLINE;
    if (r & PRINTER_REASON_DOOR_OPEN)
        return KOFU_E_PRINTER_DOOR_OPEN;
    if (r & PRINTER_REASON_MEDIA_JAM)
        return KOFU_E_PRINTER_MEDIA_JAM;
    if (r & PRINTER_REASON_MEDIA_EMPTY)
        return KOFU_E_PRINTER_MEDIA_EMPTY;
    if (r & PRINTER_REASON_TONER_EMPTY)
        return KOFU_E_PRINTER_TONER_EMPTY;
    return KOFU_E_PRINTER_NOT_READY;
}

/** The kofu_err for a job that has ended (or not): KOFU_OK when completed.
 *  A job that did not complete while the printer reported a fault is that
 *  fault (out of paper during the job is KOFU_E_PRINTER_MEDIA_EMPTY);
 *  otherwise KOFU_E_PRINT_TIMEOUT, KOFU_E_PRINT_CANCELLED or
 *  KOFU_E_PRINT_ABORTED. */
static inline int printer_job_error(const struct printer_job_result *res)
{
    if (res->state == PRINTER_JOB_COMPLETED && !res->timed_out)
        return KOFU_OK;
    struct printer_status st = {.ready = false, .reasons = res->reasons};
    int fault = printer_status_error(&st);
    if (fault != KOFU_E_PRINTER_NOT_READY)
        return fault;
    if (res->timed_out)
        return KOFU_E_PRINT_TIMEOUT;
    if (res->state == PRINTER_JOB_CANCELED)
        return KOFU_E_PRINT_CANCELLED;
    return KOFU_E_PRINT_ABORTED;
}

/** Whether a job name is a plain word that cannot carry resident data:
 *  1..63 characters of a-z, 0-9 and '-'. Drivers refuse other names. */
static inline bool printer_job_name_ok(const char *name)
{
    size_t n = 0;
    for (; name && name[n]; n++) {
        char c = name[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') || n >= 63)
            return false;
    }
    return n > 0;
}

#endif
