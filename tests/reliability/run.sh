#!/usr/bin/env bash
# Reliability suites against the built package (pkg/): hostile servers, bad input, the retry
# policy, secrets, and the 100,000-call soak. Prints each suite's counts and time, then
# "N passed, M failed" (tests; the soak counts as one), and exits non-zero on any failure.
# Known bugs are node:test `todo` tests: reported, not counted as failures.
#
#   tests/reliability/run.sh                 all suites
#   tests/reliability/run.sh --with-props    also `cargo test --release --test props`
#
# Logs of every suite are kept in $RELIABILITY_LOGS (default: a temporary directory).
set -uo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ ! -f pkg/node.js ]; then
  scripts/build-package.sh || exit 1
fi
LOGS=${RELIABILITY_LOGS:-$(mktemp -d)}
mkdir -p "$LOGS"
passed=0
failed=0
todo=0

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }

# node:test suites, run directly with the TAP reporter; counts come from its summary.
for suite in hostile bad-input retry secrets; do
  file="tests/reliability/$suite.test.mjs"
  log="$LOGS/$suite.tap"
  t0=$(date +%s%N)
  node --test-reporter=tap "$file" >"$log" 2>"$LOGS/$suite.stderr"
  rc=$?
  t1=$(date +%s%N)
  p=$(awk '/^# pass /{print $3}' "$log" | tail -1)
  f=$(awk '/^# fail /{print $3}' "$log" | tail -1)
  t=$(awk '/^# todo /{print $3}' "$log" | tail -1)
  p=${p:-0}
  f=${f:-0}
  t=${t:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed before reporting
  counts=$(grep -hE '^(hostile cases|bad inputs|retry policy rows checked|secrets): ' "$log" | tr '\n' ';' | sed 's/;$//; s/;/; /g')
  printf '== %-10s %4s passed, %s failed, %s todo, %6s s  %s\n' "$suite" "$p" "$f" "$t" "$(secs "$t0" "$t1")" "$counts"
  if [ "$t" -gt 0 ]; then
    grep -E '^not ok .*# TODO' "$log" | sed 's/^not ok [0-9]* - /   todo: /' | cut -c1-220
  fi
  if [ "$f" -gt 0 ]; then
    echo "   failures (full log: $log):"
    grep -E '^not ok' "$log" | grep -v '# TODO' | sed 's/^/   /'
    grep -E -A12 '^\s+(error|message):' "$log" | grep -v '# TODO' | head -60 | sed 's/^/   /'
    tail -20 "$LOGS/$suite.stderr" | sed 's/^/   /'
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  todo=$((todo + t))
done

# The soak: a plain script.
t0=$(date +%s%N)
node --expose-gc tests/reliability/soak.mjs >"$LOGS/soak.log" 2>&1
rc=$?
t1=$(date +%s%N)
if [ "$rc" -eq 0 ]; then
  passed=$((passed + 1))
  printf '== %-10s %4s passed, 0 failed, %6s s\n' soak 1 "$(secs "$t0" "$t1")"
else
  failed=$((failed + 1))
  printf '== %-10s %4s passed, 1 failed, %6s s  (log: %s)\n' soak 0 "$(secs "$t0" "$t1")" "$LOGS/soak.log"
fi
grep -E '^soak' "$LOGS/soak.log" | sed 's/^/   /'
[ "$rc" -eq 0 ] || tail -20 "$LOGS/soak.log" | sed 's/^/   /'

if [ "${1:-}" = "--with-props" ]; then
  t0=$(date +%s%N)
  cargo test --quiet --release --test props -- --nocapture >"$LOGS/props.log" 2>&1
  rc=$?
  t1=$(date +%s%N)
  if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); r="1 passed, 0 failed"; else failed=$((failed + 1)); r="0 passed, 1 failed"; fi
  printf '== %-10s %s, %6s s  %s\n' props "$r" "$(secs "$t0" "$t1")" "$(grep -h '^property cases' "$LOGS/props.log")"
  [ "$rc" -eq 0 ] || tail -30 "$LOGS/props.log" | sed 's/^/   /'
fi

echo "reliability: $passed passed, $failed failed ($todo todo: known bugs)"
[ "$failed" -eq 0 ]
