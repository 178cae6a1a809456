// A scripted HTTP server on 127.0.0.1 for the reliability suites: each request is answered by the
// next scripted action (or by a plain success for its endpoint when nothing is queued), and every
// request is recorded. Unlike tests/fake-square it has no OAuth logic at all: it exists to
// misbehave on demand.
//
//   const srv = await startScripted();
//   srv.queue({ status: 502, headers: { "content-type": "text/html" }, body: "<html>…" });
//   srv.queue((req) => ({ status: 400, json: { errors: [{ detail: req.body }] } }));
//   srv.requests          // [{ method, path, headers, body, at, socketClosedAt?, stream? }]
//   await srv.close();
//
// An action is an object (or a function of the recorded request returning one):
//   status, headers         status line and headers (default 200, no headers)
//   body                    string | Buffer, sent with a Content-Length
//   json                    a value sent as application/json
//   delayMs                 wait before the status line
//   chunks, chunkDelayMs    parts sent one by one (chunked encoding), with a pause between
//   stall                   after the status line and the chunks, send nothing more, ever
//   destroy                 "before" (no response at all) | "after-chunks": destroy the socket
//   reset                   RST the connection instead of answering
//   end                     close the connection (FIN) without answering
//   raw                     bytes written as they are on the socket, which is then closed
//   stream                  { total, chunkSize, contentLength } — stream `total` bytes of
//                           filler honouring back-pressure; `req.stream` records how far it got
// The string `@@ECHO@@` in a body, chunk or raw answer is replaced by what the request carried
// (its body and Authorization header, JSON-string-escaped) — a server that echoes secrets.
import http from "node:http";
import { performance } from "node:perf_hooks";

export const ECHO = "@@ECHO@@";

const DEFAULTS = {
  "/oauth2/token": {
    access_token: "EAAAdefault-access",
    token_type: "bearer",
    expires_at: "2030-01-01T00:00:00Z",
    merchant_id: "MLDEFAULT",
    refresh_token: "EQAAdefault-refresh",
    short_lived: false,
  },
  "/oauth2/revoke": { success: true },
  "/oauth2/token/status": {
    scopes: ["MERCHANT_PROFILE_READ"],
    expires_at: "2030-01-01T00:00:00Z",
    client_id: "sq0idp-app",
    merchant_id: "MLDEFAULT",
  },
};

