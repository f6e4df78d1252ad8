#!/usr/bin/env bash
# test_crash_exactly_once.sh - kill -9 the worker at 20 random moments while 1,000,000 records arrive (over
# ~100 s), restart it each time, then let it finish. The files rotate on a count (flush.size), on the wall clock
# (rotate.schedule.interval.ms: the two-phase commit, since a replay would draw other boundaries) and on bytes
# (rotate.size.bytes); FieldPartitioner spreads each partition over 60 directories, so a commit names more files
# than offset metadata holds and goes through a manifest object. At the end every one of the 1,000,000 offsets is
# in exactly one object (0 lost, 0 duplicated), in the directory of its field, and nothing is left behind (temp
# files, manifests beyond one per partition): tests/integration/check/exactly_once.py reads them back.
# KCO_CRASH_KILLS / KCO_CRASH_RECORDS / KCO_CRASH_SECONDS change the size (defaults 20, 1000000, 100).
. "$(dirname "$0")/lib.sh"
kills=${KCO_CRASH_KILLS:-20}
records=${KCO_CRASH_RECORDS:-1000000}
seconds=${KCO_CRASH_SECONDS:-100}
parts=8
per=$((records / parts))
mock_start --topic c:$parts
dir=$(kco_tmpdir)
out=$dir/out
produce_over_time c "$parts" "$per" "$seconds"
worker_props "$dir/worker.properties" consumer.session.timeout.ms=3000 consumer.heartbeat.interval.ms=500 \
        value.converter=org.apache.kafka.connect.json.JsonConverter value.converter.schemas.enable=false
connector_props "$dir/sink.properties" name=crash topics=c "store.url=file://$out" \
        partitioner.class=io.confluent.connect.storage.partitioner.FieldPartitioner partition.field.name=k \
        flush.size=2000 rotate.schedule.interval.ms=700 timezone=UTC rotate.size.bytes=8000
for ((i = 1; i <= kills; i++)); do
        worker_start "$dir/worker.properties" "$dir/sink.properties"
        wait_for -t 60 grep -q 'assigned c-' "$WORKER_LOG"
        # a moment between 0.1 and 2.5 s into consuming (recovery, prepared files, commits, completions)
        sleep "$(python3 -c "import random; print(round(random.uniform(0.1, 2.5), 2))")"
        kill -KILL "$WORKER_PID"
        wait "$WORKER_PID" 2>/dev/null || true
        WORKER_PID=
        note "kill $i: $(committed_total connect-crash c $parts) of $records offsets committed"
done
worker_start "$dir/worker.properties" "$dir/sink.properties"
wait_for -t $((seconds + 120)) output_is "$records" committed_total connect-crash c $parts
# the last owner sweeps what the last killed one left, from its task thread once assigned
wait_for -t 60 grep -q 'assigned c-' "$WORKER_LOG"
sleep 1
worker_stop
for why in flush.size rotate.schedule.interval.ms rotate.size.bytes; do
        grep -q "Files committed ($why)" "$KCO_TEST_DIR"/worker.*.log || fail "no commit on $why happened"
done
exactly_once "$out" c "$parts" "$per" --dir-field k
note "recoveries that finished a two-phase commit: $(cat "$KCO_TEST_DIR"/worker.*.log | grep -c 'finished the')"
