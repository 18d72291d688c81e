/*
 * wipe.c — the end of a visit: nothing of a resident outlives it.
 *
 * Owns: forgetting the PIN (the one place it is zeroed), the wipe at every
 * WIPE and at the end of the run (the vault past the mark, the kiosk's
 * pointers into it, the PIN pad's layout, the terms agreed, the passport's
 * numbers as typed and as checked), and the check that nothing is held
 * (kiosk_visit_residue, for a test build's hooks).
 */
#include "kiosk/kiosk_priv.h"

#include "base/vault.h"

#include <string.h>

void kiosk_forget_pin(struct kiosk_pin *pin)
{
    if (pin->digits)
        explicit_bzero(pin->digits, KIOSK_PIN_BYTES);
    pin->len = 0;
}

/* The pad's layout with the taps the input driver saw would give the PIN
 * back: no layout outlives the visit (and the drivers keep no tap once it
 * has been read: input.h). */
static void reset_pin_pad(struct kiosk *k)
{
    for (int i = 0; i < 10; i++)
        k->model.pin_layout[i] = (unsigned char)i;
    k->pin_pad_ok = false;
}

void kiosk_wipe_visit(struct kiosk *k)
{
    if (k->preview) {
        cairo_surface_destroy(k->preview);
        k->preview = NULL;
    }
    kiosk_forget_pin(&k->pin);
    if (k->mrz.ops)
        k->mrz.ops->forget(k->mrz.ctx);
    if (k->mrz_keys)
        explicit_bzero(k->mrz_keys, sizeof *k->mrz_keys);
    k->mrz_keys_ok = false;
    k->passport = NULL;
    memset(&k->pdf, 0, sizeof k->pdf);
    memset(&k->req, 0, sizeof k->req);
    k->req_made = false;
    memset(k->terms_shown, 0, sizeof k->terms_shown);
    memset(k->terms_agreed, 0, sizeof k->terms_agreed);
    k->model.terms_page = 0;
    k->card = NULL;
    k->cert = NULL;
    k->ver = NULL;
    k->page = NULL;
    k->last_inserted = 0;
    k->model.preview = NULL;
    k->model.municipality_page = 0;
    reset_pin_pad(k);
    vault_release(k->vault_base);
    k->stack_wipe_due = true;
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

const char *kiosk_visit_residue(const struct kiosk *k)
{
    if (!vault_is_clean_after(k->vault_base) || k->card || k->cert || k->ver || k->page || k->pdf.len ||
        k->preview || k->pin.len || (k->pin.digits && k->pin.digits[0]) || k->passport || k->mrz_keys_ok)
        return "resident data is still held";
    if ((k->keypad && !all_zero(k->keypad, sizeof *k->keypad)) ||
        (k->mrz_keys && !all_zero(k->mrz_keys, sizeof *k->mrz_keys)))
        return "the passport's numbers outlived the visit";
    /* The request names the card's data and the municipality; a request
     * still "made" would be reported again for the next resident. */
    if (k->req_made || !all_zero(&k->req, sizeof k->req))
        return "the visit's request outlived it";
    /* No trace of the visit's PIN pad: its shuffled layout, or digit
     * targets left in the screen's layout, with the taps would give the
     * PIN back. */
    for (int i = 0; i < 10; i++)
        if (k->model.pin_layout[i] != i)
            return "the PIN pad's layout outlived the visit";
    for (size_t i = 0; i < SCREENS_TARGETS_MAX; i++)
        if (k->layout.t[i].kind == SCREENS_T_DIGIT)
            return "the PIN pad's keys outlived the visit";
    return NULL;
}
