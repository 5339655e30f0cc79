#!/usr/bin/env bash
# Runs every test and ends with "N passed, N failed".
#   tests/run.sh              all suites
#   tests/run.sh unit|sql|integration [filter]
# Every test program prints TAP-like lines ("ok N - name" / "not ok N - name"); this script counts them.
# A program that crashes or exits non-zero without a "not ok" line counts as one failure.
set -u
cd "$(dirname "$0")/.."
BUILD=${CAIRN_BUILD:-build}
export CAIRN_BUILD=$BUILD
export CAIRN_BIN=$PWD/$BUILD/cairnd
export CAIRN_ROOT=$PWD
suite=${1:-all}
filter=${2:-}
passed=0
failed=0
failures=()
log_dir=tests/.tmp/logs
mkdir -p "$log_dir"

run_prog() { # name, timeout seconds, command...
    local name=$1 tmo=$2
    shift 2
    [ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && return
    local log="$log_dir/$(echo "$name" | tr '/ ' '__').log"
    local start=$(date +%s)
    timeout --kill-after=10 "$tmo" "$@" >"$log" 2>&1
    local rc=$?
    local ok nok
    ok=$(grep -cE '^ok [0-9]+' "$log")
    nok=$(grep -cE '^not ok [0-9]+' "$log")
    if [ $rc -ne 0 ] && [ "$nok" -eq 0 ]; then
        nok=1
        [ $rc -eq 124 ] && echo "not ok - $name timed out after ${tmo}s" >>"$log"
        echo "not ok - $name exited with status $rc" >>"$log"
    fi
    passed=$((passed + ok))
    failed=$((failed + nok))
    local secs=$(( $(date +%s) - start ))
    if [ "$nok" -gt 0 ]; then
        printf 'FAIL %-50s %4d ok %3d failed  %3ss  (log: %s)\n' "$name" "$ok" "$nok" "$secs" "$log"
        grep -E '^not ok' "$log" | head -20 | sed 's/^/    /'
        failures+=("$name")
    else
        printf 'pass %-50s %4d ok            %3ss\n' "$name" "$ok" "$secs"
    fi
}

if [ "$suite" = all ] || [ "$suite" = unit ]; then
    for t in "$BUILD"/tests/unit/*_test; do
        [ -x "$t" ] || continue
        run_prog "unit/$(basename "$t")" 600 "$t"
    done
fi

if [ "$suite" = all ] || [ "$suite" = sql ]; then
    if [ -f tests/sql/runner.py ]; then
        for t in tests/sql/*.test; do
            [ -f "$t" ] || continue
            run_prog "sql/$(basename "$t")" 600 /usr/bin/python3 tests/sql/runner.py "$t"
        done
    fi
fi

if [ "$suite" = all ] || [ "$suite" = integration ]; then
    for t in tests/integration/*_test.sh tests/integration/*_test.py; do
        [ -f "$t" ] || continue
        case "$t" in
        *.py) run_prog "integration/$(basename "$t")" 1200 /usr/bin/python3 "$t" ;;
        *) run_prog "integration/$(basename "$t")" 1200 bash "$t" ;;
        esac
    done
fi

if [ ${#failures[@]} -gt 0 ]; then
    echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
