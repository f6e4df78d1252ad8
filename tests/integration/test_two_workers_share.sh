#!/usr/bin/env bash
# test_two_workers_share.sh - two processes started with the same files share the partitions through the
# consumer group connect-<name>: both get partitions, and with records produced before and while the second joins
# (a rebalance discards open files), every offset still lands in exactly one object.
. "$(dirname "$0")/lib.sh"

mock_start --topic s:4
dir=$(kco_tmpdir)
out=$dir/out
for p in 0 1 2 3; do
        for i in $(seq 0 399); do printf '{"p":%d,"n":%d}\n' "$p" "$i"; done >"$dir/first$p.txt"
        for i in $(seq 400 799); do printf '{"p":%d,"n":%d}\n' "$p" "$i"; done >"$dir/second$p.txt"
        produce_file s "$p" "$dir/first$p.txt"
done
worker_props "$dir/worker.properties"
connector_props "$dir/sink.properties" topics=s flush.size=100 "store.url=file://$out"

worker_start "$dir/worker.properties" "$dir/sink.properties"
first_pid=$WORKER_PID first_log=$WORKER_LOG
wait_for at_least 8 count_files "$out" '*.json'
# a second process of the same connector; the lib tracks one worker, so this one is run here
"$BUILD/kafka-connect-oss" standalone "$dir/worker.properties" "$dir/sink.properties" >"$dir/second.log" 2>&1 &
second_pid=$!
kco_on_exit "kill -TERM $second_pid 2>/dev/null; wait $second_pid 2>/dev/null"
for p in 0 1 2 3; do produce_file s "$p" "$dir/second$p.txt"; done
wait_for -t 60 at_least 32 count_files "$out" '*.json'
wait_for -t 30 grep -q 'assigned' "$dir/second.log"
kill -TERM "$second_pid"
rc=0
wait "$second_pid" || rc=$?
assert_eq 0 "$rc" "exit status of the second worker"
worker_stop
grep -q assigned "$first_log" || fail "the first worker never got a partition"

python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
exp = {}
for p in range(4):
    vals = [json.loads(l) for f in ("first", "second") for l in open("%s/%s%d.txt" % (d, f, p))]
    exp[str(p)] = {"records": vals, "committed_to": 800}
json.dump(exp, open(d + "/expect.json", "w"))
PY
json_read "$out" >"$dir/read.jsonl"
python3 "$KCO_ROOT/tests/integration/check/objects.py" "$dir/read.jsonl" s 100 "$dir/expect.json"
