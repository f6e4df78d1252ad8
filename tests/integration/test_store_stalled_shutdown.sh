#!/usr/bin/env bash
# test_store_stalled_shutdown.sh - SIGTERM while the object store stalls every request: the worker gives its
# tasks a few seconds, then fails the pending requests and exits 0 well within 10 s; nothing was committed.
. "$(dirname "$0")/lib.sh"

mock_start --topic st:1
oss_gateway_start --bucket stall
fault_proxy_start "$OSS_GW_ENDPOINT"
dir=$(kco_tmpdir)
for i in $(seq 0 99); do printf '{"n":%d}\n' "$i"; done | produce st 0
proxy_cmd stall 1000 120000
worker_props "$dir/worker.properties"
connector_props "$dir/sink.properties" topics=st flush.size=10 storage.class=oss oss.bucket=stall \
        "oss.endpoint=http://$PROXY_ENDPOINT" "oss.region=$OSS_GW_REGION" "oss.access.key.id=$OSS_GW_ID" \
        "oss.access.key.secret=$OSS_GW_SECRET"
worker_start "$dir/worker.properties" "$dir/sink.properties"
wait_for -t 30 grep -q 'assigned st-0' "$WORKER_LOG"
sleep 2 # the first PUT is in the proxy's hands, stalled (it logs a request when it ends)
worker_stop # fails unless it exits 0 within 10 s
grep -q 'giving up on their pending requests' "$WORKER_LOG" || fail "no word about the pending requests"
assert_eq -1001 "$(mock_committed connect-oss-sink st 0 | cut -d' ' -f1)" "committed offset"
assert_eq 0 "$(find "$OSS_GW_DIR/stall" -type f 2>/dev/null | wc -l)" "objects"
