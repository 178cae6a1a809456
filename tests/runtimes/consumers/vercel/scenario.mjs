// Vercel Edge Function consumer (api/scenario.mjs of a Vercel project): imports the installed
// package by its name. Its configuration comes from process.env, as Vercel's edge runtime gives an
// Edge Function its environment variables (the application secret included); a request never
// carries it.
//   GET /api/scenario  runs the shared scenario against FAKE_SQUARE_URL and answers its result
import { OAuthClient, SquareError, authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } from "square-oauth-edge";
import { runScenario } from "../scenario.mjs";

export const config = { runtime: "edge" };

export default async function handler(request) {
  if (request.method !== "GET") return new Response("not found", { status: 404 });
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
  // EdgeRuntime is the edge runtime's own global (its name): proof that this ran inside it.
  return Response.json({ edgeRuntime: typeof EdgeRuntime === "string" ? EdgeRuntime : null, result });
}
