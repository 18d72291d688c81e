/*
 * board/sim — this development machine: the virtual card through pcscd +
 * vpcd, an IPP printer (ippeveprinter), simulated payment, the recording
 * audio sink, and the screen in memory (headless, the default) or in an
 * X11 window with the mouse as touch (Xvfb in tests).
 */
#include "board.h"

#include "audio_record/audio_record.h"
#include "headless/display_headless.h"
#include "ipp/printer_ipp.h"
#include "payment_sim/payment_sim.h"
#include "pcsc/reader_pcsc.h"
#include "x11/x11.h"

const struct board board_sim = {
    .name = "sim",
    .card_reader = &pcsc_reader_ops,
    .printer = &ipp_printer_ops,
    .payment = &payment_sim_ops,
    .audio = &audio_record_ops,
    .displays = {
        {.name = "headless", .display = &headless_display_ops, .input = NULL},
        {.name = "x11", .display = &x11_display_ops, .input = &x11_input_ops},
    },
};
