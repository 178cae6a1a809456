// The retry policy, time limits and abort, over real HTTP against the scripted server: attempt
// counts for every row of the policy table, and timing bounds measured on the server's clock
// (`Retry-After: 0` and small limits keep it fast; bounds are generous and one-sided where a
// scheduler could only make things slower).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { OAuthClient, SquareError } from "../../pkg/node.js";
import { startScripted, eventually } from "./scripted-server.mjs";
import { OPS, failure, timed } from "./common.mjs";

let srv, client;
// Timers may fire up to a millisecond early after rounding; measured gaps include that.
const EARLY = 3;
const SLACK = 1000;

before(async () => {
  srv = await startScripted();
  client = new OAuthClient({ baseUrl: srv.url, timeoutMs: 2000 }); // maxRetries: the default, 2
});
after(async () => {
  await srv.close();
});

const SAFE = ["refresh", "revoke", "renew", "status"];
const SINGLE_USE = ["obtain", "pkce", "pkceRefresh", "migration"];
const ALL = [...SINGLE_USE, ...SAFE];
const rateLimited = { status: 429, headers: { "retry-after": "0" }, json: { errors: [{ category: "RATE_LIMIT_ERROR", code: "RATE_LIMITED" }] } };
const status = (s, ra = "0") => ({ status: s, headers: { "retry-after": ra, "content-type": "text/html" }, body: `<h1>${s}</h1>` });
const gaps = (reqs) => reqs.slice(1).map((r, i) => r.at - reqs[i].at);

/** Scripts `replies`, makes the call, and returns { result | error, requests, ms }. */
async function attempt(op, replies, opts, c = client) {
  srv.reset();
  srv.queue(...replies);
  const t0 = performance.now();
  let result, error;
  try {
    result = await OPS[op](c, opts);
  } catch (e) {
    error = e;
  }
  return { result, error, requests: srv.requests.length, ms: performance.now() - t0, reqs: [...srv.requests], left: srv.queued };
}

let rows = 0;
function expectRetried(r, requests, what) {
  rows++;
  assert.equal(r.error, undefined, `${what}: ${r.error?.message}`);
  assert.equal(typeof r.result, "object", what);
  assert.equal(r.requests, requests, `${what}: requests`);
}
function expectNotRetried(r, code, what) {
  rows++;
  assert.ok(r.error instanceof SquareError, `${what}: expected a rejection`);
  assert.equal(r.error.code, code, `${what}: ${r.error.message}`);
  assert.equal(r.requests, 1, `${what}: requests`);
}

test("429 is retried for every operation, single-use grants included", async () => {
  for (const op of ALL) {
    const r = await attempt(op, [rateLimited, rateLimited]);
    expectRetried(r, 3, `429 ${op}`);
  }
});

test("408 and 5xx: retried when replay is safe, never for a single-use grant unless retryUnsafe", async () => {
  for (const s of [408, 500, 502, 503, 504]) {
    for (const op of SAFE) expectRetried(await attempt(op, [status(s)]), 2, `${s} ${op}`);
    for (const op of SINGLE_USE) {
      const r = await attempt(op, [status(s)]);
      expectNotRetried(r, "HTTP_ERROR", `${s} ${op}`);
      assert.equal(r.error.statusCode, s);
      expectRetried(await attempt(op, [status(s)], { retryUnsafe: true }), 2, `${s} ${op} retryUnsafe`);
    }
  }
});

test("a network error (connection reset): retried when safe, not for a single-use grant unless retryUnsafe", async () => {
  for (const op of SAFE) expectRetried(await attempt(op, [{ reset: true }]), 2, `reset ${op}`);
  for (const op of SINGLE_USE) {
    expectNotRetried(await attempt(op, [{ reset: true }]), "NETWORK_ERROR", `reset ${op}`);
    expectRetried(await attempt(op, [{ reset: true }], { retryUnsafe: true }), 2, `reset ${op} retryUnsafe`);
  }
});

test("an attempt timeout: retried when safe, not for a single-use grant unless retryUnsafe", async () => {
  const stall = { delayMs: 60_000 };
  for (const op of ["revoke", "refresh"]) {
    const r = await attempt(op, [stall], { timeoutMs: 150 });
    expectRetried(r, 2, `timeout ${op}`);
    assert.ok(r.ms >= 150 - EARLY, `${r.ms}`);
  }
  for (const op of ["obtain", "pkceRefresh"]) {
    const r = await attempt(op, [stall], { timeoutMs: 150 });
    expectNotRetried(r, "TIMEOUT", `timeout ${op}`);
    assert.ok(r.ms >= 150 - EARLY && r.ms < 150 + SLACK, `${r.ms}`);
    expectRetried(await attempt(op, [stall], { timeoutMs: 150, retryUnsafe: true }), 2, `timeout ${op} retryUnsafe`);
  }
});

