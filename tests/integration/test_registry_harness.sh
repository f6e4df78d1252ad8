#!/usr/bin/env bash
# test_registry_harness.sh - the Avro test harness itself, no worker involved: avro-produce.mjs (avsc) encodes the
# corpus in Confluent's wire format and kco-produce sends it; python3-avro decodes every message kcat reads back
# to the corpus (magic byte, schema id, datum); the registry double answers ids, versions and lookups, and its
# controls (status 503, down/up, basic auth) work; --corrupt makes exactly the bad messages it says; avro-read.mjs
# reads python3-avro's container files back to the corpus; kco-produce carries null/empty keys, values and headers.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

AVPY=$(_kco_avro_python) || fail "no python3 with the avro module (apt-get install python3-avro)"
data=$KCO_ROOT/tests/integration/data/avro
dir=$(kco_tmpdir)
mock_start --topic av:2 --topic av2:1 --topic keyed:3 --topic bad:1 --topic raw:1
registry_start

# check.py: python3-avro's view of what avsc wrote. Canonical JSON (tests/node/avro-common.mjs) <-> python values.
cat >"$dir/check.py" <<'PY'
import base64, datetime, decimal, io, json, os, struct, sys
import avro.datafile, avro.io, avro.schema
sys.path.insert(0, os.path.join(os.environ["KCO_ROOT"], "tests/integration/check"))
from json_compare import diff

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
DAY0 = datetime.date(1970, 1, 1)
SAFE = 2**53 - 1

def logical(s):
    return s.get_prop("logicalType") if hasattr(s, "get_prop") else None

def to_canon(s, v):
    """python3-avro's decoded value -> canonical JSON value."""
    t, lt = s.type, logical(s)
    if t == "union":
        if v is None:
            return None
        for b in s.schemas:
            if b.type == "null":
                continue
            try:
                return to_canon(b, v)
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
        raise ValueError("no branch for %r" % (v,))
    if t == "record":
        if not isinstance(v, dict):
            raise TypeError("record")
        return {f.name: to_canon(f.type, v[f.name]) for f in s.fields}
    if t == "array":
        return [to_canon(s.items, x) for x in v]
    if t == "map":
        return {k: to_canon(s.values, x) for k, x in v.items()}
    if lt == "decimal" and isinstance(v, decimal.Decimal):
        return "{:.{}f}".format(v, s.get_prop("scale") or 0)
    if t in ("bytes", "fixed"):
        if not isinstance(v, bytes):
            raise TypeError("bytes")
        return {"$bytes": base64.b64encode(v).decode()}
    if lt == "date" and isinstance(v, datetime.date):
        return (v - DAY0).days
    if lt == "time-millis" and isinstance(v, datetime.time):
        return ((v.hour * 60 + v.minute) * 60 + v.second) * 1000 + v.microsecond // 1000
    if lt == "timestamp-millis" and isinstance(v, datetime.datetime):
        return (v - EPOCH) // datetime.timedelta(milliseconds=1)
    if t in ("int", "long"):
        if type(v) is not int:
            raise TypeError(t)
        return v if abs(v) <= SAFE else str(v)
    if t in ("float", "double"):
        if type(v) is not float:
            raise TypeError(t)
        return v
    if t == "boolean":
        if type(v) is not bool:
            raise TypeError(t)
        return v
    if t in ("string", "enum"):
        if type(v) is not str:
            raise TypeError(t)
        return v
    if t == "null":
        if v is not None:
            raise TypeError(t)
        return None
    raise ValueError("unhandled type %s" % t)

def from_canon(s, v):
    """canonical JSON value -> what python3-avro writes."""
    t, lt = s.type, logical(s)
    if t == "union":
        if v is None:
            return None
        return from_canon(next(b for b in s.schemas if b.type != "null"), v)
    if t == "record":
        return {f.name: from_canon(f.type, v[f.name]) for f in s.fields}
    if t == "array":
        return [from_canon(s.items, x) for x in v]
    if t == "map":
        return {k: from_canon(s.values, x) for k, x in v.items()}
    if lt == "decimal":
        return decimal.Decimal(v)
    if t in ("bytes", "fixed"):
        return base64.b64decode(v["$bytes"])
    if lt == "date":
        return DAY0 + datetime.timedelta(days=v)
    if lt == "time-millis":
        return (datetime.datetime(2000, 1, 1) + datetime.timedelta(milliseconds=v)).time()
    if lt == "timestamp-millis":
        return EPOCH + datetime.timedelta(milliseconds=v)
    if t == "long":
        return int(v)
    return v

