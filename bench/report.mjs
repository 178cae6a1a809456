// Writes BENCHMARKS.md from the harness's results: the bounds of issue 11 first (the previous
// design's value, this run's, oauth4webapi's; met or missed, by how much), where the cost of a
// missed bound sits, then a table per measure, the machine, the versions, the byte breakdown and
// how it was measured. Every number in the prose comes from the run's results, except the
// "before" values, which are the previous design's, copied from its BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fmtBytes, fmtMs, fmtRatio, fmtUs, percentile } from "./lib.mjs";
import { groupItems, groupOf } from "./sizes.mjs";

const KB = 1000; // "72 KB": 1 KB = 1000 bytes, as in the previous report and the peers' numbers

// The "before" column: the sans-IO design (the wasm did no I/O; fetch, timers and the retry loop
// were in pkg/transport.js), as measured by the BENCHMARKS.md of commit 8a477866854c, which
// issue 11 quotes as "today".
const BEFORE = {
  label: "before: sans-IO design",
  source: "the BENCHMARKS.md of commit `8a477866854c`",
  size: { total: 53464, wasm: 46405, wasmRaw: 104082, js: 7059 }, // js: workerd.js 3,625 + glue 3,434
  ratio: { coldNode: 1.07, coldWorkerd: 1.21, coldDeno: 1.39, latency: 1.25, cpu: 1.4, tp: 0.74, workerd: 1.49 },
};

const RT_NAME = { node: "Node", deno: "Deno", workerd: "workerd" };

function table(head, rows) {
  return [`| ${head.join(" | ")} |`, `|${head.map((h) => (/^(peer|item|group|file|section|bound|bound met\?|measure|runtime|export|where|function|crate|vs oauth4webapi.*)$/i.test(h) ? "---" : "---:")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

const r3 = (r) => (Number.isFinite(r) ? `${r.toFixed(3)}×` : "–");
const r2 = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "–");
const pct = (x) => `${(x * 100).toFixed(0)}%`;
const over = (value, limit) => `${((value / limit - 1) * 100).toFixed(1)}%`;
const kb = (b) => (Number.isFinite(b) ? `${(b / KB).toFixed(1)} KB` : "–");
const sum = (o) => Object.values(o ?? {}).reduce((a, b) => a + b, 0);
const signedMs = (x) => `${x >= 0 ? "+" : "−"}${fmtMs(Math.abs(x))}`;
const signedUs = (x) => `${x >= 0 ? "+" : "−"}${fmtUs(Math.abs(x))}`;
const signedB = (x) => `${x >= 0 ? "+" : "−"}${fmtBytes(Math.abs(x))} B`;
const code = (s) => `\`${String(s).replace(/\|/g, "\\|").replace(/`/g, "'")}\``;
const shortName = (n) => n.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{16}\]/g, "");

/** The bounds of issue 11, each with how this run and oauth4webapi measure it. */
function bounds(R) {
  const rows = [];
  // Size: per-file gzip -9 sum of what the workerd entry loads (bench/sizes.mjs SHIPPED).
  const sizeB = R.size?.sumGzip;
  const o4wSize = R.size?.bundles?.oauth4webapi?.edge;
  rows.push({
    id: "size",
    measure: "Shipped size, gzip -9 (.wasm + glue + errors.js + workerd.js entry)",
    bound: "≤ 72 KB",
    before: `${kb(BEFORE.size.total)} (${fmtBytes(BEFORE.size.total)} B)`,
    value: sizeB,
    shown: Number.isFinite(sizeB) ? `${kb(sizeB)} (${fmtBytes(sizeB)} B)` : "not measured",
    peer: o4wSize?.ok ? `${kb(o4wSize.gzip)}¹` : "–",
    met: Number.isFinite(sizeB) ? sizeB <= 72 * KB : null,
    miss: Number.isFinite(sizeB) ? `${kb(sizeB - 72 * KB)} over (${over(sizeB, 72 * KB)})` : "",
  });
  const ratioRow = (id, measure, limit, value, peer, { higher = false, perCall = false, extra = "" } = {}) => {
    const met = Number.isFinite(value) ? (higher ? value >= limit : value <= limit) : null;
    const miss = !Number.isFinite(value) ? "" : higher ? `${((1 - value / limit) * 100).toFixed(1)}% under the bound${extra}` : `${over(value, limit)} over the bound${extra}`;
    let goal = "";
    if (perCall && Number.isFinite(value) && Number.isFinite(peer)) {
      const behind = higher ? 1 - value / peer : value / peer - 1;
      goal = behind <= 0 ? `**ahead** by ${(-behind * 100).toFixed(1)}%` : `behind by ${(behind * 100).toFixed(1)}%`;
    }
    rows.push({ id, measure, bound: `${higher ? "≥" : "≤"} ${limit.toFixed(2)}× raw`, before: r2(BEFORE.ratio[id]), value, shown: Number.isFinite(value) ? r3(value) : "not measured", peer: r3(peer), met, miss, goal, perCall });
  };
  for (const [id, rt, limit] of [["coldNode", "node", 1.1], ["coldWorkerd", "workerd", 1.3], ["coldDeno", "deno", 1.5]]) {
    const c = R.cold?.[rt];
    const extra = c?.ours && c?.raw ? `; ${signedMs(c.ours.medianMs - c.raw.medianMs)} median vs raw` : "";
    ratioRow(id, `Cold start, ${RT_NAME[rt]} (process start → token)`, limit, c?.ours?.ratio, c?.oauth4webapi?.ratio, { extra });
  }
  const w = R.warm?.ours;
  const wr = R.warm?.raw;
  ratioRow("latency", "Warm latency, Node (per-call median)", 1.38, w?.latencyRatio, R.warm?.oauth4webapi?.latencyRatio, { perCall: true, extra: w && wr ? `; ${signedUs(w.medianUs - wr.medianUs)} per call vs raw` : "" });
  ratioRow("cpu", "Client CPU per call, Node", 1.5, w?.cpuRatio, R.warm?.oauth4webapi?.cpuRatio, { perCall: true, extra: w && wr ? `; ${signedUs(w.cpuUs - wr.cpuUs)} CPU per call vs raw` : "" });
  ratioRow("tp", `Throughput, Node, ${R.N.inFlight} in flight`, 0.68, w?.tpRatio, R.warm?.oauth4webapi?.tpRatio, { higher: true, perCall: true });
  const ww = R.workerdWarm?.ours;
  ratioRow("workerd", "Per call inside workerd (warm)", 1.6, ww?.ratio, R.workerdWarm?.oauth4webapi?.ratio, { perCall: true, extra: ww && R.workerdWarm?.raw ? `; ${signedUs(ww.perCallUs - R.workerdWarm.raw.perCallUs)} per call vs raw` : "" });
  return rows;
}

/** Self time per call of our profiled frames whose name matches `re` (0 when none). */
function framesUs(R, re) {
  const rows = (R.profileFunctions?.rows ?? []).filter((r) => re.test(r.name));
  return { us: rows.reduce((a, r) => a + r.us, 0), n: rows.length };
}

