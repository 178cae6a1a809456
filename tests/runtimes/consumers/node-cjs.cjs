// Node CommonJS consumer (Node and Bun): requires the installed package by its name, both entries:
// "square-oauth-edge" for the main scenario, "square-oauth-edge/tokens" for the token manager's.
// The shared scenarios are ES modules, so they are loaded with import(); the package itself comes
// from require().
const { OAuthClient, SquareError, authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } = require("square-oauth-edge");
const tokens = require("square-oauth-edge/tokens");

(async () => {
  const { runScenario } = await import("./scenario.mjs");
  const { combine, runTokensScenario } = await import("./tokens-scenario.mjs");
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
    tokens: {
      OAuthClient: tokens.OAuthClient,
      SquareError: tokens.SquareError,
      MemoryTokenStore: tokens.MemoryTokenStore,
      SquareTokenStore: tokens.SquareTokenStore,
      TokenManager: tokens.TokenManager,
      createPkce: tokens.createPkce,
      verifyWebhook: tokens.verifyWebhook,
    },
    main: { OAuthClient, SquareError },
    format: "cjs",
    fakeUrl,
    clientId,
  });
  const result = combine(mainResult, tokensResult);
  // Bun runs this file too (its process.version is the Node it emulates): name the real runtime.
  const version = typeof Bun === "undefined" ? `node ${process.version}` : `bun ${Bun.version}`;
  const entry = "file://" + require.resolve("square-oauth-edge");
  const tokensEntry = "file://" + require.resolve("square-oauth-edge/tokens");
  console.log("RESULT " + JSON.stringify({ version, entry, tokensEntry, result }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
