//! The token manager as `#[wasm_bindgen]` exports: `TokenManager`, `MemoryTokenStore`,
//! `SquareTokenStore` (the Durable Object class) and `verifyWebhook`, thin over
//! [`crate::tokens`].
#![allow(rustdoc::bare_urls)]

use std::rc::Rc;

use js_sys::{Promise, Uint8Array};
use serde::Deserialize;
use tsify::Tsify;
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::OAuthClient;
use crate::config::CallOptions;
use crate::error::{Error, ErrorCode};
use crate::flow::refresh::DEFAULT_REFRESH_AFTER_DAYS;
use crate::js::{read, read_open, read_optional, to_js_error, Shape};
use crate::model::ObtainTokenResponse;
use crate::secret::Secret;
use crate::tokens::durable::TokenObject;
use crate::tokens::store::{JsStore, MemoryStore};
use crate::tokens::{self, Store, TokenManagerConfig, WebhookEvent};

#[wasm_bindgen(typescript_custom_section)]
const TS: &'static str = r#"
/**
 * Where a {@link TokenManager} keeps its sealed records: bring your own (Cloudflare D1, Deno KV,
 * Redis, KV with a lock). Keys are merchant IDs; values are opaque strings (`sqoe1.…`, AES-GCM
 * sealed, a fresh IV each write, so a value never repeats).
 */
export interface TokenStore {
    /** The value stored under `key`, or `null`/`undefined` when there is none. */
    get(key: string): Promise<string | null | undefined> | string | null | undefined;
    /**
     * Writes `value` under `key` (`null`: delete) **only if** the current value is still
     * `previous` (`null`: absent), atomically. Resolves `true` if it wrote, `false` if the value
     * had changed. This compare-and-swap is what keeps two processes from both refreshing.
     */
    put(key: string, value: string | null, previous: string | null): Promise<boolean> | boolean;
}

/** A Durable Object namespace bound to {@link SquareTokenStore} (`env.SQUARE_TOKENS`). */
export interface SquareTokenNamespace {
    /** The ID of the object named `name` (the manager names one per application and merchant). */
    idFromName(name: string): unknown;
    /** The stub of the object with that ID; the manager calls its `fetch`. */
    get(id: never): { fetch(input: string, init?: RequestInit): Promise<Response> };
}
"#;

const OPTIONS: Shape = Shape {
    field: "options",
    unknown: "unknown option",
    opaque: &["client", "store"],
};
const TOKEN: Shape = Shape {
    field: "token",
    unknown: "",
    opaque: &[],
};
const EVENT: Shape = Shape {
    field: "event",
    unknown: "",
    opaque: &[],
};
const INPUT: Shape = Shape {
    field: "input",
    unknown: "unknown member",
    opaque: &["body"],
};
const CALL_OPTIONS: Shape = Shape {
    field: "options",
    unknown: "unknown option",
    opaque: &["signal"],
};

/// Options of {@link TokenManager}.
// Every field is optional to serde, so that a mistyped one is reported by its name; the required
// ones are checked after reading (`MISSING_FIELD`), and declared required to TypeScript.
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct TokenManagerOptions {
    /// The client that refreshes and revokes, imported from this entry. With a Durable Object
    /// store, its options travel to the object (all but a custom `fetch`: the object calls the
    /// runtime's).
    #[tsify(type = "OAuthClient")]
    client: Option<JsHandle>,
    /// Your application ID.
    #[tsify(type = "string")]
    pub client_id: Option<String>,
    /// Your application secret (code flow). Omit it for a PKCE application, which then cannot
    /// {@link TokenManager.revoke}.
    #[serde(default)]
    #[tsify(optional, type = "string | undefined")]
    pub client_secret: Option<Secret>,
    /// Where the sealed records live: a Durable Object namespace bound to
    /// {@link SquareTokenStore}, a {@link MemoryTokenStore}, or your own {@link TokenStore}.
    #[tsify(type = "SquareTokenNamespace | TokenStore")]
    store: Option<JsHandle>,
    /// The base64 of 32 random bytes (`openssl rand -base64 32`), bound as a secret: seals every
    /// record with AES-256-GCM.
    #[tsify(type = "string")]
    pub encryption_key: Option<Secret>,
    /// The key before the last rotation: still opens older records (which are sealed again
    /// under `encryptionKey` when next read); every write uses `encryptionKey`.
    #[serde(default)]
    #[tsify(optional, type = "string | undefined")]
    pub previous_encryption_key: Option<Secret>,
    /// Refresh tokens issued at least this many days ago (0 to 30). Default `7`, as Square
    /// recommends.
    #[serde(default)]
    #[tsify(optional, type = "number | undefined")]
    pub refresh_after_days: Option<f64>,
}

