#!/bin/sh
# The whole test run of `make check`: unit + integration tests on the normal
# build and on the ASan+UBSan build, then a short run of every fuzzer.
# First the source checks (tests/check-layers.sh) and the check that the product
# carries no test code (tests/check-product.sh, on the builds made before).
# Ends with the one summary line "N passed, N failed", with ", N skipped" when any test was skipped.
#
#   tests/run-all.sh [FUZZ_SECONDS]
set -u
fuzz_seconds=${1:-10}
tally=$(mktemp)
export KOFU_TALLY="$tally"

# Source checks: each counts as one test.
for check in tests/check-layers-selftest.sh tests/check-layers.sh tests/check-product.sh; do
    if "$check"; then echo "1 0 0" >> "$tally"; else echo "0 1 0" >> "$tally"; fi
done

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

awk '{p += $1; f += $2; s += $3}
     END {printf "%d passed, %d failed", p, f; if (s > 0) printf ", %d skipped", s; printf "\n"; exit (f > 0 || p == 0)}' "$tally"
rc=$?
rm -f "$tally"
exit $rc
