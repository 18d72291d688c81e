/* sim.c — see sim.h. */
#include "drivers/payment/sim.h"

#include "base/errors.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* More than anyone pays at a kiosk; keeps every sum far from INT_MAX. */
#define PAYMENT_SIM_ESCROW_MAX 1000000
#define PAYMENT_SIM_TOTAL_MAX (INT32_MAX / 8)

struct sim_payment_faults {
    bool refund_fails;
    bool change_fails;
    bool change_slow;
    bool dead;
};

struct sim_payment_ctx {
    struct sim_payment_faults faults;
    struct sim_payment_totals totals;
    int event_fd;
};

static const int sim_payment_denominations[] = {10, 50, 100, 500, 1000, 2000, 5000, 10000};
/* What the sim's hopper and recycler hold for change (PAYMENT_SIM_LEVELS). */
static const struct payment_level sim_payment_levels[] = PAYMENT_SIM_LEVELS;

/* Parses "a,b,c" strictly: every item a known fault, no empty items. */
static int parse_faults(const char *spec, struct sim_payment_faults *out)
{
    struct sim_payment_faults f = {0};
    const char *p = spec ? spec : "";
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == strlen("refund-fails") && !strncmp(p, "refund-fails", n))
            f.refund_fails = true;
        else if (n == strlen("change-fails") && !strncmp(p, "change-fails", n))
            f.change_fails = true;
        else if (n == strlen("change-slow") && !strncmp(p, "change-slow", n))
            f.change_slow = true;
        else if (n == strlen("dead") && !strncmp(p, "dead", n))
            f.dead = true;
        else
            return KOFU_E_ARG;
        p += n;
        if (*p == ',') {
            p++;
            if (!*p)
                return KOFU_E_ARG; /* trailing comma: an empty item */
        }
    }
    *out = f;
    return KOFU_OK;
}

static int sim_payment_open(void **out, const char *spec)
{
    if (!out)
        return KOFU_E_ARG;
    struct sim_payment_faults f;
    if (parse_faults(spec, &f) != KOFU_OK)
        return KOFU_E_CONFIG;
    struct sim_payment_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return KOFU_E_NOMEM;
    c->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c->event_fd < 0) {
        free(c);
        return errno == ENOMEM ? KOFU_E_NOMEM : KOFU_E_PAYMENT_DEVICE;
    }
    c->faults = f;
    *out = c;
    return KOFU_OK;
}

static int sim_payment_ask(void *ctx, int amount_yen)
{
    struct sim_payment_ctx *c = ctx;
    if (!c)
        return KOFU_E_ARG;
    if (c->faults.dead)
        return KOFU_E_PAYMENT_DEVICE;
    /* A second ask while money waits in escrow would lose track of it. */
    if (amount_yen <= 0 || amount_yen > PAYMENT_SIM_ESCROW_MAX || c->totals.accepting)
        return KOFU_E_ARG;
    c->totals.accepting = true;
    return KOFU_OK;
}

static void drain_event_fd(struct sim_payment_ctx *c)
{
    uint64_t v;
    while (read(c->event_fd, &v, sizeof v) == (ssize_t)sizeof v)
        ;
}

static int sim_payment_inserted(void *ctx, int *total_yen)
{
    struct sim_payment_ctx *c = ctx;
    if (!c || !total_yen)
        return KOFU_E_ARG;
    if (c->faults.dead)
        return KOFU_E_PAYMENT_DEVICE;
    drain_event_fd(c);
    *total_yen = c->totals.escrow;
    return KOFU_OK;
}

/* Hands the escrow back, or — with refund-fails — keeps it as owed. */
static int return_escrow(struct sim_payment_ctx *c)
{
    int amount = c->totals.escrow;
    c->totals.escrow = 0;
    c->totals.accepting = false;
    if (amount == 0)
        return KOFU_OK;
    if (c->faults.refund_fails) {
        c->totals.owed += amount;
        return KOFU_E_PAYMENT_REFUND;
    }
    c->totals.refunded += amount;
    return KOFU_OK;
}

static int sim_payment_cancel(void *ctx)
{
    struct sim_payment_ctx *c = ctx;
    if (!c)
        return KOFU_E_ARG;
    if (c->faults.dead)
        return KOFU_E_PAYMENT_DEVICE;
    /* "Nothing is kept": a coin that slipped in before the cancel goes back. */
    return return_escrow(c);
}

