// The API of the "square-oauth-edge/tokens" entry: everything of the main entry, from this
// entry's own wasm (which has the token manager compiled in), plus the token manager. Its
// OAuthClient is this wasm's: give a TokenManager a client imported from this entry.
export * from "./exports.js";
export { MemoryTokenStore, SquareTokenStore, TokenManager, verifyWebhook } from "./square_oauth_edge.js";
