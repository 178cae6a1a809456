// Square's official SDK, current major (SquareClient).
import { SquareClient } from "square";

export function client({ baseUrl, clientId, clientSecret }) {
  const sq = new SquareClient({ environment: baseUrl });
  return async (refreshToken) =>
    (await sq.oAuth.obtainToken({ clientId, clientSecret, grantType: "refresh_token", refreshToken })).accessToken;
}
