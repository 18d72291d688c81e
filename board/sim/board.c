/*
 * board/sim — this development machine: the virtual card through pcscd +
 * vpcd, an IPP printer (ippeveprinter), simulated payment, the recording
 * audio sink, and the screen in memory (headless, the default) or in an
 * X11 window with the mouse as touch (Xvfb in tests).
 */
#include "board/board.h"

#include "drivers/audio/record.h"
#include "drivers/display/headless.h"
#include "drivers/printer/ipp.h"
#include "drivers/payment/sim.h"
#include "drivers/card_reader/pcsc.h"
#include "drivers/display/x11.h"

const struct board board_sim = {
    .name = "sim",
    .development = true,
    .card_reader = &pcsc_card_reader_ops,
    .printer = &ipp_printer_ops,
    .payment = &sim_payment_ops,
    .audio = &record_audio_ops,
    .service_key = INPUT_KEY_F12, /* the X11 window's F12; a script's `service` */
    .displays = {
        {.name = "headless", .display = &headless_display_ops, .input = NULL},
        {.name = "x11", .display = &x11_display_ops, .input = &x11_input_ops},
    },
};
