//! A small, strict JSON reader and writer.
//!
//! Why not `serde_json`: it is the largest item in a wasm build of this kind (about 25 KB gzip,
//! see `shared/TOOLCHAIN.md`), and this crate needs only a value tree, a parser that never panics
//! and bounds its nesting, and a writer for the small request bodies it sends.
//!
//! The parser follows RFC 8259: UTF-8 only, no trailing commas, no comments, no leading zeros,
//! escapes including surrogate pairs. Nesting is capped at [`MAX_DEPTH`] so that hostile input
//! cannot exhaust the stack.

/// Deepest nesting of arrays and objects the parser accepts.
pub const MAX_DEPTH: usize = 64;

/// A JSON value. Object members keep their order; duplicate keys are kept as received (the
/// readers in this crate look up the first one, while `JSON.parse` keeps the last; the response
/// reader rejects duplicates of known fields for that reason).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// Any number, as a double (the OAuth payloads carry no integers that need more).
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The JSON type name of this value, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The member `key` of an object (the first, if repeated), or `None`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Writes this value as compact JSON.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_value(self, &mut out);
        out
    }
}

/// Why a text is not acceptable JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// The bytes are not UTF-8.
    InvalidUtf8,
    /// Nothing but white space.
    Empty,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Any other syntax error, at this byte offset.
    Syntax(usize),
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::InvalidUtf8 => f.write_str("the body is not valid UTF-8"),
            ParseError::Empty => f.write_str("the body is empty"),
            ParseError::TooDeep => write!(f, "the JSON is nested deeper than {MAX_DEPTH} levels"),
            ParseError::Syntax(at) => write!(f, "the body is not valid JSON (at byte {at})"),
        }
    }
}

