// Soak test (a plain script: `node --expose-gc tests/reliability/soak.mjs [calls]`): 100,000 calls
// in one process, mixed success and failure — most through an injected fetch answering canned
// Responses so that it runs in seconds, a slice over real HTTP against the scripted server — with
// wasm memory (`memory.buffer.byteLength`), the wasm-bindgen externref table and the JS heap
// measured after a warm-up and at the end. All must be flat: wasm memory within one 64 KiB page,
// the table within a few slots, the heap within a small tolerance. Exits non-zero otherwise.
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { setImmediate as tick } from "node:timers/promises";
import { OAuthClient, SquareError } from "../../pkg/node.js";
// pkg/node.js has initialised the module; initSync() then hands back the same exports.
import { initSync } from "../../pkg/square_oauth_edge.js";
import { startScripted } from "./scripted-server.mjs";
import { OPS, APP_ID, SECRET, ACCESS } from "./common.mjs";

const TOTAL = Number(process.argv[2] ?? 100_000);
const WARMUP = Math.floor(TOTAL / 10);
const HTTP_SHARE = 50; // one call in 50 goes over real HTTP (2,000 of 100,000)
const BATCH = 64; // calls in flight at once
const PAGE = 64 * 1024;
const HEAP_TOLERANCE = 2 * 1024 * 1024;

if (typeof global.gc !== "function") {
  console.error("soak: run with node --expose-gc");
  process.exit(2);
}
const wasm = initSync();
assert.ok(wasm.memory instanceof WebAssembly.Memory, "initSync() returned the initialised exports");
assert.strictEqual(initSync(), wasm, "the same exports every time");
const table = wasm.__wbindgen_externrefs; // present with reference types; optional otherwise

const JSON_CT = { "content-type": "application/json" };
const ok = (body) => () => new Response(JSON.stringify(body), { headers: JSON_CT });
/** Canned answers of the injected fetch, by kind; each a function of (url, init). */
const canned = {
  revoked: ok({ success: true }),
  token: ok({ access_token: "EAAAsoak", token_type: "bearer", expires_at: "2030-01-01T00:00:00Z", merchant_id: "M", refresh_token: "EQAAsoak" }),
  status: ok({ scopes: ["PAYMENTS_READ"], client_id: APP_ID, merchant_id: "M" }),
  squareError: () => new Response('{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"nope"}]}', { status: 401, headers: JSON_CT }),
  html502: () => new Response("<html><h1>502 Bad Gateway</h1></html>", { status: 502, headers: { "content-type": "text/html" } }),
  badJson: () => new Response('{"access_token":', { headers: JSON_CT }),
  wrongType: ok({ success: "yes" }),
  tooLarge: () => new Response(new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(64 * 1024).fill(32)); } }), { headers: JSON_CT }),
  rejects: () => Promise.reject(new TypeError("fetch failed")),
  garbage: () => ({ status: 200 }),
  redirect: () => new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } }),
  hangs: (_u, init) => new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason), { once: true })),
};
canned.ratelimited = () =>
  new Response('{"errors":[{"category":"RATE_LIMIT_ERROR","code":"RATE_LIMITED"}]}', { status: 429, headers: { ...JSON_CT, "retry-after": "0" } });
// One client per canned answer, so that concurrent calls cannot take each other's answers.
const clients = new Map();
const injected = (kind) => {
  if (!clients.has(kind)) clients.set(kind, new OAuthClient({ fetch: canned[kind], maxRetries: 0, timeoutMs: 5000 }));
  return clients.get(kind);
};
/** A fresh client whose fetch answers 429 (Retry-After: 0) once, then success. */
const retrying = () => {
  let n = 0;
  return new OAuthClient({ fetch: (u, i) => (n++ === 0 ? canned.ratelimited : canned.revoked)(u, i), maxRetries: 2, timeoutMs: 5000 });
};

let srv, http, httpFail;
let httpRequests = 0;
const outcomes = new Map();
const count = (k) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);

/** Call number `i`: a deterministic mix of operations and outcomes. */
async function call(i) {
  if (i % HTTP_SHARE === 0) {
    // Real HTTP: success, or (every other time) a 404 from a path the server does not serve.
    const fail = (i / HTTP_SHARE) % 2 === 1;
    return settle(OPS.revoke(fail ? httpFail : http), fail ? "SQUARE_ERROR" : "ok");
  }
  switch (i % 20) {
    case 0: case 1: case 2: case 3: case 4: case 5:
      return settle(OPS.revoke(injected("revoked")), "ok");
    case 6: return settle(OPS.obtain(injected("token")), "ok");
    case 7: return settle(OPS.status(injected("status")), "ok");
    case 8: return settle(OPS.renew(injected("token")), "ok");
    case 9: return settle(OPS.refresh(injected("squareError")), "SQUARE_ERROR");
    case 10: return settle(OPS.revoke(injected("html502")), "HTTP_ERROR");
    case 11: return settle(OPS.pkce(injected("badJson")), "INVALID_JSON");
    case 12: return settle(OPS.revoke(injected("wrongType")), "INVALID_RESPONSE");
    case 13: return settle(OPS.status(injected("tooLarge")), "RESPONSE_TOO_LARGE");
    case 14: return settle(OPS.revoke(injected("rejects")), "NETWORK_ERROR");
    case 15:
      return Math.floor(i / 20) % 2 === 0
        ? settle(OPS.renew(injected("garbage")), "INVALID_FETCH_RESULT")
        : settle(OPS.renew(injected("redirect")), "REDIRECT");
    case 16:
      // Retried: a back-off sleep and a second attempt.
      return settle(OPS.revoke(retrying()), "ok");
    case 17: {
      // Aborted in flight by the caller's signal.
      const ctl = new AbortController();
      const p = OPS.status(injected("hangs"), { signal: ctl.signal });
      queueMicrotask(() => ctl.abort(new Error("soak abort")));
      return settle(p, "ABORTED");
    }
    case 18:
      // Timed out: a fetch that only settles when aborted, with a 1 ms limit.
      return settle(OPS.revoke(injected("hangs"), { timeoutMs: 1 }), "TIMEOUT");
    default: {
      // Refused before sending: a rotation of bad inputs.
      const c = injected("revoked");
      const bad = [
        [() => c.obtainToken({ grant_type: "authorization_code", client_id: APP_ID, client_secret: SECRET }), "MISSING_FIELD"],
        [() => c.revokeToken({ access_token: ACCESS }, `Bearer ${ACCESS}`), "INVALID_AUTHORIZATION"],
        [() => c.retrieveTokenStatus(`${ACCESS}\r\n`), "UNSAFE_HEADER_VALUE"],
        [() => c.renewToken(42, { access_token: ACCESS }, SECRET), "INVALID_TYPE"],
        [() => c.obtainToken(new Proxy({}, { ownKeys() { throw new Error("trap"); } })), "INVALID_TYPE"],
      ];
      const [run, code] = bad[Math.floor(i / 20) % bad.length];
      return settle(run(), code);
    }
  }
}

