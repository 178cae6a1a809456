//! The URL of Square's authorization page, `GET {base}/oauth2/authorize?…` (pure).
//!
//! [`authorize_url`] checks every parameter before it builds anything; see the
//! [module docs](crate::flow) for what is deliberately not sent.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use tsify::Tsify;

use crate::config::{base_url_checked, Environment, PRODUCTION_URL, SANDBOX_URL};
use crate::error::{Error, ErrorCode};
use crate::input::suggest;
use crate::macros::string_enum;
use crate::model::Scope;

/// Longest accepted `client_id`, in characters (the spec's limit on ObtainToken's).
pub const MAX_CLIENT_ID: usize = 191;
/// Longest accepted `state`, in characters.
pub const MAX_STATE: usize = 1024;
/// Longest accepted `redirect_uri` (the spec's limit on ObtainToken's `redirect_uri`).
pub const MAX_REDIRECT_URI: usize = 2048;

/// What a query value keeps unescaped: RFC 3986's unreserved characters only.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

string_enum! {
    /// A language of Square's authorization page.
    #[ts("Locale")]
    pub enum Locale {
        /// English (Ireland).
        EnIe = "en-IE",
        /// English (United States).
        EnUs = "en-US",
        /// English (Canada).
        EnCa = "en-CA",
        /// Spanish (United States).
        EsUs = "es-US",
        /// French (Canada).
        FrCa = "fr-CA",
        /// Japanese (Japan).
        JaJp = "ja-JP",
    }
}

/// Query parameters of Square's authorization page, for {@link authorizeUrl}.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Tsify)]
pub struct AuthorizeParams {
    /// Your application ID (1 to 191 characters).
    // No `#[serde(default)]`, so that TypeScript shows it as required; serde still reads a
    // missing `Option` as `None`, and `authorize_url` reports it as `MISSING_FIELD`.
    #[tsify(type = "string")]
    pub client_id: Option<String>,
    /// Permissions to request: scope names (joined with spaces), or a ready space-separated
    /// string. Square's default: `MERCHANT_PROFILE_READ PAYMENTS_READ SETTLEMENTS_READ
    /// BANK_ACCOUNTS_READ`.
    #[serde(default, deserialize_with = "scope_names")]
    #[tsify(optional, type = "readonly Scope[] | string | undefined")]
    pub scope: Option<Vec<String>>,
    /// Opaque value echoed to your redirect URL, to tie the callback to this browser session and
    /// prevent CSRF: create it with {@link createState} and check it with {@link parseCallback}.
    /// 1 to 1024 printable ASCII characters (spaces included).
    #[serde(default)]
    #[tsify(optional, type = "string | undefined")]
    pub state: Option<String>,
    /// Your registered redirect URL. If given, ObtainToken must then send the same
    /// `redirect_uri`.
    #[serde(default)]
    #[tsify(optional, type = "string | undefined")]
    pub redirect_uri: Option<String>,
    /// The language of the authorization page.
    #[serde(default)]
    #[tsify(optional, type = "Locale | undefined")]
    pub locale: Option<Locale>,
    /// `false` makes the seller log in again even with a valid Square session. Default `true`.
    /// No effect in the Sandbox.
    #[serde(default)]
    #[tsify(optional, type = "boolean | undefined")]
    pub session: Option<bool>,
    /// PKCE: the `code_challenge` of {@link createPkce}. The code then has to be exchanged with
    /// the matching `code_verifier`.
    #[serde(default)]
    #[tsify(optional, type = "string | undefined")]
    pub code_challenge: Option<String>,
}

/// Where {@link authorizeUrl} points: the same choices as {@link ClientOptions}.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeUrlOptions {
    /// Default `"production"`. Ignored when `baseUrl` is set.
    #[serde(default)]
    #[tsify(optional, type = "Environment | undefined")]
    pub environment: Option<Environment>,
    /// Overrides `environment`; the same `https:` rule as {@link ClientOptions.baseUrl}.
    #[serde(default)]
    #[tsify(optional, type = "string | undefined")]
    pub base_url: Option<String>,
}

