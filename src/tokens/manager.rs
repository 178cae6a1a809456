//! The token manager (wasm only): tokens that stay valid across processes, with at most one
//! refresh in flight per merchant.
//!
//! One engine serves two places. A manager over a [`TokenStore`] runs it in its own process,
//! with an in-process map of refreshes in flight and, for stores that other processes share, a
//! lease written into the (sealed) record with a compare-and-swap. A manager over a Durable
//! Object namespace runs nothing itself: it asks the merchant's object ([`super::durable`]),
//! which runs the same engine over its own storage; the object is single-threaded and unique,
//! so its memory alone keeps the refresh single.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use js_sys::{Function, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::crypto::{self, AesKey, Keys};
use super::record::{
    self, classify_refresh_failure, decide, lease_ms, usable, Decision, RefreshFailure, TokenRecord,
};
use super::store::TokenStore;
use super::webhook::{WebhookEvent, WebhookOutcome, REVOKED};
use crate::client::Client;
use crate::config::{CallOptions, ClientConfig};
use crate::error::{Error, ErrorCode};
use crate::model::{ObtainTokenResponse, RefreshTokenRequest, RevokeTokenRequest};
use crate::secret::Secret;
use crate::transport;

/// What the engine needs besides the store: the credentials, the keys and the policy. It is
/// also what a front Worker sends to its Durable Object with each request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Settings {
    pub client_id: String,
    pub client_secret: Option<Secret>,
    pub key: Secret,
    pub previous_key: Option<Secret>,
    pub refresh_after_days: f64,
    pub client: ClientConfig,
}

/// The epoch milliseconds of an ISO date, by the runtime's `Date.parse` (`NaN` if it does not
/// parse).
pub(crate) fn parse_ms(text: &str) -> f64 {
    js_sys::Date::parse(text)
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn unknown_merchant() -> Error {
    Error::new(
        ErrorCode::UnknownMerchant,
        "no tokens are stored for this merchant: the seller must connect first",
    )
}

fn reauthorize(why: &str) -> Error {
    Error::new(
        ErrorCode::ReauthorizeRequired,
        format!("the seller must authorize again: {why}"),
    )
}

/// A refresh in progress in this process (or this Durable Object): its waiters await `done`,
/// then read `outcome` (`None`: it gave way to another process; read the store again).
#[derive(Clone)]
struct Flight {
    done: Promise,
    resolve: Function,
    outcome: Rc<RefCell<Option<Result<Secret, Error>>>>,
}

impl Flight {
    fn new() -> Flight {
        let mut resolve = None;
        let done = Promise::new(&mut |res, _| resolve = Some(res));
        Flight {
            done,
            // The executor runs synchronously, so `resolve` is set; a no-op otherwise.
            resolve: resolve.unwrap_or_else(|| Function::new_no_args("")),
            outcome: Rc::new(RefCell::new(None)),
        }
    }

    async fn wait(&self) -> Option<Result<Secret, Error>> {
        let _ = JsFuture::from(self.done.clone()).await;
        self.outcome.borrow().clone()
    }
}

/// Imported keys, with the raw bytes they came from (current, previous).
type KeyCache = Option<(Vec<u8>, Option<Vec<u8>>, Keys)>;

/// The state that outlives one call: the refreshes in flight and the imported keys.
#[derive(Default)]
pub(crate) struct Engine {
    flights: RefCell<BTreeMap<String, Flight>>,
    keys: RefCell<KeyCache>,
}

/// One call's view: the client, the settings, the store, and whether other processes share the
/// store (then a refresh takes a lease in the record first).
pub(crate) struct Ctx<'a> {
    pub client: &'a Client,
    pub settings: &'a Settings,
    pub store: &'a dyn TokenStore,
    pub shared: bool,
}

impl Engine {
    fn flight(&self, merchant_id: &str) -> Option<Flight> {
        self.flights.borrow().get(merchant_id).cloned()
    }

    fn start(&self, merchant_id: &str) -> Flight {
        let flight = Flight::new();
        self.flights
            .borrow_mut()
            .insert(merchant_id.to_owned(), flight.clone());
        flight
    }

