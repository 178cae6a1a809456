// The demo's edge Worker: the server side of Square's code flow, with square-oauth-edge.
//
// The application ID and secret come from bindings (wrangler.toml vars and
// `wrangler secret put SQUARE_APPLICATION_SECRET`; `make demo` binds them in workerd), never from
// a request. The tokens are kept by a TokenManager in the Durable Object store: SQUARE_TOKENS is a
// namespace bound to the package's SquareTokenStore class (re-exported below), one object per
// application and merchant, which holds the merchant's tokens encrypted with AES-256-GCM under
// SQUARE_TOKEN_KEY (a secret binding; `make demo` generates a random one at each start) and makes
// the refresh, once, for every isolate that asks. The browser session (which merchant this
// browser connected, and the activity log) stays in this isolate's memory, keyed by an HttpOnly
// cookie: fine for a demo (an isolate can be evicted at any time, and then the page forgets which
// merchant it connected, while the tokens stay in the Durable Object).
//
// Routes
//   GET  /                   the page (www/index.html); GET /app.js, /style.css
//   GET  /pkg/…              the package's browser files, when a PKG service is bound (make demo)
//   GET  /api/session        the configuration the page may know, the connection, the activity log
//   POST /api/connect        a fresh `state` → the authorize URL the page sends the seller to
//   GET  /callback           Square's redirect: parseCallback checks `state`, the code is exchanged,
//                            tokens.save() stores the answer in the Durable Object
//   POST /api/status         tokens.accessToken(), then RetrieveTokenStatus
//   POST /api/refresh        tokens.accessToken() with refreshAfterDays 0: a refresh now
//   POST /api/renew          RenewToken (deprecated by Square, still answered; its answer is not stored)
//   POST /api/revoke         tokens.revoke(): RevokeToken at Square, then the record is forgotten
//   POST /api/seller-revoke  Square's side, simulated: the seller revokes in Square's dashboard
//                            (RevokeToken by merchant_id), then Square's signed
//                            oauth.authorization.revoked event is delivered to /webhook
//   POST /api/forget         tokens.forget() and a fresh session (nothing is sent to Square)
//   POST /webhook            Square's webhooks: verifyWebhook, then tokens.handleWebhook()
//
// Everything comes from the package's `square-oauth-edge/tokens` entry: the whole API plus the
// token manager (the main entry leaves the token manager out, for Workers that do not use it).
//
// Every Square call the Worker makes goes through an injected `fetch` that records the request
// and the response as they went over the wire; the page gets them with secrets and tokens
// redacted. The Durable Object calls Square with its own `fetch` (a refresh), which this log does
// not see.
import {
  OAuthClient,
  SquareError,
  TokenManager,
  authorizeUrl,
  createState,
  parseCallback,
  shouldRefresh,
  verifyWebhook,
} from "square-oauth-edge/tokens";

// The Durable Object class that SQUARE_TOKENS is bound to: a Worker must export the classes of
// its Durable Object namespaces.
export { SquareTokenStore } from "square-oauth-edge/tokens";

/** The permissions the demo asks for (any of the 59 scope names would do). */
const SCOPES = ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"];
const SESSION_COOKIE = "demo_session";
const MAX_SESSIONS = 500;
const MAX_LOG = 30;
const MAX_WEBHOOK_BODY = 64 * 1024;
const SIGNATURE_HEADER = "x-square-hmacsha256-signature";

/**
 * id → { pending: {state, redirectUri} | null, merchantId, status, ended, log }.
 * `merchantId` is the merchant this browser connected (its tokens are in the Durable Object, not
 * here); `status` the last RetrieveTokenStatus answer (scopes and expiry, no token); `ended` why
 * the connection ended: "revoked", "seller-revoked" (the webhook) or "forgotten".
 */
const sessions = new Map();

const handler = {
  async fetch(request, env) {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/webhook") return await webhook(request, env, url);
      if (url.pathname.startsWith("/api/") || url.pathname === "/callback") {
        return await api(request, env, url);
      }
      if (request.method !== "GET" && request.method !== "HEAD") return text(405, "Method not allowed");
      return await serveStatic(request, env, url);
    } catch (e) {
      // Only the demo's own bugs and configuration mistakes land here; no secret is in a message.
      return json(500, { error: { name: e?.name ?? "Error", message: String(e?.message ?? e) } });
    }
  },
};
export default handler;

