//! The only code that calls `fetch` (wasm only): one attempt with its time limit and the caller's
//! signal, the capped body read, and the wait between attempts.
//!
//! Everything is bound to the runtime's globals (`fetch`, `setTimeout`, `AbortController`),
//! never to `window`, which Workers, Deno and Node lack. The attempt's time limit is a timer that
//! calls `controller.abort` bound to its controller, and the caller's signal gets the same bound
//! function as its listener: no Rust closure lives past a call. The runtime's `fetch` honours its
//! signal for the request and the body; an injected `fetch` may not, so then every wait is also
//! raced against the abort.

use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, RequestInit, RequestRedirect, Response, ResponseType};

use crate::js::JsDocument;
use crate::request::HttpRequest;
use crate::response::{RawResponse, MAX_BODY_BYTES};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(input: &str, init: &RequestInit) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue) -> Result<(), JsValue>;
    /// A promise whose `then` and `catch` take plain functions (js-sys's take closures).
    #[wasm_bindgen(extends = Promise)]
    type PlainPromise;
    #[wasm_bindgen(method, js_name = catch)]
    fn catch_with(this: &PlainPromise, handler: &Function) -> Promise;
    #[wasm_bindgen(method, js_name = then)]
    fn then_with(this: &PlainPromise, handler: &Function) -> Promise;
    #[wasm_bindgen(thread_local_v2, js_namespace = JSON, js_name = parse)]
    static JSON_PARSE: Function;
    /// `AbortController.prototype.abort`, looked up once.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["AbortController", "prototype"], js_name = abort)]
    static ABORT: Function;
}

/// `handler(value)` in a promise reaction: whatever it throws rejects the promise instead of
/// throwing into the wasm. (In wasm-bindgen 0.2.130 an import that catches an exception and
/// would have returned a JavaScript value leaks a slot of the externref table per exception:
/// a server answering garbage, or an injected `fetch` that throws, would grow it for ever.)
fn in_reaction(handler: &Function, value: &JsValue) -> Promise {
    Promise::resolve(value)
        .unchecked_ref::<PlainPromise>()
        .then_with(handler)
}

/// The body parsed by the runtime's `JSON.parse`, or `None` when it is not UTF-8 JSON text.
pub async fn parse_json(body: &[u8]) -> Option<JsDocument> {
    let text = std::str::from_utf8(body).ok()?;
    if text.trim().is_empty() {
        return None;
    }
    let parsed = JSON_PARSE.with(|parse| in_reaction(parse, &JsValue::from_str(text)));
    JsFuture::from(parsed).await.ok().map(JsDocument)
}

/// A JSON string literal (an object key with escapes, of a body `JSON.parse` accepted) decoded.
pub fn decode_key(literal: &str) -> Option<String> {
    js_sys::JSON::parse(literal).ok()?.as_string()
}

/// Marks a rejection of `p` as handled, with `handler` (which must be harmless to call).
fn ignore_rejection(p: &Promise, handler: &Function) {
    let _ = p.unchecked_ref::<PlainPromise>().catch_with(handler);
}

/// How an attempt ended without a response to judge.
pub enum Failure {
    /// The attempt's own time limit fired.
    Timeout,
    /// The caller's signal fired; its reason.
    Aborted(JsValue),
    /// `fetch` rejected, or reading the body failed; what was thrown.
    Network(JsValue),
    /// An injected `fetch` resolved to something that is not a `Response`.
    NotAResponse,
    /// The body is larger than [`MAX_BODY_BYTES`] (the status it came with).
    TooLarge(u16),
    /// The body stream produced something other than bytes (the status it came with).
    BadChunk(u16),
}

/// A response, read.
pub struct Received {
    /// Status, type, content type and body.
    pub raw: RawResponse,
    /// `Retry-After`, for an error status.
    pub retry_after: Option<String>,
}

/// A request as `fetch` takes it, built once per call: the URL and the `RequestInit` (method,
/// headers, JSON body, `redirect: "manual"`); each attempt sets its own signal on it.
pub struct Prepared {
    url: String,
    init: RequestInit,
}

