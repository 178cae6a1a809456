// The token manager (issue 13) proven in workerd against the fake Square: one workerd process
// with the `store` Worker (the package's SquareTokenStore Durable Object, on local disk) and
// front Workers in separate isolates that bind its namespace (worker/front.mjs). The fake Square
// runs in this process, so its stats, recorded requests and queue are read directly.
//
// Each check prints `ok - …` or `not ok - …`; the last line is `tokens: N passed, M failed`, and
// the exit code is non-zero on any failure. Started by run.sh (env WORK: a temporary folder).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startFakeSquare, DEFAULT_APP } from "../fake-square/server.mjs";
import { PKG, REPO, WORKERD, bundle, startWorkerd } from "./workerd.mjs";

const { OAuthClient } = await import(pathToFileURL(join(PKG, "node.js")).href);

const WORK = process.env.WORK;
if (!WORK) throw new Error("WORK is not set (run tests/tokens/run.sh)");

const CLIENT_ID = DEFAULT_APP.client_id;
const CLIENT_SECRET = DEFAULT_APP.client_secret;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const PER_FRONT = 100; // 100 callers in front-a + 100 in front-b = 200 at once

// The fronts' OAuthClient: one attempt (maxRetries 0), TIMEOUT_MS each. A failing refresh is
// held by the fake for SLOW_FAILURE_MS so that all 200 callers are waiting on that one refresh
// when it fails (otherwise late callers would start a second, successful one and the check would
// depend on timing). A "timed out" refresh is held for HUNG_MS, far beyond TIMEOUT_MS.
const TIMEOUT_MS = 1500;
const SLOW_FAILURE_MS = 700;
const HUNG_MS = TIMEOUT_MS + 6000;
// A caller may take TIMEOUT_MS for the refresh it waits on, plus its trip to the Durable Object
// and back (loopback, a few ms), the queueing of 100 concurrent calls per isolate and of 200 in
// the one object, and the wasm, about 2x slower in workerd than in Node. Measured here: 50-70 ms
// on top of TIMEOUT_MS for the slowest of the 200. The margin is 20x that, for a busy 2-core CI
// machine (the README saw builds take 2.5x longer there), and still far below HUNG_MS: a caller
// that waited for the held answer instead of its own time limit fails the check.
const MARGIN_MS = 1500;
const TEARDOWN_HOLD_MS = 8000; // the refresh in flight when workerd is killed

// Keys: base64 of 32 random bytes. The rotated front gets its new key url-safe and unpadded (the
// spec accepts both spellings) and the old one as previousEncryptionKey.
const KEY = randomBytes(32).toString("base64");
const WRONG_KEY = randomBytes(32).toString("base64");
const NEW_KEY_BYTES = randomBytes(32);
const NEW_KEY = NEW_KEY_BYTES.toString("base64url");
const SIGNATURE_KEY = randomBytes(24).toString("base64url");
const NOTIFICATION_URL = "https://tokens.example.test/square/webhooks";

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const startedAt = performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- checks ---------------------------------------------------------------------------------------
let passed = 0;
let failed = 0;
const excerpt = (e) => String(e?.stack ?? e).split("\n").slice(0, 8).join("\n  ");
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${excerpt(e)}`);
  }
}
const info = (line) => console.log(`   ${line}`);

// ---- the fake Square and the package in this process (to obtain real tokens) ------------------
const fake = await startFakeSquare({ host: "127.0.0.1", port: 0 });
const oauth = new OAuthClient({ baseUrl: fake.url });
const knownRefreshTokens = new Set();

async function pkceToken(merchant_id) {
  const code_verifier = randomBytes(32).toString("base64url");
  const code_challenge = createHash("sha256").update(code_verifier).digest("base64url");
  const { code } = fake.issueCode({ code_challenge, merchant_id });
  const t = await oauth.obtainToken({ client_id: CLIENT_ID, grant_type: "authorization_code", code, code_verifier });
  assert.ok(t.refresh_token_expires_at, "a PKCE token response has refresh_token_expires_at");
  knownRefreshTokens.add(t.refresh_token);
  return t;
}
async function codeToken(merchant_id) {
  const { code } = fake.issueCode({ merchant_id });
  const t = await oauth.obtainToken({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: "authorization_code", code });
  knownRefreshTokens.add(t.refresh_token);
  return t;
}
/** The token response as stored by save(), with the expiry the manager will trust. */
const due = (t) => ({ ...t, expires_at: iso(Date.now() + DAY) }); // due: 1 day left (< 23)
const expired = (t) => ({ ...t, expires_at: iso(Date.now() - HOUR) });

const refreshRequests = () => fake.requests.filter((r) => r.path === "/oauth2/token" && r.json?.grant_type === "refresh_token");
const sentCount = (refreshToken) => refreshRequests().filter((r) => r.json.refresh_token === refreshToken).length;
const delta = (before) => {
  const now = fake.stats();
  return Object.fromEntries(Object.keys(now).map((k) => [k, now[k] - before[k]]));
};
async function statusOf(accessToken) {
  const r = await fetch(`${fake.url}/oauth2/token/status`, { method: "POST", headers: { authorization: `Bearer ${accessToken}` } });
  return { status: r.status, json: await r.json() };
}

// ---- workerd ---------------------------------------------------------------------------------------
const common = {
  FAKE_URL: fake.url,
  CLIENT_ID,
  CLIENT_SECRET,
  TIMEOUT_MS: String(TIMEOUT_MS),
  MAX_RETRIES: "0",
  SIGNATURE_KEY,
  NOTIFICATION_URL,
};
const FRONTS = [
  { name: "front-a", bindings: { FRONT: "front-a", ...common, TOKEN_KEY: KEY } },
  { name: "front-b", bindings: { FRONT: "front-b", ...common, TOKEN_KEY: KEY } },
  { name: "front-wrong-key", bindings: { FRONT: "front-wrong-key", ...common, TOKEN_KEY: WRONG_KEY } },
  { name: "front-rotated", bindings: { FRONT: "front-rotated", ...common, TOKEN_KEY: NEW_KEY, PREVIOUS_TOKEN_KEY: KEY } },
  // The right key, the wrong application secret (say, rotated in the Developer Console).
  { name: "front-bad-secret", bindings: { FRONT: "front-bad-secret", ...common, CLIENT_SECRET: "sq0csp-not-the-secret", TOKEN_KEY: KEY } },
];
const built = await bundle(join(WORK, "build"));
const storageDir = join(WORK, "do-storage");
mkdirSync(storageDir, { recursive: true });
let workerd = await startWorkerd({ built, fronts: FRONTS, storageDir });
const logs = []; // workerd's output of every run, for the secrets check
const version = execFileSync(WORKERD, ["--version"], { encoding: "utf8" }).trim();
console.log(`[tokens] ${version} serving ${Object.entries(workerd.urls).map(([k, v]) => `${k} ${v}`).join(", ")}; fake Square ${fake.url}`);

// Every answer the driver sees from a front, for the secrets check at the end.
const answers = [];
async function call(front, path, { method = "GET", body, headers = {} } = {}) {
  const res = await fetch(`${workerd.urls[front]}${path}`, { method, body, headers });
  const text = await res.text();
  answers.push(`${front} ${path} ${res.status} ${text}`);
  assert.equal(res.status, 200, `${front} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text);
}
const save = (front, app, tokenResponse) =>
  call(front, `/save?app=${app}`, { method: "POST", body: JSON.stringify(tokenResponse), headers: { "content-type": "application/json" } });
