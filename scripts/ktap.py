#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Strict judge of a kalloc test VM's console log.

Reads the KTAP that KUnit modules print at load time, checks that every plan
adds up and every expected suite ran to the end, scans the whole log for
kernel splats, merges user-space test counts, and prints per-suite results
and a closing "N passed, N failed, N skipped" line. Any failed case, harness
problem or splat makes the exit status non-zero; each harness problem and the
presence of splats count as failures in the closing line, so it never reads
"0 failed" for a run that failed.
"""

import argparse
import json
import re
import sys

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
RESULT = re.compile(
    r"^(not ok|ok) (\d+)(?:\s+(?:- )?(.*?))?\s*(?:#\s*(SKIP|TODO)\b\s*(.*))?$")
SUITE_NAME = re.compile(
    r"struct\s+kunit_suite\s+\w+\s*=\s*\{[^}]*?\.name\s*=\s*\"([^\"]+)\"", re.S)
GUEST_STATUS = re.compile(r"KALLOC-VM: status (\d+)")
# A report a test provokes on purpose (a KASAN kind, or "kalloc" for kalloc's
# own misuse report), only with --expected-reports.
EXPECT_BEGIN = re.compile(r"KALLOC-EXPECT-REPORT: begin (\S+)")
EXPECT_END = re.compile(r"KALLOC-EXPECT-REPORT: end (\S+)")

# Anything the kernel prints when something went wrong. A run with any of
# these has passed nothing, whatever the KTAP says.
SPLATS = [
    r"\bBUG:", r"^BUG ", r"WARNING:", r"\bKASAN\b", r"UBSAN:", r"\bOops\b",
    r"kernel BUG", r"Kernel panic", r"general protection fault",
    r"Unable to handle", r"unable to handle",
    r"possible circular locking", r"inconsistent lock state",
    r"possible recursive locking", r"possible irq lock inversion",
    r"suspicious RCU usage", r"lock held when returning",
    r"bad unlock balance", r"DEBUG_LOCKS_WARN_ON",
    r"rcu: INFO:", r"self-detected stall", r"detected stalls? on CPU",
    r"sleeping function called from invalid context",
    r"scheduling while atomic", r"blocked for more than",
    r"Call Trace:", r"list_add corruption", r"list_del corruption",
    r"refcount_t:", r"double fault", r"stack-protector",
    r"invoked oom-killer", r"Out of memory", r"page allocation failure",
]
SPLAT = re.compile("|".join(SPLATS))


class Doc:
    """One KTAP document: a module's list of suites, or a suite's cases."""

    def __init__(self, indent, line_no):
        self.indent = indent
        self.line_no = line_no
        self.name = None
        self.plan = None
        self.results = []
        self.pending_diag = []
        # 6.1 prints a module's suites with no document of their own around
        # them: one is made up for them, with no plan to check.
        self.implicit = False


class Result:
    def __init__(self, ok, number, name, directive, reason, diag):
        self.ok = ok
        self.number = number
        self.name = name or ""
        self.directive = directive
        self.reason = reason or ""
        self.diag = diag
        self.child = None

    @property
    def status(self):
        if self.directive == "SKIP":
            return "skipped"
        return "passed" if self.ok else "failed"


def strip_line(raw):
    return TIMESTAMP.sub("", raw.rstrip("\n").replace("\r", ""))


def parse(lines):
    """Returns (top-level docs, problems)."""
    tops, problems, open_docs = [], [], {}

    def close_deeper(indent, line_no):
        for ind in sorted(k for k in open_docs if k >= indent):
            doc = open_docs.pop(ind)
            if ind == 0:
                continue  # a module's document has no closing result line
            problems.append(
                f"line {doc.line_no}: KTAP document '{doc.name or '?'}' "
                f"ended before its result (crash or missing test?)")

    def module_open():
        """Whether a module's document is there to take another suite."""
        top = open_docs.get(0)
        return top is not None and (top.plan is None or len(top.results) < top.plan)

    def implicit_module(line_no):
        top = Doc(0, line_no)
        top.implicit = True
        open_docs[0] = top
        tops.append(top)
        return top

    for line_no, raw in enumerate(lines, 1):
        line = strip_line(raw)
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        content = content.rstrip()
        if content in ("KTAP version 1", "TAP version 14"):
            close_deeper(indent, line_no)
            if indent == 4 and not module_open():
                implicit_module(line_no)
            doc = Doc(indent, line_no)
            open_docs[indent] = doc
            if indent == 0:
                tops.append(doc)
            continue
        doc = open_docs.get(indent)
        if doc is None:
            # A case's diagnostics sit one level deeper than its result line.
            parent = open_docs.get(indent - 4)
            if parent is not None and content.startswith("#"):
                parent.pending_diag.append(content)
            continue
        if content.startswith("# Subtest:"):
            doc.name = content[len("# Subtest:"):].strip()
        elif re.fullmatch(r"1\.\.\d+", content):
            doc.plan = int(content[3:])
        elif content.startswith("#"):
            doc.pending_diag.append(content)
        else:
            m = RESULT.match(content)
            if not m:
                continue
            child = open_docs.get(indent + 4)
            # Diagnostics of a case are printed one level deeper than its result.
            diag = doc.pending_diag + (child.pending_diag if child else [])
            res = Result(m.group(1) == "ok", int(m.group(2)), m.group(3),
                         m.group(4), m.group(5), diag)
            doc.pending_diag = []
            if doc.implicit and res.number == 1 and doc.results:
                doc = implicit_module(line_no)	# the next module's first suite
            if child:
                res.child = child
                open_docs.pop(indent + 4)
                close_deeper(indent + 5, line_no)
            doc.results.append(res)
    for doc in open_docs.values():
        if doc.indent == 0:
            continue
        problems.append(f"line {doc.line_no}: KTAP document '{doc.name or '?'}' "
                        f"never finished (crash, hang or missing test?)")
    return tops, problems


