/* payment_serial.h — PLACEHOLDER (being written). */
#ifndef KOFU_PAYMENT_SERIAL_H
#define KOFU_PAYMENT_SERIAL_H

#include "payment.h"

extern const struct payment_ops payment_serial_ops;

#endif