const access = (front, app, merchant) => call(front, `/access?app=${app}&merchant=${encodeURIComponent(merchant)}`);
/** An answer for a message: a token shows its last 6 characters only. */
const show = (r) => JSON.stringify(r, (k, v) => (k === "ok" && typeof v === "string" && v.length > 20 ? `…${v.slice(-6)}` : v));
const okValue = (r) => {
  assert.ok(r && "ok" in r, `expected {ok}, got ${show(r)}`);
  return r.ok;
};
const errorCode = (r) => {
  assert.ok(r?.error, `expected {error}, got ${show(r)}`);
  assert.equal(r.error.squareError, true, `not a SquareError: ${JSON.stringify(r.error)}`);
  assert.equal(typeof r.error.code, "string");
  return r.error.code;
};
async function saved(front, app, tokenResponse) {
  const r = await save(front, app, tokenResponse);
  assert.equal(okValue(r), tokenResponse.merchant_id);
}

/** 100 concurrent accessToken calls inside front-a's isolate and 100 inside front-b's, all at once. */
async function burst(app, merchant, fronts = ["front-a", "front-b"]) {
  const t0 = performance.now();
  const per = await Promise.all(
    fronts.map(async (f) => {
      const t = performance.now();
      const r = await call(f, `/burst?app=${app}&merchant=${encodeURIComponent(merchant)}&n=${PER_FRONT}`);
      return { front: f, results: r.results, isolateMs: r.ms, wallMs: performance.now() - t };
    }),
  );
  return { per, results: per.flatMap((p) => p.results), wallMs: performance.now() - t0 };
}
const summary = (results) => {
  const counts = new Map();
  for (const r of results) {
    const k = "ok" in r ? `ok:${String(r.ok).slice(-6)}` : `error:${r.error?.code}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n}× ${k}`).join(", ");
};

// ---- the proof ---------------------------------------------------------------------------------------

// 1. 200 concurrent callers, one refresh -------------------------------------------------------------
async function concurrentRefresh(kind) {
  const app = kind === "PKCE" ? "pkce" : "code";
  const M = kind === "PKCE" ? "MLTOKPKCEBURST01" : "MLTOKCODEBURST01";
  const t = kind === "PKCE" ? await pkceToken(M) : await codeToken(M);
  await saved("front-a", app, due(t));
  const before = fake.stats();
  const b = await burst(app, M);
  info(`${kind}: ${summary(b.results)}; ${b.wallMs.toFixed(0)} ms for all 200`);
  const d = delta(before);
  assert.equal(b.results.length, 2 * PER_FRONT);
  const tokens = new Set(b.results.map(okValue));
  assert.equal(tokens.size, 1, `every caller gets the same token, got ${tokens.size} different`);
  const [fresh] = tokens;
  assert.notEqual(fresh, t.access_token, "the token is the refreshed one, not the old one");
  assert.equal(d.refresh_requests, 1, "exactly one refresh request reached the fake");
  assert.equal(d.refresh_successes, 1);
  assert.equal(sentCount(t.refresh_token), 1, "the old refresh token was sent once");
  assert.equal(fake.stats().spent_refresh_token_reuses, 0, "no spent PKCE refresh token was presented again");
  const req = refreshRequests().find((r) => r.json.refresh_token === t.refresh_token);
  if (kind === "PKCE") assert.equal(req.json.client_secret, undefined, "a PKCE refresh carries no secret");
  else assert.equal(req.json.client_secret, CLIENT_SECRET, "a code-flow refresh carries the secret");
  const st = await statusOf(fresh);
  assert.equal(st.status, 200, "the new token is live at the fake");
  assert.equal(st.json.merchant_id, M);
  // Stored before anyone got it: both isolates answer it again with no further refresh.
  const after = fake.stats();
  assert.equal(okValue(await access("front-b", app, M)), fresh);
  assert.equal(okValue(await access("front-a", app, M)), fresh);
  assert.equal(delta(after).refresh_requests, 0, "the new tokens were stored: no second refresh");
}
await check("PKCE token due: 200 concurrent accessToken calls (100 in front-a, 100 in front-b) → one refresh, one new token for all, old refresh token sent once", () =>
  concurrentRefresh("PKCE"));