test("other answers are never retried, even when replay is safe and retryUnsafe is set", async () => {
  const never = [
    [{ status: 400, json: { errors: [{ category: "INVALID_REQUEST_ERROR", code: "BAD_REQUEST" }] } }, "SQUARE_ERROR"],
    [{ status: 401, json: { errors: [{ category: "AUTHENTICATION_ERROR", code: "UNAUTHORIZED" }] } }, "SQUARE_ERROR"],
    [status(403), "HTTP_ERROR"],
    [status(404), "HTTP_ERROR"],
    [status(409), "HTTP_ERROR"],
    [status(422), "HTTP_ERROR"],
    [{ status: 302, headers: { location: "/oauth2/revoke", "retry-after": "0" }, body: "" }, "REDIRECT"],
    [{ status: 307, headers: { location: "/oauth2/revoke" }, body: "" }, "REDIRECT"],
    [{ json: { success: true, errors: [{ category: "API_ERROR", code: "INTERNAL_SERVER_ERROR" }] } }, "ERRORS_IN_SUCCESS"],
    [{ headers: { "content-type": "application/json" }, body: "{" }, "INVALID_JSON"],
    [{ headers: { "content-type": "application/json" }, stream: { total: 1 << 20 } }, "RESPONSE_TOO_LARGE"],
  ];
  for (const [reply, code] of never) {
    expectNotRetried(await attempt("revoke", [reply], { retryUnsafe: true, maxRetries: 5 }), code, `${reply.status ?? 200} → ${code}`);
  }
});

test("maxRetries: the budget is maxRetries + 1 attempts, client-level and per call", async () => {
  const r = await attempt("revoke", [rateLimited, rateLimited, rateLimited, rateLimited]);
  assert.equal(r.error.code, "SQUARE_ERROR");
  assert.equal(r.error.statusCode, 429);
  assert.equal(r.requests, 3, "default maxRetries 2 → 3 attempts");
  assert.match(r.error.message, /after 3 attempts/);
  assert.equal(r.left, 1);
  expectNotRetried(await attempt("revoke", [rateLimited, rateLimited], { maxRetries: 0 }), "SQUARE_ERROR", "per-call maxRetries 0");
  const five = await attempt("status", Array(6).fill(rateLimited), { maxRetries: 5 });
  assert.equal(five.requests, 6);
  const one = new OAuthClient({ baseUrl: srv.url, maxRetries: 1 });
  const r1 = await attempt("renew", [rateLimited, rateLimited, rateLimited], undefined, one);
  assert.equal(r1.requests, 2, "client-level maxRetries 1");
  const r2 = await attempt("renew", [rateLimited, rateLimited, rateLimited], { maxRetries: 2 }, one);
  assert.equal(r2.requests, 3, "per-call maxRetries overrides the client's");
  assert.equal(r2.result, undefined);
});

test("back-off without Retry-After: exponential with jitter, within [0.1, 1] × 250·2^n ms", async () => {
  const r = await attempt("revoke", [status(503, ""), status(503, ""), status(503, "")], { maxRetries: 2 });
  assert.equal(r.requests, 3);
  assert.equal(r.error.code, "HTTP_ERROR");
  const [g1, g2] = gaps(r.reqs);
  assert.ok(g1 >= 25 - EARLY && g1 < 250 + SLACK, `first wait ${g1}`);
  assert.ok(g2 >= 50 - EARLY && g2 < 500 + SLACK, `second wait ${g2}`);
});

test("Retry-After in seconds is honoured", async () => {
  const r = await attempt("obtain", [{ ...rateLimited, headers: { "retry-after": "1" } }]);
  assert.equal(r.requests, 2);
  const [g] = gaps(r.reqs);
  assert.ok(g >= 1000 - EARLY && g < 1000 + SLACK, `waited ${g} ms`);
});

test("Retry-After as an HTTP date is honoured", async () => {
  // IMF-fixdate has whole seconds: a date 2 s ahead is 1-2 s away.
  const r = await attempt("revoke", [() => ({ ...status(503), headers: { "retry-after": new Date(Date.now() + 2000).toUTCString() } })]);
  assert.equal(r.requests, 2);
  const [g] = gaps(r.reqs);
  assert.ok(g >= 1000 - 50 && g < 2000 + SLACK, `waited ${g} ms`);
  // A date in the past means "now".
  const past = await attempt("revoke", [{ ...status(503), headers: { "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" } }]);
  assert.equal(past.requests, 2);
});

