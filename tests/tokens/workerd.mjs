// workerd for the token-manager proof: bundles the two Worker sources against the built package,
// writes one capnp config (the `store` Worker holding the SquareTokenStore Durable Object on local
// disk, and the front Workers, each its own isolate, binding its namespace), and starts / stops
// workerd in its own process group (spawn `detached` = setsid; stopped by that group's id only).
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, "../..");
const TOOLS_BIN = join(REPO, "tools/node_modules/.bin");
export const WORKERD = join(TOOLS_BIN, "workerd");
const ESBUILD = join(TOOLS_BIN, "esbuild");
export const COMPATIBILITY_DATE = "2025-09-01";
// The built package (make package); SQUARE_OAUTH_EDGE_PKG points the suite at another copy.
export const PKG = resolve(process.env.SQUARE_OAUTH_EDGE_PKG || join(REPO, "pkg"));
const UNIQUE_KEY = "square-oauth-edge-tokens-test";

const capnp = (s) => JSON.stringify(String(s)); // every value here is ASCII

// ---- process groups we started: stopped on exit, by id ------------------------------------------
const groups = new Set();
process.on("exit", () => {
  for (const g of groups) {
    try {
      process.kill(-g, "SIGKILL");
    } catch {}
  }
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => process.exit(130));
}

/** run.sh stops the groups listed in $WORK/pgids if this process dies without its exit handler. */
function recordGroups() {
  if (process.env.WORK) writeFileSync(join(process.env.WORK, "pgids"), [...groups].map((g) => `${g}\n`).join(""));
}

function runTool(cmd, args, cwd) {
  return new Promise((resolveP, reject) => {
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    groups.add(child.pid);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", (e) => (groups.delete(child.pid), reject(e)));
    child.on("close", (code) => {
      groups.delete(child.pid);
      if (code === 0) resolveP(out);
      else reject(new Error(`${cmd} ${args.join(" ")} failed (${code}):\n${out}`));
    });
  });
}

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

/**
 * Bundles worker/front.mjs and worker/store.mjs into `dir`/dist the way a Worker is bundled
 * (esbuild, the package's `workerd` export condition, the .wasm left as a module import) and
 * copies each .wasm the bundles import next to them, under the name the import resolves to. The
 * package is found by its name through dir/node_modules, a link to the repo's pkg/. Returns
 * { dist, wasm: { "front.js": [module names], "store.js": [...] } }.
 */
export async function bundle(dir) {
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(PKG, join(dir, "node_modules/square-oauth-edge"), "dir");
  mkdirSync(join(dir, "src"), { recursive: true });
  for (const f of ["front.mjs", "store.mjs"]) copyFileSync(join(HERE, "worker", f), join(dir, "src", f));
  await runTool(
    ESBUILD,
    [
      "src/front.mjs",
      "src/store.mjs",
      "--bundle",
      "--format=esm",
      "--platform=neutral",
      "--conditions=workerd,worker",
      "--external:*.wasm",
      "--log-level=warning",
      "--outdir=dist",
      "--out-extension:.js=.js",
      "--metafile=meta.json",
    ],
    dir,
  );
  // The bundles keep each `import … from "./<name>.wasm"` as written in the package file that
  // made it; workerd resolves it against the main module's name (front.js / store.js, at the
  // root). Which package file it came from, and so which .wasm it is, is in esbuild's metafile.
  const meta = JSON.parse(readFileSync(join(dir, "meta.json"), "utf8"));
  const files = new Map(); // module name → file
  for (const [input, { imports }] of Object.entries(meta.inputs)) {
    for (const imp of imports) {
      if (!imp.external || !imp.path.endsWith(".wasm")) continue;
      const name = new URL(imp.path, "file:///main.js").pathname.slice(1);
      const file = resolve(dir, dirname(input), imp.path);
      if (files.has(name) && files.get(name) !== file) {
        throw new Error(`two different .wasm files are both imported as ${name}: ${files.get(name)} and ${file}`);
      }
      files.set(name, file);
    }
  }
  const wasm = {};
  for (const [output, { imports }] of Object.entries(meta.outputs)) {
    const names = imports.filter((i) => i.external && i.path.endsWith(".wasm")).map((i) => new URL(i.path, "file:///main.js").pathname.slice(1));
    wasm[output.replace(/^dist\//, "")] = [...new Set(names)];
  }
  for (const [name, file] of files) copyFileSync(file, join(dir, "dist", name));
  return { dist: join(dir, "dist"), wasm };
}

/**
 * The capnp config. `fronts`: [{ name, port, bindings: {NAME: text} }]; every front also gets
 * SQUARE_TOKENS, the namespace of the `store` Worker's SquareTokenStore class. `wasm`: the .wasm
 * module names each main module imports (from bundle()).
 */
export function configText({ fronts, storageDir, wasm }) {
  const modules = (main) => `[
    (name = ${capnp(main)}, esModule = embed ${capnp(main)}),
${wasm[main].map((f) => `    (name = ${capnp(f)}, wasm = embed ${capnp(f)}),`).join("\n")}
  ]`;
  const ident = (name) => name.replace(/-(.)/g, (_, c) => c.toUpperCase());
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "store", worker = .store),
${fronts.map((f) => `    (name = ${capnp(f.name)}, worker = .${ident(f.name)}),`).join("\n")}
    (name = "do-disk", disk = (path = ${capnp(storageDir)}, writable = true)),
    # workerd refuses fetch() to loopback addresses unless the outbound network allows them.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
${fronts.map((f) => `    (name = ${capnp(f.name)}, address = ${capnp(`127.0.0.1:${f.port}`)}, http = (), service = ${capnp(f.name)}),`).join("\n")}
  ],
);

