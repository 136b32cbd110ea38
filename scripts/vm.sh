#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boot the test kernel under qemu with kalloc loaded, optionally load more
# modules and run a script in the guest, print the console, and exit with the
# guest's status. See README.md ("The VM runner").
set -euo pipefail
. "$(dirname "$0")/common.sh"

usage() {
	cat <<'USAGE'
usage: scripts/vm.sh [options] [module.ko ...]

Boots the test kernel (4 vCPUs on 2 NUMA nodes, TCG), loads kalloc.ko, then
each module given (in order), runs the script, unloads the modules in reverse
order and powers off. Exit status: the guest's (non-zero if a module failed to
load or unload or the script failed), 124 on timeout, 125 if the guest died
without reporting a status.

  --insmod 'FILE.ko ARGS'  load a module with parameters (repeatable)
  --script FILE            shell script to run in the guest (busybox sh)
  --file FILE              put FILE in the guest's /lib/kalloc without loading
                           it (for the script; repeatable)
  --cmd 'COMMAND'          shell command to run in the guest
  --no-kalloc              do not load kalloc.ko first
  --modules-dir DIR        where kalloc.ko is (default: build/obj-6.12, else .)
  --out DIR                where console.log is written (default: build/vm)
  --timeout SECONDS        bound on the whole guest run (default: 900)
  --cpus N                 vCPUs (default: 4; 2 NUMA nodes when N is even)
  --nodes N                NUMA nodes, each a socket with an equal share of
                           the vCPUs and memory (N must divide --cpus)
  --mem MiB                guest memory (default: 2048)
  --append 'ARGS'          extra kernel command line
  --kvm                    use KVM instead of TCG (hangs on some hosts)
  --one-thread             TCG on one host thread, the vCPUs in turns: with
                           many more vCPUs than host cores, a vCPU spinning on a
                           lock whose holder's thread is not running wastes its
                           own turn only (multi-threaded TCG stalls for minutes)
  --icount                 instruction-count mode: single-threaded TCG with
                           -icount shift=0,sleep=off, so one guest nanosecond is
                           one guest instruction and timings repeat from boot
                           to boot (no cache misses, no cost for atomics or for
                           turning interrupts off, vCPUs run in turns); the
                           RTC runs on that clock from a fixed date, since
                           one on the host's clock makes each boot's timeline
                           differ
  --quiet                  do not stream the console while the guest runs
  --gdb PORT               a gdb stub on localhost:PORT, to see where every
                           vCPU is when a guest hangs (gdb vmlinux, then
                           "target remote :PORT", "thread apply all bt")
USAGE
}

modules=()
files=()
script=
cmd=
load_kalloc=1
moddir=
out=$KALLOC_BUILD/vm
timeout_s=900
cpus=4
nodes=
mem=2048
append=
accel="tcg,thread=multi"
# A CPU random-number instruction, as every x86 of the last decade has: the
# guest's crng is ready at boot instead of gathering entropy from interrupts
# on every vCPU under one global lock, where many vCPU threads on a few host
# cores stalled for minutes (the holder preempted, every other vCPU spinning)
cpu=(-cpu qemu64,+rdrand,+rdseed)
icount=()
gdbstub=()
quiet=0

while [ $# -gt 0 ]; do
	case "$1" in
	--insmod) modules+=("$2"); shift ;;
	--script) script=$2; shift ;;
	--file) files+=("$2"); shift ;;
	--cmd) cmd=$2; shift ;;
	--no-kalloc) load_kalloc=0 ;;
	--modules-dir) moddir=$2; shift ;;
	--out) out=$2; shift ;;
	--timeout) timeout_s=$2; shift ;;
	--cpus) cpus=$2; shift ;;
	--nodes) nodes=$2; shift ;;
	--mem) mem=$2; shift ;;
	--append) append=$2; shift ;;
	--kvm) accel=kvm; cpu=() ;;
	--one-thread) accel=tcg,thread=single ;;
	--icount) accel=tcg,thread=single cpu=()	# the benchmark's boots as measured
		icount=(-icount shift=0,sleep=off -rtc base=2026-01-01T00:00:00,clock=vm) ;;
	--quiet) quiet=1 ;;
	--gdb) gdbstub=(-gdb "tcp:127.0.0.1:$2"); shift ;;
	-h|--help) usage; exit 0 ;;
	*.ko) modules+=("$1") ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

tree=$KALLOC_KERNEL_TREE
kernel=$tree/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no test kernel at $tree: run 'make testkernel'"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing: run scripts/deps.sh"
busybox=/bin/busybox
[ -x "$busybox" ] || die "busybox-static missing: run scripts/deps.sh"

