// Cloudflare Worker consumer: imports the installed package by its name, both entries:
// "square-oauth-edge" (main scenario) and "square-oauth-edge/tokens" (the token manager's), each
// with its own .wasm. Its configuration comes from bindings (env), the application secret
// included; a request never carries it.
//   GET /scenario  runs both scenarios against env.FAKE_SQUARE_URL and answers the row's result
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

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== "GET" || url.pathname !== "/scenario") {
      return new Response("not found", { status: 404 });
    }
    const mainResult = await runScenario({
      OAuthClient,
      SquareError,
      authorizeUrl,
      createPkce,
      createState,
      parseCallback,
      shouldRefresh,
      fakeUrl: env.FAKE_SQUARE_URL,
      clientId: env.SQUARE_APP_ID,
      clientSecret: env.SQUARE_APP_SECRET,
    });
    const tokensResult = await runTokensScenario({
      tokens: { OAuthClient: TokensOAuthClient, SquareError: TokensSquareError, MemoryTokenStore, SquareTokenStore, TokenManager, createPkce: tokensCreatePkce, verifyWebhook },
      main: { OAuthClient, SquareError },
      format: "esm",
      fakeUrl: env.FAKE_SQUARE_URL,
      clientId: env.SQUARE_APP_ID,
    });
    return Response.json({ userAgent: navigator.userAgent, result: combine(mainResult, tokensResult) });
  },
};
