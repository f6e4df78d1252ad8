#!/usr/bin/env bash
# test_parquet_avro.sh - ParquetAvroFormat: the Avro corpus (every Avro type: nested records, arrays of records,
# maps of arrays, optionals, decimals, dates, times, timestamps, unicode, empty strings) produced by avsc through
# the registry double, written by the worker as Parquet with every codec, reads back through DuckDB AND
# parquet-wasm (they must agree) equal to the input value by value; several row groups per file when
# oss.parquet.block.size is small; the footer carries parquet.avro.schema and statistics DuckDB agrees with.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

data=$KCO_ROOT/tests/integration/data/avro
dir=$(kco_tmpdir)
mock_start --topic pa:1
# shellcheck disable=SC2119 # registry_start takes options, none needed here
registry_start
produce_avro pa "$data/everything.avsc" "$data/records.jsonl" 0
worker_props "$dir/worker.properties"
n=$(wc -l <"$data/records.jsonl")

for codec in snappy uncompressed gzip zstd lz4_raw; do
        out=$dir/out-$codec
        connector_props "$dir/$codec.properties" "name=pa-$codec" topics=pa "flush.size=$n" "store.url=file://$out" \
                value.converter=io.confluent.connect.avro.AvroConverter \
                "value.converter.schema.registry.url=$REGISTRY" \
                format.class=com.aliyun.oss.connect.kafka.format.parquet.ParquetAvroFormat \
                "oss.parquet.compression.codec=$codec" oss.parquet.block.size=4096 oss.parquet.page.size=1024
        worker_start "$dir/worker.properties" "$dir/$codec.properties"
        wait_for -t 45 at_least 1 count_files "$out" '*.parquet'
        worker_stop
        f=$out/topics/pa/partition=0/pa+0+0000000000.parquet
        [[ -f $f ]] || fail "$codec: no object $f"
        node "$KCO_ROOT/tests/node/parquet-read.mjs" "$f" >"$dir/$codec.jsonl" 2>"$dir/err" ||
                fail "$codec: the Parquet readers fail or disagree: $(cat "$dir/err")"
        json_compare "$data/records.jsonl" "$dir/$codec.jsonl" >/dev/null ||
                fail "$codec: the Parquet file does not read back as produced"
        node "$KCO_ROOT/tests/node/parquet-read.mjs" --meta "$f" >"$dir/$codec.meta"
        python3 - "$dir/$codec.meta" "$codec" <<'PY' || fail "$codec: footer metadata"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
head, cols = lines[0], lines[1:]
want = {"lz4_raw": "LZ4_RAW", "uncompressed": "UNCOMPRESSED"}.get(sys.argv[2], sys.argv[2].upper())
assert all(c["compression"] == want for c in cols), {c["compression"] for c in cols}
assert head["row_groups"] >= 2, head["row_groups"]
assert json.loads(head["key_value"]["parquet.avro.schema"])["name"] == "Everything", head["key_value"]
ids = [c for c in cols if c["path_in_schema"] == "id"]
assert sum(c["num_values"] for c in ids) == 60, ids
assert min(int(c["stats_min"]) for c in ids) == 0 and max(int(c["stats_max"]) for c in ids) == 59, ids
PY
        note "$codec: $n records read back by DuckDB and parquet-wasm as produced; footer checked"
done
