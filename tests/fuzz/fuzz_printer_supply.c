/*
 * fuzz_printer_supply.c — one printer-supply value (drivers/printer/ipp_supply.h)
 * on arbitrary bytes, as a printer would send it. Checks: a refused value
 * leaves the supply zeroed; an accepted one has NUL-terminated printable
 * texts within their fields, a level of 0..100 or a PRINTER_LEVEL_*, and
 * no low or high mark.
 */
#include "fuzz_common.h"
#include "drivers/printer/ipp_supply.h"

static bool printable(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == cap)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct printer_supply s;
    if (!ipp_supply_parse(data, size, &s)) {
        CHECK(all_zero(&s, sizeof s));
        return 0;
    }
    CHECK(size > 0 && size <= IPP_SUPPLY_VALUE_MAX);
    CHECK(printable(s.type, sizeof s.type) && printable(s.color, sizeof s.color));
    CHECK(s.name[0] == '\0');
    CHECK((s.level >= 0 && s.level <= 100) || s.level == PRINTER_LEVEL_UNAVAILABLE ||
          s.level == PRINTER_LEVEL_UNKNOWN || s.level == PRINTER_LEVEL_SOME);
    CHECK(s.low == -1 && s.high == -1);
    return 0;
}
