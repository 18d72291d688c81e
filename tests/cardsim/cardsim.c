/*
 * cardsim.c — a virtual My Number card (Kenhojo AP) behind pcscd's vpcd
 * reader driver, for kofu's integration tests.
 *
 *   cardsim --port PORT [--host 127.0.0.1] --pki DIR --resident FILE
 *           [--control PATH] [--fault SPEC]... [--absent] [-v]
 *
 * Owns: the command line and the card's control commands. The card itself
 * is card.c; the vpcd connection, the control socket, signals and the poll
 * loop are tests/lib/vicc.c (shared with passportsim).
 *
 * ATR: the contact ATR of the real card, 3B E0 00 FF 81 31 FE 45 14 (T=1
 * only); pcscd 1.9.9 with vpcd accepts it.
 *
 * Exit status: 0 on SIGTERM/SIGINT/quit, 2 for bad arguments, resident or
 * PKI, 3 when pcscd cannot be reached within 10 s, 1 on other failures.
 * Logging (-v, stderr) shows headers, lengths and status words only — never
 * command or response data, so neither the PIN nor the holder's data.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bytes.h"
#include "card.h"
#include "card_files.h"
#include "resident.h"
#include "tests/lib/vicc.h"

#define CS_EXIT_USAGE VICC_EXIT_USAGE
#define CS_ERR_MAX VICC_ERR_MAX

static const uint8_t cs_atr[] = {0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14};

typedef struct {
    struct vicc_opts v;
    const char *resident;
    card_faults faults;
} cs_opts;

typedef struct {
    cs_opts opt;
    cfiles_keys keys;
    card card;
    vicc *v;
} cs_sim;

/* ---- command line --------------------------------------------------------- */

static void cs_usage(void)
{
    fputs("usage: cardsim --port PORT [--host 127.0.0.1] --pki DIR --resident FILE\n"
          "               [--control PATH] [--fault SPEC]... [--absent] [-v]\n",
          stderr);
}

