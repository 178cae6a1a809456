#!/usr/bin/env bash
# `make demo` (the Makefile builds pkg/ first): the demo Worker (www/worker.js) in workerd, serving
# the page (www/) and its OAuth endpoints on one origin, against the fake Square (started here) or,
# with credentials in the environment, Square's sandbox. Prints the one URL to open and runs until
# Ctrl-C, which stops every child by the process group recorded when it started.
#
#   DEMO_PORT=8787                 the port of the page and the Worker (default 8787)
#   SQUARE_ENVIRONMENT=sandbox SQUARE_APPLICATION_ID=… SQUARE_APPLICATION_SECRET=…
#                                  Square's sandbox instead of the fake ("production" works too);
#                                  the redirect URL printed must be registered in Square's dashboard
#   SQUARE_REDIRECT_URL=…          with Square: another registered redirect URL that reaches this
#                                  Worker's /callback (default http://localhost:$DEMO_PORT/callback)
#   SQUARE_WEBHOOK_SIGNATURE_KEY=… the key /webhook verifies Square's signatures with (default: a
#                                  random one, which the "seller revokes" button signs with)
#
# The Worker keeps its tokens in a Durable Object (SquareTokenStore, bound as SQUARE_TOKENS),
# stored by workerd in target/demo/port-$DEMO_PORT/tokens/ and encrypted under SQUARE_TOKEN_KEY:
# a random key made here at each start, like the storage, which starts empty each time. Nothing
# outlives the run, so no key needs keeping, and no fixed demo key exists that could end up in a
# real deployment.
#
# Files: target/demo/port-$DEMO_PORT/ (a copy of pkg/, the bundle, the workerd config, the
# Durable Object storage, the logs of workerd and the fake).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
OUT="$REPO/target/demo/port-${DEMO_PORT:-8787}" # one folder per port: demos on other ports run alongside
TOOLS="$REPO/tools/node_modules/.bin"
PORT=${DEMO_PORT:-8787}

log() { printf '[demo] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
trap 'log "failed ($?): $BASH_COMMAND"' ERR

[[ "$PORT" =~ ^[0-9]+$ ]] && [ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "DEMO_PORT must be a port number, not '$PORT'"
[ -f pkg/workerd.js ] && [ -f pkg/browser.js ] && [ -f pkg/square_oauth_edge_bg.wasm ] || die "pkg/ is not built: run 'make demo' (it builds the package first)"
[ -x "$TOOLS/workerd" ] && [ -x "$TOOLS/esbuild" ] || die "the JS tools are missing: run 'make demo' (it installs them first)"

# ---- which Square -------------------------------------------------------------------------------
if [ -n "${SQUARE_ENVIRONMENT:-}" ]; then
  case "$SQUARE_ENVIRONMENT" in
    sandbox | production) ;;
    *) die "SQUARE_ENVIRONMENT must be 'sandbox' or 'production' (or unset for the fake Square)" ;;
  esac
  [ -n "${SQUARE_APPLICATION_ID:-}" ] && [ -n "${SQUARE_APPLICATION_SECRET:-}" ] ||
    die "with SQUARE_ENVIRONMENT=$SQUARE_ENVIRONMENT, set SQUARE_APPLICATION_ID and SQUARE_APPLICATION_SECRET too"
  MODE=square
  HOST=localhost # Square accepts http redirect URLs for localhost only (and only in the sandbox)
  NETWORK='allow = ["public"], tlsOptions = (trustBrowserCas = true)'
else
  MODE=fake
  HOST=127.0.0.1
  NETWORK='allow = ["local"]' # the fake Square on 127.0.0.1 and nothing else
  # The fake's default app (tests/fake-square/README.md): public test values, not secrets.
  SQUARE_APPLICATION_ID=sq0idp-fake-application-id
  SQUARE_APPLICATION_SECRET=sq0csp-fake-application-secret
fi
ORIGIN="http://$HOST:$PORT"

# The token encryption key and the webhook signature key: 32 random bytes each, in base64, given
# to workerd through its environment only (no file holds them).
random_key() { node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("base64"))'; }
SQUARE_TOKEN_KEY=$(random_key)
SQUARE_WEBHOOK_SIGNATURE_KEY=${SQUARE_WEBHOOK_SIGNATURE_KEY:-$(random_key)}

