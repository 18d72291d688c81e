/* kenhojo_read.c — kenhojo_read_verified (kenhojo.h): the PIN, the files and
 * their authenticity, in the order every front end needs them. */
#include "card/kenhojo.h"

#include "base/clock.h"

#include <string.h>

int kenhojo_read_verified(struct kenhojo_session *s, char *pin, size_t pin_cap, bool last_try_confirmed,
                          const struct kenhojo_trust *trust, struct kenhojo_read_result *res)
{
    *res = (struct kenhojo_read_result){.tries_left = KENHOJO_TRIES_UNKNOWN, .why = KENHOJO_AUTH_OK};
    double t0 = kofu_mono_ms_f();
    int rc = kenhojo_verify_pin(s, pin, last_try_confirmed, &res->tries_left);
    /* The PIN went to the card and nowhere else; it is not needed again. */
    if (pin)
        explicit_bzero(pin, pin_cap);
    if (rc == KOFU_OK) {
        res->data = kenhojo_card_data_new();
        rc = res->data ? kenhojo_read(s, res->data) : KOFU_E_NOMEM;
    }
    if (rc == KOFU_OK && trust->card_ca_dir)
        rc = kenhojo_authenticate(s, res->data, trust->card_ca_dir, trust->presence_required, &res->why);
    res->read_ms = kofu_mono_ms_f() - t0;
    return rc;
}
