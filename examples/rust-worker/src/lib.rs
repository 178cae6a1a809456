//! A Cloudflare Worker in Rust (`worker` 0.8) that runs Square's OAuth flow with
//! `square-oauth-edge`'s Rust API: the authorize redirect, the callback and code exchange
//! (code flow or PKCE), refresh, renew (deprecated by Square), status and revoke.
//!
//! Configuration comes from the Worker's bindings:
//! - `SQUARE_APPLICATION_ID` (var) and `SQUARE_APPLICATION_SECRET` (secret);
//! - `SQUARE_BASE_URL` (var, optional): another base URL, e.g. a local fake Square; otherwise
//!   `SQUARE_ENVIRONMENT` (var, `sandbox` or `production`; default `sandbox`).
//!
//! | route | what it does |
//! | --- | --- |
//! | `GET /` | the routes and the configured base URL |
//! | `GET /start[?pkce=1]` | 302 to Square's authorize page; `state` in an HttpOnly cookie |
//! | `GET /callback?code=…&state=…` | checks `state`, exchanges the code, stores the tokens, sets the session cookie |
//! | `POST /refresh` | ObtainToken with the stored refresh token |
//! | `POST /renew` | RenewToken (deprecated by Square) |
//! | `POST /status` | RetrieveTokenStatus, and whether the token is due for a refresh |
//! | `POST /revoke` | RevokeToken, then forgets the session |
//! | `GET /errors/unknown-client`, `GET /errors/insecure-url` | one coded error each |
//!
//! Every answer is JSON that says what happened and never holds a token, code, verifier or the
//! application secret. Failures carry the crate's stable error code:
//! `{"ok":false,"step":…,"error":{"code":"SQUARE_ERROR","status":401,…}}`.
//!
//! Tokens live in this isolate's memory, keyed by a random session id in an HttpOnly cookie:
//! enough for an example and for workerd, where one isolate serves every request. A real Worker
//! keeps them in Durable Objects, D1 or KV, encrypted, because isolates come and go.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;

use serde::Serialize;
use serde_json::{json, Value};
use square_oauth_edge::flow::{self, AuthorizeParams, AuthorizeUrlOptions};
use square_oauth_edge::model::{
    AuthorizationCodeRequest, ObtainTokenRequest, PkceAuthorizationCodeRequest,
    RefreshTokenRequest, RenewTokenRequest, RevokeTokenRequest,
};
use square_oauth_edge::{CallOptions, Client, ClientOptions, Environment, ErrorCode, Secret};
use worker::wasm_bindgen::JsValue;
use worker::{event, js_sys, Context, Env, Request, Response, RouteContext, Router};

/// The scopes this app asks for.
const SCOPES: [&str; 2] = ["MERCHANT_PROFILE_READ", "PAYMENTS_READ"];
/// How long the `state` cookie lives: Square's codes live 5 minutes.
const STATE_COOKIE_MAX_AGE: u32 = 600;

/// What the Worker keeps for a seller between requests.
struct Session {
    access_token: Secret,
    refresh_token: Option<Secret>,
    expires_at: Option<String>,
    merchant_id: Option<String>,
    /// PKCE refresh tokens are single-use and rotate; PKCE refreshes send no secret.
    pkce: bool,
}

/// A started authorization, keyed by its `state`.
struct Pending {
    redirect_uri: String,
    code_verifier: Option<Secret>,
}

thread_local! {
    static SESSIONS: RefCell<HashMap<String, Session>> = RefCell::new(HashMap::new());
    static PENDING: RefCell<HashMap<String, Pending>> = RefCell::new(HashMap::new());
}

/// The Worker's configuration, read from its bindings.
struct Config {
    client_id: String,
    client_secret: Secret,
    options: ClientOptions,
    authorize: AuthorizeUrlOptions,
    base: String,
}

