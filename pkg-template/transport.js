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

// ---- caller input → JSON text (src/input.rs reads it back) ----------------------------------
//
// Reading a caller's object from wasm costs a crossing per member, so input is walked here, once,
// with every read caught, and handed over as one JSON text. What JSON cannot say travels as a
// marker {"\u0000": n}; src/input.rs turns markers into values (NaN) or coded errors naming the
// field, so all messages stay in Rust.
const MAX_DEPTH = 8;
const MAX_ITEMS = 256;
const mark = (n) => `{"\\u0000":${n}}`;
const [NAN, BIGINT, SYMBOL, FUNCTION, OTHER, UNREADABLE, TOO_DEEP, TOO_MANY_ITEMS, TOO_MANY_MEMBERS, SPECIAL_OK, SPECIAL_BAD] =
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(mark);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = String.prototype.toWellFormed
  ? (s) => s.toWellFormed()
  : (s) => s.replace(LONE_SURROGATE, "\ufffd");
const str = (s) => JSON.stringify(wellFormed(s));

/** One caller value as JSON text with markers; `undefined` is written as null. */
function encode(v, depth) {
  switch (typeof v) {
    case "string":
      return str(v);
    case "number":
      // String() of a finite number is JSON; ±Infinity is read back from ±1e999.
      return v === v ? (v === Infinity ? "1e999" : v === -Infinity ? "-1e999" : String(v)) : NAN;
    case "boolean":
      return v ? "true" : "false";
    case "undefined":
      return "null";
    case "bigint":
      return BIGINT;
    case "symbol":
      return SYMBOL;
    case "function":
      return FUNCTION;
    case "object":
      if (v === null) return "null";
      break;
    default:
      return OTHER;
  }
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  try {
    if (Array.isArray(v)) return encodeArray(v, depth);
    // A Date is its epoch milliseconds (shouldRefresh's `now`; NaN when invalid).
    if (v instanceof Date) return encode(v.getTime(), depth);
  } catch {
    return UNREADABLE;
  }
  return encodeObject(v, depth, undefined);
}

/**
 * A caller object's own enumerable members. `keep`, for an options object, names the member the
 * call takes as a JavaScript value (`fetch`, `signal`): it is written as a marker saying whether
 * `keep.isKind` accepts it, and kept in `keep.value` when it does.
 */
function encodeObject(v, depth, keep) {
  let keys;
  try {
    keys = Object.keys(v);
  } catch {
    return UNREADABLE;
  }
  if (keys.length > MAX_ITEMS) return TOO_MANY_MEMBERS;
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (k === "\u0000") return OTHER;
    let text;
    try {
      const item = v[k];
      if (item === undefined) continue;
      if (keep !== undefined && k === keep.name && item !== null) {
        const ok = keep.isKind(item);
        if (ok) keep.value = item;
        text = ok ? SPECIAL_OK : SPECIAL_BAD;
      } else {
        text = encode(item, depth + 1);
      }
    } catch {
      text = UNREADABLE;
    }
    out += (out.length > 1 ? "," : "") + str(k) + ":" + text;
  }
  return out + "}";
}

function encodeArray(v, depth) {
  const len = v.length;
  const n = typeof len === "number" ? Math.trunc(len) : 0;
  if (!(n >= 0 && n <= MAX_ITEMS)) return TOO_MANY_ITEMS;
  let out = "[";
  for (let i = 0; i < n; i++) {
    let item;
    try {
      item = v[i];
    } catch {
      out += (i > 0 ? "," : "") + UNREADABLE;
      continue;
    }
    out += (i > 0 ? "," : "") + encode(item, depth + 1);
  }
  return out + "]";
}

/**
 * An options object as JSON text, with the member `name` (a JavaScript value the call keeps:
 * `fetch`, `signal`) replaced by a marker saying whether `isKind` accepts it. Returns
 * `[text, value]`, `value` being that member when accepted.
 */
