// Runtime matrix: Deno, importing the packed package by its name from the consumer project's
// node_modules (installed from the tarball by npm; Deno 2 resolves bare specifiers through a
// package.json's node_modules), so the `deno` export condition picks deno.js.
//
// Permissions, the narrowest that work: --allow-net for the fake's host:port only, and
// --allow-read for the package's folder only (deno.js reads the .wasm with Deno.readFileSync).
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_ID, CLIENT_SECRET, HERE, TOOLS_BIN, main, makeConsumer, must, report, run, startFake } from "./lib.mjs";
import { parseResult } from "./consumer-result.mjs";

const RUNTIME = "deno";

await main(RUNTIME, async () => {
  const dir = await makeConsumer(RUNTIME);
  copyFileSync(join(HERE, "consumers/deno.mjs"), join(dir, "main.mjs"));
  const deno = join(TOOLS_BIN, "deno");
  const denoEnv = { DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(dir, ".deno-cache"), NO_COLOR: "1" };
  const fake = await startFake();
  try {
    const host = new URL(fake.url).host;
    const args = [
      "run",
      "--no-prompt",
      `--allow-net=${host}`,
      `--allow-read=${join(dir, "node_modules/square-oauth-edge")}`,
      "main.mjs",
      fake.url,
      CLIENT_ID,
      CLIENT_SECRET,
    ];
    const r = await run(deno, args, { cwd: dir, env: denoEnv, timeoutMs: 120000 });
    if (r.code !== 0) throw new Error(`deno ${args.join(" ")} exited ${r.code ?? r.signal}:\n${r.stdout}${r.stderr}`);
    const { version, result } = parseResult(r.stdout, dir, "deno.js");
    report(RUNTIME, version, result);
  } finally {
    await fake.close();
  }
});
