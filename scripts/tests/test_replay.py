# SPDX-License-Identifier: GPL-2.0
"""Tests of tools/kalloc-replay and ka_replay: a synthetic stream whose figures
are known, and the first 3,000 events of a shipped stream under every strategy."""

import importlib.machinery
import importlib.util
import json
import os
import unittest

_path = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "kalloc-replay")
_loader = importlib.machinery.SourceFileLoader("kalloc_replay", _path)
_spec = importlib.util.spec_from_loader("kalloc_replay", _loader)
kr = importlib.util.module_from_spec(_spec)
_loader.exec_module(kr)

STREAM = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "streams",
                      "tmpfs-untar.stream.gz")
# a live-advice guest's recording whose peak moves by a carrier with the
# decay's phase under some options (Documentation/replay.rst)
PHASE_STREAM = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "streams",
                            "minix-decay-phase.stream.gz")

# 100 B (kmalloc-128), 5,000 B (kmalloc-8k), 600,000 B (large kmalloc and an SBC
# above sbct), one free of a block never allocated, then everything freed
SYNTHETIC = """# kalloc-stream 1
# cpus 2
a 10 0 1 100 128 k one
a 20 1 2 5000 8192 k two
a 30 0 3 600000 1048576 k three
f 35 1 9
f 40 1 1
f 50 0 2
f 60 1 3
s kmalloc-128 128 32 0
"""


class ReplayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.binary = kr.build()

    def run_synthetic(self, **kw):
        return kr.replay(self.binary, SYNTHETIC, every=1, **kw)

    def test_synthetic_kalloc(self):
        r = self.run_synthetic(opts=kr.DEFAULTS)
        self.assertEqual(r["model"], "kalloc")
        self.assertEqual((r["events"], r["allocs"], r["frees"], r["skipped"]), (6, 3, 3, 1))
        self.assertEqual(r["peak_used"], 605100)
        # each CPU's 32 KiB main carrier holds its small block, and an SBC the large one
        self.assertEqual(r["carriers_created"], 3)
        # of 600,000 bytes and its headers: 147 pages
        self.assertEqual(r["peak_held"], 2 * 32768 + 147 * 4096)

    def test_synthetic_slub_model(self):
        r = self.run_synthetic(slub=True)
        # a 4 KiB slab of kmalloc-128 (the stream's geometry), an order-3 slab of
        # 8 KiB objects (no geometry: the fallback), and 1 MiB of large kmalloc pages
        self.assertEqual(r["peak_held"], 4096 + 32768 + 1048576)
        self.assertEqual(r["peak_used"], 605100)

    def test_live_advice_searches_what_a_running_kernel_takes_and_applies(self):
        import contextlib
        import io
        import tempfile
        out = io.StringIO()
        text = kr.stream_text(STREAM, 3000)
        base = kr.replay(self.binary, text, kr.DEFAULTS)
        advice = kr.advise(self.binary, text, base, out, live=True)
        # a strategy the std class takes with migration on, an sbct, an lmbcs
        words = advice["options"].split()
        self.assertEqual(words[0::2], ["+MDas", "+MDsbct", "+MDlmbcs"])
        self.assertIn(words[1], kr.LIVE_STRATEGIES)
        self.assertIn("54 configurations tried", out.getvalue())
        with tempfile.TemporaryDirectory() as sysfs:
            target = os.path.join(sysfs, "options")
            open(target, "w").close()
            with contextlib.redirect_stdout(io.StringIO()) as shown:
                rc = kr.apply_advice({"options": "+MDsbct 128 +MDlmbcs 512",
                                      "gain_percent": 5.0}, sysfs, False)
            self.assertEqual(rc, 0)
            self.assertIn("echo '+MDsbct 128' >", shown.getvalue())
            self.assertEqual(open(target).read(), "+MDlmbcs 512")
            open(target, "w").close()
            with contextlib.redirect_stdout(io.StringIO()) as shown:
                rc = kr.apply_advice({"options": "+MDsbct 128", "gain_percent": 0.0},
                                     sysfs, False)
            self.assertEqual(rc, 0)
            self.assertIn("nothing to write", shown.getvalue())
            self.assertEqual(open(target).read(), "")
            # the search starts from the kernel's own defaults: without a pool
            # where its std class does not migrate, else with a warning
            os.makedirs(os.path.join(sysfs, "std"))
            for acul, defaults in (("0", kr.DEFAULTS_NO_MIGRATION), ("60", kr.DEFAULTS)):
                with open(os.path.join(sysfs, "std", "abandon_limit"), "w") as f:
                    f.write(acul + "\n")
                js = os.path.join(sysfs, "result.json")
                with contextlib.redirect_stdout(io.StringIO()), \
                        contextlib.redirect_stderr(io.StringIO()) as err:
                    kr.main(["kalloc-replay", STREAM, "--events", "3000", "--apply",
                             "--dry-run", "--sysfs", sysfs, "--json", js])
                with open(js) as f:
                    self.assertEqual(json.load(f)["defaults"], defaults)
                self.assertEqual("has no carrier pool" in err.getvalue(), acul != "0")
            # a kernel without kalloc: refused before any replay
            with contextlib.redirect_stderr(io.StringIO()) as err:
                rc = kr.main(["kalloc-replay", STREAM, "--apply", "--sysfs",
                              os.path.join(sysfs, "none")])
            self.assertEqual(rc, 2)
            self.assertIn("no kalloc in this kernel", err.getvalue())

    def test_candidates_for_the_guest(self):
        import contextlib
        import io
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(kr.main(["kalloc-replay", "--candidates", "--live"]), 0)
        lines = out.getvalue().splitlines()
        self.assertEqual(lines[0], f"# cost_bound {kr.COST_BOUND}")
        self.assertEqual(lines[1], "# phases 0 250 500 750")
        self.assertEqual(lines[2], f"defaults|{kr.DEFAULTS}")
        rows = [line.split("|") for line in lines[3:]]
        self.assertEqual(len(rows), 54)
        for flags, opts in rows:
            self.assertEqual(opts, f"{kr.DEFAULTS} {flags}")
            self.assertIn(flags.split()[1], kr.LIVE_STRATEGIES)
        # the same sets --advise searches
        self.assertEqual([(f, o) for f, o in rows], kr.candidates(live=True))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(kr.main(["kalloc-replay", "--candidates", "--live",
                                      "--no-migration"]), 0)
        lines = out.getvalue().splitlines()
        self.assertEqual(lines[2], "defaults|" + kr.DEFAULTS.replace(
            "+MDacful 40", "+MDacul 0 +MDacful 0"))
        self.assertTrue(all(line.split("|")[1].startswith(kr.DEFAULTS_NO_MIGRATION)
                            for line in lines[3:]))

    def test_decay_phase_moves_the_peak_and_the_advice_holds_less_in_every_phase(self):
        import io
        text = kr.stream_text(PHASE_STREAM)
        kr.ONE_CPU = True
        try:
            fragile = f"{kr.DEFAULTS} +MDas ageffcbf +MDsbct 128 +MDlmbcs 512"
            peaks = [kr.replay(self.binary, text, fragile, phase=p)["peak_held"]
                     for p in kr.PHASES]
            # a carrier's worth more in some phases than in others
            self.assertGreater(max(peaks) - min(peaks), 256 * 1024, peaks)
            base = kr.replay(self.binary, text, kr.DEFAULTS)
            floor = min(kr.replay(self.binary, text, kr.DEFAULTS, phase=p)["peak_held"]
                        for p in kr.PHASES)
            advice = kr.advise(self.binary, text, base, io.StringIO(), live=True)
            self.assertIsNotNone(advice["options"])
            for p in kr.PHASES:
                r = kr.replay(self.binary, text, f"{kr.DEFAULTS} {advice['options']}", phase=p)
                self.assertLess(r["peak_held"], floor, (advice["options"], p))
        finally:
            kr.ONE_CPU = False

    def test_bad_options_refused(self):
        with self.assertRaises(Exception):
            kr.replay(self.binary, SYNTHETIC, opts="+MDas nosuch")

    def test_shipped_stream_under_every_strategy(self):
        text = kr.stream_text(STREAM, events=3000)
        slub = kr.replay(self.binary, text, slub=True)
        self.assertEqual(slub["events"], 3000)
        self.assertGreaterEqual(slub["peak_held"], slub["peak_used"])
        for s in kr.STRATEGIES:
            opts = f"{kr.DEFAULTS} +MDas {s}"
            r = kr.replay(self.binary, text, opts)
            again = kr.replay(self.binary, text, opts)
            self.assertEqual(r["events"], 3000, s)
            self.assertEqual(r["peak_used"], slub["peak_used"], s)
            self.assertGreaterEqual(r["peak_held"], r["peak_used"], s)
            self.assertGreater(r["carriers_created"], 0, s)
            self.assertTrue(0 < r["avg_util"] <= 100, s)
            # the footprint is the core's, not the clock's: it repeats exactly
            self.assertEqual((r["peak_held"], r["avg_held"]),
                             (again["peak_held"], again["avg_held"]), s)


if __name__ == "__main__":
    unittest.main()