    fn finish(&self, merchant_id: &str, flight: &Flight, outcome: Option<Result<Secret, Error>>) {
        self.flights.borrow_mut().remove(merchant_id);
        *flight.outcome.borrow_mut() = outcome;
        let _ = flight.resolve.call0(&JsValue::UNDEFINED);
    }

    /// The imported keys of `settings` (imported once, again only when the keys change).
    pub(crate) async fn keys(&self, settings: &Settings) -> Result<Keys, Error> {
        let current = record::parse_key(&settings.key, "options.encryptionKey")?;
        let previous = settings
            .previous_key
            .as_ref()
            .map(|k| record::parse_key(k, "options.previousEncryptionKey"))
            .transpose()?;
        if let Some((c, p, keys)) = &*self.keys.borrow() {
            if *c == current && *p == previous {
                return Ok(keys.clone());
            }
        }
        let keys = Keys {
            current: AesKey::import(&current).await?,
            previous: match &previous {
                Some(p) => Some(AesKey::import(p).await?),
                None => None,
            },
        };
        *self.keys.borrow_mut() = Some((current, previous, keys.clone()));
        Ok(keys)
    }

    /// An access token valid now for `merchant_id`, refreshed first when due.
    pub(crate) async fn access_token(
        &self,
        ctx: &Ctx<'_>,
        merchant_id: &str,
    ) -> Result<Secret, Error> {
        let keys = self.keys(ctx.settings).await?;
        let deadline = now_ms() + lease_ms(ctx.client.config().total_timeout_ms) + 2_000.0;
        let mut polls = 0;
        loop {
            // The record is opened with this caller's keys before it may join a refresh in
            // flight: only a caller that can read the record gets its tokens.
            let value = ctx
                .store
                .get(merchant_id)
                .await?
                .ok_or_else(unknown_merchant)?;
            let (rec, old_key) = crypto::open(&keys, merchant_id, &value).await?;
            // Opened with the previous key: seal it again under the current one (then read it
            // again), so that a rotation completes as records are used.
            if old_key
                && self
                    .write(ctx, &keys, merchant_id, &rec, &value)
                    .await
                    .unwrap_or(false)
            {
                continue;
            }
            if let Some(flight) = self.flight(merchant_id) {
                match flight.wait().await {
                    Some(outcome) => return outcome,
                    None => continue,
                }
            }
            let now = now_ms();
            match decide(&rec, now, ctx.settings.refresh_after_days, &parse_ms) {
                Decision::Use => return Ok(rec.access_token),
                Decision::Reauthorize => {
                    return Err(reauthorize(
                        "Square refused the stored refresh token (spent, revoked or expired), or \
                         the access token expired with no refresh token",
                    ))
                }
                Decision::Wait if ctx.shared => {
                    if now > deadline {
                        return Err(Error::new(
                            ErrorCode::Timeout,
                            "another process is still refreshing this merchant's tokens",
                        ));
                    }
                    let _ = transport::sleep(u64::from(record::poll_delay_ms(polls)), None).await;
                    polls += 1;
                }
                Decision::Wait | Decision::Refresh => {
                    // Re-checked after the awaits above: one refresh per merchant here.
                    if self.flight(merchant_id).is_some() {
                        continue;
                    }
                    let flight = self.start(merchant_id);
                    let outcome = self.refresh(ctx, &keys, merchant_id, value, rec).await;
                    self.finish(merchant_id, &flight, outcome.clone());
                    // `None`: another process changed the record first; read it again.
                    if let Some(outcome) = outcome {
                        return outcome;
                    }
                }
            }
        }
    }

