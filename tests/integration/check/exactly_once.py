#!/usr/bin/env python3
"""exactly_once.py OUT TOPIC PARTITIONS PER [--dir-field NAME]

The delivery tests' judge, independent of the connector's code: reads every JSON-lines object under OUT (the local
store) with python's json module. Each record is {"p": partition, "n": offset, ...} as produce_over_time writes
them. Checks that every offset 0..PER-1 of every partition is in exactly one object (0 lost, 0 duplicated), that
each object is named <TOPIC>+<p>+<first offset, 10 digits>.json and holds only its partition's records in
order, that with --dir-field NAME each record sits under the directory NAME=<its value>, and that nothing is left
behind: no temp files, at most one manifest per partition. Prints one summary line; exits 1 on any failure."""
import json
import os
import re
import sys


def main():
    args = sys.argv[1:]
    field = None
    if "--dir-field" in args:
        i = args.index("--dir-field")
        field = args[i + 1]
        del args[i:i + 2]
    out, topic, parts, per = args[0], args[1], int(args[2]), int(args[3])
    seen = {}
    objects = tmp = 0
    manifests = []
    bad = []
    name_re = re.compile(re.escape(topic) + r"\+(\d+)\+(\d{10})\.json")
    for root, _dirs, files in os.walk(out):
        for f in files:
            path = os.path.join(root, f)
            if f.endswith(".kco-tmp"):
                tmp += 1
                continue
            if os.sep + ".kco-pending" in path:
                manifests.append(path)
                continue
            m = name_re.fullmatch(f)
            if not m:
                bad.append("unexpected file " + path)
                continue
            objects += 1
            prev = None
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    r = json.loads(line)
                    if field is not None and os.path.basename(root) != "%s=%s" % (field, r[field]):
                        bad.append("record %r in %s" % (r, path))
                    if r["p"] != int(m.group(1)):
                        bad.append("record of partition %d in %s" % (r["p"], path))
                    if prev is None and r["n"] != int(m.group(2)):
                        bad.append("%s starts with offset %d" % (path, r["n"]))
                    if prev is not None and r["n"] <= prev:
                        bad.append("%s: offset %d after %d" % (path, r["n"], prev))
                    prev = r["n"]
                    seen.setdefault((r["p"], r["n"]), []).append(path)
    dups = {k: v for k, v in seen.items() if len(v) > 1}
    lost = [(p, n) for p in range(parts) for n in range(per) if (p, n) not in seen]
    extra = [k for k in seen if not (0 <= k[0] < parts and 0 <= k[1] < per)]
    print("objects %d, records %d, duplicated %d, lost %d, temp files %d, manifests %d"
          % (objects, len(seen), len(dups), len(lost), tmp, len(manifests)))
    for k, v in list(dups.items())[:5]:
        print("duplicated", k, v)
    for k in lost[:5]:
        print("lost", k)
    for b in bad[:5]:
        print(b)
    ok = not dups and not lost and not extra and not bad and tmp == 0 and len(manifests) <= parts
    if tmp:
        print("temp files left behind")
    if len(manifests) > parts:
        print("manifests left behind:", manifests[:5])
    return 0 if ok else 1


sys.exit(main())
