// Node ESM consumer (Node and Bun): imports the installed package by its name, both entries:
// "square-oauth-edge" for the main scenario, "square-oauth-edge/tokens" for the token manager's.
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

const fakeUrl = process.env.FAKE_SQUARE_URL;
const clientId = process.env.SQUARE_APP_ID;
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
  clientSecret: process.env.SQUARE_APP_SECRET,
});
const tokensResult = await runTokensScenario({
  tokens: { OAuthClient: TokensOAuthClient, SquareError: TokensSquareError, MemoryTokenStore, SquareTokenStore, TokenManager, createPkce: tokensCreatePkce, verifyWebhook },
  main: { OAuthClient, SquareError },
  format: "esm",
  fakeUrl,
  clientId,
});
const result = combine(mainResult, tokensResult);
// Bun runs this file too (its process.version is the Node it emulates): name the real runtime.
const version = typeof Bun === "undefined" ? `node ${process.version}` : `bun ${Bun.version}`;
const entry = import.meta.resolve("square-oauth-edge");
const tokensEntry = import.meta.resolve("square-oauth-edge/tokens");
console.log("RESULT " + JSON.stringify({ version, entry, tokensEntry, result }));
