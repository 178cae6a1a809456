// Browser consumer: imports the package by its name, both entries ("square-oauth-edge" for the main
// scenario, "square-oauth-edge/tokens" for the token manager's), resolved by Vite's build
// (index.html), Vite's dev server, or the import map of plain.html. The page's URL carries the
// fake's URL and the app's credentials (a test page only: a real page must never hold the
// application secret).
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

const q = new URLSearchParams(location.search);
const fakeUrl = q.get("fake");
const clientId = q.get("client_id");
window.__scenario = (async () => {
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
    clientSecret: q.get("client_secret"),
  });
  const tokensResult = await runTokensScenario({
    tokens: { OAuthClient: TokensOAuthClient, SquareError: TokensSquareError, MemoryTokenStore, SquareTokenStore, TokenManager, createPkce: tokensCreatePkce, verifyWebhook },
    main: { OAuthClient, SquareError },
    format: "esm",
    fakeUrl,
    clientId,
  });
  return combine(mainResult, tokensResult);
})().then(
  (result) => ({ result }),
  (e) => ({ error: String(e?.stack ?? e) }),
);
