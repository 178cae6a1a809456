// Runtime matrix: workerd serving a Worker that imports the packed package by its name, bundled
// with esbuild the way a Worker is bundled: the `workerd` export condition (→ workerd.js) and the
// .wasm left as an external module, which the capnp config lists so that workerd hands it to
// workerd.js as a compiled WebAssembly.Module.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { HERE, TOOLS_BIN, main, makeConsumer, must, report, startFake } from "./lib.mjs";
import { runInWorkerd } from "./workerd.mjs";

const RUNTIME = "workerd";

await main(RUNTIME, async () => {
  const dir = await makeConsumer(RUNTIME);
  copyFileSync(join(HERE, "consumers/worker.mjs"), join(dir, "worker.mjs"));
  await must(join(TOOLS_BIN, "esbuild"), [
    "worker.mjs",
    "--bundle",
    "--format=esm",
    "--platform=neutral",
    "--conditions=workerd,worker",
    "--external:*.wasm",
    "--log-level=warning",
    "--outfile=dist/worker.js",
  ], { cwd: dir });
  // The bundle keeps `import module from "./square_oauth_edge_bg.wasm"`, resolved against the main
  // module's name: ship the installed package's .wasm next to it under that name.
  copyFileSync(join(dir, "node_modules/square-oauth-edge/square_oauth_edge_bg.wasm"), join(dir, "dist/square_oauth_edge_bg.wasm"));
  const fake = await startFake();
  try {
    const { version, result } = await runInWorkerd({
      dir: join(dir, "dist"),
      modules: [
        { name: "worker.js", type: "esModule", file: "worker.js" },
        { name: "square_oauth_edge_bg.wasm", type: "wasm", file: "square_oauth_edge_bg.wasm" },
      ],
      fakeUrl: fake.url,
    });
    report(RUNTIME, version, result);
  } finally {
    await fake.close();
  }
});
