//! The `#[wasm_bindgen]` surface of the client, called by `pkg-template/transport.js`.
//!
//! The wasm side does no I/O (sans-IO): every export is synchronous. One call goes
//! `prepare` (validate the input, build the request) → JavaScript's `fetch` → `judge` (is this a
//! good answer?) → on failure `nextDelay` (the retry policy) and `reject`/`failure` (the coded
//! error). Keeping `fetch`, timers and promises in JavaScript keeps the async machinery, closures
//! and most JS↔wasm crossings out of every call, and out of the `.wasm`.
//!
//! Failures are plain objects `{ name, code, message, field?, statusCode?, errors, body?,
//! cause? }` that the entry files turn into a `SquareError`. Everything a function returns is a
//! plain value, so nothing handed to JavaScript needs freeing.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::config::{self, CallConfig, ClientConfig};
use crate::error::{Error, ErrorCode};
use crate::js::{self, error_to_js, split_options};
use crate::json::{self, Value};
use crate::request::{self, HttpRequest, Operation, Replay};
use crate::response::{self, RawResponse, MAX_BODY_BYTES};
use crate::retry::{self, Outcome};
use crate::secret::Secret;

fn throw(e: Error) -> JsValue {
    error_to_js(&e, None)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Validates client options and returns them normalised, as a plain object the entry files keep
/// and pass back on every call: `{ config, fetch? }`, where `config` is the checked options as a
/// JSON string (`{baseUrl, squareVersion, headers, timeoutMs, totalTimeoutMs, maxRetries}`). One
/// string per call is much cheaper than re-reading an options object member by member.
#[wasm_bindgen(js_name = normalizeOptions, skip_typescript)]
pub fn normalize_options(options: JsValue) -> Result<JsValue, JsValue> {
    let (cfg, fetch) = client_from_js(&options).map_err(throw)?;
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

/// Reads back the `config` string [`normalize_options`] made. It is checked again (cheap, and
/// keeps a tampered value from bypassing validation).
fn client_from_normalized(config: &JsValue) -> Result<ClientConfig, Error> {
    let bad = || {
        Error::input(
            ErrorCode::InvalidType,
            "options",
            "is not an options object made by OAuthClient",
        )
    };
    let text = config.as_string().ok_or_else(bad)?;
    let cached = LAST_CONFIG.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(t, _)| *t == text)
            .map(|(_, cfg)| cfg.clone())
    });
    match cached {
        Some(cfg) => Ok(cfg),
        None => {
            let value = json::parse(text.as_bytes()).map_err(|_| bad())?;
            let cfg = config::client_config(&value)?;
            LAST_CONFIG.with(|c| *c.borrow_mut() = Some((text, cfg.clone())));
            Ok(cfg)
        }
    }
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

fn call_from_js(client: &ClientConfig, options: &JsValue) -> Result<(CallConfig, JsValue), Error> {
    let (value, special) = split_options(options, &["signal"])?;
    let cfg = config::call_config(client, &value)?;
    let mut signal = JsValue::UNDEFINED;
    for (name, v) in special {
        if name == "signal" && !v.is_null() {
            if !js::is_abort_signal(&v) {
                return Err(Error::input(
                    ErrorCode::InvalidType,
                    "options.signal",
                    "expected an AbortSignal",
                ));
            }
            signal = v;
        }
    }
    Ok((cfg, signal))
}

/// The operation numbered `op` by the entry files (0 ObtainToken, 1 RenewToken, 2 RevokeToken,
/// 3 RetrieveTokenStatus).
fn operation(op: u32) -> Operation {
    match op {
        1 => Operation::RenewToken,
        2 => Operation::RevokeToken,
        3 => Operation::RetrieveTokenStatus,
        _ => Operation::ObtainToken,
    }
}

/// Builds the request of operation `op` from the call's arguments: `(body)` for ObtainToken,
/// `(clientId, body, authorization)` for RenewToken, `(body, authorization)` for RevokeToken,
/// `(accessToken)` for RetrieveTokenStatus.
fn build(
    op: Operation,
    c: &ClientConfig,
    k: &CallConfig,
    a: &JsValue,
    b: &JsValue,
    d: &JsValue,
) -> Result<HttpRequest, Error> {
    match op {
        Operation::ObtainToken => request::obtain_token(c, k, &js::to_value(a, "body")?),
        Operation::RenewToken => request::renew_token(
            c,
            k,
            &js::to_value(a, "clientId")?,
            &js::to_value(b, "body")?,
            &js::to_value(d, "authorization")?,
        ),
        Operation::RevokeToken => request::revoke_token(
            c,
            k,
            &js::to_value(a, "body")?,
            &js::to_value(b, "authorization")?,
        ),
        Operation::RetrieveTokenStatus => {
            request::retrieve_token_status(c, k, &js::to_value(a, "accessToken")?)
        }
    }
}

