#!/usr/bin/env bash
# test_parquet_json.sh - ParquetJsonFormat with the StringConverter, the Java connector's configuration verbatim
# (oss.parquet.protobuf.schema.class=topic,com.aliyun.oss.connect.kafka.format.parquet.Parquet$TestMessage with
# its parquet.proto) plus a proto3 message using every field kind (events.proto: nested and repeated messages,
# maps with int keys, a oneof, enums, Timestamp, wrappers), all compiled by protoc from one directory.
# What each good record must read back as is worked out by the official protobuf runtime (python3-protobuf's
# JSON parser, tests/integration/check/proto_expect.py), and the files are read by DuckDB AND parquet-wasm (they
# must agree). (a) Hand-written corpora with bad lines, errors.tolerance=all: every good line in the objects as
# expected, every line protobuf rejects in the dead-letter topic byte for byte with its offset; the Parquet
# schema is parquet-protobuf's (field ids, repeated fields without LIST, maps as repeated key/value groups,
# ENUM); the footer names the class and the descriptor. (b) 20,000 generated records over 2 partitions, zstd,
# small row groups. (c) errors.tolerance=none stops at the first bad line, committing nothing past it.
# (d) validate names a class that no .proto defines.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

data=$KCO_ROOT/tests/integration/data/proto
check=$KCO_ROOT/tests/integration/check
dir=$(kco_tmpdir)
PY=/usr/bin/python3
"$PY" -c 'import google.protobuf' 2>/dev/null || fail "no python3-protobuf (apt-get install python3-protobuf)"
command -v protoc >/dev/null || fail "no protoc (apt-get install protobuf-compiler)"
protoc --include_imports --descriptor_set_out="$dir/all.desc" -I"$data" kco/events.proto parquet.proto ||
        fail "protoc cannot compile the test's .proto files"

TM='com.aliyun.oss.connect.kafka.format.parquet.Parquet$TestMessage'
EV='com.example.kco.Events$Event'
mock_start --topic tm:1 --topic ev:1 --topic gen:2 --topic dlq:1
produce_file tm 0 "$data/testmessage.jsonl"
produce_file ev 0 "$data/events.jsonl"
"$PY" "$check/proto_gen.py" event 7 20000 >"$dir/gen.jsonl"
# 10,000 a partition (~3 MB: the mock broker keeps the last 5 MB of a partition)
head -n 10000 "$dir/gen.jsonl" >"$dir/gen.0"
tail -n +10001 "$dir/gen.jsonl" >"$dir/gen.1"
produce_file gen 0 "$dir/gen.0"
produce_file gen 1 "$dir/gen.1"
worker_props "$dir/worker.properties"
sum_committed() { # sum_committed GROUP TOPIC: committed offsets of partitions 0 and 1, added up
        local a b
        a=$(mock_committed_offset "$1" "$2" 0) && b=$(mock_committed_offset "$1" "$2" 1) || return 1
        echo $((a < 0 ? 0 : a)) $((b < 0 ? 0 : b)) | awk '{ print $1 + $2 }'
}

# expect NAME MESSAGE INPUT: $dir/NAME.exp (what the good lines read back as) and $dir/NAME.rej (bad line numbers).
expect() {
        "$PY" "$check/proto_expect.py" "$dir/all.desc" "$2" expect "$3" "$dir/$1.exp" "$dir/$1.rej" ||
                fail "proto_expect.py failed on $3"
}
# read_back NAME MESSAGE FILE...: the rows of the files (both readers), map entries normalized, in $dir/NAME.got.
read_back() {
        local name=$1 msg=$2
        shift 2
        node "$KCO_ROOT/tests/node/parquet-read.mjs" "$@" >"$dir/$name.raw" 2>"$dir/$name.err" ||
                fail "$name: the Parquet readers fail or disagree: $(cat "$dir/$name.err")"
        "$PY" "$check/proto_expect.py" "$dir/all.desc" "$msg" normalize "$dir/$name.raw" "$dir/$name.got" ||
                fail "$name: cannot normalize what the readers printed"
}
pj_conn() { # pj_conn NAME TOPICS [KEY=VALUE]...
        local name=$1 topics=$2
        shift 2
        connector_props "$dir/$name.properties" "name=$name" "topics=$topics" "store.url=file://$dir/out-$name" \
                format.class=com.aliyun.oss.connect.kafka.format.parquet.ParquetJsonFormat \
                "oss.parquet.protobuf.schema.class=tm,$TM,ev,$EV,gen,$EV" "oss.parquet.protobuf.proto.path=$data" "$@"
}

expect tm com.aliyun.oss.connect.kafka.format.parquet.TestMessage "$data/testmessage.jsonl"
expect ev kco.test.Event "$data/events.jsonl"
expect gen kco.test.Event "$dir/gen.jsonl"
assert_eq "6 7" "$(tr '\n' ' ' <"$dir/tm.rej" | sed 's/ $//')" "TestMessage lines protobuf rejects"
assert_eq 10 "$(wc -l <"$dir/ev.rej")" "Event lines protobuf rejects"
assert_eq 0 "$(wc -l <"$dir/gen.rej")" "generated lines protobuf rejects"
tm_good=$(wc -l <"$dir/tm.exp")
ev_good=$(wc -l <"$dir/ev.exp")