const HOW_A_CALL_RUNS =
  "How a call runs in this design: `obtainToken` goes into the wasm once and gets a promise back. " +
  "The wasm reads the caller's body with a guarded copy (a prototype-less copy made through imports that catch, its keys checked against the request's fields) and serde-wasm-bindgen, builds the request, " +
  "calls the global `fetch` through web-sys with an AbortController whose signal goes to `fetch` and a timer that calls `controller.abort` bound to its controller (no closure), awaits the promises through wasm-bindgen-futures (`js_sys::futures` in the function names below), " +
  "copies the body bytes into wasm memory, hands the text back for the runtime's `JSON.parse` to parse in a promise reaction, and reads the typed answer from the parsed value with serde-wasm-bindgen; the caller gets the parsed body back unchanged. " +
  "No hand-written JavaScript is on the call's path any more: the entry files only instantiate the wasm, errors.js holds the `SquareError` class, and the rest is wasm-bindgen's generated glue.";

function whereTheCostSits(R, rows) {
  const out = [];
  const missed = rows.filter((r) => r.met === false);
  const behind = rows.filter((r) => r.perCall && r.goal && !r.goal.startsWith("**ahead**"));
  if (!missed.length && !behind.length) return "Every bound was met in this run, and every per-call measure is ahead of oauth4webapi.\n";
  if (!missed.length) out.push("Every bound was met in this run; the per-call measures still behind oauth4webapi (the goal) are explained below.");
  const b = R.breakdown;
  const size = rows.find((r) => r.id === "size");
  if (size?.met === false) {
    const wasm = R.size.wasm;
    const js = R.size.files.filter((f) => !f.name.endsWith(".wasm"));
    const jsGzip = js.reduce((a, f) => a + f.gzip, 0);
    const lines = [
      `- **Size: ${size.shown}, ${size.miss}.** The .wasm is ${fmtBytes(wasm.gzip)} B of it (${pct(wasm.gzip / R.size.sumGzip)}), the JS files ${fmtBytes(jsGzip)} B (${js.map((f) => `${f.name} ${fmtBytes(f.gzip)}`).join(", ")}). ` +
        `The sans-IO design before it shipped ${fmtBytes(BEFORE.size.total)} B: .wasm ${fmtBytes(BEFORE.size.wasm)} B, JS ${fmtBytes(BEFORE.size.js)} B; so the .wasm changed by ${signedB(wasm.gzip - BEFORE.size.wasm)} and the JS by ${signedB(jsGzip - BEFORE.size.js)} (gzip). ` +
        `Uncompressed, the .wasm is ${fmtBytes(wasm.bytes)} B (before: ${fmtBytes(BEFORE.size.wasmRaw)} B).`,
    ];
    if (b?.groups?.length) {
      lines.push(`  Where the wasm bytes go (raw bytes before gzip, from ${b.tool.replace(/ \(.*\)$/, "")}; tables below): ${b.groups.slice(0, 7).map((x) => `${x.group} ${fmtBytes(x.bytes)} B (${pct(x.bytes / b.itemsTotal)})`).join(", ")}.`);
      const biggest = (g) => (b.items ?? []).filter((it) => groupOf(it.name) === g).sort((x, y) => y.bytes - x.bytes).slice(0, 3);
      const detail = b.groups
        .slice(0, 4)
        .filter((g) => !/^(data segments|wasm structure)/.test(g.group))
        .map((g) => `${g.group}: ${biggest(g.group).map((it) => `${code(shortName(it.name))} ${fmtBytes(it.bytes)} B`).join(", ")}`);
      if (detail.length) lines.push(`  The largest items of the largest groups: ${detail.join("; ")}.`);
    }
    const ftp = b?.top?.find((it) => /future_to_promise/.test(it.name));
    if (ftp) lines.push(`  ${code(shortName(ftp.name))} (${fmtBytes(ftp.bytes)} B) holds the async bodies of the exported methods, inlined into it by LTO, so part of its crate's share is this crate's code.`);
    if (b?.exportsRetained?.length) {
      const api = b.exportsRetained.filter((e) => !/^"(memory|__|wasm_bindgen__)/.test(e.name)).slice(0, 7);
      if (api.length) {
        lines.push(
          `  Bytes only one export keeps alive (twiggy retained size): ${api.map((e) => `${e.name.replace(/"/g, "")} ${fmtBytes(e.bytes)} B`).join(", ")}. ` +
            "The four OAuthClient methods share one request/retry/fetch path, so what they share is counted under none of them.",
        );
      }
    } else if (b) {
      lines.push("  (No retained sizes in this run: they need twiggy 0.8.0; see the note under Where our bytes go.)");
    }
    out.push(lines.join("\n"));
  }
  const cold = rows.filter((r) => r.id.startsWith("cold") && r.met === false);
  if (cold.length) {
    const list = cold.map((m) => `${m.measure.match(/Cold start, (\w+)/)[1]} ${m.shown} (${m.miss})`).join("; ");
    const ph = R.phases;
    const inst = R.instantiate ?? {};
    let why = `Compiling and instantiating the .wasm alone (${fmtBytes(R.size?.wasm?.bytes)} B) takes ${fmtMs(inst.node?.totalMs)} in Node and ${fmtMs(inst.deno?.totalMs)} in Deno (medians, below).`;
    if (ph?.ours && ph?.raw) {
      why +=
        ` Timed phase by phase inside Node processes (below), importing our package costs ${signedMs(ph.ours.importMs - ph.raw.importMs)} over importing the raw-fetch module (loading the entry, the glue and errors.js, reading the .wasm, compiling and instantiating it synchronously), ` +
        `constructing the client ${signedMs(ph.ours.constructMs - ph.raw.constructMs)}, the first call ${signedMs(ph.ours.firstCallMs - ph.raw.firstCallMs)} and a second call ${signedMs(ph.ours.secondCallMs - ph.raw.secondCallMs)}.`;
    }
    const pd = R.phasesDeno;
    if (pd?.ours && pd?.raw) {
      why += ` In Deno: import ${signedMs(pd.ours.importMs - pd.raw.importMs)}, construct ${signedMs(pd.ours.constructMs - pd.raw.constructMs)}, first call ${signedMs(pd.ours.firstCallMs - pd.raw.firstCallMs)}, second call ${signedMs(pd.ours.secondCallMs - pd.raw.secondCallMs)}, on a raw-fetch process of ${fmtMs(R.cold?.deno?.raw?.medianMs)}.`;
    }
    const wiring = ["node", "deno", "workerd"].filter((rt) => R.cold?.[rt]?.rawTimeout).map((rt) => `${RT_NAME[rt]} ${fmtRatio(R.cold[rt].rawTimeout.ratio)}`);
    if (wiring.length) why += ` Raw fetch with the same per-attempt time limit and no wasm (the diagnostic row) starts at ${wiring.join(", ")}: the rest of the gap is loading, compiling and running the wasm.`;
    if (cold.some((m) => m.id === "coldWorkerd")) why += " In workerd the .wasm is compiled while the Worker loads, inside the measured start-up.";
    out.push(`- **Cold start: ${list}.** ${why}`);
  }
  const perCallIds = ["latency", "cpu", "tp"];
  const warm = rows.filter((r) => perCallIds.includes(r.id) && (r.met === false || (r.goal && !r.goal.startsWith("**ahead**"))));
  if (warm.length && R.warm?.ours && R.warm?.raw) {
    const list = warm.map((m) => `${m.measure.replace(/^Warm latency, Node \(per-call median\)/, "latency").replace(/^Client CPU per call, Node/, "client CPU").replace(/^Throughput, Node, /, "throughput at ")} ${m.shown} (${m.met === false ? m.miss : "bound met"}; oauth4webapi ${m.peer})`).join("; ");
    const o4w = R.warm.oauth4webapi;
    const lines = [
      `- **Warm, Node: ${list}.** Sequentially, raw fetch spends ${fmtUs(R.warm.raw.cpuUs)} of CPU per call, we spend ${fmtUs(R.warm.ours.cpuUs)}${o4w ? ` and oauth4webapi ${fmtUs(o4w.cpuUs)}` : ""}; with ${R.N.inFlight} in flight the client core is saturated, so the CPU added per call sets throughput.`,
      `  ${HOW_A_CALL_RUNS}`,
    ];
    const pr = R.profile;
    if (pr?.ours && pr?.raw) {
      const cats = [...new Set([...Object.keys(pr.ours), ...Object.keys(pr.raw)])]
        .map((c) => ({ c, d: (pr.ours[c] ?? 0) - (pr.raw[c] ?? 0) }))
        .filter((x) => x.d > 0)
        .sort((a, b) => b.d - a.d);
      lines.push(`  A CPU profile at ${R.N.inFlight} in flight (below) puts the extra, ${signedUs(sum(pr.ours) - sum(pr.raw))} per call under the profiler, in: ${cats.slice(0, 6).map((x) => `${x.c} +${fmtUs(x.d)}`).join(", ")}.`);
      const f = R.profileFunctions;
      if (f?.rows?.length) {
        const top = f.rows.slice(0, 6).map((r) => `${code(shortName(r.name))} ${fmtUs(r.us)}`);
        const crates = (f.wasmByGroup ?? []).slice(0, 5).map((g) => `${g.group} ${fmtUs(g.us)}`);
        lines.push(`  Our own frames, by self time per call: ${top.join(", ")}; the wasm's self time by crate: ${crates.join(", ")}${f.namesExact ? "" : " (wasm names approximate: the names-kept build did not reproduce the packed .wasm)"}.`);
      }
    }
    // Issue 11's known costs, each with what this run shows of it.
    const known = [];
    const ra = R.warm.rawTimeout;
    if (ra) {
      const abort = pr?.ours && pr?.raw ? `; under the profiler AbortController / AbortSignal / DOMException costs ${fmtUs(pr.ours["AbortController / AbortSignal / DOMException"] ?? 0)} per call for us against ${fmtUs(pr.raw["AbortController / AbortSignal / DOMException"] ?? 0)} for raw fetch` : "";
      const timer = framesUs(R, /^__wbg_(setTimeout|clearTimeout|bind|abort|signal)\b|^__wbg_new\b.*AbortController|transport::(set_timeout|clear_timeout|bound_abort)\b|AbortController/);
      known.push(
        `an AbortController and a timer per attempt: raw fetch with the same time limit and no wasm (the diagnostic row) measures ${fmtRatio(ra.latencyRatio)} latency, ${fmtRatio(ra.cpuRatio)} CPU and ${fmtRatio(ra.tpRatio)} throughput${abort}` +
          (timer.n ? `; our frames that create, arm and clear them (the glue's imports and their bindings in the wasm) take ${fmtUs(timer.us)} per call of self time` : ""),
      );
    }
    const serde = (R.profileFunctions?.wasmByGroup ?? []).find((g) => g.group === "serde_wasm_bindgen");
    const guard = framesUs(R, /js::guard::/);
    if (serde || guard.n) known.push(`serde round trips: the wasm's self time in serde_wasm_bindgen is ${fmtUs(serde?.us ?? 0)} per call, in the guard's copy ${fmtUs(guard.us)}`);
    const copies = framesUs(R, /^(__wbg_prototypesetcall|getStringFromWasm0|passStringToWasm0|getArrayU8FromWasm0|__wbg___wbindgen_string_get|__wbg_new_from_slice)\b|js_sys::Uint8Array::/);
    if (copies.n) known.push(`the body copied into wasm memory and back as a string: the frames that move bytes and strings across the boundary (all of them, not only the body's) take ${fmtUs(copies.us)} per call`);
    const perCall = framesUs(R, /^__wbg_(set(_\w+)?|stringify|create|assign)\b|^__wbg_new\b(?!.*(AbortController|Promise))/);
    const closures = framesUs(R, /makeMutClosure|^real\b|closures_+invoke|_wbg_cb_unref/);
    if (perCall.n || closures.n) {
      known.push(
        `objects built per call: the glue's imports that build the request's objects and text (\`Reflect.set\` of each header, the RequestInit setters, \`JSON.stringify\` of the body, \`Object.create\`/\`Object.assign\` of the guard's copy, \`new\` objects) take ${fmtUs(perCall.us)} per call of self time, ` +
          `and the closures wasm-bindgen-futures makes to await each promise (\`makeMutClosure\` and its callers) ${fmtUs(closures.us)}`,
      );
    }
    if (known.length) lines.push(`  Issue 11's known costs, as this run measures them:\n${known.map((k) => `  - ${k[0].toUpperCase()}${k.slice(1)}.`).join("\n")}`);
    out.push(lines.join("\n"));
  }
  const wd = rows.find((r) => r.id === "workerd");
  if (wd && (wd.met === false || (wd.goal && !wd.goal.startsWith("**ahead**"))) && R.workerdWarm?.raw) {
    out.push(
      `- **Inside workerd: ${wd.shown} (${wd.met === false ? wd.miss : "bound met"}; oauth4webapi ${wd.peer}).** The same per-call work as in Node (above) over workerd's fetch: raw fetch inside workerd costs ${fmtUs(R.workerdWarm.raw.perCallUs)} per call and we ${fmtUs(R.workerdWarm.ours.perCallUs)}` +
        (R.workerdWarm.rawTimeout ? `; raw fetch with the same time limit and no wasm measures ${fmtRatio(R.workerdWarm.rawTimeout.ratio)} there` : "") +
        ". workerd has no profiler in this harness; the Node profile above is the closest look at where the time goes.",
    );
  }
  const notes = new URL("./NOTES.md", import.meta.url);
  if (existsSync(notes)) {
    out.push("", "What was tried (bench/NOTES.md, written by hand, not measured by this run):", "", readFileSync(notes, "utf8").trim());
  }
  return out.join("\n") + "\n";
}

/**
 * Issue 13: what the token manager adds to the shipped size and to the cold start, and the proof that
 * a plain obtainToken user loads none of it (the main entry's files hold none of it).
 */
function tokenManagerSection(R, label) {
  const s = [];
  const T = R.tokens;
  const P = T.proof ?? {};
  const main = R.size;
  const f = T.features ?? {};
  s.push("## The token manager: what it adds (issue 13)");
  s.push("");
  s.push(
    "The token manager (`TokenManager`, `MemoryTokenStore`, `SquareTokenStore`, `verifyWebhook`) ships as its own entry, `square-oauth-edge/tokens`: its own glue and .wasm in the package's `tokens/` folder, the crate built " +
      `${f.tokens ? `with the features \`${f.tokens}\`` : "with the `tokens` feature"}, where the main entry's .wasm is the crate built ${f.main ? `with \`${f.main}\` only` : "without it"} (scripts/build-package.sh). ` +
      "The tokens entry exports everything the main entry does as well, so a user of the manager loads that entry instead of the main one, not both; both share errors.js (one `SquareError` class).",
  );
  s.push("");

  // -- size, file by file
  // Paired by role: the tokens entry's files sit in tokens/, and its .wasm has a name of its own.
  const base = (n) => n.replace(/^tokens\//, "").replace(/_tokens_bg\.wasm$/, "_bg.wasm");
  const pairs = new Map();
  for (const x of main.files) pairs.set(base(x.name), { main: x });
  for (const x of T.files) pairs.set(base(x.name), { ...pairs.get(base(x.name)), tokens: x });
  const dGzip = T.sumGzip - main.sumGzip;
  const dWasm = (T.wasm?.gzip ?? NaN) - (main.wasm?.gzip ?? NaN);
  s.push("**Shipped size**, gzip -9 file by file (as scripts/build-package.sh prints it), of what a Worker loads from each entry: its workerd.js, the files it imports (glue, errors.js) and its .wasm:");
  s.push("");
  const cell = (x, k) => (x ? fmtBytes(x[k]) : "–");
  const diff = (a, b) => (a && b ? signedB(b.gzip - a.gzip) : a ? signedB(-a.gzip) : b ? signedB(b.gzip) : "–");
  s.push(
    table(
      ["file", "main entry: bytes", "main entry: gzip -9", "tokens entry: file", "tokens entry: bytes", "tokens entry: gzip -9", "tokens − main, gzip -9"],
      [
        ...[...pairs.values()].map(({ main: a, tokens: b }) => [a ? `\`${a.name}\`` : "–", cell(a, "bytes"), cell(a, "gzip"), b ? `\`${b.name}\`${a && a.name === b.name ? " (shared)" : ""}` : "–", cell(b, "bytes"), cell(b, "gzip"), diff(a, b)]),
        ["**sum**", `**${fmtBytes(main.totalBytes)}**`, `**${fmtBytes(main.sumGzip)}**`, "", `**${fmtBytes(T.totalBytes)}**`, `**${fmtBytes(T.sumGzip)}**`, `**${signedB(dGzip)}**`],
      ],
    ),
  );
  s.push("");
  s.push(
    `**What the token manager adds for its users: ${signedB(dGzip)} gzip -9 (${kb(dGzip)}, +${((dGzip / main.sumGzip) * 100).toFixed(0)}% over the main entry's ${kb(main.sumGzip)}), ${signedB(dWasm)} of it in the .wasm; ` +
      `for a plain \`obtainToken\` user, who imports \`square-oauth-edge\`: 0 B.** Uncompressed, the .wasm grows from ${fmtBytes(main.wasm?.bytes)} B to ${fmtBytes(T.wasm?.bytes)} B. ` +
      `(gzip -9 of the files concatenated: main ${fmtBytes(main.concatGzip)} B, tokens ${fmtBytes(T.concatGzip)} B.)`,
  );
  s.push("");

  // -- the proof
  const ok = (c) => (c ? "yes" : "**no**");
  const jsHits = (P.mainJsMentions ?? []).reduce((a, m) => a + m.hits, 0);
  const items = [
    `its .wasm exports ${P.mainExports} names, ${P.mainTokenExports?.length ? `**and ${P.mainTokenExports.length} of the token manager's: ${P.mainTokenExports.map(code).join(", ")}**` : "none of them the token manager's"} (a \`TokenManager\`, \`…TokenStore\` or webhook export), ` +
      `where the tokens entry's .wasm exports ${P.tokensExports}, of them ${P.tokensTokenExports?.length ?? 0} the token manager's (${(P.tokensTokenExports ?? []).filter((n) => !/^__wbg_/.test(n)).map((n) => `\`${n}\``).join(", ")}${(P.tokensTokenExports ?? []).some((n) => /^__wbg_/.test(n)) ? `, and the classes' ${(P.tokensTokenExports ?? []).filter((n) => /^__wbg_/.test(n)).length} \`__wbg_…_free\`` : ""})` +
      (P.onlyInMain?.length ? `; the main .wasm exports ${P.onlyInMain.length} name(s) the tokens one does not: ${P.onlyInMain.map(code).join(", ")}` : "; every main export is also a tokens export"),
    `its files — every file \`exports["."]\` and \`main\` of its package.json name (${(P.mainEntries ?? []).map((n) => `\`${n}\``).join(", ")}) and what they import — are ${(P.mainReached ?? []).length} files at the package's root, ${P.mainReachesTokens?.length ? `**and ${P.mainReachesTokens.length} under tokens/: ${P.mainReachesTokens.join(", ")}**` : "none under tokens/"}; ` +
      `their JavaScript (the entries, the glue, errors.js, node.cjs with its bundled glue) names the token manager ${jsHits} times (\`TokenManager\`, \`…TokenStore\`, \`verifyWebhook\`, \`handleWebhook\`, \`tokenmanager_…\`), the tokens entry's glue ${fmtBytes(P.tokensGlueMentions)} times` +
      (P.mainWorkerMentions !== undefined ? `; esbuild's bundle of the one-call Worker of a plain user (the *edge* bundle below) names it ${P.mainWorkerMentions} times` : ""),
    P.mainSameAsBuild === null || P.mainSameAsBuild === undefined
      ? "whether its .wasm is the build without the `tokens` feature could not be checked (target/bindgen/main/square_oauth_edge_bg.opt.wasm was missing)"
      : `its .wasm ${P.mainSameAsBuild ? "is byte for byte" : "**is not**"} the optimised output of the crate built without the \`tokens\` feature (target/bindgen/main/, ${f.main ? `features \`${f.main}\`` : "the main variant"}), so its size, ${fmtBytes(main.wasm?.bytes)} B (${fmtBytes(main.wasm?.gzip)} B gzip), is that build's` +
        (R.breakdown ? `; the byte breakdown below rebuilds it from that build's wasm-bindgen output${R.breakdown.exact ? " and reproduces it byte for byte" : " but does **not** reproduce it byte for byte"}` : ""),
  ];
  const proven = !P.mainTokenExports?.length && !P.mainReachesTokens?.length && jsHits === 0 && !P.mainWorkerMentions && P.mainSameAsBuild === true;
  s.push(`Why a plain \`obtainToken\` user loads 0 bytes of it${proven ? "" : " (**not all of this run's checks hold: see below**)"} — what \`import … from "square-oauth-edge"\` loads, checked in this run on the installed package:`);
  s.push("");
  for (const it of items) s.push(`- ${it[0].toUpperCase()}${it.slice(1)}.`);
  s.push("");

  // -- where the added bytes go
  const tb = T.breakdown;
  const mb = R.breakdown;
  if (tb?.items && mb?.items) {
    const byGroup = (its) => new Map(groupItems(its).groups.map((g) => [g.group, g.bytes]));
    const gm = byGroup(mb.items);
    const gt = byGroup(tb.items);
    const grows = [...new Set([...gm.keys(), ...gt.keys()])]
      .map((g) => ({ g, a: gm.get(g) ?? 0, b: gt.get(g) ?? 0 }))
      .map((x) => ({ ...x, d: x.b - x.a }))
      .filter((x) => x.d !== 0)
      .sort((x, y) => y.d - x.d);
    const addedTotal = grows.reduce((a, x) => a + x.d, 0);
    s.push(
      `Where the added bytes go: the .wasm's function bodies and data, by crate (raw bytes before gzip, ${tb.tool.replace(/ \(.*\)$/, "")} over a names-kept build of each entry's .wasm, grouped like the byte breakdown below${tb.exact ? "" : "; the tokens build's names-kept rebuild did **not** reproduce its .wasm, so approximate"}), ${signedB(addedTotal)} in all:`,
    );
    s.push("");
    const shown = grows.slice(0, 10);
    const rest = grows.slice(10);
    const growRows = shown.map((x) => [x.g, fmtBytes(x.a), fmtBytes(x.b), signedB(x.d)]);
    if (rest.length) {
      const a = rest.reduce((t, x) => t + x.a, 0);
      const b = rest.reduce((t, x) => t + x.b, 0);
      growRows.push([`${rest.length} other groups`, fmtBytes(a), fmtBytes(b), signedB(b - a)]);
    }
    growRows.push(["**all**", `**${fmtBytes(mb.items.reduce((t, x) => t + x.bytes, 0))}**`, `**${fmtBytes(tb.items.reduce((t, x) => t + x.bytes, 0))}**`, `**${signedB(addedTotal)}**`]);
    s.push(table(["group", "main entry", "tokens entry", "tokens − main"], growRows));
    s.push("");
    const ret = (tb.exportsRetained ?? []).filter((e) => TOKEN_EXPORT.test(e.name) && !/__wbg_/.test(e.name));
    if (ret.length) {
      s.push(`What each of the token manager's exports keeps alive (twiggy retained size in the tokens .wasm: bytes that would go if only that export went; what they share is counted under none): ${ret.slice(0, 12).map((e) => `\`${e.name.replace(/"/g, "")}\` ${fmtBytes(e.bytes)} B`).join(", ")}.`);
      s.push("");
    }
  }

  // -- cold start
  const rts = ["node", "deno", "workerd"].filter((rt) => R.cold?.[rt]?.raw);
  const ids = ["raw", "ours", "oursTokens", "oursTokenManager"];
  const what = {
    raw: "raw fetch (floor)",
    ours: "main entry: import + obtainToken",
    oursTokens: "tokens entry: import + obtainToken",
    oursTokenManager: "tokens entry: import + new TokenManager (MemoryTokenStore) + save + first accessToken (one refresh)",
  };
  if (rts.length) {
    s.push(
      "**Cold start** (the same whole-process runs as the *Cold start* tables below, in the same rounds: spawn → import → one call → token printed → exit; in workerd, spawn → the first response). " +
        "A plain `obtainToken` user's cold start is the *main entry* row: its .wasm holds none of the token manager (above), so the manager adds nothing to it. " +
        "*tokens entry: import + obtainToken* is what a user of the manager pays at start for the same call (and what a plain user would pay if the manager were in the main entry); " +
        "*TokenManager + first accessToken* starts with an empty memory store, saves the seller's ObtainToken answer with `expires_at` one day away (due), and asks for a token: the manager opens the sealed record, refreshes it at the fake (the same one ObtainToken request as every other row), seals and stores the new tokens. " +
        "Both comparisons are paired medians over rounds: a row's time over raw fetch's, and minus the main entry's, in the same round.",
    );
    s.push("");
    const rws = [];
    for (const rt of rts) {
      const c = R.cold[rt];
      for (const id of ids) {
        const x = c[id];
        if (!x) {
          if (id !== "raw" && (c.skip ?? []).includes(id)) rws.push([RT_NAME[rt], what[id], "not run: no bundle", "", "", ""]);
          continue;
        }
        rws.push([RT_NAME[rt], what[id], fmtMs(x.medianMs), `**${fmtRatio(x.ratio)}**`, id === "ours" || id === "raw" || !Number.isFinite(x.vsOursMs) ? "" : `**${signedMs(x.vsOursMs)}**`, String(x.n)]);
      }
      if (!c.oursTokenManager && !(c.skip ?? []).includes("oursTokenManager")) {
        const f2 = (R.failures ?? []).find((f) => f.peer === "oursTokenManager" && f.where.includes(rt));
        rws.push([RT_NAME[rt], what.oursTokenManager, f2 ? `not measured: ${f2.msg.replace(/\|/g, "\\|").slice(0, 160)}` : "not measured", "", "", ""]);
      }
    }
    s.push(table(["runtime", "what the process does", "median", "× raw (paired median)", "over the main entry (paired median)", "runs"], rws));
    s.push("");
    const extra = [];
    for (const rt of ["node", "deno"]) {
      const a = R.instantiate?.[rt];
      const b = R.instantiateTokens?.[rt];
      if (a && b) extra.push(`${RT_NAME[rt]} ${fmtMs(a.totalMs)} → ${fmtMs(b.totalMs)} (${signedMs(b.totalMs - a.totalMs)})`);
    }
    const ph = [];
    for (const [key, rt] of [["phases", "Node"], ["phasesDeno", "Deno"]]) {
      const a = R[key]?.ours;
      const b = R[key]?.oursTokens;
      if (a && b) ph.push(`${rt}: import ${signedMs(b.importMs - a.importMs)}, construct ${signedMs(b.constructMs - a.constructMs)}, first call ${signedMs(b.firstCallMs - a.firstCallMs)}`);
    }
    if (extra.length || ph.length) {
      s.push(
        "Where the tokens entry's extra start-up time goes" +
          (extra.length ? `: compiling and instantiating its larger .wasm alone, main → tokens entry, takes ${extra.join(", ")} (medians; *The wasm alone* below)` : "") +
          (ph.length ? `${extra.length ? "; t" : ": t"}imed phase by phase inside the process (*Where the time goes* below), the tokens entry over the main one: ${ph.join("; ")}` : "") +
          ".",
      );
      s.push("");
    }
  }
  return s;
}

const TOKEN_EXPORT = /token_?manager|token_?store|webhook/i;

export function writeReport(file, R) {
  if (R.breakdown?.items) Object.assign(R.breakdown, (({ total, groups, top }) => ({ itemsTotal: total, groups, top }))(groupItems(R.breakdown.items)));
  const v = R.versions;
  const m = R.machine;
  const peers = R.peers;
  const label = Object.fromEntries(peers.map((p) => [p.id, p.label]));
  const s = [];
  s.push("# Benchmarks");
  s.push("");
  s.push(
    `Generated by \`make bench\` (bench/run.sh → bench/harness.mjs) on ${R.started.slice(0, 16).replace("T", " ")} UTC, from commit \`${v.commit}\`${v.dirty ? " with uncommitted changes to the sources" : ""}. ` +
      "Every client makes the same ObtainToken call — `grant_type=refresh_token`, code flow with `client_secret`, one refresh token minted once (code-flow refresh tokens are reusable) — " +
      "against the same local fake Square (tests/fake-square), and every returned access token is checked. Our package is `npm pack`ed and installed from the tarball into a consumer project outside the repo, like a user installs it. " +
      "**Ratios to raw `fetch`, measured in the same run, are the claims; absolute times are context** (this is a noisy 2-core VM).",
  );
  s.push("");
  s.push("## Bounds (issue 11)");
  s.push("");
  s.push(
    `The bounds the new design (fetch, time limits, retries and body reads in Rust; caller input read with serde-wasm-bindgen through a guard; responses parsed by the runtime's \`JSON.parse\`) must stay within, as ratios to raw \`fetch\` measured in the same run. ` +
      `*${BEFORE.label}* is the previous design's value, from ${BEFORE.source} (issue 11's "today"); *oauth4webapi* is measured in this run. ` +
      "The bounds are floors: the goal is to beat the best peer per call, oauth4webapi, so the per-call rows also say how far ahead or behind it we are.",
  );
  s.push("");
  const rows = bounds(R);
  s.push(
    table(
      ["measure", "bound", BEFORE.label, "this run", "oauth4webapi, this run", "bound met?", "vs oauth4webapi (the goal, per call)"],
      rows.map((r) => [r.measure, r.bound, r.before, `**${r.shown}**`, r.peer, r.met === null ? "not measured" : r.met ? "**met**" : `**missed**: ${r.miss}`, r.perCall ? r.goal || "–" : ""]),
    ),
  );
  s.push("");
  s.push("¹ oauth4webapi's size is its one-call Worker bundle, minified, gzip -9 (the *edge* bundle below, including the peer's `customFetch`); it ships no .wasm.");
  s.push("");
  s.push("### Where the cost sits: missed bounds, and per-call measures behind oauth4webapi");
  s.push("");
  const why = whereTheCostSits(R, rows);
  s.push(why);

  // ---- the token manager's entry
  if (R.tokens) s.push(...tokenManagerSection(R, label));

  // ---- size
  s.push("## Size");
  s.push("");
  s.push(
    "What a Workers user ships: the `workerd` entry and the files it loads — the .wasm (its own module, so it is counted), the wasm-bindgen glue, and errors.js (the `SquareError` class, imported by the entry and by the glue) — gzip -9 each:",
  );
  s.push("");
  s.push(table(["file", "bytes", "gzip -9"], [...R.size.files.map((f) => [`\`${f.name}\``, fmtBytes(f.bytes), fmtBytes(f.gzip)]), ["**sum**", `**${fmtBytes(R.size.totalBytes)}**`, `**${fmtBytes(R.size.sumGzip)}**`]]));
  s.push("");
  s.push(
    `(gzip -9 of the files concatenated: ${fmtBytes(R.size.concatGzip)} B. The bound is checked against the per-file sum, the larger. ` +
      `The sans-IO design before it (${BEFORE.source}) shipped ${fmtBytes(BEFORE.size.total)} B, of which the .wasm ${fmtBytes(BEFORE.size.wasm)} B and the JS ${fmtBytes(BEFORE.size.js)} B; its workerd.js bundled the JS transport, core, errors and flow modules.)`,
  );
  s.push("");
  s.push(
    "esbuild `--bundle --minify` of a one-call consumer per peer. *edge*: the Worker the workerd runs below use (`--platform=browser --conditions=workerd,worker`, `.wasm` kept external); " +
      "*node*: the one-call Node script (`--platform=node`). For us the .wasm is loaded as a separate module, so it is added to the total.",
  );
  s.push("");
  const brow = [];
  for (const p of peers) {
    const b = R.size.bundles[p.id];
    if (!b || p.diagnostic) continue;
    const w = b.wasmGzip ?? 0;
    const e = b.edge?.ok ? `${fmtBytes(b.edge.bytes)} / ${fmtBytes(b.edge.gzip)}${b.edgeNodeCompat ? " (platform node + `nodejs_compat`; browser platform fails: " + b.edgeError.replace(/\|/g, "\\|") + ")" : ""}` : `fails: ${b.edge?.error}`;
    const n = b.node?.ok ? `${fmtBytes(b.node.bytes)} / ${fmtBytes(b.node.gzip)}` : `fails: ${b.node?.error}`;
    const tot = b.edge?.ok ? fmtBytes(b.edge.gzip + w) : "–";
    const rawTot = R.size.bundles.raw?.edge?.ok ? R.size.bundles.raw.edge.gzip : NaN;
    brow.push([label[p.id], e, w ? fmtBytes(w) : "–", `**${tot}**`, b.edge?.ok ? fmtRatio((b.edge.gzip + w) / rawTot) : "–", n]);
  }
  s.push(table(["peer", "edge bundle bytes / gzip", "+ .wasm gzip", "edge total gzip", "× raw", "node bundle bytes / gzip (our .wasm ships beside it, not included)"], brow));
  s.push("");

  // ---- breakdown
  const b = R.breakdown;
  if (b) {
    s.push("### Where our bytes go");
    s.push("");
    s.push(
      `The shipped .wasm: ${fmtBytes(b.shippedBytes)} B (${fmtBytes(b.shippedGzip)} B gzip). It comes from cargo's release build (${b.release ? fmtBytes(b.release.bytes) + " B, with names" : b.releaseNote ?? "?"}) → wasm-bindgen (${fmtBytes(b.bindgenBytes)} B) → \`wasm-opt ${b.wasmOptFlags.join(" ")}\`. ` +
        `The items below are from ${b.tool}: the same wasm-opt run with \`-g\`, which keeps the function names${b.exact ? " and otherwise reproduces the shipped .wasm byte for byte" : ""}; the name section itself (not shipped) is left out.`,
    );
    for (const n of b.notes) s.push(`\n> ${n}`);
    s.push("");
    s.push("Sections of the shipped .wasm:");
    s.push("");
    s.push(table(["section", "bytes", "share"], b.sections.map((x) => [x.name, fmtBytes(x.bytes), pct(x.bytes / b.shippedBytes)])));
    s.push("");
    s.push("By crate / kind (function bodies grouped by the crate of their Rust path; generic code is counted in the crate that defines it, async bodies inlined into `wasm_bindgen_futures`/`js_sys` closures count there):");
    s.push("");
    s.push(table(["group", "items", "bytes", "share"], b.groups.slice(0, 14).map((g) => [g.group, fmtBytes(g.count), fmtBytes(g.bytes), pct(g.bytes / b.itemsTotal)])));
    s.push("");
    const ftp = b.top.find((it) => /future_to_promise/.test(it.name));
    if (ftp) {
      s.push(
        `Note: ${code(shortName(ftp.name))} (${fmtBytes(ftp.bytes)} B) is the closure LTO inlined the async bodies of the exported methods into (reading the arguments, building the request, serialising the body: it calls into square_oauth_edge and serde_wasm_bindgen), so part of the ${groupOf(ftp.name)} share is this crate's code; twiggy cannot split an inlined body.`,
      );
      s.push("");
    }
    s.push("Top 15 items (shallow size):");
    s.push("");
    s.push(table(["item#", "item", "bytes", "share"], b.top.map((it, k) => [String(k + 1), code(shortName(it.name)), fmtBytes(it.bytes), pct(it.bytes / b.itemsTotal)])));
    s.push("");
    if (b.exportsRetained?.length) {
      s.push("What each export keeps alive (twiggy retained size: bytes that would go if only that export went):");
      s.push("");
      s.push(table(["export", "retained bytes"], b.exportsRetained.slice(0, 12).map((e) => [`\`${e.name.replace(/"/g, "")}\``, fmtBytes(e.bytes)])));
      s.push("");
    }
  }

  // ---- cold start
  s.push("## Cold start");
  s.push("");
  s.push(
    `A whole process per run: start, import, initialise, one call, print the token, exit — \`node cold-PEER.mjs\`, \`deno run -A cold-PEER.mjs\`, and \`workerd serve\` with one Worker (timed from spawn until the first response, which carries the token of the Worker's first call). ` +
      `${R.N.coldRounds} rounds after 1 untimed round; each round runs every peer once, in an order rotated every round (A B C…, B C…A); a peer's ratio is the **median over rounds of (peer time / raw fetch time in the same round)**.`,
  );
  s.push("");
  for (const rt of ["node", "deno", "workerd"]) {
    const c = R.cold[rt];
    if (!c) continue;
    s.push(`**${{ node: "Node", deno: "Deno", workerd: "workerd" }[rt]}**`);
    s.push("");
    const rws = peers
      .filter((p) => c[p.id])
      .map((p) => [label[p.id], fmtMs(c[p.id].medianMs), `${fmtMs(c[p.id].minMs)} – ${fmtMs(c[p.id].maxMs)}`, `**${fmtRatio(c[p.id].ratio)}**`, `${fmtRatio(percentile(c[p.id].ratios, 25))} – ${fmtRatio(percentile(c[p.id].ratios, 75))}`, String(c[p.id].n)]);
    for (const id of c.skip ?? []) rws.push([label[id], "not run: no bundle", "", "", "", ""]);
    s.push(table(["peer", "median", "min – max", "× raw (paired median)", "paired ratios, 25th – 75th pct", "runs"], rws));
    s.push("");
  }

  // ---- warm
  if (R.warm) {
    s.push("## Warm, Node (one process)");
    s.push("");
    s.push(
      `All peers loaded in one Node process (the harness, pinned to core 0; the fake on core 1), ${R.N.warmup} warm-up calls each, then ${R.N.warmRounds} rounds × ${R.N.warmBlock} sequential calls per peer, peers interleaved round by round in rotated order. ` +
        `Latency: median of all ${R.N.warmRounds * R.N.warmBlock} calls; CPU: \`process.cpuUsage()\` (user + system) over each block ÷ ${R.N.warmBlock}; throughput: ${R.N.tpCalls} calls with ${R.N.inFlight} in flight, ${R.N.tpRounds} rounds. ` +
        "Ratios: median over rounds of the paired ratio to raw fetch in the same round.",
    );
    s.push("");
    s.push(
      table(
        ["peer", "per-call median", "× raw", "CPU per call", "× raw", `calls/s at ${R.N.inFlight} in flight`, "× raw"],
        peers.filter((p) => R.warm[p.id]).map((p) => {
          const w = R.warm[p.id];
          return [label[p.id], fmtUs(w.medianUs), `**${fmtRatio(w.latencyRatio)}**`, fmtUs(w.cpuUs), `**${fmtRatio(w.cpuRatio)}**`, fmtBytes(Math.round(w.callsPerSec)), `**${fmtRatio(w.tpRatio)}**`];
        }),
      ),
    );
    s.push("");
  }
  if (R.workerdWarm) {
    s.push("## Warm, inside workerd");
    s.push("");
    s.push(
      `One workerd process with one Worker per peer; each request makes ${R.N.workerdLoop} sequential calls (each token checked) and is timed from outside (workerd's own clock does not advance during a request). ` +
        `2 warm-up requests per Worker, then ${R.N.workerdRounds} rounds, peers in rotated order; ratio: median of the paired per-round ratios.`,
    );
    s.push("");
    s.push(table(["peer", "per call", "× raw"], peers.filter((p) => R.workerdWarm[p.id]).map((p) => [label[p.id], fmtUs(R.workerdWarm[p.id].perCallUs), `**${fmtRatio(R.workerdWarm[p.id].ratio)}**`])));
    s.push("");
  }

  // ---- diagnostics
  if (R.phases || R.phasesDeno || R.profile) {
    s.push("## Where the time goes (diagnostics)");
    s.push("");
    if (!why.includes(HOW_A_CALL_RUNS)) {
      s.push(HOW_A_CALL_RUNS);
      s.push("");
    }
  }
  for (const [key, name] of [["phases", "Node"], ["phasesDeno", "Deno"]]) {
    if (!R[key]) continue;
    s.push(
      `Phases of a cold ${name} process, timed inside it (${R.N.phaseRuns} processes per peer, rotated, medians): \`import\` of the peer, constructing the client, the first call, a second call; and the whole process, spawn to exit.`,
    );
    s.push("");
    s.push(
      table(
        ["peer", "import", "construct", "first call", "second call", "whole process"],
        Object.entries(R[key]).map(([id, x]) => [label[id], fmtMs(x.importMs), fmtMs(x.constructMs), fmtMs(x.firstCallMs), fmtMs(x.secondCallMs), fmtMs(x.wallMs)]),
      ),
    );
    s.push("");
  }
  if (R.profile?.ours && R.profile?.raw) {
    const P = R.profile;
    const cols = ["raw", "rawTimeout", "ours", "oauth4webapi"].filter((id) => P[id]);
    const cats = [...new Set(cols.flatMap((id) => Object.keys(P[id])))].sort((a, b) => (P.ours[b] ?? 0) - (P.ours[a] ?? 0));
    const head = { raw: "raw fetch µs/call", rawTimeout: "raw + time limit µs/call", ours: "square-oauth-edge µs/call", oauth4webapi: "oauth4webapi µs/call" };
    s.push(
      `CPU per call by where it is spent: V8's sampling profiler over ${fmtBytes(R.N.profileCalls)} calls at ${R.N.inFlight} in flight after ${R.N.warmup} warm-up calls, one Node process per peer (profiling inflates absolute times; compare the columns). ` +
        "Self time: a frame's own time, without what it calls. undici's own wasm (its HTTP parser) is counted as undici; JSON.parse and other builtins count in the frame that called them, or under the runtime when a promise reaction calls them.",
    );
    s.push("");
    const diff = (c) => signedUs((P.ours[c] ?? 0) - (P.raw[c] ?? 0));
    s.push(
      table(
        ["where", ...cols.map((id) => head[id]), "ours − raw"],
        [
          ...cats.map((c) => [c, ...cols.map((id) => fmtUs(P[id][c] ?? 0)), diff(c)]),
          ["**total (busy)**", ...cols.map((id) => `**${fmtUs(sum(P[id]))}**`), `**${signedUs(sum(P.ours) - sum(P.raw))}**`],
        ],
      ),
    );
    s.push("");
    const f = R.profileFunctions;
    if (f?.rows?.length) {
      s.push(
        "Our frames by function, the same profile (self time per call, top 20): wasm functions named from the names-kept build of the byte breakdown" +
          (f.namesExact ? " (the same function indices as the packed .wasm)" : " (**approximate**: the names-kept build did not reproduce the packed .wasm, so indices may be off)") +
          "; glue frames by the wasm-bindgen import they sit in (`__wbg_NAME → what it calls`) or the helper's name; V8's wasm-to-JS wrappers by signature.",
      );
      s.push("");
      s.push(table(["function", "where", "µs/call"], f.rows.slice(0, 20).map((r) => [code(shortName(r.name)), r.where, fmtUs(r.us)])));
      s.push("");
      if (f.wasmByGroup?.length) {
        s.push("The wasm's self time by crate (grouped like the byte breakdown):");
        s.push("");
        s.push(table(["crate", "µs/call"], f.wasmByGroup.slice(0, 12).map((g) => [g.group, fmtUs(g.us)])));
        s.push("");
      }
    }
  }

  // ---- wasm alone
  s.push("## The wasm alone");
  s.push("");
  const rowsI = [];
  const withTokens = ["node", "deno"].some((rt) => R.instantiateTokens?.[rt]);
  for (const rt of ["node", "deno"]) {
    for (const [i, what] of [[R.instantiate?.[rt], ""], [R.instantiateTokens?.[rt], ", tokens entry"]]) {
      if (i) rowsI.push([`${rt === "node" ? "Node" : "Deno"}${what}`, fmtMs(i.compileMs), fmtMs(i.instantiateMs), `**${fmtMs(i.totalMs)}**`, String(i.n)]);
    }
  }
  if (rowsI.length) {
    s.push(
      "Compile (`new WebAssembly.Module`) and instantiate (`initSync({ module })`, which includes wasm-bindgen's start) of the shipped .wasm, in fresh processes (glue imported first, untimed), medians" +
        (withTokens ? ` (*tokens entry*: the token manager's .wasm, ${fmtBytes(R.tokens?.wasm?.bytes)} B, against the main entry's ${fmtBytes(R.size?.wasm?.bytes)} B):` : ":"),
    );
    s.push("");
    s.push(table(["runtime", "compile", "instantiate", "total", "processes"], rowsI));
    s.push("");
    if (R.cold?.node?.raw) s.push(`For scale: the whole raw-fetch process in Node takes ${fmtMs(R.cold.node.raw.medianMs)}.`);
    s.push("");
  }
  if (R.memory) {
    const mm = R.memory;
    const kib = (x) => `${fmtBytes(x / 1024)} KiB`;
    s.push(
      `wasm linear memory (\`memory.buffer.byteLength\`, the instance's exports from \`initSync\`): after initialisation ${kib(mm.afterInit)}, after 1 call ${kib(mm.after1)}, ` +
        `after ${fmtBytes(R.N.memCalls)} sequential calls **${kib(mm.afterSequential)}**, after ${fmtBytes(R.N.memCalls)} more with 32 in flight **${kib(mm.afterConcurrent)}** (JS heap used then: ${fmtBytes(Math.round(mm.jsHeapUsed / 1048576))} MiB).`,
    );
    s.push("");
  }

  // ---- machine, versions, method
  s.push("## Machine and versions");
  s.push("");
  s.push(`- Machine: ${m.nproc} CPUs (\`nproc --all\`), ${m.cpu}, ${m.memGiB} GiB memory, ${m.os}, Linux ${m.kernel}. Load average (1/5/15 min) at the start ${m.loadStart}, at the end ${m.loadEnd ?? "?"}: other work on the machine adds noise that the interleaved, paired ratios only partly cancel.`);
  s.push(`- Runtimes: Node ${v.node}; ${v.deno}; workerd ${v.workerd.replace(/^workerd\s*/, "")} (compatibility date ${v.workerdCompatDate}); esbuild ${v.esbuild}; ${v.wasmOpt}; ${v.rustc}.`);
  s.push(`- Peers: square-oauth-edge ${v.ours} (commit \`${v.commit}\`${v.dirty ? ", uncommitted source changes" : ""}), oauth4webapi ${v.oauth4webapi}, square ${v.square46}, square ${v.square39} (npm alias \`square39\`); exact versions in bench/package-lock.json.`);
  s.push(`- Run time: bench/run.sh ${R.totalSeconds ? `${Math.round(R.totalSeconds)} s` : "?"} (installs, packing, measuring; \`make bench\` builds the package before it), of which measuring ${Math.round(R.harnessSeconds)} s.`);
  s.push("");
  s.push("## How it is measured, and what to keep in mind");
  s.push("");
  s.push(
    [
      "- The fake runs in its own process pinned to core 1 (`taskset -c 1`); the harness and every client process run on core 0 (`taskset -c 0`).",
      "- The same request for everyone: JSON body `{client_id, client_secret, grant_type, refresh_token}` to `/oauth2/token`. Raw fetch sends `Content-Type`, `Accept` and `Square-Version` like us. " +
        "**oauth4webapi** speaks standard OAuth (a form-encoded body), which Square rejects (401 `service.not_authorized`), so its peer passes a `customFetch` that re-encodes the body as JSON — what a user of it against Square must write; its cost counts. " +
        "**square 46** sends its own `Square-Version` (its type allows only `2026-09-16`) and extra `X-Fern-*` headers. **square 39** uses axios over `node:http`, not fetch.",
      "- *raw fetch + time limit, no wasm* is a diagnostic, not an alternative: raw fetch called the way src/transport.rs calls the runtime's fetch (an AbortController whose signal goes to fetch, a 30 s timer bound to `controller.abort`, the same headers as a plain object, `redirect: \"manual\"`, `arrayBuffer()` + `JSON.parse`, `clearTimeout`), with no wasm. It splits our overhead into the price of a per-attempt time limit and that of the wasm + glue. If src/transport.rs changes how it calls fetch, bench/peers/rawTimeout.mjs must follow.",
      "- Cold-start scripts end with an explicit `process.exit(0)` / `Deno.exit(0)` after printing the token, so no peer pays for idle keep-alive sockets. Deno runs with `-A` for every peer (the same flags for all), with its cache warmed by the untimed first round.",
      `- workerd: every peer's Worker uses compatibility date ${v.workerdCompatDate} (so \`nodejs_compat\` is on for all, which square 39 needs), and an outbound network that allows loopback. Its bundle for square 39 is built for platform node with a \`createRequire\` shim; the others for the browser platform with the workerd conditions.`,
      "- Warm numbers share one Node process and its connection pool; p99 on this VM measures the VM, so only medians and paired ratios are reported.",
      R.tokens && "- The token manager's entry (issue 13) is measured in the cold starts, their phases and *The wasm alone* only, not in the warm measures (issue 13 asks what it adds to the shipped size and to the start; its `obtainToken` runs the same Rust code as the main entry's, in a larger .wasm). Its TokenManager row uses a fixed benchmark encryption key and the ObtainToken answer the refresh token was minted with (bench/peers/oursTokenManager.mjs).",
      "- Counts are modest to keep `make bench` well under 15 minutes on 2 cores (see each section). `BENCH_QUICK=1 make bench` runs tiny counts, for trying the harness only (`BENCH_OUT=FILE` writes that report elsewhere than BENCHMARKS.md).",
    ]
      .filter(Boolean)
      .join("\n"),
  );
  s.push("");
  if (R.failures.length) {
    s.push("## Not measured in this run");
    s.push("");
    for (const f of R.failures) s.push(`- ${f.where}, ${label[f.peer] ?? f.peer}: ${f.msg.replace(/\|/g, "\\|")}`);
    s.push("");
  }
  writeFileSync(file, s.join("\n"));
}
