#!/usr/bin/env bash
# test_memory_budget.sh - 1,000 partitions, each with an open file (flush.size is never reached), 150 MB of records:
# with buffer.memory=16 MiB the partitions holding the most commit early (two phases) and the worker's peak RSS
# stays under the budget + Kafka's fetch queue + a fixed margin, while the same run with buffer.memory=-1 holds
# several times more (so the bound means something). Every record lands exactly once either way (read back with
# python's json). The figures themselves are measured by `make bench`; here only a generous bound is asserted.
. "$(dirname "$0")/lib.sh"
parts=1000
records=${KCO_MEM_RECORDS:-150000}
mock_start --topic mem:$parts
dir=$(kco_tmpdir)
python3 - "$records" >"$dir/in.txt" <<'PY'
import sys
pad = "y" * 1000
for i in range(int(sys.argv[1])):
    print('k%d\t{"id":%d,"pad":"%s"}' % (i, i, pad))
PY
kcat -P -b "$BOOTSTRAP" -t mem -K '\t' -q -l -X linger.ms=100 "$dir/in.txt" || fail "kcat could not produce"
worker_props "$dir/worker.properties" consumer.queued.max.messages.kbytes=8192
run() { # NAME BUFFER_MEMORY: prints the worker's peak RSS in MiB and its commits forced by the budget
        local name=$1 out=$dir/$1
        connector_props "$dir/$name.properties" "name=$name" topics=mem "store.url=file://$out" flush.size=10000000 \
                rotate.schedule.interval.ms=10000 timezone=UTC store.local.fsync=false "buffer.memory=$2"
        worker_start "$dir/worker.properties" "$dir/$name.properties" >&2
        local hwm=0 cur
        until [[ $(committed_total "connect-$name" mem $parts) == "$records" ]]; do
                _kco_check_alive
                cur=$(awk '/^VmHWM/ { print $2 }' "/proc/$WORKER_PID/status" 2>/dev/null || echo 0)
                ((cur > hwm)) && hwm=$cur
                sleep 0.5
        done
        cur=$(awk '/^VmHWM/ { print $2 }' "/proc/$WORKER_PID/status" 2>/dev/null || echo 0)
        ((cur > hwm)) && hwm=$cur
        worker_stop >&2
        python3 - "$out" "$records" >&2 <<'PY' || fail "$name: not exactly once"
import json, os, sys
out, n = sys.argv[1], int(sys.argv[2])
count = {}
for root, _d, files in os.walk(out):
    for f in files:
        assert f.endswith(".json") and not f.startswith("."), "left behind: " + os.path.join(root, f)
        for line in open(os.path.join(root, f)):
            i = json.loads(line)["id"]
            count[i] = count.get(i, 0) + 1
dup = sum(1 for v in count.values() if v > 1)
lost = n - len(count)
print("records %d, duplicated %d, lost %d" % (len(count), dup, lost))
sys.exit(1 if dup or lost else 0)
PY
        echo "$((hwm / 1024)) $(grep -c 'Files committed (buffer.memory)' "$WORKER_LOG")"
}
read -r with relief < <(run budget 16777216)
read -r without _ < <(run unbounded -1)
note "peak RSS: ${with} MiB with buffer.memory=16 MiB ($relief early commits), ${without} MiB without a limit"
((relief > 0)) || fail "the budget never forced a commit"
if [[ ${SAN:-} == 1 ]]; then
        note "RSS bounds not asserted under the sanitizers (their shadow memory and quarantine dominate)"
        exit 0
fi
# budget 16 + fetch queue 8 + a fixed margin for code, libraries, ICU and allocator slack
((with < 16 + 8 + 140)) || fail "peak RSS ${with} MiB with a 16 MiB budget"
((without > 2 * with)) || fail "without a limit the worker held only ${without} MiB: the test proves nothing"
