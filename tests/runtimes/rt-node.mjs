// Runtime matrix: Node (this Node, 20), ESM `import` or CommonJS `require` of the packed package.
//   node tests/runtimes/rt-node.mjs esm|cjs
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_ID, CLIENT_SECRET, HERE, main, makeConsumer, report, run, startFake } from "./lib.mjs";
import { parseResult } from "./consumer-result.mjs";

const mode = process.argv[2];
const spec = {
  esm: { runtime: "node-esm", file: "node-esm.mjs", entry: "node.js", type: "module" },
  cjs: { runtime: "node-cjs", file: "node-cjs.cjs", entry: "node.cjs", type: "commonjs" },
}[mode];
if (!spec) throw new Error("usage: rt-node.mjs esm|cjs");

await main(spec.runtime, async () => {
  const dir = await makeConsumer(spec.runtime, { type: spec.type });
  copyFileSync(join(HERE, "consumers", spec.file), join(dir, spec.file));
  const fake = await startFake();
  try {
    const r = await run(process.execPath, [spec.file], {
      cwd: dir,
      env: { FAKE_SQUARE_URL: fake.url, SQUARE_APP_ID: CLIENT_ID, SQUARE_APP_SECRET: CLIENT_SECRET },
      timeoutMs: 60000,
    });
    if (r.code !== 0) throw new Error(`node ${spec.file} exited ${r.code ?? r.signal}:\n${r.stdout}${r.stderr}`);
    const { version, result } = parseResult(r.stdout, dir, spec.entry);
    report(spec.runtime, `node ${version}`, result);
  } finally {
    await fake.close();
  }
});
