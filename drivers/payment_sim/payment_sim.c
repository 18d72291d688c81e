/* PLACEHOLDER (being written): replaced by the real driver. */
#include "payment_sim.h"

const struct payment_ops payment_sim_ops = {0};
