/*
 * kiosk_script.c — scripted runs of the kiosk on the sim board (README,
 * "Scripted runs"): the integration tests and the demo drive a real kiosk
 * this way, through the same touch hit test, card reader, center, printer
 * and payment paths a resident uses.
 *
 * A script is read whole at start-up and checked before anything runs
 * (unknown commands, bad numbers and over-long lines are refused with the
 * line number). Its commands run one after another; `wait` and `sleep`
 * let the kiosk's loop run meanwhile.
 */
#include "kiosk/kiosk_priv.h"

#include "drivers/audio/record.h"
#include "base/errors.h"
#include "drivers/payment/sim.h"
#include "base/vault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define SCRIPT_LINES_MAX 2000
#define SCRIPT_LINE_MAX 512
#define SCRIPT_ARGS_MAX 6
#define SCRIPT_WAIT_DEFAULT_MS 20000

enum script_op {
    OP_WAIT, OP_TAP, OP_PIN, OP_KEY, OP_CARD, OP_COIN, OP_PAYMENT_FAULT, OP_TAKE, OP_SLEEP, OP_SCREENSHOT,
    OP_RECORD, OP_EXPECT_PROMPT, OP_EXPECT_NO_PROMPT, OP_EXPECT_MONEY, OP_EXPECT_CLEAN, OP_EXPECT_CARD_RESET,
    OP_EXPECT_SCREEN, OP_SAY, OP_QUIT, OP_CENTER, OP_EXPECT_CARD_UNTOUCHED,
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
    unsigned shown_at_start; /* k->n_shown when the previous command ended */
    bool started;
    char record_dir[256];
    unsigned recorded;
    size_t prompts_seen;   /* audio_record entries already matched by expect-prompt */
    long card_apdus;       /* cardsim's APDU count after the last `card insert|load` (-1: none) */
};

/* "kofu: script line N: <what><detail>" on stderr, and the run ends. */
static int fail(struct kiosk *k, const struct script_cmd *c, const char *what, const char *detail)
{
    fprintf(stderr, "kofu: script line %d: %s%s\n", c->line, what, detail ? detail : "");
    k->exit_code = KIOSK_EXIT_SCRIPT;
    k->quit = true;
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
    default:
        break;
    }
    return NULL;
}

int kiosk_script_outputs(const struct kiosk *k, struct sandbox_policy *p)
{
    const struct kiosk_script *s = k->script;
    for (size_t i = 0; s && i < s->n; i++) {
        const struct script_cmd *c = &s->cmds[i];
        /* record-screens makes its directory: the one above it. */
        if ((c->op == OP_SCREENSHOT || c->op == OP_RECORD) && sandbox_allow_write_dir_of(p, c->argv[0]) != KOFU_OK)
            return KOFU_E_ARG;
    }
    return KOFU_OK;
}

int kiosk_script_load(struct kiosk *k, const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        fprintf(stderr, "kofu: script %s: %s\n", path, strerror(errno));
        return KOFU_E_ARG;
    }
    struct kiosk_script *s = calloc(1, sizeof *s);
    size_t cap = (size_t)SCRIPT_LINES_MAX * SCRIPT_LINE_MAX;
    if (s)
        s->text = malloc(cap);
    if (s)
        s->cmds = calloc(SCRIPT_LINES_MAX, sizeof *s->cmds);
    if (!s || !s->text || !s->cmds) {
        fclose(f);
        if (s) {
            free(s->text);
            free(s->cmds);
        }
        free(s);
        return KOFU_E_NOMEM;
    }
    k->script = s;
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
    fclose(f);
    return rc;
}

void kiosk_script_free(struct kiosk *k)
{
    if (!k->script)
        return;
    free(k->script->text);
    free(k->script->cmds);
    free(k->script);
    k->script = NULL;
}

int kiosk_cardsim(const struct kiosk *k, const char *cmd, char *reply, size_t cap)
{
    return kiosk_peer_control(k->cfg.sim_cardsim_control, cmd, reply, cap);
}

int kiosk_peer_control(const char *path, const char *cmd, char *reply, size_t cap)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (cap)
        snprintf(reply, cap, "%s", "no answer (is sim_*_control set and the peer running?)");
    if (!*path || strlen(path) >= sizeof sa.sun_path)
        return KOFU_E_CONFIG;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return KOFU_E_INTERNAL;
    struct timeval tv = {.tv_sec = 15};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int rc = KOFU_E_INTERNAL;
    char buf[300];
    int n = snprintf(buf, sizeof buf, "%s\n", cmd);
    if (n > 0 && (size_t)n < sizeof buf && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        write(fd, buf, (size_t)n) == n) {
        size_t got = 0;
        while (got + 1 < cap) {
            ssize_t r = read(fd, reply + got, cap - 1 - got);
            if (r <= 0)
                break;
            got += (size_t)r;
            if (memchr(reply, '\n', got))
                break;
        }
        reply[got] = '\0';
        rc = !strncmp(reply, "ok", 2) ? KOFU_OK : KOFU_E_INTERNAL;
    }
    close(fd);
    return rc;
}

