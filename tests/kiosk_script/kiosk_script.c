/*
 * kiosk_script.c — scripted runs of the kiosk in the test build (README,
 * "Scripted runs"): the integration tests and the demo drive a real kiosk
 * this way, through the same touch hit test, card reader, center, printer
 * and payment paths a resident uses, and only through the kiosk's public
 * hooks (kiosk/kiosk_hooks.h).
 *
 * A script is read whole at start-up and checked before anything runs
 * (unknown commands, bad numbers and over-long lines are refused with the
 * line number). Its commands run one after another; `wait` and `sleep`
 * let the kiosk's loop run meanwhile.
 */
#include "kiosk_script.h"

#include "base/clock.h"
#include "base/config.h"
#include "base/errors.h"
#include "base/vault.h"
#include "drivers/input.h"
#include "drivers/payment/sim.h"
#include "kiosk/kiosk.h"
#include "tests/lib/targets.h"
#include "ui/screens.h"

#include <cairo.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SCRIPT_LINES_MAX 2000
#define SCRIPT_LINE_MAX 512
#define SCRIPT_ARGS_MAX 6
#define SCRIPT_WAIT_DEFAULT_MS 20000
#define SCRIPT_SCREEN_HISTORY 64
#define SCRIPT_PROMPTS_KEEP 1024

enum script_op {
    OP_WAIT, OP_TAP, OP_PIN, OP_KEY, OP_CARD, OP_COIN, OP_PAYMENT_FAULT, OP_TAKE, OP_SLEEP, OP_SCREENSHOT,
    OP_RECORD, OP_EXPECT_PROMPT, OP_EXPECT_NO_PROMPT, OP_EXPECT_MONEY, OP_EXPECT_CLEAN, OP_EXPECT_CARD_RESET,
    OP_EXPECT_SCREEN, OP_SAY, OP_QUIT, OP_CENTER, OP_EXPECT_CARD_UNTOUCHED, OP_INJECT, OP_SERVICE, OP_MRZ,
    OP_PASSPORT,
};

static const struct {
    const char *word;
    enum script_op op;
    int min_args, max_args;
} ops[] = {
    {"wait", OP_WAIT, 1, 2},           {"tap", OP_TAP, 1, 1},
    {"pin", OP_PIN, 1, 1},             {"key", OP_KEY, 1, 1},
    {"card", OP_CARD, 1, 2},           {"coin", OP_COIN, 1, 1},
    {"note", OP_COIN, 1, 1},           {"payment-fault", OP_PAYMENT_FAULT, 1, 1},
    {"take-certificate", OP_TAKE, 0, 0}, {"sleep", OP_SLEEP, 1, 1},
    {"screenshot", OP_SCREENSHOT, 1, 1}, {"record-screens", OP_RECORD, 1, 1},
    {"expect-prompt", OP_EXPECT_PROMPT, 1, 1}, {"expect-no-prompt", OP_EXPECT_NO_PROMPT, 1, 1},
    {"expect-money", OP_EXPECT_MONEY, 1, 4}, {"expect-clean", OP_EXPECT_CLEAN, 0, 0},
    {"expect-card-reset", OP_EXPECT_CARD_RESET, 0, 0}, {"expect-screen", OP_EXPECT_SCREEN, 1, 1},
    {"say", OP_SAY, 1, 1}, {"quit", OP_QUIT, 0, 0},
    {"center", OP_CENTER, 1, 3},       {"expect-card-untouched", OP_EXPECT_CARD_UNTOUCHED, 0, 0},
    {"inject", OP_INJECT, 1, 1},       {"service", OP_SERVICE, 0, 3},
    {"mrz", OP_MRZ, 1, SESSION_MRZ__FIELDS}, {"passport", OP_PASSPORT, 1, 2},
};

struct script_cmd {
    enum script_op op;
    int line;
    int argc;
    char *argv[SCRIPT_ARGS_MAX];
};

