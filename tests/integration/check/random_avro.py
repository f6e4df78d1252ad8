#!/usr/bin/env python3
"""Random Avro schemas and records for round-trip tests, deterministic per seed.

usage: random_avro.py SEED DIR [RECORDS]

Writes DIR/schema.avsc (a record of up to 10 fields of random types nested up to 4 levels: int, long, float,
double, boolean, string, bytes, fixed, enum, arrays, maps, records, optional unions ["null", X], decimal
(bytes, precision <= 18), date, time-millis, timestamp-millis) and DIR/records.jsonl (RECORDS records, default 40,
in the canonical JSON form of tests/node/avro-common.mjs: longs beyond 2^53 as strings, bytes as
{"$bytes": base64}, decimals as strings with exactly `scale` fraction digits, floats as exact float32 values).
The same seed always gives the same files. Standard library only.
"""
import base64
import json
import os
import random
import struct
import sys

SAFE = 2**53 - 1


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.n = 0

    def name(self, prefix):
        self.n += 1
        return "%s%d" % (prefix, self.n)

    def schema(self, depth):
        r = self.r
        leaves = ["int", "long", "float", "double", "boolean", "string", "bytes", "fixed", "enum", "decimal",
                  "date", "time", "timestamp"]
        nested = ["array", "map", "record", "optional"] if depth < 4 else ["optional"]
        kind = r.choice(leaves * 2 + nested * 3 if depth < 4 else leaves)
        if kind == "fixed":
            return {"type": "fixed", "name": self.name("F"), "size": r.randint(1, 12)}
        if kind == "enum":
            return {"type": "enum", "name": self.name("E"), "symbols": ["S%d" % i for i in range(r.randint(1, 5))]}
        if kind == "decimal":
            p = r.randint(1, 18)
            return {"type": "bytes", "logicalType": "decimal", "precision": p, "scale": r.randint(0, p)}
        if kind == "date":
            return {"type": "int", "logicalType": "date"}
        if kind == "time":
            return {"type": "int", "logicalType": "time-millis"}
        if kind == "timestamp":
            return {"type": "long", "logicalType": "timestamp-millis"}
        if kind == "array":
            return {"type": "array", "items": self.schema(depth + 1)}
        if kind == "map":
            return {"type": "map", "values": self.schema(depth + 1)}
        if kind == "record":
            return self.record(depth + 1)
        if kind == "optional":
            inner = self.schema(depth + 1)
            while isinstance(inner, list):
                inner = self.schema(depth + 1)
            return ["null", inner]
        return kind

    def record(self, depth):
        fields = [{"name": "f%d" % i, "type": self.schema(depth)} for i in range(self.r.randint(1, 10 if depth == 0 else 4))]
        return {"type": "record", "name": self.name("R"), "fields": fields}

    def value(self, s):
        r = self.r
        if isinstance(s, list):
            return None if r.random() < 0.3 else self.value(s[1])
        if isinstance(s, str):
            s = {"type": s}
        t, lt = s["type"], s.get("logicalType")
        if lt == "decimal":
            v = r.randint(-(10**s["precision"]) + 1, 10**s["precision"] - 1)
            sign, digits = ("-" if v < 0 else ""), str(abs(v)).rjust(s["scale"] + 1, "0")
            return sign + (digits[:-s["scale"]] + "." + digits[-s["scale"]:] if s["scale"] else digits)
        if lt == "date":
            return r.randint(-30000, 60000)
        if lt == "time-millis":
            return r.randint(0, 86399999)
        if lt == "timestamp-millis":
            return r.randint(-2**40, 2**42)
        if t == "int":
            return r.choice([0, 1, -1, 2**31 - 1, -2**31, r.randint(-2**31, 2**31 - 1)])
        if t == "long":
            v = r.choice([0, -1, 2**63 - 1, -2**63, SAFE + 2, r.randint(-2**63, 2**63 - 1), r.randint(-1000, 1000)])
            return v if -SAFE <= v <= SAFE else str(v)
        if t == "float":
            f = struct.unpack("<f", struct.pack("<f", r.uniform(-1e6, 1e6)))[0]
            return r.choice([0.0, 1.5, f])
        if t == "double":
            return r.choice([0.0, -2.5, 1e-300, r.uniform(-1e12, 1e12)])
        if t == "boolean":
            return r.random() < 0.5
        if t == "string":
            return "".join(r.choice("aZ09 _-\u00e9\u4e2d\U0001f600\"\\") for _ in range(r.randint(0, 12)))
        if t == "bytes":
            return {"$bytes": base64.b64encode(bytes(r.randrange(256) for _ in range(r.randint(0, 16)))).decode()}
        if t == "fixed":
            return {"$bytes": base64.b64encode(bytes(r.randrange(256) for _ in range(s["size"]))).decode()}
        if t == "enum":
            return r.choice(s["symbols"])
        if t == "array":
            return [self.value(s["items"]) for _ in range(r.randint(0, 4))]
        if t == "map":
            return {"k%d" % i: self.value(s["values"]) for i in range(r.randint(0, 3))}
        if t == "record":
            return {f["name"]: self.value(f["type"]) for f in s["fields"]}
        raise ValueError(t)


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    g = Gen(int(sys.argv[1]))
    n = int(sys.argv[3]) if len(sys.argv) == 4 else 40
    schema = g.record(0)
    schema["name"] = "Random"
    schema["namespace"] = "kco.rnd"
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "schema.avsc"), "w") as f:
        json.dump(schema, f)
    with open(os.path.join(sys.argv[2], "records.jsonl"), "w", encoding="utf-8") as f:
        for _ in range(n):
            f.write(json.dumps(g.value(schema), ensure_ascii=False, separators=(",", ":")) + "\n")


main()
