//! Property tests of the pure core (native), over random and near-valid input. The runtime's
//! `JSON.parse` is played by serde_json, behind a small [`Document`] of this file's own (the
//! crate's `JsonDoc` exists only in its unit tests); callers' objects are read the way the wasm
//! guard reads them (an object, no unknown key, then serde with the failure located and coded).
//!
//! Each property asserts that nothing panics, and its invariants:
//!
//! - **`response::judge`, random bytes** and **mutated bodies**, for each of the four answer
//!   types (`ObtainTokenResponse`, `RenewTokenResponse`, `RevokeTokenResponse`,
//!   `RetrieveTokenStatusResponse`): an accepted body is a 2xx JSON object, no deeper than
//!   `MAX_JSON_DEPTH`, with no documented field given twice, the field that proves success,
//!   every documented field absent, `null` or of its documented type, and the typed answer equal
//!   to it; every error has the code its status class and body call for, a kept JSON body is
//!   still JSON, and no secret of the request is in its `Debug`, `Display`, message, errors or
//!   body.
//! - **`response::nesting_exceeds`**: agrees with the true depth of valid JSON (brackets and
//!   quotes inside strings included), and is monotonic and bounded on random bytes.
//! - **`secret::scrub_json` round trip**: a random value tree written by serde_json and scrubbed
//!   of some of its own strings (the "secrets") is still valid JSON, and holds none of them.
//! - **`response::judge` over raw responses** (any status, content type and body): accepted
//!   only as a 2xx with a JSON content type and an object body; the error codes by status class;
//!   no secret in errors (a secret in the `Content-Type` included).
//! - **`response::retry_after_ms` + `retry::next_delay`**: delay-seconds read exactly; the policy
//!   table (429 always, 408/5xx/network/timeout only when replay is safe or opted in), the budget
//!   and the bounds of the backoff.
//! - **`ClientConfig::new` + `CallConfig::new`**: from random option trees (read like the
//!   wasm reads them) and from option structs with any numbers: accepted base URLs are `https:`,
//!   or `http:` on a loopback host, with no trailing slash, query, fragment or user info; header
//!   names are tokens and header values visible ASCII; limits in range; `base_url_checked` is
//!   idempotent; every refusal is an input error naming `options.*`.
//! - **request builders, near-valid bodies**: mutated valid bodies read into the `*Fields`
//!   structs, then `from_fields` and the builders: an accepted request's headers are safe, its
//!   `Debug` shows no secret, its wire JSON holds exactly the accepted (non-null) fields, its
//!   replay safety follows the grant and it lists every secret it carries; every refusal is an
//!   input error naming the field, with no secret in it.
//! - **`request::renew_token` path**: `client_id` becomes exactly one percent-encoded segment
//!   that decodes back to it, or `clientId` is refused (empty, too long, a dot segment).
//! - **authorize helpers**: `authorize_url` builds a URL whose query decodes back to every
//!   parameter (state with spaces, the de-duplicated scope list) and whose `state` round-trips
//!   through `parse_callback`; `parse_callback` over edited callbacks never returns a code for
//!   a state that differs and never shows the code or a state; PKCE and refresh helpers.
//!
//! 1,090,000 generated cases in all, run in parallel (one thread per property):
//!
//! ```sh
//! cargo test --release --test props -- --nocapture
//! ```
//!
//! `PROPS_SCALE=0.1` runs a tenth of the cases (a quick local check); a failure prints the
//! minimised input. A debug build (the plain `cargo test`) runs 1% of them as a smoke test; the
//! full count, and its assertion, is for the release build.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::rc::Rc;
use std::time::Instant;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use square_oauth_edge::config::{
    self, CallConfig, CallOptions, ClientConfig, ClientOptions, Environment,
};
use square_oauth_edge::document::{Document, Kind};
use square_oauth_edge::error::{Body, Error, ErrorCode, ErrorGroup};
use square_oauth_edge::flow::{self, AuthorizeParams, AuthorizeUrlOptions, ShouldRefreshOptions};
use square_oauth_edge::input::{field_names, from_serde, unknown_field};
use square_oauth_edge::model::{
    ObtainTokenFields, ObtainTokenRequest, ObtainTokenResponse, RenewTokenFields,
    RenewTokenRequest, RenewTokenResponse, RetrieveTokenStatusResponse, RevokeTokenFields,
    RevokeTokenRequest, RevokeTokenResponse,
};
use square_oauth_edge::request::{self, HttpRequest, Operation, Replay};
use square_oauth_edge::response::{self, Answer, RawResponse, MAX_JSON_DEPTH};
use square_oauth_edge::retry::{self, Outcome};
use square_oauth_edge::secret::{longest_first, scrub_json, scrub_str, Secret, REDACTED};

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/// Runs `test` on `cases` values of `strategy`; returns how many ran. Panics with the minimised
/// failing input.
fn check<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> (String, u64, f64) {
    let cases = ((f64::from(cases) * scale()) as u32).max(1);
    // Deterministic, so that CI is repeatable: the same seed (PROPS_SEED, default 1) explores
    // the same cases; change it to explore others.
    let seed: u64 = std::env::var("PROPS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut bytes = [0u8; 32];
    for (i, b) in name.bytes().chain(seed.to_le_bytes()).enumerate() {
        bytes[i % 32] ^= b.rotate_left((i / 32) as u32);
    }
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 4096,
            ..Config::default()
        },
        proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &bytes,
        ),
    );
    let ran = std::sync::atomic::AtomicU64::new(0);
    let t0 = Instant::now();
    let result = runner.run(&strategy, |v| {
        ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        test(v)
    });
    if let Err(e) = result {
        panic!("property `{name}` failed: {e}");
    }
    (
        name.to_owned(),
        ran.into_inner(),
        t0.elapsed().as_secs_f64(),
    )
}

/// The share of the cases to run: `PROPS_SCALE`, else all in a release build and 1% in a debug
/// build.
fn scale() -> f64 {
    std::env::var("PROPS_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 0.01 } else { 1.0 })
}

#[test]
fn properties() {
    let t0 = Instant::now();
    let results: Vec<(String, u64, f64)> = std::thread::scope(|s| {
        let handles = vec![
            s.spawn(|| {
                check(
                    "response::judge, random bytes",
                    200_000,
                    judge_bytes(),
                    prop_judge,
                )
            }),
            s.spawn(|| {
                check(
                    "response::judge, mutated bodies",
                    150_000,
                    judge_mutated(),
                    prop_judge,
                )
            }),
            s.spawn(|| {
                check(
                    "response::nesting_exceeds",
                    50_000,
                    nest_input(),
                    prop_nesting,
                )
            }),
            s.spawn(|| {
                check(
                    "secret::scrub_json round trip",
                    50_000,
                    scrub_input(),
                    prop_scrub_round_trip,
                )
            }),
            s.spawn(|| {
                check(
                    "response::judge, raw responses",
                    250_000,
                    raw_response(),
                    prop_judge,
                )
            }),
            s.spawn(|| {
                check(
                    "response::retry_after_ms + retry::next_delay",
                    50_000,
                    retry_input(),
                    prop_retry,
                )
            }),
            s.spawn(|| {
                check(
                    "ClientConfig::new + CallConfig::new",
                    80_000,
                    config_input(),
                    prop_config,
                )
            }),
            s.spawn(|| {
                check(
                    "request builders, near-valid bodies",
                    150_000,
                    builder_input(),
                    prop_builders,
                )
            }),
            s.spawn(|| {
                check(
                    "request::renew_token path",
                    50_000,
                    (client_id(), secret()),
                    prop_renew_path,
                )
            }),
            s.spawn(|| {
                check(
                    "authorize helpers",
                    60_000,
                    authorize_input(),
                    prop_authorize,
                )
            }),
        ];
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let total: u64 = results.iter().map(|r| r.1).sum();
    for (name, n, secs) in &results {
        println!("props: {n:>8} cases  {secs:>6.2} s  {name}");
    }
    println!(
        "property cases: {total} in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    if scale() >= 1.0 {
        assert!(total >= 1_000_000, "only {total} cases");
    }
}

// ---------------------------------------------------------------------------------------------
// The runtime's side: JSON.parse as serde_json, and the guard that reads a caller's object
// ---------------------------------------------------------------------------------------------

/// A document parsed by serde_json, standing in for the runtime's `JSON.parse` (as the crate's
/// test-only `JsonDoc` does). `JSON.parse` keeps members in insertion order where serde_json's
/// map sorts them; nothing here depends on the order.
#[derive(Clone, Debug)]
struct Doc(Value);

impl Document for Doc {
    fn kind(&self) -> Kind {
        kind_of(&self.0)
    }
    fn keys(&self) -> Vec<String> {
        self.0
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }
    fn member(&self, key: &str) -> Option<Self> {
        self.0.get(key).cloned().map(Doc)
    }
    fn items(&self) -> Vec<Self> {
        self.0
            .as_array()
            .map(|a| a.iter().cloned().map(Doc).collect())
            .unwrap_or_default()
    }
    fn object_of(key: &str, value: &Self) -> Self {
        Doc(serde_json::json!({ key: value.0.clone() }))
    }
    fn array_of(item: &Self) -> Self {
        Doc(Value::Array(vec![item.0.clone()]))
    }
    fn empty_object() -> Self {
        Doc(Value::Object(Map::new()))
    }
    fn empty_array() -> Self {
        Doc(Value::Array(Vec::new()))
    }
    fn deserialize<T: DeserializeOwned>(&self) -> Result<T, String> {
        // serde_json adds " at line L column C"; the messages are otherwise serde's own.
        T::deserialize(&self.0).map_err(|e| {
            let m = e.to_string();
            m.rsplit_once(" at line ")
                .map_or(m.clone(), |(head, _)| head.to_owned())
        })
    }
    fn to_json(&self) -> Option<String> {
        serde_json::to_string(&self.0).ok()
    }
}

fn kind_of(v: &Value) -> Kind {
    match v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Boolean,
        Value::Number(_) => Kind::Number,
        Value::String(_) => Kind::String,
        Value::Array(_) => Kind::Array,
        Value::Object(_) => Kind::Object,
    }
}

/// The body as the transport parses it (`transport::parse_json`): `None` unless it is UTF-8
/// JSON text. Repeated keys: the last wins, as with `JSON.parse`.
fn parse_body(body: &[u8]) -> Option<Doc> {
    let text = std::str::from_utf8(body).ok()?;
    if text.trim().is_empty() {
        return None;
    }
    serde_json::from_str(text).ok().map(Doc)
}

/// A JSON string literal decoded, as `transport::decode_key` does with `JSON.parse`.
fn decode_key(literal: &str) -> Option<String> {
    serde_json::from_str::<String>(literal).ok()
}

/// The keys of a top-level JSON object, repeated ones included, in order (empty for anything
/// else): read by serde_json, independently of the crate's scan.
struct TopKeys(Vec<String>);

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = TopKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(TopKeys(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

/// The first of `fields` that is a key twice at the top level of the JSON text `body`.
fn repeated_field(body: &[u8], fields: &[&str]) -> Option<String> {
    let keys = serde_json::from_slice::<TopKeys>(body).map_or(Vec::new(), |k| k.0);
    keys.iter()
        .enumerate()
        .find(|(i, k)| fields.contains(&k.as_str()) && keys[..*i].contains(k))
        .map(|(_, k)| k.clone())
}

/// Reads a caller's value into `T` the way the wasm guard does (`src/js/guard.rs`): it must be
/// an object, with no key that is not a field of `T`; then serde, a failure located and coded.
fn read_caller<T: DeserializeOwned>(value: &Value, field: &str, unknown: &str) -> Result<T, Error> {
    let Value::Object(members) = value else {
        return Err(Error::input(
            ErrorCode::InvalidType,
            field,
            format!("expected an object, got {}", kind_of(value).name()),
        ));
    };
    let known = field_names::<T>();
    if let Some(key) = members.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(unknown_field(field, key, known, unknown));
    }
    Doc(value.clone())
        .read::<T>()
        .map_err(|e| from_serde(field, &e.path, &e.message, e.got.name()))
}

/// [`read_caller`], with `null` meaning "none given".
fn read_optional<T: DeserializeOwned + Default>(
    value: &Value,
    field: &str,
    unknown: &str,
) -> Result<T, Error> {
    if value.is_null() {
        Ok(T::default())
    } else {
        read_caller(value, field, unknown)
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

const SECRET_MARK: &str = "zSECRETz";

/// A recognisable secret: in an error or a Debug print, it is a leak.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{8,16}".prop_map(|s| format!("{SECRET_MARK}{s}"))
}

fn bytes(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), len)
}

/// Bytes drawn from JSON's punctuation and literals: random, but often close to JSON.
fn json_ish_bytes(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop::sample::select(&b"{}[]\",:\\ 0123456789-+.eEtrufalsn"[..]),
        len,
    )
}

/// Strings of every kind the validators meet: identifiers, printable ASCII, any Unicode,
/// control and URL-special characters, empty, over-long.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "[a-zA-Z0-9_.~-]{0,24}",
        3 => "[ -~]{0,40}",
        2 => any::<String>().prop_map(|s| s.chars().take(40).collect::<String>()),
        1 => "[\\x00-\\x1f\\x7f/?#%. \\\\@:]{0,8}",
        1 => Just(String::new()),
        1 => "[a-z]{180,300}",
    ]
    .boxed()
}

