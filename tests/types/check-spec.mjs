#!/usr/bin/env node
// Checks the hand-written pkg-template/index.d.ts against Square's OpenAPI spec
// (tests/contract/spec/square-oauth-openapi.json, the copy in the repository) and against the package's
// own rules. Fails (exit 1) with one message per problem; prints `N passed, M failed` last.
//
// What it checks:
//  - every property of the request, response and Error schemas is declared by the interface(s)
//    that stand for the schema, with a compatible type; responses declare exactly the spec's
//    properties, all optional; nullable request fields accept null; required ones are required;
//  - the request variants each take a stance on every spec property (accepted, or `?: never`),
//    and the grant types match the spec's list;
//  - the ErrorCategory, ErrorCode and Scope unions equal the spec's lists;
//  - SquareErrorCode is exactly the package's documented codes; Locale is Square's six locales;
//  - LEGACY / DEPRECATED schemas, properties and operations carry `@deprecated`;
//  - each OAuthClient method documents its HTTP method and path, links Square's reference and
//    has an @example;
//  - every export and every member has a JSDoc comment, and no interface has an index signature;
//  - `any` is not used as a type anywhere.
// Node only, no dependencies: the .d.ts is read with a small scanner, which is enough for the
// declaration style of index.d.ts (interfaces, type aliases, one class, functions).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// CHECK_SPEC_DTS lets check-spec-selftest.mjs point the checker at a mutated copy.
const DTS_URL = process.env.CHECK_SPEC_DTS
  ? pathToFileURL(process.env.CHECK_SPEC_DTS)
  : new URL("../../pkg-template/index.d.ts", import.meta.url);
const SPEC_URL = new URL("../contract/spec/square-oauth-openapi.json", import.meta.url);

const source = readFileSync(DTS_URL, "utf8");
const spec = JSON.parse(readFileSync(SPEC_URL, "utf8"));
const schemas = spec.components.schemas;

let passed = 0;
const failures = [];
function check(ok, message) {
  if (ok) passed++;
  else failures.push(message);
  return ok;
}

// ---- a small scanner for the .d.ts ------------------------------------------------------------

/**
 * The source with comments blanked and string contents replaced by `x`, positions preserved, so
 * that braces, semicolons and `|` can be found without tripping over prose. Also returns the
 * spans of every JSDoc comment.
 */
function scan(text) {
  const out = text.split("");
  const jsdocs = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const n = text[i + 1];
    if (c === "/" && n === "/") {
      while (i < text.length && text[i] !== "\n") out[i++] = " ";
    } else if (c === "/" && n === "*") {
      const start = i;
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      if (n === "*" && text[i + 2] === "*") jsdocs.push({ start, end: stop, text: text.slice(start, stop) });
      for (; i < stop; i++) if (text[i] !== "\n") out[i] = " ";
    } else if (c === '"' || c === "'" || c === "`") {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === "\\") out[i++] = "x";
        out[i++] = "x";
      }
      i++;
    } else {
      i++;
    }
  }
  return { masked: out.join(""), jsdocs };
}

const { masked, jsdocs } = scan(source);

/** The JSDoc that ends right before `pos` (only whitespace in between), or undefined. */
function jsdocBefore(pos) {
  for (let k = jsdocs.length - 1; k >= 0; k--) {
    const d = jsdocs[k];
    if (d.end <= pos) return /^\s*$/.test(source.slice(d.end, pos)) ? d.text : undefined;
  }
  return undefined;
}

