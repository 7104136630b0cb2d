//! What the secret commands share: content from `key=value`,
//! `key#base64=value`, `key#file=path` arguments and a `--file` YAML (as
//! Juju's `CreateSecretData`/`ReadSecretData`, values sent as base64), and
//! the Juju JSON/YAML shape of a listed secret (`secrets`, `show-secret`).

use std::collections::BTreeMap;

use controller_api::api::SecretInfo;
use juju_types::output::go_quote;
use juju_types::secrets::{
    base64_decode, base64_encode, check_content_size, check_file_size, valid_key,
    MAX_CONTENT_BYTES, MAX_VALUE_BYTES,
};
use serde_json::{json, Map, Value};

use crate::{timefmt, CliError};

fn check_key(key: &str) -> Result<(), CliError> {
    if valid_key(key) {
        Ok(())
    } else {
        Err(CliError::usage(format!("key {} not valid", go_quote(key))))
    }
}

/// Content (key → base64) from arguments, then `--file` (the file wins).
pub fn content(args: &[String], file: Option<&str>) -> Result<BTreeMap<String, String>, CliError> {
    let mut out = BTreeMap::new();
    for arg in args {
        let bad = || CliError::usage(format!("key value {} not valid", go_quote(arg)));
        let (key, value) = arg.split_once('=').ok_or_else(bad)?;
        if key.is_empty() || value.is_empty() {
            return Err(bad());
        }
        let (name, encoded) = if let Some(k) = key.strip_suffix("#base64") {
            if base64_decode(value).is_none() {
                return Err(CliError::usage(format!(
                    "base64 decoding value for key {}: illegal base64 data",
                    go_quote(k)
                )));
            }
            (k, value.to_string())
        } else if let Some(k) = key.strip_suffix("#file") {
            check_file_size(std::path::Path::new(value), MAX_VALUE_BYTES)
                .map_err(CliError::usage)?;
            let data = std::fs::read(value).map_err(|e| {
                CliError::usage(format!(
                    "reading content for secret key {}: {e}",
                    go_quote(k)
                ))
            })?;
            (k, base64_encode(&data))
        } else {
            (key, base64_encode(value.as_bytes()))
        };
        check_key(name)?;
        out.insert(name.to_string(), encoded);
    }
    // Juju checks the arguments and the file each on their own.
    check_content_size(&out).map_err(CliError::usage)?;
    if let Some(path) = file.filter(|f| !f.is_empty()) {
        check_file_size(std::path::Path::new(path), MAX_CONTENT_BYTES).map_err(CliError::usage)?;
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("open {path}: {e}")))?;
        let map: BTreeMap<String, Value> = serde_yaml_ng::from_str(&text)
            .map_err(|e| CliError::usage(format!("invalid secret content in {path}: {e}")))?;
        let mut from_file = BTreeMap::new();
        for (k, v) in map {
            let value = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let (name, encoded) = match k.strip_suffix("#base64") {
                Some(n) => (n.to_string(), value),
                None => (k.clone(), base64_encode(value.as_bytes())),
            };
            check_key(&name)?;
            from_file.insert(name, encoded);
        }
        check_content_size(&from_file).map_err(CliError::usage)?;
        out.extend(from_file);
    }
    Ok(out)
}

/// `<model>` for a user secret, else the owning application or unit.
pub fn owner(s: &SecretInfo) -> String {
    if s.owner_kind == "model" {
        "<model>".into()
    } else {
        s.owner.clone()
    }
}

/// One secret in Juju's `secrets`/`show-secret` shape (keyed by id outside).
pub fn details(s: &SecretInfo, revisions: bool, access: bool) -> Value {
    let mut m = Map::new();
    m.insert("revision".into(), json!(s.revision));
    if let Some(e) = s.expires {
        m.insert("expires".into(), json!(timefmt::rfc3339(e)));
    }
    if !s.rotation.is_empty() {
        m.insert("rotation".into(), json!(s.rotation));
    }
    if let Some(r) = s.rotates {
        m.insert("rotates".into(), json!(timefmt::rfc3339(r)));
    }
    m.insert("owner".into(), json!(owner(s)));
    if !s.description.is_empty() {
        m.insert("description".into(), json!(s.description));
    }
    if !s.label.is_empty() {
        let key = if s.owner_kind == "model" {
            "name"
        } else {
            "label"
        };
        m.insert(key.into(), json!(s.label));
    }
    m.insert("created".into(), json!(timefmt::rfc3339(s.created)));
    m.insert("updated".into(), json!(timefmt::rfc3339(s.updated)));
    if let Some(c) = &s.content {
        m.insert("content".into(), json!({ "Data": c }));
    }
    if revisions {
        let revs: Vec<Value> = s
            .revisions
            .iter()
            .map(|r| {
                let mut v = Map::new();
                v.insert("revision".into(), json!(r.revision));
                v.insert("created".into(), json!(timefmt::rfc3339(r.created)));
                v.insert("updated".into(), json!(timefmt::rfc3339(r.created)));
                if let Some(e) = r.expires {
                    v.insert("expires".into(), json!(timefmt::rfc3339(e)));
                }
                Value::Object(v)
            })
            .collect();
        m.insert("revisions".into(), Value::Array(revs));
    }
    if access && !s.access.is_empty() {
        let a: Vec<Value> = s
            .access
            .iter()
            .map(|a| {
                json!({
                    "target": a.target,
                    "scope": a.scope,
                    "role": "view",
                })
            })
            .collect();
        m.insert("access".into(), Value::Array(a));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn content_arguments() {
        let c = content(&args(&["password=hunter2", "token#base64=AA=="]), None).unwrap();
        assert_eq!(c["password"], base64_encode(b"hunter2"));
        assert_eq!(c["token"], "AA==");
        for (a, e) in [
            ("x", "key value \"x\" not valid"),
            ("abc=", "key value \"abc=\" not valid"),
            ("=abc", "key value \"=abc\" not valid"),
            ("Key=v", "key \"Key\" not valid"),
        ] {
            assert_eq!(content(&args(&[a]), None).unwrap_err().message, e);
        }
    }
}