const store :Workerd.Worker = (
  modules = ${modules("store.js")},
  compatibilityDate = ${capnp(COMPATIBILITY_DATE)},
  durableObjectNamespaces = [ (className = "SquareTokenStore", uniqueKey = ${capnp(UNIQUE_KEY)}) ],
  durableObjectStorage = (localDisk = "do-disk"),
  globalOutbound = "internet",
);
${fronts
  .map(
    (f) => `
const ${ident(f.name)} :Workerd.Worker = (
  modules = ${modules("front.js")},
  compatibilityDate = ${capnp(COMPATIBILITY_DATE)},
  bindings = [
${Object.entries(f.bindings)
  .map(([k, v]) => `    (name = ${capnp(k)}, text = ${capnp(v)}),`)
  .join("\n")}
    (name = "SQUARE_TOKENS", durableObjectNamespace = (className = "SquareTokenStore", serviceName = "store")),
  ],
  globalOutbound = "internet",
);
`,
  )
  .join("")}`;
}

/**
 * Starts workerd over the bundles of bundle() (`built`; config.capnp is written next to them) with
 * these fronts (ports chosen here; the same ports are
 * tried first on a restart), and waits until every front answers /health. Returns
 * { urls: {front name: base URL}, pgid, log(), kill(signal), stopped }.
 */
export async function startWorkerd({ built, fronts, storageDir, previousPorts }) {
  const { dist: dir, wasm } = built;
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const withPorts = [];
    for (const f of fronts) {
      const port = attempt === 1 && previousPorts?.[f.name] ? previousPorts[f.name] : await freePort();
      withPorts.push({ ...f, port });
    }
    writeFileSync(join(dir, "config.capnp"), configText({ fronts: withPorts, storageDir, wasm }));
    const child = spawn(WORKERD, ["serve", "config.capnp", "--verbose"], {
      cwd: dir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pgid = child.pid;
    groups.add(pgid);
    recordGroups();
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const stopped = new Promise((r) =>
      child.once("exit", (code, signal) => {
        groups.delete(pgid);
        recordGroups();
        r({ code, signal });
      }),
    );
    let exited = false;
    stopped.then(() => (exited = true));
    const handle = {
      pgid,
      log: () => out,
      stopped,
      ports: Object.fromEntries(withPorts.map((f) => [f.name, f.port])),
      urls: Object.fromEntries(withPorts.map((f) => [f.name, `http://127.0.0.1:${f.port}`])),
      /** Signals the whole process group and waits for workerd to exit. */
      async kill(signal = "SIGTERM") {
        if (!exited) {
          try {
            process.kill(-pgid, signal);
          } catch {}
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-pgid, "SIGKILL");
          } catch {}
        }, 5000);
        await stopped;
        clearTimeout(timer);
      },
    };
    const deadline = Date.now() + 20000;
    const pending = new Set(withPorts.map((f) => f.name));
    while (pending.size && !exited && Date.now() < deadline) {
      for (const name of [...pending]) {
        try {
          const r = await fetch(`${handle.urls[name]}/health`);
          const body = await r.json();
          if (body.ok === name) pending.delete(name);
        } catch {}
      }
      if (pending.size) await new Promise((r) => setTimeout(r, 100));
    }
    if (!pending.size) return handle;
    lastError = new Error(`workerd did not serve ${[...pending].join(", ")} (attempt ${attempt}):\n${out}`);
    await handle.kill("SIGKILL");
    if (!/Address already in use|EADDRINUSE/i.test(out)) break;
  }
  throw lastError;
}
