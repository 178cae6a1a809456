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

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::config::{self, CallConfig, ClientConfig};
use crate::error::{Error, ErrorCode};
use crate::input::{self, unmark, Special};
use crate::js::{self, error_to_js};
use crate::json::{self, Value};
use crate::request::{self, HttpRequest, Operation, Replay};
use crate::response::{self, RawResponse, MAX_BODY_BYTES};
use crate::retry::{self, Outcome};
use crate::secret::Secret;

fn throw(e: Error) -> JsValue {
    error_to_js(&e, None)
}

/// Validates client options, as `transport.js`'s `normalize` encodes them (JSON with markers,
/// see [`crate::input`]; `fetch` is kept on the JavaScript side), and returns them normalised:
/// the JSON text the entry files keep and pass back on every call (`{baseUrl, squareVersion,
/// headers, timeoutMs, totalTimeoutMs, maxRetries}`). One string per call is much cheaper than
/// re-reading an options object member by member.
#[wasm_bindgen(js_name = normalizeOptions, skip_typescript)]
pub fn normalize_options(options: &str) -> Result<String, JsValue> {
    let client = || {
        let value = input::parse_args(options, 1)?.into_iter().next();
        let (value, fetch) = input::options(value.unwrap_or(Value::Null), "fetch")?;
        let cfg = config::client_config(&value)?;
        if fetch == Special::Bad {
            return Err(Error::input(
                ErrorCode::InvalidType,
                "options.fetch",
                "expected a function with the signature of fetch",
            ));
        }
        Ok(cfg)
    };
    let cfg = client().map_err(throw)?;
    let headers = cfg
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    Ok(Value::Object(vec![
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
    ])
    .to_json())
}

thread_local! {
    /// The last options seen, as validated: most programs use one client, so most calls skip
    /// parsing and checking them again.
    static LAST_CONFIG: std::cell::RefCell<Option<(String, Rc<ClientConfig>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Reads back the `config` string [`normalize_options`] made. It is checked again (cheap, and
/// keeps a tampered value from bypassing validation).
fn client_from_normalized(config: &JsValue) -> Result<Rc<ClientConfig>, Error> {
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
            .map(|(_, cfg)| Rc::clone(cfg))
    });
    match cached {
        Some(cfg) => Ok(cfg),
        None => {
            let value = json::parse(text.as_bytes()).map_err(|_| bad())?;
            let cfg = config::client_config(&value)?;
            let cfg = Rc::new(cfg);
            LAST_CONFIG.with(|c| *c.borrow_mut() = Some((text, Rc::clone(&cfg))));
            Ok(cfg)
        }
    }
}

fn call_from(client: &ClientConfig, options: Value) -> Result<CallConfig, Error> {
    let (value, signal) = input::options(options, "signal")?;
    let cfg = config::call_config(client, &value)?;
    if signal == Special::Bad {
        return Err(Error::input(
            ErrorCode::InvalidType,
            "options.signal",
            "expected an AbortSignal",
        ));
    }
    Ok(cfg)
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
    [a, b, d]: [Value; 3],
) -> Result<HttpRequest, Error> {
    match op {
        Operation::ObtainToken => request::obtain_token(c, k, &unmark(a, "body")?),
        Operation::RenewToken => request::renew_token(
            c,
            k,
            &unmark(a, "clientId")?,
            &unmark(b, "body")?,
            &unmark(d, "authorization")?,
        ),
        Operation::RevokeToken => {
            request::revoke_token(c, k, &unmark(a, "body")?, &unmark(b, "authorization")?)
        }
        Operation::RetrieveTokenStatus => {
            request::retrieve_token_status(c, k, &unmark(a, "accessToken")?)
        }
    }
}

/// The plan of one call, as the JSON text `transport.js` reads: `u` URL, `m` method, `h` headers
/// (with `Authorization`), `b` body or null, `t` attempt time limit, `T` whole-call time limit,
/// `r` retries, `s` whether a retry after a possible delivery is allowed, `n` the most body
/// bytes read, `k` the request's secrets (longest first, as [`HttpRequest::secrets`] keeps
/// them), which `transport.js` hands back to [`reject`] and [`failure`] as JSON text.
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
        (
            "k".into(),
            Value::Array(
                req.secrets
                    .iter()
                    .map(|s| Value::String(s.expose().to_owned()))
                    .collect(),
            ),
        ),
    ])
    .to_json()
}

/// Reads back the secrets (`k` of the plan) as JSON text. Anything else yields no secrets.
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

/// Validates a call and builds its request. `input` is the JSON text of `[a, b, d, options]`
/// as `transport.js` encodes them (see [`crate::input`]; `options.signal` is kept on the
/// JavaScript side). Returns the plan as JSON text (described at `plan_json`, in this file), or
/// throws the coded error of bad input; nothing is sent then.
#[wasm_bindgen(skip_typescript)]
pub fn prepare(op: u32, config: JsValue, input: &str) -> Result<String, JsValue> {
    let plan = || {
        let cfg = client_from_normalized(&config)?;
        let mut args = input::parse_args(input, 4)?.into_iter();
        let mut next = || args.next().unwrap_or(Value::Null);
        let (a, b, d, options) = (next(), next(), next(), next());
        let call = call_from(&cfg, options)?;
        let req = build(operation(op), &cfg, &call, [a, b, d])?;
        Ok(plan_json(&req, &call))
    };
    plan().map_err(throw)
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
