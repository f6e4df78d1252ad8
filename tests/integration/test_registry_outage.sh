#!/usr/bin/env bash
# test_registry_outage.sh - an unreachable or failing Schema Registry is not bad data: while the registry answers
# 503 (and then refuses connections) the worker keeps running, writes nothing, commits nothing and says it is
# retrying; once the registry is back every record lands, once. Registry credentials (basic auth) never appear in
# the log. With errors.retry.timeout=2000 a second connector fails after retrying that long, naming the offset and
# the setting, with nothing committed.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

data=$KCO_ROOT/tests/integration/data/avro
dir=$(kco_tmpdir)
secret=reg-Pa55word-xyzzy
mock_start --topic ro:1
registry_start --user "kco:$secret"
produce_avro ro "$data/everything.avsc" "$data/records.jsonl" 0
registry_cmd status 503 >/dev/null
worker_props "$dir/worker.properties"
connector_props "$dir/c.properties" name=ro topics=ro flush.size=20 "store.url=file://$dir/out" \
        format.class=com.aliyun.oss.connect.kafka.format.avro.AvroFormat \
        value.converter=io.confluent.connect.avro.AvroConverter "value.converter.schema.registry.url=$REGISTRY" \
        "value.converter.basic.auth.user.info=kco:$secret"
worker_start "$dir/worker.properties" "$dir/c.properties"
wait_for -t 40 grep -q 'retrying from offset 0' "$WORKER_LOG"
grep -q '503' "$WORKER_LOG" || fail "the retry does not say what the registry answered"
note "503: retried"
registry_cmd down >/dev/null
sleep 3
kill -0 "$WORKER_PID" 2>/dev/null || fail "the worker stopped while the registry was unreachable"
assert_eq 0 "$(count_files "$dir/out" '*.avro')" "objects while the registry is failing"
assert_eq -1001 "$(mock_committed_offset connect-ro ro 0)" "committed offset while the registry is failing"
registry_cmd up >/dev/null
registry_cmd clear >/dev/null
wait_for -t 60 at_least 3 count_files "$dir/out" '*.avro'
wait_for -t 30 output_is 60 mock_committed_offset connect-ro ro 0
worker_stop
avro_read "$dir"/out/topics/ro/partition=0/*.avro >"$dir/read.jsonl"
assert_eq 60 "$(wc -l <"$dir/read.jsonl")" "records read back"
assert_eq "$(wc -l <"$data/records.jsonl")" 60 "corpus size"
grep -q "$secret" "$WORKER_LOG" && fail "the registry password is in the worker log"
note "registry back: 60 records in 3 objects, offset 60 committed; no secret in the log"

# errors.retry.timeout: the task gives up after retrying for 2 s (backoff 300 ms, at most 600 ms between tries)
registry_cmd down >/dev/null
connector_props "$dir/t.properties" name=rt topics=ro flush.size=20 "store.url=file://$dir/out-rt" \
        format.class=com.aliyun.oss.connect.kafka.format.avro.AvroFormat \
        value.converter=io.confluent.connect.avro.AvroConverter "value.converter.schema.registry.url=$REGISTRY" \
        "value.converter.basic.auth.user.info=kco:$secret" errors.retry.timeout=2000 retry.backoff.ms=300 \
        errors.retry.delay.max.ms=600
t0=$EPOCHREALTIME
worker_start "$dir/worker.properties" "$dir/t.properties"
worker_wait 60
assert_eq 1 "$WORKER_RC" "exit status after errors.retry.timeout"
grep -q 'failed at ro-0 offset 0: .*errors.retry.timeout=2000' "$WORKER_LOG" || fail "no errors.retry.timeout failure line"
grep -q 'retrying from offset 0 in 600 ms' "$WORKER_LOG" || fail "the wait is not capped by errors.retry.delay.max.ms"
assert_eq -1001 "$(mock_committed_offset connect-rt ro 0)" "committed offset after giving up"
grep -q "$secret" "$WORKER_LOG" && fail "the registry password is in the worker log"
note "errors.retry.timeout=2000: failed after $(python3 -c "print(round($EPOCHREALTIME - $t0, 1))") s, nothing committed"
