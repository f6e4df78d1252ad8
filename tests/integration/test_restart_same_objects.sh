#!/usr/bin/env bash
# test_restart_same_objects.sh - a stop and a restart resume from the committed offsets: the objects of the
# first run are untouched, the second run adds the rest, no offset twice. A second connector (its own consumer
# group, so it replays everything from offset 0) writing into the same directory rebuilds the same objects under
# the same names byte for byte: replays overwrite, they never duplicate.
. "$(dirname "$0")/lib.sh"

mock_start --topic r:2
dir=$(kco_tmpdir)
out=$dir/out
gen() { # from to partition
        for ((i = $1; i < $2; i++)); do printf '{"p":%d,"n":%d,"w":"%s"}\n' "$3" "$i" "$RANDOM"; done
}
gen 0 530 0 >"$dir/a0.txt"
gen 0 530 1 >"$dir/a1.txt"
produce_file r 0 "$dir/a0.txt"
produce_file r 1 "$dir/a1.txt"

worker_props "$dir/worker.properties"
connector_props "$dir/a.properties" name=sink-a topics=r flush.size=100 "store.url=file://$out"
worker_start "$dir/worker.properties" "$dir/a.properties"
wait_for at_least 10 count_files "$out" '*.json'
committed_both() { # group offset
        local a b
        a=$(mock_committed "$1" r 0) && b=$(mock_committed "$1" r 1) && [[ ${a%% *} == "$2" && ${b%% *} == "$2" ]]
}
wait_for committed_both connect-sink-a 500
worker_stop
(cd "$out" && find . -type f | sort | xargs sha256sum) >"$dir/first.sha"
assert_eq 10 "$(wc -l <"$dir/first.sha")" "objects after the first run"

note "more data, restart"
gen 530 1000 0 >"$dir/b0.txt"
gen 530 1000 1 >"$dir/b1.txt"
produce_file r 0 "$dir/b0.txt"
produce_file r 1 "$dir/b1.txt"
worker_start "$dir/worker.properties" "$dir/a.properties"
wait_for at_least 20 count_files "$out" '*.json'
worker_stop
assert_eq 20 "$(count_files "$out" '*.json')" "objects after the restart"
(cd "$out" && sha256sum --quiet -c "$dir/first.sha") || fail "the restart changed objects of the first run"

cat "$dir/a0.txt" "$dir/b0.txt" >"$dir/all0.txt"
cat "$dir/a1.txt" "$dir/b1.txt" >"$dir/all1.txt"
python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
exp = {}
for p in (0, 1):
    vals = [json.loads(l) for l in open("%s/all%d.txt" % (d, p))]
    exp[str(p)] = {"records": vals, "committed_to": 1000}
json.dump(exp, open(d + "/expect.json", "w"))
PY
json_read "$out" >"$dir/read.jsonl"
python3 "$KCO_ROOT/tests/integration/check/objects.py" "$dir/read.jsonl" r 100 "$dir/expect.json"

note "replay everything with another consumer group into the same directory"
(cd "$out" && find . -type f | sort | xargs sha256sum) >"$dir/all.sha"
connector_props "$dir/b.properties" name=sink-b topics=r flush.size=100 "store.url=file://$out"
worker_start "$dir/worker.properties" "$dir/b.properties"
wait_for bash -c "[ \"\$(grep -c '] File [^ ]* committed' '$WORKER_LOG')\" -ge 20 ]"
worker_stop
assert_eq 20 "$(count_files "$out" '*.json')" "objects after the replay"
(cd "$out" && sha256sum --quiet -c "$dir/all.sha") || fail "the replay wrote different bytes"
