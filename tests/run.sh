#!/usr/bin/env bash
# run.sh - the one test runner: unit, fuzz smoke and integration tests.
#
# Owns: discovering and running the tests, their logs in $BUILD/test-logs,
# and the closing "N passed, N failed" line that CI reads. Tests are found by
# name (no registry to keep): every $BUILD/tests/test_* binary (cmocka, one
# test each), tests/fuzz/run.sh smoke (one test, if present), every
# tests/integration/test_*.sh. Unit tests run one after another; the fuzz smoke and the integration tests JOBS
# at a time (default 2, 1 with SAN=1; JOBS=1 for one at a time).
# Must never: print anything after the closing line, or exit 0 when a test
# failed.
#
#   tests/run.sh [unit|fuzz|integration]   nothing = unit, fuzz, integration
#
# Environment: BUILD (default build), SAN=1 for sanitizer builds (longer
# timeouts), FUZZ_SECONDS (passed on), TESTS=substring to pick tests by name,
# KEEP=1 to keep the integration tests' scratch directories, JOBS.
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

# report NAME RC SECONDS TIMEOUT: prints PASS/FAIL and, on failure, the log's last 80 lines; counts.
report() {
        local name=$1 rc=$2 dt=$3 secs=$4 log=$LOGS/$1.log
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

# exec_one NAME TIMEOUT_SECS CMD...: runs CMD with its output in $LOGS/NAME.log; writes "RC SECONDS" to
# $LOGS/NAME.status.
exec_one() {
        local name=$1 secs=$2 t0 rc=0
        shift 2
        t0=$EPOCHREALTIME
        timeout --kill-after=10 "$secs" "$@" </dev/null >"$LOGS/$name.log" 2>&1 || rc=$?
        echo "$rc $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')" >"$LOGS/$name.status"
}

# run_one NAME TIMEOUT_SECS CMD...: runs CMD now and reports.
run_one() {
        local rc dt
        exec_one "$@"
        read -r rc dt <"$LOGS/$1.status"
        report "$1" "$rc" "$dt" "$2"
}

# The integration tests and the fuzz smoke mostly wait (on brokers, servers, timers): JOBS of them run at once
# (default 2; 1 under the sanitizers, whose slowness the tests' timeouts are scaled for already).
if [[ -z ${JOBS:-} ]]; then
        JOBS=2
        [[ $SAN == 1 ]] && JOBS=1
fi
declare -A job_name=() job_secs=()
running=0

# reap_one: waits for one background test to end and reports it.
reap_one() {
        local pid rc dt
        wait -n -p pid || true
        [[ -n ${pid:-} && -n ${job_name[$pid]:-} ]] || return 0
        read -r rc dt <"$LOGS/${job_name[$pid]}.status" || { rc=1 dt=0; }
        report "${job_name[$pid]}" "$rc" "$dt" "${job_secs[$pid]}"
        unset "job_name[$pid]" "job_secs[$pid]"
        running=$((running - 1))
}

# start_one NAME TIMEOUT_SECS CMD...: like run_one, in the background when JOBS > 1.
start_one() {
        if ((JOBS <= 1)); then
                run_one "$@"
                return
        fi
        while ((running >= JOBS)); do reap_one; done
        rm -f "$LOGS/$1.status"
        exec_one "$@" &
        job_name[$!]=$1
        job_secs[$!]=$2
        running=$((running + 1))
}

wait_all() {
        while ((running > 0)); do reap_one; done
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
        start_one fuzz-smoke $((900 * SCALE)) bash tests/fuzz/run.sh smoke
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
                start_one "$name" $((300 * SCALE)) bash "$t"
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

wait_all

if ((passed + failed == 0)) && [[ -n $TESTS ]]; then
        echo "no test name contains '$TESTS'"
        echo "0 passed, 0 failed"
        exit 1
fi
((failed == 0)) || echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
((failed == 0))
