// Runtime matrix: Deno, importing the packed package by its name, two ways:
//   - (default) the consumer project's node_modules, installed from the tarball by npm (Deno 2
//     resolves bare specifiers through a package.json's node_modules);
//   - npm: `import … from "npm:square-oauth-edge"` with no package.json and no node_modules, as the
//     README shows it: Deno installs the package into its own cache from a registry, here a
//     minimal one served by this driver on a loopback port (NPM_CONFIG_REGISTRY) that has only
//     the tarball.
// Either way the `deno` export condition picks deno.js, and tokens/deno.js for the consumer's
// second import, "square-oauth-edge/tokens" (npm:square-oauth-edge/tokens).
//
// Permissions: --allow-net for the fake's host:port, and nothing else (--no-prompt: any other
// access throws NotCapable). deno.js gets its .wasm through the module graph (`import source`),
// which needs no --allow-read; the row fails if the package ever reads a file at run time.
//   node tests/runtimes/rt-deno.mjs [npm]
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLIENT_ID, CLIENT_SECRET, HERE, SCENARIO_FILES, TOOLS_BIN, env, main, makeConsumer, report, run, startFake } from "./lib.mjs";
import { parseResult } from "./consumer-result.mjs";

const viaNpm = process.argv[2] === "npm";
const RUNTIME = viaNpm ? "deno-npm" : "deno";

/** A registry that knows one package: the tarball's (GET /<name> → its packument, GET /<name>.tgz). */
async function startRegistry(tarball) {
  const tgz = readFileSync(tarball);
  const { stdout } = await run("tar", ["-xzOf", tarball, "package/package.json"]);
  const manifest = JSON.parse(stdout);
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${server.address().port}`;
    const path = decodeURIComponent(new URL(req.url, base).pathname);
    if (path === `/${manifest.name}`) {
      const dist = {
        tarball: `${base}/${manifest.name}.tgz`,
        shasum: createHash("sha1").update(tgz).digest("hex"),
        integrity: `sha512-${createHash("sha512").update(tgz).digest("base64")}`,
      };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ name: manifest.name, "dist-tags": { latest: manifest.version }, versions: { [manifest.version]: { ...manifest, dist } } }));
    } else if (path === `/${manifest.name}.tgz`) {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(tgz);
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end("{}");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { manifest, url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

await main(RUNTIME, async () => {
  let dir;
  let registry;
  if (viaNpm) {
    dir = join(env("WORK"), RUNTIME);
    mkdirSync(dir, { recursive: true });
    for (const f of SCENARIO_FILES) copyFileSync(join(HERE, f), join(dir, f));
    const source = readFileSync(join(HERE, "consumers/deno.mjs"), "utf8");
    for (const specifier of ["square-oauth-edge", "square-oauth-edge/tokens"]) {
      if (!source.includes(`from "${specifier}";`)) throw new Error(`consumers/deno.mjs no longer imports "${specifier}"`);
    }
    writeFileSync(
      join(dir, "main.mjs"),
      source.replaceAll(`"square-oauth-edge"`, `"npm:square-oauth-edge"`).replaceAll(`"square-oauth-edge/tokens"`, `"npm:square-oauth-edge/tokens"`),
    );
    registry = await startRegistry(env("TARBALL"));
  } else {
    dir = await makeConsumer(RUNTIME);
    copyFileSync(join(HERE, "consumers/deno.mjs"), join(dir, "main.mjs"));
  }
  const deno = join(TOOLS_BIN, "deno");
  const denoDir = join(dir, ".deno-cache");
  const denoEnv = { DENO_NO_UPDATE_CHECK: "1", DENO_DIR: denoDir, NO_COLOR: "1", ...(registry ? { NPM_CONFIG_REGISTRY: registry.url } : {}) };
  const fake = await startFake();
  try {
    const host = new URL(fake.url).host;
    const args = ["run", "--no-prompt", `--allow-net=${host}`, "main.mjs", fake.url, CLIENT_ID, CLIENT_SECRET];
    const r = await run(deno, args, { cwd: dir, env: denoEnv, timeoutMs: 120000 });
    if (r.code !== 0) throw new Error(`deno ${args.join(" ")} exited ${r.code ?? r.signal}:\n${r.stdout}${r.stderr}`);
    let parsed;
    if (viaNpm) {
      // The package must have come from Deno's npm cache (DENO_DIR/npm/<registry host>/…/deno.js).
      const line = r.stdout.split("\n").findLast((l) => l.startsWith("RESULT "));
      if (!line) throw new Error(`the consumer printed no RESULT line:\n${r.stdout}${r.stderr}`);
      parsed = JSON.parse(line.slice("RESULT ".length));
      const check = (resolved, file, specifier) => {
        const entry = fileURLToPath(resolved);
        const want = `/${registry.manifest.name}/${registry.manifest.version}/${file}`;
        if (!entry.startsWith(`${join(denoDir, "npm")}/`) || !entry.endsWith(want)) {
          throw new Error(`${specifier} resolved to ${entry}, expected …${want} in ${join(denoDir, "npm")}`);
        }
      };
      check(parsed.entry, "deno.js", "npm:square-oauth-edge");
      check(parsed.tokensEntry, "tokens/deno.js", "npm:square-oauth-edge/tokens");
    } else {
      parsed = parseResult(r.stdout, dir, "deno.js", "tokens/deno.js");
    }
    report(RUNTIME, `${parsed.version}, ${viaNpm ? "npm: specifier, " : ""}--allow-net only`, parsed.result);
  } finally {
    await fake.close();
    await registry?.close();
  }
});
