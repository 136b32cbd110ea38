#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The user-space tests. Each group writes {passed, failed, skipped, problems}
# as JSON under $KALLOC_BUILD/check/ (or $KALLOC_UTEST_OUT), which `make check`
# adds to its count.
#
#   KALLOC_STRESS_OPS=N   operations per strategy for the core stress (1000000)
#   KALLOC_STRESS_SEED=S  its seed
#   KALLOC_FUZZ_SECONDS=N how long libFuzzer runs (30)
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=${KALLOC_UTEST_OUT:-$KALLOC_BUILD/check}
mkdir -p "$out"
rc=0

note "user-space: harness tests (scripts/tests)"
python3 "$KALLOC_ROOT/scripts/tests/run.py" "$out/group-harness.json" || rc=1

ops=${KALLOC_STRESS_OPS:-1000000}
seed=${KALLOC_STRESS_SEED:-0x6b616c6c6f63}
stress_dir=$KALLOC_ROOT/tools/testing/kalloc
note "user-space: core stress, $ops operations per strategy, ASan+UBSan (tools/testing/kalloc)"
ktools=$("$KALLOC_ROOT/scripts/ktools.sh")
make -s -C "$stress_dir" KTOOLS="$ktools" >"$KALLOC_BUILD/logs/ka_stress-build.log" 2>&1 || {
	cat "$KALLOC_BUILD/logs/ka_stress-build.log"
	echo '{"passed": 0, "failed": 1, "skipped": 0, "problems": ["ka_stress did not build"]}' \
		>"$out/group-core.json"
	exit 1
}
strategies="bf aobf aoff aoffcbf aoffcaobf ageffcaoff ageffcbf ageffcaobf gf af"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One process per strategy, as many at once as there are CPUs.
printf '%s\n' $strategies | xargs -P "$KALLOC_JOBS" -I{} sh -c \
	'"$0" -a {} -n "$1" -s "$2" -j "$3/{}.json" >"$3/{}.out" 2>&1; echo $? >"$3/{}.rc"' \
	"$stress_dir/ka_stress" "$ops" "$seed" "$work"
passed=0
failed=0
for s in $strategies; do
	grep -v ' passed, ' "$work/$s.out" || true
	if [ "$(cat "$work/$s.rc" 2>/dev/null)" = 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "ka_stress: $s FAILED (exit $(cat "$work/$s.rc" 2>/dev/null))"
	fi
done
echo "{\"passed\": $passed, \"failed\": $failed, \"skipped\": 0, \"problems\": []}" \
	>"$out/group-core.json"
echo "core stress: $passed strategies passed, $failed failed"
[ $failed -eq 0 ] || rc=1

note "user-space: core stress changing strategy every 2500 operations"
if "$stress_dir/ka_stress" -a af -w 2500 -n "$ops" -s "$seed"; then
	echo '{"passed": 1, "failed": 0, "skipped": 0, "problems": []}' >"$out/group-switch.json"
else
	echo '{"passed": 0, "failed": 1, "skipped": 0, "problems": ["ka_stress -w failed"]}' \
		>"$out/group-switch.json"
	rc=1
fi

note "user-space: carrier migration between instances, every carrier-oriented strategy, then mixed"
if "$stress_dir/ka_migrate" -s "$seed"; then
	echo '{"passed": 1, "failed": 0, "skipped": 0, "problems": []}' >"$out/group-migrate.json"
else
	echo '{"passed": 0, "failed": 1, "skipped": 0, "problems": ["ka_migrate failed"]}' \
		>"$out/group-migrate.json"
	rc=1
fi

fuzz_s=${KALLOC_FUZZ_SECONDS:-30}
note "user-space: libFuzzer over the core's operation stream, ${fuzz_s}s"
fuzz_ok=0
if make -s -C "$stress_dir" KTOOLS="$ktools" ka_fuzz >"$KALLOC_BUILD/logs/ka_fuzz-build.log" 2>&1; then
	mkdir -p "$KALLOC_BUILD/fuzz-corpus"
	if "$stress_dir/ka_fuzz" -max_total_time="$fuzz_s" -print_final_stats=1 \
		-artifact_prefix="$KALLOC_BUILD/fuzz-" "$KALLOC_BUILD/fuzz-corpus" \
		>"$KALLOC_BUILD/logs/ka_fuzz.log" 2>&1; then
		fuzz_ok=1
		grep -E "^stat::number_of_executed_units" "$KALLOC_BUILD/logs/ka_fuzz.log" |
			sed 's/^stat::number_of_executed_units: */fuzz: inputs run: /'
	else
		tail -n 40 "$KALLOC_BUILD/logs/ka_fuzz.log"
	fi
else
	cat "$KALLOC_BUILD/logs/ka_fuzz-build.log"
fi
echo "{\"passed\": $fuzz_ok, \"failed\": $((1 - fuzz_ok)), \"skipped\": 0, \"problems\": []}" \
	>"$out/group-fuzz.json"
echo "fuzz: $([ $fuzz_ok -eq 1 ] && echo "no crash" || echo "FAILED (log: $KALLOC_BUILD/logs/ka_fuzz.log)")"
[ $fuzz_ok -eq 1 ] || rc=1

exit $rc
