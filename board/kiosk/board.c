/*
 * board/kiosk — the reference kiosk: PC/SC reader, IPP printer, the Linux
 * framebuffer, evdev touch panel and tray sensor, ALSA speaker, and the
 * coin and note acceptor on a serial port (docs/payment.md).
 */
#include "board.h"

#include "alsa/audio_alsa.h"
#include "evdev/input_evdev.h"
#include "fbdev/display_fbdev.h"
#include "ipp/printer_ipp.h"
#include "payment_serial/payment_serial.h"
#include "pcsc/reader_pcsc.h"

const struct board board_kiosk = {
    .name = "kiosk",
    .card_reader = &pcsc_reader_ops,
    .printer = &ipp_printer_ops,
    .payment = &payment_serial_ops,
    .audio = &alsa_audio_ops,
    .displays = {
        {.name = "fbdev", .display = &fbdev_display_ops, .input = &evdev_input_ops},
    },
};
