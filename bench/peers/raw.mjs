// The floor: the global fetch, JSON.stringify and response.json(), nothing else. It sends what
// square-oauth-edge sends (the same JSON body and Square-Version header), so only the client differs.
export function client({ baseUrl, clientId, clientSecret }) {
  const url = `${baseUrl}/oauth2/token`;
  return async (refreshToken) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "square-version": "2025-08-20" },
      body: JSON.stringify({ client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token", refresh_token: refreshToken }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`ObtainToken failed: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
}
