/*
 * kofu_sim.c — main() of build/kofu-sim, the test build: `kofu-sim run
 * [--board sim] [--config FILE] [--script FILE]` runs the kiosk with the
 * script engine's hooks (README, "Builds" and "Scripted runs"). It starts
 * as build/kofu does and takes `kofu run`'s options, through the same code
 * (cli/cmd.h: cli_start, cmd_run_options), so that the tests run the
 * product's start-up.
 */
#include "kiosk_script.h"

#include "base/config.h"
#include "board/board.h"
#include "cli/cmd.h"
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>

static const char usage_text[] =
    "usage: kofu-sim run [--board sim] [--config FILE] [--script FILE]\n"
    "  the test build of kofu run: scripts drive the sim board (README, \"Scripted runs\").\n"
    "  Every other command is build/kofu's.\n";

int main(int argc, char **argv)
{
    if (cli_start() != 0)
        return 1;
    config_extra_key = kiosk_peers_config_key;
    if (argc < 2 || strcmp(argv[1], "run")) {
        fputs(usage_text, stderr);
        return KIOSK_EXIT_USAGE;
    }
    struct kiosk_options o = {.hooks = &kiosk_script_hooks};
    const char *script = NULL;
    int rc = cmd_run_options(argc - 2, argv + 2, usage_text, &o, &script);
    if (rc)
        return rc;
    if (script && board_is_product(o.board)) {
        fprintf(stderr, "kofu: --script drives the sim board only / スクリプトは sim ボードでのみ使えます\n");
        return KIOSK_EXIT_USAGE;
    }
    struct kiosk_script *s = NULL;
    if (script && !(s = kiosk_script_load(script)))
        return KIOSK_EXIT_USAGE;
    o.hooks_ctx = s;
    /* Without a script, on a product board: the plain kiosk (no hooks). */
    if (board_is_product(o.board))
        o.hooks = NULL;
    rc = kiosk_run(&o);
    kiosk_script_free(s);
    return rc;
}
