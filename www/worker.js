// The demo's edge Worker: the server side of Square's code flow, with square-oauth-edge.
//
// The application ID and secret come from bindings (wrangler.toml vars and
// `wrangler secret put SQUARE_APPLICATION_SECRET`; `make demo` binds them in workerd), never from
// a request. Tokens stay here, in this isolate's memory, keyed by an HttpOnly session cookie: fine
// for a demo, not for production (an isolate can be evicted at any time, and Cloudflare may serve
// two requests from two isolates). A real app keeps them encrypted in KV, D1 or a Durable Object.
//
// Routes
//   GET  /                 the page (www/index.html); GET /app.js, /style.css
//   GET  /pkg/…            the package's browser files, when a PKG service is bound (make demo)
//   GET  /api/session      the configuration the page may know, the connection, the activity log
//   POST /api/connect      a fresh `state` → the authorize URL the page sends the seller to
//   GET  /callback         Square's redirect: parseCallback checks `state`, the code is exchanged
//   POST /api/status       RetrieveTokenStatus
//   POST /api/refresh      ObtainToken (grant_type refresh_token)
//   POST /api/renew        RenewToken (deprecated by Square, still answered)
//   POST /api/revoke       RevokeToken
//   POST /api/forget       forget this session's tokens here (nothing is sent to Square)
//
// Every Square call goes through an injected `fetch` that records the request and the response as
// they went over the wire; the page gets them with secrets and tokens redacted.
import { OAuthClient, SquareError, authorizeUrl, createState, parseCallback, shouldRefresh } from "square-oauth-edge";

/** The permissions the demo asks for (any of the 59 scope names would do). */
const SCOPES = ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"];
const SESSION_COOKIE = "demo_session";
const MAX_SESSIONS = 500;
const MAX_LOG = 30;

/** id → { pending: {state, redirectUri} | null, token, status, revoked, log } */
const sessions = new Map();

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    try {
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
    label: baseUrl ? "fake Square" : `Square ${environment}`,
    fake: Boolean(baseUrl),
    redirectUrl: env.SQUARE_REDIRECT_URL || "",
  };
}

function redirectUrlFor(cfg, url) {
  return cfg.redirectUrl || new URL("/callback", url).href;
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
          // Public: the application ID is in every authorize URL anyway. The secret is not here.
          clientId: cfg.clientId,
          redirectUrl: redirectUrlFor(cfg, url),
          scopes: SCOPES,
          pkg: Boolean(env.PKG),
        },
        connection: connectionView(session),
        log: session.log,
      });
      break;
    case "POST /api/connect":
      response = json(200, connect(cfg, session, url));
      break;
    case "GET /callback":
      await callback(cfg, session, url);
      // Back to the page, without the code in the address bar or in any Referer.
      response = new Response(null, { status: 303, headers: { location: "/" } });
      break;
    case "POST /api/status":
    case "POST /api/refresh":
    case "POST /api/renew":
    case "POST /api/revoke": {
      const entry = await ACTIONS[url.pathname](cfg, session);
      response = json(200, { entry: remember(session, entry), connection: connectionView(session) });
      break;
    }
    case "POST /api/forget":
      session.token = null;
      session.status = null;
      session.revoked = false;
      session.pending = null;
      session.log = [];
      response = json(200, { connection: connectionView(session), log: [] });
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

async function callback(cfg, session, url) {
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
  const wire = recorder(cfg, session);
  const oauth = client(cfg, wire);
  let entry;
  try {
    const token = await oauth.obtainToken({
      client_id: cfg.clientId,
      client_secret: cfg.secret,
      code,
      grant_type: "authorization_code",
      redirect_uri: pending.redirectUri, // the authorize URL had one, so the exchange repeats it
    });
    session.token = token;
    session.revoked = false;
    session.status = null;
    // ObtainToken does not say which scopes were granted; RetrieveTokenStatus does.
    try {
      session.status = await oauth.retrieveTokenStatus(token.access_token);
    } catch {
      // The token is still good; the failed status call is in the wire log.
    }
    entry = {
      title: "Callback: code exchanged (ObtainToken, then RetrieveTokenStatus)",
      ok: true,
      summary: `Connected merchant ${token.merchant_id}. The tokens stay in the Worker.`,
      result: tokenView(token),
    };
  } catch (e) {
    entry = { title: "Callback: code exchange failed (ObtainToken)", ok: false, error: errorView(e) };
  }
  remember(session, { ...entry, exchanges: await wire.exchanges() });
}