/* Fills *o from argv; prints the reason and returns false on misuse. */
static bool cs_parse_args(int argc, char **argv, cs_opts *o)
{
    static const struct option longopts[] = {
        VICC_LONGOPTS,
        {"resident", required_argument, NULL, 'r'}, {"fault", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    char err[CS_ERR_MAX];
    int ch;
    memset(o, 0, sizeof *o);
    vicc_opts_init(&o->v);
    card_faults_init(&o->faults);
    while ((ch = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
        if (vicc_opt(&o->v, ch, optarg))
            continue;
        switch (ch) {
        case 'r': o->resident = optarg; break;
        case 'f':
            if (!card_fault_parse(&o->faults, optarg, err, sizeof err)) {
                fprintf(stderr, "cardsim: %s\n", err);
                return false;
            }
            break;
        default: cs_usage(); return false;
        }
    }
    if (optind != argc || !o->v.port || !o->v.pki || !o->resident) {
        cs_usage();
        return false;
    }
    return vicc_opts_check(&o->v, "cardsim", "card");
}
/* ---- the card behind vicc ------------------------------------------------- */

static void cs_power(void *ctx, vicc_power ev)
{
    cs_sim *s = ctx;
    card_power(&s->card, ev == VICC_POWER_OFF ? CARD_POWER_OFF : ev == VICC_POWER_ON ? CARD_POWER_ON : CARD_RESET);
}

static void cs_apdu(void *ctx, const uint8_t *c, size_t n, uint8_t *r, size_t *rl)
{
    cs_sim *s = ctx;
    card_process_apdu(&s->card, c, n, r, rl);
}

static bool cs_mute(void *ctx) { return ((cs_sim *)ctx)->card.faults.mute; }
static unsigned cs_slow_ms(void *ctx) { return ((cs_sim *)ctx)->card.faults.slow_ms; }
static long *cs_remove_after(void *ctx) { return &((cs_sim *)ctx)->card.faults.remove_after; }

/* ---- control commands -------------------------------------------------------- */

static void cs_status(const cs_sim *s, char *reply, size_t n)
{
    snprintf(reply, n, "ok present=%d tries=%u verified=%d apdus=%lu powered=%d",
             vicc_present(s->v), s->card.res.tries_left, s->card.verified, vicc_apdus(s->v),
             vicc_present(s->v) && s->card.powered);
}

static void cs_cmd_fault(cs_sim *s, const char *spec, char *reply, size_t n)
{
    char err[CS_ERR_MAX];
    card_faults f = s->card.faults;
    if (!card_fault_parse(&f, spec, err, sizeof err) || !card_set_faults(&s->card, &f, err, sizeof err)) {
        snprintf(reply, n, "err %s", err);
        return;
    }
    vicc_check_remove_after(s->v);
    snprintf(reply, n, "ok");
}

/* load FILE: swap in another resident. The new card is built aside, so a bad
 * file leaves the current card untouched (and inserted). */
static void cs_cmd_load(cs_sim *s, const char *path, char *reply, size_t n)
{
    char err[CS_ERR_MAX];
    resident *r = malloc(sizeof *r);
    card *c = malloc(sizeof *c);
    bool ok = r && c && resident_load(path, r, err, sizeof err) &&
              card_init(c, r, &s->keys, &s->card.faults, err, sizeof err);
    if (ok) {
        vicc_remove(s->v);
        card_wipe(&s->card);
        s->card = *c;
        vicc_insert_reply(s->v, reply, n);
    } else {
        snprintf(reply, n, "err %s", r && c ? err : "out of memory");
    }
    if (r) {
        resident_wipe(r);
        free(r);
    }
    if (c) {
        card_wipe(c);
        free(c);
    }
}

static bool cs_control(void *ctx, vicc *v, const char *cmd, const char *arg, char *reply, size_t n)
{
    cs_sim *s = ctx;
    (void)v;
    if (strcmp(cmd, "status") == 0 && !arg)
        cs_status(s, reply, n);
    else if (strcmp(cmd, "load") == 0 && arg && *arg)
        cs_cmd_load(s, arg, reply, n);
    else if (strcmp(cmd, "fault") == 0 && arg && *arg)
        cs_cmd_fault(s, arg, reply, n);
    else if (strcmp(cmd, "clear") == 0 && !arg)
        cs_cmd_fault(s, "clear", reply, n);
    else
        return false;
    return true;
}

/* Loads the resident and the PKI and builds the card. Exit status or 0. */
static int cs_load(cs_sim *s)
{
    char err[CS_ERR_MAX];
    resident r;
    if (!resident_load(s->opt.resident, &r, err, sizeof err)) {
        fprintf(stderr, "cardsim: bad resident file: %s\n", err);
        return CS_EXIT_USAGE;
    }
    bool ok = cfiles_load_keys(s->opt.v.pki, &s->keys, err, sizeof err) &&
              card_init(&s->card, &r, &s->keys, &s->opt.faults, err, sizeof err);
    resident_wipe(&r);
    if (!ok) {
        fprintf(stderr, "cardsim: %s\n", err);
        return CS_EXIT_USAGE;
    }
    return 0;
}

int main(int argc, char **argv)
{
    cs_sim *s = calloc(1, sizeof *s);
    if (!s) {
        fputs("cardsim: out of memory\n", stderr);
        return 1;
    }
    int rc = cs_parse_args(argc, argv, &s->opt) ? 0 : CS_EXIT_USAGE;
    if (rc == 0)
        rc = cs_load(s);
    if (rc == 0) {
        const struct vicc_card vc = {
            .name = "cardsim", .what = "card", .atr = cs_atr, .atr_len = sizeof cs_atr, .ctx = s,
            .power = cs_power, .apdu = cs_apdu, .mute = cs_mute, .slow_ms = cs_slow_ms,
            .remove_after = cs_remove_after, .control = cs_control,
            .commands = "status|remove|insert|load FILE|fault SPEC|clear|quit",
        };
        s->v = vicc_new(&vc, &s->opt.v);
        rc = s->v ? vicc_run(s->v) : 1;
        vicc_free(s->v);
    }
    card_wipe(&s->card);
    cfiles_free_keys(&s->keys);
    free(s);
    return rc;
}
