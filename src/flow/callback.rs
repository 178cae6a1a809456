//! The callback Square redirects the seller to, `?code=…&state=…` or `?error=…` (pure).

use serde::Serialize;
use subtle::ConstantTimeEq;
use tsify::Tsify;

use crate::error::{Error, ErrorCode};
use crate::secret::Secret;

/// Longest part of Square's `error` or `error_description` quoted in a message, in characters.
const MAX_QUOTED: usize = 120;

/// The parameters of a successful authorization callback, from {@link parseCallback}.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct AuthorizationCallback {
    /// The authorization code: single-use, valid for 5 minutes. Exchange it with ObtainToken.
    #[tsify(type = "string")]
    pub code: Secret,
    /// The `state` Square echoed, equal to the expected one.
    pub state: String,
}

/// Reads the callback URL Square redirects the seller to and checks it, in this order:
/// 1. `expected_state` empty → `INVALID_VALUE` on `expectedState` (an empty expected state
///    would let a callback without `state` pass);
/// 2. an `error` → `ACCESS_DENIED` for `access_denied`, else `AUTHORIZATION_ERROR` (the message
///    quotes Square's `error` and `error_description`, cut to 120 characters, anything but
///    printable ASCII replaced by `?`);
/// 3. `state` absent or different from `expected_state` (compared in constant time) →
///    `STATE_MISMATCH`;
/// 4. no `code`, or an empty one → `MISSING_CODE`.
///
/// `url` is the full callback URL (or anything whose query follows the first `?`); a fragment is
/// ignored. The query is decoded as `application/x-www-form-urlencoded` (`+` is a space,
/// malformed `%` escapes stay as they are) and the first occurrence of a repeated parameter
/// counts, as `URLSearchParams.get` does. A value that is not UTF-8 once decoded (it holds
/// U+FFFD after decoding) matches no state and is no code. Messages never contain the code or
/// either state.
pub fn parse_callback(url: &str, expected_state: &str) -> Result<AuthorizationCallback, Error> {
    if expected_state.is_empty() {
        return Err(Error::input(
            ErrorCode::InvalidValue,
            "expectedState",
            "must not be empty: pass the state stored when the authorization URL was built",
        ));
    }

    let (mut code, mut state, mut error, mut description) = (None, None, None, None);
    for (name, value) in form_urlencoded::parse(query_of(url).as_bytes()) {
        let slot = match name.as_ref() {
            "code" => &mut code,
            "state" => &mut state,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value.into_owned());
        }
    }

    if let Some(error) = error {
        let (code, mut message) = if error == "access_denied" {
            (
                ErrorCode::AccessDenied,
                String::from("the seller denied access on Square's authorization page"),
            )
        } else {
            (
                ErrorCode::AuthorizationError,
                format!(
                    "Square's authorization page answered with error \"{}\"",
                    printable(&error)
                ),
            )
        };
        if let Some(d) = description {
            message.push_str(&format!(" (error_description: \"{}\")", printable(&d)));
        }
        return Err(Error::new(code, message));
    }
    let state = match state {
        None => {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "the callback has no state parameter, so it cannot be tied to this session (possible CSRF)",
            ))
        }
        Some(s) if !usable(&s) || !constant_time_eq(&s, expected_state) => {
            return Err(Error::new(
                ErrorCode::StateMismatch,
                "the callback's state differs from the expected one (possible CSRF, or a stale session)",
            ))
        }
        Some(s) => s,
    };
    match code {
        Some(c) if !c.is_empty() && usable(&c) => Ok(AuthorizationCallback {
            code: Secret::new(c),
            state,
        }),
        _ => Err(Error::new(
            ErrorCode::MissingCode,
            "the callback has neither a code nor an error",
        )),
    }
}

/// The query of a URL: after the first `?`, before any `#`. Empty without a `?`.
fn query_of(url: &str) -> &str {
    let url = url.split('#').next().unwrap_or("");
    url.split_once('?').map_or("", |(_, q)| q)
}