function matchingClose(open) {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if ("{([<".includes(masked[i])) depth++;
    else if ("})]>".includes(masked[i]) && !(masked[i] === ">" && masked[i - 1] === "=")) {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unbalanced bracket at ${open}`);
}

/** Splits `text` (a slice of masked, at offset) on `sep` at bracket depth 0. */
function splitTop(from, to, sep) {
  const parts = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const c = masked[i];
    if ("{([<".includes(c)) depth++;
    else if ("})]>".includes(c) && !(c === ">" && masked[i - 1] === "=")) depth--;
    else if (c === sep && depth === 0) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, to]);
  return parts;
}

const squash = (s) => s.replace(/\s+/g, " ").trim();

/** Union members of the type text in source[from, to): literal values are unquoted. */
function unionMembers(from, to) {
  return splitTop(from, to, "|")
    .map(([a, b]) => {
      const m = squash(masked.slice(a, b));
      if (m === "") return undefined;
      const raw = squash(source.slice(a, b).replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, ""));
      return /^"x*"$/.test(m) ? { literal: JSON.parse(raw) } : { type: raw };
    })
    .filter(Boolean);
}

const decls = new Map();
for (const m of masked.matchAll(/\bexport\s+(?:declare\s+)?(interface|type|class|function)\s+(\w+)/g)) {
  const [, kind, name] = m;
  const decl = { kind, name, pos: m.index, doc: jsdocBefore(m.index) };
  if (kind === "interface" || kind === "class") {
    const open = masked.indexOf("{", m.index);
    const close = matchingClose(open);
    decl.members = splitTop(open + 1, close, ";")
      .map(([a, b]) => {
        const lead = masked.slice(a, b).search(/\S/);
        if (lead < 0) return undefined;
        const start = a + lead;
        const text = squash(masked.slice(start, b));
        const raw = squash(
          source.slice(start, b).replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, ""),
        );
        const member = { start, text, raw, doc: jsdocBefore(start) };
        const prop = /^(readonly\s+)?(\w+)(\?)?\s*:\s*(.*)$/.exec(raw);
        const method = /^(?:(private|protected)\s+)?(\w+)\s*\(/.exec(raw);
        if (text.startsWith("[")) member.kind = "index";
        else if (method) Object.assign(member, { kind: "method", name: method[2] });
        else if (prop) {
          const colon = masked.indexOf(":", start);
          Object.assign(member, {
            kind: "property",
            name: prop[2],
            optional: Boolean(prop[3]),
            type: prop[4],
            union: unionMembers(colon + 1, b),
          });
        } else member.kind = "unknown";
        return member;
      })
      .filter(Boolean);
  } else if (kind === "type") {
    const eq = masked.indexOf("=", m.index);
    const end = splitTop(eq + 1, masked.length, ";")[0][1];
    decl.union = unionMembers(eq + 1, end);
  }
  decls.set(name, decl);
}

function decl(name, kind) {
  const d = decls.get(name);
  check(d !== undefined && (!kind || d.kind === kind), `index.d.ts exports no ${kind ?? "declaration"} ${name}`);
  return d;
}
const props = (d) => new Map((d?.members ?? []).filter((m) => m.kind === "property").map((m) => [m.name, m]));
const isNever = (p) => p.type === "never";
const literals = (d) => (d?.union ?? []).filter((u) => "literal" in u).map((u) => u.literal);

function sameSet(actual, expected, what) {
  const a = new Set(actual);
  const e = new Set(expected);
  const missing = [...e].filter((x) => !a.has(x));
  const extra = [...a].filter((x) => !e.has(x));
  check(actual.length === a.size, `${what}: duplicate members`);
  check(missing.length === 0, `${what}: missing ${missing.join(", ")}`);
  check(extra.length === 0, `${what}: not in the expected list: ${extra.join(", ")}`);
  check(a.size === e.size, `${what}: ${a.size} members, expected ${e.size}`);
}

// ---- 1. spec enums ------------------------------------------------------------------------------

sameSet(literals(decl("ErrorCategory", "type")), schemas.ErrorCategory.enum, "ErrorCategory vs spec ErrorCategory");
sameSet(literals(decl("ErrorCode", "type")), schemas.ErrorCode.enum, "ErrorCode vs spec ErrorCode");
check(schemas.ErrorCode.enum.length === 153, `spec ErrorCode has ${schemas.ErrorCode.enum.length} values, expected 153`);
const specScopes = Object.keys(spec.components.securitySchemes.oauth2.flows.authorizationCode.scopes);
sameSet(literals(decl("Scope", "type")), specScopes, "Scope vs spec oauth2 scopes");
check(specScopes.length === 59, `spec has ${specScopes.length} scopes, expected 59`);
for (const name of ["ErrorCategory", "ErrorCode", "Scope"]) {
  check(
    (decls.get(name)?.union ?? []).every((u) => "literal" in u),
    `${name} must be a union of string literals only`,
  );
}

// ---- 2. the package's own unions -----------------------------------------------------------------

const SQUARE_ERROR_CODES = [
  "MISSING_FIELD", "UNKNOWN_FIELD", "INVALID_TYPE", "INVALID_VALUE", "CONFLICTING_FIELDS",
  "UNSAFE_HEADER_VALUE", "INSECURE_URL", "INVALID_AUTHORIZATION",
  "NETWORK_ERROR", "TIMEOUT", "ABORTED", "INVALID_FETCH_RESULT",
  "SQUARE_ERROR", "HTTP_ERROR", "REDIRECT", "ERRORS_IN_SUCCESS", "EMPTY_RESPONSE", "INVALID_JSON",
  "UNEXPECTED_CONTENT_TYPE", "INVALID_RESPONSE", "RESPONSE_TOO_LARGE",
  "ACCESS_DENIED", "AUTHORIZATION_ERROR", "MISSING_CODE", "STATE_MISMATCH",
];
/** String literals of a union type, following references to other exported unions. */
function resolveLiterals(name, seen = new Set()) {
  const d = decls.get(name);
  if (!d || d.kind !== "type" || seen.has(name)) return [];
  seen.add(name);
  return d.union.flatMap((u) => ("literal" in u ? [u.literal] : resolveLiterals(u.type, seen)));
}
decl("SquareErrorCode", "type");
sameSet(resolveLiterals("SquareErrorCode"), SQUARE_ERROR_CODES, "SquareErrorCode");
{
  // each code documented by a one-line comment right above it
  for (const code of SQUARE_ERROR_CODES) {
    const at = source.indexOf(`| "${code}"`);
    const line = source.slice(0, at).trimEnd().split("\n").pop() ?? "";
    check(at >= 0 && /^\s*\/\*\*.*\*\/$/.test(line), `SquareErrorCode "${code}" lacks a one-line /** */ comment`);
  }
}
sameSet(literals(decl("Locale", "type")), ["en-IE", "en-US", "en-CA", "es-US", "fr-CA", "ja-JP"], "Locale");
sameSet(literals(decl("Environment", "type")), ["production", "sandbox"], "Environment");

// ---- 3. schemas ------------------------------------------------------------------------------------

/** Whether a TS union (members) can hold a value of the spec schema's type. */
function compatible(schema, union) {
  const types = union.map((u) => ("literal" in u ? typeof u.literal : u.type));
  if (schema.$ref) return types.includes(schema.$ref.split("/").pop());
  switch (schema.type) {
    case "string":
      return types.includes("string");
    case "boolean":
      return types.some((t) => t === "boolean" || t === "true" || t === "false");
    case "array":
      return types.some((t) => /\[\]$/.test(t));
    default:
      return false;
  }
}
/** The exact TS type expected for a response property. */
function responseType(schema) {
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.type === "array") {
    const item = schema.items.$ref ? schema.items.$ref.split("/").pop() : schema.items.type;
    return `${item === "Error" ? "SquareV2Error" : item}[]`;
  }
  return schema.type;
}
const isDeprecatedSchema = (s) => s["x-release-status"] === "DEPRECATED" || s["x-is-deprecated"] === true;
const isLegacyProp = (p) =>
  p["x-release-status"] === "DEPRECATED" || /__LEGACY/.test(p.description ?? "") || p.deprecated === true;
const hasDeprecated = (doc) => /@deprecated\b/.test(doc ?? "");

// Request schemas: each is one interface or a union of variant interfaces.
const REQUESTS = {
  ObtainTokenRequest: [
    "AuthorizationCodeRequest",
    "PkceAuthorizationCodeRequest",
    "RefreshTokenRequest",
    "MigrationTokenRequest",
  ],
  RevokeTokenRequest: ["RevokeByAccessTokenRequest", "RevokeByMerchantIdRequest"],
  RenewTokenRequest: ["RenewTokenRequest"],
};
// Fields the package sends beyond the 2025-08-20 spec (with the reason).
const EXTRA_REQUEST_FIELDS = {
  ObtainTokenRequest: { use_jwt: "sent by Square's SDKs since 2026-01-22 (CONTRACT.md section 3)" },
};

for (const [schemaName, variants] of Object.entries(REQUESTS)) {
  const schema = schemas[schemaName];
  check(schema !== undefined, `spec has no schema ${schemaName}`);
  if (variants.length > 1) {
    const alias = decl(schemaName, "type");
    sameSet((alias?.union ?? []).map((u) => u.type), variants, `${schemaName} union members`);
  }
  const required = new Set(schema.required ?? []);
  const extras = EXTRA_REQUEST_FIELDS[schemaName] ?? {};
  for (const v of variants) {
    const d = decl(v, "interface");
    const p = props(d);
    if (isDeprecatedSchema(schema)) check(hasDeprecated(d?.doc), `${v}: schema ${schemaName} is DEPRECATED but ${v} has no @deprecated`);
    for (const [field, fs] of Object.entries(schema.properties)) {
      const m = p.get(field);
      if (!check(m !== undefined, `${v} does not declare ${schemaName}.${field} (accept it, or forbid it with \`?: never\`)`)) continue;
      if (isNever(m)) {
        check(m.optional, `${v}.${field}: a forbidden field must be optional (\`?: never\`)`);
        check(!required.has(field), `${v}.${field}: ${schemaName} requires it, yet it is forbidden`);
        continue;
      }
      check(compatible(fs, m.union), `${v}.${field}: type \`${m.type}\` cannot hold the spec's ${fs.type}`);
      if (required.has(field)) check(!m.optional, `${v}.${field}: required by the spec but optional`);
      if (m.optional && fs.nullable) {
        check(m.union.some((u) => u.type === "null"), `${v}.${field}: optional and nullable in the spec, but does not accept null`);
      }
      if (isLegacyProp(fs)) check(hasDeprecated(m.doc), `${v}.${field}: LEGACY/DEPRECATED in the spec but no @deprecated`);
    }
    for (const [field, m] of p) {
      check(
        field in schema.properties || field in extras,
        `${v}.${field}: not a property of ${schemaName} in the spec (and not a documented extra)`,
      );
      if (field in extras && !isNever(m)) check(m.optional, `${v}.${field}: an extra field must be optional`);
    }
  }
  // every spec field is accepted by at least one variant
  for (const field of Object.keys(schema.properties)) {
    check(
      variants.some((v) => {
        const m = props(decls.get(v)).get(field);
        return m !== undefined && !isNever(m);
      }),
      `${schemaName}.${field} is accepted by no variant`,
    );
  }
}

