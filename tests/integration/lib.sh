# lib.sh - helpers for the integration tests; source it first:
#
#   . "$(dirname "$0")/lib.sh"
#
# Owns: the test's scratch directory ($KCO_TEST_DIR, under $BUILD/test-tmp),
# the mock broker helper process (kco-mock-broker), the Node peers
# (tests/node: S3 server, OSS gateway, fault proxy, schema registry) and the
# worker process under test, and their cleanup on exit. Runs in the test's own shell; the
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
# Object store: s3_start [--bucket NAME]... (exports S3_ENDPOINT, S3_ID,
#               S3_SECRET, S3_DIR, S3_LOG), oss_gateway_start --bucket NAME...
#               (exports OSS_GW_ENDPOINT, OSS_GW_ID, OSS_GW_SECRET,
#               OSS_GW_REGION, OSS_GW_DIR, OSS_GW_LOG), fault_proxy_start
#               HOST:PORT (exports PROXY_ENDPOINT, PROXY_LOG), proxy_cmd
#               COMMAND... (see tests/node/fault-proxy.mjs), s3_stop,
#               oss_gateway_stop, fault_proxy_stop, sign_vectors <shapes
# Registry:     registry_start [--user U:P] (exports REGISTRY=http://HOST:PORT,
#               REGISTRY_LOG), registry_cmd COMMAND... (see
#               tests/node/schema-registry.mjs), registry_stop
# Avro data:    produce_avro TOPIC SCHEMA RECORDS [PARTITION [OPTION...]],
#               produce_frames TOPIC [PARTITION] <frames, avro_read FILE...,
#               avro_schema FILE (corpus: tests/integration/data/avro)
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
_kco_node_n=0
MOCK_PID=
WORKER_PID=
S3_PID=
OSS_GW_PID=
PROXY_PID=
REGISTRY_PID=

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
        _kco_node_stop_all
        [[ -n $MOCK_PID ]] && _kco_mock_stop
        if ((rc != 0)); then
                _kco_node_tails
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
        local v
        for v in S3_PID OSS_GW_PID PROXY_PID REGISTRY_PID; do
                if [[ -n ${!v} ]] && ! kill -0 "${!v}" 2>/dev/null; then
                        wait "${!v}" || rc=$?
                        printf -v "$v" '%s' ''
                        fail "the ${v%_PID} peer exited unexpectedly with status $rc"
                fi
        done
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
        _kco_ctl_cmd "mock broker" "$MOCK_PID" "$MOCK_FD" "$MOCK_OUT" "$@"
}

