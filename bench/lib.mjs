// Helpers shared by the benchmark harness: statistics, child processes in their own process
// groups, free ports, gzip sizes.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { request } from "node:http";

export const CLIENT_ID = "sq0idp-fake-application-id";
export const CLIENT_SECRET = "sq0csp-fake-application-secret";
export const TOKEN_RE = /^EAAA[A-Za-z0-9_-]{20,}$/;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** The orders of a round robin: round r starts at peer r mod n (A B C, B C A, C A B, ...). */
export function rotate(list, r) {
  const k = r % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

export function checkToken(token, who) {
  if (typeof token !== "string" || !TOKEN_RE.test(token)) {
    throw new Error(`${who}: expected an access token, got ${JSON.stringify(token)?.slice(0, 200)}`);
  }
  return token;
}

/** gzip -9 of a buffer, through the gzip program (as a user would measure it), in bytes. */
export function gzipSize(buf) {
  return execFileSync("gzip", ["-9", "-c"], { input: buf, maxBuffer: 64 << 20 }).length;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Every process group this harness started and has not stopped yet: ended on SIGINT/SIGTERM, so an
// interrupted run leaves nothing behind (each by its recorded group id, never by name).
const live = new Set();
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    for (const pgid of live) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {}
    }
    process.exit(130);
  });
}

/**
 * Spawns a command in its own process group (detached = setsid), so that stop() can end it and
 * all its children by the recorded group id. Resolves nothing; returns a handle.
 */
export function startGroup(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child.pid);
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  let stopped = false;
  return {
    child,
    exited,
    output: () => out,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {}
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {}
        }, 3000);
        await exited;
        clearTimeout(t);
        try {
          process.kill(-child.pid, "SIGKILL"); // anything the leader left in its group
        } catch {}
      } else {
        // The leader is gone; end whatever it left in its group.
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {}
      }
      live.delete(child.pid);
    },
  };
}

/**
 * Runs one whole process to its end and times it: from just before spawn to its exit, in ms.
 * Resolves { ms, stdout, stderr, code }.
 */
export function timeProcess(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { ...opts, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    live.add(child.pid);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const ms = performance.now() - t0;
      live.delete(child.pid);
      // Whatever the process left behind in its group goes too.
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
      child.on("close", () => resolve({ ms, stdout, stderr, code, signal }));
    });
  });
}

/** One plain HTTP GET with a fresh connection; resolves { status, body } or rejects. */
export function httpGet(url, { timeoutMs = 120000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${url}`)));
    req.on("error", reject);
    req.end();
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return "–";
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  return `${(ms * 1000).toFixed(0)} µs`;
}

export function fmtUs(us) {
  if (!Number.isFinite(us)) return "–";
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(0)} µs`;
}

export function fmtRatio(r) {
  return Number.isFinite(r) ? `${r.toFixed(2)}×` : "–";
}

export function fmtBytes(n) {
  return Number.isFinite(n) ? n.toLocaleString("en-US") : "–";
}
