#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run the harness's own Python tests; write their counts as JSON for ktap.py."""

import json
import os
import sys
import unittest


def main():
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    tests = unittest.defaultTestLoader.discover(here, pattern="test_*.py")
    result = unittest.TextTestRunner(verbosity=1, stream=sys.stdout).run(tests)
    bad = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    counts = {"passed": result.testsRun - bad - skipped, "failed": bad,
              "skipped": skipped, "problems": []}
    if result.testsRun == 0:
        counts["problems"].append("no harness tests were found")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(counts, f)
    print(f"harness tests: {counts['passed']} passed, {bad} failed, {skipped} skipped")
    return 0 if bad == 0 and result.testsRun else 1


if __name__ == "__main__":
    sys.exit(main())
