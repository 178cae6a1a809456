// Square's legacy SDK (v39, Client().oAuthApi), installed under the alias square39.
import { Client, Environment } from "square39";

export function client({ baseUrl, clientId, clientSecret }) {
  const sq = new Client({ environment: Environment.Custom, customUrl: baseUrl, squareVersion: "2025-08-20" });
  return async (refreshToken) =>
    (await sq.oAuthApi.obtainToken({ clientId, clientSecret, grantType: "refresh_token", refreshToken })).result.accessToken;
}
