// The demo page. Panel 1 asks the Worker (www/worker.js) to run the code flow; panel 2 loads the
// package itself and runs a PKCE flow from the browser. No framework: a few DOM helpers below.

const $ = (id) => document.getElementById(id);

/** Creates an element: h("p", { class: "x" }, "text", child, …). Text is always text, never HTML. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

// ---- rendering shared by both panels ----------------------------------------------------------

function when(iso) {
  if (!iso) return "never (no expiry)";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const days = Math.round((d.getTime() - Date.now()) / 86_400_000);
  const rel = new Intl.RelativeTimeFormat("en", { numeric: "auto" }).format(days, "day");
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC (${rel})`;
}

function timeOf(iso) {
  return new Date(iso).toTimeString().slice(0, 8);
}

function headersText(headers) {
  return headers.map(([k, v]) => `${k}: ${v}`).join("\n");
}

/** One request/response pair, as it went over the wire. */
function exchangeView(x, open) {
  const path = (() => {
    try {
      return new URL(x.request.url).pathname;
    } catch {
      return x.request.url;
    }
  })();
  const outcome = x.response ? `${x.response.status} ${x.response.statusText}`.trim() : `no response: ${x.error}`;
  const failed = !x.response || x.response.status >= 400;
  const request = `${x.request.method} ${x.request.url}\n${headersText(x.request.headers)}${x.request.body ? `\n\n${x.request.body}` : ""}`;
  const response = x.response
    ? `HTTP ${outcome}\n${headersText(x.response.headers)}${x.response.body ? `\n\n${x.response.body}` : ""}`
    : x.error;
  return h(
    "details",
    { class: "exchange", open },
    h("summary", {}, h("code", {}, `${x.request.method} ${path}`), " → ", h("span", { class: failed ? "bad" : "good" }, outcome), h("span", { class: "ms" }, ` ${x.ms} ms`)),
    h(
      "div",
      { class: "wire" },
      h("div", {}, h("h4", {}, "Request"), h("pre", { class: "wire-request" }, request)),
      h("div", {}, h("h4", {}, "Response"), h("pre", { class: "wire-response" }, response)),
    ),
  );
}

/** A SquareError (as plain data): its code, HTTP status, message, and Square's errors[] as a table. */
function errorView(e) {
  const head = h(
    "p",
    { class: "error-head" },
    h("span", { class: "error-name" }, e.name ?? "Error"),
    e.code ? h("code", { class: "error-code" }, e.code) : null,
    e.statusCode ? h("span", { class: "error-status" }, `HTTP ${e.statusCode}`) : null,
    e.field ? h("span", { class: "error-field" }, `field ${e.field}`) : null,
  );
  const rows = (e.errors ?? []).map((x) =>
    h("tr", {}, h("td", {}, x.category ?? ""), h("td", {}, h("code", {}, x.code ?? "")), h("td", {}, x.detail ?? ""), h("td", {}, x.field ?? "")),
  );
  return h(
    "div",
    { class: "error" },
    head,
    h("p", { class: "error-message" }, e.message),
    rows.length
      ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "category"), h("th", {}, "code"), h("th", {}, "detail"), h("th", {}, "field"))), h("tbody", {}, rows))
      : null,
  );
}

/** One activity entry: what was done, its outcome, the safe result, and the wire exchanges. */
function entryView(entry, newest) {
  return h(
    "li",
    { class: `entry ${entry.ok ? "ok" : "fail"}`, dataset: { ok: String(entry.ok), id: entry.id === undefined ? undefined : String(entry.id) } },
    h("div", { class: "entry-head" }, h("span", { class: "badge" }, entry.ok ? "OK" : "Failed"), h("strong", { class: "entry-title" }, entry.title), h("time", {}, timeOf(entry.at))),
    entry.summary ? h("p", { class: "summary" }, entry.summary) : null,
    entry.error ? errorView(entry.error) : null,
    entry.result ? h("details", { class: "result" }, h("summary", {}, "Result (as the page may see it)"), h("pre", {}, JSON.stringify(entry.result, null, 2))) : null,
    (entry.exchanges ?? []).map((x, i) => exchangeView(x, newest && i === entry.exchanges.length - 1)),
  );
}

