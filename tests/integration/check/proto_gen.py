#!/usr/bin/env python3
"""Deterministic random JSON records for ParquetJsonFormat tests and benchmarks (standard library only).

usage: proto_gen.py event SEED N   records of kco.test.Event (tests/integration/data/proto/kco/events.proto):
                                   every field kind, in both name styles, with nulls, int64 as strings or
                                   numbers, enums by name or number, maps, nested and repeated messages
       proto_gen.py click SEED N   records of kco.bench.Click (bench/proto/click.proto): ten mixed fields
                                   with a nested message, the shape of the benchmark

Prints N lines, one JSON object each, all valid for protobuf's JSON parser.
"""
import base64
import datetime
import json
import random
import sys

CITIES = ["Paris", "Oslo", "東京", "São Paulo", "", "Zürich", "New York", "Hangzhou"]
WORDS = ["alpha", "beta", "gamma", "delta", "ε", "", "zeta", "eta theta", "iota"]
LEVELS = ["LEVEL_UNSPECIFIED", "DEBUG", "INFO", "WARN"]


def maybe(r, p=0.2):
    return r.random() < p


def i64(r, v):
    return str(v) if maybe(r, 0.5) else v if abs(v) < 2**53 else str(v)


def geo(r):
    g = {}
    if not maybe(r):
        g["lat"] = round(r.uniform(-90, 90), 6)
    if not maybe(r):
        g["lon"] = round(r.uniform(-180, 180), 6)
    if not maybe(r):
        g["city"] = r.choice(CITIES)
    return g


def event(r, i):
    e = {"id": "ev-%d" % i, "seq": i64(r, r.randint(-2**63, 2**63 - 1) if maybe(r, 0.1) else i)}
    if not maybe(r):
        e["big"] = i64(r, r.choice([0, 1, 2**64 - 1, 2**63, r.randint(0, 2**64 - 1)]))
    if not maybe(r):
        e["u32"] = r.choice([0, 7, 2**31, 2**32 - 1])
    if not maybe(r):
        e["s32"] = r.randint(-2**31, 2**31 - 1)
    if not maybe(r):
        e["f64"] = i64(r, r.randint(0, 2**64 - 1))
    if not maybe(r):
        e["ratio"] = r.choice([0.5, 0.1, -2.25, 1e-7, "NaN", 3.0e38])
    if not maybe(r):
        e["score"] = r.choice([r.uniform(-1e6, 1e6), "Infinity", "-Infinity", 0, 1e-300])
    if not maybe(r):
        e["ok"] = maybe(r, 0.5)
    if not maybe(r):
        raw = bytes(r.randrange(256) for _ in range(r.randint(0, 40)))
        e["blob"] = (base64.urlsafe_b64encode if maybe(r, 0.5) else base64.b64encode)(raw).decode()
    if not maybe(r):
        e["level"] = r.choice(LEVELS) if maybe(r, 0.7) else r.randint(0, 3)
    if maybe(r, 0.5):
        e["note"] = r.choice(WORDS)
    elif maybe(r):
        e["note"] = None
    if not maybe(r, 0.3):
        e["geo"] = geo(r)
    if maybe(r, 0.6):
        e["items"] = [{"sku": "s%d" % r.randint(0, 99), "qty": r.randint(-5, 5),
                       "tags": [r.choice(WORDS) for _ in range(r.randint(0, 3))]} for _ in range(r.randint(0, 4))]
    if maybe(r, 0.6):
        e["counters"] = {r.choice(WORDS) + str(k): i64(r, r.randint(-10**12, 10**12)) for k in range(r.randint(0, 3))}
    if maybe(r, 0.4):
        e["places"] = {str(r.randint(-1000, 1000)): geo(r) for _ in range(r.randint(0, 3))}
    if maybe(r, 0.5):
        e["samples"] = [r.uniform(-10, 10) for _ in range(r.randint(0, 5))]
    if maybe(r, 0.5):
        sec = r.randint(-62135596800, 253402300799)
        nanos = r.choice([0, 123000000, 5, 999999999])
        t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=sec)
        frac = "" if not nanos else "." + ("%09d" % nanos).rstrip("0")
        e["at"] = t.isoformat() + frac + "Z"
    if maybe(r, 0.4):
        e["maybe"] = i64(r, r.randint(-2**63, 2**63 - 1))
    c = r.random()
    if c < 0.3:
        e["text"] = r.choice(WORDS)
    elif c < 0.6:
        e["code"] = r.randint(-100, 100)
    if not maybe(r):
        e["userName" if maybe(r, 0.5) else "user_name"] = r.choice(WORDS)
    if maybe(r, 0.4):
        e["levels"] = [r.choice(LEVELS) for _ in range(r.randint(0, 3))]
    return e


def click(r, i):
    return {
        "id": "c-%08d" % i,
        "ts": 1700000000000 + i * 37,
        "user": "user-%d" % r.randint(0, 50000),
        "page": "/p/%s/%d" % (r.choice(["home", "search", "cart", "item", "help"]), r.randint(0, 999)),
        "level": r.choice(["DEBUG", "INFO", "WARN"]),
        "duration": round(r.uniform(0, 5000), 3),
        "ok": r.random() < 0.9,
        "bytes": r.randint(0, 2**40),
        "geo": {"lat": round(r.uniform(-90, 90), 4), "lon": round(r.uniform(-180, 180), 4),
                "city": r.choice(CITIES)},
        "tags": [r.choice(WORDS) for _ in range(r.randint(0, 3))],
    }


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("event", "click"):
        sys.exit(__doc__)
    r = random.Random(int(sys.argv[2]))
    make = event if sys.argv[1] == "event" else click
    out = sys.stdout
    for i in range(int(sys.argv[3])):
        out.write(json.dumps(make(r, i), ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