def lines(path):
    return [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]

def frames(path):
    """kcat -f '%R%s' output: [bytes or None]."""
    buf, out, i = open(path, "rb").read(), [], 0
    while i < len(buf):
        (n,) = struct.unpack(">i", buf[i:i + 4])
        i += 4
        out.append(None if n < 0 else buf[i:i + n])
        i += max(n, 0)
    return out

def kframes(path):
    """kcat -f '%K:%k' output (text length, ':', raw key): [bytes or None]."""
    buf, out, i = open(path, "rb").read(), [], 0
    while i < len(buf):
        j = buf.index(b":", i)
        n = int(buf[i:j])
        out.append(None if n < 0 else buf[j + 1:j + 1 + n])
        i = j + 1 + max(n, 0)
    return out

def decode(schema, msg, want_id):
    if len(msg) < 5 or msg[0] != 0:
        raise ValueError("magic byte %r" % msg[:1])
    (sid,) = struct.unpack(">I", msg[1:5])
    if sid != want_id:
        raise ValueError("schema id %d, expected %d" % (sid, want_id))
    bio = io.BytesIO(msg[5:])
    v = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(bio))
    if bio.tell() != len(msg) - 5:
        raise ValueError("%d datum bytes left over" % (len(msg) - 5 - bio.tell()))
    return v

cmd = sys.argv[1]
if cmd == "wire":  # wire SCHEMA RECORDS FRAMES ID: every message decodes to its record
    schema = avro.schema.parse(open(sys.argv[2]).read())
    want, got, sid = lines(sys.argv[3]), frames(sys.argv[4]), int(sys.argv[5])
    if len(want) != len(got):
        sys.exit("%d messages, %d records" % (len(got), len(want)))
    for i, (w, m) in enumerate(zip(want, got)):
        c = to_canon(schema, decode(schema, m, sid))
        if diff(w, c):
            sys.exit("message %d: python3-avro reads\n  %s\nexpected\n  %s" % (i, json.dumps(c)[:600], json.dumps(w)[:600]))
    print("ok: %d messages" % len(got))
elif cmd == "keys":  # keys KEYS ID: prints the keys (string, Confluent-Avro) as a JSON list
    schema = avro.schema.parse('"string"')
    got = [decode(schema, m, int(sys.argv[3])) for m in kframes(sys.argv[2])]
    print(json.dumps(got))
elif cmd == "corrupt":  # corrupt SCHEMA GOOD_FRAMES BAD_FRAMES MANIFEST
    schema = avro.schema.parse(open(sys.argv[2]).read())
    good, bad, man = frames(sys.argv[3]), frames(sys.argv[4]), lines(sys.argv[5])
    if not (len(good) == len(bad) == len(man)):
        sys.exit("%d good, %d bad, %d manifest lines" % (len(good), len(bad), len(man)))
    kinds = {}
    for g, b, m in zip(good, bad, man):
        k = m["kind"]
        kinds[k] = kinds.get(k, 0) + 1
        if k == "good":
            ok = b == g
        elif k == "magic":
            ok = b[0] == 1 and b[1:] == g[1:]
        elif k == "id":
            ok = b[0] == 0 and struct.unpack(">I", b[1:5])[0] == 2147483000 and b[5:] == g[5:]
        elif k == "truncated":
            ok = 5 < len(b) < len(g) and g.startswith(b)
            try:
                decode(schema, b, struct.unpack(">I", b[1:5])[0])
                ok = False
            except Exception:
                pass
        elif k == "short":
            ok = b == g[:3]
        else:
            ok = False
        if not ok:
            sys.exit("message %d (%s) is not what it should be: %r" % (m["index"], k, b[:16]))
    print(json.dumps(kinds, sort_keys=True))