// ---- configuration --------------------------------------------------------------------------

function settings(env) {
  const clientId = env.SQUARE_APPLICATION_ID;
  const secret = env.SQUARE_APPLICATION_SECRET;
  if (!clientId || !secret) {
    throw new Error(
      "SQUARE_APPLICATION_ID and SQUARE_APPLICATION_SECRET must be bound " +
        "(wrangler.toml [vars] and `wrangler secret put SQUARE_APPLICATION_SECRET`)",
    );
  }
  if (!env.SQUARE_TOKEN_KEY) {
    throw new Error(
      "SQUARE_TOKEN_KEY must be bound: the base64 of 32 random bytes " +
        "(`openssl rand -base64 32 | npx wrangler secret put SQUARE_TOKEN_KEY`)",
    );
  }
  if (!env.SQUARE_TOKENS) {
    throw new Error("SQUARE_TOKENS must be bound to the SquareTokenStore Durable Object class (wrangler.toml [[durable_objects.bindings]])");
  }
  const baseUrl = env.SQUARE_BASE_URL || undefined;
  const environment = env.SQUARE_ENVIRONMENT || "sandbox";
  // The same target for the client and for the authorize URL: a base URL (the fake) wins.
  const target = baseUrl ? { baseUrl } : { environment };
  const squareOrigin = baseUrl
    ? new URL(baseUrl).origin
    : environment === "production"
      ? "https://connect.squareup.com"
      : "https://connect.squareupsandbox.com";
  return {
    clientId,
    secret,
    target,
    squareOrigin,
    tokenKey: env.SQUARE_TOKEN_KEY,
    webhookKey: env.SQUARE_WEBHOOK_SIGNATURE_KEY || "",
    webhookUrl: env.SQUARE_WEBHOOK_URL || "",
    label: baseUrl ? "fake Square" : `Square ${environment}`,
    fake: Boolean(baseUrl),
    redirectUrl: env.SQUARE_REDIRECT_URL || "",
  };
}

function redirectUrlFor(cfg, url) {
  return cfg.redirectUrl || new URL("/callback", url).href;
}

/**
 * The notification URL Square signs with each event: the one registered for the webhook
 * subscription (SQUARE_WEBHOOK_URL). Without it, this Worker's own /webhook, which is what
 * `make demo` uses (nothing outside this machine can reach it).
 */
function notificationUrlFor(cfg, url) {
  return cfg.webhookUrl || new URL("/webhook", url).href;
}

/**
 * A TokenManager over the Durable Object store. `oauth` is the client it calls Square with from
 * this Worker; `refreshAfterDays` 0 makes every token due (the Refresh button).
 */
function tokenManager(cfg, env, oauth, refreshAfterDays) {
  return new TokenManager({
    client: oauth,
    clientId: cfg.clientId,
    clientSecret: cfg.secret,
    store: env.SQUARE_TOKENS,
    encryptionKey: cfg.tokenKey,
    ...(refreshAfterDays === undefined ? {} : { refreshAfterDays }),
  });
}

// ---- the API --------------------------------------------------------------------------------