function encodeOptions(options, name, isKind) {
  if (options === null || typeof options !== "object") return [encode(options, 0), undefined];
  try {
    if (Array.isArray(options)) return ["[]", undefined];
  } catch {
    return [UNREADABLE, undefined];
  }
  const keep = { name, isKind, value: undefined };
  return [encodeObject(options, 0, keep), keep.value];
}

/** The JSON text of `[...values]`, each encoded at the top level (the flow helpers' input). */
export function encodeArgs(...values) {
  return `[${values.map((v) => encode(v, 0)).join(",")}]`;
}

/** `parseCallback`'s input: `url` is a string, or an object read through its string `href`. */
export function encodeCallbackArgs(url, expectedState) {
  if (url !== null && typeof url === "object") {
    let href;
    try {
      href = url.href;
    } catch {
      // Unreadable: no string, as for any object without one.
    }
    url = typeof href === "string" ? href : {};
  }
  return encodeArgs(url, expectedState);
}

/** `shouldRefresh`'s input: of a token object only `expires_at` is read. */
export function encodeRefreshArgs(token, options) {
  if (token !== null && typeof token === "object") {
    let expires;
    try {
      expires = encode(token.expires_at, 1);
    } catch {
      expires = UNREADABLE;
    }
    return `[{"expires_at":${expires}},${encode(options, 0)}]`;
  }
  return encodeArgs(token, options);
}

const isFunction = (f) => typeof f === "function";
const isSignal = (s) => typeof AbortSignal === "function" && s instanceof AbortSignal;

/**
 * Validates client options (in the wasm) and returns what `run` takes as `client`:
 * `{ config, fetch }`, `config` being the checked options as JSON text.
 */
export function normalize(w, options) {
  try {
    const [text, fetchFn] = encodeOptions(options, "fetch", isFunction);
    return { config: w.normalizeOptions(`[${text}]`), fetch: fetchFn };
  } catch (e) {
    throw w.lift(e);
  }
}

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
 * `client` is what `normalize` returned: `{ config, fetch }`.
 */
export async function run(w, op, client, a, b, d, options) {
  try {
    const [opts, signal] = encodeOptions(options, "signal", isSignal);
    const plan = JSON.parse(
      w.prepare(op, client.config, `[${encode(a, 0)},${encode(b, 0)},${encode(d, 0)},${opts}]`),
    );
    // The request's secrets, for scrubbing an error: only a failure needs them as text.
    let secrets;
    const secretsText = () => (secrets ??= JSON.stringify(plan.k));
    const fetchFn = client.fetch;
    const deadline = Date.now() + plan.T;
    for (let attempt = 0; ; attempt++) {
      if (signal !== undefined && signal.aborted) {
        throw w.failure(ABORTED, op, 0, 0, signal.reason, secretsText(), 0);
      }
      // Each attempt gets its own limit, cut short by what is left of the whole call's.
      const remaining = deadline - Date.now();
      const limit = remaining < 1 ? 1 : Math.min(plan.t, Math.floor(remaining));
      let rx;
      let failed;
      try {
        rx = await once(plan, fetchFn, signal, limit);
      } catch (e) {
        // Anything else thrown on the way (a runtime without AbortController, a caller's signal
        // whose addEventListener throws) is reported like a failed fetch, with its cause.
        failed = e instanceof Failure ? e : new Failure(NETWORK, 0, e);
        if (failed.kind === ABORTED) {
          throw w.failure(ABORTED, op, 0, 0, failed.cause, secretsText(), 0);
        }
      }
      if (rx !== undefined && w.judge(op, rx.status, rx.opaque, rx.type, rx.body)) {
        try {
          return JSON.parse(decoder.decode(rx.body));
        } catch {
          throw w.reject(op, rx.status, rx.opaque, rx.type, rx.body, secretsText(), attempt + 1);
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
          throw w.failure(ABORTED, op, 0, 0, reason, secretsText(), 0);
        }
        continue;
      }
      throw rx !== undefined
        ? w.reject(op, rx.status, rx.opaque, rx.type, rx.body, secretsText(), attempt + 1)
        : w.failure(failed.kind, op, limit, failed.status, failed.cause, secretsText(), attempt + 1);
    }
  } catch (e) {
    throw w.lift(e);
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
