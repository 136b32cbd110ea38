#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Checks advice of tools/kalloc-replay in the guest (Documentation/replay.rst):
# replays STREAM through kalloc_bench.ko (only=REPLAY, every event on one
# CPU, std class, in the stream's own time, three runs of which the median
# counts) with kalloc's defaults and with OPTS, and compares the gain in peak
# memory held with what the user-space replay (--one-cpu) predicts. Passes
# when the two gains agree within TOLERANCE percentage points. Without
# kmemleak, whose bookkeeping of every block slows the guest below the
# stream's pace.
# usage: scripts/replay-check.sh [STREAM [OPTS]]
set -euo pipefail
. "$(dirname "$0")/common.sh"

stream=${1:-$KALLOC_ROOT/tools/streams/minix-ramdisk.stream.gz}
advice=${2:-+MDas gf +MDsbct 128 +MDlmbcs 512}
tolerance=${KALLOC_REPLAY_TOLERANCE:-10}
work=$KALLOC_BUILD/replay-check
rm -rf "$work"
mkdir -p "$work"
zcat -f "$stream" >"$work/stream"

python3 "$KALLOC_ROOT/tools/kalloc-replay" "$stream" --one-cpu -o "$advice" \
	--json "$work/user.json" >"$work/user.txt"
read -r user_def user_adv < <(python3 - "$work/user.json" "$advice" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["configs"]
print(int(r["defaults (std class)"]["peak_held"]) >> 10, int(r[sys.argv[2]]["peak_held"]) >> 10)
PY
)

moddir=${KALLOC_REPLAY_MODDIR:-$("$KALLOC_ROOT/scripts/build-modules.sh" 6.12 | tail -1)}
guest() {	# $1: name, $2: kalloc options
	"$KALLOC_ROOT/scripts/vm.sh" --quiet --no-kalloc --out "$work/$1" --modules-dir "$moddir" \
		--append kmemleak=off --file "$work/stream" \
		--insmod "$moddir/kalloc.ko opts=\"$2\"" \
		--insmod "$moddir/kalloc_bench.ko only=REPLAY runs=3" >/dev/null ||
		die "the $1 guest failed ($work/$1/console.log)"
	sed -n 's/.*R REPLAY.peak_held 0 std \([0-9]*\).*/\1/p' "$work/$1/console.log"
}
guest_def=$(guest defaults "+MDacful de")
guest_adv=$(guest advised "$advice")
[ -n "$guest_def" ] && [ -n "$guest_adv" ] || die "no REPLAY figures in the guests' consoles"

python3 - "$user_def" "$user_adv" "$guest_def" "$guest_adv" "$tolerance" "$advice" <<'PY'
import sys
ud, ua, gd, ga, tol = (float(x) for x in sys.argv[1:6])
ug, gg = 100 * (1 - ua / ud), 100 * (1 - ga / gd)
ok = abs(ug - gg) <= tol
print(f"advice {sys.argv[6]!r}: user space {ud:.0f} -> {ua:.0f} KiB ({ug:.1f} % less), "
      f"guest {gd:.0f} -> {ga:.0f} KiB ({gg:.1f} % less): "
      f"{'agree' if ok else 'DISAGREE'} within {tol:.0f} points")
sys.exit(0 if ok else 1)
PY