if [ -z "$moddir" ]; then
	moddir=$KALLOC_BUILD/obj-6.12
	[ -f "$moddir/kalloc.ko" ] || moddir=$KALLOC_ROOT
fi
if [ $load_kalloc -eq 1 ]; then
	[ -f "$moddir/kalloc.ko" ] || die "no kalloc.ko in $moddir: run 'make' or 'make check'"
	modules=("$moddir/kalloc.ko" "${modules[@]}")
fi

mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
list=$stage/cpio.list

{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /bin /proc /sys /tmp /etc /etc/kalloc-vm /lib /lib/kalloc; do
		echo "dir $d 0755 0 0"
	done
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "slink /bin/sh busybox 0777 0 0"
	echo "file /init $KALLOC_ROOT/scripts/guest-init.sh 0755 0 0"
} >"$list"

: >"$stage/modules"
for m in "${modules[@]}"; do
	read -r ko args <<<"$m"
	[ -f "$ko" ] || die "module not found: $ko"
	base=$(basename "$ko")
	echo "file /lib/kalloc/$base $ko 0644 0 0" >>"$list"
	echo "$base $args" >>"$stage/modules"
done
echo "file /etc/kalloc-vm/modules $stage/modules 0644 0 0" >>"$list"
for f in "${files[@]}"; do
	[ -f "$f" ] || die "file not found: $f"
	# an executable stays one (a static tool for the guest)
	echo "file /lib/kalloc/$(basename "$f") $f $([ -x "$f" ] && echo 0755 || echo 0644) 0 0" \
		>>"$list"
done

if [ -n "$script" ] && [ -n "$cmd" ]; then
	die "--script and --cmd are exclusive"
elif [ -n "$cmd" ]; then
	printf '%s\n' "$cmd" >"$stage/script"
elif [ -n "$script" ]; then
	cp "$script" "$stage/script"
fi
[ -f "$stage/script" ] && echo "file /etc/kalloc-vm/script $stage/script 0755 0 0" >>"$list"

"$tree/usr/gen_init_cpio" "$list" >"$stage/initramfs.cpio"

# One socket per NUMA node, so the CPUs sharing a last-level cache share a
# node; two nodes unless told otherwise (one for an odd vCPU count).
if [ -z "$nodes" ]; then
	nodes=1
	[ "$cpus" -ge 2 ] && [ $((cpus % 2)) -eq 0 ] && nodes=2
fi
[ "$nodes" -ge 1 ] && [ $((cpus % nodes)) -eq 0 ] ||
	die "--nodes $nodes must divide --cpus $cpus"
smp=$cpus
numa=()
if [ "$nodes" -gt 1 ]; then
	per=$((cpus / nodes))
	smp="$cpus,sockets=$nodes,cores=$per,threads=1"
	for ((n = 0; n < nodes; n++)); do
		share=$((mem / nodes))
		[ $n -eq $((nodes - 1)) ] && share=$((mem - share * (nodes - 1)))
		numa+=(-object "memory-backend-ram,id=m$n,size=${share}M"
		       -numa "node,nodeid=$n,cpus=$((n * per))-$((n * per + per - 1)),memdev=m$n")
	done
fi

log=$out/console.log
note "booting $(basename "$kernel") with ${#modules[@]} module(s), $cpus vCPUs, log: $log"
set +e
timeout -k 10 "$timeout_s" qemu-system-x86_64 \
	-machine pc "${cpu[@]}" -accel "$accel" "${icount[@]}" \
	-smp "$smp" -m "${mem}M" "${numa[@]}" \
	-kernel "$kernel" -initrd "$stage/initramfs.cpio" \
	-append "console=ttyS0 rdinit=/init panic=-1 nokaslr $append" \
	"${gdbstub[@]}" -display none -monitor none -serial stdio -no-reboot </dev/null 2>&1 |
	# unbuffered: a guest that hangs leaves its last line in the log, not in
	# a pipe's buffer (tr's would hold up to 4 KiB back)
	sed -u 's/\r//g' | if [ $quiet -eq 1 ]; then cat >"$log"; else tee "$log"; fi
qemu_rc=${PIPESTATUS[0]}
set -e

if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
	echo "kalloc-vm: guest did not finish within ${timeout_s}s" >&2
	exit 124
fi
status=$(sed -n 's/.*KALLOC-VM: status \([0-9]*\).*/\1/p' "$log" | tail -n 1)
if [ -z "$status" ]; then
	echo "kalloc-vm: guest ended without reporting a status (crash or panic?)" >&2
	exit 125
fi
exit "$status"
