#!/usr/bin/env bash
# test_crash_exactly_once.sh - kill -9 the worker at 20 random moments while it sinks 1,000,000 records, restart
# it each time, then let it finish. The files rotate on a count (flush.size), on the wall clock
# (rotate.schedule.interval.ms, the two-phase commit: a replay would draw other boundaries) and on bytes
# (rotate.size.bytes); FieldPartitioner spreads each partition over 60 directories, so a commit names more files
# than offset metadata holds and goes through a manifest object. At the end python reads every object back:
# each of the 1,000,000 offsets is in exactly one object (0 lost, 0 duplicated), in the directory of its field,
# and nothing is left behind (temp files, manifests beyond one per partition).
# KCO_CRASH_KILLS / KCO_CRASH_RECORDS change the size (defaults 20 and 1000000).
. "$(dirname "$0")/lib.sh"
kills=${KCO_CRASH_KILLS:-20}
records=${KCO_CRASH_RECORDS:-1000000}
parts=8
per=$((records / parts))
mock_start --topic c:$parts
dir=$(kco_tmpdir)
out=$dir/out
# the records arrive over ~KCO_CRASH_SECONDS (default 100) while the worker is killed and restarted: one producer
# per partition, in steps of 0.2 s
seconds=${KCO_CRASH_SECONDS:-100}
for ((p = 0; p < parts; p++)); do
        python3 -u - "$p" "$per" "$seconds" <<'PY' | kcat -P -b "$BOOTSTRAP" -t c -p "$p" -q -X linger.ms=50 &
import sys, time
p, per, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
steps = int(secs / 0.2)
start = time.time()
for s in range(steps):
    lo, hi = per * s // steps, per * (s + 1) // steps
    # every 3000th record is ~9 KB: its file passes rotate.size.bytes at once
    sys.stdout.write("".join('{"p":%d,"n":%d,"k":%d%s}\n' % (p, n, (n * 7 + p) % 60,
                                                             ',"pad":"%s"' % ("x" * 9000) if n % 3000 == 1000 else "")
                             for n in range(lo, hi)))
    sys.stdout.flush()
    time.sleep(max(0, start + (s + 1) * 0.2 - time.time()))
PY
        kco_on_exit "kill $! 2>/dev/null"
done
worker_props "$dir/worker.properties" consumer.session.timeout.ms=3000 consumer.heartbeat.interval.ms=500 \
        value.converter=org.apache.kafka.connect.json.JsonConverter value.converter.schemas.enable=false
connector_props "$dir/sink.properties" name=crash topics=c "store.url=file://$out" \
        partitioner.class=io.confluent.connect.storage.partitioner.FieldPartitioner partition.field.name=k \
        flush.size=2000 rotate.schedule.interval.ms=700 timezone=UTC rotate.size.bytes=8000
committed_total() {
        local p sum=0 c
        for ((p = 0; p < parts; p++)); do
                c=$(mock_committed_offset connect-crash c "$p")
                ((c > 0)) && sum=$((sum + c))
        done
        echo "$sum"
}
for ((i = 1; i <= kills; i++)); do
        worker_start "$dir/worker.properties" "$dir/sink.properties"
        wait_for -t 60 grep -q 'assigned c-' "$WORKER_LOG"
        # a moment between 0.1 and 2.5 s into consuming (recovery, prepared files, commits, completions)
        sleep "$(python3 -c "import random; print(round(random.uniform(0.1, 2.5), 2))")"
        kill -KILL "$WORKER_PID"
        wait "$WORKER_PID" 2>/dev/null || true
        WORKER_PID=
        note "kill $i: $(committed_total) of $records offsets committed"
done
worker_start "$dir/worker.properties" "$dir/sink.properties"
wait_for -t $((seconds + 120)) output_is "$records" committed_total
worker_stop
for why in flush.size rotate.schedule.interval.ms rotate.size.bytes; do
        grep -q "Files committed ($why)" "$KCO_TEST_DIR"/worker.*.log || fail "no commit on $why happened"
done
python3 - "$out" "$parts" "$per" <<'PY' || fail "exactly-once check failed"
import json, os, re, sys
out, parts, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seen = {}
objects = tmp = 0
manifests = []
for root, dirs, files in os.walk(out):
    for f in files:
        path = os.path.join(root, f)
        if f.endswith(".kco-tmp"):
            tmp += 1
            continue
        if os.sep + ".kco-pending" in path:
            manifests.append(path)
            continue
        m = re.fullmatch(r"c\+(\d+)\+(\d{10})\.json", f)
        assert m, "unexpected file " + path
        objects += 1
        kdir = os.path.basename(root)
        first = None
        for line in open(path, encoding="utf-8"):
            r = json.loads(line)
            assert "k=%d" % r["k"] == kdir, "record %r in %s" % (r, path)
            assert r["p"] == int(m.group(1)), "record %r in %s" % (r, path)
            first = r["n"] if first is None else first
            key = (r["p"], r["n"])
            seen.setdefault(key, []).append(path)
        assert first == int(m.group(2)), "%s starts with offset %s" % (path, first)
dups = {k: v for k, v in seen.items() if len(v) > 1}
lost = [(p, n) for p in range(parts) for n in range(per) if (p, n) not in seen]
print("objects %d, records %d, duplicated %d, lost %d, temp files %d, manifests %d"
      % (objects, len(seen), len(dups), len(lost), tmp, len(manifests)))
for k, v in list(dups.items())[:5]:
    print("duplicated", k, v)
for k in lost[:5]:
    print("lost", k)
assert not dups and not lost, "not exactly once"
assert tmp == 0, "temp files left behind"
assert len(manifests) <= parts, "manifests left behind: %r" % manifests[:5]
PY
kills_seen=$(grep -c "finished the" "$KCO_TEST_DIR"/worker.*.log | awk -F: '{ n += $2 } END { print n + 0 }')
note "recoveries that finished a two-phase commit: $kills_seen"
