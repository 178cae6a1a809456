// The one place that calls `fetch`. The wasm does no I/O (see src/api.rs): it validates the call
// and builds the request (`prepare`), judges the answer (`judge`, `reject`, `failure`) and owns
// the retry policy (`nextDelay`). This file only moves bytes: one attempt with its time limit and
// the caller's signal, a capped body read, and the wait between attempts.
//
// Self-contained (no imports), so that the wasm tests (tests/wasm_client.rs) load this very file
// and drive it with the same exports.

// Kinds of failure, as src/api.rs's `failure` numbers them.
const TIMEOUT = 0;
const ABORTED = 1;
const NETWORK = 2;
const NOT_A_RESPONSE = 3;
const TOO_LARGE = 4;
const BAD_CHUNK = 5;

const decoder = new TextDecoder();
const noop = () => {};

/** How an attempt failed before its answer could be judged. */
class Failure {
  constructor(kind, status, cause) {
    this.kind = kind;
    this.status = status;
    this.cause = cause;
  }
}

/**
 * Runs operation `op` (0 ObtainToken, 1 RenewToken, 2 RevokeToken, 3 RetrieveTokenStatus) with
 * up to three positional arguments, under the retry policy. `w` holds the wasm exports and
 * `lift`, which turns the plain error objects they return into the caller's error class.
 * `client` is what `normalizeOptions` returned: `{ config, fetch? }`.
 */
export async function run(w, op, client, a, b, d, options) {
  try {
    return await attempts(w, op, client, a, b, d, options);
  } catch (e) {
    throw w.lift(e);
  }
}

async function attempts(w, op, client, a, b, d, options) {
  const prepared = w.prepare(op, client.config, a, b, d, options);
  const plan = JSON.parse(prepared[0]);
  const secrets = prepared[1];
  const signal = prepared[2];
  const fetchFn = client.fetch;
  const deadline = Date.now() + plan.T;
  for (let attempt = 0; ; attempt++) {
    if (signal !== undefined && signal.aborted) {
      throw w.failure(ABORTED, op, 0, 0, signal.reason, secrets, 0);
    }
    // Each attempt gets its own limit, cut short by what is left of the whole call's.
    const remaining = deadline - Date.now();
    const limit = remaining < 1 ? 1 : Math.min(plan.t, Math.floor(remaining));
    let rx;
    let failed;
    try {
      rx = await once(plan, fetchFn, signal, limit);
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      if (e.kind === ABORTED) throw w.failure(ABORTED, op, 0, 0, e.cause, secrets, 0);
      failed = e;
    }
    if (rx !== undefined && w.judge(op, rx.status, rx.opaque, rx.type, rx.body)) {
      try {
        return JSON.parse(decoder.decode(rx.body));
      } catch {
        throw w.reject(op, rx.status, rx.opaque, rx.type, rx.body, secrets, attempt + 1);
      }
    }
    // A failure: wait and try again if the policy allows and the wait ends before the deadline.
    const now = Date.now();
    let delay = -1;
    if (rx !== undefined) {
      const retryAfter = rx.status >= 200 && rx.status < 300 ? null : rx.headers.get("retry-after");
      delay = w.nextDelay(0, rx.status, retryAfter, now, plan.s, attempt, plan.r, Math.random());
    } else if (failed.kind === TIMEOUT || failed.kind === NETWORK || failed.kind === BAD_CHUNK) {
      const kind = failed.kind === TIMEOUT ? 2 : 1;
      delay = w.nextDelay(kind, 0, null, now, plan.s, attempt, plan.r, Math.random());
    }
    if (delay >= 0 && now + delay < deadline) {
      try {
        await sleep(delay, signal);
      } catch (reason) {
        throw w.failure(ABORTED, op, 0, 0, reason, secrets, 0);
      }
      continue;
    }
    throw rx !== undefined
      ? w.reject(op, rx.status, rx.opaque, rx.type, rx.body, secrets, attempt + 1)
      : w.failure(failed.kind, op, limit, failed.status, failed.cause, secrets, attempt + 1);
  }
}

