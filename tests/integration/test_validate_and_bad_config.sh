#!/usr/bin/env bash
# test_validate_and_bad_config.sh - `validate` lists every error (key, value, reason) and exits 2, or prints a
# one-line summary and exits 0; every examples/*.properties validates; `standalone` with a bad connector file exits 2
# without consuming anything.
. "$(dirname "$0")/lib.sh"

mock_start --topic v:2
dir=$(kco_tmpdir)
bin=$BUILD/kafka-connect-oss
printf '{"a":1}\n' | produce v 0

worker_props "$dir/worker.properties"
connector_props "$dir/good.properties" topics=v flush.size=10 "store.url=file://$dir/out"
"$bin" validate "$dir/worker.properties" "$dir/good.properties" >"$dir/good.out" 2>&1 || fail "validate rejected a good config: $(cat "$dir/good.out")"
grep -q 'OK: connector oss-sink' "$dir/good.out" || fail "no summary line: $(cat "$dir/good.out")"

# every example file in the tree is a valid configuration (credentials from the environment; hadoop.conf.dir
# pointed at examples/, which holds the example core-site.xml, and the .proto directory at examples/proto)
for ex in "$KCO_ROOT"/examples/*.properties; do
        [[ $ex == */worker.properties ]] && continue
        sed -e "s|^hadoop.conf.dir=.*|hadoop.conf.dir=$KCO_ROOT/examples|" \
                -e "s|^oss.parquet.protobuf.proto.path=.*|oss.parquet.protobuf.proto.path=$KCO_ROOT/examples/proto|" \
                "$ex" >"$dir/${ex##*/}"
        OSS_ACCESS_KEY_ID=id OSS_ACCESS_KEY_SECRET=secret AWS_ACCESS_KEY_ID=id AWS_SECRET_ACCESS_KEY=secret \
                "$bin" validate "$KCO_ROOT/examples/worker.properties" "$dir/${ex##*/}" >"$dir/ex.out" 2>&1 ||
                fail "validate rejected ${ex##*/}: $(cat "$dir/ex.out")"
done

cat >"$dir/bad.properties" <<P
name=bad
topics=v
flush.size=ten
tasks.max=0
format.class=com.example.CsvFormat
storage.class=local
store.url=relative/dir
oss.compression.type=lz4
flsh.size=3
consumer.override.fetch.wait.max.ms=soon
P
rc=0
"$bin" validate "$dir/worker.properties" "$dir/bad.properties" >"$dir/bad.out" 2>&1 || rc=$?
assert_eq 2 "$rc" "validate exit status"
for want in 'flush.size = "ten": not an integer' 'tasks.max = "0"' 'format.class = "com.example.CsvFormat"' \
        'store.url = "relative/dir"' 'oss.compression.type = "lz4"' 'did you mean flush.size' \
        'consumer.fetch.wait.max.ms = "soon"' '6 errors'; do
        grep -qF "$want" "$dir/bad.out" || fail "validate output lacks '$want': $(cat "$dir/bad.out")"
done

rc=0
timeout 20 "$bin" standalone "$dir/worker.properties" "$dir/good.properties" "$dir/bad.properties" \
        >"$dir/standalone.out" 2>&1 || rc=$?
assert_eq 2 "$rc" "standalone exit status with a bad connector file"
grep -q 'nothing was started' "$dir/standalone.out" || fail "no 'nothing was started' line"
[[ ! -e $dir/out ]] || fail "the good connector wrote although another file was bad"
assert_eq -1001 "$(mock_committed connect-bad v 0 | cut -d' ' -f1)" "committed offset of the bad connector"

rc=0
"$bin" validate "$dir/missing.properties" >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "validate of a missing file"
