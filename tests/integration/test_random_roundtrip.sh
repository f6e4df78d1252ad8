#!/usr/bin/env bash
# test_random_roundtrip.sh - round trips of random schemas: for each seed, check/random_avro.py makes a random Avro
# schema (nested records, arrays, maps, optionals, decimals, dates, times, timestamps, enums, fixed) and records,
# avsc encodes them through the registry double, the worker writes them with ParquetAvroFormat and AvroFormat, and
# the independent readers (DuckDB + parquet-wasm; avsc + python3-avro) must give back exactly the records.
# SEEDS="..." picks other seeds (the failing seed is named in the failure).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$(kco_tmpdir)
seeds=${SEEDS:-"11 23 37 41"}
topics=()
for s in $seeds; do topics+=(--topic "r$s:1"); done
mock_start "${topics[@]}"
# shellcheck disable=SC2119 # registry_start takes options, none needed here
registry_start
worker_props "$dir/worker.properties"
for s in $seeds; do
        python3 "$KCO_ROOT/tests/integration/check/random_avro.py" "$s" "$dir/r$s" 40
        produce_avro "r$s" "$dir/r$s/schema.avsc" "$dir/r$s/records.jsonl" 0
        for fmt in parquet avro; do
                out=$dir/out-$s-$fmt
                connector_props "$dir/$s-$fmt.properties" "name=r$s-$fmt" "topics=r$s" flush.size=40 \
                        "store.url=file://$out" value.converter=io.confluent.connect.avro.AvroConverter \
                        "value.converter.schema.registry.url=$REGISTRY" "format.class=$fmt" \
                        oss.parquet.page.size=1024 oss.parquet.block.size=2048
                worker_start "$dir/worker.properties" "$dir/$s-$fmt.properties"
                wait_for -t 45 at_least 1 count_files "$out" "*.$fmt"
                worker_stop
                f=$out/topics/r$s/partition=0/r$s+0+0000000000.$fmt
                if [[ $fmt == parquet ]]; then
                        node "$KCO_ROOT/tests/node/parquet-read.mjs" "$f" >"$dir/$s-$fmt.jsonl" 2>"$dir/err" ||
                                fail "seed $s: the Parquet readers fail or disagree: $(cat "$dir/err")"
                else
                        avro_read "$f" >"$dir/$s-$fmt.jsonl"
                fi
                json_compare "$dir/r$s/records.jsonl" "$dir/$s-$fmt.jsonl" >/dev/null ||
                        fail "seed $s: $fmt does not read back as produced (schema $dir/r$s/schema.avsc)"
        done
        note "seed $s: 40 random records read back from Parquet and Avro as produced"
done