fn number() -> BoxedStrategy<f64> {
    prop_oneof![
        any::<f64>(),
        (-1000i64..1000).prop_map(|n| n as f64),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        Just(0.5),
        Just(2_147_483_648.0),
    ]
    .boxed()
}

fn object(members: Vec<(String, Value)>) -> Value {
    Value::Object(members.into_iter().collect())
}

/// A JSON leaf. A number JSON cannot hold (NaN, ±Infinity) becomes `null`, as in
/// `JSON.stringify`.
fn leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::from),
        text().prop_map(Value::String),
    ]
    .boxed()
}

/// A random value tree whose object keys are mostly drawn from `keys`.
fn tree(keys: &'static [&'static str]) -> BoxedStrategy<Value> {
    let key = prop_oneof![3 => prop::sample::select(keys).prop_map(str::to_owned), 1 => text()];
    leaf()
        .prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..8).prop_map(object),
            ]
        })
        .boxed()
}

/// Byte-level edits of a text: flip, insert, delete, truncate.
#[derive(Clone, Debug)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (
            any::<usize>(),
            prop::sample::select(&b"{}[]\",:\\ 0-e.tfn\x80\xff"[..])
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Truncate),
    ];
    // Often none: the unedited text must be handled right too.
    prop_oneof![2 => Just(Vec::new()), 3 => prop::collection::vec(edit, 1..4)]
}

fn apply(mut b: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = b.len();
        match *e {
            Edit::Flip(i, x) if n > 0 => b[i % n] ^= x | 1,
            Edit::Insert(i, x) => b.insert(i % (n + 1), x),
            Edit::Delete(i) if n > 0 => {
                b.remove(i % n);
            }
            Edit::Truncate(i) if n > 0 => b.truncate(i % n),
            _ => {}
        }
    }
    b
}

/// Bodies Square sends (and near misses), with `@` and `@@` standing for secrets echoed back.
const RESPONSE_TEMPLATES: [&str; 17] = [
    r#"{"access_token":"EAAAx","token_type":"bearer","expires_at":"2030-01-01T00:00:00Z","merchant_id":"M","refresh_token":"EQAAy","short_lived":false,"refresh_token_expires_at":"2030-04-01T00:00:00Z"}"#,
    r#"{"access_token":"EAAAx","token_type":"bearer","expires_at":"2030-01-01T00:00:00Z","merchant_id":"M","plan_id":null,"errors":[],"future":{"x":[1]}}"#,
    r#"{"success":true}"#,
    r#"{"success":false,"errors":[{"category":"INVALID_REQUEST_ERROR","code":"NOT_FOUND","detail":"no token @"}]}"#,
    r#"{"scopes":["PAYMENTS_READ","ITEMS_READ"],"expires_at":"2030-01-01T00:00:00Z","client_id":"sq0idp-a","merchant_id":"M"}"#,
    r#"{"scopes":null,"expires_at":"","client_id":"sq0idp-a","merchant_id":"M","errors":null}"#,
    r#"{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"bad @"}]}"#,
    r#"{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"MISSING_REQUIRED_PARAMETER","detail":"@","field":"code"}]}"#,
    r#"{"type":"service.not_authorized","message":"Not Authorized @"}"#,
    r#"{"type":"bad_request","message":"@","field":"@@"}"#,
    r#"{"access_token":"EAAAx","errors":[{"category":"API_ERROR","code":"X","detail":"@"}]}"#,
    r#"{"errors":"@"}"#,
    r#"["@",1,null]"#,
    r#"{"access_token":"@","access_token":"@@","refresh_token":"\"@\"\n"}"#,
    "<html><body>502 Bad Gateway @</body></html>",
    r#"{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["@"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
    r#"{"access_token":"EAAAx","x":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"@"}"#,
];

/// A template with its secrets, edited or not.
fn template_body() -> impl Strategy<Value = (Vec<u8>, Vec<String>)> {
    (
        prop::sample::select(&RESPONSE_TEMPLATES[..]),
        secret(),
        secret(),
        edits(),
    )
        .prop_map(|(t, s1, s2, e)| {
            let text = t.replace("@@", &s2).replace('@', &s1);
            (apply(text.into_bytes(), &e), vec![s1, s2])
        })
}

/// Edited JSON: templates, random trees, deep nesting.
fn mutated_json() -> impl Strategy<Value = (Vec<u8>, Vec<String>)> {
    prop_oneof![
        template_body(),
        (
            tree(&["access_token", "errors", "success", "scopes", "short_lived"]),
            edits(),
            secret(),
        )
            .prop_map(|(v, e, s)| (
                apply(serde_json::to_string(&v).unwrap().into_bytes(), &e),
                vec![s]
            )),
        (1usize..200, edits(), secret()).prop_map(|(n, e, s)| (
            apply(
                format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes(),
                &e
            ),
            vec![s]
        )),
    ]
}

const CONTENT_TYPES: [&str; 9] = [
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/problem+json",
    "application/jsonp",
    "text/html",
    "text/plain; charset=utf-8",
    " application/json ;",
    "",
];

const OPERATIONS: [Operation; 4] = [
    Operation::ObtainToken,
    Operation::RenewToken,
    Operation::RevokeToken,
    Operation::RetrieveTokenStatus,
];

/// What a response judge is given, and the secrets of the request it answers.
#[derive(Clone)]
struct JudgeInput {
    op: Operation,
    status: u16,
    opaque: bool,
    content_type: Option<String>,
    body: Vec<u8>,
    secrets: Vec<String>,
}

/// The body as text (its bytes too when it is not UTF-8), for a readable minimised input.
impl std::fmt::Debug for JudgeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("JudgeInput");
        d.field("op", &self.op)
            .field("status", &self.status)
            .field("opaque", &self.opaque)
            .field("content_type", &self.content_type)
            .field("body", &String::from_utf8_lossy(&self.body));
        if std::str::from_utf8(&self.body).is_err() {
            d.field("body_bytes", &self.body);
        }
        d.field("secrets", &self.secrets).finish()
    }
}

fn status() -> BoxedStrategy<u16> {
    prop_oneof![
        6 => Just(200u16),
        6 => prop::sample::select(&[200u16, 201, 204, 301, 302, 307, 400, 401, 404, 408, 429, 500, 502, 503][..]),
        2 => 100u16..600,
        1 => any::<u16>(),
        1 => Just(0u16),
    ]
    .boxed()
}

