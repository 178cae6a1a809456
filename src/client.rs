//! The async client (wasm only): the four operations over the pure core and the `fetch`
//! transport, with the retry policy. This is the API Rust code calls; the JavaScript
//! `OAuthClient` ([`crate::wasm`]) is a thin layer over it.

use std::rc::Rc;

use js_sys::Function;
use web_sys::AbortSignal;

use crate::config::{CallConfig, CallOptions, ClientConfig, ClientOptions};
use crate::error::{Cause, Error, ErrorCode};
use crate::js::{cause::scrub_cause, JsDocument};
use crate::model::{
    ObtainTokenRequest, ObtainTokenResponse, RenewTokenRequest, RenewTokenResponse,
    RetrieveTokenStatusResponse, RevokeTokenRequest, RevokeTokenResponse,
};
use crate::request::{self, HttpRequest, Operation};
use crate::response::{self, Answer, RawResponse, MAX_BODY_BYTES};
use crate::retry::{self, Outcome};
use crate::secret::Secret;
use crate::transport::{self, Failure};

/// A client for Square's OAuth API. Cheap to clone; one per application is enough.
#[derive(Clone, Debug)]
pub struct Client {
    config: Rc<ClientConfig>,
    fetch: Option<Function>,
}

/// Judges one response: the parsed body when it is a good answer, else the coded error.
type Judge<'a> = dyn FnMut(Operation, &RawResponse, Option<JsDocument>, &[Secret]) -> Result<JsDocument, Error>
    + 'a;

/// A typed answer and the parsed body it was read from, exactly as Square sent it.
pub(crate) type Answered<T> = (T, JsDocument);

impl Client {
    /// A client with validated options.
    pub fn new(options: ClientOptions) -> Result<Client, Error> {
        let config = ClientConfig::new(&options)?;
        Ok(Client {
            config: Rc::new(config),
            fetch: options.fetch,
        })
    }

    /// A client over validated options, calling the global `fetch` (a token manager's Durable
    /// Object rebuilds its front Worker's client this way).
    pub fn from_config(config: ClientConfig) -> Client {
        Client {
            config: Rc::new(config),
            fetch: None,
        }
    }

    /// The validated options.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// ObtainToken: a token from an authorization code (code flow or PKCE), a refresh token, or
    /// a legacy migration token.
    pub async fn obtain_token(
        &self,
        body: ObtainTokenRequest,
        options: CallOptions,
    ) -> Result<ObtainTokenResponse, Error> {
        self.obtain_token_answer(body, options)
            .await
            .map(|(t, _)| t)
    }

    pub(crate) async fn obtain_token_answer(
        &self,
        body: ObtainTokenRequest,
        options: CallOptions,
    ) -> Result<Answered<ObtainTokenResponse>, Error> {
        let call = CallConfig::new(&self.config, &options)?;
        let req = request::obtain_token(&call, body)?;
        self.execute(req, &call, options.signal.as_ref()).await
    }

