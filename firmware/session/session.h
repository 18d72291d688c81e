/*
 * session.h — the kiosk session: one resident's visit as a pure state machine.
 *
 * Owns: enum session_state and the rules of the flow (the real kiosks'
 * flow): idle → card placed → service → terms of
 * use (agree) → card checked → PIN → reading → take your card →
 * municipality → kind and copies → asking the center → confirmation →
 * payment → printing → take your certificate → wipe → idle, with the
 * time-outs, reminders, errors and refunds on the way. A total of 0 (the
 * center's fee_per_copy_yen 0) is free of charge: confirmation → printing,
 * no payment step. Two refusals of the center let the resident choose
 * again instead of ending the visit: `no-record` goes back to the
 * municipality (the choice cleared), `passport-not-registered` back to the
 * kind (domestic selected), each with the center's words on the screen
 * and spoken; the next "next" sends a new request.
 *
 * The overseas certificate needs the resident's passport, read on the same
 * reader after the card: kind and copies (overseas) → the passport's
 * numbers (the document number and the date of expiry, each with its check
 * digit, typed on a keypad of 0-9 and A-Z) → the numbers' check digits
 * checked (CHECK_MRZ, no chip involved) → place the passport → reading
 * (READ_PASSPORT: the chip opened with the numbers and the card's birth
 * date, passive authentication, the birth dates compared) → take the
 * passport → asking the center. A chip that refuses the numbers, or numbers
 * whose check digits fail, lead to "check the numbers" and back to the
 * keypad with the numbers kept; a passport that cannot be used (not
 * authentic, another person's, malformed, not a passport) leads, once it is
 * off the reader, back to the kind with domestic selected and the reason in
 * red and spoken, as `passport-not-registered` does. The reader's presence
 * events (CARD_INSERTED, CARD_REMOVED) are the passport's in the passport
 * states: the reader cannot tell a card from a passport.
 *
 * Pure: session_step does no I/O, reads no clock and touches no global. The
 * caller passes the time (a monotonic now_ms) with every event and carries
 * out the actions it gets back, reporting their results as new events. The
 * same inputs always give the same state and the same actions.
 *
 * Resident data never enters this module. The PIN digits stay in the vault
 * (the UI puts them there; the driver layer that carries out READ_CARD uses
 * them); the session only counts them. So do the passport's numbers: the
 * kiosk puts each character into the vault at the field and position the
 * session holds (mrz_field, mrz_len) and keeps no more of each field than
 * mrz_len says, on every action. What it holds — a municipality
 * index, the kind, the copies, amounts — is cleared at every WIPE.
 *
 * Invariants the unit tests check:
 *  - a PIN pad that could not be shuffled (SESSION_EV_PIN_PAD_FAILED) ends
 *    the visit on an error screen: no READ_CARD follows;
 *  - nothing goes to the card before the resident agreed to the terms of
 *    use: TERMS_AGREED comes before any CHECK_CARD, READ_CARD or
 *    REQUEST_CERTIFICATE of a visit (a card on the reader is only detected,
 *    never spoken to, until then);
 *  - every end of a visit (into IDLE or CLOSED from any other state) emits
 *    WIPE and RESET_CARD in the same step (nothing of a visit outlives it);
 *  - every waiting state has a time-out, preceded by a warning;
 *  - PAYMENT_ASK is emitted only after the center's certificate was accepted
 *    (SESSION_EV_CENTER_RESULT with KOFU_OK), and every yen inserted is either kept for a printed
 *    certificate (change dispensed) or refunded (PAYMENT_REFUND, or a
 *    PRINT_REFUND_RECEIPT when the refund device fails);
 *  - a total of 0 emits no PAYMENT_* action (no ask, cancel, change or
 *    refund): a free certificate is printed, or the visit fails (`failed`
 *    reported, nothing to refund);
 *  - each REQUEST_CERTIFICATE gets exactly one REPORT_COMPLETION, before
 *    the next REQUEST_CERTIFICATE and before the visit ends: at most one
 *    request is unreported at any time (a refusal the resident can answer
 *    reports `failed` at once, and the new request is reported on its own);
 *  - no READ_PASSPORT before the numbers passed their check: a
 *    SESSION_EV_MRZ_CHECKED with KOFU_OK answering the CHECK_MRZ of the
 *    numbers as they are (any change to them, or going back to the keypad,
 *    needs a new check); and nothing goes to a passport before the card
 *    was read (its birth date is one of the keys);
 *  - at most SESSION_PASSPORT_READS_MAX READ_PASSPORT in one visit (a chip
 *    may count failed attempts): the one after that ends the visit on its
 *    error instead;
 *  - the passport states never involve money (they come before the
 *    request): cancel and time-out there end the visit as before payment,
 *    asking for the passport back when it is on the reader.
 *
 * Time-outs are evaluated on SESSION_EV_TICK only, so they are as exact as
 * the caller's tick period (the kiosk ticks every 50 ms).
 */