/// The input of {@link verifyWebhook}.
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct VerifyWebhookInput {
    /// The raw request body, exactly as received (`await request.text()`, or its bytes).
    #[tsify(type = "string | Uint8Array")]
    body: Option<JsHandle>,
    /// The `x-square-hmacsha256-signature` header (`request.headers.get(…)`).
    #[tsify(type = "string | null | undefined")]
    pub signature: Option<String>,
    /// The subscription's signature key (Developer Console → Webhooks).
    #[tsify(type = "string")]
    pub signature_key: Option<Secret>,
    /// The notification URL exactly as registered for the subscription.
    #[tsify(type = "string")]
    pub notification_url: Option<String>,
}

/// A JavaScript value kept as it is (a client, a store, a body): serde-wasm-bindgen's `preserve`.
/// As `Option<JsHandle>`, an absent member is `None` without `#[serde(default)]`, so that
/// TypeScript still sees the member as required.
struct JsHandle(JsValue);

impl<'de> Deserialize<'de> for JsHandle {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_wasm_bindgen::preserve::deserialize(d).map(JsHandle)
    }
}

/// `Some` or `MISSING_FIELD` naming it.
fn required<T>(value: Option<T>, field: &'static str) -> Result<T, Error> {
    value.ok_or_else(|| Error::input(ErrorCode::MissingField, field, "is required"))
}

fn reject(e: Error) -> JsValue {
    to_js_error(&e)
}

/// A merchant ID argument.
fn merchant_arg(value: &JsValue) -> Result<String, Error> {
    let id: Option<String> = read(
        value,
        &Shape {
            field: "merchantId",
            unknown: "",
            opaque: &[],
        },
    )?;
    id.ok_or_else(|| Error::input(ErrorCode::MissingField, "merchantId", "is required"))
}

/// One call of the token API, with its arguments as JavaScript passed them.
enum Call {
    Save(tokens::TokenManager, JsValue),
    AccessToken(tokens::TokenManager, JsValue),
    Revoke(tokens::TokenManager, JsValue, Option<JsValue>),
    Forget(tokens::TokenManager, JsValue),
    Webhook(tokens::TokenManager, JsValue),
    Verify(JsValue),
    Object(Rc<TokenObject>, JsValue),
}

/// Runs `call` as a promise. One async function for every method, so that the wasm holds one
/// promise adapter (each `future_to_promise` site is a state machine of its own).
fn promise(call: Call) -> Promise {
    future_to_promise(async move { run(call).await.map_err(reject) })
}