/**
 * Sends the request once and reads the answer: `{ status, opaque, type, headers, body }`, or
 * throws a Failure. The runtime's own `fetch` honours its signal for the request and the body
 * (aborting errors the body stream), so awaiting it is enough; an injected `fetch` may ignore the
 * signal, so then every wait is also raced against the abort.
 */
async function once(plan, fetchFn, signal, limit) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), limit);
  let onCallerAbort;
  if (signal !== undefined) {
    onCallerAbort = () => ctl.abort(signal.reason);
    signal.addEventListener("abort", onCallerAbort);
  }
  let done = false;
  const wait = fetchFn === undefined ? direct : racer(ctl.signal);
  try {
    const init = {
      method: plan.m,
      headers: plan.h,
      body: plan.b,
      redirect: "manual",
      signal: ctl.signal,
    };
    let res;
    try {
      res = await wait(fetchFn === undefined ? fetch(plan.u, init) : fetchFn(plan.u, init));
    } catch (e) {
      throw classify(e, ctl.signal, signal);
    }
    if (!(res instanceof Response)) throw new Failure(NOT_A_RESPONSE, 0, undefined);
    const status = res.status;
    const headers = res.headers;
    // Only a browser's opaque redirect has status 0.
    const opaque = status === 0 && res.type === "opaqueredirect";
    let body;
    if (opaque || (status >= 300 && status < 400)) {
      cancel(res);
      body = new Uint8Array(0);
    } else {
      const declared = length(headers.get("content-length"));
      if (declared > plan.n) {
        cancel(res);
        throw new Failure(TOO_LARGE, status, undefined);
      }
      // The declared length bounds the body only when it is not compressed (a small gzip body
      // can inflate to any size).
      const encoding = declared < 0 ? null : headers.get("content-encoding");
      try {
        if (declared >= 0 && (encoding === null || encoding.trim().toLowerCase() === "identity")) {
          body = new Uint8Array(await wait(res.arrayBuffer()));
          if (body.byteLength > plan.n) throw new Failure(TOO_LARGE, status, undefined);
        } else {
          body = await readCapped(res, plan.n, status, wait);
        }
      } catch (e) {
        throw e instanceof Failure ? e : classify(e, ctl.signal, signal);
      }
    }
    done = true;
    return { status, opaque, type: headers.get("content-type"), headers, body };
  } finally {
    clearTimeout(timer);
    if (onCallerAbort !== undefined) signal.removeEventListener("abort", onCallerAbort);
    // Stops a request or a body still streaming after a failure.
    if (!done) ctl.abort();
  }
}

const direct = (p) => p;

/** Awaits a promise, or rejects as soon as `sig` aborts. */
function racer(sig) {
  const aborted = new Promise((_, reject) => {
    if (sig.aborted) reject(sig.reason);
    else sig.addEventListener("abort", () => reject(sig.reason), { once: true });
  });
  // Observed through a race, or not at all once the attempt is over.
  aborted.catch(noop);
  return (p) => Promise.race([p, aborted]);
}

/** Names a rejection: the caller's signal, our timer, or a network failure. */
function classify(e, ours, caller) {
  if (caller !== undefined && caller.aborted) return new Failure(ABORTED, 0, caller.reason);
  if (ours.aborted) return new Failure(TIMEOUT, 0, undefined);
  return new Failure(NETWORK, 0, e);
}

/** `Content-Length` as a number, or -1 when absent or not 1*DIGIT. */
function length(v) {
  if (v === null) return -1;
  const t = v.trim();
  return /^[0-9]+$/.test(t) ? Number(t) : -1;
}

function cancel(res) {
  const body = res.body;
  if (body !== null && !body.locked) body.cancel().catch(noop);
}

/** Reads the body chunk by chunk, refusing more than `max` bytes. */
async function readCapped(res, max, status, wait) {
  const stream = res.body;
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await wait(reader.read());
    if (done) break;
    if (!(value instanceof Uint8Array)) throw new Failure(BAD_CHUNK, status, undefined);
    total += value.byteLength;
    if (total > max) {
      reader.cancel().catch(noop);
      throw new Failure(TOO_LARGE, status, undefined);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Waits `ms` milliseconds, or rejects with the reason of `signal` when it aborts. */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal === undefined) {
      setTimeout(resolve, ms);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
