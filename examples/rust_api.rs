//! The Rust API end to end, as a Rust program on `wasm32-unknown-unknown` uses it (a Rust
//! Worker, a wasm-bindgen app): built by `make test` for that target (`cargo build --examples
//! --target wasm32-unknown-unknown --no-default-features`), so that the crate-level example and
//! this one keep compiling. `examples/rust-worker/` runs the same calls in workerd.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code, unused_imports))]

use square_oauth_edge::flow::{self, AuthorizeParams, AuthorizeUrlOptions};
use square_oauth_edge::model::{
    AuthorizationCodeRequest, RefreshTokenRequest, RenewTokenRequest, RevokeTokenRequest,
};
use square_oauth_edge::{CallOptions, ClientOptions, Environment, Error, ErrorCode, Secret};

/// The authorize URL of a PKCE flow, with its verifier and state to keep.
#[cfg(target_arch = "wasm32")]
pub async fn start(client_id: &str) -> Result<(String, Secret, String), wasm_bindgen::JsValue> {
    let pkce = flow::create_pkce().await?;
    let state = flow::create_state()?;
    let params = AuthorizeParams {
        client_id: Some(client_id.to_owned()),
        state: Some(state.clone()),
        code_challenge: Some(pkce.code_challenge.clone()),
        ..AuthorizeParams::default()
    };
    let options = AuthorizeUrlOptions {
        environment: Some(Environment::Sandbox),
        ..AuthorizeUrlOptions::default()
    };
    let url = flow::authorize_url(&params, &options).map_err(|e| e.to_string())?;
    Ok((url, pkce.code_verifier, state))
}

/// The code flow, a refresh, a renewal, the status and a revocation, in one go.
#[cfg(target_arch = "wasm32")]
pub async fn lifecycle(
    client_id: String,
    client_secret: Secret,
    callback_url: &str,
    expected_state: &str,
) -> Result<(), Error> {
    let oauth = square_oauth_edge::Client::new(ClientOptions::sandbox())?;
    let callback = flow::parse_callback(callback_url, expected_state)?;
    let request =
        AuthorizationCodeRequest::new(client_id.clone(), client_secret.clone(), callback.code);
    let token = oauth
        .obtain_token(request.into(), CallOptions::default())
        .await?;
    let Some(refresh_token) = token.refresh_token else {
        return Err(Error::new(ErrorCode::InvalidResponse, "no refresh token"));
    };
    let refresh = RefreshTokenRequest::new(
        client_id.clone(),
        Some(client_secret.clone()),
        refresh_token,
    );
    let fresh = oauth
        .obtain_token(refresh.into(), CallOptions::default())
        .await?;
    let Some(access_token) = fresh.access_token else {
        return Err(Error::new(ErrorCode::InvalidResponse, "no access token"));
    };
    let status = oauth
        .retrieve_token_status(&access_token, CallOptions::default())
        .await?;
    let _scopes = status.scopes.unwrap_or_default();
    #[allow(deprecated)]
    let renewed = oauth
        .renew_token(
            &client_id,
            RenewTokenRequest {
                access_token: access_token.clone(),
            },
            &client_secret,
            CallOptions::default(),
        )
        .await?;
    let _ = renewed.expires_at;
    let revoke = RevokeTokenRequest::by_access_token(client_id, access_token);
    let revoked = oauth
        .revoke_token(revoke, &client_secret, CallOptions::default())
        .await?;
    if revoked.success == Some(true) {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::InvalidResponse, "not revoked"))
    }
}

fn main() {}
