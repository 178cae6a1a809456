// Node ESM consumer (Node and Bun): imports the installed package by its name.
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
  fakeUrl: process.env.FAKE_SQUARE_URL,
  clientId: process.env.SQUARE_APP_ID,
  clientSecret: process.env.SQUARE_APP_SECRET,
});
// Bun runs this file too (its process.version is the Node it emulates): name the real runtime.
const version = typeof Bun === "undefined" ? `node ${process.version}` : `bun ${Bun.version}`;
const entry = import.meta.resolve("square-oauth-edge");
console.log("RESULT " + JSON.stringify({ version, entry, result }));
