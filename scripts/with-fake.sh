#!/usr/bin/env bash
# Runs a command with the fake Square listening on 127.0.0.1:$FAKE_SQUARE_PORT (default 18181),
# exported to it as FAKE_SQUARE_URL. The fake runs in its own process group and is stopped by
# that group's id when the command ends.
# Usage: scripts/with-fake.sh COMMAND [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${FAKE_SQUARE_PORT:-18181}
log=$(mktemp)
setsid node tests/fake-square/cli.mjs --port "$port" >"$log" 2>&1 &
pgid=$!
trap 'kill -- -"$pgid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  grep -q '^FAKE_SQUARE_URL=' "$log" && break
  if ! kill -0 "$pgid" 2>/dev/null; then cat "$log" >&2; exit 1; fi
  sleep 0.1
done
grep -q '^FAKE_SQUARE_URL=' "$log" || { echo "fake Square did not start" >&2; cat "$log" >&2; exit 1; }
export FAKE_SQUARE_URL="http://127.0.0.1:$port"
"$@"