#ifndef KOFU_SESSION_H
#define KOFU_SESSION_H

#include "base/errors.h" /* enum kofu_err, enum kofu_lang */
#include "center/center_types.h" /* enum center_kind, enum center_outcome */
#include "session/session_types.h" /* the screens, prompts and buttons */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SESSION_ACTIONS_MAX 8
/* Reads of a passport's chip in one visit (KOFU_E_PASSPORT_KEYS and a lost
 * contact each spend one). */
#define SESSION_PASSPORT_READS_MAX 3

enum session_state {
    SESSION_IDLE = 0,             /* attract screen, open */
    SESSION_CLOSED,               /* outside service hours, or no center configuration yet */
    SESSION_CARD_PLACED,          /* terms agreed; CHECK_CARD in flight (AP + PIN counter) */
    SESSION_SERVICE,              /* a card detected: choose the certificate service */
    SESSION_PIN,                  /* PIN entry; tries left shown when fewer than the max */
    SESSION_PIN_LAST_TRY_CONFIRM, /* one try left: the resident must agree to spend it */
    SESSION_READING,              /* READ_CARD in flight */
    SESSION_TAKE_CARD,            /* take your card back (reminders) */
    SESSION_MUNICIPALITY,         /* choose the municipality (participating ones only) */
    SESSION_KIND_COPIES,          /* domestic or overseas+domestic; copies 1..max */
    SESSION_REQUESTING,           /* REQUEST_CERTIFICATE in flight */
    SESSION_CONFIRM,              /* preview and total fee */
    SESSION_PAYMENT,              /* PAYMENT_ASK outstanding */
    SESSION_PRINTING,             /* PRINT in flight */
    SESSION_TAKE_CERTIFICATE,     /* take your certificate (and change); reminders */
    SESSION_REFUNDING,            /* PAYMENT_REFUND in flight */
    SESSION_ERROR,                /* an end-of-session notice with a kofu_err; then wipe → idle */
    SESSION_TERMS,                /* the terms of use: agree (on to the card) or not (the end) */
    SESSION_PASSPORT_NUMBERS,     /* the keypad; CHECK_MRZ in flight once submitted */
    SESSION_PASSPORT_CHECK,       /* "check the numbers" (err), then the keypad again */
    SESSION_PASSPORT_PLACE,       /* place the passport (err: place it again) */
    SESSION_PASSPORT_READING,     /* READ_PASSPORT in flight */
    SESSION_TAKE_PASSPORT,        /* take the passport back (reminders), then on */
    SESSION_STATE__COUNT
};

enum session_event_kind {
    SESSION_EV_TICK = 0,        /* time passes; minute_of_day when known */
    SESSION_EV_CARD_INSERTED,
    SESSION_EV_CARD_REMOVED,
    SESSION_EV_TAP,             /* button (+ index / kind) */
    SESSION_EV_PIN_DIGIT,       /* one digit went into the vault; the digit is not here */
    SESSION_EV_PIN_CLEAR,
    SESSION_EV_PIN_SUBMIT,
    SESSION_EV_CARD_CHECKED,    /* CHECK_CARD result: err, tries_left */
    SESSION_EV_CARD_READ,       /* READ_CARD result: err, tries_left, index (preselected or -1) */
    SESSION_EV_CENTER_RESULT,   /* REQUEST_CERTIFICATE result (verified): err */
    SESSION_EV_PREVIEW_RESULT,  /* RENDER_PREVIEW result: err */
    SESSION_EV_PAYMENT_INSERTED,/* amount_yen = total inserted so far (cumulative) */
    SESSION_EV_PRINT_RESULT,    /* PRINT result: err */
    SESSION_EV_REFUND_RESULT,   /* PAYMENT_REFUND result: err (KOFU_OK = money returned) */
    SESSION_EV_CERTIFICATE_TAKEN, /* tray sensor: the tray is empty */
    SESSION_EV_CONFIG,          /* the center's configuration: config */
    SESSION_EV_PAYMENT_FAILED,  /* the payment device failed while asking or accepting: err */
    SESSION_EV_ACTIVITY,        /* input the kiosk handles itself (scrolling the terms, paging
                                   a list): it only counts as the resident's presence */
    SESSION_EV_PIN_PAD_FAILED,  /* SHUFFLE_PIN_PAD could not shuffle: err. A fixed pad would give
                                   the PIN to whoever saw the taps, so the visit ends (error
                                   screen, card reset) before any digit is taken */
    SESSION_EV_MRZ_CHAR,        /* one character went into the vault at mrz_field, mrz_len[mrz_field];
                                   the character is not here */
    SESSION_EV_MRZ_DELETE,      /* the last character (back into the previous field when this one
                                   is empty) */
    SESSION_EV_MRZ_FIELD,       /* index: the field to type into next (enum session_mrz_field) */
    SESSION_EV_MRZ_CHECKED,     /* CHECK_MRZ result: err (KOFU_E_MRZ_FORMAT) */
    SESSION_EV_PASSPORT_READ,   /* READ_PASSPORT result: err */
    SESSION_EV__COUNT
};

