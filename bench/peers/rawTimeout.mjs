// Diagnostic, not an alternative: raw fetch plus the per-attempt JavaScript work that
// square-oauth-edge's transport (src/transport.rs) does around fetch, without any wasm: an
// AbortController and its signal, a promise rejected on abort, a 30 s timer, Promise.race on the
// response and on the body, redirect "manual", the body read as an ArrayBuffer, then clearTimeout
// and controller.abort() once the attempt is over. Its distance from raw fetch is what that wiring
// costs; our distance from it is what the wasm and its glue cost.
export function client({ baseUrl, clientId, clientSecret }) {
  const url = `${baseUrl}/oauth2/token`;
  return async (refreshToken) => {
    const controller = new AbortController();
    const aborted = new Promise((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason));
    });
    aborted.catch(() => {});
    const timer = setTimeout(() => controller.abort(), 30000);
    try {
      const headers = new Headers();
      headers.set("accept", "application/json");
      headers.set("content-type", "application/json");
      headers.set("square-version", "2025-08-20");
      const body = JSON.stringify({ client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token", refresh_token: refreshToken });
      const res = await Promise.race([fetch(url, { method: "POST", headers, redirect: "manual", signal: controller.signal, body }), aborted]);
      const bytes = await Promise.race([res.arrayBuffer(), aborted]);
      const json = JSON.parse(new TextDecoder().decode(bytes));
      if (!res.ok) throw new Error(`ObtainToken failed: ${res.status} ${JSON.stringify(json)}`);
      return json.access_token;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  };
}
