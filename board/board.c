/* board.c — see board.h. */
#include "board/board.h"

#include <string.h>

#ifndef KOFU_BOARD
#define KOFU_BOARD "sim"
#endif

const struct board *board_find(const char *name)
{
    static const struct board *const all[] = {&board_sim, &board_kiosk};
    for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
        if (!strcmp(all[i]->name, name))
            return all[i];
    return NULL;
}

const struct board_display *board_find_display(const struct board *b, const char *name)
{
    if (!b)
        return NULL;
    if (!name || !*name)
        return b->displays[0].name ? &b->displays[0] : NULL;
    for (size_t i = 0; i < BOARD_DISPLAYS_MAX && b->displays[i].name; i++)
        if (!strcmp(b->displays[i].name, name))
            return &b->displays[i];
    return NULL;
}

static const struct board *default_board(void)
{
    const struct board *b = board_find(KOFU_BOARD);
    return b ? b : &board_sim;
}

const char *board_name(void) { return default_board()->name; }

bool board_is_product(const struct board *b) { return b != &board_sim; }

bool board_build_runs_scripts(void) { return !board_is_product(default_board()); }

const struct card_reader_ops *board_card_reader(void) { return default_board()->card_reader; }

const struct printer_ops *board_printer(void) { return default_board()->printer; }
