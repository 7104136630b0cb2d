//! Output of values that Juju prints from Go structs, whose fields keep
//! their declared order in both JSON and YAML (`network-get`, `goal-state`),
//! while Go maps inside them are sorted: bytewise in JSON, in yaml.v2's
//! "natural" order in YAML (`wp/2` before `wp/10`).
//!
//! `juju_types::output` works on `serde_json::Value`, whose maps are always
//! sorted, so this module builds the text itself from a small tree, reusing
//! that module's scalar rendering (JSON escaping, yaml.v2 quoting rules) and
//! its yaml.v2 key order (`sort_yaml_keys`), the one order all YAML here uses.

use std::collections::BTreeMap;

use juju_types::output::{sort_yaml_keys, to_json, to_yaml, Format};
use serde_json::Value;

/// A value to print.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Str(String),
    List(Vec<Node>),
    /// A Go struct: fields in declared order.
    Struct(Vec<(&'static str, Node)>),
    /// A Go map.
    Map(BTreeMap<String, Node>),
}

impl Node {
    /// The bytes `--format` prints for this structure: compact JSON plus a
    /// newline, or YAML (also for `smart`, which prints structures as YAML).
    pub(crate) fn render(&self, format: Format) -> Vec<u8> {
        match format {
            Format::Json => format!("{}\n", self.to_json()).into_bytes(),
            Format::Yaml | Format::Smart => self.to_yaml().into_bytes(),
        }
    }

    /// Go `json.Marshal`: compact, struct fields in order, map keys sorted.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        let mut entries = |items: &mut dyn Iterator<Item = (&str, &Node)>| {
            out.push('{');
            for (i, (k, v)) in items.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_str(k));
                out.push(':');
                v.write_json(out);
            }
            out.push('}');
        };
        match self {
            Node::Str(s) => out.push_str(&json_str(s)),
            Node::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Node::Struct(fields) => entries(&mut fields.iter().map(|(k, v)| (*k, v))),
            Node::Map(map) => entries(&mut map.iter().map(|(k, v)| (k.as_str(), v))),
        }
    }

    /// yaml.v2 block style, ending in one newline.
    pub(crate) fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self.inline_yaml() {
            Some(text) => {
                out.push_str(&text);
                out.push('\n');
            }
            None => self.write_block(&mut out, 0, false),
        }
        out
    }

    /// The one-line form of a scalar or empty collection; `None` for a
    /// collection that needs block style.
    fn inline_yaml(&self) -> Option<String> {
        match self {
            Node::Str(s) => Some(yaml_str(s)),
            Node::List(items) if items.is_empty() => Some("[]".into()),
            Node::Struct(fields) if fields.is_empty() => Some("{}".into()),
            Node::Map(map) if map.is_empty() => Some("{}".into()),
            _ => None,
        }
    }

    /// A non-empty collection at `indent`. With `inline` the first line
    /// continues the current one (after a `- `).
    fn write_block(&self, out: &mut String, indent: usize, inline: bool) {
        let pad = |out: &mut String, first: bool| {
            if !(first && inline) {
                out.push_str(&" ".repeat(indent));
            }
        };
        let entries = |out: &mut String, items: Vec<(&str, &Node)>| {
            for (i, (k, v)) in items.into_iter().enumerate() {
                pad(out, i == 0);
                out.push_str(&yaml_str(k));
                out.push(':');
                match v.inline_yaml() {
                    Some(text) => {
                        out.push(' ');
                        out.push_str(&text);
                        out.push('\n');
                    }
                    // Sequences in a mapping are not indented (libyaml's
                    // "indentless" sequences); mappings are, by two.
                    None => {
                        out.push('\n');
                        let nested = match v {
                            Node::List(_) => indent,
                            _ => indent + 2,
                        };
                        v.write_block(out, nested, false);
                    }
                }
            }
        };
        match self {
            Node::Str(_) => unreachable!("scalars are written inline"),
            Node::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    pad(out, i == 0);
                    out.push_str("- ");
                    match item.inline_yaml() {
                        Some(text) => {
                            out.push_str(&text);
                            out.push('\n');
                        }
                        None => item.write_block(out, indent + 2, true),
                    }
                }
            }
            Node::Struct(fields) => entries(out, fields.iter().map(|(k, v)| (*k, v)).collect()),
            Node::Map(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                sort_yaml_keys(&mut keys);
                entries(
                    out,
                    keys.into_iter().map(|k| (k.as_str(), &map[k])).collect(),
                );
            }
        }
    }
}