    /// Refreshes `rec` (stored as `value`) and stores the answer before returning it. `None`:
    /// another process changed the record first; read it again.
    async fn refresh(
        &self,
        ctx: &Ctx<'_>,
        keys: &Keys,
        merchant_id: &str,
        value: String,
        rec: TokenRecord,
    ) -> Option<Result<Secret, Error>> {
        let mut base = value;
        if ctx.shared {
            let mut leased = rec.clone();
            leased.lease_until = Some(now_ms() + lease_ms(ctx.client.config().total_timeout_ms));
            let sealed = match crypto::seal(keys, &leased).await {
                Ok(s) => s,
                Err(e) => return Some(Err(e)),
            };
            match ctx.store.put(merchant_id, Some(&sealed), Some(&base)).await {
                Ok(true) => base = sealed,
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
        let secret = if rec.pkce {
            None
        } else {
            match &ctx.settings.client_secret {
                Some(s) => Some(s.clone()),
                None => {
                    self.release(ctx, keys, merchant_id, &rec, &base).await;
                    return Some(Err(Error::input(
                        ErrorCode::MissingField,
                        "options.clientSecret",
                        "is required to refresh a code-flow authorization",
                    )));
                }
            }
        };
        let Some(refresh_token) = rec.refresh_token.clone() else {
            return Some(Err(reauthorize("no refresh token is stored")));
        };
        let request =
            RefreshTokenRequest::new(ctx.settings.client_id.clone(), secret, refresh_token);
        let answer = ctx
            .client
            .obtain_token(request.into(), CallOptions::default())
            .await;
        Some(match answer {
            Ok(answer) => {
                self.store_refreshed(ctx, keys, merchant_id, &rec, &base, &answer)
                    .await
            }
            Err(e) => match classify_refresh_failure(&e) {
                RefreshFailure::Reauthorize => {
                    // A PKCE refresh carries no application credential: Square refused the
                    // refresh token itself, and every later call fails fast. A code-flow refusal
                    // may also be a wrong application secret (Square answers both with 401), so
                    // it is not recorded: the next call asks Square again.
                    let why = if rec.pkce {
                        let mut refused = rec.clone();
                        refused.reauthorize = true;
                        refused.lease_until = None;
                        let _ = self.write(ctx, keys, merchant_id, &refused, &base).await;
                        "Square refused the stored refresh token (spent, revoked or expired)"
                    } else {
                        self.release(ctx, keys, merchant_id, &rec, &base).await;
                        "Square refused the refresh (the authorization was revoked, or the \
                         application secret is wrong)"
                    };
                    let mut err = reauthorize(why).with_errors(e.errors().to_vec());
                    if let Some(status) = e.status() {
                        err = err.with_status(status);
                    }
                    Err(err)
                }
                RefreshFailure::Other => {
                    self.release(ctx, keys, merchant_id, &rec, &base).await;
                    // Due is not expired: a token that still works is better than an error;
                    // the next call refreshes again.
                    if usable(&rec, now_ms(), &parse_ms) {
                        Ok(rec.access_token.clone())
                    } else {
                        Err(e)
                    }
                }
            },
        })
    }

    /// Stores the refreshed tokens over `base` (the value this refresh started from).
    async fn store_refreshed(
        &self,
        ctx: &Ctx<'_>,
        keys: &Keys,
        merchant_id: &str,
        rec: &TokenRecord,
        base: &str,
        answer: &ObtainTokenResponse,
    ) -> Result<Secret, Error> {
        let next = rec.refreshed(answer, now_ms())?;
        if self.write(ctx, keys, merchant_id, &next, base).await? {
            return Ok(next.access_token);
        }
        // Someone wrote meanwhile. The same authorization with the same refresh token (a lease
        // that ran out and was taken again): ours is newer, write over it. Anything else (the
        // merchant forgotten, a new authorization saved) wins.
        let Some(current) = ctx.store.get(merchant_id).await? else {
            return Err(unknown_merchant());
        };
        let (theirs, _) = crypto::open(keys, merchant_id, &current).await?;
        if theirs.authorized_at == rec.authorized_at
            && theirs.refresh_token == rec.refresh_token
            && self.write(ctx, keys, merchant_id, &next, &current).await?
        {
            return Ok(next.access_token);
        }
        Err(Error::new(
            ErrorCode::StoreError,
            "the stored authorization changed during the refresh; the new tokens were not stored",
        ))
    }

    /// Seals `rec` and writes it over `base`.
    async fn write(
        &self,
        ctx: &Ctx<'_>,
        keys: &Keys,
        merchant_id: &str,
        rec: &TokenRecord,
        base: &str,
    ) -> Result<bool, Error> {
        let sealed = crypto::seal(keys, rec).await?;
        ctx.store.put(merchant_id, Some(&sealed), Some(base)).await
    }

    /// Gives back a lease (shared stores): the tokens as they were.
    async fn release(
        &self,
        ctx: &Ctx<'_>,
        keys: &Keys,
        merchant_id: &str,
        rec: &TokenRecord,
        base: &str,
    ) {
        if ctx.shared {
            let mut free = rec.clone();
            free.lease_until = None;
            let _ = self.write(ctx, keys, merchant_id, &free, base).await;
        }
    }

    /// Stores a new authorization, whatever was stored before.
    pub(crate) async fn save(&self, ctx: &Ctx<'_>, rec: &TokenRecord) -> Result<(), Error> {
        let keys = self.keys(ctx.settings).await?;
        let sealed = crypto::seal(&keys, rec).await?;
        for _ in 0..8 {
            let current = ctx.store.get(&rec.merchant_id).await?;
            if ctx
                .store
                .put(&rec.merchant_id, Some(&sealed), current.as_deref())
                .await?
            {
                return Ok(());
            }
        }
        Err(Error::new(
            ErrorCode::StoreError,
            "the record kept changing; the tokens were not saved",
        ))
    }

    /// Deletes the merchant's record. `Ok(false)`: nothing was stored.
    pub(crate) async fn forget(&self, ctx: &Ctx<'_>, merchant_id: &str) -> Result<bool, Error> {
        for _ in 0..8 {
            let Some(current) = ctx.store.get(merchant_id).await? else {
                return Ok(false);
            };
            if ctx.store.put(merchant_id, None, Some(&current)).await? {
                return Ok(true);
            }
        }
        Err(Error::new(
            ErrorCode::StoreError,
            "the record kept changing; it was not deleted",
        ))
    }

    /// A verified revocation at `created_at_ms`: forgets the merchant, unless the stored
    /// authorization is newer (a replayed old event).
    pub(crate) async fn revocation(
        &self,
        ctx: &Ctx<'_>,
        merchant_id: &str,
        created_at_ms: f64,
    ) -> Result<WebhookOutcome, Error> {
        let keys = self.keys(ctx.settings).await?;
        for _ in 0..8 {
            let Some(current) = ctx.store.get(merchant_id).await? else {
                return Ok(WebhookOutcome::NotStored);
            };
            let (rec, _) = crypto::open(&keys, merchant_id, &current).await?;
            if rec.authorized_at > created_at_ms {
                return Err(Error::new(
                    ErrorCode::StaleWebhook,
                    "the revocation is older than the stored authorization (a replayed event): \
                     nothing was forgotten",
                ));
            }
            if ctx.store.put(merchant_id, None, Some(&current)).await? {
                return Ok(WebhookOutcome::Forgotten);
            }
        }
        Err(Error::new(
            ErrorCode::StoreError,
            "the record kept changing; it was not deleted",
        ))
    }
}

/// Where a [`TokenManager`] keeps its records.
pub enum Store {
    /// A store in this process or one the caller brings ([`super::MemoryStore`], a
    /// [`super::JsStore`], your own [`TokenStore`]). Shared with other processes or not, a
    /// refresh takes a lease in the record first.
    Custom(Rc<dyn TokenStore>),
    /// A Durable Object namespace bound to the package's `SquareTokenStore` class: one object
    /// per application and merchant owns the refresh and the storage.
    DurableObject(JsValue),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Store::Custom(_) => "Store::Custom(..)",
            Store::DurableObject(_) => "Store::DurableObject(..)",
        })
    }
}

