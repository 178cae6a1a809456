// Helpers shared by the runtime drivers (tests/runtimes/rt-*.mjs), which run in the repo's Node.
// The drivers are started by run.sh with these environment variables:
//   TARBALL   the packed package (npm pack of pkg/), outside the repo
//   WORK      a temporary folder outside the repo, where consumer projects are created
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeSquare } from "../fake-square/server.mjs";
import { CALLS } from "./scenario.mjs";
import { TOKENS_CALLS } from "./tokens-scenario.mjs";

/** Every row runs both scenarios: the main entry's calls, then the tokens entry's. */
export const ROW_CALLS = [...CALLS, ...TOKENS_CALLS];

export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, "../..");
export const TOOLS_BIN = join(REPO, "tools/node_modules/.bin");
export const TOOLS_MODULES = join(REPO, "tools/node_modules");
export const CLIENT_ID = "sq0idp-fake-application-id";
export const CLIENT_SECRET = "sq0csp-fake-application-secret";

export function env(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run tests/runtimes/run.sh)`);
  return v;
}

// ---- background processes: each in its own process group, killed by that group's id ----------
const groups = new Set();

function killGroups() {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, "SIGTERM");
    } catch {}
  }
  groups.clear();
}
process.on("exit", killGroups);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    killGroups();
    process.exit(130);
  });
}

/**
 * Starts a server in its own process group (spawn's `detached` calls setsid) and resolves once
 * `ready(outputSoFar)` is true. Returns { pgid, output(), stop() }.
 */
export function startServer(cmd, args, { cwd, env: extraEnv, ready, timeoutMs = 20000 } = {}) {
  return new Promise((resolveP, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...extraEnv },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pgid = child.pid;
    groups.add(pgid);
    let out = "";
    let done = false;
    const stop = async () => {
      if (!groups.has(pgid)) return;
      groups.delete(pgid);
      try {
        process.kill(-pgid, "SIGTERM");
      } catch {}
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
    };
    const handle = { pgid, output: () => out, stop };
    const check = () => {
      if (!done && ready(out)) {
        done = true;
        clearTimeout(timer);
        resolveP(handle);
      }
    };
    child.stdout.on("data", (d) => ((out += d), check()));
    child.stderr.on("data", (d) => ((out += d), check()));
    child.once("spawn", check);
    child.on("error", (e) => {
      if (!done) (done = true), clearTimeout(timer), reject(e);
    });
    child.on("exit", (code, signal) => {
      groups.delete(pgid);
      if (!done) {
        done = true;
        clearTimeout(timer);
        reject(new Error(`${cmd} exited (${code ?? signal}) before it was ready:\n${out}`));
      }
    });
    const timer = setTimeout(() => {
      if (!done) {
        done = true;
        stop();
        reject(new Error(`${cmd} not ready after ${timeoutMs} ms:\n${out}`));
      }
    }, timeoutMs);
  });
}

/** Runs a command to completion (asynchronously, so an in-process fake keeps serving). */
export function run(cmd, args, { cwd, env: extraEnv, timeoutMs = 300000 } = {}) {
  return new Promise((resolveP, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...extraEnv }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    groups.add(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, timeoutMs);
    child.on("error", (e) => (clearTimeout(timer), groups.delete(child.pid), reject(e)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      groups.delete(child.pid);
      resolveP({ code, signal, stdout, stderr });
    });
  });
}

/** Like run(), but throws with the output when the command fails. */
export async function must(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.code ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r;
}

/** A TCP port that was free a moment ago (for servers that cannot report the port they bound). */
export function freePort() {
  return new Promise((resolveP, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolveP(port));
    });
  });
}

// ---- the fake Square, in this process -----------------------------------------------------------
export function startFake() {
  return startFakeSquare({ host: "127.0.0.1", port: 0 });
}

// ---- consumer projects ----------------------------------------------------------------------------
/** The scenario files every consumer imports (next to it, or one folder up for a Vercel function). */
export const SCENARIO_FILES = ["scenario.mjs", "tokens-scenario.mjs"];

/**
 * Creates $WORK/<name>, a fresh consumer project outside the repo, and installs the tarball into
 * it with npm (offline: the package has no dependencies). Copies the shared scenarios next to it
 * (scenario.mjs, the main entry's; tokens-scenario.mjs, the "square-oauth-edge/tokens" entry's).
 */
export async function makeConsumer(name, { type = "module", extra = {} } = {}) {
  const dir = join(env("WORK"), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${name}`, private: true, type, ...extra }, null, 2));
  await must("npm", ["install", env("TARBALL"), "--no-audit", "--no-fund", "--offline", "--loglevel=error"], { cwd: dir });
  for (const f of SCENARIO_FILES) copyFileSync(join(HERE, f), join(dir, f));
  return dir;
}