fn config(env: &Env) -> worker::Result<Config> {
    let client_id = env.var("SQUARE_APPLICATION_ID")?.to_string();
    let client_secret = Secret::new(env.secret("SQUARE_APPLICATION_SECRET")?.to_string());
    let base_url = env.var("SQUARE_BASE_URL").ok().map(|v| v.to_string());
    let environment = match env.var("SQUARE_ENVIRONMENT").ok().map(|v| v.to_string()) {
        Some(e) if e == "production" => Environment::Production,
        _ => Environment::Sandbox,
    };
    let (options, base) = match base_url {
        Some(url) => (ClientOptions::base_url(url.clone()), url),
        None => (
            ClientOptions {
                environment: Some(environment),
                ..ClientOptions::default()
            },
            environment.as_str().to_owned(),
        ),
    };
    let authorize = AuthorizeUrlOptions {
        environment: options.environment,
        base_url: options.base_url.clone(),
    };
    Ok(Config {
        client_id,
        client_secret,
        options,
        authorize,
        base,
    })
}

/// Per-call options: a tighter time limit than the default 30 s per attempt. A call can also
/// take `CallOptions::with_signal(signal)` to be aborted by the caller.
fn call() -> CallOptions {
    CallOptions {
        timeout_ms: Some(10_000.0),
        ..CallOptions::default()
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    Router::new()
        .get("/", |_, ctx| {
            Response::from_json(&json!({
                "ok": true,
                "square": config(&ctx.env)?.base,
                "routes": ["GET /start", "GET /callback", "POST /refresh", "POST /renew",
                           "POST /status", "POST /revoke", "GET /errors/unknown-client",
                           "GET /errors/insecure-url"],
            }))
        })
        .get_async("/start", |req, ctx| answer(start(req, ctx)))
        .get_async("/callback", |req, ctx| answer(callback(req, ctx)))
        .post_async("/refresh", |req, ctx| answer(refresh(req, ctx)))
        .post_async("/renew", |req, ctx| answer(renew(req, ctx)))
        .post_async("/status", |req, ctx| answer(status(req, ctx)))
        .post_async("/revoke", |req, ctx| answer(revoke(req, ctx)))
        .get_async("/errors/unknown-client", |_, ctx| {
            answer(unknown_client(ctx))
        })
        .get_async("/errors/insecure-url", |_, _| answer(insecure_url()))
        .run(req, env)
        .await
}

/// `GET /start`: a fresh `state` (and, with `?pkce=1`, a PKCE pair), then a redirect to
/// Square's authorize page.
async fn start(req: Request, ctx: RouteContext<()>) -> Result<Response, Failure> {
    let cfg = config(&ctx.env)?;
    let url = req.url()?;
    let pkce = url.query_pairs().any(|(k, v)| k == "pkce" && v == "1");
    let redirect_uri = format!("{}/callback", url.origin().ascii_serialization());
    let state = flow::create_state()?;
    let pair = match pkce {
        true => Some(flow::create_pkce().await?),
        false => None,
    };
    let params = AuthorizeParams {
        client_id: Some(cfg.client_id),
        scope: Some(SCOPES.iter().map(|s| s.to_string()).collect()),
        state: Some(state.clone()),
        redirect_uri: Some(redirect_uri.clone()),
        code_challenge: pair.as_ref().map(|p| p.code_challenge.clone()),
        ..AuthorizeParams::default()
    };
    let location = flow::authorize_url(&params, &cfg.authorize).at("authorize_url")?;
    let pending = Pending {
        redirect_uri,
        code_verifier: pair.map(|p| p.code_verifier),
    };
    PENDING.with_borrow_mut(|p| p.insert(state.clone(), pending));
    let mut res = Response::empty()?.with_status(302);
    res.headers_mut().set("Location", &location)?;
    res.headers_mut().set(
        "Set-Cookie",
        &format!(
            "oauth_state={state}; HttpOnly; SameSite=Lax; Path=/callback; \
             Max-Age={STATE_COOKIE_MAX_AGE}"
        ),
    )?;
    Ok(res)
}

/// `GET /callback`: Square's redirect back. Checks `state` against the cookie, exchanges the
/// code (with the secret, or the PKCE verifier), stores the tokens.
async fn callback(req: Request, ctx: RouteContext<()>) -> Result<Response, Failure> {
    let cfg = config(&ctx.env)?;
    let expected_state = cookie(&req, "oauth_state")?.ok_or(Failure::local(
        400,
        "callback",
        "NO_STATE_COOKIE",
        "start at /start",
    ))?;
    let callback = flow::parse_callback(req.url()?.as_str(), &expected_state).at("callback")?;
    let pending = PENDING
        .with_borrow_mut(|p| p.remove(&callback.state))
        .ok_or(Failure::local(
            400,
            "callback",
            "UNKNOWN_STATE",
            "not started here, or used",
        ))?;
    let pkce = pending.code_verifier.is_some();
    let request: ObtainTokenRequest = match pending.code_verifier {
        Some(verifier) => {
            let mut r = PkceAuthorizationCodeRequest::new(cfg.client_id, callback.code, verifier);
            r.redirect_uri = Some(pending.redirect_uri);
            r.into()
        }
        None => {
            let mut r =
                AuthorizationCodeRequest::new(cfg.client_id, cfg.client_secret, callback.code);
            // The authorize URL carried redirect_uri, so the exchange must repeat it.
            r.redirect_uri = Some(pending.redirect_uri);
            r.into()
        }
    };
    let oauth = Client::new(cfg.options).at("client")?;
    let token = oauth
        .obtain_token(request, call())
        .await
        .at("obtain_token")?;
    let session = Session {
        access_token: token.access_token.clone().ok_or(NO_ACCESS_TOKEN)?,
        refresh_token: token.refresh_token.clone(),
        expires_at: token.expires_at.clone(),
        merchant_id: token.merchant_id.clone(),
        pkce,
    };
    let sid = flow::create_state()?;
    SESSIONS.with_borrow_mut(|s| s.insert(sid.clone(), session));
    let mut res = Response::from_json(&json!({
        "ok": true,
        "step": "obtain_token",
        "grant": "authorization_code",
        "pkce": pkce,
        "merchant_id": token.merchant_id,
        "token_type": token.token_type,
        "expires_at": token.expires_at,
        "has_refresh_token": token.refresh_token.is_some(),
        "refresh_token_expires_at": token.refresh_token_expires_at,
        "should_refresh": due(token.expires_at.as_deref()),
    }))?;
    let headers = res.headers_mut();
    headers.append(
        "Set-Cookie",
        &format!("sid={sid}; HttpOnly; SameSite=Lax; Path=/"),
    )?;
    headers.append(
        "Set-Cookie",
        "oauth_state=; HttpOnly; Path=/callback; Max-Age=0",
    )?;
    Ok(res)
}

/// `POST /refresh`: a new access token from the stored refresh token. PKCE refresh tokens are
/// single-use: the new one is stored before anything else happens.
async fn refresh(req: Request, ctx: RouteContext<()>) -> Result<Response, Failure> {
    let cfg = config(&ctx.env)?;
    let (sid, (refresh_token, pkce, old)) = session(&req, "refresh", |s| {
        (s.refresh_token.clone(), s.pkce, s.access_token.clone())
    })?;
    let refresh_token = refresh_token.ok_or(Failure::local(
        409,
        "refresh",
        "NO_REFRESH_TOKEN",
        "this session has no refresh token",
    ))?;
    // The code flow refreshes with the application secret; PKCE without it.
    let secret = (!pkce).then_some(cfg.client_secret);
    let request = RefreshTokenRequest::new(cfg.client_id, secret, refresh_token.clone());
    let oauth = Client::new(cfg.options).at("client")?;
    let fresh = oauth
        .obtain_token(request.into(), call())
        .await
        .at("refresh")?;
    let access_token = fresh.access_token.clone().ok_or(NO_ACCESS_TOKEN)?;
    let changed = access_token != old;
    let rotated = fresh
        .refresh_token
        .as_ref()
        .is_some_and(|r| *r != refresh_token);
    SESSIONS.with_borrow_mut(|s| {
        if let Some(session) = s.get_mut(&sid) {
            session.access_token = access_token;
            if let Some(r) = fresh.refresh_token.clone() {
                session.refresh_token = Some(r);
            }
            session.expires_at = fresh.expires_at.clone();
        }
    });
    Ok(Response::from_json(&json!({
        "ok": true,
        "step": "refresh",
        "pkce": pkce,
        "access_token_changed": changed,
        "refresh_token_rotated": rotated,
        "expires_at": fresh.expires_at,
        "refresh_token_expires_at": fresh.refresh_token_expires_at,
    }))?)
}

/// `POST /renew`: RenewToken, which Square deprecated (refresh tokens replace it) but still
/// answers; for apps that still hold tokens without a refresh token.
async fn renew(req: Request, ctx: RouteContext<()>) -> Result<Response, Failure> {
    let cfg = config(&ctx.env)?;
    let (sid, old) = session(&req, "renew", |s| s.access_token.clone())?;
    let oauth = Client::new(cfg.options).at("client")?;
    let body = RenewTokenRequest {
        access_token: old.clone(),
    };
    #[allow(deprecated)]
    let renewed = oauth.renew_token(&cfg.client_id, body, &cfg.client_secret, call());
    let renewed = renewed.await.at("renew")?;
    let access_token = renewed.access_token.clone().ok_or(NO_ACCESS_TOKEN)?;
    let changed = access_token != old;
    SESSIONS.with_borrow_mut(|s| {
        if let Some(session) = s.get_mut(&sid) {
            session.access_token = access_token;
            session.expires_at = renewed.expires_at.clone();
        }
    });
    Ok(Response::from_json(&json!({
        "ok": true,
        "step": "renew",
        "access_token_changed": changed,
        "expires_at": renewed.expires_at,
        "merchant_id": renewed.merchant_id,
    }))?)
}

/// `POST /status`: RetrieveTokenStatus for the stored access token.
async fn status(req: Request, ctx: RouteContext<()>) -> Result<Response, Failure> {
    let cfg = config(&ctx.env)?;
    let (_, (token, stored_expiry, stored_merchant)) = session(&req, "status", |s| {
        let merchant = s.merchant_id.clone();
        (s.access_token.clone(), s.expires_at.clone(), merchant)
    })?;
    let oauth = Client::new(cfg.options).at("client")?;
    let status = oauth
        .retrieve_token_status(&token, call())
        .await
        .at("status")?;
    Ok(Response::from_json(&json!({
        "ok": true,
        "step": "status",
        "scopes": status.scopes,
        "expires_at": status.expires_at,
        "client_id": status.client_id,
        "merchant_id": status.merchant_id,
        "merchant_matches_session": status.merchant_id == stored_merchant,
        "expires_at_matches_session": status.expires_at == stored_expiry,
        "should_refresh": due(status.expires_at.as_deref()),
    }))?)
}

/// `POST /revoke`: RevokeToken for the stored access token (which ends the whole authorization:
/// every access and refresh token of this seller for this app), then forgets the session.
async fn revoke(req: Request, ctx: RouteContext<()>) -> Result<Response, Failure> {
    let cfg = config(&ctx.env)?;
    let (sid, token) = session(&req, "revoke", |s| s.access_token.clone())?;
    let oauth = Client::new(cfg.options).at("client")?;
    let body = RevokeTokenRequest::by_access_token(cfg.client_id, token);
    let revoked = oauth
        .revoke_token(body, &cfg.client_secret, call())
        .await
        .at("revoke")?;
    SESSIONS.with_borrow_mut(|s| s.remove(&sid));
    let mut res = Response::from_json(&json!({
        "ok": true,
        "step": "revoke",
        "success": revoked.success,
    }))?;
    res.headers_mut()
        .set("Set-Cookie", "sid=; HttpOnly; Path=/; Max-Age=0")?;
    Ok(res)
}

/// `GET /errors/unknown-client`: an exchange for an application Square does not know. Square
/// answers 401 `UNAUTHORIZED`; the client reports `SQUARE_ERROR` with Square's error objects.
async fn unknown_client(ctx: RouteContext<()>) -> Result<Response, Failure> {
    let cfg = config(&ctx.env)?;
    let oauth = Client::new(cfg.options).at("client")?;
    let code = Secret::new("sq0cgp-no-such-code");
    let request = AuthorizationCodeRequest::new("sq0idp-no-such-app", cfg.client_secret, code);
    oauth
        .obtain_token(request.into(), call())
        .await
        .at("obtain_token")?;
    Err(UNEXPECTED_SUCCESS)
}

/// `GET /errors/insecure-url`: a client for a plain-`http:` Square, refused before anything is
/// sent: `INSECURE_URL`, an input error naming the option.
async fn insecure_url() -> Result<Response, Failure> {
    Client::new(ClientOptions::base_url("http://connect.squareup.com")).at("client")?;
    Err(UNEXPECTED_SUCCESS)
}

/// Whether a token with this `expires_at` is due for a refresh (Square: every 7 days or less),
/// with the runtime's `Date.parse` reading the timestamp.
fn due(expires_at: Option<&str>) -> bool {
    flow::should_refresh_expires_at(
        expires_at,
        js_sys::Date::parse,
        js_sys::Date::now(),
        flow::refresh::DEFAULT_REFRESH_AFTER_DAYS,
    )
}

/// The session named by the `sid` cookie and what `read` takes from it, or `NO_SESSION`.
fn session<T>(
    req: &Request,
    step: &'static str,
    read: impl FnOnce(&Session) -> T,
) -> Result<(String, T), Failure> {
    let no_session = Failure::local(401, step, "NO_SESSION", "no session: authorize at /start");
    let sid = cookie(req, "sid")?.ok_or(no_session.clone())?;
    SESSIONS
        .with_borrow(|s| s.get(&sid).map(read))
        .map(|t| (sid, t))
        .ok_or(no_session)
}

/// The value of cookie `name`, if the request carries it.
fn cookie(req: &Request, name: &str) -> worker::Result<Option<String>> {
    let header = req.headers().get("Cookie")?.unwrap_or_default();
    Ok(header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_owned())
    }))
}

