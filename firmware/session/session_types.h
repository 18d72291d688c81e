/*
 * session_types.h — what the session asks the ui to show and play, and what
 * the ui reports back: the screens, the voice prompts, the buttons, and the
 * PIN's length. The rules that choose them are session.h's.
 *
 * Plain enums only, so that the ui can name them without the state machine.
 */
#ifndef KOFU_SESSION_TYPES_H
#define KOFU_SESSION_TYPES_H

#define SESSION_PIN_DIGITS 4

/* The passport's numbers as the resident types them from the machine
 * readable zone (0-9, A-Z): four fields, each with its most characters. The
 * session counts them; the characters stay in the vault (the kiosk's). */
enum session_mrz_field {
    SESSION_MRZ_DOCNO = 0,  /* the document number, 1..9 characters */
    SESSION_MRZ_DOCNO_CD,   /* its check digit as printed */
    SESSION_MRZ_EXPIRY,     /* the date of expiry, YYMMDD */
    SESSION_MRZ_EXPIRY_CD,  /* its check digit */
    SESSION_MRZ__FIELDS
};
#define SESSION_MRZ_DOCNO_MAX 9
#define SESSION_MRZ_DATE_LEN 6

/** The most characters field f holds (0 for no such field). */
static inline int session_mrz_field_max(int f)
{
    return f == SESSION_MRZ_DOCNO ? SESSION_MRZ_DOCNO_MAX
           : f == SESSION_MRZ_EXPIRY ? SESSION_MRZ_DATE_LEN
           : f == SESSION_MRZ_DOCNO_CD || f == SESSION_MRZ_EXPIRY_CD ? 1
                                                                      : 0;
}

enum session_screen {
    SESSION_SCREEN_IDLE = 0,
    SESSION_SCREEN_CLOSED,           /* err says why: KOFU_E_OUTSIDE_HOURS or KOFU_E_CONFIG */
    SESSION_SCREEN_CARD_PLACED,
    SESSION_SCREEN_SERVICE,
    SESSION_SCREEN_PIN,              /* pin_digits dots; tries_left when fewer than the max */
    SESSION_SCREEN_PIN_LAST_TRY,
    SESSION_SCREEN_READING,
    SESSION_SCREEN_TAKE_CARD,
    SESSION_SCREEN_MUNICIPALITY,     /* municipality = selection or -1 */
    SESSION_SCREEN_KIND_COPIES,      /* kind, copies, max_copies */
    SESSION_SCREEN_REQUESTING,
    SESSION_SCREEN_CONFIRM,          /* amount_yen = total */
    SESSION_SCREEN_PAYMENT,          /* amount_yen = total, inserted_yen */
    SESSION_SCREEN_PRINTING,
    SESSION_SCREEN_TAKE_CERTIFICATE, /* amount_yen = change */
    SESSION_SCREEN_REFUNDING,        /* amount_yen = being refunded */
    SESSION_SCREEN_ERROR,            /* err; card_on_reader asks to take the card too */
    SESSION_SCREEN_REFUNDED,         /* err (why, KOFU_OK for a cancel); amount_yen returned */
    SESSION_SCREEN_REFUND_RECEIPT,   /* err; amount_yen on the receipt */
    SESSION_SCREEN_TIMEOUT_WARNING,  /* "still there?": touch to continue */
    SESSION_SCREEN_PLEASE_WAIT,      /* a device or the center takes longer than usual */
    SESSION_SCREEN_TERMS,            /* the center's terms of use (the kiosk owns text and scrolling) */
    SESSION_SCREEN_PASSPORT_NUMBERS, /* the passport's keypad: mrz_field, mrz_len (characters: the kiosk's) */
    SESSION_SCREEN_PASSPORT_CHECK,   /* err (passport-keys, mrz-format): check the numbers, enter them again */
    SESSION_SCREEN_PASSPORT_PLACE,   /* place the passport; err when it must be placed again */
    SESSION_SCREEN_PASSPORT_READING,
    SESSION_SCREEN_TAKE_PASSPORT,    /* err: why the overseas certificate is not offered (else KOFU_OK) */
    SESSION_SCREEN__COUNT
};

enum session_prompt {
    SESSION_PROMPT_WELCOME = 0,
    SESSION_PROMPT_CLOSED,
    SESSION_PROMPT_CARD_PLACED,
    SESSION_PROMPT_SERVICE,
    SESSION_PROMPT_PIN_ENTER,
    SESSION_PROMPT_PIN_TRIES_LEFT, /* tries_left */
    SESSION_PROMPT_PIN_LAST_TRY,
    SESSION_PROMPT_PIN_INCOMPLETE,
    SESSION_PROMPT_READING,
    SESSION_PROMPT_TAKE_CARD,
    SESSION_PROMPT_REMIND_TAKE_CARD,
    SESSION_PROMPT_MUNICIPALITY,
    SESSION_PROMPT_KIND_COPIES,
    SESSION_PROMPT_REQUESTING,
    SESSION_PROMPT_CONFIRM,
    SESSION_PROMPT_PAYMENT,
    SESSION_PROMPT_PRINTING,
    SESSION_PROMPT_TAKE_CERTIFICATE,
    SESSION_PROMPT_REMIND_TAKE_CERTIFICATE,
    SESSION_PROMPT_REFUNDING,
    SESSION_PROMPT_ERROR, /* err: the UI plays that error's words */
    SESSION_PROMPT_REFUNDED,
    SESSION_PROMPT_REFUND_RECEIPT,
    SESSION_PROMPT_TIMEOUT_WARNING,
    SESSION_PROMPT_PLEASE_WAIT,
    SESSION_PROMPT_TERMS,
    SESSION_PROMPT_PASSPORT_NUMBERS,
    SESSION_PROMPT_PASSPORT_INCOMPLETE,
    SESSION_PROMPT_PASSPORT_PLACE,
    SESSION_PROMPT_PASSPORT_READING,
    SESSION_PROMPT_TAKE_PASSPORT,
    SESSION_PROMPT_REMIND_TAKE_PASSPORT,
    SESSION_PROMPT__COUNT
};

enum session_button {
    SESSION_BTN_SERVICE = 0, /* the vaccination certificate service */
    SESSION_BTN_BACK,
    SESSION_BTN_CANCEL,
    SESSION_BTN_LANGUAGE,    /* switch Japanese ↔ English */
    SESSION_BTN_MUNICIPALITY,/* ev.index = the municipality's index in the center's list */
    SESSION_BTN_KIND,        /* ev.cert_kind */
    SESSION_BTN_COPIES_PLUS,
    SESSION_BTN_COPIES_MINUS,
    SESSION_BTN_CONFIRM,     /* next / OK / pay / the passport's numbers entered / "touch to continue" */
    SESSION_BTN_LAST_TRY_YES,
    SESSION_BTN_LAST_TRY_NO,
    SESSION_BTN_AGREE,       /* the terms of use: agree */
    SESSION_BTN_DISAGREE,    /* the terms of use: do not agree (ends the visit like cancel) */
    SESSION_BTN__COUNT
};

#endif
