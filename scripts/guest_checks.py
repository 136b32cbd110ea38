#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Counts a guest script's "PREFIX: ok NAME" / "PREFIX: not ok NAME why" /
"PREFIX: skip NAME why" lines.

usage: guest_checks.py CONSOLE PREFIX GROUP.json

Writes {passed, failed, skipped, problems} for ktap.py's --extra and prints
one line per check. No line at all is a problem: the script never ran.
"""

import json
import re
import sys


def main(argv):
    console, prefix, group = argv
    line = re.compile(re.escape(prefix) + r": (ok|not ok|skip) (\S+)\s*(.*)$")
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    problems, failures = [], []
    with open(console, encoding="utf-8", errors="replace") as f:
        for raw in f:
            m = line.search(raw.rstrip("\n"))
            if not m:
                continue
            ok, name, why = m.groups()
            if ok == "ok":
                counts["passed"] += 1
                print(f"ok {name}")
            elif ok == "skip":
                counts["skipped"] += 1
                print(f"SKIP {name}: {why}")
            else:
                counts["failed"] += 1
                failures.append(f"{name}: {why}" if why else name)
                print(f"FAILED {name}: {why}")
    if not any(counts.values()):
        problems.append(f"no {prefix} results in {console}: the guest script did not run")
        print(problems[-1])
    with open(group, "w", encoding="utf-8") as f:
        json.dump(counts | {"problems": problems, "failures": failures}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
