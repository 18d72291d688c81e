/*
 * main.c — the kofu binary: one firmware, several subcommands.
 */
#include "board.h"
#include "cmd.h"
#include "log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KOFU_VERSION "0.1.0"

/* jansson's heap may hold resident data (the JSON of `card read --reveal`);
 * every block is zeroed before it goes back to malloc. */
static void *wiping_malloc(size_t n)
{
    size_t *p = malloc(n + sizeof(size_t) * 2);
    if (!p)
        return NULL;
    p[0] = n;
    return p + 2;
}

static void wiping_free(void *q)
{
    if (!q)
        return;
    size_t *p = (size_t *)q - 2;
    explicit_bzero(q, p[0]);
    free(p);
}

static void usage(FILE *f)
{
    fprintf(f, "kofu %s (board %s) — vaccination certificate kiosk firmware\n"
               "usage:\n"
               "  kofu card read [--reader NAME] [--card-ca DIR] [--pin-stdin] [--json] [--reveal]\n"
               "                 [--config FILE] [--wait SECONDS]\n"
               "  kofu center ping [--config FILE]\n"
               "  kofu version\n",
            KOFU_VERSION, board_name());
}

int main(int argc, char **argv)
{
    json_set_alloc_funcs(wiping_malloc, wiping_free);
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "card"))
        return cmd_card(argc - 2, argv + 2);
    if (!strcmp(argv[1], "center"))
        return cmd_center(argc - 2, argv + 2);
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