function renderLog(list, entries, emptyText) {
  list.replaceChildren(...(entries.length ? entries.map((e, i) => entryView(e, i === 0)) : [h("li", { class: "empty" }, emptyText)]));
}

function setText(id, value) {
  $(id).textContent = value ?? "—";
}

function scopesView(scopes) {
  return scopes?.length ? scopes.map((s) => h("code", { class: "scope" }, s)) : ["—"];
}

/** Disables every button of a panel while `fn` runs, then re-applies `refresh()`. */
async function busy(panel, fn, refresh) {
  const buttons = [...panel.querySelectorAll("button")];
  buttons.forEach((b) => (b.disabled = true));
  panel.setAttribute("aria-busy", "true");
  try {
    await fn();
  } finally {
    panel.removeAttribute("aria-busy");
    buttons.forEach((b) => (b.disabled = false));
    refresh();
  }
}

// ---- panel 1: the Worker ------------------------------------------------------------------------

const worker = { config: null, connection: { connected: false }, log: [] };

async function callWorker(path, method = "POST") {
  const res = await fetch(path, { method, headers: { accept: "application/json" } });
  const body = await res.json().catch(() => ({ error: { name: "Error", message: `HTTP ${res.status} from the Worker` } }));
  if (!res.ok) throw body.error ?? body;
  return body;
}

const ENDED = {
  revoked: "Revoked: tokens forgotten",
  "seller-revoked": "Revoked by the seller (webhook): tokens forgotten",
  forgotten: "Not connected: tokens forgotten",
};

/** The connection state's words, from what the Worker said (`connection`). */
function connectionState(c) {
  if (c.connected) return "Connected";
  if (!c.merchant_id) return c.pending ? "Waiting for Square's redirect" : "Not connected";
  if (c.ended) return ENDED[c.ended] ?? "Not connected";
  return `Tokens unusable (${c.error?.code ?? "error"})`;
}

/** Where the tokens are: the Durable Object that holds them, encrypted (no token here). */
function storageText(s) {
  if (!s) return null;
  const id = s.id ? `, object ${s.id.slice(0, 12)}…` : "";
  return `encrypted (${s.encryption}) in Durable Object ${s.className} “${s.name}”${id}`;
}

function renderConnection() {
  const c = worker.connection;
  const card = $("connection");
  const known = Boolean(c.merchant_id);
  card.dataset.state = c.connected ? "connected" : known ? "revoked" : "disconnected";
  setText("conn-state", connectionState(c));
  setText("merchant", known ? c.merchant_id : null);
  $("scopes").replaceChildren(...scopesView(known ? c.scopes : null));
  $("expires").replaceChildren(
    c.connected && c.expires_at !== null ? when(c.expires_at) : "—",
    c.connected && c.refresh_due ? h("span", { class: "tag" }, "refresh due") : "",
  );
  setText("access-token", c.connected ? c.access_token : null);
  setText("stored", c.connected ? storageText(c.storage) : known ? "nothing: the record was deleted" : null);
  const stored = $("stored");
  if (c.connected && c.storage?.id) stored.title = `Durable Object ID ${c.storage.id}`;
  else stored.removeAttribute("title");
  for (const b of $("worker-panel").querySelectorAll("[data-needs=token]")) b.disabled = !c.connected;
  for (const b of $("worker-panel").querySelectorAll("[data-needs=merchant]")) b.disabled = !known;
  $("seller-revoke").disabled = !c.connected || !worker.config?.webhooks;
}

function renderWorkerLog() {
  renderLog($("log"), worker.log, "Nothing yet: press Connect with Square.");
}

