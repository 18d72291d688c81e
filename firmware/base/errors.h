/*
 * errors.h — kofu's own error codes, and the words a resident or technician
 * reads for each, in Japanese and English.
 *
 * Owns: enum kofu_err. Functions return KOFU_OK (0) or a negative kofu_err;
 * device libraries' codes (pcsc-lite, OpenSSL, ...) are mapped to these at
 * the driver boundary and never travel further.
 */
#ifndef KOFU_ERRORS_H
#define KOFU_ERRORS_H

#include <stddef.h>

enum kofu_err {
    KOFU_OK = 0,
    KOFU_E_INTERNAL = -1,      /* a bug or an impossible state */
    KOFU_E_NOMEM = -2,         /* out of memory, or the vault is full */
    KOFU_E_ARG = -3,           /* bad argument or usage */
    KOFU_E_CONFIG = -4,        /* configuration missing or invalid */
    KOFU_E_VAULT = -5,         /* the vault could not be set up (mlock, madvise) */
    KOFU_E_TIMEOUT = -6,       /* a wait ran out of time */
    KOFU_E_SANDBOX = -7,       /* the process could not confine itself (sandbox.h) */

    KOFU_E_NO_SERVICE = -10,   /* the PC/SC service (pcscd) is not running */
    KOFU_E_NO_READER = -11,    /* no reader, or none matches the configuration */
    KOFU_E_READER_GONE = -12,  /* the reader disappeared */
    KOFU_E_NO_CARD = -13,      /* no card on the reader (in time) */
    KOFU_E_CARD_REMOVED = -14, /* the card was taken away during the session */
    KOFU_E_CARD_COMM = -15,    /* the card or reader did not answer correctly */
    KOFU_E_CARD_BUSY = -16,    /* another program holds the card */

    KOFU_E_NOT_MYNA = -20,     /* not a My Number card (no Kenhojo AP) */
    KOFU_E_CARD_STATUS = -21,  /* the card answered with an unexpected status word */
    KOFU_E_PIN_FORMAT = -22,   /* the PIN is not exactly 4 digits; never sent */
    KOFU_E_PIN_WRONG = -23,    /* the card refused the PIN; tries remain */
    KOFU_E_PIN_BLOCKED = -24,  /* the PIN is blocked; only the municipal office can help */
    KOFU_E_PIN_NOT_CONFIRMED = -25, /* last try not confirmed by the resident */
    KOFU_E_CARD_DATA = -26,    /* the card's data is malformed */
    KOFU_E_NOT_AUTHENTIC = -27,/* the card's data failed an authenticity check */
    KOFU_E_NOT_PASSPORT = -28,          /* the chip on the reader is not an ICAO eMRTD (no LDS1 application) */
    KOFU_E_PASSPORT_KEYS = -29,         /* the chip refused the keys made from the numbers: check the numbers */
    KOFU_E_MRZ_FORMAT = -30,            /* a number or date fails its check digit or form; never sent to a chip */
    KOFU_E_PASSPORT_DATA = -31,         /* the passport chip's data is malformed */
    KOFU_E_PASSPORT_NOT_AUTHENTIC = -32,/* passive authentication failed: the data is not used */
    KOFU_E_PASSPORT_SM = -33,           /* secure messaging broke (a wrong MAC, a protocol error) */
    KOFU_E_PASSPORT_OTHER_PERSON = -34, /* the passport's birth date is not the card's */

    KOFU_E_CENTER_UNREACHABLE = -40, /* no connection to the center, or it timed out */
    KOFU_E_TLS_UNTRUSTED = -41,      /* the center's certificate is not from the pinned CA */
    KOFU_E_TLS_EXPIRED = -42,        /* the center's certificate has expired (or is not yet valid) */
    KOFU_E_TLS_HOSTNAME = -43,       /* the center's certificate is for another host */
    KOFU_E_TLS_SELF_SIGNED = -44,    /* the center presented a self-signed certificate */
    KOFU_E_TLS_PROTOCOL = -45,       /* no TLS 1.3 channel agreed: no common version or cipher suite */
    KOFU_E_TLS_CLIENT_REFUSED = -46, /* the center refused this kiosk's certificate (by its alert) */
    KOFU_E_CENTER_RESPONSE = -47,    /* the center's answer broke the protocol */
    KOFU_E_CENTER_BUSY = -48,        /* the center is busy (503), retries used up */
    KOFU_E_NO_RECORD = -49,          /* no vaccination record in this municipality */
    KOFU_E_MUNICIPALITY_NOT_PARTICIPATING = -50,
    KOFU_E_CENTER_CARD_NOT_AUTHENTIC = -51, /* the center could not verify the card data */
    KOFU_E_PASSPORT_NOT_REGISTERED = -52,
    KOFU_E_OUTSIDE_HOURS = -53,
    KOFU_E_CENTER_BAD_REQUEST = -54, /* the center says the kiosk's request was malformed */
    KOFU_E_TERMS_OUTDATED = -55,     /* the terms agreed to are no longer the center's current ones */
    KOFU_E_CENTER_FAILED = -56,      /* the center answered that it failed (500, or a 5xx that is not a gateway's) */

