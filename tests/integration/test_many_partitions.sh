#!/usr/bin/env bash
# test_many_partitions.sh - 48 partitions shared by 3 tasks of one process: every partition's objects are
# complete and in order, each partition handled by one task at a time (a late join may move them once).
. "$(dirname "$0")/lib.sh"

mock_start --topic m:48
dir=$(kco_tmpdir)
out=$dir/out
for p in $(seq 0 47); do
        for i in $(seq 0 34); do printf '{"p":%d,"n":%d}\n' "$p" "$i"; done >"$dir/p$p.txt"
        produce_file m "$p" "$dir/p$p.txt"
done
worker_props "$dir/worker.properties"
connector_props "$dir/sink.properties" topics=m flush.size=10 tasks.max=3 "store.url=file://$out"
worker_start "$dir/worker.properties" "$dir/sink.properties"
wait_for -t 60 at_least 144 count_files "$out" '*.json'
worker_stop
assert_eq 144 "$(count_files "$out" '*.json')" "objects"
for task in 0 1 2; do
        grep -q "task oss-sink-$task: assigned" "$WORKER_LOG" || fail "task $task got no partition"
done
assert_eq 48 "$(grep -o 'assigned m-[0-9]*' "$WORKER_LOG" | sort -u | wc -l)" "partitions assigned"
# A task that joins late (a slow machine, a sanitizer build) causes one rebalance: partitions then move once;
# the objects below must still hold every record exactly once.
n=$(grep -c 'assigned m-' "$WORKER_LOG")
((n >= 48 && n <= 96)) || fail "assignments: $n (more than one rebalance)"
((n == 48)) || note "$n assignments: one rebalance while the tasks joined"
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
exp = {str(p): {"records": [json.loads(l) for l in open("%s/p%d.txt" % (d, p))], "committed_to": 30} for p in range(48)}
json.dump(exp, open(d + "/expect.json", "w"))
PY
json_read "$out" >"$dir/read.jsonl"
python3 "$KCO_ROOT/tests/integration/check/objects.py" "$dir/read.jsonl" m 10 "$dir/expect.json"
