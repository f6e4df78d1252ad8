#!/usr/bin/env bash
# test_cloud_stores.sh - the sink writes through the S3 store (to s3rver, which verifies SigV4) and the OSS store
# (to the OSS gateway, which verifies every request with ali-oss's own signer, V4 and V1, path-style and
# virtual-hosted), small objects in one PUT and large ones as multipart uploads. Each store's objects, fetched by
# independent clients, are byte for byte the objects a local-store connector writes from the same records (and
# those are valid JSON to DuckDB). A wrong secret stops the task with a clear error that never shows the secret.
. "$(dirname "$0")/lib.sh"

mock_start --topic c:2
s3_start --bucket s3b
oss_gateway_start --bucket ossb
dir=$(kco_tmpdir)

# p0: 400 records of ~30 KB (objects of ~6 MB: multipart on S3 with 5 MiB parts), p1: 400 small ones.
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
with open(d + "/p0.txt", "w") as f:
    for i in range(400):
        f.write(json.dumps({"p": 0, "n": i, "pad": ("%05d" % i) * 6000}) + "\n")
with open(d + "/p1.txt", "w") as f:
    for i in range(400):
        f.write(json.dumps({"p": 1, "n": i, "s": "ü+= %d" % i}) + "\n")
PY
# lz4 keeps the big records within the mock broker's 5 MiB per partition
kcat -P -b "$BOOTSTRAP" -t c -p 0 -z lz4 -l "$dir/p0.txt" || fail "produce p0"
kcat -P -b "$BOOTSTRAP" -t c -p 1 -l "$dir/p1.txt" || fail "produce p1"

worker_props "$dir/worker.properties" consumer.fetch.message.max.bytes=10000000
common=(topics=c flush.size=200 tasks.max=2)
connector_props "$dir/local.properties" name=to-local "${common[@]}" "store.url=file://$dir/local"
connector_props "$dir/s3.properties" name=to-s3 "${common[@]}" \
        storage.class=io.confluent.connect.s3.storage.S3Storage s3.bucket.name=s3b s3.region=us-east-1 \
        "store.url=http://$S3_ENDPOINT" s3.path.style.access.enabled=true \
        "aws.access.key.id=$S3_ID" "aws.secret.access.key=$S3_SECRET"
oss_common=(storage.class=com.aliyun.oss.connect.kafka.storage.OSSStorage oss.bucket=ossb oss.part.size=1048576
        "oss.region=$OSS_GW_REGION" "oss.access.key.id=$OSS_GW_ID" "oss.access.key.secret=$OSS_GW_SECRET")
connector_props "$dir/oss4.properties" name=to-oss-v4 "${common[@]}" "${oss_common[@]}" topics.dir=v4 \
        "oss.endpoint=http://localhost:${OSS_GW_ENDPOINT#*:}"
connector_props "$dir/oss1.properties" name=to-oss-v1 "${common[@]}" "${oss_common[@]}" topics.dir=v1 \
        oss.signature.version=v1 "oss.endpoint=http://$OSS_GW_ENDPOINT"

worker_start "$dir/worker.properties" "$dir/local.properties" "$dir/s3.properties" "$dir/oss4.properties" \
        "$dir/oss1.properties"
# every connector committed both partitions (its 4 objects are durable first)
all_committed() {
        local g p o
        for g in to-local to-s3 to-oss-v4 to-oss-v1; do
                for p in 0 1; do
                        o=$(mock_committed "connect-$g" c "$p")
                        [[ ${o%% *} == 400 ]] || return 1
                done
        done
}
wait_for -t 90 all_committed
worker_stop

json_read "$dir/local" >"$dir/read.jsonl"
assert_eq 800 "$(wc -l <"$dir/read.jsonl")" "records in the local objects"
(cd "$dir/local" && find . -type f | sort) >"$dir/keys.txt"
assert_eq 4 "$(wc -l <"$dir/keys.txt")" "local objects"

