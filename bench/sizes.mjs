// Size measures: what a user ships (gzip -9), esbuild bundles of a one-call consumer per peer, and
// where the bytes of our .wasm go (twiggy 0.8 over a names-kept build of the same optimisation, or
// a name-section parser when twiggy is missing or fails).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { join, dirname, basename, posix } from "node:path";
import { gzipSize } from "./lib.mjs";

/**
 * What a Worker ships: the workerd entry and the files it loads, transitively (relative imports):
 * the .wasm, the wasm-bindgen glue and errors.js (the SquareError class, imported by the entry and
 * by the glue). The last three are also listed explicitly, so that a change in how the entry
 * imports them cannot drop one from the count.
 */
export const SHIPPED = ["workerd.js", "square_oauth_edge_bg.wasm", "square_oauth_edge.js", "errors.js"];
/** The same for the token manager's entry, "square-oauth-edge/tokens" (its own glue and .wasm; errors.js is shared). */
export const SHIPPED_TOKENS = ["tokens/workerd.js", "tokens/square_oauth_edge_tokens_bg.wasm", "tokens/square_oauth_edge.js", "errors.js"];

/** The files of the package that `roots` load, transitively through relative imports (names relative to pkgDir). */
export function reachedFiles(pkgDir, roots) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name) || !existsSync(join(pkgDir, name))) return;
    seen.add(name);
    if (!/\.c?js$/.test(name)) return;
    const src = readFileSync(join(pkgDir, name), "utf8");
    // Minified modules have no space before `from` (`import{a}from"./x.js"`); the tokens entry
    // imports the shared errors.js as "../errors.js".
    for (const m of src.matchAll(/(?:import|export)\s*(?:[^"';]*?from\s*)?["'](\.\.?\/[^"'?]+)(?:\?[^"']*)?["']/g)) {
      visit(posix.normalize(posix.join(posix.dirname(name), m[1])));
    }
  };
  for (const f of roots) visit(f);
  return [...seen];
}

export function shippedFiles(pkgDir, list = SHIPPED) {
  for (const f of list) if (!existsSync(join(pkgDir, f))) throw new Error(`the package has no ${f}`);
  return reachedFiles(pkgDir, list).map((name) => {
    const buf = readFileSync(join(pkgDir, name));
    return { name, bytes: buf.length, gzip: gzipSize(buf) };
  });
}

/**
 * Bundles one entry with esbuild. kind "edge": what a Workers build does (browser platform,
 * workerd/worker conditions, the .wasm kept as its own module); kind "node": platform node.
 * `nodeCompat` builds the edge bundle for platform node with a createRequire shim (the only way
 * square 39 runs on workerd, with nodejs_compat).
 */
export function bundle(esbuild, entry, outfile, kind, { nodeCompat = false } = {}) {
  mkdirSync(dirname(outfile), { recursive: true });
  const args = [entry, "--bundle", "--minify", "--format=esm", `--outfile=${outfile}`, "--log-level=error", "--external:*.wasm"];
  if (kind === "edge" && !nodeCompat) args.push("--platform=browser", "--conditions=workerd,worker");
  else if (kind === "edge") {
    args.push("--platform=node", "--conditions=workerd,worker", '--banner:js=import{createRequire as __cr}from"node:module";const require=__cr("/");');
  } else args.push("--platform=node");
  const r = spawnSync(esbuild, args, { encoding: "utf8" });
  if (r.status !== 0) return { ok: false, error: (r.stderr || r.stdout).split("\n").find((l) => /ERROR|error/.test(l))?.trim() ?? `esbuild exit ${r.status}` };
  const buf = readFileSync(outfile);
  return { ok: true, bytes: buf.length, gzip: gzipSize(buf), wasmImports: /\.wasm["']/.test(buf.toString("latin1")) };
}

// ---- wasm parsing (section sizes; names of function bodies from the name section) ----

function readU32(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos.i++];
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  return result >>> 0;
}

const SECTION_NAMES = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount", "tag"];

/**
 * Sections with their sizes, and (when a name section exists) each function body with its name;
 * `names` maps a function index (imports included, as V8's `wasm-function[N]` counts) to its name.
 */
export function parseWasm(buf) {
  const sections = [];
  const pos = { i: 8 };
  let importedFuncs = 0;
  const bodies = [];
  const names = new Map();
  const dataSegs = [];
  while (pos.i < buf.length) {
    const start = pos.i;
    const id = buf[pos.i++];
    const size = readU32(buf, pos);
    const body = pos.i;
    const end = body + size;
    let name = SECTION_NAMES[id] ?? `section ${id}`;
    if (id === 0) {
      const p = { i: body };
      const n = readU32(buf, p);
      name = `custom "${buf.subarray(p.i, p.i + n).toString("utf8")}"`;
      if (name === 'custom "name"') {
        p.i += n;
        while (p.i < end) {
          const sub = buf[p.i++];
          const len = readU32(buf, p);
          const subEnd = p.i + len;
          if (sub === 1) {
            const count = readU32(buf, p);
            for (let k = 0; k < count; k++) {
              const idx = readU32(buf, p);
              const l = readU32(buf, p);
              names.set(idx, buf.subarray(p.i, p.i + l).toString("utf8"));
              p.i += l;
            }
          }
          p.i = subEnd;
        }
      }
    } else if (id === 2) {
      const p = { i: body };
      const count = readU32(buf, p);
      for (let k = 0; k < count; k++) {
        for (let s = 0; s < 2; s++) {
          const l = readU32(buf, p); // module name, then field name
          p.i += l;
        }
        const kind = buf[p.i++];
        if (kind === 0) {
          importedFuncs++;
          readU32(buf, p);
        } else if (kind === 1) {
          p.i++;
          const flags = readU32(buf, p);
          readU32(buf, p);
          if (flags & 1) readU32(buf, p);
        } else if (kind === 2) {
          const flags = readU32(buf, p);
          readU32(buf, p);
          if (flags & 1) readU32(buf, p);
        } else if (kind === 3) {
          p.i += 2;
        } else if (kind === 4) {
          p.i++;
          readU32(buf, p);
        }
      }
    } else if (id === 10) {
      const p = { i: body };
      const count = readU32(buf, p);
      for (let k = 0; k < count; k++) {
        const bstart = p.i;
        const len = readU32(buf, p);
        p.i += len;
        bodies.push({ index: importedFuncs + k, size: p.i - bstart });
      }
    } else if (id === 11) {
      const p = { i: body };
      const count = readU32(buf, p);
      for (let k = 0; k < count; k++) {
        const sstart = p.i;
        const flags = readU32(buf, p);
        if (flags === 2) readU32(buf, p);
        if (flags !== 1) {
          // a constant expression: i32.const / i64.const / global.get with an LEB operand, then `end`
          for (;;) {
            const op = buf[p.i++];
            if (op === 0x0b) break;
            if (op === 0x41 || op === 0x42 || op === 0x23) readU32(buf, p);
          }
        }
        const len = readU32(buf, p);
        p.i += len;
        dataSegs.push({ index: k, size: p.i - sstart });
      }
    }
    sections.push({ id, name, bytes: end - start });
    pos.i = end;
  }
  const items = [
    ...bodies.map((b) => ({ name: names.get(b.index) ?? `code[${b.index - importedFuncs}]`, bytes: b.size })),
    ...dataSegs.map((d) => ({ name: `data segment [${d.index}]`, bytes: d.size })),
  ];
  return { sections, items, names, importedFuncs, hasNames: names.size > 0 };
}

/** The wasm-opt flags of scripts/build-package.sh, so the names-kept build matches the shipped one. */
function packageWasmOptFlags(repo) {
  const src = readFileSync(join(repo, "scripts/build-package.sh"), "utf8").replace(/\\\n/g, " ");
  const line = src.split("\n").find((l) => /wasm-opt"?\s/.test(l) && !l.trim().startsWith("#"));
  if (!line) return ["-Oz"];
  const tokens = line.trim().split(/\s+/);
  const flags = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t === "-o") {
      k++;
      continue;
    }
    if (t.startsWith("-")) flags.push(t.replace(/^["']|["']$/g, ""));
  }
  return flags;
}

/**
 * twiggy: the one bench/run.sh found or installed (BENCH_TWIGGY, version 0.8.0), else one on the
 * PATH or in ~/.cargo/bin. (twiggy 0.7.0 panics on a module with a data count section, which
 * wasm-opt's bulk-memory output has: "should not parse the same key into multiple items".)
 */
function twiggyPath() {
  const candidates = [process.env.BENCH_TWIGGY, join(process.env.HOME ?? "/root", ".cargo/bin/twiggy"), "twiggy"].filter(Boolean);
  for (const p of candidates) {
    const r = spawnSync(p, ["--version"], { encoding: "utf8" });
    if (r.status === 0) return { path: p, version: r.stdout.trim() };
  }
  return null;
}

function parseCsv(text) {
  const rows = [];
  for (const line of text.split("\n").slice(1)) {
    if (!line.trim()) continue;
    const cells = [];
    let cur = "";
    let q = false;
    for (let k = 0; k < line.length; k++) {
      const ch = line[k];
      if (q) {
        if (ch === '"' && line[k + 1] === '"') {
          cur += '"';
          k++;
        } else if (ch === '"') q = false;
        else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === ",") {
        cells.push(cur);
        cur = "";
      } else cur += ch;
    }
    cells.push(cur);
    rows.push(cells);
  }
  return rows;
}

const PRIMITIVE = /^(T|U|F|A|S|str|char|bool|u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64|\[.*\]|\(.*\))$/;
const RUST_STD = new Set(["core", "alloc", "std", "__rustc", "compiler_builtins", "__multi3", "memcmp", "memcpy", "memmove", "memset", "bcmp"]);

/** A group for one item name: the crate of a demangled Rust path, or a kind of wasm structure. */
export function groupOf(name) {
  if (/^data segment/.test(name)) return "data segments (string constants, tables)";
  if (/externref shim|multivalue shim/.test(name)) return "export shims (wasm-bindgen; hold the inlined body of the export)";
  if (/^__wbindgen|^__wbg|^__externref|wasm-bindgen/.test(name)) return "wasm-bindgen runtime (alloc, externref table, closures)";
  if (/^(table|elem|type|global|memory|import|export|start|func)\b|^code\[|section|header|magic/.test(name)) return "wasm structure (types, imports, exports, tables, headers)";
  let crate;
  const impl = name.match(/^<(?:&|\*const |\*mut |mut |dyn )*([^<> ]+?)(?:\[[0-9a-f]+\])?(?:<.*?)? as ([A-Za-z_][A-Za-z0-9_]*)/);
  if (impl) {
    const self = impl[1].split("::")[0].replace(/\[[0-9a-f]+\]$/, "");
    crate = PRIMITIVE.test(self) ? impl[2] : self;
  } else {
    const m = name.replace(/^[<&*\s]+|^dyn\s+|^mut\s+/g, "").match(/^([A-Za-z_][A-Za-z0-9_]*)/);
    if (!m) return "other";
    crate = m[1];
  }
  crate = crate.replace(/\[[0-9a-f]+\]$/, "");
  if (RUST_STD.has(crate) || PRIMITIVE.test(crate)) return "Rust core/alloc/std";
  return crate;
}

export function groupItems(items) {
  const total = items.reduce((s, it) => s + it.bytes, 0);
  const groups = new Map();
  for (const it of items) {
    const g = groupOf(it.name);
    const e = groups.get(g) ?? { group: g, bytes: 0, count: 0 };
    e.bytes += it.bytes;
    e.count++;
    groups.set(g, e);
  }
  return { total, groups: [...groups.values()].sort((a, b) => b.bytes - a.bytes), top: [...items].sort((a, b) => b.bytes - a.bytes).slice(0, 15) };
}

/**
 * Where the bytes of the shipped .wasm go. `bindgenWasm`: the wasm-bindgen output the package was
 * optimised from; `shippedWasm`: the package's .wasm; `releaseWasm`: cargo's output.
 */
export function breakdown({ repo, wasmOpt, bindgenWasm, shippedWasm, releaseWasm, workDir, bindgenDir = "target/bindgen" }) {
  const out = { notes: [] };
  const flags = packageWasmOptFlags(repo);
  out.wasmOptFlags = flags;
  const named = join(workDir, "named.wasm");
  const plain = join(workDir, "plain.wasm");
  execFileSync(wasmOpt, [...flags, "-g", bindgenWasm, "-o", named]);
  execFileSync(wasmOpt, [...flags, bindgenWasm, "-o", plain]);
  const shipped = readFileSync(shippedWasm);
  out.exact = Buffer.compare(readFileSync(plain), shipped) === 0;
  if (!out.exact) {
    out.notes.push(
      `The names-kept rebuild (wasm-opt ${flags.join(" ")} -g) of ${bindgenDir} does not reproduce the packed .wasm byte for byte ` +
        `(${readFileSync(plain).length} vs ${shipped.length} bytes): the build changed between \`make package\` and this step, or the pipeline differs. Treat the breakdown as approximate.`,
    );
  }
  out.shippedBytes = shipped.length;
  out.shippedGzip = gzipSize(shipped);
  out.sections = parseWasm(shipped).sections;
  out.release = releaseWasm && existsSync(releaseWasm) ? { bytes: readFileSync(releaseWasm).length } : null;
  out.bindgenBytes = readFileSync(bindgenWasm).length;
  const namedBuf = readFileSync(named);
  out.namedBytes = namedBuf.length;

  let items = null;
  const tw = twiggyPath();
  if (tw) {
    try {
      const csv = execFileSync(tw.path, ["top", "--format", "csv", "-n", "1000000", named], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
      items = parseCsv(csv).map((r) => ({ name: r[0], bytes: Number(r[1]) }));
      const rcsv = execFileSync(tw.path, ["top", "--retained", "--format", "csv", "-n", "1000000", named], { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
      out.exportsRetained = parseCsv(rcsv)
        .filter((r) => /^export "/.test(r[0]))
        .map((r) => ({ name: r[0].replace(/^export /, ""), bytes: Number(r[3]) }))
        .sort((a, b) => b.bytes - a.bytes);
      out.tool = `twiggy ${tw.version.replace(/^twiggy\S*\s*/, "")} (top, over a names-kept build)`;
    } catch (e) {
      const why = `${e.stderr ?? ""}`.split("\n").find((l) => /panicked|error/i.test(l)) ?? String(e.message).split("\n")[0];
      const next = `${e.stderr ?? ""}`.split("\n").find((l, k, all) => k > 0 && /panicked/.test(all[k - 1]));
      out.notes.push(`${tw.version} failed (${[why, next].filter(Boolean).join(" ").trim()}); the items come from the name-section parser, and no retained sizes.`);
      items = null;
    }
  }
  if (!items) {
    const parsed = parseWasm(namedBuf);
    items = parsed.items;
    out.tool = `bench/sizes.mjs name-section parser (${tw ? "twiggy failed: see the note" : "twiggy not installed"})`;
  }
  // The name section is not shipped: leave it out.
  items = items.filter((it) => !/subsection|^custom "name"/.test(it.name) && Number.isFinite(it.bytes));
  // Grouped when the report is written (report.mjs), so that bench/render.mjs can regroup.
  out.items = items;
  return out;
}
