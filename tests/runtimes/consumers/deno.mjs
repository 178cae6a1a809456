// Deno consumer: imports the package by its name from the project's node_modules (Deno 2 uses a
// package.json's node_modules for bare specifiers), so the `deno` export condition applies, for
// both entries: "square-oauth-edge" (main scenario) and "square-oauth-edge/tokens" (the token
// manager's). rt-deno.mjs's npm row rewrites both specifiers to npm:.
import { OAuthClient, SquareError, authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } from "square-oauth-edge";
import {
  OAuthClient as TokensOAuthClient,
  SquareError as TokensSquareError,
  MemoryTokenStore,
  SquareTokenStore,
  TokenManager,
  createPkce as tokensCreatePkce,
  verifyWebhook,
} from "square-oauth-edge/tokens";
import { runScenario } from "./scenario.mjs";
import { combine, runTokensScenario } from "./tokens-scenario.mjs";

const [fakeUrl, clientId, clientSecret] = Deno.args;
const mainResult = await runScenario({
  OAuthClient,
  SquareError,
  authorizeUrl,
  createPkce,
  createState,
  parseCallback,
  shouldRefresh,
  fakeUrl,
  clientId,
  clientSecret,
});
const tokensResult = await runTokensScenario({
  tokens: { OAuthClient: TokensOAuthClient, SquareError: TokensSquareError, MemoryTokenStore, SquareTokenStore, TokenManager, createPkce: tokensCreatePkce, verifyWebhook },
  main: { OAuthClient, SquareError },
  format: "esm",
  fakeUrl,
  clientId,
});
const result = combine(mainResult, tokensResult);
const entry = import.meta.resolve("square-oauth-edge");
const tokensEntry = import.meta.resolve("square-oauth-edge/tokens");
console.log("RESULT " + JSON.stringify({ version: `deno ${Deno.version.deno}`, entry, tokensEntry, result }));
