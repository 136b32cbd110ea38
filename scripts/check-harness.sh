#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make check-harness`: prove the harness fails a run with a failed KUnit case
# and a run with a WARN splat, and passes the clean control run. It boots the
# VM with kalloc_harness_selftest.ko (never loaded by `make check`) in each mode
# and judges the console exactly as `make check` does.
set -uo pipefail
. "$(dirname "$0")/common.sh"

out=$KALLOC_BUILD/check-harness
[ "$KALLOC_FLAVOR" = test ] || out=$out-$KALLOC_FLAVOR
rm -rf "$out"
mkdir -p "$out"
# KALLOC_FLAVOR=6.1 proves the judge on 6.1's form of KTAP too.
kernel=6.12
[ "$KALLOC_FLAVOR" = 6.1 ] && kernel=6.1
obj=$("$KALLOC_ROOT/scripts/build-modules.sh" $kernel) || die "module build failed"
selftest_src=$KALLOC_ROOT/kunit/selftest/harness_selftest.c

passed=0
failed=0
# mode, whether the harness must accept the run, what its report must mention
run_mode() {
	local mode=$1 want_ok=$2 must_say=$3 rc
	"$KALLOC_ROOT/scripts/vm.sh" --quiet --out "$out/$mode" --timeout 600 \
		--modules-dir "$obj" --insmod "$obj/kalloc_harness_selftest.ko mode=$mode" \
		>/dev/null 2>&1
	python3 "$KALLOC_ROOT/scripts/ktap.py" "$out/$mode/console.log" \
		--expect "$selftest_src" >"$out/$mode/judge.txt" 2>&1
	rc=$?
	if { [ "$want_ok" = yes ] && [ $rc -eq 0 ]; } ||
	   { [ "$want_ok" = no ] && [ $rc -ne 0 ] && grep -q "$must_say" "$out/$mode/judge.txt"; }; then
		echo "ok: mode=$mode: harness exit $rc, as expected"
		passed=$((passed + 1))
	else
		echo "FAILED: mode=$mode: harness exit $rc; its report:"
		sed 's/^/    /' "$out/$mode/judge.txt"
		failed=$((failed + 1))
	fi
}

run_mode pass yes ""
run_mode fail no "FAILED harness_selftest_case"
run_mode warn no "SPLAT: .*kernel splat"
echo "harness self-test ($KALLOC_FLAVOR kernel): $passed passed, $failed failed"
[ $failed -eq 0 ]