struct kiosk_script {
    struct script_cmd *cmds;
    size_t n, pc;
    char *text;            /* the script, split in place */
    uint64_t started_ms;   /* when the current command started */
    unsigned shown_at_start; /* n_shown when the previous command ended */
    bool started;
    bool ended;
    char record_dir[256];
    unsigned recorded;
    /* The screens shown since start (a ring), for `wait`. */
    enum session_screen history[SCRIPT_SCREEN_HISTORY];
    unsigned n_shown;
    /* The prompts played, "ja/pin-enter" (the last SCRIPT_PROMPTS_KEEP), for expect-prompt. */
    char (*prompts)[AUDIO_PROMPT_NAME_MAX + 4];
    size_t n_prompts;
    size_t prompts_seen;   /* prompts already matched by expect-prompt */
    long card_apdus;       /* cardsim's APDU count after the last `card insert|load` (-1: none) */
    bool pin_pad_fails;    /* `inject pin-shuffle-fails` */
};

/* "kofu: script line N: <what><detail>" on stderr, and the run ends. */
static int fail(struct kiosk *k, const struct script_cmd *c, const char *what, const char *detail)
{
    fprintf(stderr, "kofu: script line %d: %s%s\n", c->line, what, detail ? detail : "");
    kiosk_stop(k, KIOSK_EXIT_SCRIPT);
    return -1;
}

/* Seconds with up to three decimals, 0 .. 3600. */
static bool parse_seconds(const char *s, uint64_t *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= 3600))
        return false;
    *ms = (uint64_t)(v * 1000.0 + 0.5);
    return true;
}

static bool screen_known(const char *name)
{
    for (int i = 0; i < SESSION_SCREEN__COUNT; i++)
        if (!strcmp(session_screen_name((enum session_screen)i), name))
            return true;
    return false;
}

