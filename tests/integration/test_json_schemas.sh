#!/usr/bin/env bash
# test_json_schemas.sh - JsonConverter in: schemas.enable=true envelopes ({"schema": Connect struct, "payload"})
# with every Connect type (int8..int64, float, double, boolean, string, bytes, array, map, nested struct,
# optional fields, Decimal, Date, Time, Timestamp) written as AvroFormat read back by avsc and python3-avro as
# AvroData would map them (writer schema too), and as JsonFormat read by DuckDB equal to the payloads; plain JSON
# with schemas.enable=false written as JsonFormat equal to the input.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

dir=$(kco_tmpdir)
mock_start --topic js:1 --topic jp:1
# gen.py writes: js.txt (40 envelopes, one per line), js-avro.jsonl (the records in canonical Avro JSON,
# tests/node/avro-common.mjs), js-json.jsonl (the payloads as JsonConverter writes them back: decimals as
# base64), jp.txt and jp.jsonl (40 plain JSON values and the same parsed).
python3 - "$dir" <<'PY'
import base64, json, struct, sys

d = sys.argv[1]
def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]
def opt(f):
    return dict(f, optional=True)
def req(field, type_, **kw):
    return dict(field=field, type=type_, optional=False, **kw)
DEC = {"name": "org.apache.kafka.connect.data.Decimal", "version": 1,
       "parameters": {"scale": "2", "connect.decimal.precision": "10"}}
inner = {"type": "struct", "name": "kco.test.Inner", "optional": False, "field": "inner", "fields": [
    req("a", "int32"), opt(req("b", "string"))]}
schema = {"type": "struct", "name": "kco.test.Env", "optional": False, "fields": [
    req("i8", "int8"), req("i16", "int16"), req("i32", "int32"), req("i64", "int64"),
    req("f32", "float"), req("f64", "double"), req("flag", "boolean"), req("s", "string"), req("raw", "bytes"),
    req("tags", "array", items={"type": "string", "optional": False}),
    req("counts", "map", keys={"type": "string", "optional": False}, values={"type": "int32", "optional": False}),
    inner,
    opt(req("opt_s", "string")), opt(req("opt_i64", "int64")),
    req("amount", "bytes", **DEC),
    req("day", "int32", name="org.apache.kafka.connect.data.Date", version=1),
    req("tod", "int32", name="org.apache.kafka.connect.data.Time", version=1),
    req("ts", "int64", name="org.apache.kafka.connect.data.Timestamp", version=1),
    opt(req("opt_ts", "int64", name="org.apache.kafka.connect.data.Timestamp", version=1)),
]}

