#!/usr/bin/env node
// Generates the three spec-derived unions of pkg-template/index.d.ts -- ErrorCategory, ErrorCode
// and Scope -- with a one-line JSDoc per member, from Square's OpenAPI spec.
//
//   node tests/types/gen-error-codes.mjs           print the three blocks
//   node tests/types/gen-error-codes.mjs --write   replace the marked regions in index.d.ts
//   node tests/types/gen-error-codes.mjs --check   exit 1 if index.d.ts differs from the output
//
// The regions in index.d.ts sit between `// #region generated: NAME` and `// #endregion`.
// The rest of index.d.ts is hand-written. No dependencies.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DTS = new URL("../../pkg-template/index.d.ts", import.meta.url);
const SPEC = new URL("../contract/spec/square-oauth-openapi.json", import.meta.url);

/** Markdown to one plain line: drop links' targets, bold markers and line breaks. */
export function flatten(text) {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/__([^_]+)__/g, "$1")
    .replace(/\s+/g, " ")
    .replace(/\*\//g, "*\\/")
    .trim();
}

/** The first sentence of a flattened text. */
export function firstSentence(text) {
  const m = /^(.*?[.!?])\s+(?=[A-Z`])/.exec(text);
  return m ? m[1] : text;
}

const WIDTH = 100;

/** A JSDoc comment: one line when it fits in WIDTH columns, else wrapped at word boundaries. */
function jsdoc(text, indent) {
  const one = `${indent}/** ${text} */`;
  if (one.length <= WIDTH) return [one];
  const out = [`${indent}/**`];
  let line = `${indent} *`;
  for (const word of text.split(" ")) {
    if (line.length + 1 + word.length > WIDTH && line !== `${indent} *`) {
      out.push(line);
      line = `${indent} *`;
    }
    line += ` ${word}`;
  }
  out.push(line, `${indent} */`);
  return out;
}

function union(name, members, doc) {
  const lines = [`// #region generated: ${name}`, doc, `export type ${name} =`];
  for (const m of members) {
    lines.push(...jsdoc(m.doc, "  "));
    lines.push(`  | ${JSON.stringify(m.name)}`);
  }
  lines[lines.length - 1] += ";";
  lines.push("// #endregion");
  return lines.join("\n");
}

export function generate(spec) {
  const schemas = spec.components.schemas;
  const version = spec.info["x-square-version"];

  const category = schemas.ErrorCategory;
  const categoryDocs = new Map(category["x-enum-elements"].map((e) => [e.name, e.description]));
  const categories = category.enum.map((name) => ({
    name,
    doc: flatten(categoryDocs.get(name) ?? ""),
  }));

  const code = schemas.ErrorCode;
  const codeDocs = new Map(code["x-enum-elements"].map((e) => [e.name, e]));
  const codes = code.enum.map((name) => {
    const el = codeDocs.get(name);
    const sentence = firstSentence(flatten(el?.description ?? ""));
    const cat = el?.["error-category"];
    return { name, doc: cat ? `${sentence} (${cat})` : sentence };
  });

  const scopeMap = spec.components.securitySchemes.oauth2.flows.authorizationCode.scopes;
  const scopes = Object.entries(scopeMap).map(([name, text]) => {
    const flat = flatten(text);
    const m = /^HTTP Method: ((?:`[A-Z]+`,?\s*)+)(.*)$/.exec(flat);
    const doc = m ? `${m[1].replace(/[`\s]/g, "").replace(/,/g, ", ")}: ${m[2]}` : flat;
    return { name, doc };
  });

  return {
    ErrorCategory: union(
      "ErrorCategory",
      categories,
      [
        "/**",
        ` * High-level category of a Square API error (\`Error.category\`): the spec's`,
        ` * \`ErrorCategory\` enum, Square API version ${version}.`,
        " */",
      ].join("\n"),
    ),
    ErrorCode: union(
      "ErrorCode",
      codes,
      [
        "/**",
        ` * Specific code of a Square API error (\`Error.code\`): every value of the spec's \`ErrorCode\``,
        ` * enum (${codes.length} values, Square API version ${version}), each with the first sentence of`,
        " * Square's description and its category. Most concern other Square APIs; the ones OAuth calls",
        " * typically return are `UNAUTHORIZED`, `ACCESS_TOKEN_EXPIRED`, `ACCESS_TOKEN_REVOKED`,",
        " * `CLIENT_DISABLED`, `FORBIDDEN`, `BAD_REQUEST`, `MISSING_REQUIRED_PARAMETER`, `INVALID_VALUE`,",
        " * `RATE_LIMITED`, `INTERNAL_SERVER_ERROR` and `SERVICE_UNAVAILABLE`.",
        " *",
        " * Square adds codes over time. A newer code than this list still arrives as a string at run",
        " * time, so give a `switch` over it a `default` branch.",
        " */",
      ].join("\n"),
    ),
    Scope: union(
      "Scope",
      scopes,
      [
        "/**",
        ` * An OAuth permission (scope) name: the ${scopes.length} scopes of the spec's`,
        ` * \`securitySchemes.oauth2.flows.authorizationCode.scopes\` (Square API version ${version}),`,
        " * each with the HTTP methods it covers and Square's description.",
        " * See https://developer.squareup.com/docs/oauth-api/square-permissions",
        " */",
      ].join("\n"),
    ),
  };
}

function replaceRegions(dts, blocks) {
  let out = dts;
  for (const [name, block] of Object.entries(blocks)) {
    const start = out.indexOf(`// #region generated: ${name}\n`);
    if (start < 0) throw new Error(`index.d.ts has no "// #region generated: ${name}" marker`);
    const endMarker = "// #endregion";
    const end = out.indexOf(endMarker, start);
    if (end < 0) throw new Error(`region ${name} in index.d.ts has no "${endMarker}"`);
    out = out.slice(0, start) + block + out.slice(end + endMarker.length);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const spec = JSON.parse(readFileSync(SPEC, "utf8"));
  const blocks = generate(spec);
  const mode = process.argv[2];
  if (mode === "--write" || mode === "--check") {
    const dts = readFileSync(DTS, "utf8");
    const next = replaceRegions(dts, blocks);
    if (mode === "--write") {
      if (next !== dts) writeFileSync(DTS, next);
      console.log(next === dts ? "index.d.ts already up to date" : "index.d.ts regions rewritten");
    } else if (next !== dts) {
      console.error(
        "FAIL: the generated regions of pkg-template/index.d.ts differ from the spec; " +
          "run `node tests/types/gen-error-codes.mjs --write` and review the diff",
      );
      process.exit(1);
    } else {
      console.log("ok: generated regions of index.d.ts match the spec");
    }
  } else if (mode === undefined) {
    console.log(Object.values(blocks).join("\n\n"));
  } else {
    console.error("usage: gen-error-codes.mjs [--write | --check]");
    process.exit(2);
  }
}