/* Checks what can be checked before the run: arity, numbers, names. */
static const char *check(const struct script_cmd *c)
{
    uint64_t ms;
    int v;
    switch (c->op) {
    case OP_WAIT:
        if (!screen_known(c->argv[0]))
            return "unknown screen name";
        if (c->argc == 2 && !parse_seconds(c->argv[1], &ms))
            return "bad number of seconds";
        break;
    case OP_EXPECT_SCREEN:
        return screen_known(c->argv[0]) ? NULL : "unknown screen name";
    case OP_PIN:
        for (const char *p = c->argv[0]; *p; p++)
            if (*p < '0' || *p > '9')
                return "PIN digits only";
        return strlen(c->argv[0]) <= SESSION_PIN_DIGITS ? NULL : "at most 4 digits";
    case OP_MRZ:
        for (int i = 0; i < c->argc; i++) {
            for (const char *p = c->argv[i]; *p; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z')))
                    return "mrz: the keypad's characters only (0-9, A-Z)";
            if (strlen(c->argv[i]) > (size_t)session_mrz_field_max(i))
                return "mrz NUMBER CD YYMMDD CD: a word longer than its boxes (9, 1, 6, 1)";
        }
        break;
    case OP_PASSPORT:
        if (!strcmp(c->argv[0], "insert") || !strcmp(c->argv[0], "remove") || !strcmp(c->argv[0], "clear"))
            return c->argc == 1 ? NULL : "passport insert|remove|clear take no argument";
        if (!strcmp(c->argv[0], "fault"))
            return c->argc == 2 ? NULL : "passport fault SPEC";
        return "passport insert|remove|fault SPEC|clear";
    case OP_CARD:
        if (!strcmp(c->argv[0], "insert") || !strcmp(c->argv[0], "remove"))
            return c->argc == 1 ? NULL : "card insert|remove take no argument";
        if (!strcmp(c->argv[0], "load") || !strcmp(c->argv[0], "fault"))
            return c->argc == 2 ? NULL : "card load FILE / card fault SPEC";
        if (!strcmp(c->argv[0], "clear"))
            return c->argc == 1 ? NULL : "card clear takes no argument";
        return "card insert|remove|load FILE|fault SPEC|clear";
    case OP_COIN:
        return config_parse_int(c->argv[0], 1, 100000, &v) ? NULL : "bad amount";
    case OP_SLEEP:
        return parse_seconds(c->argv[0], &ms) ? NULL : "bad number of seconds";
    case OP_EXPECT_MONEY:
        for (int i = 0; i < c->argc; i++) {
            const char *eq = strchr(c->argv[i], '=');
            if (!eq || !config_parse_int(eq + 1, 0, 10000000, &v))
                return "expect-money inserted=N kept=N change=N refunded=N";
            size_t kl = (size_t)(eq - c->argv[i]);
            if (!((kl == 8 && !strncmp(c->argv[i], "inserted", 8)) || (kl == 4 && !strncmp(c->argv[i], "kept", 4)) ||
                  (kl == 6 && !strncmp(c->argv[i], "change", 6)) || (kl == 8 && !strncmp(c->argv[i], "refunded", 8))))
                return "expect-money inserted=N kept=N change=N refunded=N";
        }
        break;
    case OP_SERVICE:
        return kiosk_script_service_check(c->argc, c->argv);
    case OP_INJECT:
        return !strcmp(c->argv[0], "pin-shuffle-fails") || !strcmp(c->argv[0], "vault-residue") ||
                       !strcmp(c->argv[0], "request-residue")
                   ? NULL
                   : "inject pin-shuffle-fails|vault-residue|request-residue";
    default:
        break;
    }
    return NULL;
}

static int script_outputs(void *ctx, struct sandbox_policy *p)
{
    const struct kiosk_script *s = ctx;
    for (size_t i = 0; s && i < s->n; i++) {
        const struct script_cmd *c = &s->cmds[i];
        /* record-screens makes its directory: the one above it. */
        if ((c->op == OP_SCREENSHOT || c->op == OP_RECORD) && sandbox_allow_write_dir_of(p, c->argv[0]) != KOFU_OK)
            return KOFU_E_ARG;
    }
    return KOFU_OK;
}

struct kiosk_script *kiosk_script_load(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        fprintf(stderr, "kofu: script %s: %s\n", path, strerror(errno));
        return NULL;
    }
    /* Unbuffered: no stdio buffer keeps a copy of the script's lines (a
     * resident's typed numbers, `mrz`, are wiped after use). */
    setvbuf(f, NULL, _IONBF, 0);
    struct kiosk_script *s = calloc(1, sizeof *s);
    size_t cap = (size_t)SCRIPT_LINES_MAX * SCRIPT_LINE_MAX;
    if (s) {
        s->text = malloc(cap);
        s->cmds = calloc(SCRIPT_LINES_MAX, sizeof *s->cmds);
        s->prompts = calloc(SCRIPT_PROMPTS_KEEP, sizeof *s->prompts);
    }
    if (!s || !s->text || !s->cmds || !s->prompts) {
        fclose(f);
        kiosk_script_free(s);
        return NULL;
    }
    s->card_apdus = -1;
    char *w = s->text;
    char line[SCRIPT_LINE_MAX + 2];
    int lineno = 0;
    int rc = KOFU_OK;
    while (rc == KOFU_OK && fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(f))
            len = SCRIPT_LINE_MAX + 1;
        if (len > SCRIPT_LINE_MAX || lineno > SCRIPT_LINES_MAX) {
            fprintf(stderr, "kofu: script %s:%d: line too long or too many lines\n", path, lineno);
            rc = KOFU_E_ARG;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        struct script_cmd c = {.line = lineno};
        char *words[SCRIPT_ARGS_MAX + 1];
        int nw = 0;
        char *save = NULL;
        /* `say` takes the rest of the line as one text. */
        char *text = line + strspn(line, " \t");
        if (!strncmp(text, "say", 3) && (text[3] == ' ' || text[3] == '\t')) {
            text[3] = '\0';
            words[nw++] = text;
            char *rest = text + 4 + strspn(text + 4, " \t");
            rest[strcspn(rest, "\r")] = '\0';
            if (*rest)
                words[nw++] = rest;
        }
        for (char *t = nw ? NULL : strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
            if (nw == SCRIPT_ARGS_MAX + 1) {
                nw++;
                break;
            }
            words[nw++] = t;
        }
        if (nw == 0)
            continue;
        size_t i = 0;
        while (i < sizeof ops / sizeof ops[0] && strcmp(ops[i].word, words[0]))
            i++;
        const char *why = NULL;
        if (i == sizeof ops / sizeof ops[0])
            why = "unknown command";
        else if (nw - 1 < ops[i].min_args || nw - 1 > ops[i].max_args)
            why = "wrong number of arguments";
        if (!why) {
            c.op = ops[i].op;
            c.argc = nw - 1;
            for (int a = 0; a < c.argc; a++) {
                size_t wl = strlen(words[a + 1]) + 1;
                memcpy(w, words[a + 1], wl);
                c.argv[a] = w;
                w += wl;
            }
            why = check(&c);
        }
        if (why) {
            fprintf(stderr, "kofu: script %s:%d: %s\n", path, lineno, why);
            rc = KOFU_E_ARG;
            break;
        }
        s->cmds[s->n++] = c;
    }
    explicit_bzero(line, sizeof line);
    fclose(f);
    if (rc != KOFU_OK) {
        kiosk_script_free(s);
        return NULL;
    }
    return s;
}

