/*
 * state.c — the kiosk's side of the state file and the one-user lock
 * (diag/service_state.h, diag/service_lock.h): both opened before the
 * sandbox; the lock taken when a visit begins (a card placed on the attract
 * screen) and let go once the visit has been wiped; the counters written
 * after the wipe, never during a visit.
 *
 * While the console's `kofu diag` holds the lock, a card placed on the
 * attract screen does not begin a visit: the kiosk stays on the attract
 * screen (there is no maintenance screen word yet) and the resident places
 * the card again once the run is over (README).
 */
#include "kiosk/kiosk_priv.h"

#include "base/errors.h"
#include "base/log.h"

#include <stdio.h>
#include <time.h>

/* The kiosk's figures (kiosk_priv.h) when the counters last took them: the
 * counters add what has happened since. One kiosk per process. */
static struct {
    unsigned visits, printed, refunds, receipts;
} taken;

void kiosk_state_open(struct kiosk *k)
{
    k->state_file.fd = -1;
    k->service_lock.fd = -1;
    k->service_lock.held = false;
    int64_t now = (int64_t)time(NULL);
    int rc = service_state_open(&k->state_file, k->cfg.state_file, true, &k->state);
    if (rc != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_CONFIG, rc, 0);
    if (k->state_file.fd >= 0 && rc != KOFU_OK) {
        /* Damaged or unreadable (a torn write after a power cut): its
         * lock-out is lost, so a full one stands in for it (fail closed:
         * a guesser gets no fresh tries), written back so that it holds
         * across another restart. The counts count from now. */
        service_lockout_lock(&k->state.l, now, k->cfg.maintenance_lockout_seconds);
        k->state.c.since = now;
        kofu_log_service(EV_SERVICE_LOCKED, KOFU_E_CONFIG, 0, (uint32_t)k->cfg.maintenance_lockout_seconds);
        if (service_state_write(&k->state_file, &k->state) != KOFU_OK)
            kofu_log(KOFU_LOG_ERROR, EV_CONFIG, KOFU_E_CONFIG, 1);
    } else if (k->state_file.fd >= 0) {
        bool changed = service_lockout_clamp(&k->state.l, now, k->cfg.maintenance_lockout_seconds);
        if (k->state.c.since == 0) {
            k->state.c.since = now; /* a new file counts from now */
            changed = true;
        }
        if (changed)
            service_state_write(&k->state_file, &k->state);
    }
    if (service_lock_open(&k->service_lock, k->cfg.service_lock_file) != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_CONFIG, KOFU_E_CONFIG, 0);
    taken.visits = k->visits;
    taken.printed = k->printed;
    taken.refunds = k->refunds;
    taken.receipts = k->receipts;
}

void kiosk_state_take_log_counts(struct kiosk *k)
{
    kofu_log_take_counts(k->state.c.errors, SERVICE_ERR_SLOTS);
}

bool kiosk_state_visit_may_begin(struct kiosk *k)
{
    /* No lock file could be opened: nothing to share the kiosk with. */
    if (k->service_lock.fd < 0)
        return true;
    return service_lock_try(&k->service_lock);
}

static uint32_t add_sat(uint32_t a, unsigned b)
{
    return (uint64_t)a + b > UINT32_MAX ? UINT32_MAX : a + (uint32_t)b;
}

void kiosk_state_visit_wiped(struct kiosk *k)
{
    struct service_counters *c = &k->state.c;
    c->visits = add_sat(c->visits, k->visits - taken.visits);
    c->certificates = add_sat(c->certificates, k->printed - taken.printed);
    c->refunds = add_sat(c->refunds, k->refunds - taken.refunds);
    c->receipts = add_sat(c->receipts, k->receipts - taken.receipts);
    taken.visits = k->visits;
    taken.printed = k->printed;
    taken.refunds = k->refunds;
    taken.receipts = k->receipts;
    kiosk_state_take_log_counts(k);
    if (k->state_file.fd >= 0) {
        int rc = service_state_write(&k->state_file, &k->state);
        if (rc != KOFU_OK)
            kofu_log(KOFU_LOG_INFO, EV_CONFIG, rc, 0); /* not at ERROR: it would count itself every visit */
    }
    if (k->service_lock.held)
        service_lock_release(&k->service_lock);
}

void kiosk_state_close(struct kiosk *k)
{
    service_lock_close(&k->service_lock);
    service_state_close(&k->state_file);
}
