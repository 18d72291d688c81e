/*
 * screens_words.h — the fixed words of the kiosk screens, in Japanese and
 * English (private to ui/screens.c and its tests).
 *
 * Owns: every word the screens draw except the error messages (errors.h
 * owns those) and the municipality names (the center's configuration).
 * Words are fixed strings: never resident data.
 */
#ifndef KOFU_SCREENS_WORDS_H
#define KOFU_SCREENS_WORDS_H

#include "base/errors.h"

#include <stddef.h>

enum screens_word {
    SCRW_APP_TITLE = 0,
    SCRW_LANGUAGE,          /* the label of the language switch: the *other* language */
    SCRW_BACK,
    SCRW_CANCEL,
    SCRW_NEXT,
    SCRW_OK,
    /* IDLE, CLOSED */
    SCRW_IDLE_HEAD,
    SCRW_IDLE_SUB,
    SCRW_HOURS_LABEL,
    SCRW_HOURS_24H,
    SCRW_FEE_LABEL,
    SCRW_FEE_PER_COPY,      /* {1}: the formatted fee */
    SCRW_FREE,              /* the fee and the total when the center charges nothing */
    SCRW_CLOSED_HEAD,
    SCRW_CLOSED_SUB,
    SCRW_OUT_OF_SERVICE_HEAD,
    SCRW_OUT_OF_SERVICE_SUB,
    /* waiting screens */
    SCRW_CARD_PLACED_TITLE,
    SCRW_CARD_PLACED_HEAD,
    SCRW_CARD_PLACED_SUB,
    SCRW_READING_HEAD,
    SCRW_READING_SUB,
    SCRW_REQUESTING_TITLE,
    SCRW_REQUESTING_HEAD,
    SCRW_PLEASE_WAIT_SHORT,
    SCRW_PRINTING_TITLE,
    SCRW_PRINTING_HEAD,
    SCRW_REFUNDING_TITLE,
    SCRW_REFUNDING_HEAD,
    SCRW_REFUNDING_SUB,     /* {1}: the formatted amount */
    SCRW_SLOW_TITLE,
    SCRW_SLOW_HEAD,
    SCRW_SLOW_SUB,
    /* SERVICE */
    SCRW_SERVICE_TITLE,
    SCRW_SERVICE_HEAD,
    SCRW_SERVICE_BUTTON,
    /* PIN */
    SCRW_PIN_TITLE,
    SCRW_PIN_HEAD,
    SCRW_PIN_SUB,
    SCRW_PIN_TRIES_LEFT,    /* {1}: the number */
    SCRW_PIN_SHUFFLED,
    SCRW_PIN_DELETE,
    SCRW_PIN_ENTER,
    SCRW_LAST_TRY_HEAD,
    SCRW_LAST_TRY_TEXT,
    SCRW_LAST_TRY_YES,
    SCRW_LAST_TRY_NO,
    /* TAKE_CARD */
    SCRW_TAKE_CARD_TITLE,
    SCRW_TAKE_CARD_HEAD,
    SCRW_TAKE_CARD_SUB,
    /* MUNICIPALITY */
    SCRW_MUNI_TITLE,
    SCRW_MUNI_HEAD,
    SCRW_PAGE_PREV,
    SCRW_PAGE_NEXT,
    SCRW_PAGE_OF,           /* {1}: page, {2}: pages */
    /* KIND_COPIES */
    SCRW_KIND_TITLE,
    SCRW_KIND_HEAD,
    SCRW_KIND_DOMESTIC,
    SCRW_KIND_OVERSEAS,
    SCRW_COPIES_LABEL,
    SCRW_COPIES_ONE,        /* {1}: the number */
    SCRW_COPIES_MANY,       /* {1}: the number */
    SCRW_FEE_TOTAL_LABEL,
    SCRW_FEE_EACH,          /* {1}: the formatted fee */
    /* CONFIRM */
    SCRW_CONFIRM_TITLE,
    SCRW_CONFIRM_HEAD,
    SCRW_CONFIRM_KIND,
    SCRW_CONFIRM_PAY,
    SCRW_CONFIRM_PRINT,     /* CONFIRM's button at a total of 0: no payment step */
    SCRW_PREVIEW_PLACEHOLDER,
    /* PAYMENT */
    SCRW_PAYMENT_TITLE,
    SCRW_PAYMENT_HEAD,
    SCRW_AMOUNT_DUE,
    SCRW_INSERTED,
    SCRW_REMAINING,
    /* TAKE_CERTIFICATE */
    SCRW_TAKE_CERT_TITLE,
    SCRW_TAKE_CERT_HEAD,
    SCRW_TAKE_CHANGE,       /* {1}: the formatted amount */
    SCRW_THANK_YOU,
    /* notices */
    SCRW_NOTICE_TITLE,
    SCRW_ERROR_HEAD,
    SCRW_TAKE_CARD_TOO,
    SCRW_CANCELLED_HEAD,
    SCRW_REFUNDED_AMOUNT,   /* {1}: the formatted amount */
    SCRW_RECEIPT_HEAD,
    SCRW_RECEIPT_TEXT,
    SCRW_RECEIPT_AMOUNT,
    /* TIMEOUT_WARNING */
    SCRW_TIMEOUT_HEAD,
    SCRW_TIMEOUT_SUB,
    SCRW_TIMEOUT_SECONDS,   /* {1}: the number */
    SCRW_CONTINUE,
    /* TERMS (the text itself is the center's) */
    SCRW_TERMS_TITLE,
    SCRW_TERMS_HEAD,
    SCRW_TERMS_AGREE,
    SCRW_TERMS_DISAGREE,
    SCRW_TERMS_UNSHOWN, /* in place of the text when it cannot all be shown */
    /* the passport (PASSPORT_*, TAKE_PASSPORT) */
    SCRW_PASSPORT_TITLE,
    SCRW_MRZ_TITLE,
    SCRW_MRZ_HEAD,
    SCRW_MRZ_DOCNO,
    SCRW_MRZ_EXPIRY,
    SCRW_MRZ_CD_NOTE,
    SCRW_MRZ_DATE_HINT,     /* six characters, one per empty cell of the date: YYMMDD */
    SCRW_MRZ_NEXT_FIELD,
    SCRW_MRZ_DELETE,
    SCRW_MRZ_CHECK_HEAD,
    SCRW_MRZ_AGAIN,
    SCRW_MRZ_OWN_PASSPORT,  /* under passport-keys: the card's birth date is one of the keys */
    SCRW_PASSPORT_PLACE_HEAD,
    SCRW_PASSPORT_PLACE_SUB,
    SCRW_PASSPORT_READING_HEAD,
    SCRW_PASSPORT_READING_SUB,
    SCRW_TAKE_PASSPORT_HEAD,
    SCRW_TAKE_PASSPORT_SUB,
    SCRW__COUNT
};

/** The word in lang (never NULL). Words marked {1} above are patterns
 *  for screens_fill (no printf formats: the words are data). */
const char *screens_word(enum screens_word w, enum kofu_lang lang);

/** pattern with "{1}" replaced by a and "{2}" by b (NULL: ""), into buf
 *  (always terminated; cut when it does not fit, which the callers' buffers
 *  rule out). */
void screens_fill(char *buf, size_t cap, const char *pattern, const char *a, const char *b);

/** Every word of every language, for the font coverage check: the i-th,
 *  or NULL past the end. */
const char *screens_word_at(size_t i);

/** "1,200円" (ja) or "¥1,200" (en) into buf. */
void screens_format_yen(char *buf, size_t cap, int yen, enum kofu_lang lang);

/** Service hours "06:30〜23:00" (ja) / "06:30–23:00" (en); a close of 1440
 *  is "24:00"; equal minutes, or 0 to 1440: open 24 hours. */
void screens_format_hours(char *buf, size_t cap, int open_minute, int close_minute, enum kofu_lang lang);

#endif
