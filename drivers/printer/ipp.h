/*
 * ipp.h — the IPP printer driver on libcups.
 *
 * Owns: ipp_printer_ops. Speaks IPP itself over one libcups http_t per
 * call, in both modes of printer.h:
 *  - PRINTER_MODE_IPP: straight to an IPP Everywhere printer (ipp:// or
 *    ipps://); Print-Job with the PDF streamed from memory, Get-Job-Attributes
 *    polling, Cancel-Job on time-out. Nothing is spooled on the kiosk.
 *  - PRINTER_MODE_CUPS_QUEUE: the same operations against a cupsd queue
 *    (ipp://localhost/printers/QUEUE over cupsd's socket), then Cancel-Job
 *    with purge-job so that cupsd drops the job's files and history.
 * Over ipps:// every connection's certificate chain is checked against the
 * pin (ipp_pin.h) before a request goes out; plain links only where
 * struct printer_trust allows them (printer.h).
 * libcups and IPP status codes are mapped to kofu_err here and nowhere else.
 * See docs/printing.md for the cupsd settings queue mode needs.
 */
#ifndef KOFU_PRINTER_IPP_H
#define KOFU_PRINTER_IPP_H

#include "drivers/printer.h"

extern const struct printer_ops ipp_printer_ops;

/** The PRINTER_REASON_* flag of one printer-state-reasons keyword, with or
 *  without its -report/-warning/-error suffix; 0 for "none" and for
 *  keywords that do not stop printing (exposed for tests). */
unsigned ipp_printer_reason_flag(const char *keyword);

/** Interval between two job-state queries while a job runs, in ms. */
#define PRINTER_IPP_POLL_MS 20
/** How long print() waits for a cancelled job to reach its final state, in
 *  ms, after its time-out ran out. */
#define PRINTER_IPP_CANCEL_GRACE_MS 2000

/** The most jobs inspect() counts (Get-Jobs limit). */
#define PRINTER_IPP_JOBS_MAX 100

#endif
