# The sim board's firmware (the default build, BOARD=sim): the drivers it
# links, the libraries they need, and the other boards it carries too (the
# kiosk board, so that its drivers are built and `kofu run --board kiosk`
# runs here; README "Builds").
BOARD_DRIVERS_sim := drivers/card_reader/pcsc.c drivers/printer/ipp.c drivers/printer/ipp_pin.c drivers/printer/ipp_supply.c \
                     drivers/display/headless.c drivers/display/x11.c drivers/audio/record.c \
                     drivers/payment/sim.c
BOARD_PKGS_sim    := x11
BOARD_ALSO_sim    := kiosk
