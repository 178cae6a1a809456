// OAuth flow helpers (authorize URL, PKCE, state, callback, refresh timing).
export {};
