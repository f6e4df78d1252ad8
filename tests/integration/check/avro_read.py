#!/usr/bin/env python3
"""Reads Avro object container files with Debian's python3-avro, independently of the connector.

usage: avro_read.py [--schema | --codec] FILE...

Default: every record of every FILE, files in the order given, records in file order, each as one
line of compact JSON (separators "," and ":", keys of a record in schema field order, non-ASCII
text as UTF-8, not escaped). Values:

    Avro                                  printed as
    null, boolean, int, long, string      null, true/false, number, string (a long beyond
                                          +-(2^53-1) as a string of digits)
    float, double                         number (Python's shortest repr; a float is widened to
                                          double first: 1.1f prints as 1.100000023841858);
                                          NaN and the infinities as the strings "NaN",
                                          "Infinity", "-Infinity"
    bytes, fixed                          {"$bytes": "<standard base64, padded>"}
    decimal (logicalType on bytes)        string, plain notation, exactly `scale` digits after
                                          the point: "-1.23", "0.00", "12"
    date                                  days since 1970-01-01 (int)
    time-millis                           milliseconds since midnight (int)
    timestamp-millis                      milliseconds since the epoch, UTC (int)
    record, map                           object
    array                                 array (AvroData's map-entry arrays stay arrays of
                                          {"key": ..., "value": ...} objects)
    union                                 the value of the branch, untagged

A logical type python3-avro does not apply (e.g. a decimal whose scale exceeds its precision) is
printed as its underlying type.

--schema  instead of records: one line per FILE, the writer schema exactly as stored in the file's
          "avro.schema" metadata (no reformatting).
--codec   instead of records: one line per FILE, its "avro.codec" metadata ("null" when absent).

Codecs: null and deflate through python3-avro; snappy through python-snappy when installed, else
through a pure-Python snappy decompressor in this file (python3-avro still checks the CRC-32).

Exit status 0; 1 with a message on stderr naming the file when a file cannot be read (magic,
sync marker, codec, CRC, truncated data); 2 on bad usage or when python3-avro is missing.
"""
import base64
import datetime
import decimal
import json
import math
import os
import sys
import types


def _snappy_decompress(data):
    """Raw snappy (the block format, no framing): varint length, then literals and back-copies."""
    data = bytes(data)
    pos, shift, length = 0, 0, 0
    while True:
        if pos >= len(data):
            raise ValueError("snappy: truncated length")
        b = data[pos]
        pos += 1
        length |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            break
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:
            n = tag >> 2
            if n >= 60:
                extra = n - 59
                n = int.from_bytes(data[pos:pos + extra], "little")
                pos += extra
            n += 1
            if pos + n > len(data):
                raise ValueError("snappy: literal runs past the input")
            out += data[pos:pos + n]
            pos += n
            continue
        if kind == 1:
            n = 4 + ((tag >> 2) & 7)
            offset = ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 2], "little")
            pos += 2
        else:
            n = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        if offset == 0 or offset > len(out):
            raise ValueError("snappy: bad copy offset")
        start = len(out) - offset
        if offset >= n:
            out += out[start:start + n]
        else:  # overlapping: the copy repeats what it is writing
            for i in range(n):
                out.append(out[start + i])
    if len(out) != length:
        raise ValueError("snappy: %d bytes decoded, %d announced" % (len(out), length))
    return bytes(out)


def _import_avro():
    try:
        import snappy  # noqa: F401  (python-snappy, when installed)
    except ImportError:
        shim = types.ModuleType("snappy")
        shim.decompress = _snappy_decompress

        def _no_compress(_data):
            raise NotImplementedError("avro_read.py only reads")

        shim.compress = _no_compress
        sys.modules["snappy"] = shim
    try:
        import avro.datafile
        import avro.io
    except ImportError:
        # python3-avro belongs to Debian's interpreter; another python3 (pyenv, venv) may come first in PATH.
        system = "/usr/bin/python3"
        if (os.path.exists(system) and not os.environ.get("KCO_AVRO_READ_REEXEC")
                and os.path.realpath(sys.executable) != os.path.realpath(system)):
            os.environ["KCO_AVRO_READ_REEXEC"] = "1"
            os.execv(system, [system] + sys.argv)
        sys.stderr.write("avro_read.py: python3-avro is not installed (apt-get install python3-avro)\n")
        sys.exit(2)
    return avro


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def _plain(v):
    """A python3-avro datum as the JSON value documented above."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(v)).decode("ascii")}
    if isinstance(v, decimal.Decimal):
        return format(v, "f")
    if isinstance(v, datetime.datetime):  # before date: a datetime is a date
        u = v if v.tzinfo else v.replace(tzinfo=datetime.timezone.utc)
        return (u - _EPOCH) // datetime.timedelta(milliseconds=1)
    if isinstance(v, datetime.date):
        return (v - _EPOCH.date()).days
    if isinstance(v, datetime.time):
        return ((v.hour * 60 + v.minute) * 60 + v.second) * 1000 + v.microsecond // 1000
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53 - 1:
        return str(v)
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def main():
    args = sys.argv[1:]
    mode = "records"
    if args and args[0] in ("--schema", "--codec"):
        mode = args.pop(0)[2:]
    if not args or any(a.startswith("--") for a in args):
        sys.stderr.write("usage: avro_read.py [--schema | --codec] FILE...\n")
        return 2
    avro = _import_avro()
    out = sys.stdout
    for path in args:
        try:
            with open(path, "rb") as fp:
                reader = avro.datafile.DataFileReader(fp, avro.io.DatumReader())
                if mode == "schema":
                    out.write(reader.get_meta("avro.schema").decode("utf-8") + "\n")
                elif mode == "codec":
                    codec = reader.get_meta("avro.codec")
                    out.write((codec.decode("utf-8") if codec else "null") + "\n")
                else:
                    for datum in reader:
                        out.write(json.dumps(_plain(datum), separators=(",", ":"), ensure_ascii=False) + "\n")
        except Exception as e:  # noqa: BLE001 - any failure to read is the answer
            out.flush()
            sys.stderr.write("avro_read.py: %s: %s: %s\n" % (path, type(e).__name__, e))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
