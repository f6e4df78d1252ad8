#!/usr/bin/env bash
# test_store_faults_two_phase.sh - the two-phase commit (rotate.schedule.interval.ms) against an OSS gateway behind
# the fault proxy while 60,000 records arrive over ~20 s: parts answered 503 SlowDown and reset, and then the
# completions of prepared files failing more often than store.retry.attempts, after their offset is committed.
# That task must stop (it cannot take the commit back), and the restarted worker finishes the files the committed
# offset names before it consumes, and aborts the uploads nobody will finish (ListMultipartUploads). At the end
# every offset is in exactly one object in the bucket and no multipart upload is left.
. "$(dirname "$0")/lib.sh"
parts=2
per=30000
mock_start --topic sf:$parts
oss_gateway_start --bucket tbk
fault_proxy_start "$OSS_GW_ENDPOINT"
dir=$(kco_tmpdir)
produce_over_time sf "$parts" "$per" 20
worker_props "$dir/worker.properties" value.converter=org.apache.kafka.connect.json.JsonConverter \
        value.converter.schemas.enable=false
connector_props "$dir/oss.properties" name=sf topics=sf flush.size=100000 rotate.schedule.interval.ms=1500 \
        timezone=UTC storage.class=oss oss.bucket=tbk "oss.endpoint=http://$PROXY_ENDPOINT" \
        "oss.region=$OSS_GW_REGION" "oss.access.key.id=$OSS_GW_ID" "oss.access.key.secret=$OSS_GW_SECRET" \
        oss.part.size=102400 store.retry.attempts=3 store.retry.backoff.ms=50 store.request.timeout.ms=3000
proxy_cmd match partNumber=1 >/dev/null
proxy_cmd fail 2 503 SlowDown >/dev/null
proxy_cmd reset 1 >/dev/null
worker_start "$dir/worker.properties" "$dir/oss.properties"
wait_for -t 60 grep -q 'Files committed (rotate.schedule.interval.ms)' "$WORKER_LOG"
# completions (POST ...?uploadId=) fail 4 times in a row: more than store.retry.attempts
proxy_cmd match '?uploadId=' >/dev/null
proxy_cmd fail 4 500 InternalError >/dev/null
worker_wait 60
assert_eq 1 "$WORKER_RC" "exit status of the worker whose completions failed"
grep -q 'is committed but its files cannot be made visible' "$WORKER_LOG" || fail "no such failure in the log"
first_log=$WORKER_LOG
worker_start "$dir/worker.properties" "$dir/oss.properties"
wait_for -t 60 grep -q 'finished the .* the committed offset .* names' "$WORKER_LOG"
wait_for -t 120 output_is $((parts * per)) committed_total connect-sf sf $parts
worker_stop
grep -q 'SlowDown; attempt' "$first_log" || fail "the parts' faults were not felt"
exactly_once "$OSS_GW_DIR/tbk" sf "$parts" "$per"
left=$(find "$OSS_GW_DIR/.uploads" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
assert_eq 0 "$left" "multipart uploads left in the bucket"
grep -q '"op":"ListMultipartUploads"' "$OSS_GW_LOG" || grep -q 'uploads&prefix\|?uploads=&\|uploads=&prefix' "$OSS_GW_LOG" ||
        fail "no ListMultipartUploads at the gateway"
