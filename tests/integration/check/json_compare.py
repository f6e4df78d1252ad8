#!/usr/bin/env python3
"""Strict deep equality of JSON values, as the integration tests compare records.

Booleans equal only booleans (true is not 1); other numbers compare as numbers (1 == 1.0); strings
and null by type and value; arrays by length, then item by item; objects by their set of member
names, then member by member (member order does not count). Numbers that are the value of a member
named in float32_keys compare after rounding both to float32 (array items inside such a member do
not). Standard library only: any python3 runs it.

usage: json_compare.py [--float32 KEY,KEY] A.jsonl B.jsonl

Compares the JSON values of A and B line by line (every line one JSON value; the same number of
lines). Prints "ok: N lines" and exits 0 when they are equal; otherwise prints the first
difference to stderr ("line N: <JSON path>", then both values) and exits 1.
"""
import json
import struct
import sys


def f32(x):
    """x rounded to the nearest float32."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def diff(x, y, path="$", float32_keys=()):
    """None when x and y are equal JSON values, else the JSON path of the first difference."""
    return _diff(x, y, path, None, float32_keys)


def _diff(x, y, path, key, float32_keys):
    if isinstance(x, bool) or isinstance(y, bool):
        return None if type(x) is type(y) and x == y else path
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        if key is not None and key in float32_keys:
            return None if f32(x) == f32(y) else path
        return None if x == y else path
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return path + " (length)"
        for i, (a, b) in enumerate(zip(x, y)):
            d = _diff(a, b, "%s[%d]" % (path, i), None, float32_keys)
            if d:
                return d
        return None
    if isinstance(x, dict) and isinstance(y, dict):
        if x.keys() != y.keys():
            return path + " (members %s vs %s)" % (sorted(x), sorted(y))
        for k in x:
            d = _diff(x[k], y[k], path + "." + k, k, float32_keys)
            if d:
                return d
        return None
    return None if type(x) is type(y) and x == y else path


def _lines(path):
    """The lines of a file (split at "\\n" only; a last empty line after the final newline dropped)."""
    with open(path, encoding="utf-8", newline="\n") as f:
        return [line[:-1] if line.endswith("\n") else line for line in f]


def main(argv):
    args, float32_keys = list(argv), set()
    if args[:1] == ["--float32"] and len(args) > 1:
        float32_keys = {k for k in args[1].split(",") if k}
        args = args[2:]
    if len(args) != 2:
        sys.exit("usage: json_compare.py [--float32 KEY,KEY] A.jsonl B.jsonl")
    a, b = _lines(args[0]), _lines(args[1])
    for n, (la, lb) in enumerate(zip(a, b), 1):
        try:
            x, y = json.loads(la), json.loads(lb)
        except ValueError as e:
            sys.exit("line %d: not JSON (%s)\n  a: %s\n  b: %s" % (n, e, la[:700], lb[:700]))
        d = diff(x, y, "$", float32_keys)
        if d:
            sys.exit("line %d: %s\n  a: %s\n  b: %s" % (n, d, la[:700], lb[:700]))
    if len(a) != len(b):
        sys.exit("%d lines in %s, %d in %s" % (len(a), args[0], len(b), args[1]))
    print("ok: %d lines" % len(a))


if __name__ == "__main__":
    main(sys.argv[1:])