async function api(request, env, url) {
  const cfg = settings(env);
  const route = `${request.method} ${url.pathname}`;
  if (request.method === "POST" && !sameOrigin(request, url)) {
    return json(403, { error: { name: "Forbidden", message: "cross-origin request refused" } });
  }
  const { session, setCookie } = sessionOf(request, url);
  let response;
  switch (route) {
    case "GET /api/session":
      response = json(200, {
        config: {
          label: cfg.label,
          fake: cfg.fake,
          squareOrigin: cfg.squareOrigin,
          // Public: the application ID is in every authorize URL anyway. The secret is not here,
          // nor the encryption key or the webhook signature key.
          clientId: cfg.clientId,
          redirectUrl: redirectUrlFor(cfg, url),
          notificationUrl: notificationUrlFor(cfg, url),
          webhooks: Boolean(cfg.webhookKey),
          scopes: SCOPES,
          pkg: Boolean(env.PKG),
        },
        connection: await connectionView(cfg, env, session),
        log: session.log,
      });
      break;
    case "POST /api/connect":
      response = json(200, connect(cfg, session, url));
      break;
    case "GET /callback":
      await callback(cfg, env, session, url);
      // Back to the page, without the code in the address bar or in any Referer.
      response = new Response(null, { status: 303, headers: { location: "/" } });
      break;
    case "POST /api/status":
    case "POST /api/refresh":
    case "POST /api/renew":
    case "POST /api/revoke":
    case "POST /api/seller-revoke": {
      const before = session.log[0]?.id;
      await ACTIONS[url.pathname](cfg, env, session, url);
      // Every entry the action added (a webhook may add one too), newest first.
      const added = session.log.findIndex((e) => e.id === before);
      response = json(200, {
        entries: added === -1 ? session.log : session.log.slice(0, added),
        connection: await connectionView(cfg, env, session),
      });
      break;
    }
    case "POST /api/forget":
      if (session.merchantId && !session.ended) {
        // Tokens are kept per merchant: this forgets them for every session of this merchant.
        await tokenManager(cfg, env, client(cfg)).forget(session.merchantId);
      }
      Object.assign(session, freshSession());
      response = json(200, { connection: await connectionView(cfg, env, session), log: [] });
      break;
    default:
      response = json(404, { error: { name: "NotFound", message: `no route ${route}` } });
  }
  const headers = new Headers(response.headers);
  headers.set("cache-control", "no-store");
  headers.set("referrer-policy", "no-referrer");
  if (setCookie) headers.append("set-cookie", setCookie);
  return new Response(response.body, { status: response.status, headers });
}

function sameOrigin(request, url) {
  const origin = request.headers.get("origin");
  return origin === null || origin === url.origin;
}

function connect(cfg, session, url) {
  const state = createState();
  const redirectUri = redirectUrlFor(cfg, url);
  const authorize = authorizeUrl(
    { client_id: cfg.clientId, scope: SCOPES, state, redirect_uri: redirectUri },
    cfg.target,
  );
  // The state is kept here, server-side; the callback must bring the same one back.
  session.pending = { state, redirectUri };
  const entry = remember(session, {
    title: "Connect: authorize URL built",
    ok: true,
    summary: "The browser goes to Square's authorization page; Square sends it back to the callback.",
    result: { authorize_url: authorize, redirect_uri: redirectUri, scope: SCOPES.join(" ") },
    exchanges: [],
  });
  return { authorizeUrl: authorize, entry };
}

async function callback(cfg, env, session, url) {
  const pending = session.pending;
  session.pending = null; // a state is good for one callback only
  let code;
  try {
    ({ code } = parseCallback(url.href, pending?.state ?? ""));
  } catch (e) {
    remember(session, {
      title: "Callback: refused",
      ok: false,
      summary: pending ? "parseCallback rejected Square's redirect; no code was exchanged." : "No authorization was in progress in this browser session.",
      error: errorView(e),
      exchanges: [],
    });
    return;
  }
  const wire = recorder(cfg);
  const oauth = client(cfg, wire);
  let entry;
  let step = "ObtainToken";
  try {
    const token = await oauth.obtainToken({
      client_id: cfg.clientId,
      client_secret: cfg.secret,
      code,
      grant_type: "authorization_code",
      redirect_uri: pending.redirectUri, // the authorize URL had one, so the exchange repeats it
    });
    wire.know(token.access_token, token.refresh_token);
    // Into the Durable Object, encrypted; from here on the Worker asks the TokenManager.
    step = "tokens.save";
    const merchantId = await tokenManager(cfg, env, oauth).save(token);
    Object.assign(session, freshSession(), { merchantId, log: session.log });
    // ObtainToken does not say which scopes were granted; RetrieveTokenStatus does.
    try {
      session.status = statusView(await oauth.retrieveTokenStatus(token.access_token));
    } catch {
      // The token is still good; the failed status call is in the wire log.
    }
    entry = {
      title: "Callback: code exchanged (ObtainToken), tokens saved (tokens.save), then RetrieveTokenStatus",
      ok: true,
      summary:
        `Connected merchant ${merchantId}. tokens.save() stored the tokens encrypted (AES-256-GCM) in ` +
        `the merchant's Durable Object; the Worker keeps no token.`,
      result: tokenView(token),
    };
  } catch (e) {
    entry = { title: `Callback: ${step === "ObtainToken" ? "code exchange" : "saving the tokens"} failed (${step})`, ok: false, error: errorView(e) };
  }
  remember(session, { ...entry, exchanges: await wire.exchanges() });
}

