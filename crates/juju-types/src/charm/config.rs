//! Charm config options (`config.yaml`, or `config:` in a unified
//! `charmcraft.yaml`): the option schema, its defaults, and the conversion
//! and checking of values set by `juju config` / `juju deploy --config`.
//!
//! Juju's rules, as this module reproduces them:
//! * option types are `string`, `int`, `float`, `boolean`, `secret`; a
//!   missing type means `string`;
//! * a default must have the option's type, except that `default: ""` is
//!   always accepted for a string option; `null` means "no default";
//! * values given on the command line are strings converted to the type:
//!   `int` is a decimal 64-bit integer, `float` a decimal number, `boolean`
//!   one of Go's `strconv.ParseBool` spellings (`1 t T TRUE true True` and
//!   `0 f F FALSE false False`), `secret` a secret URI (`secret:<id>`,
//!   `secret://<model-uuid>/<id>` or a bare 20-character id);
//! * values coming from YAML keep their type, and a string is also accepted
//!   where it parses as the wanted type (as Juju's schema coercion does).
//!   For booleans the YAML 1.1 words (`yes`, `no`, `on`, `off`, `y`, `n`)
//!   are accepted too, because Juju reads YAML 1.1 where those are booleans
//!   while `serde_yaml_ng` (YAML 1.2) reads them as strings;
//! * errors read `option "port" expected int, got "abc"` and
//!   `unknown option "x"`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use super::yaml::{self, as_map, opt_str, Loc};
use super::CharmError;

/// The type of a config option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionType {
    String,
    Int,
    Float,
    Boolean,
    Secret,
}

impl OptionType {
    /// The name used in `config.yaml` and `juju config` output.
    pub fn as_str(self) -> &'static str {
        match self {
            OptionType::String => "string",
            OptionType::Int => "int",
            OptionType::Float => "float",
            OptionType::Boolean => "boolean",
            OptionType::Secret => "secret",
        }
    }

    /// Parse a type name from `config.yaml`.
    pub fn from_name(name: &str) -> Option<OptionType> {
        Some(match name {
            "string" => OptionType::String,
            "int" => OptionType::Int,
            "float" => OptionType::Float,
            "boolean" => OptionType::Boolean,
            "secret" => OptionType::Secret,
            _ => return None,
        })
    }
}

impl fmt::Display for OptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One declared config option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigOption {
    #[serde(rename = "type")]
    pub kind: OptionType,
    /// The default, already of the option's type; `None` when there is none.
    pub default: Option<Value>,
    pub description: String,
}

/// A config value that does not fit the charm's schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("unknown option {0:?}")]
    UnknownOption(String),
    /// `got` is the offending value as Juju prints it: strings quoted,
    /// anything else as JSON.
    #[error("option {key:?} expected {expected}, got {got}")]
    WrongType {
        key: String,
        expected: OptionType,
        got: String,
    },
}

/// One option's effective value and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    /// `None`: unset, with no default.
    pub value: Option<Value>,
    /// `user`, `default` or `unset`.
    pub source: &'static str,
}

/// All options of a charm.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConfigSchema {
    pub options: BTreeMap<String, ConfigOption>,
}

impl ConfigSchema {
    /// Parse and validate the text of a `config.yaml`.
    pub fn parse(text: &str) -> Result<ConfigSchema, CharmError> {
        let doc = yaml::parse("config.yaml", text)?;
        parse_config(&doc, &Loc::root("config.yaml"))
    }

    /// The option called `key`.
    pub fn get(&self, key: &str) -> Result<&ConfigOption, ConfigError> {
        self.options
            .get(key)
            .ok_or_else(|| ConfigError::UnknownOption(key.to_string()))
    }

    /// Every option that has a default, with that default.
    pub fn defaults(&self) -> BTreeMap<String, Value> {
        self.options
            .iter()
            .filter_map(|(k, o)| o.default.clone().map(|d| (k.clone(), d)))
            .collect()
    }

