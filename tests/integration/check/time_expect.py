#!/usr/bin/env python3
"""What Confluent's TimeBasedPartitioner (Joda-Time) names a record's time bucket, worked out independently of
the project with Python's zoneinfo (the system tz database) and plain datetime arithmetic.

usage: time_expect.py gen [SEED]     prints the test cases, "TS_MS ZONE DURATION_MS PATTERN" a line
       time_expect.py expect         reads such lines, prints one expected line each

gen: instants around every offset transition of 2000-2030 (found by scanning the zone's offsets and bisecting
to the millisecond) in a fixed list of zones, plus seeded random instants 1900-2100; each with every duration
and a pattern picked in turn. Deterministic for a seed.

expect: local = ts + the zone's offset at ts; the bucket start is floor(local / duration) * duration in local
milliseconds; its wall-clock fields are formatted with the Joda letters this judge knows (yyyy, YYYY for
years > 0, MM, dd, HH, mm, ss; 'quoted' literals, '' a quote; any other non-letter copied). When that local
bucket start does not exist (it falls in a gap where clocks spring forward) the line is "SKIP gap": what Joda
does there (converts with the offset before the gap) is the unit test's business (tests/unit/test_time.c),
not a second implementation's here. An unknown letter prints "SKIP pattern".
"""
import random
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Shanghai", "Asia/Kolkata",
         "America/St_Johns", "Pacific/Chatham"]
DURATIONS = [15 * 60000, 3600000, 7 * 3600000, 24 * 3600000]
PATTERNS = ["YYYY-MM-dd-HH", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", "yyyyMMddHHmmss"]
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
NAIVE_EPOCH = datetime(1970, 1, 1)


def offset_ms(zone, ts):
    off = (EPOCH + timedelta(milliseconds=ts)).astimezone(zone).utcoffset()
    return off // timedelta(milliseconds=1)


def transitions(zone, first_year, last_year):
    """Instants (ms) where the zone's offset changes, first_year..last_year, to the millisecond."""
    start = int(datetime(first_year, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
    end = int(datetime(last_year + 1, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
    step = 6 * 3600000
    out = []
    t, off = start, offset_ms(zone, start)
    while t < end:
        nxt = t + step
        noff = offset_ms(zone, nxt)
        if noff != off:
            lo, hi = t, nxt  # offset(lo) == off, offset(hi) != off
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if offset_ms(zone, mid) == off:
                    lo = mid
                else:
                    hi = mid
            out.append(hi)
        t, off = nxt, noff
    return out


def gen(seed):
    rnd = random.Random(seed)
    deltas = [-2 * 3600000, -3600000, -1800000, -1, 0, 1, 1800000, 3600000, 2 * 3600000, 25 * 3600000]
    k = 0
    for name in ZONES:
        zone = ZoneInfo(name)
        for tr in transitions(zone, 2000, 2030):
            for d in deltas:
                for dur in DURATIONS:
                    print(tr + d, name, dur, PATTERNS[k % len(PATTERNS)])
                    k += 1
    lo = int(datetime(1900, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
    hi = int(datetime(2100, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
    for _ in range(1500):
        ts = rnd.randrange(lo, hi)
        name = rnd.choice(ZONES)
        print(ts, name, rnd.choice(DURATIONS), PATTERNS[k % len(PATTERNS)])
        k += 1


def tokens(pattern):
    """(kind, text): kind 'f' a run of one letter, 'l' literal text."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c.isascii() and c.isalpha():
            j = i
            while j < n and pattern[j] == c:
                j += 1
            out.append(("f", pattern[i:j]))
            i = j
            continue
        lit, quoted = [], False
        while i < n:
            c = pattern[i]
            if c == "'":
                if i + 1 < n and pattern[i + 1] == "'":
                    lit.append("'")
                    i += 2
                    continue
                quoted = not quoted
            elif not quoted and c.isascii() and c.isalpha():
                break
            else:
                lit.append(c)
            i += 1
        out.append(("l", "".join(lit)))
    return out


def fmt(local, pattern):
    parts = []
    for kind, text in tokens(pattern):
        if kind == "l":
            parts.append(text)
            continue
        width = len(text)
        value = {"y": local.year, "Y": local.year, "M": local.month, "d": local.day, "H": local.hour,
                 "m": local.minute, "s": local.second}.get(text[0])
        if value is None or width == 2 and text[0] in "yY":
            return None
        parts.append(str(value).zfill(width))
    return "".join(parts)


def expect_line(line):
    ts_s, name, dur_s, pattern = line.split(" ", 3)
    ts, dur = int(ts_s), int(dur_s)
    zone = ZoneInfo(name)
    local_ms = ts + offset_ms(zone, ts)
    start = local_ms // dur * dur  # Python's // floors, also below zero
    naive = NAIVE_EPOCH + timedelta(milliseconds=start)
    # Does this wall-clock time exist? Round trip it through UTC (fold 0 and 1 agree unless in a gap or overlap;
    # in a gap neither comes back to the same wall-clock time).
    back = naive.replace(tzinfo=zone).astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        return "SKIP gap"
    text = fmt(naive, pattern)
    return "SKIP pattern" if text is None else text


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "gen":
        gen(int(sys.argv[2]) if len(sys.argv) > 2 else 20190612)
    elif len(sys.argv) == 2 and sys.argv[1] == "expect":
        for line in sys.stdin:
            line = line.rstrip("\n")
            if line:
                print(expect_line(line))
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