/// Each operation's future is boxed: the dispatcher's state machine then holds a pointer, not
/// every operation's state inlined (measured: −0.8 KB gzip of the .wasm).
async fn run(call: Call) -> Result<JsValue, Error> {
    Ok(match call {
        Call::Save(manager, token) => {
            let token: ObtainTokenResponse = read_open(&token, &TOKEN)?;
            JsValue::from_str(&Box::pin(manager.save(&token)).await?)
        }
        Call::AccessToken(manager, merchant_id) => {
            let merchant = merchant_arg(&merchant_id)?;
            JsValue::from_str(Box::pin(manager.access_token(&merchant)).await?.expose())
        }
        Call::Revoke(manager, merchant_id, options) => {
            let merchant = merchant_arg(&merchant_id)?;
            let options: CallOptions =
                read_optional(&options.unwrap_or(JsValue::UNDEFINED), &CALL_OPTIONS)?;
            Box::pin(manager.revoke(&merchant, options)).await?;
            JsValue::UNDEFINED
        }
        Call::Forget(manager, merchant_id) => {
            Box::pin(manager.forget(&merchant_arg(&merchant_id)?)).await?;
            JsValue::UNDEFINED
        }
        Call::Webhook(manager, event) => {
            let event: WebhookEvent = read_open(&event, &EVENT)?;
            JsValue::from_str(Box::pin(manager.handle_webhook(&event)).await?.as_str())
        }
        Call::Verify(input) => Box::pin(verify(input)).await?,
        Call::Object(object, request) => {
            let text = match request
                .dyn_into::<web_sys::Request>()
                .ok()
                .and_then(|r| r.text().ok())
            {
                Some(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
                None => None,
            }
            .unwrap_or_default();
            let answer = Box::pin(object.handle(&text)).await;
            json_response(&answer)
                .ok_or_else(|| Error::new(ErrorCode::StoreError, "the answer could not be sent"))?
        }
    })
}

fn json_response(body: &str) -> Option<JsValue> {
    let init = web_sys::ResponseInit::new();
    init.set_status(200);
    let headers = web_sys::Headers::new().ok()?;
    headers.set("content-type", "application/json").ok()?;
    init.set_headers(&headers);
    web_sys::Response::new_with_opt_str_and_init(Some(body), &init)
        .ok()
        .map(JsValue::from)
}

async fn verify(input: JsValue) -> Result<JsValue, Error> {
    let input: VerifyWebhookInput = read(&input, &INPUT)?;
    let body_value = required(input.body, "input.body")?.0;
    let signature_key = required(input.signature_key, "input.signatureKey")?;
    let notification_url = required(input.notification_url, "input.notificationUrl")?;
    let body = if let Some(text) = body_value.as_string() {
        text.into_bytes()
    } else if let Some(bytes) = body_value.dyn_ref::<Uint8Array>() {
        bytes.to_vec()
    } else {
        return Err(Error::input(
            ErrorCode::InvalidType,
            "input.body",
            "expected the raw body as a string or a Uint8Array",
        ));
    };
    let (_, doc) = tokens::verify_webhook(
        &body,
        input.signature.as_deref(),
        &signature_key,
        &notification_url,
    )
    .await?;
    Ok(doc.0)
}

/// Keeps a seller's tokens valid: {@link TokenManager.save} them once after the callback's
/// `obtainToken`, then ask {@link TokenManager.accessToken} for a token whenever you call Square.
/// A token due for a refresh (Square: every 7 days or less) is refreshed first, with **at most one
/// refresh in flight per merchant** across every isolate, and the new tokens are stored before
/// any caller gets them. Records are sealed with AES-256-GCM under your key.
///
/// @example
/// ```ts
/// import { OAuthClient, TokenManager, SquareTokenStore } from "square-oauth-edge/tokens";
/// export { SquareTokenStore }; // the Durable Object class, bound as SQUARE_TOKENS
///
/// const tokens = new TokenManager({
///   client: new OAuthClient({ environment: "sandbox" }),
///   clientId: env.SQUARE_APPLICATION_ID,
///   clientSecret: env.SQUARE_APPLICATION_SECRET,
///   store: env.SQUARE_TOKENS,
///   encryptionKey: env.SQUARE_TOKEN_KEY,
/// });
/// const merchantId = await tokens.save(await oauth.obtainToken(body));
/// const accessToken = await tokens.accessToken(merchantId);
/// ```
#[wasm_bindgen]
#[derive(Debug)]
pub struct TokenManager {
    inner: tokens::TokenManager,
}

#[wasm_bindgen]
impl TokenManager {
    /// @param options The client, your application's credentials, the store and the key.
    /// @throws {SquareError} An input code naming `options.<name>` (`MISSING_FIELD`,
    /// `INVALID_TYPE`, `INVALID_VALUE`, `UNKNOWN_FIELD`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "TokenManagerOptions")] options: JsValue,
    ) -> Result<TokenManager, JsValue> {
        Self::build(&options).map_err(reject)
    }

    fn build(options: &JsValue) -> Result<TokenManager, Error> {
        let o: TokenManagerOptions = read(options, &OPTIONS)?;
        let client_value = required(o.client, "options.client")?.0;
        let client_id = required(o.client_id, "options.clientId")?;
        let store_value = required(o.store, "options.store")?.0;
        let encryption_key = required(o.encryption_key, "options.encryptionKey")?;
        let not_a_client = || {
            Error::input(
                ErrorCode::InvalidType,
                "options.client",
                "expected an OAuthClient imported from this entry (\"square-oauth-edge/tokens\")",
            )
        };
        let share = crate::tokens::store::method(&client_value, "__shareClient")
            .ok_or_else(not_a_client)?;
        let shared = share.call0(&client_value).map_err(|_| not_a_client())?;
        let client = OAuthClient::try_from_js_value(shared).map_err(|_| not_a_client())?;
        let store = if crate::tokens::store::method(&store_value, "idFromName").is_some() {
            Store::DurableObject(store_value)
        } else {
            // A store call may take as long as one attempt of the client.
            let limit = client.client().config().timeout_ms;
            Store::Custom(Rc::new(JsStore::new(store_value, limit).ok_or_else(
                || {
                    Error::input(
                        ErrorCode::InvalidType,
                        "options.store",
                        "expected a Durable Object namespace (idFromName, get) or a token store \
                     (get, put)",
                    )
                },
            )?))
        };
        let inner = tokens::TokenManager::new(TokenManagerConfig {
            client: client.client().clone(),
            client_id,
            client_secret: o.client_secret,
            store,
            encryption_key,
            previous_encryption_key: o.previous_encryption_key,
            refresh_after_days: o.refresh_after_days.unwrap_or(DEFAULT_REFRESH_AFTER_DAYS),
        })?;
        Ok(TokenManager { inner })
    }

    /// Stores a seller's new authorization (the answer of the callback's
    /// {@link OAuthClient.obtainToken}), sealed, under its `merchant_id`.
    /// @param token The ObtainToken answer: `access_token` and `merchant_id` are required.
    /// @returns The merchant ID it was stored under.
    /// @throws {SquareError} An input code, `STORE_ERROR`, `CRYPTO_ERROR`.
    #[wasm_bindgen(unchecked_return_type = "Promise<string>")]
    pub fn save(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ObtainTokenResponse")] token: JsValue,
    ) -> Promise {
        promise(Call::Save(self.inner.clone(), token))
    }

    /// An access token valid now for this merchant, refreshed first when due (code flow with
    /// the secret, or PKCE), once for every caller in every isolate. When a refresh fails for a
    /// passing reason (a 5xx, a time limit) and the current token has not expired, that token is
    /// returned and the next call tries again.
    /// @throws {SquareError} `UNKNOWN_MERCHANT`, `REAUTHORIZE_REQUIRED` (send the seller
    /// through the authorization again), `UNREADABLE_RECORD`, `STORE_ERROR`, or the refresh's
    /// own error (`TIMEOUT`, `HTTP_ERROR`, `SQUARE_ERROR`, …) when the token has expired.
    #[wasm_bindgen(js_name = accessToken, unchecked_return_type = "Promise<string>")]
    pub fn access_token(
        &self,
        #[wasm_bindgen(js_name = merchantId, unchecked_param_type = "string")] merchant_id: JsValue,
    ) -> Promise {
        promise(Call::AccessToken(self.inner.clone(), merchant_id))
    }

    /// Revokes the seller's authorization at Square (RevokeToken by `merchant_id`, with the
    /// application secret), then forgets the stored tokens.
    /// @throws {SquareError} `MISSING_FIELD` (`options.clientSecret`: a PKCE application cannot
    /// revoke), the RevokeToken error, `STORE_ERROR`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn revoke(
        &self,
        #[wasm_bindgen(js_name = merchantId, unchecked_param_type = "string")] merchant_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
    ) -> Promise {
        promise(Call::Revoke(self.inner.clone(), merchant_id, options))
    }

    /// Forgets the seller's stored tokens (nothing is sent to Square).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn forget(
        &self,
        #[wasm_bindgen(js_name = merchantId, unchecked_param_type = "string")] merchant_id: JsValue,
    ) -> Promise {
        promise(Call::Forget(self.inner.clone(), merchant_id))
    }

    /// Acts on an event from {@link verifyWebhook}: `oauth.authorization.revoked` forgets that
    /// merchant; other types are ignored.
    /// @returns `"forgotten"`, `"not-stored"` (nothing was stored) or `"ignored"`.
    /// @throws {SquareError} `STALE_WEBHOOK` (the revocation is older than the stored
    /// authorization: a replay; nothing forgotten), `INVALID_WEBHOOK_EVENT`, `STORE_ERROR`.
    #[wasm_bindgen(js_name = handleWebhook, unchecked_return_type = "Promise<WebhookOutcome>")]
    pub fn handle_webhook(
        &self,
        #[wasm_bindgen(unchecked_param_type = "WebhookEvent")] event: JsValue,
    ) -> Promise {
        promise(Call::Webhook(self.inner.clone(), event))
    }
}