/// Reads `scope`: absent or `null`, a space-separated string (split on ASCII white space), or an
/// array of strings (kept as they are).
fn scope_names<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    const EXPECTED: &str = "an array of scope names or a space-separated string";

    struct Names;
    impl<'de> Visitor<'de> for Names {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(EXPECTED)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(s.split_ascii_whitespace().map(str::to_owned).collect())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(ScopeName(name)) = seq.next_element()? {
                out.push(name);
            }
            Ok(out)
        }
    }

    struct Maybe;
    impl<'de> Visitor<'de> for Maybe {
        type Value = Option<Vec<String>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(EXPECTED)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(Names).map(Some)
        }
    }

    d.deserialize_option(Maybe)
}

/// One item of a `scope` array: a string (checked against Square's names later, with a
/// did-you-mean).
struct ScopeName(String);

impl<'de> Deserialize<'de> for ScopeName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ScopeName;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a scope name (string)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ScopeName, E> {
                Ok(ScopeName(s.to_owned()))
            }
        }
        d.deserialize_str(V)
    }
}

/// `value` percent-encoded (UTF-8), keeping only RFC 3986's unreserved characters.
pub(crate) fn encode_value(out: &mut String, value: &str) {
    out.extend(utf8_percent_encode(value, UNRESERVED));
}

/// The base URL of the authorization page: `baseUrl` (checked like the client's: `https:`, or
/// `http:` on loopback) wins over `environment`; the default is production.
pub fn authorize_base(options: &AuthorizeUrlOptions) -> Result<String, Error> {
    match (&options.base_url, options.environment) {
        (Some(url), _) => base_url_checked(url, "options.baseUrl"),
        (None, Some(Environment::Sandbox)) => Ok(SANDBOX_URL.to_owned()),
        (None, _) => Ok(PRODUCTION_URL.to_owned()),
    }
}

/// Builds `{base}/oauth2/authorize?client_id=…[&scope=A+B][&state=…][&redirect_uri=…]
/// [&locale=…][&session=true|false][&code_challenge=…]`.
///
/// Checks, in this order (every failure an input error naming `params.<name>` or
/// `options.<name>`): `client_id` present, 1 to 191 characters; every scope one of
/// [`Scope::NAMES`] (at least one; duplicates dropped, order kept); `state` 1 to [`MAX_STATE`]
/// printable ASCII characters, spaces included (RFC 6749 A.5 `VSCHAR`); `redirect_uri` an
/// absolute `https:` URL (`http:` only on loopback) without user info or a fragment;
/// `code_challenge` 43 to 128 characters of RFC 7636's alphabet; then the base URL
/// ([`authorize_base`]). `locale` and `session` are typed, so already checked when the
/// parameters were read.
///
/// Scope names are joined with `+`; every other value is percent-encoded (UTF-8) keeping only
/// RFC 3986's unreserved characters. Neither `response_type` nor `code_challenge_method` is
/// sent (see the [module docs](crate::flow)).
pub fn authorize_url(
    params: &AuthorizeParams,
    options: &AuthorizeUrlOptions,
) -> Result<String, Error> {
    let client_id = params.client_id.as_deref().ok_or_else(|| {
        Error::input(
            ErrorCode::MissingField,
            "params.client_id",
            "is required (your application ID)",
        )
    })?;
    if !(1..=MAX_CLIENT_ID).contains(&client_id.chars().count()) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            "params.client_id",
            "must be 1 to 191 characters long",
        ));
    }
    let scopes = params.scope.as_deref().map(scopes).transpose()?;
    let state = params.state.as_deref().map(state).transpose()?;
    let redirect_uri = params
        .redirect_uri
        .as_deref()
        .map(redirect_uri)
        .transpose()?;
    let challenge = params
        .code_challenge
        .as_deref()
        .map(code_challenge)
        .transpose()?;

    let mut url = authorize_base(options)?;
    url.push_str("/oauth2/authorize?client_id=");
    encode_value(&mut url, client_id);
    if let Some(names) = scopes {
        url.push_str("&scope=");
        url.push_str(&names.join("+"));
    }
    let mut push = |name: &str, value: &str| {
        url.push('&');
        url.push_str(name);
        url.push('=');
        encode_value(&mut url, value);
    };
    if let Some(s) = state {
        push("state", s);
    }
    if let Some(r) = redirect_uri {
        push("redirect_uri", r);
    }
    if let Some(l) = params.locale {
        push("locale", l.as_str());
    }
    if let Some(s) = params.session {
        push("session", if s { "true" } else { "false" });
    }
    if let Some(c) = challenge {
        push("code_challenge", c);
    }
    Ok(url)
}