    /// The effective config, the one rule everything uses (config-get, the
    /// `config` command, the config-changed hash): every option, with the
    /// user's value if set, else the charm's default, else `None`; and where
    /// the value comes from (`user`, `default` (also a user value equal to
    /// the default, as Juju reports it), `unset`).
    pub fn effective(&self, user: &Map<String, Value>) -> BTreeMap<String, Effective> {
        self.options
            .iter()
            .map(|(k, opt)| {
                let set = user.get(k).filter(|v| !v.is_null());
                let source = match (set, &opt.default) {
                    (Some(v), Some(d)) if v == d => "default",
                    (Some(_), _) => "user",
                    (None, Some(_)) => "default",
                    (None, None) => "unset",
                };
                let value = set.cloned().or_else(|| opt.default.clone());
                (k.clone(), Effective { value, source })
            })
            .collect()
    }

    /// The effective values only (see [`ConfigSchema::effective`]).
    pub fn effective_values(&self, user: &Map<String, Value>) -> BTreeMap<String, Option<Value>> {
        self.effective(user)
            .into_iter()
            .map(|(k, e)| (k, e.value))
            .collect()
    }

    /// Convert a command-line string (`juju config app key=raw`) to the
    /// option's type.
    pub fn parse_cli_value(&self, key: &str, raw: &str) -> Result<Value, ConfigError> {
        let option = self.get(key)?;
        parse_string(option.kind, raw).ok_or_else(|| ConfigError::WrongType {
            key: key.to_string(),
            expected: option.kind,
            got: format!("{raw:?}"),
        })
    }

    /// Check a typed value (from a YAML file or the API) against the
    /// option's type and return it in canonical form (`Value::Null`, meaning
    /// "unset", passes through).
    pub fn validate_value(&self, key: &str, value: &Value) -> Result<Value, ConfigError> {
        let option = self.get(key)?;
        coerce(option.kind, value).ok_or_else(|| ConfigError::WrongType {
            key: key.to_string(),
            expected: option.kind,
            got: show(value),
        })
    }
}

/// Print a value the way Juju's errors do: strings quoted, others as JSON.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Whether `s` names a secret: `secret:<id>`, `secret://<model>/<id>`, or
/// a bare id (20 characters of `[0-9a-v]`, an xid).
pub fn is_secret_uri(s: &str) -> bool {
    let is_xid = |id: &str| {
        id.len() == 20
            && id
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='v').contains(&c))
    };
    if let Some(rest) = s.strip_prefix("secret://") {
        return match rest.split_once('/') {
            Some((model, id)) => !model.is_empty() && !id.is_empty() && !id.contains('/'),
            None => false,
        };
    }
    if let Some(id) = s.strip_prefix("secret:") {
        return !id.is_empty() && !id.contains('/');
    }
    is_xid(s)
}

fn parse_string(kind: OptionType, raw: &str) -> Option<Value> {
    match kind {
        OptionType::String => Some(Value::String(raw.to_string())),
        OptionType::Secret => is_secret_uri(raw).then(|| Value::String(raw.to_string())),
        OptionType::Int => raw.parse::<i64>().ok().map(Value::from),
        OptionType::Float => raw
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        OptionType::Boolean => parse_go_bool(raw).map(Value::Bool),
    }
}

