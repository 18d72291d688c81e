#!/bin/sh
# Checks that every #include in the product's sources runs in the direction
# docs/architecture.md allows. Prints each wrong include and exits 1 if any.
#
#   tests/check-layers.sh [DIR]      (DIR: the source tree, default .)
#
# The layers, lowest first (a file may include its own layer and lower ones):
#   0 firmware/base     bytes, json, crypto, vault, log, config, sandbox
#   1 drivers           device classes (drivers/CLASS.h) and drivers (drivers/CLASS/IMPL.*)
#   2 board             the board tables: which drivers a board has
#   3 firmware/card     the My Number card's application
#   4 firmware/center   the certificate center's protocol
#   5 firmware/verify   SMART Health Cards, VDS-NC, the certificate checks
#   6 firmware/session  the visit's state machine
#   7 firmware/diag     the technician's checks and service mode
#   8 ui                screens, voice, the printed page
#   9 firmware/kiosk    the kiosk application: devices, threads, main loop
#  10 firmware/cli      the command line (kofu ...)
# More rules:
#   - an include names its layer ("card/kenhojo.h", "drivers/audio.h"), as the
#     include path (-Ifirmware -I.) finds it: never a bare "kenhojo.h" or a
#     path relative to the including file's folder, which the compiler would
#     also accept and which hides the crossing;
#   - project headers are included with quotes; one written <base/log.h> is
#     refused, and still checked for its direction;
#   - a driver's own header (drivers/CLASS/IMPL.h) is for its folder and the
#     board tables only: everything else sees a device through its class;
#   - ui/ takes from card, center, verify, session and diag only their small
#     *_types.h headers, so no ui header pulls in a protocol or a device.
# Tests (tests/) may include anything.
set -u
root=${1:-.}
cd "$root" || exit 2

rank() {
    case $1 in
        firmware/base/*) echo 0 ;;
        drivers/*) echo 1 ;;
        board/*) echo 2 ;;
        firmware/card/*) echo 3 ;;
        firmware/center/*) echo 4 ;;
        firmware/verify/*) echo 5 ;;
        firmware/session/*) echo 6 ;;
        firmware/diag/*) echo 7 ;;
        ui/*) echo 8 ;;
        firmware/kiosk/*) echo 9 ;;
        firmware/cli/*) echo 10 ;;
        *) echo x ;;
    esac
}

# The file an include names through the include path (-Ifirmware -I.),
# normalised; fails when there is none in the tree.
resolve() {
    for cand in "firmware/$1" "$1"; do
        if [ -f "$cand" ]; then
            echo "$cand" | sed -e 's#^\./##' -e ':a' -e 's#[^/]*/\.\./##' -e 'ta'
            return 0
        fi
    done
    return 1
}

bad=0
flag() { echo "$1"; bad=$((bad + 1)); }

# check FILE RANK NAME: one include of FILE (whose layer is RANK).
check() {
    f=$1; rf=$2; name=$3
    case $name in
        */*) ;;
        *) flag "$f: includes \"$name\" without its layer (name it as the include path finds it: \"LAYER/$name\")"; return ;;
    esac
    if [ -f "$(dirname "$f")/$name" ]; then
        flag "$f: includes \"$name\" relative to its own folder (name its layer)"; return
    fi
    h=$(resolve "$name") || { flag "$f: includes \"$name\", which is not in the tree"; return; }
    rh=$(rank "$h")
    if [ "$rh" = x ]; then
        flag "$f: includes $h, which is not in any layer (test code?)"; return
    fi
    if [ "$rh" -gt "$rf" ]; then
        flag "$f: includes $h, a higher layer"; return
    fi
    case $h in
        drivers/*/*)
            case $f in
                "$(dirname "$h")"/*|board/*) ;;
                *) flag "$f: includes $h, a driver's own header (use its class, drivers/*.h)" ;;
            esac ;;
    esac
    case $f in
        ui/*)
            case $h in
                firmware/base/*|ui/*|*_types.h) ;;
                *) flag "$f: includes $h (ui takes only base, ui and *_types.h headers)" ;;
            esac ;;
    esac
}

files=$(find firmware drivers board ui -name '*.[ch]' | sort)
for f in $files; do
    rf=$(rank "$f")
    if [ "$rf" = x ]; then
        flag "$f: not in any layer of docs/architecture.md"; continue
    fi
    for name in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        check "$f" "$rf" "$name"
    done
    # <...>: system and library headers, unless the tree has the file.
    for name in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' "$f"); do
        if resolve "$name" >/dev/null; then
            flag "$f: includes <$name>, a project header: write \"$name\""
            check "$f" "$rf" "$name"
        fi
    done
done
if [ "$bad" -gt 0 ]; then
    echo "check-layers: $bad include(s) against docs/architecture.md"
    exit 1
fi
echo "check-layers: every include runs the way docs/architecture.md allows"
