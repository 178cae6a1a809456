#!/usr/bin/env node
// Self-test of check-spec.mjs: applies one mutation at a time to a copy of pkg/index.d.ts (the
// generated declarations) and requires
// check-spec to fail with the expected message, so a checker that silently passes is caught.
// No dependencies.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const dtsPath = fileURLToPath(new URL("../../pkg/index.d.ts", import.meta.url));
const checker = fileURLToPath(new URL("./check-spec.mjs", import.meta.url));
const original = readFileSync(dtsPath, "utf8");

/** [description, mutate(source) -> source, a message check-spec must print] */
const MUTATIONS = [
  ["drop a response field", (s) => s.replace(/\n {4}\/\*\*\n {5}\* PKCE only: when the refresh token expires[^\n]*\n {5}\*\/\n {4}refresh_token_expires_at\?: string;/, ""),
    /ObtainTokenResponse properties vs spec ObtainTokenResponse: missing refresh_token_expires_at/],
  ["add a response field", (s) => s.replace("    success?: boolean;", "    success?: boolean;\n    /** x */\n    revoked_at?: string;"),
    /RevokeTokenResponse properties .*not in the expected list: revoked_at/],
  ["make a response field required", (s) => s.replace("    success?: boolean;", "    success: boolean;"),
    /RevokeTokenResponse.success: should be optional/],
  ["wrong response field type", (s) => s.replace("    scopes?: string[];", "    scopes?: Scope[];"),
    /RetrieveTokenStatusResponse.scopes: type `Scope\[\]`, expected `string\[\]`/],
  ["drop an ErrorCode", (s) => s.replace(/\n\/\*\* The provided client has been disabled[^\n]*\n\| "CLIENT_DISABLED"/, ""),
    /ErrorCode vs spec ErrorCode: missing CLIENT_DISABLED/],
  ["add an ErrorCategory", (s) => s.replace('| "API_ERROR"', '| "API_ERROR"\n/** x */\n| "V1_ERROR"'),
    /ErrorCategory vs spec ErrorCategory: not in the expected list: V1_ERROR/],
  ["drop a scope", (s) => s.replace(/\n\/\*\*[^\n]*\n\| "VENDOR_WRITE"/, "").replace(/\| "VENDOR_READ"\n/, '| "VENDOR_READ";\n'),
    /Scope vs spec oauth2 scopes: missing VENDOR_WRITE/],
  ["drop a SquareErrorCode", (s) => s.replace(/\n\/\*\* The body is larger than[^\n]*\n\| "RESPONSE_TOO_LARGE"/, "").replace(/(\| "INVALID_RESPONSE")\n/, "$1;\n"),
    /SquareErrorCode: missing RESPONSE_TOO_LARGE/],
  ["an any type", (s) => s.replace("readonly body?: unknown;", "readonly body?: any;"),
    /`any` used as a type/],
  ["an index signature", (s) => s.replace("    success?: boolean;", "    success?: boolean;\n    /** x */\n    [key: string]: unknown;"),
    /RevokeTokenResponse has an index signature/],
  ["lose a @deprecated on a LEGACY field", (s) => s.replace(/( {5}\* The subscription plan ID\.\n) {5}\*\n {5}\* @deprecated LEGACY in Square's spec\.\n/, "$1"),
    /plan_id: LEGACY\/DEPRECATED in the spec but no @deprecated/],
  ["lose @deprecated on renewToken", (s) => s.replace("* @deprecated Square deprecated RenewToken and dropped", "* Square deprecated RenewToken and dropped"),
    /OAuthClient.renewToken: @deprecated missing/],
  ["lose an @example", (s) => s.replace(/(\* @returns `\{ success: true \}` on success\.[\s\S]*?)\* @example\n/, "$1"),
    /OAuthClient.revokeToken: JSDoc has no @example/],
  ["lose the HTTP route", (s) => s.replace("**RetrieveTokenStatus**, `POST /oauth2/token/status`", "**RetrieveTokenStatus**"),
    /OAuthClient.retrieveTokenStatus: JSDoc does not name `POST \/oauth2\/token\/status`/],
  ["a union that is not exclusive", (s) => s.replace(/ObtainTokenRequest = ExclusiveUnion<([^>]*) \| never>;/, "ObtainTokenRequest = $1;"),
    /AuthorizationCodeRequest does not declare ObtainTokenRequest.scopes/],
  ["a nullable field loses null", (s) => s.replace("    client_secret?: string | null | undefined;", "    client_secret?: string | undefined;"),
    /RefreshTokenRequest.client_secret: optional and nullable in the spec, but does not accept null/],
  ["a variant field made optional without null", (s) => s.replace(/(interface PkceAuthorizationCodeRequest \{[\s\S]*?)code_verifier: string;/, "$1code_verifier?: string;"),
    /PkceAuthorizationCodeRequest.code_verifier: optional and nullable in the spec, but does not accept null/],
  ["client_id made optional", (s) => s.replace(/(interface MigrationTokenRequest \{[\s\S]*?)client_id: string;/, "$1client_id?: string;"),
    /MigrationTokenRequest.client_id: required by the spec but optional/],
  ["an unknown request field", (s) => s.replace(/(interface RenewTokenRequest \{[\s\S]*?access_token: string;)/, "$1\n    /** x */\n    client_id?: string;"),
    /RenewTokenRequest.client_id: not a property of RenewTokenRequest/],
  ["a wrong grant type", (s) => s.replace(/(export type GrantType =[\s\S]*?)\| "migration_token";/, '$1| "client_credentials";'),
    /GrantType vs the spec's grant_type values: missing migration_token/],
  ["an undocumented member", (s) => s.replace(/ {4}\/\*\*\n {5}\* `true` when the request succeeded[^\n]*\n {5}\*\/\n/, ""),
    /RevokeTokenResponse.success: no JSDoc comment/],
  ["a bad locale", (s) => s.replace('| "en-IE"', '| "en-GB"'),
    /Locale: missing en-IE/],
];

const dir = mkdtempSync(join(tmpdir(), "check-spec-selftest-"));
let failed = 0;
let passed = 0;
try {
  for (const [what, mutate, expected] of MUTATIONS) {
    const mutated = mutate(original);
    if (mutated === original) {
      failed++;
      console.error(`FAIL ${what}: the mutation did not apply (index.d.ts changed? update the self-test)`);
      continue;
    }
    const file = join(dir, "index.d.ts");
    writeFileSync(file, mutated);
    const run = spawnSync(process.execPath, [checker], { encoding: "utf8", env: { ...process.env, CHECK_SPEC_DTS: file } });
    const out = `${run.stdout}${run.stderr}`;
    const ok = run.status === 1 && expected.test(out);
    if (ok) passed++;
    else {
      failed++;
      console.error(`FAIL ${what}: check-spec exit ${run.status}, expected ${expected}; it printed:\n${out}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`check-spec self-test: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
