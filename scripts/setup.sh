#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently: each step is skipped when its
# result is already there. Called by the Makefile before `package`, `test`, `demo` and `bench`.
# Usage: scripts/setup.sh [rust] [browser] [node]   (no argument: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
want() { [ $# -eq 0 ] && return 0; for w in "${WANT[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
WANT=("$@")
[ ${#WANT[@]} -eq 0 ] && WANT=(rust browser node)

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
    log "installing wasm-bindgen-cli $v (about 2.5 minutes)"
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

if want node; then
  # JS tools (typescript, binaryen's wasm-opt, workerd, deno, playwright-core, ...) pinned by
  # tools/package-lock.json.
  if [ ! -f tools/node_modules/.package-lock.json ] \
     || ! cmp -s tools/package-lock.json tools/node_modules/.setup-stamp; then
    log "installing the JS tools (npm ci in tools/)"
    (cd tools && npm ci --no-audit --no-fund --loglevel=error)
    cp tools/package-lock.json tools/node_modules/.setup-stamp
  fi
fi