dlq=(errors.tolerance=all errors.deadletterqueue.topic.name=dlq errors.deadletterqueue.context.headers.enable=true
        errors.deadletterqueue.topic.replication.factor=1)
note "(a) the corpora, errors.tolerance=all: $tm_good + $ev_good good lines"
pj_conn pj-tm tm "flush.size=$tm_good" "${dlq[@]}"
pj_conn pj-ev ev "flush.size=$ev_good" "${dlq[@]}"
worker_start "$dir/worker.properties" "$dir/pj-tm.properties" "$dir/pj-ev.properties"
wait_for -t 45 at_least 1 count_files "$dir/out-pj-tm" '*.parquet'
wait_for -t 45 at_least 1 count_files "$dir/out-pj-ev" '*.parquet'
wait_for -t 30 output_is "$(wc -l <"$data/testmessage.jsonl")" mock_committed_offset connect-pj-tm tm 0
wait_for -t 30 output_is "$(wc -l <"$data/events.jsonl")" mock_committed_offset connect-pj-ev ev 0
worker_stop
tmf=$dir/out-pj-tm/topics/tm/partition=0/tm+0+0000000000.parquet
evf=$dir/out-pj-ev/topics/ev/partition=0/ev+0+0000000000.parquet
[[ -f $tmf && -f $evf ]] || fail "objects missing: $(find "$dir"/out-pj-* -type f)"
read_back tm com.aliyun.oss.connect.kafka.format.parquet.TestMessage "$tmf"
json_compare "$dir/tm.exp" "$dir/tm.got" >/dev/null || fail "TestMessage rows differ from protobuf's reading"
read_back ev kco.test.Event "$evf"
json_compare "$dir/ev.exp" "$dir/ev.got" >/dev/null || fail "Event rows differ from protobuf's reading"
note "every good line reads back as protobuf parses it (DuckDB and parquet-wasm agree)"

# The dead-letter topic: the rejected lines, unchanged, with their offsets (line n is offset n - 1).
timeout 60 kcat -C -b "$BOOTSTRAP" -t dlq -p 0 -o beginning -e -q -J >"$dir/dlq.json" || fail "kcat -J dlq"
"$PY" - "$dir/dlq.json" "$data/testmessage.jsonl" "$dir/tm.rej" "$data/events.jsonl" "$dir/ev.rej" <<'PY' ||
import json, sys
got = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = json.loads(line)
    h = m.get("headers") or []
    h = dict(zip(h[0::2], h[1::2]))
    assert "ParquetJsonFormat" in h.get("__connect.errors.exception.message", ""), h
    got[(h["__connect.errors.topic"], int(h["__connect.errors.offset"]))] = m["payload"]
want = {}
for topic, src, rej in (("tm", sys.argv[2], sys.argv[3]), ("ev", sys.argv[4], sys.argv[5])):
    lines = open(src, encoding="utf-8").read().splitlines()
    for n in map(int, open(rej).read().split()):
        want[(topic, n - 1)] = lines[n - 1]
assert got == want, "dead letters %s, expected %s" % (sorted(got), sorted(want))
print("ok: %d dead letters" % len(got))
PY
        fail "the dead-letter topic does not hold exactly the rejected lines"
note "the $(wc -l <"$dir/dlq.json") rejected lines are in the dead-letter topic with their offsets"

