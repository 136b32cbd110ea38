#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tables of `make bench`: the benchmark module's raw lines, from one boot in
instruction-count mode (a second one for the repeat check) and one under
ordinary TCG, side by side, each kalloc figure with its ratio to the kernel's
own allocator measured in the same boot, then one summary line per measure.

    bench_report.py --icount CONSOLE [--icount-repeat CONSOLE] --tcg CONSOLE
    bench_report.py --scaling CPUS=CONSOLE [CPUS=CONSOLE ...]

The second form prints P2 and P3 by vCPU count, from instruction-count boots
of 1, 2, 4, ... vCPUs: there a guest nanosecond is one instruction, so P3's
ns per pair is the instructions of a pair on each CPU, and P2's objects per
second give instructions per object handed across.

A ratio is kalloc's cost over the kernel's: above 1, kalloc is slower. For P2,
whose figures are objects per second, the cost is the inverse.
"""

import argparse
import re
import sys

RAW = re.compile(r"kalloc_bench: R (\S+) (\d+) (\S+) (\d+)\s*$")
KERNEL = ("kmalloc", "kmem_cache", "vmalloc", "kvmalloc")
CLASSES = ("temp", "sl", "std", "ll", "fix", "buffer", "driver", "fixed")
# kalloc's figure for a summary line: the class a kernel developer starts with
SUMMARY_CLASS = {"P1.pair": "std", "P1.batch": "std", "P2": "std", "P3": "std",
                 "P4.cold": "buffer", "P4.warm": "buffer", "P5.resident": "buffer",
                 "P5.used": "buffer"}
UNITS = {"P1.pair": "ns/pair", "P1.batch": "ns/op", "P2": "objects/s",
         "P3": "ns/pair (all CPUs)", "P4.cold": "ns, first pair", "P4.warm": "ns/pair",
         "P5.resident": "KiB held", "P5.used": "KiB live"}
TITLES = {
    "P1.pair": "P1 same-CPU alloc+free pairs",
    "P1.batch": "P1 batches (512 allocs, then 512 frees)",
    "P2": "P2 cross-CPU producer->consumer (other NUMA node)",
    "P3": "P3 every CPU doing pairs at once",
    "P4.cold": "P4 large blocks, first pair",
    "P4.warm": "P4 large blocks, in a loop (segment cache warm)",
    "P5.resident": "P5 memory after a peak, held (phase 1 peak, 2 after 80 % freed, 3 refilled)",
    "P5.used": "P5 memory after a peak, asked for by live blocks",
}
REFS = {"P1.pair": ("kmalloc", "kmem_cache"), "P1.batch": ("kmalloc", "kmem_cache"),
        "P2": ("kmalloc",), "P3": ("kmalloc",), "P4.cold": ("vmalloc", "kvmalloc"),
        "P4.warm": ("vmalloc", "kvmalloc"), "P5.resident": ("kmalloc",),
        "P5.used": ("kmalloc",)}
PARAM = {"P4.cold": "KiB", "P4.warm": "KiB", "P5.resident": "phase", "P5.used": "phase"}


def parse(lines):
    """{(measure, param, who): value} from a console log."""
    out = {}
    for line in lines:
        m = RAW.search(line)
        if m:
            out[(m.group(1), int(m.group(2)), m.group(3))] = int(m.group(4))
    return out


def ratio(measure, kalloc, ref):
    """kalloc's cost over the reference's; None when either is missing or 0."""
    if not kalloc or not ref:
        return None
    return ref / kalloc if measure == "P2" else kalloc / ref


def fmt_ratio(r):
    return "-" if r is None else f"x{r:.2f}"


def measures(runs):
    seen = []
    for run in runs:
        for (m, _, _) in run:
            if m not in seen:
                seen.append(m)
    order = list(TITLES)
    return sorted(seen, key=lambda m: order.index(m) if m in order else len(order))


def table(measure, modes):
    """Lines of one measure: rows (param, who), a column group per mode."""
    rows = []
    for _, run in modes:
        for (m, p, w) in run:
            if m == measure and (p, w) not in rows:
                rows.append((p, w))
    who_order = list(KERNEL) + list(CLASSES)
    rows.sort(key=lambda r: (r[0], who_order.index(r[1]) if r[1] in who_order else 99))
    refs = REFS.get(measure, ("kmalloc",))
    unit = PARAM.get(measure, "B")
    head = f"  {unit:>5} {'who':<10}"
    for name, _ in modes:
        head += f" | {name + ' ' + UNITS.get(measure, ''):>22} " + " ".join(
            f"{'/' + r:>11}" for r in refs)
    out = [f"{TITLES.get(measure, measure)}", head]
    for p, w in rows:
        line = f"  {p:>5} {w:<10}"
        for _, run in modes:
            v = run.get((measure, p, w))
            line += f" | {v if v is not None else '-':>22} "
            cells = [fmt_ratio(ratio(measure, v, run.get((measure, p, r))))
                     if w not in KERNEL else "" for r in refs]
            line += " ".join(f"{c:>11}" for c in cells)
        out.append(line.rstrip())
    return out


def summary(measure, modes):
    """One line per parameter: kalloc's class over the first reference, every mode."""
    cls = SUMMARY_CLASS.get(measure, "std")
    ref = REFS.get(measure, ("kmalloc",))[0]
    params = sorted({p for _, run in modes for (m, p, _) in run if m == measure})
    unit = PARAM.get(measure, "B")
    pairs = [(cls, ref)]
    # a fixed-size type (ka_type_create_fixed()) against the kmem_cache of its size
    if any(w == "fixed" for _, run in modes for (m, _, w) in run if m == measure):
        pairs.append(("fixed", "kmem_cache"))
    out = []
    for cls, ref in pairs:
        for p in params:
            parts = []
            for name, run in modes:
                r = ratio(measure, run.get((measure, p, cls)), run.get((measure, p, ref)))
                parts.append(f"{'-' if r is None else f'{r:.2f}'} ({name})")
            out.append(f"{measure.replace('.', ' ')} {p} {unit} {cls}: kalloc/{ref} = "
                       + " ".join(parts))
    return out