await check("code-flow token due (clientSecret): 200 concurrent calls → one refresh (with the secret), one new token for all", () =>
  concurrentRefresh("code"));

await check("PKCE token due: 200 concurrent HTTP requests (each one accessToken; 100 to each front) → one refresh, one new token", async () => {
  const M = "MLTOKPKCEHTTP001";
  const t = await pkceToken(M);
  await saved("front-b", "pkce", due(t));
  const before = fake.stats();
  const results = await Promise.all(
    Array.from({ length: 2 * PER_FRONT }, (_, i) => access(i % 2 ? "front-b" : "front-a", "pkce", M)),
  );
  info(`separate requests: ${summary(results)}`);
  const tokens = new Set(results.map(okValue));
  assert.equal(tokens.size, 1, `every caller gets the same token, got ${[...tokens].length} different`);
  assert.notEqual([...tokens][0], t.access_token);
  assert.equal(delta(before).refresh_requests, 1, "exactly one refresh request reached the fake");
  assert.equal(sentCount(t.refresh_token), 1);
  assert.equal(fake.stats().spent_refresh_token_reuses, 0);
});

// 2. A refresh that fails: 5xx, time-out ------------------------------------------------------------------
const TRANSIENT_CODES = new Set(["HTTP_ERROR", "SQUARE_ERROR", "TIMEOUT", "NETWORK_ERROR", "SERVER_ERROR", "SERVICE_UNAVAILABLE"]);

/**
 * A refresh that fails (the fake answers `queued`), for a token that is due but unexpired
 * ("due") or already expired ("expired"). Then recovery with an empty queue: one refresh that
 * presents the original refresh token (the stored tokens stayed the last good ones).
 */
async function failingRefresh({ merchant, state, queued, expectCode, timeLimitMs }) {
  const t = await pkceToken(merchant);
  await saved("front-a", "pkce", state === "due" ? due(t) : expired(t));
  fake.enqueue([queued]);
  const before = fake.stats();
  const b = await burst("pkce", merchant);
  const slowest = Math.max(...b.per.map((p) => p.wallMs));
  info(`${state}: ${summary(b.results)}; slowest front answered in ${slowest.toFixed(0)} ms (isolate-measured max caller ${Math.max(...b.results.map((r) => r.ms))} ms)`);
  if (timeLimitMs !== undefined) {
    for (const p of b.per) {
      assert.ok(p.wallMs <= timeLimitMs, `${p.front}'s 100 callers took ${p.wallMs.toFixed(0)} ms > ${timeLimitMs} ms`);
    }
  }
  const d = delta(before);
  assert.equal(d.refresh_requests, 1, "the failing refresh was attempted once for all 200 callers");
  assert.equal(d.refresh_successes, 0);
  if (state === "due") {
    for (const r of b.results) assert.equal(okValue(r), t.access_token, "a due but unexpired token is still served");
  } else {
    const codes = new Set(b.results.map(errorCode));
    for (const c of codes) assert.ok(TRANSIENT_CODES.has(c), `refresh error ${c} is the refresh's own error`);
    if (expectCode) assert.deepEqual([...codes], [expectCode]);
  }
  // Recovery: the queue is empty, the stored record still has the old (unspent) refresh token.
  fake.clearQueue();
  const mid = fake.stats();
  const r1 = okValue(await access("front-b", "pkce", merchant));
  assert.notEqual(r1, t.access_token, "recovered with a new token");
  assert.equal(okValue(await access("front-a", "pkce", merchant)), r1);
  const d2 = delta(mid);
  assert.equal(d2.refresh_requests, 1, "recovery takes exactly one refresh");
  assert.equal(d2.refresh_successes, 1);
  const last = refreshRequests().at(-1);
  assert.equal(last.json.refresh_token, t.refresh_token, "the recovery presented the last good refresh token");
  assert.equal(fake.stats().spent_refresh_token_reuses, 0);
  assert.equal((await statusOf(r1)).status, 200);
}
const SERVICE_UNAVAILABLE = {
  status: 503,
  body: { errors: [{ category: "API_ERROR", code: "SERVICE_UNAVAILABLE", detail: "try later" }] },
  delay_ms: SLOW_FAILURE_MS,
};
await check("refresh answers 503, token due but unexpired: all 200 callers get the old token; the next call recovers with one refresh", () =>
  failingRefresh({ merchant: "MLTOK5XXDUE00001", state: "due", queued: SERVICE_UNAVAILABLE }));
await check("refresh answers 503, token expired: all 200 callers get a coded SquareError (no hang); the next call recovers with one refresh", () =>
  failingRefresh({ merchant: "MLTOK5XXEXP00001", state: "expired", queued: SERVICE_UNAVAILABLE }));
const HUNG = { status: 200, body: { never: "sent in time" }, delay_ms: HUNG_MS };
await check(`refresh times out (fake holds it ${HUNG_MS} ms, timeoutMs ${TIMEOUT_MS}), token due: callers get the old token within ${TIMEOUT_MS}+${MARGIN_MS} ms; next call recovers`, () =>
  failingRefresh({ merchant: "MLTOKTIMEDUE0001", state: "due", queued: HUNG, timeLimitMs: TIMEOUT_MS + MARGIN_MS }));
await check(`refresh times out, token expired: every caller gets TIMEOUT within ${TIMEOUT_MS}+${MARGIN_MS} ms; next call recovers`, () =>
  failingRefresh({ merchant: "MLTOKTIMEEXP0001", state: "expired", queued: HUNG, expectCode: "TIMEOUT", timeLimitMs: TIMEOUT_MS + MARGIN_MS }));

