// workerd configs: one Worker per peer (esbuild bundle, plus our .wasm as its own module), the
// outbound network opened to loopback (workerd refuses 127.0.0.1 otherwise), env bindings for the
// fake's URL, the credentials, the refresh token and the ObtainToken answer it came with (JSON, for
// the TokenManager peer).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_ID, CLIENT_SECRET } from "./lib.mjs";

// Cap'n Proto declaration names must be camelCase: raw → workerRaw.
const capName = (id) => `worker${id[0].toUpperCase()}${id.slice(1)}`;
const q = (s) => JSON.stringify(String(s)); // ASCII-only values here (JSON's escapes are Cap'n Proto's)

/**
 * workers: [{ name, dir (relative to the config's folder), wasm: bool, port, compatibilityDate, flags }]
 */
export function writeConfig(configDir, workers, { baseUrl, refreshToken, token = "" }) {
  const services = workers.map((w) => `    (name = ${q(w.name)}, worker = .${capName(w.name)}),`).join("\n");
  const sockets = workers
    .map((w) => `    (name = ${q(`http_${w.name}`)}, address = ${q(`127.0.0.1:${w.port}`)}, http = (), service = ${q(w.name)}),`)
    .join("\n");
  const defs = workers
    .map(
      (w) => `const ${capName(w.name)} :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed ${q(`${w.dir}/worker.js`)}),${w.wasm ? `\n    (name = ${q(w.wasm)}, wasm = embed ${q(`${w.dir}/${w.wasm}`)}),` : ""}
  ],
  compatibilityDate = ${q(w.compatibilityDate)},${w.flags?.length ? `\n  compatibilityFlags = [${w.flags.map(q).join(", ")}],` : ""}
  bindings = [
    (name = "BASE_URL", text = ${q(baseUrl)}),
    (name = "CLIENT_ID", text = ${q(CLIENT_ID)}),
    (name = "CLIENT_SECRET", text = ${q(CLIENT_SECRET)}),
    (name = "REFRESH_TOKEN", text = ${q(refreshToken)}),
    (name = "TOKEN", text = ${q(token)}),
  ],
  globalOutbound = "internet",
);`,
    )
    .join("\n\n");
  const text = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
${services}
    # workerd refuses fetch() to loopback addresses unless the outbound network allows them.
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
${sockets}
  ],
);

${defs}
`;
  const file = join(configDir, `config-${workers.map((w) => w.name).join("-")}.capnp`);
  writeFileSync(file, text);
  return file;
}

/** The Worker of one peer: makes `?n=N` calls (default 1) on each request, checks each token. */
export function workerEntry(peer) {
  return `import { client } from "./peers/${peer}.mjs";
let call;
export default {
  async fetch(request, env) {
    call ??= client({ baseUrl: env.BASE_URL, clientId: env.CLIENT_ID, clientSecret: env.CLIENT_SECRET, token: env.TOKEN });
    const n = Number(new URL(request.url).searchParams.get("n") ?? "1");
    let token;
    for (let i = 0; i < n; i++) {
      token = await call(env.REFRESH_TOKEN);
      if (typeof token !== "string" || !token.startsWith("EAAA")) throw new Error("no access token: " + token);
    }
    return new Response(token);
  },
};
`;
}