def repeat_check(a, b, measure_prefix="P1"):
    """Largest relative difference between two runs over the figures of a measure."""
    worst, where = 0.0, None
    for key, v in a.items():
        if not key[0].startswith(measure_prefix) or key not in b or not v:
            continue
        d = abs(b[key] - v) / v
        if d > worst:
            worst, where = d, key
    return worst, where


SCALING_FLAT = 0.10	# kalloc's P3 at the most vCPUs against 1 vCPU: at most this much more


def scaling(runs):
    """Lines of the table by vCPU count; runs: [(cpus, parsed console)]."""
    out = ["P2 and P3 by vCPU count (instruction-count mode; instructions per pair or object,",
           "kalloc std class and kmalloc in the same boot; P2 needs two CPUs):",
           f"  {'vCPUs':>5} | {'P3 kalloc':>9} {'kmalloc':>8} {'ratio':>6} {'vs 1':>6} |"
           f" {'P2 64 B kalloc':>14} {'kmalloc':>8} {'ratio':>6} |"
           f" {'P2 1 KiB kalloc':>15} {'kmalloc':>8} {'ratio':>6}"]
    base = None
    verdict = []
    for cpus, run in runs:
        p3k, p3r = run.get(("P3", 64, "std")), run.get(("P3", 64, "kmalloc"))
        if base is None and p3k:
            base = (cpus, p3k)
        vs = f"{(p3k / base[1] - 1) * 100:+.1f}%" if p3k and base else "-"
        line = (f"  {cpus:>5} | {p3k if p3k else '-':>9} {p3r if p3r else '-':>8}"
                f" {fmt_ratio(ratio('P3', p3k, p3r)):>6} {vs:>6} |")
        for size, width in ((64, 14), (1024, 15)):
            k, r = run.get(("P2", size, "std")), run.get(("P2", size, "kmalloc"))
            ik = round(1e9 / k) if k else None
            ir = round(1e9 / r) if r else None
            line += (f" {ik if ik else '-':>{width}} {ir if ir else '-':>8}"
                     f" {fmt_ratio(ratio('P2', k, r)):>6} |")
        out.append(line.rstrip(" |"))
        if p3k and base and cpus != base[0]:
            verdict = [cpus, p3k / base[1] - 1]
    if verdict:
        ok = verdict[1] <= SCALING_FLAT
        out.append(f"kalloc P3 at {verdict[0]} vCPUs against {base[0]}: {verdict[1] * 100:+.1f} % "
                   f"instructions per pair (target: within {SCALING_FLAT * 100:.0f} %): "
                   + ("met" if ok else "missed"))
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--icount", help="console of the instruction-count boot")
    ap.add_argument("--scaling", nargs="+", metavar="CPUS=CONSOLE",
                    help="consoles of instruction-count boots by vCPU count")
    ap.add_argument("--icount-repeat", help="console of a second instruction-count boot")
    ap.add_argument("--tcg", help="console of the ordinary TCG boot")
    args = ap.parse_args(argv)

    def load(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            return parse(f.readlines())

    if args.scaling:
        runs = []
        for item in args.scaling:
            cpus, _, path = item.partition("=")
            runs.append((int(cpus), load(path)))
        print("\n".join(scaling(sorted(runs, key=lambda r: r[0]))))
        return 0
    if not args.icount:
        ap.error("--icount or --scaling is required")

    modes = [("icount", load(args.icount))]
    if args.tcg:
        modes.append(("tcg", load(args.tcg)))
    if not modes[0][1]:
        print("bench_report: no benchmark lines in the instruction-count console",
              file=sys.stderr)
        return 1
    for m in measures([run for _, run in modes]):
        print("\n".join(table(m, modes)))
        print()
    print("Summary (kalloc's cost over the kernel's, same boot; above 1 is slower):")
    for m in measures([run for _, run in modes]):
        for line in summary(m, modes):
            print(f"  {line}")
    if args.icount_repeat:
        worst, where = repeat_check(modes[0][1], load(args.icount_repeat))
        print(f"Instruction-count repeatability: two boots differ by at most "
              f"{worst * 100:.1f} % on P1"
              + (f" ({where[0]} {where[1]} B {where[2]})" if where else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