/// The options of a [`TokenManager`].
#[derive(Debug)]
pub struct TokenManagerConfig {
    /// The client that refreshes and revokes (its options travel to a Durable Object, all but a
    /// custom `fetch`).
    pub client: Client,
    /// The application ID.
    pub client_id: String,
    /// The application secret; `None` for a PKCE-only application (which cannot revoke).
    pub client_secret: Option<Secret>,
    /// Where the records live.
    pub store: Store,
    /// The base64 of 32 random bytes: seals every record.
    pub encryption_key: Secret,
    /// A key that may still open older records (rotation).
    pub previous_encryption_key: Option<Secret>,
    /// Refresh tokens issued at least this many days ago (0 to 30; Square advises 7).
    pub refresh_after_days: f64,
}

/// Tokens that stay valid: saved once after the seller connects, refreshed when due with at most
/// one refresh in flight per merchant, sealed with AES-256-GCM at rest. Cheap to clone.
#[derive(Clone)]
pub struct TokenManager {
    inner: Rc<Inner>,
}

struct Inner {
    client: Client,
    settings: Settings,
    backend: Backend,
}

enum Backend {
    Local {
        store: Rc<dyn TokenStore>,
        engine: Engine,
    },
    Remote(super::durable::Namespace),
}

impl std::fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenManager")
            .field("client_id", &self.inner.settings.client_id)
            .finish_non_exhaustive()
    }
}

