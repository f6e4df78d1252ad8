#!/usr/bin/env bash
# test_store_ops.sh - the store interface beyond uploads, on every store: put (one request and multipart), list
# by prefix (in key order, with sizes; more than one page of 1000 keys), head (size, or missing) and delete, with
# keys holding
# spaces, '+', '=', '%', '~' and unicode. The OSS gateway and s3rver verify every request's signature; the listing
# must agree with what the servers hold.
. "$(dirname "$0")/lib.sh"

s3_start --bucket opsb
oss_gateway_start --bucket opsb
dir=$(kco_tmpdir)
cmd=$BUILD/kco-store-cmd
head -c 300 /dev/urandom >"$dir/small.bin"
head -c $((6 * 1024 * 1024 + 123)) /dev/urandom >"$dir/big.bin"
base=(name=ops topics=t flush.size=1 format.class=json)
write_props "$dir/local.properties" "${base[@]}" storage.class=local "store.url=file://$dir/local"
write_props "$dir/s3.properties" "${base[@]}" storage.class=s3 s3.bucket.name=opsb s3.region=us-east-1 \
        "store.url=http://$S3_ENDPOINT" "aws.access.key.id=$S3_ID" "aws.secret.access.key=$S3_SECRET"
oss=("${base[@]}" storage.class=oss oss.bucket=opsb "oss.region=$OSS_GW_REGION" "oss.access.key.id=$OSS_GW_ID"
        "oss.access.key.secret=$OSS_GW_SECRET" oss.part.size=1048576)
write_props "$dir/oss4.properties" "${oss[@]}" "oss.endpoint=http://localhost:${OSS_GW_ENDPOINT#*:}"
write_props "$dir/oss1.properties" "${oss[@]}" oss.signature.version=v1 "oss.endpoint=http://$OSS_GW_ENDPOINT" \
        oss.security.token=STS.kcoTestSessionToken

# (oss1 also carries an STS token: x-oss-security-token is signed)
keys=("ops/a b/ü+=%~.txt" "ops/dir/x=1/y+2.json" "ops/plain.bin")
for store in local s3 oss4 oss1; do
        note "$store"
        props=$dir/$store.properties
        pre="ops-$store"
        for k in "${keys[@]}"; do
                "$cmd" "$props" put "$pre/${k#ops/}" "$dir/small.bin" >/dev/null 2>"$dir/err" || fail "$store put $k: $(cat "$dir/err")"
        done
        "$cmd" "$props" put "$pre/big/multi.bin" "$dir/big.bin" >/dev/null 2>"$dir/err" || fail "$store put big: $(cat "$dir/err")"
        "$cmd" "$props" ls "$pre/" >"$dir/ls" 2>"$dir/err" || fail "$store ls: $(cat "$dir/err")"
        expected=$(printf '%s\n' "$pre/a b/ü+=%~.txt 300" "$pre/big/multi.bin $((6 * 1024 * 1024 + 123))" \
                "$pre/dir/x=1/y+2.json 300" "$pre/plain.bin 300")
        assert_eq "$expected" "$(cat "$dir/ls")" "$store listing"
        assert_eq "$(printf '%s\n' "$pre/dir/x=1/y+2.json 300")" "$("$cmd" "$props" ls "$pre/dir/x" 2>/dev/null)" \
                "$store listing of a deeper prefix"
        assert_eq 300 "$("$cmd" "$props" head "$pre/a b/ü+=%~.txt" 2>/dev/null)" "$store head"
        "$cmd" "$props" head "$pre/nothing-here" >/dev/null 2>&1 && fail "$store head of a missing key succeeded"
        "$cmd" "$props" rm "$pre/a b/ü+=%~.txt" 2>"$dir/err" || fail "$store rm: $(cat "$dir/err")"
        "$cmd" "$props" head "$pre/a b/ü+=%~.txt" >/dev/null 2>&1 && fail "$store: deleted object still there"
        "$cmd" "$props" rm "$pre/a b/ü+=%~.txt" 2>"$dir/err" || fail "$store rm of a missing key: $(cat "$dir/err")"
        assert_eq 3 "$("$cmd" "$props" ls "$pre/" 2>/dev/null | wc -l)" "$store objects after delete"
