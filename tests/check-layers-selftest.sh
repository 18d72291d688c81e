#!/bin/sh
# Shows tests/check-layers.sh catching each kind of wrong include once, on a
# small tree made here, and passing the same tree once it is put right.
set -u
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/firmware/base" "$t/firmware/card" "$t/firmware/session" "$t/firmware/kiosk" "$t/drivers/audio" \
         "$t/ui" "$t/board" "$t/tests"
echo '' > "$t/firmware/base/log.h"
echo '' > "$t/firmware/card/kenhojo.h"
echo '' > "$t/firmware/session/session.h"
echo '' > "$t/drivers/audio.h"
echo '' > "$t/tests/harness.h"
echo '#include "session/session.h"' > "$t/firmware/base/up.c"          # against the direction
echo '#include "drivers/audio/alsa.h"' > "$t/firmware/kiosk/k.c"         # a driver's own header
echo '#include "drivers/audio.h"' > "$t/drivers/audio/alsa.h"
echo '#include "session/session.h"' > "$t/ui/screens.h"                 # ui takes only *_types.h
echo '#include "tests/harness.h"' > "$t/board/b.c"                       # test code in the product
echo '#include "board/nowhere.h"' > "$t/board/c.c"                       # not in the tree
echo '#include "kenhojo.h"' > "$t/firmware/card/read.c"                  # without its layer
echo '#include "../base/log.h"' > "$t/firmware/card/log.c"               # relative to its folder
echo '#include <base/log.h>' > "$t/firmware/kiosk/a.c"                   # a project header in <>
echo '#include <session/session.h>' > "$t/firmware/base/up2.c"           # ... and against the direction
echo '#include <stdio.h>' > "$t/firmware/base/ok.c"                      # a system header: fine
fail=0
out=$("$here/check-layers.sh" "$t" 2>&1) && { echo "selftest: a tree with wrong includes passed"; fail=1; }
for want in "firmware/base/up.c: includes firmware/session/session.h, a higher layer" \
            "firmware/kiosk/k.c: includes drivers/audio/alsa.h, a driver's own header" \
            "ui/screens.h: includes firmware/session/session.h (ui takes only" \
            "board/b.c: includes tests/harness.h, which is not in any layer (test code?)" \
            "board/c.c: includes \"board/nowhere.h\", which is not in the tree" \
            "firmware/card/read.c: includes \"kenhojo.h\" without its layer" \
            "firmware/card/log.c: includes \"../base/log.h\" relative to its own folder" \
            "firmware/kiosk/a.c: includes <base/log.h>, a project header" \
            "firmware/base/up2.c: includes <session/session.h>, a project header" \
            "firmware/base/up2.c: includes firmware/session/session.h, a higher layer"; do
    case $out in *"$want"*) ;; *) echo "selftest: not caught: $want"; fail=1 ;; esac
done
case $out in *ok.c*) echo "selftest: a system header was flagged: $out"; fail=1 ;; esac
n=$(printf '%s\n' "$out" | grep -c '^firmware/\|^board/\|^ui/\|^drivers/')
[ "$n" -eq 10 ] || { echo "selftest: $n findings, want 10:"; printf '%s\n' "$out"; fail=1; }
# Put right, the same tree passes.
echo '' > "$t/firmware/base/up.c"
echo '#include "drivers/audio.h"' > "$t/firmware/kiosk/k.c"
echo '#include "session/session_types.h"' > "$t/ui/screens.h"; echo '' > "$t/firmware/session/session_types.h"
echo '' > "$t/board/b.c"
echo '#include "board/b.h"' > "$t/board/c.c"; echo '' > "$t/board/b.h"
echo '#include "card/kenhojo.h"' > "$t/firmware/card/read.c"
echo '#include "base/log.h"' > "$t/firmware/card/log.c"
echo '#include "base/log.h"' > "$t/firmware/kiosk/a.c"
echo '' > "$t/firmware/base/up2.c"
"$here/check-layers.sh" "$t" >/dev/null || { echo "selftest: the corrected tree failed"; "$here/check-layers.sh" "$t"; fail=1; }
[ $fail -eq 0 ] && echo "check-layers-selftest: every wrong include caught"
exit $fail