/// Builds what `fetch` takes. The body is the typed request as a plain object
/// (serde-wasm-bindgen), written by the runtime's `JSON.stringify`.
pub fn prepare(req: &HttpRequest) -> Result<Prepared, JsValue> {
    let headers = js_sys::Object::new();
    for (name, value) in &req.headers {
        Reflect::set(
            &headers,
            &JsValue::from_str(name),
            &JsValue::from_str(value),
        )?;
    }
    if let Some(a) = &req.authorization {
        Reflect::set(
            &headers,
            &JsValue::from_str("Authorization"),
            &JsValue::from_str(a.expose()),
        )?;
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_redirect(RequestRedirect::Manual);
    if let Some(body) = &req.body {
        let value = body.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?;
        init.set_body(&js_sys::JSON::stringify(&value)?.into());
    }
    Ok(Prepared {
        url: req.url.clone(),
        init,
    })
}

/// What runs when an attempt ends, however it ends: the timer is cleared, the caller's signal
/// forgets the listener, and an attempt that did not finish reading is aborted (which stops a
/// request or a body still streaming).
struct Cleanup<'a> {
    controller: AbortController,
    abort: Function,
    timer: JsValue,
    caller: Option<&'a AbortSignal>,
    done: bool,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let _ = clear_timeout(&self.timer);
        if let Some(c) = self.caller {
            let _ = c.remove_event_listener_with_callback("abort", &self.abort);
        }
        if !self.done {
            self.controller.abort();
        }
    }
}

/// `controller.abort` bound to `controller`: a timer and a listener call it without a closure.
fn bound_abort(controller: &AbortController) -> Function {
    ABORT.with(|abort| abort.bind0(controller))
}

/// Sends the request once and reads the answer, within `limit_ms`.
pub async fn send(
    p: &Prepared,
    fetch: Option<&Function>,
    caller: Option<&AbortSignal>,
    limit_ms: u32,
) -> Result<Received, Failure> {
    if let Some(c) = caller.filter(|c| c.aborted()) {
        return Err(Failure::Aborted(c.reason()));
    }
    let controller = AbortController::new().map_err(Failure::Network)?;
    let abort = bound_abort(&controller);
    let timer = set_timeout(&abort, f64::from(limit_ms)).map_err(Failure::Network)?;
    let mut cleanup = Cleanup {
        controller,
        abort,
        timer,
        caller,
        done: false,
    };
    if let Some(c) = caller {
        c.add_event_listener_with_callback("abort", &cleanup.abort)
            .map_err(Failure::Network)?;
    }
    let ours = cleanup.controller.signal();
    p.init.set_signal(Some(&ours));
    let wait = Waiter {
        signal: &ours,
        abort: &cleanup.abort,
        race: fetch.is_some(),
    };
    let result = attempt(p, fetch, &wait).await.map_err(|f| match f {
        Failure::Network(e) => classify(e, &ours, caller),
        other => other,
    });
    cleanup.done = result.is_ok();
    result
}

/// Names a rejection: the caller's abort, our time limit, or a network failure.
fn classify(e: JsValue, ours: &AbortSignal, caller: Option<&AbortSignal>) -> Failure {
    match caller {
        Some(c) if c.aborted() => Failure::Aborted(c.reason()),
        _ if ours.aborted() => Failure::Timeout,
        _ => Failure::Network(e),
    }
}

/// Awaits promises of one attempt, raced against its abort when `fetch` was injected.
struct Waiter<'a> {
    signal: &'a AbortSignal,
    abort: &'a Function,
    race: bool,
}

impl Waiter<'_> {
    async fn wait(&self, p: Promise) -> Result<JsValue, JsValue> {
        if !self.race {
            return JsFuture::from(p).await;
        }
        let signal = self.signal;
        let aborted = Promise::new(&mut |_resolve, reject| {
            if signal.aborted() {
                let _ = reject.call1(&JsValue::UNDEFINED, &signal.reason());
            } else {
                let _ = signal.add_event_listener_with_callback("abort", &reject);
            }
        });
        // Observed by the race, or not at all once the attempt is over: calling the (idempotent)
        // abort again is a harmless handler that keeps the rejection from going unhandled.
        ignore_rejection(&aborted, self.abort);
        JsFuture::from(Promise::race(&Array::of2(&p, &aborted))).await
    }
}

