/*
 * test_payment_sim.c — the sim board's coin and note acceptor
 * (drivers/payment/sim.c): money accounting on every path. After every step
 * inserted == kept + change + refunded + owed + escrow must hold.
 */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/errors.h"
#include "drivers/payment/sim.h"

static const struct payment_ops *ops = &sim_payment_ops;

static void *open_sim(const char *faults)
{
    void *ctx = NULL;
    assert_int_equal(ops->open(&ctx, faults), KOFU_OK);
    assert_non_null(ctx);
    return ctx;
}

static struct sim_payment_totals totals_of(void *ctx)
{
    struct sim_payment_totals t;
    sim_payment_totals(ctx, &t);
    assert_int_equal(t.inserted, t.kept + t.change + t.refunded + t.owed + t.escrow);
    return t;
}

static int inserted_now(void *ctx)
{
    int yen = -1;
    assert_int_equal(ops->inserted(ctx, &yen), KOFU_OK);
    return yen;
}

static bool fd_readable(void *ctx)
{
    struct pollfd p = {.fd = ops->fd(ctx), .events = POLLIN};
    assert_true(p.fd >= 0);
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void test_exact(void **state)
{
    (void)state;
    void *c = open_sim("");
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_true(totals_of(c).accepting);
    assert_int_equal(sim_payment_insert(c, 100), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 10), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 10), KOFU_OK);
    assert_int_equal(inserted_now(c), 120);
    assert_int_equal(ops->dispense_change(c, 0), KOFU_OK);
    struct sim_payment_totals t = totals_of(c);
    assert_int_equal(t.inserted, 120);
    assert_int_equal(t.kept, 120);
    assert_int_equal(t.change, 0);
    assert_int_equal(t.escrow, 0);
    assert_false(t.accepting);
    ops->close(c);
}

static void test_overpayment_change(void **state)
{
    (void)state;
    void *c = open_sim("");
    assert_int_equal(ops->ask(c, 240), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 1000), KOFU_OK);
    assert_int_equal(inserted_now(c), 1000);
    assert_int_equal(ops->dispense_change(c, 760), KOFU_OK);
    struct sim_payment_totals t = totals_of(c);
    assert_int_equal(t.kept, 240);
    assert_int_equal(t.change, 760);
    assert_int_equal(t.owed, 0);
    /* Change beyond what was inserted is refused and moves nothing. */
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 100), KOFU_OK);
    assert_int_equal(ops->dispense_change(c, 101), KOFU_E_ARG);
    assert_int_equal(ops->dispense_change(c, -1), KOFU_E_ARG);
    assert_int_equal(totals_of(c).escrow, 100);
    assert_int_equal(ops->refund(c, 100), KOFU_OK);
    t = totals_of(c);
    assert_int_equal(t.inserted, 1100);
    assert_int_equal(t.refunded, 100);
    ops->close(c);
}

static void test_cancel(void **state)
{
    (void)state;
    void *c = open_sim("");
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(ops->cancel(c), KOFU_OK);
    struct sim_payment_totals t = totals_of(c);
    assert_false(t.accepting);
    assert_int_equal(t.inserted, 0);
    /* A coin that slipped in before the cancel goes back: nothing is kept. */
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 50), KOFU_OK);
    assert_int_equal(ops->cancel(c), KOFU_OK);
    t = totals_of(c);
    assert_int_equal(t.refunded, 50);
    assert_int_equal(t.kept, 0);
    /* After a cancel the slot refuses money. */
    assert_int_equal(sim_payment_insert(c, 100), KOFU_E_ARG);
    assert_int_equal(totals_of(c).inserted, 50);
    ops->close(c);
}

static void test_refund(void **state)
{
    (void)state;
    void *c = open_sim("");
    assert_int_equal(ops->ask(c, 360), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 500), KOFU_OK);
    /* More than it holds: a caller's bug, nothing moves. */
    assert_int_equal(ops->refund(c, 600), KOFU_E_ARG);
    assert_int_equal(totals_of(c).escrow, 500);
    assert_int_equal(ops->refund(c, 500), KOFU_OK);
    struct sim_payment_totals t = totals_of(c);
    assert_int_equal(t.refunded, 500);
    assert_int_equal(t.escrow, 0);
    assert_false(t.accepting);
    /* A coin the caller has not seen yet still goes back with the rest. */
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 100), KOFU_OK);
    assert_int_equal(inserted_now(c), 100);
    assert_int_equal(sim_payment_insert(c, 10), KOFU_OK);
    assert_int_equal(ops->refund(c, 100), KOFU_OK);
    t = totals_of(c);
    assert_int_equal(t.refunded, 610);
    assert_int_equal(t.escrow, 0);
    ops->close(c);
}

