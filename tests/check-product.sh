#!/bin/sh
# The product carries no test code (README, "Builds"):
#   - build/kofu has none of the script engine's words (expect-clean,
#     record-screens, screenshot);
#   - the kiosk board's firmware (build/kofu-kiosk-build, what
#     `make BOARD=kiosk` makes) links neither X11 nor the sim board's drivers
#     (the simulated acceptor, the recording audio sink, the X11 display).
# Each check is first shown catching what it looks for, in a build that has
# it (build/kofu-sim, the sim board's build/kofu): a check that finds nothing
# there is blind and fails.
#
#   tests/check-product.sh [BUILD]      (BUILD: the build directory, default build)
set -u
b=${1:-build}
bad=0
say() { echo "check-product: $*"; }

words='expect-clean|record-screens|screenshot'
for w in expect-clean record-screens screenshot; do
    if ! strings "$b/kofu-sim" | grep -q -- "$w"; then
        say "blind: '$w' not found even in $b/kofu-sim"; bad=$((bad + 1))
    fi
done
found=$(strings "$b/kofu" | grep -E -- "$words" | sort -u)
if [ -n "$found" ]; then
    say "$b/kofu carries test code: $found"; bad=$((bad + 1))
fi

# Symbols of the sim board's drivers, and the X11 library.
syms='sim_payment_ops|record_audio_ops|x11_display_ops'
if [ "$(nm "$b/kofu" | grep -cE " ($syms)\$")" -ne 3 ] || ! readelf -d "$b/kofu" | grep -q 'libX11'; then
    say "blind: the sim board's drivers or X11 not found even in $b/kofu"; bad=$((bad + 1))
fi
found=$(nm "$b/kofu-kiosk-build" | grep -E " ($syms)\$")
if [ -n "$found" ]; then
    say "$b/kofu-kiosk-build carries the sim board's drivers: $found"; bad=$((bad + 1))
fi
if readelf -d "$b/kofu-kiosk-build" | grep -q 'libX11'; then
    say "$b/kofu-kiosk-build links X11"; bad=$((bad + 1))
fi

if [ "$bad" -gt 0 ]; then
    exit 1
fi
say "build/kofu carries no test code; the kiosk board's firmware no X11 and no sim drivers"
