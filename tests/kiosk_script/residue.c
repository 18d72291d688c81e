/*
 * residue.c — the one place the test build reaches past the kiosk's public
 * hooks (kiosk/kiosk_hooks.h) into its state (kiosk/kiosk_priv.h): to leave
 * a visit's field set, as a wipe that missed it would, so that the check
 * that must catch it (`expect-clean`, kiosk_holds_visit) is shown catching
 * it (`inject request-residue`, tests/integration/test_script_checks.c).
 * Test code: never linked into build/kofu.
 */
#include "kiosk_script.h"

#include "kiosk/kiosk_priv.h"

void kiosk_script_leave_request(struct kiosk *k)
{
    k->req_made = true;
}
