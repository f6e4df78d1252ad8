#!/usr/bin/env python3
"""What a Parquet file written from JSON records by parquet-protobuf must read back as, worked out by the
official protobuf runtime (Debian's python3-protobuf: its json_format parser), independently of the project.

usage: proto_expect.py DESC MESSAGE expect IN.jsonl OUT.jsonl REJECTS
       proto_expect.py DESC MESSAGE normalize IN.jsonl OUT.jsonl

DESC is a FileDescriptorSet (protoc --include_imports --descriptor_set_out), MESSAGE a full name.

expect: parses every line of IN with json_format.Parse into MESSAGE (strict: unknown fields are errors); a
line that does not parse, or misses a proto2 required field, is written to REJECTS as its 1-based line number;
every other line becomes one line of OUT in tests/node/parquet-read.mjs's canonical JSON for parquet-protobuf's
layout: fields in declaration order, named as declared; a field without a value (presence) is null; repeated
fields are arrays; maps are arrays of {"key", "value"} (sorted, see normalize); enums their value names;
int32-kind unsigned values above 2^31-1 and 64-bit ones above 2^63-1 as Java's signed int / long; int64
beyond 2^53-1 as strings; NaN / Infinity as strings; bytes {"$bytes": base64}; nested messages objects.

normalize: rewrites the lines of IN (what parquet-read.mjs printed) with map entries sorted the same way, so
the two can be compared with json_compare.py (map order is not kept by the protobuf runtime).
"""
import base64
import json
import math
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.descriptor import FieldDescriptor as FD

SAFE = 2**53 - 1
INT32_KINDS = {FD.TYPE_INT32, FD.TYPE_SINT32, FD.TYPE_SFIXED32, FD.TYPE_UINT32, FD.TYPE_FIXED32}
INT64_KINDS = {FD.TYPE_INT64, FD.TYPE_SINT64, FD.TYPE_SFIXED64, FD.TYPE_UINT64, FD.TYPE_FIXED64}


def is_map(f):
    return f.type == FD.TYPE_MESSAGE and f.message_type.GetOptions().map_entry


def real(x):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def value(v, f):
    if f.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
        return message(v, f.message_type)
    if f.type == FD.TYPE_ENUM:
        ev = f.enum_type.values_by_number.get(v)
        return ev.name if ev else "UNKNOWN_ENUM_VALUE_%s_%d" % (f.enum_type.name, v)
    if f.type in INT32_KINDS:
        return v - 2**32 if v >= 2**31 else v
    if f.type in INT64_KINDS:
        if v >= 2**63:
            v -= 2**64
        return v if -SAFE <= v <= SAFE else str(v)
    if f.type in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE):
        return real(v)
    if f.type == FD.TYPE_BYTES:
        return {"$bytes": base64.b64encode(v).decode()}
    return v  # bool, string


def entry_key(e):
    return json.dumps(e["key"], sort_keys=True)


def message(m, d):
    out = {}
    for f in d.fields:
        if f.label == FD.LABEL_REPEATED:
            if is_map(f):
                kf, vf = f.message_type.fields_by_name["key"], f.message_type.fields_by_name["value"]
                items = [{"key": value(k, kf), "value": value(v, vf)} for k, v in getattr(m, f.name).items()]
                out[f.name] = sorted(items, key=entry_key)
            else:
                out[f.name] = [value(v, f) for v in getattr(m, f.name)]
        elif f.has_presence and not m.HasField(f.name):
            out[f.name] = None
        else:
            out[f.name] = value(getattr(m, f.name), f)
    return out


def normalize(row, d):
    if not isinstance(row, dict):
        return row
    for f in d.fields:
        v = row.get(f.name)
        if v is None:
            continue
        if is_map(f):
            row[f.name] = sorted((normalize(e, f.message_type) for e in v), key=entry_key)
        elif f.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
            row[f.name] = [normalize(e, f.message_type) for e in v] if isinstance(v, list) else \
                normalize(v, f.message_type)
    return row


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    fds = descriptor_pb2.FileDescriptorSet()
    with open(sys.argv[1], "rb") as fh:
        fds.ParseFromString(fh.read())
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)
    d = pool.FindMessageTypeByName(sys.argv[2])
    cls = message_factory.MessageFactory(pool).GetPrototype(d)
    mode, src, dst = sys.argv[3], sys.argv[4], sys.argv[5]
    with open(src, encoding="utf-8") as inp, open(dst, "w", encoding="utf-8") as out:
        if mode == "normalize":
            for line in inp:
                out.write(json.dumps(normalize(json.loads(line), d), ensure_ascii=False) + "\n")
            return
        with open(sys.argv[6], "w") as rej:
            for no, line in enumerate(inp, 1):
                m = cls()
                try:
                    json_format.Parse(line, m)
                    ok = m.IsInitialized()
                except json_format.ParseError:
                    ok = False
                if not ok:
                    rej.write("%d\n" % no)
                    continue
                out.write(json.dumps(message(m, d), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
