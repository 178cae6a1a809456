// Runtime matrix: workerd serving a Worker that imports the packed package by its name (both
// entries, "square-oauth-edge" and "square-oauth-edge/tokens"), bundled with esbuild the way a
// Worker is bundled: the `workerd` export condition (→ workerd.js, tokens/workerd.js) and each .wasm
// left as an external module, which the capnp config lists so that workerd hands it to the entry
// as a compiled WebAssembly.Module.
//
// esbuild keeps an external import's specifier as written in its source file. So the Worker module
// a .wasm import gets is named by that specifier, relative to the bundle: which file each entry
// means is read from esbuild's metafile (the importer's folder + the specifier), and that file is
// shipped under the specifier's name. Two different files under one specifier cannot both be
// shipped: the row then says so (a `cause:` line) and runs what can be built, the first one.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { HERE, TOOLS_BIN, main, makeConsumer, must, report, startFake } from "./lib.mjs";
import { runInWorkerd } from "./workerd.mjs";

const RUNTIME = "workerd";
const PKG = "node_modules/square-oauth-edge/";

await main(RUNTIME, async () => {
  const dir = await makeConsumer(RUNTIME);
  copyFileSync(join(HERE, "consumers/worker.mjs"), join(dir, "worker.mjs"));
  await must(join(TOOLS_BIN, "esbuild"), [
    "worker.mjs",
    "--bundle",
    "--format=esm",
    "--platform=neutral",
    "--conditions=workerd,worker",
    "--external:*.wasm",
    "--log-level=warning",
    "--metafile=dist/meta.json",
    "--outfile=dist/worker.js",
  ], { cwd: dir });
  const meta = JSON.parse(readFileSync(join(dir, "dist/meta.json"), "utf8"));
  // Both entries, through their workerd files.
  const pkgFiles = Object.keys(meta.inputs).filter((p) => p.startsWith(PKG)).map((p) => p.slice(PKG.length));
  for (const want of ["workerd.js", "tokens/workerd.js"]) {
    if (!pkgFiles.includes(want)) throw new Error(`the bundle did not take ${want} from the package: ${pkgFiles.sort().join(", ")}`);
  }
  // Every external .wasm import: the Worker module name it gets (its specifier) and the file it means.
  const byName = new Map(); // module name → [{ importer, file }]
  for (const [importer, input] of Object.entries(meta.inputs)) {
    for (const imp of input.imports) {
      if (!imp.external || !/\.wasm$/.test(imp.path)) continue;
      if (!imp.path.startsWith("./") || imp.path.slice(2).includes("/")) throw new Error(`${importer} imports ${imp.path}: expected a ./<file>.wasm next to it`);
      const name = imp.path.slice(2);
      const file = posix.join(posix.dirname(importer), name);
      byName.set(name, [...(byName.get(name) ?? []), { importer, file }]);
    }
  }
  const imported = [...byName.values()].flat();
  if (imported.length !== 2) throw new Error(`expected two external .wasm imports (one per entry), got: ${JSON.stringify(imported)}`);
  const bundle = readFileSync(join(dir, "dist/worker.js"), "utf8");
  const causes = [];
  const modules = [{ name: "worker.js", type: "esModule", file: "worker.js" }];
  for (const [name, refs] of byName) {
    if (!bundle.includes(`from "./${name}"`)) throw new Error(`dist/worker.js does not import ./${name}`);
    const files = [...new Set(refs.map((r) => r.file))];
    const distinct = [...new Set(files.map((f) => readFileSync(join(dir, f)).toString("base64")))];
    if (distinct.length > 1) {
      causes.push(
        `esbuild keeps an external import's specifier as written, so ${refs.map((r) => r.importer).join(" and ")} both import ` +
          `"./${name}": one Worker module name for ${files.length} different files (${files.map((f) => `${f}, ${readFileSync(join(dir, f)).length} bytes`).join("; ")}). ` +
          `Only ${files[0]} can be shipped under that name; ${files.slice(1).join(", ")} is not in the Worker, and the entry that imports it gets the other file.`,
      );
    }
    mkdirSync(dirname(join(dir, "dist", name)), { recursive: true });
    copyFileSync(join(dir, files[0]), join(dir, "dist", name));
    modules.push({ name, type: "wasm", file: name });
  }
  const fake = await startFake();
  try {
    const { version, result } = await runInWorkerd({ dir: join(dir, "dist"), modules, fakeUrl: fake.url });
    report(RUNTIME, version, result, { causes });
  } finally {
    await fake.close();
  }
});
