#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Locked instructions and interrupt-flag operations on the same-CPU pair.

Instruction-count mode charges nothing for a LOCK-prefixed read-modify-write
or for saving and restoring interrupts, so `make bench` counts them in the
built object instead: the functions of kalloc.ko that ka_alloc() and
ka_free() reach by calls (what they inline is in their bodies), less the
out-of-line slow paths named in OFF_PATH, are disassembled and every
instruction in them counted. A body includes its rarely taken branches too,
so the figures are an upper bound for the path.
Documentation/performance.rst describes the method.

usage: fastpath_atomics.py kalloc.ko
"""
import re
import subprocess
import sys

ENTRIES = ("ka_alloc", "ka_free")
# Out of line by design and off the pair's path: an empty cache or a full
# one, a refused request, a report, a hole, verify_pointers, a reschedule,
# __GFP_ZERO, the first free after an idle period (decay armed), a type's
# bytes folded into its figure (two locked instructions once a CPU's
# allocations and frees of the type are 64 KiB apart; a pair's cancel).
OFF_PATH = {
    "ka_type_bytes_fold",
    "alloc_rare", "free_rare", "ka_front_refill", "ka_cpu_alloc_in", "ka_cpu_free",
    "free_make_room", "ka_warn_failed", "ka_report", "ka_registry_find_slow",
    "ka_registry_in_hole", "ka_type_by_id", "preempt_schedule_thunk", "memset",
    "queue_delayed_work_on", "ka_class_alloc",
}

FUNC = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
INSN = re.compile(r"^\s+[0-9a-f]+:\s+(.*)$")
RELOC_CALL = re.compile(r"R_X86_64_(?:PLT32|PC32)\s+([A-Za-z_][\w.]*)-0x4")
DIRECT_CALL = re.compile(r"call\s+[0-9a-f]+ <([A-Za-z_][\w.]*)>")


def bodies(ko):
    dis = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-r", ko],
                         check=True, capture_output=True, text=True).stdout
    funcs, cur, last_call = {}, None, False
    for line in dis.splitlines():
        m = FUNC.match(line)
        if m:
            cur = funcs.setdefault(m.group(1), {"insns": [], "calls": set()})
            continue
        if cur is None:
            continue
        if "R_X86_64" in line:
            r = RELOC_CALL.search(line)
            if r and last_call:
                cur["calls"].add(r.group(1))
            continue
        m = INSN.match(line)
        if not m:
            continue
        text = m.group(1).strip()
        cur["insns"].append(text)
        last_call = text.startswith(("call", "jmp"))
        d = DIRECT_CALL.search(text)
        if d and "+" not in d.group(1):
            cur["calls"].add(d.group(1))
    return funcs


def classify(text):
    mnem = text.split()[0] if text else ""
    ops = text[len(mnem):]
    if mnem == "lock" or (mnem.startswith("xchg") and "(" in ops):
        return "locked"
    if mnem in ("cli", "sti"):
        return mnem
    if mnem.startswith("popf"):
        return "popf"
    if mnem.startswith("pushf"):
        return "pushf"
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    funcs = bodies(sys.argv[1])
    missing = [e for e in ENTRIES if e not in funcs]
    if missing:
        sys.exit("fastpath_atomics: no %s in %s" % (", ".join(missing), sys.argv[1]))
    on_path, todo, off = [], list(ENTRIES), set()
    while todo:
        f = todo.pop(0)
        if f in on_path:
            continue
        on_path.append(f)
        for c in sorted(funcs[f]["calls"]):
            if c == f:
                continue
            if c in OFF_PATH or c not in funcs:
                off.add(c)
            else:
                todo.append(c)
    total = {"locked": 0, "cli": 0, "sti": 0, "popf": 0, "pushf": 0}
    print("%-24s %6s %6s %14s %12s" % ("function", "insns", "locked", "cli/sti/popf", "pushf (read)"))
    for f in on_path:
        n = {k: 0 for k in total}
        for text in funcs[f]["insns"]:
            k = classify(text)
            if k:
                n[k] += 1
        for k in total:
            total[k] += n[k]
        print("%-24s %6d %6d %14d %12d" % (f, len(funcs[f]["insns"]), n["locked"],
                                           n["cli"] + n["sti"] + n["popf"], n["pushf"]))
    saves = total["cli"] + total["sti"] + total["popf"]
    print("same-CPU pair: %d locked instruction(s), %d interrupt save/restore instruction(s) "
          "(cli/sti/popf), %d flags read(s) (pushf)" % (total["locked"], saves, total["pushf"]))
    print("off the path (out of line): %s" % ", ".join(sorted(off)))


if __name__ == "__main__":
    main()