async fn attempt(
    p: &Prepared,
    fetch: Option<&Function>,
    w: &Waiter<'_>,
) -> Result<Received, Failure> {
    let pending = match fetch {
        None => global_fetch(&p.url, &p.init).map_err(Failure::Network)?,
        // Called from a promise reaction: a `fetch` that throws rejects (see `in_reaction`).
        Some(f) => {
            let call: Function = f
                .bind2(&JsValue::UNDEFINED, &JsValue::from_str(&p.url), &p.init)
                .unchecked_into();
            in_reaction(&call, &JsValue::UNDEFINED)
        }
    };
    let res = w.wait(pending).await.map_err(Failure::Network)?;
    let res: Response = res.dyn_into().map_err(|_| Failure::NotAResponse)?;
    let status = res.status();
    let opaque_redirect = res.type_() == ResponseType::Opaqueredirect;
    let headers = res.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let content_type = header("content-type");
    let mut raw = RawResponse {
        status,
        opaque_redirect,
        content_type,
        body: Vec::new(),
    };
    if opaque_redirect || (300..400).contains(&status) {
        cancel(&res, w.abort);
        return Ok(Received {
            raw,
            retry_after: None,
        });
    }
    let declared = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        cancel(&res, w.abort);
        return Err(Failure::TooLarge(status));
    }
    // The declared length bounds the body only when it is not compressed (a small gzip body can
    // inflate to any size).
    let identity =
        header("content-encoding").is_none_or(|e| e.trim().eq_ignore_ascii_case("identity"));
    raw.body = if declared.is_some() && identity {
        let buffer = w
            .wait(res.array_buffer().map_err(Failure::Network)?)
            .await
            .map_err(Failure::Network)?;
        let bytes = Uint8Array::new(&buffer);
        if bytes.length() as usize > MAX_BODY_BYTES {
            return Err(Failure::TooLarge(status));
        }
        bytes.to_vec()
    } else {
        read_capped(&res, status, w).await?
    };
    let retry_after = if (200..300).contains(&status) {
        None
    } else {
        header("retry-after")
    };
    Ok(Received { raw, retry_after })
}

/// Cancels a body nobody will read.
fn cancel(res: &Response, handler: &Function) {
    if let Some(body) = res.body().filter(|b| !b.locked()) {
        ignore_rejection(&body.cancel(), handler);
    }
}

/// Reads the body chunk by chunk, refusing more than [`MAX_BODY_BYTES`].
async fn read_capped(res: &Response, status: u16, w: &Waiter<'_>) -> Result<Vec<u8>, Failure> {
    let Some(stream) = res.body() else {
        return Ok(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = Vec::new();
    loop {
        let chunk = w.wait(reader.read()).await.map_err(Failure::Network)?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done")).map_err(Failure::Network)?;
        if done.as_bool() == Some(true) {
            return Ok(body);
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(Failure::Network)?;
        let bytes: Uint8Array = value.dyn_into().map_err(|_| Failure::BadChunk(status))?;
        let start = body.len();
        let end = start + bytes.length() as usize;
        if end > MAX_BODY_BYTES {
            ignore_rejection(&reader.cancel(), w.abort);
            return Err(Failure::TooLarge(status));
        }
        body.resize(end, 0);
        if let Some(slot) = body.get_mut(start..end) {
            bytes.copy_to(slot);
        }
    }
}

/// Waits `ms` milliseconds; `Err` with the signal's reason when `signal` aborts first.
pub async fn sleep(ms: u64, signal: Option<&AbortSignal>) -> Result<(), JsValue> {
    let mut timer = JsValue::UNDEFINED;
    let mut listener: Option<Function> = None;
    let promise = Promise::new(&mut |resolve, reject| {
        timer = set_timeout(&resolve, ms as f64).unwrap_or(JsValue::UNDEFINED);
        if let Some(s) = signal {
            let _ = s.add_event_listener_with_callback("abort", &reject);
            listener = Some(reject);
        }
    });
    let result = JsFuture::from(promise).await;
    let _ = clear_timeout(&timer);
    if let (Some(s), Some(l)) = (signal, &listener) {
        let _ = s.remove_event_listener_with_callback("abort", l);
    }
    match (result, signal) {
        (Ok(_), _) => Ok(()),
        (Err(_), Some(s)) => Err(s.reason()),
        (Err(e), None) => Err(e),
    }
}
