#!/usr/bin/env bash
# test_json_exactly_once.sh - JsonFormat end to end over the real Kafka protocol: keys, unicode, text that is
# not JSON, invalid UTF-8, ~900 KB values, several partitions. DuckDB reads the objects back; every offset below
# the last rotation is in exactly one object, nothing above it is visible (open files are discarded on SIGTERM),
# and the committed Kafka offsets match the objects.
. "$(dirname "$0")/lib.sh"

mock_start --topic t:4
dir=$(kco_tmpdir)
out=$dir/out

# p0: 1060 JSON objects; p1: 300 keyed unicode objects; p2: 273 text lines (one with an invalid UTF-8 byte);
# p3: 200 objects, every 50th ~900 KB. Values are what the objects must hold, as Python reads them.
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
exp = {}
def put(p, lines, values, committed):
    with open("%s/p%d.txt" % (d, p), "wb") as f:
        f.write(b"".join(l + b"\n" for l in lines))
    exp[str(p)] = {"records": values, "committed_to": committed}
v0 = [{"p": 0, "n": i} for i in range(1060)]
put(0, [json.dumps(v, separators=(",", ":")).encode() for v in v0], v0, 1050)
v1 = [{"p": 1, "n": i, "s": "ünï 😀 \u4e2d"} for i in range(300)]
put(1, [b"user%d\t" % (i % 7) + json.dumps(v, ensure_ascii=False).encode() for i, v in enumerate(v1)], v1, 300)
lines2, v2 = [], []
for i in range(273):
    if i == 77:
        lines2.append(b"bad \xff byte"); v2.append("bad \ufffd byte")
    else:
        lines2.append(b"text %d: a \"quoted\" \\ word" % i); v2.append('text %d: a "quoted" \\ word' % i)
put(2, lines2, v2, 250)
v3 = [{"p": 3, "n": i, "pad": ("x" * 900000 if i % 50 == 0 else "")} for i in range(200)]
put(3, [json.dumps(v).encode() for v in v3], v3, 200)
json.dump(exp, open(d + "/expect.json", "w"))
PY
produce_file t 0 "$dir/p0.txt"
produce_file t 1 "$dir/p1.txt" $'\t'
produce_file t 2 "$dir/p2.txt"
produce_file t 3 "$dir/p3.txt"

worker_props "$dir/worker.properties" consumer.fetch.message.max.bytes=2000000
connector_props "$dir/sink.properties" topics=t flush.size=50 tasks.max=2 "store.url=file://$out" \
        format.class=com.aliyun.oss.connect.kafka.format.json.JsonFormat
worker_start "$dir/worker.properties" "$dir/sink.properties"
# 1050/50 + 300/50 + 250/50 + 200/50 objects; the tails of p0 and p2 stay open
wait_for -t 60 at_least 36 count_files "$out" '*.json'
wait_for -t 30 bash -c "[ \"\$(grep -c 'Target commit offset' '$WORKER_LOG')\" -ge 36 ]"
sleep 1 # the offset commits are asynchronous
worker_stop

assert_eq 36 "$(count_files "$out" '*.json')" "objects"
assert_eq 0 "$(find "$out" -name '*.kco-tmp' | wc -l)" "temp files left behind"
json_read "$out" >"$dir/read.jsonl"
python3 "$KCO_ROOT/tests/integration/check/objects.py" "$dir/read.jsonl" t 50 "$dir/expect.json"

# The group's committed offsets are exactly the ends of the objects.
for pc in 0:1050 1:300 2:250 3:200; do
        got=$(mock_committed connect-oss-sink t "${pc%%:*}")
        assert_eq "${pc#*:}" "${got%% *}" "committed offset of t-${pc%%:*}"
done
