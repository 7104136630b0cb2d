//! Juju's `--format` rules: the `smart`/`yaml`/`json` names and how each
//! prints a value (trailing newlines, nothing for null, `smart`'s shortcuts
//! for strings, booleans and string lists), and Go's `%q` used in errors.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde_json::Value;

use super::json::to_json;
use super::yaml::to_yaml;

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

/// Like [`format()`], but arrays are never joined by `smart` (Go
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
}
