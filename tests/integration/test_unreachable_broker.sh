#!/usr/bin/env bash
# test_unreachable_broker.sh - with no broker to reach the worker keeps retrying with a clear log line, does not
# crash, and still stops cleanly on SIGTERM; when the broker appears it starts working.
. "$(dirname "$0")/lib.sh"

dir=$(kco_tmpdir)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BOOTSTRAP=127.0.0.1:$port worker_props "$dir/worker.properties"
connector_props "$dir/sink.properties" topics=u flush.size=10 "store.url=file://$dir/out"
worker_start "$dir/worker.properties" "$dir/sink.properties"
wait_for -t 20 grep -q 'cannot reach Kafka' "$WORKER_LOG"
grep 'cannot reach Kafka' "$WORKER_LOG" | head -1 | grep -q 'retrying' || fail "the log line does not say it retries"
sleep 2
kill -0 "$WORKER_PID" || fail "the worker died"
worker_stop