const ACTIONS = {
  async "/api/status"(cfg, env, session) {
    await call(cfg, session, "Status (tokens.accessToken, then RetrieveTokenStatus)", async (oauth, wire) => {
      const access = await tokenManager(cfg, env, oauth).accessToken(session.merchantId);
      wire.know(access);
      const status = await oauth.retrieveTokenStatus(access);
      session.status = statusView(status);
      return {
        summary: `tokens.accessToken() answered …${last4(access)}, from the Durable Object; Square says it is valid.`,
        result: status,
      };
    });
  },

  async "/api/refresh"(cfg, env, session) {
    await call(cfg, session, "Refresh (tokens.accessToken with refreshAfterDays 0)", async (oauth, wire) => {
      const before = await tokenManager(cfg, env, oauth).accessToken(session.merchantId);
      // refreshAfterDays 0: any token is due, so accessToken() refreshes before it answers.
      // Left at its default (7, as Square advises), the same call refreshes by itself once the
      // token is 7 days old.
      const after = await tokenManager(cfg, env, oauth, 0).accessToken(session.merchantId);
      wire.know(before, after);
      if (after === before) throw new Error("accessToken() answered the same access token: no refresh happened");
      const seen = wire.sent("/oauth2/token");
      const status = await oauth.retrieveTokenStatus(after);
      session.status = statusView(status);
      return {
        summary:
          `New access token …${last4(after)} replaces …${last4(before)}. ` +
          (seen
            ? "The refresh (ObtainToken, grant_type refresh_token) is in the wire log below; "
            : "The Durable Object made the refresh (ObtainToken, grant_type refresh_token) with its own fetch, so it is not in this wire log; ") +
          "the new tokens were stored, encrypted, before accessToken() answered. Then RetrieveTokenStatus.",
        result: status,
      };
    });
  },

  async "/api/renew"(cfg, env, session) {
    await call(cfg, session, "Renew (RenewToken, deprecated)", async (oauth, wire) => {
      const access = await tokenManager(cfg, env, oauth).accessToken(session.merchantId);
      wire.know(access);
      const renewed = await oauth.renewToken(cfg.clientId, { access_token: access }, cfg.secret);
      wire.know(renewed.access_token);
      return {
        summary:
          `RenewToken answered a new access token …${last4(renewed.access_token)}. The demo does not store it: ` +
          `a RenewToken answer has no refresh token, and the TokenManager refreshes with ObtainToken. ` +
          `The stored token …${last4(access)} stays valid until it expires.`,
        result: tokenView(renewed),
      };
    });
  },

  async "/api/revoke"(cfg, env, session) {
    let revokedAccess = null; // held for this request only, to show Square refusing it afterwards
    await call(cfg, session, "Revoke (tokens.revoke: RevokeToken, then forget)", async (oauth, wire) => {
      const tokens = tokenManager(cfg, env, oauth);
      revokedAccess = await tokens.accessToken(session.merchantId);
      wire.know(revokedAccess);
      await tokens.revoke(session.merchantId);
      session.ended = "revoked";
      return {
        summary:
          `Square revoked merchant ${session.merchantId}'s tokens for this app, and the TokenManager deleted ` +
          `the merchant's record from the Durable Object.`,
        result: { merchant_id: session.merchantId, forgotten: true },
      };
    });
    if (!revokedAccess || session.ended !== "revoked") return;
    await call(cfg, session, "Status of the revoked access token (RetrieveTokenStatus)", async (oauth, wire) => {
      wire.know(revokedAccess);
      const status = await oauth.retrieveTokenStatus(revokedAccess);
      return { summary: `Square still accepts …${last4(revokedAccess)}.`, result: status };
    });
  },

  async "/api/seller-revoke"(cfg, env, session, url) {
    if (!cfg.webhookKey) {
      remember(session, { title: "Seller revokes (simulated)", ok: false, summary: "SQUARE_WEBHOOK_SIGNATURE_KEY is not bound: this Worker takes no webhooks.", exchanges: [] });
      return;
    }
    let revoked = false;
    await call(cfg, session, "Square, simulated: the seller revokes the app in the dashboard (RevokeToken by merchant_id)", async (oauth) => {
      const result = await oauth.revokeToken({ client_id: cfg.clientId, merchant_id: session.merchantId }, `Client ${cfg.secret}`);
      revoked = true;
      return {
        summary:
          "Square revokes the tokens (played here by RevokeToken), then POSTs oauth.authorization.revoked, " +
          `signed with the subscription's signature key, to the notification URL ${notificationUrlFor(cfg, url)}. ` +
          "The Worker's record is untouched until that event arrives.",
        result,
      };
    });
    if (!revoked) return;
    // Square's event (https://developer.squareup.com/reference/square/oauth-api/webhooks/oauth.authorization.revoked),
    // signed as Square signs it: base64(HMAC-SHA256(signature key, notification URL + raw body)).
    const now = new Date().toISOString();
    const body = JSON.stringify({
      merchant_id: session.merchantId,
      type: "oauth.authorization.revoked",
      event_id: crypto.randomUUID(),
      created_at: now,
      data: { type: "revocation", id: crypto.randomUUID(), object: { revocation: { revoked_at: now, revoker_type: "MERCHANT" } } },
    });
    const notificationUrl = notificationUrlFor(cfg, url);
    const signature = await hmacBase64(cfg.webhookKey, notificationUrl + body);
    // Delivered to this Worker's own /webhook route, in-process: the same handler Square's POST
    // reaches (a Worker's fetch to its own hostname is not routed back to it everywhere). The
    // webhook handler writes its entry into the log of every session of this merchant.
    await handler.fetch(
      new Request(new URL("/webhook", url), { method: "POST", headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature }, body }),
      env,
    );
  },
};

