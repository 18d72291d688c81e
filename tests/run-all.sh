#!/bin/sh
# The whole test run of `make check`: unit + integration tests on the normal
# build and on the ASan+UBSan build, then a short run of every fuzzer.
# Ends with the one summary line "N passed, N failed".
#
#   tests/run-all.sh [FUZZ_SECONDS]
set -u
fuzz_seconds=${1:-10}
tally=$(mktemp)
export KOFU_TALLY="$tally"

tests/run-suite.sh build
LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    tests/run-suite.sh build/asan

if [ "$fuzz_seconds" -gt 0 ]; then
    if tests/fuzz/run.sh "$fuzz_seconds" build; then
        n=$(ls build/fuzz 2>/dev/null | grep -c '^fuzz_')
        echo "$n 0" >> "$tally"
    else
        echo "0 1" >> "$tally"
    fi
fi

awk '{p += $1; f += $2} END {printf "%d passed, %d failed\n", p, f; exit (f > 0 || p == 0)}' "$tally"
rc=$?
rm -f "$tally"
exit $rc
