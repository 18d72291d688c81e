/* reader_cmd.c — see reader_cmd.h. */
#include "cli/reader_cmd.h"

#include "base/errors.h"
#include "base/log.h"
#include "base/sandbox.h"
#include "base/vault.h"
#include "board/board.h"

#include <stdio.h>
#include <stdlib.h>

/* Enough for one card's or passport's data and the keys that open it. */
#define VAULT_BYTES (64 * 1024)

int reader_cmd_exit(int rc)
{
    switch (rc) {
    case KOFU_OK:
        return READER_EXIT_OK;
    case KOFU_E_NO_CARD:
        return READER_EXIT_NO_CARD;
    case KOFU_E_NO_READER:
    case KOFU_E_NO_SERVICE:
    case KOFU_E_READER_GONE:
        return READER_EXIT_NO_READER;
    case KOFU_E_CARD_REMOVED:
    case KOFU_E_CARD_COMM:
    case KOFU_E_CARD_BUSY:
    case KOFU_E_CARD_STATUS:
        return READER_EXIT_CARD_ERROR;
    case KOFU_E_ARG:
    case KOFU_E_CONFIG:
        return READER_EXIT_USAGE;
    default:
        return READER_EXIT_INTERNAL;
    }
}

void reader_cmd_say(const char *en, const char *ja) { fprintf(stderr, "%s / %s\n", en, ja); }

void reader_cmd_say_err(int rc) { reader_cmd_say(kofu_err_text(rc, KOFU_LANG_EN), kofu_err_text(rc, KOFU_LANG_JA)); }

void reader_cmd_opts_init(struct reader_cmd_opts *o)
{
    *o = (struct reader_cmd_opts){.wait_seconds = -1};
}

int reader_cmd_opt(struct reader_cmd_opts *o, int ch, const char *arg)
{
    switch (ch) {
    case 'r': o->reader = arg; break;
    case 'C': o->config_path = arg; break;
    case 'j': o->json = true; break;
    case 'R': o->reveal = true; break;
    case 'w': {
        char *end;
        long v = strtol(arg, &end, 10);
        if (*end || v < 0 || v > 3600)
            return KOFU_E_ARG;
        o->wait_seconds = (int)v;
        break;
    }
    default: return 0;
    }
    return 1;
}

int reader_cmd_begin(struct kofu_config *cfg, const char *config_path)
{
    if (config_load_for_command(cfg, config_path) != KOFU_OK)
        return READER_EXIT_USAGE;
    if (vault_init(VAULT_BYTES) != KOFU_OK) {
        reader_cmd_say_err(KOFU_E_VAULT);
        return READER_EXIT_INTERNAL;
    }
    int locked = vault_lock_process();
    if (locked != KOFU_OK)
        kofu_log(KOFU_LOG_ERROR, EV_MEMORY_LOCK, locked, 0);
    return READER_EXIT_OK;
}

int reader_cmd_connect(struct card_reader *r, const struct kofu_config *cfg, const char *reader_name,
                       const char *config_path, const char *extra, int wait_seconds, const char **name)
{
    *r = (struct card_reader){board_card_reader(), NULL, 0};
    int rc = r->ops->open(&r->ctx, reader_name ? reader_name : cfg->reader);
    if (rc == KOFU_OK)
        rc = sandbox_enter_for_command(cfg, config_path_for_command(config_path), extra);
    if (rc != KOFU_OK)
        return rc;
    *name = r->ops->name(r->ctx);
    int wait = wait_seconds >= 0 ? wait_seconds : cfg->card_wait_seconds;
    rc = r->ops->wait_present(r->ctx, wait * 1000);
    if (rc == KOFU_OK)
        rc = r->ops->connect(r->ctx, NULL, NULL);
    return rc;
}

void reader_cmd_end(struct card_reader *r)
{
    fflush(stdout);
    vault_wipe();
    if (r->ctx) {
        r->ops->disconnect(r->ctx, true);
        r->ops->close(r->ctx);
    }
}