// 3. The isolates torn down mid-refresh -------------------------------------------------------------------
await check("workerd killed (SIGKILL to its process group) while the refresh is in flight: waiting callers fail fast, no hang; after a restart on the same storage the next call recovers with one refresh", async () => {
  const M = "MLTOKTEARDOWN001";
  const t = await pkceToken(M);
  await saved("front-a", "pkce", expired(t));
  // Held, not applied to the model: the fake's state does not change (the token is not spent).
  fake.enqueue([{ status: 200, body: { never: "sent" }, delay_ms: TEARDOWN_HOLD_MS }]);
  const before = fake.stats();
  const settled = [];
  const inflight = ["front-a", "front-b"].map((f) =>
    fetch(`${workerd.urls[f]}/burst?app=pkce&merchant=${M}&n=${PER_FRONT}`)
      .then(async (r) => ({ front: f, status: r.status, text: await r.text() }))
      .catch((e) => ({ front: f, failed: String(e?.cause?.code ?? e?.message ?? e) }))
      .then((r) => (settled.push(performance.now()), r)),
  );
  const deadline = Date.now() + 5000;
  while (delta(before).refresh_requests < 1 && Date.now() < deadline) await sleep(20);
  assert.equal(delta(before).refresh_requests, 1, "the refresh reached the fake");
  await sleep(300); // every caller is waiting on it by now
  assert.equal(settled.length, 0, "nobody has an answer yet: the refresh is in flight");
  const killedAt = performance.now();
  await workerd.kill("SIGKILL");
  logs.push(workerd.log());
  const outcomes = await Promise.all(inflight);
  for (const o of outcomes) {
    answers.push(`${o.front} teardown ${o.status ?? ""} ${o.text ?? o.failed}`);
    if (o.failed) continue; // the connection died with the process: the caller is not left hanging
    const body = JSON.parse(o.text);
    for (const r of body.results) errorCode(r); // or a coded error
  }
  const waited = Math.max(...settled) - killedAt;
  info(`callers after the kill: ${outcomes.map((o) => `${o.front} ${o.failed ?? `HTTP ${o.status}`}`).join(", ")}; all settled ${waited.toFixed(0)} ms after the kill`);
  assert.ok(waited < 2000, `callers settled ${waited.toFixed(0)} ms after the kill`);
  fake.clearQueue();
  workerd = await startWorkerd({ built, fronts: FRONTS, storageDir, previousPorts: workerd.ports });
  const mid = fake.stats();
  const fresh = okValue(await access("front-b", "pkce", M));
  assert.notEqual(fresh, t.access_token);
  assert.equal(okValue(await access("front-a", "pkce", M)), fresh);
  assert.equal(delta(mid).refresh_requests, 1, "recovery takes exactly one refresh");
  assert.equal(refreshRequests().at(-1).json.refresh_token, t.refresh_token, "presenting the stored, unspent refresh token");
  assert.equal((await statusOf(fresh)).status, 200);
  assert.equal(fake.stats().spent_refresh_token_reuses, 0);
});

await check("the Durable Object's storage survived the restart: tokens saved before it are still served", async () => {
  // MLTOKCODEBURST01 was refreshed in the first check, before workerd was killed.
  const r = await access("front-a", "code", "MLTOKCODEBURST01");
  const st = await statusOf(okValue(r));
  assert.equal(st.status, 200);
  assert.equal(st.json.merchant_id, "MLTOKCODEBURST01");
});

// 4. Tampered records, edited in the objects' storage on disk while workerd is stopped ------------------------
const BUN = join(REPO, "tools/node_modules/.bin/bun");
/** tests/tokens/storage.mjs under Bun (bun:sqlite) over the objects' storage; workerd must be stopped. */
function storage(command) {
  const out = execFileSync(BUN, [join(REPO, "tests/tokens/storage.mjs"), join(storageDir), JSON.stringify(command)], { encoding: "utf8" });
  return JSON.parse(out);
}
let tamperedOnDisk = null; // merchant → the tampered value's hex, compared again at the end

await check("tampered records (a ciphertext character changed; another merchant's record copied in; a value that is no record of this package) → UNREADABLE_RECORD for every key and front, no refresh; a new save over one works", async () => {
  const FLIPPED = "MLTOKTAMPERED001";
  const MOVED = "MLTOKMOVED000001";
  const FOREIGN = "MLTOKNOTARECORD1";
  const SOURCE = "MLTOKMOVESOURCE1";
  const tokens = {};
  for (const M of [FLIPPED, MOVED, FOREIGN, SOURCE]) {
    tokens[M] = await pkceToken(M);
    await saved("front-a", "pkce", M === FLIPPED ? due(tokens[M]) : tokens[M]);
  }
  await workerd.kill("SIGTERM");
  logs.push(workerd.log());
  const hex = storage({ get: [FLIPPED, MOVED, FOREIGN, SOURCE] });
  for (const [M, h] of Object.entries(hex)) assert.ok(h, `${M}'s record is on disk`);
  // A value is V8-serialized: a few header bytes, then the one-byte string "sqoe1.<base64url>".
  const edit = (h, fn) => {
    const b = Buffer.from(h, "hex");
    const at = b.indexOf("sqoe1.");
    assert.ok(at > 0, "a sealed record");
    fn(b, at);
    return b.toString("hex");
  };
  const tampered = {
    [FLIPPED]: edit(hex[FLIPPED], (b, at) => (b[at + 6 + 30] = b[at + 6 + 30] === 0x41 ? 0x42 : 0x41)), // "A" or "B"
    [MOVED]: hex[SOURCE],
    [FOREIGN]: edit(hex[FOREIGN], (b, at) => (b[at + 4] = 0x39)), // "sqoe9."
  };
  const written = storage({ set: tampered });
  assert.deepEqual(written, { [FLIPPED]: true, [MOVED]: true, [FOREIGN]: true });
  workerd = await startWorkerd({ built, fronts: FRONTS, storageDir, previousPorts: workerd.ports });
  const before = fake.stats();
  for (const M of [FLIPPED, MOVED, FOREIGN]) {
    for (const front of ["front-a", "front-b", "front-rotated"]) {
      assert.equal(errorCode(await access(front, "pkce", M)), "UNREADABLE_RECORD", `${front} ${M}`);
    }
  }
  assert.equal(delta(before).refresh_requests, 0, "an unreadable due record is not refreshed");
  assert.equal(okValue(await access("front-b", "pkce", SOURCE)), tokens[SOURCE].access_token, "the copied record still opens under its own merchant");
  const again = await pkceToken(FOREIGN);
  await saved("front-b", "pkce", again); // the seller connects again: save replaces whatever was there
  assert.equal(okValue(await access("front-a", "pkce", FOREIGN)), again.access_token);
  tamperedOnDisk = { [FLIPPED]: tampered[FLIPPED], [MOVED]: tampered[MOVED] };
});

