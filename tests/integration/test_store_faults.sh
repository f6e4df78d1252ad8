#!/usr/bin/env bash
# test_store_faults.sh - a fault-injecting proxy between the sink and the OSS gateway answers 503 SlowDown and
# 500, resets connections mid-body and stalls past the request timeout, on parts, on initiate and on completion;
# one part fails more often than the retry budget, so its partition rewinds and writes the file again. Every
# object still arrives intact (equal to a local-store connector's), each failure shows up as a retry in the log,
# and the committed offsets never run ahead of the objects.
. "$(dirname "$0")/lib.sh"

mock_start --topic f:2
oss_gateway_start --bucket fbk
fault_proxy_start "$OSS_GW_ENDPOINT"
dir=$(kco_tmpdir)
python3 - "$dir" <<'PY'
import json, sys
for p in (0, 1):
    with open("%s/p%d.txt" % (sys.argv[1], p), "w") as f:
        for i in range(600):
            f.write(json.dumps({"p": p, "n": i, "pad": ("%04d" % i) * 500}) + "\n")
PY
kcat -P -b "$BOOTSTRAP" -t f -p 0 -z lz4 -l "$dir/p0.txt" || fail "produce"
kcat -P -b "$BOOTSTRAP" -t f -p 1 -z lz4 -l "$dir/p1.txt" || fail "produce"

# faults, used in this order by the requests they match (objects of ~600 KB: parts of 256 KiB, 256 KiB, rest)
proxy_cmd match partNumber=3
proxy_cmd fail 2 503 SlowDown
proxy_cmd reset 1
proxy_cmd stall 1 4000
proxy_cmd match partNumber=2
proxy_cmd fail 3 503 SlowDown   # more than store.retry.attempts=3: the file is written again
proxy_cmd match '?uploads'
proxy_cmd fail 1 500 InternalError
proxy_cmd match 'POST'
proxy_cmd reset 1
proxy_cmd match
proxy_cmd fail 1 503 SlowDown

worker_props "$dir/worker.properties" consumer.fetch.message.max.bytes=10000000
connector_props "$dir/local.properties" name=faults-local topics=f flush.size=300 "store.url=file://$dir/local"
connector_props "$dir/oss.properties" name=faults-oss topics=f flush.size=300 \
        storage.class=oss oss.bucket=fbk "oss.endpoint=http://$PROXY_ENDPOINT" "oss.region=$OSS_GW_REGION" \
        "oss.access.key.id=$OSS_GW_ID" "oss.access.key.secret=$OSS_GW_SECRET" oss.part.size=102400 \
        store.retry.attempts=3 store.retry.backoff.ms=50 store.request.timeout.ms=2000
worker_start "$dir/worker.properties" "$dir/local.properties" "$dir/oss.properties"
# While it runs: the committed offset of a partition never exceeds the records in its visible objects
# (offsets are read first, objects listed after; objects only ever appear).
ahead=0
progress() {
        local p off objs
        for p in 0 1; do
                off=$(mock_committed connect-faults-oss f "$p")
                off=${off%% *}
                objs=$(find "$OSS_GW_DIR/fbk/topics/f/partition=$p" -name '*.json' 2>/dev/null | wc -l)
                ((off <= objs * 300)) || { ahead=1; note "f-$p committed $off with $objs objects visible"; }
        done
        [[ $(mock_committed connect-faults-oss f 0) == 600* && $(mock_committed connect-faults-oss f 1) == 600* ]]
}
wait_for -t 120 progress
assert_eq 0 "$ahead" "offsets committed ahead of the objects"
worker_stop

stats=$(proxy_cmd stats)
note "proxy: $stats"
[[ $stats == *"pending=0"* ]] || fail "not every fault was used: $stats"
diff -r "$dir/local/topics" "$OSS_GW_DIR/fbk/topics" || fail "objects behind the faulty proxy differ"
assert_eq 4 "$(find "$OSS_GW_DIR/fbk" -type f | wc -l)" "objects in the bucket"
for what in 'SlowDown; attempt' 'HTTP 500 InternalError; attempt' 'retrying from offset'; do
        grep -q "$what" "$WORKER_LOG" || fail "no '$what' in the log"
done
grep -qiE 'timed out|timeout' "$WORKER_LOG" || fail "the stalled request did not time out"
for kind in fail:7 reset:2 stall:1; do
        assert_eq "${kind#*:}" "$(grep -c "\"fault\":\"${kind%%:*}\"" "$PROXY_LOG")" "${kind%%:*} faults injected"
done

