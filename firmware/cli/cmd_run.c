/* cmd_run.c — `kofu run --board NAME [--config FILE]`: the kiosk. */
#include "board/board.h"
#include "cli/cmd.h"
#include "kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>

int cmd_run_options(int argc, char **argv, const char *usage, struct kiosk_options *o, const char **script)
{
    o->board = board_find(board_name());
    /* Scripts are test code: the product has none (README, "Builds"). */
    for (int i = 0; !script && i < argc; i++)
        if (!strcmp(argv[i], "--script")) {
            fprintf(stderr, "kofu: --script is refused by this build: scripts run in the test build "
                            "(build/kofu-sim) only\nkofu: このビルドではスクリプトを実行できません"
                            "（試験用ビルド build/kofu-sim 専用です）\n");
            return KIOSK_EXIT_USAGE;
        }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 < argc && !strcmp(a, "--board")) {
            o->board = board_find(argv[++i]);
            if (!o->board) {
                fprintf(stderr, "kofu: no board called %s in this build (board %s)\n", argv[i], board_name());
                return KIOSK_EXIT_USAGE;
            }
        } else if (i + 1 < argc && !strcmp(a, "--config")) {
            o->config_path = argv[++i];
        } else if (script && i + 1 < argc && !strcmp(a, "--script")) {
            *script = argv[++i];
        } else {
            fputs(usage, stderr);
            return KIOSK_EXIT_USAGE;
        }
    }
    return 0;
}

int cmd_run(int argc, char **argv)
{
    struct kiosk_options o = {0};
    int rc = cmd_run_options(argc, argv, "usage: kofu run [--board sim|kiosk] [--config FILE]\n", &o, NULL);
    return rc ? rc : kiosk_run(&o);
}
