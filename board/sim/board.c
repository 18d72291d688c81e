/* board/sim — this development machine: the virtual card through pcscd + vpcd. */
#include "board.h"

#include "ipp/printer_ipp.h"
#include "pcsc/reader_pcsc.h"

const char *board_name(void) { return "sim"; }

const struct card_reader_ops *board_card_reader(void) { return &pcsc_reader_ops; }

const struct printer_ops *board_printer(void) { return &ipp_printer_ops; }
