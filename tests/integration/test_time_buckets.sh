#!/usr/bin/env bash
# test_time_buckets.sh - the time-based partitioners' bucket names
# (src/partition/kco_tz.c + kco_timefmt.c, through build/kco-timefmt) against
# an independent computation (tests/integration/check/time_expect.py: Python's
# zoneinfo on the system tz database, plain datetime arithmetic) on a few
# thousand deterministic cases: instants around every offset transition of
# 2000-2030 in America/New_York, Europe/London, Australia/Lord_Howe (30-minute
# DST), Asia/Shanghai, Asia/Kolkata, America/St_Johns and Pacific/Chatham,
# plus seeded random instants 1900-2100, with durations of 15 min, 1 h, 7 h
# and 24 h and three path.format patterns. Every line must be identical; the
# first difference is printed.
#
# Not compared: bucket starts that fall inside a spring-forward gap (the local
# time does not exist). There Joda converts with the offset before the gap, a
# rule the judge would only restate; tests/unit/test_time.c works such cases
# out by hand (New York, London, Lord Howe). The judge prints "SKIP gap" for
# them and this test counts them.
#
# The comparison must be able to fail: the same cases formatted as if every
# zone were UTC have to differ from the judge. No broker needed.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

judge=$KCO_ROOT/tests/integration/check/time_expect.py
ours=$BUILD/kco-timefmt
[[ -x $ours ]] || fail "$ours is not built: run make"
python3 -c 'import zoneinfo; zoneinfo.ZoneInfo("Australia/Lord_Howe")' 2>/dev/null ||
        fail "python3 zoneinfo has no tz database (Debian: tzdata)"

dir=$(kco_tmpdir)

note "generating cases"
python3 "$judge" gen >"$dir/cases.txt" || fail "time_expect.py gen failed"
total=$(wc -l <"$dir/cases.txt")
((total >= 5000)) || fail "only $total cases generated"

note "judge (zoneinfo)"
python3 "$judge" expect <"$dir/cases.txt" >"$dir/expect.txt" 2>"$dir/expect.err" ||
        fail "time_expect.py expect failed: $(tail -n 5 "$dir/expect.err")"
note "ours (kco-timefmt)"
"$ours" <"$dir/cases.txt" >"$dir/ours.txt" 2>"$dir/ours.err" ||
        fail "kco-timefmt failed: $(tail -n 5 "$dir/ours.err")"

# compare CASES EXPECT OURS: prints "compared N skipped M"; on the first
# difference prints it and exits 1.
compare() {
        python3 - "$@" <<'EOF'
import sys
cases, expect, ours = (open(p, encoding="utf-8").read().split("\n")[:-1] for p in sys.argv[1:4])
if not (len(cases) == len(expect) == len(ours)):
    print(f"line counts differ: cases {len(cases)}, judge {len(expect)}, ours {len(ours)}")
    sys.exit(1)
compared = skipped = 0
for i, (c, e, o) in enumerate(zip(cases, expect, ours), 1):
    if e == "SKIP pattern":
        print(f"line {i}: the judge does not know the pattern of: {c}")
        sys.exit(1)
    if e.startswith("SKIP"):
        skipped += 1
        continue
    if e != o:
        print(f"first difference, line {i}: {c}\n  judge: {e}\n  ours:  {o}")
        sys.exit(1)
    compared += 1
print(f"compared {compared} skipped {skipped}")
EOF
}

result=$(compare "$dir/cases.txt" "$dir/expect.txt" "$dir/ours.txt") || fail "$result"
note "$result (skipped: bucket starts inside a DST gap)"
compared=${result#compared }
compared=${compared%% *}
((compared >= total * 9 / 10)) || fail "only $compared of $total cases compared"

note "the comparison can fail: every zone read as UTC must differ"
awk '{ $2 = "UTC"; print }' "$dir/cases.txt" | "$ours" >"$dir/ours-utc.txt"
if compare "$dir/cases.txt" "$dir/expect.txt" "$dir/ours-utc.txt" >"$dir/utc.out"; then
        fail "formatting in UTC was not told apart from the zones: $(cat "$dir/utc.out")"
fi
note "as expected: $(head -n 1 "$dir/utc.out")"
note "ok"