void kiosk_script_free(struct kiosk_script *s)
{
    if (!s)
        return;
    free(s->text);
    free(s->cmds);
    free(s->prompts);
    free(s);
}

static const char *screen_now(const struct kiosk *k)
{
    enum kofu_lang lang;
    enum session_screen sc = kiosk_screen(k, &lang);
    return sc == SESSION_SCREEN__COUNT ? "(none)" : session_screen_name(sc);
}

static bool write_frame(const struct kiosk *k, const char *path)
{
    return cairo_surface_write_to_png(kiosk_frame(k), path) == CAIRO_STATUS_SUCCESS;
}

static void record_screen(struct kiosk_script *s, const struct kiosk *k)
{
    if (!*s->record_dir)
        return;
    enum kofu_lang lang;
    enum session_screen sc = kiosk_screen(k, &lang);
    char path[400];
    snprintf(path, sizeof path, "%s/%03u-%s-%s.png", s->record_dir, ++s->recorded, session_screen_name(sc),
             lang == KOFU_LANG_EN ? "en" : "ja");
    if (!write_frame(k, path))
        fprintf(stderr, "kofu: record-screens: cannot write %s\n", path);
}

static bool shown_since(const struct kiosk_script *s, const struct kiosk *k, unsigned since, const char *name)
{
    if (s->n_shown > since + SCRIPT_SCREEN_HISTORY)
        since = s->n_shown - SCRIPT_SCREEN_HISTORY;
    for (unsigned i = since; i < s->n_shown; i++)
        if (!strcmp(session_screen_name(s->history[i % SCRIPT_SCREEN_HISTORY]), name))
            return true;
    /* The screen on display counts too (shown before the command began). */
    return s->n_shown && !strcmp(screen_now(k), name);
}

/* cardsim's count of C-APDUs received since it started, or -1. */
static long card_apdus(void)
{
    char reply[200];
    const char *p = kiosk_peer("cardsim", "status", reply, sizeof reply) == 0 ? strstr(reply, " apdus=") : NULL;
    return p ? strtol(p + 7, NULL, 10) : -1;
}

/* A tap at the centre of the target called name (tests/lib/targets.h). */
static int tap_named(struct kiosk *k, const struct script_cmd *c, const char *name)
{
    size_t n;
    const struct center_municipality *m = kiosk_municipalities(k, &n);
    const struct screens_target *t = kt_target_find(kiosk_layout(k), name, m, n);
    if (!t)
        return fail(k, c, "no such target on this screen: ", name);
    kiosk_touch(k, (int)(t->x + t->w / 2), (int)(t->y + t->h / 2));
    return 0;
}

/* The simulated acceptor, reached through its own driver interface
 * (drivers/payment/sim.h): the board's payment device must be that driver. */
static void *sim_acceptor(struct kiosk *k, const struct script_cmd *c)
{
    const struct payment *p = kiosk_payment_device(k);
    if (p->ops != &sim_payment_ops) {
        fail(k, c, "", "the payment device is not the simulated acceptor");
        return NULL;
    }
    return p->ctx;
}