const ACTIONS = {
  async "/api/status"(cfg, session) {
    return call(cfg, session, "Status (RetrieveTokenStatus)", async (oauth, token) => {
      const status = await oauth.retrieveTokenStatus(token.access_token);
      session.status = status;
      return { summary: `The access token …${last4(token.access_token)} is valid.`, result: status };
    });
  },

  async "/api/refresh"(cfg, session) {
    return call(cfg, session, "Refresh (ObtainToken, grant_type refresh_token)", async (oauth, token) => {
      const fresh = await oauth.obtainToken({
        client_id: cfg.clientId,
        client_secret: cfg.secret,
        grant_type: "refresh_token",
        refresh_token: token.refresh_token,
      });
      session.token = { ...token, ...fresh, refresh_token: fresh.refresh_token ?? token.refresh_token };
      const same = fresh.refresh_token === token.refresh_token;
      return {
        summary:
          `New access token …${last4(fresh.access_token)}; ` +
          (same ? "the refresh token is unchanged (code flow: multi-use)." : `new refresh token …${last4(fresh.refresh_token)}.`),
        result: tokenView(fresh),
      };
    });
  },

  async "/api/renew"(cfg, session) {
    return call(cfg, session, "Renew (RenewToken, deprecated)", async (oauth, token) => {
      const renewed = await oauth.renewToken(cfg.clientId, { access_token: token.access_token }, cfg.secret);
      session.token = { ...token, ...renewed };
      return {
        summary: `New access token …${last4(renewed.access_token)} (the old one stays valid until it expires).`,
        result: tokenView(renewed),
      };
    });
  },

  async "/api/revoke"(cfg, session) {
    return call(cfg, session, "Revoke (RevokeToken)", async (oauth, token) => {
      const result = await oauth.revokeToken({ client_id: cfg.clientId, access_token: token.access_token }, `Client ${cfg.secret}`);
      // The tokens are kept so that "Check status" can show Square refusing them now.
      session.revoked = true;
      session.status = null;
      return { summary: "Square revoked the merchant's tokens for this app. Check the status: it now fails.", result };
    });
  },
};

/** Runs one Square call with a recording client; returns the log entry. */
async function call(cfg, session, title, fn) {
  if (!session.token) {
    return { title, ok: false, summary: "Connect first: this session has no token.", exchanges: [] };
  }
  const wire = recorder(cfg, session);
  try {
    const { summary, result } = await fn(client(cfg, wire), session.token);
    return { title, ok: true, summary, result, exchanges: await wire.exchanges() };
  } catch (e) {
    return { title, ok: false, error: errorView(e), exchanges: await wire.exchanges() };
  }
}

function client(cfg, wire) {
  // One client per call, so that its injected fetch records this call's exchanges only.
  return new OAuthClient({ ...cfg.target, fetch: wire.fetch });
}

// ---- the wire log ---------------------------------------------------------------------------

/**
 * An injected `fetch` for OAuthClient that records each attempt: the request as the client built
 * it, and the response (its status, headers, and the body read from a clone).
 */
function recorder(cfg, session) {
  const records = [];
  return {
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
      const redact = redactor(cfg, session);
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
function redactor(cfg, session) {
  const known = new Map([[cfg.secret, "[redacted]"]]);
  const learn = (v) => {
    if (typeof v === "string" && v.length >= 8 && !known.has(v)) known.set(v, mask(v));
  };
  for (const t of [session.token, session.status]) {
    if (t) for (const f of TOKEN_FIELDS) learn(t[f]);
  }
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

function connectionView(session) {
  const t = session.token;
  if (!t) return { connected: false, pending: Boolean(session.pending) };
  return {
    connected: true,
    revoked: session.revoked,
    merchant_id: t.merchant_id ?? session.status?.merchant_id ?? null,
    expires_at: t.expires_at ?? null,
    scopes: session.status?.scopes ?? null,
    refresh_due: shouldRefresh(t),
    access_token: `…${last4(t.access_token)}`,
    refresh_token: t.refresh_token ? `…${last4(t.refresh_token)}` : null,
    refresh_token_expires_at: t.refresh_token_expires_at ?? null,
  };
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

function sessionOf(request, url) {
  const id = cookie(request, SESSION_COOKIE);
  if (id && sessions.has(id)) return { session: sessions.get(id), setCookie: null };
  const fresh = createState(); // 256 random bits, URL-safe: a fine session id
  const session = { pending: null, token: null, status: null, revoked: false, log: [] };
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
