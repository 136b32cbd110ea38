# SPDX-License-Identifier: GPL-2.0
"""Tests of scripts/ktap.py: the harness must fail every kind of bad run."""

import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import ktap  # noqa: E402


def suite_lines(name, cases, indent="    "):
    """KTAP for one suite as a 6.12 module prints it; cases: (name, 'ok'|'not ok'|'skip')."""
    out = [f"{indent}KTAP version 1", f"{indent}# Subtest: {name}", f"{indent}1..{len(cases)}"]
    for i, (case, st) in enumerate(cases, 1):
        if st == "skip":
            out.append(f"{indent}ok {i} {case} # SKIP not here")
        else:
            if st == "not ok":
                out.append(f"{indent}    # {case}: EXPECTATION FAILED at x.c:1")
            out.append(f"{indent}{st} {i} {case}")
    bad = any(st == "not ok" for _, st in cases)
    return out, ("not ok" if bad else "ok")


def module_log(*suites, status=0, stamp=True):
    lines = ["KTAP version 1", f"1..{len(suites)}"]
    for i, (name, cases) in enumerate(suites, 1):
        body, st = suite_lines(name, cases)
        lines += body + [f"{st} {i} {name}"]
    lines.append(f"KALLOC-VM: status {status}")
    if stamp:
        lines = [f"[    1.{n:06d}] {l}" if not l.startswith("KALLOC") else l
                 for n, l in enumerate(lines)]
    return [l + "\n" for l in lines]


def module_log_61(*modules, status=0):
    """A 6.1 boot: the built-in run's empty document, then each module's
    suites with no module document around them, numbered from 1 per module."""
    lines = ["KTAP version 1", "1..0"]
    for suites in modules:
        for i, (name, cases) in enumerate(suites, 1):
            body, st = suite_lines(name, cases)
            lines += body + [f"{st} {i} {name}"]
    lines.append(f"KALLOC-VM: status {status}")
    return [l + "\n" for l in lines]


