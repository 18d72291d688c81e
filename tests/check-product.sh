#!/bin/sh
# The product carries no test code (README, "Builds"):
#   - build/kofu (and the kiosk board's build/kofu-kiosk-build) has none of
#     the script engine's words (expect-clean, record-screens, screenshot,
#     inject), the test build's configuration keys (sim_cardsim_control,
#     sim_centersim_control, sim_passportsim_control) nor the scripts' names for the screens' touch
#     targets (tests/lib/targets.c: terms-up, next-page, ...);
#   - neither has the conformance kit's words (its scenario names, e.g.
#     refuses-no-certificate: build/kofu-conformance, README "Builds");
#   - the kiosk board's firmware (build/kofu-kiosk-build, what
#     `make BOARD=kiosk` makes) links neither X11 nor the sim board's drivers
#     (the simulated acceptor, the recording audio sink, the X11 display);
#   - the kiosk image (build/image/root.squashfs, `make image`), when it has
#     been built, carries the kiosk board's firmware as /usr/bin/kofu, byte
#     for byte (shown first telling build/kofu-sim apart from it).
# Each check is first shown catching what it looks for, in a build that has
# it (build/kofu-sim, the test build of the sim board, whatever BOARD the
# product was made for): a check that finds nothing there is blind and fails.
#
#   tests/check-product.sh [BUILD]      (BUILD: the build directory, default build)
set -u
b=${1:-build}
bad=0
say() { echo "check-product: $*"; }

wordlist='expect-clean record-screens screenshot inject sim_cardsim_control sim_centersim_control
sim_passportsim_control terms-up terms-down prev-page next-page mrz-next mrz-erase'
words=$(echo $wordlist | tr ' ' '|')
for w in $wordlist; do
    if ! strings "$b/kofu-sim" | grep -q -- "$w"; then
        say "blind: '$w' not found even in $b/kofu-sim"; bad=$((bad + 1))
    fi
done
for p in "$b/kofu" "$b/kofu-kiosk-build"; do
    found=$(strings "$p" | grep -E -- "$words" | sort -u | tr '\n' ' ')
    if [ -n "$found" ]; then
        say "$p carries test code: $found"; bad=$((bad + 1))
    fi
done

# The conformance kit (tests/conformance/) is its own program: none of it in the product.
kitwords='refuses-no-certificate kids-are-thumbprints conformance_fixture'
for w in $kitwords; do
    if ! strings "$b/kofu-conformance" | grep -q -- "$w"; then
        say "blind: '$w' not found even in $b/kofu-conformance"; bad=$((bad + 1))
    fi
done
kw=$(echo $kitwords | tr ' ' '|')
for p in "$b/kofu" "$b/kofu-kiosk-build"; do
    found=$(strings "$p" | grep -E -- "$kw" | sort -u | tr '\n' ' ')
    if [ -n "$found" ]; then
        say "$p carries the conformance kit: $found"; bad=$((bad + 1))
    fi
done

# Symbols of the sim board's drivers, and the X11 library.
syms='sim_payment_ops|record_audio_ops|x11_display_ops'
if [ "$(nm "$b/kofu-sim" | grep -cE " ($syms)\$")" -ne 3 ] || ! readelf -d "$b/kofu-sim" | grep -q 'libX11'; then
    say "blind: the sim board's drivers or X11 not found even in $b/kofu-sim"; bad=$((bad + 1))
fi
found=$(nm "$b/kofu-kiosk-build" | grep -E " ($syms)\$")
if [ -n "$found" ]; then
    say "$b/kofu-kiosk-build carries the sim board's drivers: $found"; bad=$((bad + 1))
fi
if readelf -d "$b/kofu-kiosk-build" | grep -q 'libX11'; then
    say "$b/kofu-kiosk-build links X11"; bad=$((bad + 1))
fi

# The image's kofu is the kiosk board's product, not another build.
image=
if [ -f "$b/image/.done" ]; then
    t=$(mktemp)
    if ! unsquashfs -cat "$b/image/root.squashfs" usr/bin/kofu >"$t" 2>/dev/null; then
        say "$b/image/root.squashfs has no /usr/bin/kofu"; bad=$((bad + 1))
    elif cmp -s "$t" "$b/kofu-sim"; then
        say "blind: $b/image's /usr/bin/kofu compares equal to $b/kofu-sim"; bad=$((bad + 1))
    elif ! cmp -s "$t" "$b/kofu-kiosk-build"; then
        say "$b/image's /usr/bin/kofu is not $b/kofu-kiosk-build"; bad=$((bad + 1))
    fi
    rm -f "$t"
    image="; $b/image's /usr/bin/kofu is $b/kofu-kiosk-build"
fi

if [ "$bad" -gt 0 ]; then
    exit 1
fi
say "$b/kofu and $b/kofu-kiosk-build carry no test code; the kiosk board's firmware no X11 and no sim drivers$image"
