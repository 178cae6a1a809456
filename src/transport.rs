//! The only code that calls `fetch`: one attempt with a time limit and the caller's signal, a
//! capped body read, and the sleep between attempts.
//!
//! `fetch` is bound as a global (never through `window`, which Workers, Deno and Node lack).
//! Every wait is raced against an abort promise, so even an injected `fetch` that ignores its
//! signal, or a body that stalls, cannot hang a call past its time limit.

use std::cell::Cell;

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, RequestInit, RequestRedirect, Response};

use crate::error::{Error, ErrorCode};
use crate::request::HttpRequest;
use crate::response::MAX_BODY_BYTES;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &RequestInit) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    /// A promise seen only through its `then` method.
    type Thenable;
    /// `promise.then(f)` with a plain JS function.
    #[wasm_bindgen(method, js_name = then)]
    fn then_call(this: &Thenable, f: &Function) -> Promise;
}

/// What an attempt produced before the response reader judges it.
pub struct Received {
    /// HTTP status.
    pub status: u16,
    /// `Response.type === "opaqueredirect"`.
    pub opaque_redirect: bool,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Retry-After`.
    pub retry_after: Option<String>,
    /// The body, at most [`MAX_BODY_BYTES`].
    pub body: Vec<u8>,
}

/// How an attempt failed before a response was read.
pub enum Failure {
    /// A coded error, with the JS value that caused it.
    Error(Error, Option<JsValue>),
    /// The attempt's own time limit fired.
    Timeout,
    /// The caller's signal fired; its reason.
    Aborted(JsValue),
}

/// A closure as the JS function it wraps.
fn func<T: ?Sized>(c: &Closure<T>) -> &Function {
    AsRef::<JsValue>::as_ref(c).unchecked_ref()
}

thread_local! {
    /// One shared no-op handler, attached to promises whose rejection is expected and unused.
    static NOOP: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

/// Marks a rejection of `p` as handled, so that no runtime reports it.
fn ignore_rejection(p: &Promise) {
    NOOP.with(|noop| {
        let _ = p.catch(noop);
    });
}

/// One attempt's abort wiring: a controller whose signal goes to `fetch`, fired by the timer or
/// by the caller's signal. Every closure is owned here and freed on drop, so that 100,000 calls
/// leave no garbage in wasm memory.
///
/// The runtime's own `fetch` honours its signal for the request and for the body (Fetch
/// standard: aborting errors the body stream), so awaiting it directly is enough. An injected
/// `fetch` may ignore the signal; then every wait is also raced against a promise that rejects
/// when the signal fires, so that nothing can hang past the time limit.
struct Guard {
    controller: AbortController,
    aborted: Option<Promise>,
    timer: JsValue,
    caller: Option<AbortSignal>,
    on_caller_abort: Option<Closure<dyn FnMut()>>,
    _on_abort: Option<Closure<dyn FnMut()>>,
    /// The attempt read its whole answer: nothing is left to stop on drop.
    done: Cell<bool>,
}

impl Guard {
    fn new(timeout_ms: u32, caller: Option<&AbortSignal>, race: bool) -> Result<Guard, Failure> {
        let controller = AbortController::new().map_err(|e| {
            Failure::Error(
                Error::new(ErrorCode::NetworkError, "AbortController is not available"),
                Some(e),
            )
        })?;
        let mut on_abort = None;
        let aborted = race.then(|| {
            let signal = controller.signal();
            let p = Promise::new(&mut |_resolve, reject| {
                let signal2 = signal.clone();
                let listener = Closure::<dyn FnMut()>::new(move || {
                    let _ = reject.call1(&JsValue::UNDEFINED, &signal2.reason());
                });
                let _ = signal.add_event_listener_with_callback("abort", func(&listener));
                on_abort = Some(listener);
            });
            // Observed through a race, or not at all once the attempt is over.
            ignore_rejection(&p);
            p
        });

        // The timer calls `controller.abort()` directly (a bound JS function, no Rust closure):
        // when our signal is aborted and the caller's is not, the time limit fired.
        let abort: JsValue = Reflect::get(controller.as_ref(), &JsValue::from_str("abort"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .map(|f| f.bind0(controller.as_ref()).into())
            .unwrap_or(JsValue::UNDEFINED);
        let timer = set_timeout(abort.unchecked_ref(), f64::from(timeout_ms));

        let mut guard = Guard {
            controller,
            aborted,
            timer,
            caller: caller.cloned(),
            on_caller_abort: None,
            _on_abort: on_abort,
            done: Cell::new(false),
        };
        if let Some(sig) = caller {
            let ctl = guard.controller.clone();
            let sig2 = sig.clone();
            let cb = Closure::<dyn FnMut()>::new(move || {
                ctl.abort_with_reason(&sig2.reason());
            });
            let _ = sig.add_event_listener_with_callback("abort", func(&cb));
            guard.on_caller_abort = Some(cb);
        }
        Ok(guard)
    }

    /// Awaits `p`, or fails as soon as the attempt is aborted.
    async fn race(&self, p: Promise) -> Result<JsValue, Failure> {
        let p = match &self.aborted {
            Some(aborted) => Promise::race(&js_sys::Array::of2(&p, aborted)),
            None => p,
        };
        JsFuture::from(p).await.map_err(|e| self.classify(e))
    }

    /// Names a rejection: the caller's signal, our timer (the only other thing that aborts our
    /// controller while the attempt runs), or a network failure.
    fn classify(&self, e: JsValue) -> Failure {
        if let Some(sig) = self.caller.as_ref().filter(|s| s.aborted()) {
            Failure::Aborted(sig.reason())
        } else if self.controller.signal().aborted() {
            Failure::Timeout
        } else {
            Failure::Error(
                Error::new(
                    ErrorCode::NetworkError,
                    "the request failed before a response was received (network, DNS, TLS or CORS)",
                ),
                Some(e),
            )
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        clear_timeout(&self.timer);
        if let (Some(sig), Some(cb)) = (&self.caller, &self.on_caller_abort) {
            let _ = sig.remove_event_listener_with_callback("abort", func(cb));
        }
        if !self.done.get() {
            // Stops a request or a body still streaming (and settles the race promise, which
            // frees its listener).
            self.controller.abort();
        }
    }
}

/// Sends `req` once and reads the answer. The `cause` of a failure is scrubbed of the request's
/// secrets (see `js::scrub_cause`); an abort reason is handed back as it is.
pub async fn attempt(
    req: &HttpRequest,
    fetch: Option<&Function>,
    signal: Option<&AbortSignal>,
    timeout_ms: u32,
) -> Result<Received, Failure> {
    attempt_once(req, fetch, signal, timeout_ms)
        .await
        .map_err(|f| match f {
            Failure::Error(e, Some(cause)) => {
                Failure::Error(e, Some(crate::js::scrub_cause(cause, &req.secrets)))
            }
            other => other,
        })
}

async fn attempt_once(
    req: &HttpRequest,
    fetch: Option<&Function>,
    signal: Option<&AbortSignal>,
    timeout_ms: u32,
) -> Result<Received, Failure> {
    if let Some(sig) = signal.filter(|s| s.aborted()) {
        return Err(Failure::Aborted(sig.reason()));
    }
    let guard = Guard::new(timeout_ms, signal, fetch.is_some())?;
    let init = build_init(req, &guard.controller.signal())?;
    let promise = match fetch {
        // An injected fetch is called from a promise reaction: whatever it throws becomes a
        // rejection, never an exception caught in wasm (wasm-bindgen 0.2.130 leaks a table slot
        // for each exception caught from an import that returns a value).
        Some(f) => {
            let bound: JsValue = f
                .bind2(&JsValue::UNDEFINED, &JsValue::from_str(&req.url), &init)
                .into();
            Promise::resolve(&JsValue::UNDEFINED)
                .unchecked_ref::<Thenable>()
                .then_call(bound.unchecked_ref())
        }
        None => global_fetch(&req.url, &init).map_err(|e| guard.classify(e))?,
    };
    let value = guard.race(promise).await?;
    let response: Response = value.dyn_into().map_err(|_| {
        Failure::Error(
            Error::new(
                ErrorCode::InvalidFetchResult,
                "the fetch function did not resolve to a Response",
            ),
            None,
        )
    })?;
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let status = response.status();
    // Only a browser's opaque redirect has status 0; every header read is a JS round trip, so
    // each is read only where it matters.
    let opaque_redirect = status == 0 && response.type_() == web_sys::ResponseType::Opaqueredirect;
    let content_type = header("content-type");
    let retry_after = if (200..300).contains(&status) {
        None
    } else {
        header("retry-after")
    };
    let redirect = opaque_redirect || (300..400).contains(&status);
    let declared = header("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    // The declared length bounds the body only when it is not compressed (a small gzip body can
    // inflate to any size).
    let encoded = declared.is_some()
        && header("content-encoding").is_some_and(|e| !e.trim().eq_ignore_ascii_case("identity"));
    let body = if redirect {
        cancel_body(&response);
        Vec::new()
    } else if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        cancel_body(&response);
        return Err(too_large(status));
    } else if declared.is_some() && !encoded {
        // Fast path: one read of a body whose size is known and under the cap.
        let buf = guard
            .race(response.array_buffer().map_err(|e| guard.classify(e))?)
            .await?;
        Uint8Array::new(&buf).to_vec()
    } else {
        read_body(&response, &guard, status).await?
    };
    guard.done.set(true);
    Ok(Received {
        status,
        opaque_redirect,
        content_type,
        retry_after,
        body,
    })
}

fn too_large(status: u16) -> Failure {
    Failure::Error(
        Error::new(
            ErrorCode::ResponseTooLarge,
            format!("the response body is larger than {MAX_BODY_BYTES} bytes; it was not read"),
        )
        .with_status(status),
        None,
    )
}

fn cancel_body(response: &Response) {
    if let Some(body) = response.body() {
        ignore_rejection(&body.cancel());
    }
}

async fn read_body(response: &Response, guard: &Guard, status: u16) -> Result<Vec<u8>, Failure> {
    let Some(stream) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let chunk = guard.race(reader.read()).await?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done"))
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(out);
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).unwrap_or(JsValue::UNDEFINED);
        let Some(bytes) = value.dyn_ref::<Uint8Array>() else {
            return Err(Failure::Error(
                Error::new(
                    ErrorCode::NetworkError,
                    "the body stream produced a non-byte chunk",
                )
                .with_status(status),
                None,
            ));
        };
        if out.len() + bytes.length() as usize > MAX_BODY_BYTES {
            ignore_rejection(&reader.cancel());
            return Err(too_large(status));
        }
        let start = out.len();
        out.resize(start + bytes.length() as usize, 0);
        if let Some(dst) = out.get_mut(start..) {
            bytes.copy_to(dst);
        }
    }
}

fn build_init(req: &HttpRequest, signal: &AbortSignal) -> Result<RequestInit, Failure> {
    let headers = Headers::new().map_err(|e| {
        Failure::Error(
            Error::new(ErrorCode::NetworkError, "Headers is not available"),
            Some(e),
        )
    })?;
    let set = |k: &str, v: &str| {
        headers.set(k, v).map_err(|_| {
            // Values were validated; a runtime that still refuses one names only the header.
            Failure::Error(
                Error::input(
                    ErrorCode::UnsafeHeaderValue,
                    format!("header {k}"),
                    "was refused by this runtime's fetch",
                ),
                None,
            )
        })
    };
    for (k, v) in &req.headers {
        set(k, v)?;
    }
    if let Some(a) = &req.authorization {
        set("Authorization", a.expose())?;
    }
    let init = RequestInit::new();
    init.set_method(req.method);
    init.set_headers(&headers);
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(signal));
    if let Some(body) = &req.body {
        init.set_body(&JsValue::from_str(body.expose()));
    }
    Ok(init)
}

/// Waits `ms` milliseconds, or until `signal` aborts (then `Err` with its reason).
pub async fn sleep(ms: u64, signal: Option<&AbortSignal>) -> Result<(), JsValue> {
    if let Some(sig) = signal.filter(|s| s.aborted()) {
        return Err(sig.reason());
    }
    let mut timer = JsValue::UNDEFINED;
    let mut on_done = None;
    let mut on_abort = None;
    let p = Promise::new(&mut |resolve, reject| {
        let done = Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        });
        timer = set_timeout(func(&done), ms as f64);
        on_done = Some(done);
        if let Some(sig) = signal {
            let sig2 = sig.clone();
            let cb = Closure::<dyn FnMut()>::new(move || {
                let _ = reject.call1(&JsValue::UNDEFINED, &sig2.reason());
            });
            let _ = sig.add_event_listener_with_callback("abort", func(&cb));
            on_abort = Some(cb);
        }
    });
    let result = JsFuture::from(p).await.map(|_| ());
    clear_timeout(&timer);
    if let (Some(sig), Some(cb)) = (signal, &on_abort) {
        let _ = sig.remove_event_listener_with_callback("abort", func(cb));
    }
    drop(on_done);
    result
}