static int sim_payment_dispense_change(void *ctx, int change_yen)
{
    struct sim_payment_ctx *c = ctx;
    if (!c)
        return KOFU_E_ARG;
    if (c->faults.dead)
        return KOFU_E_PAYMENT_DEVICE;
    if (!c->totals.accepting || change_yen < 0 || change_yen > c->totals.escrow)
        return KOFU_E_ARG;
    int keep = c->totals.escrow - change_yen;
    c->totals.escrow = 0;
    c->totals.accepting = false;
    c->totals.kept += keep;
    if (change_yen == 0)
        return KOFU_OK;
    if (c->faults.change_slow) {
        /* A payout as slow as a real hopper's: the caller waits. */
        struct timespec t = {.tv_sec = PAYMENT_SIM_SLOW_CHANGE_MS / 1000,
                             .tv_nsec = (PAYMENT_SIM_SLOW_CHANGE_MS % 1000) * 1000000L};
        while (nanosleep(&t, &t) != 0 && errno == EINTR)
            ;
    }
    if (c->faults.change_fails) {
        c->totals.owed += change_yen;
        return KOFU_E_PAYMENT_CHANGE;
    }
    c->totals.change += change_yen;
    return KOFU_OK;
}

/* A real acceptor hands back everything in its escrow, not a number it is
 * told: so does this one. Asking for more than it holds is a caller's bug
 * and moves nothing; asking for less (a coin arrived after the caller last
 * looked) still returns all of it — money is never stranded. */
static int sim_payment_refund(void *ctx, int amount_yen)
{
    struct sim_payment_ctx *c = ctx;
    if (!c)
        return KOFU_E_ARG;
    if (c->faults.dead)
        return KOFU_E_PAYMENT_DEVICE;
    if (amount_yen < 0 || amount_yen > c->totals.escrow)
        return KOFU_E_ARG;
    return return_escrow(c);
}

static int sim_payment_fd(void *ctx)
{
    const struct sim_payment_ctx *c = ctx;
    return c ? c->event_fd : -1;
}

static void sim_payment_close(void *ctx)
{
    struct sim_payment_ctx *c = ctx;
    if (!c)
        return;
    if (c->event_fd >= 0)
        close(c->event_fd);
    free(c);
}

static int sim_payment_status(void *ctx, struct payment_status *st)
{
    struct sim_payment_ctx *c = ctx;
    if (!c || !st)
        return KOFU_E_ARG;
    memset(st, 0, sizeof *st);
    if (c->faults.dead)
        return KOFU_E_PAYMENT_DEVICE;
    if (c->totals.accepting)
        return KOFU_E_ARG;
    st->answered = true;
    st->levels_known = true;
    for (size_t i = 0; i < sizeof sim_payment_levels / sizeof sim_payment_levels[0]; i++)
        st->levels[st->n_levels++] = sim_payment_levels[i];
    return KOFU_OK;
}

int sim_payment_insert(void *ctx, int yen)
{
    struct sim_payment_ctx *c = ctx;
    if (!c || c->faults.dead || !c->totals.accepting)
        return KOFU_E_ARG;
    bool known = false;
    for (size_t i = 0; i < sizeof sim_payment_denominations / sizeof sim_payment_denominations[0]; i++)
        known = known || sim_payment_denominations[i] == yen;
    if (!known || c->totals.escrow + yen > PAYMENT_SIM_ESCROW_MAX ||
        c->totals.inserted > PAYMENT_SIM_TOTAL_MAX - yen)
        return KOFU_E_ARG;
    c->totals.escrow += yen;
    c->totals.inserted += yen;
    uint64_t one = 1;
    /* Only a wake-up for the poll loop: a full counter still wakes it. */
    ssize_t n = write(c->event_fd, &one, sizeof one);
    (void)n;
    return KOFU_OK;
}

int sim_payment_set_faults(void *ctx, const char *spec)
{
    struct sim_payment_ctx *c = ctx;
    if (!c)
        return KOFU_E_ARG;
    return parse_faults(spec, &c->faults);
}

void sim_payment_totals(void *ctx, struct sim_payment_totals *out)
{
    const struct sim_payment_ctx *c = ctx;
    if (!out)
        return;
    if (!c) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = c->totals;
}

const struct payment_ops sim_payment_ops = {
    .open = sim_payment_open,
    .ask = sim_payment_ask,
    .inserted = sim_payment_inserted,
    .cancel = sim_payment_cancel,
    .dispense_change = sim_payment_dispense_change,
    .refund = sim_payment_refund,
    .fd = sim_payment_fd,
    .close = sim_payment_close,
    .status = sim_payment_status,
};
