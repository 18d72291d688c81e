/*
 * passportsim.c — a virtual passport (an ICAO 9303 eMRTD chip) behind pcscd's
 * vpcd reader driver, for kofu's integration tests.
 *
 *   passportsim --port PORT [--host 127.0.0.1] --pki DIR --holder FILE
 *               [--signer NAME] [--access bac|pace] [--control PATH]
 *               [--fault SPEC]... [--absent] [-v]
 *
 * Owns: the command line, the chip's control commands and rebuilding the
 * files when a file-changing fault is set. The chip itself is chip.c, its
 * files chip_files.c; the vpcd connection, the control socket, signals and
 * the poll loop are tests/lib/vicc.c (shared with cardsim).
 *
 * ATR: 3B 88 80 01 + "KOFUMRTD" + TCK, the PC/SC form of an ISO 14443-4
 * chip behind a contactless reader.
 *
 * Exit status: 0 on SIGTERM/SIGINT/quit, 2 for bad arguments, holder or
 * PKI, 3 when pcscd cannot be reached within 10 s, 1 on other failures.
 * Logging (-v, stderr) shows headers, lengths and status words only, never
 * data: no MRZ, no keys.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "chip.h"
#include "chip_files.h"
#include "holder.h"
#include "tests/lib/vicc.h"

#define CS_EXIT_USAGE VICC_EXIT_USAGE
#define CS_ERR_MAX VICC_ERR_MAX

static const uint8_t cs_atr[] = {0x3B, 0x88, 0x80, 0x01, 'K', 'O', 'F', 'U', 'M', 'R', 'T', 'D', 0x11};

typedef struct {
    struct vicc_opts v;
    const char *holder;
    const char *signer; /* NULL: the holder file's */
    bool pace;
    chip_faults faults;
} cs_opts;

typedef struct {
    cs_opts opt;
    holder holder;
    chip *chip;
    char signer[32]; /* from `signer NAME`; empty: --signer, else the holder's */
    vicc *v;
} cs_sim;

/* ---- command line --------------------------------------------------------- */

static void cs_usage(void)
{
    fputs("usage: passportsim --port PORT [--host 127.0.0.1] --pki DIR --holder FILE [--signer NAME]\n"
          "                   [--access bac|pace] [--control PATH] [--fault SPEC]... [--absent] [-v]\n",
          stderr);
}

