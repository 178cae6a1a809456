// square-oauth-edge, installed from its packed tarball like a user installs it.
import { OAuthClient } from "square-oauth-edge";

export function client({ baseUrl, clientId, clientSecret }) {
  const oauth = new OAuthClient({ baseUrl });
  return async (refreshToken) =>
    (await oauth.obtainToken({ client_id: clientId, client_secret: clientSecret, grant_type: "refresh_token", refresh_token: refreshToken })).access_token;
}
