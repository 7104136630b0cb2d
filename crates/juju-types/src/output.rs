//! Juju's output formats (`smart`, `yaml`, `json`), byte-compatible with Go's
//! `encoding/json` and `yaml.v2` as hook-tools.md §1.3 describes.
//!
//! * [`to_json`] is Go's `json.Marshal`: compact, map keys sorted bytewise,
//!   `<>&` and U+2028/U+2029 escaped, floats printed the Go way (`1.0` → `1`).
//! * [`to_yaml`] is `yaml.v2`'s `Marshal`: block style, keys in yaml.v2's
//!   "natural" order (`unit/2` before `unit/10`), strings quoted only when a
//!   plain scalar would read back as something else, long lines folded at 80
//!   columns, `{}` / `[]` for empty collections.
//! * [`format`] applies Juju's `--format` rules on top (trailing newlines, nil
//!   handling, the `smart` shortcuts).

use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde_json::{Map, Number, Value};

/// An output format selectable with `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Strings raw, booleans as `True`/`False`, lists of strings one per
    /// line, everything else as YAML.
    #[default]
    Smart,
    /// Go `yaml.v2` block style.
    Yaml,
    /// Go `encoding/json`, compact.
    Json,
}

impl Format {
    /// Parse a `--format` value; the error is Juju's (`unknown format "xml"`).
    pub fn parse(name: &str) -> Result<Format, String> {
        match name {
            "smart" => Ok(Format::Smart),
            "yaml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            _ => Err(format!("unknown format {}", go_quote(name))),
        }
    }

    /// The flag value naming this format.
    pub fn name(self) -> &'static str {
        match self {
            Format::Smart => "smart",
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::parse(s)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Format `v` the way Juju's `--format` does, ready to write to stdout.
///
/// A JSON array whose items are all strings is treated like a Go `[]string`
/// (`smart` prints one item per line). Use [`format_untyped`] for values
/// that Go holds as `[]interface{}` (decoded JSON/YAML, e.g. action params).
pub fn format(fmt: Format, v: &Value) -> Vec<u8> {
    format_impl(fmt, v, true)
}

/// Like [`format`], but arrays are never joined by `smart` (Go
/// `[]interface{}` values go through YAML).
pub fn format_untyped(fmt: Format, v: &Value) -> Vec<u8> {
    format_impl(fmt, v, false)
}

fn format_impl(fmt: Format, v: &Value, string_lists: bool) -> Vec<u8> {
    match fmt {
        Format::Json => {
            let mut s = to_json(v);
            s.push('\n');
            s.into_bytes()
        }
        Format::Yaml => format_yaml(v),
        Format::Smart => format_smart(v, string_lists),
    }
}

/// Juju's `FormatYaml`: nothing for null, else the YAML with trailing
/// newlines collapsed to one.
fn format_yaml(v: &Value) -> Vec<u8> {
    if v.is_null() {
        return Vec::new();
    }
    let yaml = to_yaml(v);
    let mut body = yaml.trim_end_matches('\n');
    if body.is_empty() {
        body = &yaml[..yaml.len().min(1)];
    }
    format!("{body}\n").into_bytes()
}

/// Juju's `FormatSmart`.
fn format_smart(v: &Value, string_lists: bool) -> Vec<u8> {
    let text = match v {
        Value::Null => return Vec::new(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Array(items) if string_lists && items.iter().all(Value::is_string) => {
            let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            parts.join("\n")
        }
        _ => return format_yaml(v),
    };
    if text.is_empty() {
        return Vec::new();
    }
    format!("{text}\n").into_bytes()
}

/// Go's `%q` of a string (`strconv.Quote`): double quotes, Go escapes for
/// quotes, backslashes and non-printable characters.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// Approximation of Go's `unicode.IsPrint`: graphic characters plus the
/// ASCII space (no control, format, private-use or non-ASCII space
/// characters).
fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let format_or_private = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0xE000..=0xF8FF | 0xFEFF | 0xFFF9..=0xFFFB | 0xFFFE | 0xFFFF
        | 0xE0000..=0xE007F | 0xF0000..=0x10FFFF);
    !format_or_private
}

// ---------------------------------------------------------------------------
// JSON (Go encoding/json)
// ---------------------------------------------------------------------------

/// Go's `json.Marshal(v)`: compact, keys sorted bytewise, HTML-safe escapes,
/// no trailing newline.
pub fn to_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, v);
    out
}

fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&json_number(n)),
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, key) in sorted_keys(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, key);
                out.push(':');
                write_json(out, &map[key]);
            }
            out.push('}');
        }
    }
}

/// Keys in bytewise order (independent of serde_json's map flavour).
fn sorted_keys(map: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    keys
}

fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        go_json_float(n.as_f64().unwrap_or(0.0))
    }
}

/// The shortest decimal digits of a finite, non-zero |f| and Go's decimal
/// point position (`f = 0.d1d2d3… × 10^dp`).
fn shortest_digits(f: f64) -> (Vec<u8>, i32) {
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    (digits, exp.parse::<i32>().unwrap_or(0) + 1)
}

