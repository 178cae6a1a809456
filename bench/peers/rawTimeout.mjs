// Diagnostic, not an alternative: raw fetch with a per-attempt time limit, called the way
// square-oauth-edge's src/transport.rs calls the runtime's fetch, without any wasm: an
// AbortController whose signal goes to fetch, a timer (30 s, the default timeoutMs) that calls
// `controller.abort` bound to its controller, the same three headers as a plain object (Accept,
// Content-Type, Square-Version), redirect "manual", the JSON.stringify'd body, the answer read
// with arrayBuffer() (the fake declares a Content-Length, so src/transport.rs reads it that way
// too) and parsed by JSON.parse, then clearTimeout. Left out, because they are the wasm side of a
// call: reading the caller's input, the response header reads, the copy of the body into wasm
// memory and back into a JS string, the parse in a promise reaction and the typed read of the
// answer. Its distance from raw fetch is the price of the time limit; our distance from it is
// what the wasm and its glue cost. If src/transport.rs changes how it calls fetch, follow it here.
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
