//! Go's `encoding/json` `Marshal`: compact, map keys sorted bytewise, `<>&`
//! and U+2028/U+2029 escaped, numbers printed the Go way.

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

use super::gofloat::go_json_float;

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
