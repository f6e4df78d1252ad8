#!/usr/bin/env bash
# run.sh - the one test runner: unit, fuzz smoke and integration tests.
#
# Owns: discovering and running the tests, their logs in $BUILD/test-logs,
# and the closing "N passed, N failed" line that CI reads. Tests are found by
# name (no registry to keep): every $BUILD/tests/test_* binary (cmocka, one
# test each), tests/fuzz/run.sh smoke (one test, if present), every
# tests/integration/test_*.sh. Runs them one after another.
# Must never: print anything after the closing line, or exit 0 when a test
# failed.
#
#   tests/run.sh [unit|fuzz|integration]   nothing = unit, fuzz, integration
#
# Environment: BUILD (default build), SAN=1 for sanitizer builds (longer
# timeouts), FUZZ_SECONDS (passed on), TESTS=substring to pick tests by name,
# KEEP=1 to keep the integration tests' scratch directories.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD="$PWD/$BUILD"
export BUILD SAN="${SAN:-}" FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
TESTS=${TESTS:-}
LOGS=$BUILD/test-logs
SCALE=1
[[ $SAN == 1 ]] && SCALE=3
mkdir -p "$LOGS"

passed=0
failed=0
failed_names=()

selected() {
        [[ -z $TESTS || $1 == *"$TESTS"* ]]
}

# run_one NAME TIMEOUT_SECS CMD...: runs CMD with its output in
# $LOGS/NAME.log, prints PASS/FAIL and, on failure, the log's last 80 lines.
run_one() {
        local name=$1 secs=$2 log=$LOGS/$1.log t0 rc=0 dt
        shift 2
        t0=$EPOCHREALTIME
        timeout --kill-after=10 "$secs" "$@" </dev/null >"$log" 2>&1 || rc=$?
        dt=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
        if ((rc == 0)); then
                echo "PASS $name (${dt}s)"
                passed=$((passed + 1))
                return
        fi
        echo "FAIL $name (${dt}s)"
        ((rc == 124 || rc == 137)) && echo "  timed out after ${secs}s"
        echo "  --- $log (last 80 lines, exit status $rc) ---"
        tail -n 80 "$log" | sed 's/^/  | /'
        failed=$((failed + 1))
        failed_names+=("$name")
}

run_unit() {
        local bin name
        for bin in "$BUILD"/tests/test_*; do
                [[ -f $bin && -x $bin ]] || continue
                name=$(basename "$bin")
                selected "$name" || continue
                run_one "$name" $((120 * SCALE)) "$bin"
        done
}

run_fuzz() {
        selected fuzz-smoke || return 0
        if [[ ! -f tests/fuzz/run.sh ]]; then
                echo "SKIP fuzz-smoke (no tests/fuzz/run.sh)"
                return 0
        fi
        run_one fuzz-smoke $((900 * SCALE)) bash tests/fuzz/run.sh smoke
}

run_integration() {
        local t name
        # The JSON judge needs DuckDB for Node (quick no-op when installed).
        if [[ ! -d tests/node/node_modules ]]; then
                scripts/setup.sh --node || echo "warning: could not install the Node test tools"
        fi
        for t in tests/integration/test_*.sh; do
                [[ -f $t ]] || continue
                name=$(basename "$t" .sh)
                selected "$name" || continue
                run_one "$name" $((300 * SCALE)) bash "$t"
        done
}

case "${1:-all}" in
unit) run_unit ;;
fuzz) run_fuzz ;;
integration) run_integration ;;
all)
        run_unit
        run_fuzz
        run_integration
        ;;
*)
        echo "usage: tests/run.sh [unit|fuzz|integration]" >&2
        exit 2
        ;;
esac

if ((passed + failed == 0)) && [[ -n $TESTS ]]; then
        echo "no test name contains '$TESTS'"
        echo "0 passed, 0 failed"
        exit 1
fi
((failed == 0)) || echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
((failed == 0))
