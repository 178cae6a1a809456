// Writes BENCHMARKS.md from the harness's results: budgets first (met/missed, by how much), then a
// table per measure, the machine, the versions, the byte breakdown and how it was measured.
import { writeFileSync } from "node:fs";
import { fmtBytes, fmtMs, fmtRatio, fmtUs, percentile } from "./lib.mjs";
import { groupItems } from "./sizes.mjs";

const SIZE_BUDGET = 30000; // "30 KB gzip", in bytes (1 KB = 1000 bytes, as the peers' numbers)

function table(head, rows) {
  return [`| ${head.join(" | ")} |`, `|${head.map((h) => (/^(peer|item|group|file|section|budget|measure|runtime|export|where)/i.test(h) ? "---" : "---:")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

const r3 = (r) => `${r.toFixed(3)}×`;
const pct = (x) => `${(x * 100).toFixed(0)}%`;
const over = (ratio, limit) => `${((ratio / limit - 1) * 100).toFixed(1)}%`;

function budgets(R) {
  const rows = [];
  const add = (measure, target, value, shown, met, miss) => rows.push({ measure, target, value, shown, met, miss });
  const sizeB = R.size?.sumGzip;
  if (Number.isFinite(sizeB)) {
    add("Shipped size, gzip -9 (.wasm + glue + workerd entry, which bundles core/transport/errors/flow)", "≤ 30,000 B", sizeB, `${fmtBytes(sizeB)} B`, sizeB <= SIZE_BUDGET, `${fmtBytes(sizeB - SIZE_BUDGET)} B over (${over(sizeB, SIZE_BUDGET)})`);
  }
  for (const rt of ["node", "deno", "workerd"]) {
    const r = R.cold?.[rt]?.ours?.ratio;
    const name = { node: "Node", deno: "Deno", workerd: "workerd" }[rt];
    if (Number.isFinite(r)) add(`Cold start, ${name} (process start → token)`, "≤ 1.10× raw", r, r3(r), r <= 1.1, `${over(r, 1.1)} over the budget (+${fmtMs(R.cold[rt].ours.medianMs - R.cold[rt].raw.medianMs)} median vs raw)`);
    else add(`Cold start, ${name}`, "≤ 1.10× raw", NaN, "not measured", null, "");
  }
  const w = R.warm?.ours;
  if (w) {
    add("Warm latency, Node (per-call median)", "≤ 1.05× raw", w.latencyRatio, r3(w.latencyRatio), w.latencyRatio <= 1.05, `${over(w.latencyRatio, 1.05)} over (+${fmtUs(w.medianUs - R.warm.raw.medianUs)} per call)`);
    add("Client CPU per call, Node", "≤ 1.15× raw", w.cpuRatio, r3(w.cpuRatio), w.cpuRatio <= 1.15, `${over(w.cpuRatio, 1.15)} over (+${fmtUs(w.cpuUs - R.warm.raw.cpuUs)} CPU per call)`);
    add(`Throughput, Node, ${R.N.inFlight} in flight`, "≥ 0.95× raw", w.tpRatio, r3(w.tpRatio), w.tpRatio >= 0.95, `${((1 - w.tpRatio / 0.95) * 100).toFixed(1)}% under the budget`);
  }
  const ww = R.workerdWarm?.ours;
  if (ww) add("Warm per-call time inside workerd", "≤ 1.2× raw", ww.ratio, r3(ww.ratio), ww.ratio <= 1.2, `${over(ww.ratio, 1.2)} over (+${fmtUs(ww.perCallUs - R.workerdWarm.raw.perCallUs)} per call)`);
  else add("Warm per-call time inside workerd", "≤ 1.2× raw", NaN, "not measured", null, "");
  return rows;
}

const signedMs = (x) => `${x >= 0 ? "+" : "−"}${fmtMs(Math.abs(x))}`;
const signedUs = (x) => `${x >= 0 ? "+" : "−"}${fmtUs(Math.abs(x))}`;

function whyMissed(R, rows) {
  const out = [];
  const missed = rows.filter((r) => r.met === false);
  if (!missed.length) return "Every budget was met in this run.\n";
  const b = R.breakdown;
  const size = missed.find((m) => m.measure.startsWith("Shipped size"));
  if (size) {
    const wasm = R.size.wasm;
    const lines = [`- **Size: ${size.miss}.** The .wasm is ${fmtBytes(wasm.gzip)} of the ${fmtBytes(R.size.sumGzip)} gzip bytes (${pct(wasm.gzip / R.size.sumGzip)}); the JS files are the rest.`];
    if (b?.groups?.length) {
      lines.push(`  Where the wasm bytes go (raw, before gzip; tables below): ${b.groups.slice(0, 5).map((x) => `${x.group} ${fmtBytes(x.bytes)} B (${pct(x.bytes / b.itemsTotal)})`).join(", ")}.`);
    }
    if (b?.exportsRetained?.length) {
      const flow = b.exportsRetained.filter((e) => !/^"(memory|__|wasm_bindgen__|call"|normalizeOptions)/.test(e.name)).slice(0, 5);
      if (flow.length) lines.push(`  Bytes only one export keeps alive (twiggy retained size): ${flow.map((e) => `${e.name} ${fmtBytes(e.bytes)} B`).join(", ")}.`);
    }
    lines.push(
      "  Already done: the wasm does no I/O (fetch, timers and the retry loop are in transport.js), which removed wasm-bindgen-futures' async machinery (about 25 KB of wasm); caller input crosses as one JSON text, which removed the member-by-member reader; " +
        "a free-list allocator (lol_alloc) replaced dlmalloc (−3.1 KB gzip); float formatting, Unicode tables and generic sort/join are gone; the JS ships without comments and white space (−5 KB gzip). " +
        "What is left is mostly the product: input validation with did-you-mean hints and about 25 coded errors with their messages (the data segments), the strict JSON reader/writer, the response-shape checks, secret scrubbing, the flow helpers, and Rust's panic-location and formatting machinery that stable Rust cannot strip. " +
        "What would close it: the flow helpers in plain JS (tree-shaken by bundlers when unused; their retained bytes are listed above), a nightly `build-std` build with `panic_immediate_abort` and `-Zlocation-detail=none`, and shorter messages without did-you-mean hints — together still short of 30 KB by our estimate, so this budget stays missed by design rather than by neglect.",
    );
    out.push(lines.join("\n"));
  }
  const cold = missed.filter((m) => m.measure.startsWith("Cold start"));
  if (cold.length) {
    const list = cold.map((m) => `${m.measure.match(/Cold start, (\w+)/)[1]} ${m.shown} (${m.miss})`).join("; ");
    const ph = R.phases;
    const inst = R.instantiate ?? {};
    let why = `Compiling and instantiating the .wasm alone takes ${fmtMs(inst.node?.totalMs)} in Node and ${fmtMs(inst.deno?.totalMs)} in Deno (medians, below).`;
    if (ph?.ours && ph?.raw) {
      why +=
        ` Timed phase by phase inside Node processes (below), importing our package costs ${signedMs(ph.ours.importMs - ph.raw.importMs)} over importing the raw-fetch module (loading the entry, glue, core and errors modules, reading the .wasm, compiling and instantiating it synchronously), ` +
        `constructing the client ${signedMs(ph.ours.constructMs - ph.raw.constructMs)}, and the first call ${signedMs(ph.ours.firstCallMs - ph.raw.firstCallMs)} (V8 compiles wasm functions lazily, on first use, and the first call uses most of them); a second call costs ${signedMs(ph.ours.secondCallMs - ph.raw.secondCallMs)}.`;
    }
    const pd = R.phasesDeno;
    if (pd?.ours && pd?.raw) {
      why += ` In Deno the same phases cost import ${signedMs(pd.ours.importMs - pd.raw.importMs)}, construct ${signedMs(pd.ours.constructMs - pd.raw.constructMs)}, first call ${signedMs(pd.ours.firstCallMs - pd.raw.firstCallMs)}, second call ${signedMs(pd.ours.secondCallMs - pd.raw.secondCallMs)} against raw fetch, on a raw-fetch process of only ${fmtMs(R.cold?.deno?.raw?.medianMs)}, which is why the ratio is largest there.`;
    }
    const wiring = ["node", "deno", "workerd"].filter((rt) => R.cold?.[rt]?.rawTimeout).map((rt) => `${rt} ${fmtRatio(R.cold[rt].rawTimeout.ratio)}`);
    if (wiring.length) {
      why += ` Raw fetch with a per-attempt time limit as our transport sets it (AbortController + timer) and no wasm (the diagnostic row) measures ${wiring.join(", ")}: only that much of the gap is the JavaScript around fetch; the rest is loading and running the wasm.`;
    }
    out.push(
      `- **Cold start: ${list}.** ${why} ` +
        "What would close it: a smaller .wasm (every byte is compiled at start-up; see Size), one JS module instead of the entry (which bundles core, transport, errors and flow since this change) and the glue, " +
        "and V8's lazy compilation working for us: the first call touches most wasm functions, so less code on the ObtainToken path compiles less. In workerd the .wasm is compiled while the Worker loads, inside the measured start-up.",
    );
  }
  const warm = missed.filter((m) => /^(Warm latency|Client CPU|Throughput)/.test(m.measure));
  if (warm.length) {
    const list = warm.map((m) => `${m.measure.replace(/, Node.*$/, "").replace(/ \(.*\)$/, "").replace(/^Warm l/, "l").replace(/^Client CPU/, "client CPU").replace(/^Throughput/, "throughput")} ${m.shown} (${m.miss})`).join("; ");
    const pr = R.profile;
    let prof = "";
    if (pr?.ours && pr?.raw) {
      const cats = [...new Set([...Object.keys(pr.ours), ...Object.keys(pr.raw)])]
        .map((c) => ({ c, d: (pr.ours[c] ?? 0) - (pr.raw[c] ?? 0) }))
        .filter((x) => x.d > 0)
        .sort((a, b) => b.d - a.d);
      const tot = Object.values(pr.ours).reduce((a, b) => a + b, 0) - Object.values(pr.raw).reduce((a, b) => a + b, 0);
      prof = ` A CPU profile at ${R.N.inFlight} in flight (below) puts the extra, ${signedUs(tot)} per call under the profiler, in: ${cats.slice(0, 5).map((x) => `${x.c} +${fmtUs(x.d)}`).join(", ")}.`;
    }
    const ra = R.warm?.rawTimeout;
    if (ra) {
      prof += ` Raw fetch with a per-attempt time limit as our transport sets it and no wasm (the diagnostic row) measures ${fmtRatio(ra.latencyRatio)} latency, ${fmtRatio(ra.cpuRatio)} CPU and ${fmtRatio(ra.tpRatio)} throughput: that is the price of the time limit with this runtime's fetch; the rest of our gap is the wasm and its glue.`;
    }
    out.push(
      `- **Warm, Node: ${list}.** Sequentially, raw fetch spends ${fmtUs(R.warm.raw.cpuUs)} of CPU per call and we spend ${fmtUs(R.warm.ours.cpuUs)}; with ${R.N.inFlight} in flight the client core is saturated, so the CPU we add per call sets throughput directly.${prof} ` +
        "A call now crosses into wasm twice on success (prepare: input JSON in, plan JSON out; judge: the body bytes in, a boolean out), with no closures or wasm-side promises; in a tight loop those two cost about 7 µs and 3 µs, but timed inside this very benchmark, between real requests, their medians are about 17 µs and 7.5 µs: each call finds the wasm code and data evicted from the CPU caches by everything fetch does in between, so what counts is how much code a call touches, not how fast it runs. " +
        "That is also why `opt-level = \"s\"` does not pay: it cuts the tight-loop times to 5.3 and 1.4 µs, but between real requests only to about 15 and 6 µs, for +7.4 KB gzip. " +
        "What would close it: touching less code per call (the wasm parses and writes JSON three times per call: the input, the plan, the answer; a success-path fast lane would add code, not remove it), " +
        "and a cheaper time limit than AbortController + timer (the diagnostic row's cost; Node's `AbortSignal` is costly to create and makes undici do more per request). The time limit is kept: without it a hung server would hold a socket for minutes.",
    );
  }
  const wd = missed.find((m) => m.measure.startsWith("Warm per-call time inside workerd"));
  if (wd) {
    out.push(
      `- **Warm inside workerd: ${wd.shown}, ${wd.miss}.** The same per-call work as in Node (above) on a cheaper floor: raw fetch inside workerd costs ${fmtUs(R.workerdWarm.raw.perCallUs)} per call, so the fixed overhead per call weighs more` +
        (R.workerdWarm.rawTimeout ? `; raw fetch with the same time limit and no wasm measures ${fmtRatio(R.workerdWarm.rawTimeout.ratio)} there` : "") +
        "; the same fixes apply.",
    );
  }
  return out.join("\n") + "\n";
}

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
  s.push("## Budgets (issue 6)");
  s.push("");
  const rows = budgets(R);
  s.push(table(["measure", "budget", "this run", "met?"], rows.map((r) => [r.measure, r.target, r.shown, r.met === null ? "not measured" : r.met ? "**met**" : `**missed**: ${r.miss}`])));
  s.push("");
  s.push("### Why a budget is missed, and what would close it");
  s.push("");
  s.push(whyMissed(R, rows));

  // ---- size
  s.push("## Size");
  s.push("");
  s.push(`What a Workers user ships: the files the \`workerd\` entry loads (the .wasm is its own module, so it is counted), gzip -9 each:`);
  s.push("");
  s.push(table(["file", "bytes", "gzip -9"], [...R.size.files.map((f) => [`\`${f.name}\``, fmtBytes(f.bytes), fmtBytes(f.gzip)]), ["**sum**", `**${fmtBytes(R.size.totalBytes)}**`, `**${fmtBytes(R.size.sumGzip)}**`]]));
  s.push("");
  s.push(`(gzip -9 of the files concatenated: ${fmtBytes(R.size.concatGzip)} B. The budget is checked against the per-file sum, the larger.)`);
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
      `The shipped .wasm: ${fmtBytes(b.shippedBytes)} B (${fmtBytes(b.shippedGzip)} B gzip). It comes from cargo's release build (${b.release ? fmtBytes(b.release.bytes) + " B, with names" : "?"}) → wasm-bindgen (${fmtBytes(b.bindgenBytes)} B) → \`wasm-opt ${b.wasmOptFlags.join(" ")}\`. ` +
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
        `Note: \`js_sys::futures::future_to_promise\`'s closure (${fmtBytes(ftp.bytes)} B) is where LTO inlined the async bodies of the exported calls (request building, the retry loop, the fetch transport), so most of the js_sys share is this crate's code.`,
      );
      s.push("");
    }
    s.push("Top 15 items (shallow size):");
    s.push("");
    s.push(table(["#", "item", "bytes", "share"].map((h, k) => (k === 0 ? "item#" : h)).slice(0), b.top.map((it, k) => [String(k + 1), `\`${it.name.replace(/\|/g, "\\|").replace(/::h[0-9a-f]{16}$/, "")}\``, fmtBytes(it.bytes), pct(it.bytes / b.itemsTotal)])));
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
    const cats = [...new Set([...Object.keys(R.profile.ours), ...Object.keys(R.profile.raw)])].sort((a, b) => (R.profile.ours[b] ?? 0) - (R.profile.ours[a] ?? 0));
    const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
    s.push(
      `CPU per call by where it is spent: V8's sampling profiler over ${fmtBytes(R.N.profileCalls)} calls at ${R.N.inFlight} in flight after ${R.N.warmup} warm-up calls, one Node process per peer (profiling inflates absolute times; compare the columns). ` +
        "undici's own wasm (its HTTP parser) is counted as undici.",
    );
    s.push("");
    const ra = R.profile.rawTimeout;
    const diff = (c) => signedUs((R.profile.ours[c] ?? 0) - (R.profile.raw[c] ?? 0));
    s.push(
      table(
        ["where", "raw fetch µs/call", ...(ra ? ["raw + time limit µs/call"] : []), "square-oauth-edge µs/call", "ours − raw"],
        [
          ...cats.map((c) => [c, fmtUs(R.profile.raw[c] ?? 0), ...(ra ? [fmtUs(ra[c] ?? 0)] : []), fmtUs(R.profile.ours[c] ?? 0), diff(c)]),
          ["**total (busy)**", `**${fmtUs(sum(R.profile.raw))}**`, ...(ra ? [`**${fmtUs(sum(ra))}**`] : []), `**${fmtUs(sum(R.profile.ours))}**`, `**${signedUs(sum(R.profile.ours) - sum(R.profile.raw))}**`],
        ],
      ),
    );
    s.push("");
  }

  // ---- wasm alone
  s.push("## The wasm alone");
  s.push("");
  const rowsI = [];
  for (const rt of ["node", "deno"]) {
    const i = R.instantiate?.[rt];
    if (i) rowsI.push([rt === "node" ? "Node" : "Deno", fmtMs(i.compileMs), fmtMs(i.instantiateMs), `**${fmtMs(i.totalMs)}**`, String(i.n)]);
  }
  if (rowsI.length) {
    s.push("Compile (`new WebAssembly.Module`) and instantiate (`initSync({ module })`, which includes wasm-bindgen's start) of the shipped .wasm, in fresh processes (glue imported first, untimed), medians:");
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
      "- *raw fetch + time limit, no wasm* is a diagnostic, not an alternative: raw fetch called the way our transport calls the runtime's fetch (an AbortController whose signal goes to fetch, a 30 s timer, the same headers as a plain object, `redirect: \"manual\"`, `arrayBuffer()` + `JSON.parse`, `clearTimeout`), with no wasm. It splits our overhead into the price of a per-attempt time limit and that of the wasm + glue. If pkg-template/transport.js changes how it calls fetch, bench/peers/rawTimeout.mjs must follow.",
      "- Cold-start scripts end with an explicit `process.exit(0)` / `Deno.exit(0)` after printing the token, so no peer pays for idle keep-alive sockets. Deno runs with `-A` for every peer (the same flags for all), with its cache warmed by the untimed first round.",
      `- workerd: every peer's Worker uses compatibility date ${v.workerdCompatDate} (so \`nodejs_compat\` is on for all, which square 39 needs), and an outbound network that allows loopback. Its bundle for square 39 is built for platform node with a \`createRequire\` shim; the others for the browser platform with the workerd conditions.`,
      "- Warm numbers share one Node process and its connection pool; p99 on this VM measures the VM, so only medians and paired ratios are reported.",
      "- Counts are modest to keep `make bench` well under 15 minutes on 2 cores (see each section). `BENCH_QUICK=1 make bench` runs tiny counts, for trying the harness only.",
    ].join("\n"),
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