static void test_refund_fails(void **state)
{
    (void)state;
    void *c = open_sim("refund-fails");
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 100), KOFU_OK);
    assert_int_equal(ops->refund(c, 100), KOFU_E_PAYMENT_REFUND);
    struct sim_payment_totals t = totals_of(c);
    assert_int_equal(t.owed, 100);
    assert_int_equal(t.refunded, 0);
    assert_false(t.accepting);
    /* cancel with money in escrow is a refund too. */
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 10), KOFU_OK);
    assert_int_equal(ops->cancel(c), KOFU_E_PAYMENT_REFUND);
    assert_int_equal(totals_of(c).owed, 110);
    /* With nothing in escrow, there is nothing to fail. */
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(ops->cancel(c), KOFU_OK);
    /* The fault can be lifted at run time. */
    assert_int_equal(sim_payment_set_faults(c, ""), KOFU_OK);
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 100), KOFU_OK);
    assert_int_equal(ops->refund(c, 100), KOFU_OK);
    t = totals_of(c);
    assert_int_equal(t.refunded, 100);
    assert_int_equal(t.owed, 110);
    ops->close(c);
}

static void test_change_fails(void **state)
{
    (void)state;
    void *c = open_sim("change-fails");
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 500), KOFU_OK);
    assert_int_equal(ops->dispense_change(c, 380), KOFU_E_PAYMENT_CHANGE);
    struct sim_payment_totals t = totals_of(c);
    assert_int_equal(t.kept, 120);
    assert_int_equal(t.owed, 380);
    assert_int_equal(t.change, 0);
    assert_false(t.accepting);
    /* No change due: nothing to fail. */
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 100), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 10), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 10), KOFU_OK);
    assert_int_equal(ops->dispense_change(c, 0), KOFU_OK);
    assert_int_equal(totals_of(c).kept, 240);
    ops->close(c);
}

static void test_dead(void **state)
{
    (void)state;
    void *c = open_sim("dead");
    int yen = 0;
    assert_int_equal(ops->ask(c, 120), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(ops->inserted(c, &yen), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(ops->cancel(c), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(ops->dispense_change(c, 0), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(ops->refund(c, 0), KOFU_E_PAYMENT_DEVICE);
    assert_int_equal(sim_payment_insert(c, 100), KOFU_E_ARG);
    assert_int_equal(totals_of(c).inserted, 0);
    ops->close(c);

    /* Dying with money in escrow: it stays there, still counted. */
    c = open_sim("");
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 100), KOFU_OK);
    assert_int_equal(sim_payment_set_faults(c, "dead"), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 10), KOFU_E_ARG);
    assert_int_equal(ops->refund(c, 100), KOFU_E_PAYMENT_DEVICE);
    struct sim_payment_totals t = totals_of(c);
    assert_int_equal(t.escrow, 100);
    assert_int_equal(t.refunded, 0);
    /* Revived, the money goes back. */
    assert_int_equal(sim_payment_set_faults(c, "refund-fails,change-fails"), KOFU_OK);
    assert_int_equal(sim_payment_set_faults(c, ""), KOFU_OK);
    assert_int_equal(ops->refund(c, 100), KOFU_OK);
    assert_int_equal(totals_of(c).refunded, 100);
    ops->close(c);
}

static void test_not_accepting(void **state)
{
    (void)state;
    void *c = open_sim("");
    /* Before ask(): the slot hands every coin back. */
    assert_int_equal(sim_payment_insert(c, 100), KOFU_E_ARG);
    assert_int_equal(ops->dispense_change(c, 0), KOFU_E_ARG);
    assert_int_equal(ops->refund(c, 10), KOFU_E_ARG);
    assert_int_equal(ops->refund(c, 0), KOFU_OK);
    assert_int_equal(ops->cancel(c), KOFU_OK);
    assert_int_equal(inserted_now(c), 0);
    /* ask() twice, or for nothing, is refused. */
    assert_int_equal(ops->ask(c, 0), KOFU_E_ARG);
    assert_int_equal(ops->ask(c, -120), KOFU_E_ARG);
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(ops->ask(c, 120), KOFU_E_ARG);
    /* After it is settled, again nothing is taken. */
    assert_int_equal(sim_payment_insert(c, 500), KOFU_OK);
    assert_int_equal(ops->dispense_change(c, 380), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 100), KOFU_E_ARG);
    struct sim_payment_totals t = totals_of(c);
    assert_int_equal(t.inserted, 500);
    assert_int_equal(t.kept, 120);
    assert_int_equal(t.change, 380);
    ops->close(c);
}

