/*
 * board/kiosk — the reference kiosk: PC/SC reader, IPP printer, the Linux
 * framebuffer, evdev touch panel and tray sensor, ALSA speaker, and the
 * coin and note acceptor on a serial port (docs/payment.md).
 */
#include "board/board.h"

#include "drivers/audio/alsa.h"
#include "drivers/input/evdev.h"
#include "drivers/display/fbdev.h"
#include "drivers/printer/ipp.h"
#include "drivers/payment/serial.h"
#include "drivers/card_reader/pcsc.h"

const struct board board_kiosk = {
    .name = "kiosk",
    .card_reader = &pcsc_card_reader_ops,
    .printer = &ipp_printer_ops,
    .payment = &serial_payment_ops,
    .audio = &alsa_audio_ops,
    /* The service key switch inside the cabinet: a gpio-keys KEY_F24 on the
     * tray sensor's node (drivers/input/evdev.h; docs/boards.md). */
    .service_key = INPUT_KEY_SERVICE,
    .displays = {
        {.name = "fbdev", .display = &fbdev_display_ops, .input = &evdev_input_ops},
    },
};
