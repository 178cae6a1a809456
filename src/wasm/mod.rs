//! The `#[wasm_bindgen]` surface: `OAuthClient` and the flow helpers, a thin layer over
//! [`crate::client`] and [`crate::flow`].
//!
//! Each method reads its arguments with the guard ([`crate::js::read`]), calls the Rust API and
//! returns a promise (wasm-bindgen-futures) of the body exactly as Square sent it, or rejects with
//! a `SquareError`. Bad input rejects too, never throws, and sends nothing. The JSDoc below is
//! what `index.d.ts` shows, so it is written as JSDoc (`@see` URLs, `{@link …}`).
#![allow(rustdoc::bare_urls)]

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::client::Client;
use crate::config::{CallOptions, ClientOptions};
use crate::error::Error;
use crate::js::{read, read_optional, to_js_error, Shape};
use crate::model::{
    ObtainTokenFields, ObtainTokenRequest, RenewTokenFields, RenewTokenRequest, RevokeTokenFields,
    RevokeTokenRequest,
};
use crate::secret::Secret;

pub mod flow;
#[cfg(feature = "tokens")]
pub mod tokens;

const CLIENT_OPTIONS: Shape = Shape {
    field: "options",
    unknown: "unknown option",
    opaque: &["fetch"],
};
const CALL_OPTIONS: Shape = Shape {
    field: "options",
    unknown: "unknown option",
    opaque: &["signal"],
};
const BODY: Shape = Shape {
    field: "body",
    unknown: "is not a field of this request",
    opaque: &[],
};

fn arg(field: &'static str) -> Shape {
    Shape {
        field,
        unknown: "",
        opaque: &[],
    }
}

/// A required string argument (`authorization`, `clientId`, `accessToken`).
fn string_arg(value: &JsValue, field: &'static str) -> Result<String, Error> {
    let s: Option<String> = read(value, &arg(field))?;
    s.ok_or_else(|| {
        let why = match field {
            "authorization" => {
                "is required: expected \"Client APPLICATION_SECRET\" or the bare application secret"
            }
            _ => "is required",
        };
        Error::input(crate::ErrorCode::MissingField, field, why)
    })
}

/// One call of the client, with its arguments as JavaScript passed them.
enum Call {
    Obtain {
        body: JsValue,
    },
    Renew {
        client_id: JsValue,
        body: JsValue,
        authorization: JsValue,
    },
    Revoke {
        body: JsValue,
        authorization: JsValue,
    },
    Status {
        access_token: JsValue,
    },
}

/// Runs `call` as a promise: the answer's parsed body, or a `SquareError`. One async function
/// for the four methods, so that the wasm holds one promise adapter.
fn promise(client: Client, call: Call, options: Option<JsValue>) -> Promise {
    future_to_promise(async move {
        run(client, call, options)
            .await
            .map_err(|e| to_js_error(&e))
    })
}

/// Reads the arguments (in the order the methods take them), then makes the call.
async fn run(client: Client, call: Call, options: Option<JsValue>) -> Result<JsValue, Error> {
    let options = || {
        read_optional::<CallOptions>(
            &options.clone().unwrap_or(JsValue::UNDEFINED),
            &CALL_OPTIONS,
        )
    };
    let doc = match call {
        Call::Obtain { body } => {
            let fields: ObtainTokenFields = read(&body, &BODY)?;
            let options = options()?;
            let body = ObtainTokenRequest::from_fields(fields)?;
            client.obtain_token_answer(body, options).await?.1
        }
        Call::Renew {
            client_id,
            body,
            authorization,
        } => {
            let client_id = string_arg(&client_id, "clientId")?;
            let fields: RenewTokenFields = read(&body, &BODY)?;
            let authorization = Secret::new(string_arg(&authorization, "authorization")?);
            let options = options()?;
            let body = RenewTokenRequest::from_fields(fields)?;
            client
                .renew_token_answer(&client_id, body, &authorization, options)
                .await?
                .1
        }
        Call::Revoke {
            body,
            authorization,
        } => {
            let fields: RevokeTokenFields = read(&body, &BODY)?;
            let body = RevokeTokenRequest::from_fields(fields)?;
            let authorization = Secret::new(string_arg(&authorization, "authorization")?);
            let options = options()?;
            client
                .revoke_token_answer(body, &authorization, options)
                .await?
                .1
        }
        Call::Status { access_token } => {
            let token = Secret::new(string_arg(&access_token, "accessToken")?);
            let options = options()?;
            client
                .retrieve_token_status_answer(&token, options)
                .await?
                .1
        }
    };
    Ok(doc.0)
}