/* Fills *o from argv; prints the reason and returns false on misuse. */
static bool cs_parse_args(int argc, char **argv, cs_opts *o)
{
    static const struct option longopts[] = {
        VICC_LONGOPTS,
        {"holder", required_argument, NULL, 'r'}, {"signer", required_argument, NULL, 's'},
        {"access", required_argument, NULL, 'A'}, {"fault", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    char err[CS_ERR_MAX];
    int ch;
    memset(o, 0, sizeof *o);
    vicc_opts_init(&o->v);
    chip_faults_init(&o->faults);
    o->pace = true;
    while ((ch = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
        if (vicc_opt(&o->v, ch, optarg))
            continue;
        switch (ch) {
        case 'r': o->holder = optarg; break;
        case 's': o->signer = optarg; break;
        case 'A':
            if (strcmp(optarg, "bac") != 0 && strcmp(optarg, "pace") != 0) {
                fprintf(stderr, "passportsim: --access must be bac or pace\n");
                return false;
            }
            o->pace = strcmp(optarg, "pace") == 0;
            break;
        case 'f':
            if (!chip_fault_parse(&o->faults, optarg, err, sizeof err)) {
                fprintf(stderr, "passportsim: %s\n", err);
                return false;
            }
            break;
        default: cs_usage(); return false;
        }
    }
    if (optind != argc || !o->v.port || !o->v.pki || !o->holder) {
        cs_usage();
        return false;
    }
    return vicc_opts_check(&o->v, "passportsim", "chip");
}
/* ---- the chip behind vicc ------------------------------------------------- */

static void cs_power(void *ctx, vicc_power ev)
{
    cs_sim *s = ctx;
    chip_power(s->chip, ev == VICC_POWER_OFF ? CHIP_POWER_OFF : ev == VICC_POWER_ON ? CHIP_POWER_ON : CHIP_RESET);
}

static void cs_apdu(void *ctx, const uint8_t *c, size_t n, uint8_t *r, size_t *rl)
{
    cs_sim *s = ctx;
    chip_process_apdu(s->chip, c, n, r, rl);
}

static bool cs_mute(void *ctx) { return ((cs_sim *)ctx)->chip->faults.mute; }
static long *cs_remove_after(void *ctx) { return &((cs_sim *)ctx)->chip->faults.remove_after; }

/* ---- control commands -------------------------------------------------------- */

static void cs_status(const cs_sim *s, char *reply, size_t n)
{
    snprintf(reply, n, "ok present=%d access=%s pace=%d apdus=%lu powered=%d", vicc_present(s->v), s->chip->access,
             s->chip->pace, vicc_apdus(s->v), vicc_present(s->v) && s->chip->powered);
}

/* Builds the files for faults f (the Document Signer they ask for, else
 * --signer, else the holder's). */
static bool cs_build_files(const cs_sim *s, const chip_faults *f, pf_set *files, char *err, size_t errlen)
{
    const char *signer = chip_faults_signer(f);
    if (!signer)
        signer = s->signer[0] ? s->signer : s->opt.signer ? s->opt.signer : s->holder.signer;
    pf_opts o = {s->opt.v.pki, signer, s->opt.pace,
                 f->tampered_dg1, f->bad_sod_signature};
    return pf_build(&s->holder, &o, files, err, errlen);
}

static bool cs_files_differ(const chip_faults *a, const chip_faults *b)
{
    return a->tampered_dg1 != b->tampered_dg1 || a->bad_sod_signature != b->bad_sod_signature ||
           a->other_csca != b->other_csca || a->expired_ds != b->expired_ds;
}

/* fault SPEC: the files are rebuilt aside first, so a failure leaves the
 * chip as it was. */
static void cs_cmd_fault(cs_sim *s, const char *spec, char *reply, size_t n)
{
    char err[CS_ERR_MAX];
    chip_faults f = s->chip->faults;
    if (!chip_fault_parse(&f, spec, err, sizeof err)) {
        snprintf(reply, n, "err %s", err);
        return;
    }
    if (cs_files_differ(&f, &s->chip->faults)) {
        pf_set *files = malloc(sizeof *files);
        bool ok = files && cs_build_files(s, &f, files, err, sizeof err);
        if (ok)
            chip_set_files(s->chip, files);
        free(files);
        if (!ok) {
            snprintf(reply, n, "err %s", files ? err : "out of memory");
            return;
        }
    }
    chip_set_faults(s->chip, &f);
    vicc_check_remove_after(s->v);
    snprintf(reply, n, "ok");
}

/* signer NAME: EF.SOD signed again by another Document Signer (a fault's
 * own signer still wins while the fault is set). */
static void cs_cmd_signer(cs_sim *s, const char *name, char *reply, size_t n)
{
    char err[CS_ERR_MAX], old[sizeof s->signer];
    if (strlen(name) >= sizeof s->signer || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(name)) {
        snprintf(reply, n, "err bad signer name (e.g. ds-ut2)");
        return;
    }
    memcpy(old, s->signer, sizeof old);
    snprintf(s->signer, sizeof s->signer, "%s", name);
    pf_set *files = malloc(sizeof *files);
    bool ok = files && cs_build_files(s, &s->chip->faults, files, err, sizeof err);
    if (ok)
        chip_set_files(s->chip, files);
    else
        memcpy(s->signer, old, sizeof old);
    free(files);
    if (ok)
        snprintf(reply, n, "ok");
    else
        snprintf(reply, n, "err %s", files ? err : "out of memory");
}

static bool cs_control(void *ctx, vicc *v, const char *cmd, const char *arg, char *reply, size_t n)
{
    cs_sim *s = ctx;
    (void)v;
    if (strcmp(cmd, "status") == 0 && !arg)
        cs_status(s, reply, n);
    else if (strcmp(cmd, "signer") == 0 && arg && *arg)
        cs_cmd_signer(s, arg, reply, n);
    else if (strcmp(cmd, "fault") == 0 && arg && *arg)
        cs_cmd_fault(s, arg, reply, n);
    else if (strcmp(cmd, "clear") == 0 && !arg)
        cs_cmd_fault(s, "clear", reply, n);
    else
        return false;
    return true;
}

/* Loads the holder, signs its files and builds the chip. Exit status or 0. */
static int cs_load(cs_sim *s)
{
    char err[CS_ERR_MAX];
    if (!holder_load(s->opt.holder, &s->holder, err, sizeof err)) {
        fprintf(stderr, "passportsim: bad holder file: %s\n", err);
        return CS_EXIT_USAGE;
    }
    pf_set *files = malloc(sizeof *files);
    s->chip = malloc(sizeof *s->chip);
    bool ok = files && s->chip && cs_build_files(s, &s->opt.faults, files, err, sizeof err);
    if (ok)
        chip_init(s->chip, &s->holder, files, s->opt.pace, &s->opt.faults);
    free(files);
    if (!ok) {
        fprintf(stderr, "passportsim: %s\n", files && s->chip ? err : "out of memory");
        free(s->chip);
        s->chip = NULL;
        return CS_EXIT_USAGE;
    }
    return 0;
}

int main(int argc, char **argv)
{
    cs_sim *s = calloc(1, sizeof *s);
    if (!s) {
        fputs("passportsim: out of memory\n", stderr);
        return 1;
    }
    int rc = cs_parse_args(argc, argv, &s->opt) ? 0 : CS_EXIT_USAGE;
    if (rc == 0)
        rc = cs_load(s);
    if (rc == 0) {
        const struct vicc_card vc = {
            .name = "passportsim", .what = "chip", .atr = cs_atr, .atr_len = sizeof cs_atr, .ctx = s,
            .power = cs_power, .apdu = cs_apdu, .mute = cs_mute, .slow_ms = NULL,
            .remove_after = cs_remove_after, .control = cs_control,
            .commands = "status|remove|insert|fault SPEC|clear|signer NAME|quit",
        };
        s->v = vicc_new(&vc, &s->opt.v);
        rc = s->v ? vicc_run(s->v) : 1;
        vicc_free(s->v);
    }
    if (s->chip) {
        chip_wipe(s->chip);
        free(s->chip);
    }
    OPENSSL_cleanse(&s->holder, sizeof s->holder);
    free(s);
    return rc;
}
