#!/usr/bin/env bash
# test_store_peers.sh - the object-store test peers themselves work, checked
# with independent clients: s3rver (S3_*) verifies SigV4 (curl --aws-sigv4
# for plain keys, the AWS SDK's signer for the rest), the OSS gateway
# (OSS_GW_*) serves ali-oss's own V1 and V4 calls and refuses bad ones, the
# signing judge's requests are accepted by both, and the fault proxy injects
# each fault kind. No worker, no broker.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

check() {
        node "$KCO_ROOT/tests/node/store-peers-check.mjs" "$@" || fail "store-peers-check.mjs $* failed"
}

note "S3 server (s3rver)"
s3_start --bucket kco-s3
export S3_BUCKET=kco-s3
[[ $S3_ENDPOINT == 127.0.0.1:* ]] || fail "odd S3_ENDPOINT '$S3_ENDPOINT'"
dir=$(kco_tmpdir)
printf 'plain object\n' >"$dir/plain.txt"
sigv4=(--aws-sigv4 aws:amz:us-east-1:s3 -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD')
assert_eq 200 "$(curl -s -o /dev/null -w '%{http_code}' "${sigv4[@]}" --user "$S3_ID:$S3_SECRET" \
        -T "$dir/plain.txt" "http://$S3_ENDPOINT/kco-s3/curl/plain.txt")" "curl --aws-sigv4 PUT"
curl -s -f "${sigv4[@]}" --user "$S3_ID:$S3_SECRET" "http://$S3_ENDPOINT/kco-s3/curl/plain.txt" >"$dir/got.txt" ||
        fail "curl --aws-sigv4 GET failed"
cmp -s "$dir/plain.txt" "$dir/got.txt" || fail "curl GET returned other content"
code=$(curl -s -o "$dir/err.xml" -w '%{http_code}' "${sigv4[@]}" --user "$S3_ID:wrong-secret" \
        "http://$S3_ENDPOINT/kco-s3/curl/plain.txt")
assert_eq 403 "$code" "curl GET with a wrong secret"
grep -q '<Code>SignatureDoesNotMatch</Code>' "$dir/err.xml" || fail "wrong secret: $(cat "$dir/err.xml")"
assert_eq 1 "$(count_files "$S3_DIR/kco-s3/curl" 'plain.txt._S3rver_object')" "s3rver object file"
check s3-sdk
check s3-vectors
grep -q '"status":403' "$S3_LOG" || fail "the S3 request log has no refused request"

note "OSS gateway"
oss_gateway_start --bucket kco-oss --bucket kco-other
export OSS_BUCKET=kco-oss
[[ -d $OSS_GW_DIR/kco-oss && -d $OSS_GW_DIR/kco-other ]] || fail "bucket directories missing"
# Virtual-hosted through curl (curl resolves *.localhost to 127.0.0.1): an
# unsigned request reaches the named bucket and is refused there.
port=${OSS_GW_ENDPOINT##*:}
code=$(curl -s -o "$dir/vh.xml" -w '%{http_code}' "http://kco-other.localhost:$port/x")
assert_eq 403 "$code" "unsigned virtual-hosted request"
grep -q '<Code>AccessDenied</Code>' "$dir/vh.xml" || fail "unsigned request: $(cat "$dir/vh.xml")"
code=$(curl -s -o "$dir/nb.xml" -w '%{http_code}' "http://nosuchbucket.localhost:$port/x")
assert_eq 404 "$code" "unknown virtual-hosted bucket"
grep -q '<Code>NoSuchBucket</Code>' "$dir/nb.xml" || fail "unknown bucket: $(cat "$dir/nb.xml")"
check oss-sdk
check oss-vectors
[[ -z $(find "$OSS_GW_DIR/.uploads" "$OSS_GW_DIR/.tmp" -mindepth 1 -print -quit) ]] ||
        fail "uploads or temp files left behind: $(ls -A "$OSS_GW_DIR/.uploads" "$OSS_GW_DIR/.tmp")"
((0 < $(count_matches "$OSS_GW_LOG" '"signer":"ossv1"'))) || fail "no V1 request in the gateway log"
((0 < $(count_matches "$OSS_GW_LOG" '"signer":"ossv4"'))) || fail "no V4 request in the gateway log"
((0 < $(count_matches "$OSS_GW_LOG" '"code":"SignatureDoesNotMatch"'))) || fail "no refused signature in the gateway log"

note "fault proxy in front of the gateway"
fault_proxy_start "$OSS_GW_ENDPOINT"
assert_eq ok "$(proxy_cmd ping)" "ping"
reply=$(proxy_cmd fail 1 99 2>/dev/null) && fail "fail with status 99 was accepted"
[[ $reply == "error "* ]] || fail "fail 1 99 answered '$reply'"
reply=$(proxy_cmd frobnicate 2>/dev/null) && fail "an unknown command was accepted"
[[ $reply == "error unknown command"* ]] || fail "frobnicate answered '$reply'"
assert_eq ok "$(proxy_cmd fail 2 503 SlowDown)" "fail 2 503 SlowDown"
check proxy-fail
assert_eq ok "$(proxy_cmd reset 1)" "reset 1"
check proxy-reset
assert_eq ok "$(proxy_cmd stall 1 500)" "stall 1 500"
check proxy-stall 500
proxy_cmd match '?uploads' >/dev/null
assert_eq ok "$(proxy_cmd fail 1 500)" "fail 1 500 under match"
proxy_cmd match >/dev/null
check proxy-match
stats=$(proxy_cmd stats)
[[ $stats =~ ^ok\ requests=([0-9]+)\ faults=5\ pending=0$ ]] || fail "stats: '$stats'"
assert_eq 5 "$(count_matches "$PROXY_LOG" '"fault":"(fail|reset|stall)"')" "faults in the proxy log"
assert_eq 1 "$(count_matches "$PROXY_LOG" '"fault":"reset"')" "resets in the proxy log"
# The cut-off PUT reached the gateway half-sent: nothing of it may remain.
((0 < $(count_matches "$OSS_GW_LOG" '"op":"PutObject","status":0,'))) || fail "the gateway saw no cut-off PUT"
[[ -z $(find "$OSS_GW_DIR/.uploads" "$OSS_GW_DIR/.tmp" -mindepth 1 -print -quit) ]] ||
        fail "uploads or temp files left behind after the faults"
fault_proxy_stop
oss_gateway_stop
s3_stop
[[ -z $S3_PID$OSS_GW_PID$PROXY_PID ]] || fail "a stop left its PID set"
note "ok"
