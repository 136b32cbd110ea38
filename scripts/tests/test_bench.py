# SPDX-License-Identifier: GPL-2.0
"""Tests of make bench's report scripts: bench_report.py and callgrind_ops.py."""

import contextlib
import io
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import bench_report  # noqa: E402
import callgrind_ops  # noqa: E402


def console(figures):
    return [f"[    9.{i:06d}] kalloc_bench: R {m} {p} {w} {v}\n"
            for i, (m, p, w, v) in enumerate(figures)]


BOOT = [("P1.pair", 64, "kmalloc", 150), ("P1.pair", 64, "kmem_cache", 140),
        ("P1.pair", 64, "std", 1110), ("P2", 64, "kmalloc", 2000000),
        ("P2", 64, "std", 500000), ("P4.warm", 1024, "vmalloc", 100000),
        ("P4.warm", 1024, "kvmalloc", 10000), ("P4.warm", 1024, "buffer", 50000)]


class BenchReportTest(unittest.TestCase):
    def test_parse_ignores_other_lines(self):
        lines = console(BOOT) + ["[ 1.0] kalloc_bench: begin: 4 CPUs online\n",
                                 "[ 1.1] kalloc_bench: R broken line\n"]
        self.assertEqual(len(bench_report.parse(lines)), len(BOOT))

    def test_ratio_is_cost_over_the_kernels(self):
        self.assertAlmostEqual(bench_report.ratio("P1.pair", 1110, 150), 7.4)
        # P2 is a throughput: kalloc at a quarter of kmalloc's rate costs 4x
        self.assertAlmostEqual(bench_report.ratio("P2", 500000, 2000000), 4.0)
        self.assertIsNone(bench_report.ratio("P1.pair", None, 150))
        self.assertIsNone(bench_report.ratio("P1.pair", 10, 0))

    def test_summary_lines_name_both_modes(self):
        run = bench_report.parse(console(BOOT))
        tcg = dict(run)
        tcg[("P1.pair", 64, "std")] = 1500
        lines = bench_report.summary("P1.pair", [("icount", run), ("tcg", tcg)])
        self.assertEqual(lines, ["P1 pair 64 B std: kalloc/kmalloc = 7.40 (icount) "
                                 "10.00 (tcg)"])
        lines = bench_report.summary("P4.warm", [("icount", run)])
        self.assertEqual(lines, ["P4 warm 1024 KiB buffer: kalloc/vmalloc = 0.50 (icount)"])

    def test_footprint_summary_is_held_memory_over_slubs(self):
        run = bench_report.parse(console([("P5.resident", 2, "kmalloc", 74600),
                                          ("P5.resident", 2, "buffer", 98000)]))
        self.assertEqual(bench_report.summary("P5.resident", [("icount", run)]),
                         ["P5 resident 2 phase buffer: kalloc/kmalloc = 1.31 (icount)"])

    def test_repeat_check_finds_the_worst_p1_figure(self):
        a = bench_report.parse(console(BOOT))
        b = dict(a)
        b[("P1.pair", 64, "std")] = 1143        # 3 % off
        b[("P2", 64, "std")] = 900000           # not P1: not checked
        worst, where = bench_report.repeat_check(a, b)
        self.assertAlmostEqual(worst, 33 / 1110)
        self.assertEqual(where, ("P1.pair", 64, "std"))

    def test_main_prints_tables_and_summary(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "c.log")
            with open(path, "w") as f:
                f.writelines(console(BOOT))
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                self.assertEqual(bench_report.main(["--icount", path,
                                                    "--icount-repeat", path]), 0)
            text = out.getvalue()
        self.assertIn("P1 same-CPU alloc+free pairs", text)
        self.assertIn("x7.40", text)
        self.assertIn("differ by at most 0.0 % on P1", text)

    def test_scaling_table_by_vcpus_with_the_flatness_verdict(self):
        one = bench_report.parse(console([("P3", 64, "kmalloc", 100), ("P3", 64, "std", 200)]))
        many = bench_report.parse(console([("P3", 64, "kmalloc", 110), ("P3", 64, "std", 230),
                                           ("P2", 64, "kmalloc", 2000000),
                                           ("P2", 64, "std", 1000000)]))
        lines = bench_report.scaling([(1, one), (16, many)])
        text = "\n".join(lines)
        self.assertIn("+15.0%", text)
        self.assertIn("x2.09", text)            # 230 / 110
        self.assertIn("1000", text)             # P2: 1e9 / 1000000 instructions per object
        self.assertIn("x2.00", text)
        self.assertTrue(lines[-1].endswith("missed"), lines[-1])
        flat = bench_report.parse(console([("P3", 64, "std", 210)]))
        self.assertTrue(bench_report.scaling([(1, one), (16, flat)])[-1].endswith("met"))


class CallgrindOpsTest(unittest.TestCase):
    def dump(self, d, name, trigger, total):
        with open(os.path.join(d, name), "w") as f:
            f.write(f"version: 1\ndesc: Trigger: Client Request: {trigger}\n"
                    f"events: Ir\nsummary: {total}\ntotals: {total}\n")

    def test_instructions_per_operation(self):
        with tempfile.TemporaryDirectory() as d:
            self.dump(d, "cg.1.1", "pair 64 glibc 20000", 2000000)
            self.dump(d, "cg.1.2", "pair 64 bf 20000", 10000000)
            with open(os.path.join(d, "cg.1"), "w") as f:
                f.write("desc: Trigger: Program termination\nsummary: 5\n")
            out, order = callgrind_ops.per_op(
                sorted(os.path.join(d, f) for f in os.listdir(d)))
        self.assertEqual(out, {("pair", 64, "glibc"): 100.0, ("pair", 64, "bf"): 500.0})
        self.assertEqual(order, ["glibc", "bf"])
        lines = callgrind_ops.table(out, order)
        self.assertIn("x5.00", lines[2])


if __name__ == "__main__":
    unittest.main()