async function settle(p, expect) {
  try {
    await p;
    count("ok");
    if (expect && expect !== "ok") throw new Error(`expected ${expect}, got success`);
  } catch (e) {
    if (!(e instanceof SquareError)) throw e;
    count(e.code);
    if (expect && expect !== e.code) throw new Error(`expected ${expect}, got ${e.code}: ${e.message}`);
  }
}

async function runCalls(from, to) {
  for (let i = from; i < to; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(to, i + BATCH); j++) batch.push(call(j));
    await Promise.all(batch);
    // The server's record of requests is the test's, not the client's: keep it from growing.
    httpRequests += srv.requests.length;
    srv.reset();
  }
}

function liveSlots() {
  let n = 0;
  for (let i = 0; i < table.length; i++) {
    const v = table.get(i);
    if (v !== undefined && v !== null) n++;
  }
  return n;
}

async function measure() {
  // Let pending timers, aborted fetches and finalizers settle, then collect thoroughly.
  for (let k = 0; k < 5; k++) {
    await tick();
    global.gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    wasm: wasm.memory.buffer.byteLength,
    table: table ? table.length : 0,
    // Slots in use: wasm-bindgen's allocator sets a freed slot to null, and never-used slots
    // are undefined.
    live: table ? liveSlots() : 0,
    heap: process.memoryUsage().heapUsed,
  };
}

const fmt = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
const t0 = performance.now();
srv = await startScripted();
http = new OAuthClient({ baseUrl: srv.url, maxRetries: 0, timeoutMs: 5000 });
httpFail = new OAuthClient({ baseUrl: `${srv.url}/not-served`, maxRetries: 0, timeoutMs: 5000 });
try {
  await runCalls(0, WARMUP);
  const warm = await measure();
  // Measured at every tenth, so that a slow leak shows as a trend, not only as a difference.
  const trend = [warm];
  for (let from = WARMUP; from < TOTAL; from += WARMUP) {
    await runCalls(from, Math.min(TOTAL, from + WARMUP));
    trend.push(await measure());
  }
  const end = trend[trend.length - 1];
  const ms = performance.now() - t0;
  const calls = [...outcomes.values()].reduce((a, b) => a + b, 0);
  assert.equal(calls, TOTAL);
  console.log(`soak calls: ${calls} in ${(ms / 1000).toFixed(1)} s (${httpRequests} over real HTTP)`);
  console.log(`soak outcomes: ${[...outcomes].sort().map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(`soak wasm memory: ${warm.wasm} bytes after ${WARMUP} warm-up calls, ${end.wasm} bytes after ${TOTAL} (${fmt(end.wasm)}; Δ ${end.wasm - warm.wasm})`);
  console.log(`soak externref table: ${warm.table} → ${end.table} slots, ${warm.live} → ${end.live} in use`);
  console.log(`soak trend (wasm bytes / table slots in use / heap MiB per ${WARMUP} calls): ${trend.map((m) => `${m.wasm}/${m.live}/${(m.heap / 1048576).toFixed(1)}`).join(" ")}`);
  console.log(`soak JS heap: ${fmt(warm.heap)} after warm-up, ${fmt(end.heap)} at the end (Δ ${((end.heap - warm.heap) / 1024).toFixed(0)} KiB)`);
  assert.equal(httpRequests, TOTAL / HTTP_SHARE, "the HTTP slice ran");
  for (const code of ["ok", "SQUARE_ERROR", "HTTP_ERROR", "INVALID_JSON", "INVALID_RESPONSE", "RESPONSE_TOO_LARGE", "NETWORK_ERROR", "INVALID_FETCH_RESULT", "REDIRECT", "ABORTED", "TIMEOUT", "MISSING_FIELD", "INVALID_AUTHORIZATION", "UNSAFE_HEADER_VALUE", "INVALID_TYPE"]) {
    assert.ok(outcomes.get(code) > 0, `the mix produced ${code}`);
  }
  assert.ok(end.wasm - warm.wasm <= PAGE, `wasm memory grew by ${end.wasm - warm.wasm} bytes`);
  // The table's length is a high-water mark of references in flight (64 calls at a time); the
  // slots in use after the calls are what must not grow.
  assert.ok(end.live - warm.live <= 8, `externref slots in use grew by ${end.live - warm.live}`);
  assert.ok(end.heap - warm.heap <= HEAP_TOLERANCE, `JS heap grew by ${fmt(end.heap - warm.heap)}`);
  console.log("soak: flat — passed");
} finally {
  await srv.close();
}
