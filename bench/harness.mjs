// The benchmark: our packed package vs raw fetch (the floor), oauth4webapi, square 46 and square 39,
// all making the same ObtainToken call (grant_type=refresh_token, code flow with client_secret)
// against the same local fake Square. Called by bench/run.sh (which packs and installs the package,
// starts the fake on core 1 and runs this on core 0); writes BENCHMARKS.md. Also the token manager's
// entry, "square-oauth-edge/tokens" (issue 13): its shipped size against the main entry's, the proof
// that the main entry holds none of it, and its cold starts (measureTokens, the oursTokens* peers).
//   node bench/harness.mjs --work DIR --fake URL --out FILE
import { parseArgs } from "node:util";
import { mkdirSync, writeFileSync, copyFileSync, readFileSync, existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  median,
  rotate,
  checkToken,
  freePort,
  startGroup,
  timeProcess,
  httpGet,
  sleep,
  gzipSize,
} from "./lib.mjs";
import { shippedFiles, reachedFiles, SHIPPED_TOKENS, bundle, breakdown, parseWasm, groupOf } from "./sizes.mjs";
import { writeConfig, workerEntry } from "./workerd.mjs";
import { writeReport } from "./report.mjs";

const { values: argv } = parseArgs({
  options: { work: { type: "string" }, fake: { type: "string" }, out: { type: "string" }, repo: { type: "string" } },
});
const REPO = resolve(argv.repo ?? new URL("..", import.meta.url).pathname);
const WORK = resolve(argv.work);
const FAKE = argv.fake;
const OUT = resolve(argv.out ?? join(REPO, "BENCHMARKS.md"));
const CONSUMER = join(WORK, "consumer");
const PKG_DIR = join(CONSUMER, "node_modules/square-oauth-edge");
const TOOLS = join(REPO, "tools/node_modules/.bin");
const BIN = { esbuild: join(TOOLS, "esbuild"), deno: join(TOOLS, "deno"), workerd: join(TOOLS, "workerd"), wasmOpt: join(TOOLS, "wasm-opt") };

// Counts: modest, so that the whole `make bench` stays well under 15 minutes on 2 cores.
const QUICK = process.env.BENCH_QUICK === "1";
const N = {
  coldRounds: QUICK ? 3 : 30, // whole processes per peer and runtime, after 1 untimed round
  instantiateRuns: QUICK ? 3 : 20, // fresh Node processes timing compile + instantiate
  instantiateRunsDeno: QUICK ? 3 : 10,
  warmup: QUICK ? 50 : 300, // sequential calls per peer before the warm measures
  warmRounds: QUICK ? 3 : 30, // rounds of `warmBlock` sequential calls per peer
  warmBlock: 100,
  tpRounds: QUICK ? 2 : 12, // throughput rounds per peer
  tpCalls: QUICK ? 300 : 1000, // calls per throughput round
  inFlight: 32,
  memCalls: 10000,
  phaseRuns: QUICK ? 3 : 15, // Node processes per peer timing import / first call / second call
  profileCalls: QUICK ? 500 : 3000, // profiled calls at 32 in flight, raw fetch and us
  workerdRounds: QUICK ? 3 : 20, // requests per peer, each a loop of `workerdLoop` calls
  workerdLoop: QUICK ? 50 : 300,
};

// `entry`: which of our package's entries (and so which .wasm) a peer loads. `coldOnly`: measured
// in the cold starts (and their phases) only, not in the warm measures.
const PEERS = [
  { id: "raw", label: "raw fetch (floor)" },
  { id: "ours", label: "square-oauth-edge", entry: "main" },
  // The token manager's entry (issue 13), "square-oauth-edge/tokens": its own, larger .wasm. What a
  // user of that entry pays at start for a plain ObtainToken, and for a first token through a
  // TokenManager over a MemoryTokenStore (a due token saved, then accessToken: one refresh at the
  // fake, so the same one ObtainToken request as every other peer; see bench/peers/oursTokenManager.mjs).
  { id: "oursTokens", label: "square-oauth-edge/tokens: import + obtainToken", entry: "tokens", coldOnly: true },
  { id: "oursTokenManager", label: "square-oauth-edge/tokens: import + TokenManager + first accessToken", entry: "tokens", coldOnly: true },
  { id: "oauth4webapi", label: "oauth4webapi" },
  { id: "square46", label: "square 46" },
  { id: "square39", label: "square 39" },
  // Not an alternative: raw fetch with a per-attempt time limit, called the way src/transport.rs
  // calls fetch, no wasm; it splits our overhead into the price of the time limit and that of the
  // wasm and its glue (see the peer).
  { id: "rawTimeout", label: "*raw fetch + time limit, no wasm (diagnostic)*", diagnostic: true },
];
// square 39 needs Node APIs on workerd: nodejs_compat, which is the default from 2026-08-04 on.
// Every peer gets the same compatibility date so that the floor is the same for all.
const WORKERD_COMPAT_DATE = process.env.BENCH_WORKERD_COMPAT_DATE ?? "2026-11-01";

const log = (...a) => console.error("[bench]", ...a);
const results = { N, peers: PEERS, failures: [], started: new Date().toISOString() };
const WARM_PEERS = PEERS.filter((p) => !p.coldOnly);
const WASM_FILE = { main: "square_oauth_edge_bg.wasm", tokens: "tokens/square_oauth_edge_tokens_bg.wasm" }; // each entry's .wasm in the package
const fail = (where, peer, e) => {
  const msg = String(e?.message ?? e).split("\n")[0].slice(0, 300);
  results.failures.push({ where, peer, msg });
  log(`FAILED ${where} ${peer}: ${msg}`);
};

// ---------------------------------------------------------------------------------------------
// Set-up: a refresh token from the fake (code flow with client_secret: reusable), consumer files.

