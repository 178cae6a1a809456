// Runtime matrix: headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), a
// page importing the packed package by its name (both entries, "square-oauth-edge" and
// "square-oauth-edge/tokens", each with its own .wasm of the same file name), three ways:
//   - vite:     the consumer project built by `vite build` (the `browser` condition; Vite turns the
//               entry's `new URL("…_bg.wasm", import.meta.url)` into an emitted asset);
//   - vite-dev: the same project (no vite.config, so no optimizeDeps setting) served by Vite's dev
//               server, which pre-bundles the package into node_modules/.vite/deps on first load
//               and must still serve the .wasm that the entry's `new URL(…)` points to;
//   - plain:    no bundler, `<script type="module">` with an import map to the installed package's
//               browser.js, its files served as they are.
// A tiny node:http static server serves the vite and plain pages on their own loopback port (Vite's
// dev server serves its own); the fake Square is another origin, so every call is a real
// cross-origin fetch (the fake answers CORS preflights).
import { copyFileSync, createReadStream, mkdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { CLIENT_ID, CLIENT_SECRET, HERE, TOOLS_MODULES, freePort, main, makeConsumer, must, packageWasmFiles, report, startFake, startServer } from "./lib.mjs";

const CHROMIUM = "/usr/bin/chromium";
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".map": "application/json" };

function serveStatic(root, served) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    served.push(path);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    let ok = file.startsWith(root + sep);
    try {
      ok = ok && statSync(file).isFile();
    } catch {
      ok = false;
    }
    if (!ok) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const variant = process.argv[2];
if (!["vite", "vite-dev", "plain"].includes(variant)) throw new Error("usage: rt-chromium.mjs vite|vite-dev|plain");
const RUNTIME = `chromium-${variant}`;

await main(RUNTIME, async () => {
  const dir = await makeConsumer(RUNTIME);
  for (const f of ["main.js", "index.html", "plain.html"]) copyFileSync(join(HERE, "consumers/browser", f), join(dir, f));
  let root = dir;
  let page = "plain.html";
  let extra = "";
  const viteVersion = () => JSON.parse(readFileSync(join(TOOLS_MODULES, "vite/package.json"), "utf8")).version;
  let origin;
  let viteDev;
  if (variant === "vite-dev") {
    // `vite` with no config: the dev server, on a port of its own (--strictPort: that one or fail).
    for (let attempt = 1; !viteDev; attempt++) {
      const port = await freePort();
      try {
        viteDev = await startServer(
          process.execPath,
          [join(TOOLS_MODULES, "vite/bin/vite.js"), "--host", "127.0.0.1", "--port", String(port), "--strictPort", "--clearScreen", "false"],
          { cwd: dir, env: { NO_COLOR: "1", BROWSER: "none" }, ready: (out) => out.includes(`http://127.0.0.1:${port}/`), timeoutMs: 60000 },
        );
        origin = `http://127.0.0.1:${port}`;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    page = "index.html";
    extra = `, vite ${viteVersion()} dev server`;
  } else if (variant === "vite") {
    const r = await must(process.execPath, [join(TOOLS_MODULES, "vite/bin/vite.js"), "build", "--logLevel", "warn", "--outDir", "dist"], {
      cwd: dir,
      env: { NO_COLOR: "1" },
      timeoutMs: 120000,
    });
    root = join(dir, "dist");
    page = "index.html";
    extra = `, vite ${viteVersion()}`;
    if (r.stderr.trim()) console.error(r.stderr.trim());
  }
  const { chromium } = await import(join(TOOLS_MODULES, "playwright-core/index.mjs"));
  const fake = await startFake();
  const served = [];
  const server = variant === "vite-dev" ? undefined : await serveStatic(root, served);
  origin ??= `http://127.0.0.1:${server.address().port}`;
  const profile = join(dir, ".chromium-profile");
  mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const version = context.browser()?.version() ?? (await (await context.newCDPSession(await context.newPage())).send("Browser.getVersion")).product;
    const tab = context.pages()[0] ?? (await context.newPage());
    const log = [];
    tab.on("console", (m) => m.type() === "error" && log.push(`console: ${m.text()}`));
    tab.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    tab.on("requestfailed", (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
    // What the page fetched from its own origin, with the status and type (the dev server answers
    // a missing file with index.html, so a .wasm URL must come back as application/wasm).
    const fetched = [];
    tab.on("response", (r) => {
      const u = new URL(r.url());
      if (u.origin === origin) fetched.push({ path: u.pathname, status: r.status(), type: r.headers()["content-type"] ?? "" });
    });
    const q = new URLSearchParams({ fake: fake.url, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const url = `${origin}/${page}?${q}`;
    await tab.goto(url, { waitUntil: "load", timeout: 30000 });
    await tab.waitForFunction(() => window.__scenario !== undefined, null, { timeout: 30000 }).catch(() => {
      throw new Error(`the page never started the scenario:\n${log.join("\n")}`);
    });
    const out = await tab.evaluate(() => window.__scenario);
    if (out.error) throw new Error(`${out.error}\n${log.join("\n")}`);
    // Each entry's .wasm must have come from the installed package (plain, and Vite's dev server,
    // which serves it from node_modules under its /node_modules/ or /@fs/ paths) or from Vite's
    // emitted assets (build: two assets, the two files' hashes apart).
    const loaded = (re) => fetched.filter((f) => re.test(f.path) && f.status === 200 && f.type.startsWith("application/wasm"));
    const listing = () => fetched.map((f) => `${f.path} ${f.status} ${f.type}`).join(", ");
    const wasmFiles = packageWasmFiles(dir);
    const escape = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (variant === "vite") {
      // Vite names an asset <name>-<hash>.<ext>: one per file, the hashes apart.
      const names = [...new Set(wasmFiles.map((f) => f.split("/").pop().replace(/\.wasm$/, "")))];
      const asset = new RegExp(`^/assets/(${names.map(escape).join("|")})-[\\w-]+\\.wasm$`);
      const assets = [...new Set(loaded(asset).map((f) => f.path))];
      if (assets.length !== wasmFiles.length) throw new Error(`expected the page to load ${wasmFiles.length} .wasm assets (one per entry, ${asset}); fetched: ${listing()}`);
      for (const a of assets) if (!served.includes(a)) throw new Error(`the server did not serve ${a}; served: ${served.join(", ")}`);
    } else {
      const prefix = variant === "plain" ? "^" : "";
      for (const file of wasmFiles) {
        const re = new RegExp(`${prefix}/node_modules/square-oauth-edge/${escape(file)}$`);
        if (loaded(re).length === 0) throw new Error(`the page did not load the package's ${file} (${re}); fetched: ${listing()}`);
        if (variant === "plain" && !served.some((p) => re.test(p))) throw new Error(`the server did not serve ${file}; served: ${served.join(", ")}`);
      }
    }
    // With no optimizeDeps setting, the dev server must have pre-bundled both entries: the case
    // where a pre-bundled entry could lose its .wasm URL (or take the other entry's).
    if (variant === "vite-dev") {
      for (const dep of ["square-oauth-edge", "square-oauth-edge_tokens"]) {
        if (!fetched.some((f) => f.path === `/node_modules/.vite/deps/${dep}.js` && f.status === 200)) {
          throw new Error(`the dev server did not pre-bundle ${dep}; fetched: ${fetched.map((f) => f.path).join(", ")}`);
        }
      }
    }
    report(RUNTIME, `chromium ${version.replace(/^HeadlessChrome\//, "")}${extra}`, out.result);
  } finally {
    await context.close();
    server?.close();
    await viteDev?.stop();
    await fake.close();
  }
});