// 5. Keys ---------------------------------------------------------------------------------------------------
await check("wrong encryptionKey → UNREADABLE_RECORD; the record is unchanged and still readable with the right key", async () => {
  const M = "MLTOKWRONGKEY001";
  const t = await pkceToken(M);
  await saved("front-a", "pkce", t); // fresh: 30 days, not due
  const before = fake.stats();
  assert.equal(errorCode(await access("front-wrong-key", "pkce", M)), "UNREADABLE_RECORD");
  assert.equal(errorCode(await access("front-wrong-key", "code", M)), "UNREADABLE_RECORD");
  assert.equal(okValue(await access("front-a", "pkce", M)), t.access_token);
  assert.equal(okValue(await access("front-b", "pkce", M)), t.access_token);
  assert.equal(delta(before).refresh_requests, 0);
});

await check("wrong encryptionKey on a due record: UNREADABLE_RECORD, no refresh; the right key then refreshes once from the stored refresh token", async () => {
  const M = "MLTOKWRONGKEY002";
  const t = await pkceToken(M);
  await saved("front-a", "pkce", due(t));
  const before = fake.stats();
  const wrong = await Promise.all(Array.from({ length: 20 }, () => access("front-wrong-key", "pkce", M)));
  for (const r of wrong) assert.equal(errorCode(r), "UNREADABLE_RECORD");
  assert.equal(delta(before).refresh_requests, 0, "a front that cannot read the record does not refresh it");
  const fresh = okValue(await access("front-a", "pkce", M));
  assert.notEqual(fresh, t.access_token);
  assert.equal(delta(before).refresh_requests, 1);
  assert.equal(refreshRequests().at(-1).json.refresh_token, t.refresh_token);
});

await check("previousEncryptionKey: a front with a new key (url-safe, unpadded) and the old key as previous reads the record", async () => {
  const M = "MLTOKROTATION001";
  const t = await pkceToken(M);
  await saved("front-a", "pkce", t);
  assert.equal(okValue(await access("front-rotated", "pkce", M)), t.access_token);
  // and a record the rotated front saves (under its new key) it reads back; the old-key-only front cannot
  const M2 = "MLTOKROTATION002";
  const t2 = await pkceToken(M2);
  await saved("front-rotated", "pkce", t2);
  assert.equal(okValue(await access("front-rotated", "pkce", M2)), t2.access_token);
  assert.equal(errorCode(await access("front-a", "pkce", M2)), "UNREADABLE_RECORD");
});

// 6. Webhooks ---------------------------------------------------------------------------------------------
const sign = (body, { key = SIGNATURE_KEY, url = NOTIFICATION_URL } = {}) =>
  createHmac("sha256", key).update(url + body).digest("base64");
const revocation = (merchant_id, created_at, extra = {}) =>
  JSON.stringify({
    merchant_id,
    type: "oauth.authorization.revoked",
    event_id: crypto.randomUUID(),
    created_at,
    data: {
      type: "revocation",
      id: crypto.randomUUID(),
      object: { revocation: { revoked_at: created_at, revoker_type: "MERCHANT" } },
    },
    ...extra,
  });
function webhook(body, signature, { front = "front-a", as } = {}) {
  const headers = { "content-type": "application/json" };
  if (signature !== undefined) headers["x-square-hmacsha256-signature"] = signature;
  return call(front, `/webhook${as ? `?as=${as}` : ""}`, { method: "POST", body, headers });
}

