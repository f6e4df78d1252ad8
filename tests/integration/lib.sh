# lib.sh - helpers for the integration tests; source it first:
#
#   . "$(dirname "$0")/lib.sh"
#
# Owns: the test's scratch directory ($KCO_TEST_DIR, under $BUILD/test-tmp),
# the mock broker helper process (kco-mock-broker) and the worker process
# under test, and their cleanup on exit. Runs in the test's own shell; the
# start/stop functions must be called from it, not from $(...) subshells.
# Must never: leave a process behind, or set an EXIT trap a test can clobber
# (a test registers its own cleanups with kco_on_exit instead).
#
# Turns on `set -euo pipefail`. On a failing exit it prints the tails of the
# worker and mock logs and keeps $KCO_TEST_DIR; on success it removes it
# unless KEEP=1. Timeouts are tripled when SAN=1 (sanitizer builds are slow).
#
# Mock broker:  mock_start [--brokers N] [--topic NAME:PARTS]...  (exports
#               BOOTSTRAP), mock_cmd COMMAND... (see tools/mock-broker.c),
#               mock_committed[_offset] GROUP TOPIC PARTITION, mock_stop
# Kafka data:   produce TOPIC [PARTITION [KEYDELIM]] <lines, produce_file
#               TOPIC PARTITION FILE [KEYDELIM], consume_all TOPIC [FORMAT],
#               consume_partition TOPIC PARTITION [FORMAT]
# Worker:       worker_props FILE [k=v]..., connector_props FILE [k=v]...,
#               worker_start PROPS..., worker_stop, worker_wait (WORKER_RC)
# Waiting:      wait_for [-t SECS] CMD..., at_least N CMD..., output_is TEXT
#               CMD..., count_files DIR GLOB, count_matches FILE REGEX
# Checking:     fail MSG, assert_eq EXPECTED ACTUAL [WHAT], json_read ROOT
#               [GLOB], note MSG, kco_tmpdir, kco_on_exit CMD
set -euo pipefail

KCO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD == /* ]] || BUILD="$KCO_ROOT/$BUILD"
export BUILD KCO_ROOT
KCO_TEST_NAME=$(basename "$0" .sh)
KCO_SCALE=1
[[ ${SAN:-} == 1 ]] && KCO_SCALE=3
KCO_T0=$SECONDS

# The test's own stdout and stderr, for messages that must get out even from
# inside a command whose output is discarded (wait_for's CMD).
exec {_kco_out}>&1 {_kco_err}>&2

mkdir -p "$BUILD/test-tmp"
KCO_TEST_DIR=$(mktemp -d "$BUILD/test-tmp/$KCO_TEST_NAME.XXXXXX")
export KCO_TEST_DIR

_kco_exit_cmds=()
_kco_fail_msg=
_kco_mock_n=0
_kco_worker_n=0
MOCK_PID=
WORKER_PID=

# ---- basics ---------------------------------------------------------------

note() {
        printf '[%4ds] %s\n' $((SECONDS - KCO_T0)) "$*"
}

fail() {
        _kco_fail_msg="$*"
        printf 'FAIL: %s: %s\n' "$KCO_TEST_NAME" "$*" >&"$_kco_err"
        exit 1
}

assert_eq() {
        local want=$1 got=$2 what=${3:-value}
        [[ $want == "$got" ]] || fail "$what: expected '$want', got '$got'"
}

# kco_on_exit CMD...: run CMD (through eval) when the test exits, last
# registered first, before the worker and the mock broker are stopped.
kco_on_exit() {
        _kco_exit_cmds+=("$*")
}

# kco_tmpdir: prints a new empty directory inside $KCO_TEST_DIR (so it goes
# away with it); safe to call as dir=$(kco_tmpdir).
kco_tmpdir() {
        mktemp -d "$KCO_TEST_DIR/tmp.XXXXXX"
}

_kco_tail() {
        local file=$1 n=$2
        [[ -s $file ]] || return 0
        echo "--- $file (last $n lines) ---" >&2
        tail -n "$n" "$file" >&2
}

_kco_exit() {
        local rc=$? i
        set +e
        exec 1>&"$_kco_out" 2>&"$_kco_err"
        for ((i = ${#_kco_exit_cmds[@]} - 1; i >= 0; i--)); do
                eval "${_kco_exit_cmds[i]}"
        done
        if [[ -n $WORKER_PID ]]; then
                kill -TERM "$WORKER_PID" 2>/dev/null
                _kco_wait_pid "$WORKER_PID" 5 || kill -KILL "$WORKER_PID" 2>/dev/null
                wait "$WORKER_PID" 2>/dev/null
                WORKER_PID=
        fi
        [[ -n $MOCK_PID ]] && _kco_mock_stop
        if ((rc != 0)); then
                # The logs' tails, then the reason again so it ends the output.
                if [[ -s ${WORKER_LOG:-} || -s ${MOCK_LOG:-} ]]; then
                        [[ -n ${WORKER_LOG:-} ]] && _kco_tail "$WORKER_LOG" 30
                        [[ -n ${MOCK_LOG:-} ]] && _kco_tail "$MOCK_LOG" 10
                        [[ -n $_kco_fail_msg ]] && printf 'FAIL: %s: %s\n' "$KCO_TEST_NAME" "$_kco_fail_msg" >&2
                fi
                echo "kept $KCO_TEST_DIR" >&2
        elif [[ ${KEEP:-} == 1 ]]; then
                echo "kept $KCO_TEST_DIR"
        else
                rm -rf "$KCO_TEST_DIR"
        fi
        exit "$rc"
}
trap _kco_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# A command that fails outside a condition ends the test (set -e): say where.
trap 'echo "error: status $? from ${BASH_SOURCE[0]##*/}:$LINENO:$(sed -n "${LINENO}p" "${BASH_SOURCE[0]}")" >&2' ERR