impl TokenManager {
    /// A manager over validated options: the keys must be the base64 of 32 bytes
    /// (`INVALID_VALUE`, field `options.encryptionKey`), `refresh_after_days` from 0 to 30, the
    /// client ID not empty, a namespace must have `idFromName` and `get`.
    pub fn new(config: TokenManagerConfig) -> Result<TokenManager, Error> {
        if config.client_id.is_empty() || config.client_id.len() > 191 {
            return Err(Error::input(
                ErrorCode::InvalidValue,
                "options.clientId",
                "must be 1 to 191 characters",
            ));
        }
        if config
            .client_secret
            .as_ref()
            .is_some_and(|s| s.expose().is_empty())
        {
            return Err(Error::input(
                ErrorCode::InvalidValue,
                "options.clientSecret",
                "must not be empty (omit it for a PKCE application)",
            ));
        }
        record::parse_key(&config.encryption_key, "options.encryptionKey")?;
        if let Some(k) = &config.previous_encryption_key {
            record::parse_key(k, "options.previousEncryptionKey")?;
        }
        if !(0.0..=crate::flow::refresh::ACCESS_TOKEN_DAYS).contains(&config.refresh_after_days) {
            return Err(Error::input(
                ErrorCode::InvalidValue,
                "options.refreshAfterDays",
                "must be a number of days from 0 to 30",
            ));
        }
        let settings = Settings {
            client_id: config.client_id,
            client_secret: config.client_secret,
            key: config.encryption_key,
            previous_key: config.previous_encryption_key,
            refresh_after_days: config.refresh_after_days,
            client: config.client.config().clone(),
        };
        let backend = match config.store {
            Store::Custom(store) => Backend::Local {
                store,
                engine: Engine::default(),
            },
            Store::DurableObject(ns) => {
                Backend::Remote(super::durable::Namespace::new(ns).ok_or_else(|| {
                    Error::input(
                        ErrorCode::InvalidType,
                        "options.store",
                        "expected a Durable Object namespace (idFromName, get) or a token store \
                         (get, put)",
                    )
                })?)
            }
        };
        Ok(TokenManager {
            inner: Rc::new(Inner {
                client: config.client,
                settings,
                backend,
            }),
        })
    }

    fn local(&self) -> Option<(Ctx<'_>, &Engine)> {
        match &self.inner.backend {
            Backend::Local { store, engine } => Some((
                Ctx {
                    client: &self.inner.client,
                    settings: &self.inner.settings,
                    store: store.as_ref(),
                    shared: true,
                },
                engine,
            )),
            Backend::Remote(_) => None,
        }
    }

    fn remote(&self) -> Option<&super::durable::Namespace> {
        match &self.inner.backend {
            Backend::Remote(ns) => Some(ns),
            Backend::Local { .. } => None,
        }
    }

