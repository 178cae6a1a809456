// Every failure path of the other suites — hostile servers that echo the request back, bad
// inputs, retries, time limits, aborts — with recognisable secrets and tokens: none of them may
// appear in `message`, `String(err)`, `JSON.stringify(err)`, `err.stack`, `util.inspect(err)`,
// any property reachable from the error (walked deeply, `cause`, `body` and `errors` included),
// or anything written to the console or to stdout/stderr while the suite runs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import util from "node:util";
import { OAuthClient, SquareError } from "../../pkg/node.js";
import { startScripted, ECHO } from "./scripted-server.mjs";
import { hostileCases } from "./hostile-cases.mjs";
import { badInputs, runBadInput } from "./bad-inputs.mjs";
import { OPS, SECRETS, SECRET, failure } from "./common.mjs";

// --- capture everything written while the suite runs (passed through as well) ----------------
const written = [];
const originals = [];
function capture() {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    originals.push(() => (stream.write = write));
    stream.write = function (chunk, ...rest) {
      written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return write.call(this, chunk, ...rest);
    };
  }
  for (const level of ["log", "info", "warn", "error", "debug", "trace", "dir"]) {
    const fn = console[level];
    originals.push(() => (console[level] = fn));
    console[level] = (...args) => {
      written.push(util.format(...args));
      return fn.apply(console, args);
    };
  }
}
capture();

/** Every string reachable from `value`: own properties (enumerable or not, symbols too), through
 * prototypes' getters-free own data, arrays, Maps, Sets, byte arrays; cycles are followed once. */
function strings(value, out = [], seen = new Set(), depth = 0) {
  if (value === null || value === undefined || depth > 12) return out;
  const t = typeof value;
  if (t === "string") return out.push(value), out;
  if (t === "number" || t === "boolean" || t === "bigint" || t === "symbol") return out.push(String(value)), out;
  if (t === "function") return out;
  if (seen.has(value)) return out;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return out.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("latin1")), out;
  if (value instanceof Map || value instanceof Set) {
    for (const e of value) strings(e, out, seen, depth + 1);
  }
  for (const key of Reflect.ownKeys(value)) {
    out.push(String(key));
    const d = Object.getOwnPropertyDescriptor(value, key);
    if (d && "value" in d) strings(d.value, out, seen, depth + 1);
    else if (d?.get) {
      try {
        strings(d.get.call(value), out, seen, depth + 1);
      } catch {
        // A throwing getter holds nothing we could print.
      }
    }
  }
  return out;
}

let checked = 0;
/** Asserts that no secret is anywhere in `e` or in its renderings. */
function assertClean(e, what) {
  const dump = [
    e?.message,
    String(e),
    JSON.stringify(e),
    e?.stack,
    util.inspect(e, { depth: 10, showHidden: true, getters: true }),
    ...strings(e),
  ].join("\n");
  for (const s of SECRETS) assert.ok(!dump.includes(s), `${what}: a secret appears in the error:\n${dump.slice(0, 4000)}`);
  // The user's own logging of the error goes through the captured console too.
  console.error(e);
  checked++;
}

let srv, other, client;
const ctx = {
  get other() {
    return other;
  },
};

before(async () => {
  srv = await startScripted();
  other = await startScripted();
  client = new OAuthClient({ baseUrl: srv.url, maxRetries: 0, timeoutMs: 2000 });
});
after(async () => {
  await srv.close();
  await other.close();
  for (const restore of originals) restore();
});

test("hostile servers echoing the request: no secret in any error", async () => {
  const cases = hostileCases(ctx);
  for (const c of cases) {
    srv.reset();
    srv.queue(...(Array.isArray(c.reply) ? c.reply : [c.reply]));
    const { error } = await failure(OPS[c.op](client, c.opts));
    assert.equal(error.code, c.code, c.name);
    assertClean(error, c.name);
  }
  // The echo really happened: the server saw the secrets, and bodies kept on errors say so.
  srv.reset();
  srv.queue({ status: 400, json: { errors: [{ category: "INVALID_REQUEST_ERROR", code: "BAD_REQUEST", detail: ECHO }] } });
  const { error } = await failure(OPS.obtain(client));
  assert.ok(srv.requests[0].body.includes(SECRET));
  assert.match(error.errors[0].detail, /\[redacted\]/);
  assert.match(JSON.stringify(error.body), /\[redacted\]/);
  console.log(`secrets: ${cases.length} hostile cases clean`);
});

test("secrets in response headers, every operation and grant: none in any error", async () => {
  const ops = Object.keys(OPS);
  const replies = [
    (rec) => ({ status: 302, headers: { location: `https://evil.example/?${encodeURIComponent(rec.headers.authorization ?? rec.body)}` }, body: "" }),
    (rec) => ({ status: 200, headers: { "content-type": `text/x;${rec.headers.authorization ?? rec.body}` }, body: rec.body }),
    (rec) => ({ status: 503, headers: { "retry-after": rec.headers.authorization ?? "x", "content-type": "application/json" }, body: JSON.stringify({ type: rec.body, message: rec.headers.authorization }) }),
    (rec) => ({ status: 401, headers: { "www-authenticate": rec.headers.authorization ?? "" }, json: { errors: [{ category: "AUTHENTICATION_ERROR", code: "UNAUTHORIZED", detail: rec.body, field: rec.headers.authorization }] } }),
    (rec) => ({ status: 200, json: { [rec.body]: rec.headers.authorization ?? "", errors: [{ category: "API_ERROR", code: "X", detail: rec.body }] } }),
  ];
  for (const op of ops) {
    for (const reply of replies) {
      srv.reset();
      srv.queue(reply);
      const { error } = await failure(OPS[op](client));
      assert.ok(error instanceof SquareError);
      assertClean(error, `${op} ${reply}`);
    }
  }
});