/// The plan of one call, as the JSON text `transport.js` reads: `u` URL, `m` method, `h` headers
/// (with `Authorization`), `b` body or null, `t` attempt time limit, `T` whole-call time limit,
/// `r` retries, `s` whether a retry after a possible delivery is allowed, `n` the most body
/// bytes read.
fn plan_json(req: &HttpRequest, call: &CallConfig) -> String {
    let mut headers: Vec<(String, Value)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    if let Some(a) = &req.authorization {
        headers.push(("Authorization".into(), Value::String(a.expose().to_owned())));
    }
    let body = req
        .body
        .as_ref()
        .map_or(Value::Null, |b| Value::String(b.expose().to_owned()));
    let replay_ok = req.replay == Replay::Safe || call.retry_unsafe;
    Value::Object(vec![
        ("u".into(), Value::String(req.url.clone())),
        ("m".into(), Value::String(req.method.to_owned())),
        ("h".into(), Value::Object(headers)),
        ("b".into(), body),
        ("t".into(), Value::Number(f64::from(call.timeout_ms))),
        ("T".into(), Value::Number(f64::from(call.total_timeout_ms))),
        ("r".into(), Value::Number(f64::from(call.max_retries))),
        ("s".into(), Value::Bool(replay_ok)),
        ("n".into(), Value::Number(MAX_BODY_BYTES as f64)),
    ])
    .to_json()
}

/// The request's secrets as the JSON array `transport.js` hands back to [`reject`] and
/// [`failure`] (longest first, as [`HttpRequest::secrets`] keeps them).
fn secrets_json(req: &HttpRequest) -> String {
    Value::Array(
        req.secrets
            .iter()
            .map(|s| Value::String(s.expose().to_owned()))
            .collect(),
    )
    .to_json()
}