/** The success body a real Square would send for `path`. */
export function defaultBody(path) {
  const p = path.split("?")[0];
  if (DEFAULTS[p]) return DEFAULTS[p];
  if (/^\/oauth2\/clients\/[^/]+\/access-token\/renew$/.test(p)) {
    return { access_token: "EAAArenewed", token_type: "bearer", expires_at: "2030-01-01T00:00:00Z", merchant_id: "MLDEFAULT" };
  }
  return null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startScripted({ host = "127.0.0.1" } = {}) {
  const queue = [];
  const requests = [];
  const sockets = new Set();
  const pending = new Set(); // timers and stalls to release on close
  let closing = false;

  const server = http.createServer({ keepAliveTimeout: 5000 }, async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const rec = {
      method: req.method,
      path: req.url,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      at: performance.now(),
    };
    requests.push(rec);
    const socket = req.socket;
    if (socket.destroyed) rec.socketClosedAt = rec.at;
    else socketRecs.get(socket)?.push(rec);
    let action = queue.length ? queue.shift() : null;
    if (typeof action === "function") action = action(rec);
    if (!action) {
      const body = defaultBody(rec.path);
      action = body ? { json: body } : { status: 404, json: { errors: [{ category: "INVALID_REQUEST_ERROR", code: "NOT_FOUND" }] } };
    }
    try {
      await respond(req, res, rec, action);
    } catch {
      // The client went away: that is what many scripts provoke.
    }
  });
  // Recorded requests per connection, stamped when it closes (one listener per socket, so that
  // keep-alive connections do not pile up listeners).
  const socketRecs = new Map();
  server.on("connection", (s) => {
    sockets.add(s);
    socketRecs.set(s, []);
    s.once("close", () => {
      const now = performance.now();
      for (const rec of socketRecs.get(s) ?? []) rec.socketClosedAt ??= now;
      socketRecs.delete(s);
      sockets.delete(s);
    });
  });

  const echoOf = (rec) => JSON.stringify(`${rec.body} ${rec.headers.authorization ?? ""}`).slice(1, -1);
  const fill = (v, rec) => {
    if (typeof v === "string") return v.split(ECHO).join(echoOf(rec));
    return v;
  };

  async function wait(ms, req) {
    if (!ms) return;
    await new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const entry = { release: done };
      pending.add(entry);
      req.socket.once("close", done);
      function done() {
        clearTimeout(t);
        pending.delete(entry);
        req.socket.off("close", done);
        resolve();
      }
    });
  }

  async function respond(req, res, rec, a) {
    const socket = req.socket;
    await wait(a.delayMs, req);
    if (socket.destroyed || closing) return;
    if (a.reset) return void socket.resetAndDestroy();
    if (a.end) return void socket.end();
    if (a.destroy === "before") return void socket.destroy();
    if (a.raw !== undefined) {
      socket.end(fill(a.raw, rec));
      return;
    }
    const headers = { ...(a.headers ?? {}) };
    let body = a.body;
    if (a.json !== undefined) {
      body = JSON.stringify(a.json);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
    }
    if (a.stream) return streamBody(req, res, rec, a, headers);
    if (a.chunks || a.stall) {
      res.writeHead(a.status ?? 200, headers);
      res.flushHeaders();
      for (const [i, c] of (a.chunks ?? []).entries()) {
        if (i > 0) await wait(a.chunkDelayMs, req);
        if (socket.destroyed) return;
        res.write(fill(c, rec));
      }
      if (a.stall) {
        // Hold the response open until the client (or close()) gives up on it.
        await new Promise((resolve) => {
          const entry = { release: resolve };
          pending.add(entry);
          socket.once("close", () => {
            pending.delete(entry);
            resolve();
          });
          if (socket.destroyed) resolve();
        });
        return;
      }
      if (a.destroy === "after-chunks") return void socket.destroy();
      res.end();
      return;
    }
    body = fill(body, rec);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) {
      headers["content-length"] = Buffer.byteLength(body);
    }
    res.writeHead(a.status ?? 200, headers);
    res.end(body);
  }

  async function streamBody(req, res, rec, a, headers) {
    const { total, chunkSize = 64 * 1024, contentLength = false } = a.stream;
    const st = (rec.stream = { total, written: 0, finished: false, closedEarly: false });
    if (contentLength) headers["content-length"] = total;
    res.writeHead(a.status ?? 200, headers);
    const filler = Buffer.alloc(chunkSize, 0x20); // white space: valid JSON padding
    filler[0] = 0x5b; // "["
    const socket = req.socket;
    let closed = false;
    const onClose = () => {
      closed = true;
      st.closedEarly = !st.finished;
      st.closedAt = performance.now();
    };
    socket.once("close", onClose);
    res.once("finish", () => socket.off("close", onClose));
    while (st.written < total && !closed && !closing) {
      const n = Math.min(chunkSize, total - st.written);
      const ok = res.write(n === chunkSize ? filler : filler.subarray(0, n));
      st.written += n;
      if (!ok) {
        await new Promise((resolve) => {
          const done = () => {
            res.off("drain", done);
            socket.off("close", done);
            resolve();
          };
          res.once("drain", done);
          socket.once("close", done);
        });
      }
    }
    if (!closed && st.written >= total) {
      st.finished = true;
      res.end();
    }
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address();
  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    /** Appends actions, answered in order. */
    queue(...actions) {
      queue.push(...actions);
    },
    /** Drops queued actions and recorded requests. */
    reset() {
      queue.length = 0;
      requests.length = 0;
      for (const recs of socketRecs.values()) recs.length = 0;
    },
    get queued() {
      return queue.length;
    },
    async close() {
      closing = true;
      for (const p of pending) p.release();
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Waits until `pred()` holds (polling), or fails after `ms`. For server-side effects that follow
 * a client's rejection by a few event-loop turns (a socket's close event). */
export async function eventually(pred, ms = 2000, what = "condition") {
  const until = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
