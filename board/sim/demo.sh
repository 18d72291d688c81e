#!/bin/sh
# The demo on the sim board (run by `make demo` inside tests/sandbox.sh):
# starts pcscd with its vpcd reader and cardsim holding a synthetic
# resident, reads the card once with `kofu card read`, writes what kofu
# printed to out/card-read.txt, and stops everything it started.
#
# Until the whole kiosk exists (issue 5), this is the demo: the card path.
set -eu
build=${KOFU_BUILD:-build}
port=${KOFU_TEST_VPCD_PORT:-28672}
work=$(mktemp -d /tmp/kofu-demo-XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkdir -p "$work/reader.conf.d" out
printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x%X\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x%X\n' \
    "$port" "$port" > "$work/reader.conf.d/vpcd"
rm -f /run/pcscd/pcscd.comm
pcscd -f -c "$work/reader.conf.d" > "$work/pcscd.log" 2>&1 &
pids="$!"
i=0; while [ ! -S /run/pcscd/pcscd.comm ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done

"$build/cardsim" --port "$port" --pki "$build/pki" \
    --resident tests/cardsim/residents/yamada.json > "$work/cardsim.out" 2> "$work/cardsim.log" &
pids="$! $pids"
i=0; until grep -q 'cardsim: ready' "$work/cardsim.out" 2>/dev/null || [ $i -ge 500 ]; do sleep 0.01; i=$((i+1)); done

cat > "$work/kofu.conf" <<CONF
reader = Virtual PCD 00 00
card_ca_dir = $build/pki/card-ca
card_wait_seconds = 10
CONF

echo "== kofu card read (synthetic resident 山田　太郎, PIN from standard input; data masked)"
set +e
echo 1234 | "$build/kofu" card read --config "$work/kofu.conf" --pin-stdin | tee out/card-read.txt
rc=$?
set -e
echo "== exit status $rc (0 = read and authentic); output saved in out/card-read.txt"
exit $rc
