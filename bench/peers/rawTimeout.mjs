// Diagnostic, not an alternative: raw fetch with a per-attempt time limit, the way
// square-oauth-edge's transport (pkg-template/transport.js) calls the runtime's fetch, without any
// wasm: an AbortController whose signal goes to fetch, a 30 s timer that aborts it, the same three
// headers as a plain object, redirect "manual", the body read as an ArrayBuffer and parsed, then
// clearTimeout. Its distance from raw fetch is the
// price of the time limit; our distance from it is what the wasm and its glue cost.
export function client({ baseUrl, clientId, clientSecret }) {
  const url = `${baseUrl}/oauth2/token`;
  return async (refreshToken) => {
    const controller = new AbortController();
    const timer = setTimeout(controller.abort.bind(controller), 30000);
    try {
      const headers = { Accept: "application/json", "Content-Type": "application/json", "Square-Version": "2025-08-20" };
      const body = JSON.stringify({ client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token", refresh_token: refreshToken });
      const res = await fetch(url, { method: "POST", headers, redirect: "manual", signal: controller.signal, body });
      const json = JSON.parse(new TextDecoder().decode(await res.arrayBuffer()));
      if (!res.ok) throw new Error(`ObtainToken failed: ${res.status} ${JSON.stringify(json)}`);
      return json.access_token;
    } finally {
      clearTimeout(timer);
    }
  };
}
