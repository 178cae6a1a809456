#!/usr/bin/env bash
# The runtime matrix: the packed package (npm pack of pkg/), installed from its tarball into fresh
# consumer projects in a temporary folder outside the repo, imported by its name, running the
# shared scenario (scenario.mjs: every endpoint call plus an error path, against the fake Square)
# in each runtime. Each runtime prints one line: PASS|FAIL runtime (version): N/M calls passed.
#   tests/runtimes/run.sh [RUNTIME...]   (default: all; names as in the list below)
#   KEEP_WORK=1 keeps the temporary folder for inspection.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO"

ALL=(node-esm node-cjs deno workerd wrangler chromium-vite chromium-plain)
declare -A DRIVER=(
  [node-esm]="rt-node.mjs esm"
  [node-cjs]="rt-node.mjs cjs"
  [deno]="rt-deno.mjs"
  [workerd]="rt-workerd.mjs"
  [wrangler]="rt-wrangler.mjs"
  [chromium-vite]="rt-chromium.mjs vite"
  [chromium-plain]="rt-chromium.mjs plain"
)
SELECTED=("$@")
[ ${#SELECTED[@]} -eq 0 ] && SELECTED=("${ALL[@]}")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/square-oauth-edge-runtimes.XXXXXX")
PGID=""
cleanup() {
  # Each driver runs in its own process group (setsid) and stops its own servers; a driver still
  # running here (interrupted run) is stopped by the group id recorded when it started.
  [ -n "$PGID" ] && kill -TERM -- "-$PGID" 2>/dev/null
  if [ "${KEEP_WORK:-}" = 1 ]; then echo "[runtimes] kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

passed=0
failed=0
if ! TARBALL=$("$REPO/tests/package/pack.sh" "$WORK"); then
  echo "FAIL pack: npm pack of pkg/ failed"
  echo "0 passed, 1 failed"
  exit 1
fi
export TARBALL WORK
echo "[runtimes] tarball $(basename "$TARBALL"), consumers in $WORK" >&2

for rt in "${SELECTED[@]}"; do
  if [ -z "${DRIVER[$rt]:-}" ]; then
    echo "FAIL $rt: unknown runtime (known: ${ALL[*]})"
    failed=$((failed + 1))
    continue
  fi
  # shellcheck disable=SC2086
  setsid node "$HERE/"${DRIVER[$rt]} > "$WORK/$rt.log" 2>&1 &
  PGID=$!
  wait "$PGID"
  rc=$?
  PGID=""
  cat "$WORK/$rt.log"
  # A runtime passes only if its driver exited 0 and printed its PASS line.
  if [ $rc -eq 0 ] && grep -q "^PASS " "$WORK/$rt.log"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    grep -q "^FAIL " "$WORK/$rt.log" || echo "FAIL $rt: the driver exited $rc without a result line"
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