function showWorkerError(error) {
  worker.log.unshift({ at: new Date().toISOString(), title: "The Worker could not answer", ok: false, error, exchanges: [] });
  renderWorkerLog();
}

async function loadWorker() {
  const s = await callWorker("/api/session", "GET");
  worker.config = s.config;
  worker.connection = s.connection;
  worker.log = s.log;
  $("env-label").textContent = s.config.label;
  $("square-origin").textContent = s.config.squareOrigin;
  $("redirect-url").textContent = s.config.redirectUrl;
  $("notification-url").textContent = s.config.webhooks ? s.config.notificationUrl : "none (SQUARE_WEBHOOK_SIGNATURE_KEY is not bound)";
  document.body.dataset.mode = s.config.fake ? "fake" : "square";
  renderConnection();
  renderWorkerLog();
}

function workerAction(id) {
  $(id).addEventListener("click", () =>
    busy(
      $("worker-panel"),
      async () => {
        try {
          const r = await callWorker(`/api/${id}`);
          worker.connection = r.connection;
          if (r.entry) worker.log.unshift(r.entry);
          if (r.entries) worker.log.unshift(...r.entries);
          if (r.log) worker.log = r.log;
          renderConnection();
          renderWorkerLog();
        } catch (e) {
          showWorkerError(e);
        }
      },
      renderConnection,
    ),
  );
}

$("connect").addEventListener("click", () =>
  busy(
    $("worker-panel"),
    async () => {
      try {
        const r = await callWorker("/api/connect");
        worker.log.unshift(r.entry);
        renderWorkerLog();
        // To Square's authorization page; Square comes back to the Worker's /callback.
        location.assign(r.authorizeUrl);
      } catch (e) {
        showWorkerError(e);
      }
    },
    renderConnection,
  ),
);
for (const id of ["status", "refresh", "renew", "revoke", "seller-revoke", "forget"]) workerAction(id);

// ---- panel 2: PKCE in the page --------------------------------------------------------------

const PKCE_PENDING = "demo.pkce.pending"; // { state, verifier, redirectUri } during the redirect
const PKCE_LOG = "demo.pkce.log"; // the redacted activity, so that it survives the redirect
const pkce = { pkg: null, enabled: false, token: null, log: JSON.parse(sessionStorage.getItem(PKCE_LOG) ?? "[]") };

function pkceTarget() {
  return { baseUrl: worker.config.squareOrigin };
}

function pkceRemember(entry) {
  pkce.log.unshift({ at: new Date().toISOString(), ...entry });
  pkce.log.length = Math.min(pkce.log.length, 20);
  sessionStorage.setItem(PKCE_LOG, JSON.stringify(pkce.log));
  renderLog($("pkce-log"), pkce.log, "Nothing yet.");
}

function renderPkce() {
  const t = pkce.token;
  $("pkce-connection").dataset.state = t ? (t.revoked ? "revoked" : "connected") : "disconnected";
  setText("pkce-state", t ? "Connected (tokens in this page's memory)" : "Not connected");
  setText("pkce-merchant", t?.merchant_id);
  $("pkce-expires").replaceChildren(t ? when(t.expires_at) : "—", t && pkce.pkg.shouldRefresh(t) ? h("span", { class: "tag" }, "refresh due") : "");
  setText("pkce-access-token", t ? `…${t.access_token.slice(-4)}` : null);
  setText("pkce-refresh-token", t?.refresh_token ? `…${t.refresh_token.slice(-4)}, expires ${when(t.refresh_token_expires_at)}` : null);
  $("pkce-start").disabled = !pkce.enabled;
  for (const b of $("pkce-panel").querySelectorAll("[data-needs=pkce-token]")) b.disabled = !pkce.enabled || !t;
}

