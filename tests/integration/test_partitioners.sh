#!/usr/bin/env bash
# test_partitioners.sh - the partitioners end to end, object keys checked against keys worked out independently
# (python3's zoneinfo for the time zones). (a) FieldPartitioner on schemaless JSON objects with a nested field.
# (b) TimeBasedPartitioner, RecordField on ISO-8601 strings and millisecond numbers in schemaless JSON (the Java
# connector cannot), America/New_York across the 2021 fall-back hour, 30-minute buckets, rotate.interval.ms
# following the field's time. (c) The Java connector's README configuration as it is (TimeBased, Record
# extractor, path.format=YYYY-MM-dd-HH, locale=US, timezone=Asia/Shanghai, 10 s buckets), keys from the Kafka
# timestamps kcat reads back. (d) A custom partitioner: the example plugin loaded by partitioner.class=<path>,
# and validate reporting what the plugin refuses. Every record lands in exactly one object, under the right key.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$(kco_tmpdir)
PY=/usr/bin/python3
mock_start --topic pf:1 --topic pt:1 --topic readme:1
worker_props "$dir/worker.properties" value.converter=org.apache.kafka.connect.json.JsonConverter \
        value.converter.schemas.enable=false

# keys_of ROOT: "key<TAB>record" for every record of every object below ROOT (JSON lines), sorted.
keys_of() {
        (cd "$1" && find . -type f -name '*.json' | sed 's|^\./||' | sort | while read -r f; do
                sed "s|^|$f\t|" "$f"
        done)
}

note "(a) FieldPartitioner on schemaless JSON: country and addr.zip"
"$PY" - >"$dir/pf.txt" <<'PY'
import json
for i in range(30):
    print(json.dumps({"i": i, "country": ["FR", "CN", "US"][i % 3], "addr": {"zip": str(75000 + i % 2)}}))
PY
produce_file pf 0 "$dir/pf.txt"
connector_props "$dir/pf.properties" name=pf topics=pf "store.url=file://$dir/out-pf" flush.size=10 \
        partitioner.class=io.confluent.connect.storage.partitioner.FieldPartitioner \
        partition.field.name=country,addr.zip
