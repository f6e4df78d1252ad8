#!/usr/bin/env bash
# test_json_reader.sh - the JSON judge (tests/node/json-read.mjs, DuckDB)
# reads hand-written JSON-lines files exactly, in file and line order, through
# gzip and zstd, and fails on a corrupt line or a blank line: a judge that
# cannot fail proves nothing. Checked with Python's json module.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

root=$(kco_tmpdir)
part=$root/topics/t/partition=0
mkdir -p "$part" "$root/topics/t/partition=1"

# Offsets 0-2 plain, 3-5 gzip, 6-7 zstd; a file in another partition.
printf '%s\n' '{"a":1,"b":[true,null],"c":{"d":"e"}}' '"just a string"' '42' >"$part/t+0+0000000000.json"
printf '%s\n' 'null' '{"u":"h\u00e9llo ✓ 日本 \ud83d\ude00"}' '-1.5e3' | gzip -c >"$part/t+0+0000000003.json.gz"
printf '%s\n' '12345678901234567890' '{"quote":"a\"b\\c\nd"}' | zstd -q -c >"$part/t+0+0000000006.json.zst"
printf '%s\n' '[1,"two",{"three":3}]' >"$root/topics/t/partition=1/t+1+0000000000.json"
printf 'not json at all\n' >"$root/notes.txt"
# A local-store temp file (hidden): wildcards must not pick it up.
printf '{"half":\n' >"$part/.t+0+0000000008.json.123-1.kco-tmp"

json_read "$root" >"$root/out.jsonl" || fail "json-read failed on valid files"
python3 - "$root/out.jsonl" <<'EOF' || fail "json-read output differs from what was written"
import json, sys

P = "topics/t/partition=0/t+0+"
want = [
    (P + "0000000000.json", 1, {"a": 1, "b": [True, None], "c": {"d": "e"}}),
    (P + "0000000000.json", 2, "just a string"),
    (P + "0000000000.json", 3, 42),
    (P + "0000000003.json.gz", 1, None),
    (P + "0000000003.json.gz", 2, {"u": "h\u00e9llo \u2713 \u65e5\u672c \U0001F600"}),
    (P + "0000000003.json.gz", 3, -1500.0),
    (P + "0000000006.json.zst", 1, 12345678901234567890),
    (P + "0000000006.json.zst", 2, {"quote": 'a"b\\c\nd'}),
    ("topics/t/partition=1/t+1+0000000000.json", 1, [1, "two", {"three": 3}]),
]
got = []
with open(sys.argv[1], encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        rec = json.loads(line)
        if sorted(rec) != ["file", "line", "value"]:
            sys.exit(f"output line {n}: keys {sorted(rec)}")
        got.append((rec["file"], rec["line"], rec["value"]))
ok = len(got) == len(want)
for g, w in zip(got, want):
    # Compare types too: 42 must not come back as 42.0 or "42".
    if g != w or type(g[2]) is not type(w[2]):
        ok = False
        print(f"want {w!r}\n got {g!r}")
if not ok:
    sys.exit(f"{len(got)} records, {len(want)} expected")
EOF

note "a glob picks files"
assert_eq 2 "$(json_read "$root" '**/*.zst' | wc -l)" "records in .zst files"
assert_eq 1 "$(json_read "$root" 'topics/t/partition=1/*' | wc -l)" "records in partition 1"

note "a corrupt line fails the reader and names the file"
bad=$(kco_tmpdir)
printf '%s\n' '{"ok":1}' '{"truncated":' '{"ok":3}' >"$bad/t+0+0000000000.json"
if json_read "$bad" >"$bad/out" 2>"$bad/err"; then
        fail "json-read accepted a corrupt line"
fi
grep -q 't+0+0000000000.json' "$bad/err" || fail "the error does not name the file: $(cat "$bad/err")"

note "a corrupt line inside a gzip file fails too"
rm "$bad"/*
printf '%s\n' '{"ok":1}' '{bad}' | gzip -c >"$bad/t+0+0000000000.json.gz"
json_read "$bad" >/dev/null 2>&1 && fail "json-read accepted a corrupt gzip line"

note "a blank line fails (DuckDB alone would skip it)"
rm "$bad"/*
printf '%s\n' '{"ok":1}' '' '{"ok":2}' >"$bad/t+0+0000000000.json"
json_read "$bad" >/dev/null 2>"$bad/err.txt" && fail "json-read accepted a blank line"
grep -q 'line 2 is blank' "$bad/err.txt" || fail "blank line not reported: $(cat "$bad/err.txt")"

note "two values on one line fail"
rm "$bad"/*
printf '%s\n' '{"a":1} {"b":2}' >"$bad/t+0+0000000000.json"
json_read "$bad" >/dev/null 2>&1 && fail "json-read accepted two values on one line"

note "ok"