/// Mostly a 200 with a JSON content type, so that the body reaches the parser.
fn json_answer() -> impl Strategy<Value = (Operation, u16, Option<String>)> {
    (
        prop::sample::select(&OPERATIONS[..]),
        prop_oneof![8 => Just(200u16), 1 => status()],
        prop_oneof![
            8 => Just(Some("application/json".to_owned())),
            1 => prop::sample::select(&CONTENT_TYPES[..]).prop_map(|s| Some(s.to_owned())),
        ],
    )
}

fn judge_bytes() -> impl Strategy<Value = JudgeInput> {
    (
        json_answer(),
        prop_oneof![2 => bytes(0..400), 1 => json_ish_bytes(0..200)],
        secret(),
        prop::option::of(any::<usize>()),
    )
        .prop_map(|((op, status, content_type), mut body, s, at)| {
            // Sometimes the secret is in the body, as a server echoing it would put it.
            if let Some(at) = at {
                let i = at % (body.len() + 1);
                body.splice(i..i, s.bytes());
            }
            JudgeInput {
                op,
                status,
                opaque: false,
                content_type,
                body,
                secrets: vec![s],
            }
        })
}

fn judge_mutated() -> impl Strategy<Value = JudgeInput> {
    (json_answer(), mutated_json()).prop_map(|((op, status, content_type), (body, secrets))| {
        JudgeInput {
            op,
            status,
            opaque: false,
            content_type,
            body,
            secrets,
        }
    })
}

/// How a raw response's `Content-Type` is made.
#[derive(Clone, Debug)]
enum ContentType {
    Listed(&'static str),
    Absent,
    Text(String),
    /// Holds the secret.
    Secret,
    /// Holds the secret with a control character (a tab is legal in a header) inside it.
    SplitSecret(usize, char),
}

fn raw_response() -> impl Strategy<Value = JudgeInput> {
    let content_type = prop_oneof![
        6 => prop::sample::select(&CONTENT_TYPES[..]).prop_map(ContentType::Listed),
        1 => Just(ContentType::Absent),
        1 => text().prop_map(ContentType::Text),
        1 => Just(ContentType::Secret),
        1 => (any::<usize>(), prop::sample::select(&['\t', '\u{1}', '\u{7f}', '\u{85}'][..]))
            .prop_map(|(i, c)| ContentType::SplitSecret(i, c)),
    ];
    let body = prop_oneof![
        4 => template_body(),
        2 => (bytes(0..300), secret()).prop_map(|(b, s)| (b, vec![s])),
        1 => (tree(&["access_token", "errors", "success", "scopes", "expires_at", "category", "code", "detail"]), secret())
            .prop_map(|(v, s)| (serde_json::to_string(&v).unwrap().into_bytes(), vec![s])),
    ];
    (
        prop::sample::select(&OPERATIONS[..]),
        status(),
        prop::bool::weighted(0.05),
        content_type,
        secret(),
        body,
    )
        .prop_map(|(op, status, opaque, ct, ct_secret, (body, mut secrets))| {
            let content_type = match ct {
                ContentType::Listed(s) => Some(s.to_owned()),
                ContentType::Absent => None,
                ContentType::Text(t) => Some(t),
                ContentType::Secret => Some(format!("text/x-{ct_secret}")),
                ContentType::SplitSecret(i, c) => {
                    let mut s = ct_secret.clone();
                    s.insert(1 + i % (s.len() - 1), c);
                    Some(format!("text/x-{s}"))
                }
            };
            secrets.push(ct_secret);
            JudgeInput {
                op,
                status,
                opaque,
                content_type,
                body,
                secrets,
            }
        })
}

/// Valid JSON of a known depth, or random bytes; and the limit to test against.
#[derive(Clone, Debug)]
enum NestInput {
    Json {
        value: Value,
        pretty: bool,
        pick: u8,
        max: usize,
    },
    Bytes {
        bytes: Vec<u8>,
        max: usize,
    },
}

fn nest_input() -> impl Strategy<Value = NestInput> {
    // Strings full of brackets, quotes and backslashes: only the brackets outside them count.
    let tricky = || {
        prop_oneof![
            3 => "[\\[\\]{}\"\\\\a ,:]{0,6}",
            1 => any::<String>().prop_map(|s| s.chars().take(8).collect::<String>()),
        ]
    };
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        tricky().prop_map(Value::String),
    ];
    let inner = leaf.prop_recursive(5, 40, 5, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((tricky(), inner), 0..5).prop_map(object),
        ]
    });
    // Wrapped in up to 140 arrays and objects (`None` an array, `Some(key)` an object).
    let wraps = prop_oneof![
        2 => prop::collection::vec(prop::option::of(tricky()), 0..8),
        1 => prop::collection::vec(prop::option::of(tricky()), 55..75),
        1 => prop::collection::vec(prop::option::of(tricky()), 0..140),
    ];
    let json = (inner, wraps, any::<bool>(), any::<u8>(), 0usize..160).prop_map(
        |(inner, wraps, pretty, pick, max)| {
            let value = wraps.into_iter().fold(inner, |v, w| match w {
                None => Value::Array(vec![v]),
                Some(key) => object(vec![(key, v)]),
            });
            NestInput::Json {
                value,
                pretty,
                pick,
                max,
            }
        },
    );
    let random = (
        prop_oneof![bytes(0..300), json_ish_bytes(0..300)],
        0usize..80,
    )
        .prop_map(|(bytes, max)| NestInput::Bytes { bytes, max });
    prop_oneof![3 => json, 1 => random]
}

/// A value tree, and which of its strings are the secrets (bit `i % 64` for the `i`-th string).
#[derive(Clone, Debug)]
struct ScrubInput {
    tree: Value,
    mask: u64,
}

fn scrub_input() -> impl Strategy<Value = ScrubInput> {
    // Quotes, backslashes and JSON punctuation: where an escaped secret meets another string.
    let s = || {
        prop_oneof![
            2 => any::<String>().prop_map(|s| s.chars().take(12).collect::<String>()),
            2 => "[ -~]{0,12}",
            4 => "[\\\\\",:{}xyz ]{0,5}",
            1 => "[\\x00-\\x1f\"\\\\x]{0,5}",
        ]
    };
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-9_007_199_254_740_991i64..=9_007_199_254_740_991).prop_map(Value::from),
        s().prop_map(Value::String),
    ];
    let tree = leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((s(), inner), 0..6).prop_map(object),
        ]
    });
    (tree, any::<u64>()).prop_map(|(tree, mask)| ScrubInput { tree, mask })
}

#[derive(Clone, Debug)]
struct RetryInput {
    header: Option<String>,
    now: f64,
    /// What the date parser answers instead of reading the header (`Date.parse` may say NaN).
    date_ms: Option<f64>,
    status: u16,
    kind: u8,
    retry_after: Option<u64>,
    safe: bool,
    unsafe_ok: bool,
    attempt: u32,
    max: u32,
    random: f64,
}

fn retry_input() -> impl Strategy<Value = RetryInput> {
    let header = prop_oneof![
        Just(None),
        "[0-9]{0,24}".prop_map(Some),
        " {0,2}[0-9]{1,40} {0,2}".prop_map(Some),
        text().prop_map(Some),
        (0i64..400_000_000_000, 0u8..7).prop_map(|(secs, w)| {
            // An IMF-fixdate, sometimes malformed.
            let days = secs / 86_400;
            let t = secs % 86_400;
            let s = format!(
                "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
                ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][(days % 7) as usize],
                1 + days % 31,
                [
                    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                    "Dec"
                ][(days % 12) as usize],
                1960 + days % 9000,
                t / 3600,
                t / 60 % 60,
                t % 60
            );
            Some(if w == 0 { s.replace(':', "") } else { s })
        }),
    ];
    (
        header,
        (
            prop_oneof![Just(1.7e12), 0.0..1e15, any::<f64>()],
            prop_oneof![3 => Just(None), 1 => number().prop_map(Some)],
        ),
        prop_oneof![
            3 => prop::sample::select(&[200u16, 400, 401, 408, 409, 429, 500, 502, 503, 599, 600][..]),
            1 => any::<u16>(),
        ],
        0u8..3,
        prop_oneof![
            Just(None),
            (0u64..120_000).prop_map(Some),
            any::<u64>().prop_map(Some),
        ],
        (any::<bool>(), any::<bool>()),
        (0u32..30, 0u32..30),
        prop_oneof![0.0..1.0, any::<f64>()],
    )
        .prop_map(
            |(
                header,
                (now, date_ms),
                status,
                kind,
                retry_after,
                (safe, unsafe_ok),
                (attempt, max),
                random,
            )| {
                RetryInput {
                    header,
                    now,
                    date_ms,
                    status,
                    kind,
                    retry_after,
                    safe,
                    unsafe_ok,
                    attempt,
                    max,
                    random,
                }
            },
        )
}

const OPTION_KEYS: [&str; 15] = [
    "environment",
    "baseUrl",
    "squareVersion",
    "headers",
    "timeoutMs",
    "totalTimeoutMs",
    "maxRetries",
    "retryUnsafe",
    "fetch",
    "signal",
    "X-Trace",
    "timeout",
    "base_url",
    "maxretries",
    "__proto__",
];

/// A URL as a base URL option might be: valid, near-valid, hostile.
fn url() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "(https?|HTTPS?|ftp|javascript)://[a-z0-9.:@\\[\\]_%-]{0,30}(/[ -~]{0,20})?",
        2 => "(https|http)://(localhost|127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}|\\[::1\\]|LOCALHOST)(:[0-9]{0,6})?(/[a-z.%2EeF]{0,8}){0,3}/?",
        1 => Just("http://127.0.0.1:8080/".to_owned()),
        1 => Just("http://[::1]".to_owned()),
        1 => Just("http://localhost.evil.example".to_owned()),
        1 => Just("https://connect.squareup.com/".to_owned()),
        1 => text(),
    ]
    .boxed()
}

