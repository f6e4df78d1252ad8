#!/usr/bin/env bash
# test_metadata_fields.sh - format.metadata.fields.enable=true: each written record carries its Kafka coordinates
# (__topic, __partition, __offset, __timestamp, __key, __headers) after its own fields, in AvroFormat (read back by
# avsc and python3-avro; __timestamp is a timestamp-millis) and in JsonFormat (read back by DuckDB), for
# JsonConverter records with a schema; StringConverter JSON objects get the members added to the object itself.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$(kco_tmpdir)
mock_start --topic m:1 --topic s:1
schema='{"type":"struct","name":"kco.test.Item","fields":[{"field":"id","type":"int32"},{"field":"name","type":"string"}]}'
for i in 0 1 2 3; do
        printf 'k%d|{"schema":%s,"payload":{"id":%d,"name":"n%d"}}\n' "$i" "$schema" "$i" "$i"
done >"$dir/m.txt"
kcat -P -b "$BOOTSTRAP" -t m -p 0 -K '|' -H src=web -H trace=t1 -l "$dir/m.txt" || fail "kcat could not produce"
printf '{"a": 1}\n[1,2]\n' >"$dir/s.txt"
kcat -P -b "$BOOTSTRAP" -t s -p 0 -l "$dir/s.txt" || fail "kcat could not produce"
worker_props "$dir/worker.properties"

run() { # NAME FORMAT TOPIC GLOB CONVERTER [FLUSH]
        connector_props "$dir/$1.properties" "name=$1" "topics=$3" "flush.size=${6:-4}" "store.url=file://$dir/$1" \
                "format.class=$2" "value.converter=$5" format.metadata.fields.enable=true
        worker_start "$dir/worker.properties" "$dir/$1.properties"
        wait_for -t 40 at_least 1 count_files "$dir/$1" "$4"
        worker_stop
}

check() { # FILE (JSON lines of the 4 records of topic m, bare or as json_read's {file, line, value})
        python3 - "$1" <<'PY' || fail "metadata fields differ ($1)"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
rows = [r["value"] if "file" in r and "value" in r else r for r in rows]  # json_read wraps each value
assert len(rows) == 4, rows
for i, r in enumerate(rows):
    assert list(r)[:2] == ["id", "name"] and r["id"] == i and r["name"] == "n%d" % i, r
    assert r["__topic"] == "m" and r["__partition"] == 0 and r["__offset"] == i, r
    assert isinstance(r["__timestamp"], int) and r["__timestamp"] > 1.6e12, r
    assert r["__key"] == "k%d" % i, r
    assert r["__headers"] == {"src": "web", "trace": "t1"}, r
PY
}

run avro com.aliyun.oss.connect.kafka.format.avro.AvroFormat m '*.avro' org.apache.kafka.connect.json.JsonConverter
f=$dir/avro/topics/m/partition=0/m+0+0000000000.avro
avro_read "$f" >"$dir/avro.jsonl"
check "$dir/avro.jsonl"
avro_schema "$f" | python3 -c '
import json, sys
s = json.load(sys.stdin)
f = {x["name"]: x["type"] for x in s["fields"]}
assert s["name"] == "Item" and s.get("namespace") == "kco.test", s
assert [x["name"] for x in s["fields"]] == ["id", "name", "__topic", "__partition", "__offset", "__timestamp", "__key", "__headers"], s
ts = [t for t in f["__timestamp"] if t != "null"][0]
assert ts["logicalType"] == "timestamp-millis", ts
' || fail "the Avro writer schema of the metadata fields is not as expected"
note "AvroFormat: coordinates in every record, __timestamp as timestamp-millis"

run json json m '*.json' org.apache.kafka.connect.json.JsonConverter
json_read "$dir/json" >"$dir/json.jsonl"
check "$dir/json.jsonl"
run str json s '*.json' org.apache.kafka.connect.storage.StringConverter 2
python3 - "$dir/str/topics/s/partition=0/s+0+0000000000.json" <<'PY' || fail "StringConverter JSON with metadata"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows[0]["a"] == 1 and rows[0]["__offset"] == 0 and rows[0]["__key"] is None, rows[0]
assert rows[1]["__value"] == "[1,2]" and rows[1]["__offset"] == 1, rows[1]
PY
note "JsonFormat: the same through DuckDB; a JSON object from StringConverter keeps its members"