// grant types: the spec lists them in the description of grant_type
{
  const described = [...schemas.ObtainTokenRequest.properties.grant_type.description.matchAll(/^- `(\w+)`/gm)].map((m) => m[1]);
  check(described.length === 3, `expected 3 grant types in the spec's grant_type description, found ${described.length}`);
  sameSet(literals(decl("GrantType", "type")), described, "GrantType vs the spec's grant_type values");
  const used = REQUESTS.ObtainTokenRequest.flatMap((v) => (props(decls.get(v)).get("grant_type")?.union ?? []).map((u) => u.literal));
  sameSet([...new Set(used)], described, "grant_type literals of the ObtainTokenRequest variants");
}

// Response schemas and Error: exactly the spec's properties.
const RESPONSES = {
  ObtainTokenResponse: "ObtainTokenResponse",
  RenewTokenResponse: "RenewTokenResponse",
  RevokeTokenResponse: "RevokeTokenResponse",
  RetrieveTokenStatusResponse: "RetrieveTokenStatusResponse",
  Error: "SquareV2Error",
};
for (const [schemaName, iface] of Object.entries(RESPONSES)) {
  const schema = schemas[schemaName];
  const d = decl(iface, "interface");
  const p = props(d);
  const required = new Set(schema.required ?? []);
  sameSet([...p.keys()], Object.keys(schema.properties), `${iface} properties vs spec ${schemaName}`);
  if (isDeprecatedSchema(schema)) check(hasDeprecated(d?.doc), `${iface}: schema ${schemaName} is DEPRECATED but has no @deprecated`);
  for (const [field, fs] of Object.entries(schema.properties)) {
    const m = p.get(field);
    if (!m) continue;
    check(m.optional === !required.has(field), `${iface}.${field}: should be ${required.has(field) ? "required" : "optional"}`);
    check(m.type === responseType(fs), `${iface}.${field}: type \`${m.type}\`, expected \`${responseType(fs)}\``);
    if (isLegacyProp(fs)) check(hasDeprecated(m.doc), `${iface}.${field}: LEGACY/DEPRECATED in the spec but no @deprecated`);
  }
}
{
  const v1 = props(decl("SquareV1Error", "interface"));
  check(v1.get("category")?.type === '"V1_ERROR"', 'SquareV1Error.category must be "V1_ERROR"');
  check(v1.get("code")?.type === "string", "SquareV1Error.code must be string");
  sameSet([...v1.keys()], ["category", "code", "detail", "field"], "SquareV1Error properties");
  sameSet((decl("SquareApiError", "type")?.union ?? []).map((u) => u.type), ["SquareV2Error", "SquareV1Error"], "SquareApiError");
}

