// square-oauth-edge's TokenManager over a MemoryTokenStore (the "square-oauth-edge/tokens" entry,
// issue 13): a first access token the way a user of the manager gets one. A fresh process has an
// empty memory store, so each call first saves the seller's authorization (the ObtainToken answer
// the benchmark's refresh token came with, from the fake) with `expires_at` one day away (due:
// issued more than 7 days ago, still valid), then asks for `accessToken(merchant_id)`: the
// manager opens the sealed record, sees it due, refreshes it at the fake (the same one ObtainToken
// request, code flow with the secret, as every other peer makes), seals and stores the new tokens,
// and returns the new access token. So it costs, over the plain obtainToken of the same entry:
// constructing the manager and the store, importing the AES-256-GCM key (Web Crypto), sealing
// twice and opening once, and the store's reads and writes.
import { OAuthClient, TokenManager, MemoryTokenStore } from "square-oauth-edge/tokens";

// base64 of 32 fixed bytes: a benchmark key, not a secret.
const KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const DAY = 86_400_000;

export function client({ baseUrl, clientId, clientSecret, token }) {
  if (!token) throw new Error("oursTokenManager: no ObtainToken answer to save (the harness passes it)");
  const stored = JSON.parse(token);
  const tokens = new TokenManager({ client: new OAuthClient({ baseUrl }), clientId, clientSecret, store: new MemoryTokenStore(), encryptionKey: KEY });
  return async () => {
    const merchant = await tokens.save({ ...stored, expires_at: new Date(Date.now() + DAY).toISOString() });
    const accessToken = await tokens.accessToken(merchant);
    if (accessToken === stored.access_token) throw new Error("oursTokenManager: accessToken did not refresh the due token");
    return accessToken;
  };
}