/**
 * Runs one step with a recording client and adds its entry to the log. `fn(oauth, wire)` returns
 * `{ summary, result }`; a failure becomes a failed entry with the error.
 */
async function call(cfg, session, title, fn) {
  if (!session.merchantId) {
    return remember(session, { title, ok: false, summary: "Connect first: this session has no merchant.", exchanges: [] });
  }
  const wire = recorder(cfg);
  try {
    const { summary, result } = await fn(client(cfg, wire), wire);
    return remember(session, { title, ok: true, summary, result, exchanges: await wire.exchanges() });
  } catch (e) {
    return remember(session, { title, ok: false, error: errorView(e), exchanges: await wire.exchanges() });
  }
}

function client(cfg, wire) {
  // One client per call, so that its injected fetch records this call's exchanges only.
  return new OAuthClient({ ...cfg.target, ...(wire ? { fetch: wire.fetch } : {}) });
}

// ---- webhooks -------------------------------------------------------------------------------

/**
 * POST /webhook: Square's notifications. The signature is checked over the raw body, exactly as
 * it arrived, and the notification URL as registered; only then is the event read.
 *   200  handled (forgotten, not-stored, ignored) or STALE_WEBHOOK (an old revocation replayed:
 *        acknowledged, nothing forgotten), so that Square does not deliver it again
 *   401  INVALID_WEBHOOK_SIGNATURE       400  INVALID_WEBHOOK_EVENT
 *   500  anything else (the store, Web Crypto): Square delivers it again later
 */