# _kco_ctl_cmd NAME PID FD OUT COMMAND...: the control channel of a helper
# process (mock broker, fault proxy): writes COMMAND to FD, waits for the next
# line of OUT and prints it; returns 0 when it starts with "ok".
_kco_ctl_cmd() {
        local name=$1 pid=$2 fd=$3 out=$4
        shift 4
        # shellcheck disable=SC2034 # end is read by _kco_before
        local n reply end
        _kco_deadline end $((10 * KCO_SCALE))
        n=$(wc -l <"$out")
        printf '%s\n' "$*" 1>&"$fd"
        while (($(wc -l <"$out") <= n)); do
                kill -0 "$pid" 2>/dev/null || fail "$name died on: $*"
                _kco_before end || fail "$name did not answer: $*"
                sleep 0.02
        done
        reply=$(sed -n "$((n + 1))p" "$out")
        printf '%s\n' "$reply"
        [[ $reply == ok || $reply == "ok "* ]] && return 0
        echo "$name: '$*' answered: $reply" >&2
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

# produce_over_time TOPIC PARTITIONS PER SECONDS [FIELD_MOD]: in the background, PER records to each partition,
# spread evenly over SECONDS (steps of 0.2 s), one kcat per partition. Record n of partition p is
# {"p":p,"n":n,"k":(7n+p) % FIELD_MOD (default 60)}; every 3000th (n % 3000 == 1000) also has a ~9 KB "pad". On an
# empty partition, n is the offset, which tests/integration/check/exactly_once.py relies on. The producers are
# killed when the test ends; PRODUCE_PIDS lists them.
produce_over_time() {
        local topic=$1 parts=$2 per=$3 secs=$4 mod=${5:-60} p
        PRODUCE_PIDS=()
        for ((p = 0; p < parts; p++)); do
                python3 -u - "$p" "$per" "$secs" "$mod" 2>>"$KCO_TEST_DIR/producer.log" <<'PY' |
import sys, time
p, per, secs, mod = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
steps = max(1, int(secs / 0.2))
start = time.time()
for s in range(steps):
    lo, hi = per * s // steps, per * (s + 1) // steps
    sys.stdout.write("".join('{"p":%d,"n":%d,"k":%d%s}\n' % (p, n, (n * 7 + p) % mod,
                                                             ',"pad":"%s"' % ("x" * 9000) if n % 3000 == 1000 else "")
                             for n in range(lo, hi)))
    sys.stdout.flush()
    time.sleep(max(0, start + (s + 1) * 0.2 - time.time()))
PY
                        kcat -P -b "$BOOTSTRAP" -t "$topic" -p "$p" -q -X linger.ms=50 \
                                -X "message.timeout.ms=$((120000 * KCO_SCALE))" 2>>"$KCO_TEST_DIR/producer.log" &
                PRODUCE_PIDS+=($!)
                kco_on_exit "kill $! 2>/dev/null"
        done
}

# committed_total GROUP TOPIC PARTITIONS: the sum of the group's committed offsets over partitions 0..N-1.
committed_total() {
        local reply
        reply=$(mock_cmd committed-sum "$1" "$2" "$3") || fail "committed-sum $*: $reply"
        printf '%s\n' "${reply#ok }"
}

# exactly_once OUT TOPIC PARTITIONS PER [--dir-field NAME]: fails the test unless every produced offset is in
# exactly one object and nothing is left behind (tests/integration/check/exactly_once.py).
exactly_once() {
        python3 "$KCO_ROOT/tests/integration/check/exactly_once.py" "$@" || fail "exactly-once check failed"
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

# ---- object-store peers (Node, tests/node) ---------------------------------
# Each runs `node tests/node/SCRIPT` with a fifo held open by this shell as
# its stdin (commands for the fault proxy; EOF ends it), stdout (the LISTEN=
# line, then command replies) in $KCO_TEST_DIR/KIND.N.out and stderr in
# KIND.N.log. Each also exits by itself when this shell goes away (it watches
# its parent), so a killed test leaves none behind. _kco_exit stops them
# after the worker and before the mock broker.

# _kco_node_start KIND SCRIPT ARGS...: starts a peer and waits for its
# LISTEN= line; sets _kco_node_pid, _kco_node_fd, _kco_node_out, _kco_node_log
# and _kco_node_listen (HOST:PORT).
_kco_node_start() {
        local kind=$1 script=$2 fifo end
        shift 2
        [[ -d $KCO_ROOT/tests/node/node_modules/@20minutes/s3rver && -d $KCO_ROOT/tests/node/node_modules/ali-oss ]] ||
                fail "the Node test peers are not installed: run scripts/setup.sh --node"
        _kco_node_n=$((_kco_node_n + 1))
        fifo=$KCO_TEST_DIR/$kind.$_kco_node_n.in
        _kco_node_out=$KCO_TEST_DIR/$kind.$_kco_node_n.out
        _kco_node_log=$KCO_TEST_DIR/$kind.$_kco_node_n.log
        mkfifo "$fifo"
        exec {_kco_node_fd}<>"$fifo"
        # _kco_node_flags: node's own options, from a caller's local.
        node ${_kco_node_flags[@]+"${_kco_node_flags[@]}"} "$KCO_ROOT/tests/node/$script" "$@" \
                <"$fifo" >"$_kco_node_out" 2>"$_kco_node_log" &
        _kco_node_pid=$!
        _kco_deadline end $((10 * KCO_SCALE))
        until [[ -s $_kco_node_out ]] && grep -q '^LISTEN=' "$_kco_node_out"; do
                if ! kill -0 "$_kco_node_pid" 2>/dev/null; then
                        wait "$_kco_node_pid" 2>/dev/null || true
                        exec {_kco_node_fd}>&-
                        _kco_tail "$_kco_node_log" 20
                        fail "$script exited before listening"
                fi
                _kco_before end || fail "$script printed no LISTEN line"
                sleep 0.02
        done
        _kco_node_listen=$(sed -n '1s/^LISTEN=//p' "$_kco_node_out")
}

# _kco_node_stop VAR: stops the peer whose pid is in VAR (S3_PID, ...):
# SIGTERM, then SIGKILL after 5 s; closes its fifo; empties VAR. Returns the
# exit status.
_kco_node_stop() {
        local var=$1 fdvar=${1%_PID}_FD pid=${!1} rc=0
        [[ -n $pid ]] || return 0
        kill -TERM "$pid" 2>/dev/null || true
        if ! _kco_wait_pid "$pid" $((5 * KCO_SCALE)); then
                kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || rc=$?
        local fd=${!fdvar:-}
        if [[ -n $fd ]]; then
                exec {fd}>&-
                printf -v "$fdvar" '%s' ''
        fi
        printf -v "$var" '%s' ''
        return "$rc"
}

_kco_node_stop_all() {
        _kco_node_stop REGISTRY_PID || true
        _kco_node_stop PROXY_PID || true
        _kco_node_stop S3_PID || true
        _kco_node_stop OSS_GW_PID || true
}

# On failure: the peers' stderr tails (their request logs stay in
# $KCO_TEST_DIR).
_kco_node_tails() {
        local f
        for f in "$KCO_TEST_DIR"/{s3,oss-gw,proxy,registry}.*.log; do
                [[ -f $f ]] && _kco_tail "$f" 10
        done
        return 0
}

# s3_start [--bucket NAME]... [--verbose]: @20minutes/s3rver (verifies
# SigV4) on 127.0.0.1 with the buckets created. Exports S3_ENDPOINT
# (127.0.0.1:PORT), S3_ID and S3_SECRET (s3rver's fixed pair: S3RVER,
# S3RVER; any region), S3_DIR (s3rver's own layout:
# $S3_DIR/BUCKET/KEY._S3rver_object) and S3_LOG (one JSON line per request).
# Path style only (http://$S3_ENDPOINT/BUCKET/KEY, bucket requests on
# /BUCKET without a trailing slash).
s3_start() {
        [[ -z $S3_PID ]] || fail "s3_start: an S3 server is already running"
        S3_DIR=$KCO_TEST_DIR/s3.$((_kco_node_n + 1)).data
        S3_LOG=$KCO_TEST_DIR/s3.$((_kco_node_n + 1)).requests
        # s3rver's ListObjectsV2 continuation tokens use DES, which OpenSSL 3
        # only has in its legacy provider (without it: 500 InternalError).
        local -a _kco_node_flags=(--openssl-legacy-provider)
        _kco_node_start s3 s3-server.mjs --dir "$S3_DIR" --log "$S3_LOG" "$@"
        # shellcheck disable=SC2034 # *_FD is read as ${!fdvar} by _kco_node_stop
        S3_PID=$_kco_node_pid S3_FD=$_kco_node_fd S3_ENDPOINT=$_kco_node_listen
        S3_ID=S3RVER S3_SECRET=S3RVER
        export S3_ENDPOINT S3_ID S3_SECRET S3_DIR S3_LOG S3_PID
        note "S3 server $S3_PID at $S3_ENDPOINT"
}

s3_stop() {
        local rc=0
        _kco_node_stop S3_PID || rc=$?
        ((rc == 0)) || fail "the S3 server exited with status $rc"
}

# oss_gateway_start --bucket NAME... [--region R]: tests/node/oss-gateway.mjs
# on 127.0.0.1. Exports OSS_GW_ENDPOINT (127.0.0.1:PORT; virtual-hosted
# requests go to BUCKET.localhost:PORT), OSS_GW_ID and OSS_GW_SECRET (fixed
# fake credentials), OSS_GW_REGION (cn-hangzhou unless --region is given),
# OSS_GW_DIR (completed objects are plain files $OSS_GW_DIR/BUCKET/KEY;
# uploads in progress are under $OSS_GW_DIR/.uploads) and OSS_GW_LOG (one
# JSON line per request: method, path, query, op, status, code, signer,
# bytes).
oss_gateway_start() {
        [[ -z $OSS_GW_PID ]] || fail "oss_gateway_start: an OSS gateway is already running"
        local args=("$@") i region=cn-hangzhou
        for ((i = 0; i + 1 < ${#args[@]}; i++)); do
                [[ ${args[i]} == --region ]] && region=${args[i + 1]}
        done
        OSS_GW_ID=LTAIkcoTestGatewayId01
        OSS_GW_SECRET=kcoTestGatewaySecretNotReal0000001
        OSS_GW_REGION=$region
        OSS_GW_DIR=$KCO_TEST_DIR/oss-gw.$((_kco_node_n + 1)).data
        OSS_GW_LOG=$KCO_TEST_DIR/oss-gw.$((_kco_node_n + 1)).requests
        _kco_node_start oss-gw oss-gateway.mjs --dir "$OSS_GW_DIR" --log "$OSS_GW_LOG" \
                --id "$OSS_GW_ID" --secret "$OSS_GW_SECRET" "$@"
        # shellcheck disable=SC2034 # *_FD is read as ${!fdvar} by _kco_node_stop
        OSS_GW_PID=$_kco_node_pid OSS_GW_FD=$_kco_node_fd OSS_GW_ENDPOINT=$_kco_node_listen
        export OSS_GW_ENDPOINT OSS_GW_ID OSS_GW_SECRET OSS_GW_REGION OSS_GW_DIR OSS_GW_LOG OSS_GW_PID
        note "OSS gateway $OSS_GW_PID at $OSS_GW_ENDPOINT"
}

oss_gateway_stop() {
        local rc=0
        _kco_node_stop OSS_GW_PID || rc=$?
        ((rc == 0)) || fail "the OSS gateway exited with status $rc"
}

# fault_proxy_start HOST:PORT: tests/node/fault-proxy.mjs in front of
# HOST:PORT (e.g. "$S3_ENDPOINT"); exports PROXY_ENDPOINT (127.0.0.1:PORT)
# and PROXY_LOG (one JSON line per request). Point the client at
# $PROXY_ENDPOINT; the Host header it sends is passed on unchanged.
fault_proxy_start() {
        [[ -z $PROXY_PID ]] || fail "fault_proxy_start: a fault proxy is already running"
        [[ $# -eq 1 ]] || fail "usage: fault_proxy_start HOST:PORT"
        PROXY_LOG=$KCO_TEST_DIR/proxy.$((_kco_node_n + 1)).requests
        _kco_node_start proxy fault-proxy.mjs --target "$1" --log "$PROXY_LOG"
        PROXY_PID=$_kco_node_pid PROXY_FD=$_kco_node_fd PROXY_OUT=$_kco_node_out
        PROXY_ENDPOINT=$_kco_node_listen
        export PROXY_ENDPOINT PROXY_LOG PROXY_PID
        note "fault proxy $PROXY_PID at $PROXY_ENDPOINT -> $1"
}

# proxy_cmd COMMAND...: sends one command to the fault proxy and prints the
# reply line; returns 0 when it starts with "ok" (as mock_cmd does), e.g.
#   proxy_cmd fail 2 503 SlowDown; proxy_cmd match '?uploads'; proxy_cmd stats
proxy_cmd() {
        [[ -n $PROXY_PID ]] || fail "proxy_cmd: no fault proxy running"
        _kco_ctl_cmd "fault proxy" "$PROXY_PID" "$PROXY_FD" "$PROXY_OUT" "$@"
}

fault_proxy_stop() {
        local rc=0
        _kco_node_stop PROXY_PID || rc=$?
        ((rc == 0)) || fail "the fault proxy exited with status $rc"
}

# sign_vectors <SHAPES.json: the Authorization headers the official signers
# compute for each request shape (tests/node/sign-vectors.mjs), one JSON line
# per shape.
sign_vectors() {
        node "$KCO_ROOT/tests/node/sign-vectors.mjs"
}

# ---- schema registry and Avro data -----------------------------------------
# The registry is tests/node/schema-registry.mjs (a Confluent Schema Registry
# double, in memory), started like the object-store peers. Avro messages are
# encoded by tests/node/avro-produce.mjs (avsc, Confluent's wire format: 0x00,
# 4-byte schema id, datum) and sent by $BUILD/kco-produce (tools/produce.c);
# Avro files are read by tests/node/avro-read.mjs (avsc) AND
# tests/integration/check/avro_read.py (python3-avro), which must agree.
# Records are JSON lines in one canonical form, the same for the producer's
# input and the readers' output (described atop tests/node/avro-common.mjs):
# bytes/fixed {"$bytes": base64}, decimals "-123.45" (scale digits), longs
# beyond 2^53-1 as strings, dates/times/timestamps as ints, unions unwrapped.

_kco_avro_n=0

_kco_avro_ready() {
        [[ -d $KCO_ROOT/tests/node/node_modules/avsc ]] ||
                fail "avsc is not installed: run scripts/setup.sh --node"
}

# _kco_avro_python: prints a python3 that has the avro module (a pyenv
# python3 first on PATH may not see Debian's python3-avro).
_kco_avro_python() {
        local py
        for py in python3 /usr/bin/python3; do
                if "$py" -c 'import avro' >/dev/null 2>&1; then
                        command -v "$py"
                        return 0
                fi
        done
        return 1
}

# registry_start [--user USER:PASSWORD]: the registry double on 127.0.0.1.
# Exports REGISTRY (http://127.0.0.1:PORT, for
# value.converter.schema.registry.url), REGISTRY_USER (as given, or empty;
# produce_avro passes it on) and REGISTRY_LOG (its stderr: one "METHOD PATH
# STATUS" line per request).
registry_start() {
        [[ -z $REGISTRY_PID ]] || fail "registry_start: a schema registry is already running"
        local args=("$@") i
        REGISTRY_USER=
        for ((i = 0; i + 1 < ${#args[@]}; i++)); do
                [[ ${args[i]} == --user ]] && REGISTRY_USER=${args[i + 1]}
        done
        _kco_node_start registry schema-registry.mjs "$@"
        # shellcheck disable=SC2034 # *_FD is read as ${!fdvar} by _kco_node_stop
        REGISTRY_PID=$_kco_node_pid REGISTRY_FD=$_kco_node_fd REGISTRY_OUT=$_kco_node_out
        REGISTRY_LOG=$_kco_node_log
        REGISTRY=http://$_kco_node_listen
        export REGISTRY REGISTRY_USER REGISTRY_LOG REGISTRY_PID
        note "schema registry $REGISTRY_PID at $REGISTRY"
}

# registry_cmd COMMAND...: one control command (down, up, status N, delay MS,
# clear, count, ping, quit); prints the reply line and returns 0 when it
# starts with "ok" (as mock_cmd does), e.g.
#   registry_cmd status 503; registry_cmd clear; n=$(registry_cmd count) -> "ok COUNT=12"
registry_cmd() {
        [[ -n $REGISTRY_PID ]] || fail "registry_cmd: no schema registry running"
        _kco_ctl_cmd "schema registry" "$REGISTRY_PID" "$REGISTRY_FD" "$REGISTRY_OUT" "$@"
}

registry_stop() {
        local rc=0
        _kco_node_stop REGISTRY_PID || rc=$?
        ((rc == 0)) || fail "the schema registry exited with status $rc"
}

# _kco_produce_frames TOPIC PARTITION: stdin frames -> kco-produce; prints
# its PRODUCED=N line. Gives up on a message after 30 s (x3 under SAN=1).
_kco_produce_frames() {
        local bin=$BUILD/kco-produce
        [[ -x $bin ]] || fail "$bin is missing: run make"
        timeout $((120 * KCO_SCALE)) "$bin" "${BOOTSTRAP:?mock_start first}" "$1" "$2" \
                -X "message.timeout.ms=$((30000 * KCO_SCALE))"
}

# produce_frames TOPIC [PARTITION] <FRAMES: produces binary frames as
# tools/produce.c reads them (key, value, headers; -1 or no PARTITION: keyed
# partitioning). Sets PRODUCED. Call it bare, not in $(...).
produce_frames() {
        local out
        out=$(_kco_produce_frames "$1" "${2:--1}") || fail "kco-produce could not produce to $1"
        PRODUCED=${out#PRODUCED=}
}

# produce_avro TOPIC SCHEMA RECORDS [PARTITION [OPTION...]]: registers SCHEMA
# (a .avsc file) as "TOPIC-value" at $REGISTRY and produces every line of
# RECORDS (canonical JSON, see above) as one Confluent-Avro message to TOPIC
# (to PARTITION; -1 or none: keyed partitioning, null keys anywhere).
# OPTIONs go to avro-produce.mjs: --keys FILE [--key-schema FILE.avsc],
# --corrupt N [--corrupt-kinds magic,id,truncated,short], --manifest FILE,
# --subject S. Sets AVRO_SCHEMA_ID, AVRO_KEY_SCHEMA_ID (or empty),
# AVRO_FRAMES, AVRO_BAD and PRODUCED; fails unless every frame was produced.
# Call it bare, not in $(...).
produce_avro() {
        (($# >= 3)) || fail "usage: produce_avro TOPIC SCHEMA RECORDS [PARTITION [OPTION...]]"
        local topic=$1 schema=$2 records=$3 part=${4:--1}
        shift $(($# >= 4 ? 4 : 3))
        [[ -n ${REGISTRY:-} ]] || fail "produce_avro: no registry (registry_start first)"
        _kco_avro_ready
        _kco_avro_n=$((_kco_avro_n + 1))
        local errf=$KCO_TEST_DIR/produce-avro.$_kco_avro_n.err res st
        local -a auth=()
        [[ -n ${REGISTRY_USER:-} ]] && auth=(--user "$REGISTRY_USER")
        res=$(
                node "$KCO_ROOT/tests/node/avro-produce.mjs" --schema "$schema" --records "$records" \
                        --topic "$topic" --registry "$REGISTRY" ${auth[@]+"${auth[@]}"} "$@" 2>"$errf" |
                        _kco_produce_frames "$topic" "$part" 2>>"$errf"
                echo "STATUS=${PIPESTATUS[0]},${PIPESTATUS[1]}"
        ) || true
        st=$(sed -n 's/^STATUS=//p' <<<"$res")
        if [[ $st != 0,0 ]]; then
                _kco_tail "$errf" 20
                fail "produce_avro $topic: avro-produce.mjs/kco-produce exit statuses $st"
        fi
        PRODUCED=$(sed -n 's/^PRODUCED=//p' <<<"$res")
        AVRO_SCHEMA_ID=$(sed -n 's/^VALUE_SCHEMA_ID=//p' "$errf")
        # shellcheck disable=SC2034 # for the test to read
        AVRO_KEY_SCHEMA_ID=$(sed -n 's/^KEY_SCHEMA_ID=//p' "$errf")
        AVRO_FRAMES=$(sed -n 's/^FRAMES=//p' "$errf")
        AVRO_BAD=$(sed -n 's/^BAD=//p' "$errf")
        [[ -n $AVRO_FRAMES && $PRODUCED == "$AVRO_FRAMES" ]] ||
                fail "produce_avro $topic: $AVRO_FRAMES frames encoded, $PRODUCED produced"
        note "produced $PRODUCED Avro messages to $topic (partition $part, schema id $AVRO_SCHEMA_ID, $AVRO_BAD bad)"
}

# avro_read FILE...: the records of Avro container files, read by both
# tests/node/avro-read.mjs and tests/integration/check/avro_read.py; fails
# when either cannot read them or they disagree (line by line, as JSON
# values: json_compare). Prints avro-read.mjs's lines: one canonical JSON
# record per line, files in the order given.
avro_read() {
        (($#)) || fail "usage: avro_read FILE..."
        _kco_avro_ready
        local reader=$KCO_ROOT/tests/integration/check/avro_read.py py a b
        [[ -f $reader ]] || fail "avro_read: $reader is missing"
        py=$(_kco_avro_python) || fail "avro_read: no python3 with the avro module (python3-avro)"
        a=$(mktemp "$KCO_TEST_DIR/avro-read.node.XXXXXX")
        b=$(mktemp "$KCO_TEST_DIR/avro-read.py.XXXXXX")
        node "$KCO_ROOT/tests/node/avro-read.mjs" "$@" >"$a" || fail "avro-read.mjs cannot read $*"
        "$py" "$reader" "$@" >"$b" || fail "check/avro_read.py cannot read $*"
        json_compare "$a" "$b" >/dev/null || fail "the two Avro readers disagree on $*"
        cat "$a"
        rm -f "$a" "$b"
}

# json_compare [--float32 KEY,KEY] A.jsonl B.jsonl: A and B hold equal JSON
# values line by line, as tests/integration/check/json_compare.py compares
# them (booleans only equal booleans, other numbers equal as numbers, arrays
# item by item, objects member by member in any order; numbers that are
# members named KEY as float32). Prints "ok: N lines", or the first
# difference on stderr and returns 1. Standard-library python3 only.
json_compare() {
        python3 "$KCO_ROOT/tests/integration/check/json_compare.py" "$@"
}

# avro_schema FILE: the writer schema stored in an Avro container file
# (compact JSON, one line), as avsc reads it.
avro_schema() {
        _kco_avro_ready
        node "$KCO_ROOT/tests/node/avro-read.mjs" --schema "$1" || fail "avro-read.mjs cannot read $1"
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
# with String converters and a 6 s session timeout (the mock group waits for
# a departed member that long before it assigns again); the arguments add or
# override keys.
worker_props() {
        local file=$1
        shift
        write_props "$file" \
                "bootstrap.servers=${BOOTSTRAP:?mock_start first}" \
                key.converter=org.apache.kafka.connect.storage.StringConverter \
                value.converter=org.apache.kafka.connect.storage.StringConverter \
                consumer.session.timeout.ms=6000 consumer.heartbeat.interval.ms=500 \
                "$@"
}

# connector_props FILE [KEY=VALUE]...: an OSS sink connector writing JSON to
# the local store, retrying after 500 ms (not 5 s); pass at least topics= and
# store.url=file:///abs/dir.
connector_props() {
        local file=$1
        shift
        write_props "$file" \
                name=oss-sink \
                connector.class=com.aliyun.oss.connect.kafka.OSSSinkConnector \
                tasks.max=1 \
                format.class=json \
                storage.class=local \
                retry.backoff.ms=500 \
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
