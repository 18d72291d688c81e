/*
 * mrz_keypad.c — the passport's numbers as typed on the screen's keypad
 * (mrz_source.h).
 */
#include "kiosk/mrz_source.h"

#include "base/errors.h"

#include <string.h>

/* The session counts what the card layer takes. */
_Static_assert(SESSION_MRZ_DOCNO_MAX == MRZ_DOCNO_MAX, "document number length");
_Static_assert(SESSION_MRZ_DATE_LEN == MRZ_DATE_LEN, "date length");

bool mrz_keypad_put(struct mrz_keypad *kp, int f, int pos, char c)
{
    if (f < 0 || f >= SESSION_MRZ__FIELDS || pos < 0 || pos >= session_mrz_field_max(f) || !mrz_keypad_char_ok(c))
        return false;
    kp->field[f][pos] = c;
    return true;
}

void mrz_keypad_trim(struct mrz_keypad *kp, const int len[SESSION_MRZ__FIELDS])
{
    for (int f = 0; f < SESSION_MRZ__FIELDS; f++) {
        int keep = len[f] < 0 ? 0 : len[f] > session_mrz_field_max(f) ? session_mrz_field_max(f) : len[f];
        explicit_bzero(kp->field[f] + keep, sizeof kp->field[f] - (size_t)keep);
    }
}

void mrz_keypad_forget(struct mrz_keypad *kp)
{
    explicit_bzero(kp, sizeof *kp);
}

/* A field as typed: its length, or -1 when a gap (a character missing
 * before the last) makes it no field at all. */
static int typed_len(const char *s, int max)
{
    int n = (int)strnlen(s, (size_t)max);
    for (int i = n; i < max; i++)
        if (s[i])
            return -1;
    return n;
}

static int keypad_keys(void *ctx, struct mrz_keys *out)
{
    const struct mrz_keypad *kp = ctx;
    int dn = typed_len(kp->field[SESSION_MRZ_DOCNO], SESSION_MRZ_DOCNO_MAX);
    int dc = typed_len(kp->field[SESSION_MRZ_DOCNO_CD], 1);
    int ex = typed_len(kp->field[SESSION_MRZ_EXPIRY], SESSION_MRZ_DATE_LEN);
    int ec = typed_len(kp->field[SESSION_MRZ_EXPIRY_CD], 1);
    if (dn < 1 || dc != 1 || ex != SESSION_MRZ_DATE_LEN || ec != 1)
        return KOFU_E_MRZ_FORMAT;
    memset(out->docno, 0, sizeof out->docno);
    memcpy(out->docno, kp->field[SESSION_MRZ_DOCNO], (size_t)dn);
    out->docno_cd = kp->field[SESSION_MRZ_DOCNO_CD][0];
    memcpy(out->expiry, kp->field[SESSION_MRZ_EXPIRY], SESSION_MRZ_DATE_LEN);
    out->expiry[SESSION_MRZ_DATE_LEN] = '\0';
    out->expiry_cd = kp->field[SESSION_MRZ_EXPIRY_CD][0];
    return KOFU_OK;
}

static void keypad_forget(void *ctx)
{
    mrz_keypad_forget(ctx);
}

const struct mrz_source_ops mrz_keypad_source = {.keys = keypad_keys, .forget = keypad_forget};