static int expect_money(struct kiosk *k, const struct script_cmd *c)
{
    void *acceptor = sim_acceptor(k, c);
    if (!acceptor)
        return -1;
    struct sim_payment_totals t;
    sim_payment_totals(acceptor, &t);
    for (int i = 0; i < c->argc; i++) {
        const char *eq = strchr(c->argv[i], '=');
        long want = strtol(eq + 1, NULL, 10);
        int got = !strncmp(c->argv[i], "inserted", 8) ? t.inserted
                  : !strncmp(c->argv[i], "kept", 4)   ? t.kept
                  : !strncmp(c->argv[i], "change", 6) ? t.change
                                                      : t.refunded;
        if (got != want) {
            char d[160];
            snprintf(d, sizeof d, "%s but inserted=%d kept=%d change=%d refunded=%d", c->argv[i], t.inserted, t.kept,
                     t.change, t.refunded);
            return fail(k, c, "expect-money ", d);
        }
    }
    return 0;
}

static int expect_prompt(struct kiosk_script *s, struct kiosk *k, const struct script_cmd *c, bool want)
{
    size_t first = s->n_prompts > SCRIPT_PROMPTS_KEEP ? s->n_prompts - SCRIPT_PROMPTS_KEEP : 0;
    for (size_t i = s->prompts_seen > first ? s->prompts_seen : first; i < s->n_prompts; i++) {
        const char *p = s->prompts[i % SCRIPT_PROMPTS_KEEP]; /* "ja/pin-enter" */
        const char *slash = strchr(p, '/');
        bool match = !strcmp(p, c->argv[0]) || (slash && !strcmp(slash + 1, c->argv[0]));
        if (match && want) {
            s->prompts_seen = i + 1;
            return 0;
        }
        if (match && !want)
            return fail(k, c, "this prompt was played: ", c->argv[0]);
    }
    return want ? fail(k, c, "this prompt was not played: ", c->argv[0]) : 0;
}

/* Faults the real parts cannot be made to show, for the checks that must
 * catch them (tests/integration/test_script_checks.c). */
static int inject(struct kiosk_script *s, struct kiosk *k, const struct script_cmd *c)
{
    if (!strcmp(c->argv[0], "pin-shuffle-fails")) {
        s->pin_pad_fails = true;
        return 0;
    }
    if (!strcmp(c->argv[0], "request-residue")) {
        kiosk_script_leave_request(k);
        return 0;
    }
    /* A byte of "resident data" past the vault's mark, as a wipe that
     * missed something would leave it. */
    unsigned char *b = vault_alloc(1);
    if (!b)
        return fail(k, c, "", "the vault is full");
    *b = 0xA5;
    return 0;
}

