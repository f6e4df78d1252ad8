#!/usr/bin/env bash
# test_avro_roundtrip.sh - Confluent-Avro in, AvroFormat out: the corpus (tests/integration/data/avro, every Avro
# type) produced by avsc through the registry double to 2 partitions (p0 in corpus order, p1 reversed), written
# with value.converter=AvroConverter and flush.size=20, reads back (avsc and python3-avro must agree) equal to the
# input field by field, per partition in offset order, with avro.codec null, deflate and snappy; the same input
# with format.class=json reads back through DuckDB as JsonConverter renders it (bytes and decimals as base64,
# dates as days, times and timestamps as ms).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

data=$KCO_ROOT/tests/integration/data/avro
dir=$(kco_tmpdir)
mock_start --topic a:2
# shellcheck disable=SC2119 # registry_start takes options, none needed here
registry_start
produce_avro a "$data/everything.avsc" "$data/records.jsonl" 0
tac "$data/records.jsonl" >"$dir/expect-1.jsonl"
cp "$data/records.jsonl" "$dir/expect-0.jsonl"
produce_avro a "$data/everything.avsc" "$dir/expect-1.jsonl" 1
worker_props "$dir/worker.properties"

# sink NAME GLOB [KEY=VALUE]...: runs one connector over topic a until its 6 objects (3 per partition, names
# matching GLOB) are there.
sink() {
        local name=$1 glob=$2 out=$dir/out-$1
        shift 2
        connector_props "$dir/$name.properties" "name=$name" topics=a flush.size=20 "store.url=file://$out" \
                value.converter=io.confluent.connect.avro.AvroConverter \
                "value.converter.schema.registry.url=$REGISTRY" "$@"
        worker_start "$dir/worker.properties" "$dir/$name.properties"
        wait_for -t 45 at_least 6 count_files "$out" "$glob"
        worker_stop
}

# check_avro NAME CODEC: the objects of run NAME hold the corpus, in offset order, written with CODEC.
check_avro() {
        local name=$1 codec=$2 out=$dir/out-$1 p f start
        assert_eq 6 "$(count_files "$out" '*.avro')" "$name: objects"
        for p in 0 1; do
                : >"$dir/$name-$p.jsonl"
                for start in 0 20 40; do
                        f=$out/topics/a/partition=$p/a+$p+$(printf %010d "$start").avro
                        [[ -f $f ]] || fail "$name: no object $f (have: $(cd "$out" && find . -type f | sort | tr '\n' ' '))"
                        assert_eq "$codec" "$(node "$KCO_ROOT/tests/node/avro-read.mjs" --codec "$f")" "$name: codec of ${f##*/}"
                        avro_read "$f" >"$dir/$name-obj.jsonl"
                        assert_eq 20 "$(wc -l <"$dir/$name-obj.jsonl")" "$name: records in ${f##*/}"
                        cat "$dir/$name-obj.jsonl" >>"$dir/$name-$p.jsonl"
                done
                json_compare "$dir/expect-$p.jsonl" "$dir/$name-$p.jsonl" ||
                        fail "$name: partition $p does not read back as produced"
        done
        note "$name: 120 records read back by avsc and python3-avro as produced (codec $codec)"
}

note "AvroFormat, avro.codec=null (the default)"
sink avro-null '*.avro' format.class=com.aliyun.oss.connect.kafka.format.avro.AvroFormat
check_avro avro-null null
note "avro.codec=deflate"
sink avro-deflate '*.avro' format.class=com.aliyun.oss.connect.kafka.format.avro.AvroFormat avro.codec=deflate
check_avro avro-deflate deflate
note "avro.codec=snappy"
sink avro-snappy '*.avro' format.class=com.aliyun.oss.connect.kafka.format.avro.AvroFormat avro.codec=snappy
check_avro avro-snappy snappy

note "format.class=json: DuckDB reads what JsonConverter would write"
sink json '*.json' format.class=json
assert_eq 6 "$(count_files "$dir/out-json" '*.json')" "json: objects"
json_read "$dir/out-json" >"$dir/json-read.jsonl"
python3 - "$data/everything.avsc" "$dir/json-read.jsonl" "$dir/expect-0.jsonl" "$dir/expect-1.jsonl" <<'PY' ||
        fail "json: the objects do not hold the corpus as JsonConverter renders it"