/// Checks scope names against Square's; drops duplicates.
fn scopes(names: &[String]) -> Result<Vec<&str>, Error> {
    const FIELD: &str = "params.scope";
    if names.is_empty() {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            FIELD,
            "names no scope; leave it out to get Square's default scopes",
        ));
    }
    let mut out: Vec<&str> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if Scope::parse(name).is_none() {
            let mut message = format!("scope #{} is not one of Square's scope names", i + 1);
            if name.contains(['+', ',']) {
                message.push_str(" (separate names with spaces, or pass an array)");
            }
            if let Some(s) = suggest(name, Scope::NAMES) {
                message.push_str(&format!("; did you mean \"{s}\"?"));
            }
            return Err(Error::input(ErrorCode::InvalidValue, FIELD, message));
        }
        if !out.contains(&name.as_str()) {
            out.push(name);
        }
    }
    Ok(out)
}

/// `state`: 1 to [`MAX_STATE`] characters of RFC 6749's `VSCHAR` (%x20-7E).
fn state(s: &str) -> Result<&str, Error> {
    const FIELD: &str = "params.state";
    if !s.bytes().all(|c| (0x20..0x7f).contains(&c)) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            FIELD,
            "must hold only printable ASCII characters or spaces (no control or non-ASCII characters)",
        ));
    }
    if s.is_empty() || s.len() > MAX_STATE {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            FIELD,
            "must be 1 to 1024 characters long",
        ));
    }
    Ok(s)
}

/// `code_challenge`: 43 to 128 characters of RFC 7636's alphabet.
fn code_challenge(s: &str) -> Result<&str, Error> {
    let unreserved = |c: u8| c.is_ascii_alphanumeric() || b"-._~".contains(&c);
    if !(43..=128).contains(&s.len()) || !s.bytes().all(unreserved) {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            "params.code_challenge",
            "must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636), e.g. the code_challenge of createPkce()",
        ));
    }
    Ok(s)
}

