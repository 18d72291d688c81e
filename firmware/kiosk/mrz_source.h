/*
 * mrz_source.h — where the numbers that open a passport's chip come from:
 * the resident's keypad on the screen now; a document scanner's reading of
 * the machine readable zone later, behind the same two calls, so that the
 * session, the check and the read do not change with the source.
 *
 * Owns: struct mrz_source (the interface) and the keypad, its one
 * implementation: the characters typed, in the vault, kept exactly as long
 * as the session counts them (mrz_keypad_trim after every session action:
 * the session owns the field typed into and the counts, session.h).
 *
 * What a source yields is resident data: struct mrz_keys in the vault,
 * never logged. The birth date is not the source's: it is the My Number
 * card's (the kiosk fills it in).
 */
#ifndef KOFU_KIOSK_MRZ_SOURCE_H
#define KOFU_KIOSK_MRZ_SOURCE_H

#include "card/mrz.h"
#include "session/session_types.h"

#include <stdbool.h>

struct mrz_source_ops {
    /** The document number and the date of expiry, each with its check
     *  digit as printed, into out (out->birth untouched). KOFU_OK, or
     *  KOFU_E_MRZ_FORMAT when the source has no complete set (nothing
     *  else is checked here: mrz_keys_check is the one check). */
    int (*keys)(void *ctx, struct mrz_keys *out);
    /** Forget everything the source holds (the end of a visit). */
    void (*forget)(void *ctx);
};

struct mrz_source {
    const struct mrz_source_ops *ops;
    void *ctx;
};

/* ---- the keypad ---- */

/** What the resident typed, one NUL-terminated string per field
 *  (enum session_mrz_field). Lives in the vault. */
struct mrz_keypad {
    char field[SESSION_MRZ__FIELDS][SESSION_MRZ_DOCNO_MAX + 1];
};

/** Put c at position pos of field f (pos = the session's count before
 *  the character). false, nothing stored, when c is not a keypad
 *  character (mrz_keypad_char_ok) or f, pos are out of the field. */
bool mrz_keypad_put(struct mrz_keypad *kp, int f, int pos, char c);

/** Keep no more of each field than len[f] characters (the session's
 *  counts); the rest is zeroed. */
void mrz_keypad_trim(struct mrz_keypad *kp, const int len[SESSION_MRZ__FIELDS]);

/** Zero all of it. */
void mrz_keypad_forget(struct mrz_keypad *kp);

/** ctx: a struct mrz_keypad. */
extern const struct mrz_source_ops mrz_keypad_source;

#endif