/// Why a route failed.
#[derive(Clone, Debug)]
enum Failure {
    /// A coded error of square-oauth-edge, at a step of the flow.
    OAuth(&'static str, square_oauth_edge::Error),
    /// One of this Worker's own (no session, no state cookie, …).
    Local {
        status: u16,
        step: &'static str,
        code: &'static str,
        message: &'static str,
    },
    /// The runtime failed (a binding is missing, Web Crypto threw, …).
    Worker(String),
}

const NO_ACCESS_TOKEN: Failure = Failure::local(502, "token", "NO_ACCESS_TOKEN", "no token");
const UNEXPECTED_SUCCESS: Failure = Failure::local(500, "error", "UNEXPECTED_SUCCESS", "no error");

impl Failure {
    const fn local(
        status: u16,
        step: &'static str,
        code: &'static str,
        message: &'static str,
    ) -> Self {
        Failure::Local {
            status,
            step,
            code,
            message,
        }
    }
}

impl From<worker::Error> for Failure {
    fn from(e: worker::Error) -> Self {
        Failure::Worker(e.to_string())
    }
}

impl From<JsValue> for Failure {
    fn from(e: JsValue) -> Self {
        Failure::Worker(worker::Error::from(e).to_string())
    }
}

/// Names the step at which a call of the crate failed.
trait At<T> {
    fn at(self, step: &'static str) -> Result<T, Failure>;
}

impl<T> At<T> for Result<T, square_oauth_edge::Error> {
    fn at(self, step: &'static str) -> Result<T, Failure> {
        self.map_err(|e| Failure::OAuth(step, e))
    }
}

/// A crate error as JSON: its stable code, its message (which never holds a secret), the
/// offending field for input errors, and the HTTP status and Square's error codes when Square
/// answered.
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
    field: Option<&'a str>,
    status: Option<u16>,
    square_errors: Vec<Value>,
}

/// The route's answer, or its failure as `{"ok":false,"step":…,"error":{"code":…}}`.
async fn answer(
    route: impl Future<Output = Result<Response, Failure>>,
) -> worker::Result<Response> {
    let failure = match route.await {
        Ok(res) => return Ok(res),
        Err(failure) => failure,
    };
    let (http, step, error) = match &failure {
        Failure::OAuth(step, e) => {
            // The seller's side of the flow (denied, a forged callback) is a bad request; a
            // refused input is this Worker's bug or configuration; the rest came from upstream.
            let http = match e.code() {
                ErrorCode::AccessDenied
                | ErrorCode::AuthorizationError
                | ErrorCode::MissingCode
                | ErrorCode::StateMismatch => 400,
                c if c.is_input_error() => 500,
                _ => 502,
            };
            let square_errors = e.errors().iter();
            let error = ErrorBody {
                code: e.code().as_str(),
                message: e.message(),
                field: e.field(),
                status: e.status(),
                square_errors: square_errors
                    .map(|s| json!({"code": s.code_str(), "detail": s.detail()}))
                    .collect(),
            };
            (http, *step, serde_json::to_value(error)?)
        }
        Failure::Local {
            status,
            step,
            code,
            message,
        } => (*status, *step, json!({"code": code, "message": message})),
        Failure::Worker(message) => (500, "worker", json!({"code": "WORKER", "message": message})),
    };
    let body = json!({"ok": false, "step": step, "error": error});
    Ok(Response::from_json(&body)?.with_status(http))
}