async function webhook(request, env, url) {
  if (request.method !== "POST") return json(405, { error: { name: "MethodNotAllowed", message: "POST only" } });
  const cfg = settings(env);
  if (!cfg.webhookKey) return json(404, { error: { name: "NotFound", message: "webhooks are not configured (SQUARE_WEBHOOK_SIGNATURE_KEY)" } });
  const raw = new Uint8Array(await request.arrayBuffer());
  if (raw.length > MAX_WEBHOOK_BODY) return json(413, { error: { name: "PayloadTooLarge", message: "body over 64 KiB" } });
  const signature = request.headers.get(SIGNATURE_HEADER);
  let event = null;
  let status;
  let answer;
  try {
    event = await verifyWebhook({ body: raw, signature, signatureKey: cfg.webhookKey, notificationUrl: notificationUrlFor(cfg, url) });
    const outcome = await tokenManager(cfg, env, client(cfg)).handleWebhook(event);
    [status, answer] = [200, { outcome }];
  } catch (e) {
    if (!(e instanceof SquareError)) throw e;
    status = { STALE_WEBHOOK: 200, INVALID_WEBHOOK_SIGNATURE: 401, INVALID_WEBHOOK_EVENT: 400 }[e.code] ?? 500;
    answer = { error: { code: e.code, message: e.message } };
  }
  // Only a verified event names a merchant we may believe: note it in that merchant's sessions.
  if (event?.type === "oauth.authorization.revoked" && typeof event.merchant_id === "string") {
    const exchange = {
      at: new Date().toISOString(),
      ms: 0,
      error: null,
      request: {
        method: "POST",
        url: url.href,
        headers: [...request.headers].filter(([k]) => k === "content-type" || k === SIGNATURE_HEADER).map(([k, v]) => [k, k === SIGNATURE_HEADER ? mask(v) : v]),
        body: pretty(new TextDecoder().decode(raw)),
      },
      response: { status, statusText: status === 200 ? "OK" : "", headers: [["content-type", "application/json; charset=utf-8"]], body: JSON.stringify(answer, null, 2) },
    };
    const forgotten = answer.outcome === "forgotten" || answer.outcome === "not-stored";
    for (const s of sessions.values()) {
      if (s.merchantId !== event.merchant_id || s.ended) continue;
      if (forgotten) s.ended = "seller-revoked";
      remember(s, {
        title: "Webhook: oauth.authorization.revoked (verifyWebhook, then tokens.handleWebhook)",
        ok: forgotten,
        summary: forgotten
          ? `Signature verified; handleWebhook answered "${answer.outcome}": merchant ${event.merchant_id}'s tokens are forgotten. The seller must connect again.`
          : `Signature verified, but the event was refused${answer.error ? ` (${answer.error.code})` : ""}; nothing was forgotten.`,
        error: answer.error ? { name: "SquareError", ...answer.error } : undefined,
        exchanges: [exchange],
      });
    }
  }
  return json(status, answer);
}

/** base64(HMAC-SHA256(key, data)), as Square signs a notification (the demo's stand-in for Square). */
async function hmacBase64(key, data) {
  const enc = new TextEncoder();
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(data)));
  return btoa(String.fromCharCode(...mac));
}

