// Browser consumer: imports the package by its name, resolved by Vite's build (index.html) or by
// the import map of plain.html. The page's URL carries the fake's URL and the app's credentials
// (a test page only: a real page must never hold the application secret).
import { OAuthClient, SquareError, authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } from "square-oauth-edge";
import { runScenario } from "./scenario.mjs";

const q = new URLSearchParams(location.search);
window.__scenario = runScenario({
  OAuthClient,
  SquareError,
  authorizeUrl,
  createPkce,
  createState,
  parseCallback,
  shouldRefresh,
  fakeUrl: q.get("fake"),
  clientId: q.get("client_id"),
  clientSecret: q.get("client_secret"),
}).then(
  (result) => ({ result }),
  (e) => ({ error: String(e?.stack ?? e) }),
);
