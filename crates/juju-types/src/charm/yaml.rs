//! YAML reading for charm files: parse a document with `serde_yaml_ng`,
//! turn it into a `serde_json::Value` (charm files only hold JSON-shaped
//! data), and typed accessors that report errors with the file name and the
//! dotted key path (`requires.db.interface`).

use serde_json::{Map, Number, Value};

use super::CharmError;

/// Where a value sits: the file it came from and its dotted key path.
#[derive(Debug, Clone)]
pub(crate) struct Loc<'a> {
    pub file: &'a str,
    pub path: String,
}

impl<'a> Loc<'a> {
    /// The top of `file`.
    pub fn root(file: &'a str) -> Self {
        Loc {
            file,
            path: String::new(),
        }
    }

    /// The location of `key` below this one.
    pub fn child(&self, key: &str) -> Loc<'a> {
        let path = if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{}", self.path, key)
        };
        Loc {
            file: self.file,
            path,
        }
    }

    /// The location of list element `index` below this one (`mounts[0]`).
    pub fn index(&self, index: usize) -> Loc<'a> {
        Loc {
            file: self.file,
            path: format!("{}[{}]", self.path, index),
        }
    }

    /// An [`CharmError::Invalid`] at this location.
    pub fn err(&self, message: impl Into<String>) -> CharmError {
        CharmError::Invalid {
            file: self.file.to_string(),
            path: self.path.clone(),
            message: message.into(),
        }
    }
}

/// Parse `text` as one YAML document and convert it to JSON. An empty
/// document (or only comments) is `Value::Null`.
pub(crate) fn parse(file: &str, text: &str) -> Result<Value, CharmError> {
    let syntax = |e: serde_yaml_ng::Error| CharmError::Yaml {
        file: file.to_string(),
        message: e.to_string(),
    };
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    let mut doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(text).map_err(syntax)?;
    doc.apply_merge().map_err(syntax)?;
    to_json(&doc, &Loc::root(file))
}

/// Convert a YAML value to JSON. Scalar mapping keys become strings; keys
/// that are themselves collections, and non-finite floats, are errors.
fn to_json(v: &serde_yaml_ng::Value, loc: &Loc) -> Result<Value, CharmError> {
    use serde_yaml_ng::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match Number::from_f64(f) {
                    Some(n) => Value::Number(n),
                    None => return Err(loc.err(format!("unsupported number {n}"))),
                }
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| to_json(item, &loc.index(i)))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, val) in m {
                let key = match k {
                    Y::String(s) => s.clone(),
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Null => "null".to_string(),
                    _ => return Err(loc.err("mapping keys must be scalars")),
                };
                let value = to_json(val, &loc.child(&key))?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => to_json(&t.value, loc)?,
    })
}

/// A short name for the JSON type of `v`, for error messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// `v` as a mapping; `null` counts as an empty mapping.
pub(crate) fn as_map<'v>(
    v: &'v Value,
    loc: &Loc,
    empty: &'v Map<String, Value>,
) -> Result<&'v Map<String, Value>, CharmError> {
    match v {
        Value::Object(m) => Ok(m),
        Value::Null => Ok(empty),
        other => Err(loc.err(format!("expected a mapping, got {}", kind(other)))),
    }
}

/// Optional string field `key` of `m`; `null` is the same as absent.
pub(crate) fn opt_str(
    m: &Map<String, Value>,
    key: &str,
    loc: &Loc,
) -> Result<Option<String>, CharmError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(loc
            .child(key)
            .err(format!("expected a string, got {}", kind(other)))),
    }
}

/// `v` as a boolean. Besides YAML booleans, the YAML 1.1 words (`yes`,
/// `no`, `on`, `off`, `y`, `n`, in their usual capitalisations) count:
/// Juju reads charm files as YAML 1.1, where they are booleans, while
/// `serde_yaml_ng` (YAML 1.2) leaves them as strings.
pub(crate) fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
                Some(true)
            }
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False"
            | "FALSE" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Optional boolean field `key` of `m` (see [`as_bool`]), `false` when absent.
pub(crate) fn opt_bool(m: &Map<String, Value>, key: &str, loc: &Loc) -> Result<bool, CharmError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(v) if as_bool(v).is_some() => Ok(as_bool(v).unwrap_or_default()),
        Some(other) => Err(loc
            .child(key)
            .err(format!("expected a boolean, got {}", kind(other)))),
    }
}

/// Optional non-negative integer field `key` of `m`.
pub(crate) fn opt_u32(
    m: &Map<String, Value>,
    key: &str,
    loc: &Loc,
) -> Result<Option<u32>, CharmError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|u| u32::try_from(u).ok())
            .map(Some)
            .ok_or_else(|| {
                loc.child(key)
                    .err(format!("expected a non-negative integer, got {n}"))
            }),
        Some(other) => Err(loc.child(key).err(format!(
            "expected a non-negative integer, got {}",
            kind(other)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_yaml_to_json() {
        let v = parse(
            "x.yaml",
            "a: 1\nb: [true, 2.5, null]\n3: three\nc: &anchor {d: e}\nf:\n  <<: *anchor\n  g: h\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": 1, "b": [true, 2.5, null], "3": "three", "c": {"d": "e"}, "f": {"d": "e", "g": "h"}})
        );
        assert_eq!(parse("x.yaml", "  \n").unwrap(), Value::Null);
        assert_eq!(parse("x.yaml", "# only a comment\n").unwrap(), Value::Null);
    }

    #[test]
    fn syntax_errors_name_the_file() {
        let e = parse("metadata.yaml", "a: [1,\n").unwrap_err();
        assert!(
            e.to_string().starts_with("metadata.yaml: invalid YAML: "),
            "{e}"
        );
        let e = parse("metadata.yaml", "a: 1\na: 2\n").unwrap_err();
        assert!(e.to_string().contains("duplicate"), "{e}");
        let e = parse("config.yaml", "x:\n  ? [a, b]\n  : c\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "config.yaml: x: mapping keys must be scalars"
        );
        let e = parse("config.yaml", "x: .nan\n").unwrap_err();
        assert_eq!(e.to_string(), "config.yaml: x: unsupported number .nan");
    }

    #[test]
    fn accessors_report_paths() {
        let loc = Loc::root("metadata.yaml").child("requires").child("db");
        let m = json!({"s": 1, "b": "maybe", "n": -1, "ok": 3, "y": "yes", "off": "Off"});
        let m = m.as_object().unwrap();
        assert_eq!(
            opt_str(m, "s", &loc).unwrap_err().to_string(),
            "metadata.yaml: requires.db.s: expected a string, got a number"
        );
        assert_eq!(
            opt_bool(m, "b", &loc).unwrap_err().to_string(),
            "metadata.yaml: requires.db.b: expected a boolean, got a string"
        );
        assert_eq!(
            opt_u32(m, "n", &loc).unwrap_err().to_string(),
            "metadata.yaml: requires.db.n: expected a non-negative integer, got -1"
        );
        assert_eq!(opt_u32(m, "ok", &loc).unwrap(), Some(3));
        assert_eq!(opt_u32(m, "missing", &loc).unwrap(), None);
        assert!(!opt_bool(m, "missing", &loc).unwrap());
        assert!(opt_bool(m, "y", &loc).unwrap());
        assert!(!opt_bool(m, "off", &loc).unwrap());
        assert_eq!(loc.index(2).path, "requires.db[2]");
    }
}
