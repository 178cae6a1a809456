#!/usr/bin/env bash
# The runtime matrix: the packed package (npm pack of pkg/), installed from its tarball into fresh
# consumer projects in a temporary folder outside the repo, imported by its name, running the
# shared scenarios against the fake Square in each runtime: scenario.mjs (the "square-oauth-edge"
# entry: every endpoint call, an error path and the flow helpers), then tokens-scenario.mjs (the
# "square-oauth-edge/tokens" entry, imported by the same consumer: a TokenManager pair over one
# MemoryTokenStore, 20 concurrent accessToken calls → one refresh, a signed and a forged revocation
# webhook), whose calls count as the row's. Each runtime prints one line:
#   PASS|FAIL runtime (version): N/M calls passed.
# and below it each failed call (✗), any cause the driver found for them, and notes (observations,
# not failures: e.g. CommonJS rows, where the two entries' SquareError classes differ).
# The runtimes: this Node (20) and the pinned Node 22/24/26 and Bun (ESM and CommonJS each), Deno
# (node_modules and npm:, --allow-net only), Vercel's edge-runtime, workerd (esbuild and Wrangler
# builds), and headless Chromium (Vite build, Vite dev server, plain modules). Every tool comes from
# tools/ (scripts/setup.sh node), Chromium from Debian (scripts/setup.sh browser).
#   tests/runtimes/run.sh [RUNTIME...]   (default: all; names as in the list below)
#   KEEP_WORK=1 keeps the temporary folder for inspection.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO"

ALL=(node-esm node-cjs node22-esm node22-cjs node24-esm node24-cjs node26-esm node26-cjs bun-esm bun-cjs deno deno-npm edge-runtime workerd wrangler chromium-vite chromium-vite-dev chromium-plain)
declare -A DRIVER=(
  [node-esm]="rt-node.mjs esm"
  [node-cjs]="rt-node.mjs cjs"
  [node22-esm]="rt-node.mjs esm 22"
  [node22-cjs]="rt-node.mjs cjs 22"
  [node24-esm]="rt-node.mjs esm 24"
  [node24-cjs]="rt-node.mjs cjs 24"
  [node26-esm]="rt-node.mjs esm 26"
  [node26-cjs]="rt-node.mjs cjs 26"
  [bun-esm]="rt-node.mjs esm bun"
  [bun-cjs]="rt-node.mjs cjs bun"
  [deno]="rt-deno.mjs"
  [deno-npm]="rt-deno.mjs npm"
  [edge-runtime]="rt-edge-runtime.mjs"
  [workerd]="rt-workerd.mjs"
  [wrangler]="rt-wrangler.mjs"
  [chromium-vite]="rt-chromium.mjs vite"
  [chromium-vite-dev]="rt-chromium.mjs vite-dev"
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
