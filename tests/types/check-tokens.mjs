#!/usr/bin/env node
// Checks the token manager's declarations (issue 13) in pkg/tokens/index.d.ts (the "square-oauth-edge/tokens" entry), the way check-spec.mjs
// checks the client's:
//  - TokenManager, MemoryTokenStore and SquareTokenStore are exported classes, verifyWebhook a
//    function, TokenStore an interface, WebhookEvent and SquareTokenErrorCode exported;
//  - TokenManager has save, accessToken, revoke, forget and handleWebhook; TokenStore get and put;
//  - SquareTokenErrorCode is exactly the eight documented codes, each with a one-line /** */
//    comment, and SquareErrorCode includes the group;
//  - every one of these declarations, and every exported declaration they reference (options,
//    events, the Durable Object types…), has a JSDoc comment on itself and on each member, and
//    uses no `any`, and their examples import from "square-oauth-edge/tokens";
//  - the tokens entry declares everything the main entry does, and index.d.cts equals index.d.ts.
// `node tests/types/check-tokens.mjs --self-test` applies mutations to a copy of the declarations
// and requires each to be caught. Node only, no dependencies. Prints `N passed, M failed` last.
import { readFileSync } from "node:fs";
import { scan } from "./dts-scan.mjs";

const DTS = process.env.CHECK_TOKENS_DTS ?? new URL("../../pkg/tokens/index.d.ts", import.meta.url);

export const TOKEN_ERROR_CODES = [
  "REAUTHORIZE_REQUIRED",
  "UNKNOWN_MERCHANT",
  "UNREADABLE_RECORD",
  "STORE_ERROR",
  "INVALID_WEBHOOK_SIGNATURE",
  "INVALID_WEBHOOK_EVENT",
  "STALE_WEBHOOK",
  "CRYPTO_ERROR",
];
const ROOTS = {
  TokenManager: "class",
  MemoryTokenStore: "class",
  SquareTokenStore: "class",
  verifyWebhook: "function",
  TokenStore: "interface",
  WebhookEvent: ["interface", "type"],
  SquareTokenErrorCode: "type",
};
const METHODS = {
  TokenManager: ["save", "accessToken", "revoke", "forget", "handleWebhook"],
  MemoryTokenStore: ["get", "put"],
  SquareTokenStore: ["fetch"],
  TokenStore: ["get", "put"],
};
// Names referenced from the roots that are checked elsewhere (check-spec.mjs), not walked here.
const NOT_WALKED = new Set(["OAuthClient", "ObtainTokenResponse", "SquareError", "SquareErrorCode"]);

