// Runs a built Worker (a folder of modules) in workerd, the runtime of Cloudflare Workers, and asks
// it to run the shared scenarios (scenario.mjs, tokens-scenario.mjs). Used by rt-workerd.mjs
// (esbuild bundle) and rt-wrangler.mjs (wrangler deploy --dry-run output).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_ID, CLIENT_SECRET, TOOLS_BIN, freePort, must, startServer } from "./lib.mjs";

export const COMPATIBILITY_DATE = "2025-09-01";

const capnpString = (s) => JSON.stringify(String(s)); // ASCII-only values here

/**
 * Writes config.capnp into `dir` and serves the Worker there.
 * modules: [{ name, type: "esModule" | "wasm", file }], the first one is the main module; `file`
 * is relative to `dir` (capnp `embed` paths must be relative).
 * The application ID, secret and the fake's URL are text bindings: the Worker reads them from env.
 */
export async function runInWorkerd({ dir, modules, fakeUrl }) {
  const workerd = join(TOOLS_BIN, "workerd");
  const version = (await must(workerd, ["--version"])).stdout.trim();
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .consumer),
    # workerd refuses fetch() to loopback addresses unless the outbound network allows them.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = ${capnpString(`127.0.0.1:${port}`)}, http = (), service = "main") ],
);

const consumer :Workerd.Worker = (
  modules = [
${modules.map((m) => `    (name = ${capnpString(m.name)}, ${m.type} = embed ${capnpString(m.file)}),`).join("\n")}
  ],
  compatibilityDate = ${capnpString(COMPATIBILITY_DATE)},
  bindings = [
    (name = "SQUARE_APP_ID", text = ${capnpString(CLIENT_ID)}),
    (name = "SQUARE_APP_SECRET", text = ${capnpString(CLIENT_SECRET)}),
    (name = "FAKE_SQUARE_URL", text = ${capnpString(fakeUrl)}),
  ],
  globalOutbound = "internet",
);
`;
    writeFileSync(join(dir, "config.capnp"), config);
    const server = await startServer(workerd, ["serve", "config.capnp"], { cwd: dir, ready: () => true });
    try {
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 15000;
      let up = false;
      while (Date.now() < deadline) {
        try {
          const r = await fetch(`${base}/`);
          await r.arrayBuffer();
          up = true;
          break;
        } catch {
          if (server.output().includes("Address already in use")) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      if (!up) {
        lastError = new Error(`workerd did not answer on ${base}:\n${server.output()}`);
        continue;
      }
      // The request carries nothing but the path: the secret comes from the binding.
      const res = await fetch(`${base}/scenario`);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET /scenario → ${res.status}: ${text}\n${server.output()}`);
      const body = JSON.parse(text);
      if (body.userAgent !== "Cloudflare-Workers") throw new Error(`unexpected navigator.userAgent ${body.userAgent}`);
      return { version: `workerd ${version.replace(/^workerd /, "")}`, result: body.result };
    } finally {
      await server.stop();
    }
  }
  throw lastError;
}
