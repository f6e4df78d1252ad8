#!/usr/bin/env bash
# test_bytearray_compression.sh - ByteArrayFormat writes the values' bytes with the configured separator and
# extension, gzip- and zstd-compressed; decompressed by the system's gzip and zstd tools, the objects equal what
# kcat reads from the partition, record for record.
. "$(dirname "$0")/lib.sh"

mock_start --topic b:1
dir=$(kco_tmpdir)
for i in $(seq 0 399); do printf 'value %d | ünï | %s\n' "$i" "$(head -c $((i % 50)) /dev/zero | tr '\0' x)"; done >"$dir/in.txt"
produce_file b 0 "$dir/in.txt"
consume_partition b 0 '%s|END|\n' | head -n 400 >"$dir/expected.txt"

worker_props "$dir/worker.properties" value.converter=org.apache.kafka.connect.converters.ByteArrayConverter
for codec in gzip zstd; do
        out=$dir/out-$codec
        connector_props "$dir/$codec.properties" name="ba-$codec" topics=b flush.size=100 \
                format.class=com.aliyun.oss.connect.kafka.format.bytearray.ByteArrayFormat \
                format.bytearray.extension=.txt 'format.bytearray.separator=|END|\n' \
                oss.compression.type=$codec "store.url=file://$out"
        worker_start "$dir/worker.properties" "$dir/$codec.properties"
        ext=$([[ $codec == gzip ]] && echo gz || echo zst)
        wait_for at_least 4 count_files "$out" "*.txt.$ext"
        worker_stop
        assert_eq 4 "$(count_files "$out" "*.txt.$ext")" "$codec objects"
        : >"$dir/got-$codec.txt"
        for f in $(find "$out" -name "*.txt.$ext" | sort); do
                if [[ $codec == gzip ]]; then gzip -dc "$f"; else zstd -qdc "$f"; fi >>"$dir/got-$codec.txt"
        done
        cmp "$dir/expected.txt" "$dir/got-$codec.txt" || fail "$codec objects differ from the partition's values"
        [[ -f $out/topics/b/partition=0/b+0+0000000300.txt.$ext ]] || fail "object name for offset 300"
done
