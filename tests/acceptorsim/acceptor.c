/* acceptor.c — the coin and note acceptor as a device, no I/O (acceptor.h). */
#include "tests/acceptorsim/acceptor.h"

#include "drivers/payment/serial_line.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int acc_denoms[ACC_DENOMS] = {1, 5, 10, 50, 100, 500, 1000, 2000, 5000, 10000};

int acc_denom(int i)
{
    return i >= 0 && i < ACC_DENOMS ? acc_denoms[i] : 0;
}

static int denom_index(int yen)
{
    for (int i = 0; i < ACC_DENOMS; i++)
        if (acc_denoms[i] == yen)
            return i;
    return -1;
}

/* The whole cursor as an amount: decimal, no sign, no leading zero, at
 * most 7 digits and PAYMENT_AMOUNT_MAX. */
static bool parse_amount(kofu_cur c, int *out)
{
    size_t n = cur_len(&c);
    if (n == 0 || n > 7)
        return false;
    const uint8_t *p = cur_data(&c);
    if (p[0] == '0' && n > 1)
        return false;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    if (v > PAYMENT_AMOUNT_MAX)
        return false;
    *out = v;
    return true;
}

enum acc_cmd_kind acc_cmd_parse(kofu_cur line, struct acc_cmd *cmd)
{
    static const struct {
        const char *word;
        enum acc_cmd_kind kind;
        bool amount;
    } verbs[] = {
        {"STATUS", ACC_CMD_STATUS, false}, {"ASK", ACC_CMD_ASK, true},         {"CANCEL", ACC_CMD_CANCEL, false},
        {"CHANGE", ACC_CMD_CHANGE, true},  {"REFUND", ACC_CMD_REFUND, true},   {"LEVELS", ACC_CMD_LEVELS, false},
    };
    memset(cmd, 0, sizeof *cmd);
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        size_t wl = strlen(verbs[i].word);
        kofu_cur c = line, word;
        if (!cur_get_bytes(&c, &word, wl) || !cur_equals(&word, (const uint8_t *)verbs[i].word, wl))
            continue;
        if (!verbs[i].amount) {
            if (cur_len(&c) != 0)
                return ACC_CMD_INVALID;
            cmd->kind = verbs[i].kind;
            return cmd->kind;
        }
        uint8_t sp;
        int amount;
        if (!cur_get_u8(&c, &sp) || sp != ' ' || !parse_amount(c, &amount))
            return ACC_CMD_INVALID;
        if (verbs[i].kind == ACC_CMD_ASK && amount == 0)
            return ACC_CMD_INVALID;
        cmd->kind = verbs[i].kind;
        cmd->amount = amount;
        return cmd->kind;
    }
    return ACC_CMD_INVALID;
}

void acceptor_init(struct acceptor *a)
{
    memset(a, 0, sizeof *a);
}

bool acceptor_set_levels(struct acceptor *a, const char *spec)
{
    int level[ACC_DENOMS];
    memcpy(level, a->level, sizeof level);
    const char *p = spec;
    while (*p) {
        char *end;
        long yen = strtol(p, &end, 10);
        if (end == p || *end != ':')
            return false;
        int i = denom_index(yen >= 0 && yen <= 10000 ? (int)yen : -1);
        p = end + 1;
        long count = strtol(p, &end, 10);
        if (i < 0 || end == p || count < 0 || count > PAYMENT_AMOUNT_MAX || (*end && *end != ','))
            return false;
        level[i] = (int)count;
        p = *end ? end + 1 : end;
        if (*end == ',' && !*p)
            return false;
    }
    memcpy(a->level, level, sizeof level);
    return true;
}

__attribute__((format(printf, 2, 3))) static void put_line(kofu_bld *out, const char *fmt, ...)
{
    char line[PAYMENT_LINE_MAX + 2];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof line)
        bld_add_bytes(out, line, (size_t)n);
}

/* Pays n out of the levels, largest pieces first; false (levels untouched)
 * when they cannot make n exactly. */
static bool pay_out(struct acceptor *a, int n)
{
    int level[ACC_DENOMS];
    memcpy(level, a->level, sizeof level);
    for (int i = ACC_DENOMS - 1; i >= 0 && n > 0; i--) {
        int take = n / acc_denoms[i];
        if (take > level[i])
            take = level[i];
        level[i] -= take;
        n -= take * acc_denoms[i];
    }
    if (n != 0)
        return false;
    memcpy(a->level, level, sizeof level);
    return true;
}

static void settle(struct acceptor *a, int paid)
{
    a->kept += a->held - paid;
    a->held = 0;
}

void acceptor_line(struct acceptor *a, kofu_cur line, kofu_bld *out)
{
    struct acc_cmd cmd;
    if (acc_cmd_parse(line, &cmd) == ACC_CMD_INVALID) {
        /* docs/payment.md lets a device answer what it does not know with
         * ERR unknown; the kiosk then counts it as a failed command. */
        put_line(out, "ERR unknown\n");
        return;
    }
    a->commands++;
    switch (cmd.kind) {
    case ACC_CMD_STATUS:
        break;
    case ACC_CMD_ASK:
        settle(a, 0); /* money of a visit never settled stays in the device */
        a->accepting = true;
        a->asked = cmd.amount;
        a->total = 0;
        break;
    case ACC_CMD_CANCEL:
        a->accepting = false;
        break;
    case ACC_CMD_CHANGE:
        a->accepting = false;
        if (!pay_out(a, cmd.amount)) {
            put_line(out, "ERR no-coins\n");
            return;
        }
        a->change += cmd.amount;
        settle(a, cmd.amount);
        break;
    case ACC_CMD_REFUND: {
        a->accepting = false;
        /* What is held goes back as it came; only more than that needs
         * the levels. */
        int from_levels = cmd.amount > a->held ? cmd.amount - a->held : 0;
        if (!pay_out(a, from_levels)) {
            put_line(out, "ERR no-coins\n");
            return;
        }
        a->refunded += cmd.amount;
        settle(a, cmd.amount);
        break;
    }
    case ACC_CMD_LEVELS:
        for (int i = 0; i < ACC_DENOMS; i++)
            put_line(out, "LEVEL %d %d\n", acc_denoms[i], a->level[i]);
        break;
    case ACC_CMD_INVALID:
        break;
    }
    put_line(out, "OK\n");
}

bool acceptor_insert(struct acceptor *a, int yen, kofu_bld *out)
{
    if (!a->accepting || denom_index(yen) < 0 || yen > PAYMENT_AMOUNT_MAX - a->total)
        return false;
    a->total += yen;
    a->held += yen;
    put_line(out, "INSERTED %d\n", a->total);
    return true;
}

void acceptor_status(const struct acceptor *a, char *buf, size_t cap)
{
    snprintf(buf, cap, "accepting=%d asked=%d total=%d kept=%ld change=%ld refunded=%ld commands=%u",
             a->accepting ? 1 : 0, a->asked, a->total, a->kept, a->change, a->refunded, a->commands);
}
