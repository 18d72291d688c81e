/*
 * main.c — the kofu binary: one firmware, several subcommands.
 */
#include "base/version.h"
#include "board/board.h"
#include "cli/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "kofu %s (board %s) — vaccination certificate kiosk firmware\n"
               "usage:\n"
               "  kofu card read [--reader NAME] [--card-ca DIR] [--pin-stdin] [--json] [--reveal]\n"
               "                 [--config FILE] [--wait SECONDS]\n"
               "  kofu center ping [--config FILE]\n"
               "  kofu conformance --config FILE [--report FILE] [--junit FILE] [--only NAME...] [--list]\n"
               "  kofu diag [--config FILE] [--json] [--only NAME] [--print] [--wait SECONDS]\n"
               "  kofu diag passwd [--config FILE] [--file PATH] --id ID\n"
               "  kofu loadgen --config FILE --kiosks N --duration SECONDS [...]\n"
               "  kofu passport read [--reader NAME] [--config FILE] [--csca FILE_OR_DIR] --document NUMBER\n"
               "                     --birth YYMMDD --expiry YYMMDD [--json] [--reveal] [--wait SECONDS]\n"
               "  kofu run [--board sim|kiosk] [--config FILE]\n"
               "  kofu prompts list\n"
               "  kofu version\n",
            KOFU_VERSION, board_name());
}

int main(int argc, char **argv)
{
    if (cli_start() != 0)
        return 1;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "card"))
        return cmd_card(argc - 2, argv + 2);
    if (!strcmp(argv[1], "center"))
        return cmd_center(argc - 2, argv + 2);
    if (!strcmp(argv[1], "conformance") || !strcmp(argv[1], "loadgen"))
        return cmd_kit(argv);
    if (!strcmp(argv[1], "diag"))
        return cmd_diag(argc - 1, argv + 1);
    if (!strcmp(argv[1], "passport"))
        return cmd_passport(argc - 2, argv + 2);
    if (!strcmp(argv[1], "prompts"))
        return cmd_prompts(argc - 2, argv + 2);
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(argv[1], "version")) {
        printf("kofu %s (board %s)\n", KOFU_VERSION, board_name());
        return 0;
    }
    if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
        usage(stdout);
        return 0;
    }
    usage(stderr);
    return 2;
}