fn json_str(s: &str) -> String {
    to_json(&Value::String(s.to_string()))
}

/// A string as yaml.v2 writes it (plain, or quoted when a plain scalar would
/// read back as something else). Strings that yaml.v2 would spread over
/// several lines (literal blocks, folding) are written double-quoted with
/// JSON escapes instead, which YAML reads back identically.
fn yaml_str(s: &str) -> String {
    let doc = to_yaml(&Value::String(s.to_string()));
    let text = doc.strip_suffix('\n').unwrap_or(&doc);
    if text.contains('\n') {
        json_str(s)
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Node {
        Node::Str(v.into())
    }

    fn map(pairs: Vec<(&str, Node)>) -> Node {
        Node::Map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    #[test]
    fn struct_order_and_map_order() {
        let status = |st: &str| Node::Struct(vec![("status", s(st)), ("since", s("x"))]);
        let units = map(vec![
            ("wp/10", status("a")),
            ("wp/2", status("b")),
            ("wp/1", status("c")),
        ]);
        let top = Node::Struct(vec![("units", units), ("relations", map(vec![]))]);
        assert_eq!(
            top.to_json(),
            "{\"units\":{\"wp/1\":{\"status\":\"c\",\"since\":\"x\"},\
             \"wp/10\":{\"status\":\"a\",\"since\":\"x\"},\
             \"wp/2\":{\"status\":\"b\",\"since\":\"x\"}},\"relations\":{}}"
        );
        assert_eq!(
            top.to_yaml(),
            "units:\n  wp/1:\n    status: c\n    since: x\n  wp/2:\n    status: b\n    since: x\n  \
             wp/10:\n    status: a\n    since: x\nrelations: {}\n"
        );
    }

    #[test]
    fn sequences() {
        let item = Node::Struct(vec![
            ("a", s("1")),
            (
                "list",
                Node::List(vec![s("x"), Node::List(vec![s("y"), s("z")])]),
            ),
            ("empty", Node::List(vec![])),
            ("m", map(vec![("k", s(""))])),
        ]);
        let top = Node::Struct(vec![("items", Node::List(vec![item.clone(), item]))]);
        let one =
            "- a: \"1\"\n  list:\n  - x\n  - - \"y\"\n    - z\n  empty: []\n  m:\n    k: \"\"\n";
        assert_eq!(top.to_yaml(), format!("items:\n{one}{one}"));
        assert_eq!(Node::List(vec![]).to_yaml(), "[]\n");
        assert_eq!(s("true").to_yaml(), "\"true\"\n");
        assert_eq!(s("a\nb").to_yaml(), "\"a\\nb\"\n");
        assert_eq!(
            Node::List(vec![s("<&>")]).render(Format::Json),
            b"[\"\\u003c\\u0026\\u003e\"]\n"
        );
    }

    #[test]
    fn natural_order() {
        let keys: Vec<String> = ["b", "a10", "a2", "a", "B", "1", "a02", "a-b", "ab", "a/0"]
            .iter()
            .map(|k| k.to_string())
            .collect();
        let mut refs: Vec<&String> = keys.iter().collect();
        sort_yaml_keys(&mut refs);
        let got: Vec<&str> = refs.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            got,
            ["1", "B", "a", "a-b", "a/0", "a2", "a02", "a10", "ab", "b"]
        );
    }
}
