/*
 * hooks.c — what a test build may see of a running kiosk (kiosk_hooks.h).
 *
 * Owns: the read-only views and kiosk_stop. Main thread only, like the
 * hooks that call them.
 */
#include "kiosk/kiosk_priv.h"

#include "base/errors.h"

void kiosk_stop(struct kiosk *k, int exit_code)
{
    k->exit_code = exit_code;
    k->quit = true;
}

enum session_screen kiosk_screen(const struct kiosk *k, enum kofu_lang *lang)
{
    if (lang)
        *lang = k->model.lang;
    return k->drawn ? k->model.screen : SESSION_SCREEN__COUNT;
}

const struct screens_layout *kiosk_layout(const struct kiosk *k)
{
    return &k->layout;
}

const struct center_municipality *kiosk_municipalities(const struct kiosk *k, size_t *n)
{
    *n = k->have_ccfg ? k->ccfg.n_municipalities : 0;
    return k->have_ccfg ? k->ccfg.municipalities : NULL;
}

cairo_surface_t *kiosk_frame(const struct kiosk *k)
{
    return k->frame_surface;
}

const char *kiosk_holds_visit(const struct kiosk *k)
{
    return kiosk_visit_residue(k);
}

bool kiosk_card_present(const struct kiosk *k)
{
    return k->card_present;
}

const struct payment *kiosk_payment_device(const struct kiosk *k)
{
    return &k->pay;
}
