#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently: each step is skipped when its
# result is already there. Called by the Makefile before `package`, `test`, `demo` and `bench`.
# Usage: scripts/setup.sh [rust] [browser] [node] [demo] [worker]
#   rust     the wasm32-unknown-unknown target and the wasm-bindgen CLI
#   worker   worker-build, the build tool of the Rust Worker example (examples/rust-worker/)
#   browser  Chromium and chromedriver (apt)
#   node     every JS tool of tools/package.json (npm ci): the build's, the demo's and the tests'
#   demo     only the JS tools the build and the demo use, tools/package.json's `dependencies`
#            (esbuild, binaryen's wasm-opt, workerd): npm ci --omit=dev; nothing when `node` is
#            already installed
# No argument: the groups in $SETUP_GROUPS (`make demo` sets "rust demo"), else rust browser node
# worker.
set -euo pipefail
cd "$(dirname "$0")/.."
want() { [ $# -eq 0 ] && return 0; for w in "${WANT[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
WANT=("$@")
[ ${#WANT[@]} -eq 0 ] && read -r -a WANT <<<"${SETUP_GROUPS:-rust browser node worker}"

log() { printf '[setup] %s\n' "$*" >&2; }

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wb_version() {
  awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock
}

if want rust; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  [ -f Cargo.lock ] || cargo generate-lockfile
  v=$(wb_version)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$v" ] \
     || [ "$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')" != "$v" ]; then
    log "installing wasm-bindgen-cli $v (compiled from source: about 3 minutes on 2 cores)"
    # --locked fails against the registry mirror here (see shared/TOOLCHAIN.md); the default
    # features only add remote-WebDriver TLS, which the local chromedriver does not need.
    cargo install wasm-bindgen-cli --version "$v" --no-default-features --force
  fi
fi

if want browser; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing chromium and chromedriver from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi

# JS tools pinned by tools/package-lock.json. npm ci replaces tools/node_modules as a whole, so a
# stamp (a copy of the lock file it installed) says what is there: .setup-stamp every tool,
# .setup-stamp-demo only the `dependencies`.
installed() { [ -f tools/node_modules/.package-lock.json ] && cmp -s tools/package-lock.json "tools/node_modules/$1"; }
if want node; then
  if ! installed .setup-stamp; then
    log "installing every JS tool (npm ci in tools/: esbuild, binaryen, workerd, wrangler, deno, bun,"
    log "  Node 22/24/26, edge-runtime, vite, playwright-core, prism, typescript, publint, attw)"
    (cd tools && npm ci --no-audit --no-fund --loglevel=error)
    cp tools/package-lock.json tools/node_modules/.setup-stamp
  fi
elif want demo; then
  if ! installed .setup-stamp && ! installed .setup-stamp-demo; then
    log "installing the JS tools of the build and the demo (npm ci --omit=dev in tools/: esbuild,"
    log "  binaryen's wasm-opt, workerd; about 275 MB)"
    (cd tools && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
    cp tools/package-lock.json tools/node_modules/.setup-stamp-demo
  fi
  # `make demo` builds the package next, quietly: say so when that is a first (slow) build.
  if [ ! -f target/wasm32-unknown-unknown/release/square_oauth_edge.wasm ]; then
    log "next, the first build of the package: cargo fetches the crates and compiles the release wasm"
    log "  (1 to 3 minutes on 2 cores, without output), then wasm-bindgen, wasm-opt and esbuild"
  fi
fi

# worker-build, pinned to the version of the `worker` crate in examples/rust-worker/Cargo.lock
# (workers-rs releases the two together; worker-build refuses another worker minor version).
# tests/rust-worker/run.sh points it at the wasm-bindgen CLI above and at tools/' wasm-opt and
# esbuild, so it downloads nothing. About 12 minutes to compile on 2 cores, once.
if want worker; then
  v=$(awk '/^name = "worker"$/{getline; gsub(/version = |"/,""); print; exit}' examples/rust-worker/Cargo.lock)
  if [ "$(worker-build --version 2>/dev/null)" != "$v" ]; then
    log "installing worker-build $v (about 12 minutes)"
    # --locked as a first try; the registry mirror may refuse it (as it does wasm-bindgen-cli's).
    cargo install worker-build --version "$v" --locked --force \
      || cargo install worker-build --version "$v" --force
  fi
fi
