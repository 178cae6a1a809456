// Runtime matrix: headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), a
// page importing the packed package by its name, two ways:
//   - vite:  the consumer project built by `vite build` (the `browser` condition; Vite turns the
//            entry's `new URL("…_bg.wasm", import.meta.url)` into an emitted asset);
//   - plain: no bundler, `<script type="module">` with an import map to the installed package's
//            browser.js, its files served as they are.
// A tiny node:http static server serves each page on its own loopback port; the fake Square is
// another origin, so every call is a real cross-origin fetch (the fake answers CORS preflights).
import { copyFileSync, createReadStream, mkdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { CLIENT_ID, CLIENT_SECRET, HERE, TOOLS_MODULES, main, makeConsumer, must, report, startFake } from "./lib.mjs";

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
if (!["vite", "plain"].includes(variant)) throw new Error("usage: rt-chromium.mjs vite|plain");
const RUNTIME = `chromium-${variant}`;

await main(RUNTIME, async () => {
  const dir = await makeConsumer(RUNTIME);
  for (const f of ["main.js", "index.html", "plain.html"]) copyFileSync(join(HERE, "consumers/browser", f), join(dir, f));
  let root = dir;
  let page = "plain.html";
  let extra = "";
  if (variant === "vite") {
    const r = await must(process.execPath, [join(TOOLS_MODULES, "vite/bin/vite.js"), "build", "--logLevel", "warn", "--outDir", "dist"], {
      cwd: dir,
      env: { NO_COLOR: "1" },
      timeoutMs: 120000,
    });
    root = join(dir, "dist");
    page = "index.html";
    const { version } = JSON.parse(readFileSync(join(TOOLS_MODULES, "vite/package.json"), "utf8"));
    extra = `, vite ${version}`;
    if (r.stderr.trim()) console.error(r.stderr.trim());
  }
  const { chromium } = await import(join(TOOLS_MODULES, "playwright-core/index.mjs"));
  const fake = await startFake();
  const served = [];
  const server = await serveStatic(root, served);
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
    const q = new URLSearchParams({ fake: fake.url, client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const url = `http://127.0.0.1:${server.address().port}/${page}?${q}`;
    await tab.goto(url, { waitUntil: "load", timeout: 30000 });
    await tab.waitForFunction(() => window.__scenario !== undefined, null, { timeout: 30000 }).catch(() => {
      throw new Error(`the page never started the scenario:\n${log.join("\n")}`);
    });
    const out = await tab.evaluate(() => window.__scenario);
    if (out.error) throw new Error(`${out.error}\n${log.join("\n")}`);
    // The .wasm must have come from the installed package (plain) or from Vite's emitted asset.
    const wasmPath = variant === "plain" ? /^\/node_modules\/square-oauth-edge\/square_oauth_edge_bg\.wasm$/ : /^\/assets\/square_oauth_edge_bg-[\w-]+\.wasm$/;
    if (!served.some((p) => wasmPath.test(p))) throw new Error(`the page did not load the .wasm (${wasmPath}); served: ${served.join(", ")}`);
    report(RUNTIME, `chromium ${version.replace(/^HeadlessChrome\//, "")}${extra}`, out.result);
  } finally {
    await context.close();
    server.close();
    await fake.close();
  }
});
