/*
 * board.h — what a board wires to each device class.
 *
 * Owns: struct board, the list of drivers one board uses, and the lookup of
 * a board by name. Each board/<name>/board.c fills one struct board and is
 * the only place that names a driver; the core includes this header, never
 * a device library's. Which boards a firmware carries is the build's choice
 * (board/<name>/board.mk, README "Builds"): the firmware for the kiosk board
 * carries the kiosk board only; the default build (the sim board) carries
 * both, so that the kiosk's drivers are built and unit-tested here with
 * fakes. `kofu run --board NAME` chooses among them, and the other
 * subcommands use the default board (BOARD in the Makefile).
 */
#ifndef KOFU_BOARD_H
#define KOFU_BOARD_H

#include "drivers/audio.h"
#include "drivers/card_reader.h"
#include "drivers/display.h"
#include "drivers/input.h"
#include "drivers/payment.h"
#include "drivers/printer.h"

#include <stdbool.h>

/** One way this board shows its screens, and the input that goes with it
 *  (NULL: none — a scripted run feeds the input). */
struct board_display {
    const char *name; /* the `display` configuration value, e.g. "headless", "x11", "fbdev" */
    const struct display_ops *display;
    const struct input_ops *input;
};

#define BOARD_DISPLAYS_MAX 3

struct board {
    const char *name;
    /** A development board (sim): kofu may run there without the safeguards
     *  a kiosk must have, and a test build's hooks may drive it. Every other
     *  board is a product board. */
    bool development;
    const struct card_reader_ops *card_reader;
    const struct printer_ops *printer;
    const struct payment_ops *payment;
    const struct audio_ops *audio;
    /** The key (input.h: INPUT_KEY_* or a character) by which the board asks
     *  for the technician's service mode: the kiosk board's key switch in the
     *  cabinet, the sim board's F12. 0: the board has none. */
    int service_key;
    /** The first is the board's default. */
    struct board_display displays[BOARD_DISPLAYS_MAX];
};

extern const struct board board_sim;
extern const struct board board_kiosk;

/** The board called name among those this build carries, or NULL. */
const struct board *board_find(const char *name);
/** The display kind called name on board b ("" or NULL: the default), or NULL. */
const struct board_display *board_find_display(const struct board *b, const char *name);

/** The default board's name ("sim", "kiosk"). */
const char *board_name(void);
/** Whether b is a board a kiosk runs on (every board but a development
 *  one): there kofu fails closed where a safeguard cannot be had (the whole
 *  process locked in memory, the sandbox, a stack wipe) and takes no test
 *  build's hooks. */
bool board_is_product(const struct board *b);
/** The default board's card-reader driver. */
const struct card_reader_ops *board_card_reader(void);
/** The default board's printer driver. */
const struct printer_ops *board_printer(void);

#endif