/// A {@link TokenStore} in this process's memory, for tests, scripts and single-process
/// servers: every {@link TokenManager} given the same instance shares it. Lost when the process
/// ends.
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    inner: MemoryStore,
}

#[wasm_bindgen]
impl MemoryTokenStore {
    /// An empty store.
    #[wasm_bindgen(constructor)]
    pub fn new() -> MemoryTokenStore {
        MemoryTokenStore::default()
    }

    /// The sealed record stored under `key`, or `undefined`.
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    ) -> Option<String> {
        key.as_string().and_then(|k| self.inner.get_now(&k))
    }

    /// Writes `value` (`null`: deletes) only if the current value is still `previous`.
    pub fn put(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null")] value: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | null")] previous: JsValue,
    ) -> bool {
        let Some(key) = key.as_string() else {
            return false;
        };
        let value = value.as_string();
        let previous = previous.as_string();
        self.inner
            .put_now(&key, value.as_deref(), previous.as_deref())
    }
}

/// The Cloudflare Durable Object class of the token store: export it from your Worker
/// (`export { SquareTokenStore } from "square-oauth-edge/tokens"`), bind a namespace to it
/// (`class_name = "SquareTokenStore"`) and give that namespace to {@link TokenManager} as
/// `store`. One object per application and merchant owns that merchant's refresh: every isolate
/// asks it, it refreshes once and answers every waiter, and it keeps the sealed record in its
/// transactional storage. Workers create it; you do not call it.
#[wasm_bindgen]
pub struct SquareTokenStore {
    object: Rc<TokenObject>,
}

