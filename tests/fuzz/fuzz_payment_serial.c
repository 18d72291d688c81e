/*
 * fuzz_payment_serial.c — the coin and note acceptor's line layer
 * (drivers/payment/serial_line.h) on arbitrary bytes, as they would
 * arrive from the serial port: cut into lines under the cap, each parsed.
 * Checks: no line is longer than PAYMENT_LINE_MAX; a line views the
 * reader's own buffer; every accepted message prints back to exactly the
 * line it came from (so nothing loose is ever accepted); amounts are in
 * range, LEVEL's yen a coin or note of the yen; a refused line leaves the message zeroed.
 */
#include "fuzz_common.h"
#include "drivers/payment/serial_line.h"

#include <stdio.h>

static void check_line(const struct serial_line_reader *r, kofu_cur line)
{
    CHECK(cur_len(&line) <= PAYMENT_LINE_MAX);
    CHECK(view_inside(r->buf, sizeof r->buf, line));
    struct payment_msg m;
    enum payment_msg_kind kind = serial_line_parse(line, &m);
    CHECK(kind == m.kind);
    char again[PAYMENT_LINE_MAX + 32];
    int n = -1;
    switch (kind) {
    case PAYMENT_MSG_INVALID:
        CHECK(all_zero(&m, sizeof m));
        return;
    case PAYMENT_MSG_OK:
        n = snprintf(again, sizeof again, "OK");
        break;
    case PAYMENT_MSG_ERR:
        CHECK(string_ok(m.code, sizeof m.code, PAYMENT_ERR_CODE_MAX));
        n = snprintf(again, sizeof again, "ERR %s", m.code);
        break;
    case PAYMENT_MSG_INSERTED:
        CHECK(m.amount >= 0 && m.amount <= PAYMENT_AMOUNT_MAX);
        n = snprintf(again, sizeof again, "INSERTED %d", m.amount);
        break;
    case PAYMENT_MSG_LEVEL:
        CHECK(payment_denomination_ok(m.yen));
        CHECK(m.count >= 0 && m.count <= PAYMENT_AMOUNT_MAX);
        n = snprintf(again, sizeof again, "LEVEL %d %d", m.yen, m.count);
        break;
    }
    CHECK(n >= 0 && (size_t)n < sizeof again);
    CHECK(cur_equals(&line, (const uint8_t *)again, (size_t)n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct serial_line_reader r;
    serial_line_reader_init(&r);
    size_t since_lf = 0;
    for (size_t i = 0; i < size; i++) {
        kofu_cur line;
        enum serial_line_status st = serial_line_push(&r, data[i], &line);
        since_lf = data[i] == '\n' ? 0 : since_lf + 1;
        if (st == PAYMENT_LINE_READY)
            check_line(&r, line);
        else
            CHECK(st == PAYMENT_LINE_MORE || (st == PAYMENT_LINE_DROPPED && data[i] == '\n'));
        CHECK(r.len <= PAYMENT_LINE_MAX);
    }
    /* The whole input as one line, too (no reader). */
    struct payment_msg m;
    kofu_cur whole;
    cur_init(&whole, data, size);
    if (serial_line_parse(whole, &m) != PAYMENT_MSG_INVALID)
        CHECK(size <= 4 + PAYMENT_ERR_CODE_MAX); /* "ERR " and the longest code is the longest message
                                                    ("LEVEL 10000 1000000" is 19 bytes) */
    return 0;
}
