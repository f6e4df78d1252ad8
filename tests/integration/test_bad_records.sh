#!/usr/bin/env bash
# test_bad_records.sh - bad records among good ones: Confluent-Avro with a wrong magic byte, an unknown schema id
# or a truncated datum (topic ba, AvroConverter), and JSON that is not JSON, has no envelope, or does not match
# its schema (topic bj, JsonConverter with schemas.enable=true). (a) errors.tolerance=none: the worker exits
# non-zero naming topic, partition and offset of the first bad record, and nothing past it is committed.
# (b) errors.tolerance=all with errors.deadletterqueue.topic.name=dlq and context headers: every good record is
# in the objects in order, every bad one is in dlq byte for byte with __connect.errors.topic/partition/offset/
# exception.message, and the committed offsets reach the end of the topics.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

data=$KCO_ROOT/tests/integration/data/avro
dir=$(kco_tmpdir)
mock_start --topic ba:1 --topic bj:1 --topic dlq:1
# shellcheck disable=SC2119 # registry_start takes options, none needed here
registry_start

# ba: the 60 corpus records, every 7th bad (offsets 6, 13, ..., 55: magic, id, truncated in turn); 52 good.
produce_avro ba "$data/everything.avsc" "$data/records.jsonl" 0 --corrupt 7 --manifest "$dir/ba.manifest"
assert_eq 8 "$AVRO_BAD" "bad Avro records"
python3 -c '
import json, sys
m = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join(str(r["index"]) for r in m if r["kind"] != "good"))' "$dir/ba.manifest" >"$dir/ba.bad"
read -ra ba_bad <"$dir/ba.bad"
assert_eq 6 "${ba_bad[0]}" "first bad Avro offset"
python3 -c '
import json, sys
recs = open(sys.argv[1]).read().splitlines()
bad = set(map(int, open(sys.argv[2]).read().split()))
print("\n".join(r for i, r in enumerate(recs) if i not in bad))' "$data/records.jsonl" "$dir/ba.bad" >"$dir/ba.good.jsonl"
assert_eq 52 "$(wc -l <"$dir/ba.good.jsonl")" "good Avro records"

# bj: 40 lines, schemas.enable=true envelopes; bad at offsets 4 (not JSON), 11 (no envelope), 18 (a required field
# missing from the payload), 25 (a struct field given a number), 32 (a string field given a number); 35 good.
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
schema = {"type": "struct", "name": "kco.test.Bad", "optional": False, "fields": [
    {"field": "n", "type": "int32", "optional": False},
    {"field": "s", "type": "string", "optional": False},
    {"field": "inner", "type": "struct", "optional": False, "fields": [{"field": "x", "type": "int64", "optional": False}]},
    {"field": "note", "type": "string", "optional": True}]}
bad = {4: "not json {", 11: json.dumps({"n": 11, "s": "no envelope"}),
       18: json.dumps({"schema": schema, "payload": {"n": 18, "inner": {"x": 1}, "note": None}}),
       25: json.dumps({"schema": schema, "payload": {"n": 25, "s": "x", "inner": 5, "note": None}}),
       32: json.dumps({"schema": schema, "payload": {"n": 32, "s": 32, "inner": {"x": 1}, "note": None}})}
lines, good = [], []
for i in range(40):
    if i in bad:
        lines.append(bad[i])
        continue
    p = {"n": i, "s": "good %d ü" % i, "inner": {"x": i * 1000}, "note": None if i % 2 else "note"}
    lines.append(json.dumps({"schema": schema, "payload": p}, ensure_ascii=False))
    good.append(p)
open(d + "/bj.txt", "w").write("".join(l + "\n" for l in lines))
open(d + "/bj.good.jsonl", "w").write("".join(json.dumps(p) + "\n" for p in good))
open(d + "/bj.bad", "w").write(" ".join(map(str, sorted(bad))) + "\n")
PY
read -ra bj_bad <"$dir/bj.bad"
produce_file bj 0 "$dir/bj.txt"
worker_props "$dir/worker.properties"

avro_conn() { # avro_conn NAME [KEY=VALUE]...
        local name=$1
        shift
        connector_props "$dir/$name.properties" "name=$name" topics=ba "store.url=file://$dir/out-$name" \
                value.converter=io.confluent.connect.avro.AvroConverter \
                "value.converter.schema.registry.url=$REGISTRY" \
                format.class=com.aliyun.oss.connect.kafka.format.avro.AvroFormat "$@"
}
json_conn() { # json_conn NAME [KEY=VALUE]...
        local name=$1
        shift
        connector_props "$dir/$name.properties" "name=$name" topics=bj "store.url=file://$dir/out-$name" \
                value.converter=org.apache.kafka.connect.json.JsonConverter value.converter.schemas.enable=true \
                format.class=json "$@"
}
# committed_at_most GROUP TOPIC MAX: the group's committed offset on TOPIC-0 (none counts as 0) is <= MAX.
committed_at_most() {
        local c
        c=$(mock_committed_offset "$1" "$2" 0)
        ((c <= $3)) || fail "$1 committed offset $c on $2-0, past the bad record at $3"
        note "$1: committed offset on $2-0: $c (first bad record at $3)"
}

note "(a) errors.tolerance=none, Avro: the task stops at offset ${ba_bad[0]}"
avro_conn ba-none flush.size=4
worker_start "$dir/worker.properties" "$dir/ba-none.properties"
worker_wait 45
((WORKER_RC != 0)) || fail "the worker exited 0 after a bad Avro record"
grep -qE "ba-0 offset ${ba_bad[0]}([^0-9]|$)" "$WORKER_LOG" || fail "the log does not name ba-0 offset ${ba_bad[0]}"
committed_at_most connect-ba-none ba "${ba_bad[0]}"