/// A client for Square's OAuth API. It holds only plain options (no secret, no token): pass
/// credentials per call. Every method returns a promise of the response body exactly as Square
/// sent it (snake_case, unknown fields included), or rejects with a {@link SquareError}.
///
/// @example
/// ```ts
/// const oauth = new OAuthClient({ environment: "sandbox", timeoutMs: 10_000 });
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct OAuthClient {
    inner: Client,
}

impl OAuthClient {
    /// The Rust client inside.
    pub fn client(&self) -> &Client {
        &self.inner
    }
}

#[wasm_bindgen]
impl OAuthClient {
    /// A second handle on this client, for a `TokenManager` to hold (not part of the typed API).
    #[wasm_bindgen(js_name = __shareClient, skip_typescript)]
    pub fn share_client(&self) -> OAuthClient {
        OAuthClient {
            inner: self.inner.clone(),
        }
    }

    /// @param options Environment or base URL, Square-Version, `fetch`, extra headers, timeout and
    /// retries; all optional. Invalid options are reported as a {@link SquareError} with an input
    /// code (`INSECURE_URL`, `INVALID_TYPE`, `INVALID_VALUE`, `UNKNOWN_FIELD`,
    /// `UNSAFE_HEADER_VALUE`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "ClientOptions")] options: Option<JsValue>,
    ) -> Result<OAuthClient, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let client = read_optional::<ClientOptions>(&options, &CLIENT_OPTIONS)
            .and_then(Client::new)
            .map_err(|e| to_js_error(&e))?;
        Ok(OAuthClient { inner: client })
    }

    /// **ObtainToken**, `POST /oauth2/token`: exchange an authorization code, refresh an access
    /// token, or (LEGACY) migrate an old one. Sent with no `Authorization` header: the credential
    /// is in the body (`client_secret` for the code flow, `code_verifier` for PKCE).
    ///
    /// `authorization_code` exchanges, PKCE refreshes and migrations are single-use and are not
    /// retried once the request may have reached Square, unless `options.retryUnsafe` is set.
    ///
    /// @see https://developer.squareup.com/reference/square/oauth-api/obtain-token
    /// @param body The request body, one of the {@link ObtainTokenRequest} variants.
    /// @param options Per-call signal, timeout, Square-Version and retries.
    /// @returns The tokens. Store them encrypted, server-side.
    /// @throws {SquareError} An input code (nothing sent), a transport code, or a response code
    /// such as `SQUARE_ERROR` with Square's `errors`.
    ///
    /// @example
    /// ```ts
    /// // Code flow, on your server, in the redirect handler:
    /// const { code } = parseCallback(request.url, storedState);
    /// const token = await oauth.obtainToken({
    ///   grant_type: "authorization_code",
    ///   client_id: env.SQUARE_APP_ID,
    ///   client_secret: env.SQUARE_APP_SECRET,
    ///   code,
    /// });
    ///
    /// // Refresh (code flow; omit client_secret for PKCE and store the new refresh_token):
    /// const fresh = await oauth.obtainToken({
    ///   grant_type: "refresh_token",
    ///   client_id: env.SQUARE_APP_ID,
    ///   client_secret: env.SQUARE_APP_SECRET,
    ///   refresh_token: stored.refresh_token,
    /// });
    /// ```
    #[wasm_bindgen(js_name = obtainToken, unchecked_return_type = "Promise<ObtainTokenResponse>")]
    pub fn obtain_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ObtainTokenRequest")] body: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        promise(self.inner.clone(), Call::Obtain { body }, options)
    }

    /// **RenewToken**, `POST /oauth2/clients/{client_id}/access-token/renew`: renew an access token
    /// before it expires, or within 15 days after. Sent with
    /// `Authorization: Client APPLICATION_SECRET`.
    ///
    /// @deprecated Square deprecated RenewToken and dropped it from its API reference and SDKs
    /// after Square API version 2024-03-20. Refresh with {@link OAuthClient.obtainToken} and
    /// `grant_type: "refresh_token"` instead; see
    /// https://developer.squareup.com/docs/oauth-api/migrate-to-refresh-tokens
    ///
    /// @see https://developer.squareup.com/reference/square/oauth-api/renew-token
    /// @param clientId Your application ID, sent in the URL path.
    /// @param body The access token to renew.
    /// @param authorization `"Client APPLICATION_SECRET"`, or the bare secret (the `Client `
    /// prefix is then added). A `Bearer …` value is rejected with `INVALID_AUTHORIZATION`.
    /// @param options Per-call signal, timeout, Square-Version and retries.
    /// @throws {SquareError}
    ///
    /// @example
    /// ```ts
    /// const renewed = await oauth.renewToken(
    ///   env.SQUARE_APP_ID,
    ///   { access_token: stored.access_token },
    ///   `Client ${env.SQUARE_APP_SECRET}`,
    /// );
    /// ```
    #[wasm_bindgen(js_name = renewToken, unchecked_return_type = "Promise<RenewTokenResponse>")]
    pub fn renew_token(
        &self,
        #[wasm_bindgen(js_name = clientId, unchecked_param_type = "string")] client_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RenewTokenRequest")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] authorization: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        promise(
            self.inner.clone(),
            Call::Renew {
                client_id,
                body,
                authorization,
            },
            options,
        )
    }

    /// **RevokeToken**, `POST /oauth2/revoke`: revoke the authorization of a seller. If the seller
    /// has several access tokens for your application, all of them are revoked, whichever one you
    /// send, unless `revoke_only_access_token` is `true`. Sent with
    /// `Authorization: Client APPLICATION_SECRET`.
    ///
    /// @see https://developer.squareup.com/reference/square/oauth-api/revoke-token
    /// @param body Either `access_token` or `merchant_id` (not both), usually with `client_id`.
    /// @param authorization `"Client APPLICATION_SECRET"`, or the bare secret (the `Client `
    /// prefix is then added). A `Bearer …` value is rejected with `INVALID_AUTHORIZATION`.
    /// @param options Per-call signal, timeout, Square-Version and retries.
    /// @returns `{ success: true }` on success.
    /// @throws {SquareError}
    ///
    /// @example
    /// ```ts
    /// await oauth.revokeToken(
    ///   { client_id: env.SQUARE_APP_ID, access_token: stored.access_token },
    ///   `Client ${env.SQUARE_APP_SECRET}`,
    /// );
    /// ```
    #[wasm_bindgen(js_name = revokeToken, unchecked_return_type = "Promise<RevokeTokenResponse>")]
    pub fn revoke_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RevokeTokenRequest")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] authorization: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        promise(
            self.inner.clone(),
            Call::Revoke {
                body,
                authorization,
            },
            options,
        )
    }

    /// **RetrieveTokenStatus**, `POST /oauth2/token/status`: the scopes, expiry, application and
    /// seller of an OAuth access token or a personal access token. Sent with
    /// `Authorization: Bearer ACCESS_TOKEN` and no body. An expired or invalid token fails with
    /// `SQUARE_ERROR` whose `errors` hold `UNAUTHORIZED`.
    ///
    /// @see https://developer.squareup.com/reference/square/oauth-api/retrieve-token-status
    /// @param accessToken The token to inspect (a leading `Bearer ` is accepted and dropped).
    /// @param options Per-call signal, timeout, Square-Version and retries.
    /// @throws {SquareError}
    ///
    /// @example
    /// ```ts
    /// const status = await oauth.retrieveTokenStatus(stored.access_token, {
    ///   signal: AbortSignal.timeout(5_000),
    /// });
    /// if (!status.scopes?.includes("PAYMENTS_READ")) throw new Error("re-authorize");
    /// ```
    #[wasm_bindgen(
        js_name = retrieveTokenStatus,
        unchecked_return_type = "Promise<RetrieveTokenStatusResponse>"
    )]
    pub fn retrieve_token_status(
        &self,
        #[wasm_bindgen(js_name = accessToken, unchecked_param_type = "string")]
        access_token: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        promise(self.inner.clone(), Call::Status { access_token }, options)
    }
}