worker_start "$dir/worker.properties" "$dir/pf.properties"
wait_for -t 45 output_is 30 mock_committed_offset connect-pf pf 0
worker_stop
keys_of "$dir/out-pf" >"$dir/pf.got"
"$PY" - "$dir/pf.txt" "$dir/pf.got" <<'PY' || fail "FieldPartitioner keys"
import json, sys
# flush.size=10 commits every open file of the partition together; a file is named by its first record's offset
want, first = [], {}
for off, line in enumerate(open(sys.argv[1])):
    r = json.loads(line)
    d = "country=%s/addr.zip=%s" % (r["country"], r["addr"]["zip"])
    start = first.setdefault((off // 10, d), off)
    want.append(("topics/pf/%s/pf+0+%010d.json" % (d, start), r))
got = [(l.split("\t", 1)[0], json.loads(l.split("\t", 1)[1])) for l in open(sys.argv[2])]
key = lambda kr: (kr[0], kr[1]["i"])
assert sorted(got, key=key) == sorted(want, key=key), "got %s" % sorted({k for k, _ in got})
print("ok: %d records under %d keys" % (len(got), len({k for k, _ in got})))
PY
note "every record under country=<c>/addr.zip=<z>"

note "(b) TimeBasedPartitioner, RecordField (ISO-8601 strings and numbers), America/New_York, 30 min buckets"
"$PY" - "$dir/pt.txt" "$dir/pt.want" <<'PY' >"$dir/pt.last"
import datetime, json, sys
from zoneinfo import ZoneInfo
ny, utc = ZoneInfo("America/New_York"), datetime.timezone.utc
# 2021-11-07: New York falls back from 02:00 EDT to 01:00 EST (06:00Z); 01:00-02:00 local happens twice.
base = 1636257600000  # 2021-11-07T04:00:00Z = 00:00 EDT
recs = []
for i in range(40):
    ms = base + i * 7 * 60000  # every 7 minutes for 4.7 hours, as numbers and as ISO-8601 strings
    iso = datetime.datetime.fromtimestamp(ms / 1000, utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    recs.append(({"i": i, "meta": {"ts": ms if i % 2 else iso}}, ms))
with open(sys.argv[1], "w") as f:
    for r, _ in recs:
        f.write(json.dumps(r) + "\n")
def offset(ms):
    return int(datetime.datetime.fromtimestamp(ms / 1000, utc).astimezone(ny).utcoffset().total_seconds() * 1000)
def bucket_key(ms):
    # Confluent's getPartition: local = ms + offset(ms), floored to 30 min, back to UTC as Joda's
    # convertLocalToUTC (estimate the offset at the local value, take the offset at local - estimate; no gap on
    # this day), then formatted in the zone
    local = (ms + offset(ms)) // 1800000 * 1800000
    start = local - offset(local - offset(local))
    s = datetime.datetime.fromtimestamp(start / 1000, utc).astimezone(ny)
    return "dt=%s/hm=%s" % (s.strftime("%Y-%m-%d"), s.strftime("%H%M"))
# rotate.interval.ms = the bucket: a file per run of records in one bucket, named by its first offset
want, start, prev = [], None, None
for off, (r, ms) in enumerate(recs):
    k = bucket_key(ms)
    if k != prev:
        start, prev = off, k
    want.append(("topics/pt/%s/pt+0+%010d.json" % (k, start), r))
last = want[-1][0]  # the last bucket's file stays open (no later record rotates it)
with open(sys.argv[2], "w") as f:
    for k, r in want:
        if k != last:
            f.write(k + "\t" + json.dumps(r) + "\n")
print(start)
PY
produce_file pt 0 "$dir/pt.txt"
connector_props "$dir/pt.properties" name=pt topics=pt "store.url=file://$dir/out-pt" flush.size=1000 \
        partitioner.class=io.confluent.connect.storage.partitioner.TimeBasedPartitioner \
        timestamp.extractor=RecordField timestamp.field=meta.ts partition.duration.ms=1800000 \
        "path.format='dt'=YYYY-MM-dd/'hm'=HHmm" locale=en timezone=America/New_York rotate.interval.ms=1800000
worker_start "$dir/worker.properties" "$dir/pt.properties"
wait_for -t 45 output_is "$(cat "$dir/pt.last")" mock_committed_offset connect-pt pt 0
worker_stop
keys_of "$dir/out-pt" >"$dir/pt.got"
"$PY" - "$dir/pt.want" "$dir/pt.got" <<'PY' || fail "TimeBasedPartitioner keys"
import json, sys
def load(path):
    return sorted((l.split("\t", 1)[0], json.loads(l.split("\t", 1)[1])["i"]) for l in open(path))
want, got = load(sys.argv[1]), load(sys.argv[2])
assert got == want, "got keys %s\nwant %s" % (sorted({k for k, _ in got}), sorted({k for k, _ in want}))
keys = {k for k, _ in got}
# the repeated local hour: the 01:00 bucket occurs twice, in EDT then in EST, each a file of its own
assert sum(1 for k in keys if "/hm=0100/" in k) == 2, sorted(keys)
print("ok: %d records, %d keys" % (len(got), len(keys)))
PY
note "keys follow New York time through the repeated hour; files rotate with the field's time"

note "(c) the Java connector's README configuration: TimeBased, Record, YYYY-MM-dd-HH, locale=US, Asia/Shanghai"
seq 1 25 | sed 's/.*/{"n":&}/' >"$dir/readme.txt"
produce_file readme 0 "$dir/readme.txt"
connector_props "$dir/readme.properties" name=readme topics=readme "store.url=file://$dir/out-readme" \
        flush.size=25 partitioner.class=io.confluent.connect.storage.partitioner.TimeBasedPartitioner \
        timestamp.extractor=Record partition.duration.ms=10000 path.format=YYYY-MM-dd-HH locale=US \
        timezone=Asia/Shanghai
worker_start "$dir/worker.properties" "$dir/readme.properties"
wait_for -t 45 output_is 25 mock_committed_offset connect-readme readme 0
worker_stop
consume_partition readme 0 '%o %T\n' >"$dir/readme.ts"
keys_of "$dir/out-readme" >"$dir/readme.got"
"$PY" - "$dir/readme.ts" "$dir/readme.got" <<'PY' || fail "README configuration keys"
import datetime, json, sys
from zoneinfo import ZoneInfo
sh = ZoneInfo("Asia/Shanghai")
ts = {int(o): int(t) for o, t in (l.split() for l in open(sys.argv[1]))}
got = [(l.split("\t", 1)[0], json.loads(l.split("\t", 1)[1])) for l in open(sys.argv[2])]
assert len(got) == 25, len(got)
for key, r in got:
    off = r["n"] - 1
    hour = datetime.datetime.fromtimestamp(ts[off] / 1000, sh).strftime("%Y-%m-%d-%H")
    assert key.startswith("topics/readme/%s/readme+0+" % hour), (key, off, ts[off])
print("ok: 25 records under %s" % sorted({k.rsplit("/", 1)[0] for k, _ in got}))
PY
note "the README's connector names its objects by the Shanghai hour of each record's timestamp"

note "(d) a custom partitioner: the example plugin (region=<r> from a country field), loaded by its path"
plugin=$(realpath "$BUILD/libkco-region.so") || fail "no $BUILD/libkco-region.so (make builds it)"
connector_props "$dir/pp.properties" name=pp topics=pf "store.url=file://$dir/out-pp" flush.size=30 \
        "partitioner.class=$plugin" region.field=country "region.map=FR:eu,CN:ap"
worker_start "$dir/worker.properties" "$dir/pp.properties"
wait_for -t 45 output_is 30 mock_committed_offset connect-pp pf 0
worker_stop
keys_of "$dir/out-pp" >"$dir/pp.got"
"$PY" - "$dir/pf.txt" "$dir/pp.got" <<'PY' || fail "plugin keys"
import json, sys
region = {"FR": "eu", "CN": "ap"}
want, first = [], {}
for off, line in enumerate(open(sys.argv[1])):
    r = json.loads(line)
    d = "region=" + region.get(r["country"], "other")
    want.append(("topics/pf/%s/pf+0+%010d.json" % (d, first.setdefault(d, off)), r["i"]))
got = [(l.split("\t", 1)[0], json.loads(l.split("\t", 1)[1])["i"]) for l in open(sys.argv[2])]
assert sorted(got) == sorted(want), sorted({k for k, _ in got})
print("ok: %d records under %s" % (len(got), sorted({k for k, _ in got})))
PY
"$BUILD/kafka-connect-oss" validate "$dir/worker.properties" "$dir/pp.properties" >/dev/null ||
        fail "validate refuses the plugin configuration"
sed -i 's/^region.map=.*/region.map=FR/' "$dir/pp.properties"
rc=0
"$BUILD/kafka-connect-oss" validate "$dir/worker.properties" "$dir/pp.properties" >"$dir/pp.validate" 2>&1 || rc=$?
assert_eq 2 "$rc" "validate exit status with a bad region.map"
grep -q "partitioner.class = \"$plugin\"" "$dir/pp.validate" || fail "validate does not name the plugin: $(cat "$dir/pp.validate")"
note "the plugin names the directories; validate reports what it refuses in the configuration"
