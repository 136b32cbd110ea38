#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Kernel style gate: checkpatch --strict on every C source and header of the
# project. Writes {passed, failed} (one per file) to $KALLOC_BUILD/check/group-style.json.
set -euo pipefail
. "$(dirname "$0")/common.sh"

checkpatch=$KALLOC_KERNEL_TREE/scripts/checkpatch.pl
[ -x "$checkpatch" ] || die "checkpatch not found in $KALLOC_KERNEL_TREE: run 'make testkernel'"
out=$KALLOC_BUILD/check
mkdir -p "$out"

cd "$KALLOC_ROOT"
passed=0
failed=0
while IFS= read -r f; do
	if report=$("$checkpatch" --strict --no-tree --terse --show-types -f "$f" 2>&1) &&
	   ! grep -q "^$f:" <<<"$report"; then
		passed=$((passed + 1))
	else
		grep "^$f:" <<<"$report" || echo "$report"
		failed=$((failed + 1))
	fi
done < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^build/')

echo "{\"passed\": $passed, \"failed\": $failed, \"skipped\": 0, \"problems\": []}" \
	>"$out/group-style.json"
echo "style (checkpatch --strict): $passed files clean, $failed with findings"
[ $failed -eq 0 ]
