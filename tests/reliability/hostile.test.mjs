// Hostile and broken servers (tests/reliability/hostile-cases.mjs) against the built package over
// real HTTP: each behaviour gives its coded rejection within the time limit — never a hang, never
// a wasm trap — and the same OAuthClient instance then completes a normal call.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { OAuthClient, SquareError } from "../../pkg/node.js";
import { startScripted, eventually } from "./scripted-server.mjs";
import { hostileCases } from "./hostile-cases.mjs";
import { OPS, failure, timed } from "./common.mjs";
import { MAX_BODY } from "./limits.mjs";

const TIMEOUT_MS = 2000;
let srv, other, client;
const ctx = {
  get other() {
    return other;
  },
};
const cases = hostileCases(ctx);
console.log(`hostile cases: ${cases.length}`);

before(async () => {
  srv = await startScripted();
  other = await startScripted();
  // One instance for the whole battery: it must survive every case.
  client = new OAuthClient({ baseUrl: srv.url, maxRetries: 0, timeoutMs: TIMEOUT_MS, totalTimeoutMs: 2 * TIMEOUT_MS });
});
after(async () => {
  await srv.close();
  await other.close();
});

test("the battery has at least 30 distinct behaviours", () => {
  assert.ok(cases.length >= 30, `${cases.length}`);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, "names are unique");
});

for (const c of cases) {
  test(`hostile: ${c.name} → ${c.code}`, { timeout: 15_000 }, async () => {
    srv.reset();
    other.reset();
    srv.queue(...(Array.isArray(c.reply) ? c.reply : [c.reply]));
    const { error: e, ms } = await failure(OPS[c.op](client, c.opts));
    assert.ok(e instanceof SquareError, `not a SquareError: ${e}`);
    assert.equal(e.code, c.code, e.message);
    assert.equal(e.statusCode, c.status, "statusCode");
    assert.equal(typeof e.message, "string");
    assert.ok(e.message.length > 0);
    assert.ok(Array.isArray(e.errors));
    const maxMs = c.maxMs ?? TIMEOUT_MS;
    assert.ok(ms < maxMs, `rejected after ${ms.toFixed(0)} ms, limit ${maxMs}`);
    if (c.minMs) assert.ok(ms >= c.minMs, `rejected after ${ms.toFixed(0)} ms, before the time limit`);
    assert.equal(srv.requests.length, c.requests ?? 1, "requests sent");
    assert.equal(srv.queued, 0, "every scripted answer was used");
    if (c.large) {
      // The client stopped reading: the server saw the connection closed long before it had
      // written 50 MB (what it managed to write sits in socket buffers, a few MB at most).
      const st = srv.requests[0].stream;
      await eventually(() => st.closedAt !== undefined, 3000, "the server to see the socket closed");
      assert.equal(st.finished, false, "the server never finished writing");
      assert.equal(st.closedEarly, true);
      assert.ok(st.written < st.total / 4, `server wrote ${st.written} of ${st.total} bytes`);
    }
    c.check?.(e);
    // The same instance works for the next call.
    srv.reset();
    assert.deepEqual(await OPS.revoke(client), { success: true });
    assert.equal(srv.requests.length, 1);
  });
}

test("a body of exactly the cap is read and accepted; the cap is MAX_BODY_BYTES", async () => {
  srv.reset();
  const body = `{"success":true}${" ".repeat(MAX_BODY - 16)}`;
  assert.equal(Buffer.byteLength(body), MAX_BODY);
  srv.queue({ headers: { "content-type": "application/json" }, chunks: [body.slice(0, 1000), body.slice(1000)] });
  assert.deepEqual(await OPS.revoke(client), { success: true });
});

test("every operation's plain success still works after the battery", async () => {
  srv.reset();
  for (const op of ["obtain", "pkce", "refresh", "pkceRefresh", "migration", "revoke", "renew", "status"]) {
    const { value } = await timed(() => OPS[op](client));
    assert.equal(typeof value, "object", op);
  }
  assert.equal(srv.requests.length, 8);
});

test(
  "429 with a Retry-After of more than 10 digits is not waited for and not retried",
  {},
  async () => {
    srv.reset();
    srv.queue({ status: 429, headers: { "retry-after": "99999999999999999999" }, json: { errors: [{ category: "RATE_LIMIT_ERROR", code: "RATE_LIMITED" }] } });
    const { error: e } = await failure(OPS.revoke(client, { maxRetries: 2 }));
    assert.equal(e.code, "SQUARE_ERROR");
    assert.equal(srv.requests.length, 1, "not retried");
  },
);