elif cmd == "ocf":  # ocf SCHEMA RECORDS OUT CODEC: python3-avro writes a container file
    schema = avro.schema.parse(open(sys.argv[2]).read())
    with avro.datafile.DataFileWriter(open(sys.argv[4], "wb"), avro.io.DatumWriter(), schema, codec=sys.argv[5]) as w:
        for r in lines(sys.argv[3]):
            w.append(from_canon(schema, r))
else:
    sys.exit("unknown command " + cmd)
PY
check() { "$AVPY" "$dir/check.py" "$@"; }
# consume_bin TOPIC PARTITION FORMAT FILE: one partition's messages, binary (kcat's %R / %K length prefixes)
consume_bin() {
        timeout $((60 * KCO_SCALE)) kcat -C -b "$BOOTSTRAP" -t "$1" -p "$2" -o beginning -e -q -f "$3" >"$4" ||
                fail "kcat could not consume $1 [$2]"
}

note "the corpus to av [0], reversed to av [1]; python3-avro decodes every message"
produce_avro av "$data/everything.avsc" "$data/records.jsonl" 0
assert_eq 1 "$AVRO_SCHEMA_ID" "first schema id"
assert_eq 60 "$PRODUCED" "messages produced to av [0]"
tac "$data/records.jsonl" >"$dir/reversed.jsonl"
produce_avro av "$data/everything.avsc" "$dir/reversed.jsonl" 1
assert_eq 1 "$AVRO_SCHEMA_ID" "the same schema again"
consume_bin av 0 '%R%s' "$dir/av0.bin"
consume_bin av 1 '%R%s' "$dir/av1.bin"
check wire "$data/everything.avsc" "$data/records.jsonl" "$dir/av0.bin" 1
check wire "$data/everything.avsc" "$dir/reversed.jsonl" "$dir/av1.bin" 1

note "the evolved schema (another topic) gets id 2"
produce_avro av2 "$data/everything-v2.avsc" "$data/records-v2.jsonl" 0
assert_eq 2 "$AVRO_SCHEMA_ID" "schema id of the evolved schema"
consume_bin av2 0 '%R%s' "$dir/av2.bin"
check wire "$data/everything-v2.avsc" "$data/records-v2.jsonl" "$dir/av2.bin" 2

note "registry: ids, lookups, versions"
# http GET|POST PATH [BODY]: prints "STATUS BODY" and checks the content type of every answer.
http() {
        local h=$dir/http.headers code
        code=$(curl -sS -o "$dir/http.body" -D "$h" -w '%{http_code}' -X "$1" \
                -H 'Content-Type: application/vnd.schemaregistry.v1+json' ${3:+--data-binary "$3"} "$REGISTRY$2") ||
                fail "curl $1 $2 failed"
        grep -qi '^content-type: application/vnd.schemaregistry.v1+json' "$h" || fail "$1 $2: wrong content type"
        printf '%s %s\n' "$code" "$(cat "$dir/http.body")"
}
schema_json() { python3 -c 'import json,sys; print(json.dumps({"schema": json.dumps(json.load(open(sys.argv[1])))}))' "$1"; }
v1=$(schema_json "$data/everything.avsc")
v2=$(schema_json "$data/everything-v2.avsc")
got=$(http GET /schemas/ids/1)
[[ $got == "200 "* ]] || fail "GET /schemas/ids/1: $got"
python3 -c '
import json, sys
got = json.loads(json.loads(sys.argv[1])["schema"])
assert got == json.load(open(sys.argv[2])), "schema 1 is not everything.avsc"' "${got#200 }" "$data/everything.avsc" ||
        fail "the registry does not return schema 1 as registered"
assert_eq '404 {"error_code":40403,"message":"Schema 7 not found"}' "$(http GET /schemas/ids/7)" "unknown id"
got=$(http POST /subjects/av-value "$v1")
python3 -c '
import json, sys
g = json.loads(sys.argv[1])
assert (g["subject"], g["id"], g["version"]) == ("av-value", 1, 1), g
assert json.loads(g["schema"]) == json.load(open(sys.argv[2]))' "${got#200 }" "$data/everything.avsc" ||
        fail "lookup of everything.avsc under av-value: $got"