test("bad inputs carrying secrets: none in any error", async () => {
  const cases = badInputs();
  for (const c of cases) {
    srv.reset();
    let error;
    try {
      await runBadInput(c, { url: srv.url, client });
    } catch (e) {
      error = e;
    }
    if (c.path) continue; // sent on purpose, answered with success
    assert.ok(error instanceof SquareError, c.name);
    assertClean(error, c.name);
  }
  console.log(`secrets: ${cases.length} bad inputs clean`);
});

test("retries, time limits and aborts carrying secrets: none in any error", async () => {
  const limited = { status: 429, headers: { "retry-after": "0" }, json: { errors: [{ category: "RATE_LIMIT_ERROR", code: "RATE_LIMITED", detail: ECHO }] } };
  const retrying = new OAuthClient({ baseUrl: srv.url, maxRetries: 2, timeoutMs: 2000 });
  for (const op of Object.keys(OPS)) {
    srv.reset();
    srv.queue(limited, limited, limited);
    const { error } = await failure(OPS[op](retrying));
    assert.match(error.message, /after 3 attempts/);
    assertClean(error, `429 ×3 ${op}`);
    // A server of its own: an attempt started just before the overall deadline can reach it
    // after the call has failed, and must not take an answer scripted for the next step.
    const slow = await startScripted();
    slow.queue({ delayMs: 60_000 }, { delayMs: 60_000 }, { delayMs: 60_000 });
    const slowClient = new OAuthClient({ baseUrl: slow.url, maxRetries: 2 });
    const t = await failure(OPS[op](slowClient, { timeoutMs: 100, totalTimeoutMs: 250, retryUnsafe: true }));
    await slow.close();
    assert.equal(t.error.code, "TIMEOUT");
    assertClean(t.error, `timeout ${op}`);
    srv.reset();
    const ctl = new AbortController();
    srv.queue(() => {
      setTimeout(() => ctl.abort(new Error("stop")), 20);
      return { ...limited, headers: { "retry-after": "30" } };
    });
    const a = await failure(OPS[op](retrying, { signal: ctl.signal }));
    assert.equal(a.error.code, "ABORTED");
    assertClean(a.error, `abort ${op}`);
    srv.reset();
    srv.queue({ reset: true }, { reset: true }, { reset: true });
    const n = await failure(OPS[op](retrying, { retryUnsafe: true, maxRetries: 2 }));
    assert.equal(n.error.code, "NETWORK_ERROR");
    assertClean(n.error, `network ${op}`);
  }
  // An injected fetch that is handed the secrets and fails in every way it can.
  const fetches = [
    async () => null,
    async (_u, init) => new Response(init.body, { status: 400, headers: { "content-type": "text/plain" } }),
    async (_u, init) => new Response(init.body, { status: 200, headers: { "content-type": "text/html" } }),
    async (_u, init) => new Response(`${init.body}${"x".repeat(300_000)}`, { status: 200, headers: { "content-type": "application/json" } }),
    async (_u, init) => new Response(JSON.stringify({ errors: [{ category: "A", code: "B", detail: new Headers(init.headers).get("authorization") }] }), { status: 500, headers: { "content-type": "application/json" } }),
  ];
  for (const fetch of fetches) {
    const c = new OAuthClient({ fetch, maxRetries: 0 });
    for (const op of Object.keys(OPS)) {
      const { error } = await failure(OPS[op](c));
      assertClean(error, `injected fetch ${fetch} ${op}`);
    }
  }
});

test("nothing written to the console or stdout/stderr carried a secret", () => {
  assert.ok(checked > 200, `${checked} errors checked`);
  const all = written.join("");
  assert.ok(all.length > 0, "the capture saw the errors logged by the suite");
  for (const s of SECRETS) assert.ok(!all.includes(s), `a secret was written to the console: ${s}`);
  assert.ok(all.includes("SquareError"), "the logged errors were captured");
  console.log(`secrets: ${checked} errors checked, ${all.length} characters of console output clean`);
});

/** Every 12-character window of every secret: a cut-off secret is still a leak. */
const windows = SECRETS.flatMap((s) => Array.from({ length: s.length - 11 }, (_, i) => s.slice(i, i + 12)));

test(
  "a secret cut off by the length limits of messages and bodies does not leak a prefix",
  {},
  async () => {
    const leaks = [];
    const answer = (status, ct, body) => new OAuthClient({ maxRetries: 0, fetch: async () => new Response(body, { status, headers: { "content-type": ct } }) });
    const probes = [
      ...[150, 170, 180].map((pad) => answer(400, "application/json", JSON.stringify({ errors: [{ category: "A", code: "B", detail: "x".repeat(pad) + SECRET }] }))),
      ...[2000, 2020].map((pad) => answer(502, "text/html", "x".repeat(pad) + SECRET)),
      ...[30, 50].map((pad) => answer(200, `text/${"x".repeat(pad)}${SECRET}`, "{}")),
    ];
    for (const c of probes) {
      const { error } = await failure(OPS.revoke(c));
      const dump = [error.message, JSON.stringify(error), error.stack].join("\n");
      const hit = windows.find((w) => dump.includes(w));
      if (hit) leaks.push(`${error.code}: …${hit}…`);
    }
    assert.deepEqual(leaks, []);
  },
);
