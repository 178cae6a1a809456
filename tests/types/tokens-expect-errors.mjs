#!/usr/bin/env node
// expect-errors.mjs for the token manager's type tests: proves that every `// @ts-expect-error` in
// tokens.ts is doing work, and the right work. It copies tokens.ts to a temporary directory with
// every directive neutralised (line numbers kept), type-checks the copy with each given tsconfig,
// and requires that every line right after a directive has at least one error and that no other
// line (and no other file, e.g. the declarations) has one.
//
//   node tests/types/tokens-expect-errors.mjs [--verbose] [tsconfig ...]
//   (default: tsconfig.tokens.json and tsconfig.tokens.strictest.json)
// No dependencies; needs tools/node_modules/.bin/tsc.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const FILE = "tokens.ts";
const here = fileURLToPath(new URL(".", import.meta.url));
const tsc = fileURLToPath(new URL("../../tools/node_modules/.bin/tsc", import.meta.url));
const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const configs = args.filter((a) => a !== "--verbose");
if (configs.length === 0) configs.push("tsconfig.tokens.json", "tsconfig.tokens.strictest.json");

const source = readFileSync(join(here, FILE), "utf8").split("\n");
const DIRECTIVE = /^\s*\/\/ @ts-expect-error\b/;
const expected = new Map(); // 1-based line that must fail -> description
source.forEach((line, i) => {
  if (DIRECTIVE.test(line)) expected.set(i + 2, line.replace(DIRECTIVE, "").trim() || "(no description)");
});
const neutralised = source
  .map((line) => line.replace(/\/\/ @ts-expect-error\b/, "// [expect-error removed]"))
  .join("\n");

let failed = 0;
for (const config of configs) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "square-oauth-edge-token-types-")));
  try {
    writeFileSync(join(dir, FILE), neutralised);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }));
    // `paths` stay relative to the original tsconfig, which defines them.
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(here, config), files: [FILE] }));
    const run = spawnSync(tsc, ["-p", join(dir, "tsconfig.json"), "--pretty", "false"], { cwd: dir, encoding: "utf8" });
    if (run.error) throw run.error;
    const output = `${run.stdout}${run.stderr}`;
    const byLine = new Map();
    const stray = [];
    for (const line of output.split("\n")) {
      const m = /^(.*)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
      if (!m) continue;
      if (resolve(dir, m[1]) === join(dir, FILE)) {
        const n = Number(m[2]);
        byLine.set(n, [...(byLine.get(n) ?? []), { code: m[4], message: m[5] }]);
      } else {
        stray.push(line);
      }
    }
    const problems = [];
    for (const [line, what] of expected) {
      if (!byLine.has(line)) problems.push(`line ${line} (${what}) compiles without its directive`);
      else if (verbose) for (const e of byLine.get(line)) console.log(`  ${line}: ${what}\n      ${e.code} ${e.message}`);
    }
    for (const [line, list] of byLine) {
      if (!expected.has(line)) for (const e of list) problems.push(`unexpected error at line ${line}: ${e.code} ${e.message}`);
    }
    for (const s of stray) problems.push(`error outside ${FILE}: ${s}`);
    if (run.status === 0 && expected.size > 0) problems.push("tsc succeeded without the directives");
    if (problems.length) {
      failed++;
      console.error(`FAIL ${config}:`);
      for (const p of problems) console.error(`  - ${p}`);
    } else {
      console.log(`ok ${config}: each of the ${expected.size} @ts-expect-error lines of ${FILE} fails without its directive, and nothing else does`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
