//! The `#[wasm_bindgen]` surface called by the npm package's entry files (`pkg-template/`).
//!
//! The entry files own the JavaScript classes (`OAuthClient`, `SquareError`); these functions
//! are free functions over plain values, so nothing handed to JavaScript needs freeing. Failures
//! reject with a plain object `{ name, code, message, field?, statusCode?, errors, body?, cause? }`
//! that the entry files turn into a `SquareError`.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::config::{self, CallConfig, ClientConfig};
use crate::error::{Error, ErrorCode};
use crate::js::{self, error_to_js, split_options};
use crate::json::{self, Value};
use crate::request::{self, HttpRequest};
use crate::response::{self, RawResponse};
use crate::retry::{self, Outcome};
use crate::transport::{self, Failure};

fn reject(e: Error) -> JsValue {
    error_to_js(&e, None)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Validates client options and returns them normalised, as a plain object the entry files keep
/// and pass back on every call: `{ config, fetch? }`, where `config` is the checked options as a
/// JSON string (`{baseUrl, squareVersion, headers, timeoutMs, totalTimeoutMs, maxRetries}`). One
/// string read per call is much cheaper than re-reading an options object member by member.
#[wasm_bindgen(js_name = normalizeOptions, skip_typescript)]
pub fn normalize_options(options: JsValue) -> Result<JsValue, JsValue> {
    let (cfg, fetch) = client_from_js(&options).map_err(reject)?;
    let headers = cfg
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let config = Value::Object(vec![
        ("baseUrl".into(), Value::String(cfg.base_url.clone())),
        (
            "squareVersion".into(),
            Value::String(cfg.square_version.clone()),
        ),
        ("headers".into(), Value::Object(headers)),
        ("timeoutMs".into(), Value::Number(f64::from(cfg.timeout_ms))),
        (
            "totalTimeoutMs".into(),
            Value::Number(f64::from(cfg.total_timeout_ms)),
        ),
        (
            "maxRetries".into(),
            Value::Number(f64::from(cfg.max_retries)),
        ),
    ]);
    let obj = Object::new();
    set(&obj, "config", &JsValue::from_str(&config.to_json()));
    if let Some(f) = fetch {
        set(&obj, "fetch", &f);
    }
    Ok(obj.into())
}

thread_local! {
    /// The last options seen, as validated: most programs use one client, so most calls skip
    /// parsing and checking them again.
    static LAST_CONFIG: std::cell::RefCell<Option<(String, ClientConfig)>> =
        const { std::cell::RefCell::new(None) };
}

/// Reads back what [`normalize_options`] returned. The config is checked again (it is cheap and
/// keeps a tampered object from bypassing validation).
fn client_from_normalized(client: &JsValue) -> Result<(ClientConfig, Option<Function>), Error> {
    let bad = || {
        Error::input(
            ErrorCode::InvalidType,
            "options",
            "is not an options object made by OAuthClient",
        )
    };
    let text = Reflect::get(client, &JsValue::from_str("config"))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(bad)?;
    let cached = LAST_CONFIG.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(t, _)| *t == text)
            .map(|(_, cfg)| cfg.clone())
    });
    let cfg = match cached {
        Some(cfg) => cfg,
        None => {
            let value = json::parse(text.as_bytes()).map_err(|_| bad())?;
            let cfg = config::client_config(&value)?;
            LAST_CONFIG.with(|c| *c.borrow_mut() = Some((text, cfg.clone())));
            cfg
        }
    };
    let fetch = Reflect::get(client, &JsValue::from_str("fetch"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok());
    Ok((cfg, fetch))
}

fn client_from_js(options: &JsValue) -> Result<(ClientConfig, Option<Function>), Error> {
    let (value, special) = split_options(options, &["fetch"])?;
    let cfg = config::client_config(&value)?;
    let mut fetch = None;
    for (name, v) in special {
        if name == "fetch" && !v.is_null() {
            match v.dyn_into::<Function>() {
                Ok(f) => fetch = Some(f),
                Err(_) => {
                    return Err(Error::input(
                        ErrorCode::InvalidType,
                        "options.fetch",
                        "expected a function with the signature of fetch",
                    ))
                }
            }
        }
    }
    Ok((cfg, fetch))
}

fn call_from_js(
    client: &ClientConfig,
    options: &JsValue,
) -> Result<(CallConfig, Option<AbortSignal>), Error> {
    let (value, special) = split_options(options, &["signal"])?;
    let cfg = config::call_config(client, &value)?;
    let mut signal = None;
    for (name, v) in special {
        if name == "signal" && !v.is_null() {
            if !js::is_abort_signal(&v) {
                return Err(Error::input(
                    ErrorCode::InvalidType,
                    "options.signal",
                    "expected an AbortSignal",
                ));
            }
            signal = Some(v.unchecked_into::<AbortSignal>());
        }
    }
    Ok((cfg, signal))
}

struct Prepared {
    request: HttpRequest,
    call: CallConfig,
    fetch: Option<Function>,
    signal: Option<AbortSignal>,
}

fn prepare(
    client: &JsValue,
    options: &JsValue,
    build: impl FnOnce(&ClientConfig, &CallConfig) -> Result<HttpRequest, Error>,
) -> Result<Prepared, JsValue> {
    let (cfg, fetch) = client_from_normalized(client).map_err(reject)?;
    let (call, signal) = call_from_js(&cfg, options).map_err(reject)?;
    let request = build(&cfg, &call).map_err(reject)?;
    Ok(Prepared {
        request,
        call,
        fetch,
        signal,
    })
}