    /// RenewToken (deprecated by Square, still answered): a renewed access token.
    /// `authorization` is `Client APPLICATION_SECRET` or the bare secret.
    #[deprecated(
        note = "Square deprecated RenewToken: refresh with obtain_token and a refresh token"
    )]
    pub async fn renew_token(
        &self,
        client_id: &str,
        body: RenewTokenRequest,
        authorization: &Secret,
        options: CallOptions,
    ) -> Result<RenewTokenResponse, Error> {
        self.renew_token_answer(client_id, body, authorization, options)
            .await
            .map(|(t, _)| t)
    }

    pub(crate) async fn renew_token_answer(
        &self,
        client_id: &str,
        body: RenewTokenRequest,
        authorization: &Secret,
        options: CallOptions,
    ) -> Result<Answered<RenewTokenResponse>, Error> {
        let call = CallConfig::new(&self.config, &options)?;
        let req = request::renew_token(&call, client_id, body, authorization)?;
        self.execute(req, &call, options.signal.as_ref()).await
    }

    /// RevokeToken: ends the seller's authorization (or one access token).
    /// `authorization` is `Client APPLICATION_SECRET` or the bare secret.
    pub async fn revoke_token(
        &self,
        body: RevokeTokenRequest,
        authorization: &Secret,
        options: CallOptions,
    ) -> Result<RevokeTokenResponse, Error> {
        self.revoke_token_answer(body, authorization, options)
            .await
            .map(|(t, _)| t)
    }

    pub(crate) async fn revoke_token_answer(
        &self,
        body: RevokeTokenRequest,
        authorization: &Secret,
        options: CallOptions,
    ) -> Result<Answered<RevokeTokenResponse>, Error> {
        let call = CallConfig::new(&self.config, &options)?;
        let req = request::revoke_token(&call, body, authorization)?;
        self.execute(req, &call, options.signal.as_ref()).await
    }

    /// RetrieveTokenStatus: the scopes and expiry of an access token.
    pub async fn retrieve_token_status(
        &self,
        access_token: &Secret,
        options: CallOptions,
    ) -> Result<RetrieveTokenStatusResponse, Error> {
        self.retrieve_token_status_answer(access_token, options)
            .await
            .map(|(t, _)| t)
    }

    pub(crate) async fn retrieve_token_status_answer(
        &self,
        access_token: &Secret,
        options: CallOptions,
    ) -> Result<Answered<RetrieveTokenStatusResponse>, Error> {
        let call = CallConfig::new(&self.config, &options)?;
        let req = request::retrieve_token_status(&call, access_token)?;
        self.execute(req, &call, options.signal.as_ref()).await
    }

    /// Sends `req` under the retry policy and judges the answer as a `T`.
    async fn execute<T: Answer>(
        &self,
        req: HttpRequest,
        call: &CallConfig,
        signal: Option<&AbortSignal>,
    ) -> Result<Answered<T>, Error> {
        let mut answer = None;
        let doc = self
            .send(req, call, signal, &mut |op, raw, parsed, secrets| {
                let decode = transport::decode_key;
                let (typed, doc) = response::judge::<T, _>(op, raw, parsed, &decode, secrets)?;
                answer = Some(typed);
                Ok(doc)
            })
            .await?;
        match answer {
            Some(typed) => Ok((typed, doc)),
            None => Err(Error::new(
                ErrorCode::InvalidResponse,
                "the answer was not judged",
            )),
        }
    }

    /// Sends `req` under the retry policy until `judge` accepts an answer. One copy of the loop
    /// serves the four operations.
    async fn send(
        &self,
        req: HttpRequest,
        call: &CallConfig,
        signal: Option<&AbortSignal>,
        judge: &mut Judge<'_>,
    ) -> Result<JsDocument, Error> {
        let name = req.operation.name();
        let secrets = &req.secrets;
        let prepared = transport::prepare(&req).map_err(|e| network(e, secrets))?;
        let deadline = js_sys::Date::now() + f64::from(call.total_timeout_ms);
        let mut attempt = 0u32;
        loop {
            // Each attempt gets its own limit, cut short by what is left of the whole call's.
            let remaining = (deadline - js_sys::Date::now()).floor();
            let limit = if remaining < 1.0 {
                1
            } else {
                call.timeout_ms.min(remaining as u32)
            };
            let (outcome, error) =
                match transport::send(&prepared, self.fetch.as_ref(), signal, limit).await {
                    Ok(rx) => match judge(
                        req.operation,
                        &rx.raw,
                        transport::parse_json(&rx.raw.body).await,
                        secrets,
                    ) {
                        Ok(answer) => return Ok(answer),
                        Err(e) => {
                            let ra = response::retry_after_ms(
                                rx.retry_after.as_deref(),
                                js_sys::Date::now(),
                                &http_date_ms,
                            );
                            (Some(Outcome::Status(rx.raw.status, ra)), e)
                        }
                    },
                    Err(f) => match failure(f, name, limit, secrets) {
                        (_, e) if e.code() == ErrorCode::Aborted => return Err(e),
                        pair => pair,
                    },
                };
            let delay = outcome.and_then(|o| {
                retry::next_delay(
                    o,
                    req.replay,
                    call.retry_unsafe,
                    attempt,
                    call.max_retries,
                    js_sys::Math::random(),
                )
            });
            match delay {
                Some(ms) if js_sys::Date::now() + (ms as f64) < deadline => {
                    if let Err(reason) = transport::sleep(ms, signal).await {
                        return Err(aborted(name, reason));
                    }
                    attempt += 1;
                }
                _ => {
                    let attempts = attempt + 1;
                    return Err(if attempts > 1 {
                        error.append(&format!(" (after {attempts} attempts)"))
                    } else {
                        error
                    });
                }
            }
        }
    }
}

/// An HTTP date read by the runtime's `Date.parse`, as epoch milliseconds.
fn http_date_ms(date: &str) -> Option<f64> {
    Some(js_sys::Date::parse(date)).filter(|t| t.is_finite())
}

fn aborted(name: &str, reason: wasm_bindgen::JsValue) -> Error {
    let mut e = Error::new(
        ErrorCode::Aborted,
        format!("{name} was aborted by the caller's signal"),
    );
    e.cause = Some(Cause(reason));
    e
}

fn network(cause: wasm_bindgen::JsValue, secrets: &[Secret]) -> Error {
    let mut e = Error::new(
        ErrorCode::NetworkError,
        "the request failed before a response was received (network, DNS, TLS or CORS)",
    );
    e.cause = Some(Cause(scrub_cause(cause, secrets)));
    e
}

/// The coded error of an attempt that got no response to judge, and what the retry policy sees.
fn failure(f: Failure, name: &str, limit: u32, secrets: &[Secret]) -> (Option<Outcome>, Error) {
    match f {
        Failure::Timeout => (
            Some(Outcome::AttemptTimeout),
            Error::new(
                ErrorCode::Timeout,
                format!("{name} got no complete answer within {limit} ms"),
            ),
        ),
        Failure::Aborted(reason) => (None, aborted(name, reason)),
        Failure::Network(cause) => (Some(Outcome::NetworkError), network(cause, secrets)),
        Failure::NotAResponse => (
            None,
            Error::new(
                ErrorCode::InvalidFetchResult,
                "the fetch function did not resolve to a Response",
            ),
        ),
        Failure::TooLarge(status) => (
            None,
            Error::new(
                ErrorCode::ResponseTooLarge,
                format!("the response body is larger than {MAX_BODY_BYTES} bytes; it was not read"),
            )
            .with_status(status),
        ),
        Failure::BadChunk(status) => (
            Some(Outcome::NetworkError),
            Error::new(
                ErrorCode::NetworkError,
                "the body stream produced a non-byte chunk",
            )
            .with_status(status),
        ),
    }
}
