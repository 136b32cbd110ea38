# SPDX-License-Identifier: GPL-2.0
"""Option strings written to a running kernel's /sys/kernel/kalloc/options,
for tools/kalloc-report --apply and tools/kalloc-replay --apply
(Documentation/options.rst, "Changing parameters at run time").

Each flag is shown first, then written on its own, so a refused one is named
with the kernel's answer and the others still apply. Flags of parameters
that act only at load are not written: they are listed as needing a reload.
"""

import os
import re

SYSFS = "/sys/kernel/kalloc"
# erts names of the parameters that act only at load (kalloc/tune.c); the
# kernel itself refuses, with the reason, the changes of the others that
# need a reload (a strategy that cannot index the class's smallest blocks,
# migration or front caches turned on or off)
LOAD_ONLY = {"atags", "dmap", "e", "cp"}
FLAG = re.compile(r"^\+M([A-Za-z@])([a-z]+)$")


def split_flags(options):
    """'+MDsbct 1024 +MBlmbcs 512' -> ['+MDsbct 1024', '+MBlmbcs 512']."""
    words = options.split()
    if len(words) % 2:
        raise ValueError(f"not flag-value pairs: {options!r}")
    flags = []
    for flag, value in zip(words[0::2], words[1::2]):
        if not FLAG.match(flag):
            raise ValueError(f"not a +M<S><param> flag: {flag!r}")
        flags.append(f"{flag} {value}")
    return flags


def live(flag):
    """Whether a running kernel may take @flag."""
    m = FLAG.match(flag.split()[0])
    return bool(m) and m.group(1) != "M" and m.group(2) not in LOAD_ONLY


def apply(options, root=SYSFS, dry_run=False, out=None):
    """Writes each live flag of @options to @root/options; returns
    (written, refused, reload): flags written, (flag, error) pairs the
    kernel refused, flags that need a reload. Raises FileNotFoundError
    for a kernel without kalloc."""
    target = os.path.join(root, "options")
    if not os.path.exists(target):
        raise FileNotFoundError(f"{target}: no kalloc in this kernel (is kalloc.ko loaded?)")
    flags = split_flags(options)
    reload = [f for f in flags if not live(f)]
    written, refused = [], []
    for flag in flags:
        if flag in reload:
            continue
        if out:
            print(f"  echo '{flag}' > {target}", file=out)
        if dry_run:
            continue
        try:
            with open(target, "w") as f:
                f.write(flag)
            written.append(flag)
        except OSError as e:
            refused.append((flag, e.strerror or str(e)))
    if out:
        for flag, why in refused:
            print(f"  refused: {flag}: {why} (the kernel log says why)", file=out)
        for flag in reload:
            print(f"  needs a reload (acts only at load): {flag}", file=out)
    return written, refused, reload
