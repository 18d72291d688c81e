/*
 * fuzz_acceptor_cmd.c — acceptorsim's device (tests/acceptorsim/acceptor.h)
 * on arbitrary bytes from the kiosk's side, cut into lines by kofu's line
 * assembler as acceptorsim does, with money put in between lines.
 * Checks: an accepted command prints back to exactly its line (nothing
 * loose is accepted); a refused one is zeroed; every line gets an answer
 * that ends in OK or ERR and holds only lines of the grammar; the money
 * adds up (inserted == kept + change + refunded + held: kept is net of
 * what the levels paid) and no level goes negative.
 */
#include "fuzz_common.h"
#include "drivers/payment/serial_line.h"
#include "tests/acceptorsim/acceptor.h"

#include <stdio.h>

static const char *const verbs[] = {"", "STATUS", "ASK", "CANCEL", "CHANGE", "REFUND", "LEVELS"};

static long levels_value(const struct acceptor *a)
{
    long v = 0;
    for (int i = 0; i < ACC_DENOMS; i++) {
        CHECK(a->level[i] >= 0);
        v += (long)a->level[i] * acc_denom(i);
    }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acceptor a;
    acceptor_init(&a);
    CHECK(acceptor_set_levels(&a, "1:3,10:5,100:4,500:2,1000:1"));
    long start = levels_value(&a), inserted = 0;
    struct serial_line_reader r;
    serial_line_reader_init(&r);
    for (size_t i = 0; i < size; i++) {
        kofu_cur line;
        if (serial_line_push(&r, data[i], &line) != PAYMENT_LINE_READY)
            continue;
        struct acc_cmd cmd;
        enum acc_cmd_kind k = acc_cmd_parse(line, &cmd);
        if (k == ACC_CMD_INVALID) {
            CHECK(cmd.kind == 0 && cmd.amount == 0);
        } else {
            char again[PAYMENT_LINE_MAX + 16];
            int n = (k == ACC_CMD_ASK || k == ACC_CMD_CHANGE || k == ACC_CMD_REFUND)
                        ? snprintf(again, sizeof again, "%s %d", verbs[k], cmd.amount)
                        : snprintf(again, sizeof again, "%s", verbs[k]);
            CHECK(n > 0 && cur_equals(&line, (const uint8_t *)again, (size_t)n));
        }
        uint8_t out[1024];
        kofu_bld b;
        bld_init(&b, out, sizeof out);
        acceptor_line(&a, line, &b);
        CHECK(bld_ok(&b) && b.len >= 3 && out[b.len - 1] == '\n');
        /* Every answer line is one the kiosk's parser takes. */
        kofu_cur all;
        cur_init(&all, out, b.len);
        struct serial_line_reader rr;
        serial_line_reader_init(&rr);
        enum payment_msg_kind last = PAYMENT_MSG_INVALID;
        for (size_t j = 0; j < b.len; j++) {
            kofu_cur l;
            if (serial_line_push(&rr, out[j], &l) == PAYMENT_LINE_READY) {
                struct payment_msg m;
                last = serial_line_parse(l, &m);
                CHECK(last != PAYMENT_MSG_INVALID);
            }
        }
        CHECK(last == PAYMENT_MSG_OK || last == PAYMENT_MSG_ERR);
        /* A coin after each line, as the control socket might. */
        static const int coins[] = {10, 100, 500, 1000, 3};
        bld_init(&b, out, sizeof out);
        int yen = coins[i % 5];
        if (acceptor_insert(&a, yen, &b))
            inserted += yen;
        CHECK(a.held <= a.total && a.total <= PAYMENT_AMOUNT_MAX);
        CHECK(levels_value(&a) <= start);
        CHECK(inserted == a.kept + a.change + a.refunded + a.held);
    }
    return 0;
}
