//! The `#[wasm_bindgen]` surface: `OAuthClient` and the flow helpers, a thin layer over
//! [`crate::client`] and [`crate::flow`].
//!
//! Each method reads its arguments with the guard ([`crate::js::read`]), calls the Rust API and
//! returns a promise (wasm-bindgen-futures) of the body exactly as Square sent it, or rejects with
//! a `SquareError`. Bad input rejects too, never throws, and sends nothing. The JSDoc below is
//! what `index.d.ts` shows.

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

const CLIENT_OPTIONS: Shape = Shape { field: "options", unknown: "unknown option", opaque: Some("fetch") };
const CALL_OPTIONS: Shape = Shape { field: "options", unknown: "unknown option", opaque: Some("signal") };
const BODY: Shape = Shape { field: "body", unknown: "is not a field of this request", opaque: None };

fn arg(field: &'static str) -> Shape {
    Shape { field, unknown: "", opaque: None }
}

/// A required string argument (`authorization`, `clientId`, `accessToken`).
fn string_arg(value: &JsValue, field: &'static str) -> Result<String, Error> {
    let s: Option<String> = read(value, &arg(field))?;
    s.ok_or_else(|| {
        let why = match field {
            "authorization" => "is required: expected \"Client APPLICATION_SECRET\" or the bare application secret",
            _ => "is required",
        };
        Error::input(crate::ErrorCode::MissingField, field, why)
    })
}

/// Runs `call` as a promise: the answer's parsed body, or a `SquareError`.
fn promise<F>(call: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    future_to_promise(async move { call.await.map_err(|e| to_js_error(&e)) })
}

/// A client for Square's OAuth API. Options are validated once, here; every method returns a
/// promise of the response body exactly as Square sent it (snake_case, unknown fields included),
/// or rejects with a `SquareError`.
///
/// @example
/// ```ts
/// const oauth = new OAuthClient({ environment: "sandbox" });
/// const token = await oauth.obtainToken({
///   grant_type: "authorization_code",
///   client_id: env.SQUARE_APP_ID,
///   client_secret: env.SQUARE_APP_SECRET,
///   code,
/// });
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct OAuthClient {
    inner: Client,
}

#[wasm_bindgen]
impl OAuthClient {
    /// Creates a client. Throws a `SquareError` (`INVALID_TYPE`, `INVALID_VALUE`,
    /// `UNKNOWN_FIELD`, `INSECURE_URL`, `UNSAFE_HEADER_VALUE`) for bad options.
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

    /// ObtainToken (`POST /oauth2/token`): exchange an authorization code (code flow with
    /// `client_secret`, or PKCE with `code_verifier`), refresh a token, or migrate a legacy one.
    ///
    /// A single-use grant (`authorization_code`, PKCE `refresh_token`, `migration_token`) is not
    /// retried after it may have reached Square, unless `retryUnsafe` is set.
    #[wasm_bindgen(js_name = obtainToken, unchecked_return_type = "Promise<ObtainTokenResponse>")]
    pub fn obtain_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ObtainTokenRequest")] body: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let client = self.inner.clone();
        promise(async move {
            let fields: ObtainTokenFields = read(&body, &BODY)?;
            let options: CallOptions = read_optional(&options.unwrap_or(JsValue::UNDEFINED), &CALL_OPTIONS)?;
            let body = ObtainTokenRequest::from_fields(fields)?;
            let (_, doc) = client.obtain_token_answer(body, options).await?;
            Ok(doc.0)
        })
    }

    /// RenewToken (`POST /oauth2/clients/{client_id}/access-token/renew`): renew an access
    /// token. `authorization` is `"Client APPLICATION_SECRET"` (as Square documents it) or the
    /// bare secret.
    ///
    /// @deprecated Square deprecated RenewToken (it is still answered): refresh with
    /// `obtainToken({ grant_type: "refresh_token", … })` instead.
    #[wasm_bindgen(js_name = renewToken, unchecked_return_type = "Promise<RenewTokenResponse>")]
    pub fn renew_token(
        &self,
        #[wasm_bindgen(js_name = clientId, unchecked_param_type = "string")] client_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RenewTokenRequest")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] authorization: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let client = self.inner.clone();
        promise(async move {
            let client_id = string_arg(&client_id, "clientId")?;
            let fields: RenewTokenFields = read(&body, &BODY)?;
            let authorization = Secret::new(string_arg(&authorization, "authorization")?);
            let options: CallOptions = read_optional(&options.unwrap_or(JsValue::UNDEFINED), &CALL_OPTIONS)?;
            let body = RenewTokenRequest::from_fields(fields)?;
            let (_, doc) = client.renew_token_answer(&client_id, body, &authorization, options).await?;
            Ok(doc.0)
        })
    }

    /// RevokeToken (`POST /oauth2/revoke`): end a seller's authorization, by access token or by
    /// seller ID. `authorization` is `"Client APPLICATION_SECRET"` or the bare secret.
    #[wasm_bindgen(js_name = revokeToken, unchecked_return_type = "Promise<RevokeTokenResponse>")]
    pub fn revoke_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RevokeTokenRequest")] body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] authorization: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let client = self.inner.clone();
        promise(async move {
            let fields: RevokeTokenFields = read(&body, &BODY)?;
            let body = RevokeTokenRequest::from_fields(fields)?;
            let authorization = Secret::new(string_arg(&authorization, "authorization")?);
            let options: CallOptions = read_optional(&options.unwrap_or(JsValue::UNDEFINED), &CALL_OPTIONS)?;
            let (_, doc) = client.revoke_token_answer(body, &authorization, options).await?;
            Ok(doc.0)
        })
    }

    /// RetrieveTokenStatus (`POST /oauth2/token/status`): the scopes and expiry of an access
    /// token (a leading `Bearer ` is accepted).
    #[wasm_bindgen(
        js_name = retrieveTokenStatus,
        unchecked_return_type = "Promise<RetrieveTokenStatusResponse>"
    )]
    pub fn retrieve_token_status(
        &self,
        #[wasm_bindgen(js_name = accessToken, unchecked_param_type = "string")] access_token: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        let client = self.inner.clone();
        promise(async move {
            let token = Secret::new(string_arg(&access_token, "accessToken")?);
            let options: CallOptions = read_optional(&options.unwrap_or(JsValue::UNDEFINED), &CALL_OPTIONS)?;
            let (_, doc) = client.retrieve_token_status_answer(&token, options).await?;
            Ok(doc.0)
        })
    }
}