# ---- children: each in its own process group, stopped by that group's id ------------------------
PGIDS=()
cleanup() {
  # Ignored, not reset, while the children are stopped: make sends its group a second TERM, and
  # a default TERM here would end this script before it had stopped them.
  trap '' INT TERM HUP
  trap - EXIT ERR
  local g
  for g in "${PGIDS[@]}"; do
    # A child that has not reached setsid yet has no group of its own: give it a moment.
    for _ in $(seq 20); do
      if kill -0 -- "-$g" 2>/dev/null || ! kill -0 "$g" 2>/dev/null; then break; fi
      sleep 0.05
    done
    kill -TERM -- "-$g" 2>/dev/null || true
  done
  for g in "${PGIDS[@]}"; do
    # Give each group a moment to exit, then insist.
    for _ in $(seq 10); do kill -0 -- "-$g" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$g" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'log "stopping"; exit 130' INT TERM HUP

# start NAME LOGFILE CMD… : runs CMD in a new session (setsid) and records its process group.
# From a script, a background child is never a group leader, so setsid does not fork: $! is the
# pid of CMD, which leads its new group.
start() {
  local name=$1 logfile=$2
  shift 2
  setsid "$@" >"$logfile" 2>&1 </dev/null &
  PGIDS+=("$!")
  eval "${name}_PID=$!"
}

rm -rf "$OUT" && mkdir -p "$OUT/node_modules" "$OUT/tokens"

# ---- the fake Square ------------------------------------------------------------------------------
SQUARE_BASE_URL=""
if [ "$MODE" = fake ]; then
  start FAKE "$OUT/fake.log" node tests/fake-square/cli.mjs --host 127.0.0.1 --port 0
  for _ in $(seq 100); do
    SQUARE_BASE_URL=$(sed -n 's/^FAKE_SQUARE_URL=//p' "$OUT/fake.log")
    [ -n "$SQUARE_BASE_URL" ] && break
    kill -0 "$FAKE_PID" 2>/dev/null || die "the fake Square did not start: $(cat "$OUT/fake.log")"
    sleep 0.1
  done
  [ -n "$SQUARE_BASE_URL" ] || die "the fake Square did not print its URL in 10 s"
fi

# ---- the Worker, bundled as wrangler would: the package by its name, the .wasm as a module -------
# A snapshot of pkg/ (so that rebuilding the package while the demo runs does not pull files from
# under it) is installed as node_modules/square-oauth-edge (a link); the `workerd` export condition
# picks the entry the Worker imports (square-oauth-edge/tokens: tokens/workerd.js), which imports
# its .wasm. esbuild's copy loader puts that very file beside the bundle and keeps the import,
# which workerd then loads as a wasm module.
cp -R pkg "$OUT/pkg"
[ -f "$OUT/pkg/tokens/workerd.js" ] || die "pkg/ has no tokens entry (pkg/tokens/workerd.js): rebuild it with 'make package'"
ln -s "$OUT/pkg" "$OUT/node_modules/square-oauth-edge"
NODE_PATH="$OUT/node_modules" "$TOOLS/esbuild" www/worker.js --bundle --format=esm --platform=neutral \
  --conditions=workerd,worker --loader:.wasm=copy --asset-names='[name]-[hash]' --log-level=warning \
  --outdir="$OUT"
WASM_IMPORT=$(sed -n 's/^import [A-Za-z_$][A-Za-z0-9_$]* from "\.\/\(.*\.wasm\)";$/\1/p' "$OUT/worker.js" | head -n1)
[ -n "$WASM_IMPORT" ] && [ -f "$OUT/$WASM_IMPORT" ] || die "the bundle imports no .wasm module: is tokens/workerd.js the workerd entry?"

capnp_str() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }
cat >"$OUT/config.capnp" <<EOF
# Written by scripts/demo.sh. The Worker's configuration comes from the environment of this
# workerd process (fromEnvironment), so the application secret and the keys are in no file.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "demo", worker = .demoWorker),
    (name = "www", disk = (path = $(capnp_str "$REPO/www"))),
    (name = "pkg", disk = (path = $(capnp_str "$OUT/pkg"))),
    # Where workerd keeps the Durable Objects' storage (SQLite files), for this run only.
    (name = "tokens", disk = (path = $(capnp_str "$OUT/tokens"), writable = true)),
    # workerd's fetch reaches no loopback address unless the outbound network allows it.
    (name = "internet", network = ($NETWORK)),
  ],
  sockets = [ (name = "http", address = $(capnp_str "$HOST:$PORT"), http = (), service = "demo") ],
);

const demoWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = $(capnp_str "$WASM_IMPORT"), wasm = embed $(capnp_str "$WASM_IMPORT")),
  ],
  compatibilityDate = "2025-09-01",
  # The package's Durable Object class, exported by worker.js; SQLite-backed, as wrangler.toml's
  # new_sqlite_classes migration makes it on Cloudflare.
  durableObjectNamespaces = [
    (className = "SquareTokenStore", uniqueKey = "square-oauth-edge-demo-SquareTokenStore", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "tokens"),
  bindings = [
    (name = "SQUARE_APPLICATION_ID", fromEnvironment = "SQUARE_APPLICATION_ID"),
    (name = "SQUARE_APPLICATION_SECRET", fromEnvironment = "SQUARE_APPLICATION_SECRET"),
    (name = "SQUARE_ENVIRONMENT", fromEnvironment = "SQUARE_ENVIRONMENT"),
    (name = "SQUARE_BASE_URL", fromEnvironment = "SQUARE_BASE_URL"),
    (name = "SQUARE_REDIRECT_URL", fromEnvironment = "SQUARE_REDIRECT_URL"),
    (name = "SQUARE_TOKEN_KEY", fromEnvironment = "SQUARE_TOKEN_KEY"),
    (name = "SQUARE_WEBHOOK_SIGNATURE_KEY", fromEnvironment = "SQUARE_WEBHOOK_SIGNATURE_KEY"),
    (name = "SQUARE_TOKENS", durableObjectNamespace = "SquareTokenStore"),
    (name = "ASSETS", service = "www"),
    (name = "PKG", service = "pkg"),
  ],
  globalOutbound = "internet",
);
EOF

REDIRECT_URL=${SQUARE_REDIRECT_URL:-$ORIGIN/callback}
(
  cd "$OUT"
  export SQUARE_APPLICATION_ID SQUARE_APPLICATION_SECRET SQUARE_BASE_URL SQUARE_TOKEN_KEY SQUARE_WEBHOOK_SIGNATURE_KEY
  export SQUARE_ENVIRONMENT=${SQUARE_ENVIRONMENT:-}
  export SQUARE_REDIRECT_URL=$([ "$MODE" = square ] && printf '%s' "$REDIRECT_URL")
  exec setsid "$TOOLS/workerd" serve config.capnp >"$OUT/workerd.log" 2>&1 </dev/null
) &
PGIDS+=("$!")
WORKERD_PID=$!

# Ready when the Worker answers its session endpoint (which also checks its configuration).
ready=""
for _ in $(seq 150); do
  if ! kill -0 "$WORKERD_PID" 2>/dev/null; then
    grep -q "Address already in use" "$OUT/workerd.log" && die "port $PORT is in use: choose another with DEMO_PORT=…"
    die "workerd exited: $(tail -n 20 "$OUT/workerd.log")"
  fi
  if node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => r.text()).then((t) => process.exit(t.includes("\"config\"") ? 0 : 1), () => process.exit(1))' "$ORIGIN/api/session" 2>/dev/null &&
    kill -0 "$WORKERD_PID" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.2
done
[ -n "$ready" ] || die "the Worker did not answer on $ORIGIN in 30 s: $(tail -n 20 "$OUT/workerd.log")"

if [ "$MODE" = fake ]; then
  log "Worker in workerd, with the fake Square (its consent page has Allow and Deny, no login)"
else
  log "Worker in workerd, Square $SQUARE_ENVIRONMENT, application $SQUARE_APPLICATION_ID"
  log "Square must have this redirect URL registered for the application (Developer Dashboard, OAuth):"
  log "    $REDIRECT_URL"
fi
log "logs in ${OUT#"$REPO"/}/; Ctrl-C stops the demo"
printf '\n  Open %s/\n\n' "$ORIGIN"

# Runs until Ctrl-C, or until a child dies (then everything stops).
set +e
wait -n "${PGIDS[@]}"
rc=$?
log "a demo process exited ($rc); stopping. Logs: ${OUT#"$REPO"/}/"
exit 1
