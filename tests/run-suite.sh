#!/bin/sh
# Runs the unit and integration test programs of one build directory and
# appends "passed failed skipped" for each program to the file $KOFU_TALLY.
#
#   tests/run-suite.sh BUILD_DIR
#
# Integration tests run inside tests/sandbox.sh (private pcscd and ports).
set -u
build=${1:?usage: run-suite.sh BUILD_DIR}
tally=${KOFU_TALLY:?set KOFU_TALLY to a file}
export KOFU_BUILD="$build"

run_one() {
    prog=$1; shift
    log=$(mktemp)
    "$@" "$prog" >"$log" 2>&1
    rc=$?
    cat "$log"
    passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log" | tail -n 1)
    failed=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
    skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s).*/\1/p' "$log" | tail -n 1)
    passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
    # A program that crashed or failed without cmocka's totals counts as one failure.
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
    if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]; then failed=1; fi
    echo "$passed $failed $skipped" >> "$tally"
    echo "== $(basename "$prog") [$build]: $passed passed, $failed failed, $skipped skipped"
    rm -f "$log"
}

for t in "$build"/tests/unit/test_*; do
    [ -x "$t" ] && run_one "$t"
done
for t in "$build"/tests/integration/test_*; do
    [ -x "$t" ] && run_one "$t" tests/sandbox.sh
done
exit 0