/// Checks a redirect URL: absolute, `https:` (or `http:` on a loopback host, as the Sandbox
/// allows), no user info, no fragment, only visible ASCII.
fn redirect_uri(uri: &str) -> Result<&str, Error> {
    const FIELD: &str = "params.redirect_uri";
    let invalid = |why: &str| Error::input(ErrorCode::InvalidValue, FIELD, why);
    if uri.is_empty() || uri.len() > MAX_REDIRECT_URI {
        return Err(invalid("must be 1 to 2048 characters long"));
    }
    if uri.bytes().any(|c| !c.is_ascii_graphic() || c == b'\\') {
        return Err(invalid(
            "must not contain spaces, control characters, backslashes or non-ASCII characters (percent-encode them)",
        ));
    }
    if uri.contains('#') {
        return Err(invalid("must not have a fragment"));
    }
    let (scheme, rest) = uri
        .split_once("://")
        .ok_or_else(|| invalid("must be an absolute URL such as https://example.com/callback"))?;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or(rest);
    base_url_checked(&format!("{scheme}://{authority}"), FIELD)?;
    Ok(uri)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::document::{Document, JsonDoc};
    use crate::input::{field_names, from_serde, unknown_field};

    /// Reads a JSON object into `T` the way the wasm guard reads a caller's object: unknown keys
    /// first, then serde, a failure mapped to the coded error.
    fn read<T: serde::de::DeserializeOwned>(
        json: &str,
        field: &str,
        unknown: &str,
    ) -> Result<T, Error> {
        let doc = JsonDoc::parse(json).unwrap();
        let serde_json::Value::Object(members) = &doc.0 else {
            let got = doc.kind().name();
            return Err(Error::input(
                ErrorCode::InvalidType,
                field,
                format!("expected an object, got {got}"),
            ));
        };
        let known = field_names::<T>();
        if let Some(key) = members.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(unknown_field(field, key, known, unknown));
        }
        doc.read::<T>()
            .map_err(|e| from_serde(field, &e.path, &e.message, e.got.name()))
    }

    fn params(json: &str) -> Result<AuthorizeParams, Error> {
        read(json, "params", "unknown parameter")
    }

    fn options(json: &str) -> Result<AuthorizeUrlOptions, Error> {
        read(json, "options", "unknown option")
    }

    fn url(json: &str) -> Result<String, Error> {
        authorize_url(&params(json)?, &AuthorizeUrlOptions::default())
    }

    fn with_client(extra: &str) -> Result<String, Error> {
        url(&format!(r#"{{"client_id":"a",{extra}}}"#))
    }

    #[test]
    fn scope_list_matches_the_spec() {
        // Square's spec, as copied into the repository (tests/contract/spec, with its NOTICE).
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/contract/spec/square-oauth-openapi.json"
        );
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let spec: serde_json::Value = serde_json::from_str(&text).unwrap();
        let scopes = &spec["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]
            ["scopes"];
        let mut names: Vec<&str> = scopes
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        let mut ours = Scope::NAMES.to_vec();
        ours.sort_unstable();
        ours.dedup();
        assert_eq!(names, ours);
        assert_eq!(ours.len(), 59);
        // Every one of them is accepted.
        for s in Scope::NAMES {
            let u = url(&format!(r#"{{"client_id":"a","scope":["{s}"]}}"#)).unwrap();
            assert!(u.ends_with(&format!("&scope={s}")), "{u}");
        }
    }

    #[test]
    fn minimal_and_full_urls() {
        assert_eq!(
            url(r#"{"client_id":"sq0idp-abc"}"#).unwrap(),
            "https://connect.squareup.com/oauth2/authorize?client_id=sq0idp-abc"
        );
        let full = url(
            r#"{"code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","session":false,
                "locale":"fr-CA","redirect_uri":"https://example.com/cb?x=1&y=a b",
                "state":"s&t=a?b#c/d%e+f","scope":["CUSTOMERS_WRITE","CUSTOMERS_READ"],
                "client_id":"sq0idp-abc"}"#,
        );
        // The space in redirect_uri is refused; take it out.
        assert_eq!(full.unwrap_err().field(), Some("params.redirect_uri"));
        let full = url(
            r#"{"code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","session":false,
                "locale":"fr-CA","redirect_uri":"https://example.com/cb?x=1&y=a%20b",
                "state":"s&t=a?b#c/d%e+f","scope":["CUSTOMERS_WRITE","CUSTOMERS_READ"],
                "client_id":"sq0idp-abc"}"#,
        )
        .unwrap();
        assert_eq!(
            full,
            "https://connect.squareup.com/oauth2/authorize?client_id=sq0idp-abc\
             &scope=CUSTOMERS_WRITE+CUSTOMERS_READ\
             &state=s%26t%3Da%3Fb%23c%2Fd%25e%2Bf\
             &redirect_uri=https%3A%2F%2Fexample.com%2Fcb%3Fx%3D1%26y%3Da%2520b\
             &locale=fr-CA&session=false\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(!full.contains("code_challenge_method"));
        assert!(!full.contains("response_type"));
        assert!(with_client(r#""session":true"#)
            .unwrap()
            .ends_with("&session=true"));
        // null members are absent.
        assert_eq!(
            url(r#"{"client_id":"a","scope":null,"state":null,"locale":null,"session":null}"#)
                .unwrap(),
            "https://connect.squareup.com/oauth2/authorize?client_id=a"
        );
    }

    #[test]
    fn values_are_percent_encoded_and_decode_back() {
        // Unicode, spaces, '+' and reserved characters in client_id: all escaped, unreserved kept.
        let id = "a b+c&d=e?f#g/h%i~j.k_l-m é😀";
        let p = AuthorizeParams {
            client_id: Some(id.into()),
            ..AuthorizeParams::default()
        };
        let u = authorize_url(&p, &AuthorizeUrlOptions::default()).unwrap();
        let q = u.split_once("client_id=").unwrap().1;
        assert_eq!(
            q,
            "a%20b%2Bc%26d%3De%3Ff%23g%2Fh%25i~j.k_l-m%20%C3%A9%F0%9F%98%80"
        );
        let query = format!("x={q}");
        let decoded: Vec<_> = form_urlencoded::parse(query.as_bytes()).collect();
        assert_eq!(decoded[0].1, id, "the callback's decoder is the inverse");
        assert!(q
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._~%".contains(&c)));
    }

    #[test]
    fn states_are_vschar() {
        // Printable ASCII, spaces included (RFC 6749 A.5), is accepted and percent-encoded.
        let u = with_client(r##""state":" a b ~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}""##).unwrap();
        let echoed = u.split_once("&state=").unwrap().1;
        assert!(echoed.starts_with("%20a%20b%20~%21%22%23"), "{echoed}");
        assert!(!echoed.contains([' ', '+']), "a space is %20, never +");
        assert!(with_client(&format!(r#""state":"{}""#, "~".repeat(MAX_STATE))).is_ok());
        assert!(with_client(r#""state":" ""#).is_ok());
        for bad in [
            r#""""#,
            r#""a\nb""#,
            r#""a\tb""#,
            r#""a\rb""#,
            r#""nul\u0000""#,
            r#""del\u007f""#,
            r#""esc\u001b[31m""#,
            r#""é""#,
            r#""a\u00a0b""#,
        ] {
            let e = with_client(&format!(r#""state":{bad}"#)).unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::InvalidValue, Some("params.state")),
                "{bad}"
            );
        }
        let e = with_client(&format!(r#""state":"{}""#, "s".repeat(MAX_STATE + 1))).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidValue);
        assert!(e.message().contains("1024"), "{}", e.message());
    }

    #[test]
    fn scopes_string_array_and_errors() {
        let u = with_client(r#""scope":"  PAYMENTS_READ\tMERCHANT_PROFILE_READ PAYMENTS_READ ""#)
            .unwrap();
        assert!(
            u.ends_with("&scope=PAYMENTS_READ+MERCHANT_PROFILE_READ"),
            "{u}"
        );

        let e = with_client(r#""scope":["PAYMENTS_READ","payments_write"]"#).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::InvalidValue, Some("params.scope"))
        );
        assert!(e.message().contains("scope #2"), "{}", e.message());
        assert!(
            e.message().contains("did you mean \"PAYMENTS_WRITE\""),
            "{}",
            e.message()
        );
        assert!(
            !e.message().contains("payments_write"),
            "no caller value in messages"
        );
        let e = with_client(r#""scope":["PAYMENTS_READ","PAYMENT_WRITE"]"#).unwrap_err();
        assert!(
            e.message().contains("did you mean \"PAYMENTS_WRITE\""),
            "{}",
            e.message()
        );
        let e = with_client(r#""scope":"MerchantProfileRead""#).unwrap_err();
        assert!(
            e.message().contains("MERCHANT_PROFILE_READ"),
            "{}",
            e.message()
        );
        for joined in ["PAYMENTS_READ+ORDERS_READ", "PAYMENTS_READ,ORDERS_READ"] {
            let e = with_client(&format!(r#""scope":"{joined}""#)).unwrap_err();
            assert!(
                e.message().contains("separate names with spaces"),
                "{}",
                e.message()
            );
        }
        let e = with_client(r#""scope":[" PAYMENTS_READ"]"#).unwrap_err();
        assert_eq!(
            e.code(),
            ErrorCode::InvalidValue,
            "array items are not trimmed"
        );
        for empty in [r#""""#, r#""   ""#, "[]"] {
            let e = with_client(&format!(r#""scope":{empty}"#)).unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (ErrorCode::InvalidValue, Some("params.scope"))
            );
        }

        // Type errors name the item.
        let e = with_client(r#""scope":["PAYMENTS_READ",3]"#).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::InvalidType, Some("params.scope[1]"))
        );
        assert_eq!(
            e.message(),
            "params.scope[1]: expected a scope name (string), got number"
        );
        let mut many: Vec<String> = Scope::NAMES[..11]
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect();
        many.push("\"NOPE\"".into());
        let e = with_client(&format!(r#""scope":[{}]"#, many.join(","))).unwrap_err();
        assert!(e.message().contains("scope #12 "), "{}", e.message());
        many[10] = "true".into();
        let e = with_client(&format!(r#""scope":[{}]"#, many.join(","))).unwrap_err();
        assert_eq!(e.field(), Some("params.scope[10]"));
        let e = with_client(r#""scope":true"#).unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::InvalidType, Some("params.scope"))
        );
        assert!(e
            .message()
            .contains("an array of scope names or a space-separated string"));
    }

    #[test]
    fn params_are_checked() {
        let cases = [
            ("[]", ErrorCode::InvalidType, "params"),
            ("{}", ErrorCode::MissingField, "params.client_id"),
            (
                r#"{"client_id":null}"#,
                ErrorCode::MissingField,
                "params.client_id",
            ),
            (
                r#"{"client_id":""}"#,
                ErrorCode::InvalidValue,
                "params.client_id",
            ),
            (
                r#"{"client_id":5}"#,
                ErrorCode::InvalidType,
                "params.client_id",
            ),
            (
                r#"{"clientId":"a"}"#,
                ErrorCode::UnknownField,
                "params.clientId",
            ),
            (
                r#"{"client_id":"a","response_type":"code"}"#,
                ErrorCode::UnknownField,
                "params.response_type",
            ),
            (
                r#"{"client_id":"a","state":1}"#,
                ErrorCode::InvalidType,
                "params.state",
            ),
            (
                r#"{"client_id":"a","locale":"en_US"}"#,
                ErrorCode::InvalidValue,
                "params.locale",
            ),
            (
                r#"{"client_id":"a","locale":"de-DE"}"#,
                ErrorCode::InvalidValue,
                "params.locale",
            ),
            (
                r#"{"client_id":"a","locale":7}"#,
                ErrorCode::InvalidType,
                "params.locale",
            ),
            (
                r#"{"client_id":"a","session":"false"}"#,
                ErrorCode::InvalidType,
                "params.session",
            ),
            (
                r#"{"client_id":"a","code_challenge":"short"}"#,
                ErrorCode::InvalidValue,
                "params.code_challenge",
            ),
            (
                r#"{"client_id":"a","code_challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"}"#,
                ErrorCode::InvalidValue,
                "params.code_challenge",
            ),
        ];
        for (p, code, field) in cases {
            let e = url(p).unwrap_err();
            assert_eq!((e.code(), e.field()), (code, Some(field)), "{p}");
            assert!(e.message().starts_with(field), "{}", e.message());
        }
        let e = url(r#"{"clientId":"a"}"#).unwrap_err();
        assert!(
            e.message().contains("did you mean \"client_id\""),
            "{}",
            e.message()
        );
        let e = url(r#"{"codeChallenge":"x","client_id":"a"}"#).unwrap_err();
        assert!(
            e.message().contains("\"code_challenge\""),
            "{}",
            e.message()
        );
        let e = url(r#"{"client_id":"a","locale":"en_US"}"#).unwrap_err();
        assert!(
            e.message().contains("did you mean \"en-US\""),
            "{}",
            e.message()
        );
        assert!(!e.message().contains("en_US"), "{}", e.message());
        let e = url(&format!(r#"{{"client_id":"{}"}}"#, "x".repeat(192))).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidValue);
        assert!(
            url(&format!(r#"{{"client_id":"{}"}}"#, "é".repeat(191))).is_ok(),
            "characters, not bytes"
        );
        assert!(with_client(&format!(r#""code_challenge":"{}""#, "A-._~".repeat(25))).is_ok());
        assert!(with_client(&format!(r#""code_challenge":"{}""#, "a".repeat(129))).is_err());
        for l in Locale::NAMES {
            assert!(with_client(&format!(r#""locale":"{l}""#))
                .unwrap()
                .ends_with(&format!("&locale={l}")));
        }
        assert_eq!(
            Locale::NAMES,
            ["en-IE", "en-US", "en-CA", "es-US", "fr-CA", "ja-JP"]
        );
    }

    #[test]
    fn redirect_uris() {
        for ok in [
            "https://example.com/callback",
            "https://example.com",
            "https://example.com?x=1",
            "https://example.com:8443/a/b?c=d&e=%20",
            "https://example.com/cb?email=a@b.example",
            "http://localhost:3000/cb",
            "http://127.0.0.1/cb",
            "http://[::1]:9/cb",
        ] {
            let u = with_client(&format!(r#""redirect_uri":"{ok}""#)).unwrap();
            let mut expected = String::from("&redirect_uri=");
            encode_value(&mut expected, ok);
            assert!(u.ends_with(&expected), "{ok}");
        }
        for (bad, code) in [
            ("http://example.com/cb", ErrorCode::InsecureUrl),
            ("http://127.0.0.1.evil.com/cb", ErrorCode::InsecureUrl),
            ("javascript://alert(1)", ErrorCode::InsecureUrl),
            ("myapp://callback", ErrorCode::InsecureUrl),
            ("/callback", ErrorCode::InvalidValue),
            ("", ErrorCode::InvalidValue),
            ("https://", ErrorCode::InvalidValue),
            ("https://?x", ErrorCode::InvalidValue),
            ("https://user:pw@example.com/cb", ErrorCode::InvalidValue),
            ("https://example.com/cb#frag", ErrorCode::InvalidValue),
            ("https://example.com/c b", ErrorCode::InvalidValue),
            ("https://example.com/cb\r\n", ErrorCode::InvalidValue),
            ("https://example.com/é", ErrorCode::InvalidValue),
            ("https://example.com\\@evil.com", ErrorCode::InvalidValue),
        ] {
            let p = AuthorizeParams {
                client_id: Some("a".into()),
                redirect_uri: Some(bad.into()),
                ..AuthorizeParams::default()
            };
            let e = authorize_url(&p, &AuthorizeUrlOptions::default()).unwrap_err();
            assert_eq!(
                (e.code(), e.field()),
                (code, Some("params.redirect_uri")),
                "{bad}"
            );
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_REDIRECT_URI));
        let e = with_client(&format!(r#""redirect_uri":"{long}""#)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidValue);
    }

    #[test]
    fn environments_and_base_urls() {
        let p = params(r#"{"client_id":"a"}"#).unwrap();
        let at = |o: &str| authorize_url(&p, &options(o)?);
        assert!(at("{}")
            .unwrap()
            .starts_with("https://connect.squareup.com/oauth2/authorize?"));
        assert!(at(r#"{"environment":"production"}"#)
            .unwrap()
            .starts_with(PRODUCTION_URL));
        assert!(at(r#"{"environment":"sandbox"}"#)
            .unwrap()
            .starts_with("https://connect.squareupsandbox.com/oauth2/authorize?client_id=a"));
        assert!(
            at(r#"{"environment":"sandbox","baseUrl":"http://127.0.0.1:8080/"}"#)
                .unwrap()
                .starts_with("http://127.0.0.1:8080/oauth2/authorize?")
        );
        assert!(at(r#"{"baseUrl":"https://proxy.example/sq"}"#)
            .unwrap()
            .starts_with("https://proxy.example/sq/oauth2/authorize?"));
        assert!(at(r#"{"environment":null,"baseUrl":null}"#)
            .unwrap()
            .starts_with(PRODUCTION_URL));
        for (o, code, field) in [
            (
                r#"{"environment":"prod"}"#,
                ErrorCode::InvalidValue,
                "options.environment",
            ),
            (
                r#"{"environment":1}"#,
                ErrorCode::InvalidType,
                "options.environment",
            ),
            (
                r#"{"baseUrl":"http://example.com"}"#,
                ErrorCode::InsecureUrl,
                "options.baseUrl",
            ),
            (
                r#"{"baseUrl":"https://x/?q"}"#,
                ErrorCode::InvalidValue,
                "options.baseUrl",
            ),
            (
                r#"{"base_url":"https://x"}"#,
                ErrorCode::UnknownField,
                "options.base_url",
            ),
            (
                r#"{"timeoutMs":5}"#,
                ErrorCode::UnknownField,
                "options.timeoutMs",
            ),
            ("[]", ErrorCode::InvalidType, "options"),
        ] {
            let e = at(o).unwrap_err();
            assert_eq!((e.code(), e.field()), (code, Some(field)), "{o}");
        }
        let e = at(r#"{"base_url":"https://x"}"#).unwrap_err();
        assert!(e.message().contains("\"baseUrl\""), "{}", e.message());
        let e = at(r#"{"environment":"prod"}"#).unwrap_err();
        assert!(
            e.message()
                .starts_with("options.environment: must be \"production\" or \"sandbox\""),
            "{}",
            e.message()
        );
        // Params are checked before options.
        let bad_base = AuthorizeUrlOptions {
            base_url: Some("http://example.com".into()),
            ..AuthorizeUrlOptions::default()
        };
        let e = authorize_url(&AuthorizeParams::default(), &bad_base).unwrap_err();
        assert_eq!(e.field(), Some("params.client_id"));
    }
}
