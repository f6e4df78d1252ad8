#!/usr/bin/env python3
"""Writes N JSON lines of about 200 bytes (deterministic) to stdout: the bench sample."""
import sys

n = int(sys.argv[1])
pages = ["/", "/products", "/products/42", "/cart", "/search?q=shoes", "/checkout", "/account/orders"]
out = sys.stdout
buf = []
for i in range(n):
    buf.append('{"id":%d,"ts":"2026-11-25T09:%02d:%02d.%03dZ","user":"u%05d","type":"%s","page":"%s",'
               '"ua":"Mozilla/5.0 (X11; Linux x86_64)","session":"s-%08x","amount":%d.%02d}\n'
               % (i, (i // 60000) % 60, (i // 1000) % 60, i % 1000, (i * 7919) % 100000,
                  ("view", "click", "cart", "buy")[i % 4], pages[i % 7], (i * 2654435761) & 0xffffffff,
                  i % 500, i % 100))
    if len(buf) >= 10000:
        out.write("".join(buf))
        buf = []
out.write("".join(buf))