impl std::fmt::Debug for SquareTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SquareTokenStore(..)")
    }
}

#[wasm_bindgen]
impl SquareTokenStore {
    /// Called by the Workers runtime with the object's state and environment.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "{ readonly storage: object }")] ctx: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "unknown")] env: Option<JsValue>,
    ) -> Result<SquareTokenStore, JsValue> {
        // The object takes its settings from each request, not from its environment.
        drop(env);
        let object = TokenObject::new(&ctx).map_err(reject)?;
        Ok(SquareTokenStore {
            object: Rc::new(object),
        })
    }

    /// Answers a {@link TokenManager}'s request (the package's own JSON protocol).
    #[wasm_bindgen(unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Request")] request: JsValue,
    ) -> Promise {
        promise(Call::Object(Rc::clone(&self.object), request))
    }
}

/// Verifies a Square webhook notification and returns its event: the `x-square-hmacsha256-signature`
/// header must be the base64 HMAC-SHA256, under the subscription's signature key, of the
/// notification URL followed by the raw body (compared in constant time). Pass the body exactly
/// as received, before any parsing.
///
/// @returns The parsed event, as Square sent it.
/// @throws {SquareError} `INVALID_WEBHOOK_SIGNATURE` (missing, malformed, or not matching: an
/// altered body, another URL, another key), `INVALID_WEBHOOK_EVENT` (verified, but not a JSON
/// Square event), an input code for a missing `signatureKey` or `notificationUrl`.
///
/// @example
/// ```ts
/// const event = await verifyWebhook({
///   body: await request.text(),
///   signature: request.headers.get("x-square-hmacsha256-signature"),
///   signatureKey: env.SQUARE_WEBHOOK_SIGNATURE_KEY,
///   notificationUrl: "https://example.com/square/webhooks",
/// });
/// await tokens.handleWebhook(event);
/// ```
#[wasm_bindgen(js_name = verifyWebhook, unchecked_return_type = "Promise<WebhookEvent>")]
pub fn verify_webhook(
    #[wasm_bindgen(unchecked_param_type = "VerifyWebhookInput")] input: JsValue,
) -> Promise {
    promise(Call::Verify(input))
}
