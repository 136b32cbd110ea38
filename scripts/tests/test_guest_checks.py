# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/guest_checks.py: a guest script's result lines as a group."""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import guest_checks  # noqa: E402


class GuestChecksTest(unittest.TestCase):
    def run_on(self, lines):
        with tempfile.TemporaryDirectory() as d:
            console, group = os.path.join(d, "console.log"), os.path.join(d, "g.json")
            with open(console, "w", encoding="utf-8") as f:
                f.write("".join(l + "\n" for l in lines))
            with contextlib.redirect_stdout(io.StringIO()):
                guest_checks.main([console, "KALLOC-SHIM", group])
            with open(group, encoding="utf-8") as f:
                return json.load(f)

    def test_each_kind_of_line_is_counted(self):
        got = self.run_on(["[ 1.0] noise", "KALLOC-SHIM: ok a",
                           "KALLOC-SHIM: not ok b ; insmod failed",
                           "KALLOC-SHIM: skip c its suite cannot run here"])
        self.assertEqual((got["passed"], got["failed"], got["skipped"]), (1, 1, 1))
        self.assertEqual(got["problems"], [])
        self.assertEqual(got["failures"], ["b: ; insmod failed"])

    def test_no_line_at_all_is_a_problem(self):
        got = self.run_on(["[ 1.0] the script never ran"])
        self.assertEqual((got["passed"], got["failed"], got["skipped"]), (0, 0, 0))
        self.assertTrue(got["problems"])

    def test_other_prefixes_are_not_counted(self):
        got = self.run_on(["KALLOC-DEBUG: ok a", "KALLOC-SHIM: ok b"])
        self.assertEqual(got["passed"], 1)


if __name__ == "__main__":
    unittest.main()