    /// Stores a new authorization (the answer of the callback's ObtainToken), sealed, under its
    /// `merchant_id`, which it returns. Needs `access_token` and `merchant_id`.
    pub async fn save(&self, token: &ObtainTokenResponse) -> Result<String, Error> {
        let rec = TokenRecord::from_response(token, now_ms())?;
        if let Some((ctx, engine)) = self.local() {
            engine.save(&ctx, &rec).await?;
        } else if let Some(ns) = self.remote() {
            ns.call(
                &self.inner.settings,
                super::durable::Op::Save,
                &rec.merchant_id,
                Some(&rec),
                None,
            )
            .await?;
        }
        Ok(rec.merchant_id)
    }

    /// An access token valid now, refreshed first when due (see the module docs).
    pub async fn access_token(&self, merchant_id: &str) -> Result<Secret, Error> {
        record::check_merchant_id(merchant_id, "merchantId")?;
        if let Some((ctx, engine)) = self.local() {
            return engine.access_token(&ctx, merchant_id).await;
        }
        match self.remote() {
            Some(ns) => ns
                .call(
                    &self.inner.settings,
                    super::durable::Op::AccessToken,
                    merchant_id,
                    None,
                    None,
                )
                .await?
                .access_token
                .ok_or_else(super::durable::bad_answer),
            None => Err(unknown_merchant()),
        }
    }

    /// Forgets the merchant's tokens (nothing is sent to Square).
    pub async fn forget(&self, merchant_id: &str) -> Result<(), Error> {
        record::check_merchant_id(merchant_id, "merchantId")?;
        if let Some((ctx, engine)) = self.local() {
            engine.forget(&ctx, merchant_id).await?;
        } else if let Some(ns) = self.remote() {
            ns.call(
                &self.inner.settings,
                super::durable::Op::Forget,
                merchant_id,
                None,
                None,
            )
            .await?;
        }
        Ok(())
    }

    /// Revokes the merchant's authorization at Square (RevokeToken by `merchant_id`, with the
    /// application secret), then forgets its tokens.
    pub async fn revoke(&self, merchant_id: &str, options: CallOptions) -> Result<(), Error> {
        record::check_merchant_id(merchant_id, "merchantId")?;
        let secret = self.inner.settings.client_secret.clone().ok_or_else(|| {
            Error::input(
                ErrorCode::MissingField,
                "options.clientSecret",
                "is required to revoke: RevokeToken needs the application secret",
            )
        })?;
        let body =
            RevokeTokenRequest::by_merchant_id(self.inner.settings.client_id.clone(), merchant_id);
        self.inner
            .client
            .revoke_token(body, &secret, options)
            .await?;
        self.forget(merchant_id).await
    }

    /// Acts on a verified webhook event: an `oauth.authorization.revoked` forgets the merchant
    /// (unless the stored authorization is newer: `STALE_WEBHOOK`); other types are ignored.
    pub async fn handle_webhook(&self, event: &WebhookEvent) -> Result<WebhookOutcome, Error> {
        event.check()?;
        if event.event_type() != REVOKED {
            return Ok(WebhookOutcome::Ignored);
        }
        let merchant_id = event
            .merchant_id
            .as_deref()
            .ok_or_else(|| super::webhook::bad_event("has no merchant_id"))?;
        record::check_merchant_id(merchant_id, "event.merchant_id")?;
        let created_at = parse_ms(event.created_at.as_deref().unwrap_or_default());
        if !created_at.is_finite() {
            return Err(super::webhook::bad_event(
                "has a created_at that is not a date",
            ));
        }
        if let Some((ctx, engine)) = self.local() {
            return engine.revocation(&ctx, merchant_id, created_at).await;
        }
        match self.remote() {
            Some(ns) => {
                let answer = ns
                    .call(
                        &self.inner.settings,
                        super::durable::Op::Revocation,
                        merchant_id,
                        None,
                        Some(created_at),
                    )
                    .await?;
                answer
                    .outcome
                    .as_deref()
                    .and_then(WebhookOutcome::parse)
                    .ok_or_else(super::durable::bad_answer)
            }
            None => Ok(WebhookOutcome::NotStored),
        }
    }
}
