// oauth4webapi speaks standard OAuth: a form-encoded token request. Square's ObtainToken takes
// JSON only (a form body gets 401 service.not_authorized), so a user of oauth4webapi against
// Square needs this customFetch that re-encodes the body as JSON; its cost is part of the peer.
import * as oauth from "oauth4webapi";

export function client({ baseUrl, clientId, clientSecret }) {
  const as = { issuer: baseUrl, token_endpoint: `${baseUrl}/oauth2/token` };
  const c = { client_id: clientId };
  const auth = oauth.ClientSecretPost(clientSecret);
  const options = {
    [oauth.allowInsecureRequests]: true, // the fake is plain http on 127.0.0.1
    [oauth.customFetch]: (url, init) => {
      const headers = new Headers(init.headers);
      headers.set("content-type", "application/json");
      headers.set("square-version", "2025-08-20");
      return fetch(url, { ...init, headers, body: JSON.stringify(Object.fromEntries(new URLSearchParams(init.body))) });
    },
  };
  return async (refreshToken) => {
    const res = await oauth.refreshTokenGrantRequest(as, c, auth, refreshToken, options);
    return (await oauth.processRefreshTokenResponse(as, c, res)).access_token;
  };
}