static void save_png(struct kiosk *k, const struct script_cmd *c, const char *path)
{
    if (cairo_surface_write_to_png(k->frame_surface, path) != CAIRO_STATUS_SUCCESS)
        fail(k, c, "cannot write ", path);
}

void kiosk_script_screen_shown(struct kiosk *k)
{
    struct kiosk_script *s = k->script;
    if (!*s->record_dir)
        return;
    char path[400];
    snprintf(path, sizeof path, "%s/%03u-%s-%s.png", s->record_dir, ++s->recorded,
             session_screen_name(k->model.screen), k->model.lang == KOFU_LANG_EN ? "en" : "ja");
    if (cairo_surface_write_to_png(k->frame_surface, path) != CAIRO_STATUS_SUCCESS)
        fprintf(stderr, "kofu: record-screens: cannot write %s\n", path);
}

static bool shown_since(const struct kiosk *k, unsigned since, const char *name)
{
    if (k->n_shown > since + KIOSK_SCREEN_HISTORY)
        since = k->n_shown - KIOSK_SCREEN_HISTORY;
    for (unsigned i = since; i < k->n_shown; i++)
        if (!strcmp(session_screen_name(k->history[i % KIOSK_SCREEN_HISTORY]), name))
            return true;
    /* The screen on display counts too (shown before the command began). */
    return k->n_shown && !strcmp(session_screen_name(k->model.screen), name);
}

/* cardsim's count of C-APDUs received since it started, or -1. */
static long card_apdus(const struct kiosk *k)
{
    char reply[200];
    const char *p = kiosk_cardsim(k, "status", reply, sizeof reply) == KOFU_OK ? strstr(reply, " apdus=") : NULL;
    return p ? strtol(p + 7, NULL, 10) : -1;
}

static int tap_named(struct kiosk *k, const struct script_cmd *c, const char *name)
{
    const struct screens_target *t = screens_find(&k->layout, name, k->have_ccfg ? k->ccfg.municipalities : NULL,
                                                  k->have_ccfg ? k->ccfg.n_municipalities : 0);
    if (!t)
        return fail(k, c, "no such target on this screen: ", name);
    kiosk_touch(k, (int)(t->x + t->w / 2), (int)(t->y + t->h / 2));
    return 0;
}

