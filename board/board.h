/*
 * board.h — what a board wires to each device class.
 *
 * Owns nothing; each board/<name>/board.c implements these and is the only
 * place that names a driver. The core includes this header, never a device
 * library's.
 */
#ifndef KOFU_BOARD_H
#define KOFU_BOARD_H

#include "card_reader.h"
#include "printer.h"

/** The board's name ("sim", "kiosk"). */
const char *board_name(void);
/** The card-reader driver of this board. */
const struct card_reader_ops *board_card_reader(void);
/** The printer driver of this board. */
const struct printer_ops *board_printer(void);

#endif
