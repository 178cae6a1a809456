// Cloudflare Worker consumer: imports the installed package by its name. Its configuration comes
// from bindings (env), the application secret included; a request never carries it.
//   GET /scenario  runs the shared scenario against env.FAKE_SQUARE_URL and answers its result
import { OAuthClient, SquareError, authorizeUrl, createPkce, createState, parseCallback, shouldRefresh } from "square-oauth-edge";
import { runScenario } from "./scenario.mjs";

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method !== "GET" || url.pathname !== "/scenario") {
      return new Response("not found", { status: 404 });
    }
    const result = await runScenario({
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
    return Response.json({ userAgent: navigator.userAgent, result });
  },
};