/// Go `%f` of the shortest digits.
fn fmt_f(digits: &[u8], dp: i32) -> String {
    let mut s = String::new();
    if dp > 0 {
        for i in 0..dp as usize {
            s.push(*digits.get(i).unwrap_or(&b'0') as char);
        }
    } else {
        s.push('0');
    }
    let frac = digits.len() as i32 - dp;
    if frac > 0 {
        s.push('.');
        for i in 0..frac {
            let idx = dp + i;
            let d = if idx >= 0 { digits[idx as usize] } else { b'0' };
            s.push(d as char);
        }
    }
    s
}

/// Go `%e` of the shortest digits (exponent with at least two digits).
fn fmt_e(digits: &[u8], dp: i32) -> String {
    let mut s = String::new();
    s.push(digits[0] as char);
    if digits.len() > 1 {
        s.push('.');
        s.extend(digits[1..].iter().map(|&d| d as char));
    }
    let exp = dp - 1;
    let sign = if exp < 0 { '-' } else { '+' };
    let _ = write!(s, "e{sign}{:02}", exp.abs());
    s
}

fn sign_prefix(f: f64) -> &'static str {
    if f.is_sign_negative() {
        "-"
    } else {
        ""
    }
}

/// A float as Go's `encoding/json` writes it.
fn go_json_float(f: f64) -> String {
    if f == 0.0 {
        return format!("{}0", sign_prefix(f));
    }
    let (digits, dp) = shortest_digits(f);
    let abs = f.abs();
    if !(1e-6..1e21).contains(&abs) {
        let mut s = fmt_e(&digits, dp);
        if let Some(pos) = s.find("e-0") {
            s.remove(pos + 2);
        }
        return format!("{}{s}", sign_prefix(f));
    }
    format!("{}{}", sign_prefix(f), fmt_f(&digits, dp))
}

/// A float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` (what yaml.v2 uses).
fn go_g_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    if f == 0.0 {
        return format!("{}0", sign_prefix(f));
    }
    let (digits, dp) = shortest_digits(f);
    let exp = dp - 1;
    let body = if !(-4..6).contains(&exp) {
        fmt_e(&digits, dp)
    } else {
        fmt_f(&digits, dp)
    };
    format!("{}{body}", sign_prefix(f))
}

fn yaml_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        go_g_float(n.as_f64().unwrap_or(0.0))
    }
}

// ---------------------------------------------------------------------------
// YAML (Go yaml.v2)
// ---------------------------------------------------------------------------

const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;
const MAX_SIMPLE_KEY: usize = 128;

/// Go `yaml.v2.Marshal(v)`: the full document including its final newline
/// (`null\n` for null). See [`format`] for Juju's `--format=yaml` rules.
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter::new();
    e.node(v, NodeCtx::default());
    e.write_indent();
    e.out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// Where a node sits: as a mapping key/value (`mapping`) and whether it is
/// written as a simple `key:`.
#[derive(Debug, Clone, Copy, Default)]
struct NodeCtx {
    mapping: bool,
    simple_key: bool,
}

