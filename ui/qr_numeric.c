/* qr_numeric.c — see qr_numeric.h. */
#include "ui/qr_numeric.h"

#include "base/b64.h"

#include <stdint.h>
#include <string.h>

/* The offset the specification subtracts: '-' (45) becomes "00". */
#define QR_NUMERIC_OFFSET 45
/* The largest pair: 'z' − 45. */
#define QR_NUMERIC_PAIR_MAX 77

static bool jws_char(char c) { return b64_is_char(c, true) || c == '.'; }

bool qr_numeric_from_jws(const char *jws, char *out, size_t cap)
{
    if (!jws || !out)
        return false;
    size_t n = strlen(jws);
    if (n > (SIZE_MAX - 1) / 2 || cap < 2 * n + 1)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!jws_char(jws[i]))
            return false;
        int v = jws[i] - QR_NUMERIC_OFFSET;
        out[2 * i] = (char)('0' + v / 10);
        out[2 * i + 1] = (char)('0' + v % 10);
    }
    out[2 * n] = '\0';
    return true;
}

bool qr_numeric_to_jws(const char *digits, char *out, size_t cap)
{
    if (!digits || !out)
        return false;
    size_t n = strlen(digits);
    if (n % 2 || cap < n / 2 + 1)
        return false;
    for (size_t i = 0; i < n; i += 2) {
        char hi = digits[i], lo = digits[i + 1];
        if (hi < '0' || hi > '9' || lo < '0' || lo > '9')
            return false;
        int v = (hi - '0') * 10 + (lo - '0');
        char c = (char)(v + QR_NUMERIC_OFFSET);
        if (v > QR_NUMERIC_PAIR_MAX || !jws_char(c))
            return false;
        out[i / 2] = c;
    }
    out[n / 2] = '\0';
    return true;
}