/// Options objects: random trees, and near-valid ones with plausible values.
fn option_tree() -> BoxedStrategy<Value> {
    let plausible = prop_oneof![
        url().prop_map(Value::String),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}".prop_map(Value::String),
        prop::sample::select(&["production", "sandbox", "prod"][..])
            .prop_map(|s| Value::String(s.to_owned())),
        number().prop_map(Value::from),
        prop::collection::vec(("[!-~]{0,12}", text().prop_map(Value::String)), 0..3)
            .prop_map(object),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    prop_oneof![
        4 => prop::collection::vec((prop::sample::select(&OPTION_KEYS[..]).prop_map(str::to_owned), plausible), 0..6)
            .prop_map(object),
        2 => tree(&OPTION_KEYS),
        1 => Just(Value::Null),
    ]
    .boxed()
}

/// Options built directly as structs, with numbers JSON cannot carry (NaN, ±Infinity).
#[derive(Clone, Debug)]
struct DirectOptions {
    base_url: Option<String>,
    sandbox: Option<bool>,
    square_version: Option<String>,
    headers: Option<Vec<(String, String)>>,
    timeout_ms: Option<f64>,
    total_timeout_ms: Option<f64>,
    max_retries: Option<f64>,
    call_timeout_ms: Option<f64>,
    call_max_retries: Option<f64>,
    call_square_version: Option<String>,
    retry_unsafe: Option<bool>,
}

impl DirectOptions {
    fn client(&self) -> ClientOptions {
        ClientOptions {
            environment: self.sandbox.map(|s| {
                if s {
                    Environment::Sandbox
                } else {
                    Environment::Production
                }
            }),
            base_url: self.base_url.clone(),
            square_version: self.square_version.clone(),
            headers: self.headers.as_ref().map(|h| h.iter().cloned().collect()),
            timeout_ms: self.timeout_ms,
            total_timeout_ms: self.total_timeout_ms,
            max_retries: self.max_retries,
            ..ClientOptions::default()
        }
    }

    fn call(&self) -> CallOptions {
        CallOptions {
            timeout_ms: self.call_timeout_ms,
            max_retries: self.call_max_retries,
            square_version: self.call_square_version.clone(),
            retry_unsafe: self.retry_unsafe,
            ..CallOptions::default()
        }
    }
}

#[derive(Clone, Debug)]
struct ConfigInput {
    client: Value,
    call: Value,
    direct: DirectOptions,
    url: String,
}

fn config_input() -> impl Strategy<Value = ConfigInput> {
    let version = || {
        prop_oneof![
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]",
            text(),
            Just("2025-08-20".to_owned())
        ]
    };
    let header = (
        prop_oneof![3 => "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}", 1 => text(),
            1 => prop::sample::select(&["Authorization", "content-type", "HOST", "Accept"][..]).prop_map(str::to_owned)],
        prop_oneof![3 => "[ -~]{0,20}", 1 => text()],
    );
    let direct = (
        (
            prop::option::of(url()),
            prop::option::of(any::<bool>()),
            prop::option::of(version()),
            prop::option::of(prop::collection::vec(header, 0..3)),
        ),
        (
            prop::option::of(number()),
            prop::option::of(number()),
            prop::option::of(prop_oneof![(0u8..12).prop_map(f64::from), number()]),
        ),
        (
            prop::option::of(number()),
            prop::option::of(prop_oneof![(0u8..12).prop_map(f64::from), number()]),
            prop::option::of(version()),
            prop::option::of(any::<bool>()),
        ),
    )
        .prop_map(
            |(
                (base_url, sandbox, square_version, headers),
                (timeout_ms, total_timeout_ms, max_retries),
                (call_timeout_ms, call_max_retries, call_square_version, retry_unsafe),
            )| DirectOptions {
                base_url,
                sandbox,
                square_version,
                headers,
                timeout_ms,
                total_timeout_ms,
                max_retries,
                call_timeout_ms,
                call_max_retries,
                call_square_version,
                retry_unsafe,
            },
        );
    (option_tree(), option_tree(), direct, url()).prop_map(|(client, call, direct, url)| {
        ConfigInput {
            client,
            call,
            direct,
            url,
        }
    })
}

/// A body mutation: remove a member, replace a value, add a member, rename a member (a typo,
/// a camelCase name, an unknown key).
#[derive(Clone, Debug)]
enum Mutation {
    Remove(usize),
    Replace(usize, Value),
    Add(String, Value),
    Rename(usize, String),
}

const BODY_KEYS: [&str; 16] = [
    "grant_type",
    "client_id",
    "client_secret",
    "code",
    "redirect_uri",
    "refresh_token",
    "migration_token",
    "scopes",
    "short_lived",
    "code_verifier",
    "use_jwt",
    "access_token",
    "merchant_id",
    "revoke_only_access_token",
    "__proto__",
    "clientSecret",
];

/// What a member may be renamed to: never a field that is not a secret (the value would then be
/// shown legitimately).
const RENAMES: [&str; 12] = [
    "clientSecret",
    "refreshToken",
    "accessToken",
    "codeVerifier",
    "grantType",
    "client-secret",
    "Code",
    "scope",
    "refresh_tokens",
    "__proto__",
    "constructor",
    "",
];

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let m = prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), tree(&BODY_KEYS)).prop_map(|(i, v)| Mutation::Replace(i, v)),
        (
            prop_oneof![
                prop::sample::select(&BODY_KEYS[..]).prop_map(str::to_owned),
                text()
            ],
            leaf()
        )
            .prop_map(|(k, v)| Mutation::Add(k, v)),
        (
            any::<usize>(),
            prop::sample::select(&RENAMES[..]).prop_map(str::to_owned)
        )
            .prop_map(|(i, k)| Mutation::Rename(i, k)),
    ];
    prop::collection::vec(m, 0..4)
}

fn mutate(body: Value, ms: &[Mutation]) -> Value {
    let Value::Object(mut members) = body else {
        return body;
    };
    for m in ms {
        let n = members.len();
        let nth = |members: &Map<String, Value>, i: usize| members.keys().nth(i % n).cloned();
        match m {
            Mutation::Remove(i) if n > 0 => {
                if let Some(k) = nth(&members, *i) {
                    members.remove(&k);
                }
            }
            Mutation::Replace(i, v) if n > 0 => {
                if let Some(k) = nth(&members, *i) {
                    members.insert(k, v.clone());
                }
            }
            Mutation::Add(k, v) => {
                members.insert(k.clone(), v.clone());
            }
            Mutation::Rename(i, to) if n > 0 => {
                if let Some(k) = nth(&members, *i) {
                    if let Some(v) = members.remove(&k) {
                        members.insert(to.clone(), v);
                    }
                }
            }
            _ => {}
        }
    }
    Value::Object(members)
}

#[derive(Clone, Debug)]
struct BuilderInput {
    which: u8,
    client_id: String,
    secrets: Vec<String>,
    verifier: String,
    mutations: Vec<Mutation>,
    /// `None`: `Client <secret>` (or `Bearer <access token>` for RetrieveTokenStatus).
    authorization: Option<String>,
    options: Value,
}

fn builder_input() -> impl Strategy<Value = BuilderInput> {
    let authorization = prop_oneof![
        4 => Just(None),
        1 => text().prop_map(Some),
        1 => "(Client|Bearer|client|BEARER|Basic)[ \\t]{0,2}[ -~]{0,12}".prop_map(Some),
        1 => (prop::sample::select(&["Client ", "client\t", "Client  ", "", "Bearer ", "Client \r\n"][..]), secret())
            .prop_map(|(p, s)| Some(format!("{p}{s}"))),
    ];
    let options = prop_oneof![3 => Just(Value::Null), 1 => option_tree()];
    (
        0u8..8,
        prop_oneof![3 => "sq0idp-[A-Za-z0-9_-]{4,20}", 1 => text()],
        prop::collection::vec(secret(), 4),
        prop_oneof![3 => "[A-Za-z0-9._~-]{43,128}", 1 => "[ -~]{0,140}"],
        mutations(),
        authorization,
        options,
    )
        .prop_map(
            |(which, client_id, secrets, verifier, mutations, authorization, options)| {
                BuilderInput {
                    which,
                    client_id,
                    secrets,
                    verifier,
                    mutations,
                    authorization,
                    options,
                }
            },
        )
}

fn client_id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => text(),
        2 => prop::sample::select(&["../revoke", "a/b?c#d", "..", ".", "%2F", "%2e%2e", "a b", "é/ü", "/", "?", "#", "\\"][..])
            .prop_map(str::to_owned),
        1 => "[./?#%]{1,6}",
        1 => "[a-z]{189,193}",
    ]
}

#[derive(Clone, Debug)]
struct AuthorizeInput {
    params: Value,
    options: Value,
    code: String,
    state: String,
    expected: String,
    callback_edits: Vec<Edit>,
    callback_extra: String,
    random: Vec<u8>,
    expires_at: Option<String>,
    parsed_ms: f64,
    refresh: Value,
    now: f64,
    days: f64,
}

const SCOPE_NAMES: [&str; 5] = [
    "PAYMENTS_READ",
    "MERCHANT_PROFILE_READ",
    "ITEMS_READ",
    "ORDERS_WRITE",
    "PAYMENT_READ",
];

