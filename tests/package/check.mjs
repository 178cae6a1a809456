// Package quality of the packed tarball (run by tests/package/run.sh with TARBALL, PACK_JSON and
// WORK set): publint --strict, Are The Types Wrong, the tarball's contents against the `files`
// allow-list, and the committed snapshots of the packed index.d.ts and tokens/index.d.ts.
//   UPDATE_SNAPSHOTS=1 tests/package/run.sh   rewrites tests/package/{index,tokens}.d.ts.snap
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, "../..");
const BIN = join(REPO, "tools/node_modules/.bin");
const SNAPSHOT = join(HERE, "index.d.ts.snap");
const TARBALL = process.env.TARBALL;
const WORK = process.env.WORK;
const pack = JSON.parse(readFileSync(process.env.PACK_JSON, "utf8"))[0];

let passed = 0;
let failed = 0;
function verdict(ok, name, details = "") {
  ok ? passed++ : failed++;
  console.log(`${ok ? "PASS" : "FAIL"} ${name}`);
  if (details) console.log(details.replace(/^/gm, "    "));
}
function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
  if (r.error) throw r.error;
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

// ---- size and file list ----------------------------------------------------------------------
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`[package] ${pack.filename}: ${pack.size} bytes packed (${kb(pack.size)}), ${pack.unpackedSize} bytes unpacked (${kb(pack.unpackedSize)}), ${pack.files.length} files`);
for (const f of pack.files) console.log(`[package]   ${String(f.size).padStart(8)}  ${f.path}`);

// ---- publint --strict --------------------------------------------------------------------------
{
  const r = run(join(BIN, "publint"), ["--strict", TARBALL]);
  // publint exits non-zero on errors, and with --strict warnings count as errors.
  verdict(r.code === 0 && /All good!/.test(r.out), "publint --strict", r.code === 0 && /All good!/.test(r.out) ? "" : r.out);
}

// ---- Are The Types Wrong -----------------------------------------------------------------------
{
  // The "./square_oauth_edge_bg.wasm" subpath is a binary asset (for bundlers and Workers that
  // import the .wasm themselves), not a module with types: attw would report it as NoResolution,
  // so it is excluded. --no-definitely-typed: no registry look-up of @types.
  const r = run(join(BIN, "attw"), [
    TARBALL,
    "--profile",
    "strict",
    "--no-definitely-typed",
    "--exclude-entrypoints",
    "./square_oauth_edge_bg.wasm",
    "./tokens/square_oauth_edge_tokens_bg.wasm",
    "--format",
    "table",
    "--no-emoji",
    "--no-color",
  ]);
  verdict(r.code === 0 && /No problems found/.test(r.out), "attw (are the types wrong), profile strict: node10, node16 CJS/ESM, bundler", r.code === 0 ? "" : r.out);
}

// ---- contents: exactly the `files` allow-list (plus package.json, which npm always adds) ----------
const manifest = JSON.parse(readFileSync(join(REPO, "pkg/package.json"), "utf8"));
{
  const allowed = new Set([...manifest.files, "package.json"]);
  const inTarball = new Set(pack.files.map((f) => f.path));
  const extra = [...inTarball].filter((p) => !allowed.has(p));
  verdict(extra.length === 0, "tarball holds only the `files` allow-list (and package.json)", extra.length ? `not allow-listed: ${extra.join(", ")}` : "");
  const missing = manifest.files.filter((p) => !inTarball.has(p));
  verdict(missing.length === 0, "every allow-listed file is in the tarball", missing.length ? `missing: ${missing.join(", ")} (README.md and LICENSE are copied from the repo root by scripts/build-package.sh)` : "");
}

// ---- the packed declarations against the committed snapshots -------------------------------------
// index.d.ts (the main entry) and tokens/index.d.ts (the "square-oauth-edge/tokens" entry).
{
  const dest = join(WORK, "unpacked");
  mkdirSync(dest, { recursive: true });
  const t = run("tar", ["-xzf", TARBALL, "-C", dest]);
  if (t.code !== 0) throw new Error(`tar failed: ${t.out}`);
  for (const [file, snap] of [
    ["index.d.ts", "index.d.ts.snap"],
    ["tokens/index.d.ts", "tokens.d.ts.snap"],
  ]) {
    const SNAP = join(HERE, snap);
    const packed = join(dest, "package", file);
    const dts = readFileSync(packed, "utf8");
    const dcts = readFileSync(packed.replace(/\.d\.ts$/, ".d.cts"), "utf8");
    verdict(dts === dcts, `${file.replace(/\.d\.ts$/, ".d.cts")} (require) declares the same API as ${file} (import)`, dts === dcts ? "" : run("diff", ["-u", packed, packed.replace(/\.d\.ts$/, ".d.cts")]).out);
    if (process.env.UPDATE_SNAPSHOTS === "1") {
      writeFileSync(SNAP, dts);
      verdict(true, `${file} snapshot written to tests/package/${snap} (UPDATE_SNAPSHOTS=1): review and commit it`);
    } else if (!existsSync(SNAP)) {
      verdict(false, `${file} matches tests/package/${snap}`, `no snapshot committed yet: run \`UPDATE_SNAPSHOTS=1 tests/package/run.sh\` and commit tests/package/${snap}`);
    } else {
      const same = readFileSync(SNAP, "utf8") === dts;
      const diff = same ? "" : run("diff", ["-u", "--label", `tests/package/${snap} (committed)`, "--label", `${file} (packed)`, SNAP, packed]).out;
      verdict(
        same,
        `${file} matches tests/package/${snap}`,
        same
          ? ""
          : `${diff}\n\nThe published types changed. If the change is intended, update the snapshots and commit them:\n  UPDATE_SNAPSHOTS=1 tests/package/run.sh && git add tests/package/*.snap`,
      );
    }
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
