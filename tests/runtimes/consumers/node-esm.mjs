// Node ESM consumer: imports the installed package by its name.
import { OAuthClient, SquareError } from "square-oauth-edge";
import { runScenario } from "./scenario.mjs";

const result = await runScenario({
  OAuthClient,
  SquareError,
  fakeUrl: process.env.FAKE_SQUARE_URL,
  clientId: process.env.SQUARE_APP_ID,
  clientSecret: process.env.SQUARE_APP_SECRET,
});
const entry = import.meta.resolve("square-oauth-edge");
console.log("RESULT " + JSON.stringify({ version: process.version, entry, result }));