# ---- waiting --------------------------------------------------------------

# _kco_deadline VAR SECS: sets VAR (the caller's local) to now + SECS in
# microseconds; _kco_before VAR: true while that time has not come.
_kco_deadline() {
        local now=${EPOCHREALTIME//[.,]/}
        printf -v "$1" '%d' $((10#$now + $2 * 1000000))
}
_kco_before() {
        local now=${EPOCHREALTIME//[.,]/}
        ((10#$now < ${!1}))
}

# _kco_wait_pid PID SECS: true once PID has exited, false after SECS.
_kco_wait_pid() {
        local pid=$1 end
        _kco_deadline end "$2"
        while kill -0 "$pid" 2>/dev/null; do
                _kco_before end || return 1
                sleep 0.05
        done
}

# _kco_check_alive: fails at once when the worker or the mock broker died
# behind the test's back (instead of letting a wait run into its timeout).
_kco_check_alive() {
        local rc=0
        if [[ -n $WORKER_PID ]] && ! kill -0 "$WORKER_PID" 2>/dev/null; then
                wait "$WORKER_PID" || rc=$?
                WORKER_PID=
                fail "the worker exited unexpectedly with status $rc"
        fi
        if [[ -n $MOCK_PID ]] && ! kill -0 "$MOCK_PID" 2>/dev/null; then
                wait "$MOCK_PID" || rc=$?
                MOCK_PID=
                fail "the mock broker exited unexpectedly with status $rc"
        fi
}

# wait_for [-t SECS] CMD...: runs CMD every 0.1 s (output discarded) until it
# succeeds; fails the test after SECS (default 30, x3 under SAN=1), or as soon
# as the worker or the mock broker dies. The timeout is a leading option
# because a trailing number cannot be told from CMD's own last argument.
wait_for() {
        local secs=30
        if [[ ${1:-} == -t ]]; then
                secs=$2
                shift 2
        fi
        (($#)) || fail "wait_for: no command"
        local end
        _kco_deadline end $((secs * KCO_SCALE))
        until "$@" >/dev/null 2>&1; do
                _kco_check_alive
                _kco_before end || fail "timed out after $((secs * KCO_SCALE)) s waiting for: $*"
                sleep 0.1
        done
}

# at_least N CMD...: true when CMD prints a number >= N.
at_least() {
        local n=$1 got
        shift
        got=$("$@") || return 1
        ((got >= n))
}

# output_is TEXT CMD...: true when CMD succeeds and prints exactly TEXT
# (trailing newlines aside). For wait_for: helpers are shell functions, which
# a `bash -c "..."` child does not see; pass them to wait_for directly.
output_is() {
        local want=$1 got
        shift
        got=$("$@") || return 1
        [[ $got == "$want" ]]
}

# count_files DIR GLOB: prints how many regular files under DIR (recursive)
# have a name matching GLOB (find -name); 0 when DIR does not exist.
count_files() {
        local dir=$1 glob=$2
        [[ -d $dir ]] || { echo 0; return 0; }
        find "$dir" -type f -name "$glob" | wc -l
}

# count_matches FILE REGEX: prints how many lines of FILE match (grep -E).
count_matches() {
        [[ -f $1 ]] || { echo 0; return 0; }
        grep -cE -- "$2" "$1" || true
}

# ---- mock broker ----------------------------------------------------------

# mock_start [--brokers N] [--topic NAME:PARTITIONS]...: starts
# $BUILD/kco-mock-broker with a fifo as its stdin and exports BOOTSTRAP.
mock_start() {
        [[ -z $MOCK_PID ]] || fail "mock_start: a mock broker is already running"
        local bin=$BUILD/kco-mock-broker fifo
        [[ -x $bin ]] || fail "$bin is missing: run make"
        _kco_mock_n=$((_kco_mock_n + 1))
        fifo=$KCO_TEST_DIR/mock.$_kco_mock_n.in
        MOCK_OUT=$KCO_TEST_DIR/mock.$_kco_mock_n.out
        MOCK_LOG=$KCO_TEST_DIR/mock.$_kco_mock_n.log
        mkfifo "$fifo"
        # Held open read-write, so opening it never blocks and the broker
        # sees no EOF between commands.
        exec {MOCK_FD}<>"$fifo"
        "$bin" --die-with-parent "$@" <"$fifo" >"$MOCK_OUT" 2>"$MOCK_LOG" &
        MOCK_PID=$!
        local end
        _kco_deadline end $((10 * KCO_SCALE))
        until [[ -s $MOCK_OUT ]] && grep -q '^BOOTSTRAP=' "$MOCK_OUT"; do
                _kco_check_alive
                _kco_before end || fail "mock broker printed no BOOTSTRAP line"
                sleep 0.02
        done
        BOOTSTRAP=$(sed -n '1s/^BOOTSTRAP=//p' "$MOCK_OUT")
        export BOOTSTRAP MOCK_PID MOCK_LOG
        note "mock broker $MOCK_PID at $BOOTSTRAP"
}

# mock_cmd COMMAND...: sends one control command and prints the reply line.
# Returns 0 when the reply starts with "ok", else 1 (and says so on stderr):
# use it bare to require success, or `reply=$(mock_cmd ...) || true` to look
# at an expected error.
mock_cmd() {
        [[ -n $MOCK_PID ]] || fail "mock_cmd: no mock broker running"
        # shellcheck disable=SC2034 # end is read by _kco_before
        local n reply end
        _kco_deadline end $((10 * KCO_SCALE))
        n=$(wc -l <"$MOCK_OUT")
        printf '%s\n' "$*" 1>&"$MOCK_FD"
        while (($(wc -l <"$MOCK_OUT") <= n)); do
                kill -0 "$MOCK_PID" 2>/dev/null || fail "mock broker died on: $*"
                _kco_before end || fail "mock broker did not answer: $*"
                sleep 0.02
        done
        reply=$(sed -n "$((n + 1))p" "$MOCK_OUT")
        printf '%s\n' "$reply"
        [[ $reply == ok || $reply == "ok "* ]] && return 0
        echo "mock_cmd: '$*' answered: $reply" >&2
        return 1
}

# mock_committed GROUP TOPIC PARTITION: prints the group's committed offset
# (-1001 when none), then a space and the commit metadata if there is any.
mock_committed() {
        local reply
        reply=$(mock_cmd committed "$@") || fail "committed $*: $reply"
        printf '%s\n' "${reply#ok }"
}

# mock_committed_offset GROUP TOPIC PARTITION: the offset alone, e.g.
#   wait_for output_is 500 mock_committed_offset connect-sink r 0
mock_committed_offset() {
        local c
        c=$(mock_committed "$@") || return 1
        printf '%s\n' "${c%% *}"
}

# _kco_mock_stop: quit, then SIGTERM, then SIGKILL; returns the exit status.
_kco_mock_stop() {
        local rc=0
        printf 'quit\n' 2>/dev/null 1>&"$MOCK_FD" || true
        if ! _kco_wait_pid "$MOCK_PID" $((5 * KCO_SCALE)); then
                kill -TERM "$MOCK_PID" 2>/dev/null || true
                _kco_wait_pid "$MOCK_PID" 5 || kill -KILL "$MOCK_PID" 2>/dev/null || true
        fi
        wait "$MOCK_PID" 2>/dev/null || rc=$?
        exec {MOCK_FD}>&-
        MOCK_PID=
        return "$rc"
}

# mock_stop: stops the mock broker; fails unless it exits cleanly.
mock_stop() {
        [[ -n $MOCK_PID ]] || return 0
        local rc=0
        _kco_mock_stop || rc=$?
        ((rc == 0)) || fail "mock broker exited with status $rc"
}

# ---- producing and consuming with kcat ------------------------------------
# kcat drops empty lines. PARTITION "" or "-" lets librdkafka's partitioner
# choose (keyed messages hash to a fixed partition). KEYDELIM splits each line
# into key and value at its first occurrence.

_kco_kcat_produce() {
        local topic=$1 part=$2 keydelim=$3
        shift 3
        # Give up on a message after 30 s (kcat then exits non-zero) rather
        # than librdkafka's default 300 s.
        local args=(-P -b "$BOOTSTRAP" -t "$topic" -q -X "message.timeout.ms=$((30000 * KCO_SCALE))")
        [[ -n $part && $part != - ]] && args+=(-p "$part")
        [[ -n $keydelim ]] && args+=(-K "$keydelim")
        timeout $((60 * KCO_SCALE)) kcat "${args[@]}" "$@" ||
                fail "kcat could not produce to $topic (partition '${part:-any}')"
}

# produce TOPIC [PARTITION [KEYDELIM]]: one message per line of stdin.
produce() {
        _kco_kcat_produce "$1" "${2:-}" "${3:-}"
}

# produce_file TOPIC PARTITION FILE [KEYDELIM]: one message per line of FILE.
produce_file() {
        [[ -f $3 ]] || fail "produce_file: no file $3"
        _kco_kcat_produce "$1" "$2" "${4:-}" -l "$3"
}

# consume_all TOPIC [FORMAT]: prints every message of every partition from
# the beginning, as kcat's -f FORMAT (default '%s\n': the values), then exits.
# Order is per partition, partitions interleaved.
consume_all() {
        timeout $((60 * KCO_SCALE)) kcat -C -b "$BOOTSTRAP" -t "$1" -o beginning -e -q \
                -f "${2:-%s\n}" || fail "kcat could not consume $1"
}

# consume_partition TOPIC PARTITION [FORMAT]: the same for one partition.
consume_partition() {
        timeout $((60 * KCO_SCALE)) kcat -C -b "$BOOTSTRAP" -t "$1" -p "$2" -o beginning -e -q \
                -f "${3:-%s\n}" || fail "kcat could not consume $1 [$2]"
}

# ---- the worker under test ------------------------------------------------

# write_props FILE KEY=VALUE...: writes a properties file; a later
# KEY=VALUE replaces an earlier one with the same key (so callers pass
# defaults first, then overrides).
write_props() {
        local file=$1 kv k
        shift
        local -A val=()
        local -a order=()
        for kv in "$@"; do
                [[ $kv == *=* ]] || fail "write_props: '$kv' is not KEY=VALUE"
                k=${kv%%=*}
                [[ -v val[$k] ]] || order+=("$k")
                val[$k]=${kv#*=}
        done
        : >"$file"
        for k in "${order[@]}"; do
                printf '%s=%s\n' "$k" "${val[$k]}" >>"$file"
        done
}

# worker_props FILE [KEY=VALUE]...: worker properties for the mock broker
# with String converters; the arguments add or override keys.
worker_props() {
        local file=$1
        shift
        write_props "$file" \
                "bootstrap.servers=${BOOTSTRAP:?mock_start first}" \
                key.converter=org.apache.kafka.connect.storage.StringConverter \
                value.converter=org.apache.kafka.connect.storage.StringConverter \
                "$@"
}

# connector_props FILE [KEY=VALUE]...: an OSS sink connector writing JSON to
# the local store; pass at least topics= and store.url=file:///abs/dir.
connector_props() {
        local file=$1
        shift
        write_props "$file" \
                name=oss-sink \
                connector.class=com.aliyun.oss.connect.kafka.OSSSinkConnector \
                tasks.max=1 \
                format.class=json \
                storage.class=local \
                "$@"
        grep -qE '^topics(\.regex)?=' "$file" || fail "connector_props: no topics= or topics.regex= given"
}

# worker_start PROPS...: runs `kafka-connect-oss standalone PROPS...` in the
# background; exports WORKER_PID and WORKER_LOG (stdout and stderr).
worker_start() {
        [[ -z $WORKER_PID ]] || fail "worker_start: a worker is already running"
        local bin=$BUILD/kafka-connect-oss
        [[ -x $bin ]] || fail "$bin is missing: run make"
        _kco_worker_n=$((_kco_worker_n + 1))
        WORKER_LOG=$KCO_TEST_DIR/worker.$_kco_worker_n.log
        "$bin" standalone "$@" >"$WORKER_LOG" 2>&1 &
        WORKER_PID=$!
        export WORKER_PID WORKER_LOG
        note "worker $WORKER_PID started, log $WORKER_LOG"
}

# worker_stop: SIGTERM; fails unless the worker exits with status 0 within
# 10 s (x3 under SAN=1).
worker_stop() {
        [[ -n $WORKER_PID ]] || fail "worker_stop: no worker running"
        local pid=$WORKER_PID rc=0 t0=$EPOCHREALTIME
        kill -TERM "$pid" 2>/dev/null || true
        if ! _kco_wait_pid "$pid" $((10 * KCO_SCALE)); then
                kill -KILL "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
                WORKER_PID=
                fail "worker did not exit within $((10 * KCO_SCALE)) s of SIGTERM"
        fi
        wait "$pid" || rc=$?
        WORKER_PID=
        ((rc == 0)) || fail "worker exited with status $rc after SIGTERM"
        note "worker stopped in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
}

# worker_wait [SECS]: waits for a worker that is expected to exit by itself
# (default 30 s) and sets WORKER_RC to its exit status; fails if it does not
# exit. Call it bare, not in $(...).
worker_wait() {
        [[ -n $WORKER_PID ]] || fail "worker_wait: no worker running"
        local pid=$WORKER_PID
        _kco_wait_pid "$pid" $((${1:-30} * KCO_SCALE)) || fail "worker did not exit within ${1:-30} s"
        # shellcheck disable=SC2034 # for the test to read
        WORKER_RC=0
        # shellcheck disable=SC2034
        wait "$pid" || WORKER_RC=$?
        WORKER_PID=
}

# ---- independent readers --------------------------------------------------

# json_read ROOT [GLOB]: every record of the JSON-lines files under ROOT as
# read by DuckDB, one {"file","line","value"} JSON object per line.
json_read() {
        [[ -d $KCO_ROOT/tests/node/node_modules/@duckdb/node-api ]] ||
                fail "DuckDB for Node is not installed: run scripts/setup.sh"
        node "$KCO_ROOT/tests/node/json-read.mjs" "$@"
}
