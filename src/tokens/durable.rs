//! The Durable Object store (wasm only): the front side (a manager asking the merchant's object)
//! and the object side (the engine over the object's storage).
//!
//! **One object per application and merchant** (`idFromName(clientId + "/" + merchantId)`):
//! an object is single-threaded and unique in the world, so its memory alone keeps one refresh
//! in flight per merchant, every isolate's request waits on that one refresh, and merchants
//! never queue behind each other (an object per application would serialize every seller's
//! refresh through one thread and one storage).
//!
//! The protocol is JSON over the stub's `fetch` (no RPC: it needs no `cloudflare:workers`
//! import). Each request carries the manager's settings (the application secret and the keys
//! travel inside Cloudflare, never over the public network); the object keeps the settings only
//! for the request, and between requests the imported keys (non-extractable) together with the
//! raw key bytes they were imported from (to tell when the keys change).

use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::manager::{Ctx, Engine, Settings};
use super::record::{lease_ms, TokenRecord};
use super::store::{store_error, DurableStorage};
use crate::client::Client;
use crate::document::Document;
use crate::error::{Error, ErrorCode};
use crate::js::JsDocument;
use crate::secret::Secret;

/// What a front asks of an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Op {
    AccessToken,
    Save,
    Forget,
    Revocation,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Request {
    op: Op,
    merchant_id: String,
    #[serde(default)]
    record: Option<TokenRecord>,
    #[serde(default)]
    created_at_ms: Option<f64>,
    settings: Settings,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct WireError {
    code: String,
    message: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    status: Option<u16>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Answer {
    #[serde(default)]
    pub access_token: Option<Secret>,
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default)]
    pub error: Option<WireError>,
}

pub(crate) fn bad_answer() -> Error {
    store_error("Durable Object gave an answer this package does not understand")
}

/// `value` as JSON text (serde-wasm-bindgen, then the runtime's `JSON.stringify`).
pub(crate) fn to_json<T: Serialize>(value: &T) -> Option<String> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let v = value.serialize(&serializer).ok()?;
    js_sys::JSON::stringify(&v).ok()?.as_string()
}

/// JSON text as a `T` (the runtime's `JSON.parse`, then serde-wasm-bindgen).
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    let parsed = js_sys::JSON::parse(text).ok()?;
    JsDocument(parsed).deserialize().ok()
}

fn call_method(target: &JsValue, name: &str, args: &Array) -> Result<JsValue, Error> {
    let f = super::store::method(target, name)
        .ok_or_else(|| store_error(&format!("Durable Object namespace has no {name}()")))?;
    Reflect::apply(&f, target, args)
        .map_err(|_| store_error(&format!("Durable Object namespace threw in {name}()")))
}

/// The front side: a Durable Object namespace bound to `SquareTokenStore`.
#[derive(Clone, Debug)]
pub(crate) struct Namespace(JsValue);

impl Namespace {
    /// The namespace, if `ns` has `idFromName` and `get`.
    pub fn new(ns: JsValue) -> Option<Namespace> {
        super::store::method(&ns, "idFromName")?;
        super::store::method(&ns, "get")?;
        Some(Namespace(ns))
    }