static void test_odd_coins(void **state)
{
    (void)state;
    void *c = open_sim("");
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    const int odd[] = {0, -10, 1, 5, 20, 25, 120, 200, 250, 999, 20000, 100000};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        assert_int_equal(sim_payment_insert(c, odd[i]), KOFU_E_ARG);
    assert_int_equal(inserted_now(c), 0);
    const int good[] = {10, 50, 100, 500, 1000, 2000, 5000, 10000};
    int sum = 0;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(sim_payment_insert(c, good[i]), KOFU_OK);
        sum += good[i];
    }
    assert_int_equal(inserted_now(c), sum);
    /* The escrow has a ceiling far above any fee; beyond it notes go back. */
    int refused = 0;
    for (int i = 0; i < 200; i++)
        refused += sim_payment_insert(c, 10000) == KOFU_E_ARG;
    assert_true(refused > 0);
    struct sim_payment_totals t = totals_of(c);
    assert_int_equal(ops->refund(c, t.escrow), KOFU_OK);
    t = totals_of(c);
    assert_int_equal(t.refunded, t.inserted);
    ops->close(c);
}

static void test_fd_wakes_on_insert(void **state)
{
    (void)state;
    void *c = open_sim("");
    assert_false(fd_readable(c));
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_false(fd_readable(c));
    assert_int_equal(sim_payment_insert(c, 100), KOFU_OK);
    assert_true(fd_readable(c));
    assert_int_equal(inserted_now(c), 100);
    assert_false(fd_readable(c)); /* inserted() drained it */
    assert_int_equal(sim_payment_insert(c, 7), KOFU_E_ARG);
    assert_false(fd_readable(c)); /* a returned coin wakes nobody */
    assert_int_equal(ops->cancel(c), KOFU_OK);
    ops->close(c);
}

static void test_fault_specs(void **state)
{
    (void)state;
    void *c = NULL;
    assert_int_equal(ops->open(&c, "jam"), KOFU_E_CONFIG);
    assert_int_equal(ops->open(&c, "dead,"), KOFU_E_CONFIG);
    assert_int_equal(ops->open(&c, ",dead"), KOFU_E_CONFIG);
    assert_int_equal(ops->open(&c, "dead,,refund-fails"), KOFU_E_CONFIG);
    assert_int_equal(ops->open(&c, "refund-fails "), KOFU_E_CONFIG);
    assert_int_equal(ops->open(&c, NULL), KOFU_OK);
    /* A bad list leaves the faults as they were. */
    assert_int_equal(sim_payment_set_faults(c, "change-fails"), KOFU_OK);
    assert_int_equal(sim_payment_set_faults(c, "change-fails,nope"), KOFU_E_ARG);
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(sim_payment_insert(c, 500), KOFU_OK);
    assert_int_equal(ops->dispense_change(c, 380), KOFU_E_PAYMENT_CHANGE);
    totals_of(c);
    ops->close(c);
}

/* status(): answers with the fixed levels; not while accepting; a dead
 * device does not answer. */
static void test_status(void **state)
{
    (void)state;
    void *c = open_sim("");
    struct payment_status st;
    assert_int_equal(ops->status(c, &st), KOFU_OK);
    assert_true(st.answered && st.levels_known);
    const struct payment_level want[] = PAYMENT_SIM_LEVELS;
    assert_int_equal(st.n_levels, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < st.n_levels; i++) {
        assert_int_equal(st.levels[i].yen, want[i].yen);
        assert_true(st.levels[i].count > 0);
    }
    assert_int_equal(ops->ask(c, 120), KOFU_OK);
    assert_int_equal(ops->status(c, &st), KOFU_E_ARG);
    assert_int_equal(ops->cancel(c), KOFU_OK);
    assert_int_equal(sim_payment_set_faults(c, "dead"), KOFU_OK);
    assert_int_equal(ops->status(c, &st), KOFU_E_PAYMENT_DEVICE);
    assert_false(st.answered);
    ops->close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_overpayment_change),
        cmocka_unit_test(test_cancel),
        cmocka_unit_test(test_refund),
        cmocka_unit_test(test_refund_fails),
        cmocka_unit_test(test_change_fails),
        cmocka_unit_test(test_dead),
        cmocka_unit_test(test_not_accepting),
        cmocka_unit_test(test_odd_coins),
        cmocka_unit_test(test_fd_wakes_on_insert),
        cmocka_unit_test(test_fault_specs),
        cmocka_unit_test(test_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