class JudgeTest(unittest.TestCase):
    def judge(self, lines, expect=(), require_status=True):
        return ktap.judge(lines, list(expect), [], require_status)

    def test_clean_run_counts_cases(self):
        r = self.judge(module_log(("a", [("x", "ok"), ("y", "ok")]),
                                  ("b", [("z", "skip")])), expect=["a", "b"])
        self.assertEqual((r["passed"], r["failed"], r["skipped"]), (2, 0, 1))
        self.assertEqual(r["problems"], [])
        self.assertEqual(r["splats"], [])

    def test_failed_case_is_counted(self):
        r = self.judge(module_log(("a", [("x", "ok"), ("y", "not ok")])))
        self.assertEqual((r["passed"], r["failed"]), (1, 1))
        failed = [c for c in r["suites"][0]["cases"] if c["status"] == "failed"]
        self.assertIn("EXPECTATION FAILED", " ".join(failed[0]["diagnostics"]))

    def test_plan_that_does_not_add_up(self):
        lines = module_log(("a", [("x", "ok"), ("y", "ok")]))
        lines = [l.replace("    1..2", "    1..3") for l in lines]
        r = self.judge(lines)
        self.assertTrue(any("plan 1..3 but 2 results" in p for p in r["problems"]))

    def test_crash_inside_a_suite(self):
        lines = module_log(("a", [("x", "ok"), ("y", "ok")]))
        cut = next(i for i, l in enumerate(lines) if "ok 2 y" in l)
        r = self.judge(lines[:cut] + ["[    9.0] Oops: 0000 [#1] SMP\n"])
        self.assertTrue(r["problems"])
        self.assertTrue(r["splats"])

    def test_missing_expected_suite(self):
        r = self.judge(module_log(("a", [("x", "ok")])), expect=["a", "b"])
        self.assertIn("expected suite 'b' did not run", r["problems"])

    def test_suite_run_twice(self):
        r = self.judge(module_log(("a", [("x", "ok")]), ("a", [("x", "ok")])),
                       expect=["a"])
        self.assertTrue(any("ran 2 times" in p for p in r["problems"]))

    def bracketed(self, inner, close=True):
        lines = module_log(("a", [("x", "ok")]))
        body = ["[    2.0] KALLOC-EXPECT-REPORT: begin slab-out-of-bounds\n"] + inner
        if close:
            body.append("[    2.9] KALLOC-EXPECT-REPORT: end slab-out-of-bounds\n")
        return lines[:-1] + body + lines[-1:]

    def test_expected_report_is_excused_only_when_asked(self):
        report = ["[    2.1] BUG: KASAN: slab-out-of-bounds in touch_write+0x1/0x2\n",
                  "[    2.2] Call Trace:\n"]
        lines = self.bracketed(report)
        r = ktap.judge(lines, ["a"], [], True, True)
        self.assertEqual((r["splats"], r["problems"], r["expected_reports"]), ([], [], 1))
        r = ktap.judge(lines, ["a"], [], True)
        self.assertEqual(len(r["splats"]), 2)

    def test_expected_report_that_never_came(self):
        r = ktap.judge(self.bracketed([]), ["a"], [], True, True)
        self.assertTrue(any("none was printed" in p for p in r["problems"]))

    def test_report_of_another_kind_is_no_excuse(self):
        r = ktap.judge(self.bracketed(["[    2.1] BUG: KASAN: slab-use-after-free in f\n"]),
                       ["a"], [], True, True)
        self.assertTrue(any("none was printed" in p for p in r["problems"]))

    def test_unclosed_bracket_is_a_problem(self):
        r = ktap.judge(self.bracketed(["[    2.1] BUG: KASAN: slab-out-of-bounds in f\n"],
                                      close=False), ["a"], [], True, True)
        self.assertTrue(any("never ended" in p for p in r["problems"]))

    def test_splat_outside_brackets_still_counts(self):
        lines = self.bracketed(["[    2.1] BUG: KASAN: slab-out-of-bounds in f\n"])
        lines.insert(1, "[    1.5] BUG: KASAN: use-after-free in g\n")
        r = ktap.judge(lines, ["a"], [], True, True)
        self.assertEqual(len(r["splats"]), 1)

    def test_every_splat_kind_is_caught(self):
        for text in ["WARNING: CPU: 1 PID: 7 at kalloc/x.c:10 f+0x1/0x2",
                     "BUG: KASAN: slab-out-of-bounds in f+0x1/0x2",
                     "BUG: unable to handle page fault for address: 0",
                     "WARNING: possible circular locking dependency detected",
                     "WARNING: inconsistent lock state",
                     "BUG: sleeping function called from invalid context at mm/x.c:1",
                     "rcu: INFO: rcu_preempt self-detected stall on CPU",
                     "kernel BUG at mm/slub.c:100!",
                     "Oops: general protection fault, probably for non-canonical address",
                     "Call Trace:",
                     "BUG kmalloc-64 (Tainted: G B): Redzone overwritten",
                     "UBSAN: shift-out-of-bounds in x.c:1:2",
                     "sh invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE)",
                     "Out of memory: Killed process 1 (init)",
                     "kworker/0:1: page allocation failure: order:0, mode:0x820(GFP_ATOMIC)"]:
            lines = module_log(("a", [("x", "ok")]))
            lines.insert(3, f"[    2.000000] {text}\n")
            r = self.judge(lines)
            self.assertEqual(len(r["splats"]), 1, text)

    def test_ordinary_boot_lines_are_not_splats(self):
        lines = module_log(("a", [("x", "ok")]))
        lines[3:3] = ["[    0.1] kasan: KernelAddressSanitizer initialized\n",
                      "[    0.2] Callback from call_rcu_tasks() invoked.\n",
                      "[    0.3] kalloc: type t not destroyed: 2 blocks still allocated\n"]
        self.assertEqual(self.judge(lines)["splats"], [])

    def test_guest_status_required(self):
        lines = [l for l in module_log(("a", [("x", "ok")])) if "KALLOC-VM" not in l]
        self.assertTrue(any("never reported" in p for p in self.judge(lines)["problems"]))
        self.assertEqual(self.judge(lines, require_status=False)["problems"], [])
        r = self.judge(module_log(("a", [("x", "ok")]), status=3))
        self.assertTrue(any("status 3" in p for p in r["problems"]))

    def test_parameterized_case_counts_once(self):
        lines = ["KTAP version 1", "1..1", "    KTAP version 1", "    # Subtest: a",
                 "    1..1", "        KTAP version 1", "        # Subtest: p",
                 "        ok 1 one", "        ok 2 two", "        1..2",
                 "    ok 1 p", "ok 1 a", "KALLOC-VM: status 0"]
        # The plan of a parameterized case may come last; keep it well-formed here.
        lines = lines[:7] + ["        1..2"] + lines[7:9] + lines[10:]
        r = self.judge([l + "\n" for l in lines])
        self.assertEqual(r["problems"], [])
        self.assertEqual(r["passed"], 1)

    def test_interleaved_kernel_messages_are_ignored(self):
        lines = module_log(("a", [("x", "ok"), ("y", "ok")]))
        lines.insert(5, "[    1.5] random driver: hello\n")
        r = self.judge(lines)
        self.assertEqual((r["passed"], r["problems"]), (2, []))

    def test_group_output_counts_a_splat_as_a_problem(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "x.log")
            with open(log, "w") as f:
                f.writelines(module_log(("a", [("x", "ok"), ("y", "not ok")]))
                             + ["[ 3.0] sh invoked oom-killer: gfp_mask=0x0\n"])
            group = os.path.join(d, "g.json")
            import io
            import contextlib
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(ktap.main([log, "--group", group]), 1)
            with open(group) as f:
                got = json.load(f)
            self.assertEqual((got["passed"], got["failed"]), (1, 1))
            self.assertEqual(len(got["problems"]), 1)
            self.assertIn("oom-killer", got["problems"][0])

    def test_extra_group_failures_are_named(self):
        with tempfile.TemporaryDirectory() as d:
            extra = os.path.join(d, "group-live.json")
            with open(extra, "w") as f:
                json.dump({"passed": 2, "failed": 1, "skipped": 0, "problems": [],
                           "failures": ["advice_does_not_hold_more: 3868 after, 3680 before"]},
                          f)
            r = ktap.judge(module_log(("a", [("x", "ok")])), ["a"],
                           [("group-live", extra)], True)
            self.assertEqual((r["passed"], r["failed"], r["problems"]), (3, 1, []))
            out = io.StringIO()
            ktap.report(r, out)
            self.assertIn("FAILED group-live: advice_does_not_hold_more: 3868 after",
                          out.getvalue())

    def test_main_exit_status_and_closing_line(self):
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "good.log")
            with open(good, "w") as f:
                f.writelines(module_log(("a", [("x", "ok")])))
            bad = os.path.join(d, "bad.log")
            with open(bad, "w") as f:
                f.writelines(module_log(("a", [("x", "ok")]))
                             + ["[ 3.0] WARNING: CPU: 0 PID: 1 at x.c:1\n"])
            import io
            import contextlib
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                self.assertEqual(ktap.main([good]), 0)
                self.assertEqual(ktap.main([bad]), 1)
            closing = [l for l in buf.getvalue().splitlines() if l[:1].isdigit()]
            self.assertEqual(closing, ["1 passed, 0 failed, 0 skipped",
                                       "1 passed, 1 failed, 0 skipped"])

    def test_61_module_without_its_own_document(self):
        r = self.judge(module_log_61([("a", [("x", "ok"), ("y", "ok")]),
                                      ("b", [("z", "not ok")])]), expect=["a", "b"])
        self.assertEqual((r["passed"], r["failed"]), (2, 1))
        self.assertEqual(r["problems"], [])

    def test_61_two_modules_in_one_boot(self):
        r = self.judge(module_log_61([("a", [("x", "ok")])],
                                     [("b", [("y", "ok")]), ("c", [("z", "ok")])]),
                       expect=["a", "b", "c"])
        self.assertEqual((r["passed"], r["failed"]), (3, 0))
        self.assertEqual(r["problems"], [])

    def test_61_crash_inside_a_suite(self):
        lines = module_log_61([("a", [("x", "ok")]), ("b", [("y", "ok"), ("z", "ok")])])
        cut = next(i for i, l in enumerate(lines) if "ok 2 z" in l)
        r = self.judge(lines[:cut] + ["KALLOC-VM: status 0\n"], expect=["a", "b"])
        self.assertTrue(any("'b' never finished" in p for p in r["problems"]))

    def test_61_suite_numbered_out_of_order(self):
        lines = [l.replace("ok 2 b", "ok 3 b")
                 for l in module_log_61([("a", [("x", "ok")]), ("b", [("y", "ok")])])]
        r = self.judge(lines, expect=["a", "b"])
        self.assertTrue(any("numbered 3, expected 2" in p for p in r["problems"]))

    def test_expected_suites_are_read_from_sources(self):
        with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
            f.write('static struct kunit_suite s = {\n\t.name = "kalloc_x",\n'
                    '\t.test_cases = c,\n};\n')
        try:
            self.assertEqual(ktap.expected_suites([f.name]), ["kalloc_x"])
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    unittest.main()
