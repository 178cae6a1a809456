// Vercel Edge Function consumer (api/scenario.mjs of a Vercel project): imports the installed
// package by its name, both entries: "square-oauth-edge" (main scenario) and
// "square-oauth-edge/tokens" (the token manager's). Its configuration comes from process.env, as
// Vercel's edge runtime gives an Edge Function its environment variables (the application secret
// included); a request never carries it.
//   GET /api/scenario  runs both scenarios against FAKE_SQUARE_URL and answers the row's result
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
import { runScenario } from "../scenario.mjs";
import { combine, runTokensScenario } from "../tokens-scenario.mjs";

export const config = { runtime: "edge" };

export default async function handler(request) {
  if (request.method !== "GET") return new Response("not found", { status: 404 });
  const mainResult = await runScenario({
    OAuthClient,
    SquareError,
    authorizeUrl,
    createPkce,
    createState,
    parseCallback,
    shouldRefresh,
    fakeUrl: process.env.FAKE_SQUARE_URL,
    clientId: process.env.SQUARE_APP_ID,
    clientSecret: process.env.SQUARE_APP_SECRET,
  });
  const tokensResult = await runTokensScenario({
    tokens: { OAuthClient: TokensOAuthClient, SquareError: TokensSquareError, MemoryTokenStore, SquareTokenStore, TokenManager, createPkce: tokensCreatePkce, verifyWebhook },
    main: { OAuthClient, SquareError },
    format: "esm",
    fakeUrl: process.env.FAKE_SQUARE_URL,
    clientId: process.env.SQUARE_APP_ID,
  });
  // EdgeRuntime is the edge runtime's own global (its name): proof that this ran inside it.
  return Response.json({ edgeRuntime: typeof EdgeRuntime === "string" ? EdgeRuntime : null, result: combine(mainResult, tokensResult) });
}