assert_eq '404 {"error_code":40403,"message":"Schema not found"}' "$(http POST /subjects/av-value "$v2")" \
        "lookup of a schema the subject does not have"
assert_eq 404 "$(http POST /subjects/nope-value "$v1" | cut -d' ' -f1)" "lookup under an unknown subject"
assert_eq 40401 "$(http POST /subjects/nope-value "$v1" | sed 's/.*"error_code":\([0-9]*\).*/\1/')" \
        "error_code for an unknown subject"
assert_eq '200 {"id":2}' "$(http POST /subjects/av-value/versions "$v2")" "v2 registered under av-value"
assert_eq '200 {"id":2}' "$(http POST /subjects/av-value/versions "$v2")" "v2 registered again"
assert_eq '200 [1,2]' "$(http GET /subjects/av-value/versions)" "versions of av-value"
assert_eq 2 "$(http GET /subjects/av-value/versions/latest | sed 's/^200 //' |
        python3 -c 'import json,sys; g=json.load(sys.stdin); print(g["id"] if g["version"] == 2 else "bad")')" "latest"
assert_eq 1 "$(http GET /subjects/av-value/versions/1 | sed 's/^200 //' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" \
        "version 1"
assert_eq 404 "$(http GET /subjects/av-value/versions/3 | cut -d' ' -f1)" "a version that does not exist"
assert_eq '200 ["av-value","av2-value"]' "$(http GET /subjects)" "subjects"
assert_eq '200 {"id":1}' "$(http POST /subjects/other/versions "$v1")" "the same schema under another subject"
assert_eq 422 "$(http POST /subjects/x/versions '{"schema":"{not json"}' | cut -d' ' -f1)" "an invalid schema"
grep -q '^GET /schemas/ids/7 404$' "$REGISTRY_LOG" || fail "the registry log lacks 'GET /schemas/ids/7 404'"

note "Avro keys (keyed partitioning) and raw keys"
for i in $(seq 0 59); do printf '"user-%d"\n' $((i % 10)); done >"$dir/keys.jsonl"
printf '{"type": "string"}\n' >"$dir/key.avsc"
produce_avro keyed "$data/everything.avsc" "$data/records.jsonl" -1 --key-schema "$dir/key.avsc" --keys "$dir/keys.jsonl"
[[ -n $AVRO_KEY_SCHEMA_ID && $AVRO_KEY_SCHEMA_ID != "$AVRO_SCHEMA_ID" ]] ||
        fail "key schema id '$AVRO_KEY_SCHEMA_ID' (value $AVRO_SCHEMA_ID)"
declare -A key_part=()
total=0
for p in 0 1 2; do
        consume_bin keyed "$p" '%K:%k' "$dir/keyed$p.keys"
        keys=$(check keys "$dir/keyed$p.keys" "$AVRO_KEY_SCHEMA_ID") || fail "keys of keyed [$p]"
        for k in $(python3 -c 'import json,sys; print(" ".join(json.loads(sys.argv[1])))' "$keys"); do
                [[ -z ${key_part[$k]:-} || ${key_part[$k]} == "$p" ]] || fail "key $k is in partitions ${key_part[$k]} and $p"
                key_part[$k]=$p
                total=$((total + 1))
        done
done
assert_eq 60 "$total" "keyed messages"
assert_eq 10 "${#key_part[@]}" "distinct keys"
seq 0 59 | sed 's/^/k-/' >"$dir/raw-keys.txt"
produce_avro raw "$data/everything.avsc" "$data/records.jsonl" 0 --keys "$dir/raw-keys.txt"
assert_eq "k-0 k-59" "$(consume_partition raw 0 '%k\n' | sed -n '1p;$p' | tr '\n' ' ' | sed 's/ $//')" "raw keys"

note "--corrupt: every 4th message bad, the four kinds in turn"
produce_avro bad "$data/everything.avsc" "$data/records.jsonl" 0 --corrupt 4 \
        --corrupt-kinds magic,id,truncated,short --manifest "$dir/bad.manifest"
assert_eq 15 "$AVRO_BAD" "bad messages"
consume_bin bad 0 '%R%s' "$dir/bad.bin"
assert_eq '{"good": 45, "id": 4, "magic": 4, "short": 3, "truncated": 4}' \
        "$(check corrupt "$data/everything.avsc" "$dir/av0.bin" "$dir/bad.bin" "$dir/bad.manifest")" "kinds of bad messages"
node "$KCO_ROOT/tests/node/avro-produce.mjs" --schema "$data/everything.avsc" --records "$data/records.jsonl" \
        --topic bad --registry "$REGISTRY" --corrupt 20 --manifest "$dir/default.manifest" >/dev/null 2>&1 ||
        fail "avro-produce.mjs --corrupt 20 failed"
assert_eq "19:magic 39:id 59:truncated" \
        "$(python3 -c 'import json,sys; print(" ".join("%d:%s" % (m["index"], m["kind"]) for m in map(json.loads, open(sys.argv[1])) if m["kind"] != "good"))' "$dir/default.manifest")" \
        "default kinds of --corrupt"
printf '{"id": "x"}\n' >"$dir/bad-record.jsonl"
if node "$KCO_ROOT/tests/node/avro-produce.mjs" --schema "$data/everything.avsc" --records "$dir/bad-record.jsonl" \
        --topic bad --registry "$REGISTRY" >/dev/null 2>"$dir/bad-record.err"; then
        fail "avro-produce.mjs encoded a record that does not fit the schema"
fi
grep -q 'bad-record.jsonl:1' "$dir/bad-record.err" || fail "avro-produce.mjs does not name the bad line: $(cat "$dir/bad-record.err")"

note "avro-read.mjs reads python3-avro's container files back to the corpus"
for codec in null deflate; do
        check ocf "$data/everything.avsc" "$data/records.jsonl" "$dir/py-$codec.avro" "$codec"
        node "$KCO_ROOT/tests/node/avro-read.mjs" "$dir/py-$codec.avro" >"$dir/py-$codec.jsonl" ||
                fail "avro-read.mjs cannot read python3-avro's $codec file"
        same=$(json_compare "$data/records.jsonl" "$dir/py-$codec.jsonl" 2>&1) ||
                fail "avro-read.mjs read python3-avro's $codec file differently: $same"
        assert_eq "$codec" "$(node "$KCO_ROOT/tests/node/avro-read.mjs" --codec "$dir/py-$codec.avro")" "codec"
done
avro_schema "$dir/py-null.avro" | python3 -c '
import json, sys
got, want = json.load(sys.stdin), json.load(open(sys.argv[1]))
assert [f["name"] for f in got["fields"]] == [f["name"] for f in want["fields"]], "field names"' "$data/everything.avsc" ||
        fail "avro_schema does not print the writer schema"
head -c $(($(stat -c %s "$dir/py-deflate.avro") - 40)) "$dir/py-deflate.avro" >"$dir/cut.avro"
if node "$KCO_ROOT/tests/node/avro-read.mjs" "$dir/cut.avro" >/dev/null 2>&1; then
        fail "avro-read.mjs accepted a truncated file"
fi
if [[ -f $KCO_ROOT/tests/integration/check/avro_read.py ]]; then
        avro_read "$dir/py-null.avro" "$dir/py-deflate.avro" >"$dir/both.jsonl"
        assert_eq 120 "$(wc -l <"$dir/both.jsonl")" "records read by avro_read"
else
        note "tests/integration/check/avro_read.py is not there yet: avro_read not exercised"
fi

note "kco-produce: null and empty keys and values, headers"
python3 - >"$dir/frames.bin" <<'PY'
import struct, sys
out = sys.stdout.buffer
def field(b):
    out.write(struct.pack(">I", 0xFFFFFFFF) if b is None else struct.pack(">I", len(b)) + b)
def frame(key, value, headers=()):
    field(key); field(value)
    out.write(struct.pack(">I", len(headers)))
    for name, v in headers:
        out.write(struct.pack(">H", len(name)) + name)
        field(v)
frame(b"k1", b"v1")
frame(None, b"no key", [(b"h1", b"x"), (b"h2", b"")])
frame(b"", b"empty key")
frame(b"k4", None, [(b"n", None)])
frame(b"k5", b"", [(b"a", b"1"), (b"a", b"2")])
PY
produce_frames raw 0 <"$dir/frames.bin"
assert_eq 5 "$PRODUCED" "frames produced"
# -Z: NULL for a null (and, in kcat, an empty) key, value or header value; the lengths tell them apart.
kcat -C -b "$BOOTSTRAP" -t raw -p 0 -o 60 -e -q -Z -f '%K:%k|%S:%s|%h\n' >"$dir/frames.txt" || fail "kcat -C raw"
want=$'2:k1|2:v1|\n-1:NULL|6:no key|h1=x,h2=\n0:NULL|9:empty key|\n2:k4|-1:NULL|n=NULL\n2:k5|0:NULL|a=1,a=2'
[[ $(cat "$dir/frames.txt") == "$want" ]] || fail "frames read back as:"$'\n'"$(cat "$dir/frames.txt")"$'\n'"expected:"$'\n'"$want"
printf '\0\0\0\2k' | "$BUILD/kco-produce" "$BOOTSTRAP" raw 0 >/dev/null 2>&1 && fail "kco-produce accepted a cut frame"
rc=0
printf '\0\0\0\2k' | "$BUILD/kco-produce" "$BOOTSTRAP" raw 0 >/dev/null 2>&1 || rc=$?
assert_eq 2 "$rc" "kco-produce exit status on a cut frame"

note "registry controls: status 503, count, down/up"
before=$(registry_cmd count)
[[ $before == "ok COUNT="* ]] || fail "count answered '$before'"
registry_cmd status 503 >/dev/null
assert_eq 503 "$(curl -s -o /dev/null -w '%{http_code}' "$REGISTRY/schemas/ids/1")" "status with 'status 503'"
assert_eq 503 "$(curl -s -o /dev/null -w '%{http_code}' -X POST -d "$v1" "$REGISTRY/subjects/av-value/versions")" \
        "a POST with 'status 503'"
if node "$KCO_ROOT/tests/node/avro-produce.mjs" --schema "$data/everything.avsc" --records "$data/records.jsonl" \
        --topic av --registry "$REGISTRY" >/dev/null 2>&1; then
        fail "avro-produce.mjs went on although the registry answered 503"
fi
after=$(registry_cmd count)
assert_eq 3 $((${after#ok COUNT=} - ${before#ok COUNT=})) "requests counted while answering 503"
registry_cmd clear >/dev/null
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "$REGISTRY/schemas/ids/1")" "status after 'clear'"
registry_cmd down >/dev/null
rc=0
curl -s -o /dev/null --max-time 5 "$REGISTRY/schemas/ids/1" || rc=$?
assert_eq 7 "$rc" "curl's exit status while the registry is down (connection refused)"
registry_cmd up >/dev/null
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "$REGISTRY/schemas/ids/1")" "status after 'up'"
reply=$(registry_cmd frobnicate 2>/dev/null) && fail "an unknown command was accepted"
[[ $reply == "error "* ]] || fail "frobnicate answered '$reply'"

note "basic auth"
registry_stop
registry_start --user alice:s3cret
assert_eq 401 "$(curl -s -o /dev/null -w '%{http_code}' "$REGISTRY/subjects")" "without credentials"
assert_eq '{"error_code":401,"message":"Unauthorized"}' "$(curl -s "$REGISTRY/subjects")" "401 body"
assert_eq 401 "$(curl -s -o /dev/null -w '%{http_code}' -u alice:wrong "$REGISTRY/subjects")" "wrong password"
produce_avro av2 "$data/everything-v2.avsc" "$data/records-v2.jsonl" 0
assert_eq 1 "$AVRO_SCHEMA_ID" "first id of a fresh registry"
assert_eq '["av2-value"]' "$(curl -s -u alice:s3cret "$REGISTRY/subjects")" "subjects with credentials"
registry_stop
mock_stop
note "ok"
