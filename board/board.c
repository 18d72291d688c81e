/* board.c — see board.h. Compiled once per set of boards a firmware
 * carries: KOFU_WITH_BOARD_<name> for each (the Makefile, from board.mk). */
#include "board/board.h"

#include <string.h>

#ifndef KOFU_BOARD
#define KOFU_BOARD "sim"
#endif

static const struct board *const all[] = {
#ifdef KOFU_WITH_BOARD_sim
    &board_sim,
#endif
#ifdef KOFU_WITH_BOARD_kiosk
    &board_kiosk,
#endif
    NULL,
};

const struct board *board_find(const char *name)
{
    for (size_t i = 0; name && all[i]; i++)
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

/* The build's board (BOARD); a build always carries it (the Makefile). */
static const struct board *default_board(void)
{
    const struct board *b = board_find(KOFU_BOARD);
    return b ? b : all[0];
}

const char *board_name(void) { return default_board()->name; }

bool board_is_product(const struct board *b) { return !b->development; }

const struct card_reader_ops *board_card_reader(void) { return default_board()->card_reader; }

const struct printer_ops *board_printer(void) { return default_board()->printer; }
