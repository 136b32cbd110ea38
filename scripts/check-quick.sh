#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check-quick`: the loop for whoever changes the code. Builds the
# modules against the cached 6.12 test kernel (W=1, sparse), runs the
# user-space tests briefly (a 100,000-operation stress per strategy, 5 s of
# libFuzzer), boots the main guest once with every suite of kalloc_kunit.ko,
# and prints "N passed, N failed, N skipped". `make check` stays the full
# gate (every kernel, every guest, style) and CI's command.
# Results: $KALLOC_BUILD/check-quick/.
set -uo pipefail
. "$(dirname "$0")/common.sh"

out=$KALLOC_BUILD/check-quick
rm -rf "$out"
mkdir -p "$out"
start=$SECONDS

fail_early() {
	echo "kalloc check-quick: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

"$KALLOC_ROOT/scripts/deps.sh" || fail_early "could not install the required packages"
"$KALLOC_ROOT/scripts/build-modules.sh" 6.12 >/dev/null ||
	fail_early "modules do not build against the test kernel"

KALLOC_UTEST_OUT=$out KALLOC_STRESS_OPS=${KALLOC_STRESS_OPS:-100000} \
	KALLOC_FUZZ_SECONDS=${KALLOC_FUZZ_SECONDS:-5} "$KALLOC_ROOT/scripts/utest.sh"
utest_rc=$?

note "booting the test VM: every suite of kalloc_kunit.ko"
"$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$out" --timeout "${KALLOC_VM_TIMEOUT:-1500}" \
	--append "panic_on_warn=1 ${KALLOC_APPEND:-}" \
	--modules-dir "$KALLOC_BUILD/obj-6.12" "$KALLOC_BUILD/obj-6.12/kalloc_kunit.ko"
vm_rc=$?

extra=()
for j in "$out"/group-*.json; do
	[ -f "$j" ] && extra+=(--extra "$(basename "$j" .json)=$j")
done
python3 "$KALLOC_ROOT/scripts/ktap.py" "$out/console.log" --expected-reports \
	--expect $(kalloc_suite_files main) "${extra[@]}" --json "$out/results.json"
judge_rc=$?
note "check-quick took $((SECONDS - start))s; console: $out/console.log"

[ $judge_rc -eq 0 ] && [ $vm_rc -eq 0 ] && [ $utest_rc -eq 0 ]