/** A recording `fetch` for the client in this page: the same wire log as the Worker's. */
function recorder() {
  const records = [];
  const list = (headers) => [...new Headers(headers ?? {})];
  return {
    async fetch(url, init = {}) {
      const r = { at: new Date().toISOString(), ms: 0, error: null, response: null, request: { method: init.method ?? "GET", url: String(url), headers: list(init.headers), body: typeof init.body === "string" ? init.body : null } };
      records.push(r);
      const t0 = performance.now();
      let res;
      try {
        res = await fetch(url, init);
      } catch (e) {
        r.error = `${e.name}: ${e.message}`;
        throw e;
      } finally {
        r.ms = Math.round(performance.now() - t0);
      }
      let body;
      try {
        body = await res.clone().text(); // a copy: the client reads the original
      } catch (e) {
        body = `[body not readable: ${e.message}]`;
      }
      r.response = { status: res.status, statusText: res.statusText, headers: list(res.headers), body };
      return res;
    },
    exchanges() {
      return records.map(redact);
    },
  };
}

const TOKEN_FIELDS = new Set(["access_token", "refresh_token", "code", "code_verifier", "id_token"]);
const mask = (v) => (typeof v === "string" && v.length >= 12 ? `[redacted …${v.slice(-4)}]` : "[redacted]");

/** Masks tokens by field name; `code` only at the top level (in Square's errors[] it is an error code). */
function redactJson(text) {
  if (!text) return text;
  const walk = (v, top) => {
    if (Array.isArray(v)) return v.map((x) => walk(x, false));
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, typeof x === "string" && TOKEN_FIELDS.has(k) && (top || k !== "code") ? mask(x) : walk(x, false)]),
    );
  };
  try {
    return JSON.stringify(walk(JSON.parse(text), true), null, 2);
  } catch {
    return text;
  }
}

function redact(r) {
  const header = ([k, v]) => [k, k === "authorization" ? v.replace(/^(\S+) (.+)$/, (_, s, c) => `${s} ${mask(c)}`) : v];
  return {
    ...r,
    request: { ...r.request, headers: r.request.headers.map(header), body: redactJson(r.request.body) },
    response: r.response && { ...r.response, headers: r.response.headers.map(header), body: redactJson(r.response.body) },
  };
}

function errorData(e) {
  if (e?.name !== "SquareError") return { name: e?.name ?? "Error", message: String(e?.message ?? e) };
  return { name: e.name, code: e.code, message: e.message, statusCode: e.statusCode, errors: e.errors, field: e.field };
}

/** Runs one call of the in-page client and logs it. */
async function pkceCall(title, fn) {
  const wire = recorder();
  const oauth = new pkce.pkg.OAuthClient({ ...pkceTarget(), fetch: wire.fetch });
  try {
    const { summary, result } = await fn(oauth);
    pkceRemember({ title, ok: true, summary, result, exchanges: wire.exchanges() });
  } catch (e) {
    pkceRemember({ title, ok: false, error: errorData(e), exchanges: wire.exchanges() });
  }
  renderPkce();
}

const safeToken = (t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, TOKEN_FIELDS.has(k) && typeof v === "string" ? `…${v.slice(-4)}` : v]));

async function pkceStart() {
  const { createPkce, createState, authorizeUrl } = pkce.pkg;
  const { code_verifier, code_challenge } = await createPkce();
  const state = createState();
  const redirectUri = `${location.origin}/pkce-callback`;
  const url = authorizeUrl({ client_id: worker.config.clientId, scope: worker.config.scopes, state, redirect_uri: redirectUri, code_challenge }, pkceTarget());
  sessionStorage.setItem(PKCE_PENDING, JSON.stringify({ state, verifier: code_verifier, redirectUri }));
  pkceRemember({
    title: "PKCE: verifier and challenge created, authorize URL built",
    ok: true,
    summary: "createPkce() made a random verifier and its S256 challenge; only the challenge goes to Square now.",
    result: { code_challenge, code_challenge_method: "S256", code_verifier: mask(code_verifier), authorize_url: url },
    exchanges: [],
  });
  location.assign(url);
}

