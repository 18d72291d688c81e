#!/bin/sh
# Shows tests/check-layers.sh catching each kind of wrong include once, on a
# small tree made here, and passing the same tree once it is put right.
set -u
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/firmware/base" "$t/firmware/session" "$t/firmware/kiosk" "$t/drivers/audio" "$t/ui" "$t/board"
echo '#include "session/session.h"' > "$t/firmware/base/up.c"          # against the direction
echo '' > "$t/firmware/session/session.h"
echo '#include "drivers/audio/alsa.h"' > "$t/firmware/kiosk/k.c"         # a driver's own header
echo '#include "drivers/audio.h"' > "$t/drivers/audio/alsa.h"
echo '' > "$t/drivers/audio.h"
echo '#include "session/session.h"' > "$t/ui/screens.h"                 # ui takes only *_types.h
echo '#include "tests/harness.h"' > "$t/board/b.c"                       # test code in the product
fail=0
out=$("$here/check-layers.sh" "$t" 2>&1) && { echo "selftest: a tree with 4 wrong includes passed"; fail=1; }
for want in "firmware/base/up.c: includes firmware/session/session.h" "firmware/kiosk/k.c: includes drivers/audio/alsa.h" \
            "ui/screens.h: includes firmware/session/session.h" "board/b.c: includes \"tests/harness.h\""; do
    case $out in *"$want"*) ;; *) echo "selftest: not caught: $want"; fail=1 ;; esac
done
# Put right, the same tree passes.
echo '' > "$t/firmware/base/up.c"
echo '#include "drivers/audio.h"' > "$t/firmware/kiosk/k.c"
echo '#include "session/session_types.h"' > "$t/ui/screens.h"; echo '' > "$t/firmware/session/session_types.h"
echo '' > "$t/board/b.c"
"$here/check-layers.sh" "$t" >/dev/null || { echo "selftest: the corrected tree failed"; "$here/check-layers.sh" "$t"; fail=1; }
[ $fail -eq 0 ] && echo "check-layers-selftest: every wrong include caught"
exit $fail
