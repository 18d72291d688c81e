/*
 * kofu_sim.c — main() of build/kofu-sim, the test build: `kofu-sim run
 * [--board sim] [--config FILE] [--script FILE]` runs the kiosk with the
 * script engine's hooks (README, "Builds" and "Scripted runs"). It starts
 * as build/kofu does (the environment cleared, jansson's wiping heap).
 */
#include "kiosk_script.h"

#include "base/config.h"
#include "base/env.h"
#include "base/wipeheap.h"
#include "board/board.h"
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "usage: kofu-sim run [--board sim] [--config FILE] [--script FILE]\n"
                    "  the test build of kofu run: scripts drive the sim board (README, \"Scripted runs\").\n"
                    "  Every other command is build/kofu's.\n");
    return KIOSK_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (env_clean() != 0) {
        fputs("kofu: cannot set up the environment / 環境を設定できません\n", stderr);
        return 1;
    }
    wipeheap_install_json();
    config_extra_key = kiosk_peers_config_key;
    if (argc < 2 || strcmp(argv[1], "run"))
        return usage();
    struct kiosk_options o = {.board = board_find(board_name()), .hooks = &kiosk_script_hooks};
    const char *script = NULL;
    for (int i = 2; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--board")) {
            o.board = board_find(argv[++i]);
            if (!o.board) {
                fprintf(stderr, "kofu: no board called %s (sim, kiosk)\n", argv[i]);
                return KIOSK_EXIT_USAGE;
            }
        } else if (i + 1 < argc && !strcmp(argv[i], "--config")) {
            o.config_path = argv[++i];
        } else if (i + 1 < argc && !strcmp(argv[i], "--script")) {
            script = argv[++i];
        } else {
            return usage();
        }
    }
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
    int rc = kiosk_run(&o);
    kiosk_script_free(s);
    return rc;
}
