//! `secret-get [options] [<ID>] [<key>[#base64]]`: print a secret's content
//! as this unit may read it, by id or `--label` (hook-tools.md §2.16).
//! Revision rules and tracking: `secrets.rs`.

use juju_types::output::{go_quote, Format};
use juju_types::secrets::{self, SecretUri};
use serde_json::{Map, Value};

use crate::flags::{self, Doc, Flag, Output, OUTPUT};
use crate::secrets::Read;
use crate::{Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "secret-get",
    args: "<ID> [key[#base64]]",
    purpose: "Get the content of a secret.",
    details: "",
};

fn yaml_or_json(v: &str) -> Result<(), String> {
    match v {
        "yaml" | "json" => Ok(()),
        _ => Err(format!("unknown format {}", go_quote(v))),
    }
}

/// `--format` of the secret tools: `yaml` (the default) or `json`.
pub(crate) const FORMAT: Flag =
    Flag::value(&["format"], "yaml", "Specify output format (json|yaml)").checked(yaml_or_json);

/// The output of a secret tool: YAML unless `--format json`.
pub(crate) fn output(p: &flags::Parsed) -> Output {
    let mut out = Output::from_parsed(p);
    if p.value("format").is_none() {
        out.format = Format::Yaml;
    }
    out
}

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    Flag::value(
        &["label"],
        "",
        "a label used to identify the secret in hooks",
    ),
    Flag::boolean(&["peek"], "get the latest revision just this time"),
    Flag::boolean(
        &["refresh"],
        "get the latest revision and also get this same revision for subsequent calls",
    ),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let label = p.value("label").filter(|l| !l.is_empty());
    let mut args = p.args.iter();
    let id = match args.next() {
        Some(a) => Some(SecretUri::parse(a).map_err(ToolError::usage)?.id),
        None => None,
    };
    let key = args.next().cloned();
    flags::check_empty(args.as_slice())?;
    if id.is_none() && label.is_none() {
        return Err(ToolError::usage("require either a secret URI or label").into());
    }
    let read = match (p.is_set("peek"), p.is_set("refresh")) {
        (true, true) => {
            return Err(ToolError::usage("specify one of --peek or --refresh but not both").into())
        }
        (true, false) => Read::Peek,
        (false, true) => Read::Refresh,
        _ => Read::Tracked,
    };
    let content = ctx.secret_get(id.as_deref(), label, read)?;
    let out = output(&p);
    let decode = |v: &str| -> String {
        secrets::base64_decode(v)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let value = match key {
        Some(k) => {
            let (name, raw) = match k.strip_suffix("#base64") {
                Some(n) => (n.to_string(), true),
                None => (k.clone(), false),
            };
            let v = content.get(&name).ok_or_else(|| {
                ToolError::runtime(format!("secret key value {} not found", go_quote(&name)))
            })?;
            Value::String(if raw { v.clone() } else { decode(v) })
        }
        None => Value::Object(
            content
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(decode(v))))
                .collect::<Map<_, _>>(),
        ),
    };
    Ok(out.write(req, &value)?)
}
