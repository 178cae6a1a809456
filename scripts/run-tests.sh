#!/usr/bin/env bash
# `make test`: runs every suite in order, stops at the first failure, and ends with one line
# counting the suites.
set -uo pipefail
cd "$(dirname "$0")/.."
suites=(setup lint test-native test-props test-js test-types test-wasm-node test-wasm-browser test-suites)
passed=0
for s in "${suites[@]}"; do
  echo "==> make $s"
  if make --no-print-directory "$s"; then
    passed=$((passed + 1))
  else
    echo "==> make $s FAILED"
    echo "suites: $passed passed, 1 failed"
    exit 1
  fi
done
echo "suites: $passed passed, 0 failed"
