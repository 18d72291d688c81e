/* test_print.c — see test_print.h. (Being written: refuses until it is built.) */
#include "kiosk/test_print.h"

#include "base/errors.h"

int kiosk_test_print(const struct diag_report *r, const char *board_name, const struct document_fonts *fonts,
                     const struct printer *pr, int timeout_ms)
{
    (void)r, (void)board_name, (void)fonts, (void)pr, (void)timeout_ms;
    return KOFU_E_INTERNAL;
}