async function mintToken() {
  const post = async (path, body, headers = {}) => {
    const r = await fetch(`${FAKE}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const j = await r.json();
    if (!r.ok) throw new Error(`${path}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
  const { code } = await post("/__fake/codes", {});
  const t = await post("/oauth2/token", { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, grant_type: "authorization_code" }, { "square-version": "2025-08-20" });
  if (!/^EQAA/.test(t.refresh_token ?? "")) throw new Error("no refresh token from the fake");
  if (!t.merchant_id) throw new Error("no merchant_id from the fake");
  return t;
}

function writeConsumerFiles() {
  mkdirSync(join(CONSUMER, "peers"), { recursive: true });
  for (const p of PEERS) {
    copyFileSync(join(REPO, "bench/peers", `${p.id}.mjs`), join(CONSUMER, "peers", `${p.id}.mjs`));
    // The one-call consumer: import, initialise, one call, print the token, exit. `token`: the
    // whole ObtainToken answer the refresh token came with (JSON), for the TokenManager peer.
    writeFileSync(
      join(CONSUMER, `cold-${p.id}.mjs`),
      `import { client } from "./peers/${p.id}.mjs";
const [baseUrl, refreshToken, token] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const accessToken = await client({ baseUrl, clientId: ${JSON.stringify(CLIENT_ID)}, clientSecret: ${JSON.stringify(CLIENT_SECRET)}, token })(refreshToken);
console.log(accessToken);
globalThis.Deno ? Deno.exit(0) : process.exit(0);
`,
    );
    writeFileSync(join(CONSUMER, `worker-${p.id}.mjs`), workerEntry(p.id));
  }
}

// ---------------------------------------------------------------------------------------------
// Size

function measureSizes() {
  log("size: shipped files, esbuild bundles, byte breakdown");
  const files = shippedFiles(PKG_DIR);
  const wasmFile = files.find((f) => f.name.endsWith(".wasm"));
  const concat = Buffer.concat(files.map((f) => readFileSync(join(PKG_DIR, f.name))));
  results.size = {
    files,
    totalBytes: files.reduce((s, f) => s + f.bytes, 0),
    sumGzip: files.reduce((s, f) => s + f.gzip, 0),
    concatGzip: gzipSize(concat),
    wasm: wasmFile,
    bundles: {},
  };
  for (const p of PEERS) {
    const b = { diagnostic: !!p.diagnostic };
    const dir = join(WORK, "workerd", p.id);
    b.edge = bundle(BIN.esbuild, join(CONSUMER, `worker-${p.id}.mjs`), join(dir, "worker.js"), "edge");
    if (!b.edge.ok && p.id === "square39") {
      b.edgeError = b.edge.error;
      b.edge = bundle(BIN.esbuild, join(CONSUMER, `worker-${p.id}.mjs`), join(dir, "worker.js"), "edge", { nodeCompat: true });
      b.edgeNodeCompat = true;
    }
    b.node = bundle(BIN.esbuild, join(CONSUMER, `cold-${p.id}.mjs`), join(WORK, "bundles-node", `${p.id}.js`), "node");
    if (p.entry) {
      // The Worker's .wasm module: the one of the entry the peer imports.
      const wasmName = WASM_FILE[p.entry];
      const buf = readFileSync(join(PKG_DIR, wasmName));
      copyFileSync(join(PKG_DIR, wasmName), join(dir, basename(wasmName)));
      b.wasmGzip = p.entry === "main" ? wasmFile.gzip : gzipSize(buf);
      b.wasmBytes = buf.length;
    }
    results.size.bundles[p.id] = b;
    if (!b.edge.ok) fail("size edge bundle", p.id, b.edge.error);
    if (!b.node.ok) fail("size node bundle", p.id, b.node.error);
  }
  // cargo's output in target/ is that of the variant scripts/build-package.sh built last: tell
  // which by its exports, and give it to that variant's breakdown only.
  const release = join(WORK, "artifacts/square_oauth_edge.release.wasm");
  RELEASE_VARIANT = existsSync(release) ? (wasmExports(readFileSync(release)).some((n) => TOKEN_API.test(n)) ? "tokens" : "main") : null;
  try {
    results.breakdown = breakdown({
      repo: REPO,
      wasmOpt: BIN.wasmOpt,
      bindgenWasm: join(WORK, "artifacts/square_oauth_edge_bg.bindgen.wasm"),
      shippedWasm: join(PKG_DIR, wasmFile.name),
      releaseWasm: RELEASE_VARIANT === "main" ? release : null,
      workDir: join(WORK, "artifacts"),
      bindgenDir: "target/bindgen/main",
    });
    if (RELEASE_VARIANT === "tokens") results.breakdown.releaseNote = "size not known here: cargo's output in target/ is the tokens variant's, built after it";
  } catch (e) {
    fail("byte breakdown", "ours", e);
  }
}

// ---------------------------------------------------------------------------------------------
// The token manager's entry (issue 13): what it adds to what a Worker ships, and the proof that the
// main entry, all a plain obtainToken user loads, holds none of it.

// The token manager's names: its classes' and functions' wasm exports (tokenmanager_new,
// memorytokenstore_get, squaretokenstore_fetch, verifyWebhook, __wbg_tokenmanager_free, ...) and
// their JS names in the glue and the entries.
const TOKEN_API = /token_?manager|token_?store|webhook/i;
const TOKEN_JS = /TokenManager|TokenStore|verifyWebhook|handleWebhook|tokenmanager_|tokenstore_/gi;
let RELEASE_VARIANT = null;

function wasmExports(buf) {
  return WebAssembly.Module.exports(new WebAssembly.Module(buf)).map((e) => e.name);
}

/** Every file a conditional export of package.json names (types left out), e.g. of ".". */
function exportTargets(node) {
  if (typeof node === "string") return /\.d\.c?ts$/.test(node) ? [] : [node.replace(/^\.\//, "")];
  return Object.values(node ?? {}).flatMap(exportTargets);
}

/** The features each variant of scripts/build-package.sh is built with (`variant main js ""`). */
function variantFeatures() {
  const src = readFileSync(join(REPO, "scripts/build-package.sh"), "utf8");
  const out = {};
  for (const m of src.matchAll(/^variant\s+(\w+)\s+(\S+)/gm)) out[m[1]] = m[2];
  return out;
}

function measureTokens() {
  log("size: the token manager's entry (square-oauth-edge/tokens) against the main entry");
  const files = shippedFiles(PKG_DIR, SHIPPED_TOKENS);
  const t = {
    files,
    totalBytes: files.reduce((s, f) => s + f.bytes, 0),
    sumGzip: files.reduce((s, f) => s + f.gzip, 0),
    concatGzip: gzipSize(Buffer.concat(files.map((f) => readFileSync(join(PKG_DIR, f.name))))),
    wasm: files.find((f) => f.name.endsWith(".wasm")),
    features: variantFeatures(),
  };
  const bundleOf = (id) => results.size.bundles[id];
  t.bundle = bundleOf("oursTokens");

  // Proof that a plain obtainToken user loads none of the token manager.
  const mainBuf = readFileSync(join(PKG_DIR, "square_oauth_edge_bg.wasm"));
  const tokBuf = readFileSync(join(PKG_DIR, WASM_FILE.tokens));
  const mainEx = wasmExports(mainBuf);
  const tokEx = wasmExports(tokBuf);
  const pkgJson = JSON.parse(readFileSync(join(PKG_DIR, "package.json"), "utf8"));
  const mainEntries = [...new Set([...exportTargets(pkgJson.exports?.["."]), pkgJson.main?.replace(/^\.\//, "")].filter(Boolean))];
  const reached = reachedFiles(PKG_DIR, mainEntries);
  const mentions = (text) => (text.match(TOKEN_JS) ?? []).length;
  const proof = {
    mainExports: mainEx.length,
    mainTokenExports: mainEx.filter((n) => TOKEN_API.test(n)),
    tokensExports: tokEx.length,
    tokensTokenExports: tokEx.filter((n) => TOKEN_API.test(n)),
    onlyInMain: mainEx.filter((n) => !tokEx.includes(n)),
    mainEntries,
    mainReached: reached,
    mainReachesTokens: reached.filter((n) => n.startsWith("tokens/") || n.includes("/tokens/")),
    // The token manager's names in the main entry's JS (entries, glue, errors.js, node.cjs with its
    // bundled glue): 0 expected. The tokens glue, for contrast.
    mainJsMentions: reached.filter((n) => /\.c?js$/.test(n)).map((n) => ({ name: n, hits: mentions(readFileSync(join(PKG_DIR, n), "utf8")) })),
    tokensGlueMentions: mentions(readFileSync(join(PKG_DIR, "tokens/square_oauth_edge.js"), "utf8")),
    releaseVariant: RELEASE_VARIANT,
  };
  // The one-call Worker of a plain obtainToken user, as esbuild bundles it.
  const mainWorker = join(WORK, "workerd/ours/worker.js");
  if (existsSync(mainWorker)) proof.mainWorkerMentions = mentions(readFileSync(mainWorker, "utf8"));
  // The main .wasm is what the build without the `tokens` feature produced (scripts/build-package.sh
  // builds the variants separately; its optimised output is kept in target/bindgen/<variant>/).
  for (const [v, buf] of [["main", mainBuf], ["tokens", tokBuf]]) {
    const built = join(WORK, `artifacts/${v}.build.opt.wasm`);
    proof[`${v}SameAsBuild`] = existsSync(built) ? Buffer.compare(readFileSync(built), buf) === 0 : null;
  }
  t.proof = proof;
  if (proof.mainTokenExports.length || proof.mainReachesTokens.length || proof.mainJsMentions.some((m) => m.hits) || proof.mainWorkerMentions) {
    fail("token manager: main entry", "ours", new Error(`the main entry holds some of the token manager: ${JSON.stringify({ exports: proof.mainTokenExports, files: proof.mainReachesTokens, js: proof.mainJsMentions.filter((m) => m.hits), worker: proof.mainWorkerMentions })}`));
  }
  if (!proof.tokensTokenExports.length) fail("token manager: tokens entry", "oursTokens", new Error("the tokens entry's .wasm exports no token manager"));
  results.tokens = t;

  // Where the added bytes go: the same breakdown as the main .wasm's, for the tokens .wasm.
  try {
    mkdirSync(join(WORK, "artifacts/tokens"), { recursive: true });
    t.breakdown = breakdown({
      repo: REPO,
      wasmOpt: BIN.wasmOpt,
      bindgenWasm: join(WORK, "artifacts/tokens/square_oauth_edge_bg.bindgen.wasm"),
      shippedWasm: join(PKG_DIR, WASM_FILE.tokens),
      releaseWasm: RELEASE_VARIANT === "tokens" ? join(WORK, "artifacts/square_oauth_edge.release.wasm") : null,
      workDir: join(WORK, "artifacts/tokens"),
      bindgenDir: "target/bindgen/tokens",
    });
  } catch (e) {
    fail("byte breakdown (tokens)", "oursTokens", e);
  }
}

// ---------------------------------------------------------------------------------------------
// Cold start: whole processes, round robin (rotated order each round), paired with raw fetch.

async function coldRounds(runtime, runOnce) {
  const available = PEERS.filter((p) => !(results.cold?.[runtime]?.skip ?? []).includes(p.id));
  const times = Object.fromEntries(available.map((p) => [p.id, []]));
  const ratios = Object.fromEntries(available.map((p) => [p.id, []]));
  const vsOurs = Object.fromEntries(available.map((p) => [p.id, []])); // ms over the main entry, same round
  const broken = new Set();
  for (let r = -1; r < N.coldRounds; r++) {
    const round = {};
    for (const p of rotate(available, Math.max(r, 0))) {
      if (broken.has(p.id)) continue;
      try {
        round[p.id] = await runOnce(p.id);
      } catch (e) {
        broken.add(p.id);
        fail(`cold start ${runtime}`, p.id, e);
      }
    }
    if (r < 0) continue; // untimed warm-up round: page cache, Deno's cache
    for (const p of available) {
      if (round[p.id] === undefined) continue;
      times[p.id].push(round[p.id]);
      if (round.raw !== undefined) ratios[p.id].push(round[p.id] / round.raw);
      if (round.ours !== undefined) vsOurs[p.id].push(round[p.id] - round.ours);
    }
  }
  const out = {};
  for (const p of available) {
    if (!times[p.id].length) continue;
    out[p.id] = { medianMs: median(times[p.id]), minMs: Math.min(...times[p.id]), maxMs: Math.max(...times[p.id]), ratio: median(ratios[p.id]), n: times[p.id].length, ratios: ratios[p.id] };
    if (vsOurs[p.id].length) out[p.id].vsOursMs = median(vsOurs[p.id]); // paired: median over rounds of (peer − main entry)
  }
  return out;
}

async function coldNode(refreshToken, tokenJson) {
  log(`cold start, Node: ${N.coldRounds} rounds`);
  return coldRounds("node", async (id) => {
    const r = await timeProcess(process.execPath, [`cold-${id}.mjs`, FAKE, refreshToken, tokenJson], { cwd: CONSUMER });
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.slice(0, 300)}`);
    checkToken(r.stdout.trim(), id);
    return r.ms;
  });
}

const denoEnv = () => ({ ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", DENO_DIR: join(WORK, "deno-dir"), NO_COLOR: "1" });

async function coldDeno(refreshToken, tokenJson) {
  log(`cold start, Deno: ${N.coldRounds} rounds`);
  return coldRounds("deno", async (id) => {
    const r = await timeProcess(BIN.deno, ["run", "-A", "--quiet", `cold-${id}.mjs`, FAKE, refreshToken, tokenJson], { cwd: CONSUMER, env: denoEnv() });
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.slice(0, 300)}`);
    checkToken(r.stdout.trim(), id);
    return r.ms;
  });
}

function workerSpec(id, port) {
  const entry = PEERS.find((p) => p.id === id)?.entry;
  return { name: id, dir: id, wasm: entry ? basename(WASM_FILE[entry]) : null, port, compatibilityDate: WORKERD_COMPAT_DATE, flags: [] };
}

async function coldWorkerd(refreshToken, tokenJson) {
  log(`cold start, workerd: ${N.coldRounds} rounds`);
  const skip = PEERS.filter((p) => !results.size.bundles[p.id]?.edge?.ok).map((p) => p.id);
  results.cold.workerd = { skip };
  const cfgDir = join(WORK, "workerd");
  return coldRounds("workerd", async (id) => {
    const port = await freePort();
    const config = writeConfig(cfgDir, [workerSpec(id, port)], { baseUrl: FAKE, refreshToken, token: tokenJson });
    const t0 = performance.now();
    const srv = startGroup(BIN.workerd, ["serve", config], { cwd: cfgDir });
    try {
      for (;;) {
        try {
          const res = await httpGet(`http://127.0.0.1:${port}/`);
          const ms = performance.now() - t0;
          if (res.status !== 200) throw Object.assign(new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)} ${srv.output().slice(0, 300)}`), { fatal: true });
          checkToken(res.body, id);
          return ms;
        } catch (e) {
          if (e.fatal || e.code !== "ECONNREFUSED") throw e;
          if (srv.child.exitCode !== null) throw new Error(`workerd exited: ${srv.output().slice(0, 400)}`);
          if (performance.now() - t0 > 30000) throw new Error(`workerd did not answer in 30 s: ${srv.output().slice(0, 400)}`);
          await sleep(1);
        }
      }
    } finally {
      await srv.stop();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// wasm alone: compile + instantiate in fresh processes; memory after 10,000 calls.

async function instantiateProbe() {
  log(`wasm instantiate alone: ${N.instantiateRuns} Node + ${N.instantiateRunsDeno} Deno processes, for each entry's .wasm`);
  const probe = join(CONSUMER, "probe-instantiate.mjs");
  writeFileSync(
    probe,
    `// compile + instantiate of the .wasm alone (glue imported first, untimed); the argument: "" for
// the main entry's, "tokens/" for the token manager's entry's
const [sub = ""] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const dir = new URL("./node_modules/square-oauth-edge/" + sub, import.meta.url);
const glue = await import(new URL("square_oauth_edge.js", dir));
const wasm = sub ? "square_oauth_edge_tokens_bg.wasm" : "square_oauth_edge_bg.wasm";
const bytes = globalThis.Deno ? Deno.readFileSync(new URL(wasm, dir)) : (await import("node:fs")).readFileSync(new URL(wasm, dir));
const t0 = performance.now();
const module = new WebAssembly.Module(bytes);
const t1 = performance.now();
const exports = glue.initSync({ module });
const t2 = performance.now();
console.log(JSON.stringify({ compileMs: t1 - t0, instantiateMs: t2 - t1, memory: exports.memory.buffer.byteLength }));
`,
  );
  const runs = async (cmd, args, n, env) => {
    const xs = [];
    for (let k = 0; k < n + 1; k++) {
      const r = await timeProcess(cmd, args, { cwd: CONSUMER, env });
      if (r.code !== 0) throw new Error(r.stderr.slice(0, 300));
      if (k > 0) xs.push(JSON.parse(r.stdout));
    }
    return {
      compileMs: median(xs.map((x) => x.compileMs)),
      instantiateMs: median(xs.map((x) => x.instantiateMs)),
      totalMs: median(xs.map((x) => x.compileMs + x.instantiateMs)),
      memory: xs[0].memory,
      n,
    };
  };
  results.instantiate = {};
  results.instantiateTokens = {};
  for (const [into, sub] of [[results.instantiate, ""], [results.instantiateTokens, "tokens/"]]) {
    const where = sub ? "instantiate (tokens entry)" : "instantiate";
    try {
      into.node = await runs(process.execPath, [probe, sub], N.instantiateRuns);
    } catch (e) {
      fail(where, "node", e);
    }
    try {
      into.deno = await runs(BIN.deno, ["run", "-A", "--quiet", probe, sub], N.instantiateRunsDeno, denoEnv());
    } catch (e) {
      fail(where, "deno", e);
    }
  }
}

async function memoryProbe(refreshToken) {
  log(`wasm memory after ${N.memCalls} calls`);
  const probe = join(CONSUMER, "probe-memory.mjs");
  writeFileSync(
    probe,
    `import { client } from "./peers/ours.mjs";
const glueUrl = new URL("square_oauth_edge.js", import.meta.resolve("square-oauth-edge"));
const { initSync } = await import(glueUrl);
const exports = initSync(); // already initialised by the entry: returns its exports
const mem = () => exports.memory.buffer.byteLength;
const [baseUrl, rt, n] = process.argv.slice(2);
const out = { afterInit: mem() };
const call = client({ baseUrl, clientId: ${JSON.stringify(CLIENT_ID)}, clientSecret: ${JSON.stringify(CLIENT_SECRET)} });
const check = (t) => { if (!/^EAAA/.test(t)) throw new Error("bad token " + t); };
check(await call(rt));
out.after1 = mem();
for (let i = 1; i < Number(n); i++) check(await call(rt));
out.afterSequential = mem();
let left = Number(n);
await Promise.all(Array.from({ length: 32 }, async () => { while (left-- > 0) check(await call(rt)); }));
out.afterConcurrent = mem();
out.jsHeapUsed = process.memoryUsage().heapUsed;
console.log(JSON.stringify(out));
`,
  );
  try {
    const r = await timeProcess(process.execPath, [probe, FAKE, refreshToken, String(N.memCalls)], { cwd: CONSUMER });
    if (r.code !== 0) throw new Error(r.stderr.slice(0, 400));
    results.memory = JSON.parse(r.stdout);
  } catch (e) {
    fail("memory", "ours", e);
  }
}

// Where the time goes: phases of a cold process, and a CPU profile of warm calls at 32 in flight
// (diagnostics behind the "where the cost sits" of a missed bound).

async function coldPhases(refreshToken, runtime) {
  log(`cold phases, ${runtime}: ${N.phaseRuns} processes per peer`);
  const probe = join(CONSUMER, "probe-phases.mjs");
  writeFileSync(
    probe,
    `const [peer, baseUrl, rt] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const t0 = performance.now();
const { client } = await import(\`./peers/\${peer}.mjs\`);
const t1 = performance.now();
const call = client({ baseUrl, clientId: ${JSON.stringify(CLIENT_ID)}, clientSecret: ${JSON.stringify(CLIENT_SECRET)} });
const t2 = performance.now();
const a = await call(rt);
const t3 = performance.now();
const b = await call(rt);
const t4 = performance.now();
if (!/^EAAA/.test(a) || !/^EAAA/.test(b)) throw new Error("bad token");
console.log(JSON.stringify({ importMs: t1 - t0, constructMs: t2 - t1, firstCallMs: t3 - t2, secondCallMs: t4 - t3, sinceStartMs: t4 }));
globalThis.Deno ? Deno.exit(0) : process.exit(0);
`,
  );
  const ids = ["raw", "rawTimeout", "ours", "oursTokens", "oauth4webapi"];
  const xs = Object.fromEntries(ids.map((id) => [id, []]));
  for (let r = -1; r < N.phaseRuns; r++) {
    for (const id of rotate(ids, Math.max(r, 0))) {
      const res =
        runtime === "deno"
          ? await timeProcess(BIN.deno, ["run", "-A", "--quiet", probe, id, FAKE, refreshToken], { cwd: CONSUMER, env: denoEnv() })
          : await timeProcess(process.execPath, [probe, id, FAKE, refreshToken], { cwd: CONSUMER });
      if (res.code !== 0) throw new Error(res.stderr.slice(0, 300));
      if (r >= 0) xs[id].push({ ...JSON.parse(res.stdout), wallMs: res.ms });
    }
  }
  const out = {};
  for (const id of ids) {
    out[id] = {};
    for (const k of ["importMs", "constructMs", "firstCallMs", "secondCallMs", "wallMs"]) out[id][k] = median(xs[id].map((x) => x[k]));
  }
  return out;
}

const CAT = {
  wasm: "our wasm",
  wrappers: "wasm ↔ JS call wrappers (V8, one per crossing)",
  glue: "our JS glue (wasm-bindgen imports, closures, externref table)",
  js: "our JS (entry files, errors.js)",
};

function classifyFrame(frame, floorWasm) {
  const u = frame.url;
  const fn = frame.functionName;
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(idle)") return "idle";
  if (u.startsWith("wasm://") || /^wasm-function|^\$/.test(fn)) {
    if (floorWasm.has(u)) return "undici (fetch)";
    return /^(wasm-to-js|js-to-wasm)/.test(fn) ? CAT.wrappers : CAT.wasm;
  }
  if (u.includes("square_oauth_edge.js")) return CAT.glue;
  if (u.includes("/square-oauth-edge/")) return CAT.js;
  if (u.includes("/oauth4webapi/")) return "oauth4webapi";
  if (u.includes("/peers/")) return "the peer's module (bench/peers: the call, customFetch)";
  if (/abort_controller|domexception|js_transferable|event_target/.test(u) || /^(DOMException|makeTransferable|JSTransferable)$/.test(fn)) return "AbortController / AbortSignal / DOMException";
  if (u.includes("undici") || u.includes("webstreams")) return "undici (fetch)";
  return "Node runtime, other (timers, streams, microtasks, sockets, JSON)";
}

/**
 * A readable name for one of our frames. wasm: `wasm-function[N]` named from the names-kept
 * build of the byte breakdown (the same wasm-opt run as the shipped .wasm, with -g, so the same
 * function indices when it reproduced the .wasm byte for byte). Glue: the wasm-bindgen import a
 * frame sits in (`__wbg_keys → Object.keys(arg0)`), or the helper's own name.
 */
function frameLabel(frame, wasmNames, glueLines) {
  const fn = frame.functionName;
  const m = fn.match(/^wasm-function\[(\d+)\]$/);
  if (m) return wasmNames?.get(Number(m[1])) ?? `${fn} (no name in the names-kept build)`;
  const w = fn.match(/^(wasm-to-js|js-to-wasm):?(.*)$/);
  if (w) return `V8 ${w[1] === "wasm-to-js" ? "wasm-to-JS" : "JS-to-wasm"} wrapper (${w[2] || "no arguments"})`;
  if (!frame.url.includes("square_oauth_edge.js")) return fn || "(anonymous)";
  const line = glueLines?.[frame.lineNumber] ?? "";
  const upto = line.slice(0, frame.columnNumber + 1);
  const keys = [...upto.matchAll(/(__wbg_[A-Za-z0-9_]+?)(?:_[0-9a-f]{16})?:function/g)];
  const key = keys.at(-1);
  // Inside that import's body (no other import starts between its key and the frame)?
  if (key && !upto.slice(key.index + key[0].length).includes(":function(")) {
    if (/^__wbg___wbindgen_/.test(key[1])) return `${key[1]} (wasm-bindgen intrinsic)`;
    // What the import does: the first statement of its innermost function (handleError wraps
    // the fallible ones in a second function).
    const seg = line.slice(key.index + key[0].length, key.index + 600).split(/\},__wbg_/)[0];
    const inner = [...seg.matchAll(/function\([^)]*\)\{/g)].at(-1);
    const body = inner ? seg.slice(inner.index + inner[0].length) : seg.slice(seg.indexOf("{") + 1);
    const what = body
      .split(";")
      .map((x) => x.replace(/^(?:try\{)?(?:return |const |let |var )?(?:\w+=(?!=))?/, "").split("}")[0])
      .find((x) => x && !/^\w+$/.test(x));
    const made = what?.startsWith("{") && seg.match(/new (\w+)\(/); // state for a callback, then `new X(cb)`
    return made ? `${key[1]} → new ${made[1]}(…)` : what ? `${key[1]} → ${what.slice(0, 80)}` : key[1];
  }
  return fn ? `${fn.replace(/__h[0-9a-f]{16}$/, "")} (glue)` : `(anonymous) at square_oauth_edge.js:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
}

const PROFILED = ["raw", "rawTimeout", "ours", "oauth4webapi"];

async function profileCalls(refreshToken) {
  log(`CPU profile, Node: ${N.profileCalls} calls at ${N.inFlight} in flight, ${PROFILED.join(", ")}`);
  const probe = join(CONSUMER, "probe-profile.mjs");
  writeFileSync(
    probe,
    `const [peer, baseUrl, rt, n, warm] = process.argv.slice(2);
const { client } = await import(\`./peers/\${peer}.mjs\`);
const call = client({ baseUrl, clientId: ${JSON.stringify(CLIENT_ID)}, clientSecret: ${JSON.stringify(CLIENT_SECRET)} });
const run = async (count) => { let left = count; await Promise.all(Array.from({ length: ${N.inFlight} }, async () => { while (left-- > 0) if (!/^EAAA/.test(await call(rt))) throw new Error("bad token"); })); };
await run(Number(warm));
const { Session } = await import("node:inspector/promises");
const s = new Session();
s.connect();
await s.post("Profiler.enable");
await s.post("Profiler.setSamplingInterval", { interval: 200 });
await s.post("Profiler.start");
await run(Number(n));
const { profile } = await s.post("Profiler.stop");
(await import("node:fs")).writeFileSync(\`profile-\${peer}.json\`, JSON.stringify(profile));
process.exit(0);
`,
  );
  const load = (id) => JSON.parse(readFileSync(join(CONSUMER, `profile-${id}.json`), "utf8"));
  // Names for our frames: the names-kept .wasm of the byte breakdown, and the packed glue's text.
  let wasmNames = null;
  const named = join(WORK, "artifacts/named.wasm");
  if (results.breakdown && existsSync(named)) wasmNames = parseWasm(readFileSync(named)).names;
  const glueLines = readFileSync(join(PKG_DIR, "square_oauth_edge.js"), "utf8").split("\n");
  const out = {};
  const functions = { namesExact: !!(wasmNames && results.breakdown?.exact), namesFrom: wasmNames ? "names-kept build" : null };
  let floorWasm = new Set();
  for (const id of PROFILED) {
    const res = await timeProcess(process.execPath, [probe, id, FAKE, refreshToken, String(N.profileCalls), String(N.warmup)], { cwd: CONSUMER });
    if (res.code !== 0) {
      if (id === "raw" || id === "ours") throw new Error(res.stderr.slice(0, 300));
      fail("CPU profile", id, res.stderr.slice(0, 300));
      continue;
    }
    const p = load(id);
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    if (id === "raw") floorWasm = new Set(p.nodes.map((n) => n.callFrame.url).filter((u) => u.startsWith("wasm://")));
    const cats = {};
    const own = new Map(); // our frames: label → self µs (ours only)
    p.samples.forEach((sid, k) => {
      const frame = byId.get(sid).callFrame;
      const c = classifyFrame(frame, floorWasm);
      const us = p.timeDeltas[k] ?? 0;
      cats[c] = (cats[c] ?? 0) + us;
      if (id === "ours" && [CAT.wasm, CAT.wrappers, CAT.glue, CAT.js].includes(c)) {
        const key = `${c}\u0000${frameLabel(frame, wasmNames, glueLines)}`;
        own.set(key, (own.get(key) ?? 0) + us);
      }
    });
    delete cats.idle;
    out[id] = Object.fromEntries(Object.entries(cats).map(([c, us]) => [c, us / N.profileCalls]));
    if (id === "ours") {
      const rows = [...own].map(([key, us]) => {
        const [where, name] = key.split("\u0000");
        const group = where !== CAT.wasm ? where : /^wasm-function\[/.test(name) ? "(no name in the names-kept build)" : groupOf(name);
        return { where, name, group, us: us / N.profileCalls };
      });
      functions.rows = rows.sort((a, b) => b.us - a.us);
      const byGroup = new Map();
      for (const r of rows.filter((r) => r.where === CAT.wasm)) byGroup.set(r.group, (byGroup.get(r.group) ?? 0) + r.us);
      functions.wasmByGroup = [...byGroup].map(([group, us]) => ({ group, us })).sort((a, b) => b.us - a.us);
    }
  }
  return { categories: out, functions };
}

// ---------------------------------------------------------------------------------------------
// Warm, in this process (Node): latency and CPU per call, throughput at 32 in flight.

async function warmNode(refreshToken) {
  log(`warm, Node: ${N.warmup} warm-up calls each, ${N.warmRounds}×${N.warmBlock} calls each, throughput ${N.tpRounds}×${N.tpCalls} at ${N.inFlight} in flight`);
  const calls = {};
  for (const p of WARM_PEERS) {
    try {
      const { client } = await import(pathToFileURL(join(CONSUMER, "peers", `${p.id}.mjs`)).href);
      const c = client({ baseUrl: FAKE, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      checkToken(await c(refreshToken), p.id);
      calls[p.id] = c;
    } catch (e) {
      fail("warm Node (load)", p.id, e);
    }
  }
  const ids = WARM_PEERS.map((p) => p.id).filter((id) => calls[id]);
  for (const id of ids) for (let k = 0; k < N.warmup; k++) checkToken(await calls[id](refreshToken), id);

  const lat = Object.fromEntries(ids.map((id) => [id, []]));
  const blockMed = Object.fromEntries(ids.map((id) => [id, []]));
  const blockCpu = Object.fromEntries(ids.map((id) => [id, []]));
  for (let r = 0; r < N.warmRounds; r++) {
    for (const id of rotate(ids, r)) {
      const c = calls[id];
      const xs = new Array(N.warmBlock);
      const cpu0 = process.cpuUsage();
      for (let k = 0; k < N.warmBlock; k++) {
        const t0 = performance.now();
        const tok = await c(refreshToken);
        xs[k] = performance.now() - t0;
        checkToken(tok, id);
      }
      const cpu = process.cpuUsage(cpu0);
      lat[id].push(...xs);
      blockMed[id].push(median(xs));
      blockCpu[id].push((cpu.user + cpu.system) / N.warmBlock);
    }
  }
  const tpOnce = async (c, id) => {
    let left = N.tpCalls;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: N.inFlight }, async () => {
        while (left-- > 0) checkToken(await c(refreshToken), id);
      }),
    );
    return N.tpCalls / ((performance.now() - t0) / 1000);
  };
  for (const id of ids) await tpOnce(calls[id], id); // warm-up at concurrency
  const tp = Object.fromEntries(ids.map((id) => [id, []]));
  for (let r = 0; r < N.tpRounds; r++) for (const id of rotate(ids, r)) tp[id].push(await tpOnce(calls[id], id));

  const out = {};
  for (const id of ids) {
    const paired = (xs) => median(xs[id].map((x, k) => x / xs.raw[k]));
    out[id] = {
      medianUs: median(lat[id]) * 1000,
      latencyRatio: paired(blockMed),
      cpuUs: median(blockCpu[id]),
      cpuRatio: paired(blockCpu),
      callsPerSec: median(tp[id]),
      tpRatio: paired(tp),
      calls: lat[id].length,
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Warm inside workerd: one workerd process with a Worker per peer; each request runs a loop of
// calls; the harness times each request from outside, rounds interleaved.

async function warmWorkerd(refreshToken) {
  log(`warm, workerd: ${N.workerdRounds} requests × ${N.workerdLoop} calls per peer`);
  const ids = WARM_PEERS.map((p) => p.id).filter((id) => results.size.bundles[id]?.edge?.ok);
  const specs = [];
  for (const id of ids) specs.push(workerSpec(id, await freePort()));
  const cfgDir = join(WORK, "workerd");
  const config = writeConfig(cfgDir, specs, { baseUrl: FAKE, refreshToken, token: "" });
  const srv = startGroup(BIN.workerd, ["serve", config], { cwd: cfgDir });
  try {
    const get = async (spec, n) => {
      const t0 = performance.now();
      const res = await httpGet(`http://127.0.0.1:${spec.port}/?n=${n}`);
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)} ${srv.output().slice(0, 300)}`);
      checkToken(res.body, spec.name);
      return ms;
    };
    const deadline = performance.now() + 30000;
    for (const s of specs) {
      for (;;) {
        try {
          await get(s, 1);
          break;
        } catch (e) {
          if (e.code !== "ECONNREFUSED" || performance.now() > deadline) throw new Error(`${s.name}: ${e.message} ${srv.output().slice(0, 300)}`);
          await sleep(20);
        }
      }
    }
    const ok = [];
    for (const s of specs) {
      try {
        await get(s, Math.min(100, N.workerdLoop));
        await get(s, Math.min(100, N.workerdLoop));
        ok.push(s);
      } catch (e) {
        fail("warm workerd (warm-up)", s.name, e);
      }
    }
    const per = Object.fromEntries(ok.map((s) => [s.name, []]));
    for (let r = 0; r < N.workerdRounds; r++) {
      for (const s of rotate(ok, r)) per[s.name].push(((await get(s, N.workerdLoop)) / N.workerdLoop) * 1000);
    }
    const out = {};
    for (const s of ok) {
      out[s.name] = {
        perCallUs: median(per[s.name]),
        ratio: per.raw ? median(per[s.name].map((x, k) => x / per.raw[k])) : NaN,
        n: per[s.name].length,
      };
    }
    return out;
  } finally {
    await srv.stop();
  }
}

// ---------------------------------------------------------------------------------------------

function versions() {
  const v = {};
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "?";
    }
  };
  v.node = process.version;
  v.deno = sh(BIN.deno, ["--version"]).split("\n")[0];
  v.workerd = sh(BIN.workerd, ["--version"]);
  v.esbuild = sh(BIN.esbuild, ["--version"]);
  v.wasmOpt = sh(BIN.wasmOpt, ["--version"]);
  const pv = (dir) => {
    try {
      return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version;
    } catch {
      return "?";
    }
  };
  v.ours = pv(PKG_DIR);
  v.oauth4webapi = pv(join(REPO, "bench/node_modules/oauth4webapi"));
  v.square46 = pv(join(REPO, "bench/node_modules/square"));
  v.square39 = pv(join(REPO, "bench/node_modules/square39"));
  v.commit = sh("git", ["-C", REPO, "rev-parse", "--short=12", "HEAD"]);
  v.dirty = sh("git", ["-C", REPO, "status", "--porcelain", "--untracked-files=no", "--", "src", "Cargo.toml", "Cargo.lock", "pkg-template", "scripts/build-package.sh"]) !== "";
  v.rustc = sh("rustc", ["--version"]);
  v.workerdCompatDate = WORKERD_COMPAT_DATE;
  return v;
}

function machine() {
  const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
  const memKb = Number(readFileSync("/proc/meminfo", "utf8").match(/MemTotal:\s*(\d+)/)?.[1] ?? 0);
  let os = "?";
  try {
    os = readFileSync("/etc/os-release", "utf8").match(/PRETTY_NAME="([^"]*)"/)?.[1] ?? "?";
  } catch {}
  return {
    // `nproc` here would say 1: this harness runs pinned to core 0.
    nproc: execFileSync("nproc", ["--all"], { encoding: "utf8" }).trim(),
    loadStart: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "), cpu, memGiB: (memKb / 1048576).toFixed(1), os, kernel: execFileSync("uname", ["-r"], { encoding: "utf8" }).trim() };
}

async function main() {
  const t0 = performance.now();
  results.machine = machine();
  results.versions = versions();
  const minted = await mintToken();
  const refreshToken = minted.refresh_token;
  const tokenJson = JSON.stringify(minted);
  writeConsumerFiles();
  measureSizes();
  try {
    measureTokens();
  } catch (e) {
    fail("token manager size", "oursTokens", e);
  }
  await instantiateProbe();
  results.cold = {};
  results.cold.node = await coldNode(refreshToken, tokenJson);
  results.cold.deno = await coldDeno(refreshToken, tokenJson);
  const wcold = await coldWorkerd(refreshToken, tokenJson);
  results.cold.workerd = { ...wcold, skip: results.cold.workerd.skip };
  results.warm = await warmNode(refreshToken);
  await memoryProbe(refreshToken);
  try {
    results.phases = await coldPhases(refreshToken, "node");
  } catch (e) {
    fail("cold phases (Node)", "ours", e);
  }
  try {
    results.phasesDeno = await coldPhases(refreshToken, "deno");
  } catch (e) {
    fail("cold phases (Deno)", "ours", e);
  }
  try {
    const { categories, functions } = await profileCalls(refreshToken);
    results.profile = categories;
    results.profileFunctions = functions;
  } catch (e) {
    fail("CPU profile", "ours", e);
  }
  try {
    results.workerdWarm = await warmWorkerd(refreshToken);
  } catch (e) {
    fail("warm workerd", "all", e);
  }
  results.harnessSeconds = (performance.now() - t0) / 1000;
  results.machine.loadEnd = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  results.totalSeconds = process.env.BENCH_T0 ? Date.now() / 1000 - Number(process.env.BENCH_T0) : null;
  writeFileSync(join(WORK, "results.json"), JSON.stringify(results, null, 2));
  writeReport(OUT, results);
  log(`wrote ${OUT} (${results.harnessSeconds.toFixed(0)} s of measuring; raw results in ${join(WORK, "results.json")})`);
  const essential = results.failures.filter((f) => f.peer === "ours" || f.peer === "raw" || f.peer === "all");
  if (essential.length) {
    log("the floor or our package failed a measure; see above");
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