fn authorize_input() -> impl Strategy<Value = AuthorizeInput> {
    const PARAM_KEYS: [&str; 8] = [
        "client_id",
        "scope",
        "state",
        "redirect_uri",
        "locale",
        "session",
        "code_challenge",
        "response_type",
    ];
    let scope_names = prop::collection::vec(
        prop_oneof![
            1 => "[A-Z_]{3,30}",
            4 => prop::sample::select(&SCOPE_NAMES[..]).prop_map(str::to_owned),
        ],
        0..4,
    );
    let params = prop_oneof![
        3 => (
            prop_oneof![4 => "sq0idp-[a-z0-9]{1,12}", 1 => text()],
            (scope_names, any::<bool>(), any::<bool>()),
            prop_oneof![3 => "[ -~]{1,40}", 1 => text(), 1 => secret()],
            prop_oneof![
                3 => Just("https://app.example/cb".to_owned()),
                1 => Just("http://localhost:3000/cb#x".to_owned()),
                1 => Just("http://127.0.0.1:8080/cb?x=1&y=%20".to_owned()),
                1 => text(),
            ],
            prop_oneof![3 => "[A-Za-z0-9._~-]{43,128}", 1 => text()],
            (
                prop_oneof![
                    Just(Value::Null),
                    prop::sample::select(&["en-US", "fr-CA", "ja-JP", "en-us", "xx"][..])
                        .prop_map(|s| Value::String(s.to_owned())),
                ],
                prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::Bool)],
            ),
            prop_oneof![2 => Just(Vec::new()), 1 => mutations()],
        )
            .prop_map(|(id, (scopes, as_string, with_scope), state, redirect, challenge, (locale, session), ms)| {
                // `scope` as an array of names or as one space-separated string.
                let scope = if !with_scope {
                    Value::Null
                } else if as_string {
                    Value::String(scopes.join(" "))
                } else {
                    Value::Array(scopes.into_iter().map(Value::String).collect())
                };
                let body = object(vec![
                    ("client_id".into(), Value::String(id)),
                    ("scope".into(), scope),
                    ("state".into(), Value::String(state)),
                    ("redirect_uri".into(), Value::String(redirect)),
                    ("code_challenge".into(), Value::String(challenge)),
                    ("locale".into(), locale),
                    ("session".into(), session),
                ]);
                mutate(body, &ms)
            }),
        1 => tree(&PARAM_KEYS),
    ];
    (
        params,
        prop_oneof![3 => Just(Value::Null), 1 => option_tree()],
        (
            secret(),
            secret(),
            prop_oneof![1 => secret(), 1 => Just(String::new())],
        ),
        (edits(), "[&=%+#?a-z0-9 ]{0,20}"),
        bytes(0..64),
        (
            prop_oneof![
                Just(None),
                Just(Some(String::new())),
                "[ -~]{1,20}".prop_map(Some)
            ],
            number(),
        ),
        tree(&["now", "refreshAfterDays", "expires_at", "access_token"]),
        (number(), prop_oneof![0.0..31.0, number()]),
    )
        .prop_map(
            |(
                params,
                options,
                (code, state, expected),
                (callback_edits, callback_extra),
                random,
                (expires_at, parsed_ms),
                refresh,
                (now, days),
            )| {
                AuthorizeInput {
                    params,
                    options,
                    code,
                    state: state.clone(),
                    // Mostly the same state, sometimes another.
                    expected: if expected.is_empty() { state } else { expected },
                    callback_edits,
                    callback_extra,
                    random,
                    expires_at,
                    parsed_ms,
                    refresh,
                    now,
                    days,
                }
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

/// No secret in the `Debug`, `Display` or message of an error, nor in its errors or body.
fn clean_error(e: &Error, secrets: &[String]) -> Result<(), TestCaseError> {
    let body = match e.body() {
        Some(Body::Json(t) | Body::Text(t)) => t.as_str(),
        None => "",
    };
    let dump = format!("{e:?}\n{e}\n{}\n{:?}\n{body}", e.message(), e.errors());
    for s in secrets {
        prop_assert!(
            !dump.contains(s.as_str()),
            "secret {} in error: {}",
            s,
            dump
        );
    }
    Ok(())
}

/// Header values of a built request are printable ASCII (tab and space allowed), and no secret
/// shows in its `Debug`.
fn clean_request(r: &HttpRequest, secrets: &[String]) -> Result<(), TestCaseError> {
    let safe = |v: &str| v.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t');
    for (k, v) in &r.headers {
        prop_assert!(
            !k.is_empty() && k.bytes().all(|b| b.is_ascii_graphic()) && safe(v),
            "unsafe header {:?}: {:?}",
            k,
            v
        );
    }
    if let Some(a) = &r.authorization {
        prop_assert!(safe(a.expose()), "unsafe Authorization");
    }
    let dump = format!("{r:?}");
    for s in secrets {
        prop_assert!(
            !dump.contains(s.as_str()),
            "secret {} in request Debug: {}",
            s,
            dump
        );
    }
    Ok(())
}

/// An error for bad input: an input code and a field under one of `prefixes`.
fn input_error(e: &Error, prefixes: &[&str]) -> Result<(), TestCaseError> {
    prop_assert!(e.code().is_input_error(), "not an input error: {:?}", e);
    let field = e.field().unwrap_or_default();
    prop_assert!(
        prefixes.iter().any(|p| field.starts_with(p)),
        "field {:?} of {:?}",
        field,
        e
    );
    prop_assert!(e.message().starts_with(field), "message {:?}", e.message());
    Ok(())
}

/// The deepest nesting of arrays and objects (a scalar is 0, `[]` is 1).
fn depth(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// `application/json` or `application/*+json`, read independently of the crate.
fn is_json(ct: Option<&str>) -> bool {
    let Some(ct) = ct else { return false };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Judges as `T` (the operation's answer type); the typed answer is returned re-serialized.
fn judge_as<T: Answer + Serialize>(
    op: Operation,
    raw: &RawResponse,
    secrets: &[Secret],
) -> Result<(Value, Value), Error> {
    let parsed = parse_body(&raw.body);
    let (answer, doc) = response::judge::<T, Doc>(op, raw, parsed, &decode_key, secrets)?;
    Ok((serde_json::to_value(&answer).unwrap(), doc.0))
}

/// The fields an operation's answer documents.
fn documented(op: Operation) -> &'static [&'static str] {
    match op {
        Operation::ObtainToken => field_names::<ObtainTokenResponse>(),
        Operation::RenewToken => field_names::<RenewTokenResponse>(),
        Operation::RevokeToken => field_names::<RevokeTokenResponse>(),
        Operation::RetrieveTokenStatus => field_names::<RetrieveTokenStatusResponse>(),
    }
}

/// The documented type of a field of an answer.
fn documented_kind(field: &str) -> Kind {
    match field {
        "short_lived" | "success" => Kind::Boolean,
        "scopes" | "errors" => Kind::Array,
        _ => Kind::String,
    }
}

fn prop_judge(r: JudgeInput) -> Result<(), TestCaseError> {
    let raw = RawResponse {
        status: r.status,
        opaque_redirect: r.opaque,
        content_type: r.content_type.clone(),
        body: r.body.clone(),
    };
    let secrets = longest_first(r.secrets.iter().map(|s| Secret::new(s.as_str())).collect());
    let result = match r.op {
        Operation::ObtainToken => judge_as::<ObtainTokenResponse>(r.op, &raw, &secrets),
        Operation::RenewToken => judge_as::<RenewTokenResponse>(r.op, &raw, &secrets),
        Operation::RevokeToken => judge_as::<RevokeTokenResponse>(r.op, &raw, &secrets),
        Operation::RetrieveTokenStatus => {
            judge_as::<RetrieveTokenStatusResponse>(r.op, &raw, &secrets)
        }
    };
    // Never panics on any bytes; agrees with itself on a stricter limit.
    let too_deep = response::nesting_exceeds(&r.body, MAX_JSON_DEPTH);
    if !too_deep {
        prop_assert!(!response::nesting_exceeds(&r.body, MAX_JSON_DEPTH + 1));
    }
    let status = r.status;
    let json_type = is_json(r.content_type.as_deref());
    prop_assert_eq!(response::is_json_type(r.content_type.as_deref()), json_type);
    let blank = r.body.iter().all(u8::is_ascii_whitespace);
    let parsed: Option<Value> = parse_body(&r.body).map(|d| d.0);
    // A documented field given twice is refused, whichever value a parser would keep.
    let repeated = repeated_field(&r.body, documented(r.op));
    match result {
        Ok((typed, doc)) => {
            // Accepted: a 2xx, JSON by its type, a JSON object by its bytes, not too deep.
            prop_assert!(
                (200..300).contains(&status) && !r.opaque,
                "status {}",
                status
            );
            prop_assert!(json_type, "content type {:?}", r.content_type);
            prop_assert!(!too_deep && depth(&doc) <= MAX_JSON_DEPTH);
            prop_assert_eq!(parsed.as_ref(), Some(&doc));
            prop_assert_eq!(repeated, None);
            let Value::Object(members) = &doc else {
                return Err(fail(format!(
                    "accepted a body that is not an object: {doc}"
                )));
            };
            let Value::Object(typed) = &typed else {
                return Err(fail(format!("typed answer is not an object: {typed}")));
            };
            // Every documented field absent, null, or of its type; the typed answer holds
            // exactly the documented fields that are not null, with the same values.
            let names = documented(r.op);
            for k in typed.keys() {
                prop_assert!(names.contains(&k.as_str()), "undocumented {} in answer", k);
            }
            for name in names {
                match members.get(*name).filter(|v| !v.is_null()) {
                    None => prop_assert!(typed.get(*name).is_none(), "{} came from nothing", name),
                    Some(v) => {
                        prop_assert_eq!(kind_of(v), documented_kind(name), "{} is {}", name, v);
                        prop_assert_eq!(typed.get(*name), Some(v), "{}", name);
                    }
                }
            }
            if let (true, Some(Value::Array(scopes))) =
                (names.contains(&"scopes"), members.get("scopes"))
            {
                prop_assert!(scopes.iter().all(Value::is_string), "scopes {:?}", scopes);
            }
            if let Some(Value::Array(errors)) = members.get("errors") {
                prop_assert!(errors.is_empty(), "accepted with errors {:?}", errors);
            }
            // The field that proves success.
            match r.op {
                Operation::ObtainToken | Operation::RenewToken => prop_assert!(
                    matches!(members.get("access_token"), Some(Value::String(t)) if !t.is_empty()),
                    "no access_token in {}",
                    doc
                ),
                Operation::RevokeToken => {
                    prop_assert_eq!(members.get("success"), Some(&Value::Bool(true)))
                }
                Operation::RetrieveTokenStatus => {}
            }
        }
        Err(e) => {
            let code = e.code();
            prop_assert_eq!(code.group(), ErrorGroup::Response, "{:?}", e);
            prop_assert!(code != ErrorCode::ResponseTooLarge);
            prop_assert!(!e.message().is_empty());
            if r.opaque || (300..400).contains(&status) {
                prop_assert_eq!(code, ErrorCode::Redirect);
                prop_assert_eq!(e.status(), (status != 0).then_some(status));
            } else {
                prop_assert_eq!(e.status(), Some(status));
                let expected: &[ErrorCode] = if !(200..300).contains(&status) {
                    prop_assert_eq!(
                        code == ErrorCode::SquareError,
                        !e.errors().is_empty(),
                        "{:?}",
                        e
                    );
                    &[ErrorCode::SquareError, ErrorCode::HttpError]
                } else if blank {
                    &[ErrorCode::EmptyResponse]
                } else if !json_type {
                    &[ErrorCode::UnexpectedContentType]
                } else if parsed.is_none() || too_deep {
                    &[ErrorCode::InvalidJson]
                } else if !parsed.as_ref().is_some_and(Value::is_object) {
                    &[ErrorCode::InvalidResponse]
                } else if let Some(field) = &repeated {
                    prop_assert!(
                        e.message().ends_with(&format!("\"{field}\" appears twice")),
                        "{:?}",
                        e
                    );
                    &[ErrorCode::InvalidResponse]
                } else {
                    prop_assert_eq!(
                        code == ErrorCode::ErrorsInSuccess,
                        !e.errors().is_empty(),
                        "{:?}",
                        e
                    );
                    &[ErrorCode::InvalidResponse, ErrorCode::ErrorsInSuccess]
                };
                prop_assert!(
                    expected.contains(&code),
                    "{:?} for HTTP {} {:?}, expected one of {:?}",
                    code,
                    status,
                    String::from_utf8_lossy(&r.body),
                    expected
                );
            }
            // A body kept as JSON is still JSON after scrubbing.
            if let Some(Body::Json(t)) = e.body() {
                prop_assert!(
                    serde_json::from_str::<Value>(t).is_ok(),
                    "kept body is not JSON: {}",
                    t
                );
            }
            clean_error(&e, &r.secrets)?;
        }
    }
    Ok(())
}

fn prop_nesting(n: NestInput) -> Result<(), TestCaseError> {
    match n {
        NestInput::Json {
            value,
            pretty,
            pick,
            max,
        } => {
            let text = if pretty {
                serde_json::to_string_pretty(&value)
            } else {
                serde_json::to_string(&value)
            }
            .unwrap();
            let d = depth(&value);
            let max = match pick % 5 {
                0 => d,
                1 => d.saturating_sub(1),
                2 => d + 1,
                3 => MAX_JSON_DEPTH,
                _ => max,
            };
            prop_assert_eq!(
                response::nesting_exceeds(text.as_bytes(), max),
                d > max,
                "depth {} against {} in {}",
                d,
                max,
                text
            );
            // What the parser reads back is the same value (well inside serde_json's limit).
            if d <= 100 {
                prop_assert_eq!(serde_json::from_str::<Value>(&text).ok(), Some(value));
            }
        }
        NestInput::Bytes { bytes, max } => {
            let exceeds = response::nesting_exceeds(&bytes, max);
            if exceeds && max > 0 {
                prop_assert!(response::nesting_exceeds(&bytes, max - 1));
            }
            if !exceeds {
                prop_assert!(!response::nesting_exceeds(&bytes, max + 1));
            }
            // Never deeper than the count of opening brackets.
            let opening = bytes.iter().filter(|b| matches!(b, b'[' | b'{')).count();
            if opening <= max {
                prop_assert!(!exceeds);
            }
        }
    }
    Ok(())
}

/// Every string of a tree, keys included, in order.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Object(m) => {
            for (k, v) in m {
                out.push(k.clone());
                strings(v, out);
            }
        }
        _ => {}
    }
}

fn prop_scrub_round_trip(input: ScrubInput) -> Result<(), TestCaseError> {
    let mut all = Vec::new();
    strings(&input.tree, &mut all);
    // The secrets: some of the tree's strings of 2+ printable characters. One holding a
    // character of the marker could be re-formed by the marker itself, which is no leak: those
    // are left out.
    let secrets: Vec<String> = all
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            (input.mask >> (i % 64)) & 1 == 1
                && s.chars().count() >= 2
                && !s.chars().any(|c| c.is_control() || REDACTED.contains(c))
        })
        .map(|(_, s)| s.clone())
        .collect();
    let sorted = longest_first(secrets.iter().map(|s| Secret::new(s.as_str())).collect());
    let text = serde_json::to_string(&input.tree).unwrap();
    let scrubbed = scrub_json(&text, &sorted, &|l: &str| serde_json::from_str(l).ok());
    if secrets.is_empty() {
        prop_assert_eq!(&scrubbed, &text);
    }
    let back: Value = serde_json::from_str(&scrubbed).map_err(|e| {
        fail(format!(
            "scrubbed JSON does not parse ({e}): {scrubbed}\nfrom {text}\nsecrets {secrets:?}"
        ))
    })?;
    let mut left = Vec::new();
    strings(&back, &mut left);
    for s in &left {
        for secret in &secrets {
            prop_assert!(
                !s.contains(secret.as_str()),
                "secret {:?} left in {:?} of {}",
                secret,
                s,
                scrubbed
            );
        }
    }
    // The same for each string scrubbed alone.
    for s in &all {
        let scrubbed = scrub_str(s, &sorted);
        for secret in &secrets {
            prop_assert!(!scrubbed.contains(secret.as_str()));
        }
    }
    Ok(())
}

