#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Instructions per operation from the callgrind dumps of `ka_bench -n`: each
stream of the native benchmark ends with a client-request dump named
"<stream> <size> <who> <ops>", whose summary counts the stream's instructions.

    callgrind_ops.py DIR
"""

import os
import re
import sys

TRIGGER = re.compile(r"^desc: Trigger: Client Request: (\S+) (\d+) (\S+) (\d+)\s*$")
SUMMARY = re.compile(r"^summary: (\d+)")
STREAMS = ("pair", "batch", "xthread")


def parse_dump(path):
    stream = summary = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = TRIGGER.match(line)
            if m:
                stream = (m.group(1), int(m.group(2)), m.group(3), int(m.group(4)))
            m = SUMMARY.match(line)
            if m:
                summary = int(m.group(1))
    if stream and summary is not None:
        return stream, summary
    return None


def per_op(paths):
    """{(stream, size, who): instructions per operation}, and who in order seen."""
    out, order = {}, []
    for path in paths:
        got = parse_dump(path)
        if not got:
            continue
        (stream, size, who, ops), total = got
        out[(stream, size, who)] = total / ops
        if who not in order:
            order.append(who)
    return out, order


def table(out, order):
    lines = [f"{'who':<10} {'size':>5} " + " ".join(f"{s:>16}" for s in STREAMS)
             + "   (instructions per pair, per op, per op; x: over glibc)"]
    for size in sorted({k[1] for k in out}):
        for who in order:
            cells = []
            for s in STREAMS:
                v, ref = out.get((s, size, who)), out.get((s, size, "glibc"))
                if v is None:
                    cells.append(f"{'-':>16}")
                elif who == "glibc" or not ref:
                    cells.append(f"{v:>9.0f}       ")
                else:
                    cells.append(f"{v:>9.0f} x{v / ref:<5.2f}")
            lines.append(f"{who:<10} {size:>5} " + " ".join(cells))
    return lines


def main(argv):
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    d = argv[0]
    out, order = per_op(sorted(os.path.join(d, f) for f in os.listdir(d)))
    if not out:
        print(f"callgrind_ops: no benchmark dumps in {d}", file=sys.stderr)
        return 1
    print("\n".join(table(out, order)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
