#!/usr/bin/env python3
"""Checks the objects of one topic against what was produced, from DuckDB's reading of them.

usage: objects.py READ_JSONL TOPIC FLUSH_SIZE EXPECT_JSON

READ_JSONL: the output of tests/node/json-read.mjs (one {"file","line","value"} per record).
EXPECT_JSON: {"<partition>": {"committed_to": N, "records": [v0, v1, ...]}} - the values produced
to each partition in offset order (offset = index), and the offset up to which objects must exist.

Checks, for every partition: object names follow topics/<topic>/partition=<p>/<topic>+<p>+<%010d>.json;
each object holds exactly FLUSH_SIZE records; its first record is the record at its start offset; the
objects cover offsets [0, committed_to) exactly once, in order, with the produced values; nothing at or
past committed_to is visible. Prints a summary; exits 1 with the first problem found.
"""
import json
import re
import sys


def main():
    read_path, topic, flush, expect_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    expect = json.load(open(expect_path))
    files = {}
    for line in open(read_path, encoding="utf-8"):
        rec = json.loads(line)
        files.setdefault(rec["file"], []).append(rec["value"])
    name_re = re.compile(r"^topics/%s/partition=(\d+)/%s\+(\d+)\+(\d{10})\.json$" % (re.escape(topic), re.escape(topic)))
    seen = {}
    for f, values in files.items():
        m = name_re.match(f)
        if not m:
            sys.exit("unexpected object name %r" % f)
        p, p2, start = m.group(1), m.group(2), int(m.group(3))
        if p != p2:
            sys.exit("%s: partition in directory and name differ" % f)
        if len(values) != flush:
            sys.exit("%s: %d records, expected flush.size %d" % (f, len(values), flush))
        seen.setdefault(p, []).append((start, f, values))
    total = 0
    for p, e in expect.items():
        produced, upto = e["records"], e["committed_to"]
        objs = sorted(seen.get(p, []))
        off = 0
        for start, f, values in objs:
            if start != off:
                sys.exit("partition %s: object %s starts at %d, expected %d (gap or overlap)" % (p, f, start, off))
            for i, v in enumerate(values):
                if v != produced[start + i]:
                    sys.exit("%s line %d: got %r, produced %r at offset %d" % (f, i + 1, v, produced[start + i], start + i))
            off += len(values)
        if off != upto:
            sys.exit("partition %s: objects cover offsets [0, %d), expected [0, %d)" % (p, off, upto))
        total += off
    extra = set(seen) - set(expect)
    if extra:
        sys.exit("objects for unexpected partitions %s" % sorted(extra))
    print("ok: %d objects, %d records, every offset exactly once" % (len(files), total))


main()