/// An HTTP date in Unix epoch milliseconds, as the runtime's `Date.parse` reads it (httpdate
/// standing in for it).
fn http_date_ms(date: &str) -> Option<f64> {
    let at = httpdate::parse_http_date(date).ok()?;
    Some(at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as f64)
}

fn prop_retry(r: RetryInput) -> Result<(), TestCaseError> {
    let date = |h: &str| r.date_ms.or_else(|| http_date_ms(h));
    let ms = response::retry_after_ms(r.header.as_deref(), r.now, &date);
    match &r.header {
        None => prop_assert_eq!(ms, None),
        Some(h) => {
            let t = h.trim();
            if t.is_empty() || !t.bytes().all(|c| c.is_ascii_digit()) {
                // An HTTP date: the time until it, 0 once past, nothing when it is no date.
                let expected = date(t).filter(|at| at.is_finite()).map(|at| {
                    if at > r.now {
                        (at - r.now) as u64
                    } else {
                        0
                    }
                });
                prop_assert_eq!(ms, expected, "{:?}", h);
            } else {
                // delay-seconds, any length, saturating.
                let digits = t.trim_start_matches('0');
                let expected = if digits.len() > 30 {
                    u64::MAX
                } else {
                    let secs = if digits.is_empty() {
                        0
                    } else {
                        digits.parse::<u128>().unwrap()
                    };
                    u64::try_from(secs * 1000).unwrap_or(u64::MAX)
                };
                prop_assert_eq!(ms, Some(expected), "{:?}", h);
            }
        }
    }
    let outcome = match r.kind {
        0 => Outcome::Status(r.status, r.retry_after),
        1 => Outcome::NetworkError,
        _ => Outcome::AttemptTimeout,
    };
    let replay = if r.safe {
        Replay::Safe
    } else {
        Replay::SingleUse
    };
    let d = retry::next_delay(outcome, replay, r.unsafe_ok, r.attempt, r.max, r.random);
    let replay_ok = r.safe || r.unsafe_ok;
    let retriable = match outcome {
        Outcome::Status(429, _) => true,
        Outcome::Status(s, _) => replay_ok && (s == 408 || (500..600).contains(&s)),
        Outcome::NetworkError | Outcome::AttemptTimeout => replay_ok,
    };
    let retry_after = match outcome {
        Outcome::Status(_, ra) => ra,
        _ => None,
    };
    if r.attempt >= r.max || !retriable {
        prop_assert_eq!(d, None);
        return Ok(());
    }
    match retry_after {
        // Retry-After is honoured, unless it is longer than the client waits.
        Some(ra) if ra > retry::MAX_RETRY_AFTER_MS => prop_assert_eq!(d, None),
        Some(ra) => prop_assert_eq!(d, Some(ra)),
        // Exponential backoff with full jitter: a tenth of the step to the whole step.
        None => {
            let cap = (retry::BASE_DELAY_MS << r.attempt.min(20)).min(retry::MAX_DELAY_MS);
            let d = d.ok_or_else(|| fail(format!("no retry for {outcome:?}")))?;
            prop_assert!(d <= cap && d + 1 >= cap / 10, "{} for cap {}", d, cap);
        }
    }
    Ok(())
}

/// The host of an absolute URL (`[v6]` kept in brackets).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    if authority.starts_with('[') {
        authority
            .split_inclusive(']')
            .next()
            .unwrap_or("")
            .to_owned()
    } else {
        authority.split(':').next().unwrap_or("").to_owned()
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h == "localhost"
        || h == "[::1]"
        || h.parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A base URL as `base_url_checked` may return it.
fn good_base_url(url: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        url.starts_with("https://") || (url.starts_with("http://") && is_loopback(&host_of(url))),
        "base URL {}",
        url
    );
    prop_assert!(!url.ends_with('/'), "trailing slash {}", url);
    prop_assert!(
        url.bytes().all(|b| b.is_ascii_graphic() && b != b'\\'),
        "{:?}",
        url
    );
    prop_assert!(!url.contains(['?', '#', '@']), "{}", url);
    prop_assert!(!host_of(url).is_empty(), "{}", url);
    Ok(())
}