    KOFU_E_CERT_NOT_AUTHENTIC = -60, /* a document from the center failed verification */
    KOFU_E_CERT_OTHER_PERSON = -61,  /* the signed documents name another person than the card */

    KOFU_E_FONT = -70,               /* the certificate font is not installed (checked at start-up) */
    KOFU_E_QR_TOO_LARGE = -71,       /* the certificate does not fit one QR code (SHC: V22) */
    KOFU_E_RENDER = -72,             /* the certificate could not be drawn (cairo/pango failure) */
    KOFU_E_DOC_UNPRINTABLE = -73,    /* a character the font lacks, or text too long for the page */

    KOFU_E_PRINTER_UNREACHABLE = -80, /* no answer from the printer (or cupsd), or it went away mid-job */
    KOFU_E_PRINTER_NOT_READY = -81,   /* paused, stopped, not accepting jobs, busy, or another fault */
    KOFU_E_PRINTER_MEDIA_EMPTY = -82, /* out of paper (before or during the job) */
    KOFU_E_PRINTER_MEDIA_JAM = -83,   /* paper jam */
    KOFU_E_PRINTER_DOOR_OPEN = -84,   /* a door or cover is open */
    KOFU_E_PRINTER_TONER_EMPTY = -85, /* out of toner or ink */
    KOFU_E_PRINTER_OFFLINE = -86,     /* the printer reports itself offline */
    KOFU_E_PRINTER_REFUSED = -87,     /* the printer refused the job (format, permission, request) */
    KOFU_E_PRINT_ABORTED = -88,       /* the job ended aborted: not (completely) printed */
    KOFU_E_PRINT_CANCELLED = -89,     /* the job was cancelled at the printer */
    KOFU_E_PRINT_TIMEOUT = -90,       /* the job did not finish in time; kofu cancelled it */
    KOFU_E_PRINTER_UNTRUSTED = -91,   /* the printer's certificate is not under the pinned one, or not for its host */
    KOFU_E_PRINTER_INSECURE = -92,    /* plain IPP to a printer not on a private link: nothing is sent */

    KOFU_E_PAYMENT_DEVICE = -100,     /* the coin and note acceptor does not answer or reports a fault */
    KOFU_E_PAYMENT_REFUND = -101,     /* the money could not be returned by the device */
    KOFU_E_PAYMENT_CHANGE = -102,     /* the change could not be dispensed */

    KOFU_E_DISPLAY = -110,            /* the display could not be opened or drawn to */
    KOFU_E_INPUT = -111,              /* the touch panel or a sensor could not be read */
    KOFU_E_AUDIO = -112,              /* a voice prompt could not be played */

    /* The technician's service mode and diagnostics (firmware/diag/). */
    KOFU_E_SERVICE_DENIED = -120,       /* the technician's id or maintenance credential is wrong */
    KOFU_E_SERVICE_LOCKED = -121,       /* too many wrong credentials: the mode is locked for a while */
    KOFU_E_CREDENTIAL_BAD = -122,       /* a certificate or key is unreadable, malformed, or a key does not match */
    KOFU_E_CREDENTIAL_EXPIRED = -123,   /* a certificate kofu relies on has expired (or is not yet valid) */
    KOFU_E_CREDENTIAL_EXPIRING = -124,  /* a certificate ends within the warning period */
    KOFU_E_CLOCK_OFF = -125,            /* the kiosk's clock is off against the center's */
    KOFU_E_CARD_LEFT = -126,            /* a card was left in the reader */
    KOFU_E_PRINTER_SUPPLY_LOW = -127,   /* paper or toner is low */
    KOFU_E_SPOOL_NOT_EMPTY = -128,      /* a print job is still held in a spool */
    KOFU_E_TEST_NOT_CONFIRMED = -129,   /* the technician did not confirm a test (not heard, not seen) */
};

enum kofu_lang { KOFU_LANG_JA = 0, KOFU_LANG_EN = 1 };

/** A stable short name for logs, JSON and tests, e.g. "pin-wrong". */
const char *kofu_err_name(int err);
/** What a resident reads, in the given language. Never NULL. */
const char *kofu_err_text(int err, enum kofu_lang lang);
/** Every code this table knows, for tests and generators (the voice
 *  prompts): the i-th into *err and 1, or 0 past the end. KOFU_OK is first. */
int kofu_err_at(size_t i, int *err);
/** A formatted message for an operator (a configuration or trust file that
 *  cannot be used) into err[errlen]; nothing when err is NULL or errlen 0.
 *  Never for resident data: these messages reach stderr. */
__attribute__((format(printf, 3, 4))) void kofu_errf(char *err, size_t errlen, const char *fmt, ...);

#endif
