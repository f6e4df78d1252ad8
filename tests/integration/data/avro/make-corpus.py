#!/usr/bin/env python3
"""make-corpus.py - writes records.jsonl and records-v2.jsonl, the Avro test corpus, in the canonical JSON form
(tests/node/avro-common.mjs): bytes/fixed as {"$bytes": base64}, decimals as strings with 2 fraction digits, longs
beyond 2^53-1 as strings, dates/times/timestamps as ints, unions unwrapped. Deterministic; run it from anywhere:

    python3 tests/integration/data/avro/make-corpus.py
"""
import base64
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def b64(b):
    return {"$bytes": base64.b64encode(b).decode()}


def pick(values, i, step=1):
    return values[(i * step) % len(values)]


INTS = [0, 1, -1, 2147483647, -2147483648, 42, -123456789]
LONGS = [0, 1, -1, 9007199254740991, -9007199254740991, "9007199254740992", "9007199254740993",
         "9223372036854775807", "-9223372036854775808", 1234567890123, -42]
FLOATS = [0.0, 1.5, -2.25, f32(3.4028234663852886e38), f32(-3.4028234663852886e38), f32(1.401298464324817e-45),
          f32(1.1754943508222875e-38), 16777216.0, f32(0.1), -0.125, 100.5, f32(3.14)]
DOUBLES = [0.0, 0.1, -1e-300, 1.7976931348623157e308, 5e-324, 123456.789, -2.5, 1e21, 1e-7, 3.141592653589793]
STRINGS = ["", "plain", "héllo wörld", "中文字符", "emoji 😀🎉", "tab\there", "new\nline", "quote \" backslash \\",
           "ctrl \u0001\u001f", "nul \u0000 inside", "long " + "x" * 1000, "עברית", "Ελληνικά"]
RAWS = [b"", bytes(range(256)), b"\x00", b"\xff\xfe", b"hello", b"\x80" * 3]
FIXED = [b"\x00" * 8, b"\xff" * 8, b"ABCDEFGH", bytes(range(8)), b"\x80\x7f" * 4]
COLORS = ["RED", "GREEN", "BLUE"]
DECIMALS = ["0.00", "1.00", "-0.01", "0.01", "12345678.90", "-99999999.99", "99999999.99", "-123.45", "3.14",
            "-1.00", "100.50"]
DAYS = [0, -1, 1, 19000, 2932896, -719162, 20000]
TIMES = [0, 1, 86399999, 43200000, 3723004]
STAMPS = [0, 1, -1, 1700000000123, -86400000, 253402300799999, -62135596800000]
ATTRS = [{}, {"a": [1, 2, 3]}, {"": []}, {"ü": ["-9223372036854775808"], "k": [0]},
         {"x": ["9223372036854775807", -1], "y": [], "z": [9007199254740991]}]


def items(i):
    n = i % 4
    return [{"name": "item-%d-%d" % (i, j), "qty": pick(INTS, i + j), "tags": ["t%d" % k for k in range(j)]}
            for j in range(n)]


def record(i):
    return {
        "id": i,
        "i": pick(INTS, i),
        "l": pick(LONGS, i),
        "f": pick(FLOATS, i),
        "d": pick(DOUBLES, i),
        "b": i % 2 == 0,
        "s": pick(STRINGS, i),
        "raw": b64(pick(RAWS, i)),
        "fx": b64(pick(FIXED, i)),
        "color": pick(COLORS, i),
        "items": items(i),
        "attrs": pick(ATTRS, i),
        "address": {
            "street": pick(STRINGS, i + 3),
            "zip": None if i % 3 == 0 else "%05d" % (i * 7919 % 100000),
            "geo": {"lat": pick(DOUBLES, i + 1), "lon": -pick(DOUBLES, i + 2) or 0.0},
        },
        "opt_s": None if i % 2 else pick(STRINGS, i, 5),
        "opt_l": None if i % 3 == 1 else pick(LONGS, i, 3),
        "opt_rec": None if i % 4 == 0 else {"w": pick(INTS, i), "h": i},
        "dec": pick(DECIMALS, i),
        "opt_dec": None if i % 5 == 2 else pick(DECIMALS, i, 3),
        "day": pick(DAYS, i),
        "tod": pick(TIMES, i),
        "ts": pick(STAMPS, i),
        "opt_ts": None if i % 2 == 1 else pick(STAMPS, i, 2),
    }


def write(name, records):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")


write("records.jsonl", [record(i) for i in range(60)])
v2 = []
for i in range(60, 70):
    r = record(i)
    r["note"] = None if i % 2 else "v2 note %d ✓" % i
    r["rev"] = 2 + i % 3
    v2.append(r)
write("records-v2.jsonl", v2)