test("a Retry-After over 60 s is not waited for: the call fails at once", async () => {
  for (const ra of ["61", "3600", "86400", new Date(Date.now() + 120_000).toUTCString()]) {
    const r = await attempt("status", [{ ...rateLimited, headers: { "retry-after": ra } }]);
    expectNotRetried(r, "SQUARE_ERROR", `Retry-After ${ra}`);
    assert.ok(r.ms < 1000, `${ra}: ${r.ms} ms`);
  }
});

test("an abort during a back-off sleep rejects at once with ABORTED and cause = the reason", async () => {
  const ctl = new AbortController();
  const reason = new Error("the user navigated away");
  srv.reset();
  srv.queue(() => {
    // Abort once the client is asleep in a 30 s Retry-After wait.
    setTimeout(() => ctl.abort(reason), 100);
    return { ...rateLimited, headers: { "retry-after": "30" } };
  });
  const { error: e, ms } = await failure(OPS.revoke(client, { signal: ctl.signal }));
  assert.equal(e.code, "ABORTED");
  assert.equal(e.cause, reason, "cause is the very reason object");
  assert.ok(ms >= 100 - EARLY && ms < 100 + SLACK, `rejected after ${ms} ms (the wait was 30 s)`);
  assert.equal(srv.requests.length, 1);
  // An abort without a reason: the cause is the runtime's AbortError.
  const ctl2 = new AbortController();
  srv.reset();
  srv.queue(() => {
    setTimeout(() => ctl2.abort(), 50);
    return { ...status(503), headers: { "retry-after": "30" } };
  });
  const { error: e2 } = await failure(OPS.renew(client, { signal: ctl2.signal }));
  assert.equal(e2.code, "ABORTED");
  assert.equal(e2.cause, ctl2.signal.reason);
  assert.equal(e2.cause.name, "AbortError");
});

test("an abort during a request in flight stops the fetch (the server sees the socket close)", async () => {
  const ctl = new AbortController();
  const reason = { why: "shutdown" };
  srv.reset();
  srv.queue((rec) => {
    setTimeout(() => ctl.abort(reason), 50);
    return { headers: { "content-type": "application/json" }, chunks: ['{"success":'], stall: true };
  });
  const { error: e, ms } = await failure(OPS.revoke(client, { signal: ctl.signal, timeoutMs: 10_000 }));
  assert.equal(e.code, "ABORTED");
  assert.equal(e.cause, reason);
  assert.ok(ms < 50 + SLACK, `${ms}`);
  await eventually(() => srv.requests[0].socketClosedAt !== undefined, 2000, "the connection to close");
  assert.equal(srv.requests.length, 1, "not retried");
});

test("an already aborted signal rejects before anything is sent", async () => {
  srv.reset();
  const reason = new Error("too late");
  const { error: e } = await failure(OPS.obtain(client, { signal: AbortSignal.abort(reason) }));
  assert.equal(e.code, "ABORTED");
  assert.equal(e.cause, reason);
  assert.equal(srv.requests.length, 0);
});

test("totalTimeoutMs: a wait that would end past the deadline is not started", async () => {
  const r = await attempt("revoke", [{ ...status(503), headers: { "retry-after": "1" } }], { totalTimeoutMs: 500 });
  expectNotRetried(r, "HTTP_ERROR", "Retry-After 1 s with 500 ms left");
  assert.ok(r.ms < 500, `${r.ms}`);
});

test("totalTimeoutMs: attempts and waits end by the overall deadline", async () => {
  const stall = { delayMs: 60_000 };
  const r = await attempt("revoke", Array(11).fill(stall), { timeoutMs: 300, totalTimeoutMs: 700, maxRetries: 10 });
  assert.equal(r.error?.code, "TIMEOUT");
  assert.ok(r.requests >= 2 && r.requests <= 3, `attempts ${r.requests}`);
  assert.ok(r.ms >= 600 - EARLY && r.ms < 700 + SLACK, `the call took ${r.ms} ms`);
  // One attempt whose own limit is longer than the whole call's.
  const one = await attempt("status", [stall], { timeoutMs: 60_000, totalTimeoutMs: 300, maxRetries: 0 });
  assert.equal(one.error?.code, "TIMEOUT");
  assert.ok(one.ms >= 300 - EARLY && one.ms < 300 + SLACK, `${one.ms}`);
});

test("after all of it, the client still makes a plain call", async () => {
  srv.reset();
  const { value, ms } = await timed(() => OPS.status(client));
  assert.deepEqual(value.scopes, ["MERCHANT_PROFILE_READ"]);
  assert.ok(ms < 1000);
  console.log(`retry policy rows checked: ${rows}`);
});
