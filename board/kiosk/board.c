/* board/kiosk — the reference kiosk: a CCID contact reader (e.g. Sony RC-S300
 * or ACS ACR1251) through pcscd, exactly like the sim board for the card. */
#include "board.h"

#include "ipp/printer_ipp.h"
#include "pcsc/reader_pcsc.h"

const char *board_name(void) { return "kiosk"; }

const struct card_reader_ops *board_card_reader(void) { return &pcsc_reader_ops; }

/* An IPP Everywhere printer (direct IPP, or ipp-usb for USB); a CUPS queue
 * only for a printer that needs a driver (docs/printing.md). */
const struct printer_ops *board_printer(void) { return &ipp_printer_ops; }