/**
 * The .wasm files of the package installed in a consumer project, as paths inside the package
 * (its `files` list: "square_oauth_edge_bg.wasm", "tokens/square_oauth_edge_bg.wasm"), main entry's
 * first. The rows check that every one of them reached the runtime, whatever their names.
 */
export function packageWasmFiles(consumerDir) {
  const manifest = JSON.parse(readFileSync(join(consumerDir, "node_modules/square-oauth-edge/package.json"), "utf8"));
  const wasm = manifest.files.filter((f) => f.endsWith(".wasm")).sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
  if (wasm.length !== 2) throw new Error(`expected two .wasm files in the package (one per entry), its files list has: ${wasm.join(", ")}`);
  return wasm;
}

// ---- reporting ----------------------------------------------------------------------------------
/**
 * Prints the runtime's one result line (and each failed call below it, then each `cause:` the
 * driver found for failures, then each observation, a `note:` that is no failure) and sets the
 * exit code. `result` is the row's combined result (the main scenario's calls and the tokens
 * scenario's, see tokens-scenario.mjs combine()), or an Error when the runtime could not run it.
 */
export function report(runtime, version, result, { causes = [] } = {}) {
  if (result instanceof Error || !result || typeof result.passed !== "number") {
    const msg = result instanceof Error ? result.stack || result.message : JSON.stringify(result);
    console.log(`FAIL ${runtime} (${version}): 0 calls passed: did not run`);
    console.log(indent(msg));
    for (const c of causes) console.log(indent(`cause: ${c}`));
    process.exitCode = 1;
    return;
  }
  // A row that ran fewer (or other) calls than both scenarios have fails, even if all it ran passed.
  const complete = result.total === ROW_CALLS.length && result.calls.every((c, i) => c.name === ROW_CALLS[i]);
  const ok = complete && result.failed === 0 && result.passed === result.total && result.calls.length === result.total;
  console.log(`${ok ? "PASS" : "FAIL"} ${runtime} (${version}): ${result.passed}/${result.total} calls passed`);
  for (const c of result.calls) if (!c.ok) console.log(indent(`✗ ${c.name}: ${c.error}`));
  if (!complete) console.log(indent(`✗ expected the ${ROW_CALLS.length} calls of scenario.mjs and tokens-scenario.mjs, the row ran: ${result.calls.map((c) => c.name).join(" | ")}`));
  for (const c of causes) console.log(indent(`cause: ${c}`));
  for (const n of result.notes ?? []) console.log(indent(`note: ${n}`));
  if (!ok) process.exitCode = 1;
}

function indent(s) {
  return String(s)
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

/** Runs a driver's main function, reporting an unexpected failure as a failed runtime. */
export async function main(runtime, fn) {
  try {
    await fn();
  } catch (e) {
    // An error from another realm (a vm context, a page) is no `instanceof Error` here.
    report(runtime, "?", e instanceof Error ? e : new Error(String(e?.stack ?? e)));
  } finally {
    killGroups();
  }
}
