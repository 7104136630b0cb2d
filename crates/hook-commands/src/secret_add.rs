//! `secret-add [options] [key[#base64|#file]=value ...]`: create a secret
//! owned by the application (leader only) or the unit, committed when the
//! hook succeeds; prints its URI at once (hook-tools.md §2.14). The flag and
//! content parsing here is shared with `secret-set`.

use juju_types::output::go_quote;
use juju_types::secrets::{self, Content, OwnerKind, SecretMetaChange, SecretUri};

use crate::flags::{self, Doc, Flag, Parsed};
use crate::{Outcome, Session, ToolError, ToolRequest, ToolResponse};

const DOC: Doc = Doc {
    name: "secret-add",
    args: "[key[#base64|#file]=value...]",
    purpose: "Add a new secret.",
    details: "Values are base64 encoded for storage unless given with #base64; \
              #file reads the value from a file.",
};

/// The flags of `secret-add` and `secret-set`.
pub(crate) const FLAGS: &[Flag] = &[
    Flag::value(
        &["owner"],
        "application",
        "the owner of the secret, either the application or unit",
    ),
    Flag::value(
        &["label"],
        "",
        "a label used to identify the secret in hooks",
    ),
    Flag::value(&["description"], "", "the secret description"),
    Flag::value(
        &["expire"],
        "",
        "either a duration or time when the secret should expire",
    ),
    Flag::value(&["rotate"], "", "the secret rotation policy"),
    Flag::value(&["file"], "", "a YAML file containing secret key values"),
];

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let p = flags::parse(&DOC, FLAGS, &req.args)?;
    let (owner, meta) = parse_meta(&p)?;
    let content = parse_content(req, &p, &p.args)?;
    if content.is_empty() {
        return Err(ToolError::usage("missing secret value or filename").into());
    }
    let id = ctx.secret_add(owner, meta, content)?;
    let uuid = ctx.data.model_uuid()?;
    Ok(ToolResponse::ok(format!(
        "{}\n",
        SecretUri::long(&uuid, &id)
    )))
}

/// `--owner`, `--label`, `--description`, `--expire` and `--rotate`
/// (usage errors, exit 2).
pub(crate) fn parse_meta(p: &Parsed) -> Result<(OwnerKind, SecretMetaChange), ToolError> {
    let owner = match p.value("owner").unwrap_or("application") {
        "application" => OwnerKind::Application,
        "unit" => OwnerKind::Unit,
        other => {
            return Err(ToolError::usage(format!(
                "secret owner {} not valid",
                go_quote(other)
            )))
        }
    };
    let expire = p
        .value("expire")
        .filter(|s| !s.is_empty())
        .map(|s| secrets::parse_expire(s, now()))
        .transpose()
        .map_err(ToolError::usage)?;
    let rotate = p
        .value("rotate")
        .filter(|s| !s.is_empty())
        .map(String::from);
    if let Some(r) = &rotate {
        secrets::rotate_period(r).map_err(ToolError::usage)?;
    }
    Ok((
        owner,
        SecretMetaChange {
            label: p.value("label").map(String::from),
            description: p.value("description").map(String::from),
            expire,
            rotate,
        },
    ))
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// Content arguments and `--file` (merged after, so the file wins), as
/// key → base64.
pub(crate) fn parse_content(
    req: &ToolRequest,
    p: &Parsed,
    args: &[String],
) -> Result<Content, ToolError> {
    let mut out = Content::new();
    for arg in args {
        let trimmed = arg.trim_end_matches('=');
        let bad = || ToolError::usage(format!("key value {} not valid", go_quote(arg)));
        let Some(eq) = trimmed.find('=') else {
            return Err(bad());
        };
        let (key, value) = (&arg[..eq], &arg[eq + 1..]);
        if key.is_empty() || value.is_empty() {
            return Err(bad());
        }
        let (name, encoded) = if let Some(k) = key.strip_suffix("#base64") {
            (k, value.to_string())
        } else if let Some(k) = key.strip_suffix("#file") {
            let data = std::fs::read(flags::abs_path(req, value)).map_err(|e| {
                ToolError::usage(format!(
                    "reading content for secret key {}: {}",
                    go_quote(k),
                    flags::go_path_error("open", &flags::abs_path(req, value), &e)
                ))
            })?;
            (k, secrets::base64_encode(&data))
        } else {
            (key, secrets::base64_encode(value.as_bytes()))
        };
        check_key(name)?;
        out.insert(name.to_string(), encoded);
    }
    if let Some(path) = p.value("file").filter(|s| !s.is_empty()) {
        let full = flags::abs_path(req, path);
        let text = std::fs::read_to_string(&full)
            .map_err(|e| ToolError::usage(flags::go_path_error("open", &full, &e)))?;
        let map: std::collections::BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&text)
                .or_else(|_| serde_yaml_ng::from_str(&text))
                .map_err(|e| ToolError::usage(format!("invalid secret content: {e}")))?;
        for (k, v) in map {
            let value = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            let (name, encoded) = match k.strip_suffix("#base64") {
                Some(n) => (n.to_string(), value),
                None => (k.clone(), secrets::base64_encode(value.as_bytes())),
            };
            check_key(&name)?;
            out.insert(name, encoded);
        }
    }
    Ok(out)
}

fn check_key(key: &str) -> Result<(), ToolError> {
    if secrets::valid_key(key) {
        Ok(())
    } else {
        Err(ToolError::usage(format!("key {} not valid", go_quote(key))))
    }
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, FakeContext};

    #[test]
    fn usage_errors() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["secret-add"], fail(2, "missing secret value or filename")),
                (&["secret-add", "x"], fail(2, "key value \"x\" not valid")),
                (&["secret-add", "abc="], fail(2, "key value \"abc=\" not valid")),
                (&["secret-add", "=abc"], fail(2, "key value \"=abc\" not valid")),
                (&["secret-add", "Key=v"], fail(2, "key \"Key\" not valid")),
                (&["secret-add", "--owner", "me", "abc=v"], fail(2, "secret owner \"me\" not valid")),
                (&["secret-add", "--rotate", "sometimes", "abc=v"], fail(2, "rotate policy \"sometimes\" not valid")),
                (&["secret-add", "--expire", "soon", "abc=v"], fail(2, "expire time or duration \"soon\" not valid")),
                (&["secret-add", "--expire", "-1h", "abc=v"], fail(2, "negative expire duration \"-1h\" not valid")),
                (&["secret-add", "abc#file=/nonexistent/x"], fail(2, "reading content for secret key \"abc\": open /nonexistent/x: no such file or directory")),
            ],
        );
    }
}
