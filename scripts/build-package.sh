#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm → wasm-bindgen (web target, with its generated
# TypeScript) → wasm-opt -Oz → the entry files and package.json from pkg-template/, each entry
# bundled by esbuild into one module over the wasm-bindgen glue (node.cjs: CommonJS, glue
# included) → index.d.ts assembled from the hand-written head and the generated declarations.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=tools/node_modules/.bin
OUT=${PKG_OUT:-pkg}
TARGET=${CARGO_TARGET_DIR:-target}
GEN=$TARGET/bindgen
WASM=$TARGET/wasm32-unknown-unknown/release/square_oauth_edge.wasm

# Quiet when the build is incremental; a first build (crates fetched and compiled, 1 to 3 minutes
# on 2 cores) shows cargo's progress so that it does not look stuck.
if [ -f "$WASM" ]; then quiet=--quiet; else quiet=; fi

rm -rf "$OUT" && mkdir -p "$OUT"

# One variant of the package: the crate built with `features`, its glue and entries in $OUT/$sub.
#   main   (features js):        "square-oauth-edge"         the client and the flow helpers
#   tokens (features js,tokens): "square-oauth-edge/tokens"  all of that plus the token manager
# The token manager is a separate entry so that a plain obtainToken user does not load it (make
# bench measures what it adds). Both glues import the one errors.js at the package's root, so
# that `instanceof SquareError` holds across the two entries.
variant() {
  local name=$1 features=$2 sub=$3
  local gen=$GEN/$name out=$OUT${sub:+/$sub} errors=./errors.js wasm=square_oauth_edge_bg.wasm
  # The tokens entry's .wasm has a name of its own: a bundler that keeps `.wasm` imports as
  # written (esbuild --external:*.wasm, then workerd's flat module names) must not take one for
  # the other.
  [ -n "$sub" ] && errors=../errors.js wasm=square_oauth_edge_${name}_bg.wasm
  cargo build $quiet --release --target wasm32-unknown-unknown --no-default-features --features "$features"
  mkdir -p "$gen" "$out"
  wasm-bindgen "$WASM" --out-dir "$gen" --target web
  "$TOOLS/wasm-opt" -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$gen/square_oauth_edge_bg.wasm" -o "$gen/square_oauth_edge_bg.opt.wasm"

  # The glue imports the SquareError class from wasm-bindgen's copy of pkg-template/errors.js
  # (`snippets/<crate>-<hash>/pkg-template/errors.js`); the package ships it once, as errors.js at
  # its root, which every entry re-exports: one class, so `instanceof SquareError` holds.
  local snippet
  snippet=$(cd "$gen" && ls snippets/*/pkg-template/errors.js)
  [ "$(cd "$gen" && ls snippets/*/pkg-template/*.js | wc -l)" = 1 ] || { echo "unexpected snippets in $gen" >&2; exit 1; }
  sed -i "s#\./$snippet#$errors#" "$gen/square_oauth_edge.js"
  grep -q "'$errors'\|\"$errors\"" "$gen/square_oauth_edge.js" || { echo "the glue does not import $errors" >&2; exit 1; }

  cp "$gen/square_oauth_edge_bg.opt.wasm" "$out/$wasm"
  cp pkg-template/{node.js,workerd.js,edge-light.js,deno.js,browser.js,node-cjs.js,exports.js,tokens-exports.js} "$gen/"
  # Where the glue and the entries find errors.js (bundling node.cjs takes it in).
  cp pkg-template/errors.js "$gen/$errors"
  sed -i "s#\./errors\.js#$errors#" "$gen/exports.js"
  if [ -n "$sub" ]; then
    sed -i -e 's#"\./exports\.js"#"./tokens-exports.js"#' -e "s#square_oauth_edge_bg\.wasm#$wasm#" \
      "$gen"/{node.js,workerd.js,edge-light.js,deno.js,browser.js,node-cjs.js}
    # The glue's own default (`new URL("square_oauth_edge_bg.wasm", import.meta.url)`, which
    # bundlers see) names this entry's file too.
    sed -i "s#square_oauth_edge_bg\.wasm#$wasm#" "$gen/square_oauth_edge.js"
  fi
  # Each entry is one ES module (the exports bundled in) over the glue and errors.js, which stay
  # their own modules so that every entry and the tests reach the same instance. Comments and
  # white space go (every KB ships to every cold start); names are kept, so stack traces and
  # `SquareError` read the same. The readable sources are pkg-template/ and target/bindgen/.
  # The .wasm stays external in each of its import forms: edge-light.js's `?module` (Vercel's
  # edge build binds it as a WebAssembly.Module) and deno.js's `import source` (a source phase
  # import, which esbuild keeps as written once told the target supports it).
  for entry in node.js workerd.js edge-light.js deno.js browser.js; do
    "$TOOLS/esbuild" "$gen/$entry" --bundle --format=esm --platform=neutral --target=es2022 --supported:import-source=true \
      "--external:./$wasm" "--external:./$wasm?module" \
      --external:./square_oauth_edge.js "--external:$errors" \
      --external:'node:*' --minify-whitespace --minify-syntax --log-level=error --outfile="$out/$entry"
  done
  "$TOOLS/esbuild" "$gen/square_oauth_edge.js" --minify-whitespace --minify-syntax --log-level=error \
    --outfile="$out/square_oauth_edge.js"
  # node.cjs: CommonJS with the glue bundled in. errors.cjs (the CommonJS build of errors.js, at
  # the package's root) stays outside, so that both entries' node.cjs require the one SquareError.
  local cjs_errors=./errors.cjs
  [ -n "$sub" ] && cjs_errors=../errors.cjs
  mkdir -p "$gen/cjs"
  for f in node-cjs.js exports.js tokens-exports.js square_oauth_edge.js; do
    sed "s#[\"']$errors[\"']#\"$cjs_errors\"#" "$gen/$f" >"$gen/cjs/$f"
  done
  "$TOOLS/esbuild" "$gen/cjs/node-cjs.js" --bundle --format=cjs --platform=node "--external:$cjs_errors" \
    --minify-whitespace --minify-syntax --log-level=error --outfile="$out/node.cjs"
  node scripts/assemble-dts.mjs "$gen/square_oauth_edge.d.ts" pkg-template/index.d.ts "$out/index.d.ts"
  cp "$out/index.d.ts" "$out/index.d.cts"
}

rm -rf "$GEN" && mkdir -p "$GEN"
variant main js ""
variant tokens js,tokens tokens
"$TOOLS/esbuild" pkg-template/errors.js --minify-whitespace --minify-syntax --log-level=error \
  --outfile="$OUT/errors.js"
"$TOOLS/esbuild" pkg-template/errors.js --format=cjs --minify-whitespace --minify-syntax --log-level=error \
  --outfile="$OUT/errors.cjs"
cp pkg-template/package.json "$OUT/"
cp README.md LICENSE "$OUT/" 2>/dev/null || true
total=0
for f in workerd.js square_oauth_edge.js errors.js square_oauth_edge_bg.wasm; do
  total=$((total + $(gzip -9c "$OUT/$f" | wc -c)))
done
tokens_total=$(( $(gzip -9c "$OUT/errors.js" | wc -c) ))
for f in tokens/workerd.js tokens/square_oauth_edge.js tokens/square_oauth_edge_tokens_bg.wasm; do
  tokens_total=$((tokens_total + $(gzip -9c "$OUT/$f" | wc -c)))
done
printf '[package] pkg/ built: %s bytes wasm; %s bytes gzip -9 shipped to a Worker (wasm + glue + JS, file by file); the tokens entry: %s bytes wasm, %s bytes gzip -9\n' \
  "$(wc -c < "$OUT/square_oauth_edge_bg.wasm")" "$total" "$(wc -c < "$OUT/tokens/square_oauth_edge_tokens_bg.wasm")" "$tokens_total" >&2