/** What the center's configuration tells the session. */
struct session_center_config {
    int open_minute, close_minute; /* minutes after midnight; equal = open all day */
    int fee_per_copy_yen;
    int max_copies;
    int n_municipalities;
};

struct session_event {
    enum session_event_kind kind;
    enum session_button button;  /* TAP */
    int index;                   /* TAP MUNICIPALITY; CARD_READ: preselected municipality or -1 */
    enum center_kind cert_kind;  /* TAP KIND */
    int err;                     /* results: KOFU_OK or a kofu_err */
    int tries_left;              /* CARD_CHECKED, CARD_READ: tries left or KENHOJO_TRIES_UNKNOWN */
    int amount_yen;              /* PAYMENT_INSERTED */
    int minute_of_day;           /* TICK: 0..1439, or -1 when unknown */
    struct session_center_config config; /* CONFIG */
};

enum session_action_kind {
    SESSION_ACT_SHOW_SCREEN = 0,   /* screen, lang and the screen's fields */
    SESSION_ACT_PLAY_PROMPT,       /* prompt, lang (err, tries_left) */
    SESSION_ACT_CHECK_CARD,        /* open the Kenhojo AP, read the PIN counter (no try spent) */
    SESSION_ACT_SHUFFLE_PIN_PAD,   /* a new digit layout and an empty PIN in the vault */
    SESSION_ACT_CLEAR_PIN,         /* forget the digits entered (vault) */
    SESSION_ACT_READ_CARD,         /* verify the PIN from the vault, read, authenticate;
                                      last_try_confirmed. The driver wipes the PIN after. */
    SESSION_ACT_RESET_CARD,        /* unpower the card: its PIN state is dropped */
    SESSION_ACT_REQUEST_CERTIFICATE, /* municipality, cert_kind, copies; verify the answer */
    SESSION_ACT_RENDER_PREVIEW,
    SESSION_ACT_PAYMENT_ASK,       /* amount_yen */
    SESSION_ACT_PAYMENT_CANCEL,    /* stop accepting; nothing was inserted (the driver refunds
                                      anything that arrives after all the same) */
    SESSION_ACT_PAYMENT_DISPENSE_CHANGE, /* amount_yen */
    SESSION_ACT_PAYMENT_REFUND,    /* amount_yen: all that was inserted */
    SESSION_ACT_PRINT,             /* copies */
    SESSION_ACT_PRINT_REFUND_RECEIPT, /* amount_yen, err */
    SESSION_ACT_REPORT_COMPLETION, /* outcome, copies (printed), amount_yen (kept) */
    SESSION_ACT_WIPE,              /* wipe the vault: every resident byte of the session */
    SESSION_ACT_TERMS_AGREED,      /* the resident agreed to the terms on screen: the kiosk keeps
                                      the version it showed, for the certificate request */
    SESSION_ACT_CHECK_MRZ,         /* check the numbers in the vault (mrz_len of each field) with
                                      the card's birth date; no chip. Answer: MRZ_CHECKED */
    SESSION_ACT_READ_PASSPORT,     /* open the passport on the reader with the checked numbers, read
                                      and authenticate it, compare the birth dates. Answer:
                                      PASSPORT_READ */
    SESSION_ACT__COUNT
};

struct session_action {
    enum session_action_kind kind;
    enum session_screen screen;
    enum session_prompt prompt;
    enum kofu_lang lang;
    int err;
    int tries_left;
    int pin_digits;
    int municipality;
    enum center_kind cert_kind;
    int copies;
    int max_copies;
    int amount_yen;
    int inserted_yen;
    bool card_on_reader;
    bool last_try_confirmed;
    enum center_outcome outcome;
    int mrz_field;                        /* the field typed into */
    int mrz_len[SESSION_MRZ__FIELDS];     /* characters in each field: the vault keeps no more */
    bool passport;                        /* what is on the reader is the passport (ERROR: "take your
                                             passport") */
};

