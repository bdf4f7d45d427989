#!/usr/bin/env bash
# Sums the TRX reports under a results folder (one sub-folder per test project) into one line:
#   tests: N passed, N failed, N skipped
# and exits 1 when any test failed. Usage: scripts/test-summary.sh RESULTS-DIR
set -euo pipefail

# counter NAME COUNTERS-ELEMENT: the attribute's value, 0 when absent.
counter() {
    local value
    value=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2")
    echo "${value:-0}"
}

passed=0 failed=0 skipped=0
shopt -s nullglob
for file in "$1"/*.trx "$1"/*/*.trx; do
    counters=$(grep -o '<Counters [^>]*' "$file" || true)
    passed=$((passed + $(counter passed "$counters")))
    failed=$((failed + $(counter failed "$counters") + $(counter error "$counters") + $(counter timeout "$counters") + $(counter aborted "$counters")))
    # TRX leaves notExecuted at 0 for skipped tests: they are the ones counted but not executed.
    skipped=$((skipped + $(counter total "$counters") - $(counter executed "$counters")))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