async function pkceCallback() {
  const pending = JSON.parse(sessionStorage.getItem(PKCE_PENDING) ?? "null");
  sessionStorage.removeItem(PKCE_PENDING);
  const here = location.href;
  history.replaceState(null, "", "/"); // the code leaves the address bar at once
  let code;
  try {
    ({ code } = pkce.pkg.parseCallback(here, pending?.state ?? ""));
  } catch (e) {
    pkceRemember({ title: "PKCE callback: refused", ok: false, summary: "parseCallback rejected Square's redirect; no code was exchanged.", error: errorData(e), exchanges: [] });
    return;
  }
  await pkceCall("PKCE callback: code exchanged with the verifier (ObtainToken)", async (oauth) => {
    const token = await oauth.obtainToken({ client_id: worker.config.clientId, grant_type: "authorization_code", code, code_verifier: pending.verifier, redirect_uri: pending.redirectUri });
    pkce.token = token;
    return { summary: `Connected merchant ${token.merchant_id}, with no secret: the verifier proved this page started the flow.`, result: safeToken(token) };
  });
}

async function pkceStatus() {
  await pkceCall("PKCE: status (RetrieveTokenStatus)", async (oauth) => {
    const status = await oauth.retrieveTokenStatus(pkce.token.access_token);
    return { summary: `The access token …${pkce.token.access_token.slice(-4)} is valid.`, result: status };
  });
}

async function pkceRefresh() {
  await pkceCall("PKCE: refresh (ObtainToken, refresh_token, no secret)", async (oauth) => {
    const old = pkce.token.refresh_token;
    const fresh = await oauth.obtainToken({ client_id: worker.config.clientId, grant_type: "refresh_token", refresh_token: old });
    // PKCE refresh tokens are single-use: keep the newest one, the old one no longer works.
    pkce.token = { ...pkce.token, ...fresh };
    return { summary: `New refresh token …${fresh.refresh_token.slice(-4)} replaces …${old.slice(-4)}, which is now spent (PKCE: single-use).`, result: safeToken(fresh) };
  });
}

async function loadPkce() {
  renderLog($("pkce-log"), pkce.log, "Nothing yet.");
  const { fake, pkg } = worker.config;
  if (!pkg) {
    setText("pkce-loaded", "not served here (make demo serves it at /pkg/)");
  } else {
    try {
      // The bundler-free way: the package's browser entry, which instantiates the wasm with
      // top-level await, so the import resolves once the package is ready.
      pkce.pkg = await import("/pkg/browser.js");
      $("pkce-loaded").replaceChildren(h("span", { class: "good" }, "loaded"), " square-oauth-edge (browser.js + .wasm)");
    } catch (e) {
      setText("pkce-loaded", `failed to load: ${e.message}`);
    }
  }
  pkce.enabled = Boolean(pkce.pkg) && fake;
  if (pkce.pkg && !fake) {
    $("pkce-hint").textContent =
      "Disabled: this panel needs the fake Square (make demo without SQUARE_ENVIRONMENT), because Square's endpoints are not known to allow browser calls.";
  }
  for (const [id, fn] of [["pkce-start", pkceStart], ["pkce-status", pkceStatus], ["pkce-refresh", pkceRefresh]]) {
    $(id).addEventListener("click", () => busy($("pkce-panel"), fn, renderPkce));
  }
  renderPkce();
  if (location.pathname === "/pkce-callback" && pkce.enabled) await busy($("pkce-panel"), pkceCallback, renderPkce);
}

// ---- start ---------------------------------------------------------------------------------------

try {
  await loadWorker();
  await loadPkce();
  document.body.dataset.ready = "true";
} catch (e) {
  showWorkerError(e);
  document.body.dataset.ready = "error";
}