def check_doc(doc, what, problems):
    if doc.implicit:
        pass  # no plan was printed; each suite's own plan is still checked
    elif doc.plan is None:
        problems.append(f"{what}: no test plan")
    elif doc.plan != len(doc.results):
        problems.append(f"{what}: plan 1..{doc.plan} but {len(doc.results)} results")
    for i, res in enumerate(doc.results, 1):
        if res.number != i:
            problems.append(f"{what}: result '{res.name}' numbered {res.number}, expected {i}")
        if res.child is not None:
            check_doc(res.child, f"{what}/{res.name}", problems)


def expected_suites(paths):
    names = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            names += SUITE_NAME.findall(f.read())
    return names


def excuse_expected(stripped, problems):
    """Indexes of lines inside KALLOC-EXPECT-REPORT brackets, and how many brackets.

    Each bracket must close and hold the report it announces (KASAN's, or
    kalloc's own for the kind "kalloc"): a bracket
    with nothing in it is a problem, so an excused region never hides a
    missing report."""
    inside, count, begin, kind, found = set(), 0, None, None, False
    for i, line in enumerate(stripped):
        if begin is None:
            m = EXPECT_BEGIN.search(line)
            if m:
                begin, kind, found = i, m.group(1), False
            continue
        inside.add(i)
        m = EXPECT_END.search(line)
        if m:
            count += 1
            if not found:
                problems.append(f"console.log:{begin + 1}: expected a {kind} "
                                f"report, none was printed")
            begin = None
        elif f"BUG: KASAN: {kind}" in line or (kind == "kalloc" and
                                                 line.startswith("BUG kalloc: ")):
            found = True
    if begin is not None:
        problems.append(f"console.log:{begin + 1}: KALLOC-EXPECT-REPORT never ended")
    return inside, count


