# SPDX-License-Identifier: GPL-2.0
"""Tests of tools/kalloc-report on saved copies of kalloc's debugfs files."""

import importlib.machinery
import importlib.util
import io
import os
import tempfile
import unittest

_path = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "kalloc-report")
_loader = importlib.machinery.SourceFileLoader("kalloc_report", _path)
_spec = importlib.util.spec_from_loader("kalloc_report", _loader)
report = importlib.util.module_from_spec(_spec)
_loader.exec_module(report)

MIB = 1024 * 1024


POOL_COLS = ["pooled_blocks", "pooled_blocks_size", "pooled_carriers", "pooled_carriers_size",
             "abandoned", "fetched", "fetch_failed", "skip_busy", "skip_size", "homecomings",
             "pooled_given_back"]


FRONT_COLS = ["cached_blocks", "cached_bytes", "hits", "refills", "refilled", "flushes",
              "flushed"]


def class_info(name, as_="bf", lmbcs=2 * MIB, inst=None, acul=0, pool=None, front=None):
    """A <class>/info file; inst: {cpu: {stat: cur}}; pool, front: {cpu: {column: value}}."""
    lines = [f"class {name}", "letter X", "enabled 1", f"as {as_}", "sbct 524288",
             f"lmbcs {lmbcs}", f"acul {acul}", "cp X", "", "[stats]",
             "instance stat cur last_max max"]
    total = {}
    for cpu, stats in inst.items():
        for stat, cur in stats.items():
            lines.append(f"{cpu} {stat} {cur} {cur} {cur}")
            total[stat] = total.get(stat, 0) + cur
    for stat, cur in total.items():
        lines.append(f"total {stat} {cur} {cur} {cur}")
    if pool:
        lines += ["", "[pool]", "instance " + " ".join(POOL_COLS)]
        ptotal = {}
        for cpu, row in pool.items():
            lines.append(f"{cpu} " + " ".join(str(row.get(c, 0)) for c in POOL_COLS))
            for c in POOL_COLS:
                ptotal[c] = ptotal.get(c, 0) + row.get(c, 0)
        lines.append("total " + " ".join(str(ptotal[c]) for c in POOL_COLS))
    if front:
        lines += ["", "[front]", "instance " + " ".join(FRONT_COLS)]
        ftotal = {c: 0 for c in FRONT_COLS}
        for cpu, row in front.items():
            lines.append(f"{cpu} " + " ".join(str(row.get(c, 0)) for c in FRONT_COLS))
            for c in FRONT_COLS:
                ftotal[c] += row.get(c, 0)
        lines.append("total " + " ".join(str(ftotal[c]) for c in FRONT_COLS))
    return "\n".join(lines) + "\n"


def save(d, files):
    for rel, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
        with open(os.path.join(d, rel), "w") as f:
            f.write(text)


def run(files):
    with tempfile.TemporaryDirectory() as d:
        save(d, {"info": "version 0.1.0\n", **files})
        out = io.StringIO()
        tips, _ = report.report(d, out)
        return tips, out.getvalue()


SEG_OK = "mcs 10\ncache_hits 950\ncache_misses 50\ncached 3\n"