/* One command: 1 = done, 0 = not yet (wait/sleep), -1 = failed. */
static int run(struct kiosk_script *s, struct kiosk *k, const struct script_cmd *c, uint64_t now)
{
    char reply[200];
    uint64_t ms = 0;
    int v;
    switch (c->op) {
    case OP_WAIT:
        if (shown_since(s, k, s->shown_at_start, c->argv[0]))
            return 1;
        if (c->argc == 2)
            parse_seconds(c->argv[1], &ms);
        else
            ms = SCRIPT_WAIT_DEFAULT_MS;
        if (now - s->started_ms >= ms) {
            char d[200];
            snprintf(d, sizeof d, "%s (the screen is %s)", c->argv[0], screen_now(k));
            return fail(k, c, "timed out waiting for screen ", d);
        }
        return 0;
    case OP_SLEEP:
        parse_seconds(c->argv[0], &ms);
        return now - s->started_ms >= ms ? 1 : 0;
    case OP_TAP:
        return tap_named(k, c, c->argv[0]) ? -1 : 1;
    case OP_PIN:
        for (const char *p = c->argv[0]; *p; p++) {
            char name[16];
            snprintf(name, sizeof name, "digit-%c", *p);
            if (tap_named(k, c, name))
                return -1;
        }
        return 1;
    case OP_KEY:
        if (strlen(c->argv[0]) == 1)
            kiosk_key(k, c->argv[0][0]);
        else if (!strcmp(c->argv[0], "enter"))
            kiosk_key(k, INPUT_KEY_ENTER);
        else if (!strcmp(c->argv[0], "escape"))
            kiosk_key(k, INPUT_KEY_ESCAPE);
        else if (!strcmp(c->argv[0], "backspace"))
            kiosk_key(k, INPUT_KEY_BACKSPACE);
        else if (!strcmp(c->argv[0], "f1"))
            kiosk_key(k, INPUT_KEY_F1);
        else if (!strcmp(c->argv[0], "f12"))
            kiosk_key(k, INPUT_KEY_F12);
        else
            return fail(k, c, "unknown key ", c->argv[0]);
        return 1;
    case OP_CARD: {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "%s%s%s", c->argv[0], c->argc == 2 ? " " : "", c->argc == 2 ? c->argv[1] : "");
        if (kiosk_peer("cardsim", cmd, reply, sizeof reply) != 0)
            return fail(k, c, "cardsim: ", reply);
        if (!strcmp(c->argv[0], "insert") || !strcmp(c->argv[0], "load"))
            s->card_apdus = card_apdus();
        return 1;
    }
    case OP_MRZ:
        /* Word i into field i from the first box; a word shorter than its
         * boxes is followed by "next box" (a full one moves on by itself). */
        for (int i = 0; i < c->argc; i++) {
            for (const char *p = c->argv[i]; *p; p++) {
                char name[16];
                snprintf(name, sizeof name, "mrz-%c", *p);
                if (tap_named(k, c, name))
                    return -1;
            }
            if (i + 1 < c->argc && strlen(c->argv[i]) < (size_t)session_mrz_field_max(i) &&
                tap_named(k, c, "mrz-next"))
                return -1;
        }
        /* Typed: the script keeps no copy of a resident's numbers (the
         * memory scans of test_privacy look for them). */
        for (int i = 0; i < c->argc; i++)
            explicit_bzero(c->argv[i], strlen(c->argv[i]));
        return 1;
    case OP_PASSPORT: {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "%s%s%s", c->argv[0], c->argc == 2 ? " " : "", c->argc == 2 ? c->argv[1] : "");
        if (kiosk_peer("passportsim", cmd, reply, sizeof reply) != 0)
            return fail(k, c, "passportsim: ", reply);
        return 1;
    }
    case OP_CENTER: {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "%s%s%s%s%s", c->argv[0], c->argc > 1 ? " " : "", c->argc > 1 ? c->argv[1] : "",
                 c->argc > 2 ? " " : "", c->argc > 2 ? c->argv[2] : "");
        if (kiosk_peer("centersim", cmd, reply, sizeof reply) != 0)
            return fail(k, c, "centersim: ", reply);
        return 1;
    }
    case OP_COIN: {
        void *acceptor = sim_acceptor(k, c);
        if (!acceptor)
            return -1;
        config_parse_int(c->argv[0], 1, 100000, &v);
        if (sim_payment_insert(acceptor, v) != KOFU_OK)
            return fail(k, c, "the acceptor refused this amount (yen): ", c->argv[0]);
        return 1;
    }
    case OP_PAYMENT_FAULT: {
        void *acceptor = sim_acceptor(k, c);
        if (!acceptor)
            return -1;
        if (sim_payment_set_faults(acceptor, !strcmp(c->argv[0], "none") ? "" : c->argv[0]) != KOFU_OK)
            return fail(k, c, "bad payment fault ", c->argv[0]);
        return 1;
    }
    case OP_TAKE:
        kiosk_tray_empty(k);
        return 1;
    case OP_SCREENSHOT:
        return write_frame(k, c->argv[0]) ? 1 : fail(k, c, "cannot write ", c->argv[0]);
    case OP_RECORD:
        if (mkdir(c->argv[0], 0755) != 0 && errno != EEXIST)
            return fail(k, c, "cannot make ", c->argv[0]);
        snprintf(s->record_dir, sizeof s->record_dir, "%s", c->argv[0]);
        record_screen(s, k); /* the screen on display now */
        return 1;
    case OP_EXPECT_PROMPT:
        return expect_prompt(s, k, c, true) ? -1 : 1;
    case OP_EXPECT_NO_PROMPT:
        return expect_prompt(s, k, c, false) ? -1 : 1;
    case OP_EXPECT_MONEY:
        return expect_money(k, c) ? -1 : 1;
    case OP_EXPECT_CLEAN: {
        const char *why = kiosk_holds_visit(k);
        return why ? fail(k, c, "", why) : 1;
    }
    case OP_EXPECT_CARD_RESET:
        if (kiosk_peer("cardsim", "status", reply, sizeof reply) != 0)
            return fail(k, c, "cardsim: ", reply);
        if (!strstr(reply, "verified=0"))
            return fail(k, c, "the card still holds a verified PIN: ", reply);
        return 1;
    case OP_EXPECT_CARD_UNTOUCHED: {
        long now_apdus = card_apdus();
        if (s->card_apdus < 0 || now_apdus < 0)
            return fail(k, c, "", "no `card insert` or `card load` before, or no cardsim status");
        if (now_apdus != s->card_apdus) {
            char d[64];
            snprintf(d, sizeof d, "%ld", now_apdus - s->card_apdus);
            return fail(k, c, "C-APDUs sent to the card since it was placed: ", d);
        }
        return 1;
    }
    case OP_EXPECT_SCREEN:
        if (strcmp(screen_now(k), c->argv[0]))
            return fail(k, c, "the screen is ", screen_now(k));
        return 1;
    case OP_SAY:
        printf("script: %s\n", c->argv[0]);
        fflush(stdout);
        return 1;
    case OP_QUIT:
        kiosk_stop(k, KIOSK_EXIT_OK);
        s->ended = true;
        return 1;
    case OP_INJECT:
        return inject(s, k, c) ? -1 : 1;
    case OP_SERVICE: {
        char why[200] = "";
        int r = kiosk_script_service(k, c->argc, c->argv, now - s->started_ms, SCRIPT_WAIT_DEFAULT_MS, why, sizeof why);
        return r < 0 ? fail(k, c, "service: ", why) : r;
    }
    }
    return 1;
}

