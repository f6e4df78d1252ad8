#!/usr/bin/env bash
# test_broker_faults_exactly_once.sh - Kafka misbehaves through the mock cluster's own controls (3 brokers) while
# 240,000 records arrive over ~30 s: replies slowed by 400 ms, partition leaders and the group coordinator moved,
# Fetch, OffsetCommit, OffsetFetch and JoinGroup requests failing, a broker down for 3 s. The worker commits on
# flush.size and on the wall clock (two phases: a failed offset commit there must discard the prepared files, or
# find out that the commit landed after all). At the end every offset is in exactly one object and the log shows
# the faults were felt (tests/integration/check/exactly_once.py judges).
. "$(dirname "$0")/lib.sh"
parts=4
per=${KCO_FAULTS_PER:-60000}
seconds=${KCO_FAULTS_SECONDS:-30}
mock_start --brokers 3 --topic bf:$parts
dir=$(kco_tmpdir)
out=$dir/out
produce_over_time bf "$parts" "$per" "$seconds"
worker_props "$dir/worker.properties" consumer.session.timeout.ms=6000 consumer.heartbeat.interval.ms=500 \
        value.converter=org.apache.kafka.connect.json.JsonConverter value.converter.schemas.enable=false
connector_props "$dir/sink.properties" name=bf topics=bf "store.url=file://$out" \
        flush.size=5000 rotate.schedule.interval.ms=600 timezone=UTC
worker_start "$dir/worker.properties" "$dir/sink.properties"
wait_for -t 60 grep -q 'assigned bf-' "$WORKER_LOG"
fault() { # DESCRIPTION COMMAND...
        note "$1 ($(committed_total connect-bf bf $parts) offsets committed)"
        shift
        mock_cmd "$@" >/dev/null
}
sleep 2
fault "slow replies from broker 1" rtt 1 400
sleep 2
fault "broker 1 fast again" rtt 1 0
fault "leaders move" leader bf 0 2
mock_cmd leader bf 1 3 >/dev/null
mock_cmd leader bf 2 1 >/dev/null
sleep 2
fault "Fetch fails 5 times" error Fetch NOT_LEADER_FOR_PARTITION 5
sleep 1
fault "OffsetCommit fails 6 times" error OffsetCommit REQUEST_TIMED_OUT 6
sleep 3
fault "OffsetFetch fails 3 times" error OffsetFetch COORDINATOR_LOAD_IN_PROGRESS 3
fault "coordinator moves" coordinator group connect-bf 3
sleep 3
fault "JoinGroup fails 3 times" error JoinGroup COORDINATOR_NOT_AVAILABLE 3
fault "broker 2 down" down 2
sleep 3
fault "broker 2 up" up 2
wait_for -t 180 output_is $((parts * per)) committed_total connect-bf bf $parts
worker_stop
grep -q "Files committed (rotate.schedule.interval.ms)" "$WORKER_LOG" || fail "no wall-clock commit happened"
grep -qi "offset commit.*failed\|REQUEST_TIMED_OUT\|timed out" "$WORKER_LOG" || fail "the failing offset commits left no trace"
exactly_once "$out" bf "$parts" "$per"
