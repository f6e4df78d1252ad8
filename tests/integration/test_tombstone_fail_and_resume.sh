#!/usr/bin/env bash
# test_tombstone_fail_and_resume.sh - with behavior.on.null.values=fail a tombstone stops the task: the process
# exits 1 naming topic, partition and offset; nothing past the last object before it is committed. Restarted
# with behavior.on.null.values=ignore it resumes from the committed offset and loses nothing.
. "$(dirname "$0")/lib.sh"

mock_start --topic n:1
dir=$(kco_tmpdir)
out=$dir/out
for i in $(seq 0 249); do
        if ((i == 137)); then printf 'k%d:\n' "$i"; else printf 'k%d:{"n":%d}\n' "$i" "$i"; fi
done >"$dir/in.txt"
# kcat -Z: an empty value is produced as a null (a tombstone)
kcat -P -b "$BOOTSTRAP" -t n -p 0 -K: -Z -l "$dir/in.txt" || fail "kcat could not produce"
assert_eq "137 NULL" "$(kcat -C -b "$BOOTSTRAP" -t n -p 0 -o beginning -e -q -Z -f '%o %s\n' | sed -n 138p)" \
        "the tombstone at offset 137"

worker_props "$dir/worker.properties"
connector_props "$dir/fail.properties" topics=n flush.size=50 behavior.on.null.values=fail "store.url=file://$out"
worker_start "$dir/worker.properties" "$dir/fail.properties"
worker_wait 30
assert_eq 1 "$WORKER_RC" "exit status after the failing record"
grep -q 'failed at n-0 offset 137' "$WORKER_LOG" || fail "the error does not name n-0 offset 137"
assert_eq 2 "$(count_files "$out" '*.json')" "objects before the tombstone"
assert_eq 100 "$(mock_committed connect-oss-sink n 0 | cut -d' ' -f1)" "committed offset after the failure"

connector_props "$dir/ignore.properties" topics=n flush.size=50 behavior.on.null.values=ignore "store.url=file://$out"
worker_start "$dir/worker.properties" "$dir/ignore.properties"
wait_for at_least 4 count_files "$out" '*.json'
worker_stop
# offsets 100..149 and 150..199 held 50 and 49 records + the tombstone: the object starting at 100 gets 50 records
# by flush.size, i.e. offsets 100..150 without 137.
json_read "$out" | python3 -c '
import json, sys
seen = [json.loads(l)["value"]["n"] for l in sys.stdin]
want = [i for i in range(201) if i != 137]
assert seen == want, "records %s..%s (%d), expected 0..200 without 137" % (seen[:1], seen[-1:], len(seen))
print("ok:", len(seen), "records")'