def judge(lines, expect, extra, require_status, expected_reports=False):
    """Returns a JSON-able report of the run."""
    tops, problems = parse(lines)
    suites = []
    for top in tops:
        check_doc(top, "module KTAP", problems)
        for res in top.results:
            cases = res.child.results if res.child else []
            if res.child is None:
                problems.append(f"suite '{res.name}' has no test cases")
            if not res.ok and all(c.ok for c in cases) and res.directive != "SKIP":
                problems.append(f"suite '{res.name}' failed outside its cases")
            suites.append({
                "name": res.name,
                "status": res.status,
                "cases": [{"name": c.name, "status": c.status, "reason": c.reason,
                           "diagnostics": c.diag} for c in cases],
            })
    seen = [s["name"] for s in suites]
    for name in expect:
        n = seen.count(name)
        if n == 0:
            problems.append(f"expected suite '{name}' did not run")
        elif n > 1:
            problems.append(f"suite '{name}' ran {n} times")

    splats = []
    stripped = [strip_line(raw) for raw in lines]
    excused, n_excused = (excuse_expected(stripped, problems) if expected_reports
                          else (set(), 0))
    for i, line in enumerate(stripped):
        if i in excused:
            continue
        if SPLAT.search(line):
            splats.append({"line": i + 1, "text": line,
                           "context": stripped[i + 1:i + 4]})

    if require_status:
        statuses = [GUEST_STATUS.search(l) for l in stripped]
        statuses = [int(m.group(1)) for m in statuses if m]
        if not statuses:
            problems.append("the guest never reported its status (crash, panic or hang)")
        elif statuses[-1] != 0:
            problems.append(f"the guest reported status {statuses[-1]} "
                            f"(a module failed to load/unload or the script failed)")

    counts = {"passed": 0, "failed": 0, "skipped": 0}
    failures = []  # the failed checks that other runs' groups name
    for s in suites:
        for c in s["cases"]:
            counts[c["status"]] += 1
    for name, path in extra:
        with open(path, encoding="utf-8") as f:
            got = json.load(f)
        for key in counts:
            counts[key] += int(got.get(key, 0))
        if got.get("problems"):
            problems += [f"{name}: {p}" for p in got["problems"]]
        failures += [f"{name}: {f}" for f in got.get("failures", [])]

    return {"suites": suites, "problems": problems, "failures": failures, "splats": splats,
            "expected_reports": n_excused,
            "extra": [name for name, _ in extra], **counts}


def report(result, out):
    for s in result["suites"]:
        n = {k: sum(c["status"] == k for c in s["cases"])
             for k in ("passed", "failed", "skipped")}
        print(f"  {s['name']}: {n['passed']} passed, {n['failed']} failed, "
              f"{n['skipped']} skipped", file=out)
        for c in s["cases"]:
            if c["status"] == "failed":
                print(f"    FAILED {c['name']}", file=out)
                for d in c["diagnostics"]:
                    print(f"      {d}", file=out)
    if result.get("expected_reports"):
        print(f"  {result['expected_reports']} report(s) provoked on purpose, each "
              f"found inside its KALLOC-EXPECT-REPORT bracket", file=out)
    for f in result.get("failures", []):
        print(f"  FAILED {f}", file=out)
    for p in result["problems"]:
        print(f"  HARNESS: {p}", file=out)
    if result["splats"]:
        print(f"  SPLAT: {len(result['splats'])} kernel splat line(s) in the console log:",
              file=out)
        for sp in result["splats"][:40]:
            print(f"    console.log:{sp['line']}: {sp['text']}", file=out)
            for ctx in sp["context"]:
                print(f"        {ctx}", file=out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("console", help="console log of the test VM")
    ap.add_argument("--expect", nargs="*", default=[],
                    help="C files whose KUnit suites must all have run")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=JSON",
                    help="user-space results {passed, failed, skipped, problems}")
    ap.add_argument("--json", help="write the parsed results here")
    ap.add_argument("--group", metavar="JSON",
                    help="also write the run as one group {passed, failed, skipped, "
                         "problems} for another run's --extra (a splat is a problem)")
    ap.add_argument("--expected-reports", action="store_true",
                    help="excuse KASAN reports inside KALLOC-EXPECT-REPORT brackets "
                         "(the debugging tools' guest only)")
    ap.add_argument("--no-guest-status", action="store_true",
                    help="do not require the VM runner's status line")
    args = ap.parse_args(argv)

    extra = [tuple(e.split("=", 1)) for e in args.extra]
    with open(args.console, encoding="utf-8", errors="replace") as f:
        lines = f.readlines()
    result = judge(lines, expected_suites(args.expect), extra,
                   not args.no_guest_status, args.expected_reports)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)

    report(result, sys.stdout)
    if args.group:
        problems = list(result["problems"])
        if result["splats"]:
            problems.append(f"{len(result['splats'])} kernel splat line(s), first: "
                            f"{result['splats'][0]['text']}")
        with open(args.group, "w", encoding="utf-8") as f:
            json.dump({k: result[k] for k in ("passed", "failed", "skipped")} |
                      {"problems": problems}, f)
    harness_failures = len(result["problems"]) + (1 if result["splats"] else 0)
    failed = result["failed"] + harness_failures
    print(f"{result['passed']} passed, {failed} failed, {result['skipped']} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
