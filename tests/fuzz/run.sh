#!/bin/sh
# Runs every built fuzzer for SECONDS each, over a COPY of its seed corpus
# (tests/fuzz/corpus/fuzz_NAME/), so a run never grows the committed corpus.
# New interesting inputs stay in the temporary copy; to keep some, merge by
# hand:  build/fuzz/fuzz_NAME -merge=1 tests/fuzz/corpus/fuzz_NAME DIR
#
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]
#
# Prints "fuzz NAME: ok (N runs)" or "fuzz NAME: FAILED" per target, and
# exits non-zero if any failed (or none was built). A crash's input is kept
# as BUILD_DIR/fuzz-artifacts/crash-* and the log as BUILD_DIR/fuzz-artifacts/NAME.log.
set -u
seconds=${1:?usage: run.sh SECONDS [BUILD_DIR]}
build=${2:-build}
here=$(cd "$(dirname "$0")" && pwd)
case $seconds in
    ''|*[!0-9]*) echo "run.sh: SECONDS must be a whole number" >&2; exit 2 ;;
esac
if [ "$seconds" -lt 1 ]; then
    echo "run.sh: SECONDS must be at least 1 (libFuzzer takes 0 as no limit)" >&2
    exit 2
fi

found=0
for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] && [ -f "$bin" ] && found=1
done
if [ "$found" -eq 0 ]; then
    echo "fuzz: no fuzzers in $build/fuzz (make fuzzers)" >&2
    exit 1
fi

artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
work=$(mktemp -d "${TMPDIR:-/tmp}/kofu-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# One fuzzer per core at a time (libFuzzer runs one process each): the run
# takes SECONDS x fuzzers / cores rather than SECONDS x fuzzers.
jobs=$(nproc 2>/dev/null || echo 1)

run_one() {
    bin=$1
    name=$(basename "$bin")
    corpus="$work/$name"
    mkdir -p "$corpus"
    if [ -d "$here/corpus/$name" ]; then
        cp "$here/corpus/$name"/* "$corpus"/ 2>/dev/null || true
    fi
    log="$artifacts/$name.log"
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
        echo "fuzz $name: ok ($runs runs)" > "$work/$name.result"
    else
        { echo "fuzz $name: FAILED"
          grep -E 'ERROR|SUMMARY|Test unit written|deadly signal|timeout' "$log" | head -n 5 | sed 's/^/    /'
        } > "$work/$name.result"
    fi
}

running=0
for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    run_one "$bin" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

failed=0
for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] && [ -f "$bin" ] || continue
    name=$(basename "$bin")
    if [ -f "$work/$name.result" ]; then
        cat "$work/$name.result"
        grep -q ': ok (' "$work/$name.result" || failed=$((failed + 1))
    else
        echo "fuzz $name: FAILED (no result)"
        failed=$((failed + 1))
    fi
done

[ "$failed" -eq 0 ]
