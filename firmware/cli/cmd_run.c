/* cmd_run.c — `kofu run --board NAME [--config FILE]`: the kiosk. */
#include "board/board.h"
#include "cli/cmd.h"
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>

static void run_usage(void)
{
    fprintf(stderr, "usage: kofu run [--board sim|kiosk] [--config FILE]\n");
}

int cmd_run(int argc, char **argv)
{
    struct kiosk_options o = {.board = board_find(board_name())};
    /* Scripts are test code: the product has none (README, "Builds"). */
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--script")) {
            fprintf(stderr, "kofu: --script is refused by this build: scripts run in the test build "
                            "(build/kofu-sim) only\nkofu: このビルドではスクリプトを実行できません"
                            "（試験用ビルド build/kofu-sim 専用です）\n");
            return KIOSK_EXIT_USAGE;
        }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 < argc && !strcmp(a, "--board")) {
            o.board = board_find(argv[++i]);
            if (!o.board) {
                fprintf(stderr, "kofu: no board called %s in this build (board %s)\n", argv[i], board_name());
                return KIOSK_EXIT_USAGE;
            }
        } else if (i + 1 < argc && !strcmp(a, "--config")) {
            o.config_path = argv[++i];
        } else {
            run_usage();
            return KIOSK_EXIT_USAGE;
        }
    }
    return kiosk_run(&o);
}
