/* PLACEHOLDER (being written): replaced by the real driver. */
#include "payment_serial.h"

const struct payment_ops payment_serial_ops = {0};