    /// Asks the merchant's object to run `op`; its coded error comes back as the same code.
    pub async fn call(
        &self,
        settings: &Settings,
        op: Op,
        merchant_id: &str,
        record: Option<&TokenRecord>,
        created_at_ms: Option<f64>,
    ) -> Result<Answer, Error> {
        let request = Request {
            op,
            merchant_id: merchant_id.to_owned(),
            record: record.cloned(),
            created_at_ms,
            settings: settings.clone(),
        };
        let body = to_json(&request).ok_or_else(|| store_error("request could not be written"))?;
        let name = format!("{}/{}", settings.client_id, merchant_id);
        let id = call_method(&self.0, "idFromName", &Array::of1(&name.into()))?;
        let stub = call_method(&self.0, "get", &Array::of1(&id))?;
        let init = Object::new();
        let _ = Reflect::set(&init, &"method".into(), &"POST".into());
        let _ = Reflect::set(&init, &"body".into(), &body.into());
        let fetched = call_method(
            &stub,
            "fetch",
            &Array::of2(&"https://square-token-store.invalid/".into(), &init),
        )?;
        // The object's work is bounded by the client's limits; this bounds the wait for it
        // (an object torn down mid-request, a lost answer) so that no caller hangs.
        let limit = lease_ms(settings.client.total_timeout_ms) + 2_000.0;
        let response = super::store::within(&fetched, limit)
            .await
            .map_err(|_| {
                store_error("Durable Object request failed (the object was reset or unreachable)")
            })?
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::Timeout,
                    format!("the Durable Object did not answer within {limit} ms"),
                )
            })?
            .dyn_into::<web_sys::Response>()
            .map_err(|_| bad_answer())?;
        let text = response.text().map_err(|_| bad_answer())?;
        let text = JsFuture::from(text)
            .await
            .ok()
            .and_then(|t| t.as_string())
            .ok_or_else(bad_answer)?;
        let answer: Answer = from_json(&text).ok_or_else(bad_answer)?;
        match answer.error {
            Some(e) => {
                let code = ErrorCode::parse(&e.code).ok_or_else(bad_answer)?;
                let mut err = Error::new(code, e.message);
                if let Some(f) = e.field {
                    err = err.with_field(f);
                }
                if let Some(s) = e.status {
                    err = err.with_status(s);
                }
                Err(err)
            }
            None => Ok(answer),
        }
    }
}

/// The object side: one merchant's object.
pub struct TokenObject {
    storage: DurableStorage,
    engine: Engine,
}

impl std::fmt::Debug for TokenObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenObject(..)")
    }
}

impl TokenObject {
    /// The object over `ctx.storage`.
    pub fn new(ctx: &JsValue) -> Result<TokenObject, Error> {
        let storage = if ctx.is_object() {
            Reflect::get(ctx, &"storage".into()).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        };
        let storage = DurableStorage::new(storage).ok_or_else(|| {
            Error::input(
                ErrorCode::InvalidType,
                "ctx",
                "expected a Durable Object state with storage (export SquareTokenStore as a \
                 Durable Object class)",
            )
        })?;
        Ok(TokenObject {
            storage,
            engine: Engine::default(),
        })
    }

    /// Answers one request body (JSON in, JSON out; never a secret in an error).
    pub async fn handle(self: Rc<Self>, body: &str) -> String {
        let answer = match from_json::<Request>(body) {
            Some(request) => self.run(request).await,
            None => Err(Error::new(
                ErrorCode::StoreError,
                "the Durable Object got a request it does not understand",
            )),
        };
        let answer = answer.unwrap_or_else(|e| Answer {
            error: Some(WireError {
                code: e.code().as_str().to_owned(),
                message: e.message().to_owned(),
                field: e.field().map(str::to_owned),
                status: e.status(),
            }),
            ..Answer::default()
        });
        to_json(&answer).unwrap_or_else(|| {
            r#"{"error":{"code":"STORE_ERROR","message":"the answer could not be written"}}"#
                .to_owned()
        })
    }

    async fn run(&self, request: Request) -> Result<Answer, Error> {
        super::record::check_merchant_id(&request.merchant_id, "merchantId")?;
        let client = Client::from_config(request.settings.client.clone());
        let ctx = Ctx {
            client: &client,
            settings: &request.settings,
            store: &self.storage,
            shared: false,
        };
        let mut answer = Answer::default();
        match request.op {
            Op::AccessToken => {
                answer.access_token =
                    Some(self.engine.access_token(&ctx, &request.merchant_id).await?);
            }
            Op::Save => {
                let rec = request
                    .record
                    .filter(|r| r.merchant_id == request.merchant_id)
                    .ok_or_else(|| store_error("save request has no record for this merchant"))?;
                self.engine.save(&ctx, &rec).await?;
            }
            Op::Forget => {
                self.engine.forget(&ctx, &request.merchant_id).await?;
            }
            Op::Revocation => {
                let at = request
                    .created_at_ms
                    .ok_or_else(|| store_error("revocation request has no date"))?;
                let outcome = self
                    .engine
                    .revocation(&ctx, &request.merchant_id, at)
                    .await?;
                answer.outcome = Some(outcome.as_str().to_owned());
            }
        }
        Ok(answer)
    }
}
