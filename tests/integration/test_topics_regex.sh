#!/usr/bin/env bash
# test_topics_regex.sh - topics.regex matches whole topic names (as Kafka Connect does): logs-a and logs-b are
# written, logs-a-old (a longer name) and other are not.
. "$(dirname "$0")/lib.sh"

mock_start --topic logs-a:1 --topic logs-b:2 --topic logs-a-old:1 --topic other:1
dir=$(kco_tmpdir)
out=$dir/out
for t in logs-a logs-b logs-a-old other; do
        for i in $(seq 0 19); do printf '{"t":"%s","n":%d}\n' "$t" "$i"; done | produce "$t" 0
done
worker_props "$dir/worker.properties"
connector_props "$dir/sink.properties" 'topics.regex=logs-[a-z]' flush.size=10 "store.url=file://$out"
worker_start "$dir/worker.properties" "$dir/sink.properties"
wait_for at_least 4 count_files "$out" '*.json'
sleep 1
worker_stop
assert_eq "logs-a logs-b" "$(ls "$out/topics" | tr '\n' ' ' | sed 's/ $//')" "topics written"
assert_eq 2 "$(count_files "$out/topics/logs-b" '*.json')" "logs-b objects"
