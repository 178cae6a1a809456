// square-oauth-edge's token manager entry, "square-oauth-edge/tokens" (issue 13): the same
// ObtainToken call as ours.mjs, through the OAuthClient of that entry, which loads its own, larger
// .wasm (the crate built with the `tokens` feature). What a user of the token manager pays at
// start for a plain ObtainToken; ours.mjs is what every other user pays.
import { OAuthClient } from "square-oauth-edge/tokens";

export function client({ baseUrl, clientId, clientSecret }) {
  const oauth = new OAuthClient({ baseUrl });
  return async (refreshToken) =>
    (await oauth.obtainToken({ client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token", refresh_token: refreshToken })).access_token;
}
