#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm → wasm-bindgen (web target, with its generated
# TypeScript) → wasm-opt -Oz → the entry files and package.json from pkg-template/, each entry
# bundled by esbuild into one module over the wasm-bindgen glue (node.cjs: CommonJS, glue
# included) → index.d.ts assembled from the hand-written head and the generated declarations.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=tools/node_modules/.bin
OUT=pkg
TARGET=${CARGO_TARGET_DIR:-target}
GEN=$TARGET/bindgen
WASM=$TARGET/wasm32-unknown-unknown/release/square_oauth_edge.wasm

# Quiet when the build is incremental; a first build (crates fetched and compiled, 1 to 3 minutes
# on 2 cores) shows cargo's progress so that it does not look stuck.
if [ -f "$WASM" ]; then quiet=--quiet; else quiet=; fi
cargo build $quiet --release --target wasm32-unknown-unknown
rm -rf "$GEN" && mkdir -p "$GEN"
wasm-bindgen "$WASM" --out-dir "$GEN" --target web
"$TOOLS/wasm-opt" -Oz --converge --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$GEN/square_oauth_edge_bg.wasm" -o "$GEN/square_oauth_edge_bg.opt.wasm"

# The glue imports the SquareError class from wasm-bindgen's copy of pkg-template/errors.js
# (`snippets/<crate>-<hash>/pkg-template/errors.js`); the package ships it once, as errors.js
# beside the glue, which every entry re-exports: one class, so `instanceof SquareError` holds.
snippet=$(cd "$GEN" && ls snippets/*/pkg-template/errors.js)
[ "$(cd "$GEN" && ls snippets/*/pkg-template/*.js | wc -l)" = 1 ] || { echo "unexpected snippets in $GEN" >&2; exit 1; }
sed -i "s#\./$snippet#./errors.js#" "$GEN/square_oauth_edge.js"
grep -q "'./errors.js'\|\"./errors.js\"" "$GEN/square_oauth_edge.js" || { echo "the glue does not import ./errors.js" >&2; exit 1; }

rm -rf "$OUT" && mkdir -p "$OUT"
cp "$GEN/square_oauth_edge_bg.opt.wasm" "$OUT/square_oauth_edge_bg.wasm"
cp pkg-template/package.json "$OUT/"
cp pkg-template/{node.js,workerd.js,edge-light.js,deno.js,browser.js,node-cjs.js,exports.js,errors.js} "$GEN/"
# Each entry is one ES module (exports.js bundled in) over the glue and errors.js, which stay
# their own modules so that every entry and the tests reach the same instance. Comments and
# white space go (every KB ships to every cold start); names are kept, so stack traces and
# `SquareError` read the same. The readable sources are pkg-template/ and target/bindgen/.
# The .wasm stays external in each of its import forms: edge-light.js's `?module` (Vercel's edge
# build binds it as a WebAssembly.Module) and deno.js's `import source` (a source phase import,
# which esbuild keeps as written once told the target supports it).
for entry in node.js workerd.js edge-light.js deno.js browser.js; do
  "$TOOLS/esbuild" "$GEN/$entry" --bundle --format=esm --platform=neutral --target=es2022 --supported:import-source=true \
    --external:./square_oauth_edge_bg.wasm '--external:./square_oauth_edge_bg.wasm?module' \
    --external:./square_oauth_edge.js --external:./errors.js \
    --external:'node:*' --minify-whitespace --minify-syntax --log-level=error --outfile="$OUT/$entry"
done
"$TOOLS/esbuild" "$GEN/square_oauth_edge.js" --minify-whitespace --minify-syntax --log-level=error \
  --outfile="$OUT/square_oauth_edge.js"
"$TOOLS/esbuild" "$GEN/errors.js" --minify-whitespace --minify-syntax --log-level=error \
  --outfile="$OUT/errors.js"
"$TOOLS/esbuild" "$GEN/node-cjs.js" --bundle --format=cjs --platform=node \
  --minify-whitespace --minify-syntax --log-level=error --outfile="$OUT/node.cjs"
node scripts/assemble-dts.mjs "$GEN/square_oauth_edge.d.ts" pkg-template/index.d.ts "$OUT/index.d.ts"
cp "$OUT/index.d.ts" "$OUT/index.d.cts"
cp README.md LICENSE "$OUT/" 2>/dev/null || true
total=0
for f in workerd.js square_oauth_edge.js errors.js square_oauth_edge_bg.wasm; do
  total=$((total + $(gzip -9c "$OUT/$f" | wc -c)))
done
printf '[package] pkg/ built: %s bytes wasm; %s bytes gzip -9 shipped to a Worker (wasm + glue + JS, file by file)\n' \
  "$(wc -c < "$OUT/square_oauth_edge_bg.wasm")" "$total" >&2