/// Runs the attempts of one call under the retry policy.
async fn run(p: Prepared) -> Result<JsValue, JsValue> {
    let req = &p.request;
    let op = req.operation.name();
    let mut attempt: u32 = 0;
    let deadline = js_sys::Date::now() + f64::from(p.call.total_timeout_ms);
    loop {
        let remaining = deadline - js_sys::Date::now();
        // Each attempt gets its own limit, cut short by what is left of the whole call's.
        let limit = if remaining < 1.0 {
            1
        } else {
            p.call.timeout_ms.min(remaining as u32)
        };
        let result = transport::attempt(req, p.fetch.as_ref(), p.signal.as_ref(), limit).await;
        let (error, cause, outcome) = match result {
            Ok(rx) => {
                let raw = RawResponse {
                    status: rx.status,
                    opaque_redirect: rx.opaque_redirect,
                    content_type: rx.content_type.as_deref(),
                    body: &rx.body,
                };
                match response::read(req.operation, &raw, &req.secrets) {
                    Ok(()) => {
                        // The reader checked that the bytes are UTF-8 JSON of the right shape.
                        let text = std::str::from_utf8(&rx.body).unwrap_or_default();
                        return js::parse_checked(text).map_err(reject);
                    }
                    Err(mut e) => {
                        let ra = response::retry_after_ms(
                            rx.retry_after.as_deref(),
                            js_sys::Date::now(),
                        );
                        e.retry_after_ms = ra;
                        (e, None, Outcome::Status(rx.status, ra))
                    }
                }
            }
            Err(Failure::Timeout) => (
                Error::new(
                    ErrorCode::Timeout,
                    format!("{op} got no complete answer within {limit} ms"),
                ),
                None,
                Outcome::AttemptTimeout,
            ),
            Err(Failure::Aborted(reason)) => return Err(aborted(op, &reason)),
            Err(Failure::Error(e, cause)) if e.code == ErrorCode::NetworkError => {
                (e, cause, Outcome::NetworkError)
            }
            Err(Failure::Error(e, cause)) => return Err(error_to_js(&e, cause.as_ref())),
        };
        let delay = retry::next_delay(
            outcome,
            req.replay,
            p.call.retry_unsafe,
            attempt,
            p.call.max_retries,
            js_sys::Math::random(),
        );
        // A wait that would end past the deadline is not started: fail now with what we have.
        let delay = delay.filter(|ms| js_sys::Date::now() + (*ms as f64) < deadline);
        match delay {
            Some(ms) => {
                if let Err(reason) = transport::sleep(ms, p.signal.as_ref()).await {
                    return Err(aborted(op, &reason));
                }
                attempt += 1;
            }
            None => {
                let mut e = error.scrub(&req.secrets);
                if attempt > 0 {
                    e.message = format!("{} (after {} attempts)", e.message, attempt + 1);
                }
                return Err(error_to_js(&e, cause.as_ref()));
            }
        }
    }
}

fn aborted(op: &str, reason: &JsValue) -> JsValue {
    error_to_js(
        &Error::new(
            ErrorCode::Aborted,
            format!("{op} was aborted by the caller's signal"),
        ),
        Some(reason),
    )
}

/// Builds the request of operation `op` from the call's arguments: `(body)` for ObtainToken,
/// `(clientId, body, authorization)` for RenewToken, `(body, authorization)` for RevokeToken,
/// `(accessToken)` for RetrieveTokenStatus.
fn build(
    op: u32,
    c: &ClientConfig,
    k: &CallConfig,
    a: &JsValue,
    b: &JsValue,
    d: &JsValue,
) -> Result<HttpRequest, Error> {
    match op {
        OBTAIN => request::obtain_token(c, k, &js::to_value(a, "body")?),
        RENEW => request::renew_token(
            c,
            k,
            &js::to_value(a, "clientId")?,
            &js::to_value(b, "body")?,
            &js::to_value(d, "authorization")?,
        ),
        REVOKE => request::revoke_token(
            c,
            k,
            &js::to_value(a, "body")?,
            &js::to_value(b, "authorization")?,
        ),
        _ => request::retrieve_token_status(c, k, &js::to_value(a, "accessToken")?),
    }
}

const OBTAIN: u32 = 0;
const RENEW: u32 = 1;
const REVOKE: u32 = 2;
const STATUS: u32 = 3;

/// Runs operation `op` (0 ObtainToken, 1 RenewToken, 2 RevokeToken, 3 RetrieveTokenStatus) with
/// up to three positional arguments. One export for all four keeps one copy of the async
/// machinery in the wasm instead of four.
#[wasm_bindgen(skip_typescript)]
pub async fn call(
    op: u32,
    client: JsValue,
    a: JsValue,
    b: JsValue,
    d: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let p = prepare(&client, &options, |c, k| build(op, c, k, &a, &b, &d))?;
    run(p).await
}

/// ObtainToken: `POST /oauth2/token`.
pub async fn obtain_token(
    client: JsValue,
    body: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    call(
        OBTAIN,
        client,
        body,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        options,
    )
    .await
}

/// RenewToken (deprecated): `POST /oauth2/clients/{client_id}/access-token/renew`.
pub async fn renew_token(
    client: JsValue,
    client_id: JsValue,
    body: JsValue,
    authorization: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    call(RENEW, client, client_id, body, authorization, options).await
}

/// RevokeToken: `POST /oauth2/revoke`.
pub async fn revoke_token(
    client: JsValue,
    body: JsValue,
    authorization: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    call(
        REVOKE,
        client,
        body,
        authorization,
        JsValue::UNDEFINED,
        options,
    )
    .await
}

/// RetrieveTokenStatus: `POST /oauth2/token/status`.
pub async fn retrieve_token_status(
    client: JsValue,
    access_token: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    call(
        STATUS,
        client,
        access_token,
        JsValue::UNDEFINED,
        JsValue::UNDEFINED,
        options,
    )
    .await
}