/// What libyaml's scalar analysis allows for one string.
#[derive(Debug, Clone, Copy)]
struct Analysis {
    multiline: bool,
    block_plain: bool,
    single_ok: bool,
    block_ok: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable` (which rejects tabs and characters beyond the BMP).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

/// Indicator characters that forbid a plain scalar in block context.
fn has_block_indicator(chars: &[char]) -> bool {
    let s: String = chars.iter().take(3).collect();
    if s == "---" || s == "..." {
        return true;
    }
    let mut preceded_ws = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_ws = chars.get(i + 1).is_none_or(|&n| is_blank(n));
        let hit = if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => true,
                '?' | ':' | '-' => followed_ws,
                _ => false,
            }
        } else {
            (c == ':' && followed_ws) || (c == '#' && preceded_ws)
        };
        if hit {
            return true;
        }
        preceded_ws = is_blank(c) || is_break(c) || c == '\0';
    }
    false
}

/// Whitespace/break facts about a scalar (libyaml `analyze_scalar`).
#[derive(Default)]
struct SpaceFacts {
    line_breaks: bool,
    special: bool,
    leading: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
}

fn space_facts(chars: &[char]) -> SpaceFacts {
    let mut f = SpaceFacts::default();
    let (mut prev_space, mut prev_break) = (false, false);
    let last = chars.len() - 1;
    for (i, &c) in chars.iter().enumerate() {
        f.special |= !is_printable(c);
        if c == ' ' {
            f.leading |= i == 0;
            f.trailing_space |= i == last;
            f.break_space |= prev_break;
            (prev_space, prev_break) = (true, false);
        } else if is_break(c) {
            f.line_breaks = true;
            f.leading |= i == 0;
            f.trailing_break |= i == last;
            f.space_break |= prev_space;
            (prev_space, prev_break) = (false, true);
        } else {
            (prev_space, prev_break) = (false, false);
        }
    }
    f
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain: true,
            single_ok: true,
            block_ok: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let f = space_facts(&chars);
    let mut a = Analysis {
        multiline: f.line_breaks,
        block_plain: true,
        single_ok: true,
        block_ok: true,
    };
    if f.leading || f.trailing_space || f.trailing_break || f.line_breaks {
        a.block_plain = false;
    }
    if f.trailing_space {
        a.block_ok = false;
    }
    if f.break_space {
        a.block_plain = false;
        a.single_ok = false;
    }
    if f.space_break || f.special {
        a.block_plain = false;
        a.single_ok = false;
        a.block_ok = false;
    }
    if has_block_indicator(&chars) {
        a.block_plain = false;
    }
    a
}

/// libyaml's `select_scalar_style` for block context.
fn select_style(a: &Analysis, empty: bool, requested: Style, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && a.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!a.block_plain || (empty && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_ok {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_ok || simple_key) {
        style = Style::Double;
    }
    style
}

/// The style yaml.v2 requests for a Go string.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_str(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// Plain scalars yaml.v2 reads as bool, null or special floats.
const RESOLVE_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No",
    "NO", "false", "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan",
    ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
];

/// Whether yaml.v2's `resolve("", s)` gives `!!str`, i.e. the string may be
/// written as a plain scalar without changing its type.
fn resolves_to_str(s: &str) -> bool {
    let hinted = match s.as_bytes().first() {
        None => true,
        Some(b) => b"+-0123456789yYnNtTfFoO~.".contains(b),
    };
    if !hinted {
        return true;
    }
    if RESOLVE_WORDS.contains(&s) {
        return false;
    }
    match s.as_bytes()[0] {
        b'.' => !is_go_decimal_float(s, false),
        b'+' | b'-' | b'0'..=b'9' => !resolves_to_number_or_time(s),
        _ => true,
    }
}

fn resolves_to_number_or_time(s: &str) -> bool {
    if is_yaml_timestamp(s) {
        return true;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if go_parse_int(&plain, 0).is_some() || go_parse_uint(&plain, 0).is_some() {
        return true;
    }
    if is_go_decimal_float(&plain, true) {
        return true;
    }
    if let Some(bits) = plain.strip_prefix("0b") {
        return go_parse_int(bits, 2).is_some() || go_parse_uint(bits, 2).is_some();
    }
    if let Some(bits) = plain.strip_prefix("-0b") {
        return go_parse_int(&format!("-{bits}"), 2).is_some();
    }
    false
}

/// yaml.v2's float regexp (`[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`)
/// plus `strconv.ParseFloat` succeeding (finite). `signed` allows a sign.
fn is_go_decimal_float(s: &str, signed: bool) -> bool {
    let body = if signed {
        s.strip_prefix(['+', '-']).unwrap_or(s)
    } else {
        s
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(p) => (&body[..p], Some(&body[p + 1..])),
        None => (body, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => all_digits(frac),
        Some((int, frac)) => all_digits(int) && (frac.is_empty() || all_digits(frac)),
        None => all_digits(mantissa),
    };
    let exp_ok = exp.is_none_or(|e| all_digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exp_ok && s.parse::<f64>().is_ok_and(f64::is_finite)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Go's `strconv.ParseUint(s, base, 64)` (base 0 detects `0x`, `0o`, `0b`,
/// leading-zero octal).
fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = if base == 0 {
        split_base_prefix(s)
    } else {
        (base, s)
    };
    if digits.is_empty() && !(base == 8 && s == "0") {
        return None;
    }
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(base)?;
        n = n.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    Some(n)
}

fn split_base_prefix(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b[0] != b'0' {
        return (10, s);
    }
    if b.len() >= 3 {
        match b[1].to_ascii_lowercase() {
            b'b' => return (2, &s[2..]),
            b'o' => return (8, &s[2..]),
            b'x' => return (16, &s[2..]),
            _ => {}
        }
    }
    (8, &s[1..])
}

/// Go's `strconv.ParseInt(s, base, 64)`.
fn go_parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(body, base)?;
    if neg {
        (magnitude <= 1u64 << 63).then(|| (magnitude as i64).wrapping_neg())
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// yaml.v2's base-60 float check (`1:20`, `-3:25:45.5`).
fn is_base60_float(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return false;
    };
    if !(first == b'+' || first == b'-' || first.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match body.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (body, None),
    };
    if frac.is_some_and(|f| !f.bytes().all(|b| b.is_ascii_digit() || b == b'_')) {
        return false;
    }
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && head.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let rest: Vec<&str> = parts.collect();
    let sexagesimal = |p: &&str| {
        let b = p.as_bytes();
        match b.len() {
            1 => b[0].is_ascii_digit(),
            2 => (b'0'..=b'5').contains(&b[0]) && b[1].is_ascii_digit(),
            _ => false,
        }
    };
    head_ok && !rest.is_empty() && rest.iter().all(sexagesimal)
}

/// A tiny cursor for yaml.v2's timestamp layouts (Go `time.Parse`).
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    /// One or two digits (Go's non-fixed `getnum`).
    fn num12(&mut self) -> Option<u32> {
        let d0 = (*self.b.get(self.pos)? as char).to_digit(10)?;
        self.pos += 1;
        match self.b.get(self.pos).and_then(|&c| (c as char).to_digit(10)) {
            Some(d1) => {
                self.pos += 1;
                Some(d0 * 10 + d1)
            }
            None => Some(d0),
        }
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.pos) == Some(&c)).then(|| self.pos += 1)
    }
    fn done(&self) -> bool {
        self.pos == self.b.len()
    }
}

fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether yaml.v2 resolves `s` to a timestamp (`2006-1-2`, with optional
/// `T15:4:5.999Z07:00` or ` 15:4:5.999`).
fn is_yaml_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let year: u32 = s[..4].parse().unwrap_or(0);
    let mut c = Cursor { b, pos: 5 };
    let date_ok = (|| {
        let month = c.num12()?;
        c.eat(b'-')?;
        let day = c.num12()?;
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(month, year)).then_some(())
    })();
    if date_ok.is_none() {
        return false;
    }
    if c.done() {
        return true;
    }
    match b[c.pos] {
        b'T' | b't' => {
            c.pos += 1;
            clock(&mut c).is_some() && zone(&mut c).is_some() && c.done()
        }
        b' ' => {
            c.pos += 1;
            clock(&mut c).is_some() && c.done()
        }
        _ => false,
    }
}

/// `15:4:5` with optional fractional seconds.
fn clock(c: &mut Cursor) -> Option<()> {
    let hour = c.num12()?;
    c.eat(b':')?;
    let min = c.num12()?;
    c.eat(b':')?;
    let sec = c.num12()?;
    if hour >= 24 || min >= 60 || sec >= 60 {
        return None;
    }
    let frac_start = matches!(c.b.get(c.pos), Some(b'.' | b','))
        && c.b.get(c.pos + 1).is_some_and(u8::is_ascii_digit);
    if frac_start {
        c.pos += 1;
        while c.b.get(c.pos).is_some_and(u8::is_ascii_digit) {
            c.pos += 1;
        }
    }
    Some(())
}

/// `Z07:00`: `Z` or `±hh:mm`.
fn zone(c: &mut Cursor) -> Option<()> {
    if c.eat(b'Z').is_some() {
        return Some(());
    }
    let rest = c.b.get(c.pos..c.pos + 6)?;
    let digits = |x: &[u8]| x.iter().all(u8::is_ascii_digit);
    let ok = matches!(rest[0], b'+' | b'-')
        && rest[3] == b':'
        && digits(&rest[1..3])
        && digits(&rest[4..6]);
    if !ok {
        return None;
    }
    let two = |x: &[u8]| (x[0] - b'0') as u32 * 10 + (x[1] - b'0') as u32;
    (two(&rest[1..3]) <= 24 && two(&rest[4..6]) <= 60).then(|| c.pos += 6)
}

/// Go's `unicode.IsDigit` (approximately).
fn is_go_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// yaml.v2's map-key order for string keys: letters compare as runes,
/// non-letters sort before letters, digit runs compare numerically.
fn yaml_key_less(a: &str, b: &str) -> bool {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        return digit_run_less(&ar, &br, i);
    }
    ar.len() < br.len()
}

fn digit_run_less(ar: &[char], br: &[char], i: usize) -> bool {
    let (mut an, mut bn): (i64, i64) = (0, 0);
    if ar[i] == '0' || br[i] == '0' {
        let nonzero_before = ar[..i]
            .iter()
            .rev()
            .take_while(|c| is_go_digit(**c))
            .any(|&c| c != '0');
        if nonzero_before {
            (an, bn) = (1, 1);
        }
    }
    let run = |r: &[char], mut n: i64| {
        let mut j = i;
        while j < r.len() && is_go_digit(r[j]) {
            n = n.wrapping_mul(10).wrapping_add(r[j] as i64 - '0' as i64);
            j += 1;
        }
        (n, j)
    };
    let ((an, ai), (bn, bi)) = (run(ar, an), run(br, bn));
    if an != bn {
        return an < bn;
    }
    if ai != bi {
        return ai < bi;
    }
    ar[i] < br[i]
}

/// Keys in yaml.v2 order (a merge sort, robust to an inconsistent order).
fn yaml_sorted_keys(map: &Map<String, Value>) -> Vec<&String> {
    let keys: Vec<&String> = map.keys().collect();
    merge_sort(keys)
}

fn merge_sort(v: Vec<&String>) -> Vec<&String> {
    if v.len() <= 1 {
        return v;
    }
    let mut left = v;
    let right = merge_sort(left.split_off(left.len() / 2));
    let left = merge_sort(left);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(&a), Some(&b)) = (l.peek(), r.peek()) {
        if yaml_key_less(b, a) {
            out.push(b);
            r.next();
        } else {
            out.push(a);
            l.next();
        }
    }
    out.extend(l);
    out.extend(r);
    out
}

/// A small re-creation of libyaml's emitter for block-style documents.
struct Emitter {
    out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
}

impl Emitter {
    fn new() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, v: &Value, ctx: NodeCtx) {
        match v {
            Value::Null => self.scalar("null", Style::Plain, ctx),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Value::Number(n) => self.scalar(&yaml_number(n), Style::Plain, ctx),
            Value::String(s) => self.scalar(s, string_style(s), ctx),
            Value::Array(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Array(items) => self.block_sequence(items, ctx),
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::Object(map) => self.block_mapping(map),
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Value], ctx: NodeCtx) {
        let indentless = ctx.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, NodeCtx::default());
        }
        self.pop_indent();
    }

    fn block_mapping(&mut self, map: &Map<String, Value>) {
        self.increase_indent(false, false);
        for key in yaml_sorted_keys(map) {
            self.write_indent();
            let simple = !analyze(key).multiline && key.len() <= MAX_SIMPLE_KEY;
            let key_ctx = NodeCtx {
                mapping: true,
                simple_key: simple,
            };
            if simple {
                self.scalar(key, string_style(key), key_ctx);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(key, string_style(key), key_ctx);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            let value_ctx = NodeCtx {
                mapping: true,
                simple_key: false,
            };
            self.node(&map[key.as_str()], value_ctx);
        }
        self.pop_indent();
    }

    fn scalar(&mut self, text: &str, requested: Style, ctx: NodeCtx) {
        let a = analyze(text);
        let style = select_style(&a, text.is_empty(), requested, ctx.simple_key);
        self.increase_indent(true, false);
        let chars: Vec<char> = text.chars().collect();
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(&chars, allow_breaks),
            Style::Single => self.write_single(&chars, allow_breaks),
            Style::Double => self.write_double(&chars, allow_breaks),
            Style::Literal => self.write_literal(&chars),
        }
        self.pop_indent();
    }

    /// Folding rule shared by plain and quoted writers: break instead of
    /// this space when the line is already past the best width.
    fn should_fold(&self, allow_breaks: bool, spaces: bool) -> bool {
        allow_breaks && !spaces && self.column > BEST_WIDTH
    }

    fn write_plain(&mut self, chars: &[char], allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if self.should_fold(allow_breaks, spaces) && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                (spaces, breaks) = (false, false);
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, chars: &[char], allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let last = chars.len().saturating_sub(1);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let inner = i > 0 && i < last && chars.get(i + 1) != Some(&' ');
                if self.should_fold(allow_breaks, spaces) && inner {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                (spaces, breaks) = (false, false);
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, chars: &[char], allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let last = chars.len().saturating_sub(1);
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                if self.should_fold(allow_breaks, spaces) && i > 0 && i < last {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(s) = short {
            self.put(s);
            return;
        }
        let v = c as u32;
        let (letter, width) = match v {
            0..=0xFF => ('x', 2),
            0x100..=0xFFFF => ('u', 4),
            _ => ('U', 8),
        };
        self.put(letter);
        for ch in format!("{v:0width$X}").chars() {
            self.put(ch);
        }
    }

    fn write_literal(&mut self, chars: &[char]) {
        self.write_indicator("|", true, false, false);
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        if let Some(hint) = chomp_hint(chars) {
            self.write_indicator(hint, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// Block scalar chomping indicator: `-` strip, `+` keep, none for clip.
fn chomp_hint(chars: &[char]) -> Option<&'static str> {
    match chars {
        [] => Some("-"),
        [.., last] if !is_break(*last) => Some("-"),
        [_] => Some("+"),
        [.., prev, _] if is_break(*prev) => Some("+"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(v: Value) -> String {
        String::from_utf8(format(Format::Yaml, &v)).unwrap()
    }
    fn smart(v: Value) -> String {
        String::from_utf8(format(Format::Smart, &v)).unwrap()
    }
    fn jsonf(v: Value) -> String {
        String::from_utf8(format(Format::Json, &v)).unwrap()
    }

    #[test]
    fn format_names() {
        assert_eq!(Format::parse("json"), Ok(Format::Json));
        assert_eq!("yaml".parse::<Format>(), Ok(Format::Yaml));
        assert_eq!(Format::parse("smart").unwrap().to_string(), "smart");
        assert_eq!(
            Format::parse("xml"),
            Err("unknown format \"xml\"".to_string())
        );
        assert_eq!(
            Format::parse("JSON"),
            Err("unknown format \"JSON\"".to_string())
        );
    }

    /// The table of juju/cmd's own output tests, expressed in JSON values.
    #[test]
    fn juju_cmd_output_table() {
        let cases: &[(Value, &str, &str, &str)] = &[
            // value, smart, json, yaml
            (json!(null), "", "null\n", ""),
            (json!(""), "", "\"\"\n", "\"\"\n"),
            (json!(1), "1\n", "1\n", "1\n"),
            (json!(-1), "-1\n", "-1\n", "-1\n"),
            (json!(1.1), "1.1\n", "1.1\n", "1.1\n"),
            (json!(10000000), "10000000\n", "10000000\n", "10000000\n"),
            (json!(true), "True\n", "true\n", "true\n"),
            (json!(false), "False\n", "false\n", "false\n"),
            (json!("hello"), "hello\n", "\"hello\"\n", "hello\n"),
            (json!("\n\n\n"), "\n\n\n\n", "\"\\n\\n\\n\"\n", "|2+\n"),
            (
                json!("foo: bar"),
                "foo: bar\n",
                "\"foo: bar\"\n",
                "'foo: bar'\n",
            ),
            (json!([]), "", "[]\n", "[]\n"),
            (
                json!(["blam", "dink"]),
                "blam\ndink\n",
                "[\"blam\",\"dink\"]\n",
                "- blam\n- dink\n",
            ),
            (
                json!({"foo": "bar"}),
                "foo: bar\n",
                "{\"foo\":\"bar\"}\n",
                "foo: bar\n",
            ),
            (json!({}), "{}\n", "{}\n", "{}\n"),
        ];
        for (v, s, j, y) in cases {
            assert_eq!(smart(v.clone()), *s, "smart {v}");
            assert_eq!(jsonf(v.clone()), *j, "json {v}");
            assert_eq!(yaml(v.clone()), *y, "yaml {v}");
        }
    }

    #[test]
    fn smart_lists() {
        assert_eq!(smart(json!(["a"])), "a\n");
        assert_eq!(smart(json!(["a", 1])), "- a\n- 1\n");
        let untyped = format_untyped(Format::Smart, &json!(["a", "b"]));
        assert_eq!(String::from_utf8(untyped).unwrap(), "- a\n- b\n");
        let empty = format_untyped(Format::Smart, &json!([]));
        assert_eq!(String::from_utf8(empty).unwrap(), "[]\n");
        assert_eq!(smart(json!("multi\nline")), "multi\nline\n");
        assert_eq!(smart(json!(0.5)), "0.5\n");
    }

    #[test]
    fn json_escapes_and_order() {
        let cases: &[(Value, &str)] = &[
            (
                json!("<a href=\"x\">&</a>"),
                r#""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e""#,
            ),
            (json!("tab\there\r\n\u{8}\u{c}"), r#""tab\there\r\n\b\f""#),
            (json!("\u{1}\u{1f}\u{7f}"), "\"\\u0001\\u001f\u{7f}\""),
            (json!("\u{2028}\u{2029}é☃😀"), "\"\\u2028\\u2029é☃😀\""),
            (json!("back\\slash"), r#""back\\slash""#),
            (
                json!({"b": 1, "a": [true, null], "B": {}}),
                r#"{"B":{},"a":[true,null],"b":1}"#,
            ),
            (
                json!({"debug": false, "name": "wp", "port": 8080, "ratio": 0.5}),
                r#"{"debug":false,"name":"wp","port":8080,"ratio":0.5}"#,
            ),
            (json!(u64::MAX), "18446744073709551615"),
            (json!(i64::MIN), "-9223372036854775808"),
        ];
        for (v, want) in cases {
            assert_eq!(to_json(v), *want);
        }
    }

    #[test]
    fn go_floats() {
        let cases: &[(f64, &str, &str)] = &[
            // value, encoding/json, yaml.v2 ('g')
            (1.0, "1", "1"),
            (0.5, "0.5", "0.5"),
            (-2.25, "-2.25", "-2.25"),
            (100000.0, "100000", "100000"),
            (1000000.0, "1000000", "1e+06"),
            (1234567.0, "1234567", "1.234567e+06"),
            (0.0001, "0.0001", "0.0001"),
            (0.00001, "0.00001", "1e-05"),
            (0.000001, "0.000001", "1e-06"),
            (0.0000001, "1e-7", "1e-07"),
            (1.5e-10, "1.5e-10", "1.5e-10"),
            (1e20, "100000000000000000000", "1e+20"),
            (1e21, "1e+21", "1e+21"),
            (
                1.7976931348623157e308,
                "1.7976931348623157e+308",
                "1.7976931348623157e+308",
            ),
            (5e-324, "5e-324", "5e-324"),
            (0.1, "0.1", "0.1"),
            (123.456, "123.456", "123.456"),
            (0.0, "0", "0"),
            (-0.0, "-0", "-0"),
        ];
        for (f, j, g) in cases {
            assert_eq!(go_json_float(*f), *j, "json {f}");
            assert_eq!(go_g_float(*f), *g, "yaml {f}");
        }
        assert_eq!(go_g_float(f64::INFINITY), ".inf");
        assert_eq!(go_g_float(f64::NEG_INFINITY), "-.inf");
        assert_eq!(go_g_float(f64::NAN), ".nan");
    }

    #[test]
    fn yaml_string_quoting() {
        let cases: &[(&str, &str)] = &[
            ("hello", "hello"),
            ("hello world", "hello world"),
            ("", "\"\""),
            ("true", "\"true\""),
            ("True", "\"True\""),
            ("yes", "\"yes\""),
            ("Off", "\"Off\""),
            ("y", "\"y\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            ("12345", "\"12345\""),
            ("-1", "\"-1\""),
            ("+1", "\"+1\""),
            ("1.5", "\"1.5\""),
            (".5", "\".5\""),
            ("1e3", "\"1e3\""),
            ("1_000", "\"1_000\""),
            ("0x1F", "\"0x1F\""),
            ("0o17", "\"0o17\""),
            ("0b101", "\"0b101\""),
            ("08", "\"08\""),
            ("0755", "\"0755\""),
            (".inf", "\".inf\""),
            ("-.INF", "\"-.INF\""),
            ("12:30", "\"12:30\""),
            ("1:20:30.5", "\"1:20:30.5\""),
            ("2024-01-02", "\"2024-01-02\""),
            ("2024-1-2", "\"2024-1-2\""),
            (
                "2001-12-14t21:59:43.10-05:00",
                "\"2001-12-14t21:59:43.10-05:00\"",
            ),
            ("2001-12-14 21:59:43.10", "\"2001-12-14 21:59:43.10\""),
            ("2001-12-14T21:59:43Z", "\"2001-12-14T21:59:43Z\""),
            ("2024-02-30", "2024-02-30"),
            ("2024-13-01", "2024-13-01"),
            ("1.2.3", "1.2.3"),
            ("v1.2", "v1.2"),
            ("1e400", "1e400"),
            ("-", "'-'"),
            ("- x", "'- x'"),
            ("-x", "-x"),
            ("+", "+"),
            (".", "."),
            ("a: b", "'a: b'"),
            ("a:b", "a:b"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("#x", "'#x'"),
            ("@x", "'@x'"),
            ("x@y", "x@y"),
            ("*x", "'*x'"),
            ("!x", "'!x'"),
            ("%x", "'%x'"),
            ("[x]", "'[x]'"),
            ("{x}", "'{x}'"),
            ("x, y", "x, y"),
            ("?x", "?x"),
            ("? x", "'? x'"),
            (":x", ":x"),
            ("---", "'---'"),
            ("...x", "'...x'"),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("it's", "it's"),
            ("'q'", "'''q'''"),
            ("\"dq\"", "'\"dq\"'"),
            ("tab\there", "\"tab\\there\""),
            ("bell\u{7}", "\"bell\\a\""),
            ("nbsp\u{a0}", "nbsp\u{a0}"),
            ("esc\u{1b}", "\"esc\\e\""),
            ("del\u{7f}", "\"del\\x7F\""),
            ("c1\u{80}", "\"c1\\x80\""),
            ("bom\u{feff}", "\"bom\\uFEFF\""),
            ("emoji😀", "\"emoji\\U0001F600\""),
            ("é☃", "é☃"),
            ("cr\rx", "\"cr\\rx\""),
            ("<<", "<<"),
            ("secret:abc", "secret:abc"),
            ("unit/0", "unit/0"),
            ("http://x/y", "http://x/y"),
        ];
        for (s, want) in cases {
            assert_eq!(yaml(json!(s)), format!("{want}\n"), "string {s:?}");
        }
    }

    #[test]
    fn yaml_multiline_strings() {
        let cases: &[(&str, &str)] = &[
            ("a\nb", "|-\n  a\n  b\n"),
            ("a\nb\n", "|\n  a\n  b\n"),
            ("a\n\n", "|+\n  a\n"),
            ("\n", "|2+\n"),
            (" a\nb", "|2-\n   a\n  b\n"),
            ("a\n\nb", "|-\n  a\n\n  b\n"),
            ("a \nb", "\"a \\nb\"\n"),
            ("a\n b", "|-\n  a\n   b\n"),
            ("a\tb\nc", "\"a\\tb\\nc\"\n"),
            ("trailing \n", "\"trailing \\n\"\n"),
        ];
        for (s, want) in cases {
            assert_eq!(yaml(json!(s)), *want, "string {s:?}");
        }
        assert_eq!(
            yaml(json!({"k": "l1\nl2\n", "z": {"n": "x\ny"}})),
            "k: |\n  l1\n  l2\nz:\n  \"n\": |-\n    x\n    y\n"
        );
        assert_eq!(yaml(json!(["a\nb"])), "- |-\n  a\n  b\n");
    }

    #[test]
    fn yaml_structure() {
        let v = json!({
            "b": [1, "two", {"x": null, "y": []}],
            "a": {"nested": {"deep": true}, "empty": {}},
            "list": [["p", "q"], []],
        });
        let want = "a:\n  empty: {}\n  nested:\n    deep: true\nb:\n- 1\n- two\n- x: null\n  \
                    \"y\": []\nlist:\n- - p\n  - q\n- []\n";
        assert_eq!(yaml(v), want);
        assert_eq!(yaml(json!([{"a": 1, "b": 2}, 3])), "- a: 1\n  b: 2\n- 3\n");
        assert_eq!(yaml(json!([])), "[]\n");
        assert_eq!(
            yaml(json!({"": "", "yes": "no"})),
            "\"\": \"\"\n\"yes\": \"no\"\n"
        );
        assert_eq!(to_yaml(&json!(null)), "null\n");
        assert_eq!(to_yaml(&json!({})), "{}\n");
    }

    #[test]
    fn yaml_status_get_shape() {
        let v = json!({"application-status": {"message": "installing", "status": "maintenance",
            "status-data": {}, "units": {"wp/0": {"message": "", "status": "active", "status-data": {}}}}});
        let want = "application-status:\n  message: installing\n  status: maintenance\n  \
                    status-data: {}\n  units:\n    wp/0:\n      message: \"\"\n      status: active\n      \
                    status-data: {}\n";
        assert_eq!(yaml(v), want);
    }

    #[test]
    fn yaml_key_order() {
        let v = json!({"unit/10": 1, "unit/2": 2, "unit/1": 3, "b": 4, "B": 5, "a-b": 6, "ab": 7,
                       "a~": 8, "a_": 9, "x01": 10, "x1": 11, "x001": 12});
        let keys: Vec<String> = yaml(v)
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect();
        assert_eq!(
            keys,
            [
                "B", "a-b", "a_", "a~", "ab", "b", "unit/1", "unit/2", "unit/10", "x1", "x01",
                "x001"
            ]
        );
        assert!(yaml_key_less("a2", "a10"));
        assert!(!yaml_key_less("a10", "a2"));
        assert!(yaml_key_less("a", "ab"));
        assert!(yaml_key_less("1", "a"));
    }

    #[test]
    fn yaml_folds_long_lines() {
        let words = vec!["word"; 30].join(" ");
        let out = yaml(json!({ "message": words }));
        let mut lines = out.lines();
        let first = lines.next().unwrap();
        assert!(first.starts_with("message: word"));
        assert!(
            first.chars().count() > 80 && first.chars().count() <= 85,
            "{first}"
        );
        let second = lines.next().unwrap();
        assert!(second.starts_with("  word"), "{second:?}");
        // Re-joining the folded lines gives the original text back.
        let body = out.trim_start_matches("message: ").replace("\n  ", " ");
        assert_eq!(body.trim_end(), words);
        // Keys are never folded.
        let long_key = vec!["k"; 60].join(" ");
        let out = yaml(json!({ long_key.clone(): 1 }));
        assert_eq!(out, format!("{long_key}: 1\n"));
        // Top-level scalars fold with a two-space indent.
        let out = yaml(json!(words));
        assert!(out.contains("\n  word"));
        // Quoted scalars fold too (escaping a following space).
        let quoted = format!("#{}", vec!["w"; 60].join(" "));
        let out = yaml(json!({ "k": quoted }));
        assert!(out.starts_with("k: '#w w"), "{out}");
        assert!(out.contains("\n  w"), "{out}");
    }

    #[test]
    fn yaml_complex_keys() {
        let long = "x".repeat(129);
        assert_eq!(yaml(json!({ long.clone(): 1 })), format!("? {long}\n: 1\n"));
        assert_eq!(yaml(json!({"a\nb": 1})), "? |-\n  a\n  b\n: 1\n");
        assert_eq!(yaml(json!({"a: b": "x"})), "'a: b': x\n");
    }

    #[test]
    fn yaml_numbers() {
        assert_eq!(yaml(json!(1000000.0)), "1e+06\n");
        assert_eq!(yaml(json!(1000000)), "1000000\n");
        assert_eq!(yaml(json!({"f": 2.0, "i": -3})), "f: 2\ni: -3\n");
        assert_eq!(yaml(json!(u64::MAX)), "18446744073709551615\n");
    }

    #[test]
    fn go_quoting() {
        let cases: &[(&str, &str)] = &[
            ("x", r#""x""#),
            ("", r#""""#),
            ("a\"b\\c", r#""a\"b\\c""#),
            ("\n\t\r\u{7}\u{8}\u{b}\u{c}", r#""\n\t\r\a\b\v\f""#),
            ("\u{0}\u{1b}\u{7f}", r#""\x00\x1b\x7f""#),
            ("é☃😀", "\"é☃😀\""),
            ("\u{a0}\u{200b}\u{feff}", r#""\u00a0\u200b\ufeff""#),
            ("\u{e000}", r#""\ue000""#),
            ("\u{f0000}", r#""\U000f0000""#),
        ];
        for (s, want) in cases {
            assert_eq!(go_quote(s), *want);
        }
    }

    #[test]
    fn go_integer_parsing() {
        assert_eq!(go_parse_int("0x1F", 0), Some(31));
        assert_eq!(go_parse_int("-0b11", 0), Some(-3));
        assert_eq!(go_parse_int("0", 0), Some(0));
        assert_eq!(go_parse_int("017", 0), Some(15));
        assert_eq!(go_parse_int("0x", 0), None);
        assert_eq!(go_parse_int("08", 0), None);
        assert_eq!(go_parse_int("9223372036854775808", 0), None);
        assert_eq!(go_parse_int("-9223372036854775808", 0), Some(i64::MIN));
        assert_eq!(go_parse_uint("18446744073709551615", 0), Some(u64::MAX));
        assert_eq!(go_parse_uint("+1", 0), None);
        assert!(resolves_to_str("0b-1x"));
        assert!(!resolves_to_str("0b-1"));
        assert!(resolves_to_str("0xFFFFFFFFFFFFFFFFFF"));
    }
}