/// Reads back [`secrets_json`]. Anything else yields no secrets.
fn secrets_from(text: &str) -> Vec<Secret> {
    match json::parse(text.as_bytes()) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(Secret::new(s)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Validates a call and builds its request: `[plan, secrets, signal]`, where `plan` is the JSON
/// text described at `plan_json` (in this file), `secrets` the JSON text to hand back on failure, and
/// `signal` the caller's `AbortSignal` or `undefined`. Throws the coded error of bad input;
/// nothing is sent then.
#[wasm_bindgen(skip_typescript)]
pub fn prepare(
    op: u32,
    config: JsValue,
    a: JsValue,
    b: JsValue,
    d: JsValue,
    options: JsValue,
) -> Result<Array, JsValue> {
    let cfg = client_from_normalized(&config).map_err(throw)?;
    let (call, signal) = call_from_js(&cfg, &options).map_err(throw)?;
    let req = build(operation(op), &cfg, &call, &a, &b, &d).map_err(throw)?;
    Ok(Array::of3(
        &JsValue::from_str(&plan_json(&req, &call)),
        &JsValue::from_str(&secrets_json(&req)),
        &signal,
    ))
}

/// Whether a response is a good answer of operation `op`: then its body is UTF-8 JSON of the
/// right shape, ready for `JSON.parse`. Otherwise [`reject`] says what is wrong.
#[wasm_bindgen(skip_typescript)]
pub fn judge(
    op: u32,
    status: u16,
    opaque_redirect: bool,
    content_type: Option<String>,
    body: &[u8],
) -> bool {
    let raw = RawResponse {
        status,
        opaque_redirect,
        content_type: content_type.as_deref(),
        body,
    };
    response::read(operation(op), &raw, &[]).is_ok()
}

fn after(mut e: Error, attempts: u32) -> Error {
    if attempts > 1 {
        e.message = format!("{} (after {attempts} attempts)", e.message);
    }
    e
}

/// The coded error of a response [`judge`] refused, scrubbed of the request's secrets;
/// `attempts` is how many were made (named in the message when more than one).
#[wasm_bindgen(skip_typescript)]
pub fn reject(
    op: u32,
    status: u16,
    opaque_redirect: bool,
    content_type: Option<String>,
    body: &[u8],
    secrets: &str,
    attempts: u32,
) -> JsValue {
    let secrets = secrets_from(secrets);
    let raw = RawResponse {
        status,
        opaque_redirect,
        content_type: content_type.as_deref(),
        body,
    };
    let e = match response::read(operation(op), &raw, &secrets) {
        Err(e) => e,
        Ok(()) => Error::new(
            ErrorCode::InvalidJson,
            "the response was refused by the client",
        ),
    };
    error_to_js(&after(e, attempts).scrub(&secrets), None)
}

/// [`failure`] kind: the attempt's own time limit (`n` ms) fired.
const TIMEOUT: u32 = 0;
/// [`failure`] kind: the caller's signal fired; `cause` is its reason.
const ABORTED: u32 = 1;
/// [`failure`] kind: `fetch` rejected; `cause` is what it rejected with.
const NETWORK: u32 = 2;
/// [`failure`] kind: an injected `fetch` resolved to something other than a `Response`.
const NOT_A_RESPONSE: u32 = 3;
/// [`failure`] kind: the body is larger than [`MAX_BODY_BYTES`].
const TOO_LARGE: u32 = 4;
/// [`failure`] kind: the body stream yielded something other than bytes.
const BAD_CHUNK: u32 = 5;

/// The coded error of a call that got no judgeable response: `kind` 0 time limit (`n` ms),
/// 1 the caller's abort (`cause` its reason, kept as it is), 2 network failure (`cause` what
/// `fetch` rejected with, scrubbed of the request's secrets), 3 `fetch` gave no `Response`,
/// 4 body too large, 5 a non-byte body chunk. `status` is the response's, or 0.
#[wasm_bindgen(skip_typescript)]
pub fn failure(
    kind: u32,
    op: u32,
    n: u32,
    status: u16,
    cause: JsValue,
    secrets: &str,
    attempts: u32,
) -> JsValue {
    let name = operation(op).name();
    let secrets = secrets_from(secrets);
    let (e, cause) = match kind {
        TIMEOUT => (
            Error::new(
                ErrorCode::Timeout,
                format!("{name} got no complete answer within {n} ms"),
            ),
            None,
        ),
        ABORTED => {
            let e = Error::new(
                ErrorCode::Aborted,
                format!("{name} was aborted by the caller's signal"),
            );
            return error_to_js(&e, Some(&cause));
        }
        NETWORK => (
            Error::new(
                ErrorCode::NetworkError,
                "the request failed before a response was received (network, DNS, TLS or CORS)",
            ),
            Some(js::scrub_cause(cause, &secrets)),
        ),
        NOT_A_RESPONSE => (
            Error::new(
                ErrorCode::InvalidFetchResult,
                "the fetch function did not resolve to a Response",
            ),
            None,
        ),
        TOO_LARGE => (
            Error::new(
                ErrorCode::ResponseTooLarge,
                format!("the response body is larger than {MAX_BODY_BYTES} bytes; it was not read"),
            )
            .with_status(status),
            None,
        ),
        BAD_CHUNK => (
            Error::new(
                ErrorCode::NetworkError,
                "the body stream produced a non-byte chunk",
            )
            .with_status(status),
            None,
        ),
        _ => (
            Error::new(ErrorCode::NetworkError, "the request failed"),
            None,
        ),
    };
    error_to_js(&after(e, attempts).scrub(&secrets), cause.as_ref())
}

/// The retry policy ([`retry::next_delay`]): milliseconds to wait before attempt number
/// `attempt + 1`, or -1 to stop. `kind` is 0 for an answer with `status` (and its
/// `Retry-After`, read against `now`, Unix epoch ms), 1 for a network failure, 2 for a time
/// limit; `replay_ok` whether the request may be sent again after a possible delivery.
#[wasm_bindgen(js_name = nextDelay, skip_typescript)]
#[allow(clippy::too_many_arguments)]
pub fn next_delay(
    kind: u32,
    status: u16,
    retry_after: Option<String>,
    now: f64,
    replay_ok: bool,
    attempt: u32,
    max_retries: u32,
    random: f64,
) -> f64 {
    let outcome = match kind {
        0 => Outcome::Status(
            status,
            response::retry_after_ms(retry_after.as_deref(), now),
        ),
        1 => Outcome::NetworkError,
        _ => Outcome::AttemptTimeout,
    };
    let replay = if replay_ok {
        Replay::Safe
    } else {
        Replay::SingleUse
    };
    retry::next_delay(outcome, replay, false, attempt, max_retries, random)
        .map_or(-1.0, |ms| ms as f64)
}
