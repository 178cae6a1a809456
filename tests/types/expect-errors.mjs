#!/usr/bin/env node
// Proves that every `// @ts-expect-error` in consumer.ts is doing work, and doing the right work.
//
// tsc already fails on an unused directive (TS2578). This goes further: it copies consumer.ts to a
// temporary directory with every directive neutralised (line numbers kept), type-checks the copy
// with each given tsconfig, and requires that
//   - every line right after a directive has at least one error, and
//   - no other line (and no other file, e.g. the declarations) has one.
// So a wrong use that fails for an unrelated reason on another line, or a directive that only
// hides an error in the line after it by accident of layout, is caught.
//
//   node tests/types/expect-errors.mjs [--verbose] [tsconfig ...]   (default: both tsconfigs)
// No dependencies; needs tools/node_modules/.bin/tsc.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const tsc = fileURLToPath(new URL("../../tools/node_modules/.bin/tsc", import.meta.url));
const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const configs = args.filter((a) => a !== "--verbose");
if (configs.length === 0) configs.push("tsconfig.json", "tsconfig.strictest.json");

const source = readFileSync(join(here, "consumer.ts"), "utf8").split("\n");
const DIRECTIVE = /^\s*\/\/ @ts-expect-error\b/;
const expected = new Map(); // 1-based line that must fail -> description
source.forEach((line, i) => {
  if (DIRECTIVE.test(line)) {
    expected.set(i + 2, line.replace(DIRECTIVE, "").trim() || "(no description)");
  }
});
const neutralised = source
  .map((line) => line.replace(/\/\/ @ts-expect-error\b/, "// [expect-error removed]"))
  .join("\n");

let failed = 0;
for (const config of configs) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "square-oauth-edge-types-")));
  try {
    writeFileSync(join(dir, "consumer.ts"), neutralised);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }));
    // `paths` stay relative to the original tsconfig, which defines them.
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: join(here, config), files: ["consumer.ts"] }),
    );
    const run = spawnSync(tsc, ["-p", join(dir, "tsconfig.json"), "--pretty", "false"], {
      cwd: dir,
      encoding: "utf8",
    });
    if (run.error) throw run.error;
    const output = `${run.stdout}${run.stderr}`;
    const errors = [];
    const stray = [];
    for (const line of output.split("\n")) {
      const m = /^(.*)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
      if (!m) continue;
      if (resolve(dir, m[1]) === join(dir, "consumer.ts")) {
        errors.push({ line: Number(m[2]), code: m[4], message: m[5] });
      } else {
        stray.push(line);
      }
    }
    const byLine = new Map();
    for (const e of errors) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e]);

    const problems = [];
    for (const [line, what] of expected) {
      if (!byLine.has(line)) problems.push(`line ${line} (${what}) compiles without its directive`);
      else if (verbose) {
        for (const e of byLine.get(line)) console.log(`  ${line}: ${what}\n      ${e.code} ${e.message}`);
      }
    }
    for (const [line, list] of byLine) {
      if (!expected.has(line)) {
        for (const e of list) problems.push(`unexpected error at line ${line}: ${e.code} ${e.message}`);
      }
    }
    for (const s of stray) problems.push(`error outside consumer.ts: ${s}`);
    if (run.status === 0 && expected.size > 0) problems.push("tsc succeeded without the directives");

    if (problems.length) {
      failed++;
      console.error(`FAIL ${config}:`);
      for (const p of problems) console.error(`  - ${p}`);
    } else {
      console.log(
        `ok ${config}: each of the ${expected.size} @ts-expect-error lines fails without its directive, and nothing else does`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
