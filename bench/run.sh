#!/usr/bin/env bash
# make bench: the same data (RECORDS JSON lines of ~200 B over PARTITIONS partitions of the mock broker),
# consumed by kcat to /dev/null and by our worker (ByteArrayFormat and JsonFormat, one task, local store); the
# same records as Avro (AvroFormat, ParquetAvroFormat); click records as JSON text through a protobuf message
# (ParquetJsonFormat) with the encode step against DuckDB; one 64 MiB object against curl.
# Prints records/s, MB/s, their ratio to kcat and peak RSS, best of RUNS (default 3) each. Our time runs from
# the first partition assignment to the last object committed (the mock broker's consumer group waits 3 s before
# its first assignment; kcat -C joins no group). Numbers only; nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RECORDS=${RECORDS:-1000000}
PARTITIONS=${PARTITIONS:-64}
BIN=$PWD/$BUILD/kafka-connect-oss
work=$(mktemp -d "${TMPDIR:-/tmp}/kco-bench.XXXXXX")
mbpid=
s3pid=
cleanup() { [ -n "$mbpid" ] && kill "$mbpid" 2>/dev/null; [ -n "$s3pid" ] && kill "$s3pid" 2>/dev/null; wait 2>/dev/null; if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

now() { date +%s.%N; }
calc() { python3 -c "print($1)"; }

per=$((RECORDS / PARTITIONS))
RECORDS=$((per * PARTITIONS))
flush=$((per / 5))

"$BUILD/kco-mock-broker" --topic "bench:$PARTITIONS" --topic "bench-avro:$PARTITIONS" --topic "bench-pj:$PARTITIONS" </dev/null >"$work/mb.out" 2>"$work/mb.err" &
mbpid=$!
for _ in $(seq 100); do grep -q BOOTSTRAP= "$work/mb.out" 2>/dev/null && break; sleep 0.05; done
B=$(sed -n 's/^BOOTSTRAP=//p' "$work/mb.out")

python3 bench/gen.py "$per" >"$work/part.jsonl"
bytes_per=$(stat -c %s "$work/part.jsonl")
total_bytes=$((bytes_per * PARTITIONS))
echo "bench: $RECORDS records, $(calc "round($total_bytes/1e6,1)") MB of JSON, $PARTITIONS partitions, broker $B"
for p in $(seq 0 $((PARTITIONS - 1))); do
  kcat -P -b "$B" -t bench -p "$p" -l "$work/part.jsonl" -X linger.ms=50 -X batch.num.messages=10000
done
sleep 0.5

# kcat: consume everything to /dev/null; best of RUNS
RUNS=${RUNS:-3}
kcat_s=999 kcat_rss=0
for r in $(seq "$RUNS"); do
  t0=$(now)
  /usr/bin/time -f %M -o "$work/kcat.rss" kcat -C -b "$B" -t bench -o beginning -e -q -f '%s\n' >/dev/null
  t1=$(now)
  s=$(calc "$t1-$t0")
  if [ "$(calc "int($s < $kcat_s)")" = 1 ]; then kcat_s=$s; fi
  r_rss=$(cat "$work/kcat.rss"); [ "$r_rss" -gt "$kcat_rss" ] && kcat_rss=$r_rss
done

printf 'bootstrap.servers=%s\nlog.level=info\n' "$B" >"$work/worker.properties"

# ours: run one connector until every object is committed; report time after the group join (each run is a new
# connector name, so a new consumer group reading from the beginning)
run_ours() { # name format converter
  local name=$1 fmt=$2 conv=$3 out="$work/out-$1"
  mkdir -p "$out"
  cat >"$work/$name.properties" <<P
name=$name
topics=${TOPIC:-bench}
tasks.max=1
format.class=$fmt
value.converter=$conv
flush.size=$flush
storage.class=local
store.url=file://$out
store.local.fsync=false
${EXTRA:-}
P
  local expect=$((PARTITIONS * 5))
  local s0; s0=$(now)
  "$BIN" standalone "$work/worker.properties" "$work/$name.properties" 2>"$work/$name.log" &
  local pid=$!
  local rss=0
  while :; do
    n=$(grep -c '] File [^ ]* committed (' "$work/$name.log" || true)
    [ "$n" -ge "$expect" ] && break
    kill -0 $pid 2>/dev/null || { echo "worker died"; tail "$work/$name.log"; exit 1; }
    sleep 0.02
  done
  local s1; s1=$(now)
  rss=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  kill -TERM $pid; wait $pid
  # steady state: from the first assignment to the last commit, by the log's own clock
  local steady
  steady=$(python3 - "$work/$name.log" <<'PY'
import sys, datetime
first = last = None
for line in open(sys.argv[1]):
    t = datetime.datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f")
    if first is None and "assigned" in line: first = t
    if "] File " in line and " committed (" in line and "] Files " not in line: last = t
print((last - first).total_seconds())
PY
)
  if [ -z "${EXTRA:-}" ]; then
    local recs; recs=$(cat "$out"/topics/bench/partition=*/* | wc -l)
    [ "$recs" -eq "$RECORDS" ] || { echo "bench: $name wrote $recs records, expected $RECORDS"; exit 1; }
  fi
  echo "$name $(calc "$s1-$s0") $steady $rss"
}

best_of() { # name format converter -> "wall steady rss" of the run with the best steady time
  local best="" r w st rs
  for r in $(seq "$RUNS"); do
    read -r _ w st rs < <(run_ours "$1-$r" "$2" "$3")
    if [ -z "$best" ] || [ "$(calc "int($st < ${best#* })")" = 1 ]; then best="$w $st"; fi
    best_rss=$rs
  done
  echo "$best $best_rss"
}
read -r ba_wall ba_s ba_rss < <(best_of bench-bytearray bytearray bytearray)
read -r js_wall js_s js_rss < <(best_of bench-json json string)

row() { # label seconds rss
  printf '%-34s %8.2f s %12s rec/s %8s MB/s %8s MB RSS' "$1" "$2" "$(calc "int($RECORDS/$2)")" \
    "$(calc "round($total_bytes/1e6/$2,1)")" "$(calc "round($3/1024,1)")"
}
echo
row "kcat -C to /dev/null" "$kcat_s" "$kcat_rss"; echo
row "ours ByteArrayFormat, 1 task" "$ba_s" "$ba_rss"; printf '   %.2fx kcat  (wall incl. 3 s group join: %.2f s)\n' "$(calc "$kcat_s/$ba_s")" "$ba_wall"
row "ours JsonFormat, 1 task" "$js_s" "$js_rss"; printf '   %.2fx kcat  (wall incl. 3 s group join: %.2f s)\n' "$(calc "$kcat_s/$js_s")" "$js_wall"
# every commit in two phases (prepared files, offset commit naming them, completion, clearing commit): the same run
# with TimeBasedPartitioner on the wall clock, where no boundary is replayed the same way
export EXTRA="partitioner.class=TimeBasedPartitioner
path.format='dt'=YYYY-MM-dd
partition.duration.ms=86400000
locale=en
timezone=UTC
timestamp.extractor=Wallclock"
read -r js2_wall js2_s js2_rss < <(RUNS=1 best_of bench-json-2pc json string)
unset EXTRA
row "ours JsonFormat, two-phase commits" "$js2_s" "$js2_rss"; printf '   %.2fx kcat  (%.2fx the one-phase run)\n' \
  "$(calc "$kcat_s/$js2_s")" "$(calc "$js_s/$js2_s")"

# ---- memory: 1,000 partitions, each with an open file (1 KB records, files never full), buffer.memory=32 MiB
# against no limit: peak RSS and time to commit everything (the schedule commits the tails)
"$BUILD/kco-mock-broker" --topic "bench-mem:1000" </dev/null >"$work/mb2.out" 2>"$work/mb2.err" &
mb2pid=$!
for _ in $(seq 100); do grep -q BOOTSTRAP= "$work/mb2.out" 2>/dev/null && break; sleep 0.05; done
B2=$(sed -n 's/^BOOTSTRAP=//p' "$work/mb2.out")
python3 -c '
pad = "y" * 1000
for i in range(200000): print("k%d\t{\"id\":%d,\"pad\":\"%s\"}" % (i, i, pad))' >"$work/mem.txt"
kcat -P -b "$B2" -t bench-mem -K '\t' -q -l -X linger.ms=100 "$work/mem.txt"
printf 'bootstrap.servers=%s\nlog.level=info\nconsumer.queued.max.messages.kbytes=16384\n' "$B2" >"$work/worker-mem.properties"
mem_run() { # name buffer.memory -> "seconds peak-RSS-KiB relief-commits"
  local out="$work/out-$1"
  printf 'name=%s\ntopics=bench-mem\nformat.class=json\nvalue.converter=string\nflush.size=100000000\nstorage.class=local\nstore.url=file://%s\nstore.local.fsync=false\nrotate.schedule.interval.ms=5000\ntimezone=UTC\nbuffer.memory=%s\n' \
    "$1" "$out" "$2" >"$work/$1.properties"
  local t0 pid hwm=0 cur n
  t0=$(now)
  "$BIN" standalone "$work/worker-mem.properties" "$work/$1.properties" 2>"$work/$1.log" &
  pid=$!
  while :; do
    cur=$(awk '/VmHWM/ {print $2}' /proc/$pid/status); [ "$cur" -gt "$hwm" ] && hwm=$cur
    n=$(sed -n 's/.*] File [^ ]* committed (\([0-9]*\) records.*/\1/p' "$work/$1.log" | awk '{ n += $1 } END { print n + 0 }')
    [ "$n" -ge 200000 ] && break
    sleep 0.2
  done
  local t1; t1=$(now)
  kill -TERM $pid; wait $pid
  echo "$(calc "$t1-$t0") $hwm $(grep -c 'Files committed (buffer.memory)' "$work/$1.log")"
}
read -r mem_b_s mem_b_rss mem_b_rel < <(mem_run bench-mem-budget 33554432)
read -r mem_u_s mem_u_rss _ < <(mem_run bench-mem-unbounded -1)
kill "$mb2pid" 2>/dev/null; wait "$mb2pid" 2>/dev/null || true
printf '%-34s %8.2f s %8s MB RSS   (%s early commits; incl. 3 s group join)\n' "1000 partitions, buffer.memory=32M" \
  "$mem_b_s" "$(calc "round($mem_b_rss/1024,1)")" "$mem_b_rel"
printf '%-34s %8.2f s %8s MB RSS\n' "1000 partitions, no limit" "$mem_u_s" "$(calc "round($mem_u_rss/1024,1)")"

# ---- Avro: the same records as Confluent Avro (encoded by avsc, schema in a registry double) -> AvroFormat ----
mkfifo "$work/reg.in"
exec 8<>"$work/reg.in"
node tests/node/schema-registry.mjs <"$work/reg.in" >"$work/reg.out" 2>"$work/reg.err" &
regpid=$!
for _ in $(seq 200); do grep -q LISTEN= "$work/reg.out" 2>/dev/null && break; sleep 0.05; done
REG="http://$(sed -n 's/^LISTEN=//p' "$work/reg.out")"
cat >"$work/click.avsc" <<'A'
{"type": "record", "name": "Click", "namespace": "com.example", "fields": [
  {"name": "id", "type": "long"}, {"name": "ts", "type": "string"}, {"name": "user", "type": "string"},
  {"name": "type", "type": "string"}, {"name": "page", "type": "string"}, {"name": "ua", "type": "string"},
  {"name": "session", "type": "string"}, {"name": "amount", "type": "double"}]}
A
node tests/node/avro-produce.mjs --schema "$work/click.avsc" --records "$work/part.jsonl" --topic bench-avro \
  --registry "$REG" >"$work/part.frames" 2>"$work/avro-produce.err"
avro_bytes=$(( $(stat -c %s "$work/part.frames") * PARTITIONS ))
for p in $(seq 0 $((PARTITIONS - 1))); do
  "$BUILD/kco-produce" "$B" bench-avro "$p" <"$work/part.frames" >/dev/null
done
t0=$(now)
/usr/bin/time -f %M -o "$work/kcat-avro.rss" kcat -C -b "$B" -t bench-avro -o beginning -e -q -f '%s\n' >/dev/null
kcat_avro_s=$(calc "$(now)-$t0")
export EXTRA="value.converter.schema.registry.url=$REG"
read -r av_wall av_s av_rss < <(TOPIC=bench-avro best_of bench-avro avro avro)
read -r pq_wall pq_s pq_rss < <(TOPIC=bench-avro RUNS=1 best_of bench-parquet parquet avro)
unset EXTRA
avro_recs=$(sed -n 's/.*] File [^ ]* committed (\([0-9]*\) records.*/\1/p' "$work/bench-avro-1.log" | awk '{ n += $1 } END { print n }')
exec 8>&-
kill "$regpid" 2>/dev/null || true
printf '%-34s %8.2f s %12s rec/s %8s MB/s\n' "kcat -C Avro topic to /dev/null" "$kcat_avro_s" \
  "$(calc "int($RECORDS/$kcat_avro_s)")" "$(calc "round($avro_bytes/1e6/$kcat_avro_s,1)")"
printf '%-34s %8.2f s %12s rec/s %8s MB/s %8s MB RSS   %.2fx kcat (Avro topic)  (%s records read back)\n' \
  "ours AvroConverter -> AvroFormat" "$av_s" "$(calc "int($RECORDS/$av_s)")" \
  "$(calc "round($avro_bytes/1e6/$av_s,1)")" "$(calc "round($av_rss/1024,1)")" "$(calc "$kcat_avro_s/$av_s")" "$avro_recs"
printf '%-34s %8.2f s %12s rec/s %8s MB/s %8s MB RSS   %.2fx kcat (Avro topic)\n' \
  "ours AvroConverter -> ParquetAvro" "$pq_s" "$(calc "int($RECORDS/$pq_s)")" \
  "$(calc "round($avro_bytes/1e6/$pq_s,1)")" "$(calc "round($pq_rss/1024,1)")" "$(calc "$kcat_avro_s/$pq_s")"
"$BUILD/kco-bench-codec" "$work/part.frames" "$work/click.avsc"
# the reference: DuckDB (1 thread) from the same records as JSON lines to Parquet (JSON parsing included)
for codec in snappy zstd; do
  read -r duck_rps duck_size < <(node bench/duckdb-parquet.mjs "$work/part.jsonl" "$codec" "$work/duck.parquet")
  printf '%-34s %12s rec/s   (%s records -> %s bytes, JSON lines -> Parquet %s)\n' "DuckDB COPY to Parquet, 1 thread" \
    "$duck_rps" "$per" "$duck_size" "$codec"
done

# ---- ParquetJsonFormat: JSON text read as a protobuf message (bench/proto/click.proto: ten fields, one a nested
# message, one repeated) -> Parquet. Encode step alone on the whole RECORDS-line file vs DuckDB (1 thread) converting
# the same file, then end to end through the worker vs kcat on the same topic.
python3 tests/integration/check/proto_gen.py click 1 "$RECORDS" >"$work/click.jsonl"
pj_class='com.example.bench.Clicks$Click'
echo
declare -A pj_rps pj_size
while read -r codec rps size; do
  pj_rps[$codec]=$rps
  pj_size[$codec]=$size
done < <("$BUILD/kco-bench-codec" --json "$work/click.jsonl" bench/proto "$pj_class")
for codec in snappy zstd; do
  read -r duck_rps duck_size < <(node bench/duckdb-parquet.mjs "$work/click.jsonl" "$codec" "$work/duck-pj.parquet")
  printf '%-34s %12s rec/s   (%s records -> %s bytes, JSON lines -> Parquet %s)\n' "DuckDB COPY to Parquet, 1 thread" \
    "$duck_rps" "$RECORDS" "$duck_size" "$codec"
  printf '%-34s %12s rec/s   (%s records -> %s bytes)   %.2fx DuckDB records/s, size %.2fx DuckDB\n' \
    "encode step (ParquetJson, $codec)" "${pj_rps[$codec]}" "$RECORDS" "${pj_size[$codec]}" \
    "$(calc "${pj_rps[$codec]}/$duck_rps")" "$(calc "${pj_size[$codec]}/$duck_size")"
done
head -n "$per" "$work/click.jsonl" >"$work/click-part.jsonl"
pj_bytes=$(( $(stat -c %s "$work/click-part.jsonl") * PARTITIONS ))
for p in $(seq 0 $((PARTITIONS - 1))); do
  kcat -P -b "$B" -t bench-pj -p "$p" -l "$work/click-part.jsonl" -X linger.ms=50 -X batch.num.messages=10000
done
sleep 0.5
t0=$(now)
kcat -C -b "$B" -t bench-pj -o beginning -e -q -f '%s\n' >/dev/null
kcat_pj_s=$(calc "$(now)-$t0")
export EXTRA="oss.parquet.protobuf.schema.class=bench-pj,$pj_class
oss.parquet.protobuf.proto.path=$PWD/bench/proto"
read -r pj_wall pj_s pj_rss < <(TOPIC=bench-pj best_of bench-pj parquet-json string)
EXTRA="$EXTRA
tasks.max=2"
read -r pj2_wall pj2_s pj2_rss < <(TOPIC=bench-pj best_of bench-pj2 parquet-json string)
unset EXTRA
pj_recs=$(sed -n 's/.*] File [^ ]* committed (\([0-9]*\) records.*/\1/p' "$work/bench-pj-1.log" | awk '{ n += $1 } END { print n }')
printf '%-34s %8.2f s %12s rec/s %8s MB/s\n' "kcat -C JSON (click) to /dev/null" "$kcat_pj_s" \
  "$(calc "int($RECORDS/$kcat_pj_s)")" "$(calc "round($pj_bytes/1e6/$kcat_pj_s,1)")"
printf '%-34s %8.2f s %12s rec/s %8s MB/s %8s MB RSS   %.2fx kcat  (%s records written; wall incl. join %.2f s)\n' \
  "ours StringConverter -> ParquetJson" "$pj_s" "$(calc "int($RECORDS/$pj_s)")" \
  "$(calc "round($pj_bytes/1e6/$pj_s,1)")" "$(calc "round($pj_rss/1024,1)")" "$(calc "$kcat_pj_s/$pj_s")" "$pj_recs" \
  "$pj_wall"
printf '%-34s %8.2f s %12s rec/s %8s MB/s %8s MB RSS   %.2fx kcat  (tasks.max=2; wall incl. join %.2f s)\n' \
  "ours StringConverter -> ParquetJson" "$pj2_s" "$(calc "int($RECORDS/$pj2_s)")" \
  "$(calc "round($pj_bytes/1e6/$pj2_s,1)")" "$(calc "round($pj2_rss/1024,1)")" "$(calc "$kcat_pj_s/$pj2_s")" "$pj2_wall"

# ---- object store: one 64 MiB object through our store vs curl, to the same S3 server (s3rver, SigV4) ----
mkfifo "$work/s3.in"
exec 7<>"$work/s3.in" # the server runs while its stdin stays open
node --openssl-legacy-provider tests/node/s3-server.mjs --dir "$work/s3" --bucket bench <"$work/s3.in" \
  >"$work/s3.out" 2>"$work/s3.err" &
s3pid=$!
for _ in $(seq 200); do grep -q LISTEN= "$work/s3.out" 2>/dev/null && break; sleep 0.05; done
S3=$(sed -n 's/^LISTEN=//p' "$work/s3.out")
head -c $((64 * 1024 * 1024)) /dev/urandom >"$work/obj.bin"
cat >"$work/s3.properties" <<P
name=bench-s3
topics=bench
flush.size=$flush
format.class=json
value.converter=string
storage.class=s3
s3.bucket.name=bench
s3.region=us-east-1
store.url=http://$S3
s3.path.style.access.enabled=true
aws.access.key.id=S3RVER
aws.secret.access.key=S3RVER
P
best_put() { # label command...
  local best=999 t0 t1 s r
  for r in $(seq "$RUNS"); do
    t0=$(now); "$@" >/dev/null 2>>"$work/best_put.log" || { echo "bench: $1 failed" >&2; tail -5 "$work/best_put.log" >&2; exit 1; }; t1=$(now)
    s=$(calc "$t1-$t0"); [ "$(calc "int($s < $best)")" = 1 ] && best=$s
  done
  echo "$best"
}
curl_s=$(best_put curl -sf -T "$work/obj.bin" --aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "http://$S3/bench/curl.bin")
ours_put_s=$(best_put "$BUILD/kco-store-cmd" "$work/s3.properties" put ours.bin "$work/obj.bin")
# the same bytes as one request (part size above the object), integrity header off as curl's UNSIGNED-PAYLOAD
{ cat "$work/s3.properties"; printf 's3.part.size=104857600\nstore.md5.enabled=false\n'; } >"$work/s3-one.properties"
ours_one_s=$(best_put "$BUILD/kco-store-cmd" "$work/s3-one.properties" put one.bin "$work/obj.bin")
# curl driving the same multipart sequence: initiate, 5 MiB parts 8 at a time (store.max.connections), complete.
# s3rver's completion re-reads and concatenates every part, so multipart costs the server about twice a PUT.
mkdir -p "$work/parts" && split -b 5242880 -d -a 3 "$work/obj.bin" "$work/parts/p"
curl_multipart() {
  local sig=(--aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
  local url="http://$S3/bench/curl-mp.bin" id
  id=$(curl -sf "${sig[@]}" -X POST "$url?uploads=" | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')
  # each line "N FILE" is appended to sh's arguments: $1 dir, $2 url, $3 upload id, $4 part number, $5 file
  ls "$work/parts" | awk '{ printf "%d %s\n", NR, $1 }' |
    xargs -P 8 -L 1 sh -c 'curl -sf -o /dev/null -D - -T "$1/$5" --aws-sigv4 "aws:amz:us-east-1:s3" \
      --user S3RVER:S3RVER -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$2?partNumber=$4&uploadId=$3" |
      tr -d "\r" | sed -n "s/^[Ee][Tt][Aa][Gg]: *//p" >"$1/$4.etag"' _ "$work/parts" "$url" "$id"
  { echo "<CompleteMultipartUpload>"
    for f in $(ls "$work/parts" | grep etag | sort -n); do
      printf '<Part><PartNumber>%s</PartNumber><ETag>%s</ETag></Part>' "${f%.etag}" "$(cat "$work/parts/$f")"
    done
    echo "</CompleteMultipartUpload>"; } >"$work/complete.xml"
  rm -f "$work/parts"/*.etag
  curl -sf "${sig[@]}" -X POST --data-binary @"$work/complete.xml" "$url?uploadId=$id" | grep -q CompleteMultipartUploadResult
}
curl_mp_s=$(best_put curl_multipart)
echo
printf '%-34s %8.2f s %8s MB/s\n' "curl PUT 64 MiB to s3rver" "$curl_s" "$(calc "round(64*1.048576/$curl_s,1)")"
printf '%-34s %8.2f s %8s MB/s   %.2fx curl PUT\n' "ours 64 MiB in one PUT" "$ours_one_s" \
  "$(calc "round(64*1.048576/$ours_one_s,1)")" "$(calc "$curl_s/$ours_one_s")"
printf '%-34s %8.2f s %8s MB/s\n' "curl multipart, 5 MiB parts, 8 par." "$curl_mp_s" "$(calc "round(64*1.048576/$curl_mp_s,1)")"
printf '%-34s %8.2f s %8s MB/s   %.2fx curl multipart, %.2fx curl PUT\n' "ours multipart (default, MD5)" \
  "$ours_put_s" "$(calc "round(64*1.048576/$ours_put_s,1)")" "$(calc "$curl_mp_s/$ours_put_s")" "$(calc "$curl_s/$ours_put_s")"

# ---- the sink end to end into the S3 server: JsonFormat, same records ----
EXTRA="$(sed -n '/^storage.class/,$p' "$work/s3.properties")"
export EXTRA
read -r s3_wall s3_s s3_rss < <(RUNS=1 best_of bench-s3 json string)
unset EXTRA
row "ours JsonFormat into s3rver" "$s3_s" "$s3_rss"; printf '   %.2fx kcat\n' "$(calc "$kcat_s/$s3_s")"
