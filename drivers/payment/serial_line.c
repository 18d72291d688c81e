/* serial_line.c — see serial_line.h. */
#include "drivers/payment/serial_line.h"

#include <string.h>

void serial_line_reader_init(struct serial_line_reader *r)
{
    memset(r, 0, sizeof *r);
}

enum serial_line_status serial_line_push(struct serial_line_reader *r, uint8_t byte, kofu_cur *line)
{
    if (byte == '\n') {
        bool dropped = r->overlong;
        size_t n = r->len;
        r->len = 0;
        r->overlong = false;
        if (dropped)
            return PAYMENT_LINE_DROPPED;
        if (n > 0 && r->buf[n - 1] == '\r')
            n--;
        cur_init(line, r->buf, n);
        return PAYMENT_LINE_READY;
    }
    if (r->overlong)
        return PAYMENT_LINE_MORE;
    /* The cap counts the CR too: a line is at most PAYMENT_LINE_MAX bytes
     * before its LF. */
    if (r->len == PAYMENT_LINE_MAX) {
        r->overlong = true;
        r->len = 0;
        return PAYMENT_LINE_MORE;
    }
    r->buf[r->len++] = byte;
    return PAYMENT_LINE_MORE;
}

static bool take_word(kofu_cur *c, const char *word)
{
    size_t n = strlen(word);
    kofu_cur w;
    if (cur_len(c) < n)
        return false;
    kofu_cur probe = *c;
    if (!cur_get_bytes(&probe, &w, n) || !cur_equals(&w, (const uint8_t *)word, n))
        return false;
    *c = probe;
    return true;
}

static bool parse_amount(kofu_cur c, int *out)
{
    size_t n = cur_len(&c);
    if (n == 0 || n > 7)
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t d;
        if (!cur_get_u8(&c, &d) || d < '0' || d > '9')
            return false;
        if (i == 0 && d == '0' && n > 1)
            return false;
        v = v * 10 + (d - '0');
    }
    if (v > PAYMENT_AMOUNT_MAX)
        return false;
    *out = (int)v;
    return true;
}

static bool parse_code(kofu_cur c, char *out)
{
    size_t n = cur_len(&c);
    if (n == 0 || n > PAYMENT_ERR_CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t ch;
        if (!cur_get_u8(&c, &ch))
            return false;
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
            return false;
        out[i] = (char)ch;
    }
    out[n] = '\0';
    return true;
}

bool payment_denomination_ok(int yen)
{
    static const int denominations[] = {1, 5, 10, 50, 100, 500, 1000, 2000, 5000, 10000};
    for (size_t i = 0; i < sizeof denominations / sizeof denominations[0]; i++)
        if (denominations[i] == yen)
            return true;
    return false;
}

/* "<yen> <count>": split at the one space, both numbers as amounts. */
static bool parse_level(kofu_cur c, int *yen, int *count)
{
    kofu_cur probe = c;
    size_t n = cur_len(&c), sp = 0;
    for (; sp < n; sp++) {
        uint8_t ch;
        if (!cur_get_u8(&probe, &ch))
            return false;
        if (ch == ' ')
            break;
    }
    if (sp == n)
        return false;
    kofu_cur first;
    if (!cur_get_bytes(&c, &first, sp) || !cur_skip(&c, 1))
        return false;
    return parse_amount(first, yen) && payment_denomination_ok(*yen) && parse_amount(c, count);
}

enum payment_msg_kind serial_line_parse(kofu_cur line, struct payment_msg *msg)
{
    memset(msg, 0, sizeof *msg);
    kofu_cur c = line;
    struct payment_msg m;
    memset(&m, 0, sizeof m);
    if (take_word(&c, "OK")) {
        if (cur_len(&c) != 0)
            return PAYMENT_MSG_INVALID;
        m.kind = PAYMENT_MSG_OK;
    } else if (take_word(&c, "ERR ")) {
        if (!parse_code(c, m.code))
            return PAYMENT_MSG_INVALID;
        m.kind = PAYMENT_MSG_ERR;
    } else if (take_word(&c, "INSERTED ")) {
        if (!parse_amount(c, &m.amount))
            return PAYMENT_MSG_INVALID;
        m.kind = PAYMENT_MSG_INSERTED;
    } else if (take_word(&c, "LEVEL ")) {
        if (!parse_level(c, &m.yen, &m.count))
            return PAYMENT_MSG_INVALID;
        m.kind = PAYMENT_MSG_LEVEL;
    } else {
        return PAYMENT_MSG_INVALID;
    }
    *msg = m;
    return m.kind;
}
