// Deno consumer: imports the package by its name from the project's node_modules (Deno 2 uses a
// package.json's node_modules for bare specifiers), so the `deno` export condition applies.
import { OAuthClient, SquareError, authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } from "square-oauth-edge";
import { runScenario } from "./scenario.mjs";

const result = await runScenario({
  OAuthClient,
  SquareError,
  authorizeUrl,
  createPkce,
  createState,
  parseCallback,
  shouldRefresh,
  fakeUrl: Deno.args[0],
  clientId: Deno.args[1],
  clientSecret: Deno.args[2],
});
const entry = import.meta.resolve("square-oauth-edge");
console.log("RESULT " + JSON.stringify({ version: `deno ${Deno.version.deno}`, entry, result }));