/// A client configuration as `ClientConfig::new` may return it, for `options`.
fn good_client(c: &ClientConfig, options: &ClientOptions) -> Result<(), TestCaseError> {
    good_base_url(&c.base_url)?;
    match (&options.base_url, options.environment) {
        (Some(_), _) => {}
        (None, Some(Environment::Sandbox)) => prop_assert_eq!(&c.base_url, config::SANDBOX_URL),
        (None, _) => prop_assert_eq!(&c.base_url, config::PRODUCTION_URL),
    }
    prop_assert!(c.timeout_ms >= 1 && c.total_timeout_ms >= 1);
    prop_assert!(c.max_retries <= config::MAX_RETRIES_LIMIT);
    prop_assert!(config::square_version(&c.square_version, "f").is_ok());
    for (k, v) in &c.headers {
        prop_assert!(
            !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)),
            "header name {:?}",
            k
        );
        prop_assert!(
            ![
                "authorization",
                "content-type",
                "square-version",
                "accept",
                "content-length",
                "host"
            ]
            .contains(&k.to_ascii_lowercase().as_str()),
            "reserved header {}",
            k
        );
        prop_assert!(
            v.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t'),
            "{}: {:?}",
            k,
            v
        );
    }
    prop_assert_eq!(
        c.headers.len(),
        options.headers.as_ref().map_or(0, |h| h.len())
    );
    Ok(())
}

/// Both layers of options: the client's, then a call's over it.
fn client_and_call(options: &ClientOptions, call: &CallOptions) -> Result<(), TestCaseError> {
    match ClientConfig::new(options) {
        Ok(c) => {
            good_client(&c, options)?;
            let c = Rc::new(c);
            match CallConfig::new(&c, call) {
                Ok(k) => {
                    prop_assert!(k.timeout_ms >= 1 && k.total_timeout_ms >= 1);
                    prop_assert!(k.max_retries <= config::MAX_RETRIES_LIMIT);
                    prop_assert!(config::square_version(&k.square_version, "f").is_ok());
                    prop_assert_eq!(k.retry_unsafe, call.retry_unsafe.unwrap_or(false));
                    if call.timeout_ms.is_none() {
                        prop_assert_eq!(k.timeout_ms, c.timeout_ms);
                    }
                    if call.max_retries.is_none() {
                        prop_assert_eq!(k.max_retries, c.max_retries);
                    }
                }
                Err(e) => input_error(&e, &["options."])?,
            }
        }
        Err(e) => input_error(&e, &["options."])?,
    }
    Ok(())
}