class ReportTest(unittest.TestCase):
    def test_sbc_heavy_buffer_class(self):
        # 40 buffer blocks of 1.6 MiB in SBCs, 10 small ones in MBCs
        inst = {0: {"mbc_blocks": 10, "mbc_blocks_size": 10 * 4096,
                    "mbc_carriers_size": MIB // 2, "sbc_blocks": 40,
                    "sbc_blocks_size": int(40 * 1.6 * MIB),
                    "sbc_carriers_size": int(40 * 1.6 * MIB) + 40 * 4096}}
        tips, text = run({"buffer/info": class_info("buffer", inst=inst),
                          "segments": SEG_OK})
        self.assertTrue(any("most buffer blocks are in singleblock carriers, average 1.6 MiB"
                            in t and "+MBsbct 2048" in t and "larger lmbcs" in t
                            for t in tips), tips)
        self.assertIn("sbc to mbc block ratio", text)
        self.assertIn("buffer   4.000", text)

    def test_labels_are_binary_units(self):
        # 1,600,000 B is 1.5 MiB, not "1.5 MB"
        inst = {0: {"mbc_blocks": 1, "mbc_blocks_size": 4096,
                    "mbc_carriers_size": MIB // 2, "sbc_blocks": 8,
                    "sbc_blocks_size": 8 * 1600000,
                    "sbc_carriers_size": 8 * 1600000 + 8 * 4096}}
        tips, _ = run({"buffer/info": class_info("buffer", inst=inst), "segments": SEG_OK})
        self.assertTrue(any("average 1.5 MiB:" in t for t in tips), tips)

    def test_help_and_bad_arguments(self):
        import contextlib
        import io
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            self.assertEqual(report.main(["kalloc-report", "--help"]), 0)
        self.assertIn("kalloc-report [DIR]", out.getvalue())
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(report.main(["kalloc-report", "--bogus"]), 2)

    def apply(self, files, *args, options=True):
        """main() with --apply on a saved copy and a stand-in sysfs directory."""
        import contextlib
        with tempfile.TemporaryDirectory() as d, tempfile.TemporaryDirectory() as sysfs:
            save(d, {"info": "version 0.1.0\n", **files})
            if options:
                save(sysfs, {"options": ""})
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = report.main(["kalloc-report", d, "--apply", "--sysfs", sysfs, *args])
            written = None
            if options:
                with open(os.path.join(sysfs, "options")) as f:
                    written = f.read()
            return rc, out.getvalue(), err.getvalue(), written

    SBC_HEAVY = {0: {"mbc_blocks": 10, "mbc_blocks_size": 10 * 4096,
                     "mbc_carriers_size": MIB // 2, "sbc_blocks": 40,
                     "sbc_blocks_size": int(40 * 1.6 * MIB),
                     "sbc_carriers_size": int(40 * 1.6 * MIB) + 40 * 4096}}

    def test_apply_writes_what_a_running_kernel_takes(self):
        files = {"buffer/info": class_info("buffer", inst=self.SBC_HEAVY), "segments": SEG_OK}
        rc, out, _, written = self.apply(files)
        self.assertEqual(rc, 0, out)
        # each flag shown, then written on its own (sysfs takes one write at a time)
        self.assertIn("echo '+MBsbct 2048' >", out)
        self.assertIn("echo '+MBlmbcs 4096' >", out)
        self.assertEqual(written, "+MBlmbcs 4096")
        rc, out, _, written = self.apply(files, "--dry-run")
        self.assertEqual(rc, 0)
        self.assertIn("echo '+MBsbct 2048' >", out)
        self.assertEqual(written, "")

    def test_apply_refused_without_kalloc(self):
        files = {"buffer/info": class_info("buffer", inst=self.SBC_HEAVY), "segments": SEG_OK}
        rc, out, err, _ = self.apply(files, options=False)
        self.assertEqual(rc, 2)
        self.assertIn("no kalloc in this kernel", err)
        self.assertNotIn("echo", out)

    def test_advice_needing_a_reload_is_not_written(self):
        # low utilization without migration: acul, which acts only at load
        inst = {0: {"mbc_blocks": 100, "mbc_blocks_size": 100 * 4096,
                    "mbc_carriers_size": 8 * MIB}}
        rc, out, _, written = self.apply({"ll/info": class_info("ll", as_="bf", inst=inst),
                                          "segments": SEG_OK})
        self.assertEqual(rc, 0, out)
        self.assertIn("nothing a running kernel can take", out)
        self.assertEqual(written, "")

    def test_flags_split_and_sorted_by_what_acts_live(self):
        sysfs = report.kalloc_sysfs
        self.assertEqual(sysfs.split_flags("+MDsbct 8  +MBlmbcs\t512"),
                         ["+MDsbct 8", "+MBlmbcs 512"])
        with self.assertRaises(ValueError):
            sysfs.split_flags("+MDsbct")
        with self.assertRaises(ValueError):
            sysfs.split_flags("sbct 8")
        self.assertTrue(sysfs.live("+MDsbct 8"))
        self.assertTrue(sysfs.live("+Muacfml 4096"))
        self.assertTrue(sysfs.live("+MDas aobf"))
        self.assertTrue(sysfs.live("+MDfcmax 1024"))
        for flag in ("+MDcp @", "+MBatags true", "+MMmcs 3", "+MDe false", "+MRdmap true"):
            self.assertFalse(sysfs.live(flag), flag)

    def test_low_utilization_without_migration(self):
        inst = {cpu: {"mbc_blocks": 100, "mbc_blocks_size": int(0.22 * 4 * MIB),
                      "mbc_carriers_size": 4 * MIB} for cpu in range(2)}
        tips, text = run({"ll/info": class_info("ll", as_="bf", inst=inst),
                          "segments": SEG_OK})
        self.assertTrue(any("ll carrier utilization 22 % without carrier migration: "
                            "consider +MLacul de" in t for t in tips), tips)
        self.assertIn("usage                   22.0 %", text)
        self.assertIn("ll       off (acul 0)", text)

    def test_low_utilization_with_migration(self):
        inst = {cpu: {"mbc_blocks": 100, "mbc_blocks_size": int(0.22 * 4 * MIB),
                      "mbc_carriers_size": 4 * MIB} for cpu in range(2)}
        tips, _ = run({"ll/info": class_info("ll", as_="aoffcbf", inst=inst, acul=85),
                       "segments": SEG_OK})
        self.assertTrue(any("ll carrier utilization 22 %: consider aoffcaobf / a smaller "
                            "lmbcs" in t for t in tips), tips)

    def test_apply_writes_a_strategy_a_running_kernel_takes(self):
        inst = {0: {"mbc_blocks": 100, "mbc_blocks_size": int(0.22 * 4 * MIB),
                    "mbc_carriers_size": 4 * MIB}}
        rc, out, _, written = self.apply({"ll/info": class_info("ll", as_="aoffcbf", inst=inst,
                                                                acul=85),
                                          "segments": SEG_OK})
        self.assertEqual(rc, 0, out)
        self.assertEqual(written, "+MLas aoffcaobf")
        # already in force: nothing to write
        rc, out, _, written = self.apply({"ll/info": class_info("ll", as_="aoffcaobf",
                                                                inst=inst, acul=85),
                                          "segments": SEG_OK})
        self.assertEqual(written, "")

    def test_carriers_by_strategy_after_a_change(self):
        inst = {0: {"mbc_blocks": 10, "mbc_blocks_size": 10 * 4096,
                    "mbc_carriers_size": 3 * MIB}}
        head = "instance birth source kind size allocated blocks pooled unscanned " \
            "given_back strategy"
        carriers = "\n".join([
            "[carriers]", head,
            "0 1 sys main 32768 4096 1 0 0 0 aoffcbf",
            "0 2 seg mbc 1048576 8192 2 0 0 0 aoffcbf",
            "0 3 seg mbc 2097152 28672 7 0 0 0 ageffcbf",
            "0 4 seg sbc 1064960 1048576 1 0 0 0 -"]) + "\n"
        _, text = run({"std/info": class_info("std", as_="ageffcbf", inst=inst, acul=60),
                       "std/carriers": carriers, "segments": SEG_OK})
        self.assertIn("std      ageffcbf 1 carriers 2.0 MiB, aoffcbf 2 carriers 1.0 MiB "
                      "(earlier)", text)
        # a saved copy from before the strategy column: no such section
        _, text = run({"std/info": class_info("std", as_="ageffcbf", inst=inst, acul=60),
                       "segments": SEG_OK})
        self.assertNotIn("by strategy", text)

    def test_low_utilization_already_aoffcaobf(self):
        inst = {0: {"mbc_blocks": 1, "mbc_blocks_size": MIB // 4,
                    "mbc_carriers_size": 2 * MIB}}
        tips, _ = run({"ll/info": class_info("ll", as_="aoffcaobf", inst=inst, acul=85),
                       "segments": SEG_OK})
        self.assertTrue(any("consider a smaller lmbcs" in t and "aoffcaobf /" not in t
                            for t in tips), tips)

    def test_pooled_carriers_count_and_failing_searches(self):
        # CPU 1 owns 3 MiB of pooled carriers holding 1 MiB; its searches mostly fail
        inst = {cpu: {"mbc_blocks": 10, "mbc_blocks_size": 3 * MIB,
                      "mbc_carriers_size": 4 * MIB} for cpu in range(2)}
        pool = {0: {"fetched": 10, "fetch_failed": 5},
                1: {"pooled_blocks": 50, "pooled_blocks_size": MIB, "pooled_carriers": 3,
                    "pooled_carriers_size": 3 * MIB, "abandoned": 7, "fetched": 20,
                    "fetch_failed": 200}}
        tips, text = run({"std/info": class_info("std", as_="aoffcbf", inst=inst, acul=60,
                                                  pool=pool),
                          "segments": SEG_OK})
        self.assertIn("usage                   63.6 %", text)  # 7 MiB in 11 MiB
        self.assertIn("std      pool X  3 carriers 3.0 MiB holding 1.0 MiB", text)
        frag = text.split("fragmentation")[1].split("\n\n")[0]
        self.assertLess(frag.index("cpu 1"), frag.index("cpu 0"))
        self.assertTrue(any("87 % of carrier pool searches fail while 3 carriers are pooled"
                            in t and "+MDacfml" in t for t in tips), tips)

    def test_pages_given_back_make_usage_true(self):
        # 8 MiB of carriers, 3 MiB of their pages given back (2 + 1 pooled): 5 MiB resident
        inst = {0: {"mbc_blocks": 10, "mbc_blocks_size": 2 * MIB, "mbc_carriers_size": 6 * MIB,
                    "mbc_given_back": 2 * MIB}}
        pool = {0: {"pooled_blocks": 5, "pooled_blocks_size": MIB, "pooled_carriers": 1,
                    "pooled_carriers_size": 2 * MIB, "pooled_given_back": MIB}}
        tips, text = run({"buffer/info": class_info("buffer", inst=inst, acul=60, pool=pool),
                          "segments": SEG_OK})
        self.assertIn("allocated (carriers)    8.0 MiB", text)
        self.assertIn("resident (not given back) 5.0 MiB", text)
        self.assertIn("usage                   60.0 %", text)  # 3 MiB in 5 MiB
        self.assertFalse(any("utilization" in t for t in tips), tips)

    def test_poor_segment_cache(self):
        tips, text = run({"segments": "mcs 2\ncache_hits 10\ncache_misses 190\n"})
        self.assertTrue(any("segment cache hit rate 5 %: consider a larger +MMmcs (now 2)"
                            in t for t in tips), tips)
        self.assertIn("hit rate 5.0 % (10 hits, 190 misses)", text)

    def test_healthy_gives_no_advice(self):
        inst = {0: {"mbc_blocks": 1000, "mbc_blocks_size": 3 * MIB,
                    "mbc_carriers_size": 4 * MIB, "sbc_blocks": 1,
                    "sbc_blocks_size": MIB, "sbc_carriers_size": MIB + 4096}}
        tips, text = run({"std/info": class_info("std", inst=inst), "segments": SEG_OK})
        self.assertEqual(tips, [])
        self.assertIn("advice\n  - none", text)

    def test_fragmentation_sorted_by_waste(self):
        inst = {0: {"mbc_blocks_size": MIB, "mbc_carriers_size": 2 * MIB},
                1: {"mbc_blocks_size": MIB, "mbc_carriers_size": 4 * MIB}}
        _, text = run({"sl/info": class_info("sl", inst=inst), "segments": SEG_OK})
        frag = text.split("fragmentation")[1].split("\n\n")[0]
        self.assertLess(frag.index("cpu 1"), frag.index("cpu 0"))

    def test_cached_blocks_are_not_used(self):
        # 3 MiB in blocks by the instances' count, 1 MiB of it in CPU 1's front cache
        inst = {cpu: {"mbc_blocks": 10, "mbc_blocks_size": 3 * MIB // 2,
                      "mbc_carriers_size": 2 * MIB} for cpu in range(2)}
        front = {1: {"cached_blocks": 256, "cached_bytes": MIB}}
        _, text = run({"std/info": class_info("std", inst=inst, front=front),
                       "segments": SEG_OK})
        self.assertIn("used (in blocks)        2.0 MiB", text)
        self.assertIn("cached (front caches)   1.0 MiB", text)
        self.assertIn("usage  50.0 %  cached    1.0 MiB", text)
        frag = text.split("fragmentation")[1].split("\n\n")[0]
        self.assertLess(frag.index("cpu 1"), frag.index("cpu 0"))  # 1.5 MiB wasted

    def test_parse_reads_keys_and_sections(self):
        with tempfile.TemporaryDirectory() as d:
            save(d, {"x": "a 1\nb two words\n\n[s]\nc d\n1 2\n3 4\n"})
            keys, sections = report.parse(os.path.join(d, "x"))
        self.assertEqual(keys, {"a": "1", "b": "two words"})
        self.assertEqual(sections["s"], [{"c": "1", "d": "2"}, {"c": "3", "d": "4"}])


if __name__ == "__main__":
    unittest.main()