const HOOK_M = "MLTOKWEBHOOK0001";
let hookToken;
let hookSavedAt;
async function hookTokensUnchanged() {
  assert.equal(okValue(await access("front-a", "code", HOOK_M)), hookToken.access_token, "stored tokens unchanged");
  assert.equal(okValue(await access("front-b", "code", HOOK_M)), hookToken.access_token, "stored tokens unchanged");
}
await check("webhook setup: a code-flow merchant is saved", async () => {
  hookToken = await codeToken(HOOK_M);
  await saved("front-a", "code", hookToken);
  hookSavedAt = Date.now();
  await hookTokensUnchanged();
});
const nowIso = () => new Date().toISOString();
const hookCases = [
  ["forged signature (another key)", () => { const b = revocation(HOOK_M, nowIso()); return [b, sign(b, { key: "not-the-key" })]; }, "INVALID_WEBHOOK_SIGNATURE"],
  ["signed for another notification URL", () => { const b = revocation(HOOK_M, nowIso()); return [b, sign(b, { url: "https://evil.example.test/square/webhooks" })]; }, "INVALID_WEBHOOK_SIGNATURE"],
  ["missing x-square-hmacsha256-signature header", () => [revocation(HOOK_M, nowIso()), undefined], "INVALID_WEBHOOK_SIGNATURE"],
  ["empty signature header", () => [revocation(HOOK_M, nowIso()), ""], "INVALID_WEBHOOK_SIGNATURE"],
  ["signature not base64", () => [revocation(HOOK_M, nowIso()), "%%%not base64%%%"], "INVALID_WEBHOOK_SIGNATURE"],
  ["body altered after signing", () => { const b = revocation(HOOK_M, nowIso()); return [b.replace(HOOK_M, "MLTOKSOMEONEELSE"), sign(b)]; }, "INVALID_WEBHOOK_SIGNATURE"],
  ["signed body that is not JSON", () => { const b = "merchant_id=MLTOKWEBHOOK0001&type=oauth.authorization.revoked"; return [b, sign(b)]; }, "INVALID_WEBHOOK_EVENT"],
  ["signed JSON that is not an object", () => { const b = JSON.stringify(["oauth.authorization.revoked"]); return [b, sign(b)]; }, "INVALID_WEBHOOK_EVENT"],
  ["signed JSON without type", () => { const o = JSON.parse(revocation(HOOK_M, nowIso())); delete o.type; const b = JSON.stringify(o); return [b, sign(b)]; }, "INVALID_WEBHOOK_EVENT"],
  ["signed JSON without event_id", () => { const o = JSON.parse(revocation(HOOK_M, nowIso())); delete o.event_id; const b = JSON.stringify(o); return [b, sign(b)]; }, "INVALID_WEBHOOK_EVENT"],
  ["signed JSON without created_at", () => { const o = JSON.parse(revocation(HOOK_M, nowIso())); delete o.created_at; const b = JSON.stringify(o); return [b, sign(b)]; }, "INVALID_WEBHOOK_EVENT"],
  ["signed JSON with a numeric created_at", () => { const o = JSON.parse(revocation(HOOK_M, nowIso())); o.created_at = Date.now(); const b = JSON.stringify(o); return [b, sign(b)]; }, "INVALID_WEBHOOK_EVENT"],
  ["signed revocation without merchant_id", () => { const o = JSON.parse(revocation(HOOK_M, nowIso())); delete o.merchant_id; const b = JSON.stringify(o); return [b, sign(b)]; }, "INVALID_WEBHOOK_EVENT"],
  ["signed revocation whose created_at is not a date", () => { const b = revocation(HOOK_M, "yesterday"); return [b, sign(b)]; }, "INVALID_WEBHOOK_EVENT"],
  ["replayed old revocation (created_at an hour before the save)", () => { const b = revocation(HOOK_M, new Date(hookSavedAt - HOUR).toISOString()); return [b, sign(b)]; }, "STALE_WEBHOOK"],
];
for (const [name, make, code] of hookCases) {
  await check(`webhook: ${name} → ${code}; stored tokens unchanged`, async () => {
    const [body, signature] = make();
    assert.equal(errorCode(await webhook(body, signature)), code);
    await hookTokensUnchanged();
  });
}
await check("webhook: a signed event of another type → \"ignored\" (raw body given as text); stored tokens unchanged", async () => {
  const b = JSON.stringify({ merchant_id: HOOK_M, type: "payment.created", event_id: crypto.randomUUID(), created_at: nowIso(), data: {} });
  assert.equal(okValue(await webhook(b, sign(b), { as: "text" })), "ignored");
  await hookTokensUnchanged();
});
await check("webhook: a correctly signed oauth.authorization.revoked (created_at in nanoseconds, as Square sends it) → \"forgotten\"; then accessToken → UNKNOWN_MERCHANT in both isolates; sent again → \"not-stored\"", async () => {
  await sleep(5); // created_at strictly after the save
  // Square's created_at carries nanoseconds, e.g. "2020-08-14T15:51:04.246373287Z".
  const b = revocation(HOOK_M, nowIso().replace(/Z$/, "373287Z"));
  const before = fake.stats();
  assert.equal(okValue(await webhook(b, sign(b), { front: "front-b" })), "forgotten");
  assert.equal(errorCode(await access("front-a", "code", HOOK_M)), "UNKNOWN_MERCHANT");
  assert.equal(errorCode(await access("front-b", "pkce", HOOK_M)), "UNKNOWN_MERCHANT");
  assert.equal(okValue(await webhook(b, sign(b))), "not-stored");
  assert.equal(delta(before).refresh_requests + delta(before).revoke_requests, 0, "a webhook calls nobody");
});

// 7. forget, revoke, unknown merchants ------------------------------------------------------------------------
await check("unknown merchant → UNKNOWN_MERCHANT (both apps, both isolates)", async () => {
  assert.equal(errorCode(await access("front-a", "pkce", "MLTOKNEVERSAVED1")), "UNKNOWN_MERCHANT");
  assert.equal(errorCode(await access("front-b", "code", "MLTOKNEVERSAVED1")), "UNKNOWN_MERCHANT");
});
await check("forget → then accessToken is UNKNOWN_MERCHANT everywhere; nothing is sent to Square", async () => {
  const M = "MLTOKFORGET00001";
  const t = await codeToken(M);
  await saved("front-a", "code", t);
  const before = fake.stats();
  assert.equal(okValue(await access("front-b", "code", M)), t.access_token);
  okValue(await call("front-b", `/forget?merchant=${M}`, { method: "POST" }));
  assert.equal(errorCode(await access("front-a", "code", M)), "UNKNOWN_MERCHANT");
  assert.equal(errorCode(await access("front-b", "code", M)), "UNKNOWN_MERCHANT");
  assert.equal(delta(before).revoke_requests, 0);
  assert.equal((await statusOf(t.access_token)).status, 200, "forget does not revoke at Square");
});
await check("revoke without clientSecret (PKCE manager) is refused with a coded error before calling Square; the record stays", async () => {
  const M = "MLTOKREVOKEPKCE1";
  const t = await pkceToken(M);
  await saved("front-a", "pkce", t);
  const before = fake.stats();
  const code = errorCode(await call("front-a", `/revoke?app=pkce&merchant=${M}`, { method: "POST" }));
  info(`revoke with no secret → ${code}`);
  assert.equal(delta(before).revoke_requests, 0);
  assert.equal(okValue(await access("front-b", "pkce", M)), t.access_token);
});
await check("revoke → one RevokeToken {client_id, merchant_id} with `Client <secret>`, the token dies at Square, then UNKNOWN_MERCHANT", async () => {
  const M = "MLTOKREVOKE00001";
  const t = await codeToken(M);
  await saved("front-a", "code", t);
  const before = fake.stats();
  assert.equal(okValue(await call("front-b", `/revoke?app=code&merchant=${M}`, { method: "POST" })), null);
  assert.equal(delta(before).revoke_requests, 1);
  const r = fake.requests.filter((x) => x.path === "/oauth2/revoke").at(-1);
  assert.equal(r.json.merchant_id, M);
  assert.equal(r.json.client_id, CLIENT_ID);
  assert.equal(r.headers.authorization, `Client ${CLIENT_SECRET}`);
  assert.equal((await statusOf(t.access_token)).status, 401, "revoked at Square");
  assert.equal(errorCode(await access("front-a", "code", M)), "UNKNOWN_MERCHANT");
  assert.equal(errorCode(await access("front-b", "code", M)), "UNKNOWN_MERCHANT");
});

