//! Authorize URL, PKCE and callback helpers (pure parts).