function pretty(body) {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

// ---- the wire log ---------------------------------------------------------------------------

/**
 * An injected `fetch` for OAuthClient that records each attempt: the request as the client built
 * it, and the response (its status, headers, and the body read from a clone).
 */
function recorder(cfg) {
  const records = [];
  const known = []; // tokens this step handled outside a JSON field: masked wherever they appear
  return {
    /** Tokens to mask wherever they appear (a header, a URL, an error body that echoes them). */
    know(...values) {
      for (const v of values) if (typeof v === "string") known.push(v);
    },
    /** Whether a request to `path` was recorded. */
    sent(path) {
      return records.some((r) => {
        try {
          return new URL(r.request.url).pathname === path;
        } catch {
          return false;
        }
      });
    },
    async fetch(input, init = {}) {
      const record = {
        at: new Date().toISOString(),
        request: {
          method: init.method ?? "GET",
          url: String(input),
          headers: headerList(init.headers),
          body: typeof init.body === "string" ? init.body : init.body == null ? null : "[non-text body]",
        },
        response: null,
        error: null,
        ms: 0,
      };
      records.push(record);
      const t0 = Date.now();
      let response;
      try {
        response = await fetch(input, init);
      } catch (e) {
        record.error = `${e?.name ?? "Error"}: ${e?.message ?? e}`;
        record.ms = Date.now() - t0;
        throw e;
      }
      record.ms = Date.now() - t0;
      // Read a copy before the client reads the original: the body as it came over the wire.
      let body;
      try {
        body = await response.clone().text();
      } catch (e) {
        body = `[body not readable: ${e?.message ?? e}]`;
      }
      record.response = { status: response.status, statusText: response.statusText, headers: headerList(response.headers), body };
      return response;
    },
    /** The recorded exchanges, redacted. */
    async exchanges() {
      const redact = redactor(cfg, known);
      return records.map((r) => ({
        at: r.at,
        ms: r.ms,
        error: r.error && redact.text(r.error),
        request: {
          method: r.request.method,
          url: redact.text(r.request.url),
          headers: r.request.headers.map(([k, v]) => [k, redact.header(k, v)]),
          body: r.request.body === null ? null : redact.body(r.request.body),
        },
        response: r.response && {
          status: r.response.status,
          statusText: r.response.statusText,
          headers: r.response.headers.map(([k, v]) => [k, redact.header(k, v)]),
          body: redact.body(r.response.body),
        },
      }));
    },
  };
}

function headerList(headers) {
  if (!headers) return [];
  return [...new Headers(headers)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const SECRET_FIELDS = new Set(["client_secret"]);
const TOKEN_FIELDS = new Set(["access_token", "refresh_token", "code", "code_verifier", "migration_token", "id_token"]);

/**
 * Redaction for the wire log: the application secret disappears entirely; tokens, codes and
 * verifiers keep only their last four characters, so that the same token can be recognised from
 * one call to the next. JSON fields are masked by name, and any known secret value left anywhere
 * else (a header, a URL, an error body that echoes it) is masked too.
 */
function redactor(cfg, tokens) {
  const known = new Map([
    [cfg.secret, "[redacted]"],
    [cfg.tokenKey, "[redacted]"],
  ]);
  if (cfg.webhookKey) known.set(cfg.webhookKey, "[redacted]");
  const learn = (v) => {
    if (typeof v === "string" && v.length >= 8 && !known.has(v)) known.set(v, mask(v));
  };
  for (const t of tokens) learn(t);
  const scrub = (s) => {
    let out = String(s);
    // Longest first, so that a value containing another is masked whole.
    for (const [value, replacement] of [...known].sort((a, b) => b[0].length - a[0].length)) {
      out = out.split(value).join(replacement);
    }
    return out;
  };
  // `code` is the authorization code at the top level of a body; inside Square's errors[] it is
  // an error code, which stays readable.
  const walk = (v, top) => {
    if (Array.isArray(v)) return v.map((x) => walk(x, false));
    if (v === null || typeof v !== "object") return typeof v === "string" ? scrub(v) : v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => {
        if (typeof x === "string" && SECRET_FIELDS.has(k)) return [k, "[redacted]"];
        if (typeof x === "string" && TOKEN_FIELDS.has(k) && (top || k !== "code")) return (learn(x), [k, mask(x)]);
        return [k, walk(x, false)];
      }),
    );
  };
  return {
    text: scrub,
    header(name, value) {
      if (name.toLowerCase() !== "authorization") return scrub(value);
      const [scheme, ...rest] = String(value).split(" ");
      const credential = rest.join(" ");
      return scheme.toLowerCase() === "client" ? `${scheme} [redacted]` : `${scheme} ${mask(credential)}`;
    },
    body(body) {
      if (body === null || body === "") return body;
      try {
        return JSON.stringify(walk(JSON.parse(body), true), null, 2);
      } catch {
        return scrub(body);
      }
    },
  };
}

function mask(value) {
  return typeof value === "string" && value.length >= 12 ? `[redacted …${last4(value)}]` : "[redacted]";
}

function last4(value) {
  return typeof value === "string" ? value.slice(-4) : "";
}

// ---- what the page may see ------------------------------------------------------------------

function tokenView(t) {
  const view = {};
  for (const [k, v] of Object.entries(t)) {
    view[k] = TOKEN_FIELDS.has(k) && typeof v === "string" ? `…${last4(v)}` : v;
  }
  return view;
}

/** What the session keeps of a RetrieveTokenStatus answer: no token is in it. */
function statusView(s) {
  return { scopes: s?.scopes ?? null, expires_at: s?.expires_at ?? null };
}

/**
 * Where the merchant's tokens are: the Durable Object's name and ID (the package names the object
 * `<application ID>/<merchant ID>`), never the record itself.
 */
function storageView(cfg, env, merchantId) {
  const name = `${cfg.clientId}/${merchantId}`;
  let id = null;
  try {
    id = env.SQUARE_TOKENS.idFromName(name).toString();
  } catch {}
  return { binding: "SQUARE_TOKENS", className: "SquareTokenStore", name, id, encryption: "AES-256-GCM" };
}

/**
 * The connection as the page shows it. While the session has a merchant, its access token comes
 * from tokens.accessToken() (the page sees its last four characters, as before): the Durable
 * Object answers, and an UNKNOWN_MERCHANT there means the record is gone.
 */
async function connectionView(cfg, env, session) {
  const merchantId = session.merchantId;
  if (!merchantId) return { connected: false, pending: Boolean(session.pending) };
  const view = {
    connected: false,
    merchant_id: merchantId,
    scopes: session.status?.scopes ?? null,
    expires_at: session.status?.expires_at ?? null,
    storage: storageView(cfg, env, merchantId),
    ended: session.ended,
  };
  if (session.ended) return view;
  try {
    const access = await tokenManager(cfg, env, client(cfg)).accessToken(merchantId);
    view.connected = true;
    view.access_token = `…${last4(access)}`;
    view.refresh_due = view.expires_at === null ? false : shouldRefresh(view.expires_at);
  } catch (e) {
    if (e instanceof SquareError && e.code === "UNKNOWN_MERCHANT") {
      // Forgotten elsewhere: another session's Start over, or a webhook seen by another isolate.
      session.ended = "forgotten";
      view.ended = "forgotten";
    } else {
      view.error = errorView(e); // REAUTHORIZE_REQUIRED, STORE_ERROR, …
    }
  }
  return view;
}

/** A SquareError as plain data (code, status, Square's errors); other errors by name. */
function errorView(e) {
  if (e instanceof SquareError) {
    const view = { name: e.name, code: e.code, message: e.message, errors: e.errors };
    if (e.statusCode !== undefined) view.statusCode = e.statusCode;
    if (e.field !== undefined) view.field = e.field;
    return view;
  }
  return { name: e?.name ?? "Error", message: String(e?.message ?? e) };
}

let entrySeq = 0;
function remember(session, entry) {
  const full = { id: ++entrySeq, at: new Date().toISOString(), ...entry };
  session.log.unshift(full);
  session.log.length = Math.min(session.log.length, MAX_LOG);
  return full;
}

// ---- sessions -------------------------------------------------------------------------------

function freshSession() {
  return { pending: null, merchantId: null, status: null, ended: null, log: [] };
}

function sessionOf(request, url) {
  const id = cookie(request, SESSION_COOKIE);
  if (id && sessions.has(id)) return { session: sessions.get(id), setCookie: null };
  const fresh = createState(); // 256 random bits, URL-safe: a fine session id
  const session = freshSession();
  sessions.set(fresh, session);
  if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value);
  const secure = url.protocol === "https:" ? "; Secure" : "";
  return { session, setCookie: `${SESSION_COOKIE}=${fresh}; Path=/; HttpOnly; SameSite=Lax${secure}` };
}

