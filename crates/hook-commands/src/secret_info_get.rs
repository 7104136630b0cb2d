//! `secret-info-get [options] <ID> | --label <label>`: the metadata of a
//! secret this unit or its application owns, pending changes included, as
//! a one-entry map from the bare id (hook-tools.md §2.17).

use juju_types::output::to_yaml;
use juju_types::secrets::{rfc3339, SecretGrant, SecretMeta, SecretUri};
use serde_json::{json, Map, Value};

use crate::flags::{self, Doc, Flag, OUTPUT};
use crate::secret_get::{output, FORMAT};
use crate::{Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "secret-info-get",
    args: "<ID>",
    purpose: "Get a secret's metadata info.",
    details: "",
};

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    Flag::value(&["label"], "", "a label used to identify the secret"),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let label = p.value("label").filter(|l| !l.is_empty());
    let (id, rest) = match p.args.split_first() {
        Some((a, rest)) => (
            Some(SecretUri::parse(a).map_err(ToolError::usage)?.id),
            rest,
        ),
        None => (None, &p.args[..]),
    };
    flags::check_empty(rest)?;
    let id = match (id, label) {
        (None, None) => return Err(ToolError::usage("require either a secret URI or label").into()),
        (Some(_), Some(_)) => {
            return Err(
                ToolError::usage("specify either a secret URI or label but not both").into(),
            )
        }
        (Some(id), None) => id,
        // Only owned secrets, by their owner label (Juju: `secret "<label>" not found`).
        (None, Some(l)) => ctx
            .owned_secrets()?
            .into_iter()
            .find(|m| m.label == l)
            .map(|m| m.id)
            .ok_or_else(|| crate::secrets::not_found(l))?,
    };
    let meta = ctx.owned_secret(&id)?;
    let access = ctx.data.secret_grants(&id)?;
    let out = output(&p);
    let fields = info_fields(&meta, &access);
    let body = if out.format == juju_types::output::Format::Json {
        format!(
            "{{{}:{}}}\n",
            Value::String(id.clone()),
            ordered_json(&fields)
        )
    } else {
        ordered_yaml(&id, &fields)
    };
    Ok(out.emit(req, body.into_bytes())?)
}

/// The fields in the order of Juju's `metadataDisplay` struct, empty ones
/// left out: revision, label, owner, description, rotation, expiry,
/// rotates, access (each grant `{target, scope, role}`).
fn info_fields(m: &SecretMeta, access: &[SecretGrant]) -> Vec<(String, Value)> {
    let mut f = vec![
        ("revision".to_string(), json!(m.latest)),
        ("label".to_string(), json!(m.label)),
        ("owner".to_string(), json!(m.owner_kind.as_str())),
    ];
    if !m.description.is_empty() {
        f.push(("description".into(), json!(m.description)));
    }
    if !m.rotate_policy.is_empty() && m.rotate_policy != "never" {
        f.push(("rotation".into(), json!(m.rotate_policy)));
    }
    if let Some(e) = m.latest_expire {
        f.push(("expiry".into(), json!(rfc3339(e))));
    }
    if let Some(r) = m.next_rotate {
        f.push(("rotates".into(), json!(rfc3339(r))));
    }
    if !access.is_empty() {
        let grants = access
            .iter()
            .map(|g| {
                Value::Array(vec![
                    json!(["target", g.target_tag()]),
                    json!(["scope", g.scope]),
                    json!(["role", "view"]),
                ])
            })
            .collect();
        f.push(("access".into(), Value::Array(grants)));
    }
    f
}

/// One field of an access entry, `[name, value]` (kept in order).
fn pairs(entry: &Value) -> impl Iterator<Item = (&str, &Value)> {
    entry
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.get(0)?.as_str()?, p.get(1)?)))
}

/// A JSON object with its fields in the given order (access entries too).
fn ordered_json(fields: &[(String, Value)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            let v = match (k.as_str(), v) {
                ("access", Value::Array(entries)) => {
                    let items: Vec<String> = entries
                        .iter()
                        .map(|e| {
                            let kv: Vec<String> = pairs(e)
                                .map(|(n, v)| format!("{}:{}", Value::String(n.into()), v))
                                .collect();
                            format!("{{{}}}", kv.join(","))
                        })
                        .collect();
                    format!("[{}]", items.join(","))
                }
                _ => v.to_string(),
            };
            format!("{}:{}", Value::String(k.clone()), v)
        })
        .collect();
    format!("{{{}}}", parts.join(","))
}

/// One `key: value` line as yaml.v2 writes it (quoting as needed), without
/// its newline.
fn yaml_line(key: &str, v: &Value) -> String {
    let mut m = Map::new();
    m.insert(key.to_string(), v.clone());
    to_yaml(&Value::Object(m))
        .trim_end_matches('\n')
        .to_string()
}

/// The map from the id to its fields as yaml.v2 writes a struct: fields in
/// declaration order, the access list's entries as `- target: …`.
fn ordered_yaml(id: &str, fields: &[(String, Value)]) -> String {
    let key = yaml_line(id, &json!(0));
    let mut out = format!("{}\n", key.trim_end_matches(" 0"));
    for (k, v) in fields {
        match (k.as_str(), v) {
            ("access", Value::Array(entries)) => {
                out.push_str("  access:\n");
                for e in entries {
                    for (i, (n, v)) in pairs(e).enumerate() {
                        let lead = if i == 0 { "  - " } else { "    " };
                        out.push_str(&format!("{lead}{}\n", yaml_line(n, v)));
                    }
                }
            }
            // yaml.v2 writes a time.Time plain (a string like it is quoted).
            ("expiry" | "rotates", Value::String(t)) => out.push_str(&format!("  {k}: {t}\n")),
            _ => out.push_str(&format!("  {}\n", yaml_line(k, v))),
        }
    }
    out
}
