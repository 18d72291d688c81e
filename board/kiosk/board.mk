# The kiosk board's firmware (BOARD=kiosk): only the drivers a kiosk has.
# No X11, no simulated acceptor, no recording audio sink (README "Builds").
BOARD_DRIVERS_kiosk := drivers/card_reader/pcsc.c drivers/printer/ipp.c drivers/printer/ipp_pin.c drivers/printer/ipp_supply.c \
                       drivers/display/fbdev.c drivers/input/evdev.c drivers/audio/alsa.c \
                       drivers/payment/serial.c drivers/payment/serial_line.c
BOARD_PKGS_kiosk    := alsa
BOARD_ALSO_kiosk    :=
