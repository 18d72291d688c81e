/*
 * test_privacy_ipp.c — test_privacy.c with the printer on plain ipp:// over
 * a private link (printer_private_link = yes), the kiosk's other printer
 * mode: the same visits, the same scan, nothing of a resident left.
 */
#define PRIVACY_PRINTER_MODE PRINTER_IPP
#include "test_privacy.c"