note "S3: fetch with an independent client"
node "$KCO_ROOT/tests/node/bucket-fetch.mjs" --endpoint "$S3_ENDPOINT" --bucket s3b --id "$S3_ID" \
        --secret "$S3_SECRET" --out "$dir/s3" >"$dir/s3.list"
assert_eq 4 "$(wc -l <"$dir/s3.list")" "S3 objects"
diff -r "$dir/local" "$dir/s3" || fail "S3 objects differ from the local ones"
grep -q '"query":"uploads' "$S3_LOG" || fail "no multipart upload reached S3"

note "OSS: V4 virtual-hosted and V1 path-style"
diff -r "$dir/local/topics" "$OSS_GW_DIR/ossb/v4" || fail "OSS V4 objects differ from the local ones"
diff -r "$dir/local/topics" "$OSS_GW_DIR/ossb/v1" || fail "OSS V1 objects differ from the local ones"
python3 - "$OSS_GW_LOG" <<'PY' || fail "OSS gateway log"
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
signers = {r.get("signer") for r in reqs}
assert {"ossv1", "ossv4"} <= signers, signers
parts = [r for r in reqs if "partNumber" in (r.get("query") or "")]
assert parts, "no multipart parts reached the gateway"
bad = [r for r in reqs if r.get("status", 200) >= 300]
assert not bad, bad[:3]
print("ok: %d OSS requests, %d parts, signers %s" % (len(reqs), len(parts), sorted(signers)))
PY

note "a file discarded on SIGTERM aborts its multipart upload"
python3 - "$dir" <<'PY'
import json, sys
with open(sys.argv[1] + "/tail.txt", "w") as f:
    for i in range(400, 550):  # 150 more big records: a multipart upload in progress, never reaching flush.size
        f.write(json.dumps({"p": 0, "n": i, "pad": ("%05d" % i) * 6000}) + "\n")
PY
kcat -P -b "$BOOTSTRAP" -t c -p 0 -z lz4 -l "$dir/tail.txt" || fail "produce the tail"
parts_before=$(grep -c partNumber "$OSS_GW_LOG")
worker_start "$dir/worker.properties" "$dir/oss4.properties"
wait_for -t 60 at_least $((parts_before + 3)) grep -c partNumber "$OSS_GW_LOG"
worker_stop
grep -q '"op":"AbortMultipartUpload","status":204' "$OSS_GW_LOG" || grep -q '"op":"AbortMultipartUpload","status":200' "$OSS_GW_LOG" ||
        fail "no successful AbortMultipartUpload after SIGTERM"
assert_eq 0 "$(find "$OSS_GW_DIR/.uploads" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" "uploads left in progress"
assert_eq 4 "$(find "$OSS_GW_DIR/ossb/v4" -type f | wc -l)" "V4 objects after the discarded file"

note "a wrong secret stops the task with a clear error"
connector_props "$dir/bad.properties" name=bad-s3 "${common[@]}" \
        storage.class=s3 s3.bucket.name=s3b s3.region=us-east-1 "store.url=http://$S3_ENDPOINT" \
        s3.path.style.access.enabled=true "aws.access.key.id=$S3_ID" aws.secret.access.key=NotTheSecret123
worker_start "$dir/worker.properties" "$dir/bad.properties"
worker_wait 60
assert_eq 1 "$WORKER_RC" "exit status with a wrong secret"
grep -q 'SignatureDoesNotMatch' "$WORKER_LOG" || fail "the error does not name SignatureDoesNotMatch"
grep -q 'bucket s3b' "$WORKER_LOG" || fail "the error does not name the bucket"
if grep -q 'NotTheSecret123' "$WORKER_LOG"; then fail "the secret appears in the log"; fi
assert_eq -1001 "$(mock_committed connect-bad-s3 c 0 | cut -d' ' -f1)" "offsets committed by the failed connector"
