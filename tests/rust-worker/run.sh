#!/usr/bin/env bash
# The Rust Worker (examples/rust-worker/, the `worker` crate over square-oauth-edge's Rust API):
# built with worker-build the way workers-rs users build it, served by workerd, driven against
# the fake Square by drive.mjs (code flow, PKCE, refresh, renew, status, revoke, coded errors).
# Prints `N passed, M failed`; exits non-zero on any failure.
#
# worker-build would download wasm-bindgen, wasm-opt and esbuild; here it uses the pinned ones
# instead (its documented WASM_BINDGEN_BIN / WASM_OPT_BIN / ESBUILD_BIN overrides): the
# wasm-bindgen CLI that scripts/setup.sh installs (the version Cargo.lock pins), binaryen's
# wasm-opt and esbuild from tools/ (the versions worker-build 0.8.7 itself pins, 132 and 0.28.2).
# Nothing is fetched but crates from the registry.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
TOOLS="$ROOT/tools/node_modules/.bin"
WORKER="$ROOT/examples/rust-worker"
# The fake's default application (tests/fake-square/README.md).
CLIENT_ID="sq0idp-fake-application-id"
CLIENT_SECRET="sq0csp-fake-application-secret"

started=$(date +%s)
WORK=$(mktemp -d)
PGIDS=()
# Each server runs in its own process group (setsid, so its pid is the group id): stop exactly
# that group (or, if it has not reached setsid yet, that process), SIGKILL after 5 s.
stop_group() {
  local g=$1 sig
  for sig in TERM KILL; do
    kill "-$sig" -- "-$g" 2>/dev/null || kill "-$sig" "$g" 2>/dev/null || return 0
    for _ in $(seq 50); do
      case "$(ps -o stat= -p "$g" 2>/dev/null)" in "" | Z*) wait "$g" 2>/dev/null; return 0 ;; esac
      sleep 0.1
    done
  done
}
cleanup() {
  for g in "${PGIDS[@]}"; do stop_group "$g"; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# What the build needs: wasm32 target and wasm-bindgen CLI (rust), worker-build (worker), the JS
# tools (node). Each step is skipped when already installed.
scripts/setup.sh rust worker
[ -x "$TOOLS/workerd" ] && [ -x "$TOOLS/esbuild" ] && [ -x "$TOOLS/wasm-opt" ] || scripts/setup.sh node

echo "[rust-worker] worker-build --release ($(worker-build --version 2>/dev/null | tr -d '\n'))"
build_started=$(date +%s)
if ! (cd "$WORKER" && WASM_BINDGEN_BIN="$(command -v wasm-bindgen)" WASM_OPT_BIN="$TOOLS/wasm-opt" \
      ESBUILD_BIN="$TOOLS/esbuild" worker-build --release --locked) >"$WORK/build.log" 2>&1; then
  cat "$WORK/build.log"
  echo "rust-worker: 0 passed, 1 failed"
  exit 1
fi
build_secs=$(( $(date +%s) - build_started ))
wasm_bytes=$(wc -c <"$WORKER/build/index_bg.wasm")
echo "[rust-worker] built in ${build_secs}s: build/index.js + build/index_bg.wasm (${wasm_bytes} bytes)"

# The fake Square, on a free port, in its own process group.
: >"$WORK/fake.out"
setsid node tests/fake-square/cli.mjs --port 0 >"$WORK/fake.out" 2>"$WORK/fake.err" &
PGIDS+=($!)
FAKE_URL=""
for _ in $(seq 100); do
  FAKE_URL=$(sed -n 's/^FAKE_SQUARE_URL=//p' "$WORK/fake.out")
  [ -n "$FAKE_URL" ] && break
  sleep 0.1
done
if [ -z "$FAKE_URL" ]; then cat "$WORK/fake.err"; echo "rust-worker: 0 passed, 1 failed"; exit 1; fi

# workerd serving the built Worker: index.js (main module) and the .wasm it imports, the
# configuration as text bindings, and an outbound network that may reach loopback (workerd
# refuses fetch() to local addresses otherwise).
mkdir -p "$WORK/worker"
cp "$WORKER/build/index.js" "$WORKER/build/index_bg.wasm" "$WORK/worker/"
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
WORKER_URL=""
for attempt in 1 2 3; do
  port=$(free_port)
  cat >"$WORK/worker/config.capnp" <<EOF
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .rustWorker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:$port", http = (), service = "main") ],
);

const rustWorker :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed "index.js"),
    (name = "index_bg.wasm", wasm = embed "index_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  bindings = [
    (name = "SQUARE_APPLICATION_ID", text = "$CLIENT_ID"),
    (name = "SQUARE_APPLICATION_SECRET", text = "$CLIENT_SECRET"),
    (name = "SQUARE_BASE_URL", text = "$FAKE_URL"),
  ],
  globalOutbound = "internet",
);
EOF
  (cd "$WORK/worker" && exec setsid "$TOOLS/workerd" serve config.capnp) >"$WORK/workerd.log" 2>&1 &
  pgid=$!
  PGIDS+=("$pgid")
  for _ in $(seq 150); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then WORKER_URL="http://127.0.0.1:$port"; break; fi
    kill -0 "$pgid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$WORKER_URL" ] && break
  echo "[rust-worker] workerd did not answer on port $port (attempt $attempt)"
  stop_group "$pgid"
done
if [ -z "$WORKER_URL" ]; then cat "$WORK/workerd.log"; echo "rust-worker: 0 passed, 1 failed"; exit 1; fi
echo "[rust-worker] $("$TOOLS/workerd" --version) serving the Worker at $WORKER_URL, fake Square at $FAKE_URL"

status=0
WORKER_URL="$WORKER_URL" FAKE_URL="$FAKE_URL" CLIENT_ID="$CLIENT_ID" CLIENT_SECRET="$CLIENT_SECRET" \
  WORKERD_LOG="$WORK/workerd.log" node tests/rust-worker/drive.mjs || status=$?
if [ $status -ne 0 ]; then echo "--- workerd log"; cat "$WORK/workerd.log"; fi
echo "[rust-worker] total $(( $(date +%s) - started ))s (build ${build_secs}s)"
exit $status