function cookie(request, name) {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

// ---- static files ---------------------------------------------------------------------------

const PAGE_FILES = new Set(["/index.html", "/app.js", "/style.css"]);
const PKG_FILES = new Set(["browser.js", "square_oauth_edge.js", "errors.js", "square_oauth_edge_bg.wasm"]);
const TYPES = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8", wasm: "application/wasm" };

/**
 * The page, from the ASSETS binding: a workerd disk service under `make demo`, Workers static
 * assets on Cloudflare (which serves them before the Worker runs; this covers the rest). The
 * PKCE callback path is the page too. /pkg/ serves the package's browser files when a PKG service
 * is bound (make demo only).
 */
async function serveStatic(request, env, url) {
  let path = url.pathname;
  if (path === "/" || path === "/pkce-callback") path = "/index.html";
  let service = env.ASSETS;
  if (path.startsWith("/pkg/")) {
    if (!PKG_FILES.has(path.slice(5))) return text(404, "Not found");
    service = env.PKG;
    path = path.slice(4);
  } else if (!PAGE_FILES.has(path)) {
    return text(404, "Not found");
  }
  if (!service) return text(404, "Not found");
  const res = await service.fetch(new Request(new URL(path, url), { method: request.method }));
  if (!res.ok) return text(res.status === 404 ? 404 : 502, "Not found");
  const headers = new Headers(res.headers);
  headers.set("content-type", TYPES[path.split(".").pop()] ?? "application/octet-stream");
  headers.set("cache-control", "no-store");
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "no-referrer");
  if (path.endsWith(".html")) {
    const cfg = settings(env);
    headers.set(
      "content-security-policy",
      `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${cfg.squareOrigin}; ` +
        "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  }
  return new Response(res.body, { status: 200, headers });
}

function json(status, value) {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json; charset=utf-8" } });
}

function text(status, body) {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