/// Parses a complete JSON text (surrounding white space allowed).
pub fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ParseError::InvalidUtf8)?;
    let mut p = Parser {
        s: text.as_bytes(),
        t: text,
        i: 0,
    };
    p.ws();
    if p.i >= p.s.len() {
        return Err(ParseError::Empty);
    }
    let v = p.value(0)?;
    p.ws();
    if p.i != p.s.len() {
        return Err(ParseError::Syntax(p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    /// The same input as text (already checked to be UTF-8), to slice runs without re-checking.
    t: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn err(&self) -> ParseError {
        ParseError::Syntax(self.i)
    }

    fn expect_lit(&mut self, lit: &[u8], v: Value) -> Result<Value, ParseError> {
        if self.s.get(self.i..self.i + lit.len()) == Some(lit) {
            self.i += lit.len();
            Ok(v)
        } else {
            Err(self.err())
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.expect_lit(b"true", Value::Bool(true)),
            Some(b'f') => self.expect_lit(b"false", Value::Bool(false)),
            Some(b'n') => self.expect_lit(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err()),
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        self.i += 1; // '{'
        let mut members = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.err());
            }
            let key = self.string()?;
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.err());
            }
            self.i += 1;
            self.ws();
            let v = self.value(depth)?;
            members.push((key, v));
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.err()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        self.i += 1; // '['
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.err()),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err()),
            };
            n = n * 16 + u32::from(d);
            self.i += 1;
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            // Copy the run of plain characters in one go; the input is valid UTF-8 and the run
            // ends on an ASCII byte, so the slice is on character boundaries.
            let start = self.i;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            if self.i > start {
                out.push_str(self.t.get(start..self.i).ok_or(self.err())?);
            }
            match self.peek() {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let esc = self.peek().ok_or(self.err())?;
                    self.i += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) {
                                // A high surrogate must be followed by an escaped low surrogate.
                                if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                                    return Err(self.err());
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err());
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return Err(self.err());
                            } else {
                                hi
                            };
                            out.push(char::from_u32(cp).ok_or(self.err())?);
                        }
                        _ => return Err(ParseError::Syntax(self.i - 1)),
                    }
                }
                _ => return Err(self.err()), // end of input or a raw control character
            }
        }
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.err()),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err());
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err());
            }
            self.digits();
        }
        let text = self.s.get(start..self.i).ok_or(self.err())?;
        Ok(Value::Number(number_value(text)))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }
}

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(*n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (k, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

/// Largest integer a double holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Writes a number. Only safe integers are written as such; anything else becomes `null`. The
/// crate never sends numbers (no request field is numeric), and leaving out Rust's float
/// formatting saves about 20 KB of wasm.
fn write_number(n: f64, out: &mut String) {
    if n.fract() != 0.0 || n.abs() > MAX_SAFE_INTEGER {
        out.push_str("null");
        return;
    }
    if n < 0.0 {
        out.push('-');
    }
    let mut v = n.abs() as u64;
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        if let Some(d) = digits.get_mut(len) {
            *d = b'0' + (v % 10) as u8;
        }
        len += 1;
        v /= 10;
        if v == 0 || len == digits.len() {
            break;
        }
    }
    for d in digits.iter().take(len).rev() {
        out.push(char::from(*d));
    }
}

/// The value of a number lexeme that the parser has already checked. Exact when the significant
/// digits fit in 15 and the decimal exponent is within ±22 (every double of that kind is exact,
/// Clinger's fast path) — which covers every number an OAuth answer could hold; otherwise the
/// nearest value within a few units in the last place. Rust's exact `f64::from_str` costs
/// about 10 KB of wasm, for numbers this crate only passes through in error bodies.
fn number_value(text: &[u8]) -> f64 {
    let mut negative = false;
    let mut mantissa: u64 = 0;
    let mut digits = 0u32;
    let mut exp10: i32 = 0;
    let mut seen_point = false;
    let mut i = 0;
    if text.first() == Some(&b'-') {
        negative = true;
        i = 1;
    }
    while let Some(&c) = text.get(i) {
        match c {
            b'0'..=b'9' => {
                if mantissa < 100_000_000_000_000_000 {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    if mantissa != 0 {
                        digits += 1;
                    }
                    if seen_point {
                        exp10 -= 1;
                    }
                } else if !seen_point {
                    exp10 += 1; // a dropped digit before the point still scales the value
                }
            }
            b'.' => seen_point = true,
            b'e' | b'E' => break,
            _ => {}
        }
        i += 1;
    }
    if matches!(text.get(i), Some(b'e' | b'E')) {
        i += 1;
        let mut sign = 1i32;
        match text.get(i) {
            Some(b'-') => {
                sign = -1;
                i += 1;
            }
            Some(b'+') => i += 1,
            _ => {}
        }
        let mut e: i32 = 0;
        while let Some(&c) = text.get(i) {
            e = e.saturating_mul(10).saturating_add(i32::from(c - b'0'));
            i += 1;
        }
        exp10 = exp10.saturating_add(sign.saturating_mul(e));
    }
    let m = mantissa as f64;
    let v = if mantissa == 0 {
        0.0
    } else if digits <= 15 && (-22..=22).contains(&exp10) {
        let p = pow10(exp10.unsigned_abs());
        if exp10 < 0 {
            m / p
        } else {
            m * p
        }
    } else if exp10 > 308 + 20 {
        f64::INFINITY
    } else if exp10 < -343 - 20 {
        0.0
    } else {
        let mut v = m;
        let mut e = exp10;
        while e > 22 {
            v *= 1e22;
            e -= 22;
        }
        while e < -22 {
            v /= 1e22;
            e += 22;
        }
        let p = pow10(e.unsigned_abs());
        if e < 0 {
            v / p
        } else {
            v * p
        }
    };
    if negative {
        -v
    } else {
        v
    }
}

/// 10^e for e ≤ 22 (exact).
fn pow10(e: u32) -> f64 {
    let mut p = 1.0;
    for _ in 0..e.min(22) {
        p *= 10.0;
    }
    p
}

/// Writes `s` as a JSON string literal.
pub fn write_string(s: &str, out: &mut String) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Copy runs of characters that need no escape in one go (everything but a quote, a
    // backslash, a control character and U+2028/2029, whose UTF-8 is E2 80 A8/A9); every
    // escaped character is ASCII or starts with 0xE2, so each run ends on a character boundary.
    let b = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let esc: Option<&str> = match c {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)) => {
                Some(if b.get(i + 2) == Some(&0xA8) {
                    "\\u2028"
                } else {
                    "\\u2029"
                })
            }
            c if c < 0x20 => None,
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        match esc {
            Some(e) => out.push_str(e),
            None => {
                out.push_str("\\u00");
                for d in [c >> 4, c & 15] {
                    out.push(char::from(if d < 10 { b'0' + d } else { b'a' + d - 10 }));
                }
            }
        }
        i += if c == 0xE2 { 3 } else { 1 };
        start = i;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Value, ParseError> {
        parse(s.as_bytes())
    }

    #[test]
    fn parses_the_spec_example() {
        let v = p(r#"{"access_token":"EAAl3ik","expires_at":"2025-04-03T18:31:06Z","merchant_id":"MLQW2MYBY81PZ","short_lived":false,"n":-1.5e3,"x":null,"a":[1,"b",{}]}"#).unwrap();
        assert_eq!(
            v.get("access_token").and_then(Value::as_str),
            Some("EAAl3ik")
        );
        assert_eq!(v.get("short_lived"), Some(&Value::Bool(false)));
        assert_eq!(v.get("n"), Some(&Value::Number(-1500.0)));
        assert_eq!(v.get("x"), Some(&Value::Null));
        assert_eq!(v.get("a").map(Value::type_name), Some("array"));
    }

    #[test]
    fn escapes_and_surrogates() {
        let v = p(r#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(v, Value::String("a\"b\\c/d\né😀".into()));
        assert!(p(r#""\ud83d""#).is_err(), "lone high surrogate");
        assert!(p(r#""\ude00""#).is_err(), "lone low surrogate");
        assert!(p(r#""\x""#).is_err());
        assert!(p("\"a\nb\"").is_err(), "raw control character");
    }

    #[test]
    fn rejects_bad_syntax() {
        for bad in [
            "{",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "-",
            "1e",
            "tru",
            "nul",
            "{\"a\" 1}",
            "[1 2]",
            "\"abc",
            "{'a':1}",
            "1 2",
            "+1",
            ".5",
            "{\"a\":}",
            "[",
            "]",
            "NaN",
            "Infinity",
        ] {
            assert!(matches!(p(bad), Err(ParseError::Syntax(_))), "{bad}");
        }
        assert_eq!(p("  \n"), Err(ParseError::Empty));
        assert_eq!(p(""), Err(ParseError::Empty));
        assert_eq!(parse(&[b'"', 0xff, b'"']), Err(ParseError::InvalidUtf8));
    }

    #[test]
    fn bounds_nesting() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(p(&ok).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(p(&deep), Err(ParseError::TooDeep));
        let very_deep = "{\"a\":".repeat(100_000);
        assert_eq!(p(&very_deep), Err(ParseError::TooDeep));
    }

    #[test]
    fn writes_round_trip() {
        let src = r#"{"a":"x\"y\\z\n\u0001 é","b":[true,false,null],"c":{"d":15}}"#;
        let v = p(src).unwrap();
        let out = v.to_json();
        assert_eq!(p(&out).unwrap(), v);
        assert_eq!(Value::String("\u{2028}".into()).to_json(), "\"\\u2028\"");
        // Runs between escapes are copied whole; every escape is exact.
        assert_eq!(
            Value::String("é\u{1}a\"b\\c\u{2029}d\u{1f}\u{2027}\t".into()).to_json(),
            "\"é\\u0001a\\\"b\\\\c\\u2029d\\u001f\u{2027}\\t\""
        );
        assert_eq!(Value::Number(f64::NAN).to_json(), "null");
        assert_eq!(Value::Number(-42.0).to_json(), "-42");
        assert_eq!(Value::Number(0.5).to_json(), "null");
    }

    #[test]
    fn numbers_are_exact_on_the_fast_path() {
        for (text, v) in [
            ("0", 0.0),
            ("-0", -0.0),
            ("1", 1.0),
            ("-1.5e3", -1500.0),
            ("0.1", 0.1),
            ("123456789012345", 123_456_789_012_345.0),
            ("1e22", 1e22),
            ("2.5E-3", 0.0025),
            ("3.25", 3.25),
            ("1E+2", 100.0),
        ] {
            assert_eq!(p(text).unwrap(), Value::Number(v), "{text}");
        }
        // Outside the fast path: close, finite or infinite as appropriate, never a panic.
        let Value::Number(big) = p("1.7976931348623157e308").unwrap() else {
            panic!()
        };
        assert!((big / f64::MAX - 1.0).abs() < 1e-12);
        assert_eq!(p("1e400").unwrap(), Value::Number(f64::INFINITY));
        assert_eq!(p("1e-400").unwrap(), Value::Number(0.0));
        let Value::Number(long) = p("12345678901234567890123").unwrap() else {
            panic!()
        };
        assert!((long / 1.234_567_890_123_456_8e22 - 1.0).abs() < 1e-12);
    }
}
