//! `secret-info-get [options] <ID> | --label <label>`: the metadata of a
//! secret this unit or its application owns, pending changes included, as
//! a one-entry map from the bare id (hook-tools.md §2.17).

use juju_types::secrets::{rfc3339, SecretMeta, SecretUri};
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
    let out = output(&p);
    let fields = info_fields(&meta);
    if out.format == juju_types::output::Format::Json {
        let body = format!(
            "{{{}:{}}}\n",
            Value::String(id.clone()),
            ordered_json(&fields)
        );
        return Ok(out.emit(req, body.into_bytes())?);
    }
    let map: Map<String, Value> = fields.into_iter().collect();
    Ok(out.write(req, &json!({ id: map }))?)
}

/// The fields in Juju's order, empty ones left out.
fn info_fields(m: &SecretMeta) -> Vec<(String, Value)> {
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
    f
}

/// A JSON object with its fields in the given order.
fn ordered_json(fields: &[(String, Value)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), v))
        .collect();
    format!("{{{}}}", parts.join(","))
}