/** The actions of one step, in the order to carry them out. */
struct session_actions {
    size_t n;
    struct session_action a[SESSION_ACTIONS_MAX];
    bool overflow; /* more than SESSION_ACTIONS_MAX were due: a bug, tested never to happen */
};

/** Time-outs and kiosk-side settings: the configuration's keys of the same
 *  names (base/config.h, where their defaults and limits are). */
struct session_config {
    uint64_t inactivity_warn_ms;   /* no input for this long: warning (30 s) */
    uint64_t inactivity_cancel_ms; /* then this much more: cancel (15 s) */
    uint64_t wait_warn_ms;         /* a device or the center is slow: "please wait" (15 s) */
    uint64_t wait_timeout_ms;      /* give up on it, counted from the start (180 s) */
    uint64_t reminder_ms;          /* card or certificate left: remind this often (5 s) */
    uint64_t left_behind_ms;       /* stop reminding, wipe and go idle (120 s) */
    uint64_t notice_ms;            /* an error notice stays this long (15 s) */
    int pin_tries_max;             /* the card's counter when untouched (3) */
    enum kofu_lang default_lang;   /* each session starts in it */
};

struct session {
    struct session_config cfg;
    struct session_center_config center;
    bool center_known;
    int minute_of_day; /* last known, -1 unknown (counts as open) */

    enum session_state state;
    enum kofu_lang lang;
    enum session_screen screen; /* the state's own screen (not a warning over it) */
    enum session_prompt prompt;
    uint64_t entered_ms;   /* when the state was entered */
    uint64_t activity_ms;  /* last resident input (or entry) */
    uint64_t reminder_ms;  /* next reminder due */
    bool warned;        /* the warning (or first reminder) was given */
    bool card_present;
    bool need_show;     /* the current screen was never shown (after init) */

    /* One visit; cleared at every wipe. */
    int err;
    int tries_left;
    bool last_try_confirmed;
    int pin_digits;
    int municipality;
    enum center_kind cert_kind;
    int copies;
    int total_yen;
    int inserted_yen;
    int change_yen;
    bool requested; /* a REQUEST_CERTIFICATE was sent: a completion report is owed */
    bool reported;
    bool ending;    /* TAKE_CARD at the end of a cancelled visit (not on to MUNICIPALITY) */
    int mrz_field;
    int mrz_len[SESSION_MRZ__FIELDS];
    bool mrz_checking; /* CHECK_MRZ sent for the numbers as they are */
    bool mrz_ok;       /* they passed it: READ_PASSPORT may go */
    int passport_reads;
    bool passport_stage; /* in the passport states (and an ERROR entered from one) */
};

struct kofu_config;
/** The settings from a configuration (its time-outs, pin_max_tries,
 *  default_language). */
void session_config_from(struct session_config *cfg, const struct kofu_config *c);
/** The built-in defaults (config_builtin): 30 s + 15 s, waits 15 s / 180 s,
 *  reminders every 5 s for 120 s, notices 15 s, 3 PIN tries, Japanese. */
void session_config_default(struct session_config *cfg);

/** Start in CLOSED until the center's configuration arrives (SESSION_EV_CONFIG).
 *  cfg NULL: the defaults. Nothing is emitted; the caller shows the first
 *  screen by stepping a TICK. */
void session_init(struct session *s, const struct session_config *cfg, uint64_t now_ms);

/** Feed one event at now_ms (monotonic, never decreasing); *out gets the
 *  actions to carry out, in order. Events that make no sense in the current
 *  state (late results, stray taps) are ignored: no actions. */
void session_step(struct session *s, const struct session_event *ev, uint64_t now_ms,
                  struct session_actions *out);

/** Whether the session waits on a device (CHECK_CARD, READ_CARD,
 *  READ_PASSPORT, REQUEST_CERTIFICATE, PRINT, PAYMENT_REFUND in flight) and its
 *  wait_timeout has not yet passed at now_ms: then a TICK can at most show
 *  the "please wait" warning (SHOW_SCREEN, PLAY_PROMPT) and never ends the
 *  visit. The kiosk ticks the session during a device call only while this
 *  holds, since ending a visit would wipe data the call still uses. */
bool session_waiting_on_device(const struct session *s, uint64_t now_ms);

/** Stable short names for logs and tests, e.g. "pin-last-try-confirm". */
const char *session_state_name(enum session_state st);
const char *session_screen_name(enum session_screen sc);
const char *session_prompt_name(enum session_prompt p);
const char *session_action_name(enum session_action_kind k);
const char *session_event_name(enum session_event_kind k);
const char *session_button_name(enum session_button b);

#endif
