/* mode_interim.c — a stand-in for the parts of service_state.c and
 * maint_cred.c that the service mode uses, until those land; deleted then.
 * The lock-out and counters follow service_state.h; the state file is
 * written as "key value" lines; maint_cred_verify refuses everything. */
#include "diag/maint_cred.h"
#include "diag/service_state.h"

#include "base/errors.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool service_lockout_active(const struct service_lockout *l, int64_t now)
{
    return l->locked_until != 0 && now < l->locked_until;
}

bool service_lockout_failure(struct service_lockout *l, int64_t now, int lockout_seconds)
{
    if (l->locked_until != 0 && now >= l->locked_until) {
        l->locked_until = 0;
        l->failures = 0;
    }
    l->failures++;
    if (l->failures >= SERVICE_FAILURES_MAX) {
        l->locked_until = now + lockout_seconds;
        l->failures = 0;
        return true;
    }
    return false;
}

void service_lockout_success(struct service_lockout *l)
{
    l->failures = 0;
    l->locked_until = 0;
}

void service_counters_reset(struct service_counters *c, int64_t now)
{
    memset(c, 0, sizeof *c);
    c->since = now;
}

int service_state_write(struct service_state_file *f, const struct service_state *st)
{
    if (f->fd < 0)
        return KOFU_E_CONFIG;
    char buf[256];
    int n = snprintf(buf, sizeof buf, "since %lld\nfailures %u\nlocked_until %lld\n", (long long)st->c.since,
                     st->l.failures, (long long)st->l.locked_until);
    if (pwrite(f->fd, buf, (size_t)n, 0) != n || ftruncate(f->fd, n) != 0)
        return KOFU_E_CONFIG;
    return KOFU_OK;
}

int maint_cred_verify(const char *path, uint32_t id, const char *code)
{
    (void)path;
    (void)id;
    (void)code;
    return KOFU_E_SERVICE_DENIED;
}