fn coerce(kind: OptionType, v: &Value) -> Option<Value> {
    match (kind, v) {
        (_, Value::Null) => Some(Value::Null),
        (OptionType::String, Value::String(_)) => Some(v.clone()),
        (OptionType::Secret, Value::String(s)) => is_secret_uri(s).then(|| v.clone()),
        (OptionType::Int, Value::Number(n)) => n
            .as_i64()
            .or_else(|| {
                // A whole float (e.g. 5.0 from a JSON client) is accepted.
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .map(Value::from),
        (OptionType::Int, Value::String(s)) => parse_string(kind, s.trim()),
        (OptionType::Float, Value::Number(n)) => {
            n.as_f64().and_then(Number::from_f64).map(Value::Number)
        }
        (OptionType::Float, Value::String(s)) => parse_string(kind, s.trim()),
        (OptionType::Boolean, Value::Bool(_)) => Some(v.clone()),
        (OptionType::Boolean, Value::String(s)) => parse_go_bool(s)
            .or_else(|| yaml::as_bool(v))
            .map(Value::Bool),
        _ => None,
    }
}

/// Validate the `options` of a config document at `loc` (the document's
/// top, whose `options` key holds the options).
pub(crate) fn parse_config(doc: &Value, loc: &Loc) -> Result<ConfigSchema, CharmError> {
    let empty = Map::new();
    let top = as_map(doc, loc, &empty)?;
    let oloc = loc.child("options");
    let options = as_map(top.get("options").unwrap_or(&Value::Null), &oloc, &empty)?;
    let mut schema = ConfigSchema::default();
    for (name, raw) in options {
        let at = oloc.child(name);
        if name.is_empty() {
            return Err(at.err("option name must not be empty"));
        }
        let m = as_map(raw, &at, &empty)?;
        let kind = match opt_str(m, "type", &at)? {
            None => OptionType::String,
            Some(t) => OptionType::from_name(&t).ok_or_else(|| {
                at.child("type").err(format!(
                    "unknown option type {t:?} (want string, int, float, boolean or secret)"
                ))
            })?,
        };
        let default = match m.get("default") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() && kind == OptionType::String => {
                Some(Value::String(String::new()))
            }
            Some(d) => Some(coerce(kind, d).ok_or_else(|| {
                at.child("default")
                    .err(format!("option {name:?} expected {kind}, got {}", show(d)))
            })?),
        };
        let description = opt_str(m, "description", &at)?.unwrap_or_default();
        schema.options.insert(
            name.clone(),
            ConfigOption {
                kind,
                default,
                description,
            },
        );
    }
    Ok(schema)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn effective_values_and_sources() {
        let schema = ConfigSchema::parse(
            "options:\n  a: {type: int, default: 1}\n  b: {type: string}\n  c: {type: string, default: x}\n  d: {type: boolean}\n",
        )
        .unwrap();
        let user: Map<String, Value> =
            serde_json::from_str(r#"{"a": 5, "c": "x", "d": null}"#).unwrap();
        let got: Vec<(String, Option<Value>, &str)> = schema
            .effective(&user)
            .into_iter()
            .map(|(k, e)| (k, e.value, e.source))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a".into(), Some(Value::from(5)), "user"),
                ("b".into(), None, "unset"),
                // A user value equal to the default is reported as the default.
                ("c".into(), Some(Value::from("x")), "default"),
                ("d".into(), None, "unset"),
            ]
        );
        assert_eq!(
            schema.effective_values(&Map::new())["a"],
            Some(Value::from(1))
        );
    }

    const SAMPLE: &str = r#"
options:
  name:
    type: string
    default: ""
    description: A name.
  plain:
    description: no type means string
  port:
    type: int
    default: 8080
  ratio:
    type: float
    default: 1
  debug:
    type: boolean
    default: false
  legacy:
    type: boolean
    default: yes
  token:
    type: secret
    description: A secret.
"#;

    fn schema() -> ConfigSchema {
        ConfigSchema::parse(SAMPLE).unwrap()
    }

    #[test]
    fn parses_types_and_defaults() {
        let s = schema();
        assert_eq!(s.options["name"].kind, OptionType::String);
        assert_eq!(s.options["name"].description, "A name.");
        assert_eq!(s.options["plain"].kind, OptionType::String);
        assert_eq!(s.options["plain"].default, None);
        assert_eq!(s.options["ratio"].default, Some(json!(1.0)));
        assert_eq!(s.options["token"].kind, OptionType::Secret);
        let d = s.defaults();
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            json!({"name": "", "port": 8080, "ratio": 1.0, "debug": false, "legacy": true})
        );
        assert!(ConfigSchema::parse("").unwrap().options.is_empty());
        assert!(ConfigSchema::parse("options:\n")
            .unwrap()
            .options
            .is_empty());
        assert_eq!(OptionType::Boolean.to_string(), "boolean");
        assert_eq!(OptionType::from_name("secret"), Some(OptionType::Secret));
        assert_eq!(OptionType::from_name("integer"), None);
    }

    #[test]
    fn cli_values() {
        let s = schema();
        let good: &[(&str, &str, Value)] = &[
            ("name", "foobar", json!("foobar")),
            ("name", "", json!("")),
            ("name", "42", json!("42")),
            ("port", "9000", json!(9000)),
            ("port", "-1", json!(-1)),
            ("port", "+7", json!(7)),
            ("ratio", "0.5", json!(0.5)),
            ("ratio", "2", json!(2.0)),
            ("ratio", "1e3", json!(1000.0)),
            ("debug", "true", json!(true)),
            ("debug", "True", json!(true)),
            ("debug", "TRUE", json!(true)),
            ("debug", "t", json!(true)),
            ("debug", "1", json!(true)),
            ("debug", "false", json!(false)),
            ("debug", "F", json!(false)),
            ("debug", "0", json!(false)),
            (
                "token",
                "secret:cr0b5bfmp25c77di8nng",
                json!("secret:cr0b5bfmp25c77di8nng"),
            ),
            (
                "token",
                "secret://7f1e6a86-1c2f-4b1a-8e55-8d3c4c5e9f10/cr0b5bfmp25c77di8nng",
                json!("secret://7f1e6a86-1c2f-4b1a-8e55-8d3c4c5e9f10/cr0b5bfmp25c77di8nng"),
            ),
            (
                "token",
                "cr0b5bfmp25c77di8nng",
                json!("cr0b5bfmp25c77di8nng"),
            ),
        ];
        for (key, raw, want) in good {
            assert_eq!(&s.parse_cli_value(key, raw).unwrap(), want, "{key}={raw}");
        }
        let bad: &[(&str, &str, &str)] = &[
            ("port", "abc", r#"option "port" expected int, got "abc""#),
            ("port", "1.5", r#"option "port" expected int, got "1.5""#),
            ("port", "", r#"option "port" expected int, got """#),
            (
                "port",
                "99999999999999999999",
                r#"option "port" expected int, got "99999999999999999999""#,
            ),
            (
                "ratio",
                "fast",
                r#"option "ratio" expected float, got "fast""#,
            ),
            (
                "ratio",
                "inf",
                r#"option "ratio" expected float, got "inf""#,
            ),
            (
                "debug",
                "yes",
                r#"option "debug" expected boolean, got "yes""#,
            ),
            (
                "debug",
                "no",
                r#"option "debug" expected boolean, got "no""#,
            ),
            ("debug", "", r#"option "debug" expected boolean, got """#),
            (
                "token",
                "hunter2",
                r#"option "token" expected secret, got "hunter2""#,
            ),
            (
                "token",
                "secret:",
                r#"option "token" expected secret, got "secret:""#,
            ),
            ("nope", "1", r#"unknown option "nope""#),
        ];
        for (key, raw, want) in bad {
            assert_eq!(
                s.parse_cli_value(key, raw).unwrap_err().to_string(),
                *want,
                "{key}={raw}"
            );
        }
    }

    #[test]
    fn typed_values() {
        let s = schema();
        let good: &[(&str, Value, Value)] = &[
            ("name", json!("x"), json!("x")),
            ("name", json!(null), json!(null)),
            ("port", json!(80), json!(80)),
            ("port", json!(80.0), json!(80)),
            ("port", json!("81"), json!(81)),
            ("ratio", json!(3), json!(3.0)),
            ("ratio", json!("0.25"), json!(0.25)),
            ("debug", json!(true), json!(true)),
            ("debug", json!("yes"), json!(true)),
            ("debug", json!("off"), json!(false)),
            ("debug", json!("False"), json!(false)),
            ("token", json!("secret:abc"), json!("secret:abc")),
        ];
        for (key, v, want) in good {
            assert_eq!(&s.validate_value(key, v).unwrap(), want, "{key}={v}");
        }
        let bad: &[(&str, Value, &str)] = &[
            (
                "name",
                json!(8080),
                r#"option "name" expected string, got 8080"#,
            ),
            (
                "name",
                json!(true),
                r#"option "name" expected string, got true"#,
            ),
            ("port", json!(1.5), r#"option "port" expected int, got 1.5"#),
            ("port", json!("x"), r#"option "port" expected int, got "x""#),
            ("port", json!([1]), r#"option "port" expected int, got [1]"#),
            (
                "ratio",
                json!(false),
                r#"option "ratio" expected float, got false"#,
            ),
            (
                "debug",
                json!(1),
                r#"option "debug" expected boolean, got 1"#,
            ),
            (
                "debug",
                json!("maybe"),
                r#"option "debug" expected boolean, got "maybe""#,
            ),
            (
                "token",
                json!(5),
                r#"option "token" expected secret, got 5"#,
            ),
            ("missing", json!(1), r#"unknown option "missing""#),
        ];
        for (key, v, want) in bad {
            assert_eq!(
                s.validate_value(key, v).unwrap_err().to_string(),
                *want,
                "{key}={v}"
            );
        }
    }

    #[test]
    fn rejects_bad_config_yaml() {
        let cases: &[(&str, &str)] = &[
            (
                "options:\n  port:\n    type: integer\n",
                r#"config.yaml: options.port.type: unknown option type "integer" (want string, int, float, boolean or secret)"#,
            ),
            (
                "options:\n  port:\n    type: int\n    default: abc\n",
                r#"config.yaml: options.port.default: option "port" expected int, got "abc""#,
            ),
            (
                "options:\n  port:\n    type: int\n    default: \"\"\n",
                r#"config.yaml: options.port.default: option "port" expected int, got """#,
            ),
            (
                "options:\n  s:\n    default: 5\n",
                r#"config.yaml: options.s.default: option "s" expected string, got 5"#,
            ),
            (
                "options:\n  b:\n    type: boolean\n    default: 'maybe'\n",
                r#"config.yaml: options.b.default: option "b" expected boolean, got "maybe""#,
            ),
            (
                "options:\n  f:\n    type: float\n    default: [1]\n",
                r#"config.yaml: options.f.default: option "f" expected float, got [1]"#,
            ),
            (
                "options:\n  x: 5\n",
                "config.yaml: options.x: expected a mapping, got a number",
            ),
            (
                "options: [a]\n",
                "config.yaml: options: expected a mapping, got a list",
            ),
            (
                "just a string\n",
                "config.yaml: expected a mapping, got a string",
            ),
            (
                "options:\n  x:\n    type: [string]\n",
                "config.yaml: options.x.type: expected a string, got a list",
            ),
            (
                "options:\n  x:\n    description: 5\n",
                "config.yaml: options.x.description: expected a string, got a number",
            ),
            ("options:\n  x: {\n", "config.yaml: invalid YAML: "),
        ];
        for (text, want) in cases {
            let got = ConfigSchema::parse(text).unwrap_err().to_string();
            assert!(
                got.starts_with(want),
                "for {text:?}\n got: {got}\nwant: {want}"
            );
        }
    }

    #[test]
    fn secret_uris() {
        for ok in [
            "secret:cr0b5bfmp25c77di8nng",
            "secret:anything",
            "secret://model-uuid/cr0b5bfmp25c77di8nng",
            "cr0b5bfmp25c77di8nng",
        ] {
            assert!(is_secret_uri(ok), "{ok}");
        }
        for bad in [
            "",
            "secret:",
            "secret://",
            "secret://uuid",
            "secret://uuid/",
            "secret:a/b",
            "cr0b5bfmp25c77di8nnz",
            "short",
        ] {
            assert!(!is_secret_uri(bad), "{bad}");
        }
    }
}
