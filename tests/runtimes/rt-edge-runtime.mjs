// Runtime matrix: Vercel's edge runtime, as `vercel dev` runs an Edge Function: the npm package
// edge-runtime (Vercel's own implementation of the Edge Runtime on Node's vm, the one `vercel dev`
// uses), serving a function (consumers/vercel/scenario.mjs, `api/scenario.mjs` of a Vercel
// project) that imports the packed package by its name, both entries ("square-oauth-edge" and
// "square-oauth-edge/tokens", each with its own .wasm).
//
// What stands for Vercel's build step: @vercel/node's dev server (packages/node/src/edge-functions/
// edge-handler.mts, compileUserCode) bundles an Edge Function with esbuild, and this driver does
// the same with the pinned esbuild and the same settings:
//   - platform "browser", conditions ["edge-light", "development"] (so the package's `edge-light`
//     export, edge-light.js), target the running Node's major, format "cjs" (the format in which a
//     top-level await cannot be bundled: the browser entry fails there);
//   - its "vercel-wasm" plugin: `import x from "….wasm?module"` becomes
//     `export default globalThis["wasm_<sha1 of the file>"]`, and the runtime's context gets that
//     global as a WebAssembly.Module compiled from the file (Vercel's deployed edge binds such an
//     import the same way: a compiled module, no fetch of a URL at run time);
//   - its "import.meta.url" plugin: every import.meta.url in a .js file is replaced by a file URL
//     of the dev server's own (here: this driver's), which is why nothing may depend on it;
//   - the bundle wrapped as its edge-handler template does: run as CommonJS with a `module`
//     global, `module.exports.default(request)` answering each fetch event; `process.env` given
//     only the function's variables.
// The Edge Runtime then serves it over HTTP (runServer, as `vercel dev` does), and the request to
// /api/scenario carries nothing but the path.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { CLIENT_ID, CLIENT_SECRET, HERE, TOOLS_MODULES, main, makeConsumer, packageWasmFiles, report, startFake } from "./lib.mjs";

const RUNTIME = "edge-runtime";
const version = (pkg) => JSON.parse(readFileSync(join(TOOLS_MODULES, pkg, "package.json"), "utf8")).version;

/** @vercel/node's "vercel-wasm" esbuild plugin, as it behaves: `.wasm?module` → a bound global. */
function vercelWasmPlugin(bindings) {
  return {
    name: "vercel-wasm",
    setup(build) {
      build.onResolve({ filter: /\.wasm\?module$/i }, async (args) => {
        const file = args.path.replace(/\?module$/i, "");
        const r = await build.resolve(file, { importer: args.importer, resolveDir: args.resolveDir, kind: args.kind });
        if (r.errors.length || !r.path) return { errors: [{ text: `WebAssembly file could not be located: ${file}` }] };
        const name = `wasm_${createHash("sha1").update(await readFile(r.path)).digest("hex")}`;
        bindings.set(name, r.path);
        return { path: name, namespace: "vercel-wasm" };
      });
      build.onLoad({ filter: /.+/, namespace: "vercel-wasm" }, (args) => ({
        loader: "js",
        contents: `export default globalThis[${JSON.stringify(args.path)}];`,
      }));
    },
  };
}

/** @vercel/node's "import.meta.url" esbuild plugin: the dev server's own URL everywhere. */
const importMetaUrlPlugin = {
  name: "import.meta.url",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?js$/, namespace: "file" }, async (args) => ({
      contents: (await readFile(args.path, "utf8")).replace(/\bimport\.meta\.url\b/g, JSON.stringify(import.meta.url)),
    }));
  },
};

await main(RUNTIME, async () => {
  const dir = await makeConsumer(RUNTIME);
  mkdirSync(join(dir, "api"));
  copyFileSync(join(HERE, "consumers/vercel/scenario.mjs"), join(dir, "api/scenario.mjs"));
  const { default: esbuild } = await import(join(TOOLS_MODULES, "esbuild/lib/main.js"));
  const { EdgeRuntime, runServer } = await import(join(TOOLS_MODULES, "edge-runtime/dist/index.js"));

  // ---- the build step (as @vercel/node's compileUserCode) ----
  const bindings = new Map();
  const built = await esbuild.build({
    entryPoints: [join(dir, "api/scenario.mjs")],
    absWorkingDir: dir,
    platform: "browser",
    conditions: ["edge-light", "development"],
    target: `node${process.versions.node.split(".")[0]}`,
    legalComments: "none",
    bundle: true,
    format: "cjs",
    write: false,
    metafile: true,
    logLevel: "silent",
    plugins: [vercelWasmPlugin(bindings), importMetaUrlPlugin],
  });
  // The package must have come in through its edge-light entries, from the consumer's node_modules.
  const pkgFiles = Object.keys(built.metafile.inputs)
    .filter((p) => p.startsWith(`node_modules/square-oauth-edge/`))
    .map((p) => p.slice("node_modules/square-oauth-edge/".length))
    .sort();
  if (!pkgFiles.includes("edge-light.js") || !pkgFiles.includes("tokens/edge-light.js") || pkgFiles.some((f) => /^(tokens\/)?(browser|node|workerd|deno)\.js$/.test(f))) {
    throw new Error(`the bundle took these package files: ${pkgFiles.join(", ")} (expected edge-light.js and tokens/edge-light.js)`);
  }
  // One binding per entry's .wasm (named by the sha1 of the file, so the two files of the same
  // name in different folders stay apart).
  const wasmPaths = [...bindings.values()].map((p) => relative(dir, p).split(sep).join("/")).sort();
  const expectedWasm = packageWasmFiles(dir).map((f) => `node_modules/square-oauth-edge/${f}`).sort();
  if (JSON.stringify(wasmPaths) !== JSON.stringify(expectedWasm)) {
    throw new Error(`the .wasm?module bindings are ${JSON.stringify(wasmPaths)}, expected the package's two: ${JSON.stringify(expectedWasm)}`);
  }
  const userCode = `"use strict";
(() => {
${built.outputFiles[0].text}
})();
const userModule = module.exports;
addEventListener("fetch", (event) => {
  event.respondWith(Promise.resolve().then(() => userModule.default(event.request)));
});
`;

  // ---- the runtime (as @vercel/node's createEdgeRuntimeServer) ----
  const wasmContext = {};
  for (const [name, file] of bindings) wasmContext[name] = await WebAssembly.compile(await readFile(file));
  const fake = await startFake();
  let server;
  try {
    const runtime = new EdgeRuntime({
      initialCode: userCode,
      extend: (context) =>
        Object.assign(context, {
          module: {},
          process: { env: { FAKE_SQUARE_URL: fake.url, SQUARE_APP_ID: CLIENT_ID, SQUARE_APP_SECRET: CLIENT_SECRET } },
          ...wasmContext,
        }),
    });
    server = await runServer({ runtime, host: "127.0.0.1", port: 0 });
    const res = await fetch(new URL("/api/scenario", server.url));
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET /api/scenario → ${res.status}: ${text}`);
    const body = JSON.parse(text);
    if (body.edgeRuntime !== "edge-runtime") throw new Error(`the function did not run in the edge runtime (EdgeRuntime = ${body.edgeRuntime})`);
    report(RUNTIME, `edge-runtime ${version("edge-runtime")}, @edge-runtime/vm ${version("@edge-runtime/vm")}, on node ${process.version}`, body.result);
  } finally {
    await server?.close();
    await fake.close();
  }
});