export function check(source) {
  const { masked, jsdocs } = scan(source);
  let passed = 0;
  const failures = [];
  const ok = (cond, message) => {
    if (cond) passed++;
    else failures.push(message);
    return cond;
  };
  const jsdocBefore = (pos) => {
    for (let k = jsdocs.length - 1; k >= 0; k--) {
      const d = jsdocs[k];
      if (d.end <= pos) return /^\s*$/.test(source.slice(d.end, pos)) ? d.text : undefined;
    }
    return undefined;
  };
  const close = (open) => {
    let depth = 0;
    for (let i = open; i < masked.length; i++) {
      if ("{([<".includes(masked[i])) depth++;
      else if ("})]>".includes(masked[i]) && !(masked[i] === ">" && masked[i - 1] === "=")) {
        if (--depth === 0) return i;
      }
    }
    return masked.length - 1;
  };
  /** End (exclusive) of a `type X = …;` or `function f(…): R;` at bracket depth 0. */
  const statementEnd = (from) => {
    let depth = 0;
    for (let i = from; i < masked.length; i++) {
      const c = masked[i];
      if ("{([<".includes(c)) depth++;
      else if ("})]>".includes(c) && !(c === ">" && masked[i - 1] === "=")) depth--;
      else if (c === ";" && depth === 0) return i;
    }
    return masked.length;
  };

  const decls = new Map();
  for (const m of masked.matchAll(/\bexport\s+(?:declare\s+)?(interface|type|class|function)\s+(\w+)/g)) {
    const [, kind, name] = m;
    let start = m.index;
    let end;
    let body;
    if (kind === "interface" || kind === "class") {
      const open = masked.indexOf("{", m.index);
      end = close(open) + 1;
      body = [open + 1, end - 1];
    } else {
      end = statementEnd(m.index + m[0].length);
    }
    if (!decls.has(name)) decls.set(name, { kind, name, start, end, body, doc: jsdocBefore(m.index) });
  }

  // ---- the roots exist, with the right kinds and methods ----
  for (const [name, kinds] of Object.entries(ROOTS)) {
    const d = decls.get(name);
    const want = Array.isArray(kinds) ? kinds : [kinds];
    ok(d !== undefined && want.includes(d.kind), `index.d.ts exports no ${want.join(" or ")} ${name}`);
  }
  const members = (d) => {
    if (!d?.body) return [];
    const out = [];
    let depth = 0;
    let from = d.body[0];
    for (let i = d.body[0]; i <= d.body[1]; i++) {
      const c = masked[i];
      if ("{([<".includes(c)) depth++;
      else if ("})]>".includes(c) && !(c === ">" && masked[i - 1] === "=")) depth--;
      if ((c === ";" && depth === 0) || i === d.body[1]) {
        const text = masked.slice(from, i);
        const lead = text.search(/\S/);
        if (lead >= 0) {
          const at = from + lead;
          const raw = text.trim().replace(/\s+/g, " ");
          const name = /^\[Symbol\.\w+\]/.exec(raw)?.[0] ?? /^(?:readonly\s+|static\s+|private\s+|protected\s+)*(\w+)/.exec(raw)?.[1] ?? raw;
          out.push({ name, raw, at, doc: jsdocBefore(at) });
        }
        from = i + 1;
      }
    }
    return out;
  };
  for (const [name, wanted] of Object.entries(METHODS)) {
    const have = new Set(members(decls.get(name)).map((m) => m.name));
    for (const method of wanted) ok(have.has(method), `${name} has no member ${method}`);
  }

  // ---- the error codes ----
  const tokenCodes = decls.get("SquareTokenErrorCode");
  if (tokenCodes) {
    const text = source.slice(tokenCodes.start, tokenCodes.end);
    const literals = [...text.matchAll(/\|\s*"([A-Z_]+)"/g)].map((m) => m[1]);
    const missing = TOKEN_ERROR_CODES.filter((c) => !literals.includes(c));
    const extra = literals.filter((c) => !TOKEN_ERROR_CODES.includes(c));
    ok(missing.length === 0, `SquareTokenErrorCode: missing ${missing.join(", ")}`);
    ok(extra.length === 0, `SquareTokenErrorCode: not in the documented list: ${extra.join(", ")}`);
    ok(new Set(literals).size === literals.length, "SquareTokenErrorCode: duplicate members");
    for (const code of TOKEN_ERROR_CODES) {
      const at = source.indexOf(`| "${code}"`, tokenCodes.start);
      const line = source.slice(0, at).trimEnd().split("\n").pop() ?? "";
      ok(at >= 0 && at < tokenCodes.end && /^\s*\/\*\*.*\*\/$/.test(line), `SquareTokenErrorCode "${code}" lacks a one-line /** */ comment`);
    }
  }
  const all = decls.get("SquareErrorCode");
  ok(
    all !== undefined && /\bSquareTokenErrorCode\b/.test(masked.slice(all.start, all.end)),
    "SquareErrorCode does not include SquareTokenErrorCode",
  );
  // No other group declares a token code (the groups stay disjoint).
  for (const group of ["SquareInputErrorCode", "SquareTransportErrorCode", "SquareResponseErrorCode", "SquareFlowErrorCode"]) {
    const d = decls.get(group);
    if (!d) continue;
    const text = source.slice(d.start, d.end);
    for (const code of TOKEN_ERROR_CODES) ok(!text.includes(`"${code}"`), `${group} also lists ${code}`);
  }

  // ---- the new declarations and what they reference: documented, no `any` ----
  const walked = new Set();
  const queue = Object.keys(ROOTS).filter((n) => decls.has(n));
  while (queue.length) {
    const name = queue.shift();
    if (walked.has(name)) continue;
    walked.add(name);
    const d = decls.get(name);
    const text = masked.slice(d.start, d.end);
    for (const m of text.matchAll(/\b[A-Z]\w*\b/g)) {
      if (decls.has(m[0]) && !walked.has(m[0]) && !NOT_WALKED.has(m[0])) queue.push(m[0]);
    }
  }
  for (const name of walked) {
    const d = decls.get(name);
    ok(d.doc !== undefined, `export ${name} has no JSDoc comment`);
    for (const m of members(d)) {
      ok(m.doc !== undefined, `${name}.${m.name}: no JSDoc comment`);
      ok(!m.raw.startsWith("[") || m.name.startsWith("[Symbol."), `${name} has an index signature: ${m.raw}`);
    }
    const text = masked.slice(d.start, d.end);
    const hits = [...text.matchAll(/\bany\b/g)].map((h) => {
      const line = masked.slice(0, d.start + h.index).split("\n").length;
      return `${line}: ${source.split("\n")[line - 1].trim()}`;
    });
    ok(hits.length === 0, `\`any\` used as a type in ${name}:\n    ${hits.join("\n    ")}`);
  }
  // The token API lives in the "square-oauth-edge/tokens" entry: its examples must import from there.
  for (const name of walked) {
    const d = decls.get(name);
    const text = `${d.doc ?? ""}\n${members(d).map((m) => m.doc ?? "").join("\n")}`;
    ok(!/from\s+["']square-oauth-edge["']/.test(text), `${name}: its JSDoc imports the token API from "square-oauth-edge", not "square-oauth-edge/tokens"`);
  }
  return { passed, failures, walked: [...walked], exports: [...decls.keys()] };
}

// ---- self-test: each mutation must be caught ------------------------------------------------------

const MUTATIONS = [
  ["an any in TokenManager", (s) => s.replace(/(export (?:declare )?class TokenManager[^{]*\{)/, "$1\n    /** x */\n    leak(): any;"), /`any` used as a type in TokenManager/],
  ["an undocumented member", (s) => s.replace(/(export (?:declare )?class MemoryTokenStore[^{]*\{)/, "$1\n    leak(): void;"), /MemoryTokenStore.leak: no JSDoc comment/],
  ["a token code dropped", (s) => s.replace(/\n[^\n]*\n\| "STALE_WEBHOOK"/, ""), /SquareTokenErrorCode: missing STALE_WEBHOOK/],
  ["a token code added", (s) => s.replace('| "STORE_ERROR"', '| "STORE_ERROR"\n/** x */\n| "KEY_ROTATED"'), /not in the documented list: KEY_ROTATED/],
  ["SquareErrorCode without the group", (s) => s.replace(/(export type SquareErrorCode =[^;]*?)\| SquareTokenErrorCode/, "$1"), /SquareErrorCode does not include SquareTokenErrorCode/],
  ["an example importing from the main entry", (s) => s.replace(/(\n\/\*\*\n)(\s*\* Verifies a Square webhook)/, '$1 * import { verifyWebhook } from "square-oauth-edge";\n$2'), /verifyWebhook: its JSDoc imports the token API from "square-oauth-edge"/],
  ["a method gone", (s) => s.replace(/\n(\s*)handleWebhook\(/, "\n$1handleEvent("), /TokenManager has no member handleWebhook/],
];

if (process.argv.includes("--self-test")) {
  const original = readFileSync(DTS, "utf8");
  const base = check(original);
  let passed = 0;
  let failed = 0;
  for (const [what, mutate, expected] of MUTATIONS) {
    const mutated = mutate(original);
    if (mutated === original) {
      failed++;
      console.error(`FAIL ${what}: the mutation did not apply (index.d.ts changed? update the self-test)`);
      continue;
    }
    const r = check(mutated);
    // caught: a failure that matches and that the unmutated declarations do not already have
    if (r.failures.some((f) => expected.test(f) && !base.failures.includes(f))) passed++;
    else {
      failed++;
      console.error(`FAIL ${what}: not caught; check-tokens reported:\n  ${r.failures.join("\n  ") || "(nothing)"}`);
    }
  }
  console.log(`check-tokens self-test: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
} else {
  const result = check(readFileSync(DTS, "utf8"));
  const { failures, walked } = result;
  let { passed } = result;
  if (!process.env.CHECK_TOKENS_DTS) {
    // "square-oauth-edge/tokens" exports everything of the main entry, with the same declarations.
    const main = readFileSync(new URL("../../pkg/index.d.ts", import.meta.url), "utf8");
    const names = [...main.matchAll(/\bexport\s+(?:declare\s+)?(?:interface|type|class|function)\s+(\w+)/g)].map((m) => m[1]);
    const have = new Set(result.exports);
    const missing = names.filter((n) => !have.has(n));
    if (missing.length === 0) passed++;
    else failures.push(`the tokens entry does not export the main entry's ${missing.join(", ")}`);
    const cts = new URL("../../pkg/tokens/index.d.cts", import.meta.url);
    if (readFileSync(cts, "utf8") === readFileSync(DTS, "utf8")) passed++;
    else failures.push("pkg/tokens/index.d.cts differs from pkg/tokens/index.d.ts");
  }
  for (const f of failures) console.log(`FAIL: ${f}`);
  console.log(`checked ${walked.length} declarations: ${walked.sort().join(", ")}`);
  console.log(`${passed} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}
