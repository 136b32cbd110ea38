#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Records the allocation streams shipped in tools/streams/ (Documentation/
# replay.rst): three real workloads of the test kernel, on SLUB (kalloc is
# not loaded), through the kernel's own kmem tracepoints and
# tools/kalloc-record:
#   exec-churn    40 rounds of processes: fork, exec, /proc and pipes
#   tmpfs-untar   a tree of kernel sources unpacked on tmpfs, read back, removed
#   minix-ramdisk the same tree written to a minix filesystem on a RAM disk,
#                 read back after a remount, removed
# usage: scripts/record-streams.sh [OUTDIR]   (default: tools/streams)
set -euo pipefail
. "$(dirname "$0")/common.sh"

dest=${1:-$KALLOC_ROOT/tools/streams}
work=$KALLOC_BUILD/record
rm -rf "$work"
mkdir -p "$work" "$dest"
"$KALLOC_ROOT/scripts/testkernel.sh" >/dev/null
tree=$KALLOC_KERNEL_TREE

# The tree: the kernel's mm/ sources, as Debian's linux-source ships them.
kalloc_minix_inputs "$work"

# The guest's part: run a workload under kalloc-record, print the stream gzipped.
emit() {
	cat <<'EOF'
emit() {
	echo "KALLOC-STREAM-BEGIN $1"
	gzip -9 | base64
	echo "KALLOC-STREAM-END $1"
}
M=/lib/kalloc
EOF
}

cat >"$work/untar.sh" <<'EOF'
M=/lib/kalloc
mkdir -p /tmp/t && cd /tmp/t && tar xf $M/tree.tar && find . -type f | xargs cat >/dev/null &&
	cd / && rm -rf /tmp/t
EOF
cat >"$work/churn.sh" <<'EOF'
i=0
while [ $i -lt 40 ]; do
	ls /proc | wc -l >/dev/null; cat /proc/meminfo | grep -c kB >/dev/null
	sh -c 'echo $$' >/dev/null; i=$((i + 1))
done
EOF
{ emit; echo 'sh $M/kalloc-record -- sh $M/churn.sh | emit exec-churn'; } >"$work/exec-churn.sh"
{ emit; echo 'sh $M/kalloc-record -- sh $M/untar.sh | emit tmpfs-untar'; } >"$work/tmpfs-untar.sh"
{
	emit
	cat <<'EOF'
insmod $M/minix.ko
dd if=$M/minix.img of=/dev/ram0 bs=4096 2>/dev/null
sh $M/kalloc-record -- sh $M/guest-minix-workload.sh | emit minix-ramdisk
rmmod minix
EOF
} >"$work/minix-ramdisk.sh"

for w in exec-churn tmpfs-untar minix-ramdisk; do
	# no_hash_pointers: without entropy the guest prints every %p as
	# (____ptrval____), and kalloc-record needs pointers told apart
	append="brd.rd_size=32768 loglevel=1 no_hash_pointers"
	note "recording $w"
	"$KALLOC_ROOT/scripts/vm.sh" --quiet --no-kalloc --out "$work/$w" --append "$append" \
		--file "$KALLOC_ROOT/tools/kalloc-record" --file "$work/tree.tar" \
		--file "$work/minix.img" --file "$tree/fs/minix/minix.ko" \
		--file "$work/untar.sh" --file "$KALLOC_ROOT/scripts/guest-minix-workload.sh" \
		--file "$work/churn.sh" \
		--script "$work/$w.sh" >/dev/null || die "the $w guest failed ($work/$w/console.log)"
	sed -n "/KALLOC-STREAM-BEGIN $w/,/KALLOC-STREAM-END $w/p" "$work/$w/console.log" |
		sed '1d;$d' | tr -d '\r' | grep -E '^[A-Za-z0-9+/=]+$' | base64 -d >"$dest/$w.stream.gz" ||
		die "no stream in $work/$w/console.log"
	echo "$w: $(zcat "$dest/$w.stream.gz" | grep -c '^[af] ') events," \
		"$(stat -c %s "$dest/$w.stream.gz") bytes"
done
