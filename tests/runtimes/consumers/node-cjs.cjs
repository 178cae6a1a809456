// Node CommonJS consumer (Node and Bun): requires the installed package by its name. The shared
// scenario is an ES module, so it is loaded with import(); the package itself comes from require().
const { OAuthClient, SquareError, authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } = require("square-oauth-edge");

(async () => {
  const { runScenario } = await import("./scenario.mjs");
  const result = await runScenario({
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
  // Bun runs this file too (its process.version is the Node it emulates): name the real runtime.
  const version = typeof Bun === "undefined" ? `node ${process.version}` : `bun ${Bun.version}`;
  const entry = "file://" + require.resolve("square-oauth-edge");
  console.log("RESULT " + JSON.stringify({ version, entry, result }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