def unscaled_bytes(n):
    return n.to_bytes(max(1, (n + (n < 0)).bit_length() // 8 + 1), "big", signed=True)
def dec_text(n):
    s = "%d.%02d" % (abs(n) // 100, abs(n) % 100)
    return "-" + s if n < 0 else s

I8, I16 = [0, 127, -128, 1, -1], [0, 32767, -32768, 300]
I32 = [0, 2147483647, -2147483648, 7]
I64 = [0, 9223372036854775807, -9223372036854775808, 9007199254740993, -5]
F32 = [0.0, 1.5, -2.25, f32(3.4028234663852886e38), f32(0.1), 16777216.0]
F64 = [0.0, 0.1, -1e-300, 1.7976931348623157e308, 123456.789]
STR = ["", "plain", "héllo wörld", "中文 😀", "quote \" backslash \\ tab\t", "nl\nx"]
RAW = [b"", bytes(range(256)), b"\x00\xff"]
AMOUNTS = [0, 1, -1, 12345, -12345, 999999999, -999999999, 100]
DAYS, TODS = [0, -1, 19000, 2932896], [0, 86399999, 3723004]
TSS = [0, -1, 1700000000123, 253402300799999]

def pick(v, i):
    return v[i % len(v)]
def safe(n):  # canonical long
    return n if abs(n) <= 2**53 - 1 else str(n)

js, jsa, jsj = [], [], []
for i in range(40):
    amount = pick(AMOUNTS, i)
    raw = pick(RAW, i)
    payload = {
        "i8": pick(I8, i), "i16": pick(I16, i), "i32": pick(I32, i), "i64": pick(I64, i),
        "f32": pick(F32, i), "f64": pick(F64, i), "flag": i % 3 == 0, "s": pick(STR, i),
        "raw": base64.b64encode(raw).decode(),
        "tags": ["t%d" % k for k in range(i % 4)],
        "counts": {("k%d" % k if k else ""): k * i for k in range(i % 3)},
        "inner": {"a": i, "b": None if i % 2 else "b%d" % i},
        "opt_s": None if i % 3 == 1 else pick(STR, i + 1),
        "opt_i64": None if i % 4 == 2 else pick(I64, i + 2),
        # JsonConverter reads a Decimal from base64 (its own default) or from a number (scale 2 here)
        "amount": float(dec_text(amount)) if i % 10 == 3 and abs(amount) < 10**6 else base64.b64encode(unscaled_bytes(amount)).decode(),
        "day": pick(DAYS, i), "tod": pick(TODS, i), "ts": pick(TSS, i),
        "opt_ts": None if i % 2 else pick(TSS, i + 1),
    }
    if isinstance(payload["amount"], float):
        # a JSON number with exactly two fraction digits
        payload_text = json.dumps({"schema": schema, "payload": payload}, ensure_ascii=False).replace(
            '"amount": %r' % payload["amount"], '"amount": %s' % dec_text(amount))
    else:
        payload_text = json.dumps({"schema": schema, "payload": payload}, ensure_ascii=False)
    js.append(payload_text)
    jsa.append({
        "i8": payload["i8"], "i16": payload["i16"], "i32": payload["i32"], "i64": safe(payload["i64"]),
        "f32": payload["f32"], "f64": payload["f64"], "flag": payload["flag"], "s": payload["s"],
        "raw": {"$bytes": payload["raw"]}, "tags": payload["tags"], "counts": payload["counts"],
        "inner": payload["inner"], "opt_s": payload["opt_s"],
        "opt_i64": None if payload["opt_i64"] is None else safe(payload["opt_i64"]),
        "amount": dec_text(amount), "day": payload["day"], "tod": payload["tod"], "ts": payload["ts"],
        "opt_ts": payload["opt_ts"],
    })
    jsj.append(dict(payload, amount=base64.b64encode(unscaled_bytes(amount)).decode()))

open(d + "/js.txt", "w").write("".join(l + "\n" for l in js))
open(d + "/js-avro.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in jsa))
open(d + "/js-json.jsonl", "w").write("".join(json.dumps(r) + "\n" for r in jsj))

plain = []
for i in range(40):
    if i % 10 == 9:
        plain.append([i, "x", None, True, {"deep": [1.5, {"e": "ü"}]}])
    elif i % 10 == 8:
        plain.append("just a string %d" % i)
    elif i % 10 == 7:
        plain.append(i * 1000003)
    else:
        plain.append({"n": i, "s": pick(STR, i), "f": pick(F64, i), "big": pick(I64, i), "none": None,
                      "flag": i % 2 == 0, "nested": {"list": list(range(i % 5)), "obj": {"k": "v%d" % i}}})
open(d + "/jp.txt", "w").write("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in plain))
open(d + "/jp.jsonl", "w").write("".join(json.dumps(v) + "\n" for v in plain))
PY
grep -c '"amount": [0-9-]' "$dir/js.txt" >/dev/null || fail "no numeric decimal in the input"
produce_file js 0 "$dir/js.txt"
produce_file jp 0 "$dir/jp.txt"
worker_props "$dir/worker.properties"

# sink NAME TOPIC GLOB [KEY=VALUE]...: one connector with JsonConverter values, flush.size=10, until the 4
# objects of its 40 records are there.
sink() {
        local name=$1 topic=$2 glob=$3 out=$dir/out-$1
        shift 3
        connector_props "$dir/$name.properties" "name=$name" "topics=$topic" flush.size=10 "store.url=file://$out" \
                value.converter=org.apache.kafka.connect.json.JsonConverter "$@"
        worker_start "$dir/worker.properties" "$dir/$name.properties"
        wait_for -t 45 at_least 4 count_files "$out" "$glob"
        worker_stop
        assert_eq 4 "$(count_files "$out" "$glob")" "$name: objects"
}

# objects DIR TOPIC EXT: the object paths in offset order (and each of the 4 exists).
objects() {
        local start f
        for start in 0 10 20 30; do
                f=$1/topics/$2/partition=0/$2+0+$(printf %010d "$start").$3
                [[ -f $f ]] || fail "no object $f"
                printf '%s\n' "$f"
        done
}

# json_values NAME TOPIC: the values in run NAME's 4 JSON objects as DuckDB reads them (json_read), in offset
# order, one per line in $dir/NAME.got.
json_values() {
        local out=$dir/out-$1
        local -a objs
        json_read "$out" >"$dir/$1.read"
        mapfile -t objs < <(objects "$out" "$2" json)
        python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
order = [f.split(sys.argv[2] + "/", 1)[1] for f in sys.argv[3:]]
for f in order:
    for r in rows:
        if r["file"] == f:
            print(json.dumps(r["value"]))' "$dir/$1.read" "$out" "${objs[@]}" >"$dir/$1.got"
}

note "schemas.enable=true, AvroFormat: both Avro readers see AvroData's mapping"
sink js-avro js '*.avro' value.converter.schemas.enable=true \
        format.class=com.aliyun.oss.connect.kafka.format.avro.AvroFormat
mapfile -t files < <(objects "$dir/out-js-avro" js avro)
avro_read "${files[@]}" >"$dir/js-avro.got"
json_compare "$dir/js-avro.jsonl" "$dir/js-avro.got" || fail "js-avro: records differ from the payloads"
avro_schema "${files[0]}" | python3 -c '
import json, sys
s = json.load(sys.stdin)
def full(n, ns):
    return n if "." in n else (ns + "." + n if ns else n)
assert s["type"] == "record" and full(s["name"], s.get("namespace")) == "kco.test.Env", "record name %s" % s.get("name")
want = {"i8": "int", "i16": "int", "i32": "int", "i64": "long", "f32": "float", "f64": "double", "flag": "boolean",
        "s": "string", "raw": "bytes", "tags": "array", "counts": "map", "inner": "record", "opt_s": "string?",
        "opt_i64": "long?", "amount": "bytes/decimal", "day": "int/date", "tod": "int/time-millis",
        "ts": "long/timestamp-millis", "opt_ts": "long/timestamp-millis?"}
def kind(t):
    if isinstance(t, list):
        rest = [b for b in t if b != "null"]
        assert "null" in t and len(rest) == 1, "union %r" % t
        return kind(rest[0]) + "?"
    if isinstance(t, str):
        return t
    k = t["type"] if isinstance(t["type"], str) else kind(t["type"])
    return k + "/" + t["logicalType"] if "logicalType" in t else k
got = {f["name"]: kind(f["type"]) for f in s["fields"]}
assert list(got) == list(want), "fields %s" % list(got)
bad = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
assert not bad, "field types (expected, got): %s" % bad
dec = next(f["type"] for f in s["fields"] if f["name"] == "amount")
assert (dec.get("precision"), dec.get("scale")) == (10, 2), "decimal precision/scale %r" % dec
' || fail "js-avro: the writer schema is not AvroData's mapping of the Connect schema"

note "schemas.enable=true, JsonFormat: DuckDB reads the payloads back"
sink js-json js '*.json' value.converter.schemas.enable=true format.class=json
json_values js-json js
json_compare --float32 f32 "$dir/js-json.jsonl" "$dir/js-json.got" || fail "js-json: objects differ from the payloads"

note "schemas.enable=false, JsonFormat: plain JSON back as it went in"
sink jp-json jp '*.json' value.converter.schemas.enable=false format.class=json
json_values jp-json jp
json_compare "$dir/jp.jsonl" "$dir/jp-json.got" || fail "jp-json: objects differ from the input"
mock_stop
note "ok"