fn prop_config(input: ConfigInput) -> Result<(), TestCaseError> {
    // Option trees, read as the wasm reads a caller's object.
    let client = read_optional::<ClientOptions>(&input.client, "options", "unknown option");
    let call = read_optional::<CallOptions>(&input.call, "options", "unknown option");
    if let Err(e) = &client {
        input_error(e, &["options"])?;
    }
    if let Err(e) = &call {
        input_error(e, &["options"])?;
    }
    if let Ok(client) = &client {
        let default = CallOptions::default();
        client_and_call(client, call.as_ref().unwrap_or(&default))?;
    }
    // Option structs with any numbers.
    client_and_call(&input.direct.client(), &input.direct.call())?;
    // A base URL alone: accepted ones are checked, and checking one again changes nothing.
    match config::base_url_checked(&input.url, "options.baseUrl") {
        Ok(u) => {
            good_base_url(&u)?;
            prop_assert_eq!(
                config::base_url_checked(&u, "options.baseUrl").ok(),
                Some(u.clone())
            );
        }
        Err(e) => {
            input_error(&e, &["options.baseUrl"])?;
            prop_assert!(matches!(
                e.code(),
                ErrorCode::InvalidValue | ErrorCode::InsecureUrl
            ));
        }
    }
    Ok(())
}

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn obj(members: &[(&str, Value)]) -> Value {
    object(
        members
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

fn base() -> CallConfig {
    let options = ClientOptions {
        base_url: Some("https://connect.squareup.com".into()),
        ..ClientOptions::default()
    };
    let c = Rc::new(ClientConfig::new(&options).unwrap());
    CallConfig::new(&c, &CallOptions::default()).unwrap()
}

/// The members of a request body whose values are secrets.
const SECRET_FIELDS: [&str; 6] = [
    "client_secret",
    "code",
    "refresh_token",
    "migration_token",
    "code_verifier",
    "access_token",
];

/// The object without its `null` members: what goes on the wire.
fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

const BODY_UNKNOWN: &str = "is not a field of this request";

fn prop_builders(b: BuilderInput) -> Result<(), TestCaseError> {
    let call = match read_optional::<ClientOptions>(&b.options, "options", "unknown option")
        .and_then(|o| ClientConfig::new(&o))
    {
        Ok(c) => CallConfig::new(&Rc::new(c), &CallOptions::default()).unwrap(),
        Err(_) => base(),
    };
    let [secret, code, refresh, access] =
        [&b.secrets[0], &b.secrets[1], &b.secrets[2], &b.secrets[3]];
    let id = s(&b.client_id);
    let template = match b.which {
        0 => obj(&[
            ("grant_type", s("authorization_code")),
            ("client_id", id.clone()),
            ("client_secret", s(secret)),
            ("code", s(code)),
            ("redirect_uri", s("https://app.example/cb")),
        ]),
        1 => obj(&[
            ("grant_type", s("authorization_code")),
            ("client_id", id.clone()),
            ("code", s(code)),
            ("code_verifier", s(&b.verifier)),
        ]),
        2 => obj(&[
            ("grant_type", s("refresh_token")),
            ("client_id", id.clone()),
            ("client_secret", s(secret)),
            ("refresh_token", s(refresh)),
            ("scopes", Value::Array(vec![s("PAYMENTS_READ")])),
        ]),
        3 => obj(&[
            ("grant_type", s("refresh_token")),
            ("client_id", id.clone()),
            ("refresh_token", s(refresh)),
            ("short_lived", Value::Bool(true)),
        ]),
        4 => obj(&[
            ("grant_type", s("migration_token")),
            ("client_id", id.clone()),
            ("client_secret", s(secret)),
            ("migration_token", s(access)),
        ]),
        5 => obj(&[
            ("client_id", id.clone()),
            ("access_token", s(access)),
            ("revoke_only_access_token", Value::Bool(true)),
        ]),
        6 => obj(&[("access_token", s(access))]),
        _ => Value::Null,
    };
    let body = mutate(template, &b.mutations);
    let authorization = b.authorization.clone().unwrap_or_else(|| {
        if b.which == 7 {
            format!("Bearer {access}")
        } else {
            format!("Client {secret}")
        }
    });
    // Every secret of the input: none may show in an error.
    let mut secrets = b.secrets.clone();
    if b.verifier.len() >= 8 {
        secrets.push(b.verifier.clone());
    }
    let result = match b.which {
        0..=4 => read_caller::<ObtainTokenFields>(&body, "body", BODY_UNKNOWN)
            .and_then(ObtainTokenRequest::from_fields)
            .and_then(|r| request::obtain_token(&call, r)),
        5 => read_caller::<RevokeTokenFields>(&body, "body", BODY_UNKNOWN)
            .and_then(RevokeTokenRequest::from_fields)
            .and_then(|r| request::revoke_token(&call, r, &Secret::new(authorization.as_str()))),
        6 => read_caller::<RenewTokenFields>(&body, "body", BODY_UNKNOWN)
            .and_then(RenewTokenRequest::from_fields)
            .and_then(|r| {
                request::renew_token(&call, &b.client_id, r, &Secret::new(authorization.as_str()))
            }),
        _ => request::retrieve_token_status(&call, &Secret::new(authorization.as_str())),
    };
    match result {
        Ok(r) => {
            // A secret the caller put in a field that is no secret (client_id, redirect_uri,
            // merchant_id) is shown there legitimately.
            let shown: Vec<&str> = ["client_id", "redirect_uri", "merchant_id"]
                .iter()
                .filter_map(|k| body.get(*k).and_then(Value::as_str))
                .collect();
            let hidden: Vec<String> = secrets
                .iter()
                .filter(|s| !shown.iter().any(|v| v.contains(s.as_str())))
                .cloned()
                .collect();
            clean_request(&r, &hidden)?;
            prop_assert!(r.url.starts_with(&call.client.base_url), "{}", r.url);
            let operation = match b.which {
                0..=4 => Operation::ObtainToken,
                5 => Operation::RevokeToken,
                6 => Operation::RenewToken,
                _ => Operation::RetrieveTokenStatus,
            };
            prop_assert_eq!(r.operation, operation);
            let header = |name: &str| {
                r.headers
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            prop_assert_eq!(header("Accept"), Some("application/json"));
            prop_assert_eq!(header("Square-Version"), Some(call.square_version.as_str()));
            prop_assert_eq!(header("Content-Type").is_some(), r.body.is_some());
            // The secrets it carries, longest first, for scrubbing: every secret field's value
            // and the authorization's secret.
            prop_assert!(r
                .secrets
                .windows(2)
                .all(|w| w[0].expose().len() >= w[1].expose().len()));
            let holds = |v: &str| r.secrets.iter().any(|s| s.expose() == v);
            match &r.body {
                None => {
                    prop_assert_eq!(operation, Operation::RetrieveTokenStatus);
                    let auth = r.authorization.as_ref().map(Secret::expose);
                    let token = auth.and_then(|a| a.strip_prefix("Bearer ")).unwrap_or("");
                    prop_assert!(holds(token) && token.len() >= 2, "token {:?}", token);
                }
                Some(wire) => {
                    // The wire JSON holds exactly the accepted fields, as given.
                    let wire: Value =
                        serde_json::from_str(&serde_json::to_string(wire).unwrap()).unwrap();
                    prop_assert_eq!(&wire, &without_nulls(&body));
                    for field in SECRET_FIELDS {
                        if let Some(v) = wire.get(field).and_then(Value::as_str) {
                            prop_assert!(holds(v), "{} not listed among the secrets", field);
                        }
                    }
                }
            }
            match operation {
                Operation::RevokeToken | Operation::RenewToken => {
                    let (header, bare) = request::client_authorization(&authorization).unwrap();
                    prop_assert_eq!(r.authorization.as_ref(), Some(&header));
                    prop_assert!(holds(bare.expose()));
                }
                Operation::ObtainToken => prop_assert!(r.authorization.is_none()),
                Operation::RetrieveTokenStatus => {}
            }
            // A single-use credential is never replayed blindly.
            let refresh_with_secret = body.get("grant_type") == Some(&s("refresh_token"))
                && !matches!(body.get("client_secret"), None | Some(Value::Null));
            let expected = if operation == Operation::ObtainToken && !refresh_with_secret {
                Replay::SingleUse
            } else {
                Replay::Safe
            };
            prop_assert_eq!(r.replay, expected, "replay of {}", body);
        }
        Err(e) => {
            input_error(&e, &["body", "authorization", "clientId", "accessToken"])?;
            clean_error(&e, &secrets)?;
        }
    }
    Ok(())
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// RFC 3986's unreserved characters stay; everything else is percent-encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn prop_renew_path((id, secret): (String, String)) -> Result<(), TestCaseError> {
    let call = base();
    let body = RenewTokenRequest {
        access_token: Secret::new(secret.as_str()),
    };
    let authorization = Secret::new(format!("Client {secret}"));
    let valid = (1..=191).contains(&id.chars().count()) && id != "." && id != "..";
    match request::renew_token(&call, &id, body, &authorization) {
        Ok(r) => {
            prop_assert!(valid, "accepted client_id {:?}", id);
            let prefix = format!("{}/oauth2/clients/", call.client.base_url);
            prop_assert!(r.url.starts_with(&prefix), "{}", r.url);
            prop_assert!(r.url.ends_with("/access-token/renew"), "{}", r.url);
            let segment = &r.url[prefix.len()..r.url.len() - "/access-token/renew".len()];
            // One segment: nothing in it that could end it or start a query or fragment, and it
            // decodes back to the client_id.
            prop_assert!(
                !segment.contains(['/', '?', '#', '\\']),
                "segment {:?}",
                segment
            );
            prop_assert!(segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            prop_assert!(segment != "." && segment != "..");
            prop_assert_eq!(percent_decode(segment), Some(id.as_bytes().to_vec()));
            prop_assert_eq!(
                segment,
                percent_encoding::utf8_percent_encode(&id, SEGMENT).to_string()
            );
            clean_request(&r, std::slice::from_ref(&secret))?;
        }
        Err(e) => {
            prop_assert!(!valid, "refused client_id {:?}: {:?}", id, e);
            prop_assert_eq!(e.code(), ErrorCode::InvalidValue);
            prop_assert_eq!(e.field(), Some("clientId"));
            clean_error(&e, &[secret])?;
        }
    }
    Ok(())
}

fn prop_authorize(a: AuthorizeInput) -> Result<(), TestCaseError> {
    let secrets = [a.code.clone(), a.state.clone(), a.expected.clone()];
    // authorize_url: a URL on the authorize endpoint whose query decodes back to every
    // parameter, or an input error naming a field.
    let params = read_caller::<AuthorizeParams>(&a.params, "params", "unknown parameter");
    let options = read_optional::<AuthorizeUrlOptions>(&a.options, "options", "unknown option");
    if let Err(e) = &params {
        input_error(e, &["params"])?;
    }
    if let Err(e) = &options {
        input_error(e, &["options"])?;
    }
    if let (Ok(p), Ok(o)) = (&params, &options) {
        match flow::authorize_url(p, o) {
            Ok(url) => authorize_round_trip(&url, p, o, &a.code)?,
            Err(e) => {
                input_error(&e, &["params.", "options."])?;
                clean_error(&e, &secrets)?;
            }
        }
    }

    // parse_callback: the code never shows; a mismatched state never passes.
    let url = format!(
        "https://app.example/cb?code={}&state={}&{}",
        a.code, a.state, a.callback_extra
    );
    let url = String::from_utf8_lossy(&apply(url.into_bytes(), &a.callback_edits)).into_owned();
    match flow::parse_callback(&url, &a.expected) {
        Ok(cb) => {
            let shown = format!("{cb:?}");
            prop_assert!(!shown.contains(&a.code), "{}", shown);
            prop_assert_eq!(&cb.state, &a.expected);
            prop_assert!(!cb.code.expose().is_empty());
        }
        Err(e) => {
            prop_assert!(
                matches!(
                    e.code(),
                    ErrorCode::AccessDenied
                        | ErrorCode::AuthorizationError
                        | ErrorCode::MissingCode
                        | ErrorCode::StateMismatch
                ),
                "{:?}",
                e
            );
            clean_error(&e, &secrets)?;
        }
    }
    if a.callback_edits.is_empty() && a.callback_extra.is_empty() && a.state == a.expected {
        let cb = flow::parse_callback(&url, &a.expected);
        prop_assert!(cb.is_ok(), "{:?}", cb);
        let cb = cb.unwrap();
        prop_assert_eq!(cb.code.expose(), a.code.as_str());
    }
    let e = flow::parse_callback(&url, "").unwrap_err();
    prop_assert_eq!(e.field(), Some("expectedState"));

    // PKCE and state values: base64url, no padding, 4 characters per 3 bytes.
    let v = flow::pkce::verifier(&a.random);
    prop_assert!(v
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    prop_assert_eq!(v.len(), (a.random.len() * 4).div_ceil(3));
    prop_assert_eq!(flow::pkce::state(&a.random), v.clone());
    let digest: Vec<u8> = a.random.iter().map(|b| b ^ 0x55).collect();
    let pkce = flow::Pkce::new(v.clone(), &digest);
    prop_assert_eq!(pkce.code_verifier.expose(), v.as_str());
    prop_assert_eq!(&pkce.code_challenge, &flow::pkce::challenge(&digest));
    if v.len() >= 8 {
        let shown = format!("{pkce:?}");
        prop_assert!(!shown.contains(&v), "{}", shown);
    }

    // Refresh timing: due when the expiry is unknown or within (30 - days) days.
    let due = |at: f64| at - a.now <= (30.0 - a.days) * 86_400_000.0;
    let at = a.parsed_ms;
    let expected = !at.is_finite() || due(at);
    prop_assert_eq!(flow::should_refresh(Some(at), a.now, a.days), expected);
    prop_assert!(flow::should_refresh(None, a.now, a.days));
    let by_text = flow::should_refresh_expires_at(a.expires_at.as_deref(), |_| at, a.now, a.days);
    match a.expires_at.as_deref() {
        Some("") => prop_assert!(!by_text, "an empty expires_at never expires"),
        Some(_) => prop_assert_eq!(by_text, expected),
        None => prop_assert!(by_text),
    }
    match read_optional::<ShouldRefreshOptions>(&a.refresh, "options", "unknown option") {
        Ok(o) => match o.validate() {
            Ok(v) => {
                prop_assert!((0.0..=30.0).contains(&v.refresh_after_days));
                prop_assert!(v.now_ms.is_none_or(f64::is_finite));
            }
            Err(e) => input_error(&e, &["options."])?,
        },
        Err(e) => input_error(&e, &["options"])?,
    }
    let direct = ShouldRefreshOptions {
        now: Some(a.now),
        refresh_after_days: Some(a.days),
    };
    prop_assert_eq!(
        direct.validate().is_ok(),
        a.now.is_finite() && (0.0..=30.0).contains(&a.days)
    );
    Ok(())
}

/// A built authorize URL: on the right base, visible ASCII, every parameter decoding back, and
/// its `state` accepted by `parse_callback` (also when spaces come back as `+`).
fn authorize_round_trip(
    url: &str,
    p: &AuthorizeParams,
    o: &AuthorizeUrlOptions,
    code: &str,
) -> Result<(), TestCaseError> {
    let base = flow::authorize_base(o).map_err(|e| fail(format!("base refused: {e:?}")))?;
    prop_assert!(
        url.starts_with(&format!("{base}/oauth2/authorize?client_id=")),
        "{}",
        url
    );
    prop_assert!(url.bytes().all(|b| (0x21..0x7f).contains(&b)), "{:?}", url);
    prop_assert!(!url.contains('#'));
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let got: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let mut expected = vec![("client_id".to_owned(), p.client_id.clone().unwrap())];
    if let Some(names) = &p.scope {
        let mut unique: Vec<&str> = Vec::new();
        for n in names {
            if !unique.contains(&n.as_str()) {
                unique.push(n);
            }
        }
        expected.push(("scope".to_owned(), unique.join(" ")));
    }
    let optional = [
        ("state", p.state.clone()),
        ("redirect_uri", p.redirect_uri.clone()),
        ("locale", p.locale.map(|l| l.as_str().to_owned())),
        ("session", p.session.map(|s| s.to_string())),
        ("code_challenge", p.code_challenge.clone()),
    ];
    for (name, value) in optional {
        if let Some(v) = value {
            expected.push((name.to_owned(), v));
        }
    }
    prop_assert_eq!(&got, &expected, "{}", url);
    // The authorize URL, answered: the callback carries the same state back.
    for echoed in [url.to_owned(), url.replace("%20", "+")] {
        let callback = format!("{echoed}&code={code}");
        match &p.state {
            Some(state) => {
                let cb = flow::parse_callback(&callback, state)
                    .map_err(|e| fail(format!("state {state:?} did not round-trip: {e:?}")))?;
                prop_assert_eq!(&cb.state, state);
                prop_assert_eq!(cb.code.expose(), code);
            }
            None => {
                let e = flow::parse_callback(&callback, "st").unwrap_err();
                prop_assert_eq!(e.code(), ErrorCode::StateMismatch);
            }
        }
    }
    Ok(())
}