/// Whether a decoded value was UTF-8: the decoder replaces invalid sequences with U+FFFD.
fn usable(value: &str) -> bool {
    !value.contains('\u{FFFD}')
}

/// At most [`MAX_QUOTED`] characters of `s` for a message: printable ASCII kept, anything else
/// as `?`.
fn printable(s: &str) -> String {
    s.chars()
        .take(MAX_QUOTED)
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// Compares two strings in time that depends only on their lengths, never on where they first
/// differ. Lengths are compared first (a length is no secret); equal-length contents are
/// compared in full by `subtle`.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::flow::authorize::{authorize_url, AuthorizeParams, AuthorizeUrlOptions};

    fn cb(url: &str) -> Result<AuthorizationCallback, Error> {
        parse_callback(url, "st-123")
    }

    fn cb_err(url: &str) -> Error {
        match cb(url) {
            Ok(_) => panic!("expected an error for {url}"),
            Err(e) => e,
        }
    }

    /// The `state` query value of the URL `authorize_url` builds for `state`.
    fn echoed_state(state: &str) -> String {
        let p = AuthorizeParams {
            client_id: Some("a".into()),
            state: Some(state.into()),
            ..AuthorizeParams::default()
        };
        let built = authorize_url(&p, &AuthorizeUrlOptions::default()).unwrap();
        built.split_once("&state=").unwrap().1.to_owned()
    }

    #[test]
    fn callback_success() {
        let c = cb("https://app.example/cb?code=sq0cgb-AB%2Bc+d&response_type=code&state=st-123")
            .unwrap();
        assert_eq!(c.code.expose(), "sq0cgb-AB+c d");
        assert_eq!(c.state, "st-123");
        assert!(!format!("{c:?}").contains("sq0cgb"), "Debug hides the code");
        // Order, fragments, repeated parameters (the first counts), encoded names.
        let c = cb("/cb?st%61te=st-123&code=first&code=second#state=other").unwrap();
        assert_eq!(c.code.expose(), "first");
        let c = cb("?state=st-123&code=x").unwrap();
        assert_eq!(c.code.expose(), "x");
        // What a browser (URLSearchParams) would read: '+' is a space.
        let c = parse_callback("https://app.example/cb?state=s+t&code=c#frag", "s t").unwrap();
        assert_eq!((c.code.expose(), c.state.as_str()), ("c", "s t"));
    }

    #[test]
    fn states_round_trip_through_authorize_url() {
        for state in [
            "a+b",
            "a b",
            " leading and trailing ",
            "s&t=a?b#c/d%e+f",
            " !\"#$%&'()*+,-./0123456789:;<=>?@AZ[\\]^_`az{|}~",
        ] {
            let echoed = echoed_state(state);
            let got =
                parse_callback(&format!("https://x/cb?code=c&state={echoed}"), state).unwrap();
            assert_eq!(got.state, state);
            // Square may echo a space as '+' (form encoding): it still reads back.
            let plus = echoed.replace("%20", "+");
            let got = parse_callback(&format!("https://x/cb?state={plus}&code=c"), state).unwrap();
            assert_eq!(got.state, state);
        }
        assert_eq!(echoed_state("a b"), "a%20b");
    }

    #[test]
    fn callback_errors() {
        let e =
            cb_err("https://app/cb?error=access_denied&error_description=user_denied&state=st-123");
        assert_eq!(e.code(), ErrorCode::AccessDenied);
        assert!(e.message().contains("user_denied"), "{}", e.message());
        assert_eq!(e.field(), None);
        // Square's documented deny callback has no state; it is still ACCESS_DENIED.
        let e = cb_err("https://app/cb?error=access_denied&error_description=user_denied");
        assert_eq!(e.code(), ErrorCode::AccessDenied);
        let e = cb_err("https://app/cb?error=access_denied");
        assert_eq!(e.code(), ErrorCode::AccessDenied);
        let e = cb_err(
            "https://app/cb?error=invalid_scope&error_description=bad+scope%0A%1b[31m&state=st-123",
        );
        assert_eq!(e.code(), ErrorCode::AuthorizationError);
        assert!(e.message().contains("\"invalid_scope\""), "{}", e.message());
        assert!(e.message().contains("bad scope??[31m"), "{}", e.message());
        assert!(!e.message().contains(['\n', '\u{1b}']));
        let e = cb_err(&format!("https://app/cb?error={}", "x".repeat(500)));
        assert!(e.message().len() < 300);
        // An error wins over a code.
        let e = cb_err("https://app/cb?code=c&error=server_error&state=st-123");
        assert_eq!(e.code(), ErrorCode::AuthorizationError);

        for (u, code) in [
            (
                "https://app/cb?code=sq0cgb-secret",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=st-124",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=st-1234",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=st-12",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=ST-123",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb?code=sq0cgb-secret&state=st-123%00",
                ErrorCode::StateMismatch,
            ),
            (
                "https://app/cb#code=sq0cgb-secret&state=st-123",
                ErrorCode::StateMismatch,
            ),
            ("https://app/cb?state=st-123", ErrorCode::MissingCode),
            ("https://app/cb?state=st-123&code=", ErrorCode::MissingCode),
            ("https://app/cb?state=st-123&code", ErrorCode::MissingCode),
            ("https://app/cb?state=st-123&Code=x", ErrorCode::MissingCode),
            // State is checked before the code is looked at.
            ("https://app/cb", ErrorCode::StateMismatch),
            ("", ErrorCode::StateMismatch),
            ("?&&=&%&%zz", ErrorCode::StateMismatch),
        ] {
            let e = cb_err(u);
            assert_eq!(e.code(), code, "{u}");
            assert_eq!(e.field(), None);
            assert!(
                !e.message().contains("sq0cgb-secret") && !e.message().contains("st-12"),
                "{}",
                e.message()
            );
        }
    }

    #[test]
    fn expected_state_must_not_be_empty() {
        let e = parse_callback("https://x/cb?code=c&state=", "").unwrap_err();
        assert_eq!(
            (e.code(), e.field()),
            (ErrorCode::InvalidValue, Some("expectedState"))
        );
        assert!(
            e.message().starts_with("expectedState: "),
            "{}",
            e.message()
        );
    }

    #[test]
    fn form_decoding() {
        for (raw, decoded) in [
            ("a+b", "a b"),
            ("a%2Bb", "a+b"),
            ("a%2bb", "a+b"),
            ("%41%42", "AB"),
            ("%", "%"),
            ("%4", "%4"),
            ("%zz", "%zz"),
            ("%%41", "%A"),
            ("%C3%A9", "é"),
            ("é", "é"),
        ] {
            let c = parse_callback(&format!("https://x/cb?code=c&state={raw}"), decoded).unwrap();
            assert_eq!(c.state, decoded, "{raw}");
        }
        // A state that is not UTF-8 matches nothing, not even a state holding U+FFFD.
        let e = parse_callback("https://x/cb?code=c&state=%FF", "\u{FFFD}").unwrap_err();
        assert_eq!(e.code(), ErrorCode::StateMismatch);
        let e = parse_callback("https://x/cb?code=c&state=a%C3", "a\u{FFFD}").unwrap_err();
        assert_eq!(e.code(), ErrorCode::StateMismatch);
        let e = parse_callback("https://x/cb?code=%FF&state=s", "s").unwrap_err();
        assert_eq!(e.code(), ErrorCode::MissingCode);
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq("", ""));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "xbc"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(!constant_time_eq("ab", "abc"));
        assert!(!constant_time_eq("", "a"));
        // Same content but a trailing NUL: the length difference alone decides.
        assert!(!constant_time_eq("abc", "abc\0"));
        assert!(!constant_time_eq(&"\0".repeat(256), ""));
    }
}