# parquet-protobuf's layout of TestMessage, element by element (name type repetition children converted logical id).
node "$KCO_ROOT/tests/node/parquet-read.mjs" --schema "$tmf" >"$dir/tm.schema"
cat >"$dir/tm.schema.want" <<'EOF'
com.aliyun.oss.connect.kafka.format.parquet.TestMessage - - 9 - - -
boolean BOOLEAN OPTIONAL - - - 1
int INT32 OPTIONAL - - - 2
long INT64 OPTIONAL - - - 3
float FLOAT OPTIONAL - - - 4
double DOUBLE OPTIONAL - - - 5
map1 - REPEATED 2 - - 6
key BYTE_ARRAY OPTIONAL - UTF8 StringType() 1
value BYTE_ARRAY OPTIONAL - UTF8 StringType() 2
map2 - REPEATED 2 - - 7
key BYTE_ARRAY OPTIONAL - UTF8 StringType() 1
value BYTE_ARRAY OPTIONAL - UTF8 StringType() 2
list1 BYTE_ARRAY REPEATED - UTF8 StringType() 8
list2 BYTE_ARRAY REPEATED - UTF8 StringType() 9
EOF
diff -u "$dir/tm.schema.want" "$dir/tm.schema" || fail "TestMessage's Parquet schema is not parquet-protobuf's"
node "$KCO_ROOT/tests/node/parquet-read.mjs" --schema "$evf" >"$dir/ev.schema"
grep -qx 'level BYTE_ARRAY OPTIONAL - ENUM EnumType() 11' "$dir/ev.schema" || fail "Event.level is not an ENUM column"
grep -qx 'items - REPEATED 3 - - 14' "$dir/ev.schema" || fail "Event.items is not a repeated group"
grep -qx 'at - OPTIONAL 2 - - 18' "$dir/ev.schema" || fail "Event.at is not the Timestamp group"
node "$KCO_ROOT/tests/node/parquet-read.mjs" --meta "$tmf" | head -n 1 >"$dir/tm.meta"
"$PY" - "$dir/tm.meta" "$TM" <<'PY' || fail "TestMessage footer"
import json, sys
kv = json.loads(open(sys.argv[1]).read())["key_value"]
assert kv["parquet.proto.class"] == sys.argv[2], kv
assert kv["writer.model.name"] == "protobuf", kv
assert kv["parquet.proto.writeSpecsCompliant"] == "false", kv
d = kv["parquet.proto.descriptor"]
assert d.startswith('name: "TestMessage"\n') and 'name: "map1"' in d and "type: TYPE_BOOL" in d, d
PY
note "schema and footer are parquet-protobuf's"

note "(b) 20,000 generated records on 2 partitions, zstd, small row groups"
pj_conn pj-gen gen flush.size=2500 oss.parquet.compression.codec=zstd oss.parquet.block.size=65536 \
        oss.parquet.page.size=8192
worker_start "$dir/worker.properties" "$dir/pj-gen.properties"
wait_for -t 60 at_least 8 count_files "$dir/out-pj-gen" '*.parquet'
wait_for -t 60 output_is 20000 sum_committed connect-pj-gen gen
worker_stop
mapfile -t files < <(find "$dir/out-pj-gen" -name '*.parquet' | sort)
read_back gen kco.test.Event "${files[@]}"
# Partitions interleave in the input: compare as sets of rows keyed by id (ids are unique).
"$PY" - "$dir/gen.exp" "$dir/gen.got" <<'PY' || fail "generated records differ from protobuf's reading"
import json, sys
want = {json.loads(l)["id"]: l for l in open(sys.argv[1])}
got = {}
for l in open(sys.argv[2]):
    i = json.loads(l)["id"]
    assert i not in got, "duplicate " + i
    got[i] = l
assert set(got) == set(want), "missing %d, extra %d" % (len(set(want) - set(got)), len(set(got) - set(want)))
open(sys.argv[1] + ".sorted", "w").writelines(want[k] for k in sorted(want))
open(sys.argv[2] + ".sorted", "w").writelines(got[k] for k in sorted(got))
PY
json_compare "$dir/gen.exp.sorted" "$dir/gen.got.sorted" >/dev/null || fail "generated rows differ"
node "$KCO_ROOT/tests/node/parquet-read.mjs" --meta "${files[0]}" >"$dir/gen.meta"
"$PY" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines[0]["row_groups"] >= 2, lines[0]
assert all(c["compression"] == "ZSTD" for c in lines[1:])' "$dir/gen.meta" || fail "gen footer: row groups / codec"
note "20,000 records in ${#files[@]} objects read back as protobuf parses them"

note "(c) errors.tolerance=none: the task stops at the first bad line"
first_bad=$(($(head -n 1 "$dir/ev.rej") - 1))
pj_conn pj-none ev flush.size=2
worker_start "$dir/worker.properties" "$dir/pj-none.properties"
worker_wait 45
((WORKER_RC != 0)) || fail "the worker exited 0 after a bad line"
grep -qE "ev-0 offset $first_bad([^0-9]|$)" "$WORKER_LOG" || fail "the log does not name ev-0 offset $first_bad"
grep -q "Cannot find field: nope in message kco.test.Event" "$WORKER_LOG" || fail "the log does not say why"
c=$(mock_committed_offset connect-pj-none ev 0)
((c <= first_bad)) || fail "committed offset $c is past the bad line at $first_bad"
note "stopped at ev-0 offset $first_bad, committed $c"

note "(d) validate: a class no .proto defines"
pj_conn pj-bad ev 'oss.parquet.protobuf.schema.class=ev,com.example.kco.Events$Nope' flush.size=1
rc=0
"$BUILD/kafka-connect-oss" validate "$dir/worker.properties" "$dir/pj-bad.properties" >"$dir/validate.out" 2>&1 ||
        rc=$?
assert_eq 2 "$rc" "validate exit status"
grep -q 'com.example.kco.Events\$Nope' "$dir/validate.out" || fail "validate does not name the class: $(cat "$dir/validate.out")"
grep -q 'com.example.kco.Events\$Event' "$dir/validate.out" ||
        fail "validate does not list the classes it found: $(cat "$dir/validate.out")"
note "validate names the missing class and lists those defined"