/* ---- the hooks ---------------------------------------------------------- */

static void on_poll(void *ctx, struct kiosk *k)
{
    struct kiosk_script *s = ctx;
    while (s && !s->ended) {
        if (s->pc >= s->n) {
            s->ended = true;
            kiosk_stop(k, KIOSK_EXIT_OK); /* the end of the script ends the run */
            return;
        }
        uint64_t now = (uint64_t)kofu_mono_ms();
        if (!s->started) {
            s->started = true;
            s->started_ms = now;
        }
        const struct script_cmd *c = &s->cmds[s->pc];
        int r = run(s, k, c, now);
        if (r < 0)
            s->ended = true;
        if (r <= 0)
            return;
        s->pc++;
        s->started = false;
        s->shown_at_start = s->n_shown;
    }
}

static void on_screen_shown(void *ctx, const struct kiosk *k, enum session_screen screen, enum kofu_lang lang)
{
    (void)lang;
    struct kiosk_script *s = ctx;
    if (!s)
        return;
    s->history[s->n_shown++ % SCRIPT_SCREEN_HISTORY] = screen;
    record_screen(s, k);
}

static void on_prompt_played(void *ctx, const char *lang, const char *name)
{
    struct kiosk_script *s = ctx;
    if (!s)
        return;
    snprintf(s->prompts[s->n_prompts++ % SCRIPT_PROMPTS_KEEP], sizeof s->prompts[0], "%s/%s", lang, name);
}

/* The sim window's `c`: the card in or out, through cardsim. */
static void on_key(void *ctx, struct kiosk *k, int key)
{
    (void)ctx;
    if (key == 'c' && kiosk_peers_have_cardsim()) {
        char reply[128];
        kiosk_peer("cardsim", kiosk_card_present(k) ? "remove" : "insert", reply, sizeof reply);
    }
}

static int on_shuffle(void *ctx, unsigned char layout[10])
{
    struct kiosk_script *s = ctx;
    if (s && s->pin_pad_fails)
        return KOFU_E_INTERNAL;
    return screens_shuffle_pin_pad(layout);
}

static int on_sandbox(void *ctx, struct sandbox_policy *p)
{
    return ctx ? script_outputs(ctx, p) : KOFU_OK;
}

const struct kiosk_hooks kiosk_script_hooks = {
    .sandbox_outputs = on_sandbox,
    .poll = on_poll,
    .screen_shown = on_screen_shown,
    .prompt_played = on_prompt_played,
    .key = on_key,
    .shuffle_pin_pad = on_shuffle,
};