// 8. Races with a refresh in flight, and refusals ------------------------------------------------------------
/** A well-formed token response the fake did not mint (for a refresh answer held back by the queue). */
function fabricated(merchant_id, pkce) {
  const t = {
    access_token: `EAAA${randomBytes(45).toString("base64url")}`,
    token_type: "bearer",
    expires_at: iso(Date.now() + 30 * DAY),
    merchant_id,
    refresh_token: `EQAA${randomBytes(45).toString("base64url")}`,
    short_lived: false,
  };
  if (pkce) t.refresh_token_expires_at = iso(Date.now() + 90 * DAY);
  knownRefreshTokens.add(t.refresh_token);
  return t;
}
/**
 * Starts accessToken in `front`; resolves once its refresh request reached the fake, with
 * `{ pending }`, the promise of that call's answer.
 */
async function refreshInFlight(front, app, merchant) {
  const before = fake.stats();
  const pending = access(front, app, merchant).catch((e) => ({ thrown: String(e) }));
  const deadline = Date.now() + 5000;
  while (delta(before).refresh_requests < 1 && Date.now() < deadline) await sleep(10);
  assert.equal(delta(before).refresh_requests, 1, "the refresh reached the fake");
  return { pending };
}
let expectedReuses = 0; // spent PKCE refresh tokens this driver sends on purpose

await check("Square refuses the refresh token (a PKCE token already spent elsewhere): all 200 callers get REAUTHORIZE_REQUIRED after one refresh; later calls fail fast without calling Square; a new save recovers", async () => {
  const M = "MLTOKREAUTH00001";
  const t = await pkceToken(M);
  const elsewhere = await oauth.obtainToken({ client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: t.refresh_token });
  knownRefreshTokens.add(elsewhere.refresh_token);
  await saved("front-a", "pkce", due(t));
  const before = fake.stats();
  expectedReuses++;
  const b = await burst("pkce", M);
  info(summary(b.results));
  for (const r of b.results) assert.equal(errorCode(r), "REAUTHORIZE_REQUIRED");
  assert.equal(delta(before).refresh_requests, 1, "one refresh for all 200 callers");
  assert.equal(delta(before).spent_refresh_token_reuses, 1, "the one refresh presented the spent token");
  const mid = fake.stats();
  assert.equal(errorCode(await access("front-b", "pkce", M)), "REAUTHORIZE_REQUIRED");
  assert.equal(errorCode(await access("front-a", "code", M)), "REAUTHORIZE_REQUIRED");
  assert.equal(delta(mid).refresh_requests, 0, "the record is marked: no further refresh");
  await saved("front-b", "pkce", elsewhere); // the seller authorized again
  assert.equal(okValue(await access("front-a", "pkce", M)), elsewhere.access_token);
});

await check("a front with the wrong encryptionKey asking while another front's refresh is in flight → UNREADABLE_RECORD (not the token it cannot decrypt)", async () => {
  const M = "MLTOKWRONGWAIT01";
  const t = await pkceToken(M);
  await saved("front-a", "pkce", due(t));
  fake.enqueue([{ ...SERVICE_UNAVAILABLE, delay_ms: 1000 }]);
  const first = await refreshInFlight("front-a", "pkce", M);
  const wrong = await access("front-wrong-key", "pkce", M);
  const firstAnswer = await first.pending;
  info(`wrong-key front during the refresh: ${"ok" in wrong ? `ok: a token (${wrong.ok === t.access_token ? "the stored one" : "another"})` : `error ${wrong.error?.code}`}; the refreshing front: ${show(firstAnswer)}`);
  assert.equal(errorCode(wrong), "UNREADABLE_RECORD");
});

await check("a new authorization saved while a refresh of the old one is in flight wins: the late refresh answer is not stored over it", async () => {
  const M = "MLTOKSAVERACE001";
  const t = await pkceToken(M);
  await saved("front-a", "pkce", expired(t));
  const late = fabricated(M, true);
  fake.enqueue([{ status: 200, body: late, delay_ms: 1000 }]);
  const { pending } = await refreshInFlight("front-a", "pkce", M);
  const t2 = await pkceToken(M);
  await saved("front-b", "pkce", t2);
  const during = await pending;
  const which = (v) => ({ [t.access_token]: "the old token", [t2.access_token]: "the new save's token", [late.access_token]: "the late refresh's token" })[v] ?? "an unknown token";
  info(`the caller waiting on the old refresh got ${"ok" in during ? which(during.ok) : `error ${during.error?.code}`}`);
  assert.equal(okValue(await access("front-a", "pkce", M)), t2.access_token, "the newer save is what is stored");
  assert.equal(okValue(await access("front-b", "pkce", M)), t2.access_token);
});