# The corpus (canonical Avro JSON) as JsonConverter (schemas.enable=false, decimal.format=BASE64) renders it,
# checked against DuckDB's reading of the objects, per partition in offset order. Floats compare as float32.
import base64, json, os, re, sys
sys.path.insert(0, os.path.join(os.environ["KCO_ROOT"], "tests/integration/check"))
from json_compare import diff, f32

schema = json.load(open(sys.argv[1]))
PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}

def resolve(s):
    """A schema as a dict (or a union's list). The corpus defines every named type inline, once."""
    if isinstance(s, str):
        if s not in PRIMITIVES:
            raise SystemExit("named type references are not supported here: " + s)
        return {"type": s}
    return s

def unscaled_b64(text, scale):
    m = re.fullmatch(r"(-?)(\d+)(?:\.(\d+))?", text)
    frac = (m.group(3) or "").ljust(scale, "0")
    n = int(m.group(2) + frac) * (-1 if m.group(1) else 1)
    length = max(1, (n + (n < 0)).bit_length() // 8 + 1)  # BigInteger.toByteArray: shortest two's complement
    return base64.b64encode(n.to_bytes(length, "big", signed=True)).decode()

def check(s, want, got, path):
    s = resolve(s)
    if isinstance(s, list):
        if want is None:
            return None if got is None else path + ": expected null"
        branch = next(b for b in s if resolve(b).get("type") != "null")
        return check(branch, want, got, path)
    t, lt = s.get("type"), s.get("logicalType")
    if t == "record":
        if not isinstance(got, dict) or set(got) != {f["name"] for f in s["fields"]}:
            return path + ": expected an object with fields %s, got %s" % ([f["name"] for f in s["fields"]], json.dumps(got)[:200])
        for f in s["fields"]:
            d = check(f["type"], want[f["name"]], got[f["name"]], path + "." + f["name"])
            if d:
                return d
        return None
    if t == "array":
        if not isinstance(got, list) or len(got) != len(want):
            return path + ": expected an array of %d" % len(want)
        for i, (w, g) in enumerate(zip(want, got)):
            d = check(s["items"], w, g, "%s[%d]" % (path, i))
            if d:
                return d
        return None
    if t == "map":
        if not isinstance(got, dict) or set(got) != set(want):
            return path + ": expected an object with keys %s" % sorted(want)
        for k in want:
            d = check(s["values"], want[k], got[k], path + "." + k)
            if d:
                return d
        return None
    if lt == "decimal":
        exp = unscaled_b64(want, s.get("scale", 0))
    elif t in ("bytes", "fixed"):
        exp = want["$bytes"]
    elif t == "long" or t == "int":
        exp = int(want)
    elif t == "float":
        ok = isinstance(got, (int, float)) and not isinstance(got, bool) and f32(got) == f32(want)
        return None if ok else "%s: expected float %r, got %r" % (path, want, got)
    else:
        exp = want
    return None if diff(exp, got) is None else "%s: expected %r, got %r" % (path, exp, got)

by_file = {}
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    by_file.setdefault(r["file"], []).append(r["value"])
for p in (0, 1):
    want = [json.loads(l) for l in open(sys.argv[3 + p], encoding="utf-8")]
    got = []
    for start in (0, 20, 40):
        name = "topics/a/partition=%d/a+%d+%010d.json" % (p, p, start)
        if name not in by_file:
            sys.exit("no object %s (have %s)" % (name, sorted(by_file)))
        if len(by_file[name]) != 20:
            sys.exit("%s: %d records" % (name, len(by_file[name])))
        got += by_file[name]
    for i, (w, g) in enumerate(zip(want, got)):
        d = check(schema, w, g, "partition %d offset %d" % (p, i))
        if d:
            sys.exit(d)
print("ok: JSON objects hold the corpus as JsonConverter renders it")
PY
mock_stop
note "ok"