note "(a) errors.tolerance=none, JSON: the task stops at offset ${bj_bad[0]}"
json_conn bj-none flush.size=5
worker_start "$dir/worker.properties" "$dir/bj-none.properties"
worker_wait 45
((WORKER_RC != 0)) || fail "the worker exited 0 after bad JSON"
grep -qE "bj-0 offset ${bj_bad[0]}([^0-9]|$)" "$WORKER_LOG" || fail "the log does not name bj-0 offset ${bj_bad[0]}"
committed_at_most connect-bj-none bj "${bj_bad[0]}"

dlq_props=(errors.tolerance=all errors.deadletterqueue.topic.name=dlq
        errors.deadletterqueue.context.headers.enable=true errors.deadletterqueue.topic.replication.factor=1)
note "(b) errors.tolerance=all with a dead-letter topic: Avro (52 good = 13 objects of 4)"
avro_conn ba-all flush.size=4 "${dlq_props[@]}"
json_conn bj-all flush.size=5 "${dlq_props[@]}"
worker_start "$dir/worker.properties" "$dir/ba-all.properties" "$dir/bj-all.properties"
wait_for -t 45 at_least 13 count_files "$dir/out-ba-all" '*.avro'
wait_for -t 45 at_least 7 count_files "$dir/out-bj-all" '*.json'
wait_for -t 30 output_is 60 mock_committed_offset connect-ba-all ba 0
wait_for -t 30 output_is 40 mock_committed_offset connect-bj-all bj 0
worker_stop
assert_eq 13 "$(count_files "$dir/out-ba-all" '*.avro')" "Avro objects"
assert_eq 7 "$(count_files "$dir/out-bj-all" '*.json')" "JSON objects"

# Every good record in the objects, in offset order (object names sort by start offset).
mapfile -t files < <(find "$dir/out-ba-all" -name '*.avro' | sort)
avro_read "${files[@]}" >"$dir/ba.got"
python3 - "$dir/ba.good.jsonl" "$dir/ba.got" <<'PY' || fail "the Avro objects do not hold exactly the good records"
import json, sys
want = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
assert [r["id"] for r in got] == [r["id"] for r in want], "ids %s" % [r["id"] for r in got]
assert got == want, "records differ"
print("ok: %d good Avro records" % len(got))
PY
json_read "$dir/out-bj-all" >"$dir/bj.read"
python3 - "$dir/bj.good.jsonl" "$dir/bj.read" <<'PY' || fail "the JSON objects do not hold exactly the good records"
import json, sys
want = [json.loads(l) for l in open(sys.argv[1])]
rows = [json.loads(l) for l in open(sys.argv[2])]  # files in byte order = offset order
got = [r["value"] for r in rows]
assert [r.get("n") for r in got] == [r["n"] for r in want], "n %s" % [r.get("n") for r in got]
assert got == want, "records differ"
print("ok: %d good JSON records" % len(got))
PY

# The dead-letter topic: each bad record unchanged (bytes), with the context headers.
consume_partition ba 0 '%R%s' >"$dir/ba.bin"
consume_partition bj 0 '%R%s' >"$dir/bj.bin"
consume_partition dlq 0 '%R%s' >"$dir/dlq.bin"
timeout 60 kcat -C -b "$BOOTSTRAP" -t dlq -p 0 -o beginning -e -q -J >"$dir/dlq.json" || fail "kcat -J dlq"
python3 - "$dir" "${ba_bad[*]}" "${bj_bad[*]}" <<'PY' || fail "the dead-letter topic is not as expected"
import json, struct, sys
d, ba_bad, bj_bad = sys.argv[1], list(map(int, sys.argv[2].split())), list(map(int, sys.argv[3].split()))
def frames(path):
    buf, out, i = open(path, "rb").read(), [], 0
    while i < len(buf):
        (n,) = struct.unpack(">i", buf[i:i + 4])
        out.append(None if n < 0 else buf[i + 4:i + 4 + n])
        i += 4 + max(n, 0)
    return out
src = {"ba": frames(d + "/ba.bin"), "bj": frames(d + "/bj.bin")}
dlq = frames(d + "/dlq.bin")
# kcat -J writes binary payloads raw (not always UTF-8); only the headers are used here.
meta = [json.loads(l) for l in open(d + "/dlq.json", encoding="utf-8", errors="replace")]
assert len(dlq) == len(meta), "%d values, %d envelopes" % (len(dlq), len(meta))
seen = {"ba": [], "bj": []}
for value, m in zip(dlq, meta):
    h = m.get("headers") or []
    hd = dict(zip(h[0::2], h[1::2]))
    for k in ("__connect.errors.topic", "__connect.errors.partition", "__connect.errors.offset",
              "__connect.errors.exception.message"):
        assert hd.get(k), "dlq offset %d: no header %s (headers %s)" % (m["offset"], k, h)
    t, p, o = hd["__connect.errors.topic"], hd["__connect.errors.partition"], int(hd["__connect.errors.offset"])
    assert t in src and p == "0", "dlq offset %d: topic/partition %s/%s" % (m["offset"], t, p)
    assert value == src[t][o], "dlq offset %d: value differs from %s-0 offset %d" % (m["offset"], t, o)
    seen[t].append(o)
assert seen["ba"] == ba_bad, "Avro records in dlq: %s, expected %s" % (seen["ba"], ba_bad)
assert seen["bj"] == bj_bad, "JSON records in dlq: %s, expected %s" % (seen["bj"], bj_bad)
print("ok: %d dead letters, unchanged, with context headers" % len(dlq))
PY
mock_stop
note "ok"
