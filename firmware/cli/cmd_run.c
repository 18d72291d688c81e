/* cmd_run.c — `kofu run --board NAME [--config FILE] [--script FILE]`: the kiosk. */
#include "board/board.h"
#include "cli/cmd.h"
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>

static void run_usage(void)
{
    fprintf(stderr, "usage: kofu run [--board sim|kiosk] [--config FILE] [--script FILE]\n"
                    "  --script drives the sim board from a script (README, \"Scripted runs\").\n");
}

int cmd_run(int argc, char **argv)
{
    struct kiosk_options o = {.board = board_find(board_name())};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 < argc && !strcmp(a, "--board")) {
            o.board = board_find(argv[++i]);
            if (!o.board) {
                fprintf(stderr, "kofu: no board called %s (sim, kiosk)\n", argv[i]);
                return KIOSK_EXIT_USAGE;
            }
        } else if (i + 1 < argc && !strcmp(a, "--config")) {
            o.config_path = argv[++i];
        } else if (i + 1 < argc && !strcmp(a, "--script")) {
            o.script_path = argv[++i];
        } else {
            run_usage();
            return KIOSK_EXIT_USAGE;
        }
    }
    if (o.script_path && !board_build_runs_scripts()) {
        fprintf(stderr, "kofu: --script is refused by a build for the %s board (scripts are for the sim board's "
                        "tests)\nkofu: このビルド（%s）ではスクリプトを実行できません（sim ボードの試験専用です）\n",
                board_name(), board_name());
        return KIOSK_EXIT_USAGE;
    }
    return kiosk_run(&o);
}
