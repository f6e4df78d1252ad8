#!/usr/bin/env bash
# test_rebalance_exactly_once.sh - two worker processes run the same connector (the consumer group shares the
# partitions) while 400,000 records arrive over ~40 s; members are added, killed with SIGKILL and restarted
# mid-stream, so partitions move between processes with files open, prepared or half committed. TimeBasedPartitioner
# on the record's timestamp (hourly paths, deterministic) with flush.size and rotate.schedule.interval.ms (two
# phases). At the end every offset is in exactly one object (tests/integration/check/exactly_once.py).
. "$(dirname "$0")/lib.sh"
parts=6
per=${KCO_REBALANCE_PER:-66666}
seconds=${KCO_REBALANCE_SECONDS:-40}
mock_start --topic rb:$parts
dir=$(kco_tmpdir)
out=$dir/out
produce_over_time rb "$parts" "$per" "$seconds"
worker_props "$dir/worker.properties" consumer.session.timeout.ms=3000 consumer.heartbeat.interval.ms=500 \
        value.converter=org.apache.kafka.connect.json.JsonConverter value.converter.schemas.enable=false
connector_props "$dir/sink.properties" name=rb topics=rb "store.url=file://$out" \
        partitioner.class=io.confluent.connect.storage.partitioner.TimeBasedPartitioner \
        "path.format='hour'=YYYY-MM-dd-HH" partition.duration.ms=3600000 locale=en timezone=UTC \
        timestamp.extractor=Record flush.size=3000 rotate.schedule.interval.ms=900
bin=$BUILD/kafka-connect-oss
declare -A pid
member_start() { # NAME
        "$bin" standalone "$dir/worker.properties" "$dir/sink.properties" >>"$KCO_TEST_DIR/member-$1.log" 2>&1 &
        pid[$1]=$!
        kco_on_exit "kill -KILL ${pid[$1]} 2>/dev/null"
}
member_kill() { # NAME
        kill -KILL "${pid[$1]}" 2>/dev/null || true
        wait "${pid[$1]}" 2>/dev/null || true
}
member_start a
wait_for -t 60 grep -q 'assigned rb-' "$KCO_TEST_DIR/member-a.log"
sleep 1.5
member_start b # a member joins: partitions move from a to b
end=$((SECONDS + seconds - 4))
round=0
while ((SECONDS < end)); do
        round=$((round + 1))
        sleep "$(python3 -c "import random; print(round(random.uniform(1.5, 5), 2))")"
        victim=$([[ $((RANDOM % 2)) == 0 ]] && echo a || echo b)
        member_kill "$victim"
        note "round $round: killed $victim; $(committed_total connect-rb rb $parts) offsets committed"
        sleep "$(python3 -c "import random; print(round(random.uniform(0.2, 2), 2))")"
        member_start "$victim"
done
wait_for -t 180 output_is $((parts * per)) committed_total connect-rb rb $parts
for m in a b; do
        kill -TERM "${pid[$m]}" 2>/dev/null || true
        wait "${pid[$m]}" 2>/dev/null || true
done
grep -q "Files committed (rotate.schedule.interval.ms)" "$KCO_TEST_DIR"/member-*.log ||
        fail "no wall-clock commit happened"
grep -q "assigned" "$KCO_TEST_DIR/member-b.log" || fail "the second member never got a partition"
exactly_once "$out" rb "$parts" "$per"
note "$round rounds of kill and restart; two-phase commits finished by a next owner: $(cat "$KCO_TEST_DIR"/member-*.log | grep -c 'finished the')"
