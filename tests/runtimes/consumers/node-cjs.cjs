// Node CommonJS consumer: requires the installed package by its name. The shared scenario is an
// ES module, so it is loaded with import(); the package itself comes from require().
const { OAuthClient, SquareError } = require("square-oauth-edge");

(async () => {
  const { runScenario } = await import("./scenario.mjs");
  const result = await runScenario({
    OAuthClient,
    SquareError,
    fakeUrl: process.env.FAKE_SQUARE_URL,
    clientId: process.env.SQUARE_APP_ID,
    clientSecret: process.env.SQUARE_APP_SECRET,
  });
  const entry = "file://" + require.resolve("square-oauth-edge");
  console.log("RESULT " + JSON.stringify({ version: process.version, entry, result }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