await check("forget while a refresh is in flight: the late refresh answer does not bring the merchant back", async () => {
  const M = "MLTOKFORGETRACE1";
  const t = await codeToken(M);
  await saved("front-a", "code", expired(t));
  fake.enqueue([{ status: 200, body: fabricated(M, false), delay_ms: 1000 }]);
  const { pending } = await refreshInFlight("front-a", "code", M);
  okValue(await call("front-b", `/forget?merchant=${M}`, { method: "POST" }));
  const during = await pending;
  info(`the caller waiting on the refresh got ${"ok" in during ? "a token" : `error ${during.error?.code}`}`);
  assert.equal(errorCode(await access("front-a", "code", M)), "UNKNOWN_MERCHANT");
  assert.equal(errorCode(await access("front-b", "code", M)), "UNKNOWN_MERCHANT");
});

await check("a signed revocation webhook while a refresh is in flight: \"forgotten\", and the late refresh answer does not bring the merchant back", async () => {
  const M = "MLTOKHOOKRACE001";
  const t = await codeToken(M);
  await saved("front-a", "code", expired(t));
  await sleep(5);
  fake.enqueue([{ status: 200, body: fabricated(M, false), delay_ms: 1000 }]);
  const { pending } = await refreshInFlight("front-a", "code", M);
  const b = revocation(M, nowIso());
  assert.equal(okValue(await webhook(b, sign(b), { front: "front-b" })), "forgotten");
  const during = await pending;
  info(`the caller waiting on the refresh got ${"ok" in during ? "a token" : `error ${during.error?.code}`}`);
  assert.equal(errorCode(await access("front-a", "code", M)), "UNKNOWN_MERCHANT");
});

await check("a wrong application secret (front-bad-secret) makes a code-flow refresh fail; the front with the right secret then recovers with one refresh", async () => {
  const M = "MLTOKBADSECRET01";
  const t = await codeToken(M);
  await saved("front-a", "code", due(t));
  const before = fake.stats();
  const bad = await access("front-bad-secret", "code", M);
  info(`wrong secret: ${"ok" in bad ? (bad.ok === t.access_token ? "ok: the stored token" : "ok: another token") : `error ${bad.error?.code}`}`);
  assert.equal(delta(before).refresh_requests, 1);
  const good = await access("front-a", "code", M);
  info(`then the right secret: ${"ok" in good ? "ok" : `error ${good.error?.code}`}; refresh requests ${delta(before).refresh_requests}`);
  const fresh = okValue(good);
  assert.notEqual(fresh, t.access_token);
  assert.equal(delta(before).refresh_requests, 2, "the right secret refreshed once");
  assert.equal((await statusOf(fresh)).status, 200);
});

// 9. Stopped: what is on disk, and nothing secret in any answer ----------------------------------------------
await workerd.kill("SIGTERM");
logs.push(workerd.log());

await check("the tampered records are still exactly as they were on disk (nothing rewrote, repaired or deleted them)", async () => {
  assert.ok(tamperedOnDisk, "the tampering check ran");
  assert.deepEqual(storage({ get: Object.keys(tamperedOnDisk) }), tamperedOnDisk);
});

await check("no answer or error the driver saw (nor workerd's log) holds the client secret, an encryption key, the signature key or a refresh token", async () => {
  for (const r of refreshRequests()) if (typeof r.json.refresh_token === "string") knownRefreshTokens.add(r.json.refresh_token);
  const secrets = [
    ["client secret", CLIENT_SECRET],
    ["wrong client secret", "sq0csp-not-the-secret"],
    ["encryption key", KEY],
    ["encryption key (url-safe)", Buffer.from(KEY, "base64").toString("base64url")],
    ["wrong key", WRONG_KEY],
    ["new key", NEW_KEY],
    ["new key (standard)", NEW_KEY_BYTES.toString("base64")],
    ["signature key", SIGNATURE_KEY],
    ...[...knownRefreshTokens].map((t) => ["refresh token", t]),
  ];
  const REFRESH_SHAPE = /EQAA[A-Za-z0-9_-]{60}/; // the fake's refresh tokens, including ones the driver never saw
  const sources = [...answers.map((a) => ["answer", a]), ...logs.map((l) => ["workerd log", l])];
  for (const [kind, text] of sources) {
    for (const [name, s] of secrets) {
      assert.ok(!text.includes(s), `a ${kind} holds the ${name}: ${text.slice(0, 300)}`);
    }
    assert.ok(!REFRESH_SHAPE.test(text), `a ${kind} holds a refresh token: ${text.slice(0, 300)}`);
  }
  info(`${answers.length} answers and ${logs.length} workerd logs scanned for ${secrets.length} secrets`);
});

await check("over the whole run the fake never saw a spent PKCE refresh token again (but for the one the driver spent on purpose)", async () => {
  const s = fake.stats();
  info(`fake stats: ${JSON.stringify(s)}`);
  assert.equal(s.spent_refresh_token_reuses, expectedReuses);
});

// ---- done ---------------------------------------------------------------------------------------------------
const crossRequest = (workerd.log() + logs.join("")).match(/different request context|Cannot perform I\/O on behalf of a different request/g);
if (crossRequest) info(`workerd warned ${crossRequest.length}× about cross-request promises / I/O`);
if (failed) {
  console.log("--- workerd log (last 4000 chars)");
  console.log(logs.join("").slice(-4000));
}
await fake.close();
console.log(`[tokens] ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
console.log(`tokens: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