// ---- 4. the client's methods ------------------------------------------------------------------------

const client = decl("OAuthClient", "class");
const methods = new Map((client?.members ?? []).filter((m) => m.kind === "method").map((m) => [m.name, m]));
for (const [path, ops] of Object.entries(spec.paths)) {
  for (const [verb, op] of Object.entries(ops)) {
    const name = op.operationId[0].toLowerCase() + op.operationId.slice(1);
    const m = methods.get(name);
    if (!check(m !== undefined, `OAuthClient has no method ${name} for ${op.operationId}`)) continue;
    const doc = m.doc ?? "";
    const route = `${verb.toUpperCase()} ${path}`;
    check(doc.includes(route), `OAuthClient.${name}: JSDoc does not name \`${route}\``);
    check(/@example\b/.test(doc), `OAuthClient.${name}: JSDoc has no @example`);
    check(doc.includes("https://developer.squareup.com/reference/square/oauth-api/"), `OAuthClient.${name}: JSDoc has no link to Square's reference`);
    check(/@throws\b/.test(doc), `OAuthClient.${name}: JSDoc has no @throws`);
    const deprecated = op.deprecated === true || op["x-release-status"] === "DEPRECATED";
    check(hasDeprecated(doc) === deprecated, `OAuthClient.${name}: @deprecated ${deprecated ? "missing" : "present but the operation is not deprecated"}`);
  }
}

// ---- 5. documentation and shape rules ------------------------------------------------------------

for (const d of decls.values()) {
  check(d.doc !== undefined, `export ${d.name} has no JSDoc comment`);
  for (const m of d.members ?? []) {
    check(m.kind !== "index", `${d.name} has an index signature: ${m.text}`);
    check(m.kind !== "unknown", `${d.name}: cannot read member \`${m.text}\``);
    check(m.doc !== undefined, `${d.name}.${m.name ?? m.text}: no JSDoc comment`);
  }
}

// ---- 6. no `any` as a type ------------------------------------------------------------------------------

{
  const hits = [...masked.matchAll(/\bany\b/g)].map((m) => {
    const line = masked.slice(0, m.index).split("\n").length;
    return `${line}: ${source.split("\n")[line - 1].trim()}`;
  });
  check(hits.length === 0, `\`any\` used as a type in index.d.ts:\n    ${hits.join("\n    ")}`);
}

// ---- report -----------------------------------------------------------------------------------------------

for (const f of failures) console.error(`FAIL: ${f}`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