static int expect_money(struct kiosk *k, const struct script_cmd *c)
{
    struct sim_payment_totals t;
    sim_payment_totals(k->pay.ctx, &t);
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

static int expect_prompt(struct kiosk *k, const struct script_cmd *c, bool want)
{
    struct kiosk_script *s = k->script;
    size_t n = record_audio_count(k->au.ctx);
    for (size_t i = s->prompts_seen; i < n; i++) {
        const char *p = record_audio_at(k->au.ctx, i); /* "ja/pin-enter" */
        const char *slash = p ? strchr(p, '/') : NULL;
        bool match = p && (!strcmp(p, c->argv[0]) || (slash && !strcmp(slash + 1, c->argv[0])));
        if (match && want) {
            s->prompts_seen = i + 1;
            return 0;
        }
        if (match && !want)
            return fail(k, c, "this prompt was played: ", c->argv[0]);
    }
    return want ? fail(k, c, "this prompt was not played: ", c->argv[0]) : 0;
}

/* One command: 1 = done, 0 = not yet (wait/sleep), -1 = failed. */
static int run(struct kiosk *k, const struct script_cmd *c, uint64_t now)
{
    struct kiosk_script *s = k->script;
    char reply[200];
    uint64_t ms = 0;
    int v;
    switch (c->op) {
    case OP_WAIT:
        if (shown_since(k, s->shown_at_start, c->argv[0]))
            return 1;
        if (c->argc == 2)
            parse_seconds(c->argv[1], &ms);
        else
            ms = SCRIPT_WAIT_DEFAULT_MS;
        if (now - s->started_ms >= ms) {
            char d[200];
            snprintf(d, sizeof d, "%s (the screen is %s)", c->argv[0], session_screen_name(k->model.screen));
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
        else
            return fail(k, c, "unknown key ", c->argv[0]);
        return 1;
    case OP_CARD: {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "%s%s%s", c->argv[0], c->argc == 2 ? " " : "", c->argc == 2 ? c->argv[1] : "");
        if (kiosk_cardsim(k, cmd, reply, sizeof reply) != KOFU_OK)
            return fail(k, c, "cardsim: ", reply);
        if (!strcmp(c->argv[0], "insert") || !strcmp(c->argv[0], "load"))
            s->card_apdus = card_apdus(k);
        return 1;
    }
    case OP_CENTER: {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "%s%s%s%s%s", c->argv[0], c->argc > 1 ? " " : "", c->argc > 1 ? c->argv[1] : "",
                 c->argc > 2 ? " " : "", c->argc > 2 ? c->argv[2] : "");
        if (kiosk_peer_control(k->cfg.sim_centersim_control, cmd, reply, sizeof reply) != KOFU_OK)
            return fail(k, c, "centersim: ", reply);
        return 1;
    }
    case OP_COIN:
        config_parse_int(c->argv[0], 1, 100000, &v);
        if (sim_payment_insert(k->pay.ctx, v) != KOFU_OK)
            return fail(k, c, "the acceptor refused this amount (yen): ", c->argv[0]);
        return 1;
    case OP_PAYMENT_FAULT:
        if (sim_payment_set_faults(k->pay.ctx, !strcmp(c->argv[0], "none") ? "" : c->argv[0]) != KOFU_OK)
            return fail(k, c, "bad payment fault ", c->argv[0]);
        return 1;
    case OP_TAKE:
        kiosk_tray_empty(k);
        return 1;
    case OP_SCREENSHOT:
        save_png(k, c, c->argv[0]);
        return k->quit ? -1 : 1;
    case OP_RECORD:
        if (mkdir(c->argv[0], 0755) != 0 && errno != EEXIST)
            return fail(k, c, "cannot make ", c->argv[0]);
        snprintf(s->record_dir, sizeof s->record_dir, "%s", c->argv[0]);
        kiosk_script_screen_shown(k); /* the screen on display now */
        return 1;
    case OP_EXPECT_PROMPT:
        return expect_prompt(k, c, true) ? -1 : 1;
    case OP_EXPECT_NO_PROMPT:
        return expect_prompt(k, c, false) ? -1 : 1;
    case OP_EXPECT_MONEY:
        return expect_money(k, c) ? -1 : 1;
    case OP_EXPECT_CLEAN:
        if (!vault_is_clean_after(k->vault_base) || k->card || k->cert || k->preview || k->pin_len ||
            k->pin[0])
            return fail(k, c, "", "resident data is still held");
        /* No trace of the visit's PIN pad: its shuffled layout, or digit
         * targets left in the screen's layout, with the taps would give the
         * PIN back. */
        for (int i = 0; i < 10; i++)
            if (k->model.pin_layout[i] != i)
                return fail(k, c, "", "the PIN pad's layout outlived the visit");
        for (size_t i = 0; i < SCREENS_TARGETS_MAX; i++)
            if (k->layout.t[i].kind == SCREENS_T_DIGIT)
                return fail(k, c, "", "the PIN pad's keys outlived the visit");
        return 1;
    case OP_EXPECT_CARD_RESET:
        if (kiosk_cardsim(k, "status", reply, sizeof reply) != KOFU_OK)
            return fail(k, c, "cardsim: ", reply);
        if (!strstr(reply, "verified=0"))
            return fail(k, c, "the card still holds a verified PIN: ", reply);
        return 1;
    case OP_EXPECT_CARD_UNTOUCHED: {
        long now_apdus = card_apdus(k);
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
        if (strcmp(session_screen_name(k->model.screen), c->argv[0]))
            return fail(k, c, "the screen is ", session_screen_name(k->model.screen));
        return 1;
    case OP_SAY:
        printf("script: %s\n", c->argv[0]);
        fflush(stdout);
        return 1;
    case OP_QUIT:
        k->quit = true;
        return 1;
    }
    return 1;
}

void kiosk_script_poll(struct kiosk *k)
{
    struct kiosk_script *s = k->script;
    while (!k->quit) {
        if (s->pc >= s->n) {
            k->quit = true; /* the end of the script ends the run */
            return;
        }
        uint64_t now = (uint64_t)kofu_mono_ms();
        if (!s->started) {
            s->started = true;
            s->started_ms = now;
        }
        const struct script_cmd *c = &s->cmds[s->pc];
        int r = run(k, c, now);
        if (r <= 0)
            return;
        s->pc++;
        s->started = false;
        s->shown_at_start = k->n_shown;
    }
}