done
# the two-phase commit: a prepared upload is invisible until finished; finishing twice is fine; a cancelled one
# is gone (finishing it then says it is lost); sweep discards an unfinished one (local temp files; OSS through
# ListMultipartUploads; s3rver has none, which the sweep must survive)
for store in local s3 oss4 oss1; do
        props=$dir/$store.properties
        pre="2pc-$store"
        for f in small big; do
                k="$pre/x=1/$f+1.bin"
                tok=$("$cmd" "$props" prepare "$k" "$dir/$f.bin" 2>"$dir/err") || fail "$store prepare $f: $(cat "$dir/err")"
                [[ $tok =~ ^[[:graph:]]+$ ]] || fail "$store: token '$tok'"
                "$cmd" "$props" head "$k" >/dev/null 2>&1 && fail "$store: a prepared object is visible"
                "$cmd" "$props" finish "$k" "$tok" 2>"$dir/err" || fail "$store finish $f: $(cat "$dir/err")"
                "$cmd" "$props" get "$k" >"$dir/got" 2>"$dir/err" || fail "$store get $f: $(cat "$dir/err")"
                cmp "$dir/$f.bin" "$dir/got" || fail "$store: the finished $f object differs"
                # (s3rver answers a completed upload's completion with 500, not 404 NoSuchUpload as S3 and OSS do)
                [[ $store == s3 ]] ||
                        "$cmd" "$props" finish "$k" "$tok" 2>"$dir/err" || fail "$store finish twice: $(cat "$dir/err")"
        done
        tok=$("$cmd" "$props" prepare "$pre/gone.bin" "$dir/small.bin" 2>"$dir/err") || fail "$store prepare: $(cat "$dir/err")"
        "$cmd" "$props" cancel "$pre/gone.bin" "$tok" 2>"$dir/err" || fail "$store cancel: $(cat "$dir/err")"
        if [[ $store != s3 ]]; then
                "$cmd" "$props" finish "$pre/gone.bin" "$tok" 2>"$dir/err" && fail "$store finished a cancelled upload"
                grep -q "lost" "$dir/err" || fail "$store: finishing a cancelled upload: $(cat "$dir/err")"
        fi
        "$cmd" "$props" get "$pre/gone.bin" >/dev/null 2>&1 && fail "$store: a cancelled object exists"
        "$cmd" "$props" prepare "$pre/left.bin" "$dir/small.bin" >/dev/null 2>"$dir/err" || fail "$store prepare: $(cat "$dir/err")"
        swept=$("$cmd" "$props" sweep "$pre/" 2>"$dir/err") || fail "$store sweep: $(cat "$dir/err")"
        assert_eq "$([[ $store == s3 ]] && echo 0 || echo 1)" "$swept" "$store: unfinished uploads swept"
done
[[ -z $(find "$dir/local" -name '*.kco-tmp') ]] || fail "temp files left in the local store"
# a listing longer than one page (the stores answer at most 1000 keys, the gateway 100 unless asked): every key
# once, in order
for store in s3 oss4; do
        "$cmd" "$dir/$store.properties" put-many "many-$store/k" 1003 2>"$dir/err" || fail "$store put-many: $(cat "$dir/err")"
        "$cmd" "$dir/$store.properties" ls "many-$store/" >"$dir/ls" 2>"$dir/err" || fail "$store ls: $(cat "$dir/err")"
        assert_eq "$(seq -f "many-$store/k%05g 2" 0 9; seq -f "many-$store/k%05g 3" 10 99; \
                seq -f "many-$store/k%05g 4" 100 999; seq -f "many-$store/k%05g 5" 1000 1002)" "$(cat "$dir/ls")" \
                "$store listing of 1003 keys"
done
# the gateway's files are the objects: compare with what the store layer listed
cmp "$dir/big.bin" "$OSS_GW_DIR/opsb/ops-oss4/big/multi.bin" || fail "the multipart object differs"
cmp "$dir/small.bin" "$dir/local/ops-local/plain.bin" || fail "the local object differs"
grep -q '"op":"ListObjectsV2"' "$OSS_GW_LOG" || grep -q 'list-type=2' "$OSS_GW_LOG" || fail "no ListObjectsV2 at the gateway"
