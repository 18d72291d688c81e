/* payment_sim.h — PLACEHOLDER (being written). */
#ifndef KOFU_PAYMENT_SIM_H
#define KOFU_PAYMENT_SIM_H

#include "payment.h"

extern const struct payment_ops payment_sim_ops;

#endif
